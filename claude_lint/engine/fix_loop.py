"""The fix loop (`--fix`): apply fixes in non-overlapping passes, re-lint, repeat to a fixpoint.

A pass takes every offered fix of the allowed applicability whose edits do
not overlap an earlier one, applies them, and checks that the result still
parses; a fix that breaks the parse (or has edits outside the text) is
dropped and reported, never written, and a fix that changes nothing is
dropped quietly. The loop stops when no fix is left, when a pass would bring
back a text an earlier pass had (fixes that undo each other; reported), or
after `MAX_PASSES` passes that changed the text (reported).
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claude_lint.config.settings import Settings
from claude_lint.core.diagnostics import Applicability, Diagnostic, Fix
from claude_lint.core.nesting import ParseCost, check_nesting
from claude_lint.core.source import SourceError, decode_source, encode_like
from claude_lint.core.text_edits import apply_edits, select_non_overlapping, size_changes
from claude_lint.engine.lint import (
    MAX_ANALYSED_CHARS,
    MAX_PARSE_COST,
    LintResult,
    file_triggers,
    lint_text,
    remember_parse,
)

if TYPE_CHECKING:
    from claude_lint.analysis.symbols import ProjectSpec

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
    last: LintResult | None = None  # the lint of `fixed` (its diagnostics are `remaining`, suppressed ones too)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def _compiles(text: str, triggers: tuple[bytes, ...]) -> bool:
    """CPython can compile it (big flat literals and statements that cannot matter stood in for,
    as the engine parses it: a 10 MB list of numbers took 2.5 GB to compile; each statement
    stood in for compiled alone). Compiling builds bytecode; nothing is run."""
    from claude_lint.engine.elide import elide

    try:
        with warnings.catch_warnings():  # `"\d"` and the like: the user's business, not ours
            warnings.simplefilter("ignore")
            compile(elide(text, triggers).text, "<fixed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return True


def _unparsed(text: str, triggers: tuple[bytes, ...], must_compile: bool = True) -> str | None:
    """None when libcst can parse it (within the parse-cost budget) and, when the original
    compiled, CPython can compile it (a repeated keyword argument, say, parses but does not
    compile); else why not. Code that never compiled here (newer syntax than this Python,
    `await` at module level) is held to libcst's parse only."""
    import libcst as cst

    from claude_lint.engine.elide import elide

    elided = elide(text, triggers).text  # big flat literals (and the like) stood in for, as the engine parses it
    cost = ParseCost()
    if check_nesting(elided, cost=cost) is not None:  # libcst would crash on it
        return _NOT_PARSED
    if cost.units > MAX_PARSE_COST:  # the lint that follows would be CL002, its findings gone
        return _TOO_DENSE
    try:
        module = cst.parse_module(elided)
    except Exception:  # noqa: BLE001  (ParserSyntaxError, CSTValidationError, RecursionError...: not code)
        return _NOT_PARSED
    if must_compile and not _compiles(text, triggers):
        return _NOT_PARSED
    remember_parse(elided, module)  # the loop lints it next
    return None


def _code_size(text: str, triggers: tuple[bytes, ...]) -> int:
    """Characters of code outside the stand-ins, as the engine's analysis budget counts them."""
    from claude_lint.engine.elide import elide

    return elide(text, triggers).code_size()


_OVER_BUDGET = f"would make the file more than the {MAX_ANALYSED_CHARS:,} characters of code one file may hold to be analysed"
_TOO_DENSE = f"would make the file's code cost more than the {MAX_PARSE_COST:,} one file may cost to be parsed in time"
_NOT_PARSED = "would not parse"


def _within_budget(
    path: str, text: str, fixes: list[Fix], code_of: dict[int, str], outcome: FixOutcome, triggers: tuple[bytes, ...]
) -> list[Fix]:
    """The fixes, in order, that keep the file within the analysis budget; the others are dropped,
    said once (5,000 `from e` fixes in a file near the budget are one line, not 5,000)."""
    room = MAX_ANALYSED_CHARS - _code_size(text, triggers)
    kept: list[Fix] = []
    left: list[Fix] = []
    for fix, growth in zip(fixes, size_changes(text, fixes), strict=True):
        if growth <= room:
            kept.append(fix)
            room -= growth
        else:
            left.append(fix)
    for fix in left:
        outcome.rejected.add(_key(fix))
    if len(left) == 1:
        outcome.errors.append(f"{path}: the {code_of[id(left[0])]} fix ({left[0].message}) {_OVER_BUDGET}; it was not applied")
    elif left:
        codes = ", ".join(sorted({code_of[id(fix)] for fix in left}))
        outcome.errors.append(f"{path}: {len(left)} fixes ({codes}) {_OVER_BUDGET}; they were not applied")
    return kept


def _allowed(fix: Fix | None, unsafe: bool, display: bool = False) -> bool:
    if fix is None:
        return False
    if fix.applicability is Applicability.DISPLAY_ONLY:
        return unsafe and display
    return unsafe or fix.applicability is Applicability.SAFE


