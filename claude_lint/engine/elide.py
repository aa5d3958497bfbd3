"""Large flat literals (`x = [1, 1, ...]` with 500,000 elements) stood in for before libcst parses a file.

libcst's cost grows with the number of nodes it builds (five or so for each
`1, ` of a literal list, with their whitespace) and with the whitespace it
validates, not with bytes: a 1 MB line of numbers took 15 s to parse where
1 MB of ordinary code takes about 2. No rule reads the elements of such a
literal, so the interior of each big bracketed run of numbers, plain strings,
`True`/`False`/`None`, commas and colons (and brackets of them, three deep:
rows of a table) is replaced, before the parse, by a
stand-in of exactly the same length and line breaks:

    [1, 2, 3, ...]     ->  [*__elided__, <a triple-quoted string of spaces>]
    {"a": 1, ...}      ->  {**__elided__, <a triple-quoted string of spaces>: 0}

Every position outside it is unchanged; to the analysis the container holds
elements it cannot know (a starred unknown name), never an empty or a wrong
one; libcst builds a handful of nodes for it. The scan is one regular
expression that steps over strings and comments, so a bracket inside either
is never taken for one. A fix whose edits touch a stood-in region, or whose
new text copies one, is not offered: it would write the stand-in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# Below this many commas libcst parses a file in well under a second: not worth the scan.
MIN_COMMAS = 20_000
# A run is stood in for when its interior is this long and has this many commas.
MIN_INTERIOR = 2_048
MIN_ELEMENTS = 256
MARKER = "__elided__"  # an unbound name: an unknown value to every analysis

_NUMBER = r"[-+]?(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d[\d_]*)?[jJ]?)"
_PLAIN_STRING = r"""[bBuUrR]?(?:"[^"\\\r\n]*"|'[^'\\\r\n]*')"""
_ITEM = rf"(?:{_NUMBER}|{_PLAIN_STRING}|True|False|None)"


def _items(item: str) -> str:
    """A bracket's interior: `item`s separated by commas or colons, maybe a trailing comma."""
    return rf"(?:\s*+{item}\s*+[,:])*+\s*+(?:{item}\s*+)?"


def _nested(item: str) -> str:
    """`item`, or a bracketed run of them (each bracket with its own closer)."""
    inner = _items(item)
    return rf"(?:{item}|\({inner}\)|\[{inner}\]|\{{{inner}\}})"


# Elements: plain literals, or containers of them nested up to three deep (rows of a table).
_ELEMENT = _nested(_nested(_nested(_ITEM)))


@cache
def _scan() -> re.Pattern[str]:
    """The scanner, compiled on first use: it costs ~0.1 s, and most runs never need it."""
    return re.compile(
        r"""
          (?P<string>(?:[rRbBuUfF]{1,2})?(?:
              '''(?:[^'\\]++|\\.|'(?!''))*+'''
            | \"\"\"(?:[^"\\]++|\\.|"(?!""))*+\"\"\"
            | '(?:[^'\\\r\n]++|\\.)*+'
            | "(?:[^"\\\r\n]++|\\.)*+"
          ))
        | (?P<comment>\#[^\r\n]*+)
        | (?P<open>[\[({])(?P<interior>(?:\s*+ELEMENT\s*+[,:])++\s*+(?:ELEMENT\s*+)?)(?P<close>[\])}])
        | [^'"\#\[({]++
        | .
        """.replace("ELEMENT", _ELEMENT),
        re.VERBOSE | re.DOTALL,
    )


_CLOSING = {"[": "]", "(": ")", "{": "}"}
_NOT_LINE_BREAK = re.compile(r"[^\r\n]+")


@dataclass(frozen=True)
class Elided:
    text: str  # the text libcst parses: same length, same line breaks
    regions: tuple[tuple[int, int], ...] = ()  # [start, end) offsets of the stood-in interiors

    def stand_ins(self) -> list[str]:
        return [self.text[start:end] for start, end in self.regions]

    def touches(self, start: int, end: int) -> bool:
        """Whether the text range [start, end) overlaps a stood-in interior (or inserts inside one)."""
        return any(start < r_end and (end > r_start or start > r_start) for r_start, r_end in self.regions)


