"""Resolving names in a module: Anthropic clients, functions of the module, bound values, Claude call sites.

Client resolution follows bindings, `self.` attributes, annotations, factories
and `with_options`. A `messages.create` whose client cannot be resolved is a
Claude call only if the file looks like Anthropic code (it imports `anthropic`,
passes a `claude-` model, or `max_tokens` with `messages`); known other
libraries with a `.messages.create` of their own (OpenAI, Twilio, ...) are
ruled out by their import roots and their keywords (`to=`, `body=`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import libcst as cst

from claude_lint.analysis.imports import ImportTable
from claude_lint.analysis.records import (
    BUNDLED_HELPER_MODULE,
    HELPER_FUNCTIONS,
    LIBRARY_RETRY_DECORATORS,
    NOT_CLIENT,
    CallRecord,
    CallSite,
    ClientInfo,
    FunctionInfo,
    NotClient,
    Scope,
)
from claude_lint.analysis.symbols import ProjectView, RemoteFunction, absolute_name, is_external
from claude_lint.analysis.syntax import (
    dotted,
    int_literal,
    keyword_arg,
    keyword_args,
    literal_value,
    names_in,
)
from claude_lint.sdk.knowledge import Knowledge

T = TypeVar("T")

# Methods reachable from a client, as (path after the client) -> kind.
_RESOURCE_METHODS = {"create", "stream", "parse", "count_tokens"}
_RAW_WRAPPERS = {"with_raw_response", "with_streaming_response"}
# Libraries whose clients have a `.messages.create` of their own.
FOREIGN_CLIENT_ROOTS = frozenset(
    {"openai", "twilio", "mistralai", "cohere", "groq", "together", "litellm", "google",
     "vertexai", "boto3", "botocore", "ollama", "replicate", "huggingface_hub", "slack_sdk"}
)
_ASYNC_PREFIX = "Async"


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


def _first_in_methods(
    owner: Scope,
    values: Sequence[cst.BaseExpression],
    read: Callable[[cst.BaseExpression, Scope], T],
    wanted: Callable[[T], bool],
) -> T | None:
    """`read(value, method's scope)` for each method of `owner` in turn and each value in turn: the
    first that is `wanted`. Read so that `self.x` set in each of thousands of methods is not each
    read in every method: a value no method reads differently is read once (in the first method),
    and a name once per method, however many of the values it is."""
    methods = list(owner.functions.values())
    if not methods or not values:
        return None
    local = {
        name for method in methods
        for name in (*method.scope.functions, *method.scope.bindings, *method.scope.annotations)
    }
    varying: list[cst.BaseExpression] = []
    names: set[str] = set()
    for value in values:
        if _read_the_same_in(value, local):
            if wanted(read(value, methods[0].scope)):
                varying.append(value)  # the first method's answer, at the latest
                break
        elif not isinstance(value, cst.Name):
            varying.append(value)
        elif value.value not in names:
            names.add(value.value)
            varying.append(value)
    for method in methods:
        for value in varying:
            found = read(value, method.scope)
            if wanted(found):
                return found
    return None


def _read_the_same_in(value: cst.BaseExpression, local: set[str]) -> bool:
    """Whether reading `value` (its class, the client it builds) gives the same in the scope of each
    method of a class, given the names the methods bind (`local`): only a name it reads that a
    method binds (a call's callee and its receivers, not its arguments) can read differently."""
    while isinstance(value, cst.Await):
        value = value.expression
    if isinstance(value, cst.Name):
        return value.value not in local
    used = names_in(value.func if isinstance(value, cst.Call) else value) - {"self", "cls"}
    return not used & local


def _is_property(node: cst.FunctionDef) -> bool:
    return any(dotted(d.decorator) in ("property", "functools.cached_property", "cached_property") for d in node.decorators)


class Resolver:
    """What a name or expression of the module refers to: an Anthropic client (or another
    library's), a function of this module, the value bound to a name, a Claude call site.

    Rules that need more than the model's records ask it through `model.resolver`.
    """

    def __init__(
        self,
        imports: ImportTable,
        module_scope: Scope,
        knowledge: Knowledge,
        client_factories: Sequence[str] = (),
        project: ProjectView | None = None,
        helper_modules: Sequence[str] = (),
        classes: Sequence[Scope] = (),
    ) -> None:
        self.imports = imports
        # The module's top-level classes, by name (receivers built or annotated with one of them).
        self.local_classes = {c.name: c for c in classes if c.parent is module_scope}
        self.module_scope = module_scope
        self.knowledge = knowledge
        self.factories = frozenset(client_factories)
        # What the rest of the project says about names this module imports (and a record of the questions).
        self.project = project if project is not None else ProjectView()
        # `claude_lint.helper.create_message` (and the configured module's) -> "create_message".
        self.helpers = {
            f"{module}.{name}": name for module in (BUNDLED_HELPER_MODULE, *helper_modules) for name in HELPER_FUNCTIONS
        }
        self._client_classes = {f"anthropic.{name}" for name in knowledge.client_classes}
        # class_of() of a name by (id of the scope binding it, name, depth): what its bindings say,
        # the same at every read (a `prompt` rebound and called on before each of 3,000 calls read
        # all its bindings again at each `prompt.format(...)`).
        self._class_of_names: dict[tuple[int, str, int], str | None] = {}
        # What `self.x` holds by (id(class scope), x, depth): asked at each of thousands of calls on it.
        self._attribute_clients: dict[tuple[int, str, int], ClientInfo | NotClient | None] = {}
        self._attribute_classes: dict[tuple[int, str, int], str | None] = {}
        self._own_methods: dict[int, FunctionInfo | None] = {}  # own_method_for() by id(callee)

    # clients --------------------------------------------------------------

    def client_class(self, qualname: str | None) -> str | None:
        """The SDK client class a qualified name refers to (any submodule path)."""
        if qualname is None or not qualname.startswith("anthropic."):
            return None
        last = qualname.rsplit(".", 1)[-1]
        return last if last in self.knowledge.client_classes else None

    def _is_async_class(self, name: str) -> bool:
        return name in self.knowledge.async_client_classes or name.startswith(_ASYNC_PREFIX)

    def client_from_annotation(self, annotation: cst.BaseExpression) -> ClientInfo | NotClient | None:
        foreign = False
        for candidate in _strip_optional(annotation):
            qualname = self.imports.qualify(candidate)
            name = self.client_class(qualname)
            if name is not None:
                return ClientInfo(name, self._is_async_class(name), None, None, annotation, "annotation")
            foreign = foreign or (qualname is not None and qualname.split(".", 1)[0] in FOREIGN_CLIENT_ROOTS)
        return NOT_CLIENT if foreign else None

    def _constructor(self, call: cst.Call, name: str) -> ClientInfo:
        retries_arg = keyword_arg(call, "max_retries")
        retries = int_literal(retries_arg.value) if retries_arg is not None else None
        return ClientInfo(name, self._is_async_class(name), retries, retries_arg, call, "constructor")

    def client_of(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> ClientInfo | NotClient | None:
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
            qualname = self.imports.qualify(expr)
            if qualname is not None and qualname.split(".", 1)[0] in FOREIGN_CLIENT_ROOTS:
                return NOT_CLIENT
            head = key.split(".", 1)[0] if key is not None else None
            if head is not None and head in self.imports.names and not self.bound_locally(head, scope):
                remote = self.project.client(qualname)  # `llm.client` with `from app import llm`
                if remote is not None:
                    return ClientInfo.remote(remote)
        return None

    def _client_of_call(self, call: cst.Call, scope: Scope, depth: int) -> ClientInfo | NotClient | None:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "with_options":
            base = self.client_of(func.value, scope, depth + 1)
            retries_arg = keyword_arg(call, "max_retries")
            if isinstance(base, NotClient) or retries_arg is None:
                return base
            # `x.with_options(max_retries=...)` on an unseen client still sets its retries.
            class_name, is_async = (base.class_name, base.is_async) if base else ("", False)
            return ClientInfo(class_name, is_async, int_literal(retries_arg.value), retries_arg, call, "with_options")
        qualname = self.imports.qualify(func)
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
        if target is None:
            remote = self.remote_function_for(func, scope)  # a factory of another module
            if remote is not None and remote.returns_client is not None:
                return ClientInfo.remote(remote.returns_client, call)
        return None

    def _client_of_binding(self, name: str, scope: Scope, depth: int) -> ClientInfo | NotClient | None:
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
        if name in self.imports.names:  # `from app.llm import client`
            remote = self.project.client(self.imports.names[name])
            if remote is not None:
                return ClientInfo.remote(remote)
        return None

    def _client_in_scope(self, scope: Scope, key: str, lookup: Scope, depth: int) -> ClientInfo | NotClient | None:
        return self._client_of_values(scope.bindings.get(key, ()), lookup, scope.annotations.get(key), depth)

    def _client_of_class_attr(self, owner: Scope, key: str, depth: int) -> ClientInfo | NotClient | None:
        memo = (id(owner), key, depth)
        if memo in self._attribute_clients:
            return self._attribute_clients[memo]
        # `self.x = ...` values are evaluated in the methods; the names they use are usually
        # parameters of the method assigning them (`__init__(self, client)`).
        found = _first_in_methods(
            owner, owner.bindings.get(key, ()),
            lambda value, scope: self.client_of(value, scope, depth + 1), lambda found: isinstance(found, ClientInfo),
        )
        if found is None:
            # `self.x` also reads a class attribute `x = ...` of the class body.
            values = (*owner.bindings.get(key, ()), *owner.bindings.get(key.removeprefix("self."), ()))
            found = self._client_of_values(values, owner, owner.annotations.get(key), depth)
        self._attribute_clients[memo] = found
        return found

    def _client_of_values(
        self,
        values: Sequence[cst.BaseExpression],
        lookup: Scope,
        annotation: cst.BaseExpression | None,
        depth: int,
    ) -> ClientInfo | NotClient | None:
        """The client one of the values bound to a name builds, else what its annotation says."""
        result: ClientInfo | NotClient | None = None
        for value in values:
            found = self.client_of(value, lookup, depth + 1)
            if isinstance(found, ClientInfo):
                return found
            result = result or found
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
        # `type(...) is`: a failed isinstance goes through ABCMeta on libcst's classes (asked for every call).
        if type(func) is cst.Name:
            if func.value in self.imports.names:
                return None
            current: Scope | None = scope
            while current is not None:
                if current.kind != "class" and func.value in current.functions:
                    return current.functions[func.value]
                current = current.parent
            return None
        if type(func) is cst.Attribute and dotted(func.value) in ("self", "cls"):
            owner = scope.class_scope
            if owner is not None:
                return owner.functions.get(func.attr.value)
        return None

    def callee_for(self, func: cst.BaseExpression, scope: Scope) -> FunctionInfo | None:
        """The function of this module a call runs: `function_for`'s, or the method of one of the
        module's classes it calls on an instance (`own_method_for`)."""
        return self.function_for(func, scope) or self.own_method_for(func, scope)

    def own_method_for(self, func: cst.BaseExpression, scope: Scope) -> FunctionInfo | None:
        """The method of a top-level class of this module that `self.m()` (in one of its methods)
        or `recv.m()` (`recv` an instance of it, as its constructor or annotation says) calls.

        The method the class itself defines: an object of a subclass elsewhere may override it,
        which only the project can tell (`dispatch_ref`); callers ask it when this one makes no
        Claude call.
        """
        if type(func) is not cst.Attribute:
            return None
        try:  # asked of each call by the model's passes and the rules
            return self._own_methods[id(func)]
        except KeyError:
            found = self._own_methods[id(func)] = self._own_method(func, scope)
            return found

    def _own_method(self, func: cst.Attribute, scope: Scope) -> FunctionInfo | None:
        receiver = func.value
        if type(receiver) is cst.Name:
            if receiver.value in ("self", "cls"):
                return self.function_for(func, scope) if self.module_class(scope) is not None else None
            if receiver.value in self.imports.names and not self.bound_locally(receiver.value, scope):
                return None  # a module or an imported class: `llm.ask()`
        found = self.class_of(receiver, scope)
        owner = self.local_classes.get(found[1:]) if found is not None and found.startswith("~") else None
        seen: set[int] = set()
        while owner is not None and id(owner) not in seen:
            seen.add(id(owner))
            method = owner.functions.get(func.attr.value)
            if method is not None:
                return method
            owner = self._single_local_base(owner)  # `class Bot(Base): ...`, `Base.ask` inherited
        return None

    def _single_local_base(self, owner: Scope) -> Scope | None:
        """The base of a class with only one, when it is a top-level class of this module (with
        more, or one of another module, which class defines a method is the project's to tell)."""
        node = owner.node
        if not isinstance(node, cst.ClassDef) or len(node.bases) != 1 or node.keywords:
            return None
        base = node.bases[0].value
        if type(base) is not cst.Name or base.value in self.imports.names:
            return None
        return self.local_classes.get(base.value)

    def bound_locally(self, name: str, scope: Scope) -> bool:
        """Whether a name is bound in the module itself (a parameter, an assignment, a def)."""
        current: Scope | None = scope
        while current is not None:
            if current.kind != "class" and (name in current.bindings or name in current.functions):
                return True
            current = current.parent
        return False

    # classes and dispatch ---------------------------------------------------

    def module_class(self, scope: Scope | None) -> Scope | None:
        """The class a method belongs to, when it is a class of the module's top level."""
        owner = scope.class_scope if scope is not None else None
        if owner is None or owner.parent is not self.module_scope or not isinstance(owner.node, cst.ClassDef):
            return None
        return owner

    def class_from_annotation(self, annotation: cst.BaseExpression) -> str | None:
        """The class an annotation names: an imported name (qualified) or `~Name` for a class of this module."""
        for candidate in _strip_optional(annotation):
            found = self._class_name(candidate)
            if found is not None:
                return found
        return None

    def _class_name(self, expr: cst.BaseExpression) -> str | None:
        name = dotted(expr)
        if name is None or not name.rsplit(".", 1)[-1][:1].isupper():
            return None  # classes are CapWords: `make_client()` or `list` are not
        head = name.split(".", 1)[0]
        if head in self.imports.names:
            qualname = self.imports.qualify(expr)
            return qualname if qualname is not None and not is_external(qualname) else None
        if "." not in name and name in self.local_classes:
            return f"~{name}"
        return None

    def class_of(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> str | None:
        """The project class a receiver is an instance of, as its annotation or constructor says.

        `x: Base`, `x = Impl()`, `def f(x: Base)`, `self.x: Base` (in the class body too),
        `self.x = Impl()`, `self.x = x` with `x: Base` a parameter, a property or a local
        function annotated `-> Base`. An imported class comes qualified, one of this module
        as `~Name`.
        """
        if depth > 6:
            return None
        if isinstance(expr, cst.Await):
            return self.class_of(expr.expression, scope, depth + 1)
        if isinstance(expr, cst.Call):
            found = self._class_name(expr.func)
            if found is not None:
                return found
            target = self.function_for(expr.func, scope)
            if target is not None and target.node.returns is not None:
                return self.class_from_annotation(target.node.returns.annotation)
            return None
        if isinstance(expr, cst.Name):
            if expr.value in ("self", "cls"):
                return None
            current: Scope | None = scope
            while current is not None:
                if current.kind != "class":
                    if expr.value in current.annotations:
                        return self.class_from_annotation(current.annotations[expr.value])
                    if expr.value in current.bindings:
                        key = (id(current), expr.value, depth)
                        if key not in self._class_of_names:
                            found = None
                            for value in current.bindings[expr.value]:
                                found = self.class_of(value, current, depth + 1)
                                if found is not None:
                                    break
                            self._class_of_names[key] = found
                        return self._class_of_names[key]
                current = current.parent
            return None
        if isinstance(expr, cst.Attribute) and dotted(expr.value) in ("self", "cls"):
            owner = scope.class_scope
            return self.class_of_attribute(owner, expr.attr.value, depth) if owner is not None else None
        return None

    def class_of_attribute(self, owner: Scope, attr: str, depth: int = 0) -> str | None:
        """The class of `self.attr` in a class, as its annotations, assignments or property say."""
        key = f"self.{attr}"
        if key in owner.annotations:
            return self.class_from_annotation(owner.annotations[key])
        memo = (id(owner), attr, depth)
        if memo in self._attribute_classes:
            return self._attribute_classes[memo]
        found = _first_in_methods(
            owner, owner.bindings.get(key, ()),
            lambda value, scope: self.class_of(value, scope, depth + 1), lambda found: found is not None,
        )
        prop = owner.functions.get(attr)
        if found is None and prop is not None and prop.node.returns is not None and _is_property(prop.node):
            found = self.class_from_annotation(prop.node.returns.annotation)
        self._attribute_classes[memo] = found
        return found

    def class_attributes(self, owner: Scope) -> dict[str, str]:
        """`self.attr` -> its class, for the attributes of a class whose class is known."""
        names = {k[5:] for k in (*owner.annotations, *owner.bindings) if k.startswith("self.")}
        names |= {n for n, f in owner.functions.items() if f.node.returns is not None and _is_property(f.node)}
        out = {}
        for name in sorted(names):
            found = self.class_of_attribute(owner, name)
            if found is not None:
                out[name] = found
        return out

    def dispatch_ref(self, func: cst.BaseExpression, scope: Scope) -> str | None:
        """The method a call reaches through its receiver's class: `Class.m` (qualified, or `~Class.m`).

        `self.m()` in a method of a module-level class is `~Owner.m` (the object may be an
        instance of any subclass); `recv.m()` with a receiver of a known class is `Class.m`;
        `self.attr.m()` with an attribute the class never sets (a base class does) is
        `~Owner.attr.m`, which the project answers from the bases.
        """
        if not isinstance(func, cst.Attribute):
            return None
        method, receiver = func.attr.value, func.value
        if isinstance(receiver, cst.Name) and receiver.value in ("self", "cls"):
            owner = self.module_class(scope)
            return f"~{owner.name}.{method}" if owner is not None else None
        if isinstance(receiver, cst.Name) and receiver.value in self.imports.names and not self.bound_locally(receiver.value, scope):
            return None  # a module or a class: `llm.ask()`, `Assistant.ask()` are qualified names already
        found = self.class_of(receiver, scope)
        if found is not None:
            return f"{found}.{method}"
        if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name) and receiver.value.value in ("self", "cls"):
            owner = self.module_class(scope)
            attr = receiver.attr.value
            key = f"self.{attr}"
            if (
                owner is not None
                and isinstance(owner.node, cst.ClassDef)
                and owner.node.bases
                and key not in owner.bindings
                and key not in owner.annotations
                and attr not in owner.functions
            ):
                return f"~{owner.name}.{attr}.{method}"
        return None

    def project_name(self, ref: str) -> str | None:
        """A dispatch ref as the project view asks it: `~Class.m` in this module -> `pkg.mod.Class.m`."""
        if ref.startswith("~"):
            return f"{self.project.module}.{ref[1:]}" if self.project.module else None
        return ref

    def remote_function_for(self, func: cst.BaseExpression, scope: Scope) -> RemoteFunction | None:
        """The project function of another module a callee refers to (through imports, a base class or subclass, or the receiver's class)."""
        name = dotted(func)
        if name is None:
            ref = self.dispatch_ref(func, scope)
            return self.project.function(self.project_name(ref)) if ref is not None else None
        head = name.split(".", 1)[0]
        if head in ("self", "cls") and isinstance(func, cst.Attribute) and name.count(".") == 1:
            owner = scope.class_scope
            if self.project.module is not None and self.module_class(scope) is not None:
                # The object may be of a subclass that overrides the method (or one it calls).
                assert owner is not None
                return self.project.function(f"{self.project.module}.{owner.name}.{func.attr.value}")
            if owner is None or func.attr.value in owner.functions or not isinstance(owner.node, cst.ClassDef):
                return None
            for base in owner.node.bases:  # a method inherited from a class of another module
                base_name = dotted(base.value)
                if base_name is None or base_name.split(".", 1)[0] not in self.imports.names:
                    continue
                found = self.project.function(f"{self.imports.qualify(base.value)}.{func.attr.value}")
                if found is not None:
                    return found
            return None
        if head not in self.imports.names or self.bound_locally(head, scope):
            ref = self.dispatch_ref(func, scope)
            return self.project.function(self.project_name(ref)) if ref is not None else None
        return self.project.function(self.imports.qualify(func))

    # call sites -----------------------------------------------------------

    def helper_call_site(self, record: CallRecord) -> CallSite | None:
        """`create_message(client, ...)` and its twins from the helper module, under any alias."""
        qualname = self.imports.qualify(record.node.func) or ""
        if qualname.startswith("."):  # a vendored helper imported relatively: `from .claude_helper import ...`
            qualname = absolute_name(qualname, self.project.module, self.project.is_package) or qualname
        helper = self.helpers.get(qualname)
        if helper is None:
            return None
        first = record.node.args[0] if record.node.args else None
        client_node = first.value if first is not None and first.keyword is None and not first.star else None
        client = self.client_of(client_node, record.scope) if client_node is not None else None
        return CallSite(
            record,
            HELPER_FUNCTIONS[helper][0],
            client if isinstance(client, ClientInfo) else None,
            client_node,
            False,
            helper=helper,
        )

    def direct_call_site(self, record: CallRecord) -> CallSite | None:
        func = record.node.func
        if isinstance(func, (cst.Name, cst.Attribute)):
            site = self.helper_call_site(record)
            if site is not None:
                return site
        application = self._retried_method(func, record.scope)
        if application is not None:
            # `retry(...)(client.messages.create)(**request)`, or through a name bound to it: the
            # call is the SDK method's, retried by the library's decorator (the retry analysis reads it).
            site = self._sdk_method_site(record, application.args[0].value)
            if site is not None:
                site.applied = (application,)
            return site
        return self._sdk_method_site(record, func)

    def _retried_method(self, func: cst.BaseExpression, scope: Scope) -> cst.Call | None:
        """`tenacity.retry(...)(client.messages.create)`, or a name bound to it in scope: a library's
        retry decorator applied to an SDK method (not a function)."""
        if isinstance(func, cst.Name):
            bound = self.binding_value(func.value, scope)
            func = bound if isinstance(bound, cst.Call) else func
        if not isinstance(func, cst.Call) or len(func.args) != 1 or func.args[0].keyword is not None or func.args[0].star:
            return None
        method = func.args[0].value
        if not isinstance(method, cst.Attribute) or method.attr.value not in _RESOURCE_METHODS:
            return None
        decorator = func.func.func if isinstance(func.func, cst.Call) else func.func
        if not isinstance(decorator, (cst.Name, cst.Attribute)):
            return None
        qualname = self.imports.qualify(decorator)
        if qualname not in LIBRARY_RETRY_DECORATORS and isinstance(decorator, cst.Name):
            bound = self.binding_value(decorator.value, self.module_scope)  # `policy = tenacity.retry(...)`
            qualname = self.imports.qualify(bound.func) if isinstance(bound, cst.Call) else None
        return func if qualname in LIBRARY_RETRY_DECORATORS else None

    def _sdk_method_site(self, record: CallRecord, func: cst.BaseExpression) -> CallSite | None:
        """The call site `record` is when `func` is an SDK method of a client (`client.messages.create`)."""
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
        # `client.beta.prompt_caching.messages`: the client is what comes before `beta`.
        chain: list[str] = []
        cur = client_node
        while isinstance(cur, cst.Attribute) and cur.attr.value != "beta" and len(chain) < 3:
            chain.insert(0, cur.attr.value)
            cur = cur.value
        extra = ""
        if isinstance(cur, cst.Attribute) and cur.attr.value == "beta":
            path.insert(0, "beta")
            extra = ".".join(["beta", *chain]) if chain else ""
            client_node = cur.value
        client = self.client_of(client_node, record.scope)
        if isinstance(client, NotClient):
            return None
        heuristic = client is None
        if heuristic and not self._heuristic_accepts(record.node):
            return None
        return CallSite(record, ".".join(path), client, client_node, heuristic, raw_response=raw, resource=extra)

    def _heuristic_accepts(self, call: cst.Call) -> bool:
        keywords = keyword_args(call)
        if "to" in keywords or "body" in keywords:  # Twilio-style messages.create
            return False
        if self.imports.imports_root("anthropic"):
            return True
        model = keywords.get("model")
        if model is not None and isinstance(model.value, cst.SimpleString):
            value = literal_value(model.value)
            if isinstance(value, str) and value.startswith("claude-"):
                return True
        return "max_tokens" in keywords and "messages" in keywords

