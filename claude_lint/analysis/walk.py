"""Drive a libcst `CSTVisitor` over a tree without rebuilding the tree.

`node.visit(visitor)` in libcst rebuilds every node it passes (each node's
`_visit_and_replace_children` constructs a new node from its visited children,
which also re-runs validation), even for a read-only `CSTVisitor`: on dense
code that costs as much as the parse itself. `walk(node, visitor)` calls the
same hooks in the same order (`on_visit`/`visit_<Node>`, the attribute hooks
`visit_<Node>_<field>`, `on_leave`/`leave_<Node>`; `visit_<Node>` returning
False skips the children) and only reads the tree.

One difference, on purpose: "trivia" (whitespace, comments, newlines,
parentheses, brackets, commas, colons, dots, `=`) are not visited unless the
visitor class sets `visits_trivia = True` or has a `visit_`/`leave_` method
for one of those node types. No analysis in claude-lint reads them through a
visitor, and they are about half the nodes of a module.

The children's order is libcst's own: it is read from the source of each node
class's `_visit_and_replace_children` (the order of the `visit_*(self,
"field", ...)` calls), once per class, and falls back to the dataclass field
order when that source is not available. tests/test_walk.py checks that the
hooks fire exactly as `node.visit` fires them.
"""

from __future__ import annotations

import dataclasses
import linecache
import re
import typing
from collections.abc import Callable
from typing import Any

import libcst as cst

_IF_NOT_NONE = re.compile(r"if (?:self\.)?(\w+) is not None")
_FIELD_CALL = re.compile(r"""visit_\w+\(\s*self\s*,\s*["'](\w+)["']""")

# Node types with no meaning of their own, and whatever can hold only them.
TRIVIA: frozenset[type[cst.CSTNode]] = frozenset(
    {
        cst.SimpleWhitespace,
        cst.ParenthesizedWhitespace,
        cst.TrailingWhitespace,
        cst.Newline,
        cst.Comment,
        cst.EmptyLine,
        cst.LeftParen,
        cst.RightParen,
        cst.LeftSquareBracket,
        cst.RightSquareBracket,
        cst.LeftCurlyBrace,
        cst.RightCurlyBrace,
        cst.Comma,
        cst.Semicolon,
        cst.Colon,
        cst.Dot,
        cst.AssignEqual,
    }
)
_TRIVIA_NAMES = frozenset(t.__name__ for t in TRIVIA)

_ORDER: dict[type, tuple[str, ...]] = {}
# Fields libcst visits only when they are not None (no attribute hooks fire for a None).
_CONDITIONAL: dict[type, frozenset[str]] = {}


def child_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of `node_type` that libcst visits, in its visiting order."""
    order = _ORDER.get(node_type)
    if order is None:
        order = _ORDER[node_type] = _read_order(node_type)
    return order


def _read_order(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    fields = [f.name for f in dataclasses.fields(node_type)] if dataclasses.is_dataclass(node_type) else []
    method = getattr(node_type, "_visit_and_replace_children", None)
    code = getattr(method, "__code__", None)
    if code is None:
        return tuple(fields)
    lines = linecache.getlines(code.co_filename)
    if not lines:
        return tuple(fields)
    body = _method_source(lines, code.co_firstlineno - 1)
    found: list[str] = []
    for name in _FIELD_CALL.findall(body):
        if name not in found:
            found.append(name)
    conditional = set(found) & set(_IF_NOT_NONE.findall(body))
    if conditional:
        _CONDITIONAL[node_type] = frozenset(conditional)
    return tuple(found)  # none: a leaf, or a node rebuilt from plain values


_MEANINGFUL: dict[type, tuple[str, ...]] = {}
_TRIVIA_BASES: tuple[type, ...] = (*TRIVIA, cst.BaseParenthesizableWhitespace)
# What a visited field holds when it holds no node (`None`, `MaybeSentinel.DEFAULT`, a string).
_NOT_NODES = frozenset({type(None), type(cst.MaybeSentinel.DEFAULT), str})


def meaningful_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    """`child_fields` without the fields whose declared type admits only trivia."""
    fields = _MEANINGFUL.get(node_type)
    if fields is None:
        declared = {f.name: f.type for f in dataclasses.fields(node_type)} if dataclasses.is_dataclass(node_type) else {}
        fields = _MEANINGFUL[node_type] = tuple(
            name for name in child_fields(node_type) if name not in declared or _may_hold_meaning(declared[name])
        )
    return fields


def _may_hold_meaning(annotation: object) -> bool:
    arguments = typing.get_args(annotation)
    if arguments:  # Sequence[X], Optional[X], Union[X, MaybeSentinel]
        return any(_may_hold_meaning(argument) for argument in arguments)
    if isinstance(annotation, type):
        if issubclass(annotation, cst.CSTNode):
            return not issubclass(annotation, _TRIVIA_BASES)
        return False  # str, None, MaybeSentinel
    return True  # a forward reference or anything unexpected: keep the field


def _method_source(lines: list[str], first: int) -> str:
    """The text of the `def` starting at line index `first` (up to the next line indented no deeper)."""
    head = lines[first]
    indent = len(head) - len(head.lstrip())
    out = [head]
    for line in lines[first + 1 :]:
        stripped = line.strip()
        if stripped and len(line) - len(line.lstrip()) <= indent and not stripped.startswith((")", "]")):
            break
        out.append(line)
    return "".join(out)


class _Plan:
    """How to drive one visitor class: which hooks it has, resolved once per node type."""

    def __init__(self, cls: type[cst.CSTVisitor]) -> None:
        base = cst.CSTVisitor
        self.generic_visit = cls.on_visit is not base.on_visit
        self.generic_leave = cls.on_leave is not base.on_leave
        self.generic_attr = (
            cls.on_visit_attribute is not base.on_visit_attribute
            or cls.on_leave_attribute is not base.on_leave_attribute
        )
        # libcst's CSTVisitor defines a no-op `visit_`/`leave_` for every node type and
        # field: only the methods of the visitor's own classes count.
        own: set[str] = set()
        for klass in cls.__mro__:
            if klass is base:
                break
            own.update(name for name in vars(klass) if name.startswith(("visit_", "leave_")))
        self.own = own
        # `visit_Try_orelse`: an attribute hook (node names have no underscore).
        self.attr_types = {name.split("_")[1] for name in own if name.count("_") >= 2}
        handled = {name.split("_")[1] for name in own}
        self.trivia = bool(getattr(cls, "visits_trivia", False)) or bool(handled & _TRIVIA_NAMES)
        self.visit_fn: dict[type, Callable[..., Any] | None] = {}
        self.leave_fn: dict[type, Callable[..., Any] | None] = {}

    def hook(self, cls: type, prefix: str, node_type: type, table: dict[type, Callable[..., Any] | None]) -> Any:
        """The visitor's own `visit_<Node>` / `leave_<Node>` (prefix) for a node type, remembered in `table`."""
        name = prefix + node_type.__name__
        fn = table[node_type] = getattr(cls, name) if name in self.own else None
        return fn


