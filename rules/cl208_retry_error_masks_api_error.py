"""CL208 retry-error-masks-api-error: tenacity without `reraise=True` (or retrying with `wrap_exception=True`) around a Claude call."""

from claude_lint.analysis.retries import direct_sites, own_calls
from claude_lint.core.diagnostics import FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.helper_adoption import helper_replaces
from claude_lint.lint.retry_fixes import add_keyword_edit
from claude_lint.lint.retry_wording import mechanism_name
from claude_lint.lint.rule import Rule


class RetryErrorMasksApiError(Rule):
    """## What it does
    Finds tenacity (`@retry`, `Retrying`, `AsyncRetrying`) around a Claude
    call without `reraise=True`, and the `retrying` library's `@retry` /
    `Retrying` with `wrap_exception=True` (by default it re-raises the error).

    ## Why is this bad?
    When the attempts run out, tenacity raises `tenacity.RetryError`, not the
    API error. Every `except anthropic.RateLimitError` or `except
    anthropic.APIError` further up never matches, the status code and request
    id are buried in `RetryError.last_attempt`, and error trackers group
    every failure under one meaningless type.

    ## Example
    ```python
    import anthropic
    from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

    client = anthropic.Anthropic(max_retries=0)

    @retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(5),
           wait=wait_random_exponential(max=60))
    def ask(prompt):
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": prompt}],
        )
    ```

    Use instead:
    ```python
    import anthropic
    from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

    client = anthropic.Anthropic(max_retries=0)

    @retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(5),
           wait=wait_random_exponential(max=60), reraise=True)
    def ask(prompt):
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": prompt}],
        )
    ```

    ## Fix safety
    The fix adds `reraise=True` (for `retrying`: sets `wrap_exception=False`).
    It is unsafe: code that catches `RetryError` today stops seeing it. A decorator that a helper
    fix (CL202) removes is left to that fix.
    """

    code = "CL208"
    name = "retry-error-masks-api-error"
    summary = "tenacity around a Claude call without `reraise=True`"
    fix = FixKind.UNSAFE

    VALID = [
        Valid(
            """
            import anthropic
            from tenacity import retry, stop_after_attempt
            @retry(stop=stop_after_attempt(3), reraise=True)
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # backoff re-raises the original error by itself.
        Valid(
            """
            import anthropic, backoff
            @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=3)
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # tenacity around something that is not a Claude call.
        Valid(
            """
            import anthropic, requests
            from tenacity import retry
            @retry
            def fetch(url):
                return requests.get(url)
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            import anthropic
            from retrying import retry

            client = anthropic.Anthropic(max_retries=0)

            @retry(stop_max_attempt_number=4, wait_random_min=500, wait_random_max=5000,
                   retry_on_exception=(anthropic.RateLimitError,), wrap_exception=True)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """,
            line=6,
            column=1,
            message=(
                "`@retry(...)` has `wrap_exception=True`: when its attempts run out the caller gets "
                "`retrying.RetryError` and every `except anthropic...` above never matches"
            ),
            fixed="""
            import anthropic
            from retrying import retry

            client = anthropic.Anthropic(max_retries=0)

            @retry(stop_max_attempt_number=4, wait_random_min=500, wait_random_max=5000,
                   retry_on_exception=(anthropic.RateLimitError,), wrap_exception=False)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """,
        ),
        Invalid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

            client = anthropic.Anthropic(max_retries=0)

            @retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(5),
                   wait=wait_random_exponential(max=60))
            def ask(prompt):
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            """,
            line=6,
            column=1,
            message=(
                "`@retry(...)` has no `reraise=True`: when its attempts run out the caller gets "
                "`tenacity.RetryError` and every `except anthropic...` above never matches"
            ),
            fixed="""
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

            client = anthropic.Anthropic(max_retries=0)

            @retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(5),
                   wait=wait_random_exponential(max=60), reraise=True)
            def ask(prompt):
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            """,
        ),
        # An explicit `reraise=False` is replaced, not repeated. (The function does more than
        # the call, so no helper fix replaces the decorator: CL208 may edit it.)
        Invalid(
            """
            import anthropic
            from tenacity import retry, stop_after_attempt
            @retry(stop=stop_after_attempt(3), reraise=False)
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[]).content
            """,
            line=3,
            column=1,
            fixed="""
            import anthropic
            from tenacity import retry, stop_after_attempt
            @retry(stop=stop_after_attempt(3), reraise=True)
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[]).content
            """,
        ),
        Invalid(
            """
            import anthropic
            from tenacity import retry
            @retry
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[]).content
            """,
            line=3,
            column=1,
            fixed="""
            import anthropic
            from tenacity import retry
            @retry(reraise=True)
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[]).content
            """,
        ),
        Invalid(
            """
            import anthropic
            from tenacity import Retrying, stop_after_attempt
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in Retrying(stop=stop_after_attempt(3)):
                    with attempt:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """,
            line=5,
            column=20,
            message=(
                "`Retrying(...)` has no `reraise=True`: when its attempts run out the caller gets "
                "`tenacity.RetryError` and every `except anthropic...` above never matches"
            ),
            fixed="""
            import anthropic
            from tenacity import Retrying, stop_after_attempt
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in Retrying(stop=stop_after_attempt(3), reraise=True):
                    with attempt:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """,
        ),
        # A bare tenacity applied at the call: reported at the application (no keyword to add to).
        Invalid(
            """
            import anthropic, tenacity
            client = anthropic.Anthropic(max_retries=0)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def answer(prompt):
                try:
                    return tenacity.retry(ask)(prompt)
                except anthropic.APIError:
                    return None
            """,
            line=7,
            column=16,
            message=(
                "`tenacity.retry(...)` has no `reraise=True`: when its attempts run out the caller gets "
                "`tenacity.RetryError` and every `except anthropic...` above never matches"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for m in ctx.retries.mechanisms:
            if m.family not in ("tenacity", "retrying") or m.reraise or not m.call_sites or not m.retries_errors:
                continue
            reached = [d for site in m.call_sites for d in direct_sites(site, ctx.model)]
            if all(site.chosen for site in m.call_sites) or (
                reached and all(site.remote is not None and site.remote.via for site in reached)
            ):
                # Claude is one of the classes the object may be of (or one of the functions the
                # callee may be): what its callers catch is the project's business, not the SDK's
                # exceptions alone.
                continue
            if m.family == "retrying":  # `wrap_exception=True`
                wrap = m.keyword("wrap_exception")
                ctx.report(
                    m.node,
                    f"{mechanism_name(m, ctx.model)} has `wrap_exception=True`: when its attempts run out the "
                    "caller gets `retrying.RetryError` and every `except anthropic...` above never matches",
                    ctx.fix("Set `wrap_exception=False`", ctx.replace(wrap.value, "False"), safe=False)
                    if wrap is not None and m.call in own_calls(m) and not helper_replaces(ctx, m)
                    else None,
                )
                continue
            # A decorator the helper fix removes is not edited (CL202's fix replaces it).
            edits = add_keyword_edit(ctx, m, "reraise=True")
            fix = ctx.fix("Add `reraise=True`", *edits, safe=False) if edits else None
            ctx.report(
                m.node,
                f"{mechanism_name(m, ctx.model)} has no `reraise=True`: when its attempts run out the caller "
                "gets `tenacity.RetryError` and every `except anthropic...` above never matches",
                fix,
            )
