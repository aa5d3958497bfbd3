"""The language server's incremental re-lint equals a full lint, over random edits of real-shaped files."""

from __future__ import annotations

import importlib.util
import random
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from claude_lint.config.settings import Settings
from claude_lint.engine.incremental import DocumentLinter
from claude_lint.engine.lint import lint_text

BENCH = Path(__file__).resolve().parent.parent / "bench" / "generate_corpus.py"

# Trivia where libcst's attribution depends on what follows: a header, comments after
# indented blocks (a block's footer) and before statements, decorators, a nested class,
# a module footer and no trailing newline.
TRIVIA = textwrap.dedent(
    '''\
    #!/usr/bin/env python
    # -*- coding: utf-8 -*-
    """Support bot."""

    import anthropic
    from anthropic import APIError

    client = anthropic.Anthropic()


    def ask(prompt):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[])
        except:
            pass
        # trailing, indented: the block's footer

    # leading, column 0: the next statement's
    @staticmethod
    def answer(prompt):
        for attempt in range(3):
            try:
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[])
            except APIError as e:
                raise RuntimeError(str(e))


    class Bot:
        class Inner:
            value = 1

        def run(self):
            while True:
                try:
                    return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[])
                except Exception:
                    continue
    x = 1  # no blank line before
    # footer comment'''
)
SNIPPETS = [
    "(", ")", '"', "'", '"""', "#", ":", " ", "    ", "\n", "\n\n", "\\\n", "x", "pass", "\t",
    "\ndef f():\n    return client.messages.create(model='claude-haiku-4-5', max_tokens=5, messages=[])\n",
    "\n    # comment\n", "\n# comment\n", "try:\n", "except:\n    pass\n", "\nclass C:\n  y = 2\n",
]


