"""Helper adoption ("H" fixes): rewrite a Claude call onto the reference helper.

`client.messages.create(...)` becomes `create_message(client, ...)` (and
`acreate_message`, `stream_message`, `astream_message` for async and stream
calls), importing the name from the configured `helper-module`. The fix is
all or nothing: every retry around the call goes with it, or there is no fix
(the helper's retries inside a kept loop or decorator would multiply
attempts), and the rule's message says why. Recognised scaffolding, whose
attempt count is carried over as `retry=RetryPolicy(max_attempts=N)`:

- a `for attempt in range(N)` loop whose body is one `try` around the call
  (`return call` or `x = call` then `break`), whose handlers only wait, log,
  count or `continue`;
- the same with `while attempt < N`;
- a tenacity/retrying/backoff/stamina decorator on a function whose body is just
  `return call` (a docstring allowed).

What the rewrite changes is said in the fix's title: which errors are
retried, that an invalid request raises `RequestValidationError` (a
`ValueError`) before sending, and what the code does when attempts run out
(the helper raises the API error). A loop that ended in a value its callers
check (`return None` in a `-> str | None` function, a pre-set fallback, a
sentinel constant) is not rewritten: the callers would get an exception
instead. A handler that caught the old failure by an SDK class
(`except anthropic.APIError`) is extended to catch `RequestValidationError`.

With no `helper-module` configured the fix is display-only: `--diff` shows
it, `--fix` does not write it, since the fixed code would import claude-lint
at run time (see `claude-lint helper --write`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import NamedTuple

import libcst as cst

from claude_lint.analysis.model import CallSite, FunctionInfo, HandlerInfo, LoopInfo, ModuleModel
from claude_lint.analysis.records import BUNDLED_HELPER_MODULE
from claude_lint.analysis.retries import (
    HELPER_DEFAULT_ATTEMPTS,
    RetryMechanism,
    admitted_non_retryable,
    manual_predicate,
    retry_analysis,
    sites_calling,
    sites_in_function,
    sleep_name,
)
from claude_lint.analysis.syntax import contains_node, contains_raise, names_in, statements_after
from claude_lint.analysis.walk import walk
from claude_lint.core.diagnostics import Applicability, Edit, Fix, Location
from claude_lint.lint.context import RuleContext
from claude_lint.lint.retry_wording import mechanism_name

_HELPERS = {
    ("messages.create", False): "create_message",
    ("messages.create", True): "acreate_message",
    ("messages.stream", False): "stream_message",
    ("messages.stream", True): "astream_message",
}
# Statements a retrying handler may hold for its loop to be replaced by the helper.
_LOGGING_ROOTS = ("logging", "logger", "log", "print", "warnings")
_DECORATOR_FAMILIES = ("tenacity", "retrying", "backoff", "stamina")
# What every helper fix changes, said in its title.
_RETRIES_ONLY = "retries only 429, 5xx and connection errors"
_VALIDATES = "an invalid request raises RequestValidationError (a ValueError) before sending"
NOT_CONFIGURED = (
    " (shown, not applied: no `helper-module` is configured; vendor the helper with "
    "`claude-lint helper --write <path>`, which records it)"
)


class Adoption(NamedTuple):
    """A helper fix, or why there is none ("" when the call is simply not one the helper makes)."""

    fix: Fix | None
    reason: str = ""


def helper_fix(ctx: RuleContext, site: CallSite) -> Fix | None:
    return adopt_helper(ctx, site).fix


def with_reason(message: str, adoption: Adoption) -> str:
    """A rule's message, with why there is no helper fix when that is worth saying."""
    return f"{message}; {adoption.reason}" if adoption.fix is None and adoption.reason else message


