"""Recursive retries (a handler that calls the enclosing function again) and the
CL2xx results for each shape. Line 1 is the snippet's first line.

Snippets built on `H` start with:
    1 import anthropic, time, random, asyncio
    2 client = anthropic.Anthropic(max_retries=0)
"""

from __future__ import annotations

from retry_support import Facts, analyse, diagnostics, lint, lint_at, lint_default

H = """
import anthropic, time, random, asyncio
client = anthropic.Anthropic(max_retries=0)"""


def test_guarded_decreasing_counter_is_bounded() -> None:
    src = H + """
def ask(q, retries=3):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except anthropic.RateLimitError:
        if retries > 0:
            time.sleep(random.uniform(0, 2))
            return ask(q, retries - 1)
        raise
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="recursion", line=9, attempts=None, bounded=True, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(5,),
    )
    m = a.only_mechanism()
    assert m.function is not None and m.function.name == "ask"
    assert [a.line(h.node) for h in m.handlers] == [6]
    assert [a.line(s.node) for s in m.sleeps] == [8]
    assert a.wrapped(5)
    assert lint_default(src) == []
    assert lint(src) == [("CL209", 8)]


def test_keyword_counter_and_early_raise_guard() -> None:
    src = H + """
def ask(q, retries=3):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except anthropic.InternalServerError:
        if retries <= 0:
            raise
        time.sleep(random.uniform(0, 2 ** (3 - retries)))
        return ask(q, retries=retries - 1)
"""
    a = analyse(src)
    f = a.only()
    assert (f.family, f.line, f.bounded, f.wait, f.sites) == ("recursion", 10, True, "jittered", (5,))
    assert lint(src) == []


def test_no_counter_is_unbounded() -> None:
    src = H + """
def ask(q):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except anthropic.APIConnectionError:
        time.sleep(1)
        return ask(q)
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="recursion", line=8, attempts=None, bounded=False, wait="fixed", predicate="types",
        types=("anthropic.APIConnectionError",), excluded=(), reraise=True, sites=(5,),
    )
    assert lint_at(src, ["CL203"]) == [("CL203", 8, 15)]
    assert diagnostics(src, ["CL203"])[0].message == (
        "The recursive retry of `ask()` around a Claude call passes no decreasing attempt counter, "
        "so it recurses until the error stops or the stack overflows"
    )
    assert lint(src) == [("CL205", 7), ("CL203", 8)]


def test_counter_passed_down_but_never_compared_is_unbounded() -> None:
    src = H + """
def ask(q, retries=3):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except anthropic.RateLimitError:
        time.sleep(random.random())
        return ask(q, retries - 1)
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="recursion", line=8, attempts=None, bounded=False, wait="jittered", predicate="types",
        types=("anthropic.RateLimitError",), excluded=(), reraise=True, sites=(5,),
    )
    assert lint_default(src) == [("CL203", 8)]


def test_same_counter_passed_unchanged_is_unbounded() -> None:
    src = H + """
def ask(q, retries=3):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except anthropic.RateLimitError:
        if retries == 0:
            raise
        time.sleep(random.random())
        return ask(q, retries)
"""
    f = analyse(src).only()
    assert (f.family, f.line, f.bounded) == ("recursion", 10, False)
    assert lint_default(src) == [("CL203", 10)]


def test_recursion_without_sleep_retries_at_once() -> None:
    src = H + """
def ask(q, tries=3):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except anthropic.InternalServerError:
        if tries <= 1:
            raise
        return ask(q, tries - 1)
"""
    a = analyse(src)
    f = a.only()
    assert (f.family, f.line, f.bounded, f.wait) == ("recursion", 9, True, "none")
    assert a.only_mechanism().sleeps == []
    assert lint_at(src) == [("CL204", 9, 15)]
    assert diagnostics(src)[0].message == (
        "The recursive retry of `ask()` tries the Claude call again at once: add a sleep with exponential backoff and jitter"
    )


def test_unbounded_recursion_without_sleep() -> None:
    src = H + """
def ask(q):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except anthropic.APIConnectionError:
        return ask(q)
"""
    f = analyse(src).only()
    assert (f.bounded, f.wait) == (False, "none")
    assert lint(src) == [("CL203", 7), ("CL204", 7)]


def test_self_method_recursion_with_default_client() -> None:
    src = """
import anthropic, time
class Bot:
    def __init__(self):
        self.client = anthropic.Anthropic()
    def ask(self, q, attempt=0):
        try:
            return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.RateLimitError:
            if attempt >= 4:
                raise
            time.sleep(2 ** attempt)
            return self.ask(q, attempt=attempt + 1)
"""
    a = analyse(src)
    f = a.only()
    assert (f.family, f.line, f.bounded, f.wait, f.sites) == ("recursion", 12, True, "exponential", (7,))
    assert lint_default(src) == [("CL207", 12)]
    assert lint(src) == [("CL205", 11), ("CL209", 11), ("CL207", 12)]
    cl207 = diagnostics(src, ["CL207"])[0]
    assert cl207.start.column == 19
    assert "each attempt makes up to 3 requests" in cl207.message


def test_self_method_recursion_without_counter() -> None:
    src = """
