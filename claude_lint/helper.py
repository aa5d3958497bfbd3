"""Reference helper: validated, retried calls to the Anthropic Messages API.

This single file is the fix that claude-lint's "H" fixes adopt. It depends only
on the standard library at import time (``anthropic`` is imported lazily), so
it can be vendored into any project as one file::

    import anthropic
    from claude_lint.helper import create_message, stream_message  # or your vendored copy

    client = anthropic.Anthropic()
    message = create_message(
        client,
        model="claude-sonnet-4-5",
        max_tokens=1024,
        messages=[{"role": "user", "content": "Hello"}],
    )

    with stream_message(client, model=..., max_tokens=..., messages=...) as stream:
        for text in stream.text_stream:
            print(text, end="")

What a call does:

1. ``validate_request`` checks the request before anything is sent and raises
   ``RequestValidationError`` (a ``ValueError``) naming the bad field, e.g.
   ``messages[0].role``. Pass ``validate=False`` to skip it.
2. The request goes through ``client.with_options(max_retries=0)``, so the
   SDK's own retries are off and attempts do not multiply.
3. Retryable failures (what the SDK itself retries: 408, 409, 429, 5xx
   including 529 overloaded, connection errors and timeouts, and
   ``anthropic.RetryableError``) are retried up to ``RetryPolicy.max_attempts``
   attempts in total, waiting for the server's ``retry-after-ms`` /
   ``retry-after`` when it is between 0 and ``max_retry_after`` seconds, else
   ``rng() * min(max_delay, base_delay * 2 ** (attempt - 1))`` (exponential
   backoff with full jitter). An ``x-should-retry: true|false`` response header
   overrides the status code, as in the SDK: ``false`` never retries, ``true``
   retries even a 400.
4. The helper never sleeps past ``RetryPolicy.deadline`` seconds from the
   first attempt; when the next wait would reach it, the error is raised now.
   The deadline bounds the waiting, not one attempt: set the client's
   ``timeout`` to bound a single request.
5. Each retry is logged at WARNING on the ``claude_lint.helper`` logger (the
   same name wherever the file is vendored).
6. When attempts or time run out, or the error is not retryable, the original
   SDK exception is re-raised unchanged, so ``except anthropic.RateLimitError``
   in callers keeps working.

For streams (``stream_message`` / ``astream_message``) retries cover opening
the stream, up to the first response; an error event in the middle of a stream
is raised to the caller, since replaying it would duplicate output.

Everything injectable for tests lives on ``RetryPolicy``: ``rng``, ``clock``,
``sleep`` and ``asleep`` (the default ``asleep`` is ``asyncio.sleep``; pass
``trio.sleep`` under trio).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import math
import random
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from typing import TypeAlias

    from anthropic import (
        Anthropic,
        AnthropicBedrock,
        AnthropicVertex,
        AsyncAnthropic,
        AsyncAnthropicBedrock,
        AsyncAnthropicVertex,
    )
    from anthropic.lib.streaming import AsyncMessageStream, MessageStream
    from anthropic.types import Message

    SyncClient: TypeAlias = Anthropic | AnthropicBedrock | AnthropicVertex
    AsyncClient: TypeAlias = AsyncAnthropic | AsyncAnthropicBedrock | AsyncAnthropicVertex

__all__ = [
    "DEFAULT_MAX_TOKENS_LIMIT",
    "LOGGER_NAME",
    "RequestValidationError",
    "RetryPolicy",
    "acreate_message",
    "astream_message",
    "create_message",
    "is_retryable",
    "retry_after_seconds",
    "stream_message",
    "validate_request",
]

LOGGER_NAME = "claude_lint.helper"
# A fixed name rather than __name__, so a vendored copy logs where the docs say.
logger = logging.getLogger(LOGGER_NAME)

DEFAULT_MAX_TOKENS_LIMIT = 256_000
"""A sanity bound, well above any model's output limit: it catches values
such as a character count passed as ``max_tokens``, not model-specific caps."""

_T = TypeVar("_T")

# Statuses the SDK retries: request timeout, lock conflict, rate limit, 5xx.
_RETRYABLE_STATUSES = frozenset({408, 409, 429})

# Looked up by name because older SDKs lack some (0.40 has no OverloadedError).
_RETRYABLE_CLASS_NAMES = (
    "RateLimitError",
    "InternalServerError",
    "OverloadedError",
    "ConflictError",
    "RequestTimeoutError",
    "APIConnectionError",
    "RetryableError",
)

_VALID_ROLES = ("user", "assistant")

_MODEL_ID = re.compile(
    r"""
    (?:[a-z]{2,6}(?:-[a-z]+)?\.)?anthropic\.claude-[a-z0-9][a-z0-9.-]*(?::\d+)?  # Bedrock
    | claude-[a-z0-9]+(?:[.-][a-z0-9]+)*(?:@\d{8})?   # first party; Vertex adds @date
    | arn:aws[a-z-]*:bedrock:\S+                      # Bedrock ARN (inference profiles)
    """,
    re.VERBOSE,
)


async def _asyncio_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """How the helper retries. All times are in seconds.

    Attributes:
        max_attempts: attempts in total, the first included (1 = no retry).
        base_delay: backoff before the second attempt, doubled per attempt.
        max_delay: cap on the exponential backoff.
        deadline: total time budget from the first attempt; no wait ends past it.
        max_retry_after: the longest server-requested wait that is obeyed;
            a longer (or missing, zero, or negative) one falls back to backoff.
        rng: returns a float in [0, 1); the jitter source.
        clock: monotonic time source for the deadline.
        sleep: blocking sleep, used by the sync functions.
        asleep: awaitable sleep, used by the async functions.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    deadline: float = 120.0
    max_retry_after: float = 60.0
    rng: Callable[[], float] = random.random
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], object] = time.sleep
    asleep: Callable[[float], Awaitable[object]] = _asyncio_sleep

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        for name in ("base_delay", "max_delay", "max_retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.deadline <= 0:
            raise ValueError("deadline must be positive")

    def backoff(self, attempt: int) -> float:
        """The jittered wait after failed attempt number ``attempt`` (1-based)."""
        # The exponent is capped so huge attempt counts cannot overflow a float.
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** min(attempt - 1, 1000))
        return self.rng() * ceiling


