"""The posture of each Claude call site in a file: its client, the retries around it, the handlers that catch its errors.

What `claude-lint calls` prints: for every direct call (`client.messages.create(...)`),
the client and its SDK retries, every retry mechanism that repeats it (the SDK,
tenacity, backoff, stamina, a loop, a recursion, a home-made decorator of the
project, at file:line) with its attempts and wait, the `except` clauses that
catch its errors (in its function, and around the calls of that function in
the same module), the model and whether it streams. The facts come from the
same module model and project view the rules read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from claude_lint.analysis.symbols import ProjectSpec, ProjectView
from claude_lint.config.settings import Settings
from claude_lint.core.nesting import check_nesting

_STREAMS = frozenset({"messages.stream", "beta.messages.stream"})


@dataclass
class CallPosture:
    path: str
    line: int
    column: int
    function: str  # "" at module level
    method: str
    model: str  # the `model=` argument's source, "" when not given
    streaming: bool
    is_async: bool
    client: dict[str, Any]
    retries: list[dict[str, Any]] = field(default_factory=list)
    handlers: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "filename": self.path,
            "location": {"row": self.line, "column": self.column},
            "function": self.function,
            "method": self.method,
            "model": self.model,
            "streaming": self.streaming,
            "async": self.is_async,
            "client": self.client,
            "retries": self.retries,
            "handlers": self.handlers,
        }


def call_postures(path: str, text: str, settings: Settings, project: ProjectSpec | None = None) -> list[CallPosture]:
    """The posture of every direct Claude call in the file ([] when it does not parse)."""
    import libcst as cst

    from claude_lint.analysis.model import build_model
    from claude_lint.analysis.retries import direct_sites, retry_analysis, sdk_attempts
    from claude_lint.lint.context import RuleContext
    from claude_lint.lint.retry_wording import mechanism_name
    from claude_lint.sdk.load import load_knowledge

    if check_nesting(text) is not None:
        return []
    try:
        module = cst.parse_module(text)
    except Exception:  # noqa: BLE001  (a file that does not parse has no call sites to show)
        return []
    view = project.view() if project is not None else ProjectView()
    model = build_model(module, load_knowledge(settings.sdk_version, project=settings.root), settings.client_factories, view)
    if not model.call_sites:
        return []
    ctx = RuleContext(path=path, model=model, settings=settings, text=text)
    analysis = retry_analysis(model)
    knowledge = model.knowledge
    out: list[CallPosture] = []
    for site in model.direct_call_sites:
        start = ctx.start(site.node)
        client = site.client
        if client is None:
            client_facts: dict[str, Any] = {"class": "", "max_retries": None, "where": ""}
        else:
            where = client.where or ""
            if not where and client.node is not None:
                where = f"{path}:{ctx.start(client.node).line}"
            client_facts = {"class": client.class_name, "max_retries": client.max_retries, "where": where}
        client_facts["sdk_attempts"] = sdk_attempts(client, knowledge)
        posture = CallPosture(
            path=path,
            line=start.line,
            column=start.column + 1,
            function=site.frame.name if site.frame is not None else "",
            method=site.method,
            model=ctx.code_for(site.keyword("model").value) if site.keyword("model") is not None else "",  # type: ignore[union-attr]
            streaming=site.method in _STREAMS or _is_true(site.keyword("stream")),
            is_async=site.is_async,
            client=client_facts,
        )
        # Retry mechanisms that repeat this call, directly or through a function that makes it.
        reaching = [site] + [s for s in model.call_sites if not s.direct and site in direct_sites(s, model)]
        for m in analysis.mechanisms:
            if not any(s in reaching or any(d is site for d in direct_sites(s, model)) for s in m.call_sites):
                continue
            node = m.loop.node if m.loop is not None else m.node
            posture.retries.append(
                {
                    "kind": m.family,
                    "name": mechanism_name(m, model),
                    "where": f"{path}:{ctx.start(node).line}",
                    "attempts": m.attempts,
                    "bounded": m.bounded,
                    "wait": m.wait,
                }
            )
        # The handlers that catch its errors, innermost first (also around the calls of its function here).
        for other in reaching:
            for handler in other.enclosing_handlers():
                if not (handler.catches_sdk_error() or handler.catches_broad()):
                    continue
                entry = {"clause": ctx.except_clause(handler), "line": ctx.start(handler.node).line}
                if entry not in posture.handlers:
                    posture.handlers.append(entry)
        out.append(posture)
    return out


def _is_true(arg: Any) -> bool:
    import libcst as cst

    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "True"
