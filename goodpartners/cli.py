"""The command line: parse options, call the core, render, write. Errors are translated here."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import typer
from typer.core import TyperGroup

import goodpartners
from goodpartners.errors import (
    FrameworkError,
    FrameworkNotFoundError,
    GoodPartnersError,
    HistoryError,
    OutputError,
    UsageError,
)
from goodpartners.files import write_private
from goodpartners.formats import SUFFIXES, ReportFormat
from goodpartners.frameworks import (
    data_home,
    framework_outline,
    list_frameworks,
    load_framework,
    load_framework_file,
)
from goodpartners.models import Assessment, Framework, PrepCard, Reflection, now
from goodpartners.personal.answers import load_answers, load_prep_answers, load_reflection_answers
from goodpartners.personal.history import (
    SetAside,
    assessments_dir,
    delete_all,
    delete_assessment,
    delete_prep_card,
    discard_draft,
    discard_prep_draft,
    draft_in_use,
    draft_path,
    drafts_dir,
    export_all,
    find_assessment,
    find_prep_card,
    list_assessments,
    list_prep_cards,
    load_draft,
    load_prep_draft,
    new_id,
    prep_dir,
    prep_draft_path,
    previous_assessment,
    reflections_for,
    save_draft,
    save_new,
    save_prep_card,
    save_prep_draft,
    saved_kind,
    unreadable_history,
)
from goodpartners.personal.interview import PrepInterview, ask_reflection, prep_summary, short
from goodpartners.personal.prep import (
    build_card,
    finish_card,
    parse_meeting_date,
    reflection_questions,
)
from goodpartners.personal.questionnaire import (
    InputEnded,
    Questionnaire,
    SaveAndQuit,
    StreamIO,
    ask_yes_no,
    carry_on,
    choose_start,
)
from goodpartners.personal.report import Report, build_report
from goodpartners.scoring import off_scale, scoring_rules

Draft = TypeVar("Draft", Assessment, PrepCard)

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
        except OSError as exc:
            # Files raise typed errors with their names, and the report's own writes say
            # so themselves (see _to_stdout); a closed pipe is click's to handle.
            if exc.filename is not None or exc.errno == errno.EPIPE:
                raise
            typer.echo(
                f"Error: could not write ({exc.strerror or exc}); check that the disk has "
                "space and that you can write there, then run the command again",
                err=True,
            )
            raise typer.Exit(EXIT_DATA) from None


def _to_stdout(text: str) -> None:
    """Write the product to stdout, saying plainly when that fails (a full disk under '>').

    Redirected output is written with os.write in a loop: with PYTHONUNBUFFERED (or -u)
    Python's text layer drops the rest of a short write without a word, so a full disk
    would leave half a report and exit 0.
    """
    try:
        handle = None if _isatty(sys.stdout) else sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):  # a test harness's in-memory stream
        handle = None
    try:
        if handle is None:
            sys.stdout.write(text)
            sys.stdout.flush()  # so a full disk is reported here, not at exit
            return
        sys.stdout.flush()
        if os.linesep != "\n":
            text = text.replace("\n", os.linesep)
        data = memoryview(
            text.encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict")
        )
        while data:
            data = data[os.write(handle, data) :]
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise
        raise OutputError(
            f"could not write to the screen or the file it is sent to ({exc.strerror or exc}); "
            "check that the disk has space, or write to a file with --output"
        ) from None


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


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


def _as_text(value: str | None) -> str | None:
    """Text given on the command line; bytes that are not UTF-8 become replacement marks."""
    if value is None:
        return None
    # On POSIX such bytes arrive as lone surrogates, which no file can store.
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in value)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"goodpartners {goodpartners.__version__}")
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
    from goodpartners.render import render  # renderers load only when a report is drawn

    _write(lambda chosen, color, width: render(report, chosen, color, width), fmt, output, "Report")


def _output_format(fmt: ReportFormat | None, output: Path | None) -> ReportFormat:
    """The format asked for, else the one --output's ending names, else terminal text."""
    if fmt is not None:
        return fmt
    suffix = output.suffix.lower() if output is not None else ""
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if suffix in {"", ".txt"}:
        return ReportFormat.terminal
    raise UsageError(
        f"{output}: cannot write '{suffix}' files; end the name with .html (to print), "
        ".md, .json or .txt, or give --format"
    )


