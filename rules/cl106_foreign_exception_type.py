"""CL106 foreign-exception-type: A handler around a Claude call catches a type the SDK never raises."""

from claude_lint.analysis.model import CaughtType, HandlerInfo
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import EXCEPT_WIDTH, RuleContext
from claude_lint.lint.rule import Rule

FOREIGN_LIBRARIES = frozenset({"httpx", "httpx2", "requests", "urllib3", "aiohttp", "openai"})
BUILTIN_TRANSPORT = frozenset(
    {"TimeoutError", "ConnectionError", "ConnectionResetError", "ConnectionRefusedError",
     "ConnectionAbortedError", "BrokenPipeError", "socket.timeout", "asyncio.TimeoutError",
     "concurrent.futures.TimeoutError"}
)
# Calls into these can raise the builtin transport errors themselves.
IO_ROOTS = frozenset(
    {"io", "socket", "ssl", "urllib", "http", "asyncio", "subprocess", "concurrent", "smtplib",
     "ftplib", "select", "selectors", "multiprocessing", "imaplib", "poplib", "websockets",
     "websocket", "grpc", "timeout"}
) | FOREIGN_LIBRARIES


def _foreign_kind(caught: CaughtType, imported_roots: set[str]) -> str | None:
    """'builtin', or the foreign library the caught type belongs to."""
    qualname = caught.qualname
    if qualname is None:
        return None
    if qualname in BUILTIN_TRANSPORT:
        return "builtin"
    root = qualname.split(".", 1)[0]
    if root in FOREIGN_LIBRARIES and root in imported_roots:
        return root
    return None


def suggestion(caught: CaughtType, sdk_names: set[str]) -> str:
    """The anthropic class that does what the foreign handler hoped to do."""
    assert caught.qualname is not None
    name = caught.qualname.rsplit(".", 1)[-1]
    if caught.qualname.startswith("openai.") and name in sdk_names:
        return f"anthropic.{name}"
    if "Timeout" in name or caught.qualname == "socket.timeout":
        return "anthropic.APITimeoutError"
    if any(word in name for word in ("Connect", "Network", "Transport", "Protocol", "BrokenPipe")):
        return "anthropic.APIConnectionError"
    if "Status" in name or name == "HTTPError":
        return "anthropic.APIStatusError"
    return "anthropic.APIError"


class ForeignExceptionType(Rule):
    """## What it does
    Finds a handler around a Claude call that catches an exception type the
    Anthropic SDK never lets escape: `httpx.*`, `requests.*`, `urllib3.*`,
    `aiohttp.*`, `openai.*`, or the builtin `TimeoutError`/`ConnectionError`
    family, when nothing else in the `try` body calls into that library (or,
    for the builtins, does its own I/O or passes a `timeout=`).

    ## Why is this bad?
    The SDK wraps transport failures: a timeout arrives as
    `anthropic.APITimeoutError` and a refused connection as
    `anthropic.APIConnectionError`. A handler for `httpx.TimeoutException`
    or `TimeoutError` never fires, and the failure it was written for
    escapes unhandled.

    ## Example
    ```python
    import anthropic
    import httpx

    client = anthropic.Anthropic()

    try:
        client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    except httpx.TimeoutException:
        fall_back()
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    try:
        client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    except anthropic.APITimeoutError:
        fall_back()
    ```

    ## Fix safety
    There is no fix: which anthropic class to catch is a choice (the message
    names the usual one).
    """

    code = "CL106"
    name = "foreign-exception-type"
    summary = "A handler around a Claude call catches a type the SDK never raises"

    VALID = [
        # The try body also calls httpx itself.
        Valid(
            """
            import anthropic, httpx
            client = anthropic.Anthropic()
            try:
                page = httpx.get("https://example.com")
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except httpx.TimeoutException:
                pass
            """
        ),
        # A requests session built from the library.
        Valid(
            """
            import anthropic, requests
            client = anthropic.Anthropic()
            session = requests.Session()
            try:
                session.post(WEBHOOK, json={})
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except requests.ConnectionError:
                pass
            """
        ),
        # asyncio.wait_for raises the builtin TimeoutError itself.
        Valid(
            """
            import anthropic, asyncio
            client = anthropic.AsyncAnthropic()
            async def ask():
                try:
                    return await asyncio.wait_for(client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[]), 30)
                except TimeoutError:
                    return None
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.APITimeoutError:
                pass
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            import anthropic
            import httpx

            client = anthropic.Anthropic()

            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except httpx.TimeoutException:
                fall_back()
            """,
            line=8,
            column=1,
            message=(
                "`httpx.TimeoutException` is never raised by the Claude call: the SDK wraps transport "
                "errors, so catch `anthropic.APITimeoutError` instead"
            ),
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(q):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[], timeout=30)
                except (ConnectionError, anthropic.RateLimitError):
                    return None
            """,
            line=6,
            column=5,
            message=(
                "`ConnectionError` is never raised by the Claude call: the SDK wraps transport "
                "errors, so catch `anthropic.APIConnectionError` instead"
            ),
        ),
        Invalid(
            """
            import anthropic
            from openai import RateLimitError
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except RateLimitError:
                back_off()
            """,
            line=6,
            column=1,
            message=(
                "`openai.RateLimitError` is never raised by the Claude call: it is the OpenAI SDK's "
                "class, so catch `anthropic.RateLimitError` instead"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        imported_roots = {q.split(".", 1)[0] for q in model.imports.names.values()}
        sdk_names = set(ctx.knowledge.exceptions)
        for try_info in model.trys:
            if not try_info.holds_call_site:
                continue
            direct = {id(site.record) for site in try_info.call_sites if site.direct}
            others = [r for r in try_info.body_calls if id(r) not in direct]
            roots: set[str] | None = None
            for handler in try_info.handlers:
                for caught in handler.types:
                    kind = _foreign_kind(caught, imported_roots)
                    if kind is None:
                        continue
                    if roots is None:
                        roots = model.library_roots(others)
                    if (kind == "builtin" and roots & IO_ROOTS) or kind in roots:
                        continue
                    self._report(ctx, handler, caught, sdk_names)
                    break

    @staticmethod
    def _report(ctx: RuleContext, handler: HandlerInfo, caught: CaughtType, sdk_names: set[str]) -> None:
        assert caught.qualname is not None
        reason = (
            "it is the OpenAI SDK's class"
            if caught.qualname.startswith("openai.")
            else "the SDK wraps transport errors"
        )
        ctx.report(
            handler.node,
            f"`{caught.qualname}` is never raised by the Claude call: {reason}, "
            f"so catch `{suggestion(caught, sdk_names)}` instead",
            width=EXCEPT_WIDTH,
        )
