"""The personal development report and the meeting prep card for the terminal; 80 columns."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from goodpartners.multirater import OthersView
from goodpartners.personal.prep import (
    HOURS_AVAILABLE_LABEL,
    HOURS_NOT_GIVEN,
    HOURS_OFFERED_LABEL,
    CardView,
    about_hours,
)
from goodpartners.personal.report import Comparison, Report
from goodpartners.render.common import (
    CARD_SECTIONS,
    MORE_QUESTIONS,
    REFLECTIONS_INTRO,
    bar,
    change_text,
    date_text,
    focus_text,
    offer_hours,
    score_text,
)
from goodpartners.render.otherswords import (
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

BAND_STYLES = ("red", "yellow", "green", "cyan", "magenta")


def _console(buffer: io.StringIO, color: bool, width: int) -> Console:
    return Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )


def render_terminal(report: Report, color: bool = False, width: int = 80) -> str:
    """The report as terminal text; with colour only when asked for."""
    buffer = io.StringIO()
    console = _console(buffer, color, width)
    styles = {b.id: BAND_STYLES[i % len(BAND_STYLES)] for i, b in enumerate(report.bands)}
    low, high = report.scale_min, report.scale_max

    def heading(text: str) -> None:
        console.print()
        console.print(Text(text, style="bold underline"))

    kind = "quick check" if report.quick else "full questionnaire"
    console.print(Text(f"Personal development report: {report.framework_title}", style="bold"))
    console.print(f"{report.name or 'Name not given'}, {date_text(report.date)}")

    heading(NEXT_STEPS)
    _print_next_steps(console, report)
    if report.comparison:
        heading("Since last time")
        console.print(report.comparison.summary)
        if report.comparison.basis:
            console.print(report.comparison.basis)

    if report.others is not None:
        heading(OTHERS_HEADING)
        _print_others(console, report, report.others)

    heading("Your strengths")
    _bullets(console, [f"{c.name}: {c.why}" for c in report.strengths], numbered=True)
    if not report.strengths:
        console.print(no_strengths(report))

    heading(PLAN_HEADING)
    _print_plan(console, report)

    heading("The detail")
    console.print(detail_intro(report))

    heading("Summary")
    if report.overall is None:
        console.print("No competency could be scored, so there is no overall score.")
    else:
        console.print(
            f"Overall {score_text(report.overall)} out of {high}: {report.overall_band_name}. "
            f"{report.overall_meaning}"
        )
    themes = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    themes.add_column("Theme")
    themes.add_column("Score", justify="right")
    themes.add_column("Band")
    for theme in report.themes:
        themes.add_row(theme.name, score_text(theme.score), theme.band_name or "-")
    console.print(themes)

    heading("Your competencies")
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    table.add_column("Competency", ratio=1)
    table.add_column("Score", justify="right")
    table.add_column("Band")
    table.add_column("Bar", no_wrap=True)
    for comp in report.competencies:
        style = styles.get(comp.band or "", "")
        table.add_row(
            comp.name,
            score_text(comp.score),
            Text(comp.band_name or "Not scored", style=style),
            Text(bar(comp.score, low, high, width=12), style=style),
        )
    console.print(table)
    console.print("Bands: " + "; ".join(f"{b.name} from {b.min:g}" for b in report.bands) + ".")
    _bullets(
        console,
        [f"{c.name} ({c.band_name}): {c.descriptor}" for c in report.competencies if c.descriptor],
    )

    if report.priorities:
        heading("More on your priorities")
    for comp in report.priorities:
        console.print(Text(comp.name, style="bold"))
        console.print("Things to try this month:")
        _bullets(console, comp.actions, indent=2)
        console.print("Questions to ask yourself:")
        _bullets(console, comp.prompts, indent=2)
    if report.ties:
        console.print("Some scores were equal; equal scores are listed in framework order.")

    heading("Your answers")
    for group in report.answer_groups:
        console.print(Text(group.name, style="bold"))
        _bullets(
            console,
            [
                f"{a.text}{' (turned round)' if a.reverse else ''} Your answer: {a.answer_text}."
                for a in group.answers
            ],
            indent=2,
        )

    if report.notes:
        heading("Your notes")
        _bullets(console, [f"{c.name}: {c.note}" for c in report.notes])
    if report.reflections:
        heading("Reflections after meetings")
        console.print(REFLECTIONS_INTRO)
        for reflection in report.reflections:
            console.print(Text(f"{reflection.meeting}, {reflection.meeting_when}", style="bold"))
            answers = [f"{a.label} {a.text}" for a in reflection.answers]
            _bullets(console, answers or ["You left every question blank."])
    if report.not_scored:
        heading("Not scored")
        _bullets(console, [f"{c.name}: {c.reason}." for c in report.not_scored])
    if report.comparison:
        heading("Change in each skill since last time")
        _print_comparison(console, report.comparison)

    heading("How the score is calculated")
    console.print(report.rules)
    console.print()
    console.print(
        f"Assessment id {report.assessment_id}. Framework: {report.framework_title} "
        f"version {report.framework_version} ({report.framework_id}), {kind}."
    )
    return _tidy(buffer.getvalue())


FIRST_SCREEN = 23  # a 24-line terminal, less the pager's prompt line
ABOVE_NEXT_STEPS = 4  # the title, the name and date, a blank line and the heading


def _print_next_steps(console: Console, report: Report) -> None:
    """The priorities, each with what pulled it down and one thing to try; made shorter,
    if it must be, so the whole of it fits on the first screen of a terminal."""
    budget = FIRST_SCREEN - ABOVE_NEXT_STEPS
    choices = [(2, True), (1, True), (1, False)]  # statements quoted, and the intro line
    for quoted, intro in choices:
        trial = _console(io.StringIO(), False, console.width)
        _next_steps(trial, report, quoted, intro)
        assert isinstance(trial.file, io.StringIO)
        if trial.file.getvalue().count("\n") <= budget:
            break
    _next_steps(console, report, quoted, intro)


def _next_steps(console: Console, report: Report, quoted: int, intro: bool) -> None:
    if report.scores_note:
        console.print(report.scores_note)
    if not report.next_steps:
        if not report.scores_note:
            console.print(no_priorities(report))
        return
    if intro:
        console.print(NEXT_STEPS_INTRO)
    for n, step in enumerate(report.next_steps, start=1):
        lines = [Text(step.headline, style="bold")]
        lines += [Text(p.sentence) for p in step.pulled_down[:quoted]]
        lines.append(Text(f"Try this: {step.action}"))
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for index, line in enumerate(lines):
            grid.add_row(f"{n}." if index == 0 else "", line)
        console.print(grid)


def _print_plan(console: Console, report: Report) -> None:
    """The plan with blank lines to fill in, ready to take to supervision."""
    console.print(PLAN_INTRO)
    blank = "_" * 40
    for n, step in enumerate(report.plan, start=1):
        console.print(Text(f"{n}. {step.name}", style="bold"))
        _bullets(
            console,
            [
                f"What I'll try: {step.action}",
                f"By when: {day_text(step.by_when)}",
                f"Who can help: {step.who_can_help or blank}",
                f"How I will know it worked: {step.how_i_will_know or blank}",
            ],
            indent=2,
        )
    if not report.plan:
        console.print(PLAN_EMPTY)


def _print_others(console: Console, report: Report, view: OthersView) -> None:
    """'How others see you': notes, you and others as bars, the table, the findings."""
    low, high = report.scale_min, report.scale_max
    for note in view.notes:
        console.print(note)
    if view.any_shown:
        chart = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
        chart.add_column("Skill", ratio=1)
        chart.add_column("", no_wrap=True)
        chart.add_column("", no_wrap=True)
        chart.add_column("", justify="right")
        for comp in view.competencies:
            chart.add_row(
                comp.name, "You", bar(comp.self_score, low, high, 12), score_text(comp.self_score)
            )
            others = comp.others if comp.others_shown else None
            chart.add_row("", "Others", bar(others, low, high, 12), score_text(others))
        console.print(chart)
    columns = others_columns(view)
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    for key, title in columns:
        table.add_column(title, justify="left" if key == "name" else "right", ratio=None)
    for comp in view.competencies:
        table.add_row(*others_row(comp, columns))
    console.print(table)
    table_text = table_note(columns)
    if table_text:
        console.print(table_text)
    for finding in findings(view):
        console.print()
        console.print(Text(finding.title, style="bold"))
        console.print(finding.intro)
        _bullets(console, finding.lines)
    quiet = no_gaps(view)
    if quiet:
        console.print(quiet)


def _tidy(text: str) -> str:
    """Drop the trailing spaces rich leaves at the ends of wrapped lines."""
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _bullets(console: Console, lines: list[str], indent: int = 0, numbered: bool = False) -> None:
    """A list with hanging indents, so wrapped lines sit under the text."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for n, line in enumerate(lines, start=1):
        grid.add_row(" " * indent + (f"{n}." if numbered else "-"), Text(line))
    console.print(grid)


