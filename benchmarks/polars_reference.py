"""A plain polars script doing the core of `goodpartners batch`, for comparison.

Usage: python benchmarks/polars_reference.py RESPONSES.csv FRAMEWORK.yaml OUT.csv

The polars twin of pandas_reference.py, computing exactly the same things: reads the
CSV, reverses reverse-keyed items, works out each person's competency means with the
framework's min_answered rule, the team means (printed as JSON on stderr), and writes
a CSV of the per-person means rounded to 2 places. Like the pandas script it does not
work out theme or overall scores. It needs polars and pyyaml, which are not
dependencies of goodpartners.
"""

from __future__ import annotations

import json
import math
import sys

import polars as pl
import yaml


def main() -> None:
    responses, framework_path, out_path = sys.argv[1:4]
    with open(framework_path, encoding="utf-8") as stream:
        framework = yaml.safe_load(stream)
    low, high = framework["scale"]["min"], framework["scale"]["max"]
    min_answered = framework.get("scoring", {}).get("min_answered", 0.5)

    competencies = [c for theme in framework["themes"] for c in theme["competencies"]]
    item_ids = [item["id"] for c in competencies for item in c["items"]]
    # Read the answers as text and cast them, so anything that is not a number
    # ("N/A", a blank) becomes null, as pd.to_numeric(errors="coerce") does.
    frame = pl.scan_csv(
        responses, schema_overrides={i: pl.String for i in item_ids}, infer_schema=False
    ).select("respondent", *item_ids)
    columns = [pl.col("respondent")]
    for competency in competencies:
        values = []
        for item in competency["items"]:
            value = pl.col(item["id"]).cast(pl.Float64, strict=False)
            if item.get("reverse"):
                value = low + high - value
            values.append(value)
        needed = max(1, math.ceil(min_answered * len(values) - 1e-9))
        answered = pl.sum_horizontal(v.is_not_null() for v in values)
        columns.append(
            pl.when(answered >= needed)
            .then(pl.mean_horizontal(values))
            .otherwise(None)
            .alias(competency["id"])
        )
    out = frame.select(columns).collect()
    ids = [c["id"] for c in competencies]
    out.with_columns(pl.col(ids).round(2)).write_csv(out_path)
    team = out.select(pl.col(ids).mean()).row(0, named=True)
    print(json.dumps({k: round(v, 4) for k, v in team.items()}), file=sys.stderr)


if __name__ == "__main__":
    main()
