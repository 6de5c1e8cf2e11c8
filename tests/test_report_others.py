"""'How others see you' in a person's report: golden files for every format, and the words."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import pytest

from goodpartners.frameworks import load_framework
from goodpartners.models import Assessment, Framework
from goodpartners.personal.report import build_report
from goodpartners.render import ReportFormat, render
from tests.conftest import GOLDEN, WHEN
from tests.test_multirater import module_ratings
from tests.test_report import SUFFIX

DATA = Path(__file__).parent / "data"
SELF_ANSWERS = {  # from tests/data/exports/360.csv
    "Ana": {"c1-1": 5, "c1-2": 5, "c1-3": 1, "c2-1": 3, "c2-2": 3, "c2-3": 3},
    "Cat": {"c1-1": 3, "c1-2": 3, "c1-3": 3, "c2-1": 3, "c2-2": 3, "c2-3": 3},
    "Eve": {"c1-1": 2, "c1-2": 2, "c1-3": 4, "c2-1": 5, "c2-2": 5, "c2-3": 1},
}


@pytest.fixture(scope="module")
def minimal() -> Framework:
    return load_framework(str(DATA / "framework.minimal.yaml"))


def report_text(framework: Framework, subject: str, fmt: ReportFormat) -> str:
    from goodpartners.multirater import others_view

    assessment = Assessment.start(
        framework,
        subject,
        name=subject,
        when=WHEN,
        answers=dict(SELF_ANSWERS[subject]),
        finished=True,
    )
    view = others_view(framework, subject, module_ratings(framework, subject))
    return render(build_report(framework, assessment, others=view), fmt, color=False, width=80)


@pytest.mark.parametrize(
    ("subject", "fmt"),
    [("Ana", fmt) for fmt in ReportFormat]
    + [("Cat", ReportFormat.md), ("Eve", ReportFormat.terminal)],
    ids=lambda value: getattr(value, "value", value),
)
def test_others_report_matches_golden(minimal: Framework, subject: str, fmt: ReportFormat) -> None:
    text = report_text(minimal, subject, fmt)
    golden = GOLDEN / "others" / f"{subject}.{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", list(ReportFormat), ids=lambda f: f.value)
def test_every_format_says_how_others_see_you(minimal: Framework, fmt: ReportFormat) -> None:
    text = report_text(minimal, "Eve", fmt)
    if fmt is ReportFormat.json:
        others = json.loads(text)["others"]
        assert others["blind_spots"] == ["c2"]
        assert others["hidden_strengths"] == ["c1"]
        assert others["low_agreement"] == ["c1", "c2"]
        assert others["competencies"]["c1"]["groups"]["peer"] == {
            "n": None,
            "mean": None,
            "shown": False,
        }
        return
    flat = " ".join(html.unescape(text).split())
    for words in (
        "How others see you",
        "Blind spots",
        "Hidden strengths",
        "Where your raters differ",
        "Your manager's score is shown as your manager's: it is not anonymous.",
        "Competency two: you 5.0, others 3.3.",
    ):
        assert words in flat


def test_terminal_section_fits_80_columns(minimal: Framework) -> None:
    text = report_text(minimal, "Ana", ReportFormat.terminal)
    assert max(len(line) for line in text.splitlines()) <= 80
