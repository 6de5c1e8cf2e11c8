"""Write synthetic team responses for the shipped Good Partners framework.

Usage: python benchmarks/generate.py N [--seed S] [--out FILE] [--style ids|google]
       [--answers numbers|labels] [--teams K]

Each person has a level per competency; their answers scatter around it, with
about 3% skipped and 1% "does not apply". The output has a respondent id, a name,
a team and one column per item (item ids, or Google-Forms-style grid headers).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from goodpartners.frameworks import load_framework  # noqa: E402

GRID_QUESTION = "How often do you do this in multi-agency work?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of respondents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="file (default: stdout)")
    parser.add_argument("--style", choices=["ids", "google"], default="ids")
    parser.add_argument("--answers", choices=["numbers", "labels"], default="numbers")
    parser.add_argument("--teams", type=int, default=8)
    args = parser.parse_args()

    framework = load_framework("good-partners")
    scale = framework.scale
    rng = random.Random(args.seed)
    items = [(c.id, i) for c, i in framework.items()]
    competencies = [c.id for _, c in framework.competencies()]
    low, high = scale.min, scale.max
    labels = scale.labels
    na_label = scale.not_applicable or "N/A"

    if args.style == "google":
        header = ["Timestamp", "Email Address", "Your name", "Team"]
        header += [f"{GRID_QUESTION} [{item.text}]" for _, item in items]
    else:
        header = ["respondent", "name", "team"] + [item.id for _, item in items]

    # Precomputed answer tables keep a million rows quick to write.
    def show(value: int) -> str:
        return labels[value] if args.answers == "labels" else str(value)

    teams = [f"Team {chr(ord('A') + t)}" for t in range(args.teams)]
    out = args.out.open("w", newline="", encoding="utf-8") if args.out else sys.stdout
    with out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for person in range(1, args.n + 1):
            level = {c: rng.gauss(3.4, 0.7) for c in competencies}
            row = [
                f"2024-03-{1 + person % 28:02d} 10:{person % 60:02d}:00"
                if args.style == "google"
                else f"p{person:07d}",
                f"person{person}@example.org" if args.style == "google" else f"Person {person}",
            ]
            if args.style == "google":
                row.append(f"Person {person}")
            row.append(rng.choice(teams))
            for competency_id, item in items:
                draw = rng.random()
                if draw < 0.03:
                    row.append("")
                    continue
                if draw < 0.04:
                    row.append(na_label if args.answers == "labels" else "N/A")
                    continue
                value = round(level[competency_id] + rng.gauss(0, 0.8))
                value = min(high, max(low, value))
                if item.reverse:
                    value = low + high - value
                row.append(show(value))
            writer.writerow(row)


if __name__ == "__main__":
    main()
