"""Check that two source trees of goodpartners write the same results, byte for byte.

Usage:
    python benchmarks/parity.py OLD_TREE [NEW_TREE] FILE... [--options "--group-by team"]

OLD_TREE is, for example, an export of an earlier commit:
    mkdir /tmp/gp-old && git archive a35e9e3 | tar -x -C /tmp/gp-old

Each file is scored by `goodpartners batch` from each tree (NEW_TREE defaults to this
repository), with the clock fixed so the run date is the same, once per option set
given with --options (default: no options, and `--reports md`). Every output file
(scores.csv, problems.csv, summary.json/md/html, people/) and the error message, if
any, must be the same. Prints one line per run and exits 1 if any differ.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs the command line with the run date fixed (as tests/test_batch_parity.py does).
DRIVER = """
import sys
# -c puts the current folder first on the path: the tree under test must come first.
tree = sys.argv.pop(1)
sys.path[0] = tree
import goodpartners
if not goodpartners.__file__.startswith(tree):
    sys.exit(f"goodpartners came from {goodpartners.__file__}, not {tree}")
from datetime import datetime, timezone
RUN_DATE = datetime(2026, 3, 9, 14, 5, tzinfo=timezone.utc)
class Clock(datetime):
    @classmethod
    def now(cls, tz=None):
        return cls.fromtimestamp(RUN_DATE.timestamp(), timezone.utc)
import goodpartners.team.totals as totals
import goodpartners.team.writing as writing
totals.now = lambda: RUN_DATE
writing.datetime = Clock
from goodpartners.cli import app
sys.argv[0] = "goodpartners"
app()
"""


def run(tree: Path, data: Path, out: Path, options: list[str]) -> tuple[int, str]:
    """The exit code and stderr of one batch run from a source tree."""
    env = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "80", "NO_COLOR": "1"}
    root = str(tree.resolve())
    command = [sys.executable, "-c", DRIVER, root, "batch", str(data), "--out", str(out), *options]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    return done.returncode, done.stderr.replace(str(out), "OUT")


def differences(old: Path, new: Path) -> list[str]:
    """Files that are not byte for byte the same in two results folders."""
    names = {
        str(p.relative_to(folder))
        for folder in (old, new)
        if folder.exists()
        for p in folder.rglob("*")
        if p.is_file()
    }
    return sorted(
        name
        for name in names
        if not (old / name).is_file()
        or not (new / name).is_file()
        or not filecmp.cmp(old / name, new / name, shallow=False)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="same results from two goodpartners trees")
    parser.add_argument("old", type=Path)
    parser.add_argument("paths", type=Path, nargs="+", help="[NEW_TREE] FILE...")
    parser.add_argument("--options", nargs="*", default=["", "--reports md"])
    args = parser.parse_args()
    new_tree = ROOT
    if args.paths[0].is_dir():
        new_tree, files = args.paths[0], args.paths[1:]
    else:
        files = args.paths
    same = True
    with tempfile.TemporaryDirectory() as scratch:
        for data in files:
            for options in args.options:
                split = shlex.split(options)
                old_out, new_out = Path(scratch) / "old", Path(scratch) / "new"
                old_result = run(args.old, data, old_out, split)
                new_result = run(new_tree, data, new_out, split)
                diff = differences(old_out, new_out)
                if old_result != new_result:
                    diff.append("exit code or messages")
                files_compared = sum(1 for p in new_out.rglob("*") if p.is_file())
                verdict = "same" if not diff else "DIFFERENT: " + ", ".join(diff)
                print(f"{data} [{options or 'no options'}]: {files_compared} files, {verdict}")
                same = same and not diff
                for folder in (old_out, new_out):
                    subprocess.run(["rm", "-rf", str(folder)], check=True)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
