"""The posture of each Claude call site: its request, client, the retries and handlers around it, in its module and its callers.

What `claude-lint calls` prints. `file_calls` reads one module (with its project
view, the same facts the rules read): for every direct call
(`client.messages.create(...)`, a call of the reference helper) the request as
far as the linter knows it (model and its lifecycle, `max_tokens`, messages,
streaming, whether it is validated before it is sent), the client and its SDK
retries, the retry mechanisms (SDK, helper, tenacity, backoff, stamina, a loop,
a recursion, a home-made decorator of the project) and `except` clauses around
it in its own function; and every call of a function that makes Claude calls
(of this module or another), with the retries and handlers around that call.
`link` then follows those calls from each call site's function up through its
callers, in every module of the project, and adds what it finds there, with
the chain of calls that leads to it and the most requests one call can make
on each path (the product CL207 states for one mechanism, over all of them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from claude_lint.analysis.symbols import ProjectSpec, ProjectView
from claude_lint.config.settings import Settings

if TYPE_CHECKING:
    import libcst as cst

    from claude_lint.analysis.model import CallSite, FunctionInfo, HandlerInfo, ModuleModel
    from claude_lint.analysis.retries import RetryMechanism
    from claude_lint.lint.context import RuleContext

_STREAMS = frozenset({"messages.stream", "beta.messages.stream"})
# How the product of attempts names each kind of retry.
_SHORT = {"sdk": "SDK", "helper": "helper", "tenacity": "tenacity", "backoff": "backoff", "stamina": "stamina",
          "manual": "loop", "recursion": "recursion"}
# Caps on following callers: a path is cut at this many calls, and no more paths than this are weighed.
MAX_DEPTH = 12
MAX_PATHS = 256

FuncKey = tuple[str, str]  # (the module's path from the project root, the function's qualified name; "" at module level)


@dataclass
class Edge:
    """A call of a function that makes Claude calls, with the retries and handlers around it."""

    caller: FuncKey
    caller_name: str  # "run_job", "Worker.run", "" at module level
    callee: FuncKey
    where: str  # "app/jobs.py:12"
    retries: list[dict[str, Any]] = field(default_factory=list)
    handlers: list[dict[str, Any]] = field(default_factory=list)
    swallows: bool = False  # a handler around it catches every error and never raises: callers never see one


@dataclass
class CallPosture:
    path: str
    line: int
    column: int
    function: str  # "" at module level
    method: str
    model: str  # the `model=` argument's source, "" when not given
    streaming: bool
    is_async: bool
    client: dict[str, Any]
    request: dict[str, Any] = field(default_factory=dict)
    retries: list[dict[str, Any]] = field(default_factory=list)
    handlers: list[dict[str, Any]] = field(default_factory=list)
    callers: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    helper: str = ""
    key: FuncKey = ("", "")
    swallows: bool = False
    node: Any = None  # the call's node, while its module is read

    def as_json(self) -> dict[str, Any]:
        return {
            "filename": self.path,
            "location": {"row": self.line, "column": self.column},
            "function": self.function,
            "method": self.method,
            "helper": self.helper,
            "async": self.is_async,
            "streaming": self.streaming,
            "model": self.model,
            "request": self.request,
            "client": self.client,
            "retries": self.retries,
            "handlers": self.handlers,
            "callers": self.callers,
            "requests": self.requests,
        }


@dataclass
class FileCalls:
    """One module's call sites and its calls of Claude-calling functions."""

    postures: list[CallPosture] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    # Model ids written here that become the model of a call another module's function makes.
    models: list[tuple[FuncKey, dict[str, Any]]] = field(default_factory=list)


def call_postures(path: str, text: str, settings: Settings, project: ProjectSpec | None = None) -> list[CallPosture]:
    """The posture of every direct Claude call in the file, seen from the file alone ([] when it does not parse)."""
    found = file_calls(path, path, text, settings, project)
    if found is None:
        return []
    link([found])
    return found.postures


