"""Reading a responses file in chunks of rows, each row scored, every problem noted.

Each row is either scored, skipped as empty, or listed in problems.csv with the
reason, so every row of the file is accounted for.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import attrgetter, itemgetter
from typing import Any

from goodpartners.csvsafe import SafeCsvWriter
from goodpartners.errors import ResponsesError
from goodpartners.models import Framework
from goodpartners.responses import (
    CellParser,
    ColumnMap,
    ResponsesFile,
    decode_error_line,
    describe_column,
)
from goodpartners.scoring import plan_competencies
from goodpartners.tally import (
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
from goodpartners.team_summary import ProblemRow

CHUNK_ROWS = 2_000
PROBLEMS_KEPT = 50


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
        self.skipped = 0
        self.not_scored = 0
        self.cell_note = cell_note

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
        offset = source.line_offset
        width = len(self.columns.header)
        id_column = self.columns.id_column
        id_heading = self.columns.header[id_column] if id_column is not None else ""
        add_id = self.seen.add
        chunk = Chunk()
        rows, lines, ids = chunk.rows, chunk.lines, chunk.ids
        next_line = offset + reader.line_num + 1
        line = next_line
        count = 0  # rows read, kept in a local for speed and saved to self.rows below
        try:
            for row in reader:
                line = next_line
                next_line = offset + reader.line_num + 1
                count += 1
                if len(row) != width:
                    row = self._fit(row, width, line)
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
                                f"the same respondent id as line {earlier}, so this row was not "
                                "scored; delete the row you do not want, or choose another "
                                "column with --id-column",
                            )
                            continue
                rows.append(row)
                lines.append(line)
                ids.append(ident)
                if len(rows) >= CHUNK_ROWS:
                    self.rows += count
                    count = 0
                    yield chunk
                    chunk = Chunk()
                    rows, lines, ids = chunk.rows, chunk.lines, chunk.ids
        except UnicodeError as exc:
            reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
            where = decode_error_line(source.path, source.format.encoding) or next_line
            raise ResponsesError(
                f"{source.path}: line {where}: cannot read it as {source.format.encoding} "
                f"({reason}); pass the right --encoding"
            ) from None
        except (csv.Error, ValueError) as exc:  # csv.Error is not a ValueError
            if "field limit" in str(exc):
                raise ResponsesError(
                    f"{source.path}: line {next_line}: a cell is longer than "
                    f"{csv.field_size_limit():,} characters, often because a quote is opened "
                    "and never closed; check that line, or export the file again as CSV"
                ) from None
            raise ResponsesError(
                f"{source.path}: line {next_line}: this is not valid CSV ({exc}); "
                "export the file again as CSV"
            ) from None
        self.rows += count
        if rows:
            yield chunk
        else:
            self.problems.flush()

    def _fit(self, row: list[str], width: int, line: int) -> list[str]:
        if len(row) < width:
            return row + [""] * (width - len(row))
        extra = row[width:]
        if any(cell.strip() for cell in extra):
            self.problems.add(
                line,
                width,
                f"(after column {describe_column(width - 1, self.columns.header)})",
                "; ".join(cell for cell in extra if cell.strip())[:200],
                f"the row has {plural(len(row) - width, 'more cell')} than the header, "
                "ignored; check the row for a stray delimiter",
            )
        return row[:width]

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
