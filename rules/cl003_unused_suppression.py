"""CL003 unused-suppression: A suppression comment names a claude-lint code that matched no finding."""

from claude_lint.core.diagnostics import FixKind
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.rule import EngineRule


class UnusedSuppression(EngineRule):
    """## What it does
    Finds a `# noqa: CL...`, `# claude-lint: ignore[CL...]` or file-level
    `# claude-lint: noqa: CL...` comment naming a claude-lint code that
    suppressed no finding, as ruff's RUF100 does for `noqa`. The message says
    whether the code is unused, belongs to a rule that is not enabled, or is
    not a claude-lint code at all. Other tools' codes and blanket directives
    (`# noqa` alone) are left alone. Opt-in.

    ## Why is this bad?
    A suppression outlives the finding it was written for: once the handler
    is fixed, the comment stays and silently hides the next real problem on
    that line. Removing stale suppressions keeps each one meaning something.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    try:
        client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    except anthropic.APIError as e:  # noqa: CL101
        raise RuntimeError("Claude failed") from e
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    try:
        client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
    except anthropic.APIError as e:
        raise RuntimeError("Claude failed") from e
    ```

    ## Fix safety
    The fix is safe: it removes the unused codes from the list, or the
    directive when no code is left (the whole line when the comment stood
    alone). A comment that goes on after the directive is not touched.
    """

    code = "CL003"
    name = "unused-suppression"
    summary = "A suppression comment names a claude-lint code that matched no finding"
    default = False
    fix = FixKind.SAFE

    VALID = [
        # Another tool's code: not ours to judge.
        Valid(
            """
            import anthropic
            try:
                anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.APIError as e:
                raise RuntimeError("failed") from e  # noqa: E501
            """
        ),
        # A blanket noqa may be another tool's: left alone.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()  # noqa
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.APIError as e:  # noqa: CL101
                raise RuntimeError("Claude failed") from e
            """,
            line=7,
            column=34,
            message="Unused `noqa` directive (non-enabled: `CL101`)",
            fixed="""
            import anthropic

            client = anthropic.Anthropic()

            try:
                client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=[])
            except anthropic.APIError as e:
                raise RuntimeError("Claude failed") from e
            """,
        ),
        # Another tool's code stays; an unknown code is said to be one.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()  # noqa: E501, CL999
            """,
            line=2,
            column=33,
            message="Unused `noqa` directive (unknown: `CL999`)",
            fixed="""
            import anthropic
            client = anthropic.Anthropic()  # noqa: E501
            """,
        ),
        # An own-line `claude-lint: ignore[...]` goes with its line.
        Invalid(
            """
            import anthropic
            # claude-lint: ignore[CL502]
            client = anthropic.Anthropic()
            """,
            line=2,
            column=1,
            message="Unused `claude-lint: ignore` directive (non-enabled: `CL502`)",
            fixed="""
            import anthropic
            client = anthropic.Anthropic()
            """,
        ),
        Invalid(
            """
            # claude-lint: noqa: CL101, CL3
            import anthropic
            client = anthropic.Anthropic()
            """,
            line=1,
            column=1,
            message="Unused file-level `claude-lint: noqa` directive (non-enabled: `CL101`, `CL3`)",
            fixed="""
            import anthropic
            client = anthropic.Anthropic()
            """,
        ),
    ]
