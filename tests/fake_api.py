"""A scriptable fake of the Anthropic Messages API on 127.0.0.1.

Tests queue what the server answers, in order, then point the real SDK at it::

    with FakeAnthropicAPI() as api:
        api.script(error(529), Reply())
        client = anthropic.Anthropic(api_key="test-key", base_url=api.base_url)
        ...
        assert api.count == 2

Each queued item answers one request: ``Reply`` (a JSON response),
``StreamReply`` (a server-sent-event stream as ``messages.stream`` expects) or
``Reset`` (read the request, then drop the connection without a response).
Every request is recorded, including those answered by ``Reset``. When the
queue is empty the server answers 500 with ``x-should-retry: false`` so a
missing script fails fast instead of hanging.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

import pytest

__all__ = [
    "FakeAnthropicAPI",
    "RecordedRequest",
    "Reply",
    "Reset",
    "StreamReply",
    "error",
    "error_body",
    "fake_api",
    "message_body",
    "refused_port",
    "stream_events",
]

DEFAULT_MODEL = "claude-sonnet-5-5"

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    408: "timeout_error",
    409: "conflict_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    503: "api_error",
    529: "overloaded_error",
}


def message_body(
    text: str = "Hello from the fake API", model: str = DEFAULT_MODEL
) -> dict[str, Any]:
    """A minimal successful Messages API response body."""
    return {
        "id": "msg_fake_0001",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 5},
    }


def error_body(status: int, message: str | None = None) -> dict[str, Any]:
    """The API's error envelope for ``status``."""
    kind = _ERROR_TYPES.get(status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": message or f"fake {kind}"}}


def stream_events(
    chunks: Sequence[str], model: str = DEFAULT_MODEL
) -> list[tuple[str, dict[str, Any]]]:
    """The SSE events of a streamed reply whose text is ``"".join(chunks)``."""
    start = message_body("", model) | {"content": [], "stop_reason": None}
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": start}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        ("ping", {"type": "ping"}),
    ]
    for chunk in chunks:
        text_delta = {"type": "text_delta", "text": chunk}
        events.append(
            (
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": text_delta},
            )
        )
    delta: dict[str, Any] = {
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "stop_details": None,
        "container": None,
    }
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": delta, "usage": {"output_tokens": 7}}),
        ("message_stop", {"type": "message_stop"}),
    ]
    return events


@dataclass(frozen=True)
class Reply:
    """A JSON response; the body defaults to ``message_body()``."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class StreamReply:
    """A ``text/event-stream`` response made of ``(event, data)`` pairs."""

    events: Sequence[tuple[str, dict[str, Any]]]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Reset:
    """Read the request, then reset the connection without answering."""


Scripted = Reply | StreamReply | Reset


def error(status: int, headers: dict[str, str] | None = None, delay: float = 0.0) -> Reply:
    """A JSON error reply with the API's error envelope."""
    return Reply(status, error_body(status), dict(headers or {}), delay)


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real API
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Without this, Nagle's algorithm and delayed ACKs add ~40 ms per response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def _handle(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        fake = self.server.fake
        fake.record(
            RecordedRequest(
                method=self.command,
                path=self.path,
                headers={key.lower(): value for key, value in self.headers.items()},
                body=json.loads(raw) if raw else None,
            )
        )
        item = fake.next_item()
        if isinstance(item, Reset):
            self._reset()
            return
        if item.delay:
            time.sleep(item.delay)
        try:
            if isinstance(item, StreamReply):
                self._send_stream(item)
            else:
                self._send_json(item)
        except OSError:
            # The client gave up first (e.g. its timeout fired during the delay).
            self.close_connection = True

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _send_json(self, reply: Reply) -> None:
        body = reply.body if reply.body is not None else message_body()
        self._send(reply.status, "application/json", json.dumps(body).encode(), reply.headers)

    def _send_stream(self, reply: StreamReply) -> None:
        payload = "".join(
            f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in reply.events
        )
        self._send(reply.status, "text/event-stream", payload.encode(), reply.headers)

    def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.send_header("request-id", "req_fake")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeAnthropicAPI

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # resets and client timeouts are expected here


class FakeAnthropicAPI:
    """A fake Messages API server on an ephemeral loopback port."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Scripted] = deque()
        self._requests: list[RecordedRequest] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """The ``base_url`` to give the SDK client."""
        return f"http://127.0.0.1:{self.port}"

    def script(self, *items: Scripted) -> None:
        """Queue answers for the next requests, in order."""
        with self._lock:
            self._queue.extend(items)

    def clear(self) -> None:
        """Drop the answers still queued."""
        with self._lock:
            self._queue.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far."""
        with self._lock:
            return list(self._requests)

    @property
    def count(self) -> int:
        """How many requests the server received."""
        with self._lock:
            return len(self._requests)

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def next_item(self) -> Scripted:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        return error(500, {"x-should-retry": "false"})

    def start(self) -> Self:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@pytest.fixture
def fake_api() -> Iterator[FakeAnthropicAPI]:
    """A running fake API server, stopped after the test."""
    with FakeAnthropicAPI() as api:
        yield api


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A loopback port where connections are refused.

    The socket stays bound (so no one else takes the port) but never listens,
    so the kernel refuses connections to it.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])
