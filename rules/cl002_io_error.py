"""CL002 io-error: The file cannot be read or decoded."""

from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.rule import EngineRule


class IOErrorRule(EngineRule):
    """## What it does
    Reports a file that cannot be read as Python source: it is unreadable,
    not decodable with its declared encoding, contains NUL bytes, or is over
    the size limit (10 MB). The message says which.

    ## Why is this bad?
    The file is skipped by every other rule, so whatever it does with Claude
    goes unchecked. Usually it is a generated or binary file that should be
    excluded, or a file saved in the wrong encoding.

    ## Example
    ```python
    # -*- coding: ascii -*-
    import anthropic
    GREETING = "héllo"
    ```

    Use instead:
    ```python
    # -*- coding: utf-8 -*-
    import anthropic
    GREETING = "héllo"
    ```

    ## Fix safety
    There is no fix.
    """

    code = "CL002"
    name = "io-error"
    summary = "The file cannot be read or decoded"

    VALID = [Valid("# -*- coding: latin-1 -*-\nimport anthropic\n")]
    INVALID = [
        Invalid(
            "# -*- coding: ascii -*-\nimport anthropic\nGREETING = 'héllo'\n",
            line=1,
            column=1,
            message="Cannot read file: cannot decode as ascii: ordinal not in range(128)",
        ),
        Invalid(
            "import anthropic\x00\n",
            line=1,
            column=1,
            message="Cannot read file: file contains NUL bytes",
        ),
    ]
