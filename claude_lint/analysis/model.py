"""The module model: one pass over the CST that resolves what every rule needs.

The visitor records imports, bindings, functions, loops, try statements,
handlers, raises and calls with their lexical context. `build_model` then
resolves, without walking the tree again: import aliases, Anthropic clients
(with their SDK retry settings), Claude call sites (direct, and indirect
through functions of this module that call Claude), and the try/except
structure around each call site. Rules only read the result.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import libcst as cst

from claude_lint.analysis.walk import walk
from claude_lint.sdk.knowledge import Knowledge

# Methods reachable from a client, as (path after the client) -> kind.
_RESOURCE_METHODS = {"create", "stream", "parse", "count_tokens"}
_RAW_WRAPPERS = {"with_raw_response", "with_streaming_response"}
# Libraries whose clients have a `.messages.create` of their own.
FOREIGN_CLIENT_ROOTS = frozenset(
    {"openai", "twilio", "mistralai", "cohere", "groq", "together", "litellm", "google",
     "vertexai", "boto3", "botocore", "ollama", "replicate", "huggingface_hub", "slack_sdk"}
)
_ASYNC_PREFIX = "Async"

Part = Literal["body", "handler", "else", "finally"]


# ---------------------------------------------------------------- records


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
    node: cst.CSTNode | None  # constructor/with_options call or annotation
    origin: Literal["constructor", "annotation", "factory", "with_options"]

    def effective_max_retries(self, knowledge: Knowledge) -> int:
        return knowledge.default_max_retries if self.max_retries is None else self.max_retries


class _NotClient:
    """Marker: an object known to belong to another library (e.g. an OpenAI client)."""


NOT_CLIENT = _NotClient()


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

    @property
    def node(self) -> cst.Call:
        return self.record.node

    @property
    def direct(self) -> bool:
        return self.target is None

    @property
    def frame(self) -> FunctionInfo | None:
        return self.record.frame

    @property
    def is_async(self) -> bool:
        if self.target is not None:
            return self.target.is_async
        return self.client is not None and self.client.is_async

    def keyword(self, name: str) -> cst.Arg | None:
        for arg in self.node.args:
            if arg.keyword is not None and arg.keyword.value == name:
                return arg
        return None

    def enclosing_handlers(self) -> Iterator[HandlerInfo]:
        """Handlers that can catch this call's errors, innermost first."""
        for ctx in reversed(self.record.trys):
            if ctx.part == "body":
                yield from ctx.try_info.handlers


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
    resolver: _Resolver
    # Derived analyses computed on demand and shared by rules (e.g. "retries").
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def direct_call_sites(self) -> list[CallSite]:
        return [site for site in self.call_sites if site.direct]

    def qualify(self, expr: cst.BaseExpression) -> str | None:
        return self.imports.qualify(expr)

    def library_roots(self, records: Sequence[CallRecord]) -> set[str]:
        """Top-level modules the given calls reach, through local functions too.

        `httpx.get()` -> httpx; `session.get()` with `session = requests.Session()`
        -> requests; `open()` -> io; a call passing `timeout=` adds
        "timeout" (it can raise the builtin TimeoutError itself).
        """
        roots: set[str] = set()
        seen: set[int] = set()
        pending = list(records)
        while pending:
            record = pending.pop()
            if id(record) in seen:
                continue
            seen.add(id(record))
            root = self._call_root(record)
            if root is not None:
                roots.add(root)
            if any(arg.keyword is not None and arg.keyword.value == "timeout" for arg in record.node.args):
                roots.add("timeout")
            target = self.resolver.function_for(record.node.func, record.scope)
            if target is not None:
                pending.extend(target.calls)
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
        """A loop that re-attempts the same request (RULES.md "manual retry loop").

        `while` loops, and `for` over `range()`/`itertools.count()`/`repeat()`
        whose target the request does not use; `for item in items` moving on to
        the next item is a batch loop.
        """
        node = loop.node
        if isinstance(node, cst.While):
            return True
        if not isinstance(node.iter, cst.Call):
            return False
        if self.imports.qualify(node.iter.func) not in _RETRY_ITERABLES:
            return False
        derived = names_in(node.target)
        scope = sites[0].record.scope if sites else None
        if scope is not None:
            # Names computed from the target (`prompt = prompts[i]`) depend on it too.
            changed = True
            while changed:
                changed = False
                for name, values in scope.bindings.items():
                    if name not in derived and any(derived & names_in(v) for v in values):
                        derived.add(name)
                        changed = True
        return not any(derived & names_in(site.node) for site in sites)


