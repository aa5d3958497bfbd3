"""CL204 retry-without-backoff: A retry around a Claude call that does not wait between attempts."""

import libcst as cst

from claude_lint.analysis.retries import RetryMechanism, retry_decided_by_callback
from claude_lint.core.diagnostics import FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.retry_fixes import add_keyword_edit
from claude_lint.lint.retry_wording import header_width, mechanism_name
from claude_lint.lint.rule import Rule


def _handlers_without_wait(ctx: RuleContext, m: RetryMechanism) -> list[cst.CSTNode]:
    """The retrying handlers of a loop whose path back to the call never sleeps (each its own error types)."""
    in_handler: set[int] = set()
    shared = False  # a sleep in the loop body outside the handlers serves every path
    for record in m.sleeps:
        handler = next((c.handler for c in reversed(record.trys) if c.part == "handler"), None)
        if handler is not None and handler in m.handlers:
            in_handler.add(id(handler))
        else:
            shared = True
    if shared:
        return []
    # A retry the user (or a callback) decides on waits for that answer.
    return [h.node for h in m.handlers if id(h) not in in_handler and not retry_decided_by_callback(h)]


class RetryWithoutBackoff(Rule):
    """## What it does
    Finds a retry around a Claude call that tries again at once: tenacity
    without `wait=` (or with `wait_none()`), the `retrying` library's
    `@retry`/`Retrying` with no `wait_*` keyword, a retry loop or a
    recursive retry with no sleep on its retry path.

    ## Why is this bad?
    A rate limit or an overload does not clear in microseconds. Retrying
    immediately burns every attempt within a second, adds load to an API
    that is already shedding it, and turns a short blip into a failure.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic(max_retries=0)

    def ask(prompt):
        for attempt in range(3):
            try:
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            except anthropic.RateLimitError:
                continue
        raise RuntimeError("Claude stayed rate limited")
    ```

    Use instead:
    ```python
    import random
    import time

    import anthropic

    client = anthropic.Anthropic(max_retries=0)

    def ask(prompt):
        for attempt in range(3):
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
    For tenacity the fix adds `wait=wait_random_exponential(multiplier=1,
    max=60)` (importing it if needed). It is unsafe: calls take longer to
    fail.
    """

    code = "CL204"
    name = "retry-without-backoff"
    summary = "A retry around a Claude call that does not wait between attempts"
    fix = FixKind.UNSAFE

    VALID = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def chat():
                history = []
                while True:
                    line = input("> ")
                    history.append({"role": "user", "content": line})
                    try:
                        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=history)
                    except Exception as e:
                        print("Claude failed:", e)
                        history.pop()
                        continue
                    history.append({"role": "assistant", "content": reply.content})
            """
        ),
        Valid(
            """
            import anthropic, queue
            client = anthropic.Anthropic()
            def worker(jobs: queue.Queue, results):
                while True:
                    job = jobs.get()
                    try:
                        results.append(client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=job))
                    except anthropic.APIError as e:
                        results.append(e)
            """
        ),
        Valid(
            """
            import anthropic
            from tenacity import retry, stop_after_attempt, wait_exponential
            @retry(stop=stop_after_attempt(3), wait=wait_exponential())
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # backoff always waits.
        Valid(
            """
            import anthropic, backoff
            @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=4)
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # The sleep may sit after the try, in the loop body.
        Valid(
            """
            import anthropic, asyncio
            client = anthropic.AsyncAnthropic(max_retries=0)
            async def ask():
                for attempt in range(3):
                    try:
                        return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.RateLimitError:
                        pass
                    await asyncio.sleep(2 ** attempt)
                raise RuntimeError("gave up")
            """
        ),
    ]
    INVALID = [
        # One handler backs off, the other retries at once.
        Invalid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in range(5):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.RateLimitError:
                        time.sleep(5)
                    except anthropic.InternalServerError as e:
                        print(e)
                raise RuntimeError("gave up")
            """,
            line=9,
            column=9,
            message="The `for` retry loop tries the Claude call again at once: add a sleep with exponential backoff and jitter",
        ),
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic(max_retries=0)

            def ask(prompt):
                for attempt in range(3):
                    try:
                        return client.messages.create(
                            model="claude-sonnet-4-6", max_tokens=512,
                            messages=[{"role": "user", "content": prompt}],
                        )
                    except anthropic.RateLimitError:
                        continue
                raise RuntimeError("Claude stayed rate limited")
            """,
            line=12,
            column=9,
            message="The `for` retry loop tries the Claude call again at once: add a sleep with exponential backoff and jitter",
        ),
        # The function does more than the call, so no helper fix replaces the decorator
        # (a decorator the helper fix removes is left to that fix).
        Invalid(
            """
            import anthropic
            import tenacity
            @tenacity.retry(stop=tenacity.stop_after_attempt(3))
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[]).content
            """,
            line=3,
            column=1,
            message="`@tenacity.retry(...)` tries the Claude call again at once: add a sleep with exponential backoff and jitter",
            fixed="""
            import anthropic
            import tenacity
            @tenacity.retry(stop=tenacity.stop_after_attempt(3), wait=tenacity.wait_random_exponential(multiplier=1, max=60))
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[]).content
            """,
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic(max_retries=0)
            def ask(q, tries=3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
                except anthropic.InternalServerError:
                    if tries <= 1:
                        raise
                    return ask(q, tries - 1)
            """,
            line=9,
            column=16,
        ),
        # tenacity applied to the function in a name, then called: no `wait=`.
        Invalid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt
            client = anthropic.Anthropic(max_retries=0)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def answer(prompt):
                retried = retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(4), reraise=True)(ask)
                return retried(prompt)
            """,
            line=7,
            column=15,
            message="`retry(...)` tries the Claude call again at once: add a sleep with exponential backoff and jitter",
            fixed="""
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential
            client = anthropic.Anthropic(max_retries=0)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def answer(prompt):
                retried = retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(4), reraise=True, wait=wait_random_exponential(multiplier=1, max=60))(ask)
                return retried(prompt)
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for m in ctx.retries.mechanisms:
            if not m.call_sites or not m.retries_errors:
                continue
            if m.family == "manual":
                nodes = _handlers_without_wait(ctx, m)
            elif m.wait != "none":
                continue
            else:
                nodes = [m.node]
            for node in nodes:
                self._report(ctx, m, node)

    @staticmethod
    def _report(ctx: RuleContext, m: RetryMechanism, node: cst.CSTNode) -> None:
        fix = None
        if m.family == "tenacity":
            name, imports = ctx.import_name("tenacity", "wait_random_exponential")
            edits = add_keyword_edit(ctx, m, f"wait={name}(multiplier=1, max=60)")
            if edits:
                fix = ctx.fix("Add `wait=wait_random_exponential(multiplier=1, max=60)`", *edits, *imports, safe=False)
        what = mechanism_name(m, ctx.model)
        ctx.report(
            node,
            f"{what[0].upper()}{what[1:]} tries the Claude call again at once: add a sleep with "
            "exponential backoff and jitter",
            fix,
            width=header_width(node),
        )
