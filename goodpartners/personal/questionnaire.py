"""The questionnaire: the only module that talks to the user.

Input is line-based (type a number or the start of a label, then Enter), so it works
with screen readers, on Windows consoles and with piped input. It takes an IO object,
so tests and pipes drive the same code a person does. The parts of a run live beside
it: lines.py (the IO and what a typed line means), statements.py (asking one
statement), notes.py (the note prompt) and review.py (the review screen).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from goodpartners.models import Assessment, Competency, Framework, Item
from goodpartners.personal.lines import (
    KEYS_HELP,
    Command,
    Hint,
    InputEnded,
    QuestionIO,
    SaveAndQuit,
    StreamIO,
    describe_answer,
    number_in,
    parse_answer,
    scale_line,
)
from goodpartners.personal.notes import NOTE_HELP, NotePrompt
from goodpartners.personal.opening import SECONDS_PER_ITEM, introduction_text, minutes
from goodpartners.personal.review import AnswerReview
from goodpartners.personal.statements import Ahead, Session, StatementAsker
from goodpartners.scoring import off_scale

__all__ = [
    "KEYS_HELP",
    "NOTE_HELP",
    "SECONDS_PER_ITEM",
    "Command",
    "Hint",
    "InputEnded",
    "QuestionIO",
    "Questionnaire",
    "SaveAndQuit",
    "StreamIO",
    "ask_yes_no",
    "carry_on",
    "choose_start",
    "describe_answer",
    "draft_summary",
    "introduction",
    "minutes",
    "number_in",
    "parse_answer",
    "questionnaire_items",
    "resume_message",
    "scale_line",
]


def questionnaire_items(framework: Framework, quick: bool) -> list[tuple[Competency, Item]]:
    """The items asked, in order: every item, or only the quick ones."""
    return [(c, i) for c, i in framework.items() if i.quick or not quick]


def introduction(framework: Framework, quick: bool) -> str:
    """What this is, how long it takes, and where the answers go."""
    short = len(questionnaire_items(framework, quick=True))
    return introduction_text(framework.title, framework.item_count, short, quick)


class Questionnaire:
    """Asks the items one at a time, then offers skipped ones again, then a review."""

    def __init__(
        self,
        framework: Framework,
        assessment: Assessment,
        io: QuestionIO,
        save: Callable[[Assessment], object],
        ask_notes: bool = True,
        finish: str = "finish",
    ) -> None:
        self.framework = framework
        self.assessment = assessment
        self.io = io
        self.save = save
        self.order = questionnaire_items(framework, assessment.quick)
        self.session = Session(framework, assessment, io, save, self.order, ask_notes, finish)
        self.statements = StatementAsker(self.session)
        self.notes = NotePrompt(self.session)
        self.review = AnswerReview(self.session, self.statements)

    @property
    def input_ended(self) -> bool:
        """Whether the input ended with every statement answered."""
        return self.session.input_ended

    def run(self, show_intro: bool = True, resumed: bool = False) -> Assessment:
        """Run to the end and return the answered assessment; raises InputEnded or
        SaveAndQuit when it stops early (progress is saved either way). A resumed run
        says where it carries on from."""
        if show_intro:
            self.io.say(introduction(self.framework, self.assessment.quick))
        start = self._first_open()
        if resumed:
            self.io.say(resume_message(start, len(self.order)))
        self._walk(self.order, start=start, second_pass=False)
        skipped = [pair for pair in self.order if pair[1].id in self.assessment.skipped]
        if skipped:
            count = len(skipped)
            self.io.say("")
            self.io.say(
                f"You skipped {count} statement{'s' if count != 1 else ''}. "
                "Here they are again. Type s to leave one unanswered."
            )
            self._walk(skipped, start=0, second_pass=True)
        self.review.run()
        return self.assessment

    def _first_open(self) -> int:
        for index, (_, item) in enumerate(self.order):
            if item.id not in self.assessment.answers and item.id not in self.assessment.skipped:
                return index
        return len(self.order)

    def _walk(
        self, items: Sequence[tuple[Competency, Item]], start: int, second_pass: bool
    ) -> None:
        index = start
        ahead: Ahead | None = None  # an answer typed at a note prompt, for the next one
        while index < len(items):
            competency, item = items[index]
            outcome = self.statements.ask(competency, item, second_pass, ahead)
            ahead = None
            if outcome == "b":
                if index == 0:
                    self.io.say("This is the first statement, so there is nothing to go back to.")
                else:
                    index -= 1
                continue
            ends_competency = index + 1 == len(items) or items[index + 1][0].id != competency.id
            if ends_competency and not second_pass and self.session.ask_notes:
                offered = self.notes.offer(competency, has_next=index + 1 < len(items))
                if offered == "b":
                    continue  # the statement again; the note is offered again after it
                if isinstance(offered, Ahead):
                    ahead = offered
            index += 1


def resume_message(start: int, total: int) -> str:
    """Where a resumed questionnaire carries on; start counts from 0."""
    if start < total:
        return f"Carrying on from statement {start + 1} of {total}."
    return f"All {total} statements have been seen. Carrying on with the ones you skipped."


def ask_yes_no(io: QuestionIO, prompt: str, default: bool) -> bool:
    """Ask a yes/no question; Enter takes the default, end of input raises InputEnded."""
    choices = "[Y/n]" if default else "[y/N]"
    while True:
        try:
            typed = io.ask(f"{prompt} {choices} ").strip().lower()
        except EOFError:
            raise InputEnded from None
        if typed == "":
            return default
        if typed in {"y", "yes"}:
            return True
        if typed in {"n", "no"}:
            return False
        io.say("Type y for yes or n for no.")


def draft_summary(framework: Framework, draft: Assessment) -> str:
    """One line about an unfinished assessment, for the resume question."""
    asked = len(questionnaire_items(framework, draft.quick))
    done = len(draft.answers)
    when = draft.started.strftime("%d %B %Y at %H:%M")
    return f"You have an unfinished assessment from {when} ({done} of {asked} answered)."


def choose_start(
    framework: Framework,
    draft: Assessment | None,
    fresh: Assessment,
    io: QuestionIO,
    resume: bool = False,
    restart: bool = False,
) -> Assessment:
    """Carry on from the draft or start afresh: as the flags say, or by asking."""
    if draft is not None:
        # A draft kept from before the framework's scale changed: ask those again.
        for item_id in off_scale(draft.answers, framework.scale):
            del draft.answers[item_id]
    summary = draft_summary(framework, draft) if draft is not None else None
    if draft is not None and carry_on(io, summary, "assessment", resume, restart):
        return draft
    return fresh


def carry_on(
    io: QuestionIO, summary: str | None, what: str, resume: bool = False, restart: bool = False
) -> bool:
    """Whether to carry on with an unfinished draft (summary is None when there is none)."""
    if summary is None:
        if resume:
            io.say(f"There is no unfinished {what} to resume, so this starts a new one.")
        return False
    if restart:
        return False
    if resume:
        return True
    io.say(summary)
    return ask_yes_no(io, "Carry on with it? (n starts again and replaces it)", default=True)
