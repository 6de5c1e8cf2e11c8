"""Time how fast goodpartners starts, against the bare import of its dependencies.

Usage:
    python benchmarks/startup.py [--runs 7] [--json FILE]

Every run is a fresh process in a pseudo-terminal, as a person would see it. The
commands take turns, run after run, so drift on a shared machine hits all alike.

- the reference: `python -c "import typer, rich.console, pydantic, yaml"`, timed from
  spawn until it exits (the floor set by goodpartners' dependencies);
- `goodpartners --help` and `goodpartners --version`, timed until they exit;
- `goodpartners assess`, timed from spawn until the first statement's text shows on
  the terminal (it is then stopped; each run gets its own empty data folder, and all
  share one cache folder, warmed by a first round that is not counted);
- `goodpartners batch` on a one-row file, timed until it exits: its start-up, which is
  about half of a 10,000-row run (shown for information; no limit).

Prints each median, the reference, the ratio and PASS or FAIL against its limit
(1.2x for --help and --version, 1.3x for assess; issue 12). The CPU time each process
used is shown beside it: on a busy machine, wall time swings with the load, and the
CPU ratio is the steadier guide. Other scripts can call
`measure_startup()` and `print_figures()`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pexpect
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FRAMEWORK = ROOT / "frameworks" / "good-partners.yaml"
REFERENCE = "import typer, rich.console, pydantic, yaml"
LIMITS = {"goodpartners --help": 1.2, "goodpartners --version": 1.2, "goodpartners assess": 1.3}
BATCH = "goodpartners batch, 1 row"


@dataclass
class Figure:
    """One command's median start-up against the reference's, and whether it passes."""

    name: str
    median: float
    reference: float
    limit: float | None  # None: shown for information only
    runs: list[float]
    cpu: float = 0.0  # median CPU seconds of the process, and the reference's
    reference_cpu: float = 0.0

    @property
    def ratio(self) -> float:
        return self.median / self.reference

    @property
    def cpu_ratio(self) -> float:
        return self.cpu / self.reference_cpu if self.reference_cpu else 0.0

    @property
    def passed(self) -> bool:
        return self.limit is None or self.ratio <= self.limit


def goodpartners_command() -> list[str]:
    """The `goodpartners` console script beside this Python, else `python -m goodpartners`."""
    script = Path(sys.executable).parent / "goodpartners"
    return [str(script)] if script.exists() else [sys.executable, "-m", "goodpartners"]


def first_statement() -> str:
    """The text of the shipped framework's first statement, which assess asks first."""
    data = yaml.safe_load(FRAMEWORK.read_text(encoding="utf-8"))
    return str(data["themes"][0]["competencies"][0]["items"][0]["text"])


def time_in_pty(command: list[str], until: str | None, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from spawn until `until` shows on the terminal (or until exit if None),
    and the CPU seconds the process used (it waits for input once `until` shows)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = pexpect.spawn(
        command[0], command[1:], env=env, encoding="utf-8", timeout=60, dimensions=(24, 80)
    )
    try:
        if until is None:
            child.expect(pexpect.EOF)
        else:
            child.expect_exact(until)
        wall = time.perf_counter() - start
    finally:
        child.close(force=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


def one_row_file(folder: Path) -> Path:
    """A generated responses file with one row, for timing batch's start-up."""
    path = folder / "responses-1.csv"
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), "1", "--seed", "1", "--out", str(path)],
        check=True,
    )
    return path


def measure_startup(runs: int = 7, batch: bool = True) -> list[Figure]:
    """Median start-up of --help, --version, assess (and batch), against the bare import."""
    # An editable install compiles on first import; start every command from bytecode.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "goodpartners")], check=True
    )
    gp = goodpartners_command()
    statement = first_statement()
    commands: dict[str, tuple[list[str], str | None]] = {
        "reference": ([sys.executable, "-c", REFERENCE], None),
        "goodpartners --help": ([*gp, "--help"], None),
        "goodpartners --version": ([*gp, "--version"], None),
        "goodpartners assess": ([*gp, "assess"], statement),
    }
    scratch = Path(tempfile.mkdtemp(prefix="gp-startup-data-"))
    cache = scratch / "cache"
    if batch:
        rows = one_row_file(scratch)
        commands[BATCH] = ([*gp, "batch", str(rows), "--out", str(scratch / "out")], None)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    base = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    base.setdefault("TERM", "xterm-256color")
    # assess gets a fresh data folder every run (no draft to resume); batch keeps one,
    # as an HR lead's does, with its compiled templates. All share one cache folder.
    # The first round fills the caches, as a person's first run would, and is dropped.
    kept_home = scratch / "home"
    try:
        for _ in range(runs + 1):
            for name, (command, until) in commands.items():
                home = Path(tempfile.mkdtemp(prefix="gp-startup-", dir=scratch))
                env = {
                    **base,
                    "GOODPARTNERS_HOME": str(kept_home if name == BATCH else home),
                    "GOODPARTNERS_CACHE": str(cache),
                }
                wall, cpu = time_in_pty(command, until, env)
                times[name].append(wall)
                cpus[name].append(cpu)
                shutil.rmtree(home, ignore_errors=True)
                shutil.rmtree(scratch / "out", ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    reference = statistics.median(times.pop("reference")[1:])
    reference_cpu = statistics.median(cpus.pop("reference")[1:])
    return [
        Figure(
            name,
            statistics.median(taken[1:]),
            reference,
            LIMITS.get(name),
            taken[1:],
            statistics.median(cpus[name][1:]),
            reference_cpu,
        )  # fmt: skip
        for name, taken in times.items()
    ]


def print_figures(figures: list[Figure]) -> bool:
    """Print each figure with the reference, ratio and PASS/FAIL; True when all pass."""
    if not figures:
        return True
    runs = len(figures[0].runs)
    print(f"Start-up, medians of {runs} runs in a pseudo-terminal, taking turns")
    print(
        f"reference: python -c {REFERENCE!r}: {figures[0].reference * 1000:.0f} ms "
        f"(CPU {figures[0].reference_cpu * 1000:.0f} ms)"
    )
    for figure in figures:
        verdict = f"(limit {figure.limit}x)  " + ("PASS" if figure.passed else "FAIL")
        if figure.limit is None:
            verdict = "(for information)"
        print(
            f"{figure.name:<26} {figure.median * 1000:5.0f} ms  {figure.ratio:4.2f}x "
            f"(CPU {figure.cpu_ratio:4.2f}x) {verdict}"
        )
    return all(figure.passed for figure in figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (default 7)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--no-batch", action="store_true", help="leave out batch's start-up")
    args = parser.parse_args()
    figures = measure_startup(args.runs, batch=not args.no_batch)
    passed = print_figures(figures)
    if args.json:
        rows = [
            {**asdict(f), "ratio": f.ratio, "cpu_ratio": f.cpu_ratio, "passed": f.passed}
            for f in figures
        ]
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
