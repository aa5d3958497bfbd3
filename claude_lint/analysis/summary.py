"""A module's summary: what it exports that rules in other modules need, as small JSON-ready data.

Computed from the module's own model (built without any project view, so it
depends on the file's content alone and is cached per content), read by the
project model (analysis/project.py), which resolves names across modules.

    {"imports": {local: qualified name},  # relative ones keep their dots: "..llm.ask"
     "functions": {"ask" | "Class.method": {
         "line": 12, "async": false,
         "claude": true,                  # makes a Claude call (through this module's functions too)
         "calls": [qualified names],      # imported functions it calls (through local ones too)
         "clients": [client],             # of the Claude calls it makes
         "returns": "message" | "stream" | "ref:<qualified name>" | null,
         "factory": client | null,        # returns a client
         "roots": [library roots],
         "retry": retry | null,           # it is a retry mechanism (analysis/retries.py); a module-level
                                          # name bound to a retry decorator is listed here too
         "text": true | [refs],           # returns Claude's reply text (analysis/reply_text.py), or the
                                          # text of calls of these (qualified, `self:m` on its object)
         "passes": [[param, position]]}}, # returns the text of these parameters (position after self/cls)
     "classes": {"Class": {"line": 3, "bases": [qualified names], "methods": [names],
                           "attrs": {"llm": class}}},   # `self.llm` is an instance of class
     # (a method's entry also has "self": [names of methods it calls on its object];
     # a class is a qualified name, or `~Name` for one of this module; a call `recv.m()`
     # whose receiver's class is known is in "calls" as `Class.m`, `~Class.m`, or
     # `~Owner.attr.m` for an attribute a base class sets)
     "clients": {name: client},           # module-level clients
     "model_sinks": {"f" | "C.m" | "C": {param: [position, "C.m", line]}},  # arguments that become a call's model
     "model_uses": [[qualified name, dict key, "C.m", line]],  # other modules' names sent as a model
     "attribute_types": {"C": {attr: [qualified class name | ":Local"]}},  # what `self.attr` holds
     "constants": {name: number},         # module-level numeric constants (attempt counts, waits)
     "pickers": {"pick": {"line": 9, "choices": [qualified names | "~local"]}}}  # returns one of several functions

    client: {"cls": "Anthropic", "async": false, "retries": 0 | null, "line": 3} or {"ref": qualified name}
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import libcst as cst

from claude_lint.analysis.model import (
    NOT_CLIENT,
    CallSite,
    ClientInfo,
    FunctionInfo,
    ModuleModel,
    Scope,
    dotted,
    returned_functions,
)
from claude_lint.analysis.reply_text import reply_text, returned_text
from claude_lint.analysis.retries import bound_retry, retry_template
from claude_lint.analysis.symbols import retry_to_json
from claude_lint.analysis.values import values_for
from claude_lint.analysis.walk import walk
from claude_lint.core.graph import components

if TYPE_CHECKING:
    from claude_lint.sdk.knowledge import Knowledge

FORMAT = 4  # 4: "pickers"; 3: functions' "text" and "passes"
_DEF = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)
_CLASS = re.compile(r"^[ \t]*class[ \t]+(\w+)", re.MULTILINE)
_STREAMS = frozenset({"messages.stream", "beta.messages.stream"})


def _lines(text: str, pattern: re.Pattern[str], names: list[str]) -> list[int]:
    """The line of each def/class, in source order: the n-th node matches the n-th header of its name."""
    found: list[int] = []
    matches = pattern.finditer(text)
    counted, breaks = 0, 0  # line breaks before `counted`: each header's line counts on from the last
    for name in names:
        line = 0
        for match in matches:
            if match.group(1) == name:
                breaks += text.count("\n", counted, match.start())
                counted = match.start()
                line = breaks + 1
                break
        found.append(line)
    return found


class _Returns(cst.CSTVisitor):
    """The values a function returns (not those of nested functions)."""

    def __init__(self, root: cst.CSTNode) -> None:
        self.root = root
        self.values: list[cst.BaseExpression] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return node is self.root

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.values.append(node.value)


def _client(client: ClientInfo | None, model: ModuleModel, site: CallSite | None, text: str) -> dict[str, Any] | None:
    if client is None:
        if site is not None and site.client_node is not None:
            name = dotted(site.client_node)
            if name is not None and name.split(".", 1)[0] in model.imports.names:
                return {"ref": model.imports.qualify(site.client_node)}
        return None
    if client.origin == "remote":
        return None  # only with a project view, which summaries are built without
    return {"cls": client.class_name, "async": client.is_async, "retries": client.max_retries, "line": 0}


# What a function reaches through this module's functions it calls (references, `self` methods,
# clients) is listed up to this many of each beyond its own (the first in sorted order; clients in
# the order met): a chain of thousands of functions, each adding one, would list every one of
# them again at each link (quadratic in size; real code reaches at most tens).
_MAX_REACHED = 256


def _reached(
    functions: list[FunctionInfo],
    local: dict[int, list[FunctionInfo]],
    refs: dict[int, set[str]],
    on_self: dict[int, set[str]],
    clients: dict[int, list[dict[str, Any]]],
) -> dict[int, tuple[frozenset[str], frozenset[str], list[dict[str, Any]]]]:
    """Per function: the references, `self` methods and clients of it and every function of this
    module it calls, directly or not (up to `_MAX_REACHED` of each beyond its own). The clients in
    the order a depth-first walk from the function meets them, last callee first (each function's
    own, then its callees'), as the summary lists them.

    One pass over the call graph's components (core/graph.py), each after the ones it reaches, not
    a walk of everything reached for each function: a chain of wrappers is linear, not quadratic. A
    callee outside the function's component cannot reach back into it, so its walk, met anywhere,
    adds its own list's clients in its own order, minus those already met."""
    out: dict[int, tuple[frozenset[str], frozenset[str], list[dict[str, Any]]]] = {}

    def met(found: list[dict[str, Any]], keys: set[str], more: list[dict[str, Any]], limit: int) -> None:
        for client in more:
            if len(found) >= limit:
                return
            key = repr(client)
            if key not in keys:
                keys.add(key)
                found.append(client)

    def capped(own: set[str], reached: set[str]) -> frozenset[str]:
        if len(reached) <= len(own) + _MAX_REACHED:
            return frozenset(reached)
        return frozenset(own).union(sorted(reached - own)[:_MAX_REACHED])

    for component in components(functions, lambda f: local[id(f)]):
        members = {id(f) for f in component}
        all_refs: set[str] = set()
        all_self: set[str] = set()
        every: set[str] = set()  # the clients met anywhere (`repr`: dicts are not hashable)
        for member in component:
            all_refs |= refs[id(member)]
            all_self |= on_self[id(member)]
            every.update(repr(client) for client in clients[id(member)])
            for callee in local[id(member)]:
                if id(callee) not in members:
                    all_refs |= out[id(callee)][0]
                    all_self |= out[id(callee)][1]
                    every.update(repr(client) for client in out[id(callee)][2])
        for member in component:
            own = clients[id(member)]
            limit = len(own) + _MAX_REACHED
            found = list(own)
            keys = {repr(client) for client in own}
            seen = {id(member)}
            pending = list(local[id(member)])
            while pending and len(found) < min(len(every), limit):
                callee = pending.pop()
                if id(callee) in seen:
                    continue
                seen.add(id(callee))
                if id(callee) in members:
                    met(found, keys, clients[id(callee)], limit)
                    pending.extend(local[id(callee)])
                else:
                    met(found, keys, out[id(callee)][2], limit)
            out[id(member)] = (capped(refs[id(member)], all_refs), capped(on_self[id(member)], all_self), found)
    return out


class _Summarizer:
    def __init__(self, model: ModuleModel, text: str) -> None:
        self.model = model
        self.text = text
        self.resolver = model.resolver
        self._returned: dict[int, list[cst.BaseExpression]] = {}  # id(function) -> the values it returns
        self._texts: dict[int, tuple[bool, list[str]]] = {}

    def returned_text(self, info: FunctionInfo, values: list[cst.BaseExpression] | None = None, depth: int = 0) -> tuple[bool, list[str]]:
        """Whether `info` returns Claude's reply text (from its own calls), else the calls of other
        modules' functions (qualified, or `self:m` for a method of its object) whose text it returns."""
        if values is None and id(info) in self._texts:
            return self._texts[id(info)]
        if values is None:
            self._texts[id(info)] = (False, [])  # a recursive function: its own call adds nothing
        found: tuple[bool, list[str]] = (False, [])
        if values is None and id(info) in reply_text(self.model).returning:
            found = (True, [])
        elif depth < 4:
            traced = returned_text(self.model, info, self.returned(info) if values is None else values)
            refs: list[str] = []
            for call in traced.calls:
                func = call.func
                name = dotted(func)
                if name is not None and name.count(".") == 1 and name.split(".", 1)[0] in ("self", "cls"):
                    # The object may be of a subclass that overrides the method: the project looks it up.
                    ref = f"self:{name.split('.', 1)[1]}"
                    if ref not in refs:
                        refs.append(ref)
                    continue
                target = self.resolver.function_for(func, info.scope)
                if target is not None:
                    own, more = self.returned_text(target, None, depth + 1)
                    passed = [a.value for a in _passed_arguments(target, call, self.passes(target))]
                    if passed:
                        inner, through = self.returned_text(info, passed, depth + 1)
                        own, more = own or inner, more + through
                    if own:
                        found = (True, [])
                        break
                    refs.extend(r for r in more if r not in refs)
                    continue
                for one in (self.imported(func, info.scope) or "").split("|"):
                    if one and one not in refs:
                        refs.append(one)
            else:
                found = (False, refs)
        if values is None:
            self._texts[id(info)] = found
        return found

    def passes(self, info: FunctionInfo) -> list[tuple[str, int]]:
        """The parameters whose text the function returns (derived by text operations):
        (name, position among the positional parameters after `self`/`cls`, or -1)."""
        values = self.returned(info)
        if not values:
            return []
        traced = returned_text(self.model, info, values)
        return [p for p in _parameters(info) if p[0] in traced.params]

    def imported(self, func: cst.BaseExpression, scope: Scope) -> str | None:
        """What a callee names in the project: an imported name (qualified), or a method through its receiver's class."""
        name = dotted(func)
        if name is None:
            return self.resolver.dispatch_ref(func, scope)
        head = name.split(".", 1)[0]
        if head in self.model.imports.names and not self.resolver.bound_locally(head, scope):
            return self.model.imports.qualify(func)
        if head in ("self", "cls") and name.count(".") == 1:
            return None  # the methods a method calls on its object: "self" (the project follows overrides)
        return self.resolver.dispatch_ref(func, scope)

    def _base(self, expr: cst.BaseExpression) -> str:
        """A base class: qualified when imported, `~Name` for a class of this module."""
        name = dotted(expr)
        if name is not None and "." not in name and name not in self.model.imports.names and name in self.resolver.local_classes:
            return f"~{name}"
        return self.model.imports.qualify(expr) or ""

    def _builds_client(self, info: FunctionInfo) -> bool:
        for record in info.calls:
            if record.frame is info and self.resolver.client_class(self.model.imports.qualify(record.node.func)):
                return True
        return False

    def returned(self, info: FunctionInfo) -> list[cst.BaseExpression]:
        if id(info) not in self._returned:
            finder = _Returns(info.node)
            walk(info.node, finder)
            self._returned[id(info)] = finder.values
        return self._returned[id(info)]

    def returns(
        self, info: FunctionInfo, sites: list[CallSite]
    ) -> tuple[str | None, dict[str, Any] | None, CallSite | None]:
        values = self.returned(info)
        if not values:
            return None, None, None
        returned: CallSite | None = None
        by_node = {id(site.node): site for site in sites}
        kind: str | None = None
        factory: dict[str, Any] | None = None
        for value in values:
            expr = value.expression if isinstance(value, cst.Await) else value
            if isinstance(expr, cst.Name):
                # `reply = None` then `reply = client.messages.create(...)` in a loop: the call's value.
                bound = [b for b in info.scope.bindings.get(expr.value, []) if not (isinstance(b, cst.Name) and b.value == "None")]
                if len(bound) == 1:
                    expr = bound[0].expression if isinstance(bound[0], cst.Await) else bound[0]
                elif bound:
                    unwrapped = [b.expression if isinstance(b, cst.Await) else b for b in bound]
                    found = [by_node[id(b)] for b in unwrapped if id(b) in by_node]
                    if len(found) == len(unwrapped):
                        plain = [f for f in found if f.method not in _STREAMS and f.keyword("stream") is None]
                        expr = (plain or found)[0].node
            site = by_node.get(id(expr))
            if site is not None and site.direct:
                kind = kind or ("stream" if site.method in _STREAMS else "message")
                returned = returned or site
            elif isinstance(expr, cst.Call):
                target = self.resolver.function_for(expr.func, info.scope)
                if target is None:
                    ref = self.imported(expr.func, info.scope)
                    if ref is not None and "|" not in ref:
                        kind = kind or f"ref:{ref}"
                client = self.resolver.client_of(expr, info.scope)
                if isinstance(client, ClientInfo) and factory is None:
                    factory = _client(client, self.model, None, self.text)
        if factory is None and info.node.returns is not None:
            client = self.resolver.client_from_annotation(info.node.returns.annotation)
            if isinstance(client, ClientInfo):
                factory = _client(client, self.model, None, self.text)
        return kind, factory, returned

    def summary(self) -> dict[str, Any]:
        model = self.model
        functions = model.functions
        lines = _lines(self.text, _DEF, [f.name for f in functions])
        sites_by_frame: dict[int, list[CallSite]] = {}
        for site in model.call_sites:
            if site.frame is not None:
                sites_by_frame.setdefault(id(site.frame), []).append(site)
        # Per function: imported callees and clients, then closed over this module's callees.
        refs: dict[int, set[str]] = {}
        clients: dict[int, list[dict[str, Any]]] = {}
        local: dict[int, list[FunctionInfo]] = {}
        on_self: dict[int, set[str]] = {}
        for info in functions:
            own_refs: set[str] = set()
            own_self: set[str] = set()
            callees: list[FunctionInfo] = []
            for record in info.calls:
                if record.frame is not info:
                    continue
                func = record.node.func
                if isinstance(func, cst.Attribute) and dotted(func.value) in ("self", "cls"):
                    own_self.add(func.attr.value)
                target = self.resolver.function_for(record.node.func, record.scope)
                if target is not None:
                    callees.append(target)
                    continue
                ref = self.imported(record.node.func, record.scope)
                if ref:
                    own_refs.update(ref.split("|"))
            refs[id(info)] = own_refs
            on_self[id(info)] = own_self
            local[id(info)] = callees
            found = []
            for site in sites_by_frame.get(id(info), []):
                if site.direct:
                    entry = _client(site.client, model, site, self.text)
                    if entry is not None and entry not in found:
                        found.append(entry)
            clients[id(info)] = found
        reached = _reached(functions, local, refs, on_self, clients)
        out_functions: dict[str, Any] = {}
        for info, line in zip(functions, lines, strict=True):
            qual = info.qualname
            if qual is None:
                continue
            all_refs, all_self, all_clients = reached[id(info)]
            all_refs, all_self, all_clients = set(all_refs), set(all_self), list(all_clients)
            returns, factory, returned = None, None, None
            if info.calls_llm or all_refs or info.node.returns is not None or self._builds_client(info):
                returns, factory, returned = self.returns(info, sites_by_frame.get(id(info), []))
            request = None
            if returned is not None:
                # What the caller reading the reply needs: can it hold tool_use or thinking blocks?
                values = values_for(model)
                request = {"tools": values.request_uses_tools(returned), "thinking": values.request_uses_thinking(returned)}
            if "." not in qual:
                all_self = set()
            text, text_refs, passes = False, [], []
            if info.calls_llm or all_refs or all_self or info.node.returns is not None:
                text, text_refs = self.returned_text(info)
                passes = self.passes(info)
            if not (info.calls_llm or all_refs or factory or returns or all_self or text or text_refs or passes):
                continue
            entry: dict[str, Any] = {
                "line": line,
                "async": info.is_async,
                "claude": info.calls_llm,
                "calls": sorted(all_refs),
                "clients": all_clients,
                "returns": returns,
                "factory": factory,
                "roots": sorted(r for r in model.library_roots([r for r in info.calls if r.frame is info]) if r),
                "retry": None,
                "request": request,
            }
            if all_self:
                entry["self"] = sorted(all_self)
            if text or text_refs:
                entry["text"] = True if text else text_refs
            if passes:
                entry["passes"] = [list(p) for p in passes]
            out_functions[qual] = entry
        for info, line in zip(functions, lines, strict=True):
            qual = info.qualname
            if qual is None:
                continue
            template = retry_template(model, info)
            if template is not None:
                entry = out_functions.setdefault(
                    qual,
                    {"line": line, "async": info.is_async, "claude": False, "calls": [], "clients": [],
                     "returns": None, "factory": None, "roots": [], "retry": None},
                )
                entry["retry"] = retry_to_json(template)
        for name, values in model.module_scope.bindings.items():
            # `retry_request = make_retry(attempts=5)`: a decorator other modules apply as `@retry_request`.
            if name in out_functions or len(values) != 1 or not isinstance(values[0], cst.Call):
                continue
            bound = bound_retry(model, name)
            if bound is not None:
                match = re.search(rf"^{re.escape(name)}[ \t]*(?::[^=\n]*)?=", self.text, re.MULTILINE)
                out_functions[name] = {
                    "line": self.text.count("\n", 0, match.start()) + 1 if match else 0, "async": False,
                    "claude": False, "calls": [], "clients": [], "returns": None, "factory": None, "roots": [],
                    "retry": retry_to_json(bound),
                }
        classes: dict[str, Any] = {}
        class_nodes = [s for s in model.classes if s.parent is model.module_scope]
        class_lines = _lines(self.text, _CLASS, [c.name for c in class_nodes])
        for scope, line in zip(class_nodes, class_lines, strict=True):
            assert isinstance(scope.node, cst.ClassDef)
            bases = [self._base(b.value) for b in scope.node.bases if b.keyword is None]
            classes[scope.name] = {"line": line, "bases": [b for b in bases if b], "methods": sorted(scope.functions)}
            attrs = self.resolver.class_attributes(scope)
            if attrs:
                classes[scope.name]["attrs"] = attrs
        module_clients: dict[str, Any] = {}
        for name, values in model.module_scope.bindings.items():
            if not values or not isinstance(values[0], (cst.Call, cst.Name, cst.Attribute, cst.Await)):
                continue
            client = self.resolver.client_of(cst.Name(name), model.module_scope)
            entry_client = None
            if isinstance(client, ClientInfo):
                entry_client = _client(client, model, None, self.text)
            elif client is None and client is not NOT_CLIENT:
                value = values[-1]
                ref = dotted(value)
                if ref is not None and ref.split(".", 1)[0] in model.imports.names:
                    entry_client = {"ref": model.imports.qualify(value)}
            if entry_client is not None:
                if "cls" in entry_client:
                    match = re.search(rf"^{re.escape(name)}[ \t]*(?::[^=\n]*)?=", self.text, re.MULTILINE)
                    entry_client["line"] = self.text.count("\n", 0, match.start()) + 1 if match else 0
                module_clients[name] = entry_client
        return {
            "format": FORMAT,
            "imports": dict(model.imports.names),
            "functions": out_functions,
            "classes": classes,
            "clients": module_clients,
            **_model_flow(model, functions, lines),
            "constants": self.constants(),
            "pickers": self.pickers(functions, lines),
        }

    def pickers(self, functions: list[FunctionInfo], lines: list[int]) -> dict[str, Any]:
        """Module-level functions that return one of several functions (`pick(model)`), which other
        modules call to choose the function they call: what each may return."""
        out: dict[str, Any] = {}
        for info, line in zip(functions, lines, strict=True):
            if info.scope.parent is not self.model.module_scope or info.name in out:
                continue
            choices: list[str] = []
            for candidate in returned_functions(info, self.resolver):
                if isinstance(candidate, FunctionInfo):
                    if candidate.scope.parent is not self.model.module_scope:
                        break  # a nested function: no other module can name it
                    choices.append(f"~{candidate.name}")
                elif isinstance(candidate, str):
                    choices.append(candidate)
            else:
                if choices:
                    out[info.name] = {"line": line, "choices": choices}
        return out

    def constants(self) -> dict[str, int | float]:
        """Module-level names whose one value is a number (`API_MAX_RETRY = 16`, `RETRY_SLEEP = 2.5`):
        attempt counts and waits."""
        out: dict[str, int | float] = {}
        values = values_for(self.model)
        for name, bound in self.model.module_scope.bindings.items():
            if not bound or not all(isinstance(b, (cst.Integer, cst.Float, cst.Name)) for b in bound):
                continue
            known = values.single(cst.Name(name), self.model.module_scope)
            if known is not None and type(known.value) in (int, float):
                out[name] = known.value  # type: ignore[assignment]
        return out


def _model_flow(model: ModuleModel, functions: list[FunctionInfo], lines: list[int]) -> dict[str, Any]:
    """Arguments of this module's functions and constructors that reach a Claude call's model, and names of
    other modules it sends as one (analysis/model_flow.py)."""
    from claude_lint.analysis.model_flow import model_flow

    flow = model_flow(model)
    types = flow.summary_types() if model.classes else {}
    if not model.direct_call_sites:
        return {"model_sinks": {}, "model_uses": [], "attribute_types": types}
    by_function = {id(f): line for f, line in zip(functions, lines, strict=True)}
    return {"model_sinks": flow.summary_sinks(by_function), "model_uses": flow.summary_uses(by_function), "attribute_types": types}


def _parameters(info: FunctionInfo) -> list[tuple[str, int]]:
    """(name, position among the positional parameters after a method's `self`/`cls`, or -1 for keyword-only)."""
    params = info.node.params
    positional = [p.name.value for p in (*params.posonly_params, *params.params)]
    if positional and positional[0] in ("self", "cls") and info.scope.class_scope is not None:
        positional = positional[1:]
    return [(name, index) for index, name in enumerate(positional)] + [(p.name.value, -1) for p in params.kwonly_params]


def _passed_arguments(info: FunctionInfo, call: cst.Call, passes: list[tuple[str, int]]) -> list[cst.Arg]:
    """The arguments of `call` that go to the parameters `passes` names."""
    found = []
    for index, arg in enumerate(call.args):
        if arg.star:
            continue
        for name, position in passes:
            if (arg.keyword is not None and arg.keyword.value == name) or (arg.keyword is None and position == index):
                found.append(arg)
    return found


def summarize(model: ModuleModel, text: str) -> dict[str, Any]:
    """The summary of a module (its model built without a project view)."""
    return _Summarizer(model, text).summary()


def summarize_module(
    module: cst.Module,
    text: str,
    knowledge: Knowledge,
    client_factories: Sequence[str] = (),
    helper_modules: Sequence[str] = (),
) -> dict[str, Any]:
    """The summary of a parsed module, from a model built for it alone (no project answers) and
    released after (its cycles broken: `ModuleModel.release`)."""
    # Looked up when called, as the callers did before (a test stands in for it).
    from claude_lint.analysis.model import build_model

    model = build_model(module, knowledge, client_factories, None, helper_modules)
    try:
        return summarize(model, text)
    finally:
        model.release()
