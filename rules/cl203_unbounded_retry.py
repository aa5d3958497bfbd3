"""CL203 unbounded-retry: A retry around a Claude call that never gives up."""


from claude_lint.analysis.model import ClientInfo
from claude_lint.analysis.retries import (
    INFINITE_RETRIES,
    RetryMechanism,
    helper_attempts,
    helper_policy_arg,
)
from claude_lint.analysis.syntax import keyword_arg
from claude_lint.core.diagnostics import Fix, FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.retry_fixes import add_keyword_edit
from claude_lint.lint.retry_wording import header_width, mechanism_name
from claude_lint.lint.rule import Rule

_WHY = {
    "tenacity": "has no `stop=`, so it retries forever",
    "retrying": "has none of `stop_max_attempt_number`, `stop_max_delay` or `stop_func`, so it retries forever",
    "backoff": "has neither `max_tries` nor `max_time`, so it retries forever",
    "stamina": "sets both `attempts=None` and `timeout=None`, so it retries forever",
    "manual": "has no attempt bound, so it retries forever",
    "recursion": "passes no decreasing attempt counter, so it recurses until the error stops or the stack overflows",
    "project": "has no attempt bound as applied here, so it retries forever",
}


class UnboundedRetry(Rule):
    """## What it does
    Finds a retry around a Claude call that never gives up: tenacity without
    `stop=` (or with `stop_never`), the `retrying` library without
    `stop_max_attempt_number`/`stop_max_delay`/`stop_func` (it never stops
    by default), backoff without `max_tries`/`max_time`,
    a `while` retry loop with no attempt counter, a recursive retry without
    a decreasing counter, or a client's `max_retries` above the configured
    `max-attempts` (10 by default) or infinite.

    ## Why is this bad?
    During an outage or with a revoked key, an unbounded retry hangs the
    request (and the worker) forever, keeps hammering the API, and never
    surfaces the error to anyone.

    ## Example
    ```python
    import anthropic
    from tenacity import retry, retry_if_exception_type, wait_random_exponential

    client = anthropic.Anthropic(max_retries=0)

    @retry(retry=retry_if_exception_type(anthropic.RateLimitError), wait=wait_random_exponential(max=60), reraise=True)
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

    @retry(retry=retry_if_exception_type(anthropic.RateLimitError), wait=wait_random_exponential(max=60), reraise=True, stop=stop_after_attempt(5))
    def ask(prompt):
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": prompt}],
        )
    ```

    ## Fix safety
    For tenacity the fix adds `stop=stop_after_attempt(5)` (importing it if
    needed); for `retrying`, `stop_max_attempt_number=5`; for backoff it adds
    `max_tries=5`. It is unsafe: calls that used
    to wait out a long outage now fail after five attempts.
    """

    code = "CL203"
    name = "unbounded-retry"
    summary = "A retry around a Claude call that never gives up"
    fix = FixKind.UNSAFE

    VALID = [
        # Claude's provider wrapped in the dict in a home-made retry bounded by its argument.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic(max_retries=0)
            def retry_handler(retry_limit):
                def decorator(func):
                    def wrapper(*args, **kwargs):
                        for attempt in range(retry_limit):
                            try:
                                return func(*args, **kwargs)
                            except anthropic.RateLimitError:
                                pass
                        raise RuntimeError("out of attempts")
                    return wrapper
                return decorator
            def ask_claude(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def ask_echo(prompt):
                return prompt
            PROVIDERS = {"claude": retry_handler(3)(ask_claude), "echo": ask_echo}
            def ask(name, prompt):
                fn = PROVIDERS[name]
                return fn(prompt)
            """
        ),
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask(prompt, left=5):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                except anthropic.RateLimitError:
                    left -= 1
                    if left == 0:
                        raise
                    time.sleep(2)
                    return ask(prompt, left)
            """
        ),
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
            import anthropic
            from tenacity import retry, stop_after_attempt, stop_after_delay
            @retry(stop=stop_after_attempt(5) | stop_after_delay(60))
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # stamina is bounded by default (10 attempts, 45 s).
        Valid(
            """
            import anthropic, stamina
            @stamina.retry(on=anthropic.RateLimitError)
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # A while loop with an attempt counter.
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                attempt = 0
                while True:
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.RateLimitError:
                        attempt += 1
                        if attempt >= 5:
                            raise
                        time.sleep(2 ** attempt)
            """
        ),
        # A tool-use agent loop is not a retry loop.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def run(messages, tools):
                while True:
                    response = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=messages, tools=tools)
                    if response.stop_reason != "tool_use":
                        return response
                    messages.append({"role": "assistant", "content": response.content})
                    messages.append({"role": "user", "content": run_tools(response)})
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic(max_retries=8)
            """
        ),
    ]
    INVALID = [
        # The same provider dict with no bound given: the factory's `retry_limit=None` retries forever.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic(max_retries=0)
            def retry_handler(retry_limit=None):
                def decorator(func):
                    def wrapper(*args, **kwargs):
                        attempt = 0
                        while retry_limit is None or attempt < retry_limit:
                            attempt += 1
                            try:
                                return func(*args, **kwargs)
                            except anthropic.RateLimitError:
                                pass
                        raise RuntimeError("out of attempts")
                    return wrapper
                return decorator
            def ask_claude(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def ask_echo(prompt):
                return prompt
            PROVIDERS = {"claude": retry_handler()(ask_claude), "echo": ask_echo}
            def ask(name, prompt):
                fn = PROVIDERS[name]
                return fn(prompt)
            """,
            line=20,
            column=24,
            message="`retry_handler(...)` around a Claude call has no attempt bound as applied here, so it retries forever",
        ),
        # The `retrying` library never stops unless told to.
        Invalid(
            """
            import anthropic
            from retrying import retry

            client = anthropic.Anthropic(max_retries=0)

            @retry(retry_on_exception=(anthropic.RateLimitError,), wait_random_min=500, wait_random_max=5000)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """,
            line=6,
            column=1,
            message=(
                "`@retry(...)` around a Claude call has none of `stop_max_attempt_number`, `stop_max_delay` or "
                "`stop_func`, so it retries forever"
            ),
            fixed="""
            import anthropic
            from retrying import retry

            client = anthropic.Anthropic(max_retries=0)

            @retry(retry_on_exception=(anthropic.RateLimitError,), wait_random_min=500, wait_random_max=5000, stop_max_attempt_number=5)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """,
        ),
        # The predicate's types behind a module-level tuple: still a tenacity retry, with no stop.
        Invalid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, wait_random_exponential

            TRANSIENT = (anthropic.RateLimitError, anthropic.InternalServerError)
            client = anthropic.Anthropic(max_retries=0)


            @retry(retry=retry_if_exception_type(TRANSIENT), wait=wait_random_exponential(max=30), reraise=True)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """,
            line=8,
            column=1,
            message="`@retry(...)` around a Claude call has no `stop=`, so it retries forever",
        ),
        Invalid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, wait_random_exponential

            client = anthropic.Anthropic(max_retries=0)

            @retry(retry=retry_if_exception_type(anthropic.RateLimitError), wait=wait_random_exponential(max=60), reraise=True)
            def ask(prompt):
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            """,
            line=6,
            column=1,
            message="`@retry(...)` around a Claude call has no `stop=`, so it retries forever",
            fixed="""
            import anthropic
            from tenacity import retry, retry_if_exception_type, wait_random_exponential, stop_after_attempt

            client = anthropic.Anthropic(max_retries=0)

            @retry(retry=retry_if_exception_type(anthropic.RateLimitError), wait=wait_random_exponential(max=60), reraise=True, stop=stop_after_attempt(5))
            def ask(prompt):
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            """,
        ),
        # backoff without max_tries or max_time is unbounded.
        Invalid(
            """
            import anthropic, backoff
            @backoff.on_exception(backoff.expo, anthropic.RateLimitError)
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """,
            line=2,
            column=1,
            message=(
                "`@backoff.on_exception(...)` around a Claude call has neither `max_tries` nor `max_time`, "
                "so it retries forever"
            ),
            fixed="""
            import anthropic, backoff
            @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=5)
            def ask(client: anthropic.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """,
        ),
        Invalid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                while True:
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.RateLimitError:
                        time.sleep(5)
            """,
            line=4,
            column=5,
            message="The `while` retry loop around a Claude call has no attempt bound, so it retries forever",
        ),
        Invalid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask(q):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
                except anthropic.APIConnectionError:
                    time.sleep(1)
                    return ask(q)
            """,
            line=8,
            column=16,
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic(max_retries=100)
            """,
            line=2,
            column=30,
            message=(
                "`max_retries=100` makes the SDK retry a failing call up to 100 times; "
                "keep it at most 10 (`max-attempts`)"
            ),
        ),
        # tenacity applied at the call with no `stop=`: the fix adds it there.
        Invalid(
            """
            import anthropic, tenacity
            client = anthropic.Anthropic(max_retries=0)
            TRANSIENT = (anthropic.RateLimitError, anthropic.InternalServerError, anthropic.APIConnectionError)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def answer(prompt):
                return tenacity.retry(retry=tenacity.retry_if_exception_type(TRANSIENT), wait=tenacity.wait_random_exponential(max=30), reraise=True)(ask)(prompt)
            """,
            line=7,
            column=12,
            message="`tenacity.retry(...)` around a Claude call has no `stop=`, so it retries forever",
            fixed="""
            import anthropic, tenacity
            client = anthropic.Anthropic(max_retries=0)
            TRANSIENT = (anthropic.RateLimitError, anthropic.InternalServerError, anthropic.APIConnectionError)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def answer(prompt):
                return tenacity.retry(retry=tenacity.retry_if_exception_type(TRANSIENT), wait=tenacity.wait_random_exponential(max=30), reraise=True, stop=tenacity.stop_after_attempt(5))(ask)(prompt)
            """,
        ),
        # backoff with no bound, wrapping Claude's provider in a dict of providers.
        Invalid(
            """
            import anthropic, backoff
            client = anthropic.Anthropic(max_retries=0)
            def ask_claude(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def ask_echo(prompt):
                return prompt
            PROVIDERS = {"claude": backoff.on_exception(backoff.expo, anthropic.RateLimitError)(ask_claude), "echo": ask_echo}
            def ask(name, prompt):
                return PROVIDERS[name](prompt)
            """,
            line=7,
            column=24,
            message="`backoff.on_exception(...)` around a Claude call has neither `max_tries` nor `max_time`, so it retries forever",
            fixed="""
            import anthropic, backoff
            client = anthropic.Anthropic(max_retries=0)
            def ask_claude(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def ask_echo(prompt):
                return prompt
            PROVIDERS = {"claude": backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=5)(ask_claude), "echo": ask_echo}
            def ask(name, prompt):
                return PROVIDERS[name](prompt)
            """,
        ),
        # A home-made decorator applied to the provider in a name handed to a thread pool: judged
        # as the same decorator above `ask`'s def, at the application.
        Invalid(
            """
            import anthropic, concurrent.futures
            client = anthropic.Anthropic(max_retries=0)
            def retry_handler(retry_limit=3):
                def decorator(func):
                    def wrapper(*args, **kwargs):
                        attempt = 0
                        while retry_limit is None or attempt < retry_limit:
                            attempt += 1
                            try:
                                return func(*args, **kwargs)
                            except anthropic.RateLimitError:
                                continue
                        raise RuntimeError("out of attempts")
                    return wrapper
                return decorator
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def ask_all(prompts):
                retried = retry_handler(retry_limit=None)(ask)
                with concurrent.futures.ThreadPoolExecutor() as pool:
                    return list(pool.map(retried, prompts))
            """,
            line=19,
            column=15,
            message="`retry_handler(...)` around a Claude call has no attempt bound as applied here, so it retries forever",
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for m in ctx.retries.mechanisms:
            if m.bounded or not m.call_sites:
                continue
            node = m.loop.node if m.loop is not None else m.node
            what = f"{mechanism_name(m, ctx.model)} around a Claude call {_WHY[m.family]}"
            ctx.report(node, what[0].upper() + what[1:], self._fix(ctx, m), width=header_width(node))
        self._check_sdk(ctx)
        self._check_helper(ctx)

    @staticmethod
    def _check_helper(ctx: RuleContext) -> None:
        """A helper call whose `RetryPolicy(max_attempts=N)` is above `max-attempts`."""
        limit = ctx.settings.max_attempts
        for site in ctx.model.direct_call_sites:
            arg = helper_policy_arg(site, ctx.model) if site.helper else None
            attempts = helper_attempts(site, ctx.model) if arg is not None else None
            if arg is None or attempts is None or attempts <= limit:
                continue
            ctx.report(
                arg,
                f"`max_attempts={attempts}` makes the helper try a failing call up to {attempts} times; "
                f"keep it at most {limit} (`max-attempts`)",
            )

    @staticmethod
    def _fix(ctx: RuleContext, m: RetryMechanism) -> Fix | None:
        if m.family == "tenacity" and m.loop is None:
            name, imports = ctx.import_name("tenacity", "stop_after_attempt")
            edits = add_keyword_edit(ctx, m, f"stop={name}(5)")
            if edits:
                return ctx.fix("Add `stop=stop_after_attempt(5)`", *edits, *imports, safe=False)
        if m.family == "retrying":
            edits = add_keyword_edit(ctx, m, "stop_max_attempt_number=5")
            if edits:
                return ctx.fix("Add `stop_max_attempt_number=5`", *edits, safe=False)
        if m.family == "backoff":
            edits = add_keyword_edit(ctx, m, "max_tries=5")
            if edits:
                return ctx.fix("Add `max_tries=5`", *edits, safe=False)
        return None

    @staticmethod
    def _check_sdk(ctx: RuleContext) -> None:
        limit = ctx.settings.max_attempts
        seen: set[int] = set()
        for record in ctx.model.calls:
            arg = keyword_arg(record.node, "max_retries")
            if arg is None or id(arg) in seen:
                continue
            client = ctx.model.resolver.client_of(record.node, record.scope)
            if not isinstance(client, ClientInfo) or client.max_retries_node is not arg:
                continue
            seen.add(id(arg))
            text = ctx.code_for(arg.value)
            infinite = text.replace(" ", "") in INFINITE_RETRIES
            if not infinite and (client.max_retries is None or client.max_retries <= limit):
                continue
            amount = "without limit" if infinite else f"up to {client.max_retries} times"
            ctx.report(
                arg,
                f"`max_retries={text}` makes the SDK retry a failing call {amount}; "
                f"keep it at most {limit} (`max-attempts`)",
            )
