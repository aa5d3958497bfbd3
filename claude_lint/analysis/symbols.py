"""What a module learns about names it imports from elsewhere in its project, and a record of what it asked.

The project model (analysis/project.py) answers a qualified name
(`app.llm.ask_claude`) with one of the small frozen records below: a function
that makes Claude calls or returns a reply, a client built in another module,
a retry mechanism defined in the project (with its bound, wait and caught
types written in terms of its parameters), a class with Claude-calling
methods, or a numeric constant (an attempt count or a wait). A `ProjectView` holds the answers one file gets and records every
name the file's analysis asked about, with the answer it got: a file's
findings depend on exactly those answers, so the cache keeps them with the
findings and a run re-lints a file only when one of them changed.

The records are plain data (picklable, printable, compared by value): they
travel to worker processes and their `repr` is the cache's fingerprint.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

# Names the project model never answers: the SDK and the standard library.
_EXTERNAL_ROOTS = frozenset(sys.stdlib_module_names) | {"anthropic", "builtins", "typing_extensions"}


@dataclass(frozen=True)
class RemoteClient:
    """An Anthropic client (or a factory's result) built in another module."""

    class_name: str
    is_async: bool
    max_retries: int | None  # None: not visible, the SDK default applies
    where: str  # "app/llm.py:3"


@dataclass(frozen=True)
class RemoteFunction:
    """A function of the project that makes a Claude call, returns a reply, or builds a client."""

    name: str  # as the message shows it: "ask_claude" or "LLM.ask"
    where: str  # "app/llm.py:12"
    is_async: bool
    calls_claude: bool
    clients: tuple[RemoteClient, ...] = ()  # of the Claude calls it makes (may be empty: client unknown)
    returns: str | None = None  # "message" or "stream": it returns the reply of its call
    returns_client: RemoteClient | None = None  # a client factory
    # For a reply it returns: whether its request can produce tool_use / thinking blocks (None: unknown).
    request_tools: bool | None = None
    request_thinking: bool | None = None
    roots: tuple[str, ...] = ()  # libraries its calls reach (for foreign exception types)
    retry: RemoteRetry | None = None  # a retry mechanism it applies to the calls (a decorator on it)
    # Reached through a method call on an object (`obj.via()`), not called by name: the method
    # called, and the project subclass whose override makes the call ("" for the class itself).
    # A function that reaches such a call through a function it calls: where the Claude call is.
    via: str = ""
    receiver: str = ""
    reaches: str = ""  # "`AnthropicLLM._achat()` (app/anthropic.py:9)"
    # It returns Claude's reply text, or text derived from it (CL405 follows it into the caller).
    returns_text: bool = False

    @property
    def label(self) -> str:
        return f"`{self.name}()` in {self.where}"

    def reached_from(self, call: str) -> str:
        """`self.llm.aask()` reaches a Claude call in `AnthropicLLM._achat()` (app/anthropic.py:9) when the object is an `AnthropicLLM`."""
        if self.reaches:
            return f"{self.label} reaches a Claude call in {self.reaches}"
        text = f"`{call}()` reaches a Claude call in `{self.name}()` ({self.where})"
        if self.receiver:
            article = "an" if self.receiver[:1].lower() in "aeiou" else "a"
            text += f" when the object is {article} `{self.receiver}`"
        return text


@dataclass(frozen=True)
class Param:
    """A value a retry mechanism takes from its use site: parameter `name`, its default's source text."""

    name: str
    index: int  # position among the parameters (-1: keyword-only)
    default: str | None  # source text; None when the parameter has no default


@dataclass(frozen=True)
class RemoteRetry:
    """A retry mechanism defined in the project: a decorator, a decorator factory or a wrapper.

    `catches`, `attempts` and `wait` are either fixed facts or a parameter the use
    site fills in: catches is ("types", qualnames), ("all",), ("inspects",) or
    ("param", Param); attempts is ("count", n), ("unbounded",), ("bounded",) or
    ("param", Param, none_means_unbounded); wait is a kind ("none", "fixed",
    "exponential", "jittered", "unknown").
    """

    name: str
    where: str
    shape: str  # "factory" (`@f(...)`, `f(...)(g)`), "decorator" (`@f`), "wrapper" (`f(g, ...)`)
    catches: tuple[object, ...]
    attempts: tuple[object, ...]
    wait: str
    reads_retry_after: bool = False
    # Its wrapper calls the function without awaiting it: around an `async def` it only sees
    # the coroutine being made, never the errors of the call.
    sync_only: bool = False
    # Its wrapper is a generator that `yield from`s the function inside its retry loop: around a
    # generator function it sees the errors raised while the caller iterates, and retries them.
    iterates: bool = False

    @property
    def label(self) -> str:
        return f"`{self.name}` ({self.where})"


@dataclass(frozen=True)
class RemoteClass:
    """A class defined in the project, and its bases (qualified). Which of its methods reach Claude
    is `ProjectModel.class_methods`: no lint reads it from here (a call of the class constructs
    an object), and working it out for every class a file names dispatched each method over every
    subclass."""

    name: str
    where: str
    bases: tuple[str, ...]


@dataclass(frozen=True)
class ModelCall:
    """The function of another module whose Claude call a model id reaches: `Sampler.__call__` in app/sampler.py:10."""

    function: str  # "Sampler.__call__"; "" for a module's top-level code
    path: str  # as messages show it, relative to the project root
    line: int = 0  # the function's def line (0: unknown)

    @property
    def label(self) -> str:
        """"`Sampler.__call__()` in app/sampler.py:10", as CL302's message says it."""
        place = f"{self.path}:{self.line}" if self.line else self.path
        return f"`{self.function}()` in {place}" if self.function else place


@dataclass(frozen=True)
class ModelSink:
    """Arguments of a project function or constructor whose value becomes the model of a Claude call.

    `params`: (name, position counting `self`, or -1 for keyword-only; the call
    it reaches); `shift`: 1 for a constructor, whose position 0 is `self`
    (analysis/model_flow.py).
    """

    name: str
    params: tuple[tuple[str, int, ModelCall], ...]
    shift: int = 0


@dataclass(frozen=True)
class TextPass:
    """A project function that returns the text of some of its arguments (changed by text operations):
    `params` are (name, position after `self`/`cls`, or -1 for keyword-only)."""

    name: str
    params: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class RemoteConstant:
    """A module-level numeric constant of another module (`API_MAX_RETRY = 16`): an attempt count or a wait."""

    value: int | float
    where: str


@dataclass(frozen=True)
class ModelUses:
    """Where other modules send a name of this one (a constant, a class attribute, a dict) as a Claude call's model.

    `uses`: (dict key, or "" for the value itself, or "*" for any entry; the
    call it reaches, as messages show it).
    """

    name: str
    uses: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RemotePicker:
    """A project function that returns one of several functions (`def pick(model): return ask_claude`
    ...): the functions it may return, each a `RemoteFunction` when it makes a Claude call, else its
    qualified name."""

    name: str
    where: str
    choices: tuple[RemoteFunction | str, ...]


Symbol = (
    RemoteFunction | RemoteClient | RemoteRetry | RemoteClass | ModelSink | ModelUses | RemoteConstant | TextPass
    | RemotePicker
)

# The suffixes of names asked about with `ProjectView.model_sink`, `ProjectView.model_uses`,
# `ProjectView.text_pass` and `ProjectView.picker`.
MODEL_SINK = "#model"
MODEL_USES = "#uses"
TEXT_PASS = "#passes"
PICKS = "#picks"


def is_external(qualname: str) -> bool:
    """A name of the SDK or the standard library: never a project module's."""
    return qualname.split(".", 1)[0] in _EXTERNAL_ROOTS


def absolute_name(qualname: str, module: str | None, is_package: bool = False) -> str | None:
    """`..llm.ask` imported in `app.sub.mod` -> `app.llm.ask`; None when it cannot be placed."""
    if not qualname.startswith("."):
        return qualname
    if module is None:
        return None
    level = len(qualname) - len(qualname.lstrip("."))
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]  # a module's package
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    rest = qualname[level:]
    name = ".".join([*base, rest] if rest else base)
    return name or None


