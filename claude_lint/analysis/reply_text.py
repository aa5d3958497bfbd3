"""Where text Claude wrote goes: what is derived from it and which calls run it (CL405).

*Model text* is a reply's text (`.text` of a content block, read as `responses`
traces it; a stream's `text_stream` chunks and `get_final_text()`), a `tool_use`
block's `input`, and the value of a call to a function of the
same module that returns model text. Within a frame it is followed through:

- names (`sql = reply.content[0].text`, `code += chunk`, `for line in text.splitlines()`),
  where a load is fed by the latest store of the name before it;
- string operations: `str` methods, slices and subscripts, `+`/`%`, f-strings,
  `.format(...)`, `"".join(...)`, `str(...)`, `re.*` extraction and `.group()`,
  `json.loads`/`yaml.safe_load` (and subscripts of their result), `shlex.split`;
- `a if c else b`, `a or b`, `await`;
- functions of the same module: a call passing model text to a parameter that the
  function returns (changed or not) is model text too, and a sink inside it that the
  parameter reaches is reported there.

It stops at anything else (an unknown call, a container built around it), and at a
check the code makes first: the name compared with `in`/`==` in a condition (an
allow-list), or passed to a `validate*`/`check*`/`is_safe*`-style function.
`ast.literal_eval` and `shlex.quote` are not sinks and do not pass the text on.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Literal, cast

import libcst as cst

from claude_lint.analysis.collector import all_params
from claude_lint.analysis.model import CallSite, FunctionInfo, ModuleModel, Scope
from claude_lint.analysis.responses import (
    STREAM_METHODS,
    Frame,
    ModuleFrames,
    frames_for,
    message_reads,
    short_code,
    stream_text,
)
from claude_lint.analysis.syntax import dotted, keyword_arg, keyword_args, literal_value

SinkKind = Literal["code", "command", "sql", "deserialise"]

# `str` methods (and `re.Match` methods) whose result is still the text, or part of it.
_TEXT_METHODS = frozenset(
    {"strip", "lstrip", "rstrip", "removeprefix", "removesuffix", "replace", "lower", "upper",
     "casefold", "expandtabs", "format", "translate", "encode", "decode", "split", "rsplit",
     "splitlines", "partition", "rpartition", "capitalize", "title", "swapcase", "zfill",
     "ljust", "rjust", "center", "join", "group", "groups", "groupdict", "get", "pop", "values"}
)
# Calls whose result carries the text of their arguments.
_PASSING_CALLS = frozenset(
    {"str", "json.loads", "yaml.safe_load", "textwrap.dedent", "textwrap.indent", "shlex.split",
     "html.unescape", "re.search", "re.match", "re.fullmatch", "re.findall", "re.finditer",
     "re.sub", "re.split", "list", "tuple", "next", "reversed", "sorted"}
)
_CODE_SINKS = frozenset({"eval", "exec", "compile", "builtins.eval", "builtins.exec", "builtins.compile"})
_SHELL_SINKS = frozenset(
    {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
     "asyncio.create_subprocess_shell"}
)
_PROCESS_SINKS = frozenset(
    {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
     "subprocess.Popen", "asyncio.create_subprocess_exec", "os.execv", "os.execvp", "os.spawnv"}
)
_DESERIALISE_SINKS = frozenset(
    {"pickle.loads", "pickle.load", "dill.loads", "marshal.loads", "cloudpickle.loads",
     "yaml.unsafe_load", "yaml.full_load"}
)
_SQL_FUNCTIONS = frozenset(
    {"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
     "pandas.read_sql", "pandas.read_sql_query", "duckdb.sql", "duckdb.query", "duckdb.execute"}
)
# On a receiver that looks like a database: DB-API, SQLAlchemy, DuckDB (`con.sql`), Spark (`spark.sql`).
_SQL_METHODS = frozenset({"execute", "executemany", "executescript", "sql", "query"})
# Receivers of `.execute(...)` that are DB-API cursors/connections or SQLAlchemy sessions.
_DB_RECEIVER = re.compile(r"(?:^|_)(?:cur|cursor|conn|connection|con|db|database|session|engine|sql|sqlite|duckdb|pg|postgres|mysql|spark)\d*$", re.IGNORECASE)
_DB_CONSTRUCTORS = re.compile(
    r"(?:\.cursor|\.connect|create_engine|create_async_engine|Session|sessionmaker|\.begin)$"
)
_SAFE_YAML_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "cmd", "cmd.exe", "powershell", "pwsh", "python", "python3", "node", "/bin/sh", "/bin/bash"})
_CHECKER = re.compile(r"^_*(?:validate|check|is_safe|is_valid|is_allowed|sanitize|sanitise|verify|ensure_safe|allowed)", re.IGNORECASE)
_MAX_FUNCTION_DEPTH = 4
# The SDK's reply classes: a parameter annotated with one holds a reply.
_MESSAGE_TYPES = frozenset({"Message", "BetaMessage", "ParsedMessage", "ParsedBetaMessage"})


@dataclass(frozen=True)
class SinkHit:
    """Model text reaching a call that runs it."""

    call: cst.Call
    kind: SinkKind
    sink: str  # how the message names the sink: "eval()", "cursor.execute()"
    origin: str  # where the text came from, for the message
    # A call of a function of another module (or one reached through an object's class) whose
    # returned text this is: the message names where its Claude call is.
    source: CallSite | None = None


@dataclass(eq=False)
class ReplyText:
    """Per module: the sinks model text reaches, and the functions that return model text."""

    hits: list[SinkHit] = field(default_factory=list)
    returning: dict[int, str] = field(default_factory=dict)  # id(FunctionInfo) -> origin


def _is_checker(model: ModuleModel, func: cst.BaseExpression) -> bool:
    name = dotted(func)
    return name is not None and _CHECKER.match(name.rsplit(".", 1)[-1]) is not None


_CHECKING_OPERATORS = frozenset({cst.In, cst.NotIn, cst.Equal, cst.NotEqual})
_TESTS = frozenset({cst.If, cst.While, cst.Assert, cst.IfExp})  # the statements and expressions with a `test`

class _Tracer:
    """Follows one frame's model text from its sources to sinks and returns."""

    def __init__(self, analysis: _Analysis, frame: Frame, origin: str, depth: int, source: CallSite | None = None) -> None:
        self.analysis = analysis
        self.frame = frame
        self.model = frame.model
        self.origin = origin
        self.source = source
        self.depth = depth
        self.seen: set[int] = set()
        self.returns = False
        self.hits: list[SinkHit] = []

    # -- names --------------------------------------------------------------------------

    def store(self, target: cst.BaseExpression, within: cst.CSTNode | None = None) -> None:
        """`target` is bound to model text (`within`: only loads inside this node count)."""
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.store(element.value, within)
            return
        if not isinstance(target, cst.Name):
            return
        frame = self.frame
        name = target.value
        loads = frame.loads(name)
        bindings = self.analysis.bindings(frame, name)
        start = frame.position(target)
        positions = frame.load_positions(name)
        readers = bindings.readers(frame, target)
        if within is not None:
            reading = set(readers)
            # A comprehension's element comes before its `for`: every load in it reads the target.
            comprehension = not isinstance(within, cst.For)
            for index in frame.load_indexes_within(name, within):
                if comprehension or index in reading and not self._checked_between(name, start, positions[index]):
                    self.text(loads[index])
            return
        for index in readers:
            if not self._checked_between(name, start, positions[index]):
                self.text(loads[index])

    def _checked_between(self, name: str, start: int, end: int) -> bool:
        checks = self.analysis.checks(self).get(name, ())
        first = bisect_right(checks, start)
        return first < len(checks) and checks[first] < end

    def find_checks(self) -> dict[str, list[int]]:
        """Where each name is compared in a condition (an allow-list) or handed to a checker, in order."""
        frame = self.frame
        checks: dict[str, list[int]] = {}
        for name, uses in frame.names.items():
            for use in uses:
                if self._is_check(use):
                    checks.setdefault(name, []).append(frame.position(use))
        return checks

    def _is_check(self, use: cst.Name) -> bool:
        # Run for every name of every frame: node types compared by identity (these classes have
        # no subclasses), not isinstance, which goes through ABCMeta on libcst's classes.
        frame = self.frame
        parent = frame.parent(use)
        if type(parent) is cst.Arg:
            call = frame.parent(parent)
            return type(call) is cst.Call and _is_checker(self.model, call.func)  # type: ignore[union-attr]
        comparison: cst.Comparison | None = None
        for ancestor, child in frame.ancestors(use):
            kind = type(ancestor)
            if kind is cst.Comparison and comparison is None:
                comparison = cast(cst.Comparison, ancestor)
                if child is not comparison.left:
                    return False
                if not all(
                    type(target.operator) in _CHECKING_OPERATORS
                    and not _is_empty(target.comparator)  # `sql != ""` checks presence, not content
                    for target in comparison.comparisons
                ):
                    return False
                continue
            if comparison is None and kind is not cst.Call and kind is not cst.Attribute:
                return False  # `sql.strip().lower() in ALLOWED` still compares the name
            if kind in _TESTS and child is ancestor.test:  # type: ignore[attr-defined]
                return comparison is not None
            if isinstance(ancestor, cst.BaseStatement):
                return False
        return False

    # -- values ---------------------------------------------------------------------------

    def text(self, expr: cst.CSTNode) -> None:
        """`expr` evaluates to model text, or to a value derived from it."""
        if id(expr) in self.seen:
            return
        self.seen.add(id(expr))
        frame = self.frame
        parent = frame.parent(expr)
        if parent is None:
            return
        # Node types compared by identity (these classes have no subclasses): a failed isinstance
        # goes through ABCMeta on libcst's classes, and this runs for each use of the text.
        if type(parent) is cst.Attribute and parent.value is expr:
            call = frame.parent(parent)
            if parent.attr.value in _TEXT_METHODS and type(call) is cst.Call and call.func is parent:
                self.text(call)
            return
        if (type(parent) is cst.Subscript and parent.value is expr) or type(parent) is cst.BinaryOperation or type(parent) is cst.Await:
            self.text(parent)
        elif type(parent) is cst.FormattedStringExpression:
            outer = frame.parent(parent)
            if outer is not None:
                self.text(outer)
        elif (type(parent) is cst.IfExp or type(parent) is cst.BooleanOperation) and expr is not getattr(parent, "test", None):
            self.text(parent)
        elif type(parent) is cst.Arg:
            call = frame.parent(parent)
            if type(call) is cst.Call:
                self.argument(call, parent)
        elif type(parent) is cst.Element or type(parent) is cst.StarredElement:
            self.element(parent)
        elif (type(parent) is cst.GeneratorExp or type(parent) is cst.ListComp or type(parent) is cst.SetComp) and parent.elt is expr:
            self.text(parent)
        elif type(parent) is cst.CompFor and parent.iter is expr:
            comprehension = frame.parent(parent)
            if comprehension is not None:
                self.store(parent.target, comprehension)
        elif type(parent) is cst.For and parent.iter is expr:
            self.store(parent.target, parent)
        elif type(parent) is cst.Assign and parent.value is expr:
            for target in parent.targets:
                self.store(target.target)
        elif (type(parent) is cst.AnnAssign or type(parent) is cst.AugAssign) and parent.value is expr:
            self.store(parent.target)
        elif type(parent) is cst.NamedExpr and parent.value is expr:
            self.store(parent.target)
            self.text(parent)
        elif type(parent) is cst.WithItem and parent.item is expr and parent.asname is not None:
            self.store(parent.asname.name)
        elif type(parent) is cst.Return:
            self.returns = True

    def element(self, element: cst.Element | cst.StarredElement) -> None:
        """A list/tuple holding model text: `" ".join([...])`, or a command list."""
        frame = self.frame
        container = frame.parent(element)
        arg = frame.parent(container) if container is not None else None
        if isinstance(container, cst.Tuple) and isinstance(arg, cst.Return):
            self.returns = True  # `return code, explanation`: unpacked by the caller
            return
        call = frame.parent(arg) if isinstance(arg, cst.Arg) else None
        if not isinstance(call, cst.Call) or not isinstance(arg, cst.Arg):
            return
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "join":
            self.text(call)
            return
        qualname = self.model.qualify(func) or ""
        if qualname in _PROCESS_SINKS and self._command_arg(call) is arg:
            assert isinstance(container, (cst.List, cst.Tuple))
            elements = container.elements
            first = elements[0].value if elements else None
            shell = _literal_string(first) if first is not None else None
            runs_it = element is elements[0] or (
                shell is not None
                and shell.rsplit("/", 1)[-1] in _SHELLS
                and any(_literal_string(e.value) in ("-c", "/c", "-Command") for e in elements[1:])
            ) or _keyword_true(call, "shell")
            if runs_it:
                self.hit(call, "command", qualname)

    def argument(self, call: cst.Call, arg: cst.Arg) -> None:
        model = self.model
        func = call.func
        qualname = model.qualify(func) or ""
        if qualname in _CODE_SINKS and call.args and arg is call.args[0]:
            self.hit(call, "code", qualname.rsplit(".", 1)[-1])
        elif (qualname in _SHELL_SINKS or qualname in _PROCESS_SINKS) and arg is self._command_arg(call):
            self.hit(call, "command", qualname)
        elif qualname in _DESERIALISE_SINKS and call.args and arg is call.args[0]:
            self.hit(call, "deserialise", qualname)
        elif qualname == "yaml.load" and call.args and arg is call.args[0]:
            if not self._safe_yaml_loader(call):
                self.hit(call, "deserialise", qualname)
        elif qualname in _SQL_FUNCTIONS and self._first_or_keyword(call, arg, ("sql", "text")):
            self.hit(call, "sql", qualname)
        elif isinstance(func, cst.Attribute) and func.attr.value in _SQL_METHODS and self._first_or_keyword(
            call, arg, ("sql", "operation", "query", "statement")
        ):
            receiver = self._db_receiver(func.value)
            if receiver is not None:
                self.hit(call, "sql", f"{receiver}.{func.attr.value}")
        elif qualname in _PASSING_CALLS or (
            isinstance(func, cst.Attribute) and func.attr.value in ("join", "format", "replace")
        ):
            self.text(call)
        else:
            self.analysis.through_function(self, call, arg)

    @staticmethod
    def _command_arg(call: cst.Call) -> cst.Arg | None:
        keywords = keyword_args(call)
        for name in ("args", "cmd", "command"):
            if name in keywords:
                return keywords[name]
        return call.args[0] if call.args and call.args[0].keyword is None else None

    @staticmethod
    def _first_or_keyword(call: cst.Call, arg: cst.Arg, keywords: tuple[str, ...]) -> bool:
        if arg.keyword is not None:
            return arg.keyword.value in keywords
        return bool(call.args) and call.args[0] is arg and arg.star == ""

    def _safe_yaml_loader(self, call: cst.Call) -> bool:
        loader = keyword_arg(call, "Loader")
        if loader is None and len(call.args) > 1 and call.args[1].keyword is None:
            loader = call.args[1]
        if loader is None:
            return False
        name = dotted(loader.value) or ""
        return name.rsplit(".", 1)[-1] in _SAFE_YAML_LOADERS

    def _db_receiver(self, receiver: cst.BaseExpression) -> str | None:
        """How to name `receiver` when it looks like a DB-API cursor/connection or a session."""
        name = dotted(receiver)
        if name is not None:
            if _DB_RECEIVER.search(name.rsplit(".", 1)[-1]):
                return name
            scope = self.frame.scope
            value = self.model.resolver.binding_value(name, scope) if "." not in name else None
            if isinstance(value, cst.Call) and _DB_CONSTRUCTORS.search(dotted(value.func) or ""):
                return name
            return None
        if isinstance(receiver, cst.Call) and _DB_CONSTRUCTORS.search(dotted(receiver.func) or ""):
            return short_code(receiver)
        return None

    def hit(self, call: cst.Call, kind: SinkKind, sink: str) -> None:
        self.hits.append(SinkHit(call, kind, f"{sink}()", self.origin, self.source))


