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

SETTINGS = Settings(sdk_version="2.14.0", helper_module="claude_lint.helper")
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


def test_unrecognised_shape_gets_no_helper_fix() -> None:
    code = """\
        import time
        import anthropic

        client = anthropic.Anthropic(max_retries=0)

        def ask(prompt):
            for attempt in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
                except Exception:
                    notify_ops()
                    time.sleep(1)
        """
    # The handler calls notify_ops(): the loop cannot go, and
    # rewriting the call inside it would stack the helper's retries on the loop's.
    assert fix(code) == textwrap.dedent(code)


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


# ---------------------------------------------------------------- the seven classes of issue 12
# Each was a fix that broke a working program on real code; each is pinned here with the exact
# text `--fix --unsafe-fixes` writes now.

VENDORED = Settings(sdk_version="2.14.0", helper_module="myapp.claude_helper")


def fix_all(code: str, settings: Settings = VENDORED) -> tuple[str, dict[str, int]]:
    """Every rule, unsafe fixes on, as `check --select ALL --fix --unsafe-fixes` runs them."""
    outcome = fix_text("legacy.py", textwrap.dedent(code), settings, None, unsafe=True)
    assert not outcome.errors
    compile(outcome.fixed, "legacy.py", "exec")
    assert fix_text("legacy.py", outcome.fixed, settings, None, unsafe=True).fixed == outcome.fixed
    return outcome.fixed, dict(outcome.applied)


def lint(code: str, settings: Settings = VENDORED) -> list[tuple[str, int, str]]:
    from claude_lint.engine.lint import lint_text

    result = lint_text("legacy.py", textwrap.dedent(code), settings, None)
    return [(d.code, d.start.line, d.message) for d in result.diagnostics]


def test_class_1_a_resource_is_never_taken_for_the_client() -> None:
    code = """\
        import anthropic
        from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

        client = anthropic.Anthropic()


        @retry(retry=retry_if_exception_type(anthropic.APIError), stop=stop_after_attempt(3), wait=wait_random_exponential(max=20), reraise=True)
        def cached_ask(system, prompt):
            return client.beta.prompt_caching.messages.create(
                model="claude-sonnet-4-6",
                max_tokens=256,
                system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
                messages=[{"role": "user", "content": prompt}],
            )
        """
    fixed, applied = fix_all(code)
    # `with_options` goes on the client, and the resource path is carried over.
    assert fixed == textwrap.dedent(code).replace(
        "return client.beta.prompt_caching.messages.create(",
        "return client.with_options(max_retries=0).beta.prompt_caching.messages.create(",
    )
    assert applied == {"CL207": 1}
    # No helper fix, and CL202 says why.
    assert (
        "CL202",
        7,
        "`@retry(...)` retries broad exception types, including BadRequestError (400), AuthenticationError (401), "
        "PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, which fail the same way on every "
        "attempt; no helper fix: the helper calls `client.messages`, not `client.beta.prompt_caching.messages`",
    ) in lint(code)


def test_class_1_no_with_options_on_a_resource_held_in_a_variable() -> None:
    code = """\
        import time
        import anthropic

        client = anthropic.Anthropic()
        messages = client.messages

        def ask(prompt):
            for attempt in range(3):
                try:
                    return messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
                except (anthropic.RateLimitError, anthropic.InternalServerError, anthropic.APIConnectionError, anthropic.ConflictError, anthropic.RequestTimeoutError):
                    time.sleep(2 ** attempt + 1)
            raise RuntimeError("gave up")
        """
    fixed, applied = fix_all(code)
    assert fixed == textwrap.dedent(code)
    assert [c for c, _, _ in lint(code)].count("CL207") == 1


def test_class_2_the_users_retry_is_removed_with_the_helper_or_nothing_changes() -> None:
    fixed, applied = fix_all(
        """\
        import time

        import anthropic
        from tenacity import retry, stop_after_attempt

        client = anthropic.Anthropic(max_retries=0)


        def ask(prompt):
            for attempt in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
                except Exception as e:
                    notify_ops(e)
                    time.sleep(2 ** attempt)
            raise RuntimeError("gave up")


        @retry(stop=stop_after_attempt(3))
        def summarise(text):
            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": text}])
            return reply.content[0].text


        @retry(stop=stop_after_attempt(3))
        def classify(text):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=8, messages=[{"role": "user", "content": text}])
        """
    )
    # ask(): the handler does more than wait, so the loop stays and so does the call.
    # summarise(): tenacity retried the whole function (the reply's parsing too): it stays,
    # and gets CL204's wait and CL208's reraise. classify(): the decorator goes with the
    # helper fix, and CL208 never adds `reraise=True` to it.
    assert fixed == textwrap.dedent(
        """\
        import time

        import anthropic
        from tenacity import retry, stop_after_attempt, wait_random_exponential
        from myapp.claude_helper import RetryPolicy, create_message

        client = anthropic.Anthropic(max_retries=0)


        def ask(prompt):
            for attempt in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
                except Exception as e:
                    notify_ops(e)
                    time.sleep(2 ** attempt)
            raise RuntimeError("gave up")


        @retry(stop=stop_after_attempt(3), wait=wait_random_exponential(multiplier=1, max=60), reraise=True)
        def summarise(text):
            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": text}])
            return reply.content[0].text


        def classify(text):
            return create_message(client, model="claude-sonnet-4-6", max_tokens=8, messages=[{"role": "user", "content": text}], retry=RetryPolicy(max_attempts=3))
        """
    )
    assert applied == {"CL202": 1, "CL204": 1, "CL208": 1}


