"""Work that grew with the square of a file's functions now grows with the file: asserted by
counting the work done, not by timing it (issue 17 item 11: 10 MB of dense call-site code)."""

from __future__ import annotations

import libcst as cst

from claude_lint.analysis import retries
from claude_lint.analysis.model import build_model
from claude_lint.analysis.summary import _DEF, _lines
from claude_lint.sdk.load import load_knowledge


class _CountingText(str):
    """A text that adds up how many characters `count` was asked to scan."""

    scanned = 0

    def count(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        low = 0 if start is None else start
        high = len(self) if end is None else end
        _CountingText.scanned += max(0, high - low)
        return str.count(self, sub, low, high)


def test_def_lines_are_counted_in_one_pass_over_the_text() -> None:
    """The line of each of 2,000 defs: the text is scanned once, not once per def (it was
    0 to each def's offset, a quadratic scan of 1 MB files)."""
    text = "".join(f"def f{i}():\n    return {i}\n\n" for i in range(2000))
    counting = _CountingText(text)
    _CountingText.scanned = 0
    lines = _lines(counting, _DEF, [f"f{i}" for i in range(2000)])
    assert lines == [1 + 3 * i for i in range(2000)]
    assert _CountingText.scanned <= len(text)


def test_nested_functions_are_indexed_once_per_module(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each function's nested functions (a retry decorator's wrapper) come from one index of the
    module's functions, built once, not from a pass over every function for each function."""
    source = "import anthropic\n\n" + "".join(
        f"def retry{i}(limit):\n    def wrap(fn):\n        def inner(*a):\n            return fn(*a)\n"
        f"        return inner\n    return wrap\n\n" for i in range(300)
    )
    model = build_model(cst.parse_module(source), load_knowledge(None), ())
    built: list[int] = []
    original = retries._nested_functions

    def counting(m):  # type: ignore[no-untyped-def]
        built.append(len(m.functions))
        return original(m)

    monkeypatch.setattr(retries, "_nested_functions", counting)
    outer = [f for f in model.functions if f.name.startswith("retry")]
    assert len(outer) == 300
    for function in outer:
        retries.retry_template(model, function)
    assert built == [900]
    index = original(model)
    assert [f.name for f in index[id(outer[7].scope)]] == ["retry7", "wrap", "inner"]


def test_each_model_id_is_judged_once_however_many_call_sites_send_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 call sites send a module constant rebound to two ids: CL302, CL303 and CL304 each ask
    about every id at every site, and each (id, SDK knowledge, day) is judged once."""
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text
    from claude_lint.sdk import models

    source = 'import anthropic\n\nclient = anthropic.Anthropic()\nMODEL = "claude-sonnet-4-6"\nMODEL = "claude-2.1"\n' + "".join(
        f"\n\ndef ask{i}(q):\n    return client.messages.create(model=MODEL, max_tokens=8, "
        'messages=[{"role": "user", "content": q or "?"}])\n'
        for i in range(300)
    )
    judged: list[str] = []
    real = models._model_status

    def counting(model, knowledge, on):  # type: ignore[no-untyped-def]
        judged.append(model)
        return real(model, knowledge, on)

    monkeypatch.setattr(models, "_model_status", counting)
    models._STATUSES.clear()
    result = lint_text("many.py", source, Settings(select=("CL302",)))
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL302", 5)]
    assert sorted(judged) == ["claude-2.1", "claude-sonnet-4-6"]
