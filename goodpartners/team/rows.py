"""Scoring a responses file chunk by chunk: every competency of every row, every problem noted.

Each row is either scored, skipped as empty, or listed in problems.csv with the
reason, so every row of the file is accounted for. reader.py reads the rows and
accounts for those that cannot be scored as they stand (problems.py says why a row does
not fit the header); this module scores the rest, and notes rows with no usable answer
and cells that are not answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import compress
from operator import attrgetter
from typing import Any

from goodpartners.models import Framework
from goodpartners.scoring import plan_competencies
from goodpartners.team.problems import ProblemLog
from goodpartners.team.reader import Chunk, RowReader
from goodpartners.team.responses import CellParser, ColumnMap, ResponsesFile
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
)

__all__ = ["CELL_NOTE", "Chunk", "ProblemLog", "RowScorer"]

CELL_NOTE = "; the rest of the row was scored"
Split = tuple[Chunk, list[list[Outcome]]]


class RowScorer:
    """Reads one responses file in chunks and scores every competency of every row."""

    def __init__(
        self,
        framework: Framework,
        source: ResponsesFile,
        columns: ColumnMap,
        problems: ProblemLog,
        cell_note: str = CELL_NOTE,
        show_id: Callable[[str], str] = str,
        seen: IdTable | None = None,
    ) -> None:
        self.framework = framework
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
        self.reader = RowReader(source, columns, problems, self.parser, show_id, seen)
        self.unanswered = 0
        self.dropped = 0  # rows another stage refused, such as a rating about no one
        # A stage that keeps some rows of each chunk (a multi-rater run's self rows), and may
        # note problems with the others before the chunk's problems are written in line order.
        self.split: Callable[[Chunk, list[list[Outcome]]], Split] | None = None
        self.cell_note = cell_note
        # Told of each chunk as it is read, before any row is dropped (halves.py).
        self.on_read: Callable[[Chunk], object] | None = None

    @property
    def rows(self) -> int:
        """Rows read, apart from the header: scored, skipped or not scored."""
        return self.reader.rows

    @property
    def lines(self) -> int:
        """Lines after the header; a row with a multi-line cell has several."""
        return self.reader.lines

    @property
    def skipped(self) -> int:
        """Empty rows."""
        return self.reader.skipped

    @property
    def not_scored(self) -> int:
        """Rows listed in problems.csv as not scored."""
        return self.reader.not_scored + self.unanswered + self.dropped

    def chunks(self) -> Iterator[tuple[Chunk, list[list[Outcome]]]]:
        """Each chunk of rows to score, with every competency's outcome for each row."""
        for chunk in self.reader.read():
            if self.on_read is not None:
                self.on_read(chunk)
            outcomes = [tally.outcomes(chunk.rows) for tally in self.tallies]
            infos = list(map(self.row_memo.__getitem__, add_up([map(CODE, o) for o in outcomes])))
            answered = list(map(ANSWERED, infos))
            if 0 in answered:
                chunk, outcomes, infos = self._drop_unanswered(chunk, outcomes, infos, answered)
            chunk.infos = infos
            self._report_cells(chunk, outcomes)
            if self.split is not None:
                chunk, outcomes = self.split(chunk, outcomes)
            self.problems.flush()
            if chunk.rows:
                yield chunk, outcomes

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
            self.unanswered += 1
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
