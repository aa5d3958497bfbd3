"""tenacity retry mechanisms: `@retry`, `@retry(...)`, shared policies, `Retrying` /
`AsyncRetrying` loops, and the CL2xx results for each shape.

Snippets are dedented with the leading newline stripped: line 1 is the first
line. `lint()` runs all eleven CL2xx rules (opt-in CL205/CL209 included),
`lint_default()` only the default set.
"""

from __future__ import annotations

import pytest
from retry_support import KNOWLEDGE, Facts, analyse, diagnostics, lint, lint_at, lint_default

from claude_lint.analysis.retries import Predicate, admitted_non_retryable

ALL_NON_RETRYABLE = admitted_non_retryable(Predicate("all"), KNOWLEDGE)


def test_bare_retry_decorator_retries_everything_forever_at_once() -> None:
    src = """
    import anthropic
    from tenacity import retry
    client = anthropic.Anthropic(max_retries=0)
    @retry
    def ask(prompt):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=4, attempts=None, bounded=False, wait="none",
        predicate="all", types=(), excluded=(), reraise=False, sites=(6,),
    )
    assert a.admitted() == ALL_NON_RETRYABLE
    assert a.wrapped(6)
    assert lint_at(src) == [("CL202", 4, 0), ("CL203", 4, 0), ("CL204", 4, 0), ("CL208", 4, 0)]
    messages = {d.code: d.message for d in diagnostics(src)}
    assert messages["CL202"].startswith("`@retry` has no `retry=`, so tenacity retries every exception, including BadRequestError (400)")


def test_empty_call_through_module_alias_is_the_same_as_bare() -> None:
    src = """
    import anthropic
    import tenacity as t
    client = anthropic.Anthropic(max_retries=0)
    @t.retry()
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=4, attempts=None, bounded=False, wait="none",
        predicate="all", types=(), excluded=(), reraise=False, sites=(6,),
    )
    assert lint(src) == [("CL202", 4), ("CL203", 4), ("CL204", 4), ("CL208", 4)]


def test_narrow_bounded_jittered_reraising_policy_is_clean() -> None:
    """The trap: a correct tenacity policy on a client with `max_retries=0` has no CL2xx at all."""
    src = """
    import anthropic
    from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

    client = anthropic.Anthropic(max_retries=0)

    @retry(
        retry=retry_if_exception_type(anthropic.RateLimitError),
        stop=stop_after_attempt(5),
        wait=wait_random_exponential(multiplier=1, max=60),
        reraise=True,
    )
    def ask(prompt):
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": prompt}],
        )
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=6, attempts=5, bounded=True, wait="jittered",
        predicate="types", types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(13,),
    )
    assert lint_default(src) == []
    assert lint(src) == []


def test_exponential_without_jitter_is_clean_by_default_and_cl205_when_selected() -> None:
    src = """
    import anthropic
    import tenacity
    client = anthropic.Anthropic(max_retries=0)
    @tenacity.retry(
        retry=tenacity.retry_if_exception_type(anthropic.RateLimitError),
        stop=tenacity.stop_after_attempt(5),
        wait=tenacity.wait_exponential(multiplier=1, min=1, max=30),
        reraise=True,
    )
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=4, attempts=5, bounded=True, wait="exponential",
        predicate="types", types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(11,),
    )
    assert lint_default(src) == []
    assert lint(src) == [("CL205", 4)]
    assert diagnostics(src)[0].message.startswith("`@tenacity.retry(...)` backs off exponentially with no random jitter")


