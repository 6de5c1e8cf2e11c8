"""Docs are tested: the README's quick start, CI's use of it, and the format example."""

from __future__ import annotations

import re
from pathlib import Path

from goodpartners.frameworks import parse_framework

ROOT = Path(__file__).resolve().parent.parent
QUICK_START = [
    "python -m pip install . && goodpartners assess",
    'python -m pip install -e ".[test]" && python -m pytest',
]


def code_blocks(text: str) -> list[str]:
    return re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)


def test_readme_opens_with_exactly_the_two_quick_start_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = code_blocks(readme)[0]
    assert first.splitlines() == QUICK_START


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert QUICK_START[1].replace("python -m pip install", "python -m pip install --quiet") in ci


def test_framework_format_example_is_valid() -> None:
    doc = (ROOT / "docs" / "framework-format.md").read_text(encoding="utf-8")
    [example] = [block for block in code_blocks(doc) if "themes:" in block]
    framework = parse_framework(example.encode(), "framework-format.md")
    assert framework.competency_count == 1
    assert framework.item_count == 3


def test_readme_mentions_every_top_level_command() -> None:
    import typer

    from goodpartners.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    for name in group.commands:  # type: ignore[attr-defined]
        assert f"goodpartners {name}" in readme, name


def test_readme_batch_example_runs(tmp_path: Path) -> None:
    import shlex

    from typer.testing import CliRunner

    from goodpartners.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [
        line
        for block in code_blocks(readme)
        for line in block.splitlines()
        if line.startswith("goodpartners batch examples/")
    ]
    assert len(commands) == 2
    for command in commands:
        args = shlex.split(command)[1:]
        args[1] = str(ROOT / args[1])
        args[args.index("--out") + 1] = str(tmp_path / args[args.index("--out") + 1])
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.stderr
        assert "Scored 40 of 42 rows" in result.stderr
