"""`goodpartners batch --subject-column --rater-column`: a multi-rater (360) run end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import read_csv, run

DATA = Path(__file__).parent / "data"
EXPORTS = DATA / "exports"
GOLDEN = Path(__file__).parent / "golden" / "batch"
MINIMAL = DATA / "framework.minimal.yaml"
RATERS_FRAMEWORK = DATA / "framework.360-raters.yaml"
MULTI = ("--subject-column", "subject", "--rater-column", "relationship")


def test_360_scores_one_row_per_person(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / "360.csv", "--framework", MINIMAL, *MULTI, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Scored 43 ratings of 8 people (43 rows) from 360.csv against Minimal 1.0. 5 of them "
        "have others' ratings shown; the team figures are from 8 self ratings.\n"
        "No problems found in the rows.\n"
        f"Files are in {out}; open summary.html for the team summary.\n"
    )
    rows = {row["respondent"]: row for row in read_csv(out / "scores.csv")}
    assert list(rows) == ["Ana", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal"]
    # By hand, from tests/data/exports/360.csv (see test_multirater.py for the rule).
    assert rows["Ana"]["c1"] == rows["Ana"]["c1_self"] == "5.00"
    assert rows["Ana"]["c1_others"] == "3.00"  # (3+3+2 + 4+3+3 + 3) / 7
    assert rows["Ana"]["c1_peer"] == "2.67"  # 8 / 3
    assert rows["Ana"]["c1_partner"] == "3.33"  # 10 / 3
    assert rows["Ana"]["c1_manager"] == "3.00"
    # c2: one peer skipped it, so 2 peers: peers hidden and partners folded in with them.
    assert [rows["Ana"][f"c2_{g}"] for g in ("others", "manager", "peer", "partner")] == [
        "3.33",  # (3+4 + 4+3+4 + 2) / 6
        "2.00",
        "",
        "",
    ]
    ben = [rows["Ben"][f"c1_{g}"] for g in ("self", "others", "manager", "peer", "partner")]
    assert ben == ["4.00", "3.33", "", "", ""]  # only others (3): (3+4+3) / 3
    assert [rows["Cat"][f"c1_{g}"] for g in ("others", "peer")] == ["", ""]
    assert rows["Dan"]["c1_others"] == "4.15"  # (4+4+5+4+3 + 13/3+5+4+4) / 9 = 4.148
    assert rows["Dan"]["c1_partner"] == "4.33"  # (13/3 + 5+4+4) / 4
    assert [rows["Hal"][f"c1_{g}"] for g in ("others", "manager", "peer")] == ["", "4.00", ""]
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["counts"]["scored"] == 8  # the team figures are the self ratings
    assert data["columns"]["ignored"] == []
    # Blind spots (self - others >= 1): Ana on c1 (5 - 3.0), Eve on c2 (5 - 3.3); 5 people
    # (Ana, Ben, Dan, Eve, Gus) have others shown, as min_group_size 5 needs.
    assert data["raters"]["blind_spots"] == [
        {"competency": "c1", "name": "Competency one", "people": 5, "blind_spots": 1,
         "share": 0.2},
        {"competency": "c2", "name": "Competency two", "people": 5, "blind_spots": 1,
         "share": 0.2},
    ]  # fmt: skip


def test_360_scores_golden(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("batch", EXPORTS / "360.csv", "--framework", MINIMAL, *MULTI, "--out", out)
    expected = (GOLDEN / "360-scores.csv").read_bytes()
    assert (out / "scores.csv").read_bytes() == expected


def test_collective_blind_spots_follow_min_group_size(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.csv", "--framework", MINIMAL, *MULTI, "--out", out,
        "--min-group-size", "6",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shares = json.loads((out / "summary.json").read_text(encoding="utf-8"))["raters"]
    assert [(s["people"], s["blind_spots"], s["share"]) for s in shares["blind_spots"]] == [
        (5, None, None),
        (5, None, None),
    ]


def test_360_bad_rows_are_problems(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.problems.csv", "--framework", RATERS_FRAMEWORK, *MULTI,
        "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert read_csv(out / "problems.csv") == [
        {
            "line": "3",
            "column": "subject",
            "value": "",
            "problem": "'subject' is empty, so this rating is about no one and was not "
            "scored; fill in who it is about",
        },
        {
            "line": "4",
            "column": "relationship",
            "value": "friend",
            "problem": "not a rater group, so this rating was not scored; use self, manager, "
            "peer, partner, or add the word to the raters: block of the framework or "
            "--mapping file",
        },
        {
            "line": "5",
            "column": "relationship",
            "value": "",
            "problem": "'relationship' is empty, so this rating was not scored; fill in "
            "self, manager, peer or partner",
        },
        {
            "line": "6",
            "column": "relationship",
            "value": "Self",
            "problem": "a second self rating for 'Ana' (the first is on line 2); only the "
            "first was scored. Remove one of them",
        },
        {
            "line": "10",
            "column": "",
            "value": "",
            "problem": "no statement was answered, so this row was not scored",
        },
    ]
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["counts"]["rows"] == 9
    assert data["counts"]["not_scored"] == 5
    assert data["raters"]["ratings"] == 4  # self, peer, partner, probation officer (partner)
    (ana,) = read_csv(out / "scores.csv")
    assert ana["c1_self"] == "5.00"
    # 1 peer and 2 partners (one a probation officer, by the framework's raters: block):
    # others (3) alone, (3 + 3 + 3) / 3 and (3 + 4 + 2) / 3.
    assert [ana[f"c1_{g}"] for g in ("others", "peer", "partner")] == ["3.00", "", ""]
    assert ana["c2_others"] == "3.00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--subject-column", "subject"),
            "Error: --subject-column needs --rater-column too: one says who is rated, the "
            "other how the rater knows them; give both, or neither\n",
        ),
        (
            ("--rater-column", "relationship"),
            "Error: --rater-column needs --subject-column too: one says who is rated, the "
            "other how the rater knows them; give both, or neither\n",
        ),
        (
            ("--subject-column", "c1-1", "--rater-column", "relationship"),
            "Error: --subject-column c1-1: that column holds the answers to item c1-1; give "
            "the column that says who is rated, or how the rater knows them\n",
        ),
        (
            ("--subject-column", "subject", "--rater-column", "subject"),
            "Error: --subject-column and --rater-column are the same column (subject); give "
            "the column that says who is rated, and the one that says how the rater knows "
            "them\n",
        ),
    ],
)
def test_360_usage_errors(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / "360.csv", "--framework", MINIMAL, *args, "--out", out)
    assert (result.exit_code, result.stderr) == (2, message)
    assert not out.exists()


def test_360_unknown_column(tmp_path: Path) -> None:
    result = run(
        "batch", EXPORTS / "360.csv", "--framework", MINIMAL, "--subject-column", "who",
        "--rater-column", "relationship", "--out", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"Error: --subject-column who: {EXPORTS / '360.csv'} has no such column; its columns "
        "are 'id', 'subject', 'relationship'"
    )


def test_360_reports_say_how_others_see_you(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.csv", "--framework", MINIMAL, *MULTI, "--out", out,
        "--reports", "md",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (out / "people").iterdir())
    assert names == [f"{n}.md" for n in ("Ana", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal")]
    ben = (out / "people" / "Ben.md").read_text(encoding="utf-8")
    assert "| Skill | You | Others | Gap |" in ben
    assert "| Competency one | 4.0 | 3.3 (3) | +0.7 worth a conversation |" in ben
    cat = (out / "people" / "Cat.md").read_text(encoding="utf-8")
    assert "1 person rated you. Others' ratings are shown only when at least 3" in cat


def test_360_anonymised_names_no_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.csv", "--framework", MINIMAL, *MULTI, "--out", out,
        "--reports", "md", "--anonymise", "--pseudonym-key", "k",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    scores = (out / "scores.csv").read_text(encoding="utf-8-sig")
    reports = " ".join(p.read_text(encoding="utf-8") for p in (out / "people").iterdir())
    for name in ("Ana", "Ben", "Cat", "Hal"):
        assert name not in scores
        assert name not in reports
    assert all(row["respondent"].startswith("p-") for row in read_csv(out / "scores.csv"))


def test_a_normal_run_has_no_raters_block(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", EXPORTS / "360.csv", "--framework", MINIMAL, "--out", out)
    assert result.exit_code == 0, result.output
    assert "raters" not in json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert "c1_others" not in (out / "scores.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("min_group_size", "rows"),
    [
        ("5", ["| Competency one | 1 | 20% | 5 |", "| Competency two | 1 | 20% | 5 |"]),
        ("6", ["| Competency one | - | - | 5 |", "| Competency two | - | - | 5 |"]),
    ],
)
def test_summary_shows_the_teams_blind_spots(
    tmp_path: Path, min_group_size: str, rows: list[str]
) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.csv", "--framework", MINIMAL, *MULTI, "--out", out,
        "--min-group-size", min_group_size,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (out / "summary.md").read_text(encoding="utf-8")
    section = text.split("## The team's blind spots\n\n", 1)[1].split("\n## ", 1)[0]
    assert section.splitlines() == [
        "8 people were rated, in 43 ratings. For each competency, the share of people who "
        "score themselves at least 1 point higher than others do: the team's blind spots. "
        "Only people whose own and others' scores are both shown count. A share of fewer "
        f"than {min_group_size} people is not shown.",
        "",
        "| Competency | People with a blind spot | Share | People compared |",
        "| --- | ---: | ---: | ---: |",
        *rows,
    ]
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert '<h2 id="blind-spots">The team\'s blind spots</h2>' in page


def test_check_names_the_rater_columns(tmp_path: Path) -> None:
    result = run("batch", EXPORTS / "360.csv", "--framework", MINIMAL, *MULTI, "--check")
    assert result.exit_code == 0, result.output
    assert "  B  'subject' -> who is rated\n" in result.stdout
    assert "  C  'relationship' -> how the rater knows them\n" in result.stdout
    assert "Unmatched columns: none\n" in result.stdout


def test_a_person_rated_only_by_others_has_blank_own_scores(tmp_path: Path) -> None:
    export = tmp_path / "noself.csv"
    export.write_text(
        "id,subject,relationship,c1-1,c1-2,c1-3,c2-1,c2-2,c2-3\n"
        "r1,Zed,peer,3,3,3,3,3,3\nr2,Zed,peer,4,4,2,4,4,2\nr3,Zed,partner,5,5,1,5,5,1\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run("batch", export, "--framework", MINIMAL, *MULTI, "--out", out, "--reports", "md")
    assert result.exit_code == 0, result.output
    assert "1 of them has others' ratings shown; the team figures are from 0 self ratings" in (
        " ".join(result.stderr.split())
    )
    rows = (out / "scores.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[1] == "Zed,,,,,,,,,,,4.00,,,,,4.00,,,"  # (3 + 4 + 5) / 3
    report = (out / "people" / "Zed.md").read_text(encoding="utf-8")
    assert "You did not rate yourself, so there are no gaps to show." in report
    assert "| Competency one | - | ███████████████░░░░░ 4.0 |" in report


def test_min_raters_two_shows_smaller_groups(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.csv", "--framework", MINIMAL, *MULTI, "--out", out,
        "--min-raters", "2",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {row["respondent"]: row for row in read_csv(out / "scores.csv")}
    # Hal: a manager (4) and 2 peers (2, 5): now others (3) and the peers are shown.
    hal = [rows["Hal"][f"c1_{g}"] for g in ("others", "manager", "peer", "partner")]
    assert hal == ["3.67", "4.00", "3.50", ""]  # (2 + 5 + 4) / 3, (2 + 5) / 2
    # Ben: 2 peers and 1 partner; showing the peers would give away the one partner.
    ben = [rows["Ben"][f"c1_{g}"] for g in ("others", "peer", "partner")]
    assert ben == ["3.33", "", ""]


def test_strict_refuses_a_360_with_a_bad_rater(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.problems.csv", "--framework", RATERS_FRAMEWORK, *MULTI,
        "--out", out, "--strict",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: 5 problems in the data; the first is on line 3, column 'subject': 'subject' "
        "is empty, so this rating is about no one and was not scored"
    )
    assert sorted(p.name for p in out.iterdir()) == ["problems.csv"]


def test_mapping_renames_rater_words(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.problems.csv", "--framework", RATERS_FRAMEWORK, *MULTI,
        "--out", out, "--mapping", DATA / "mapping.360-raters.yaml",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "friend" not in (out / "problems.csv").read_text(encoding="utf-8-sig")
    (ana,) = read_csv(out / "scores.csv")
    # 'friend' is now a peer: 2 peers (3, 3) and 2 partners (3, 3) in c1, 4 in all.
    assert [ana[f"c1_{g}"] for g in ("others", "peer", "partner")] == ["3.00", "", ""]
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["raters"]["ratings"] == 5


def test_mapping_with_an_unknown_rater_group(tmp_path: Path) -> None:
    path = DATA / "mapping.rater-group-unknown.yaml"
    result = run(
        "batch", EXPORTS / "360.csv", "--framework", MINIMAL, *MULTI, "--out", tmp_path / "o",
        "--mapping", path,
    )  # fmt: skip
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {path}:4:11: 'Friend' means 'pal', which is not a rater group; use self, "
        "manager, peer or partner\n",
    )


def test_a_subject_written_two_ways_is_one_person_and_said_so(tmp_path: Path) -> None:
    # "ana", "Ana " and "ANA" differ only in capitals and spaces: one person, whose
    # ratings are put together, and problems.csv says which rows were read that way.
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.subject-spelled-two-ways.csv", "--framework", MINIMAL,
        *MULTI, "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {row["respondent"]: row for row in read_csv(out / "scores.csv")}
    assert list(rows) == ["ana", "Ben"]
    assert rows["ana"]["c1_others"] == "2.67"  # (3+3+3 + 3+3+3 + 2+2+2) / 9
    assert rows["ana"]["c1_peer"] == "2.67"
    assert read_csv(out / "problems.csv") == [
        {
            "line": str(line),
            "column": "subject",
            "value": value,
            "problem": "taken to be 'ana' (line 2), written with other capitals or spaces; "
            "this rating was scored as theirs. Write each name the same way every time",
        }
        for line, value in ((3, "Ana "), (4, "ANA"))
    ]


def test_strict_refuses_a_subject_written_two_ways(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.subject-spelled-two-ways.csv", "--framework", MINIMAL,
        *MULTI, "--strict", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 1
    assert "line 3, column 'subject', value 'Ana '" in result.stderr


def test_subjects_differing_by_more_than_capitals_stay_apart(tmp_path: Path) -> None:
    export = tmp_path / "360.csv"
    export.write_text(
        "id,subject,relationship,c1-1,c1-2,c1-3,c2-1,c2-2,c2-3\n"
        "r1,ana-b@x.org,self,5,5,1,3,3,3\n"
        "r2,ana_b@x.org,self,3,3,3,3,3,3\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run("batch", export, "--framework", MINIMAL, *MULTI, "--out", out)
    assert result.exit_code == 0, result.output
    assert [row["respondent"] for row in read_csv(out / "scores.csv")] == [
        "ana-b@x.org",
        "ana_b@x.org",
    ]
    assert read_csv(out / "problems.csv") == []


def test_360_misspelt_column_suggests_the_nearest(tmp_path: Path) -> None:
    result = run(
        "batch", EXPORTS / "360.csv", "--framework", MINIMAL, "--subject-column", "subjct",
        "--rater-column", "relationship", "--out", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --subject-column subjct: {EXPORTS / '360.csv'} has no such column; its "
        "columns are 'id', 'subject', 'relationship', 'c1-1', 'c1-2', 'c1-3', 'c2-1', "
        "'c2-2', 'c2-3'. Did you mean 'subject'?\n"
    )


def test_anonymised_problems_name_no_one(tmp_path: Path) -> None:
    # A second self rating and a name written two ways are problems about a person:
    # with --anonymise they give the person's code, as a duplicate id does.
    export = tmp_path / "360.csv"
    export.write_text(
        "id,subject,relationship,c1-1,c1-2,c1-3,c2-1,c2-2,c2-3\n"
        "r1,Zed,self,5,5,1,3,3,3\n"
        "r2,ZED,peer,3,3,3,3,3,3\n"
        "r3,Zed,self,3,3,3,3,3,3\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run(
        "batch", export, "--framework", MINIMAL, *MULTI, "--out", out, "--anonymise",
        "--pseudonym-key", "k",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (code,) = [row["respondent"] for row in read_csv(out / "scores.csv")]
    problems = read_csv(out / "problems.csv")
    assert [(p["line"], p["value"], p["problem"]) for p in problems] == [
        (
            "3",
            code,
            f"taken to be '{code}' (line 2), written with other capitals or spaces; this "
            "rating was scored as theirs. Write each name the same way every time",
        ),
        (
            "4",
            "self",
            f"a second self rating for '{code}' (the first is on line 2); only the first "
            "was scored. Remove one of them",
        ),
    ]
    for name in ("scores.csv", "problems.csv", "summary.json", "summary.md", "summary.html"):
        assert "zed" not in (out / name).read_text(encoding="utf-8-sig").casefold(), name


def test_rater_emails_are_not_taken_as_a_unique_id(tmp_path: Path) -> None:
    # A Google Form that collects email addresses: each rater's email is on every row
    # they answer, one row per person they rate. It says who rated, not which row it is,
    # so it must not be read as a respondent id (which would drop a rater's second row).
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.google-email-collected.csv", "--framework", MINIMAL,
        *MULTI, "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Ignored 2 columns that are not statements: A ('Timestamp'), B ('Email address')\n"
        "Scored 8 ratings of 2 people (8 rows) from 360.google-email-collected.csv against "
        "Minimal 1.0. 2 of them have others' ratings shown; the team figures are from 2 "
        "self ratings.\n"
        "No problems found in the rows.\n"
        f"Files are in {out}; open summary.html for the team summary.\n"
    )
    rows = {row["respondent"]: row for row in read_csv(out / "scores.csv")}
    assert rows["Ana"]["c1_peer"] == "2.67"  # (3 + 3 + 8/3) / 3
    # People are named by the subject column, not by line number.
    named = "Respondent column: none; people are named by who was rated."
    assert f"- {named}\n" in (out / "summary.md").read_text(encoding="utf-8")
    assert f"<li>{named}</li>" in (out / "summary.html").read_text(encoding="utf-8")
    assert rows["Ben"]["c1_peer"] == "3.67"  # (4 + 3 + 4) / 3


def test_an_id_column_given_is_still_checked_for_repeats(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.google-email-collected.csv", "--framework", MINIMAL,
        *MULTI, "--id-column", "Email address", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [row["line"] for row in read_csv(out / "problems.csv")] == ["4", "7", "8", "9"]


@pytest.mark.parametrize(
    ("word", "hint"),
    [
        ("pear", " (did you mean 'peer'?)"),
        ("Partner agnecy", " (did you mean 'partner agency'?)"),
        ("line manger", " (did you mean 'line manager'?)"),
        ("friend", ""),
    ],
)
def test_a_misspelt_rater_word_suggests_the_nearest(tmp_path: Path, word: str, hint: str) -> None:
    export = tmp_path / "360.csv"
    export.write_text(
        f"id,subject,relationship,c1-1,c1-2,c1-3,c2-1,c2-2,c2-3\nr1,Ana,{word},3,3,3,3,3,3\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run("batch", export, "--framework", MINIMAL, *MULTI, "--out", out).exit_code == 0
    (problem,) = read_csv(out / "problems.csv")
    assert problem["problem"] == (
        f"not a rater group{hint}, so this rating was not scored; use self, manager, peer, "
        "partner, or add the word to the raters: block of the framework or --mapping file"
    )


def test_check_finds_the_rater_problems_a_run_would(tmp_path: Path) -> None:
    result = run(
        "batch", EXPORTS / "360.problems.csv", "--framework", RATERS_FRAMEWORK, *MULTI,
        "--check",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.split("Problems: ", 1)[1].startswith("5 in 5 rows:\n")
    assert (
        "  line 4, column 'relationship', value 'friend': not a rater group, so this rating "
        "was not scored; use self, manager, peer, partner, or add the word to the raters: "
        "block of the framework or --mapping file\n"
    ) in text
    assert text.endswith("Ratings that would be scored: 4 of 9 rows\n")


def test_a_response_id_column_is_used_when_the_rater_email_is_not(tmp_path: Path) -> None:
    export = tmp_path / "360.csv"
    export.write_text(
        "ID,Email,subject,relationship,c1-1,c1-2,c1-3,c2-1,c2-2,c2-3\n"
        "1,ana@x.org,Ana,self,5,5,1,3,3,3\n"
        "2,ben@x.org,Ana,peer,3,3,3,3,3,3\n"
        "2,ben@x.org,Ben,self,4,4,2,4,4,2\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run("batch", export, "--framework", MINIMAL, *MULTI, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Ignored 1 column that is not a statement: B ('Email')\n")
    assert [row["line"] for row in read_csv(out / "problems.csv")] == ["4"]  # ID 2 twice


def test_workbook_rater_problems_give_the_column_letter(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Form1"
    sheet.append(["id", "subject", "relationship", "c1-1", "c1-2", "c1-3", "c2-1", "c2-2"])
    sheet.append(["r1", "Ana", "self", 5, 5, 1, 3, 3])
    sheet.append(["r2", "Ana", "pear", 3, 3, 3, 3, 3])
    sheet.append(["r3", "", "peer", 3, 3, 3, 3, 3])
    sheet.append(["r4", "ANA", "peer", 3, 3, 3, 3, 3])
    export = tmp_path / "360.xlsx"
    book.save(export)
    out = tmp_path / "out"
    result = run("batch", export, "--framework", MINIMAL, *MULTI, "--out", out)
    assert result.exit_code == 0, result.output
    assert [(p["line"], p["column"]) for p in read_csv(out / "problems.csv")] == [
        ("3", "C ('relationship')"),
        ("4", "B ('subject')"),
        ("5", "B ('subject')"),
    ]


def test_a_person_rated_only_by_others_is_told_why_their_own_sections_are_empty(
    tmp_path: Path,
) -> None:
    responses = tmp_path / "responses.csv"
    responses.write_text(
        "id,subject,relationship,c1-1,c1-2,c1-3,c2-1,c2-2,c2-3\n"
        "r1,Zed,peer,3,3,3,3,3,3\n"
        "r2,Zed,peer,4,4,2,4,4,2\n"
        "r3,Zed,peer,2,2,4,2,2,4\n"
        "r4,Ana,self,4,4,2,4,4,2\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run(
        "batch", responses, "--framework", MINIMAL, *MULTI, "--out", out, "--reports", "md"
    )
    assert result.exit_code == 0, result.output
    report = (out / "people" / "Zed.md").read_text(encoding="utf-8")
    assert (
        "## Your next steps\n\nNone yet: you did not rate yourself, so this report has only how "
        "others see you, below. Rate yourself too, then compare.\n"
    ) in report
    assert "No skill could be scored" not in report
    assert (
        "## Your strengths\n\nNone yet: you did not rate yourself. See 'How others see you' above."
    ) in report


@pytest.mark.parametrize(
    ("min_raters", "what"),
    [
        ("1", "one rater's own scores, so that rater is not anonymous"),
        ("2", "the scores of 2 raters, so each of them can work out what the other said"),
    ],
)
def test_min_raters_below_3_warns_what_it_gives_away(
    tmp_path: Path, min_raters: str, what: str
) -> None:
    out = tmp_path / "out"
    result = run(
        "batch", EXPORTS / "360.csv", "--framework", MINIMAL, *MULTI,
        "--min-raters", min_raters, "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        f"With --min-raters {min_raters}, a person's report can show {what}. Tell raters "
        "before they answer, or use the default of 3.\n"
    ) in result.stderr


def test_the_default_min_raters_gives_no_such_warning(tmp_path: Path) -> None:
    result = run("batch", EXPORTS / "360.csv", "--framework", MINIMAL, *MULTI, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "--min-raters" not in result.stderr
