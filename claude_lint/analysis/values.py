"""What values reach a call's arguments, as far as reading the code can tell.

Rules about requests need the literal behind `model=MODEL`, the dicts inside
`messages=history`, and the keys of `**params`. This module follows names through
the module model's `Scope.bindings` (assignments, annotated assignments, `with ...
as`), in Python's scope order (class bodies are skipped for methods), and evaluates:

- literals: strings (also implicitly concatenated, and f-strings without
  placeholders), numbers, `None`/`True`/`False`;
- `a if c else b` and `a or b` (each side is a possible value);
- parameter defaults (`def ask(model="claude-...")`): a possible value, never the only one;
- `os.environ.get(KEY, default)` / `os.getenv(KEY, default)`: the default is possible;
- `CONSTANTS["key"]` on a dict literal, `self.attr` assigned in the class;
- list and dict literals, `dict(...)` and `...MessageParam(...)` calls, `**other`,
  `[...] + [...]`, and `**kwargs` built from a local dict literal.

An f-string with placeholders, a call, or a name bound in a way bindings do not
record (a `for` target, an import, `+=`, a walrus, tuple unpacking) has no known
value: rules stay silent about it. Every result says whether it is *complete*
(every value the expression can take is listed) so that a rule that reports an
absence (`messages` is empty, `max_tokens` is missing) only does so when nothing
else can reach the call: a list that is appended to, or passed to another function,
is not known to stay empty.

How a scope uses its names (`ScopeFacts`: stores bindings miss, lists grown or
handed on) costs a walk of the scope's code. For a function with direct call
sites that walk is the one `claude_lint.analysis.responses` makes anyway, which collects the
facts on its way (`ScopeFactsCollector` fed by its walker); other scopes (the
module, a class, an enclosing function) are walked here, once, when first asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import libcst as cst

from claude_lint.analysis.model import CallSite, ModuleModel, Scope
from claude_lint.analysis.records import HELPER_KEYWORDS
from claude_lint.analysis.syntax import dotted, literal_value, number_literal
from claude_lint.analysis.walk import walk

Scalar = str | bytes | int | float | bool | None

_MAX_DEPTH = 12
# A list name bound more often than this in one scope is not read: its possible elements are
# every binding's together (bindings are not ordered), and with hundreds (a script rebinding
# `messages` before each of its calls) each call would read them all, about nothing useful.
_MAX_LIST_BINDINGS = 16
# A `**mapping` of more keys than this is taken as unknown content: each call's arguments copy
# the keys (a request dict holds a dozen at most), and one of thousands splatted into each of thousands
# of calls made millions of arguments, and CL305 a finding for each unknown key at each call.
_MAX_SPLAT_KEYS = 32
# Methods that add to a list or dict, and methods that remove from one.
_GROWING = frozenset({"append", "extend", "insert", "update", "setdefault", "__setitem__", "__iadd__"})
_SHRINKING = frozenset({"pop", "remove", "clear", "popitem", "__delitem__"})
# Functions that read their argument and never change it.
_READ_ONLY_FUNCTIONS = frozenset(
    {"len", "print", "repr", "str", "bool", "id", "type", "isinstance", "json.dumps", "copy.deepcopy",
     "copy.copy", "list", "dict", "tuple", "sorted", "any", "all", "enumerate"}
)
_OMITTED = frozenset({"NOT_GIVEN", "not_given", "omit", "NotGiven", "Omit"})
_ENV_DEFAULT_FUNCTIONS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})


@dataclass(frozen=True)
class Known:
    """A value an expression can take, and the literal that writes it."""

    value: Scalar
    node: cst.BaseExpression


@dataclass(frozen=True)
class Possible:
    values: tuple[Known, ...]
    complete: bool  # every value the expression can take is in `values`

    def single(self) -> Known | None:
        """The value when the expression can take exactly one."""
        return self._single

    @cached_property
    def _single(self) -> Known | None:
        if not self.complete or not self.values:
            return None
        first = self.values[0]
        return first if all(v.value == first.value and type(v.value) is type(first.value) for v in self.values) else None

    def strings(self) -> list[Known]:
        return list(self.string_values)

    @cached_property
    def string_values(self) -> tuple[Known, ...]:
        """The string values; one object for each `Possible` (a name's values are one `Possible`
        wherever it is read, so a rule can pass over those it met at another call)."""
        return tuple(v for v in self.values if isinstance(v.value, str))


@dataclass(frozen=True)
class Item:
    """An element of a list, or a value in a dict, with the scope its names live in."""

    expr: cst.BaseExpression
    scope: Scope
    # The node to point at: the dict element (`"role": "system"`), keyword or list element.
    node: cst.CSTNode


@dataclass
class SequenceValue:
    """A list's (or tuple's) elements as far as known."""

    items: list[Item] = field(default_factory=list)
    complete: bool = True  # no element outside `items` can be there
    # Elements may have been removed after construction (`pop`, `del`, `clear`).
    may_shrink: bool = False

    @property
    def definitely_empty(self) -> bool:
        return self.complete and not self.items

    def absorb(self, inner: SequenceValue | None) -> None:
        """Take in a nested sequence (`*other`, a name's value); None: one we cannot read."""
        if inner is None:
            self.complete = False
            return
        self.items.extend(inner.items)
        self.complete &= inner.complete
        self.may_shrink |= inner.may_shrink


@dataclass
class MappingValue:
    """A dict's entries with string keys, as far as known."""

    entries: dict[str, Item] = field(default_factory=dict)
    complete: bool = True
    may_shrink: bool = False

    def absorb(self, inner: MappingValue | None, *, shrink: bool = True) -> None:
        """Take in a nested mapping (`**other`); None: one we cannot read.

        `shrink=False` for a copy (`dict(other)`): removals from `other` are taken to
        come after the copy, so they do not make it shrink.
        """
        if inner is None:
            self.complete = False
            return
        self.entries.update(inner.entries)
        self.complete &= inner.complete
        if shrink:
            self.may_shrink |= inner.may_shrink


@dataclass
class Arguments:
    """A call's keyword arguments, with those from `**dict` splats resolved."""

    keywords: dict[str, Item] = field(default_factory=dict)
    # Positional arguments (not `*args`).
    positional: list[cst.Arg] = field(default_factory=list)
    # False when a `*args` or `**kwargs` whose content is unknown may add arguments.
    complete: bool = True
    # Keys from a splatted dict that may have been removed from it.
    may_shrink: bool = False
    # Where a keyword came from: the `name=` Arg, or the `**params` Arg holding the key.
    arg_nodes: dict[str, cst.Arg] = field(default_factory=dict)


@dataclass
class ScopeFacts:
    """How names are used in one scope's own code (not nested functions or classes)."""

    other_stores: set[str] = field(default_factory=set)  # bound in ways bindings do not record
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    grown: set[str] = field(default_factory=set)
    shrunk: set[str] = field(default_factory=set)
    escaped: set[str] = field(default_factory=set)  # passed to code that might change it, or aliased
    params: dict[str, cst.Param] = field(default_factory=dict)


def _target_names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


def _is_claude_method(func: cst.BaseExpression) -> bool:
    """`<x>.messages.create(...)` and its kin read the request; they never change it."""
    name = dotted(func) or (func.attr.value if isinstance(func, cst.Attribute) else "")
    parts = name.split(".")
    return len(parts) >= 2 and parts[-2] in ("messages", "completions", "batches") and parts[-1] in (
        "create", "stream", "parse", "count_tokens"
    )


class ScopeFactsCollector(cst.CSTVisitor):
    """Collects a `ScopeFacts`; run alone, or fed nodes by another walk (`on_visit`)."""

    def __init__(self, root: cst.CSTNode, qualify: Callable[[cst.BaseExpression], str | None]) -> None:
        self.root = root
        self.qualify = qualify
        self.facts = ScopeFacts()

    # Nested scopes are analysed on their own.
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return node is self.root

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return node is self.root

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Param(self, node: cst.Param) -> bool:
        # Only the root function's own parameters; defaults are evaluated outside it.
        self.facts.params.setdefault(node.name.value, node)
        return False

    def visit_Global(self, node: cst.Global) -> None:
        self.facts.globals.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.facts.nonlocals.update(item.name.value for item in node.names)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._store(target.target)
        if isinstance(node.value, cst.Name):
            self.facts.escaped.add(node.value.value)  # aliased: `history = messages`

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._store(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.facts.other_stores.add(node.target.value)
            self.facts.grown.add(node.target.value)
        else:
            self._store(node.target)

    def _store(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            self.facts.other_stores.update(_target_names(target))
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            self.facts.grown.add(target.value.value)

    def visit_Del(self, node: cst.Del) -> None:
        targets = node.target.elements if isinstance(node.target, cst.Tuple) else [node.target]
        for target in targets:
            expr = target.value if isinstance(target, cst.Element) else target
            if isinstance(expr, cst.Name):
                self.facts.other_stores.add(expr.value)
            elif isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Name):
                self.facts.shrunk.add(expr.value.value)

    def visit_For(self, node: cst.For) -> None:
        self.facts.other_stores.update(_target_names(node.target))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.facts.other_stores.update(_target_names(node.target))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and not isinstance(node.asname.name, cst.Name):
            self.facts.other_stores.update(_target_names(node.asname.name))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self.facts.other_stores.add(node.name.name.value)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.facts.other_stores.add(alias.asname.name.value)
            else:
                name = dotted(alias.name)
                if name:
                    self.facts.other_stores.add(name.split(".", 1)[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            target = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(target, cst.Name):
                self.facts.other_stores.add(target.value)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self.facts.other_stores.add(node.name.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if func.attr.value in _GROWING:
                self.facts.grown.add(func.value.value)
            elif func.attr.value in _SHRINKING:
                self.facts.shrunk.add(func.value.value)
        if self.qualify(func) in _READ_ONLY_FUNCTIONS or _is_claude_method(func):
            return
        for arg in node.args:
            if isinstance(arg.value, cst.Name):
                self.facts.escaped.add(arg.value.value)

    def _escape_element(self, value: cst.BaseExpression) -> None:
        if isinstance(value, cst.Name):
            self.facts.escaped.add(value.value)

    def visit_Element(self, node: cst.Element) -> None:
        self._escape_element(node.value)

    def visit_StarredElement(self, node: cst.StarredElement) -> None:
        self._escape_element(node.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._escape_element(node.value)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._escape_element(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression):
            self._escape_element(node.value)


class Values:
    """Evaluates expressions of one module; build with `values_for(model)`."""

    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self._facts: dict[int, ScopeFacts] = {}
        # possible() by (expression, scope): rules ask about the same argument (CL302, CL303 and
        # CL304 each about every `model=`); the objects are kept, so their ids stay theirs.
        self._possible: dict[tuple[int, int], tuple[cst.BaseExpression, Scope, Possible]] = {}
        # What a name is bound to, by (name, id of the scope binding it): the same list wherever
        # the name is read (a constant read at 3,000 calls), and
        # their one `Possible` by id of that list, with the nodes collecting it met (`_shared_name`).
        self._bound: dict[tuple[str, int, bool], list[tuple[cst.BaseExpression, Scope]]] = {}
        self._names: dict[int, tuple[list[tuple[cst.BaseExpression, Scope]], Possible, set[int]]] = {}
        self._met: set[int] | None = None
        # `self.x` read in a class's methods: the values of every `self.x = ...` in the class, one
        # `Possible` per (class, attribute) with the nodes collecting it met, like `_names` (a
        # `self.model` rebound before each of 3,000 calls that send it), and which method each
        # `self.x = value` is written in, found by one walk of the class's methods.
        self._attributes: dict[tuple[int, str], tuple[Scope, Possible, set[int]]] = {}
        self._method_scopes: dict[int, tuple[Scope, dict[int, Scope]]] = {}
        # The dict (list) a name holds, by (name, id(scope binding it), depth): `MODELS[key]` (`tools=TOOLS`)
        # at each of thousands of calls read all of it again. Shared: do not change what they return.
        self._named_mappings: dict[tuple[str, int, int], MappingValue | None] = {}
        self._named_sequences: dict[tuple[str, int, int], SequenceValue | None] = {}
        # id(group of request_model_groups) -> (the group, its values as strings)
        self._model_names: dict[int, tuple[tuple[Known, ...], frozenset[str]]] = {}

    # -- scopes --------------------------------------------------------------------

    def facts(self, scope: Scope) -> ScopeFacts:
        # A function with call sites has its facts collected by the walk of its frame
        # (`responses.Frame.walk`, which `RuleContext.values` runs first); others here.
        found = self._facts.get(id(scope.node))
        if found is None:
            visitor = ScopeFactsCollector(scope.node, self.model.imports.qualify)
            walk(scope.node, visitor)
            found = self._facts[id(scope.node)] = visitor.facts
        return found

    def remember_facts(self, node: cst.CSTNode, facts: ScopeFacts) -> None:
        """Facts collected by another walk of the same scope (see `responses.Frame.walk`)."""
        self._facts.setdefault(id(node), facts)


    def _lookup(self, name: str, scope: Scope) -> tuple[list[tuple[cst.BaseExpression, Scope]], bool, Scope | None]:
        """(bound values with the scope they are evaluated in, complete, defining scope)."""
        current: Scope | None = scope
        while current is not None:
            if current.kind == "class" and current is not scope:
                current = current.parent
                continue
            facts = self.facts(current)
            if name in facts.globals:
                current = self.model.module_scope
                continue
            if name in facts.params and current.kind == "function":
                param = facts.params[name]
                outer = current.parent or self.model.module_scope
                # A default is one possible value; callers may pass anything, and the
                # body may rebind it (`model = model or DEFAULT_MODEL`).
                values = self._bound.get((name, id(current), True))
                if values is None:
                    values = [(param.default, outer)] if param.default is not None else []
                    values += [(value, current) for value in current.bindings.get(name, ())]
                    self._bound[(name, id(current), True)] = values
                return values, False, current
            if name in current.bindings:
                values = self._bound.get((name, id(current), False))
                if values is None:
                    values = self._bound[(name, id(current), False)] = [(value, current) for value in current.bindings[name]]
                return values, name not in facts.other_stores and name not in facts.nonlocals, current
            if name in facts.other_stores:
                return [], False, current
            current = current.parent
        return [], False, None

    def param_of(self, name: str, scope: Scope) -> cst.Param | None:
        """The parameter `name` refers to in `scope`, if it is one of that function's own."""
        if scope.kind != "function":
            return None
        facts = self.facts(scope)
        # (The model binds parameters to an empty list of values: "unknown".)
        if scope.bindings.get(name) or name in facts.other_stores:
            return None
        return facts.params.get(name)

    # -- scalars -------------------------------------------------------------------

    def possible(self, expr: cst.BaseExpression, scope: Scope) -> Possible:
        key = (id(expr), id(scope))
        known = self._possible.get(key)
        if known is not None and known[0] is expr and known[1] is scope:
            return known[2]
        if isinstance(expr, cst.Name):
            found = self._shared_name(expr, scope)
        else:
            found = self._shared_attribute(expr, scope) if isinstance(expr, cst.Attribute) else None
        if found is None:
            values: list[Known] = []
            complete = self._collect(expr, scope, values, 0, frozenset())
            found = Possible(tuple(values), complete)
        self._possible[key] = (expr, scope, found)
        return found

    def _shared_name(self, expr: cst.Name, scope: Scope) -> Possible | None:
        """`possible()` of a name, shared by every read of the same bindings (a constant rebound
        and sent at thousands of calls: its values are collected once, not again at each read).

        Collected once without the read itself among the nodes met, which is what `_collect`
        finds for any read it never meets on the way (the nodes met are kept to tell)."""
        if _literal(expr) is not _NO_VALUE:
            return None
        bound, complete, _ = self._lookup(expr.value, scope)
        if not bound:
            return None
        known = self._names.get(id(bound))
        if known is None or known[0] is not bound:
            met: set[int] = set()
            outer, self._met = self._met, met
            try:
                values: list[Known] = []
                for value, where in bound:
                    complete = self._collect(value, where, values, 1, frozenset()) and complete
            finally:
                self._met = outer
            known = self._names[id(bound)] = (bound, Possible(tuple(values), complete), met)
        return known[1] if id(expr) not in known[2] else None

    def _shared_attribute(self, expr: cst.Attribute, scope: Scope) -> Possible | None:
        """`possible()` of `self.x`, shared by every read of it in the class's methods: what
        `_collect_attribute` finds depends on the class and the attribute alone (see `_shared_name`)."""
        owner = scope.class_scope if dotted(expr.value) in ("self", "cls") else None
        if owner is None:
            return None
        key = (id(owner), expr.attr.value)
        known = self._attributes.get(key)
        if known is None or known[0] is not owner:
            met: set[int] = set()
            outer, self._met = self._met, met
            try:
                values: list[Known] = []
                self._collect_attribute(expr, scope, values, 0, frozenset())
            finally:
                self._met = outer
            known = self._attributes[key] = (owner, Possible(tuple(values), False), met)
        return known[1] if id(expr) not in known[2] else None

    def strings(self, expr: cst.BaseExpression, scope: Scope) -> list[Known]:
        return self.possible(expr, scope).strings()

    def single(self, expr: cst.BaseExpression, scope: Scope) -> Known | None:
        return self.possible(expr, scope).single()

    def _collect(
        self, expr: cst.BaseExpression, scope: Scope, out: list[Known], depth: int, seen: frozenset[int]
    ) -> bool:
        if self._met is not None:
            self._met.add(id(expr))
        if depth > _MAX_DEPTH or id(expr) in seen:
            return False
        seen = seen | {id(expr)}
        literal = _literal(expr)
        if literal is not _NO_VALUE:
            out.append(Known(literal, expr))  # type: ignore[arg-type]
            return True
        if isinstance(expr, cst.Name):
            bound, complete, _ = self._lookup(expr.value, scope)
            for value, where in bound:
                complete = self._collect(value, where, out, depth + 1, seen) and complete
            return complete and bool(bound)
        if isinstance(expr, cst.IfExp):
            body = self._collect(expr.body, scope, out, depth + 1, seen)
            orelse = self._collect(expr.orelse, scope, out, depth + 1, seen)
            return body and orelse
        if isinstance(expr, cst.BooleanOperation):
            left = self._collect(expr.left, scope, out, depth + 1, seen)
            right = self._collect(expr.right, scope, out, depth + 1, seen)
            return left and right
        if isinstance(expr, cst.Call):
            if self.model.qualify(expr.func) in _ENV_DEFAULT_FUNCTIONS and len(expr.args) >= 2:
                self._collect(expr.args[1].value, scope, out, depth + 1, seen)
            return False
        if isinstance(expr, cst.Subscript):
            return self._collect_subscript(expr, scope, out, depth, seen)
        if isinstance(expr, cst.Attribute):
            return self._collect_attribute(expr, scope, out, depth, seen)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
            head, tail = self.single(expr.left, scope), self.single(expr.right, scope)
            if head is not None and tail is not None and isinstance(head.value, str) and isinstance(tail.value, str):
                out.append(Known(head.value + tail.value, expr))
                return True
        return False

    def _collect_subscript(
        self, expr: cst.Subscript, scope: Scope, out: list[Known], depth: int, seen: frozenset[int]
    ) -> bool:
        if len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
            return False
        key = self.single(expr.slice[0].slice.value, scope)
        if key is None or not isinstance(key.value, str):
            return False
        mapping = self.mapping(expr.value, scope)
        if mapping is None or key.value not in mapping.entries:
            return False
        item = mapping.entries[key.value]
        self._collect(item.expr, item.scope, out, depth + 1, seen)
        return False  # a dict's value can change after construction

    def _collect_attribute(
        self, expr: cst.Attribute, scope: Scope, out: list[Known], depth: int, seen: frozenset[int]
    ) -> bool:
        if dotted(expr.value) not in ("self", "cls"):
            return False
        owner = scope.class_scope
        if owner is None:
            return False
        instance = owner.bindings.get(f"self.{expr.attr.value}", ())
        for value in instance:
            where = self._method_scope_for(owner, value)
            self._collect(value, where, out, depth + 1, seen)
        # A class attribute (`MODEL = "..."` in the class body), unless methods set their own.
        for value in () if instance else owner.bindings.get(expr.attr.value, ()):
            self._collect(value, owner, out, depth + 1, seen)
        return False  # any code holding the object can reassign the attribute

    def _method_scope_for(self, owner: Scope, value: cst.BaseExpression) -> Scope:
        """The method a `self.x = value` (one of the class's bindings) is written in, the first of
        the class's methods holding it: its names are that method's. The methods are walked once
        per class for all of its `self.x` values."""
        known = self._method_scopes.get(id(owner))
        if known is None or known[0] is not owner:
            wanted = {id(v) for name, bound in owner.bindings.items() if name.startswith("self.") for v in bound}
            found: dict[int, Scope] = {}
            for method in owner.functions.values():
                finder = _FindAny(wanted)
                walk(method.node, finder)
                for key in finder.found:
                    found.setdefault(key, method.scope)
            known = self._method_scopes[id(owner)] = (owner, found)
        return known[1].get(id(value), owner)

    # -- containers ----------------------------------------------------------------

    def sequence(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> SequenceValue | None:
        """The elements of a list/tuple expression, or None if it is not one we can read (do not
        change it: the one of a name is shared)."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, (cst.List, cst.Tuple)):
            result = SequenceValue()
            for element in expr.elements:
                if isinstance(element, cst.StarredElement):
                    result.absorb(self.sequence(element.value, scope, depth + 1))
                else:
                    result.items.append(Item(element.value, scope, element))
            return result
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
            left = self.sequence(expr.left, scope, depth + 1)
            right = self.sequence(expr.right, scope, depth + 1)
            if left is None and right is None:
                return None
            parts = [p for p in (left, right) if p is not None]
            return SequenceValue(
                [item for p in parts for item in p.items],
                complete=left is not None and right is not None and all(p.complete for p in parts),
                may_shrink=any(p.may_shrink for p in parts),
            )
        if isinstance(expr, cst.Name):
            bound, complete, where = self._lookup(expr.value, scope)
            if where is None or not bound or len(bound) > _MAX_LIST_BINDINGS:
                return None
            shared = (expr.value, id(where), depth)
            if shared in self._named_sequences:
                return self._named_sequences[shared]
            facts = self.facts(where)
            result = SequenceValue(complete=complete)
            readable = False
            for value, value_scope in bound:
                inner = self.sequence(value, value_scope, depth + 1)
                readable |= inner is not None
                result.absorb(inner)
            name = expr.value
            if name in facts.grown or name in facts.escaped:
                result.complete = False
            if name in facts.shrunk or name in facts.escaped:
                result.may_shrink = True
            found = result if readable else None
            self._named_sequences[shared] = found
            return found
        return None

    def mapping(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> MappingValue | None:
        """The string-keyed entries of a dict expression, or None if it is not one we can read (do not
        change it: the one of a name is shared)."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Dict):
            result = MappingValue()
            for element in expr.elements:
                if isinstance(element, cst.StarredDictElement):
                    result.absorb(self.mapping(element.value, scope, depth + 1))
                    continue
                assert isinstance(element, cst.DictElement)
                key = self.single(element.key, scope)
                if key is None or not isinstance(key.value, str):
                    result.complete = False
                    continue
                result.entries[key.value] = Item(element.value, scope, element)
            return result
        if isinstance(expr, cst.Call) and self._is_dict_constructor(expr.func):
            result = MappingValue()
            for arg in expr.args:
                if arg.keyword is not None and not arg.star:
                    result.entries[arg.keyword.value] = Item(arg.value, scope, arg)
                else:  # `dict(**other)`, `dict(other, key=...)`
                    result.absorb(self.mapping(arg.value, scope, depth + 1), shrink=False)
            return result
        if isinstance(expr, cst.Name):
            bound, complete, where = self._lookup(expr.value, scope)
            if where is None or len(bound) != 1:
                return None  # several dicts under one name: keys differ by path
            shared = (expr.value, id(where), depth)
            if shared in self._named_mappings:
                return self._named_mappings[shared]
            value, value_scope = bound[0]
            found = self.mapping(value, value_scope, depth + 1)
            if found is not None:
                if isinstance(value, cst.Name):  # another name's, shared: changed here in a copy
                    found = MappingValue(found.entries, found.complete, found.may_shrink)
                facts = self.facts(where)
                name = expr.value
                found.complete &= complete and name not in facts.grown and name not in facts.escaped
                found.may_shrink |= name in facts.shrunk or name in facts.escaped
            self._named_mappings[shared] = found
            return found
        return None

    def _is_dict_constructor(self, func: cst.BaseExpression) -> bool:
        name = self.model.qualify(func)
        if name is None:
            return False
        # `dict(...)`, and the SDK's TypedDicts, which are dicts at run time.
        return name == "dict" or name.rsplit(".", 1)[-1].endswith("MessageParam")

    # -- calls ---------------------------------------------------------------------

    def arguments(self, call: cst.Call, scope: Scope) -> Arguments:
        result = Arguments()
        for arg in call.args:
            if arg.star == "**":
                inner = self.mapping(arg.value, scope)
                if inner is None or len(inner.entries) > _MAX_SPLAT_KEYS:
                    result.complete = False
                    continue
                result.complete &= inner.complete
                result.may_shrink |= inner.may_shrink
                for key, item in inner.entries.items():
                    result.keywords.setdefault(key, item)
                    result.arg_nodes.setdefault(key, arg)
            elif arg.star == "*":
                result.complete = False
            elif arg.keyword is not None:
                result.keywords[arg.keyword.value] = Item(arg.value, scope, arg)
                result.arg_nodes[arg.keyword.value] = arg
            else:
                result.positional.append(arg)
        return result


    # -- requests ------------------------------------------------------------------

    def request_arguments(self, site: CallSite) -> Arguments:
        arguments = self.arguments(site.node, site.record.scope)
        if site.helper:  # `create_message(client, retry=..., **request)`: the request is the rest
            arguments.positional = arguments.positional[1:]
            for name in HELPER_KEYWORDS:
                arguments.keywords.pop(name, None)
                arguments.arg_nodes.pop(name, None)
        return arguments

    def _batch_params(self, site: CallSite) -> list[MappingValue]:
        """The `params` of each request in `messages.batches.create(requests=[...])`."""
        item = self.request_arguments(site).keywords.get("requests")
        if item is None or not site.method.endswith("batches.create"):
            return []
        requests = self.sequence(item.expr, item.scope)
        out = []
        for request in requests.items if requests else ():
            entries = self.mapping(request.expr, request.scope)
            params = entries.entries.get("params") if entries else None
            inner = self.mapping(params.expr, params.scope) if params else None
            if inner is not None:
                out.append(inner)
        return out

    def request_models(self, site: CallSite) -> list[Known]:
        """String values that can reach the model of a call's request (or batch requests)."""
        return [known for group in self.request_model_groups(site) for known in group]

    def request_model_names(self, site: CallSite) -> frozenset[str]:
        """The model ids of `request_models`, as strings; each shared group turned into strings once
        (a model id rebound before each of 3,700 calls in one function: its 3,700 values were
        read again at every call)."""
        names: frozenset[str] = frozenset()
        for group in self.request_model_groups(site):
            known = self._model_names.get(id(group))
            if known is None or known[0] is not group:
                known = self._model_names[id(group)] = (group, frozenset(str(k.value) for k in group))
            names = names | known[1] if names else known[1]
        return names

    def request_models_once(self, sites: Iterable[CallSite]) -> Iterator[Known]:
        """`request_models` of each call in turn, each group of them once (a constant read at
        thousands of calls is judged at the first): for rules judging each value by itself."""
        met: set[int] = set()
        for site in sites:
            for group in self.request_model_groups(site):
                if id(group) not in met:
                    met.add(id(group))
                    yield from group

    def request_model_groups(self, site: CallSite) -> list[tuple[Known, ...]]:
        """`request_models` in groups, one per expression: a group met at another call (a constant
        read at both) is the same object, so a rule judging each value once can pass over it."""
        found: list[tuple[Known, ...]] = []
        item = self.request_arguments(site).keywords.get("model")
        if item is not None:
            found.append(self.possible(item.expr, item.scope).string_values)
        for params in self._batch_params(site):
            entry = params.entries.get("model")
            if entry is not None:
                found.append(self.possible(entry.expr, entry.scope).string_values)
        return found

    def request_messages(self, site: CallSite) -> list[SequenceValue]:
        """The `messages` lists of a call's request (or batch requests) that can be read."""
        found: list[SequenceValue] = []
        item = self.request_arguments(site).keywords.get("messages")
        if item is not None:
            sequence = self.sequence(item.expr, item.scope)
            if sequence is not None:
                found.append(sequence)
        for params in self._batch_params(site):
            entry = params.entries.get("messages")
            sequence = self.sequence(entry.expr, entry.scope) if entry is not None else None
            if sequence is not None:
                found.append(sequence)
        return found

    def _option_type(self, item: Item) -> str | None:
        """The `"type"` of a `{"type": ...}` option such as `thinking=` or `tool_choice=`."""
        entries = self.mapping(item.expr, item.scope)
        kind = entries.entries.get("type") if entries is not None else None
        value = self.single(kind.expr, kind.scope) if kind is not None else None
        return value.value if value is not None and isinstance(value.value, str) else None

    def _is_off(self, item: Item) -> bool:
        """`None`, `[]`, `{}` or the SDK's "not given" sentinels (the option says nothing)."""
        if self._is_omitted(item.expr):
            return True
        value = self.single(item.expr, item.scope)
        if value is not None and value.value is None:
            return True
        sequence = self.sequence(item.expr, item.scope)
        if sequence is not None and sequence.definitely_empty:
            return True
        entries = self.mapping(item.expr, item.scope)
        return entries is not None and entries.complete and not entries.entries

    def _is_omitted(self, expr: cst.BaseExpression) -> bool:
        """`NOT_GIVEN`, `omit` (and `NotGiven()`/`Omit()`): the SDK treats the argument as absent."""
        if isinstance(expr, cst.Call) and not expr.args:
            expr = expr.func
        name = self.model.qualify(expr) or ""
        return name.rsplit(".", 1)[-1] in _OMITTED

    def request_uses_tools(self, site: CallSite) -> bool | None:
        """Whether the request lets Claude answer with tool calls; None when unknown."""
        if site.remote is not None:  # a reply a function of another module returns: its summary says
            return site.remote.request_tools
        args = self.request_arguments(site)
        tools = args.keywords.get("tools")
        if tools is None or self._is_off(tools):
            return None if not args.complete else False
        choice = args.keywords.get("tool_choice")
        return choice is None or self._option_type(choice) != "none"

    def request_uses_thinking(self, site: CallSite) -> bool | None:
        """Whether the request turns extended thinking on; None when unknown."""
        if site.remote is not None:
            return site.remote.request_thinking
        args = self.request_arguments(site)
        thinking = args.keywords.get("thinking")
        if thinking is None or self._is_off(thinking):
            return None if not args.complete else False
        return self._option_type(thinking) != "disabled"

    def message_role(self, message: Item) -> tuple[str, Item] | None:
        """The role of one element of `messages`, with its `"role": ...` entry, when known."""
        entries = self.mapping(message.expr, message.scope)
        role = entries.entries.get("role") if entries is not None else None
        if role is None:
            return None
        value = self.single(role.expr, role.scope)
        return (value.value, role) if value is not None and isinstance(value.value, str) else None


def string_literal_like(node: cst.BaseExpression, text: str) -> str | None:
    """Source for a string literal holding `text`, written like `node` (prefix and quotes).

    None when `node` is not a plain string literal (a concatenation or an f-string
    is left alone) or when `text` would need escaping in that quote style.
    """
    if not isinstance(node, cst.SimpleString) or node.quote in text or "\\" in text:
        return None
    return f"{node.prefix}{node.quote}{text}{node.quote}"


class _NoValue:
    pass


_NO_VALUE = _NoValue()


class _FindAny(cst.CSTVisitor):
    """The nodes among `wanted` (ids) that a walk meets."""

    def __init__(self, wanted: set[int]) -> None:
        self.wanted = wanted
        self.found: list[int] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) in self.wanted:
            self.found.append(id(node))
        return True


def _literal(expr: cst.BaseExpression) -> Scalar | _NoValue:
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        value = literal_value(expr)
        return value if value is not None else _NO_VALUE
    if isinstance(expr, cst.FormattedString):
        if all(isinstance(part, cst.FormattedStringText) for part in expr.parts):
            text = "".join(part.value for part in expr.parts if isinstance(part, cst.FormattedStringText))
            return text if "\\" not in text and "{{" not in text and "}}" not in text else _NO_VALUE
        return _NO_VALUE
    if isinstance(expr, (cst.Integer, cst.Float, cst.UnaryOperation)):
        number = number_literal(expr)
        return _NO_VALUE if number is None else number
    if isinstance(expr, cst.Name) and expr.value in ("None", "True", "False"):
        return {"None": None, "True": True, "False": False}[expr.value]
    return _NO_VALUE


def values_for(model: ModuleModel) -> Values:
    """The one `Values` of a module model, shared by every rule that runs on it."""
    return model.shared(Values)


def carry_facts(source: ModuleModel, target: ModuleModel) -> None:
    """The scope facts `source` collected (a walk of each scope), given to `target`: a model of
    the same parsed module built again with other answers from the project. Facts are read
    from the syntax alone (names bound, read, declared global), never from the project."""
    found = source.computed(Values)
    if found is not None and found.model.module is target.module:
        for node_id, facts in found._facts.items():
            values_for(target)._facts.setdefault(node_id, facts)
