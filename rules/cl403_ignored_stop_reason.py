"""CL403 ignored-stop-reason: A reply's text is used without checking `stop_reason`."""

from typing import ClassVar

from claude_lint.analysis.responses import short_code
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule


class IgnoredStopReason(Rule):
    """## What it does
    Finds a Claude reply whose text is used (`.content[0].text`, a loop reading
    `.text`) in the function that made the call, when that function never
    looks at the reply's `stop_reason` and does not hand the reply itself on
    (returned or passed to other code, which may check it).

    ## Why is this bad?
    A reply cut off at `max_tokens` looks like a complete one: half a JSON
    document, a summary missing its end. A `refusal` carries text that is not
    an answer. Only `stop_reason` tells them apart from `end_turn`.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def summarise(text):
        response = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
        return response.content[0].text
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def summarise(text):
        response = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
        if response.stop_reason != "end_turn":
            raise SummaryIncomplete(response.stop_reason)
        return response.content[0].text
    ```

    ## Fix safety
    There is no fix: what a truncated or refused reply means is the author's call.
    """

    code = "CL403"
    name = "ignored-stop-reason"
    summary = "A reply's text is used without checking `stop_reason`"
    default = False

    VALID: ClassVar[list[Valid]] = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
                if response.stop_reason == "max_tokens":
                    log.warning("summary truncated")
                return response.content[0].text
            """
        ),
        # The reply is handed on: the caller decides.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
                log.info("got %s", response.content[0].text[:40])
                return response
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            def summarise(text):
                response = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": text}],
                )
                return response.content[0].text
            """,
            line=10,
            column=12,
            message=(
                "The reply text `response.content[0].text` is used without checking "
                "`response.stop_reason`: a reply cut off at `max_tokens`, or a refusal, "
                "passes as a complete answer"
            ),
        ),
        # A stream's final message.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def essay(topic):
                with client.messages.stream(model="claude-sonnet-4-6", max_tokens=8000, messages=[{"role": "user", "content": topic}]) as stream:
                    final = stream.get_final_message()
                parts = [block.text for block in final.content if block.type == "text"]
                return "".join(parts)
            """,
            line=6,
            column=14,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for use in ctx.frames.messages():
            if use.stop_reason_checked or use.escapes:
                continue
            first = use.first_text_read()
            if first is None:
                continue
            ctx.report(
                first,
                f"The reply text `{short_code(first)}` is used without checking `{use.label()}.stop_reason`: "
                f"a reply cut off at `max_tokens`, or a refusal, passes as a complete answer",
            )
