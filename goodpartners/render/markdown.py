"""The personal development report and the meeting prep card as Markdown."""

from __future__ import annotations

from collections.abc import Callable

from goodpartners.multirater import OthersView
from goodpartners.personal.prep import (
    HOURS_AVAILABLE_LABEL,
    HOURS_NOT_GIVEN,
    HOURS_OFFERED_LABEL,
    CardView,
)
from goodpartners.personal.report import CompetencyView, Report
from goodpartners.render.common import (
    CARD_SECTIONS,
    MORE_QUESTIONS,
    REFLECTIONS_INTRO,
    bar,
    change_text,
    date_text,
    focus_text,
    hours_text,
    offer_hours,
    score_text,
)
from goodpartners.render.otherswords import (
    CHART_CAPTION,
    OTHERS_HEADING,
    findings,
    no_gaps,
    others_columns,
    others_row,
    table_note,
)
from goodpartners.render.reportwords import (
    NEXT_STEPS,
    NEXT_STEPS_INTRO,
    PLAN_EMPTY,
    PLAN_HEADING,
    PLAN_INTRO,
    day_text,
    detail_intro,
    no_priorities,
    no_strengths,
)


def cell(text: object) -> str:
    """Text shown as typed: no HTML, no links, no emphasis, no broken table or line.

    Names, notes and framework text are written by people; Markdown viewers render raw
    HTML and links, so '<img onerror=...>' or '[x](javascript:...)' must stay text.
    """
    value = " ".join(str(text or "").replace("\r", " ").split("\n")).strip()
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\|*_`[]#":
        value = value.replace(char, "\\" + char)
    return value


def _others(add: Callable[[str], None], report: Report, view: OthersView) -> None:
    """'How others see you': the notes, a chart of you and others, the table, the findings."""
    low, top = report.scale_min, report.scale_max
    add(f"## {OTHERS_HEADING}")
    add("")
    for note in view.notes:
        add(cell(note))
        add("")
    if view.any_shown:
        add("| Skill | You | Others |")
        add("| --- | --- | --- |")
        for comp in view.competencies:
            theirs = f"{bar(comp.others, low, top)} {score_text(comp.others)}".strip()
            yours = f"{bar(comp.self_score, low, top)} {score_text(comp.self_score)}".strip()
            add(f"| {cell(comp.name)} | {yours} | {theirs if comp.others_shown else '-'} |")
        add("")
        add(CHART_CAPTION.format(low=low, high=top))
        add("")
    columns = others_columns(view)
    add("| " + " | ".join(heading for _, heading in columns) + " |")
    add("|" + " --- |" * len(columns))
    for comp in view.competencies:
        add("| " + " | ".join(cell(text) for text in others_row(comp, columns)) + " |")
    add("")
    table_text = table_note(columns)
    if table_text:
        add(table_text)
        add("")
    for finding in findings(view):
        add(f"### {finding.title}")
        add("")
        add(finding.intro)
        add("")
        for line in finding.lines:
            add(f"- {cell(line)}")
        add("")
    quiet = no_gaps(view)
    if quiet:
        add(quiet)
        add("")


def render_markdown(report: Report) -> str:
    """The whole report as Markdown text."""
    out: list[str] = []
    add = out.append
    top = report.scale_max
    kind = "Quick check" if report.quick else "Full questionnaire"
    add(f"# Personal development report: {cell(report.framework_title)}")
    add("")
    add(f"- **Who:** {cell(report.name) or 'Not given'}")
    add(f"- **When:** {date_text(report.date)}")
    add("")
    _next_steps(add, report)
    if report.comparison:
        add("## Since last time")
        add("")
        add(cell(report.comparison.summary))
        add("")
        if report.comparison.basis:
            add(cell(report.comparison.basis))
            add("")
    if report.others is not None:
        _others(add, report, report.others)
    add("## Your strengths")
    add("")
    if not report.strengths:
        add(no_strengths(report))
    for n, comp in enumerate(report.strengths, start=1):
        add(f"{n}. **{cell(comp.name)}**: {cell(comp.why)}")
    add("")
    _plan(add, report)
    add("## The detail")
    add("")
    add(detail_intro(report))
    add("")
    add("## Summary")
    add("")
    if report.overall is None:
        add("No competency could be scored, so there is no overall score. See 'Not scored' below.")
    else:
        add(
            f"Overall score: **{score_text(report.overall)} out of {top}**, "
            f"{cell(report.overall_band_name)}. {cell(report.overall_meaning)}"
        )
    add("")
    add("| Theme | Score | Band | Competencies scored |")
    add("| --- | --- | --- | --- |")
    for theme in report.themes:
        add(
            f"| {cell(theme.name)} | {score_text(theme.score)} | {cell(theme.band_name) or '-'} "
            f"| {theme.scored} of {theme.total} |"
        )
    add("")
    add("## Your competencies")
    add("")
    add(f"Scores run from {report.scale_min} to {top}. Bands: " + _bands(report) + ".")
    add("")
    add("| Competency | Score | Band | Bar |")
    add("| --- | --- | --- | --- |")
    for comp in report.competencies:
        add(
            f"| {cell(comp.name)} | {score_text(comp.score)} "
            f"| {cell(comp.band_name) or 'Not scored'} | {bar(comp.score, report.scale_min, top)} |"
        )
    add("")
    for comp in report.competencies:
        add(f"### {cell(comp.name)}")
        add("")
        add(f'*From the research:* "{cell(comp.source)}"')
        add("")
        if comp.score is None:
            add(f"Not scored: {cell(comp.reason)}.")
        else:
            add(
                f"Score {score_text(comp.score)} ({cell(comp.band_name)}), from {comp.answered} of "
                f"{comp.asked} statements. {cell(comp.descriptor)}".rstrip()
            )
        add("")
    if report.priorities:
        add("## More on your priorities")
        add("")
    for comp in report.priorities:
        _priority(add, comp)
    if report.ties:
        add("Some scores were equal. Equal scores are listed in the order of the framework.")
        add("")
    add("## Your answers")
    add("")
    for group in report.answer_groups:
        add(f"### {cell(group.name)}")
        add("")
        add("| Statement | Your answer |")
        add("| --- | --- |")
        for answer in group.answers:
            turned = " (turned round)" if answer.reverse else ""
            add(f"| {cell(answer.text)}{turned} | {cell(answer.answer_text)} |")
        add("")
    add("## Your notes")
    add("")
    if report.notes:
        for comp in report.notes:
            add(f"- **{cell(comp.name)}:** {cell(comp.note)}")
    else:
        add("You did not add any notes.")
    add("")
    if report.reflections:
        add("## Reflections after meetings")
        add("")
        add(REFLECTIONS_INTRO)
        add("")
        for reflection in report.reflections:
            add(f"### {cell(reflection.meeting)}, {reflection.meeting_when}")
            add("")
            for said in reflection.answers:
                add(f"- **{cell(said.label)}** {cell(said.text)}")
            if not reflection.answers:
                add("- You left every question blank.")
            add("")
    if report.not_scored:
        add("## Not scored")
        add("")
        for comp in report.not_scored:
            add(f"- **{cell(comp.name)}:** {cell(comp.reason)}.")
        add("")
    if report.comparison:
        comparison = report.comparison
        add("## Change in each skill since last time")
        add("")
        add(
            f"Compared with your assessment of {date_text(comparison.previous_date)} "
            f"({comparison.previous_id}). Overall: {score_text(comparison.overall_before)} then, "
            f"{score_text(comparison.overall_after)} now."
            + (f" {comparison.basis}" if comparison.basis else "")
        )
        add("")
        add("| Competency | Before | Now | Change |")
        add("| --- | --- | --- | --- |")
        for change in comparison.changes:
            add(
                f"| {cell(change.name)} | {score_text(change.before)} | {score_text(change.after)} "
                f"| {change_text(change.change)} |"
            )
        add("")
    if report.reflective_prompts:
        add("## Questions to reflect on")
        add("")
        for prompt in report.reflective_prompts:
            add(f"- {cell(prompt)}")
        add("")
    add("## How the score is calculated")
    add("")
    add(cell(report.rules))
    add("")
    add("---")
    add("")
    add(
        f"Assessment id {report.assessment_id}. Framework: {cell(report.framework_title)}, "
        f"version {cell(report.framework_version)} ({cell(report.framework_id)}). {kind}."
    )
    add("")
    add(f"*Source: {cell(report.framework_source)}*")
    return "\n".join(out) + "\n"


def _next_steps(add: Callable[[str], None], report: Report) -> None:
    add(f"## {NEXT_STEPS}")
    add("")
    if report.scores_note:
        add(cell(report.scores_note))
        add("")
    if not report.next_steps:
        if not report.scores_note:
            add(no_priorities(report))
            add("")
        return
    add(NEXT_STEPS_INTRO)
    add("")
    for n, step in enumerate(report.next_steps, start=1):
        add(f"{n}. **{cell(step.headline)}**")
        for pulled in step.pulled_down:
            add(f"   - {cell(pulled.sentence)}")
        add(f"   - Try this: {cell(step.action)}")
    add("")


def _plan(add: Callable[[str], None], report: Report) -> None:
    add(f"## {PLAN_HEADING}")
    add("")
    if not report.plan:
        add(PLAN_EMPTY)
        add("")
        return
    add(PLAN_INTRO)
    add("")
    add("| Skill | What I'll try | By when | Who can help | How I will know it worked |")
    add("| --- | --- | --- | --- | --- |")
    for step in report.plan:
        add(
            f"| {cell(step.name)} | {cell(step.action)} | {day_text(step.by_when)} "
            f"| {cell(step.who_can_help)} | {cell(step.how_i_will_know)} |"
        )
    add("")


def _bands(report: Report) -> str:
    return "; ".join(f"{cell(b.name)} from {b.min:g}" for b in report.bands)


def _priority(add: Callable[[str], None], comp: CompetencyView) -> None:
    add(f"### {cell(comp.name)}")
    add("")
    add(cell(comp.why))
    add("")
    add("Things to try this month:")
    add("")
    for action in comp.actions:
        add(f"- {cell(action)}")
    add("")
    add("Questions to ask yourself:")
    add("")
    for prompt in comp.prompts:
        add(f"- {cell(prompt)}")
    add("")


def render_card_markdown(card: CardView) -> str:
    """The meeting prep card as Markdown text."""
    out: list[str] = []
    add = out.append

    def labelled(label: str, text: str | None) -> None:
        if text:
            add(f"**{label}:** {cell(text)}")
            add("")

    add(f"# Meeting prep card: {cell(card.meeting)}")
    add("")
    add(f"**When:** {card.meeting_when}")
    add("")
    add(f"## {CARD_SECTIONS['role']}")
    add("")
    add(cell(card.role) or "Not written yet.")
    add("")
    labelled("What I want from this meeting", card.expect)
    add(f"## {CARD_SECTIONS['offer']}")
    add("")
    if card.offers:
        add("| What I will offer | Hours next month |")
        add("| --- | --- |")
        for offer in card.offers:
            add(f"| {cell(offer.text)} | {offer_hours(offer.hours, unit=False)} |")
        have = card.hours_available
        add(f"| **{HOURS_OFFERED_LABEL}** | about {hours_text(card.hours_offered)} |")
        add(
            f"| **{HOURS_AVAILABLE_LABEL}** | "
            f"{HOURS_NOT_GIVEN if have is None else f'about {hours_text(have)}'} |"
        )
        add("")
    else:
        add("No offers listed.")
        add("")
    if card.capacity is not None:
        warning = "**Warning:** " if card.capacity.over else ""
        add(f"{warning}{cell(card.capacity.message)}")
        add("")
    labelled("What I will not promise", card.not_promise)
    add(f"## {CARD_SECTIONS['partners']}")
    add("")
    if card.partners:
        add("| Who | Their objectives | What I still need to find out |")
        add("| --- | --- | --- |")
        for partner in card.partners:
            add(
                f"| {cell(partner.who)} | {cell(partner.objectives) or 'Not known yet'} "
                f"| {cell(partner.find_out) or 'Nothing noted'} |"
            )
    else:
        add(cell(card.partners_note) or "No partners named.")
    add("")
    labelled("Key partners for this person", card.key_partners)
    add(f"## {CARD_SECTIONS['focus']}")
    add("")
    for n, focus in enumerate(card.focus, start=1):
        add(
            f"{n}. **{cell(focus.name)}** ({cell(focus_text(focus.band_name))}). "
            f"Aim for: {cell(focus.behaviour)}"
        )
    if card.focus_note:
        add(cell(card.focus_note))
    add("")
    labelled("How I will leave room for others", card.room)
    if card.other:
        add(f"## {CARD_SECTIONS['other']}")
        add("")
        for item in card.other:
            labelled(cell(item.label), item.text)
    add(f"## {CARD_SECTIONS['after']}")
    add("")
    for question in card.after_questions:
        add(f"- {cell(question)}")
    add("")
    if card.reflective_prompts:
        add(f"{MORE_QUESTIONS}:")
        add("")
        for prompt in card.reflective_prompts:
            add(f"- {cell(prompt)}")
        add("")
    if card.reflection is None:
        add(f"Then write your answers down: `{card.after_command}`")
        add("")
    if card.reflection is not None:
        add(f"## {CARD_SECTIONS['reflection']}")
        add("")
        add(f"Written {date_text(card.reflection.written)}.")
        add("")
        for answer in card.reflection.answers:
            add(f"- **{cell(answer.label)}** {cell(answer.text)}")
        if not card.reflection.answers:
            add("- You left every question blank.")
        add("")
    add(
        f"*Card {card.card_id}, made {date_text(card.made)}, "
        f"with {cell(card.framework_title)} {cell(card.framework_version)}.*"
    )
    return "\n".join(out) + "\n"
