"""The block reader (reader.FAST_PATH) gives the same results as the line-by-line reader.

Every export fixture, and files built to cross the block reader's edges (quoted cells over
line breaks, a quote never closed, duplicate ids far apart, blank and short rows, Windows
line ends), is scored both ways; every output file must be the same, byte for byte, and
so must the error of a run that fails.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path

import pytest

from goodpartners.errors import GoodPartnersError
from goodpartners.models import Framework
from goodpartners.render.team import team_renderers
from goodpartners.team import reader
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
