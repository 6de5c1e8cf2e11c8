"""Team batch scoring, below the CLI: reading exports, cells, safety, tallies and invariants."""

from __future__ import annotations

import csv
import io
import random
import statistics
import tempfile
import tracemalloc
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodpartners.csvsafe import SafeCsvWriter, csv_cell, csv_cells, neutralise
from goodpartners.errors import ResponsesError, UsageError
from goodpartners.models import Framework
from goodpartners.render.team import team_renderers
from goodpartners.team.batch import (
    BatchOptions,
    ReportChoice,
    pseudonymiser,
    report_file_name,
    run_batch,
)
from goodpartners.team.responses import (
    BLANK,
    INVALID,
    NA,
    CellParser,
    column_letter,
    detect_encoding,
    detect_format,
    match_columns,
    normalise,
    sniff_delimiter,
)
from goodpartners.team.summary import describe_counts, suppressed_groups
from goodpartners.team.tally import IdTable, Packing, RowCoding, two_dp

EXPORTS = Path(__file__).parent / "data" / "exports"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def item_ids(framework: Framework) -> list[str]:
    return [item.id for _, item in framework.items()]


# ----------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I explain my role, clearly!", "iexplainmyroleclearly"),
        ("  Role-1 ", "role1"),
        ("partners\u2019 skills", "partnersskills"),
        ("ROLE_1", "role1"),
    ],
)
def test_normalise_ignores_case_spacing_and_punctuation(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (37, "AL")])
def test_column_letter_matches_spreadsheets(index: int, letter: str) -> None:
    assert column_letter(index) == letter


@pytest.mark.parametrize(
    ("sample", "delimiter"),
    [
        ("respondent,role-1,role-2\nr1,4,5\n", ","),
        ("respondent;I say so, calmly;role-2\nr1;4;5\nr2;3;3\n", ";"),
        ("respondent\trole-1\trole-2\nr1\t4\t5\n", "\t"),
        ('a,"b;c",d\n1,"2;3",4\n', ","),
    ],
)
def test_sniff_delimiter(sample: str, delimiter: str) -> None:
    assert sniff_delimiter(sample) == delimiter


