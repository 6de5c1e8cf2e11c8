"""The team summary's page: key messages first, bands not by colour alone, groups kept safe.

The last test opens summary.html in headless Chromium at 390 px and checks that the page
itself never scrolls sideways; it is skipped where no Chromium is installed.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from goodpartners.models import Framework
from tests.test_cli_batch import ROOT, item_ids, run, write_responses

EXAMPLE = ROOT / "examples" / "team-responses.csv"
RUN_DATE = datetime(2026, 3, 9, 14, 5, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example team, grouped by team, with a fixed run date."""
    out = tmp_path_factory.mktemp("team") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("goodpartners.team.totals.now", lambda: RUN_DATE)
        result = run("batch", EXAMPLE, "--out", out, "--group-by", "Your team")
    assert result.exit_code == 0, result.stderr
    return out


def text(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def test_markdown_opens_with_the_key_messages(example: Path) -> None:
    markdown = text(example, "summary.md")
    headings = re.findall(r"^## (.+)$", markdown, flags=re.MULTILINE)
    assert headings[0] == "Key messages"
    key = markdown.split("## Key messages", 1)[1].split("\n## ", 1)[0]
    assert "- Made on 9 March 2026 from team-responses.csv." in key
    assert "- 40 people, in 4 groups by Your team." in key
    assert "share of people whose score is below Getting there (the middle band)" in key
    assert "    1. Knowing the key partners: 75% (30 of 40)" in key
    assert "    3. Being realistic about resources: 35% (14 of 40)" in key
    assert (
        "- Housing Support scores lower than the rest of the team on Saying what my role is: "
        "an average of 2.6 against 3.3."
    ) in key
    assert "read Being a critical friend with care" in key
    # The housekeeping is in the Data section, near the end, not at the top.
    assert "people scored from" not in key
    data = markdown.split("\n## Data\n", 1)[1]
    assert "- 40 people scored from 42 rows of team-responses.csv." in data
    assert "- 1 empty row skipped." in data


def test_html_opens_with_the_key_messages(example: Path) -> None:
    page = text(example, "summary.html")
    body = page.split("<main>", 1)[1]
    assert body.index('<h2 id="key">Key messages</h2>') < body.index('<h2 id="profile">')
    key = body.split('<section class="key"', 1)[1].split("</section>", 1)[0]
    assert "<li>Made on 9 March 2026 from team-responses.csv.</li>" in key
    assert "<li>40 people, in 4 groups by Your team.</li>" in key
    assert "people scored from" not in key
    assert body.index('<h2 id="data">Data</h2>') < body.index("40 people scored from 42 rows")


def test_plain_words_come_first(example: Path) -> None:
    markdown = text(example, "summary.md")
    assert "| Average | Band | Middle score (median) | Spread (SD) |" in markdown
    assert (
        "| Competency | Reliability (Cronbach's alpha) | Likely range (95%) "
        "| Measurement error | What it means |"
    ) in markdown
    page = text(example, "summary.html")
    assert "Reliability (Cronbach's alpha)</th>" in page
    assert 'class="num">Spread (SD)</th>' in page


def test_band_is_in_the_grid_as_a_symbol_and_text(example: Path) -> None:
    markdown = text(example, "summary.md")
    assert "Key: \u25bc Area to develop, \u25cf Getting there, \u25b2 Strength." in markdown
    assert (
        "| Saying what my role is | 3.3 \u25cf | 3.2 \u25cf | 2.6 \u25bc | 3.2 \u25cf |" in markdown
    )
    page = text(example, "summary.html")
    assert (
        '2.6 <span class="sym" aria-hidden="true">\u25bc</span>'
        '<span class="sr">Area to develop</span></td>'
    ) in page


def test_everyone_grid_is_grouped_by_the_group_column(example: Path) -> None:
    markdown = text(example, "summary.md")
    grid = markdown.split("## Everyone's scores", 1)[1]
    groups = re.findall(r"^\| \*\*Your team: (.+?)\*\* \|", grid, flags=re.MULTILINE)
    assert groups == ["Day Centre", "Hostel", "Housing Support", "Outreach"]
    page = text(example, "summary.html")
    assert page.count('<th scope="rowgroup" class="group"') == 4


def test_summary_json_keeps_its_keys_and_adds_the_new_ones(example: Path) -> None:
    summary = json.loads(text(example, "summary.json"))
    for key in ("counts", "groups", "training_needs", "competencies", "overall", "source"):
        assert key in summary
    assert summary["created"] == "2026-03-09T14:05:00Z"
    assert summary["group_differences"] == [
        {
            "column": "Your team",
            "group": "Housing Support",
            "competency": "role",
            "name": "Saying what my role is",
            "mean": 2.6,
            "rest_mean": 3.3,
            "difference": -0.7,
        }
    ]


def test_hidden_groups_are_never_compared(framework: Framework, tmp_path: Path) -> None:
    # Charlie (2 people) is too small, so Alpha (5) is hidden too; only Bravo is shown.
    ids = item_ids(framework)
    rows = [[f"a{n}", "Alpha", *["4"] * len(ids)] for n in range(5)]
    rows += [[f"b{n}", "Bravo", *["5"] * len(ids)] for n in range(6)]
    rows += [[f"c{n}", "Charlie", *["1"] * len(ids)] for n in range(2)]
    source = write_responses(tmp_path / "r.csv", ["respondent", "team", *ids], rows)
    out = tmp_path / "out"
    result = run("batch", source, "--out", out, "--group-by", "team")
    assert result.exit_code == 0, result.stderr
    differences = json.loads(text(out, "summary.json"))["group_differences"]
    assert differences and {d["group"] for d in differences} == {"Bravo"}
    for name in ("summary.md", "summary.html"):
        page = text(out, name)
        key = page.split("Key messages", 1)[1].split("Team profile", 1)[0]
        assert "Bravo scores higher than the rest of the team" in key
        assert "Alpha" not in key and "Charlie" not in key
        assert "(1 too small to show)" not in key  # two are hidden
        assert "3 groups by team (2 too small to show)" in key
    grid = text(out, "summary.md").split("## Everyone's scores", 1)[1]
    assert re.findall(r"^\| \*\*(.+?)\*\* \|", grid, flags=re.MULTILINE) == [
        "team: Bravo",
        "team: smaller groups, not shown one by one",
    ]


def test_only_hidden_groups_say_so(framework: Framework, tmp_path: Path) -> None:
    ids = item_ids(framework)
    rows = [[f"p{n}", "Alpha" if n < 3 else "Bravo", *["3"] * len(ids)] for n in range(5)]
    source = write_responses(tmp_path / "r.csv", ["respondent", "team", *ids], rows)
    out = tmp_path / "out"
    assert run("batch", source, "--out", out, "--group-by", "team").exit_code == 0
    markdown = text(out, "summary.md")
    assert "- The groups are too small to compare without singling people out." in markdown
    assert "With only 5 people, read the scores as a rough guide." in markdown
    assert json.loads(text(out, "summary.json"))["group_differences"] == []


# ----------------------------------------------------------------------------- in a browser

CHROMIUM = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)


