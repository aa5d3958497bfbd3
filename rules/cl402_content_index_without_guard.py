"""CL402 content-index-without-guard: `.content[0]` read without checking that the reply has content."""

from typing import ClassVar

from claude_lint.analysis.responses import short_code
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule

_INDEX_ERRORS = frozenset({"IndexError", "LookupError", "Exception", "BaseException"})


class ContentIndexWithoutGuard(Rule):
    """## What it does
    Finds `<response>.content[0].text` (or `[-1]`) on a call without `tools=`
    or `thinking=` (those are CL401's) when nothing checks that the content is
    not empty first: no `if response.content`, no `len(response.content)`, no
    block `type` check, and no handler for `IndexError` around the read.

    ## Why is this bad?
    A reply can have no content blocks at all: the model may end its turn at
    once (after a prefilled assistant message, or after tool results), and
    `content[0]` then raises `IndexError` far from the API call that caused it.

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
        if not response.content:
            return ""
        return response.content[0].text
    ```

    ## Fix safety
    There is no fix: what an empty reply means is the author's call.
    """

    code = "CL402"
    name = "content-index-without-guard"
    summary = "`.content[0]` read without checking that the reply has content"
    default = False

    VALID: ClassVar[list[Valid]] = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
                try:
                    return response.content[0].text
                except IndexError:
                    return ""
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
                return response.content[0].text if len(response.content) > 0 else ""
            """
        ),
        # With tools it is CL401's.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def answer(question, tools):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, tools=tools, messages=[{"role": "user", "content": question}])
                return response.content[0].text
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # `stream=` a parameter: unknown is not a stream; the code reads a Message.
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()


            def complete(prompt, stream=False):
                response = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=256, messages=prompt, stream=stream,
                )
                return response.content[0].text
            """,
            line=10,
            column=12,
            message=(
                '`response.content[0]` assumes the reply has content: a reply with no blocks raises IndexError here. Check `response.content` first'
            ),
        ),
        # Arguments in `**kwargs`: tools unknown, and no blocks fails either way.
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()


            def complete(prompt, **kwargs):
                response = client.messages.create(model="claude-sonnet-4-6", messages=prompt, **kwargs)
                return response.content[0].text
            """,
            line=8,
            column=12,
            message=(
                '`response.content[0]` assumes the reply has content: a reply with no blocks raises IndexError here. Check `response.content` first'
            ),
        ),
        # The response returned to a caller in the module, which reads it.
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()


            def call_claude(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=256, messages=prompt)


            def summarise(text):
                reply = call_claude([{"role": "user", "content": text}])
                return reply.content[0].text
            """,
            line=12,
            column=12,
            message=(
                '`reply.content[0]` assumes the reply has content: a reply with no blocks raises IndexError here. Check `reply.content` first'
            ),
        ),
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
                "`response.content[0]` assumes the reply has content: a reply with no blocks "
                "raises IndexError here. Check `response.content` first"
            ),
        ),
        # Chained on the call, through a `with_options` client.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def title(text):
                return client.with_options(timeout=30).messages.create(
                    model="claude-haiku-4-5", max_tokens=32,
                    messages=[{"role": "user", "content": text}],
                ).content[-1].text.strip()
            """,
            line=4,
            column=12,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        values = ctx.values
        asked: set[tuple[int, str]] = set()  # (index, reply note): a read several replies reach
        for use in ctx.frames.messages():
            if use.size_checked or use.block_type_checked:
                continue
            # Definitely tools or thinking: CL401's. Unknown (`**kwargs`) is unknown: a reply
            # with no blocks fails the same way either way.
            if values.request_uses_tools(use.site) or values.request_uses_thinking(use.site):
                continue
            note = ctx.reply_note(use.site)
            for index in use.indexes:
                if index.text is None or index.literal is None or (id(index.node), note) in asked:
                    continue
                asked.add((id(index.node), note))
                if use.frame.guarded_by(index.node, _INDEX_ERRORS):
                    continue
                ctx.report(
                    index.node,
                    f"`{short_code(index.node)}` assumes the reply has content: a reply with no blocks "
                    f"raises IndexError here. Check `{short_code(index.node.value)}` first{note}",
                )
