"""The personal development report and the prep card as JSON: everything, keyed by id."""

from __future__ import annotations

import json
from typing import Any

from goodpartners.multirater import OthersView
from goodpartners.personal.prep import CardView
from goodpartners.personal.report import Report


def report_data(report: Report) -> dict[str, Any]:
    """The report as plain data; competencies, themes and answers are keyed by id."""
    return {
        "format_version": 1,
        "assessment": {
            "id": report.assessment_id,
            "name": report.name,
            "date": report.date.isoformat(),
            "quick": report.quick,
        },
        "framework": {
            "id": report.framework_id,
            "title": report.framework_title,
            "version": report.framework_version,
            "source": report.framework_source,
        },
        "scale": {
            "min": report.scale_min,
            "max": report.scale_max,
            "labels": {str(k): v for k, v in report.scale_labels.items()},
            "not_applicable": report.not_applicable,
        },
        "bands": [b.model_dump() for b in report.bands],
        "overall": {"score": report.overall, "band": report.overall_band},
        "themes": {
            t.id: {"name": t.name, "score": t.score, "band": t.band, "scored": t.scored}
            for t in report.themes
        },
        "competencies": {
            c.id: {
                "name": c.name,
                "theme": c.theme,
                "score": c.score,
                "band": c.band,
                "answered": c.answered,
                "asked": c.asked,
                "reason": c.reason,
                "note": c.note,
            }
            for c in report.competencies
        },
        "next_steps": [s.model_dump(mode="json") for s in report.next_steps],
        "plan": [s.model_dump(mode="json") for s in report.plan],
        "scores_note": report.scores_note,
        "strengths": [c.id for c in report.strengths],
        "priorities": [c.id for c in report.priorities],
        "ties_in_framework_order": report.ties,
        "answers": {a.item_id: a.answer for a in report.answers},
        "comparison": (
            report.comparison.model_dump(mode="json") if report.comparison is not None else None
        ),
        "reflections": [
            {
                "card_id": r.card_id,
                "meeting": r.meeting,
                "meeting_date": r.meeting_date.isoformat(),
                "written": r.written.isoformat(),
                "answers": [{"question": a.label, "answer": a.text} for a in r.answers],
            }
            for r in report.reflections
        ],
        "rules": report.rules,
    }


def render_json(report: Report) -> str:
    """The report as indented JSON text; with "others" only after a multi-rater run."""
    data = report_data(report)
    if report.others is not None:
        data["others"] = others_data(report.others)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def others_data(view: OthersView) -> dict[str, Any]:
    """How others see the person: per competency keyed by id, and the findings by kind."""
    data = view.model_dump(mode="json", exclude={"competencies", "subject"})
    data["competencies"] = {
        c.id: {
            **c.model_dump(mode="json", exclude={"id", "groups"}),
            "groups": {
                g.group: {"n": g.n if g.shown else None, "mean": g.mean, "shown": g.shown}
                for g in c.groups
            },
        }
        for c in view.competencies
    }
    data["blind_spots"] = [c.id for c in view.with_kind("blind spot")]
    data["hidden_strengths"] = [c.id for c in view.with_kind("hidden strength")]
    data["worth_a_conversation"] = [c.id for c in view.with_kind("worth a conversation")]
    data["low_agreement"] = [c.id for c in view.low_agreement]
    return data


def card_data(card: CardView) -> dict[str, Any]:
    """The prep card as plain data, with the offers' hours and the over-promising flag."""
    return {"format_version": 1, "kind": "prep-card", **card.model_dump(mode="json")}


def render_card_json(card: CardView) -> str:
    """The prep card as indented JSON text."""
    return json.dumps(card_data(card), indent=2, ensure_ascii=False) + "\n"
