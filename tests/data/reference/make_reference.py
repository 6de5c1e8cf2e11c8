"""Generate the reference responses and the reference values the scoring tests check.

Run once, in a scratch virtual environment that is NOT the project's:

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install pingouin pandas numpy pyyaml
    /tmp/refvenv/bin/python tests/data/reference/make_reference.py

It writes responses.csv, small.csv and reference.json beside this file. The tests
only read those files; pingouin and pandas are not project dependencies. The values
come from pingouin and pandas alone: this script reads the framework YAML itself and
does not import goodpartners, so the reference is independent of the code it checks.
"""

from __future__ import annotations

import csv
import datetime
import inspect
import json
import math
import platform
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import yaml

HERE = Path(__file__).resolve().parent
FRAMEWORK = HERE.parents[2] / "frameworks" / "good-partners.yaml"
SEED = 2013  # the year of the blog series the framework comes from
N_FULL = 80
N_SMALL = 12
MISSING_RATE = 0.08
NOT_APPLICABLE = "n/a"
LISTWISE_COMPETENCY = "role"  # in small.csv, this competency is missing only whole


def load_framework() -> tuple[dict, list[dict]]:
    """The framework data and its competencies in framework order."""
    data = yaml.safe_load(FRAMEWORK.read_text(encoding="utf-8"))
    competencies = [c for theme in data["themes"] for c in theme["competencies"]]
    return data, competencies


def generate(
    rng: random.Random, competencies: list[dict], low: int, high: int, n: int, prefix: str
) -> list[dict[str, object]]:
    """Realistic answers: a general trait plus a trait per competency, item noise,
    a little acquiescence (agreeing whatever the wording), rounded to the scale."""
    middle = (low + high) / 2
    difficulty = {
        item["id"]: rng.uniform(-0.4, 0.4) for comp in competencies for item in comp["items"]
    }
    rows: list[dict[str, object]] = []
    for r in range(1, n + 1):
        general = rng.gauss(0, 1)
        acquiescence = rng.gauss(0, 0.3)
        row: dict[str, object] = {"respondent": f"{prefix}{r:03d}"}
        for comp in competencies:
            trait = 0.6 * general + 0.8 * rng.gauss(0, 1)
            for item in comp["items"]:
                # How far the person shows the behaviour, on the keyed direction.
                level = middle + 0.3 + 0.9 * trait + difficulty[item["id"]] + rng.gauss(0, 0.75)
                if item.get("reverse", False):
                    level = low + high - level
                value = round(level + acquiescence)
                row[item["id"]] = min(high, max(low, value))
        rows.append(row)
    return rows


def blank_at_random(rng: random.Random, rows: list[dict[str, object]], item_ids: list[str]) -> int:
    """Blank each cell with probability MISSING_RATE (missing completely at random)."""
    count = 0
    for row in rows:
        for item_id in item_ids:
            if rng.random() < MISSING_RATE:
                row[item_id] = None
                count += 1
    return count


def write_csv(path: Path, rows: list[dict[str, object]], item_ids: list[str]) -> None:
    """respondent, then one column per item id; blank for missing, 'n/a' for not applicable."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["respondent", *item_ids])
        for row in rows:
            writer.writerow(
                [row["respondent"], *("" if row[i] is None else row[i] for i in item_ids)]
            )


def read_frame(path: Path, item_ids: list[str]) -> pd.DataFrame:
    """The CSV as floats, NaN for blank and 'n/a' (both count as missing)."""
    frame = pd.read_csv(
        path,
        dtype={"respondent": str},
        na_values=["", NOT_APPLICABLE],
        keep_default_na=False,
    )
    return frame.set_index("respondent")[item_ids].astype(float)


def reversed_frame(frame: pd.DataFrame, comp: dict, low: int, high: int) -> pd.DataFrame:
    """A competency's items with reverse-keyed ones turned round (min + max - value)."""
    part = frame[[item["id"] for item in comp["items"]]].copy()
    for item in comp["items"]:
        if item.get("reverse", False):
            part[item["id"]] = low + high - part[item["id"]]
    return part


