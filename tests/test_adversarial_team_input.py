"""`goodpartners batch` on damaged exports: every line accounted for, nothing scored out of place.

Issue 8, items 9 (a quote that never closes), 10 (a row with the wrong number of cells) and
15 (a null character late in the file; UTF-16 without a byte order mark). Each bad-input
fixture in tests/data/exports/ is named after its failure.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from goodpartners.models import Framework
from goodpartners.team.responses import (
    detect_encoding,
    detect_format,
    match_columns,
    open_responses,
    utf16_byte_order,
)
from goodpartners.team.rows import ProblemLog, RowScorer
from tests.cli_helpers import read_csv, run

EXPORTS = Path(__file__).parent / "data" / "exports"
QUOTE_FIX = "add the closing quote, or remove the stray one"
MOVED = "so its answers could be in the wrong columns. It was not scored"


def counts(out: Path) -> dict[str, int]:
    result: dict[str, int] = json.loads((out / "summary.json").read_text("utf-8"))["counts"]
    return result


def respondents(out: Path) -> list[str]:
    return [row["respondent"] for row in read_csv(out / "scores.csv")]


def physical_lines(path: Path, encoding: str) -> int:
    """Lines as a text editor counts them (CR, LF or CRLF ends a line), read independently."""
    text = path.read_bytes().decode(encoding)
    return len(re.findall(r"\r\n|\r|\n", text)) + bool(re.search(r"[^\r\n]\Z", text))


def assert_every_line_accounted_for(framework: Framework, path: Path) -> None:
    """Every line after the header belongs to one row, and every row is scored, a problem
    or empty."""
    fmt = detect_format(path)
    source = open_responses(path, fmt)
    try:
        header_end = source.lines.count
        columns = match_columns(source.header, framework, str(path))
        problems = ProblemLog(None)
        scorer = RowScorer(framework, source, columns, problems)
        scored = sum(len(chunk.rows) for chunk, _ in scorer.chunks())
    finally:
        source.close()
    assert scorer.lines == physical_lines(path, fmt.encoding) - header_end
    assert scorer.rows == scored + scorer.not_scored + scorer.skipped
    not_scored = [p for p in problems.first if "not scored" in p.problem]
    assert len(not_scored) == scorer.not_scored


def scored_line(scored: int, rows: int, source: str) -> str:
    return f"Scored {scored} of {rows} rows from {source} against Good Partners 1.0."


# ----------------------------------------------------------------------------- 9: quotes


def test_batch_unclosed_quote_costs_only_its_own_row(framework: Framework, tmp_path: Path) -> None:
    # Line 9 opens a quote in the name and never closes it. It used to swallow lines 9 to
    # 13: "Scored 7 of 8 rows", and four people were in neither scores.csv nor problems.csv.
    path = EXPORTS / "export.unclosed-quote.csv"
    out = tmp_path / "out"
    result = run("batch", path, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert scored_line(11, 12, path.name) in result.stderr.splitlines()
    assert f"1 problem in 1 row: see {out / 'problems.csv'}" in result.stderr.splitlines()
    assert read_csv(out / "problems.csv") == [
        {
            "line": "9",
            "column": "B ('name')",
            "value": "",
            "problem": "a quote opens in this cell and is not closed on this line, so the row "
            f"was not scored; {QUOTE_FIX}",
        }
    ]
    assert respondents(out) == [f"p{n}" for n in range(1, 13) if n != 8]
    assert counts(out) == {
        "rows": 12, "scored": 11, "not_scored": 1, "with_problems": 1, "skipped": 0, "problems": 1
    }  # fmt: skip
    assert_every_line_accounted_for(framework, path)


def test_batch_quote_open_to_the_end_of_the_file_names_the_lines_it_took(
    framework: Framework, tmp_path: Path
) -> None:
    path = EXPORTS / "export.unclosed-quote-to-end.csv"
    out = tmp_path / "out"
    result = run("batch", path, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert read_csv(out / "problems.csv") == [
        {
            "line": "11",
            "column": "E ('comments')",
            "value": "",
            "problem": "a quote opens in this cell on line 11 and never closes, so lines 11 to 13 "
            f"(the end of the file) were read as one row and not scored; {QUOTE_FIX}",
        }
    ]
    assert respondents(out) == [f"p{n}" for n in range(1, 10)]
    assert scored_line(9, 10, path.name) in result.stderr.splitlines()
    assert_every_line_accounted_for(framework, path)


def test_batch_quote_on_the_last_line_never_closes(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('respondent,role-1,role-2,role-3\np1,4,4,4\np2,3,"3,3\n')
    out = tmp_path / "out"
    assert run("batch", path, "--out", out).exit_code == 0
    assert read_csv(out / "problems.csv") == [
        {
            "line": "3",
            "column": "C ('role-2')",
            "value": "",
            "problem": f"a quote opens in this cell and never closes, so the row was not scored; "
            f"{QUOTE_FIX}",
        }
    ]
    assert respondents(out) == ["p1"]
    assert_every_line_accounted_for(framework, path)


def test_batch_quote_cut_at_the_next_line_that_looks_like_a_row(
    framework: Framework, tmp_path: Path
) -> None:
    # The quote runs on over a blank line (which cannot be a row) and stops before p3's row.
    path = tmp_path / "r.csv"
    path.write_text('respondent,role-1,role-2,role-3\np1,4,4,4\np2,"3,3,3\n\np3,2,2,2\n')
    out = tmp_path / "out"
    assert run("batch", path, "--out", out).exit_code == 0
    assert read_csv(out / "problems.csv") == [
        {
            "line": "3",
            "column": "B ('role-1')",
            "value": "",
            "problem": "a quote opens in this cell on line 3 and is not closed before line 5, "
            f"which looks like a new row, so lines 3 and 4 were not scored; {QUOTE_FIX}",
        }
    ]
    assert respondents(out) == ["p1", "p3"]
    assert_every_line_accounted_for(framework, path)


def test_batch_stray_quotes_on_two_rows_are_not_scored_as_one(
    framework: Framework, tmp_path: Path
) -> None:
    # A stray quote on line 5 is closed by one on line 6. The two rows, read as one, fit the
    # header, and p4 used to be scored with p5's answers.
    path = EXPORTS / "export.quote-closed-later.csv"
    out = tmp_path / "out"
    assert run("batch", path, "--out", out).exit_code == 0
    assert read_csv(out / "problems.csv") == [
        {
            "line": "5",
            "column": "B ('name')",
            "value": "",
            "problem": "a quote opens in this cell on line 5 and only closes on line 6, so "
            "lines 5 and 6 were read as one row, but they look like separate rows. They were "
            "not scored: check the quotes on line 5",
        }
    ]
    assert respondents(out) == ["p1", "p2", "p3", "p6"]
    assert_every_line_accounted_for(framework, path)


@pytest.mark.parametrize(
    ("text", "column", "why"),
    [
        # A note after the last column: the quote closes, but the row has too many cells.
        ('p2,3,3,3,"note\n\nmore",5\n', "E", "which does not fit the header"),
        # The cells line up, but an answer cannot hold a line break.
        ('p2,"3\n4",3,3\n', "B ('role-1')", "but an answer cannot run over several lines"),
        ('"p2\n",3,3,3\n', "A ('respondent')", "but a respondent id cannot run over several lines"),
    ],
)
def test_batch_row_read_from_several_lines_that_cannot_be_right(
    framework: Framework, tmp_path: Path, text: str, column: str, why: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_text("respondent,role-1,role-2,role-3\np1,4,4,4\n" + text + "p9,2,2,2\n")
    out = tmp_path / "out"
    assert run("batch", path, "--out", out).exit_code == 0
    last = 2 + text.count("\n")
    [problem] = read_csv(out / "problems.csv")
    assert problem == {
        "line": "3",
        "column": column,
        "value": "",
        "problem": f"a quote opens in this cell on line 3 and only closes on line {last}, so "
        f"lines 3 {'and' if last == 4 else 'to'} {last} were read as one row, {why}. They were "
        "not scored: check the quotes on line 3",
    }
    assert respondents(out) == ["p1", "p9"]
    assert_every_line_accounted_for(framework, path)


def test_batch_notes_over_several_lines_are_still_scored(
    framework: Framework, tmp_path: Path
) -> None:
    # Google Forms writes a comment with line breaks as a quoted cell over several lines.
    path = EXPORTS / "export.multiline-note.csv"
    out = tmp_path / "out"
    result = run("batch", path, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert read_csv(out / "problems.csv") == []
    scores = read_csv(out / "scores.csv")
    assert [(r["respondent"], r["role"]) for r in scores] == [
        ("p1", "3.33"), ("p2", "3.00"), ("p3", "2.67"), ("p4", "3.67"), ("p5", "2.33")
    ]  # fmt: skip
    # Five rows from eight lines: the notes of p2 and p4 run over three and two lines.
    assert scored_line(5, 5, path.name) in result.stderr.splitlines()
    assert_every_line_accounted_for(framework, path)


def test_batch_quote_longer_than_the_csv_limit_over_many_lines(
    framework: Framework, tmp_path: Path
) -> None:
    # A quote that never closes over 70,000 lines of spaces: the reader's cell limit stops
    # it at line 65,537; the spaces after that are empty rows, and p3 and p4 are scored.
    path = tmp_path / "r.csv"
    lines = ["respondent,role-1,role-2,role-3", "p1,4,4,4", 'p2,"note', *[" "] * 70_000]
    path.write_text("\n".join([*lines, "p3,3,3,3", "p4,2,2,2", ""]))
    out = tmp_path / "out"
    result = run("batch", path, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert read_csv(out / "problems.csv") == [
        {
            "line": "3",
            "column": "B ('role-1')",
            "value": "",
            "problem": "a quote opens in this cell and is not closed within 131,072 characters, "
            f"so lines 3 to 65537 were not scored; {QUOTE_FIX}",
        }
    ]
    assert respondents(out) == ["p1", "p3", "p4"]
    assert counts(out)["skipped"] == 70_003 - 65_537  # lines 65,538 to 70,003
    assert_every_line_accounted_for(framework, path)


def test_batch_unclosed_quote_in_the_header(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('respondent,"role-1,role-2\np1,3,4\np2,4,5\n')
    result = run("batch", path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: line 1, column B: a quote in the header opens and never closes, so the "
        f"whole file was read as the header; {QUOTE_FIX}\n"
    )


# ----------------------------------------------------------------------------- 10: cell count


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        # A line written with semicolons in a comma file used to be one long id, with its
        # answers two columns to the left.
        (
            "export.semicolon-row.csv",
            {"line": "3", "column": "E ('role-2')", "value": "",
             "problem": f"the row has 4 cells but the header has 6, {MOVED}: the line has "
             "semicolons where the file has commas"},
        ),
        # An unquoted comma in a name used to push every answer one column to the right.
        (
            "export.stray-comma.csv",
            {"line": "3", "column": "(after column F ('role-3'))", "value": "3",
             "problem": f"the row has 7 cells but the header has 6, {MOVED}: check the line for "
             "a stray comma, or put quotes round a cell that has a comma in it"},
        ),
        # A missing cell where an answer should be.
        (
            "export.short-row.csv",
            {"line": "3", "column": "F ('role-3')", "value": "",
             "problem": f"the row has 5 cells but the header has 6, {MOVED}: check the line for "
             "a missing comma"},
        ),
    ],
)  # fmt: skip
def test_batch_row_with_the_wrong_number_of_cells_is_not_scored(
    framework: Framework, tmp_path: Path, name: str, problem: dict[str, str]
) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / name, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert read_csv(out / "problems.csv") == [problem]
    assert respondents(out) == ["p1", "p3"]
    assert counts(out)["not_scored"] == 1
    assert_every_line_accounted_for(framework, EXPORTS / name)


def test_batch_short_row_with_answers_run_together_is_not_scored(
    framework: Framework, tmp_path: Path
) -> None:
    # Only the comments column is missing, as when Excel drops an empty last cell, but "45"
    # shows two answers typed as one: role-3 would have been scored from the comment.
    path = tmp_path / "r.csv"
    path.write_text(
        "respondent,role-1,role-2,role-3,comments\np1,4,4,4,ok\np2,45,2,fine\np3,2,2,2\n"
    )
    out = tmp_path / "out"
    assert run("batch", path, "--out", out).exit_code == 0
    assert read_csv(out / "problems.csv") == [
        {
            "line": "3",
            "column": "E ('comments')",
            "value": "",
            "problem": f"the row has 4 cells but the header has 5, {MOVED}: check the line for "
            "a missing comma",
        }
    ]
    assert respondents(out) == ["p1", "p3"]
    assert_every_line_accounted_for(framework, path)


def test_batch_strict_stops_at_a_row_with_the_wrong_number_of_cells(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / "export.semicolon-row.csv", "--out", out, "--strict")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 1 problem in the data; the first is on line 3, column 'E ('role-2')': the row "
        f"has 4 cells but the header has 6, {MOVED}: the line has semicolons where the file has "
        "commas. Nothing was scored because of --strict; all problems are listed in "
        f"{out / 'problems.csv'}\n"
    )
    assert not (out / "scores.csv").exists()


def test_batch_empty_cells_added_or_dropped_at_the_end_are_fine(
    framework: Framework, tmp_path: Path
) -> None:
    # Extra empty cells, and a missing last cell in a column that is not read (Excel drops
    # empty cells at the end of a row), do not move any answer.
    path = EXPORTS / "export.trailing-cells.csv"
    out = tmp_path / "out"
    assert run("batch", path, "--out", out).exit_code == 0
    assert read_csv(out / "problems.csv") == []
    assert [(r["respondent"], r["role"]) for r in read_csv(out / "scores.csv")] == [
        ("p1", "3.33"), ("p2", "3.00"), ("p3", "2.67"), ("p4", "3.67")
    ]  # fmt: skip
    assert_every_line_accounted_for(framework, path)


# ----------------------------------------------------------------------------- 15: encodings


def test_batch_null_character_names_the_line_and_column(tmp_path: Path) -> None:
    path = EXPORTS / "export.null-character.csv"
    out = tmp_path / "out"
    result = run("batch", path, "--out", out)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {path}: line 4, column C ('role-2') has a null character (a zero byte), which a "
        "CSV text file never has, so the file may be damaged; export the responses again as CSV\n"
    )
    assert not (out / "scores.csv").exists()


def test_batch_null_character_after_the_first_256_kb(tmp_path: Path) -> None:
    # Only the first 256 KB are looked at to find the format; a null character after them
    # used to be copied into scores.csv.
    path = tmp_path / "r.csv"
    rows = [f"p{n},4,4,4" for n in range(30_000)]
    path.write_text("\n".join(["respondent,role-1,role-2,role-3", *rows, "z,3,\x00,3", "y,1,1,1"]))
    assert path.stat().st_size > 256 * 1024
    out = tmp_path / "out"
    result = run("batch", path, "--out", out)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: line 30002, column C ('role-2') has a null character (a zero byte), "
        "which a CSV text file never has, so the file may be damaged; export the responses "
        "again as CSV\n"
    )
    assert not (out / "scores.csv").exists()


@pytest.mark.parametrize(("name", "order"), [("utf16le", "utf-16-le"), ("utf16be", "utf-16-be")])
def test_batch_utf16_without_a_byte_order_mark_is_read(
    framework: Framework, tmp_path: Path, name: str, order: str
) -> None:
    # It used to be called "binary data ... not an Excel workbook".
    path = EXPORTS / f"export.{name}-no-bom.csv"
    assert detect_encoding(path) == (order, [])
    out = tmp_path / "out"
    result = run("batch", path, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert [(r["respondent"], r["role"]) for r in read_csv(out / "scores.csv")] == [
        ("ivy@example.org", "3.33"), ("jon@example.org", "2.67")
    ]  # fmt: skip
    assert "Jon \u00d3 S\u00e9" in (out / "summary.html").read_text(encoding="utf-8")
    assert_every_line_accounted_for(framework, path)


def test_batch_forced_utf16_finds_the_byte_order(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = EXPORTS / "export.utf16be-no-bom.csv"
    result = run("batch", path, "--out", out, "--encoding", "utf-16")
    assert result.exit_code == 0, result.stderr
    assert respondents(out) == ["ivy@example.org", "jon@example.org"]


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"a\x00",
        (EXPORTS / "responses.not-text.csv").read_bytes(),  # a workbook: refused as binary
        "respondent,role-1\n".encode("utf-32-le"),
        bytes(range(256)) * 4,
    ],
)
def test_utf16_byte_order_is_not_guessed_for_other_bytes(head: bytes) -> None:
    assert utf16_byte_order(head) is None


def test_batch_workbook_is_still_refused_as_binary(tmp_path: Path) -> None:
    path = EXPORTS / "responses.not-text.csv"
    result = run("batch", path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: this is not a CSV text file (it contains binary data); export the "
        "responses as CSV, not as an Excel workbook\n"
    )


# ----------------------------------------------------------------------------- found by fuzzing


def test_batch_file_ending_part_way_through_a_letter(tmp_path: Path) -> None:
    # Found by tests/test_fuzz_readers.py: the last byte starts a UTF-8 letter that never
    # ends, and finding its line used to fail with an IndexError.
    path = tmp_path / "r.csv"
    path.write_bytes(b"respondent,role-1,role-2,role-3\np1,4,4,4\np2,3,3,3\xc2")
    result = run("batch", path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        f"Warning: {path} is not UTF-8 (line 3 has byte 0xc2), so it was read as Windows-1252 "
        "(cp1252). If letters look wrong, pass --encoding"
    )


@pytest.mark.parametrize("sep", ["", "sep=;\r"])
def test_batch_semicolon_file_with_lines_ending_in_cr(tmp_path: Path, sep: str) -> None:
    # Old Excel for Mac ends lines with CR alone. Finding the delimiter split the sample at
    # LF only, so such a semicolon file had one column: "no column matches a statement".
    path = tmp_path / "r.csv"
    path.write_bytes(f"{sep}respondent;role-1;role-2;role-3\rp1;4;4;4\rp2;2;2;2\r".encode())
    assert detect_format(path).delimiter == ";"
    out = tmp_path / "out"
    result = run("batch", path, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert respondents(out) == ["p1", "p2"]


def fixtures() -> list[str]:
    return sorted(p.name for p in EXPORTS.glob("export.*.csv"))


@pytest.mark.parametrize("name", [n for n in fixtures() if "null" not in n])
def test_every_line_of_every_export_fixture_is_accounted_for(
    framework: Framework, name: str
) -> None:
    assert_every_line_accounted_for(framework, EXPORTS / name)
