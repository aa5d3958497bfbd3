"""Generate `Knowledge` by reading an `anthropic` package directory with `ast`.

The SDK is never imported (that costs seconds and may not even work in the linter's
environment): its modules are parsed and names are resolved statically, following
`from x import y`, `import x`, `from x import *`, aliases and re-exports. The layouts
of 0.40 (flat resources, `_make_status_error` if-chains, retry on transport errors in
`except` blocks), 0.121 (class `status_code` attributes, `_should_retry_exception`)
and 2.x (`ERROR_CLASSES` in `_error_classes.py`, error-code subclasses under
`types/`, `_data/deprecated_models.py`) are all understood.
"""

from __future__ import annotations

import ast
import builtins
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import cast

from claude_lint.sdk.knowledge import ExceptionInfo, Knowledge, KnowledgeError, MethodInfo

__all__ = ["SourceLayoutError", "generate_from_source"]

# Resource subtrees whose methods the rules check; everything else is left out to keep
# the knowledge small and quick to load.
METHOD_ROOTS = ("messages", "completions", "beta.messages")

# The base client classes every SDK client (Anthropic, bedrock, vertex...) derives from.
SYNC_CLIENT_BASE = "SyncAPIClient"
ASYNC_CLIENT_BASE = "AsyncAPIClient"

_MONTHS = {
    name: index
    for index, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}


class SourceLayoutError(KnowledgeError):
    """The package does not look like any anthropic SDK layout we know."""


# -- static name resolution --------------------------------------------------------


@dataclass(frozen=True)
class ClassRef:
    module: str
    node: ast.ClassDef

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.module, self.node.name, self.node.lineno)


@dataclass(frozen=True)
class ModuleRef:
    module: str


@dataclass(frozen=True)
class ValueRef:
    module: str
    node: ast.expr


@dataclass(frozen=True)
class FuncRef:
    module: str
    node: ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class ExternalRef:
    qualname: str  # "builtins.Exception", "httpx.Timeout"


Target = ClassRef | ModuleRef | ValueRef | FuncRef | ExternalRef

# A name binding in a module: (kind, payload). Kinds: "from" (module, name),
# "module" (module), "class", "func", "value" (expr).
Binding = tuple[str, object]


@dataclass
class _Module:
    name: str
    is_package: bool
    tree: ast.Module
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)