def test_from_import_alias_stop_or_wait_plus_tuple_of_types() -> None:
    src = """
    import anthropic
    from tenacity import retry as retry_call, stop_after_attempt, stop_after_delay
    from tenacity import wait_exponential, wait_random, retry_if_exception_type
    client = anthropic.Anthropic(max_retries=0)
    @retry_call(
        stop=stop_after_attempt(4) | stop_after_delay(30),
        wait=wait_exponential(multiplier=1, max=20) + wait_random(0, 1),
        retry=retry_if_exception_type((anthropic.RateLimitError, anthropic.APIConnectionError)),
        reraise=True,
    )
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=5, attempts=4, bounded=True, wait="jittered",
        predicate="types", types=("anthropic.RateLimitError", "anthropic.APIConnectionError"),
        excluded=(), reraise=True, sites=(12,),
    )
    assert a.admitted() == []
    assert lint(src) == []


def test_stop_and_combo_fixed_wait_empty_type_predicate_reraise_false() -> None:
    src = """
    import anthropic
    import tenacity
    client = anthropic.Anthropic(max_retries=0)
    @tenacity.retry(
        stop=tenacity.stop_after_attempt(4) & tenacity.stop_after_delay(30),
        wait=tenacity.wait_fixed(2),
        retry=tenacity.retry_if_exception_type(),
        reraise=False,
    )
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    # `&` stops only when both say stop: bounded, but no single literal attempt count.
    assert a.only() == Facts(
        family="tenacity", line=4, attempts=None, bounded=True, wait="fixed",
        predicate="all", types=(), excluded=(), reraise=False, sites=(11,),
    )
    assert a.admitted() == ALL_NON_RETRYABLE
    assert lint(src) == [("CL202", 4), ("CL205", 4), ("CL208", 4)]
    assert lint_default(src) == [("CL202", 4), ("CL208", 4)]


def test_stop_never_wait_none_and_not_exception_type() -> None:
    src = """
    import anthropic
    import tenacity
    client = anthropic.Anthropic(max_retries=0)
    @tenacity.retry(
        stop=tenacity.stop_never,
        wait=tenacity.wait_none(),
        retry=tenacity.retry_if_not_exception_type(anthropic.BadRequestError),
        reraise=True,
    )
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=4, attempts=None, bounded=False, wait="none",
        predicate="all", types=(), excluded=("anthropic.BadRequestError",), reraise=True, sites=(11,),
    )
    # Everything but 400 is still retried: 401, 402, 403, 404...
    assert a.admitted() == [n for n in ALL_NON_RETRYABLE if n != "BadRequestError"]
    assert lint(src) == [("CL202", 4), ("CL203", 4), ("CL204", 4)]
    fixes = {d.code: d.fix for d in diagnostics(src)}
    assert fixes["CL203"] is not None and fixes["CL204"] is not None


def test_retry_if_exception_with_a_predicate_inspects() -> None:
    src = """
    import anthropic
    from tenacity import retry, retry_if_exception, stop_after_attempt, wait_random_exponential
    client = anthropic.Anthropic(max_retries=0)
    def is_retryable(e):
        return isinstance(e, anthropic.APIStatusError) and e.status_code >= 500
    @retry(retry=retry_if_exception(is_retryable), stop=stop_after_attempt(3),
           wait=wait_random_exponential(max=10), reraise=True)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=6, attempts=3, bounded=True, wait="jittered",
        predicate="inspects", types=(), excluded=(), reraise=True, sites=(9,),
    )
    assert a.admitted() == []
    assert lint(src) == []


