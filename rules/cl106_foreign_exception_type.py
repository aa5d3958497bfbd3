"""CL106 foreign-exception-type: A handler around a Claude call catches a type the SDK never raises."""

from collections.abc import Sequence

import libcst as cst

from claude_lint.analysis.model import CaughtType, HandlerInfo
from claude_lint.analysis.records import CallRecord, CallSite
from claude_lint.core.diagnostics import Fix, FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import EXCEPT_WIDTH, RuleContext
from claude_lint.lint.retry_wording import mechanism_name
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


_OPENAI_METHODS = ("chat.completions.create", "responses.create", "embeddings.create", "chat.completions.parse")


def _calls_openai_shaped(calls: list[CallRecord], sites: list[CallSite]) -> bool:
    """A call shaped like the OpenAI SDK's (on a client of unknown type) besides the Claude calls."""
    claude = {id(site.node) for site in sites}
    for record in calls:
        if id(record.node) in claude:
            continue
        func = record.node.func
        parts = []
        while isinstance(func, cst.Attribute):
            parts.append(func.attr.value)
            func = func.value
        if ".".join(reversed(parts)).endswith(_OPENAI_METHODS):
            return True
    return False


def _polymorphic(sites: Sequence[CallSite]) -> bool:
    """A call through an object's class that reaches Claude in one subclass, or of a function chosen
    at run time among some that do not call Claude: the others may call other libraries, whose errors
    the handler is right to catch."""
    return any((site.remote is not None and site.remote.via) or site.chosen for site in sites)


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
    The fix catches the anthropic class the message names instead (importing
    it if needed), when the foreign type is written in the `except` clause
    itself and the handler does not catch that class already. It is unsafe:
    the handler never ran for the call's errors before, and from now on it
    does, so what the function does on a timeout or a dropped connection
    changes.
    """

    code = "CL106"
    name = "foreign-exception-type"
    summary = "A handler around a Claude call catches a type the SDK never raises"
    fix = FixKind.UNSAFE

    VALID = [
        # The function called may be the OpenAI one: catching OpenAI's errors is right for it.
        Valid(
            """
            import anthropic
            import openai
            def ask_claude(prompt):
                return anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            def ask_gpt(prompt):
                return openai.OpenAI().chat.completions.create(model="gpt-4o", messages=prompt)
            def pick(model):
                if model.startswith("claude"):
                    return ask_claude
                return ask_gpt
            def ask(model, prompt):
                fn = pick(model)
                try:
                    return fn(prompt)
                except openai.APIError:
                    return None
            """
        ),
        # A method of the module's class, called on an instance of it, also calls requests: the
        # handler around the call is for that error.
        Valid(
            """
            import anthropic
            import requests
            class Bot:
                def __init__(self):
                    self.client = anthropic.Anthropic()
                def ask(self, q):
                    page = requests.get("https://example.com/context", timeout=10).text
                    return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": page + q}])
            def main(q):
                bot = Bot()
                try:
                    return bot.ask(q)
                except requests.RequestException:
                    return None
            """
        ),
        # A wrapper for several providers: the OpenAI types are for its OpenAI branch.
        Valid(
            """
            import anthropic, backoff, openai
            @backoff.on_exception(backoff.expo, (openai.RateLimitError, openai.APITimeoutError))
            def complete(client, model, prompt):
                if model.startswith("claude"):
                    return client.messages.create(model=model, max_tokens=64, messages=prompt)
                return client.chat.completions.create(model=model, messages=prompt)
            """
        ),
        # The decorated function also calls requests: the retry may well be for it.
        Valid(
            """
            import anthropic, backoff, requests
            client = anthropic.Anthropic()
            @backoff.on_exception(backoff.expo, requests.exceptions.Timeout, max_tries=5)
            def enrich(url, prompt):
                page = requests.get(url, timeout=10).text
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt + [page])
            """
        ),
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
        # A retry whose predicate names only a type the SDK never raises retries nothing.
        Invalid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential
            client = anthropic.Anthropic()
            @retry(retry=retry_if_exception_type(ConnectionError), stop=stop_after_attempt(5), wait=wait_random_exponential())
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """,
            line=4,
            column=1,
            message=(
                "`@retry(...)` retries only `ConnectionError`, which the Claude call never raises: it retries "
                "none of the call's errors; name `anthropic.APIConnectionError` instead"
            ),
        ),
        Invalid(
            """
            import anthropic, backoff, requests
            client = anthropic.Anthropic()
            @backoff.on_exception(backoff.expo, requests.exceptions.Timeout, max_tries=5)
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
            """,
            line=3,
            column=1,
            message=(
                "`@backoff.on_exception(...)` retries only `requests.exceptions.Timeout`, which the Claude call "
                "never raises: it retries none of the call's errors; name `anthropic.APITimeoutError` instead"
            ),
        ),
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
            fixed="""
            import anthropic
            import httpx

            client = anthropic.Anthropic()

            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.APITimeoutError:
                fall_back()
            """,
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
            fixed="""
            import anthropic
            client = anthropic.Anthropic()
            def ask(q):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[], timeout=30)
                except (anthropic.APIConnectionError, anthropic.RateLimitError):
                    return None
            """,
        ),
        # The fix extends `from anthropic import ...`.
        Invalid(
            """
            from anthropic import Anthropic, APIStatusError
            import requests
            client = Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except requests.Timeout:
                pass
            except APIStatusError:
                pass
            """,
            line=6,
            column=1,
            message=(
                "`requests.Timeout` is never raised by the Claude call: the SDK wraps transport "
                "errors, so catch `anthropic.APITimeoutError` instead"
            ),
            fixed="""
            from anthropic import Anthropic, APIStatusError, APITimeoutError
            import requests
            client = Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except APITimeoutError:
                pass
            except APIStatusError:
                pass
            """,
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
            fixed="""
            import anthropic
            from openai import RateLimitError
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.RateLimitError:
                back_off()
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        imported_roots = {q.split(".", 1)[0] for q in model.imports.names.values()}
        sdk_names = set(ctx.knowledge.exceptions)
        for try_info in model.trys:
            if not try_info.holds_call_site or _polymorphic(try_info.call_sites):
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
                        # A function of another module can reach other libraries too (its summary says which).
                        roots.update(r for site in try_info.call_sites if site.remote for r in site.remote.roots)
                    if (kind == "builtin" and roots & IO_ROOTS) or kind in roots:
                        continue
                    self._report(ctx, handler, caught, sdk_names, ctx.remote_note(try_info.call_sites))
                    break
        self._retries(ctx, imported_roots, sdk_names)

    @staticmethod
    def _retries(ctx: RuleContext, imported_roots: set[str], sdk_names: set[str]) -> None:
        """Retry decorators and loops whose predicate names only types the call never raises."""
        model = ctx.model
        for m in ctx.retries.foreign:
            if m.family not in ("tenacity", "backoff", "stamina") or not m.call_sites or _polymorphic(m.call_sites):
                continue
            caught = [CaughtType(m.node, q, None) for q in m.predicate.types]
            kinds = [_foreign_kind(c, imported_roots) for c in caught]
            if not caught or None in kinds:
                continue  # no type named (`a and anthropic.RateLimitError`), one of the project's own, or one we do not know
            calls = m.function.calls if m.function is not None else []
            roots = model.library_roots(calls)
            if "openai" in kinds and _calls_openai_shaped(calls, m.call_sites):
                roots.add("openai")  # a multi-provider wrapper: `client.chat.completions.create(...)`
            if any((kind == "builtin" and roots & IO_ROOTS) or kind in roots for kind in kinds):
                continue  # the wrapped code also calls that library: the retry may be for it
            names = ", ".join(f"`{c.qualname}`" for c in caught)
            ctx.report(
                m.node,
                f"{mechanism_name(m, model)[:1].upper()}{mechanism_name(m, model)[1:]} retries only {names}, "
                f"which the Claude call never raises: it retries none of the call's errors; "
                f"name `{suggestion(caught[0], sdk_names)}` instead",
            )

    @staticmethod
    def _report(ctx: RuleContext, handler: HandlerInfo, caught: CaughtType, sdk_names: set[str], note: str) -> None:
        assert caught.qualname is not None
        reason = (
            "it is the OpenAI SDK's class"
            if caught.qualname.startswith("openai.")
            else "the SDK wraps transport errors"
        )
        replacement = suggestion(caught, sdk_names)
        ctx.report(
            handler.node,
            f"`{caught.qualname}` is never raised by the Claude call: {reason}, "
            f"so catch `{replacement}` instead{note}",
            _fix(ctx, handler, caught, replacement),
            width=EXCEPT_WIDTH,
        )


def _fix(ctx: RuleContext, handler: HandlerInfo, caught: CaughtType, replacement: str) -> Fix | None:
    """Catch the anthropic class instead, when the type is written in this clause and not caught yet."""
    written = handler.node.type
    elements = [e.value for e in written.elements] if isinstance(written, cst.Tuple) else [written]
    if not any(caught.node is e for e in elements):
        return None  # it comes through a name defined elsewhere: other handlers may share it
    if any(t.qualname == replacement for try_handler in handler.try_info.handlers for t in try_handler.types):
        return None
    local, imports = ctx.import_name("anthropic", replacement.removeprefix("anthropic."))
    return ctx.fix(f"Catch `{replacement}`", ctx.replace(caught.node, local), *imports, safe=False)
