"""Manual retry loops (`for ... in range()`/`itertools.count()`, `while`) and the
loops that are not retries (batches, tool-use agents, model fallbacks), with the
CL2xx results for each shape. Line 1 is the snippet's first line.

Every snippet but the last few starts with the same two lines:
    1 import anthropic, time, random, itertools, logging, asyncio
    2 client = anthropic.Anthropic(max_retries=0)
"""

from __future__ import annotations

import pytest
from retry_support import KNOWLEDGE, Facts, analyse, diagnostics, lint, lint_at, lint_default

from claude_lint.analysis.retries import Predicate, admitted_non_retryable

H = """
import anthropic, time, random, itertools, logging, asyncio
client = anthropic.Anthropic(max_retries=0)"""
HD = """
import anthropic, time, random, itertools, logging, asyncio
client = anthropic.Anthropic()"""
ALL_NON_RETRYABLE = admitted_non_retryable(Predicate("all"), KNOWLEDGE)
STATUS_4XX = admitted_non_retryable(Predicate("types", ("anthropic.APIStatusError",)), KNOWLEDGE)


def test_for_range_with_jittered_sleep_continue_and_raise_after() -> None:
    src = H + """
def ask(q):
    for attempt in range(5):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.RateLimitError:
            time.sleep(2 ** attempt + random.random())
            continue
    raise RuntimeError("gave up")
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="manual", line=4, attempts=5, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(6,),
    )
    m = a.only_mechanism()
    assert [a.line(h.node) for h in m.handlers] == [7]
    assert [a.line(s.node) for s in m.sleeps] == [8]
    assert m.reads_retry_after is False
    assert a.wrapped(6)
    assert lint_default(src) == []
    assert lint_at(src) == [("CL209", 8, 12)]


@pytest.mark.parametrize(
    ("header", "attempts"),
    [("range(4)", 4), ("range(1, 4)", 3), ("range(MAX_ATTEMPTS)", 4), ("range(0, MAX_ATTEMPTS)", 4),
     ("range(LIMIT)", None), ("range(limit)", None)],
)
def test_for_range_attempt_counts(header: str, attempts: int | None) -> None:
    src = H + f"""
MAX_ATTEMPTS = 4
LIMIT = 3 if q else 5
def ask(q, limit=3):
    for attempt in {header}:
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.InternalServerError:
            time.sleep(random.uniform(0, 2 ** attempt))
    raise RuntimeError("gave up")
"""
    f = analyse(src).only()
    assert (f.family, f.bounded, f.attempts, f.wait, f.line) == ("manual", True, attempts, "jittered", 6)
    assert lint(src) == []


def test_while_with_counter_in_condition() -> None:
    src = H + """
def ask(q):
    attempt = 0
    while attempt < 4:
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except (anthropic.RateLimitError, anthropic.InternalServerError):
            attempt += 1
            time.sleep(1.5)
    raise RuntimeError("gave up")
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="manual", line=5, attempts=4, bounded=True, wait="fixed", predicate="types",
        types=("anthropic.RateLimitError", "anthropic.InternalServerError"), excluded=(), reraise=True, sites=(7,),
    )
    assert lint_default(src) == []
    assert lint(src) == [("CL205", 10), ("CL209", 10)]
    cl205 = diagnostics(src)[0]
    assert cl205.message.startswith("This retry wait (fixed) has no random jitter")


def test_while_true_with_counter_and_raise_and_local_delay() -> None:
    src = H + """
def ask(q):
    attempt = 0
    while True:
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.APIConnectionError:
            attempt += 1
            if attempt > 3:
                raise
            delay = min(30, 2 ** attempt)
            time.sleep(delay)
"""
    a = analyse(src)
    f = a.only()
    assert (f.family, f.line, f.attempts, f.bounded, f.wait, f.reraise, f.sites) == (
        "manual", 5, None, True, "exponential", True, (7,),
    )
    assert a.admitted() == []
    assert lint_default(src) == []
    assert lint(src) == [("CL205", 13)]


