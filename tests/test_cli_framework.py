"""`goodpartners framework ...`, `--version` and `--help`: exact exit codes and text."""

from __future__ import annotations

import json
import re
import shutil
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from goodpartners import __version__
from goodpartners.cli import app

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
SHIPPED = ROOT / "frameworks" / "good-partners.yaml"
MINIMAL = DATA / "framework.minimal.yaml"
SHIPPED_SUMMARY = "11 competencies, 33 items, scale 1-5 (Never to Always)"


def run(*args: str | Path) -> Result:
    # A fixed width, so click never wraps or shortens help differently on another terminal.
    return CliRunner().invoke(
        app, [str(a) for a in args], prog_name="goodpartners", env={"COLUMNS": "80"}
    )


def assert_no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


# framework validate


def test_validate_shipped_framework() -> None:
    result = run("framework", "validate", SHIPPED)
    assert result.exit_code == 0
    assert result.stdout == f"{SHIPPED}: valid - {SHIPPED_SUMMARY}\n"
    assert result.stderr == ""


def test_validate_relative_path_is_echoed_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("framework", "validate", "frameworks/good-partners.yaml")
    assert result.exit_code == 0
    assert result.stdout == f"frameworks/good-partners.yaml: valid - {SHIPPED_SUMMARY}\n"


def test_validate_invalid_framework() -> None:
    path = DATA / "framework.unknown-key.yaml"
    result = run("framework", "validate", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:55:13: unknown key 'revers'; did you mean 'reverse'? "
        "(keys here: id, text, reverse, quick) (at themes[0].competencies[0].items[2].revers)\n"
        "Error: 1 of 1 file failed; fix the problems listed above\n"
    )
    assert_no_traceback(result)


@pytest.mark.parametrize(
    "path",
    sorted(p for p in DATA.glob("framework.*.yaml") if "minimal" not in p.name),
    ids=lambda p: p.name,
)
def test_validate_any_fixture_never_shows_a_traceback(path: Path) -> None:
    result = run("framework", "validate", path)
    assert_no_traceback(result)
    if result.exit_code == 0:
        assert result.stdout.startswith(f"{path}: valid - ")
    else:
        assert result.exit_code == 1
        assert result.stderr.startswith(str(path))
        assert result.stderr.endswith("Error: 1 of 1 file failed; fix the problems listed above\n")


def test_validate_several_files_reports_each() -> None:
    bad = DATA / "framework.several-problems.yaml"
    other = DATA / "framework.scale-0-4.yaml"
    result = run("framework", "validate", SHIPPED, bad, other)
    assert result.exit_code == 1
    assert result.stdout == (
        f"{SHIPPED}: valid - {SHIPPED_SUMMARY}\n"
        f"{other}: valid - 2 competencies, 6 items, scale 0-4 (Not at all to Very much)\n"
    )
    lines = result.stderr.splitlines()
    assert len(lines) == 7
    assert all(line.startswith(f"{bad}:") for line in lines[:6])
    assert lines[6] == "Error: 1 of 3 files failed; fix the problems listed above"


def test_validate_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    result = run("framework", "validate", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}: cannot read the file (No such file or directory); check the path and try again\n"
        "Error: 1 of 1 file failed; fix the problems listed above\n"
    )


def test_validate_needs_a_file() -> None:
    result = run("framework", "validate")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.endswith("Error: Missing argument 'FILE'.\n")


# framework list


def test_list_shows_shipped_framework(private_home: Path) -> None:
    result = run("framework", "list")
    assert result.exit_code == 0
    assert result.stdout == (
        f"good-partners (shipped) - Good Partners 1.0: {SHIPPED_SUMMARY}\n    {SHIPPED.resolve()}\n"
    )
    assert result.stderr == ""


def test_list_shows_user_frameworks(private_home: Path) -> None:
    folder = private_home / "frameworks"
    folder.mkdir(parents=True)
    shutil.copy(MINIMAL, folder / "my-team.yaml")
    shutil.copy(DATA / "framework.two-quick-items.yaml", folder / "broken.yaml")
    result = run("framework", "list")
    assert result.exit_code == 0
    assert result.stdout == (
        f"good-partners (shipped) - Good Partners 1.0: {SHIPPED_SUMMARY}\n"
        f"    {SHIPPED.resolve()}\n"
        f"broken (user) - has 1 problem; run 'goodpartners framework validate "
        f"{folder / 'broken.yaml'}' to see them\n"
        f"    {folder / 'broken.yaml'}\n"
        "my-team (user) - Minimal 1.0: 2 competencies, 6 items, scale 1-5 (Never to Always)\n"
        f"    {folder / 'my-team.yaml'}\n"
    )


# framework show

MINIMAL_OUTLINE = """\
Minimal (version 1.0, id minimal)
A small framework for tests.
Source: Written for the goodpartners tests.
Licence: Free to use.

Answer scale: 1 Never, 2 Rarely, 3 Sometimes, 4 Often, 5 Always; n Does not apply to me
Bands: Area to develop from 1 - Work on this.; Getting there from 3 - Make it a habit.; \
Strength from 4 - Share how you do it.

Theme: Theme one
  Competency one [c1]
    From the research: "ability one"
    c1-1: I do the first thing. (quick)
    c1-2: I do the second thing.
    c1-3: I avoid the third thing. (reverse)
  Competency two [c2]
    From the research: "ability two"
    c2-1: I do the fourth thing.
    c2-2: I do the fifth thing. (quick)
    c2-3: I forget the sixth thing. (reverse)

How scores work: """


