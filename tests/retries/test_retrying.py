"""The `retrying` library (`from retrying import retry, Retrying`): `@retry`, `@retry(...)`,
`Retrying(...).call(f, ...)`, and a project function that builds a `Retrying` policy and
hands out a decorator other modules apply.

What the library does when a keyword is missing (read from its source, 1.4.2): it
never stops, never waits and retries every exception; `wait_random_*` and
`wait_jitter_max` add randomness, `wait_exponential_*` does not; a tuple passed as
`retry_on_exception` is matched with `isinstance`; `wrap_exception=True` raises
`RetryError` in place of the last error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from retry_support import KNOWLEDGE, Facts, analyse, diagnostics, lint

from claude_lint.analysis.retries import Predicate, admitted_non_retryable
from claude_lint.app.runner import RunOptions, run
from claude_lint.config.settings import ConfigResolver

ALL_NON_RETRYABLE = admitted_non_retryable(Predicate("all"), KNOWLEDGE)


def test_bare_retry_retries_every_exception_forever_at_once() -> None:
    src = """
    import anthropic
    from retrying import retry
    client = anthropic.Anthropic()
    @retry
    def ask(prompt):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="retrying", line=4, attempts=None, bounded=False, wait="none",
        predicate="all", types=(), excluded=(), reraise=True, sites=(6,),
    )
    assert a.admitted() == ALL_NON_RETRYABLE
    assert lint(src) == [("CL202", 4), ("CL203", 4), ("CL204", 4), ("CL207", 4)]
    messages = {d.code: d.message for d in diagnostics(src)}
    assert messages["CL203"] == (
        "`@retry` around a Claude call has none of `stop_max_attempt_number`, `stop_max_delay` or "
        "`stop_func`, so it retries forever"
    )
    assert messages["CL202"].startswith(
        "`@retry` has no `retry_on_exception=`, so retrying retries every exception, including BadRequestError (400)"
    )


def test_narrow_bounded_jittered_policy_on_a_client_without_sdk_retries_is_clean() -> None:
    src = """
    import anthropic
    import retrying
    client = anthropic.Anthropic(max_retries=0)
    @retrying.retry(
        stop_max_attempt_number=4,
        wait_exponential_multiplier=1000, wait_exponential_max=30000, wait_jitter_max=1000,
        retry_on_exception=(anthropic.RateLimitError, anthropic.APIConnectionError),
    )
    def ask(prompt):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
    """
    assert analyse(src).only() == Facts(
        family="retrying", line=4, attempts=4, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError", "anthropic.APIConnectionError"), excluded=(), reraise=True, sites=(10,),
    )
    assert lint(src) == []