def test_retry_if_result_alone_and_or_combined_with_exception_type() -> None:
    src = """
    import anthropic
    from tenacity import retry, retry_if_result, retry_if_exception_type, stop_after_attempt, wait_random_exponential
    client = anthropic.Anthropic(max_retries=0)
    @retry(retry=retry_if_result(lambda r: r is None) | retry_if_exception_type(anthropic.RateLimitError),
           stop=stop_after_attempt(3), wait=wait_random_exponential(max=10), reraise=True)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    @retry(retry=retry_if_result(lambda r: not r.content), stop=stop_after_attempt(3),
           wait=wait_random_exponential(max=10), reraise=True)
    def ask_until_content():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.all_facts() == [
        Facts(family="tenacity", line=4, attempts=3, bounded=True, wait="jittered", predicate="types",
              types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(7,)),
        # Only results are retried: no exception is.
        Facts(family="tenacity", line=8, attempts=3, bounded=True, wait="jittered", predicate="none",
              types=(), excluded=(), reraise=True, sites=(11,)),
    ]
    # The second retries none of the call's errors, and the SDK's retries are off.
    assert lint(src) == [("CL201", 11)]


def test_retrying_for_loop_and_async_retrying_async_for() -> None:
    src = """
    import anthropic
    from tenacity import Retrying, AsyncRetrying, stop_after_attempt, wait_random_exponential, retry_if_exception_type
    client = anthropic.Anthropic(max_retries=0)
    aclient = anthropic.AsyncAnthropic(max_retries=0)
    def ask():
        for attempt in Retrying(stop=stop_after_attempt(3), wait=wait_random_exponential(max=10),
                                retry=retry_if_exception_type(anthropic.RateLimitError), reraise=True):
            with attempt:
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    async def aask():
        async for attempt in AsyncRetrying(stop=stop_after_attempt(5), retry=retry_if_exception_type(anthropic.InternalServerError)):
            with attempt:
                return await aclient.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.all_facts() == [
        Facts(family="tenacity", line=6, attempts=3, bounded=True, wait="jittered", predicate="types",
              types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(9,)),
        Facts(family="tenacity", line=11, attempts=5, bounded=True, wait="none", predicate="types",
              types=("anthropic.InternalServerError",), excluded=(), reraise=False, sites=(13,)),
    ]
    assert [m.loop is not None for m in a.mechanisms] == [True, True]
    # Reported at `AsyncRetrying(`, not at the `async for`.
    assert lint_at(src) == [("CL204", 11, 25), ("CL208", 11, 25)]


def test_async_retrying_without_stop_on_default_client() -> None:
    src = """
    import anthropic
    import tenacity as t
    client = anthropic.AsyncAnthropic()
    async def ask():
        async for attempt in t.AsyncRetrying(wait=t.wait_random_exponential(max=30),
                                             retry=t.retry_if_exception_type(anthropic.RateLimitError), reraise=True):
            with attempt:
                return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=5, attempts=None, bounded=False, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(8,),
    )
    # CL203 at the loop header, CL207 at `t.AsyncRetrying(`.
    assert lint_at(src) == [("CL203", 5, 4), ("CL207", 5, 25)]
    cl207 = next(d for d in diagnostics(src) if d.code == "CL207")
    assert "each attempt makes up to 3 requests" in cl207.message


def test_retrying_object_bound_to_a_name_before_the_loop() -> None:
    src = """
    import anthropic
    from tenacity import Retrying, stop_after_attempt, wait_fixed
    client = anthropic.Anthropic(max_retries=0)
    retryer = Retrying(stop=stop_after_attempt(3), wait=wait_fixed(1), reraise=True)
    def ask():
        for attempt in retryer:
            with attempt:
                reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
        return reply
    def not_retried():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=4, attempts=3, bounded=True, wait="fixed", predicate="all",
        types=(), excluded=(), reraise=True, sites=(8,),
    )
    assert a.wrapped(8) and not a.wrapped(11)
    assert lint(src) == [("CL202", 4), ("CL205", 4), ("CL201", 11)]


def test_shared_policy_variable_applied_as_decorator() -> None:
    src = """
    import anthropic
    import tenacity
    client = anthropic.Anthropic()
    policy = tenacity.retry(
        stop=tenacity.stop_after_attempt(4),
        wait=tenacity.wait_random_exponential(max=10),
        retry=tenacity.retry_if_exception_type(anthropic.RateLimitError),
        reraise=True,
    )
    @policy
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    @policy
    def not_a_claude_call():
        return 1
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=10, attempts=4, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(12,),
    )
    assert lint(src) == [("CL207", 10)]
    assert "4 attempts x 3 SDK attempts = up to 12 requests per call" in diagnostics(src)[0].message


def test_decorated_method_using_self_client() -> None:
    src = """
    import anthropic
    from tenacity import retry, stop_after_attempt, wait_random_exponential, retry_if_exception_type
    class Bot:
        def __init__(self):
            self.client = anthropic.Anthropic()
        @retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=10),
               retry=retry_if_exception_type(anthropic.RateLimitError))
        def ask(self, q):
            return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=6, attempts=3, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=False, sites=(9,),
    )
    assert a.only_mechanism().function is not None and a.only_mechanism().function.name == "ask"
    assert lint_at(src) == [("CL207", 6, 4), ("CL208", 6, 4)]