def helper_call(ctx: RuleContext, site: CallSite, extra: str = "") -> tuple[str, list[str]] | None:
    """The helper call replacing `site`, and the helper names it needs."""
    if not site.direct or site.helper or site.raw_response or site.resource:
        return None
    client_node = site.fixable_client
    if client_node is None:
        return None
    if any(arg.keyword is None for arg in site.node.args):
        return None  # positional or `*args`: the helper takes only the client positionally
    name = _HELPERS.get((site.method, _is_async_use(ctx, site)))
    if name is None:
        return None
    call = site.node
    client = ctx.source_of(client_node)
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


def _unsupported(site: CallSite) -> str:
    """Why the helper cannot make this call, or ""."""
    if site.resource:
        return f"no helper fix: the helper calls `client.messages`, not `client.{site.resource}.messages`"
    if site.method.startswith("beta."):
        return "no helper fix: the helper calls `client.messages`, not `client.beta.messages`"
    if site.client is None:
        return "no helper fix: the client is not known to be an SDK client object"
    if site.fixable_client is None:
        return "no helper fix: the call is made on a resource held in a variable, not on the client"
    return ""


def _is_async_use(ctx: RuleContext, site: CallSite) -> bool:
    """An async client, an `await`, or `async with` / `async for` over the call."""
    if site.is_async or site.record.awaited:
        return True
    return id(site.node) in ctx.model.shared(_async_used)


def _async_used(model: ModuleModel) -> set[int]:
    """The expressions `async with` and `async for` use (by id), read once per module, not per call."""
    used = {id(item.item) for w in model.withs if w.is_async for item in w.node.items}
    used.update(id(loop.node.iter) for loop in model.loops if isinstance(loop.node, cst.For) and loop.node.asynchronous is not None)
    return used


def _indent_of(block: str) -> str:
    for line in block.splitlines():
        if line.strip():
            return line[: len(line) - len(line.lstrip())]
    return ""


def adopt_helper(ctx: RuleContext, site: CallSite) -> Adoption:
    """Adopt the helper for one call site, with every retry around it, or say why not."""
    if not site.direct or site.helper or site.raw_response:
        return Adoption(None)
    why = _unsupported(site)
    if why:
        return Adoption(None, why)
    analysis = retry_analysis(ctx.model)
    # A retry only on results stays: it re-asks after a reply, around the helper's retries of errors.
    mechanisms = [m for m in analysis.wrapping(site) if m.retries_errors]
    frame = site.frame
    decorated = any(m.function is frame and m.family in _DECORATOR_FAMILIES and m.loop is None for m in mechanisms)
    if frame is not None and id(frame) in analysis.retried_functions and not decorated:
        return Adoption(
            None,
            f"no helper fix: `{frame.name}()` is retried where it is called, and the helper's retries "
            "inside that retry would multiply attempts",
        )
    if len(mechanisms) > 1:
        return Adoption(None, f"no helper fix: {len(mechanisms)} retries wrap this call and the fix would replace one")
    if mechanisms:
        return _replace_mechanism(ctx, site, mechanisms[0])
    built = helper_call(ctx, site)
    if built is None:
        return Adoption(None)
    text, names = built
    edits = [ctx.replace(site.node, text)]
    caught = _extend_handlers(ctx, site, None, edits)
    if caught:
        names.append("RequestValidationError")
    title = f"Call through the reference helper: retries 429, 5xx and connection errors ({HELPER_DEFAULT_ATTEMPTS} attempts); {_VALIDATES}"
    return Adoption(_fix(ctx, site, title + caught, edits, names))


def helper_replaces(ctx: RuleContext, m: RetryMechanism) -> bool:
    """Whether a helper fix that `--fix` writes is offered (by CL202 or CL210) and removes this mechanism."""
    if len(m.call_sites) != 1 or not m.call_sites[0].direct:
        return False
    handlers = m.handlers if m.family in ("manual", "recursion") else None
    predicate = manual_predicate(ctx.model, handlers) if handlers else m.predicate
    falls_through = m.family == "manual" and m.loop is not None and not _raises_after(ctx, m.loop)
    if not admitted_non_retryable(predicate, ctx.knowledge) and not falls_through:
        return False
    fix = adopt_helper(ctx, m.call_sites[0]).fix
    # A display-only helper fix (no `helper-module`) is never written: the other fixes stay.
    return fix is not None and fix.applicability is not Applicability.DISPLAY_ONLY


