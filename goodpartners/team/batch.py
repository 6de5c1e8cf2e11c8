"""Team batch scoring: a responses CSV in; scores, problems and a team summary out.

The file is read once and streamed, so memory stays flat however many rows there
are. The exceptions are small or bounded: about 20 bytes per respondent to find
duplicate ids (and per baseline respondent to pair rounds), the heatmap of a small
team, and per-person reports, which are written as they come.

The parts: responses.py reads the export and matches its columns, rows.py reads
rows in chunks and notes problems, tally.py scores them by memo and keeps the
tallies, this module writes scores.csv and builds the summary, which the caller's
renderers draw (render/team.py), and csvsafe.py keeps every CSV cell safe to open
in a spreadsheet. Nothing here imports a renderer.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from fractions import Fraction
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, Protocol, cast

from goodpartners.csvsafe import SafeCsvWriter, csv_cell
from goodpartners.errors import ResponsesError, UsageError
from goodpartners.staging import MANIFEST_NAME, StagedFolder
from goodpartners.models import Assessment, Framework
from goodpartners.scoring import scoring_rules
from goodpartners.team.responses import (
    ColumnMap,
    ResponsesFile,
    detect_format,
    match_columns,
)
from goodpartners.team.responses import open_responses as _open_responses
from goodpartners.team.rows import Chunk, ProblemLog, RowScorer, estimate_rows
from goodpartners.team.summary import (
    BaselineSummary,
    ChangeSummary,
    ColumnsSummary,
    CompetencySummary,
    Counts,
    GroupColumnSummary,
    HeatmapRow,
    QualitySummary,
    TeamSummary,
    TrainingNeed,
    describe_counts,
    group_summaries,
)
from goodpartners.team.tally import (
    ANSWERED_TEXT,
    BAND_CELL,
    FLAGS,
    PACKED,
    SCALED,
    STRAIGHT_LINING,
    TEXT,
    IdTable,
    Level,
    Memo,
    Outcome,
    Packing,
    add_up,
    packing_for,
)

MAX_GROUP_VALUES = 200
HEATMAP_MAX = 60
PROGRESS_BYTES = 400_000
NOT_GIVEN = "(not given)"
CELL_NOTE = "; the rest of the row was scored"
RESULT_NAMES = ("scores.csv", "problems.csv", "summary.json", "summary.md", "summary.html")
PEOPLE = "people"
REPORT_NAME_MAX = 80


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

    person: Callable[[Framework, Assessment], str]  # one person's report, in --reports format
    summary_md: Callable[[TeamSummary], str]
    summary_html: Callable[[TeamSummary], str]


def pseudonymiser(key: str | None) -> Callable[[str], str]:
    """Respondent id to keyed pseudonym (HMAC-SHA256); the key is random when none is given."""
    import hashlib
    import hmac
    import secrets

    # surrogatepass: a key typed with bytes that are not UTF-8 still gives the same pseudonyms.
    secret = key.encode("utf-8", "surrogatepass") if key else secrets.token_bytes(32)

    def pseudonym(ident: str) -> str:
        return "p-" + hmac.digest(secret, ident.encode("utf-8"), hashlib.sha256)[:8].hex()

    return pseudonym


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9@._-]+")
# Windows keeps these names for devices, in any case and whatever follows the first dot.
_DEVICE_NAME = re.compile(r"(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?", re.IGNORECASE)


def report_file_name(respondent: str, taken: set[str]) -> str:
    """A unique file name (without suffix) for a person's report, safe on Windows, macOS and Linux.

    Only ASCII letters, digits and @ . _ - are kept, never a dot, dash or underscore at
    either end, and at most 80 of them. A Windows device name such as CON or com1.txt
    gets an underscore (CON_, com1_.txt). `taken` keeps names unique whatever their
    case, as Windows and macOS compare them.
    """
    name = _UNSAFE_NAME.sub("_", respondent).strip("._-")[:REPORT_NAME_MAX].rstrip("._-")
    name = name or "respondent"
    if _DEVICE_NAME.fullmatch(name):
        stem, dot, rest = name.partition(".")
        name = f"{stem}_{dot}{rest}"
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate = f"{name}-{number}"
        number += 1
    taken.add(candidate.lower())
    return candidate


def run_batch(
    options: BatchOptions, renderers: Renderers, progress: Progress | None = None
) -> BatchResult:
    """Score a responses CSV and write scores, problems and the team summary to options.out.

    options.out always holds one run's results as a set: they are staged, and swapped in
    for the earlier run's only when all are written (see files.StagedFolder). A failed run
    leaves the folder as it was. A --strict refusal is a run's result too: the folder then
    holds its problems.csv alone, so that no earlier scores sit beside the new problems.
    """
    if options.min_group_size < 1:
        raise UsageError("--min-group-size must be at least 1")
    if options.pseudonym_key is not None and not options.anonymise:
        raise UsageError("--pseudonym-key only works with --anonymise; add --anonymise")
    if options.pseudonym_key is not None and not options.pseudonym_key.strip():
        raise UsageError("--pseudonym-key is empty; give a secret phrase, or leave it out")
    if options.baseline is not None and not options.baseline.is_file():
        raise UsageError(f"--baseline {_not_a_file(options.baseline)}")
    if not options.responses.is_file():
        raise ResponsesError(_not_a_file(options.responses))
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
    source, columns, warnings = _open(options, options.responses, options.name_column)
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


def _open(
    options: BatchOptions, path: Path, name_column: str | None, groups: bool = True
) -> tuple[ResponsesFile, ColumnMap, list[str]]:
    fmt = detect_format(path, options.encoding)
    source = _open_responses(path, fmt)
    try:
        columns = match_columns(
            source.header,
            options.framework,
            str(path),
            options.id_column,
            name_column,
            options.group_by if groups else (),
        )
    except BaseException:
        source.close()
        raise
    return source, columns, list(fmt.warnings)


@dataclass
class _Baseline:
    table: IdTable
    problems: ProblemLog
    rows: int
    scored: int
    path: Path
    offset: int
    matched: int = 0


def _read_baseline(
    options: BatchOptions,
    warnings: list[str],
    writer: SafeCsvWriter,
    show_id: Callable[[str], str],
) -> _Baseline:
    """Score the earlier round and remember each person's scaled competency scores."""
    path = options.baseline
    assert path is not None
    source, columns, more = _open(options, path, None, groups=False)
    warnings.extend(more)
    try:
        if columns.id_column is None:
            raise UsageError(
                f"--baseline {path}: no respondent id column, so the rounds cannot be "
                "paired; name the column with --id-column"
            )
        problems = ProblemLog(writer, prefix=f"in the baseline {path.name}: ")
        framework = options.framework
        # Scores are kept shifted up by `offset`, so that 0 can mean "not scored".
        offset = (
            max(abs(framework.scale.min), abs(framework.scale.max)) * packing_for(framework).factor
            + 1
        )
        # One table finds the baseline's duplicate ids and keeps each person's scores.
        table = IdTable(estimate_rows(source), framework.competency_count, 2 * offset)
        scorer = RowScorer(framework, source, columns, problems, CELL_NOTE, show_id, table)
        scored = 0
        for chunk, outcomes in scorer.chunks():
            scaled = zip(*[map(SCALED, o) for o in outcomes], strict=True)
            for ident, values in zip(chunk.ids, scaled, strict=True):
                slot = table.find(IdTable.key(ident))
                table.set_payload(slot, [0 if v is None else v + offset for v in values])
                scored += 1
        return _Baseline(table, problems, scorer.rows, scored, path, offset)
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
        framework = options.framework
        self.options = options
        self.stage = stage
        self.renderers = renderers
        self.framework = framework
        self.source = source
        self.columns = columns
        self.warnings = warnings
        self.progress = progress
        self.out = options.out
        self.baseline: _Baseline | None = None
        positions = {c.id: i for i, (_, c) in enumerate(framework.competencies())}
        self.themes = [[positions[c.id] for c in theme.competencies] for theme in framework.themes]
        self.pseudonym = pseudonymiser(options.pseudonym_key) if options.anonymise else None
        self.heatmap: list[HeatmapRow] | None = None if options.anonymise else []
        self.report_names: set[str] = set()
        self.flag_counts: Counter[str] = Counter()
        self.group_counts: list[Counter[str] | None] = [Counter() for _ in columns.groups]
        # Packed sums of competency scores (see tally.Packing) -> people.
        self.theme_scores: list[Counter[int]] = [Counter() for _ in self.themes]
        self.overall_scores: Counter[int] = Counter()
        # Per competency, then overall: sum of changes, paired, improved, declined.
        self.changes: list[list[Any]] = [
            [0.0, 0, 0, 0] for _ in range(framework.competency_count + 1)
        ]
        self.paired = 0
        self.scored_rows = 0

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
            problems = ProblemLog(problem_writer)
            scorer = RowScorer(
                self.framework, self.source, self.columns, problems, note, self.pseudonym or str
            )
            self.scorer = scorer
            try:
                with stage.open("scores.csv", encoding="utf-8-sig") as score_stream:
                    SafeCsvWriter(score_stream).writerow(self._score_header())
                    with _no_cycle_collection():
                        self._stream(scorer, score_stream)
                    if options.strict and self._problem_total(problems):
                        raise _StrictStop
            except _StrictStop:
                pass
        if options.strict and self._problem_total(problems):
            raise _Refused(self._strict_error(problems, stage.path("problems.csv")))
        scorer.fold()
        summary = self._summary(scorer, problems)
        files = [stage.path("scores.csv"), stage.path("problems.csv")]
        json_text = summary.model_dump_json(indent=2, exclude={"heatmap", "rules"}) + "\n"
        files.append(stage.write("summary.json", json_text))
        files.append(stage.write("summary.md", self.renderers.summary_md(summary)))
        files.append(stage.write("summary.html", self.renderers.summary_html(summary)))
        return BatchResult(summary, self.out, files, self.warnings)

    def _problem_total(self, problems: ProblemLog) -> int:
        return problems.count + (self.baseline.problems.count if self.baseline else 0)

    def _strict_error(self, problems: ProblemLog, path: Path) -> ResponsesError:
        first = ((self.baseline.problems.first if self.baseline else []) + problems.first)[0]
        count = self._problem_total(problems)
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

    def _score_header(self) -> list[str | int | float | None]:
        framework = self.framework
        competencies = [c.id for _, c in framework.competencies()]
        return [
            "respondent",
            *(name for name, _ in self.columns.groups),
            *competencies,
            *(f"{c}_band" for c in competencies),
            *(t.id for t in framework.themes),
            "overall",
            "overall_band",
            "answered",
            "flags",
        ]

    def _stream(self, scorer: RowScorer, stream: IO[str]) -> None:
        """Score chunk after chunk and write the rows of scores.csv as they come."""
        framework = self.framework
        bands = framework.bands
        packing = scorer.packing
        level_memo: Memo[int, Level] = Memo(lambda key: Level(key, packing, bands))
        group_memo: Memo[str, str] = Memo(lambda raw: raw.strip() or NOT_GIVEN)
        cell_memo: Memo[str, str] = Memo(csv_cell)
        group_getters = [itemgetter(column) for _, column in self.columns.groups]
        write = stream.write
        total_bytes = self.source.path.stat().st_size
        show_progress = self.progress is not None and total_bytes > PROGRESS_BYTES
        buffer = cast(io.BufferedReader, self.source.stream.buffer)
        for chunk, outcomes in scorer.chunks():
            rows = chunk.rows
            self.scored_rows += len(rows)
            group_values = [list(map(group_memo.__getitem__, map(g, rows))) for g in group_getters]
            self._count_groups(group_values)
            tallied = [
                values if self.group_counts[i] is not None else None
                for i, values in enumerate(group_values)
            ]
            for tally, column_outcomes in zip(scorer.tallies, outcomes, strict=True):
                tally.tally(column_outcomes, tallied)
            theme_keys = [
                list(add_up([map(PACKED, outcomes[i]) for i in indices])) for indices in self.themes
            ]
            overall_keys = list(add_up(theme_keys))
            levels = [list(map(level_memo.__getitem__, keys)) for keys in theme_keys]
            overall = list(map(level_memo.__getitem__, overall_keys))
            for scores, keys in zip(self.theme_scores, theme_keys, strict=True):
                scores.update(keys)
            self.overall_scores.update(overall_keys)
            flags = list(map(FLAGS, chunk.infos))
            self.flag_counts.update(flags)
            if self.pseudonym:
                shown = map(self.pseudonym, chunk.ids)
            else:
                shown = map(csv_cell, chunk.ids)
            cells = zip(
                shown,
                *[map(cell_memo.__getitem__, values) for values in group_values],
                *[map(TEXT, o) for o in outcomes],
                *[map(BAND_CELL, o) for o in outcomes],
                *[map(TEXT, level) for level in levels],
                map(TEXT, overall),
                map(BAND_CELL, overall),
                map(ANSWERED_TEXT, chunk.infos),
                flags,
                strict=True,
            )
            write("\r\n".join(map(",".join, cells)) + "\r\n")
            if self.baseline:
                self._pair(chunk, outcomes, overall)
            if self.heatmap is not None:
                self._keep_heatmap(chunk, outcomes, overall)
            if self.options.reports is not ReportChoice.none:
                self._write_reports(chunk, outcomes)
            if show_progress:
                assert self.progress is not None
                self.progress.update(min(buffer.tell(), total_bytes), total_bytes)

    def _count_groups(self, group_values: list[list[str]]) -> None:
        for index, values in enumerate(group_values):
            counts = self.group_counts[index]
            if counts is None:
                continue
            counts.update(values)
            if len(counts) > MAX_GROUP_VALUES:
                self.group_counts[index] = None
                for tally in self.scorer.tallies:
                    tally.drop_group(index)

    def _pair(self, chunk: Chunk, outcomes: list[list[Outcome]], overall: list[Level]) -> None:
        baseline = self.baseline
        assert baseline is not None
        find = baseline.table.find
        key_of = IdTable.key
        factor = self.scorer.packing.factor
        offset = baseline.offset
        changes = self.changes
        scaled_rows = zip(*[map(SCALED, o) for o in outcomes], strict=True)
        for ident, now, level in zip(chunk.ids, scaled_rows, overall, strict=True):
            slot = find(key_of(ident))
            if slot < 0:
                continue
            self.paired += 1
            baseline.matched += 1
            before = [v - offset if v else None for v in baseline.table.payload(slot)]
            for entry, old, new in zip(changes, before, now, strict=False):
                if old is not None and new is not None:
                    _add_change(entry, (new - old) / factor)
            earlier = [v for v in before if v is not None]
            if earlier and level.score is not None:
                _add_change(changes[-1], level.score - sum(earlier) / (factor * len(earlier)))

    def _keep_heatmap(
        self, chunk: Chunk, outcomes: list[list[Outcome]], overall: list[Level]
    ) -> None:
        heatmap = self.heatmap
        assert heatmap is not None
        if len(heatmap) + len(chunk.ids) > HEATMAP_MAX:
            self.heatmap = None
            return
        name_column = self.columns.name_column
        for index, ident in enumerate(chunk.ids):
            name = chunk.rows[index][name_column].strip() if name_column is not None else ""
            heatmap.append(
                HeatmapRow(
                    respondent=ident,
                    name=name or None,
                    scores=[o[index].score for o in outcomes],
                    overall=overall[index].score,
                )
            )

    def _write_reports(self, chunk: Chunk, outcomes: list[list[Outcome]]) -> None:
        framework = self.framework
        suffix = self.options.reports.value
        item_ids = [[item.id for item in c.items] for _, c in framework.competencies()]
        name_column = self.columns.name_column
        now = datetime.now(timezone.utc)
        for index, ident in enumerate(chunk.ids):
            respondent = self.pseudonym(ident) if self.pseudonym else ident
            answers: dict[str, Any] = {}
            for ids, column_outcomes in zip(item_ids, outcomes, strict=True):
                for item_id, answer in zip(ids, column_outcomes[index].answers, strict=True):
                    if answer is not None:
                        answers[item_id] = answer
            name = respondent
            if name_column is not None and not self.pseudonym:
                name = chunk.rows[index][name_column].strip() or respondent
            assessment = Assessment.start(
                framework, respondent, name=name, when=now, answers=answers, finished=True
            )
            text = self.renderers.person(framework, assessment)
            file_name = report_file_name(respondent, self.report_names)
            self.stage.write(f"{PEOPLE}/{file_name}.{suffix}", text)

    def _summary(self, scorer: RowScorer, problems: ProblemLog) -> TeamSummary:
        framework = self.framework
        options = self.options
        columns = self.columns
        middle = len(framework.bands) // 2
        below_ids = {b.id for b in framework.bands[:middle]}
        competencies: dict[str, CompetencySummary] = {}
        needs: list[TrainingNeed] = []
        for (theme, competency), tally in zip(
            framework.competencies(), scorer.tallies, strict=True
        ):
            stats = describe_counts(tally.exact_scores())
            below = sum(n for band, n in tally.band_counts.items() if band in below_ids)
            share = below / stats.n if stats.n else None
            competencies[competency.id] = CompetencySummary(
                name=competency.name,
                theme=theme.id,
                n=stats.n,
                not_scored=tally.not_scored,
                mean=stats.mean,
                sd=stats.sd,
                median=stats.median,
                min=stats.min,
                max=stats.max,
                bands={band.id: tally.band_counts.get(band.id, 0) for band in framework.bands},
                alpha=tally.alpha.alpha(),
                items=tally.items,
                items_with_column=[tally.items[pos] for pos, _ in tally.present],
                scorable=tally.scorable,
                below_middle=below,
                share_below_middle=share,
            )
            needs.append(
                TrainingNeed(
                    competency=competency.id,
                    name=competency.name,
                    n=stats.n,
                    below_middle=below,
                    share_below_middle=share,
                    actions=list(competency.actions),
                )
            )
        # Highest share first; ties keep framework order (sort is stable).
        needs.sort(
            key=lambda need: -1.0 if need.share_below_middle is None else -need.share_below_middle
        )
        needs.sort(key=lambda need: need.share_below_middle is None)
        groups: dict[str, GroupColumnSummary] = {}
        for index, (name, _) in enumerate(columns.groups):
            counts = self.group_counts[index]
            if counts is None:
                groups[name] = GroupColumnSummary(
                    values={}, too_many_values=True, max_values=MAX_GROUP_VALUES
                )
                continue
            sums = {tally.id: tally.group_sums[index] for tally in scorer.tallies}
            groups[name] = GroupColumnSummary(
                values=group_summaries(counts, sums, scorer.packing.factor, options.min_group_size),
                max_values=MAX_GROUP_VALUES,
            )
        flag_totals: Counter[str] = Counter()
        for flags, count in self.flag_counts.items():
            for flag in flags.split(";"):
                if flag:
                    flag_totals[flag] += count
        return TeamSummary(
            framework={"id": framework.id, "version": framework.version, "title": framework.title},
            source=options.responses.name,
            anonymised=options.anonymise,
            min_group_size=options.min_group_size,
            counts=Counts(
                rows=scorer.rows,
                scored=self.scored_rows,
                not_scored=scorer.not_scored,
                with_problems=problems.rows_with_problems,
                skipped=scorer.skipped,
                problems=problems.count,
            ),
            columns=ColumnsSummary(
                items_matched=len(columns.items),
                items_without_column=list(columns.missing_items),
                ignored=columns.ignored_names,
                ignored_headings=[columns.header[i].strip() for i in columns.ignored],
                respondent=_heading(columns.id_column, columns.header),
                name=None if options.anonymise else _heading(columns.name_column, columns.header),
                groups=[name for name, _ in columns.groups],
            ),
            scale={
                "min": framework.scale.min,
                "max": framework.scale.max,
                "labels": {str(k): v for k, v in framework.scale.labels.items()},
            },
            bands=[
                {"id": b.id, "name": b.name, "min": b.min, "meaning": b.meaning}
                for b in framework.bands
            ],
            middle_band=framework.bands[middle].id,
            competencies=competencies,
            themes={
                theme.id: describe_counts(_exact(scores, scorer.packing))
                for theme, scores in zip(framework.themes, self.theme_scores, strict=True)
            },
            theme_names={t.id: t.name for t in framework.themes},
            overall=describe_counts(_exact(self.overall_scores, scorer.packing)),
            groups=groups,
            training_needs=needs,
            quality=QualitySummary(
                straight_lining=flag_totals.get(STRAIGHT_LINING, 0),
                flags=dict(sorted(flag_totals.items())),
            ),
            baseline=self._baseline_summary(),
            problems=problems.first,
            heatmap=self.heatmap or None,
            warnings=self.warnings,
            rules=scoring_rules(framework),
        )

    def _baseline_summary(self) -> BaselineSummary | None:
        baseline = self.baseline
        if baseline is None:
            return None
        names = [c.id for _, c in self.framework.competencies()] + ["overall"]
        return BaselineSummary(
            source=baseline.path.name,
            rows=baseline.rows,
            scored=baseline.scored,
            paired=self.paired,
            only_in_this_round=self.scored_rows - self.paired,
            only_in_baseline=baseline.scored - baseline.matched,
            problems=baseline.problems.count,
            competencies={
                name: ChangeSummary(
                    paired=paired,
                    mean_change=(total / paired) if paired else None,
                    improved=up,
                    declined=down,
                    unchanged=paired - up - down,
                )
                for name, (total, paired, up, down) in zip(names, self.changes, strict=True)
            },
        )


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


def _add_change(entry: list[Any], change: float) -> None:
    entry[0] += change
    entry[1] += 1
    if change > 1e-9:
        entry[2] += 1
    elif change < -1e-9:
        entry[3] += 1


def _exact(packed: Counter[int], packing: Packing) -> Counter[Fraction]:
    """Tallied packed sums as exact mean scores; rows with nothing scored are left out."""
    exact: Counter[Fraction] = Counter()
    for key, people in packed.items():
        value = packing.exact(key)
        if value is not None:
            exact[value] += people
    return exact


def _heading(column: int | None, header: Sequence[str]) -> str | None:
    return header[column].strip() if column is not None else None
