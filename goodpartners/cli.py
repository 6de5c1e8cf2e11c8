"""The command line: parse options, call the core, render, write. Errors are translated here."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from goodpartners import __version__
from goodpartners.answers import load_answers
from goodpartners.errors import (
    FrameworkError,
    FrameworkNotFoundError,
    GoodPartnersError,
    HistoryError,
    UsageError,
)
from goodpartners.files import write_private
from goodpartners.frameworks import (
    data_home,
    framework_outline,
    list_frameworks,
    load_framework,
    load_framework_file,
)
from goodpartners.history import (
    delete_all,
    delete_assessment,
    discard_draft,
    draft_path,
    export_all,
    find_assessment,
    list_assessments,
    load_draft,
    new_id,
    previous_assessment,
    save_assessment,
    save_draft,
)
from goodpartners.models import Assessment, Framework, now
from goodpartners.questionnaire import (
    InputEnded,
    Questionnaire,
    SaveAndQuit,
    StreamIO,
    ask_yes_no,
    choose_start,
)
from goodpartners.render import SUFFIXES, ReportFormat, render
from goodpartners.render.terminal import render_comparison
from goodpartners.report import Report, build_report
from goodpartners.scoring import scoring_rules

EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class _Group(TyperGroup):
    """The root command group: the one place where core errors become messages."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FrameworkError as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            count = len(exc.problems)
            typer.echo(
                f"Error: {count} problem{'s' if count != 1 else ''} in the framework; "
                f"fix {'them' if count != 1 else 'it'} and run "
                "'goodpartners framework validate FILE' again",
                err=True,
            )
            raise typer.Exit(EXIT_DATA) from None
        except GoodPartnersError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("\nStopped.", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None


app = typer.Typer(
    cls=_Group,
    invoke_without_command=True,
    add_completion=False,
    rich_markup_mode=None,
    help="Check and grow your skills as a good partner in multi-agency work.",
)
framework_app = typer.Typer(
    no_args_is_help=True, help="List, show, check and describe competency frameworks."
)
app.add_typer(framework_app, name="framework")

FrameworkOption = Annotated[
    str | None,
    typer.Option(
        "--framework",
        "-f",
        help="A framework name from 'goodpartners framework list', or a YAML file.",
        show_default="good-partners",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"goodpartners {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and stop."
        ),
    ] = False,
) -> None:
    """Check and grow your skills as a good partner in multi-agency work."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


def _summary(framework: Framework) -> str:
    scale = framework.scale
    return (
        f"{framework.competency_count} competencies, {framework.item_count} items, "
        f"scale {scale.min}-{scale.max} ({scale.labels[scale.min]} to {scale.labels[scale.max]})"
    )


@framework_app.command("list")
def framework_list() -> None:
    """List the frameworks you can use.

    Shows those that come with the tool and any in your own frameworks folder.
    """
    for entry in list_frameworks():
        try:
            framework = load_framework_file(entry.path)
            detail = f"{framework.title} {framework.version}: {_summary(framework)}"
        except FrameworkError as exc:
            count = len(exc.problems)
            detail = (
                f"has {count} problem{'s' if count != 1 else ''}; "
                f"run 'goodpartners framework validate {entry.path}' to see them"
            )
        typer.echo(f"{entry.name} ({entry.origin}) - {detail}")
        typer.echo(f"    {entry.path}")


@framework_app.command("show")
def framework_show(
    name: Annotated[
        str | None, typer.Argument(help="Framework name or YAML file.", show_default=False)
    ] = None,
) -> None:
    """Show a framework's themes, competencies and statements."""
    framework = load_framework(name)
    typer.echo(framework_outline(framework))
    typer.echo("How scores work: " + scoring_rules(framework))


@framework_app.command("validate")
def framework_validate(
    paths: Annotated[
        list[Path], typer.Argument(help="One or more framework YAML files.", metavar="FILE")
    ],
) -> None:
    """Check framework files for problems.

    Lists every problem with its line and column, and exits with 1 if any file has one.
    """
    failed = 0
    for path in paths:
        try:
            framework = load_framework_file(path)
        except FrameworkError as exc:
            failed += 1
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            continue
        typer.echo(f"{path}: valid - {_summary(framework)}")
    if failed:
        typer.echo(
            f"Error: {failed} of {len(paths)} file{'s' if len(paths) != 1 else ''} "
            "failed; fix the problems listed above",
            err=True,
        )
        raise typer.Exit(EXIT_DATA)


