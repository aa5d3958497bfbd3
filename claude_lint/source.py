"""Reading a file's bytes into text the way Python itself would decode it."""

from __future__ import annotations

import codecs
import io
import tokenize
from dataclasses import dataclass

MAX_FILE_BYTES = 10 * 1024 * 1024


class SourceError(Exception):
    """The file cannot be linted as text (becomes CL002)."""


@dataclass(frozen=True)
class SourceText:
    text: str  # without the BOM
    encoding: str
    bom: bool
    newline: str  # the first line ending seen, used when generating code


def decode_source(data: bytes) -> SourceText:
    """Decode with the BOM or PEP 263 cookie, as the interpreter does."""
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(
            f"file is {len(data) / 1024 / 1024:.1f} MB, over the {MAX_FILE_BYTES // 1024 // 1024} MB limit"
        )
    if b"\x00" in data:
        raise SourceError("file contains NUL bytes")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as e:
        raise SourceError(f"bad encoding declaration: {e.msg}") from None
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
    except (UnicodeDecodeError, LookupError) as e:
        reason = e.reason if isinstance(e, UnicodeDecodeError) else str(e)
        raise SourceError(f"cannot decode as {encoding}: {reason}") from None
    return SourceText(text, "utf-8" if encoding == "utf-8-sig" else encoding, bom, _first_newline(text))


def _first_newline(text: str) -> str:
    index = text.find("\n")
    if index > 0 and text[index - 1] == "\r":
        return "\r\n"
    if index == -1 and "\r" in text:
        return "\r"
    return "\n"
