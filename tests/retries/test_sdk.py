"""The SDK's own retries (`max_retries=` on the client or `with_options`, default
2 retries = 3 attempts): the client facts the model resolves for each call site,
and CL201 (retries off, nothing wraps the call), CL203 (too many or infinite
retries, `max-attempts`) and CL207 (another mechanism on top of SDK retries).
Line 1 is the snippet's first line."""

from __future__ import annotations

import pytest
from retry_support import KNOWLEDGE, analyse, diagnostics, lint, lint_at, lint_default

from claude_lint.analysis.retries import sdk_attempts


def client_facts(src: str, line: int) -> tuple:
    """(class, async, max_retries, origin, line of the max_retries argument, SDK attempts) of a call site."""
    a = analyse(src)
    c = a.site_at(line).client
    if c is None:
        return (None, None, None, None, None, sdk_attempts(None, KNOWLEDGE))
    arg_line = a.line(c.max_retries_node) if c.max_retries_node is not None else None
    return (c.class_name, c.is_async, c.max_retries, c.origin, arg_line, sdk_attempts(c, KNOWLEDGE))


def test_default_sdk_retries_are_two() -> None:
    assert KNOWLEDGE.default_max_retries == 2


def test_max_retries_zero_without_any_retry() -> None:
    src = """
    import anthropic
    client = anthropic.Anthropic(max_retries=0)
    def ask(prompt):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
    """
    assert client_facts(src, 4) == ("Anthropic", False, 0, "constructor", 2, 1)
    assert lint_at(src) == [("CL201", 4, 11)]
    assert diagnostics(src)[0].message == (
        "This Claude call's client has SDK retries disabled (`max_retries=0` on line 2) and nothing "
        "retries it: a 429, 529 or dropped connection fails the request at once"
    )


def test_default_client_alone_is_clean() -> None:
    src = """
    import anthropic
    client = anthropic.Anthropic()
    def ask(prompt):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[prompt])
    """
    assert client_facts(src, 4) == ("Anthropic", False, None, "constructor", None, 3)
    assert analyse(src).mechanisms == []
    assert lint(src) == []


@pytest.mark.parametrize(
    ("value", "message_tail"),
    [
        ("15", "up to 15 times; keep it at most 10 (`max-attempts`)"),
        ("11", "up to 11 times; keep it at most 10 (`max-attempts`)"),
        ('float("inf")', "without limit; keep it at most 10 (`max-attempts`)"),
        ("float('inf')", "without limit; keep it at most 10 (`max-attempts`)"),
        ("math.inf", "without limit; keep it at most 10 (`max-attempts`)"),
        ("sys.maxsize", "without limit; keep it at most 10 (`max-attempts`)"),
    ],
)
def test_too_many_or_infinite_retries(value: str, message_tail: str) -> None:
    src = f"""
    import anthropic, math, sys
    client = anthropic.Anthropic(max_retries={value})
    """
    assert lint_at(src) == [("CL203", 2, 29)]
    [d] = diagnostics(src)
    assert d.message == f"`max_retries={value}` makes the SDK retry a failing call {message_tail}"


@pytest.mark.parametrize("value", ["0", "1", "2", "8", "10", "RETRIES"])
def test_retries_within_the_limit(value: str) -> None:
    src = f"""
    import anthropic
    RETRIES = 40
    client = anthropic.Anthropic(max_retries={value})
    """
    assert lint(src) == []


def test_max_attempts_setting_lowers_the_limit() -> None:
    src = """
    import anthropic
    a = anthropic.Anthropic(max_retries=8)
    b = anthropic.Anthropic(max_retries=5)
    """
    assert lint(src) == []
    assert lint(src, max_attempts=5) == [("CL203", 2)]
    assert diagnostics(src, max_attempts=5)[0].message == (
        "`max_retries=8` makes the SDK retry a failing call up to 8 times; keep it at most 5 (`max-attempts`)"
    )


