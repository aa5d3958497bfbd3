"""CL304 unknown-model: A Claude call names a `claude-*` model id the API does not know."""

from typing import ClassVar

from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.model_advice import status_to_report
from claude_lint.lint.rule import Rule


class UnknownModel(Rule):
    """## What it does
    Finds a `claude-*` model argument of a Claude call (a literal, also through
    a constant, a parameter default or an environment-variable default) that
    matches no model id or alias any bundled SDK version lists, no deprecated
    or retired id, and no Bedrock (`anthropic.claude-...-v1:0`, also
    region-prefixed) or Vertex (`claude-...@20250929`) id form: usually a typo
    such as `claude-sonet-4-5`. Strings that are not model arguments, and ids
    built at run time, are never checked.

    ## Why is this bad?
    The SDK sends any string; the API answers `404 not_found_error` for an id
    it does not know. The mistake only shows when the code runs, and retry
    logic that treats 404 as transient makes it slower to notice.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    reply = client.messages.create(
        model="claude-sonet-4-6",
        max_tokens=1024,
        messages=[{"role": "user", "content": "Hello"}],
    )
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    reply = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=1024,
        messages=[{"role": "user", "content": "Hello"}],
    )
    ```

    ## Fix safety
    There is no fix: the message suggests the closest known id, but only the
    author knows which model was meant.
    """

    code = "CL304"
    name = "unknown-model"
    summary = "A Claude call names a `claude-*` model id the API does not know"

    VALID: ClassVar[list[Valid]] = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(model="claude-haiku-4-5-20251001", max_tokens=64, messages=[])
            """
        ),
        # A model newer than the SDK in use is still a model.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """,
            sdk_version="0.40.0",
        ),
        Valid(
            """
            import anthropic
            bedrock = anthropic.AnthropicBedrock(aws_region="us-east-1")
            bedrock.messages.create(model="us.anthropic.claude-sonnet-4-5-20250929-v1:0", max_tokens=64, messages=[])
            bedrock.messages.create(model="anthropic.claude-3-haiku-20240307-v1:0", max_tokens=64, messages=[])
            vertex = anthropic.AnthropicVertex(region="us-east5", project_id="p")
            vertex.messages.create(model="claude-sonnet-4-5@20250929", max_tokens=64, messages=[])
            """
        ),
        # Strings that are not model arguments; a model id built at run time.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            LABEL = "claude-sonet-typo-in-a-log-line"
            def ask(size, prompt):
                return client.messages.create(
                    model=f"claude-{size}-4-5", max_tokens=64,
                    system="You are claude-helper-bot.",
                    messages=[{"role": "user", "content": prompt}],
                )
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            reply = client.messages.create(
                model="claude-sonet-4-6",
                max_tokens=1024,
                messages=[{"role": "user", "content": "Hello"}],
            )
            """,
            line=6,
            column=11,
            message=(
                "`claude-sonet-4-6` is not a Claude model id: the API answers 404 for it. "
                "Did you mean `claude-sonnet-4-6`?"
            ),
        ),
        # Through a dict of settings, and an id with no close match.
        Invalid(
            """
            import anthropic
            MODELS = {"fast": "claude-instant-7", "smart": "claude-opus-4-8"}
            client = anthropic.Anthropic()
            client.messages.create(model=MODELS["fast"], max_tokens=64, messages=[{"role": "user", "content": "hi"}])
            """,
            line=2,
            column=19,
            message="`claude-instant-7` is not a Claude model id: the API answers 404 for it.",
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        values = ctx.values
        seen: set[int] = set()
        for known in values.request_models_once(ctx.model.direct_call_sites):
            status = status_to_report(ctx, known, seen, "unknown")
            if status is None:
                continue
            hint = f" Did you mean `{status.suggestion}`?" if status.suggestion else ""
            ctx.report(known.node, f"`{known.value}` is not a Claude model id: the API answers 404 for it.{hint}")
