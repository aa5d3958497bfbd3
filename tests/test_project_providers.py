"""Project-wide analysis of a callee chosen at run time among provider functions of other modules.

The fixture project tests/projects/providers: chat/router.py keeps `ask_claude()`
(chat/claude.py, a Claude call on a client with the SDK's default retries) and
`ask_gpt()` (chat/gpt.py, an OpenAI call) in a dict, and retries the one it looks
up by name; `pick()` returns one of them, and a handler of OpenAI's errors around
`pick(model)(...)` is right for the OpenAI one (CL106, selected in its pyproject.toml,
stays quiet, as for an object of one of several classes). chat/wrapped.py keeps
`retry_handler(retry_limit=3)(ask_claude)` (the decorator factory of chat/retrying.py)
in its dict: the retry is judged at that value, and a handler around `PROVIDERS[name](...)`
sees a possible Claude call. chat/library.py does the same with tenacity, in its dict and in a
name (`retried = tenacity.retry(...)(ask_claude)`) then called: each is judged as the same decorator
above `ask_claude`'s def would be, at the application. chat/picked.py calls what router's `pick()`
returns in a retry loop (and mentions no SDK name: the prefilter lets it through because `pick` may
return a Claude-calling function): judged as the same loop in router.py. A full run, each file alone and stdin give
the same findings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_lint.app.runner import RunOptions, run
from claude_lint.config.settings import ConfigResolver
from test_project import each_file_alone, each_file_on_stdin, findings

MAY_BE = "`provider()` may be `ask_claude()` (chat/claude.py:8), which makes a Claude call"
WRAPPED = "`PROVIDERS[name]()` may be `ask_claude()` (chat/claude.py:8), which makes a Claude call"
REMOTE = "`ask_claude()` in chat/claude.py:8 makes the Claude call"

EXPECTED = [
    ("chat/library.py", 8, 24, "CL202",
     ("`tenacity.retry(...)` has no `retry=`, so tenacity retries every exception, including BadRequestError (400), "
      "AuthenticationError (401), PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, which fail the "
      f"same way on every attempt; {WRAPPED}")),
    ("chat/library.py", 8, 24, "CL204",
     "`tenacity.retry(...)` tries the Claude call again at once: add a sleep with exponential backoff and jitter"),
    ("chat/library.py", 8, 24, "CL207",
     ("`tenacity.retry(...)` retries a Claude call whose client also retries: 3 attempts x 3 SDK attempts = up to 9 "
      f"requests per call; call through `client.with_options(max_retries=0)`; {WRAPPED}")),
    ("chat/library.py", 16, 15, "CL202",
     ("`tenacity.retry(...)` retries broad exception types, including BadRequestError (400), AuthenticationError "
      "(401), PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, which fail the same way on every "
      "attempt")),
    ("chat/library.py", 16, 15, "CL203", "`tenacity.retry(...)` around a Claude call has no `stop=`, so it retries forever"),
    ("chat/library.py", 16, 15, "CL204",
     "`tenacity.retry(...)` tries the Claude call again at once: add a sleep with exponential backoff and jitter"),
    ("chat/library.py", 16, 15, "CL207",
     ("`tenacity.retry(...)` retries a Claude call whose client also retries: each attempt makes up to 3 requests; "
      f"call through `client.with_options(max_retries=0)`; {REMOTE}")),
    ("chat/library.py", 19, 5, "CL102",
     ("`except Exception` swallows the Claude call's error: the handler only does `return None`; log it, re-raise "
      f"it, or return a real fallback; {REMOTE}")),
    ("chat/picked.py", 10, 5, "CL207",
     ("The `for` loop calls Claude again after an error while its client also retries: 3 passes x 3 SDK attempts = "
      f"up to 9 requests per call; call through `client.with_options(max_retries=0)`; {MAY_BE}")),
    ("chat/picked.py", 13, 9, "CL202",
     ("The `for` retry loop retries whatever `except Exception` catches without looking at the error, including "
      "BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), PermissionDeniedError (403) "
      f"and 6 more, which fail the same way on every attempt; {MAY_BE}")),
    ("chat/picked.py", 14, 13, "CL205",
     ("This retry wait (exponential) has no random jitter: parallel workers retry in lockstep and hit the rate "
      f"limit together again; {MAY_BE}")),
    ("chat/picked.py", 14, 13, "CL209",
     ("This retry sleeps a guessed time after a rate limit: read the `retry-after` header of the RateLimitError's "
      f"response instead; {MAY_BE}")),
    ("chat/router.py", 15, 5, "CL207",
     ("The `for` loop calls Claude again after an error while its client also retries: 3 passes x 3 SDK attempts = "
      f"up to 9 requests per call; call through `client.with_options(max_retries=0)`; {MAY_BE}")),
    ("chat/router.py", 18, 9, "CL202",
     ("The `for` retry loop retries whatever `except Exception` catches without looking at the error, including "
      "BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), PermissionDeniedError (403) "
      f"and 6 more, which fail the same way on every attempt; {MAY_BE}")),
    ("chat/router.py", 19, 13, "CL205",
     ("This retry wait (exponential) has no random jitter: parallel workers retry in lockstep and hit the rate "
      f"limit together again; {MAY_BE}")),
    ("chat/router.py", 19, 13, "CL209",
     ("This retry sleeps a guessed time after a rate limit: read the `retry-after` header of the RateLimitError's "
      f"response instead; {MAY_BE}")),
    ("chat/wrapped.py", 7, 24, "CL202",
     ("`retry_handler(...)` (defined in chat/retrying.py:6) retries every exception, including BadRequestError (400), "
      "AuthenticationError (401), PaymentRequiredError (402), PermissionDeniedError (403) and 6 more, which fail the "
      f"same way on every attempt; {WRAPPED}")),
    ("chat/wrapped.py", 7, 24, "CL205",
     ("`retry_handler(...)` (defined in chat/retrying.py:6) waits a fixed time with no random jitter: parallel "
      f"workers retry in lockstep and hit the rate limit together again; {WRAPPED}")),
    ("chat/wrapped.py", 7, 24, "CL207",
     ("`retry_handler(...)` (defined in chat/retrying.py:6) retries a Claude call whose client also retries: "
      "3 attempts x 3 SDK attempts = up to 9 requests per call; call through `client.with_options(max_retries=0)`; "
      f"{WRAPPED}")),
    ("chat/wrapped.py", 13, 5, "CL102",
     ("`except Exception` swallows the Claude call's error: the handler only does `return None`; log it, re-raise "
      f"it, or return a real fallback; {WRAPPED}")),
]

FILES = [
    "chat/claude.py", "chat/gpt.py", "chat/library.py", "chat/picked.py", "chat/retrying.py", "chat/router.py",
    "chat/wrapped.py",
]


@pytest.fixture
def providers(project_copy) -> Path:
    return project_copy("providers")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_run_reports_the_retry_around_a_provider_chosen_by_name(providers: Path, jobs: int) -> None:
    outcome = run(["."], ConfigResolver(), RunOptions(jobs=jobs))
    assert (findings(outcome, providers), outcome.errors) == (EXPECTED, [])


def test_each_file_alone_gives_its_share(providers: Path, run_cli) -> None:
    each_file_alone(providers, EXPECTED, FILES, run_cli)


def test_stdin_gives_the_same_as_the_file(providers: Path, run_cli) -> None:
    each_file_on_stdin(providers, EXPECTED, ["chat/library.py", "chat/picked.py", "chat/router.py", "chat/wrapped.py"], run_cli)


def test_a_claude_provider_that_stops_calling_claude_takes_the_findings_away(providers: Path) -> None:
    """`ask_claude()` of another module makes no Claude call any more: none of the candidates does."""
    (providers / "chat" / "claude.py").write_text(
        '"""Claude\'s provider, stubbed."""\n\n\ndef ask_claude(question):\n    return question\n', encoding="utf-8"
    )
    outcome = run(["."], ConfigResolver(), RunOptions())
    assert (findings(outcome, providers), outcome.errors) == ([], [])


def test_a_picker_that_stops_returning_claudes_provider_relints_its_callers(providers: Path, parses: list[str]) -> None:
    """`pick()` of chat/router.py returns only OpenAI's provider now: chat/picked.py, which calls what
    it returns, loses its findings (it names no Claude function now: the prefilter skips it, as it
    skips any file that cannot reach Claude); the other modules are not linted again."""
    run(["."], ConfigResolver(), RunOptions(cache=True))
    router = providers / "chat" / "router.py"
    router.write_text(
        router.read_text(encoding="utf-8").replace("        return ask_claude\n", "        return ask_gpt\n"),
        encoding="utf-8",
    )
    parses.clear()
    after = run(["."], ConfigResolver(), RunOptions(cache=True))
    assert sorted(set(parses)) == ["chat/router.py"]
    assert findings(after, providers) == [f for f in EXPECTED if f[0] != "chat/picked.py"]