def _print_comparison(console: Console, comparison: Comparison) -> None:
    console.print(
        f"Compared with {date_text(comparison.previous_date)} ({comparison.previous_id}). "
        f"Overall: {score_text(comparison.overall_before)} then, "
        f"{score_text(comparison.overall_after)} now."
        + (f" {comparison.basis}" if comparison.basis else "")
    )
    changes = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    changes.add_column("Competency", ratio=1)
    changes.add_column("Before", justify="right")
    changes.add_column("Now", justify="right")
    changes.add_column("Change", justify="right")
    for change in comparison.changes:
        changes.add_row(
            change.name,
            score_text(change.before),
            score_text(change.after),
            change_text(change.change),
        )
    console.print(changes)


def render_comparison(report: Report, width: int = 80) -> str:
    """Only the change since the previous assessment, for 'history compare'."""
    buffer = io.StringIO()
    console = _console(buffer, False, width)
    if report.comparison is None:
        console.print("There is no earlier assessment on this framework to compare with.")
    else:
        console.print(f"Assessment {report.assessment_id}, {date_text(report.date)}")
        _print_comparison(console, report.comparison)
    return _tidy(buffer.getvalue())


def render_card_terminal(card: CardView, color: bool = False, width: int = 80) -> str:
    """The meeting prep card as terminal text; with colour only when asked for."""
    buffer = io.StringIO()
    console = _console(buffer, color, width)

    def heading(key: str) -> None:
        console.print()
        console.print(Text(CARD_SECTIONS[key], style="bold underline"))

    def labelled(label: str, text: str | None) -> None:
        if text:
            line = Text()
            line.append(f"{label}: ", style="bold")
            line.append(text)
            console.print(line)

    console.print(Text(f"Meeting prep card: {card.meeting}", style="bold"))
    console.print(f"When: {card.meeting_when}")

    heading("role")
    console.print(Text(card.role or "Not written yet."))
    labelled("What I want from this meeting", card.expect)

    heading("offer")
    _bullets(console, [f"{o.text}: {offer_hours(o.hours)}" for o in card.offers])
    if not card.offers:
        console.print("No offers listed.")
    if card.hours_offered is not None:
        labelled(HOURS_OFFERED_LABEL, about_hours(card.hours_offered))
        have = card.hours_available
        labelled(HOURS_AVAILABLE_LABEL, HOURS_NOT_GIVEN if have is None else about_hours(have))
    if card.capacity is not None:
        warning = card.capacity.over
        line = Text()
        if warning:
            line.append("Warning: ", style="bold red" if color else "bold")
        line.append(card.capacity.message, style="red" if warning and color else "")
        console.print(line)
    labelled("What I will not promise", card.not_promise)

    heading("partners")
    for partner in card.partners:
        console.print(Text(partner.who, style="bold"))
        _bullets(
            console,
            [
                f"Their objectives: {partner.objectives or 'not known yet'}",
                f"To find out: {partner.find_out or 'nothing noted'}",
            ],
            indent=2,
        )
    if not card.partners:
        console.print(Text(card.partners_note or "No partners named."))
    labelled("Key partners for this person", card.key_partners)

    heading("focus")
    _bullets(
        console,
        [f"{f.name} ({focus_text(f.band_name)}). Aim for: {f.behaviour}" for f in card.focus],
        numbered=True,
    )
    if card.focus_note:
        console.print(card.focus_note)
    labelled("How I will leave room for others", card.room)

    if card.other:
        heading("other")
        for item in card.other:
            labelled(item.label, item.text)

    heading("after")
    _bullets(console, card.after_questions)
    if card.reflective_prompts:
        console.print(f"{MORE_QUESTIONS}:")
        _bullets(console, card.reflective_prompts)
    if card.reflection is None:
        console.print(f"Then write your answers down: {card.after_command}")

    if card.reflection is not None:
        heading("reflection")
        console.print(f"Written {date_text(card.reflection.written)}.")
        answers = [f"{a.label} {a.text}" for a in card.reflection.answers]
        _bullets(console, answers or ["You left every question blank."])

    console.print()
    console.print(
        f"Card {card.card_id}, made {date_text(card.made)}, "
        f"with {card.framework_title} {card.framework_version}."
    )
    return _tidy(buffer.getvalue())
