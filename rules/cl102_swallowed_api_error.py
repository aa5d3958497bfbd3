"""CL102 swallowed-api-error: A handler around a Claude call swallows the error."""

import libcst as cst

from claude_lint.analysis.model import HandlerInfo
from claude_lint.analysis.syntax import literal_value
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import EXCEPT_WIDTH, RuleContext
from claude_lint.lint.rule import Rule


def _is_empty_literal(expr: cst.BaseExpression | None) -> bool:
    if expr is None:
        return True
    if isinstance(expr, cst.Name):
        return expr.value == "None"
    if isinstance(expr, cst.SimpleString):
        return literal_value(expr) in ("", b"")
    if isinstance(expr, (cst.List, cst.Dict, cst.Tuple)):
        return not expr.elements
    return False


def _swallow_action(stmt: cst.BaseSmallStatement, retry_loop: bool) -> str | None:
    """How a statement gives up on the error, or None if it handles it."""
    if isinstance(stmt, cst.Pass):
        return "pass"
    if isinstance(stmt, cst.Expr):
        if isinstance(stmt.value, cst.Ellipsis):
            return "..."
        if isinstance(stmt.value, (cst.SimpleString, cst.ConcatenatedString)):
            return "a string"
        return None
    if isinstance(stmt, cst.Continue):
        return None if retry_loop else "continue"
    if isinstance(stmt, cst.Break):
        return "break"
    if isinstance(stmt, cst.Return):
        if not _is_empty_literal(stmt.value):
            return None
        return "return" if stmt.value is None else f"return {cst.Module([]).code_for_node(stmt.value)}"
    if isinstance(stmt, cst.Assign):
        return "assign an empty value" if _is_empty_literal(stmt.value) else None
    if isinstance(stmt, cst.AnnAssign):
        return "assign an empty value" if stmt.value is not None and _is_empty_literal(stmt.value) else None
    return None


def swallow_actions(handler: HandlerInfo, retry_loop: bool) -> list[str] | None:
    """The actions of a handler body that only gives up, or None if it handles."""
    body = handler.node.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    actions: list[str] = []
    for statement in statements:
        if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            smalls = statement.body
        else:
            return None
        for small in smalls:
            action = _swallow_action(small, retry_loop)
            if action is None:
                return None
            if action not in actions:
                actions.append(action)
    return actions


# Actions that are not code, as the verb phrase a message uses for them.
_PROSE = {"assign an empty value": "assigns an empty value", "a string": "holds a string"}


def _describe(actions: list[str]) -> str:
    """`does `pass``, `assigns an empty value`, or both joined: code in backticks, prose as prose."""
    code = [f"`{a}`" for a in actions if a not in _PROSE]
    parts = [f"does {', '.join(code)}"] if code else []
    parts += [_PROSE[a] for a in actions if a in _PROSE]
    return " and ".join(parts)


def _in_retry_loop(ctx: RuleContext, handler: HandlerInfo) -> bool:
    if not handler.loops:
        return False
    return ctx.model.is_manual_retry_loop(handler.loops[-1], handler.try_info.call_sites)