class SourceTree:
    """Lazily parsed modules of one package, with static name resolution."""

    def __init__(self, package_dir: Path) -> None:
        self.root = package_dir
        self.package = package_dir.name
        self._modules: dict[str, _Module | None] = {}

    # modules

    def module(self, name: str) -> _Module | None:
        if name not in self._modules:
            self._modules[name] = self._parse(name)
        return self._modules[name]

    def _path(self, name: str) -> tuple[Path, bool] | None:
        if name != self.package and not name.startswith(self.package + "."):
            return None
        rel = name.split(".")[1:]
        base = self.root.joinpath(*rel)
        if (base / "__init__.py").is_file():
            return base / "__init__.py", True
        file = base.with_suffix(".py") if rel else None
        if file is not None and file.is_file():
            return file, False
        return None

    def _parse(self, name: str) -> _Module | None:
        found = self._path(name)
        if found is None:
            return None
        path, is_package = found
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        mod = _Module(name, is_package, tree)
        for stmt in _module_statements(tree.body):
            self._bind(mod, stmt)
        return mod

    def _bind(self, mod: _Module, stmt: ast.stmt) -> None:
        add = mod.bindings.setdefault
        if isinstance(stmt, ast.ImportFrom):
            source = self._absolute(mod, stmt.module, stmt.level)
            for alias in stmt.names:
                if alias.name == "*":
                    mod.stars.append(source)
                else:
                    add(alias.asname or alias.name, []).append(("from", (source, alias.name)))
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    add(alias.asname, []).append(("module", alias.name))
                else:
                    top = alias.name.split(".")[0]
                    add(top, []).append(("module", top))
        elif isinstance(stmt, ast.ClassDef):
            add(stmt.name, []).append(("class", stmt))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(stmt.name, []).append(("func", stmt))
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name):
                add(target.id, []).append(("value", stmt.value))
        elif (
            isinstance(stmt, ast.AnnAssign)
            and stmt.value is not None
            and isinstance(stmt.target, ast.Name)
        ):
            add(stmt.target.id, []).append(("value", stmt.value))

    def _absolute(self, mod: _Module, module: str | None, level: int) -> str:
        if level == 0:
            return module or ""
        parts = mod.name.split(".")
        if not mod.is_package:
            parts = parts[:-1]
        parts = parts[: len(parts) - (level - 1)] if level > 1 else parts
        return ".".join(parts + ([module] if module else []))

    def exported_names(self, module: str, _seen: frozenset[str] = frozenset()) -> list[str]:
        """Names `from module import *` binds: `__all__` if literal, else public names."""
        mod = self.module(module)
        if mod is None or module in _seen:
            return []
        declared = _string_list(mod, "__all__")
        if declared is not None:
            return declared
        names = [n for n in mod.bindings if not n.startswith("_")]
        for star in mod.stars:
            names += self.exported_names(star, _seen | {module})
        return list(dict.fromkeys(names))

    def namespace(self, module: str) -> list[str]:
        """Every name bound at module level, including those from star imports."""
        mod = self.module(module)
        if mod is None:
            return []
        names = list(mod.bindings)
        for star in mod.stars:
            names += self.exported_names(star)
        return list(dict.fromkeys(names))

    # resolution

    def resolve(self, module: str, name: str, _depth: int = 0) -> Target | None:
        """What `name` in `module` refers to, following imports and aliases."""
        if _depth > 50:  # import cycles in a corrupt tree
            return None
        mod = self.module(module)
        if mod is None:
            return ExternalRef(f"{module}.{name}") if not self._is_internal(module) else None
        for binding in reversed(mod.bindings.get(name, [])):
            target = self._resolve_binding(mod, binding, _depth + 1)
            if target is not None:
                return target
        for star in reversed(mod.stars):
            if name in self.exported_names(star):
                target = self.resolve(star, name, _depth + 1)
                if target is not None:
                    return target
        if mod.is_package and self.module(f"{module}.{name}") is not None:
            return ModuleRef(f"{module}.{name}")
        return None

    def _is_internal(self, module: str) -> bool:
        return module == self.package or module.startswith(self.package + ".")

    def _resolve_binding(self, mod: _Module, binding: Binding, depth: int) -> Target | None:
        kind, payload = binding
        if kind == "from":
            source, orig = cast(tuple[str, str], payload)
            if not self._is_internal(source):
                return ExternalRef(f"{source}.{orig}")
            found = self.resolve(source, orig, depth)
            if found is None and self.module(f"{source}.{orig}") is not None:
                return ModuleRef(f"{source}.{orig}")
            return found
        if kind == "module":
            name = str(payload)
            return ModuleRef(name) if self._is_internal(name) else ExternalRef(name)
        if kind == "class":
            assert isinstance(payload, ast.ClassDef)
            return ClassRef(mod.name, payload)
        if kind == "func":
            assert isinstance(payload, (ast.FunctionDef, ast.AsyncFunctionDef))
            return FuncRef(mod.name, payload)
        assert isinstance(payload, ast.expr)
        if isinstance(payload, (ast.Name, ast.Attribute)):
            return self.resolve_expr(mod.name, payload, depth=depth) or ValueRef(mod.name, payload)
        return ValueRef(mod.name, payload)

    def resolve_expr(
        self,
        module: str,
        expr: ast.expr,
        local: dict[str, list[Binding]] | None = None,
        depth: int = 0,
    ) -> Target | None:
        """Resolve a name, dotted name, subscript or string annotation in `module`."""
        if isinstance(expr, ast.Name):
            if local and expr.id in local:
                mod = self.module(module)
                if mod is not None:
                    for binding in reversed(local[expr.id]):
                        found = self._resolve_binding(mod, binding, depth + 1)
                        if found is not None:
                            return found
            found = self.resolve(module, expr.id, depth + 1)
            if found is None and hasattr(builtins, expr.id):
                return ExternalRef(f"builtins.{expr.id}")
            return found
        if isinstance(expr, ast.Attribute):
            base = self.resolve_expr(module, expr.value, local, depth + 1)
            if isinstance(base, ModuleRef):
                return self.resolve(base.module, expr.attr, depth + 1)
            if isinstance(base, ExternalRef):
                return ExternalRef(f"{base.qualname}.{expr.attr}")
            return None
        if isinstance(expr, ast.Subscript):  # Generic[...] bases, Optional[...] etc.
            return self.resolve_expr(module, expr.value, local, depth + 1)
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            try:
                parsed = ast.parse(expr.value, mode="eval").body
            except SyntaxError:
                return None
            return self.resolve_expr(module, parsed, local, depth + 1)
        return None

    def value(self, module: str, name: str) -> ast.expr | None:
        found = self.resolve(module, name)
        return found.node if isinstance(found, ValueRef) else None

    # classes

    def bases(self, cls: ClassRef) -> list[Target | None]:
        return [self.resolve_expr(cls.module, base) for base in cls.node.bases]

    def class_ancestors(self, cls: ClassRef) -> Iterator[ClassRef | ExternalRef]:
        """Every ancestor (not `cls` itself), depth first, each once."""
        seen: set[object] = {cls.key}
        stack: list[Target | None] = list(reversed(self.bases(cls)))
        while stack:
            item = stack.pop()
            if isinstance(item, ClassRef):
                if item.key in seen:
                    continue
                seen.add(item.key)
                yield item
                stack.extend(reversed(self.bases(item)))
            elif isinstance(item, ExternalRef) and item.qualname not in seen:
                seen.add(item.qualname)
                yield item


