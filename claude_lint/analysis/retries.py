"""Retry mechanisms around Claude call sites, derived from the module model.

Every retry form the rules know is turned into one `RetryMechanism` with its
attempt bound, wait strategy, retry predicate and reraise behaviour, and the
call sites it wraps: tenacity (decorators and `Retrying` loops), retrying
(`@retry(...)` and `Retrying(...).call(f, ...)`), backoff,
stamina, manual `for`/`while` loops, recursion, and the SDK's own
`max_retries`. Computed once per file and shared by the CL2xx rules
(`RuleContext.retries`): it starts from the model's records and walks only
the subtrees it must look inside (handler bodies, loop bodies for attempt
counters, recursive functions for the counter they compare). How messages
name a mechanism is `claude_lint.lint.retry_wording`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from claude_lint.analysis.model import (
    CallRecord,
    CallSite,
    ClientInfo,
    FunctionInfo,
    HandlerInfo,
    LoopInfo,
    ModuleModel,
    Scope,
)
from claude_lint.analysis.records import (
    BACKOFF_DECORATORS,
    LIBRARY_RETRY_DECORATORS,
    RETRYING_DECORATORS,
    STAMINA_DECORATORS,
    TENACITY_DECORATORS,
)
from claude_lint.analysis.returns import returned_values
from claude_lint.analysis.symbols import Param, RemoteRetry
from claude_lint.analysis.syntax import (
    contains_kind,
    dotted,
    ends_with,
    int_literal,
    keyword_arg,
    keyword_args,
    literal_value,
    names_in,
)
from claude_lint.analysis.values import values_for
from claude_lint.analysis.walk import walk
from claude_lint.sdk.knowledge import Knowledge

Family = Literal["tenacity", "retrying", "backoff", "stamina", "manual", "recursion", "project"]
WaitKind = Literal["none", "fixed", "exponential", "jittered", "unknown"]

SLEEP_FUNCTIONS = frozenset(
    {"time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep", "gevent.sleep", "eventlet.sleep"}
)
_TENACITY_LOOPS = frozenset({"tenacity.Retrying", "tenacity.AsyncRetrying"})
_RETRYING_OBJECTS = frozenset({"retrying.Retrying"})
_JITTERED_WAITS = frozenset(
    {"wait_random", "wait_random_exponential", "wait_full_jitter", "wait_exponential_jitter"}
)
_EXPONENTIAL_WAITS = frozenset({"wait_exponential", "wait_incrementing"})
_FIXED_WAITS = frozenset({"wait_fixed", "wait_chain"})
_UNBOUNDED_STOPS = frozenset({"stop_never"})
_INSPECTING_PREDICATES = frozenset(
    {"retry_if_exception", "retry_if_exception_message", "retry_if_not_exception_message",
     "retry_if_exception_cause_type", "retry_unless_exception_type"}
)
_RESULT_PREDICATES = frozenset({"retry_if_result", "retry_if_not_result"})
# What a handler reads when it decides whether to retry.
_INSPECTING_ATTRIBUTES = frozenset({"status_code", "should_retry", "code", "type", "error_code"})
INFINITE_RETRIES = frozenset({"float('inf')", 'float("inf")', "math.inf", "sys.maxsize"})


@dataclass
class Predicate:
    """Which exceptions a mechanism retries."""

    kind: Literal["all", "types", "inspects", "none"]
    types: tuple[str, ...] = ()  # qualified names, for kind == "types"
    excluded: tuple[str, ...] = ()  # `retry_if_not_exception_type(...)`

    @staticmethod
    def union(parts: Sequence[Predicate]) -> Predicate:
        if any(p.kind == "all" and not p.excluded for p in parts):
            return Predicate("all")
        if any(p.kind == "all" for p in parts):
            return next(p for p in parts if p.kind == "all")
        types = tuple(t for p in parts if p.kind == "types" for t in p.types)
        if types:
            return Predicate("types", types)
        if any(p.kind == "inspects" for p in parts):
            return Predicate("inspects")
        return Predicate("none")


@dataclass(eq=False)
class RetryMechanism:
    family: Family
    node: cst.CSTNode  # where its diagnostics are reported
    call_sites: list[CallSite]
    attempts: int | None  # a literal attempt count, when known
    bounded: bool
    wait: WaitKind
    predicate: Predicate
    reraise: bool
    function: FunctionInfo | None = None  # the decorated function, or the one holding the loop
    call: cst.Call | None = None  # the decorator / Retrying(...) call
    loop: LoopInfo | None = None
    handlers: list[HandlerInfo] = field(default_factory=list)  # manual: handlers that retry
    sleeps: list[CallRecord] = field(default_factory=list)  # manual/recursion: the waits
    reads_retry_after: bool = False
    on_generator: bool = False  # a decorator on a generator function: it retries nothing
    origin: str | None = None  # a project mechanism defined in another module: "app/retry.py:5"
    # A library's decorator applied at a call or in a dict's value (`tenacity.retry(...)(ask)(q)`),
    # not above a def: reported where it is applied.
    applied: bool = False
    wraps: FunctionInfo | None = None  # applied: the function of this module it wraps, when it is one

    def keyword(self, name: str) -> cst.Arg | None:
        if self.call is None:
            return None
        return keyword_arg(self.call, name)

    @property
    def retries_errors(self) -> bool:
        """False for a policy that retries only on results (tenacity's `retry=retry_if_result(...)`,
        retrying's `retry_on_exception=lambda e: False` with `retry_on_result=`): the call's errors
        go straight through it, so it neither multiplies the SDK's retries (CL207), nor replaces
        them (CL201), nor turns them into `RetryError` (CL208), nor needs a backoff for an
        overloaded API (CL204, CL205). It still re-sends the request until its bound (CL203)."""
        return self.predicate.kind != "none"


@dataclass
class RetryAnalysis:
    mechanisms: list[RetryMechanism]
    # Functions whose every call is retried by a mechanism around it.
    retried_functions: set[int]
    # Decorators and loops around a Claude call whose predicate names only types the SDK
    # never raises (`retry_if_exception_type(ConnectionError)`): they retry none of its
    # errors, so they are not mechanisms; CL106 reports them.
    foreign: list[RetryMechanism] = field(default_factory=list)
    # Retry decorators on generator functions: they retry nothing (CL212).
    on_generators: list[RetryMechanism] = field(default_factory=list)

    # id(site) -> the mechanisms around it, in order (built on first use: asked per site, a scan of
    # every mechanism's sites was quadratic in a big module).
    _by_site: dict[int, list[RetryMechanism]] | None = field(default=None, repr=False, compare=False)

    def wrapping(self, site: CallSite) -> list[RetryMechanism]:
        if self._by_site is None:
            self._by_site = {}
            for mechanism in self.mechanisms:
                for key in dict.fromkeys(id(s) for s in mechanism.call_sites):
                    self._by_site.setdefault(key, []).append(mechanism)
        return list(self._by_site.get(id(site), ()))

    def is_wrapped(self, site: CallSite) -> bool:
        """Whether something retries the call's errors (a retry only on results does not)."""
        if any(m.retries_errors for m in self.wrapping(site)):
            return True
        return site.frame is not None and id(site.frame) in self.retried_functions


# ---------------------------------------------------------------- helpers


def sleep_name(model: ModuleModel, call: cst.Call) -> str | None:
    qualname = model.qualify(call.func)
    if qualname is None:
        return None
    if qualname in SLEEP_FUNCTIONS or qualname.endswith(".sleep") or qualname == "sleep":
        return qualname
    return None


def through_names(model: ModuleModel, expr: cst.BaseExpression) -> cst.BaseExpression:
    """What a module-level name stands for: `TRANSIENT` -> `(anthropic.RateLimitError, ...)`,
    `STOP` -> `stop_after_attempt(5)`. Imported names and anything else are returned as is."""
    for _ in range(5):  # constants naming constants, not cycles
        if not isinstance(expr, cst.Name) or expr.value in model.imports.names:
            return expr
        bound = model.resolver.binding_value(expr.value, model.module_scope)
        if bound is None:
            return expr
        expr = bound
    return expr


def attempt_count(model: ModuleModel, expr: cst.BaseExpression, scope: Scope | None = None) -> int | None:
    """A whole number written as a literal, behind a constant of this module (`API_MAX_RETRY = 16`,
    any name whose one value is a number) or a constant imported from another project module."""
    value: object = None
    if isinstance(expr, cst.Integer):
        value = int_literal(expr)
    else:
        scope = scope or model.module_scope
        known = values_for(model).single(expr, scope)
        name = dotted(expr)
        head = name.split(".", 1)[0] if name is not None else ""
        if known is not None:
            value = known.value
        elif head in model.imports.names and not model.resolver.bound_locally(head, scope):
            value = model.resolver.project.constant(model.qualify(expr))
    # A count past 2**63 is no count a message can multiply and print (`str()` refuses
    # integers over 4,300 digits): unknown, as an unconvertible literal is.
    return value if type(value) is int and value.bit_length() <= 63 else None


def _args(model: ModuleModel, call: cst.Call) -> tuple[list[cst.Arg], dict[str, cst.Arg]]:
    """Positional and keyword arguments, their values seen through module-level names
    (copies for reading: the call's own `Arg`s stay the ones fixes edit)."""

    def seen(arg: cst.Arg) -> cst.Arg:
        value = through_names(model, arg.value)
        return arg if value is arg.value else arg.with_changes(value=value)

    positional = [seen(a) for a in call.args if a.keyword is None and not a.star]
    return positional, {name: seen(arg) for name, arg in keyword_args(call).items()}


def _leaf(model: ModuleModel, expr: cst.BaseExpression) -> str:
    """The last name of what an expression calls or names: `tenacity.wait_fixed(1)` -> wait_fixed."""
    target = expr.func if isinstance(expr, cst.Call) else expr
    qualname = model.qualify(target) or ""
    return qualname.rsplit(".", 1)[-1]


def _exception_types(model: ModuleModel, expr: cst.BaseExpression, depth: int = 0) -> tuple[str, ...]:
    expr = through_names(model, expr)
    if isinstance(expr, (cst.Tuple, cst.List)) and depth < 5:
        return tuple(t for e in expr.elements for t in _exception_types(model, e.value, depth + 1))
    qualname = model.qualify(expr)
    return (qualname,) if qualname is not None else ()


def _is_local_callable(model: ModuleModel, expr: cst.BaseExpression) -> bool:
    """`on=should_retry` (a function of this module) or a lambda: the predicate inspects."""
    if isinstance(expr, cst.Lambda):
        return True
    return isinstance(expr, cst.Name) and any(f.name == expr.value for f in model.functions)


# ---------------------------------------------------------------- tenacity


def _tenacity_predicate(model: ModuleModel, expr: cst.BaseExpression | None) -> Predicate:
    if expr is None:
        return Predicate("all")  # tenacity's default: retry on any exception
    expr = through_names(model, expr)
    if isinstance(expr, cst.BinaryOperation):
        left = _tenacity_predicate(model, expr.left)
        right = _tenacity_predicate(model, expr.right)
        if isinstance(expr.operator, cst.BitOr):
            return Predicate.union([left, right])
        return Predicate("inspects")
    if isinstance(expr, cst.Call):
        leaf = _leaf(model, expr)
        positional, keywords = _args(model, expr)
        if leaf == "retry_if_exception_type":
            arg = positional[0].value if positional else keywords.get("exception_types", None)
            if arg is None:
                return Predicate("all")
            value = arg if isinstance(arg, cst.BaseExpression) else arg.value
            return Predicate("types", _exception_types(model, value))
        if leaf == "retry_if_not_exception_type":
            arg = positional[0].value if positional else None
            excluded = _exception_types(model, arg) if arg is not None else ("Exception",)
            return Predicate("all", excluded=excluded)
        if leaf in ("retry_any",):
            return Predicate.union([_tenacity_predicate(model, a.value) for a in positional])
        if leaf in _RESULT_PREDICATES:
            return Predicate("none")
        return Predicate("inspects")
    leaf = _leaf(model, expr)
    if leaf == "retry_always":
        return Predicate("all")
    if leaf == "retry_never":
        return Predicate("none")
    return Predicate("inspects")


def _tenacity_stop(model: ModuleModel, expr: cst.BaseExpression | None) -> tuple[bool, int | None]:
    """(bounded, literal attempts)."""
    if expr is None:
        return False, None
    expr = through_names(model, expr)
    if isinstance(expr, cst.BinaryOperation):
        left, right = _tenacity_stop(model, expr.left), _tenacity_stop(model, expr.right)
        if isinstance(expr.operator, cst.BitOr):  # stop when either says stop
            attempts = [a for a in (left[1], right[1]) if a is not None]
            return left[0] or right[0], min(attempts) if attempts else None
        return left[0] and right[0], None
    leaf = _leaf(model, expr)
    if leaf in _UNBOUNDED_STOPS:
        return False, None
    if leaf == "stop_after_attempt" and isinstance(expr, cst.Call) and expr.args:
        return True, attempt_count(model, expr.args[0].value)
    return True, None


def _tenacity_wait(model: ModuleModel, expr: cst.BaseExpression | None) -> WaitKind:
    if expr is None:
        return "none"
    expr = through_names(model, expr)
    if isinstance(expr, cst.BinaryOperation):
        kinds = {_tenacity_wait(model, expr.left), _tenacity_wait(model, expr.right)}
        for kind in ("jittered", "exponential", "fixed", "unknown"):
            if kind in kinds:
                return kind  # type: ignore[return-value]
        return "none"
    leaf = _leaf(model, expr)
    if leaf in _JITTERED_WAITS:
        return "jittered"
    if leaf in _EXPONENTIAL_WAITS:
        return "exponential"
    if leaf in _FIXED_WAITS:
        return "fixed"
    if leaf == "wait_none":
        return "none"
    return "unknown"


def _is_true(arg: cst.Arg | None) -> bool:
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "True"


def _tenacity(model: ModuleModel, call: cst.Call | None, node: cst.CSTNode, family_node_sites: list[CallSite]) -> RetryMechanism:
    keywords = _args(model, call)[1] if call is not None else {}
    bounded, attempts = _tenacity_stop(model, keywords["stop"].value if "stop" in keywords else None)
    return RetryMechanism(
        family="tenacity",
        node=node,
        call_sites=family_node_sites,
        attempts=attempts,
        bounded=bounded,
        wait=_tenacity_wait(model, keywords["wait"].value if "wait" in keywords else None),
        predicate=_tenacity_predicate(model, keywords["retry"].value if "retry" in keywords else None),
        reraise=_is_true(keywords.get("reraise")),
        call=call,
    )


# ---------------------------------------------------------------- retrying

# `Retrying(wait="random_sleep")` names one of its own wait methods.
_RETRYING_WAIT_METHODS: dict[str, WaitKind] = {
    "fixed_sleep": "fixed", "random_sleep": "jittered", "incrementing_sleep": "exponential",
    "exponential_sleep": "exponential", "no_sleep": "none",
}
# Keyword groups of `Retrying(...)`, each adding one wait function (it sleeps the largest).
_RETRYING_WAITS: tuple[tuple[tuple[str, ...], WaitKind], ...] = (
    (("wait_random_min", "wait_random_max"), "jittered"),
    (("wait_exponential_multiplier", "wait_exponential_max"), "exponential"),
    (("wait_incrementing_start", "wait_incrementing_increment"), "exponential"),
    (("wait_fixed",), "fixed"),
)
_RETRYING_STOPS = ("stop_max_attempt_number", "stop_max_delay", "stop_func", "stop")


def _given(keywords: dict[str, cst.Arg], name: str) -> cst.BaseExpression | None:
    """A keyword's value, unless absent or `None` (which `retrying` takes as not given)."""
    arg = keywords.get(name)
    return None if arg is None or _is_none(arg.value) else arg.value


def _retrying(
    model: ModuleModel, call: cst.Call | None, node: cst.CSTNode, sites: list[CallSite], scope: Scope | None = None
) -> RetryMechanism:
    """`@retry(...)` / `Retrying(...)` of the `retrying` library. Its defaults: never stop, no
    wait, retry every exception; `wrap_exception=True` raises `RetryError` in place of the error."""
    keywords = _args(model, call)[1] if call is not None else {}
    scope = scope or model.module_scope
    count = _given(keywords, "stop_max_attempt_number")
    return RetryMechanism(
        family="retrying",
        node=node,
        call_sites=sites,
        attempts=attempt_count(model, count, scope) if count is not None else None,
        bounded=any(_given(keywords, name) is not None for name in _RETRYING_STOPS),
        wait=_retrying_wait(model, keywords, scope),
        predicate=_retrying_predicate(model, _given(keywords, "retry_on_exception"), scope),
        reraise=not _is_true(keywords.get("wrap_exception")),
        call=call,
    )


def _retrying_wait(model: ModuleModel, keywords: dict[str, cst.Arg], scope: Scope) -> WaitKind:
    func = _given(keywords, "wait_func")
    method = _given(keywords, "wait")
    if func is not None:
        kind = _function_wait(model, func, scope)
    elif method is not None:
        name = literal_value(method) if isinstance(method, cst.SimpleString) else None
        kind = _RETRYING_WAIT_METHODS.get(name, "unknown") if isinstance(name, str) else "unknown"
    else:
        kinds = {k for names, k in _RETRYING_WAITS if any(_given(keywords, n) is not None for n in names)}
        kind = next((k for k in ("jittered", "exponential", "fixed") if k in kinds), "none")
    jitter = _given(keywords, "wait_jitter_max")
    if jitter is not None and not (isinstance(jitter, (cst.Integer, cst.Float)) and literal_value(jitter) == 0):
        return "jittered"  # a random amount added to every wait
    return kind


def _function_wait(model: ModuleModel, expr: cst.BaseExpression, scope: Scope) -> WaitKind:
    """A `wait_func=`: what its returned delay is made of (`2 ** attempts * 1000`: exponential)."""
    if isinstance(expr, cst.Lambda):
        values: list[cst.BaseExpression] = [expr.body]
        bindings: dict[str, list[cst.BaseExpression]] = {}
    else:
        function = model.resolver.function_for(expr, scope)
        if function is None:
            return "unknown"
        values, bindings = returned_values(function), function.scope.bindings
    if not values:
        return "unknown"
    kinds: set[WaitKind] = set()
    for value in values:
        text = model.module.code_for_node(value)
        for name in names_in(value):  # one level through local assignments: `delay = 2 ** n * 1000`
            text += " ".join(model.module.code_for_node(v) for v in bindings.get(name, ()))
        shape = _delay_shape(text)
        if shape is not None:
            kinds.add(shape)
        elif isinstance(value, (cst.Integer, cst.Float)):
            kinds.add("fixed")
        else:
            kinds.add("unknown")
    return next(k for k in ("jittered", "unknown", "exponential", "fixed") if k in kinds)


def _retrying_predicate(model: ModuleModel, expr: cst.BaseExpression | None, scope: Scope) -> Predicate:
    """`retry_on_exception=`: absent, every exception; a tuple of types; or a function of the error."""
    if expr is None:
        return Predicate("all")
    expr = through_names(model, expr)
    if isinstance(expr, (cst.Tuple, cst.List)):
        return Predicate("types", _exception_types(model, expr))
    if isinstance(expr, cst.Lambda):
        params = expr.params.params
        return _predicate_body(model, expr.body, params[0].name.value) if params else Predicate("inspects")
    function = model.resolver.function_for(expr, scope)
    if function is None:
        # Another module's function, or an exception class (which `retrying` would call with
        # the error, not match against it): what it admits is not read here.
        return Predicate("inspects")
    params = function.node.params.params
    values = returned_values(function)
    if len(values) != 1 or not params:
        return Predicate("inspects")  # more than one way out: the order of the tests decides
    return _predicate_body(model, values[0], params[0].name.value)


def _predicate_body(model: ModuleModel, expr: cst.BaseExpression, name: str) -> Predicate:
    """`isinstance(e, (A, B))`: those types; `not isinstance(e, A) and not ...`: all but those;
    `True`: all. Anything else looks at the error in ways this does not read."""
    if isinstance(expr, cst.Name) and expr.value == "True":
        return Predicate("all")
    if isinstance(expr, cst.Name) and expr.value == "False":
        return Predicate("none")  # with `retry_on_result=`: only results are retried
    if isinstance(expr, cst.BooleanOperation):
        left, right = _predicate_body(model, expr.left, name), _predicate_body(model, expr.right, name)
        if isinstance(expr.operator, cst.Or) and left.kind == right.kind == "types":
            return Predicate("types", left.types + right.types)
        if isinstance(expr.operator, cst.And) and left.kind == right.kind == "all":
            return Predicate("all", excluded=left.excluded + right.excluded)
        return Predicate("inspects")
    negated = isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not)
    test = expr.expression if isinstance(expr, cst.UnaryOperation) and negated else expr
    if (
        isinstance(test, cst.Call)
        and dotted(test.func) == "isinstance"
        and len(test.args) == 2
        and dotted(test.args[0].value) == name
    ):
        types = _exception_types(model, test.args[1].value)
        return Predicate("all", excluded=types) if negated else Predicate("types", types)
    return Predicate("inspects")


