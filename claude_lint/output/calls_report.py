"""The `claude-lint calls` report: a text block per call site, or JSON (one object per call site, README "claude-lint calls")."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from claude_lint.engine.calls import CallPosture

_LABEL = 11  # "  handlers: " and the like, so continuation lines line up
_MAX_ROWS = 8  # lines of one kind shown for a call site


def calls_json(postures: list[CallPosture]) -> str:
    return json.dumps([p.as_json() for p in postures], indent=2)


def _function(name: str) -> str:
    return f"{name}()" if name else "module level"


def _via(via: list[dict[str, Any]], others: int = 0) -> str:
    """`main() app/cli.py:5 -> run_job() app/jobs.py:13`: outermost caller first, each at the call it makes."""
    chain = " -> ".join(f"{_function(step['function'])} {step['where']}" for step in reversed(via))
    return chain + (f" (and {others} other chain{'s' if others != 1 else ''})" if others else "")


def _client(p: CallPosture) -> str:
    client = p.client
    name = client["class"] or "client?"
    where = f" ({client['where']})" if client["where"] else ""
    if p.helper:
        return f"{name}{where}, SDK retries off inside `{p.helper}()`"
    retries = "default" if client["max_retries"] is None else str(client["max_retries"])
    return f"{name}{where}, SDK retries {retries}"


def _model(request: dict[str, Any]) -> str:
    model = request["model"]
    known = model["known"]
    if model["source"] is None and not known:
        return "model ?" if not request["arguments_complete"] else "no model"
    if not known:
        return f"model `{model['source']}` (not resolved)"

    quoted = model["source"] is not None and model["source"].startswith(("'", '"'))

    def one(entry: dict[str, Any]) -> str:
        status = entry["status"]
        if entry["end_of_life"] and status in ("retired", "deprecated"):
            status = f"{status} {entry['end_of_life']}"
        where = "" if quoted and len(known) == 1 else f", {entry['where']}"
        return f'"{entry["id"]}" ({status}{where})'

    shown = ", ".join(one(e) for e in known)
    if len(known) > 1:
        shown = f"one of {shown}"
    if not model["complete"]:
        shown += ", or other"
    if model["source"] is None:
        return f"model {shown}"
    return f"model {shown}" if quoted else f"model `{model['source']}` = {shown}"


def _request(p: CallPosture) -> str:
    request = p.request
    parts = [_model(request)]
    tokens = request["max_tokens"]
    if tokens is None:
        parts.append("no max_tokens" if request["arguments_complete"] else "max_tokens ?")
    elif tokens["value"] is not None:
        parts.append(f"max_tokens {tokens['value']}")
    else:
        parts.append(f"max_tokens `{tokens['source']}` (not resolved)")
    messages = request["messages"]
    if p.method.endswith("completions.create"):
        pass  # the legacy Text Completions API takes a `prompt`
    elif messages is None:
        parts.append("no messages" if request["arguments_complete"] else "messages ?")
    elif messages["count"] is not None and messages["complete"]:
        parts.append(f"{messages['count']} message{'s' if messages['count'] != 1 else ''}")
    else:
        parts.append("messages built at run time")
    stream = request["stream"]
    parts.append("streaming" if stream else ("not streaming" if stream is False else "streaming ?"))
    if request["tools"]:
        parts.append("tools")
    if request["thinking"]:
        parts.append("thinking")
    if not request["arguments_complete"]:
        parts.append("more arguments from `**`")
    validated = {"helper": f"validated by `{p.helper}()` before sending", "decorator": "validated by a decorator"}
    parts.append(validated.get(request["validated"], "not validated before sending"))
    return ", ".join(parts)


_WAITS = {"none": "no wait", "fixed": "fixed wait", "exponential": "exponential backoff without jitter",
          "jittered": "backoff with jitter", "unknown": "wait not known"}


def _attempts(retry: dict[str, Any]) -> str:
    tries = "passes" if retry["kind"] == "manual" else "attempts"
    if retry["attempts"] is not None:
        if retry["attempts"] == 1:
            tries = tries[:-2] if tries == "passes" else tries[:-1]
        return f"{retry['attempts']} {tries}"
    return f"bounded, {tries} not known" if retry["bounded"] else "unbounded"


def _retry(retry: dict[str, Any]) -> str:
    where = f" at {retry['where']}" if retry["where"] and retry["kind"] not in ("sdk",) else ""
    name = retry["name"] if retry["kind"] != "sdk" else "SDK"
    via = f"; via {_via(retry['via'], retry.get('other_chains', 0))}" if retry["via"] else ""
    if retry["retries_nothing"]:
        return f"{name}{where}: retries none of its errors (only types the SDK never raises){via}"
    return f"{name}{where}: {_attempts(retry)}, {_WAITS.get(retry['wait'], retry['wait'])}{via}"


def _handler(handler: dict[str, Any]) -> str:
    swallows = " (swallows the error)" if handler["swallows"] else (" (retries)" if handler["retries"] else "")
    if handler["never_matches"]:
        swallows = f" (never matches: {handler['never_matches']})"
    via = f"; via {_via(handler['via'], handler.get('other_chains', 0))}" if handler["via"] else ""
    return f"`{handler['clause']}` at {handler['where']}{swallows}{via}"


def _requests(entry: dict[str, Any]) -> str:
    if entry["max"] == 1:
        head = "1 per call, no retry"
    elif entry["max"] is not None:
        head = f"up to {entry['max']} per call"
    else:
        head = "no limit" if not entry["bounded"] else "not known"
    line = f"{head} ({entry['product']})"
    if entry["paths"] > 1:
        line += f" on {entry['paths']} paths"
        if entry["via"]:
            line += f", e.g. via {_via(entry['via'])}"
    elif entry["via"]:
        line += f" via {_via(entry['via'])}"
    return line


def _rows(label: str, items: list[str], empty: str) -> list[str]:
    head = f"  {label + ':':<{_LABEL - 2}} "
    if not items:
        return [head + empty]
    if len(items) > _MAX_ROWS:  # the JSON output lists them all
        items = [*items[: _MAX_ROWS - 1], f"and {len(items) - _MAX_ROWS + 1} more (`--output-format json` lists all)"]
    pad = " " * len(head)
    return [head + items[0], *(pad + item for item in items[1:])]


def calls_text(postures: list[CallPosture]) -> str:
    """One block per call site: where and what, then its posture line by line."""
    if not postures:
        return "No Claude call sites found."
    blocks = []
    for p in postures:
        how = p.method
        if p.helper:
            how = f"{p.helper}() ({p.method})"
        head = f"{p.path}:{p.line}:{p.column}: {how}" + (f" in {p.function}()" if p.function else "")
        if p.is_async:
            head += " (async)"
        lines = [head]
        lines += _rows("request", [_request(p)], "")
        lines += _rows("client", [_client(p)], "")
        lines += _rows("requests", [_requests(r) for r in p.requests], "?")
        lines += _rows("retries", [_retry(r) for r in p.retries], "none")
        lines += _rows("handlers", [_handler(h) for h in p.handlers], "none")
        callers = [f"{_function(c['function'])} {c['where']}" for c in p.callers]
        if len(callers) > 6:
            callers = [*callers[:5], f"and {len(callers) - 5} more"]
        lines += _rows("callers", [", ".join(callers)] if callers else [], "none found in the project")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n\n" + _summary(postures)


def _summary(postures: list[CallPosture]) -> str:
    """`5 call sites in 4 files: 1 with a retry that has no bound, ...`: what a reader looks for first."""
    count = len(postures)
    files = len({p.path for p in postures})
    head = f"{count} call site{'s' if count != 1 else ''}"
    if files > 1:
        head += f" in {files} files"
    notes = []
    unbounded = sum(1 for p in postures if any(not r["bounded"] for r in p.requests))
    most = max((r["max"] for p in postures for r in p.requests if r["max"] is not None), default=None)
    retired = sum(1 for p in postures if any(k["status"] == "retired" for k in p.request["model"]["known"]))
    unhandled = sum(1 for p in postures if not p.handlers)
    if unbounded:
        notes.append(f"{unbounded} retried without a bound")
    if most is not None and most > 1:
        notes.append(f"up to {most} requests for one call")
    if retired:
        notes.append(f"{retired} may send a retired model")
    if unhandled:
        notes.append(f"{unhandled} with no handler in the project")
    return head + (": " + ", ".join(notes) if notes else "") + "."