def _module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, looking inside `if`/`try`/`with` (TYPE_CHECKING etc.)."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield from _module_statements(stmt.body)
            yield from _module_statements(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            yield from _module_statements(stmt.body)
            for handler in stmt.handlers:
                yield from _module_statements(handler.body)
            yield from _module_statements(stmt.orelse)
            yield from _module_statements(stmt.finalbody)
        elif isinstance(stmt, ast.With):
            yield from _module_statements(stmt.body)
        else:
            yield stmt


def _string_list(mod: _Module, name: str) -> list[str] | None:
    for kind, payload in reversed(mod.bindings.get(name, [])):
        if kind == "value" and isinstance(payload, (ast.List, ast.Tuple)):
            items = [e.value for e in payload.elts if isinstance(e, ast.Constant)]
            return [i for i in items if isinstance(i, str)]
    return None


def _builtin_exception_name(ref: ExternalRef) -> str | None:
    module, _, name = ref.qualname.rpartition(".")
    obj = getattr(builtins, name, None) if module == "builtins" else None
    if isinstance(obj, type) and issubclass(obj, BaseException):
        return name
    return None


def _int(expr: ast.expr | None) -> int | None:
    if isinstance(expr, ast.Constant) and type(expr.value) is int:
        return expr.value
    return None


def _find_functions(tree: ast.AST, name: str) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name
    ]


# -- exceptions --------------------------------------------------------------------


@dataclass
class _ExceptionClass:
    ref: ClassRef
    names: list[str]  # every anthropic.<Name> bound to this class

    @property
    def primary(self) -> str:
        # The class's own name when exported under it; else the first exported name.
        return self.ref.node.name if self.ref.node.name in self.names else min(self.names)


def _exported_exceptions(tree: SourceTree) -> dict[tuple[str, str, int], _ExceptionClass]:
    found: dict[tuple[str, str, int], _ExceptionClass] = {}
    for name in tree.namespace(tree.package):
        if name.startswith("_"):
            continue
        target = tree.resolve(tree.package, name)
        if isinstance(target, ClassRef) and _is_exception_class(tree, target):
            entry = found.setdefault(target.key, _ExceptionClass(target, []))
            entry.names.append(name)
    return found


def _is_exception_class(tree: SourceTree, cls: ClassRef) -> bool:
    return any(
        isinstance(a, ExternalRef) and _builtin_exception_name(a) is not None
        for a in tree.class_ancestors(cls)
    )


def _exported_bases(
    tree: SourceTree, cls: ClassRef, primary: dict[tuple[str, str, int], str]
) -> list[str]:
    """Direct bases as public names; a base that is not exported is replaced by its bases."""
    out: list[str] = []
    for base in tree.bases(cls):
        if isinstance(base, ClassRef):
            if base.key in primary:
                out.append(primary[base.key])
            else:
                out.extend(_exported_bases(tree, base, primary))
        elif isinstance(base, ExternalRef):
            out.append(_builtin_exception_name(base) or base.qualname)
    return list(dict.fromkeys(out))


