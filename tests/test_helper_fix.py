"""Helper adoption (H fixes): legacy retry scaffolding rewritten onto the reference helper."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import uuid
from pathlib import Path

import libcst as cst
import pytest
from fake_api import FakeAnthropicAPI, Reply, error, fake_api  # noqa: F401  (fixture)

from claude_lint.config.settings import Settings
from claude_lint.engine.fix_loop import fix_text

SETTINGS = Settings(sdk_version="2.14.0")
RETRY_RULES = frozenset({"CL201", "CL202", "CL203", "CL204", "CL207", "CL208", "CL210", "CL211"})


def fix(code: str, settings: Settings = SETTINGS) -> str:
    outcome = fix_text("legacy.py", textwrap.dedent(code), settings, RETRY_RULES, unsafe=True)
    assert not outcome.errors
    cst.parse_module(outcome.fixed)
    again = fix_text("legacy.py", outcome.fixed, settings, RETRY_RULES, unsafe=True)
    assert again.fixed == outcome.fixed, "fixing twice must equal fixing once"
    return outcome.fixed


def test_for_range_loop_with_return_becomes_one_helper_call() -> None:
    fixed = fix(
        """\
        import time

        import anthropic

        client = anthropic.Anthropic(max_retries=0)


        def ask(prompt):
            # retry three times on any error
            for attempt in range(3):
                try:
                    return client.messages.create(
                        model="claude-sonnet-4-6",
                        max_tokens=64,
                        messages=[{"role": "user", "content": prompt}],
                    )
                except Exception as exc:
                    print("retrying", exc)
                    time.sleep(2 ** attempt)
            return None
        """
    )
    assert fixed == textwrap.dedent(
        """\
        import time

        import anthropic
        from claude_lint.helper import RetryPolicy, create_message

        client = anthropic.Anthropic(max_retries=0)


        def ask(prompt):
            # retry three times on any error
            return create_message(
                client,
                model="claude-sonnet-4-6",
                max_tokens=64,
                messages=[{"role": "user", "content": prompt}],
                retry=RetryPolicy(max_attempts=3),
            )
        """
    )


def test_assign_and_break_loop_and_async_client() -> None:
    fixed = fix(
        """\
        import asyncio
        import anthropic

        client = anthropic.AsyncAnthropic(max_retries=0)

        async def ask(prompt):
            reply = None
            for _ in range(5):
                try:
                    reply = await client.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=[{"role": "user", "content": prompt}])
                    break
                except anthropic.APIError:
                    await asyncio.sleep(1)
            return reply
        """
    )
    assert fixed == textwrap.dedent(
        """\
        import asyncio
        import anthropic
        from claude_lint.helper import RetryPolicy, acreate_message

        client = anthropic.AsyncAnthropic(max_retries=0)

        async def ask(prompt):
            reply = None
            reply = await acreate_message(client, model="claude-haiku-4-5", max_tokens=64, messages=[{"role": "user", "content": prompt}], retry=RetryPolicy(max_attempts=5))
            return reply
        """
    )


def test_tenacity_decorator_on_a_bare_call_is_removed() -> None:
    fixed = fix(
        """\
        import anthropic
        from tenacity import retry, stop_after_attempt

        client = anthropic.Anthropic()


        @retry(stop=stop_after_attempt(4))
        def ask(prompt: str):
            \"\"\"Ask Claude.\"\"\"
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
        """
    )
    assert fixed == textwrap.dedent(
        """\
        import anthropic
        from tenacity import retry, stop_after_attempt
        from claude_lint.helper import RetryPolicy, create_message

        client = anthropic.Anthropic()


        def ask(prompt: str):
            \"\"\"Ask Claude.\"\"\"
            return create_message(client, model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}], retry=RetryPolicy(max_attempts=4))
        """
    )


def test_unrecognised_shape_rewrites_only_the_call() -> None:
    fixed = fix(
        """\
        import time
        import anthropic

        client = anthropic.Anthropic(max_retries=0)

        def ask(prompt):
            for attempt in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": f"{attempt}: {prompt}x"}])
                except Exception:
                    notify_ops()
                    time.sleep(1)
        """
    )
    # The loop uses `attempt` in the request and its handler calls notify_ops(): kept.
    assert "for attempt in range(3):" in fixed
    assert "notify_ops()" in fixed
    assert "return create_message(client, model=" in fixed
    assert fixed.count("from claude_lint.helper import") == 1


def test_helper_module_setting_and_no_duplicate_imports() -> None:
    fixed = fix(
        """\
        import anthropic
        from myapp.llm_helper import create_message

        client = anthropic.Anthropic(max_retries=0)

        def one(p):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": p}])

        def two(p):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=32, messages=[{"role": "user", "content": p}])
        """,
        Settings(sdk_version="2.14.0", helper_module="myapp.llm_helper"),
    )
    assert fixed.count("import create_message") == 1
    assert fixed.count("create_message(client, ") == 2


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


def test_fixed_module_still_imports_and_retries_against_the_fake_api(
    fake_api: FakeAnthropicAPI, tmp_path: Path
) -> None:
    legacy = textwrap.dedent(
        f"""\
        import time

        import anthropic

        client = anthropic.Anthropic(api_key="test-key", base_url="{fake_api.base_url}", max_retries=0)


        def ask(prompt):
            for attempt in range(3):
                try:
                    return client.messages.create(
                        model="claude-sonnet-5-5",
                        max_tokens=64,
                        messages=[{{"role": "user", "content": prompt}}],
                    )
                except Exception:
                    time.sleep(0.01)
            return None
        """
    )
    fixed = fix(legacy)
    assert "for attempt" not in fixed
    path = tmp_path / "legacy_fixed.py"
    path.write_text(fixed, encoding="utf-8")
    name = f"legacy_fixed_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        fake_api.script(error(529), Reply())
        message = module.ask("hello")
        assert message.content[0].text
        assert fake_api.count == 2
        # A 401 is no longer retried: one request, the original error.
        fake_api.script(error(401))
        import anthropic

        with pytest.raises(anthropic.AuthenticationError):
            module.ask("hello")
        assert fake_api.count == 3
    finally:
        sys.modules.pop(name, None)