_RETRY_ITERABLES = frozenset({"range", "itertools.count", "itertools.repeat"})


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: set[str] = set()

    def visit_Name(self, name: cst.Name) -> None:
        self.found.add(name.value)

    # `obj.attr` and `f(key=value)` use `obj` and `value`, not `attr` or `key`.
    def visit_Attribute(self, attribute: cst.Attribute) -> bool:
        walk(attribute.value, self)
        return False

    def visit_Arg(self, arg: cst.Arg) -> bool:
        walk(arg.value, self)
        return False


def names_in(node: cst.CSTNode) -> set[str]:
    """Every identifier used inside a node."""
    names = _Names()
    walk(node, names)
    return names.found


# ---------------------------------------------------------------- imports


_LITERAL_TYPES = (cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)
_LITERALS: dict[str, object] = {}  # literal text -> value; the same few texts recur


def literal_value(node: cst.BaseExpression) -> Any:
    """A string or number literal's value, as libcst's `evaluated_value` gives it; None when
    Python cannot evaluate it (a string with an escape CPython rejects).

    `evaluated_value` calls `ast.literal_eval`, which builds four nested closures
    per call (reference cycles left for the garbage collector): this parses the
    literal's text directly and remembers it.
    """
    if not isinstance(node, _LITERAL_TYPES):
        try:
            return node.evaluated_value  # type: ignore[attr-defined]  # concatenated strings
        except (SyntaxError, ValueError):
            return None
    text = node.value
    try:
        return _LITERALS[text]
    except KeyError:
        pass
    try:
        with warnings.catch_warnings():  # `"\d"`: the user's invalid escape is not ours to warn about
            warnings.simplefilter("ignore")
            expression = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError):  # `"\N{no such name}"`: libcst parses it, Python does not
        return None
    value = expression.value if isinstance(expression, ast.Constant) else None
    if len(_LITERALS) < 4096:
        _LITERALS[text] = value
    return value


