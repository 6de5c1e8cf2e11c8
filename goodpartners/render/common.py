"""Small formatting helpers shared by the renderers."""

from __future__ import annotations

from datetime import datetime

BAR_WIDTH = 20


def score_text(score: float | None) -> str:
    """A score to two decimal places, or a dash when not scored."""
    return "-" if score is None else f"{score:.2f}"


def change_text(change: float | None) -> str:
    """A signed change, or a dash."""
    if change is None:
        return "-"
    if abs(change) < 0.005:
        return "no change"
    return f"{change:+.2f}"


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