def alpha(part: pd.DataFrame, nan_policy: str) -> float:
    """pingouin's raw Cronbach's alpha as a plain float."""
    return float(pingouin.cronbach_alpha(data=part, nan_policy=nan_policy)[0])


def describe(scores: pd.Series) -> dict[str, float | int]:
    """n, mean, sd (n - 1), median, min and max of the scored values."""
    return {
        "n": int(scores.count()),
        "mean": float(scores.mean()),
        "sd": float(scores.std(ddof=1)),
        "median": float(scores.median()),
        "min": float(scores.min()),
        "max": float(scores.max()),
    }


def main() -> None:
    data, competencies = load_framework()
    low, high = int(data["scale"]["min"]), int(data["scale"]["max"])
    min_answered = float(data.get("scoring", {}).get("min_answered", 0.5))
    item_ids = [item["id"] for comp in competencies for item in comp["items"]]
    rng = random.Random(SEED)

    # --- The full dataset: 80 respondents, every competency.
    rows = generate(rng, competencies, low, high, N_FULL, "R")
    blanked = blank_at_random(rng, rows, item_ids)
    # A few people leave 2 of a competency's 3 items unanswered, so it is not scored.
    forced = []
    for row in rng.sample(rows, 5):
        comp = rng.choice(competencies)
        gone = rng.sample([item["id"] for item in comp["items"]], 2)
        for item_id in gone:
            row[item_id] = None
        forced.append((row, comp["id"], gone))
    # One of them marks one of the two 'does not apply' rather than skipping it.
    forced[0][0][forced[0][2][0]] = NOT_APPLICABLE
    # And a few scattered 'does not apply' answers.
    na_cells = [(forced[0][0]["respondent"], forced[0][2][0])]
    for row in rng.sample(rows, 6):
        item_id = rng.choice(item_ids)
        row[item_id] = NOT_APPLICABLE
        na_cells.append((str(row["respondent"]), item_id))
    write_csv(HERE / "responses.csv", rows, item_ids)

    # --- The small dataset: 12 respondents; one competency is missing only as a whole
    # (a listwise pattern: pairwise and listwise deletion agree), the others at random.
    small = generate(rng, competencies, low, high, N_SMALL, "S")
    listwise_comp = next(c for c in competencies if c["id"] == LISTWISE_COMPETENCY)
    listwise_items = [item["id"] for item in listwise_comp["items"]]
    blank_at_random(rng, small, [i for i in item_ids if i not in listwise_items])
    for row in rng.sample(small, 3):
        for item_id in listwise_items:
            row[item_id] = None
    small[0][listwise_items[0]] = NOT_APPLICABLE  # whole, but one is 'does not apply'
    small[0][listwise_items[1]] = None
    small[0][listwise_items[2]] = None
    write_csv(HERE / "small.csv", small, item_ids)

    # --- Reference values, computed from the files as written.
    full = read_frame(HERE / "responses.csv", item_ids)
    small_frame = read_frame(HERE / "small.csv", item_ids)

    alpha_full: dict[str, float] = {}
    stats: dict[str, dict[str, float | int]] = {}
    not_scored: dict[str, list[str]] = {}
    for comp in competencies:
        part = reversed_frame(full, comp, low, high)
        alpha_full[comp["id"]] = alpha(part, "pairwise")
        needed = math.ceil(min_answered * len(comp["items"]) - 1e-9)
        answered = part.notna().sum(axis=1)
        scores = part.mean(axis=1, skipna=True).where(answered >= needed)
        stats[comp["id"]] = describe(scores)
        not_scored[comp["id"]] = sorted(scores.index[scores.isna()].tolist())

    alpha_small_pairwise: dict[str, float] = {}
    alpha_small_listwise: dict[str, float] = {}
    for comp in competencies:
        part = reversed_frame(small_frame, comp, low, high)
        alpha_small_pairwise[comp["id"]] = alpha(part, "pairwise")
        alpha_small_listwise[comp["id"]] = alpha(part, "listwise")

    source = inspect.getsource(pingouin.cronbach_alpha)
    assert "data.cov(numeric_only=True)" in source, "pingouin changed; re-read its source"
    assert "np.trace(C) / C.sum().sum()" in source, "pingouin changed; re-read its source"

    reference = {
        "provenance": {
            "generated": datetime.date.today().isoformat(),
            "generator": "tests/data/reference/make_reference.py",
            "seed": SEED,
            "random": "Python random.Random(seed): gauss, uniform, random, sample, choice",
            "framework": {
                "file": "frameworks/good-partners.yaml",
                "id": data["id"],
                "version": str(data["version"]),
            },
            "tools": {
                "python": platform.python_version(),
                "pingouin": pingouin.__version__,
                "pandas": pd.__version__,
                "numpy": np.__version__,
                "pyyaml": yaml.__version__,
            },
            "calls": {
                "read": (
                    "pandas.read_csv(path, dtype={'respondent': str}, na_values=['', 'n/a'], "
                    "keep_default_na=False).set_index('respondent')[item_ids].astype(float)"
                ),
                "reverse": "part[item] = scale.min + scale.max - part[item] for reverse items",
                "alpha": (
                    "float(pingouin.cronbach_alpha(data=part, nan_policy='pairwise')[0]) "
                    "where part is one competency's reversed items (NaN = missing or n/a)"
                ),
                "alpha_listwise": (
                    "float(pingouin.cronbach_alpha(data=part, nan_policy='listwise')[0])"
                ),
                "score": (
                    "part.mean(axis=1, skipna=True).where(part.notna().sum(axis=1) >= needed), "
                    "needed = ceil(min_answered * items) = ceil(0.5 * 3) = 2"
                ),
                "stats": (
                    "scores.count(), scores.mean(), scores.std(ddof=1), scores.median(), "
                    "scores.min(), scores.max() (NaN, i.e. not scored, left out)"
                ),
            },
            "pingouin_method": (
                "Read from pingouin.reliability.cronbach_alpha's source: with "
                "nan_policy='pairwise' it calls C = data.cov(numeric_only=True), pandas' "
                "pairwise-complete covariance (each pair of items over the rows where both "
                "are present; each variance over the rows where that item is present; "
                "denominator n - 1), then alpha = k / (k - 1) * (1 - trace(C) / sum(C)). "
                "With nan_policy='listwise' it first drops every row with any NaN. "
                "psych::alpha's raw_alpha uses the same formula on cov(use='pairwise'). "
                "Not exercised here: pandas' sum() skips NaN, so when some pair of items is "
                "never answered together (by 2 or more people) pingouin still returns a "
                "number, and a negative pairwise covariance sum gives alpha above 1; "
                "goodpartners returns no alpha (None) in both cases."
            ),
        },
        "scale": {"min": low, "max": high},
        "min_answered": min_answered,
        "full": {
            "csv": "responses.csv",
            "respondents": N_FULL,
            "missing_at_random": blanked,
            "not_applicable_cells": [list(cell) for cell in na_cells],
            "forced_not_scored": [[str(r["respondent"]), c, g] for r, c, g in forced],
            "alpha": alpha_full,
            "competencies": stats,
            "not_scored": not_scored,
        },
        "small": {
            "csv": "small.csv",
            "respondents": N_SMALL,
            "listwise_competency": LISTWISE_COMPETENCY,
            "alpha_pairwise": alpha_small_pairwise,
            "alpha_listwise": alpha_small_listwise,
        },
    }
    text = json.dumps(reference, indent=2, ensure_ascii=False) + "\n"
    (HERE / "reference.json").write_text(text, encoding="utf-8")
    for cid, value in alpha_full.items():
        print(f"{cid:20} alpha {value!r:22} mean {stats[cid]['mean']:.4f} n {stats[cid]['n']}")


if __name__ == "__main__":
    main()
