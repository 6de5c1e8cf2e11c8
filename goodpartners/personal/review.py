"""The questionnaire's review screen: the answers listed, changed by number, and notes (w).

It talks only through the session's QuestionIO, like the rest of the questionnaire.
"""

from __future__ import annotations

from goodpartners.personal.lines import InputEnded, describe_answer, number_in
from goodpartners.personal.statements import Session, StatementAsker


class AnswerReview:
    """Lists the answers and notes, and lets the user change any of them before finishing."""

    def __init__(self, session: Session, statements: StatementAsker) -> None:
        self.session = session
        self.statements = statements

    def run(self) -> None:
        """Show the review and take changes until Enter (or the end of the input)."""
        session = self.session
        if session.input_ended:
            return
        self.show()
        total = len(session.order)
        change = "Type a number to change an answer"
        notes = ", w to write or change a note" if session.ask_notes else ""
        while True:
            try:
                typed = session.io.ask(
                    f"{change}{notes}, r to list again, or press Enter to {session.finish}: "
                )
            except EOFError:
                session.ended()
                return
            typed = typed.strip().lower()
            if typed == "":
                return
            if typed == "r":
                self.show()
                continue
            if typed == "q":
                session.quit()
            if typed == "w" and session.ask_notes:
                self.change_note()
                continue
            if number_in(typed, total):
                competency, item = session.order[int(typed) - 1]
                if self.statements.ask(competency, item) != "b":
                    answer = session.assessment.answers.get(item.id)
                    described = describe_answer(answer, session.framework.scale)
                    session.io.say(f"Statement {typed} is now: {described}.")
                continue
            also = ", w" if session.ask_notes else ""
            session.io.say(
                f"Type a number from 1 to {total}{also}, r, or press Enter to {session.finish}."
            )

    def show(self) -> None:
        """List every answer under its competency, with the competency's note after it."""
        session = self.session
        order = session.order
        scale = session.framework.scale
        session.io.say("")
        session.io.say("Your answers")
        current = ""
        for competency, item in order:
            if competency.id != current:
                current = competency.id
                session.io.say(competency.name)
            answer = describe_answer(session.assessment.answers.get(item.id), scale)
            session.io.say(f"  {session.number[item.id]:>2}. {answer} - {item.text}")
            last = order[-1][1] is item or order[session.number[item.id]][0] != competency
            note = session.assessment.notes.get(competency.id, "")
            if last and note:
                session.io.say(f"      Your note: {note}")

    def change_note(self) -> None:
        """Write, change or remove the note for one competency, from the review."""
        session = self.session
        competencies = list({c.id: c for c, _ in session.order}.values())
        session.io.say("")
        session.io.say("Which competency is the note for?")
        for number, competency in enumerate(competencies, start=1):
            note = session.assessment.notes.get(competency.id, "")
            session.io.say(f"  {number:>2}. {competency.name}" + (f" - {note}" if note else ""))
        count = len(competencies)
        while True:
            typed = self._ask_text(
                f"Type its number (1-{count}), or press Enter to go back: "
            ).lower()
            if typed == "":
                return
            if number_in(typed, count):
                break
            session.io.say(f"Type a number from 1 to {count}, or press Enter to go back.")
        competency = competencies[int(typed) - 1]
        note = self._ask_text(
            f"Your note for '{competency.name}' (press Enter to keep it as it is, "
            "or type - to remove it): "
        )
        if note == "":
            session.io.say("Your note is as it was.")
            return
        session.assessment.notes[competency.id] = "" if note == "-" else note
        session.save(session.assessment)
        session.io.say(
            f"{'Removed' if note == '-' else 'Saved'} your note for '{competency.name}'."
        )

    def _ask_text(self, prompt: str) -> str:
        try:
            return self.session.io.ask(prompt).strip()
        except EOFError:
            raise InputEnded from None
