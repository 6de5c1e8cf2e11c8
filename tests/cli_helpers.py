"""Helpers shared by the command-line tests: run the CLI in-process, read a result CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner, Result

from goodpartners.cli import app


def run(*args: str | Path) -> Result:
    """goodpartners with these arguments, in an 80-column terminal."""
    return CliRunner().invoke(
        app, [str(a) for a in args], prog_name="goodpartners", env={"COLUMNS": "80"}
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file the tool wrote (UTF-8 with a byte order mark)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))
