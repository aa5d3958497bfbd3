"""A bound on how deeply a file's code nests, checked before libcst sees it.

libcst's native parser recurses once per nesting level on the C stack: a few
thousand nested brackets, or a chain of a few thousand `.attr`, `+` or `and`,
overflow it and the process dies with a segmentation fault (no exception to
catch), and well before that it slows down quadratically. CPython refuses
most such code itself (more than 200 open brackets is a SyntaxError), but
how long a chain it accepts depends on its version. So every file is scanned
first, in one regular-expression pass, for an upper bound of its expression
depth; a file over the bound is reported as CL001 and never parsed. Nothing
the linter can analyse comes close: its own passes give up (RecursionError)
at a few hundred levels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# CPython's tokenizer limit (MAXLEVEL): one more open bracket is a SyntaxError.
MAX_BRACKETS = 200
# Upper bound of the expression depth estimate below; far above real code, far below what
# crashes libcst (a few thousand) or takes it seconds to parse.
MAX_DEPTH = 2000
# `elif` chains nest in libcst (each `elif` is the `orelse` of the one before).
MAX_ELIF_CHAIN = 1000

_TOKEN = re.compile(
    r"""
    # A cheap gate: the first character any token below can start with. Most positions
    # (inside names, numbers, spaces) fail here instead of trying every alternative.
    (?=[rRbBuUfF'"\#\\\r\n()\[\]{},;=*/%<>+\-@&|^~.aoneli])
    (?:
    (?P<string>(?:[rRbBuUfF]{1,2})?(?:
        '''(?:[^'\\]++|\\.|'(?!''))*+'''
      | \"\"\"(?:[^"\\]++|\\.|"(?!""))*+\"\"\"
      | '(?:[^'\\\r\n]++|\\.)*+'
      | "(?:[^"\\\r\n]++|\\.)*+"
    ))
    | (?P<comment>\#[^\r\n]*)
    | (?P<continuation>\\(?:\r\n|\r|\n))
    | (?P<newline>\r\n|\r|\n)
    # A bracket holding only names, numbers, spaces, commas and `=`: the same to the estimate as
    # `()` (its open and close), without a token each.
    | (?P<flat>[(\[{](?:(?!(?<!\w)(?:and|or|not|if|else|lambda|await|in|is)(?!\w))[\w \t,=])*+[)\]}])
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    | (?P<separator>[,;]|(?<![=!<>:+\-*/%@&|^])=(?!=))
    | (?P<op>\*\*|//|<<|>>|[-+*/%@&|^~<>.]|\b(?:and|or|not|if|else|lambda|await|in|is)\b)
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_COMMA = re.compile(",")
_ELIF = re.compile(r"^([ \t]*)(elif|if|else)\b|^([ \t]*)(?=\S)(?!#)", re.MULTILINE)


@dataclass(frozen=True)
class TooDeep:
    """Why the file is not parsed, and where (1-based line, 0-based column)."""

    message: str
    line: int
    column: int


@dataclass
class ParseCost:
    """What libcst's parse of a text costs, roughly: one unit per bracket, operator, string or
    separator, and two thirds of each bracket's depth more. libcst's cost is per node (a file of
    short lines `x = f(g(h(x)))` costs four times what as many characters of ordinary code do)
    and grows with how deeply each node nests (lines of calls nested 100 deep: 11 s for 60 KB);
    a syntax error costs most in deep code. Names and numbers are not counted: each sits next to
    a token that is."""

    tokens: int = 0
    depths: int = 0  # the depth of each bracket opened, summed

    @property
    def units(self) -> int:
        return self.tokens + 2 * self.depths // 3


@dataclass
class Group:
    """A bracket opened outside all others: offsets of itself, its commas and its closer (-1: none)."""

    open: int
    commas: list[int] = field(default_factory=list)
    close: int = -1


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    breaks = before.count("\n") + before.count("\r") - before.count("\r\n")
    return breaks + 1, offset - line_start


_KEYWORD_OPERATOR = re.compile(r"\b(?:and|or|not|if|else|lambda|await|in|is)\b")


def _within_bounds(text: str) -> bool:
    """Whether counting characters shows the estimate below cannot pass its bounds (a short
    statement: engine/elide.py asks for thousands of them): at most MAX_BRACKETS open brackets, and
    twice them plus every operator character, quote and keyword operator at most MAX_DEPTH (each
    token the estimate counts holds one of them, an open bracket counts twice)."""
    opens = text.count("(") + text.count("[") + text.count("{")
    if opens > MAX_BRACKETS:
        return False
    if 2 * len(text) <= MAX_DEPTH:
        return True  # no character counts more than two
    bound = 2 * opens
    for character in "-+*/%@&|^~<>.'\"":
        bound += text.count(character)
        if bound > MAX_DEPTH:
            return False
    return bound + len(_KEYWORD_OPERATOR.findall(text)) <= MAX_DEPTH


def check_nesting(text: str, groups: list[Group] | None = None, cost: ParseCost | None = None) -> TooDeep | None:
    """None when libcst can safely parse `text`; else why not.

    `groups`, when given, receives each bracket opened outside all others: where it opens, where
    its commas are, where it closes (engine/elide.py compiles a huge statement in pieces by them).
    `cost`, when given, receives the text's `ParseCost` (costs add up over whole top-level
    statements, so engine/incremental.py counts an edited region's and keeps the rest's).

    The estimate counts, at each bracket level, the operators, dots, keywords
    and string literals since the last `,`, `;` or `=` (or the end of the
    statement), plus one per open bracket: an upper bound of the depth of the
    expression tree, since each nested node needs at least one of them.
    """
    if groups is None and cost is None and _within_bounds(text):
        return _elif_chain(text) if text.count("elif") > MAX_ELIF_CHAIN else None
    counters = [0]  # per open bracket level: chain tokens since the last separator
    total = 0  # sum(counters) + open brackets
    tokens = depths = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        tokens += 1
        if kind == "op" or kind == "string":
            counters[-1] += 1
            total += 1
        elif kind == "flat":  # an `open` then a `close`, with nothing counted between them
            depths += len(counters)
            if len(counters) > MAX_BRACKETS:
                line, column = _position(text, match.start())
                return TooDeep("SyntaxError: too many nested parentheses", line, column)
            if total + 2 > MAX_DEPTH:
                line, column = _position(text, match.start())
                return TooDeep("Cannot parse: the code is nested too deeply for the parser", line, column)
            counters[-1] += 1
            total += 1
            if groups is not None and len(counters) == 1:
                start, end = match.span()
                groups.append(Group(start, [comma.start() for comma in _COMMA.finditer(text, start, end)], end - 1))
        elif kind == "open":
            if groups is not None and len(counters) == 1:
                groups.append(Group(match.start()))
            counters[-1] += 1  # a call or subscript nests in the chain it ends
            counters.append(0)
            total += 2
            depths += len(counters) - 1
            if len(counters) - 1 > MAX_BRACKETS:
                line, column = _position(text, match.start())
                return TooDeep("SyntaxError: too many nested parentheses", line, column)
        elif kind == "close":
            if len(counters) > 1:
                total -= counters.pop() + 1
                if groups is not None and len(counters) == 1:
                    groups[-1].close = match.start()
        elif kind == "separator" or (kind == "newline" and len(counters) == 1):
            if groups is not None and len(counters) == 2 and match.group() == ",":
                groups[-1].commas.append(match.start())
            total -= counters[-1]
            counters[-1] = 0
        else:
            tokens -= 1  # comments, continuations, newlines inside brackets: no node
            continue
        if total > MAX_DEPTH:
            line, column = _position(text, match.start())
            return TooDeep("Cannot parse: the code is nested too deeply for the parser", line, column)
    if cost is not None:
        cost.tokens, cost.depths = tokens, depths
    if text.count("elif") > MAX_ELIF_CHAIN:
        return _elif_chain(text)
    return None


def parse_cost(text: str) -> ParseCost:
    """The `ParseCost` of `text`, for a text `check_nesting` takes (zero for one it refuses)."""
    cost = ParseCost()
    check_nesting(text, cost=cost)
    return cost


def _elif_chain(text: str) -> TooDeep | None:
    """An `if` with more than MAX_ELIF_CHAIN `elif`s (rare enough to look at line by line)."""
    chains: dict[str, int] = {}  # indentation of an open `if` -> its elifs so far
    for match in _ELIF.finditer(text):
        if match.group(2) is None:  # any other statement line ends the chains indented as much or more
            indent = match.group(3)
            for other in [i for i in chains if len(i) >= len(indent)]:
                del chains[other]
            continue
        indent, keyword = match.group(1), match.group(2)
        for other in [i for i in chains if len(i) > len(indent)]:
            del chains[other]
        if keyword == "if":
            chains[indent] = 0
        elif keyword == "elif" and indent in chains:
            chains[indent] += 1
            if chains[indent] > MAX_ELIF_CHAIN:
                line, column = _position(text, match.start(2))
                return TooDeep("Cannot parse: the code is nested too deeply for the parser", line, column)
    return None
