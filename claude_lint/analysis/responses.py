"""What code does with the value of a Claude call: the response, a stream, a coroutine.

The module model records calls, bindings and control flow, but not attribute or
subscript uses (`response.content[0].text`) nor what encloses an expression. The
response, stream and async rules (CL401-CL404, CL503-CL505, and CL301/CL502's
checks) need exactly that, so this module walks, once per module and only when one
of those rules runs, the bodies of the *frames* that contain direct call sites: each
function with one (not its nested functions, which are frames of their own) and the
module's top-level code (class bodies included, methods excluded). The walk records
each node's parent and every name use; the questions below are answered from those
records without walking again. Functions without direct call sites are never walked.

- `Frame.flows(expr)`: where a value goes (awaited, entered by `with`, an attribute
  read, iterated, returned, passed on, dropped), following plain `name = value`
  assignments to the name's uses.
- `MessageUse`: for a `messages.create`/`parse` (and `stream(...).get_final_message()`)
  result: `.content[i]` reads and loops over `.content`, the `.text` read from a block,
  block type checks, size checks, `stop_reason` checks, and `json.loads` of the text
  (also through `.strip()`-style copies, slices, `"".join(...)` and local names).

Names are matched within one frame by identifier, in source order (a loop's
second pass is not followed). A value assigned to a name reaches the name's later
loads up to a plain `name = ...` statement that every path to the load runs: one
in the same block, or in a block around the load (`Frame.loads_after`). An
assignment in a branch does not stop the earlier value reaching the loads after
the branch, up to 16 of them: past that the value is taken as replaced (each of
thousands of replies held in a name in branches could otherwise reach each later
read: quadratic work). A name bound to something else by other means (a `for`
target, `with ... as`) is not told apart (rare in call-site code, and it errs
towards silence for the "unused value" questions).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, cast

import libcst as cst

from claude_lint.analysis.model import CallSite, FunctionInfo, ModuleModel, Scope
from claude_lint.analysis.returns import returned_responses
from claude_lint.analysis.syntax import dotted, int_literal, literal_value
from claude_lint.analysis.values import ScopeFactsCollector, values_for
from claude_lint.analysis.walk import walk

RESPONSE_METHODS = frozenset({"messages.create", "messages.parse", "beta.messages.create", "beta.messages.parse"})
STREAM_METHODS = frozenset({"messages.stream", "beta.messages.stream"})
# `str` methods that return another string (a copy of the reply text).
_STR_METHODS = frozenset(
    {"strip", "lstrip", "rstrip", "removeprefix", "removesuffix", "replace", "lower", "upper",
     "casefold", "expandtabs", "format", "translate", "encode", "decode"}
)
_JSON_LOADS = frozenset({"json.loads"})
_JSON_ERRORS = frozenset(
    {"json.JSONDecodeError", "json.decoder.JSONDecodeError", "ValueError", "Exception", "BaseException"}
)
_INDEX_ERRORS = frozenset({"IndexError", "LookupError", "Exception", "BaseException"})

FlowKind = Literal[
    "await", "with", "attribute", "subscript", "iterate", "return", "yield", "argument",
    "element", "statement", "unused", "stored", "other",
]


@dataclass(frozen=True)
class Flow:
    kind: FlowKind
    node: cst.CSTNode  # the node that uses the value (the Await, Attribute, Call, ...)
    value: cst.CSTNode  # the expression whose value is used there (the call, or a name)


# A value held in a name is taken as replaced once the name has been assigned more than this many
# times on the way to a read, even in branches (`if r is None or ...: r = create(...)` before each
# of 3,000 reads): each of those replies may be the one the read sees, and following every one of
# them to every later read is quadratic in the reads, about nothing a reader would tell apart.
_MAX_ASSIGNMENTS_BETWEEN = 16

_OWN_SCOPES = frozenset({cst.FunctionDef, cst.Lambda, cst.ClassDef})
# The node types `ScopeFactsCollector` has a `visit_` method for.
_FACT_NODES = frozenset(
    getattr(cst, name[len("visit_"):]) for name in vars(ScopeFactsCollector)
    if name.startswith("visit_") and "_" not in name[len("visit_"):] and hasattr(cst, name[len("visit_"):])
)


class _FrameWalker(cst.CSTVisitor):
    def __init__(self, root: cst.CSTNode, facts: ScopeFactsCollector | None) -> None:
        self.root = root
        self.stack: list[cst.CSTNode] = []
        self.parents: dict[int, cst.CSTNode] = {}
        self.order: dict[int, int] = {}
        self.names: dict[str, list[cst.Name]] = defaultdict(list)
        # The function's scope facts are collected in the same pass (one walk, not two);
        # lambdas and nested classes are scopes of their own, so they are not fed to it.
        self.facts = facts
        self._own_scope_depth = 0

    # Hot: called for every node of every frame, so it avoids isinstance chains.
    def on_visit(self, node: cst.CSTNode) -> bool:
        key = id(node)
        stack = self.stack
        if stack:
            self.parents[key] = stack[-1]
        self.order[key] = len(self.order)
        stack.append(node)
        kind = type(node)
        if kind is cst.Name:
            name = cast(cst.Name, node)
            self.names[name.value].append(name)
        elif kind in _OWN_SCOPES and node is not self.root:
            if kind is cst.FunctionDef:
                return False  # a nested function is a frame of its own
            self._own_scope_depth += 1
            return True
        if self.facts is not None and not self._own_scope_depth and kind in _FACT_NODES:
            self.facts.on_visit(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()
        if type(original_node) in _OWN_SCOPES and original_node is not self.root:
            self._own_scope_depth -= 1


@dataclass(eq=False)
class Frame:
    """A function (or the module's top-level code) holding direct call sites."""

    node: cst.CSTNode
    function: FunctionInfo | None
    scope: Scope
    model: ModuleModel
    sites: list[CallSite] = field(default_factory=list)
    parents: dict[int, cst.CSTNode] = field(default_factory=dict)
    order: dict[int, int] = field(default_factory=dict)
    names: dict[str, list[cst.Name]] = field(default_factory=dict)
    # Calls of functions of other modules that return their Claude call's Message (read like one).
    replies: list[CallSite] = field(default_factory=list)
    # `loads` and `stores` by name: rules ask at every call site (a function of 3,000 calls).
    _uses: dict[tuple[str, bool], list[cst.Name]] = field(default_factory=dict, repr=False)
    # By name: each load's position, and where the latest assignment every path to it runs is.
    _positions: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _store_positions: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _overwrites: dict[str, list[tuple[int, bool]]] = field(default_factory=dict, repr=False)
    _assigned: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _stop_reasons: dict[int, tuple[set[str], list[StopReasonTest]]] = field(default_factory=dict, repr=False)

    @classmethod
    def walk(cls, node: cst.CSTNode, function: FunctionInfo | None, scope: Scope, model: ModuleModel) -> Frame:
        # A function frame is exactly its scope's own code: collect the scope facts on the way.
        facts = ScopeFactsCollector(node, model.imports.qualify) if function is not None else None
        walker = _FrameWalker(node, facts)
        walk(node, walker)
        if facts is not None:
            values_for(model).remember_facts(node, facts.facts)
        return cls(node, function, scope, model, [], walker.parents, walker.order, dict(walker.names))

    @property
    def is_async(self) -> bool:
        return self.function is not None and self.function.is_async

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(id(node))

    def ancestors(self, node: cst.CSTNode) -> Iterator[tuple[cst.CSTNode, cst.CSTNode]]:
        """(ancestor, its child on the way down to `node`), innermost first."""
        child = node
        parent = self.parent(child)
        while parent is not None:
            yield parent, child
            if parent is self.node:
                return
            child, parent = parent, self.parent(parent)

    def position(self, node: cst.CSTNode) -> int:
        return self.order.get(id(node), -1)

    def loads(self, name: str) -> list[cst.Name]:
        """Uses of `name` that read it (not assignment targets, attributes or keywords), in order; do not change the list."""
        found = self._uses.get((name, True))
        if found is None:
            found = self._uses[(name, True)] = [n for n in self.names.get(name, ()) if _is_load(n, self.parent(n))]
        return found

    def stores(self, name: str) -> list[cst.Name]:
        """Targets binding `name`, in order; do not change the list."""
        found = self._uses.get((name, False))
        if found is None:
            found = self._uses[(name, False)] = [n for n in self.names.get(name, ()) if _is_store(n, self.parent(n))]
        return found

    def store_positions(self, name: str) -> list[int]:
        """The position of each of `stores(name)`, in order; do not change the list."""
        found = self._store_positions.get(name)
        if found is None:
            found = self._store_positions[name] = [self.position(store) for store in self.stores(name)]
        return found

    def same_statement(self, store: cst.Name, load: cst.Name) -> bool:
        """`x = f(x)`: the load in the value reads the previous binding, not this one."""
        statement = next(
            (a for a, _ in self.ancestors(store) if isinstance(a, (cst.BaseSmallStatement, cst.BaseCompoundStatement))),
            None,
        )
        if not isinstance(statement, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            return False
        return any(a is statement for a, _ in self.ancestors(load))

    def loads_of_binding(self, store: cst.Name) -> Iterator[cst.Name]:
        """The loads that read the binding `store` (a `with ... as name`): those after it up to the
        next binding of the name, of any kind, in order (`x = f(x)` reads the binding before it).
        Not every load of the name: a `with ... as stream` block in each of 3,000 would each read
        every other block's stream."""
        name = store.value
        stores = self.stores(name)
        store_positions = self.store_positions(name)
        ours = bisect_left(store_positions, self.position(store))
        loads = self.loads(name)
        positions = self.load_positions(name)
        for index in range(bisect_right(positions, store_positions[ours]), len(loads)):
            latest = bisect_left(store_positions, positions[index]) - 1
            while latest > ours and self.same_statement(stores[latest], loads[index]):
                latest -= 1
            if latest > ours:
                return  # bound again: so is every later load
            yield loads[index]

    def load_positions(self, name: str) -> list[int]:
        """The position of each of `loads(name)`, in order; do not change the list."""
        found = self._positions.get(name)
        if found is None:
            found = self._positions[name] = [self.position(load) for load in self.loads(name)]
        return found

    def loads_after(self, name: str, expr: cst.CSTNode) -> Iterator[cst.Name]:
        """The loads of `name` that the value `expr` (assigned to `name`) reaches: those after it
        with no plain `name = ...` in between that every path to the load runs, and at most
        `_MAX_ASSIGNMENTS_BETWEEN` in between in all (branches included). In `r = a(); t = r.content;
        r = b(); u = r.content` the second read is `b()`'s only."""
        start = self.position(expr)
        overwrites = self._overwritten(name)
        loads = self.loads(name)
        positions = self.load_positions(name)
        assignments = self._assignments(name)
        later = bisect_right(assignments, start) + _MAX_ASSIGNMENTS_BETWEEN
        end = assignments[later] if later < len(assignments) else None
        for i in range(bisect_right(positions, start), len(loads)):
            if end is not None and positions[i] > end:
                return  # the name is assigned again too often on the way: taken as replaced
            overwritten_at, in_body = overwrites[i]
            if overwritten_at < start:
                yield loads[i]
            elif in_body:
                return  # overwritten in the frame's own body: so is every later load

    def loads_within(self, name: str, node: cst.CSTNode) -> Iterator[cst.Name]:
        """The loads of `name` inside `node`, in order."""
        loads = self.loads(name)
        return (loads[index] for index in self.load_indexes_within(name, node))

    def load_indexes_within(self, name: str, node: cst.CSTNode) -> range:
        """The indexes in `loads(name)` of the loads inside `node`: they come one after another, right
        after `node` in the walk's order (a loop's `block` in each of 3,000 loops: not every load of
        it in the function for each)."""
        loads = self.loads(name)
        first = end = bisect_right(self.load_positions(name), self.position(node))
        while end < len(loads) and any(a is node for a, _ in self.ancestors(loads[end])):
            end += 1
        return range(first, end)

    def stop_reason_read(self, attribute: cst.Attribute) -> tuple[set[str], list[StopReasonTest]]:
        """For a `reply.stop_reason` read: the strings it is compared with, and the conditions
        comparing it (each reply that reaches the read asks; do not change them)."""
        found = self._stop_reasons.get(id(attribute))
        if found is None:
            found = self._stop_reasons[id(attribute)] = (
                _compared_strings(self, attribute), _stop_reason_tests(self, attribute)
            )
        return found

    def _assignments(self, name: str) -> list[int]:
        """The positions of the targets of the plain `name = ...` statements of the frame (in any
        block), in order."""
        found = self._assigned.get(name)
        if found is None:
            found = self._assigned[name] = [
                self.position(store) for store in self.stores(name) if self._plain_assignment(store) is not None
            ]
        return found

    def _plain_assignment(self, store: cst.Name) -> cst.CSTNode | None:
        """The `Assign` (or `AnnAssign` with a value) that `store` is the whole target of."""
        target = self.parent(store)
        assign = self.parent(target) if isinstance(target, cst.AssignTarget) else target
        if isinstance(assign, cst.Assign) or isinstance(assign, cst.AnnAssign) and assign.value is not None:
            return assign
        return None

    def _overwritten(self, name: str) -> list[tuple[int, bool]]:
        """Per load of `name` (in order): the position of the latest assignment that overwrites
        `name` on every path to it (-1 if none), and whether that one is in the frame's body."""
        found = self._overwrites.get(name)
        if found is not None:
            return found
        # The `name = ...` statements directly in a block, by block: (statement position, target position).
        by_block: dict[int, tuple[list[int], list[int]]] = {}
        for store in self.stores(name):
            assign = self._plain_assignment(store)
            if assign is None:
                continue
            statement = self.parent(assign)
            if isinstance(statement, cst.SimpleStatementLine) and isinstance(
                block := self.parent(statement), (cst.IndentedBlock, cst.Module)
            ):
                starts, targets = by_block.setdefault(id(block), ([], []))
                starts.append(self.position(statement))  # stores come in source order
                targets.append(self.position(store))
        body = self.node if isinstance(self.node, cst.Module) else getattr(self.node, "body", None)
        overwrites: list[tuple[int, bool]] = []
        for load in self.loads(name):
            latest, in_body = -1, False
            if by_block:
                for ancestor, child in self.ancestors(load):
                    block_stores = by_block.get(id(ancestor))
                    if block_stores is None:
                        continue
                    starts, targets = block_stores
                    before = bisect_left(starts, self.position(child))  # statements before `child`
                    if before and targets[before - 1] > latest:
                        latest, in_body = targets[before - 1], ancestor is body
            overwrites.append((latest, in_body))
        self._overwrites[name] = overwrites
        return overwrites

    # -- where values go -------------------------------------------------------------

    def flows(self, expr: cst.CSTNode, depth: int = 0) -> list[Flow]:
        """Every place the value of `expr` is used, through plain name assignments."""
        parent = self.parent(expr)
        if parent is None or depth > 6:
            return [Flow("other", expr, expr)]
        if isinstance(parent, (cst.IfExp, cst.BooleanOperation)):
            return self.flows(parent, depth + 1)
        name = _assigned_name(parent, expr)
        if name is not None:
            if isinstance(parent, (cst.Assign, cst.AnnAssign)) and len(self.stores(name)) == 1:
                uses = [u for u in self.loads(name) if self.position(u) > self.position(expr)]
                if not uses:
                    return [Flow("unused", parent, expr)]
                return [flow for use in uses for flow in self._flow_at(use)]
            return [Flow("stored", parent, expr)]
        return self._flow_at(expr)

    def _flow_at(self, expr: cst.CSTNode) -> list[Flow]:
        parent = self.parent(expr)
        kind: FlowKind = "other"
        node: cst.CSTNode = parent if parent is not None else expr
        if isinstance(parent, cst.Await):
            kind = "await"
        elif isinstance(parent, cst.WithItem) and parent.item is expr:
            kind = "with"
        elif isinstance(parent, cst.Attribute) and parent.value is expr:
            kind = "attribute"
        elif isinstance(parent, cst.Subscript) and parent.value is expr:
            kind = "subscript"
        elif isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is expr:
            kind = "iterate"
        elif isinstance(parent, cst.Return):
            kind = "return"
        elif isinstance(parent, (cst.Yield, cst.From)):
            kind = "yield"
        elif isinstance(parent, cst.Arg):
            call = self.parent(parent)
            kind, node = "argument", call if call is not None else parent
        elif isinstance(parent, (cst.Element, cst.StarredElement, cst.DictElement, cst.StarredDictElement)):
            kind = "element"
        elif isinstance(parent, cst.Expr):
            kind = "statement"
        elif isinstance(parent, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.NamedExpr)):
            kind = "stored"
        elif isinstance(parent, (cst.IfExp, cst.BooleanOperation)):
            return self.flows(parent)
        return [Flow(kind, node, expr)]

    # -- enclosing handlers -----------------------------------------------------------

    def guarded_by(self, node: cst.CSTNode, catches: frozenset[str]) -> bool:
        """Inside a `try` body whose handler catches one of `catches` (or a bare `except:`),
        or a `with contextlib.suppress(...)` of one, within this frame."""
        for ancestor, child in self.ancestors(node):
            if isinstance(ancestor, (cst.Try, cst.TryStar)) and child is ancestor.body:
                for handler in ancestor.handlers:
                    if handler.type is None or any(self._names_type(t, catches) for t in _type_exprs(handler.type)):
                        return True
            elif isinstance(ancestor, cst.With) and child is ancestor.body:
                for item in ancestor.items:
                    call = item.item
                    if (
                        isinstance(call, cst.Call)
                        and (self.model.qualify(call.func) or "").endswith("suppress")
                        and any(self._names_type(arg.value, catches) for arg in call.args)
                    ):
                        return True
        return False

    def _names_type(self, expr: cst.BaseExpression, catches: frozenset[str]) -> bool:
        qualname = self.model.qualify(expr)
        return qualname is not None and (qualname in catches or qualname.rsplit(".", 1)[-1] in catches)


def _type_exprs(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(expr, cst.Tuple):
        return [element.value for element in expr.elements]
    return [expr]


# Run for every name of every frame: the parent's type is compared by identity (these node
# classes have no subclasses), not by isinstance, which goes through ABCMeta on libcst's classes.
_TARGET_HOLDERS = frozenset({cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.NamedExpr})
_NOT_LOADS = frozenset({cst.FunctionDef, cst.ClassDef, cst.Param, cst.ImportAlias, cst.Global, cst.Nonlocal, cst.NameItem})


def _is_store(name: cst.Name, parent: cst.CSTNode | None) -> bool:
    kind = type(parent)
    if kind in _TARGET_HOLDERS:
        return parent.target is name  # type: ignore[union-attr]
    return kind is cst.AsName and parent.name is name  # type: ignore[union-attr]


def _is_load(name: cst.Name, parent: cst.CSTNode | None) -> bool:
    kind = type(parent)
    if parent is None or kind is not cst.AugAssign and _is_store(name, parent):
        return False
    if kind is cst.Attribute:
        return parent.attr is not name  # type: ignore[attr-defined]
    if kind is cst.Arg:
        return parent.keyword is not name  # type: ignore[attr-defined]
    return kind not in _NOT_LOADS


def _assigned_name(parent: cst.CSTNode, value: cst.CSTNode) -> str | None:
    """`name` when `parent` is `name = value` (or `name: T = value`)."""
    if isinstance(parent, cst.Assign) and parent.value is value and len(parent.targets) == 1:
        target = parent.targets[0].target
        return target.value if isinstance(target, cst.Name) else None
    if isinstance(parent, cst.AnnAssign) and parent.value is value and isinstance(parent.target, cst.Name):
        return parent.target.value
    return None


# ---------------------------------------------------------------- responses


@dataclass(eq=False)
class ContentIndex:
    """`response.content[i]`, and the `.text` read from that block (directly or through a name)."""

    node: cst.Subscript
    text: cst.Attribute | None = None

    @property
    def literal(self) -> int | None:
        """`0` for `content[0]`, `-1` for `content[-1]`; None for a computed index."""
        element = self.node.slice[0].slice
        value = element.value if isinstance(element, cst.Index) else None
        return None if value is None else int_literal(value)


@dataclass(eq=False)
class ContentLoop:
    """Iteration over `response.content` (a `for` or a comprehension)."""

    node: cst.CSTNode  # the iterated `response.content` expression
    text: cst.Attribute | None = None
    type_checked: bool = False


@dataclass(eq=False)
class JsonParse:
    node: cst.Call
    guarded: bool


@dataclass(frozen=True)
class StopReasonTest:
    """`stop_reason` compared in a condition (`if`, `while`, `assert`, `x if c else y`, `match`)."""

    values: frozenset[str]  # the string literals it is compared with
    node: cst.CSTNode


@dataclass(eq=False)
class MessageUse:
    """How one call's Message is read in the frame that makes the call."""

    site: CallSite
    frame: Frame
    indexes: list[ContentIndex] = field(default_factory=list)
    loops: list[ContentLoop] = field(default_factory=list)
    text_reads: list[cst.Attribute] = field(default_factory=list)
    # `.input` read from a block (a `tool_use` block's arguments, written by the model).
    input_reads: list[cst.Attribute] = field(default_factory=list)
    json_parses: list[JsonParse] = field(default_factory=list)
    block_type_checked: bool = False
    size_checked: bool = False
    stop_reason_checked: bool = False
    # String literals `stop_reason` is compared with (`== "tool_use"`, `in ("max_tokens", ...)`).
    stop_reasons_compared: set[str] = field(default_factory=set)
    # Conditions that compare `stop_reason` (also through a name it is stored in).
    stop_reason_tests: list[StopReasonTest] = field(default_factory=list)
    # The Message itself leaves the frame (returned, passed on, stored): others may check it.
    escapes: bool = False
    # Names the Message is bound to, in order.
    names: list[str] = field(default_factory=list)
    # The call of a function of this module that returns `site`'s Message to this frame (`ask(q)`,
    # `await ask(q)`).
    via: cst.BaseExpression | None = None

    def label(self) -> str:
        """How to name the Message in a diagnostic: its variable, or the call that gives it here."""
        return self.names[0] if self.names else short_code(self.via if self.via is not None else self.site.node)

    def unhandled_stop_reasons(self, known: frozenset[str]) -> list[str]:
        """The incomplete `stop_reason` values no condition handles (empty: it is checked).

        A condition on `end_turn` (`!= "end_turn"`, or a branch for it) treats every other
        value as incomplete; otherwise `max_tokens`, and `refusal` where the SDK in use
        (`known`: its `StopReason` values) has it, must each be compared with. Storing or
        logging `stop_reason`, or comparing it only with `"tool_use"`, handles nothing.
        """
        compared = set().union(*(test.values for test in self.stop_reason_tests))
        if "end_turn" in compared:
            return []
        wanted = ["max_tokens", *(["refusal"] if "refusal" in known else [])]
        return [value for value in wanted if value not in compared]

    def first_text_read(self) -> cst.Attribute | None:
        return min(self.text_reads, key=self.frame.position) if self.text_reads else None


class _MessageTracer:
    def __init__(self, frame: Frame, use: MessageUse) -> None:
        self.frame = frame
        self.use = use
        self.seen: set[int] = set()

    def _first(self, node: cst.CSTNode) -> bool:
        if id(node) in self.seen:
            return False
        self.seen.add(id(node))
        return True

    def message(self, expr: cst.CSTNode) -> None:
        """`expr` evaluates to the Message."""
        if not self._first(expr):
            return
        frame = self.frame
        parent = frame.parent(expr)
        name = _assigned_name(parent, expr) if parent is not None else None
        if name is not None:
            self.use.names.append(name)
            for use in frame.loads_after(name, expr):
                self.message(use)
            return
        if isinstance(parent, cst.Attribute) and parent.value is expr:
            attr = parent.attr.value
            if attr == "stop_reason":
                self.use.stop_reason_checked = True
                compared, tests = frame.stop_reason_read(parent)
                self.use.stop_reasons_compared.update(compared)
                self.use.stop_reason_tests.extend(tests)
            elif attr == "content":
                self.content(parent)
            elif attr in _WHOLE_MESSAGE_DUMPS:
                self.use.escapes = True  # `response.model_dump()`: the whole reply, stop_reason included
            return
        if isinstance(parent, cst.Arg) and _is_output_call(frame, frame.parent(parent)):
            return  # `print(response)`, `logger.debug(response)`: shown, not handed on to be checked
        if isinstance(parent, (cst.Arg, cst.Return, cst.Yield, cst.Element, cst.DictElement, cst.Assign)):
            self.use.escapes = True

    def content(self, expr: cst.CSTNode) -> None:
        """`expr` evaluates to `message.content`."""
        if not self._first(expr):
            return
        frame = self.frame
        parent = frame.parent(expr)
        if isinstance(parent, cst.Subscript) and parent.value is expr:
            if len(parent.slice) == 1 and isinstance(parent.slice[0].slice, cst.Index):
                index = ContentIndex(parent)
                self.use.indexes.append(index)
                self.block(parent, index)
            return
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is expr:
            loop = ContentLoop(expr)
            self.use.loops.append(loop)
            if isinstance(parent.target, cst.Name):
                scope_node = parent if isinstance(parent, cst.For) else _comprehension_of(frame, parent)
                if scope_node is not None:
                    for use in frame.loads_within(parent.target.value, scope_node):
                        self.block(use, loop)
            return
        name = _assigned_name(parent, expr) if parent is not None else None
        if name is not None:
            for use in frame.loads_after(name, expr):
                self.content(use)
            return
        if _in_test(frame, expr):
            self.use.size_checked = True

    def block(self, expr: cst.CSTNode, owner: ContentIndex | ContentLoop) -> None:
        """`expr` evaluates to one content block."""
        frame = self.frame
        parent = frame.parent(expr)
        if isinstance(parent, cst.Attribute) and parent.value is expr:
            if parent.attr.value == "text":
                if owner.text is None:
                    owner.text = parent
                self.use.text_reads.append(parent)
                self.text(parent)
            elif parent.attr.value == "type":
                self._type_checked(owner)
            elif parent.attr.value == "input":
                self.use.input_reads.append(parent)
            return
        if isinstance(parent, cst.Arg):
            call = frame.parent(parent)
            if isinstance(call, cst.Call) and frame.model.qualify(call.func) in ("isinstance", "hasattr"):
                self._type_checked(owner)
            elif (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "append"
                and isinstance(call.func.value, cst.Name)
            ):
                self.block_list(call.func.value.value, call, owner)  # `tool_uses.append(block)`
            return
        if isinstance(parent, (cst.ListComp, cst.GeneratorExp)) and parent.elt is expr:
            holder = frame.parent(parent)  # `calls = [b for b in response.content if b.type == "tool_use"]`
            name = _assigned_name(holder, parent) if holder is not None else None
            if name is not None:
                self.block_list(name, parent, owner)
            return
        name = _assigned_name(parent, expr) if parent is not None else None
        if name is not None:
            for use in frame.loads_after(name, expr):
                self.block(use, owner)

    def block_list(self, name: str, after: cst.CSTNode, owner: ContentIndex | ContentLoop) -> None:
        """`name` holds content blocks (from `after` on, up to the next assignment of the name every
        path runs, as a reply name): the targets of loops over it are blocks."""
        frame = self.frame
        for use in frame.loads_after(name, after):
            loop = frame.parent(use)
            if (
                not isinstance(loop, cst.For)
                or loop.iter is not use
                or not isinstance(loop.target, cst.Name)
                or not self._first(loop)
            ):
                continue
            for target in frame.loads_within(loop.target.value, loop):
                self.block(target, owner)

    def _type_checked(self, owner: ContentIndex | ContentLoop) -> None:
        if isinstance(owner, ContentLoop):
            owner.type_checked = True
        else:
            self.use.block_type_checked = True

    def text(self, expr: cst.CSTNode) -> None:
        """`expr` evaluates to the reply text (or a copy of it)."""
        if not self._first(expr):
            return
        frame = self.frame
        parent = frame.parent(expr)
        if isinstance(parent, cst.Arg):
            call = frame.parent(parent)
            if (
                isinstance(call, cst.Call)
                and frame.model.qualify(call.func) in _JSON_LOADS
                and call.args
                and call.args[0] is parent
            ):
                self.use.json_parses.append(JsonParse(call, frame.guarded_by(call, _JSON_ERRORS)))
            return
        if isinstance(parent, cst.Attribute) and parent.value is expr and parent.attr.value in _STR_METHODS:
            call = frame.parent(parent)
            if isinstance(call, cst.Call) and call.func is parent:
                self.text(call)
            return
        if isinstance(parent, cst.Subscript) and parent.value is expr:
            self.text(parent)
            return
        if isinstance(parent, (cst.GeneratorExp, cst.ListComp)) and parent.elt is expr:
            arg = frame.parent(parent)  # `"".join(b.text for b in response.content)`
            call = frame.parent(arg) if isinstance(arg, cst.Arg) else None
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "join":
                self.text(call)
            return
        name = _assigned_name(parent, expr) if parent is not None else None
        if name is not None:
            for use in frame.loads_after(name, expr):
                self.text(use)


class _ElideArguments(cst.CSTTransformer):
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not updated_node.args:
            return updated_node
        return updated_node.with_changes(args=[cst.Arg(cst.Ellipsis())], whitespace_before_args=cst.SimpleWhitespace(""))


def short_code(expr: cst.BaseExpression) -> str:
    """An expression as written, with call arguments shown as `...` (for messages)."""
    plain = _plain_code(expr)
    if plain is not None:
        return plain
    elided = expr.visit(_ElideArguments())
    assert isinstance(elided, cst.BaseExpression)
    return " ".join(cst.Module([]).code_for_node(elided).split())


def _plain_code(expr: cst.BaseExpression) -> str | None:
    """`short_code` of the usual shapes written without spaces (`reply.content[0].text`,
    `client.messages.create(...)`) without a transformer pass (one per finding: a file may have
    thousands); None for any other."""
    if expr.lpar:
        return None
    # `type(...) is` (these node classes have no subclasses): a failed isinstance goes through
    # ABCMeta on libcst's classes, and this runs for each part of each finding's expression.
    if type(expr) is cst.Name:
        return expr.value
    if type(expr) is cst.Attribute:
        value = _plain_code(expr.value)
        tight = _tight(expr.dot.whitespace_before, expr.dot.whitespace_after)
        return f"{value}.{expr.attr.value}" if value is not None and tight else None
    if type(expr) is cst.Call:
        func = _plain_code(expr.func)
        if func is None or not _tight(expr.whitespace_after_func):
            return None
        return f"{func}(...)" if expr.args else f"{func}()" if _tight(expr.whitespace_before_args) else None
    if (
        type(expr) is cst.Subscript
        and len(expr.slice) == 1
        and type(expr.slice[0].slice) is cst.Index
        and _tight(expr.whitespace_after_value, expr.lbracket.whitespace_after, expr.rbracket.whitespace_before)
    ):
        value = _plain_code(expr.value)
        index = expr.slice[0].slice.value
        if value is None or index.lpar:
            return None
        if type(index) is cst.Integer or type(index) is cst.SimpleString:
            return f"{value}[{index.value}]"
        index_code = _plain_code(index)
        return None if index_code is None else f"{value}[{index_code}]"
    return None


def _tight(*spaces: cst.BaseParenthesizableWhitespace) -> bool:
    return all(type(space) is cst.SimpleWhitespace and not space.value for space in spaces)


def _compared_strings(frame: Frame, expr: cst.CSTNode) -> set[str]:
    parent = frame.parent(expr)
    found: set[str] = set()
    if isinstance(parent, cst.Comparison):
        for target in parent.comparisons:
            comparator = target.comparator
            elements = comparator.elements if isinstance(comparator, (cst.Tuple, cst.List, cst.Set)) else None
            for value in [e.value for e in elements] if elements is not None else [comparator]:
                if isinstance(value, cst.SimpleString) and isinstance(literal_value(value), str):
                    found.add(literal_value(value))
    return found


# Methods that turn the whole Message into data handed on elsewhere.
_WHOLE_MESSAGE_DUMPS = frozenset({"model_dump", "model_dump_json", "to_dict", "to_json", "dict", "json"})
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})


