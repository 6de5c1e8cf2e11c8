"""The team summary model (summary.json) and the exact statistics behind it.

Scores arrive as tallies of distinct values (a Counter of exact fractions), so the
mean, standard deviation and median are worked out exactly, then given as floats.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from fractions import Fraction
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SummaryModel(BaseModel):
    """Plain frozen data, ready to render or dump as JSON."""

    model_config = ConfigDict(frozen=True)


class Stats(SummaryModel):
    """How a set of scores is spread."""

    n: int
    mean: float | None = None
    sd: float | None = Field(default=None, description="Sample standard deviation (n - 1).")
    median: float | None = None
    min: float | None = None
    max: float | None = None


class ItemAnalysis(SummaryModel):
    """One statement of a competency across the team: its answers and how it fits the others."""

    id: str
    text: str
    reverse: bool = Field(description="True when answers are turned round for scoring.")
    answered: int = Field(description="People who gave a point on the scale.")
    mean: float | None = Field(
        description="Average answer as given, before any turning round; None when hidden."
    )
    frequencies: dict[str, int] | None = Field(
        description="People per answer: each scale point, 'n/a' and 'blank'; None when hidden."
    )
    hidden_reason: str | None = None
    r_drop: float | None = Field(
        description="Corrected item-total correlation: with the sum of the other statements."
    )
    alpha_if_dropped: float | None = Field(description="Raw alpha without this statement.")
    flags: list[str] = Field(default_factory=list, description="Notes for the maintainers.")


class ItemPanel(SummaryModel):
    """A competency's item analysis, as R's psych::alpha gives it."""

    alpha: float | None = Field(description="Raw Cronbach's alpha (pairwise-complete).")
    n_obs: int = Field(description="People counted for the interval, as psych's n.obs.")
    ci_lower: float | None = Field(description="Lower end of the 95% Feldt interval.")
    ci_upper: float | None = Field(description="Upper end of the 95% Feldt interval.")
    sem: float | None = Field(
        description="Standard error of measurement on the competency score's scale: "
        "the SD of people's scores times sqrt(1 - alpha)."
    )
    no_alpha: str | None = Field(
        default=None, description="Why there is no alpha, in plain words; None when there is."
    )
    indicative: bool = Field(description="True when alpha is only a rough guide.")
    indicative_reasons: list[str] = Field(default_factory=list)
    items: list[ItemAnalysis]


class CompetencySummary(SummaryModel):
    """One competency across the team."""

    name: str
    theme: str
    n: int = Field(description="People with a score for this competency.")
    not_scored: int = Field(description="People who answered too few of its statements.")
    mean: float | None
    sd: float | None
    median: float | None
    min: float | None
    max: float | None
    bands: dict[str, int]
    alpha: float | None = Field(description="Cronbach's alpha (raw, pairwise-complete).")
    items: list[str]
    items_with_column: list[str]
    scorable: bool = Field(description="False when too few of its statements have a column.")
    below_middle: int
    share_below_middle: float | None
    item_panel: ItemPanel | None = None


class GroupSummary(SummaryModel):
    """One value of a group column, such as one team; hidden when it is too small."""

    n: int | None = None
    means: dict[str, float | None] | None = None
    suppressed: bool = False
    reason: str | None = None


class GroupColumnSummary(SummaryModel):
    """Every value of one group column."""

    values: dict[str, GroupSummary]
    too_many_values: bool = False
    max_values: int


class GroupDifference(SummaryModel):
    """A shown group whose average on a competency differs from the rest of the team."""

    column: str
    group: str
    competency: str
    name: str
    mean: float = Field(description="The group's average.")
    rest_mean: float = Field(description="The average of everyone else in the team.")
    difference: float = Field(description="The group's average less the rest's, as shown.")


class TrainingNeed(SummaryModel):
    """A competency in the training-needs ranking."""

    competency: str
    name: str
    n: int
    below_middle: int
    share_below_middle: float | None
    actions: list[str]


class QualitySummary(SummaryModel):
    """Signs of careless answering and incomplete rows."""

    straight_lining: int
    flags: dict[str, int]


class ChangeSummary(SummaryModel):
    """The change in one competency between the baseline and this round, for paired people."""

    paired: int
    mean_change: float | None
    improved: int
    declined: int
    unchanged: int


class BaselineSummary(SummaryModel):
    """The comparison with an earlier round."""

    source: str
    rows: int
    scored: int
    paired: int
    only_in_this_round: int
    only_in_baseline: int
    problems: int
    competencies: dict[str, ChangeSummary]


class Counts(SummaryModel):
    """What happened to the rows of the file: every row is scored, not scored or skipped."""

    rows: int = Field(description="Rows after the header, empty ones included.")
    scored: int
    not_scored: int = Field(description="Rows read but not scored; each is in problems.csv.")
    with_problems: int = Field(description="Rows with at least one problem, scored or not.")
    skipped: int = Field(description="Empty rows.")
    problems: int


class ColumnsSummary(SummaryModel):
    """How the columns of the file were understood."""

    items_matched: int
    items_without_column: list[str]
    ignored: list[str]
    ignored_headings: list[str]
    respondent: str | None
    name: str | None
    groups: list[str]


class ProblemRow(SummaryModel):
    """One data problem, as in problems.csv."""

    line: int
    column: str
    value: str
    problem: str


class HeatmapRow(SummaryModel):
    """One person's competency scores, for the heatmap of a small team."""

    respondent: str
    name: str | None
    scores: list[float | None]
    overall: float | None
    group: str | None = Field(default=None, description="Value of the first --group-by column.")


