"""The package's layers: imports run one way and never in a circle.

Every import counts, wherever it is written: at module level, inside a
function (deferred for start-up speed), under `TYPE_CHECKING`, or through
`importlib.import_module` with a literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lowest first: a module may import from its own layer and the layers before it.
LAYERS = ("core", "sdk", "config", "analysis", "lint", "rules", "engine", "app", "output", "top")
TOP_MODULES = {"claude_lint.cli", "claude_lint.server", "claude_lint.__main__"}
STANDALONE = {"claude_lint.helper"}  # the reference helper imports nothing from claude_lint


def _module_files() -> dict[str, Path]:
    files = {}
    for path in (ROOT / "claude_lint").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        files[name] = path
    for path in (ROOT / "rules").glob("*.py"):
        stem = path.stem
        files["claude_lint.rules" if stem == "__init__" else f"claude_lint.rules.{stem}"] = path
    return files


FILES = _module_files()


def layer_of(module: str) -> str:
    if module in TOP_MODULES:
        return "top"
    if module == "claude_lint":
        return "core"  # the package itself holds only the version
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "?"


def _resolve(name: str) -> str | None:
    """The project module an imported dotted name refers to (the longest known prefix)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in FILES:
            return candidate
    return None


def imports_of(module: str) -> set[str]:
    tree = ast.parse(FILES[module].read_text(encoding="utf-8"))
    package = module if FILES[module].name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        for name in names:
            target = _resolve(name)
            if target is not None and target != module:
                found.add(target)
    return found


GRAPH = {module: imports_of(module) for module in FILES}


def test_every_module_is_in_a_layer() -> None:
    assert sorted(m for m in FILES if layer_of(m) == "?" and m not in STANDALONE) == []


def test_imports_never_go_up_a_layer() -> None:
    upward = sorted(
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module, targets in GRAPH.items()
        if module not in STANDALONE
        for target in targets
        if target not in STANDALONE and LAYERS.index(layer_of(target)) > LAYERS.index(layer_of(module))
    )
    assert upward == []


def test_the_helper_imports_nothing_from_claude_lint() -> None:
    assert GRAPH["claude_lint.helper"] == set()


def _cycles() -> list[list[str]]:
    """Every strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles() -> None:
    assert _cycles() == []


@pytest.mark.parametrize("module", sorted(FILES))
def test_every_module_says_what_it_is_for(module: str) -> None:
    tree = ast.parse(FILES[module].read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc, f"{module} has no module docstring"
    assert doc.splitlines()[0].strip(), f"{module}'s docstring does not open with a line"


def test_no_module_imports_another_modules_private_names() -> None:
    private = []
    for module, path in FILES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("claude_lint"):
                private += [f"{module}: from {node.module} import {a.name}" for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
    assert private == []


def test_literal_values_are_read_in_one_place() -> None:
    # libcst's `evaluated_value` raises on a literal Python rejects (an unknown `\N{...}` name)
    # and leaves reference cycles: `analysis.syntax.literal_value` is the one reader.
    readers = sorted(
        module
        for module, path in FILES.items()
        if module != "claude_lint.analysis.syntax" and ".evaluated_value" in path.read_text(encoding="utf-8")
    )
    assert readers == []
