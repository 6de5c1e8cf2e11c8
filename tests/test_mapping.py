"""Column mapping files (team/mapping.py) and `batch --check`: an export that automatic
matching cannot read scores as its clean twin through a mapping, and --check writes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from goodpartners.cli import app

DATA = Path(__file__).parent / "data"
CODED = DATA / "exports" / "mapping.qualtrics-coded.csv"
TWIN = DATA / "exports" / "platform.qualtrics-codes.twin.csv"
MAPPING = DATA / "mapping.qualtrics-coded.yaml"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="goodpartners")


def scores(out: Path) -> list[list[str]]:
    with (out / "scores.csv").open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_coded_export_is_not_matched_automatically(tmp_path: Path) -> None:
    result = run("batch", CODED, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "no column matches a statement" in result.stderr
    assert not (tmp_path / "out").exists()


def test_coded_export_scores_as_its_twin_through_a_mapping(tmp_path: Path) -> None:
    result = run("batch", CODED, "--mapping", MAPPING, "--out", tmp_path / "mapped")
    assert result.exit_code == 0, result.stderr
    assert run("batch", TWIN, "--out", tmp_path / "twin").exit_code == 0
    assert scores(tmp_path / "mapped") == scores(tmp_path / "twin")
    assert len(scores(tmp_path / "mapped")) == 7


def test_check_writes_nothing_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", CODED, "--mapping", MAPPING, "--out", out, "--check")
    assert result.exit_code == 0, result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        f"File: {CODED}",
        "Source: a plain CSV (told from the file)",
        "Header rows: line 1",
        f"Mapping: {MAPPING} gives 33 items; automatic matching found 0 more in the columns "
        "it leaves free",
    ]
    assert lines[4:7] == ["Columns used:", "  F   'ResponseId' -> id", "  I   'Q1_1' -> role-1"]
    assert "  AO  'Q1_33' -> soft-skills-3" in lines
    assert lines[-4:] == [
        "Unmatched columns: A ('StartDate'), B ('EndDate'), C ('Status'), D ('Progress'), "
        "E ('Finished'), G ('RecipientEmail'), H ('UserLanguage'), AP ('Q2')",
        "Unmatched items: none",
        "Problems: none",
        "Rows that would be scored: 6 of 6",
    ]
    assert result.stderr == ""


def test_check_shows_the_first_rows_with_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("batch", DATA / "exports" / "responses.bad-cells.csv", "--check")
    assert result.exit_code == 0, result.stderr
    rule = (
        "use 1 to 5, or one of Never, Rarely, Sometimes, Often, Always, or leave it blank; "
        "the rest of the row was scored"
    )
    assert result.stdout.splitlines()[-5:] == [
        "Problems: 3 in 1 row:",
        f"  line 3, column 'role-1', value 'Oftne': not an answer on the scale; {rule}",
        f"  line 3, column 'offer-2', value '7': 7 is outside the scale; {rule}",
        f"  line 3, column 'present-1', value '3.5': not a whole number; {rule}",
        "Rows that would be scored: 2 of 2",
    ]
    assert list(tmp_path.iterdir()) == []


def test_write_mapping_round_trip(tmp_path: Path) -> None:
    written = tmp_path / "map.yaml"
    result = run("batch", CODED, "--mapping", MAPPING, "--check", "--write-mapping", written)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Wrote {written} (the column mapping used).\n"
    text = written.read_text(encoding="utf-8")
    assert "id: ResponseId\n" in text and "  role-1: Q1_1\n" in text
    again = run("batch", CODED, "--mapping", written, "--out", tmp_path / "again")
    assert again.exit_code == 0, again.stderr
    assert run("batch", TWIN, "--out", tmp_path / "twin").exit_code == 0
    assert scores(tmp_path / "again") == scores(tmp_path / "twin")


def test_write_mapping_needs_check(tmp_path: Path) -> None:
    result = run("batch", CODED, "--mapping", MAPPING, "--write-mapping", tmp_path / "m.yaml")
    assert result.exit_code == 2
    assert result.stderr == "Error: --write-mapping only works with --check; add --check\n"
    assert list(tmp_path.iterdir()) == []


def test_write_mapping_refuses_the_input_file(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_bytes(CODED.read_bytes())
    result = run("batch", export, "--mapping", MAPPING, "--check", "--write-mapping", export)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --write-mapping {export}: this is the file being checked; "
        "give another name, such as map.yaml\n"
    )
    assert export.read_bytes() == CODED.read_bytes()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "unknown-item",
            "4:3: unknown item 'role-9' in the Good Partners framework; "
            "run 'goodpartners template' to see the item ids",
        ),
        (
            "no-such-column",
            f"4:11: no column 'Q9_9' in {CODED}; its columns are 'StartDate', 'EndDate', "
            "'Status', 'Progress', 'Finished', 'ResponseId', 'RecipientEmail', "
            "'UserLanguage', 'Q1_1', 'Q1_2', 'Q1_3', 'Q1_4' and 30 more",
        ),
        (
            "column-twice",
            "4:11: column I ('Q1_1') is given for item role-2 and for item role-1 (line 3); "
            "give each column once",
        ),
    ],
)
def test_bad_mapping_files(name: str, message: str, tmp_path: Path) -> None:
    mapping = DATA / f"mapping.{name}.yaml"
    result = run("batch", CODED, "--mapping", mapping, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {mapping}:{message}\n"
    assert not (tmp_path / "out").exists()
    checked = run("batch", CODED, "--mapping", mapping, "--check")
    assert checked.exit_code == 2
    assert checked.stdout == ""


CODED_COLUMNS = [
    "StartDate", "EndDate", "Status", "Progress", "Finished", "ResponseId", "RecipientEmail",
    "UserLanguage", *(f"Q1_{n}" for n in range(1, 34)), "Q2",
]  # fmt: skip


def letter(column: int) -> str:
    return ("" if column < 26 else chr(ord("A") + column // 26 - 1)) + chr(ord("A") + column % 26)


def item_ids() -> list[str]:
    return [line.split(":")[0].strip() for line in MAPPING.read_text().splitlines()[3:]]


def test_check_on_coded_headings_reports_and_says_how_to_map_them(tmp_path: Path) -> None:
    # Changed with the starter mapping: --check no longer stops with only a hint on
    # stderr; it reports what it could find on stdout and says what to do on stderr.
    result = run("batch", CODED, "--check", "--out", tmp_path / "out")
    assert result.exit_code == 1
    unmatched = ", ".join(
        f"{letter(c)} ('{h}')" for c, h in enumerate(CODED_COLUMNS) if h != "ResponseId"
    )
    assert result.stdout.splitlines() == [
        f"File: {CODED}",
        "Source: a plain CSV (told from the file)",
        "Header rows: line 1",
        "Mapping: none; no column matched automatically",
        "Columns used:",
        "  F   'ResponseId' -> id",
        f"Unmatched columns: {unmatched}",
        f"Unmatched items: {', '.join(item_ids())}",
        "Problems: not checked, as no column is matched yet",
        "Rows that would be scored: 0 of 6",
    ]
    assert result.stderr == (
        f"Error: {CODED}: no column matches a statement of the Good Partners framework; "
        "write a mapping file (--check --write-mapping map.yaml gives a starter), fill in a "
        "column for each item, then run with --mapping map.yaml\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_check_writes_a_starter_mapping_when_nothing_matches(tmp_path: Path) -> None:
    written = tmp_path / "map.yaml"
    result = run("batch", CODED, "--check", "--write-mapping", written)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[3] == "Mapping: none; no column matched automatically"
    assert result.stderr == (
        f"Wrote {written} (a starter mapping).\n"
        f"Error: {CODED}: no column matches a statement of the Good Partners framework; "
        f"fill in a column for each item in {written}, then run with --mapping {written}\n"
    )
    lines = written.read_text(encoding="utf-8").splitlines()
    assert lines[:7] == [
        "# goodpartners column mapping: 'goodpartners batch FILE --mapping THIS-FILE'.",
        "# Each item id is given its column: a heading, or a column letter such as D.",
        "# A starter: no column matched automatically. For each item, take away the",
        "# '# ' before its id and put its column in place of '?'; the file's columns",
        "# are listed at the end.",
        "id: ResponseId",
        "items:",
    ]
    assert lines[7] == (
        "  # role-1: ?   # I explain my role to other agencies in one or two clear sentences."
    )
    assert [line.split(":")[0] for line in lines[7:40]] == [f"  # {i}" for i in item_ids()]
    assert lines[40:42] == ["", "# The file's columns, by letter and heading:"]
    assert lines[42:] == [f"#   {letter(c):<2}  {h}" for c, h in enumerate(CODED_COLUMNS)]


def test_an_unfilled_starter_says_it_gives_no_items(tmp_path: Path) -> None:
    written = tmp_path / "map.yaml"
    assert run("batch", CODED, "--check", "--write-mapping", written).exit_code == 1
    for args in (("--check",), ("--out", tmp_path / "out")):
        result = run("batch", CODED, "--mapping", written, *args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            f"Error: {written} gives no items yet; give each item id its column, "
            "such as 'role-1: Q1_1'\n"
        )
    assert not (tmp_path / "out").exists()


def test_a_filled_in_starter_scores_as_the_twin(tmp_path: Path) -> None:
    written = tmp_path / "map.yaml"
    assert run("batch", CODED, "--check", "--write-mapping", written).exit_code == 1
    codes = dict(
        (part.strip() for part in line.split(":")) for line in MAPPING.read_text().splitlines()[3:]
    )
    text = written.read_text(encoding="utf-8")
    for item_id, code in codes.items():
        assert f"  # {item_id}: ?   # " in text
        text = text.replace(f"  # {item_id}: ?   # ", f"  {item_id}: {code}   # ")
    written.write_text(text, encoding="utf-8")
    checked = run("batch", CODED, "--mapping", written, "--check")
    assert checked.exit_code == 0, checked.stderr
    assert checked.stdout.splitlines()[-1] == "Rows that would be scored: 6 of 6"
    result = run("batch", CODED, "--mapping", written, "--out", tmp_path / "mapped")
    assert result.exit_code == 0, result.stderr
    assert run("batch", TWIN, "--out", tmp_path / "twin").exit_code == 0
    assert scores(tmp_path / "mapped") == scores(tmp_path / "twin")
    assert len(scores(tmp_path / "mapped")) == 7
