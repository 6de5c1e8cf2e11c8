"""Answers given in a file (YAML or JSON) instead of at the keyboard."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from goodpartners.errors import AnswersError
from goodpartners.files import NotARegularFile, read_bounded
from goodpartners.models import (
    NOT_APPLICABLE,
    Answer,
    Assessment,
    Framework,
    Offer,
    Partner,
    PrepCard,
    Scale,
)
from goodpartners.personal.prep import (
    OFFER_QUESTION,
    PARTNERS_QUESTION,
    parse_hours,
    parse_meeting_date,
)
from goodpartners.personal.questionnaire import questionnaire_items

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
        shown = str(value) if abs(value) < 10**12 else "a very long number"
        raise ValueError(f"{shown} is not on the scale {scale.min} to {scale.max}")
    if isinstance(value, str):
        text = " ".join(value.strip().lower().split())
        if text in NA_WORDS or (scale.not_applicable and text == scale.not_applicable.lower()):
            return NOT_APPLICABLE
        digits = text.removeprefix("-")
        if digits.isascii() and digits.isdigit():
            if len(digits) > 12:
                raise ValueError(
                    f"a {len(digits)}-digit number is not on the scale {scale.min} to {scale.max}"
                )
            return parse_value(int(text), scale)
        for point, label in scale.labels.items():
            if text == label.lower():
                return point
    raise ValueError(f"'{value}' is not an answer; use {scale.min} to {scale.max}, a label or n/a")


_NO_ALIASES = "aliases are not allowed"
_NOT_TEXT = "an escape code that is not a character"
_TWICE = "twice: "


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases, so a small 'billion laughs' file cannot expand."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(problem=_NO_ALIASES, problem_mark=mark)
        return super().compose_node(parent, index)

    def construct_yaml_str(self, node: Any) -> Any:
        """Text, refusing escapes such as \\ud800 that no file can store."""
        value = super().construct_yaml_str(node)
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            raise yaml.MarkedYAMLError(problem=_NOT_TEXT, problem_mark=node.start_mark)
        return value

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """A mapping, refusing a key given twice, whose first answer would be lost."""
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.MarkedYAMLError(
                        problem=f"{_TWICE}'{key_node.value}'", problem_mark=key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)

    def construct_yaml_int(self, node: Any) -> Any:
        """A whole number; one too long to be an answer stays text, to be reported by key
        (Python refuses to read numbers over 4,300 digits)."""
        if len(str(node.value)) > 30:
            return self.construct_scalar(node)
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """A date, or its text when it is no real date (2026-02-30), to be reported by key."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_NoAliasLoader.add_constructor("tag:yaml.org,2002:str", _NoAliasLoader.construct_yaml_str)
_NoAliasLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _NoAliasLoader.construct_yaml_timestamp
)
_NoAliasLoader.add_constructor("tag:yaml.org,2002:int", _NoAliasLoader.construct_yaml_int)


def read_answers_file(path: Path) -> Any:
    """The data in a YAML or JSON answers file; raises AnswersError when it cannot be read."""
    try:
        raw = read_bounded(path, MAX_ANSWERS_BYTES)
    except NotARegularFile:
        raise AnswersError(
            f"{path}: not a regular file (a device, pipe or socket); "
            "give a YAML or JSON answers file"
        ) from None
    except IsADirectoryError:
        raise AnswersError(f"{path}: this is a folder; give a YAML or JSON answers file") from None
    except OSError as exc:
        raise AnswersError(f"{path}: cannot read the answers file ({exc.strerror})") from None
    if len(raw) > MAX_ANSWERS_BYTES:
        raise AnswersError(f"{path}: the file is too large for an answers file")
    try:
        return yaml.load(raw.decode("utf-8-sig"), Loader=_NoAliasLoader)  # noqa: S506
    except UnicodeDecodeError:
        raise AnswersError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except RecursionError:
        raise AnswersError(f"{path}: nested too deeply; check the indenting") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        if getattr(exc, "problem", None) == _NO_ALIASES:
            raise AnswersError(
                f"{path}{where}: YAML aliases (*name) are not allowed; write the text out in full"
            ) from None
        problem = str(getattr(exc, "problem", ""))
        if problem.startswith(_TWICE):
            raise AnswersError(
                f"{path}{where}: {problem[len(_TWICE) :]} appears twice; "
                "remove or rename one of them"
            ) from None
        if getattr(exc, "problem", None) == _NOT_TEXT:
            raise AnswersError(
                f"{path}{where}: this text has {_NOT_TEXT} (such as \\ud800); "
                "type the character itself"
            ) from None
        if isinstance(exc, yaml.reader.ReaderError):
            text = raw.decode("utf-8-sig")
            at = exc.position
            line, column = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
            code = exc.character if isinstance(exc.character, int) else ord(exc.character)
            raise AnswersError(
                f"{path}:{line}:{column}: this line has a control character "
                f"(U+{code:04X}); delete it (it is often pasted in by accident)"
            ) from None
        raise AnswersError(
            f"{path}{where}: not valid YAML or JSON; check the quotes and indenting"
        ) from None


