"""The module model: what every rule needs, resolved once per file.

`build_model` runs the collector (one pass over the tree: imports, scopes,
functions, calls, trys, handlers, loops; `collector.py`) and then resolves,
without walking the tree again (`resolution.py`): Anthropic clients (with
their SDK retry settings), Claude call sites (direct, and indirect through
functions of this module that call Claude), and the exception types each
handler catches. Rules only read the result. The records (`records.py`) are
re-exported here: they are the model's vocabulary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import libcst as cst

from claude_lint.analysis.collector import ModelCollector
from claude_lint.analysis.imports import ImportTable
from claude_lint.analysis.records import (
    LIBRARY_RETRY_DECORATORS,
    NOT_CLIENT,
    CallRecord,
    CallSite,
    CaughtType,
    ClientInfo,
    FunctionInfo,
    HandlerInfo,
    LoopInfo,
    NotClient,
    Part,
    RaiseRecord,
    Scope,
    TryContext,
    TryInfo,
    WithRecord,
)
from claude_lint.analysis.resolution import Resolver
from claude_lint.analysis.symbols import ProjectView, RemoteFunction
from claude_lint.analysis.syntax import OwnScopeVisitor, dotted, keyword_arg, names_in
from claude_lint.analysis.walk import walk
from claude_lint.core.graph import components
from claude_lint.sdk.knowledge import Knowledge

__all__ = [
    "NOT_CLIENT",
    "CallRecord",
    "CallSite",
    "CaughtType",
    "ClientInfo",
    "FunctionInfo",
    "HandlerInfo",
    "ImportTable",
    "LoopInfo",
    "ModuleModel",
    "NotClient",
    "Part",
    "RaiseRecord",
    "Resolver",
    "Scope",
    "TryContext",
    "TryInfo",
    "WithRecord",
    "build_model",
]

T = TypeVar("T")


@dataclass(eq=False)
class ModuleModel:
    module: cst.Module
    knowledge: Knowledge
    imports: ImportTable
    module_scope: Scope
    functions: list[FunctionInfo]
    calls: list[CallRecord]
    call_sites: list[CallSite]
    trys: list[TryInfo]
    handlers: list[HandlerInfo]
    raises: list[RaiseRecord]
    loops: list[LoopInfo]
    withs: list[WithRecord]
    # `anthropic.<Name>` attribute references in `except` clauses and retry predicates.
    sdk_attribute_refs: list[tuple[cst.Attribute, str]]
    resolver: Resolver
    classes: list[Scope] = field(default_factory=list)
    # Analyses derived from the model (values, response frames, retries), by the function
    # that computes them: see `shared`.
    _shared: dict[Callable[[ModuleModel], object], object] = field(default_factory=dict, repr=False)

    def shared(self, analysis: Callable[[ModuleModel], T]) -> T:
        """`analysis(self)`, computed on first use and then shared by every rule of this file.

        Kept on the model (not in a module-level cache keyed by it), so it goes with it.
        """
        try:
            return self._shared[analysis]  # type: ignore[return-value]
        except KeyError:
            result = self._shared[analysis] = analysis(self)
            return result

    def release(self) -> None:
        """Break the model's reference cycles once its file is done with it.

        Scopes and their functions, functions and their calls, `try`s and their handlers, the
        model and the analyses kept on it all point at each other, and hold the file's nodes:
        left to the cyclic collector, each file's tree and model (a million objects for 500 KB
        of code) were traversed by it after the lint, a twentieth of the run. Cleared, they are
        freed as soon as the last reference goes. Nothing may use the model after this.
        """
        scopes = {id(scope): scope for scope in (self.module_scope, *self.classes, *(f.scope for f in self.functions))}
        for group in (self.functions, self.calls, self.call_sites, self.trys, self.handlers, self.raises, self.loops, self.withs, scopes.values()):
            for item in group:
                vars(item).clear()
        self._shared.clear()

    def computed(self, analysis: Callable[[ModuleModel], T]) -> T | None:
        """`analysis(self)` if something asked for it already, else None (nothing is computed)."""
        return self._shared.get(analysis)  # type: ignore[return-value]

    @property
    def direct_call_sites(self) -> list[CallSite]:
        return [site for site in self.call_sites if site.direct]

    def qualify(self, expr: cst.BaseExpression) -> str | None:
        return self.imports.qualify(expr)

    def calls_of(self, function: FunctionInfo) -> list[CallRecord]:
        """The calls of this module's code that call `function`, in order (one index per module)."""
        return self.shared(_LibraryRoots).calls_of(function)

    def library_roots(self, records: Sequence[CallRecord]) -> set[str]:
        """Top-level modules the given calls reach, through local functions too.

        `httpx.get()` -> httpx; `session.get()` with `session = requests.Session()`
        -> requests; `open()` -> io; a call passing `timeout=` adds
        "timeout" (it can raise the builtin TimeoutError itself).
        """
        reached = self.shared(_LibraryRoots)
        roots: set[str] = set()
        for record in records:
            roots |= reached.own(record)
            target = reached.target(record)
            if target is not None:
                roots |= reached.of(target)
        return roots

    def _call_root(self, record: CallRecord) -> str | None:
        name = dotted(record.node.func)
        if name is None:
            return None
        head = name.split(".", 1)[0]
        if head in self.imports.names:
            return self.imports.names[head].split(".", 1)[0]
        if "." not in name:
            # Builtin I/O can raise the builtin OSError family itself.
            return "io" if head in ("open", "input") else None
        # A method on an object built from a library: `session.get()`.
        value = self.resolver.binding_value(head if head not in ("self", "cls") else name.rsplit(".", 1)[0], record.scope)
        if isinstance(value, cst.Call):
            constructor = dotted(value.func)
            if constructor is not None and constructor.split(".", 1)[0] in self.imports.names:
                qualname = self.imports.qualify(value.func)
                return qualname.split(".", 1)[0] if qualname else None
        return None

    def is_manual_retry_loop(self, loop: LoopInfo, sites: Sequence[CallSite]) -> bool:
        """A manual retry loop: one that re-attempts the same request.

        `while` loops, and `for` over `range()`/`itertools.count()`/`repeat()`
        whose target the request does not use; `for item in items` moving on to
        the next item is a batch loop.
        """
        node = loop.node
        loops = self.shared(_LoopScans)
        scan = loops.scan(node)
        if any(advances_request(node, site.node, scan) for site in sites):
            return False  # each iteration sends new input: a chat or step loop
        if isinstance(node, cst.While):
            return True
        if not isinstance(node.iter, cst.Call):
            return False
        if self.imports.qualify(node.iter.func) not in _RETRY_ITERABLES:
            return False
        scope = sites[0].record.scope if sites else None
        derived = loops.derived(node, scope)
        return not any(derived & names_in(site.node) for site in sites)