@pytest.mark.parametrize(
    ("keywords", "kind", "codes"),
    [
        ("wait_fixed=2000", "fixed", ["CL205"]),
        ("wait_exponential_multiplier=1000, wait_exponential_max=10000", "exponential", ["CL205"]),
        ("wait_incrementing_start=0, wait_incrementing_increment=500", "exponential", ["CL205"]),
        ("wait_random_min=500, wait_random_max=3000", "jittered", []),
        ("wait_fixed=1000, wait_jitter_max=500", "jittered", []),
        ("wait_fixed=1000, wait_jitter_max=0", "fixed", ["CL205"]),
        ('wait="random_sleep"', "jittered", []),
        ("wait_func=lambda attempts, delay: 2 ** attempts * 1000", "exponential", ["CL205"]),
        ("wait_func=backoff_ms", "jittered", []),
        ("stop_max_delay=60000", "none", ["CL204"]),
    ],
)
def test_wait_keywords(keywords: str, kind: str, codes: list[str]) -> None:
    src = f"""
    import anthropic, random
    from retrying import retry
    client = anthropic.Anthropic(max_retries=0)
    def backoff_ms(attempts, delay):
        return random.uniform(0, 2 ** attempts) * 1000
    @retry({keywords}, stop_max_attempt_number=3, retry_on_exception=(anthropic.RateLimitError,))
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().wait == kind
    assert [code for code, _ in lint(src)] == codes


@pytest.mark.parametrize(
    ("predicate", "kind", "types", "excluded", "cl202"),
    [
        ("(anthropic.RateLimitError,)", "types", ("anthropic.RateLimitError",), (), False),
        ("TRANSIENT", "types", ("anthropic.RateLimitError", "anthropic.InternalServerError"), (), False),
        ("(anthropic.APIError,)", "types", ("anthropic.APIError",), (), True),
        ("lambda e: isinstance(e, anthropic.RateLimitError)", "types", ("anthropic.RateLimitError",), (), False),
        ("lambda e: True", "all", (), (), True),
        ("not_interrupted", "all", (), ("KeyboardInterrupt", "GiveUp"), True),
        ("lambda e: getattr(e, 'status_code', 500) >= 500", "inspects", (), (), False),
        ("None", "all", (), (), True),
    ],
)
def test_retry_on_exception(predicate: str, kind: str, types: tuple, excluded: tuple, cl202: bool) -> None:
    src = f"""
    import anthropic
    from retrying import retry
    client = anthropic.Anthropic(max_retries=0)
    TRANSIENT = (anthropic.RateLimitError, anthropic.InternalServerError)
    class GiveUp(Exception):
        pass
    def not_interrupted(error):
        print(error)
        return not isinstance(error, KeyboardInterrupt) and not isinstance(error, GiveUp)
    @retry(retry_on_exception={predicate}, stop_max_attempt_number=3, wait_random_min=100, wait_random_max=900)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    facts = analyse(src).only()
    assert (facts.predicate, facts.types, facts.excluded) == (kind, types, excluded)
    assert lint(src) == ([("CL202", 10)] if cl202 else [])


def test_retrying_call_wraps_the_function_it_runs() -> None:
    src = """
    import anthropic
    from retrying import Retrying
    client = anthropic.Anthropic()
    policy = Retrying(stop_max_attempt_number=3, wait_random_min=500, wait_random_max=2000)
    def ask(q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    def run(q):
        return policy.call(ask, q)
    def run_inline(q):
        return Retrying(stop_max_attempt_number=2, retry_on_exception=(anthropic.RateLimitError,)).call(ask, q)
    """
    a = analyse(src)
    assert a.all_facts() == [
        Facts(family="retrying", line=8, attempts=3, bounded=True, wait="jittered", predicate="all",
              types=(), excluded=(), reraise=True, sites=(8,)),
        Facts(family="retrying", line=10, attempts=2, bounded=True, wait="none", predicate="types",
              types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(10,)),
    ]
    messages = [(d.code, d.start.line, d.message) for d in diagnostics(src)]
    assert messages == [
        ("CL202", 8, ("`Retrying(...)` has no `retry_on_exception=`, so retrying retries every exception, including "
         "BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), PermissionDeniedError (403) "
         "and 6 more, which fail the same way on every attempt")),
        ("CL207", 8, ("`Retrying(...)` retries a Claude call whose client also retries: 3 attempts x 3 SDK attempts "
         "= up to 9 requests per call; call through `client.with_options(max_retries=0)`")),
        ("CL204", 10, ("`Retrying(...)` tries the Claude call again at once: add a sleep with exponential backoff "
         "and jitter")),
        ("CL207", 10, ("`Retrying(...)` retries a Claude call whose client also retries: 2 attempts x 3 SDK attempts "
         "= up to 6 requests per call; call through `client.with_options(max_retries=0)`")),
    ]


