"""Time `goodpartners batch` against plain pandas and polars scripts on the same data.

Usage:
    python benchmarks/bench.py [--sizes 10000 1000000] [--runs 5]
        [--tools goodpartners pandas polars] [--no-large]
        [--pandas-python /tmp/benchvenv/bin/python] [--polars-python PYTHON]
        [--data /tmp/goodpartners-bench] [--startup] [--check] [--before TREE]

Each run is a fresh subprocess, so start-up time counts. Wall time is measured
around the subprocess; peak memory is the child's own maximum resident set size
(os.wait4). The tools take turns, run after run, so drift hits all alike.
Prints a Markdown table of medians and the ratios goodpartners / each other tool.

--startup also times `goodpartners --help` against a bare
`python -c "import typer, rich.console, pydantic, yaml"` (the floor set by its
dependencies), and then runs startup.py's figures: --help, --version and assess's first
statement in a pseudo-terminal, each with PASS or FAIL. --check first scores a small
generated file with every tool and checks that each person's competency scores in the
reference CSVs equal goodpartners' scores.csv (to 1e-9; both are rounded to 2 places).
--before TREE also times goodpartners from another source tree (for example an earlier
commit's `git archive`), shown as "before". Each run also records the child's CPU time
(user + system), since wall times swing on a busy machine. The last table lists issue
12's targets measured in the run, with their ratios and PASS or FAIL.
See benchmarks/README.md for how to set up the pandas and polars environment.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FRAMEWORK = ROOT / "frameworks" / "good-partners.yaml"
LARGE = 1_000_000


def run_once(
    command: list[str], out: Path | None, env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Wall seconds, peak resident memory (MB) and CPU seconds (user + system, the child's
    own) of one fresh subprocess."""
    if out is not None and out.exists():
        shutil.rmtree(out) if out.is_dir() else out.unlink()
    start = time.perf_counter()
    # Run in the data folder: `python -m goodpartners` imports from the current folder first,
    # so run from this repository, --before would time this tree instead of the other one.
    cwd = out.parent if out is not None else None
    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    stderr = child.stderr.read().decode() if child.stderr else ""
    if child.stderr:
        child.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr}")
    # ru_maxrss is in KiB on Linux
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def ensure_data(folder: Path, size: int, seed: int) -> Path:
    """The synthetic responses file for this size, generated once."""
    path = folder / f"responses-{size}-seed{seed}.csv"
    if not path.exists():
        print(f"generating {size} rows -> {path}", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(size), "--seed", str(seed)]
            + ["--out", str(path)],
            check=True,
        )
    return path


def goodpartners_script() -> str:
    """The `goodpartners` console script installed beside this Python."""
    script = Path(sys.executable).parent / "goodpartners"
    return str(script) if script.exists() else shutil.which("goodpartners") or "goodpartners"


def tool_commands(args: argparse.Namespace, data: Path) -> dict[str, tuple[list[str], Path]]:
    """The command and output path of each tool chosen with --tools."""
    every = {
        "goodpartners": (
            [sys.executable, "-m", "goodpartners", "batch", str(data),
             "--out", str(args.data / "gp-out"), *args.gp_args.split()],
            args.data / "gp-out",
        ),
        "pandas": (
            [args.pandas_python, str(HERE / "pandas_reference.py"), str(data),
             str(FRAMEWORK), str(args.data / "pandas-out.csv")],
            args.data / "pandas-out.csv",
        ),
        "polars": (
            [args.polars_python or args.pandas_python, str(HERE / "polars_reference.py"),
             str(data), str(FRAMEWORK), str(args.data / "polars-out.csv")],
            args.data / "polars-out.csv",
        ),
    }  # fmt: skip
    if args.before:
        every["before"] = (
            [sys.executable, "-m", "goodpartners", "batch", str(data),
             "--out", str(args.data / "gp-before-out"), *args.gp_args.split()],
            args.data / "gp-before-out",
        )  # fmt: skip
        return {name: every[name] for name in ["goodpartners", "before", *args.tools[1:]]}
    return {name: every[name] for name in args.tools}


def environment(name: str, args: argparse.Namespace) -> dict[str, str] | None:
    """The environment of a tool's run: --before runs goodpartners from another tree."""
    if name == "goodpartners":
        return {**os.environ, "PYTHONPATH": str(ROOT)}
    if name != "before":
        return None
    return {**os.environ, "PYTHONPATH": str(args.before.resolve())}