def _class_status_attribute(cls: ClassRef) -> int | None:
    """`status_code: Literal[429] = 429` (or `status_code = 429`) in the class body."""
    for stmt in cls.node.body:
        if isinstance(stmt, ast.AnnAssign):
            targets: list[ast.expr] = [stmt.target]
        elif isinstance(stmt, ast.Assign):
            targets = stmt.targets
        else:
            continue
        named = any(isinstance(t, ast.Name) and t.id == "status_code" for t in targets)
        if named and _int(stmt.value) is not None:
            return _int(stmt.value)
    return None


@dataclass
class _StatusMap:
    exact: dict[tuple[str, str, int], set[int]] = field(default_factory=dict)
    at_least: dict[tuple[str, str, int], int] = field(default_factory=dict)

    def add(self, cls: Target | None, op: ast.cmpop, code: int) -> None:
        if not isinstance(cls, ClassRef):
            return
        if isinstance(op, ast.Eq):
            self.exact.setdefault(cls.key, set()).add(code)
        elif isinstance(op, (ast.GtE, ast.Gt)):
            self.at_least[cls.key] = code + (1 if isinstance(op, ast.Gt) else 0)

    def status(self, key: tuple[str, str, int]) -> int | None:
        if key in self.exact:
            return min(self.exact[key])
        return self.at_least.get(key)


