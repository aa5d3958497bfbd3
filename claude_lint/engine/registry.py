"""Rule discovery: every rule class of `claude_lint.rules`, by code, and the index written from them."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from dataclasses import asdict
from functools import cache

from claude_lint.config.selection import RuleInfo
from claude_lint.lint.rule import Rule


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class in `claude_lint.rules`, sorted by code."""
    import claude_lint.rules as package

    found: list[type[Rule]] = []
    for info in pkgutil.iter_modules(package.__path__):
        if not re.fullmatch(r"cl\d{3}_\w+", info.name):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value.__module__ == module.__name__
                and getattr(value, "code", None)
            ):
                found.append(value)
    return tuple(sorted(found, key=lambda r: r.code))


def rules_by_code() -> dict[str, type[Rule]]:
    return {rule.code: rule for rule in all_rules()}


def index_json() -> str:
    return json.dumps([asdict(rule_info(rule)) for rule in all_rules()], indent=2) + "\n"


def rule_info(rule: type[Rule]) -> RuleInfo:
    """A rule's identity as the index records it."""
    return RuleInfo(rule.code, rule.name, rule.summary, rule.default, rule.fix.value)
