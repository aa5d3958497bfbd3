"""CL406 unbounded-agent-loop: A loop feeds Claude's replies back to Claude with no cap on its turns."""

from __future__ import annotations

import re
from typing import ClassVar

import libcst as cst

from claude_lint.analysis.model import CallSite, LoopInfo, ModuleModel
from claude_lint.analysis.responses import RESPONSE_METHODS, STREAM_METHODS
from claude_lint.analysis.retries import counter_bounded_while
from claude_lint.analysis.syntax import dotted, names_in
from claude_lint.analysis.walk import walk
from claude_lint.core.diagnostics import Edit, Fix, FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.retry_wording import header_width
from claude_lint.lint.rule import Rule

MAX_TURNS = 25
# Iterables a `for` never runs out of.
_ENDLESS = frozenset({"itertools.count", "itertools.cycle"})
# Methods that add to the conversation list.
_GROWING = frozenset({"append", "extend", "insert", "add", "add_message", "add_messages", "append_message", "push"})
# When the request's messages come from `**params`: what a conversation store is called.
_CONVERSATION = re.compile(r"(?:history|messages?|conversation|memory|transcript|chat)$", re.IGNORECASE)
# Calls that wait for a person: a chat loop is bounded by whoever types.
_HUMAN_INPUT = frozenset(
    {"input", "sys.stdin.readline", "click.prompt", "typer.prompt", "rich.prompt.Prompt.ask",
     "prompt_toolkit.prompt", "getpass.getpass"}
)
_HUMAN_METHODS = frozenset({"readline", "receive_text", "receive_json", "receive", "recv", "prompt_async", "chat_input"})
_CLOCKS = frozenset({"time.time", "time.monotonic", "time.perf_counter", "datetime.datetime.now", "datetime.now"})
_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


class _LoopScan(cst.CSTVisitor):
    """What a loop body does with the conversation, and whether it waits for a person or a clock."""

    def __init__(self, model: ModuleModel, conversation: str | None) -> None:
        self.model = model
        self.conversation = conversation
        self.grows: cst.CSTNode | None = None
        self.human = False
        self.clock_names: set[str] = set()
        self.clock_tests = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _SCOPES):
            return False
        if isinstance(node, cst.Call):
            self._call(node)
        elif isinstance(node, cst.AugAssign) and self._is_conversation(node.target):
            self.grows = self.grows or node
        elif (
            isinstance(node, cst.Assign)
            and self.conversation is not None
            and any(dotted(t.target) == self.conversation for t in node.targets)
            and self.conversation.split(".")[-1] in _dotted_names(node.value)
        ):
            self.grows = self.grows or node  # `messages = messages + [...]`, `[*messages, ...]`
        return True

    def _call(self, call: cst.Call) -> None:
        func = call.func
        qualname = self.model.qualify(func) or ""
        if isinstance(func, cst.Attribute):
            if func.attr.value in _GROWING and self._is_conversation(func.value):
                self.grows = self.grows or call
            if func.attr.value in _HUMAN_METHODS:
                self.human = True
        if qualname in _HUMAN_INPUT:
            self.human = True


    def _is_conversation(self, expr: cst.BaseExpression) -> bool:
        name = dotted(expr)
        if name is None:
            return False
        if self.conversation is None:
            return _CONVERSATION.search(name.rsplit(".", 1)[-1]) is not None
        return name == self.conversation


def _dotted_names(node: cst.CSTNode) -> set[str]:
    return names_in(node) | {attribute.attr.value for attribute in _attributes(node)}


def _attributes(node: cst.CSTNode) -> list[cst.Attribute]:
    found: list[cst.Attribute] = []

    class _Visitor(cst.CSTVisitor):
        def visit_Attribute(self, inner: cst.Attribute) -> None:
            found.append(inner)

    walk(node, _Visitor())
    return found