def _raises_after(ctx: RuleContext, loop: LoopInfo) -> bool:
    node = loop.node
    if node.orelse is not None and contains_raise(node.orelse):
        return True
    root: cst.CSTNode = loop.frame.node if loop.frame is not None else ctx.model.module
    return any(contains_raise(statement) for statement in statements_after(root, node) or [])


def _fix(ctx: RuleContext, site: CallSite, message: str, edits: list[Edit], names: list[str]) -> Fix:
    """The fix, with one import line for the helper names the file lacks."""
    configured = ctx.settings.helper_module
    module = configured or BUNDLED_HELPER_MODULE
    missing = []
    for name in sorted(set(names)):
        local, imports = ctx.import_name(module, name)
        if imports:
            missing.append((name, imports))
        elif local != name:  # imported under another name: `import claude_lint.helper as h`
            edits = [Edit(e.start, e.end, _rename(e.content, name, local)) for e in edits]
    deferred = _deferred_import_anchor(ctx, site)
    if missing and deferred is not None:
        # `import anthropic` sits in the function: the helper's import goes next to it.
        statement = f"from {module} import {', '.join(n for n, _ in missing)}"
        indent = " " * ctx.start(deferred).column
        end = ctx.end(deferred)
        edits.append(Edit(end, end, f"{ctx.model.module.default_newline}{indent}{statement}"))
    elif len(missing) == 1 or (missing and ctx.has_from_import(module)):
        # One name, or an existing `from module import ...` that each name extends.
        edits.extend(edit for _, imports in missing for edit in imports)
    elif missing:
        edits.append(ctx.import_statement_edit(f"from {module} import {', '.join(n for n, _ in missing)}"))
    if configured is None:
        return Fix(message + NOT_CONFIGURED, Applicability.DISPLAY_ONLY, tuple(edits))
    return ctx.fix(message, *edits, safe=False)


def _rename(content: str, name: str, local: str) -> str:
    for suffix in ("(", ")", ","):
        content = content.replace(f"{name}{suffix}", f"{local}{suffix}")
    return content


def _deferred_import_anchor(ctx: RuleContext, site: CallSite) -> cst.SimpleStatementLine | None:
    """The `import anthropic` inside the call's function, when the module does not import it at top level."""
    if _imports_anthropic(ctx.model.module.body):
        return None
    function: FunctionInfo | None = site.frame
    while function is not None:
        body = function.node.body
        statements = body.body if isinstance(body, cst.IndentedBlock) else []
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine) and _imports_anthropic([statement]):
                return statement
        parent = function.scope.parent
        function = next((f for f in ctx.model.functions if parent is not None and f.scope is parent), None)
    return None


def _imports_anthropic(statements: Sequence[cst.BaseStatement]) -> bool:
    for statement in statements:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                names = [_dotted(alias.name) for alias in small.names]
            elif isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None:
                names = [_dotted(small.module)]
            else:
                continue
            if any(name == "anthropic" or name.startswith("anthropic.") for name in names):
                return True
    return False


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


# ---------------------------------------------------------------- handlers that caught the failure


