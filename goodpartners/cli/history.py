"""'goodpartners history': see, compare, export and delete saved results."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from goodpartners.cli.assess import report_command
from goodpartners.cli.common import (
    EXIT_DATA,
    OutputOption,
    check_output,
    framework_for,
    to_stdout,
    warn_unreadable,
)
from goodpartners.cli.root import app
from goodpartners.errors import (
    HistoryError,
    UsageError,
)
from goodpartners.files import write_private
from goodpartners.formats import ReportFormat

if TYPE_CHECKING:  # the core loads when a command runs, not for --help or --version
    from goodpartners.models import Assessment, PrepCard

history_app = typer.Typer(
    no_args_is_help=True, help="See, compare, export and delete your saved results."
)


app.add_typer(history_app, name="history")


@history_app.command("path")
def history_path() -> None:
    """Show the folder where your results are kept."""
    from goodpartners.framework_files import data_home

    typer.echo(str(data_home()))


@history_app.command("list")
def history_list() -> None:
    """List your saved assessments and prep cards, oldest first."""
    from goodpartners.personal.history import list_assessments, list_prep_cards, unreadable_history

    entries = [(a.finished or a.started, history_line(a)) for _, a in list_assessments()]
    cards = [card for _, card in list_prep_cards()]
    entries += [(c.finished or c.started, prep_line(c)) for c in cards]
    unreadable = unreadable_history()
    if not entries and not unreadable:
        typer.echo(
            "Nothing saved yet. Run 'goodpartners assess' or 'goodpartners prep' to make one."
        )
        return
    for _, line in sorted(entries, key=lambda entry: entry[0]):
        typer.echo(line)
    for path, reason in unreadable:
        typer.echo(f"{path.stem}  unreadable: {path} ({reason})")
    if unreadable:
        typer.echo(
            "A saved result that cannot be read is left out of reports and comparisons. "
            "Restore it from a backup, or delete it with: goodpartners history delete ID",
            err=True,
        )
    if any(card.reflection is None for card in cards):
        typer.echo("To say how a meeting went, run: goodpartners prep --after ID", err=True)


def prep_line(card: PrepCard) -> str:
    """One line about a saved prep card, and whether it has a reflection."""
    from goodpartners.personal.interview import short

    when = (card.finished or card.started).strftime("%Y-%m-%d %H:%M")
    reflected = "reflected" if card.reflection else "not reflected"
    # Cut the meeting name so the line fits 80 columns.
    return f"{card.id}  {when}  prep: {short(card.meeting or '', 22)} - {reflected}"


def history_line(assessment: Assessment) -> str:
    """One line about a saved assessment."""
    when = (assessment.finished or assessment.started).strftime("%Y-%m-%d %H:%M")
    kind = "quick" if assessment.quick else "full"
    who = f" {assessment.name}" if assessment.name else ""
    return f"{assessment.id}  {when}  {assessment.framework_id} ({kind}){who}"


@history_app.command("show")
def history_show(
    assessment: Annotated[str, typer.Argument(help="An id from 'history list'.")],
) -> None:
    """Show a saved assessment's report, or a prep card.

    A prep card is shown with its reflection, if you have written one.
    """
    report_command(assessment, None, ReportFormat.terminal, None)


@history_app.command("compare")
def history_compare(
    first: Annotated[str | None, typer.Argument(help="The earlier assessment id.")] = None,
    second: Annotated[str | None, typer.Argument(help="The later assessment id.")] = None,
) -> None:
    """Compare two assessments (by default, your last two)."""
    from goodpartners.personal.history import find_assessment, list_assessments
    from goodpartners.personal.report import build_report

    if (first is None) != (second is None):
        raise UsageError("give two ids to compare, or none for the last two")
    if first is not None and second is not None:
        older, newer = find_assessment(first)[1], find_assessment(second)[1]
    else:
        warn_unreadable()
        saved = [a for _, a in list_assessments()]
        if not saved:
            raise HistoryError("no saved assessments yet; run 'goodpartners assess' first")
        same = [a for a in saved if a.framework_id == saved[-1].framework_id]
        if len(same) < 2:
            raise HistoryError(
                "there is only one assessment on this framework; compare after your next one"
            )
        older, newer = same[-2], same[-1]
    chosen = framework_for(newer, None)
    from goodpartners.render.terminal import render_comparison

    typer.echo(render_comparison(build_report(chosen, newer, older)), nl=False)


@history_app.command("export")
def history_export(output: OutputOption = None) -> None:
    """Export all your saved results as one JSON file.

    The file has your assessments and your prep cards with their reflections.
    """
    from goodpartners.personal.history import export_all

    check_output(output)
    warn_unreadable()
    text = export_all()
    if output is None:
        to_stdout(text)
    else:
        write_private(output, text)
        typer.echo(f"Exported to {output}", err=True)


@history_app.command("delete")
def history_delete(
    assessment: Annotated[str | None, typer.Argument(help="The id to delete.")] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Delete every saved result and draft.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask to confirm.")] = False,
) -> None:
    """Delete a saved result, or all of them with --all.

    A result is an assessment or a prep card; give its id from 'history list'.
    """
    from goodpartners.personal.history import (
        delete_all,
        delete_assessment,
        delete_prep_card,
        find_assessment,
        saved_kind,
    )

    if (assessment is None) == (not all_):
        raise UsageError("give one id to delete, or --all")
    kind = saved_kind(assessment) if assessment is not None else None
    what = "every saved result and draft" if all_ else f"{kind or 'assessment'} {assessment}"
    if assessment is not None and kind is None:
        find_assessment(assessment)  # fail before asking if it does not exist
    if not yes and not _confirm(f"Delete {what}? This cannot be undone."):
        typer.echo("Nothing deleted.", err=True)
        raise typer.Exit(EXIT_DATA)
    if all_:
        count = delete_all()
        typer.echo(f"Deleted {count} file{'s' if count != 1 else ''}.", err=True)
    else:
        assert assessment is not None
        if kind == "prep card":
            delete_prep_card(assessment)
        else:
            delete_assessment(assessment)
        typer.echo(f"Deleted {assessment}.", err=True)


def _confirm(question: str) -> bool:
    from goodpartners.personal.questionnaire import InputEnded, StreamIO, ask_yes_no

    try:
        return ask_yes_no(StreamIO(sys.stdin, sys.stderr), question, default=False)
    except InputEnded:
        return False
