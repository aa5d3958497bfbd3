"""CL201 missing-retry: A Claude call with SDK retries disabled and no retry around it."""

from claude_lint.analysis.model import CallSite
from claude_lint.analysis.retries import helper_attempts, helper_policy_arg
from claude_lint.core.diagnostics import FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.helper_adoption import adopt_helper, with_reason
from claude_lint.lint.retry_wording import mechanism_name
from claude_lint.lint.rule import Rule


class MissingRetry(Rule):
    """## What it does
    Finds a Claude call whose client has the SDK's own retries turned off
    (`max_retries=0` on the constructor or through `with_options`) when no
    retry mechanism in the module (tenacity, backoff, stamina, a retry loop,
    a recursive retry) wraps the call. A retry only on results
    (`retry=retry_if_result(...)`, `backoff.on_predicate`) does not count:
    it lets the call's errors through.

    ## Why is this bad?
    Rate limits (429), overloads (529) and dropped connections are normal
    for an API under load. With `max_retries=0` and nothing else retrying,
    each of them fails the user's request at once, although a second attempt
    a moment later would have succeeded.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic(max_retries=0)

    def ask(prompt):
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": prompt}],
        )
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic(max_retries=3)

    def ask(prompt):
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": prompt}],
        )
    ```

    ## Fix safety
    The fix rewrites the call onto the reference helper
    (`create_message(client, ...)` from `helper-module`), which validates the
    request and retries retryable errors with backoff. It is unsafe: the call
    now waits and retries where it used to fail at once.
    The helper comes from `helper-module`: vendor it with `claude-lint helper
    --write src/myapp/`, which writes one standalone file and records the
    setting, so the fixed code never imports claude-lint at run time. Until
    `helper-module` is set the fix is display-only: `--diff` shows it,
    `--fix` does not write it. Its title says what changes: which errors are
    retried, and that an invalid request raises
    `RequestValidationError` (a `ValueError`) before sending; a handler that
    caught the old failure by an SDK class (`except anthropic.APIError`) is
    extended to catch it.
    """

    code = "CL201"
    name = "missing-retry"
    summary = "A Claude call with SDK retries disabled and no retry around it"
    fix = FixKind.HELPER

    VALID = [
        # The retry's predicate and stop come through module-level names.
        Valid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

            STOP = stop_after_attempt(5)
            TRANSIENT = (anthropic.RateLimitError, anthropic.InternalServerError)
            client = anthropic.Anthropic(max_retries=0)


            @retry(retry=retry_if_exception_type(TRANSIENT), wait=wait_random_exponential(max=30), stop=STOP, reraise=True)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """
        ),
        # SDK retries on (default).
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # Retried by tenacity.
        Valid(
            """
            import anthropic
            from tenacity import retry, stop_after_attempt
            client = anthropic.Anthropic(max_retries=0)
            @retry(stop=stop_after_attempt(3))
            def ask():
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # Retried through the function that calls it.
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def once(q):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": q}])
            def ask(q):
                for attempt in range(3):
                    try:
                        return once(q)
                    except anthropic.RateLimitError:
                        time.sleep(2 ** attempt)
                raise RuntimeError("gave up")
            """
        ),
        # An instructor client's re-ask budget is not the SDK's max_retries.
        Valid(
            """
            import anthropic, instructor
            client = instructor.from_anthropic(anthropic.Anthropic())
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[], response_model=User, max_retries=0)
            """
        ),
        # tenacity applied to the SDK method at the call retries it.
        Valid(
            """
            import anthropic, tenacity
            client = anthropic.Anthropic(max_retries=0)
            TRANSIENT = (anthropic.RateLimitError, anthropic.InternalServerError, anthropic.APIConnectionError)
            def ask(prompt):
                return tenacity.retry(retry=tenacity.retry_if_exception_type(TRANSIENT), stop=tenacity.stop_after_attempt(4), wait=tenacity.wait_random_exponential(max=30), reraise=True)(client.messages.create)(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """
        ),
    ]
    INVALID = [
        # A retry only on results retries none of the call's errors.
        Invalid(
            """
            import anthropic
            from tenacity import retry, retry_if_result, stop_after_attempt
            client = anthropic.Anthropic(max_retries=0)
            @retry(retry=retry_if_result(lambda r: r.stop_reason == "max_tokens"), stop=stop_after_attempt(3))
            def ask(q):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
            """,
            line=6,
            column=12,
            message=(
                "This Claude call's client has SDK retries disabled (`max_retries=0` on line 3) and only "
                "`@retry(...)` retries it, on its results, not on its errors: a 429, 529 or dropped connection "
                "fails the request at once"
            ),
        ),
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic(max_retries=0)

            def ask(prompt):
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            """,
            line=6,
            column=12,
            message=(
                "This Claude call's client has SDK retries disabled (`max_retries=0` on line 3) and "
                "nothing retries it: a 429, 529 or dropped connection fails the request at once"
            ),
            fixed="""
            import anthropic
            from claude_lint.helper import create_message

            client = anthropic.Anthropic(max_retries=0)

            def ask(prompt):
                return create_message(
                    client,
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            """,
        ),
        Invalid(
            """
            from anthropic import AsyncAnthropic
            class Bot:
                def __init__(self):
                    self.client = AsyncAnthropic()
                async def ask(self, q):
                    fast = self.client.with_options(max_retries=0)
                    return await fast.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=[])
            """,
            line=7,
            column=22,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        analysis = ctx.retries
        for site in ctx.model.direct_call_sites:
            if site.helper:
                self._check_helper_call(ctx, site)
                continue
            client = site.client
            if client is None or client.max_retries != 0 or analysis.is_wrapped(site):
                continue
            where = f" on line {ctx.start(client.max_retries_node).line}" if client.max_retries_node else ""
            if client.where is not None:
                where = f" in {client.where}"
            on_results = next(iter(analysis.wrapping(site)), None)  # only ones that retry results
            nothing = (
                f"only {mechanism_name(on_results, ctx.model)} retries it, on its results, not on its errors"
                if on_results is not None
                else "nothing retries it"
            )
            adoption = adopt_helper(ctx, site)
            ctx.report(
                site.node,
                with_reason(
                    f"This Claude call's client has SDK retries disabled (`max_retries=0`{where}) and {nothing}: "
                    "a 429, 529 or dropped connection fails the request at once",
                    adoption,
                ),
                adoption.fix,
            )

    @staticmethod
    def _check_helper_call(ctx: RuleContext, site: CallSite) -> None:
        """A helper call whose `RetryPolicy(max_attempts=N)` is below `min-attempts`."""
        attempts = helper_attempts(site, ctx.model)
        arg = helper_policy_arg(site, ctx.model)
        if attempts is None or arg is None or attempts >= ctx.settings.min_attempts or ctx.retries.is_wrapped(site):
            return
        ctx.report(
            arg,
            f"`max_attempts={attempts}` makes the helper try this Claude call {attempts} time"
            f"{'s' if attempts != 1 else ''}, below `min-attempts` ({ctx.settings.min_attempts}): "
            "a 429, 529 or dropped connection fails the request at once",
        )
