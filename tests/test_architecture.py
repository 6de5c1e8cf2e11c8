"""The shape of the package: imports flow one way, no circles, no giant classes, and the
command line starts without loading a renderer. See "Where things live" in CONTRIBUTING.md.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from goodpartners.models import Framework

PACKAGE = Path(__file__).resolve().parent.parent / "goodpartners"
MAX_CLASS_LINES = 200

# What each layer may import, besides itself. The core imports only the core.
ALLOWED = {
    "core": {"core"},
    "personal": {"core", "personal"},
    "team": {"core", "team"},
    "render": {"core", "personal", "team", "render"},
    "cli": {"core", "personal", "team", "render", "cli"},
    "entry": {"cli"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    parts = module.split(".")
    if module == "goodpartners.__main__":
        return "entry"
    if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1]
    return "core"


def imports(path: Path) -> set[str]:
    """Every goodpartners module this file imports, at the top or inside a function."""
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("goodpartners")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            if not base.startswith("goodpartners"):
                continue
            for alias in node.names:  # 'from goodpartners.team import batch' is a module
                candidate = f"{base}.{alias.name}"
                is_module = (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py")
                found.add(candidate if is_module.exists() else base)
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_flow_one_way(module: str) -> None:
    allowed = ALLOWED[layer(module)]
    wrong = sorted(
        target
        for target in imports(MODULES[module])
        if target != "goodpartners" and layer(target) not in allowed
    )
    assert wrong == [], f"{module} ({layer(module)}) must not import {wrong}"


def test_the_layers_are_the_folders_we_document() -> None:
    assert layer("goodpartners.models") == "core"
    assert layer("goodpartners.team.batch") == "team"
    assert layer("goodpartners.render") == "render"
    assert layer("goodpartners.cli.root") == "cli"
    assert {layer(m) for m in MODULES} == set(ALLOWED)


def test_no_module_imports_itself_back_through_a_circle() -> None:
    graph = {m: {t for t in imports(p) if t in MODULES and t != m} for m, p in MODULES.items()}
    for package in [m for m in MODULES if MODULES[m].name == "__init__.py"]:
        graph[package] = {t for t in graph[package] if not t.startswith(package + ".")}
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            circle = trail[trail.index(module) :] + [module]
            raise AssertionError("import circle: " + " -> ".join(circle))
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, [*trail, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_no_class_is_over_200_lines() -> None:
    big = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_CLASS_LINES:
                    big.append(f"{module}.{node.name}: {size} lines")
    assert big == []


def test_starting_the_command_line_loads_no_renderer() -> None:
    code = (
        "import sys, goodpartners.cli\n"
        "print(sorted(m for m in sys.modules if m.startswith('goodpartners.render')\n"
        "             or m.split('.')[0] in {'jinja2', 'rich'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout == "[]\n"


# What --help and --version must not load: the models (and pydantic under them), the
# renderers and Jinja2. typer 0.29 does not import rich for our plain help either.
HEAVY = (
    "pydantic",
    "pydantic_core",
    "goodpartners.models",
    "jinja2",
    "goodpartners.render",
    "rich",
)

LOADED = """
import contextlib, io, sys
heavy = {heavy!r}
{run}
print(sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in heavy)))
"""


def loaded_by(run: str) -> str:
    code = LOADED.format(heavy=HEAVY, run=run)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.splitlines()[-1]


def test_importing_the_command_line_loads_no_model_renderer_or_pydantic() -> None:
    assert loaded_by("import goodpartners.cli") == "[]"


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_load_no_model_renderer_or_pydantic(option: str) -> None:
    run = (
        f"sys.argv = ['goodpartners', {option!r}]\n"
        "from goodpartners.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out, "
        "contextlib.suppress(SystemExit):\n"
        "    main()\n"
        "assert out.getvalue().startswith(('Usage:', 'goodpartners ')), out.getvalue()\n"
    )
    assert loaded_by(run) == "[]"


# What 'assess' must not load before its first statement shows: the report and the
# renderers, Jinja2 and rich, the answers-file reader and the prep card. Once the
# framework has been checked and cached (framework_cache.py), not even YAML.
BEFORE_FIRST_STATEMENT = (
    "jinja2",
    "rich",
    "goodpartners.render",
    "goodpartners.personal.report",
    "goodpartners.personal.answers",
    "goodpartners.personal.prep",
    "yaml",
)

FIRST_STATEMENT = """
import contextlib, io, json, sys
heavy = {heavy!r}

