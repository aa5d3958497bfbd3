"""Rule documentation: one Markdown page per rule, from the rule's own docstring."""

from __future__ import annotations

import inspect
from pathlib import Path

from claude_lint.config.selection import INDEX_FILE
from claude_lint.engine.registry import all_rules, index_json
from claude_lint.lint.rule import Rule


def rule_markdown(rule: type[Rule]) -> str:
    doc = inspect.cleandoc(rule.__doc__ or "")
    default = "yes" if rule.default else "no (opt-in: add it to `select` or `extend-select`)"
    fix = {"-": "none", "S": "safe", "U": "unsafe", "H": "unsafe (adopts the reference helper)",
           "U/H": "unsafe, or adopting the reference helper"}[rule.fix.value]
    return (
        f"# {rule.code} {rule.name}\n\n"
        f"{rule.summary}.\n\n"
        f"- Default: {default}\n"
        f"- Fix: {fix}\n\n"
        f"{doc}\n"
    )


def write_rule_docs(directory: Path) -> list[Path]:
    """Write `CLxxx.md` for every rule, and the rule index; returns the files that changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = []
    if not INDEX_FILE.exists() or INDEX_FILE.read_text(encoding="utf-8") != index_json():
        INDEX_FILE.write_text(index_json(), encoding="utf-8")
        changed.append(INDEX_FILE)
    for rule in all_rules():
        path = directory / f"{rule.code}.md"
        text = rule_markdown(rule)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def stale_rule_docs(directory: Path) -> list[str]:
    """Pages (and the rule index) that are missing or out of date (for `--check` and the test)."""
    stale = []
    if not INDEX_FILE.exists() or INDEX_FILE.read_text(encoding="utf-8") != index_json():
        stale.append(str(INDEX_FILE))
    for rule in all_rules():
        path = directory / f"{rule.code}.md"
        if not path.exists() or path.read_text(encoding="utf-8") != rule_markdown(rule):
            stale.append(str(path))
    return stale
