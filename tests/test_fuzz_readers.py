"""Property-based fuzzing of the two readers of outside files: responses CSVs and frameworks.

Whatever bytes arrive, `batch` either scores them, with every line of the file accounted
for, or refuses them with one of the product's own errors; the framework loader gives a
valid framework or a FrameworkError. Never a traceback.

The cases here are few, to keep CI quick. benchmarks/fuzz.py runs the same checks for as
long as you like: `python benchmarks/fuzz.py --minutes 5`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodpartners.errors import FrameworkError, GoodPartnersError
from goodpartners.framework_files import shipped_frameworks_dir
from goodpartners.frameworks import load_framework, parse_framework
from goodpartners.models import Answer, Framework
from goodpartners.render.team import team_renderers
from goodpartners.scoring import score_assessment
from goodpartners.team.batch import BatchOptions, ReportChoice, run_batch
from goodpartners.team.responses import (
    data_dictionary,
    detect_format,
    match_columns,
    open_responses,
    template_header,
)
from goodpartners.team.rows import ProblemLog, RowScorer

FRAMEWORK = load_framework("good-partners")
FRAMEWORK_TEXT = (shipped_frameworks_dir() / "good-partners.yaml").read_text(encoding="utf-8")
HEADER = template_header(FRAMEWORK)
ITEM_IDS = [item.id for _, item in FRAMEWORK.items()]
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ----------------------------------------------------------------------------- the checks


@dataclass
class Outcome:
    """What one fuzz case did: scored (with its counts) or refused (with the message)."""

    refused: str | None = None
    rows: int = 0
    lines: int = 0


def check_batch(framework: Framework, data: bytes, folder: Path) -> Outcome:
    """Score `data` as a responses file, and fail unless the run ends in one of the product's
    errors or in outputs where every line of the file is accounted for."""
    source = folder / "responses.csv"
    source.write_bytes(data)
    out = folder / "out"
    try:
        result = run_batch(
            BatchOptions(framework=framework, responses=source, out=out),
            team_renderers(ReportChoice.none),
        )
    except GoodPartnersError as exc:
        message = str(exc)
        assert message.strip(), "an empty error message"
        assert "Traceback" not in message
        assert "\n" not in message, f"a message of more than one line: {message!r}"
        return Outcome(refused=message)
    counts = result.summary.counts
    with (out / "scores.csv").open(encoding="utf-8-sig", newline="") as stream:
        text = stream.read()
    scores = list(csv.DictReader(io.StringIO(text)))
    assert "\x00" not in text
    with (out / "problems.csv").open(encoding="utf-8-sig", newline="") as stream:
        problems = list(csv.DictReader(stream))
    assert counts.scored == len(scores)
    assert counts.rows == counts.scored + counts.not_scored + counts.skipped
    not_scored = [p for p in problems if "not scored" in p["problem"]]
    assert len(not_scored) == counts.not_scored, problems
    assert len({p["line"] for p in not_scored}) == counts.not_scored
    lines = check_lines(framework, source)
    assert all(1 <= int(p["line"]) <= lines for p in problems), problems
    return Outcome(rows=counts.rows, lines=lines)


def check_lines(framework: Framework, path: Path) -> int:
    """Read the file again below `batch` and check that every line after the header belongs
    to a row; the number of lines in the file."""
    fmt = detect_format(path)
    total = physical_lines(path.read_bytes().decode(fmt.encoding))
    source = open_responses(path, fmt)
    try:
        header_end = source.lines.count
        columns = match_columns(source.header, framework, str(path))
        scorer = RowScorer(framework, source, columns, ProblemLog(None))
        scored = sum(len(chunk.rows) for chunk, _ in scorer.chunks())
    finally:
        source.close()
    assert scorer.lines == total - header_end, (scorer.lines, total, header_end)
    assert scorer.rows == scored + scorer.not_scored + scorer.skipped
    return total


def physical_lines(text: str) -> int:
    """Lines as a text editor counts them: CR, LF or CRLF ends one."""
    return len(re.findall(r"\r\n|\r|\n", text)) + bool(re.search(r"[^\r\n]\Z", text))


def check_framework(raw: bytes) -> Outcome:
    """Load `raw` as a framework: a valid one, or a FrameworkError, and nothing else."""
    try:
        framework = parse_framework(raw, "fuzz.yaml")
    except FrameworkError as exc:
        assert str(exc).strip(), "an empty error message"
        assert "Traceback" not in str(exc)
        return Outcome(refused=str(exc))
    assert isinstance(framework, Framework)
    template_header(framework)
    data_dictionary(framework)
    return Outcome()


# ----------------------------------------------------------------------------- responses


ANSWERS = st.sampled_from(
    ["1", "2", "3", "4", "5", "", " ", "N/A", "n/a", "Often", "never", "4 - Often", "Oftne",
     "9", "0", "3.5", "3,5", "-1", "1e3", "nan", "inf", "\u0663"]
)  # fmt: skip
NASTY = st.sampled_from(
    ['"', '""', ",", ";", "\t", "\n", "\r\n", "\r", "\x00", "\ufeff", "=1+1", "sep=;", " ",
     "\u00e9", "\u2028", "\x85", "\x1c", "\\", "'", "\ud7ff", "\U0001f600"]
)  # fmt: skip
WORDS = st.text(st.characters(codec="utf-8"), max_size=10)
CELLS = st.one_of(
    ANSWERS, ANSWERS, NASTY, WORDS, st.lists(st.one_of(NASTY, WORDS), max_size=4).map("".join)
)
IDS = st.sampled_from(["a@example.org", "b", "c", "", " ", "a@example.org", "=cmd", "line-2"])
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be"]


@st.composite
def headers(draw: st.DrawFn) -> list[str]:
    """The template's header, or some of its columns, with others added."""
    if draw(st.booleans()):
        header = list(HEADER)
    else:
        header = draw(st.lists(st.sampled_from(HEADER), min_size=1, max_size=12, unique=True))
    for _ in range(draw(st.integers(0, 2))):
        extra = draw(st.sampled_from(["comments", "Timestamp", "", "team", "respondent", '"x']))
        header.insert(draw(st.integers(0, len(header))), extra)
    return header