def test_class_2_a_helper_call_inside_a_retry_is_a_stacked_retry() -> None:
    findings = lint(
        """\
        import anthropic
        from tenacity import retry, stop_after_attempt
        from myapp.claude_helper import RetryPolicy, create_message

        client = anthropic.Anthropic()

        @retry(stop=stop_after_attempt(3), reraise=True)
        def ask(prompt):
            return create_message(client, model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])

        def fast(prompt):
            return create_message(client, model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}], retry=RetryPolicy(max_attempts=50))

        def once(prompt):
            return create_message(client, model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}], retry=RetryPolicy(max_attempts=1))
        """
    )
    assert [f for f in findings if f[0] in ("CL201", "CL203", "CL207")] == [
        (
            "CL207",
            7,
            "`@retry(...)` retries a call of the reference helper, which retries by itself: 3 attempts x 4 helper "
            "attempts = up to 12 requests per call; remove the outer retry and set the helper's `retry=RetryPolicy(...)`",
        ),
        ("CL203", 12, "`max_attempts=50` makes the helper try a failing call up to 50 times; keep it at most 10 (`max-attempts`)"),
        (
            "CL201",
            15,
            "`max_attempts=1` makes the helper try this Claude call 1 time, below `min-attempts` (2): a 429, 529 or "
            "dropped connection fails the request at once",
        ),
    ]


def test_class_3_checked_sentinels_stay_and_handlers_catch_the_validation_error() -> None:
    fixed, applied = fix_all(
        """\
        import time

        import anthropic

        API_ERROR_OUTPUT = "$ERROR$"
        client = anthropic.Anthropic(max_retries=0)


        def query(prompt):
            for _ in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
                except anthropic.APIError:
                    time.sleep(1)
            return API_ERROR_OUTPUT


        def ask(prompt) -> str | None:
            for _ in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}]).content[0].text
                except Exception:
                    time.sleep(1)
            return None


        def title(prompt):
            for _ in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=16, messages=[{"role": "user", "content": prompt}])
                except Exception:
                    time.sleep(1)
            return None


        def headline(prompt):
            try:
                return title(prompt)
            except anthropic.APIError:
                return "untitled"
        """
    )
    assert fixed == textwrap.dedent(
        """\
        import time

        import anthropic
        from myapp.claude_helper import RequestValidationError, RetryPolicy, create_message

        API_ERROR_OUTPUT = "$ERROR$"
        client = anthropic.Anthropic(max_retries=0)


        def query(prompt):
            for _ in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
                except anthropic.APIError:
                    time.sleep(1)
            return API_ERROR_OUTPUT


        def ask(prompt) -> str | None:
            for _ in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}]).content[0].text
                except Exception:
                    time.sleep(1)
            return None


        def title(prompt):
            return create_message(client, model="claude-sonnet-4-6", max_tokens=16, messages=[{"role": "user", "content": prompt}], retry=RetryPolicy(max_attempts=3))


        def headline(prompt):
            try:
                return title(prompt)
            except (anthropic.APIError, RequestValidationError):
                return "untitled"
        """
    )
    assert applied == {"CL210": 1}


def test_class_3_the_fix_title_declares_what_changes() -> None:
    from claude_lint.engine.lint import lint_text

    code = textwrap.dedent(
        """\
        import time
        import anthropic

        client = anthropic.Anthropic(max_retries=0)

        def title(prompt):
            for _ in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=16, messages=[{"role": "user", "content": prompt}])
                except Exception:
                    time.sleep(1)
        """
    )
    result = lint_text("legacy.py", code, VENDORED, frozenset({"CL210"}))
    assert [d.fix.message for d in result.diagnostics if d.fix] == [
        "Replace the retry loop with the reference helper (3 attempts): retries only 429, 5xx and connection "
        "errors; when attempts run out it raises the API error instead of returning None; an invalid request "
        "raises RequestValidationError (a ValueError) before sending"
    ]