def file_calls(
    shown: str, module_path: str, text: str, settings: Settings, project: ProjectSpec | None = None,
    module: cst.Module | None = None,
) -> FileCalls | None:
    """What `link` needs from one module; None when it does not parse.

    `shown`: the path the report prints; `module_path`: the path from the project
    root, as the project model names definitions (`app/llm.py:6`).
    """
    import libcst as cst

    from claude_lint.analysis.model import build_model
    from claude_lint.core.nesting import check_nesting
    from claude_lint.sdk.load import load_knowledge

    if module is None:
        if check_nesting(text) is not None:
            return None
        try:
            module = cst.parse_module(text)
        except Exception:  # noqa: BLE001  (a file that does not parse has no call sites to show)
            return None
    view = project.view() if project is not None else ProjectView()
    helpers = (settings.helper_module,) if settings.helper_module else ()
    knowledge = load_knowledge(settings.sdk_version, project=settings.root)
    try:
        model = build_model(module, knowledge, settings.client_factories, view, helpers)
    except RecursionError:
        return None
    if not model.call_sites and "claude-" not in text:
        return FileCalls()  # no call, and no model id to flow into one elsewhere
    return _Reader(shown, module_path, text, model, settings).read()


class _Reader:
    def __init__(self, shown: str, module_path: str, text: str, model: ModuleModel, settings: Settings) -> None:
        from claude_lint.analysis.retries import retry_analysis
        from claude_lint.lint.context import RuleContext

        self.shown = shown
        self.module_path = module_path
        self.model = model
        self.ctx: RuleContext = RuleContext(path=shown, model=model, settings=settings, text=text)
        self.analysis = retry_analysis(model)
        self._lines: dict[int, int] = {}

    def line(self, node: cst.CSTNode) -> int:
        if id(node) not in self._lines:
            self._lines[id(node)] = self.ctx.start(node).line
        return self._lines[id(node)]

    def where(self, node: cst.CSTNode) -> str:
        return f"{self.shown}:{self.line(node)}"

    def key(self, function: FunctionInfo | None) -> FuncKey:
        return (self.module_path, _qualname(function) if function is not None else "")

    def read(self) -> FileCalls:
        out = FileCalls()
        sites = self.model.call_sites
        for site in sites:
            if site.direct:
                out.postures.append(self.posture(site))
        self.flow(out)
        # Calls of Claude-calling functions: those the model found, and those a retry wrapper makes
        # (`retry_handler(3)(ask)(q)`), which are call sites of the mechanism alone.
        seen: set[tuple[int, FuncKey]] = set()
        indirect = [s for s in sites if not s.direct]
        indirect += [s for m in self.analysis.mechanisms for s in m.call_sites if not s.direct and s not in indirect]
        for site in indirect:
            callee = self.callee(site)
            if callee is None or (id(site.node), callee) in seen:
                continue
            seen.add((id(site.node), callee))
            frame = site.frame
            edge = Edge(
                caller=self.key(frame),
                caller_name=_qualname(frame) if frame is not None else "",
                callee=callee,
                where=self.where(site.node),
                retries=self.retries_around(site, callee),
                handlers=self.handlers_around(site),
                swallows=_swallowed(site),
            )
            out.edges.append(edge)
        return out

    def flow(self, out: FileCalls) -> None:
        """Model ids that reach a call through parameters, attributes and other modules (CL302's flow)."""
        from claude_lint.analysis.model_flow import model_flow

        if "claude-" not in self.ctx.text:
            return  # no model id written here: nothing flows from it
        flow = model_flow(self.model)
        by_node = {id(p.node): p for p in out.postures if p.node is not None}
        for reach in flow.reaches:
            posture = by_node.get(id(reach.site.node)) if reach.site is not None else None
            if posture is not None:
                _add_model(posture, self.known_model(reach.known))
        for reach in flow.remote():
            call = reach.call  # the function of another module that makes the call
            if call is not None and call.function and call.line:
                out.models.append(((call.path, call.function), self.known_model(reach.known)))

    def known_model(self, known: Any) -> dict[str, Any]:
        from claude_lint.sdk.models import model_status

        name = str(known.value)
        status = model_status(name, self.model.knowledge)
        return {"id": name, "status": status.kind if status is not None else "not a claude id",
                "end_of_life": status.end_of_life.isoformat() if status and status.end_of_life else None,
                "where": self.where(known.node)}

    def callee(self, site: CallSite) -> FuncKey | None:
        if site.target is not None:
            return self.key(site.target)
        if site.remote is not None:
            return (site.remote.where.rsplit(":", 1)[0], site.remote.name)
        return None

    # -- what is around a call ----------------------------------------------------------

    def mechanism(self, m: RetryMechanism) -> dict[str, Any]:
        from claude_lint.lint.retry_wording import mechanism_name

        node = m.loop.node if m.loop is not None else m.node
        return {
            "kind": m.family,
            "name": mechanism_name(m, self.model),
            "where": self.where(node),
            "attempts": m.attempts,
            "bounded": m.bounded,
            "wait": m.wait,
            # When its attempts run out it raises its own error (tenacity's RetryError), not the API error.
            "reraise": m.reraise,
            "retries_nothing": False,
            "via": [],
        }

    def retries_around(self, site: CallSite, callee: FuncKey | None = None) -> list[dict[str, Any]]:
        found = []
        # Those that retry none of its errors (only types the SDK never raises, CL106) are listed, marked.
        for m in [*self.analysis.mechanisms, *self.analysis.foreign]:
            if any(s is site or (callee is not None and s.node is site.node and self.callee(s) == callee) for s in m.call_sites):
                entry = self.mechanism(m)
                if m in self.analysis.foreign:
                    entry["retries_nothing"] = True
                if entry not in found:
                    found.append(entry)
        return found

    def handlers_around(self, site: CallSite) -> list[dict[str, Any]]:
        found = []
        retrying = {id(h.node) for m in self.analysis.mechanisms for h in m.handlers}
        for handler in site.enclosing_handlers():
            if not (handler.catches_sdk_error() or handler.catches_broad()):
                continue
            retries = id(handler.node) in retrying
            entry = {"clause": self.ctx.except_clause(handler), "where": self.where(handler.node),
                     "catches_all": handler.catches_broad(), "retries": retries,
                     "swallows": _swallows(handler) and not retries, "never_matches": None, "via": []}
            if entry not in found:
                found.append(entry)
        return found

    # -- one direct call ----------------------------------------------------------------

    def posture(self, site: CallSite) -> CallPosture:
        from claude_lint.analysis.retries import helper_attempts, sdk_attempts

        start = self.ctx.start(site.node)
        client = site.client
        knowledge = self.model.knowledge
        if client is None:
            client_facts: dict[str, Any] = {"class": "", "max_retries": None, "where": ""}
        else:
            where = client.where or ""
            if not where and client.node is not None:
                where = self.where(client.node)
            client_facts = {"class": client.class_name, "max_retries": client.max_retries, "where": where}
        client_facts["sdk_attempts"] = 1 if site.helper else sdk_attempts(client, knowledge)
        request = self.request(site)
        model_arg = site.keyword("model")
        posture = CallPosture(
            path=self.shown,
            line=start.line,
            column=start.column + 1,
            function=_qualname(site.frame) if site.frame is not None else "",
            method=site.method,
            model=self.ctx.code_for(model_arg.value) if model_arg is not None else "",
            streaming=bool(request["stream"]),
            is_async=site.is_async,
            client=client_facts,
            request=request,
            helper=site.helper,
            key=self.key(site.frame),
            swallows=_swallowed(site),
            node=site.node,
        )
        if site.helper:
            attempts = helper_attempts(site, self.model)
            first = {"kind": "helper", "name": f"`{site.helper}()` (the reference helper)", "where": self.where(site.node),
                     "attempts": attempts, "bounded": True, "wait": "jittered", "reraise": True, "retries_nothing": False, "via": []}
        else:
            first = {"kind": "sdk", "name": "the SDK", "where": client_facts["where"], "attempts": client_facts["sdk_attempts"],
                     "bounded": True, "wait": "jittered" if client_facts["sdk_attempts"] > 1 else "none", "reraise": True,
                     "retries_nothing": False, "via": []}
        posture.retries = [first, *self.retries_around(site)]
        posture.handlers = self.handlers_around(site)
        return posture

    def request(self, site: CallSite) -> dict[str, Any]:
        """What the linter knows about the request a call sends."""
        from claude_lint.analysis.values import values_for

        values = values_for(self.model)
        args = values.request_arguments(site)
        model_item = args.keywords.get("model")
        statuses: list[dict[str, Any]] = []
        for known in values.request_models(site):
            entry = self.known_model(known)
            if not any(e["id"] == entry["id"] for e in statuses):
                statuses.append(entry)
        model_facts = {
            "source": self.ctx.code_for(model_item.expr) if model_item is not None else None,
            "known": statuses,
            # Every value the argument can take is known (a literal, a constant).
            "complete": model_item is not None and values.possible(model_item.expr, model_item.scope).complete,
        }
        tokens = args.keywords.get("max_tokens") or args.keywords.get("max_tokens_to_sample")
        max_tokens: dict[str, Any] | None = None
        if tokens is not None:
            known = values.single(tokens.expr, tokens.scope)
            value = known.value if known is not None and isinstance(known.value, int) and not isinstance(known.value, bool) else None
            max_tokens = {"source": self.ctx.code_for(tokens.expr), "value": value}
        messages_item = args.keywords.get("messages")
        messages: dict[str, Any] | None = None
        if messages_item is not None:
            sequences = values.request_messages(site)
            count = len(sequences[0].items) if len(sequences) == 1 else None
            complete = len(sequences) == 1 and sequences[0].complete
            messages = {"count": count, "complete": complete}
        stream: bool | None = site.method in _STREAMS
        stream_arg = args.keywords.get("stream")
        if not stream and stream_arg is not None:
            known_stream = values.single(stream_arg.expr, stream_arg.scope)
            stream = bool(known_stream.value) if known_stream is not None else None
        elif not stream and not args.complete:
            stream = None
        return {
            "model": model_facts,
            "max_tokens": max_tokens,
            "messages": messages,
            "stream": stream,
            "tools": values.request_uses_tools(site),
            "thinking": values.request_uses_thinking(site),
            "arguments_complete": args.complete,  # no `**kwargs` / `*args` of unknown content
            "validated": self.validated(site),
        }

    def validated(self, site: CallSite) -> str:
        """How the request is checked before it is sent: the helper's validation, a validating decorator."""
        import libcst as cst

        if site.helper:
            arg = site.keyword("validate")
            off = arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "False"
            return "" if off else "helper"
        frame = site.frame
        for decorator in frame.decorators if frame is not None else ():
            expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
            if (self.model.qualify(expr) or "").rsplit(".", 1)[-1] in ("validate_call", "validate_arguments"):
                return "decorator"
        return ""


