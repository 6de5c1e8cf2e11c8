"""The block reader (reader.FAST_PATH) gives the same results as the line-by-line reader.

Every export fixture, and files built to cross the block reader's edges (quoted cells over
line breaks, a quote never closed, duplicate ids far apart, blank and short rows, Windows
line ends), is scored both ways; every output file must be the same, byte for byte, and
so must the error of a run that fails.
"""

from __future__ import annotations

import random
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from goodpartners.errors import GoodPartnersError
from goodpartners.models import Framework
from goodpartners.render.team import team_renderers
from goodpartners.staging import STAGE_PREFIX
from goodpartners.team import batch, halves, reader
from goodpartners.team.batch import BatchOptions, ReportChoice, run_batch

DATA = Path(__file__).parent / "data"
EXPORTS = sorted(
    path
    for path in DATA.rglob("*")
    if path.suffix.lower() in {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods"}
)
RUN_DATE = datetime(2026, 3, 9, 14, 5, tzinfo=timezone.utc)


class _FixedClock(datetime):
    @classmethod
    def now(cls, tz: object = None) -> _FixedClock:  # type: ignore[override]
        return cls.fromtimestamp(RUN_DATE.timestamp(), timezone.utc)


def outputs(folder: Path) -> dict[str, bytes]:
    """Every file under a results folder, by its path inside it."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def score_both_ways(
    framework: Framework,
    path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    **options: object,
) -> tuple[tuple[str, dict[str, bytes]], tuple[str, dict[str, bytes]]]:
    """The error (or '') and the output files of a run with each reader."""
    monkeypatch.setattr("goodpartners.team.totals.now", lambda: RUN_DATE)
    monkeypatch.setattr("goodpartners.team.writing.datetime", _FixedClock)
    results = []
    for fast in (True, False):
        monkeypatch.setattr(reader, "FAST_PATH", fast)
        out = tmp_path / f"out-{fast}"
        error = ""
        try:
            run_batch(
                BatchOptions(
                    framework=framework,
                    responses=path,
                    out=out,
                    **options,  # type: ignore[arg-type]
                ),
                team_renderers(options.get("reports", ReportChoice.none)),  # type: ignore[arg-type]
            )
        except GoodPartnersError as exc:
            error = str(exc)
        results.append((error, outputs(out)))
    return results[0], results[1]


@pytest.mark.parametrize("path", EXPORTS, ids=[str(p.relative_to(DATA)) for p in EXPORTS])
@pytest.mark.parametrize("reports", ["none", "md"])
def test_every_fixture_gives_the_same_files_either_way(
    framework: Framework,
    path: Path,
    reports: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast, plain = score_both_ways(
        framework, path, tmp_path, monkeypatch, reports=ReportChoice(reports)
    )
    assert fast == plain


def tricky_rows(
    framework: Framework, rows: int, seed: int, quotes: bool
) -> tuple[list[str], list[str]]:
    """A header and lines that cross the block reader's edges, as a file would hold them;
    without quotes, a block is read by splitting its lines."""
    rng = random.Random(seed)
    items = [item.id for _, c in framework.competencies() for item in c.items]
    header = ["respondent", "team", *items, "comments"]
    lines = []
    for n in range(rows):
        cells = [f"p{n}", rng.choice(["A", "B", "C"])]
        cells += [rng.choice(["1", "2", "3", "4", "5", "", "n/a", "7"]) for _ in items]
        cells.append("")
        kind = rng.random()
        if not quotes and (kind < 0.02 or 0.065 <= kind < 0.07 or 0.075 <= kind < 0.08):
            kind = 0.5
        if kind < 0.02:
            cells[-1] = '"a note\nover two lines, with ""quotes"""'
        elif kind < 0.03:
            cells[0] = f"p{rng.randrange(max(n, 1))}"  # an id seen before, maybe long before
        elif kind < 0.04:
            cells = [""] * len(cells)  # an empty row
        elif kind < 0.05:
            cells = cells[: rng.randrange(1, len(cells))]  # a short row
        elif kind < 0.06:
            cells[0] = ""  # no id
        elif kind < 0.065:
            cells.append("stray")  # a cell too many
        elif kind < 0.07:
            cells[-1] = '"a quote that never closes'
        elif kind < 0.075:
            cells[0] = f"=p{n}"  # a cell a spreadsheet would run
        elif kind < 0.08:
            cells[0] = f'"p{n}, with a comma"'
        lines.append(",".join(cells))
    return header, lines


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("quotes", [True, False])
def test_tricky_files_give_the_same_files_either_way(
    framework: Framework,
    seed: int,
    ending: str,
    quotes: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    header, lines = tricky_rows(framework, 6_000, seed, quotes)
    path = tmp_path / "r.csv"
    path.write_bytes((ending.join([",".join(header), *lines]) + ending).encode())
    # An earlier round, read by the same reader, to pair people with.
    header, lines = tricky_rows(framework, 3_000, seed + 10, quotes)
    baseline = tmp_path / "baseline.csv"
    baseline.write_bytes((ending.join([",".join(header), *lines]) + ending).encode())
    fast, plain = score_both_ways(
        framework,
        path,
        tmp_path,
        monkeypatch,
        baseline=baseline if seed != 2 else None,
        group_by=("team",),
        anonymise=seed == 2,
        pseudonym_key="parity" if seed == 2 else None,
    )
    assert fast == plain
    assert not fast[0]
    assert fast[1]["scores.csv"].count(b"\r\n") > 4_000
    assert fast[1]["problems.csv"].count(b"\r\n") > 300


@pytest.mark.parametrize("last", ['p9,3,"3,3', 'p9,3,"3,3\n', "p9,3,3,3", 'p9,"3",3,"3\n3"\n'])
def test_the_last_line_gives_the_same_files_either_way(
    framework: Framework,
    last: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "r.csv"
    lines = ["respondent,role-1,role-2,role-3"] + [f"p{n},4,4,4" for n in range(3_000)]
    path.write_text("\n".join(lines) + "\n" + last, encoding="utf-8")
    fast, plain = score_both_ways(framework, path, tmp_path, monkeypatch)
    assert fast == plain


# Two halves (halves.py): a quote-free file is cut near its middle and the second half
# scored by a child process. GOODPARTNERS_HALVES=always cuts files of any size, so each
# fixture and edge file below is scored both ways and compared byte for byte.


def score_in_halves_and_whole(
    framework: Framework,
    path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    **options: object,
) -> tuple[tuple[str, dict[str, bytes]], tuple[str, dict[str, bytes]], int]:
    """The error (or '') and output files of a run in two halves and of one in one go, and
    how many times a child's counts were merged (0 when the file was read in one go)."""
    monkeypatch.setattr("goodpartners.team.totals.now", lambda: RUN_DATE)
    monkeypatch.setattr("goodpartners.team.writing.datetime", _FixedClock)
    merged: list[object] = []
    real_merge = batch.merge

    def counting_merge(*args: Any) -> None:
        merged.append(args)
        real_merge(*args)

    monkeypatch.setattr(batch, "merge", counting_merge)
    results = []
    for setting in ("always", "never"):
        monkeypatch.setenv(halves.SETTING, setting)
        out = tmp_path / f"out-{setting}"
        error = ""
        try:
            run_batch(
                BatchOptions(framework=framework, responses=path, out=out, **options),  # type: ignore[arg-type]
                team_renderers(options.get("reports", ReportChoice.none)),  # type: ignore[arg-type]
            )
        except GoodPartnersError as exc:
            error = str(exc).replace(str(out), "OUT")
        results.append((error, outputs(out)))
        assert not list(out.glob(STAGE_PREFIX + "*"))  # no staging or scratch folder left
    return results[0], results[1], len(merged)


CSV_EXPORTS = [p for p in EXPORTS if p.suffix.lower() in {".csv", ".tsv", ".txt"}]


@pytest.mark.parametrize("path", CSV_EXPORTS, ids=[str(p.relative_to(DATA)) for p in CSV_EXPORTS])
def test_every_csv_fixture_gives_the_same_files_in_two_halves(
    framework: Framework, path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    halved, whole, _ = score_in_halves_and_whole(framework, path, tmp_path, monkeypatch)
    assert halved == whole


def plain_lines(framework: Framework, rows: int, seed: int) -> tuple[str, list[str]]:
    """A quote-free file's header and lines, with every kind of row a line can hold but
    no id twice: blank, empty, short, long, no id, unanswered, cells that are not answers."""
    header, lines = tricky_rows(framework, rows, seed, quotes=False)
    rng = random.Random(seed)
    kept = []
    for n, line in enumerate(lines):
        cells = line.split(",")
        if cells[0].startswith("p"):
            cells[0] = f"p{n}"  # each id once
        kind = rng.random()
        if kind < 0.02:
            cells = []  # a blank line
        elif kind < 0.03:
            cells = [cells[0], cells[1]] + [""] * (len(header) - 2)  # nothing answered
        elif kind < 0.035:
            cells[-1] = "extra\x0cpage"  # a form feed, which is not a line end
        kept.append(",".join(cells))
    return ",".join(header), kept


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
@pytest.mark.parametrize("final", [True, False])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"group_by": ("team",)},
        {"anonymise": True, "pseudonym_key": "parity"},
        {"id_column": "team"},
    ],
    ids=["plain", "groups", "pseudonyms", "ids-repeat-within-halves"],
)
def test_quote_free_files_give_the_same_files_in_two_halves(
    framework: Framework,
    ending: str,
    final: bool,
    options: dict[str, object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    header, lines = plain_lines(framework, 5_000, 7)
    path = tmp_path / "r.csv"
    path.write_bytes((ending.join([header, *lines]) + (ending if final else "")).encode())
    halved, whole, merged = score_in_halves_and_whole(
        framework, path, tmp_path, monkeypatch, **options
    )
    assert halved == whole
    assert not halved[0]
    assert whole[1]["problems.csv"].count(b"\r\n") > 300
    # Team ids A, B, C repeat across the halves: the second half is then read here.
    assert merged == (0 if "id_column" in options else 1)


def test_an_id_seen_in_both_halves_reads_as_in_one_go(
    framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    header, lines = plain_lines(framework, 2_000, 3)
    lines[-1] = "p5" + lines[-1][lines[-1].index(",") :]  # the id of line 7, near the end
    path = tmp_path / "r.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    halved, whole, merged = score_in_halves_and_whole(framework, path, tmp_path, monkeypatch)
    assert halved == whole
    assert merged == 0
    assert b"the same respondent id as line 7" in whole[1]["problems.csv"]


def test_blank_lines_at_the_cut_read_as_in_one_go(
    framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ["respondent,role-1,role-2,role-3"] + [f"p{n},4,3,x" for n in range(400)]
    lines[180:220] = [""] * 40  # the middle of the file is blank lines
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    halved, whole, merged = score_in_halves_and_whole(framework, path, tmp_path, monkeypatch)
    assert halved == whole
    assert merged == 1
    assert b"\r\n180,role-3,x," in whole[1]["problems.csv"]
    assert b"\r\n181," not in whole[1]["problems.csv"]
    assert b"\r\n221,role-3,x," in whole[1]["problems.csv"]


@pytest.mark.parametrize(
    "text",
    [
        "respondent,role-1,role-2,role-3\n",  # the header alone
        "respondent,role-1,role-2,role-3",  # the header without its line end
        "respondent,role-1,role-2,role-3\np1,4,4,4",  # one row, no final line end
        "respondent,role-1,role-2,role-3\r\np1,4,4,4\r\np2,2,2,2\r\n",
        "sep=;\nrespondent;role-1;role-2;role-3\np1;4;4;4\np2;2;2;2\n",
        '"respondent","role-1","role-2","role-3"\n\n\np1,4,4,4\np2,1,1,1\n',  # quoted header
        "respondent,role-1,role-2\n,,\np1,4,4\n" + "\n" * 200,  # the cut in trailing blanks
        "respondent,role-1\rp1,4\rp2,3\r",  # old Mac line ends: read in one go
        'respondent,role-1\np1,4\np2,"3"\n',  # a quote: read in one go
    ],
)
def test_tiny_files_give_the_same_files_in_two_halves(
    framework: Framework, text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8", newline="")
    halved, whole, _ = score_in_halves_and_whole(framework, path, tmp_path, monkeypatch)
    assert halved == whole


def test_a_failed_child_leaves_the_second_half_to_the_parent(
    framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    header, lines = plain_lines(framework, 2_000, 5)
    path = tmp_path / "r.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    monkeypatch.setattr(halves.sys, "executable", sys.executable + "-no-such-python")
    with pytest.raises(FileNotFoundError):
        score_in_halves_and_whole(framework, path, tmp_path, monkeypatch)
    monkeypatch.setattr(halves.sys, "executable", shutil.which("false") or "false")
    halved, whole, merged = score_in_halves_and_whole(framework, path, tmp_path, monkeypatch)
    assert halved == whole
    assert merged == 0


def test_an_interrupted_run_stops_the_child_and_leaves_nothing(
    framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    header, lines = plain_lines(framework, 20_000, 6)
    path = tmp_path / "r.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    children: list[halves.Child] = []
    real_child = halves.Child

    def interrupted(self: Any, *args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    def recorded_child(job: halves.Job) -> halves.Child:
        children.append(real_child(job))
        return children[-1]

    monkeypatch.setattr(halves, "Child", recorded_child)
    monkeypatch.setattr(batch._Run, "_stream", interrupted)
    monkeypatch.setenv(halves.SETTING, "always")
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_batch(
            BatchOptions(framework=framework, responses=path, out=out),
            team_renderers(ReportChoice.none),
        )
    assert len(children) == 1
    assert children[0].process.returncode is not None  # stopped and waited for
    assert not out.exists()


def test_pseudonyms_without_a_key_are_the_same_in_both_halves(
    framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The random secret is made once, in the parent, and handed to the child.
    monkeypatch.setattr("secrets.token_bytes", lambda size: b"k" * size)
    header, lines = plain_lines(framework, 3_000, 8)
    path = tmp_path / "r.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    halved, whole, merged = score_in_halves_and_whole(
        framework, path, tmp_path, monkeypatch, anonymise=True
    )
    assert halved == whole
    assert merged == 1


@pytest.mark.parametrize(
    "options",
    [
        {"reports": ReportChoice.md},
        {"strict": True},
        {"baseline": "self"},
    ],
    ids=["reports", "strict", "baseline"],
)
def test_options_that_need_the_whole_file_read_it_in_one_go(
    framework: Framework,
    options: dict[str, object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    header, lines = plain_lines(framework, 1_000, 9)
    path = tmp_path / "r.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    if options.get("baseline") == "self":
        options = {"baseline": path}
    halved, whole, merged = score_in_halves_and_whole(
        framework, path, tmp_path, monkeypatch, **options
    )
    assert halved == whole
    assert merged == 0


def test_an_id_longer_than_a_read_of_the_ids_is_checked(
    framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_id = "\U0001d538" * 60_000  # 240 KB in UTF-8: longer than halves.IDS_READ / 2
    monkeypatch.setattr(halves, "IDS_READ", 1 << 16)
    comment = "\U0001d539" * 100_000  # 400 KB: the cut comes after this row
    text = f"respondent,role-1,comment\np0,4,{comment}\n{long_id},4,\np1,3,\n"
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    halved, whole, merged = score_in_halves_and_whole(framework, path, tmp_path, monkeypatch)
    assert halved == whole
    assert merged == 1
