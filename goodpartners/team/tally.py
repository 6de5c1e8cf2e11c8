"""Scoring by memo with bounded tallies: the engine under streamed team scoring.

A team export repeats the same few answer patterns over and over, so each distinct
pattern of a competency's cells is parsed and scored once (an Outcome), and every
row with that pattern shares it. Work runs column by column with `map`, which keeps
the per-row cost in C. Team statistics are Counters of distinct outcomes, folded
into exact tallies from time to time, so memory does not grow with the rows.
reader.py reads the rows, rows.py scores them, writing.py and batch.py write the outputs.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import compress, count
from operator import add, attrgetter, itemgetter
from typing import Any, Generic, TypeVar

from goodpartners.csvsafe import csv_cell
from goodpartners.models import Band, Framework
from goodpartners.scoring import AlphaAccumulator, CompetencyPlan, band_for
from goodpartners.team.responses import (
    INVALID,
    NA,
    CellParser,
)

MEMO_LIMIT = 50_000
PENDING_LIMIT = 50_000
STRAIGHT_LINING = "straight-lining"
MIXED = -1
"""`Outcome.uniform` when a competency's answers differ."""
NO_ANSWER = -2
"""`Outcome.uniform` when a competency has no answers."""

K = TypeVar("K")
V = TypeVar("V")


def plural(count: int, word: str) -> str:
    """'1 more cell', '2 more cells'."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def add_up(columns: Sequence[Iterable[int]]) -> Iterator[int]:
    """Row by row, the sum of several columns of whole numbers."""
    total: Iterator[int] = iter(columns[0])
    for column in columns[1:]:
        total = map(add, total, column)
    return total


class Memo(dict[K, V], Generic[K, V]):
    """A dict that works out and keeps missing values, and forgets them all when it gets big."""

    def __init__(self, compute: Callable[[K], V], limit: int = MEMO_LIMIT) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit
        self.on_clear: Callable[[], None] | None = None

    def __missing__(self, key: K) -> V:
        value = self.compute(key)
        if len(self) >= self.limit:
            self.clear()
            if self.on_clear:
                self.on_clear()
        self[key] = value
        return value


def two_dp(numerator: int, denominator: int) -> str:
    """The fraction numerator/denominator with two decimals, halves rounded up (3.125 is 3.13)."""
    hundredths = (200 * numerator + denominator) // (2 * denominator)
    sign = "-" if hundredths < 0 else ""
    hundredths = abs(hundredths)
    return f"{sign}{hundredths // 100}.{hundredths % 100:02d}"


class Outcome:
    """One competency's cells in one row, scored; shared by every row with the same cells."""

    __slots__ = (
        "answered",
        "answers",
        "bad",
        "band",
        "band_cell",
        "code",
        "packed",
        "reversed",
        "scaled",
        "score",
        "text",
        "uniform",
    )

    def __init__(
        self,
        answers: tuple[int | str | None, ...],
        reversed_values: tuple[int | None, ...],
        answered: int,
        score: Score | None,
        code: int,
        bad: tuple[tuple[int, str], ...],
    ) -> None:
        self.answers = answers  # per item, framework order: a point, "n/a" or None
        self.reversed = reversed_values  # per item with a column, reverse-keyed ones turned
        self.answered = answered
        self.code = code  # see RowCoding
        self.bad = bad  # (column, raw cell) for each cell that is not an answer
        if score is None:
            self.scaled = None
            self.packed = 0
            self.score = None
            self.text = self.band = self.band_cell = ""
        else:
            self.scaled = score.scaled
            self.packed = score.packed
            self.score = score.score
            self.text = score.text
            self.band = score.band
            self.band_cell = score.band_cell


