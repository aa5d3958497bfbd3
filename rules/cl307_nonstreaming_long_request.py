"""CL307 nonstreaming-long-request: A non-streaming request with a `max_tokens` the SDK refuses without streaming."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from claude_lint.analysis.model import Scope
from claude_lint.analysis.syntax import dotted, keyword_args
from claude_lint.analysis.values import Values
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule

_NONSTREAMING = frozenset({"messages.create", "beta.messages.create", "messages.parse", "beta.messages.parse"})
# Client options that change the client's timeout from the SDK default (which is
# what the SDK's long-request check looks for).
_TIMEOUT_OPTIONS = ("timeout", "http_client")


def _sets_timeout(values: Values, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> bool:
    """Whether the client expression was built (or re-optioned) with a timeout."""
    if depth > 8:
        return False
    if isinstance(expr, cst.Await):
        return _sets_timeout(values, expr.expression, scope, depth + 1)
    if isinstance(expr, cst.Call):
        if keyword_args(expr).keys() & _TIMEOUT_OPTIONS:
            return True
        return _sets_timeout(values, expr.func, scope, depth + 1)
    if isinstance(expr, cst.Attribute):
        key = dotted(expr)
        owner = scope.class_scope
        if key is not None and key.startswith(("self.", "cls.")) and key.count(".") == 1 and owner is not None:
            return any(
                _sets_timeout(values, value, owner, depth + 1) for value in owner.bindings.get(f"self.{expr.attr.value}", ())
            )
        return _sets_timeout(values, expr.value, scope, depth + 1)
    if isinstance(expr, cst.Name):
        current: Scope | None = scope
        while current is not None:
            if current.kind != "class" and expr.value in current.bindings:
                return any(_sets_timeout(values, value, current, depth + 1) for value in current.bindings[expr.value])
            current = current.parent
    return False


class NonstreamingLongRequest(Rule):
    """## What it does
    Finds a non-streaming `messages.create` (or `parse`) whose `max_tokens` is a
    literal (also through a constant) above what the SDK in use allows without
    streaming, when neither the call nor the client sets a `timeout`. The SDK
    expects 128,000 output tokens to take an hour; above 10 minutes (21,333
    tokens with SDK 2.x), or above a model's own non-streaming cap, it refuses.
    SDKs without that check (0.40) are not reported.

    ## Why is this bad?
    The SDK raises `ValueError: Streaming is required for operations that may
    take longer than 10 minutes` before sending anything, on every call. With
    a timeout set explicitly the request is sent, but a long non-streaming
    request is still at the mercy of idle connections being dropped.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    report = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=64000,
        messages=[{"role": "user", "content": "Write the full report."}],
    )
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    with client.messages.stream(
        model="claude-sonnet-4-6",
        max_tokens=64000,
        messages=[{"role": "user", "content": "Write the full report."}],
    ) as stream:
        report = stream.get_final_message()
    ```

    ## Fix safety
    There is no fix: streaming changes how the result is read.
    """

    code = "CL307"
    name = "nonstreaming-long-request"
    summary = "A non-streaming request with a `max_tokens` the SDK refuses without streaming"

    VALID: ClassVar[list[Valid]] = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(model="claude-sonnet-4-6", max_tokens=21333, messages=[{"role": "user", "content": "hi"}])
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic(timeout=1800)
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64000, messages=[{"role": "user", "content": "hi"}])
            client.with_options(timeout=900).messages.create(model="claude-sonnet-4-6", max_tokens=64000, messages=[])
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64000, stream=True, messages=[{"role": "user", "content": "hi"}])
            with client.messages.stream(model="claude-sonnet-4-6", max_tokens=64000, messages=[]) as stream:
                stream.get_final_message()
            """
        ),
        # anthropic 0.40 has no such check.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(model="claude-3-5-sonnet-latest", max_tokens=64000, messages=[{"role": "user", "content": "hi"}])
            """,
            sdk_version="0.40.0",
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            report = client.messages.create(
                model="claude-sonnet-4-6",
                max_tokens=64000,
                messages=[{"role": "user", "content": "Write the full report."}],
            )
            """,
            line=7,
            column=5,
            message=(
                "`max_tokens=64000` on a non-streaming `messages.create` makes anthropic 2.14.0 raise "
                "ValueError before sending (more than 21,333 tokens may take over 10 minutes): "
                "use `messages.stream(...)`, or set an explicit `timeout=`"
            ),
        ),
        # A model with its own, lower cap.
        Invalid(
            """
            import anthropic
            MAX_OUTPUT = 16000
            client = anthropic.AnthropicVertex(region="us-east5", project_id="p")
            def draft(brief):
                return client.messages.create(
                    model="claude-opus-4@20250514", max_tokens=MAX_OUTPUT,
                    messages=[{"role": "user", "content": brief}],
                )
            """,
            line=6,
            column=41,
            message=(
                "`max_tokens=MAX_OUTPUT` (16000) on a non-streaming `messages.create` makes "
                "anthropic 2.14.0 raise ValueError before sending (`claude-opus-4@20250514` allows "
                "at most 8,192 tokens without streaming): use `messages.stream(...)`, or set an "
                "explicit `timeout=`"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        limit = ctx.knowledge.max_nonstreaming_tokens
        if limit is None:
            return
        values = ctx.values
        for site in ctx.model.direct_call_sites:
            if site.method not in _NONSTREAMING:
                continue
            args = values.request_arguments(site)
            if not args.complete or "timeout" in args.keywords:
                continue
            stream = args.keywords.get("stream")
            if stream is not None:
                streaming = values.single(stream.expr, stream.scope)
                if streaming is None or streaming.value is not False:
                    continue
            item = args.keywords.get("max_tokens")
            known = values.single(item.expr, item.scope) if item is not None else None
            if known is None or isinstance(known.value, bool) or not isinstance(known.value, int):
                continue
            tokens = known.value
            models = values.request_model_names(site)
            caps = [(ctx.knowledge.model_nonstreaming_tokens[m], m) for m in models if m in ctx.knowledge.model_nonstreaming_tokens]
            cap = min(caps) if caps else None
            if cap is not None and tokens > cap[0]:
                reason = f"`{cap[1]}` allows at most {cap[0]:,} tokens without streaming"
            elif tokens > limit:
                reason = f"more than {limit:,} tokens may take over 10 minutes"
            else:
                continue
            if site.client_node is not None and _sets_timeout(values, site.client_node, site.record.scope):
                continue
            arg = args.arg_nodes["max_tokens"]
            shown = ctx.code_for(arg.value)
            if arg.star == "**":
                value = f"`max_tokens` ({tokens}, in `**{shown}`)"
            else:
                value = f"`max_tokens={shown}`" if shown == str(tokens) else f"`max_tokens={shown}` ({tokens})"
            ctx.report(
                arg,
                f"{value} on a non-streaming `{site.method}` makes {ctx.knowledge.describe_version()} "
                f"raise ValueError before sending ({reason}): use `messages.stream(...)`, or set an "
                f"explicit `timeout=`",
            )