def test_decorator_around_an_llm_calling_function_wraps_the_indirect_site() -> None:
    src = """
    import anthropic
    from tenacity import retry, stop_after_attempt, wait_random_exponential, retry_if_exception_type
    client = anthropic.Anthropic(max_retries=0)
    def once(q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    @retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=10),
           retry=retry_if_exception_type(anthropic.RateLimitError), reraise=True)
    def ask(q):
        return once(q)
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=6, attempts=3, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(9,),
    )
    assert not a.only_mechanism().call_sites[0].direct
    # The direct call inside `once` is retried through `ask`: no CL201.
    assert a.wrapped(5)
    assert lint(src) == []


def test_async_decorated_function_on_default_async_client() -> None:
    src = """
    import anthropic
    from tenacity import retry, stop_after_attempt, wait_random_exponential, retry_if_exception_type
    client = anthropic.AsyncAnthropic()
    @retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=10),
           retry=retry_if_exception_type(anthropic.RateLimitError), reraise=True)
    async def ask():
        return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="tenacity", line=4, attempts=3, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(7,),
    )
    assert lint(src) == [("CL207", 4)]
    assert "3 attempts x 3 SDK attempts = up to 9 requests per call" in diagnostics(src)[0].message


def test_client_passed_in_is_assumed_to_keep_sdk_retries() -> None:
    src = """
    import anthropic
    from tenacity import retry, stop_after_attempt, wait_random_exponential, retry_if_exception_type
    @retry(stop=stop_after_attempt(2), wait=wait_random_exponential(max=10),
           retry=retry_if_exception_type(anthropic.RateLimitError), reraise=True)
    def ask(client, q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    """
    a = analyse(src)
    assert a.only().sites == (6,)
    assert a.site_at(6).client is None
    assert lint(src) == [("CL207", 3)]


def test_with_options_max_retries_zero_inside_the_retry_is_clean() -> None:
    src = """
    import anthropic
    from tenacity import retry, stop_after_attempt, wait_random_exponential, retry_if_exception_type
    client = anthropic.Anthropic()
    @retry(stop=stop_after_attempt(5), wait=wait_random_exponential(max=10),
           retry=retry_if_exception_type(anthropic.RateLimitError), reraise=True)
    def ask():
        return client.with_options(max_retries=0).messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.site_at(7).client.max_retries == 0
    assert lint(src) == []


def test_retry_on_a_function_without_claude_calls_is_not_a_mechanism() -> None:
    src = """
    import anthropic, requests
    from tenacity import retry
    client = anthropic.Anthropic(max_retries=0)
    @retry
    def fetch(url):
        return requests.get(url)
    """
    assert analyse(src).mechanisms == []
    assert lint(src) == []


@pytest.mark.parametrize(
    ("stop", "bounded", "attempts"),
    [
        ("t.stop_after_attempt(3)", True, 3),
        ("t.stop_after_attempt(max_attempt_number=6)", True, 6),
        ("t.stop_after_delay(60)", True, None),
        ("t.stop_after_attempt(3) | t.stop_after_delay(10)", True, 3),
        ("t.stop_after_attempt(3) | t.stop_never", True, 3),
        ("t.stop_after_attempt(3) & t.stop_after_delay(10)", True, None),
        ("t.stop_never & t.stop_after_attempt(3)", False, None),
        ("t.stop_any(t.stop_after_attempt(3), t.stop_after_delay(5))", True, None),
        ("t.stop_never", False, None),
    ],
)
def test_stop_expressions(stop: str, bounded: bool, attempts: int | None) -> None:
    src = f"""
    import anthropic
    import tenacity as t
    client = anthropic.Anthropic(max_retries=0)
    @t.retry(stop={stop}, wait=t.wait_random_exponential(max=10), retry=t.retry_if_exception_type(anthropic.RateLimitError), reraise=True)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    f = analyse(src).only()
    assert (f.bounded, f.attempts) == (bounded, attempts)
    assert lint(src) == ([] if bounded else [("CL203", 4)])


