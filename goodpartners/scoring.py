"""Pure scoring: answers in, scores, bands, strengths and priorities out; Cronbach's alpha."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from goodpartners.models import (
    Answer,
    Band,
    CompetencyResult,
    Framework,
    Scale,
    ScoreResult,
    ThemeResult,
)
from goodpartners.reliability import Reliability, analyse, raw_alpha

TOP = 3
"""How many strengths and development priorities a report names."""

SCORING_RULES = (
    "Each answer counts from {low} ({low_label}) to {high} ({high_label}). "
    "Some statements describe the opposite of good practice; for those, "
    "the answer is turned round ({low} counts as {high}, {high} as {low}). "
    "A competency's score is the average of its answered statements, "
    "if at least {share:.0%} of them were answered; otherwise it is not scored. "
    "'Does not apply' and skipped statements are left out, not counted as low. "
    "A theme's score, and the overall score, is the average of the scored competencies in it. "
    "The band is the highest band whose starting point the score reaches: {bands}. "
    "Strengths are the {top} highest scores and priorities the {top} lowest; "
    "equal scores are listed in framework order."
)


def scoring_rules(framework: Framework) -> str:
    """The scoring rules in one plain paragraph, filled in for this framework."""
    scale = framework.scale
    bands = ", ".join(f"{b.name} from {b.min:g}" for b in framework.bands)
    return SCORING_RULES.format(
        low=scale.min,
        high=scale.max,
        low_label=scale.labels[scale.min],
        high_label=scale.labels[scale.max],
        share=framework.scoring.min_answered,
        bands=bands,
        top=TOP,
    )


def off_scale(answers: Mapping[str, Answer], scale: Scale) -> list[str]:
    """Item ids whose answers are numbers outside the scale, as in a file kept from before
    the framework's scale was changed."""
    return [
        item_id
        for item_id, value in answers.items()
        if isinstance(value, int) and not scale.min <= value <= scale.max
    ]


def reverse(value: int, scale: Scale) -> int:
    """The value of a reverse-keyed answer: min + max - value."""
    return scale.min + scale.max - value


def needed_answers(item_count: int, min_answered: float) -> int:
    """How many of a competency's items must be answered for it to be scored."""
    # Tolerance so that 0.5 of 4 needs 2, not 3, despite float rounding.
    return max(1, math.ceil(min_answered * item_count - 1e-9))


def shown(score: float) -> float:
    """A score as people see it: to one decimal place, rounded as it is printed."""
    return float(f"{score:.1f}")


def band_for(score: float, bands: Sequence[Band]) -> Band:
    """The highest band whose lower bound the score, as shown to one decimal, reaches.

    Deciding on the shown value means the number and the band never disagree: 2.97 is
    shown as 3.0, so it is in a band that starts at 3, not the one below.
    """
    value = shown(score)
    chosen = bands[0]
    for band in bands:
        if value + 1e-9 >= band.min:
            chosen = band
    return chosen


@dataclass(frozen=True)
class CompetencyPlan:
    """What is needed to score one competency fast: item ids, reverse flags, the threshold."""

    id: str
    item_ids: tuple[str, ...]
    reverse: tuple[bool, ...]
    needed: int
    low_high: int  # scale.min + scale.max

    def score(self, values: Sequence[int | None]) -> float | None:
        """The competency score for these values (item order), or None if too few answered."""
        total = 0
        count = 0
        for value, rev in zip(values, self.reverse, strict=True):
            if value is None:
                continue
            total += self.low_high - value if rev else value
            count += 1
        if count < self.needed:
            return None
        return total / count


def plan_competencies(framework: Framework, quick: bool = False) -> list[CompetencyPlan]:
    """A plan per competency, in framework order; in quick mode only quick items count."""
    plans = []
    for _, competency in framework.competencies():
        items = [i for i in competency.items if i.quick] if quick else competency.items
        plans.append(
            CompetencyPlan(
                id=competency.id,
                item_ids=tuple(i.id for i in items),
                reverse=tuple(i.reverse for i in items),
                needed=needed_answers(len(items), framework.scoring.min_answered),
                low_high=framework.scale.min + framework.scale.max,
            )
        )
    return plans


def as_value(answer: Answer) -> int | None:
    """A raw answer as a number, or None when it is missing or not applicable."""
    return answer if isinstance(answer, int) and not isinstance(answer, bool) else None


def mean_or_none(scores: Iterable[float | None]) -> float | None:
    """The mean of the scores that exist, or None when there are none."""
    present = [s for s in scores if s is not None]
    return sum(present) / len(present) if present else None


def score_assessment(
    framework: Framework, answers: Mapping[str, Answer], quick: bool = False
) -> ScoreResult:
    """Score one person's answers against a framework."""
    plans = {p.id: p for p in plan_competencies(framework, quick)}
    results: list[CompetencyResult] = []
    themes: list[ThemeResult] = []
    for theme in framework.themes:
        theme_scores: list[float | None] = []
        for competency in theme.competencies:
            plan = plans[competency.id]
            raw = [answers.get(item_id) for item_id in plan.item_ids]
            values = [as_value(a) for a in raw]
            answered = sum(v is not None for v in values)
            not_applicable = sum(a == "n/a" for a in raw)
            score = plan.score(values)
            reason = None
            if score is None:
                reason = (
                    f"only {answered} of {len(values)} statements answered; {plan.needed} needed"
                )
                if not_applicable:
                    reason += f" ({not_applicable} marked does not apply)"
            results.append(
                CompetencyResult(
                    id=competency.id,
                    name=competency.name,
                    theme=theme.id,
                    score=score,
                    band=band_for(score, framework.bands).id if score is not None else None,
                    answered=answered,
                    asked=len(values),
                    not_applicable=not_applicable,
                    reason=reason,
                )
            )
            theme_scores.append(score)
        theme_score = mean_or_none(theme_scores)
        themes.append(
            ThemeResult(
                id=theme.id,
                name=theme.name,
                score=theme_score,
                band=band_for(theme_score, framework.bands).id if theme_score is not None else None,
                scored=sum(s is not None for s in theme_scores),
                total=len(theme_scores),
            )
        )
    overall = mean_or_none(r.score for r in results)
    strengths, priorities, ties = strengths_and_priorities(results)
    return ScoreResult(
        competencies=results,
        themes=themes,
        overall=overall,
        overall_band=band_for(overall, framework.bands).id if overall is not None else None,
        strengths=strengths,
        priorities=priorities,
        ties=ties,
    )


