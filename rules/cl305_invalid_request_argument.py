"""CL305 invalid-request-argument: A request argument the SDK in use or the API rejects."""

from __future__ import annotations

import difflib
from functools import cache, lru_cache
from typing import ClassVar

import libcst as cst

from claude_lint.analysis.model import CallSite
from claude_lint.analysis.values import Arguments, Values
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule
from claude_lint.sdk.knowledge import MethodInfo
from claude_lint.sdk.load import available_snapshots, load_knowledge

# Keywords from other SDKs (mostly OpenAI's) and what the Anthropic SDK calls them.
_FOREIGN_KEYWORDS = {
    "max_completion_tokens": "use `max_tokens`",
    "stop": "use `stop_sequences`",
    "response_format": "use `output_config` (structured outputs) or a tool",
    "user": 'use `metadata={"user_id": ...}`',
    "n": "make one request per completion",
    "frequency_penalty": "the Messages API has no such setting",
    "presence_penalty": "the Messages API has no such setting",
    "logprobs": "the Messages API has no such setting",
    "seed": "the Messages API has no such setting",
}
_ROLE_ADVICE = {
    "tool": "tool results go in a `user` message as `tool_result` blocks",
    "function": "tool results go in a `user` message as `tool_result` blocks",
    "developer": "instructions go in `system=`",
    "model": "Claude's turns use `assistant`",
    "human": "use `user`",
    "ai": "use `assistant`",
    "bot": "use `assistant`",
}


@cache
def _versions_taking(method: str, param: str) -> tuple[str, ...]:
    """Bundled SDK versions whose `method` takes `param`."""
    out = []
    for version in available_snapshots():
        info = load_knowledge(version).methods.get(method)
        if info is not None and param in info.params:
            out.append(version)
    return tuple(out)


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _other_versions_note(method: str, param: str, current: str) -> str:
    """Which bundled SDK version takes a parameter the SDK in use does not."""
    versions = _versions_taking(method, param)
    newer = [v for v in versions if _version_tuple(v) > _version_tuple(current)]
    if newer:
        return f" (anthropic {newer[0]} takes it: upgrade the SDK)"
    return f" (anthropic {versions[-1]} took it)" if versions else ""


# The unknown keys of a `**mapping` a finding names (the rest are counted).
_SHOWN_KEYS = 5


@lru_cache(maxsize=4096)
def _close_match(name: str, params: frozenset[str]) -> str | None:
    """The parameter `name` is probably a misspelling of (a key splatted into thousands of calls
    is asked about at each)."""
    close = difflib.get_close_matches(name, sorted(params), n=1, cutoff=0.75)
    return close[0] if close else None


