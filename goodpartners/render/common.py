"""Small formatting helpers shared by the renderers."""

from __future__ import annotations

from datetime import datetime

BAR_WIDTH = 20
REFLECTIONS_INTRO = "What you wrote after meetings you prepared for with goodpartners prep."


def score_text(score: float | None) -> str:
    """A score to one decimal place, or a dash when not scored (files keep full precision)."""
    return "-" if score is None else f"{score:.1f}"


def statistic_text(value: float | None) -> str:
    """A statistic such as Cronbach's alpha, to two decimal places, or a dash."""
    return "-" if value is None else f"{value:.2f}"


def change_text(change: float | None) -> str:
    """A signed change, or a dash."""
    if change is None:
        return "-"
    if abs(change) < 0.05:
        return "no change"
    return f"{change:+.1f}"


def date_text(when: datetime) -> str:
    """A date as people write it in the UK, for example 26 November 2026."""
    return f"{when.day} {when:%B %Y}, {when:%H:%M}"


def fraction(score: float | None, low: int, high: int) -> float:
    """Where a score sits between the bottom and top of the scale, from 0 to 1."""
    if score is None:
        return 0.0
    return max(0.0, min(1.0, (score - low) / (high - low)))


def bar(score: float | None, low: int, high: int, width: int = BAR_WIDTH) -> str:
    """A text bar such as '######--------------'; empty when not scored."""
    if score is None:
        return ""
    filled = round(fraction(score, low, high) * width)
    return "█" * filled + "░" * (width - filled)


def hours_text(hours: float | None) -> str:
    """Hours as a plain number, such as 4 or 1.5; a dash when not given."""
    return "-" if hours is None else f"{round(hours, 1):g}"


def offer_hours(hours: float | None, unit: bool = True) -> str:
    """'about 4 hours', 'about 1 hour', or 'hours not given' for an offer with no hours."""
    if hours is None:
        return "hours not given" if unit else "not given"
    number = hours_text(hours)
    if not unit:
        return f"about {number}"
    return f"about {number} hour{'' if number == '1' else 's'}"


def focus_text(band_name: str | None) -> str:
    """Why a competency is a focus, in a few words."""
    return f"your quick check: {band_name}" if band_name else "from your quick check"


CARD_SECTIONS = {
    "role": "My role",
    "offer": "My offer and its limits",
    "partners": "The partners",
    "focus": "In the meeting, focus on",
    "after": "After the meeting, ask yourself",
    "reflection": "My reflection after the meeting",
    "other": "Other notes",
}
"""The card's section headings, the same in every format."""
MORE_QUESTIONS = "More questions to think about"
"""Above the framework's reflective prompts, after the three questions about the meeting."""
