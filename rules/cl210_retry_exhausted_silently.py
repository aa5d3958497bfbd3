"""CL210 retry-exhausted-silently: A retry loop around a Claude call that ends without raising."""

from collections.abc import Iterator, Sequence

import libcst as cst

from claude_lint.analysis.model import ModuleModel
from claude_lint.analysis.records import FunctionInfo, HandlerInfo, LoopInfo
from claude_lint.analysis.retries import attempt_counters
from claude_lint.analysis.returns import callers_check
from claude_lint.analysis.syntax import contains_raise, ends_with, names_in, statements_after
from claude_lint.analysis.walk import walk
from claude_lint.core.diagnostics import FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.helper_adoption import Adoption, adopt_helper, with_reason
from claude_lint.lint.retry_wording import header_width, mechanism_name
from claude_lint.lint.rule import Rule


def raises_on_last_attempt(handlers: list[HandlerInfo], loop: LoopInfo) -> bool:
    """One of the loop's handlers re-raises unconditionally, or under a test of the attempt
    counter (the loop's counters found once, not once for each of thousands of handlers)."""
    if any(ends_with(handler.node.body, (cst.Raise,)) for handler in handlers):
        return True
    node = loop.node
    counters = names_in(node.target) if isinstance(node, cst.For) else names_in(node.test) | attempt_counters(node)
    for handler in handlers:
        guards = _Guards(counters)
        walk(handler.node.body, guards)
        if guards.found:
            return True
    return False


class _Guards(cst.CSTVisitor):
    def __init__(self, counters: set[str]) -> None:
        self.counters = counters
        self.found = False

    def visit_If(self, if_node: cst.If) -> None:
        if names_in(if_node.test) & self.counters and contains_raise(if_node.body):
            self.found = True


class _Bound(cst.CSTVisitor):
    """Names assigned, and whether a value is returned, skipping nested functions and `skip`."""

    def __init__(self, skip: cst.CSTNode | None = None) -> None:
        self.skip = skip
        self.names: set[str] = set()
        self.returns_value = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if node is self.skip or isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return False
        if isinstance(node, cst.Return) and node.value is not None:
            self.returns_value = True
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                self.names |= names_in(target.target)
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
            self.names |= names_in(node.target)
        return True


def _root_name(expr: cst.BaseExpression) -> str | None:
    """`output` for `output`, `output.strip()`, `output["answer"]`."""
    while True:
        if isinstance(expr, cst.Name):
            return expr.value
        if isinstance(expr, cst.Call):
            expr = expr.func
        elif isinstance(expr, (cst.Attribute, cst.Subscript)):
            expr = expr.value
        else:
            return None


def _handled_on_exhaustion(model: ModuleModel, loop: cst.For | cst.While, frame: FunctionInfo | None,
                           following: list[cst.BaseStatement]) -> bool:
    """Exhaustion that is not silent although nothing raises.

    - the loop's `else:` returns: the code chose what exhaustion gives (CL103 judges a
      made-up reply);
    - the function gives its caller nothing either way (no `return` of a value) and
      nothing after the loop reads what the loop assigned;
    - a result preset to a named sentinel (`output = API_ERROR` before the loop,
      `return output` after it: a designed failure value, unlike `reply = None`) that
      every caller in this module tests, or whose callers are all elsewhere (unknown
      here: the project-wide analysis judges them).
    """
    if loop.orelse is not None and _contains_return(loop.orelse):
        return True
    if frame is None:
        return False
    inside = _Bound()
    walk(loop.body, inside)
    outside = _Bound(skip=loop)
    walk(frame.node.body, outside)
    read_after = set().union(*(names_in(statement) for statement in following)) if following else set()
    if not outside.returns_value and not inside.returns_value and not (inside.names & read_after):
        return True
    first = following[0] if following else None
    if isinstance(first, cst.SimpleStatementLine) and isinstance(first.body[0], cst.Return):
        value = first.body[0].value
        name = _root_name(value) if value is not None else None
        if name is not None and name in inside.names and _preset_to_constant(frame, loop, name):
            return callers_check(model, frame) is not False
    return False