def test_while_true_without_bound_is_unbounded() -> None:
    src = H + """
def ask(q):
    while True:
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.RateLimitError:
            time.sleep(random.uniform(1, 5))
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="manual", line=4, attempts=None, bounded=False, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(6,),
    )
    # An unbounded loop never exhausts: no CL210.
    assert lint_at(src) == [("CL203", 4, 4), ("CL209", 8, 12)]
    assert diagnostics(src)[0].message == (
        "The `while` retry loop around a Claude call has no attempt bound, so it retries forever"
    )


def test_while_not_done_flag_is_not_an_attempt_bound() -> None:
    src = H + """
def ask(q):
    done = False
    while not done:
        try:
            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
            done = True
        except anthropic.APIConnectionError:
            time.sleep(3)
    return reply
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="manual", line=5, attempts=None, bounded=False, wait="fixed", predicate="types",
        types=("anthropic.APIConnectionError",), excluded=(), reraise=True, sites=(7,),
    )
    assert lint(src) == [("CL203", 5), ("CL205", 10)]


def test_itertools_count_is_unbounded() -> None:
    src = H + """
def ask(q):
    for attempt in itertools.count():
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.RateLimitError:
            time.sleep(2 ** attempt)
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="manual", line=4, attempts=None, bounded=False, wait="exponential", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(6,),
    )
    assert lint_default(src) == [("CL203", 4)]
    assert lint(src) == [("CL203", 4), ("CL205", 8), ("CL209", 8)]


def test_from_itertools_import_count_alias() -> None:
    src = H + """
from itertools import count as attempts
def ask(q):
    for n in attempts(1):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.InternalServerError:
            time.sleep(random.random() * n)
"""
    f = analyse(src).only()
    assert (f.family, f.line, f.bounded) == ("manual", 5, False)
    assert lint(src) == [("CL203", 5)]


def test_batch_loop_over_items_is_not_a_retry() -> None:
    src = H + """
def summarise_all(docs):
    out = []
    for doc in docs:
        try:
            out.append(client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": doc}]))
        except anthropic.APIError:
            logging.exception("skipped %s", doc)
    return out
"""
    a = analyse(src)
    assert a.mechanisms == []
    assert not a.wrapped(7)
    assert lint(src) == [("CL201", 7)]


def test_batch_loop_on_default_client_is_clean() -> None:
    src = HD + """
def summarise_all(docs):
    out = []
    for doc in docs:
        try:
            out.append(client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": doc}]))
        except anthropic.APIError:
            logging.exception("skipped %s", doc)
    return out
"""
    assert analyse(src).mechanisms == []
    assert lint(src) == []


def test_range_loop_whose_request_depends_on_the_target_is_a_batch() -> None:
    src = H + """
def run(prompts):
    for i in range(len(prompts)):
        prompt = prompts[i]
        try:
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
        except anthropic.RateLimitError:
            time.sleep(1)
def run_direct(prompts):
    for attempt in range(3):
        try:
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompts[attempt]])
        except anthropic.RateLimitError:
            continue
"""
    a = analyse(src)
    assert a.mechanisms == []
    # The sleep in the batch loop's handler retries nothing.
    assert lint(src) == [("CL201", 7), ("CL211", 8), ("CL201", 13)]


def test_model_fallback_loop_is_not_a_retry() -> None:
    src = H + """
MODELS = ["claude-opus-4-1", "claude-sonnet-4-6"]
def ask(q):
    for model_name in MODELS:
        try:
            return client.messages.create(model=model_name, max_tokens=64, messages=[q])
        except anthropic.APIStatusError:
            continue
    raise RuntimeError("all models failed")
"""
    assert analyse(src).mechanisms == []
    assert lint(src) == [("CL201", 7)]


def test_tool_use_agent_while_true_is_not_a_retry_loop() -> None:
    src = HD + """
def run(messages, tools):
    while True:
        response = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=messages, tools=tools)
        if response.stop_reason != "tool_use":
            return response
        messages.append({"role": "assistant", "content": response.content})
        messages.append({"role": "user", "content": run_tools(response)})
"""
    a = analyse(src)
    assert [l.kind for l in a.model.loops] == ["while"]
    assert a.mechanisms == []
    assert lint(src) == []


def test_tool_use_agent_with_a_reraising_handler_is_not_a_retry_loop() -> None:
    src = HD + """