def dotted(expr: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = dotted(expr.value)
        return None if base is None else f"{base}.{expr.attr.value}"
    return None


@dataclass
class ImportTable:
    """Local names bound by imports, mapped to what they name."""

    names: dict[str, str] = field(default_factory=dict)  # local -> qualified name

    def add_import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.names[alias.asname.name.value] = full
            else:
                top = full.split(".", 1)[0]
                self.names[top] = top

    def add_import_from(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = dotted(node.module)
        if module is None:
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            local = alias.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.names[local] = f"{module}.{alias.name.value}"

    def qualify(self, expr: cst.BaseExpression) -> str | None:
        """The qualified name an expression refers to, through import aliases."""
        name = dotted(expr)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        target = self.names.get(head, head)
        return f"{target}.{rest}" if rest else target

    def imports_root(self, root: str) -> bool:
        return any(q == root or q.startswith(root + ".") for q in self.names.values())


# ---------------------------------------------------------------- the pass



class _Collector(cst.CSTVisitor):
    """Records everything the model needs in one traversal."""

    def __init__(self, module: cst.Module) -> None:
        self.imports = ImportTable()
        self.module_scope = Scope("module", module, None)
        self.scope = self.module_scope
        self.frame: FunctionInfo | None = None
        self.functions: list[FunctionInfo] = []
        self.calls: list[CallRecord] = []
        self.trys: list[TryInfo] = []
        self.handlers: list[HandlerInfo] = []
        self.raises: list[RaiseRecord] = []
        self.loops: list[LoopInfo] = []
        self.withs: list[WithRecord] = []
        self.except_type_exprs: list[cst.BaseExpression] = []
        # Per function frame: the try and loop context stacks.
        self._try_stack: list[TryContext] = []
        self._loop_stack: list[LoopInfo] = []
        self._frames: list[tuple[list[TryContext], list[LoopInfo]]] = []
        self._awaited: set[int] = set()
        self._outer_frames: list[FunctionInfo | None] = []

    # scopes ---------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        self.imports.add_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.imports.add_import_from(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope = Scope("class", node, self.scope, node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = Scope("function", node, self.scope, node.name.value)
        info = FunctionInfo(
            node=node,
            name=node.name.value,
            scope=scope,
            is_async=node.asynchronous is not None,
            decorators=tuple(node.decorators),
        )
        self.scope.functions.setdefault(node.name.value, info)
        self.functions.append(info)
        for param in _all_params(node.params):
            # A parameter is bound to an unknown value: it shadows module globals.
            scope.bindings.setdefault(param.name.value, [])
            if param.annotation is not None:
                scope.annotations[param.name.value] = param.annotation.annotation
        self.scope = scope
        self._frames.append((self._try_stack, self._loop_stack))
        self._try_stack, self._loop_stack = [], []
        self._outer_frames.append(self.frame)
        self.frame = info

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._try_stack, self._loop_stack = self._frames.pop()
        assert self.scope.parent is not None
        self.scope = self.scope.parent
        self.frame = self._outer_frames.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        # A lambda's body runs later, outside the try it is written in.
        self._frames.append((self._try_stack, self._loop_stack))
        self._try_stack, self._loop_stack = [], []

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._try_stack, self._loop_stack = self._frames.pop()

    # bindings -------------------------------------------------------------

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.scope.bindings.setdefault(target.value, []).append(value)
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value in ("self", "cls")
        ):
            owner = self.scope.class_scope
            if owner is not None:
                owner.bindings.setdefault(f"self.{target.attr.value}", []).append(value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        target = node.target
        if node.value is not None:
            self._bind(target, node.value)
        if isinstance(target, cst.Name):
            key = target.value
            # A class-level `client: Anthropic` annotates `self.client`.
            if self.scope.kind == "class":
                self.scope.annotations[f"self.{key}"] = node.annotation.annotation
            self.scope.annotations[key] = node.annotation.annotation
        elif isinstance(target, cst.Attribute) and dotted(target.value) in ("self", "cls"):
            owner = self.scope.class_scope
            if owner is not None:
                owner.annotations[f"self.{target.attr.value}"] = node.annotation.annotation

    def visit_With(self, node: cst.With) -> None:
        self.withs.append(WithRecord(node, self.frame, self.scope))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, (cst.Name, cst.Attribute)):
            self._bind(node.asname.name, node.item)

    # control flow ---------------------------------------------------------

    def _enter_try(self, node: cst.Try | cst.TryStar) -> None:
        info = TryInfo(node=node, frame=self.frame, loops=tuple(self._loop_stack))
        self.trys.append(info)
        self._try_stack.append(TryContext(info, "body"))

    def visit_Try(self, node: cst.Try) -> None:
        self._enter_try(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._enter_try(node)

    def leave_Try(self, original_node: cst.Try) -> None:
        self._try_stack.pop()

    def leave_TryStar(self, original_node: cst.TryStar) -> None:
        self._try_stack.pop()

    def _current_try(self) -> TryInfo:
        return self._try_stack[-1].try_info

    def _enter_handler(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
        info = self._current_try()
        name = None
        if node.name is not None and isinstance(node.name.name, cst.Name):
            name = node.name.name.value
        types: list[CaughtType] = []
        if node.type is not None:
            self.except_type_exprs.append(node.type)
            exprs = (
                [el.value for el in node.type.elements]
                if isinstance(node.type, cst.Tuple)
                else [node.type]
            )
            types = [CaughtType(expr, self.imports.qualify(expr), None) for expr in exprs]
        handler = HandlerInfo(node, info, tuple(types), name, tuple(self._loop_stack))
        info.handlers.append(handler)
        self.handlers.append(handler)
        self._try_stack[-1] = TryContext(info, "handler", handler)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._enter_handler(node)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._enter_handler(node)

    def _set_part(self, part: Part) -> None:
        if self._try_stack:
            self._try_stack[-1] = TryContext(self._try_stack[-1].try_info, part)

    def visit_Try_orelse(self, node: cst.Try) -> None:
        self._set_part("else")

    def visit_Try_finalbody(self, node: cst.Try) -> None:
        self._set_part("finally")

    def visit_TryStar_orelse(self, node: cst.TryStar) -> None:
        self._set_part("else")

    def visit_TryStar_finalbody(self, node: cst.TryStar) -> None:
        self._set_part("finally")

    def _enter_loop(self, node: cst.For | cst.While) -> None:
        loop = LoopInfo(node, self.frame, tuple(self._try_stack))
        self.loops.append(loop)
        self._loop_stack.append(loop)

    def visit_For(self, node: cst.For) -> None:
        for name in names_in(node.target):
            self.scope.bindings.setdefault(name, [])  # bound to an unknown value
        self._enter_loop(node)

    def leave_For(self, original_node: cst.For) -> None:
        self._loop_stack.pop()

    def visit_While(self, node: cst.While) -> None:
        self._enter_loop(node)

    def leave_While(self, original_node: cst.While) -> None:
        self._loop_stack.pop()

    def visit_Yield(self, node: cst.Yield) -> None:
        if self.frame is not None and not self._frames_is_lambda():
            self.frame.is_generator = True

    def _frames_is_lambda(self) -> bool:
        # A lambda pushes a try/loop frame without a function: its yield is not the function's.
        return len(self._frames) > len(self._outer_frames)

    def visit_Raise(self, node: cst.Raise) -> None:
        handler = None
        for ctx in reversed(self._try_stack):
            if ctx.part == "handler":
                handler = ctx.handler
                break
        self.raises.append(RaiseRecord(node, handler))

    # calls ----------------------------------------------------------------

    def visit_Await(self, node: cst.Await) -> None:
        self._awaited.add(id(node.expression))

    def visit_Call(self, node: cst.Call) -> None:
        record = CallRecord(
            node=node,
            frame=self.frame,
            scope=self.scope,
            trys=tuple(self._try_stack),
            loops=tuple(self._loop_stack),
            awaited=id(node) in self._awaited,
        )
        self.calls.append(record)
        if self.frame is not None:
            self.frame.calls.append(record)
        for ctx in self._try_stack:
            if ctx.part == "body":
                ctx.try_info.body_calls.append(record)


def _all_params(params: cst.Parameters) -> Iterator[cst.Param]:
    yield from params.posonly_params
    yield from params.params
    yield from params.kwonly_params
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg
    if params.star_kwarg is not None:
        yield params.star_kwarg


# ---------------------------------------------------------------- resolution


def _strip_optional(annotation: cst.BaseExpression) -> list[cst.BaseExpression]:
    """`X | None`, `Optional[X]`, `"X"` -> the candidate type expressions."""
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return _strip_optional(annotation.left) + _strip_optional(annotation.right)
    if isinstance(annotation, cst.Subscript):
        base = dotted(annotation.value)
        if base is not None and base.split(".")[-1] in ("Optional", "Union", "Annotated"):
            out: list[cst.BaseExpression] = []
            for element in annotation.slice:
                if isinstance(element.slice, cst.Index):
                    out.extend(_strip_optional(element.slice.value))
                if base.endswith("Annotated"):
                    break
            return out
    if isinstance(annotation, cst.SimpleString):
        text = literal_value(annotation)
        if isinstance(text, str):
            try:
                return _strip_optional(cst.parse_expression(text))
            except cst.ParserSyntaxError:
                return []
    return [annotation]


def _int_value(expr: cst.BaseExpression) -> int | None:
    if isinstance(expr, cst.Integer):
        return int(literal_value(expr))
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        inner = _int_value(expr.expression)
        return None if inner is None else -inner
    return None


class _Resolver:
    def __init__(self, collector: _Collector, knowledge: Knowledge, client_factories: Sequence[str]):
        self.c = collector
        self.knowledge = knowledge
        self.factories = frozenset(client_factories)
        self._client_classes = {f"anthropic.{name}" for name in knowledge.client_classes}

    # clients --------------------------------------------------------------

    def client_class(self, qualname: str | None) -> str | None:
        """The SDK client class a qualified name refers to (any submodule path)."""
        if qualname is None or not qualname.startswith("anthropic."):
            return None
        last = qualname.rsplit(".", 1)[-1]
        return last if last in self.knowledge.client_classes else None

    def _is_async_class(self, name: str) -> bool:
        return name in self.knowledge.async_client_classes or name.startswith(_ASYNC_PREFIX)

    def client_from_annotation(self, annotation: cst.BaseExpression) -> ClientInfo | _NotClient | None:
        foreign = False
        for candidate in _strip_optional(annotation):
            qualname = self.c.imports.qualify(candidate)
            name = self.client_class(qualname)
            if name is not None:
                return ClientInfo(name, self._is_async_class(name), None, None, annotation, "annotation")
            foreign = foreign or (qualname is not None and qualname.split(".", 1)[0] in FOREIGN_CLIENT_ROOTS)
        return NOT_CLIENT if foreign else None

    def _constructor(self, call: cst.Call, name: str) -> ClientInfo:
        retries_arg = _keyword(call, "max_retries")
        retries = _int_value(retries_arg.value) if retries_arg is not None else None
        return ClientInfo(name, self._is_async_class(name), retries, retries_arg, call, "constructor")

    def client_of(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> ClientInfo | _NotClient | None:
        if depth > 8:
            return None
        if isinstance(expr, cst.Await):
            return self.client_of(expr.expression, scope, depth + 1)
        if isinstance(expr, cst.Call):
            return self._client_of_call(expr, scope, depth)
        if isinstance(expr, cst.Name):
            return self._client_of_binding(expr.value, scope, depth)
        if isinstance(expr, cst.Attribute):
            key = dotted(expr)
            if key is not None and key.split(".", 1)[0] in ("self", "cls") and key.count(".") == 1:
                owner = scope.class_scope
                if owner is not None:
                    return self._client_of_class_attr(owner, "self." + expr.attr.value, depth)
            qualname = self.c.imports.qualify(expr)
            if qualname is not None and qualname.split(".", 1)[0] in FOREIGN_CLIENT_ROOTS:
                return NOT_CLIENT
        return None

    def _client_of_call(self, call: cst.Call, scope: Scope, depth: int) -> ClientInfo | _NotClient | None:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "with_options":
            base = self.client_of(func.value, scope, depth + 1)
            retries_arg = _keyword(call, "max_retries")
            if isinstance(base, _NotClient) or retries_arg is None:
                return base
            # `x.with_options(max_retries=...)` on an unseen client still sets its retries.
            class_name, is_async = (base.class_name, base.is_async) if base else ("", False)
            return ClientInfo(class_name, is_async, _int_value(retries_arg.value), retries_arg, call, "with_options")
        qualname = self.c.imports.qualify(func)
        name = self.client_class(qualname)
        if name is not None:
            return self._constructor(call, name)
        if qualname is not None:
            if qualname in self.factories or qualname.rsplit(".", 1)[-1] in self.factories:
                return ClientInfo("", False, None, None, call, "factory")
            if qualname.split(".", 1)[0] in FOREIGN_CLIENT_ROOTS:
                return NOT_CLIENT
        target = self.function_for(func, scope)
        if target is not None and target.node.returns is not None:
            info = self.client_from_annotation(target.node.returns.annotation)
            if isinstance(info, ClientInfo):
                return ClientInfo(info.class_name, info.is_async, None, None, call, "factory")
            return info
        return None

    def _client_of_binding(self, name: str, scope: Scope, depth: int) -> ClientInfo | _NotClient | None:
        current: Scope | None = scope
        while current is not None:
            if current.kind == "class":  # class bodies are not enclosing scopes for methods
                current = current.parent
                continue
            found = self._client_in_scope(current, name, current, depth)
            if found is not None:
                return found
            if name in current.bindings or name in current.annotations:
                return None
            current = current.parent
        return None

    def _client_in_scope(self, scope: Scope, key: str, lookup: Scope, depth: int) -> ClientInfo | _NotClient | None:
        result: ClientInfo | _NotClient | None = None
        for value in scope.bindings.get(key, ()):
            found = self.client_of(value, lookup, depth + 1)
            if isinstance(found, ClientInfo):
                return found
            result = result or found
        annotation = scope.annotations.get(key)
        if annotation is not None:
            info = self.client_from_annotation(annotation)
            if info is not None:
                return info
        return result

    def _client_of_class_attr(self, owner: Scope, key: str, depth: int) -> ClientInfo | _NotClient | None:
        # `self.x = ...` values are evaluated in the method that assigned them; the
        # names they use are usually parameters of that method (`__init__(self, client)`).
        for method in owner.functions.values():
            for value in owner.bindings.get(key, ()):
                found = self.client_of(value, method.scope, depth + 1)
                if isinstance(found, ClientInfo):
                    return found
        result: ClientInfo | _NotClient | None = None
        # `self.x` also reads a class attribute `x = ...` of the class body.
        for value in (*owner.bindings.get(key, ()), *owner.bindings.get(key.removeprefix("self."), ())):
            found = self.client_of(value, owner, depth + 1)
            if isinstance(found, ClientInfo):
                return found
            result = result or found
        annotation = owner.annotations.get(key)
        if annotation is not None:
            info = self.client_from_annotation(annotation)
            if info is not None:
                return info
        return result

    def binding_value(self, key: str, scope: Scope) -> cst.BaseExpression | None:
        """The first value bound to a name (or `self.attr`) visible from a scope."""
        if key.startswith(("self.", "cls.")):
            owner = scope.class_scope
            values = owner.bindings.get("self." + key.split(".", 1)[1], []) if owner else []
            return values[0] if values else None
        current: Scope | None = scope
        while current is not None:
            if current.kind != "class" and key in current.bindings:
                values = current.bindings[key]
                return values[0] if values else None  # a parameter: value unknown
            current = current.parent
        return None

    # functions ------------------------------------------------------------

    def function_for(self, func: cst.BaseExpression, scope: Scope) -> FunctionInfo | None:
        """The function of this module a call's callee refers to, if any."""
        if isinstance(func, cst.Name):
            if func.value in self.c.imports.names:
                return None
            current: Scope | None = scope
            while current is not None:
                if current.kind != "class" and func.value in current.functions:
                    return current.functions[func.value]
                current = current.parent
            return None
        if isinstance(func, cst.Attribute) and dotted(func.value) in ("self", "cls"):
            owner = scope.class_scope
            if owner is not None:
                return owner.functions.get(func.attr.value)
        return None

    # call sites -----------------------------------------------------------

    def direct_call_site(self, record: CallRecord) -> CallSite | None:
        func = record.node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _RESOURCE_METHODS:
            return None
        method = func.attr.value
        raw = False
        cur: cst.BaseExpression = func.value
        while isinstance(cur, cst.Attribute) and cur.attr.value in _RAW_WRAPPERS:
            raw = True
            cur = cur.value
        if isinstance(cur, cst.Name):
            # `messages = client.messages` then `messages.create(...)`: follow the alias.
            bound = self.binding_value(cur.value, record.scope)
            if isinstance(bound, cst.Attribute) and bound.attr.value in ("messages", "completions", "batches"):
                cur = bound
        if not isinstance(cur, cst.Attribute):
            return None
        path = [method]
        if cur.attr.value == "batches" and method == "create":
            path.insert(0, "batches")
            cur = cur.value
            if not isinstance(cur, cst.Attribute):
                return None
        resource = cur.attr.value
        if resource == "completions":
            if path != ["create"]:
                return None
        elif resource != "messages":
            return None
        path.insert(0, resource)
        client_node = cur.value
        if isinstance(client_node, cst.Attribute) and client_node.attr.value in ("threads", "chat"):
            return None  # OpenAI: client.beta.threads.messages.create, client.chat.completions.create
        if isinstance(client_node, cst.Attribute) and client_node.attr.value == "beta":
            path.insert(0, "beta")
            client_node = client_node.value
        client = self.client_of(client_node, record.scope)
        if isinstance(client, _NotClient):
            return None
        heuristic = client is None
        if heuristic and not self._heuristic_accepts(record.node):
            return None
        return CallSite(record, ".".join(path), client, client_node, heuristic, raw_response=raw)

    def _heuristic_accepts(self, call: cst.Call) -> bool:
        keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}
        if "to" in keywords or "body" in keywords:  # Twilio-style messages.create
            return False
        if self.c.imports.imports_root("anthropic"):
            return True
        model = keywords.get("model")
        if model is not None and isinstance(model.value, cst.SimpleString):
            value = literal_value(model.value)
            if isinstance(value, str) and value.startswith("claude-"):
                return True
        return "max_tokens" in keywords and "messages" in keywords


def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


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


def build_model(
    module: cst.Module,
    knowledge: Knowledge,
    client_factories: Sequence[str] = (),
) -> ModuleModel:
    collector = _Collector(module)
    walk(module, collector)
    resolver = _Resolver(collector, knowledge, client_factories)

    call_sites: list[CallSite] = []
    for record in collector.calls:
        site = resolver.direct_call_site(record)
        if site is not None:
            call_sites.append(site)
            if record.frame is not None:
                record.frame.direct_call_sites.append(site)

    _mark_llm_functions(collector.functions, resolver)
    for record in collector.calls:
        target = resolver.function_for(record.node.func, record.scope)
        if target is not None and target.calls_llm:
            call_sites.append(CallSite(record, "", None, None, False, target=target))

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
    )


def _expand_type_alias(
    expr: cst.BaseExpression, resolver: _Resolver, handler: HandlerInfo
) -> list[cst.BaseExpression]:
    """`except RETRYABLE:` with `RETRYABLE = (anthropic.RateLimitError, ...)` -> the tuple's types."""
    if not isinstance(expr, cst.Name) or expr.value in resolver.c.imports.names:
        return [expr]
    scope = handler.try_info.frame.scope if handler.try_info.frame is not None else resolver.c.module_scope
    value = resolver.binding_value(expr.value, scope)
    if isinstance(value, (cst.Tuple, cst.List)):
        return [element.value for element in value.elements]
    return [expr]


def _mark_llm_functions(functions: list[FunctionInfo], resolver: _Resolver) -> None:
    """LLM-calling functions: a direct call site, or a call to one (to a fixpoint)."""
    callees: dict[int, list[FunctionInfo]] = {}
    for info in functions:
        info.calls_llm = bool(info.direct_call_sites)
        targets = []
        for record in info.calls:
            if record.frame is info:
                target = resolver.function_for(record.node.func, record.scope)
                if target is not None and target is not info:
                    targets.append(target)
        callees[id(info)] = targets
    changed = True
    while changed:
        changed = False
        for info in functions:
            if not info.calls_llm and any(t.calls_llm for t in callees[id(info)]):
                info.calls_llm = True
                changed = True