class Score:
    """A competency score (a mean of whole numbers) in every form the outputs need."""

    __slots__ = ("band", "band_cell", "packed", "scaled", "score", "text")

    def __init__(self, total: int, count: int, packing: Packing, bands: Sequence[Band]) -> None:
        # The score times packing.factor is a whole number, so sums of scores stay exact.
        self.scaled = total * (packing.factor // count)
        self.packed = self.scaled * packing.base + 1
        self.score = total / count
        self.text = two_dp(total, count)
        self.band = band_for(self.score, bands).id
        self.band_cell = csv_cell(self.band)


class RowInfo:
    """What a row's flags columns say: shared by rows with the same row code."""

    __slots__ = ("answered", "answered_text", "flags")

    def __init__(self, answered: int, flags: str) -> None:
        self.answered = answered
        self.answered_text = str(answered)
        self.flags = flags


class RowCoding:
    """Packs what a row's flags need into one whole number per competency; a row sums them.

    Digits in base `base` count the competencies whose answers were all the same
    scale point (one digit per point) or mixed; above them sit the number of answered
    statements, then one bit per competency that had too few answers to be scored.
    """

    def __init__(self, framework: Framework) -> None:
        self.low = framework.scale.min
        self.points = len(framework.scale.points)
        self.base = framework.competency_count + 1
        self.mixed_unit: int = self.base**self.points
        self.answered_unit = self.mixed_unit * self.base
        self.flag_unit = self.answered_unit * (framework.item_count + 1)
        self.item_total = framework.item_count
        self.ids = [c.id for _, c in framework.competencies()]

    def code(self, index: int, uniform: int, answered: int, incomplete: bool) -> int:
        """The code of one competency's outcome."""
        code: int = answered * self.answered_unit
        if uniform == MIXED:
            code += self.mixed_unit
        elif uniform != NO_ANSWER:
            code += int(self.base ** (uniform - self.low))
        if incomplete:
            code += self.flag_unit << index
        return code

    def decode(self, code: int) -> RowInfo:
        """The flags and answered count of a row, from the sum of its codes."""
        flag_bits, rest = divmod(code, self.flag_unit)
        answered, digits = divmod(rest, self.answered_unit)
        counts = []
        for _ in range(self.points + 1):
            digits, count = divmod(digits, self.base)
            counts.append(count)
        mixed = counts.pop()
        flags = [f"incomplete:{cid}" for i, cid in enumerate(self.ids) if flag_bits >> i & 1]
        same = sum(1 for count in counts if count)
        # Straight-lining: every answered statement got the same answer, over half answered.
        if not mixed and same == 1 and answered * 2 > self.item_total:
            flags.append(STRAIGHT_LINING)
        return RowInfo(answered, ";".join(flags))


@dataclass(frozen=True)
class Packing:
    """How competency scores are packed into one whole number, so sums of them stay exact.

    A scored competency packs as `scaled * base + 1`, where scaled is its score times
    `factor` (a multiple of every possible count of answers). Adding packed values
    adds up the scaled scores and counts the scored competencies in one go.
    """

    factor: int
    base: int

    def exact(self, key: int) -> Fraction | None:
        """The mean score of a packed sum, exactly; None when nothing was scored."""
        total, count = divmod(key, self.base)
        return Fraction(total, self.factor * count) if count else None


def packing_for(framework: Framework) -> Packing:
    """The packing for a framework: factor is a multiple of every possible answer count."""
    longest = max(len(c.items) for _, c in framework.competencies())
    return Packing(factor=math.lcm(*range(1, longest + 1)), base=framework.competency_count + 1)


class Level:
    """A theme's or the overall score for one row; shared by rows with the same packed sum."""

    __slots__ = ("band", "band_cell", "key", "score", "text")

    def __init__(self, key: int, scale: Packing, bands: Sequence[Band]) -> None:
        total, count = divmod(key, scale.base)
        self.key = key
        self.score = total / (scale.factor * count) if count else None
        self.text = two_dp(total, scale.factor * count) if count else ""
        self.band = band_for(self.score, bands).id if self.score is not None else ""
        self.band_cell = csv_cell(self.band)


ANSWERED = attrgetter("answered")
TEXT = attrgetter("text")
BAND = attrgetter("band")
BAND_CELL = attrgetter("band_cell")
SCALED = attrgetter("scaled")
PACKED = attrgetter("packed")
CODE = attrgetter("code")
ANSWERED_TEXT = attrgetter("answered_text")
FLAGS = attrgetter("flags")


class CompetencyTally:
    """Scores one competency chunk after chunk, and keeps its team tallies."""

    def __init__(
        self,
        framework: Framework,
        plan: CompetencyPlan,
        columns: dict[str, int],
        parser: CellParser,
        packing: Packing,
        coding: RowCoding,
        group_count: int,
    ) -> None:
        competency = framework.competency(plan.id)
        self.index = coding.ids.index(plan.id)
        self.coding = coding
        self.id = plan.id
        self.plan = plan
        self.bands = framework.bands
        self.parser = parser
        self.packing = packing
        self.items = [item.id for item in competency.items]
        self.present = [(pos, columns[i]) for pos, i in enumerate(self.items) if i in columns]
        self.scorable = len(self.present) >= plan.needed
        present_columns = [column for _, column in self.present]
        self.getter: Callable[[list[str]], Any] | None = (
            itemgetter(*present_columns) if present_columns else None
        )
        self.present_reverse = [
            (pos, column, self.plan.reverse[pos]) for pos, column in self.present
        ]
        self.score_memo: Memo[tuple[int, int], Score] = Memo(
            lambda key: Score(key[0], key[1], packing, framework.bands)
        )
        self.bad_outcomes: set[Outcome] = set()
        self.memo: Memo[Any, Outcome] = Memo(self._compute)
        self.memo.on_clear = self.bad_outcomes.clear
        self.empty = self._compute(("",) * len(self.present))
        self.pending: Counter[Outcome] = Counter()
        self.group_pending: list[Counter[tuple[str, Outcome]]] = [
            Counter() for _ in range(group_count)
        ]
        self.scores: Counter[int] = Counter()  # scaled score -> people
        self.band_counts: Counter[str] = Counter()
        self.not_scored = 0
        self.alpha = AlphaAccumulator(len(self.present))
        # Per item (framework order): answer (a point, "n/a" or None for blank) -> people.
        self.answer_counts: list[Counter[int | str | None]] = [Counter() for _ in self.items]
        # Per group column: value -> [sum of scaled scores, people scored].
        self.group_sums: list[dict[str, list[int]]] = [{} for _ in range(group_count)]

    def _compute(self, key: Any) -> Outcome:
        raw: tuple[str, ...] = (key,) if isinstance(key, str) else key
        parse = self.parser.parse
        low_high = self.plan.low_high
        answers: list[int | str | None] = [None] * len(self.items)
        turned: list[int | None] = []
        distinct: set[int] = set()
        bad: list[tuple[int, str]] = []
        total = count = 0
        for (pos, column, reverse), text in zip(self.present_reverse, raw, strict=True):
            cell = parse(text)
            if isinstance(cell, int):
                answers[pos] = cell
                distinct.add(cell)
                value = low_high - cell if reverse else cell
                turned.append(value)
                total += value
                count += 1
                continue
            turned.append(None)
            if cell is NA:
                answers[pos] = "n/a"
            elif cell is INVALID:
                bad.append((column, text))
        if not distinct:
            uniform = NO_ANSWER
        else:
            uniform = distinct.pop() if len(distinct) == 1 else MIXED
        score = self.score_memo[(total, count)] if count >= self.plan.needed else None
        code = self.coding.code(self.index, uniform, count, score is None and self.scorable)
        outcome = Outcome(tuple(answers), tuple(turned), count, score, code, tuple(bad))
        if bad:
            self.bad_outcomes.add(outcome)
        return outcome

    def outcomes(self, rows: list[list[str]]) -> list[Outcome]:
        """The outcome for each row."""
        if self.getter is None:
            return [self.empty] * len(rows)
        return list(map(self.memo.__getitem__, map(self.getter, rows)))

    def tally(self, outcomes: list[Outcome], groups: Sequence[list[str] | None]) -> None:
        """Count the outcomes of scored rows, for the team and for each group."""
        self.pending.update(outcomes)
        for pending, values in zip(self.group_pending, groups, strict=True):
            if values is not None:
                pending.update(zip(values, outcomes, strict=True))
        if len(self.pending) > PENDING_LIMIT or any(
            len(p) > PENDING_LIMIT for p in self.group_pending
        ):
            self.fold()

    def fold(self) -> None:
        """Move pending counts into the tallies (bounded by the number of distinct values)."""
        for outcome, weight in self.pending.items():
            if outcome.scaled is None:
                self.not_scored += weight
            else:
                self.scores[outcome.scaled] += weight
                self.band_counts[outcome.band] += weight
            # Every row counts for psych's n.obs, even one with the competency left blank.
            self.alpha.add(outcome.reversed, weight)
            for counts, answer in zip(self.answer_counts, outcome.answers, strict=True):
                counts[answer] += weight
        self.pending.clear()
        for pending, sums in zip(self.group_pending, self.group_sums, strict=True):
            for (value, outcome), weight in pending.items():
                if outcome.scaled is not None:
                    entry = sums.setdefault(value, [0, 0])
                    entry[0] += outcome.scaled * weight
                    entry[1] += weight
            pending.clear()

    def exact_scores(self) -> Counter[Fraction]:
        """The tallied scores as exact fractions."""
        factor = self.packing.factor
        return Counter({Fraction(scaled, factor): n for scaled, n in self.scores.items()})

    def drop_group(self, index: int) -> None:
        """Stop tallying a group column that has too many values to compare."""
        self.group_pending[index].clear()
        self.group_sums[index].clear()


class IdTable:
    """Remembers respondent ids, as 64-bit hashes, with a line number and an optional payload.

    Open addressing in flat arrays takes about 20 bytes per id; a Python set of
    the id strings would take five times as much.
    """

    LOAD = 0.6

    def __init__(self, expected: int = 1000, payload_width: int = 0, largest: int = 1) -> None:
        self.width = payload_width
        # The smallest whole-number type that holds payload values up to +-largest.
        self.typecode = "h" if largest < 2**15 else "i" if largest < 2**31 else "q"
        self._count = 0
        self.last_slot = -1
        self._allocate(1 << max(10, int(expected / self.LOAD)).bit_length())

    def _allocate(self, size: int) -> None:
        self._size = size
        self._mask = size - 1
        self._limit = int(size * self.LOAD)
        self._keys = array("q", bytes(8 * size))
        self._lines = array("i", bytes(4 * size))
        itemsize = array(self.typecode).itemsize
        self._payload = array(self.typecode, bytes(itemsize * size * self.width))

    def __len__(self) -> int:
        return self._count

    @staticmethod
    def key(ident: str) -> int:
        """The 64-bit key of an id (never 0, which marks an empty slot)."""
        return hash(ident) | 1

    def add(self, key: int, line: int) -> int:
        """Add an id; 0 if it is new (its slot is then `last_slot`), else the earlier line."""
        keys = self._keys
        mask = self._mask
        slot = key & mask
        found = keys[slot]
        while found:
            if found == key:
                return self._lines[slot]
            slot = (slot + 1) & mask
            found = keys[slot]
        keys[slot] = key
        self._lines[slot] = line
        self.last_slot = slot
        self._count += 1
        if self._count > self._limit:
            self._grow()
            self.last_slot = self.find(key)
        return 0

    def add_many(self, hashes: Iterable[int], first_line: int) -> list[tuple[int, int]]:
        """Add the ids of consecutive lines, given as `hash(id)`; (index, earlier line) for
        each one seen before. The same as `add(key(id), line)` one at a time, inlined."""
        repeats: list[tuple[int, int]] = []
        table, lines, mask = self._keys, self._lines, self._mask
        room = self._limit - self._count
        for line, hashed in zip(count(first_line), hashes):
            key = hashed | 1
            slot = key & mask
            found = table[slot]
            while found:
                if found == key:
                    repeats.append((line - first_line, lines[slot]))
                    break
                slot = (slot + 1) & mask
                found = table[slot]
            else:
                table[slot] = key
                lines[slot] = line
                room -= 1
                if room < 0:  # the table is full: grow it, then go on as `add` would
                    self._count = self._limit - room
                    self._grow()
                    table, lines, mask = self._keys, self._lines, self._mask
                    room = self._limit - self._count
        self._count = self._limit - room
        return repeats

    def knows_any(self, hashes: Iterable[int]) -> bool:
        """Whether any of these ids, given as `hash(id)`, is in the table."""
        table, mask = self._keys, self._mask
        for hashed in hashes:
            key = hashed | 1
            slot = key & mask
            found = table[slot]
            while found:
                if found == key:
                    return True
                slot = (slot + 1) & mask
                found = table[slot]
        return False

    def set_payload(self, slot: int, payload: Sequence[int]) -> None:
        """Store the payload of the id in a slot."""
        start = slot * self.width
        self._payload[start : start + self.width] = array(self.typecode, payload)

    def payload(self, slot: int) -> array[int]:
        """The payload stored in a slot."""
        return self._payload[slot * self.width : (slot + 1) * self.width]

    def find(self, key: int) -> int:
        """The slot of a key, or -1."""
        keys = self._keys
        mask = self._mask
        slot = key & mask
        found = keys[slot]
        while found:
            if found == key:
                return slot
            slot = (slot + 1) & mask
            found = keys[slot]
        return -1

    def _grow(self) -> None:
        old_keys, old_lines, old_payload = self._keys, self._lines, self._payload
        width = self.width
        self._allocate(self._size * 2)
        count = self._count
        for slot in compress(range(len(old_keys)), old_keys):
            self.add(old_keys[slot], old_lines[slot])
            if width:
                self.set_payload(self.last_slot, old_payload[slot * width : (slot + 1) * width])
        self._count = count