def _extend_handlers(ctx: RuleContext, site: CallSite, removed: cst.CSTNode | None, edits: list[Edit]) -> str:
    """Extend handlers that caught a bad request by an SDK class to catch RequestValidationError.

    The old call failed a bad request with `BadRequestError`; the helper raises
    `RequestValidationError` (a ValueError) first. Returns the title's note, and
    adds "RequestValidationError" edits; the import is added by the caller's names.
    """
    handlers: list[HandlerInfo] = []
    for handler in site.enclosing_handlers():
        if removed is not None and _inside(ctx, handler.node, removed):
            continue
        handlers.append(handler)
    if site.frame is not None:
        for other in sites_calling(ctx.model, site.frame):
            handlers.extend(h for h in other.enclosing_handlers() if h not in handlers)
    extended = []
    for handler in handlers:
        if not _catches_bad_request_only_by_sdk_class(ctx, handler):
            continue
        type_node = handler.node.type
        assert type_node is not None
        if isinstance(type_node, cst.Tuple) and type_node.elements:
            edits.append(ctx.insert_after(type_node.elements[-1].value, ", RequestValidationError"))
        else:
            edits.append(ctx.replace(type_node, f"({ctx.code_for(type_node)}, RequestValidationError)"))
        extended.append(handler)
    if not extended:
        return ""
    where = ", ".join(f"line {ctx.start(h.node).line}" for h in extended)
    return f"; the `except` on {where} now also catches RequestValidationError"


def _catches_bad_request_only_by_sdk_class(ctx: RuleContext, handler: HandlerInfo) -> bool:
    if handler.is_bare or isinstance(handler.node, cst.ExceptStarHandler):
        return False
    names = [t.qualname or "" for t in handler.types]
    if any(n in ("Exception", "BaseException", "ValueError") or n.endswith("RequestValidationError") for n in names):
        return False
    knowledge = ctx.knowledge
    return any(
        t.sdk_name is not None and knowledge.is_subclass("BadRequestError", t.sdk_name) for t in handler.types
    )


def _inside(ctx: RuleContext, node: cst.CSTNode, container: cst.CSTNode) -> bool:
    start, end = ctx.start(node), ctx.end(node)
    return ctx.start(container) <= start and end <= ctx.end(container)


# ---------------------------------------------------------------- replacing a mechanism


def _replace_mechanism(ctx: RuleContext, site: CallSite, m: RetryMechanism) -> Adoption:
    if m.family == "manual":
        return _replace_loop(ctx, site, m)
    if m.family in _DECORATOR_FAMILIES and m.loop is None and not m.applied:
        return _replace_decorator(ctx, site, m)
    return Adoption(None, f"no helper fix: the fix cannot replace {mechanism_name(m, ctx.model)} around this call")


def _replace_decorator(ctx: RuleContext, site: CallSite, m: RetryMechanism) -> Adoption:
    function = m.function
    why = "no helper fix: the decorated function does more than make this one call, so the decorator cannot go"
    if function is None or site.frame is not function or not isinstance(m.node, cst.Decorator):
        return Adoption(None, why)
    body = function.node.body
    statements = list(body.body) if isinstance(body, cst.IndentedBlock) else []
    # The decorator retried this one call: it is the function's only Claude call, made
    # by a statement of its own (`return call`, `x = call`), not inside a try or loop.
    if len(sites_in_function(ctx.model, function)) != 1:
        return Adoption(None, why)
    if statements and _is_docstring(statements[0]):
        statements = statements[1:]
    # The decorator retried the whole function: the call must be all it does (or `x = call`
    # then `return x`), or errors of the rest (a parse of the reply) would lose their retry.
    if not statements or not _makes_call(statements[0], site.node) or not _only_returns_result(statements):
        return Adoption(None, why)
    if sum(1 for d in function.decorators if _is_retry_decorator(ctx, d)) != 1:
        return Adoption(None, why)
    attempts = m.attempts if m.attempts and m.bounded else None
    built = helper_call(ctx, site, f"retry=RetryPolicy(max_attempts={attempts})" if attempts else "")
    if built is None:
        return Adoption(None)
    text, names = built
    # The whole decorator line(s), from column 0: its indentation belongs to the line too.
    start = Location(ctx.start(m.node).line, 0)
    next_line = Location(ctx.end(m.node).line + 1, 0)
    edits = [Edit(start, next_line, ""), ctx.replace(site.node, text)]
    if attempts:
        names.append("RetryPolicy")
    caught = _extend_handlers(ctx, site, function.node, edits)
    if caught:
        names.append("RequestValidationError")
    changes = [f"{_RETRIES_ONLY} ({attempts or HELPER_DEFAULT_ATTEMPTS} attempts)"]
    if m.family in ("tenacity", "retrying") and not m.reraise:
        changes.append(f"when they run out it raises the API error instead of {m.family}.RetryError")
    title = f"Replace the retry decorator with the reference helper: {'; '.join(changes)}; {_VALIDATES}{caught}"
    return Adoption(_fix(ctx, site, title, edits, names))


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _only_returns_result(statements: Sequence[cst.BaseStatement]) -> bool:
    """`[return call]`, `[call]`, or `[x = call, return x]`."""
    if len(statements) == 1:
        return True
    if len(statements) != 2:
        return False
    first, second = statements
    assert isinstance(first, cst.SimpleStatementLine)
    small = first.body[0]
    target = small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else (
        small.target if isinstance(small, cst.AnnAssign) else None
    )
    if not isinstance(target, cst.Name) or not isinstance(second, cst.SimpleStatementLine):
        return False
    returned = second.body[0]
    return isinstance(returned, cst.Return) and isinstance(returned.value, cst.Name) and returned.value.value == target.value


