"""Writing a run's rows as they are scored: scores.csv, and each person's own report.

Every cell goes through csvsafe, so it is safe to open in a spreadsheet. Reports are
drawn by the renderer the caller hands in; nothing here imports one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import IO, Any

from goodpartners.csvsafe import SafeCsvWriter, csv_cell, csv_cells
from goodpartners.models import Answer, Assessment, Framework
from goodpartners.multirater import OthersView
from goodpartners.staging import StagedFolder
from goodpartners.team.reader import Chunk
from goodpartners.team.responses import ColumnMap
from goodpartners.team.tally import ANSWERED_TEXT, BAND_CELL, TEXT, Memo, Outcome
from goodpartners.team.totals import ChunkScores

PEOPLE = "people"
REPORT_NAME_MAX = 80


def pseudonym_secret(key: str | None) -> bytes:
    """The secret behind the pseudonyms: the key's bytes, or random bytes when none is given."""
    import secrets

    # surrogatepass: a key typed with bytes that are not UTF-8 still gives the same pseudonyms.
    return key.encode("utf-8", "surrogatepass") if key else secrets.token_bytes(32)


def keyed_pseudonym(secret: bytes) -> Callable[[str], str]:
    """Respondent id to keyed pseudonym (HMAC-SHA256 with the secret)."""
    import hashlib
    import hmac

    def pseudonym(ident: str) -> str:
        return "p-" + hmac.digest(secret, ident.encode("utf-8"), hashlib.sha256)[:8].hex()

    return pseudonym


class ScoreWriter:
    """Writes scores.csv: its header, then each chunk's rows as they are scored."""

    def __init__(
        self,
        framework: Framework,
        columns: ColumnMap,
        stream: IO[str],
        pseudonym: Callable[[str], str] | None,
        extra: Sequence[str] = (),
    ) -> None:
        self.write = stream.write
        self.pseudonym = pseudonym
        self.cell_memo: Memo[str, str] = Memo(csv_cell)
        competencies = [c.id for _, c in framework.competencies()]
        header = [
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
        self.width = len(header)  # a person with no own row has this many blanks
        SafeCsvWriter(stream).writerow([*header, *extra])

    def add(self, chunk: Chunk, outcomes: list[list[Outcome]], scores: ChunkScores) -> None:
        """Write one row of scores.csv for each row of the chunk."""
        self.write("\r\n".join(self.lines(chunk, outcomes, scores)) + "\r\n")

    def lines(
        self, chunk: Chunk, outcomes: list[list[Outcome]], scores: ChunkScores
    ) -> Iterator[str]:
        """The chunk's rows of scores.csv, each as one line without its line ending."""
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
        return map(",".join, cells)

    def add_person(self, line: str | None, respondent: str, extra: Sequence[str]) -> None:
        """Write one person's row of a multi-rater run: their own scores (or blanks), then
        the per-group cells."""
        if line is None:
            shown = self.pseudonym(respondent) if self.pseudonym else csv_cell(respondent)
            line = shown + "," * (self.width - 1)
        self.write(",".join([line, *map(csv_cell, extra)]) + "\r\n")


class PeopleReports:
    """Writes each person's own report into the people folder, as their rows are scored."""

    def __init__(
        self,
        framework: Framework,
        columns: ColumnMap,
        stage: StagedFolder,
        suffix: str,
        person: Callable[[Framework, Assessment, OthersView | None], str],
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
        item_ids = [[item.id for item in c.items] for _, c in framework.competencies()]
        name_column = self.columns.name_column
        now = datetime.now(timezone.utc)
        for index, ident in enumerate(chunk.ids):
            answers: dict[str, Any] = {}
            for ids, column_outcomes in zip(item_ids, outcomes, strict=True):
                for item_id, answer in zip(ids, column_outcomes[index].answers, strict=True):
                    if answer is not None:
                        answers[item_id] = answer
            name = None
            if name_column is not None:
                name = chunk.rows[index][name_column].strip()
            self.write(ident, name, answers, now)

    def write(
        self,
        ident: str,
        name: str | None,
        answers: dict[str, Answer],
        now: datetime,
        others: OthersView | None = None,
    ) -> None:
        """Write one person's report; the name is left out when people are pseudonymised."""
        respondent = self.pseudonym(ident) if self.pseudonym else ident
        shown_name = respondent if self.pseudonym else (name or respondent)
        assessment = Assessment.start(
            self.framework, respondent, name=shown_name, when=now, answers=answers, finished=True
        )
        if others is not None and self.pseudonym:
            others = others.model_copy(update={"subject": respondent})
        text = self.person(self.framework, assessment, others)
        file_name = report_file_name(respondent, self.names)
        self.stage.write(f"{PEOPLE}/{file_name}.{self.suffix}", text)


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
