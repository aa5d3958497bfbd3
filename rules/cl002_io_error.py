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
    analysis cost about 7 s of CPU per MB of dense call-site code). And a file
    whose code costs more than 131,072 to parse: one for each bracket,
    operator, string and separator, and two thirds of the depth of each
    bracket (libcst's cost is per node and grows with nesting: 60 KB of calls
    nested 100 deep took 11 s, short lines of calls four times what as many
    characters of ordinary code take; the biggest real module we know costs
    17,731). The message says which.

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
            "import anthropic\n\n\ndef big(f, x):\n" + ("    x = " + "f(" * 100 + "x" + ")" * 100 + "\n") * 37,
            line=1,
            column=1,
            message="Cannot analyse file: its code is too dense or nested too deeply to be analysed in time (a parse"
            " cost of 132,009: one for each bracket, operator, string and separator, and two thirds of each"
            " bracket's depth; one file may cost 131,072); split the file, or exclude it",
        ),
        Invalid(
            "import anthropic\x00\n",
            line=1,
            column=1,
            message="Cannot read file: file contains NUL bytes",
        ),
    ]