def _qualname(function: FunctionInfo) -> str:
    """`f`, `C.m`, or `outer.<locals>.inner` (nested functions are reached only from their module)."""
    parts = [function.name]
    scope = function.scope.parent
    while scope is not None and scope.kind != "module":
        parts.append(scope.name if scope.kind == "class" else f"{scope.name}.<locals>")
        scope = scope.parent
    return ".".join(reversed(parts))


def _swallows(handler: HandlerInfo) -> bool:
    """Catches every error of the call and never raises: nothing above it sees one."""
    import libcst as cst

    from claude_lint.analysis.syntax import contains_kind

    catches_all = handler.catches_broad() or any(t.sdk_name in ("AnthropicError", "APIError") for t in handler.types)
    return catches_all and not contains_kind(handler.node.body, cst.Raise)


def _swallowed(site: CallSite) -> bool:
    return any(_swallows(h) for h in site.enclosing_handlers())


# ---------------------------------------------------------------- callers


def link(files: Sequence[FileCalls]) -> None:
    """Add to each call site the callers of its function, transitively, and what they put around the call."""
    callers: dict[FuncKey, list[Edge]] = {}
    models: dict[FuncKey, list[dict[str, Any]]] = {}
    for file in files:
        for edge in file.edges:
            callers.setdefault(edge.callee, []).append(edge)
        for key, entry in file.models:
            models.setdefault(key, []).append(entry)
    for file in files:
        for posture in file.postures:
            posture.node = None
            for entry in models.get(posture.key, ()):
                _add_model(posture, entry)
            _follow(posture, callers)