def test_with_options_inline_zero() -> None:
    src = """
    import anthropic
    client = anthropic.Anthropic()
    def ask():
        return client.with_options(max_retries=0).messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert client_facts(src, 4) == ("Anthropic", False, 0, "with_options", 4, 1)
    assert lint_at(src) == [("CL201", 4, 11)]
    assert "(`max_retries=0` on line 4)" in diagnostics(src)[0].message


def test_with_options_assigned_in_a_method_of_an_async_client() -> None:
    src = """
    from anthropic import AsyncAnthropic
    class Bot:
        def __init__(self):
            self.client = AsyncAnthropic()
        async def ask(self, q):
            fast = self.client.with_options(max_retries=0)
            return await fast.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=[q])
    """
    assert client_facts(src, 7) == ("AsyncAnthropic", True, 0, "with_options", 6, 1)
    assert lint_at(src) == [("CL201", 7, 21)]


def test_with_options_too_many_retries_reported_at_its_argument() -> None:
    src = """
    import anthropic
    client = anthropic.Anthropic(max_retries=0)
    patient = client.with_options(max_retries=20)
    def ask():
        return patient.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert client_facts(src, 5) == ("Anthropic", False, 20, "with_options", 3, 21)
    assert lint_at(src) == [("CL203", 3, 30)]


def test_with_options_zero_on_a_client_with_many_retries() -> None:
    src = """
    import anthropic
    client = anthropic.Anthropic(max_retries=15)
    def ask():
        return client.with_options(max_retries=0).messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert client_facts(src, 4)[2] == 0
    assert lint(src) == [("CL203", 2), ("CL201", 4)]


def test_async_client_with_retries_off() -> None:
    src = """
    import anthropic
    client = anthropic.AsyncAnthropic(max_retries=0)
    async def ask():
        return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert client_facts(src, 4) == ("AsyncAnthropic", True, 0, "constructor", 2, 1)
    assert lint_at(src) == [("CL201", 4, 17)]


