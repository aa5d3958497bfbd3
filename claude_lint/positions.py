"""Positions of chosen nodes, computed in one code-generation pass.

libcst's `PositionProvider` records a `CodeRange` for every node of the module,
which costs about twice the parse. claude-lint needs positions only where it
reports or fixes something, so this pass keeps the provider's semantics (the
"syntactic" ranges that leave out leading comments and blank lines) but only
books the nodes asked for, plus the child nodes their ranges are derived from.
It is exact: the ranges equal `PositionProvider`'s (tests compare them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

from claude_lint.diagnostics import Location

_NEWLINE = re.compile(r"\r\n?|\n")
Range = tuple[Location, Location]


class _PositionState(CodegenState):  # type: ignore[misc]
    """A codegen state that tracks line/column and records ranges of target nodes only."""

    def __init__(self, module: cst.Module, targets: set[int] | None) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.column = 0
        self.targets = targets  # node ids; None records every node
        self.starts: dict[int, tuple[int, int]] = {}
        self.ranges: dict[int, tuple[tuple[int, int], tuple[int, int]]] = {}

    def _wanted(self, key: int) -> bool:
        return self.targets is None or key in self.targets

    def _advance(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self._advance(token)

    def add_token(self, value: str) -> None:
        self._advance(value)  # the text itself is not needed

    def pop_trailing_newline(self) -> None:
        pass  # no token list; the last newline comes after every node's range

    def before_codegen(self, node: cst.CSTNode) -> None:
        if self._wanted(id(node)):
            self.starts[id(node)] = (self.line, self.column)

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        # A syntactic range (recorded just before) wins, as in PositionProvider.
        if self._wanted(key) and key not in self.ranges:
            self.ranges[key] = (self.starts[key], (self.line, self.column))

    @contextmanager
    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> Iterator[None]:
        if not self._wanted(id(node)):
            yield
            return
        # The range is hoisted from children: book them too (they are generated inside).
        if self.targets is not None:
            for child in (start_node, end_node):
                if child is not None:
                    self.targets.add(id(child))
        start = (self.line, self.column)
        try:
            yield
        finally:
            end = (self.line, self.column)
            if start_node is not None:
                start = self.ranges[id(start_node)][0]
            if end_node is not None:
                end = self.ranges[id(end_node)][1]
            self.ranges[id(node)] = (start, end)


def node_ranges(module: cst.Module, nodes: Iterable[cst.CSTNode] | None) -> dict[int, Range]:
    """Ranges (1-based line, 0-based column) by node id; `nodes=None` computes all of them."""
    wanted = None if nodes is None else {id(node) for node in nodes}
    state = _PositionState(module, None if wanted is None else set(wanted))
    module._codegen(state)
    return {
        key: (Location(*start), Location(*end))
        for key, (start, end) in state.ranges.items()
        if wanted is None or key in wanted  # not the children booked along the way
    }


def likely_reported(model: Any) -> Iterator[cst.CSTNode]:
    """Nodes rules report or edit: handlers, calls and their arguments, raises, loops, decorators."""
    for handler in model.handlers:
        yield handler.node
        if handler.node.type is not None:
            yield handler.node.type
            yield from (t.node for t in handler.types)
    for record in model.calls:
        call = record.node
        yield call
        func: cst.BaseExpression = call.func
        while isinstance(func, cst.Attribute):  # `client.messages.create`: the client too
            yield func
            func = func.value
        yield func
        for arg in call.args:
            yield arg
            yield arg.value
    for record in model.raises:
        yield record.node
        if record.node.exc is not None:
            yield record.node.exc
    yield from model.module.body  # imports are added after the last top-level import
    for try_info in model.trys:  # helper fixes copy a try body's statements
        body = try_info.node.body
        if isinstance(body, cst.IndentedBlock):
            yield from body.body
    for loop in model.loops:
        yield loop.node
        if loop.node.orelse is not None:
            yield loop.node.orelse
    for function in model.functions:
        yield from function.decorators
        body = function.node.body
        if isinstance(body, cst.IndentedBlock):
            yield from body.body
    for attribute, _ in model.sdk_attribute_refs:
        yield attribute
        yield attribute.attr
        yield attribute.value