def _add_model(posture: CallPosture, entry: dict[str, Any]) -> None:
    known = posture.request["model"]["known"]
    if not any(e["id"] == entry["id"] and e["where"] == entry["where"] for e in known):
        known.append(entry)


def _follow(posture: CallPosture, callers: dict[FuncKey, list[Edge]]) -> None:
    own_retries = list(posture.retries)
    # Breadth first: each edge once, with the shortest chain of calls that reaches it.
    chains: list[tuple[Edge, list[Edge]]] = []
    seen_edges: set[int] = set()
    # A handler that swallows every error ends the search: nothing above it sees one.
    frontier: list[tuple[FuncKey, list[Edge]]] = [] if posture.swallows else [(posture.key, [])]
    visited = {posture.key}
    while frontier:
        next_frontier: list[tuple[FuncKey, list[Edge]]] = []
        for key, chain in frontier:
            if len(chain) >= MAX_DEPTH:
                continue
            for edge in callers.get(key, []):
                if id(edge) in seen_edges:
                    continue
                seen_edges.add(id(edge))
                path = [*chain, edge]
                chains.append((edge, path))
                if edge.caller not in visited and not edge.swallows:
                    visited.add(edge.caller)
                    next_frontier.append((edge.caller, path))
        frontier = next_frontier
    for edge in callers.get(posture.key, []):
        posture.callers.append({"function": edge.caller_name, "where": edge.where})
    # Each retry and handler once, with the shortest chain that reaches it and how many other chains do.
    shown: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in posture.retries:
        entry["other_chains"] = 0
        shown[("retry", entry["where"])] = entry
    for entry in posture.handlers:
        entry["other_chains"] = 0
        shown[("handler", entry["where"])] = entry
    for edge, path in chains:
        via = [{"function": e.caller_name, "where": e.where} for e in path]
        for retry in edge.retries:
            if ("retry", retry["where"]) in shown:
                shown[("retry", retry["where"])]["other_chains"] += 1
                continue
            entry = shown[("retry", retry["where"])] = {**retry, "via": via, "other_chains": 0}
            posture.retries.append(entry)
        # A retry below the handler that ends with its own error (tenacity's RetryError): an
        # `except` for the API's errors never matches what reaches it (CL208 at the retry).
        masking = [r for e in path[:-1] for r in e.retries] + [r for r in own_retries if r["kind"] != "sdk"]
        masked = next((r for r in masking if not r["reraise"] and not r["retries_nothing"]), None)
        for handler in edge.handlers:
            if ("handler", handler["where"]) in shown:
                shown[("handler", handler["where"])]["other_chains"] += 1
                continue
            entry = shown[("handler", handler["where"])] = {**handler, "via": via, "other_chains": 0}
            if masked is not None and not handler["catches_all"]:
                how = "raises `tenacity.RetryError` instead" if masked["kind"] == "tenacity" else "gives up without raising"
                entry["never_matches"] = f"{masked['name']} at {masked['where']} {how}"
            posture.handlers.append(entry)
    posture.requests = _requests(posture, own_retries, callers)


