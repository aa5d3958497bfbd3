"""CL505 await-on-sync-client: `await` on a call made through a synchronous client."""

from typing import ClassVar

import libcst as cst

from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule


class AwaitOnSyncClient(Rule):
    """## What it does
    Finds `await` on a call made through a synchronous client (`Anthropic`,
    `AnthropicBedrock`, ... as the code builds or annotates it). Clients the
    linter cannot see built (factories, unannotated parameters) are not
    judged.

    ## Why is this bad?
    A sync client's call blocks the event loop for the whole request (every
    other task waits seconds), and then `await` on the returned `Message`
    raises `TypeError: object Message can't be used in 'await' expression`,
    after the tokens are paid for.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    async def summarise(text):
        return await client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.AsyncAnthropic()

    async def summarise(text):
        return await client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
    ```

    ## Fix safety
    There is no fix: switching the client to `AsyncAnthropic` changes every
    other call made through it.
    """

    code = "CL505"
    name = "await-on-sync-client"
    summary = "`await` on a call made through a synchronous client"

    VALID: ClassVar[list[Valid]] = [
        Valid(
            """
            import anthropic
            client = anthropic.AsyncAnthropic()
            async def summarise(text):
                return await client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[])
            """
        ),
        # A client whose construction is not visible.
        Valid(
            """
            import anthropic
            async def summarise(client, text):
                return await client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[])
            """
        ),
        # The sync call runs in a thread.
        Valid(
            """
            import asyncio
            import anthropic
            client = anthropic.Anthropic()
            async def summarise(text):
                return await asyncio.to_thread(client.messages.create, model="claude-sonnet-4-6", max_tokens=512, messages=[])
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            async def summarise(text):
                return await client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": text}],
                )
            """,
            line=6,
            column=12,
            message=(
                "`await` on `client.messages.create(...)`, a call through the synchronous "
                "`Anthropic` client: it blocks the event loop for the whole request, then raises "
                "TypeError (the result is not awaitable). Use `AsyncAnthropic`"
            ),
        ),
        Invalid(
            """
            from anthropic import AnthropicBedrock

            class Assistant:
                client: AnthropicBedrock

                async def reply(self, history):
                    message = await self.client.messages.create(model="anthropic.claude-sonnet-4-5-20250929-v1:0", max_tokens=512, messages=history)
                    return message
            """,
            line=7,
            column=19,
            message=(
                "`await` on `self.client.messages.create(...)`, a call through the synchronous "
                "`AnthropicBedrock` client: it blocks the event loop for the whole request, then raises "
                "TypeError (the result is not awaitable). Use `AsyncAnthropicBedrock`"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        frames = ctx.frames
        for site in ctx.model.direct_call_sites:
            client = site.client
            if not site.record.awaited or client is None or client.is_async or not client.class_name:
                continue
            frame = frames.frame_of(site)
            await_node = frame.parent(site.node) if frame is not None else None
            if not isinstance(await_node, cst.Await):
                continue
            twin = "AsyncAnthropic" if client.class_name == "Client" else f"Async{client.class_name}"
            ctx.report(
                await_node,
                f"`await` on `{ctx.code_for(site.node.func)}(...)`, a call through the synchronous "
                f"`{client.class_name}` client: it blocks the event loop for the whole request, then raises "
                f"TypeError (the result is not awaitable). Use `{twin}`",
            )
