"""Tests for the reference helper, claude_lint/helper.py.

They drive the real ``anthropic`` SDK against the fake API server in
``fake_api.py`` and count the requests it saw. The main tests run twice: on
``claude_lint.helper`` and on a copy of the file imported from a temporary
directory under another name, which proves the file stands alone when vendored.
Waits are injected (recorded, not slept) except in one real retry-after test.
"""

from __future__ import annotations

import asyncio
import email.utils
import importlib.util
import logging
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import anthropic
import httpx2
import pytest

import claude_lint.helper as package_helper

try:  # tests/ is on sys.path when it is not a package
    from fake_api import (
        FakeAnthropicAPI,
        Reply,
        Reset,
        StreamReply,
        error,
        fake_api,
        refused_port,
        stream_events,
    )
except ImportError:  # pragma: no cover - tests/ became a package
    from tests.fake_api import (  # type: ignore[no-redef]
        FakeAnthropicAPI,
        Reply,
        Reset,
        StreamReply,
        error,
        fake_api,
        refused_port,
        stream_events,
    )

__all__ = ["fake_api", "refused_port"]  # fixtures, imported for pytest to find

HELPER_FILE = Path(package_helper.__file__)
MODEL = "claude-sonnet-5-5"


def base_request(**overrides: Any) -> dict[str, Any]:
    """A valid request, with some fields replaced (or removed when ``...``)."""
    request: dict[str, Any] = {
        "model": MODEL,
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hello"}],
    }
    request.update(overrides)
    return {key: value for key, value in request.items() if value is not ...}


# --------------------------------------------------------------------------
# Fixtures


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy from the environment must not intercept calls to the fake server.
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


