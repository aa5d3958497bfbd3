"""CL501 hardcoded-api-key: An API key written in the code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import libcst as cst

from claude_lint.analysis.model import ClientInfo, ModuleModel, Scope
from claude_lint.analysis.syntax import keyword_arg, literal_value
from claude_lint.analysis.values import Known, Values
from claude_lint.analysis.walk import walk
from claude_lint.core.diagnostics import Fix, FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule

_ENV_NAME = "ANTHROPIC_API_KEY"
# Values that are obviously not a real key (docs, tests, templates).
_PLACEHOLDER_MARKS = (
    "your", "xxx", "***", "...", "<", ">", "{", "placeholder", "example", "dummy", "fake", "test",
    "mock", "changeme", "change-me", "redacted", "insert", "replace", "todo", "secret-key", "not-a-key",
)


def mask(key: str) -> str:
    """The first 7 characters of a key, then `...` (fewer for a short value)."""
    return key[: min(7, len(key) // 2)] + "..."


def looks_like_a_key(value: str) -> bool:
    """Long and varied enough to be a secret, and no template or test value.

    Anthropic keys are `sk-ant-` and ~100 more characters; `"sk-ant-x"` in a test is not one.
    """
    lowered = value.lower()
    if any(c.isspace() for c in value) or any(mark in lowered for mark in _PLACEHOLDER_MARKS):
        return False
    if value.startswith("sk-ant-"):
        return len(value) >= 30 and _looks_random(value[len("sk-ant-"):])
    return len(value) >= 16 and len(set(value)) >= 8 and _looks_random(value)


def _looks_random(value: str) -> bool:
    """Digits with letters, or mixed case: `my-anthropic-api-key` and `aws-bearer-token` are words."""
    classes = (any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value))
    return sum(classes) >= 2


class _EnvAssignments(cst.CSTVisitor):
    """`os.environ["ANTHROPIC_API_KEY"] = "..."` statements; expressions are not entered."""

    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self.found: list[cst.Assign] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Assign):
            for target in node.targets:
                if self._is_key_slot(target.target):
                    self.found.append(node)
            return False
        return not isinstance(node, cst.BaseExpression)

    def _is_key_slot(self, target: cst.BaseExpression) -> bool:
        if not isinstance(target, cst.Subscript) or self.model.qualify(target.value) != "os.environ":
            return False
        index = target.slice[0].slice if len(target.slice) == 1 else None
        value = index.value if isinstance(index, cst.Index) else None
        return isinstance(value, cst.SimpleString) and literal_value(value) == _ENV_NAME


class HardcodedApiKey(Rule):
    """## What it does
    Finds a string literal passed as `api_key=` to an Anthropic client (its
    constructor or `with_options`, also through a constant or as the default of
    `os.environ.get(...)`), or any `api_key=` literal that starts with
    `sk-ant-`, and a literal assigned to `os.environ["ANTHROPIC_API_KEY"]`
    (also through `os.environ.setdefault`). Obvious placeholders (`"test"`,
    `"your-api-key"`, `"sk-ant-..."`) are not reported. The message never shows
    the key: only its first 7 characters.

    ## Why is this bad?
    Anyone who can read the code, its history, a log of it or a built image
    can use the key, and revoking it means a code change and a deploy. Keys in
    source control are found by scrapers within minutes of a push.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic(api_key="sk-ant-api03-Jx8Kq2Lw9Vb4Nc7Md1Fg5Hh3")
    ```

    Use instead:
    ```python
    import os

    import anthropic

    client = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])
    ```

    ## Fix safety
    The fix replaces the literal with `os.environ["ANTHROPIC_API_KEY"]`, adding
    `import os` after the module's last top-level import (after its docstring
    when it has none) when the module does not import it. It is unsafe: the program
    then needs the variable set where it runs, and raises `KeyError` without
    it. The key itself must still be revoked: it stays in the history.
    """

    code = "CL501"
    name = "hardcoded-api-key"
    summary = "An API key written in the code"
    fix = FixKind.UNSAFE

    VALID: ClassVar[list[Valid]] = [
        Valid(
            """
            import os
            import anthropic
            client = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])
            other = anthropic.Anthropic(api_key=os.getenv("CLAUDE_KEY"))
            """
        ),
        Valid(
            """
            import anthropic
            test_client = anthropic.Anthropic(api_key="test-key")
            docs_client = anthropic.Anthropic(api_key="sk-ant-...")
            template = anthropic.Anthropic(api_key="<YOUR_API_KEY>")
            short = anthropic.Anthropic(api_key="sk-ant-x")
            verify_key("anthropic", api_key="sk-ant-x")
            described = anthropic.AnthropicBedrock(aws_region="us-east-1", api_key="aws-bearer-token")
            fixture = anthropic.Anthropic(api_key="my-anthropic-api-key")
            """
        ),
        # Another library's key is not this rule's.
        Valid(
            """
            import anthropic
            from somewhere import Service
            service = Service(api_key="k3y-0f-an0ther-service")
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic(api_key="sk-ant-api03-Jx8Kq2Lw9Vb4Nc7Md1Fg5Hh3")
            """,
            line=3,
            column=38,
            message=(
                "An API key (`sk-ant-...`) is written in the code as `api_key=`: anyone who can "
                "read the code can use it. Read it from the environment (`ANTHROPIC_API_KEY`), "
                "and revoke this one"
            ),
            fixed="""
            import anthropic
            import os

            client = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])
            """,
        ),
        # Through a constant, in a module with a docstring and `import os` already.
        Invalid(
            '''
            """Claude access."""
            from __future__ import annotations
            import os as _os
            from anthropic import AsyncAnthropic
            CLAUDE_KEY = 'zk-live-77a1f0c9e2b84d'
            client = AsyncAnthropic(api_key=CLAUDE_KEY, max_retries=4)
            ''',
            line=5,
            column=14,
            message=(
                "An API key (`zk-live...`) is written in the code as `api_key=`: anyone who can "
                "read the code can use it. Read it from the environment (`ANTHROPIC_API_KEY`), "
                "and revoke this one"
            ),
            fixed='''
            """Claude access."""
            from __future__ import annotations
            import os as _os
            from anthropic import AsyncAnthropic
            CLAUDE_KEY = _os.environ["ANTHROPIC_API_KEY"]
            client = AsyncAnthropic(api_key=CLAUDE_KEY, max_retries=4)
            ''',
        ),
        Invalid(
            '''
            """Settings."""

            from __future__ import annotations

            import anthropic

            client = anthropic.Anthropic(api_key="sk-ant-api03-Zz1Yy2Xx3Ww4Vv5Uu6")
            ''',
            line=7,
            column=38,
            fixed='''
            """Settings."""

            from __future__ import annotations

            import anthropic
            import os

            client = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])
            ''',
        ),
        # No import to follow: `import os` goes after the docstring.
        Invalid(
            '''
            """Checks a key against the gateway."""
            verify_key("anthropic", api_key="sk-ant-api03-Pp0Oo9Ii8Uu7Yy6Tt5")
            ''',
            line=2,
            column=33,
            fixed='''
            """Checks a key against the gateway."""
            import os
            verify_key("anthropic", api_key=os.environ["ANTHROPIC_API_KEY"])
            ''',
        ),
        Invalid(
            """
            import os
            import anthropic
            os.environ["ANTHROPIC_API_KEY"] = "sk-ant-api03-Qq9Ww8Ee7Rr6Tt5Yy4"
            client = anthropic.Anthropic()
            """,
            line=3,
            column=35,
            message=(
                "An API key (`sk-ant-...`) is written in the code as `ANTHROPIC_API_KEY`: anyone who "
                "can read the code can use it. Set the variable outside the program (the shell, a "
                "secrets manager), and revoke this one"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        values = ctx.values
        seen: set[int] = set()
        # `api_key=` and `os.environ` cannot be reached without those words in the text.
        for known, direct in self._api_key_literals(ctx) if "api_key" in ctx.text else ():
            if id(known.node) in seen:
                continue
            seen.add(id(known.node))
            ctx.report(
                known.node,
                f"An API key (`{mask(str(known.value))}`) is written in the code as `api_key=`: anyone who "
                f"can read the code can use it. Read it from the environment (`{_ENV_NAME}`), and revoke this one",
                self._fix(ctx, known.node) if direct else None,
                secret=True,
            )
        for known in self._env_literals(ctx, values) if "environ" in ctx.text else ():
            if id(known.node) in seen:
                continue
            seen.add(id(known.node))
            ctx.report(
                known.node,
                f"An API key (`{mask(str(known.value))}`) is written in the code as `{_ENV_NAME}`: anyone who "
                f"can read the code can use it. Set the variable outside the program (the shell, a secrets "
                f"manager), and revoke this one",
                secret=True,
            )

    def _api_key_literals(self, ctx: RuleContext) -> Iterator[tuple[Known, bool]]:
        """(literal, whether it is the argument itself or a constant's whole value)."""
        model = ctx.model
        values = ctx.values
        for record in model.calls:
            arg = keyword_arg(record.node, "api_key")
            if arg is None:
                continue
            anthropic_call = self._is_anthropic_client_call(model, record.node, record.scope)
            for known in values.strings(arg.value, record.scope):
                value = str(known.value)
                if not looks_like_a_key(value) or not (anthropic_call or value.startswith("sk-ant-")):
                    continue
                yield known, known.node is arg.value or _is_bound_whole(known.node, record.scope)

    @staticmethod
    def _is_anthropic_client_call(model: ModuleModel, call: cst.Call, scope: Scope) -> bool:
        if model.resolver.client_class(model.qualify(call.func)) is not None:
            return True
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "with_options":
            return isinstance(model.resolver.client_of(func.value, scope), ClientInfo)
        return False

    def _env_literals(self, ctx: RuleContext, values: Values) -> Iterator[Known]:
        model = ctx.model
        for record in model.calls:
            if model.qualify(record.node.func) != "os.environ.setdefault" or len(record.node.args) < 2:
                continue
            key = values.single(record.node.args[0].value, record.scope)
            if key is None or key.value != _ENV_NAME:
                continue
            yield from (k for k in values.strings(record.node.args[1].value, record.scope) if looks_like_a_key(str(k.value)))
        finder = _EnvAssignments(model)
        walk(model.module, finder)
        for assign in finder.found:
            yield from (k for k in values.strings(assign.value, model.module_scope) if looks_like_a_key(str(k.value)))

    def _fix(self, ctx: RuleContext, node: cst.BaseExpression) -> Fix:
        environ, import_edits = ctx.import_name("os", "environ", from_import=False)
        edits = [*import_edits, ctx.replace(node, f'{environ}["{_ENV_NAME}"]')]
        return ctx.fix(f'Read the key from `{environ}["{_ENV_NAME}"]`', *edits, safe=False)


def _is_bound_whole(node: cst.BaseExpression, scope: Scope) -> bool:
    """Whether `node` is the whole value of an assignment visible from `scope` (a constant)."""
    current: Scope | None = scope
    while current is not None:
        if any(value is node for values in current.bindings.values() for value in values):
            return True
        current = current.parent
    return False