def load_answers(
    path: Path, framework: Framework, quick: bool, name: str | None, assessment_id: str
) -> tuple[Assessment, list[str]]:
    """Read an answers file into an assessment; returns it and warnings about missing items."""
    data = read_answers_file(path)
    if not isinstance(data, Mapping):
        raise AnswersError(f"{path}: expected 'item id: answer' lines, for example 'role-1: 4'")
    answers_data = data.get("answers", data)
    notes_data = data.get("notes") or {}  # in the nested form and the flat one alike
    if not isinstance(answers_data, Mapping) or not isinstance(notes_data, Mapping):
        raise AnswersError(f"{path}: 'answers' and 'notes' must each be 'id: value' lines")
    problems: list[str] = []
    if data.get("quick") is not None:
        if isinstance(data["quick"], bool):
            quick = data["quick"]
        else:
            problems.append("quick: give true or false")
    name = name or _text(data.get("name"), "name", problems)
    asked = {item.id for _, item in questionnaire_items(framework, quick)}
    all_items = {item.id for _, item in framework.items()}
    competencies = {c.id for _, c in framework.competencies()}
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
        elif (note := _text(value, f"notes.{key}", problems)) is not None:
            notes[str(key)] = note
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
    assessment = Assessment.start(
        framework,
        assessment_id,
        name=name,
        quick=quick,
        answers={k: v for k, v in answers.items() if v is not None},
        finished=True,
    )
    assessment.notes.update(notes)
    return assessment, warnings


# Meeting prep ------------------------------------------------------------------

PREP_KEYS = ("meeting", "date", "partners", "check", "questions", "offers", "hours_available")


def _text(value: Any, where: str, problems: list[str]) -> str | None:
    """Free text from a file: text or a number; None when empty."""
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, (Mapping, list)):
        problems.append(f"{where}: this should be text; put it in quotes")
        return None
    return str(value).strip() or None


def _hours_value(value: Any, where: str, problems: list[str]) -> float | None:
    if isinstance(value, bool) or value is None or isinstance(value, (Mapping, list)):
        problems.append(f"{where}: give the hours as a number, for example 4 or 1.5")
        return None
    try:
        return parse_hours(str(value))
    except ValueError as exc:
        problems.append(f"{where}: {_clause(exc)}")
        return None


def _clause(exc: ValueError) -> str:
    """A one-line hint made into a clause, to sit in a list of problems."""
    text = str(exc).rstrip(".")
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def load_prep_answers(
    path: Path,
    framework: Framework,
    today: date,
    meeting: str | None = None,
    meeting_date: date | None = None,
) -> tuple[PrepCard, list[str]]:
    """Read a meeting prep file into an unfinished card; returns it and warnings.

    The shape is described in docs/prep-guide.md. --meeting and --date win over the file.
    """
    data = read_answers_file(path)
    if not isinstance(data, Mapping):
        raise AnswersError(
            f"{path}: expected 'key: value' lines such as 'meeting: Case review'; "
            "see docs/prep-guide.md"
        )
    problems: list[str] = []
    for key in data:
        if str(key) not in PREP_KEYS:
            problems.append(f"{key}: unknown key; the keys are {', '.join(PREP_KEYS)}")
    card = PrepCard.start(framework)
    card.meeting = meeting or _text(data.get("meeting"), "meeting", problems)
    if card.meeting is None and not any(p.startswith("meeting:") for p in problems):
        problems.append("meeting: missing; say what the meeting is, or pass --meeting")
    raw_date = data.get("date")
    if meeting_date is not None:
        card.meeting_date = meeting_date
    elif isinstance(raw_date, datetime):
        card.meeting_date = raw_date.date()
    elif isinstance(raw_date, date):
        card.meeting_date = raw_date
    elif raw_date is None:
        problems.append("date: missing; give the meeting date as YYYY-MM-DD, or pass --date")
    else:
        try:
            card.meeting_date = parse_meeting_date(str(raw_date), today)
        except ValueError as exc:
            problems.append(f"date: {_clause(exc)}")
    card.partners = _prep_partners(data.get("partners"), problems)
    card.check.answers = _prep_check(data.get("check"), framework, problems)
    card.check_done = True
    questions = data.get("questions") or {}
    allowed = [q.id for q in framework.meeting_questions]
    if not isinstance(questions, Mapping):
        problems.append("questions: give 'question id: answer' lines")
        questions = {}
    for key, value in questions.items():
        if str(key) not in allowed:
            problems.append(
                f"questions.{key}: no meeting question has this id; "
                f"the ids are {', '.join(allowed)}"
            )
            continue
        if str(key) == OFFER_QUESTION:
            problems.append(
                f"questions.{key}: list your offers under 'offers', each with its hours"
            )
            continue
        text = _text(value, f"questions.{key}", problems)
        if text is not None:
            card.answers[str(key)] = text
    if card.partners and PARTNERS_QUESTION in card.answers:
        card.answers.pop(PARTNERS_QUESTION)  # said partner by partner instead
        problems.append(
            "questions.partners: give objectives under each partner instead, "
            "with 'objectives:' and 'find_out:'"
        )
    card.offers = _prep_offers(data.get("offers"), problems)
    available = data.get("hours_available")
    if available is not None:
        card.hours_available = _hours_value(available, "hours_available", problems)
    elif data.get("offers"):
        problems.append(
            "hours_available: missing; say how many hours you really have in the next month"
        )
    if problems:
        raise AnswersError(
            f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}: "
            + "; ".join(problems)
        )
    missing = [item.id for _, item in questionnaire_items(framework, True)]
    missing = [item_id for item_id in missing if item_id not in card.check.answers]
    warnings = []
    if missing:
        warnings.append(
            f"{path}: no quick-check answer for {len(missing)} "
            f"item{'s' if len(missing) != 1 else ''}: " + ", ".join(missing)
        )
    return card, warnings


