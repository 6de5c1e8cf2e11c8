"""`goodpartners batch FILE --check`: what a run would do, with nothing written.

It reads the export as a run would: the source and its header rows, which column goes
to which item, the columns and items left unmatched, the first rows with problems, and
how many rows would be scored. No results folder is made or changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from goodpartners.errors import UsageError
from goodpartners.team.batch import (
    BatchOptions,
    check_inputs,
    open_source,
)
from goodpartners.team.layouts import preview_message
from goodpartners.team.mapping import load_mapping, write_mapping
from goodpartners.team.problems import ProblemLog
from goodpartners.team.raters import RaterColumns, RaterRows, rater_columns
from goodpartners.team.reader import RowReader
from goodpartners.team.responses import (
    CellParser,
    ColumnMap,
    ResponsesFile,
    column_letter,
    describe_column,
    describe_lines,
)
from goodpartners.team.rows import RowScorer
from goodpartners.team.summary import ProblemRow
from goodpartners.team.totals import TeamTotals
from goodpartners.team.workbook import WorkbookFile

PROBLEM_ROWS_SHOWN = 5


@dataclass(frozen=True)
class CheckResult:
    """What --check found: the report's lines, and the columns, for --write-mapping.

    unmatched is true when no column matched an item and no --mapping was given: nothing
    can be scored, and --write-mapping writes a starter mapping to fill in.
    """

    lines: list[str]
    columns: ColumnMap
    unmatched: bool = False
    sheets: str = ""  # when unmatched on a workbook's first sheet: a word about --sheet


def check_batch(options: BatchOptions) -> CheckResult:
    """Read the export as a run would, score it in memory, and report; write nothing."""
    check_inputs(options)
    source, columns, warnings = open_source(
        options, options.responses, options.name_column, allow_none=options.mapping is None
    )
    try:
        where = _where(options, columns)
        lines = _report(options, source, columns, where)
        if not columns.items:
            return _unmatched(options, source, columns, warnings, lines)
        problems = ProblemLog(
            None,
            f"sheet '{source.sheet}': " if isinstance(source, WorkbookFile) else "",
            source.header if isinstance(source, WorkbookFile) else None,
        )
        scorer = RowScorer(options.framework, source, columns, problems)
        totals = TeamTotals(options.framework, columns, scorer, anonymise=True)
        raters = _raters(options, columns, problems, where)
        if raters is not None:
            scorer.split = raters.split  # as a run does: bad rater rows are problems
        for chunk, outcomes in scorer.chunks():
            totals.add(chunk, outcomes)
        if raters is not None:
            scorer.dropped = raters.dropped
        scorer.fold()
        lines += _problems(problems)
        reader = scorer.reader
        if reader.previews:
            warnings.append(
                preview_message(reader.preview_lines, reader.previews, source.layout.platform)
            )
        lines += [f"Note: {warning}" for warning in warnings]
        if raters is not None:
            lines.append(f"Ratings that would be scored: {raters.ratings} of {scorer.rows} rows")
        else:
            lines.append(f"Rows that would be scored: {totals.scored_rows} of {scorer.rows}")
        return CheckResult(lines, columns)
    finally:
        source.close()


def _where(options: BatchOptions, columns: ColumnMap) -> RaterColumns | None:
    """Where a multi-rater run finds who is rated and by whom; None for a usual run."""
    if options.subject_column is None or options.rater_column is None:
        return None
    return rater_columns(
        columns,
        options.subject_column,
        options.rater_column,
        options.min_raters,
        str(options.responses),
    )


def _raters(
    options: BatchOptions, columns: ColumnMap, problems: ProblemLog, where: RaterColumns | None
) -> RaterRows | None:
    """A multi-rater run's sorting of rows, so --check finds the problems a run would."""
    if where is None:
        return None
    renames = None
    if options.mapping is not None:
        renames = load_mapping(options.mapping, options.framework).raters
    return RaterRows(options.framework, columns, where, problems, renames)


def _unmatched(
    options: BatchOptions,
    source: ResponsesFile,
    columns: ColumnMap,
    warnings: list[str],
    lines: list[str],
) -> CheckResult:
    """The rest of the report when no column matched: the rows are counted, not scored."""
    reader = RowReader(source, columns, ProblemLog(None), CellParser(options.framework.scale))
    for _ in reader.read():
        pass
    lines.append("Problems: not checked, as no column is matched yet")
    if reader.previews:
        warnings.append(
            preview_message(reader.preview_lines, reader.previews, source.layout.platform)
        )
    lines += [f"Note: {warning}" for warning in warnings]
    lines.append(f"Rows that would be scored: 0 of {reader.rows}")
    sheets = ""
    if isinstance(source, WorkbookFile) and options.sheet is None and source.other_sheets:
        shown = ", ".join(f"'{name}'" for name in source.other_sheets[:5])
        sheets = (
            f". This is its first sheet, '{source.sheet}'; if the answers are on another "
            f"({shown}), choose it with --sheet"
        )
    return CheckResult(lines, columns, unmatched=True, sheets=sheets)


