"""The reliability table and the item analysis panel of the team summary, in words.

render/team.py draws them in Markdown and the HTML template; the words live here so
both say the same thing.
"""

from __future__ import annotations

from typing import Any

from goodpartners.render.common import statistic_text
from goodpartners.team.items import (
    BLANK_KEY,
    INDICATIVE_PEOPLE,
    NA_KEY,
    RAISE,
    WEAK_LINK,
    WIDE_INTERVAL,
)
from goodpartners.team.summary import CompetencySummary, ItemAnalysis, ItemPanel, TeamSummary

RELIABILITY_EXPLAINED = (
    "The likely range is where the team's true reliability lies, 19 times in 20 "
    "(a 95% Feldt interval). Reliability is indicative only, a rough guide, when fewer "
    f"than {INDICATIVE_PEOPLE} people were scored or its likely range is wider than "
    f"{WIDE_INTERVAL}. The measurement error (standard error of measurement) is how far, "
    "in scale points, a person's score may be from what it would be if the statements "
    "were perfect: about two in three people are within one measurement error of it. It is "
    "the spread (SD) of the competency's scores times the square root of 1 minus alpha."
)


def panel_intro(summary: TeamSummary) -> str:
    """What the item analysis shows, who it is for, and what is hidden."""
    return (
        "For the people who look after the framework: how each statement worked for this "
        "team. The average and the counts are of the answers as given, before reverse-keyed "
        "statements are turned round. 'Goes with the rest' is the corrected item-total "
        "correlation: how closely the answers follow the sum of the competency's other "
        f"statements, from -1 to 1. A statement is flagged when this is below {WEAK_LINK}, "
        f"or when leaving it out would raise reliability by {RAISE} or more. "
        f"A statement's answers are hidden when fewer than {people(summary.min_group_size)} "
        "answered it, so nobody can be singled out. Blank includes answers that could not "
        "be read; they are listed under Data."
    )


def people(n: int) -> str:
    """'1 person', '5 people'."""
    return f"{n} {'person' if n == 1 else 'people'}"


def range_text(panel: ItemPanel | None) -> str:
    """'0.61 to 0.87', or a dash."""
    if panel is None or panel.ci_lower is None or panel.ci_upper is None:
        return "-"
    return f"{_two(panel.ci_lower)} to {_two(panel.ci_upper)}"


def _two(value: float) -> str:
    """Two decimals, with no '-0.00'."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def indicative_text(panel: ItemPanel | None) -> str:
    """'Indicative only: fewer than 30 people were scored (12).', or nothing."""
    if panel is None or not panel.indicative or panel.alpha is None:
        return ""
    return "Indicative only: " + " and ".join(panel.indicative_reasons) + "."


def meaning(c: CompetencySummary, words: str) -> str:
    """The 'what it means' cell: the plain reading of alpha, then any label."""
    label = indicative_text(c.item_panel)
    return f"{words} {label}" if label else words


def no_alpha_text(panel: ItemPanel | None) -> str:
    """Why a competency has no reliability, as a sentence."""
    reason = panel.no_alpha if panel is not None else None
    return f"Reliability cannot be worked out: {reason or 'too few people answered'}."


def panel_line(c: CompetencySummary) -> str:
    """One sentence on a competency's reliability, above its statements."""
    panel = c.item_panel
    if panel is None or panel.alpha is None:
        return no_alpha_text(panel)
    text = f"Reliability {panel.alpha:.2f}"
    if panel.ci_lower is not None:
        text += f" (likely range {range_text(panel)})"
    if panel.sem is not None:
        text += f", measurement error {panel.sem:.2f} points"
    text += f", from {panel.n_obs} {'person' if panel.n_obs == 1 else 'people'}."
    label = indicative_text(panel)
    return f"{text} {label}" if label else text


def item_label(item: ItemAnalysis) -> str:
    """'role-3: I go into meetings ... (reverse-keyed)'."""
    label = f"{item.id}: {item.text}"
    return label + " (reverse-keyed)" if item.reverse else label


def answer_keys(summary: TeamSummary) -> list[str]:
    """The frequency columns: each scale point, then n/a and blank."""
    low, high = int(summary.scale["min"]), int(summary.scale["max"])
    return [str(p) for p in range(low, high + 1)] + [NA_KEY, BLANK_KEY]


def answer_heads(summary: TeamSummary) -> list[str]:
    """The frequency column headings."""
    return [key.capitalize() if key == BLANK_KEY else key for key in answer_keys(summary)]


def scale_key(summary: TeamSummary) -> str:
    """'1 Never, 2 Rarely, ...'."""
    labels: dict[str, Any] = summary.scale["labels"]
    return ", ".join(f"{point} {label}" for point, label in labels.items())


def item_cells(item: ItemAnalysis, keys: list[str]) -> list[str]:
    """The average and each answer's count, or 'hidden' in each."""
    if item.frequencies is None:
        return ["hidden"] * (len(keys) + 1)
    average = "-" if item.mean is None else f"{item.mean:.1f}"
    return [average, *(str(item.frequencies.get(key, 0)) for key in keys)]


def statistic_cells(item: ItemAnalysis) -> list[str]:
    """'Goes with the rest' and 'reliability without it'."""
    return [statistic_text(item.r_drop), statistic_text(item.alpha_if_dropped)]


def flagged(panel: ItemPanel | None) -> list[tuple[ItemAnalysis, str]]:
    """Each flagged statement with its notes."""
    if panel is None:
        return []
    return [(item, " ".join(item.flags)) for item in panel.items if item.flags]


def flag_caveat(panel: ItemPanel | None) -> str:
    """A warning under the flags when alpha itself is only indicative."""
    if panel is None or not panel.indicative or not flagged(panel):
        return ""
    return (
        "Alpha is indicative only here, so these flags are a hint, not a finding: "
        "look again when more people have answered."
    )