def test_detect_encoding_bom_utf8_and_cp1252(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfrespondent,role-1\nr1,4\n")
    assert detect_encoding(bom) == ("utf-8-sig", [])
    plain = tmp_path / "plain.csv"
    plain.write_bytes("respondent,name\nr1,Zo\u00eb\n".encode())
    assert detect_encoding(plain) == ("utf-8", [])
    windows = tmp_path / "windows.csv"
    windows.write_bytes("respondent,name\nr1,Zo\u00eb\n".encode("cp1252"))
    assert detect_encoding(windows) == (
        "cp1252",
        [
            f"{windows} is not UTF-8 (line 2 has byte 0xeb), so it was read as Windows-1252 "
            "(cp1252). If letters look wrong, pass --encoding"
        ],
    )
    assert detect_encoding(windows, "latin-1") == ("iso8859-1", [])


def test_detect_encoding_unknown_name_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("a,b\n")
    with pytest.raises(UsageError, match=r"^--encoding klingon: unknown encoding; try utf-8"):
        detect_encoding(path, "klingon")


def test_detect_format_sep_line_and_utf16() -> None:
    sep = detect_format(EXPORTS / "responses.sep-line.csv")
    assert (sep.delimiter, sep.sep_line) == (";", True)
    utf16 = detect_format(EXPORTS / "responses.utf16.csv")
    assert (utf16.encoding, utf16.delimiter) == ("utf-16", "\t")


# ----------------------------------------------------------------------------- columns


def test_match_columns_by_id_text_grid_and_kobo_path(framework: Framework) -> None:
    header = [
        "Timestamp",
        "Email Address",
        "role-1",
        "at the start of a meeting i say what i need from it for the person i support",
        "How often? [I go into meetings without being clear what I want from them.]",
        "group_x/offer_1",
        "Something else",
    ]
    columns = match_columns(header, framework, "r.csv")
    assert columns.items == {"role-1": 2, "role-2": 3, "role-3": 4, "offer-1": 5}
    assert columns.id_column == 1
    assert columns.name_column is None
    assert columns.ignored_names == ["A ('Timestamp')", "G ('Something else')"]
    assert columns.missing_items == tuple(item_ids(framework)[4:])


def test_match_columns_id_preference_and_name(framework: Framework) -> None:
    header = ["ID", "Email", "Full name", "role-1"]
    columns = match_columns(header, framework, "r.csv")
    assert (columns.id_column, columns.name_column) == (1, 2)
    chosen = match_columns(header, framework, "r.csv", id_column="id", name_column="Email")
    assert (chosen.id_column, chosen.name_column) == (0, 1)


def test_match_columns_ambiguous_is_an_error(framework: Framework) -> None:
    header = ["respondent", "Q [role-2]", "At the start of a meeting, I say what I need from it."]
    header[2] = "At the start of a meeting, I say what I need from it for the person I support."
    with pytest.raises(ResponsesError) as caught:
        match_columns(header, framework, "r.csv")
    assert str(caught.value) == (
        "r.csv: line 1, columns B ('Q [role-2]') and C ('At the start of a meeting, I say "
        "what I need from it for ...') both match item role-2; delete or rename one of them"
    )


def test_match_columns_unknown_option_column_lists_the_columns(framework: Framework) -> None:
    with pytest.raises(UsageError) as caught:
        match_columns(["respondent", "role-1"], framework, "r.csv", group_by=["team"])
    assert str(caught.value) == (
        "--group-by team: r.csv has no such column; its columns are 'respondent', 'role-1'"
    )


def test_match_columns_two_columns_for_one_option(framework: Framework) -> None:
    with pytest.raises(UsageError) as caught:
        match_columns(["team", "Team", "role-1"], framework, "r.csv", group_by=["TEAM"])
    assert str(caught.value) == (
        "--group-by TEAM: r.csv has more than one such column (A ('team') and B ('Team')); "
        "rename one of them"
    )


# ----------------------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("4", 4),
        (" 5 ", 5),
        ("4.0", 4),
        ("often", 4),
        ("ALWAYS", 5),
        ("4 - Often", 4),
        ("Often (4)", 4),
        ("", BLANK),
        ("   ", BLANK),
        ("N/A", NA),
        ("na", NA),
        ("Not applicable", NA),
        ("does not apply to my role", NA),
        ("Oftne", INVALID),
        ("7", INVALID),
        ("0", INVALID),
        ("3.5", INVALID),
        ("4 - Always", INVALID),
        ("nan", INVALID),
    ],
)
def test_cell_parser(framework: Framework, raw: str, value: object) -> None:
    assert CellParser(framework.scale).parse(raw) == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("Oftne", "not an answer on the scale"),
        ("7", "7 is outside the scale"),
        ("3.5", "not a whole number"),
    ],
)
def test_cell_problem_says_what_to_do(framework: Framework, raw: str, message: str) -> None:
    assert CellParser(framework.scale).problem(raw) == (
        f"{message}; use 1 to 5, or one of Never, Rarely, Sometimes, Often, Always, "
        "or leave it blank"
    )


def test_cell_parser_cache_stays_bounded(framework: Framework) -> None:
    parser = CellParser(framework.scale, cache_limit=10)
    for n in range(100):
        parser.parse(f"junk {n}")
    assert len(parser._cache) <= 10  # noqa: SLF001 - the bound is the point


# ----------------------------------------------------------------------------- CSV safety


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("\tTab", "'\tTab"),
        ("\rx", "'\rx"),
        ("-0.5", "-0.5"),
        ("+3", "+3"),
        ("-12", "-12"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("Ann", "Ann"),
        ("", ""),
    ],
)
def test_neutralise(cell: str, safe: str) -> None:
    assert neutralise(cell) == safe


@given(st.text())
def test_neutralised_cells_round_trip_through_csv(text: str) -> None:
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerow([text, 3.5, 2])
    [back] = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert back == [neutralise(text), "3.5", "2"]
    assert back[0] in (text, "'" + text)
    assert not back[0].startswith(FORMULA_STARTS) or back[0] == text


@given(st.text())
def test_csv_cell_matches_csv_writer(text: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(text), "x"])
    if text:
        assert buffer.getvalue() == csv_cell(text) + ",x\r\n"


@given(st.lists(st.text(alphabet=st.sampled_from("ab1=+-@\t\r\n,\" '"))))
def test_csv_cells_match_csv_cell_one_by_one(texts: list[str]) -> None:
    assert csv_cells(texts) == [csv_cell(text) for text in texts]


# ----------------------------------------------------------------------------- tallies


@pytest.mark.parametrize(
    ("numerator", "denominator", "text"),
    [(10, 3, "3.33"), (11, 3, "3.67"), (25, 8, "3.13"), (7, 2, "3.50"), (5, 1, "5.00")],
)
def test_two_dp_rounds_halves_up(numerator: int, denominator: int, text: str) -> None:
    assert two_dp(numerator, denominator) == text