def _prep_partners(value: Any, problems: list[str]) -> list[Partner]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append("partners: give a list, one '- ' line per partner")
        return []
    partners = []
    for index, entry in enumerate(value):
        where = f"partners[{index + 1}]"
        if isinstance(entry, Mapping):
            unknown = [str(k) for k in entry if str(k) not in {"who", "objectives", "find_out"}]
            if unknown:
                problems.append(
                    f"{where}: unknown key '{unknown[0]}'; use who, objectives and find_out"
                )
            who = _text(entry.get("who"), f"{where}.who", problems)
            if who is None:
                problems.append(f"{where}.who: missing; give the organisation and role")
                continue
            partners.append(
                Partner(
                    who=who,
                    objectives=_text(entry.get("objectives"), f"{where}.objectives", problems)
                    or "",
                    find_out=_text(entry.get("find_out"), f"{where}.find_out", problems) or "",
                )
            )
        else:
            who = _text(entry, where, problems)
            if who:
                partners.append(Partner(who=who, objectives="", find_out=""))
    return partners


def _prep_check(value: Any, framework: Framework, problems: list[str]) -> dict[str, Answer]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append("check: give 'item id: answer' lines, for example 'role-1: 4'")
        return {}
    asked = {item.id for _, item in questionnaire_items(framework, True)}
    all_items = {item.id for _, item in framework.items()}
    answers: dict[str, Answer] = {}
    for key, raw in value.items():
        item_id = str(key)
        if item_id not in all_items:
            problems.append(f"check.{item_id}: no item has this id")
            continue
        if item_id not in asked:
            continue  # answers from a full assessment: the quick check uses its own items
        try:
            answer = parse_value(raw, framework.scale)
        except ValueError as exc:
            problems.append(f"check.{item_id}: {exc}")
            continue
        if answer is not None:
            answers[item_id] = answer
    return answers


def _prep_offers(value: Any, problems: list[str]) -> list[Offer]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append("offers: give a list, one '- text: ...' entry per offer, with its hours")
        return []
    offers = []
    for index, entry in enumerate(value):
        where = f"offers[{index + 1}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: give 'text:' and 'hours:' for each offer")
            continue
        text = _text(entry.get("text"), f"{where}.text", problems)
        hours = _hours_value(entry.get("hours"), f"{where}.hours", problems)
        if text is None:
            problems.append(f"{where}.text: missing; say what you will offer")
        if text is not None and hours is not None:
            offers.append(Offer(text=text, hours=hours))
    return offers


def load_reflection_answers(path: Path, questions: list[tuple[str, str]]) -> dict[str, str]:
    """Read after-meeting answers from a file: under 'reflection:', keyed by question key."""
    data = read_answers_file(path)
    if isinstance(data, Mapping) and "reflection" in data:
        data = data["reflection"]
    keys = [key for key, _ in questions]
    if not isinstance(data, Mapping):
        raise AnswersError(f"{path}: expected 'key: answer' lines; the keys are {', '.join(keys)}")
    problems: list[str] = []
    answers: dict[str, str] = {}
    for key, value in data.items():
        if str(key) not in keys:
            problems.append(f"{key}: not a question on this card; the keys are {', '.join(keys)}")
            continue
        answers[str(key)] = _text(value, str(key), problems) or ""
    if problems:
        raise AnswersError(
            f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}: "
            + "; ".join(problems)
        )
    return {key: answers.get(key, "") for key in keys}