def _status_compare(test: ast.expr) -> tuple[ast.cmpop, int] | None:
    """`response.status_code == 429` / `status_code >= 500` -> (op, code)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left = test.left
    name = left.attr if isinstance(left, ast.Attribute) else getattr(left, "id", None)
    code = _int(test.comparators[0])
    if name != "status_code" or code is None:
        return None
    return test.ops[0], code


def _returned_class(stmts: list[ast.stmt]) -> ast.expr | None:
    for stmt in stmts:
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            value = stmt.value
            return value.func if isinstance(value, ast.Call) else value
    return None


def _status_mappings(tree: SourceTree, modules: list[str]) -> _StatusMap:
    """Status -> class mappings: if-chains, conditional expressions, ERROR_CLASSES dicts."""
    result = _StatusMap()
    for name in modules:
        mod = tree.module(name)
        if mod is None:
            continue
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.If):
                cmp = _status_compare(node.test)
                expr = _returned_class(node.body) if cmp else None
                if cmp and expr is not None:
                    result.add(tree.resolve_expr(name, expr), *cmp)
            elif isinstance(node, ast.IfExp):
                cmp = _status_compare(node.test)
                if cmp:
                    result.add(tree.resolve_expr(name, node.body), *cmp)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    code = (
                        _int(key.elts[0]) if isinstance(key, ast.Tuple) and key.elts else _int(key)
                    )
                    if code is not None and isinstance(value, (ast.Name, ast.Attribute)):
                        result.add(tree.resolve_expr(name, value), ast.Eq(), code)
    return result


@dataclass(frozen=True)
class _RetryPolicy:
    exact: frozenset[int]
    at_least: int | None
    types: frozenset[tuple[str, str, int]]  # classes retried whatever their status

    def retries_status(self, code: int | None) -> bool:
        if code is None:
            return False
        return code in self.exact or (self.at_least is not None and code >= self.at_least)


def _retry_policy(tree: SourceTree, base_module: str) -> _RetryPolicy:
    mod = tree.module(base_module)
    if mod is None:
        raise SourceLayoutError(f"{base_module} not found")
    exact: set[int] = set()
    at_least: int | None = None
    for func in _find_functions(mod.tree, "_should_retry"):
        for node in ast.walk(func):
            if not isinstance(node, ast.If):
                continue
            cmp = _status_compare(node.test)
            if cmp and _returns_true(node.body):
                op, code = cmp
                if isinstance(op, ast.Eq):
                    exact.add(code)
                elif isinstance(op, (ast.GtE, ast.Gt)):
                    at_least = code + (1 if isinstance(op, ast.Gt) else 0)
    if not exact and at_least is None:
        # Unrecognised `_should_retry`: use the SDK's documented policy instead
        # (408, 409, 429 and >= 500), the same in every release so far.
        exact, at_least = {408, 409, 429}, 500
    types = _retried_types(tree, base_module, mod.tree)
    return _RetryPolicy(frozenset(exact), at_least, frozenset(types))


def _returns_true(stmts: list[ast.stmt]) -> bool:
    for stmt in stmts:
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            value = stmt.value
            if isinstance(value, ast.Tuple) and value.elts:
                value = value.elts[0]  # `return True, None`
            return isinstance(value, ast.Constant) and value.value is True
    return False


def _retried_types(tree: SourceTree, module: str, root: ast.Module) -> set[tuple[str, str, int]]:
    """Exception classes the retry loop retries by type, not by HTTP status.

    2.x/0.121: `_should_retry_exception` has `if isinstance(err, X): return True`.
    0.40: an `except` block that retries (`self._retry_request(...)`) before
    `raise APIConnectionError(...)`, so that error is what exhausted retries leave.
    """
    found: set[tuple[str, str, int]] = set()
    for func in _find_functions(root, "_should_retry_exception"):
        for node in ast.walk(func):
            if isinstance(node, ast.If) and _returns_true(node.body):
                for cls_expr in _isinstance_classes(node.test):
                    target = tree.resolve_expr(module, cls_expr)
                    if isinstance(target, ClassRef):
                        found.add(target.key)
    for handler in ast.walk(root):
        if not isinstance(handler, ast.ExceptHandler) or not _handler_retries(handler):
            continue
        for node in ast.walk(handler):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                target = tree.resolve_expr(module, node.exc.func)
                if isinstance(target, ClassRef):
                    found.add(target.key)
    if not found:
        # Unrecognised layout: every SDK release retries connection errors and timeouts.
        target = tree.resolve(tree.package, "APIConnectionError")
        if isinstance(target, ClassRef):
            found.add(target.key)
    return found


def _isinstance_classes(test: ast.expr) -> list[ast.expr]:
    if (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id == "isinstance"
        and len(test.args) == 2
    ):
        second = test.args[1]
        return list(second.elts) if isinstance(second, ast.Tuple) else [second]
    return []


def _handler_retries(handler: ast.ExceptHandler) -> bool:
    for node in ast.walk(handler):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr = node.func.attr
            if "retry" in attr and not attr.startswith("_should_retry"):
                return True
    return False


def _exceptions(tree: SourceTree, clients: list[ClassRef]) -> dict[str, ExceptionInfo]:
    classes = _exported_exceptions(tree)
    if not classes:
        raise SourceLayoutError("no exception classes exported by the package")
    primary = {key: entry.primary for key, entry in classes.items()}
    pkg = tree.package
    status_modules = [f"{pkg}._exceptions", f"{pkg}._error_classes", f"{pkg}._client"]
    status_modules += [c.module for c in clients]
    mapped = _status_mappings(tree, list(dict.fromkeys(status_modules)))
    policy = _retry_policy(tree, f"{pkg}._base_client")

    def own_status(ref: ClassRef) -> int | None:
        attr = _class_status_attribute(ref)
        return attr if attr is not None else mapped.status(ref.key)

    result: dict[str, ExceptionInfo] = {}
    for key, entry in classes.items():
        chain = [
            entry.ref,
            *(a for a in tree.class_ancestors(entry.ref) if isinstance(a, ClassRef)),
        ]
        # A subclass without its own code is raised for its parent's status (e.g. the
        # error-code subclasses of RateLimitError are all 429s).
        status = next((s for s in map(own_status, chain) if s is not None), None)
        by_type = any(c.key in policy.types for c in chain)
        info = ExceptionInfo(
            name=primary[key],
            bases=tuple(_exported_bases(tree, entry.ref, primary)),
            status_code=status,
            retryable=by_type or policy.retries_status(status),
        )
        result[info.name] = info
        for alias in entry.names:
            if alias != info.name:
                result[alias] = ExceptionInfo(
                    alias, (info.name,), status, info.retryable, info.name
                )
    return result


# -- clients and methods -----------------------------------------------------------


def _client_classes(tree: SourceTree) -> tuple[dict[str, ClassRef], set[str]]:
    """Exported client classes (by name) and which of those are async."""
    clients: dict[str, ClassRef] = {}
    async_names: set[str] = set()
    for name in tree.namespace(tree.package):
        if name.startswith("_"):
            continue
        target = tree.resolve(tree.package, name)
        if not isinstance(target, ClassRef):
            continue
        ancestors = {a.node.name for a in tree.class_ancestors(target) if isinstance(a, ClassRef)}
        if SYNC_CLIENT_BASE in ancestors or ASYNC_CLIENT_BASE in ancestors:
            clients[name] = target
            if ASYNC_CLIENT_BASE in ancestors:
                async_names.add(name)
    if not clients:
        raise SourceLayoutError("no client classes exported by the package")
    return clients, async_names


def _is_property(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for deco in func.decorator_list:
        name = deco.attr if isinstance(deco, ast.Attribute) else getattr(deco, "id", "")
        if name in ("property", "cached_property"):
            return True
    return False


def _is_overload(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for deco in func.decorator_list:
        name = deco.attr if isinstance(deco, ast.Attribute) else getattr(deco, "id", "")
        if name == "overload":
            return True
    return False


def _local_imports(tree: SourceTree, module: str, func: ast.AST) -> dict[str, list[Binding]]:
    """Imports inside a function body (the 2.x clients import resources lazily)."""
    mod = tree.module(module)
    scratch = _Module(
        module, mod.is_package if mod else False, ast.Module(body=[], type_ignores=[])
    )
    for node in ast.walk(func):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            tree._bind(scratch, node)
    return scratch.bindings


def _sub_resources(tree: SourceTree, cls: ClassRef) -> dict[str, ClassRef]:
    """Resource attributes of a client or resource class: annotations and properties."""
    resources_pkg = f"{tree.package}.resources"
    found: dict[str, ClassRef] = {}
    for stmt in cls.node.body:
        name: str | None = None
        target: Target | None = None
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            target = tree.resolve_expr(cls.module, stmt.annotation)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_property(stmt):
            if stmt.returns is None:
                continue
            name = stmt.name
            local = _local_imports(tree, cls.module, stmt)
            target = tree.resolve_expr(cls.module, stmt.returns, local)
        if (
            name
            and not name.startswith(("_", "with_"))
            and isinstance(target, ClassRef)
            and target.module.startswith(resources_pkg + ".")
        ):
            found[name] = target
    return found


def _signature(
    func: ast.FunctionDef | ast.AsyncFunctionDef,
) -> tuple[list[str], set[str], set[str]]:
    """(positional-or-keyword names, all keyword names, names without a default)."""
    args = func.args
    positional = [a.arg for a in args.posonlyargs + args.args][1:]  # drop self
    keyword_names = [a.arg for a in args.args][1:] + [a.arg for a in args.kwonlyargs]
    pos_all = args.posonlyargs + args.args
    first_default = len(pos_all) - len(args.defaults)
    required = {a.arg for i, a in enumerate(pos_all) if i < first_default and i > 0}
    required |= {a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None}
    return positional, set(keyword_names), required


def _required_args_decorator(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str] | None:
    """`@required_args(["a", "b"], ["a", "b", "stream"])`: names required in every variant."""
    for deco in func.decorator_list:
        if isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "required_args":
            variants = [
                {
                    e.value
                    for e in arg.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                }
                for arg in deco.args
                if isinstance(arg, (ast.List, ast.Tuple))
            ]
            if variants:
                return set.intersection(*variants)
    return None


def _method_info(defs: list[ast.FunctionDef | ast.AsyncFunctionDef]) -> MethodInfo:
    overloads = [d for d in defs if _is_overload(d)]
    impls = [d for d in defs if not _is_overload(d)]
    params: set[str] = set()
    positional: list[str] = []
    for func in defs:
        pos, names, _ = _signature(func)
        params |= names
        positional = positional or pos
    required: set[str] = set()
    if overloads:
        required |= set.intersection(*(_signature(d)[2] for d in overloads))
    for impl in impls[-1:]:
        _, _, impl_required = _signature(impl)
        required |= impl_required
        required |= _required_args_decorator(impl) or set()
        positional = _signature(impl)[0]
    return MethodInfo(frozenset(params), frozenset(required), tuple(positional))


def _resource_methods(tree: SourceTree, cls: ClassRef) -> dict[str, MethodInfo]:
    defs: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    for stmt in cls.node.body:
        if (
            isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
            and not stmt.name.startswith("_")
            and not _is_property(stmt)
        ):
            defs.setdefault(stmt.name, []).append(stmt)
    return {name: _method_info(group) for name, group in defs.items()}


def _methods(
    tree: SourceTree, client: ClassRef
) -> tuple[dict[str, MethodInfo], dict[str, ClassRef]]:
    """Methods under METHOD_ROOTS, and the resource class behind each walked path."""
    methods: dict[str, MethodInfo] = {}
    visited: dict[str, ClassRef] = {}

    def wanted(path: str) -> bool:
        return any(
            path == r or path.startswith(r + ".") or r.startswith(path + ".") for r in METHOD_ROOTS
        )

    def walk(prefix: str, cls: ClassRef, depth: int) -> None:
        for attr, sub in _sub_resources(tree, cls).items():
            path = f"{prefix}{attr}"
            if depth > 6 or not wanted(path) or path in visited:
                continue
            visited[path] = sub
            if any(path == r or path.startswith(r + ".") for r in METHOD_ROOTS):
                for name, info in _resource_methods(tree, sub).items():
                    methods[f"{path}.{name}"] = info
            walk(path + ".", sub, depth + 1)

    walk("", client, 0)
    if "messages.create" not in methods:
        raise SourceLayoutError("messages.create not found on the client")
    return methods, visited


# -- constants, models -------------------------------------------------------------


def _default_max_retries(tree: SourceTree) -> int:
    for module in (f"{tree.package}._constants", tree.package):
        value = _int(tree.value(module, "DEFAULT_MAX_RETRIES"))
        if value is not None:
            return value
    raise SourceLayoutError("DEFAULT_MAX_RETRIES not found")


def _string_literals(expr: ast.expr) -> set[str]:
    """Strings inside `Literal[...]` subscripts of a type expression."""
    out: set[str] = set()
    for node in ast.walk(expr):
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "Literal":
            for const in ast.walk(node.slice):
                if isinstance(const, ast.Constant) and isinstance(const.value, str):
                    out.add(const.value)
    return out


def _known_models(tree: SourceTree) -> frozenset[str]:
    models: set[str] = set()
    for module, name in (("types.model", "Model"), ("types.model_param", "ModelParam")):
        expr = tree.value(f"{tree.package}.{module}", name)
        if expr is not None:
            models |= _string_literals(expr)
    return frozenset(models)


def _stop_reasons(tree: SourceTree) -> frozenset[str]:
    expr = tree.value(f"{tree.package}.types.stop_reason", "StopReason")
    return frozenset(_string_literals(expr)) if expr is not None else frozenset()


def _iso_date(text: str) -> str | None:
    """'October 22nd, 2025' -> '2025-10-22' (no strptime: it is locale dependent)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    match = re.fullmatch(r"\s*([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\s*", text)
    if not match or match.group(1).lower() not in _MONTHS:
        return None
    month, day, year = _MONTHS[match.group(1).lower()], int(match.group(2)), int(match.group(3))
    return f"{year:04d}-{month:02d}-{day:02d}"