def run(messages, tools):
    while True:
        try:
            response = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=messages, tools=tools)
        except anthropic.APIError:
            logging.exception("agent step failed")
            raise
        if response.stop_reason != "tool_use":
            return response
        messages.append({"role": "assistant", "content": response.content})
        messages.append({"role": "user", "content": run_tools(response)})
"""
    assert analyse(src).mechanisms == []
    assert lint(src) == []


def test_local_delay_with_random_is_jittered() -> None:
    src = H + """
def ask(q):
    for attempt in range(4):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.InternalServerError:
            delay = min(60, 2 ** attempt) * random.random()
            time.sleep(delay)
    raise RuntimeError("gave up")
"""
    f = analyse(src).only()
    assert (f.wait, f.attempts, f.bounded) == ("jittered", 4, True)
    assert lint(src) == []


def test_sleep_after_the_try_in_the_loop_body_is_the_wait() -> None:
    src = """
import anthropic, asyncio
client = anthropic.AsyncAnthropic(max_retries=0)
async def ask(q):
    for attempt in range(3):
        try:
            return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.RateLimitError:
            pass
        await asyncio.sleep(2 ** attempt)
    raise RuntimeError("gave up")
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="manual", line=4, attempts=3, bounded=True, wait="exponential", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(6,),
    )
    assert lint_default(src) == []
    assert lint(src) == [("CL205", 9), ("CL209", 9)]


def test_else_raise_after_the_loop() -> None:
    src = H + """
def ask(q):
    for attempt in range(3):
        try:
            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
            break
        except anthropic.RateLimitError as e:
            last = e
            time.sleep(random.random() * 2 ** attempt)
    else:
        raise last
    return reply
"""
    f = analyse(src).only()
    assert (f.family, f.line, f.attempts, f.wait, f.sites) == ("manual", 4, 3, "jittered", (6,))
    assert lint_default(src) == []


def test_raise_on_the_last_attempt_inside_the_handler() -> None:
    src = H + """
def ask(q):
    for attempt in range(4):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.RateLimitError:
            if attempt == 3:
                raise
            time.sleep(random.uniform(0, 2 ** attempt))
"""
    f = analyse(src).only()
    assert (f.family, f.line, f.attempts, f.bounded, f.wait) == ("manual", 4, 4, True, "jittered")
    assert lint_default(src) == []


def test_for_loop_falling_through_is_exhausted_silently() -> None:
    src = H + """
def ask(q):
    reply = None
    for attempt in range(3):
        try:
            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
            break
        except anthropic.RateLimitError:
            time.sleep(random.random() * 2 ** attempt)
    return reply
"""
    f = analyse(src).only()
    assert (f.family, f.line, f.attempts, f.bounded) == ("manual", 5, 3, True)
    assert lint_at(src, ["CL210"]) == [("CL210", 5, 4)]
    assert lint_default(src) == [("CL210", 5)]
    assert diagnostics(src, ["CL210"])[0].message == (
        "After its last failed attempt, the `for` retry loop falls through without raising: "
        "the caller gets `reply`, still `None`, instead of the API error; no helper fix: when attempts "
        "run out the code goes on with `reply` at its earlier value, which the helper would turn into an exception"
    )


def test_counted_while_falling_through_without_sleep() -> None:
    src = H + """
def ask(q):
    result = None
    retries = 3
    while retries > 0:
        try:
            result = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
            break
        except anthropic.APIConnectionError:
            retries -= 1
    return result
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="manual", line=6, attempts=3, bounded=True, wait="none", predicate="types",
        types=("anthropic.APIConnectionError",), excluded=(), reraise=True, sites=(8,),
    )
    assert lint_at(src) == [("CL210", 6, 4), ("CL204", 10, 8)]


def test_continue_without_sleep_retries_at_once() -> None:
    src = H + """
def ask(q):
    for attempt in range(3):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.RateLimitError:
            continue
    raise RuntimeError("Claude stayed rate limited")
"""
    a = analyse(src)
    assert a.only().wait == "none"
    assert a.only_mechanism().sleeps == []
    assert lint_at(src) == [("CL204", 7, 8)]
    assert diagnostics(src)[0].message == (
        "The `for` retry loop tries the Claude call again at once: add a sleep with exponential backoff and jitter"
    )


@pytest.mark.parametrize(
    "body",
    ["logging.exception('failed')\n            break", "return None", "raise"],
)
def test_handlers_that_leave_the_loop_do_not_retry(body: str) -> None:
    src = H + f"""
