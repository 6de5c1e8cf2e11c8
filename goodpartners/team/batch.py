"""Team batch scoring: a responses CSV in; scores, problems and a team summary out.

The file is read once and streamed, so memory stays flat however many rows there
are. The exceptions are small or bounded: about 20 bytes per respondent to find
duplicate ids (and per baseline respondent to pair rounds), the heatmap of a small
team, and per-person reports, which are written as they come.

The parts, in the order a run uses them: responses.py reads the export and matches its
columns; reader.py reads rows in chunks, and problems.py notes those that do not fit;
rows.py scores each chunk, with tally.py scoring by memo and keeping the tallies;
totals.py adds up the rest and builds the summary; writing.py writes scores.csv and
people's reports; baseline.py pairs the rounds. This module checks the options and runs
those stages, and the caller's renderers draw the summary (render/team.py); csvsafe.py
keeps every CSV cell safe to open in a spreadsheet. Nothing here imports a renderer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import io
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import IO, Protocol, cast

from goodpartners.csvsafe import SafeCsvWriter
from goodpartners.errors import NoMatchingColumnsError, ResponsesError, UsageError
from goodpartners.models import Assessment, Framework
from goodpartners.multirater import OthersView
from goodpartners.staging import MANIFEST_NAME, StagedFolder
from goodpartners.team import reader as row_reader
from goodpartners.team.baseline import Baseline, Pairing, read_baseline
from goodpartners.team.halves import (
    Job,
    Split,
    append_rows,
    child_for,
    find_split,
    merge,
    window,
)
from goodpartners.team.layouts import preview_message
from goodpartners.team.problems import ProblemLog
from goodpartners.team.raters import (
    BlindSpotTally,
    RaterColumns,
    RaterRows,
    few_raters_warnings,
    group_cells,
    group_columns,
    rater_columns,
    rating_id,
)
from goodpartners.team.responses import (
    ColumnMap,
    ResponsesFile,
    detect_format,
    match_columns,
)
from goodpartners.team.responses import open_responses as _open_responses
from goodpartners.team.rows import CELL_NOTE, RowScorer
from goodpartners.team.summary import RatersSummary, TeamSummary
from goodpartners.team.totals import TeamTotals, team_summary
from goodpartners.team.workbook import WorkbookFile, is_workbook, open_workbook, problem_log
from goodpartners.team.writing import (
    PEOPLE,
    PeopleReports,
    ScoreWriter,
    keyed_pseudonym,
    pseudonym_secret,
    report_file_name,
)

__all__ = [
    "BatchOptions",
    "BatchResult",
    "check_inputs",
    "Progress",
    "Renderers",
    "ReportChoice",
    "pseudonymiser",
    "open_source",
    "report_file_name",
    "run_batch",
]

PROGRESS_BYTES = 400_000
RESULT_NAMES = ("scores.csv", "problems.csv", "summary.json", "summary.md", "summary.html")


class ReportChoice(str, Enum):
    """Whether to write each person's own report, and in which format."""

    none = "none"
    md = "md"
    html = "html"


@dataclass(frozen=True)
class BatchOptions:
    """Everything `goodpartners batch` was asked to do."""

    framework: Framework
    responses: Path
    out: Path = Path("goodpartners-report")
    id_column: str | None = None
    name_column: str | None = None
    group_by: tuple[str, ...] = ()
    min_group_size: int = 5
    anonymise: bool = False
    pseudonym_key: str | None = None
    reports: ReportChoice = ReportChoice.none
    baseline: Path | None = None
    encoding: str | None = None
    strict: bool = False
    sheet: str | None = None  # a workbook's sheet; the first when None
    source: str = "auto"  # the survey platform (layouts.SOURCES), or auto to tell it
    mapping: Path | None = None  # a column mapping file (mapping.py) for the responses
    subject_column: str | None = None  # multi-rater: who each rating is about
    rater_column: str | None = None  # multi-rater: how the rater knows them (self, peer...)
    min_raters: int = 3  # multi-rater: the smallest group shown on its own


class Progress(Protocol):
    """Something that shows how far through the file the run is."""

    def update(self, done: int, total: int) -> None:
        """Show that `done` of `total` bytes are read."""

    def close(self) -> None:
        """Remove the display."""


