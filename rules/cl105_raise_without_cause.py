"""CL105 raise-without-cause: A new exception raised in a handler of a Claude call without `from`."""

import libcst as cst

from claude_lint.analysis.model import HandlerInfo, RaiseRecord
from claude_lint.analysis.syntax import dotted, names_in
from claude_lint.core.diagnostics import Edit, FixKind, Location
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule


def _raises_new_error(record: RaiseRecord, handler: HandlerInfo) -> bool:
    exc = record.node.exc
    if exc is None or record.node.cause is not None:
        return False
    if isinstance(exc, cst.Call):
        # `raise self.retry(exc=exc)` / `raise Wrapped(err)` hand the error on.
        return handler.name is None or not any(
            isinstance(arg.value, cst.Name) and arg.value.value == handler.name for arg in exc.args
        )
    name = dotted(exc)
    if name is None or name == handler.name:
        return False
    # `raise RuntimeError` (a class) is new; `raise saved_error` may be the caught one.
    return name.rsplit(".", 1)[-1][:1].isupper()


def _end_with_parens(ctx: RuleContext, node: cst.BaseExpression) -> Location:
    """The end of an expression including its closing parentheses (positions exclude them)."""
    end = ctx.end(node)
    extra = sum(1 + len(getattr(rpar.whitespace_before, "value", "")) for rpar in node.rpar)
    return Location(end.line, end.column + extra)


def _fresh_name(handler: HandlerInfo) -> str:
    used = names_in(handler.node.body)
    for candidate in ("exc", "error", "api_error"):
        if candidate not in used:
            return candidate
    index = 1
    while f"exc{index}" in used:
        index += 1
    return f"exc{index}"


class RaiseWithoutCause(Rule):
    """## What it does
    Inside a handler that catches a Claude call's errors, finds
    `raise NewError(...)` without `from`. Re-raising the caught exception
    (`raise`, `raise exc`) and raising a call handed the caught exception
    (`raise self.retry(exc=exc)`) are fine.

    ## Why is this bad?
    Without `from`, the traceback says "During handling of the above
    exception, another exception occurred", as if the handler itself had a
    bug, and tools that walk `__cause__` (error trackers, `raise ... from`
    aware logging) lose the API error: its status code, request id and
    message.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def summarise(text):
        try:
            return client.messages.create(
                model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": text}],
            )
        except anthropic.APIError as e:
            raise SummaryFailed(str(e))
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def summarise(text):
        try:
            return client.messages.create(
                model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": text}],
            )
        except anthropic.APIError as e:
            raise SummaryFailed(str(e)) from e
    ```

    ## Fix safety
    The fix adds `from <name>`, binding `as <name>` when the handler has no
    name (a bare `except:` becomes `except BaseException as exc:`, which
    catches the same). It is safe: only the exception's `__cause__` changes.
    """

    code = "CL105"
    name = "raise-without-cause"
    summary = "A new exception raised in a handler of a Claude call without `from`"
    fix = FixKind.SAFE

    VALID = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.APIError as exc:
                raise
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def task(self):
                try:
                    client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                except anthropic.RateLimitError as exc:
                    raise self.retry(exc=exc)
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.APIError as exc:
                raise RuntimeError("failed") from None
            """
        ),
        # Not a handler of the call's errors.
        Valid(
            """
            import anthropic, json
            try:
                data = json.loads(raw)
            except ValueError:
                raise BadInput("not JSON")
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            def summarise(text):
                try:
                    return client.messages.create(
                        model="claude-sonnet-4-6", max_tokens=512,
                        messages=[{"role": "user", "content": text}],
                    )
                except anthropic.APIError as e:
                    raise SummaryFailed(str(e))
            """,
            line=12,
            column=9,
            message=(
                "`raise SummaryFailed(...)` in a handler of a Claude call drops the API error: "
                "add `from e` to keep it as the cause"
            ),
            fixed="""
            import anthropic

            client = anthropic.Anthropic()

            def summarise(text):
                try:
                    return client.messages.create(
                        model="claude-sonnet-4-6", max_tokens=512,
                        messages=[{"role": "user", "content": text}],
                    )
                except anthropic.APIError as e:
                    raise SummaryFailed(str(e)) from e
            """,
        ),
        Invalid(
            """
            from anthropic import Anthropic, RateLimitError
            client = Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except (RateLimitError, KeyError):
                raise RuntimeError
            """,
            line=6,
            column=5,
            fixed="""
            from anthropic import Anthropic, RateLimitError
            client = Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except (RateLimitError, KeyError) as exc:
                raise RuntimeError from exc
            """,
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except:
                raise ServiceDown()
            """,
            line=6,
            column=5,
            fixed="""
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except BaseException as exc:
                raise ServiceDown() from exc
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for record in ctx.model.raises:
            handler = record.handler
            if handler is None or not handler.catches_call_site_errors():
                continue
            if not _raises_new_error(record, handler):
                continue
            assert record.node.exc is not None
            name = handler.name or _fresh_name(handler)
            edits = [ctx.insert_after(record.node.exc, f" from {name}")]
            if handler.name is None:
                if handler.node.type is None:
                    start = ctx.start(handler.node)
                    keyword_end = Location(start.line, start.column + len("except"))
                    gap = Location(start.line, keyword_end.column + len(handler.node.whitespace_after_except.value))
                    edits.append(Edit(keyword_end, gap, f" BaseException as {name}"))
                else:
                    edits.append(Edit(_end_with_parens(ctx, handler.node.type), _end_with_parens(ctx, handler.node.type), f" as {name}"))
            exc = record.node.exc
            shown = f"{ctx.code_for(exc.func)}(...)" if isinstance(exc, cst.Call) else ctx.code_for(exc)
            ctx.report(
                record.node,
                f"`raise {shown}` in a handler of a Claude call drops the API error: "
                f"add `from {name}` to keep it as the cause{ctx.remote_note(handler.try_info.call_sites)}",
                ctx.fix(f"Add `from {name}`", *edits, safe=True),
            )
