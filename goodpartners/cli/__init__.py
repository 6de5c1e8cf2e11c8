"""The command line: parse options, call the core, render, write. Errors are translated
in one place, root.py. Each command group has its own module; importing them here
registers the commands in the order --help lists them."""

from __future__ import annotations

from goodpartners.cli import assess as _assess  # noqa: F401
from goodpartners.cli import framework as _framework  # noqa: F401  (registers its commands)
from goodpartners.cli import history as _history  # noqa: F401
from goodpartners.cli import prep as _prep  # noqa: F401
from goodpartners.cli import team as _team  # noqa: F401
from goodpartners.cli.root import app, main

__all__ = ["app", "main"]
