"""Reading a responses file in chunks of rows, each row scored, every problem noted.

Each row is either scored, skipped as empty, or listed in problems.csv with the
reason, so every row of the file is accounted for. A row is usually one line; a quoted
cell with line breaks in it (a long comment) makes one row of several lines. Every line
of the file belongs to exactly one row, and `RowScorer.lines` counts them.

A row whose cells do not line up with the header is not scored, because its answers
could be in the wrong columns: a stray or missing delimiter, a quote that is never
closed, or one that only closes several lines later. Two kinds of row are let through,
because spreadsheets write them: extra cells that are empty, and missing cells at the
end of the row where no column is read (Excel drops empty trailing cells), as long as
every answer the row has is a real answer.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import attrgetter, itemgetter
from typing import Any

from goodpartners.csvsafe import SafeCsvWriter
from goodpartners.errors import ResponsesError
from goodpartners.models import Framework
from goodpartners.scoring import plan_competencies
from goodpartners.team.responses import (
    DELIMITER_NAMES,
    INVALID,
    CellParser,
    ColumnMap,
    ResponsesFile,
    decode_error_line,
    describe_column,
    describe_lines,
    line_breaks,
    plain_csv_reason,
    plain_reason,
)
from goodpartners.team.summary import ProblemRow
from goodpartners.team.tally import (
    ANSWERED,
    CODE,
    CompetencyTally,
    IdTable,
    Memo,
    Outcome,
    RowCoding,
    RowInfo,
    add_up,
    packing_for,
    plural,
)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
CHUNK_ROWS = 2_000
PROBLEMS_KEPT = 50
ROW_PROBLEM = -1  # sorts a problem with the whole row before those of its cells
QUOTE_FIX = "add the closing quote, or remove the stray one"


class ProblemLog:
    """Data problems: streamed to problems.csv in line order; the first few kept for the summary."""

    def __init__(self, writer: SafeCsvWriter | None, prefix: str = "") -> None:
        self.writer = writer
        self.prefix = prefix
        self.count = 0
        self.rows_with_problems = 0
        self.first: list[ProblemRow] = []
        self._chunk: list[tuple[int, int, str, str, str]] = []

    def add(self, line: int, order: int, column: str, value: str, problem: str) -> None:
        """Note a problem in the current chunk; `order` sorts the problems of one line."""
        self._chunk.append((line, order, column, value, self.prefix + problem))

    def flush(self) -> None:
        """Write the chunk's problems in line order."""
        if not self._chunk:
            return
        self._chunk.sort(key=itemgetter(0, 1))
        self.rows_with_problems += len({p[0] for p in self._chunk})
        for line, _, column, value, problem in self._chunk:
            self.count += 1
            if self.writer:
                self.writer.writerow([line, column, value, problem])
            if len(self.first) < PROBLEMS_KEPT:
                self.first.append(
                    ProblemRow(line=line, column=column, value=value, problem=problem)
                )
        self._chunk.clear()


@dataclass
class Chunk:
    """Rows read together, with the line each starts on and its respondent id."""

    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    infos: list[RowInfo] = field(default_factory=list)


def estimate_rows(source: ResponsesFile) -> int:
    """A rough count of the rows in a file, from its size and its first lines."""
    size = source.path.stat().st_size
    with source.path.open("rb") as stream:
        head = stream.read(1 << 16)
    lines = head.count(b"\n")
    if lines < 2 or not head:
        return 1000
    return min(50_000_000, int(size / (len(head) / lines) * 1.05) + 16)