class ProjectView:
    """The answers one file gets about project names, and the record of what it asked.

    `answers` maps absolute qualified names to their symbol (or None); a name
    not in it is answered None, which is right when the caller gave every
    answer it knows (a full run gives the answers for the names the file asked
    the first time; a name asked only now is recorded and the run checks it).
    """

    def __init__(
        self,
        module: str | None = None,
        answers: Mapping[str, Symbol | None] | None = None,
        is_package: bool = False,
        resolve: object = None,
    ) -> None:
        self.module = module
        self.is_package = is_package
        self.answers = answers or {}
        # An on-demand resolver (a ProjectModel) used for names without a given answer.
        self._resolve = resolve
        self.asked: dict[str, Symbol | None] = {}

    def lookup(self, qualname: str | None) -> Symbol | None:
        if qualname is None:
            return None
        name = absolute_name(qualname, self.module, self.is_package)
        if name is None or is_external(name):
            return None
        if name in self.asked:
            return self.asked[name]
        if name in self.answers:
            found = self.answers[name]
        elif self._resolve is not None:
            found = self._resolve.symbol(name)  # type: ignore[attr-defined]
        else:
            found = None
        self.asked[name] = found
        return found

    def function(self, qualname: str | None) -> RemoteFunction | None:
        found = self.lookup(qualname)
        return found if isinstance(found, RemoteFunction) else None

    def client(self, qualname: str | None) -> RemoteClient | None:
        found = self.lookup(qualname)
        return found if isinstance(found, RemoteClient) else None

    def retry(self, qualname: str | None) -> RemoteRetry | None:
        found = self.lookup(qualname)
        return found if isinstance(found, RemoteRetry) else None

    def class_(self, qualname: str | None) -> RemoteClass | None:
        found = self.lookup(qualname)
        return found if isinstance(found, RemoteClass) else None

    def model_sink(self, qualname: str | None) -> ModelSink | None:
        """Which arguments of a call of `qualname` (a function or class) reach a Claude call's model."""
        found = self.lookup(f"{qualname}{MODEL_SINK}") if qualname else None
        return found if isinstance(found, ModelSink) else None

    def model_uses(self, qualname: str) -> ModelUses | None:
        """Where other modules send `qualname` (a name this module defines) as a Claude call's model."""
        found = self.lookup(f"{qualname}{MODEL_USES}")
        return found if isinstance(found, ModelUses) else None

    def text_pass(self, qualname: str | None) -> TextPass | None:
        """Which arguments of a call of `qualname` (a function or a class's method) it returns as text."""
        found = self.lookup(f"{qualname}{TEXT_PASS}") if qualname else None
        return found if isinstance(found, TextPass) else None

    def picker(self, qualname: str | None) -> RemotePicker | None:
        """The functions a call of `qualname` (a project function that returns one of several) may return."""
        found = self.lookup(f"{qualname}{PICKS}") if qualname else None
        return found if isinstance(found, RemotePicker) else None

    def constant(self, qualname: str | None) -> int | float | None:
        found = self.lookup(qualname)
        return found.value if isinstance(found, RemoteConstant) else None

    def fingerprints(self) -> dict[str, str]:
        """What was asked and answered, as the cache keeps it."""
        return {name: fingerprint(symbol) for name, symbol in self.asked.items()}


