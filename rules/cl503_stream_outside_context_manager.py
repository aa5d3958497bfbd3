"""CL503 stream-outside-context-manager: A `messages.stream(...)` manager used as a stream without `with`."""

from typing import ClassVar

import libcst as cst

from claude_lint.analysis.responses import STREAM_METHODS, Flow
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule

_ENTERING = frozenset({"__enter__", "__aenter__"})


def _misuse(flow: Flow) -> str | None:
    """How a flow uses the stream manager as if it were the stream, or None."""
    if flow.kind == "attribute" and isinstance(flow.node, cst.Attribute):
        if flow.node.attr.value in _ENTERING:
            return None
        return f"reads `.{flow.node.attr.value}` from it"
    if flow.kind == "iterate":
        return "iterates over it"
    if flow.kind == "await":
        return "awaits it"
    return None


class StreamOutsideContextManager(Rule):
    """## What it does
    Finds a `messages.stream(...)` call whose result (a stream *manager*) is
    iterated, awaited, or has stream attributes read from it (`text_stream`,
    `get_final_message()`, ...) without being entered by `with` or `async
    with`, directly or through a variable. A manager stored and entered later,
    returned or passed on is fine.

    ## Why is this bad?
    `messages.stream()` does not send the request: it returns a manager whose
    `__enter__` does, and yields the `MessageStream`. Used directly, the
    manager has no `text_stream` and cannot be iterated, so the code raises
    `AttributeError`/`TypeError`; and without `with`, a stream that is opened
    some other way is never closed, leaking the HTTP connection.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    stream = client.messages.stream(
        model="claude-sonnet-4-6", max_tokens=1024,
        messages=[{"role": "user", "content": "Tell me a story."}],
    )
    for text in stream.text_stream:
        print(text, end="")
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    with client.messages.stream(
        model="claude-sonnet-4-6", max_tokens=1024,
        messages=[{"role": "user", "content": "Tell me a story."}],
    ) as stream:
        for text in stream.text_stream:
            print(text, end="")
    ```

    ## Fix safety
    There is no fix: the code that reads the stream has to move into the
    `with` block.
    """

    code = "CL503"
    name = "stream-outside-context-manager"
    summary = "A `messages.stream(...)` manager used as a stream without `with`"

    VALID: ClassVar[list[Valid]] = [
        # `.stream()` inside `async with`.
        Valid(
            """
            import anthropic
            client = anthropic.AsyncAnthropic()
            async def tell(prompt):
                async with client.messages.stream(
                    model="claude-sonnet-4-6", max_tokens=1024,
                    messages=[{"role": "user", "content": prompt}],
                ) as stream:
                    async for text in stream.text_stream:
                        print(text, end="")
                    return await stream.get_final_message()
            """
        ),
        # Stored, then entered.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def tell(prompt):
                manager = client.messages.stream(model="claude-sonnet-4-6", max_tokens=1024, messages=[{"role": "user", "content": prompt}])
                with manager as stream:
                    return stream.get_final_text()
            """
        ),
        # Handed to the caller, who enters it.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def open_story(prompt):
                return client.messages.stream(model="claude-sonnet-4-6", max_tokens=1024, messages=[{"role": "user", "content": prompt}])
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            stream = client.messages.stream(
                model="claude-sonnet-4-6", max_tokens=1024,
                messages=[{"role": "user", "content": "Tell me a story."}],
            )
            for text in stream.text_stream:
                print(text, end="")
            """,
            line=5,
            column=10,
            message=(
                "`client.messages.stream(...)` returns a stream manager, and this code reads "
                "`.text_stream` from it without entering it: the manager is not the stream "
                "(AttributeError/TypeError). Use `with client.messages.stream(...) as stream:`"
            ),
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def tell(prompt):
                for event in client.messages.stream(model="claude-sonnet-4-6", max_tokens=1024, messages=[{"role": "user", "content": prompt}]):
                    print(event)
            """,
            line=4,
            column=18,
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.AsyncAnthropic()
            async def tell(prompt):
                stream = await client.messages.stream(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
                return stream
            """,
            line=4,
            column=20,
            message=(
                "`client.messages.stream(...)` returns a stream manager, and this code awaits it "
                "without entering it: the manager is not the stream (AttributeError/TypeError). "
                "Use `async with client.messages.stream(...) as stream:`"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        frames = ctx.frames
        for site in ctx.model.direct_call_sites:
            if site.method not in STREAM_METHODS:
                continue
            frame = frames.frame_of(site)
            if frame is None:
                continue
            flows = frame.flows(site.node)
            if any(flow.kind == "with" or _entered(flow) for flow in flows):
                continue
            misuse = next((m for m in map(_misuse, flows) if m is not None), None)
            if misuse is None:
                continue
            func = ctx.code_for(site.node.func)
            keyword = "async with" if site.is_async else "with"
            ctx.report(
                site.node,
                f"`{func}(...)` returns a stream manager, and this code {misuse} without entering it: "
                f"the manager is not the stream (AttributeError/TypeError). "
                f"Use `{keyword} {func}(...) as stream:`",
            )


def _entered(flow: Flow) -> bool:
    return flow.kind == "attribute" and isinstance(flow.node, cst.Attribute) and flow.node.attr.value in _ENTERING
