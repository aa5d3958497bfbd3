"""CL202 retries-non-retryable: A retry around a Claude call retries errors that can never succeed."""

from claude_lint.analysis.model import HandlerInfo
from claude_lint.analysis.retries import RetryMechanism, admitted_non_retryable, manual_predicate
from claude_lint.core.diagnostics import FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.helper_adoption import Adoption, adopt_helper, with_reason
from claude_lint.lint.retry_wording import describe_errors, header_width, mechanism_name
from claude_lint.lint.rule import Rule


def _culprit(m: RetryMechanism, ctx: RuleContext) -> HandlerInfo:
    """The retrying handler that lets non-retryable errors through (not just the first one)."""
    for handler in m.handlers:
        if admitted_non_retryable(manual_predicate(ctx.model, [handler]), ctx.knowledge):
            return handler
    return m.handlers[0]


def _what(m: RetryMechanism, ctx: RuleContext) -> str:
    if m.family == "tenacity" and m.keyword("retry") is None:
        return f"{mechanism_name(m, ctx.model)} has no `retry=`, so tenacity retries every exception"
    if m.family == "retrying" and m.keyword("retry_on_exception") is None:
        if m.keyword("retry_on_result") is not None:
            # `retry_on_result=` adds a test of the result; it does not narrow what is retried on errors.
            return (
                f"{mechanism_name(m, ctx.model)} has `retry_on_result=` but no `retry_on_exception=`, so "
                "retrying also retries every exception"
            )
        return f"{mechanism_name(m, ctx.model)} has no `retry_on_exception=`, so retrying retries every exception"
    if m.family in ("manual", "recursion"):
        handler = _culprit(m, ctx)
        caught = ctx.except_clause(handler)
        return f"{mechanism_name(m, ctx.model)} retries whatever `{caught}` catches without looking at the error"
    if m.family == "project" and m.predicate.kind == "types":
        caught = ", ".join(f"`{t.rsplit('.', 1)[-1]}`" for t in m.predicate.types)
        return f"{mechanism_name(m, ctx.model)} retries {caught}"
    if m.family in ("project", "retrying") and m.predicate.kind == "all":
        return f"{mechanism_name(m, ctx.model)} retries every exception"
    return f"{mechanism_name(m, ctx.model)} retries broad exception types"