def _requests(posture: CallPosture, own: list[dict[str, Any]], callers: dict[FuncKey, list[Edge]]) -> list[dict[str, Any]]:
    """The most requests one call can make, on each path of calls that reaches it (largest first, equal ones merged)."""
    paths: list[list[Edge]] = []

    def walk(key: FuncKey, chain: list[Edge], on_path: set[FuncKey]) -> None:
        if len(paths) >= MAX_PATHS:
            return
        above = [e for e in callers.get(key, []) if e.caller not in on_path] if len(chain) < MAX_DEPTH else []
        # A handler that swallows every error: retries above it never see one, so the path ends here.
        if not above or (chain and chain[-1].swallows) or (not chain and posture.swallows):
            paths.append(chain)
            return
        for edge in above:
            walk(edge.caller, [*chain, edge], on_path | {edge.caller})

    walk(posture.key, [], {posture.key})
    results: list[dict[str, Any]] = []
    for chain in paths:
        layers = list(own) + [r for e in chain for r in e.retries]
        entry = _product(layers)
        entry["via"] = [{"function": e.caller_name, "where": e.where} for e in chain]
        same = next((r for r in results if r["max"] == entry["max"] and r["bounded"] == entry["bounded"]
                     and r["product"] == entry["product"]), None)
        if same is not None:
            same["paths"] += 1
            if len(entry["via"]) < len(same["via"]):  # the shortest path is the example
                same["via"] = entry["via"]
            continue
        entry["paths"] = 1
        results.append(entry)
    results.sort(key=lambda r: (not r["bounded"], -1 if r["max"] is None else r["max"]), reverse=True)
    return results


def _product(layers: list[dict[str, Any]]) -> dict[str, Any]:
    """`3 tenacity attempts x 3 SDK attempts`, up to 9 requests; None when a count is not known."""
    parts: list[str] = []
    total: int | None = 1
    bounded = True
    for layer in reversed(layers):  # outermost first, as CL207 words it
        if layer["retries_nothing"]:
            continue
        name = _SHORT.get(layer["kind"]) or _project_short(layer["name"])
        tries = "passes" if layer["kind"] == "manual" else "attempts"
        if layer["attempts"] == 1:
            tries = tries[:-2] if tries == "passes" else tries[:-1]
        if not layer["bounded"]:
            bounded = False
            parts.append(f"unbounded {name}")
            continue
        if layer["attempts"] is None:
            total = None
            parts.append(f"? {name} {tries}")
            continue
        if total is not None:
            total *= layer["attempts"]
        parts.append(f"{layer['attempts']} {name} {tries}")
    return {"max": total if bounded else None, "bounded": bounded, "product": " x ".join(parts)}


def _project_short(name: str) -> str:
    """`@retry_handler(...)` (defined in ...) -> retry_handler."""
    head = name.split("`")[1] if name.count("`") >= 2 else name
    return head.lstrip("@").split("(", 1)[0].rsplit(".", 1)[-1]