@dataclass
class BatchResult:
    """What a batch run produced: the summary and the files written."""

    summary: TeamSummary
    out: Path
    files: list[Path]
    warnings: list[str]


@dataclass(frozen=True)
class Renderers:
    """How the caller draws what a run writes. The team run never imports a renderer:
    the command line hands these in (see goodpartners.render.team.team_renderers)."""

    # One person's report, in --reports format, with how others see them in a 360 run.
    person: Callable[[Framework, Assessment, OthersView | None], str]
    summary_md: Callable[[TeamSummary], str]
    summary_html: Callable[[TeamSummary], str]


def pseudonymiser(key: str | None) -> Callable[[str], str]:
    """Respondent id to keyed pseudonym (HMAC-SHA256); the key is random when none is given."""
    return keyed_pseudonym(pseudonym_secret(key))


def run_batch(
    options: BatchOptions, renderers: Renderers, progress: Progress | None = None
) -> BatchResult:
    """Score a responses CSV and write scores, problems and the team summary to options.out.

    options.out always holds one run's results as a set: they are staged, and swapped in
    for the earlier run's only when all are written (see staging.StagedFolder). A failed run
    leaves the folder as it was. A --strict refusal is a run's result too: the folder then
    holds its problems.csv alone, so that no earlier scores sit beside the new problems.
    """
    if options.min_group_size < 1:
        raise UsageError("--min-group-size must be at least 1")
    if options.pseudonym_key is not None and not options.anonymise:
        raise UsageError("--pseudonym-key only works with --anonymise; add --anonymise")
    if options.pseudonym_key is not None and not options.pseudonym_key.strip():
        raise UsageError("--pseudonym-key is empty; give a secret phrase, or leave it out")
    check_inputs(options)
    if options.out.exists() and not options.out.is_dir():
        raise UsageError(f"--out {options.out}: this is a file, not a folder; choose a folder")
    for path in [options.out / name for name in (*RESULT_NAMES, MANIFEST_NAME)]:
        if path.is_dir() and not path.is_symlink():
            raise UsageError(
                f"--out {options.out}: {path} is a folder, but the results need a file of that "
                "name; move the folder, or choose another folder with --out"
            )
    people = options.out / PEOPLE
    if options.reports is not ReportChoice.none and people.exists() and not people.is_dir():
        raise UsageError(
            f"--out {options.out}: {people} is a file, but the personal reports go in a folder "
            "of that name; move the file, or choose another folder with --out"
        )
    _refuse_replacing_inputs(options)
    source, columns, warnings = open_source(options, options.responses, options.name_column)
    try:
        stage = StagedFolder(options.out, RESULT_NAMES, (PEOPLE,))
        try:
            result = _Run(options, source, columns, warnings, progress, stage, renderers).execute()
        except _Refused as refused:
            stage.commit({"problems.csv"})
            raise refused.error from None
        except BaseException:
            stage.discard()
            raise
        result.warnings.extend(stage.commit())
        return result
    finally:
        source.close()
        if progress:
            progress.close()


def _check_raters(options: BatchOptions) -> None:
    """Refuse multi-rater options that cannot work together."""
    multi = options.subject_column is not None or options.rater_column is not None
    if multi and (options.subject_column is None or options.rater_column is None):
        given = "--subject-column" if options.subject_column is not None else "--rater-column"
        other = "--rater-column" if options.subject_column is not None else "--subject-column"
        raise UsageError(
            f"{given} needs {other} too: one says who is rated, the other how the rater "
            "knows them; give both, or neither"
        )
    if options.min_raters < 1:
        raise UsageError("--min-raters must be at least 1")
    if multi and options.baseline is not None:
        raise UsageError(
            "--baseline does not work with --subject-column yet; compare rounds of "
            "self-assessments, or leave out --baseline"
        )


def check_inputs(options: BatchOptions) -> None:
    """Refuse a responses or baseline file that is missing, a folder or not a file, and
    multi-rater options that do not go together."""
    _check_raters(options)
    if options.baseline is not None and not options.baseline.is_file():
        raise UsageError(f"--baseline {_not_a_file(options.baseline)}")
    if not options.responses.is_file():
        raise ResponsesError(_not_a_file(options.responses))


