"""Renderers: each takes a report model (or a prep card view) and returns text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from goodpartners.formats import SUFFIXES, ReportFormat

if TYPE_CHECKING:
    from goodpartners.personal.prep import CardView
    from goodpartners.personal.report import Report

# The renderers (rich, Jinja2) are imported when a report is drawn, not when the command
# line starts: `goodpartners batch` never draws one, and start-up counts at 10k rows.

__all__ = ["SUFFIXES", "ReportFormat", "render", "render_card"]


def render(report: Report, fmt: ReportFormat, color: bool = False, width: int = 80) -> str:
    """Render a report in the chosen format."""
    from goodpartners.render.html import render_html
    from goodpartners.render.jsonout import render_json
    from goodpartners.render.markdown import render_markdown
    from goodpartners.render.terminal import render_terminal

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
    from goodpartners.render.html import render_card_html
    from goodpartners.render.jsonout import render_card_json
    from goodpartners.render.markdown import render_card_markdown
    from goodpartners.render.terminal import render_card_terminal

    if fmt is ReportFormat.terminal:
        return render_card_terminal(card, color=color, width=width)
    if fmt is ReportFormat.md:
        return render_card_markdown(card)
    if fmt is ReportFormat.html:
        return render_card_html(card)
    if fmt is ReportFormat.json:
        return render_card_json(card)
    raise AssertionError(f"unhandled format {fmt}")  # pragma: no cover - exhaustive enum