def _str_dict(expr: ast.expr | None) -> dict[str, ast.expr]:
    if not isinstance(expr, ast.Dict):
        return {}
    return {
        k.value: v
        for k, v in zip(expr.keys, expr.values, strict=True)
        if isinstance(k, ast.Constant) and isinstance(k.value, str)
    }


def _deprecated_models(tree: SourceTree, resource_modules: list[str]) -> dict[str, str]:
    """DEPRECATED_MODELS as seen by the messages resources (first definition wins)."""
    out: dict[str, str] = {}
    for module in resource_modules:
        for model, value in _str_dict(tree.value(module, "DEPRECATED_MODELS")).items():
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                iso = _iso_date(value.value)
                if iso is not None:
                    out.setdefault(model, iso)
    return out


def _model_nonstreaming_tokens(tree: SourceTree) -> dict[str, int]:
    raw = _str_dict(tree.value(f"{tree.package}._constants", "MODEL_NONSTREAMING_TOKENS"))
    return {model: v for model, value in raw.items() if (v := _int(value)) is not None}


def _max_nonstreaming_tokens(tree: SourceTree) -> int | None:
    """Largest max_tokens passing `_calculate_nonstreaming_timeout`'s expected-time check.

    The SDK computes `expected_time = maximum_time * max_tokens / 128_000` and raises
    when `expected_time > default_time`; the bound is solved from those expressions.
    """
    mod = tree.module(f"{tree.package}._base_client")
    funcs = _find_functions(mod.tree, "_calculate_nonstreaming_timeout") if mod else []
    for func in funcs:
        args = [a.arg for a in func.args.args]
        if len(args) < 2:
            continue
        tokens = args[1]
        env: dict[str, ast.expr] = {}
        for stmt in ast.walk(func):
            if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                env[stmt.targets[0].id] = stmt.value
        for node in ast.walk(func):
            bound = _solve_bound(node, tokens, env)
            if bound is not None:
                return bound
    return None


