"""CL301 unvalidated-prompt-input: A parameter goes into the prompt unchecked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import libcst as cst

from claude_lint.analysis.model import CallSite, ModuleModel
from claude_lint.analysis.responses import Frame
from claude_lint.analysis.values import Item, Values
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule

_VALIDATING_DECORATORS = ("validate_call", "validate_arguments", "validator")


def _validation_off(site: CallSite) -> bool:
    """`create_message(client, validate=False, ...)`."""
    arg = site.keyword("validate")
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "False"


class UnvalidatedPromptInput(Rule):
    """## What it does
    Finds a Claude call whose message content, `system` or legacy `prompt`
    is a parameter of the enclosing function, passed straight through, when
    nothing in the function looks at that parameter before the call: no
    `if`/`while`/`assert` on it, no call to a `validate*`/`check*` function
    with it, no pydantic model built from it, and no `@validate_call` on the
    function. A value built from the parameter (an f-string, a `.strip()`) is
    not "straight through" and is not reported.

    ## Why is this bad?
    Whatever the caller passes is sent as is. An empty or whitespace-only
    string is rejected by the API with `400 invalid_request_error` only after
    the request has been made, an oversized one costs tokens before it fails,
    and the error surfaces as an API error far from the caller that sent the
    bad value.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def summarise(text):
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def summarise(text):
        if not text or not text.strip():
            raise ValueError("nothing to summarise")
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
    ```

    ## Fix safety
    There is no fix here. (Adopting the reference helper, which validates the
    request before sending it, is a separate fix still to come.)
    """

    code = "CL301"
    name = "unvalidated-prompt-input"
    summary = "A parameter goes into the prompt unchecked"
    default = False

    VALID: ClassVar[list[Valid]] = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text):
                assert text, "nothing to summarise"
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
            """
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(text, style):
                check_prompt(text)
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    system=f"Write in a {style} style.",
                    messages=[{"role": "user", "content": f"Summarise:\\n{text}"}],
                )
            """
        ),
        Valid(
            """
            import anthropic
            from pydantic import validate_call
            client = anthropic.Anthropic()
            @validate_call
            def summarise(text: str):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": text}])
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            def summarise(text):
                return client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512,
                    messages=[{"role": "user", "content": text}],
                )
            """,
            line=6,
            column=12,
            message=(
                "`text`, a parameter of `summarise()`, goes into the message content unchecked: an "
                "empty or whitespace-only value is rejected by the API (400 invalid_request_error) "
                "only after the request is sent. Check it before calling Claude"
            ),
        ),
        # A check after the call does not count; `system=` too.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def answer(question, persona):
                response = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=512, system=persona,
                    messages=[{"role": "user", "content": [{"type": "text", "text": question}]}],
                )
                if not question:
                    return None
                return response
            """,
            line=4,
            column=16,
            message=(
                "`persona` and `question`, parameters of `answer()`, go into `system=` and the message "
                "content unchecked: an empty or whitespace-only value is rejected by the API (400 "
                "invalid_request_error) only after the request is sent. Check them before calling Claude"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        values = ctx.values
        first_checks: dict[tuple[int, str], int] = {}
        for frame in ctx.frames.frames:
            function = frame.function
            if function is None or _validated_by_decorator(ctx, function.decorators):
                continue
            for site in frame.sites:
                if site.helper and not _validation_off(site):
                    continue  # the reference helper validates the request before sending it
                inputs = _straight_inputs(values, frame, site)
                unchecked = {name: where for name, where in inputs.items() if not _checked_before(frame, name, site, first_checks)}
                if not unchecked:
                    continue
                names = list(unchecked)
                places = list(dict.fromkeys(unchecked.values()))
                who = (
                    f"`{names[0]}`, a parameter of `{function.name}()`, goes"
                    if len(names) == 1
                    else f"{_and(f'`{n}`' for n in names)}, parameters of `{function.name}()`, go"
                )
                them = "it" if len(names) == 1 else "them"
                ctx.report(
                    site.node,
                    f"{who} into {_and(places)} unchecked: an empty or whitespace-only value is rejected "
                    f"by the API (400 invalid_request_error) only after the request is sent. Check {them} "
                    f"before calling Claude",
                )


def _and(items: Iterable[str]) -> str:
    words = list(items)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _validated_by_decorator(ctx: RuleContext, decorators: tuple[cst.Decorator, ...]) -> bool:
    for decorator in decorators:
        expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        if (ctx.model.qualify(expr) or "").rsplit(".", 1)[-1] in _VALIDATING_DECORATORS:
            return True
    return False


def _straight_inputs(values: Values, frame: Frame, site: CallSite) -> dict[str, str]:
    """Parameters passed as they are into the prompt, with where they go."""
    found: dict[str, tuple[str, int]] = {}
    args = values.request_arguments(site)

    def param(item: Item | None) -> str | None:
        if item is None or item.scope is not frame.scope or not isinstance(item.expr, cst.Name):
            return None
        name = item.expr.value
        if name in ("self", "cls") or values.param_of(name, frame.scope) is None:
            return None
        found.setdefault(name, ("", frame.position(item.expr)))
        return name

    def place(name: str | None, where: str) -> None:
        if name is not None and not found[name][0]:
            found[name] = (where, found[name][1])

    for keyword, where in (("system", "`system=`"), ("prompt", "`prompt=`")):
        place(param(args.keywords.get(keyword)), where)
    for sequence in values.request_messages(site):
        for message in sequence.items:
            entries = values.mapping(message.expr, message.scope)
            content = entries.entries.get("content") if entries is not None else None
            if content is None:
                continue
            name = param(content)
            if name is not None:
                place(name, "the message content")
                continue
            blocks = values.sequence(content.expr, content.scope)
            for block in blocks.items if blocks is not None else ():
                block_entries = values.mapping(block.expr, block.scope)
                place(param(block_entries.entries.get("text")) if block_entries is not None else None, "the message content")
    # In the order the names appear in the call.
    return {name: where for name, (where, _) in sorted(found.items(), key=lambda item: item[1][1]) if where}


def _checked_before(frame: Frame, name: str, site: CallSite, first_checks: dict[tuple[int, str], int]) -> bool:
    """A use of the parameter before the call that inspects it. `first_checks`: the first such use
    of each (frame, name), found once for all the frame's call sites (not every use for each site)."""
    key = (id(frame), name)
    first = first_checks.get(key)
    if first is None:
        first = first_checks[key] = next((frame.position(use) for use in frame.loads(name) if _inspects(frame, use)), -1)
    return 0 <= first < frame.position(site.node)


def _inspects(frame: Frame, use: cst.Name) -> bool:
    for ancestor, child in frame.ancestors(use):
        if isinstance(ancestor, (cst.If, cst.While, cst.Assert, cst.IfExp)) and child is ancestor.test:
            return True
        if isinstance(ancestor, cst.Match) and child is ancestor.subject:
            return True
        if isinstance(ancestor, cst.Call) and _is_validator(frame, ancestor):
            return True
        if isinstance(ancestor, cst.BaseStatement):
            break
    return False


def _is_validator(frame: Frame, call: cst.Call) -> bool:
    name = (frame.model.qualify(call.func) or "").rsplit(".", 1)[-1].lstrip("_").lower()
    if name.startswith(("validate", "check", "ensure", "verify", "sanitize", "sanitise")):
        return True
    # `Prompt(text=text)` / `Prompt.model_validate(...)`: a pydantic model of this module.
    target = call.func.value if isinstance(call.func, cst.Attribute) and call.func.attr.value.startswith("model_validate") else call.func
    return _is_pydantic_model(frame, target)


def _is_pydantic_model(frame: Frame, expr: cst.BaseExpression) -> bool:
    if not isinstance(expr, cst.Name):
        return False
    statement = frame.model.shared(_top_level_classes).get(expr.value)
    return statement is not None and any((frame.model.qualify(base.value) or "").endswith("BaseModel") for base in statement.bases)


def _top_level_classes(model: ModuleModel) -> dict[str, cst.ClassDef]:
    """The first class of each name at the module's top level."""
    found: dict[str, cst.ClassDef] = {}
    for statement in model.module.body:
        if isinstance(statement, cst.ClassDef):
            found.setdefault(statement.name.value, statement)
    return found
