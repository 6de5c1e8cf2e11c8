"""The least a polars engine for `goodpartners batch` would have to do, timed (issue 12).

Usage: python benchmarks/polars_floor.py RESPONSES.csv FRAMEWORK.yaml [--streaming]

Issue 12 asks whether an optional polars engine (`goodpartners[fast]`) could score a
million rows within 2 times the polars reference script, in 100 MB or less. This script
measures the floor of any such engine: the parts it could not skip, with none of
goodpartners' own start-up (typer, pydantic, the framework models) and none of the
summary. It reads the answers as a polars Enum, turns each competency's cells into one
whole-number key, maps the keys to each row's score and band texts (as a real engine
would map them to goodpartners' own memoised outcomes), joins each row's line of
scores.csv and writes it, then counts each competency's keys for the team tallies.

It writes only the competency score and band columns (22 of scores.csv's 33), so a real
engine would do more. Prints the import time, the output time, the counting time and
the peak memory (the process's maximum resident set size) on stderr. It needs polars
and pyyaml, which are not dependencies of goodpartners.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("responses")
    parser.add_argument("framework")
    parser.add_argument(
        "--streaming", action="store_true", help="sink_csv (streaming) instead of collect"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    import polars as pl
    import yaml

    imported = time.perf_counter()
    framework = yaml.safe_load(Path(args.framework).read_text(encoding="utf-8"))
    competencies = [c for theme in framework["themes"] for c in theme["competencies"]]
    points = [str(p) for p in range(framework["scale"]["min"], framework["scale"]["max"] + 1)]
    texts = [*points, "N/A"]  # the answers in the generated benchmark data, blank apart
    answers = pl.Enum(texts)
    with open(args.responses, encoding="utf-8-sig") as stream:
        header = stream.readline().rstrip("\r\n").split(",")
    items = {item["id"] for c in competencies for item in c["items"]}
    schema = {name: (answers if name in items else pl.String) for name in header}
    frame = pl.scan_csv(
        args.responses,
        schema=schema,
        quote_char=None,
        empty_string_is_null=False,
        encoding="utf8",
    )
    base = len(texts) + 1
    keys = []
    for index, competency in enumerate(competencies):
        key = pl.lit(0, pl.Int64)
        for item in competency["items"]:
            digit = (pl.col(item["id"]).to_physical().cast(pl.Int64) + 1).fill_null(0)
            key = key * base + digit
        keys.append(key.alias(f"k{index}"))
    # Every possible key of a three-statement competency, mapped to a made-up score and
    # band: a real engine maps the keys it meets to goodpartners' outcomes.
    possible = [
        a * base * base + b * base + c for a, b, c in itertools.product(range(base), repeat=3)
    ]
    scores = [f"{k % 5 + 1}.{k % 100:02d}" for k in possible]
    bands = ["strength" if k % 3 else "concern" for k in possible]
    names = [f"k{i}" for i in range(len(competencies))]
    cells = [pl.col(header[0])]
    cells += [pl.col(n).replace_strict(possible, scores, return_dtype=pl.String) for n in names]
    cells += [pl.col(n).replace_strict(possible, bands, return_dtype=pl.String) for n in names]
    lines = frame.select(pl.col(header[0]), *keys).select(pl.concat_str(cells, separator=","))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "scores.csv"
        if args.streaming:
            lines.sink_csv(out, include_header=False, quote_style="never", line_terminator="\r\n")
        else:
            lines.collect().write_csv(
                out, include_header=False, quote_style="never", line_terminator="\r\n"
            )
    written = time.perf_counter()
    counts = frame.select(*keys).select([pl.col(n).value_counts().implode() for n in names])
    counts.collect()
    counted = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"import {imported - start:.2f} s, scores.csv {written - imported:.2f} s, "
        f"counts {counted - written:.2f} s, total {counted - start:.2f} s, peak {peak} MB",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
