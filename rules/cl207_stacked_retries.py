"""CL207 stacked-retries: A retry around a Claude call whose client also retries."""

import libcst as cst

from claude_lint.analysis.model import CallSite
from claude_lint.analysis.retries import (
    RetryMechanism,
    call_attempts,
    covers_sdk_retries,
    direct_sites,
    swallowed,
)
from claude_lint.core.diagnostics import Edit, Fix, FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.helper_adoption import helper_replaces
from claude_lint.lint.retry_wording import header_width, mechanism_name
from claude_lint.lint.rule import Rule


class StackedRetries(Rule):
    """## What it does
    Finds a retry mechanism (tenacity, backoff, stamina, a retry loop, a
    recursive retry) around a Claude call whose client keeps the SDK's own
    retries on, or around a call of the reference helper, which retries by
    itself. The SDK retries 408/409/429/5xx and connection errors twice by
    default; a client whose construction is not visible is assumed to. A
    retry only on results (`retry=retry_if_result(...)`) is not reported:
    errors go straight through it.

    ## Why is this bad?
    Attempts multiply: five tenacity attempts around a client that makes
    three HTTP attempts each is fifteen requests for one call, during the
    very outage or rate limit that made the first one fail. Waits stack
    too, so a call can hang for minutes before anyone sees an error.

    ## Example
    ```python
    import json

    import anthropic
    from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

    client = anthropic.Anthropic()

    @retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(5),
           wait=wait_random_exponential(max=60), reraise=True)
    def ask(prompt):
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": prompt}],
        )
    ```

    Use instead:
    ```python
    import json

    import anthropic
    from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

    client = anthropic.Anthropic()

    @retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(5),
           wait=wait_random_exponential(max=60), reraise=True)
    def ask(prompt):
        return client.with_options(max_retries=0).messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": prompt}],
        )
    ```

    ## Fix safety
    The fix makes the wrapped calls go through
    `client.with_options(max_retries=0)` (after the client, before any
    resource path: `client.with_options(max_retries=0).beta.prompt_caching...`).
    It is offered only when the expression is known to be an SDK client
    object (constructed, annotated, a configured factory), when the outer
    mechanism retries everything the SDK did (429, 408, 409, 5xx, connection
    errors: a retry of `RateLimitError` alone would leave 5xx and dropped
    connections with no retry at all), when it waits between attempts (else
    CL204's fix comes first), and never on a mechanism a helper fix (CL202,
    CL210) replaces, nor on a decorator applied at one call or in a dict's
    value (`tenacity.retry(...)(ask)(q)`), nor where the call is made in a
    function the mechanism calls (a loop retrying `agent.step()`, whose
    `create` is in `Agent.step`): the function's other callers would lose the
    SDK's retries with nothing in their place. A loop that goes round again at once (a chat prompt, an
    agent's step loop), or a retry that a handler in a called function keeps
    from seeing the error, is not reported: turning the SDK's waiting
    retries off there would leave nothing that retries. It is unsafe: the SDK's own retries also
    honour `retry-after` and refresh credentials on a 401, which the outer
    mechanism may not do.

    A retry around a call of the reference helper (`create_message(...)`),
    which retries by itself, is reported too, with no fix: remove the outer
    retry and give the helper the attempts in `retry=RetryPolicy(...)`.
    """

    code = "CL207"
    name = "stacked-retries"
    summary = "A retry around a Claude call whose client also retries"
    fix = FixKind.UNSAFE

    VALID = [
        # It retries only on results: a 429 goes straight through it, after the SDK's own retries.
        Valid(
            """
            import anthropic
            from tenacity import retry, retry_if_result, stop_after_attempt
            client = anthropic.Anthropic()
            @retry(retry=retry_if_result(lambda r: r.stop_reason == "max_tokens"), stop=stop_after_attempt(3))
            def ask(q):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def run(goal, steps=10):
                step, errors, prompt = 0, 0, goal
                while step < steps:
                    try:
                        reply = client.messages.create(
                            model="claude-sonnet-4-6", max_tokens=512,
                            messages=[{"role": "user", "content": f"Step {step}: {prompt}"}],
                        )
                    except anthropic.APIError:
                        errors += 1
                        if errors > 3:
                            break
                        continue
                    prompt = "Continue with the next step."
                    step += 1
            """
        ),
        # tenacity on an async generator never sees the call's errors: nothing is retried.
        Valid(
            """
            import anthropic
            from tenacity import retry, stop_after_attempt
            client = anthropic.AsyncAnthropic()
            @retry(stop=stop_after_attempt(2))
            async def chat(prompt):
                async with client.messages.stream(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt]) as s:
                    async for text in s.text_stream:
                        yield text
            """
        ),
        # backoff retries only OpenAI's errors, which the Claude call never raises.
        Valid(
            """
            import anthropic, backoff, openai
            client = anthropic.Anthropic()
            @backoff.on_exception(backoff.expo, (openai.RateLimitError, openai.APITimeoutError))
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
            """
        ),
        # The body swallows every error: the decorator never sees one to retry.
        Valid(
            """
            import anthropic, time
            from tenacity import retry, stop_after_attempt
            client = anthropic.Anthropic()
            @retry(stop=stop_after_attempt(6))
            def ask(prompt):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
                except Exception as e:
                    print(e)
                    return None
            """
        ),
        Valid(
            """
            import anthropic
            from tenacity import retry, stop_after_attempt
            client = anthropic.Anthropic(max_retries=0)
            @retry(stop=stop_after_attempt(5))
            def ask():
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic()
            def ask():
                for attempt in range(3):
                    try:
                        return client.with_options(max_retries=0).messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.RateLimitError:
                        time.sleep(2 ** attempt)
                raise RuntimeError("gave up")
            """
        ),
        # A batch loop is not a retry.
        Valid(
            """
            import anthropic, logging
            client = anthropic.Anthropic()
            def summarise_all(docs):
                out = []
                for doc in docs:
                    try:
                        out.append(client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": doc}]))
                    except anthropic.APIError:
                        logging.exception("skipped")
                return out
            """
        ),
    ]
    INVALID = [
        # A home-made retry decorator for generator functions: its wrapper delegates to the
        # generator, so it retries the errors raised while the reply streams.
        Invalid(
            """
            import time, anthropic
            client = anthropic.Anthropic()
            def retry_stream(attempts=3):
                def decorate(func):
                    def wrapper(*args, **kwargs):
                        for attempt in range(attempts):
                            try:
                                yield from func(*args, **kwargs)
                                return
                            except anthropic.RateLimitError:
                                time.sleep(2 ** attempt)
                    return wrapper
                return decorate
            @retry_stream()
            def stream(prompt):
                with client.messages.stream(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt]) as s:
                    yield from s.text_stream
            """,
            line=14,
            column=1,
            message=(
                "`@retry_stream(...)` retries a Claude call whose client also retries: 3 attempts x 3 SDK attempts = "
                "up to 9 requests per call; call through `client.with_options(max_retries=0)`"
            ),
        ),
        # The client is built in a function through `global`: its own max_retries=5 counts.
        Invalid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random
            _client = None
            def init():
                global _client
                _client = anthropic.Anthropic(max_retries=5)
            @retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(3), wait=wait_random(0, 2), reraise=True)
            def ask():
                return _client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """,
            line=7,
            column=1,
            message=(
                "`@retry(...)` retries a Claude call whose client also retries: 3 attempts x 6 SDK "
                "attempts = up to 18 requests per call; call through `client.with_options(max_retries=0)`"
            ),
        ),
        # Retrying rate limits only: no fix, or 5xx and connection errors would lose every retry.
        Invalid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random
            client = anthropic.Anthropic()
            @retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(3), wait=wait_random(0, 2), reraise=True)
            def ask():
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """,
            line=4,
            column=1,
            message=(
                "`@retry(...)` retries a Claude call whose client also retries: 3 attempts x 3 SDK "
                "attempts = up to 9 requests per call; call through `client.with_options(max_retries=0)`"
            ),
        ),
        Invalid(
            """
            import json

            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

            client = anthropic.Anthropic()

            @retry(retry=retry_if_exception_type(anthropic.APIError), stop=stop_after_attempt(5),
                   wait=wait_random_exponential(max=60), reraise=True)
            def ask(prompt):
                reply = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
                return json.loads(reply.content[0].text)
            """,
            line=8,
            column=1,
            message=(
                "`@retry(...)` retries a Claude call whose client also retries: 5 attempts x 3 SDK "
                "attempts = up to 15 requests per call; call through `client.with_options(max_retries=0)`"
            ),
            fixed="""
            import json

            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

            client = anthropic.Anthropic()

            @retry(retry=retry_if_exception_type(anthropic.APIError), stop=stop_after_attempt(5),
                   wait=wait_random_exponential(max=60), reraise=True)
            def ask(prompt):
                reply = client.with_options(max_retries=0).messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
                return json.loads(reply.content[0].text)
            """,
        ),
        # A client whose construction is not visible keeps the default retries; with no
        # proof it is an SDK client (not a resource or a wrapper), there is no `with_options` fix.
        Invalid(
            """
            import anthropic, time
            def ask(client, q):
                for attempt in range(4):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
                    except anthropic.APIError:
                        time.sleep(2 ** attempt)
                raise RuntimeError("gave up")
            """,
            line=3,
            column=5,
            message=(
                "The `for` loop calls Claude again after an error while its client also retries: 4 passes x 3 "
                "SDK attempts = up to 12 requests per call; call through `client.with_options(max_retries=0)`"
            ),
        ),
        # tenacity applied at one call: no `with_options` fix, which would take the SDK's
        # retries from `ask()`'s other callers too.
        Invalid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential
            client = anthropic.Anthropic()
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def answer(prompt):
                return retry(retry=retry_if_exception_type(anthropic.APIStatusError), stop=stop_after_attempt(4), wait=wait_random_exponential(max=30), reraise=True)(ask)(prompt)
            """,
            line=7,
            column=12,
            message=(
                "`retry(...)` retries a Claude call whose client also retries: 4 attempts x 3 SDK attempts = up to "
                "12 requests per call; call through `client.with_options(max_retries=0)`"
            ),
        ),
        # backoff applied to the SDK method at the call, on a client that keeps its retries.
        Invalid(
            """
            import anthropic, backoff
            client = anthropic.Anthropic()
            def ask(prompt):
                return backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=4)(client.messages.create)(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """,
            line=4,
            column=12,
            message=(
                "`backoff.on_exception(...)` retries a Claude call whose client also retries: 4 attempts x 3 SDK "
                "attempts = up to 12 requests per call; call through `client.with_options(max_retries=0)`"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        for m in ctx.retries.mechanisms:
            if not m.retries_errors:
                continue
            stacked: list[CallSite] = []
            through_functions = False  # a stacked call made in a function the mechanism calls
            for site in m.call_sites:
                for direct in direct_sites(site, model):
                    # Only an error that reaches the mechanism is retried by it: not one a
                    # handler in a called function swallows.
                    if direct is not site and direct.remote is None and swallowed(direct):
                        continue
                    # A loop that goes round again at once after an error (a chat prompt, an
                    # agent's step loop) is not taken for a retry policy; the helper's retries
                    # stack with any retry.
                    if m.wait == "none" and m.family in ("manual", "recursion") and not direct.helper:
                        continue
                    if call_attempts(direct, model) > 1 and direct not in stacked:
                        stacked.append(direct)
                        through_functions = through_functions or direct is not site
            if not stacked:
                continue
            # A loop that goes round again after an error may be a retry loop or an agent's step
            # loop: say what it does, not what it is.
            manual = m.family == "manual" and m.loop is not None
            tries = "passes" if manual else "attempts"
            node = m.loop.node if manual and m.loop is not None else m.node
            if any(site.helper for site in stacked):
                self._report_helper(ctx, m, node, mechanism_name(m, model), stacked)
                continue
            sdk = max(call_attempts(site, model) for site in stacked)
            if m.attempts is not None:
                product = f"{m.attempts} {tries} x {sdk} SDK attempts = up to {m.attempts * sdk} requests per call"
            else:
                product = f"each {tries[:-2] if manual else 'attempt'} makes up to {sdk} requests"
            if manual:
                what = f"the `{'for' if isinstance(node, cst.For) else 'while'}` loop"
                verb = "calls Claude again after an error while its client also retries"
            else:
                what = mechanism_name(m, model)
                verb = "retries a Claude call whose client also retries"
            ctx.report(
                node,
                f"{what[0].upper()}{what[1:]} {verb}: {product}; "
                f"call through `client.with_options(max_retries=0)`{ctx.remote_note(m.call_sites)}",
                self._fix(ctx, m, stacked, through_functions),
                width=header_width(node),
            )

    @staticmethod
    def _fix(ctx: RuleContext, m: RetryMechanism, stacked: list[CallSite], through_functions: bool) -> Fix | None:
        """`client.with_options(max_retries=0)` on each call, when that is right and valid.

        Only on an expression known to be an SDK client (a resource has no
        `with_options`); only when the mechanism retries everything the SDK did; never
        on a mechanism a helper fix replaces (the two fixes would fight over it).
        """
        if m.applied or through_functions:
            # Applied at one call or in a dict (`tenacity.retry(...)(ask)(q)`), or the stacked call made
            # in a function the mechanism calls (`agent.step()` retried): the function's other callers
            # would lose the SDK's retries and get none in their place.
            return None
        clients = [site.fixable_client for site in stacked]
        if not all(client is not None for client in clients):
            return None
        if not covers_sdk_retries(m.predicate, ctx.knowledge) or helper_replaces(ctx, m):
            return None
        if m.wait == "none":  # CL204's fix adds the wait first: the SDK's waiting retries stay till then
            return None
        edits: list[Edit] = [
            ctx.replace(client, f"{ctx.code_for(client)}.with_options(max_retries=0)")
            for client in clients
            if client is not None
        ]
        return ctx.fix("Call through `client.with_options(max_retries=0)`", *edits, safe=False)

    @staticmethod
    def _report_helper(
        ctx: RuleContext, m: RetryMechanism, node: cst.CSTNode, what: str, stacked: list[CallSite]
    ) -> None:
        helper = max(call_attempts(site, ctx.model) for site in stacked)
        if m.attempts is not None:
            product = f"{m.attempts} attempts x {helper} helper attempts = up to {m.attempts * helper} requests per call"
        else:
            product = f"each attempt makes up to {helper} requests"
        ctx.report(
            node,
            f"{what[0].upper()}{what[1:]} retries a call of the reference helper, which retries by itself: "
            f"{product}; remove the outer retry and set the helper's `retry=RetryPolicy(...)`",
            width=header_width(node),
        )
