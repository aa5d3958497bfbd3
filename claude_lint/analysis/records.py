"""The module model's records: scopes, functions, calls, try statements, handlers, loops, clients, call sites.

Plain data filled in by the collector (one pass over the tree) and completed by
`build_model`; rules read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from claude_lint.analysis.symbols import RemoteClient, RemoteFunction
from claude_lint.analysis.syntax import keyword_arg
from claude_lint.sdk.knowledge import Knowledge

Part = Literal["body", "handler", "else", "finally"]

# The reference helper's calls, as (the SDK method they make, async).
HELPER_FUNCTIONS = {
    "create_message": ("messages.create", False),
    "acreate_message": ("messages.create", True),
    "stream_message": ("messages.stream", False),
    "astream_message": ("messages.stream", True),
}
# The helper's own keywords, which are not part of the request.
HELPER_KEYWORDS = frozenset({"retry", "validate", "max_tokens_limit"})
BUNDLED_HELPER_MODULE = "claude_lint.helper"
# Retry decorators of libraries, by qualified name, applied above a def, at a call
# (`tenacity.retry(...)(ask)(q)`) or in a dict's value; `retries.py` reads their arguments.
TENACITY_DECORATORS = frozenset({"tenacity.retry"})
RETRYING_DECORATORS = frozenset({"retrying.retry"})
BACKOFF_DECORATORS = frozenset({"backoff.on_exception", "backoff.on_predicate"})
STAMINA_DECORATORS = frozenset({"stamina.retry"})
LIBRARY_RETRY_DECORATORS = TENACITY_DECORATORS | RETRYING_DECORATORS | BACKOFF_DECORATORS | STAMINA_DECORATORS


@dataclass(eq=False)
class Scope:
    """A module, class or function body: where names are bound."""

    kind: Literal["module", "class", "function"]
    node: cst.CSTNode
    parent: Scope | None
    name: str = ""
    bindings: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    annotations: dict[str, cst.BaseExpression] = field(default_factory=dict)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)  # `global x` in a function: x binds in the module

    @property
    def class_scope(self) -> Scope | None:
        """The class a method belongs to (for `self.attr`)."""
        scope: Scope | None = self
        while scope is not None and scope.kind == "function":
            if scope.parent is not None and scope.parent.kind == "class":
                return scope.parent
            scope = scope.parent
        return None


@dataclass(eq=False)
class FunctionInfo:
    node: cst.FunctionDef
    name: str
    scope: Scope  # the function's own scope
    is_async: bool
    decorators: tuple[cst.Decorator, ...]
    direct_call_sites: list[CallSite] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)
    calls_llm: bool = False
    is_generator: bool = False  # its body yields (a retry decorator then never sees the call's errors)

    @property
    def qualname(self) -> str | None:
        """`f` for a module-level function, `C.m` for a method of a module-level class; None otherwise."""
        parent = self.scope.parent
        if parent is None:
            return None
        if parent.kind == "module":
            return self.name
        if parent.kind == "class" and parent.parent is not None and parent.parent.kind == "module":
            return f"{parent.name}.{self.name}"
        return None


@dataclass(eq=False)
class LoopInfo:
    node: cst.For | cst.While
    frame: FunctionInfo | None
    trys: tuple[TryContext, ...]

    @property
    def kind(self) -> Literal["for", "while"]:
        return "for" if isinstance(self.node, cst.For) else "while"


@dataclass(eq=False)
class CaughtType:
    node: cst.BaseExpression
    qualname: str | None
    sdk_name: str | None  # the SDK exception class, if this names one


@dataclass(eq=False)
class HandlerInfo:
    node: cst.ExceptHandler | cst.ExceptStarHandler
    try_info: TryInfo
    types: tuple[CaughtType, ...]  # empty for a bare `except:`
    name: str | None
    loops: tuple[LoopInfo, ...]

    @property
    def is_bare(self) -> bool:
        return self.node.type is None

    def catches_broad(self) -> bool:
        """Bare, BaseException or Exception: catches whatever the call raises."""
        return self.is_bare or any(t.qualname in ("Exception", "BaseException") for t in self.types)

    def catches_sdk_error(self) -> bool:
        return any(t.sdk_name is not None for t in self.types)

    def catches_call_site_errors(self) -> bool:
        """Whether this handler can catch an error raised by a Claude call in its try."""
        if self.catches_sdk_error():
            return True
        return self.catches_broad() and bool(self.try_info.call_sites)


@dataclass(eq=False)
class TryInfo:
    node: cst.Try | cst.TryStar
    frame: FunctionInfo | None
    loops: tuple[LoopInfo, ...]
    handlers: list[HandlerInfo] = field(default_factory=list)
    body_calls: list[CallRecord] = field(default_factory=list)
    call_sites: list[CallSite] = field(default_factory=list)

    @property
    def holds_call_site(self) -> bool:
        return bool(self.call_sites)


@dataclass(frozen=True, eq=False)
class TryContext:
    try_info: TryInfo
    part: Part
    handler: HandlerInfo | None = None


@dataclass(eq=False)
class CallRecord:
    """Every call in the module, with where it sits."""

    node: cst.Call
    frame: FunctionInfo | None
    scope: Scope
    trys: tuple[TryContext, ...]
    loops: tuple[LoopInfo, ...]
    awaited: bool = False


@dataclass(eq=False)
class WithRecord:
    """A `with`/`async with` statement and where it sits."""

    node: cst.With
    frame: FunctionInfo | None
    scope: Scope

    @property
    def is_async(self) -> bool:
        return self.node.asynchronous is not None


@dataclass(eq=False)
class RaiseRecord:
    node: cst.Raise
    handler: HandlerInfo | None  # the innermost handler in the same function


@dataclass(eq=False)
class ClientInfo:
    """An Anthropic client as the code builds it."""

    class_name: str  # e.g. "Anthropic", "AsyncAnthropicBedrock"; "" when only annotated
    is_async: bool
    max_retries: int | None  # None: not visible, the SDK default applies
    max_retries_node: cst.Arg | None
    node: cst.CSTNode | None  # constructor/with_options call or annotation; None when remote
    origin: Literal["constructor", "annotation", "factory", "with_options", "remote"]
    where: str | None = None  # a client built in another module: "app/llm.py:3"

    @classmethod
    def remote(cls, client: RemoteClient, node: cst.CSTNode | None = None) -> ClientInfo:
        return cls(client.class_name, client.is_async, client.max_retries, None, node, "remote", client.where)

    def effective_max_retries(self, knowledge: Knowledge) -> int:
        return knowledge.default_max_retries if self.max_retries is None else self.max_retries


class NotClient:
    """Marker: an object known to belong to another library (e.g. an OpenAI client)."""


NOT_CLIENT = NotClient()


@dataclass(eq=False)
class CallSite:
    """A Claude call (direct) or a call to a function of this module that makes one."""

    record: CallRecord
    method: str  # "messages.create", "beta.messages.stream", ...; "" for indirect
    client: ClientInfo | None
    client_node: cst.BaseExpression | None
    heuristic: bool
    target: FunctionInfo | None = None  # for indirect call sites
    raw_response: bool = False
    remote: RemoteFunction | None = None  # a call of a project function of another module that calls Claude
    # A call of the reference helper (`create_message(client, ...)`): its name; "" otherwise.
    helper: str = ""
    # Resources between the client and `messages`, e.g. "beta.prompt_caching" (the SDK's
    # `beta` namespace alone is part of `method`).
    resource: str = ""
    # The callee is chosen at run time among functions of this module (`PROVIDERS[name]`, a
    # function that returns one of several) and only some of them make a Claude call: `target`
    # is the first that does. Like a call through an object of one of several classes.
    chosen: bool = False
    # Of a chosen callee: the dict values (or the name's value) that apply a decorator to a
    # candidate making a Claude call (`retry_handler(3)(ask_claude)`); of a direct call through a
    # library retry applied to the SDK method (`retry(...)(client.messages.create)(**request)`),
    # that application. The retry analysis reads the retry they may be.
    applied: tuple[cst.Call, ...] = ()

    @property
    def node(self) -> cst.Call:
        return self.record.node

    @property
    def direct(self) -> bool:
        return self.target is None and self.remote is None

    @property
    def frame(self) -> FunctionInfo | None:
        return self.record.frame

    @property
    def is_async(self) -> bool:
        if self.target is not None:
            return self.target.is_async
        if self.remote is not None:
            return self.remote.is_async
        if self.helper:
            return HELPER_FUNCTIONS[self.helper][1]
        return self.client is not None and self.client.is_async

    @property
    def fixable_client(self) -> cst.BaseExpression | None:
        """The client expression, when a fix may build on it: written in the call itself
        (not followed through `messages = client.messages`) and known to be an SDK client."""
        if self.client is None or self.client_node is None:
            return None
        if self.helper:
            return self.client_node
        cur: cst.BaseExpression = self.node.func
        while isinstance(cur, (cst.Attribute, cst.Call)):
            cur = cur.value if isinstance(cur, cst.Attribute) else cur.func
            if cur is self.client_node:
                return cur
        return None

    def keyword(self, name: str) -> cst.Arg | None:
        return keyword_arg(self.node, name)

    def enclosing_handlers(self) -> Iterator[HandlerInfo]:
        """Handlers that can catch this call's errors, innermost first."""
        for ctx in reversed(self.record.trys):
            if ctx.part == "body":
                yield from ctx.try_info.handlers