# Plans of module-level visitor classes. A class defined inside a function is a new
# class on every call: its plan is built per walk (cheap) and never kept.
_PLANS: dict[type, _Plan] = {}
_MISSING: Any = object()


def walk(root: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """Call `visitor`'s hooks over `root` and its descendants, as `root.visit(visitor)` would."""
    if not isinstance(visitor, cst.CSTVisitor):
        raise TypeError(f"walk() drives read-only CSTVisitors, not {type(visitor).__name__}")
    cls = type(visitor)
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _Plan(cls)
        if "<locals>" not in cls.__qualname__:
            _PLANS[cls] = plan
    skip: frozenset[type] = frozenset() if plan.trivia else TRIVIA
    # Without trivia, only the fields that can hold something else are read.
    order = _ORDER if plan.trivia else _MEANINGFUL
    fields_of = child_fields if plan.trivia else meaningful_fields
    generic_visit = plan.generic_visit
    generic_leave = plan.generic_leave
    generic_attr = plan.generic_attr
    attr_types = plan.attr_types
    visit_fn = plan.visit_fn
    leave_fn = plan.leave_fn
    node_class = cst.CSTNode

    def visit(node: cst.CSTNode) -> None:
        kind = type(node)
        if generic_visit:
            go = visitor.on_visit(node)
        else:
            fn = visit_fn.get(kind, _MISSING)
            if fn is _MISSING:
                fn = plan.hook(cls, "visit_", kind, visit_fn)
            go = fn is None or fn(visitor, node) is not False
        if go:
            if generic_attr or (attr_types and kind.__name__ in attr_types):
                every = child_fields(kind)  # every field has its attribute hooks
                conditional = _CONDITIONAL.get(kind, ())  # filled in by `child_fields`
                for name in every:
                    value = getattr(node, name)
                    if value is None and name in conditional:
                        continue
                    visitor.on_visit_attribute(node, name)
                    for child in value if type(value) is tuple or type(value) is list else (value,):
                        if isinstance(child, node_class) and type(child) not in skip:
                            visit(child)
                    visitor.on_leave_attribute(node, name)
            else:
                fields = order.get(kind)
                if fields is None:
                    fields = fields_of(kind)
                for name in fields:
                    value = getattr(node, name)
                    value_kind = type(value)
                    if value_kind is tuple or value_kind is list:
                        for child in value:
                            if type(child) not in skip:
                                visit(child)
                    elif value_kind not in _NOT_NODES and value_kind not in skip:
                        visit(value)
        if generic_leave:
            visitor.on_leave(node)
        else:
            fn = leave_fn.get(kind, _MISSING)
            if fn is _MISSING:
                fn = plan.hook(cls, "leave_", kind, leave_fn)
            if fn is not None:
                fn(visitor, node)

    try:
        if type(root) not in skip:
            visit(root)
    finally:
        # `visit` refers to itself through its closure: a reference cycle the garbage
        # collector would have to find. Break it here.
        visit = None  # type: ignore[assignment]
