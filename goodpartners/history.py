"""Saved assessments, prep cards and drafts on this computer: atomic, readable only by the user."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from goodpartners.errors import AnswersError, HistoryError
from goodpartners.files import ensure_private_dir, write_private
from goodpartners.frameworks import data_home
from goodpartners.models import Assessment, PrepCard
from goodpartners.prep import select_reflections

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")


def assessments_dir() -> Path:
    """The folder of finished assessments."""
    return data_home() / "assessments"


def drafts_dir() -> Path:
    """The folder of unfinished assessments."""
    return data_home() / "drafts"


def new_id(when: datetime, folder: Path | None = None) -> str:
    """A readable id from the date and time, unique among assessments and prep cards."""
    base = when.strftime("%Y%m%d-%H%M%S")
    folders = [folder] if folder else [assessments_dir(), prep_dir()]
    candidate, n = base, 1
    while any((f / f"{candidate}.json").exists() for f in folders):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def to_json(assessment: Assessment) -> str:
    """The saved form of an assessment."""
    return assessment.model_dump_json(indent=2) + "\n"


def read_assessment(path: Path) -> Assessment:
    """Read a saved assessment file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnswersError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersError(f"{path}: cannot read it ({exc})") from None
    try:
        return Assessment.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top"
        raise AnswersError(
            f"{path}: not a saved assessment ({where}: {first['msg']}); "
            "give a file written by 'goodpartners assess'"
        ) from None


def save_assessment(assessment: Assessment) -> Path:
    """Save a finished assessment in the history folder."""
    folder = ensure_private_dir(assessments_dir())
    return write_private(folder / f"{assessment.id}.json", to_json(assessment))


def list_assessments() -> list[tuple[Path, Assessment]]:
    """Every readable saved assessment, oldest first; unreadable files are skipped."""
    folder = assessments_dir()
    found: list[tuple[Path, Assessment]] = []
    if not folder.is_dir():
        return found
    for path in folder.glob("*.json"):
        try:
            found.append((path, read_assessment(path)))
        except AnswersError:
            continue
    found.sort(key=lambda pair: (pair[1].finished or pair[1].started, pair[1].id))
    return found


def find_assessment(id_or_path: str) -> tuple[Path, Assessment]:
    """A saved assessment by its id, or any assessment file by its path."""
    if ID_PATTERN.match(id_or_path):
        path = assessments_dir() / f"{id_or_path}.json"
        if path.is_file():
            return path, read_assessment(path)
    path = Path(id_or_path).expanduser()
    if path.is_file():
        return path, read_assessment(path)
    if ID_PATTERN.match(id_or_path) and (prep_dir() / f"{id_or_path}.json").is_file():
        raise HistoryError(
            f"'{id_or_path}' is a prep card, not an assessment; "
            f"run 'goodpartners history show {id_or_path}' to see it"
        )
    raise HistoryError(
        f"no saved assessment called '{id_or_path}'; run 'goodpartners history list' to see them"
    )


def previous_assessment(current: Assessment) -> Assessment | None:
    """The latest finished assessment on the same framework before this one."""
    earlier = [
        a
        for _, a in list_assessments()
        if a.framework_id == current.framework_id
        and a.id != current.id
        and (a.finished or a.started) <= (current.finished or current.started)
    ]
    return earlier[-1] if earlier else None


def delete_assessment(assessment_id: str) -> Path:
    """Delete one saved assessment by id, even when it can no longer be read."""
    path = assessments_dir() / f"{assessment_id}.json"
    if ID_PATTERN.match(assessment_id) and path.is_file():
        path.unlink()
        return path
    path, _ = find_assessment(assessment_id)
    if path.parent.resolve() != assessments_dir().resolve():
        raise HistoryError(f"'{assessment_id}' is not in the history folder; nothing deleted")
    path.unlink()
    return path


def delete_all() -> int:
    """Delete every saved assessment, prep card and draft; returns how many files went."""
    count = 0
    for folder in (assessments_dir(), drafts_dir(), prep_dir(), prep_drafts_dir()):
        if folder.is_dir():
            for path in folder.glob("*.json"):
                path.unlink()
                count += 1
    return count


def export_all() -> str:
    """Every saved assessment and prep card as one JSON document."""
    records = [json.loads(a.model_dump_json()) for _, a in list_assessments()]
    cards = [json.loads(c.model_dump_json()) for _, c in list_prep_cards()]
    document = {"assessments": records, "prep_cards": cards}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def draft_path(framework_id: str, quick: bool) -> Path:
    """Where the unfinished assessment for this framework and mode is kept."""
    return drafts_dir() / f"{framework_id}{'-quick' if quick else ''}.json"


