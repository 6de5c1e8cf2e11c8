"""A plain pandas script doing the core of `goodpartners batch`, for comparison.

Usage: python benchmarks/pandas_reference.py RESPONSES.csv FRAMEWORK.yaml OUT.csv

Reads the CSV, reverses reverse-keyed items, works out each person's competency
means with the framework's min_answered rule, the team means, and writes a CSV.
It needs pandas and pyyaml, which are not dependencies of goodpartners.
"""

from __future__ import annotations

import json
import math
import sys

import pandas as pd
import yaml


def main() -> None:
    responses, framework_path, out_path = sys.argv[1:4]
    with open(framework_path, encoding="utf-8") as stream:
        framework = yaml.safe_load(stream)
    low, high = framework["scale"]["min"], framework["scale"]["max"]
    min_answered = framework.get("scoring", {}).get("min_answered", 0.5)

    df = pd.read_csv(responses)
    out = pd.DataFrame({"respondent": df["respondent"]})
    for theme in framework["themes"]:
        for competency in theme["competencies"]:
            ids = [item["id"] for item in competency["items"]]
            values = df[ids].apply(pd.to_numeric, errors="coerce")
            for item in competency["items"]:
                if item.get("reverse"):
                    values[item["id"]] = low + high - values[item["id"]]
            needed = max(1, math.ceil(min_answered * len(ids) - 1e-9))
            means = values.mean(axis=1)
            means[values.notna().sum(axis=1) < needed] = float("nan")
            out[competency["id"]] = means
    out.round(2).to_csv(out_path, index=False)
    team = out.drop(columns=["respondent"]).mean()
    print(json.dumps({k: round(v, 4) for k, v in team.items()}), file=sys.stderr)


if __name__ == "__main__":
    main()
