"""CL103 error-hidden-in-reply: A handler of a Claude call's errors returns a stand-in for the reply."""

from dataclasses import dataclass

import libcst as cst

from claude_lint.analysis.model import HandlerInfo
from claude_lint.analysis.records import FunctionInfo
from claude_lint.analysis.returns import callers_check
from claude_lint.analysis.syntax import OwnScopeVisitor, literal_value, names_in
from claude_lint.analysis.walk import walk
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import EXCEPT_WIDTH, RuleContext
from claude_lint.lint.rule import Rule

# Calls that only report the error: logging, printing, warnings.
_LOGGING_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print", "print_exc",
     "print_exception"}
)
_LOGGING_FUNCTIONS = frozenset({"print", "pprint"})
_SLEEPS = frozenset({"sleep"})  # `time.sleep(20)` before giving up adds nothing either


def _is_logging(statement: cst.BaseSmallStatement) -> bool:
    """A call that only reports the error (or waits): logging, printing, warnings, a sleep."""
    if not isinstance(statement, cst.Expr):
        return False
    value = statement.value.expression if isinstance(statement.value, cst.Await) else statement.value
    if not isinstance(value, cst.Call):
        return False
    func = value.func
    if isinstance(func, cst.Name):
        return func.value in _LOGGING_FUNCTIONS or func.value in _SLEEPS
    return isinstance(func, cst.Attribute) and (func.attr.value in _LOGGING_METHODS or func.attr.value in _SLEEPS)


def _stand_in(expr: cst.BaseExpression | None) -> str | None:
    """What kind of stand-in a returned value is: "None", "an empty value", "a made-up reply"."""
    if expr is None:
        return "None"
    if isinstance(expr, cst.Name) and expr.value in ("None", "True", "False"):
        return "None" if expr.value == "None" else "a flag"
    if isinstance(expr, (cst.Integer, cst.Float)):
        return "a flag"
    if isinstance(expr, (cst.List, cst.Dict, cst.Set)) and not expr.elements:
        return "an empty value"
    if isinstance(expr, cst.SimpleString):
        return "an empty value" if literal_value(expr) in ("", b"") else "a made-up reply"
    if isinstance(expr, (cst.FormattedString, cst.ConcatenatedString)):
        return "a made-up reply"
    if isinstance(expr, cst.Tuple) and expr.elements:
        kinds = [_stand_in(element.value) for element in expr.elements]
        if None in kinds or set(kinds) == {"a flag"}:
            return None
        for kind in ("a made-up reply", "an empty value", "None"):
            if kind in kinds:
                return kind
    return None


class _HiddenReturns(OwnScopeVisitor):
    """`return <stand-in>` statements reached from the handler's start through logging only."""

    def __init__(self) -> None:
        self.found: list[tuple[cst.Return, str]] = []

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._block(node.body)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._small(node.body)

    def _block(self, statements: tuple[cst.BaseStatement, ...] | list[cst.BaseStatement]) -> None:
        smalls: list[cst.BaseSmallStatement] = []
        for statement in statements:
            if not isinstance(statement, cst.SimpleStatementLine):
                return  # compound statements: their own blocks are visited on their own
            smalls.extend(statement.body)
        self._small(smalls)

    def _small(self, smalls: tuple[cst.BaseSmallStatement, ...] | list[cst.BaseSmallStatement]) -> None:
        if not smalls or not isinstance(smalls[-1], cst.Return):
            return
        if not all(_is_logging(s) for s in smalls[:-1]):
            return
        kind = _stand_in(smalls[-1].value)
        if kind is not None:
            self.found.append((smalls[-1], kind))


@dataclass(eq=False)
class _Binding:
    """An assignment (`targets` the names it binds) or a `return` (`targets` None) of a function's
    body, with the calls and names its value holds and the handlers it is written in."""

    targets: set[str] | None
    calls: set[int]
    names: set[str]
    handlers: tuple[int, ...]


