"""Fuzzing: generated programs (hypothesmith) and realistic call sites combined at random (callsites.py)
go through check and fix. Nothing raises, no rule crashes, every fix output parses, fixing twice is
fixing once, and findings do not depend on comments, blank lines or `ruff format`.

CI runs `FUZZ_EXAMPLES` examples per property (60); a longer local run:

    CLAUDE_LINT_FUZZ_EXAMPLES=2000 pytest tests/reliability/test_fuzz.py
"""

from __future__ import annotations

import os
import shutil

import libcst
import pytest
from bounds import CHECK_BOUND, FIX_BOUND
from callsites import (
    LONG_END,
    LONG_START,
    dense_programs,
    mutated_programs,
    programs,
    programs_with_huge_integers,
    programs_with_long_lines,
    ruff_format,
    with_blank_lines,
    with_comments,
)
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from claude_lint.config.settings import Settings
from claude_lint.engine.fix_loop import fix_bytes, fix_text
from claude_lint.engine.lint import lint_bytes, lint_text
from claude_lint.engine.registry import all_rules

FUZZ_EXAMPLES = int(os.environ.get("CLAUDE_LINT_FUZZ_EXAMPLES", "60"))
ALL = frozenset(rule.code for rule in all_rules())
# A configured helper module: helper fixes are written (without one they are display-only).
SETTINGS = Settings(sdk_version="2.14.0", helper_module="claude_lint.helper")
fuzz = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)



def _compiles(text: str) -> bool:
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<fuzz>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _codes_in_order(text: str) -> list[str]:
    result = lint_text("prog.py", text, SETTINGS, ALL)
    assert result.errors == []
    return [d.code for d in sorted(result.diagnostics, key=lambda d: (d.start.line, d.start.column, d.code))]


def _check_fix_properties(path: str, text: str) -> None:
    """Fixing never raises, and every fix offered applies: no rule crashes, no fix that would not
    parse, no fixes that undo each other (the fixer would contain each, but each is a rule bug). The
    output parses (and compiles if the input did), fixing it again changes nothing, and re-linting
    it finds nothing the original did not have (per rule, by count)."""
    outcome = fix_text(path, text, SETTINGS, ALL, unsafe=True)
    assert outcome.errors == []
    if not outcome.changed:
        return
    libcst.parse_module(outcome.fixed)
    if _compiles(text):
        assert _compiles(outcome.fixed)
    again = fix_text(path, outcome.fixed, SETTINGS, ALL, unsafe=True)
    assert (again.fixed, dict(again.applied), again.errors) == (outcome.fixed, {}, [])
    if not {"CL104", "CL106", "CL107"} & set(outcome.applied):
        # CL104's fix moves a handler that never ran above the one that shadowed it, CL106's and
        # CL107's name the SDK class a handler meant: that the handler now runs, with whatever
        # findings its body has, is what those fixes announce.
        found = new_findings(text, outcome.remaining)
        if _uncovers_statements(text, outcome):
            # A helper rewrite that says the `try`'s other statements are no longer caught: what
            # its `except` hid in them (an unguarded index, a JSON parse) is now reported.
            found = {code: n for code, n in found.items() if code not in HANDLER_GUARDED}
        assert found == {}


# Rules quiet where a surrounding handler catches the error their finding is about.
HANDLER_GUARDED = frozenset({"CL401", "CL402", "CL404"})


def _uncovers_statements(text: str, outcome) -> bool:  # type: ignore[no-untyped-def]
    return any(
        d.fix is not None and d.code in outcome.applied and "are no longer caught or retried" in d.fix.message
        for d in lint_text("prog.py", text, SETTINGS, ALL).diagnostics
    )


def new_findings(before: str, remaining: list) -> dict[str, int]:
    """Findings per rule that the fixed text has (the fixer's last lint) beyond the original's count."""
    from collections import Counter

    old = Counter(d.code for d in lint_text("prog.py", before, SETTINGS, ALL).diagnostics if not d.suppressed)
    new = Counter(d.code for d in remaining)
    return {code: n - old[code] for code, n in new.items() if n > old[code]}


