"""A multi-rater (360) run: each row is one rater's answers about one person.

Rows stream past as usual. This module reads each row's subject and rater columns, notes
rows it cannot use as problems (with their line), and keeps every rater's competency
scores per person, so that the people's views (multirater.py) are worked out at the end.
Memory grows with the number of ratings: a few hundred bytes each, which suits a 360
survey of a team or an organisation.

The person's own (self) rows go on to the team totals, scores.csv's usual columns and
the people's reports, as in a self-assessment run; the other rows only feed the views.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from goodpartners.errors import UsageError
from goodpartners.models import Answer, Framework, RaterGroupName
from goodpartners.multirater import (
    GROUPS,
    OTHER_GROUPS,
    OthersView,
    Rating,
    known_words,
    others_view,
    rater_group,
)
from goodpartners.team.problems import ROW_PROBLEM, ProblemLog
from goodpartners.team.reader import Chunk
from goodpartners.team.responses import (
    ID_NAMES,
    ColumnMap,
    describe_column,
    find_column,
    normalise,
)
from goodpartners.team.summary import BlindSpotShare, RatersSummary
from goodpartners.team.tally import Outcome

__all__ = [
    "RaterColumns",
    "RaterRows",
    "group_cells",
    "group_columns",
    "rater_columns",
    "rating_id",
    "BlindSpotTally",
    "MIN_RATERS_PRIVATE",
    "few_raters_warnings",
]


@dataclass(frozen=True)
class RaterColumns:
    """Where the subject and the rater's relationship are, and the smallest group shown."""

    subject: int
    rater: int
    min_raters: int


MIN_RATERS_PRIVATE = 3
"""Below this many raters in a group, a person's report can give away what one rater said."""


def few_raters_warnings(min_raters: int) -> list[str]:
    """What --min-raters below 3 gives away, in plain words (nothing from 3 up)."""
    if min_raters >= MIN_RATERS_PRIVATE:
        return []
    if min_raters == 1:
        what = "one rater's own scores, so that rater is not anonymous"
    else:
        what = "the scores of 2 raters, so each of them can work out what the other said"
    return [
        f"With --min-raters {min_raters}, a person's report can show {what}. "
        "Tell raters before they answer, or use the default of 3."
    ]


def rater_columns(
    columns: ColumnMap, subject: str, rater: str, min_raters: int, source: str
) -> RaterColumns:
    """Find --subject-column and --rater-column in the header; refuse an item's column."""
    if min_raters < 1:
        raise UsageError("--min-raters must be at least 1")
    found = []
    for option, wanted in (("--subject-column", subject), ("--rater-column", rater)):
        try:
            column = find_column(columns.header, wanted, option, source)
        except UsageError as error:
            raise UsageError(str(error) + _nearest(columns.header, wanted)) from None
        item = next((i for i, c in columns.items.items() if c == column), None)
        if item is not None:
            raise UsageError(
                f"{option} {wanted}: that column holds the answers to item {item}; "
                "give the column that says who is rated, or how the rater knows them"
            )
        found.append(column)
    if found[0] == found[1]:
        raise UsageError(
            f"--subject-column and --rater-column are the same column ({subject}); "
            "give the column that says who is rated, and the one that says how the rater "
            "knows them"
        )
    return RaterColumns(found[0], found[1], min_raters)


def _nearest(header: Sequence[str], wanted: str) -> str:
    """ ". Did you mean 'X'?" for the heading nearest a misspelt one, or nothing."""
    headings = {normalise(h): h.strip() for h in header if h.strip()}
    if normalise(wanted) in headings:  # found, but more than once: nothing to suggest
        return ""
    close = difflib.get_close_matches(normalise(wanted), list(headings), n=1, cutoff=0.75)
    return f". Did you mean '{headings[close[0]]}'?" if close else ""


def rating_id(columns: ColumnMap, layout_id: str | None) -> ColumnMap:
    """A 360's columns without a guessed id that names the rater rather than the row.

    A rater answers once for each person they rate, so their email, username or staff
    number is on several rows; taken as the respondent id, every row after their first
    would be refused as a repeat. A response id (a form's own "ID" column, "ResponseId")
    is one per row and stays. --id-column always stays: the caller does not come here.
    """
    column = columns.id_column
    if column is None:
        return columns

    def one_per_row(c: int) -> bool:
        heading = columns.header[c].strip()
        return heading == layout_id or normalise(heading) in ID_NAMES[-1]

    if one_per_row(column):
        return columns
    # An unused response id column, such as "ID" beside "Email", takes its place.
    instead = next((c for c in columns.ignored if one_per_row(c)), None)
    ignored = tuple(sorted(c for c in (*columns.ignored, column) if c != instead))
    return dataclasses.replace(columns, id_column=instead, ignored=ignored)


