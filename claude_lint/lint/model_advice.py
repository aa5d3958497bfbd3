"""What CL302/CL303 say and write when a model id has a documented successor."""

from __future__ import annotations

from claude_lint.analysis.values import Known, string_literal_like
from claude_lint.core.diagnostics import Fix
from claude_lint.lint.context import RuleContext
from claude_lint.sdk.models import takes_text_completions


def successor_advice(ctx: RuleContext, known: Known, successor: str | None, legacy: bool) -> tuple[str, Fix | None]:
    """The advice sentence and the (unsafe) fix writing `successor` in place of the literal.

    `legacy`: the id is sent by a Text Completions call, where a successor that
    takes only the Messages API would not work: the advice says to migrate instead.
    """
    if not successor:
        return "", None
    if legacy and not takes_text_completions(successor):
        return (
            f" Its successor `{successor}` takes only the Messages API: migrate this call to `client.messages.create`.",
            None,
        )
    text = string_literal_like(known.node, successor)
    fix = ctx.fix(f"Use `{successor}`", ctx.replace(known.node, text), safe=False) if text else None
    return f" Use `{successor}`.", fix
