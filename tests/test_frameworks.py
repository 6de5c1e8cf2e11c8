"""Framework loading and validation: exact messages and YAML positions, safe loading,
the shipped Good Partners framework, and where frameworks are found."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodpartners.cli import app
from goodpartners.errors import FrameworkError, FrameworkNotFoundError
from goodpartners.framework_files import (
    MAX_FRAMEWORK_BYTES,
    FrameworkEntry,
    list_frameworks,
    resolve_framework,
    shipped_frameworks_dir,
)
from goodpartners.frameworks import load_framework, load_framework_file, parse_framework
from goodpartners.models import Framework

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
SHIPPED = ROOT / "frameworks" / "good-partners.yaml"
MINIMAL = DATA / "framework.minimal.yaml"
VALID_FIXTURES = {"minimal", "scale-0-4", "scale-1-7"}

# Each bad fixture in tests/data, with every problem it must give, in order.
# "{file}" stands for the path the loader was given. Positions are checked by hand
# against the fixture: line and column of the offending YAML node (of the key itself
# for an unknown or repeated key).
BAD_FRAMEWORKS: dict[str, list[str]] = {
    "band-two-decimals": [
        "{file}:23:10: a band starts at 3.25; give at most one decimal place, such as 3.2, "
        "as scores are shown to one decimal (at bands[1].min)"
    ],
    "scale-too-big": [
        "{file}:9:8: a scale from 1 to 100000000 has 100,000,000 points, more than 100; use a "
        "short scale such as 1 to 5, with a label for each point (at scale.max)"
    ],
    "duplicate-id": [
        "{file}:69:17: id 'c1-2' is already used on line 51; every id must be unique, "
        "so rename one of them (at themes[0].competencies[1].items[0].id)"
    ],
    "unknown-key": [
        "{file}:55:13: unknown key 'revers'; did you mean 'reverse'? "
        "(keys here: id, text, reverse, quick) (at themes[0].competencies[0].items[2].revers)"
    ],
    "bands-out-of-order": [
        "{file}:27:10: this band starts at 3, but the band before it starts at 4; "
        "list the bands from lowest to highest (at bands[2].min)"
    ],
    "band-outside-scale": [
        "{file}:27:10: this band starts at 6, outside the scale (1 to 5); "
        "give it a min from 1 to 5 (at bands[2].min)"
    ],
    "first-band-above-min": [
        "{file}:19:10: the first band starts at 2, so a score below that has no band; "
        "set its min to the bottom of the scale (1) (at bands[0].min)"
    ],
    "missing-label": [
        "{file}:11:5: no label for scale point 4; give every point from min to max a label "
        "(at scale.labels)"
    ],
    "no-items": [
        "{file}:68:16: a competency needs at least one item; add its statements under items "
        "(at themes[0].competencies[1].items)"
    ],
    "two-quick-items": [
        "{file}:48:11: 2 items have 'quick: true', but the quick check asks exactly one "
        "per competency; keep it on one item only (at themes[0].competencies[0].items)"
    ],
    "no-quick-item": [
        "{file}:69:11: no item has 'quick: true'; mark the one item per competency "
        "that the quick check asks (at themes[0].competencies[1].items)"
    ],
    "min-answered-zero": [
        "{file}:30:17: min_answered must be more than 0 and at most 1, not 0; "
        "for example, 0.5 means at least half the items must be answered "
        "(at scoring.min_answered)"
    ],
    "min-answered-above-one": [
        "{file}:30:17: min_answered must be more than 0 and at most 1, not 1.5; "
        "for example, 0.5 means at least half the items must be answered "
        "(at scoring.min_answered)"
    ],
    "bad-id": [
        "{file}:51:17: 'c1 item 2' is not a valid id; use only letters, digits, '-' and '_', "
        "no spaces (at themes[0].competencies[0].items[1].id)"
    ],
    "missing-key": [
        "{file}:51:13: 'text' is missing; add it (at themes[0].competencies[0].items[1].text)"
    ],
    "wrong-type": ["{file}:8:8: 'five' should be a whole number (at scale.min)"],
    "blind-spot-zero": [
        "{file}:31:15: blind_spot must be more than 0, not 0; it is a gap in scale points "
        "between how you see yourself and how others see you, such as 1 (at scoring.blind_spot)"
    ],
    "rater-group-unknown": [
        "{file}:32:3: 'Probation officer' means 'partners', which is not a rater group; use "
        "self, manager, peer or partner (at raters)"
    ],
    "when-not-a-choice": [
        "{file}:60:15: when must be in-meeting or after-meeting, not 'after the meeting'; "
        "after-meeting marks a skill to work on after the meeting, so prep never picks it "
        "as a focus in the meeting (at themes[0].competencies[1].when)"
    ],
    "duplicate-key": [
        "{file}:53:13: 'text' appears twice here; remove or rename one of them "
        "(at themes[0].competencies[0].items[1].text)"
    ],
    "descriptor-unknown-band": [
        "{file}:43:11: 'excellent' is not a band id; descriptors are keyed by the band ids "
        "(concern, borderline, strength) (at themes[0].competencies[0].descriptors.excellent)"
    ],
    "billion-laughs": [
        "{file}:3:8: YAML aliases (*name) are not allowed in a framework; "
        "write the text out in full"
    ],
    "empty": ["{file}: the file is empty; a framework needs at least id, title, scale and themes"],
    "binary": [
        "{file}: this is not a text file (it contains binary data); "
        "check that you gave the right file, a framework saved as YAML text"
    ],
    "tab-indented": [
        "{file}:8:1: a tab is used for indenting; YAML needs spaces, so replace tabs with spaces"
    ],
    "cp1252": [
        "{file}:4:44: the file is not saved as UTF-8 (byte 0x92 here is not UTF-8; "
        "it is often a curly quote or accent from Word); "
        "save it as UTF-8 (in Notepad: Save As, Encoding: UTF-8) and try again"
    ],
    "utf16": [
        "{file}: the file is saved as UTF-16; save it as UTF-8 "
        "(in Notepad: Save As, Encoding: UTF-8) and try again"
    ],
    "python-object": [
        "{file}:3:8: the tag '!!python/object/apply:os.system' is not allowed in a framework; "
        "remove it and write plain text (at title)"
    ],
    "top-level-list": [
        "{file}:1:1: the top level must be a set of 'key: value' lines "
        "(id, title, scale, themes...)"
    ],
    "several-problems": [
        "{file}:1:1: 'title' is missing; add it (at title)",
        "{file}:3:1: unknown key 'titel'; did you mean 'title'? (keys here: id, version, "
        "title, description, source, licence, scale, bands, scoring, reflective_prompts, "
        "meeting_questions, themes) (at titel)",
        "{file}:9:8: 'five' should be a whole number (at scale.max)",
        "{file}:27:10: this band starts at 4, but the band before it starts at 5; "
        "list the bands from lowest to highest (at bands[2].min)",
        "{file}:55:13: unknown key 'revers'; did you mean 'reverse'? "
        "(keys here: id, text, reverse, quick) (at themes[0].competencies[0].items[2].revers)",
        "{file}:69:17: id 'c1-1' is already used on line 48; every id must be unique, "
        "so rename one of them (at themes[0].competencies[1].items[0].id)",
    ],
}

GOOD_PARTNERS_SOURCES = [
    "ability to articulate own role and expectations",
    "ability to be a 'critical friend' within the process",
    "ability to recognise objectives of others in the process",
    "being aware of your own 'offer' to the group (not over-promising)",
    "being realistic about the scope and scale of project, considering available resources",
    "taking personal responsibility for 'turning up and being present'",
    "ability to be reflective about own practice",
    "knowledge of key partners",
    "being respectful of the range of skills offered by partners",
    "ability to step back and allow others to contribute their thinking",
    "range of soft skills: listening, awareness of body language, use of language",
]


def problems_of(path: Path) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(path)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("failure", sorted(BAD_FRAMEWORKS))
def test_bad_framework_gives_exact_problems(failure: str) -> None:
    path = DATA / f"framework.{failure}.yaml"
    expected = [line.replace("{file}", str(path)) for line in BAD_FRAMEWORKS[failure]]
    assert problems_of(path) == expected


def test_every_bad_fixture_has_an_expected_message() -> None:
    # Other tests may add valid frameworks here; a file that fails must be listed above.
    unlisted = []
    for path in sorted(DATA.glob("framework.*.yaml")):
        failure = path.name.removeprefix("framework.").removesuffix(".yaml")
        if failure in BAD_FRAMEWORKS:
            continue
        try:
            load_framework_file(path)
        except FrameworkError:
            unlisted.append(path.name)
    assert unlisted == []
    assert VALID_FIXTURES <= {p.name.split(".")[1] for p in DATA.glob("framework.*.yaml")}


def test_several_problems_are_all_reported_sorted_by_line() -> None:
    problems = problems_of(DATA / "framework.several-problems.yaml")
    lines = [int(problem.split(":")[1]) for problem in problems]
    assert len(problems) == 6
    assert lines == sorted(lines)


def test_python_object_tag_is_never_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(command: str) -> int:
        raise AssertionError(f"os.system was called with {command!r}")

    monkeypatch.setattr(os, "system", refuse)
    problems_of(DATA / "framework.python-object.yaml")


def test_too_large_framework_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "framework.too-large.yaml"
    padding = "# padding\n" * (MAX_FRAMEWORK_BYTES // 10 + 1)
    path.write_text(MINIMAL.read_text() + padding, encoding="utf-8")
    assert problems_of(path) == [
        f"{path}: the file is larger than the 1,000,000 byte limit for a framework; "
        "check that it is the right file"
    ]


def test_framework_exactly_at_size_limit_loads(tmp_path: Path) -> None:
    text = MINIMAL.read_bytes()
    path = tmp_path / "framework.at-limit.yaml"
    path.write_bytes(text + b"#" * (MAX_FRAMEWORK_BYTES - len(text)))
    assert path.stat().st_size == MAX_FRAMEWORK_BYTES
    assert load_framework_file(path).id == "minimal"


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert problems_of(path) == [
        f"{path}: cannot read the file (No such file or directory); check the path and try again"
    ]


def minimal_with(old: str, new: str) -> bytes:
    text = MINIMAL.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new).encode("utf-8")


# Problems that are easier to read inline than as one more fixture file.
INLINE_CASES = {
    "comment-only": (
        b"# a framework will go here\n",
        ["x.yaml: the file has no content; a framework needs id, title, scale and themes"],
    ),
    "deep-nesting": (
        b"[" * 100_000,
        [
            "x.yaml:1:33: the file is nested more than 32 levels deep; "
            "check the indenting and the brackets"
        ],
    ),
    "utf16-without-bom": (
        MINIMAL.read_text(encoding="utf-8").encode("utf-16-le"),
        [
            "x.yaml: the file is saved as UTF-16; save it as UTF-8 "
            "(in Notepad: Save As, Encoding: UTF-8) and try again"
        ],
    ),
    "column-counts-characters": (
        "title: Café\ndescription: Café ".encode() + b"\x92\n",
        [
            "x.yaml:2:19: the file is not saved as UTF-8 (byte 0x92 here is not UTF-8; "
            "it is often a curly quote or accent from Word); "
            "save it as UTF-8 (in Notepad: Save As, Encoding: UTF-8) and try again"
        ],
    ),
    "python-tag-on-key": (
        minimal_with("licence: Free to use.\n", "!!python/name:os.system : x\n"),
        [
            "x.yaml:1:1: 'licence' is missing; add it (at licence)",
            "x.yaml:6:1: the tag '!!python/name:os.system' is not allowed in a framework; "
            "remove it and write plain text",
        ],
    ),
    "second-document": (
        minimal_with("licence: Free to use.\n", "licence: Free to use.\n---\n"),
        [
            "x.yaml:7:1: a second YAML document starts here (a '---' line); "
            "keep one framework per file, or remove the extra '---'"
        ],
    ),
    "empty-value": (
        minimal_with("title: Minimal", "title:"),
        ["x.yaml:3:7: this is empty; give some text here (at title)"],
    ),
    "yes-as-text": (
        minimal_with("text: I do the first thing.", "text: yes"),
        [
            "x.yaml:49:19: this should be text, but YAML reads it as a yes/no value; "
            "put it in quotes (at themes[0].competencies[0].items[0].text)"
        ],
    ),
    "date-as-version": (
        minimal_with('version: "1.0"', "version: 2024-01-01"),
        [
            "x.yaml:2:10: this should be text, but YAML reads it as a date; "
            "put it in quotes (at version)"
        ],
    ),
    "label-key-not-a-number": (
        minimal_with("    4: Often", "    four: Often"),
        ["x.yaml:14:5: 'four' should be a whole number (at scale.labels.four)"],
    ),
    "label-outside-scale": (
        minimal_with("    5: Always\n", "    5: Always\n    6: Beyond\n"),
        [
            "x.yaml:11:5: label for 6, outside the scale (1 to 5); "
            "remove it, or change min or max (at scale.labels)"
        ],
    ),
    "broken-scale-is-one-problem": (
        minimal_with("  max: 5", "  max: 0"),
        ["x.yaml:9:8: max (0) must be greater than min (1) (at scale.max)"],
    ),
    "unknown-key-without-a-close-match": (
        minimal_with("scoring:\n", "colour: blue\nscoring:\n"),
        [
            "x.yaml:29:1: unknown key 'colour'; the keys allowed here are id, version, title, "
            "description, source, licence, scale, bands, scoring, reflective_prompts, "
            "meeting_questions, themes (at colour)"
        ],
    ),
    "when-empty": (
        minimal_with(
            "description: The second competency.\n",
            "description: The second competency.\n        when:\n",
        ),
        [
            "x.yaml:60:14: when is empty; give in-meeting or after-meeting, "
            "or leave the line out for in-meeting (at themes[0].competencies[1].when)"
        ],
    ),
    "when-misspelt-key": (
        minimal_with(
            "description: The second competency.\n",
            "description: The second competency.\n        wen: after-meeting\n",
        ),
        [
            "x.yaml:60:9: unknown key 'wen'; did you mean 'when'? (keys here: id, name, "
            "source, description, when, descriptors, actions, prompts, resources, items) "
            "(at themes[0].competencies[1].wen)"
        ],
    ),
    "python-tag-at-top": (
        b"!!python/object:os.system {}\n",
        [
            "x.yaml:1:1: the tag '!!python/object:os.system' is not allowed in a framework; "
            "remove it and write plain text"
        ],
    ),
    "version-number-is-text": (minimal_with('version: "1.0"', "version: 1.0"), []),
    "utf8-bom-is-fine": (b"\xef\xbb\xbf" + MINIMAL.read_bytes(), []),
}


@pytest.mark.parametrize("case", sorted(INLINE_CASES))
def test_inline_framework_problems(case: str) -> None:
    raw, expected = INLINE_CASES[case]
    if not expected:
        assert parse_framework(raw, "x.yaml").id == "minimal"
        return
    with pytest.raises(FrameworkError) as caught:
        parse_framework(raw, "x.yaml")
    assert [str(problem) for problem in caught.value.problems] == expected


@pytest.mark.parametrize(
    ("name", "low", "high", "labels"),
    [
        ("minimal", 1, 5, ("Never", "Always")),
        ("scale-0-4", 0, 4, ("Not at all", "Very much")),
        ("scale-1-7", 1, 7, ("Never", "Always")),
    ],
)
def test_any_scale_range_is_valid(name: str, low: int, high: int, labels: tuple[str, str]) -> None:
    framework = load_framework_file(DATA / f"framework.{name}.yaml")
    assert framework.scale.points == list(range(low, high + 1))
    assert (framework.scale.labels[low], framework.scale.labels[high]) == labels
    assert framework.bands[0].min == low
    assert framework.competency_count == 2
    assert framework.item_count == 6


def test_scale_without_not_applicable_option() -> None:
    framework = load_framework_file(DATA / "framework.scale-0-4.yaml")
    assert framework.scale.not_applicable is None


# The shipped framework.


@pytest.fixture(scope="module")
def good_partners() -> Framework:
    return load_framework_file(SHIPPED)


def test_shipped_framework_counts(good_partners: Framework) -> None:
    assert good_partners.id == "good-partners"
    assert good_partners.competency_count == 11
    assert good_partners.item_count == 33
    assert (good_partners.scale.min, good_partners.scale.max) == (1, 5)


def test_shipped_competencies_follow_the_rules(good_partners: Framework) -> None:
    band_ids = [band.id for band in good_partners.bands]
    assert band_ids == ["concern", "borderline", "strength"]
    for _, competency in good_partners.competencies():
        name = competency.id
        assert len(competency.items) >= 3, name
        assert any(item.reverse for item in competency.items), name
        assert sum(item.quick for item in competency.items) == 1, name
        assert 2 <= len(competency.actions) <= 4, name
        assert competency.prompts, name
        assert all(prompt.startswith("Do I") for prompt in competency.prompts), name
        assert list(competency.descriptors) == band_ids, name
        assert all(text.strip() for text in competency.descriptors.values()), name


def test_only_reflecting_is_marked_after_the_meeting(good_partners: Framework) -> None:
    after = [c.id for _, c in good_partners.competencies() if c.when == "after-meeting"]
    assert after == ["reflective"]
    assert not good_partners.competency("reflective").in_meeting
    assert good_partners.competency("offer").in_meeting


def test_when_is_in_meeting_unless_the_file_says_otherwise() -> None:
    framework = load_framework_file(MINIMAL)
    assert [c.when for _, c in framework.competencies()] == ["in-meeting", "in-meeting"]
    marked = parse_framework(
        minimal_with(
            "description: The second competency.\n",
            "description: The second competency.\n        when: after-meeting\n",
        ),
        "x.yaml",
    )
    assert [c.in_meeting for _, c in marked.competencies()] == [True, False]


def test_shipped_sources_are_the_blog_phrases(good_partners: Framework) -> None:
    sources = [competency.source for _, competency in good_partners.competencies()]
    assert sorted(sources) == sorted(GOOD_PARTNERS_SOURCES)


def test_shipped_framework_credits_the_blog(good_partners: Framework) -> None:
    assert "Becoming better partners" in good_partners.source
    assert "La Toyah McAllister-Jones" in good_partners.source


def test_shipped_framework_points_editors_at_the_schema() -> None:
    first_line = SHIPPED.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=framework.schema.json"
    schema = SHIPPED.parent / "framework.schema.json"
    result = CliRunner().invoke(app, ["framework", "schema"])
    assert result.exit_code == 0
    assert schema.read_text(encoding="utf-8") == result.stdout, (
        "frameworks/framework.schema.json is out of date; run "
        "'goodpartners framework schema > frameworks/framework.schema.json'"
    )


# Where frameworks are found.


def test_shipped_frameworks_found_from_source_checkout() -> None:
    assert shipped_frameworks_dir() == (ROOT / "frameworks").resolve()
    assert (shipped_frameworks_dir() / "good-partners.yaml").is_file()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GOODPARTNERS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_list_without_user_folder_has_only_shipped(home: Path) -> None:
    assert list_frameworks() == [
        FrameworkEntry("good-partners", shipped_frameworks_dir() / "good-partners.yaml", "shipped")
    ]


def test_user_framework_is_listed(home: Path) -> None:
    folder = home / "frameworks"
    folder.mkdir(parents=True)
    shutil.copy(MINIMAL, folder / "my-team.yaml")
    (folder / "notes.txt").write_text("not a framework\n")
    entries = list_frameworks()
    assert [(e.name, e.origin) for e in entries] == [
        ("good-partners", "shipped"),
        ("my-team", "user"),
    ]
    assert entries[1].path == folder / "my-team.yaml"
    assert load_framework("my-team").id == "minimal"


def test_user_framework_with_shipped_name_wins(home: Path) -> None:
    folder = home / "frameworks"
    folder.mkdir(parents=True)
    shutil.copy(MINIMAL, folder / "good-partners.yaml")
    assert resolve_framework("good-partners") == folder / "good-partners.yaml"


def test_default_framework_is_good_partners(home: Path) -> None:
    assert load_framework().id == "good-partners"
    assert load_framework(str(MINIMAL)).id == "minimal"


def test_unknown_framework_name_lists_the_known_ones(home: Path) -> None:
    with pytest.raises(FrameworkNotFoundError) as caught:
        resolve_framework("good-partner")
    assert str(caught.value) == (
        "no framework called 'good-partner' (known: good-partners); "
        "give a file path, or run 'goodpartners framework list'"
    )


def test_missing_framework_path(home: Path) -> None:
    with pytest.raises(FrameworkNotFoundError) as caught:
        resolve_framework("nowhere/team.yaml")
    assert str(caught.value) == (
        "nowhere/team.yaml: no such file; check the path, or run 'goodpartners framework list'"
    )


@pytest.mark.parametrize(
    "path",
    [SHIPPED, DATA / "framework.minimal.yaml", DATA / "framework.scale-0-4.yaml"],
    ids=lambda p: p.name,
)
def test_fast_and_careful_parsers_agree(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import goodpartners.frameworks as frameworks

    fast = frameworks.parse_framework(path.read_bytes(), str(path))
    monkeypatch.setattr(frameworks, "_CSafeLoader", None)
    careful = frameworks.parse_framework(path.read_bytes(), str(path))
    assert fast == careful
