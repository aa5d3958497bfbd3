"""CL306 system-role-in-messages: A `{"role": "system"}` message in `messages`; the system prompt goes in `system=`."""

from typing import ClassVar

from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule


class SystemRoleInMessages(Rule):
    """## What it does
    Finds a `{"role": "system", ...}` message (also `dict(role="system", ...)`)
    in the `messages` of a Claude call, written in the call or in a list the
    call's `messages` refers to (also in a batch request's `params`).

    ## Why is this bad?
    OpenAI's chat API takes the system prompt as a message; the Messages API
    takes it as the `system=` parameter and answers a `system` role with
    `400 invalid_request_error`. Code ported from OpenAI fails on every call.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    reply = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=1024,
        messages=[
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": "Hello"},
        ],
    )
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    reply = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=1024,
        system="You are a terse assistant.",
        messages=[{"role": "user", "content": "Hello"}],
    )
    ```

    ## Fix safety
    There is no fix: moving the text to `system=` may need merging with an
    existing system prompt, which is the author's call.
    """

    code = "CL306"
    name = "system-role-in-messages"
    summary = 'A `{"role": "system"}` message in `messages`; the system prompt goes in `system=`'

    VALID: ClassVar[list[Valid]] = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(
                model="claude-sonnet-4-6", max_tokens=64, system="Be terse.",
                messages=[{"role": "user", "content": "hi"}],
            )
            """
        ),
        # An OpenAI-style list that is not sent to Claude.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            openai_messages = [{"role": "system", "content": "Be terse."}]
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": "hi"}])
            """
        ),
        # The system entry is taken out before the call.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(prompt):
                messages = [{"role": "system", "content": "Be terse."}, {"role": "user", "content": prompt}]
                system = messages.pop(0)["content"]
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, system=system, messages=messages)
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            reply = client.messages.create(
                model="claude-sonnet-4-6",
                max_tokens=1024,
                messages=[
                    {"role": "system", "content": "You are a terse assistant."},
                    {"role": "user", "content": "Hello"},
                ],
            )
            """,
            line=9,
            column=10,
            message=(
                'A `"role": "system"` message in `messages` is rejected by the API '
                "(400 invalid_request_error: roles are `user` and `assistant`); "
                "pass the system prompt as `system=`"
            ),
        ),
        # Through names, concatenation and `dict(...)`.
        Invalid(
            """
            import anthropic
            client = anthropic.AsyncAnthropic()
            SYSTEM = dict(role="system", content="Be terse.")
            async def chat(history):
                return await client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512, messages=[SYSTEM] + history,
                )
            """,
            line=3,
            column=15,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        values = ctx.values
        seen: set[int] = set()
        for site in ctx.model.direct_call_sites:
            for sequence in values.request_messages(site):
                if sequence.may_shrink:
                    continue
                for message in sequence.items:
                    found = values.message_role(message)
                    if found is None or found[0] != "system" or id(found[1].node) in seen:
                        continue
                    seen.add(id(found[1].node))
                    ctx.report(
                        found[1].node,
                        'A `"role": "system"` message in `messages` is rejected by the API '
                        "(400 invalid_request_error: roles are `user` and `assistant`); "
                        "pass the system prompt as `system=`",
                    )
