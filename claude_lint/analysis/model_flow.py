"""Where the model of a Claude call comes from, beyond its own function: parameters, attributes, other modules.

`Values.request_models` gives the literals a call's `model=` can hold when
they are written in reach of the call (a constant, a default, `self.model`
set in the class). A model id is often chosen further away: passed as
`model=` to a function or constructor whose code makes the call
(`Sampler(model="claude-...")`, `sampling_loop(model=...)`), or written as a
config class's field default (`model: str = "claude-..."`) read as
`self.config.model`. This module follows those flows:

- A *sink* is a place whose value becomes the model of a Claude call: a
  parameter of a function (`model` of `Sampler.__init__`, stored as
  `self.model` and sent as `model=self.model`), or an attribute of a class's
  instances (`ModelConfig.model`). Sinks are found from the direct call
  sites backwards, through parameters, `self.x` assignments, field
  defaults, `**payload` dicts returned by a method of the class, and calls
  of the module's own functions and constructors.
- A module's summary lists its sinks (`summary_sinks`), so a call of
  `Sampler(...)` in another module learns (`ProjectView.model_sink`) which
  of its arguments reach a Claude call, and where that call is.
- `ModelFlow.reached` gives every string literal of the module that reaches
  a Claude call's model this way, with the call it reaches.

Only a value that flows is followed: a model id in a price table, a list of
supported models or a mapping nobody sends is never a sink's value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import libcst as cst

from claude_lint.analysis.model import CallRecord, FunctionInfo, ModuleModel, Scope
from claude_lint.analysis.returns import returned_values
from claude_lint.analysis.symbols import ModelCall
from claude_lint.analysis.syntax import dotted, literal_value, names_in
from claude_lint.analysis.values import Known, Values, values_for
from claude_lint.analysis.walk import walk

_MAX_DEPTH = 12
_ENV_DEFAULT_FUNCTIONS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})
# Bases and decorators whose classes take their fields as constructor keywords.
_FIELD_BASES = frozenset({"BaseModel", "BaseSettings", "NamedTuple", "TypedDict", "Struct"})
_FIELD_DECORATORS = frozenset({"dataclass", "dataclasses.dataclass", "attr.s", "attr.define", "attrs.define", "define", "frozen"})
_FIELD_FUNCTIONS = frozenset({"Field", "field", "attr.ib", "attrs.field"})


@dataclass(frozen=True, eq=False)
class Site:
    """A Claude call of this module whose model a sink's value becomes."""

    node: cst.Call
    frame: FunctionInfo | None


@dataclass(frozen=True)
class Reach:
    """A string literal that becomes the model of a Claude call: in this module (`site`) or another (`remote`)."""

    known: Known
    site: Site | None = None
    remote: str = ""  # "`sampling_loop()` in app/loop.py:12"
    call: ModelCall | None = None  # the same, when it is one function of another module


@dataclass(frozen=True)
class _Lit:
    known: Known


@dataclass(frozen=True, eq=False)
class _Param:
    func: FunctionInfo
    name: str


@dataclass(frozen=True, eq=False)
class _Attr:
    owner: Scope
    name: str


@dataclass(frozen=True)
class _Imported:
    """A name of another module of the project (`Config.MODEL`, `env_vars["model"]`): `key` "" for the value itself."""

    qualname: str
    key: str


_Source = _Lit | _Param | _Attr | _Imported
ANY_KEY = "*"  # a dict entry picked at run time


def _string(expr: cst.BaseExpression) -> str | None:
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        value = literal_value(expr)
        return value if isinstance(value, str) else None
    return None


