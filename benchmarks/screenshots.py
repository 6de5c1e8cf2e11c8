"""Screenshots, page widths and A4 page counts of the HTML report, prep card and team summary.

Renders the fixed test assessment's personal report (the same one as the golden, with an
earlier assessment and a reflected prep card) and the fixed prep card to HTML, then uses
headless Chromium to:

- take screenshots at 1280 px and 390 px wide (the whole page height);
- measure the page width (document.documentElement.scrollWidth) at 390 px: more than
  390 means the page scrolls sideways on a phone;
- print each page to an A4 PDF and count its pages.

    python benchmarks/screenshots.py [--out /tmp/goodpartners-shots]

Needs a `chromium` (or `chromium-browser`, `google-chrome`) on the PATH. Run it from the
repository with the Python that has goodpartners installed.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (1280, 390)
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 120  # seconds for one browser run
# Headless Chromium will not make a window narrower than 500 px, so each page is shown in
# an iframe of the width wanted, inside a grey frame page written next to it. The frame
# page's script (never the page itself) writes the iframe's page size into the DOM.
FRAME_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; background: #777; }}
iframe {{ display: block; border: 0; width: {width}px; height: {height}px; background: #fff; }}
</style></head><body>
<iframe src="{src}" scrolling="no"></iframe>
<script>
document.querySelector("iframe").addEventListener("load", function () {{
  var d = this.contentDocument.documentElement;
  var p = document.createElement("pre");
  p.id = "gp-measure";
  p.textContent = JSON.stringify({{width: d.scrollWidth, height: d.scrollHeight}});
  document.body.appendChild(p);
}});
</script></body></html>
"""
MEASURED = re.compile(r'<pre id="gp-measure">(.*?)</pre>', re.S)
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


@dataclass
class Measure:
    """What one page measured."""

    name: str
    widths: dict[int, int]  # window width -> page (scroll) width
    heights: dict[int, int]  # window width -> page (scroll) height
    pdf_pages: int
    screenshots: list[Path]
    pdf: Path


def find_chromium() -> str | None:
    """The path of a Chromium-like browser, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def render_pages(out: Path) -> dict[str, Path]:
    """The fixed report and prep card as HTML files in `out`."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from goodpartners.frameworks import load_framework
    from goodpartners.personal.prep import build_card
    from goodpartners.personal.report import build_report
    from goodpartners.render import ReportFormat, render, render_card
    from tests.conftest import FIXED_ANSWERS, WHEN, make_assessment, make_prep_card

    framework = load_framework("good-partners")
    earlier_answers: dict[str, int | str] = {
        k: (v - 1 if isinstance(v, int) and v > 1 else v) for k, v in FIXED_ANSWERS.items()
    }
    from datetime import timedelta

    earlier = make_assessment(
        earlier_answers, when=WHEN - timedelta(days=90), assessment_id="20260804-093000"
    )
    card = make_prep_card(framework)
    report = build_report(framework, make_assessment(), previous=earlier, cards=[card])
    out.mkdir(parents=True, exist_ok=True)
    pages = {
        "report": render(report, ReportFormat.html),
        "prep": render_card(build_card(card), ReportFormat.html),
    }
    paths = {}
    for name, text in pages.items():
        path = out / f"{name}.html"
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    paths["team"] = _team_summary(out)
    return paths


def _team_summary(out: Path) -> Path:
    """The example team's summary, as an HR lead would make it."""
    import tempfile

    from goodpartners.frameworks import load_framework
    from goodpartners.render.team import team_renderers
    from goodpartners.team.batch import BatchOptions, ReportChoice, run_batch

    folder = Path(tempfile.mkdtemp(prefix="team-", dir=out))
    options = BatchOptions(
        framework=load_framework("good-partners"),
        responses=ROOT / "examples" / "team-responses.csv",
        out=folder,
        group_by=("Your team",),
    )
    run_batch(options, team_renderers(ReportChoice.none))
    page = out / "team.html"
    page.write_text((folder / "summary.html").read_text(encoding="utf-8"), encoding="utf-8")
    return page


def _run(chromium: str, *args: str) -> str:
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        *args,
    ]
    with tempfile.TemporaryDirectory(prefix="gp-chromium-") as profile:
        done = subprocess.run(
            [*command, f"--user-data-dir={profile}"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"{chromium} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def frame_page(page: Path, width: int, height: int) -> Path:
    """A page that shows `page` in an iframe `width` by `height` CSS px."""
    frame = page.with_name(f"{page.stem}.frame-{width}.html")
    frame.write_text(
        FRAME_PAGE.format(src=html.escape(page.name), width=width, height=height),
        encoding="utf-8",
    )
    return frame


def measure_size(chromium: str, page: Path, width: int) -> tuple[int, int]:
    """The page's scroll width and height in CSS px when shown `width` px wide."""
    frame = frame_page(page, width, 400)
    try:
        dom = _run(
            chromium,
            "--allow-file-access-from-files",
            f"--window-size={max(width, 500)},2000",
            "--virtual-time-budget=3000",
            "--dump-dom",
            frame.as_uri(),
        )
    finally:
        frame.unlink(missing_ok=True)
    found = MEASURED.search(dom)
    if not found:
        raise RuntimeError(f"no measurement in the DOM of {page}")
    sizes = json.loads(html.unescape(found.group(1)))
    return int(sizes["width"]), int(sizes["height"])


def screenshot(chromium: str, page: Path, width: int, height: int, out: Path) -> Path:
    """A screenshot of `page` shown `width` px wide and `height` px high.

    A narrow page sits at the left of a 500 px window, with grey to its right.
    """
    frame = frame_page(page, width, height)
    try:
        _run(
            chromium,
            f"--window-size={max(width, 500)},{height}",
            "--virtual-time-budget=3000",
            f"--screenshot={out}",
            frame.as_uri(),
        )
    finally:
        frame.unlink(missing_ok=True)
    return out


def print_pdf(chromium: str, page: Path, out: Path) -> Path:
    """`page` printed to a PDF (paper size from its @page rule), without header or footer."""
    _run(chromium, f"--print-to-pdf={out}", "--no-pdf-header-footer", page.as_uri())
    return out


def pdf_page_count(pdf: Path) -> int:
    """How many /Type /Page objects (not /Pages) the PDF has."""
    return len(PAGE_OBJECT.findall(pdf.read_bytes()))


def measure(chromium: str, name: str, page: Path, out: Path) -> Measure:
    """Screenshots, widths and the page count of one page."""
    widths, heights, shots = {}, {}, []
    for width in WIDTHS:
        widths[width], heights[width] = measure_size(chromium, page, width)
        height = min(max(heights[width], 400), 16000)
        shots.append(screenshot(chromium, page, width, height, out / f"{name}-{width}.png"))
    pdf = print_pdf(chromium, page, out / f"{name}.pdf")
    return Measure(name, widths, heights, pdf_page_count(pdf), shots, pdf)


def main(argv: list[str] | None = None) -> int:
    """Render, shoot, print and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/goodpartners-shots"))
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print("No chromium found on the PATH.", file=sys.stderr)
        return 2
    out: Path = args.out.resolve()
    pages = render_pages(out)
    for name, page in pages.items():
        result = measure(chromium, name, page, out)
        print(f"{name}: {page}")
        for width in WIDTHS:
            print(
                f"  at {width} px: page {result.widths[width]} px wide, "
                f"{result.heights[width]} px high"
            )
        print(f"  A4 PDF: {result.pdf_pages} pages ({result.pdf})")
        for shot in result.screenshots:
            print(f"  screenshot: {shot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
