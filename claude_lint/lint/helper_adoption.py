"""Helper adoption ("H" fixes): rewrite a Claude call onto the reference helper.

`client.messages.create(...)` becomes `create_message(client, ...)` (and
`acreate_message`, `stream_message`, `astream_message` for async and stream
calls), importing the name from the configured `helper-module`. When the
call sits in retry scaffolding of a recognised shape, the scaffolding goes
too and its attempt count is carried over as `retry=RetryPolicy(max_attempts=N)`:

- a `for attempt in range(N)` loop whose body is one `try` around the call
  (`return call` or `x = call` then `break`), whose handlers only wait, log,
  count or `continue`;
- the same with `while attempt < N`;
- a tenacity/backoff/stamina decorator on a function whose body is just
  `return call` (a docstring allowed).

Anything else: only the call is rewritten, the rest is left as it was.
"""

from __future__ import annotations

import textwrap

import libcst as cst

from claude_lint.analysis.model import CallSite, LoopInfo
from claude_lint.analysis.retries import RetryMechanism, retry_analysis, sleep_name
from claude_lint.analysis.syntax import names_in, statements_after
from claude_lint.core.diagnostics import Edit, Fix, Location
from claude_lint.lint.context import RuleContext

_HELPERS = {
    ("messages.create", False): "create_message",
    ("messages.create", True): "acreate_message",
    ("messages.stream", False): "stream_message",
    ("messages.stream", True): "astream_message",
}
# Statements a retrying handler may hold for its loop to be replaced by the helper.
_LOGGING_ROOTS = ("logging", "logger", "log", "print", "warnings")


def helper_call(ctx: RuleContext, site: CallSite, extra: str = "") -> tuple[str, list[str]] | None:
    """The helper call replacing `site`, and the helper names it needs."""
    if not site.direct or site.raw_response or site.client_node is None:
        return None
    if any(arg.keyword is None for arg in site.node.args):
        return None  # positional or `*args`: the helper takes only the client positionally
    name = _HELPERS.get((site.method, _is_async_use(ctx, site)))
    if name is None:
        return None
    call = site.node
    client = ctx.source_of(site.client_node)
    args = ctx.source_of(call)[len(ctx.source_of(call.func)) :]  # "(...)" with its own layout
    inner = args[args.index("(") + 1 : args.rindex(")")]
    if extra:
        stripped = inner.rstrip()
        tail = inner[len(stripped) :]
        sep = "" if not stripped or stripped.endswith(",") else ","
        if "\n" in tail:  # one argument per line: add ours as a line of its own
            inner = f"{stripped}{sep}\n{_indent_of(inner)}{extra},{tail}"
        else:
            inner = f"{stripped}{sep} {extra}" if stripped else extra
    text = f"{name}({client}, {inner.lstrip()})" if inner.strip() else f"{name}({client})"
    if inner.startswith("\n"):
        text = f"{name}(\n{_indent_of(inner)}{client},{inner})"
    return text, [name]


def _is_async_use(ctx: RuleContext, site: CallSite) -> bool:
    """An async client, an `await`, or `async with` / `async for` over the call."""
    if site.is_async or site.record.awaited:
        return True
    return any(
        w.is_async and any(item.item is site.node for item in w.node.items) for w in ctx.model.withs
    ) or any(
        isinstance(loop.node, cst.For) and loop.node.asynchronous is not None and loop.node.iter is site.node
        for loop in ctx.model.loops
    )


def _indent_of(block: str) -> str:
    for line in block.splitlines():
        if line.strip():
            return line[: len(line) - len(line.lstrip())]
    return ""


def helper_fix(ctx: RuleContext, site: CallSite) -> Fix | None:
    """Adopt the helper for one call site, removing recognised scaffolding around it."""
    for mechanism in retry_analysis(ctx.model).wrapping(site):
        fix = _replace_mechanism(ctx, site, mechanism)
        if fix is not None:
            return fix
    built = helper_call(ctx, site)
    if built is None:
        return None
    text, names = built
    return _fix(ctx, "Call through the reference helper", [ctx.replace(site.node, text)], names)