@framework_app.command("schema")
def framework_schema() -> None:
    """Print the JSON Schema for framework files.

    Editors use it to check framework files and suggest keys as you type.
    """
    typer.echo(json.dumps(framework_json_schema(), indent=2, ensure_ascii=False))


def framework_json_schema() -> dict[str, Any]:
    """The JSON Schema of the framework format."""
    schema = Framework.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "goodpartners competency framework"
    return schema


# Personal assessment ---------------------------------------------------------


def _emit(report: Report, fmt: ReportFormat | None, output: Path | None) -> None:
    """Render a report to --output (private, atomic) or to stdout."""
    chosen = fmt or (SUFFIXES.get(output.suffix.lower()) if output else None)
    chosen = chosen or ReportFormat.terminal
    color = (
        output is None
        and chosen is ReportFormat.terminal
        and sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
        # Old Windows consoles print colour codes as junk; Windows Terminal is fine.
        and (sys.platform != "win32" or "WT_SESSION" in os.environ)
    )
    width = min(80, shutil.get_terminal_size((80, 24)).columns)
    text = render(report, chosen, color=color, width=width)
    if output is not None:
        write_private(output, text)
        typer.echo(f"Report written to {output}", err=True)
    else:
        sys.stdout.write(text)


FormatOption = Annotated[
    ReportFormat | None,
    typer.Option(
        "--format",
        help="Report format: terminal, md, html or json. Default: from --output's "
        "ending, else terminal.",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the report to this file instead of the screen."),
]


@app.command()
def assess(
    framework: FrameworkOption = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="Two-minute check: one statement per competency.")
    ] = False,
    name: Annotated[
        str | None, typer.Option("--name", help="Your name or initials, for the report.")
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option("--answers", help="Score answers from a YAML or JSON file without asking."),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Carry on with the unfinished assessment.")
    ] = False,
    restart: Annotated[
        bool, typer.Option("--restart", help="Start again, replacing any unfinished one.")
    ] = False,
    fmt: FormatOption = None,
    output: OutputOption = None,
    no_save: Annotated[
        bool, typer.Option("--no-save", help="Do not keep the result in your history.")
    ] = False,
) -> None:
    """Answer the questions and get your development report."""
    if resume and restart:
        raise UsageError("choose --resume or --restart, not both")
    chosen = load_framework(framework)
    if answers is not None:
        assessment, warnings = load_answers(answers, chosen, quick, name, "answers")
        for warning in warnings:
            typer.echo(f"Warning: {warning}", err=True)
    else:
        assessment = _ask(chosen, quick, name, resume, restart)
    finished = assessment.finished or now()
    assessment = assessment.model_copy(
        update={"finished": finished, "id": new_id(finished), "skipped": []}
    )
    previous = previous_assessment(assessment)
    if not no_save:
        save_assessment(assessment)
    if answers is None:
        discard_draft(chosen.id, assessment.quick)
    _emit(build_report(chosen, assessment, previous), fmt, output)
    if not no_save:
        typer.echo(
            f"Saved as {assessment.id}. For a copy to print or keep, run: "
            f"goodpartners report {assessment.id} --output report.html",
            err=True,
        )