class InvalidRequestArgument(Rule):
    """## What it does
    Finds request arguments the SDK in use or the API rejects before any retry
    can help: a keyword the method does not take in that SDK version (e.g.
    `temperature` on an SDK that removed it, OpenAI's `max_completion_tokens`),
    positional arguments, a missing required `model`/`max_tokens`/`messages`,
    `max_tokens` below 1, `messages=[]`, and a message role other than `user`
    and `assistant` (`system` is CL306's). Keywords passed through `**params`
    are checked when `params` is a dict literal of the module of at most 32
    keys (a request holds a dozen at most); several unknown keys of one
    `**params` are one finding that names them. A method the SDK in use does
    not have at all (the legacy `completions` on 2.x) is reported at the call.

    ## Why is this bad?
    An unknown or missing keyword raises `TypeError` in the SDK; the other
    mistakes come back as `400 invalid_request_error`. Either way the request
    fails every time, and a retry wrapper only repeats the failure.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    reply = client.messages.create(
        model="claude-sonnet-4-6",
        max_completion_tokens=1024,
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
    There is no fix: which value was meant is the author's call.
    """

    code = "CL305"
    name = "invalid-request-argument"
    summary = "A request argument the SDK in use or the API rejects"

    VALID: ClassVar[list[Valid]] = [
        # A prefilled assistant turn last is valid.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(
                model="claude-sonnet-4-6", max_tokens=256,
                messages=[
                    {"role": "user", "content": "List three colours as JSON."},
                    {"role": "assistant", "content": "["},
                ],
            )
            """
        ),
        # `**params` with keys we cannot see, and a list built later.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(params, history):
                messages = []
                messages.extend(history)
                client.messages.create(model="claude-sonnet-4-6", max_tokens=256, messages=messages)
                return client.messages.create(**params)
            """
        ),
        # `temperature` is a parameter of anthropic 0.121.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(
                model="claude-sonnet-4-6", max_tokens=256, temperature=0.2,
                messages=[{"role": "user", "content": "Hello"}],
            )
            """,
            sdk_version="0.121.0",
        ),
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            request = {"model": "claude-sonnet-4-6", "max_tokens": 64}
            request["messages"] = [{"role": "user", "content": "hi"}]
            client.messages.count_tokens(model="claude-sonnet-4-6", messages=[{"role": "user", "content": "hi"}])
            client.messages.create(**request)
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            reply = client.messages.create(
                model="claude-sonnet-4-6",
                max_completion_tokens=1024,
                messages=[{"role": "user", "content": "Hello"}],
            )
            """,
            line=7,
            column=5,
            message=(
                "`max_completion_tokens=` is not a parameter of `messages.create` in anthropic 2.14.0: "
                "the SDK raises TypeError before sending the request; use `max_tokens`"
            ),
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.messages.create(
                model="claude-sonnet-4-6", max_tokens=256, temperature=0.2,
                messages=[{"role": "user", "content": "Hello"}],
            )
            """,
            line=4,
            column=48,
            message=(
                "`temperature=` is not a parameter of `messages.create` in anthropic 2.14.0: "
                "the SDK raises TypeError before sending the request (anthropic 0.125.0 took it)"
            ),
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4-6", messages=[{"role": "user", "content": prompt}])
            """,
            line=4,
            column=12,
            message=(
                "`client.messages.create(...)` is missing `max_tokens`: the SDK raises TypeError "
                "before sending the request"
            ),
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            LIMIT = 0
            client.messages.create(model="claude-sonnet-4-6", max_tokens=LIMIT, messages=[{"role": "user", "content": "hi"}])
            """,
            line=4,
            column=51,
            message="`max_tokens` is 0: the API requires at least 1 and answers 400 invalid_request_error",
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            history = []
            client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=history)
            """,
            line=4,
            column=66,
            message="`messages` is empty: the API needs at least one message and answers 400 invalid_request_error",
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def answer(question, tool_output):
                messages = [
                    {"role": "user", "content": question},
                    dict(role="tool", content=tool_output),
                ]
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=messages)
            """,
            line=8,
            column=77,
            message=(
                "`messages` has a message with role `tool`: the API accepts only `user` and "
                "`assistant` and answers 400 invalid_request_error (tool results go in a `user` "
                "message as `tool_result` blocks)"
            ),
        ),
        # From a local dict literal passed as `**kwargs`.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            params = {"model": "claude-sonnet-4-6", "max_tokens": 64, "top_k": 5, "messages": [{"role": "user", "content": "hi"}]}
            client.messages.create(**params)
            """,
            line=4,
            column=24,
        ),
        # Several unknown keys of one `**mapping`: one finding names them.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            params = {"model": "claude-sonnet-4-6", "max_token": 64, "temprature": 0.2, "user_id": "u1", "messages": [{"role": "user", "content": "hi"}]}
            client.messages.create(**params)
            """,
            line=4,
            column=24,
            message=(
                "3 keys of `params` are not parameters of `messages.create` in anthropic 2.14.0: `max_token=` "
                "(did you mean `max_tokens`?), `temprature=`, `user_id=`; the SDK raises TypeError before "
                "sending the request"
            ),
        ),
        # The legacy Text Completions API is gone in 2.x.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            client.completions.create(model="claude-2.1", max_tokens_to_sample=64, prompt="Human: hi Assistant:")
            """,
            line=3,
            column=1,
            message=(
                "`client.completions.create` does not exist in anthropic 2.14.0: the call raises "
                "AttributeError; use `client.messages.create`"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        values = ctx.values
        for site in ctx.model.direct_call_sites:
            info = ctx.knowledge.methods.get(site.method)
            if info is None:
                self._missing_method(ctx, site)
                continue
            args = values.request_arguments(site)
            meant = self._keywords(ctx, site, info, args)
            self._required(ctx, site, info, args, meant)
            self._max_tokens(ctx, values, args)
            self._messages(ctx, values, site, args)

    def _missing_method(self, ctx: RuleContext, site: CallSite) -> None:
        if site.heuristic or site.client_node is None:
            return  # not known to be an Anthropic client
        if any(site.method in load_knowledge(v).methods for v in ctx.knowledge.alternatives):
            return  # the SDK version this code runs is uncertain, and a candidate has the method
        func = ctx.code_for(site.node.func)
        advice = "; use `client.messages.create`" if site.method.startswith("completions") else ""
        ctx.report(
            site.node,
            f"`{func}` does not exist in {ctx.knowledge.describe_version()}: the call raises "
            f"AttributeError{advice}",
        )

    def _keywords(self, ctx: RuleContext, site: CallSite, info: MethodInfo, args: Arguments) -> set[str]:
        """Reports unknown keywords; returns the parameters they probably meant."""
        method = site.method
        meant: set[str] = set()
        # The unknown keys of each `**mapping` (one finding for all of them: a dict of dozens of
        # unknown keys splatted into thousands of calls is not dozens of findings at each).
        splatted: dict[int, tuple[cst.Arg, list[tuple[str, str | None]]]] = {}
        for name, arg in args.arg_nodes.items():
            if name in info.params or (arg.star == "**" and args.may_shrink):
                continue
            advice = _FOREIGN_KEYWORDS.get(name)
            if advice is None:
                close = _close_match(name, info.params)
                advice = f"did you mean `{close}`?" if close else None
                meant.update([close] if close else [])
            elif name == "max_completion_tokens":
                meant.add("max_tokens")
            if set(_versions_taking(method, name)) & set(ctx.knowledge.alternatives):
                continue  # the SDK version this code runs is uncertain, and a candidate takes it
            if arg.star == "**":
                splatted.setdefault(id(arg), (arg, []))[1].append((name, advice))
                continue
            self._unknown_keyword(ctx, method, arg, name, advice)
        for arg, unknown in splatted.values():
            if len(unknown) == 1:
                self._unknown_keyword(ctx, method, arg, *unknown[0])
                continue
            shown = ", ".join(
                f"`{name}=`" + (f" ({advice})" if advice else "") for name, advice in unknown[:_SHOWN_KEYS]
            )
            more = f" and {len(unknown) - _SHOWN_KEYS} more" if len(unknown) > _SHOWN_KEYS else ""
            ctx.report(
                arg,
                f"{len(unknown)} keys of `{ctx.code_for(arg.value)}` are not parameters of `{method}` in "
                f"{ctx.knowledge.describe_version()}: {shown}{more}; the SDK raises TypeError before "
                f"sending the request",
            )
        if len(args.positional) > len(info.positional):
            extra = args.positional[len(info.positional)]
            ctx.report(
                extra,
                f"`{method}` takes keyword arguments only: the SDK raises TypeError before sending the request",
            )
        return meant

    @staticmethod
    def _unknown_keyword(ctx: RuleContext, method: str, arg: cst.Arg, name: str, advice: str | None) -> None:
        took = _other_versions_note(method, name, ctx.knowledge.sdk_version)
        ctx.report(
            arg,
            f"`{name}=` is not a parameter of `{method}` in {ctx.knowledge.describe_version()}: "
            f"the SDK raises TypeError before sending the request{took}" + (f"; {advice}" if advice else ""),
        )

    def _required(
        self, ctx: RuleContext, site: CallSite, info: MethodInfo, args: Arguments, meant: set[str]
    ) -> None:
        if not args.complete:
            return
        # A misspelt keyword is reported once, as unknown, not again as a missing one.
        given = set(args.keywords) | set(info.positional[: len(args.positional)]) | meant
        missing = sorted(info.required - given)
        if not missing:
            return
        names = ", ".join(f"`{name}`" for name in missing)
        ctx.report(
            site.node,
            f"`{ctx.code_for(site.node.func)}(...)` is missing {names}: the SDK raises TypeError "
            f"before sending the request",
        )

    def _max_tokens(self, ctx: RuleContext, values: Values, args: Arguments) -> None:
        item = args.keywords.get("max_tokens")
        if item is None:
            return
        known = values.single(item.expr, item.scope)
        if known is None or isinstance(known.value, bool) or not isinstance(known.value, int):
            return
        if known.value < 1:
            ctx.report(
                args.arg_nodes["max_tokens"],
                f"`max_tokens` is {known.value}: the API requires at least 1 and answers 400 invalid_request_error",
            )

    def _messages(self, ctx: RuleContext, values: Values, site: CallSite, args: Arguments) -> None:
        item = args.keywords.get("messages")
        if item is None:
            return
        arg = args.arg_nodes["messages"]
        sequence = values.sequence(item.expr, item.scope)
        if sequence is None:
            return
        if sequence.definitely_empty:
            ctx.report(
                arg,
                "`messages` is empty: the API needs at least one message and answers 400 invalid_request_error",
            )
            return
        if sequence.may_shrink:
            return
        for message in sequence.items:
            found = values.message_role(message)
            if found is None or found[0] in ("user", "assistant", "system"):
                continue
            role = found[0]
            advice = _ROLE_ADVICE.get(role.lower())
            ctx.report(
                arg,
                f"`messages` has a message with role `{role}`: the API accepts only `user` and "
                f"`assistant` and answers 400 invalid_request_error" + (f" ({advice})" if advice else ""),
            )
            return