# ---------------------------------------------------------------- backoff, stamina


def _backoff(model: ModuleModel, call: cst.Call, node: cst.CSTNode, sites: list[CallSite]) -> RetryMechanism:
    positional, keywords = _args(model, call)
    on_predicate = _leaf(model, call) == "on_predicate"
    if on_predicate:
        predicate = Predicate("none")
    elif "giveup" in keywords:
        predicate = Predicate("inspects")
    else:
        exc = positional[1].value if len(positional) > 1 else (keywords["exception"].value if "exception" in keywords else None)
        predicate = Predicate("types", _exception_types(model, exc)) if exc is not None else Predicate("all")
    tries = keywords.get("max_tries")
    attempts = attempt_count(model, tries.value) if tries is not None else None
    bounded = (tries is not None and not _is_none(tries.value)) or (
        "max_time" in keywords and not _is_none(keywords["max_time"].value)
    )
    wait_gen = _leaf(model, positional[0].value) if positional else ""
    jitter = keywords.get("jitter")
    if wait_gen == "constant":
        wait: WaitKind = "fixed" if jitter is not None and _is_none(jitter.value) else "jittered"
    elif jitter is not None and _is_none(jitter.value):
        wait = "exponential"
    else:
        wait = "jittered"  # backoff's default jitter is full_jitter
    raise_on_giveup = keywords.get("raise_on_giveup")
    reraise = not (raise_on_giveup is not None and _is_false(raise_on_giveup.value))
    return RetryMechanism("backoff", node, sites, attempts, bounded, wait, predicate, reraise=reraise, call=call)