class _LoopScans:
    """What `is_manual_retry_loop` reads of a loop, read once per loop (and scope), not again for
    each call site and each handler asking about it (thousands of calls in one loop)."""

    def __init__(self, model: ModuleModel) -> None:
        self._scans: dict[int, tuple[cst.CSTNode, _LoopScan]] = {}
        self._derived: dict[tuple[int, int], tuple[cst.CSTNode, Scope | None, set[str]]] = {}

    def scan(self, loop: cst.For | cst.While) -> _LoopScan:
        known = self._scans.get(id(loop))
        if known is None or known[0] is not loop:
            known = self._scans[id(loop)] = (loop, _LoopScan(loop))
        return known[1]

    def derived(self, loop: cst.For, scope: Scope | None) -> set[str]:
        """The loop's target names, and the names bound from them in `scope` (`prompt = prompts[i]`)."""
        key = (id(loop), id(scope))
        known = self._derived.get(key)
        if known is not None and known[0] is loop and known[1] is scope:
            return known[2]
        derived = names_in(loop.target)
        if scope is not None:
            changed = True
            while changed:
                changed = False
                for name, values in scope.bindings.items():
                    if name not in derived and any(derived & names_in(v) for v in values):
                        derived.add(name)
                        changed = True
        self._derived[key] = (loop, scope, derived)
        return derived


# Calls that schedule a coroutine to run in a task of its own.
_SCHEDULERS = frozenset({"create_task", "ensure_future", "run_coroutine_threadsafe", "start_soon"})
# Calls that keep a function they are given to run it later, elsewhere: in a task, a thread,
# an executor, at exit, on an event, or stored in a collection. A Claude call made by it
# raises there, not in the `try` or retry around the call that received it.
_DEFERRING = _SCHEDULERS | frozenset(
    {
        "submit", "apply_async", "map_async", "starmap_async",
        "register", "partial", "partialmethod", "add_done_callback", "call_soon", "call_soon_threadsafe",
        "call_later", "call_at", "add_signal_handler", "add_reader", "add_writer", "connect",
        "append", "extend", "insert", "add", "setdefault", "put", "put_nowait", "appendleft",
        # Decorators: they return a function that runs it when called.
        "wraps", "update_wrapper", "property", "cached_property", "staticmethod", "classmethod",
        "contextmanager", "asynccontextmanager", "lru_cache", "cache",
    }
)
# Keywords that name a function the callee keeps (`Thread(target=f)`, `Button(callback=f)`).
_DEFERRING_KEYWORDS = frozenset({"target", "callback", "callbacks", "handler", "hook"})


