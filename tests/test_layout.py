"""The shape of the code a newcomer walks: modules grouped by domain, short, and without import cycles.

These are rules of the house (DESIGN.md, "Shape of the code"); each failure names the place to change.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "admin")
MAX_TOP_LEVEL_MODULES = 12
MAX_FUNCTION_LINES = 50
MAX_MODULE_LINES = 400


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files():
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


MODULES = {module_name(path): path for path in source_files()}


def imports_at_import_time(path):
    """The project modules a module imports while it is being imported (not those imported inside functions)."""
    tree = ast.parse(path.read_text())
    found = set()

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for alias in child.names:
                    submodule = f"{child.module}.{alias.name}"
                    found.add(submodule if submodule in MODULES else child.module)
            visit(child)

    visit(tree)
    return {name for name in found if name in MODULES}


def find_cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}

    def walk(node, trail):
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return trail[trail.index(target):] + [target]
            if target not in state:
                cycle = walk(target, trail + [target])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = walk(start, [start])
            if cycle:
                return cycle
    return None


def test_no_two_modules_import_each_other_at_import_time():
    graph = {name: imports_at_import_time(path) for name, path in MODULES.items()}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_at_most_twelve_modules_stay_directly_in_portal():
    top_level = sorted(path.name for path in (ROOT / "portal").glob("*.py"))
    assert len(top_level) <= MAX_TOP_LEVEL_MODULES, f"{len(top_level)} modules directly in portal/: {top_level}"


@pytest.mark.parametrize("path", source_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_modules_and_functions_stay_short_and_say_what_they_are_for(path):
    source = path.read_text()
    tree = ast.parse(source)
    assert ast.get_docstring(tree), f"{path.relative_to(ROOT)} has no docstring that says what it is for"
    lines = source.count("\n")
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines: it holds two ideas"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == [], f"functions over {MAX_FUNCTION_LINES} lines in {path.relative_to(ROOT)}: {long}"


def test_staff_pages_never_import_the_resident_pages():
    offenders = {name: sorted(target for target in imports_at_import_time(path) if target.startswith("portal.web"))
                 for name, path in MODULES.items() if name.startswith("admin")}
    assert {name: targets for name, targets in offenders.items() if targets} == {}


def test_the_domain_never_imports_the_staff_pages():
    offenders = {name: sorted(target for target in imports_at_import_time(path) if target.startswith("admin"))
                 for name, path in MODULES.items() if name.startswith("portal") and name != "portal"}
    assert {name: targets for name, targets in offenders.items() if targets} == {}