def measure(
    label: str | int,
    commands: dict[str, tuple[list[str], Path | None]],
    runs: int,
    args: argparse.Namespace | None = None,
) -> dict:
    """Run the commands in turn, `runs` times each; medians, minima and peaks."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for run in range(runs):
        for name, (command, out) in commands.items():
            wall, peak, cpu = run_once(command, out, environment(name, args) if args else None)
            walls[name].append(wall)
            peaks[name].append(peak)
            cpus[name].append(cpu)
            print(f"{label:>9} {name:<12} run {run + 1}: {wall:.3f} s {peak:.0f} MB "
                  f"(CPU {cpu:.3f} s)", file=sys.stderr)  # fmt: skip
    row: dict = {"rows": label, "runs": runs, "tools": list(commands)}
    for name in commands:
        row[f"{name}_median_s"] = statistics.median(walls[name])
        row[f"{name}_min_s"] = min(walls[name])
        row[f"{name}_peak_mb"] = max(peaks[name])
        row[f"{name}_cpu_s"] = statistics.median(cpus[name])
    first = next(iter(commands))
    for name in list(commands)[1:]:
        row[f"ratio_{name}"] = row[f"{first}_median_s"] / row[f"{name}_median_s"]
        row[f"cpu_ratio_{name}"] = row[f"{first}_cpu_s"] / row[f"{name}_cpu_s"]
    return row


def print_table(rows: list[dict]) -> None:
    """One Markdown table per set of tools: medians, ratios and peaks."""
    by_tools: dict[tuple[str, ...], list[dict]] = {}
    for row in rows:
        by_tools.setdefault(tuple(row["tools"]), []).append(row)
    for tools, group in by_tools.items():
        first = tools[0]
        header = ["rows", "runs"] + [f"{t} median (s)" for t in tools]
        header += [f"{first} / {t}" for t in tools[1:]] + [f"{t} peak (MB)" for t in tools]
        header += [f"CPU {first} / {t}" for t in tools[1:]]
        print("\n| " + " | ".join(header) + " |")
        print("|" + " ---: |" * len(header))
        for row in group:
            label = f"{row['rows']:,}" if isinstance(row["rows"], int) else row["rows"]
            cells = [label, str(row["runs"])]
            cells += [f"{row[f'{t}_median_s']:.3f}" for t in tools]
            cells += [f"{row[f'ratio_{t}']:.2f}" for t in tools[1:]]
            cells += [f"{row[f'{t}_peak_mb']:.0f}" for t in tools]
            cells += [f"{row[f'cpu_ratio_{t}']:.2f}" for t in tools[1:]]
            print("| " + " | ".join(cells) + " |")


# Issue 12's targets: (what, row label, other tool, the highest ratio that passes, strict).
TARGETS = [
    ("1. --help within 1.2x the bare imports", "start-up", "imports", 1.2, False),
    ("2. 10,000 rows within 1.0x polars", 10_000, "polars", 1.0, False),
    ("2. 10,000 rows under 0.75x pandas", 10_000, "pandas", 0.75, True),
    ("3. 1,000,000 rows within 2x polars", LARGE, "polars", 2.0, False),
]
PEAK_TARGET_MB = 100  # 3. peak memory at 1,000,000 rows


def print_targets(rows: list[dict]) -> None:
    """Each target that this run measured, with its ratio and whether it passes."""
    lines = []
    for what, label, other, limit, strict in TARGETS:
        row = next((r for r in rows if r["rows"] == label and f"ratio_{other}" in r), None)
        if row is None:
            continue
        ratio = row[f"ratio_{other}"]
        passed = ratio < limit if strict else ratio <= limit
        lines.append(f"| {what} | {ratio:.2f} | {row[f'cpu_ratio_{other}']:.2f} | "
                     f"{'PASS' if passed else 'FAIL'} |")  # fmt: skip
    large = next((r for r in rows if r["rows"] == LARGE and "goodpartners_peak_mb" in r), None)
    if large is not None:
        peak = large["goodpartners_peak_mb"]
        verdict = "PASS" if peak <= PEAK_TARGET_MB else "FAIL"
        lines.append(f"| 3. 1,000,000 rows peak memory {PEAK_TARGET_MB} MB or less | "
                     f"{peak:.0f} MB | | {verdict} |")  # fmt: skip
    if lines:
        print("\n| target | ratio (wall) | ratio (CPU) | verdict |\n| --- | ---: | ---: | --- |")
        print("\n".join(lines))


def read_scores(path: Path, competencies: list[str]) -> dict[str, list[float]]:
    """Each respondent's competency scores from a CSV (blank means not scored)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return {
            row["respondent"]: [float(row[c]) if row[c] else math.nan for c in competencies]
            for row in csv.DictReader(stream)
        }