@pytest.fixture(scope="module")
def vendored_helper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """helper.py copied elsewhere and imported under a fresh name."""
    directory = tmp_path_factory.mktemp("vendored")
    path = directory / "claude_helper_copy.py"
    path.write_text(HELPER_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    name = f"vendored_claude_helper_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(name, None)


@pytest.fixture(params=["package", "vendored"])
def helper(request: pytest.FixtureRequest, vendored_helper: ModuleType) -> ModuleType:
    """The helper module under test: the package's, then the vendored copy."""
    return package_helper if request.param == "package" else vendored_helper


@pytest.fixture
def client(fake_api: FakeAnthropicAPI) -> Iterator[anthropic.Anthropic]:
    """A real sync client, with the SDK's default retries, aimed at the fake."""
    with anthropic.Anthropic(api_key="test-key", base_url=fake_api.base_url) as sdk_client:
        yield sdk_client


class Sleeps:
    """Records requested waits instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def fast_policy(helper: ModuleType, sleeps: Sleeps, **overrides: Any) -> Any:
    """A policy that records its waits; jitter is fixed at 0.5."""
    settings: dict[str, Any] = {"rng": lambda: 0.5, "sleep": sleeps, "asleep": sleeps.asleep}
    settings.update(overrides)
    return helper.RetryPolicy(**settings)


def helper_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "claude_lint.helper"]


@asynccontextmanager
async def async_client(
    api: FakeAnthropicAPI, **options: Any
) -> AsyncIterator[anthropic.AsyncAnthropic]:
    sdk_client = anthropic.AsyncAnthropic(api_key="test-key", base_url=api.base_url, **options)
    try:
        yield sdk_client
    finally:
        await sdk_client.close()


def text_of(message: Any) -> str:
    return "".join(block.text for block in message.content if block.type == "text")


# --------------------------------------------------------------------------
# Sync retries


def test_rate_limit_honours_retry_after_in_real_time(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic
) -> None:
    fake_api.script(error(429, {"retry-after": "1"}), Reply())
    started = time.monotonic()
    message = helper.create_message(client, **base_request())
    elapsed = time.monotonic() - started
    assert text_of(message) == "Hello from the fake API"
    assert 0.9 <= elapsed <= 2.5
    assert fake_api.count == 2


def test_overloaded_twice_then_success(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic, sleeps: Sleeps
) -> None:
    fake_api.script(error(529), error(529), Reply())
    message = helper.create_message(client, retry=fast_policy(helper, sleeps), **base_request())
    assert message.stop_reason == "end_turn"
    assert fake_api.count == 3
    assert sleeps.delays == [0.25, 0.5]
    # Every attempt is a fresh SDK call with no SDK retry behind it.
    assert [r.headers["x-stainless-retry-count"] for r in fake_api.requests] == ["0", "0", "0"]
    assert all(r.path == "/v1/messages" and r.body["model"] == MODEL for r in fake_api.requests)


@pytest.mark.parametrize(
    ("status", "exc_type"),
    [
        (400, anthropic.BadRequestError),
        (401, anthropic.AuthenticationError),
        (403, anthropic.PermissionDeniedError),
        (404, anthropic.NotFoundError),
        (422, anthropic.UnprocessableEntityError),
    ],
)
def test_non_retryable_status_raises_after_one_request(
    helper: ModuleType,
    fake_api: FakeAnthropicAPI,
    client: anthropic.Anthropic,
    sleeps: Sleeps,
    status: int,
    exc_type: type[Exception],
) -> None:
    fake_api.script(error(status), Reply())
    with pytest.raises(exc_type) as caught:
        helper.create_message(client, retry=fast_policy(helper, sleeps), **base_request())
    assert type(caught.value) is exc_type
    assert fake_api.count == 1
    assert sleeps.delays == []


@pytest.mark.parametrize(
    ("status", "exc_type"), [(408, "RequestTimeoutError"), (409, "ConflictError")]
)
def test_request_timeout_and_conflict_are_retried(
    helper: ModuleType,
    fake_api: FakeAnthropicAPI,
    client: anthropic.Anthropic,
    sleeps: Sleeps,
    status: int,
    exc_type: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="claude_lint.helper")
    fake_api.script(error(status), Reply())
    helper.create_message(client, retry=fast_policy(helper, sleeps), **base_request())
    assert fake_api.count == 2
    assert f"{exc_type} (HTTP {status})" in helper_records(caplog)[0].getMessage()


def test_connection_refused_is_retried_then_raised(
    helper: ModuleType, refused_port: int, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="claude_lint.helper")
    policy = fast_policy(helper, sleeps, max_attempts=3)
    base_url = f"http://127.0.0.1:{refused_port}"
    with (
        anthropic.Anthropic(api_key="test-key", base_url=base_url) as sdk_client,
        pytest.raises(anthropic.APIConnectionError) as caught,
    ):
        helper.create_message(sdk_client, retry=policy, **base_request())
    assert type(caught.value) is anthropic.APIConnectionError
    assert sleeps.delays == [0.25, 0.5]  # 3 attempts, 2 waits
    assert len(helper_records(caplog)) == 2


def test_connection_reset_is_retried(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic, sleeps: Sleeps
) -> None:
    fake_api.script(Reset(), Reply(body=None))
    message = helper.create_message(client, retry=fast_policy(helper, sleeps), **base_request())
    assert text_of(message) == "Hello from the fake API"
    assert fake_api.count == 2
    assert sleeps.delays == [0.25]


def test_slow_response_times_out_and_is_retried(
    helper: ModuleType, fake_api: FakeAnthropicAPI, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="claude_lint.helper")
    fake_api.script(Reply(delay=1.0), Reply())
    with anthropic.Anthropic(api_key="k", base_url=fake_api.base_url, timeout=0.2) as sdk_client:
        helper.create_message(sdk_client, retry=fast_policy(helper, sleeps), **base_request())
    assert fake_api.count == 2
    assert "APITimeoutError" in helper_records(caplog)[0].getMessage()


def test_should_retry_false_stops_a_500(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic, sleeps: Sleeps
) -> None:
    fake_api.script(error(500, {"x-should-retry": "false"}), Reply())
    with pytest.raises(anthropic.InternalServerError):
        helper.create_message(client, retry=fast_policy(helper, sleeps), **base_request())
    assert fake_api.count == 1


def test_should_retry_true_retries_a_400(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic, sleeps: Sleeps
) -> None:
    # Decided: like the SDK, the server's explicit "true" wins over the status code.
    fake_api.script(error(400, {"x-should-retry": "true"}), Reply())
    helper.create_message(client, retry=fast_policy(helper, sleeps), **base_request())
    assert fake_api.count == 2


def test_exhausted_rate_limits_reraise_the_original_error(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic, sleeps: Sleeps
) -> None:
    fake_api.script(*[error(429)] * 3, Reply())
    with pytest.raises(anthropic.RateLimitError) as caught:
        helper.create_message(
            client, retry=fast_policy(helper, sleeps, max_attempts=3), **base_request()
        )
    assert type(caught.value) is anthropic.RateLimitError
    assert caught.value.status_code == 429
    assert caught.value.__cause__ is None
    assert fake_api.count == 3


def test_sdk_retries_are_off(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic, sleeps: Sleeps
) -> None:
    assert client.max_retries == 2  # the SDK default is left on the caller's client
    fake_api.script(error(500), Reply(), Reply())
    with pytest.raises(anthropic.InternalServerError):
        helper.create_message(
            client, retry=fast_policy(helper, sleeps, max_attempts=1), **base_request()
        )
    assert fake_api.count == 1


def test_deadline_is_never_crossed(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic
) -> None:
    now = [0.0]
    waits: list[float] = []

    def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    policy = helper.RetryPolicy(
        max_attempts=10, base_delay=1.0, max_delay=100.0, deadline=10.0,
        rng=lambda: 1.0, clock=lambda: now[0], sleep=fake_sleep,
    )  # fmt: skip
    fake_api.script(*[error(529)] * 10)
    with pytest.raises(anthropic.OverloadedError):
        helper.create_message(client, retry=policy, **base_request())
    assert waits == [1.0, 2.0, 4.0]  # the next wait, 8 s, would end at 15 s
    assert now[0] < 10.0
    assert fake_api.count == 4


def test_retry_after_past_the_deadline_raises_now(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic, sleeps: Sleeps
) -> None:
    fake_api.script(error(429, {"retry-after": "30"}), Reply())
    with pytest.raises(anthropic.RateLimitError):
        helper.create_message(
            client, retry=fast_policy(helper, sleeps, deadline=10.0), **base_request()
        )
    assert sleeps.delays == []
    assert fake_api.count == 1


def test_backoff_schedule_is_deterministic(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic, sleeps: Sleeps
) -> None:
    fake_api.script(*[error(529)] * 6)
    policy = fast_policy(helper, sleeps, max_attempts=6, base_delay=0.5, max_delay=3.0)
    with pytest.raises(anthropic.OverloadedError):
        helper.create_message(client, retry=policy, **base_request())
    # rng() * min(max_delay, base_delay * 2 ** (attempt - 1)) with rng() == 0.5
    assert sleeps.delays == [0.25, 0.5, 1.0, 1.5, 1.5]
    assert fake_api.count == 6


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "20"}, 0.02),
        ({"retry-after-ms": "20", "retry-after": "5"}, 0.02),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after": "120"}, 0.25),  # over 60 s: backoff instead
        ({"retry-after": "0"}, 0.25),
        ({"retry-after": "-3"}, 0.25),
        ({"retry-after": "soon"}, 0.25),
    ],
)
def test_retry_after_headers(
    helper: ModuleType,
    fake_api: FakeAnthropicAPI,
    client: anthropic.Anthropic,
    sleeps: Sleeps,
    headers: dict[str, str],
    expected: float,
) -> None:
    fake_api.script(error(429, headers), Reply())
    helper.create_message(client, retry=fast_policy(helper, sleeps), **base_request())
    assert sleeps.delays == [pytest.approx(expected)]
    assert fake_api.count == 2


def test_each_retry_is_logged_at_warning(
    helper: ModuleType,
    fake_api: FakeAnthropicAPI,
    client: anthropic.Anthropic,
    sleeps: Sleeps,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="claude_lint.helper")
    fake_api.script(error(529), error(429), Reply())
    helper.create_message(client, retry=fast_policy(helper, sleeps), **base_request())
    records = helper_records(caplog)
    assert [record.levelno for record in records] == [logging.WARNING, logging.WARNING]
    assert [record.getMessage() for record in records] == [
        "Claude API call failed on attempt 1 of 4 with OverloadedError (HTTP 529); retrying in 0.25 s",
        "Claude API call failed on attempt 2 of 4 with RateLimitError (HTTP 429); retrying in 0.50 s",
    ]


# --------------------------------------------------------------------------
# Streaming


def test_stream_succeeds_after_one_overloaded(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic, sleeps: Sleeps
) -> None:
    fake_api.script(error(529), StreamReply(stream_events(["Hel", "lo, ", "world"])))
    with helper.stream_message(
        client, retry=fast_policy(helper, sleeps), **base_request()
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Hello, world"
    assert text_of(final) == "Hello, world"
    assert fake_api.count == 2
    assert [r.body.get("stream") for r in fake_api.requests] == [True, True]


def test_error_event_mid_stream_is_not_retried(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic, sleeps: Sleeps
) -> None:
    events = stream_events(["partial"])[:4] + [("error", error(529).body)]
    fake_api.script(StreamReply(events), Reply())
    policy = fast_policy(helper, sleeps)
    with (
        pytest.raises(anthropic.APIStatusError),
        helper.stream_message(client, retry=policy, **base_request()) as stream,
    ):
        "".join(stream.text_stream)
    assert fake_api.count == 1


def test_stream_gives_up_with_the_original_error(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic, sleeps: Sleeps
) -> None:
    fake_api.script(error(529), error(529))
    manager = helper.stream_message(
        client, retry=fast_policy(helper, sleeps, max_attempts=2), **base_request()
    )
    with pytest.raises(anthropic.OverloadedError), manager:
        pass
    assert fake_api.count == 2


# --------------------------------------------------------------------------
# Async twins


def test_async_overloaded_twice_then_success(
    helper: ModuleType, fake_api: FakeAnthropicAPI, sleeps: Sleeps
) -> None:
    def blocking_sleep(seconds: float) -> None:
        raise AssertionError("the async helper must not block the event loop")

    async def scenario() -> Any:
        async with async_client(fake_api) as sdk_client:
            policy = fast_policy(helper, sleeps, sleep=blocking_sleep)
            return await helper.acreate_message(sdk_client, retry=policy, **base_request())

    fake_api.script(error(529), error(529), Reply())
    message = asyncio.run(scenario())
    assert text_of(message) == "Hello from the fake API"
    assert sleeps.delays == [0.25, 0.5]
    assert fake_api.count == 3


@pytest.mark.parametrize(
    ("status", "exc_type"),
    [(401, anthropic.AuthenticationError), (400, anthropic.BadRequestError)],
)
def test_async_non_retryable_raises_after_one_request(
    helper: ModuleType,
    fake_api: FakeAnthropicAPI,
    sleeps: Sleeps,
    status: int,
    exc_type: type[Exception],
) -> None:
    async def scenario() -> None:
        async with async_client(fake_api) as sdk_client:
            await helper.acreate_message(
                sdk_client, retry=fast_policy(helper, sleeps), **base_request()
            )

    fake_api.script(error(status), Reply())
    with pytest.raises(exc_type):
        asyncio.run(scenario())
    assert fake_api.count == 1


def test_async_exhausted_rate_limits_reraise_the_original_error(
    helper: ModuleType, fake_api: FakeAnthropicAPI, sleeps: Sleeps
) -> None:
    async def scenario() -> None:
        async with async_client(fake_api) as sdk_client:
            policy = fast_policy(helper, sleeps, max_attempts=3)
            await helper.acreate_message(sdk_client, retry=policy, **base_request())

    fake_api.script(*[error(429)] * 4)
    with pytest.raises(anthropic.RateLimitError) as caught:
        asyncio.run(scenario())
    assert type(caught.value) is anthropic.RateLimitError
    assert fake_api.count == 3


def test_async_should_retry_false_and_sdk_retries_off(
    helper: ModuleType, fake_api: FakeAnthropicAPI, sleeps: Sleeps
) -> None:
    async def scenario() -> None:
        async with async_client(fake_api) as sdk_client:
            await helper.acreate_message(
                sdk_client, retry=fast_policy(helper, sleeps), **base_request()
            )

    fake_api.script(error(500, {"x-should-retry": "false"}), Reply())
    with pytest.raises(anthropic.InternalServerError):
        asyncio.run(scenario())
    assert fake_api.count == 1


def test_async_connection_reset_is_retried(
    helper: ModuleType, fake_api: FakeAnthropicAPI, sleeps: Sleeps
) -> None:
    async def scenario() -> Any:
        async with async_client(fake_api) as sdk_client:
            return await helper.acreate_message(
                sdk_client, retry=fast_policy(helper, sleeps), **base_request()
            )

    fake_api.script(Reset(), Reply())
    assert text_of(asyncio.run(scenario())) == "Hello from the fake API"
    assert fake_api.count == 2


def test_async_connection_refused_is_retried_then_raised(
    helper: ModuleType, refused_port: int, sleeps: Sleeps
) -> None:
    async def scenario() -> None:
        sdk_client = anthropic.AsyncAnthropic(
            api_key="k", base_url=f"http://127.0.0.1:{refused_port}"
        )
        async with sdk_client:
            policy = fast_policy(helper, sleeps, max_attempts=3)
            await helper.acreate_message(sdk_client, retry=policy, **base_request())

    with pytest.raises(anthropic.APIConnectionError):
        asyncio.run(scenario())
    assert sleeps.delays == [0.25, 0.5]


def test_async_deadline_is_never_crossed(helper: ModuleType, fake_api: FakeAnthropicAPI) -> None:
    now = [0.0]

    async def fake_asleep(seconds: float) -> None:
        now[0] += seconds

    policy = helper.RetryPolicy(
        max_attempts=10, base_delay=1.0, max_delay=100.0, deadline=10.0,
        rng=lambda: 1.0, clock=lambda: now[0], asleep=fake_asleep,
    )  # fmt: skip

    async def scenario() -> None:
        async with async_client(fake_api) as sdk_client:
            await helper.acreate_message(sdk_client, retry=policy, **base_request())

    fake_api.script(*[error(529)] * 10)
    with pytest.raises(anthropic.OverloadedError):
        asyncio.run(scenario())
    assert now[0] == 7.0
    assert fake_api.count == 4


def test_async_stream_succeeds_after_one_overloaded(
    helper: ModuleType, fake_api: FakeAnthropicAPI, sleeps: Sleeps
) -> None:
    async def scenario() -> str:
        async with async_client(fake_api) as sdk_client:
            policy = fast_policy(helper, sleeps)
            async with helper.astream_message(sdk_client, retry=policy, **base_request()) as stream:
                return "".join([text async for text in stream.text_stream])

    fake_api.script(error(529), StreamReply(stream_events(["Hel", "lo, ", "world"])))
    assert asyncio.run(scenario()) == "Hello, world"
    assert fake_api.count == 2
    assert sleeps.delays == [0.25]


# --------------------------------------------------------------------------
# Validation


INVALID_REQUESTS: list[tuple[dict[str, Any], str]] = [
    (base_request(model=...), "model"),
    (base_request(model=42), "model"),
    (base_request(model=""), "model"),
    (base_request(model="   "), "model"),
    (base_request(model="gpt-4o"), "model"),
    (base_request(model=" claude-sonnet-4-5"), "model"),
    (base_request(max_tokens=...), "max_tokens"),
    (base_request(max_tokens=0), "max_tokens"),
    (base_request(max_tokens=-5), "max_tokens"),
    (base_request(max_tokens="1024"), "max_tokens"),
    (base_request(max_tokens=True), "max_tokens"),
    (base_request(max_tokens=10**9), "max_tokens"),
    (base_request(messages=...), "messages"),
    (base_request(messages=[]), "messages"),
    (base_request(messages="Hello"), "messages"),
    (base_request(messages=["Hello"]), "messages[0]"),
    (base_request(messages=[{"role": "system", "content": "Be brief"}]), "messages[0].role"),
    (base_request(messages=[{"role": "bot", "content": "Hi"}]), "messages[0].role"),
    (base_request(messages=[{"content": "Hi"}]), "messages[0].role"),
    (base_request(messages=[{"role": "assistant", "content": "Hi"}]), "messages[0].role"),
    (base_request(messages=[{"role": "user"}]), "messages[0].content"),
    (base_request(messages=[{"role": "user", "content": ""}]), "messages[0].content"),
    (base_request(messages=[{"role": "user", "content": " \n"}]), "messages[0].content"),
    (base_request(messages=[{"role": "user", "content": []}]), "messages[0].content"),
    (base_request(messages=[{"role": "user", "content": ["Hi"]}]), "messages[0].content[0]"),
    (
        base_request(messages=[{"role": "user", "content": [{"type": "text", "text": ""}]}]),
        "messages[0].content[0].text",
    ),
    (
        base_request(
            messages=[
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello"},
                {"role": "system", "content": "Be brief"},
            ]
        ),
        "messages[2].role",
    ),
]


@pytest.mark.parametrize(("request_", "field"), INVALID_REQUESTS)
def test_invalid_requests_are_rejected_before_sending(
    helper: ModuleType,
    fake_api: FakeAnthropicAPI,
    client: anthropic.Anthropic,
    request_: dict[str, Any],
    field: str,
) -> None:
    fake_api.script(Reply())
    with pytest.raises(helper.RequestValidationError) as caught:
        helper.create_message(client, **request_)
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith(f"{field}: ")
    assert fake_api.count == 0


def test_system_role_message_points_to_the_system_parameter(helper: ModuleType) -> None:
    with pytest.raises(helper.RequestValidationError, match=r"system=") as caught:
        helper.validate_request(
            **base_request(messages=[{"role": "system", "content": "Be brief"}])
        )
    assert caught.value.field == "messages[0].role"


@pytest.mark.parametrize(
    "model",
    [
        "claude-sonnet-4-5",
        "claude-sonnet-4-5-20250929",
        "claude-opus-4-1",
        "claude-3-5-haiku-latest",
        "claude-instant-1.2",
        "claude-opus-4@20250514",
        "claude-3-5-sonnet-v2@20241022",
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123",
    ],
)
def test_claude_model_id_forms_are_accepted(helper: ModuleType, model: str) -> None:
    assert helper.validate_request(**base_request(model=model)) is None


def test_validation_also_guards_the_other_entry_points(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic
) -> None:
    bad = base_request(messages=[{"role": "system", "content": "x"}])
    with pytest.raises(helper.RequestValidationError):
        helper.stream_message(client, **bad)
    with pytest.raises(helper.RequestValidationError, match="stream_message"):
        helper.create_message(client, stream=True, **base_request())

    async def scenario() -> None:
        async with async_client(fake_api) as sdk_client:
            with pytest.raises(helper.RequestValidationError):
                await helper.acreate_message(sdk_client, **bad)
            with pytest.raises(helper.RequestValidationError):
                helper.astream_message(sdk_client, **bad)

    asyncio.run(scenario())
    assert fake_api.count == 0


def test_validation_can_be_turned_off_and_the_limit_raised(
    helper: ModuleType, fake_api: FakeAnthropicAPI, client: anthropic.Anthropic
) -> None:
    fake_api.script(Reply(), Reply())
    helper.create_message(client, validate=False, **base_request(model="my-proxy-alias"))
    with pytest.raises(helper.RequestValidationError):
        helper.create_message(client, max_tokens_limit=100, **base_request(max_tokens=101))
    helper.create_message(client, max_tokens_limit=100, **base_request(max_tokens=100))
    assert fake_api.count == 2


# --------------------------------------------------------------------------
# Units: policy, classification, headers


def test_retry_policy_rejects_nonsense(helper: ModuleType) -> None:
    for bad in ({"max_attempts": 0}, {"base_delay": -1.0}, {"max_delay": -1.0}, {"deadline": 0.0}):
        with pytest.raises(ValueError):
            helper.RetryPolicy(**bad)
    assert helper.RetryPolicy().max_attempts == 4


_STATUS_CLASSES: dict[int, type[anthropic.APIStatusError]] = {
    400: anthropic.BadRequestError,
    401: anthropic.AuthenticationError,
    403: anthropic.PermissionDeniedError,
    404: anthropic.NotFoundError,
    408: anthropic.RequestTimeoutError,
    409: anthropic.ConflictError,
    429: anthropic.RateLimitError,
    503: anthropic.ServiceUnavailableError,
    529: anthropic.OverloadedError,
}


def _status_error(status: int, headers: dict[str, str] | None = None) -> anthropic.APIStatusError:
    """The SDK's error for ``status``, as its client would raise it."""
    request = httpx2.Request("POST", "http://127.0.0.1/v1/messages")
    response = httpx2.Response(status, headers=headers or {}, request=request)
    fallback = anthropic.InternalServerError if status >= 500 else anthropic.APIStatusError
    error_class = _STATUS_CLASSES.get(status, fallback)
    return error_class(f"Error code: {status}", response=response, body=None)


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (400, {}, False),
        (401, {}, False),
        (404, {}, False),
        (408, {}, True),
        (409, {}, True),
        (429, {}, True),
        (500, {}, True),
        (503, {}, True),
        (529, {}, True),
        (529, {"x-should-retry": "false"}, False),
        (403, {"x-should-retry": "true"}, True),
    ],
)
def test_is_retryable_by_status(
    helper: ModuleType, status: int, headers: dict[str, str], expected: bool
) -> None:
    assert helper.is_retryable(_status_error(status, headers)) is expected


