"""CL209 ignores-retry-after: A manual retry on a rate limit that ignores `retry-after`."""

from claude_lint.analysis.model import HandlerInfo
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule
from claude_lint.sdk.knowledge import Knowledge


def _catches_rate_limit(handler: HandlerInfo, knowledge: Knowledge) -> bool:
    return handler.catches_broad() or any(
        caught.sdk_name is not None and knowledge.is_subclass("RateLimitError", caught.sdk_name)
        for caught in handler.types
    )


def _before(handler: HandlerInfo) -> list[HandlerInfo]:
    """The handlers of the same try that come first (a 429 they catch never gets here)."""
    handlers = handler.try_info.handlers
    return handlers[: handlers.index(handler)]


class IgnoresRetryAfter(Rule):
    """## What it does
    Finds a hand-written retry of a rate-limited Claude call (a loop or a
    recursive retry whose handler catches `RateLimitError` or a broader
    type) whose sleep never reads the `retry-after` header. Opt-in.

    ## Why is this bad?
    On a 429 the API says how long to wait in `retry-after` (and
    `retry-after-ms`). Guessing instead either retries too early, which
    fails again and counts against the limit, or waits longer than needed.

    ## Example
    ```python
    import random
    import time

    import anthropic

    client = anthropic.Anthropic(max_retries=0)

    def ask(prompt):
        for attempt in range(4):
            try:
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            except anthropic.RateLimitError:
                time.sleep(random.uniform(0, 2 ** attempt))
        raise RuntimeError("Claude stayed rate limited")
    ```

    Use instead:
    ```python
    import random
    import time

    import anthropic

    client = anthropic.Anthropic(max_retries=0)

    def ask(prompt):
        for attempt in range(4):
            try:
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            except anthropic.RateLimitError as e:
                retry_after = e.response.headers.get("retry-after")
                time.sleep(float(retry_after) if retry_after else random.uniform(0, 2 ** attempt))
        raise RuntimeError("Claude stayed rate limited")
    ```

    ## Fix safety
    There is no fix.
    """

    code = "CL209"
    name = "ignores-retry-after"
    summary = "A manual retry on a rate limit that ignores `retry-after`"
    default = False

    VALID = [
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in range(4):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.RateLimitError as e:
                        time.sleep(int(e.response.headers.get("retry-after", "1")))
                raise RuntimeError("gave up")
            """
        ),
        # Retries only server errors: no retry-after to read.
        Valid(
            """
            import anthropic, time, random
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in range(4):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.InternalServerError:
                        time.sleep(random.uniform(0, 2 ** attempt))
                raise RuntimeError("gave up")
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            import random
            import time

            import anthropic

            client = anthropic.Anthropic(max_retries=0)

            def ask(prompt):
                for attempt in range(4):
                    try:
                        return client.messages.create(
                            model="claude-sonnet-4-6", max_tokens=512,
                            messages=[{"role": "user", "content": prompt}],
                        )
                    except anthropic.RateLimitError:
                        time.sleep(random.uniform(0, 2 ** attempt))
                raise RuntimeError("Claude stayed rate limited")
            """,
            line=16,
            column=13,
            message=(
                "This retry sleeps a guessed time after a rate limit: read the `retry-after` header "
                "of the RateLimitError's response instead"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        knowledge = ctx.knowledge
        if not knowledge.is_exception("RateLimitError"):
            return
        for m in ctx.retries.mechanisms:
            if m.family not in ("manual", "recursion") or m.reads_retry_after or not m.sleeps:
                continue
            catches_429 = any(
                _catches_rate_limit(h, knowledge) and not any(
                    _catches_rate_limit(earlier, knowledge) for earlier in _before(h)
                )
                for h in m.handlers
            )
            if catches_429:
                ctx.report(
                    m.sleeps[0].node,
                    "This retry sleeps a guessed time after a rate limit: read the `retry-after` header "
                    f"of the RateLimitError's response instead{ctx.chosen_note(m.call_sites)}",
                )
