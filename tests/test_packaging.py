"""The wheel carries the shipped frameworks: build it, install it in a fresh virtual
environment, and list the frameworks there."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="uses the POSIX venv layout (bin/)"),
]


def run(*args: str | Path, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["GOODPARTNERS_HOME"] = str(cwd / "home")
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def test_wheel_installs_and_lists_shipped_framework(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, ROOT, cwd=tmp_path)
    (wheel,) = dist.glob("goodpartners-*.whl")

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    site_packages = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path
        ).strip()
    ).resolve()

    lines = run(venv / "bin" / "goodpartners", "framework", "list", cwd=tmp_path).splitlines()
    assert lines[0] == (
        "good-partners (shipped) - Good Partners 1.0: "
        "11 competencies, 33 items, scale 1-5 (Never to Always)"
    )
    listed = Path(lines[1].strip())
    assert listed.is_relative_to(site_packages)
    assert listed == site_packages / "goodpartners" / "frameworks" / "good-partners.yaml"
    assert len(lines) == 2

    shipped = ROOT / "frameworks" / "good-partners.yaml"
    assert listed.read_bytes() == shipped.read_bytes()
    shown = run(venv / "bin" / "goodpartners", "--version", cwd=tmp_path)
    assert shown == f"goodpartners {version('goodpartners')}\n"