class FirstAnswer(io.StringIO):
    def readline(self, *args):
        # The tool waits for the first answer: the first statement is on the screen.
        loaded = sorted(
            m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in heavy)
        )
        print(json.dumps([screen.getvalue(), loaded]), file=sys.__stdout__)
        raise KeyboardInterrupt

sys.stdin = FirstAnswer()
sys.argv = ['goodpartners', 'assess']
from goodpartners.cli import main
with contextlib.redirect_stderr(io.StringIO()) as screen, contextlib.suppress(SystemExit):
    main()
"""


@pytest.mark.parametrize("cache", ["cached", "first run"])
def test_assess_loads_no_report_renderer_or_yaml_before_the_first_statement(
    cache: str, framework: Framework
) -> None:
    import json

    from goodpartners.frameworks import load_framework

    if cache == "cached":
        load_framework("good-partners", cached=True)
    code = FIRST_STATEMENT.format(heavy=BEFORE_FIRST_STATEMENT)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    screen, loaded = json.loads(result.stdout.splitlines()[-1])
    first = next(item for _, item in framework.items())
    assert screen.rstrip().splitlines()[-3] == first.text
    expected = [] if cache == "cached" else [m for m in loaded if m.split(".")[0] == "yaml"]
    assert loaded == expected
    assert ("yaml" in loaded) == (cache == "first run")


def test_the_checks_above_see_the_models_when_a_command_runs() -> None:
    # So the empty lists above mean something: a command that reads a framework loads them.
    run = (
        "sys.argv = ['goodpartners', 'framework', 'show']\n"
        "from goodpartners.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main()\n"
    )
    loaded = loaded_by(run)
    assert "'goodpartners.models'" in loaded
    assert "'pydantic'" in loaded


def test_the_check_above_sees_a_renderer_when_one_is_loaded() -> None:
    # So the empty list above means something: drawing a report does load the renderers.
    code = (
        "import sys, goodpartners.cli\n"
        "from goodpartners.render import render\n"
        "from goodpartners.formats import ReportFormat\n"
        "from goodpartners.personal.report import build_report\n"
        "from goodpartners.frameworks import load_framework\n"
        "from goodpartners.models import Assessment\n"
        "f = load_framework('good-partners')\n"
        "render(build_report(f, Assessment.start(f, finished=True)), ReportFormat.md)\n"
        "print('goodpartners.render.markdown' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout == "True\n"


# What a team run without --reports must not load: the personal report's models and its
# renderers. The team summary is drawn without them.
PERSON_REPORT = ("goodpartners.personal.report", "goodpartners.render.html")

BATCH = """
sys.argv = ['goodpartners', 'batch', {responses!r}, '--out', {out!r}, *{extra!r}]
from goodpartners.cli import main
with contextlib.redirect_stderr(io.StringIO()), contextlib.suppress(SystemExit):
    main()
"""


@pytest.mark.parametrize(("extra", "expected"), [([], "[]"), (["--reports", "html"], None)])
def test_batch_loads_the_personal_report_only_for_reports(
    tmp_path: Path, extra: list[str], expected: str | None
) -> None:
    responses = tmp_path / "responses.csv"
    responses.write_text("id,role-1\nann,4\n", encoding="utf-8")
    run = BATCH.format(responses=str(responses), out=str(tmp_path / "out"), extra=extra)
    code = LOADED.format(heavy=PERSON_REPORT, run=run)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = result.stdout.splitlines()[-1]
    assert (tmp_path / "out" / "summary.html").is_file()
    if expected is None:  # so the empty list means something: reports do load them
        assert loaded == str(sorted(PERSON_REPORT))
    else:
        assert loaded == expected
