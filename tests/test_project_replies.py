"""CL405/CL406 across modules: a reply's text returned by a function of another module, or through an object's
class, is run; an agent loop hands its conversation to such a method.

The fixture project tests/projects/replies has a provider-neutral `BaseLLM`
(app/llm/base.py, re-exported by app/llm/__init__.py) whose `ask()` returns
`complete_text()`, which returns `self.reply_text(self._complete(...))`; only
the subclass `ClaudeLLM` (a subpackage, its base imported relatively) sends,
and its `reply_text(reply: Message)` reads the text out of the SDK's Message.
`Planner` (app/planner.py) holds an `llm: BaseLLM` and hands its answers to
`eval`, through a function and a classmethod of app/parsing.py that return the
text they are given; `Rehearsal` holds an `EchoLLM` (never calls a model).
app/charts.py is a mixin base whose `submit()` only `ClaudeAssistant`
(app/claude_assistant.py) implements, and whose chart code reaches `exec`
through two of its own methods; app/shell.py runs the text a function of
app/suggest.py returns. Negatives: `ast.literal_eval`, an allow-list check, a
count (not the text) of the reply, a method of the base class that returns no
reply, the echo provider. app/agent.py loops over `self.llm.chat(messages)`,
adding the answers and tool results to `messages`: with no bound (CL406),
with a `range` bound, and a chat that waits for a person each turn (not
reported). A full run, each file alone, stdin and the language server give
the same findings.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from test_project import each_file_alone, each_file_on_stdin, findings
from test_server import _editor_in

from claude_lint.app.runner import RunOptions, run
from claude_lint.config.settings import ConfigResolver

ASK = "`self.llm.ask()` reaches a Claude call in `ClaudeLLM._complete()` (app/llm/providers/claude.py:13) when the object is a `ClaudeLLM`"
RUNS_CODE = (
    "reaches `eval()` and runs as Python code: a prompt injection in anything the model reads (or a confused model) "
    "runs any code here. Parse it (`ast.literal_eval`, `json.loads`) or check it against an allow-list"
)

EXPECTED = [
    # An agent loop that hands its growing conversation to a method reached through the LLM's class.
    ("app/agent.py", 11, 9, "CL406",
     ("This loop sends Claude's replies back to Claude (it adds to `messages` and calls `self.llm.chat(...)` again) "
     "with no bound on its turns: it ends only when the model decides, so a model that keeps calling tools, or an "
     "instruction injected through a tool result, keeps it spending tokens. Count the turns and stop at a limit "
     "(`for _turn in range(25):` ... `else: raise`); `self.llm.chat()` reaches a Claude call in `ClaudeLLM._complete()` "
     "(app/llm/providers/claude.py:13) when the object is a `ClaudeLLM`")),
    # The mixin base: `submit()` is implemented by the Claude mixin; the text goes through two of its methods.
    ("app/charts.py", 21, 9, "CL405",
     ("The text `self.chart_code()` returns (Claude's reply) reaches `exec()` and runs as Python code: a prompt injection "
     "in anything the model reads (or a confused model) runs any code here. Parse it (`ast.literal_eval`, "
     "`json.loads`) or check it against an allow-list; `self.submit()` reaches a Claude call in "
     "`ClaudeAssistant.submit()` (app/claude_assistant.py:12) when the object is a `ClaudeAssistant`")),
    # Through a function of another module that returns the text it is given.
    ("app/planner.py", 18, 17, "CL405", f"The text `self.llm.ask()` returns (Claude's reply) {RUNS_CODE}; {ASK}"),
    # Through a classmethod of another module, the text passed by keyword.
    ("app/planner.py", 23, 16, "CL405", f"The text `self.llm.ask()` returns (Claude's reply) {RUNS_CODE}; {ASK}"),
    # A function of another module, called by name, returns the text.
    ("app/shell.py", 9, 5, "CL405",
     ("The text `suggest_command()` returns (Claude's reply) reaches `os.system()` and runs as a command: a prompt "
     "injection in anything the model reads (or a confused model) runs any command here. Check it against an "
     "allow-list of commands, or run it in a sandbox; `suggest_command()` in app/suggest.py:8 makes the Claude call")),
]

FILES = [
    "app/agent.py", "app/charts.py", "app/claude_assistant.py", "app/llm/__init__.py", "app/llm/base.py", "app/llm/providers/claude.py",
    "app/llm/providers/echo.py", "app/parsing.py", "app/planner.py", "app/shell.py", "app/suggest.py",
]


@pytest.fixture
def replies(project_copy) -> Path:
    return project_copy("replies")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_run_follows_reply_text_through_classes_and_modules(replies: Path, jobs: int) -> None:
    outcome = run(["."], ConfigResolver(), RunOptions(jobs=jobs))
    assert (findings(outcome, replies), outcome.errors) == (EXPECTED, [])


def test_each_file_alone_gives_its_share(replies: Path, run_cli) -> None:
    each_file_alone(replies, EXPECTED, FILES, run_cli)


def test_stdin_gives_the_same_as_the_file(replies: Path, run_cli) -> None:
    each_file_on_stdin(replies, EXPECTED, ["app/agent.py", "app/planner.py", "app/charts.py", "app/shell.py"], run_cli)


def test_a_provider_that_stops_returning_the_text_relints_its_users(replies: Path) -> None:
    run(["."], ConfigResolver(), RunOptions(cache=True))
    claude = replies / "app" / "llm" / "providers" / "claude.py"
    claude.write_text(claude.read_text(encoding="utf-8").replace("return reply.content[0].text", "return str(reply.usage)"), encoding="utf-8")
    after = run(["."], ConfigResolver(), RunOptions(cache=True))
    assert findings(after, replies) == [f for f in EXPECTED if f[1:3] not in ((18, 17), (23, 16))]


def test_an_extractor_that_stops_returning_its_text_relints_its_users(replies: Path, parses: list[str]) -> None:
    run(["."], ConfigResolver(), RunOptions(cache=True))
    parses.clear()
    parsing = replies / "app" / "parsing.py"
    parsing.write_text(parsing.read_text(encoding="utf-8").replace("return match.group(1) if match else text", "return len(text)"), encoding="utf-8")
    after = run(["."], ConfigResolver(), RunOptions(cache=True))
    assert parses == ["app/planner.py"]  # app/parsing.py itself has no SDK trigger: only summarised
    assert findings(after, replies) == [f for f in EXPECTED if f[1:3] != (18, 17)]


async def _session(root: Path) -> None:
    planner, claude = root / "app" / "planner.py", root / "app" / "llm" / "providers" / "claude.py"
    editor = await _editor_in(root)
    try:
        editor.open(planner.as_uri(), planner.read_text(encoding="utf-8"))
        published = await editor.diagnostics_for(planner.as_uri())
        assert [(d.code, d.range.start.line, d.range.start.character, d.message) for d in published.diagnostics] == [
            (code, line - 1, column - 1, message) for path, line, column, code, message in EXPECTED if path == "app/planner.py"
        ]
        # The provider saved without handing back the reply's text: the open planner is linted again.
        changed = claude.read_text(encoding="utf-8").replace("return reply.content[0].text", "return str(reply.usage)")
        claude.write_text(changed, encoding="utf-8")
        editor.save(claude.as_uri())
        assert list((await editor.diagnostics_for(planner.as_uri())).diagnostics) == []
        await editor.client.shutdown_async(None)
    finally:
        editor.client.exit(None)
        await asyncio.wait_for(editor.client.stop(), timeout=10)


def test_the_language_server_follows_the_reply_text_and_updates_on_save(replies: Path) -> None:
    asyncio.run(_session(replies))