def test_class_4_no_stacked_retry_where_nothing_waits_and_retries() -> None:
    code = """\
        import anthropic

        client = anthropic.Anthropic()


        def chat():
            history = []
            while True:
                line = input("> ")
                history.append({"role": "user", "content": line})
                try:
                    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=history)
                except anthropic.APIError as e:
                    print("error:", e)
                    history.pop()
                    continue
                history.append({"role": "assistant", "content": reply.content[0].text})


        def step(agent):
            try:
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=agent.history)
            except Exception as e:
                agent.log(e)
                return None


        def run(agent):
            for _ in range(20):
                if step(agent) is None:
                    agent.wait(5)
        """
    assert "CL207" not in [code for code, _, _ in lint(code)]
    fixed, _ = fix_all(code)
    assert "with_options" not in fixed


def test_class_5_helper_calls_stay_analysed() -> None:
    code = """\
        import anthropic
        from claude_lint.helper import create_message

        client = anthropic.Anthropic()


        def ask(text):
            try:
                return create_message(client, model="claude-3-haiku-20240307", max_tokens=0, temprature=1, messages=[{"role": "system", "content": text}])
            except:
                pass
        """
    assert [(c, line) for c, line, _ in lint(code)] == [
        ("CL302", 9),
        ("CL305", 9),
        ("CL305", 9),
        ("CL306", 9),
        ("CL101", 10),
        ("CL102", 10),
    ]
    fixed, applied = fix_all(code)
    assert applied == {"CL101": 1, "CL302": 1}
    assert [(c, line) for c, line, _ in lint(fixed)] == [("CL305", 9), ("CL305", 9), ("CL306", 9), ("CL102", 10)]


