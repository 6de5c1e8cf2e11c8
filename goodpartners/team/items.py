"""The item analysis panel of each competency, and the rules that label and flag it.

Alpha is "indicative only" below INDICATIVE_PEOPLE people scored, or when its 95%
interval is wider than WIDE_INTERVAL. A statement is flagged for the framework's
maintainers when its corrected item-total correlation is below WEAK_LINK, or when
leaving it out raises alpha by RAISE or more. Both are judged on the values as shown
(two decimals), so the page never contradicts itself.

Answers are shown only in aggregate, and a statement's answers (its mean and counts)
only when at least the summary's min_group_size people answered it, the same limit
that hides small groups; the statistics are kept, as alpha always was.
"""

from __future__ import annotations

from fractions import Fraction

from goodpartners.models import Competency, Scale
from goodpartners.reliability import Reliability, measurement_error
from goodpartners.team.summary import ItemAnalysis, ItemPanel
from goodpartners.team.tally import CompetencyTally

INDICATIVE_PEOPLE = 30
WIDE_INTERVAL = 0.3
WEAK_LINK = 0.2
RAISE = 0.05
NA_KEY = "n/a"
BLANK_KEY = "blank"


def _shown(value: float) -> Fraction:
    """A statistic as people see it, to two decimals."""
    return Fraction(f"{value:.2f}")


def indicative_reasons(n: int, lower: float | None, upper: float | None) -> list[str]:
    """Why alpha is only a rough guide, in plain words; empty when it is not."""
    reasons = []
    if n < INDICATIVE_PEOPLE:
        reasons.append(f"fewer than {INDICATIVE_PEOPLE} people were scored ({n})")
    if lower is None or upper is None:
        reasons.append("there is no range for it")
    elif _shown(upper) - _shown(lower) > Fraction(WIDE_INTERVAL).limit_denominator(100):
        reasons.append(
            f"its likely range, {lower:.2f} to {upper:.2f}, is wider than {WIDE_INTERVAL}"
        )
    return reasons


def item_flags(alpha: float | None, r_drop: float | None, without: float | None) -> list[str]:
    """Plain notes for the framework's maintainers about one statement."""
    flags = []
    if r_drop is not None and _shown(r_drop) < Fraction(WEAK_LINK).limit_denominator(100):
        flags.append(
            f"It goes with the other statements only weakly ({r_drop:.2f}, below "
            f"{WEAK_LINK}): it may measure something else."
        )
    if (
        alpha is not None
        and without is not None
        and _shown(without) - _shown(alpha) >= Fraction(RAISE).limit_denominator(100)
    ):
        flags.append(
            f"Leaving it out would raise reliability from {alpha:.2f} to {without:.2f}: "
            "check its wording, or whether it belongs in this competency."
        )
    return flags


def no_alpha_reason(statements: int, enough_answers: bool) -> str:
    """Why a competency has no alpha, as a clause: "Reliability cannot be worked out: ..."."""
    if statements < 2:
        return "it has only one statement"
    if not enough_answers:
        return "too few people answered its statements"
    return "everyone's answers added up to the same total"


def frequencies(counts: dict[int | str | None, int], scale: Scale) -> dict[str, int]:
    """People per answer: each scale point, then 'n/a' and 'blank'."""
    result = {str(point): counts.get(point, 0) for point in scale.points}
    result[NA_KEY] = counts.get(NA_KEY, 0)
    result[BLANK_KEY] = counts.get(None, 0)
    return result


def item_panel(
    competency: Competency,
    tally: CompetencyTally,
    scale: Scale,
    *,
    n: int,
    sd: float | None,
    min_group_size: int,
) -> ItemPanel:
    """The panel of one competency from its tally; n and sd are of people's scores."""
    reliability: Reliability = tally.alpha.reliability()
    items = []
    for index, (pos, _) in enumerate(tally.present):
        item = competency.items[pos]
        counts = dict(tally.answer_counts[pos])
        points = {k: v for k, v in counts.items() if isinstance(k, int)}
        answered = sum(points.values())
        stats = reliability.items[index] if reliability.items else None
        r_drop = stats.r_drop if stats else None
        without = stats.alpha_if_dropped if stats else None
        given = answered + counts.get(NA_KEY, 0)
        shown = given >= min_group_size or given == 0  # all blank: no one to single out
        items.append(
            ItemAnalysis(
                id=item.id,
                text=item.text,
                reverse=item.reverse,
                answered=answered,
                mean=float(Fraction(sum(k * v for k, v in points.items()), answered))
                if shown and answered
                else None,
                frequencies=frequencies(counts, scale) if shown else None,
                hidden_reason=None if shown else f"fewer than {min_group_size} people answered it",
                r_drop=r_drop,
                alpha_if_dropped=without,
                flags=item_flags(reliability.alpha, r_drop, without),
            )
        )
    reasons = indicative_reasons(n, reliability.lower, reliability.upper)
    return ItemPanel(
        alpha=reliability.alpha,
        n_obs=reliability.n_obs,
        ci_lower=reliability.lower,
        ci_upper=reliability.upper,
        sem=measurement_error(sd, reliability.alpha),
        no_alpha=None
        if reliability.alpha is not None
        else no_alpha_reason(len(tally.present), tally.alpha.covariance() is not None),
        indicative=bool(reasons),
        indicative_reasons=reasons,
        items=items,
    )
