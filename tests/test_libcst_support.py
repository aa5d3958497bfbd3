"""The libcst versions claude-lint supports: the ones these tests ran on, pinned in pyproject.

Two hot paths use libcst internals: `analysis/positions.py` subclasses
`libcst._nodes.internal.CodegenState`, and `analysis/walk.py` reads the child
order from the source of each node's `_visit_and_replace_children`.
`test_walk.py` and `test_positions.py` compare both with libcst's own
visitor and `PositionProvider`; these tests make a libcst outside the pinned
range, or one whose internals moved, fail here rather than for a user.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import libcst as cst

from claude_lint.analysis.walk import TRIVIA, child_fields

ROOT = Path(__file__).resolve().parents[1]


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _declared_range() -> tuple[tuple[int, ...], tuple[int, ...]]:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    [spec] = [d for d in dependencies if re.match(r"libcst\b", d)]
    lower = re.search(r">=\s*([\d.]+)", spec)
    upper = re.search(r"<\s*([\d.]+)", spec)
    assert lower and upper, f"the libcst requirement must have both bounds (>=, <): {spec!r}"
    return _numbers(lower.group(1)), _numbers(upper.group(1))


def test_the_installed_libcst_is_in_the_pinned_range() -> None:
    lower, upper = _declared_range()
    installed = _numbers(version("libcst"))
    assert lower <= installed < upper, (
        f"libcst {version('libcst')} is outside pyproject's range: run the suite on it, then move the pin"
    )
    # One minor series: a new minor release changes internals without notice.
    assert upper[:2] == (lower[0], lower[1] + 1), f"pin libcst to one minor series, not {lower}..{upper}"


def test_codegen_state_still_has_what_positions_overrides() -> None:
    from libcst._nodes.internal import CodegenState

    from claude_lint.analysis.positions import _PositionState

    overridden = {name for name, value in vars(_PositionState).items() if inspect.isfunction(value) and name != "__init__"}
    assert overridden == {
        "add_indent_tokens", "add_token", "pop_trailing_newline", "before_codegen", "after_codegen",
        "record_syntactic_position",
    }
    for name in overridden:
        assert inspect.isfunction(getattr(CodegenState, name, None)), f"CodegenState.{name} is gone"
    assert list(inspect.signature(CodegenState.record_syntactic_position).parameters) == [
        "self", "node", "start_node", "end_node",
    ]
    assert {f.name for f in dataclasses.fields(CodegenState)} >= {"default_indent", "default_newline", "tokens", "indent_tokens"}


def _node_classes() -> list[type[cst.CSTNode]]:
    found = []
    for name in cst.__all__:
        value = getattr(cst, name)
        if isinstance(value, type) and issubclass(value, cst.CSTNode) and not inspect.isabstract(value):
            if dataclasses.is_dataclass(value) and "_visit_and_replace_children" in vars(value):
                found.append(value)
    return found


def test_the_child_order_is_read_from_every_node_class_source() -> None:
    """Every node class that visits children yields its field order from its source (not the fallback)."""
    classes = _node_classes()
    assert len(classes) > 100
    for node_type in classes:
        fields = {f.name for f in dataclasses.fields(node_type)}
        source = inspect.getsource(node_type._visit_and_replace_children)
        visits_children = re.search(r"\bvisit_\w+\(", source) is not None  # visit_required(self, "body", ...)
        order = child_fields(node_type)
        assert set(order) <= fields, node_type.__name__
        if visits_children and node_type not in TRIVIA:
            assert order, f"no child order read from {node_type.__name__}._visit_and_replace_children"