def group_columns(framework: Framework) -> list[str]:
    """The per-group columns scores.csv gains: <competency>_self, _others, _manager..."""
    return [
        f"{c.id}_{group}"
        for _, c in framework.competencies()
        for group in ("self", "others", *OTHER_GROUPS)
    ]


@dataclass
class _Person:
    """What is kept about one person as their ratings stream past."""

    name: str
    line: int
    ratings: list[tuple[RaterGroupName, tuple[float | None, ...]]] = field(default_factory=list)
    self_line: int | None = None
    self_answers: dict[str, Answer] | None = None


class RaterRows:
    """Sorts each chunk's rows by person and rater; keeps the ratings; notes bad rows."""

    def __init__(
        self,
        framework: Framework,
        columns: ColumnMap,
        where: RaterColumns,
        problems: ProblemLog,
        renames: Mapping[str, str] | None = None,
        pseudonym: Callable[[str], str] | None = None,
    ) -> None:
        self.framework = framework
        # --anonymise: problems give a person's code, never the name written in the file.
        self.pseudonym = pseudonym
        self.where = where
        self.problems = problems
        # The framework's raters: block, then a --mapping file's, which wins for its run.
        self.words = known_words({**framework.raters, **(renames or {})})
        self.subject_heading = columns.header[where.subject].strip()
        self.rater_heading = columns.header[where.rater].strip()
        # problems.csv's column: in a workbook, with its letter, as for any other problem.
        lettered = problems.lettered is not None
        self.subject_cell = (
            describe_column(where.subject, columns.header) if lettered else self.subject_heading
        )
        self.rater_cell = (
            describe_column(where.rater, columns.header) if lettered else self.rater_heading
        )
        self.item_ids = [[item.id for item in c.items] for _, c in framework.competencies()]
        self.competency_ids = [c.id for _, c in framework.competencies()]
        self.people: dict[str, _Person] = {}
        self.dropped = 0
        self.ratings = 0

    def split(
        self, chunk: Chunk, outcomes: list[list[Outcome]]
    ) -> tuple[Chunk, list[list[Outcome]]]:
        """Keep every usable rating; give the self rows, with the person as their id.

        Called by RowScorer before it writes the chunk's problems (RowScorer.split)."""
        keep: list[int] = []
        subjects: list[str] = []
        for index, row in enumerate(chunk.rows):
            line = chunk.lines[index]
            written = row[self.where.subject]
            subject = written.strip()
            raw = row[self.where.rater]
            group = self._group(line, subject, raw)
            if group is None:
                continue
            person = self._person(line, written)
            subject = person.name
            if group == "self" and person.self_line is not None:
                self._drop(
                    line,
                    self.rater_cell,
                    raw,
                    f"a second self rating for '{self._show(subject)}' (the first is on line "
                    f"{person.self_line}); only the first was scored. Remove one of them",
                )
                continue
            # A tuple in framework order is a tenth of a dict's size, and the score floats
            # are shared with the scored cell patterns, so a rating costs little to keep.
            person.ratings.append((group, tuple([column[index].score for column in outcomes])))
            self.ratings += 1
            if group == "self":
                person.self_line = line
                person.self_answers = self._answers(outcomes, index)
                keep.append(index)
                subjects.append(subject)

        def select(values: list[Any]) -> list[Any]:
            return [values[i] for i in keep]

        kept = Chunk(select(chunk.rows), select(chunk.lines), subjects, select(chunk.infos))
        return kept, [select(o) for o in outcomes]

    def _person(self, line: int, written: str) -> _Person:
        """The person a subject cell names, matched ignoring capitals and spaces.

        "ana", "Ana " and "ANA" are one person, named as first written; each other way
        of writing them is noted in problems.csv, so a merge is never silent."""
        name = written.strip()
        # Only capitals and spaces: "ana-b" and "ana_b" may well be two people.
        key = " ".join(name.split()).casefold()
        person = self.people.get(key)
        if person is None:
            person = self.people[key] = _Person(name, line)
        elif name != person.name:
            shown = self._show(person.name)
            self.problems.add(
                line,
                ROW_PROBLEM,
                self.subject_cell,
                written if self.pseudonym is None else shown,
                f"taken to be '{shown}' (line {person.line}), written with other "
                "capitals or spaces; this rating was scored as theirs. Write each name the "
                "same way every time",
            )
        return person

    def _show(self, name: str) -> str:
        return name if self.pseudonym is None else self.pseudonym(name)

    def _group(self, line: int, subject: str, raw: str) -> RaterGroupName | None:
        if not subject:
            self._drop(
                line,
                self.subject_cell,
                "",
                f"'{self.subject_heading}' is empty, so this rating is about no one and was "
                "not scored; fill in who it is about",
            )
            return None
        if not raw.strip():
            self._drop(
                line,
                self.rater_cell,
                "",
                f"'{self.rater_heading}' is empty, so this rating was not scored; fill in "
                "self, manager, peer or partner",
            )
            return None
        group = rater_group(raw, self.words)
        if group is None:
            close = difflib.get_close_matches(
                " ".join(raw.split()).casefold(), list(self.words), n=1, cutoff=0.75
            )
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self._drop(
                line,
                self.rater_cell,
                raw,
                f"not a rater group{hint}, so this rating was not scored; use "
                + ", ".join(GROUPS)
                + ", or add the word to the raters: block of the framework or --mapping file",
            )
        return group

    def _drop(self, line: int, column: str, value: str, problem: str) -> None:
        self.dropped += 1
        self.problems.add(line, ROW_PROBLEM, column, value, problem)

    def _answers(self, outcomes: list[list[Outcome]], index: int) -> dict[str, Answer]:
        answers: dict[str, Answer] = {}
        for ids, column in zip(self.item_ids, outcomes, strict=True):
            for item_id, answer in zip(ids, column[index].answers, strict=True):
                if answer is not None:
                    answers[item_id] = answer  # type: ignore[assignment]  # a point or n/a
        return answers

    def views(self) -> Iterator[tuple[str, dict[str, Answer] | None, OthersView]]:
        """Each person, in the order first seen: their own answers and how others see them."""
        ids = self.competency_ids
        for person in self.people.values():
            subject = person.name
            ratings = [
                Rating(group, dict(zip(ids, scores, strict=True)))
                for group, scores in person.ratings
            ]
            view = others_view(self.framework, subject, ratings, self.where.min_raters)
            yield subject, person.self_answers, view