def _not_a_file(path: Path) -> str:
    """Why an input cannot be read as a file: missing, a folder, or a device or pipe."""
    if path.is_dir():
        return f"{path}: this is a folder; give the CSV file exported from your form"
    if path.exists():
        return (
            f"{path}: not a regular file (a device, pipe or socket); "
            "give the CSV file exported from your form"
        )
    return f"{path}: no such file; check the path"


def _refuse_replacing_inputs(options: BatchOptions) -> None:
    """Refuse a run whose results would be written over its own responses or baseline file."""
    out = options.out
    inputs = [(options.responses, "", "responses file")]
    if options.baseline is not None:
        inputs.append((options.baseline, "--baseline ", "baseline file"))
    for path, option, what in inputs:
        for target in [out / name for name in (*RESULT_NAMES, MANIFEST_NAME)]:
            if _same_file(path, target):
                also = "" if _same_name(path, target) else f", which is also {target}"
                raise UsageError(
                    f"{option}{path}: the results would be written over this {what}{also}; "
                    "choose another folder with --out"
                )
        clash = _in_folder(path, out / PEOPLE)
        if clash is True:
            raise UsageError(
                f"{option}{path}: this {what} is in {out / PEOPLE}, where the personal reports "
                "go; move it, or choose another folder with --out"
            )
        if clash:
            raise UsageError(
                f"{option}{path}: the results would be written over this {what}, which is also "
                f"{clash}; choose another folder with --out"
            )


def _same_file(path: Path, other: Path) -> bool:
    """Whether two paths reach one file, by a link, a hard link or another spelling."""
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


def _same_name(path: Path, other: Path) -> bool:
    return os.path.normcase(os.path.abspath(path)) == os.path.normcase(os.path.abspath(other))


def _in_folder(path: Path, folder: Path) -> bool | Path:
    """True if the file is inside the folder; the folder's name for it if it is also there."""
    try:
        inside = folder.stat()
        if not stat.S_ISDIR(inside.st_mode):
            return False
        if any(os.path.samestat(p.stat(), inside) for p in path.resolve().parents):
            return True
        itself = path.stat()
        entries = list(os.scandir(folder))
    except OSError:
        return False
    for entry in entries:
        with contextlib.suppress(OSError):
            if os.path.samestat(os.stat(entry.path), itself):
                return Path(entry.path)
    return False


def open_source(
    options: BatchOptions,
    path: Path,
    name_column: str | None,
    groups: bool = True,
    allow_none: bool = False,
) -> tuple[ResponsesFile, ColumnMap, list[str]]:
    """Open the responses (or, with groups=False, the baseline) and match their columns.

    With allow_none (--check with no --mapping), columns that match no item give a map
    with no items rather than NoMatchingColumnsError.
    """
    source, columns, warnings = _open_source(options, path, name_column, groups, allow_none)
    if groups and options.subject_column is not None and options.id_column is None:
        columns = rating_id(columns, source.layout.id_for(source.header))
    return source, columns, warnings


def _open_source(
    options: BatchOptions,
    path: Path,
    name_column: str | None,
    groups: bool,
    allow_none: bool,
) -> tuple[ResponsesFile, ColumnMap, list[str]]:
    if is_workbook(path):
        return _open_workbook(options, path, name_column, groups, allow_none)
    if options.sheet is not None and groups:
        raise UsageError(
            f"--sheet {options.sheet}: {path} is read as CSV; --sheet only picks a sheet of a "
            "workbook (.xlsx, .xlsm or .ods)"
        )
    fmt = detect_format(path, options.encoding)
    source = _open_responses(path, fmt, options.source if groups else "auto")
    try:
        columns = _match(
            options,
            source.header,
            str(path),
            options.id_column or source.layout.id_for(source.header),
            name_column,
            groups,
            allow_none,
        )
    except BaseException:
        source.close()
        raise
    return source, columns, list(fmt.warnings)


def _match(
    options: BatchOptions,
    header: list[str],
    display: str,
    id_column: str | None,
    name_column: str | None,
    groups: bool,
    allow_none: bool = False,
) -> ColumnMap:
    """The columns of the responses (by the --mapping file, if any) or of the baseline."""
    group_by = options.group_by if groups else ()
    if groups and options.mapping is not None:
        from goodpartners.team.mapping import apply_mapping, load_mapping  # only for --mapping

        mapping = load_mapping(options.mapping, options.framework)
        return apply_mapping(
            mapping, header, options.framework, display, id_column, name_column, group_by
        )
    return match_columns(
        header, options.framework, display, id_column, name_column, group_by, allow_none
    )


