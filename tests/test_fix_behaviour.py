"""Fixed legacy programs behave as before: run with the real SDK, original and fixed, against the fake API.

Each module below is a legacy shape from real code (loops returning sentinels,
tenacity kept or removable, a chat loop, an agent step loop, async, `beta`
calls, a `max_retries=0` client, a caller's `except anthropic.APIError`). Each
is fixed with `--select ALL --fix --unsafe-fixes` (helper vendored as
`claude_helper`, as `claude-lint helper --write` sets up), then both versions
run `run(prompt)` through five scenarios: 200; 529 twice then 200; 401 always;
429 always; an empty prompt the API answers with 400. What must hold:

- the success value is unchanged (and a retried 529 still succeeds);
- a persistent failure costs no more requests than before, or than the
  helper's own policy where nothing retried before;
- 401 and 400 are not retried once the helper makes the call (where no helper
  fix applies, the code keeps its own retry, and no more requests than before);
- an outcome a caller checks (a sentinel, None) stays the same kind; any
  other change of outcome is one the fix's title declares.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import sys
import textwrap
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from fake_api import FakeAnthropicAPI, Reply, error, fake_api  # noqa: F401  (fixture)

from claude_lint.config.settings import Settings
from claude_lint.engine.fix_loop import fix_text
from claude_lint.engine.lint import lint_text

pytest.importorskip("tenacity")

SETTINGS = Settings(sdk_version="2.14.0", helper_module="claude_helper")
HELPER_ATTEMPTS = 4  # RetryPolicy().max_attempts
FAST = {"retry-after-ms": "1"}  # the SDK and the helper both honour it: no real waiting
PROLOGUE = """\
import os
import time

import anthropic