def test_is_retryable_for_other_errors(helper: ModuleType) -> None:
    request = httpx2.Request("POST", "http://127.0.0.1/v1/messages")
    assert helper.is_retryable(anthropic.APIConnectionError(request=request))
    assert helper.is_retryable(anthropic.APITimeoutError(request=request))
    assert helper.is_retryable(anthropic.RetryableError("from middleware"))
    assert not helper.is_retryable(ValueError("bug"))
    assert not helper.is_retryable(KeyError("bug"))
    # Like the SDK, an error raised from a retryable one stays retryable.
    try:
        try:
            raise _status_error(529)
        except anthropic.APIStatusError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert helper.is_retryable(outer)


def test_retry_after_seconds_reads_http_dates(helper: ModuleType) -> None:
    in_ten = email.utils.formatdate(time.time() + 10, usegmt=True)
    seconds = helper.retry_after_seconds(_status_error(429, {"retry-after": in_ten}))
    assert 8.0 <= seconds <= 10.5
    assert helper.retry_after_seconds(_status_error(429)) is None
    assert helper.retry_after_seconds(_status_error(429, {"retry-after-ms": "1500"})) == 1.5
    assert helper.retry_after_seconds(_status_error(429, {"retry-after-ms": "nan"})) is None


# --------------------------------------------------------------------------
# Standing alone


