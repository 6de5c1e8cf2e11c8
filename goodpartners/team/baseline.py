"""An earlier round (--baseline): its scores kept per person, and the change for each person
found in both rounds.

Only about 35 bytes per baseline respondent are kept: a table of ids and each person's
scaled competency scores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goodpartners.csvsafe import SafeCsvWriter
from goodpartners.errors import UsageError
from goodpartners.models import Framework
from goodpartners.team.problems import ProblemLog
from goodpartners.team.reader import Chunk, estimate_rows
from goodpartners.team.responses import ColumnMap, ResponsesFile
from goodpartners.team.rows import CELL_NOTE, RowScorer
from goodpartners.team.summary import BaselineSummary, ChangeSummary
from goodpartners.team.tally import SCALED, IdTable, Level, Outcome, packing_for


@dataclass
class Baseline:
    """The earlier round, scored: each person's scores by id, and what was read."""

    table: IdTable
    problems: ProblemLog
    rows: int
    scored: int
    path: Path
    offset: int
    matched: int = 0


def read_baseline(
    framework: Framework,
    source: ResponsesFile,
    columns: ColumnMap,
    writer: SafeCsvWriter,
    show_id: Callable[[str], str],
) -> Baseline:
    """Score the earlier round and remember each person's scaled competency scores."""
    path = source.path
    if columns.id_column is None:
        raise UsageError(
            f"--baseline {path}: no respondent id column, so the rounds cannot be "
            "paired; name the column with --id-column"
        )
    problems = ProblemLog(writer, prefix=f"in the baseline {path.name}: ")
    # Scores are kept shifted up by `offset`, so that 0 can mean "not scored".
    offset = (
        max(abs(framework.scale.min), abs(framework.scale.max)) * packing_for(framework).factor + 1
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
    return Baseline(table, problems, scorer.rows, scored, path, offset)


class Pairing:
    """The change for each person in both rounds, per competency and overall."""

    def __init__(self, baseline: Baseline, framework: Framework) -> None:
        self.baseline = baseline
        self.factor = packing_for(framework).factor
        self.names = [c.id for _, c in framework.competencies()] + ["overall"]
        # Per competency, then overall: sum of changes, paired, improved, declined.
        self.changes: list[list[Any]] = [
            [0.0, 0, 0, 0] for _ in range(framework.competency_count + 1)
        ]
        self.paired = 0

    def pair(self, chunk: Chunk, outcomes: list[list[Outcome]], overall: list[Level]) -> None:
        """Add the change of each person in the chunk who was in the earlier round."""
        baseline = self.baseline
        find = baseline.table.find
        key_of = IdTable.key
        factor = self.factor
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

    def summary(self, scored_rows: int) -> BaselineSummary:
        """The comparison with the earlier round, for a run that scored `scored_rows` rows."""
        baseline = self.baseline
        return BaselineSummary(
            source=baseline.path.name,
            rows=baseline.rows,
            scored=baseline.scored,
            paired=self.paired,
            only_in_this_round=scored_rows - self.paired,
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
                for name, (total, paired, up, down) in zip(self.names, self.changes, strict=True)
            },
        )


def _add_change(entry: list[Any], change: float) -> None:
    entry[0] += change
    entry[1] += 1
    if change > 1e-9:
        entry[2] += 1
    elif change < -1e-9:
        entry[3] += 1
