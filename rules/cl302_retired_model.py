"""CL302 retired-model: A Claude call names a model the API has retired."""

import re
from collections.abc import Callable
from typing import ClassVar

from claude_lint.analysis.model_flow import ANY_KEY, model_flow
from claude_lint.analysis.values import Known
from claude_lint.core.diagnostics import FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.model_advice import status_to_report, successor_advice
from claude_lint.lint.rule import Rule
from claude_lint.sdk.models import ModelStatus, model_status


def _made_by(calls: list[str]) -> str:
    more = f" (and {len(calls) - 1} more)" if len(calls) > 1 else ""
    return f" It becomes the model of the Claude call made by {calls[0]}{more}."


def _statuses(ctx: RuleContext) -> list[ModelStatus | None]:
    """The status of each Claude model id written in the file."""
    return [model_status(m, ctx.knowledge) for m in dict.fromkeys(_MODEL_ID.findall(ctx.text))]


_MODEL_ID = re.compile(r"claude-[\w.@:-]+")


class RetiredModel(Rule):
    """## What it does
    Finds a model argument of a Claude call (a literal, also through a module or
    local constant, a parameter default or an environment-variable default) that
    names a model the API no longer serves: its end-of-life date, from any SDK
    version's deprecated list or claude-lint's bundled table of retired models,
    is today or earlier. Bedrock and Vertex ids are not checked: those platforms
    set their own schedules.

    It also follows a model id chosen further away, in this module or another:
    passed to a function or constructor whose code sends it (`Sampler(model=...)`
    stored as `self.model`, `run(model=...)`), a dataclass or pydantic field's
    default read as `self.config.model`, a `"model"` entry of a `**payload` dict
    a method builds, a value picked from a dict at run time, or a constant, class
    attribute or dict entry of a config module that another module sends
    (`model=Config.MODEL`). The finding is at the literal, and its message names
    the call the id reaches. An id that is never sent (a price table, a list of
    supported models, an unused constant) is not reported.

    ## Why is this bad?
    A retired model answers every request with `404 not_found_error`. The code
    ran yesterday and fails today without any change, and no retry helps.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    reply = client.messages.create(
        model="claude-3-5-sonnet-20241022",
        max_tokens=1024,
        messages=[{"role": "user", "content": "Hello"}],
    )
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    reply = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=1024,
        messages=[{"role": "user", "content": "Hello"}],
    )
    ```

    ## Fix safety
    The fix replaces the id with the documented successor. It is unsafe: the
    successor answers differently (and may cost differently), so prompts and
    parsers deserve a test run on it.
    """

    code = "CL302"
    name = "retired-model"
    summary = "A Claude call names a model the API has retired"
    fix = FixKind.UNSAFE

    VALID: ClassVar[list[Valid]] = [
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # A retired id that is not a model argument.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            MIGRATED_FROM = "claude-3-5-sonnet-20241022"
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """
        ),
        # Bedrock and Vertex ids follow their platform's schedule.
        Valid(
            """
            import anthropic
            client = anthropic.AnthropicBedrock()
            client.messages.create(model="us.anthropic.claude-3-5-sonnet-20241022-v2:0", max_tokens=64, messages=[])
            vertex = anthropic.AnthropicVertex()
            vertex.messages.create(model="claude-3-5-sonnet-v2@20241022", max_tokens=64, messages=[])
            """
        ),
        # Deprecated but still served on the pinned day: CL303's.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[])
            """
        ),
        # Model ids that are never sent: a price table, a list, a parameter that only prices tokens.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            PRICES = {"claude-3-opus-20240229": 15.0}
            SUPPORTED = ["claude-3-opus-20240229"]
            def cost(model, tokens):
                return PRICES.get(model, 0.0) * tokens
            def ask(prompt, model="claude-sonnet-4-6"):
                print(cost("claude-3-opus-20240229", 10))
                return client.messages.create(model=model, max_tokens=64, messages=[{"role": "user", "content": prompt}])
            """
        ),
        # A model id built at run time is not known.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(family, prompt):
                return client.messages.create(
                    model=f"claude-3-5-{family}-20241022", max_tokens=64,
                    messages=[{"role": "user", "content": prompt}],
                )
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            reply = client.messages.create(
                model="claude-3-5-sonnet-20241022",
                max_tokens=1024,
                messages=[{"role": "user", "content": "Hello"}],
            )
            """,
            line=6,
            column=11,
            message=(
                "`claude-3-5-sonnet-20241022` was retired on 2025-10-22; the API answers 404 "
                "for it. Use `claude-sonnet-4-6`."
            ),
            fixed="""
            import anthropic

            client = anthropic.Anthropic()

            reply = client.messages.create(
                model="claude-sonnet-4-6",
                max_tokens=1024,
                messages=[{"role": "user", "content": "Hello"}],
            )
            """,
        ),
        # Through a module constant: reported (and fixed) at the constant.
        Invalid(
            """
            import anthropic
            FAST_MODEL = 'claude-3-haiku-20240307'
            client = anthropic.Anthropic()
            def classify(text):
                return client.messages.create(
                    model=FAST_MODEL, max_tokens=16,
                    messages=[{"role": "user", "content": text}],
                )
            """,
            line=2,
            column=14,
            message=(
                "`claude-3-haiku-20240307` was retired on 2026-04-20; the API answers 404 "
                "for it. Use `claude-haiku-4-5`."
            ),
            fixed="""
            import anthropic
            FAST_MODEL = 'claude-haiku-4-5'
            client = anthropic.Anthropic()
            def classify(text):
                return client.messages.create(
                    model=FAST_MODEL, max_tokens=16,
                    messages=[{"role": "user", "content": text}],
                )
            """,
        ),
        # Listed as deprecated by the SDK in use (2.14.0), with an end-of-life date passed.
        Invalid(
            """
            import os
            import anthropic
            client = anthropic.Anthropic()
            model = os.environ.get("MODEL", "claude-mythos-preview")
            client.messages.create(model=model, max_tokens=64, messages=[{"role": "user", "content": "hi"}])
            """,
            line=4,
            column=33,
            message=(
                "`claude-mythos-preview` was retired on 2026-06-30; the API answers 404 "
                "for it. Use `claude-mythos-5`."
            ),
        ),
        # A parameter default, with an SDK old enough to still list the model as current.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(prompt, model="claude-3-opus-20240229"):
                return client.messages.create(model=model, max_tokens=64, messages=[{"role": "user", "content": prompt}])
            """,
            line=3,
            column=23,
            sdk_version="0.40.0",
        ),
        # A dataclass field's default, read as `self.config.model` into a `**payload` built by a method.
        Invalid(
            """
            from dataclasses import dataclass
            import anthropic

            @dataclass
            class ModelConfig:
                model: str = "claude-3-5-haiku-20241022"

            class Agent:
                def __init__(self, config: ModelConfig | None = None):
                    self.config = config or ModelConfig()
                    self.client = anthropic.Anthropic()

                def _payload(self, prompt):
                    return {"model": self.config.model, "max_tokens": 64, "messages": [{"role": "user", "content": prompt}]}

                def run(self, prompt):
                    payload = self._payload(prompt)
                    return self.client.messages.create(**payload)
            """,
            line=6,
            column=18,
            message=(
                "`claude-3-5-haiku-20241022` was retired on 2026-02-19; the API answers 404 for it. "
                "Use `claude-haiku-4-5`. It becomes the model of the Claude call on line 18."
            ),
        ),
        # A keyword argument of a call of the module's own function (here a constructor).
        Invalid(
            """
            import anthropic

            class Sampler:
                def __init__(self, model):
                    self.client = anthropic.Anthropic()
                    self.model = model

                def __call__(self, prompt):
                    return self.client.messages.create(model=self.model, max_tokens=64, messages=[{"role": "user", "content": prompt}])

            SAMPLERS = {"haiku": Sampler(model="claude-3-haiku-20240307"), "sonnet": Sampler(model="claude-sonnet-4-6")}
            """,
            line=11,
            column=36,
            message=(
                "`claude-3-haiku-20240307` was retired on 2026-04-20; the API answers 404 for it. "
                "Use `claude-haiku-4-5`. It becomes the model of the Claude call on line 9."
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        values = ctx.values
        seen: set[int] = set()
        # Models a legacy `completions.create` sends: a Messages-only successor would not work there.
        legacy = {id(k.node) for site in ctx.model.direct_call_sites if site.method == "completions.create" for k in values.request_models(site)}
        for known in values.request_models_once(ctx.model.direct_call_sites):
            self._check(ctx, known, seen, legacy, "")
        if "claude-" not in ctx.text:
            return  # no model id written in this file: nothing flows from it
        flow = model_flow(ctx.model)
        legacy_calls = {id(s.node) for s in ctx.model.direct_call_sites if s.method == "completions.create"}
        for reach in flow.reaches:
            if reach.site is not None:
                if id(reach.site.node) in legacy_calls:
                    legacy.add(id(reach.known.node))
                # The call's line is worked out only for a report: a position costs a pass over the file.
                line = lambda node=reach.site.node: f" It becomes the model of the Claude call on line {ctx.start(node).line}."
                self._check(ctx, reach.known, seen, legacy, line)
        for reach in flow.remote():
            self._check(ctx, reach.known, seen, legacy, f" It becomes the model of the Claude call made by {reach.remote}.")
        self._check_exported(ctx, flow.exported(), seen)

    def _check_exported(self, ctx: RuleContext, exported: list[tuple[str, str, Known]], seen: set[int]) -> None:
        """A constant, class attribute, dict entry or class field of this module that other modules send as a model."""
        project = ctx.model.resolver.project
        if project.module is None:
            return
        for handle, key, known in exported:
            status = model_status(str(known.value), ctx.knowledge)
            if id(known.node) in seen or status is None or status.kind != "retired":
                continue
            found = project.model_uses(f"{project.module}.{handle}")
            calls = [where for use, where in (found.uses if found else ()) if use == key or (key and use == ANY_KEY)]
            if calls:
                self._check(ctx, known, seen, set(), _made_by(calls))
        if not any(s.kind == "retired" for s in _statuses(ctx) if s is not None):
            return
        # An attribute of this module's classes another module sends (`self.config.model`, the
        # config built here): the ids that flow into it, e.g. through `AgentConfig(model=...)`.
        flow = model_flow(ctx.model)
        for owner, field in flow.fields():
            found = project.model_uses(f"{project.module}.{owner}.{field}")
            calls = [where for use, where in (found.uses if found else ()) if use == ""]
            if calls:
                for reach in flow.attribute_reaches(owner, field, _made_by(calls)):
                    self._check(ctx, reach.known, seen, set(), reach.remote)

    def _check(self, ctx: RuleContext, known: Known, seen: set[int], legacy: set[int], note: str | Callable[[], str]) -> None:
        status = status_to_report(ctx, known, seen, "retired")
        if status is None:
            return
        if callable(note):
            note = note()
        model = str(known.value)
        assert status.end_of_life is not None
        advice, fix = successor_advice(ctx, known, status.successor, id(known.node) in legacy)
        ctx.report(
            known.node,
            f"`{model}` was retired on {status.end_of_life.isoformat()}; "
            f"the API answers 404 for it.{advice}{note}",
            fix,
        )
