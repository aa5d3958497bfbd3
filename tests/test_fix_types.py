"""Fixed programs type-check as well as before: mypy over fixture programs with a typed client.

Each program is fixed with `--select ALL --fix --unsafe-fixes` (helper vendored
as `claude_helper`); mypy then checks the originals and the fixed copies, and
the fixed copies may not have an error the originals did not (compared by
message, not line). A sanity program shows mypy does catch the mistake this
guards against: `with_options` called on a resource instead of the client.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from claude_lint.config.settings import Settings
from claude_lint.engine.fix_loop import fix_text

pytest.importorskip("mypy")
pytest.importorskip("tenacity")
pytestmark = pytest.mark.slow

SETTINGS = Settings(sdk_version="2.14.0", helper_module="claude_helper")
HELPER = Path(__file__).resolve().parent.parent / "claude_lint" / "helper.py"

PROGRAMS = {
    "stacked_tenacity": """
        import json

        import anthropic
        from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

        client = anthropic.Anthropic()


        @retry(retry=retry_if_exception_type(anthropic.APIError), stop=stop_after_attempt(5), wait=wait_random_exponential(max=60), reraise=True)
        def ask(prompt: str) -> object:
            reply = client.beta.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": prompt}])
            return json.loads(reply.to_json())
        """,
    "loop_to_helper": """
        import time

        import anthropic

        client = anthropic.Anthropic(max_retries=0)


        def title(prompt: str) -> anthropic.types.Message | None:
            for _ in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=16, messages=[{"role": "user", "content": prompt}])
                except Exception:
                    time.sleep(1)
            raise RuntimeError("gave up")


        def headline(prompt: str) -> str:
            try:
                reply = title(prompt)
            except anthropic.APIError:
                return "untitled"
            return str(reply)
        """,
    "decorator_to_helper": """
        import anthropic
        from tenacity import retry, stop_after_attempt, wait_fixed

        class Bot:
            def __init__(self, client: anthropic.Anthropic) -> None:
                self.client = client

            @retry(stop=stop_after_attempt(3), wait=wait_fixed(1))
            def ask(self, prompt: str) -> anthropic.types.Message:
                return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
        """,
    "async_no_retries": """
        import anthropic

        async def ask(client: anthropic.AsyncAnthropic, prompt: str) -> anthropic.types.Message:
            fast = client.with_options(max_retries=0)
            return await fast.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
        """,
    "deferred_import": """
        def ask(prompt: str) -> object:
            import anthropic

            client = anthropic.Anthropic(max_retries=0)
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
        """,
    "stream": """
        import anthropic

        client = anthropic.Anthropic(max_retries=0)

        def tell(prompt: str) -> str:
            with client.messages.stream(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}]) as stream:
                return "".join(stream.text_stream)
        """,
}


def _mypy(directory: Path, cache: Path) -> dict[str, Counter[str]]:
    files = sorted(str(p.name) for p in directory.glob("prog_*.py"))
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache), "--no-error-summary", "--show-error-codes",
         "--ignore-missing-imports", "--follow-imports=silent", *files],
        cwd=directory, capture_output=True, text=True, timeout=900, check=False,
    )
    errors: dict[str, Counter[str]] = {}
    for line in run.stdout.splitlines():
        match = re.match(r"(prog_\w+)\.py:\d+: error: (.*)", line)
        if match:
            errors.setdefault(match.group(1), Counter())[match.group(2)] += 1
    assert run.returncode in (0, 1), run.stdout + run.stderr
    return errors


def test_fixed_programs_add_no_type_errors(tmp_path: Path) -> None:
    original, fixed, cache = tmp_path / "original", tmp_path / "fixed", tmp_path / "cache"
    for directory in (original, fixed):
        directory.mkdir()
        (directory / "claude_helper.py").write_text(HELPER.read_text(encoding="utf-8"), encoding="utf-8")
    changed = []
    for name, code in PROGRAMS.items():
        source = textwrap.dedent(code).lstrip()
        outcome = fix_text(f"prog_{name}.py", source, SETTINGS, None, unsafe=True)
        assert not outcome.errors
        (original / f"prog_{name}.py").write_text(source, encoding="utf-8")
        (fixed / f"prog_{name}.py").write_text(outcome.fixed, encoding="utf-8")
        if outcome.changed:
            changed.append(name)
    # The sanity program: mypy must see `with_options` on a resource.
    (fixed / "prog_sanity.py").write_text(
        "import anthropic\n\nclient = anthropic.Anthropic()\n"
        "client.messages.with_options(max_retries=0)\n",
        encoding="utf-8",
    )
    before, after = _mypy(original, cache), _mypy(fixed, cache)
    assert any("with_options" in message for message in after.get("prog_sanity", {})), after
    assert sorted(changed) == sorted(PROGRAMS), changed  # every program was fixed
    for name in PROGRAMS:
        new = after.get(f"prog_{name}", Counter()) - before.get(f"prog_{name}", Counter())
        assert not new, (name, new)