def _check_output(output: Path | None, *reading: str | Path | None) -> None:
    """Refuse an --output that would replace a file being read, or a saved result."""
    if output is None:
        return
    for source in reading:
        if source is not None and _same_file(output, Path(source)):
            raise UsageError(
                f"{output}: this is the file being read, so writing there would replace it; "
                "give --output another file name"
            )
    target = output.expanduser().resolve()
    for folder in (assessments_dir(), prep_dir(), drafts_dir()):
        if folder.resolve() in target.parents:
            raise UsageError(
                f"{output}: this is inside the folder of your saved results ({folder}); "
                "write reports and exports somewhere else"
            )


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:  # one of them is not there yet
        return one.expanduser().resolve() == other.expanduser().resolve()


def _write(
    draw: Callable[[ReportFormat, bool, int], str],
    fmt: ReportFormat | None,
    output: Path | None,
    what: str,
) -> None:
    """Draw a report or card in the chosen format, to --output (private, atomic) or stdout."""
    chosen = _output_format(fmt, output)
    color = (
        output is None
        and chosen is ReportFormat.terminal
        and sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
        and os.environ.get("TERM") != "dumb"  # a terminal that cannot show colour or bold
        # Old Windows consoles print colour codes as junk; Windows Terminal is fine.
        and (sys.platform != "win32" or "WT_SESSION" in os.environ)
    )
    width = min(80, shutil.get_terminal_size((80, 24)).columns)
    text = draw(chosen, color, width)
    if output is not None:
        write_private(output, text)
        typer.echo(f"{what} written to {output}", err=True)
    else:
        _to_stdout(text)


