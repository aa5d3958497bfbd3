"""CL212 retry-on-generator: A retry decorator on a generator function that calls Claude retries nothing."""

from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.retry_wording import mechanism_name
from claude_lint.lint.rule import Rule


class RetryOnGenerator(Rule):
    """## What it does
    Finds a retry decorator (tenacity `@retry`, `@backoff.on_exception`,
    `@stamina.retry`) on a generator or async generator function that calls
    Claude, typically one that streams a reply chunk by chunk.

    ## Why is this bad?
    Calling a generator function runs none of its body: it returns a
    generator at once, and the decorator, seeing no error, is done. The
    Claude call runs later, while the caller iterates, and its errors reach
    the caller with no retry at all (a retry after chunks went out would
    repeat them anyway). The decorator reads as protection the code does not
    have.

    ## Example
    ```python
    import anthropic
    from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

    client = anthropic.Anthropic(max_retries=0)

    @retry(
        retry=retry_if_exception_type(anthropic.RateLimitError),
        stop=stop_after_attempt(5), wait=wait_random_exponential(max=30), reraise=True,
    )
    def stream_answer(prompt):
        with client.messages.stream(model="claude-sonnet-4-6", max_tokens=1024, messages=prompt) as stream:
            yield from stream.text_stream
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic(max_retries=4)  # the SDK retries before the first chunk

    def stream_answer(prompt):
        with client.messages.stream(model="claude-sonnet-4-6", max_tokens=1024, messages=prompt) as stream:
            yield from stream.text_stream
    ```

    ## Fix safety
    There is no fix: where to retry (the SDK's retries before the first
    event, or a retry around the whole consumption) is a decision.
    """

    code = "CL212"
    name = "retry-on-generator"
    summary = "A retry decorator on a generator function that calls Claude retries nothing"

    VALID = [
        # A plain function: the decorator sees the call's errors.
        Valid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential
            client = anthropic.Anthropic(max_retries=0)
            @retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(5), wait=wait_random_exponential(), reraise=True)
            def answer(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """
        ),
        # The generator calls no retry decorator; a nested function's yield is its own.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def answer(prompt):
                def chunks(text):
                    yield from text.split()
                return list(chunks(client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt).content[0].text))
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

            client = anthropic.Anthropic(max_retries=0)

            @retry(
                retry=retry_if_exception_type(anthropic.RateLimitError),
                stop=stop_after_attempt(5), wait=wait_random_exponential(max=30), reraise=True,
            )
            def stream_answer(prompt):
                with client.messages.stream(model="claude-sonnet-4-6", max_tokens=1024, messages=prompt) as stream:
                    yield from stream.text_stream
            """,
            line=6,
            column=1,
            message=(
                "`@retry(...)` on the generator `stream_answer()` retries nothing: calling it returns a "
                "generator at once, and the Claude call's errors reach the caller while it iterates"
            ),
        ),
        Invalid(
            """
            import anthropic, backoff
            client = anthropic.AsyncAnthropic()
            @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=5)
            async def stream_answer(prompt):
                async with client.messages.stream(model="claude-sonnet-4-6", max_tokens=1024, messages=prompt) as stream:
                    async for text in stream.text_stream:
                        yield text
            """,
            line=3,
            column=1,
            message=(
                "`@backoff.on_exception(...)` on the generator `stream_answer()` retries nothing: calling it "
                "returns a generator at once, and the Claude call's errors reach the caller while it iterates"
            ),
        ),
        # Applied at the call: the generator is the function it wraps, not the caller.
        Invalid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential
            client = anthropic.Anthropic(max_retries=0)
            policy = retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(5), wait=wait_random_exponential(max=30), reraise=True)
            def stream_answer(prompt):
                with client.messages.stream(model="claude-sonnet-4-6", max_tokens=1024, messages=prompt) as stream:
                    yield from stream.text_stream
            def answer(prompt):
                return "".join(policy(stream_answer)(prompt))
            """,
            line=9,
            column=20,
            message=(
                "`policy(...)` on the generator `stream_answer()` retries nothing: calling it returns a "
                "generator at once, and the Claude call's errors reach the caller while it iterates"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for m in ctx.retries.on_generators:
            generator = m.wraps if m.applied else m.function
            if generator is None or not m.call_sites:
                continue
            ctx.report(
                m.node,
                f"{mechanism_name(m, ctx.model)} on the generator `{generator.name}()` retries nothing: calling "
                "it returns a generator at once, and the Claude call's errors reach the caller while it iterates",
            )
