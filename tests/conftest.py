"""Shared fixtures: a private data folder for every test, and one fixed assessment."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from goodpartners.frameworks import load_framework
from goodpartners.models import Assessment, Framework

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
WHEN = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)

# One answer per item of the shipped framework, in framework order; "n/a" and a
# missing answer make sure not-applicable and not-scored paths show in the goldens.
FIXED_ANSWERS: dict[str, int | str] = {
    "role-1": 4, "role-2": 5, "role-3": 2,
    "offer-1": 3, "offer-2": 4, "offer-3": 3,
    "realistic-1": 2, "realistic-2": 2, "realistic-3": 4,
    "present-1": 5, "present-2": 5, "present-3": 1,
    "critical-friend-1": 4, "critical-friend-2": "n/a", "critical-friend-3": 2,
    "reflective-1": 3, "reflective-2": 3, "reflective-3": 3,
    "others-objectives-1": 4, "others-objectives-2": 4, "others-objectives-3": 2,
    "know-partners-1": 2,
    "respect-skills-1": 5, "respect-skills-2": 4, "respect-skills-3": 1,
    "step-back-1": 3, "step-back-2": 4, "step-back-3": 2,
    "soft-skills-1": 4, "soft-skills-2": 5, "soft-skills-3": 1,
}  # fmt: skip


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty data folder, never the real one."""
    home = tmp_path / "gp-home"
    monkeypatch.setenv("GOODPARTNERS_HOME", str(home))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture(scope="session")
def framework() -> Framework:
    """The shipped Good Partners framework."""
    return load_framework("good-partners")


def make_assessment(
    answers: dict[str, int | str] | None = None,
    when: datetime = WHEN,
    assessment_id: str = "20261102-093000",
    name: str | None = "Sam Patel",
    quick: bool = False,
) -> Assessment:
    """A finished assessment with fixed dates, for goldens and history tests."""
    return Assessment(
        id=assessment_id,
        name=name,
        framework_id="good-partners",
        framework_version="1.0",
        framework_title="Good Partners",
        quick=quick,
        started=when - timedelta(minutes=7),
        finished=when,
        answers=dict(FIXED_ANSWERS if answers is None else answers),  # type: ignore[arg-type]
        notes={
            "role": "I explained my role at the housing panel <b>before</b> anyone asked.",
            "present": "",
        },
    )


@pytest.fixture
def fixed_assessment() -> Assessment:
    """The one fixed assessment the report goldens are built from."""
    return make_assessment()


@pytest.fixture
def earlier_assessment() -> Assessment:
    """An earlier assessment on the same framework, for the comparison section."""
    earlier = {k: (v - 1 if isinstance(v, int) and v > 1 else v) for k, v in FIXED_ANSWERS.items()}
    return make_assessment(earlier, when=WHEN - timedelta(days=90), assessment_id="20260804-093000")
