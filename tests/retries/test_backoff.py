"""backoff retry mechanisms (`@backoff.on_exception`, `@backoff.on_predicate`) and
the CL2xx results for each shape. Line 1 is the snippet's first line."""

from __future__ import annotations

import pytest
from retry_support import KNOWLEDGE, Facts, analyse, diagnostics, lint, lint_at, lint_default

from claude_lint.analysis.retries import Predicate, admitted_non_retryable

API_STATUS_4XX = admitted_non_retryable(Predicate("types", ("anthropic.APIStatusError",)), KNOWLEDGE)


def test_tuple_of_retryable_types_with_max_tries_is_clean() -> None:
    src = """
    import anthropic
    import backoff
    client = anthropic.Anthropic(max_retries=0)
    @backoff.on_exception(backoff.expo, (anthropic.RateLimitError, anthropic.APIConnectionError), max_tries=5)
    def ask(prompt):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="backoff", line=4, attempts=5, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError", "anthropic.APIConnectionError"), excluded=(), reraise=True, sites=(6,),
    )
    assert a.wrapped(6)
    assert lint(src) == []


def test_module_alias_bo() -> None:
    src = """
    import anthropic
    import backoff as bo
    client = anthropic.Anthropic(max_retries=0)
    @bo.on_exception(bo.expo, anthropic.RateLimitError, max_tries=3)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only() == Facts(
        family="backoff", line=4, attempts=3, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(6,),
    )
    assert lint(src) == []


def test_from_import_names() -> None:
    src = """
    import anthropic
    from backoff import on_exception, expo
    client = anthropic.Anthropic(max_retries=0)
    @on_exception(expo, anthropic.InternalServerError, max_tries=4)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only() == Facts(
        family="backoff", line=4, attempts=4, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.InternalServerError",), excluded=(), reraise=True, sites=(6,),
    )
    assert lint(src) == []


def test_max_time_alone_bounds_it() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic(max_retries=0)
    @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_time=60)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only() == Facts(
        family="backoff", line=3, attempts=None, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(5,),
    )
    assert lint(src) == []


def test_without_max_tries_or_max_time_is_unbounded() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic(max_retries=0)
    @backoff.on_exception(backoff.expo, anthropic.RateLimitError)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only() == Facts(
        family="backoff", line=3, attempts=None, bounded=False, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(5,),
    )
    assert lint_at(src) == [("CL203", 3, 0)]
    [d] = diagnostics(src)
    assert d.message == (
        "`@backoff.on_exception(...)` around a Claude call has neither `max_tries` nor `max_time`, so it retries forever"
    )
    assert d.fix is not None and [e.content for e in d.fix.edits] == [", max_tries=5"]


@pytest.mark.parametrize(
    ("limits", "bounded", "attempts"),
    [
        ("max_tries=None", False, None),
        ("max_time=None", False, None),
        ("max_tries=None, max_time=None", False, None),
        ("max_tries=None, max_time=30", True, None),
        ("max_tries=MAX_TRIES", True, 4),  # seen through the module constant,
        ("max_tries=5, max_time=None", True, 5),
    ],
)
def test_none_limits(limits: str, bounded: bool, attempts: int | None) -> None:
    src = f"""
    import anthropic, backoff
    MAX_TRIES = 4
    @backoff.on_exception(backoff.expo, anthropic.RateLimitError, {limits})
    def ask(client: anthropic.Anthropic):
        return client.with_options(max_retries=0).messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    f = analyse(src).only()
    assert (f.bounded, f.attempts) == (bounded, attempts)
    assert lint(src) == ([] if bounded else [("CL203", 3)])


def test_giveup_makes_a_broad_type_inspected() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic(max_retries=0)
    def fatal(e):
        return getattr(e, "status_code", 500) < 500 and e.status_code != 429
    @backoff.on_exception(backoff.expo, anthropic.APIError, max_tries=4, giveup=fatal)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.only() == Facts(
        family="backoff", line=5, attempts=4, bounded=True, wait="jittered", predicate="inspects",
        types=(), excluded=(), reraise=True, sites=(7,),
    )
    assert lint(src) == []


def test_broad_status_type_without_giveup_retries_4xx() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic(max_retries=0)
    @backoff.on_exception(backoff.expo, anthropic.APIStatusError, max_tries=4)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert a.only().predicate == "types" and a.only().types == ("anthropic.APIStatusError",)
    assert a.admitted() == API_STATUS_4XX
    assert lint_at(src) == [("CL202", 3, 0)]
    assert diagnostics(src)[0].message == (
        "`@backoff.on_exception(...)` retries broad exception types, including BadRequestError (400), "
        "AuthenticationError (401), PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, "
        "which fail the same way on every attempt"
    )


def test_exception_without_giveup() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic(max_retries=0)
    @backoff.on_exception(backoff.expo, Exception, max_tries=3)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().types == ("Exception",)
    assert lint(src) == [("CL202", 3)]


