"""Project-wide analysis through classes: template methods, subclasses and typed receivers across modules.

The fixture project tests/projects/dispatch is a provider-neutral LLM layer:
`BaseLLM` (svc/llm/base.py) retries in `ask()` (a loop) and `complete()`
(tenacity) around `self._send()`, which only the subclass `ClaudeLLM` (in a
subpackage, its base imported relatively, re-exported through
`svc/llm/__init__.py`) implements with a Claude call; `EchoLLM` does not.
Agents reach it through an attribute annotated with the base class, an
attribute set from an annotated parameter, an attribute built as the Claude
class, and a parameter annotated with the base class; an import cycle holds a
worker base class and its Claude subclass. A full run, each file alone, stdin
and the language server (tests/test_server.py) give the same findings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_lint.app.runner import RunOptions, run
from claude_lint.config.settings import ConfigResolver
from test_project import each_file_alone, each_file_on_stdin, findings

REACHES_SEND = "reaches a Claude call in `ClaudeLLM._send()` (svc/llm/providers/claude.py:13) when the object is a `ClaudeLLM`"
NON_RETRYABLE = (
    "including BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), "
    "PermissionDeniedError (403) and 6 more, which fail the same way on every attempt"
)

EXPECTED = [
    # An attribute annotated in the class body with the base class (re-exported by svc/llm/__init__.py).
    ('svc/agents.py', 17, 9, 'CL102',
     ("`except Exception` swallows the Claude call's error: the handler only does `pass`; log it, re-raise it, "
     f"or return a real fallback; `self.llm.ask()` {REACHES_SEND}")),
    # An attribute set from a parameter annotated with the base class.
    ('svc/agents.py', 28, 9, 'CL101',
     ("Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error "
     f"happened; `self.llm.complete()` {REACHES_SEND}")),
    ('svc/agents.py', 28, 9, 'CL102',
     ("`except:` swallows the Claude call's error: the handler only does `return None`; log it, re-raise it, "
     f"or return a real fallback; `self.llm.complete()` {REACHES_SEND}")),
    # An attribute built as the Claude class: its own method makes the call.
    ('svc/agents.py', 37, 9, 'CL203',
     'The `while` retry loop around a Claude call has no attempt bound, so it retries forever'),
    ('svc/agents.py', 37, 9, 'CL207',
     ("The `while` loop calls Claude again after an error while its client also retries: each pass makes up to 3 "
     "requests; call through `client.with_options(max_retries=0)`; `ClaudeLLM._send()` in "
     "svc/llm/providers/claude.py:13 makes the Claude call")),
    ('svc/agents.py', 41, 17, 'CL205',
     'This retry wait (fixed) has no random jitter: parallel workers retry in lockstep and hit the rate limit together again'),
    # The base class's loop, in a module that imports its subclass's module (a cycle).
    ('svc/cycle_a.py', 11, 9, 'CL203',
     'The `while` retry loop around a Claude call has no attempt bound, so it retries forever'),
    ('svc/cycle_a.py', 14, 13, 'CL202',
     f"The `while` retry loop retries whatever `except Exception` catches without looking at the error, {NON_RETRYABLE}"),
    ('svc/cycle_a.py', 14, 13, 'CL204',
     'The `while` retry loop tries the Claude call again at once: add a sleep with exponential backoff and jitter'),
    # A parameter annotated with the base class. (`dry_run()` builds an EchoLLM: nothing to say.)
    ('svc/jobs.py', 12, 9, 'CL101',
     ("Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error "
     f"happened; `llm.complete()` {REACHES_SEND}")),
    # The template method: the base class retries a hook that a subclass in another module implements.
    ('svc/llm/base.py', 17, 13, 'CL202',
     f"The `for` retry loop retries whatever `except Exception` catches without looking at the error, {NON_RETRYABLE}"),
    ('svc/llm/base.py', 17, 13, 'CL204',
     'The `for` retry loop tries the Claude call again at once: add a sleep with exponential backoff and jitter'),
    ('svc/llm/base.py', 21, 5, 'CL202',
     f"`@tenacity.retry(...)` has no `retry=`, so tenacity retries every exception, {NON_RETRYABLE}"),
    ('svc/llm/base.py', 21, 5, 'CL207',
     ("`@tenacity.retry(...)` retries a Claude call whose client also retries: 4 attempts x 3 SDK attempts = up to "
     "12 requests per call; call through `client.with_options(max_retries=0)`; "
     f"`self._send()` {REACHES_SEND}")),
]

FILES = [
    "svc/agents.py", "svc/cycle_a.py", "svc/cycle_b.py", "svc/jobs.py", "svc/llm/__init__.py", "svc/llm/base.py",
    "svc/llm/providers/claude.py", "svc/llm/providers/echo.py",
]


@pytest.fixture
def dispatch(project_copy) -> Path:
    return project_copy("dispatch")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_run_follows_calls_through_classes_and_subclasses(dispatch: Path, jobs: int) -> None:
    outcome = run(["."], ConfigResolver(), RunOptions(jobs=jobs))
    assert (findings(outcome, dispatch), outcome.errors) == (EXPECTED, [])


def test_each_file_alone_finds_the_subclasses_elsewhere(dispatch: Path, run_cli) -> None:
    each_file_alone(dispatch, EXPECTED, FILES, run_cli)


def test_a_run_on_a_subdirectory_finds_the_subclasses_outside_it(dispatch: Path) -> None:
    outcome = run(["svc/llm"], ConfigResolver(), RunOptions())
    assert findings(outcome, dispatch) == [f for f in EXPECTED if f[0].startswith("svc/llm/")]


def test_stdin_gives_the_same_as_the_file(dispatch: Path, run_cli) -> None:
    each_file_on_stdin(dispatch, EXPECTED, ["svc/llm/base.py", "svc/agents.py", "svc/jobs.py"], run_cli)


def test_a_subclass_that_stops_calling_claude_relints_the_base_class_and_its_users(
    dispatch: Path, parses: list[str]
) -> None:
    run(["."], ConfigResolver(), RunOptions(cache=True))
    parses.clear()
    assert findings(run(["."], ConfigResolver(), RunOptions(cache=True)), dispatch) == EXPECTED
    assert parses == []

    claude = dispatch / "svc" / "llm" / "providers" / "claude.py"
    claude.write_text(claude.read_text(encoding="utf-8").replace("self.client.messages.create(", "dict("), encoding="utf-8")
    after = run(["."], ConfigResolver(), RunOptions(cache=True))
    assert sorted(set(parses)) == ["svc/agents.py", "svc/jobs.py", "svc/llm/base.py", "svc/llm/providers/claude.py"]
    # Only the import cycle's Claude worker is left.
    assert [f for f in findings(after, dispatch)] == [f for f in EXPECTED if f[0] == "svc/cycle_a.py"]


def test_a_one_file_run_reads_the_summaries_of_the_project_from_the_cache(
    dispatch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The base class's module has no SDK trigger (the prefilter skips it): the modules its project
    reads for it (subclasses, users) are summarised once, then served by the cache (pre-commit, the
    editor: MetaGPT's base_llm.py took 4.4 s every time, 0.7 s now)."""
    from claude_lint.engine import lint as engine

    summarised: list[int] = []
    real = engine.summarize_text

    def counting(text: str, settings):  # type: ignore[no-untyped-def]
        summarised.append(1)
        return real(text, settings)

    monkeypatch.setattr(engine, "summarize_text", counting)
    expected = [f for f in EXPECTED if f[0] == "svc/llm/base.py"]
    first = run(["svc/llm/base.py"], ConfigResolver(), RunOptions(cache=True))
    assert (findings(first, dispatch), len(summarised) > 0) == (expected, True)
    summarised.clear()
    second = run(["svc/llm/base.py"], ConfigResolver(), RunOptions(cache=True))
    assert (findings(second, dispatch), summarised) == (expected, [])
    assert list((dispatch / ".claude_lint_cache").rglob("summaries/*.json"))
