"""'goodpartners assess' and 'goodpartners report': the self-assessment and its report."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from goodpartners.cli.common import (
    FormatOption,
    FrameworkOption,
    OutputOption,
    PlainOptionsCommand,
    as_text,
    check_output,
    command_again,
    emit,
    emit_card,
    framework_for,
    isatty,
    output_format,
    readable,
    stopping,
    warn_unreadable,
)
from goodpartners.cli.root import app
from goodpartners.errors import UsageError
from goodpartners.formats import ReportFormat

if TYPE_CHECKING:  # the core loads when a command runs, not for --help or --version
    from goodpartners.models import Assessment, Framework
    from goodpartners.personal.report import Report


@app.command(cls=PlainOptionsCommand)
def assess(
    framework: FrameworkOption = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="Two-minute check: one statement per competency.")
    ] = False,
    name: Annotated[
        str | None,
        typer.Option("--name", callback=as_text, help="Your name or initials, for the report."),
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
    # Only what the first statement needs loads before it; the rest loads after the
    # questions, while the person is no longer waiting for the tool to start. When the
    # framework is in the cache of checked ones, not even the models load before it.
    from goodpartners.framework_files import read_framework_file, resolve_framework
    from goodpartners.personal.drafts import draft_in_use, draft_path

    output_format(fmt, output)  # a bad --output fails now, not after the questions
    check_output(output, answers, framework)
    if resume and restart:
        raise UsageError("choose --resume or --restart, not both")
    path = resolve_framework(framework)
    source = _Framework(path, read_framework_file(path), questions=answers is None)
    with contextlib.ExitStack() as held:
        if answers is None:
            held.enter_context(draft_in_use(draft_path(source.id, quick), "goodpartners assess"))
            command = command_again("goodpartners assess", framework, quick)
            chosen, assessment = _ask(source, command, quick, name, resume, restart)
        else:
            from goodpartners.personal.answers import load_answers

            chosen = source.load()
            assessment, warnings = load_answers(answers, chosen, quick, name, "answers")
            for warning in warnings:
                typer.echo(f"Warning: {warning}", err=True)
        from goodpartners.models import now
        from goodpartners.personal.history import (
            discard_draft,
            new_id,
            previous_assessment,
            reflections_for,
            save_new,
        )
        from goodpartners.personal.report import build_report

        finished = assessment.finished or now()
        assessment = assessment.model_copy(
            update={"finished": finished, "id": new_id(finished), "skipped": []}
        )
        warn_unreadable()
        previous = previous_assessment(assessment)
        if not no_save:
            assessment = save_new(assessment, finished)
        if answers is None:
            discard_draft(chosen.id, assessment.quick)
        reflections = reflections_for(assessment, previous)
        try:
            show(build_report(chosen, assessment, previous, reflections), fmt, output)
        finally:  # even when --output cannot be written, say where the answers are
            if not no_save:
                typer.echo(
                    f"Saved as {assessment.id}. For a copy to print or keep, run: "
                    f"goodpartners report {assessment.id} --output report.html",
                    err=True,
                )


class _Framework:
    """The framework of a run, checked (or found in the cache of checked frameworks)
    when made. For questions, a framework in the cache is found as its plain view, and
    its model loads only when asked for: while the first statement shows."""

    def __init__(self, path: Path, raw: bytes, questions: bool) -> None:
        from goodpartners.framework_cache import cached_view

        self.path = path
        self.raw = raw
        self.cached = cached_view(path, raw) if questions else None
        self.checked = None if self.cached is not None else self._check()

    @property
    def id(self) -> str:
        """The framework's id."""
        return self.cached.view.id if self.cached is not None else self.load().id

    def load(self) -> Framework:
        """The checked framework, with the modules the questionnaire needs loaded too."""
        from goodpartners.personal import history, questionnaire  # noqa: F401

        if self.checked is None:
            assert self.cached is not None
            self.checked = self.cached.framework() or self._check()
        return self.checked

    def _check(self) -> Framework:
        from goodpartners.frameworks import check_framework

        return check_framework(self.path, self.raw, cached=True)


def _ask(
    source: _Framework, start: str, quick: bool, name: str | None, resume: bool, restart: bool
) -> tuple[Framework, Assessment]:
    """Run the questionnaire on stdin/stderr, saving a draft after every answer.

    A new questionnaire on a framework from the cache starts from its plain view, and
    the models load while the person reads the first statement (opening.py).
    """
    from goodpartners.clock import now
    from goodpartners.personal.drafts import draft_path
    from goodpartners.personal.lines import QuestionIO, StreamIO
    from goodpartners.personal.opening import open_new

    io: QuestionIO = StreamIO(sys.stdin, sys.stderr)
    started = now()
    draft_file = draft_path(source.id, quick)
    with stopping(draft_file, start, f"{start} --resume", "questionnaire"):
        if source.cached is not None and not draft_file.exists():
            framework, io = open_new(source.cached.view, quick, io, source.load)
        else:
            framework = source.load()
        from goodpartners.models import Assessment
        from goodpartners.personal.history import load_draft, save_draft
        from goodpartners.personal.questionnaire import Questionnaire, choose_start

        fresh = Assessment.start(framework, name=name, quick=quick, when=started)
        draft = readable(load_draft(framework.id, quick), "assessment")
        assessment = choose_start(framework, draft, fresh, io, resume, restart)
        if name:
            assessment.name = name
        return framework, Questionnaire(framework, assessment, io, save_draft).run(
            show_intro=assessment is fresh, resumed=assessment is not fresh
        )


@app.command("report")
def report_command(
    assessment: Annotated[str, typer.Argument(help="An id from 'history list', or a file.")],
    framework: FrameworkOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """Show a saved report or prep card again, in any format."""
    from goodpartners.personal.history import (
        find_assessment,
        find_prep_card,
        previous_assessment,
        reflections_for,
        saved_kind,
    )
    from goodpartners.personal.report import build_report

    check_output(output, assessment, framework)
    if saved_kind(assessment) == "prep card":
        emit_card(find_prep_card(assessment)[1], fmt, output)
        return
    _, saved = find_assessment(assessment)
    chosen = framework_for(saved, framework)
    warn_unreadable()
    previous = previous_assessment(saved)
    show(build_report(chosen, saved, previous, reflections_for(saved, previous)), fmt, output)


def paging(fmt: ReportFormat | None, output: Path | None) -> bool:
    """Whether the report goes through a pager: terminal text to a terminal, nothing else.

    Never with --output, another format, a pipe or a redirect, or on a dumb terminal.
    """
    return (
        output is None
        and fmt in (None, ReportFormat.terminal)
        and isatty(sys.stdout)
        and os.environ.get("TERM") != "dumb"
    )


def show(report: Report, fmt: ReportFormat | None, output: Path | None) -> None:
    """The report to --output or stdout; on a terminal, the screens after the first go
    through $PAGER (else less, or more), which opens at 'Your next steps'."""
    if not paging(fmt, output):
        emit(report, fmt, output)
        return
    import pydoc

    from goodpartners.render import render

    color = not os.environ.get("NO_COLOR") and (
        sys.platform != "win32" or "WT_SESSION" in os.environ
    )
    # Like git: less shows colour (R), quits when it all fits (F) and leaves the text on
    # the screen (X), unless the person has set LESS themselves.
    os.environ.setdefault("LESS", "FRX")
    pydoc.pager(render(report, ReportFormat.terminal, color=color, width=_width()))


def _width() -> int:
    import shutil

    return min(80, shutil.get_terminal_size((80, 24)).columns)