def _is_retry_decorator(ctx: RuleContext, decorator: cst.Decorator) -> bool:
    expr = decorator.decorator
    target = expr.func if isinstance(expr, cst.Call) else expr
    root = (ctx.model.qualify(target) or "").split(".", 1)[0]
    return root in _DECORATOR_FAMILIES


def _makes_call(statement: cst.BaseStatement, call: cst.Call) -> bool:
    """`return call`, `x = call`, `x: T = call` or a bare `call` (awaited or not)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    value = small.value if isinstance(small, (cst.Return, cst.Expr, cst.Assign, cst.AnnAssign)) else None
    if isinstance(value, cst.Await):
        value = value.expression
    return value is call


_LOOP_SHAPE = (
    "no helper fix: the fix replaces a retry loop only when its body is one `try` around the call "
    "whose handlers only wait, log or count"
)


def _replace_loop(ctx: RuleContext, site: CallSite, m: RetryMechanism) -> Adoption:
    loop = m.loop
    if loop is None or m.attempts is None:
        if not m.bounded:
            return Adoption(None, "no helper fix: the loop has no attempt bound to carry over")
        return Adoption(None, "no helper fix: the loop's attempt count is not a literal")
    node = loop.node
    statements = node.body.body if isinstance(node.body, cst.IndentedBlock) else []
    if len(statements) != 1 or not isinstance(statements[0], cst.Try):
        return Adoption(None, _LOOP_SHAPE)
    try_node = statements[0]
    if try_node.orelse is not None or try_node.finalbody is not None:
        return Adoption(None, _LOOP_SHAPE)
    if any(h not in m.handlers for h in _handlers_of(m, try_node)) or not all(
        _only_waits(ctx, h.node) for h in m.handlers
    ):
        return Adoption(None, _LOOP_SHAPE)
    if node.orelse is not None and not _only_raises(node.orelse):
        return Adoption(None, _LOOP_SHAPE)
    if not any(ctx_.try_info.node is try_node and ctx_.part == "body" for ctx_ in site.record.trys):
        return Adoption(None, _LOOP_SHAPE)
    attempts = m.attempts
    if isinstance(node, cst.For) and names_in(node.target) & names_in(try_node.body):
        return Adoption(None, "no helper fix: the request uses the loop variable")
    body_text = _block_text(ctx, try_node.body)
    if body_text is None:
        return Adoption(None, _LOOP_SHAPE)
    outcome = _exhausted_outcome(ctx, site, loop, try_node)
    if isinstance(outcome, Adoption):
        return outcome
    ending, dead = outcome
    built = helper_call(ctx, site, f"retry=RetryPolicy(max_attempts={attempts})")
    if built is None:
        return Adoption(None)
    text, names = built
    call_text = ctx.source_of(site.node)
    if body_text.count(call_text) != 1:
        return Adoption(None, _LOOP_SHAPE)
    body_text = textwrap.dedent(body_text.replace(call_text, text))
    lines = [line for line in body_text.splitlines() if line.strip() != "break"]
    indent = " " * ctx.start(node).column
    replacement = "\n".join((indent + line if line.strip() else line) for line in lines).lstrip()
    end = ctx.end(node.orelse) if node.orelse is not None else ctx.end(node)
    if dead:  # `return None` / `raise GaveUp()` after the loop: the helper now raises instead
        end = ctx.end(dead[-1])
    edits = [Edit(ctx.start(node), end, replacement)]
    caught = _extend_handlers(ctx, site, node, edits)
    if caught:
        names.append("RequestValidationError")
    title = (
        f"Replace the retry loop with the reference helper ({attempts} attempts): {_RETRIES_ONLY}; "
        f"{ending}; {_VALIDATES}{caught}{_uncovered(ctx, site, try_node)}"
    )
    return Adoption(_fix(ctx, site, title, edits, [*names, "RetryPolicy"]))


def _cannot_raise(statement: cst.BaseStatement) -> bool:
    """`return`, `return name`, `pass`, `break`, `continue`: nothing in them raises."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return all(
        isinstance(small, (cst.Pass, cst.Break, cst.Continue))
        or (isinstance(small, cst.Return) and (small.value is None or isinstance(small.value, cst.Name)))
        for small in statement.body
    )


