"""Scoring a big CSV file on two cores: the second half in a child process, merged exactly.

Only a file whose every line is one row qualifies: a byte scan finds no quote and no null
character after the header, and every carriage return is part of a CR LF line end. A
line break near the middle is then a row boundary. The parent scores the first half
while a child process (`python -c` running `child_main`, which imports only the scoring
modules) scores the second. Every team tally is a Counter or a sum of whole numbers, so
adding the child's to the parent's gives what one pass gives. The child writes its rows
of scores.csv and problems.csv, and the ids it read, to the staging folder's scratch
folder; the parent appends the rows. When an id of the second half was already seen in
the first, or the child fails, the parent reads the second half itself, so duplicates
and errors read exactly as in one pass. tests/test_batch_parity.py runs every fixture
both ways and compares every byte.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import gc
import io
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from goodpartners.csvsafe import SafeCsvWriter
from goodpartners.models import Framework
from goodpartners.scoring import AlphaAccumulator
from goodpartners.team.problems import PROBLEMS_KEPT, ProblemLog
from goodpartners.team.responses import (
    ColumnMap,
    PhysicalLines,
    ResponsesFile,
    SourceFormat,
    open_responses,
)
from goodpartners.team.rows import RowScorer
from goodpartners.team.summary import HeatmapRow, ProblemRow
from goodpartners.team.tally import IdTable
from goodpartners.team.totals import HEATMAP_MAX, MAX_GROUP_VALUES, TeamTotals
from goodpartners.team.writing import ScoreWriter, keyed_pseudonym

HALVES_BYTES = 5_000_000
"""Files smaller than this are read in one process: a child's start-up costs more."""
SETTING = "GOODPARTNERS_HALVES"
"""The environment variable that sets the two halves "always" (any size: tests) or "never"."""
SCAN_BYTES = 1 << 20
SHARE = 52
"""The parent's share of the rows, in percent."""
# Encodings in which a quote, a null, CR and LF are single bytes that are never part of
# another character, so a byte scan tells where lines end.
BYTE_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "cp1252", "iso8859-1", "ascii"})
HALF_RESULT = "half.pickle"
IDS_READ = 1 << 18


@dataclass(frozen=True)
class Split:
    """Where a file is cut in two: byte offsets, and the lines before the second half."""

    header_end: int  # the byte after the header's last line
    middle: int  # the first byte of the second half
    middle_line: int  # the line number of the first half's last line
    size: int


def find_split(source: ResponsesFile) -> Split | None:
    """Where to cut a CSV file whose first half is one row a line, or None to read it in
    one go. The child checks the second half the same way before it scores it."""
    setting = os.environ.get(SETTING, "")
    if setting == "never":
        return None
    size = source.path.stat().st_size
    if size < HALVES_BYTES and setting != "always":
        return None
    if codecs.lookup(source.format.encoding).name not in BYTE_ENCODINGS:
        return None
    with source.path.open("rb") as stream:
        header_end = _line_end(stream, 0, source.lines.count)
        if header_end < 0:
            return None
        # A little past the middle: the child starts a moment later than the parent.
        middle = _line_end(stream, header_end + (size - header_end) * SHARE // 100, 1)
        if middle < 0 or middle >= size:
            return None
        stream.seek(0)
        before = _lines_of_rows(stream, middle, header_end)
    return None if before is None else Split(header_end, middle, before, size)


def _line_end(stream: IO[bytes], start: int, lines: int) -> int:
    """The byte after the `lines`-th line feed from `start` on; -1 if there are fewer."""
    stream.seek(start)
    position = start
    while block := stream.read(SCAN_BYTES):
        feeds = block.count(b"\n")
        if feeds >= lines:
            index = -1
            for _ in range(lines):
                index = block.index(b"\n", index + 1)
            return position + index + 1
        lines -= feeds
        position += len(block)
    return -1


def _lines_of_rows(stream: IO[bytes], end: int, header_end: int = 0) -> int | None:
    """The line feeds from the stream's position to byte `end`, if every line is one row
    there: no null character, no quote after the header, every CR followed by LF."""
    position = stream.tell()
    feeds = 0
    carriage_return = False  # the last block ended with CR: the next must start with LF
    while position < end and (block := stream.read(min(SCAN_BYTES, end - position))):
        if b"\x00" in block or (carriage_return and not block.startswith(b"\n")):
            return None
        carriage_return = block.endswith(b"\r")
        if block.count(b"\r") - block.count(b"\r\n") - carriage_return:
            return None  # a line that ends with CR alone
        if b'"' in block[max(0, header_end - position) :]:
            return None
        feeds += block.count(b"\n")
        position += len(block)
    return None if carriage_return else feeds


class _Window(io.RawIOBase):
    """The bytes of a file from `start` to `end`, read as if they were the whole file."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        super().__init__()
        self._file = path.open("rb", buffering=0)
        self._file.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        size = min(len(view), self._left)
        if size <= 0:
            return 0
        got = self._file.readinto(view[:size]) or 0
        self._left -= got
        return got

    def tell(self) -> int:
        """Where in the whole file the window has read to."""
        return self._file.tell()

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


def window(source: ResponsesFile, start: int, end: int, line: int) -> ResponsesFile:
    """The source's rows from byte `start` (after line `line`) to byte `end`."""
    encoding = source.format.encoding
    if codecs.lookup(encoding).name == "utf-8-sig":
        encoding = "utf-8"  # the mark is only at the start of the file
    raw = _Window(source.path, start, end)
    stream = io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, newline="")
    delimiter = source.format.delimiter
    lines = PhysicalLines(stream, source.path, delimiter, line)
    lines.header = source.lines.header
    reader = csv.reader(lines, delimiter=delimiter)
    return dataclasses.replace(source, stream=stream, lines=lines, reader=reader)


