"""Test cases that live on each rule class and are run by one generic test.

Kept import-light: rules import these at class-definition time.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


def _dedent(code: str) -> str:
    return textwrap.dedent(code).lstrip("\n")


@dataclass(frozen=True)
class Valid:
    """Code on which the rule must report nothing."""

    code: str
    sdk_version: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", _dedent(self.code))


@dataclass(frozen=True)
class Invalid:
    """Code on which the rule reports exactly once, at `line`:`column` (both 1-based).

    `message`, when given, must equal the diagnostic's message; `fixed`, when
    given, is the whole file after the rule's fix (unsafe fixes included).
    """

    code: str
    line: int
    column: int
    message: str | None = None
    fixed: str | None = None
    sdk_version: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", _dedent(self.code))
        if self.fixed is not None:
            object.__setattr__(self, "fixed", _dedent(self.fixed))
