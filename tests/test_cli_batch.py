"""`goodpartners batch`: real exports, bad input, outputs, privacy and safety, exact text."""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import shutil
import stat
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from goodpartners.cli import app
from goodpartners.models import Framework
from goodpartners.scoring import score_assessment
from tests.cli_helpers import read_csv

DATA = Path(__file__).parent / "data"
EXPORTS = DATA / "exports"
REFERENCE = DATA / "reference"
GOLDEN = Path(__file__).parent / "golden" / "batch"
ROOT = Path(__file__).parent.parent
PEOPLE = json.loads((EXPORTS / "people.json").read_text(encoding="utf-8"))
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RUN_DATE = datetime(2026, 3, 9, 14, 5, tzinfo=timezone.utc)
HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "<script>alert(1)</script>"]


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        app, [str(a) for a in args], prog_name="goodpartners", env={"COLUMNS": "80", **(env or {})}
    )


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def summary(out: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return result


def write_responses(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows([header, *rows])
    return path


def item_ids(framework: Framework) -> list[str]:
    return [item.id for _, item in framework.items()]


def expected_row(framework: Framework, answers: dict[str, Any]) -> dict[str, str]:
    """What scores.csv should say for these answers, from the scoring engine itself."""
    result = score_assessment(framework, answers)

    def text(score: float | None) -> str:
        return "" if score is None else f"{score:.2f}"

    row = {c.id: text(c.score) for c in result.competencies}
    row |= {f"{c.id}_band": c.band or "" for c in result.competencies}
    row |= {t.id: text(t.score) for t in result.themes}
    row |= {"overall": text(result.overall), "overall_band": result.overall_band or ""}
    row["answered"] = str(sum(1 for a in answers.values() if isinstance(a, int)))
    return row


# ----------------------------------------------------------------------------- exports

EXPORT_STYLES = [
    # file, respondent column value in people.json, group column heading
    ("google-forms.csv", "email", "Team"),
    ("microsoft-forms.csv", "email", "Which team are you in?"),
    ("kobo.csv", "staff_id", "team"),
    ("limesurvey.csv", "email", "Team"),
    ("excel-cp1252.csv", "email", "team"),
]


@pytest.mark.parametrize(("name", "key", "team_column"), EXPORT_STYLES)
def test_batch_export_style_is_scored_correctly(
    framework: Framework, tmp_path: Path, name: str, key: str, team_column: str
) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / name, "--out", out, "--group-by", team_column)
    assert result.exit_code == 0, result.stderr
    rows = {row["respondent"]: row for row in read_csv(out / "scores.csv")}
    assert list(rows) == [person[key] for person in PEOPLE]
    for person in PEOPLE:
        row = rows[person[key]]
        expected = expected_row(framework, person["answers"])
        assert {k: row[k] for k in expected} == expected, (name, person["name"])
        assert row[team_column] == person["team"]
    # Person 4 skipped two of 'reflective'; person 6 said "Often" to everything.
    assert rows[PEOPLE[3][key]]["flags"] == "incomplete:reflective"
    assert rows[PEOPLE[5][key]]["flags"] == "straight-lining"
    counts = summary(out)["counts"]
    assert counts == {
        "rows": 6, "scored": 6, "not_scored": 0, "with_problems": 0, "skipped": 0, "problems": 0
    }  # fmt: skip


def test_batch_cp1252_export_warns_and_reads_the_names(tmp_path: Path) -> None:
    out = tmp_path / "out"
    source = EXPORTS / "excel-cp1252.csv"
    result = run("batch", source, "--out", out, "--reports", "md")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        f"Warning: {source} is not UTF-8 (line 2 has byte 0xeb), so it was read as "
        "Windows-1252 (cp1252). If letters look wrong, pass --encoding"
    )
    report = (out / "people" / "zoe.okafor@example.org.md").read_text(encoding="utf-8")
    assert "Zo\u00eb Okafor" in report
    forced = run("batch", source, "--out", tmp_path / "forced", "--encoding", "cp1252")
    assert forced.exit_code == 0
    assert "Warning" not in forced.stderr