class UnevenHalf(Exception):
    """The second half has a line that is not one row, so the parent reads it."""


@dataclass(frozen=True)
class Job:
    """What the child needs to score the second half."""

    path: Path
    format: SourceFormat
    platform: str
    columns: ColumnMap
    framework: Framework
    cell_note: str
    secret: bytes | None
    anonymise: bool
    split: Split
    scratch: Path


@dataclass
class TallyState:
    """One competency's tallies from the child (see tally.CompetencyTally)."""

    scores: Counter[int]
    band_counts: Counter[str]
    not_scored: int
    alpha: AlphaAccumulator
    answer_counts: list[Counter[int | str | None]]
    group_sums: list[dict[str, list[int]]]


@dataclass
class Half:
    """Everything the child counted in the second half."""

    rows: int
    lines: int
    skipped: int
    not_scored: int
    unanswered: int
    previews: int
    preview_lines: list[int]
    problem_count: int
    rows_with_problems: int
    first_problems: list[ProblemRow]
    tallies: list[TallyState]
    scored_rows: int
    flag_counts: Counter[str]
    group_counts: list[Counter[str] | None]
    theme_scores: list[Counter[int]]
    overall_scores: Counter[int]
    heatmap: list[HeatmapRow] | None


def score_half(job: Job) -> Half:
    """Score the second half of a file, writing its rows to the scratch folder."""
    split = job.split
    with job.path.open("rb") as stream:
        stream.seek(split.middle)
        if _lines_of_rows(stream, split.size) is None:
            raise UnevenHalf
    opened = open_responses(job.path, job.format, job.platform)
    try:
        source = window(opened, split.middle, split.size, split.middle_line)
    finally:
        opened.close()
    pseudonym = keyed_pseudonym(job.secret) if job.secret is not None else None
    scratch = job.scratch
    with (
        source.stream,
        _text(scratch / "scores.csv") as score_stream,
        _text(scratch / "problems.csv") as problem_stream,
        _text(scratch / "ids.txt") as id_stream,
    ):
        problems = ProblemLog(SafeCsvWriter(problem_stream))
        scorer = RowScorer(
            job.framework, source, job.columns, problems, job.cell_note, pseudonym or str
        )
        scorer.on_read = lambda chunk: id_stream.write("".join(i + "\n" for i in chunk.ids))
        totals = TeamTotals(job.framework, job.columns, scorer, job.anonymise)
        writer = ScoreWriter(job.framework, job.columns, io.StringIO(), pseudonym)
        writer.write = score_stream.write  # the rows without the header
        for chunk, outcomes in scorer.chunks():
            scores = totals.add(chunk, outcomes)
            writer.add(chunk, outcomes, scores)
            if totals.heatmap is not None:
                totals.keep_heatmap(chunk, outcomes, scores.overall)
    scorer.fold()
    reader = scorer.reader
    return Half(
        rows=reader.rows,
        lines=reader.lines,
        skipped=reader.skipped,
        not_scored=reader.not_scored,
        unanswered=scorer.unanswered,
        previews=reader.previews,
        preview_lines=reader.preview_lines,
        problem_count=problems.count,
        rows_with_problems=problems.rows_with_problems,
        first_problems=problems.first,
        tallies=[
            TallyState(
                t.scores, t.band_counts, t.not_scored, t.alpha, t.answer_counts, t.group_sums
            )
            for t in scorer.tallies
        ],
        scored_rows=totals.scored_rows,
        flag_counts=totals.flag_counts,
        group_counts=totals.group_counts,
        theme_scores=totals.theme_scores,
        overall_scores=totals.overall_scores,
        heatmap=totals.heatmap,
    )


def _text(path: Path) -> IO[str]:
    return path.open("w", encoding="utf-8", errors="surrogatepass", newline="")


