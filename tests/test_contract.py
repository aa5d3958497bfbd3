"""Every rule keeps the contract: identity, docs, examples that behave, docs pages fresh."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claude_lint.config.settings import Settings
from claude_lint.engine.lint import lint_bytes
from claude_lint.engine.registry import all_rules
from claude_lint.lint.rule import DOC_SECTIONS, EngineRule, Rule
from claude_lint.output.docs import stale_rule_docs

ROOT = Path(__file__).resolve().parent.parent
RULES = all_rules()
# RULES.md's catalogue: code -> (name, default, fix kind)
SPEC = {
    "CL001": ("syntax-error", True), "CL002": ("io-error", True), "CL101": ("bare-except", True),
    "CL102": ("swallowed-api-error", True), "CL104": ("unreachable-handler", True),
    "CL105": ("raise-without-cause", True), "CL106": ("foreign-exception-type", True),
    "CL107": ("unknown-sdk-exception", True),
    "CL201": ("missing-retry", True), "CL202": ("retries-non-retryable", True),
    "CL203": ("unbounded-retry", True), "CL204": ("retry-without-backoff", True),
    "CL205": ("retry-without-jitter", False), "CL206": ("blocking-sleep-in-async", True),
    "CL207": ("stacked-retries", True), "CL208": ("retry-error-masks-api-error", True),
    "CL209": ("ignores-retry-after", False), "CL210": ("retry-exhausted-silently", True),
    "CL211": ("sleep-without-retry", True),
    "CL301": ("unvalidated-prompt-input", False), "CL302": ("retired-model", True),
    "CL303": ("deprecated-model", True), "CL304": ("unknown-model", True),
    "CL305": ("invalid-request-argument", True), "CL306": ("system-role-in-messages", True),
    "CL307": ("nonstreaming-long-request", True), "CL401": ("unchecked-content-block", True),
    "CL402": ("content-index-without-guard", False), "CL403": ("ignored-stop-reason", False),
    "CL404": ("unguarded-json-parse", True), "CL501": ("hardcoded-api-key", True),
    "CL502": ("client-per-call", False), "CL503": ("stream-outside-context-manager", True),
    "CL504": ("async-call-not-awaited", True), "CL505": ("await-on-sync-client", True),
}


def test_codes_and_names_are_unique_and_match_the_spec() -> None:
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))
    for rule in RULES:
        assert re.fullmatch(r"CL\d{3}", rule.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
        if rule.code in SPEC:
            assert (rule.name, rule.default) == SPEC[rule.code]
    assert set(SPEC) <= set(codes)


def _fenced_blocks(doc: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", doc, flags=re.DOTALL)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_docs_have_every_section_in_order(rule: type[Rule]) -> None:
    doc = rule.__doc__ or ""
    positions = [doc.find(section) for section in DOC_SECTIONS]
    assert all(p >= 0 for p in positions), f"{rule.code} misses a section"
    assert positions == sorted(positions)
    assert len(_fenced_blocks(doc)) == 2


@pytest.mark.parametrize("rule", [r for r in RULES if not issubclass(r, EngineRule)], ids=lambda r: r.code)
def test_doc_example_triggers_and_use_instead_does_not(rule: type[Rule]) -> None:
    import textwrap

    example, use_instead = (textwrap.dedent(b) for b in _fenced_blocks(rule.__doc__ or ""))
    settings = Settings(sdk_version="2.14.0")
    bad = lint_bytes("example.py", example.encode(), settings, frozenset({rule.code}))
    good = lint_bytes("example.py", use_instead.encode(), settings, frozenset({rule.code}))
    assert [d.code for d in bad.diagnostics] == [rule.code]
    assert good.diagnostics == []


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_cases_and_fixable_rules_show_their_fix(rule: type[Rule]) -> None:
    assert rule.VALID and rule.INVALID
    assert any(case.message for case in rule.INVALID), "at least one case pins the message"
    shows_fix = any(case.fixed is not None for case in rule.INVALID)
    assert shows_fix == rule.fix.fixable, "a rule claims a fix exactly when a case shows it"


def test_rule_docs_pages_are_fresh() -> None:
    assert stale_rule_docs(ROOT / "docs" / "rules") == [], "run `claude-lint generate-docs`"


def test_readme_lists_every_rule() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"[{rule.code}](docs/rules/{rule.code}.md)" in readme
        assert f"`{rule.name}`" in readme
