"""CL303 deprecated-model: A Claude call names a deprecated model whose end-of-life date is ahead."""

from typing import ClassVar

from claude_lint.core.diagnostics import FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.model_advice import status_to_report, successor_advice
from claude_lint.lint.rule import Rule
from claude_lint.sdk import models as model_ids


class DeprecatedModel(Rule):
    """## What it does
    Finds a model argument of a Claude call (a literal, also through a constant,
    a parameter default or an environment-variable default) that the SDK in use
    lists as deprecated (or claude-lint's table of model end-of-life dates does)
    and whose end-of-life date is still ahead. The message gives the date.

    ## Why is this bad?
    On the end-of-life date the model is retired and every request naming it
    fails with `404 not_found_error`. Until then the code works, so nothing
    but a linter or an SDK warning in a log says the deadline is coming.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    reply = client.messages.create(
        model="claude-sonnet-4-5",
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
    The fix replaces the id with the documented successor. It is unsafe: the
    successor answers differently, so prompts and parsers deserve a test run.
    """

    code = "CL303"
    name = "deprecated-model"
    summary = "A Claude call names a deprecated model whose end-of-life date is ahead"
    fix = FixKind.UNSAFE

    VALID: ClassVar[list[Valid]] = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # Already retired: CL302's.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(model="claude-3-7-sonnet-20250219", max_tokens=64, messages=[])
            """
        ),
        # Not a model argument.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            print("we moved off claude-sonnet-4-5")
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64, system="You replace claude-sonnet-4-5.", messages=[])
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            reply = client.messages.create(
                model="claude-sonnet-4-5",
                max_tokens=1024,
                messages=[{"role": "user", "content": "Hello"}],
            )
            """,
            line=6,
            column=11,
            message=(
                "`claude-sonnet-4-5` is deprecated: the API stops serving it on 2026-11-30 "
                "(in 4 days), and then answers 404. Use `claude-sonnet-4-6`."
            ),
            fixed="""
            import anthropic

            client = anthropic.Anthropic()

            reply = client.messages.create(
                model="claude-sonnet-4-6",
                max_tokens=1024,
                messages=[{"role": "user", "content": "Hello"}],
            )
            """,
        ),
        # Through a class attribute, from the SDK's own deprecated list.
        Invalid(
            """
            import anthropic

            class Writer:
                def __init__(self):
                    self.client = anthropic.Anthropic()
                    self.model = "claude-opus-4-5-20251101"

                def draft(self, brief):
                    return self.client.messages.create(
                        model=self.model, max_tokens=2048,
                        messages=[{"role": "user", "content": brief}],
                    )
            """,
            line=6,
            column=22,
            message=(
                "`claude-opus-4-5-20251101` is deprecated: the API stops serving it on 2027-01-22 "
                "(in 57 days), and then answers 404. Use `claude-opus-5`."
            ),
        ),
        # An SDK that does not list it yet: the bundled table knows the date.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(model="claude-sonnet-4-5-20250929", max_tokens=64, messages=[{"role": "user", "content": "hi"}])
            """,
            line=3,
            column=30,
            sdk_version="0.121.0",
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        values = ctx.values
        seen: set[int] = set()
        # Models a legacy `completions.create` sends: a Messages-only successor would not work there.
        legacy = {id(k.node) for site in ctx.model.direct_call_sites if site.method == "completions.create" for k in values.request_models(site)}
        now = model_ids.today()  # looked up at run time: tests patch it
        for known in values.request_models_once(ctx.model.direct_call_sites):
            status = status_to_report(ctx, known, seen, "deprecated", now)
            if status is None:
                continue
            model = str(known.value)
            assert status.end_of_life is not None
            days = (status.end_of_life - now).days
            advice, fix = successor_advice(ctx, known, status.successor, id(known.node) in legacy)
            ctx.report(
                known.node,
                f"`{model}` is deprecated: the API stops serving it on "
                f"{status.end_of_life.isoformat()} (in {days} day{'s' if days != 1 else ''}), "
                f"and then answers 404.{advice}",
                fix,
            )
