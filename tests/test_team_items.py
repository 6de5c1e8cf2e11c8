"""The item analysis panel of the team summary: labels, flags and hidden answers, in every format.

The numbers themselves are checked against psych in test_reliability.py; here the data
are built so that each rule fires, and the words are checked exactly.
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path
from typing import Any

from goodpartners.models import Framework
from tests.test_cli_batch import item_ids, run, write_responses

PEOPLE = 30


def answers(framework: Framework, role: list[tuple[str, str, str]]) -> list[list[str]]:
    """Rows with the given role answers, and 3 for everything else."""
    ids = item_ids(framework)
    rows = []
    for index, (first, second, third) in enumerate(role):
        row = {i: "3" for i in ids} | {"role-1": first, "role-2": second, "role-3": third}
        rows.append([f"p{index}", *(row[i] for i in ids)])
    return rows


def batch(tmp_path: Path, framework: Framework, rows: list[list[str]], *extra: str) -> Path:
    export = write_responses(tmp_path / "team.csv", ["respondent", *item_ids(framework)], rows)
    out = tmp_path / "out"
    result = run("batch", export, "--out", out, *extra)
    assert result.exit_code == 0, result.stderr
    return out


def panel(out: Path, competency: str = "role") -> dict[str, Any]:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = summary["competencies"][competency]["item_panel"]
    return found


def weak_third_item() -> list[tuple[str, str, str]]:
    """role-1 and role-2 agree; role-3 goes its own way."""
    rows = []
    for i in range(PEOPLE):
        x = 1 + i % 5
        rows.append((str(x), str(x), str(1 + (i // 5 + 2 * i) % 5)))
    return rows


def test_weak_statement_is_flagged_in_every_format(framework: Framework, tmp_path: Path) -> None:
    role = weak_third_item()
    summed = [int(a) + int(b) for a, b, _ in role]
    turned = [6 - int(c) for _, _, c in role]  # role-3 is reverse-keyed
    r_drop = statistics.correlation(turned, summed)
    assert abs(r_drop) < 0.2
    out = batch(tmp_path, framework, answers(framework, role))
    items = panel(out)["items"]
    assert items[2]["r_drop"] == r_drop or abs(items[2]["r_drop"] - r_drop) < 1e-12
    note = (
        f"It goes with the other statements only weakly ({r_drop:.2f}, below 0.2): "
        "it may measure something else."
    )
    without = items[2]["alpha_if_dropped"]
    raise_note = (
        f"Leaving it out would raise reliability from {panel(out)['alpha']:.2f} to "
        f"{without:.2f}: check its wording, or whether it belongs in this competency."
    )
    assert items[2]["flags"] == [note, raise_note]
    assert [i["flags"] != [] for i in items] == [False, False, True]
    caveat = (
        "Alpha is indicative only here, so these flags are a hint, not a finding: "
        "look again when more people have answered."
    )
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    assert f"- Flagged: **role-3**. {note} {raise_note}\n\n{caveat}\n" in markdown
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert f"<li><strong>Flagged: role-3.</strong> {note} {raise_note}</li>" in page
    assert f'<p class="small">{caveat}</p>' in page


def test_statements_that_do_not_vary_have_no_statistics(
    framework: Framework, tmp_path: Path
) -> None:
    out = batch(tmp_path, framework, answers(framework, weak_third_item()))
    offer = panel(out, "offer")
    assert offer["alpha"] is None
    assert [i["r_drop"] for i in offer["items"]] == [None, None, None]
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    section = markdown.split("### Knowing my offer", 1)[1].split("###", 1)[0]
    assert (
        "Reliability cannot be worked out: everyone's answers added up to the same total."
        in section
    )
    assert offer["no_alpha"] == "everyone's answers added up to the same total"
    assert "| 3.0 | 0 | 0 | 30 | 0 | 0 | 0 | 0 | - | - |" in section


def test_alpha_of_a_small_team_is_indicative_only(framework: Framework, tmp_path: Path) -> None:
    out = batch(tmp_path, framework, answers(framework, weak_third_item()[:12]))
    found = panel(out)
    assert found["indicative"] is True
    assert found["indicative_reasons"][0] == "fewer than 30 people were scored (12)"
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    assert "Indicative only: fewer than 30 people were scored (12) and its likely range" in (
        markdown
    )


def test_answers_of_fewer_than_min_group_size_people_are_hidden(
    framework: Framework, tmp_path: Path
) -> None:
    """Four people: their answers could single someone out, so only statistics are shown."""
    rows = answers(framework, [("1", "2", "3"), ("2", "2", "4"), ("4", "5", "2"), ("5", "4", "1")])
    out = batch(tmp_path, framework, rows)
    items = panel(out)["items"]
    assert [(i["mean"], i["frequencies"]) for i in items] == [(None, None)] * 3
    assert items[0]["hidden_reason"] == "fewer than 5 people answered it"
    assert all(i["r_drop"] is not None for i in items)
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    assert "| role-1: " in markdown
    section = markdown.split("### Saying what my role is", 1)[1].split("###", 1)[0]
    assert section.count(" | hidden" * 8 + " | ") == 3
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert page.count('<td class="num hidden">hidden</td>') >= 24
    # With a limit of 4, the same answers are shown.
    (tmp_path / "b").mkdir()
    shown = batch(tmp_path / "b", framework, rows, "--min-group-size", "4")
    assert panel(shown)["items"][0]["frequencies"] == {
        "1": 1, "2": 1, "3": 0, "4": 1, "5": 1, "n/a": 0, "blank": 0
    }  # fmt: skip


def test_one_statement_hidden_when_few_answered_it(framework: Framework, tmp_path: Path) -> None:
    role = [(a, b, "" if i >= 4 else c) for i, (a, b, c) in enumerate(weak_third_item())]
    out = batch(tmp_path, framework, answers(framework, role))
    items = panel(out)["items"]
    assert items[0]["frequencies"] is not None
    assert items[2]["frequencies"] is None
    assert items[2]["answered"] == 4


def test_why_there_is_no_reliability_is_said_plainly(tmp_path: Path) -> None:
    """A team of 3: c1 answered, c2 skipped by all, c3 one statement, c4 all the same."""
    export = tmp_path / "team.csv"
    export.write_text(
        "id,c1-1,c1-2,c1-3,c2-1,c2-2,c2-3,c3-1,c4-1,c4-2\n"
        "a,4,4,2,,,,3,3,3\n"
        "b,3,5,1,,,,4,3,3\n"
        "c,2,3,3,,,,5,3,3\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    framework = Path(__file__).parent / "data" / "framework.one-item-competency.yaml"
    result = run("batch", export, "--framework", framework, "--out", out, "--min-group-size", "1")
    assert result.exit_code == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    reasons = {c: p["item_panel"]["no_alpha"] for c, p in summary["competencies"].items()}
    assert reasons == {
        "c1": None,
        "c2": "too few people answered its statements",
        "c3": "it has only one statement",
        "c4": "everyone's answers added up to the same total",
    }
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    for name, reason in (("two", reasons["c2"]), ("three", reasons["c3"]), ("four", reasons["c4"])):
        cell = f"| Competency {name} | - | - | - | Reliability cannot be worked out: {reason}. |"
        assert cell in markdown
        section = markdown.split(f"### Competency {name}", 1)[1].split("###", 1)[0]
        assert f"\n\nReliability cannot be worked out: {reason}.\n\n" in section
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "<p>Reliability cannot be worked out: it has only one statement.</p>" in page
    # Answers that differ but cancel out (5 and 1, 1 and 5, 3 and 3) have the same total:
    # the same words, as alpha has nothing to work from either way.
    opposite = tmp_path / "opposite.csv"
    opposite.write_text(
        "id,c1-1,c1-2,c1-3,c2-1,c2-2,c2-3,c3-1,c4-1,c4-2\n"
        "a,4,4,2,,,,3,5,1\n"
        "b,3,5,1,,,,4,1,5\n"
        "c,2,3,3,,,,5,3,3\n",
        encoding="utf-8",
    )
    out = tmp_path / "opposite"
    assert run("batch", opposite, "--framework", framework, "--out", out).exit_code == 0
    panels = json.loads((out / "summary.json").read_text(encoding="utf-8"))["competencies"]
    assert panels["c4"]["item_panel"]["no_alpha"] == reasons["c4"]
    # Nobody answered c2's statements: there is nothing to hide, so the counts show that.
    section = markdown.split("### Competency two", 1)[1].split("###", 1)[0]
    assert "| c2-1: I do the fourth thing. | - | 0 | 0 | 0 | 0 | 0 | 0 | 3 | - | - |" in section
    assert summary["competencies"]["c2"]["item_panel"]["items"][0]["hidden_reason"] is None
    assert "hidden when fewer than 1 person answered it" in markdown
    for text in (markdown, page, json.dumps(summary)):
        assert not re.search(r"\b(nan|inf|infinity)\b", text, re.IGNORECASE)
