"""Personal development report: golden files for every format, and content checks."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from goodpartners.models import Assessment, Framework, PrepCard
from goodpartners.personal.report import build_report
from goodpartners.render import ReportFormat, render
from tests.conftest import GOLDEN, make_assessment

SUFFIX = {
    ReportFormat.terminal: "txt",
    ReportFormat.md: "md",
    ReportFormat.html: "html",
    ReportFormat.json: "json",
}


def test_every_format_has_a_golden_suffix() -> None:
    assert set(SUFFIX) == set(ReportFormat)


@pytest.mark.parametrize("fmt", list(ReportFormat), ids=lambda f: f.value)
def test_report_matches_golden(
    fmt: ReportFormat,
    framework: Framework,
    fixed_assessment: Assessment,
    earlier_assessment: Assessment,
    fixed_card: PrepCard,
) -> None:
    report = build_report(
        framework, fixed_assessment, previous=earlier_assessment, cards=[fixed_card]
    )
    text = render(report, fmt, color=False, width=80)
    golden = GOLDEN / f"report.{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_terminal_report_fits_80_columns_and_has_no_colour(
    framework: Framework, fixed_assessment: Assessment
) -> None:
    text = render(build_report(framework, fixed_assessment), ReportFormat.terminal)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "\x1b[" not in text


def test_terminal_report_has_colour_only_when_asked(
    framework: Framework, fixed_assessment: Assessment
) -> None:
    text = render(build_report(framework, fixed_assessment), ReportFormat.terminal, color=True)
    assert "\x1b[" in text


def test_json_report_keys_scores_bands_and_answers_by_id(
    framework: Framework, fixed_assessment: Assessment
) -> None:
    data = json.loads(render(build_report(framework, fixed_assessment), ReportFormat.json))
    # role: 4, 5 and 2 reversed to 4 -> (4 + 5 + 4) / 3 = 4.333...
    assert data["competencies"]["role"]["score"] == pytest.approx(13 / 3)
    assert data["competencies"]["role"]["band"] == "strength"
    # know-partners: 1 of 3 answered, 2 needed -> not scored
    assert data["competencies"]["know-partners"]["score"] is None
    assert data["competencies"]["know-partners"]["band"] is None
    assert data["answers"]["role-1"] == 4
    assert data["answers"]["critical-friend-2"] == "n/a"
    assert data["answers"]["know-partners-2"] is None
    assert len(data["answers"]) == 33
    assert data["framework"] == {
        "id": "good-partners",
        "title": "Good Partners",
        "version": "1.0",
        "source": framework.source.strip(),
    }


def test_report_names_strengths_priorities_and_unscored(
    framework: Framework, fixed_assessment: Assessment
) -> None:
    report = build_report(framework, fixed_assessment)
    strengths = [c.id for c in report.strengths]
    priorities = [c.id for c in report.priorities]
    # present 5,5,1->5 = 5.00; respect-skills 5,4,1->5 = 4.67; soft-skills 4,5,1->5 = 4.67
    assert strengths == ["present", "respect-skills", "soft-skills"]
    # realistic 2,2,4->2 = 2.00; reflective 3,3,3 = 3.00; offer 3,4,3->3 = 3.33
    assert priorities == ["realistic", "reflective", "offer"]
    assert [c.id for c in report.not_scored] == ["know-partners"]
    assert report.not_scored[0].reason == "only 1 of 3 statements answered; 2 needed"
    assert report.ties is True
    assert report.priorities[0].actions == framework.competency("realistic").actions


def test_html_escapes_names_and_notes() -> None:
    from goodpartners.frameworks import load_framework

    hostile = make_assessment(name="<script>alert(1)</script>")
    hostile.notes["role"] = '<img src=x onerror="alert(2)">'
    html = render(build_report(load_framework(), hostile), ReportFormat.html)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html


def test_html_is_self_contained_and_accessible(
    framework: Framework, fixed_assessment: Assessment
) -> None:
    html = render(build_report(framework, fixed_assessment), ReportFormat.html)
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "<link" not in html and "@import" not in html
    assert '<html lang="en-GB">' in html
    assert html.count("<h1>") == 1
    # The chart is hidden from screen readers and a table carries the same numbers.
    assert '<div aria-hidden="true">' in html
    assert "<caption>Scores by competency." in html
    assert "@media print" in html


def test_comparison_shows_change_per_competency(
    framework: Framework, fixed_assessment: Assessment, earlier_assessment: Assessment
) -> None:
    report = build_report(framework, fixed_assessment, previous=earlier_assessment)
    assert report.comparison is not None
    role = next(c for c in report.comparison.changes if c.id == "role")
    # Earlier: 3, 4, 1 (reversed 5) -> 4.00; now 4.33 -> +0.33
    assert role.before == pytest.approx(4.0)
    assert role.change == pytest.approx(1 / 3)


def test_markdown_table_cells_escape_pipes(framework: Framework) -> None:
    assessment = make_assessment(name="A | B")
    assessment.notes["role"] = "left | right"
    text = render(build_report(framework, assessment), ReportFormat.md)
    assert "left \\| right" in text


def test_golden_dir_exists() -> None:
    assert Path(GOLDEN).is_dir()
