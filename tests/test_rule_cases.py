"""Runs every rule's own VALID/INVALID cases (ids like `CL101-invalid-2`)."""

from __future__ import annotations

import libcst as cst
import pytest

from claude_lint.config.settings import Settings
from claude_lint.core.text_edits import apply_fixes
from claude_lint.engine.fix_loop import fix_text
from claude_lint.engine.lint import lint_bytes
from claude_lint.engine.registry import all_rules
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.rule import Rule

SNAPSHOT_VERSION = "2.14.0"


def _cases(kind: str) -> list:
    return [
        pytest.param(rule, case, id=f"{rule.code}-{kind}-{i}")
        for rule in all_rules()
        for i, case in enumerate(rule.VALID if kind == "valid" else rule.INVALID, start=1)
    ]


def _lint(rule: type[Rule], case: Valid | Invalid):
    settings = Settings(sdk_version=case.sdk_version or SNAPSHOT_VERSION, helper_module="claude_lint.helper")
    result = lint_bytes("case.py", case.code.encode("utf-8"), settings, frozenset({rule.code}))
    assert not result.errors, result.errors
    return result.diagnostics


@pytest.mark.parametrize(("rule", "case"), _cases("valid"))
def test_valid(rule: type[Rule], case: Valid) -> None:
    assert [(d.code, d.start.line, d.message) for d in _lint(rule, case)] == []


@pytest.mark.parametrize(("rule", "case"), _cases("invalid"))
def test_invalid(rule: type[Rule], case: Invalid) -> None:
    diagnostics = _lint(rule, case)
    assert [(d.code, d.start.line, d.start.column + 1) for d in diagnostics] == [
        (rule.code, case.line, case.column)
    ], [d.message for d in diagnostics]
    if case.message is not None:
        assert diagnostics[0].message == case.message
    if case.fixed is not None:
        fix = diagnostics[0].fix
        assert fix is not None, "the case shows a fix but the rule offered none"
        fixed = apply_fixes(case.code, [fix])
        assert fixed == case.fixed
        cst.parse_module(fixed)
        # The fix resolves the finding: linting the result with the rule is clean.
        settings = Settings(sdk_version=case.sdk_version or SNAPSHOT_VERSION, helper_module="claude_lint.helper")
        again = lint_bytes("case.py", fixed.encode(), settings, frozenset({rule.code}))
        assert again.diagnostics == []
        # Through the fixer: the case's fix is what --fix writes, and fixing twice equals once.
        once = fix_text("case.py", case.code, settings, frozenset({rule.code}), unsafe=True)
        assert once.fixed == case.fixed and not once.errors
        assert fix_text("case.py", once.fixed, settings, frozenset({rule.code}), unsafe=True).fixed == once.fixed
