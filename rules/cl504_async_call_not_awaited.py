"""CL504 async-call-not-awaited: An async client's call whose coroutine is never awaited."""

from typing import ClassVar

import libcst as cst

from claude_lint.analysis.model import CallSite
from claude_lint.analysis.responses import STREAM_METHODS, Frame
from claude_lint.core.diagnostics import Edit, Fix, FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule

# Uses of a coroutine that never run it: dropping it, or reading a result from it.
_DEAD_ENDS = frozenset({"statement", "unused", "attribute", "subscript", "iterate"})
# Expressions inside which `await` would change meaning or is not allowed.
_NO_AWAIT_INSIDE = (cst.Lambda, cst.GeneratorExp, cst.ListComp, cst.SetComp, cst.DictComp)


def is_async_call_site(site: CallSite, code: str) -> bool:
    """A call that returns a coroutine: an async client's method, except the stream managers."""
    if site.helper:  # `acreate_message(...)` is a coroutine function; `astream_message` a manager
        return site.is_async and site.method not in STREAM_METHODS
    if site.client is None or not site.client.is_async or site.method in STREAM_METHODS:
        return False
    # `with_streaming_response.create(...)` returns an async context manager.
    return "with_streaming_response" not in code


class AsyncCallNotAwaited(Rule):
    """## What it does
    Finds a call on an async client (`AsyncAnthropic` and kin) whose coroutine
    is neither awaited, returned, nor passed on (to `asyncio.gather`,
    `create_task`, a list, ...): a dropped call statement, a variable never
    used again, or a result read straight off it (`.content`). The streaming
    managers (`messages.stream(...)`, `with_streaming_response`) are not
    coroutines and are not reported here.

    ## Why is this bad?
    Calling an async method only creates a coroutine; nothing is sent until it
    is awaited. The request silently never happens (Python warns "coroutine
    was never awaited" at garbage collection, if anyone reads the log), and
    reading `.content` from the coroutine raises `AttributeError`.

    ## Example
    ```python
    import anthropic

    client = anthropic.AsyncAnthropic()

    async def summarise(text):
        response = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
        return response.content[0].text
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.AsyncAnthropic()

    async def summarise(text):
        response = await client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
        return response.content[0].text
    ```

    ## Fix safety
    Inside an `async def` the fix adds `await` (parenthesised when a result is
    read straight off the call). It is safe: the call was meant to run, and
    nothing could use the coroutine object itself. Outside an `async def`
    (where `await` is a syntax error) there is no fix.
    """

    code = "CL504"
    name = "async-call-not-awaited"
    summary = "An async client's call whose coroutine is never awaited"
    fix = FixKind.SAFE

    VALID: ClassVar[list[Valid]] = [
        # An awaited call returned from an `async def`.
        Valid(
            """
            import anthropic
            client = anthropic.AsyncAnthropic()
            async def summarise(text):
                return await client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
            """
        ),
        # A coroutine passed to `asyncio.gather`.
        Valid(
            """
            import asyncio
            import anthropic
            client = anthropic.AsyncAnthropic()
            async def summarise_all(texts):
                calls = [client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": t}]) for t in texts]
                first = client.messages.count_tokens(model="claude-sonnet-4-6", messages=[{"role": "user", "content": texts[0]}])
                return await asyncio.gather(first, *calls)
            """
        ),
        # Returned un-awaited: the caller awaits it.
        Valid(
            """
            import anthropic
            client = anthropic.AsyncAnthropic()
            def start(text):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
            """
        ),
        # Stream managers are entered, not awaited.
        Valid(
            """
            import anthropic
            client = anthropic.AsyncAnthropic()
            async def tell(text):
                async with client.messages.stream(model="claude-sonnet-4-6", max_tokens=512, messages=[]) as stream:
                    return await stream.get_final_text()
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.AsyncAnthropic()

            async def summarise(text):
                response = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": text}],
                )
                return response.content[0].text
            """,
            line=6,
            column=16,
            message=(
                "`client.messages.create(...)` on an async client returns a coroutine, and this code "
                "reads `.content` from it instead of awaiting it: the request is never sent "
                "(AttributeError). Add `await`"
            ),
            fixed="""
            import anthropic

            client = anthropic.AsyncAnthropic()

            async def summarise(text):
                response = await client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": text}],
                )
                return response.content[0].text
            """,
        ),
        Invalid(
            """
            from anthropic import AsyncAnthropic

            class Notifier:
                def __init__(self, client: AsyncAnthropic):
                    self.client = client

                async def ping(self):
                    self.client.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=[{"role": "user", "content": "ping"}])
            """,
            line=8,
            column=9,
            message=(
                "`self.client.messages.create(...)` on an async client returns a coroutine that is "
                "dropped here: the request is never sent. Add `await`"
            ),
            fixed="""
            from anthropic import AsyncAnthropic

            class Notifier:
                def __init__(self, client: AsyncAnthropic):
                    self.client = client

                async def ping(self):
                    await self.client.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=[{"role": "user", "content": "ping"}])
            """,
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.AsyncAnthropic()
            async def title(text):
                return client.messages.create(model="claude-haiku-4-5", max_tokens=16, messages=[{"role": "user", "content": text}]).content[0].text
            """,
            line=4,
            column=12,
            fixed="""
            import anthropic
            client = anthropic.AsyncAnthropic()
            async def title(text):
                return (await client.messages.create(model="claude-haiku-4-5", max_tokens=16, messages=[{"role": "user", "content": text}])).content[0].text
            """,
        ),
        # In a sync function: reported, no fix (`await` is not allowed there).
        Invalid(
            """
            import anthropic
            client = anthropic.AsyncAnthropic()
            def fire_and_forget(text):
                client.messages.create(model="claude-haiku-4-5", max_tokens=16, messages=[{"role": "user", "content": text}])
            """,
            line=4,
            column=5,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        frames = ctx.frames
        for site in ctx.model.direct_call_sites:
            if site.record.awaited or not is_async_call_site(site, ctx.code_for(site.node.func)):
                continue
            frame = frames.frame_of(site)
            if frame is None:
                continue
            flows = frame.flows(site.node)
            if not flows or any(flow.kind not in _DEAD_ENDS for flow in flows):
                continue
            func = ctx.code_for(site.node.func)
            read = next((f for f in flows if f.kind in ("attribute", "subscript", "iterate")), None)
            if read is not None and isinstance(read.node, cst.Attribute):
                tail = (
                    f", and this code reads `.{read.node.attr.value}` from it instead of awaiting it: "
                    f"the request is never sent (AttributeError)"
                )
            elif read is not None:
                tail = ", and this code uses it as a result instead of awaiting it: the request is never sent (TypeError)"
            elif flows[0].kind == "statement":
                tail = " that is dropped here: the request is never sent"
            else:
                tail = " that is never awaited: the request is never sent"
            ctx.report(
                site.node,
                f"`{func}(...)` on an async client returns a coroutine{tail}. Add `await`",
                self._fix(ctx, frame, site),
            )

    @staticmethod
    def _fix(ctx: RuleContext, frame: Frame, site: CallSite) -> Fix | None:
        if not frame.is_async:
            return None
        for ancestor, _ in frame.ancestors(site.node):
            if isinstance(ancestor, _NO_AWAIT_INSIDE):
                return None
        parent = frame.parent(site.node)
        begin = ctx.start(site.node)
        if isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is site.node:
            # `call(...).content` -> `(await call(...)).content`
            return ctx.fix(
                "Add `await`", Edit(begin, begin, "(await "), ctx.insert_after(site.node, ")"), safe=True
            )
        return ctx.fix("Add `await`", Edit(begin, begin, "await "), safe=True)
