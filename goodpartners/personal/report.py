"""The personal development report model: everything a renderer needs, worked out once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from goodpartners.models import Answer, Assessment, Framework, PrepCard
from goodpartners.multirater import OthersView
from goodpartners.personal.next_steps import (
    NextStep,
    PlanStep,
    ScoredItem,
    change_line,
    honest_picks,
    next_step,
    plan_for,
)
from goodpartners.personal.prep import ReflectionView, reflection_view
from goodpartners.personal.questionnaire import describe_answer, questionnaire_items
from goodpartners.scoring import band_for, off_scale, score_assessment, scoring_rules


class View(BaseModel):
    """Plain, frozen data for templates."""

    model_config = ConfigDict(frozen=True, defer_build=True)


class BandView(View):
    """A band, for legends and chart markers."""

    id: str
    name: str
    min: float
    meaning: str


class CompetencyView(View):
    """One competency as the report shows it."""

    id: str
    name: str
    theme: str
    source: str
    score: float | None
    band: str | None
    band_name: str | None
    descriptor: str | None
    answered: int
    asked: int
    reason: str | None
    note: str | None
    actions: list[str]
    prompts: list[str]
    why: str | None = None


class ThemeView(View):
    """One theme's summary."""

    id: str
    name: str
    score: float | None
    band: str | None
    band_name: str | None
    scored: int
    total: int


class AnswerView(View):
    """One item and its raw answer."""

    number: int
    item_id: str
    competency: str
    text: str
    reverse: bool
    answer: Answer
    answer_text: str


class AnswerGroup(View):
    """A competency's statements and answers, for the answers part of the report."""

    id: str
    name: str
    answers: list[AnswerView]


class ChangeView(View):
    """How a competency moved since the previous assessment."""

    id: str
    name: str
    before: float | None
    after: float | None
    change: float | None


class Comparison(View):
    """The previous assessment on the same framework, and the change per competency."""

    previous_id: str
    previous_date: datetime
    overall_before: float | None
    overall_after: float | None
    changes: list[ChangeView]
    basis: str | None = None  # set when the two were not the same kind of check
    summary: str = ""  # the change in one short paragraph, with band moves in words


class Report(View):
    """A personal development report."""

    assessment_id: str
    name: str | None
    date: datetime
    framework_id: str
    framework_title: str
    framework_version: str
    framework_source: str
    quick: bool
    scale_min: int
    scale_max: int
    scale_labels: dict[int, str]
    not_applicable: str | None
    bands: list[BandView]
    overall: float | None
    overall_band: str | None
    overall_band_name: str | None
    overall_meaning: str | None
    themes: list[ThemeView]
    competencies: list[CompetencyView]
    strengths: list[CompetencyView]
    priorities: list[CompetencyView]
    ties: bool
    not_scored: list[CompetencyView]
    notes: list[CompetencyView]
    answers: list[AnswerView]
    rules: str
    reflective_prompts: list[str]
    comparison: Comparison | None
    reflections: list[ReflectionView] = []
    next_steps: list[NextStep] = []
    plan: list[PlanStep] = []
    scores_note: str | None = None  # said plainly when few scores differ
    answer_groups: list[AnswerGroup] = []
    others: OthersView | None = None  # a multi-rater (360) run: how others see this person


