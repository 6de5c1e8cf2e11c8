"""Time `goodpartners batch` on a large Excel workbook, end to end.

Usage: python benchmarks/xlsx_bench.py [ROWS] [--runs N]

Writes ROWS people (default 20,000) with benchmarks/generate.py, saves them as an .xlsx
of about 40 columns (id, name, team, a date and the 33 items) with openpyxl, then runs
the command N times (default 3) and prints each time and the median.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, nargs="?", default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from openpyxl import Workbook

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        plain = work / "responses.csv"
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(args.rows),
             "--out", str(plain)],
            check=True,
        )  # fmt: skip
        with plain.open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.reader(stream))
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Responses")
        header = rows[0]
        sheet.append([*header[:3], "submitted", *header[3:]])
        start = datetime(2025, 3, 1, 9)
        for n, row in enumerate(rows[1:]):
            answers = [float(cell) if cell.isdigit() else cell for cell in row[3:]]
            sheet.append([*row[:3], start + timedelta(minutes=n), *answers])
        workbook = work / "responses.xlsx"
        book.save(workbook)
        print(f"{args.rows:,} rows x {len(header) + 1} columns, {workbook.stat().st_size:,} bytes")
        times = []
        for _ in range(args.runs):
            began = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "goodpartners", "batch", str(workbook),
                 "--out", str(work / "out")],
                check=True, capture_output=True,
            )  # fmt: skip
            times.append(time.perf_counter() - began)
            print(f"  {times[-1]:.2f} s")
        print(f"median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
