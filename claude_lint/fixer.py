"""The fixer: apply fixes in non-overlapping passes, re-lint, repeat to a fixpoint.

A pass takes every offered fix of the allowed applicability whose edits do
not overlap an earlier one, applies them, and checks that the result still
parses; a fix that breaks the parse is dropped and reported, never written.
The loop stops when no fix is left, or after `MAX_PASSES` (reported).
"""

from __future__ import annotations

import codecs
from collections import Counter
from dataclasses import dataclass, field

from claude_lint.config import Settings
from claude_lint.diagnostics import Applicability, Diagnostic, Fix
from claude_lint.engine import lint_text
from claude_lint.fixes import apply_edits, select_non_overlapping
from claude_lint.source import SourceError, SourceText, decode_source

MAX_PASSES = 10


@dataclass
class FixOutcome:
    path: str
    original: str
    fixed: str
    applied: Counter[str] = field(default_factory=Counter)  # fixes applied per rule code
    remaining: list[Diagnostic] = field(default_factory=list)  # diagnostics left in the fixed text
    errors: list[str] = field(default_factory=list)
    rejected: set[tuple[object, ...]] = field(default_factory=set)  # fixes that broke the parse

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def _parses(text: str) -> bool:
    """libcst can parse it and CPython can compile it (a repeated keyword argument, say,
    parses but does not compile). Compiling builds bytecode; nothing is run."""
    import libcst as cst

    try:
        cst.parse_module(text)
        compile(text, "<fixed>", "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _allowed(fix: Fix | None, unsafe: bool) -> bool:
    return fix is not None and (unsafe or fix.applicability is Applicability.SAFE)


def fix_text(
    path: str,
    text: str,
    settings: Settings,
    enabled: frozenset[str] | None = None,
    unsafe: bool = False,
) -> FixOutcome:
    outcome = FixOutcome(path, text, text)
    current = text
    for _ in range(MAX_PASSES):
        result = lint_text(path, current, settings, enabled)
        outcome.errors.extend(e for e in result.errors if e not in outcome.errors)
        candidates = [
            d for d in result.diagnostics
            if not d.suppressed and _allowed(d.fix, unsafe) and _key(d.fix) not in outcome.rejected  # type: ignore[arg-type]
        ]
        if not candidates:
            outcome.remaining = [d for d in result.diagnostics if not d.suppressed]
            break
        chosen = select_non_overlapping(d.fix for d in candidates)  # type: ignore[misc]
        code_of = {id(d.fix): d.code for d in candidates}
        applied, current = _apply_pass(path, current, chosen, code_of, outcome)
        if not applied:
            outcome.remaining = [d for d in result.diagnostics if not d.suppressed]
            break
    else:
        outcome.errors.append(f"{path}: fixes did not settle after {MAX_PASSES} passes; the file may need another run")
        outcome.remaining = [d for d in lint_text(path, current, settings, enabled).diagnostics if not d.suppressed]
    outcome.fixed = current
    return outcome


def _key(fix: Fix) -> tuple[object, ...]:
    return (fix.message, tuple(e.content for e in fix.edits))


def _apply_pass(path: str, text: str, fixes: list[Fix], code_of: dict[int, str], outcome: FixOutcome) -> tuple[int, str]:
    """Apply a pass's fixes; if together they break the parse, keep the ones that parse alone."""
    candidate = apply_edits(text, [edit for fix in fixes for edit in fix.edits])
    if _parses(candidate):
        outcome.applied.update(code_of[id(fix)] for fix in fixes)
        return len(fixes), candidate
    applied = 0
    for fix in fixes:
        attempt = apply_edits(text, fix.edits)
        if _parses(attempt):
            text = attempt
            outcome.applied[code_of[id(fix)]] += 1
            applied += 1
            break  # one at a time: the other edits' positions refer to the old text
        outcome.rejected.add(_key(fix))
        outcome.errors.append(
            f"{path}: the {code_of[id(fix)]} fix ({fix.message}) would not parse; it was not applied"
        )
    return applied, text


def encode_like(source: SourceText, text: str) -> bytes:
    """The fixed text in the file's own encoding, with its BOM if it had one."""
    data = text.encode(source.encoding)
    return codecs.BOM_UTF8 + data if source.bom else data


def fix_bytes(
    path: str,
    data: bytes,
    settings: Settings,
    enabled: frozenset[str] | None = None,
    unsafe: bool = False,
) -> tuple[FixOutcome, bytes] | None:
    """Fix a file's bytes; None when the file cannot be decoded (nothing to fix)."""
    try:
        source = decode_source(data)
    except SourceError:
        return None
    outcome = fix_text(path, source.text, settings, enabled, unsafe)
    if not outcome.changed:
        return outcome, data
    try:
        return outcome, encode_like(source, outcome.fixed)
    except UnicodeEncodeError:
        outcome.errors.append(f"{path}: the fixed code cannot be written in the file's encoding {source.encoding}")
        outcome.fixed = outcome.original
        return outcome, data
