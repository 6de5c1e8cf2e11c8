"""Shared fixtures: a private data folder for every test, and one fixed assessment."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from goodpartners.frameworks import load_framework
from goodpartners.models import Assessment, Framework, Offer, Partner, PrepCard, Reflection
from goodpartners.personal.prep import finish_card

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
def private_home(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own empty data and cache folders, never the real ones.

    The cache folder sits outside tmp_path, so tests that list tmp_path do not see it.
    """
    home = tmp_path / "gp-home"
    monkeypatch.setenv("GOODPARTNERS_HOME", str(home))
    monkeypatch.setenv("GOODPARTNERS_CACHE", str(tmp_path_factory.mktemp("gp-cache")))
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


# One prep card between the earlier assessment and the fixed one, so the fixed report
# shows its reflection. Its offers need 14 hours against 6, so the card flags it.
CARD_WHEN = datetime(2026, 10, 12, 16, 15, tzinfo=timezone.utc)
CARD_CHECK: dict[str, int | str] = {
    "role-1": 4, "offer-1": 2, "realistic-1": 2, "present-1": 5, "critical-friend-1": 4,
    "reflective-1": 3, "others-objectives-1": 4, "know-partners-1": "n/a",
    "respect-skills-1": 5, "step-back-1": 4, "soft-skills-1": 3,
}  # fmt: skip


def make_prep_card(
    framework: Framework,
    card_id: str = "20261012-161500",
    when: datetime = CARD_WHEN,
    meeting: str = "Case review for J.S.",
    reflected: bool = True,
) -> PrepCard:
    """A finished prep card with fixed dates and answers, for goldens and history tests."""
    card = PrepCard.start(framework, when=when - timedelta(minutes=9))
    card.meeting = meeting
    card.meeting_date = date(2026, 10, 15)
    card.partners = [
        Partner(
            who="Housing Options - housing officer",
            objectives="Move J on to his own flat within eight weeks",
            find_out="Whether J is on the housing register yet",
        ),
        Partner(who="Probation - probation officer", objectives="", find_out=""),
    ]
    card.check.answers = dict(CARD_CHECK)  # type: ignore[arg-type]
    card.check_done = True
    card.answers = {
        "role-summary": "I am J's key worker at Riverside hostel. I am here to speak for "
        "what J wants and to agree who does what.",
        "expect": "A date for the move-on panel, and who will chase the GP letter.",
        "not-promise": "Money for a deposit. I will not take on J's benefit claim.",
        "key-partners": "J's GP, and his sister, who will not be at the meeting.",
        "room": "Keep my update to two minutes and ask J's probation officer first.",
    }
    card.offers = [
        Offer(text="Weekly key-work session with J", hours=8),
        Offer(text="Go with J to the housing appointment", hours=6),
    ]
    card.hours_available = 6
    card = finish_card(framework, card, card_id, when)
    if reflected:
        card.reflection = Reflection(
            written=when + timedelta(days=4),
            answers={
                "offer": "I said I could only do six hours, and we dropped the appointment.",
                "realistic": "I asked who would do each action, and by when.",
                "learned": "Housing need a GP letter before the panel.",
                "differently": "",
            },
        )
    return card


@pytest.fixture
def fixed_card(framework: Framework) -> PrepCard:
    """The one fixed prep card the card goldens are built from, with its reflection."""
    return make_prep_card(framework)
