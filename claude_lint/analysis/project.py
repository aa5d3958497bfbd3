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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from claude_lint.analysis.symbols import (
    MODEL_SINK,
    MODEL_USES,
    ModelSink,
    ModelUses,
    RemoteClass,
    RemoteClient,
    RemoteFunction,
    Symbol,
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


class ProjectModel:
    """Summaries of a project's modules, resolved into symbols on demand and remembered."""

    def __init__(self, load: Loader) -> None:
        self._load = load
        self._modules: dict[str, LoadedModule | None] = {}
        self._symbols: dict[str, Symbol | None] = {}
        self._resolving: set[str] = set()
        self._names: set[str] | None = None  # claude_names(), until a module is added or loaded
        # Loads every module of the project that makes Claude calls (set by the application layer):
        # where a name is sent as a model is known only once they all are.
        self.load_all: Callable[[], None] | None = None
        self._loaded_all = False

    def add(self, module: LoadedModule) -> None:
        """A module whose summary the caller already has."""
        self._modules[module.name] = module
        self._symbols.clear()
        self._names = None

    def forget(self, name: str) -> None:
        """A module changed in a way that it has no summary now: load it again when asked."""
        self._modules.pop(name, None)
        self._symbols.clear()
        self._names = None

    def module(self, name: str) -> LoadedModule | None:
        if name not in self._modules:
            self._modules[name] = self._load(name)
            if self._modules[name] is not None:
                self._names = None
        return self._modules[name]

    def loaded_as(self, name: str) -> bool:
        """Whether the module `name` has a summary here already."""
        return self._modules.get(name) is not None

    def loaded(self) -> list[LoadedModule]:
        return [m for m in self._modules.values() if m is not None]

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
        parts = qualname.split(".")
        for end in range(len(parts) - 1, 0, -1):
            module = self.module(".".join(parts[:end]))
            if module is not None:
                return self._in_module(module, parts[end:])
        return None

    def _absolute(self, module: LoadedModule, name: str) -> str | None:
        return absolute_name(name, module.name, module.is_package)

    def _in_module(self, module: LoadedModule, rest: list[str]) -> Symbol | None:
        summary = module.summary
        functions, classes = summary["functions"], summary["classes"]
        key = ".".join(rest)
        if key in functions:
            return self._function(module, key, functions[key])
        first = rest[0]
        if len(rest) == 1 and first in summary["clients"]:
            return self._client(module, summary["clients"][first])
        if first in classes:
            if len(rest) == 1:
                return self._class(module, first, classes[first])
            if len(rest) == 2:
                for base in classes[first]["bases"]:  # inherited from a base class
                    name = self._absolute(module, base)
                    found = self.symbol(f"{name}.{rest[1]}") if name else None
                    if found is not None:
                        return found
            return None
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
        for ref in data["calls"]:
            name = self._absolute(module, ref)
            callee = self.symbol(name) if name else None
            if isinstance(callee, RemoteFunction) and callee.calls_claude:
                calls_claude = True
                clients.extend(c for c in callee.clients if c not in clients)
                roots.extend(r for r in callee.roots if r not in roots)
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
        )

    def _class(self, module: LoadedModule, name: str, data: dict[str, Any]) -> RemoteClass:
        bases = tuple(b for b in (self._absolute(module, b) for b in data["bases"]) if b)
        methods: dict[str, RemoteFunction] = {}
        prefix = name + "."
        for qual, entry in module.summary["functions"].items():
            if qual.startswith(prefix):
                found = self._function(module, qual, entry)
                if isinstance(found, RemoteFunction):
                    methods[qual[len(prefix):]] = found
        return RemoteClass(name, f"{module.display}:{data['line']}", bases, methods)

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

        def params(entry: dict[str, list[Any]]) -> list[tuple[str, int, str]]:
            out = []
            for name, (index, qual, line) in sorted(entry.items()):
                place = f"{module.display}:{line}" if line else module.display
                out.append((name, int(index), f"`{qual}()` in {place}" if qual else place))
            return out

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
        known = len(self._modules)
        names: set[str] = set()
        for module in self.loaded():
            summary = module.summary
            for qual in summary["functions"]:
                found = self.symbol(f"{module.name}.{qual}")
                if isinstance(found, RemoteFunction):
                    names.add(qual.rsplit(".", 1)[-1])
            for name in summary["imports"]:  # re-exports: `from .llm import ask` in __init__.py
                if module.is_package and isinstance(self.symbol(f"{module.name}.{name}"), RemoteFunction | RemoteClient):
                    names.add(name)
            for name in summary["clients"]:
                if isinstance(self.symbol(f"{module.name}.{name}"), RemoteClient):
                    names.add(name)
            for name in summary["classes"]:
                found = self.symbol(f"{module.name}.{name}")
                if isinstance(found, RemoteClass) and found.methods:
                    names.add(name)
        if len(self._modules) == known:  # resolving the names loaded no module: the answer holds
            self._names = names
        return names
