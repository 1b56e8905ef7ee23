"""The import graph keeps its direction and has no cycle (the README's layout: each app imports only the
floors below it, ``lib`` imports no app), read from the source with ``ast`` so function-level imports
count too."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each package → the project packages it may import. ``config`` wires everything together at the top.
ALLOWED = {
    "lib": set(),
    "creators": {"lib"},
    "academy": {"creators", "lib"},
    "benefits": {"creators", "lib"},
    "insights": {"creators", "lib"},
    "levels": {"creators", "academy", "benefits", "insights", "lib"},
    "portal": {"creators", "academy", "benefits", "insights", "levels", "lib"},
    "square": {"creators", "academy", "benefits", "insights", "levels", "lib"},
    "console": {"creators", "academy", "benefits", "insights", "levels", "portal", "lib"},
    "demo": {"creators", "academy", "benefits", "insights", "levels", "lib"},
    "config": {"creators", "academy", "benefits", "insights", "levels", "portal", "square", "console", "lib"},
}
MAX_LINES = 400


def project_modules() -> dict[str, Path]:
    """Dotted module name → file, for every module of the packages above (migrations included)."""
    modules = {}
    for package in ALLOWED:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports anywhere in its body (``from . import x`` resolved)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import module`` imports that module; ``from pkg import name`` imports pkg.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in known}
    return found - {name}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, set(modules)) for name, path in modules.items()}


def test_every_app_imports_only_the_floors_below_it(graph):
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if (top := target.split(".")[0]) != module.split(".")[0] and top not in ALLOWED[module.split(".")[0]]
    )
    assert upward == []


def test_no_import_cycle(graph):
    """Depth-first search for a back edge; the first cycle found is named."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[module] = "done"
        return None

    first_cycle = next((cycle for module in sorted(graph) if module not in state and (cycle := visit(module))), None)
    assert first_cycle is None


def test_no_module_is_longer_than_a_reader_holds_in_mind():
    long = {
        str(path.relative_to(ROOT)): n
        for path in project_modules().values()
        if "migrations" not in path.parts and (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_package_of_the_project_has_its_floor():
    """A new app is checked from its first module: here, and by the CSP's scan of the Python that can
    write markup (tests/web/test_csp.py), which reads the same list."""
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages == set(ALLOWED)