def defers(call: cst.Call, arg: cst.Arg | None = None) -> bool:
    """Whether `call` keeps what it is given to run it later (see `_DEFERRING`), not before it
    returns: `asyncio.create_task(ask())`, `executor.submit(ask, q)`, `atexit.register(f)`,
    `handlers.append(f)`; a constructor (`Thread(target=f)`, `Tool(ask)`) stores it. With `arg`,
    also when that argument is passed as `target=`/`callback=`...
    """
    name = dotted(call.func) or ""
    leaf = name.rsplit(".", 1)[-1]
    if leaf in _DEFERRING or leaf[:1].isupper():
        return True
    return arg is not None and arg.keyword is not None and (
        arg.keyword.value in _DEFERRING_KEYWORDS or arg.keyword.value.startswith("on_")
    )


_RETRY_ITERABLES = frozenset({"range", "itertools.count", "itertools.repeat"})

# Where a loop takes the next input from: the user, an iterator, a queue, a socket.
_INPUT_FUNCTIONS = frozenset({"input", "next", "anext"})
_INPUT_METHODS = frozenset({"get", "get_nowait", "readline", "recv", "receive", "pop", "popleft", "read"})
_MUTATING_METHODS = frozenset({"append", "extend", "insert", "update", "add", "appendleft"})


class _LoopChanges(OwnScopeVisitor):
    """Names a loop body rebinds or mutates, and its calls, in source order; and its input reads."""

    def __init__(self) -> None:
        self.order = 0
        # id(call) -> its place in the order, once its arguments are evaluated.
        self.calls: dict[int, int] = {}
        # `input()` calls, by id.
        self.inputs: list[int] = []
        # (name, names in the new value, place, in a block that leaves the loop, id of the mutating call or 0)
        self.changes: list[tuple[str, set[str], int, bool, int]] = []
        # Per enclosing block: does it end by leaving the loop? A change there after the call
        # (recording a successful reply before `break`) prepares no next iteration.
        self.leaving: list[bool] = []

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        last = node.body[-1] if node.body else None
        small = last.body[-1] if isinstance(last, cst.SimpleStatementLine) and last.body else None
        self.leaving.append(isinstance(small, (cst.Break, cst.Return, cst.Raise)))

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self.leaving.pop()

    def _change(self, target: cst.BaseExpression, value: cst.CSTNode | None, by: int = 0) -> None:
        # `params["x"] = ...` before the call sets up the same request each time; after
        # it (as for a rebinding) it prepares the next one.
        while isinstance(target, (cst.Subscript, cst.Attribute)):
            target = target.value
        if isinstance(target, cst.Name):
            self.order += 1
            self.changes.append((target.value, names_in(value) if value is not None else set(), self.order, any(self.leaving), by))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._change(element.value, value, by)

    def leave_Call(self, node: cst.Call) -> None:
        self.order += 1
        self.calls[id(node)] = self.order
        func = node.func
        if isinstance(func, cst.Name) and func.value == "input":
            self.inputs.append(id(node))
        if isinstance(func, cst.Attribute) and func.attr.value in _MUTATING_METHODS:
            self._change(func.value, node, id(node))

    # An assignment binds once its value is computed: `text, history = ask(p, history=history)`
    # rebinds `history` after the call, from its reply, and the next pass sends the longer history.
    def leave_Assign(self, original_node: cst.Assign) -> None:
        for target in original_node.targets:
            self._change(target.target, original_node.value)

    def leave_AugAssign(self, original_node: cst.AugAssign) -> None:
        self._change(original_node.target, original_node.value)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        if original_node.value is not None:
            self._change(original_node.target, original_node.value)


class _LoopScan:
    """A loop body's changes by name, its input reads and the names it reads input into: one walk
    of the body answers `advances_request` for every call in it."""

    def __init__(self, loop: cst.For | cst.While) -> None:
        scan = _LoopChanges()
        walk(loop.body, scan)
        self.calls = scan.calls
        self.inputs = scan.inputs
        self.producers = {by for *_, by in scan.changes if by}
        # Per name: the changes outside blocks that leave the loop (the union of the names in
        # their values, the last place) and those inside one (each: names, place).
        self.staying: dict[str, tuple[set[str], int]] = {}
        self.leaving: dict[str, list[tuple[set[str], int]]] = {}
        self.changes = scan.changes
        for name, value_names, place, leaving, _by in scan.changes:
            if leaving:
                self.leaving.setdefault(name, []).append((value_names, place))
            else:
                names, _ = self.staying.get(name, (set(), 0))
                self.staying[name] = (names | value_names, place)
        input_targets = _InputSources()
        walk(loop.body, input_targets)
        self.input_targets = input_targets.targets

    def advances(self, call: cst.Call) -> bool:
        if any(found != id(call) for found in self.inputs):
            return True
        request: set[str] = set()
        for arg in call.args:
            request |= names_in(arg.value)
        at = self.calls.get(id(call), 1 << 62)  # not met (in a nested function): every change comes before
        if id(call) in self.producers:  # the call itself mutates a name (`self.add(...)`): not a change it makes
            return self._advances_apart(call, request, at)
        # What the request depends on through assignments in the loop (a change after the call in a
        # block leaving the loop prepares nothing), and whether one of those comes after the call.
        pending = list(request)
        after = False
        while pending:
            name = pending.pop()
            found: set[str] = set()
            staying = self.staying.get(name)
            if staying is not None:
                found |= staying[0]
                after = after or staying[1] > at
            for value_names, place in self.leaving.get(name, ()):
                if place < at:
                    found |= value_names
            for new in found - request:
                request.add(new)
                pending.append(new)
        return after or bool(request & self.input_targets)

    def _advances_apart(self, call: cst.Call, request: set[str], at: int) -> bool:
        changes = [
            (name, value_names, place > at)
            for name, value_names, place, leaving, by in self.changes
            if by != id(call) and not (leaving and place > at)
        ]
        changed = True
        while changed:
            changed = False
            for name, value_names, _after in changes:
                if name in request and not value_names <= request:
                    request |= value_names
                    changed = True
        return any(after and name in request for name, _, after in changes) or bool(request & self.input_targets)


