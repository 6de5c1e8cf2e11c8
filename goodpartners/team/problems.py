"""Data problems: the log that streams them to problems.csv, and the checks on rows whose
cells do not line up with the header.

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
from collections.abc import Sequence
from operator import itemgetter

from goodpartners.csvsafe import SafeCsvWriter
from goodpartners.team.responses import (
    DELIMITER_NAMES,
    INVALID,
    CellParser,
    ColumnMap,
    ResponsesFile,
    describe_column,
    describe_lines,
    line_breaks,
)
from goodpartners.team.summary import ProblemRow
from goodpartners.team.tally import plural

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
PROBLEMS_KEPT = 50
ROW_PROBLEM = -1  # sorts a problem with the whole row before those of its cells
QUOTE_FIX = "add the closing quote, or remove the stray one"


class ProblemLog:
    """Data problems: streamed to problems.csv in line order; the first few kept for the summary."""

    def __init__(
        self,
        writer: SafeCsvWriter | None,
        prefix: str = "",
        lettered: Sequence[str] | None = None,
    ) -> None:
        self.writer = writer
        self.prefix = prefix
        # A workbook's header: a cell's column is then shown by its letter, as in "G ('role-3')".
        self.lettered = lettered
        self.count = 0
        self.rows_with_problems = 0
        self.first: list[ProblemRow] = []
        self._chunk: list[tuple[int, int, str, str, str]] = []

    def add(self, line: int, order: int, column: str, value: str, problem: str) -> None:
        """Note a problem in the current chunk; `order` sorts the problems of one line."""
        header = self.lettered
        if header is not None and 0 <= order < len(header) and column == header[order]:
            column = describe_column(order, header)
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


class RowChecker:
    """Fits a row whose cells do not match the header, or notes why it cannot be scored."""

    def __init__(
        self,
        source: ResponsesFile,
        columns: ColumnMap,
        problems: ProblemLog,
        parser: CellParser,
    ) -> None:
        self.source = source
        self.columns = columns
        self.problems = problems
        self.parser = parser
        header = columns.header
        self.width = len(header)
        # A short row is let through only if the cells it lacks are in columns never read.
        used = [*columns.items.values(), *(g[1] for g in columns.groups)]
        used += [c for c in (columns.id_column, columns.name_column) if c is not None]
        self.needed = max(used, default=-1) + 1
        self.named = max((i + 1 for i, h in enumerate(header) if h.strip()), default=0)
        # Cells in which a line break means a quote is out of place: ids and answers.
        self.single_line = frozenset(used) - {columns.name_column, *(g[1] for g in columns.groups)}

    def fit(self, row: list[str], first: int, last: int) -> list[str] | None:
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

    def note_overlong(self, first: int, last: int) -> None:
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
        elif _looks_like_two_rows(
            row, multi[0], multi[-1], self.width, self.source.format.delimiter
        ):
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


def _looks_like_two_rows(
    row: list[str], opens: int, closes: int, width: int, delimiter: str
) -> bool:
    """Whether the first and the last line of a row each hold a whole row's cells, as when a
    stray quote on one row is closed by a stray quote on the next."""
    whole = width - 1

    def count(cells: Sequence[str]) -> int:
        return sum(cell.count(delimiter) for cell in cells)

    head = _LINE_BREAK.split(row[opens], maxsplit=1)[0]
    tail = _LINE_BREAK.split(row[closes])[-1]
    first_line = opens + count(row[:opens]) + head.count(delimiter)
    last_line = len(row) - 1 - closes + count(row[closes + 1 :]) + tail.count(delimiter)
    return first_line >= whole and last_line >= whole