def test_class_6_no_runtime_dependency_without_a_configured_helper_module(tmp_path: Path, run_cli) -> None:
    legacy = textwrap.dedent(
        """\
        import anthropic

        client = anthropic.Anthropic(max_retries=0)


        def ask(prompt):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
        """
    )
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n', encoding="utf-8")
    app = tmp_path / "src" / "app"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "legacy.py").write_text(legacy, encoding="utf-8")
    # Not configured: --fix writes nothing, the message says how to set it up, --diff shows it.
    run = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", "--select", "CL201", "src", cwd=tmp_path)
    assert (app / "legacy.py").read_text(encoding="utf-8") == legacy
    assert run.returncode == 1
    assert b"shown, not applied: no `helper-module` is configured" in run.stdout
    diff = run_cli("check", "--no-cache", "--diff", "--unsafe-fixes", "--select", "CL201", "src", cwd=tmp_path)
    assert b"+from claude_lint.helper import create_message" in diff.stdout
    # Vendoring records the module; the fix then imports from the project's own copy.
    vendor = run_cli("helper", "--write", "src/app", cwd=tmp_path)
    assert vendor.returncode == 0, vendor.stderr
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == (
        '[project]\nname = "app"\n\n[tool.claude-lint]\nhelper-module = "app.claude_helper"\n'
    )
    run = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", "--select", "CL201", "src", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert (app / "legacy.py").read_text(encoding="utf-8") == textwrap.dedent(
        """\
        import anthropic
        from app.claude_helper import create_message

        client = anthropic.Anthropic(max_retries=0)


        def ask(prompt):
            return create_message(client, model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])
        """
    )
    # The vendored copy lints clean under every rule.
    clean = run_cli("check", "--no-cache", "--select", "ALL", "src/app/claude_helper.py", cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout
    assert b"All checks passed!" in clean.stdout


def test_class_6_imports_follow_a_deferred_import_anthropic() -> None:
    fixed, applied = fix_all(
        """\
        def ask(prompt):
            import anthropic

            client = anthropic.Anthropic(max_retries=0)
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])


        def offline():
            return "no network needed"
        """
    )
    assert fixed == textwrap.dedent(
        """\
        def ask(prompt):
            import anthropic
            from myapp.claude_helper import create_message

            client = anthropic.Anthropic(max_retries=0)
            return create_message(client, model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": prompt}])


        def offline():
            return "no network needed"
        """
    )
    assert applied == {"CL201": 1}


def test_class_7_no_messages_only_successor_on_legacy_completions() -> None:
    code = """\
        import anthropic

        client = anthropic.Anthropic()


        def complete(prompt):
            return client.completions.create(model="claude-2", max_tokens_to_sample=256, prompt=f"\\n\\nHuman: {prompt}\\n\\nAssistant:")
        """
    assert ("CL302", 7, (
        "`claude-2` was retired on 2025-07-21; the API answers 404 for it. Its successor `claude-sonnet-4-6` "
        "takes only the Messages API: migrate this call to `client.messages.create`."
    )) in lint(code)
    fixed, applied = fix_all(code)
    assert fixed == textwrap.dedent(code) and applied == {}


def test_an_attempt_count_behind_a_module_constant_is_carried_over() -> None:
    fixed = fix(
        """\
        import time

        import anthropic

        API_MAX_RETRY = 5
        client = anthropic.Anthropic(max_retries=0)


        def ask(prompt):
            for _ in range(API_MAX_RETRY):
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
                except anthropic.APIError as exc:
                    print(exc)
                    time.sleep(2)
            raise RuntimeError("no reply")
        """
    )
    assert fixed == textwrap.dedent(
        """\
        import time

        import anthropic
        from claude_lint.helper import RetryPolicy, create_message

        API_MAX_RETRY = 5
        client = anthropic.Anthropic(max_retries=0)


        def ask(prompt):
            return create_message(client, model="claude-sonnet-4-6", max_tokens=64, messages=[prompt], retry=RetryPolicy(max_attempts=5))
        """
    )


JUDGE = textwrap.dedent(
    """\
    import random
    import time

    import anthropic

    from .claude_helper import create_message
    from .config import API_MAX_RETRY, API_RETRY_SLEEP

    client = anthropic.Anthropic(max_retries=0)


    def judge(prompt):
        for _ in range(API_MAX_RETRY):
            try:
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
            except anthropic.APIError as exc:
                print(exc)
                time.sleep(API_RETRY_SLEEP)
        raise RuntimeError("no judgment")


    def ask_twice(prompt):
        for _ in range(2):
            try:
                return create_message(client, model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
            except anthropic.RateLimitError:
                time.sleep(random.uniform(1, 3))
        raise RuntimeError("no reply")
    """
)


def test_constants_and_a_vendored_helper_imported_from_sibling_modules(tmp_path: Path, run_cli) -> None:
    """`range(API_MAX_RETRY)` with the constant in app/config.py, and the project's own copy of
    the helper imported relatively: the loop's count is carried over, the helper call is known
    as one (its retries stack under a retry loop), and the fix extends the relative import."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\n\n[tool.claude-lint]\nhelper-module = "app.claude_helper"\n', encoding="utf-8"
    )
    app = tmp_path / "src" / "app"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "config.py").write_text("API_MAX_RETRY = 3\nAPI_RETRY_SLEEP = 10\n", encoding="utf-8")
    assert run_cli("helper", "--write", "src/app", cwd=tmp_path).returncode == 0
    (app / "judge.py").write_text(JUDGE, encoding="utf-8")
    check = run_cli("check", "--no-cache", "--output-format", "concise", "--select", "CL202,CL205,CL207",
                    "src/app/judge.py", cwd=tmp_path)
    assert check.stdout.decode().splitlines()[:-2] == [
        "src/app/judge.py:16:9: CL202 [-] The `for` retry loop retries whatever `except anthropic.APIError` catches "
        "without looking at the error, including BadRequestError (400), AuthenticationError (401), "
        "PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, which fail the same way on every attempt",
        "src/app/judge.py:18:13: CL205 This retry wait (fixed) has no random jitter: parallel workers retry in "
        "lockstep and hit the rate limit together again",
        "src/app/judge.py:23:5: CL207 The `for` retry loop retries a call of the reference helper, which retries by "
        "itself: 2 attempts x 4 helper attempts = up to 8 requests per call; remove the outer retry and set the "
        "helper's `retry=RetryPolicy(...)`",
    ]
    diff = run_cli("check", "--no-cache", "--diff", "--unsafe-fixes", "--select", "CL202", "src", cwd=tmp_path)
    assert b"Would fix 1 error." in diff.stdout + diff.stderr
    run = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", "--select", "CL202", "src", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    lines = JUDGE.splitlines(keepends=True)
    assert lines[5] == "from .claude_helper import create_message\n"
    assert lines[12:19] == [
        "    for _ in range(API_MAX_RETRY):\n", "        try:\n",
        '            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])\n',
        "        except anthropic.APIError as exc:\n", "            print(exc)\n",
        "            time.sleep(API_RETRY_SLEEP)\n", '    raise RuntimeError("no judgment")\n',
    ]
    lines[5] = "from .claude_helper import create_message, RetryPolicy\n"
    lines[12:19] = [
        '    return create_message(client, model="claude-sonnet-4-6", max_tokens=64, messages=[prompt], '
        "retry=RetryPolicy(max_attempts=3))\n"
    ]
    assert (app / "judge.py").read_text(encoding="utf-8") == "".join(lines)
