"""Writes: a fix interrupted at any point leaves the old file or the new one, never part of one; mode
and owner are kept; a symlink is written through to its target."""

from __future__ import annotations

import codecs
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import GOOD, is_root

from claude_lint.core import atomic

FIXED = GOOD.replace("    except:", "    except Exception:")  # CL101's (unsafe) fix


def _fix_in_process(lint_tree, *paths: str):
    return lint_tree(*paths, fix=True, unsafe_fixes=True)


def _leftovers(directory: Path) -> list[str]:
    return sorted(name for name in os.listdir(directory) if name.endswith(".tmp"))


def test_fix_writes_the_fixed_file(tmp_path: Path, lint_tree) -> None:
    path = tmp_path / "app.py"
    path.write_text(GOOD, encoding="utf-8")
    outcome = _fix_in_process(lint_tree)
    assert path.read_text(encoding="utf-8") == FIXED
    assert outcome.warnings == [] and outcome.errors == []
    assert _leftovers(tmp_path) == []


class _DiskFull(OSError):
    def __init__(self) -> None:
        super().__init__(28, "No space left on device")


def _fail_replace(real):
    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith("app.py"):
            raise _DiskFull()
        return real(src, dst, *args, **kwargs)

    return replace


def _fail_fsync(real):
    def fsync(fd):
        raise _DiskFull()

    return fsync


def _fail_chmod(real):
    def chmod(path, mode, *args, **kwargs):
        if str(path).endswith(".tmp"):
            raise _DiskFull()
        return real(path, mode, *args, **kwargs)

    return chmod