def _uncovered(ctx: RuleContext, site: CallSite, try_node: cst.Try) -> str:
    """The title's words for the `try`'s other statements, which the fix leaves outside any handler."""
    others = [s for s in try_node.body.body if not _makes_call(s, site.node) and not _cannot_raise(s)]
    if not others:
        return ""
    first, last = ctx.start(others[0]).line, ctx.end(others[-1]).line
    lines = f"line {first}" if first == last else f"lines {first}-{last}"
    return f"; errors of the `try`'s other statements ({lines}) are no longer caught or retried"


def _exhausted_outcome(
    ctx: RuleContext, site: CallSite, loop: LoopInfo, try_node: cst.Try
) -> tuple[str, list[cst.BaseStatement]] | Adoption:
    """What the loop did when attempts ran out, as the title's words, and the statements the fix
    removes with it; or no fix, when callers get a value they check (the helper raises instead)."""
    node = loop.node
    raises = "when attempts run out it raises the API error"
    if node.orelse is not None:  # `for ... else: raise GaveUp()`
        return f"{raises} instead of {_raised_name(node.orelse)}", []
    body = try_node.body.body if isinstance(try_node.body, cst.IndentedBlock) else []
    last = body[-1] if body else None
    returns = isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], cst.Return)
    if not returns:
        # `x = call` then `break`: after the last failure `x` was never set, unless it had a value before.
        assigned = {
            name
            for statement in body
            if isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body
            if isinstance(small, (cst.Assign, cst.AnnAssign))
            for name in names_in(small.targets[0].target if isinstance(small, cst.Assign) else small.target)
        }
        preset = sorted(n for n in assigned if len(site.record.scope.bindings.get(n, ())) > 1)
        if preset:
            return Adoption(
                None,
                f"no helper fix: when attempts run out the code goes on with `{preset[0]}` at its earlier value, "
                "which the helper would turn into an exception",
            )
        return f"{raises} instead of leaving the result unset", []
    root: cst.CSTNode = loop.frame.node if loop.frame is not None else ctx.model.module
    following = statements_after(root, node) or []
    dead = _dead_after(following)
    if following and not dead:
        return Adoption(None, "no helper fix: code after the loop runs when attempts run out, and the helper raises instead")
    if dead and any(isinstance(small, cst.Raise) for small in dead[0].body):  # type: ignore[attr-defined]
        return f"{raises} instead of {_raised_name(dead[0])}", dead
    value = _returned_value(dead)
    if value is not None:
        return Adoption(
            None,
            f"no helper fix: when attempts run out the function returns `{ctx.code_for(value)}`, which callers "
            "may check, and the helper raises instead",
        )
    if loop.frame is None:
        return Adoption(None, _LOOP_SHAPE)
    checked = _none_checked(ctx, loop.frame)
    if checked:
        return Adoption(
            None,
            f"no helper fix: when attempts run out `{loop.frame.name}()` returns None, which {checked}, "
            "and the helper raises instead",
        )
    return f"{raises} instead of returning None", dead


