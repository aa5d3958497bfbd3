"""Path helpers that never raise on what a file system can hold (symlink loops, odd names)."""

from __future__ import annotations

import os
from pathlib import Path


def resolve(path: str | os.PathLike[str]) -> Path:
    """`Path(path).resolve()`, or the absolute path when it cannot be resolved.

    Python 3.11's `Path.resolve` raises RuntimeError on a symlink loop (and
    OSError on some others); a linted tree may hold either, and a path to
    report must still come out.
    """
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def display(path: str) -> str:
    """A path as text every output can carry: undecodable bytes in a file name become U+FFFD.

    On POSIX a file name is bytes; Python hands back the ones that are not
    UTF-8 as lone surrogates, which cannot be written as UTF-8 (a crash on a
    strict stdout) nor in JSON that other tools read. ruff shows them the
    same way (`Path::display`).
    """
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that did not come from a file name
        return path.encode("utf-8", "replace").decode("utf-8")


def uri_bytes(path: str) -> bytes:
    """A path's bytes as the file system has them, for percent-encoding into a URI."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return path.encode("utf-8", "replace")
