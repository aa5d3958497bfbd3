"""The `claude-lint calls` report: a text table, or JSON (one object per call site)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from claude_lint.engine.calls import CallPosture


def calls_json(postures: list[CallPosture]) -> str:
    return json.dumps([p.as_json() for p in postures], indent=2)


def _client(client: dict[str, Any]) -> str:
    name = client["class"] or "client?"
    retries = "default" if client["max_retries"] is None else str(client["max_retries"])
    where = f" ({client['where']})" if client["where"] else ""
    attempts = client["sdk_attempts"]
    return f"{name}{where}, SDK retries {retries} ({attempts} attempt{'s' if attempts != 1 else ''} per call)"


def _retry(retry: dict[str, Any]) -> str:
    attempts = (
        f"{retry['attempts']} attempts" if retry["attempts"] is not None else ("bounded" if retry["bounded"] else "unbounded")
    )
    return f"{retry['name']} at {retry['where']}: {attempts}, wait {retry['wait']}"


def calls_text(postures: list[CallPosture]) -> str:
    """One block per call site: where, what, and its posture line by line."""
    if not postures:
        return "No Claude call sites found."
    blocks = []
    for p in postures:
        head = f"{p.path}:{p.line}:{p.column}: {p.method}" + (f" in {p.function}()" if p.function else "")
        lines = [
            head,
            f"  model:    {p.model or '?'}{' (streaming)' if p.streaming else ''}{' (async)' if p.is_async else ''}",
            f"  client:   {_client(p.client)}",
        ]
        lines += [f"  retry:    {_retry(r)}" for r in p.retries] or ["  retry:    none besides the SDK's"]
        lines += [f"  handler:  `{h['clause']}` on line {h['line']}" for h in p.handlers] or ["  handler:  none in this module"]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + f"\n\n{len(postures)} call site{'s' if len(postures) != 1 else ''}."
