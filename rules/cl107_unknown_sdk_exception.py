"""CL107 unknown-sdk-exception: `anthropic.<Name>` in an except or retry predicate is not an SDK exception."""

from claude_lint.core.diagnostics import FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule
from claude_lint.sdk.load import load_knowledge

# Names `anthropic` exports that are not exceptions (besides the clients, which the knowledge lists).
_NON_EXCEPTION_EXPORTS = frozenset({"Timeout", "Stream", "AsyncStream", "NotGiven", "Omit", "BaseModel", "RequestOptions"})


class UnknownSdkException(Rule):
    """## What it does
    Finds `anthropic.<Name>` (under any module alias) in an `except` clause or
    a retry predicate (tenacity, backoff, stamina) where `<Name>` is not an
    exception class of the SDK version in use: a typo such as
    `anthropic.RateLimitException`, or `anthropic.OverloadedError` with an
    SDK that has none. `from anthropic import Missing` is not reported: it
    fails loudly at import time.

    ## Why is this bad?
    Python evaluates the expression in an `except` clause only while matching
    an exception. The first time the call fails, the lookup raises
    `AttributeError`, which replaces the real API error and crashes the
    handler that was meant to deal with it.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    try:
        client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    except anthropic.RateLimitException:
        back_off()
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    try:
        client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    except anthropic.RateLimitError:
        back_off()
    ```

    ## Fix safety
    When there is a close real name, the fix writes it (the "did you mean"
    of the message). It is unsafe: the closest name is a guess at what was
    meant, and the handler that crashed on the lookup before now runs for
    the errors of that class.
    """

    code = "CL107"
    name = "unknown-sdk-exception"
    summary = "`anthropic.<Name>` in an except or retry predicate is not an SDK exception"
    fix = FixKind.UNSAFE

    VALID = [
        Valid(
            """
            import anthropic as ac
            try:
                pass
            except (ac.RateLimitError, ac.APIConnectionError):
                pass
            """
        ),
        Valid(
            """
            import anthropic
            from tenacity import retry, retry_if_exception_type
            @retry(retry=retry_if_exception_type(anthropic.InternalServerError))
            def ask():
                pass
            """
        ),
        # `anthropic.types` is a module, and the chain continues.
        Valid(
            """
            import anthropic
            try:
                pass
            except anthropic.types.SomethingElse:
                pass
            """
        ),
    ]
    INVALID = [
        # `anthropic.Timeout` exists (httpx's timeout config), but is no exception.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.Timeout:
                pass
            """,
            line=5,
            column=18,
            message=(
                "`anthropic.Timeout` is not an exception class of anthropic 2.14.0: matching an error "
                "against it raises TypeError and masks the real error; did you mean `anthropic.APITimeoutError`?"
            ),
            fixed="""
            import anthropic
            client = anthropic.Anthropic()
            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.APITimeoutError:
                pass
            """,
        ),
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.RateLimitException:
                back_off()
            """,
            line=7,
            column=18,
            message=(
                "`anthropic.RateLimitException` is not an exception class of anthropic 2.14.0: looking it "
                "up while matching an error raises AttributeError and masks the real error; "
                "did you mean `anthropic.RateLimitError`?"
            ),
            fixed="""
            import anthropic

            client = anthropic.Anthropic()

            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.RateLimitError:
                back_off()
            """,
        ),
        Invalid(
            """
            import anthropic as ac
            import backoff
            @backoff.on_exception(backoff.expo, (ac.RateLimitError, ac.OverloadedError), max_tries=5)
            def ask(client):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            """,
            line=3,
            column=60,
            sdk_version="0.40.0",
            message=(
                "`ac.OverloadedError` is not an exception class of anthropic 0.40.0: looking it "
                "up while matching an error raises AttributeError and masks the real error"
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        knowledge = ctx.knowledge
        for node, name in ctx.model.sdk_attribute_refs:
            if knowledge.is_exception(name):
                continue
            if any(load_knowledge(v).is_exception(name) for v in knowledge.alternatives):
                continue  # the SDK version this code runs is uncertain, and a candidate has the class
            suggestion = knowledge.closest_exception(name)
            hint = f"; did you mean `{ctx.code_for(node.value)}.{suggestion}`?" if suggestion else ""
            # A name the SDK does export (a client, `Timeout`) fails differently from a typo.
            failure = (
                "matching an error against it raises TypeError"
                if name in knowledge.client_classes or name in _NON_EXCEPTION_EXPORTS
                else "looking it up while matching an error raises AttributeError"
            )
            fix = ctx.fix(f"Use `{suggestion}`", ctx.replace(node.attr, suggestion), safe=False) if suggestion else None
            ctx.report(
                node.attr,
                f"`{ctx.code_for(node)}` is not an exception class of {knowledge.describe_version()}: "
                f"{failure} and masks the real error{hint}",
                fix,
            )
