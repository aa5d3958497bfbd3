"""The values that flow from rules to reporters and the fixer."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Applicability(enum.Enum):
    """How safe a fix is, with ruff's names so tools that read ruff's JSON read ours."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    # Shown (`--diff`, JSON, the editor) but never written: a helper fix while no
    # `helper-module` is configured, whose import the fixed code could not satisfy.
    DISPLAY_ONLY = "display-only"


class FixKind(enum.Enum):
    """What a rule can offer: S (safe fix), U (unsafe fix), H (helper adoption, unsafe) or - (none)."""

    NONE = "-"
    SAFE = "S"
    UNSAFE = "U"
    HELPER = "H"
    UNSAFE_OR_HELPER = "U/H"

    @property
    def fixable(self) -> bool:
        return self is not FixKind.NONE


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: 1-based line, 0-based column in code points."""

    line: int
    column: int


@dataclass(frozen=True)
class Edit:
    """Replace the text between two locations (end exclusive) with `content`."""

    start: Location
    end: Location
    content: str


@dataclass(frozen=True)
class Fix:
    message: str
    applicability: Applicability
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Diagnostic:
    path: str
    code: str
    message: str
    start: Location
    end: Location
    fix: Fix | None = None
    # The line a `# noqa` must sit on to suppress this diagnostic.
    noqa_line: int | None = None
    suppressed: bool = field(default=False, compare=False)
    # The reported range is a secret (a hard-coded key): output masks it in source excerpts.
    secret: bool = field(default=False, compare=False)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.start.line, self.start.column, self.code)
