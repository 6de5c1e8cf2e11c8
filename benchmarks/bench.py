"""Time `goodpartners batch` against a plain pandas script on the same synthetic data.

Usage:
    python benchmarks/bench.py [--sizes 10000 1000000] [--runs 5]
        [--pandas-python /tmp/benchvenv/bin/python] [--data /tmp/goodpartners-bench]

Each run is a fresh subprocess, so start-up time counts. Wall time is measured
around the subprocess; peak memory is the child's own maximum resident set size
(os.wait4). The two tools take turns, run after run, so drift hits both alike.
Prints a Markdown table of medians and the ratio goodpartners / pandas.
See benchmarks/README.md for how to set up the pandas environment.
"""

from __future__ import annotations

import argparse
import json
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


def run_once(command: list[str], out: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one fresh subprocess."""
    if out.exists():
        shutil.rmtree(out) if out.is_dir() else out.unlink()
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    stderr = child.stderr.read().decode() if child.stderr else ""
    if child.stderr:
        child.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr}")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


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


def main() -> None:
    parser = argparse.ArgumentParser(description="goodpartners batch vs pandas")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=Path("/tmp/goodpartners-bench"))
    parser.add_argument("--pandas-python", default="/tmp/benchvenv/bin/python")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--gp-args", default="", help="extra options for goodpartners batch, e.g. '--group-by team'"
    )
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    # `pip install .` compiles the package to bytecode; an editable install compiles it on
    # first import, unless PYTHONDONTWRITEBYTECODE is set. Compile it now, so both tools
    # start from bytecode, as pandas does from its own install.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "goodpartners")], check=True
    )

    results = []
    for size in args.sizes:
        data = ensure_data(args.data, size, args.seed)
        commands = {
            "goodpartners": [
                sys.executable, "-m", "goodpartners", "batch", str(data),
                "--out", str(args.data / "gp-out"), *args.gp_args.split(),
            ],
            "pandas": [
                args.pandas_python, str(HERE / "pandas_reference.py"), str(data),
                str(FRAMEWORK), str(args.data / "pandas-out.csv"),
            ],
        }  # fmt: skip
        outs = {"goodpartners": args.data / "gp-out", "pandas": args.data / "pandas-out.csv"}
        walls: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(args.runs):
            for name, command in commands.items():
                wall, peak = run_once(command, outs[name])
                walls[name].append(wall)
                peaks[name].append(peak)
                print(f"{size:>9} {name:<12} run {run + 1}: {wall:.3f} s {peak:.0f} MB",
                      file=sys.stderr)  # fmt: skip
        row = {"rows": size, "runs": args.runs}
        for name in commands:
            row[f"{name}_median_s"] = statistics.median(walls[name])
            row[f"{name}_min_s"] = min(walls[name])
            row[f"{name}_peak_mb"] = max(peaks[name])
        row["ratio"] = row["goodpartners_median_s"] / row["pandas_median_s"]
        results.append(row)

    print(
        "| rows | goodpartners median (s) | pandas median (s) | ratio | "
        "goodpartners peak (MB) | pandas peak (MB) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in results:
        print(
            f"| {row['rows']:,} | {row['goodpartners_median_s']:.2f} | "
            f"{row['pandas_median_s']:.2f} | {row['ratio']:.2f} | "
            f"{row['goodpartners_peak_mb']:.0f} | {row['pandas_peak_mb']:.0f} |"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
