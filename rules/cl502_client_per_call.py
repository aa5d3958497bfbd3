"""CL502 client-per-call: A client built for a single call and never closed."""

from typing import ClassVar

import libcst as cst

from claude_lint.analysis.model import CallRecord, CallSite, FunctionInfo
from claude_lint.analysis.responses import Frame
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule

# Functions whose job is to make a client (or hold one): not per-call construction.
_FACTORY_NAMES = frozenset({"__init__", "__post_init__", "__enter__", "__aenter__", "setUp", "setup"})
_ENTRY_POINT_NAMES = frozenset({"main", "_main", "cli", "run_cli"})
_FACTORY_DECORATORS = ("contextmanager", "asynccontextmanager", "cache", "lru_cache", "cached_property", "fixture", "property")


class ClientPerCall(Rule):
    """## What it does
    Finds an Anthropic client constructed inside a function that uses it for a
    single call and never closes it: no `with`/`async with`, no `.close()`, and
    the client is not returned, stored or handed to other code. Functions that
    build clients for others (`__init__`, `@contextmanager`, `@cache`d
    factories, fixtures) are not reported.

    ## Why is this bad?
    Each client owns an HTTP connection pool. A client per call pays a new TCP
    and TLS handshake every time, never reuses a connection, and leaves its
    sockets open until garbage collection; under load that is latency and
    "too many open files".

    ## Example
    ```python
    import anthropic

    def summarise(text):
        client = anthropic.Anthropic()
        response = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
        return response.content[0].text
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def summarise(text):
        response = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
        return response.content[0].text
    ```

    ## Fix safety
    There is no fix: where the shared client should live is the author's call.
    """

    code = "CL502"
    name = "client-per-call"
    summary = "A client built for a single call and never closed"
    default = False

    VALID: ClassVar[list[Valid]] = [
        Valid(
            """
            import anthropic
            def summarise(text):
                with anthropic.Anthropic() as client:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[])
            """
        ),
        Valid(
            """
            import anthropic
            async def summarise(text):
                client = anthropic.AsyncAnthropic()
                try:
                    return await client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[])
                finally:
                    await client.close()
            """
        ),
        Valid(
            """
            import anthropic
            class Summariser:
                def __init__(self):
                    self.client = anthropic.Anthropic()
                    self.client.messages.count_tokens(model="claude-sonnet-4-6", messages=[])
            def make_client():
                client = anthropic.Anthropic()
                client.messages.count_tokens(model="claude-sonnet-4-6", messages=[])
                return client
            """
        ),
        # A script's entry points run once per process.
        Valid(
            """
            import asyncio
            import anthropic
            def sync_demo():
                client = anthropic.Anthropic()
                print(client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[]))
            async def main():
                client = anthropic.AsyncAnthropic()
                print(await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[]))
            sync_demo()
            asyncio.run(main())
            """
        ),
        # One client, many calls.
        Valid(
            """
            import anthropic
            def summarise_all(texts):
                client = anthropic.Anthropic()
                return [client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": t}]) for t in texts]
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            def summarise(text):
                client = anthropic.Anthropic()
                response = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": text}],
                )
                return response.content[0].text
            """,
            line=4,
            column=14,
            message=(
                "`summarise()` builds an `anthropic.Anthropic()` client for one call and never closes "
                "it: every call pays a new connection (TCP and TLS handshakes) and leaves its sockets "
                "open. Create the client once and reuse it"
            ),
        ),
        Invalid(
            """
            from anthropic import AsyncAnthropic
            async def title(text):
                reply = await AsyncAnthropic(max_retries=4).messages.create(model="claude-haiku-4-5", max_tokens=16, messages=[{"role": "user", "content": text}])
                return reply
            """,
            line=3,
            column=19,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        frames = ctx.frames
        callers = _callers(ctx)
        for frame in frames.frames:
            function = frame.function
            if function is None or function.name in _FACTORY_NAMES or _is_factory(ctx, function.decorators):
                continue
            if _runs_once(function, callers.get(id(function), [])):
                continue
            for record in function.calls:
                if record.frame is not function or not _is_constructor(ctx, record):
                    continue
                sites = [s for s in frame.sites if s.client is not None and s.client.node is record.node]
                if len(sites) != 1 or _in_more_loops(sites[0], record):
                    continue
                if not _single_use(frame, record.node, sites[0]):
                    continue
                ctx.report(
                    record.node,
                    f"`{function.name}()` builds an `{ctx.code_for(record.node.func)}()` client for one call "
                    f"and never closes it: every call pays a new connection (TCP and TLS handshakes) and "
                    f"leaves its sockets open. Create the client once and reuse it",
                )


def _callers(ctx: RuleContext) -> dict[int, list[CallRecord]]:
    """The calls of each function of the module, by `id(FunctionInfo)`."""
    found: dict[int, list[CallRecord]] = {}
    for record in ctx.model.calls:
        target = ctx.model.resolver.function_for(record.node.func, record.scope)
        if target is not None:
            found.setdefault(id(target), []).append(record)
    return found


def _runs_once(function: FunctionInfo, callers: list[CallRecord]) -> bool:
    """A script's entry point: `main()`, or a function only called from top-level code
    (`main()`, `asyncio.run(main())` at the bottom of a script): one client per process."""
    if function.name in _ENTRY_POINT_NAMES:
        return True
    return bool(callers) and all(r.frame is None for r in callers)


def _is_constructor(ctx: RuleContext, record: CallRecord) -> bool:
    return ctx.model.resolver.client_class(ctx.model.qualify(record.node.func)) is not None


def _is_factory(ctx: RuleContext, decorators: tuple[cst.Decorator, ...]) -> bool:
    for decorator in decorators:
        expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        name = ctx.model.qualify(expr) or ""
        if name.rsplit(".", 1)[-1] in _FACTORY_DECORATORS:
            return True
    return False


def _in_more_loops(site: CallSite, constructor: CallRecord) -> bool:
    """The call repeats (in a loop the constructor is not in): one client, many calls."""
    outer = {id(loop) for loop in constructor.loops}
    # (Comprehensions are not loops in the model: `_single_use` looks for them.)
    return any(id(loop) not in outer for loop in site.record.loops)


def _single_use(frame: Frame, constructor: cst.Call, site: CallSite) -> bool:
    """The client is only used by this call site: not entered, closed, kept or handed on."""
    flows = frame.flows(constructor)
    for flow in flows:
        if flow.kind != "attribute" or not isinstance(flow.node, cst.Attribute):
            return False
        if flow.node.attr.value in ("close", "__enter__", "__aenter__", "__exit__", "__aexit__"):
            return False
        if not _within(frame, site.node, flow.node):
            return False
    for ancestor, _ in frame.ancestors(site.node):
        if isinstance(ancestor, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp, cst.Lambda)):
            return False
    return bool(flows)


def _within(frame: Frame, site: cst.Call, node: cst.CSTNode) -> bool:
    return node is site or any(ancestor is site for ancestor, _ in frame.ancestors(node))
