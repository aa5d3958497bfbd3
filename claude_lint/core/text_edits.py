"""Text edits: applying (line, column) edits to a string, and choosing fixes whose edits do not overlap.

Pure text work; the loop that applies fixes, re-lints and repeats is `engine.fix_loop`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from claude_lint.core.diagnostics import Edit, Fix, Location
from claude_lint.core.lines import line_offsets


def _offset(offsets: Sequence[int], location: Location, length: int) -> int:
    """The text offset of a location; ValueError when it is not in the text."""
    if not 1 <= location.line <= len(offsets) or location.column < 0:
        raise ValueError(f"edit location {location} is outside the text")
    offset = offsets[location.line - 1] + location.column
    line_end = offsets[location.line] if location.line < len(offsets) else length
    if offset > line_end:
        raise ValueError(f"edit location {location} is past the end of its line")
    return offset


def select_non_overlapping(fixes: Iterable[Fix]) -> list[Fix]:
    """Fixes whose edits touch disjoint ranges, first come first served.

    The rest are left for the next pass, after a re-lint sees the new code.
    """
    taken: list[tuple[Location, Location]] = []
    chosen: list[Fix] = []
    for fix in fixes:
        spans = [(edit.start, edit.end) for edit in fix.edits]
        if any(_overlaps(span, other) for span in spans for other in taken):
            continue
        taken.extend(spans)
        chosen.append(fix)
    return chosen


def _overlaps(a: tuple[Location, Location], b: tuple[Location, Location]) -> bool:
    # An insertion conflicts with any edit it touches, end points included: at the end of a
    # range another fix deletes or moves, it would stick to whatever follows (`pass from e`);
    # two insertions at one point would land in an arbitrary order.
    if a[0] == a[1] or b[0] == b[1]:
        point, span = (a, b) if a[0] == a[1] else (b, a)
        return span[0] <= point[0] <= span[1]
    return a[0] < b[1] and b[0] < a[1]


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    offsets = line_offsets(text)
    spans = sorted(
        ((_offset(offsets, e.start, len(text)), _offset(offsets, e.end, len(text)), e.content) for e in edits),
        key=lambda span: (span[0], span[1]),
    )
    out: list[str] = []
    cursor = 0
    for start, end, content in spans:
        if end < start:
            raise ValueError("an edit ends before it starts")
        if start < cursor:
            raise ValueError("overlapping edits")
        out.append(text[cursor:start])
        out.append(content)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def apply_fixes(text: str, fixes: Iterable[Fix]) -> str:
    return apply_edits(text, [edit for fix in select_non_overlapping(fixes) for edit in fix.edits])


def size_changes(text: str, fixes: Sequence[Fix]) -> list[int]:
    """How many characters each fix adds to `text` (negative: removes)."""
    offsets = line_offsets(text)
    return [
        sum(len(e.content) - (_offset(offsets, e.end, len(text)) - _offset(offsets, e.start, len(text))) for e in fix.edits)
        for fix in fixes
    ]