@pytest.mark.parametrize(
    ("wait", "kind", "codes"),
    [
        ("t.wait_none()", "none", ["CL204"]),
        ("t.wait_none() + t.wait_none()", "none", ["CL204"]),
        ("t.wait_fixed(2)", "fixed", ["CL205"]),
        ("t.wait_chain(t.wait_fixed(1), t.wait_fixed(5))", "fixed", ["CL205"]),
        ("t.wait_exponential(multiplier=1, max=30)", "exponential", ["CL205"]),
        ("t.wait_incrementing(start=1, increment=2)", "exponential", ["CL205"]),
        ("t.wait_exponential(min=1, max=8) + t.wait_fixed(1)", "exponential", ["CL205"]),
        ("t.wait_exponential(multiplier=1, max=30) + t.wait_random(0, 2)", "jittered", []),
        ("t.wait_fixed(1) + t.wait_random(0, 1)", "jittered", []),
        ("t.wait_random_exponential(multiplier=1, max=60)", "jittered", []),
        ("t.wait_exponential_jitter(initial=1, max=30)", "jittered", []),
        ("t.wait_full_jitter(multiplier=1)", "jittered", []),
        ("t.wait_random(1, 3)", "jittered", []),
    ],
)
def test_wait_expressions(wait: str, kind: str, codes: list[str]) -> None:
    src = f"""
    import anthropic
    import tenacity as t
    client = anthropic.Anthropic(max_retries=0)
    @t.retry(wait={wait}, stop=t.stop_after_attempt(3), retry=t.retry_if_exception_type(anthropic.RateLimitError), reraise=True)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().wait == kind
    assert lint(src) == [(code, 4) for code in codes]


def test_no_wait_keyword_at_all_is_no_wait() -> None:
    src = """
    import anthropic
    import tenacity
    @tenacity.retry(stop=tenacity.stop_after_attempt(3), retry=tenacity.retry_if_exception_type(anthropic.RateLimitError), reraise=True)
    def ask(client: anthropic.Anthropic):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().wait == "none"
    # The annotated client keeps the default SDK retries: stacked as well (CL207 offers its
    # fix once CL204's has added a wait).
    assert lint(src) == [("CL204", 3), ("CL207", 3)]


