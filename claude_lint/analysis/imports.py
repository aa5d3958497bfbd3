"""The import table: which local names a module's imports bind, and what they name."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from claude_lint.analysis.syntax import dotted


@dataclass
class ImportTable:
    """Local names bound by imports, mapped to what they name."""

    names: dict[str, str] = field(default_factory=dict)  # local -> qualified name

    def add_import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.names[alias.asname.name.value] = full
            else:
                top = full.split(".", 1)[0]
                self.names[top] = top

    def add_import_from(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return  # star imports are given up on: their names are not known here
        module = dotted(node.module) if node.module is not None else ""
        if module is None:
            return
        if node.relative:
            # `from ..llm import ask` -> "..llm.ask": the project view places it (its module is
            # known there); nothing else matches a name with leading dots.
            module = "." * len(node.relative) + module
        elif not module:
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            local = alias.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.names[local] = f"{module}{'' if module.endswith('.') else '.'}{alias.name.value}"

    def qualify(self, expr: cst.BaseExpression) -> str | None:
        """The qualified name an expression refers to, through import aliases."""
        name = dotted(expr)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        target = self.names.get(head, head)
        return f"{target}.{rest}" if rest else target

    def imports_root(self, root: str) -> bool:
        return any(q == root or q.startswith(root + ".") for q in self.names.values())