# ---------------------------------------------------------------- realistic call sites


@fuzz
@given(programs())
def test_call_sites_check_and_fix(text: str) -> None:
    assert _compiles(text), text  # the generator writes valid Python
    result = lint_text("prog.py", text, SETTINGS, ALL)
    assert result.errors == []
    assert [d for d in result.diagnostics if d.code in ("CL001", "CL002")] == []
    _check_fix_properties("prog.py", text)


# `ruff format` is one of the variants when ruff is installed (the test extras install it);
# without it the other variants still run (a skip inside a property would skip them all).
_VARIANTS = ["comments", "blank-lines", *([] if shutil.which("ruff") is None else ["ruff-format"])]


@fuzz
@given(programs(), st.sampled_from(_VARIANTS))
def test_call_site_findings_do_not_depend_on_formatting(text: str, change: str) -> None:
    variant = {"comments": with_comments, "blank-lines": with_blank_lines, "ruff-format": ruff_format}[change](text)
    assert variant is not None and _compiles(variant)
    assert _codes_in_order(variant) == _codes_in_order(text)


@fuzz
@given(mutated_programs())
@example(
    text='"""Generated module."""\nimport asyncio\nimport functools\nimport json\nimport logging\nimport time\n\nimport backoff\nimport httpx\nimport tenacity\nimport anthropic\n\nlog = logging.getLogger(__name__)\nMODEL = "claude-haiku-4-5"\nclient = anthropic.Anthropic()\n\ndef ask_0(prompt, model=MODEL, n_tokens=1024, history=()):\n    for attempt in range(3):\n        try:\n            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=[{"role": "user", "content": prompt}])\n            text = reply.content[0].text\n            return text\n        except:\n            pass\n',
).via("a helper rewrite of a loop whose try also reads the reply: its except hid the index")
@example(
    text='\\\n"""Generated module."""\nimport anthropic\n\nclient = anthropic.Anthropic()\n\ndef ask_0(prompt):\n    try:\n        try:\n            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=[{"role": "user", "content": prompt}])\n            return reply\n        except:\n            pass\n    except anthropic.APIError:\n        return ask_0(prompt)\n',
).via("a continuation line before the first statement: libcst drops it, and every position was a line up")
def test_mutated_call_sites_never_crash(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    result = lint_bytes("mut.py", data, SETTINGS, ALL)
    assert result.errors == []
    lines = text.count("\n") + 1
    assert all(1 <= d.start.line <= lines and d.code in ALL for d in result.diagnostics)
    fixed = fix_bytes("mut.py", data, SETTINGS, ALL, unsafe=True)
    if fixed is not None:
        _check_fix_properties("mut.py", fixed[0].original)


# ---------------------------------------------------------------- generated programs (hypothesmith)

try:
    import hypothesmith
except ImportError:  # the `test` extra installs it
    hypothesmith = None
needs_hypothesmith = pytest.mark.skipif(hypothesmith is None, reason="hypothesmith is not installed")
grammar_programs = (
    hypothesmith.from_grammar(auto_target=False) | hypothesmith.from_node(auto_target=False) if hypothesmith else st.nothing()
)
node_programs = hypothesmith.from_node(auto_target=False) if hypothesmith else st.nothing()


@needs_hypothesmith
@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
@fuzz
@given(grammar_programs)
def test_generated_programs_check_and_fix(source: str) -> None:
    text = "import anthropic\n" + source  # past the prefilter
    result = lint_text("gen.py", text, SETTINGS, ALL)
    assert result.errors == []
    _check_fix_properties("gen.py", text)


@needs_hypothesmith
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(fuzz, max_examples=max(10, FUZZ_EXAMPLES // 4))  # from_node is slow to generate
@given(node_programs, programs())
def test_generated_code_around_call_sites(source: str, program: str) -> None:
    assume("from __future__" not in source)
    text = program + "\n" + source + "\n" + program.split('"""Generated module."""\n', 1)[1]
    result = lint_text("mix.py", text, SETTINGS, ALL)
    assert result.errors == []
    _check_fix_properties("mix.py", text)


@fuzz
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    data = b"import anthropic\n" + data
    result = lint_bytes("bytes.py", data, SETTINGS, ALL)
    assert result.errors == []
    assert all(d.code in ALL for d in result.diagnostics)
    fixed = fix_bytes("bytes.py", data, SETTINGS, ALL, unsafe=True)
    if fixed is not None and fixed[0].changed:
        libcst.parse_module(fixed[0].fixed)


# ---------------------------------------------------------------- huge literals, very long lines, a time bound per file

# The longest line generated: small in CI; a long local run (figures in the closing note):
#     CLAUDE_LINT_FUZZ_EXAMPLES=300 CLAUDE_LINT_FUZZ_LINE_BYTES=2000000 CLAUDE_LINT_FUZZ_TIMINGS=times.txt \
#         pytest tests/reliability/test_fuzz.py
LINE_BYTES = int(os.environ.get("CLAUDE_LINT_FUZZ_LINE_BYTES", "150000"))
# Dense call-site code is parsed and analysed whole (libcst: a few seconds per MB): the bound holds
# up to about this size (README, Reliability), so the long run goes no further.
DENSE_BYTES = min(LINE_BYTES // 3, 300_000)
long_fuzz = settings(fuzz, max_examples=max(4, FUZZ_EXAMPLES // 6))


def _within_the_bound(path: str, text: str) -> None:
    """Check and fix (unsafe fixes too) each within the bound; no crash, every fix parses."""
    import time

    data = text.encode("utf-8", "surrogatepass")
    start = time.process_time()
    result = lint_bytes(path, data, SETTINGS, ALL)
    checked = time.process_time() - start
    assert result.errors == []
    start = time.process_time()
    fixed = fix_bytes(path, data, SETTINGS, ALL, unsafe=True)
    fixing = time.process_time() - start
    if os.environ.get("CLAUDE_LINT_FUZZ_TIMINGS"):  # a long run's figures: bytes, check s, fix s
        with open(os.environ["CLAUDE_LINT_FUZZ_TIMINGS"], "a", encoding="utf-8") as log:
            log.write(f"{path} {len(data)} {checked:.3f} {fixing:.3f}\n")
    assert checked < CHECK_BOUND, f"check took {checked:.1f} s of CPU for {len(data)} bytes"
    assert fixing < FIX_BOUND, f"fix took {fixing:.1f} s of CPU for {len(data)} bytes"
    if fixed is not None and fixed[0].changed:
        assert fixed[0].errors == []
        assert _compiles(fixed[0].fixed) or not _compiles(text)


@fuzz
@given(programs_with_huge_integers())
def test_huge_integer_literals_are_cl001_or_values(text: str) -> None:
    result = lint_text("huge.py", text, SETTINGS, ALL)
    assert result.errors == []
    cl001 = [d for d in result.diagnostics if d.code == "CL001"]
    assert bool(cl001) == (not _compiles(text))  # CL001 exactly when CPython refuses the file
    _within_the_bound("huge.py", text)


@long_fuzz
@given(programs_with_long_lines(LINE_BYTES))
def test_very_long_lines_stay_within_the_time_bound(text: str) -> None:
    assert _compiles(text)
    _within_the_bound("long.py", text)


@settings(long_fuzz, max_examples=max(3, FUZZ_EXAMPLES // 20))
@given(dense_programs(DENSE_BYTES))
def test_dense_call_sites_stay_within_the_time_bound(text: str) -> None:
    assert _compiles(text)
    _within_the_bound("dense.py", text)


@long_fuzz
@given(programs_with_long_lines(LINE_BYTES, code_share=16), st.data())
def test_mutated_programs_with_long_lines_stay_within_the_time_bound(text: str, data: st.DataObject) -> None:
    """Mutations as in `mutated_programs`, anywhere but inside the long line. One that reaches the end
    of the long line's own line (`DATA = [...](`) leaves a statement that no longer compiles alone:
    the file is parsed whole (README's bound), so code lines are a 16th of the size here; the
    property below mutates only the lines after it, at full size."""
    before, rest = text.split(LONG_START + "\n", 1)
    long_line, after = rest.split("\n" + LONG_END, 1)
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(after)))
        j = data.draw(st.integers(i, min(len(after), i + 40)))
        after = after[:i] + data.draw(st.sampled_from(["", after[i:j] * 2, "(", "except:", "\n", "'", "lambda:"])) + after[j:]
    _within_the_bound("mut.py", before + long_line + after)


@long_fuzz
@given(programs_with_long_lines(LINE_BYTES), st.data())
def test_mutants_beside_a_long_line_stay_within_the_time_bound(text: str, data: st.DataObject) -> None:
    """Mutations on the lines after the long one, at full size: a mutant that does not parse keeps
    its long statement stood in for (it sits between two top-level statements of the whole file), so
    its CL001 costs a parse of the rest (a 1 MB line of calls took 27-33 s to be refused whole)."""
    before, rest = text.split(LONG_START + "\n", 1)
    long_line, after = rest.split("\n" + LONG_END, 1)
    end_of_line, _, tail = after.partition("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(tail)))
        j = data.draw(st.integers(i, min(len(tail), i + 40)))
        tail = tail[:i] + data.draw(st.sampled_from(["", tail[i:j] * 2, "(", "except:", "\n", "'", "lambda:", ")"])) + tail[j:]
    _within_the_bound("mut.py", before + long_line + end_of_line + "\n" + tail)


# ---------------------------------------------------------------- rule bugs the fuzzers found

DUPLICATE_HANDLERS = """\
import anthropic

client = anthropic.Anthropic()
try:
    client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
except anthropic.RateLimitError:
    pass
except anthropic.RateLimitError as e:
    raise
"""


def test_cl104_fix_on_duplicate_handlers_is_idempotent() -> None:
    """Found by the fuzzers (the fix moved a handler above its twin, forever); fixed in CL104."""
    once = fix_text("dup.py", DUPLICATE_HANDLERS, SETTINGS, frozenset({"CL104"}), unsafe=True)
    twice = fix_text("dup.py", once.fixed, SETTINGS, frozenset({"CL104"}), unsafe=True)
    assert once.errors == []
    assert twice.fixed == once.fixed


NO_TYPE_NAMED = """\
import anthropic
import backoff


@backoff.on_exception(backoff.expo, a and anthropic.RateLimitError, max_tries=5)
def ask(prompt):
    client = anthropic.Anthropic()
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=[{"role": "user", "content": prompt}])
"""


def test_cl106_on_a_retry_predicate_that_names_no_type_says_nothing() -> None:
    """Found by the call-site fuzzer (a mutant's `a and anthropic.RateLimitError`: a retry predicate
    whose types are not known, taken as naming none, and CL106 suggested a name for the first);
    fixed in CL106."""
    result = lint_text("retried.py", NO_TYPE_NAMED, SETTINGS, frozenset({"CL106"}))
    assert (result.errors, result.diagnostics) == ([], [])


DECORATED_METHOD = """\
import anthropic
import tenacity


class Service:
    def __init__(self):
        self.client = anthropic.Anthropic(max_retries=0)

    @tenacity.retry
    def ask(self, prompt):
        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": prompt}])
"""


def test_cl202_helper_fix_on_a_decorated_method_parses() -> None:
    """Found by the call-site fuzzer (the decorator went, its indentation stayed); fixed in lint/helper_adoption.py."""
    from claude_lint.core.text_edits import apply_edits

    result = lint_text("svc.py", DECORATED_METHOD, SETTINGS, frozenset({"CL202"}))
    [diagnostic] = result.diagnostics
    assert diagnostic.fix is not None
    libcst.parse_module(apply_edits(DECORATED_METHOD, diagnostic.fix.edits))
