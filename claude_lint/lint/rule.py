"""The Rule base class: a rule's identity, docs, cases and its `check`."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from claude_lint.core.diagnostics import FixKind
from claude_lint.lint.cases import Invalid, Valid

if TYPE_CHECKING:
    from claude_lint.lint.context import RuleContext


DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "Use instead:", "## Fix safety")


DOCS_URL = "https://github.com/claude-lint/claude-lint/blob/main/docs/rules/{code}.md"


class Rule:
    """A rule: its identity, docs, cases, and a `check` that reads the module model.

    Subclasses set the class attributes; the docstring has ruff's sections
    (What it does / Why is this bad? / Example / Use instead: / Fix safety).
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default: ClassVar[bool] = True
    fix: ClassVar[FixKind] = FixKind.NONE
    VALID: ClassVar[list[Valid]] = []
    INVALID: ClassVar[list[Invalid]] = []

    def check(self, ctx: RuleContext) -> None:
        raise NotImplementedError

    @classmethod
    def url(cls) -> str:
        return DOCS_URL.format(code=cls.code)


# CL0xx rules are produced by the engine itself (the file never reaches the model);
# they still have classes so they are listed, documented and selectable.
class EngineRule(Rule):
    def check(self, ctx: RuleContext) -> None:
        return None