def _solve_bound(node: ast.AST, tokens: str, env: dict[str, ast.expr]) -> int | None:
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
        return None
    op = node.ops[0]
    if not isinstance(op, (ast.Gt, ast.GtE)):
        return None
    slope = _evaluate(node.left, env, {tokens: Fraction(1)})
    at_zero = _evaluate(node.left, env, {tokens: Fraction(0)})
    limit = _evaluate(node.comparators[0], env, {})
    if slope is None or at_zero != 0 or limit is None or slope <= 0:
        return None  # not a linear test on max_tokens
    ratio = limit / slope
    # `>` raises above the ratio (the ratio itself passes); `>=` raises at it.
    return math.floor(ratio) if isinstance(op, ast.Gt) else math.ceil(ratio) - 1


def _evaluate(
    expr: ast.expr, env: dict[str, ast.expr], fixed: dict[str, Fraction], depth: int = 0
) -> Fraction | None:
    """Exact arithmetic over literals and local names (Fractions: 3600/128000 is not a float)."""
    if depth > 20:
        return None
    if isinstance(expr, ast.Constant) and isinstance(expr.value, (int, float)):
        return None if isinstance(expr.value, bool) else Fraction(expr.value)
    if isinstance(expr, ast.Name):
        if expr.id in fixed:
            return fixed[expr.id]
        if expr.id in env:
            return _evaluate(env[expr.id], env, fixed, depth + 1)
        return None
    if isinstance(expr, ast.BinOp):
        left = _evaluate(expr.left, env, fixed, depth + 1)
        right = _evaluate(expr.right, env, fixed, depth + 1)
        if left is None or right is None:
            return None
        if isinstance(expr.op, ast.Mult):
            return left * right
        if isinstance(expr.op, ast.Div) and right != 0:
            return left / right
        if isinstance(expr.op, ast.Add):
            return left + right
        if isinstance(expr.op, ast.Sub):
            return left - right
    return None