def test_batch_google_forms_prints_a_short_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / "google-forms.csv", "--out", out)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == (
        "Ignored 3 columns that are not statements: A ('Timestamp'), D ('Team'), "
        "AL ('Any comments?')\n"
        "Tip: add --group-by 'Team' to compare groups.\n"
        "Scored 6 of 6 rows from google-forms.csv against Good Partners 1.0.\n"
        "No problems found in the rows.\n"
        f"Files are in {out}; open summary.html for the team summary.\n"
    )


def test_batch_quoted_newline_keeps_file_line_numbers(tmp_path: Path) -> None:
    # Person 2's comment spans two lines, so person 3 starts on line 5, not line 4.
    rows = read_rows(EXPORTS / "google-forms.csv")
    rows[3][4] = "Oftne"
    source = write_responses(tmp_path / "google.csv", rows[0], rows[1:])
    out = tmp_path / "out"
    result = run("batch", source, "--out", out)
    assert result.exit_code == 0
    [problem] = read_csv(out / "problems.csv")
    assert problem == {
        "line": "5",
        "column": rows[0][4],
        "value": "Oftne",
        "problem": "not an answer on the scale; use 1 to 5, or one of Never, Rarely, "
        "Sometimes, Often, Always, or leave it blank; the rest of the row was scored",
    }


@pytest.mark.parametrize(
    ("name", "overall"),
    [
        # The same answer v to every statement scores (v + v + (6 - v)) / 3 everywhere.
        ("responses.utf16.csv", {"ivy@example.org": "3.67", "jon@example.org": "2.33"}),
        ("responses.sep-line.csv", {"kim@example.org": "3.33"}),
    ],
)
def test_batch_other_spreadsheet_exports(
    tmp_path: Path, name: str, overall: dict[str, str]
) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / name, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert {r["respondent"]: r["overall"] for r in read_csv(out / "scores.csv")} == overall


def test_batch_utf16_keeps_names(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("batch", EXPORTS / "responses.utf16.csv", "--out", out).exit_code == 0
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "Jon \u00d3 S\u00e9" in html


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "responses.ambiguous-column.csv",
            "{path}: line 1, columns B ('role-1') and C ('I explain my role to other agencies "
            "in one or two clear s...') both match item role-1; delete or rename one of them",
        ),
        (
            "responses.no-item-columns.csv",
            "{path}: no column matches a statement of the Good Partners framework; the "
            "headings must be item ids or statement texts. Run 'goodpartners template' to see "
            "the columns it expects",
        ),
        (
            "responses.empty.csv",
            "{path}: the file is empty; export the responses as CSV with a header row",
        ),
        (
            "responses.not-text.csv",
            "{path}: this is not a CSV text file (it contains binary data); export the "
            "responses as CSV, not as an Excel workbook",
        ),
        (
            "responses.bad-encoding.csv",
            "{path}: line 2 has byte 0x81, which is neither UTF-8 nor Windows-1252; save the "
            "file as CSV UTF-8, or pass --encoding",
        ),
    ],
)
def test_batch_bad_file_exact_error(tmp_path: Path, name: str, message: str) -> None:
    path = EXPORTS / name
    result = run("batch", path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: " + message.format(path=path) + "\n"
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_batch_missing_file(tmp_path: Path) -> None:
    result = run("batch", tmp_path / "nope.csv", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope.csv'}: no such file; check the path\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--id-column", "staff"],
            "--id-column staff: {path} has no such column; its columns are 'respondent', "
            "'team', 'role-1', 'role-2', 'role-3', 'offer-1', 'offer-2', 'offer-3', "
            "'realistic-1', 'realistic-2', 'realistic-3', 'present-1' and 23 more",
        ),
        (
            ["--encoding", "klingon"],
            "--encoding klingon: unknown encoding; try utf-8, utf-8-sig, cp1252 or latin-1",
        ),  # fmt: skip
        (["--pseudonym-key", "x"], "--pseudonym-key only works with --anonymise; add --anonymise"),
    ],
)
def test_batch_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    path = EXPORTS / "responses.duplicate-id.csv"
    result = run("batch", path, "--out", tmp_path / "out", *args)
    assert result.exit_code == 2
    assert result.stderr == "Error: " + message.format(path=path) + "\n"