def _modules_after(code: str, cwd: Path) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_importing_the_helper_pulls_in_no_heavy_dependencies() -> None:
    code = textwrap.dedent(
        """
        import sys
        import claude_lint.helper
        print(*sys.modules)
        """
    )
    loaded = _modules_after(code, HELPER_FILE.parent.parent)
    assert {"libcst", "click", "anthropic"}.isdisjoint(loaded)


def test_vendored_file_imports_alone(tmp_path: Path) -> None:
    (tmp_path / "my_claude_helper.py").write_text(HELPER_FILE.read_text(encoding="utf-8"))
    code = "import sys\nimport my_claude_helper\nprint(*sys.modules)\n"
    loaded = _modules_after(code, tmp_path)
    assert "my_claude_helper" in loaded
    assert {"libcst", "click", "anthropic", "claude_lint"}.isdisjoint(loaded)


def test_public_api_is_declared(helper: ModuleType) -> None:
    expected: set[str] = {
        "RetryPolicy",
        "RequestValidationError",
        "create_message",
        "acreate_message",
        "stream_message",
        "astream_message",
        "validate_request",
    }
    assert expected <= set(helper.__all__)
    assert all(callable(getattr(helper, name)) for name in helper.__all__ if name[0].islower())
    assert helper.__doc__ and "create_message" in helper.__doc__