def test_jitter_none_is_plain_exponential() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic(max_retries=0)
    @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=4, jitter=None)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().wait == "exponential"
    assert lint_default(src) == []
    assert lint(src) == [("CL205", 3)]


@pytest.mark.parametrize(
    ("wait", "kind"),
    [
        ("backoff.expo", "jittered"),
        ("backoff.fibo", "jittered"),
        ("backoff.expo, jitter=backoff.full_jitter", "jittered"),
        ("backoff.expo, jitter=backoff.random_jitter", "jittered"),
        ("backoff.expo, jitter=None", "exponential"),
        ("backoff.constant, interval=2", "jittered"),
        ("backoff.constant, interval=2, jitter=None", "fixed"),
    ],
)
def test_wait_generators(wait: str, kind: str) -> None:
    head, _, rest = wait.partition(", ")
    extra = f", {rest}" if rest else ""
    src = f"""
    import anthropic, backoff
    client = anthropic.Anthropic(max_retries=0)
    @backoff.on_exception({head}, anthropic.RateLimitError, max_tries=4{extra})
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().wait == kind
    assert lint(src) == ([("CL205", 3)] if kind in ("fixed", "exponential") else [])


def test_constant_wait_without_jitter_message() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic(max_retries=0)
    @backoff.on_exception(backoff.constant, anthropic.RateLimitError, interval=5, max_tries=4, jitter=None)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    [d] = diagnostics(src)
    assert (d.code, d.start.line) == ("CL205", 3)
    assert d.message.startswith("`@backoff.on_exception(...)` waits a fixed time with no random jitter")


def test_on_predicate_retries_results_not_exceptions() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic(max_retries=0)
    @backoff.on_predicate(backoff.fibo, lambda r: not r.content, max_tries=3)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only() == Facts(
        family="backoff", line=3, attempts=3, bounded=True, wait="jittered", predicate="none",
        types=(), excluded=(), reraise=True, sites=(5,),
    )
    # It re-asks on an empty reply; a 429 goes straight through it, and the SDK's retries are off.
    assert lint(src) == [("CL201", 5)]
    assert [d.message for d in diagnostics(src)] == [
        "This Claude call's client has SDK retries disabled (`max_retries=0` on line 2) and only "
        "`@backoff.on_predicate(...)` retries it, on its results, not on its errors: a 429, 529 or dropped "
        "connection fails the request at once"
    ]


def test_on_predicate_without_max_tries_is_unbounded() -> None:
    src = """
    import anthropic, backoff
    @backoff.on_predicate(backoff.expo, lambda r: r.stop_reason == "max_tokens")
    def ask(client: anthropic.Anthropic):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().bounded is False
    # Unbounded on results; not stacked on the SDK's retries: errors go straight through it.
    assert lint(src) == [("CL203", 2)]


def test_keyword_arguments_for_wait_gen_and_exception() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic(max_retries=0)
    @backoff.on_exception(wait_gen=backoff.expo, exception=anthropic.APIStatusError, max_tries=None)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only() == Facts(
        family="backoff", line=3, attempts=None, bounded=False, wait="jittered", predicate="types",
        types=("anthropic.APIStatusError",), excluded=(), reraise=True, sites=(5,),
    )
    assert lint(src) == [("CL202", 3), ("CL203", 3)]


def test_default_client_stacks_attempts() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic()
    @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=5)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    [d] = diagnostics(src)
    assert (d.code, d.start.line, d.start.column) == ("CL207", 3, 0)
    assert "5 attempts x 3 SDK attempts = up to 15 requests per call" in d.message


def test_annotated_client_parameter_and_with_options_variants() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic()
    no_retries = client.with_options(max_retries=0)
    @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=6)
    def a(c: anthropic.Anthropic):
        return c.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=6)
    def b():
        return client.with_options(max_retries=0).messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=6)
    def c():
        return no_retries.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    a = analyse(src)
    assert [f.sites for f in a.all_facts()] == [(6,), (9,), (12,)]
    assert lint(src) == [("CL207", 4)]


def test_backoff_never_reports_tenacity_only_rules() -> None:
    """backoff waits by default and re-raises the original error: no CL204, no CL208."""
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic(max_retries=0)
    @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=3)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().reraise is True
    assert lint(src) == []


def test_async_function_with_async_client() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.AsyncAnthropic(max_retries=0)
    @backoff.on_exception(backoff.expo, (anthropic.RateLimitError, anthropic.InternalServerError), max_tries=4)
    async def ask():
        return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    f = analyse(src).only()
    assert (f.family, f.attempts, f.sites) == ("backoff", 4, (5,))
    assert lint(src) == []


def test_raise_on_giveup_false_does_not_reraise() -> None:
    src = """
    import anthropic, backoff
    client = anthropic.Anthropic(max_retries=0)
    @backoff.on_exception(backoff.expo, anthropic.RateLimitError, max_tries=3, raise_on_giveup=False)
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert analyse(src).only().reraise is False