class RetriesNonRetryable(Rule):
    """## What it does
    Finds a retry mechanism around a Claude call whose retry predicate
    admits errors that fail the same way on every attempt: tenacity's
    `@retry` with no `retry=` (tenacity retries every exception), the
    `retrying` library's `@retry`/`Retrying` with no `retry_on_exception=`,
    `retry_if_exception_type()` with no argument or a broad type,
    backoff/stamina with a broad type and no `giveup`, or a retry loop whose
    handler catches a broad type and loops again without inspecting the
    error (its `status_code`, an `isinstance` check, or re-raising some).

    ## Why is this bad?
    An invalid API key (401), a malformed request (400), a missing model
    (404) or a too-large prompt (413) never succeeds on retry. Retrying them
    wastes time and quota, delays the real error by the whole backoff
    schedule, and hides configuration mistakes behind slow failures.

    ## Example
    ```python
    import anthropic
    from tenacity import retry, stop_after_attempt, wait_random_exponential

    client = anthropic.Anthropic(max_retries=0)

    @retry(stop=stop_after_attempt(4), wait=wait_random_exponential(max=30), reraise=True)
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

    @retry(
        retry=retry_if_exception_type((anthropic.RateLimitError, anthropic.InternalServerError, anthropic.APIConnectionError)),
        stop=stop_after_attempt(4), wait=wait_random_exponential(max=30), reraise=True,
    )
    def ask(prompt):
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": prompt}],
        )
    ```

    ## Fix safety
    The fix adopts the reference helper, which retries only what is
    retryable: the call becomes `create_message(client, ...)`, and a
    recognised retry loop or decorator around it is removed, its attempt
    count kept as `retry=RetryPolicy(max_attempts=N)`. It is unsafe: errors
    that used to be retried now reach the caller at once.
    The helper comes from `helper-module`: vendor it with `claude-lint helper
    --write src/myapp/`, which writes one standalone file and records the
    setting, so the fixed code never imports claude-lint at run time. Until
    `helper-module` is set the fix is display-only: `--diff` shows it,
    `--fix` does not write it. The fix is all or nothing: when it cannot
    remove every retry around the call (a handler that does more than wait,
    log or count, a decorated function that does more than make the call,
    a function retried by its caller), or the loop ends in a value callers
    check (`return None` in a `-> X | None` function, a sentinel constant, a
    result set before the loop), there is no fix and the message says why.
    Its title says what changes: which errors are retried, what happens when
    attempts run out, and that an invalid request raises
    `RequestValidationError` (a `ValueError`) before sending; a handler that
    caught the old failure by an SDK class (`except anthropic.APIError`) is
    extended to catch it.
    """

    code = "CL202"
    name = "retries-non-retryable"
    summary = "A retry around a Claude call retries errors that can never succeed"
    fix = FixKind.HELPER

    VALID = [
        # None of the providers the dict holds calls Claude.
        Valid(
            """
            import time
            def ask_echo(prompt):
                return prompt
            def ask_upper(prompt):
                return prompt.upper()
            PROVIDERS = {"echo": ask_echo, "upper": ask_upper}
            def ask(name, prompt):
                fn = PROVIDERS.get(name)
                for attempt in range(3):
                    try:
                        return fn(prompt)
                    except Exception:
                        time.sleep(2 ** attempt)
            """
        ),
        # The loop only schedules the Claude call in a task of its own: its errors are raised there.
        Valid(
            """
            import asyncio, anthropic
            client = anthropic.AsyncAnthropic(max_retries=0)
            async def ask(prompt):
                return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            async def listen(queue):
                while True:
                    try:
                        asyncio.create_task(ask(await queue.get()))
                    except Exception:
                        continue
            """
        ),
        # A home-made retry decorator whose wrapper does not await: around an `async def` it
        # only sees the coroutine being made.
        Valid(
            """
            import anthropic, functools
            client = anthropic.AsyncAnthropic(max_retries=0)
            def retrying(limit):
                def decorator(func):
                    @functools.wraps(func)
                    def wrapper(*args, **kwargs):
                        for _ in range(limit):
                            try:
                                return func(*args, **kwargs)
                            except Exception:
                                continue
                    return wrapper
                return decorator
            @retrying(3)
            async def ask(prompt):
                return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """
        ),
        # A test of the status code decides what is retried.
        Valid(
            """
            import anthropic, random, time
            client = anthropic.Anthropic(max_retries=0)
            def ask(prompt):
                for attempt in range(5):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                    except anthropic.APIStatusError as e:
                        if e.status_code < 500 and e.status_code != 429:
                            raise
                        time.sleep(random.uniform(0, 2 ** attempt))
                raise RuntimeError("Claude kept failing")
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
        # The first handler re-raises 4xx; the broad one after it never sees them.
        Valid(
            """
            import anthropic, time, random
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in range(4):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.APIStatusError as e:
                        if e.status_code < 500 and e.status_code != 429:
                            raise
                        time.sleep(random.random() * 2 ** attempt)
                    except Exception:
                        time.sleep(random.random() * 2 ** attempt)
                raise RuntimeError("gave up")
            """
        ),
        Valid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential
            client = anthropic.Anthropic(max_retries=0)
            @retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(5), wait=wait_random_exponential(max=60), reraise=True)
            def ask():
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # The loop inspects the status code before retrying.
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in range(4):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.APIStatusError as e:
                        if e.status_code < 500 and e.status_code != 429:
                            raise
                        time.sleep(2 ** attempt)
                raise RuntimeError("gave up")
            """
        ),
        # Non-retryable errors are re-raised by an earlier handler.
        Valid(
            """
            import anthropic, time, random
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in range(4):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except (anthropic.BadRequestError, anthropic.AuthenticationError, anthropic.PermissionDeniedError,
                            anthropic.NotFoundError, anthropic.UnprocessableEntityError, anthropic.PaymentRequiredError,
                            anthropic.PreconditionFailedError, anthropic.ContentTooLargeError,
                            anthropic.RequestHeaderFieldsTooLargeError, anthropic.ClientClosedRequestError):
                        raise
                    except anthropic.APIStatusError:
                        time.sleep(random.uniform(0, 2 ** attempt))
                raise RuntimeError("gave up")
            """
        ),
        # backoff with a giveup that inspects the error.
        Valid(
            """
            import anthropic, backoff
            @backoff.on_exception(backoff.expo, anthropic.APIError, max_tries=5, giveup=lambda e: getattr(e, "status_code", 500) < 500)
            def ask(client):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # tenacity applied at the call (through a name) retries only transient errors; the
        # broad one wraps a function that makes no Claude call.
        Valid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential
            client = anthropic.Anthropic(max_retries=0)
            TRANSIENT = (anthropic.RateLimitError, anthropic.InternalServerError, anthropic.APIConnectionError)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def lookup(key):
                return key.upper()
            def answer(prompt):
                retried = retry(retry=retry_if_exception_type(TRANSIENT), stop=stop_after_attempt(4), wait=wait_random_exponential(max=30), reraise=True)(ask)
                return retried(prompt), retry(stop=stop_after_attempt(3))(lookup)(prompt)
            """
        ),
    ]
    INVALID = [
        # Claude's provider wrapped in the dict in a home-made retry that catches everything.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic(max_retries=0)
            def retry_handler(retry_limit=3):
                def decorator(func):
                    def wrapper(*args, **kwargs):
                        for attempt in range(retry_limit):
                            try:
                                return func(*args, **kwargs)
                            except Exception:
                                pass
                        raise RuntimeError("out of attempts")
                    return wrapper
                return decorator
            def ask_claude(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def ask_echo(prompt):
                return prompt
            PROVIDERS = {"claude": retry_handler(retry_limit=3)(ask_claude), "echo": ask_echo}
            def ask(name, prompt):
                return PROVIDERS[name](prompt)
            """,
            line=18,
            column=24,
            message=(
                "`retry_handler(...)` retries every exception, including BadRequestError (400), AuthenticationError "
                "(401), PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, which fail the same way "
                "on every attempt; `PROVIDERS[name]()` may be `ask_claude()` (line 14), which makes a Claude call"
            ),
        ),
        # The retried function is chosen by a function that returns one of several providers.
        Invalid(
            """
            import time
            import anthropic
            client = anthropic.Anthropic(max_retries=0)
            def chat_claude(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def chat_echo(prompt):
                return prompt
            def pick(model):
                if model.startswith("claude"):
                    return chat_claude
                return chat_echo
            def chat(model, prompt):
                chat_fn = pick(model)
                for attempt in range(3):
                    try:
                        return chat_fn(prompt)
                    except Exception:
                        time.sleep(2 ** attempt)
                raise RuntimeError("gave up")
            """,
            line=17,
            column=9,
            message=(
                "The `for` retry loop retries whatever `except Exception` catches without looking at the "
                "error, including BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), "
                "PermissionDeniedError (403) and 6 more, which fail the same way on every attempt; "
                "`chat_fn()` may be `chat_claude()` (line 4), which makes a Claude call"
            ),
        ),
        # The message read from the error's body is text too.
        Invalid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask(prompt):
                for attempt in range(5):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                    except anthropic.APIError as e:
                        if e.body["error"]["message"] == "Output blocked by content filtering policy":
                            raise
                        time.sleep(2 ** attempt)
                raise RuntimeError("gave up")
            """,
            line=7,
            column=9,
            message=(
                "The `for` retry loop retries whatever `except anthropic.APIError` catches without looking at the "
                "error, including BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), "
                "PermissionDeniedError (403) and 6 more, which fail the same way on every attempt; no helper "
                "fix: the fix replaces a retry loop only when its body is one `try` around the call whose "
                "handlers only wait, log or count"
            ),
        ),
        # A test of the message only still retries 400, 401 and 403.
        Invalid(
            """
            import anthropic, random, time
            client = anthropic.Anthropic(max_retries=0)
            def ask(prompt):
                while True:
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                    except anthropic.APIError as e:
                        if "content filtering" in str(e):
                            raise
                        time.sleep(random.uniform(1, 5))
            """,
            line=7,
            column=9,
            message=(
                "The `while` retry loop retries whatever `except anthropic.APIError` catches without looking at "
                "the error, including BadRequestError (400), AuthenticationError (401), PaymentRequiredError "
                "(402), PermissionDeniedError (403) and 6 more, which fail the same way on every attempt; "
                "no helper fix: the loop has no attempt bound to carry over"
            ),
        ),
        Invalid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask(prompt, tries=5):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                except Exception:
                    if tries == 1:
                        raise
                    time.sleep(2)
                    return ask(prompt, tries - 1)
            """,
            line=6,
            column=5,
            message=(
                "The recursive retry of `ask()` retries whatever `except Exception` catches without looking at "
                "the error, including BadRequestError (400), AuthenticationError (401), PaymentRequiredError "
                "(402), PermissionDeniedError (403) and 6 more, which fail the same way on every attempt; "
                "no helper fix: the fix cannot replace the recursive retry of `ask()` around this call"
            ),
        ),
        # The broad handler is the culprit, not the specific one before it.
        Invalid(
            """
            import anthropic, time, random
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in range(5):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.RateLimitError:
                        time.sleep(random.random() * 2 ** attempt)
                    except Exception:
                        time.sleep(1)
                raise RuntimeError("gave up")
            """,
            line=9,
            column=9,
        ),
        Invalid(
            """
            import anthropic
            from tenacity import retry, stop_after_attempt, wait_random_exponential

            client = anthropic.Anthropic(max_retries=0)

            @retry(stop=stop_after_attempt(4), wait=wait_random_exponential(max=30), reraise=True)
            def ask(prompt):
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            """,
            line=6,
            column=1,
            message=(
                "`@retry(...)` has no `retry=`, so tenacity retries every exception, including "
                "BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), "
                "PermissionDeniedError (403) and 6 more, which fail the same way on every attempt"
            ),
        ),
        Invalid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in range(3):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except Exception:
                        time.sleep(2 ** attempt)
                raise RuntimeError("gave up")
            """,
            line=7,
            column=9,
            message=(
                "The `for` retry loop retries whatever `except Exception` catches without looking at the "
                "error, including BadRequestError (400), AuthenticationError (401), PaymentRequiredError "
                "(402), PermissionDeniedError (403) and 6 more, which fail the same way on every attempt"
            ),
            fixed="""
            import anthropic, time
            from claude_lint.helper import RetryPolicy, create_message
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                return create_message(client, model="claude-sonnet-4-6", max_tokens=64, messages=[], retry=RetryPolicy(max_attempts=3))
            """,
        ),
        Invalid(
            """
            import anthropic as ac
            import stamina
            @stamina.retry(on=ac.APIStatusError, attempts=3)
            def ask(client: ac.Anthropic):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """,
            line=3,
            column=1,
            fixed="""
            import anthropic as ac
            import stamina
            from claude_lint.helper import RetryPolicy, create_message
            def ask(client: ac.Anthropic):
                return create_message(client, model="claude-sonnet-4-6", max_tokens=64, messages=[], retry=RetryPolicy(max_attempts=3))
            """,
        ),
        # tenacity applied at the call, not above the def: judged as the same decorator would be.
        Invalid(
            """
            import anthropic, tenacity
            client = anthropic.Anthropic(max_retries=0)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def answer(prompt):
                return tenacity.retry(stop=tenacity.stop_after_attempt(3), wait=tenacity.wait_random_exponential(max=30), reraise=True)(ask)(prompt)
            """,
            line=6,
            column=12,
            message=(
                "`tenacity.retry(...)` has no `retry=`, so tenacity retries every exception, including "
                "BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), "
                "PermissionDeniedError (403) and 6 more, which fail the same way on every attempt"
            ),
        ),
        # backoff wrapping Claude's provider in a dict of providers.
        Invalid(
            """
            import anthropic, backoff
            client = anthropic.Anthropic(max_retries=0)
            def ask_claude(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def ask_echo(prompt):
                return prompt
            PROVIDERS = {"claude": backoff.on_exception(backoff.expo, Exception, max_tries=4)(ask_claude), "echo": ask_echo}
            def ask(name, prompt):
                return PROVIDERS[name](prompt)
            """,
            line=7,
            column=24,
            message=(
                "`backoff.on_exception(...)` retries broad exception types, including BadRequestError (400), "
                "AuthenticationError (401), PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, "
                "which fail the same way on every attempt; `PROVIDERS[name]()` may be `ask_claude()` (line 3), "
                "which makes a Claude call"
            ),
        ),
        # tenacity applied to the SDK method itself: the calls of `create` are the Claude calls it retries.
        Invalid(
            """
            import anthropic
            from tenacity import retry, stop_after_attempt, wait_random_exponential
            client = anthropic.Anthropic(max_retries=0)
            def ask(prompt):
                create = retry(stop=stop_after_attempt(4), wait=wait_random_exponential(max=30), reraise=True)(client.messages.create)
                return create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """,
            line=5,
            column=14,
            message=(
                "`retry(...)` has no `retry=`, so tenacity retries every exception, including "
                "BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), "
                "PermissionDeniedError (403) and 6 more, which fail the same way on every attempt"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for m in ctx.retries.mechanisms:
            if m.family in ("manual", "recursion"):
                # Judged per handler: the union over handlers would blur which one lets 4xx through.
                culprit = _culprit(m, ctx)
                admitted = admitted_non_retryable(manual_predicate(ctx.model, [culprit]), ctx.knowledge)
            else:
                admitted = admitted_non_retryable(m.predicate, ctx.knowledge)
            if not admitted or not m.call_sites:
                continue
            # A manual loop or recursion is reported at the handler that lets the errors in.
            node = _culprit(m, ctx).node if m.family in ("manual", "recursion") else m.node
            what = _what(m, ctx)
            # (A decorator applied at the call is not one the helper fix can take away.)
            direct = m.call_sites[0].direct and m.family != "project" and not m.applied
            adoption = adopt_helper(ctx, m.call_sites[0]) if direct else Adoption(None)
            ctx.report(
                node,
                with_reason(
                    f"{what[0].upper()}{what[1:]}, including {describe_errors(admitted, ctx.knowledge)}, "
                    f"which fail the same way on every attempt{ctx.chosen_note(m.call_sites)}",
                    adoption,
                ),
                adoption.fix,
                width=header_width(node),
            )