class Child:
    """The child process scoring the second half; stopped on leaving, however that is."""

    def __init__(self, job: Job) -> None:
        self.job = job
        job_path = job.scratch / "job.pickle"
        job_path.write_bytes(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
        root = str(Path(__file__).resolve().parents[2])
        code = (
            f"import sys; sys.path[0] = {root!r}; "
            "from goodpartners.team.halves import child_main; child_main()"
        )
        options: dict[str, Any] = {}
        if os.name == "nt":
            options["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        else:
            options["start_new_session"] = True  # Ctrl-C reaches the parent, which stops it
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(job_path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **options,
        )

    def result(self) -> Half | None:
        """The child's counts once it is done; None if it failed."""
        if self.process.wait() != 0:
            return None
        try:
            half = pickle.loads((self.job.scratch / HALF_RESULT).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError):
            return None
        return half if isinstance(half, Half) else None

    def repeats(self, seen: IdTable) -> bool:
        """Whether the child read an id already in `seen` (the first half's), checked as
        the child writes them, until it is done; it is stopped at the first one found."""
        path = self.job.scratch / "ids.txt"
        done = 0  # bytes of the file checked, up to its last complete line
        finished = False
        size = IDS_READ
        while True:
            if not finished:
                finished = self.process.poll() is not None  # then the whole file is there
            try:
                with path.open("rb") as stream:
                    stream.seek(done)
                    data = stream.read(size)  # a piece at a time: memory stays flat
            except FileNotFoundError:
                data = b""
            end = data.rfind(b"\n") + 1
            if end:
                done += end
                ids = data[:end].decode("utf-8", "surrogatepass").split("\n")
                ids.pop()
                if seen.knows_any(map(hash, ids)):
                    self.stop()
                    return True
            if len(data) == size:
                size = IDS_READ if end else size * 2  # an id longer than a piece: read more
                continue
            if finished:
                return False
            time.sleep(0.02)

    def stop(self) -> None:
        """End the child if it is still running, and wait for it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@contextlib.contextmanager
def child_for(job: Job) -> Iterator[Child]:
    """A child scoring the second half, stopped however the block ends (Ctrl-C too)."""
    child = Child(job)
    try:
        yield child
    finally:
        child.stop()


def child_main() -> None:
    """The child process: score the half its job names, then leave the counts beside it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the child
    job_path = Path(sys.argv[1])
    job = pickle.loads(job_path.read_bytes())
    gc.disable()  # as batch._no_cycle_collection: rows make no cycles
    half = score_half(job)
    partial = job.scratch / (HALF_RESULT + ".part")
    partial.write_bytes(pickle.dumps(half, pickle.HIGHEST_PROTOCOL))
    os.replace(partial, job.scratch / HALF_RESULT)


def append_rows(scratch: Path, score_stream: IO[str], problem_stream: IO[str]) -> None:
    """Add the child's rows of scores.csv and problems.csv after the first half's."""
    for name, stream in (("scores.csv", score_stream), ("problems.csv", problem_stream)):
        with (scratch / name).open(encoding="utf-8", errors="surrogatepass", newline="") as rows:
            shutil.copyfileobj(rows, stream, 1 << 20)


def merge(half: Half, scorer: RowScorer, totals: TeamTotals, problems: ProblemLog) -> None:
    """Add the second half's counts to the first's, as one pass over the file would."""
    reader = scorer.reader
    reader.rows += half.rows
    reader.lines += half.lines
    reader.skipped += half.skipped
    reader.not_scored += half.not_scored
    reader.previews += half.previews
    reader.preview_lines = (reader.preview_lines + half.preview_lines)[:5]
    scorer.unanswered += half.unanswered
    problems.count += half.problem_count
    problems.rows_with_problems += half.rows_with_problems
    problems.first = (problems.first + half.first_problems)[:PROBLEMS_KEPT]
    scorer.fold()
    for tally, state in zip(scorer.tallies, half.tallies, strict=True):
        tally.scores.update(state.scores)
        tally.band_counts.update(state.band_counts)
        tally.not_scored += state.not_scored
        tally.alpha.merge(state.alpha)
        for counts, more in zip(tally.answer_counts, state.answer_counts, strict=True):
            counts.update(more)
        for sums, more_sums in zip(tally.group_sums, state.group_sums, strict=True):
            for value, (total, people) in more_sums.items():
                entry = sums.setdefault(value, [0, 0])
                entry[0] += total
                entry[1] += people
    _merge_totals(half, totals)


def _merge_totals(half: Half, totals: TeamTotals) -> None:
    totals.scored_rows += half.scored_rows
    totals.flag_counts.update(half.flag_counts)
    for scores, more in zip(totals.theme_scores, half.theme_scores, strict=True):
        scores.update(more)
    totals.overall_scores.update(half.overall_scores)
    for index, more_groups in enumerate(half.group_counts):
        counts = totals.group_counts[index]
        if counts is None:
            continue
        if more_groups is not None:
            counts.update(more_groups)
        if more_groups is None or len(counts) > MAX_GROUP_VALUES:
            totals.group_counts[index] = None
            for tally in totals.tallies:
                tally.drop_group(index)
    heatmap = totals.heatmap
    if heatmap is not None:
        if half.heatmap is None or len(heatmap) + len(half.heatmap) > HEATMAP_MAX:
            totals.heatmap = None
        else:
            heatmap.extend(half.heatmap)
