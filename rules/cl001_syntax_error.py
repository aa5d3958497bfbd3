"""CL001 syntax-error: The file does not parse."""

from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.rule import EngineRule


class SyntaxErrorRule(EngineRule):
    """## What it does
    Reports a file that does not parse as Python, at the parser's error position.

    ## Why is this bad?
    A file that does not parse cannot be checked at all: every other rule is
    silent on it, so its Claude calls go unreviewed. claude-lint reports the
    file and goes on with the others; it never fixes such a file.

    ## Example
    ```python
    import anthropic

    def ask(client, prompt:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[])
    ```

    Use instead:
    ```python
    import anthropic

    def ask(client, prompt):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[])
    ```

    ## Fix safety
    There is no fix: only a person knows what the code should have said.
    """

    code = "CL001"
    name = "syntax-error"
    summary = "The file does not parse"

    VALID = [Valid("import anthropic\nclient = anthropic.Anthropic()\n")]
    INVALID = [
        Invalid(
            """
            import anthropic

            def ask(client, prompt:
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[])
            """,
            line=3,
            column=8,
            message="SyntaxError: '(' was never closed",
        ),
        Invalid(
            "import anthropic\nprint 'hello'\n",
            line=2,
            column=1,
            message="SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?",
        ),
    ]
