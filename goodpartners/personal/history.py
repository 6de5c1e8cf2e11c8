"""Saved assessments, prep cards and drafts on this computer: atomic, readable only by the user."""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from goodpartners.errors import AnswersError, HistoryError, OutputError
from goodpartners.files import ensure_private_dir, write_private
from goodpartners.framework_files import data_home
from goodpartners.models import Assessment, PrepCard
from goodpartners.personal.drafts import draft_path, drafts_dir

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_SAVED_BYTES = 1_000_000  # a saved result is a few KB; anything bigger is not one of ours
Saved = TypeVar("Saved", Assessment, PrepCard)


def assessments_dir() -> Path:
    """The folder of finished assessments."""
    return data_home() / "assessments"


def new_id(when: datetime, folder: Path | None = None) -> str:
    """A readable id from the date and time, not yet used by an assessment or prep card.
    Only a guess: saving claims the id for good (see save_new)."""
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


def _read_saved(path: Path, error: type[AnswersError] | type[HistoryError]) -> str:
    """The text of a saved file: a regular file, not empty, of a sensible size."""
    try:
        with open(path, "rb") as stream:
            if not os.path.isfile(path):
                raise error(f"{path}: not a regular file; give a file saved by goodpartners")
            data = stream.read(MAX_SAVED_BYTES + 1)
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except OSError as exc:
        raise error(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if not data.strip():
        raise error(f"{path}: the file is empty, so it cannot be read")
    if len(data) > MAX_SAVED_BYTES:
        raise error(f"{path}: too big to be a saved result (over 1 MB)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            f"{path}: not UTF-8 text (byte {exc.start + 1}), so it cannot be read"
        ) from None


def read_assessment(path: Path) -> Assessment:
    """Read a saved assessment file."""
    text = _read_saved(path, AnswersError)
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
    """Save an assessment in the history folder under its id, replacing one with that id."""
    folder = ensure_private_dir(assessments_dir())
    return write_private(folder / f"{assessment.id}.json", to_json(assessment))


def save_new(record: Saved, when: datetime) -> Saved:
    """Save a finished assessment or prep card under a new id, and return it with that id.

    The id is claimed by creating its file in one step that fails if the file exists
    (a hard link from a finished temporary file), so two saves at the same moment can
    never take the same id and overwrite each other.
    """
    is_card = isinstance(record, PrepCard)
    folder = ensure_private_dir(prep_dir() if is_card else assessments_dir())
    other = assessments_dir() if is_card else prep_dir()
    base = when.strftime("%Y%m%d-%H%M%S")
    n = 0
    while True:
        n += 1
        candidate = base if n == 1 else f"{base}-{n}"
        if (other / f"{candidate}.json").exists():
            continue
        named = record.model_copy(update={"id": candidate})
        if _create_new(folder / f"{candidate}.json", named.model_dump_json(indent=2) + "\n"):
            return named


def _create_new(path: Path, text: str) -> bool:
    """Write a private file only if no file has this name yet; False if one has."""
    try:
        return _link_new(path, text)
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot save the result ({exc.strerror or exc}); check that the disk "
            "has space and that you can write there, then try again"
        ) from None


def _link_new(path: Path, text: str) -> bool:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".saving-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if os.name != "nt":
            os.chmod(temp, 0o600)
        try:
            os.link(temp, path)
            return True
        except FileExistsError:
            return False
        except OSError:
            pass  # a file system without hard links: claim the name, then fill it
        try:
            claim = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return False
        os.close(claim)
        os.replace(temp, path)
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _scan(
    folder: Path, read: Callable[[Path], Saved]
) -> tuple[list[tuple[Path, Saved]], list[tuple[Path, str]]]:
    """Every saved file in a folder, read; and the ones that could not be read, with why."""
    found: list[tuple[Path, Saved]] = []
    unreadable: list[tuple[Path, str]] = []
    if not folder.is_dir():
        return found, unreadable
    for path in sorted(folder.glob("*.json")):
        try:
            found.append((path, read(path)))
        except (AnswersError, HistoryError) as exc:
            unreadable.append((path, _reason(exc, path)))
    found.sort(key=lambda pair: (pair[1].finished or pair[1].started, pair[1].id))
    return found, unreadable


def _reason(exc: Exception, path: Path) -> str:
    return str(exc).removeprefix(f"{path}: ")


