"""The questionnaire's input parsing and flow, without the CLI."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodpartners.models import Assessment, Framework, Scale
from goodpartners.personal.questionnaire import (
    Command,
    Hint,
    InputEnded,
    Questionnaire,
    StreamIO,
    introduction,
    parse_answer,
)
from tests.conftest import WHEN

SCALE = Scale(
    min=1, max=5, labels={1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often", 5: "Always"}
)
AMBIGUOUS = Scale(min=0, max=3, labels={0: "Not at all", 1: "A little", 2: "A lot", 3: "Always"})


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("4", 4),
        (" 4 ", 4),
        ("often", 4),
        ("OFT", 4),
        ("al", 5),
        ("n", "n/a"),
        ("N/A", "n/a"),
        ("does not", "n/a"),
        ("b", Command("b")),
        ("s", Command("s")),
        ("?", Command("?")),
        ("q", Command("q")),
        ("", Command("")),
        ("0", Hint("0 is not on the scale; type a number from 1 to 5.")),
        ("-1", Hint("-1 is not on the scale; type a number from 1 to 5.")),
        ("seldom", Hint("'seldom' is not an answer; type a number from 1 to 5, or ? for help.")),
    ],
)
def test_parse_answer(typed: str, expected: object) -> None:
    assert parse_answer(typed, SCALE) == expected


def test_parse_answer_ambiguous_label_start_asks_for_more() -> None:
    assert parse_answer("a l", AMBIGUOUS) == Hint(
        "'a l' could be 'a little' or 'a lot'; type more letters or the number."
    )
    assert parse_answer("a lo", AMBIGUOUS) == 2
    assert parse_answer("0", AMBIGUOUS) == 0


@given(st.sampled_from(list(SCALE.labels.items())), st.data())
def test_any_unique_label_start_gives_that_answer(
    pair: tuple[int, str], data: st.DataObject
) -> None:
    point, label = pair
    length = data.draw(st.integers(min_value=2, max_value=len(label)))
    assert parse_answer(label[:length].upper(), SCALE) == point


def test_introduction_says_counts_times_and_privacy(framework: Framework) -> None:
    text = introduction(framework, quick=False)
    assert "The full version has 33 statements and takes about 7 minutes." in text
    assert "The quick check has 11 and takes about 2 minutes." in text
    assert "Your answers stay on this computer." in text


def test_end_of_input_stops_without_looping(framework: Framework) -> None:
    assessment = Assessment(
        id="draft",
        framework_id=framework.id,
        framework_version="1.0",
        framework_title="Good Partners",
        started=WHEN,
    )
    saves: list[dict[str, object]] = []
    out = io.StringIO()
    stream = StreamIO(io.StringIO("4\nnonsense\n"), out)
    with pytest.raises(InputEnded):
        Questionnaire(framework, assessment, stream, lambda a: saves.append(dict(a.answers))).run()
    assert saves == [{"role-1": 4}]
    assert out.getvalue().count("'nonsense' is not an answer") == 1


def _one_statement(framework: Framework, typed: str) -> str:
    assessment = Assessment.start(framework, name=None, quick=False)
    out = io.StringIO()
    stream = StreamIO(io.StringIO(typed), out)
    with pytest.raises(InputEnded):
        Questionnaire(framework, assessment, stream, lambda a: None).run(show_intro=False)
    return out.getvalue()


@pytest.mark.parametrize(
    ("typed", "echo"),
    [("some\n", "some -> Sometimes"), ("OFT\n", "OFT -> Often"), ("does\n", "does -> Does")],
)
def test_a_label_start_is_echoed_as_the_full_label(
    framework: Framework, typed: str, echo: str
) -> None:
    said = _one_statement(framework, typed)
    if echo.startswith("does"):
        assert f"does -> {framework.scale.not_applicable}\n" in said
    else:
        assert f"\n{echo}\n" in said


@pytest.mark.parametrize("typed", ["3\n", "Sometimes\n", "n\n", "q\n"])
def test_numbers_full_labels_and_keys_are_not_echoed(framework: Framework, typed: str) -> None:
    assessment = Assessment.start(framework, name=None, quick=False)
    out = io.StringIO()
    stream = StreamIO(io.StringIO(typed), out)
    with pytest.raises(Exception):  # noqa: B017 - InputEnded or SaveAndQuit, either is fine
        Questionnaire(framework, assessment, stream, lambda a: None).run(show_intro=False)
    assert " -> " not in out.getvalue()


def test_a_resumed_questionnaire_says_where_it_carries_on(framework: Framework) -> None:
    assessment = Assessment.start(framework, name=None, quick=False)
    assessment.answers.update({"role-1": 4, "role-2": 4, "role-3": 4, "offer-1": 4})
    assessment.skipped.append("offer-2")
    out = io.StringIO()
    stream = StreamIO(io.StringIO(""), out)
    with pytest.raises(InputEnded):
        Questionnaire(framework, assessment, stream, lambda a: None).run(
            show_intro=False, resumed=True
        )
    # 4 answered and 1 skipped: the sixth statement is the first not yet seen.
    assert out.getvalue().startswith("Carrying on from statement 6 of 33.\n")


def test_a_fresh_questionnaire_does_not_say_carrying_on(framework: Framework) -> None:
    assert "Carrying on" not in _one_statement(framework, "")
