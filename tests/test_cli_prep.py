"""`goodpartners prep`, `prep --after` and prep cards in `history`, through CliRunner."""

from __future__ import annotations

import json
import re
import stat
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from goodpartners.cli import app
from goodpartners.models import Assessment, Framework, PrepCard
from goodpartners.personal.history import save_assessment, save_prep_card
from tests.conftest import make_prep_card

runner = CliRunner()

MEETING = ["Case review for J.S.", "2026-11-12"]
WHO = ["Housing Options - housing officer", "Probation - probation officer", ""]
# One answer per competency (offer and realistic lowest), then Enter at the review.
QUICK = ["4", "2", "2", "5", "4", "3", "4", "4", "5", "4", "3", ""]
ROLE = ["I am J's key worker at Riverside hostel.", "A date for the move-on panel."]
OVER = ["Weekly key-work session", "8", "Go with J to housing", "6", "", "6"]
AFTER_OFFERS = [
    "Money for a deposit",  # not-promise
    "Move J on within 8 weeks",  # Housing: objectives
    "Whether J is on the register",  # Housing: to find out
    "Keep J out of breach",  # Probation: objectives
    "",  # Probation: nothing to find out
    "His GP and his sister",  # key-partners
    "Ask the quiet ones first",  # room
    "",  # review: make the card
]
OVER_PROMISING = (
    "Your offers need about 14 hours next month, but you have about 6 hours. "
    "That is over-promising: offer less, or say what you will drop to make time."
)


