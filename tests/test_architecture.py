"""The shape of the code: data flows one way, and so do imports.

corpus -> extract -> normalise -> pipeline -> publish, all on schemas: a stage imports the
contracts in `schemas/` and the stages before it, never one after it; readers know only
their format; no module hides an import inside a function to dodge a cycle. Checked by
reading every module's imports (ast), so a change that breaks the rule fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

#: Stages in the order data flows through them; a module may import its own stage and earlier ones.
LAYERS = ["schemas", "corpus", "extract", "normalise", "pipeline", "publish"]
PROJECT = set(LAYERS) | {"cli"}
#: Readers turn a file into blocks: they may use only the contracts, file identity and each other.
READER_MAY_IMPORT = ("schemas", "corpus.files", "extract.readers")


def modules() -> dict[str, Path]:
    found = {}
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def project_imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for every import of a project module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            names = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                names = [child.module]
            for name in names:
                if name.split(".")[0] in PROJECT:
                    found.append((name, child.lineno, in_function))
            visit(child, inside)

    visit(tree, False)
    return found


def test_imports_point_upstream_only():
    wrong = []
    for name, path in modules().items():
        layer = LAYERS.index(name.split(".")[0])
        for imported, line, _ in project_imports(path):
            top = imported.split(".")[0]
            if top == "cli" or LAYERS.index(top) > layer:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported} (a later stage)")
    assert not wrong, "\n".join(wrong)


def test_readers_know_only_their_format():
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for name, path in modules().items() if name.startswith("extract.readers")
        for imported, line, _ in project_imports(path)
        if not imported.startswith(READER_MAY_IMPORT)
    ]
    assert not wrong, "\n".join(wrong)


def test_no_project_import_hides_inside_a_function():
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {imported} inside a function"
        for path in modules().values()
        for imported, line, in_function in project_imports(path) if in_function
    ]
    assert not wrong, "\n".join(wrong)


def test_the_module_graph_has_no_cycle():
    graph = {name: set() for name in modules()}
    for name, path in modules().items():
        for imported, _, _ in project_imports(path):
            # 'from extract.finders import prose' names a package; its module is a child
            target = imported if imported in graph else next((m for m in graph if imported.startswith(m + ".")), None)
            if target and target != name:
                graph[name].add(target)
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle.extend(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
                return True
            if nxt not in state and visit(nxt, trail + [nxt]):
                return True
        state[node] = 2
        return False

    for start in sorted(graph):
        if start not in state and visit(start, [start]):
            break
    assert not cycle, " -> ".join(cycle)


#: An extractor module longer than this has become several things; split it along what it reads.
MAX_EXTRACTOR_LINES = 450


def test_no_extractor_module_outgrows_one_idea():
    long = {name: n for name, path in modules().items() if name.startswith("extract")
            and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_EXTRACTOR_LINES}
    assert not long, f"over {MAX_EXTRACTOR_LINES} lines: {long}"