def _fix(ctx: RuleContext, message: str, edits: list[Edit], names: list[str]) -> Fix:
    """The fix, with one import line for the helper names the file lacks."""
    module = ctx.settings.helper_module
    missing = []
    for name in sorted(set(names)):
        local, imports = ctx.import_name(module, name)
        if imports:
            missing.append((name, imports))
        elif local != name:  # imported under another name: `import claude_lint.helper as h`
            edits = [Edit(e.start, e.end, e.content.replace(f"{name}(", f"{local}(")) for e in edits]
    if len(missing) == 1 or (missing and ctx.has_from_import(module)):
        # One name, or an existing `from module import ...` that each name extends.
        edits.extend(edit for _, imports in missing for edit in imports)
    elif missing:
        edits.append(ctx.import_statement_edit(f"from {module} import {', '.join(n for n, _ in missing)}"))
    return ctx.fix(message, *edits, safe=False)


def _replace_mechanism(ctx: RuleContext, site: CallSite, m: RetryMechanism) -> Fix | None:
    if m.family == "manual":
        return _replace_loop(ctx, site, m)
    if m.family in ("tenacity", "backoff", "stamina") and m.loop is None:
        return _replace_decorator(ctx, site, m)
    return None


def _policy(m: RetryMechanism) -> str:
    return f"retry=RetryPolicy(max_attempts={m.attempts})" if m.attempts else ""


def _replace_decorator(ctx: RuleContext, site: CallSite, m: RetryMechanism) -> Fix | None:
    function = m.function
    if function is None or site.frame is not function or not isinstance(m.node, cst.Decorator):
        return None
    body = function.node.body
    statements = list(body.body) if isinstance(body, cst.IndentedBlock) else []
    # The decorator retried this one call: it is the function's only Claude call, made
    # by a statement of its own (`return call`, `x = call`), not inside a try or loop.
    if sum(1 for s in ctx.model.call_sites if s.frame is function) != 1:
        return None
    if not any(_makes_call(statement, site.node) for statement in statements):
        return None
    built = helper_call(ctx, site, _policy(m))
    if built is None:
        return None
    text, names = built
    # The whole decorator line(s), from column 0: its indentation belongs to the line too.
    start = Location(ctx.start(m.node).line, 0)
    next_line = Location(ctx.end(m.node).line + 1, 0)
    edits = [Edit(start, next_line, ""), ctx.replace(site.node, text)]
    if m.attempts:
        names.append("RetryPolicy")
    return _fix(ctx, "Replace the retry decorator with the reference helper", edits, names)