def ask(q):
    for attempt in range(3):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.APIError:
            {body}
    return None
"""
    a = analyse(src)
    assert a.mechanisms == []
    assert not a.wrapped(6)
    assert lint(src) == [("CL201", 6)]


def test_broad_handler_without_inspection_retries_non_retryable() -> None:
    src = H + """
def ask(q):
    for attempt in range(3):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except Exception:
            time.sleep(random.uniform(0, 2 ** attempt))
    raise RuntimeError("gave up")
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="manual", line=4, attempts=3, bounded=True, wait="jittered", predicate="types",
        types=("Exception",), excluded=(), reraise=True, sites=(6,),
    )
    assert a.admitted() == ALL_NON_RETRYABLE
    assert lint_at(src, ["CL202"]) == [("CL202", 7, 8)]
    assert diagnostics(src, ["CL202"])[0].message == (
        "The `for` retry loop retries whatever `except Exception` catches without looking at the error, "
        "including BadRequestError (400), AuthenticationError (401), PaymentRequiredError (402), "
        "PermissionDeniedError (403) and 6 more, which fail the same way on every attempt"
    )


def test_bare_except_retry() -> None:
    src = H + """
def ask(q):
    for attempt in range(3):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except:
            time.sleep(random.uniform(0, 2 ** attempt))
    raise RuntimeError("gave up")
"""
    a = analyse(src)
    assert (a.only().predicate, a.only().types) == ("all", ())
    assert lint(src, ["CL202"]) == [("CL202", 7)]
    assert "retries whatever `except:` catches" in diagnostics(src, ["CL202"])[0].message


def test_status_code_checked_before_retrying() -> None:
    """The trap: the handler looks at `e.status_code` and re-raises non-retryable errors."""
    src = H + """
def ask(q):
    for attempt in range(4):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.APIStatusError as e:
            if e.status_code < 500 and e.status_code != 429:
                raise
            time.sleep(random.uniform(0, 2 ** attempt))
    raise RuntimeError("gave up")
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="manual", line=4, attempts=4, bounded=True, wait="jittered", predicate="inspects",
        types=(), excluded=(), reraise=True, sites=(6,),
    )
    assert a.admitted() == []
    assert lint_default(src) == []


def test_isinstance_check_before_retrying() -> None:
    src = H + """
def ask(q):
    for attempt in range(4):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except Exception as e:
            if not isinstance(e, (anthropic.RateLimitError, anthropic.InternalServerError)):
                raise
            time.sleep(random.uniform(0, 2 ** attempt))
    raise RuntimeError("gave up")
"""
    assert analyse(src).only().predicate == "inspects"
    assert lint_default(src) == []


def test_non_retryable_errors_reraised_by_an_earlier_handler() -> None:
    src = H + """
def ask(q):
    for attempt in range(4):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except (anthropic.BadRequestError, anthropic.AuthenticationError, anthropic.PermissionDeniedError,
                anthropic.NotFoundError, anthropic.UnprocessableEntityError, anthropic.PaymentRequiredError,
                anthropic.PreconditionFailedError, anthropic.ContentTooLargeError,
                anthropic.RequestHeaderFieldsTooLargeError, anthropic.ClientClosedRequestError):
            raise
        except anthropic.APIStatusError:
            time.sleep(random.uniform(0, 2 ** attempt))
    raise RuntimeError("gave up")
"""
    a = analyse(src)
    f = a.only()
    assert (f.predicate, f.types) == ("types", ("anthropic.APIStatusError",))
    assert len(f.excluded) == 10
    assert [a.line(h.node) for h in a.only_mechanism().handlers] == [12]
    assert a.admitted() == []
    assert lint_default(src) == []


def test_only_some_non_retryable_errors_reraised_first() -> None:
    src = H + """