@given(st.lists(st.integers(1, 15), min_size=1, max_size=60), st.integers(1, 3))
def test_describe_counts_matches_statistics(values: list[int], count: int) -> None:
    scores = [Fraction(v, count) for v in values]
    stats = describe_counts(Counter(scores))
    floats = [float(s) for s in scores]
    assert stats.n == len(values)
    assert stats.mean == pytest.approx(statistics.fmean(floats), abs=1e-12)
    assert stats.median == pytest.approx(statistics.median(floats), abs=1e-12)
    assert stats.min == min(floats) and stats.max == max(floats)
    if len(values) > 1:
        assert stats.sd == pytest.approx(statistics.stdev(floats), abs=1e-12)
    else:
        assert stats.sd is None


def test_packing_gives_exact_means() -> None:
    packing = Packing(factor=6, base=12)
    # Scores 10/3 and 7/2 packed and added: the mean is (10/3 + 7/2) / 2 exactly.
    key = (20 * 12 + 1) + (21 * 12 + 1)
    assert packing.exact(key) == (Fraction(10, 3) + Fraction(7, 2)) / 2
    assert packing.exact(0) is None


@given(st.lists(st.text(min_size=1, max_size=6), max_size=300))
def test_id_table_finds_exactly_the_repeats(ids: list[str]) -> None:
    table = IdTable(expected=4)
    first_line: dict[str, int] = {}
    for line, ident in enumerate(ids, start=2):
        earlier = table.add(IdTable.key(ident), line)
        assert earlier == first_line.get(ident, 0)
        first_line.setdefault(ident, line)
    assert len(table) == len(first_line)


@given(st.lists(st.lists(st.sampled_from([f"r{n}" for n in range(1500)]), max_size=700)))
def test_id_table_add_many_is_add_one_by_one(blocks: list[list[str]]) -> None:
    """Blocks of consecutive lines, added at once, find the repeats that adding one by one
    finds, with the same earlier lines, across the table's growth."""
    one, many = IdTable(expected=4), IdTable(expected=4)
    line = 2
    for block in blocks:
        expected = [
            (index, earlier)
            for index, ident in enumerate(block)
            if (earlier := one.add(IdTable.key(ident), line + index))
        ]
        assert many.add_many(map(hash, block), line) == expected
        assert len(many) == len(one)
        line += len(block)
    assert all(many.find(IdTable.key(i)) >= 0 for block in blocks for i in block)


def test_id_table_keeps_payloads_across_growth() -> None:
    table = IdTable(expected=1, payload_width=2)
    for n in range(5000):
        assert table.add(IdTable.key(f"r{n}"), n + 2) == 0
        table.set_payload(table.last_slot, [n, -n])
    for n in range(0, 5000, 7):
        assert list(table.payload(table.find(IdTable.key(f"r{n}")))) == [n, -n]
    assert table.find(IdTable.key("nobody")) == -1


def test_row_coding_decodes_flags(framework: Framework) -> None:
    coding = RowCoding(framework)
    ids = coding.ids
    # Every competency answered "Often" throughout: straight-lining, nothing incomplete.
    same = sum(coding.code(i, 4, 3, False) for i in range(len(ids)))
    assert coding.decode(same).flags == "straight-lining"
    assert coding.decode(same).answered == 33
    # One competency mixed and one not scored.
    codes = [coding.code(i, 4, 3, False) for i in range(len(ids))]
    codes[2] = coding.code(2, -1, 3, False)
    codes[5] = coding.code(5, 3, 1, True)
    info = coding.decode(sum(codes))
    assert info.flags == f"incomplete:{ids[5]}"
    assert info.answered_text == "31"


# ----------------------------------------------------------------------------- groups


@pytest.mark.parametrize(
    ("sizes", "hidden"),
    [
        ({"A": 6, "B": 5, "C": 7}, set()),
        ({"A": 6, "B": 5, "C": 2}, {"C", "B"}),
        ({"A": 9, "B": 2, "C": 4}, {"B", "C"}),
        ({"A": 9, "B": 1, "C": 1, "D": 6}, {"B", "C", "D"}),
        ({"A": 3}, {"A"}),
        ({"A": 2, "B": 3}, {"A", "B"}),
    ],
)
def test_suppressed_groups(sizes: dict[str, int], hidden: set[str]) -> None:
    assert set(suppressed_groups(sizes, 5)) == hidden


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(1, 12), max_size=8))
def test_suppression_never_shows_a_small_group_or_gives_one_away(sizes: dict[str, int]) -> None:
    hidden = suppressed_groups(sizes, 5)
    shown = set(sizes) - set(hidden)
    assert all(sizes[g] >= 5 for g in shown)
    if hidden and shown:
        # The hidden groups can only be worked out together, and together they are big enough.
        assert len(hidden) >= 2
        assert sum(sizes[g] for g in hidden) >= 5