@st.composite
def rows_for(draw: st.DrawFn, width: int) -> list[str]:
    """A row that is usually the right width, with cells added, dropped or made nasty."""
    row = [draw(IDS), *(draw(ANSWERS) for _ in range(width - 1))]
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["nasty", "nasty", "insert", "drop", "words"]))
        at = draw(st.integers(0, max(len(row) - 1, 0)))
        if kind == "insert":
            row.insert(at, draw(CELLS))
        elif kind == "drop" and row:
            row.pop(at)
        elif row:
            row[at] = draw(CELLS)
    return row


@st.composite
def csv_texts(draw: st.DrawFn) -> bytes:
    """A CSV-ish file: a real header, rows with quotes, delimiters, line breaks and null
    characters, written properly or carelessly, in one of several encodings, maybe damaged."""
    header = draw(headers())
    rows = [header, *draw(st.lists(rows_for(len(header)), max_size=10))]
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    style = draw(st.sampled_from(["minimal", "all", "raw"]))
    stream = io.StringIO()
    if style == "raw":
        stream.write(ending.join(delimiter.join(row) for row in rows) + ending)
    else:
        writer = csv.writer(
            stream,
            delimiter=delimiter,
            lineterminator=ending,
            quoting=csv.QUOTE_ALL if style == "all" else csv.QUOTE_MINIMAL,
        )
        writer.writerows(rows)
    text = stream.getvalue()
    if draw(st.booleans()):
        text = draw(st.sampled_from(["", "\n", f"sep={delimiter}\n", "sep=;\n", "\ufeff"])) + text
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace" if encoding[0] in "cl" else "surrogatepass")
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=3)) + data[at:]
    return data


