"""`# noqa` and `# claude-lint: ignore[...]` comments.

Comments are found with `tokenize`, so a `# noqa` inside a string literal
does not count. Files are only tokenized when they have diagnostics and
contain one of the markers.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from claude_lint.config.selection import matches_any
from claude_lint.core.diagnostics import Applicability, Diagnostic, Edit, Fix, Location

NOQA_COMMENT = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*claude-lint:\s*ignore\[(?P<codes>[^\]]*)\]")
# The whole-file form (as ruff has its own), on a line of its own.
_FILE_NOQA = re.compile(r"#\s*claude-lint:\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+")

ALL = "ALL"  # the selector that names every code


@dataclass
class Directive:
    """One suppression comment, where it is, what it names and which of its codes matched."""

    kind: str  # "noqa", "ignore" (`claude-lint: ignore[...]`), "file" (`claude-lint: noqa`)
    line: int
    column: int  # where the directive starts (its `#`), code points
    end: int  # where the comment ends
    comment_start: int  # where the whole comment token starts
    codes: list[str]  # as written (upper-cased); empty for a blanket directive
    codes_span: tuple[int, int] | None  # columns of the code list, to rewrite it
    own_line: bool  # nothing but the comment on its line
    trailing_text: bool  # the comment goes on after the directive
    lines: range  # the lines it covers (all of them for "file")
    used: set[str] = field(default_factory=set)


@dataclass
class Suppressions:
    """Codes suppressed per line; ALL means every code."""

    by_line: dict[int, set[str]] = field(default_factory=dict)
    file_codes: set[str] = field(default_factory=set)  # `# claude-lint: noqa[: codes]` on its own line
    directives: list[Directive] = field(default_factory=list)

    def add(self, line: int, codes: set[str]) -> None:
        self.by_line.setdefault(line, set()).update(codes)

    def suppresses(self, line: int, code: str) -> bool:
        if self.file_codes and matches_any(code, self.file_codes):
            return True
        codes = self.by_line.get(line)
        if not codes:
            return False
        return matches_any(code, codes)

    def mark_used(self, line: int, code: str) -> None:
        """Record which directive codes a finding at `line` matched (for CL003)."""
        for directive in self.directives:
            if line in directive.lines:
                directive.used.update(c for c in directive.codes if code.startswith(c))


def _codes(text: str | None) -> set[str]:
    if not text:
        return {ALL}
    return {c.upper() for c in _CODE.findall(text.upper())}


def _directive(
    kind: str, match: re.Match[str], tok: tokenize.TokenInfo, own_line: bool, lines: range
) -> Directive:
    line, col = tok.start
    group = match.group("codes")
    codes = [c.upper() for c in _CODE.findall(group.upper())] if group else []
    span = (col + match.start("codes"), col + match.end("codes")) if group else None
    rest = tok.string[match.end() :].strip()
    if kind == "ignore":
        span = (col + match.start("codes"), col + match.end("codes"))
    return Directive(
        kind, line, col + match.start(), col + len(tok.string), col, codes, span, own_line, bool(rest), lines
    )


def find_suppressions(text: str) -> Suppressions:
    result = Suppressions()
    if "noqa" not in text.lower() and "claude-lint:" not in text:
        return result
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return result
    # Line ranges of logical lines, for own-line `claude-lint: ignore` comments.
    pending: list[tuple[set[str], Directive]] = []
    logical_start: int | None = None
    last_line = 0  # the line of the last token that was not a comment or layout
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            own_line = last_line != tok.start[0] and logical_start is None
            noqa = NOQA_COMMENT.search(tok.string)
            if noqa is not None:
                result.add(tok.start[0], _codes(noqa.group("codes")))
                lines = range(tok.start[0], tok.start[0] + 1)
                result.directives.append(_directive("noqa", noqa, tok, own_line, lines))
            ignore = _IGNORE.search(tok.string)
            if ignore is not None:
                codes = _codes(ignore.group("codes")) if ignore.group("codes").strip() else {ALL}
                if logical_start is None:
                    directive = _directive("ignore", ignore, tok, own_line, range(0))
                    pending.append((codes, directive))
                else:
                    result.add(tok.start[0], codes)
                    directive = _directive("ignore", ignore, tok, own_line, range(tok.start[0], tok.start[0] + 1))
                result.directives.append(directive)
            file_noqa = _FILE_NOQA.search(tok.string)
            if file_noqa is not None and own_line and file_noqa.start() == 0:
                result.file_codes |= _codes(file_noqa.group("codes"))
                result.directives.append(_directive("file", file_noqa, tok, own_line, range(1, len(text) + 2)))
            continue
        if tok.type in (tokenize.NL, tokenize.ENCODING, tokenize.INDENT, tokenize.DEDENT):
            continue
        last_line = tok.end[0]
        if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            if logical_start is not None and pending:
                for codes, directive in pending:
                    directive.lines = range(logical_start, tok.start[0] + 1)
                    for line in directive.lines:
                        result.add(line, codes)
                pending = []
            logical_start = None
            continue
        if logical_start is None:
            logical_start = tok.start[0]
    return result


# ---------------------------------------------------------------- --add-noqa













# ---------------------------------------------------------------- CL003 unused-suppression

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_DIRECTIVE_NAMES = {
    "noqa": "`noqa` directive",
    "ignore": "`claude-lint: ignore` directive",
    "file": "file-level `claude-lint: noqa` directive",
}


def unused_suppressions(path: str, text: str, suppressions: Suppressions, enabled: frozenset[str]) -> list[Diagnostic]:
    """CL003 for each directive naming claude-lint codes that suppressed nothing.

    Only `CL` codes are ours to judge: other tools' codes and blanket
    directives (`# noqa` alone) are left alone. As ruff's RUF100 does, a code
    whose rule is not enabled counts as unused (and says so).
    """
    from claude_lint.engine.registry import rules_by_code

    known = set(rules_by_code())
    lines = _LINE_BREAK.split(text)
    out: list[Diagnostic] = []
    for directive in suppressions.directives:
        ours = [c for c in directive.codes if c.startswith("CL") and c != "CL003" and c not in directive.used]
        if not ours:
            continue
        groups: dict[str, list[str]] = {"unused": [], "non-enabled": [], "unknown": []}
        for code in ours:
            if not any(k.startswith(code) for k in known):
                groups["unknown"].append(code)
            elif not any(k.startswith(code) for k in enabled):
                groups["non-enabled"].append(code)
            else:
                groups["unused"].append(code)
        detail = "; ".join(f"{kind}: {', '.join(f'`{c}`' for c in codes)}" for kind, codes in groups.items() if codes)
        start = Location(directive.line, directive.column)
        out.append(
            Diagnostic(
                path=path,
                code="CL003",
                message=f"Unused {_DIRECTIVE_NAMES[directive.kind]} ({detail})",
                start=start,
                end=Location(directive.line, directive.end),
                fix=_removal(directive, ours, lines),
                noqa_line=directive.line,
            )
        )
    return out


def _removal(directive: Directive, unused: list[str], lines: list[str]) -> Fix | None:
    """Drop the unused codes, or the whole directive when none is left."""
    kept = [c for c in directive.codes if c not in unused]
    line = directive.line
    if kept:
        assert directive.codes_span is not None
        start, end = directive.codes_span
        edit = Edit(Location(line, start), Location(line, end), ", ".join(kept))
        return Fix(f"Remove {', '.join(f'`{c}`' for c in unused)}", Applicability.SAFE, (edit,))
    if directive.trailing_text:
        return None  # the comment says more than the directive: which words go is not ours to decide
    text = lines[line - 1]
    if directive.own_line and directive.column == directive.comment_start:
        if line < len(lines):
            edit = Edit(Location(line, 0), Location(line + 1, 0), "")
        else:
            edit = Edit(Location(line, 0), Location(line, len(text)), "")
        return Fix("Remove the comment", Applicability.SAFE, (edit,))
    before = len(text[: directive.column].rstrip())
    edit = Edit(Location(line, before), Location(line, directive.end), "")
    return Fix("Remove the directive", Applicability.SAFE, (edit,))