BASE = dict(api_key="test-key", base_url=os.environ["FAKE_ANTHROPIC_URL"])
"""


@dataclass(frozen=True)
class Legacy:
    name: str
    code: str
    # The caller checks the failure outcome (a sentinel or None): it must keep its kind.
    checked: bool = False
    # Words the fix's title must hold when the failure outcome changes kind.
    declared: str = ""


MODULES = [
    Legacy(
        "loop_returning_none",
        """
        client = anthropic.Anthropic(max_retries=0, **BASE)

        def run(prompt):
            for attempt in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
                except Exception:
                    time.sleep(0.01)
            return None
        """,
        declared="raises the API error instead of returning None",
    ),
    Legacy(
        "loop_with_checked_sentinel",
        """
        API_ERROR_OUTPUT = "$ERROR$"
        client = anthropic.Anthropic(**BASE)

        def query(prompt):
            for attempt in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}]).content[0].text
                except anthropic.APIError:
                    time.sleep(0.01)
            return API_ERROR_OUTPUT

        def run(prompt):
            out = query(prompt)
            return None if out == API_ERROR_OUTPUT else out
        """,
        checked=True,
    ),
    Legacy(
        "optional_return",
        """
        client = anthropic.Anthropic(max_retries=0, **BASE)

        def run(prompt) -> str | None:
            for attempt in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}]).content[0].text
                except Exception:
                    time.sleep(0.01)
            return None
        """,
        checked=True,
    ),
    Legacy(
        "tenacity_removable",
        """
        from tenacity import retry, stop_after_attempt, wait_fixed

        client = anthropic.Anthropic(**BASE)

        @retry(stop=stop_after_attempt(3), wait=wait_fixed(0.01))
        def ask(prompt):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])

        def run(prompt):
            return ask(prompt).content[0].text
        """,
        declared="raises the API error instead of tenacity.RetryError",
    ),
    Legacy(
        "tenacity_kept",
        """
        from tenacity import retry, stop_after_attempt, wait_fixed

        client = anthropic.Anthropic(**BASE)

        @retry(stop=stop_after_attempt(3), wait=wait_fixed(0.01), reraise=True)
        def run(prompt):
            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
            return reply.content[0].text.strip()
        """,
    ),
    Legacy(
        "chat_loop",
        """
        client = anthropic.Anthropic(**BASE)

        def run(prompt):
            lines = iter([prompt])
            history = []
            answer = None
            while True:
                line = next(lines, None)
                if line is None:
                    return answer
                history.append({"role": "user", "content": line})
                try:
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=history)
                except anthropic.APIError as e:
                    print("error:", e)
                    history.pop()
                    continue
                answer = reply.content[0].text
                history.append({"role": "assistant", "content": answer})
        """,
        checked=True,
    ),
    Legacy(
        "agent_step_loop",
        """
        client = anthropic.Anthropic(**BASE)

        def step(history):
            try:
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=history)
            except Exception as e:
                print("step failed:", e)
                return None

        def run(prompt):
            history = [{"role": "user", "content": prompt}]
            for _ in range(2):
                reply = step(history)
                if reply is None:
                    return "agent stopped"
                if reply.stop_reason == "end_turn":
                    return reply.content[0].text
            return "out of steps"
        """,
        checked=True,
    ),
    Legacy(
        "async_loop",
        """
        import asyncio

        client = anthropic.AsyncAnthropic(max_retries=0, **BASE)

        async def run(prompt):
            for attempt in range(3):
                try:
                    reply = await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
                    return reply
                except anthropic.APIError:
                    await asyncio.sleep(0.01)
            raise RuntimeError("Claude is unavailable")
        """,
        declared="raises the API error instead of raising RuntimeError",
    ),
    Legacy(
        "beta_call",
        """
        client = anthropic.Anthropic(**BASE)

        def run(prompt):
            for attempt in range(3):
                try:
                    return client.beta.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
                except anthropic.APIError:
                    time.sleep(0.01)
            raise RuntimeError("gave up")
        """,
    ),
    Legacy(
        "no_retries_client",
        """
        client = anthropic.Anthropic(max_retries=0, **BASE)

        def run(prompt):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
        """,
    ),
    Legacy(
        "caller_catches_api_error",
        """
        client = anthropic.Anthropic(max_retries=0, **BASE)

        def title(prompt):
            for attempt in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=16, messages=[{"role": "user", "content": prompt}]).content[0].text
                except anthropic.APIError:
                    time.sleep(0.01)
            raise RuntimeError("Claude failed")

        def run(prompt):
            try:
                return title(prompt)
            except anthropic.APIError:
                return "untitled"
        """,
        declared="raises the API error instead of raising RuntimeError",
    ),
    Legacy(
        "while_counter_loop",
        """
        client = anthropic.Anthropic(max_retries=0, **BASE)

        def run(prompt):
            tries = 0
            while tries < 3:
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}]).content[0].text
                except Exception as e:
                    print("retrying:", e)
                    tries += 1
                    time.sleep(0.01)
            raise RuntimeError("gave up")
        """,
        declared="raises the API error instead of raising RuntimeError",
    ),
]


def _source(legacy: Legacy) -> str:
    return PROLOGUE + "\n" + textwrap.dedent(legacy.code)


def _fixed(legacy: Legacy) -> tuple[str, list[str]]:
    """The module after `--select ALL --fix --unsafe-fixes`, and the titles of the fixes offered."""
    source = _source(legacy)
    outcome = fix_text(f"{legacy.name}.py", source, SETTINGS, None, unsafe=True)
    assert not outcome.errors
    titles = [d.fix.message for d in lint_text(f"{legacy.name}.py", source, SETTINGS, None).diagnostics if d.fix]
    return outcome.fixed, titles


def _load(directory: Path, text: str) -> Callable[[str], object]:
    name = f"legacy_{uuid.uuid4().hex}"
    path = directory / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.run


@dataclass(frozen=True)
class Outcome:
    kind: str  # "value", "none", "exception"
    value: object
    requests: int


def _run(api: FakeAnthropicAPI, run: Callable[[str], object], prompt: str, *script: Reply) -> Outcome:
    before = api.count
    api.script(*script)
    try:
        result = run(prompt)
        if inspect.iscoroutine(result):
            result = _LOOP.run_until_complete(result)
    except Exception as e:  # noqa: BLE001  (the outcome under test)
        return Outcome("exception", type(e).__name__, api.count - before)
    finally:
        api.clear()  # nothing left over for the next scenario
    if result is None:
        return Outcome("none", None, api.count - before)
    text = result.content[0].text if hasattr(result, "content") else result
    return Outcome("value", text, api.count - before)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch, fake_api: FakeAnthropicAPI, tmp_path: Path) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("FAKE_ANTHROPIC_URL", fake_api.base_url)
    helper = Path(__file__).resolve().parent.parent / "claude_lint" / "helper.py"
    (tmp_path / "claude_helper.py").write_text(helper.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "claude_helper", raising=False)


# One event loop for every async run: an async client keeps its connections on the loop it
# first ran in.
_LOOP = asyncio.new_event_loop()


def _always(status: int) -> list[Reply]:
    return [error(status, headers=FAST) for _ in range(40)]


@pytest.mark.parametrize("legacy", MODULES, ids=[m.name for m in MODULES])
def test_fixed_program_behaves_as_before(legacy: Legacy, fake_api: FakeAnthropicAPI, tmp_path: Path) -> None:
    fixed_text, titles = _fixed(legacy)
    original = _load(tmp_path, _source(legacy))
    fixed = _load(tmp_path, fixed_text)
    results = {}
    for scenario, prompt, script in (
        ("200", "hello", [Reply()]),
        ("529x2", "hello", [error(529, headers=FAST), error(529, headers=FAST), Reply()]),
        ("401", "hello", _always(401)),
        ("429", "hello", _always(429)),
        ("400", "", _always(400)),
    ):
        before = _run(fake_api, original, prompt, *script)
        after = _run(fake_api, fixed, prompt, *script)
        results[scenario] = (before, after)
        if before.kind == "value":
            assert after == Outcome("value", before.value, after.requests), (scenario, before, after)
        if scenario in ("401", "400") and "claude_helper" in fixed_text:
            assert after.requests <= 1, (scenario, after)  # the helper never retries them
        if scenario in ("401", "429", "400"):
            assert after.requests <= max(before.requests, HELPER_ATTEMPTS if before.requests <= 1 else 0), (
                scenario, before, after,
            )
        if scenario == "529x2" and before.kind == "exception" and after.kind == "value":
            continue  # nothing retried the overload before; the helper's retry now succeeds
        if after.kind != before.kind or (before.kind == "exception" and after.value != before.value):
            assert not legacy.checked, (scenario, before, after)
            if before.kind != "exception" or after.kind != "exception" or not _same_family(before, after):
                assert legacy.declared and any(legacy.declared in t for t in titles), (scenario, before, after, titles)
    # The fix did something to every module but the ones whose outcome callers check.
    assert (fixed_text != _source(legacy)) or legacy.checked, titles
    assert results["200"][0].kind == "value"


def _same_family(before: Outcome, after: Outcome) -> bool:
    """A 400 that became the helper's RequestValidationError: both say the request was bad."""
    return (before.value, after.value) in {("BadRequestError", "RequestValidationError")}