def _sdk_version(tree: SourceTree) -> str:
    expr = tree.value(f"{tree.package}._version", "__version__")
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    raise SourceLayoutError("__version__ not found in _version.py")


# -- entry point -------------------------------------------------------------------


def generate_from_source(package_dir: Path) -> Knowledge:
    """Knowledge for the anthropic package in `package_dir` (the dir holding __init__.py)."""
    package_dir = Path(package_dir)
    if not (package_dir / "__init__.py").is_file():
        raise SourceLayoutError(f"{package_dir} is not a package directory")
    tree = SourceTree(package_dir)
    clients, async_names = _client_classes(tree)
    main = clients.get("Anthropic") or clients.get("Client")
    if main is None:
        raise SourceLayoutError("no Anthropic client class")
    methods, resources = _methods(tree, main)
    message_modules = [resources[p].module for p in ("messages", "beta.messages") if p in resources]
    return Knowledge(
        sdk_version=_sdk_version(tree),
        source=f"installed:{package_dir}",
        exceptions=_exceptions(tree, list(clients.values())),
        default_max_retries=_default_max_retries(tree),
        methods=methods,
        client_classes=frozenset(clients),
        async_client_classes=frozenset(async_names),
        known_models=_known_models(tree),
        deprecated_models=_deprecated_models(tree, message_modules),
        max_nonstreaming_tokens=_max_nonstreaming_tokens(tree),
        model_nonstreaming_tokens=_model_nonstreaming_tokens(tree),
        stop_reasons=_stop_reasons(tree),
    )