class _Bindings(cst.CSTVisitor):
    """A function body's assignments and returns, outside nested functions, each indexed by the
    calls and names its value holds: walked once for all the handlers of the function."""

    def __init__(self) -> None:
        self.by_call: dict[int, list[_Binding]] = {}
        self.by_name: dict[str, list[_Binding]] = {}
        self._handlers: list[int] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return False
        if isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler)):
            self._handlers.append(id(node))
        elif isinstance(node, cst.Assign):
            targets: set[str] = set()
            for target in node.targets:
                targets |= names_in(target.target)
            self._add(targets, node.value)
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign)) and node.value is not None:
            self._add(names_in(node.target), node.value)
        elif isinstance(node, (cst.For, cst.CompFor)):
            self._add(names_in(node.target), node.iter)
        elif isinstance(node, cst.Return) and node.value is not None:
            self._add(None, node.value)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, (cst.ExceptHandler, cst.ExceptStarHandler)):
            self._handlers.pop()

    def _add(self, targets: set[str] | None, value: cst.BaseExpression) -> None:
        finder = _Calls()
        walk(value, finder)
        binding = _Binding(targets, finder.found, names_in(value), tuple(self._handlers))
        for call in binding.calls:
            self.by_call.setdefault(call, []).append(binding)
        for name in binding.names:
            self.by_name.setdefault(name, []).append(binding)

    def returns_reply(self, calls: list[cst.Call], skip: list[cst.CSTNode]) -> bool:
        """Whether the function returns, outside `skip`, one of `calls`' responses or what it
        derives: the names bound from a value holding one of them, or one of those names, and so on
        (order does not matter), followed from the calls through the index."""
        skipped = {id(node) for node in skip}
        derived: set[str] = set()
        seen: set[int] = set()
        queue = [b for call in calls for b in self.by_call.get(id(call), ())]
        while queue:
            binding = queue.pop()
            if id(binding) in seen or any(h in skipped for h in binding.handlers):
                continue
            seen.add(id(binding))
            if binding.targets is None:
                return True
            for name in binding.targets - derived:
                derived.add(name)
                queue.extend(self.by_name.get(name, ()))
        return False