def _is_false(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "False"


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _stamina(model: ModuleModel, call: cst.Call, node: cst.CSTNode, sites: list[CallSite]) -> RetryMechanism:
    keywords = _args(model, call)[1]
    on = keywords.get("on")
    if on is None or _is_local_callable(model, on.value):
        predicate = Predicate("inspects")
    else:
        predicate = Predicate("types", _exception_types(model, on.value))
    attempts_arg, timeout_arg = keywords.get("attempts"), keywords.get("timeout")
    # stamina defaults to 10 attempts and a 45 s timeout: bounded unless both are None.
    unbounded = (
        attempts_arg is not None and _is_none(attempts_arg.value)
        and timeout_arg is not None and _is_none(timeout_arg.value)
    )
    attempts = 10 if attempts_arg is None else attempt_count(model, attempts_arg.value)
    jitter = keywords.get("wait_jitter")
    no_jitter = jitter is not None and isinstance(jitter.value, (cst.Integer, cst.Float)) and literal_value(jitter.value) == 0
    wait: WaitKind = "exponential" if no_jitter else "jittered"
    return RetryMechanism("stamina", node, sites, attempts, not unbounded, wait, predicate, reraise=True, call=call)


# ---------------------------------------------------------------- manual loops


def handler_loops_again(handler: HandlerInfo) -> bool:
    """The handler lets the loop run again: it can fall through, or it `continue`s."""
    return not ends_with(handler.node.body, (cst.Raise, cst.Return, cst.Break)) or contains_kind(
        handler.node.body, cst.Continue
    )


def handler_inspects(handler: HandlerInfo) -> bool:
    """The handler decides by looking at the caught error (status, type), not only a counter."""
    if handler.name is None:
        return False
    inspect = _Inspect(handler.name)
    walk(handler.node.body, inspect)
    return inspect.found


def retry_decided_by_callback(handler: HandlerInfo) -> bool:
    """The handler goes round again only when a callback it calls (or the user it asks) says so:
    `should_retry = await self.error_handler(...)` then `if should_retry: continue`."""
    inspect = _Inspect(handler.name or "")
    walk(handler.node.body, inspect)
    return inspect.decided


class _Inspect(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.found = False
        # Names the handler binds to a call's answer: `should_retry = await self.error_handler(...)`.
        self.answers: set[str] = set()
        self.decided = False  # a retry only when such an answer says so

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value.expression if isinstance(node.value, cst.Await) else node.value
        if isinstance(value, cst.Call) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self.answers.add(node.targets[0].target.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in _INSPECTING_ATTRIBUTES and self.name in names_in(node.value):
            self.found = True

    def visit_Call(self, node: cst.Call) -> None:
        callee = (dotted(node.func) or "").rsplit(".", 1)[-1]
        if callee in ("isinstance", "should_retry", "is_retryable", "getattr") and any(
            self.name in names_in(arg.value) for arg in node.args
        ):
            self.found = True

    def visit_If(self, node: cst.If) -> None:
        if self.name in names_in(node.test) and contains_kind(node.body, cst.Raise) and not _text_only(
            node.test, self.name
        ):
            self.found = True
        # The handler goes round again only when a callback (or the user it asks) says so.
        if isinstance(node.test, cst.Name) and node.test.value in self.answers and contains_kind(node.body, cst.Continue):
            self.found = self.decided = True


class _TextUses(cst.CSTVisitor):
    """Whether every use of the error in a test reads its text (`str(e)`, `e.args`, `e.message`)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.other = False

    def visit_Call(self, node: cst.Call) -> bool:
        callee = dotted(node.func)
        # `str(e)`: the text; its children need no visit.
        return not (callee in ("str", "repr") and len(node.args) == 1 and dotted(node.args[0].value) == self.name)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if dotted(node.value) == self.name:
            if node.attr.value not in ("args", "message", "__str__"):
                self.other = True
            return False
        return True

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        # `e.body["error"]["message"]`: the error's message, read from its body.
        keys: list[str] = []
        value: cst.BaseExpression = node
        while isinstance(value, cst.Subscript):
            index = value.slice[0].slice if len(value.slice) == 1 else None
            if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
                keys.append(str(literal_value(index.value)))
            value = value.value
        return not (dotted(value) == f"{self.name}.body" and keys[:1] == ["message"])

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> bool:
        return dotted(node.expression) != self.name

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.other = True


def _text_only(test: cst.BaseExpression, name: str) -> bool:
    """`"content filtering" in str(e)`, `e.args[0].find(...)`: a test of the message only, which
    lets every status through (RULES.md CL202: the condition must test the status or the class)."""
    uses = _TextUses(name)
    walk(test, uses)
    return not uses.other


def attempt_counters(loop: cst.While) -> set[str]:
    """Names the loop's body counts attempts with: `attempt += 1`, `attempt = attempt + 1`."""
    scan = _CounterScan()
    walk(loop.body, scan)
    return scan.counters


def counter_bounded_while(loop: cst.While) -> bool:
    """An attempt counter bounds the loop: in its condition, or in an `if` that raises/breaks."""
    scan = _CounterScan()
    walk(loop.body, scan)
    counters, exits = scan.counters, scan.exits
    # `while attempt < 5` with `attempt += 1`; `while not done` alone has no attempt bound.
    return bool(names_in(loop.test) & counters) or any(names_in(node.test) & counters for node in exits)


def _named_number(model: ModuleModel, expr: cst.BaseExpression, record: CallRecord) -> bool:
    """A wait behind a name whose every known value is a number: a module constant, a class
    attribute, `self.x` set in `__init__`, a parameter's default (`API_RETRY_SLEEP = 10`)."""
    if not isinstance(expr, (cst.Name, cst.Attribute)):
        return False
    known = values_for(model).possible(expr, record.scope).values
    if not known:  # a constant of another module: `from app.config import RETRY_SLEEP`
        name = dotted(expr) or ""
        head = name.split(".", 1)[0]
        if head in model.imports.names and not model.resolver.bound_locally(head, record.scope):
            return model.resolver.project.constant(model.qualify(expr)) is not None
    return bool(known) and all(
        isinstance(k.value, (int, float)) and not isinstance(k.value, bool) for k in known
    )


class _Growth(cst.CSTVisitor):
    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.found = False

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.operator, (cst.MultiplyAssign, cst.LeftShiftAssign, cst.PowerAssign)) and (
            names_in(node.target) & self.names
        ):
            self.found = True


def _grown(model: ModuleModel, record: CallRecord, names: set[str]) -> bool:
    """`delay *= 2` in the function: the wait grows between attempts."""
    if not names:
        return False
    growth = _Growth(names)
    walk(record.frame.node.body if record.frame is not None else model.module, growth)
    return growth.found


def _delay_shape(text: str) -> WaitKind | None:
    """What a delay's source text (with its names' values) says it is: random, growing, or neither."""
    if "random" in text or "uniform" in text or "jitter" in text:
        return "jittered"
    if "**" in text or "<<" in text or "pow(" in text or "exp" in text:
        return "exponential"
    return None


def wait_kind(model: ModuleModel, sleeps: Sequence[CallRecord]) -> WaitKind:
    if not sleeps:
        return "none"
    kinds: set[WaitKind] = set()
    for record in sleeps:
        if not record.node.args:
            kinds.add("fixed")
            continue
        expr = record.node.args[0].value
        names = names_in(expr)
        text = model.module.code_for_node(expr)
        # One level through local assignments: `delay = base * 2 ** attempt`.
        for name in names:
            for value in record.scope.bindings.get(name, ()):
                text += " " + model.module.code_for_node(value)
        shape = _delay_shape(text)
        if shape == "jittered":
            kinds.add("jittered")
        elif shape == "exponential" or _grown(model, record, names):
            kinds.add("exponential")
        elif isinstance(expr, (cst.Integer, cst.Float)) or _named_number(model, expr, record):
            kinds.add("fixed")
        else:
            kinds.add("unknown")
    for kind in ("jittered", "unknown", "exponential", "fixed"):
        if kind in kinds:
            return kind  # type: ignore[return-value]
    return "none"


def _reads_retry_after(model: ModuleModel, nodes: Sequence[cst.CSTNode]) -> bool:
    for node in nodes:
        text = model.module.code_for_node(node).lower()
        if "retry-after" in text or "retry_after" in text or "retryafter" in text or ".headers" in text:
            return True
    return False


# ---------------------------------------------------------------- analysis


def sites_in_function(model: ModuleModel, function: FunctionInfo) -> list[CallSite]:
    """The module's call sites made in `function` itself, in order."""
    return list(model.shared(_sites_by_frame).get(id(function), ()))


def _sites_by_frame(model: ModuleModel) -> dict[int, list[CallSite]]:
    return _index_sites(model, lambda site: (site.frame,) if site.frame is not None else ())


def sites_calling(model: ModuleModel, function: FunctionInfo) -> list[CallSite]:
    """The module's call sites that call `function` (of this module), in order."""
    return list(model.shared(_sites_by_target).get(id(function), ()))


def _sites_by_target(model: ModuleModel) -> dict[int, list[CallSite]]:
    return _index_sites(model, lambda site: (site.target,) if site.target is not None else ())


def _sites_by_loop(model: ModuleModel) -> dict[int, list[CallSite]]:
    return _index_sites(model, lambda site: site.record.loops)


def _index_sites(model: ModuleModel, keys: Callable[[CallSite], Iterable[object]]) -> dict[int, list[CallSite]]:
    """The module's call sites by the id of each object `keys` gives for them (once per object), in order."""
    index: dict[int, list[CallSite]] = {}
    for site in model.call_sites:
        for key in dict.fromkeys(id(k) for k in keys(site)):
            index.setdefault(key, []).append(site)
    return index


def _decorator_mechanisms(model: ModuleModel, sites: Sequence[CallSite]) -> Iterator[RetryMechanism]:
    for function in model.functions:
        if not function.calls_llm:
            continue
        wrapped = [s for s in sites_in_function(model, function) if not swallowed(s)]
        for decorator in function.decorators:
            mechanism = library_mechanism(model, decorator.decorator, decorator, wrapped, function.is_async)
            if mechanism is not None:
                mechanism.function = function
                # Calling a generator function returns at once: the decorator never sees the
                # call's errors, which arrive while the caller iterates.
                mechanism.on_generator = function.is_generator
                yield mechanism


def library_mechanism(
    model: ModuleModel, expr: cst.BaseExpression, node: cst.CSTNode, sites: list[CallSite], is_async: bool
) -> RetryMechanism | None:
    """The mechanism a library's retry decorator makes (`tenacity.retry(...)`, `@retry`, a
    module-level `policy = tenacity.retry(...)` named as `policy`), wherever it is applied:
    above a def, at a call (`tenacity.retry(...)(ask)(q)`) or in a dict's value. `is_async`:
    the function it wraps is an `async def`."""
    qualname, call = _library_decorator(model, expr)
    if qualname in TENACITY_DECORATORS:
        return _tenacity(model, call, node, sites)
    if qualname in RETRYING_DECORATORS and not is_async:
        # (On an `async def` it would retry nothing: the call returns a coroutine at once.)
        return _retrying(model, call, node, sites)
    if qualname in BACKOFF_DECORATORS and call is not None:
        return _backoff(model, call, node, sites)
    if qualname in STAMINA_DECORATORS and call is not None:
        return _stamina(model, call, node, sites)
    return None


_CATCH_ALL_SDK = frozenset({"AnthropicError", "APIError"})


def swallowed(site: CallSite) -> bool:
    """A handler in the same function catches every error of the call and never raises."""
    for context in site.record.trys:
        if context.part != "body":
            continue
        for handler in context.try_info.handlers:
            catches_all = handler.catches_broad() or any(t.sdk_name in _CATCH_ALL_SDK for t in handler.types)
            if catches_all and not contains_kind(handler.node.body, cst.Raise):
                return True
    return False


def admits_sdk_errors(predicate: Predicate) -> bool:
    """Whether a retry can repeat the Claude call: on its errors, or on its results.

    False for predicates made only of other libraries' types (`openai.RateLimitError`).
    """
    if predicate.kind == "all":
        return not any(q in ("Exception", "BaseException") for q in predicate.excluded)
    if predicate.kind == "types":
        return any(q in ("Exception", "BaseException") or q.startswith("anthropic.") for q in predicate.types)
    return True  # "inspects" (cannot tell) and "none" (retries on results)


def covers_sdk_retries(predicate: Predicate, knowledge: Knowledge) -> bool:
    """Whether the mechanism retries everything the SDK's own retries would (429, 5xx, connection...)."""
    if predicate.kind == "all":
        return not predicate.excluded
    if predicate.kind != "types":
        return False
    needed = [
        name
        for name in ("RateLimitError", "InternalServerError", "APIConnectionError", "ConflictError", "RequestTimeoutError")
        if knowledge.is_exception(name)
    ]
    names = [q.rsplit(".", 1)[-1] for q in predicate.types]
    broad = any(q in ("Exception", "BaseException") for q in predicate.types)
    return broad or all(
        any(knowledge.is_exception(n) and knowledge.is_subclass(name, n) for n in names) for name in needed
    )


def _loop_sites(model: ModuleModel, loop: LoopInfo) -> list[CallSite]:
    """The module's call sites inside `loop`, in order."""
    return list(model.shared(_sites_by_loop).get(id(loop), ()))


def _retrying_loop_mechanisms(model: ModuleModel, sites: Sequence[CallSite]) -> Iterator[RetryMechanism]:
    for loop in model.loops:
        node = loop.node
        if not isinstance(node, cst.For) or not isinstance(node.iter, (cst.Call, cst.Name)):
            continue
        call: cst.BaseExpression | None = node.iter
        if isinstance(call, cst.Name):
            call = model.resolver.binding_value(call.value, model.module_scope if loop.frame is None else loop.frame.scope)
        if not isinstance(call, cst.Call) or model.qualify(call.func) not in _TENACITY_LOOPS:
            continue
        wrapped = _loop_sites(model, loop)
        if wrapped:
            mechanism = _tenacity(model, call, call, wrapped)
            mechanism.loop = loop
            mechanism.function = loop.frame
            yield mechanism


def _retrying_object(model: ModuleModel, record: CallRecord) -> cst.Call | None:
    """The `Retrying(...)` whose `.call(f, ...)` this record is (also through a name bound to it)."""
    func = record.node.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "call" or not record.node.args:
        return None
    owner: cst.BaseExpression | None = func.value
    if isinstance(owner, cst.Name):
        owner = model.resolver.binding_value(owner.value, record.scope)
    if not isinstance(owner, cst.Call) or model.qualify(owner.func) not in _RETRYING_OBJECTS:
        return None
    return owner


def _retrying_call_mechanisms(model: ModuleModel) -> Iterator[RetryMechanism]:
    """`Retrying(...).call(ask, q)`: the `retrying` library runs `ask(q)` until it succeeds."""
    for record in model.calls:
        owner = _retrying_object(model, record)
        if owner is None:
            continue
        site = _llm_function_site(model, record, record.node.args[0].value)
        if site is None:
            continue
        mechanism = _retrying(model, owner, record.node, [site], record.scope)
        mechanism.function = record.frame
        yield mechanism


def _manual_loop_mechanisms(model: ModuleModel, sites: Sequence[CallSite]) -> Iterator[RetryMechanism]:
    sleeps_by_loop: dict[int, list[CallRecord]] = {}
    for record in model.calls:
        if record.loops and sleep_name(model, record.node) is not None:
            sleeps_by_loop.setdefault(id(record.loops[-1]), []).append(record)
    for loop in model.loops:
        if isinstance(loop.node, cst.For) and loop.node.asynchronous is None:
            iter_name = model.qualify(loop.node.iter.func) if isinstance(loop.node.iter, cst.Call) else None
            if iter_name in _TENACITY_LOOPS:
                continue
        wrapped = _loop_sites(model, loop)
        if not wrapped or not model.is_manual_retry_loop(loop, wrapped):
            continue
        handlers = []
        for site in wrapped:
            for ctx in reversed(site.record.trys):
                if ctx.part != "body" or not any(l is loop for l in ctx.try_info.loops):
                    continue
                for handler in ctx.try_info.handlers:
                    if handler.catches_call_site_errors() and handler_loops_again(handler) and handler not in handlers:
                        handlers.append(handler)
        if not handlers:
            continue
        sleeps = sleeps_by_loop.get(id(loop), [])
        predicate = manual_predicate(model, handlers)
        node = loop.node
        if isinstance(node, cst.For):
            bounded = True
            attempts = _range_count(model, node.iter, loop.frame.scope if loop.frame is not None else model.module_scope)
            if isinstance(node.iter, cst.Call) and (model.qualify(node.iter.func) or "").startswith("itertools."):
                bounded = model.qualify(node.iter.func) == "itertools.repeat" and len(node.iter.args) > 1
        else:
            bounded = counter_bounded_while(node)
            scope = loop.frame.scope if loop.frame is not None else model.module_scope
            attempts = _while_attempts(model, node, scope) if bounded else None
        yield RetryMechanism(
            family="manual",
            node=node,
            call_sites=wrapped,
            attempts=attempts,
            bounded=bounded,
            wait=wait_kind(model, sleeps),
            predicate=predicate,
            reraise=True,
            function=loop.frame,
            loop=loop,
            handlers=handlers,
            sleeps=sleeps,
            reads_retry_after=_reads_retry_after(model, [h.node for h in handlers] + [s.node for s in sleeps]),
        )


def _while_attempts(model: ModuleModel, node: cst.While, scope: Scope) -> int | None:
    """Attempts of `while n < N` (n from its literal start, else 0) or `while left > 0`."""
    test = node.test
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    target = test.comparisons[0]
    if not isinstance(test.left, cst.Name):
        return None
    bound = attempt_count(model, target.comparator, scope)
    if bound is None:
        return None
    values = scope.bindings.get(test.left.value, [])
    start = attempt_count(model, values[0], scope) if values else None
    operator = target.operator
    if isinstance(operator, (cst.LessThan, cst.LessThanEqual)):
        count = bound - (start or 0) + (1 if isinstance(operator, cst.LessThanEqual) else 0)
    elif isinstance(operator, (cst.GreaterThan, cst.GreaterThanEqual)) and start is not None:
        count = start - bound + (1 if isinstance(operator, cst.GreaterThanEqual) else 0)
    else:
        return None
    return count if count > 0 else None


def _range_count(model: ModuleModel, expr: cst.BaseExpression, scope: Scope) -> int | None:
    """How many times `for _ in range(N)` / `range(a, b)` runs, literals and constants read."""
    if isinstance(expr, cst.Call) and dotted(expr.func) == "range":
        args = [a.value for a in expr.args]
        bounds = [attempt_count(model, a, scope) for a in args]
        if len(bounds) == 1:
            return bounds[0]
        if len(bounds) == 2 and bounds[0] is not None and bounds[1] is not None:
            return bounds[1] - bounds[0]
    return None


def manual_predicate(model: ModuleModel, handlers: Sequence[HandlerInfo]) -> Predicate:
    """What the retrying handlers admit, minus what earlier handlers of the same try stop."""
    parts = []
    for handler in handlers:
        if handler_inspects(handler):
            parts.append(Predicate("inspects"))
            continue
        # Python gives an error to the first handler that matches: whatever an earlier
        # handler of the same try catches never reaches this one.
        earlier: list[str] = []
        for other in handler.try_info.handlers:
            if other is handler:
                break
            earlier.extend(t.qualname for t in other.types if t.qualname)
        if handler.is_bare:
            parts.append(Predicate("all", excluded=tuple(earlier)))
        else:
            types = tuple(t.qualname for t in handler.types if t.qualname)
            parts.append(Predicate("types", types, excluded=tuple(earlier)))
    merged = Predicate.union(parts)
    # union() drops excluded lists of "types" parts; keep them from the first part.
    if merged.kind == "types" and parts and parts[0].excluded:
        merged.excluded = parts[0].excluded
    return merged


def _recursion_mechanisms(model: ModuleModel, sites: Sequence[CallSite]) -> Iterator[RetryMechanism]:
    by_handler: dict[int, HandlerInfo] = {id(h.node): h for h in model.handlers}
    for record in model.calls:
        function = record.frame
        if function is None or not function.calls_llm:
            continue
        target = model.resolver.function_for(record.node.func, record.scope)
        if target is not function:
            continue
        handler = next((ctx.handler for ctx in reversed(record.trys) if ctx.part == "handler"), None)
        if handler is None or id(handler.node) not in by_handler:
            continue
        wrapped = [s for s in handler.try_info.call_sites if s.frame is function]
        if not wrapped:
            continue
        sleeps = [
            r for r in function.calls
            if sleep_name(model, r.node) is not None and any(c.handler is handler for c in r.trys)
        ]
        yield RetryMechanism(
            family="recursion",
            node=record.node,
            call_sites=wrapped,
            attempts=None,
            bounded=_recursion_bounded(function, record.node),
            wait=wait_kind(model, sleeps),
            predicate=manual_predicate(model, [handler]),
            reraise=True,
            function=function,
            handlers=[handler],
            sleeps=sleeps,
            reads_retry_after=_reads_retry_after(model, [handler.node]),
        )


class _CounterScan(cst.CSTVisitor):
    def __init__(self) -> None:
        self.counters: set[str] = set()
        self.exits: list[cst.If] = []

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.counters.add(node.target.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        # `attempt = attempt + 1`
        for target in node.targets:
            if isinstance(target.target, cst.Name) and target.target.value in names_in(node.value):
                self.counters.add(target.target.value)

    def visit_If(self, node: cst.If) -> None:
        if any(contains_kind(node.body, kind) for kind in (cst.Raise, cst.Break, cst.Return)):
            self.exits.append(node)


class _Compared(cst.CSTVisitor):
    """Names tested anywhere: `if retries <= 0:`, `if not retries:`, `while tries:` guard on the counter."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self.names.update(names_in(node))

    def visit_If(self, node: cst.If) -> None:
        self.names.update(names_in(node.test))


def _recursion_bounded(function: FunctionInfo, call: cst.Call) -> bool:
    """A counter parameter passed changed and compared somewhere: `retries - 1` as the
    argument, or `retries -= 1` / `retries = retries - 1` before passing `retries`."""
    params = {p.name.value for p in (*function.node.params.params, *function.node.params.kwonly_params)}
    compares = _Compared()
    walk(function.node.body, compares)
    compared = compares.names
    counters = _CounterScan()
    walk(function.node.body, counters)
    for arg in call.args:
        value = arg.value
        if (
            isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, (cst.Subtract, cst.Add))
            and names_in(value) & params & compared
        ):
            return True
        if isinstance(value, cst.Name) and value.value in params & compared & counters.counters:
            return True
    return False


def analyse(model: ModuleModel) -> RetryAnalysis:
    sites = model.call_sites
    found = [
        *_decorator_mechanisms(model, sites),
        *_retrying_loop_mechanisms(model, sites),
        *_manual_loop_mechanisms(model, sites),
        *_recursion_mechanisms(model, sites),
        *_retrying_call_mechanisms(model),
        *_project_mechanisms(model, sites),
        *_applied_library_mechanisms(model, sites),
    ]
    # `backoff.on_exception(..., openai.RateLimitError)` around a Claude call retries nothing of it.
    on_generators = [m for m in found if m.on_generator]
    found = [m for m in found if not m.on_generator]
    mechanisms = [m for m in found if admits_sdk_errors(m.predicate)]
    foreign = [m for m in found if not admits_sdk_errors(m.predicate) and m.predicate.kind == "types"]
    retried: set[int] = set()
    # A function called from inside a mechanism is retried with it, transitively (not by one
    # that retries only on results: its errors are not retried).
    on_errors = [m for m in mechanisms if m.retries_errors]
    pending = [s.target for m in on_errors for s in m.call_sites if s.target is not None]
    pending += [
        m.function
        for m in on_errors
        if isinstance(m.node, cst.Decorator) and m.loop is None and m.function
    ]
    while pending:
        function = pending.pop()
        if function is None or id(function) in retried:
            continue
        retried.add(id(function))
        pending.extend(s.target for s in sites_in_function(model, function) if s.target is not None)
    return RetryAnalysis(mechanisms, retried, foreign, on_generators)


def retry_analysis(model: ModuleModel) -> RetryAnalysis:
    """The analysis for a model, computed once and shared by every CL2xx rule."""
    return model.shared(analyse)


# ---------------------------------------------------------------- facts for rules


def direct_sites(site: CallSite, model: ModuleModel) -> list[CallSite]:
    """The direct call sites a (possibly indirect) call site reaches."""
    if site.direct:
        return [site]
    if site.remote is not None:
        return _remote_direct_sites(site)
    out: list[CallSite] = []
    seen: set[int] = set()
    pending = [site.target]
    while pending:
        function = pending.pop()
        if function is None or id(function) in seen:
            continue
        seen.add(id(function))
        for other in model.shared(_sites_by_frame).get(id(function), ()):
            if other.direct:
                out.append(other)
            elif other.remote is not None:
                out.extend(_remote_direct_sites(other))
            else:
                pending.append(other.target)
    return out


def _remote_direct_sites(site: CallSite) -> list[CallSite]:
    """The Claude calls a function of another module makes, as seen from here: their clients, no nodes."""
    assert site.remote is not None
    clients = [ClientInfo.remote(c) for c in site.remote.clients] or [None]
    return [CallSite(site.record, "", client, None, False, remote=site.remote) for client in clients]


# `RetryPolicy().max_attempts` of the reference helper (tests/test_helper.py keeps them equal).
HELPER_DEFAULT_ATTEMPTS = 4


def helper_policy_arg(site: CallSite, model: ModuleModel) -> cst.Arg | None:
    """The `max_attempts=N` of a helper call's `retry=RetryPolicy(...)` (through a name too)."""
    retry = site.keyword("retry")
    if retry is None:
        return None
    value: cst.BaseExpression | None = retry.value
    if isinstance(value, cst.Name):
        value = model.resolver.binding_value(value.value, site.record.scope)
    if not isinstance(value, cst.Call) or (dotted(value.func) or "").rsplit(".", 1)[-1] != "RetryPolicy":
        return None
    return next((a for a in value.args if a.keyword is not None and a.keyword.value == "max_attempts"), None)


def helper_attempts(site: CallSite, model: ModuleModel) -> int | None:
    """Attempts the helper makes for one of its calls; None when not a literal."""
    if site.keyword("retry") is None:
        return HELPER_DEFAULT_ATTEMPTS
    arg = helper_policy_arg(site, model)
    if arg is None:
        return None
    value = literal_value(arg.value) if isinstance(arg.value, cst.Integer) else None
    return value if isinstance(value, int) else None


def call_attempts(site: CallSite, model: ModuleModel) -> int:
    """HTTP attempts one direct call makes by itself: the helper's policy, or the SDK's retries."""
    if site.helper:
        return helper_attempts(site, model) or HELPER_DEFAULT_ATTEMPTS
    return sdk_attempts(site.client, model.knowledge)


def sdk_attempts(client: ClientInfo | None, knowledge: Knowledge) -> int:
    """HTTP attempts the SDK makes per call: retries + 1 (default when not visible)."""
    retries = knowledge.default_max_retries if client is None else client.effective_max_retries(knowledge)
    return max(retries, 0) + 1


def admitted_non_retryable(predicate: Predicate, knowledge: Knowledge) -> list[str]:
    """The non-retryable SDK errors a predicate retries, ordered by status code."""
    if predicate.kind == "all":
        roots = ["AnthropicError"]
    elif predicate.kind == "types":
        roots = []
        for qualname in predicate.types:
            name = qualname.rsplit(".", 1)[-1]
            if qualname in ("Exception", "BaseException"):
                roots.append("AnthropicError")
            elif qualname.startswith("anthropic.") and knowledge.is_exception(name):
                roots.append(name)
    else:
        return []
    excluded = [q.rsplit(".", 1)[-1] for q in predicate.excluded]
    excluded_all = any(q in ("Exception", "BaseException") for q in predicate.excluded)
    found: list[str] = []
    for root in roots:
        for name in knowledge.non_retryable_subclasses(root):
            # The non-retryable family the rules mean: the 4xx status errors (not, say, CredentialsError).
            if knowledge.exceptions[name].status_code is None:
                continue
            if excluded_all or any(knowledge.is_exception(e) and knowledge.is_subclass(name, e) for e in excluded):
                continue
            if name not in found:
                found.append(name)
    found.sort(key=lambda n: (knowledge.exceptions[n].status_code or 999, n))
    return found


def own_calls(m: RetryMechanism) -> tuple[cst.Call, ...]:
    """The mechanism's call when it is written at the site (not a shared policy variable)."""
    if isinstance(m.node, cst.Decorator):
        return (m.node.decorator,) if isinstance(m.node.decorator, cst.Call) else ()
    return (m.call,) if m.call is not None and m.node is m.call else ()


def admits_retryable(handler: HandlerInfo, knowledge: Knowledge) -> bool:
    """Whether the handler catches at least one error the SDK would retry."""
    if handler.catches_broad():
        return True
    for caught in handler.types:
        name = caught.sdk_name
        if name is None:
            continue
        if knowledge.is_retryable(name) or any(
            info.retryable and knowledge.is_subclass(other, name) for other, info in knowledge.exceptions.items()
        ):
            return True
    return False


# ---------------------------------------------------------------- project retry mechanisms


def _params(node: cst.FunctionDef) -> list[Param]:
    out = []
    for index, param in enumerate((*node.params.posonly_params, *node.params.params)):
        default = None if param.default is None else cst.Module([]).code_for_node(param.default)
        out.append(Param(param.name.value, index, default))
    for param in node.params.kwonly_params:
        default = None if param.default is None else cst.Module([]).code_for_node(param.default)
        out.append(Param(param.name.value, -1, default))
    return out


def _nested_functions(model: ModuleModel) -> dict[int, list[FunctionInfo]]:
    """The functions nested (at any depth) in each function's scope, by `id` of that scope, in
    `model.functions` order: one pass over the functions, not one per function asked about."""
    nested: dict[int, list[FunctionInfo]] = {}
    for info in model.functions:
        scope: Scope | None = info.scope  # its own too: the caller leaves the function itself out
        while scope is not None:
            nested.setdefault(id(scope), []).append(info)
            scope = scope.parent
    return nested


class _Scaled(cst.CSTVisitor):
    """Names multiplied in place (`delay *= 2`): a growing wait."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.operator, (cst.MultiplyAssign, cst.PowerAssign, cst.LeftShiftAssign)) and isinstance(
            node.target, cst.Name
        ):
            self.names.add(node.target.value)


def retry_template(model: ModuleModel, function: FunctionInfo) -> RemoteRetry | None:
    """`function` as a retry mechanism other code applies to a function, with its facts in terms of its parameters.

    Three shapes: a decorator factory (`@retry_handler(limit=3)`, whose inner
    wrapper loops around the decorated function, or which returns a
    `tenacity.retry(...)` built from its arguments), a decorator (`@with_retry`)
    and a wrapper (`call_with_retry(fn, *args)`).
    """
    if function.scope.parent is None or not function.node.params.params and not function.node.params.kwonly_params:
        return None
    outer = {p.name: p for p in _params(function.node)}
    nested = [f for f in model.shared(_nested_functions).get(id(function.scope), ()) if f is not function]
    tenacity_call = next(
        (r.node for r in function.calls if model.qualify(r.node.func) in TENACITY_DECORATORS and r.frame in (function, *nested)),
        None,
    )
    if tenacity_call is not None:
        keywords = _args(model, tenacity_call)[1]
        mechanism = _tenacity(model, tenacity_call, tenacity_call, [])
        catches: tuple[object, ...] = _predicate_facts(mechanism.predicate)
        retry_arg = keywords.get("retry")
        if retry_arg is not None and isinstance(retry_arg.value, cst.Call) and retry_arg.value.args:
            inner = retry_arg.value.args[0].value
            if isinstance(inner, cst.Name) and inner.value in outer:
                catches = ("param", outer[inner.value])
        attempts: tuple[object, ...] = ("count", mechanism.attempts) if mechanism.attempts else (
            ("bounded",) if mechanism.bounded else ("unbounded",)
        )
        stop_arg = keywords.get("stop")
        if stop_arg is not None and isinstance(stop_arg.value, cst.Call) and stop_arg.value.args:
            inner = stop_arg.value.args[0].value
            if isinstance(inner, cst.Name) and inner.value in outer:
                attempts = ("param", outer[inner.value], False)
        return RemoteRetry(function.name, "", "factory", catches, attempts, mechanism.wait)
    retrying = next(
        (r for r in function.calls if model.qualify(r.node.func) in RETRYING_DECORATORS | _RETRYING_OBJECTS
         and r.frame in (function, *nested)),
        None,
    )
    if retrying is not None:
        return _retrying_template(model, function, retrying, outer)
    # A loop around a call of a callable parameter.
    own = set(outer)
    inner = {p.name for f in nested for p in _params(f.node)} - own
    for frame in (function, *nested):
        for record in frame.calls:
            if record.frame is not frame or not isinstance(record.node.func, cst.Name):
                continue
            callee = record.node.func.value
            if callee not in own and callee not in inner:
                continue
            loop = next((lp for lp in reversed(record.loops) if lp.frame is frame), None)
            if loop is None:
                continue
            handlers = [
                h
                for ctx in reversed(record.trys)
                if ctx.part == "body" and any(lp is loop for lp in ctx.try_info.loops)
                for h in ctx.try_info.handlers
                if handler_loops_again(h)
            ]
            if not handlers:
                continue
            shape = "factory" if callee in inner else ("decorator" if frame is not function else "wrapper")
            catches = _handler_facts(model, handlers, outer)
            wait = _loop_wait(model, loop, frame)
            deciders = _deciders(model, frame, handlers)
            if deciders:
                # `except Exception as e: _handle(e, attempt)`: a function of the module decides
                # (and may raise, and wait): what it retries cannot be read here.
                catches = ("inspects",)
                if wait == "none":
                    wait = wait_kind(model, [r for d in deciders for r in d.calls if sleep_name(model, r.node)])
            return RemoteRetry(
                function.name,
                "",
                shape,
                catches,
                _loop_bound(model, loop, outer),
                wait,
                _reads_retry_after(model, [h.node for h in handlers]),
                sync_only=not record.awaited and not frame.is_async,
                iterates=frame.is_generator and _yielded_from(frame, record.node),
            )
    return None


class _YieldedFrom(cst.CSTVisitor):
    def __init__(self, call: cst.Call) -> None:
        self.call = call
        self.found = False

    def visit_From(self, node: cst.From) -> None:
        if node.item is self.call:
            self.found = True


def _yielded_from(frame: FunctionInfo, call: cst.Call) -> bool:
    """Whether `call` is what the generator `frame` delegates to (`yield from func(*args, **kwargs)`)."""
    scan = _YieldedFrom(call)
    walk(frame.node.body, scan)
    return scan.found


def _retrying_template(
    model: ModuleModel, function: FunctionInfo, record: CallRecord, outer: dict[str, Param]
) -> RemoteRetry:
    """A function building a `retrying` policy: it returns a decorator (`retry(...)`, or a
    lambda running `Retrying(...).call(f, ...)`), or it runs a function it is given (a wrapper)."""
    call = record.node
    keywords = _args(model, call)[1]
    mechanism = _retrying(model, call, call, [], record.scope)
    catches: tuple[object, ...] = _predicate_facts(mechanism.predicate)
    exceptions = keywords.get("retry_on_exception")
    if exceptions is not None and isinstance(exceptions.value, cst.Name) and exceptions.value.value in outer:
        catches = ("param", outer[exceptions.value.value])
    attempts: tuple[object, ...] = ("count", mechanism.attempts) if mechanism.attempts else (
        ("bounded",) if mechanism.bounded else ("unbounded",)
    )
    count = keywords.get("stop_max_attempt_number")
    if count is not None and isinstance(count.value, cst.Name) and count.value.value in outer:
        # `None` passed for it leaves no stop, unless another one is given.
        others = any(_given(keywords, name) is not None for name in _RETRYING_STOPS[1:])
        attempts = ("param", outer[count.value.value], not others)
    runs_argument = any(
        _retrying_object(model, r) is not None
        and isinstance(r.node.args[0].value, cst.Name)
        and r.node.args[0].value.value in outer
        for r in function.calls
        if r.frame is function
    )
    return RemoteRetry(function.name, "", "wrapper" if runs_argument else "factory", catches, attempts, mechanism.wait)


def _predicate_facts(predicate: Predicate) -> tuple[object, ...]:
    # Every exception but `KeyboardInterrupt` or a project's own `GiveUp`: every SDK error.
    if predicate.kind == "all" and not any(
        q.startswith("anthropic.") or q in ("Exception", "BaseException") for q in predicate.excluded
    ):
        return ("all",)
    if predicate.kind == "types":
        return ("types", predicate.types)
    return ("inspects",)


def _deciders(model: ModuleModel, frame: FunctionInfo, handlers: Sequence[HandlerInfo]) -> list[FunctionInfo]:
    """Functions of the module a retrying handler hands the caught error to."""
    found: list[FunctionInfo] = []
    for record in frame.calls:
        for ctx in record.trys:
            handler = ctx.handler
            if ctx.part != "handler" or handler is None or handler not in handlers or handler.name is None:
                continue
            if not any(handler.name in names_in(arg.value) for arg in record.node.args):
                continue
            target = model.resolver.function_for(record.node.func, record.scope)
            if target is not None and target not in found:
                found.append(target)
    return found


def _handler_facts(model: ModuleModel, handlers: Sequence[HandlerInfo], outer: dict[str, Param]) -> tuple[object, ...]:
    types: list[str] = []
    for handler in handlers:
        if handler_inspects(handler):
            return ("inspects",)
        if handler.catches_broad():
            return ("all",)
        for caught in handler.types:
            expr = caught.node
            if isinstance(expr, cst.Call) and dotted(expr.func) == "tuple" and expr.args:
                expr = expr.args[0].value  # `except tuple(on_exceptions)`
            if isinstance(expr, cst.Name) and expr.value in outer:
                return ("param", outer[expr.value])
            if caught.qualname is not None:
                types.append(caught.qualname)
    return ("types", tuple(types)) if types else ("inspects",)


def _loop_bound(model: ModuleModel, loop: LoopInfo, outer: dict[str, Param]) -> tuple[object, ...]:
    node = loop.node
    if isinstance(node, cst.For):
        count = _range_count(model, node.iter, loop.frame.scope if loop.frame is not None else model.module_scope)
        if count is not None:
            return ("count", count)
        if isinstance(node.iter, cst.Call) and dotted(node.iter.func) == "range":
            used = names_in(node.iter) & set(outer)
            if used:
                return ("param", outer[min(used)], False)
            return ("bounded",)
        counting = isinstance(node.iter, cst.Call) and model.qualify(node.iter.func) == "itertools.count"
        return ("unbounded",) if counting else ("bounded",)
    tests: list[cst.BaseExpression] = [node.test]
    scan = _CounterScan()
    walk(node.body, scan)
    tests.extend(exit_.test for exit_ in scan.exits)
    for test in tests:
        used = names_in(test) & set(outer)
        if used:
            name = min(used)
            text = model.module.code_for_node(test)
            return ("param", outer[name], f"{name} is None" in text)
    return ("bounded",) if counter_bounded_while(node) else ("unbounded",)


def _loop_wait(model: ModuleModel, loop: LoopInfo, frame: FunctionInfo) -> str:
    sleeps = [r for r in frame.calls if r.frame is frame and any(lp is loop for lp in r.loops) and sleep_name(model, r.node)]
    kind = wait_kind(model, sleeps)
    if kind in ("unknown", "fixed") and sleeps:
        scaled = _Scaled()
        walk(loop.node.body, scaled)
        for record in sleeps:
            if record.node.args and names_in(record.node.args[0].value) & scaled.names:
                return "exponential"
    return kind


def _filled(
    model: ModuleModel, template: RemoteRetry, use: cst.Call | None
) -> tuple[Predicate, int | None, bool]:
    """A template's predicate, attempt count and bound with its parameters filled in from a use's arguments."""

    def argument(param: Param) -> cst.BaseExpression | None:
        if use is not None:
            for arg in use.args:
                if arg.keyword is not None and arg.keyword.value == param.name:
                    return arg.value
            positional = [a for a in use.args if a.keyword is None and not a.star]
            if 0 <= param.index < len(positional):
                return positional[param.index].value
        if param.default is not None:
            try:
                return cst.parse_expression(param.default)
            except cst.ParserSyntaxError:
                return None
        return None

    predicate = Predicate("inspects")
    kind = template.catches[0]
    if kind == "all":
        predicate = Predicate("all")
    elif kind == "types":
        predicate = Predicate("types", tuple(template.catches[1]))  # type: ignore[arg-type]
    elif kind == "param":
        value = argument(template.catches[1])  # type: ignore[arg-type]
        if value is not None:
            types = _exception_types(model, value)
            if types:
                predicate = Predicate("types", types)
    attempts: int | None = None
    bounded = True
    bound = template.attempts
    if bound[0] == "count":
        attempts = bound[1]  # type: ignore[assignment]
    elif bound[0] == "unbounded":
        bounded = False
    elif bound[0] == "param":
        value = argument(bound[1])  # type: ignore[arg-type]
        if value is None or _is_none(value):
            bounded = not bound[2]
        else:
            attempts = attempt_count(model, value)
    return predicate, attempts, bounded


def template_mechanism(
    model: ModuleModel,
    template: RemoteRetry,
    node: cst.CSTNode,
    use: cst.Call | None,
    sites: list[CallSite],
    where: str,
) -> RetryMechanism:
    """A project retry mechanism at one use site: its parameters filled in from the use's arguments."""
    predicate, attempts, bounded = _filled(model, template, use)
    mechanism = RetryMechanism(
        "project", node, sites, attempts, bounded, template.wait, predicate,  # type: ignore[arg-type]
        reraise=True, reads_retry_after=template.reads_retry_after,
    )
    mechanism.origin = where or None
    return mechanism


def bound_retry(model: ModuleModel, name: str) -> RemoteRetry | None:
    """A module-level name bound to a retry decorator other code applies as `@name`:
    `retry_request = make_retry(attempts=5)` (a factory of this module, its arguments
    filled in) or `policy = tenacity.retry(...)` / `retrying.retry(...)`."""
    value = model.resolver.binding_value(name, model.module_scope)
    if not isinstance(value, cst.Call):
        return None
    qualname = model.qualify(value.func)
    template: RemoteRetry | None = None
    if qualname in TENACITY_DECORATORS or qualname in RETRYING_DECORATORS:
        build = _tenacity if qualname in TENACITY_DECORATORS else _retrying
        mechanism = build(model, value, value, [])
        predicate, attempts, bounded = mechanism.predicate, mechanism.attempts, mechanism.bounded
        wait, reads = mechanism.wait, False
    else:
        function = model.resolver.function_for(value.func, model.module_scope)
        template = retry_template(model, function) if function is not None else None
        if template is None or template.shape != "factory":
            return None
        predicate, attempts, bounded = _filled(model, template, value)
        wait = template.wait
        reads = template.reads_retry_after
    bound: tuple[object, ...] = ("count", attempts) if attempts else (("bounded",) if bounded else ("unbounded",))
    sync_only = iterates = False
    if template is not None:
        sync_only, iterates = template.sync_only, template.iterates
    return RemoteRetry(
        name, "", "decorator", _predicate_facts(predicate), bound, wait, reads, sync_only=sync_only, iterates=iterates
    )


def _template_for(
    model: ModuleModel, target: cst.BaseExpression, memo: dict[int, RemoteRetry | None]
) -> tuple[RemoteRetry, str] | None:
    """The project retry mechanism an expression names: a function of this module, or one the project view knows."""
    local = model.resolver.function_for(target, model.module_scope)
    if local is not None:
        if id(local) not in memo:
            memo[id(local)] = retry_template(model, local)
        found = memo[id(local)]
        return (found, "") if found is not None else None
    if isinstance(target, cst.Name) and target.value not in model.imports.names:
        # `retry_request = make_retry(5)` then `@retry_request` (library policies bound to a
        # name are read by `_decorator_mechanisms`).
        value = model.resolver.binding_value(target.value, model.module_scope)
        if isinstance(value, cst.Call) and model.qualify(value.func) not in LIBRARY_RETRY_DECORATORS:
            bound = bound_retry(model, target.value)
            return (bound, "") if bound is not None else None
    remote = None
    name = dotted(target)
    head = name.split(".", 1)[0] if name is not None else ""
    if head in model.imports.names and not model.resolver.bound_locally(head, model.module_scope):
        remote = model.resolver.project.retry(model.qualify(target))
    return (remote, remote.where) if remote is not None else None


def _sites_by_record(model: ModuleModel) -> dict[int, CallSite]:
    return {id(site.record): site for site in model.call_sites}


def _llm_function_site(model: ModuleModel, record: CallRecord, fn: cst.BaseExpression) -> CallSite | None:
    """A call that runs `fn` (passed to a retry wrapper) as a call site, when `fn` makes Claude calls
    (the model's own site for it when it has one: a function handed to a call is called there)."""
    existing = model.shared(_sites_by_record).get(id(record))
    if existing is not None and not existing.direct:
        return existing
    local = model.resolver.function_for(fn, record.scope)
    if local is not None:
        return CallSite(record, "", None, None, False, target=local) if local.calls_llm else None
    remote = model.resolver.remote_function_for(fn, record.scope)
    if remote is not None and remote.calls_claude:
        return CallSite(record, "", None, None, False, remote=remote)
    return None


def _project_mechanisms(model: ModuleModel, sites: Sequence[CallSite]) -> Iterator[RetryMechanism]:
    memo: dict[int, RemoteRetry | None] = {}
    for function in model.functions:
        if not function.calls_llm or not function.decorators:
            continue
        wrapped = [s for s in sites_in_function(model, function) if not swallowed(s)]
        for decorator in function.decorators:
            expr = decorator.decorator
            use = expr if isinstance(expr, cst.Call) else None
            found = _template_for(model, use.func if use is not None else expr, memo)
            if found is None or (found[0].shape == "factory") != (use is not None) or found[0].shape == "wrapper":
                continue
            if function.is_generator and not found[0].iterates:
                continue  # calling the generator function returns at once: the wrapper sees none of its errors
            if function.is_async and found[0].sync_only:
                continue  # its wrapper gets the coroutine back at once: the call's errors never reach it
            mechanism = template_mechanism(model, found[0], decorator, use, wrapped, found[1])
            mechanism.function = function
            yield mechanism
    # Applied at the call: `retry_handler(3)(ask)(q)`, `with_retry(ask)(q)`, `call_with_retry(ask, q)`.
    for record in model.calls:
        func = record.node.func
        use: cst.Call | None = None
        applied: cst.Call | None = None
        if isinstance(func, cst.Call) and func.args:
            if isinstance(func.func, cst.Call):
                use, applied, name_expr, shape = func.func, func, func.func.func, "factory"
            else:
                applied, name_expr, shape = func, func.func, "decorator"
        elif record.node.args:
            applied, name_expr, shape = record.node, func, "wrapper"
            use = record.node
        else:
            continue
        if shape == "wrapper" and not isinstance(record.node.args[0].value, (cst.Name, cst.Attribute)):
            continue
        found = _template_for(model, name_expr, memo)
        if found is None or found[0].shape != shape:
            continue
        site = _llm_function_site(model, record, applied.args[0].value)
        if site is None:
            continue
        node = use if use is not None and shape == "factory" else applied
        mechanism = template_mechanism(model, found[0], node, use if shape != "decorator" else None, [site], found[1])
        mechanism.function = record.frame
        yield mechanism
    # Applied in a dict of providers: `{"claude": retry_handler(3)(ask_claude), ...}`, then `PROVIDERS[name](q)`.
    users: dict[cst.Call, list[CallSite]] = {}
    for site in sites:
        for value in site.applied:
            users.setdefault(value, []).append(site)
    for value, chosen in users.items():
        if isinstance(value.func, cst.Call):
            use, name_expr, shape = value.func, value.func.func, "factory"
        else:
            use, name_expr, shape = None, value.func, "decorator"
        found = _template_for(model, name_expr, memo)
        if found is None or found[0].shape != shape:
            continue
        mechanism = template_mechanism(model, found[0], use or value, use, chosen, found[1])
        frames = {id(s.frame) for s in chosen}
        mechanism.function = chosen[0].frame if len(frames) == 1 else None
        yield mechanism


def _applied_library_mechanisms(model: ModuleModel, sites: Sequence[CallSite]) -> Iterator[RetryMechanism]:
    """A library's retry decorator applied to a function that makes Claude calls anywhere but above
    its def: at the call (`tenacity.retry(...)(ask)(q)`), in a dict's value or a name's
    (`{"claude": tenacity.retry(...)(ask)}`, `retried = tenacity.retry(...)(ask)`). Read as the same
    decorator above `ask`'s def would be, and reported where it is applied: at the decorator's
    call, or at `tenacity.retry(ask)` for a bare one. It retries the calls of what it makes: the
    call it is applied in, the calls known to choose it, else (stored or passed on) a call of `ask`."""
    users: dict[int, list[CallSite]] = {}
    for site in sites:
        for value in site.applied:
            users.setdefault(id(value), []).append(site)
    called = {id(record.node.func): record for record in model.calls if isinstance(record.node.func, cst.Call)}
    memo: dict[int, RemoteRetry | None] = {}
    for record in model.calls:
        application = record.node
        if len(application.args) != 1 or application.args[0].star or application.args[0].keyword is not None:
            continue
        expr = application.func  # `tenacity.retry(...)`, or a bare `tenacity.retry` / `policy`
        head = expr.func if isinstance(expr, cst.Call) else expr
        if not isinstance(head, (cst.Name, cst.Attribute)):
            continue
        fn = application.args[0].value
        if _library_decorator(model, expr)[0] not in LIBRARY_RETRY_DECORATORS:
            if id(application) not in called and id(application) not in users:
                yield from _stored_project_application(model, record, expr, head, memo)
            continue
        chosen = users.get(id(application), [])
        if chosen and all(s.direct for s in chosen):
            # The SDK method itself (`retry(...)(client.messages.create)`): its calls are direct call sites.
            local, remote, is_async = None, None, chosen[0].is_async
        else:
            local = model.resolver.function_for(fn, record.scope)
            remote = model.resolver.remote_function_for(fn, record.scope) if local is None else None
            if not (local.calls_llm if local is not None else remote is not None and remote.calls_claude):
                continue
            caller = called.get(id(application))
            if caller is not None:
                site = _llm_function_site(model, caller, fn)
                chosen = [site] if site is not None else []
            if not chosen:
                chosen = [CallSite(record, "", None, None, False, target=local, remote=remote)]
            is_async = (local or remote).is_async  # type: ignore[union-attr]
        node = expr if isinstance(expr, cst.Call) else application
        mechanism = library_mechanism(model, expr, node, chosen, is_async)
        if mechanism is None:
            continue
        mechanism.applied, mechanism.wraps = True, local
        mechanism.on_generator = local is not None and local.is_generator
        frames = {id(s.frame) for s in chosen}
        mechanism.function = chosen[0].frame if len(frames) == 1 else None
        yield mechanism


def _stored_project_application(
    model: ModuleModel, record: CallRecord, expr: cst.BaseExpression, head: cst.BaseExpression,
    memo: dict[int, RemoteRetry | None],
) -> Iterator[RetryMechanism]:
    """A project retry decorator applied to a Claude-calling function in a value no call in the module
    is known to make (`retried = retry_handler(3)(ask)` passed on, a dict of one provider): like the
    same decorator above `ask`'s def, it retries every call of what it makes (the ones made through a
    call or a dict lookup of this module are `_project_mechanisms`')."""
    found = _template_for(model, head, memo)
    use = expr if isinstance(expr, cst.Call) else None
    if found is None or found[0].shape != ("factory" if use is not None else "decorator"):
        return
    fn = record.node.args[0].value
    local = model.resolver.function_for(fn, record.scope)
    remote = model.resolver.remote_function_for(fn, record.scope) if local is None else None
    if not (local.calls_llm if local is not None else remote is not None and remote.calls_claude):
        return
    wrapped = local or remote
    if (local is not None and local.is_generator and not found[0].iterates) or (
        wrapped is not None and wrapped.is_async and found[0].sync_only
    ):
        return  # it sees none of the call's errors, as above a def
    site = CallSite(record, "", None, None, False, target=local, remote=remote)
    mechanism = template_mechanism(model, found[0], use or record.node, use, [site], found[1])
    mechanism.function = record.frame
    yield mechanism


def _library_decorator(model: ModuleModel, expr: cst.BaseExpression) -> tuple[str | None, cst.Call | None]:
    """What a decorator expression names, and the call that holds its arguments: `tenacity.retry(...)`,
    a bare `tenacity.retry`, or a shared policy (`policy = tenacity.retry(...)` then `@policy`)."""
    call = expr if isinstance(expr, cst.Call) else None
    target = expr.func if isinstance(expr, cst.Call) else expr
    qualname = model.qualify(target)
    if qualname is not None and qualname not in LIBRARY_RETRY_DECORATORS and isinstance(target, cst.Name):
        bound = model.resolver.binding_value(target.value, model.module_scope)
        if isinstance(bound, cst.Call):
            call, qualname = bound, model.qualify(bound.func)
    return qualname, call