def _is_empty(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.Name):
        return expr.value == "None"
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set, cst.Dict)):
        return not expr.elements
    return _literal_string(expr) == ""


def _literal_string(expr: cst.BaseExpression) -> str | None:
    if isinstance(expr, cst.SimpleString):
        value = literal_value(expr)
        return value if isinstance(value, str) else None
    return None


def _keyword_true(call: cst.Call, name: str) -> bool:
    arg = keyword_arg(call, name)
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "True"


@dataclass(eq=False)
class _Bindings:
    """The loads of one name in a frame (in order): which assignment of the
    name it reads: the latest before it in source order, not in the load's own statement
    (`x = f(x)` reads the previous binding)."""

    read: list[cst.Name | None]
    by_store: dict[int, list[int]]

    @classmethod
    def of(cls, frame: Frame, name: str) -> _Bindings:
        stores = frame.stores(name)
        store_positions = frame.store_positions(name)
        bindings = cls([], {})
        for index, (load, position) in enumerate(zip(frame.loads(name), frame.load_positions(name), strict=True)):
            latest = bisect_left(store_positions, position) - 1
            while latest >= 0 and frame.same_statement(stores[latest], load):
                latest -= 1
            store = stores[latest] if latest >= 0 else None
            bindings.read.append(store)
            bindings.by_store.setdefault(id(store), []).append(index)
        return bindings

    def readers(self, frame: Frame, store: cst.Name) -> list[int]:
        """The loads that read `store`. One that is not an assignment of the name (a parameter, a
        name in a tuple target) binds the loads after it up to the next assignment."""
        found = self.by_store.get(id(store))
        if found is not None:
            return found
        start = frame.position(store)
        loads = frame.loads(store.value)
        found = []
        for index in range(bisect_right(frame.load_positions(store.value), start), len(loads)):
            read = self.read[index]
            if read is not None and frame.position(read) > start:
                break  # bound again after `store`: so is every later load
            if not frame.same_statement(store, loads[index]):
                found.append(index)
        return found


