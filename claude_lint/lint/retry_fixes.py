"""Fix edits shared by the retry rules: adding a keyword to a retry decorator or `Retrying(...)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from claude_lint.analysis.retries import RetryMechanism, own_calls
from claude_lint.core.diagnostics import Edit
from claude_lint.lint.helper_adoption import helper_replaces

if TYPE_CHECKING:
    from claude_lint.lint.context import RuleContext


def add_keyword_edit(ctx: RuleContext, m: RetryMechanism, text: str) -> list[Edit]:
    """Edits that add `text` (e.g. `reraise=True`) to the mechanism's call or bare decorator.

    None for a mechanism a helper fix removes: editing it too would only make the two
    fixes fight over the same lines.
    """
    if helper_replaces(ctx, m):
        return []
    if m.call is not None and m.call in own_calls(m):
        keyword, _, value = text.partition("=")
        existing = m.keyword(keyword)
        if existing is not None:  # `reraise=False` becomes `reraise=True`, never a second keyword
            return [ctx.replace(existing.value, value)]
        if m.call.args:
            # An Arg's range ends before its comma: `b=2,` becomes `b=2, reraise=True,`.
            return [ctx.insert_after(m.call.args[-1], f", {text}")]
        return [ctx.replace(m.call, f"{ctx.code_for(m.call.func)}({text})")]
    if isinstance(m.node, cst.Decorator) and not isinstance(m.node.decorator, cst.Call):
        return [ctx.replace(m.node.decorator, f"{ctx.code_for(m.node.decorator)}({text})")]
    return []