def _is_output_call(frame: Frame, call: cst.CSTNode | None) -> bool:
    """`print(...)`, `pprint(...)` or a logging call (`logger.info(...)`, `logging.debug(...)`)."""
    if not isinstance(call, cst.Call):
        return False
    qualname = frame.model.qualify(call.func) or ""
    if qualname in ("print", "pprint.pprint", "rich.print"):
        return True
    return isinstance(call.func, cst.Attribute) and call.func.attr.value in _LOG_METHODS and (
        qualname.startswith("logging.") or "log" in (dotted(call.func.value) or "").lower()
    )


def _stop_reason_tests(frame: Frame, expr: cst.CSTNode, depth: int = 0) -> list[StopReasonTest]:
    """Conditions comparing the value of `expr` (`response.stop_reason`, or a name holding it)."""
    parent = frame.parent(expr)
    if parent is None or depth > 3:
        return []
    name = _assigned_name(parent, expr)
    if name is not None:
        return [test for use in frame.loads_after(name, expr) for test in _stop_reason_tests(frame, use, depth + 1)]
    if isinstance(parent, cst.Match) and parent.subject is expr:
        values = {v for case in parent.cases for v in _pattern_strings(case.pattern)}
        return [StopReasonTest(frozenset(values), parent)] if values else []
    if isinstance(parent, cst.Comparison) and _in_condition(frame, parent):
        values = _compared_strings(frame, expr)
        return [StopReasonTest(frozenset(values), parent)] if values else []
    return []