class _Analysis:
    def __init__(self, model: ModuleModel, frames: ModuleFrames) -> None:
        self.model = model
        self.frames = frames
        self.result = ReplyText()
        self._reported: set[int] = set()
        # (id(function), parameter) -> whether the function returns (text derived from) it.
        self._passes: dict[tuple[int, str], bool] = {}
        self._active: set[tuple[int, str]] = set()
        # Per frame (and name): asked by each tracer of the frame, so found once.
        self._bindings: dict[tuple[int, str], _Bindings] = {}
        self._checks: dict[int, dict[str, list[int]]] = {}

    def bindings(self, frame: Frame, name: str) -> _Bindings:
        found = self._bindings.get((id(frame), name))
        if found is None:
            found = self._bindings[(id(frame), name)] = _Bindings.of(frame, name)
        return found

    def checks(self, tracer: _Tracer) -> dict[str, list[int]]:
        found = self._checks.get(id(tracer.frame))
        if found is None:
            found = self._checks[id(tracer.frame)] = tracer.find_checks()
        return found

    def frame_for(self, function: FunctionInfo | None) -> Frame:
        return self.frames.frame_for(function)

    def trace(
        self, frame: Frame, sources: list[cst.CSTNode], origin: str, depth: int = 0, source: CallSite | None = None
    ) -> _Tracer:
        tracer = _Tracer(self, frame, origin, depth, source)
        for start in sources:
            tracer.text(start)
        for hit in tracer.hits:
            if id(hit.call) not in self._reported:
                self._reported.add(id(hit.call))
                self.result.hits.append(hit)
        return tracer

    def through_function(self, tracer: _Tracer, call: cst.Call, arg: cst.Arg) -> None:
        """Model text passed to a function of this module: sinks inside it, and its result."""
        if tracer.depth >= _MAX_FUNCTION_DEPTH:
            return
        callees = self._callees(call.func, tracer.frame.scope)
        for function in callees:
            self._into(tracer, call, arg, function)
        if not callees and self._remote_passes(call, arg, tracer.frame.scope):
            tracer.text(_value(tracer.frame, call))

    def _remote_passes(self, call: cst.Call, arg: cst.Arg, scope: Scope) -> bool:
        """A function of another module that returns the text of this argument (`CodeParser.parse_code(text=reply)`)."""
        name = dotted(call.func)
        model = self.model
        if name is None or arg.star:
            return False
        head = name.split(".", 1)[0]
        if head not in model.imports.names or model.resolver.bound_locally(head, scope):
            return False
        found = model.resolver.project.text_pass(model.imports.qualify(call.func))
        if found is None:
            return False
        if arg.keyword is not None:
            return any(param == arg.keyword.value for param, _ in found.params)
        index = next(i for i, a in enumerate(call.args) if a is arg)
        return any(position == index for _, position in found.params)

    def _callees(self, func: cst.BaseExpression, scope: Scope) -> list[FunctionInfo]:
        """The module's functions a callee can be: itself, or the entries of a dispatch table
        (`TOOLS[name](...)`, `handler = TOOLS.get(name)`) that is a dict literal of functions."""
        resolver = self.model.resolver
        function = resolver.function_for(func, scope)
        if function is not None:
            return [function]
        if isinstance(func, cst.Name):
            bound = resolver.binding_value(func.value, scope)
            func = bound if bound is not None else func
        table: cst.BaseExpression | None = None
        if isinstance(func, cst.Subscript):
            table = func.value
        elif isinstance(func, cst.Call) and isinstance(func.func, cst.Attribute) and func.func.attr.value == "get":
            table = func.func.value
        if not isinstance(table, cst.Name):
            return []
        found = resolver.binding_value(table.value, scope)
        if not isinstance(found, cst.Dict):
            return []
        callees = []
        for element in found.elements:
            if isinstance(element, cst.DictElement):
                target = resolver.function_for(element.value, scope)
                if target is not None:
                    callees.append(target)
        return callees

    def _into(self, tracer: _Tracer, call: cst.Call, arg: cst.Arg, function: FunctionInfo) -> None:
        param = _parameter_for(function, call, arg)
        if param is None:
            return
        key = (id(function), param)
        if key in self._active:
            return
        passes = self._passes.get(key)
        if passes is None:
            self._active.add(key)
            frame = self.frame_for(function)
            loads = frame.loads(param)
            inner = _Tracer(self, frame, tracer.origin, tracer.depth + 1, tracer.source)
            params = [n for n in frame.names.get(param, ()) if isinstance(frame.parent(n), cst.Param)]
            for name in params:
                inner.store(name)
            if not params:
                for load in loads:
                    inner.text(load)
            self._active.discard(key)
            passes = self._passes[key] = inner.returns
            for hit in inner.hits:
                if id(hit.call) not in self._reported:
                    self._reported.add(id(hit.call))
                    self.result.hits.append(hit)
        if passes:
            parent = tracer.frame.parent(call)
            tracer.text(parent if isinstance(parent, cst.Await) else call)


