"""Positions of chosen nodes, computed in one code-generation pass.

libcst's `PositionProvider` records a `CodeRange` for every node of the module,
which costs about twice the parse. claude-lint needs positions only where it
reports or fixes something, so this pass keeps the provider's semantics (the
"syntactic" ranges that leave out leading comments and blank lines) but only
books the nodes asked for, plus the child nodes their ranges are derived from.
It is exact: the ranges equal `PositionProvider`'s (tests compare them).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

from claude_lint.analysis.walk import child_fields
from claude_lint.core.diagnostics import Location

Range = tuple[Location, Location]
OffsetRange = tuple[int, int]  # text offsets, end exclusive


class _PositionState(CodegenState):  # type: ignore[misc]
    """A codegen state that tracks the text offset and records the ranges of target nodes only.

    libcst calls `add_token` for every token, `before_codegen`/`after_codegen`
    for every node and `record_syntactic_position` for most: these stay as
    cheap as possible. Generated code is the source text exactly (libcst
    round-trips), so an offset into it is an offset into the file; lines and
    columns are worked out later, for the few ranges that are used.
    """

    def __init__(self, module: cst.Module, targets: set[int], kinds: frozenset[type] = frozenset()) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.offset = 0
        self.last = 0  # the last token's length, for `pop_trailing_newline`
        # No token list is kept. Module's codegen reads its length only to give an empty
        # module its newline, which no position needs.
        self.tokens = _NOT_EMPTY
        self.targets = targets  # node ids
        self.kinds = kinds  # and every node of these types
        self.starts: dict[int, int] = {}
        self.ranges: dict[int, OffsetRange] = {}

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:  # the text itself is not needed
        self.last = length = len(value)
        self.offset += length

    def pop_trailing_newline(self) -> None:
        self.offset -= self.last

    def before_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.targets or type(node) in self.kinds:
            self.starts[key] = self.offset

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        # A syntactic range (recorded just before) wins, as in PositionProvider.
        if (key in self.targets or type(node) in self.kinds) and key not in self.ranges:
            self.ranges[key] = (self.starts[key], self.offset)

    def record_syntactic_position(  # type: ignore[override]
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> AbstractContextManager[None]:
        if id(node) not in self.targets and type(node) not in self.kinds:
            return _UNWANTED
        if start_node is None and end_node is None and _is_expression(type(node)) and not node.lpar:  # type: ignore[attr-defined]
            # An expression's syntactic range leaves out its parentheses: with none, it is
            # the range `after_codegen` records anyway.
            return _UNWANTED
        # The range is hoisted from children: book them too (they are generated inside).
        for child in (start_node, end_node):
            if child is not None:
                self.targets.add(id(child))
        return _Span(self, node, start_node, end_node)


class _AllPositionsState(_PositionState):
    """Every node's range (tests compare it with PositionProvider)."""

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts[id(node)] = self.offset

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key not in self.ranges:
            self.ranges[key] = (self.starts[key], self.offset)

    def record_syntactic_position(  # type: ignore[override]
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> AbstractContextManager[None]:
        return _Span(self, node, start_node, end_node)


class _Span:
    """Records one node's syntactic range around the generation of its tokens."""

    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(
        self, state: _PositionState, node: cst.CSTNode, start_node: cst.CSTNode | None, end_node: cst.CSTNode | None
    ) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is not None:
            # The node's tokens were not all generated (RecursionError in a chain of hundreds of
            # `elif`s): nothing to record, and the error goes on as it is (looking up the range of a
            # child never generated raised a KeyError at each level, each chaining the one before).
            return
        state = self.state
        start = self.start if self.start_node is None else state.ranges[id(self.start_node)][0]
        end = state.offset if self.end_node is None else state.ranges[id(self.end_node)][1]
        state.ranges[id(self.node)] = (start, end)


_UNWANTED = nullcontext()
_NOT_EMPTY = [""]  # what `tokens` looks like once something was generated
_EXPRESSION_TYPES: dict[type, bool] = {}


def _is_expression(kind: type) -> bool:
    known = _EXPRESSION_TYPES.get(kind)
    if known is None:
        known = _EXPRESSION_TYPES[kind] = issubclass(kind, cst.BaseExpression)
    return known


def offset_ranges(module: cst.Module, nodes: Iterable[cst.CSTNode] | None) -> tuple[dict[int, OffsetRange], int]:
    """(start, end) offsets into the generated code by node id, and that code's length.

    `nodes=None` computes all of them. It may hold a few more nodes than asked
    for (the children a range is derived from). libcst reproduces the source
    text, with rare exceptions (it drops a form feed that starts a line): when
    the length differs from the text's, offsets are into `module.code`.
    `location` turns an offset into a line and column.
    """
    if nodes is None:
        state: _PositionState = _AllPositionsState(module, set())
    else:
        state = _PositionState(module, {id(node) for node in nodes})
    module._codegen(state)
    return state.ranges, state.offset


# Reported by rules but not among `likely_reported`'s nodes: every one is booked in the first pass
# (a type test per node) rather than found later (CL402's `reply.content[0]`, CL403's `reply.content`).
_ALSO_REPORTED: frozenset[type] = frozenset({cst.Subscript, cst.Attribute})


class ChosenOffsets:
    """Offsets of chosen nodes from one pass over the module, and of any other node on demand.

    A node not chosen is found in its top-level statement, and only that statement is generated
    again (its offsets counted from where the first pass saw it start), not the whole module: a
    file with thousands of findings used to pay a second whole-module pass for one node no rule
    usually reports. The offsets equal `offset_ranges(module, None)`'s.
    """

    def __init__(self, module: cst.Module, nodes: Iterable[cst.CSTNode]) -> None:
        self.module = module
        state = _PositionState(module, {id(node) for node in nodes} | {id(stmt) for stmt in module.body}, _ALSO_REPORTED)
        module._codegen(state)
        self.ranges = state.ranges
        self.length = state.offset
        # Where each top-level statement's code starts (its leading blank lines and comments included).
        self._bases = [state.starts[id(stmt)] for stmt in module.body]
        self._owner: dict[int, int] = {}  # node id -> index of its top-level statement, as far as searched
        self._searched = 0  # statements searched so far, in order
        self._generated: set[int] = set()

    def get(self, key: int, default: OffsetRange | None = None) -> OffsetRange | None:
        found = self.ranges.get(key)
        if found is not None:
            return found
        index = self._statement_of(key)
        if index is None or index in self._generated:
            return default
        self._generated.add(index)
        state = _AllPositionsState(self.module, set())
        state.offset = self._bases[index]
        self.module.body[index]._codegen(state)
        for node_key, (start, end) in state.ranges.items():
            self.ranges.setdefault(node_key, (start, end))  # the first pass's ranges are the same
        return self.ranges.get(key, default)

    def _statement_of(self, key: int) -> int | None:
        """The index of the top-level statement holding the node, searching statements not yet searched."""
        owner = self._owner
        body = self.module.body
        while key not in owner and self._searched < len(body):
            index = self._searched
            pending: list[cst.CSTNode] = [body[index]]
            while pending:
                node = pending.pop()
                owner[id(node)] = index
                for name in child_fields(type(node)):
                    value = getattr(node, name)
                    if type(value) is tuple or type(value) is list:
                        pending.extend(child for child in value if isinstance(child, cst.CSTNode))
                    elif isinstance(value, cst.CSTNode):
                        pending.append(value)
            self._searched += 1
        return owner.get(key)


def line_starts_for(module: cst.Module, text: str, generated_length: int) -> tuple[list[int], Callable[[int], int] | None]:
    """Where each line of `text` starts, and how an offset of `offset_ranges` (into the generated
    code) becomes one into `text` when the two differ (None: they are the same)."""
    from claude_lint.core.lines import line_offsets

    starts = line_offsets(text)
    if generated_length == len(text):
        return starts, None
    return starts, generated_to_text(module.code, text)


def generated_to_text(code: str, text: str) -> Callable[[int], int]:
    """Offsets into `code` as offsets into `text`, of which libcst's generated code is the
    characters left when it drops some: a form feed that starts a line, a backslash continuation
    before the first statement (`\\` then a newline: the file's line numbers would be one off,
    and a fix at them edit the wrong line)."""
    points: list[int] = []  # code offsets from which one more character of the text was dropped
    i = j = 0
    while True:
        k = _common_prefix(code, i, text, j)
        i, j = i + k, j + k
        if i >= len(code) or j >= len(text):
            break
        j += 1  # a character of the text the code does not have
        points.append(i)

    def to_text(offset: int) -> int:
        return offset + bisect_right(points, offset)

    return to_text


def _common_prefix(a: str, i: int, b: str, j: int) -> int:
    """How many characters `a[i:]` and `b[j:]` share from their start (compared in big slices)."""
    limit = min(len(a) - i, len(b) - j)
    k, step = 0, 1 << 16
    while step:
        while k + step <= limit and a[i + k : i + k + step] == b[j + k : j + k + step]:
            k += step
        step >>= 1
    return k


def location(line_starts: Sequence[int], offset: int) -> Location:
    """The (1-based line, 0-based column) of a text offset, given where each line starts."""
    line = bisect_right(line_starts, offset)
    return Location(line, offset - line_starts[line - 1])


def node_ranges(module: cst.Module, nodes: Iterable[cst.CSTNode] | None) -> dict[int, Range]:
    """Ranges as `Location`s by node id; `nodes=None` computes all of them."""
    from claude_lint.core.lines import line_offsets

    nodes = None if nodes is None else list(nodes)
    wanted = None if nodes is None else {id(node) for node in nodes}
    starts = line_offsets(module.code)
    ranges, _ = offset_ranges(module, nodes)
    return {
        key: (location(starts, start), location(starts, end))
        for key, (start, end) in ranges.items()
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


class StatementOffsets:
    """Offsets of every node, kept per top-level statement across edits of one document.

    The language server re-lints after each edit with the statements that did
    not change carried over as the same node objects (`engine/incremental`),
    so their nodes' offsets relative to their statement stay valid: only the
    new statements are generated, and a statement's start is the sum of the
    lengths before it. A node id maps to (statement id, start, end); entries
    of statements no longer in the module are dropped before new ones are
    added, so an id reused by a new object is never read stale.
    """

    def __init__(self) -> None:
        self._owner: dict[int, tuple[int, int, int]] = {}
        self._keys: dict[int, tuple[cst.BaseStatement, list[int], int]] = {}  # stmt id -> (node, its keys, length)
        self._bases: dict[int, int] = {}

    def update(self, module: cst.Module) -> int:
        """Index `module`'s statements (generating only new ones); the generated code's length."""
        live = {id(stmt) for stmt in module.body}
        for key in [key for key in self._keys if key not in live]:
            _, node_keys, _ = self._keys.pop(key)
            for node_key in node_keys:
                self._owner.pop(node_key, None)
        offset = _trivia_length(module, module.header)
        bases: dict[int, int] = {}
        for stmt in module.body:
            key = id(stmt)
            known = self._keys.get(key)
            if known is None:
                state = _AllPositionsState(module, set())
                stmt._codegen(state)
                owner = self._owner
                for node_key, (start, end) in state.ranges.items():
                    owner[node_key] = (key, start, end)
                known = self._keys[key] = (stmt, list(state.ranges), state.offset)
            bases[key] = offset
            offset += known[2]
        self._bases = bases
        offset += _trivia_length(module, module.footer)
        if not module.has_trailing_newline and (module.body or module.header or module.footer):
            offset -= len(module.default_newline)
        return offset

    def get(self, key: int, default: OffsetRange | None = None) -> OffsetRange | None:
        found = self._owner.get(key)
        if found is None:
            return default
        base = self._bases[found[0]]
        return (base + found[1], base + found[2])

    def __bool__(self) -> bool:
        return bool(self._owner)


def _trivia_length(module: cst.Module, lines: Sequence[cst.EmptyLine]) -> int:
    state = _PositionState(module, set())
    for line in lines:
        line._codegen(state)
    return state.offset
