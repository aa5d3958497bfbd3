"""Writing files so that a crash or a full disk never leaves half a file."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


def write_bytes_atomically(path: Path, data: bytes, *, durable: bool = True, follow_symlinks: bool = True) -> None:
    """Write a temporary file next to `path`, then rename it over `path`.

    Readers (concurrent runs too) see the old file or the new one, never half
    of one. `durable=False` skips the fsync, for caches: after a power loss
    an entry may be empty, and an empty entry is only a miss.
    The rename is atomic on POSIX and Windows; the file keeps its mode bits,
    and a symlink keeps pointing at the file it named (its target is replaced).
    `follow_symlinks=False` (our own files: caches) replaces a symlink or a
    FIFO in the way, never what a link points at. A file this process may not write (`chmod 444`
    for its owner) is refused with PermissionError, as an editor does: the
    rename alone would ignore the file's own permissions, needing only the
    directory's; so is anything but a regular file (a device, a FIFO).
    """
    target = Path(os.path.realpath(path)) if follow_symlinks else Path(os.path.abspath(path))
    try:
        st: os.stat_result | None = target.stat() if follow_symlinks else target.lstat()
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if follow_symlinks:
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        st = None  # our own file's name taken by a link or a FIFO: the rename replaces it
    if st is not None and not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    mode = stat.S_IMODE(st.st_mode) if st is not None else None
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            if durable:
                temp.flush()
                os.fsync(temp.fileno())
        if st is not None:
            _keep_owner(temp_name, st)
        if mode is not None:
            os.chmod(temp_name, mode)  # after chown, which may clear set-id bits
        else:  # a new file gets the usual permissions, not mkstemp's 0600
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp_name, 0o666 & ~umask)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def _keep_owner(temp_name: str, original: os.stat_result) -> None:
    """Give the new file the old one's owner and group, as far as we may (root: both; others: the group)."""
    if not hasattr(os, "chown"):
        return
    current = os.stat(temp_name)
    if (current.st_uid, current.st_gid) == (original.st_uid, original.st_gid):
        return
    try:
        os.chown(temp_name, original.st_uid, original.st_gid)
    except OSError:
        with contextlib.suppress(OSError):
            os.chown(temp_name, -1, original.st_gid)
