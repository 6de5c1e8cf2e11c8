"""The HTML report and prep card: colour-blind-safe colours, phone width and A4 print.

The text tests always run. The browser test renders both pages in headless Chromium (the
same way as benchmarks/screenshots.py) and is skipped where no Chromium is installed.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from goodpartners.models import Assessment, Framework, PrepCard
from goodpartners.personal.prep import build_card
from goodpartners.personal.report import build_report
from goodpartners.render import ReportFormat, render, render_card
from goodpartners.render.html import BAND_COLOURS, BAR_COLOURS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "goodpartners" / "render" / "templates"
SCRIPT = ROOT / "benchmarks" / "screenshots.py"
SHIPPED_BANDS = 3  # the shipped framework has three bands

# Machado, Oliveira and Fernandes (2009), full severity, applied to linear RGB.
SIMULATIONS = {
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.953903),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def _linear(hex_colour: str) -> tuple[float, float, float]:
    def one(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    h = hex_colour.lstrip("#")
    r, g, b = (one(int(h[i : i + 2], 16)) for i in (0, 2, 4))
    return r, g, b


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _simulate(hex_colour: str, matrix: tuple[tuple[float, ...], ...]) -> tuple[float, ...]:
    rgb = _linear(hex_colour)
    out = [max(0.0, min(1.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix]
    return _lab((out[0], out[1], out[2]))


def _difference(a: str, b: str, matrix: tuple[tuple[float, ...], ...]) -> float:
    la, lb = _simulate(a, matrix), _simulate(b, matrix)
    return float(sum((p - q) ** 2 for p, q in zip(la, lb, strict=True)) ** 0.5)


def _contrast(a: str, b: str) -> float:
    def lum(h: str) -> float:
        r, g, bl = _linear(h)
        return 0.2126 * r + 0.7152 * g + 0.0722 * bl

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _rules(css: str) -> list[tuple[str, str]]:
    """(selector, declarations) for every innermost rule of a style sheet."""
    return [(s.strip(), d) for s, d in re.findall(r"([^{}]+)\{([^{}]*)\}", css)]


@pytest.fixture
def report_html(
    framework: Framework,
    fixed_assessment: Assessment,
    earlier_assessment: Assessment,
    fixed_card: PrepCard,
) -> str:
    report = build_report(
        framework, fixed_assessment, previous=earlier_assessment, cards=[fixed_card]
    )
    return render(report, ReportFormat.html)


# Colour ------------------------------------------------------------------------------


@pytest.mark.parametrize("simulation", sorted(SIMULATIONS))
def test_band_colours_stay_apart_under_colour_blindness(simulation: str) -> None:
    matrix = SIMULATIONS[simulation]
    for palette, least in ((BAND_COLOURS, 10.0), (BAR_COLOURS, 25.0)):
        for a, b in itertools.combinations(palette[:SHIPPED_BANDS], 2):
            assert _difference(a, b, matrix) >= least, (simulation, a, b)


@pytest.mark.parametrize("sheet", ["style.css", "card.css"])
def test_text_colours_have_enough_contrast(sheet: str) -> None:
    css = (TEMPLATES / sheet).read_text(encoding="utf-8")
    colours = re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", css)
    assert colours
    for colour in colours:
        assert _contrast(colour, "#ffffff") >= 4.5, colour
        assert _contrast(colour, "#eeeeee") >= 4.5, colour  # table headings


def test_each_bar_has_its_score_and_band_written_beside_it(report_html: str) -> None:
    chart = report_html.split('<figure class="chart">', 1)[1].split("</figure>", 1)[0]
    values = re.findall(r'<span class="value">(.*?)</span>\n', chart)
    written = [re.sub(r"<[^>]+>", "", v) for v in values if v]
    assert "4.3 Strength" in written
    assert "3.3 Getting there" in written
    assert "2.0 Area to develop" in written
    assert "not scored" in written
    # Ticks at each point of the scale, 1 to 5, and a line where each band starts.
    assert re.findall(r'<span class="tick" style="left: [\d.]+%;">(\d)</span>', chart) == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    assert 'class="bandline" style="left: 50.0%;"' in chart
    assert 'class="bandline" style="left: 75.0%;"' in chart
    # The key names every band in words, so no band relies on its colour.
    for band in ("Area to develop", "Getting there", "Strength"):
        assert f"</span></span>{band}</li>" in chart


# Print ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sheet", ["style.css", "card.css"])
def test_pages_print_on_a4(sheet: str) -> None:
    css = (TEMPLATES / sheet).read_text(encoding="utf-8")
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", css)
    assert re.search(r"@page\s*\{[^}]*margin:", css)


@pytest.mark.parametrize("sheet", ["style.css", "card.css"])
def test_no_whole_section_is_kept_together_in_print(sheet: str) -> None:
    css = (TEMPLATES / sheet).read_text(encoding="utf-8")
    for selector, declarations in _rules(css):
        if re.search(r"break-inside:\s*avoid", declarations):
            names = {s.strip() for s in selector.split(",")}
            assert not names & {"section", "main", "article", ".grid"}, selector


@pytest.mark.parametrize("sheet", ["style.css", "card.css"])
def test_headings_stay_with_what_follows(sheet: str) -> None:
    css = (TEMPLATES / sheet).read_text(encoding="utf-8")
    kept = set()
    for selector, declarations in _rules(css):
        if re.search(r"break-after:\s*avoid", declarations):
            kept |= {s.strip() for s in selector.split(",")}
    assert {"h2", "h3"} <= kept


def test_the_report_and_card_carry_their_print_rules(
    report_html: str, fixed_card: PrepCard
) -> None:
    card_html = render_card(build_card(fixed_card), ReportFormat.html)
    for page in (report_html, card_html):
        assert "@page { size: A4;" in page
        assert "@media print" in page
        assert "<script" not in page


# In a browser --------------------------------------------------------------------------


@functools.cache
def _screenshots() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gp_screenshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # a dataclass needs its module registered
    spec.loader.exec_module(module)
    return module


def _chromium() -> str | None:
    if not SCRIPT.exists():
        return None
    found: str | None = _screenshots().find_chromium()
    return found


@pytest.mark.skipif(_chromium() is None, reason="needs chromium and benchmarks/screenshots.py")
def test_in_chromium_no_sideways_scroll_at_390_px_and_few_a4_pages(tmp_path: Path) -> None:
    shots = _screenshots()
    chromium = shots.find_chromium()
    pages = shots.render_pages(tmp_path)
    for name, page in pages.items():
        width, _height = shots.measure_size(chromium, page, 390)
        assert width <= 390, f"{name} is {width} px wide at 390 px"
    counts = {}
    for name, page in pages.items():
        counts[name] = shots.pdf_page_count(
            shots.print_pdf(chromium, page, tmp_path / f"{name}.pdf")
        )
    assert 1 <= counts["report"] <= 5, counts
    assert 1 <= counts["prep"] <= 2, counts