def _parameter_for(function: FunctionInfo, call: cst.Call, arg: cst.Arg) -> str | None:
    params = function.node.params
    positional = [*params.posonly_params, *params.params]
    if positional and positional[0].name.value in ("self", "cls") and isinstance(call.func, cst.Attribute):
        positional = positional[1:]
    if arg.keyword is not None:
        names = {p.name.value for p in (*positional, *params.kwonly_params)}
        return arg.keyword.value if arg.keyword.value in names else None
    if arg.star:
        return None
    index = next(i for i, a in enumerate(call.args) if a is arg)
    return positional[index].name.value if index < len(positional) else None


def reply_text(model: ModuleModel) -> ReplyText:
    """The sinks model text reaches in this module (computed once per file, shared)."""
    return model.shared(_trace_reply_text)


def _trace_reply_text(model: ModuleModel) -> ReplyText:
    frames = frames_for(model)
    analysis = _Analysis(model, frames)
    # id(function) -> (the function, where its text comes from, the remote call it comes from)
    returning: dict[int, tuple[FunctionInfo, str, CallSite | None]] = {}
    uses = [(use.frame, use.text_reads, use.input_reads) for use in frames.messages()]
    uses += _message_parameters(model, frames)
    traced: set[tuple[int, str]] = set()  # (read, origin): a read several replies reach is traced once
    for frame, text_reads, input_reads in uses:
        for reads, origin in (
            (text_reads, "Claude's reply text"),
            (input_reads, "a `tool_use` block's `input`"),
        ):
            sources: list[cst.CSTNode] = [read for read in reads if (id(read), origin) not in traced]
            if not sources:
                continue
            traced.update((id(read), origin) for read in sources)
            tracer = analysis.trace(frame, sources, origin)
            if tracer.returns and frame.function is not None:
                returning.setdefault(id(frame.function), (frame.function, origin, None))
    for frame in frames.frames:  # streamed text: `for chunk in stream.text_stream`, `get_final_text()`
        for site in frame.sites:
            if site.method in STREAM_METHODS:
                chunks = stream_text(frame, site)
                if chunks:
                    tracer = analysis.trace(frame, chunks, "Claude's reply text")
                    if tracer.returns and frame.function is not None:
                        returning.setdefault(id(frame.function), (frame.function, "Claude's reply text", None))
    # Calls of functions of other modules (by name, or through an object's class) that return
    # Claude's reply text (analysis/project.py follows `returns_text` through subclasses).
    for site in model.call_sites:
        if site.remote is None or not site.remote.returns_text:
            continue
        caller = site.record.frame
        frame = analysis.frame_for(caller)
        label = f"the text `{short_code(site.node.func)}()` returns (Claude's reply)"
        tracer = analysis.trace(frame, [_value(frame, site.node)], label, source=site)
        if tracer.returns and caller is not None:
            returning.setdefault(id(caller), (caller, label, site))
    # Calls of functions that return model text are sources too, transitively.
    pending = list(returning.values())
    done: set[int] = set()
    by_target: dict[int, list[CallSite]] = {}  # a chain of thousands of functions: not every call for each
    for site in model.call_sites:
        if site.target is not None:
            by_target.setdefault(id(site.target), []).append(site)
    while pending:
        function, origin, remote = pending.pop()
        if id(function) in done:
            continue
        done.add(id(function))
        for site in by_target.get(id(function), ()):
            caller = site.record.frame
            frame = analysis.frame_for(caller)
            label = f"the text `{short_code(site.node.func)}()` returns (Claude's reply)"
            tracer = analysis.trace(frame, [_value(frame, site.node)], label, source=remote)
            if tracer.returns and caller is not None and id(caller) not in returning:
                returning[id(caller)] = (caller, label, remote)
                pending.append((caller, label, remote))
    analysis.result.returning = {key: origin for key, (_, origin, _) in returning.items()}
    return analysis.result