def feed(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def flat(text: str) -> str:
    """Output with its line wrapping undone, to check sentences that may wrap."""
    return " ".join(text.split())


def run_prep(lines: list[str], *args: str) -> Result:
    return runner.invoke(app, ["prep", *args], input=feed(lines))


def card_json(result: Result) -> dict[str, Any]:
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def saved_cards(home: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted((home / "prep").glob("*.json"))]


def test_prep_whole_flow_flags_over_promising(private_home: Path) -> None:
    script = [*MEETING, *WHO, *QUICK, *ROLE, *OVER, "n", *AFTER_OFFERS]
    result = run_prep(script, "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = flat(result.stderr)
    assert "Meeting prep: Good Partners" in out
    assert "Knowing my offer - 2 of 11" in out
    assert "Optional: an example" not in out  # no notes: the quick check stays quick
    assert (
        "From your quick check, focus on 'Knowing my offer' and 'Being realistic about "
        "resources' in this meeting." in out
    )
    assert OVER_PROMISING in out
    assert "Change your offers now? (n keeps them, and your card shows this warning)" in out
    assert " 7. What I can offer: 2 offers - over-promising" in result.stderr
    card = card_json(result)
    assert card["meeting"] == "Case review for J.S."
    assert card["meeting_date"] == "2026-11-12"
    assert card["role"] == "I am J's key worker at Riverside hostel."
    assert [(o["text"], o["hours"]) for o in card["offers"]] == [
        ("Weekly key-work session", 8.0),
        ("Go with J to housing", 6.0),
    ]
    assert card["capacity"]["over"] is True
    assert card["capacity"]["message"] == OVER_PROMISING
    assert card["not_promise"] == "Money for a deposit"
    assert card["partners"][1] == {
        "who": "Probation - probation officer",
        "objectives": "Keep J out of breach",
        "find_out": "",
    }
    assert [f["id"] for f in card["focus"]] == ["offer", "realistic"]
    assert card["after_command"] == f"goodpartners prep --after {card['card_id']}"
    assert result.stderr.endswith(
        f"Saved as {card['card_id']}.\n"
        f"After the meeting, run: goodpartners prep --after {card['card_id']}\n"
    )
    [saved] = saved_cards(private_home)
    assert saved["id"] == card["card_id"]
    assert saved["check"]["answers"]["offer-1"] == 2
    assert not (private_home / "drafts" / "prep" / "good-partners.json").exists()
    if sys.platform != "win32":
        [path] = (private_home / "prep").glob("*.json")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_prep_says_so_when_the_quick_check_scored_only_after_meeting_skills(
    private_home: Path,
) -> None:
    # Only 'Reflecting on my practice' (the 6th) is answered; the rest do not apply.
    quick = ["n/a"] * 5 + ["2"] + ["n/a"] * 5 + [""]
    script = [*MEETING, *WHO, *quick, *ROLE, *OVER, "n", *AFTER_OFFERS]
    result = run_prep(script, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert (
        "The skills your quick check scored are ones to work on after the meeting, "
        "so your card has no focus for the meeting itself." in flat(result.stderr)
    )
    assert "From your quick check, focus on" not in result.stderr
    card = card_json(result)
    assert card["focus"] == []
    assert card["focus_note"].startswith("No focus for the meeting itself:")
    assert (card["hours_offered"], card["hours_available"]) == (14.0, 6.0)


def test_prep_changing_offers_that_fit(private_home: Path) -> None:
    fits = [
        *OVER,
        "y",  # change the offers now
        "Weekly key-work session",
        "4",
        "",
    ]
    script = [*MEETING, *WHO, *QUICK, *ROLE, *fits, *AFTER_OFFERS]
    result = run_prep(script, "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = flat(result.stderr)
    assert "List your offers again. Offer less, or make each one smaller." in out
    assert (
        "Your offers need about 4 hours next month, and you have about 6 hours. "
        "That fits, with about 2 hours to spare." in out
    )
    card = card_json(result)
    assert [o["text"] for o in card["offers"]] == ["Weekly key-work session"]
    assert card["capacity"]["over"] is False


def test_prep_review_changes_an_answer_and_asks_about_a_new_partner() -> None:
    review = [
        "5",  # My role
        "",  # Enter keeps it
        "3",  # Who will be there
        *WHO[:2],
        "Shelter - housing adviser",
        "",
        "Help D appeal the decision",  # only the new partner is asked about
        "The appeal deadline",
        "",  # make the card
    ]
    script = [*MEETING, *WHO, *QUICK, *ROLE, *OVER, "n", *AFTER_OFFERS[:-1], *review]
    result = run_prep(script, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "Press Enter to keep an answer shown in [brackets]." in result.stderr
    assert "Your answer [I am J's key worker at Riverside hostel.]: " in result.stderr
    assert (
        "Type everyone again. You had: Housing Options - housing officer; "
        "Probation - probation officer." in flat(result.stderr)
    )
    assert result.stderr.count("Probation - probation officer\n  What they want") == 1
    card = card_json(result)
    assert card["role"] == "I am J's key worker at Riverside hostel."
    assert card["partners"][2] == {
        "who": "Shelter - housing adviser",
        "objectives": "Help D appeal the decision",
        "find_out": "The appeal deadline",
    }
    assert card["partners"][0]["objectives"] == "Move J on within 8 weeks"


def test_prep_bad_date_and_bad_hours_get_a_hint_and_the_question_again() -> None:
    script = [
        "Case review",
        "12/11/2026",
        "2026-02-30",
        "2026-11-12",
        "",  # nobody named
        *QUICK,
        *ROLE,
        "Weekly key-work session",
        "lots",
        "-2",
        "4",
        "",
        "",  # hours available: empty
        "800",
        "5",
        "",  # not-promise
        "",  # partners: free text, as nobody was named
        "",  # key-partners
        "",  # room
        "",  # review
    ]
    result = run_prep(script, "--format", "json")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "Type the date as YYYY-MM-DD, for example 2026-11-14, or type today or tomorrow." in (
        lines
    )
    assert "2026-02-30 is not a real date; check the month and the day." in lines
    assert "'lots' is not a number of hours; type a number, for example 4 or 1.5." in lines
    assert "Hours cannot be less than 0; type a number, for example 4 or 1.5." in lines
    assert "Type a number, for example 4 or 1.5." in lines
    assert "800 hours is more than a month has; give the hours for the next month only." in lines
    card = card_json(result)
    assert card["meeting_date"] == "2026-11-12"
    assert card["capacity"]["available"] == 5.0
    assert card["capacity"]["over"] is False
    assert card["partners"] == []


def test_prep_end_of_input_saves_a_draft_and_resume_carries_on(private_home: Path) -> None:
    draft = private_home / "drafts" / "prep" / "good-partners.json"
    first = run_prep([*MEETING, *WHO, "4", "2"])
    assert first.exit_code == 1
    assert first.stderr.endswith(
        "Error: the input ended before the meeting prep was finished. Your answers so far "
        f"are saved in {draft}. To carry on, run: goodpartners prep --resume\n"
    )
    saved = json.loads(draft.read_text())
    assert saved["meeting"] == "Case review for J.S."
    assert saved["check"]["answers"] == {"role-1": 4, "offer-1": 2}
    rest = [*QUICK[2:], *ROLE, *OVER, "n", *AFTER_OFFERS]
    resumed = run_prep(rest, "--resume", "--format", "json")
    assert resumed.exit_code == 0, resumed.stderr
    assert "Carrying on from where you stopped." in resumed.stderr
    assert "Realistic" not in resumed.stderr.split("Carrying on")[0]
    card = card_json(resumed)
    assert card["meeting"] == "Case review for J.S."
    assert [f["id"] for f in card["focus"]] == ["offer", "realistic"]
    assert not draft.exists()


def test_prep_offers_to_resume_and_n_starts_again(private_home: Path) -> None:
    run_prep(["Old meeting"])
    script = ["n", *MEETING, *WHO, *QUICK, *ROLE, *OVER, "n", *AFTER_OFFERS]
    result = run_prep(script, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "You have an unfinished meeting prep for 'Old meeting', started" in result.stderr
    assert card_json(result)["meeting"] == "Case review for J.S."


def test_prep_end_of_input_before_any_answer_saves_nothing(private_home: Path) -> None:
    result = run_prep([])
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: the input ended before the meeting prep was finished. "
        "Nothing was saved yet. To start, run: goodpartners prep\n"
    )


def test_prep_q_saves_and_quits(private_home: Path) -> None:
    result = run_prep(["Case review", "q"])
    draft = private_home / "drafts" / "prep" / "good-partners.json"
    assert result.exit_code == 0
    assert result.stderr.endswith(
        f"Saved your answers so far in {draft}.\nTo carry on, run: goodpartners prep --resume\n"
    )
    assert json.loads(draft.read_text())["meeting"] == "Case review"


def test_prep_meeting_and_date_options_skip_those_questions() -> None:
    script = [*WHO, *QUICK, *ROLE, *OVER, "n", *AFTER_OFFERS]
    result = run_prep(script, "--meeting", "Panel", "--date", "2026-11-12", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "What is the meeting?" not in result.stdout
    assert "When is it?" not in result.stdout
    card = card_json(result)
    assert (card["meeting"], card["meeting_when"]) == ("Panel", "Thursday 12 November 2026")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--date", "12/11/2026"],
            "Error: --date '12/11/2026' is not a date; give it as YYYY-MM-DD, "
            "for example 2026-11-14\n",
        ),
        (["--resume", "--restart"], "Error: choose --resume or --restart, not both\n"),
        (
            ["--after", "20261012-161500", "--meeting", "Panel"],
            "Error: --after takes only --answers, --format and --output\n",
        ),
        (
            ["--answers", "prep.yaml", "--resume"],
            "Error: --answers makes the card without asking; leave out --resume and --restart\n",
        ),
    ],
)
def test_prep_usage_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["prep", *args])
    assert result.exit_code == 2
    assert result.stderr == message


PREP_FILE = """\
meeting: Case review for J.S.
date: 2026-11-12
partners:
  - who: Housing Options - housing officer
    objectives: Move J on within eight weeks
    find_out: Whether J is on the register
  - Probation - probation officer
check:
  role-1: 4
  offer-1: 2
  realistic-1: rarely
questions:
  role-summary: I am J's key worker.
  not-promise: Money for a deposit
offers:
  - text: Weekly key-work session
    hours: 3
  - text: Go with J to housing
    hours: 2.5
hours_available: 6
"""


def test_prep_from_answers_file(tmp_path: Path, private_home: Path) -> None:
    path = tmp_path / "prep.yaml"
    path.write_text(PREP_FILE)
    result = runner.invoke(app, ["prep", "--answers", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        f"Warning: {path}: no quick-check answer for 8 items: present-1, critical-friend-1,"
    )
    card = json.loads(result.stdout)
    assert card["partners"][1] == {
        "who": "Probation - probation officer",
        "objectives": "",
        "find_out": "",
    }
    assert card["capacity"]["message"] == (
        "Your offers need about 5.5 hours next month, and you have about 6 hours. "
        "That fits, with about 0.5 hours to spare."
    )
    assert [f["id"] for f in card["focus"]] == ["offer", "realistic"]
    assert card["role"] == "I am J's key worker."
    assert len(saved_cards(private_home)) == 1


def test_prep_from_answers_file_totals_the_hours_and_skips_reflecting(
    tmp_path: Path, private_home: Path
) -> None:
    # reflective-1 is the lowest answer, but reflecting is worked on after the meeting.
    path = tmp_path / "prep.yaml"
    path.write_text(PREP_FILE.replace("  realistic-1: rarely\n", "  reflective-1: never\n"))
    result = runner.invoke(app, ["prep", "--answers", str(path), "--format", "md"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    # 3 + 2.5 = 5.5 offered, against 6 available.
    assert "| **Total offered** | about 5.5 |" in lines
    assert "| **Hours I have** | about 6 |" in lines
    assert "1. **Knowing my offer** (your quick check: Area to develop). Aim for: I offer " in (
        result.stdout
    )
    assert "Reflecting on my practice" not in result.stdout


def test_prep_when_only_after_meeting_skills_were_answered(
    tmp_path: Path, private_home: Path
) -> None:
    path = tmp_path / "prep.yaml"
    text = re.sub(r"check:\n(  .*\n)+", "check:\n  reflective-1: 2\n", PREP_FILE)
    path.write_text(text)
    result = runner.invoke(app, ["prep", "--answers", str(path)])
    assert result.exit_code == 0, result.stderr
    assert (
        "No focus for the meeting itself: the skills your quick check scored are ones to work on "
        "after the meeting, so use the questions below when it is over."
    ) in flat(result.stdout)


DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("name", "problems"),
    [
        (
            "prep.several-problems.yaml",
            "7 problems: colour: unknown key; the keys are meeting, date, partners, check, "
            "questions, offers, hours_available; date: type the date as YYYY-MM-DD, for example "
            "2026-11-14, or type today or tomorrow; check.role-1: 7 is not on the scale 1 to 5; "
            "check.nope-1: no item has this id; questions.my-role: no meeting question has this "
            "id; the ids are role-summary, expect, my-offer, not-promise, partners, key-partners, "
            "room; offers[1].hours: 'lots' is not a number of hours; type a number, for example "
            "4 or 1.5; hours_available: missing; say how many hours you really have in the next "
            "month",
        ),
        (
            "prep.empty-meeting.yaml",
            "1 problem: meeting: missing; say what the meeting is, or pass --meeting",
        ),
        (
            "prep.offer-as-text.yaml",
            "1 problem: questions.my-offer: list your offers under 'offers', each with its hours",
        ),
        ("prep.alias.yaml", None),
        (
            "prep.top-level-list.yaml",
            "expected 'key: value' lines such as 'meeting: Case review'; see docs/prep-guide.md",
        ),
    ],
)
def test_prep_answers_file_problems(name: str, problems: str | None) -> None:
    path = DATA / name
    result = runner.invoke(app, ["prep", "--answers", str(path)])
    assert result.exit_code == 1
    if problems is None:  # refused while reading, with its line and column
        assert result.stderr == (
            f"Error: {path}:2:7: YAML aliases (*name) are not allowed; write the text out in full\n"
        )
    else:
        assert result.stderr == f"Error: {path}: {problems}\n"


# After the meeting ---------------------------------------------------------------------


def test_after_the_meeting_reflection_is_saved_with_its_card(
    private_home: Path, framework: Framework
) -> None:
    save_prep_card(make_prep_card(framework, reflected=False))
    script = [
        "I said I could only do six hours.",
        "",  # realistic: left blank
        "Housing need a GP letter.",
        "Check my hours before I go.",
    ]
    result = runner.invoke(app, ["prep", "--after", "20261012-161500"], input=feed(script))
    assert result.exit_code == 0, result.stderr
    out = flat(result.stderr)
    assert "After the meeting: Case review for J.S., Thursday 15 October 2026" in out
    assert "How did it go on knowing my offer? What you aimed for: I offer clearly" in out
    assert "What did I learn about the partners?" in out
    assert "What will I do differently next time?" in out
    assert result.stderr.endswith(
        "Saved your reflection with card 20261012-161500.\n"
        "It will be in your next development report.\n"
    )
    [saved] = saved_cards(private_home)
    assert saved["reflection"]["answers"] == {
        "offer": "I said I could only do six hours.",
        "realistic": "",
        "learned": "Housing need a GP letter.",
        "differently": "Check my hours before I go.",
    }
    assert saved["reflection_draft"] is None
    if sys.platform != "win32":
        path = private_home / "prep" / "20261012-161500.json"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    again = runner.invoke(app, ["prep", "--after", "20261012-161500"], input="\n")
    assert again.exit_code == 0
    assert "You wrote a reflection on this meeting on" in again.stderr
    assert again.stderr.endswith("[y/N] \nYour reflection is as it was.\n")


def test_after_the_meeting_end_of_input_keeps_the_answers_so_far(
    private_home: Path, framework: Framework
) -> None:
    save_prep_card(make_prep_card(framework, reflected=False))
    path = private_home / "prep" / "20261012-161500.json"
    first = runner.invoke(app, ["prep", "--after", "20261012-161500"], input="It went well.\n")
    assert first.exit_code == 1
    assert first.stderr.endswith(
        "Error: the input ended before the reflection was finished. Your answers so far are "
        f"saved in {path}. To carry on, run: goodpartners prep --after 20261012-161500\n"
    )
    assert json.loads(path.read_text())["reflection_draft"] == {"offer": "It went well."}
    rest = runner.invoke(app, ["prep", "--after", "20261012-161500"], input=feed(["a", "b", "c"]))
    assert rest.exit_code == 0, rest.stderr
    assert "knowing my offer" not in rest.stderr  # already answered
    assert json.loads(path.read_text())["reflection"]["answers"] == {
        "offer": "It went well.",
        "realistic": "a",
        "learned": "b",
        "differently": "c",
    }


def test_after_the_meeting_from_a_file(
    tmp_path: Path, private_home: Path, framework: Framework
) -> None:
    save_prep_card(make_prep_card(framework, reflected=False))
    path = tmp_path / "after.yaml"
    path.write_text("reflection:\n  offer: Fine\n  learned: A lot\n")
    out = tmp_path / "card.md"
    result = runner.invoke(
        app, ["prep", "--after", "20261012-161500", "--answers", str(path), "--output", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert "- **How did it go on knowing my offer?** Fine" in out.read_text()
    bad = tmp_path / "after.unknown-key.yaml"
    bad.write_text("nope: x\n")
    refused = runner.invoke(app, ["prep", "--after", "20261012-161500", "--answers", str(bad)])
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {bad}: 1 problem: nope: not a question on this card; "
        "the keys are offer, realistic, learned, differently\n"
    )


def test_after_an_unknown_card() -> None:
    result = runner.invoke(app, ["prep", "--after", "nope"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no saved prep card called 'nope'; run 'goodpartners history list' to see them\n"
    )


# Prep cards in history and in the next report ----------------------------------------


def store(framework: Framework, *assessments: Assessment) -> None:
    for assessment in assessments:
        save_assessment(assessment)
    save_prep_card(make_prep_card(framework))
    save_prep_card(
        make_prep_card(
            framework,
            card_id="20261101-100000",
            when=datetime(2026, 11, 1, 10, 0, tzinfo=timezone.utc),
            meeting="Housing panel",
            reflected=False,
        )
    )


def test_history_lists_prep_cards_and_their_reflections(
    framework: Framework, earlier_assessment: Assessment, fixed_assessment: Assessment
) -> None:
    empty = runner.invoke(app, ["history", "list"])
    assert empty.stdout == (
        "Nothing saved yet. Run 'goodpartners assess' or 'goodpartners prep' to make one.\n"
    )
    store(framework, earlier_assessment, fixed_assessment)
    listed = runner.invoke(app, ["history", "list"])
    assert listed.exit_code == 0
    assert listed.stdout == (
        "20260804-093000  2026-08-04 09:30  good-partners (full) Sam Patel\n"
        "20261012-161500  2026-10-12 16:15  prep: Case review for J.S. - reflected\n"
        "20261101-100000  2026-11-01 10:00  prep: Housing panel - not reflected\n"
        "20261102-093000  2026-11-02 09:30  good-partners (full) Sam Patel\n"
    )
    assert listed.stderr == "To say how a meeting went, run: goodpartners prep --after ID\n"


def test_history_show_a_card_with_its_reflection(framework: Framework) -> None:
    store(framework)
    shown = runner.invoke(app, ["history", "show", "20261012-161500"])
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.startswith("Meeting prep card: Case review for J.S.\n")
    assert "My reflection after the meeting" in shown.stdout
    assert "What did I learn about the partners? Housing need a GP letter" in flat(shown.stdout)
    not_yet = runner.invoke(app, ["history", "show", "20261101-100000"])
    assert "Then write your answers down: goodpartners prep --after 20261101-100000" in (
        not_yet.stdout
    )
    # A card made in the terminal can be printed later.
    report = runner.invoke(app, ["report", "20261012-161500", "--format", "html"])
    assert report.exit_code == 0, report.stderr
    assert report.stdout.startswith("<!DOCTYPE html>")
    assert "Case review for J.S." in report.stdout
    assert "Housing need a GP letter" in report.stdout


def test_history_delete_export_and_delete_all_include_cards(
    private_home: Path, framework: Framework, fixed_assessment: Assessment
) -> None:
    store(framework, fixed_assessment)
    exported = json.loads(runner.invoke(app, ["history", "export"]).stdout)
    assert [c["id"] for c in exported["prep_cards"]] == ["20261012-161500", "20261101-100000"]
    assert exported["prep_cards"][0]["reflection"]["answers"]["learned"] == (
        "Housing need a GP letter before the panel."
    )
    refused = runner.invoke(app, ["history", "delete", "20261101-100000"], input="n\n")
    assert refused.exit_code == 1
    assert "Delete prep card 20261101-100000? This cannot be undone." in refused.stderr
    done = runner.invoke(app, ["history", "delete", "20261101-100000", "--yes"])
    assert done.exit_code == 0
    assert done.stderr == "Deleted 20261101-100000.\n"
    assert not (private_home / "prep" / "20261101-100000.json").exists()
    run_prep(["Unfinished"])  # leaves a prep draft
    everything = runner.invoke(app, ["history", "delete", "--all", "--yes"])
    assert everything.stderr == "Deleted 3 files.\n"
    assert list(private_home.rglob("*.json")) == []


def test_next_assess_report_shows_reflections_since_the_last_assessment(
    framework: Framework, earlier_assessment: Assessment
) -> None:
    store(framework, earlier_assessment)
    answers = ["4", ""] * 11 + [""]
    result = runner.invoke(app, ["assess", "--quick", "--format", "md"], input=feed(answers))
    assert result.exit_code == 0, result.stderr
    section = result.stdout.split("## Reflections after meetings\n", 1)[1].split("\n## ")[0]
    assert "### Case review for J.S., Thursday 15 October 2026" in section
    assert "- **What did I learn about the partners?** Housing need a GP letter" in section
    assert "Housing panel" not in section  # no reflection written on that card yet


def test_assess_report_has_no_reflections_section_without_reflections() -> None:
    result = runner.invoke(
        app, ["assess", "--quick", "--format", "md"], input=feed(["4", ""] * 11 + [""])
    )
    assert result.exit_code == 0, result.stderr
    assert "Reflections after meetings" not in result.stdout


def test_card_to_an_html_file_escapes_the_meeting_name(tmp_path: Path) -> None:
    out = tmp_path / "card.html"
    script = [*WHO, *QUICK, *ROLE, *OVER, "n", *AFTER_OFFERS]
    result = run_prep(
        script, "--meeting", "<script>alert(1)</script>", "--date", "2026-11-12", "-o", str(out)
    )
    assert result.exit_code == 0, result.stderr
    assert f"\nCard written to {out}\nSaved as " in result.stderr
    html = out.read_text()
    assert "<script>" not in html
    assert "<h1>Meeting prep card: &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html


def test_prep_card_fixture_is_finished(fixed_card: PrepCard) -> None:
    assert fixed_card.finished is not None and fixed_card.id == "20261012-161500"


def test_prep_guide_examples_work(tmp_path: Path, framework: Framework) -> None:
    guide = (Path(__file__).parent.parent / "docs" / "prep-guide.md").read_text()
    card_file, after_file = re.findall(r"```yaml\n(.*?)```", guide, flags=re.S)
    (tmp_path / "prep.yaml").write_text(card_file)
    made = runner.invoke(
        app, ["prep", "--answers", str(tmp_path / "prep.yaml"), "--format", "json"]
    )
    assert made.exit_code == 0, made.stderr
    assert made.stderr.startswith("Saved as ")  # every quick-check item answered: no warning
    card_id = made.stderr.split()[2].rstrip(".")
    (tmp_path / "after.yaml").write_text(after_file)
    after = runner.invoke(
        app, ["prep", "--after", card_id, "--answers", str(tmp_path / "after.yaml")]
    )
    assert after.exit_code == 0, after.stderr


def test_prep_with_a_framework_without_meeting_questions() -> None:
    minimal = DATA / "framework.minimal.yaml"
    # Two quick statements, then the offers (asked at the end), then the review.
    script = [*MEETING, "", "3", "4", "", "Call the GP", "1", "", "2", ""]
    result = run_prep(script, "--framework", str(minimal), "--format", "json")
    assert result.exit_code == 0, result.stderr
    card = card_json(result)
    assert card["offers"] == [{"text": "Call the GP", "hours": 1.0}]
    assert card["capacity"]["over"] is False
    assert card["reflective_prompts"] == []
    assert len(card["focus"]) == 2


def test_prep_resume_in_the_middle_of_the_offers(private_home: Path) -> None:
    first = run_prep([*MEETING, *WHO, *QUICK, *ROLE, "Weekly key-work session", "8"])
    assert first.exit_code == 1
    rest = ["Go with J to housing", "6", "", "6", "n", *AFTER_OFFERS]
    resumed = run_prep(rest, "--resume", "--format", "json")
    assert resumed.exit_code == 0, resumed.stderr
    assert "Your offers so far:\n1. Weekly key-work session (about 8 hours)\n" in resumed.stderr
    assert "Offer 2: " in resumed.stderr
    assert card_json(resumed)["capacity"]["message"] == OVER_PROMISING