class ModelFlow:
    """The model flows of one module; build with `model_flow(model)` (shared by rules and the summary)."""

    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self.values: Values = values_for(model)
        self.resolver = model.resolver
        self._function_of = {id(f.scope): f for f in model.functions}
        self._classes = {s.name: s for s in model.classes if s.parent is model.module_scope}
        # Sinks found: (kind, id, name) -> (the sink, where its call is).
        self.params: dict[tuple[int, str], tuple[FunctionInfo, str, Site | str]] = {}
        self.attrs: dict[tuple[int, str], tuple[Scope, str, Site | str]] = {}
        self.reaches: list[Reach] = []
        self._reached: set[int] = set()
        # Names of other modules whose value becomes a call's model here.
        self.uses: list[tuple[_Imported, Site]] = []
        self._used: set[tuple[_Imported, int]] = set()
        self._dotted: dict[str, list[tuple[cst.BaseExpression, Scope]]] | None = None
        # id(a name's bindings) -> (them, whether a string literal is among what they hold): `remote`
        # asks of each argument of each call of another module's function (`json.loads(text)` x 3,000).
        self._literal_names: dict[int, tuple[list[tuple[cst.BaseExpression, Scope]], bool]] = {}
        # (id(a name's bindings), key) -> the entries `key` of the dicts the calls bound to it return.
        self._entries: dict[tuple[int, str], list[tuple[cst.BaseExpression, Scope]]] = {}
        self._fields: dict[tuple[int, str], list[tuple[cst.BaseExpression, Scope]]] | None = None
        # A name read at many calls (`MODEL` rebound and sent by thousands): its trace depends on its
        # bindings alone, and what it finds reaches the first call that sends it (the first call
        # wins), except names of other modules, kept per call; a name whose trace found none of
        # those is not traced again for the next call reading the same bindings.
        traced: set[int] = set()
        for site in model.direct_call_sites:
            where = Site(site.node, site.frame)
            for expr, scope in self._model_exprs(site.record):
                bound = self.values._lookup(expr.value, scope)[0] if isinstance(expr, cst.Name) else None
                if bound and id(bound) in traced:
                    continue
                imported = False
                for source in self.trace(expr, scope):
                    imported = imported or isinstance(source, _Imported)
                    self._handle(source, where)
                if bound and not imported:
                    traced.add(id(bound))

    # -- the model expressions of a call --------------------------------------------

    def _model_exprs(self, record: CallRecord) -> Iterator[tuple[cst.BaseExpression, Scope]]:
        arguments = self.values.arguments(record.node, record.scope)
        item = arguments.keywords.get("model")
        if item is not None:
            yield item.expr, item.scope
            return
        for arg in record.node.args:  # `create(**payload)`, payload returned by a method of the class
            if arg.star == "**":
                yield from self._returned_entry(arg.value, record.scope, "model")

    def _returned_entry(self, expr: cst.BaseExpression, scope: Scope, key: str) -> Iterator[tuple[cst.BaseExpression, Scope]]:
        if isinstance(expr, cst.Name):
            bound, _, _ = self.values._lookup(expr.value, scope)
            if not bound:
                return
            # `create(**kw)` at each of thousands of calls, `kw = dict(kw, ...)` before each: the
            # entries depend on the name's bindings alone, found once (each entry once).
            found = self._entries.get((id(bound), key))
            if found is None:
                entries = {
                    id(entry): (entry, where)
                    for value, bound_scope in bound if isinstance(value, cst.Call)
                    for entry, where in self._returned_entry(value, bound_scope, key)
                }
                found = self._entries[(id(bound), key)] = list(entries.values())
            yield from found
            return
        if not isinstance(expr, cst.Call):
            return
        target = self.resolver.function_for(expr.func, scope)
        if target is None:
            return
        for value in returned_values(target):
            mapping = self.values.mapping(value, target.scope)
            if mapping is not None and key in mapping.entries:
                entry = mapping.entries[key]
                yield entry.expr, entry.scope

    # -- tracing an expression back to its sources ----------------------------------

    def trace(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> Iterator[_Source]:
        """Literals, parameters and instance attributes whose value `expr` can take."""
        if depth > _MAX_DEPTH:
            return
        text = _string(expr)
        if text is not None:
            yield _Lit(Known(text, expr))
            return
        if isinstance(expr, cst.Name):
            bound, _, where = self.values._lookup(expr.value, scope)
            if where is not None and where.kind == "function" and expr.value in self.values.facts(where).params:
                func = self._function_of.get(id(where))
                if func is not None:
                    yield _Param(func, expr.value)
            for value, value_scope in bound:
                yield from self.trace(value, value_scope, depth + 1)
            if not bound and self._imported(expr.value, scope):
                yield _Imported(self.model.qualify(expr) or "", "")
        elif isinstance(expr, cst.IfExp):
            yield from self.trace(expr.body, scope, depth + 1)
            yield from self.trace(expr.orelse, scope, depth + 1)
        elif isinstance(expr, cst.BooleanOperation):
            yield from self.trace(expr.left, scope, depth + 1)
            yield from self.trace(expr.right, scope, depth + 1)
        elif isinstance(expr, cst.Call):
            if self.model.qualify(expr.func) in _ENV_DEFAULT_FUNCTIONS and len(expr.args) >= 2:
                yield from self.trace(expr.args[1].value, scope, depth + 1)
        elif isinstance(expr, cst.Attribute):
            name = dotted(expr)
            if dotted(expr.value) in ("self", "cls"):
                owner = scope.class_scope
                if owner is not None:
                    yield _Attr(owner, expr.attr.value)
            elif name is not None and self._imported(name.split(".", 1)[0], scope):
                stores = self._stores().get(name)
                if stores:  # state kept on an imported object (`st.session_state.model = ...`), set in this module
                    for value, value_scope in stores:
                        yield from self.trace(value, value_scope, depth + 1)
                else:  # a constant or class attribute of another module (`Config.MODEL`)
                    yield _Imported(self.model.qualify(expr) or "", "")
            elif isinstance(expr.value, cst.Name) and self._class_named(expr.value) is not None:
                owner = self._class_named(expr.value)  # `Config.MODEL`, the class of this module
                assert owner is not None
                for value in owner.bindings.get(expr.attr.value, ()):
                    yield from self.trace(value, owner, depth + 1)
            else:
                for owner in self.instances(expr.value, scope, depth + 1):
                    if isinstance(owner, Scope):
                        yield _Attr(owner, expr.attr.value)
                    else:  # an attribute of an instance of another module's class
                        yield _Imported(f"{owner}.{expr.attr.value}", "")
        elif isinstance(expr, cst.Subscript):
            yield from self._trace_subscript(expr, scope, depth)

    def _imported(self, head: str, scope: Scope) -> bool:
        return head in self.model.imports.names and not self.resolver.bound_locally(head, scope)

    def _stores(self) -> dict[str, list[tuple[cst.BaseExpression, Scope]]]:
        """Assignments in this module to attributes of imported objects, by dotted target."""
        if self._dotted is None:
            collector = _DottedStores(set(self.model.imports.names), {id(f.node): f.scope for f in self.model.functions}, self.model.module_scope)
            walk(self.model.module, collector)  # not libcst's visit: it rebuilds every node
            self._dotted = collector.found
        return self._dotted

    def _trace_subscript(self, expr: cst.Subscript, scope: Scope, depth: int) -> Iterator[_Source]:
        if len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
            return
        key = self.values.single(expr.slice[0].slice.value, scope)
        name = dotted(expr.value)
        if name is not None and self._imported(name.split(".", 1)[0], scope) and not self._stores().get(name):
            text = key.value if key is not None and isinstance(key.value, str) else ANY_KEY
            yield _Imported(self.model.qualify(expr.value) or "", text)
            return
        if key is not None and isinstance(key.value, str):
            mapping = self.values.mapping(expr.value, scope)
            item = mapping.entries.get(key.value) if mapping is not None else None
            if item is not None:
                yield from self.trace(item.expr, item.scope, depth + 1)
            return
        # A key chosen at run time (`DEFAULTS[provider]`): each value of the dict can be sent.
        for value, value_scope in self._dict_values(expr.value, scope):
            yield from self.trace(value, value_scope, depth + 1)

    def _dict_values(self, expr: cst.BaseExpression, scope: Scope) -> list[tuple[cst.BaseExpression, Scope]]:
        if isinstance(expr, cst.Name):
            bound, _, _ = self.values._lookup(expr.value, scope)
            return self._dict_values(*bound[0]) if len(bound) == 1 and isinstance(bound[0][0], cst.Dict) else []
        if isinstance(expr, cst.Dict):
            return [(e.value, scope) for e in expr.elements if isinstance(e, cst.DictElement)]
        return []

    def instances(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> Iterator[Scope | str]:
        """Classes whose instances `expr` can hold (constructed, or by annotation): a class of this module,
        or the qualified name of one of another module; `@C.attr` for an attribute a class of this module
        inherits from a base class (the project model finds its type)."""
        if depth > _MAX_DEPTH:
            return
        if isinstance(expr, cst.Call):
            yield from self._class_of(expr.func, scope)
        elif isinstance(expr, cst.Name):
            bound, _, where = self.values._lookup(expr.value, scope)
            if where is not None and where.kind == "function":
                param = self.values.facts(where).params.get(expr.value)
                if param is not None and param.annotation is not None:
                    yield from self._annotated(param.annotation.annotation, scope)
            for value, value_scope in bound:
                yield from self.instances(value, value_scope, depth + 1)
        elif isinstance(expr, (cst.IfExp, cst.BooleanOperation)):
            left, right = (expr.body, expr.orelse) if isinstance(expr, cst.IfExp) else (expr.left, expr.right)
            yield from self.instances(left, scope, depth + 1)
            yield from self.instances(right, scope, depth + 1)
        elif isinstance(expr, cst.Attribute) and dotted(expr.value) in ("self", "cls"):
            owner = scope.class_scope
            if owner is None:
                return
            name = expr.attr.value
            bound = owner.bindings.get(f"self.{name}", ())
            for value in bound:
                yield from self.instances(value, self.values._method_scope_for(owner, value), depth + 1)
            annotation = owner.annotations.get(name) or owner.annotations.get(f"self.{name}")
            if annotation is not None:
                yield from self._annotated(annotation, owner)
            elif not bound and owner.parent is self.model.module_scope and name not in owner.bindings:
                yield f"@{owner.name}.{name}"  # set by a base class

    def _class_of(self, expr: cst.BaseExpression, scope: Scope) -> Iterator[Scope | str]:
        owner = self._class_named(expr)
        if owner is not None:
            yield owner
            return
        name = dotted(expr)
        if name is not None and self._imported(name.split(".", 1)[0], scope):
            qualname = self.model.qualify(expr)
            if qualname and qualname.rsplit(".", 1)[-1][:1].isupper():  # a class, by Python's naming habit
                yield qualname

    def _annotated(self, annotation: cst.BaseExpression, scope: Scope) -> Iterator[Scope | str]:
        """`ModelConfig`, `ModelConfig | None`, `Optional[ModelConfig]`, `"ModelConfig"`."""
        if isinstance(annotation, cst.BinaryOperation):
            yield from self._annotated(annotation.left, scope)
            yield from self._annotated(annotation.right, scope)
        elif isinstance(annotation, cst.Subscript) and dotted(annotation.value) in ("Optional", "typing.Optional"):
            for element in annotation.slice:
                if isinstance(element.slice, cst.Index):
                    yield from self._annotated(element.slice.value, scope)
        elif isinstance(annotation, cst.SimpleString):
            owner = self._class_named(annotation)
            if owner is not None:
                yield owner
        else:
            yield from self._class_of(annotation, scope)

    def _class_named(self, expr: cst.BaseExpression) -> Scope | None:
        if isinstance(expr, cst.SimpleString):
            text = _string(expr)
            return self._classes.get(text) if text else None
        if isinstance(expr, cst.Name) and expr.value not in self.model.imports.names:
            return self._classes.get(expr.value)
        return None

    # -- sinks ------------------------------------------------------------------

    def _handle(self, source: _Source, where: Site | str) -> None:
        if isinstance(source, _Lit):
            if id(source.known.node) not in self._reached:
                self._reached.add(id(source.known.node))
                self.reaches.append(Reach(source.known, where) if isinstance(where, Site) else Reach(source.known, remote=where))
        elif isinstance(source, _Imported):
            if isinstance(where, Site) and source.qualname and (source, id(where)) not in self._used:
                self._used.add((source, id(where)))
                self.uses.append((source, where))
        elif isinstance(source, _Param):
            key = (id(source.func), source.name)
            if key in self.params:
                return
            self.params[key] = (source.func, source.name, where)
            self._callers(source.func, source.name, where)
        else:
            key = (id(source.owner), source.name)
            if key in self.attrs:
                return
            self.attrs[key] = (source.owner, source.name, where)
            self._attribute_values(source.owner, source.name, where)

    def _attribute_values(self, owner: Scope, name: str, where: Site | str) -> None:
        for value in owner.bindings.get(f"self.{name}", ()):
            for source in self.trace(value, self.values._method_scope_for(owner, value)):
                self._handle(source, where)
        for value in owner.bindings.get(name, ()):  # a class attribute or a field's default
            if isinstance(value, cst.Call) and (dotted(value.func) or "") in _FIELD_FUNCTIONS:
                value = next((a.value for a in value.args if a.keyword is not None and a.keyword.value == "default"), value)
            for source in self.trace(value, owner):
                self._handle(source, where)
        if self._takes_fields(owner):
            for value, scope in self._field_arguments().get((id(owner), name), ()):
                for source in self.trace(value, scope):
                    self._handle(source, where)

    def _field_arguments(self) -> dict[tuple[int, str], list[tuple[cst.BaseExpression, Scope]]]:
        """The keyword arguments of the calls constructing each class of this module (`Config(model=...)`,
        `cls(...)` in its methods), by (id(class scope), keyword), in order: found in one pass over the
        calls, not one for each of a dataclass's thousands of fields."""
        if self._fields is None:
            self._fields = {}
            for record in self.model.calls:
                func = record.node.func
                named = self._class_named(func)
                owners = [named] if named is not None else []
                enclosing = record.scope.class_scope
                if dotted(func) == "cls" and enclosing is not None and enclosing is not named:
                    owners.append(enclosing)
                for owner in owners:
                    for arg in record.node.args:
                        if arg.keyword is not None:
                            self._fields.setdefault((id(owner), arg.keyword.value), []).append((arg.value, record.scope))
        return self._fields

    def _takes_fields(self, owner: Scope, depth: int = 0) -> bool:
        """A class whose generated constructor takes its fields (a dataclass, a pydantic model)."""
        node = owner.node
        if not isinstance(node, cst.ClassDef) or "__init__" in owner.functions or depth > 8:
            return False
        for decorator in node.decorators:
            expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
            if (self.model.qualify(expr) or dotted(expr) or "") in _FIELD_DECORATORS or (dotted(expr) or "").endswith("dataclass"):
                return True
        for base in node.bases:
            local = self._class_named(base.value)
            if local is not None and self._takes_fields(local, depth + 1):
                return True
            name = self.model.qualify(base.value) or dotted(base.value) or ""
            if name.rsplit(".", 1)[-1] in _FIELD_BASES:
                return True
        return False

    def _callers(self, func: FunctionInfo, name: str, where: Site | str) -> None:
        index = _position(func, name)
        owner = func.scope.parent
        is_method = owner is not None and owner.kind == "class"
        constructor = is_method and func.name == "__init__"
        for record in self.model.calls:
            call = record.node
            if constructor:
                if self._class_named(call.func) is not owner:
                    continue
                shift = 1
            else:
                if self.resolver.function_for(call.func, record.scope) is not func:
                    continue
                shift = 1 if is_method and isinstance(call.func, cst.Attribute) else 0
            arg = _argument(call, name, index - shift if index >= 0 else -1)
            if arg is not None:
                for source in self.trace(arg, record.scope):
                    self._handle(source, where)

    # -- what other modules learn -----------------------------------------------

    def summary_sinks(self, lines: dict[int, int]) -> dict[str, dict[str, list[Any]]]:
        """`{"f" | "C.m" | "C": {param or field: [position, "C.m", def line]}}`: the sinks other modules can reach.

        A class's entry lists the fields its generated constructor takes; the
        last two items name the function making the Claude call (`lines`: the
        def line of each function, by id).
        """
        out: dict[str, dict[str, list[Any]]] = {}

        def call(where: Site) -> list[Any]:
            frame = self._named(where.frame)
            qual = frame.qualname if frame is not None else None
            return [qual or "", lines.get(id(frame), 0) if frame is not None else 0]

        for func, name, where in self.params.values():
            qual = func.qualname
            if qual is not None and isinstance(where, Site):
                out.setdefault(qual, {})[name] = [_position(func, name), *call(where)]
        for owner, name, where in self.attrs.values():
            if owner.parent is self.model.module_scope and isinstance(where, Site) and self._takes_fields(owner):
                out.setdefault(owner.name, {})[name] = [-1, *call(where)]
        return out

    def _named(self, frame: FunctionInfo | None) -> FunctionInfo | None:
        """The function messages name for a call in `frame`: a nested function's enclosing one."""
        while frame is not None and frame.qualname is None:
            parent = frame.scope.parent
            frame = self._function_of.get(id(parent)) if parent is not None else None
        return frame

    def summary_uses(self, lines: dict[int, int]) -> list[list[Any]]:
        """`[[qualified name, key, "C.m", def line], ...]`: names of other modules this module sends as a model."""
        out = []
        for source, where in self.uses:
            frame = self._named(where.frame)
            entry = [source.qualname, source.key, (frame.qualname or "") if frame else "", lines.get(id(frame), 0) if frame else 0]
            if entry not in out:
                out.append(entry)
        return out

    def summary_types(self) -> dict[str, dict[str, list[str]]]:
        """`{"C": {"config": ["pkg.settings.LLMConfig", ":Local"]}}`: classes of the instances an attribute holds.

        Read from annotations (`config: LLMConfig` in the class body or on the
        `__init__` parameter stored as `self.config`) and constructor calls, so a
        subclass in another module reading `self.config.model` is understood.
        """
        out: dict[str, dict[str, list[str]]] = {}
        for owner in self._classes.values():
            found: dict[str, list[str]] = {}
            for key, annotation in owner.annotations.items():
                name = key.removeprefix("self.")
                found.setdefault(name, []).extend(self._type_names(self._annotated(annotation, owner)))
            # The methods annotating each name (thousands of methods setting `self.client = client`:
            # not every method asked about every value).
            annotating: dict[str, list[Scope]] = {}
            for method in owner.functions.values():
                for name in method.scope.annotations:
                    annotating.setdefault(name, []).append(method.scope)
            for key, bound in owner.bindings.items():
                if not key.startswith("self."):
                    continue
                for value in bound:
                    where = owner
                    if isinstance(value, (cst.Name, cst.BooleanOperation, cst.IfExp)):  # a parameter's annotation
                        named = _two_of(scope for name in names_in(value) for scope in annotating.get(name, ()))
                        # (No method annotates these names: nothing to find there; several: the one holding it.)
                        if named:
                            where = named[0] if len(named) == 1 else self.values._method_scope_for(owner, value)
                    found.setdefault(key[5:], []).extend(self._type_names(self._shallow_types(value, where)))
            found = {name: sorted(set(types)) for name, types in found.items() if types}
            if found:
                out[owner.name] = found
        return out

    def _shallow_types(self, value: cst.BaseExpression, scope: Scope) -> Iterator[Scope | str]:
        """Classes `value` holds, from this expression alone (a constructor call, an annotated parameter)."""
        if isinstance(value, cst.Call):
            yield from self._class_of(value.func, scope)
        elif isinstance(value, cst.Name) and value.value in scope.annotations:
            yield from self._annotated(scope.annotations[value.value], scope)
        elif isinstance(value, (cst.IfExp, cst.BooleanOperation)):
            left, right = (value.body, value.orelse) if isinstance(value, cst.IfExp) else (value.left, value.right)
            yield from self._shallow_types(left, scope)
            yield from self._shallow_types(right, scope)

    @staticmethod
    def _type_names(types: Iterator[Scope | str]) -> list[str]:
        return [f":{t.name}" if isinstance(t, Scope) else t for t in types if not (isinstance(t, str) and t.startswith("@"))]

    def attribute_reaches(self, owner_name: str, name: str, where: str) -> list[Reach]:
        """Literals that reach attribute `name` of class `owner_name` of this module, which another module sends."""
        owner = self._classes.get(owner_name)
        if owner is None:
            return []
        before = len(self.reaches)
        self._handle(_Attr(owner, name), where)
        return self.reaches[before:]

    def fields(self) -> list[tuple[str, str]]:
        """(class, attribute) for the annotated attributes of this module's classes: what instances hold."""
        return [
            (owner.name, key)
            for owner in self._classes.values()
            for key in owner.annotations
            if "." not in key
        ]

    def exported(self) -> list[tuple[str, str, Known]]:
        """String literals other modules can import: (`NAME` or `Class.ATTR`, dict key or "", the literal)."""
        found: list[tuple[str, str, Known]] = []
        module = self.model.module_scope
        for name, bound in module.bindings.items():
            for value in bound:
                found.extend((name, "", s.known) for s in self.trace(value, module) if isinstance(s, _Lit))
                if isinstance(value, cst.Dict):
                    mapping = self.values.mapping(value, module)
                    for key, item in (mapping.entries.items() if mapping is not None else ()):
                        found.extend((name, key, s.known) for s in self.trace(item.expr, item.scope) if isinstance(s, _Lit))
        for owner in self._classes.values():
            for name, bound in owner.bindings.items():
                if "." in name:
                    continue
                for value in bound:
                    if isinstance(value, cst.Call) and (dotted(value.func) or "") in _FIELD_FUNCTIONS:
                        value = next((a.value for a in value.args if a.keyword is not None and a.keyword.value == "default"), value)
                    found.extend((f"{owner.name}.{name}", "", s.known) for s in self.trace(value, owner) if isinstance(s, _Lit))
        return found

    def _holds_literal(self, expr: cst.BaseExpression, scope: Scope) -> bool:
        """Whether a string literal is among the values `expr` can take; for a name, asked once for its bindings."""
        bound = self.values._lookup(expr.value, scope)[0] if isinstance(expr, cst.Name) else None
        if not bound:
            return any(isinstance(s, _Lit) for s in self.trace(expr, scope))
        known = self._literal_names.get(id(bound))
        if known is None or known[0] is not bound:
            known = self._literal_names[id(bound)] = (bound, any(isinstance(s, _Lit) for s in self.trace(expr, scope)))
        return known[1]

    def remote(self) -> list[Reach]:
        """Literals passed to a function or constructor of another module whose argument reaches a Claude call."""
        found: list[Reach] = []
        project = self.resolver.project
        for record in self.model.calls:
            func = record.node.func
            name = dotted(func)
            if name is None or name.split(".", 1)[0] not in self.model.imports.names:
                continue
            if self.resolver.bound_locally(name.split(".", 1)[0], record.scope):
                continue
            # Ask the project only about calls given a string literal (most calls are not).
            if not any(self._holds_literal(arg.value, record.scope) for arg in record.node.args if not arg.star):
                continue
            sink = project.model_sink(self.model.qualify(func))
            if sink is None:
                continue
            for param, index, where in sink.params:
                arg = _argument(record.node, param, index - sink.shift if index >= 0 else -1)
                if arg is None:
                    continue
                for source in self.trace(arg, record.scope):
                    if isinstance(source, _Lit):
                        found.append(Reach(source.known, remote=where.label, call=where))
        return found


def _position(func: FunctionInfo, name: str) -> int:
    """A parameter's position (counting `self`), or -1 for a keyword-only one."""
    params = func.node.params
    positional = [*params.posonly_params, *params.params]
    return next((i for i, p in enumerate(positional) if p.name.value == name), -1)


def _argument(call: cst.Call, name: str, index: int) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    if index < 0:
        return None
    position = 0
    for arg in call.args:
        if arg.star or arg.keyword is not None:
            if arg.star == "*":
                return None
            continue
        if position == index:
            return arg.value
        position += 1
    return None


class _DottedStores(cst.CSTVisitor):
    """`st.session_state.model = value`: assignments to attributes of imported names, with their function's scope."""

    def __init__(self, heads: set[str], scopes: dict[int, Scope], module_scope: Scope) -> None:
        self.heads = heads
        self.scopes = scopes
        self.stack = [module_scope]
        self.found: dict[str, list[tuple[cst.BaseExpression, Scope]]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.append(self.scopes.get(id(node), self.stack[-1]))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.stack.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = dotted(target.target) if isinstance(target.target, cst.Attribute) else None
            if name is not None and name.split(".", 1)[0] in self.heads:
                self.found.setdefault(name, []).append((node.value, self.stack[-1]))


def _two_of(scopes: Iterator[Scope]) -> list[Scope]:
    """The first two different scopes of `scopes` (fewer when there are not two)."""
    found: list[Scope] = []
    for scope in scopes:
        if not found or scope is not found[0]:
            found.append(scope)
            if len(found) == 2:
                break
    return found


def model_flow(model: ModuleModel) -> ModelFlow:
    """The one `ModelFlow` of a module model, shared by the rules and the summary."""
    return model.shared(ModelFlow)
