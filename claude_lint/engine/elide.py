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

In a big file, whole top-level statements that cannot matter are stood in for
too (a 1 MB line `x = [a.b, f(c), ...]` of code, not data: libcst's cost is
per node, about 4 s per MB of such code), by comment lines of the same length
and line breaks. A statement is one that cannot matter when it is a simple
statement (an assignment or an expression, no `def`, `class` or `import`, so
it adds nothing to the module's summary), mentions no trigger of the
prefilter nor `anthropic` nor an API key prefix, reads no name bound at module
level elsewhere in the file (a client, a function that calls Claude, an
import: so it calls nothing of ours and builds no client), and binds no name
the rest of the file mentions (so nothing reads its value). Each one must
compile alone, and CPython's parse of the rest must show it between two
top-level statements (not inside a string or brackets, nor between `if` and
`else`): then the file is valid exactly when the rest is, and the analysis of
the rest, findings, summary and names asked of the project, is the analysis of
the whole file. A statement of several MB is compiled in pieces of its biggest
bracket's elements (`_compiled`), and the names it binds are read from its
bytecode. When CPython's parse of the rest fails, the stand-ins that a scan of
the rest's tokens shows at a boundary between top-level statements are kept
(`_refused`): libcst refuses the rest exactly when it refuses the file, so a
file that does not parse costs a parse of its rest, not of the whole.
"""

from __future__ import annotations

import ast
import dis
import keyword
import re
import types
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from claude_lint.core.nesting import Group, check_nesting
from claude_lint.engine.prefilter import TRIGGERS

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


# Each of a big literal's brackets with its elements and its closer (the interior's group).
_RUN = r"(?P<open>[\[({])(?P<interior>(?:\s*+ELEMENT\s*+[,:])++\s*+(?:ELEMENT\s*+)?)(?P<close>[\])}])"


@cache
def _scan() -> re.Pattern[str]:
    """The scanner, compiled on first use: it costs ~0.15 s, and most runs never need it.

    Each match is one bracketed run of literals, with everything before it since the last match
    (strings, comments, other code, brackets that cannot open a run) skipped inside the match:
    Python sees the runs and the few brackets that might open one (a literal after at most three
    more brackets), not each bracket of the code around them (a million in 10 MB of nested calls)."""
    return re.compile(
        r"""
        (?:
            (?:[rRbBuUfF]{1,2})?(?:
              '''(?:[^'\\]++|\\.|'(?!''))*+'''
            | \"\"\"(?:[^"\\]++|\\.|"(?!""))*+\"\"\"
            | '(?:[^'\\\r\n]++|\\.)*+'
            | "(?:[^"\\\r\n]++|\\.)*+"
            )
          | \#[^\r\n]*+
          | [^'"\#\[({]++
          # Cannot open a run: no element starts so (up to three brackets, then a literal or a closer).
          | [\[({](?!\s*+(?:[\[({]\s*+){0,3}[-+0-9.'"bBuUrRTFN\])}])
          | ['"]
        )*+
        # A run; or a bracket that may open one but does not (the next match goes on after it); or the
        # end: every match ends at a token boundary, never retried from inside a string or comment.
        (?:RUN|\Z|[\[({])
        """.replace("RUN", _RUN).replace("ELEMENT", _ELEMENT),
        re.VERBOSE | re.DOTALL,
    )


_CLOSING = {"[": "]", "(": ")", "{": "}"}
_NOT_LINE_BREAK = re.compile(r"[^\r\n]+")


@dataclass(frozen=True)
class Elided:
    text: str  # the text libcst parses: same length, same line breaks
    regions: tuple[tuple[int, int], ...] = ()  # [start, end) offsets of the stood-in interiors
    # Set when CPython's parser refuses `text` (statements stood in for in a file that does not parse):
    # when libcst refuses it too, it refuses the whole file; when libcst takes it, this (the file
    # without statement stand-ins) is what to parse instead.
    refused: Elided | None = None

    def stand_ins(self) -> list[str]:
        return [self.text[start:end] for start, end in self.regions]

    def code_size(self) -> int:
        """Characters of `text` outside the stand-ins: what libcst and the analysis work through."""
        return len(self.text) - sum(end - start for start, end in self.regions)

    def touches(self, start: int, end: int) -> bool:
        """Whether the text range [start, end) overlaps a stood-in interior (or inserts inside one)."""
        return any(start < r_end and (end > r_start or start > r_start) for r_start, r_end in self.regions)


def elide(text: str, triggers: tuple[bytes, ...] = TRIGGERS) -> Elided:
    """The text with big flat literals and, in a big file, statements that cannot matter stood in
    for (see the module docstring); the text itself when there are none. `triggers`: the
    prefilter's, with the configured and project names."""
    if len(text) < MIN_STATEMENTS_FILE and text.count(",") < MIN_COMMAS:
        return Elided(text)
    # A fix run parses the same text several times (lint, check the fix, re-lint).
    key = (text, triggers)
    known = _RECENT.get(key)
    if known is None:
        known = _elide(text) if text.count(",") >= MIN_COMMAS else Elided(text)
        if len(text) >= MIN_STATEMENTS_FILE:
            known = _elide_statements(text, known, triggers)
        _RECENT[key] = known
        while len(_RECENT) > 2:
            del _RECENT[next(iter(_RECENT))]
    return known


_RECENT: dict[tuple[str, tuple[bytes, ...]], Elided] = {}


def settle(text: str, triggers: tuple[bytes, ...], elided: Elided) -> Elided:
    """From now on `elide(text, triggers)` is `elided` (the stand-ins the parse took, see `Elided.refused`)."""
    _RECENT[(text, triggers)] = elided
    return elided


def _elide(text: str) -> Elided:
    parts: list[str] = []
    regions: list[tuple[int, int]] = []
    previous = 0
    for match in _scan().finditer(text):
        opening, interior = match.group("open"), match.group("interior")
        if opening is None:
            continue  # a bracket that opens no run, or the text after the last run
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


# ---------------------------------------------------------------- statements that cannot matter

# Files this big have their top-level statements looked at; libcst parses a smaller one in well under a second.
MIN_STATEMENTS_FILE = 64 * 1024
# A statement this long may be stood in for (shorter ones cost libcst too little to matter).
MIN_STATEMENT = 128
# CPython's parse of the rest is worth it when the statements stood in for are this part of the file.
MIN_SHARE = 1 / 8

# A line that starts at column 0 with code (not a comment, not a closing bracket): a top-level statement
# starts there, or the line is inside a string or brackets of one (CPython's parse of the rest tells).
_LINE_OF_CODE = re.compile(r"^[^ \t\f#)\]}\r\n]", re.MULTILINE)
_IDENTIFIER = re.compile(r"[^\W\d]\w*")
_KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
_CLAUSES = frozenset({"else", "elif", "except", "finally"})
_GLOBAL = re.compile(r"\bglobal\b([^\r\n;#]*)")
_WALRUS = re.compile(r"([^\W\d]\w*)\s*:=")

def _elide_statements(original: str, elided: Elided, triggers: tuple[bytes, ...]) -> Elided:
    """`elided` (the original text with its big literals stood in for) with the top-level
    statements that cannot matter stood in for too (see the module docstring)."""
    text = elided.text
    candidates = _candidates(original, elided, triggers)
    if not candidates:
        return elided
    # Every identifier-like word of the file, counted: the candidates' words and those between them
    # (a candidate starts a line and ends before a space: no word crosses its edges), each read once.
    mentioned: Counter[str] = Counter()
    statements = []
    previous = 0
    for start, end, bound in candidates:
        words = _IDENTIFIER.findall(original, start, end)
        mentioned.update(_IDENTIFIER.findall(original, previous, start))
        mentioned.update(words)
        statements.append(_Statement(start, end, Counter(words), bound))
        previous = end
    mentioned.update(_IDENTIFIER.findall(original, previous))
    chosen: list[_Statement] = []
    for statement in statements:
        if all(mentioned[name] == statement.names[name] for name in statement.bound):
            chosen.append(statement)  # nothing else in the file mentions a name it binds
    if sum(s.end - s.start for s in chosen) < MIN_SHARE * len(text):
        return elided  # CPython's parse of the rest would cost more than it saves
    rest = _stand_in_statements(text, [(s.start, s.end) for s in chosen])
    try:
        tree = ast.parse(rest)
    except SyntaxError:
        return _refused(text, elided, [(s.start, s.end) for s in chosen])
    except (ValueError, RecursionError, MemoryError, OverflowError):
        return elided  # the whole text goes to libcst, for CL001 to be exact
    bound_elsewhere = _module_bindings(tree, rest)
    if bound_elsewhere is None:  # `from x import *`: any name may be bound
        return elided
    spans = sorted((_first_line(node), node.end_lineno or node.lineno) for node in tree.body)
    lines = _line_starts(text)
    # Only statements between two top-level statements of the rest (not in a string or brackets of one).
    chosen = [s for s in chosen if not _overlaps(spans, _line(lines, s.start), _line(lines, s.end - 1))]
    while True:
        kept = [s for s in chosen if bound_elsewhere.isdisjoint(s.names)]
        if len(kept) == len(chosen):
            break
        for statement in chosen:  # one kept as code binds its names for the others
            if statement not in kept:
                bound_elsewhere |= statement.bound
        chosen = kept
    if not chosen:
        return elided
    spans_chosen = [(s.start, s.end) for s in chosen]
    inside = [r for r in elided.regions if not any(a <= r[0] and r[1] <= b for a, b in spans_chosen)]
    return Elided(_stand_in_statements(text, spans_chosen), tuple(sorted(inside + spans_chosen)))


@dataclass(eq=False)
class _Statement:
    start: int
    end: int
    names: Counter[str]  # every identifier-like word in it (strings and comments too), counted
    bound: set[str]  # the names it binds or deletes at module level (its bytecode's)


def _candidates(original: str, elided: Elided, triggers: tuple[bytes, ...]) -> list[tuple[int, int, set[str]]]:
    """[start, end) of the long simple statements at column 0 that mention no trigger and compile
    alone, with the names each binds."""
    text = elided.text
    # A line inside a stood-in literal is inside its brackets: no statement starts there.
    inside = [start for start, _ in elided.regions]
    ends = [end for _, end in elided.regions]
    starts = [
        m.start() for m in _LINE_OF_CODE.finditer(text)
        if not (index := bisect_right(inside, m.start())) or ends[index - 1] <= m.start()
    ]
    future = text.rfind("__future__")  # statements before a future import stay (CPython refuses the file)
    known, seen = _SEEN[0], {}
    words = tuple(t.decode("utf-8", "replace") for t in triggers)
    found: list[tuple[int, int, set[str]]] = []
    for start, end in _long_simple_statements(text, starts):
        if start < future:
            continue
        if _mentions_trigger(original[start:end], words):
            continue
        statement = text[start:end]
        bound = known.get(statement, _UNKNOWN)
        if bound is _UNKNOWN:
            groups: list[Group] = []
            # Too deep for libcst: the whole file gets its CL001. Only a long one is compiled by its groups.
            too_deep = check_nesting(statement, groups if len(statement) > 2 * PIECE else None)
            bound = _compiled(statement, groups) if too_deep is None else None
        seen[statement] = bound
        if bound is not None:
            found.append((start, end, bound))
    _SEEN[:] = [seen]
    return found


def _long_simple_statements(text: str, starts: list[int]) -> Iterator[tuple[int, int]]:
    """[start, end) of the lines of `starts` (column 0) that begin a simple statement of
    `MIN_STATEMENT` characters or more, judged by the text alone (a line inside a string or
    brackets of an earlier statement may pass: CPython's compile tells)."""
    for i, start in enumerate(starts):
        following = starts[i + 1] if i + 1 < len(starts) else len(text)
        end = start + len(text[start:following].rstrip())
        if end - start < MIN_STATEMENT:
            continue
        first = _IDENTIFIER.match(text, start)
        if first is None or first.group() in _KEYWORDS or text[first.end() : first.end() + 1] in ("'", '"'):
            continue  # a compound statement, def, class, import...; or a string
        after = _IDENTIFIER.match(text, following)
        if after is not None and after.group() in _CLAUSES:
            continue  # between `if`/`try` and their `else`/`except`: not a statement of its own
        yield start, end


def _mentions_trigger(source: str, words: tuple[str, ...]) -> bool:
    lowered = source.lower()
    return "anthropic" in lowered or "sk-ant" in lowered or any(word in source for word in words)


def may_stand_in_statements(text: str, triggers: tuple[bytes, ...]) -> bool:
    """Whether `elide(text, more)`, for `more` any triggers that include `triggers`, could stand in
    a top-level statement of `text`: it is big enough, and its long simple statements at column 0
    that mention none of `triggers` make up the share of it worth a stand-in (what `_candidates`
    then asks of their words, of CPython's compile and of the rest of the file only narrows them
    down). A text with enough commas for literal stand-ins may: those change where its
    statements start."""
    if len(text) < MIN_STATEMENTS_FILE:
        return False
    if text.count(",") >= MIN_COMMAS:
        return True
    words = tuple(t.decode("utf-8", "replace") for t in triggers)
    starts = [m.start() for m in _LINE_OF_CODE.finditer(text)]
    spans = _long_simple_statements(text, starts)
    return sum(end - start for start, end in spans if not _mentions_trigger(text[start:end], words)) >= MIN_SHARE * len(text)


# What `_candidates` found of each statement of the last text it looked at: the next one is mostly
# the same statements (a fix run looks at the file, then at its fixed text), not compiled again.
_SEEN: list[dict[str, set[str] | None]] = [{}]
_UNKNOWN: set[str] = set()


# A statement this long is compiled in pieces of about this size (its biggest bracket's elements):
# CPython's compile of a 10 MB line of calls took 2.8 GB, in pieces 120 MB, in the same time.
PIECE = 256 * 1024


def _compiled(statement: str, groups: list[Group]) -> set[str] | None:
    """The names `statement` binds if CPython compiles it, else None.

    A long one whose elements are in one big bracket, `x = [e1, e2, ...]`, is compiled as pieces
    `x = [e1, ..., ek, 0]` with the same text around: each piece compiles exactly when its
    elements are positional expressions (`, 0` after a keyword argument, a `**`, a comprehension
    or a slice does not compile), so all of them compile only when the whole does. Any piece that
    does not: the whole is compiled, as a shorter statement is.
    """
    import warnings

    def names(code_text: str) -> set[str] | None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                code = compile(code_text, "<statement>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return None
        return _stored_names(code)  # not the code: it can take more memory than the file

    if len(statement) > 2 * PIECE and groups:
        group = max(groups, key=lambda g: g.close - g.open)
        around = statement[: group.open + 1] + statement[group.close :]
        # The text around takes no string, comment or continuation that could meet a piece's.
        if group.close > 0 and len(around) <= 4_096 and not any(c in around for c in "'\"#\\"):
            # Valid elements that bind nothing, wherever `0` alone is valid: no compile of them.
            plain = _plain_elements().fullmatch(statement, group.open + 1, group.close)
            bound: set[str] | None = names(statement[: group.open + 1] + "0" + statement[group.close :]) if plain else None
            if bound is not None:
                return bound  # (else not plain, or a target, `[a, b] = pair`, say: compiled as below)
            bound = set()
            piece_start = group.open + 1
            for cut in [*_cuts(group.commas, piece_start), group.close]:
                piece = statement[piece_start:cut]
                tail = " 0" if cut == group.close and piece.rstrip().endswith(",") else ", 0"
                found = names(statement[: group.open + 1] + piece + tail + statement[group.close :])
                if found is None:
                    bound = None
                    break
                bound |= found
                piece_start = cut + 1
            if bound is not None:
                return bound
    return names(statement)


@cache
def _plain_elements() -> re.Pattern[str]:
    """A bracket's interior of elements CPython always compiles and that bind nothing: names,
    attribute reads, subscripts by a name or a plain literal, calls of positional arguments (maybe
    `*x` among them), one keyword argument and a last `**x`, chained (`g(c)(d)`, `str(v).strip()`);
    plain ASCII numbers and strings. No starred element, `:=`, lambda, comprehension or
    keyword-named anything: what it takes compiles in any bracket where a lone `0` compiles (a
    list, a tuple, a set, a call's or a subscript's), so the statement compiles exactly when it
    does with the interior as `0`, and binds the same names. Anything else is compiled."""
    hard = [word for word in keyword.kwlist if word not in ("True", "False", "None")]
    name = rf"(?!(?:{'|'.join(hard)}|__debug__)(?![A-Za-z0-9_]))[A-Za-z_][A-Za-z0-9_]*+"
    member = rf"(?!(?:True|False|None)(?![A-Za-z0-9_])){name}"  # `a.None` does not compile
    literal = r"""(?:0|[1-9][0-9]{0,17})(?![0-9A-Za-z_.])|"[ !#-\[\]-~]*+"|'[ -&(-\[\]-~]*+'"""
    space = r"[ \t\r\n]*+"
    simple = rf"(?:{name}(?:{space}\.{space}{member}|{space}\[{space}(?:{name}|{literal}){space}\])*+|{literal})"
    positional = rf"(?:\*{space})?{simple}(?!{space}=)"
    keyword_argument = rf"{member}{space}={space}{simple}"  # `f(True=1)` does not compile
    arguments = (
        rf"(?:{positional}(?:{space},{space}{positional})*+(?:{space},{space}{keyword_argument})?"
        rf"|{keyword_argument})(?:{space},{space}\*\*{space}{simple})?|\*\*{space}{simple}"
    )
    trailer = rf"(?:\.{space}{member}|\[{space}(?:{name}|{literal}){space}\]|\({space}(?:{arguments})?{space}\))"
    element = rf"(?:{name}(?:{space}{trailer})*+|{literal})"
    return re.compile(rf"{space}{element}(?:{space},{space}{element})*+{space},?{space}")


def _cuts(commas: list[int], start: int) -> list[int]:
    """The commas to cut a bracket's elements at, about PIECE apart."""
    cuts = []
    for comma in commas:
        if comma - start >= PIECE:
            cuts.append(comma)
            start = comma + 1
    return cuts


_STORES = frozenset(dis.opmap[name] for name in ("STORE_NAME", "STORE_GLOBAL", "DELETE_NAME", "DELETE_GLOBAL"))
_EXTENDED_ARG = dis.opmap["EXTENDED_ARG"]


def _stored_names(code: types.CodeType) -> set[str]:
    """The module-level names a statement's code binds or deletes (also `:=` in a comprehension,
    a global of its code): the instructions that store a name, found in the raw bytecode (a
    `dis` listing of a 10 MB statement costs seconds), in two-byte units of opcode and argument."""
    names: set[str] = set()
    raw = code.co_code
    for opcode in _STORES:
        byte = bytes([opcode])
        at = raw.find(byte)
        while at != -1:
            if at % 2 == 0:  # an opcode, not an argument
                argument, before, shift = raw[at + 1], at - 2, 8
                while before >= 0 and raw[before] == _EXTENDED_ARG:
                    argument |= raw[before + 1] << shift
                    before, shift = before - 2, shift + 8
                names.add(code.co_names[argument])
            at = raw.find(byte, at + 1)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):  # a lambda's or a comprehension's
            names |= _stored_names(constant)
    return names


def _module_bindings(tree: ast.Module, text: str) -> set[str] | None:
    """Every name bound at module level (imports, defs, classes, targets, in compound statements
    too; `global` and `:=` anywhere); None when a star import may bind any name."""
    names: set[str] = set(_WALRUS.findall(text)) if ":=" in text else set()
    for match in _GLOBAL.finditer(text) if "global" in text else ():
        names.update(_IDENTIFIER.findall(match.group(1)))
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        targets: list[ast.AST] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    return None
                names.add((alias.asname or alias.name).split(".", 1)[0])
            continue
        if isinstance(node, ast.Assign):
            targets += node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
            targets.append(node.target)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            targets += [item.optional_vars for item in node.items if item.optional_vars is not None]
        elif isinstance(node, ast.Match):
            targets += [case.pattern for case in node.cases]
            pending += [statement for case in node.cases for statement in case.body]
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            names.update(handler.name for handler in node.handlers if handler.name)
            pending += [statement for handler in node.handlers for statement in handler.body]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Name):
                    names.add(part.id)
                elif isinstance(part, (ast.MatchAs, ast.MatchStar)) and part.name:
                    names.add(part.name)
                elif isinstance(part, ast.MatchMapping) and part.rest:
                    names.add(part.rest)
        for field in ("body", "orelse", "finalbody"):
            pending += getattr(node, field, None) or []
    return names


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None)
    return min([node.lineno, *(d.lineno for d in decorators)]) if decorators else node.lineno


def _overlaps(spans: list[tuple[int, int]], first: int, last: int) -> bool:
    """Whether a statement's line span [start, end] (sorted; top-level statements do not overlap)
    meets lines first..last: only the last one starting by `last` may."""
    index = bisect_right(spans, (last, float("inf")))
    return index > 0 and spans[index - 1][1] >= first


def _line(starts: list[int], offset: int) -> int:
    """The 1-based line of an offset, given `_line_starts`."""
    return bisect_right(starts, offset) + 1


def _line_starts(text: str) -> list[int]:
    """Offsets where lines 2, 3, ... start: line n holds offsets from starts[n - 2] (or 0) on."""
    return [m.end() for m in _LINE_BREAK.finditer(text)]


def _stand_in_statements(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span's lines turned into comment lines of the same length (`#__elided__`)."""
    parts: list[str] = []
    previous = 0
    for start, end in spans:
        parts.append(text[previous:start])
        first = True
        for piece in _LINE_BREAK_OR_LINE.finditer(text, start, end):
            line = piece.group()
            if line in ("\r\n", "\r", "\n"):
                parts.append(line)
            elif first:
                parts.append(("#" + MARKER + " " * len(line))[: len(line)])
                first = False
            else:
                parts.append("#" + " " * (len(line) - 1))
        previous = end
    parts.append(text[previous:])
    return "".join(parts)


_LINE_BREAK_OR_LINE = re.compile(r"\r\n|\r|\n|[^\r\n]+")


# ---------------------------------------------------------------- a file that does not parse

_BOUNDARY_TOKEN = re.compile(
    r"""
      (?P<string>(?:[rRbBuUfF]{1,2})?(?:'''(?:[^'\\]++|\\.|'(?!''))*+'''|\"\"\"(?:[^"\\]++|\\.|"(?!""))*+\"\"\"
                                      |'(?!'')(?:[^'\\\r\n]++|\\.)*+'|"(?!"")(?:[^"\\\r\n]++|\\.)*+"))
    | (?P<comment>\#[^\r\n]*+)
    | (?P<continuation>\\(?:\r\n|\r|\n))
    | (?P<newline>\r\n|\r|\n)
    | (?P<open>[(\[{]) | (?P<close>[)\]}])
    | (?P<quote>['"])
    | (?P<space>[ \t\f]++)
    | [^'"\#\\()\[\]{}\r\n \t\f]++ | .
    """,
    re.VERBOSE | re.DOTALL,
)
# The rest of a line after an opening quote that is never closed, with no line continuation in it:
# CPython's and libcst's tokenizers stop there, whatever follows.
_UNTERMINATED = {quote: re.compile(rf"(?:[^{quote}\\\r\n]|\\[^\r\n])*+(?:\r\n|\r|\n|$)") for quote in "'\""}
# The next line holding code (not blank, not a comment) after a stand-in: it must start at column 0.
_NEXT_CODE_LINE = re.compile(r"^[ \t\f]*+(?=[^\s#])", re.MULTILINE)


def _refused(text: str, elided: Elided, spans: list[tuple[int, int]]) -> Elided:
    """CPython's parser refuses the text with `spans` stood in for: the stand-ins that sit at a
    statement boundary of the whole file (by a scan of the tokens before each) are kept, and
    `refused` says what to parse if libcst takes the result (see `Elided.refused`).

    Each statement stood in for parses alone; when it sits at top level between two statements (its
    start not inside brackets, a string or a continued line, after no block header nor decorator,
    and the next code line at column 0), libcst takes the file exactly when it takes the file with
    the statement as a comment. Then the whole file's CL001 (CPython's wording, from the whole text)
    costs a parse of the rest instead of libcst's parse of the whole, which fails after as long as
    it takes to succeed (27 s for a 1 MB line of calls).
    """
    rest = _stand_in_statements(text, spans)
    kept = _at_boundaries(rest, spans)
    if not kept:
        return elided
    if len(kept) < len(spans):
        rest = _stand_in_statements(text, kept)
    inside = [r for r in elided.regions if not any(a <= r[0] and r[1] <= b for a, b in kept)]
    return Elided(rest, tuple(sorted(inside + kept)), refused=elided)


def _at_boundaries(rest: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The first of `spans` (stood in for in `rest`) that sit at a boundary between top-level
    statements, up to the first one that may not: after it, what `rest` tokenizes as is not
    what the whole file does."""
    kept: list[tuple[int, int]] = []
    next_start = {span: following[0] for span, following in pairwise(spans)}
    pending = iter(spans)
    span = next(pending, None)
    depth = 0
    continued = False  # the last token was a line continuation
    first = last = ""  # first and last character of the logical line's code so far
    previous = ("", "")  # those of the last logical line with code
    position = 0
    while span is not None:
        if position == span[0]:
            if depth or continued or first or previous[1] == ":" or previous[0] == "@":
                return kept
            # Up to the next stand-in: in the whole file, that is a statement at column 0.
            following = _NEXT_CODE_LINE.search(rest, span[1], next_start.get(span, len(rest)))
            if following is not None and following.end() != following.start():
                return kept  # an indented line next: the stand-in would not end the block before it
            kept.append(span)
            span = next(pending, None)
            continue
        if position > span[0] or position >= len(rest):
            return kept  # the stand-in starts inside a token (a string)
        match = _BOUNDARY_TOKEN.match(rest, position)
        assert match is not None  # the last alternative takes any character
        kind = match.lastgroup
        if kind == "quote":  # a string never closed (`'` then `''`: a triple quote, not an empty string)
            if rest[position : position + 3] != match.group() * 3 and _UNTERMINATED[match.group()].match(rest, match.end()):
                return [*kept, span, *pending]  # both tokenizers stop at this line, whatever follows
            return kept
        if kind == "newline":
            if not depth and not continued:
                if first:
                    previous = (first, last)
                first = last = ""
            continued = False
        elif kind == "continuation":
            continued = True
        elif kind not in ("comment", "space"):
            continued = False
            if kind == "open":
                depth += 1
            elif kind == "close":
                depth -= 1
                if depth < 0:
                    return kept
            piece = match.group()
            first = first or piece[0]
            last = piece[-1]
        position = match.end()
    return kept
