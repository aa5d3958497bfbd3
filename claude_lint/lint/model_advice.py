"""What CL302/CL303/CL304 judge of a model id literal, and say and write when it has a documented successor."""

from __future__ import annotations

from datetime import date

from claude_lint.analysis.values import Known, string_literal_like
from claude_lint.core.diagnostics import Fix
from claude_lint.lint.context import RuleContext
from claude_lint.sdk import models as model_ids
from claude_lint.sdk.models import ModelStatus, takes_text_completions


def status_to_report(ctx: RuleContext, known: Known, seen: set[int], kind: str, on: date | None = None) -> ModelStatus | None:
    """The status of the model id `known` writes when it is of `kind` and its literal is not in
    `seen` (then added: each literal is reported once); else None."""
    if id(known.node) in seen:
        return None
    status = model_ids.model_status(str(known.value), ctx.knowledge, on)
    if status is None or status.kind != kind:
        return None
    seen.add(id(known.node))
    return status


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
