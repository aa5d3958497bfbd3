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

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*claude-lint:\s*ignore\[(?P<codes>[^\]]*)\]")
_CODE = re.compile(r"[A-Z]+[0-9]+")

ALL = "*"


@dataclass
class Suppressions:
    """Codes suppressed per line; ALL means every code."""

    by_line: dict[int, set[str]] = field(default_factory=dict)

    def add(self, line: int, codes: set[str]) -> None:
        self.by_line.setdefault(line, set()).update(codes)

    def suppresses(self, line: int, code: str) -> bool:
        codes = self.by_line.get(line)
        if not codes:
            return False
        return ALL in codes or any(code.startswith(c) for c in codes)


def _codes(text: str | None) -> set[str]:
    if not text:
        return {ALL}
    return {c.upper() for c in _CODE.findall(text.upper())}


def find_suppressions(text: str) -> Suppressions:
    result = Suppressions()
    if "noqa" not in text.lower() and "claude-lint:" not in text:
        return result
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return result
    # Line ranges of logical lines, for own-line `claude-lint: ignore` comments.
    pending: list[set[str]] = []
    logical_start: int | None = None
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            noqa = _NOQA.search(tok.string)
            if noqa is not None:
                result.add(tok.start[0], _codes(noqa.group("codes")))
            ignore = _IGNORE.search(tok.string)
            if ignore is not None:
                codes = _codes(ignore.group("codes")) if ignore.group("codes").strip() else {ALL}
                if logical_start is None:
                    pending.append(codes)
                else:
                    result.add(tok.start[0], codes)
            continue
        if tok.type in (tokenize.NL, tokenize.ENCODING, tokenize.INDENT, tokenize.DEDENT):
            continue
        if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            if logical_start is not None and pending:
                for line in range(logical_start, tok.start[0] + 1):
                    for codes in pending:
                        result.add(line, codes)
                pending = []
            logical_start = None
            continue
        if logical_start is None:
            logical_start = tok.start[0]
    return result


# ---------------------------------------------------------------- --add-noqa

_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")


@dataclass
class NoqaEdit:
    """The result of adding `# noqa` directives to one file's text."""

    text: str
    added: int = 0  # lines given a new directive or more codes in an existing one
    skipped: dict[int, str] = field(default_factory=dict)  # line -> why no comment can go there


def _split_lines(text: str) -> list[tuple[str, str]]:
    """(content, line ending) per line, on Python's own line breaks only."""
    pairs = [(m.group(1), m.group(2)) for m in _LINE.finditer(text)]
    if pairs and pairs[-1] == ("", ""):
        pairs.pop()  # the empty match after the last line ending
    return pairs


def _with_codes(content: str, comment_start: int | None, wanted: list[str]) -> str | None:
    """The line with `wanted` codes suppressed, or None if it already is."""
    if comment_start is not None:
        comment = content[comment_start:]
        noqa = _NOQA.search(comment)
        if noqa is not None:
            if noqa.group("codes") is None:
                return None  # a bare noqa already covers every code
            existing = [c for c in re.split(r"[\s,]+", noqa.group("codes")) if c]
            upper = [c.upper() for c in existing]
            new = [c for c in wanted if not any(c.startswith(e) for e in upper)]
            if not new:
                return None
            start, end = noqa.span("codes")
            merged = ", ".join([*existing, *new])
            return content[: comment_start + start] + merged + content[comment_start + end :]
    return content.rstrip(" \t") + f"  # noqa: {', '.join(wanted)}"


def add_noqa_directives(text: str, codes_by_line: dict[int, set[str]]) -> NoqaEdit:
    """Append `# noqa: CODE` to each line (1-based), merging with a `# noqa: X` already there.

    A line whose end is inside a string or that continues with a backslash
    cannot take a comment; it is skipped and named, never broken.
    """
    import ast

    result = NoqaEdit(text)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text, newline="").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        result.skipped = dict.fromkeys(codes_by_line, "the file does not tokenize")
        return result
    comments: dict[int, int] = {}
    inside_token: set[int] = set()
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.start[1]
        elif tok.start[0] < tok.end[0] and tok.type not in (tokenize.NEWLINE, tokenize.NL):
            inside_token.update(range(tok.start[0], tok.end[0]))
    lines = _split_lines(text)
    for number in sorted(codes_by_line):
        if not 1 <= number <= len(lines):
            result.skipped[number] = "the line is past the end of the file"
            continue
        content, ending = lines[number - 1]
        if number in inside_token:
            result.skipped[number] = "the line ends inside a string"
            continue
        if number not in comments and content.rstrip(" \t").endswith("\\"):
            result.skipped[number] = "the line continues with a backslash"
            continue
        new = _with_codes(content, comments.get(number), sorted(codes_by_line[number]))
        if new is not None:
            lines[number - 1] = (new, ending)
            result.added += 1
    if not result.added:
        return result
    new_text = "".join(content + ending for content, ending in lines)
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass  # it did not parse before either; comments cannot make that worse
    else:
        try:
            ast.parse(new_text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            result.skipped = dict.fromkeys(codes_by_line, "adding comments would break the file")
            result.added = 0
            return result
    result.text = new_text
    return result


def add_noqa_to_files(lines_by_path: dict[str, dict[int, set[str]]]) -> tuple[int, list[str]]:
    """Add directives to files in place (atomically); (lines changed, warnings)."""
    from pathlib import Path

    from claude_lint.atomic import write_bytes_atomically
    from claude_lint.source import SourceError, decode_source

    added = 0
    warnings: list[str] = []
    for path in sorted(lines_by_path):
        try:
            data = Path(path).read_bytes()
            source = decode_source(data)
        except (OSError, SourceError) as e:
            warnings.append(f"{path}: cannot add noqa directives: {getattr(e, 'strerror', None) or e}")
            continue
        edit = add_noqa_directives(source.text, lines_by_path[path])
        for line, reason in sorted(edit.skipped.items()):
            warnings.append(f"{path}:{line}: cannot add a noqa directive: {reason}")
        if not edit.added:
            continue
        try:
            from claude_lint.fixer import encode_like  # the same encoding, BOM and read-back check

            write_bytes_atomically(Path(path), encode_like(source, edit.text))
        except (OSError, UnicodeError, LookupError, ValueError) as e:
            if isinstance(e, UnicodeError):
                why = f"the text cannot be written in the file's encoding {source.encoding}"
            else:
                why = str(getattr(e, "strerror", None) or e)
            warnings.append(f"{path}: cannot add noqa directives: {why}")
            continue
        added += edit.added
    return added, warnings
