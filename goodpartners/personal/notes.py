"""The optional note after each competency's last statement, during the questionnaire.

It talks only through the session's QuestionIO, like the rest of the questionnaire.
"""

from __future__ import annotations

from goodpartners.models import Competency
from goodpartners.personal.lines import Command, Hint, parse_answer
from goodpartners.personal.statements import Ahead, Session

NOTE_HELP = (
    "A note is a short example from your own work, in your own words. It appears in your "
    "report. Press Enter (or s) to skip it, b to go back to the last statement, "
    "or q to save and quit. You can add or change notes when you review your answers."
)


class NotePrompt:
    """Offers a note for a competency, telling a note from an answer typed too soon."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def offer(self, competency: Competency, has_next: bool) -> str | Ahead:
        """Ask for an optional note; returns 'ok', 'b' (back to the statement before) or an
        answer typed ahead for the next statement. Keys mean what they mean elsewhere."""
        session = self.session
        if competency.id in session.assessment.notes or session.input_ended:
            return "ok"
        prompt = (
            f"Optional: an example from your own practice for '{competency.name}' "
            "(type it, or press Enter to skip): "
        )
        while True:
            try:
                typed = session.io.ask(prompt).strip()
            except EOFError:
                session.ended()
                return "ok"
            key = " ".join(typed.lower().split())
            if key in {"b", "q", "?", "h"}:
                if key == "b":
                    return "b"
                if key == "q":
                    session.quit()
                session.io.say(NOTE_HELP)
                continue
            seen = self._looks_like_answer(key)
            if seen is None:
                note = "" if key == "s" else typed
                break
            if isinstance(seen, Hint):
                session.io.say(f"'{typed}' looks like an answer, not a note. {seen.text}")
                continue
            if not has_next:
                session.io.say(
                    f"'{typed}' looks like an answer, not a note, and there are no more "
                    "statements. Type your note in words, or press Enter to skip."
                )
                continue
            session.io.say(
                f"'{typed}' looks like an answer, not a note, so it is your answer to the "
                "next statement. You can add a note when you review your answers."
            )
            session.assessment.notes[competency.id] = ""
            session.save(session.assessment)
            return seen
        session.assessment.notes[competency.id] = note
        session.save(session.assessment)
        return "ok"

    def _looks_like_answer(self, key: str) -> Ahead | Hint | None:
        """A scale answer typed at a note prompt: a bare number, n, or a whole label."""
        scale = self.session.framework.scale
        labels = {label.lower() for label in scale.labels.values()}
        if scale.not_applicable:
            labels.add(scale.not_applicable.lower())
        number = key.removeprefix("-")
        if not ((number.isascii() and number.isdigit()) or key in {"n", "n/a", "na"} | labels):
            return None
        parsed = parse_answer(key, scale)
        if isinstance(parsed, Hint):
            return parsed
        return None if isinstance(parsed, Command) else Ahead(parsed)