class RowScorer:
    """Reads one responses file in chunks and scores every competency of every row."""

    def __init__(
        self,
        framework: Framework,
        source: ResponsesFile,
        columns: ColumnMap,
        problems: ProblemLog,
        cell_note: str = "; the rest of the row was scored",
        show_id: Callable[[str], str] = str,
        seen: IdTable | None = None,
    ) -> None:
        self.framework = framework
        self.show_id = show_id  # how an id appears in problems (a pseudonym when anonymised)
        self.source = source
        self.columns = columns
        self.problems = problems
        self.parser = CellParser(framework.scale)
        self.packing = packing_for(framework)
        group_count = len(columns.groups)
        self.coding = RowCoding(framework)
        self.row_memo: Memo[int, RowInfo] = Memo(self.coding.decode)
        self.tallies = [
            CompetencyTally(
                framework, plan, columns.items, self.parser, self.packing, self.coding, group_count
            )
            for plan in plan_competencies(framework)
        ]
        self.expected_rows = estimate_rows(source)
        if seen is None:
            seen = IdTable(self.expected_rows if columns.id_column is not None else 0)
        self.seen = seen
        self.rows = 0
        self.lines = 0  # lines after the header; a row with a multi-line cell has several
        self.skipped = 0
        self.not_scored = 0
        self.cell_note = cell_note
        header = columns.header
        self.width = len(header)
        # A short row is let through only if the cells it lacks are in columns never read.
        used = [*columns.items.values(), *(g[1] for g in columns.groups)]
        used += [c for c in (columns.id_column, columns.name_column) if c is not None]
        self.needed = max(used, default=-1) + 1
        self.named = max((i + 1 for i, h in enumerate(header) if h.strip()), default=0)
        # Cells in which a line break means a quote is out of place: ids and answers.
        self.single_line = frozenset(used) - {columns.name_column, *(g[1] for g in columns.groups)}

    def chunks(self) -> Iterator[tuple[Chunk, list[list[Outcome]]]]:
        """Each chunk of rows to score, with every competency's outcome for each row."""
        for chunk in self._read():
            outcomes = [tally.outcomes(chunk.rows) for tally in self.tallies]
            infos = list(map(self.row_memo.__getitem__, add_up([map(CODE, o) for o in outcomes])))
            answered = list(map(ANSWERED, infos))
            if 0 in answered:
                chunk, outcomes, infos = self._drop_unanswered(chunk, outcomes, infos, answered)
            chunk.infos = infos
            self._report_cells(chunk, outcomes)
            self.problems.flush()
            if chunk.rows:
                yield chunk, outcomes

    def _read(self) -> Iterator[Chunk]:
        source = self.source
        reader = source.reader
        lines = source.lines
        width = self.width
        lines.width = width
        id_column = self.columns.id_column
        id_heading = self.columns.header[id_column] if id_column is not None else ""
        add_id = self.seen.add
        chunk = Chunk()
        rows, starts, ids = chunk.rows, chunk.lines, chunk.ids
        header_end = lines.count
        next_line = header_end + 1
        count = 0  # rows read, kept in a local for speed and saved to self.rows below
        while True:
            try:
                for row in reader:
                    line = next_line
                    last = lines.count
                    next_line = last + 1
                    lines.boundary = last
                    count += 1
                    if len(row) != width or last != line:
                        fitted = self._odd_row(row, line, last)
                        if fitted is None:
                            self.not_scored += 1
                            continue
                        row = fitted
                    if not any(row) or (not row[0].strip() and not "".join(row).strip()):
                        self.skipped += 1
                        continue
                    if id_column is None:
                        ident = f"line-{line}"
                    else:
                        ident = row[id_column].strip()
                        if not ident:
                            ident = f"line-{line}"
                            self.problems.add(
                                line,
                                id_column,
                                id_heading,
                                "",
                                f"no respondent id; the row is called '{self.show_id(ident)}' "
                                "in the results",
                            )
                        else:
                            earlier = add_id(hash(ident) | 1, line)  # IdTable.key, inlined
                            if earlier:
                                self.not_scored += 1
                                self.problems.add(
                                    line,
                                    id_column,
                                    id_heading,
                                    self.show_id(ident),
                                    f"the same respondent id as line {earlier}, so this row was "
                                    "not scored; delete the row you do not want, or choose "
                                    "another column with --id-column",
                                )
                                continue
                    rows.append(row)
                    starts.append(line)
                    ids.append(ident)
                    if len(rows) >= CHUNK_ROWS:
                        self.rows += count
                        count = 0
                        yield chunk
                        chunk = Chunk()
                        rows, starts, ids = chunk.rows, chunk.lines, chunk.ids
                break
            except UnicodeError as exc:
                reason = plain_reason(exc)
                where = decode_error_line(source.path, source.format.encoding) or next_line
                raise ResponsesError(
                    f"{source.path}: line {where}: cannot read it as {source.format.encoding} "
                    f"({reason}); pass the right --encoding"
                ) from None
            except (csv.Error, ValueError) as exc:  # csv.Error is not a ValueError
                if "field limit" not in str(exc):
                    raise ResponsesError(
                        f"{source.path}: line {next_line}: this is not valid CSV "
                        f"({plain_csv_reason(exc)}); "
                        "export the file again as CSV"
                    ) from None
                if lines.count == next_line:
                    raise ResponsesError(
                        f"{source.path}: line {next_line}: a cell is longer than "
                        f"{csv.field_size_limit():,} characters, often because a quote is "
                        "opened and never closed; check that line, or export the file again "
                        "as CSV"
                    ) from None
                # A quoted cell ran on over many lines: the row is a problem, and reading
                # goes on after the line where the cell grew too long.
                count += 1
                self.not_scored += 1
                self._note_overlong(next_line, lines.count)
                lines.boundary = lines.count
                next_line = lines.count + 1
        self.rows += count
        self.lines = lines.count - header_end
        if rows:
            yield chunk
        else:
            self.problems.flush()

    def _odd_row(self, row: list[str], first: int, last: int) -> list[str] | None:
        """A row that runs over several lines, or whose cells do not match the header: the
        row fitted to the header, or None when it cannot be scored (the problem is noted)."""
        lines = self.source.lines
        if lines.cut or lines.unclosed:
            self._note_open_quote(row, first, last, lines.cut)
            lines.cut = lines.unclosed = False
            return None
        if not "".join(row).strip():
            return row  # an empty row, skipped as such
        shape = self._shape(row)
        if first != last and self._note_merged_lines(row, first, last, shape is not None):
            return None
        if shape is not None:
            column, order, value, problem = shape
            self.problems.add(first, order, column, value, problem)
            return None
        if len(row) < self.width:
            return row + [""] * (self.width - len(row))
        return row[: self.width]

    def _shape(self, row: list[str]) -> tuple[str, int, str, str] | None:
        """Why a row's cells do not line up with the header, or None if they do."""
        width, header = self.width, self.columns.header
        delimiter = self.source.format.delimiter
        name = DELIMITER_NAMES.get(delimiter, repr(delimiter))
        moved = "so its answers could be in the wrong columns. It was not scored"
        if len(row) > width:
            extra = [i for i, cell in enumerate(row[width:], width) if cell.strip()]
            if not extra:
                return None
            return (
                f"(after column {describe_column(width - 1, header)})",
                width,
                "; ".join(row[i] for i in extra)[:200],
                f"the row has {extra[-1] + 1} cells but the header has {width}, {moved}: "
                f"check the line for a stray {name}, or put quotes round a cell that has a "
                f"{name} in it",
            )
        if len(row) == width:
            return None
        others = [
            DELIMITER_NAMES[d]
            for d in DELIMITER_NAMES
            if d != delimiter and any(d in c for c in row)
        ]
        if len(row) >= self.needed and not others and not self._bad_answer(row):
            return None  # only cells that are never read are missing
        fix = (
            f"the line has {others[0]}s where the file has {name}s"
            if others
            else f"check the line for a missing {name}"
        )
        return (
            describe_column(len(row), header),
            len(row),
            "",
            f"the row has {plural(len(row), 'cell')} but the header has {self.named}, "
            f"{moved}: {fix}",
        )

    def _bad_answer(self, row: list[str]) -> bool:
        """Whether a cell where an answer belongs holds something else, as when two
        answers run together ('45') and the cells after them moved one to the left."""
        parse = self.parser.parse
        return any(parse(row[column]) is INVALID for column in self.columns.items.values())

    def _note_open_quote(self, row: list[str], first: int, last: int, cut: bool) -> None:
        """A quote that was not closed before a line that looks like a row, or at all."""
        column = len(row) - self.width - 1  # PhysicalLines.close_quote added `width` cells
        opened = first + sum(map(line_breaks, row[:column]))
        if first == last:
            how = "is not closed on this line" if cut else "never closes"
            problem = f"a quote opens in this cell and {how}, so the row was not scored"
        elif cut:
            problem = (
                f"a quote opens in this cell on line {opened} and is not closed before line "
                f"{last + 1}, which looks like a new row, so {describe_lines(first, last)} were "
                "not scored"
            )
        else:
            problem = (
                f"a quote opens in this cell on line {opened} and never closes, so "
                f"{describe_lines(first, last)} (the end of the file) were read as one row and "
                "not scored"
            )
        self.problems.add(
            first,
            ROW_PROBLEM,
            describe_column(column, self.columns.header),
            "",
            f"{problem}; {QUOTE_FIX}",
        )

    def _note_overlong(self, first: int, last: int) -> None:
        """A quoted cell that grew past the CSV reader's limit over several lines."""
        cells = next(
            csv.reader([self.source.lines.first_text], delimiter=self.source.format.delimiter), []
        )
        self.problems.add(
            first,
            ROW_PROBLEM,
            describe_column(max(len(cells) - 1, 0), self.columns.header),
            "",
            f"a quote opens in this cell and is not closed within {csv.field_size_limit():,} "
            f"characters, so {describe_lines(first, last)} were not scored; {QUOTE_FIX}",
        )

    def _note_merged_lines(self, row: list[str], first: int, last: int, misfit: bool) -> bool:
        """Whether a row read from several lines is really lines run together by a stray
        quote, noted as a problem if so."""
        breaks = [line_breaks(cell) for cell in row]
        multi = [i for i, n in enumerate(breaks) if n]
        if not multi:  # the reader only runs on over a line break inside a quoted cell
            return False
        wrong = [i for i in multi if i in self.single_line]
        if wrong:
            column = wrong[0]
            kind = "a respondent id" if column == self.columns.id_column else "an answer"
            why = f"but {kind} cannot run over several lines"
        elif misfit:
            column = multi[0]
            why = "which does not fit the header"
        elif self._looks_like_two_rows(row, multi[0], multi[-1]):
            column = multi[0]
            why = "but they look like separate rows"
        else:
            return False
        opened = first + sum(breaks[:column])
        self.problems.add(
            first,
            ROW_PROBLEM,
            describe_column(column, self.columns.header),
            "",
            f"a quote opens in this cell on line {opened} and only closes on line "
            f"{opened + breaks[column]}, so {describe_lines(first, last)} were read as one row, "
            f"{why}. They were not scored: check the quotes on line {opened}",
        )
        return True

    def _looks_like_two_rows(self, row: list[str], opens: int, closes: int) -> bool:
        """Whether the first and the last line of a row each hold a whole row's cells, as
        when a stray quote on one row is closed by a stray quote on the next."""
        delimiter = self.source.format.delimiter
        whole = self.width - 1

        def count(cells: Sequence[str]) -> int:
            return sum(cell.count(delimiter) for cell in cells)

        head = _LINE_BREAK.split(row[opens], maxsplit=1)[0]
        tail = _LINE_BREAK.split(row[closes])[-1]
        first_line = opens + count(row[:opens]) + head.count(delimiter)
        last_line = len(row) - 1 - closes + count(row[closes + 1 :]) + tail.count(delimiter)
        return first_line >= whole and last_line >= whole

    def _drop_unanswered(
        self,
        chunk: Chunk,
        outcomes: list[list[Outcome]],
        infos: list[RowInfo],
        answered: list[int],
    ) -> tuple[Chunk, list[list[Outcome]], list[RowInfo]]:
        keep = [i for i, count in enumerate(answered) if count]
        for i, count in enumerate(answered):
            if count:
                continue
            self.not_scored += 1
            row_outcomes = [o[i] for o in outcomes]
            if any(o.bad for o in row_outcomes):
                self._report_row_cells(chunk.lines[i], row_outcomes)
                reason = "no statement had a usable answer, so this row was not scored"
            else:
                reason = "no statement was answered, so this row was not scored"
            self.problems.add(chunk.lines[i], 1 << 30, "", "", reason)

        def select(values: list[Any]) -> list[Any]:
            return [values[i] for i in keep]

        kept = Chunk(select(chunk.rows), select(chunk.lines), select(chunk.ids))
        return kept, [select(o) for o in outcomes], select(infos)

    def _report_cells(self, chunk: Chunk, outcomes: list[list[Outcome]]) -> None:
        lines = chunk.lines
        for tally, column_outcomes in zip(self.tallies, outcomes, strict=True):
            bad = tally.bad_outcomes
            if not bad or bad.isdisjoint(column_outcomes):
                continue
            for index in compress(
                range(len(column_outcomes)), map(attrgetter("bad"), column_outcomes)
            ):
                self._report_row_cells(lines[index], [column_outcomes[index]])

    def _report_row_cells(self, line: int, outcomes: Sequence[Outcome]) -> None:
        header = self.columns.header
        for outcome in outcomes:
            for column, value in outcome.bad:
                self.problems.add(
                    line, column, header[column], value, self.parser.problem(value) + self.cell_note
                )

    def fold(self) -> None:
        """Move every pending count into the tallies."""
        for tally in self.tallies:
            tally.fold()