class _Presets(cst.CSTVisitor):
    def __init__(self, name: str, loop: cst.CSTNode) -> None:
        self.name, self.loop = name, loop
        self.values: list[cst.BaseExpression] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if node is self.loop or isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return False
        if isinstance(node, cst.Assign) and any(
            isinstance(t.target, cst.Name) and t.target.value == self.name for t in node.targets
        ):
            self.values.append(node.value)
        return True


def _preset_to_constant(frame: FunctionInfo, loop: cst.CSTNode, name: str) -> bool:
    """`name` is set outside the loop only to a named constant (`API_ERROR_OUTPUT`, `cfg.ERROR`)."""
    presets = _Presets(name, loop)
    walk(frame.node.body, presets)
    return bool(presets.values) and all(
        (isinstance(v, cst.Name) and v.value not in ("None", "True", "False")) or isinstance(v, cst.Attribute)
        for v in presets.values
    )


def _contains_return(node: cst.CSTNode) -> bool:
    bound = _Bound()
    walk(node, bound)
    return bound.returns_value


class RetryExhaustedSilently(Rule):
    """## What it does
    Finds a retry loop around a Claude call (a `for`, or a `while` with an
    attempt counter) where, after the last failed attempt, control falls out
    of the loop with no `raise`: not in the handler, not in the loop's
    `else:`, not after the loop.

    ## Why is this bad?
    When every attempt fails, the function returns `None`, or goes on to
    use a result variable that was never assigned. The caller gets a
    `TypeError` or `NameError` far from the cause, or silently stores an
    empty answer, and the API error that explains it is gone.

    ## Example
    ```python
    import random
    import time

    import anthropic

    client = anthropic.Anthropic(max_retries=0)

    def ask(prompt):
        for attempt in range(4):
            try:
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            except anthropic.RateLimitError:
                time.sleep(random.uniform(0, 2 ** attempt))
    ```

    Use instead:
    ```python
    import random
    import time

    import anthropic

    client = anthropic.Anthropic(max_retries=0)

    def ask(prompt):
        for attempt in range(4):
            try:
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                )
            except anthropic.RateLimitError:
                if attempt == 3:
                    raise
                time.sleep(random.uniform(0, 2 ** attempt))
    ```

    ## Fix safety
    The fix adopts the reference helper, which re-raises the last error when
    its attempts run out: a recognised loop becomes one
    `create_message(client, ..., retry=RetryPolicy(max_attempts=N))` call.
    It is unsafe: a caller that got `None` now gets the API error (the
    fix's title says so, and it is not offered when the code shows callers
    check for the `None`).
    The helper comes from `helper-module`: vendor it with `claude-lint helper
    --write src/myapp/`, which writes one standalone file and records the
    setting, so the fixed code never imports claude-lint at run time. Until
    `helper-module` is set the fix is display-only: `--diff` shows it,
    `--fix` does not write it. The fix is all or nothing: when it cannot
    remove every retry around the call (a handler that does more than wait,
    log or count, a decorated function that does more than make the call,
    a function retried by its caller), or the loop ends in a value callers
    check (`return None` in a `-> X | None` function, a sentinel constant, a
    result set before the loop), there is no fix and the message says why.
    Its title says what changes: which errors are retried, what happens when
    attempts run out, and that an invalid request raises
    `RequestValidationError` (a `ValueError`) before sending; a handler that
    caught the old failure by an SDK class (`except anthropic.APIError`) is
    extended to catch it.
    """

    code = "CL210"
    name = "retry-exhausted-silently"
    summary = "A retry loop around a Claude call that ends without raising"
    fix = FixKind.HELPER

    VALID = [
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask(prompt):
                for attempt in range(3):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt), True
                    except anthropic.RateLimitError:
                        time.sleep(2 ** attempt)
                else:
                    return None, False
            """
        ),
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            async def on_message(channel, prompt):
                for attempt in range(3):
                    try:
                        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                        await channel.send(reply.content[0].text)
                        break
                    except anthropic.RateLimitError:
                        if attempt == 2:
                            await channel.send("Claude is busy, try again later.")
                        time.sleep(2 ** attempt)
            """
        ),
        Valid(
            """
            import anthropic, time
            API_ERROR = None
            client = anthropic.Anthropic(max_retries=0)
            def complete(prompt):
                output = API_ERROR
                for _ in range(3):
                    try:
                        output = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                        break
                    except anthropic.RateLimitError:
                        time.sleep(5)
                return output
            def judge(prompt):
                reply = complete(prompt)
                if reply is API_ERROR:
                    return None
                return reply.content
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def run(goal, steps=10):
                step, errors, prompt = 0, 0, goal
                while step < steps:
                    try:
                        reply = client.messages.create(
                            model="claude-sonnet-4-6", max_tokens=512,
                            messages=[{"role": "user", "content": f"Step {step}: {prompt}"}],
                        )
                    except anthropic.APIError:
                        errors += 1
                        if errors > 3:
                            break
                        continue
                    prompt = "Continue with the next step."
                    step += 1
            """
        ),
        Valid(
            """
            import anthropic, time, random
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in range(3):
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.RateLimitError:
                        time.sleep(random.random() * 2 ** attempt)
                raise RuntimeError("Claude stayed rate limited")
            """
        ),
        Valid(
            """
            import anthropic, time, random
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                for attempt in range(3):
                    try:
                        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                        break
                    except anthropic.RateLimitError as e:
                        last = e
                        time.sleep(random.random() * 2 ** attempt)
                else:
                    raise last
                return reply
            """
        ),
        # A counter written `attempt = attempt + 1` guards the raise as well as `attempt += 1` does.
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                attempt = 0
                while True:
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.RateLimitError:
                        attempt = attempt + 1
                        if attempt >= 3:
                            raise
                        time.sleep(2 ** attempt)
            """
        ),
        # An unbounded loop never exhausts (CL203 reports it).
        Valid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                while True:
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                    except anthropic.RateLimitError:
                        time.sleep(5)
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            import anthropic, time
            API_ERROR = "$ERROR$"
            client = anthropic.Anthropic(max_retries=0)
            def complete(prompt):
                output = API_ERROR
                for _ in range(3):
                    try:
                        output = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                        break
                    except anthropic.RateLimitError:
                        time.sleep(5)
                return output
            def judge(prompt):
                return "score: " + str(complete(prompt))
            """,
            line=6,
            column=5,
            message=(
                "After its last failed attempt, the `for` retry loop falls through without raising: the caller "
                "gets `output`, still `API_ERROR`, instead of the API error; no helper fix: when attempts run "
                "out the code goes on with `output` at its earlier value, which the helper would turn into an "
                "exception"
            ),
        ),
        Invalid(
            """
            import random
            import time

            import anthropic

            client = anthropic.Anthropic(max_retries=0)

            def ask(prompt):
                for attempt in range(4):
                    try:
                        return client.messages.create(
                            model="claude-sonnet-4-6", max_tokens=512,
                            messages=[{"role": "user", "content": prompt}],
                        )
                    except anthropic.RateLimitError:
                        time.sleep(random.uniform(0, 2 ** attempt))
            """,
            line=9,
            column=5,
            message=(
                "After its last failed attempt, the `for` retry loop falls through without raising: "
                "the caller gets `None` instead of the API error"
            ),
            fixed="""
            import random
            import time

            import anthropic
            from claude_lint.helper import RetryPolicy, create_message

            client = anthropic.Anthropic(max_retries=0)

            def ask(prompt):
                return create_message(
                    client,
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": prompt}],
                    retry=RetryPolicy(max_attempts=4),
                )
            """,
        ),
        Invalid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ask():
                result = None
                retries = 3
                while retries > 0:
                    try:
                        result = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                        break
                    except anthropic.APIConnectionError:
                        retries -= 1
                        time.sleep(1)
                return result
            """,
            line=6,
            column=5,
            message=(
                "After its last failed attempt, the `while` retry loop falls through without raising: "
                "the caller gets `result`, still `None`, instead of the API error; no helper fix: "
                "when attempts run out the code goes on with `result` at its earlier value, which the "
                "helper would turn into an exception"
            ),
        ),
        # What the caller gets is said as it is: here a canned answer.
        Invalid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def answer(question):
                for attempt in range(3):
                    try:
                        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[question])
                        return reply.content[0].text
                    except anthropic.APIConnectionError:
                        time.sleep(2 ** attempt)
                return "I could not answer that."
            """,
            line=4,
            column=5,
            message=(
                "After its last failed attempt, the `for` retry loop falls through without raising: "
                "the caller gets `\"I could not answer that.\"` instead of the API error; no helper fix: "
                "when attempts run out the function returns `\"I could not answer that.\"`, which callers may "
                "check, and the helper raises instead"
            ),
        ),
        # `False` is a constant, not a variable the loop may leave unbound.
        Invalid(
            """
            import anthropic, time
            client = anthropic.Anthropic(max_retries=0)
            def ready(question):
                for attempt in range(3):
                    try:
                        client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[question])
                        return True
                    except anthropic.APIConnectionError:
                        time.sleep(2 ** attempt)
                return False
            """,
            line=4,
            column=5,
            message=(
                "After its last failed attempt, the `for` retry loop falls through without raising: "
                "the caller gets `False` instead of the API error; no helper fix: "
                "when attempts run out the function returns `False`, which callers may "
                "check, and the helper raises instead"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for m in ctx.retries.mechanisms:
            loop = m.loop
            if m.family != "manual" or loop is None or not m.bounded:
                continue
            if raises_on_last_attempt(m.handlers, loop):
                continue
            node = loop.node
            if node.orelse is not None and contains_raise(node.orelse):
                continue
            root: cst.CSTNode = loop.frame.node if loop.frame is not None else ctx.model.module
            following = statements_after(root, node) or []
            if any(contains_raise(statement) for statement in following):
                continue
            if _handled_on_exhaustion(ctx.model, node, loop.frame, following):
                continue
            adoption = adopt_helper(ctx, m.call_sites[0]) if m.call_sites[0].direct else Adoption(None)
            ctx.report(
                node,
                with_reason(
                    f"After its last failed attempt, {mechanism_name(m, ctx.model)} falls through without raising: "
                    f"{_outcome(ctx, loop.frame.node if loop.frame is not None else None, node, following)} "
                    "instead of the API error",
                    adoption,
                ),
                adoption.fix,
                width=header_width(node),
            )


def _outcome(ctx: RuleContext, root: cst.FunctionDef | None, loop: cst.CSTNode, following: Sequence[cst.CSTNode]) -> str:
    """What the code gets when the loop gives up: the `return` after it, `None`, or the code after it."""
    if root is None:
        return "the code after it runs without a reply"
    if not following:
        return "the caller gets `None`"
    first = following[0]
    if isinstance(first, cst.SimpleStatementLine) and isinstance(first.body[0], cst.Return):
        value = first.body[0].value
        if value is None or (isinstance(value, cst.Name) and value.value == "None"):
            return "the caller gets `None`"
        if isinstance(value, cst.Name) and value.value not in ("True", "False") and root is not None:
            assigned = _assigned_before(root, loop, value.value)
            if assigned is None:
                return f"`return {value.value}` after it raises `UnboundLocalError`"
            shown = ctx.code_for(assigned) if assigned is not True else ""
            if shown and "\n" not in shown and len(shown) <= 30:
                return f"the caller gets `{value.value}`, still `{shown}`,"
            return f"the caller gets `{value.value}` as it was before the loop"
        code = ctx.code_for(value)
        if "\n" not in code and len(code) <= 60:
            return f"the caller gets `{code}`"
        return "the caller gets what the `return` after the loop gives"
    return "the code after the loop runs without a reply"



def _assigned_before(function: cst.FunctionDef, loop: cst.CSTNode, name: str) -> cst.BaseExpression | bool | None:
    """The value the function's statements before the loop last assign to `name` (True if not plain), or None."""
    body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    found: cst.BaseExpression | bool | None = None
    for statement in body:
        nodes = list(_nodes(statement))
        if any(node is loop for node in nodes):
            break
        for node in nodes:
            if isinstance(node, cst.Assign) and any(
                isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets
            ):
                found = node.value if isinstance(statement, cst.SimpleStatementLine) and statement.body[0] is node else True
            elif (
                isinstance(node, (cst.AnnAssign, cst.AugAssign))
                and isinstance(node.target, cst.Name)
                and node.target.value == name
                and node.value is not None
            ):
                found = True
    return found


def _nodes(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)