import anthropic, asyncio
class Bot:
    def __init__(self):
        self.client = anthropic.AsyncAnthropic(max_retries=0)
    async def ask(self, q):
        try:
            return await self.client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
        except anthropic.InternalServerError:
            await asyncio.sleep(5)
            return await self.ask(q)
"""
    a = analyse(src)
    assert a.only() == Facts(
        family="recursion", line=10, attempts=None, bounded=False, wait="fixed", predicate="types",
        types=("anthropic.InternalServerError",), excluded=(), reraise=True, sites=(7,),
    )
    assert lint_default(src) == [("CL203", 10)]


def test_async_recursion_with_blocking_sleep() -> None:
    src = """
import anthropic, time
client = anthropic.AsyncAnthropic(max_retries=0)
async def ask(q, n=3):
    try:
        return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except anthropic.InternalServerError:
        if n == 0:
            raise
        time.sleep(1)
        return await ask(q, n - 1)
"""
    f = analyse(src).only()
    assert (f.family, f.line, f.bounded, f.wait, f.sites) == ("recursion", 10, True, "fixed", (5,))
    assert lint_default(src) == [("CL206", 9)]
    assert lint(src) == [("CL205", 9), ("CL206", 9)]


def test_broad_handler_recursion_without_inspection() -> None:
    src = H + """
def ask(q, retries=3):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except Exception:
        if retries > 0:
            time.sleep(random.random())
            return ask(q, retries - 1)
        raise
"""
    a = analyse(src)
    f = a.only()
    assert (f.predicate, f.types) == ("types", ("Exception",))
    # At the handler that lets the errors in, as for a manual loop.
    assert lint_at(src, ["CL202"]) == [("CL202", 6, 4)]
    assert diagnostics(src, ["CL202"])[0].message.startswith(
        "The recursive retry of `ask()` retries whatever `except Exception` catches without looking at the error"
    )


def test_status_code_inspected_before_recursing() -> None:
    src = H + """
def ask(q, retries=3):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except anthropic.APIStatusError as e:
        if e.status_code >= 500 and retries > 0:
            time.sleep(random.random())
            return ask(q, retries - 1)
        raise
"""
    f = analyse(src).only()
    assert (f.predicate, f.bounded) == ("inspects", True)
    assert lint_default(src) == []
    # APIStatusError includes RateLimitError: the guessed sleep is CL209 (opt-in).
    assert lint(src) == [("CL209", 8)]


def test_recursion_around_an_llm_calling_helper() -> None:
    src = H + """
def once(q):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
def ask(q, retries=3):
    try:
        return once(q)
    except anthropic.RateLimitError:
        if retries > 0:
            time.sleep(random.random())
            return ask(q, retries - 1)
        raise
"""
    a = analyse(src)
    f = a.only()
    assert (f.family, f.line, f.sites) == ("recursion", 11, (7,))
    assert a.wrapped(4)
    assert lint_default(src) == []


def test_retry_after_read_in_the_handler() -> None:
    src = H + """
def ask(q, retries=3):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except anthropic.RateLimitError as e:
        if retries > 0:
            time.sleep(float(e.response.headers.get("retry-after", "1")))
            return ask(q, retries - 1)
        raise
"""
    assert analyse(src).only_mechanism().reads_retry_after is True
    assert "CL209" not in [c for c, _ in lint(src)]


def test_calling_a_different_function_is_not_recursion() -> None:
    src = H + """
def fallback(q):
    return "unavailable"
def ask(q):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except anthropic.RateLimitError:
        time.sleep(1)
        return fallback(q)
"""
    assert analyse(src).mechanisms == []
    # Sleeps and carries on without retrying; and nothing retries the call.
    assert lint(src) == [("CL201", 7), ("CL211", 8)]


def test_recursive_call_outside_a_handler_is_not_a_retry() -> None:
    src = H + """
def walk(tree):
    out = [client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[tree.text])]
    for child in tree.children:
        out.extend(walk(child))
    return out
"""
    assert analyse(src).mechanisms == []
    assert lint(src) == [("CL201", 4)]


# ---------------------------------------------------------------- bugs


def test_truthiness_guard_on_the_counter_bounds_it() -> None:
    src = H + """
def ask(q, retries=3):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except anthropic.RateLimitError:
        if not retries:
            raise
        time.sleep(random.random())
        return ask(q, retries - 1)
"""
    assert analyse(src).only().bounded is True
    assert lint_default(src) == []


def test_counter_guard_alone_does_not_inspect_the_error() -> None:
    src = H + """
def ask(q, tries=3):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    except Exception:
        if tries == 0:
            raise
        time.sleep(random.random())
        return ask(q, tries - 1)
"""
    f = analyse(src).only()
    assert (f.predicate, f.types) == ("types", ("Exception",))
    assert lint_default(src) == [("CL202", 6)]  # the handler
