"""Rule selection (`select`/`ignore`/`extend-select`) over the generated rule index, without importing any rule."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class RuleInfo:
    """A rule's identity without its module: enough to select and list rules."""

    code: str
    name: str
    summary: str
    default: bool
    fix: str  # FixKind value



INDEX_FILE = Path(__file__).resolve().parent.parent / "data" / "rules.json"


@cache
def rule_index() -> tuple[RuleInfo, ...]:
    """Every rule's identity, from the generated index (no rule module, no libcst import).

    `claude-lint generate-docs` writes the index with the docs; a test keeps it
    current. Without the file (a broken install), the rule modules are read.
    """
    try:
        data = json.loads(INDEX_FILE.read_text(encoding="utf-8"))
        return tuple(RuleInfo(**item) for item in data)
    except (OSError, ValueError, TypeError):
        raise SystemExit(f"claude-lint: error: the rule index {INDEX_FILE} is missing or unreadable: reinstall claude-lint") from None


class SelectorError(ValueError):
    pass


@dataclass(frozen=True)
class _Match:
    specificity: int
    explicit: bool  # an exact code or ALL, which also turns on opt-in rules


def _best_match(code: str, selectors: Iterable[str]) -> _Match | None:
    """The most specific matching selector; explicit if any match is exact or ALL."""
    specificity, explicit, matched = -1, False, False
    for selector in selectors:
        if selector == "ALL":
            matched, explicit = True, True
            specificity = max(specificity, 0)
        elif code.startswith(selector):
            matched = True
            explicit = explicit or selector == code
            specificity = max(specificity, len(selector))
    return _Match(specificity, explicit) if matched else None


def matches_any(code: str, selectors: Iterable[str]) -> bool:
    """Whether a selector (a code, a prefix of codes, or `ALL`) names the code: how `ignore`,
    per-file ignores and suppression comments decide."""
    return any(selector == "ALL" or code.startswith(selector) for selector in selectors)


def check_selectors(selectors: Iterable[str]) -> None:
    """SelectorError for a selector that names no rule of the index.

    Called where selectors come in: the configuration file, the command line,
    and `resolve_selection` for settings built in code.
    """
    codes = [rule.code for rule in rule_index()]
    for selector in selectors:
        if selector != "ALL" and not any(code.startswith(selector) for code in codes):
            raise SelectorError(f"unknown rule selector `{selector}`")


def rule_enabled(
    code: str,
    default: bool,
    select: Sequence[str] | None,
    extend_select: Sequence[str],
    ignore: Sequence[str],
) -> bool:
    """Whether one rule is on, ruff-style: the more specific selector wins, ties go to ignore.

    Opt-in rules are enabled only by their exact code or `ALL`; a prefix such
    as `CL2` selects the default rules under it. Needs no rule module, so the
    engine can decide about CL001/CL002 without importing libcst.
    """
    match = _best_match(code, [*(select or ()), *extend_select])
    if match is None:
        on = select is None and default
        specificity = -1
    else:
        on = default or match.explicit
        specificity = match.specificity
    ignored_match = _best_match(code, ignore)
    if ignored_match is not None and ignored_match.specificity >= specificity:
        on = False
    return on


def resolve_selection(
    select: Iterable[str] | None,
    extend_select: Iterable[str],
    ignore: Iterable[str],
) -> frozenset[str]:
    """The enabled codes (see `rule_enabled`); unknown selectors are errors."""
    rules = rule_index()
    selected = list(select) if select is not None else None
    extra = list(extend_select)
    ignored = list(ignore)
    check_selectors([*(selected or []), *extra, *ignored])
    return frozenset(
        rule.code for rule in rules if rule_enabled(rule.code, rule.default, selected, extra, ignored)
    )
