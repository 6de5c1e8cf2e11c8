"""The personal report's own headings and sentences, the same in every format."""

from __future__ import annotations

from datetime import date

from goodpartners.personal.report import Report

NEXT_STEPS = "Your next steps"
NEXT_STEPS_INTRO = "The skills to work on first, what pulled each one down, and one thing to try."
PLAN_HEADING = "My plan, ready for supervision"
PLAN_INTRO = "Fill in the blanks on your own, or with your supervisor or manager."
PLAN_EMPTY = "There are no priorities to plan for yet. Choose one skill with your supervisor."


def detail_intro(report: Report) -> str:
    """What the words in the detail mean, in plain words."""
    return (
        "Each skill (the framework calls it a competency) has a score from "
        f"{report.scale_min} to {report.scale_max}, the average of your answers. Its band is "
        "the level that score falls in. A theme is a group of skills."
    )


def day_text(when: date) -> str:
    """A date without the time, as people write it in the UK: Monday 30 November 2026."""
    return f"{when:%A} {when.day} {when:%B %Y}"


def no_strengths(report: Report) -> str:
    """Why no strength is named."""
    if report.scores_note:
        return "None named: see 'Your next steps' above."
    if _others_only(report):
        return "None yet: you did not rate yourself. See 'How others see you' above."
    return "None yet: no skill could be scored."


def _others_only(report: Report) -> bool:
    """A multi-rater report of someone who did not rate themselves."""
    return report.others is not None and not report.others.has_self


def no_priorities(report: Report) -> str:
    """Why no priority is named, when the scores themselves do not say."""
    if _others_only(report):
        return (
            "None yet: you did not rate yourself, so this report has only how others see "
            "you, below. Rate yourself too, then compare."
        )
    if not any(c.score is not None for c in report.competencies):
        return "None yet: no skill could be scored. See 'Not scored' below."
    return "None yet: too few skills were scored to pick out the lowest."


def html_words(report: Report) -> dict[str, str]:
    """The headings and sentences the HTML template shows."""
    return {
        "next_steps": NEXT_STEPS,
        "next_steps_intro": NEXT_STEPS_INTRO,
        "plan_heading": PLAN_HEADING,
        "plan_intro": PLAN_INTRO,
        "plan_empty": PLAN_EMPTY,
        "detail_intro": detail_intro(report),
        "no_strengths": no_strengths(report),
        "no_priorities": no_priorities(report),
    }