def fix_text(
    path: str,
    text: str,
    settings: Settings,
    enabled: frozenset[str] | None = None,
    unsafe: bool = False,
    project: ProjectSpec | None = None,
    display: bool = False,
    first: LintResult | None = None,
    summarize: bool = False,
) -> FixOutcome:
    """Fix `text` to a fixpoint. `display`: also apply display-only fixes (for `--diff`).

    `first`: the lint of `text` with these settings, when the caller has it (each lint of a big
    file costs a parse); `summarize`: compute the summary in every lint, so that the last one,
    `outcome.last`, is the lint of the fixed text a caller would run next.
    """
    outcome = FixOutcome(path, text, text)
    current = text
    triggers = file_triggers(settings, project)
    must_compile = _compiles(text, triggers)
    seen = {text}  # every text a pass produced: coming back to one means fixes undo each other
    passes = 0  # passes that changed the text; passes that only drop fixes are bounded by the fixes
    result = first if first is not None else lint_text(path, current, settings, enabled, project, summarize)
    while True:
        outcome.errors.extend(e for e in result.errors if e not in outcome.errors)
        candidates = [
            d for d in result.diagnostics
            if not d.suppressed and _allowed(d.fix, unsafe, display) and _key(d.fix) not in outcome.rejected  # type: ignore[arg-type]
        ]
        outcome.remaining = [d for d in result.diagnostics if not d.suppressed]
        if not candidates:
            break
        if passes == MAX_PASSES:
            outcome.errors.append(
                f"{path}: fixes did not settle after {MAX_PASSES} passes; the file may need another run"
            )
            break
        chosen = select_non_overlapping(d.fix for d in candidates)  # type: ignore[misc]
        code_of = {id(d.fix): d.code for d in candidates}
        applied, new = _apply_pass(path, current, chosen, code_of, outcome, triggers, must_compile)
        if not applied:
            continue  # every chosen fix was dropped (and remembered): try the others on the same text
        if new in seen:
            codes = ", ".join(sorted({code_of[id(fix)] for fix in chosen}))
            outcome.errors.append(
                f"{path}: fixes ({codes}) undo each other; stopped before repeating them"
            )
            for fix in chosen:
                outcome.applied[code_of[id(fix)]] -= 1
            outcome.applied += Counter()  # drop zero counts
            outcome.remaining = [d for d in result.diagnostics if not d.suppressed]
            break
        seen.add(new)
        current = new
        passes += 1
        result = lint_text(path, current, settings, enabled, project, summarize)
    outcome.fixed = current
    outcome.last = result
    return outcome


def _key(fix: Fix) -> tuple[object, ...]:
    return (fix.message, tuple(e.content for e in fix.edits))


def _edited(text: str, fixes: list[Fix]) -> str | None:
    """`text` with the fixes' edits, or None when they cannot apply (overlapping, or out of range)."""
    try:
        return apply_edits(text, [edit for fix in fixes for edit in fix.edits])
    except (ValueError, IndexError):
        return None


def _apply_pass(
    path: str,
    text: str,
    fixes: list[Fix],
    code_of: dict[int, str],
    outcome: FixOutcome,
    triggers: tuple[bytes, ...],
    must_compile: bool = True,
) -> tuple[int, str]:
    """Apply a pass's fixes; if together they break the parse, keep the ones that parse alone.

    A fix that would not parse, cannot apply, or changes nothing is remembered
    in `outcome.rejected` and not offered again.
    """
    candidate = _edited(text, fixes)
    # A file the analysis took stays one it takes: a fix never pushes it past the budget (it
    # would be CL002 from then on, its findings gone).
    if candidate is not None and candidate != text and _code_size(candidate, triggers) > MAX_ANALYSED_CHARS:
        fixes = _within_budget(path, text, fixes, code_of, outcome, triggers)
        candidate = _edited(text, fixes) if fixes else text
    if (
        candidate is not None
        and candidate != text
        and _code_size(candidate, triggers) <= MAX_ANALYSED_CHARS
        and _unparsed(candidate, triggers, must_compile) is None
    ):
        outcome.applied.update(code_of[id(fix)] for fix in fixes)
        return len(fixes), candidate
    for fix in fixes:
        attempt = _edited(text, [fix])
        if attempt == text:  # a no-op (moving a handler above its own duplicate, say): nothing to do
            outcome.rejected.add(_key(fix))
            continue
        if attempt is None:
            why = "has edits that cannot apply"
        else:
            over = _code_size(attempt, triggers) > MAX_ANALYSED_CHARS
            unparsed = _OVER_BUDGET if over else _unparsed(attempt, triggers, must_compile)
            if unparsed is None:
                outcome.applied[code_of[id(fix)]] += 1
                return 1, attempt  # one at a time: the other edits' positions refer to the old text
            why = unparsed
        outcome.rejected.add(_key(fix))
        outcome.errors.append(f"{path}: the {code_of[id(fix)]} fix ({fix.message}) {why}; it was not applied")
    return 0, text




def fix_bytes(
    path: str,
    data: bytes,
    settings: Settings,
    enabled: frozenset[str] | None = None,
    unsafe: bool = False,
    project: ProjectSpec | None = None,
    display: bool = False,
    first: LintResult | None = None,
    summarize: bool = False,
) -> tuple[FixOutcome, bytes] | None:
    """Fix a file's bytes; None when the file cannot be decoded (nothing to fix). `first`,
    `summarize`: as for `fix_text`."""
    try:
        source = decode_source(data)
    except SourceError:
        return None
    outcome = fix_text(path, source.text, settings, enabled, unsafe, project, display, first, summarize)
    if not outcome.changed:
        return outcome, data
    try:
        return outcome, encode_like(source, outcome.fixed)
    except (UnicodeError, LookupError, ValueError):
        outcome.errors.append(f"{path}: the fixed code cannot be written in the file's encoding {source.encoding}")
        outcome.fixed = outcome.original
        return outcome, data