def test_on_an_async_function_it_retries_nothing() -> None:
    """The decorated coroutine function returns a coroutine at once: no error reaches `retrying`."""
    src = """
    import anthropic
    from retrying import retry
    client = anthropic.AsyncAnthropic(max_retries=0)
    @retry(stop_max_attempt_number=3)
    async def ask():
        return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).mechanisms == []
    assert lint(src) == [("CL201", 6)]


def test_wrap_exception_hides_the_api_error_and_its_fix() -> None:
    src = """
    import anthropic
    from retrying import retry
    client = anthropic.Anthropic(max_retries=0)
    @retry(stop_max_attempt_number=3, wait_random_min=100, wait_random_max=900, wrap_exception=True,
           retry_on_exception=(anthropic.RateLimitError,))
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().reraise is False
    [d] = diagnostics(src)
    assert (d.code, d.start.line, d.message) == (
        "CL208", 4,
        ("`@retry(...)` has `wrap_exception=True`: when its attempts run out the caller gets `retrying.RetryError` "
        "and every `except anthropic...` above never matches"),
    )
    assert d.fix is not None and [e.content for e in d.fix.edits] == ["False"]


POLICIES = '''\
"""Retry policies built with the retrying library (no SDK import here)."""

from retrying import Retrying


class NonRetriable(Exception):
    pass


def make_retry(operation, max_attempts, multiplier_seconds):
    def wait(attempts, delay):
        print(operation, attempts)
        return 2**attempts * multiplier_seconds * 1000

    def log_and_retry(exception):
        print(exception)
        return not isinstance(exception, KeyboardInterrupt) and not isinstance(exception, NonRetriable)

    policy = Retrying(wait_func=wait, stop_max_attempt_number=max_attempts, retry_on_exception=log_and_retry)
    return lambda f: lambda *args, **kwargs: policy.call(f, *args, **kwargs)


retry_request = make_retry("request", max_attempts=5, multiplier_seconds=5)
retry_forever = make_retry("poll", max_attempts=None, multiplier_seconds=1)
'''

USERS = '''\
import anthropic

from app.policies import make_retry, retry_forever, retry_request

client = anthropic.Anthropic()


def ask(question):
    @retry_request
    def once(q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])

    return once(question)


@retry_forever
def poll(q):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])


@make_retry("summary", 3, 1)
def summarise(q):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
'''


def test_a_policy_built_in_another_module_and_applied_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.claude-lint]\nextend-select = ["CL205"]\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "policies.py").write_text(POLICIES)
    (tmp_path / "app" / "users.py").write_text(USERS)
    monkeypatch.chdir(tmp_path)
    outcome = run(["."], ConfigResolver(), RunOptions())
    assert outcome.errors == []
    found = [(Path(d.path).name, d.start.line, d.start.column + 1, d.code, d.message) for d in outcome.diagnostics]
    every = (
        "retries every exception, including BadRequestError (400), AuthenticationError (401), "
        "PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, which fail the same way on every attempt"
    )
    jitter = "backs off exponentially with no random jitter: parallel workers retry in lockstep and hit the rate limit together again"
    assert found == [
        ("users.py", 9, 5, "CL202", f"`@retry_request` (defined in app/policies.py:23) {every}"),
        ("users.py", 9, 5, "CL205", f"`@retry_request` (defined in app/policies.py:23) {jitter}"),
        ("users.py", 9, 5, "CL207",
         ("`@retry_request` (defined in app/policies.py:23) retries a Claude call whose client also retries: "
         "5 attempts x 3 SDK attempts = up to 15 requests per call; call through `client.with_options(max_retries=0)`")),
        ("users.py", 16, 1, "CL202", f"`@retry_forever` (defined in app/policies.py:24) {every}"),
        ("users.py", 16, 1, "CL203",
         ("`@retry_forever` (defined in app/policies.py:24) around a Claude call has no attempt bound as applied "
         "here, so it retries forever")),
        ("users.py", 16, 1, "CL205", f"`@retry_forever` (defined in app/policies.py:24) {jitter}"),
        ("users.py", 16, 1, "CL207",
         ("`@retry_forever` (defined in app/policies.py:24) retries a Claude call whose client also retries: "
         "each attempt makes up to 3 requests; call through `client.with_options(max_retries=0)`")),
        ("users.py", 21, 1, "CL202", f"`@make_retry(...)` (defined in app/policies.py:10) {every}"),
        ("users.py", 21, 1, "CL205", f"`@make_retry(...)` (defined in app/policies.py:10) {jitter}"),
        ("users.py", 21, 1, "CL207",
         ("`@make_retry(...)` (defined in app/policies.py:10) retries a Claude call whose client also retries: "
         "3 attempts x 3 SDK attempts = up to 9 requests per call; call through `client.with_options(max_retries=0)`")),
    ]