def ask(q):
    for attempt in range(4):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except (anthropic.BadRequestError, anthropic.AuthenticationError):
            raise
        except Exception:
            time.sleep(random.uniform(0, 2 ** attempt))
    raise RuntimeError("gave up")
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="manual", line=4, attempts=4, bounded=True, wait="jittered", predicate="types",
        types=("Exception",), excluded=("anthropic.BadRequestError", "anthropic.AuthenticationError"),
        reraise=True, sites=(6,),
    )
    assert a.admitted()[:2] == ["PaymentRequiredError", "PermissionDeniedError"]
    assert lint_default(src) == [("CL202", 9)]


def test_async_loop_with_blocking_sleep() -> None:
    src = """
import anthropic, time
client = anthropic.AsyncAnthropic(max_retries=0)
async def ask(q):
    for attempt in range(3):
        try:
            return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.RateLimitError:
            time.sleep(2 ** attempt)
    raise RuntimeError("gave up")
"""
    f = analyse(src).only()
    assert (f.family, f.line, f.wait, f.sites) == ("manual", 4, "exponential", (6,))
    assert lint_default(src) == [("CL206", 8)]
    assert lint_at(src) == [("CL205", 8, 12), ("CL206", 8, 12), ("CL209", 8, 12)]


def test_from_time_import_sleep_alias() -> None:
    src = H + """
from time import sleep as pause
def ask(q):
    for attempt in range(3):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.InternalServerError:
            pause(random.uniform(0.5, 2.0))
    raise RuntimeError("gave up")
"""
    a = analyse(src)
    assert a.only().wait == "jittered"
    assert [a.line(s.node) for s in a.only_mechanism().sleeps] == [9]
    assert lint(src) == []


def test_reading_retry_after() -> None:
    src = H + """
def ask(q):
    for attempt in range(4):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.RateLimitError as e:
            time.sleep(int(e.response.headers.get("retry-after", "1")))
    raise RuntimeError("gave up")
"""
    m = analyse(src).only_mechanism()
    assert m.reads_retry_after is True
    assert lint(src) == []


def test_default_client_manual_loop_stacks() -> None:
    src = HD + """
def ask(q):
    for attempt in range(4):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.RateLimitError:
            time.sleep(random.uniform(0, 2 ** attempt))
    raise RuntimeError("gave up")
"""
    [d] = diagnostics(src, ["CL207"])
    assert (d.code, d.start.line, d.start.column) == ("CL207", 4, 4)
    assert "4 passes x 3 SDK attempts = up to 12 requests per call" in d.message
    # It retries 429s only: turning the SDK's retries off would leave 5xx with none.
    assert d.fix is None


def test_client_parameter_while_loop_stacks_with_its_counted_attempts() -> None:
    src = """
import anthropic, time, random
def ask(client, q):
    attempt = 0
    while attempt < 5:
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.InternalServerError:
            attempt += 1
            time.sleep(random.random() * 2 ** attempt)
    raise RuntimeError("gave up")
"""
    [d] = diagnostics(src)
    assert (d.code, d.start.line) == ("CL207", 4)
    # `while attempt < 5` from `attempt = 0`: the analysis counts the loop's attempts.
    assert d.message == (
        "The `while` loop calls Claude again after an error while its client also retries: 5 passes x 3 SDK "
        "attempts = up to 15 requests per call; call through `client.with_options(max_retries=0)`"
    )


def test_loop_around_an_llm_calling_function() -> None:
    src = H + """
def once(q):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
def ask(q):
    for attempt in range(3):
        try:
            return once(q)
        except anthropic.RateLimitError:
            time.sleep(random.uniform(0, 2 ** attempt))
    raise RuntimeError("gave up")
"""
    a = analyse(src)
    f = a.only()
    assert (f.family, f.line, f.sites) == ("manual", 6, (8,))
    assert a.wrapped(4)
    assert lint_default(src) == []


def test_module_level_script_loop_falling_through() -> None:
    src = H + """
for attempt in range(3):
    try:
        resp = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
        break
    except anthropic.RateLimitError:
        time.sleep(random.random() * 2 ** attempt)
print(resp)
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="manual", line=3, attempts=3, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(5,),
    )
    assert a.only_mechanism().function is None
    assert lint_default(src) == [("CL210", 3)]


def test_try_else_break_with_loop_else_raise() -> None:
    src = H + """
