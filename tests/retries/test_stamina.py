"""stamina retry mechanisms (`@stamina.retry(on=..., attempts=..., timeout=...)`) and
the CL2xx results for each shape. Line 1 is the snippet's first line."""

from __future__ import annotations

import pytest
from retry_support import KNOWLEDGE, Facts, analyse, diagnostics, lint, lint_at

from claude_lint.analysis.retries import Predicate, admitted_non_retryable


def test_on_and_attempts() -> None:
    src = """
    import anthropic
    import stamina
    client = anthropic.Anthropic(max_retries=0)
    @stamina.retry(on=anthropic.RateLimitError, attempts=5)
    def ask(prompt):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="stamina", line=4, attempts=5, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(6,),
    )
    assert a.wrapped(6)
    assert lint(src) == []


def test_defaults_are_bounded() -> None:
    """stamina defaults to 10 attempts and a 45 s timeout: no CL203."""
    src = """
    import anthropic, stamina
    client = anthropic.Anthropic(max_retries=0)
    @stamina.retry(on=anthropic.RateLimitError)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only() == Facts(
        family="stamina", line=3, attempts=10, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(5,),
    )
    assert lint(src) == []


def test_attempts_none_and_timeout_none_is_unbounded() -> None:
    src = """
    import anthropic, stamina
    client = anthropic.Anthropic(max_retries=0)
    @stamina.retry(on=anthropic.RateLimitError, attempts=None, timeout=None)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only() == Facts(
        family="stamina", line=3, attempts=None, bounded=False, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(5,),
    )
    assert lint_at(src) == [("CL203", 3, 0)]
    assert diagnostics(src)[0].message == (
        "`@stamina.retry(...)` around a Claude call sets both `attempts=None` and `timeout=None`, so it retries forever"
    )


@pytest.mark.parametrize(
    ("limits", "bounded", "attempts"),
    [
        ("attempts=None", True, None),  # the 45 s timeout still applies
        ("timeout=None", True, 10),  # the 10 attempts still apply
        ("attempts=3, timeout=None", True, 3),
        ("attempts=None, timeout=30.0", True, None),
        ("attempts=ATTEMPTS", True, 4),  # seen through the module constant,
        ("attempts=None, timeout=None", False, None),
    ],
)
def test_limits(limits: str, bounded: bool, attempts: int | None) -> None:
    src = f"""
    import anthropic, stamina
    ATTEMPTS = 4
    client = anthropic.Anthropic(max_retries=0)
    @stamina.retry(on=anthropic.InternalServerError, {limits})
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    f = analyse(src).only()
    assert (f.bounded, f.attempts) == (bounded, attempts)
    assert lint(src) == ([] if bounded else [("CL203", 4)])


def test_on_a_local_predicate_function_inspects() -> None:
    src = """
    import anthropic
    import stamina
    client = anthropic.Anthropic(max_retries=0)
    def should_retry(exc: Exception) -> bool:
        return isinstance(exc, anthropic.APIStatusError) and exc.status_code >= 500
    @stamina.retry(on=should_retry, attempts=3)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only() == Facts(
        family="stamina", line=6, attempts=3, bounded=True, wait="jittered", predicate="inspects",
        types=(), excluded=(), reraise=True, sites=(8,),
    )
    assert lint(src) == []


def test_on_a_lambda_inspects() -> None:
    src = """
    import anthropic, stamina
    client = anthropic.Anthropic(max_retries=0)
    @stamina.retry(on=lambda e: isinstance(e, anthropic.RateLimitError), attempts=4)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().predicate == "inspects"
    assert lint(src) == []


def test_from_import_alias_and_tuple_of_retryable_types() -> None:
    src = """
    import anthropic
    from stamina import retry as st_retry
    client = anthropic.Anthropic(max_retries=0)
    @st_retry(on=(anthropic.RateLimitError, anthropic.InternalServerError, anthropic.APIConnectionError), attempts=6)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="stamina", line=4, attempts=6, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError", "anthropic.InternalServerError", "anthropic.APIConnectionError"),
        excluded=(), reraise=True, sites=(6,),
    )
    assert a.admitted() == []
    assert lint(src) == []


def test_broad_status_type_retries_4xx() -> None:
    src = """
    import anthropic as ac
    import stamina
    @stamina.retry(on=ac.APIStatusError, attempts=3)
    def ask(client: ac.Anthropic):
        return client.with_options(max_retries=0).messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.only().types == ("anthropic.APIStatusError",)
    assert a.admitted() == admitted_non_retryable(Predicate("types", ("anthropic.APIStatusError",)), KNOWLEDGE)
    assert lint_at(src) == [("CL202", 3, 0)]
    assert diagnostics(src)[0].message.startswith(
        "`@stamina.retry(...)` retries broad exception types, including BadRequestError (400)"
    )


@pytest.mark.parametrize("broad", ["Exception", "anthropic.APIError", "anthropic.AnthropicError"])
def test_broad_types(broad: str) -> None:
    src = f"""
    import anthropic, stamina
    client = anthropic.Anthropic(max_retries=0)
    @stamina.retry(on={broad}, attempts=4)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().types == (broad,)
    assert lint(src) == [("CL202", 3)]


def test_default_client_stacks_ten_attempts() -> None:
    src = """
    import anthropic, stamina
    client = anthropic.Anthropic()
    @stamina.retry(on=anthropic.RateLimitError)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    [d] = diagnostics(src)
    assert (d.code, d.start.line, d.start.column) == ("CL207", 3, 0)
    assert "10 attempts x 3 SDK attempts = up to 30 requests per call" in d.message


def test_client_with_one_sdk_retry_still_stacks() -> None:
    src = """
    import anthropic, stamina
    client = anthropic.Anthropic(max_retries=1)
    @stamina.retry(on=anthropic.RateLimitError, attempts=2)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    [d] = diagnostics(src)
    assert (d.code, d.start.line) == ("CL207", 3)
    assert "2 attempts x 2 SDK attempts = up to 4 requests per call" in d.message


def test_async_method_with_self_client() -> None:
    src = """
    import anthropic, stamina
    class Summariser:
        def __init__(self):
            self.client = anthropic.AsyncAnthropic(max_retries=0)
        @stamina.retry(on=anthropic.RateLimitError, attempts=3)
        async def summarise(self, text):
            return await self.client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[text])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="stamina", line=5, attempts=3, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(7,),
    )
    assert lint(src) == []


def test_stamina_never_reports_wait_or_reraise_rules() -> None:
    """stamina always waits with jittered exponential backoff and re-raises: no CL204/CL205/CL208."""
    src = """
    import anthropic, stamina
    client = anthropic.Anthropic(max_retries=0)
    @stamina.retry(on=anthropic.APIConnectionError, attempts=3, wait_initial=0.5, wait_max=10)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    f = analyse(src).only()
    assert (f.wait, f.reraise) == ("jittered", True)
    assert lint(src) == []


def test_undecorated_call_next_to_a_retried_one() -> None:
    src = """
    import anthropic, stamina
    client = anthropic.Anthropic(max_retries=0)
    @stamina.retry(on=anthropic.RateLimitError, attempts=3)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    def quick():
        return client.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=[])
    """
    a = analyse(src)
    assert a.only().sites == (5,)
    assert a.wrapped(5) and not a.wrapped(7)
    assert lint(src) == [("CL201", 7)]


def test_wait_jitter_zero_is_plain_exponential() -> None:
    src = """
    import anthropic, stamina
    client = anthropic.Anthropic(max_retries=0)
    @stamina.retry(on=anthropic.RateLimitError, attempts=3, wait_jitter=0)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().wait == "exponential"
