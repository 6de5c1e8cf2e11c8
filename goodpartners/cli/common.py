"""What the commands share: options, writing reports to stdout or --output, drafts."""

from __future__ import annotations

import errno
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from goodpartners.errors import (
    FrameworkNotFoundError,
    HistoryError,
    OutputError,
    UsageError,
)
from goodpartners.files import write_private
from goodpartners.formats import SUFFIXES, ReportFormat

if TYPE_CHECKING:  # the core loads when a command runs, not for --help or --version
    from typing import TypeVar

    from goodpartners.models import Assessment, Framework, PrepCard
    from goodpartners.personal.history import SetAside
    from goodpartners.personal.report import Report

    Draft = TypeVar("Draft", Assessment, PrepCard)

EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def to_stdout(text: str) -> None:
    """Write the product to stdout, saying plainly when that fails (a full disk under '>').

    Redirected output is written with os.write in a loop: with PYTHONUNBUFFERED (or -u)
    Python's text layer drops the rest of a short write without a word, so a full disk
    would leave half a report and exit 0.
    """
    try:
        handle = None if isatty(sys.stdout) else sys.stdout.fileno()
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


def isatty(stream: Any) -> bool:
    """Whether a stream is a terminal; False for anything that cannot say."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


TYPER_TESTED = ("0.29.",)
"""The typer versions whose option checks `check_only_given` was tested with."""


def check_only_given(params: list[Any]) -> None:
    """Let options that were left out be None without a pydantic check.

    typer 0.29 checks every option through a pydantic TypeAdapter, built when the
    option is processed, even one that was not given (such as --help); the first one
    loads pydantic's model machinery, which takes longer than all the rest of
    'assess' before its first statement (see benchmarks/README.md). An option that
    is given is checked as typer always does. This leans on how typer 0.29 keeps the
    check (a private slot), so it is done only for the typer versions it was tested
    with (TYPER_TESTED); with any other, typer checks every option as it always does.
    """
    if not typer.__version__.startswith(TYPER_TESTED):
        return
    for param in params:
        # typer 0.29 keeps the check it builds for a parameter here; None until then.
        if getattr(param, "_runtime_param", False) is None:
            setattr(param, "_runtime_param", _CheckedWhenGiven())  # noqa: B010


class PlainOptionsCommand(TyperCommand):
    """A command whose options, when left out, are None without a pydantic check."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Parse as typer does, with no check built for an option left out."""
        check_only_given(self.get_params(ctx))
        return super().parse_args(ctx, args)


class _CheckedWhenGiven:
    """typer's check for one parameter, built only when the parameter has a value."""

    def __init__(self) -> None:
        self._check: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None and not (param.multiple or param.nargs == -1):
            return None  # what typer's own check returns for a value that is not there
        if self._check is None:
            from typer._coercion import build_runtime_param

            self._check = build_runtime_param(param.type_descriptor)
        return self._check.coerce(value, param=param, ctx=ctx)


FrameworkOption = Annotated[
    str | None,
    typer.Option(
        "--framework",
        "-f",
        help="A framework name from 'goodpartners framework list', or a YAML file.",
        show_default="good-partners",
    ),
]


def as_text(value: str | None) -> str | None:
    """Text given on the command line; bytes that are not UTF-8 become replacement marks."""
    if value is None:
        return None
    # On POSIX such bytes arrive as lone surrogates, which no file can store.
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in value)


def emit(report: Report, fmt: ReportFormat | None, output: Path | None) -> None:
    """Render a report to --output (private, atomic) or to stdout."""
    from goodpartners.render import render  # renderers load only when a report is drawn

    write_output(
        lambda chosen, color, width: render(report, chosen, color, width), fmt, output, "Report"
    )


def output_format(fmt: ReportFormat | None, output: Path | None) -> ReportFormat:
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


def command_again(command: str, framework: str | None, quick: bool = False) -> str:
    """The command to run again for the same questionnaire: with the --framework given
    (a draft belongs to its framework) and --quick."""
    if framework is not None:
        command += f" --framework {shell_word(framework)}"
    return command + (" --quick" if quick else "")


def shell_word(text: str) -> str:
    """A value as it can be typed after an option: as it is when it is plain, otherwise
    in double quotes (which bash, zsh, PowerShell and cmd all take)."""
    if text and all(c.isalnum() or c in "@%+=:,./\\_-" for c in text):
        return text
    return '"' + text.replace('"', '\\"') + '"'


def check_output(output: Path | None, *reading: str | Path | None) -> None:
    """Refuse an --output that would replace a file being read, or a saved result."""
    if output is None:
        return
    from goodpartners.personal.drafts import drafts_dir
    from goodpartners.personal.history import assessments_dir, prep_dir

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


def write_output(
    draw: Callable[[ReportFormat, bool, int], str],
    fmt: ReportFormat | None,
    output: Path | None,
    what: str,
) -> None:
    """Draw a report or card in the chosen format, to --output (private, atomic) or stdout."""
    chosen = output_format(fmt, output)
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
        to_stdout(text)


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


def readable(draft: Draft | SetAside | None, what: str) -> Draft | None:
    """A draft to offer, after saying where an unreadable one was moved."""
    from goodpartners.personal.history import SetAside

    if isinstance(draft, SetAside):
        typer.echo(
            f"Warning: your unfinished {what} could not be read ({draft.reason}). "
            f"It is kept as {draft.moved_to}, and this starts a new one.",
            err=True,
        )
        return None
    return draft


def warn_unreadable() -> None:
    """Say which saved results were left out because they cannot be read."""
    from goodpartners.personal.history import unreadable_history

    for path, reason in unreadable_history():
        typer.echo(f"Warning: left out {path}, which cannot be read ({reason})", err=True)


@contextmanager
def stopping(draft_file: Path, start: str, again: str, task: str) -> Iterator[None]:
    """Turn q, the end of the input and Ctrl-C into a message that says where the answers
    are and how to carry on, and the exit code for each: 0, 1 and 130."""
    from goodpartners.personal.lines import InputEnded, SaveAndQuit

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


def framework_for(saved: Assessment, framework: str | None) -> Framework:
    """The framework a saved assessment was made with, or the one asked for."""
    from goodpartners.frameworks import load_framework
    from goodpartners.scoring import off_scale

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


def emit_card(card: PrepCard, fmt: ReportFormat | None, output: Path | None) -> None:
    """Render a prep card to --output (private, atomic) or to stdout."""
    from goodpartners.personal.prep import build_card
    from goodpartners.render import render_card

    view = build_card(card)
    write_output(
        lambda chosen, color, width: render_card(view, chosen, color, width), fmt, output, "Card"
    )