def list_assessments() -> list[tuple[Path, Assessment]]:
    """Every readable saved assessment, oldest first (see unreadable_history for the rest)."""
    return _scan(assessments_dir(), read_assessment)[0]


def unreadable_history() -> list[tuple[Path, str]]:
    """Saved assessments and prep cards that cannot be read, with the reason for each."""
    return _scan(assessments_dir(), read_assessment)[1] + _scan(prep_dir(), _finished_card)[1]


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
            for path in folder.glob(".*.lock"):  # empty files that held drafts for a run
                path.unlink(missing_ok=True)
    return count


def export_all() -> str:
    """Every saved assessment and prep card as one JSON document."""
    records = [json.loads(a.model_dump_json()) for _, a in list_assessments()]
    cards = [json.loads(c.model_dump_json()) for _, c in list_prep_cards()]
    document = {"assessments": records, "prep_cards": cards}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def save_draft(assessment: Assessment) -> Path:
    """Save progress; called after every answer. A draft with nothing in it is not kept."""
    path = draft_path(assessment.framework_id, assessment.quick)
    if not (assessment.answers or assessment.skipped or any(assessment.notes.values())):
        path.unlink(missing_ok=True)
        return path
    return write_private(path, to_json(assessment))


class SetAside:
    """A draft that could not be read: where it was moved, and why."""

    def __init__(self, moved_to: Path, reason: str) -> None:
        self.moved_to = moved_to
        self.reason = reason


def load_draft(framework_id: str, quick: bool) -> Assessment | SetAside | None:
    """The unfinished assessment for this framework and mode, if there is one. A draft
    that cannot be read is moved aside, bytes untouched, and said so (not thrown away)."""
    path = draft_path(framework_id, quick)
    if not path.exists():
        return None
    try:
        return read_assessment(path)
    except AnswersError as exc:
        return _set_aside(path, _reason(exc, path))


def _set_aside(path: Path, reason: str) -> SetAside:
    """Rename an unreadable draft so a new one can start, keeping every byte of it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    n = 0
    while True:
        n += 1
        moved = path.with_name(f"{path.stem}.unreadable-{stamp}{'' if n == 1 else f'-{n}'}.json")
        if moved.exists():
            continue
        try:
            os.rename(path, moved)
        except OSError as exc:
            raise HistoryError(
                f"{path}: your unfinished answers cannot be read ({reason}) and cannot be "
                f"moved aside ({exc.strerror or exc}); move or delete the file, then try again"
            ) from None
        return SetAside(moved, reason)


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
    text = _read_saved(path, HistoryError)
    try:
        return PrepCard.model_validate_json(text)
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
    """Every readable saved prep card, oldest first (see unreadable_history for the rest)."""
    return _scan(prep_dir(), _finished_card)[0]


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
    """Save meeting prep progress; called after every answer. An empty one is not kept."""
    path = prep_draft_path(card.framework_id)
    filled = (card.meeting, card.meeting_date, card.partners, card.offers, card.hours_available)
    if all(value is None for value in filled) and not (
        card.check.answers or card.check.skipped or card.check_done or card.answers
    ):
        path.unlink(missing_ok=True)
        return path
    return write_private(path, card.model_dump_json(indent=2) + "\n")


def load_prep_draft(framework_id: str) -> PrepCard | SetAside | None:
    """The unfinished meeting prep for this framework, if there is one; a draft that
    cannot be read is moved aside, as for assessments."""
    path = prep_draft_path(framework_id)
    if not path.exists():
        return None
    try:
        return read_prep_card(path)
    except HistoryError as exc:
        return _set_aside(path, _reason(exc, path))


def discard_prep_draft(framework_id: str) -> None:
    """Remove the draft once the prep card is finished or restarted."""
    prep_draft_path(framework_id).unlink(missing_ok=True)


def reflections_for(assessment: Assessment, previous: Assessment | None) -> list[PrepCard]:
    """Prep cards whose reflections belong in this assessment's report."""
    # Loaded here, not at the top: the prep module is not needed to start an assessment.
    from goodpartners.personal.prep import select_reflections

    until = assessment.finished or assessment.started
    since = (previous.finished or previous.started) if previous else None
    cards = [card for _, card in list_prep_cards()]
    return select_reflections(cards, assessment.framework_id, until, since)