def _raised_name(node: cst.CSTNode) -> str:
    """`RuntimeError` for `raise RuntimeError("gave up")`."""
    found: list[str] = []

    class _Raise(cst.CSTVisitor):
        def visit_Raise(self, raise_node: cst.Raise) -> None:
            exc = raise_node.exc
            if isinstance(exc, cst.Call):
                exc = exc.func
            if exc is not None and not found:
                found.append(_dotted(exc) or "its own error")

    walk(node, _Raise())
    return f"raising {found[0]}" if found else "raising its own error"


def _dead_after(following: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """Simple `return`/`raise`/`pass` statements right after a loop whose body always returned."""
    dead: list[cst.BaseStatement] = []
    for statement in following:
        if not isinstance(statement, cst.SimpleStatementLine) or any(line.comment for line in statement.leading_lines):
            break
        if not all(isinstance(small, (cst.Return, cst.Raise, cst.Pass)) for small in statement.body):
            break
        dead.append(statement)
    return dead


def _returned_value(dead: list[cst.BaseStatement]) -> cst.BaseExpression | None:
    """The value a `return X` after the loop gives, unless it is None."""
    for statement in dead:
        for small in statement.body:  # type: ignore[attr-defined]
            if isinstance(small, cst.Return) and small.value is not None:
                if isinstance(small.value, cst.Name) and small.value.value == "None":
                    return None
                return small.value
    return None


def _none_checked(ctx: RuleContext, function: FunctionInfo) -> str:
    """How the code says a None result is expected ("" when it does not)."""
    returns = function.node.returns
    if returns is not None and "None" in names_in(returns.annotation) | {_dotted(returns.annotation)}:
        return "its return annotation allows"
    if returns is not None and "Optional" in ctx.code_for(returns.annotation):
        return "its return annotation allows"
    for record in ctx.model.calls_of(function):
        root: cst.CSTNode = record.frame.node if record.frame is not None else ctx.model.module
        tests = _Tests()
        walk(root, tests)
        assigned = {name for name, values in record.scope.bindings.items() if any(v is record.node or (isinstance(v, cst.Await) and v.expression is record.node) for v in values)}
        if assigned & tests.names or any(contains_node(test, record.node) for test in tests.tests):
            caller = record.frame.name if record.frame is not None else "the module"
            return f"`{caller}` checks"
    return ""


class _Tests(cst.CSTVisitor):
    """Expressions whose truth or None-ness the code tests."""

    def __init__(self) -> None:
        self.tests: list[cst.CSTNode] = []
        self.names: set[str] = set()

    def _add(self, node: cst.CSTNode) -> None:
        self.tests.append(node)
        self.names |= names_in(node)

    def visit_If(self, node: cst.If) -> None:
        self._add(node.test)

    def visit_While(self, node: cst.While) -> None:
        self._add(node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._add(node.test)

    def visit_Assert(self, node: cst.Assert) -> None:
        self._add(node.test)

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self._add(node.left)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._add(node)


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