def test_an_attempt_count_too_long_to_print_is_unknown() -> None:
    """4,300 digits parse, but times the SDK's 3 attempts no message could print them."""
    huge = "9" * 4300
    src = f"""
    import anthropic, tenacity
    from retrying import retry
    client = anthropic.Anthropic()
    @tenacity.retry(stop=tenacity.stop_after_attempt({huge}), wait=tenacity.wait_random(0, 2), reraise=True,
                    retry=tenacity.retry_if_exception_type(anthropic.RateLimitError))
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    @retry(stop_max_attempt_number={huge}, wait_random_max=900, retry_on_exception=(anthropic.RateLimitError,))
    def ask_again():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert [(f.attempts, f.bounded) for f in analyse(src).all_facts()] == [(None, True), (None, True)]
    assert [(d.code, d.start.line, d.message.split(": ")[1].split(";")[0]) for d in diagnostics(src)] == [
        ("CL207", 4, "each attempt makes up to 3 requests"),
        ("CL207", 8, "each attempt makes up to 3 requests"),
    ]


def test_retry_on_result_adds_a_test_of_the_result_and_narrows_no_exception() -> None:
    """`retry_on_result=` alone: retrying still retries every exception (its default predicate for
    errors stays). Only `retry_on_exception=` returning False makes it a retry on results only."""
    src = """
    import anthropic
    from retrying import retry
    client = anthropic.Anthropic()
    def empty(reply):
        return not reply.content
    @retry(retry_on_result=empty, stop_max_attempt_number=3, wait_random_min=100, wait_random_max=900)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    @retry(retry_on_result=empty, retry_on_exception=lambda e: False, stop_max_attempt_number=3, wrap_exception=True)
    def ask_until_content():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    @retry(retry_on_result=empty, retry_on_exception=(anthropic.RateLimitError,), stop_max_attempt_number=3,
           wait_random_min=100, wait_random_max=900)
    def ask_narrow():
        return client.with_options(max_retries=0).messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    @retry(retry_on_result=empty, retry_on_exception=lambda e: False)
    def ask_forever():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert [(f.line, f.predicate, f.types) for f in a.all_facts()] == [
        (6, "all", ()),
        (9, "none", ()),
        (12, "types", ("anthropic.RateLimitError",)),
        (16, "none", ()),
    ]
    # On results only (9, 16): the errors go straight through, so no stacking on the SDK's
    # retries (CL207), no `RetryError` in their place (CL208), no backoff needed for an
    # overloaded API (CL204); re-asking forever is still unbounded (CL203).
    assert lint(src) == [("CL202", 6), ("CL207", 6), ("CL203", 16)]
    messages = {(d.code, d.start.line): d.message for d in diagnostics(src)}
    assert messages[("CL202", 6)].startswith(
        "`@retry(...)` has `retry_on_result=` but no `retry_on_exception=`, so retrying also retries every "
        "exception, including BadRequestError (400)"
    )


def test_a_retry_on_results_only_leaves_a_client_without_sdk_retries_unretried() -> None:
    src = """
    import anthropic
    from retrying import retry
    client = anthropic.Anthropic(max_retries=0)
    @retry(retry_on_result=lambda r: r.stop_reason == "max_tokens", retry_on_exception=lambda e: False,
           stop_max_attempt_number=2)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert [(d.code, d.start.line, d.message) for d in diagnostics(src)] == [
        ("CL201", 7,
         "This Claude call's client has SDK retries disabled (`max_retries=0` on line 3) and only `@retry(...)` "
         "retries it, on its results, not on its errors: a 429, 529 or dropped connection fails the request at once"),
    ]