def build_report(
    framework: Framework,
    assessment: Assessment,
    previous: Assessment | None = None,
    cards: Sequence[PrepCard] = (),
    others: OthersView | None = None,
) -> Report:
    """Score an assessment and gather everything the renderers show.

    `cards` are prep cards whose after-meeting reflections belong in this report;
    `others` is how others see this person, from a multi-rater (360) survey.
    """
    result = score_assessment(framework, assessment.answers, quick=assessment.quick)
    bands = {b.id: b for b in framework.bands}
    views: dict[str, CompetencyView] = {}
    for (_, competency), scored in zip(framework.competencies(), result.competencies, strict=True):
        band = bands[scored.band] if scored.band else None
        note = assessment.notes.get(competency.id) or None
        views[competency.id] = CompetencyView(
            id=competency.id,
            name=competency.name,
            theme=scored.theme,
            source=competency.source,
            score=scored.score,
            band=scored.band,
            band_name=band.name if band else None,
            descriptor=competency.descriptors.get(band.id) if band else None,
            answered=scored.answered,
            asked=scored.asked,
            reason=scored.reason,
            note=note,
            actions=list(competency.actions),
            prompts=list(competency.prompts),
        )
    scores = {v.id: v.score for v in views.values() if v.score is not None}
    strength_ids, priority_ids, scores_note = honest_picks(
        scores, result.strengths, result.priorities
    )
    strengths = [views[c].model_copy(update={"why": _why_strength(views[c])}) for c in strength_ids]
    priorities = [
        views[c].model_copy(update={"why": _why_priority(views[c])}) for c in priority_ids
    ]
    overall_band = bands[result.overall_band] if result.overall_band else None
    scale = framework.scale
    answers = [
        AnswerView(
            number=n,
            item_id=item.id,
            competency=competency.id,
            text=item.text,
            reverse=item.reverse,
            answer=assessment.answers.get(item.id),
            answer_text=describe_answer(assessment.answers.get(item.id), scale),
        )
        for n, (competency, item) in enumerate(
            questionnaire_items(framework, assessment.quick), start=1
        )
    ]
    steps = [
        next_step(
            framework,
            c,
            scores[c],
            [
                ScoredItem(item_id=a.item_id, text=a.text, reverse=a.reverse, answer=a.answer)
                for a in answers
                if a.competency == c
            ],
        )
        for c in priority_ids
    ]
    when = assessment.finished or assessment.started
    return Report(
        assessment_id=assessment.id,
        name=assessment.name,
        date=assessment.finished or assessment.started,
        framework_id=framework.id,
        framework_title=framework.title,
        framework_version=framework.version,
        framework_source=framework.source.strip(),
        quick=assessment.quick,
        scale_min=scale.min,
        scale_max=scale.max,
        scale_labels=dict(scale.labels),
        not_applicable=scale.not_applicable,
        bands=[
            BandView(id=b.id, name=b.name, min=b.min, meaning=b.meaning) for b in bands.values()
        ],
        overall=result.overall,
        overall_band=result.overall_band,
        overall_band_name=overall_band.name if overall_band else None,
        overall_meaning=overall_band.meaning if overall_band else None,
        themes=[
            ThemeView(
                id=t.id,
                name=t.name,
                score=t.score,
                band=t.band,
                band_name=bands[t.band].name if t.band else None,
                scored=t.scored,
                total=t.total,
            )
            for t in result.themes
        ],
        competencies=list(views.values()),
        strengths=strengths,
        priorities=priorities,
        ties=result.ties and bool(strengths or priorities),
        not_scored=[v for v in views.values() if v.score is None],
        notes=[v for v in views.values() if v.note],
        answers=answers,
        rules=scoring_rules(framework),
        reflective_prompts=list(framework.reflective_prompts),
        comparison=_compare(framework, assessment, result.overall, views, previous),
        reflections=[reflection_view(c, c.reflection) for c in cards if c.reflection is not None],
        next_steps=steps,
        plan=plan_for(steps, when),
        scores_note=scores_note,
        answer_groups=[
            AnswerGroup(id=v.id, name=v.name, answers=[a for a in answers if a.competency == v.id])
            for v in views.values()
            if any(a.competency == v.id for a in answers)
        ],
        others=others,
    )


def _why_strength(view: CompetencyView) -> str:
    return (
        f"You scored {view.score:.1f} ({view.band_name}) from {view.answered} "
        f"statement{'s' if view.answered != 1 else ''}. {view.descriptor or ''}"
    ).strip()


def _why_priority(view: CompetencyView) -> str:
    return (
        f"You scored {view.score:.1f} ({view.band_name}), one of your lowest. "
        f"{view.descriptor or ''}"
    ).strip()


def _compare(
    framework: Framework,
    assessment: Assessment,
    overall: float | None,
    views: dict[str, CompetencyView],
    previous: Assessment | None,
) -> Comparison | None:
    if previous is None or previous.framework_id != framework.id:
        return None
    if off_scale(previous.answers, framework.scale):
        return None  # made on another version of the framework, so not comparable
    basis = None
    if previous.quick == assessment.quick:
        before = score_assessment(framework, previous.answers, quick=previous.quick)
        after = {view.id: view.score for view in views.values()}
    else:
        # A quick check asks one statement per competency and a full assessment asks
        # them all: compare both on the statements the quick check asks, like with like.
        before = score_assessment(framework, previous.answers, quick=True)
        now_quick = score_assessment(framework, assessment.answers, quick=True)
        after = {result.id: result.score for result in now_quick.competencies}
        overall = now_quick.overall
        kinds = "this one" if assessment.quick else "the one before"
        basis = (
            f"One of the two was a quick check ({kinds}), so both are compared on the "
            f"{sum(1 for _, item in framework.items() if item.quick)} quick-check "
            "statements only."
        )
    changes = []
    for old in before.competencies:
        now = after[old.id]
        change = now - old.score if now is not None and old.score is not None else None
        changes.append(
            ChangeView(id=old.id, name=old.name, before=old.score, after=now, change=change)
        )
    previous_date = previous.finished or previous.started
    return Comparison(
        previous_id=previous.id,
        previous_date=previous_date,
        summary=change_line(
            framework,
            previous_date,
            before.overall,
            overall,
            [(c.name, c.before, c.after) for c in changes],
        ),
        overall_before=before.overall,
        overall_after=overall,
        changes=changes,
        basis=basis,
    )


def band_name(framework: Framework, score: float | None) -> str | None:
    """The name of the band a score falls in, or None."""
    return band_for(score, framework.bands).name if score is not None else None