def conversation_of(site: CallSite) -> tuple[bool, str | None]:
    """(found, where): the name or attribute the call's `messages=` list lives in
    (`messages`, `self.history` also for `self.history.format()`), or (True, None) when the
    request comes from `**params` and any conversation-like store counts."""
    arg = site.keyword("messages")
    if arg is None:
        return any(a.star == "**" for a in site.node.args), None
    value = arg.value
    if isinstance(value, cst.Subscript):  # `history[-20:]`
        value = value.value
    if isinstance(value, cst.Call):
        if dotted(value.func) in ("list", "copy.copy", "copy.deepcopy") and value.args:
            value = value.args[0].value
        elif isinstance(value.func, cst.Attribute):  # `self.history.format_for_api()`
            value = value.func.value
    name = dotted(value)
    return name is not None, name


def _passed_conversation(site: CallSite) -> str | None:
    """The conversation list a call of a Claude-calling function is handed (`ask(messages)`,
    `self.llm.chat(history=self.history)`): an argument named like one, or passed as `messages=`."""
    for arg in site.node.args:
        if arg.star:
            continue
        value = arg.value
        if isinstance(value, cst.Subscript):  # `history[-20:]`
            value = value.value
        name = dotted(value)
        if name is None:
            continue
        if (arg.keyword is not None and arg.keyword.value == "messages") or _CONVERSATION.search(name.rsplit(".", 1)[-1]):
            return name
    return None


