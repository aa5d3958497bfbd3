"""CL104 unreachable-handler: An `except` that an earlier, broader `except` makes unreachable."""

import builtins

from claude_lint.analysis.model import CaughtType, HandlerInfo
from claude_lint.core.diagnostics import Edit, Fix, FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import EXCEPT_WIDTH, RuleContext
from claude_lint.lint.rule import Rule
from claude_lint.sdk.knowledge import Knowledge


def _builtin(name: str | None) -> type[BaseException] | None:
    value = getattr(builtins, name, None) if name else None
    return value if isinstance(value, type) and issubclass(value, BaseException) else None


def covers(parent: CaughtType, child: CaughtType, knowledge: Knowledge) -> bool:
    """Whether `except parent` catches everything `except child` would."""
    if child.sdk_name is not None:
        if parent.sdk_name is not None:
            return knowledge.is_subclass(child.sdk_name, parent.sdk_name)
        return parent.qualname in ("Exception", "BaseException")
    child_type, parent_type = _builtin(child.qualname), _builtin(parent.qualname)
    if child_type is not None and parent_type is not None:
        return issubclass(child_type, parent_type)
    return False


class _Earlier:
    """The handlers of one `try` before the one looked at, in order. Each is asked about through
    the types in it that can catch another one (SDK and builtin exceptions: `except MyError`
    catches no other type this rule knows), and handlers with the same such types once: each of
    thousands of handlers in one `try` is compared with the few distinct ones, not all before it."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.handlers: list[HandlerInfo] = []
        self.distinct: list[HandlerInfo] = []  # the first handler of each set of types that can cover
        self._kinds: set[frozenset[tuple[str | None, str | None]] | None] = set()
        self._covers: dict[tuple[str | None, str | None, str | None, str | None], bool] = {}

    def add(self, handler: HandlerInfo) -> None:
        self.handlers.append(handler)
        kind = None if handler.is_bare else frozenset(
            (t.sdk_name, t.qualname) for t in handler.types if t.sdk_name is not None or _builtin(t.qualname) is not None
        )
        if kind is not None and not kind:
            return  # covers nothing
        if kind not in self._kinds:
            self._kinds.add(kind)
            self.distinct.append(handler)

    def covers(self, parent: CaughtType, child: CaughtType) -> bool:
        key = (parent.sdk_name, parent.qualname, child.sdk_name, child.qualname)
        found = self._covers.get(key)
        if found is None:
            found = self._covers[key] = covers(parent, child, self.knowledge)
        return found

    def covering(self, handler: HandlerInfo) -> list[HandlerInfo]:
        """The earlier handlers that make `handler` unreachable: one that catches all its types, or
        (a tuple handler) the several that together catch each of them; empty when it is reachable."""
        if handler.is_bare:
            return []
        if not handler.types:  # `except ():` catches nothing: the first handler is as good as any
            return self.handlers[:1]
        covers = self.covers
        for previous in self.distinct:
            if previous.is_bare:
                return [previous]
            if all(any(covers(p, t) for p in previous.types) for t in handler.types):
                return [previous]
        if not all(any(covers(p, t) for h in self.distinct for p in h.types) for t in handler.types):
            return []
        return [h for h in self.handlers if any(covers(p, t) for p in h.types for t in handler.types)]


def _same_types(a: HandlerInfo, b: HandlerInfo, knowledge: Knowledge) -> bool:
    """Each covers the other (a duplicate handler): moving one above the other only flips them."""
    if a.is_bare or b.is_bare:
        return False
    return all(any(covers(p, t, knowledge) for p in b.types) for t in a.types) and all(
        any(covers(p, t, knowledge) for p in a.types) for t in b.types
    )


def _move_above(ctx: RuleContext, handler: HandlerInfo, cover: HandlerInfo, handlers: list[HandlerInfo]) -> Fix | None:
    """Move `handler` to just before `cover`; everything else keeps its text. Two edits (the handler
    and the space before it inserted above `cover`, and taken out where they were), not one rewriting
    the handlers in between: thousands of handlers after one that covers them would each carry a
    copy of all the handlers before them."""
    text = ctx.text
    offsets = ctx.line_offsets

    def offset(location: object) -> int:
        return offsets[location.line - 1] + location.column  # type: ignore[attr-defined]

    previous = handlers[handlers.index(handler) - 1]
    prev_end = ctx.end(previous.node)
    moved = text[offset(ctx.start(handler.node)) : offset(ctx.end(handler.node))]
    separator = text[offset(prev_end) : offset(ctx.start(handler.node))]
    assert handler.node.type is not None
    start = ctx.start(cover.node)
    return ctx.fix(
        f"Move `except {ctx.code_for(handler.node.type)}` above the handler that covers it",
        Edit(start, start, moved + separator),
        Edit(prev_end, ctx.end(handler.node), ""),
        safe=False,
    )


class UnreachableHandler(Rule):
    """## What it does
    Finds an `except` clause that can never run because an earlier clause of
    the same `try` catches a superclass of its type, e.g.
    `except anthropic.APIError` before `except anthropic.RateLimitError`.
    The SDK's own class hierarchy (for the SDK version in use) and Python's
    builtin exceptions are used to decide.

    ## Why is this bad?
    The specific handler was written for a reason (back off on a rate limit,
    fail fast on a bad key) and it never runs: the general handler takes
    every error first.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    try:
        client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    except anthropic.APIError:
        raise
    except anthropic.RateLimitError:
        wait_and_retry()
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    try:
        client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    except anthropic.RateLimitError:
        wait_and_retry()
    except anthropic.APIError:
        raise
    ```

    ## Fix safety
    The fix moves the unreachable handler just above the handler that
    covers it. It is unsafe: the moved handler starts running, which is the
    point, but changes what happens on that error.
    """

    code = "CL104"
    name = "unreachable-handler"
    summary = "An `except` that an earlier, broader `except` makes unreachable"
    fix = FixKind.UNSAFE

    VALID = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.RateLimitError:
                pass
            except anthropic.APIError:
                raise
            """
        ),
        # Siblings, not parent and child.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.APIConnectionError:
                raise
            except anthropic.APIStatusError:
                raise
            """
        ),
        # In 0.121, OverloadedError is not an InternalServerError.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.InternalServerError:
                raise
            except anthropic.OverloadedError:
                raise
            """,
            sdk_version="0.121.0",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.APIError:
                raise
            except anthropic.RateLimitError:
                wait_and_retry()
            """,
            line=9,
            column=1,
            message=(
                "`except anthropic.RateLimitError` is unreachable: the `except anthropic.APIError` "
                "on line 7 already catches it"
            ),
            fixed="""
            import anthropic

            client = anthropic.Anthropic()

            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.RateLimitError:
                wait_and_retry()
            except anthropic.APIError:
                raise
            """,
        ),
        Invalid(
            """
            from anthropic import Anthropic, InternalServerError, OverloadedError
            client = Anthropic()
            def ask():
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                except Exception:
                    raise
                except (OverloadedError, TimeoutError):
                    return None
            """,
            line=8,
            column=5,
        ),
        # Two earlier handlers together catch both types of the tuple: no single place to move it to
        # (above both, it would make `except anthropic.RateLimitError` unreachable instead).
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.APIConnectionError:
                raise
            except anthropic.RateLimitError:
                raise
            except (anthropic.RateLimitError, anthropic.APITimeoutError):
                pass
            """,
            line=9,
            column=1,
            message=(
                "`except (anthropic.RateLimitError, anthropic.APITimeoutError)` is unreachable: the handlers on "
                "lines 5 and 7 already catch each of its types"
            ),
        ),
        # In 2.x, OverloadedError subclasses InternalServerError.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.InternalServerError:
                raise
            except anthropic.OverloadedError:
                raise
            """,
            line=7,
            column=1,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for try_info in ctx.model.trys:
            handlers = try_info.handlers
            if not try_info.holds_call_site and not any(h.catches_sdk_error() for h in handlers):
                continue
            earlier = _Earlier(ctx.knowledge)
            for index, handler in enumerate(handlers):
                covering = earlier.covering(handler) if index else []
                earlier.add(handler)
                if not covering:
                    continue
                assert handler.node.type is not None
                caught = f"`except {ctx.code_for(handler.node.type)}` is unreachable"
                if len(covering) > 1:  # no one place to move it to: above them all, it would hide one of them
                    lines = [str(ctx.start(h.node).line) for h in covering]
                    ctx.report(
                        handler.node,
                        f"{caught}: the handlers on lines {', '.join(lines[:-1])} and {lines[-1]} already catch each of its types",
                        None,
                        width=EXCEPT_WIDTH,
                    )
                    continue
                previous = covering[0]
                ctx.report(
                    handler.node,
                    f"{caught}: the `{ctx.except_clause(previous)}` on line {ctx.start(previous.node).line} already catches it",
                    None if _same_types(previous, handler, ctx.knowledge) else _move_above(ctx, handler, previous, handlers),
                    width=EXCEPT_WIDTH,
                )
