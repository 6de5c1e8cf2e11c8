"""What a report puts first: the next steps, the change since last time, and the plan.

Worked out once here, so every format says the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from goodpartners.models import Answer, Framework
from goodpartners.scoring import as_value, band_for, reverse, shown

PLAN_WEEKS = 4
"""The plan's default 'by when': this many weeks after the assessment."""


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class PulledDown(_View):
    """A statement whose answer pulled a competency's score down."""

    item_id: str
    text: str
    reverse: bool
    answer: int
    answer_label: str
    counted: int  # the value the score used: turned round for a reverse statement
    sentence: str  # "You answered Often to 'I talk for more than my share'."


class NextStep(_View):
    """One development priority, as the first screen of the report shows it."""

    id: str
    name: str
    score: float
    band: str
    band_name: str
    headline: str  # "Being realistic about resources: 2.0 out of 5, Area to develop."
    pulled_down: list[PulledDown]
    action: str


class PlanStep(_View):
    """One row of the plan to take to supervision; who and how are left to fill in."""

    id: str
    name: str
    action: str
    by_when: date
    who_can_help: str | None = None
    how_i_will_know: str | None = None


class ScoredItem(_View):
    """What next_step needs to know about one statement and its answer."""

    item_id: str
    text: str
    reverse: bool
    answer: Answer


def pulled_down(
    framework: Framework, score: float, items: Sequence[ScoredItem]
) -> list[PulledDown]:
    """The one or two answered statements that pulled the score down the most.

    The lowest-counting statement (first asked, when several are equal), and the next
    lowest only when it counted below the score. For a reverse statement a high answer
    counts low.
    """
    scale = framework.scale
    found: list[tuple[int, int, ScoredItem, int]] = []
    for index, item in enumerate(items):
        value = as_value(item.answer)
        if value is None:
            continue
        counted = reverse(value, scale) if item.reverse else value
        if counted <= score + 1e-9:
            found.append((counted, index, item, value))
    found.sort(key=lambda f: (f[0], f[1]))
    # The lowest always; a second only when it too is below the score, not just equal.
    chosen = found[:1] + [f for f in found[1:2] if f[0] < score - 1e-9]
    result = []
    for counted, _, item, value in chosen:
        label = scale.labels[value]
        sentence = f"You answered {label} to '{item.text.strip().rstrip('.')}'"
        if item.reverse:
            sentence += " (for this one, a high answer counts low)"
        result.append(
            PulledDown(
                item_id=item.item_id,
                text=item.text.strip(),
                reverse=item.reverse,
                answer=value,
                answer_label=label,
                counted=counted,
                sentence=sentence + ".",
            )
        )
    return result


def next_step(
    framework: Framework,
    competency_id: str,
    score: float,
    items: Sequence[ScoredItem],
) -> NextStep:
    """A priority with its score in words, what pulled it down, and one thing to try."""
    competency = framework.competency(competency_id)
    band = band_for(score, framework.bands)
    return NextStep(
        id=competency.id,
        name=competency.name,
        score=score,
        band=band.id,
        band_name=band.name,
        headline=(
            f"{competency.name}: {shown(score):.1f} out of {framework.scale.max}, {band.name}."
        ),
        pulled_down=pulled_down(framework, score, items),
        action=competency.actions[0],
    )


def plan_for(steps: Sequence[NextStep], when: datetime) -> list[PlanStep]:
    """A plan row per next step, due four weeks after the assessment."""
    due = when.date() + timedelta(weeks=PLAN_WEEKS)
    return [PlanStep(id=s.id, name=s.name, action=s.action, by_when=due) for s in steps]


def honest_picks(
    scores: dict[str, float], strengths: Sequence[str], priorities: Sequence[str]
) -> tuple[list[str], list[str], str | None]:
    """Strengths and priorities that really stand out, and a plain note when few do.

    Scores are compared as shown (to one decimal). When every score is the same, nothing
    stands out, so no strength or priority is named. A strength must be above the lowest
    score; a priority must be below the highest score and below every strength named.
    """
    values = sorted({shown(s) for s in scores.values()})
    if not values:
        return [], [], None
    if len(values) == 1:
        same = (
            f"All your scores are the same ({values[0]:.1f}). So no skill stands out as a "
            "strength or as a priority. Look at your answers below, and talk them through "
            "with your supervisor or manager."
        )
        return [], [], same
    low, high = values[0], values[-1]
    kept_strengths = [c for c in strengths if shown(scores[c]) > low]
    floor = min((shown(scores[c]) for c in kept_strengths), default=high)
    kept_priorities = [c for c in priorities if shown(scores[c]) < min(high, floor)]
    note: str | None = None
    if len(values) == 2:
        note = (
            f"Your scores have only two values, {high:.1f} and {low:.1f}. So your strengths "
            "are simply your higher scores, and your priorities your lower ones."
        )
    return kept_strengths, kept_priorities, note


def change_line(
    framework: Framework,
    previous_date: datetime,
    overall_before: float | None,
    overall_after: float | None,
    changes: Sequence[tuple[str, float | None, float | None]],
) -> str:
    """The change since last time in one short paragraph, with band moves in words.

    `changes` holds (competency name, score before, score now).
    """
    when = f"{previous_date.day} {previous_date:%B %Y}"
    parts = [f"Since your assessment of {when}:"]
    if overall_before is None or overall_after is None:
        parts.append("there is no overall score to compare.")
    else:
        before, after = shown(overall_before), shown(overall_after)
        old = band_for(overall_before, framework.bands).name
        new = band_for(overall_after, framework.bands).name
        if after > before:
            move = f"overall up from {before:.1f} to {after:.1f}"
        elif after < before:
            move = f"overall down from {before:.1f} to {after:.1f}"
        else:
            move = f"overall the same, {after:.1f}"
        band = f"still {new}" if old == new else f"from {old} to {new}"
        parts.append(f"{move}, {band}.")
    moves = []
    for name, was, now in changes:
        if was is None or now is None:
            continue
        old_band = band_for(was, framework.bands)
        new_band = band_for(now, framework.bands)
        if old_band.id == new_band.id:
            continue
        way = "up" if new_band.min > old_band.min else "down"
        moves.append(f"{name} moved {way} from {old_band.name} to {new_band.name}.")
    parts.extend(moves or ["No skill moved to another band."])
    return " ".join(parts)