class UnboundedAgentLoop(Rule):
    """## What it does
    Finds a loop that sends Claude's replies back to Claude: it calls
    `messages.create` (or `stream`), adds to the same conversation list the
    call sends (`messages.append(...)`, `+=`, `messages = messages + [...]`:
    the reply, tool results, "continue"), and goes round again, with nothing
    bounding its turns: `while True`, `while response.stop_reason ==
    "tool_use"`, `while not done`, `for _ in itertools.count()`. A `break` or
    `return` when the model says it is finished (`end_turn`, no more tool
    calls) is not a bound; a turn counter (`while turn < MAX_TURNS`, `if turn
    >= MAX_TURNS: break`), a `for` over `range(...)`, or a deadline on a clock
    is. A loop that waits for a person each turn (`input()`, a websocket
    `receive`) is a chat, not an agent loop, and is not reported. The call
    may also be in a function the loop hands the conversation to
    (`ask(messages)`, `self.llm.chat(messages)`): of this module, of another,
    or reached through an object's class.

    ## Why is this bad?
    The model decides when the loop ends. A model that keeps asking for the
    same tool, a tool whose error makes it try again, or an instruction
    injected through a tool result keeps it calling the API, every turn
    resending a longer conversation, until someone notices the bill.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def run_agent(task, tools):
        messages = [{"role": "user", "content": task}]
        while True:
            response = client.messages.create(
                model="claude-sonnet-4-6", max_tokens=4096, tools=tools, messages=messages,
            )
            messages.append({"role": "assistant", "content": response.content})
            if response.stop_reason != "tool_use":
                return response
            messages.append({"role": "user", "content": run_tools(response.content)})
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def run_agent(task, tools):
        messages = [{"role": "user", "content": task}]
        for _turn in range(25):
            response = client.messages.create(
                model="claude-sonnet-4-6", max_tokens=4096, tools=tools, messages=messages,
            )
            messages.append({"role": "assistant", "content": response.content})
            if response.stop_reason != "tool_use":
                return response
            messages.append({"role": "user", "content": run_tools(response.content)})
        else:
            raise RuntimeError("the agent loop did not finish within 25 turns")
    ```

    ## Fix safety
    For a `while True:` loop with no `else`, the unsafe fix turns the header
    into `for _turn in range(25):` and adds an `else:` that raises
    `RuntimeError` when the bound is hit (the `else` of a `for` runs only when
    no `break` ended it). It is unsafe because the right number of turns is
    the author's call, and a task that legitimately needs more turns now
    fails. Other loop shapes have no fix.
    """

    code = "CL406"
    name = "unbounded-agent-loop"
    summary = "A loop feeds Claude's replies back to Claude with no cap on its turns"
    fix = FixKind.UNSAFE

    VALID: ClassVar[list[Valid]] = [
        # A bounded turn loop.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def run_agent(task, tools):
                messages = [{"role": "user", "content": task}]
                for turn in range(20):
                    response = client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, tools=tools, messages=messages)
                    messages.append({"role": "assistant", "content": response.content})
                    if response.stop_reason != "tool_use":
                        return response
                    messages.append({"role": "user", "content": run_tools(response.content)})
                raise RuntimeError("too many turns")
            """
        ),
        # A loop that breaks on a counter.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            MAX_TURNS = 30
            def run_agent(task, tools):
                messages = [{"role": "user", "content": task}]
                turns = 0
                while True:
                    turns += 1
                    if turns > MAX_TURNS:
                        break
                    response = client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, tools=tools, messages=messages)
                    if response.stop_reason == "end_turn":
                        return response
                    messages += [{"role": "assistant", "content": response.content}, {"role": "user", "content": run_tools(response.content)}]
                return None
            """
        ),
        # A chat: every turn waits for the person at the keyboard.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def chat():
                history = []
                while True:
                    history.append({"role": "user", "content": input("> ")})
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=history)
                    history.append({"role": "assistant", "content": reply.content})
                    print(reply.content[0].text)
            """
        ),
        # A retry loop: nothing is added to the conversation.
        Valid(
            """
            import time
            import anthropic
            client = anthropic.Anthropic()
            def ask(messages):
                while True:
                    try:
                        return client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=messages)
                    except anthropic.RateLimitError:
                        time.sleep(5)
            """
        ),
        # A cap on the conversation's length.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def run_agent(task, tools):
                messages = [{"role": "user", "content": task}]
                while len(messages) < 41:
                    response = client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, tools=tools, messages=messages)
                    if response.stop_reason != "tool_use":
                        return response
                    messages.append({"role": "assistant", "content": response.content})
                    messages.append({"role": "user", "content": run_tools(response.content)})
                raise RuntimeError("conversation too long")
            """
        ),
        # A deadline on a clock.
        Valid(
            """
            import time
            import anthropic
            client = anthropic.Anthropic()
            def run_agent(task, tools):
                messages = [{"role": "user", "content": task}]
                deadline = time.monotonic() + 300
                while time.monotonic() < deadline:
                    response = client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, tools=tools, messages=messages)
                    if response.stop_reason != "tool_use":
                        return response
                    messages.append({"role": "assistant", "content": response.content})
                    messages.append({"role": "user", "content": run_tools(response.content)})
                raise TimeoutError(task)
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # The Claude call is in a function the loop hands the conversation to.
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            def ask(messages):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=2048, messages=messages)
                return response.content[0].text

            def solve(task, check):
                messages = [{"role": "user", "content": task}]
                while True:
                    answer = ask(messages)
                    messages.append({"role": "assistant", "content": answer})
                    if check(answer):
                        return answer
                    messages.append({"role": "user", "content": "That is not right yet. Try again."})
            """,
            line=11,
            column=5,
            message=(
                "This loop sends Claude's replies back to Claude (it adds to `messages` and calls "
                "`ask(...)` again) with no bound on its turns: it ends only when the "
                "model decides, so a model that keeps calling tools, or an instruction injected through a "
                "tool result, keeps it spending tokens. Count the turns and stop at a limit "
                "(`for _turn in range(25):` ... `else: raise`)"
            ),
            fixed="""
            import anthropic

            client = anthropic.Anthropic()

            def ask(messages):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=2048, messages=messages)
                return response.content[0].text

            def solve(task, check):
                messages = [{"role": "user", "content": task}]
                for _turn in range(25):
                    answer = ask(messages)
                    messages.append({"role": "assistant", "content": answer})
                    if check(answer):
                        return answer
                    messages.append({"role": "user", "content": "That is not right yet. Try again."})
                else:
                    raise RuntimeError("the agent loop did not finish within 25 turns")
            """,
        ),
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            def run_agent(task, tools):
                messages = [{"role": "user", "content": task}]
                while True:
                    response = client.messages.create(
                        model="claude-sonnet-4-6", max_tokens=4096, tools=tools, messages=messages,
                    )
                    messages.append({"role": "assistant", "content": response.content})
                    if response.stop_reason != "tool_use":
                        return response
                    messages.append({"role": "user", "content": run_tools(response.content)})
            """,
            line=7,
            column=5,
            message=(
                "This loop sends Claude's replies back to Claude (it adds to `messages` and calls "
                "`client.messages.create(...)` again) with no bound on its turns: it ends only when the "
                "model decides, so a model that keeps calling tools, or an instruction injected through a "
                "tool result, keeps it spending tokens. Count the turns and stop at a limit "
                "(`for _turn in range(25):` ... `else: raise`)"
            ),
            fixed="""
            import anthropic

            client = anthropic.Anthropic()

            def run_agent(task, tools):
                messages = [{"role": "user", "content": task}]
                for _turn in range(25):
                    response = client.messages.create(
                        model="claude-sonnet-4-6", max_tokens=4096, tools=tools, messages=messages,
                    )
                    messages.append({"role": "assistant", "content": response.content})
                    if response.stop_reason != "tool_use":
                        return response
                    messages.append({"role": "user", "content": run_tools(response.content)})
                else:
                    raise RuntimeError("the agent loop did not finish within 25 turns")
            """,
        ),
        # The loop's own condition waits for the model; async, and a conversation on `self`.
        Invalid(
            """
            import anthropic
            class Agent:
                def __init__(self):
                    self.client = anthropic.AsyncAnthropic()
                    self.history = []
                async def run(self, tools):
                    response = await self.client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, tools=tools, messages=self.history)
                    while response.stop_reason == "tool_use":
                        self.history.append({"role": "assistant", "content": response.content})
                        self.history.append({"role": "user", "content": await self.call_tools(response)})
                        response = await self.client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, tools=tools, messages=self.history)
                    return response
            """,
            line=8,
            column=9,
        ),
        # A `break` on end_turn is not a bound (Semgrep's rule is silenced by any `break`).
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def write_long(prompt):
                messages = [{"role": "user", "content": prompt}]
                parts = []
                while True:
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=messages)
                    parts.append(reply.content[0].text)
                    if reply.stop_reason == "end_turn":
                        break
                    messages = messages + [{"role": "assistant", "content": reply.content}, {"role": "user", "content": "continue"}]
                return "".join(parts)
            """,
            line=6,
            column=5,
            fixed="""
            import anthropic
            client = anthropic.Anthropic()
            def write_long(prompt):
                messages = [{"role": "user", "content": prompt}]
                parts = []
                for _turn in range(25):
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=messages)
                    parts.append(reply.content[0].text)
                    if reply.stop_reason == "end_turn":
                        break
                    messages = messages + [{"role": "assistant", "content": reply.content}, {"role": "user", "content": "continue"}]
                else:
                    raise RuntimeError("the agent loop did not finish within 25 turns")
                return "".join(parts)
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        reported: set[int] = set()
        for site in model.call_sites:
            if site.direct:
                if site.method not in RESPONSE_METHODS and site.method not in STREAM_METHODS:
                    continue
                found, conversation = conversation_of(site)
            else:
                # A function that makes the Claude call (of this module, of another, or reached
                # through an object's class), handed the conversation: `self.llm.chat(messages)`.
                conversation = _passed_conversation(site)
                found = conversation is not None
            if found:
                self._check_loops(ctx, site, conversation, reported)

    def _check_loops(self, ctx: RuleContext, site: CallSite, conversation: str | None, reported: set[int]) -> None:
        model = ctx.model
        for loop in reversed(site.record.loops):
            if loop.frame is not site.frame or id(loop.node) in reported:
                continue
            scan = _LoopScan(model, conversation)
            walk(loop.node.body, scan)
            if isinstance(loop.node, cst.While):
                walk(loop.node.test, scan)
            if scan.grows is None or scan.human:
                continue
            if _bounded(model, loop, conversation):
                break  # an inner loop inside a bounded one is still bounded by it
            reported.add(id(loop.node))
            node = loop.node
            ctx.report(
                node,
                f"This loop sends Claude's replies back to Claude (it adds to "
                f"`{conversation or dotted(_receiver(scan.grows)) or 'the conversation'}` and calls "
                f"`{dotted(site.node.func) or site.method}(...)` again) with no bound on its turns: it ends "
                f"only when the model decides, so a model that keeps calling tools, or an instruction "
                f"injected through a tool result, keeps it spending tokens. Count the turns and stop at "
                f"a limit (`for _turn in range({MAX_TURNS}):` ... `else: raise`){ctx.remote_note([site])}",
                self._fix(ctx, loop),
                width=header_width(node),
            )
            break

    @staticmethod
    def _fix(ctx: RuleContext, loop: LoopInfo) -> Fix | None:
        node = loop.node
        if not isinstance(node, cst.While) or node.orelse is not None or not _always_true(node.test):
            return None
        if not isinstance(node.body, cst.IndentedBlock):
            return None  # `while True: x()` on one line
        if re.search(r"\b_turn\b", ctx.text):
            return None  # keep the fix from shadowing a name the code uses
        start = ctx.start(node)
        offset = ctx.line_offsets[start.line - 1]
        margin = ctx.text[offset : offset + start.column]
        if margin.strip():
            return None
        indent = node.body.indent if node.body.indent is not None else ctx.model.module.default_indent
        newline = ctx.model.module.default_newline
        header = Edit(start, ctx.end(node.test), f"for _turn in range({MAX_TURNS})")
        orelse = ctx.insert_after(
            node.body.body[-1],
            f"{newline}{margin}else:{newline}{margin}{indent}"
            f'raise RuntimeError("the agent loop did not finish within {MAX_TURNS} turns")',
        )
        return ctx.fix(f"Bound the loop at {MAX_TURNS} turns, raising when it is hit", header, orelse, safe=False)


def _receiver(node: cst.CSTNode | None) -> cst.BaseExpression:
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.value
    if isinstance(node, (cst.AugAssign, cst.Assign)):
        return node.target if isinstance(node, cst.AugAssign) else node.targets[0].target
    return cst.Name("conversation")


def _always_true(test: cst.BaseExpression) -> bool:
    return (isinstance(test, cst.Name) and test.value == "True") or (isinstance(test, cst.Integer) and test.value != "0")


def _bounded(model: ModuleModel, loop: LoopInfo, conversation: str | None) -> bool:
    node = loop.node
    if isinstance(node, cst.For):
        iterable = node.iter
        if isinstance(iterable, cst.Call):
            qualname = model.qualify(iterable.func) or ""
            if qualname in _ENDLESS:
                return False
            if qualname == "itertools.repeat":
                return len(iterable.args) > 1
            if qualname == "iter" and len(iterable.args) == 2:
                return False  # `iter(callable, sentinel)`
        return True
    if counter_bounded_while(node):
        return True
    tests: list[cst.BaseExpression] = [node.test]

    class _Scan(cst.CSTVisitor):
        def visit_If(self, inner: cst.If) -> None:
            tests.append(inner.test)

    walk(node.body, _Scan())
    # A deadline (`time.monotonic() < deadline`), or a cap on the conversation's length.
    if any(model.qualify(attribute) in _CLOCKS for test in tests for attribute in _attributes(test)):
        return True
    return conversation is not None and any(_compares_length(test, conversation) for test in tests)


def _compares_length(test: cst.BaseExpression, conversation: str) -> bool:
    """`len(messages) < 40` (or `>=`, in any comparison of the test)."""
    found = False

    class _Scan(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            nonlocal found
            if dotted(call.func) == "len" and call.args and dotted(call.args[0].value) == conversation:
                found = True

    walk(test, _Scan())
    return found
