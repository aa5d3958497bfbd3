"""How messages name retry mechanisms and errors, and which part of a retry construct they underline."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from claude_lint.analysis.model import ModuleModel
from claude_lint.analysis.retries import RetryMechanism
from claude_lint.sdk.knowledge import Knowledge


def describe_errors(names: Sequence[str], knowledge: Knowledge, limit: int = 4) -> str:
    """`RateLimitError (429), APIStatusError and 2 more`: SDK errors with their status codes."""
    parts = []
    for name in names[:limit]:
        status = knowledge.exceptions[name].status_code
        parts.append(f"{name} ({status})" if status else name)
    more = len(names) - limit
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")


def header_width(node: cst.CSTNode) -> int | None:
    """Underline only the keyword of a loop header (`for`, `async for`, `while`)."""
    if isinstance(node, cst.For):
        return len("async for") if node.asynchronous is not None else len("for")
    if isinstance(node, cst.While):
        return len("while")
    if isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler)):
        return len("except")
    return None


def mechanism_name(m: RetryMechanism, model: ModuleModel) -> str:
    """How a message names the mechanism: `@retry(...)`, `Retrying(...)`, this loop, ..."""
    if m.family == "manual":
        return f"the `{'for' if isinstance(m.node, cst.For) else 'while'}` retry loop"
    if m.family == "recursion":
        assert m.function is not None
        return f"the recursive retry of `{m.function.name}()`"
    if m.family == "project" or m.applied:
        # At a call or in a dict's value the decorator shows as applied: `retry_handler(...)`,
        # `tenacity.retry(...)` (also for a bare `tenacity.retry(ask)`).
        expr = m.node.decorator if isinstance(m.node, cst.Decorator) else m.node
        assert isinstance(expr, cst.BaseExpression)
        head = model.module.code_for_node(expr.func if isinstance(expr, cst.Call) else expr)
        shown = f"@{head}" if isinstance(m.node, cst.Decorator) else head
        suffix = "(...)" if isinstance(expr, cst.Call) else ""
        return f"`{shown}{suffix}`" + (f" (defined in {m.origin})" if m.origin else "")
    if isinstance(m.node, cst.Decorator):
        expr = m.node.decorator
        head = model.module.code_for_node(expr.func if isinstance(expr, cst.Call) else expr)
        return f"`@{head}{'(...)' if isinstance(expr, cst.Call) else ''}`"
    assert m.call is not None
    return f"`{model.module.code_for_node(m.call.func)}(...)`"