class BlindSpotShare(SummaryModel):
    """How many people have a blind spot on one competency: the team's collective blind spots."""

    competency: str
    name: str
    people: int = Field(description="People with both their own score and others' shown.")
    blind_spots: int | None = Field(description="None when too few people to show.")
    share: float | None = Field(description="None when fewer people than min_group_size.")


class RatersSummary(SummaryModel):
    """A multi-rater (360) run: who was rated, by how many, and the collective blind spots."""

    people: int = Field(description="People rated, by themselves or others.")
    ratings: int = Field(description="Ratings scored, self ratings included.")
    rated_by_others: int = Field(description="People with 'others' shown on some competency.")
    min_raters: int
    blind_spot: float = Field(description="The gap, in scale points, that is a blind spot.")
    blind_spots: list[BlindSpotShare]


class TeamSummary(SummaryModel):
    """Everything the team summary shows."""

    framework: dict[str, str]
    source: str
    anonymised: bool
    min_group_size: int
    counts: Counts
    columns: ColumnsSummary
    scale: dict[str, Any]
    bands: list[dict[str, Any]]
    middle_band: str
    competencies: dict[str, CompetencySummary]
    themes: dict[str, Stats]
    theme_names: dict[str, str]
    overall: Stats
    groups: dict[str, GroupColumnSummary]
    training_needs: list[TrainingNeed]
    quality: QualitySummary
    baseline: BaselineSummary | None
    problems: list[ProblemRow] = Field(description="The first problems; all are in problems.csv.")
    heatmap: list[HeatmapRow] | None = None
    warnings: list[str] = Field(default_factory=list)
    rules: str = ""
    created: datetime | None = Field(default=None, description="When the run made this summary.")
    group_differences: list[GroupDifference] = Field(
        default_factory=list,
        description="Shown groups whose average differs from the rest by at least "
        "half a scale point (as shown to one decimal); hidden groups are never compared.",
    )
    raters: RatersSummary | None = Field(
        default=None, description="A multi-rater (360) run only; left out of summary.json else."
    )


