"""Writing a run's rows as they are scored: scores.csv, and each person's own report.

Every cell goes through csvsafe, so it is safe to open in a spreadsheet. Reports are
drawn by the renderer the caller hands in; nothing here imports one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import IO, Any

from goodpartners.csvsafe import SafeCsvWriter, csv_cell, csv_cells
from goodpartners.models import Assessment, Framework
from goodpartners.staging import StagedFolder
from goodpartners.team.reader import Chunk
from goodpartners.team.responses import ColumnMap
from goodpartners.team.tally import ANSWERED_TEXT, BAND_CELL, TEXT, Memo, Outcome
from goodpartners.team.totals import ChunkScores

PEOPLE = "people"
REPORT_NAME_MAX = 80


class ScoreWriter:
    """Writes scores.csv: its header, then each chunk's rows as they are scored."""

    def __init__(
        self,
        framework: Framework,
        columns: ColumnMap,
        stream: IO[str],
        pseudonym: Callable[[str], str] | None,
    ) -> None:
        self.write = stream.write
        self.pseudonym = pseudonym
        self.cell_memo: Memo[str, str] = Memo(csv_cell)
        competencies = [c.id for _, c in framework.competencies()]
        SafeCsvWriter(stream).writerow(
            [
                "respondent",
                *(name for name, _ in columns.groups),
                *competencies,
                *(f"{c}_band" for c in competencies),
                *(t.id for t in framework.themes),
                "overall",
                "overall_band",
                "answered",
                "flags",
            ]
        )

    def add(self, chunk: Chunk, outcomes: list[list[Outcome]], scores: ChunkScores) -> None:
        """Write one row of scores.csv for each row of the chunk."""
        cell_memo = self.cell_memo
        shown: Iterable[str]
        if self.pseudonym:
            shown = map(self.pseudonym, chunk.ids)
        else:
            shown = csv_cells(chunk.ids)
        cells = zip(
            shown,
            *[map(cell_memo.__getitem__, values) for values in scores.group_values],
            *[map(TEXT, o) for o in outcomes],
            *[map(BAND_CELL, o) for o in outcomes],
            *[map(TEXT, level) for level in scores.levels],
            map(TEXT, scores.overall),
            map(BAND_CELL, scores.overall),
            map(ANSWERED_TEXT, chunk.infos),
            scores.flags,
            strict=True,
        )
        self.write("\r\n".join(map(",".join, cells)) + "\r\n")


class PeopleReports:
    """Writes each person's own report into the people folder, as their rows are scored."""

    def __init__(
        self,
        framework: Framework,
        columns: ColumnMap,
        stage: StagedFolder,
        suffix: str,
        person: Callable[[Framework, Assessment], str],
        pseudonym: Callable[[str], str] | None,
    ) -> None:
        self.framework = framework
        self.columns = columns
        self.stage = stage
        self.suffix = suffix
        self.person = person
        self.pseudonym = pseudonym
        self.names: set[str] = set()

    def add(self, chunk: Chunk, outcomes: list[list[Outcome]]) -> None:
        """Write the report of each person in the chunk."""
        framework = self.framework
        suffix = self.suffix
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
            text = self.person(framework, assessment)
            file_name = report_file_name(respondent, self.names)
            self.stage.write(f"{PEOPLE}/{file_name}.{suffix}", text)


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