@pytest.mark.parametrize(
    ("constructor", "class_name", "is_async"),
    [
        ("anthropic.AnthropicBedrock(aws_region='us-east-1', max_retries=0)", "AnthropicBedrock", False),
        ("anthropic.AsyncAnthropicBedrock(max_retries=0)", "AsyncAnthropicBedrock", True),
        ("anthropic.AnthropicVertex(region='us-east5', project_id='p', max_retries=0)", "AnthropicVertex", False),
        ("AV(max_retries=0)", "AsyncAnthropicVertex", True),
        ("anthropic.Client(max_retries=0)", "Client", False),
    ],
)
def test_cloud_and_alias_clients(constructor: str, class_name: str, is_async: bool) -> None:
    src = f"""
    import anthropic
    from anthropic import AsyncAnthropicVertex as AV
    client = {constructor}
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert client_facts(src, 5) == (class_name, is_async, 0, "constructor", 3, 1)
    assert lint(src) == [("CL201", 5)]


def test_bedrock_with_too_many_retries() -> None:
    src = """
    from anthropic import AnthropicBedrock
    client = AnthropicBedrock(max_retries=11)
    """
    assert lint_at(src) == [("CL203", 2, 26)]


def test_default_client_wrapped_by_a_retry_is_stacked() -> None:
    src = """
    import anthropic, time, random
    client = anthropic.Anthropic()
    def ask(q):
        for attempt in range(3):
            try:
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
            except anthropic.RateLimitError:
                time.sleep(random.uniform(0, 2 ** attempt))
        raise RuntimeError("gave up")
    """
    assert client_facts(src, 6) == ("Anthropic", False, None, "constructor", None, 3)
    [d] = diagnostics(src, ["CL207"])
    assert (d.start.line, d.start.column) == (4, 4)
    assert d.message == (
        "The `for` loop calls Claude again after an error while its client also retries: 3 passes x 3 SDK "
        "attempts = up to 9 requests per call; call through `client.with_options(max_retries=0)`"
    )
    # It retries 429s only: turning the SDK's retries off would leave 5xx with none.
    assert d.fix is None


def test_client_passed_in_as_parameter_assumes_default_retries() -> None:
    src = """
    import anthropic, time, random
    def ask(client, q):
        for attempt in range(4):
            try:
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
            except anthropic.RateLimitError:
                time.sleep(random.uniform(0, 2 ** attempt))
        raise RuntimeError("gave up")
    def plain(client, q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    """
    assert client_facts(src, 5) == (None, None, None, None, None, 3)
    # Retried: stacked. Not retried: the SDK default retries are assumed, no CL201.
    assert lint_default(src) == [("CL207", 3)]


def test_annotated_client_parameter() -> None:
    src = """
    import anthropic
    def ask(client: anthropic.AsyncAnthropic, q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    """
    assert client_facts(src, 3) == ("AsyncAnthropic", True, None, "annotation", None, 3)
    assert lint(src, ["CL201", "CL203", "CL207"]) == []


def test_sdk_retries_off_plus_tenacity_is_clean_and_default_client_plus_tenacity_is_stacked() -> None:
    src = """
    import anthropic
    from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential
    quiet = anthropic.Anthropic(max_retries=0)
    loud = anthropic.Anthropic()
    policy = retry(retry=retry_if_exception_type(anthropic.RateLimitError), stop=stop_after_attempt(5),
                   wait=wait_random_exponential(max=60), reraise=True)
    @policy
    def a():
        return quiet.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    @policy
    def b():
        return loud.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert client_facts(src, 9)[5] == 1 and client_facts(src, 12)[5] == 3
    assert lint_default(src) == [("CL207", 10)]
    assert "5 attempts x 3 SDK attempts = up to 15 requests per call" in diagnostics(src)[0].message


def test_client_factory_from_config_keeps_default_retries() -> None:
    src = """
    import anthropic, time, random
    from myapp.llm import make_client
    client = make_client()
    def ask(q):
        for attempt in range(3):
            try:
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
            except anthropic.RateLimitError:
                time.sleep(random.uniform(0, 2 ** attempt))
        raise RuntimeError("gave up")
    """
    a = analyse(src, client_factories=("myapp.llm.make_client",))
    c = a.site_at(7).client
    assert (c.origin, c.max_retries, sdk_attempts(c, KNOWLEDGE)) == ("factory", None, 3)
    assert lint(src, ["CL207"], client_factories=("myapp.llm.make_client",)) == [("CL207", 5)]


def test_instructor_re_ask_budget_is_not_the_sdk_max_retries() -> None:
    src = """
    import anthropic, instructor
    client = instructor.from_anthropic(anthropic.Anthropic())
    def extract(text):
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=64, messages=[text],
            response_model=User, max_retries=0,
        )
    def extract_patiently(text):
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=64, messages=[text],
            response_model=User, max_retries=15,
        )
    """
    assert lint(src) == []


def test_max_retries_on_other_libraries_is_ignored() -> None:
    src = """
    import anthropic
    import openai
    oa = openai.OpenAI(max_retries=0)
    slow = openai.OpenAI(max_retries=50)
    def ask():
        return oa.chat.completions.create(model="gpt-4o", messages=[])
    """
    assert lint(src) == []


def test_unannotated_client_from_an_unknown_function_keeps_default_retries() -> None:
    src = """
    import anthropic
    client = get_client()
    def ask():
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    """
    assert client_facts(src, 4)[5] == 3
    assert lint(src) == []


def test_a_retry_of_a_function_that_calls_claude_gets_no_fix_its_other_callers_would_feel() -> None:
    """The loop retries `step()`, whose `create` other callers make too (`once()`): the fix turned
    the SDK's retries off inside `step`, so `once()` lost them with nothing in their place. The
    same loop around the `create` itself keeps its fix."""
    src = """
    import anthropic, time, random
    client = anthropic.Anthropic()
    def step(q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])
    def once(q):
        return step(q)
    def poll(q):
        for attempt in range(3):
            try:
                return step(q)
            except anthropic.APIError:
                time.sleep(random.uniform(0, 2 ** attempt))
        raise RuntimeError("gave up")
    """
    [d] = diagnostics(src, ["CL207"])
    assert (d.start.line, d.start.column) == (8, 4)
    assert d.message == (
        "The `for` loop calls Claude again after an error while its client also retries: 3 passes x 3 SDK "
        "attempts = up to 9 requests per call; call through `client.with_options(max_retries=0)`"
    )
    assert d.fix is None
    inline = src.replace("return step(q)\n            except", 'return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[q])\n            except')
    [d] = diagnostics(inline, ["CL207"])
    assert d.fix is not None and d.fix.edits[0].content == "client.with_options(max_retries=0)"