def _open_workbook(
    options: BatchOptions,
    path: Path,
    name_column: str | None,
    groups: bool,
    allow_none: bool = False,
) -> tuple[ResponsesFile, ColumnMap, list[str]]:
    """One sheet of a workbook: --sheet picks the responses' sheet; a baseline's is its first."""
    if groups:
        source = open_workbook(path, options.sheet, options.source)
    else:
        source = open_workbook(path)
    id_column = options.id_column or source.layout.id_for(source.header)
    try:
        columns = _match(
            options, source.header, str(path), id_column, name_column, groups, allow_none
        )
    except NoMatchingColumnsError as exc:
        source.close()
        if options.sheet is not None or not source.other_sheets:
            raise
        shown = ", ".join(f"'{name}'" for name in source.other_sheets[:5])
        raise NoMatchingColumnsError(
            f"{exc}. This is its first sheet, '{source.sheet}'; if the answers are on another "
            f"({shown}), choose it with --sheet"
        ) from None
    except BaseException:
        source.close()
        raise
    return source, columns, []


def _read_baseline(
    options: BatchOptions,
    warnings: list[str],
    writer: SafeCsvWriter,
    show_id: Callable[[str], str],
) -> Baseline:
    """Score the earlier round and remember each person's scaled competency scores."""
    path = options.baseline
    assert path is not None
    source, columns, more = open_source(options, path, None, groups=False)
    warnings.extend(more)
    try:
        return read_baseline(options.framework, source, columns, writer, show_id)
    finally:
        source.close()