FormatOption = Annotated[
    ReportFormat | None,
    typer.Option(
        "--format",
        help="Format: terminal, md, html or json. Default: from --output's ending, else terminal.",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write it to this file instead of the screen."),
]


@app.command()
def assess(
    framework: FrameworkOption = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="Two-minute check: one statement per competency.")
    ] = False,
    name: Annotated[
        str | None,
        typer.Option("--name", callback=_as_text, help="Your name or initials, for the report."),
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
    _output_format(fmt, output)  # a bad --output fails now, not after the questions
    _check_output(output, answers, framework)
    if resume and restart:
        raise UsageError("choose --resume or --restart, not both")
    chosen = load_framework(framework)
    with contextlib.ExitStack() as held:
        if answers is None:
            held.enter_context(draft_in_use(draft_path(chosen.id, quick), "goodpartners assess"))
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
        _warn_unreadable()
        previous = previous_assessment(assessment)
        if not no_save:
            assessment = save_new(assessment, finished)
        if answers is None:
            discard_draft(chosen.id, assessment.quick)
        reflections = reflections_for(assessment, previous)
        try:
            _emit(build_report(chosen, assessment, previous, reflections), fmt, output)
        finally:  # even when --output cannot be written, say where the answers are
            if not no_save:
                typer.echo(
                    f"Saved as {assessment.id}. For a copy to print or keep, run: "
                    f"goodpartners report {assessment.id} --output report.html",
                    err=True,
                )


def _ask(framework: Framework, quick: bool, name: str | None, resume: bool, restart: bool) -> Any:
    """Run the questionnaire on stdin/stderr, saving a draft after every answer."""
    io = StreamIO(sys.stdin, sys.stderr)
    fresh = Assessment.start(framework, name=name, quick=quick)
    draft_file = draft_path(framework.id, quick)
    start = "goodpartners assess" + (" --quick" if quick else "")
    with _stopping(draft_file, start, f"{start} --resume", "questionnaire"):
        draft = _readable(load_draft(framework.id, quick), "assessment")
        assessment = choose_start(framework, draft, fresh, io, resume, restart)
        if name:
            assessment.name = name
        return Questionnaire(framework, assessment, io, save_draft).run(
            show_intro=assessment is fresh
        )


def _readable(draft: Draft | SetAside | None, what: str) -> Draft | None:
    """A draft to offer, after saying where an unreadable one was moved."""
    if isinstance(draft, SetAside):
        typer.echo(
            f"Warning: your unfinished {what} could not be read ({draft.reason}). "
            f"It is kept as {draft.moved_to}, and this starts a new one.",
            err=True,
        )
        return None
    return draft


def _warn_unreadable() -> None:
    """Say which saved results were left out because they cannot be read."""
    for path, reason in unreadable_history():
        typer.echo(f"Warning: left out {path}, which cannot be read ({reason})", err=True)


@contextmanager
def _stopping(draft_file: Path, start: str, again: str, task: str) -> Iterator[None]:
    """Turn q, the end of the input and Ctrl-C into a message that says where the answers
    are and how to carry on, and the exit code for each: 0, 1 and 130."""
    try:
        yield
    except SaveAndQuit:
        if draft_file.exists():
            typer.echo(f"Saved your answers so far in {draft_file}.", err=True)
            typer.echo(f"To carry on, run: {again}", err=True)
        else:
            typer.echo("Nothing was saved, as nothing was answered yet.", err=True)
            typer.echo(f"To start, run: {start}", err=True)
        raise typer.Exit(0) from None
    except InputEnded:
        if draft_file.exists():
            saved = f"Your answers so far are saved in {draft_file}. To carry on, run: {again}"
        else:
            saved = f"Nothing was saved yet. To start, run: {start}"
        typer.echo(f"Error: the input ended before the {task} was finished. {saved}", err=True)
        raise typer.Exit(EXIT_DATA) from None
    except KeyboardInterrupt:
        if draft_file.exists():
            saved = f"Your answers so far are saved in {draft_file}. To carry on, run: {again}"
        else:
            saved = "Nothing was saved yet."
        typer.echo(f"\nStopped. {saved}", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None


@app.command("report")
def report_command(
    assessment: Annotated[str, typer.Argument(help="An id from 'history list', or a file.")],
    framework: FrameworkOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """Show a saved report or prep card again, in any format."""
    _check_output(output, assessment, framework)
    if saved_kind(assessment) == "prep card":
        _emit_card(find_prep_card(assessment)[1], fmt, output)
        return
    _, saved = find_assessment(assessment)
    chosen = _framework_for(saved, framework)
    _warn_unreadable()
    previous = previous_assessment(saved)
    _emit(build_report(chosen, saved, previous, reflections_for(saved, previous)), fmt, output)


def _framework_for(saved: Assessment, framework: str | None) -> Framework:
    try:
        chosen = load_framework(framework or saved.framework_id)
    except FrameworkNotFoundError:
        raise HistoryError(
            f"this assessment used the framework '{saved.framework_id}', which is not on this "
            "computer; give its file with --framework PATH"
        ) from None
    wrong = off_scale(saved.answers, chosen.scale)
    if wrong:
        scale = chosen.scale
        raise HistoryError(
            f"assessment {saved.id}: the answer {saved.answers[wrong[0]]} to {wrong[0]} is not "
            f"on the scale {scale.min} to {scale.max} of the framework '{chosen.id}'; it was "
            "made with another version of the framework, so give that file with --framework PATH"
        )
    return chosen


# Meeting prep ----------------------------------------------------------------


def _emit_card(card: PrepCard, fmt: ReportFormat | None, output: Path | None) -> None:
    """Render a prep card to --output (private, atomic) or to stdout."""
    from goodpartners.render import render_card

    view = build_card(card)
    _write(
        lambda chosen, color, width: render_card(view, chosen, color, width), fmt, output, "Card"
    )


@app.command()
def prep(
    framework: FrameworkOption = None,
    meeting: Annotated[
        str | None,
        typer.Option(
            "--meeting",
            callback=_as_text,
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
    _output_format(fmt, output)  # a bad --output fails now, not after the questions
    _check_output(output, answers, framework)
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
    chosen = load_framework(framework)
    if answers is not None:
        card, warnings = load_prep_answers(answers, chosen, today, meeting, meeting_date)
        for warning in warnings:
            typer.echo(f"Warning: {warning}", err=True)
        finished = now()
        card = save_new(finish_card(chosen, card, new_id(finished), finished), finished)
    else:
        with draft_in_use(prep_draft_path(chosen.id), "goodpartners prep"):
            card = _ask_prep(chosen, meeting, meeting_date, resume, restart)
            finished = now()
            card = save_new(finish_card(chosen, card, new_id(finished), finished), finished)
            discard_prep_draft(chosen.id)
    _emit_card(card, fmt, output)
    typer.echo(f"Saved as {card.id}.", err=True)
    typer.echo(f"After the meeting, run: goodpartners prep --after {card.id}", err=True)


def _ask_prep(
    framework: Framework,
    meeting: str | None,
    meeting_date: date | None,
    resume: bool,
    restart: bool,
) -> PrepCard:
    """Run the prep interview on stdin/stderr, saving a draft after every answer."""
    io = StreamIO(sys.stdin, sys.stderr)
    draft_file = prep_draft_path(framework.id)
    with _stopping(draft_file, "goodpartners prep", "goodpartners prep --resume", "meeting prep"):
        draft = _readable(load_prep_draft(framework.id), "meeting prep")
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
    path, card = find_prep_card(card_id)
    if answers is not None:
        replies = load_reflection_answers(answers, reflection_questions(card))
        card.reflection = Reflection(written=now(), answers=replies)
        card.reflection_draft = None
        save_prep_card(card)
    else:
        io = StreamIO(sys.stdin, sys.stderr)
        again = f"goodpartners prep --after {card.id}"
        with _stopping(path, again, again, "reflection"):
            if ask_reflection(card, io, save_prep_card) is None:
                typer.echo("Your reflection is as it was.", err=True)
                return
    typer.echo(f"Saved your reflection with card {card.id}.", err=True)
    typer.echo("It will be in your next development report.", err=True)
    if fmt is not None or output is not None:
        _emit_card(card, fmt, output)


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
    """List your saved assessments and prep cards, oldest first."""
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
    if (first is None) != (second is None):
        raise UsageError("give two ids to compare, or none for the last two")
    if first is not None and second is not None:
        older, newer = find_assessment(first)[1], find_assessment(second)[1]
    else:
        _warn_unreadable()
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
    from goodpartners.render.terminal import render_comparison

    typer.echo(render_comparison(build_report(chosen, newer, older)), nl=False)


@history_app.command("export")
def history_export(output: OutputOption = None) -> None:
    """Export all your saved results as one JSON file.

    The file has your assessments and your prep cards with their reflections.
    """
    _check_output(output)
    _warn_unreadable()
    text = export_all()
    if output is None:
        _to_stdout(text)
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
    try:
        return ask_yes_no(StreamIO(sys.stdin, sys.stderr), question, default=False)
    except InputEnded:
        return False


@app.command("template")
def template_command(
    framework: FrameworkOption = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="The blank CSV to write.")] = Path(
        "responses.csv"
    ),
) -> None:
    """Write a blank team CSV and its data dictionary.

    Build a form or a shared spreadsheet from them; 'goodpartners batch' scores its export.
    """
    from goodpartners.team.responses import write_template

    csv_path, dictionary = write_template(load_framework(framework), output)
    typer.echo(f"Wrote {csv_path} (the columns) and {dictionary} (what they mean).", err=True)


@app.command("batch")
def batch_command(
    responses: Annotated[Path, typer.Argument(help="The CSV export of the team's answers.")],
    framework: FrameworkOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder for the results.")] = Path(
        "goodpartners-report"
    ),
    id_column: Annotated[
        str | None,
        typer.Option(help="The column that identifies people (default: id, respondent or email)."),
    ] = None,
    name_column: Annotated[
        str | None, typer.Option(help="The column with names, for personal reports.")
    ] = None,
    group_by: Annotated[
        list[str] | None,
        typer.Option("--group-by", help="A column to compare groups by, such as team; repeatable."),
    ] = None,
    min_group_size: Annotated[
        int, typer.Option(min=1, help="Hide groups with fewer people than this.")
    ] = 5,
    anonymise: Annotated[
        bool, typer.Option("--anonymise", help="Show pseudonyms instead of people; drop names.")
    ] = False,
    pseudonym_key: Annotated[
        str | None,
        typer.Option(
            envvar="GOODPARTNERS_PSEUDONYM_KEY",
            help="A secret phrase that keeps pseudonyms the same from round to round.",
        ),
    ] = None,
    reports: Annotated[
        Literal["none", "md", "html"], typer.Option(help="Also write each person's own report.")
    ] = "none",
    baseline: Annotated[
        Path | None, typer.Option(help="An earlier round's CSV, to show the change.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="The file's encoding if it is not UTF-8, e.g. cp1252.")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Score nothing if the data has any problem.")
    ] = False,
) -> None:
    """Score a team's responses CSV and write a team summary.

    Writes scores.csv, problems.csv and summary.html, .md and .json to --out.
    """
    from goodpartners.render.team import summary_lines, team_renderers, terminal_progress
    from goodpartners.team import batch

    options = batch.BatchOptions(
        load_framework(framework), responses, out, id_column, name_column,
        tuple(group_by or ()), min_group_size, anonymise, pseudonym_key,
        batch.ReportChoice(reports), baseline, encoding, strict,
    )  # fmt: skip
    result = batch.run_batch(options, team_renderers(options.reports), terminal_progress())
    for line in summary_lines(result):
        typer.echo(line, err=True)


def main() -> None:
    """Entry point for the `goodpartners` console script."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - raised before a command runs
        sys.stderr.write("\nStopped.\n")
        sys.exit(EXIT_INTERRUPTED)
