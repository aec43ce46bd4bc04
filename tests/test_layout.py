"""The repository's shape: layers that point down, no import cycles, every setting documented,
nothing outside the repository referred to."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from impact import config

ROOT = config.PROJECT_ROOT
PACKAGE = ROOT / "impact"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
CORE = sorted(name for name in MODULES if not name.startswith("impact.web") and name != "impact.__main__")


def _imports(name: str) -> set[str]:
    """The impact modules `name` imports, at module level or inside a function."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return {module for module in found if module in MODULES and module != name}


def test_the_core_imports_and_runs_without_streamlit() -> None:
    """Every module outside impact/web imports in a fresh interpreter without pulling in Streamlit."""
    script = "import sys\n" + "".join(f"import {name}\n" for name in CORE)
    script += "assert 'streamlit' not in sys.modules, sorted(m for m in sys.modules if m.startswith('streamlit'))\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_the_command_line_runs_without_streamlit() -> None:
    """`python -m impact --help` never imports Streamlit."""
    script = (
        "import sys, runpy\n"
        "sys.argv = ['impact', '--help']\n"
        "try:\n    runpy.run_module('impact', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "assert 'streamlit' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_only_the_web_layer_imports_the_web_layer() -> None:
    """Imports point down: no core module imports impact.web."""
    upward = {name: sorted(m for m in _imports(name) if m.startswith("impact.web")) for name in CORE}
    assert {name: found for name, found in upward.items() if found} == {}


def test_no_module_imports_one_that_imports_it_back() -> None:
    """The import graph of impact/ has no cycle."""
    graph = {name: _imports(name) for name in MODULES}
    cycles: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = "done"

    for name in MODULES:
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_every_setting_the_code_reads_is_documented_in_the_readme() -> None:
    """Each IMPACT_* environment variable read by the app, the command line or the benchmark is in the README."""
    sources = [*PACKAGE.rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py", *(ROOT / "bench").glob("*.py")]
    used = {match for path in sources for match in re.findall(r"IMPACT_[A-Z_]+", path.read_text(encoding="utf-8"))}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    settings = readme[readme.index("## Settings") :]
    assert used, "no setting found: the scan is broken"
    assert sorted(name for name in used if name not in settings) == []


def test_nothing_refers_to_a_path_outside_the_repository() -> None:
    """Code, tests, Makefile and README never point at the shared folder beside the clone."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    outside = ("..", "/shared")  # in parts, so that this file does not name what it looks for
    needles = ("".join(outside), 'parent / "' + outside[1][1:] + '"')
    offenders = []
    for name in tracked:
        if not name.endswith((".py", ".md", ".toml", ".sql", ".txt", ".cfg")) and name not in ("Makefile", ".ci/run"):
            continue
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        if any(needle in text for needle in needles):
            offenders.append(name)
    assert offenders == []