def ask(q):
    for attempt in range(3):
        try:
            resp = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.RateLimitError:
            time.sleep(random.random() * 2 ** attempt)
        else:
            break
    else:
        raise RuntimeError("gave up")
    return resp
"""
    f = analyse(src).only()
    assert (f.family, f.line, f.attempts, f.wait, f.sites) == ("manual", 4, 3, "jittered", (6,))
    assert lint_default(src) == []


def test_raise_of_the_last_error_after_the_loop() -> None:
    src = H + """
def ask(q):
    last_error = None
    for attempt in range(3):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.RateLimitError as e:
            last_error = e
            time.sleep(random.random() * 2 ** attempt)
    raise last_error
"""
    f = analyse(src).only()
    assert (f.family, f.line, f.attempts, f.sites) == ("manual", 5, 3, (7,))
    assert lint_default(src) == []


# ---------------------------------------------------------------- bugs


def test_conditional_continue_then_raise_is_a_retry_loop() -> None:
    src = H + """
def ask(q):
    for attempt in range(4):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.APIStatusError as e:
            if e.status_code in (429, 529) and attempt < 3:
                time.sleep(random.uniform(0, 2 ** attempt))
                continue
            raise
"""
    a = analyse(src)
    assert [(f.family, f.line, f.attempts, f.wait, f.predicate) for f in a.all_facts()] == [
        ("manual", 4, 4, "jittered", "inspects")
    ]
    assert lint_default(src) == []  # today: CL201 on line 6, as if nothing retried the call


def test_counter_guard_alone_does_not_inspect_the_error() -> None:
    src = H + """
def ask(q):
    for attempt in range(4):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except Exception:
            if attempt == 3:
                raise
            time.sleep(random.uniform(0, 2 ** attempt))
"""
    a = analyse(src)
    assert (a.only().predicate, a.only().types) == ("types", ("Exception",))
    assert lint_default(src) == [("CL202", 7)]


def test_while_true_counter_guard_with_broad_handler_retries_non_retryable() -> None:
    src = H + """
def ask(q):
    attempt = 0
    while True:
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.APIError:
            attempt += 1
            if attempt >= 5:
                raise
            time.sleep(random.uniform(0, 2 ** attempt))
"""
    assert lint_default(src) == [("CL202", 8)]


def test_reading_retry_after_is_not_inspecting_the_error() -> None:
    src = H + """
def ask(q):
    for attempt in range(4):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.APIStatusError as e:
            time.sleep(float(e.response.headers.get("retry-after", 2 ** attempt)))
    raise RuntimeError("gave up")
"""
    a = analyse(src)
    assert (a.only().predicate, a.only().types) == ("types", ("anthropic.APIStatusError",))
    assert lint_default(src) == [("CL202", 7)]


def test_status_filtered_raise_still_falls_through_after_last_attempt() -> None:
    src = H + """
def ask(q):
    for attempt in range(3):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.APIStatusError as e:
            if e.status_code < 500:
                raise
            time.sleep(random.uniform(0, 2 ** attempt))
"""
    assert lint_default(src) == [("CL210", 4)]


REFLECT = HD + """
def ask(prompt, history):
    messages = history + [{"role": "user", "content": prompt}]
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=messages)
    return reply.content[0].text, messages + [{"role": "assistant", "content": reply.content[0].text}]
def refine(idea, rounds):
    text, history = ask(idea, [])
    for _ in range(rounds):
        try:
            text, history = ask("Improve it.", history)
            if "I am done" in text:
                break
        except Exception as e:
            print(e)
    return text
def ask_again(idea, history):
    for _ in range(3):
        try:
            text, history = ask(idea, history)
            return text
        except Exception as e:
            print(e)
            time.sleep(random.uniform(1, 3))
    raise RuntimeError("no reply")
"""


def test_a_loop_whose_request_takes_the_previous_reply_is_no_retry_loop() -> None:
    """`text, history = ask(p, history)`: each pass sends the history the last reply grew, so a
    failed pass is not sent again; a retry loop that leaves on success (`return text`) stays one,
    though it assigns the same names."""
    a = analyse(REFLECT)
    assert [(m.family, a.line(m.node)) for m in a.mechanisms] == [("manual", 18)]
    assert lint(REFLECT) == [("CL207", 18), ("CL202", 22), ("CL209", 24)]