def elide(text: str) -> Elided:
    """The text with big flat literals stood in for, or the text itself when there are none."""
    if text.count(",") < MIN_COMMAS:
        return Elided(text)
    # A fix run parses the same text several times (lint, check the fix, re-lint).
    known = _RECENT.get(text)
    if known is None:
        known = _RECENT[text] = _elide(text)
        while len(_RECENT) > 2:
            del _RECENT[next(iter(_RECENT))]
    return known


_RECENT: dict[str, Elided] = {}


def _elide(text: str) -> Elided:
    parts: list[str] = []
    regions: list[tuple[int, int]] = []
    previous = 0
    for match in _scan().finditer(text):
        if match.lastgroup != "close":
            continue
        opening, interior = match.group("open"), match.group("interior")
        if _CLOSING[opening] != match.group("close") or len(interior) < MIN_INTERIOR:
            continue
        if interior.count(",") < MIN_ELEMENTS:
            continue
        stand_in = _stand_in(opening, interior)
        if stand_in is None:
            continue
        start, end = match.span("interior")
        parts += [text[previous:start], stand_in]
        regions.append((start, end))
        previous = end
    if not regions:
        return Elided(text)
    parts.append(text[previous:])
    return Elided("".join(parts), tuple(regions))


def _stand_in(opening: str, interior: str) -> str | None:
    """The stand-in for a run's interior (see the module docstring): as long, with the same line
    breaks, each token on one line; None where it would not be the same kind of code (a
    subscript's slice) or the lines are too short to hold its tokens."""
    has_colon = ":" in _top_level(interior)
    if has_colon and opening != "{":
        return None  # `x[1:2, ...]`: a slice, not a literal
    head = ["**" if has_colon else "*", MARKER, ",", '"""']
    tail = ['"""', ":", "0"] if has_colon else ['"""']
    placed: list[tuple[int, str]] = []
    position = 0
    for token in head:
        position = _room_after(interior, position, len(token))
        if position is None:
            return None
        placed.append((position, token))
        position += len(token)
    end = len(interior)
    tail_placed: list[tuple[int, str]] = []
    for token in reversed(tail):
        start = _room_before(interior, end, len(token))
        if start is None or start < position:
            return None
        tail_placed.append((start, token))
        end = start
    blank = _NOT_LINE_BREAK.sub(lambda m: " " * len(m.group()), interior)
    pieces = []
    previous = 0
    for at, token in placed + tail_placed[::-1]:
        pieces += [blank[previous:at], token]
        previous = at + len(token)
    pieces.append(blank[previous:])
    return "".join(pieces)


def _room_after(text: str, position: int, width: int) -> int | None:
    """The first offset at or after `position` where `width` characters fit without a line break."""
    while position + width <= len(text):
        match = _LINE_BREAK.search(text, position, position + width)
        if match is None:
            return position
        position = match.end()
    return None


def _room_before(text: str, end: int, width: int) -> int | None:
    """The last offset where `width` characters fit without a line break and end by `end`."""
    while end - width >= 0:
        start = end - width
        piece = text[start:end]
        breaks = max(piece.rfind("\n"), piece.rfind("\r"))
        if breaks == -1:
            return start
        end = start + breaks
    return None


def _top_level(interior: str) -> str:
    """The interior without its strings and nested brackets (whose colons are their own)."""
    text = _PLAIN_STRINGS.sub("", interior)
    while True:
        shorter = _INNERMOST.sub("", text)
        if shorter == text:
            return text
        text = shorter


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PLAIN_STRINGS = re.compile(_PLAIN_STRING)
_INNERMOST = re.compile(r"\([^()\[\]{}]*\)|\[[^()\[\]{}]*\]|\{[^()\[\]{}]*\}")