def strengths_and_priorities(
    results: Sequence[CompetencyResult], top: int = TOP
) -> tuple[list[str], list[str], bool]:
    """The top and bottom scored competencies, never overlapping; ties go by framework order.

    Returns the strength ids, the priority ids, and whether any listed competency shares
    its score with another, so that framework order decided its place.
    """
    scored = [(r.score, index, r.id) for index, r in enumerate(results) if r.score is not None]
    n_strengths = min(top, math.ceil(len(scored) / 2))
    by_high = sorted(scored, key=lambda s: (-s[0], s[1]))
    strengths = by_high[:n_strengths]
    rest = by_high[n_strengths:]
    by_low = sorted(rest, key=lambda s: (s[0], s[1]))
    priorities = by_low[: min(top, len(rest))]
    all_scores = Counter(s[0] for s in scored)
    ties = any(all_scores[s[0]] > 1 for s in strengths + priorities)
    return [s[2] for s in strengths], [s[2] for s in priorities], ties


@dataclass
class AlphaAccumulator:
    """Streams respondents' item values and gives raw Cronbach's alpha at the end.

    Alpha comes from the pairwise-complete item covariance matrix (n - 1 denominator),
    as psych::alpha's raw_alpha and pingouin.cronbach_alpha(nan_policy='pairwise') do.
    Rows are tallied by their distinct value pattern, so memory stays small however
    many rows there are; sums of small whole numbers are exact in floating point.
    `rows` counts every row added, those with every value missing too, as psych's
    n.obs does for the Feldt interval.
    """

    k: int
    patterns: Counter[tuple[float | None, ...]] = field(default_factory=Counter)
    max_patterns: int = 20_000
    rows: int = 0
    _n: list[list[float]] = field(init=False)
    _sx: list[list[float]] = field(init=False)
    _sxy: list[list[float]] = field(init=False)

    def __post_init__(self) -> None:
        self._n = [[0.0] * self.k for _ in range(self.k)]
        self._sx = [[0.0] * self.k for _ in range(self.k)]
        self._sxy = [[0.0] * self.k for _ in range(self.k)]

    def add(self, values: tuple[float | None, ...], weight: int = 1) -> None:
        """Add one respondent's values (already reversed where needed; None is missing)."""
        self.rows += weight
        self.patterns[values] += weight
        if len(self.patterns) > self.max_patterns:
            self._flush()

    def _flush(self) -> None:
        for values, weight in self.patterns.items():
            present = [(i, v) for i, v in enumerate(values) if v is not None]
            for i, xi in present:
                row_n, row_sx, row_sxy = self._n[i], self._sx[i], self._sxy[i]
                for j, xj in present:
                    row_n[j] += weight
                    row_sx[j] += weight * xi
                    row_sxy[j] += weight * xi * xj
        self.patterns.clear()

    def merge(self, other: AlphaAccumulator) -> None:
        """Add another accumulator's rows, as if they had been added here. The sums are of
        small whole numbers, so they are exact in any order."""
        other._flush()
        self.rows += other.rows
        for mine, theirs in ((self._n, other._n), (self._sx, other._sx), (self._sxy, other._sxy)):
            for row, add_row in zip(mine, theirs, strict=True):
                for j, value in enumerate(add_row):
                    row[j] += value

    def covariance(self) -> list[list[float]] | None:
        """The pairwise-complete covariance matrix, or None if a pair has under 2 rows."""
        self._flush()
        cov = [[0.0] * self.k for _ in range(self.k)]
        for i in range(self.k):
            for j in range(self.k):
                n = self._n[i][j]
                if n < 2:
                    return None
                sx, sy = self._sx[i][j], self._sx[j][i]
                cov[i][j] = (self._sxy[i][j] - sx * sy / n) / (n - 1)
        return cov

    def alpha(self) -> float | None:
        """Raw Cronbach's alpha, or None when it cannot be worked out."""
        if self.k < 2:
            return None
        cov = self.covariance()
        return None if cov is None else raw_alpha(cov)

    def reliability(self) -> Reliability:
        """Alpha with its Feldt interval, and each item's statistics (see reliability.py)."""
        return analyse(self.covariance() if self.k >= 2 else None, self.rows)


def cronbach_alpha(rows: Iterable[Sequence[float | None]]) -> float | None:
    """Raw Cronbach's alpha for respondents' item values (None marks a missing value)."""
    accumulator: AlphaAccumulator | None = None
    for row in rows:
        if accumulator is None:
            accumulator = AlphaAccumulator(len(row))
        accumulator.add(tuple(row))
    return accumulator.alpha() if accumulator else None


def reversed_values(
    values: Sequence[int | None], reverse_flags: Sequence[bool], scale: Scale
) -> tuple[int | None, ...]:
    """Values with reverse-keyed ones turned round, missing ones left as None."""
    return tuple(
        None if v is None else (reverse(v, scale) if rev else v)
        for v, rev in zip(values, reverse_flags, strict=True)
    )