def describe_counts(counts: Mapping[Fraction, int]) -> Stats:
    """Exact n, mean, sample sd, median, min and max of tallied values."""
    n = sum(counts.values())
    if not n:
        return Stats(n=0)
    values = sorted(counts, key=float)  # distinct small fractions never share a float
    # Whole numbers over one common denominator keep every sum exact and fast.
    common = math.lcm(*(v.denominator for v in values))
    total = sum(v.numerator * (common // v.denominator) * counts[v] for v in values)
    squares = sum((v.numerator * (common // v.denominator)) ** 2 * counts[v] for v in values)
    sd = None
    if n > 1:
        # Sum of squared deviations = (n * sum(x^2) - (sum x)^2) / n, all over common^2.
        sd = math.sqrt(Fraction(n * squares - total * total, n * (n - 1) * common * common))
    return Stats(
        n=n,
        mean=float(Fraction(total, n * common)),
        sd=sd,
        median=float(_median(values, counts, n)),
        min=float(values[0]),
        max=float(values[-1]),
    )


def _median(values: list[Fraction], counts: Mapping[Fraction, int], n: int) -> Fraction:
    low_rank, high_rank = (n - 1) // 2, n // 2
    low = high = None
    seen = 0
    for value in values:
        seen += counts[value]
        if low is None and seen > low_rank:
            low = value
        if seen > high_rank:
            high = value
            break
    assert low is not None and high is not None
    return (low + high) / 2


def suppressed_groups(sizes: Mapping[str, int], min_size: int) -> dict[str, str]:
    """Which groups to hide, and why: small ones, and enough others that none can be worked out.

    When one group is hidden, the team total and the other groups would give it away,
    so the next smallest group is hidden too; more are hidden until the hidden groups
    together reach the minimum size.
    """
    small = {g for g, n in sizes.items() if n < min_size}
    hidden = {g: f"fewer than {min_size} people" for g in small}
    if not hidden or len(hidden) == len(sizes):
        return hidden
    others = sorted((n, g) for g, n in sizes.items() if g not in small)
    while others and (len(hidden) < 2 or sum(sizes[g] for g in hidden) < min_size):
        _, group = others.pop(0)
        hidden[group] = (
            "hidden as well, so that a smaller group cannot be worked out from the totals"
        )
    return hidden


def group_summaries(
    sizes: Counter[str],
    sums: Mapping[str, Mapping[str, list[int]]],
    factor: int,
    min_size: int,
) -> dict[str, GroupSummary]:
    """Per group value: n and competency means, or suppressed when too small to show.

    `sums` gives, per competency and group, the sum of scores times `factor` and the
    number of people scored, so the means are exact.
    """
    hidden = suppressed_groups(sizes, min_size)
    result: dict[str, GroupSummary] = {}
    for group in sorted(sizes, key=lambda g: (g.casefold(), g)):
        if group in hidden:
            result[group] = GroupSummary(suppressed=True, reason=hidden[group])
            continue
        means: dict[str, float | None] = {}
        for competency, by_group in sums.items():
            total, count = by_group.get(group, (0, 0))
            means[competency] = float(Fraction(total, factor * count)) if count else None
        result[group] = GroupSummary(n=sizes[group], means=means)
    return result


DIFFERENCE = Fraction(1, 2)
"""How far a group's average must be from the rest's to be pointed out: half a scale point."""


def _shown(value: Fraction) -> Fraction:
    """A value as people see it, to one decimal place."""
    return Fraction(f"{float(value):.1f}")


def group_differences(
    column: str,
    groups: Mapping[str, GroupSummary],
    sums: Mapping[str, Mapping[str, list[int]]],
    names: Mapping[str, str],
    factor: int,
) -> list[GroupDifference]:
    """Shown groups whose average on a competency is half a point or more from the rest's.

    The rest is everyone else with a score, hidden groups included: their total is
    already in the team's average, so nothing about a hidden group is given away.
    Averages are compared as shown to one decimal, so the page never contradicts itself.
    """
    found: list[GroupDifference] = []
    for competency, by_group in sums.items():
        team_total = sum(total for total, _ in by_group.values())
        team_count = sum(count for _, count in by_group.values())
        for group, summary in groups.items():
            if summary.suppressed or group not in by_group:
                continue
            total, count = by_group[group]
            rest_count = team_count - count
            if not count or not rest_count:
                continue
            mean = _shown(Fraction(total, factor * count))
            rest = _shown(Fraction(team_total - total, factor * rest_count))
            if abs(mean - rest) >= DIFFERENCE:
                found.append(
                    GroupDifference(
                        column=column,
                        group=group,
                        competency=competency,
                        name=names[competency],
                        mean=float(mean),
                        rest_mean=float(rest),
                        difference=float(mean - rest),
                    )
                )
    return found
