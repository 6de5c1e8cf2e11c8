"""Answers given in a file (YAML or JSON) instead of at the keyboard."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from goodpartners.errors import AnswersError
from goodpartners.models import NOT_APPLICABLE, Answer, Assessment, Framework, Scale, now
from goodpartners.questionnaire import questionnaire_items

MAX_ANSWERS_BYTES = 1_000_000
NA_WORDS = {"n/a", "na", "n", "not applicable"}


def parse_value(value: Any, scale: Scale) -> Answer:
    """One answer from a file: a number, a label, n/a, or empty; raises ValueError if wrong."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an answer")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if scale.min <= value <= scale.max:
            return value
        raise ValueError(f"{value} is not on the scale {scale.min} to {scale.max}")
    if isinstance(value, str):
        text = " ".join(value.strip().lower().split())
        if text in NA_WORDS or (scale.not_applicable and text == scale.not_applicable.lower()):
            return NOT_APPLICABLE
        if text.lstrip("-").isdigit():
            return parse_value(int(text), scale)
        for point, label in scale.labels.items():
            if text == label.lower():
                return point
    raise ValueError(f"'{value}' is not an answer; use {scale.min} to {scale.max}, a label or n/a")


def load_answers(
    path: Path, framework: Framework, quick: bool, name: str | None, assessment_id: str
) -> tuple[Assessment, list[str]]:
    """Read an answers file into an assessment; returns it and warnings about missing items."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AnswersError(f"{path}: cannot read the answers file ({exc.strerror})") from None
    if len(raw) > MAX_ANSWERS_BYTES:
        raise AnswersError(f"{path}: the file is too large for an answers file")
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise AnswersError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise AnswersError(
            f"{path}{where}: not valid YAML or JSON; check the quotes and indenting"
        ) from None
    if not isinstance(data, Mapping):
        raise AnswersError(f"{path}: expected 'item id: answer' lines, for example 'role-1: 4'")
    answers_data = data.get("answers", data)
    notes_data = data.get("notes", {}) if "answers" in data else {}
    if not isinstance(answers_data, Mapping) or not isinstance(notes_data, Mapping):
        raise AnswersError(f"{path}: 'answers' and 'notes' must each be 'id: value' lines")
    quick = bool(data.get("quick", quick)) if "answers" in data else quick
    name = name or (str(data["name"]) if data.get("name") else None)
    asked = {item.id for _, item in questionnaire_items(framework, quick)}
    all_items = {item.id for _, item in framework.items()}
    competencies = {c.id for _, c in framework.competencies()}
    problems: list[str] = []
    answers: dict[str, Answer] = {}
    for key, value in answers_data.items():
        item_id = str(key)
        if item_id in {"name", "quick", "notes"} and "answers" not in data:
            continue
        if item_id not in all_items:
            problems.append(f"{item_id}: no item has this id")
            continue
        if item_id not in asked:
            continue  # a full set of answers given to the quick check: use the quick ones
        try:
            answers[item_id] = parse_value(value, framework.scale)
        except ValueError as exc:
            problems.append(f"{item_id}: {exc}")
    notes: dict[str, str] = {}
    for key, value in notes_data.items():
        if str(key) not in competencies:
            problems.append(f"notes.{key}: no competency has this id")
        elif value is not None:
            notes[str(key)] = str(value)
    if problems:
        raise AnswersError(
            f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}: "
            + "; ".join(problems)
        )
    missing = [
        item_id
        for _, item in questionnaire_items(framework, quick)
        if (item_id := item.id) not in answers
    ]
    warnings = []
    if missing:
        warnings.append(
            f"{path}: no answer for {len(missing)} item{'s' if len(missing) != 1 else ''}: "
            + ", ".join(missing)
            + " (scored as not answered)"
        )
    when = now()
    assessment = Assessment.start(
        framework, assessment_id, name=name, quick=quick, when=when
    ).model_copy(
        update={
            "finished": when,
            "answers": {k: v for k, v in answers.items() if v is not None},
            "notes": notes,
        }
    )
    return assessment, warnings
