"""A crash inside one rule (or the parser, or the model) on one file: reported with the file and what
crashed, the rest of the run goes on, and the exit code is 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CL101_MESSAGE, CL102_MESSAGE, GOOD, GOOD_FINDINGS, findings

from claude_lint.cli import main
from claude_lint.config import selection
from claude_lint.config.settings import Settings
from claude_lint.core.diagnostics import Applicability, Edit, Fix, Location
from claude_lint.engine import registry
from claude_lint.engine.fix_loop import fix_text
from claude_lint.engine.lint import lint_text
from claude_lint.lint.context import RuleContext

REPORT_HINT = "crashed; please report this at https://github.com/claude-lint/claude-lint/issues with the file if you can:\n"
SETTINGS = Settings(sdk_version="2.14.0")


def _replace_rule(monkeypatch: pytest.MonkeyPatch, code: str, check) -> None:
    """Swap one rule class for one whose `check` is given (the engine looks rules up per file)."""
    real = registry.all_rules()
    original = next(rule for rule in real if rule.code == code)
    replacement = type(original.__name__, (original,), {"check": check})
    monkeypatch.setattr(registry, "all_rules", lambda: tuple(replacement if r is original else r for r in real))


def _crash_on_bad(self, ctx: RuleContext) -> None:
    if "bad" in ctx.path:
        raise ZeroDivisionError("boom")
    type(self).__mro__[1].check(self, ctx)


def _two_files(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.py").write_text(GOOD, encoding="utf-8")


def test_a_rule_crash_is_reported_and_the_run_goes_on(tmp_path: Path, lint_tree, monkeypatch: pytest.MonkeyPatch) -> None:
    _two_files(tmp_path)
    _replace_rule(monkeypatch, "CL102", _crash_on_bad)
    outcome = lint_tree()
    # The other file keeps every finding; the crashing file keeps the other rules' findings.
    assert findings(outcome) == {"bad.py": [("CL101", 9, 4, CL101_MESSAGE)], "good.py": GOOD_FINDINGS}
    assert len(outcome.errors) == 1
    error = outcome.errors[0]
    assert error.startswith("bad.py: rule CL102 " + REPORT_HINT)
    assert "ZeroDivisionError: boom" in error


def test_a_rule_crash_exits_2_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _two_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    _replace_rule(monkeypatch, "CL102", _crash_on_bad)
    result = CliRunner().invoke(main, ["check", "--no-cache", "-j", "1", "--output-format", "concise", "."])
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        f"bad.py:9:5: CL101 [-] {CL101_MESSAGE}",
        f"good.py:9:5: CL101 [-] {CL101_MESSAGE}",
        f"good.py:9:5: CL102 {CL102_MESSAGE}",
        "Found 3 errors.",
        "[-] 2 fixable with the `--fix --unsafe-fixes` options.",
    ]
    assert result.stderr.startswith("claude-lint: error: bad.py: rule CL102 " + REPORT_HINT)
    assert result.stderr.rstrip().endswith("ZeroDivisionError: boom")


def test_a_crash_in_every_rule_on_every_file_still_ends(tmp_path: Path, lint_tree, monkeypatch: pytest.MonkeyPatch) -> None:
    _two_files(tmp_path)

    class Broken:
        def check(self, ctx: RuleContext) -> None:
            raise RuntimeError(f"{self.code} broke")

    real = registry.all_rules()
    broken = tuple(type(r.__name__, (Broken, r), {}) for r in real)
    monkeypatch.setattr(registry, "all_rules", lambda: broken)
    outcome = lint_tree()
    assert outcome.diagnostics == []
    enabled = len(selection.resolve_selection(None, (), ()))
    assert len(outcome.errors) == 2 * enabled
    assert {e.split(" crashed")[0] for e in outcome.errors} >= {"bad.py: rule CL101", "good.py: rule CL505"}


def test_a_model_crash_is_reported_with_the_file(tmp_path: Path, lint_tree, monkeypatch: pytest.MonkeyPatch) -> None:
    import claude_lint.analysis.model

    _two_files(tmp_path)
    real = claude_lint.analysis.model.build_model

    def build_model(module, *args, **kwargs):
        if "bad" in module.code:
            raise KeyError("model bug")
        return real(module, *args, **kwargs)

    (tmp_path / "bad.py").write_text(GOOD + "bad = 1\n", encoding="utf-8")
    monkeypatch.setattr(claude_lint.analysis.model, "build_model", build_model)
    outcome = lint_tree()
    assert findings(outcome) == {"good.py": GOOD_FINDINGS}
    assert len(outcome.errors) == 1
    assert outcome.errors[0].startswith("bad.py: the module model " + REPORT_HINT)
    assert "KeyError: 'model bug'" in outcome.errors[0]


def test_a_parser_panic_is_reported_with_the_file(tmp_path: Path, lint_tree, monkeypatch: pytest.MonkeyPatch) -> None:
    """libcst's Rust panics reach Python as pyo3's PanicException, a BaseException."""
    import libcst

    class PanicException(BaseException):
        pass

    _two_files(tmp_path)
    (tmp_path / "bad.py").write_text(GOOD + "bad = 1\n", encoding="utf-8")
    real = libcst.parse_module

    def parse_module(source, *args, **kwargs):
        if "bad = 1" in source:
            raise PanicException("index out of bounds")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(libcst, "parse_module", parse_module)
    outcome = lint_tree()
    assert findings(outcome) == {"good.py": GOOD_FINDINGS}
    assert len(outcome.errors) == 1
    assert outcome.errors[0].startswith("bad.py: the parser (libcst) " + REPORT_HINT)


def test_keyboard_interrupt_in_a_rule_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(self, ctx: RuleContext) -> None:
        raise KeyboardInterrupt

    _replace_rule(monkeypatch, "CL101", interrupt)
    with pytest.raises(KeyboardInterrupt):
        lint_text("bad.py", GOOD, SETTINGS)


def test_a_rule_reporting_a_node_outside_the_tree_is_a_crash_of_that_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    import libcst

    def stray(self, ctx: RuleContext) -> None:
        ctx.report(libcst.Name("nowhere"), "a finding on a node of no tree")

    _replace_rule(monkeypatch, "CL102", stray)
    result = lint_text("bad.py", GOOD, SETTINGS)
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL101", 9)]
    assert len(result.errors) == 1 and result.errors[0].startswith("bad.py: rule CL102 " + REPORT_HINT)


def test_a_recursion_error_in_a_rule_means_the_file_is_too_deep(monkeypatch: pytest.MonkeyPatch) -> None:
    def deep(self, ctx: RuleContext) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    _replace_rule(monkeypatch, "CL102", deep)
    result = lint_text("bad.py", GOOD, SETTINGS)
    assert [(d.code, d.start.line, d.start.column, d.message) for d in result.diagnostics] == [
        ("CL001", 1, 0, "Cannot analyse: the code is nested too deeply")
    ]
    assert result.errors == []


# ---------------------------------------------------------------- the fixer survives bad fixes


def _offering(monkeypatch: pytest.MonkeyPatch, code: str, make_fix) -> None:
    """Rule `code` reports the bare `except` with the fix `make_fix(ctx)`."""

    def check(self, ctx: RuleContext) -> None:
        handler = ctx.model.module.body[-1].body.body[0].handlers[0]
        ctx.report(handler, "test finding", make_fix(ctx))

    _replace_rule(monkeypatch, code, check)


def _fix(*edits: Edit) -> Fix:
    return Fix("test fix", Applicability.SAFE, edits)


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (Edit(Location(99, 0), Location(99, 1), "x"), "has edits that cannot apply"),
        (Edit(Location(9, 200), Location(9, 201), "x"), "has edits that cannot apply"),
        (Edit(Location(9, 4), Location(8, 0), "x"), "has edits that cannot apply"),
        (Edit(Location(9, 4), Location(9, 10), "except ((("), "would not parse"),
    ],
    ids=["line-past-the-end", "column-past-the-end", "end-before-start", "unparsable"],
)
def test_a_fix_that_cannot_apply_is_dropped_and_reported(monkeypatch: pytest.MonkeyPatch, edit: Edit, why: str) -> None:
    _offering(monkeypatch, "CL102", lambda ctx: _fix(edit))
    outcome = fix_text("bad.py", GOOD, SETTINGS, frozenset({"CL102"}))
    assert outcome.fixed == GOOD
    assert outcome.errors == [f"bad.py: the CL102 fix (test fix) {why}; it was not applied"]


def test_a_fix_with_overlapping_edits_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    _offering(monkeypatch, "CL102", lambda ctx: _fix(
        Edit(Location(9, 4), Location(9, 10), "except Exception"), Edit(Location(9, 5), Location(9, 8), "x")
    ))
    outcome = fix_text("bad.py", GOOD, SETTINGS, frozenset({"CL102"}))
    assert (outcome.fixed, outcome.errors) == (GOOD, ["bad.py: the CL102 fix (test fix) has edits that cannot apply; it was not applied"])


def test_a_fix_that_changes_nothing_does_not_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    _offering(monkeypatch, "CL102", lambda ctx: _fix(Edit(Location(9, 4), Location(9, 10), "except")))
    outcome = fix_text("bad.py", GOOD, SETTINGS, frozenset({"CL102"}))
    assert (outcome.fixed, dict(outcome.applied), outcome.errors) == (GOOD, {}, [])


def test_fixes_that_undo_each_other_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    """CL101 turns `except:` into `except Exception:`, the other rule turns it back: a cycle."""

    def back(self, ctx: RuleContext) -> None:
        handler = ctx.model.module.body[-1].body.body[0].handlers[0]
        if handler.type is not None:
            start = ctx.start(handler)
            ctx.report(handler, "back", Fix("back", Applicability.SAFE, (Edit(start, Location(start.line, start.column + 17), "except:"),)))

    _replace_rule(monkeypatch, "CL102", back)
    outcome = fix_text("bad.py", GOOD, SETTINGS, frozenset({"CL101", "CL102"}), unsafe=True)
    assert outcome.errors == ["bad.py: fixes (CL102) undo each other; stopped before repeating them"]
    assert dict(outcome.applied) == {"CL101": 1}
    assert outcome.fixed == GOOD.replace("    except:", "    except Exception:")
