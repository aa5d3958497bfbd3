"""Reading a file's bytes into text the way Python itself would decode it."""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
import tokenize
from dataclasses import dataclass

MAX_FILE_BYTES = 10 * 1024 * 1024


class SourceError(Exception):
    """The file cannot be linted as text (becomes CL002)."""


def _too_large(size: int) -> SourceError:
    return SourceError(f"file is {size / 1024 / 1024:.1f} MB, over the {MAX_FILE_BYTES // 1024 // 1024} MB limit")


def read_source_file(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES, follow_symlinks: bool = True) -> bytes:
    """A regular file's bytes, reading no more than `limit` + 1 of them.

    SourceError for anything that is not a regular file (a FIFO, a device such as
    `/dev/zero`, a socket) and for a file over the limit, said before reading it;
    OSError when it cannot be opened or read. The open never blocks (O_NONBLOCK:
    a FIFO without a writer would), and the size is checked on the open file
    descriptor, so a file swapped for a FIFO after discovery is refused all the same.
    `follow_symlinks=False` refuses a symlink (OSError) where only our own files belong.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SourceError(f"not a regular file ({_file_kind(st.st_mode)})")
        if st.st_size > limit:
            raise _too_large(st.st_size)
        chunks = []
        left = limit + 1  # one byte more tells a file that grew past the limit since the fstat
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise _too_large(len(data))
    return data


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "a special file"


@dataclass(frozen=True)
class SourceText:
    text: str  # without the BOM
    encoding: str
    bom: bool
    newline: str  # the first line ending seen, used when generating code


def decode_source(data: bytes) -> SourceText:
    """Decode with the BOM or PEP 263 cookie, as the interpreter does."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(len(data))
    if b"\x00" in data:
        raise SourceError("file contains NUL bytes")
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as e:
        encoding = _encoding_despite(data, bom, e.msg)
    try:
        text = data.decode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
    except (UnicodeError, LookupError, ValueError, TypeError) as e:  # any codec a cookie may name
        reason = e.reason if isinstance(e, UnicodeDecodeError) else str(e)
        shown = "utf-8" if encoding == "utf-8-sig" else encoding
        raise SourceError(f"cannot decode as {shown}: {reason}") from None
    return SourceText(text, "utf-8" if encoding == "utf-8-sig" else encoding, bom, _first_newline(text))


# PEP 263, on bytes: the interpreter finds a cookie in a line that is not UTF-8 too.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _encoding_despite(data: bytes, bom: bool, message: str) -> str:
    """The encoding to decode with when `tokenize.detect_encoding` gave up, or why there is none.

    It refuses a first or second line that is not UTF-8, cookie or not; CPython
    reads `# coding: latin-1` followed by a Latin-1 byte in that same line, and
    a file without a cookie is simply not UTF-8 (said by the decode error).
    """
    lines = data.removeprefix(codecs.BOM_UTF8).splitlines()[:2]
    cookie = next((m.group(1).decode("ascii") for m in map(_COOKIE.match, lines) if m), None)
    if bom:
        if cookie is not None and _codec_name(cookie) != "utf-8":
            raise SourceError(f"bad encoding declaration: a UTF-8 BOM, and a `{cookie}` coding cookie")
        return "utf-8-sig"
    if message.startswith("invalid or missing encoding declaration"):
        if cookie is None:
            return "utf-8"
        try:
            return codecs.lookup(cookie).name
        except LookupError:
            raise SourceError(f"bad encoding declaration: unknown encoding: {cookie}") from None
    raise SourceError(f"bad encoding declaration: {message}")


def _codec_name(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _first_newline(text: str) -> str:
    index = text.find("\n")
    if index > 0 and text[index - 1] == "\r":
        return "\r\n"
    if index == -1 and "\r" in text:
        return "\r"
    return "\n"


def encode_like(source: SourceText, text: str) -> bytes:
    """The fixed text in the file's own encoding, with its BOM if it had one.

    UnicodeEncodeError when the encoding cannot hold the text, or would not
    give it back unchanged when read again (a cookie may name any codec:
    `idna` lower-cases, for one).
    """
    data = text.encode(source.encoding)
    data = codecs.BOM_UTF8 + data if source.bom else data
    try:
        same = decode_source(data).text == text
    except SourceError:
        same = False
    if not same:
        raise UnicodeEncodeError(source.encoding, text, 0, len(text), "does not read back the same")
    return data