def _pattern_strings(pattern: cst.MatchPattern) -> set[str]:
    if isinstance(pattern, cst.MatchValue) and isinstance(pattern.value, cst.SimpleString):
        value = literal_value(pattern.value)
        return {value} if isinstance(value, str) else set()
    if isinstance(pattern, cst.MatchOr):
        return {v for element in pattern.patterns for v in _pattern_strings(element.pattern)}
    if isinstance(pattern, cst.MatchAs) and pattern.pattern is not None:
        return _pattern_strings(pattern.pattern)
    return set()


def _in_condition(frame: Frame, expr: cst.CSTNode) -> bool:
    """Whether `expr` is (part of) the test of an `if`, `while`, `assert` or conditional expression."""
    for ancestor, child in frame.ancestors(expr):
        if isinstance(ancestor, (cst.If, cst.While, cst.Assert, cst.IfExp)) and child is ancestor.test:
            return True
        if isinstance(ancestor, cst.CompIf):
            return True
        if not isinstance(ancestor, (cst.BooleanOperation, cst.UnaryOperation, cst.Comparison)):
            return False
    return False


def _comprehension_of(frame: Frame, comp_for: cst.CompFor) -> cst.CSTNode | None:
    for ancestor, _ in frame.ancestors(comp_for):
        if isinstance(ancestor, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            return ancestor
    return None


def _in_test(frame: Frame, expr: cst.CSTNode) -> bool:
    """Whether `expr` is read as a condition or a size (`if response.content`, `len(...)`)."""
    for ancestor, child in frame.ancestors(expr):
        if isinstance(ancestor, (cst.If, cst.While)) and child is ancestor.test:
            return True
        if isinstance(ancestor, cst.Assert) and child is ancestor.test:
            return True
        if isinstance(ancestor, cst.IfExp) and child is ancestor.test:
            return True
        if isinstance(ancestor, (cst.BooleanOperation, cst.Comparison, cst.UnaryOperation)):
            return True
        if isinstance(ancestor, cst.Call) and frame.model.qualify(ancestor.func) in ("len", "bool", "any", "all"):
            return True
        if isinstance(ancestor, cst.BaseStatement):
            return False
    return False


def _value_of_call(frame: Frame, call: cst.Call) -> cst.BaseExpression:
    """The call, or the `await` around it."""
    parent = frame.parent(call)
    return parent if isinstance(parent, cst.Await) else call


@dataclass(eq=False)
class ModuleFrames:
    model: ModuleModel
    frames: list[Frame]
    by_site: dict[int, Frame]
    _messages: list[MessageUse] | None = None
    _by_function: dict[int, Frame] = field(default_factory=dict)

    def frame_of(self, site: CallSite) -> Frame | None:
        return self.by_site.get(id(site))

    def frame_for(self, function: FunctionInfo | None) -> Frame:
        """The frame of any function (None: the module's top-level code), walked once when first asked."""
        key = id(function) if function is not None else 0
        frame = self._by_function.get(key)
        if frame is None:
            for known in self.frames:
                if known.function is function:
                    frame = known
                    break
            else:
                if function is not None:
                    frame = Frame.walk(function.node, function, function.scope, self.model)
                else:
                    frame = Frame.walk(self.model.module, None, self.model.module_scope, self.model)
            self._by_function[key] = frame
        return frame

    def messages(self) -> list[MessageUse]:
        """How each direct `create`/`parse` call's Message is read (and `stream(...).get_final_message()`),
        also where a function of the module returns it to a caller in the module."""
        if self._messages is None:
            self._messages = [use for frame in self.frames for use in _trace_messages(frame)]
            self._messages += self._returned_messages()
        return self._messages

    def _returned_messages(self) -> list[MessageUse]:
        """`reply = ask(q)` then `reply.content[0].text`, where `ask` returns `client.messages.create(...)`."""
        sites = [site for frame in self.frames for site in frame.sites if _is_message_call(site)]
        out = []
        for returned in returned_responses(self.model, sites):
            frame = self.frame_for(returned.record.frame)
            value = _value_of_call(frame, returned.record.node)  # `(await ask(q))` where it is awaited
            use = MessageUse(returned.site, frame, via=value)
            tracer = _MessageTracer(frame, use)
            tracer.message(value)
            if use.indexes or use.loops or use.text_reads or use.json_parses:
                out.append(use)
        return out


def _trace_messages(frame: Frame) -> list[MessageUse]:
    out: list[MessageUse] = []
    for site in [*frame.sites, *frame.replies]:
        if site.raw_response:
            continue  # an APIResponse / streamed response, read through `.parse()`
        if site.remote is not None:  # `ask_claude(q)` returns the Message of its call (another module)
            use = MessageUse(site, frame)
            _MessageTracer(frame, use).message(_value_of_call(frame, site.node))
            out.append(use)
        elif site.method in RESPONSE_METHODS:
            if not _is_message_call(site):
                continue  # a Stream of events, not a Message
            use = MessageUse(site, frame)
            _MessageTracer(frame, use).message(_value_of_call(frame, site.node))
            out.append(use)
        elif site.method in STREAM_METHODS:
            use = MessageUse(site, frame)
            tracer = _MessageTracer(frame, use)
            for final in _final_messages(frame, site):
                tracer.message(final)
            if tracer.seen:
                out.append(use)
    return out


def message_reads(frame: Frame, values: list[cst.Name]) -> tuple[list[cst.Attribute], list[cst.Attribute]]:
    """The `.text` and `.input` reads of the blocks of a Message that `values` (names in `frame`)
    hold, which no call of this module made (a parameter annotated as one)."""
    use = MessageUse(cast(CallSite, None), frame)  # no call site: only the reads are asked for
    tracer = _MessageTracer(frame, use)
    for value in values:
        tracer.message(value)
    return use.text_reads, use.input_reads


def _is_message_call(site: CallSite) -> bool:
    """A `create`/`parse` that returns a Message: not `stream=True`. An unknown `stream=flag`
    is unknown, not a stream: code that reads `.content` from the result expects a Message."""
    if site.raw_response or site.method not in RESPONSE_METHODS:
        return False
    stream = site.keyword("stream")
    return stream is None or not (isinstance(stream.value, cst.Name) and stream.value.value == "True")


def _final_messages(frame: Frame, site: CallSite) -> Iterator[cst.CSTNode]:
    """`stream.get_final_message()` calls on the stream a `with client.messages.stream(...) as stream` opens."""
    for attribute in _stream_attributes(frame, site, "get_final_message"):
        call = frame.parent(attribute)
        if isinstance(call, cst.Call) and call.func is attribute:
            yield _value_of_call(frame, call)


def stream_text(frame: Frame, site: CallSite) -> list[cst.CSTNode]:
    """The reply text a `with client.messages.stream(...) as stream` block reads:
    `stream.text_stream` (iterated chunk by chunk) and `stream.get_final_text()` calls."""
    found: list[cst.CSTNode] = list(_stream_attributes(frame, site, "text_stream"))
    for attribute in _stream_attributes(frame, site, "get_final_text"):
        call = frame.parent(attribute)
        if isinstance(call, cst.Call) and call.func is attribute:
            found.append(_value_of_call(frame, call))
    return found


def _stream_attributes(frame: Frame, site: CallSite, name: str) -> Iterator[cst.Attribute]:
    parent = frame.parent(site.node)
    if not (isinstance(parent, cst.WithItem) and parent.asname is not None and isinstance(parent.asname.name, cst.Name)):
        return
    for use in frame.loads_of_binding(parent.asname.name):
        attribute = frame.parent(use)
        if isinstance(attribute, cst.Attribute) and attribute.value is use and attribute.attr.value == name:
            yield attribute


def frames_for(model: ModuleModel) -> ModuleFrames:
    """The frames of a module's direct call sites, walked once and shared by every rule."""
    return model.shared(_walk_frames)


def _walk_frames(model: ModuleModel) -> ModuleFrames:
    frames: dict[int, Frame] = {}
    by_site: dict[int, Frame] = {}
    # Calls of functions of other modules that return their call's Message are read the same way.
    replies = [s for s in model.call_sites if s.remote is not None and s.remote.returns == "message"]
    for site in [*model.direct_call_sites, *replies]:
        info = site.frame
        key = id(info) if info is not None else 0
        frame = frames.get(key)
        if frame is None:
            if info is not None:
                frame = Frame.walk(info.node, info, info.scope, model)
            else:
                frame = Frame.walk(model.module, None, model.module_scope, model)
            frames[key] = frame
        (frame.replies if site.remote is not None else frame.sites).append(site)
        by_site[id(site)] = frame
    return ModuleFrames(model, list(frames.values()), by_site)