def _value(frame: Frame, call: cst.Call) -> cst.CSTNode:
    """The value a call gives its frame: the `await` around it, when there is one."""
    parent = frame.parent(call)
    return parent if isinstance(parent, cst.Await) else call


def _message_parameters(model: ModuleModel, frames: ModuleFrames) -> list[tuple[Frame, list[cst.Attribute], list[cst.Attribute]]]:
    """The `.text`/`.input` reads of a parameter annotated as the SDK's `Message` (`def get_text(self,
    resp: Message)`): a reply whatever the caller passes."""
    found = []
    for function in model.functions:
        names = [
            p.name.value for p in all_params(function.node.params)
            if p.annotation is not None and _is_message_type(model.qualify(p.annotation.annotation))
        ]
        if not names:
            continue
        frame = frames.frame_for(function)
        loads = [load for name in names for load in frame.loads(name)]
        text_reads, input_reads = message_reads(frame, loads)
        if text_reads or input_reads:
            found.append((frame, text_reads, input_reads))
    return found


def _is_message_type(qualname: str | None) -> bool:
    return qualname is not None and qualname.startswith("anthropic.") and qualname.rsplit(".", 1)[-1] in _MESSAGE_TYPES


# -- what a function's returned text is made of (for its module's summary) ----------------------