def _fact_to_json(fact: tuple[object, ...]) -> list[object]:
    return [{"param": f.name, "index": f.index, "default": f.default} if isinstance(f, Param) else f for f in fact]


def _fact_from_json(fact: list[object]) -> tuple[object, ...]:
    out: list[object] = []
    for item in fact:
        if isinstance(item, dict):
            out.append(Param(str(item["param"]), int(item["index"]), item["default"]))
        elif isinstance(item, list):
            out.append(tuple(str(x) for x in item))
        else:
            out.append(item)
    return tuple(out)


def retry_to_json(retry: RemoteRetry) -> dict[str, object]:
    return {
        "name": retry.name,
        "shape": retry.shape,
        "catches": _fact_to_json(retry.catches),
        "attempts": _fact_to_json(retry.attempts),
        "wait": retry.wait,
        "retry_after": retry.reads_retry_after,
        "sync_only": retry.sync_only,
        "iterates": retry.iterates,
    }


def retry_from_json(data: dict[str, object], where: str) -> RemoteRetry:
    return RemoteRetry(
        str(data["name"]),
        where,
        str(data["shape"]),
        _fact_from_json(data["catches"]),  # type: ignore[arg-type]
        _fact_from_json(data["attempts"]),  # type: ignore[arg-type]
        str(data["wait"]),
        bool(data["retry_after"]),
        bool(data.get("sync_only", False)),
        bool(data.get("iterates", False)),
    )


def fingerprint(symbol: Symbol | None) -> str:
    return repr(symbol)


@dataclass(frozen=True)
class ProjectSpec:
    """What linting one file needs from its project: picklable, sent to worker processes.

    `module`: the file's dotted module name (None outside a package we can
    name); `answers`: symbols for names it is known to ask about; `names`:
    project names that make a file worth parsing even without an SDK trigger
    string (functions that call Claude, clients); `resolve`: an in-process
    project model asked for names without an answer (single-file modes);
    `display`: the file's path as the project shows it (its own names, resolved
    from its own summary before the project has it, say where they are).
    """

    module: str | None = None
    is_package: bool = False
    answers: Mapping[str, Symbol | None] = field(default_factory=dict, hash=False)
    names: tuple[str, ...] = ()
    resolve: object = field(default=None, hash=False, compare=False)
    display: str = ""  # the file's path as messages show it (relative to the project root)

    def view(self) -> ProjectView:
        return ProjectView(self.module, self.answers, self.is_package, self.resolve)