def advances_request(loop: cst.For | cst.While, call: cst.Call, scan: _LoopScan | None = None) -> bool:
    """Whether each iteration of `loop` sends `call` new input (a chat, step or work loop).

    True when the body reads the user's `input()`, or when something the request's
    arguments depend on is rebound or mutated after the call (the next turn's prompt,
    the next step's counter, the history the call's own reply is assigned to:
    `text, history = ask(prompt, history=history)`), or is taken from an iterator or queue (`next()`,
    `.get()`, `.pop()`). A retry loop sends the same request again after a failure,
    so none of these happen in one (growing the history before the call, as some
    retry loops wrongly do, still sends it again). `scan`: the loop's, when already read.
    """
    return (scan or _LoopScan(loop)).advances(call)


class _InputSources(cst.CSTVisitor):
    """The names assigned from an input read (`line = input()`, `job = queue.get()`)."""

    def __init__(self) -> None:
        self.targets: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if _is_input_call(node.value):
            for target in node.targets:
                self.targets |= names_in(target.target)


def _is_input_call(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.Await):
        value = value.expression
    if not isinstance(value, cst.Call):
        return False
    func = value.func
    if isinstance(func, cst.Name):
        return func.value in _INPUT_FUNCTIONS
    return isinstance(func, cst.Attribute) and func.attr.value in _INPUT_METHODS


def _sdk_exception_name(qualname: str | None, knowledge: Knowledge) -> str | None:
    if qualname is None or not qualname.startswith("anthropic."):
        return None
    parts = qualname.split(".")
    # anthropic.X, or anthropic._exceptions.X / anthropic.types...X re-exports
    name = parts[-1]
    return name if knowledge.is_exception(name) else None


def _collect_sdk_refs(exprs: Sequence[cst.BaseExpression], imports: ImportTable) -> list[tuple[cst.Attribute, str]]:
    """`anthropic.<Name>` attribute expressions inside the given expressions."""
    finder = _SdkRefs(imports)
    for expr in exprs:
        walk(expr, finder)
    return finder.found


class _SdkRefs(cst.CSTVisitor):
    def __init__(self, imports: ImportTable) -> None:
        self.imports = imports
        self.found: list[tuple[cst.Attribute, str]] = []

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if isinstance(node.value, cst.Name):
            if self.imports.names.get(node.value.value) == "anthropic":
                self.found.append((node, node.attr.value))
            return False
        # Only whole chains: `anthropic.types.X` is not `anthropic.types`.
        return not isinstance(node.value, cst.Attribute)


_RETRY_PREDICATE_ROOTS = ("tenacity", "backoff", "stamina")


class _LibraryRoots:
    """The module's call graph: the function of this module each call calls (and, the other way,
    the calls of each function); `ModuleModel.library_roots` of each function's calls with
    everything they reach, worked out once per component of the graph (core/graph.py), not walked
    again for every function asking."""

    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self._targets: dict[int, FunctionInfo | None] = {}
        self._own: dict[int, set[str]] = {}
        self._reached: dict[int, frozenset[str]] = {}
        self._callers: dict[int, list[CallRecord]] | None = None

    def own(self, record: CallRecord) -> set[str]:
        """What the call itself reaches (not the function it calls)."""
        found = self._own.get(id(record))
        if found is None:
            found = self._own[id(record)] = set()
            root = self.model._call_root(record)
            if root is not None:
                found.add(root)
            if keyword_arg(record.node, "timeout") is not None:
                found.add("timeout")
        return found

    def target(self, record: CallRecord) -> FunctionInfo | None:
        if id(record) not in self._targets:
            self._targets[id(record)] = self.model.resolver.callee_for(record.node.func, record.scope)
        return self._targets[id(record)]

    def calls_of(self, function: FunctionInfo) -> list[CallRecord]:
        if self._callers is None:
            self._callers = {}
            for record in self.model.calls:
                target = self.target(record)
                if target is not None:
                    self._callers.setdefault(id(target), []).append(record)
        return list(self._callers.get(id(function), ()))

    def _callees(self, function: FunctionInfo) -> list[FunctionInfo]:
        return [t for t in map(self.target, function.calls) if t is not None]

    def of(self, function: FunctionInfo) -> frozenset[str]:
        """What the calls of `function` reach, through the functions they call."""
        found = self._reached.get(id(function))
        if found is not None:
            return found
        for component in components([function], lambda f: [c for c in self._callees(f) if id(c) not in self._reached]):
            members = {id(f) for f in component}
            roots: set[str] = set()
            for member in component:
                for record in member.calls:
                    roots |= self.own(record)
                    callee = self.target(record)
                    if callee is not None and id(callee) not in members:
                        roots |= self._reached[id(callee)]
            for member in component:
                self._reached[id(member)] = frozenset(roots)
        return self._reached[id(function)]