def test_show_file_prints_outline() -> None:
    result = run("framework", "show", MINIMAL)
    assert result.exit_code == 0
    assert result.stdout.startswith(MINIMAL_OUTLINE)
    assert result.stdout.count("\n") == MINIMAL_OUTLINE.count("\n") + 1
    assert result.stderr == ""


@pytest.mark.parametrize("args", [(), ("good-partners",)], ids=["default", "by-name"])
def test_show_shipped_framework(args: tuple[str, ...]) -> None:
    result = run("framework", "show", *args)
    assert result.exit_code == 0
    assert result.stdout.startswith("Good Partners (version 1.0, id good-partners)\n")
    assert len(re.findall(r"^  \S.* \[[\w-]+\]$", result.stdout, flags=re.MULTILINE)) == 11
    assert "role-1: I explain my role to other agencies" in result.stdout


def test_show_user_framework_by_name(private_home: Path) -> None:
    (private_home / "frameworks").mkdir(parents=True)
    shutil.copy(MINIMAL, private_home / "frameworks" / "my-team.yaml")
    result = run("framework", "show", "my-team")
    assert result.exit_code == 0
    assert result.stdout.startswith(MINIMAL_OUTLINE)


def test_show_unknown_name() -> None:
    result = run("framework", "show", "good-partner")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: no framework called 'good-partner' (known: good-partners); "
        "give a file path, or run 'goodpartners framework list'\n"
    )


def test_show_invalid_framework() -> None:
    path = DATA / "framework.wrong-type.yaml"
    result = run("framework", "show", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:8:8: 'five' should be a whole number (at scale.min)\n"
        "Error: 1 problem in the framework; fix it and run "
        "'goodpartners framework validate FILE' again\n"
    )
    assert_no_traceback(result)


# framework schema


def test_schema_is_json_schema_for_frameworks() -> None:
    result = run("framework", "schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "goodpartners competency framework"
    assert schema["additionalProperties"] is False
    assert {"id", "scale", "bands", "themes"} <= set(schema["required"])
    assert schema["$defs"]["Item"]["additionalProperties"] is False
    assert set(schema["$defs"]["Item"]["properties"]) == {"id", "text", "reverse", "quick"}


# --version, --help, and help for every command


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"goodpartners {__version__}\n"
    assert __version__ == version("goodpartners")


def test_no_command_shows_help() -> None:
    result = run()
    assert result.exit_code == 0
    assert result.stdout == run("--help").stdout
    assert result.stdout.startswith("Usage: goodpartners [OPTIONS] COMMAND [ARGS]...\n")


def command_tree() -> Any:
    return typer.main.get_command(app)


def groups(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        if getattr(sub, "commands", None) is not None:
            found.extend(groups(sub, (*path, name)))
    return found


def all_commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, sub in getattr(command, "commands", {}).items():
        if not sub.hidden:
            found.append((*path, name))
            found.extend(all_commands(sub, (*path, name)))
    return found


def listed_commands(help_text: str) -> dict[str, str]:
    section = help_text.split("\nCommands:\n", 1)[1]
    listed = {}
    for line in section.splitlines():
        if not line.strip():
            break
        name, _, description = line.strip().partition(" ")
        listed[name] = description.strip()
    return listed


def cut_short(listed: dict[str, str]) -> list[str]:
    # click shortens a description that does not fit on one line and adds "...".
    return [name for name, description in listed.items() if description.endswith("...")]


def test_help_lists_every_command_with_one_line_description() -> None:
    result = run("--help")
    assert result.exit_code == 0
    listed = listed_commands(result.stdout)
    expected = [name for name, sub in command_tree().commands.items() if not sub.hidden]
    assert sorted(listed) == sorted(expected)
    assert "framework" in listed
    assert [name for name, description in listed.items() if not description] == []


@pytest.mark.parametrize(
    "path", [p for p, _ in groups(command_tree())[1:]], ids=lambda p: " ".join(p)
)
def test_group_help_lists_subcommands_with_one_line_description(path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    listed = listed_commands(result.stdout)
    group = dict(groups(command_tree()))[path]
    assert sorted(listed) == sorted(n for n, c in group.commands.items() if not c.hidden)
    assert [name for name, description in listed.items() if not description] == []


def test_framework_command_descriptions_fit_on_one_line() -> None:
    assert "framework" not in cut_short(listed_commands(run("--help").stdout))
    assert cut_short(listed_commands(run("framework", "--help").stdout)) == []


def test_no_command_description_is_cut_short() -> None:
    shortened = []
    for path, _ in groups(command_tree()):
        listed = listed_commands(run(*path, "--help").stdout)
        shortened += [" ".join((*path, name)) for name in cut_short(listed)]
    assert shortened == []


@pytest.mark.parametrize("path", all_commands(command_tree()), ids=lambda p: " ".join(p))
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    command = command_tree()
    for name in path:
        command = command.commands[name]
    assert command.help and command.help.strip(), f"'{' '.join(path)}' has no help text"
    result = run(*path, "--help")
    assert result.exit_code == 0
    first_paragraph = " ".join(command.help.strip().split("\n\n")[0].split())
    assert first_paragraph in " ".join(result.stdout.split())
    for param in command.params:
        if param.name != "help" and getattr(param, "help", None) is None:
            pytest.fail(f"'{' '.join(path)}': '{param.name}' has no help text")


def test_framework_commands_are_all_there() -> None:
    assert sorted(command_tree().commands["framework"].commands) == [
        "list",
        "schema",
        "show",
        "validate",
    ]
