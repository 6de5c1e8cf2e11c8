"""Renderers: each takes a report model (or a prep card view) and returns text."""

from __future__ import annotations

from enum import Enum

from goodpartners.prep import CardView
from goodpartners.render.html import render_card_html, render_html
from goodpartners.render.jsonout import render_card_json, render_json
from goodpartners.render.markdown import render_card_markdown, render_markdown
from goodpartners.render.terminal import render_card_terminal, render_terminal
from goodpartners.report import Report


class ReportFormat(str, Enum):
    """The formats a personal development report can be written in."""

    terminal = "terminal"
    md = "md"
    html = "html"
    json = "json"


SUFFIXES = {".md": ReportFormat.md, ".html": ReportFormat.html, ".json": ReportFormat.json}


def render(report: Report, fmt: ReportFormat, color: bool = False, width: int = 80) -> str:
    """Render a report in the chosen format."""
    if fmt is ReportFormat.terminal:
        return render_terminal(report, color=color, width=width)
    if fmt is ReportFormat.md:
        return render_markdown(report)
    if fmt is ReportFormat.html:
        return render_html(report)
    if fmt is ReportFormat.json:
        return render_json(report)
    raise AssertionError(f"unhandled format {fmt}")  # pragma: no cover - exhaustive enum


def render_card(card: CardView, fmt: ReportFormat, color: bool = False, width: int = 80) -> str:
    """Render a meeting prep card in the chosen format."""
    if fmt is ReportFormat.terminal:
        return render_card_terminal(card, color=color, width=width)
    if fmt is ReportFormat.md:
        return render_card_markdown(card)
    if fmt is ReportFormat.html:
        return render_card_html(card)
    if fmt is ReportFormat.json:
        return render_card_json(card)
    raise AssertionError(f"unhandled format {fmt}")  # pragma: no cover - exhaustive enum