def build_model(
    module: cst.Module,
    knowledge: Knowledge,
    client_factories: Sequence[str] = (),
    project: ProjectView | None = None,
    helper_modules: Sequence[str] = (),
) -> ModuleModel:
    """The module's model; `project` answers names imported from the rest of the project."""
    collector = ModelCollector(module)
    walk(module, collector)
    resolver = Resolver(
        collector.imports, collector.module_scope, knowledge, client_factories, project, helper_modules, collector.classes
    )

    call_sites: list[CallSite] = []
    for record in collector.calls:
        site = resolver.direct_call_site(record)
        if site is not None:
            call_sites.append(site)
            if record.frame is not None:
                record.frame.direct_call_sites.append(site)

    # Calls of project functions of other modules that make Claude calls.
    remote: dict[int, RemoteFunction] = {}
    # `self.m()`, `bot.m()` (`bot = Bot()`): asked only when this module's `m` does not call Claude.
    own_methods: list[CallRecord] = []
    for record in collector.calls:
        func = record.node.func
        if resolver.own_method_for(func, record.scope) is not None:
            own_methods.append(record)
            continue
        found = resolver.remote_function_for(func, record.scope)
        if found is not None and found.calls_claude:
            remote[id(record)] = found
    passed = _passed_functions(collector.calls, resolver, remote)
    _mark_llm_functions(collector.functions, resolver, remote, passed)
    # A method of this class that makes no Claude call may be overridden by one that does,
    # in a subclass elsewhere in the project (a template method: the base class retries,
    # the subclass calls Claude).
    overridden = False
    for record in own_methods:
        local = resolver.own_method_for(record.node.func, record.scope)
        if local is not None and local.calls_llm:
            continue
        found = resolver.remote_function_for(record.node.func, record.scope)
        if found is not None and found.calls_claude:
            remote[id(record)] = found
            overridden = True
    if overridden:
        _mark_llm_functions(collector.functions, resolver, remote, passed)
    # `asyncio.create_task(ask())`: the coroutine runs later, in its task; its errors are not raised here.
    scheduled = {
        id(arg.value)
        for record in collector.calls
        if isinstance(record.node.func, (cst.Name, cst.Attribute))
        and (dotted(record.node.func) or "").rsplit(".", 1)[-1] in _SCHEDULERS
        for arg in record.node.args
    }
    for record in collector.calls:
        if id(record.node) in scheduled and not record.awaited:
            continue
        target = resolver.callee_for(record.node.func, record.scope)
        if target is not None and target.calls_llm:
            call_sites.append(CallSite(record, "", None, None, False, target=target))
        elif id(record) in remote:
            call_sites.append(CallSite(record, "", None, None, False, remote=remote[id(record)]))
        else:
            callback = next((f for f in passed.get(id(record), ()) if f.calls_llm), None)
            if callback is not None:
                call_sites.append(CallSite(record, "", None, None, False, target=callback))
                continue
            applied: list[tuple[Candidate, cst.Call]] = []
            candidates = _chosen_functions(record.node.func, record.scope, resolver, applied=applied)
            chosen = next((f for f in candidates if _reaches_claude(f)), None)
            if chosen is not None and (record.awaited or not chosen.is_async):  # type: ignore[union-attr]
                # Only some of them make a Claude call: the call may, as for an object of one of several classes.
                mixed = not all(_reaches_claude(f) for f in candidates)
                if isinstance(chosen, FunctionInfo):
                    site = CallSite(record, "", None, None, False, target=chosen, chosen=mixed)
                else:
                    site = CallSite(record, "", None, None, False, remote=chosen, chosen=mixed)  # type: ignore[arg-type]
                site.applied = tuple(dict.fromkeys(a for f, a in applied if _reaches_claude(f)))
                call_sites.append(site)
    _run_lambdas_in_place(collector.calls, collector.trys)

    by_record = {id(site.record): site for site in call_sites}
    for info in collector.trys:
        info.call_sites = [by_record[id(r)] for r in info.body_calls if id(r) in by_record]

    for handler in collector.handlers:
        handler.types = tuple(
            CaughtType(node, collector.imports.qualify(node), _sdk_exception_name(collector.imports.qualify(node), knowledge))
            for t in handler.types
            for node in _expand_type_alias(t.node, resolver, handler)
        )

    predicate_exprs: list[cst.BaseExpression] = []
    for record in collector.calls:
        qualname = collector.imports.qualify(record.node.func)
        if qualname is not None and qualname.split(".", 1)[0] in _RETRY_PREDICATE_ROOTS:
            predicate_exprs.extend(arg.value for arg in record.node.args)
    # In a retry call's arguments only class-like names are exception references
    # (`anthropic.DEFAULT_MAX_RETRIES` or a client class are something else).
    sdk_refs = _collect_sdk_refs(collector.except_type_exprs, collector.imports) + [
        (node, name)
        for node, name in _collect_sdk_refs(predicate_exprs, collector.imports)
        if name[:1].isupper() and not name.isupper() and name not in knowledge.client_classes
    ]

    order = {id(record): i for i, record in enumerate(collector.calls)}
    call_sites.sort(key=lambda site: order[id(site.record)])
    return ModuleModel(
        module=module,
        knowledge=knowledge,
        imports=collector.imports,
        module_scope=collector.module_scope,
        functions=collector.functions,
        calls=collector.calls,
        call_sites=call_sites,
        trys=collector.trys,
        handlers=collector.handlers,
        raises=collector.raises,
        loops=collector.loops,
        withs=collector.withs,
        sdk_attribute_refs=sdk_refs,
        resolver=resolver,
        classes=collector.classes,
    )