def _dense(lines: int, seed: int) -> str:
    spec = importlib.util.spec_from_file_location("generate_corpus", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "app.py"
        module.write_module(path, random.Random(seed), lines)
        return path.read_text(encoding="utf-8")


def _edit(text: str, rng: random.Random) -> str:
    kind = rng.randrange(5)
    at = rng.randrange(len(text) + 1)
    if kind == 0:  # insert a snippet
        return text[:at] + rng.choice(SNIPPETS) + text[at:]
    if kind == 1:  # delete a span
        return text[:at] + text[at + rng.randrange(1, 40) :]
    lines = text.split("\n")
    index = rng.randrange(len(lines))
    if kind == 2:  # move a line elsewhere
        line = lines.pop(index)
        lines.insert(rng.randrange(len(lines) + 1), line)
    elif kind == 3:  # indent or dedent a line
        lines[index] = "    " + lines[index] if rng.random() < 0.5 else lines[index].removeprefix("    ")
    else:  # change a word on a line, as typing does
        lines[index] = lines[index].replace("create", "creat", 1) if "create" in lines[index] else lines[index] + " "
    return "\n".join(lines)


def _typing(text: str, rng: random.Random) -> list[str]:
    """Versions of typing a statement with a call into a function body, one character at a time."""
    line_starts = [i + 1 for i, c in enumerate(text) if c == "\n" and text[i + 1 : i + 12] == "    return "]
    at = rng.choice(line_starts[len(line_starts) // 2 :])
    typed = "reply = client.messages.create(model=MODEL, max_tokens=10, messages=[])"
    return [text[:at] + " " * 4 + typed[:n] + "\n" + text[at:] for n in range(1, len(typed) + 1)]


def _assert_same(linter: DocumentLinter, text: str, settings: Settings) -> bool:
    """The incremental lint equals the full one; whether the edit took the incremental path."""
    incremental = linter.lint(text, settings)
    full = lint_text("app.py", text, settings)
    assert incremental.diagnostics == full.diagnostics
    assert [e.splitlines()[0] for e in incremental.errors] == [e.splitlines()[0] for e in full.errors]
    reparsed = linter.last_reparse is not None
    parsed = linter._parsed
    if parsed is not None and parsed.text == text:
        expected = cst.parse_module(text)
        module = parsed.module
        assert module.deep_equals(expected)
        for attribute in ("encoding", "default_indent", "default_newline", "has_trailing_newline"):
            assert getattr(module, attribute) == getattr(expected, attribute), attribute
        assert module.code == text
    return reparsed


def _walk(linter: DocumentLinter, text: str, settings: Settings, rng: random.Random, steps: int) -> int:
    """Random edits, each from the last version that parsed (as a user fixes a typo); how many went incrementally."""
    incremental = 0
    good = text
    for _ in range(steps):
        text = _edit(good, rng)
        incremental += _assert_same(linter, text, settings)
        if linter._parsed is not None and linter._parsed.text == text:
            good = text
    return incremental


@pytest.mark.parametrize("seed", range(4))
def test_random_edits_of_a_dense_module_lint_as_a_full_parse(seed: int) -> None:
    rng = random.Random(seed)
    text = _dense(260, seed)
    settings = Settings()
    linter = DocumentLinter("app.py")
    _assert_same(linter, text, settings)
    incremental = _walk(linter, text, settings, rng, 40)
    assert incremental >= 10  # the property is about the incremental path: it must be taken


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_around_comments_and_blocks(seed: int) -> None:
    rng = random.Random(100 + seed)
    text = TRIVIA
    settings = Settings()
    linter = DocumentLinter("app.py")
    _assert_same(linter, text, settings)
    assert _walk(linter, text, settings, rng, 60) >= 5


def test_typing_a_line_char_by_char() -> None:
    rng = random.Random(7)
    settings = Settings()
    linter = DocumentLinter("app.py")
    base = _dense(200, 3)
    _assert_same(linter, base, settings)
    versions = _typing(base, rng)
    taken = [_assert_same(linter, version, settings) for version in versions]
    parses = [linter_parses(version) for version in versions]
    # Every keystroke that leaves valid code is re-linted incrementally (the others are syntax errors).
    assert taken == parses and sum(taken) >= 10


def linter_parses(text: str) -> bool:
    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError:
        return False
    return True


def test_an_edit_reparses_only_the_statements_around_it() -> None:
    settings = Settings()
    linter = DocumentLinter("app.py")
    text = _dense(300, 1)
    linter.lint(text, settings)
    assert linter.last_reparse is None  # the first version is parsed whole
    marker = "\ndef merge_3("
    assert marker in text
    edited = text.replace(marker, "\n# a note\ndef merge_3(", 1)
    assert _assert_same(linter, edited, settings)
    reparsed, total = linter.last_reparse  # type: ignore[misc]
    assert reparsed <= 3 < total
    # An edit to the imports (before the first indented block) parses the whole text.
    assert not _assert_same(linter, "import os\n" + edited, settings)


def test_an_edit_past_the_analysis_budget_is_reported_as_a_full_lint_reports_it() -> None:
    """An edit that takes the document past the code one file may hold gives CL002 as the command
    line does, not an incremental re-lint of the statements around it."""
    from claude_lint.engine.lint import MAX_ANALYSED_CHARS

    settings = Settings()
    linter = DocumentLinter("app.py")
    text = _dense(300, 1)
    linter.lint(text, settings)
    pasted = text + "# " + "x" * (MAX_ANALYSED_CHARS - len(text)) + "\n"
    assert not _assert_same(linter, pasted, settings)
    assert [(d.code, d.start.line) for d in linter.lint(pasted, settings).diagnostics] == [("CL002", 1)]
    assert linter.lint(text, settings).diagnostics == lint_text("app.py", text, settings).diagnostics


def test_an_edit_past_the_parse_cost_budget_is_reported_as_a_full_lint_reports_it() -> None:
    """Typing more deeply nested code into a function is re-parsed incrementally while the file
    stays within the parse-cost budget (the regions' costs added up exactly), and gives CL002 as
    the command line does once it goes past."""
    from claude_lint.engine.lint import MAX_PARSE_COST, parse_cost

    settings = Settings()
    linter = DocumentLinter("app.py")
    deep = "    x = " + "f(" * 100 + "x" + ")" * 100 + "\n"
    base = _dense(300, 1) + "\n\ndef big(f, x):\n    return x\n"
    per_line = parse_cost(base + deep) - parse_cost(base)
    lines = (MAX_PARSE_COST - parse_cost(base)) // per_line
    text = base.replace("    return x\n", deep * (lines - 1) + "    return x\n")
    linter.lint(text, settings)
    within = text.replace("    return x\n", deep + "    return x\n")
    assert parse_cost(within) <= MAX_PARSE_COST
    assert _assert_same(linter, within, settings)  # re-parsed incrementally
    assert linter._parsed is not None and linter._parsed.cost.units == parse_cost(within)
    past = within.replace("    return x\n", deep + "    return x\n")
    assert parse_cost(past) > MAX_PARSE_COST
    assert not _assert_same(linter, past, settings)
    assert [(d.code, d.start.line) for d in linter.lint(past, settings).diagnostics] == [("CL002", 1)]
