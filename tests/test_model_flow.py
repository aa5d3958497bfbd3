"""CL302 across modules: a retired model id that reaches a Claude call through a parameter, an attribute or an import.

The fixture project tests/projects/models passes model ids to functions and
constructors of other modules (a constructor keyword stored as `self.model`,
a keyword-only parameter, an inherited constructor, a re-export through
`__init__.py`, a dataclass field read as `self.config.model` into a
`**payload` dict, an environment-variable default, a dict picked at run
time), sends names another module defines (a class attribute, a constant, a
dict entry, a pydantic config's field that a subclass of a base client in a
third module sends as `self.config.model`), and keeps model ids that are never sent (a price table, a list of
supported models, an unused mapping, a parameter that only prices tokens, a
config row nobody sends).
A full run, a run on each file alone and stdin give the same findings, each
reported at the literal and naming the call it reaches.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from claude_lint.app.runner import RunOptions, run
from claude_lint.config.settings import ConfigResolver

MODELS = Path(__file__).resolve().parent / "projects" / "models"


def _retired(model: str, day: str, successor: str, call: str) -> str:
    return (
        f"`{model}` was retired on {day}; the API answers 404 for it. Use `{successor}`. "
        f"It becomes the model of the Claude call made by {call}."
    )


SAMPLER = "`Sampler.__call__()` in app/sampler.py:10"
EXPECTED = [
    # Names of app/config.py that app/bot.py sends: a class attribute, a constant, a dict entry
    # with an environment-variable fallback (its unused entry and constant stay quiet).
    ("app/config.py", 5, 13, "CL302",
     _retired("claude-3-5-sonnet-20241022", "2025-10-22", "claude-sonnet-4-6", "`answer()` in app/bot.py:8")),
    ("app/config.py", 9, 14, "CL302",
     _retired("claude-3-haiku-20240307", "2026-04-20", "claude-haiku-4-5", "`classify()` in app/bot.py:16")),
    ("app/config.py", 12, 55, "CL302",
     _retired("claude-3-opus-20240229", "2026-01-05", "claude-opus-4-8", "`chat()` in app/bot.py:20")),
    ("app/main.py", 10, 27, "CL302", _retired("claude-3-opus-20240229", "2026-01-05", "claude-opus-4-8", SAMPLER)),
    ("app/main.py", 12, 25, "CL302", _retired("claude-3-haiku-20240307", "2026-04-20", "claude-haiku-4-5", SAMPLER)),
    ("app/main.py", 15, 18, "CL302",
     _retired("claude-3-5-sonnet-20241022", "2025-10-22", "claude-sonnet-4-6", "`sampling_loop()` in app/loop.py:6")),
    ("app/main.py", 23, 39, "CL302", _retired("claude-3-7-sonnet-20250219", "2026-02-19", "claude-sonnet-4-6", SAMPLER)),
    ("app/main.py", 26, 29, "CL302",
     _retired("claude-opus-4-20250514", "2026-06-15", "claude-opus-4-8", "`Agent.run()` in app/agent.py:24")),
    # A pydantic config's constructor keyword: AgentConfig.model flows into LLMConfig.model
    # (`cls(model=agent.model)`), which a subclass of BaseClient sends as `self.config.model`.
    ("app/settings.py", 25, 41, "CL302",
     _retired("claude-3-7-sonnet-20250219", "2026-02-19", "claude-sonnet-4-6", "`ClaudeClient.complete()` in app/claude_client.py:7")),
]


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "models"
    shutil.copytree(MODELS, root, ignore=shutil.ignore_patterns("__pycache__", ".claude_lint_cache"))
    monkeypatch.chdir(root)
    return root


def _json(stdout: bytes, root: Path, name: str | None = None) -> list[tuple[str, int, int, str, str]]:
    out = []
    for d in json.loads(stdout):
        path = name if name is not None else Path(d["filename"]).resolve().relative_to(root).as_posix()
        out.append((path, d["location"]["row"], d["location"]["column"], d["code"], d["message"]))
    return out


def test_a_full_run_reports_each_retired_model_where_it_is_written(models: Path) -> None:
    outcome = run(["."], ConfigResolver(), RunOptions())
    found = [
        (Path(d.path).resolve().relative_to(models).as_posix(), d.start.line, d.start.column + 1, d.code, d.message)
        for d in outcome.diagnostics
    ]
    assert found == EXPECTED
    assert outcome.errors == []


def test_each_file_alone_and_stdin_give_the_same(models: Path, run_cli) -> None:
    for path in sorted((models / "app").glob("*.py")):
        name = path.relative_to(models).as_posix()
        done = run_cli("check", "--no-cache", "--output-format", "json", name, cwd=models)
        assert done.stderr == b""
        assert _json(done.stdout, models) == [f for f in EXPECTED if f[0] == name], name
    for name in ("app/main.py", "app/config.py"):
        done = run_cli(
            "check", "--output-format", "json", "--stdin-filename", name, "-",
            cwd=models, stdin=(models / name).read_bytes(),
        )
        assert _json(done.stdout, models, name) == [f for f in EXPECTED if f[0] == name], name


def test_the_fix_writes_the_successor_at_the_literal(models: Path, run_cli) -> None:
    done = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", "app/main.py", cwd=models)
    assert done.returncode == 0, done.stdout
    text = (models / "app" / "main.py").read_text(encoding="utf-8")
    assert 'Sampler(model="claude-opus-4-8")' in text
    assert 'os.getenv("CLAUDE_MODEL", "claude-sonnet-4-6")' in text
    # Ids that are never sent are left alone.
    assert 'SUPPORTED = ["claude-3-opus-20240229", "claude-2.1"]' in text
    assert 'print(cost("claude-3-opus-20240229", 10))' in text


def test_a_changed_sink_relints_its_users(models: Path) -> None:
    run(["."], ConfigResolver(), RunOptions(cache=True))
    sampler = models / "app" / "sampler.py"
    # The constructor's model no longer reaches the call: its users' findings go.
    sampler.write_text(sampler.read_text(encoding="utf-8").replace("model=self.model,", 'model="claude-sonnet-4-6",'), encoding="utf-8")
    after = run(["."], ConfigResolver(), RunOptions(cache=True))
    assert [(d.path, d.start.line, d.message.rsplit("made by ", 1)[1]) for d in after.diagnostics] == [
        ("app/config.py", 5, "`answer()` in app/bot.py:8."),
        ("app/config.py", 9, "`classify()` in app/bot.py:16."),
        ("app/config.py", 12, "`chat()` in app/bot.py:20."),
        ("app/main.py", 15, "`sampling_loop()` in app/loop.py:6."),
        ("app/main.py", 26, "`Agent.run()` in app/agent.py:24."),
        ("app/settings.py", 25, "`ClaudeClient.complete()` in app/claude_client.py:7."),
    ]


def test_a_module_that_stops_sending_a_name_relints_the_module_defining_it(models: Path, parses: list[str]) -> None:
    run(["."], ConfigResolver(), RunOptions(cache=True))
    bot = models / "app" / "bot.py"
    bot.write_text(bot.read_text(encoding="utf-8").replace("model=FAST_MODEL", 'model="claude-haiku-4-5"'), encoding="utf-8")
    parses.clear()
    after = run(["."], ConfigResolver(), RunOptions(cache=True))
    assert sorted(set(parses)) == ["app/bot.py", "app/config.py"]
    assert [(d.path, d.start.line) for d in after.diagnostics if d.path == "app/config.py"] == [
        ("app/config.py", 5),
        ("app/config.py", 12),
    ]