def _expand_type_alias(
    expr: cst.BaseExpression, resolver: Resolver, handler: HandlerInfo
) -> list[cst.BaseExpression]:
    """`except RETRYABLE:` with `RETRYABLE = (anthropic.RateLimitError, ...)` -> the tuple's types."""
    if not isinstance(expr, cst.Name) or expr.value in resolver.imports.names:
        return [expr]
    scope = handler.try_info.frame.scope if handler.try_info.frame is not None else resolver.module_scope
    value = resolver.binding_value(expr.value, scope)
    if isinstance(value, (cst.Tuple, cst.List)):
        return [element.value for element in value.elements]
    return [expr]


def _decorator_applications(calls: Sequence[CallRecord]) -> set[int]:
    """Calls whose result is called at once (`with_retry(ask)(q)`, `retry_handler(3)(ask)`): they
    are decorators applied at the call site, returning a wrapper that runs the function later."""
    return {id(record.node.func) for record in calls if isinstance(record.node.func, cst.Call)}


def _passed(record: CallRecord, applied: set[int]) -> Iterator[cst.Arg]:
    """The arguments of a call that name a function it runs before returning (`do_it` in
    `cache.get(key, do_it)`): not one `defers` keeps for later, nor one a decorator wraps."""
    if defers(record.node) or id(record.node) in applied or isinstance(record.node.func, cst.Call):
        return
    for arg in record.node.args:
        if isinstance(arg.value, (cst.Name, cst.Attribute, cst.Lambda)) and not arg.star and not defers(record.node, arg):
            yield arg


def _passed_functions(
    calls: Sequence[CallRecord], resolver: Resolver, remote: dict[int, RemoteFunction]
) -> dict[int, list[FunctionInfo]]:
    """Per call (by id), the functions of this module handed to it to run (`cache.get(key, do_it)`,
    `policy.call(ask, q)`): it calls them, so their Claude calls are made there. A project function
    of another module handed to it goes into `remote`. An `async def` runs only if the call is awaited."""
    passed: dict[int, list[FunctionInfo]] = {}
    applied = _decorator_applications(calls)
    for record in calls:
        for arg in _passed(record, applied):
            if isinstance(arg.value, cst.Lambda):
                continue
            local = resolver.function_for(arg.value, record.scope)
            if local is not None:
                if record.awaited or not local.is_async:
                    passed.setdefault(id(record), []).append(local)
                continue
            if id(record) in remote or not _may_name_remote_function(arg.value, record.scope, resolver):
                continue
            found = resolver.remote_function_for(arg.value, record.scope)
            if found is not None and found.calls_claude and (record.awaited or not found.is_async):
                remote[id(record)] = found
    return passed


# A function a callee may be chosen among: one of this module, a project function of another
# module that makes a Claude call, or (by its qualified name) another imported name.
Candidate = FunctionInfo | RemoteFunction | str


def _reaches_claude(candidate: Candidate) -> bool:
    return candidate.calls_llm if isinstance(candidate, FunctionInfo) else isinstance(candidate, RemoteFunction)