class RequestValidationError(ValueError):
    """A request the API would reject; ``field`` names the offending part.

    ``field`` is a path such as ``"model"``, ``"max_tokens"``,
    ``"messages[0].role"`` or ``"messages[2].content[1].text"``.
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


# --------------------------------------------------------------------------
# Validation


def validate_request(*, max_tokens_limit: int = DEFAULT_MAX_TOKENS_LIMIT, **request: Any) -> None:
    """Check a Messages API request before it is sent.

    Checks ``model`` (a plausible Claude id: ``claude-*``, Vertex
    ``claude-*@YYYYMMDD``, Bedrock ``[region.]anthropic.claude-*`` or a Bedrock
    ARN), ``max_tokens`` (an int from 1 to ``max_tokens_limit``) and
    ``messages`` (a non-empty list or tuple of mappings whose roles are
    ``user``/``assistant``, starting with ``user``, each with non-empty
    content). Other fields are left to the SDK and the API.

    Raises:
        RequestValidationError: naming the first bad field.
    """
    _check_model(request)
    _check_max_tokens(request, max_tokens_limit)
    _check_messages(request)


def _check_model(request: Mapping[str, Any]) -> None:
    if "model" not in request:
        raise RequestValidationError("model", "missing; pass model='claude-...'")
    model = request["model"]
    if not isinstance(model, str):
        raise RequestValidationError("model", f"must be a str, not {type(model).__name__}")
    if not model.strip():
        raise RequestValidationError("model", "must not be empty")
    if not _MODEL_ID.fullmatch(model):
        raise RequestValidationError("model", f"{model!r} is not a Claude model id")


def _check_max_tokens(request: Mapping[str, Any], limit: int) -> None:
    if "max_tokens" not in request:
        raise RequestValidationError("max_tokens", "missing; the Messages API requires it")
    value = request["max_tokens"]
    # bool is an int subclass, but True is never a meant token count.
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestValidationError("max_tokens", f"must be an int, not {type(value).__name__}")
    if value < 1:
        raise RequestValidationError("max_tokens", f"must be at least 1, got {value}")
    if value > limit:
        raise RequestValidationError("max_tokens", f"{value} is over the limit of {limit}")


def _check_messages(request: Mapping[str, Any]) -> None:
    if "messages" not in request:
        raise RequestValidationError("messages", "missing; pass a list of messages")
    messages = request["messages"]
    # A generator would be used up by the first attempt, so only sequences pass.
    if not isinstance(messages, list | tuple):
        raise RequestValidationError("messages", f"must be a list, not {type(messages).__name__}")
    if not messages:
        raise RequestValidationError("messages", "must not be empty")
    for index, message in enumerate(messages):
        _check_message(f"messages[{index}]", message, first=index == 0)


def _check_message(path: str, message: object, *, first: bool) -> None:
    if not isinstance(message, Mapping):
        raise RequestValidationError(
            path, f"must be a mapping with 'role' and 'content', not {type(message).__name__}"
        )
    role = message.get("role")
    if role == "system":
        raise RequestValidationError(
            f"{path}.role", "'system' is not a message role; pass the system prompt as system=..."
        )
    if role not in _VALID_ROLES:
        raise RequestValidationError(f"{path}.role", f"must be 'user' or 'assistant', got {role!r}")
    if first and role != "user":
        raise RequestValidationError(f"{path}.role", "the first message must have role 'user'")
    _check_content(f"{path}.content", message.get("content"))


def _check_content(path: str, content: object) -> None:
    if isinstance(content, str):
        if not content.strip():
            raise RequestValidationError(path, "must not be empty or only whitespace")
        return
    if not isinstance(content, list | tuple):
        raise RequestValidationError(
            path, f"must be a str or a list of content blocks, not {type(content).__name__}"
        )
    if not content:
        raise RequestValidationError(path, "must not be an empty list")
    for index, block in enumerate(content):
        _check_block(f"{path}[{index}]", block)


def _check_block(path: str, block: object) -> None:
    if isinstance(block, str):
        raise RequestValidationError(path, "must be a content block such as {'type': 'text', ...}")
    # SDK model objects (e.g. a previous reply's content) are passed through unchecked.
    if isinstance(block, Mapping) and block.get("type") == "text":
        text = block.get("text")
        if not isinstance(text, str) or not text.strip():
            raise RequestValidationError(f"{path}.text", "must be a non-empty str")


def _prepare(request: dict[str, Any], validate: bool, max_tokens_limit: int) -> None:
    if validate:
        validate_request(max_tokens_limit=max_tokens_limit, **request)


# --------------------------------------------------------------------------
# Retry decisions


def is_retryable(error: BaseException) -> bool:
    """Whether the SDK would retry ``error``.

    Like the SDK, this follows the ``__cause__`` chain, so an error raised
    ``from`` a retryable one (e.g. by client middleware) is retryable too, and
    an ``x-should-retry: true|false`` response header overrides the status.
    """
    import anthropic

    retryable_types = _retryable_types(anthropic)
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, anthropic.APIStatusError):
            return _status_error_is_retryable(current, retryable_types)
        if isinstance(current, retryable_types):
            return True
        current = current.__cause__
    return False


def _retryable_types(anthropic: Any) -> tuple[type[BaseException], ...]:
    found = (getattr(anthropic, name, None) for name in _RETRYABLE_CLASS_NAMES)
    return tuple(cls for cls in found if isinstance(cls, type))


def _status_error_is_retryable(
    error: Any, retryable_types: tuple[type[BaseException], ...]
) -> bool:
    should_retry = _header(error, "x-should-retry")
    if should_retry is not None and should_retry.strip().lower() in ("true", "false"):
        return should_retry.strip().lower() == "true"
    status = getattr(error, "status_code", 0)
    return isinstance(error, retryable_types) or status in _RETRYABLE_STATUSES or status >= 500


def _header(error: BaseException, name: str) -> str | None:
    headers = getattr(getattr(error, "response", None), "headers", None)
    if headers is None:
        return None
    value = headers.get(name)
    return value if isinstance(value, str) else None


def _error_with_response(error: BaseException) -> BaseException:
    """The error in the ``__cause__`` chain that carries the HTTP response."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, "response", None) is not None:
            return current
        current = current.__cause__
    return error


