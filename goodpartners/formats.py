"""The formats a report or prep card can be written in, and the file endings that name them.

Here, not in render/, so the command line can check --format and --output without
importing a single renderer: start-up counts.
"""

from __future__ import annotations

from enum import Enum


class ReportFormat(str, Enum):
    """The formats a personal development report can be written in."""

    terminal = "terminal"
    md = "md"
    html = "html"
    json = "json"


SUFFIXES = {".md": ReportFormat.md, ".html": ReportFormat.html, ".json": ReportFormat.json}