def _ask(framework: Framework, quick: bool, name: str | None, resume: bool, restart: bool) -> Any:
    """Run the questionnaire on stdin/stdout, saving a draft after every answer."""
    io = StreamIO(sys.stdin, sys.stdout)
    fresh = Assessment.start(framework, name=name, quick=quick)
    draft_file = draft_path(framework.id, quick)
    again = "goodpartners assess" + (" --quick" if quick else "") + " --resume"
    try:
        draft = load_draft(framework.id, quick)
        assessment = choose_start(framework, draft, fresh, io, resume, restart)
        if name:
            assessment.name = name
        return Questionnaire(framework, assessment, io, save_draft).run(
            show_intro=assessment is fresh
        )
    except SaveAndQuit:
        typer.echo(f"Saved your answers so far in {draft_file}.", err=True)
        typer.echo(f"To carry on, run: {again}", err=True)
        raise typer.Exit(0) from None
    except InputEnded:
        typer.echo(
            f"Error: the input ended before the questionnaire was finished. Your answers so "
            f"far are saved in {draft_file}. To carry on, run: {again}",
            err=True,
        )
        raise typer.Exit(EXIT_DATA) from None
    except KeyboardInterrupt:
        typer.echo(
            f"\nStopped. Your answers so far are saved in {draft_file}. To carry on, run: {again}",
            err=True,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None


@app.command("report")
def report_command(
    assessment: Annotated[str, typer.Argument(help="An id from 'history list', or a file.")],
    framework: FrameworkOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """Show a saved assessment's report again, in any format."""
    _, saved = find_assessment(assessment)
    chosen = _framework_for(saved, framework)
    _emit(build_report(chosen, saved, previous_assessment(saved)), fmt, output)


def _framework_for(saved: Assessment, framework: str | None) -> Framework:
    try:
        return load_framework(framework or saved.framework_id)
    except FrameworkNotFoundError:
        raise HistoryError(
            f"this assessment used the framework '{saved.framework_id}', which is not on this "
            "computer; give its file with --framework PATH"
        ) from None


# History ---------------------------------------------------------------------

history_app = typer.Typer(
    no_args_is_help=True, help="See, compare, export and delete your saved results."
)
app.add_typer(history_app, name="history")


@history_app.command("path")
def history_path() -> None:
    """Show the folder where your results are kept."""
    typer.echo(str(data_home()))


@history_app.command("list")
def history_list() -> None:
    """List your saved assessments, oldest first."""
    saved = list_assessments()
    if not saved:
        typer.echo("No saved assessments yet. Run 'goodpartners assess' to make one.")
        return
    for _, assessment in saved:
        typer.echo(history_line(assessment))


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
    """Show one saved assessment's report."""
    report_command(assessment, None, ReportFormat.terminal, None)


@history_app.command("compare")
def history_compare(
    first: Annotated[str | None, typer.Argument(help="The earlier assessment id.")] = None,
    second: Annotated[str | None, typer.Argument(help="The later assessment id.")] = None,
) -> None:
    """Compare two assessments (by default, your last two)."""
    if (first is None) != (second is None):
        raise UsageError("give two ids to compare, or none for the last two")
    if first is not None and second is not None:
        older, newer = find_assessment(first)[1], find_assessment(second)[1]
    else:
        saved = [a for _, a in list_assessments()]
        if not saved:
            raise HistoryError("no saved assessments yet; run 'goodpartners assess' first")
        same = [a for a in saved if a.framework_id == saved[-1].framework_id]
        if len(same) < 2:
            raise HistoryError(
                "there is only one assessment on this framework; compare after your next one"
            )
        older, newer = same[-2], same[-1]
    chosen = _framework_for(newer, None)
    typer.echo(render_comparison(build_report(chosen, newer, older)), nl=False)


@history_app.command("export")
def history_export(output: OutputOption = None) -> None:
    """Export all your saved assessments as one JSON file."""
    text = export_all()
    if output is None:
        sys.stdout.write(text)
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
    """Delete one saved assessment, or all of them with --all."""
    if (assessment is None) == (not all_):
        raise UsageError("give one id to delete, or --all")
    what = "every saved result and draft" if all_ else f"assessment {assessment}"
    if assessment is not None:
        find_assessment(assessment)  # fail before asking if it does not exist
    if not yes and not _confirm(f"Delete {what}? This cannot be undone."):
        typer.echo("Nothing deleted.", err=True)
        raise typer.Exit(EXIT_DATA)
    if all_:
        count = delete_all()
        typer.echo(f"Deleted {count} file{'s' if count != 1 else ''}.", err=True)
    else:
        assert assessment is not None
        delete_assessment(assessment)
        typer.echo(f"Deleted {assessment}.", err=True)


def _confirm(question: str) -> bool:
    try:
        return ask_yes_no(StreamIO(sys.stdin, sys.stderr), question, default=False)
    except InputEnded:
        return False


def main() -> None:
    """Entry point for the `goodpartners` console script."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - raised before a command runs
        sys.stderr.write("\nStopped.\n")
        sys.exit(EXIT_INTERRUPTED)