def test_batch_out_must_be_a_folder(tmp_path: Path) -> None:
    clash = tmp_path / "file.txt"
    clash.write_text("x")
    result = run("batch", EXPORTS / "responses.duplicate-id.csv", "--out", clash)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --out {clash}: this is a file, not a folder; choose a folder\n"
    )


def test_batch_duplicate_id_scores_the_first_and_lists_the_second(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / "responses.duplicate-id.csv", "--out", out)
    assert result.exit_code == 0
    assert [row["respondent"] for row in read_csv(out / "scores.csv")] == [
        "ann@example.org",
        "bob@example.org",
    ]
    assert read_csv(out / "scores.csv")[0]["overall"] == "3.33"  # (4 + 4 + (6 - 4)) / 3
    assert read_csv(out / "problems.csv") == [
        {
            "line": "4",
            "column": "respondent",
            "value": "ann@example.org",
            "problem": "the same respondent id as line 2, so this row was not scored; delete "
            "the row you do not want, or choose another column with --id-column",
        }
    ]
    assert summary(out)["counts"] == {
        "rows": 3, "scored": 2, "not_scored": 1, "with_problems": 1, "skipped": 0, "problems": 1
    }  # fmt: skip
    assert "1 problem in 1 row: see " in result.stderr


def test_batch_bad_cells_are_listed_and_the_rest_of_the_row_is_scored(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / "responses.bad-cells.csv", "--out", out)
    assert result.exit_code == 0
    advice = (
        "use 1 to 5, or one of Never, Rarely, Sometimes, Often, Always, or leave it blank; "
        "the rest of the row was scored"
    )
    assert read_csv(out / "problems.csv") == [
        {"line": "3", "column": "role-1", "value": "Oftne",
         "problem": f"not an answer on the scale; {advice}"},
        {"line": "3", "column": "offer-2", "value": "7",
         "problem": f"7 is outside the scale; {advice}"},
        {"line": "3", "column": "present-1", "value": "3.5",
         "problem": f"not a whole number; {advice}"},
    ]  # fmt: skip
    cat = read_csv(out / "scores.csv")[1]
    # Each competency keeps its other two answers: 4 and the reverse-keyed 4 (counted as 2).
    assert (cat["role"], cat["offer"], cat["present"], cat["realistic"]) == (
        "3.00",
        "3.00",
        "3.00",
        "3.33",
    )
    assert cat["answered"] == "30"


def test_batch_strict_stops_before_writing_scores(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / "responses.bad-cells.csv", "--out", out, "--strict")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 3 problems in the data; the first is on line 3, column 'role-1', value "
        "'Oftne': not an answer on the scale; use 1 to 5, or one of Never, Rarely, Sometimes, "
        "Often, Always, or leave it blank. Nothing was scored because of --strict; all "
        f"problems are listed in {out / 'problems.csv'}\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["problems.csv"]
    assert len(read_csv(out / "problems.csv")) == 3


def test_batch_strict_passes_clean_data(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / "kobo.csv", "--out", out, "--strict")
    assert result.exit_code == 0
    assert (out / "scores.csv").exists()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        (
            "responses.missing-id.csv",
            {"line": "3", "column": "respondent", "value": "",
             "problem": "no respondent id; the row is called 'line-3' in the results"},
        ),
        (
            "responses.no-answers.csv",
            {"line": "3", "column": "", "value": "",
             "problem": "no statement was answered, so this row was not scored"},
        ),
        (
            "responses.extra-cells.csv",
            # Scored shifted before issue 8: a row that does not fit the header is a problem.
            {"line": "2", "column": "(after column D ('role-3'))", "value": "oops",
             "problem": "the row has 5 cells but the header has 4, so its answers could be in "
             "the wrong columns. It was not scored: check the line for a stray comma, or put "
             "quotes round a cell that has a comma in it"},
        ),
    ],
)  # fmt: skip
def test_batch_row_problems(tmp_path: Path, name: str, problem: dict[str, str]) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / name, "--out", out)
    assert result.exit_code == 0
    assert read_csv(out / "problems.csv") == [problem]


