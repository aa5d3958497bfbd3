"""CL206 blocking-sleep-in-async: `time.sleep` in the retry path of an async Claude call."""

from claude_lint.core.diagnostics import FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule


class BlockingSleepInAsync(Rule):
    """## What it does
    Finds `time.sleep(...)` on the retry path (in a handler or a loop) of an
    `async def` that makes an async Claude call.

    ## Why is this bad?
    `time.sleep` blocks the event loop: while one coroutine waits out a rate
    limit, every other request the process serves stops too, including
    health checks and streams already in flight.

    ## Example
    ```python
    import time

    import anthropic

    client = anthropic.AsyncAnthropic(max_retries=0)

    async def ask(prompt):
        for attempt in range(3):
            try:
                return await client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            except anthropic.RateLimitError:
                time.sleep(2 ** attempt)
        raise RuntimeError("Claude stayed rate limited")
    ```

    Use instead:
    ```python
    import asyncio

    import anthropic

    client = anthropic.AsyncAnthropic(max_retries=0)

    async def ask(prompt):
        for attempt in range(3):
            try:
                return await client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            except anthropic.RateLimitError:
                await asyncio.sleep(2 ** attempt)
        raise RuntimeError("Claude stayed rate limited")
    ```

    ## Fix safety
    The fix replaces the call with `await asyncio.sleep(...)` and adds
    `import asyncio` if needed. It is safe: the coroutine waits as long as
    before, without blocking the others.
    """

    code = "CL206"
    name = "blocking-sleep-in-async"
    summary = "`time.sleep` in the retry path of an async Claude call"
    fix = FixKind.SAFE

    VALID = [
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic()
            async def ask(prompt):
                for attempt in range(3):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                    except anthropic.RateLimitError:
                        time.sleep(2 ** attempt)
            """
        ),
        Valid(
            """
            import anthropic, asyncio
            client = anthropic.AsyncAnthropic()
            async def ask():
                try:
                    return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                except anthropic.RateLimitError:
                    await asyncio.sleep(1)
                    raise
            """
        ),
        # A sync function may sleep.
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic()
            def ask():
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                except anthropic.RateLimitError:
                    time.sleep(1)
                    raise
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            import time

            import anthropic

            client = anthropic.AsyncAnthropic(max_retries=0)

            async def ask(prompt):
                for attempt in range(3):
                    try:
                        return await client.messages.create(
                            model="claude-sonnet-4-6", max_tokens=512,
                            messages=[{"role": "user", "content": prompt}],
                        )
                    except anthropic.RateLimitError:
                        time.sleep(2 ** attempt)
                raise RuntimeError("Claude stayed rate limited")
            """,
            line=15,
            column=13,
            message=(
                "`time.sleep()` in `async def ask` blocks the event loop while it waits to retry the "
                "Claude call: use `await asyncio.sleep()`"
            ),
            fixed="""
            import time

            import anthropic
            import asyncio

            client = anthropic.AsyncAnthropic(max_retries=0)

            async def ask(prompt):
                for attempt in range(3):
                    try:
                        return await client.messages.create(
                            model="claude-sonnet-4-6", max_tokens=512,
                            messages=[{"role": "user", "content": prompt}],
                        )
                    except anthropic.RateLimitError:
                        await asyncio.sleep(2 ** attempt)
                raise RuntimeError("Claude stayed rate limited")
            """,
        ),
        Invalid(
            """
            from time import sleep
            import asyncio
            from anthropic import AsyncAnthropic
            class Agent:
                client: AsyncAnthropic
                async def step(self):
                    try:
                        return await self.client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except Exception:
                        sleep(3)
                        raise
            """,
            line=10,
            column=13,
            fixed="""
            from time import sleep
            import asyncio
            from anthropic import AsyncAnthropic
            class Agent:
                client: AsyncAnthropic
                async def step(self):
                    try:
                        return await self.client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except Exception:
                        await asyncio.sleep(3)
                        raise
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        async_sites = [site for site in model.call_sites if site.frame is not None and site.is_async]
        async_frames = {id(site.frame) for site in async_sites}
        for record in model.calls:
            frame = record.frame
            if frame is None or not frame.is_async or id(frame) not in async_frames:
                continue
            if model.qualify(record.node.func) != "time.sleep" or record.awaited:
                continue
            # On the retry path of an async call: in a loop around one, or in a handler of
            # its errors. Around a sync client's call the loop is blocked by the call anyway.
            loops = {id(loop) for loop in record.loops}
            handled = {id(c.try_info) for c in record.trys if c.part == "handler"}
            if not any(
                site.frame is frame
                and (
                    any(id(loop) in loops for loop in site.record.loops)
                    or any(id(c.try_info) in handled for c in site.record.trys if c.part == "body")
                )
                for site in async_sites
            ):
                continue
            # `asyncio.sleep`, not `from asyncio import sleep`: that would shadow `time.sleep`.
            module, imports = ctx.import_name("asyncio")
            args = ", ".join(ctx.code_for(arg.value) for arg in record.node.args)
            fix = ctx.fix(
                "Use `await asyncio.sleep()`",
                ctx.replace(record.node, f"await {module}.sleep({args})"),
                *imports,
                safe=True,
            )
            ctx.report(
                record.node,
                f"`time.sleep()` in `async def {frame.name}` blocks the event loop while it waits to retry "
                "the Claude call: use `await asyncio.sleep()`",
                fix,
            )