# ----------------------------------------------------------------------------- names


def test_report_file_name_is_safe_and_unique() -> None:
    taken: set[str] = set()
    assert report_file_name("../../etc/passwd", taken) == "etc_passwd"
    assert report_file_name("ann@example.org", taken) == "ann@example.org"
    assert report_file_name("ANN@example.org", taken) == "ANN@example.org-2"
    assert report_file_name("<script>", taken) == "script"
    assert report_file_name("...", taken) == "respondent"


def test_pseudonyms_are_keyed() -> None:
    keyed = pseudonymiser("our secret")
    assert keyed("ann@example.org") == pseudonymiser("our secret")("ann@example.org")
    assert keyed("ann@example.org") != keyed("bob@example.org")
    assert keyed("ann@example.org").startswith("p-") and len(keyed("x")) == 18
    assert pseudonymiser(None)("ann@example.org") != pseudonymiser(None)("ann@example.org")


# ----------------------------------------------------------------------------- invariants

CELLS = st.sampled_from(["1", "2", "3", "4", "5", "", "N/A", "Often", "never", "Oftne", "9"])


@st.composite
def response_files(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    items = draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=8, unique=True))
    width = len(items) + 1
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["answers", "answers", "answers", "blank", "no-answers"]))
        ident = draw(st.sampled_from(["a", "b", "c", "d", "e", "f", "", "g"]))
        if kind == "blank":
            rows.append([""] * width)
        elif kind == "no-answers":
            rows.append([ident] + [""] * len(items))
        else:
            rows.append([ident] + [draw(CELLS) for _ in items])
    return ["respondent", *items], rows


ITEMS = ["role-1", "role-2", "role-3", "offer-1", "offer-2", "offer-3", "present-1", "present-3"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(response_files())
def test_every_input_row_is_scored_or_listed_with_a_reason(
    framework: Framework, data: tuple[list[str], list[list[str]]]
) -> None:
    header, rows = data
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "responses.csv"
        with source.open("w", newline="", encoding="utf-8") as stream:
            csv.writer(stream).writerows([header, *rows])
        out = Path(folder) / "out"
        result = run_batch(
            BatchOptions(framework=framework, responses=source, out=out),
            team_renderers(ReportChoice.none),
        )
        counts = result.summary.counts
        with (out / "scores.csv").open(encoding="utf-8-sig", newline="") as stream:
            scored = list(csv.DictReader(stream))
        with (out / "problems.csv").open(encoding="utf-8-sig", newline="") as stream:
            problems = list(csv.DictReader(stream))
    assert counts.rows == len(rows)
    assert counts.scored == len(scored)
    assert counts.rows == counts.scored + counts.not_scored + counts.skipped
    blank = sum(1 for row in rows if not any(cell.strip() for cell in row))
    assert counts.skipped == blank
    not_scored_lines = {int(p["line"]) for p in problems if "was not scored" in p["problem"]}
    assert len(not_scored_lines) == counts.not_scored
    scored_lines = set(range(2, len(rows) + 2)) - not_scored_lines
    assert len(scored_lines) == counts.scored + counts.skipped


def test_memory_does_not_grow_with_rows(framework: Framework, tmp_path: Path) -> None:
    """Five times the rows: the peak grows only by the duplicate-id table (about 20 bytes a row)."""
    rng = random.Random(3)
    ids = item_ids(framework)

    def peak(rows: int) -> int:
        path = tmp_path / f"r{rows}.csv"
        with path.open("w", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["respondent", *ids])
            for n in range(rows):
                writer.writerow([f"p{n}"] + [str(rng.randint(1, 5)) for _ in ids])
        tracemalloc.start()
        try:
            run_batch(
                BatchOptions(framework=framework, responses=path, out=tmp_path / "o"),
                team_renderers(ReportChoice.none),
            )
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(4_000), peak(20_000)
    assert large - small < 20 * 16_000 * 2 + 500_000
