"""`--add-noqa`: write `# noqa` comments for current findings into the files."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from claude_lint.core.lines import lines_with_breaks
from claude_lint.engine.suppress import NOQA_COMMENT


@dataclass
class NoqaEdit:
    """The result of adding `# noqa` directives to one file's text."""

    text: str
    added: int = 0  # lines given a new directive or more codes in an existing one
    skipped: dict[int, str] = field(default_factory=dict)  # line -> why no comment can go there


def _split_lines(text: str) -> list[tuple[str, str]]:
    """(content, line ending) per line, on Python's own line breaks only."""
    pairs = []
    for line in lines_with_breaks(text):
        content = line.rstrip("\r\n")
        pairs.append((content, line[len(content) :]))
    return pairs


def _with_codes(content: str, comment_start: int | None, wanted: list[str]) -> str | None:
    """The line with `wanted` codes suppressed, or None if it already is."""
    if comment_start is not None:
        comment = content[comment_start:]
        noqa = NOQA_COMMENT.search(comment)
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

    from claude_lint.core.atomic import write_bytes_atomically
    from claude_lint.core.source import SourceError, decode_source, read_source_file

    added = 0
    warnings: list[str] = []
    for path in sorted(lines_by_path):
        try:
            data = read_source_file(path)
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
            from claude_lint.core.source import (
                encode_like,  # the same encoding, BOM and read-back check
            )

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