def page_width(page: str, width: int) -> int:
    """The page's scroll width when laid out in a frame `width` pixels wide, in Chromium.

    Headless Chromium will not make its window narrower than 500 px, so the page goes in
    an iframe of the width asked for, and a script writes the width into the DOM.
    """
    assert CHROMIUM is not None
    wrapper = (
        '<!DOCTYPE html><html><body style="margin:0">'
        f'<iframe id="f" style="width:{width}px;height:2000px;border:0" '
        f'srcdoc="{html.escape(page, quote=True)}"></iframe>'
        '<script>document.getElementById("f").addEventListener("load", () => {'
        'const d = document.getElementById("f").contentDocument.documentElement;'
        'document.body.setAttribute("data-width", d.scrollWidth); });</script>'
        "</body></html>"
    )
    return int(_dump(wrapper, "data-width"))


def _dump(wrapper: str, attribute: str) -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wrapper.html"
        path.write_text(wrapper, encoding="utf-8")
        dom = subprocess.run(
            [
                CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--window-size=1280,2400", "--virtual-time-budget=5000", "--dump-dom",
                path.as_uri(),
            ],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    found = re.search(rf'{attribute}="(\d+)"', dom.stdout)
    assert found, dom.stderr[-2000:]
    return found.group(1)


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium")
def test_page_does_not_scroll_sideways_at_390_px(example: Path) -> None:
    page = text(example, "summary.html")
    assert page_width(page, 390) <= 390
    # The check can fail: a wide table outside its scrolling box makes the page wider.
    wide = page.replace('<div class="scroll"', '<div class="noscroll"')
    assert page_width(wide, 390) > 390