def save_draft(assessment: Assessment) -> Path:
    """Save progress; called after every answer."""
    return write_private(draft_path(assessment.framework_id, assessment.quick), to_json(assessment))


def load_draft(framework_id: str, quick: bool) -> Assessment | None:
    """The unfinished assessment for this framework and mode, if there is one."""
    path = draft_path(framework_id, quick)
    if not path.is_file():
        return None
    try:
        return read_assessment(path)
    except AnswersError:
        return None


def discard_draft(framework_id: str, quick: bool) -> None:
    """Remove the draft once the assessment is finished or restarted."""
    draft_path(framework_id, quick).unlink(missing_ok=True)


# Meeting prep cards ------------------------------------------------------------


def prep_dir() -> Path:
    """The folder of finished prep cards."""
    return data_home() / "prep"


def prep_drafts_dir() -> Path:
    """The folder of unfinished meeting preps."""
    return drafts_dir() / "prep"


def read_prep_card(path: Path) -> PrepCard:
    """Read a saved prep card file."""
    try:
        return PrepCard.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HistoryError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HistoryError(f"{path}: cannot read it ({exc})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top"
        raise HistoryError(
            f"{path}: not a saved prep card ({where}: {first['msg']}); "
            "give a file written by 'goodpartners prep'"
        ) from None


def save_prep_card(card: PrepCard) -> Path:
    """Save a prep card (finished, or with its reflection) in the history folder."""
    folder = ensure_private_dir(prep_dir())
    return write_private(folder / f"{card.id}.json", card.model_dump_json(indent=2) + "\n")


def list_prep_cards() -> list[tuple[Path, PrepCard]]:
    """Every readable saved prep card, oldest first; unreadable files are skipped."""
    folder = prep_dir()
    found: list[tuple[Path, PrepCard]] = []
    if not folder.is_dir():
        return found
    for path in folder.glob("*.json"):
        try:
            found.append((path, _finished_card(path)))
        except HistoryError:
            continue
    found.sort(key=lambda pair: (pair[1].finished or pair[1].started, pair[1].id))
    return found


def saved_kind(saved_id: str) -> str | None:
    """'assessment' or 'prep card' for a saved id (assessments first), or None."""
    if ID_PATTERN.match(saved_id) and (assessments_dir() / f"{saved_id}.json").is_file():
        return "assessment"
    return "prep card" if is_prep_card(saved_id) else None


def is_prep_card(card_id: str) -> bool:
    """Whether a saved prep card has this id."""
    return bool(ID_PATTERN.match(card_id)) and (prep_dir() / f"{card_id}.json").is_file()


def _finished_card(path: Path) -> PrepCard:
    """A saved prep card, refused when it lacks what every card shows: its meeting and date."""
    card = read_prep_card(path)
    if card.meeting is None or card.meeting_date is None:
        raise HistoryError(
            f"{path}: not a finished prep card (it has no meeting or no date); "
            f"delete it with 'goodpartners history delete {path.stem}'"
        )
    return card


def find_prep_card(card_id: str) -> tuple[Path, PrepCard]:
    """A saved prep card by its id."""
    if is_prep_card(card_id):
        path = prep_dir() / f"{card_id}.json"
        return path, _finished_card(path)
    raise HistoryError(
        f"no saved prep card called '{card_id}'; run 'goodpartners history list' to see them"
    )


def delete_prep_card(card_id: str) -> Path:
    """Delete one saved prep card by id, even when it can no longer be read."""
    if not is_prep_card(card_id):
        find_prep_card(card_id)  # says there is no such card
    path = prep_dir() / f"{card_id}.json"
    path.unlink()
    return path


def prep_draft_path(framework_id: str) -> Path:
    """Where the unfinished meeting prep for this framework is kept."""
    return prep_drafts_dir() / f"{framework_id}.json"


def save_prep_draft(card: PrepCard) -> Path:
    """Save meeting prep progress; called after every answer."""
    return write_private(prep_draft_path(card.framework_id), card.model_dump_json(indent=2) + "\n")


def load_prep_draft(framework_id: str) -> PrepCard | None:
    """The unfinished meeting prep for this framework, if there is one."""
    path = prep_draft_path(framework_id)
    if not path.is_file():
        return None
    try:
        return read_prep_card(path)
    except HistoryError:
        return None


def discard_prep_draft(framework_id: str) -> None:
    """Remove the draft once the prep card is finished or restarted."""
    prep_draft_path(framework_id).unlink(missing_ok=True)


def reflections_for(assessment: Assessment, previous: Assessment | None) -> list[PrepCard]:
    """Prep cards whose reflections belong in this assessment's report."""
    until = assessment.finished or assessment.started
    since = (previous.finished or previous.started) if previous else None
    cards = [card for _, card in list_prep_cards()]
    return select_reflections(cards, assessment.framework_id, until, since)