class _Run:
    """One batch run: streams the file, writes scores and problems, then the summary."""

    def __init__(
        self,
        options: BatchOptions,
        source: ResponsesFile,
        columns: ColumnMap,
        warnings: list[str],
        progress: Progress | None,
        stage: StagedFolder,
        renderers: Renderers,
    ) -> None:
        self.options = options
        self.stage = stage
        self.renderers = renderers
        self.framework = options.framework
        self.source = source
        self.columns = columns
        self.warnings = warnings
        self.progress = progress
        self.baseline: Baseline | None = None
        # The pseudonyms' secret, which a child scoring half the file shares (halves.py).
        self.secret = pseudonym_secret(options.pseudonym_key) if options.anonymise else None
        self.pseudonym = keyed_pseudonym(self.secret) if self.secret is not None else None
        self.own_lines: dict[str, str] = {}  # multi-rater: each person's own scores.csv row
        self.blind_spots = BlindSpotTally(options.framework)  # multi-rater: the team's
        self.ratings = 0  # multi-rater: how others see each person
        self.where: RaterColumns | None = None
        if options.subject_column is not None and options.rater_column is not None:
            self.where = rater_columns(
                columns,
                options.subject_column,
                options.rater_column,
                options.min_raters,
                str(options.responses),
            )
            warnings.extend(few_raters_warnings(options.min_raters))
            taken = (self.where.subject, self.where.rater)
            ignored = tuple(i for i in columns.ignored if i not in taken)
            self.columns = dataclasses.replace(columns, ignored=ignored)

    def execute(self) -> BatchResult:
        options = self.options
        stage = self.stage
        note = "" if options.strict else CELL_NOTE
        with stage.open("problems.csv", encoding="utf-8-sig") as problem_stream:
            problem_writer = SafeCsvWriter(problem_stream)
            problem_writer.writerow(["line", "column", "value", "problem"])
            if options.baseline:
                self.baseline = _read_baseline(
                    options, self.warnings, problem_writer, self.pseudonym or str
                )
            problems = problem_log(problem_writer, self.source)
            split, first = _split(self)
            scorer = RowScorer(
                self.framework, first, self.columns, problems, note, self.pseudonym or str
            )
            totals = TeamTotals(self.framework, self.columns, scorer, options.anonymise)
            pairing = Pairing(self.baseline, self.framework) if self.baseline else None
            raters = self._raters(problems)
            extra = group_columns(self.framework) if raters else []
            try:
                with stage.open("scores.csv", encoding="utf-8-sig") as score_stream:
                    writer = ScoreWriter(
                        self.framework, self.columns, score_stream, self.pseudonym, extra
                    )
                    people = self._people()
                    with _no_cycle_collection():
                        if split is None:
                            self._stream(scorer, totals, writer, pairing, people, raters)
                        else:
                            streams = (score_stream, problem_stream)
                            _halves(self, split, scorer, totals, writer, note, streams)
                    if raters:
                        scorer.dropped = raters.dropped
                        self.ratings = raters.ratings
                        self._write_people(raters, writer, people)
                    if options.strict and self._problem_total(problems):
                        raise _StrictStop
            except _StrictStop:
                pass
        if options.strict and self._problem_total(problems):
            count = self._problem_total(problems)
            path = stage.path("problems.csv")
            raise _Refused(_strict_error(self.baseline, problems, count, path))
        scorer.fold()
        reader = scorer.reader
        if reader.previews:
            self.warnings.append(
                preview_message(reader.preview_lines, reader.previews, self.source.layout.platform)
            )
        summary = team_summary(
            totals,
            scorer,
            problems,
            source=options.responses.name,
            anonymise=options.anonymise,
            min_group_size=options.min_group_size,
            baseline=pairing.summary(totals.scored_rows) if pairing else None,
            warnings=self.warnings,
            raters=self._raters_summary(),
        )
        files = [stage.path("scores.csv"), stage.path("problems.csv")]
        leave_out = {"heatmap", "rules"} | ({"raters"} if summary.raters is None else set())
        json_text = summary.model_dump_json(indent=2, exclude=leave_out) + "\n"
        files.append(stage.write("summary.json", json_text))
        files.append(stage.write("summary.md", self.renderers.summary_md(summary)))
        files.append(stage.write("summary.html", self.renderers.summary_html(summary)))
        return BatchResult(summary, options.out, files, self.warnings)

    def _raters_summary(self) -> RatersSummary | None:
        if self.where is None:
            return None
        return self.blind_spots.summary(
            self.ratings, self.where.min_raters, self.options.min_group_size
        )

    def _people(self) -> PeopleReports | None:
        if self.options.reports is ReportChoice.none:
            return None
        return PeopleReports(
            self.framework,
            self.columns,
            self.stage,
            self.options.reports.value,
            self.renderers.person,
            self.pseudonym,
        )

    def _raters(self, problems: ProblemLog) -> RaterRows | None:
        """A multi-rater run's sorting of rows by person, or None for self-assessments."""
        if self.where is None:
            return None
        renames = None
        if self.options.mapping is not None:
            from goodpartners.team.mapping import load_mapping  # only for --mapping

            renames = load_mapping(self.options.mapping, self.framework).raters
        return RaterRows(
            self.framework, self.columns, self.where, problems, renames, self.pseudonym
        )

    def _write_people(
        self, raters: RaterRows, writer: ScoreWriter, people: PeopleReports | None
    ) -> None:
        """Each person's row of scores.csv and report, once every rating is in."""
        now = datetime.now(timezone.utc)
        for subject, answers, view in raters.views():
            self.blind_spots.add(view)
            writer.add_person(self.own_lines.pop(subject, None), subject, group_cells(view))
            if people:
                people.write(subject, subject, answers or {}, now, view)

    def _stream(
        self,
        scorer: RowScorer,
        totals: TeamTotals,
        writer: ScoreWriter,
        pairing: Pairing | None,
        people: PeopleReports | None,
        raters: RaterRows | None,
        source: ResponsesFile | None = None,
        first_half: Split | None = None,
    ) -> None:
        """Score chunk after chunk, add up the totals, and write each row as it comes.

        In a multi-rater run only the people's own (self) rows go on to the totals; their
        rows of scores.csv and their reports wait until every rating is in.
        """
        if raters:
            scorer.split = raters.split
        source = source or self.source
        total_bytes = source.path.stat().st_size
        show_progress = (
            self.progress is not None
            and total_bytes > PROGRESS_BYTES
            and not isinstance(source, WorkbookFile)  # a workbook is read before rows come
        )
        buffer = cast(io.BufferedReader, source.stream.buffer)
        for chunk, outcomes in scorer.chunks():
            scores = totals.add(chunk, outcomes)
            if raters:
                lines = writer.lines(chunk, outcomes, scores)
                self.own_lines.update(zip(chunk.ids, lines, strict=True))
            else:
                writer.add(chunk, outcomes, scores)
            if pairing:
                pairing.pair(chunk, outcomes, scores.overall)
            if totals.heatmap is not None:
                totals.keep_heatmap(chunk, outcomes, scores.overall)
            if people and not raters:
                people.add(chunk, outcomes)
            if show_progress:
                assert self.progress is not None
                done = _bytes_done(buffer.tell(), first_half, total_bytes)
                self.progress.update(min(done, total_bytes), total_bytes)

    def _problem_total(self, problems: ProblemLog) -> int:
        return problems.count + (self.baseline.problems.count if self.baseline else 0)