class _Calls(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        self.found.add(id(node))


def _success_returns_reply(frame: FunctionInfo, handler: HandlerInfo, known: dict[int, _Bindings]) -> bool:
    bindings = known.get(id(frame.node))
    if bindings is None:
        bindings = known[id(frame.node)] = _Bindings()
        walk(frame.node.body, bindings)
    calls = [site.node for site in handler.try_info.call_sites]
    return bindings.returns_reply(calls, [h.node for h in handler.try_info.handlers])


class ErrorHiddenInReply(Rule):
    """## What it does
    Finds a handler of a Claude call's errors that, after at most logging,
    returns a stand-in for the reply: `None`, an empty value, a tuple of
    those, or a made-up reply (a string literal or f-string such as
    `"Sorry, I could not answer"` or `f"[Error: {e}]"`), from a function
    whose success path returns the reply or its text. Not reported when every
    caller in the module tests the result before using it, nor for `None` or
    an empty value when the function has no caller in the module (what its
    callers do is unknown there).

    ## Why is this bad?
    Callers cannot tell the failure from an answer. A batch job or an eval
    harness stores the apology or the empty string as the model's output and
    scores it; a chat loop shows it as the assistant's turn and carries on.
    The error (an expired key, a retired model, an outage) is logged at best,
    and the results are quietly wrong.

    ## Example
    ```python
    import logging

    import anthropic

    client = anthropic.Anthropic()
    logger = logging.getLogger(__name__)

    def answer(question):
        try:
            reply = client.messages.create(
                model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": question}],
            )
        except anthropic.APIError as e:
            logger.error("Claude failed: %s", e)
            return "Sorry, I could not answer that."
        return reply.content[0].text
    ```

    Use instead:
    ```python
    import logging

    import anthropic

    client = anthropic.Anthropic()
    logger = logging.getLogger(__name__)

    def answer(question):
        try:
            reply = client.messages.create(
                model="claude-sonnet-4-6", max_tokens=512,
                messages=[{"role": "user", "content": question}],
            )
        except anthropic.APIError:
            logger.exception("Claude failed")
            raise
        return reply.content[0].text
    ```

    ## Fix safety
    There is no fix: whether to raise, return a typed failure, or keep the
    stand-in and make every caller check it is a decision.
    """

    code = "CL103"
    name = "error-hidden-in-reply"
    summary = "A handler of a Claude call's errors returns a stand-in for the reply"
    default = False

    VALID = [
        # Every caller in the module checks for the sentinel.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def complete(prompt):
                try:
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                except anthropic.APIError as e:
                    print("failed:", e)
                    return None
                return reply.content[0].text
            def grade(prompt):
                text = complete(prompt)
                if text is None:
                    return "skipped"
                return text.upper()
            """
        ),
        # The handler returns a real fallback computed by code, not a stand-in.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def answer(q):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=q).content[0].text
                except anthropic.APIError:
                    return cached_answer(q)
            """
        ),
        # A tuple stand-in whose caller tests what it unpacks.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def draft(prompt):
                try:
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                except anthropic.APIError as e:
                    print(e)
                    return None, False
                return reply.content[0].text, True
            def write(prompt):
                text, ok = draft(prompt)
                if text is None:
                    return "skipped"
                return text
            """
        ),
        # Returning only a flag is a status, not a stand-in for the reply.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def send(prompt):
                try:
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                except anthropic.APIError:
                    return False
                return reply.content[0].text
            def run(prompt):
                return send(prompt)
            """
        ),
        # The success path does not return the reply: the value is a status.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ping():
                try:
                    client.messages.create(model="claude-sonnet-4-6", max_tokens=1, messages=[{"role": "user", "content": "hi"}])
                except anthropic.APIError:
                    return "down"
                return "up"
            """
        ),
        # None with no caller in the module: what the callers do is unknown here.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def complete(prompt):
                try:
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                except anthropic.APIError:
                    return None
                return reply.content[0].text
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            import logging

            import anthropic

            client = anthropic.Anthropic()
            logger = logging.getLogger(__name__)

            def answer(question):
                try:
                    reply = client.messages.create(
                        model="claude-sonnet-4-6", max_tokens=512,
                        messages=[{"role": "user", "content": question}],
                    )
                except anthropic.APIError as e:
                    logger.error("Claude failed: %s", e)
                    return "Sorry, I could not answer that."
                return reply.content[0].text
            """,
            line=14,
            column=5,
            message=(
                "`except anthropic.APIError` returns a made-up reply where the function returns Claude's "
                "reply: callers take the failure for an answer; raise, or return a failure they must check"
            ),
        ),
        # A string Python cannot evaluate (an unknown \\N{...} name) is still a made-up reply, not a crash.
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            def answer(question):
                try:
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
                except anthropic.APIError:
                    return "\\N{NO SUCH NAME}"
                return reply.content[0].text
            """,
            line=8,
            column=5,
            message=(
                "`except anthropic.APIError` returns a made-up reply where the function returns Claude's "
                "reply: callers take the failure for an answer; raise, or return a failure they must check"
            ),
        ),
        # An f-string and a flag, in a tuple; the caller uses the result unchecked.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def turn(history):
                try:
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=history)
                except Exception as e:
                    print(e)
                    return f"[Error: {e}]", False
                return reply.content[0].text, True
            def run(history):
                text, ok = turn(history)
                history.append({"role": "assistant", "content": text})
            """,
            line=6,
            column=5,
            message=(
                "`except Exception` returns a made-up reply where the function returns Claude's reply: "
                "callers take the failure for an answer; raise, or return a failure they must check"
            ),
        ),
        # None where success returns a tuple; the caller in the module unpacks it unchecked.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def call(prompt):
                try:
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
                except anthropic.APIError:
                    return None
                return reply.content[0].text, reply.usage.output_tokens
            def run(prompt):
                text, cost = call(prompt)
                return text
            """,
            line=6,
            column=5,
            message=(
                "`except anthropic.APIError` returns `None` where the function returns Claude's reply: "
                "callers take the failure for an answer; raise, or return a failure they must check"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        known: dict[int, _Bindings] = {}  # each function's assignments and returns, by id of its node
        for handler in ctx.model.handlers:
            frame = handler.try_info.frame
            if frame is None or not handler.catches_call_site_errors() or not handler.try_info.call_sites:
                continue
            scan = _HiddenReturns()
            walk(handler.node.body, scan)
            if not scan.found:
                continue
            kinds = [kind for _, kind in scan.found]
            kind = next((k for k in ("a made-up reply", "an empty value", "None") if k in kinds), None)
            if kind is None:
                continue  # only flags (`return False`): a status, not a stand-in for the reply
            if not _success_returns_reply(frame, handler, known):
                continue
            # `return None, False` unpacks like the reply's tuple, so a test after unpacking checks it.
            tuples = all(isinstance(r.value, cst.Tuple) for r, _ in scan.found)
            checked = callers_check(ctx.model, frame, unpacking_checks=tuples)
            if checked or (checked is None and kind == "None"):
                continue
            shown = "`None`" if kind == "None" else kind
            ctx.report(
                handler.node,
                f"`{ctx.except_clause(handler)}` returns {shown} where the function returns Claude's reply: "
                "callers take the failure for an answer; raise, or return a failure they must check",
                width=EXCEPT_WIDTH,
            )
