"""The project model: module summaries resolved across imports, re-exports and class inheritance.

A `ProjectModel` answers a qualified name (`app.llm.ask_claude`) with the
symbol a file importing it needs (analysis/symbols.py). It loads module
summaries on demand through a callback (the application layer finds the file
and computes or reads its summary), resolves `from .x import y` re-exports in
`__init__.py` files, methods inherited from base classes in other modules,
and Claude calls made through functions of other modules, transitively.
Import cycles end the search at the name being resolved; star imports and
dynamic imports are not followed (summaries do not record them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from claude_lint.analysis.symbols import (
    MODEL_SINK,
    MODEL_USES,
    PICKS,
    TEXT_PASS,
    ModelCall,
    ModelSink,
    ModelUses,
    RemoteClass,
    RemoteClient,
    RemoteConstant,
    RemoteFunction,
    RemotePicker,
    Symbol,
    TextPass,
    absolute_name,
    is_external,
    retry_from_json,
)


@dataclass(frozen=True)
class LoadedModule:
    name: str
    display: str  # the path messages show, relative to the project root
    is_package: bool  # an `__init__.py`
    summary: dict[str, Any]


Loader = Callable[[str], LoadedModule | None]
# The modules of the project that may define a subclass of a class of this (last) name.
SubclassFinder = Callable[[str], Iterable[str]]


class ProjectModel:
    """Summaries of a project's modules, resolved into symbols on demand and remembered.

    A method called on an object of a project class (`self.m()` in the class,
    `self.llm.aask()` with `llm: BaseLLM`, `client.make_request()` with
    `client: Client`) reaches Claude when the method, or a method it calls on
    the same object, makes a Claude call in the class or in any project
    subclass (an override): the object may be of any of them. Subclasses are
    found among the loaded modules and the modules `find_subclasses` names
    (the application layer scans the project's files for `class X(...Base...)`).
    """

    def __init__(self, load: Loader, find_subclasses: SubclassFinder | None = None) -> None:
        self._load = load
        self._find_subclasses = find_subclasses
        self._modules: dict[str, LoadedModule | None] = {}
        self._symbols: dict[str, Symbol | None] = {}
        self._resolving: set[str] = set()
        self._names: set[str] | None = None  # claude_names(), until a module is added or loaded
        # Loads every module of the project that makes Claude calls (set by the application layer):
        # where a name is sent as a model is known only once they all are.
        self.load_all: Callable[[], None] | None = None
        self._loaded_all = False
        self._homes: dict[str, str | None] = {}  # a name a class is known by -> where it is defined
        self._subclasses: dict[str, tuple[str, ...]] = {}
        # The classes of the loaded modules by the last name of each base: simple name ->
        # module -> [(class, base)], kept as modules load (subclasses() asks it, not every module).
        self._by_base: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self._indexed: dict[str, list[str]] = {}  # module -> the simple base names it is listed under
        self._to_index: list[str] = []  # modules added or loaded since
        self._reached: dict[tuple[str, str], RemoteFunction | None] = {}
        self._mros: dict[str, list[str]] = {}
        self._texts: dict[tuple[str, str, str], bool] = {}  # (receiver, module, function) -> returns text

    def _changed(self) -> None:
        self._symbols.clear()
        self._names = None
        self._homes.clear()
        self._subclasses.clear()
        self._reached.clear()
        self._mros.clear()
        self._texts.clear()

    def add(self, module: LoadedModule) -> None:
        """A module whose summary the caller already has."""
        if self._modules.get(module.name) == module:
            return  # loaded already from the same content (a file the prefilter skipped, read for a name): nothing changes
        self._unindex(module.name)
        self._modules[module.name] = module
        self._to_index.append(module.name)
        self._changed()

    def forget(self, name: str) -> None:
        """A module changed in a way that it has no summary now: load it again when asked."""
        self._unindex(name)
        self._modules.pop(name, None)
        self._changed()

    def _unindex(self, name: str) -> None:
        for simple in self._indexed.pop(name, ()):
            self._by_base[simple].pop(name, None)

    def _classes_with_base(self, simple: str) -> dict[str, list[tuple[str, str]]]:
        """module -> [(class, base)] for the loaded modules' classes with a base of this last name."""
        while self._to_index:
            module = self._modules.get(self._to_index.pop())
            if module is None or module.name in self._indexed:
                continue
            listed = self._indexed[module.name] = []
            for class_name, data in module.summary["classes"].items():
                for base in data["bases"]:
                    last = base.rsplit(".", 1)[-1].lstrip("~")
                    self._by_base.setdefault(last, {}).setdefault(module.name, []).append((class_name, base))
                    if last not in listed:
                        listed.append(last)
        return self._by_base.get(simple, {})

    def module(self, name: str) -> LoadedModule | None:
        if name not in self._modules:
            self._modules[name] = self._load(name)
            if self._modules[name] is not None:
                self._names = None
                self._subclasses.clear()  # the new module may hold subclasses
                self._to_index.append(name)
        return self._modules[name]

    def loaded_as(self, name: str) -> bool:
        """Whether the module `name` has a summary here already."""
        return self._modules.get(name) is not None

    def loaded(self) -> list[LoadedModule]:
        return [m for m in self._modules.values() if m is not None]

    def resolved(self) -> dict[str, Symbol]:
        """The names resolved so far that reach something (a function, a client, a class...), by qualified name."""
        return {name: found for name, found in self._symbols.items() if found is not None}

    def symbol(self, qualname: str) -> Symbol | None:
        if qualname in self._symbols:
            return self._symbols[qualname]
        if qualname in self._resolving or is_external(qualname):
            return None  # an import cycle: the name is being resolved further up
        self._resolving.add(qualname)
        try:
            found = self._resolve(qualname)
        finally:
            self._resolving.discard(qualname)
        self._symbols[qualname] = found
        return found

    def _resolve(self, qualname: str) -> Symbol | None:
        if qualname.endswith(MODEL_SINK):
            return self._model_sink(qualname[: -len(MODEL_SINK)])
        if qualname.endswith(MODEL_USES):
            return self._model_uses(qualname[: -len(MODEL_USES)])
        if qualname.endswith(TEXT_PASS):
            return self._text_pass(qualname[: -len(TEXT_PASS)])
        if qualname.endswith(PICKS):
            return self._picker(qualname[: -len(PICKS)])
        parts = qualname.split(".")
        for end in range(len(parts) - 1, 0, -1):
            module = self.module(".".join(parts[:end]))
            if module is not None:
                return self._in_module(module, parts[end:])
        return None

    def _absolute(self, module: LoadedModule, name: str) -> str | None:
        if name.startswith("~"):  # a class of the module itself
            return f"{module.name}.{name[1:]}"
        return absolute_name(name, module.name, module.is_package)

    def _in_module(self, module: LoadedModule, rest: list[str]) -> Symbol | None:
        summary = module.summary
        functions, classes = summary["functions"], summary["classes"]
        key = ".".join(rest)
        first = rest[0]
        if first in classes and len(rest) in (2, 3):
            home = f"{module.name}.{first}"
            if len(rest) == 2:  # `Class.method`, called on an object of the class (or a subclass)
                return self._dispatch(home, rest[1])
            attribute = self._attribute_class(home, rest[1])  # `Class.attr.method`
            return self._dispatch(attribute, rest[2]) if attribute is not None else None
        if key in functions:
            return self._function(module, key, functions[key])
        if len(rest) == 1 and first in summary["clients"]:
            return self._client(module, summary["clients"][first])
        if len(rest) == 1 and first in summary.get("constants", {}):
            return RemoteConstant(summary["constants"][first], module.display)
        if first in classes:
            return self._class(module, first, classes[first]) if len(rest) == 1 else None
        if first in summary["imports"]:  # a re-export: `from .llm import ask` in __init__.py
            target = self._absolute(module, summary["imports"][first])
            if target is not None:
                return self.symbol(".".join([target, *rest[1:]]))
        if len(rest) == 1:  # `from . import llm` leaves `pkg.llm` to mean the submodule
            return None
        return None

    def _client(self, module: LoadedModule, data: dict[str, Any], line: int = 0) -> RemoteClient | None:
        if "ref" in data:
            name = self._absolute(module, data["ref"])
            found = self.symbol(name) if name else None
            return found if isinstance(found, RemoteClient) else None
        line = data.get("line") or line
        where = f"{module.display}:{line}" if line else module.display
        return RemoteClient(data["cls"], data["async"], data["retries"], where)

    def _function(self, module: LoadedModule, qual: str, data: dict[str, Any]) -> Symbol | None:
        where = f"{module.display}:{data['line']}"
        if data.get("retry") is not None and not data["claude"]:
            return retry_from_json(data["retry"], where)
        calls_claude = bool(data["claude"])
        clients: list[RemoteClient] = []
        for entry in data["clients"]:
            client = self._client(module, entry)
            if client is not None and client not in clients:
                clients.append(client)
        roots = list(data["roots"])
        dispatched: list[RemoteFunction] = []  # callees that reach Claude only through an object's class
        named = calls_claude
        for ref in data["calls"]:
            name = self._absolute(module, ref)
            callee = self.symbol(name) if name else None
            if isinstance(callee, RemoteFunction) and callee.calls_claude:
                calls_claude = True
                clients.extend(c for c in callee.clients if c not in clients)
                roots.extend(r for r in callee.roots if r not in roots)
                if callee.via:
                    dispatched.append(callee)
                else:
                    named = True
        returns = data["returns"]
        request = data.get("request") or {}
        tools, thinking = request.get("tools"), request.get("thinking")
        if isinstance(returns, str) and returns.startswith("ref:"):
            name = self._absolute(module, returns[4:])
            callee = self.symbol(name) if name else None
            returns = callee.returns if isinstance(callee, RemoteFunction) else None
            if isinstance(callee, RemoteFunction):
                tools, thinking = callee.request_tools, callee.request_thinking
        factory = self._client(module, data["factory"], data["line"]) if data.get("factory") else None
        if not (calls_claude or returns or factory):
            return None
        owner = f"{module.name}.{qual.rsplit('.', 1)[0]}" if "." in qual else ""
        return RemoteFunction(
            name=qual,
            where=where,
            is_async=bool(data["async"]),
            calls_claude=calls_claude,
            clients=tuple(clients),
            returns=returns,
            returns_client=factory,
            request_tools=tools if returns else None,
            request_thinking=thinking if returns else None,
            roots=tuple(sorted(set(roots))),
            **_reached_through(dispatched[0] if dispatched and not named else None),
            returns_text=calls_claude and self._returns_text(owner, module, qual, data),
        )

    def _returns_text(self, receiver: str, module: LoadedModule, qual: str, data: dict[str, Any]) -> bool:
        """Whether a function returns Claude's reply text (its summary's "text"), for an object of
        class `receiver` ("" for a function): `self:m` is looked up from the receiver's class, so a
        subclass's override of the method that extracts the text counts."""
        key = (receiver, module.name, qual)
        if key in self._texts:
            return self._texts[key]
        self._texts[key] = False  # a cycle (recursion, mutual calls) adds nothing
        text = data.get("text")
        found = text is True
        for ref in text if isinstance(text, list) else ():
            if ref.startswith("self:"):
                definition = self._method(receiver, ref[5:]) if receiver else None
                found = definition is not None and definition[2] is not None and self._returns_text(receiver, *definition)  # type: ignore[arg-type]
            else:
                name = self._absolute(module, ref)
                callee = self.symbol(name) if name else None
                found = isinstance(callee, RemoteFunction) and callee.returns_text
            if found:
                break
        self._texts[key] = found
        return found

    def _split(self, qualname: str) -> tuple[LoadedModule, list[str]] | None:
        """The module a qualified name is in (the longest loaded prefix) and the rest of the name."""
        parts = qualname.split(".")
        for end in range(len(parts) - 1, 0, -1):
            module = self.module(".".join(parts[:end]))
            if module is not None:
                return module, parts[end:]
        return None

    def _text_pass(self, qualname: str) -> TextPass | None:
        """The parameters whose text a function or a class's method returns (summary's "passes")."""
        split = self._split(qualname)
        if split is not None:
            module, rest = split
            summary = module.summary
            entry: dict[str, Any] | None = summary["functions"].get(".".join(rest))
            if entry is None and len(rest) == 2 and rest[0] in summary["classes"]:
                definition = self._method(f"{module.name}.{rest[0]}", rest[1])  # inherited
                entry = definition[2] if definition is not None else None
            elif entry is None and rest[0] in summary["imports"]:  # a re-export
                target = self._absolute(module, summary["imports"][rest[0]])
                found = self.symbol(".".join([target, *rest[1:]]) + TEXT_PASS) if target is not None else None
                return found if isinstance(found, TextPass) else None
            if entry is None or not entry.get("passes"):
                return None
            return TextPass(".".join(rest), tuple((str(n), int(i)) for n, i in entry["passes"]))
        return None

    def _picker(self, qualname: str) -> RemotePicker | None:
        """The functions a project function returns one of (summary's "pickers"), also through a re-export."""
        split = self._split(qualname)
        if split is not None:
            module, rest = split
            summary = module.summary
            entry: dict[str, Any] | None = summary.get("pickers", {}).get(rest[0]) if len(rest) == 1 else None
            if entry is None and len(rest) == 1 and rest[0] in summary["imports"]:  # a re-export
                target = self._absolute(module, summary["imports"][rest[0]])
                found = self.symbol(target + PICKS) if target is not None else None
                return found if isinstance(found, RemotePicker) else None
            if entry is None:
                return None
            choices: list[RemoteFunction | str] = []
            for ref in entry["choices"]:
                name = self._absolute(module, ref)
                if name is None:
                    return None
                found = self.symbol(name)
                choice = found if isinstance(found, RemoteFunction) and found.calls_claude else name
                if choice not in choices:
                    choices.append(choice)
            return RemotePicker(rest[0], f"{module.display}:{entry['line']}", tuple(choices))
        return None

    def _class(self, module: LoadedModule, name: str, data: dict[str, Any]) -> RemoteClass:
        bases = tuple(b for b in (self._absolute(module, b) for b in data["bases"]) if b)
        return RemoteClass(name, f"{module.display}:{data['line']}", bases)

    def class_methods(self, qualname: str, wanted: Callable[[str], bool] | None = None) -> dict[str, RemoteFunction]:
        """The methods of a project class (its name, or a re-export of it) that reach Claude on an
        object of it or of any subclass; `wanted`: only the methods whose name it accepts, a
        `__dunder__` by the class's name (by which it is called), and no other is dispatched."""
        home = self._class_home(qualname)
        found = self._class_data(home) if home is not None else None
        if home is None or found is None:
            return {}
        methods: dict[str, RemoteFunction] = {}
        for method in found[2].get("methods", ()):
            if wanted is not None and not wanted(found[1] if method.startswith("__") else method):
                continue
            reached = self._dispatch(home, method)
            if isinstance(reached, RemoteFunction):
                methods[method] = reached
        return methods

    def _model_sink(self, qualname: str) -> ModelSink | None:
        """The arguments of a function or constructor that reach a Claude call's model (summary's "model_sinks")."""
        parts = qualname.split(".")
        for end in range(len(parts) - 1, 0, -1):
            module = self.module(".".join(parts[:end]))
            if module is not None:
                return self._sink_in(module, parts[end:])
        return None

    def _sink_in(self, module: LoadedModule, rest: list[str]) -> ModelSink | None:
        summary = module.summary
        sinks = summary.get("model_sinks", {})

        def params(entry: dict[str, list[Any]]) -> list[tuple[str, int, ModelCall]]:
            return [(name, int(index), ModelCall(qual, module.display, int(line))) for name, (index, qual, line) in sorted(entry.items())]

        key = ".".join(rest)
        if key in sinks:
            return ModelSink(key, tuple(params(sinks[key])))
        first = rest[0]
        if first in summary["classes"] and len(rest) == 1:
            found = params(sinks.get(f"{first}.__init__", {})) + params(sinks.get(first, {}))
            if found:
                return ModelSink(first, tuple(found), 1)
            for base in summary["classes"][first]["bases"]:  # a constructor inherited
                name = self._absolute(module, base)
                inherited = self.symbol(f"{name}{MODEL_SINK}") if name else None
                if isinstance(inherited, ModelSink):
                    return ModelSink(first, inherited.params, inherited.shift)
            return None
        if first in summary["imports"]:  # a re-export
            target = self._absolute(module, summary["imports"][first])
            found = self.symbol(".".join([target, *rest[1:]]) + MODEL_SINK) if target is not None else None
            return found if isinstance(found, ModelSink) else None

    # classes: where they are defined, their bases and subclasses, methods through them -------------

    def _class_home(self, qualname: str) -> str | None:
        """`pkg.Base` (a re-export) -> `pkg.base.Base`, where the class is defined; None if it is no project class."""
        if qualname in self._homes:
            return self._homes[qualname]
        self._homes[qualname] = None  # a cycle of re-exports ends here
        found: str | None = None
        parts = qualname.split(".")
        if not is_external(qualname):
            for end in range(len(parts) - 1, 0, -1):
                module = self.module(".".join(parts[:end]))
                if module is None:
                    continue
                rest = parts[end:]
                if len(rest) == 1 and rest[0] in module.summary["classes"]:
                    found = f"{module.name}.{rest[0]}"
                elif rest[0] in module.summary["imports"]:
                    target = self._absolute(module, module.summary["imports"][rest[0]])
                    found = self._class_home(".".join([target, *rest[1:]])) if target else None
                break
        self._homes[qualname] = found
        return found

    def _class_data(self, home: str) -> tuple[LoadedModule, str, dict[str, Any]] | None:
        module_name, _, name = home.rpartition(".")
        module = self.module(module_name)
        if module is None or name not in module.summary["classes"]:
            return None
        return module, name, module.summary["classes"][name]

    def _bases(self, home: str) -> list[str]:
        found = self._class_data(home)
        if found is None:
            return []
        module, _, data = found
        homes = (self._class_home(b) for b in (self._absolute(module, b) for b in data["bases"]) if b)
        return [h for h in homes if h is not None]

    def _mro(self, home: str) -> list[str]:
        """The class and its project bases, depth first, each once."""
        if home in self._mros:
            return self._mros[home]
        order: list[str] = []
        pending = [home]
        while pending:
            current = pending.pop(0)
            if current in order:
                continue
            order.append(current)
            pending[0:0] = self._bases(current)
        self._mros[home] = order
        return order

    def _method(self, home: str, method: str) -> tuple[LoadedModule, str, dict[str, Any] | None] | None:
        """The definition a call of `method` on an object of class `home` runs: (module, `Class.method`, its entry)."""
        for current in self._mro(home):
            found = self._class_data(current)
            if found is None:
                continue
            module, name, data = found
            qual = f"{name}.{method}"
            if qual in module.summary["functions"]:
                return module, qual, module.summary["functions"][qual]
            if method in data.get("methods", ()):
                return module, qual, None  # defined there, and it reaches nothing of interest
        return None

    def _attribute_class(self, home: str, attribute: str) -> str | None:
        """The class of `obj.attribute` for an object of class `home`, as the class or a base says."""
        for current in self._mro(home):
            found = self._class_data(current)
            if found is None:
                continue
            module, _, data = found
            ref = data.get("attrs", {}).get(attribute)
            if ref is not None:
                name = self._absolute(module, ref)
                return self._class_home(name) if name else None
        return None

    def subclasses(self, home: str) -> tuple[str, ...]:
        """The project classes that derive from a class, directly or not, in a stable order."""
        if home in self._subclasses:
            return self._subclasses[home]
        self._subclasses[home] = ()  # a cycle of bases ends here
        simple = home.rsplit(".", 1)[-1]
        if self._find_subclasses is not None:
            for name in self._find_subclasses(simple):
                self.module(name)  # loaded, so listed below
            self._subclasses[home] = ()  # loading cleared the cycle's end
        direct: list[str] = []
        candidates = self._classes_with_base(simple)
        for name in sorted(candidates):
            module = self._modules.get(name)
            if module is None:
                continue
            for class_name, base in list(candidates[name]):
                candidate = f"{module.name}.{class_name}"
                if candidate == home or candidate in direct:
                    continue
                absolute = self._absolute(module, base)
                if absolute is not None and self._class_home(absolute) == home:
                    direct.append(candidate)
        found = list(direct)
        for sub in direct:
            found.extend(s for s in self.subclasses(sub) if s not in found and s != home)
        self._subclasses[home] = tuple(found)
        return self._subclasses[home]

    def _reaches(self, receiver: str, method: str) -> RemoteFunction | None:
        """The function making a Claude call that `obj.method()` reaches, for an object of class `receiver`.

        Through the methods it calls on the same object (`self.m()`), each looked up
        from the receiver's class: the template method's hook, overridden below.
        """
        key = (receiver, method)
        if key in self._reached:
            return self._reached[key]
        self._reached[key] = None  # asked again while being answered (through a dispatch ref): a cycle
        found: RemoteFunction | None = None
        clients: list[RemoteClient] = []  # of every Claude call it reaches (the first is named)
        seen, pending = {method}, [method]
        while pending:
            definition = self._method(receiver, pending.pop(0))
            if definition is None or definition[2] is None:
                continue
            function = self._function(*definition)  # type: ignore[arg-type]
            if isinstance(function, RemoteFunction) and function.calls_claude:
                found = found or function
                clients.extend(c for c in function.clients if c not in clients)
                continue
            for name in definition[2].get("self", ()):
                if name not in seen:
                    seen.add(name)
                    pending.append(name)
        if found is not None and len(clients) > len(found.clients):
            found = replace(found, clients=tuple(clients))
        self._reached[key] = found
        return found

    def _receivers(self, home: str) -> Iterator[str]:
        """The class, then its subclasses (looked for only when the class itself does not answer)."""
        yield home
        yield from self.subclasses(home)

    def _dispatch(self, home: str, method: str) -> Symbol | None:
        """`obj.method()` for an object of class `home` or of any project subclass."""
        called = self._method(home, method)
        for receiver in self._receivers(home):
            reached = self._reaches(receiver, method)
            if reached is None:
                continue
            own = self._method(receiver, method)
            direct = own is not None and f"{own[0].display}:{own[2]['line'] if own[2] else 0}" == reached.where
            if receiver == home and direct:
                return replace(reached, returns_text=self._returns_text(receiver, *own))  # type: ignore[arg-type, misc]
            entry = own[2] if own is not None else None
            text = own is not None and entry is not None and self._returns_text(receiver, *own)  # type: ignore[arg-type]
            # Name the subclass that defines the reached method when it is one (any subclass of it
            # is one of those objects too): the message does not depend on which came first.
            defining = reached.name.rsplit(".", 1)[0]
            if receiver != home and any(s.rsplit(".", 1)[-1] == defining for s in self.subclasses(home)):
                receiver = f"{home}.{defining}"
            return replace(
                reached,
                is_async=bool(entry["async"]) if entry is not None else reached.is_async,
                returns=reached.returns if direct else None,
                returns_client=reached.returns_client if direct else None,
                via=method,
                receiver="" if receiver == home else receiver.rsplit(".", 1)[-1],
                returns_text=text,
            )
        if called is not None and called[2] is not None:
            return self._function(*called)  # type: ignore[arg-type]
        return None

    def _model_uses(self, qualname: str) -> ModelUses | None:
        """Where the modules of the project send `qualname` as a Claude call's model (summaries' "model_uses")."""
        if self.load_all is not None and not self._loaded_all:
            self._loaded_all = True
            self.load_all()
        found: list[tuple[str, str]] = []
        wanted = self._locate(qualname)
        for module in sorted(self.loaded(), key=lambda m: m.name):
            for name, key, qual, line in module.summary.get("model_uses", ()):
                target = self._inherited_attribute(module, name[1:]) if name.startswith("@") else self._absolute(module, name)
                if target is None or wanted is None or self._locate(self._canonical(target)) != wanted:
                    continue
                place = f"{module.display}:{line}" if line else module.display
                use = (key, f"`{qual}()` in {place}" if qual else place)
                if use not in found:
                    found.append(use)
        return ModelUses(qualname, tuple(found)) if found else None

    def _inherited_attribute(self, module: LoadedModule, path: str, depth: int = 0) -> str | None:
        """`C.config.model` of a class of `module` whose `self.config` a base class sets:
        `pkg.settings.LLMConfig.model`, from the base's "attribute_types"."""
        owner, attribute, rest = (path.split(".", 2) + ["", ""])[:3]
        if depth > 8 or not rest:
            return None
        types = module.summary.get("attribute_types", {}).get(owner, {}).get(attribute, [])
        if len(types) == 1:
            kind = types[0]
            base = f"{module.name}.{kind[1:]}" if kind.startswith(":") else self._absolute(module, kind)
            return f"{base}.{rest}" if base else None
        if types:
            return None  # several classes: not one answer
        for base in module.summary["classes"].get(owner, {}).get("bases", ()):
            name = self._absolute(module, base)
            if name is None:
                continue
            name = self._canonical(name)
            parts = name.split(".")
            for end in range(len(parts) - 1, 0, -1):
                found = self.module(".".join(parts[:end]))
                if found is not None:
                    target = self._inherited_attribute(found, ".".join([*parts[end:], attribute, rest]), depth + 1)
                    if target is not None:
                        return target
                    break
        return None

    def _locate(self, qualname: str) -> tuple[str, str] | None:
        """(the defining file, the name in it): one file may be imported under two names
        (`core.config` from the root, `config` inside a namespace package's directory)."""
        parts = qualname.split(".")
        for end in range(len(parts) - 1, 0, -1):
            module = self.module(".".join(parts[:end]))
            if module is not None:
                return module.display, ".".join(parts[end:])
        return None

    def _canonical(self, qualname: str, depth: int = 0) -> str:
        """The name where a re-exported name is defined: `app.Config.MODEL` -> `app.config.Config.MODEL`."""
        parts = qualname.split(".")
        for end in range(len(parts) - 1, 0, -1):
            module = self.module(".".join(parts[:end]))
            if module is None:
                continue
            first = parts[end]
            summary = module.summary
            if depth < 8 and first in summary["imports"] and first not in summary["classes"]:
                target = self._absolute(module, summary["imports"][first])
                if target is not None:
                    return self._canonical(".".join([target, *parts[end + 1 :]]), depth + 1)
            return qualname
        return qualname

    def claude_names(self) -> set[str]:
        """The last names of project functions and clients other files use to reach Claude.

        A file that mentions none of them (and none of the SDK's trigger strings)
        cannot call Claude through the project: the prefilter skips it.
        """
        if self._names is not None:
            return self._names
        # Resolving the names may load modules that hold more of them: ask again until none loads
        # (the symbols resolved meanwhile are kept; only new modules cost anything).
        for _ in range(8):
            known = len(self._modules)
            names = self._claude_names()
            if len(self._modules) == known:
                self._names = names
                break
        return names

    def knows_claude_names(self) -> bool:
        """Whether `claude_names()` is worked out already (no module added or loaded since)."""
        return self._names is not None

    def claude_name_among(self, words: set[str]) -> str | None:
        """One of `words` that `claude_names()` holds, found by resolving only what the loaded
        modules name by those words (each round also looks in the modules that loaded).

        None says nothing: a module loaded to resolve another name may hold one of them, and
        only `claude_names()` settles it. A file of a big project that calls its model backend's
        `run()` is let in without every class's methods dispatched over every subclass first.
        """
        if self._names is not None:
            return next((word for word in sorted(words) if word in self._names), None)
        looked: set[str] = set()
        while True:
            modules = [module for module in self.loaded() if module.name not in looked]
            if not modules:
                return None
            for module in modules:
                looked.add(module.name)
                for name in self._module_claude_names(module, words.__contains__):
                    return name

    def _claude_names(self) -> set[str]:
        names: set[str] = set()
        for module in self.loaded():
            names.update(self._module_claude_names(module))
        return names

    def _module_claude_names(self, module: LoadedModule, wanted: Callable[[str], bool] | None = None) -> Iterator[str]:
        """The names of `module` that reach Claude (`claude_names()`'s share of it); `wanted`:
        only those it accepts, and nothing else is resolved (a class's other methods are not
        dispatched)."""
        summary = module.summary
        for qual in summary["functions"]:
            last = qual.rsplit(".", 1)[-1]
            if (wanted is None or wanted(last)) and isinstance(self.symbol(f"{module.name}.{qual}"), RemoteFunction):
                yield last
        for name in summary["imports"]:  # re-exports: `from .llm import ask` in __init__.py
            if (
                module.is_package
                and (wanted is None or wanted(name))
                and isinstance(self.symbol(f"{module.name}.{name}"), RemoteFunction | RemoteClient)
            ):
                yield name
        for name in summary["clients"]:
            if (wanted is None or wanted(name)) and isinstance(self.symbol(f"{module.name}.{name}"), RemoteClient):
                yield name
        for name in summary.get("pickers", {}):  # `fn = pick(model)` may be a Claude-calling function
            if wanted is None or wanted(name):
                found = self.symbol(f"{module.name}.{name}{PICKS}")
                if isinstance(found, RemotePicker) and any(isinstance(c, RemoteFunction) for c in found.choices):
                    yield name
        for name in summary["classes"]:
            # A method is called by its name (`obj.m()`); `__call__`, `__init__`... by the class's.
            if isinstance(self.symbol(f"{module.name}.{name}"), RemoteClass):
                methods = self.class_methods(f"{module.name}.{name}", wanted)
                yield from (m for m in methods if not m.startswith("__"))
                if any(m.startswith("__") for m in methods):
                    yield name


def _reached_through(callee: RemoteFunction | None) -> dict[str, str]:
    """For a function whose every way to Claude goes through an object's class: that callee's way."""
    if callee is None:
        return {}
    return {"via": callee.via, "receiver": callee.receiver, "reaches": callee.reaches or f"`{callee.name}()` ({callee.where})"}


def own_answers(module: LoadedModule, names: Iterable[str]) -> dict[str, Symbol]:
    """The names of a module's own (`mod.Bot.ask`, for `bot.ask()` at its top level) that its own
    summary resolves: a file's first lint asks them before the project has its summary.

    Only the module itself is loaded: a name resolved through another module may come out
    otherwise than the project answers it, and the run, which checks every answer a file's
    result assumed, lints that file again (app/runner.py, `_relint_stale`).
    """
    model = ProjectModel(lambda name: module if name == module.name else None)
    return {name: found for name in names if (found := model.symbol(name)) is not None}