def _candidate(expr: cst.BaseExpression, scope: Scope, resolver: Resolver) -> Candidate | None:
    """A dict's value or a returned value naming a function: of this module, or imported."""
    local = resolver.function_for(expr, scope)
    if local is not None:
        return local
    if not isinstance(expr, cst.Name) or not _may_name_remote_function(expr, scope, resolver):
        return None
    found = resolver.remote_function_for(expr, scope)
    if found is not None and found.calls_claude:
        return found
    return resolver.imports.qualify(expr) or expr.value


def _chosen_functions(
    expr: cst.BaseExpression,
    scope: Scope,
    resolver: Resolver,
    depth: int = 0,
    applied: list[tuple[Candidate, cst.Call]] | None = None,
) -> list[Candidate]:
    """The functions a callee is chosen among at run time: `PROVIDERS[name]`, `PROVIDERS.get(name)`
    of a dict whose values are all functions (of this module or imported), a function of this module
    that returns one of several of them (`pick_chat_fn(model)`), or a name bound to one of those.
    Empty when any way the callee can be bound is not one of those. A dict's value may wrap its
    function in a decorator (`retry_handler(3)(ask_claude)`): `applied` gets the pair."""
    if depth > 4:
        return []
    if isinstance(expr, cst.Name):
        if resolver.function_for(expr, scope) is not None or expr.value in resolver.imports.names:
            return []
        current: Scope | None = scope
        while current is not None and (current.kind == "class" or expr.value not in current.bindings):
            current = current.parent
        values = current.bindings[expr.value] if current is not None else []
        found: list[Candidate] = []
        for value in values:
            chosen = _chosen_functions(value, current, resolver, depth + 1, applied)  # type: ignore[arg-type]
            if not chosen:
                return []
            found.extend(f for f in chosen if f not in found)
        return found
    table: cst.BaseExpression | None = None
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
        table = expr.value
    elif isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "get":
        if len(expr.args) == 1:
            table = expr.func.value
    elif isinstance(expr, cst.Call):
        picker = resolver.function_for(expr.func, scope)
        if picker is not None:
            returned = returned_functions(picker, resolver)
            if returned:
                return returned
        elif _may_name_remote_function(expr.func, scope, resolver):
            # A function of another module that returns one of several: `fn = pick(model)`.
            remote = resolver.project.picker(resolver.imports.qualify(expr.func))
            if remote is not None and len(remote.choices) > 1:
                return list(remote.choices)
        # A name bound to a function wrapped in a decorator: `retried = retry_handler(3)(ask_claude)`.
        inner = wrapped_function(expr, scope, resolver) if depth > 0 else None
        candidate = _candidate(inner, scope, resolver) if inner is not None else None
        if candidate is None or not _reaches_claude(candidate):
            return []
        if applied is not None:
            applied.append((candidate, expr))
        return [candidate]
    if not isinstance(table, cst.Name):
        return []
    values = _bound_values(table.value, scope)
    if len(values) != 1 or not isinstance(values[0][0], cst.Dict):
        return []
    found = []
    for element in values[0][0].elements:
        if not isinstance(element, cst.DictElement):
            return []
        inner = wrapped_function(element.value, values[0][1], resolver)
        candidate = _candidate(inner or element.value, values[0][1], resolver)
        if candidate is None:
            return []
        if inner is not None and applied is not None:
            applied.append((candidate, element.value))  # type: ignore[arg-type]
        if candidate not in found:
            found.append(candidate)
    return found if len(found) > 1 else []


def wrapped_function(expr: cst.BaseExpression, scope: Scope, resolver: Resolver) -> cst.BaseExpression | None:
    """The function a decorator is applied to in a value (`retry_handler(3)(ask)`, `with_retry(ask)`)
    when the decorator is a function of this module or a project retry mechanism of another module
    (whether it is a retry the retry analysis decides, as for one applied at a call)."""
    if not isinstance(expr, cst.Call) or len(expr.args) != 1 or expr.args[0].star or expr.args[0].keyword is not None:
        return None
    inner = expr.args[0].value
    if not isinstance(inner, (cst.Name, cst.Attribute)):
        return None
    decorator = expr.func.func if isinstance(expr.func, cst.Call) else expr.func
    if not isinstance(decorator, (cst.Name, cst.Attribute)):
        return None
    if resolver.function_for(decorator, scope) is not None or _library_retry(decorator, scope, resolver):
        return inner
    name = dotted(decorator)
    head = name.split(".", 1)[0] if name is not None else ""
    imported = head in resolver.imports.names and not resolver.bound_locally(head, scope)
    if imported and resolver.project.retry(resolver.imports.qualify(decorator)) is not None:
        return inner
    return None


