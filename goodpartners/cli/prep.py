"""'goodpartners prep': meeting prep cards, and the reflection after the meeting."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from goodpartners.cli.common import (
    FormatOption,
    FrameworkOption,
    OutputOption,
    as_text,
    check_output,
    command_again,
    emit_card,
    output_format,
    readable,
    stopping,
)
from goodpartners.cli.root import app
from goodpartners.errors import UsageError
from goodpartners.formats import ReportFormat

if TYPE_CHECKING:  # the core loads when a command runs, not for --help or --version
    from goodpartners.models import Framework, PrepCard


@app.command()
def prep(
    framework: FrameworkOption = None,
    meeting: Annotated[
        str | None,
        typer.Option(
            "--meeting",
            callback=as_text,
            help="What the meeting is, for example 'Case review for J.S.'.",
        ),
    ] = None,
    when: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="The date of the meeting."),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help="Make the card (or, with --after, the reflection) from a YAML or JSON file "
            "without asking. See docs/prep-guide.md.",
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Carry on with the unfinished meeting prep.")
    ] = False,
    restart: Annotated[
        bool, typer.Option("--restart", help="Start again, replacing any unfinished one.")
    ] = False,
    after: Annotated[
        str | None,
        typer.Option(
            "--after",
            metavar="ID",
            help="After the meeting: say how it went, for the card with this id.",
        ),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """Get ready for a meeting and make a one-page prep card.

    Asks about the meeting, runs the quick check, and helps you plan your role, your
    offer and the hours it needs. After the meeting, run 'goodpartners prep --after ID'.
    """
    from goodpartners.frameworks import load_framework
    from goodpartners.models import now
    from goodpartners.personal.answers import load_prep_answers
    from goodpartners.personal.drafts import draft_in_use
    from goodpartners.personal.history import (
        discard_prep_draft,
        new_id,
        prep_draft_path,
        save_new,
    )
    from goodpartners.personal.prep import finish_card, parse_meeting_date

    output_format(fmt, output)  # a bad --output fails now, not after the questions
    check_output(output, answers, framework)
    if after is not None:
        if meeting or when or framework or resume or restart:
            raise UsageError("--after takes only --answers, --format and --output")
        _reflect(after, answers, fmt, output)
        return
    if resume and restart:
        raise UsageError("choose --resume or --restart, not both")
    if answers is not None and (resume or restart):
        raise UsageError(
            "--answers makes the card without asking; leave out --resume and --restart"
        )
    today = date.today()
    meeting_date = None
    if when is not None:
        try:
            meeting_date = parse_meeting_date(when, today)
        except ValueError:
            raise UsageError(
                f"--date '{when}' is not a date; give it as YYYY-MM-DD, for example 2026-11-14"
            ) from None
    chosen = load_framework(framework, cached=True)
    if answers is not None:
        card, warnings = load_prep_answers(answers, chosen, today, meeting, meeting_date)
        for warning in warnings:
            typer.echo(f"Warning: {warning}", err=True)
        finished = now()
        card = save_new(finish_card(chosen, card, new_id(finished), finished), finished)
    else:
        with draft_in_use(prep_draft_path(chosen.id), "goodpartners prep"):
            start = command_again("goodpartners prep", framework)
            card = _ask_prep(chosen, start, meeting, meeting_date, resume, restart)
            finished = now()
            card = save_new(finish_card(chosen, card, new_id(finished), finished), finished)
            discard_prep_draft(chosen.id)
    emit_card(card, fmt, output)
    typer.echo(f"Saved as {card.id}.", err=True)
    typer.echo(f"After the meeting, run: goodpartners prep --after {card.id}", err=True)


def _ask_prep(
    framework: Framework,
    start: str,
    meeting: str | None,
    meeting_date: date | None,
    resume: bool,
    restart: bool,
) -> PrepCard:
    """Run the prep interview on stdin/stderr, saving a draft after every answer."""
    from goodpartners.models import PrepCard
    from goodpartners.personal.history import load_prep_draft, prep_draft_path, save_prep_draft
    from goodpartners.personal.interview import PrepInterview, prep_summary
    from goodpartners.personal.questionnaire import StreamIO, carry_on

    io = StreamIO(sys.stdin, sys.stderr)
    draft_file = prep_draft_path(framework.id)
    with stopping(draft_file, start, f"{start} --resume", "meeting prep"):
        draft = readable(load_prep_draft(framework.id), "meeting prep")
        summary = prep_summary(draft) if draft is not None else None
        resuming = carry_on(io, summary, "meeting prep", resume, restart)
        card = draft if resuming and draft is not None else PrepCard.start(framework)
        if meeting:
            card.meeting = meeting
        if meeting_date:
            card.meeting_date = meeting_date
        interview = PrepInterview(framework, card, io, save_prep_draft, date.today())
        return interview.run(show_intro=not resuming)


def _reflect(
    card_id: str, answers: Path | None, fmt: ReportFormat | None, output: Path | None
) -> None:
    """The after-meeting reflection on a saved prep card."""
    from goodpartners.models import Reflection, now
    from goodpartners.personal.answers import load_reflection_answers
    from goodpartners.personal.history import find_prep_card, save_prep_card
    from goodpartners.personal.interview import ask_reflection
    from goodpartners.personal.prep import reflection_questions
    from goodpartners.personal.questionnaire import StreamIO

    path, card = find_prep_card(card_id)
    if answers is not None:
        replies = load_reflection_answers(answers, reflection_questions(card))
        card.reflection = Reflection(written=now(), answers=replies)
        card.reflection_draft = None
        save_prep_card(card)
    else:
        io = StreamIO(sys.stdin, sys.stderr)
        again = f"goodpartners prep --after {card.id}"
        with stopping(path, again, again, "reflection"):
            if ask_reflection(card, io, save_prep_card) is None:
                typer.echo("Your reflection is as it was.", err=True)
                return
    typer.echo(f"Saved your reflection with card {card.id}.", err=True)
    typer.echo("It will be in your next development report.", err=True)
    if fmt is not None or output is not None:
        emit_card(card, fmt, output)
