"""The report and the prep card as self-contained HTML files (Jinja2, autoescaped)."""

from __future__ import annotations

from functools import cache

import jinja2

from goodpartners.personal.prep import (
    HOURS_AVAILABLE_LABEL,
    HOURS_NOT_GIVEN,
    HOURS_OFFERED_LABEL,
    CardView,
)
from goodpartners.personal.report import Report
from goodpartners.render import otherswords, reportwords
from goodpartners.render.common import (
    CARD_SECTIONS,
    MORE_QUESTIONS,
    REFLECTIONS_INTRO,
    fraction,
)
from goodpartners.render.jinja import make_environment

# Okabe-Ito colours, which stay apart under deuteranopia, protanopia and tritanopia: the
# bars in orange, grey and blue (then reddish purple and bluish green), each band's
# background a light tint of its bar's colour. The band is also written next to each bar.
BAND_COLOURS = ("#fddcaa", "#eeeeee", "#bfdbf1", "#f0d3e4", "#c2eadb")
BAR_COLOURS = ("#e69f00", "#999999", "#0072b2", "#cc79a7", "#009e73")


@cache
def environment() -> jinja2.Environment:
    """The environment for personal reports and prep cards."""
    return make_environment()


def band_segments(report: Report) -> list[dict[str, object]]:
    """Where each band starts and ends on the chart, in per cent of its width."""
    segments = []
    low, high = report.scale_min, report.scale_max
    for index, band in enumerate(report.bands):
        end = report.bands[index + 1].min if index + 1 < len(report.bands) else high
        start_pc = fraction(band.min, low, high) * 100
        end_pc = fraction(end, low, high) * 100
        segments.append(
            {
                "band": band,
                "left": round(start_pc, 2),
                "width": round(end_pc - start_pc, 2),
                "colour": BAND_COLOURS[index % len(BAND_COLOURS)],
                "bar": BAR_COLOURS[index % len(BAR_COLOURS)],
            }
        )
    return segments


def scale_ticks(report: Report) -> list[dict[str, object]]:
    """A tick at each point of the scale, in per cent of the chart's width."""
    low, high = report.scale_min, report.scale_max
    return [
        {"value": point, "left": round(fraction(point, low, high) * 100, 2)}
        for point in range(low, high + 1)
    ]


def render_html(report: Report) -> str:
    """The report as a standalone HTML page."""
    bar_colours = {b.id: BAR_COLOURS[i % len(BAR_COLOURS)] for i, b in enumerate(report.bands)}
    widths = {
        c.id: round(fraction(c.score, report.scale_min, report.scale_max) * 100, 2)
        for c in report.competencies
    }
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            segments=band_segments(report),
            ticks=scale_ticks(report),
            bar_colours=bar_colours,
            widths=widths,
            reflections_intro=REFLECTIONS_INTRO,
            words=reportwords.html_words(report),
            day=reportwords.day_text,
            others=_others(report),
        )
    )


def _others(report: Report) -> dict[str, object] | None:
    """What the 'How others see you' section shows, or None outside a multi-rater run."""
    view = report.others
    if view is None:
        return None
    low, high = report.scale_min, report.scale_max
    columns = otherswords.others_columns(view)
    return {
        "heading": otherswords.OTHERS_HEADING,
        "caption": otherswords.CHART_CAPTION.format(low=low, high=high),
        "table_note": otherswords.table_note(columns),
        "table_caption": otherswords.table_caption(columns),
        "columns": columns,
        "headings": dict(columns),
        "rows": [
            list(zip([key for key, _ in columns], otherswords.others_row(c, columns), strict=True))
            for c in view.competencies
        ],
        "findings": otherswords.findings(view),
        "quiet": otherswords.no_gaps(view),
        "you": {c.id: round(fraction(c.self_score, low, high) * 100, 2) for c in view.competencies},
        "them": {c.id: round(fraction(c.others, low, high) * 100, 2) for c in view.competencies},
    }


def render_card_html(card: CardView) -> str:
    """The meeting prep card as a standalone HTML page that prints on one A4 sheet."""
    template = environment().get_template("prep.html.j2")
    return template.render(
        card=card,
        sections=CARD_SECTIONS,
        more_questions=MORE_QUESTIONS,
        offered_label=HOURS_OFFERED_LABEL,
        available_label=HOURS_AVAILABLE_LABEL,
        not_given=HOURS_NOT_GIVEN,
    )