def _library_retry(decorator: cst.BaseExpression, scope: Scope, resolver: Resolver) -> bool:
    """A library's retry decorator (`tenacity.retry`, `backoff.on_exception`), or a module-level
    name bound to one (`policy = tenacity.retry(...)`) or to what a function of this module
    returns (`retry_request = make_retry(5)`)."""
    if isinstance(decorator, cst.Name) and decorator.value not in resolver.imports.names:
        bound = resolver.binding_value(decorator.value, resolver.module_scope)
        if not isinstance(bound, cst.Call):
            return False
        if resolver.function_for(bound.func, resolver.module_scope) is not None:
            return True
        decorator = bound.func
    name = dotted(decorator)
    head = name.split(".", 1)[0] if name is not None else ""
    return (
        head in resolver.imports.names
        and not resolver.bound_locally(head, scope)
        and resolver.imports.qualify(decorator) in LIBRARY_RETRY_DECORATORS
    )


def _bound_values(name: str, scope: Scope) -> list[tuple[cst.BaseExpression, Scope]]:
    current: Scope | None = scope
    while current is not None:
        if current.kind != "class" and name in current.bindings:
            return [(value, current) for value in current.bindings[name]]
        current = current.parent
    return []


def returned_functions(picker: FunctionInfo, resolver: Resolver) -> list[Candidate]:
    """The functions a function of this module returns, when every value it returns is one (at least two)."""
    returns = _Returns()
    walk(picker.node.body, returns)
    found: list[Candidate] = []
    for value in returns.values:
        candidate = _candidate(value, picker.scope, resolver) if value is not None else None
        if candidate is None:
            return []
        if candidate not in found:
            found.append(candidate)
    return found if len(found) > 1 else []


class _Returns(OwnScopeVisitor):
    def __init__(self) -> None:
        self.values: list[cst.BaseExpression | None] = []

    def visit_Return(self, node: cst.Return) -> None:
        self.values.append(node.value)


def _may_name_remote_function(expr: cst.BaseExpression, scope: Scope, resolver: Resolver) -> bool:
    """Whether an argument may name a project function of another module: an imported name
    (`summarise`, `llm.ask`) or a method of this object not bound as data (`self.ask`)."""
    name = dotted(expr)
    if name is None:
        return False
    head = name.split(".", 1)[0]
    if head in ("self", "cls"):
        owner = scope.class_scope
        return name.count(".") == 1 and owner is not None and name not in owner.bindings
    return head in resolver.imports.names and not resolver.bound_locally(head, scope)


def _run_lambdas_in_place(calls: Sequence[CallRecord], trys: Sequence[TryInfo]) -> None:
    """A lambda handed to a call that runs it (`cache.get(key, lambda: ask(q))`) runs inside the
    `try`s and loops around that call: the calls in its body get them (the collector gives a
    lambda's body none, as for one that is stored and run later)."""
    by_node = {id(record.node): record for record in calls}
    changed: set[int] = set()
    applied = _decorator_applications(calls)
    for record in calls:
        if not (record.trys or record.loops):
            continue  # nothing to hand on (asked first: `_passed` reads each argument)
        for arg in _passed(record, applied):
            if not isinstance(arg.value, cst.Lambda):
                continue
            for node in _calls_in(arg.value.body):
                inner = by_node.get(id(node))
                if inner is None or inner.trys or inner.loops:
                    continue
                inner.trys, inner.loops = record.trys, record.loops
                for context in record.trys:
                    if context.part == "body":
                        context.try_info.body_calls.append(inner)
                        changed.add(id(context.try_info))
    if changed:
        order = {id(record): i for i, record in enumerate(calls)}
        for info in trys:
            if id(info) in changed:
                info.body_calls.sort(key=lambda r: order[id(r)])


class _Calls(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.found.append(node)


def _calls_in(node: cst.CSTNode) -> list[cst.Call]:
    scan = _Calls()
    walk(node, scan)
    return scan.found


def _mark_llm_functions(
    functions: list[FunctionInfo],
    resolver: Resolver,
    remote: dict[int, RemoteFunction],
    passed: dict[int, list[FunctionInfo]],
) -> None:
    """LLM-calling functions: a direct call site, a call of a remote one, or a call to one, or of
    one handed to a call that runs it (to a fixpoint)."""
    callees: dict[int, list[FunctionInfo]] = {}
    for info in functions:
        info.calls_llm = bool(info.direct_call_sites) or any(
            id(record) in remote for record in info.calls if record.frame is info
        )
        targets = []
        for record in info.calls:
            if record.frame is info:
                target = resolver.callee_for(record.node.func, record.scope)
                if target is not None and target is not info:
                    targets.append(target)
                targets.extend(f for f in passed.get(id(record), ()) if f is not info)
        callees[id(info)] = targets
    changed = True
    while changed:
        changed = False
        for info in functions:
            if not info.calls_llm and any(t.calls_llm for t in callees[id(info)]):
                info.calls_llm = True
                changed = True