def _split(run: _Run) -> tuple[Split | None, ResponsesFile]:
    """Where to cut the file to score its halves on two cores (halves.py), or None; and
    the rows this process reads: the first half, or the whole file.

    Only options whose tallies add up exactly take two halves: groups, pseudonyms,
    --mapping, --id-column and --name-column. A baseline pairs people row by row,
    --reports draws each person's report with the caller's renderer, a multi-rater run
    gathers each person's ratings from the whole file, and --strict stops at the
    first problem: these read the file in one go.
    """
    options = run.options
    if (
        type(run.source) is not ResponsesFile
        or not row_reader.FAST_PATH
        or options.baseline is not None
        or options.reports is not ReportChoice.none
        or run.where is not None
        or options.strict
    ):
        return None, run.source
    split = find_split(run.source)
    if split is None:
        return None, run.source
    start = run.source.lines.count
    return split, window(run.source, split.header_end, split.middle, start)


def _halves(
    run: _Run,
    split: Split,
    scorer: RowScorer,
    totals: TeamTotals,
    writer: ScoreWriter,
    note: str,
    streams: tuple[IO[str], IO[str]],
) -> None:
    """Score the first half here while a child process scores the second, and add its
    counts and rows to ours; or read the second half here too, as one pass would, when
    the child failed or read an id the first half had."""
    job = Job(
        path=run.source.path,
        format=run.source.format,
        platform=run.options.source,
        columns=run.columns,
        framework=run.framework,
        cell_note=note,
        secret=run.secret,
        anonymise=run.options.anonymise,
        split=split,
        scratch=run.stage.scratch(),
    )
    first = scorer.reader.source
    with first.stream, child_for(job) as child:
        run._stream(scorer, totals, writer, None, None, None, first, split)
        half = None if child.repeats(scorer.reader.seen) else child.result()
    if half is not None:
        append_rows(job.scratch, *streams)
        merge(half, scorer, totals, scorer.problems)
        return
    second = window(run.source, split.middle, split.size, split.middle_line)
    with second.stream:
        scorer.reader.read_on(second)
        run._stream(scorer, totals, writer, None, None, None, second)


def _strict_error(
    baseline: Baseline | None, problems: ProblemLog, count: int, path: Path
) -> ResponsesError:
    """Why --strict refused the run: how many problems, and the first."""
    first = ((baseline.problems.first if baseline else []) + problems.first)[0]
    where = f"line {first.line}"
    if first.column:
        where += f", column '{first.column}'"
    if first.value:
        where += f", value '{first.value}'"
    return ResponsesError(
        f"{count} problem{'s' if count != 1 else ''} in the data; the first is on {where}: "
        f"{first.problem}. Nothing was scored because of --strict; all problems are "
        f"listed in {path}"
    )


def _bytes_done(position: int, first_half: Split | None, total: int) -> int:
    """How far through the file the run is; while a child reads the second half, as fast
    as this process reads the first, the same share of each."""
    if first_half is None:
        return position
    start, end = first_half.header_end, first_half.middle
    return start + (position - start) * (total - start) // (end - start)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector while streaming: rows make no cycles, and its passes over
    the many live tallies cost a tenth of the run. Reference counting still frees rows."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _StrictStop(Exception):
    """Raised inside the scores writer, so that --strict leaves no scores file behind."""


class _Refused(Exception):
    """--strict found problems: the run's result is its problems.csv and this error."""

    def __init__(self, error: ResponsesError) -> None:
        super().__init__(str(error))
        self.error = error