class BlindSpotTally:
    """Counts, person by person, who has a blind spot on each competency."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        count = framework.competency_count
        self.compared = [0] * count
        self.blind = [0] * count
        self.people = 0
        self.rated_by_others = 0

    def add(self, view: OthersView) -> None:
        """Count one person's view."""
        self.people += 1
        self.rated_by_others += view.any_shown
        for position, comp in enumerate(view.competencies):
            if comp.gap is not None:
                self.compared[position] += 1
                self.blind[position] += comp.gap_kind == "blind spot"

    def summary(self, ratings: int, min_raters: int, min_group_size: int) -> RatersSummary:
        """The run's multi-rater figures: the share of people with a blind spot on each
        competency, among those whose own and others' scores are both shown. A share of
        fewer than min_group_size people is not shown, as with any group in the summary."""
        shares = []
        for position, (_, competency) in enumerate(self.framework.competencies()):
            compared, blind = self.compared[position], self.blind[position]
            enough = compared >= max(1, min_group_size)
            shares.append(
                BlindSpotShare(
                    competency=competency.id,
                    name=competency.name,
                    people=compared,
                    blind_spots=blind if enough else None,
                    share=blind / compared if enough else None,
                )
            )
        return RatersSummary(
            people=self.people,
            ratings=ratings,
            rated_by_others=self.rated_by_others,
            min_raters=min_raters,
            blind_spot=self.framework.scoring.blind_spot,
            blind_spots=shares,
        )


def group_cells(view: OthersView) -> list[str]:
    """A person's per-group cells for scores.csv: two decimals, blank where not shown."""
    cells: list[str] = []
    for comp in view.competencies:
        cells.append(_two(comp.self_score))
        cells.append(_two(comp.others))
        cells.extend(_two(g.mean) for g in comp.groups)
    return cells


def _two(value: float | None) -> str:
    """Two decimals, halves rounded up as in scores.csv's other columns (3.125 is 3.13).

    Scores are means of small whole numbers, never negative, so a half is exact in
    floating point and the small nudge only guards sums such as 2.675 * 100 = 267.49999.
    """
    if value is None:
        return ""
    hundredths = int(value * 100 + 0.5 + 1e-7)
    return f"{hundredths // 100}.{hundredths % 100:02d}"