class SwallowedApiError(Rule):
    """## What it does
    Finds a handler that catches the errors of a Claude call (bare,
    `BaseException`, `Exception`, or any `anthropic` error class) and then
    does nothing with them: its body only has `pass`, `...`, `break`,
    `continue` (outside a retry loop), `return`/`return None`/`return` of an
    empty literal, or assigns `None` or an empty literal.

    ## Why is this bad?
    The failure disappears. An expired API key, a retired model or an outage
    turns into an empty answer that flows on into the product, and nobody
    learns why. Logging the error, re-raising it, raising another error,
    returning a real fallback or recording it counts as handling.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def summarise(text):
        try:
            response = client.messages.create(
                model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": text}],
            )
        except anthropic.APIError:
            return None
        return response.content[0].text
    ```

    Use instead:
    ```python
    import anthropic
    import logging

    client = anthropic.Anthropic()
    logger = logging.getLogger(__name__)

    def summarise(text):
        try:
            response = client.messages.create(
                model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": text}],
            )
        except anthropic.APIError:
            logger.exception("summary failed")
            raise
        return response.content[0].text
    ```

    ## Fix safety
    There is no fix: what the code should do on failure is a decision.
    """

    code = "CL102"
    name = "swallowed-api-error"
    summary = "A handler around a Claude call swallows the error"

    VALID = [
        # The Claude call runs later in a worker thread: its errors are raised by `future.result()`,
        # not in this `try`.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def start(pool, q):
                def do_it():
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
                try:
                    return pool.submit(do_it)
                except RuntimeError:
                    return None
            """
        ),
        # Logging is handling.
        Valid(
            """
            import anthropic, logging
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[])
            except anthropic.APIError:
                logging.exception("call failed")
            """
        ),
        # A real fallback value is handling.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(q):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[])
                except anthropic.APIError:
                    return FALLBACK_ANSWER
            """
        ),
        # `continue` in a retry loop is a retry (the CL2xx rules judge it).
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic(max_retries=0)
            for attempt in range(3):
                try:
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[])
                    break
                except anthropic.RateLimitError:
                    continue
            """
        ),
        # A ValueError handler does not catch the call's API errors.
        Valid(
            """
            import anthropic, json
            client = anthropic.Anthropic()
            try:
                data = json.loads(client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[]).content[0].text)
            except ValueError:
                data = None
            """
        ),
        # Nothing in this try calls Claude.
        Valid(
            """
            import anthropic
            try:
                config = load_config()
            except Exception:
                pass
            """
        ),
    ]
    INVALID = [
        # A function chosen from a dict of providers: the handler may swallow the Claude call's error.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask_claude(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def ask_echo(prompt):
                return prompt
            PROVIDERS = {"claude": ask_claude, "echo": ask_echo}
            def ask(name, prompt):
                try:
                    return PROVIDERS[name](prompt)
                except Exception:
                    pass
            """,
            line=11,
            column=5,
            message=(
                "`except Exception` swallows the Claude call's error: the handler only does `pass`; log it, "
                "re-raise it, or return a real fallback; `PROVIDERS[name]()` may be `ask_claude()` (line 3), "
                "which makes a Claude call"
            ),
        ),
        # A nested function handed to a call that runs it (a cache computing a missing entry):
        # the Claude call is made inside this `try`.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(cache, q):
                def do_it():
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
                try:
                    return cache.get(q, do_it)
                except anthropic.APIError:
                    return None
            """,
            line=8,
            column=5,
            message=(
                "`except anthropic.APIError` swallows the Claude call's error: the handler only does "
                "`return None`; log it, re-raise it, or return a real fallback"
            ),
        ),
        # The caught types come through a module-level tuple.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            RETRYABLE = (anthropic.RateLimitError, anthropic.APIConnectionError)
            def ask(p):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[{"role": "user", "content": p}])
                except RETRYABLE:
                    return None
            """,
            line=7,
            column=5,
        ),
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            def summarise(text):
                try:
                    response = client.messages.create(
                        model="claude-sonnet-4-6", max_tokens=512,
                        messages=[{"role": "user", "content": text}],
                    )
                except anthropic.APIError:
                    return None
                return response.content[0].text
            """,
            line=11,
            column=5,
            message=(
                "`except anthropic.APIError` swallows the Claude call's error: the handler only does "
                "`return None`; log it, re-raise it, or return a real fallback"
            ),
        ),
        # `for item in items` moving on is a batch loop: `continue` drops the error.
        Invalid(
            """
            from anthropic import Anthropic
            client = Anthropic()
            results = []
            for doc in documents:
                try:
                    results.append(client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": doc}]))
                except Exception:
                    continue
            """,
            line=7,
            column=5,
            message=(
                "`except Exception` swallows the Claude call's error: the handler only does "
                "`continue`; log it, re-raise it, or return a real fallback"
            ),
        ),
        Invalid(
            """
            import anthropic as ac
            class Bot:
                def __init__(self, client: ac.Anthropic):
                    self.client = client
                def reply(self, q):
                    answer = ""
                    try:
                        answer = self.client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": q}]).content[0].text
                    except: answer = ""
                    return answer
            """,
            line=9,
            column=9,
            message=(
                "`except:` swallows the Claude call's error: the handler only assigns an empty value; "
                "log it, re-raise it, or return a real fallback"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for handler in ctx.model.handlers:
            if not handler.catches_call_site_errors():
                continue
            actions = swallow_actions(handler, _in_retry_loop(ctx, handler))
            if not actions:
                continue
            clause = ctx.except_clause(handler)
            ctx.report(
                handler.node,
                f"`{clause}` swallows the Claude call's error: the handler "
                f"only {_describe(actions)}; log it, re-raise it, or return a real fallback"
                f"{ctx.remote_note(handler.try_info.call_sites)}",
                width=EXCEPT_WIDTH,
            )