def _makes_call(statement: cst.BaseStatement, call: cst.Call) -> bool:
    """`return call`, `x = call`, `x: T = call` or a bare `call` (awaited or not)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    value = small.value if isinstance(small, (cst.Return, cst.Expr, cst.Assign, cst.AnnAssign)) else None
    if isinstance(value, cst.Await):
        value = value.expression
    return value is call


def _replace_loop(ctx: RuleContext, site: CallSite, m: RetryMechanism) -> Fix | None:
    loop = m.loop
    if loop is None or m.attempts is None:
        return None
    node = loop.node
    statements = node.body.body if isinstance(node.body, cst.IndentedBlock) else []
    if len(statements) != 1 or not isinstance(statements[0], cst.Try):
        return None
    try_node = statements[0]
    if try_node.orelse is not None or try_node.finalbody is not None:
        return None
    if any(h not in m.handlers for h in _handlers_of(m, try_node)) or not all(
        _only_waits(ctx, h.node) for h in m.handlers
    ):
        return None
    if node.orelse is not None and not _only_raises(node.orelse):
        return None
    if not any(ctx_.try_info.node is try_node and ctx_.part == "body" for ctx_ in site.record.trys):
        return None
    attempts = m.attempts
    if isinstance(node, cst.For) and names_in(node.target) & names_in(try_node.body):
        return None  # the body uses the loop variable, which would vanish with the loop
    body_text = _block_text(ctx, try_node.body)
    if body_text is None:
        return None
    built = helper_call(ctx, site, f"retry=RetryPolicy(max_attempts={attempts})")
    if built is None:
        return None
    text, names = built
    call_text = ctx.source_of(site.node)
    if body_text.count(call_text) != 1:
        return None
    body_text = textwrap.dedent(body_text.replace(call_text, text))
    lines = [line for line in body_text.splitlines() if line.strip() != "break"]
    indent = " " * ctx.start(node).column
    replacement = "\n".join((indent + line if line.strip() else line) for line in lines).lstrip()
    end = ctx.end(node.orelse) if node.orelse is not None else ctx.end(node)
    dead = _dead_after(ctx, loop, try_node)
    if dead:  # `return None` / `raise GaveUp()` after the loop: the helper now raises instead
        end = ctx.end(dead[-1])
    edits = [Edit(ctx.start(node), end, replacement)]
    return _fix(ctx, f"Replace the retry loop with the reference helper ({attempts} attempts)", edits, [*names, "RetryPolicy"])


def _dead_after(ctx: RuleContext, loop: LoopInfo, try_node: cst.Try) -> list[cst.BaseStatement]:
    """Simple statements after a loop whose body always returned: unreachable once it is gone."""
    body = try_node.body.body if isinstance(try_node.body, cst.IndentedBlock) else []
    last = body[-1] if body else None
    if not (isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], cst.Return)):
        return []
    root: cst.CSTNode = loop.frame.node if loop.frame is not None else ctx.model.module
    following = statements_after(root, loop.node) or []
    dead: list[cst.BaseStatement] = []
    for statement in following:
        if not isinstance(statement, cst.SimpleStatementLine) or statement.leading_lines:
            break
        if not all(isinstance(small, (cst.Return, cst.Raise, cst.Pass)) for small in statement.body):
            break
        dead.append(statement)
    return dead


def _handlers_of(m: RetryMechanism, try_node: cst.Try) -> list[object]:
    return [h for h in (m.handlers[0].try_info.handlers if m.handlers else []) if h.try_info.node is try_node]


def _only_waits(ctx: RuleContext, handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
    """The handler only sleeps, logs, counts, passes or continues."""
    body = handler.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    for statement in statements:
        if not isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return False
        for small in statement.body:
            if isinstance(small, (cst.Pass, cst.Continue, cst.AugAssign)):
                continue
            if isinstance(small, cst.Assign) and all(isinstance(t.target, cst.Name) for t in small.targets):
                continue
            value = small.value if isinstance(small, cst.Expr) else None
            if isinstance(value, cst.Await):
                value = value.expression
            if isinstance(value, cst.Call):
                head = (ctx.model.qualify(value.func) or "").split(".", 1)[0]
                if sleep_name(ctx.model, value) is not None or head in _LOGGING_ROOTS:
                    continue
            return False
    return True


def _only_raises(orelse: cst.Else) -> bool:
    body = orelse.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    return all(
        isinstance(s, cst.SimpleStatementLine) and all(isinstance(small, cst.Raise) for small in s.body)
        for s in statements
    )


def _block_text(ctx: RuleContext, block: cst.BaseSuite) -> str | None:
    """The block's statements as source text; None if a string spans lines."""
    if not isinstance(block, cst.IndentedBlock) or not block.body:
        return None
    text = ctx.text
    offsets = ctx.line_offsets
    first = ctx.start(block.body[0])
    last = ctx.end(block.body[-1])
    start = offsets[first.line - 1]
    end = offsets[last.line - 1] + last.column
    source = text[start:end]
    if '"""' in source or "'''" in source:
        return None  # dedenting would change the string's content
    return source