@pytest.mark.parametrize(
    ("retry", "kind", "types", "excluded", "cl202"),
    [
        ("t.retry_if_exception_type()", "all", (), (), True),
        ("t.retry_if_exception_type(anthropic.RateLimitError)", "types", ("anthropic.RateLimitError",), (), False),
        (
            "t.retry_if_exception_type((anthropic.RateLimitError, anthropic.InternalServerError))",
            "types", ("anthropic.RateLimitError", "anthropic.InternalServerError"), (), False,
        ),
        (
            "t.retry_if_exception_type(exception_types=(anthropic.RateLimitError, anthropic.APITimeoutError))",
            "types", ("anthropic.RateLimitError", "anthropic.APITimeoutError"), (), False,
        ),
        ("t.retry_if_exception_type(anthropic.APIStatusError)", "types", ("anthropic.APIStatusError",), (), True),
        ("t.retry_if_exception_type(anthropic.APIError)", "types", ("anthropic.APIError",), (), True),
        ("t.retry_if_exception_type(Exception)", "types", ("Exception",), (), True),
        (
            "t.retry_if_not_exception_type((anthropic.BadRequestError, anthropic.AuthenticationError))",
            "all", (), ("anthropic.BadRequestError", "anthropic.AuthenticationError"), True,
        ),
        (
            "t.retry_if_exception_type(anthropic.RateLimitError) | t.retry_if_exception_type(anthropic.APIConnectionError)",
            "types", ("anthropic.RateLimitError", "anthropic.APIConnectionError"), (), False,
        ),
        (
            "t.retry_any(t.retry_if_exception_type(anthropic.RateLimitError), t.retry_if_result(lambda r: r is None))",
            "types", ("anthropic.RateLimitError",), (), False,
        ),
        ("t.retry_if_exception(lambda e: getattr(e, 'status_code', 500) >= 500)", "inspects", (), (), False),
        ("t.retry_if_exception_message(match='overloaded')", "inspects", (), (), False),
        ("t.retry_always", "all", (), (), True),
        ("t.retry_if_result(lambda r: r is None)", "none", (), (), False),
    ],
)
def test_retry_predicates(retry: str, kind: str, types: tuple, excluded: tuple, cl202: bool) -> None:
    src = f"""
    import anthropic
    import tenacity as t
    client = anthropic.Anthropic(max_retries=0)
    @t.retry(retry={retry}, stop=t.stop_after_attempt(3), wait=t.wait_random_exponential(max=10), reraise=True)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    f = analyse(src).only()
    assert (f.predicate, f.types, f.excluded) == (kind, types, excluded)
    # A retry only on results leaves the call's errors unretried (the SDK's retries are off).
    assert lint(src) == ([("CL202", 4)] if cl202 else [("CL201", 6)] if kind == "none" else [])


@pytest.mark.parametrize(
    ("reraise", "expected"),
    [("reraise=True", True), ("reraise=False", False), ("before_sleep=None", False)],
)
def test_reraise_keyword(reraise: str, expected: bool) -> None:
    src = f"""
    import anthropic
    import tenacity as t
    client = anthropic.Anthropic(max_retries=0)
    @t.retry({reraise}, stop=t.stop_after_attempt(3), wait=t.wait_random_exponential(max=10), retry=t.retry_if_exception_type(anthropic.RateLimitError))
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().reraise is expected
    assert lint(src) == ([] if expected else [("CL208", 4)])


def test_cl208_fix_adds_reraise_to_the_retrying_call() -> None:
    src = """
    import anthropic
    from tenacity import Retrying, stop_after_attempt, wait_random_exponential, retry_if_exception_type
    client = anthropic.Anthropic(max_retries=0)
    def ask():
        for attempt in Retrying(stop=stop_after_attempt(3), wait=wait_random_exponential(max=5), retry=retry_if_exception_type(anthropic.RateLimitError)):
            with attempt:
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    [d] = diagnostics(src)
    assert (d.code, d.start.line, d.start.column) == ("CL208", 5, 19)
    assert d.fix is not None
    assert [e.content for e in d.fix.edits] == [", reraise=True"]


def test_two_decorated_functions_one_unretried_call() -> None:
    src = """
    import anthropic
    from tenacity import retry, stop_after_attempt, wait_random_exponential, retry_if_exception_type
    client = anthropic.Anthropic(max_retries=0)
    @retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=10), retry=retry_if_exception_type(anthropic.RateLimitError), reraise=True)
    def summarise(text):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[text])
    def classify(text):
        return client.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=[text])
    """
    a = analyse(src)
    assert a.only().sites == (6,)
    assert a.wrapped(6) and not a.wrapped(8)
    assert lint(src) == [("CL201", 8)]


def test_a_retry_only_on_results_neither_stacks_nor_masks_errors() -> None:
    """Errors go straight through `retry=retry_if_result(...)` (tenacity re-raises an outcome its
    predicate does not retry): no `RetryError` for them (CL208), no multiplied SDK attempts
    (CL207), no backoff needed for an overloaded API (CL204); with no `stop=` it still re-asks forever."""
    src = """
    import anthropic
    from tenacity import retry, retry_if_result, stop_after_attempt
    client = anthropic.Anthropic()
    @retry(retry=retry_if_result(lambda r: not r.content), stop=stop_after_attempt(3))
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    @retry(retry=retry_if_result(lambda r: not r.content))
    def ask_forever():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert lint(src) == [("CL203", 7)]
