"""CL211 sleep-without-retry: A handler of a Claude call that sleeps but never retries."""

import libcst as cst

from claude_lint.analysis.retries import admits_retryable, sleep_name
from claude_lint.analysis.syntax import ends_with
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule


class SleepWithoutRetry(Rule):
    """## What it does
    Finds a handler of a retryable error around a Claude call that sleeps
    and then carries on, with no loop or recursion that tries the call
    again.

    ## Why is this bad?
    The wait looks like a retry but nothing is retried: the request is
    dropped after a pointless delay, and the code after the `try` runs with
    no result (often an unbound variable).

    ## Example
    ```python
    import time

    import anthropic

    client = anthropic.Anthropic()

    def ask(prompt):
        try:
            response = client.messages.create(
                model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": prompt}],
            )
        except anthropic.RateLimitError:
            time.sleep(1)
        return response.content[0].text
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic(max_retries=4)

    def ask(prompt):
        response = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": prompt}],
        )
        return response.content[0].text
    ```

    ## Fix safety
    No automatic fix yet; adopting the reference helper will be the fix,
    and it is unsafe.
    """

    code = "CL211"
    name = "sleep-without-retry"
    summary = "A handler of a Claude call that sleeps but never retries"

    VALID = [
        # Sleeps, then re-raises for an outer retry.
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
        # Inside a retry loop the sleep is the backoff.
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in range(3):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.RateLimitError:
                        time.sleep(2 ** attempt)
                raise RuntimeError("gave up")
            """
        ),
        # A non-retryable error: sleeping there is odd but not a retry.
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic()
            def ask():
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                except anthropic.AuthenticationError:
                    time.sleep(1)
                    return None
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            import time

            import anthropic

            client = anthropic.Anthropic()

            def ask(prompt):
                try:
                    response = client.messages.create(
                        model="claude-sonnet-4-6", max_tokens=512,
                        messages=[{"role": "user", "content": prompt}],
                    )
                except anthropic.RateLimitError:
                    time.sleep(1)
                return response.content[0].text
            """,
            line=13,
            column=5,
            message=(
                "`except anthropic.RateLimitError` sleeps and then carries on: nothing tries the Claude "
                "call again; retry it in a loop or re-raise"
            ),
        ),
        Invalid(
            """
            import anthropic, asyncio, logging
            client = anthropic.AsyncAnthropic()
            async def summarise_all(docs):
                results = []
                for doc in docs:
                    try:
                        results.append(await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": doc}]))
                    except anthropic.APIError as e:
                        logging.warning("failed: %s", e)
                        await asyncio.sleep(2)
                return results
            """,
            line=8,
            column=9,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        retrying = {id(h) for m in ctx.retries.mechanisms for h in m.handlers}
        sleeps_by_handler: dict[int, cst.Call] = {}
        for record in model.calls:
            handler = next((c.handler for c in reversed(record.trys) if c.part == "handler"), None)
            if handler is not None and sleep_name(model, record.node) is not None:
                sleeps_by_handler.setdefault(id(handler), record.node)
        for handler in model.handlers:
            if id(handler) not in sleeps_by_handler or id(handler) in retrying:
                continue
            if not handler.try_info.holds_call_site or not admits_retryable(handler, ctx.knowledge):
                continue
            if ends_with(handler.node.body, (cst.Raise,)):
                continue
            caught = ctx.except_clause(handler)
            ctx.report(
                handler.node,
                f"`{caught}` sleeps and then carries on: nothing tries the Claude call again; "
                "retry it in a loop or re-raise",
                width=len("except"),
            )