def unmatched_message(options: BatchOptions, result: CheckResult, written: Path | None) -> str:
    """What to do when no column matched: the one line --check puts on stderr."""
    start = (
        f"{options.responses}: no column matches a statement of the "
        f"{options.framework.title} framework; "
    )
    if written is not None:
        return (
            f"{start}fill in a column for each item in {written}, "
            f"then run with --mapping {written}{result.sheets}"
        )
    return (
        f"{start}write a mapping file (--check --write-mapping map.yaml gives a starter), "
        f"fill in a column for each item, then run with --mapping map.yaml{result.sheets}"
    )


def _report(
    options: BatchOptions, source: ResponsesFile, columns: ColumnMap, where: RaterColumns | None
) -> list[str]:
    layout = source.layout
    told = "as given by --source" if options.source != "auto" else "told from the file"
    if isinstance(source, WorkbookFile):
        lines = [f"File: {source.path} (sheet '{source.sheet}')", "Source: a workbook"]
    else:
        lines = [f"File: {source.path}", f"Source: {layout.platform} ({told})"]
    last = source.lines.boundary
    first = max(last - layout.header_rows + 1, 1)
    lines.append(f"Header rows: {describe_lines(first, last)}")
    if options.mapping is not None:
        auto = len(columns.items) - len(_mapped_items(options, columns))
        lines.append(
            f"Mapping: {options.mapping} gives {len(columns.items) - auto} items; "
            f"automatic matching found {auto} more in the columns it leaves free"
        )
    elif not columns.items:
        lines.append("Mapping: none; no column matched automatically")
    else:
        lines.append("Mapping: none; the columns were matched automatically")
    header = columns.header
    width = max((len(column_letter(c)) for c in range(len(header))), default=1)
    lines.append("Columns used:")
    used = [(c, "id") for c in (columns.id_column,) if c is not None]
    used += [(c, "name") for c in (columns.name_column,) if c is not None]
    used += [(c, f"group '{name}'") for name, c in columns.groups]
    used += [(c, item_id) for item_id, c in columns.items.items()]
    ignored = columns.ignored_names
    if where is not None:
        used += [(where.subject, "who is rated"), (where.rater, "how the rater knows them")]
        taken = {where.subject, where.rater}
        ignored = [describe_column(c, header) for c in columns.ignored if c not in taken]
    for column, what in sorted(used):
        lines.append(f"  {column_letter(column):<{width}}  {_heading(header, column)} -> {what}")
    lines.append(f"Unmatched columns: {_listed(ignored)}")
    lines.append(f"Unmatched items: {_listed(columns.missing_items)}")
    return lines


def _mapped_items(options: BatchOptions, columns: ColumnMap) -> list[str]:
    assert options.mapping is not None
    mapping = load_mapping(options.mapping, options.framework)
    return [item_id for item_id in mapping.items if item_id in columns.items]


def _heading(header: tuple[str, ...], column: int) -> str:
    text = " ".join(header[column].split()) if column < len(header) else ""
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"'{text}'"


def _listed(names: Iterable[str]) -> str:
    shown = list(names)
    return ", ".join(shown) if shown else "none"


def _problems(problems: ProblemLog) -> list[str]:
    if not problems.count:
        return ["Problems: none"]
    rows: list[int] = []
    kept: list[ProblemRow] = []
    for problem in problems.first:
        if problem.line not in rows:
            if len(rows) == PROBLEM_ROWS_SHOWN:
                break
            rows.append(problem.line)
        kept.append(problem)
    total = problems.rows_with_problems
    shown = f"; the first {len(rows)} rows" if len(rows) < total else ""
    lines = [f"Problems: {problems.count} in {total} row{'s' if total != 1 else ''}{shown}:"]
    for problem in kept:
        where = f"line {problem.line}"
        if problem.column:
            where += f", column '{problem.column}'"
        if problem.value:
            where += f", value '{problem.value}'"
        lines.append(f"  {where}: {problem.problem}")
    return lines


def write_checked_mapping(options: BatchOptions, result: CheckResult, target: Path) -> Path:
    """Write the mapping --check used, refusing to write it over the export itself."""
    for path in (options.responses, options.baseline):
        if path is not None and _same(path, target):
            raise UsageError(
                f"--write-mapping {target}: this is the file being checked; "
                "give another name, such as map.yaml"
            )
    return write_mapping(target, result.columns, options.framework)


def _same(path: Path, other: Path) -> bool:
    """Whether two paths name one file, by a link or another spelling."""
    try:
        if os.path.samefile(path, other):
            return True
    except OSError:
        pass
    return os.path.normcase(os.path.abspath(path)) == os.path.normcase(os.path.abspath(other))