def _fail_half_way(real):
    """The temporary file takes half the data, then the disk is full."""

    class HalfWriter:
        def __init__(self, file):
            self.file = file

        def write(self, data):
            self.file.write(data[: len(data) // 2])
            self.file.flush()
            raise _DiskFull()

        def __getattr__(self, name):
            return getattr(self.file, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.file.__exit__(*exc)

    def fdopen(fd, *args, **kwargs):
        return HalfWriter(real(fd, *args, **kwargs))

    return fdopen


@pytest.mark.parametrize(
    ("name", "failing"),
    [("replace", _fail_replace), ("fsync", _fail_fsync), ("chmod", _fail_chmod), ("fdopen", _fail_half_way)],
    ids=["rename", "fsync", "chmod", "half-written"],
)
def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, lint_tree, monkeypatch: pytest.MonkeyPatch, name, failing) -> None:
    path = tmp_path / "app.py"
    path.write_text(GOOD, encoding="utf-8")
    path.chmod(0o640)
    monkeypatch.setattr(os, name, failing(getattr(os, name)))
    outcome = _fix_in_process(lint_tree)
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == GOOD
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []
    assert outcome.warnings == ["app.py: cannot write the fixed file: No space left on device"]


def test_a_failed_write_reports_the_file_as_it_is(tmp_path: Path, lint_tree, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app.py").write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(os, "replace", _fail_replace(os.replace))
    outcome = _fix_in_process(lint_tree)
    assert outcome.fixes == []
    assert [d.code for d in outcome.diagnostics] == ["CL101", "CL102"]


# ---------------------------------------------------------------- killed mid-write

_KILLER = textwrap.dedent(
    """\
    import os, signal, sys
    from claude_lint.core import atomic
    real, when = os.replace, sys.argv[1]
    def replace(src, dst):
        if when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        real(src, dst)
        os.kill(os.getpid(), signal.SIGKILL)
    atomic.os.replace = replace
    from claude_lint.cli import main
    sys.argv = ["claude-lint", "check", "--fix", "--unsafe-fixes", "--no-cache", "-j", "1", "app.py"]
    main()
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
@pytest.mark.parametrize(("when", "expected"), [("before", GOOD), ("after", FIXED)], ids=["before-rename", "after-rename"])
def test_killed_around_the_rename(tmp_path: Path, when: str, expected: str) -> None:
    path = tmp_path / "app.py"
    path.write_text(GOOD, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _KILLER, when], cwd=tmp_path, capture_output=True, timeout=60, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert path.read_text(encoding="utf-8") == expected
    # Killed before the rename, the temporary file stays behind (hidden, named after the file); the
    # file itself is whole.
    assert [n.startswith(".app.py.") for n in _leftovers(tmp_path)] == ([True] if when == "before" else [])


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_killed_at_random_points_of_a_real_fix_run(tmp_path: Path) -> None:
    """Kill `claude-lint check --fix` at 12 moments spread over its run: every file is always
    either its old self or fully fixed."""
    files = {f"app{i}.py": GOOD * 40 for i in range(6)}  # big enough for the run to take a while
    fixed_text = {name: text.replace("    except:", "    except Exception:") for name, text in files.items()}
    command = [sys.executable, "-m", "claude_lint", "check", "--fix", "--unsafe-fixes", "--no-cache", "-j", "1", "."]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    start = time.monotonic()
    subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=120, check=False)
    full = time.monotonic() - start
    for attempt in range(12):
        for name, text in files.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(full * attempt / 12)
        process.kill()
        process.wait(timeout=60)
        for name, text in files.items():
            assert (tmp_path / name).read_text(encoding="utf-8") in (text, fixed_text[name]), (attempt, name)


# ---------------------------------------------------------------- what the new file keeps


@pytest.mark.parametrize("mode", [0o640, 0o755, 0o444, 0o600, 0o4755, 0o2775])
def test_fix_keeps_the_mode(tmp_path: Path, lint_tree, mode: int) -> None:
    path = tmp_path / "app.py"
    path.write_text(GOOD, encoding="utf-8")
    path.chmod(mode)
    outcome = _fix_in_process(lint_tree)
    assert outcome.warnings == []
    assert path.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(path.stat().st_mode) == mode


@pytest.mark.skipif(not is_root(), reason="only root can give a file to another user")
def test_fix_keeps_the_owner_and_group(tmp_path: Path, lint_tree) -> None:
    path = tmp_path / "app.py"
    path.write_text(GOOD, encoding="utf-8")
    os.chown(path, 4242, 4343)
    path.chmod(0o664)
    _fix_in_process(lint_tree)
    st = path.stat()
    assert (path.read_text(encoding="utf-8"), st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (FIXED, 4242, 4343, 0o664)


def test_write_bytes_atomically_keeps_the_group_it_may_set(tmp_path: Path) -> None:
    path = tmp_path / "f.py"
    path.write_text("x = 1\n", encoding="utf-8")
    groups = [g for g in os.getgroups() if g != path.stat().st_gid]
    if not groups:
        pytest.skip("no second group to give the file")
    os.chown(path, -1, groups[0])
    atomic.write_bytes_atomically(path, b"x = 2\n")
    assert (path.read_bytes(), path.stat().st_gid) == (b"x = 2\n", groups[0])


def test_fix_writes_through_a_symlink_to_its_target(tmp_path: Path, lint_tree) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "target.py"
    target.write_text(GOOD, encoding="utf-8")
    os.symlink(os.path.join("real", "target.py"), tmp_path / "link.py")
    os.symlink("link.py", tmp_path / "chain.py")
    outcome = _fix_in_process(lint_tree, "chain.py")
    assert outcome.warnings == []
    assert os.readlink(tmp_path / "chain.py") == "link.py"
    assert os.readlink(tmp_path / "link.py") == os.path.join("real", "target.py")
    assert target.read_text(encoding="utf-8") == FIXED
    assert _leftovers(tmp_path) == [] and _leftovers(tmp_path / "real") == []


def test_fix_keeps_bom_crlf_and_encoding(tmp_path: Path, lint_tree) -> None:
    bom_crlf = tmp_path / "bom.py"
    bom_crlf.write_bytes(codecs.BOM_UTF8 + GOOD.replace("\n", "\r\n").encode())
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"# -*- coding: latin-1 -*-\n" + GOOD.replace("(prompt):", "(prompt):  # caf\xe9").encode("latin-1"))
    outcome = _fix_in_process(lint_tree)
    assert outcome.warnings == []
    assert bom_crlf.read_bytes() == codecs.BOM_UTF8 + FIXED.replace("\n", "\r\n").encode()
    assert latin.read_bytes() == b"# -*- coding: latin-1 -*-\n" + FIXED.replace("(prompt):", "(prompt):  # caf\xe9").encode("latin-1")


def test_fix_in_an_encoding_that_does_not_read_back_is_not_written(tmp_path: Path, lint_tree) -> None:
    """`idna` decodes this file but encodes text lower-cased: writing it would change the code."""
    path = tmp_path / "idna.py"
    original = b"# coding: idna\n" + GOOD.replace("def ask", "def Ask").encode("ascii")
    path.write_bytes(original)
    outcome = _fix_in_process(lint_tree)
    assert path.read_bytes() == original
    assert outcome.warnings == ["idna.py: the fixed code cannot be written in the file's encoding idna"]


def test_a_file_with_nothing_to_fix_is_not_rewritten(tmp_path: Path, lint_tree) -> None:
    path = tmp_path / "app.py"
    path.write_text(FIXED, encoding="utf-8")
    before = path.stat()
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns - 10**9))
    stamp = path.stat().st_mtime_ns
    ino = path.stat().st_ino
    _fix_in_process(lint_tree)
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == (stamp, ino)


def test_add_noqa_write_failure_leaves_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from claude_lint.app.noqa import add_noqa_to_files

    path = tmp_path / "app.py"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(os, "replace", _fail_replace(os.replace))
    added, warnings = add_noqa_to_files({str(path): {9: {"CL101", "CL102"}}})
    monkeypatch.undo()
    assert (added, path.read_text(encoding="utf-8"), _leftovers(tmp_path)) == (0, GOOD, [])
    assert warnings == [f"{path}: cannot add noqa directives: No space left on device"]
