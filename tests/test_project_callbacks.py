"""Project-wide analysis of functions handed to a call that runs them (`cache.get(key, do_it)`).

The fixture project tests/projects/callbacks: `ClaudeBackend.answer()`
(svc/clients/claude.py) makes its Claude call in a nested `compute()` that
the cache of its base class runs on a miss; `svc/router.py` retries
`backend.answer()` with a `retrying` policy (also on failed results) built in
svc/policy.py; `summarise()` (svc/summaries.py) hands its nested call to
`timed()` of another module, and svc/jobs.py calls it inside handlers, and hands
it to `timed()` itself. Functions handed to `pool.submit()` run later, in a
worker: the handlers around those calls are not the Claude call's. A full run,
each file alone, stdin and the language server (tests/test_server.py) give the
same findings. svc/streaming.py: a home-made retry decorator for generator
functions (its wrapper `yield from`s the function) from svc/policy.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_lint.app.runner import RunOptions, run
from claude_lint.config.settings import ConfigResolver
from test_project import each_file_alone, each_file_on_stdin, findings

SUMMARISE = "`summarise()` in svc/summaries.py:10 makes the Claude call"
EVERY = (
    "retries every exception, including BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), "
    "PermissionDeniedError (403) and 6 more, which fail the same way on every attempt"
)

EXPECTED = [
    # A lambda the cache runs inside the `try`.
    ("svc/clients/claude.py", 30, 9, "CL102",
     ("`except anthropic.APIError` swallows the Claude call's error: the handler only does `pass`; log it, "
      "re-raise it, or return a real fallback")),
    # `summarise()` makes its call in a nested function another module's `timed()` runs.
    ("svc/jobs.py", 12, 9, "CL102",
     ("`except Exception` swallows the Claude call's error: the handler only does `continue`; log it, re-raise it, "
      f"or return a real fallback; {SUMMARISE}")),
    # `summarise` itself handed to `timed()`.
    ("svc/jobs.py", 20, 5, "CL102",
     ("`except Exception` swallows the Claude call's error: the handler only does `return None`; log it, "
      f"re-raise it, or return a real fallback; {SUMMARISE}")),
    # The retry around `b.answer()`, whose Claude subclass calls Claude in the callback its cache runs.
    ("svc/router.py", 8, 5, "CL202", f"`@with_retries` (defined in svc/policy.py:30) {EVERY}"),
    ("svc/router.py", 8, 5, "CL205",
     ("`@with_retries` (defined in svc/policy.py:30) backs off exponentially with no random jitter: parallel "
      "workers retry in lockstep and hit the rate limit together again")),
    ("svc/router.py", 8, 5, "CL207",
     ("`@with_retries` (defined in svc/policy.py:30) retries a Claude call whose client also retries: 4 attempts x "
      "3 SDK attempts = up to 12 requests per call; call through `client.with_options(max_retries=0)`; `b.answer()` "
      "reaches a Claude call in `ClaudeBackend.answer()` (svc/clients/claude.py:13) when the object is a "
      "`ClaudeBackend`")),
    # A home-made retry decorator whose wrapper delegates to the generator (`yield from`) retries the
    # errors raised while the reply streams; one whose wrapper returns the call's value retries nothing.
    ("svc/streaming.py", 10, 1, "CL207",
     ("`@retry_stream(...)` (defined in svc/policy.py:33) retries a Claude call whose client also retries: "
      "3 attempts x 3 SDK attempts = up to 9 requests per call; call through `client.with_options(max_retries=0)`")),
]

FILES = [
    "svc/clients/base.py", "svc/clients/claude.py", "svc/jobs.py", "svc/policy.py", "svc/router.py",
    "svc/streaming.py", "svc/summaries.py", "svc/timing.py",
]


@pytest.fixture
def callbacks(project_copy) -> Path:
    return project_copy("callbacks")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_run_counts_a_function_handed_to_a_call_that_runs_it(callbacks: Path, jobs: int) -> None:
    outcome = run(["."], ConfigResolver(), RunOptions(jobs=jobs))
    assert (findings(outcome, callbacks), outcome.errors) == (EXPECTED, [])


def test_each_file_alone_gives_its_share(callbacks: Path, run_cli) -> None:
    each_file_alone(callbacks, EXPECTED, FILES, run_cli)


def test_stdin_gives_the_same_as_the_file(callbacks: Path, run_cli) -> None:
    each_file_on_stdin(callbacks, EXPECTED, ["svc/router.py", "svc/jobs.py", "svc/clients/claude.py"], run_cli)


def test_a_callback_handed_to_a_worker_instead_takes_the_findings_away(callbacks: Path) -> None:
    """`summarise()` handing its call to `pool.submit()` makes no Claude call of its own any more;
    the cache of the Claude backend storing the callback (`store.append`) neither."""
    summaries = callbacks / "svc" / "summaries.py"
    summaries.write_text(summaries.read_text(encoding="utf-8").replace(
        "def summarise(text):", "def summarise(text, pool):").replace("return timed(call)", "return pool.submit(call)"),
        encoding="utf-8")
    claude = callbacks / "svc" / "clients" / "claude.py"
    claude.write_text(claude.read_text(encoding="utf-8").replace(
        "return Result(self.lookup(prompt, compute))", "return Result(self.pending.append(compute))"), encoding="utf-8")
    outcome = run(["."], ConfigResolver(), RunOptions())
    assert findings(outcome, callbacks) == [EXPECTED[0], EXPECTED[-1]]