def test_batch_missing_id_row_is_still_scored(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("batch", EXPORTS / "responses.missing-id.csv", "--out", out)
    assert [row["respondent"] for row in read_csv(out / "scores.csv")] == [
        "eve@example.org",
        "line-3",
    ]


def test_batch_counts_and_skips_empty_rows(framework: Framework, tmp_path: Path) -> None:
    ids = item_ids(framework)
    source = write_responses(
        tmp_path / "r.csv",
        ["respondent", *ids],
        [["a", *["4"] * 33], [""] * 34, [" ", *[""] * 33], ["b", *["3"] * 33]],
    )
    out = tmp_path / "out"
    result = run("batch", source, "--out", out)
    assert "Skipped 2 empty rows." in result.stderr.splitlines()
    assert summary(out)["counts"]["skipped"] == 2
    assert len(read_csv(out / "scores.csv")) == 2


def test_batch_no_id_column_names_rows_by_line(framework: Framework, tmp_path: Path) -> None:
    source = write_responses(tmp_path / "r.csv", item_ids(framework), [["4"] * 33, ["2"] * 33])
    out = tmp_path / "out"
    result = run("batch", source, "--out", out)
    assert "No respondent id column found, so rows are named by line number." in result.stderr
    assert [r["respondent"] for r in read_csv(out / "scores.csv")] == ["line-2", "line-3"]


# ----------------------------------------------------------------------------- outputs


def test_batch_writes_every_output_privately_and_atomically(tmp_path: Path) -> None:
    out = tmp_path / "new" / "out"
    result = run("batch", EXPORTS / "google-forms.csv", "--out", out, "--reports", "html")
    assert result.exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        ".goodpartners-files", "people", "problems.csv", "scores.csv", "summary.html",
        "summary.json", "summary.md",
    ]  # fmt: skip
    assert not [p for p in out.rglob("*.tmp")]
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o700
        for path in out.rglob("*"):
            expected = 0o700 if path.is_dir() else 0o600
            assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_batch_scores_columns(framework: Framework, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("batch", EXPORTS / "kobo.csv", "--out", out, "--group-by", "team")
    header = read_rows(out / "scores.csv")[0]
    competencies = [c.id for _, c in framework.competencies()]
    assert header == [
        "respondent",
        "team",
        *competencies,
        *(f"{c}_band" for c in competencies),
        *(t.id for t in framework.themes),
        "overall",
        "overall_band",
        "answered",
        "flags",
    ]


def test_batch_summary_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("batch", EXPORTS / "kobo.csv", "--out", out)
    data = summary(out)
    assert data["framework"] == {"id": "good-partners", "version": "1.0", "title": "Good Partners"}
    role = data["competencies"]["role"]
    assert set(role) >= {"name", "n", "mean", "sd", "median", "min", "max", "bands", "alpha"}
    assert role["items"] == ["role-1", "role-2", "role-3"]
    assert list(role["bands"]) == ["concern", "borderline", "strength"]
    assert sum(role["bands"].values()) == role["n"]
    assert data["middle_band"] == "borderline"
    shares = [need["share_below_middle"] for need in data["training_needs"]]
    assert shares == sorted(shares, reverse=True)
    assert data["quality"] == {
        "straight_lining": 1,
        "flags": {"incomplete:reflective": 1, "straight-lining": 1},
    }
    assert "heatmap" not in data


def test_batch_training_needs_rank_by_share_below_the_middle_band(
    framework: Framework, tmp_path: Path
) -> None:
    ids = item_ids(framework)
    # Everyone is low (1 = Never, reverse-keyed 5) on 'step-back', and middling elsewhere.
    low = {"step-back-1": "1", "step-back-2": "1", "step-back-3": "5"}
    rows = [[f"p{n}"] + [low.get(i, "3") for i in ids] for n in range(4)]
    rows.append(["p9"] + ["3"] * 33)
    source = write_responses(tmp_path / "r.csv", ["respondent", *ids], rows)
    out = tmp_path / "out"
    run("batch", source, "--out", out)
    first = summary(out)["training_needs"][0]
    assert (first["competency"], first["below_middle"], first["n"]) == ("step-back", 4, 5)
    assert first["share_below_middle"] == 0.8
    assert first["actions"] == framework.competency("step-back").actions
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "1. Stepping back to let others in</h3>" in html


def test_batch_reliability_in_plain_words(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("batch", ROOT / "examples" / "team-responses.csv", "--out", out)
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    assert (
        "| Being a critical friend | 0.41 | 0.00 to 0.67 | 0.76 | The items of this competency "
        "did not hang together for this team, so read its score with care. Indicative only: "
        "its likely range, 0.00 to 0.67, is wider than 0.3. |"
    ) in markdown
    assert (
        "| Knowing the key partners | 0.81 | 0.68 to 0.89 | 0.35 | The items of this competency "
        "hung together well for this team. |"
    ) in markdown


def test_batch_heatmap_only_for_small_named_teams(framework: Framework, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("batch", EXPORTS / "google-forms.csv", "--out", out)
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "Everyone's scores" in html and "Zo\u00eb Okafor" in html
    ids = item_ids(framework)
    big = write_responses(
        tmp_path / "big.csv", ["respondent", *ids], [[f"p{n}", *["4"] * 33] for n in range(61)]
    )
    run("batch", big, "--out", tmp_path / "big")
    assert "Everyone's scores" not in (tmp_path / "big" / "summary.html").read_text()


def test_batch_reports_use_the_personal_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / "kobo.csv", "--out", out, "--reports", "md")
    assert result.exit_code == 0
    names = sorted(p.name for p in (out / "people").iterdir())
    assert names == [f"{p['staff_id']}.md" for p in PEOPLE]
    report = (out / "people" / "S1001.md").read_text(encoding="utf-8")
    assert report.startswith("# Personal development report: Good Partners")


def test_batch_reference_data_matches_pingouin_and_pandas(tmp_path: Path) -> None:
    """Alpha and competency statistics match reference.json (pingouin, pandas) to 1e-9."""
    reference = json.loads((REFERENCE / "reference.json").read_text(encoding="utf-8"))
    out = tmp_path / "out"
    result = run("batch", REFERENCE / "responses.csv", "--out", out)
    assert result.exit_code == 0
    competencies = summary(out)["competencies"]
    full = reference["full"]
    for cid, alpha in full["alpha"].items():
        assert competencies[cid]["alpha"] == pytest.approx(alpha, abs=1e-9), cid
        for key, value in full["competencies"][cid].items():
            assert competencies[cid][key] == pytest.approx(value, abs=1e-9), (cid, key)
    not_scored = {cid: len(who) for cid, who in full["not_scored"].items()}
    assert {cid: competencies[cid]["not_scored"] for cid in not_scored} == not_scored
    small = tmp_path / "small"
    run("batch", REFERENCE / "small.csv", "--out", small)
    for cid, alpha in reference["small"]["alpha_pairwise"].items():
        assert summary(small)["competencies"][cid]["alpha"] == pytest.approx(alpha, abs=1e-9)


# ----------------------------------------------------------------------------- groups


def team_file(framework: Framework, path: Path, sizes: dict[str, int]) -> Path:
    ids = item_ids(framework)
    rows = []
    for team, size in sizes.items():
        for n in range(size):
            score = str(1 + (n + len(team)) % 5)
            rows.append([f"{team}-{n}", team, *[score] * len(ids)])
    return write_responses(path, ["respondent", "team", *ids], rows)


def test_batch_groups_hide_small_ones_and_their_complement(
    framework: Framework, tmp_path: Path
) -> None:
    source = team_file(framework, tmp_path / "r.csv", {"Hostel": 7, "Outreach": 5, "Nights": 2})
    out = tmp_path / "out"
    assert run("batch", source, "--out", out, "--group-by", "team").exit_code == 0
    groups = summary(out)["groups"]["team"]["values"]
    assert groups["Nights"] == {
        "n": None, "means": None, "suppressed": True, "reason": "fewer than 5 people"
    }  # fmt: skip
    assert groups["Outreach"] == {
        "n": None,
        "means": None,
        "suppressed": True,
        "reason": "hidden as well, so that a smaller group cannot be worked out from the totals",
    }
    assert groups["Hostel"]["n"] == 7 and not groups["Hostel"]["suppressed"]
    # Everyone answers one value v throughout, so 'role' is (v + v + (6 - v)) / 3.
    values = [1 + (n + len("Hostel")) % 5 for n in range(7)]
    assert groups["Hostel"]["means"]["role"] == pytest.approx(sum((v + 6) / 3 for v in values) / 7)
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "Nights is hidden: fewer than 5 people." in html


def test_batch_groups_min_size_option_and_blank_values(
    framework: Framework, tmp_path: Path
) -> None:
    source = team_file(framework, tmp_path / "r.csv", {"A": 3, "B": 3, "": 3})
    out = tmp_path / "out"
    run("batch", source, "--out", out, "--group-by", "team", "--min-group-size", "3")
    groups = summary(out)["groups"]["team"]["values"]
    assert list(groups) == ["(not given)", "A", "B"]
    assert all(g["n"] == 3 for g in groups.values())


def test_batch_min_group_size_must_be_positive(tmp_path: Path) -> None:
    result = run("batch", EXPORTS / "kobo.csv", "--min-group-size", "0")
    assert result.exit_code == 2
    assert "Invalid value for '--min-group-size'" in result.stderr


# ----------------------------------------------------------------------------- anonymise


def test_batch_anonymise_leaves_no_names_anywhere(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "google-forms.csv", "--out", out, "--anonymise", "--reports", "html"
    )
    assert result.exit_code == 0
    secrets = [p["email"] for p in PEOPLE] + [p["name"] for p in PEOPLE]
    secrets += [p["name"].split()[0] for p in PEOPLE]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == 6 + len(PEOPLE)  # with .goodpartners-files, the list of people/
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        for secret in secrets:
            assert secret not in text, (path.name, secret)
    respondents = [row["respondent"] for row in read_csv(out / "scores.csv")]
    assert all(r.startswith("p-") and len(r) == 18 for r in respondents)
    assert sorted(p.stem for p in (out / "people").iterdir()) == sorted(respondents)
    assert summary(out)["anonymised"] is True


def test_batch_pseudonyms_change_each_run_unless_keyed(tmp_path: Path) -> None:
    def pseudonyms(name: str, *extra: str, env: dict[str, str] | None = None) -> list[str]:
        out = tmp_path / name
        run("batch", EXPORTS / "kobo.csv", "--out", out, "--anonymise", *extra, env=env)
        return [row["respondent"] for row in read_csv(out / "scores.csv")]

    assert pseudonyms("a") != pseudonyms("b")
    keyed = pseudonyms("c", "--pseudonym-key", "round key")
    assert keyed == pseudonyms("d", "--pseudonym-key", "round key")
    assert keyed == pseudonyms("e", env={"GOODPARTNERS_PSEUDONYM_KEY": "round key"})
    assert keyed != pseudonyms("f", "--pseudonym-key", "another key")


def test_batch_anonymise_pseudonymises_ids_in_problems(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("batch", EXPORTS / "responses.duplicate-id.csv", "--out", out, "--anonymise")
    [problem] = read_csv(out / "problems.csv")
    assert problem["value"].startswith("p-")
    assert "ann@example.org" not in (out / "problems.csv").read_text(encoding="utf-8-sig")


# ----------------------------------------------------------------------------- baseline


def test_batch_baseline_pairs_people_by_id(framework: Framework, tmp_path: Path) -> None:
    ids = item_ids(framework)
    header = ["respondent", *ids]
    before = write_responses(
        tmp_path / "round1.csv",
        header,
        [["ann", *["2"] * 33], ["bob", *["3"] * 33], ["cat", *["3"] * 33], ["old", *["1"] * 33]],
    )
    # Ann improves everywhere; Bob declines on 'role' only; Cat is unchanged; Dan is new.
    bob = ["3"] * 33
    bob[ids.index("role-1")] = bob[ids.index("role-2")] = "1"
    after = write_responses(
        tmp_path / "round2.csv",
        header,
        [["ann", *["4"] * 33], ["bob", *bob], ["cat", *["3"] * 33], ["dan", *["5"] * 33]],
    )
    out = tmp_path / "out"
    result = run("batch", after, "--out", out, "--baseline", before)
    assert result.exit_code == 0, result.stderr
    baseline = summary(out)["baseline"]
    assert {k: baseline[k] for k in ("source", "rows", "scored", "paired")} == {
        "source": "round1.csv", "rows": 4, "scored": 4, "paired": 3
    }  # fmt: skip
    assert (baseline["only_in_this_round"], baseline["only_in_baseline"]) == (1, 1)
    # Role: Ann from (2 + 2 + 4) / 3 to (4 + 4 + 2) / 3; Bob from 3 to (1 + 1 + 3) / 3.
    role = baseline["competencies"]["role"]
    assert (role["paired"], role["improved"], role["declined"], role["unchanged"]) == (3, 1, 1, 1)
    assert role["mean_change"] == pytest.approx((2 / 3 - 4 / 3 + 0) / 3)
    offer = baseline["competencies"]["offer"]
    assert (offer["improved"], offer["declined"], offer["unchanged"]) == (1, 0, 2)
    assert baseline["competencies"]["overall"]["paired"] == 3
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    assert "| Saying what my role is | 3 | -0.2 | 1 | 1 | 1 |" in markdown
    assert "## Change since the baseline" in markdown


def test_batch_baseline_needs_an_id_column(framework: Framework, tmp_path: Path) -> None:
    ids = item_ids(framework)
    before = write_responses(tmp_path / "b.csv", ids, [["3"] * 33])
    result = run("batch", EXPORTS / "kobo.csv", "--out", tmp_path / "o", "--baseline", before)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --baseline {before}: no respondent id column, so the rounds cannot be paired; "
        "name the column with --id-column\n"
    )


# ----------------------------------------------------------------------------- safety


def test_batch_hostile_names_are_neutralised_in_csv_and_escaped_in_html(tmp_path: Path) -> None:
    rows = read_rows(EXPORTS / "responses.hostile.csv")
    rows.append(list(rows[1]))  # a duplicate, so a hostile id lands in problems.csv too
    source = write_responses(tmp_path / "hostile.csv", rows[0], rows[1:])
    out = tmp_path / "out"
    result = run(
        "batch", source, "--out", out, "--group-by", "team", "--min-group-size", "1",
        "--reports", "html",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    written = [out / "scores.csv", out / "problems.csv"]
    seen = set()
    for path in written:
        for row in read_rows(path):
            for cell in row:
                seen.add(cell)
                if cell.startswith(FORMULA_STARTS):
                    float(cell)  # only plain numbers may start like a formula
    for hostile in HOSTILE[:2] + ["-2+3", "+cmd|' /C calc'!A0"]:
        assert hostile not in seen
    assert "'" + HOSTILE[0] in seen and "'" + HOSTILE[1] in seen and "'-2+3" in seen
    assert "-1" in seen  # a team called -1 is a number and stays one
    for page in [out / "summary.html", *(out / "people").iterdir()]:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or page.parent.name == "people"
        assert "<script" not in html
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown


def test_batch_help_lists_every_option() -> None:
    result = run("batch", "--help")
    assert result.exit_code == 0
    for option in (
        "--framework", "--out", "--id-column", "--name-column", "--group-by",
        "--min-group-size", "--anonymise", "--pseudonym-key", "--reports", "--baseline",
        "--encoding", "--strict",
    ):  # fmt: skip
        assert option in result.stdout


def test_batch_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    from goodpartners.render.team import terminal_progress

    assert terminal_progress() is None


def test_batch_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from goodpartners.render.team import terminal_progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    progress = terminal_progress()
    assert progress is not None
    progress.update(50, 100)
    progress.close()


# ----------------------------------------------------------------------------- docs


def code_blocks(text: str) -> list[str]:
    return re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)


def test_hr_guide_commands_run_and_print_what_the_guide_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = (ROOT / "docs" / "hr-guide.md").read_text(encoding="utf-8")
    section = guide.split("## For HR and L&D leads", 1)[1].split("\n## ", 1)[0]
    commands, shown = code_blocks(section)[:2]
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    results = [run(*shlex.split(line)[1:]) for line in commands.splitlines()]
    assert [r.exit_code for r in results] == [0, 0]
    assert results[0].stderr == shown
    assert (tmp_path / "team-report-anonymous" / "summary.html").exists()


def test_examples_readme_problems_are_the_ones_found(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("batch", ROOT / "examples" / "team-responses.csv", "--out", out)
    problems = read_csv(out / "problems.csv")
    assert [(p["line"], p["value"]) for p in problems] == [
        ("9", "Oftne"),
        ("35", "jo.jones@example.org"),
    ]
    flags = {r["respondent"]: r["flags"] for r in read_csv(out / "scores.csv") if r["flags"]}
    assert flags["niall.nowak@example.org"] == "straight-lining"
    assert flags["wes.vaughan@example.org"] == "incomplete:role"
    readme = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    assert "| 9 | A typo'd answer, `Oftne` |" in readme
    assert "| 35 | Jo Jones sent the form twice |" in readme


# ----------------------------------------------------------------------------- goldens


@pytest.mark.parametrize("name", ["summary.md", "summary.html"])
def test_batch_summary_matches_golden(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example team's summary, whole; UPDATE_GOLDEN=1 rewrites the golden files."""
    monkeypatch.setattr("goodpartners.team.totals.now", lambda: RUN_DATE)
    out = tmp_path / "out"
    result = run(
        "batch", ROOT / "examples" / "team-responses.csv", "--out", out, "--group-by", "Your team"
    )
    assert result.exit_code == 0
    text = (out / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_batch_baseline_problems_are_listed_with_the_file_name(
    framework: Framework, tmp_path: Path
) -> None:
    ids = item_ids(framework)
    header = ["respondent", *ids]
    before = write_responses(
        tmp_path / "round1.csv", header, [["ann", *["2"] * 33], ["ann", *["5"] * 33]]
    )
    after = write_responses(tmp_path / "round2.csv", header, [["ann", *["3"] * 33]])
    out = tmp_path / "out"
    result = run("batch", after, "--out", out, "--baseline", before)
    assert result.exit_code == 0
    assert read_csv(out / "problems.csv") == [
        {
            "line": "3",
            "column": "respondent",
            "value": "ann",
            "problem": "in the baseline round1.csv: the same respondent id as line 2, so this "
            "row was not scored; delete the row you do not want, or choose another column "
            "with --id-column",
        }
    ]
    # Only the first baseline row counts: from (2 + 2 + 4) / 3 to 3 for 'role'.
    role = summary(out)["baseline"]["competencies"]["role"]
    assert role["mean_change"] == pytest.approx(3 - 8 / 3)
    assert summary(out)["baseline"]["problems"] == 1
    assert result.stderr.splitlines()[-3:-1] == [
        "Compared with round1.csv: 1 person in both rounds.",
        "1 problem in round1.csv, also listed in problems.csv.",
    ]