def check(args: argparse.Namespace) -> bool:
    """Score a small file with every tool; compare per-person competency scores."""
    data = ensure_data(args.data, args.check_rows, args.seed)
    commands = tool_commands(args, data)
    if "goodpartners" not in commands:
        raise SystemExit("--check needs goodpartners among --tools")
    for name, (command, out) in commands.items():
        run_once(command, out, environment(name, args))
    with (args.data / "gp-out" / "scores.csv").open(encoding="utf-8-sig") as stream:
        header = next(csv.reader(stream))
    competencies = header[1 : header.index(next(h for h in header if h.endswith("_band")))]
    expected = read_scores(args.data / "gp-out" / "scores.csv", competencies)
    same = True
    for name, (_, out) in commands.items():
        if name == "goodpartners":
            continue
        got = read_scores(out / "scores.csv" if out.is_dir() else out, competencies)
        mismatches = []
        if got.keys() != expected.keys():
            mismatches.append(("respondents differ", "", len(got), len(expected)))
        for person, values in expected.items():
            if person not in got:
                continue  # counted above
            for competency, want, have in zip(competencies, values, got[person], strict=True):
                both_nan = math.isnan(want) and math.isnan(have)
                if not both_nan and not abs(want - have) <= 1e-9:
                    mismatches.append((person, competency, have, want))
        cells = len(expected) * len(competencies)
        print(f"check {args.check_rows} rows: {name} vs goodpartners: "
              f"{len(mismatches)} mismatches in {cells} scores", file=sys.stderr)  # fmt: skip
        for mismatch in mismatches[:10]:
            print(f"  {mismatch}", file=sys.stderr)
        same = same and not mismatches
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description="goodpartners batch vs pandas and polars")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, LARGE])
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and size")
    parser.add_argument(
        "--tools", nargs="+", default=["goodpartners", "pandas"],
        choices=["goodpartners", "pandas", "polars"],
        help="tools to time, in turn; ratios are the first over each other",
    )  # fmt: skip
    parser.add_argument("--no-large", action="store_true", help=f"skip sizes >= {LARGE:,}")
    parser.add_argument(
        "--large-runs", type=int, help=f"runs for sizes >= {LARGE:,} (default: --runs)"
    )
    parser.add_argument(
        "--large-tools", nargs="+", choices=["goodpartners", "pandas", "polars"],
        help=f"tools for sizes >= {LARGE:,} (default: --tools)",
    )  # fmt: skip
    parser.add_argument("--startup", action="store_true", help="time start-up alone too")
    parser.add_argument("--check", action="store_true", help="compare scores first")
    parser.add_argument("--check-rows", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=Path("/tmp/goodpartners-bench"))
    parser.add_argument("--pandas-python", default="/tmp/benchvenv/bin/python")
    parser.add_argument("--polars-python", help="Python with polars (default: --pandas-python)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--before", type=Path, metavar="TREE",
        help="also time goodpartners from another source tree, e.g. an earlier commit's "
        "`git archive` (shown as 'before'; compile it first with python -m compileall)",
    )  # fmt: skip
    parser.add_argument(
        "--gp-args", default="", help="extra options for goodpartners batch, e.g. '--group-by team'"
    )
    args = parser.parse_args()
    args.data = args.data.resolve()
    args.data.mkdir(parents=True, exist_ok=True)
    # `pip install .` compiles the package to bytecode; an editable install compiles it on
    # first import, unless PYTHONDONTWRITEBYTECODE is set. Compile it now, so both tools
    # start from bytecode, as pandas does from its own install.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "goodpartners")], check=True
    )

    if args.check and not check(args):
        print("check FAILED: scores differ (see above)", file=sys.stderr)

    results = []
    if args.startup:
        commands: dict[str, tuple[list[str], Path | None]] = {
            "goodpartners --help": ([goodpartners_script(), "--help"], None),
            "imports": ([sys.executable, "-c", "import typer, rich.console, pydantic, yaml"], None),
        }
        results.append(measure("start-up", commands, args.runs))
    for size in args.sizes:
        large = size >= LARGE
        if large and args.no_large:
            continue
        data = ensure_data(args.data, size, args.seed)
        tools = args.large_tools if large and args.large_tools else args.tools
        runs = args.large_runs if large and args.large_runs else args.runs
        commands = dict(tool_commands(argparse.Namespace(**{**vars(args), "tools": tools}), data))
        results.append(measure(size, commands, runs, args))

    print_table(results)
    print_targets(results)
    if args.startup:
        # Target 1 in full: --help, --version and assess's first statement, in a pty.
        sys.path.insert(0, str(HERE))
        from startup import measure_startup, print_figures

        print()
        print_figures(measure_startup(args.runs, batch=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