@FUZZ
@given(st.binary(max_size=2000))
def test_batch_random_bytes_are_scored_or_refused(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_batch(FRAMEWORK, data, Path(folder))


@FUZZ
@given(csv_texts())
def test_batch_csvish_text_is_scored_with_every_line_accounted_for(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_batch(FRAMEWORK, data, Path(folder))


@dataclass
class CleanExport:
    """A well-formed export, and what scoring it must give."""

    data: bytes
    answers: dict[str, dict[str, Answer]]  # respondent -> item -> answer
    unanswered: list[int]  # the lines of rows with no answer, which are not scored


ANSWER_TEXT: dict[str, Answer] = {
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "5": 5,
    "Often": 4,
    "N/A": "n/a",
    "": None,
}


@st.composite
def clean_exports(draw: st.DrawFn) -> CleanExport:
    """A CSV written properly: a comments column whose notes have quotes, delimiters and
    line breaks of every kind, so rows run over several lines. A note line has fewer than
    half a row's delimiters: the reader takes more as a sign of rows run together."""
    items = draw(st.lists(st.sampled_from(ITEM_IDS), min_size=1, max_size=8, unique=True))
    header = ["respondent", *items]
    comments = draw(st.integers(1, len(header)))
    header.insert(comments, "comments")
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    most = max(0, (len(header) - 1) // 2 - 1)
    note_line = st.text(st.sampled_from(["a", " ", '"', "'", "\u00e9", delimiter]), max_size=8)
    note_line = note_line.filter(lambda line: line.count(delimiter) <= most)
    breaks = st.sampled_from(["\n", "\r\n", "\r"])
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quote_all = draw(st.booleans())

    def write(cells: list[str]) -> None:
        # As spreadsheets do: csv.writer leaves a lone CR unquoted when lines end in LF.
        special = (delimiter, '"', "\r", "\n")
        quoted = [
            '"' + c.replace('"', '""') + '"' if quote_all or any(s in c for s in special) else c
            for c in cells
        ]
        stream.write(delimiter.join(quoted) + ending)

    stream = io.StringIO()
    write(header)
    answers: dict[str, dict[str, Answer]] = {}
    unanswered = []
    for number in range(draw(st.integers(0, 8))):
        line = physical_lines(stream.getvalue()) + 1
        person = f"p{number}"
        texts = {item: draw(st.sampled_from(list(ANSWER_TEXT))) for item in items}
        chosen: dict[str, Answer] = {
            i: a for i, t in texts.items() if (a := ANSWER_TEXT[t]) is not None
        }
        note = draw(st.lists(note_line, max_size=4))
        row = [person, *texts.values()]
        row.insert(comments, "".join(n + draw(breaks) for n in note[:-1]) + "".join(note[-1:]))
        write(row)
        if any(isinstance(a, int) for a in chosen.values()):
            answers[person] = chosen
        else:
            unanswered.append(line)
    return CleanExport(stream.getvalue().encode("utf-8"), answers, unanswered)


def score_text(score: float | None) -> str:
    return "" if score is None else f"{score:.2f}"


def check_scored_exactly(export: CleanExport, folder: Path) -> None:
    """Score a well-formed export and compare every score with the scoring engine's."""
    source = folder / "responses.csv"
    source.write_bytes(export.data)
    out = folder / "out"
    run_batch(
        BatchOptions(framework=FRAMEWORK, responses=source, out=out),
        team_renderers(ReportChoice.none),
    )
    with (out / "problems.csv").open(encoding="utf-8-sig", newline="") as stream:
        problems = [(int(p["line"]), p["problem"]) for p in csv.DictReader(stream)]
    assert problems == [
        (line, "no statement was answered, so this row was not scored")
        for line in export.unanswered
    ]
    with (out / "scores.csv").open(encoding="utf-8-sig", newline="") as stream:
        scores = {row["respondent"]: row for row in csv.DictReader(stream)}
    assert set(scores) == set(export.answers)
    for person, answers in export.answers.items():
        result = score_assessment(FRAMEWORK, answers)
        expected = {c.id: score_text(c.score) for c in result.competencies}
        expected["overall"] = score_text(result.overall)
        assert {key: scores[person][key] for key in expected} == expected, person
    check_lines(FRAMEWORK, source)


@FUZZ
@given(clean_exports())
def test_batch_well_formed_csv_is_scored_exactly(export: CleanExport) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_scored_exactly(export, Path(folder))


# ----------------------------------------------------------------------------- frameworks

YAML_BITS = st.sampled_from(
    ["\n", "  ", "- ", ": ", "key", "id", "themes", "items", "scale", "bands", "&a ", "*a",
     "!!python/object:os.system", "!!binary", "[", "]", "{", "}", "'", '"', "#", "|", ">",
     "\t", "---", "...", "~", "null", "1e999", "-0", "0x1F", "2026-02-30", "\x00", "\ufeff",
     "<<: *a", "? ", "%YAML 1.1\n", "\\u0000"]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
    st.sampled_from([0, -1, 10**30, "", "x", "1", "role-1", "good-partners"]),
)  # fmt: skip


def nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Lists and mappings of `inner`, for VALUES to recurse with."""
    return st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    )


VALUES = st.recursive(SCALARS, nested, max_leaves=12)


@st.composite
def yaml_texts(draw: st.DrawFn) -> bytes:
    """Random YAML-ish text, the shipped framework cut about at the line, or the shipped
    framework with one value replaced by a random one."""
    kind = draw(st.sampled_from(["bits", "lines", "tree"]))
    if kind == "bits":
        return "".join(
            draw(st.lists(st.one_of(YAML_BITS, st.text(max_size=6)), max_size=40))
        ).encode(draw(st.sampled_from(["utf-8", "utf-16", "utf-16-le"])), errors="surrogatepass")
    if kind == "lines":
        lines = FRAMEWORK_TEXT.splitlines(keepends=True)
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(lines) - 1))
            action = draw(st.sampled_from(["drop", "copy", "garble", "indent"]))
            if action == "drop":
                del lines[at]
            elif action == "copy":
                lines.insert(at, lines[at])
            elif action == "garble":
                lines[at] = draw(st.lists(YAML_BITS, max_size=5).map("".join)) + lines[at]
            else:
                lines[at] = " " + lines[at]
        return "".join(lines).encode("utf-8", errors="surrogatepass")
    tree: Any = yaml.safe_load(FRAMEWORK_TEXT)
    for _ in range(draw(st.integers(1, 3))):
        node, target = tree, None
        for _depth in range(draw(st.integers(1, 6))):
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            if not children:
                break
            key, child = draw(st.sampled_from(children))
            target = (node, key)
            if not isinstance(child, dict | list):
                break
            node = child
        if target is None:
            continue
        parent, key = target
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[key]
        else:
            parent[key] = draw(VALUES)
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False).encode(
        "utf-8", "surrogatepass"
    )


@FUZZ
@given(st.one_of(yaml_texts(), st.binary(max_size=500)))
def test_framework_loader_gives_a_framework_or_a_framework_error(raw: bytes) -> None:
    check_framework(raw)


# Found by this fuzzing: a control character such as U+0001 escaped parse_framework as
# PyYAML's own ReaderError, and `batch --framework` showed a traceback.
@pytest.mark.parametrize(
    ("raw", "where"),
    [(b"\x01", "1:1"), (b"id: good-partners\x01\n", "1:18"), (b"title: ok\ntitle2: \x7f\n", "2:9")],
)
def test_framework_with_a_control_character_is_a_framework_error_with_its_place(
    raw: bytes, where: str
) -> None:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(raw, "f.yaml")
    [problem] = caught.value.problems
    assert str(problem).startswith(f"f.yaml:{where}: this line has a control character (U+00")


def test_physical_lines_counts_as_a_text_editor_does() -> None:
    assert [physical_lines(t) for t in ["", "a", "a\n", "a\r\nb", "a\rb\r", "\n\n"]] == [
        0, 1, 1, 2, 2, 2
    ]  # fmt: skip


def test_every_encoding_the_fuzzer_writes_is_known() -> None:
    assert all(codecs.lookup(name) for name in ENCODINGS)
