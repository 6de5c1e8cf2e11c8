"""Fuzz the readers of outside files for as long as you like, and say what was found.

Usage:
    python benchmarks/fuzz.py [--minutes 5] [--examples N] [--target batch|exact|framework|all]

Runs the checks of tests/test_fuzz_readers.py with many more cases than CI does:

- batch: random bytes and CSV-ish text into `batch`: scored with every line accounted
  for, or refused with a GoodPartnersError;
- exact: well-formed exports with notes over several lines: every score exactly what the
  scoring engine gives, and no problem but rows with no answer;
- framework: random YAML into the framework loader: a framework, or a FrameworkError.

Each target gets an equal share of the time. A failure is shrunk to a
small input, printed once, and then counted as known, so the campaign goes on looking
for others. Exits 1 if anything was found.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_fuzz_readers import (  # noqa: E402
    FRAMEWORK,
    CleanExport,
    Outcome,
    check_batch,
    check_framework,
    check_scored_exactly,
    clean_exports,
    csv_texts,
    yaml_texts,
)

BATCH_SIZE = 200  # cases per Hypothesis run; a new run starts from a fresh random seed


@dataclass
class Finding:
    """One distinct failure: where it happened, and the smallest input that shows it."""

    kind: str
    example: str
    count: int = 1


@dataclass
class Campaign:
    """One target's cases, outcomes and findings."""

    name: str
    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    findings: dict[str, Finding] = field(default_factory=dict)


def signature(exc: BaseException) -> str:
    """A failure's type and the last line of our own code it passed through."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/goodpartners/" in f.filename or "test_fuzz" in f.filename]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    place = f"{Path(where.filename).name}:{where.lineno} in {where.name}" if where else "?"
    return f"{type(exc).__name__} at {place}"


def shape(message: str) -> str:
    """A refusal message without its file name and numbers, to count kinds of refusal."""
    message = re.sub(r"^\S*responses\.csv: ", "", message.splitlines()[0])
    return re.sub(r"\d+", "N", re.sub(r"'[^']*'", "'…'", message))[:110]


def run(
    campaign: Campaign,
    strategy: st.SearchStrategy[Any],
    check: Callable[[Any], Outcome],
    stop_at: float,
    examples: int,
) -> None:
    """Run batches of cases until the time or the number of cases is used up."""

    def one(data: Any) -> None:
        campaign.cases += 1
        try:
            outcome = check(data)
        except BaseException as exc:
            key = signature(exc)
            known = campaign.findings.get(key)
            if known is not None:
                known.count += 1
                return
            raise
        if outcome.refused is None:
            campaign.outcomes["accepted"] += 1
        else:
            campaign.outcomes["refused"] += 1
            campaign.refusals[shape(outcome.refused)] += 1

    while time.monotonic() < stop_at and campaign.cases < examples:
        test = settings(
            max_examples=min(BATCH_SIZE, examples - campaign.cases),
            deadline=None,
            database=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )(given(strategy)(one))
        try:
            test()
        except Exception as exc:  # a new failure, already shrunk by Hypothesis
            notes = "\n".join(getattr(exc, "__notes__", []))
            key = signature(exc)
            campaign.findings[key] = Finding(f"{key}: {str(exc).splitlines()[0][:200]}", notes)
            print(f"\n[{campaign.name}] FOUND {key}\n{notes}\n", flush=True)


def report(campaign: Campaign, seconds: float) -> None:
    """Print what one target's campaign did and found."""
    print(f"\n== {campaign.name}: {campaign.cases:,} cases in {seconds:.0f} s")
    for outcome, count in sorted(campaign.outcomes.items()):
        print(f"   {outcome}: {count:,}")
    if campaign.refusals:
        print("   most common refusals:")
        for message, count in campaign.refusals.most_common(8):
            print(f"     {count:6,}  {message}")
    if not campaign.findings:
        print("   findings: none")
    for finding in campaign.findings.values():
        print(f"   FINDING ({finding.count:,} cases): {finding.kind}")
        for line in finding.example.splitlines():
            print(f"     {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="total time (default 5)")
    parser.add_argument("--examples", type=int, default=10**9, help="most cases per target")
    parser.add_argument("--target", choices=["batch", "exact", "framework", "all"], default="all")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)

        def batch(data: bytes) -> Outcome:
            with tempfile.TemporaryDirectory(dir=work) as case:
                return check_batch(FRAMEWORK, data, Path(case))

        def exact(export: CleanExport) -> Outcome:
            with tempfile.TemporaryDirectory(dir=work) as case:
                check_scored_exactly(export, Path(case))
            return Outcome()

        targets: list[tuple[str, st.SearchStrategy[Any], Callable[[Any], Outcome]]] = []
        if args.target in ("batch", "all"):
            targets.append(("batch", st.one_of(csv_texts(), csv_texts(), st.binary()), batch))
        if args.target in ("exact", "all"):
            targets.append(("exact", clean_exports(), exact))
        if args.target in ("framework", "all"):
            strategy = st.one_of(yaml_texts(), st.binary(max_size=500))
            targets.append(("framework", strategy, check_framework))
        share = args.minutes * 60 / len(targets)
        campaigns = []
        for name, strategy, check in targets:
            campaign = Campaign(name)
            start = time.monotonic()
            run(campaign, strategy, check, start + share, args.examples)
            campaigns.append((campaign, time.monotonic() - start))
    for campaign, seconds in campaigns:
        report(campaign, seconds)
    return 1 if any(c.findings for c, _ in campaigns) else 0


if __name__ == "__main__":
    sys.exit(main())
