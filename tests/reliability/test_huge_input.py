"""Huge literals and huge lines: integer literals CPython refuses to convert are CL001 (and unknown
values everywhere), and a file under the size limit is checked and fixed in bounded time."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from claude_lint.cli import main
from claude_lint.config.settings import Settings
from claude_lint.engine import lint
from claude_lint.engine.registry import all_rules

ALL = frozenset(rule.code for rule in all_rules())
SETTINGS = Settings(sdk_version="2.14.0")
DIGITS = sys.get_int_max_str_digits()  # 4300 unless the interpreter was told otherwise
HUGE = "1" + "0" * DIGITS  # one digit more than CPython converts
CPYTHON = (
    f"SyntaxError: Exceeds the limit ({DIGITS} digits) for integer string conversion: value has {DIGITS + 1} digits; "
    "use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer literals "
    "to avoid decimal conversion limits."
)

SHAPES = {
    "max_retries": f"client = anthropic.Anthropic(max_retries={HUGE})\nclient.messages.create(model='claude-sonnet-4-6', max_tokens=10, messages=[])\n",
    "max_tokens": f"client = anthropic.Anthropic()\nclient.messages.create(model='claude-sonnet-4-6', max_tokens={HUGE}, messages=[{{'role': 'user', 'content': 'hi'}}])\n",
    "range": (
        "client = anthropic.Anthropic(max_retries=0)\n"
        f"for attempt in range({HUGE}):\n"
        "    try:\n"
        "        client.messages.create(model='claude-sonnet-4-6', max_tokens=10, messages=[{'role': 'user', 'content': 'hi'}])\n"
        "    except anthropic.APIError:\n"
        "        pass\n"
    ),
    "stop_after_attempt": (
        "import tenacity\nclient = anthropic.Anthropic(max_retries=0)\n"
        f"@tenacity.retry(stop=tenacity.stop_after_attempt({HUGE}), wait=tenacity.wait_random_exponential())\n"
        "def ask():\n"
        "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, messages=[{'role': 'user', 'content': 'hi'}])\n"
    ),
    "content_index": (
        "client = anthropic.Anthropic()\n"
        f"reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=10, messages=[{{'role': 'user', 'content': 'hi'}}])\n"
        f"print(reply.content[-{HUGE}].text)\n"
    ),
    "underscores": f"client = anthropic.Anthropic(max_retries=1_{'000_' * (DIGITS // 3)}000)\n",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_an_integer_literal_cpython_refuses_is_cl001(shape: str) -> None:
    text = "import anthropic\n" + SHAPES[shape]
    result = lint.lint_text("big.py", text, SETTINGS, ALL)
    assert result.errors == []
    [diagnostic] = result.diagnostics
    with pytest.raises(SyntaxError) as cpython:
        compile(text, "big.py", "exec")
    assert (diagnostic.code, diagnostic.message) == ("CL001", f"SyntaxError: {cpython.value.msg}")
    # CPython gives the line and no column (offset 0) for this error: column 1, as for its others.
    assert (cpython.value.lineno, cpython.value.offset) == (diagnostic.start.line, 0)
    assert diagnostic.start.column == 0
    if shape != "underscores":
        assert diagnostic.message == CPYTHON


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_rules_take_an_unconvertible_integer_as_unknown(shape: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the CL001 gate (as with a raised limit elsewhere), no rule and not the model crashes."""
    monkeypatch.setattr(lint, "_may_hold_unconvertible_integer", lambda text: False, raising=False)
    result = lint.lint_text("big.py", "import anthropic\n" + SHAPES[shape], SETTINGS, ALL)
    assert result.errors == []
    assert "CL001" not in [d.code for d in result.diagnostics]


def test_a_file_cpython_refuses_is_not_analysed_even_with_cl001_off() -> None:
    result = lint.lint_text("big.py", "import anthropic\n" + SHAPES["max_retries"], SETTINGS, ALL - {"CL001"})
    assert (result.errors, result.diagnostics) == ([], [])


def test_a_digit_run_in_a_string_is_not_a_syntax_error() -> None:
    text = f"import anthropic\nclient = anthropic.Anthropic(max_retries=0)\nDIGITS = '{HUGE}'\n"
    result = lint.lint_text("digits.py", text, SETTINGS, ALL)
    assert result.errors == []
    assert "CL001" not in [d.code for d in result.diagnostics]


def test_a_crash_is_never_summed_up_as_all_checks_passed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from claude_lint.analysis import model

    (tmp_path / "a.py").write_text("import anthropic\nanthropic.Anthropic()\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def crash(*args: object, **kwargs: object) -> None:
        raise TypeError("boom")

    monkeypatch.setattr(model, "build_model", crash)
    result = CliRunner().invoke(main, ["check", "--no-cache", "-j", "1", "a.py"])
    assert result.exit_code == 2
    assert result.stdout == "No findings, but the check is incomplete: 1 internal error (below).\n"
    assert result.stderr.startswith("claude-lint: error: a.py: the module model crashed")