@dataclass(frozen=True)
class ReturnedText:
    """What the values a function returns are derived from by text operations (the ones the tracer
    follows forward): calls whose value it hands on, and its own parameters."""

    calls: tuple[cst.Call, ...]
    params: frozenset[str]


def returned_text(model: ModuleModel, function: FunctionInfo, values: list[cst.BaseExpression]) -> ReturnedText:
    """Followed back from `values` (what `function` returns) through names bound in the function,
    `await`, string methods and operations, f-strings, slices, `re`/`json` calls and `a if c else b`.
    A call of any other function is where it stops: whether that call returns Claude's text is
    for the project to say (summaries record it; analysis/project.py resolves it)."""
    calls: list[cst.Call] = []
    params: set[str] = set()
    names = {p.name.value for p in all_params(function.node.params)}
    bindings = function.scope.bindings
    seen: set[int] = set()
    pending: list[cst.BaseExpression] = list(values)
    while pending and len(seen) < 200:
        expr = pending.pop()
        if id(expr) in seen:
            continue
        seen.add(id(expr))
        if isinstance(expr, cst.Await):
            pending.append(expr.expression)
        elif isinstance(expr, cst.Call):
            func = expr.func
            if isinstance(func, cst.Attribute) and func.attr.value in ("join", "format", "replace"):
                pending.append(func.value)
                pending.extend(arg.value for arg in expr.args)
            elif isinstance(func, cst.Attribute) and func.attr.value in _TEXT_METHODS:
                pending.append(func.value)
            elif (model.qualify(func) or "") in _PASSING_CALLS:
                pending.extend(arg.value for arg in expr.args)
            else:
                calls.append(expr)
        elif isinstance(expr, cst.Subscript):
            pending.append(expr.value)
        elif isinstance(expr, (cst.BinaryOperation, cst.BooleanOperation)):
            pending.extend((expr.left, expr.right))
        elif isinstance(expr, cst.IfExp):
            pending.extend((expr.body, expr.orelse))
        elif isinstance(expr, cst.FormattedString):
            pending.extend(p.expression for p in expr.parts if isinstance(p, cst.FormattedStringExpression))
        elif isinstance(expr, cst.Tuple):  # `return code, explanation`: unpacked by the caller
            pending.extend(e.value for e in expr.elements)
        elif isinstance(expr, cst.Name):
            if expr.value in names:
                params.add(expr.value)
            pending.extend(bindings.get(expr.value, ()))
    return ReturnedText(tuple(calls), frozenset(params))