def retry_after_seconds(error: BaseException) -> float | None:
    """The wait the server asked for on ``error``'s response, in seconds.

    Reads ``retry-after-ms`` first (more precise), then ``retry-after`` as
    seconds or as an HTTP date. None when absent or unparseable.
    """
    source = _error_with_response(error)
    millis = _parse_float(_header(source, "retry-after-ms"))
    if millis is not None:
        return millis / 1000
    raw = _header(source, "retry-after")
    seconds = _parse_float(raw)
    if seconds is not None or raw is None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    # An HTTP date is wall-clock time, so it is compared with time.time().
    return when.timestamp() - time.time() if when.tzinfo else None


def _parse_float(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _next_delay(
    error: Exception, attempt: int, started: float, policy: RetryPolicy
) -> float | None:
    """Seconds to wait before the next attempt, or None to re-raise ``error`` now."""
    if attempt >= policy.max_attempts or not is_retryable(error):
        return None
    requested = retry_after_seconds(error)
    if requested is not None and 0 < requested <= policy.max_retry_after:
        delay = requested
    else:
        delay = policy.backoff(attempt)
    if policy.clock() - started + delay >= policy.deadline:
        logger.debug("not retrying %s: the wait would reach the deadline", _describe(error))
        return None
    logger.warning(
        "Claude API call failed on attempt %d of %d with %s; retrying in %.2f s",
        attempt,
        policy.max_attempts,
        _describe(error),
        delay,
    )
    return delay


def _describe(error: BaseException) -> str:
    status = getattr(error, "status_code", None)
    name = type(error).__name__
    return f"{name} (HTTP {status})" if isinstance(status, int) else name


def _run(attempt_once: Callable[[], _T], policy: RetryPolicy) -> _T:
    started = policy.clock()
    attempt = 1
    while True:
        try:
            return attempt_once()
        except Exception as error:
            delay = _next_delay(error, attempt, started, policy)
            if delay is None:
                raise
        # Sleeping outside the handler keeps one failure out of the next one's __context__.
        policy.sleep(delay)
        attempt += 1


async def _arun(attempt_once: Callable[[], Awaitable[_T]], policy: RetryPolicy) -> _T:
    started = policy.clock()
    attempt = 1
    while True:
        try:
            return await attempt_once()
        except Exception as error:
            delay = _next_delay(error, attempt, started, policy)
            if delay is None:
                raise
        await policy.asleep(delay)
        attempt += 1


# --------------------------------------------------------------------------
# Public calls


def create_message(
    client: SyncClient,
    /,
    *,
    retry: RetryPolicy | None = None,
    validate: bool = True,
    max_tokens_limit: int = DEFAULT_MAX_TOKENS_LIMIT,
    **request: Any,
) -> Message:
    """``client.messages.create(**request)``, validated and retried.

    Args:
        client: a sync SDK client (``Anthropic``, ``AnthropicBedrock``, ...).
        retry: the retry policy; ``RetryPolicy()`` when None.
        validate: run ``validate_request`` first.
        max_tokens_limit: upper bound for ``max_tokens`` in validation.
        **request: the Messages API arguments, passed on unchanged.

    Raises:
        RequestValidationError: before any request, for a bad request.
        anthropic.APIError: the SDK's own exception from the last attempt.
    """
    _prepare(request, validate, max_tokens_limit)
    _reject_stream_flag(request)
    messages = client.with_options(max_retries=0).messages

    def attempt_once() -> Message:
        # The overloads of create() give Any for **request; the non-stream one applies.
        message: Message = messages.create(**request)
        return message

    # RetryPolicy bounds the attempts and _run waits through policy.sleep.
    return _run(attempt_once, retry or RetryPolicy())  # noqa: CL203


async def acreate_message(
    client: AsyncClient,
    /,
    *,
    retry: RetryPolicy | None = None,
    validate: bool = True,
    max_tokens_limit: int = DEFAULT_MAX_TOKENS_LIMIT,
    **request: Any,
) -> Message:
    """The async twin of ``create_message``, for ``AsyncAnthropic`` clients."""
    _prepare(request, validate, max_tokens_limit)
    _reject_stream_flag(request)
    messages = client.with_options(max_retries=0).messages

    async def attempt_once() -> Message:
        message: Message = await messages.create(**request)
        return message

    # RetryPolicy bounds the attempts and _arun waits through policy.asleep.
    return await _arun(attempt_once, retry or RetryPolicy())  # noqa: CL203, CL204


def _reject_stream_flag(request: Mapping[str, Any]) -> None:
    if request.get("stream"):
        raise RequestValidationError("stream", "use stream_message() for streaming requests")


def stream_message(
    client: SyncClient,
    /,
    *,
    retry: RetryPolicy | None = None,
    validate: bool = True,
    max_tokens_limit: int = DEFAULT_MAX_TOKENS_LIMIT,
    **request: Any,
) -> contextlib.AbstractContextManager[MessageStream[Any]]:
    """Like ``client.messages.stream(**request)``: use it in a ``with`` block.

    The request is validated now; opening the stream (up to the first response)
    is retried on entering the block. Errors after that are not retried.
    """
    _prepare(request, validate, max_tokens_limit)
    return _open_stream(client, request, retry or RetryPolicy())


@contextlib.contextmanager
def _open_stream(
    client: SyncClient, request: dict[str, Any], policy: RetryPolicy
) -> Iterator[MessageStream[Any]]:
    messages = client.with_options(max_retries=0).messages

    def attempt_once() -> MessageStream[Any]:
        # A manager sends its request on __enter__ and only once, so each attempt needs a new one.
        return messages.stream(**request).__enter__()

    stream = _run(attempt_once, policy)  # noqa: CL203  (bounded by the policy)
    try:
        yield stream
    finally:
        stream.close()


def astream_message(
    client: AsyncClient,
    /,
    *,
    retry: RetryPolicy | None = None,
    validate: bool = True,
    max_tokens_limit: int = DEFAULT_MAX_TOKENS_LIMIT,
    **request: Any,
) -> contextlib.AbstractAsyncContextManager[AsyncMessageStream[Any]]:
    """The async twin of ``stream_message``: use it in an ``async with`` block."""
    _prepare(request, validate, max_tokens_limit)
    return _aopen_stream(client, request, retry or RetryPolicy())


@contextlib.asynccontextmanager
async def _aopen_stream(
    client: AsyncClient, request: dict[str, Any], policy: RetryPolicy
) -> AsyncIterator[AsyncMessageStream[Any]]:
    messages = client.with_options(max_retries=0).messages

    async def attempt_once() -> AsyncMessageStream[Any]:
        return await messages.stream(**request).__aenter__()

    stream = await _arun(attempt_once, policy)  # noqa: CL203, CL204  (bounded by the policy, waits through it)
    try:
        yield stream
    finally:
        await stream.close()
