"""`claude-lint calls`: each Claude call site with its posture, followed through the callers in other modules.

The fixture project tests/projects/callmap keeps its Claude calls in svc/llm.py
(a wrapper, and a wrapper taking the whole request), and their retries and
handlers in the modules that call them: tenacity on a job (svc/jobs.py) with
an `except RateLimitError` around the job, a home-made decorator factory
(svc/retrying.py) applied to a caller of the re-exported wrapper
(svc/batch.py), a retry loop around the request wrapper (svc/chat.py, its
bound a constant), a backoff decorator that retries only OpenAI's errors
(svc/legacy.py), a handler two calls up (svc/cli.py); a model id chosen in
svc/nightly.py for the calls of svc/review.py; plus a call of the reference helper
(svc/classify.py) and a streamed async call (svc/stream.py). The report on the
whole tree and on each file alone must agree, word for word.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claude_lint.app.calls import collect_calls
from claude_lint.config.settings import ConfigResolver
from claude_lint.output.calls_report import calls_json, calls_text

TEXT = [
    'svc/classify.py:10:12: create_message() (messages.create) in classify()',
    '  request:  model "claude-3-opus-20240229" (retired 2026-01-05), max_tokens 16, 1 message, not streaming, validated by `create_message()` before sending',
    '  client:   Anthropic (svc/classify.py:6), SDK retries off inside `create_message()`',
    '  requests: up to 5 per call (5 helper attempts)',
    '  retries:  `create_message()` (the reference helper) at svc/classify.py:10: 5 attempts, backoff with jitter',
    '  handlers: none',
    '  callers:  none found in the project',
    '',
    'svc/llm.py:10:13: messages.create in ask_claude()',
    '  request:  model `MODEL` = "claude-sonnet-4-6" (active, svc/llm.py:5), max_tokens 1024, 1 message, not streaming, not validated before sending',
    '  client:   Anthropic (svc/llm.py:6), SDK retries 2',
    '  requests: up to 12 per call (4 with_retries attempts x 3 SDK attempts) via summarise() svc/batch.py:9',
    '            up to 9 per call (3 tenacity attempts x 3 SDK attempts) via main() svc/cli.py:10 -> run_all() svc/jobs.py:18 -> run_job() svc/jobs.py:11',
    '            up to 3 per call (3 SDK attempts) via legacy_answer() svc/legacy.py:11',
    '  retries:  SDK: 3 attempts, backoff with jitter',
    '            `@retry(...)` at svc/jobs.py:9: 3 attempts, backoff with jitter; via run_job() svc/jobs.py:11',
    '            `@with_retries(...)` (defined in svc/retrying.py:7) at svc/batch.py:7: 4 attempts, backoff with jitter; via summarise() svc/batch.py:9',
    '            `@backoff.on_exception(...)` at svc/legacy.py:9: retries none of its errors (only types the SDK never raises); via legacy_answer() svc/legacy.py:11',
    '  handlers: `except RateLimitError` at svc/jobs.py:19 (never matches: `@retry(...)` at svc/jobs.py:9 raises `tenacity.RetryError` instead); via run_all() svc/jobs.py:18 -> run_job() svc/jobs.py:11',
    '            `except Exception` at svc/cli.py:11; via main() svc/cli.py:10 -> run_all() svc/jobs.py:18 -> run_job() svc/jobs.py:11',
    '  callers:  run_job() svc/jobs.py:11, summarise() svc/batch.py:9, legacy_answer() svc/legacy.py:11',
    '',
    'svc/llm.py:19:12: messages.create in ask_many()',
    '  request:  model ?, max_tokens ?, messages ?, streaming ?, more arguments from `**`, not validated before sending',
    '  client:   Anthropic (svc/llm.py:6), SDK retries 2',
    '  requests: up to 9 per call (3 loop passes x 3 SDK attempts) via chat() svc/chat.py:15',
    '  retries:  SDK: 3 attempts, backoff with jitter',
    '            the `for` retry loop at svc/chat.py:13: 3 passes, exponential backoff without jitter; via chat() svc/chat.py:15',
    '  handlers: `except APIConnectionError` at svc/chat.py:16 (retries); via chat() svc/chat.py:15',
    '  callers:  chat() svc/chat.py:15',
    '',
    'svc/review.py:13:16: messages.create in Reviewer.review()',
    '  request:  model `self.model` = "claude-3-5-sonnet-20241022" (retired 2025-10-22, svc/nightly.py:7), or other, max_tokens 512, 1 message, not streaming, not validated before sending',
    '  client:   Anthropic (svc/review.py:5), SDK retries default',
    # `reviewer.review(text)` with `reviewer = Reviewer(...)`: a call through the object's class.
    '  requests: up to 3 per call (3 SDK attempts) via nightly() svc/nightly.py:8',
    '  retries:  SDK: 3 attempts, backoff with jitter',
    '  handlers: none',
    '  callers:  nightly() svc/nightly.py:8',
    '',
    'svc/stream.py:9:16: messages.stream in stream_reply() (async)',
    '  request:  model "claude-sonnet-4-6" (active), max_tokens 2048, 1 message, streaming, not validated before sending',
    '  client:   AsyncAnthropic (svc/stream.py:5), SDK retries 0',
    '  requests: 1 per call, no retry (1 SDK attempt)',
    '  retries:  SDK: 1 attempt, no wait',
    '  handlers: none',
    '  callers:  none found in the project',
    '',
    '5 call sites in 4 files: up to 12 requests for one call, 2 may send a retired model, 3 with no handler in the project.',
]


@pytest.fixture
def callmap(project_copy) -> Path:
    return project_copy("callmap")


def _blocks(text: str) -> dict[str, str]:
    """Each call site's block by its first line's location."""
    return {block.split(": ", 1)[0]: block for block in text.split("\n\n")[:-1]}


def test_the_text_table_shows_retries_and_handlers_of_callers_in_other_modules(callmap: Path, run_cli) -> None:
    done = run_cli("calls", cwd=callmap)
    assert done.stderr == b""
    assert done.stdout.decode().splitlines() == TEXT


def test_json_gives_the_same_facts_with_each_call_chain(callmap: Path, run_cli) -> None:
    done = run_cli("calls", "--output-format", "json", "svc/llm.py", cwd=callmap)
    assert done.stderr == b""
    sites = json.loads(done.stdout)
    assert [(s["filename"], s["location"]["row"], s["location"]["column"], s["function"]) for s in sites] == [
        ("svc/llm.py", 10, 13, "ask_claude"),
        ("svc/llm.py", 19, 12, "ask_many"),
    ]
    run_job = {"function": "run_job", "where": "svc/jobs.py:11"}
    run_all = {"function": "run_all", "where": "svc/jobs.py:18"}
    main = {"function": "main", "where": "svc/cli.py:10"}
    summarise = {"function": "summarise", "where": "svc/batch.py:9"}
    legacy = {"function": "legacy_answer", "where": "svc/legacy.py:11"}
    assert sites[0] == {
        "filename": "svc/llm.py",
        "location": {"row": 10, "column": 13},
        "function": "ask_claude",
        "method": "messages.create",
        "helper": "",
        "async": False,
        "streaming": False,
        "model": "MODEL",
        "request": {
            "model": {"source": "MODEL", "known": [{"id": "claude-sonnet-4-6", "status": "active", "end_of_life": None,
                                                  "where": "svc/llm.py:5"}],
                      "complete": True},
            "max_tokens": {"source": "1024", "value": 1024},
            "messages": {"count": 1, "complete": True},
            "stream": False,
            "tools": False,
            "thinking": False,
            "arguments_complete": True,
            "validated": "",
        },
        "client": {"class": "Anthropic", "max_retries": 2, "where": "svc/llm.py:6", "sdk_attempts": 3},
        "retries": [
            {"kind": "sdk", "name": "the SDK", "where": "svc/llm.py:6", "attempts": 3, "bounded": True,
             "wait": "jittered", "reraise": True, "retries_nothing": False, "via": [], "other_chains": 0},
            {"kind": "tenacity", "name": "`@retry(...)`", "where": "svc/jobs.py:9", "attempts": 3, "bounded": True,
             "wait": "jittered", "reraise": False, "retries_nothing": False, "via": [run_job], "other_chains": 0},
            {"kind": "project", "name": "`@with_retries(...)` (defined in svc/retrying.py:7)", "where": "svc/batch.py:7",
             "attempts": 4, "bounded": True, "wait": "jittered", "reraise": True, "retries_nothing": False, "via": [summarise],
             "other_chains": 0},
            # It retries only `openai.RateLimitError` (CL106): listed, and no part of any product.
            {"kind": "backoff", "name": "`@backoff.on_exception(...)`", "where": "svc/legacy.py:9", "attempts": None,
             "bounded": False, "wait": "jittered", "reraise": True, "retries_nothing": True, "via": [legacy],
             "other_chains": 0},
        ],
        "handlers": [
            {"clause": "except RateLimitError", "where": "svc/jobs.py:19", "catches_all": False, "retries": False,
             "swallows": False,
             "never_matches": "`@retry(...)` at svc/jobs.py:9 raises `tenacity.RetryError` instead",
             "via": [run_job, run_all], "other_chains": 0},
            {"clause": "except Exception", "where": "svc/cli.py:11", "catches_all": True, "retries": False,
             "swallows": False, "never_matches": None, "via": [run_job, run_all, main], "other_chains": 0},
        ],
        "callers": [run_job, summarise, legacy],
        "requests": [
            {"max": 12, "bounded": True, "product": "4 with_retries attempts x 3 SDK attempts", "via": [summarise],
             "paths": 1},
            {"max": 9, "bounded": True, "product": "3 tenacity attempts x 3 SDK attempts", "via": [run_job, run_all, main],
             "paths": 1},
            {"max": 3, "bounded": True, "product": "3 SDK attempts", "via": [legacy], "paths": 1},
        ],
    }
    # The request wrapper: what it sends is not known here (`**request`); the loop is in its caller.
    assert sites[1]["request"]["arguments_complete"] is False
    assert sites[1]["retries"][1] == {
        "kind": "manual", "name": "the `for` retry loop", "where": "svc/chat.py:13", "attempts": 3, "bounded": True,
        "wait": "exponential", "reraise": True, "retries_nothing": False,
        "via": [{"function": "chat", "where": "svc/chat.py:15"}], "other_chains": 0,
    }


def test_each_file_alone_gets_the_posture_the_whole_tree_gives(callmap: Path) -> None:
    whole = _blocks(calls_text(collect_calls(["."], ConfigResolver(), cache=False)))
    assert len(whole) == 5
    alone: dict[str, str] = {}
    for path in sorted(Path("svc").glob("*.py")):
        alone.update(_blocks(calls_text(collect_calls([str(path)], ConfigResolver(), cache=False))))
    assert alone == whole
    assert not (callmap / ".claude_lint_cache").exists()


def test_a_warm_run_reads_summaries_from_the_cache_and_says_the_same(callmap: Path) -> None:
    cold = calls_text(collect_calls(["."], ConfigResolver()))
    assert any((callmap / ".claude_lint_cache").rglob("summaries/*.json"))
    assert calls_text(collect_calls(["."], ConfigResolver())) == cold
    assert cold.splitlines() == TEXT


def test_the_readme_shows_what_the_command_prints(callmap: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("$ claude-lint calls svc/llm.py\n") + len("$ claude-lint calls svc/llm.py\n")
    shown = readme[start : readme.index("```", start)].rstrip("\n")
    assert shown == _blocks(calls_text(collect_calls(["svc/llm.py"], ConfigResolver(), cache=False)))["svc/llm.py:10:13"]
    # The JSON example: every key it shows is one the command prints, with the same value where shown in full.
    start = readme.index("```json\n", start) + len("```json\n")
    example = json.loads(readme[start : readme.index("```", start)])
    real = json.loads(calls_json(collect_calls(["svc/llm.py"], ConfigResolver(), cache=False)))[0]
    assert example.keys() == real.keys()
    for key in ("filename", "location", "function", "method", "request", "client"):
        assert example[key] == real[key]
    for key in ("retries", "handlers", "callers", "requests"):
        assert all(entry in real[key] for entry in example[key])


def test_a_file_that_does_not_parse_is_named_and_the_rest_is_listed(callmap: Path, run_cli) -> None:
    (callmap / "svc" / "broken.py").write_text("import anthropic\n\ndef ask(:\n", encoding="utf-8")
    done = run_cli("calls", cwd=callmap)
    assert done.stderr.decode() == (
        "claude-lint: warning: svc/broken.py: does not parse (`claude-lint check` says why); its call sites are not listed\n"
    )
    assert done.stdout.decode().splitlines() == TEXT


def test_a_file_of_more_code_than_one_file_may_hold_is_named_with_that_reason(callmap: Path, run_cli) -> None:
    from claude_lint.engine.lint import MAX_ANALYSED_CHARS

    text = "import anthropic\n\nclient = anthropic.Anthropic()\n" + "x = 1\n" * (MAX_ANALYSED_CHARS // 6 + 1)
    (callmap / "svc" / "huge.py").write_text(text, encoding="utf-8")
    done = run_cli("calls", cwd=callmap)
    assert done.stderr.decode() == (
        "claude-lint: warning: svc/huge.py: holds more code than one file may hold to be analysed"
        " (`claude-lint check` says why); its call sites are not listed\n"
    )
    assert done.stdout.decode().splitlines() == TEXT
