"""CL205 retry-without-jitter: Retry waits around a Claude call with no random jitter."""

from claude_lint.analysis.retries import wait_kind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.retry_wording import mechanism_name
from claude_lint.lint.rule import Rule


class RetryWithoutJitter(Rule):
    """## What it does
    Finds a retry around a Claude call whose waits have no random component:
    a fixed sleep, `time.sleep(2 ** attempt)`, tenacity's `wait_fixed` or
    `wait_exponential` alone, or backoff with `jitter=None`. Opt-in.

    ## Why is this bad?
    When many workers hit a rate limit together, identical waits make them
    retry together too, in synchronised waves that hit the limit again.
    Random jitter spreads the retries out.

    ## Example
    ```python
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
                time.sleep(2 ** attempt)
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
            except anthropic.RateLimitError:
                time.sleep(random.uniform(0, 2 ** attempt))
        raise RuntimeError("Claude stayed rate limited")
    ```

    ## Fix safety
    No automatic fix yet.
    """

    code = "CL205"
    name = "retry-without-jitter"
    summary = "Retry waits around a Claude call with no random jitter"
    default = False

    VALID = [
        Valid(
            """
            import anthropic
            from tenacity import retry, stop_after_attempt, wait_exponential, wait_random
            @retry(stop=stop_after_attempt(3), wait=wait_exponential(min=1, max=30) + wait_random(0, 2))
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        Valid(
            """
            import anthropic, backoff
            @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=4)
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # The delay is computed with jitter before the sleep.
        Valid(
            """
            import anthropic, random, time
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in range(4):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.RateLimitError:
                        delay = min(60, 2 ** attempt) * random.random()
                        time.sleep(delay)
                raise RuntimeError("gave up")
            """
        ),
    ]
    INVALID = [
        # The wait behind a module constant is as fixed as a literal.
        Invalid(
            """
            import time

            import anthropic

            API_RETRY_SLEEP = 10
            client = anthropic.Anthropic(max_retries=0)


            def ask(prompt):
                for attempt in range(3):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                    except anthropic.RateLimitError:
                        time.sleep(API_RETRY_SLEEP)
                raise RuntimeError("rate limited")
            """,
            line=14,
            column=13,
            message="This retry wait (fixed) has no random jitter: parallel workers retry in lockstep and hit the rate limit together again",
        ),
        Invalid(
            """
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
                        time.sleep(2 ** attempt)
                raise RuntimeError("Claude stayed rate limited")
            """,
            line=15,
            column=13,
            message=(
                "This retry wait (exponential) has no random jitter: parallel workers retry in "
                "lockstep and hit the rate limit together again"
            ),
        ),
        Invalid(
            """
            import anthropic
            from tenacity import retry, stop_after_attempt, wait_fixed
            @retry(stop=stop_after_attempt(3), wait=wait_fixed(2))
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """,
            line=3,
            column=1,
            message=(
                "`@retry(...)` waits a fixed time with no random jitter: parallel workers retry in "
                "lockstep and hit the rate limit together again"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for m in ctx.retries.mechanisms:
            if not m.call_sites or not m.retries_errors:
                continue
            if m.family in ("manual", "recursion"):
                for sleep in m.sleeps:
                    kind = wait_kind(ctx.model, [sleep])
                    if kind in ("fixed", "exponential"):
                        ctx.report(
                            sleep.node,
                            f"This retry wait ({kind}) has no random jitter: parallel workers retry in "
                            f"lockstep and hit the rate limit together again{ctx.chosen_note(m.call_sites)}",
                        )
            elif m.wait in ("fixed", "exponential"):
                how = "waits a fixed time" if m.wait == "fixed" else "backs off exponentially"
                ctx.report(
                    m.node,
                    f"{mechanism_name(m, ctx.model)} {how} with no random jitter: parallel workers retry in "
                    f"lockstep and hit the rate limit together again{ctx.chosen_note(m.call_sites)}",
                )
