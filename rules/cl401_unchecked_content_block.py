"""CL401 unchecked-content-block: `.content[0].text` on a reply that may start with a tool_use or thinking block."""

from typing import ClassVar

from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule


class UncheckedContentBlock(Rule):
    """## What it does
    Finds `<response>.content[0].text` (or `[-1]`, or a loop over
    `<response>.content` reading `.text`) when the call passed `tools=` or
    `thinking=`, and nothing checks the block's `type` first (`block.type ==
    "text"`, `isinstance(block, TextBlock)`, `hasattr(block, "text")`; with
    tools only, a `stop_reason == "tool_use"` branch also counts).

    ## Why is this bad?
    With tools the reply can start with, or be only, a `tool_use` block; with
    extended thinking the first block is a `thinking` block. Neither has
    `.text`, so the line raises `AttributeError` exactly when Claude does what
    the request allowed.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def answer(question, tools):
        response = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=1024, tools=tools,
            messages=[{"role": "user", "content": question}],
        )
        return response.content[0].text
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def answer(question, tools):
        response = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=1024, tools=tools,
            messages=[{"role": "user", "content": question}],
        )
        return "".join(block.text for block in response.content if block.type == "text")
    ```

    ## Fix safety
    There is no fix: what to do with a tool call or thinking block is the
    author's call.
    """

    code = "CL401"
    name = "unchecked-content-block"
    summary = "`.content[0].text` on a reply that may start with a tool_use or thinking block"

    VALID: ClassVar[list[Valid]] = [
        # No tools: CL402's concern, not this rule's.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            response = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": "hi"}])
            print(response.content[0].text)
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def answer(question, tools):
                response = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=1024, tools=tools,
                    messages=[{"role": "user", "content": question}],
                )
                if response.stop_reason == "tool_use":
                    return run_tools(response)
                return response.content[0].text
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def think(question):
                response = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=4096,
                    thinking={"type": "enabled", "budget_tokens": 2048},
                    messages=[{"role": "user", "content": question}],
                )
                for block in response.content:
                    if block.type == "text":
                        return block.text
            """
        ),
        # `tools=[]` and `thinking={"type": "disabled"}` turn nothing on.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            response = client.messages.create(
                model="claude-sonnet-4-6", max_tokens=64, tools=[], thinking={"type": "disabled"},
                messages=[{"role": "user", "content": "hi"}],
            )
            text = response.content[0].text
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # The response with tools, returned to a caller in the module.
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()
            TOOLS = [{"name": "lookup", "description": "Look up a word", "input_schema": {"type": "object"}}]


            def call_claude(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=256, messages=prompt, tools=TOOLS)


            def answer(text):
                return call_claude([{"role": "user", "content": text}]).content[0].text
            """,
            line=12,
            column=12,
            message=(
                '`call_claude([{"role": "user", "content": text}]).content[0]` is read as text, but the call passes `tools=`: the block can be a `tool_use` block, which has no `.text` (AttributeError). Check `block.type == "text"` first'
            ),
        ),
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            def answer(question, tools):
                response = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=1024, tools=tools,
                    messages=[{"role": "user", "content": question}],
                )
                return response.content[0].text
            """,
            line=10,
            column=12,
            message=(
                "`response.content[0]` is read as text, but the call passes `tools=`: the block "
                "can be a `tool_use` block, which has no `.text` (AttributeError). Check "
                '`block.type == "text"` first'
            ),
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            THINKING = {"type": "enabled", "budget_tokens": 2048}
            def think(question):
                response = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=4096, thinking=THINKING,
                    messages=[{"role": "user", "content": question}],
                )
                return " ".join(block.text for block in response.content)
            """,
            line=9,
            column=45,
            message=(
                "The loop over `response.content` reads `.text` from every block, but the call passes "
                "`thinking=`: a block can be a `thinking` block, which has no `.text` (AttributeError). "
                'Check `block.type == "text"` first'
            ),
        ),
        # A stop_reason check for something else does not help.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def answer(question, tools):
                reply = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=1024, tools=tools,
                    messages=[{"role": "user", "content": question}],
                )
                if reply.stop_reason == "max_tokens":
                    raise RuntimeError("truncated")
                first = reply.content[0]
                return first.text
            """,
            line=10,
            column=13,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        values = ctx.values
        for use in ctx.frames.messages():
            tools = values.request_uses_tools(use.site)
            thinking = values.request_uses_thinking(use.site)
            if not tools and not thinking:
                continue
            guarded = use.block_type_checked or (
                not thinking and "tool_use" in use.stop_reasons_compared
            )
            option, block = ("thinking", "thinking") if thinking else ("tools", "tool_use")
            # With thinking alone, blocks come thinking first, then text: the last block is
            # text unless the reply stopped at `max_tokens` while thinking, which a check
            # of `stop_reason` rules out.
            last_is_text = thinking and not tools and "max_tokens" in use.stop_reasons_compared
            for index in use.indexes:
                if index.text is None or guarded or index.literal is None:
                    continue
                if last_is_text and index.literal == -1:
                    continue
                ctx.report(
                    index.node,
                    f"`{ctx.code_for(index.node)}` is read as text, but the call passes `{option}=`: "
                    f"the block can be a `{block}` block, which has no `.text` (AttributeError). "
                    f'Check `block.type == "text"` first{ctx.reply_note(use.site)}',
                )
            for loop in use.loops:
                if loop.text is None or loop.type_checked or (not thinking and "tool_use" in use.stop_reasons_compared):
                    continue
                ctx.report(
                    loop.node,
                    f"The loop over `{ctx.code_for(loop.node)}` reads `.text` from every block, but the "
                    f"call passes `{option}=`: a block can be a `{block}` block, which has no `.text` "
                    f'(AttributeError). Check `block.type == "text"` first{ctx.reply_note(use.site)}',
                )
