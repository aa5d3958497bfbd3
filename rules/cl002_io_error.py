"""CL002 io-error: The file cannot be read or decoded."""

from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.rule import EngineRule


class IOErrorRule(EngineRule):
    """## What it does
    Reports a file that cannot be read as Python source: it is unreadable,
    not decodable with its declared encoding, contains NUL bytes, or is over
    the size limit (10 MB). Also a file holding more code than one file may
    hold to be analysed in time: 524,288 characters (512 KiB of ASCII), not
    counting the big data literals and the top-level statements that cannot
    matter that the linter stands in for before parsing (libcst's parse and the
    analysis cost about 7 s of CPU per MB of dense call-site code). The
    message says which.

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
            "import anthropic\n" + "x = 1\n" * 90_000,
            line=1,
            column=1,
            message="Cannot analyse file: 540,017 characters of code, more than the 524,288 one file may hold to be"
            " analysed in time (big data literals are not counted); split the file, or exclude it",
        ),
        Invalid(
            "import anthropic\x00\n",
            line=1,
            column=1,
            message="Cannot read file: file contains NUL bytes",
        ),
    ]
