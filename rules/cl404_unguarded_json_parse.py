"""CL404 unguarded-json-parse: `json.loads` of Claude's reply text with no handler for `json.JSONDecodeError`."""

from typing import ClassVar

from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule


class UnguardedJsonParse(Rule):
    """## What it does
    Finds `json.loads(...)` of a Claude reply's text (`.content[0].text`, a
    `.strip()`ed or sliced copy, `"".join(...)` of the text blocks, or a name
    holding one of those) in the function that made the call, with no handler
    for `json.JSONDecodeError` (or `ValueError`, `Exception`) around it.

    ## Why is this bad?
    Asked for JSON, Claude still sometimes answers with a sentence first, a
    Markdown code fence, or JSON cut off at `max_tokens`. The parse error then
    escapes as an unexplained `JSONDecodeError` from the middle of the request
    handling, usually as a 500 for whoever asked.

    ## Example
    ```python
    import json

    import anthropic

    client = anthropic.Anthropic()

    def classify(ticket):
        response = client.messages.create(
            model="claude-haiku-4-5", max_tokens=256,
            messages=[{"role": "user", "content": f"Classify as JSON: {ticket}"}],
        )
        return json.loads(response.content[0].text)
    ```

    Use instead:
    ```python
    import json

    import anthropic

    client = anthropic.Anthropic()

    def classify(ticket):
        response = client.messages.create(
            model="claude-haiku-4-5", max_tokens=256,
            messages=[{"role": "user", "content": f"Classify as JSON: {ticket}"}],
        )
        try:
            return json.loads(response.content[0].text)
        except json.JSONDecodeError as exc:
            raise ClassificationFailed(response.content[0].text) from exc
    ```

    ## Fix safety
    There is no fix: what to do with a reply that is not JSON is the author's call.
    """

    code = "CL404"
    name = "unguarded-json-parse"
    summary = "`json.loads` of Claude's reply text with no handler for `json.JSONDecodeError`"

    VALID: ClassVar[list[Valid]] = [
        # Inside a try that catches json.JSONDecodeError.
        Valid(
            """
            import json
            import anthropic
            client = anthropic.Anthropic()
            def classify(ticket):
                response = client.messages.create(model="claude-haiku-4-5", max_tokens=256, messages=[{"role": "user", "content": ticket}])
                try:
                    return json.loads(response.content[0].text)
                except json.JSONDecodeError:
                    return {"label": "unknown"}
            """
        ),
        Valid(
            """
            import contextlib
            from json import loads
            import anthropic
            client = anthropic.Anthropic()
            def classify(ticket):
                response = client.messages.create(model="claude-haiku-4-5", max_tokens=256, messages=[{"role": "user", "content": ticket}])
                with contextlib.suppress(ValueError):
                    return loads(response.content[0].text.strip())
                return None
            """
        ),
        # Not the reply's text.
        Valid(
            """
            import json
            import anthropic
            client = anthropic.Anthropic()
            def classify(ticket):
                config = json.loads(open("labels.json").read())
                response = client.messages.create(model="claude-haiku-4-5", max_tokens=256, messages=[{"role": "user", "content": ticket}])
                return config, response.content[0].text
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import json

            import anthropic

            client = anthropic.Anthropic()

            def classify(ticket):
                response = client.messages.create(
                    model="claude-haiku-4-5", max_tokens=256,
                    messages=[{"role": "user", "content": f"Classify as JSON: {ticket}"}],
                )
                return json.loads(response.content[0].text)
            """,
            line=12,
            column=12,
            message=(
                "`json.loads` of Claude's reply text has no handler for `json.JSONDecodeError`: "
                "a reply that is not pure JSON (a sentence first, a code fence, JSON cut off at "
                "`max_tokens`) raises here"
            ),
        ),
        # A stripped copy through a name; the handler catches only API errors.
        Invalid(
            """
            import json
            import anthropic
            client = anthropic.Anthropic()
            def extract(doc):
                try:
                    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=1024, messages=[{"role": "user", "content": doc}])
                    raw = reply.content[0].text
                    cleaned = raw.strip().removeprefix("```json").removesuffix("```")
                    return json.loads(cleaned)
                except anthropic.APIError:
                    return None
            """,
            line=9,
            column=16,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        seen: set[int] = set()
        for use in ctx.frames.messages():
            for parse in use.json_parses:
                if parse.guarded or id(parse.node) in seen:
                    continue
                seen.add(id(parse.node))
                ctx.report(
                    parse.node,
                    "`json.loads` of Claude's reply text has no handler for `json.JSONDecodeError`: "
                    "a reply that is not pure JSON (a sentence first, a code fence, JSON cut off at "
                    f"`max_tokens`) raises here{ctx.reply_note(use.site)}",
                )
