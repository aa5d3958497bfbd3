"""Files that are not what they seem: FIFOs and devices named `*.py`, files over the size limit by
their size alone, read-only files, and symlinks out of the project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import GOOD, GOOD_FINDINGS, findings

from claude_lint.app import runner
from claude_lint.core import source

FIXED = GOOD.replace("    except:", "    except Exception:")
CL102_FIXED = "`except Exception` swallows the Claude call's error: the handler only does `pass`; log it, re-raise it, or return a real fallback"
posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and /dev/zero are POSIX")


def _cli(cwd: Path, *args: str, timeout: float = 60, memory: int | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess: a hang is a timeout here, not a hung test run."""

    def limit() -> None:
        if memory is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "claude_lint", "check", "--no-cache", "--output-format", "concise", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit if memory is not None else None,
        check=False,
    )


def _concise_good(name: str = "good.py") -> list[str]:
    return [f"{name}:{line}:{column + 1}: {code} {'[-] ' if code == 'CL101' else ''}{message}" for code, line, column, message in GOOD_FINDINGS]


# ---------------------------------------------------------------- FIFOs and devices (item 3, item 4)


@posix_only
@pytest.mark.parametrize("how", ["discovered", "named"])
def test_a_fifo_named_like_python_is_cl002_and_never_blocks(tmp_path: Path, how: str) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    os.mkfifo(tmp_path / "x.py")
    done = _cli(tmp_path, *(["."] if how == "discovered" else ["good.py", "x.py"]), timeout=30)
    assert done.stdout.splitlines()[:3] == [*_concise_good(), "x.py:1:1: CL002 Cannot read file: not a regular file (a FIFO)"]
    assert done.returncode == 1, done.stderr


@posix_only
def test_a_file_swapped_for_a_fifo_after_discovery_is_cl002(tmp_path: Path, lint_tree, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "x.py").write_text(GOOD, encoding="utf-8")
    real = runner.discover

    def swapping(*args, **kwargs):
        found = list(real(*args, **kwargs))
        os.unlink(tmp_path / "x.py")
        os.mkfifo(tmp_path / "x.py")
        return iter(found)

    monkeypatch.setattr(runner, "discover", swapping)
    # A blocking open would hang this test: the alarm turns that into a failure.
    import signal

    def hung(*_: object) -> None:
        raise TimeoutError("the run blocked on a FIFO")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        outcome = lint_tree()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert findings(outcome) == {
        "good.py": GOOD_FINDINGS,
        "x.py": [("CL002", 1, 0, "Cannot read file: not a regular file (a FIFO)")],
    }


@posix_only
def test_a_symlink_to_dev_zero_is_cl002_without_reading_it(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    os.symlink("/dev/zero", tmp_path / "zero.py")
    done = _cli(tmp_path, "good.py", "zero.py", timeout=60, memory=2 << 30)  # named: a link found in "." leads outside
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr[-2000:]
    assert done.stdout.splitlines()[:3] == [*_concise_good(), "zero.py:1:1: CL002 Cannot read file: not a regular file (a character device)"]


def test_a_sparse_file_over_the_limit_is_refused_by_its_size(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    with open(tmp_path / "big.py", "wb") as f:
        f.truncate(6 * 1024**3)  # 6 GB that take no disk
    start = time.monotonic()
    done = _cli(tmp_path, ".", timeout=60, memory=2 << 30)
    assert time.monotonic() - start < 30
    assert done.stdout.splitlines()[:3] == ["big.py:1:1: CL002 Cannot read file: file is 6144.0 MB, over the 10 MB limit", *_concise_good()]


def test_the_reader_never_reads_more_than_the_limit_and_one(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"x" * 1000)
    assert source.read_source_file(path, limit=1000) == b"x" * 1000
    with pytest.raises(source.SourceError, match="over the 10 MB limit"):
        source.read_source_file(path, limit=999)
    assert source.MAX_FILE_BYTES == 10 * 1024 * 1024


@posix_only
def test_a_device_is_refused_before_any_read(tmp_path: Path) -> None:
    with pytest.raises(source.SourceError, match=r"not a regular file \(a character device\)"):
        source.read_source_file("/dev/zero")



USER = "from helpers import ask\n\n\ndef f():\n    try:\n        return ask('x')\n    except:\n        pass\n"


@posix_only
@pytest.mark.parametrize("kind", ["sparse", "fifo"])
def test_a_module_the_project_reads_by_name_is_read_as_a_linted_file_is(tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`from helpers import ask`: the project reads `helpers.py` to learn what `ask` is. A 3 GB sparse
    file there was read whole (MemoryError traceback); a FIFO put there after the directory was listed
    would block. Either tells the project nothing, and the user's file is checked as if alone."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.py").write_text(USER, encoding="utf-8")
    (tmp_path / "helpers.py").write_text(GOOD, encoding="utf-8")
    if kind == "sparse":
        os.unlink(tmp_path / "helpers.py")
        with open(tmp_path / "helpers.py", "wb") as f:
            f.truncate(3 * 1024**3)
        done = _cli(tmp_path, "-j", "1", "a.py", timeout=60, memory=2 << 30)
        assert "Traceback" not in done.stderr, done.stderr[-2000:]
        assert (done.returncode, done.stdout) == (0, "All checks passed!\n")
        return
    from claude_lint.app import project
    from claude_lint.app.runner import RunOptions, run
    from claude_lint.config.settings import ConfigResolver

    real = project.Project.find

    def swapped(self: project.Project, name: str) -> Path | None:
        found = real(self, name)
        if found is not None and found.name == "helpers.py" and not found.is_fifo():
            os.unlink(found)
            os.mkfifo(found)  # swapped after the listing said it was a file
        return found

    monkeypatch.setattr(project.Project, "find", swapped)
    monkeypatch.chdir(tmp_path)
    import signal

    class Blocked(BaseException):  # not an OSError (TimeoutError is one): no handler of the run's takes it
        pass

    def hung(*_: object) -> None:
        raise Blocked("the run blocked on a FIFO")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        outcome = run(["a.py"], ConfigResolver(), RunOptions(jobs=1, cache=False))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert (outcome.diagnostics, outcome.errors) == ([], [])

# ---------------------------------------------------------------- read-only files (item 5)


def _as_nobody(directory: Path, *paths: str) -> dict[str, object]:
    """Fix `paths` in `directory` in a forked child that has dropped root for `nobody`.

    The child cannot import anything root's tree hides from it, so this process has
    already imported everything a fix run needs (by running one).
    """
    import pwd

    nobody = pwd.getpwnam("nobody")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, fix, report through the pipe
        code = 1
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            os.chdir(directory)
            from claude_lint.app.runner import RunOptions, run
            from claude_lint.config.settings import ConfigResolver

            outcome = run(list(paths), ConfigResolver(), RunOptions(fix=True, unsafe_fixes=True, jobs=1))
            report = {"warnings": outcome.warnings, "fixed": [f.path for f in outcome.fixes], "findings": findings(outcome)}
            os.write(write, json.dumps(report).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return json.loads(data)


def _others_can_enter(path: Path) -> bool:
    """Whether a user other than the owner can reach `path` (every directory on the way is o+x)."""
    return all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents])


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="dropping privileges needs root; as a user, see the next test")
def test_fix_leaves_a_read_only_file_and_says_so_as_an_unprivileged_user(tmp_path: Path, lint_tree) -> None:
    import claude_lint

    package = Path(claude_lint.__file__).resolve().parent
    if not _others_can_enter(package):
        # A checkout inside a mode-700 directory (mktemp -d): `nobody` cannot read the
        # package's data files, which are read lazily, so the child could not lint at all.
        pytest.skip(f"{package} is not reachable by other users, so a child that drops root cannot lint")
    (tmp_path / "warm.py").write_text(GOOD, encoding="utf-8")
    lint_tree("warm.py", fix=True, unsafe_fixes=True)  # imports what a fix needs, before the fork
    directory = Path(tempfile.mkdtemp(prefix="claude-lint-ro-"))  # pytest's tmp_path is root's alone
    try:
        os.chmod(directory, 0o777)
        for name in ("a.py", "b.py"):
            (directory / name).write_text(GOOD, encoding="utf-8")
            os.chown(directory / name, 65534, 65534)
        os.chmod(directory / "b.py", 0o444)
        report = _as_nobody(directory, "a.py", "b.py")
        assert report["warnings"] == ["b.py: cannot write the fixed file: the file is read-only"]
        assert report["fixed"] == ["a.py"]
        assert (directory / "b.py").read_text(encoding="utf-8") == GOOD
        assert (directory / "a.py").read_text(encoding="utf-8") == FIXED
        assert report["findings"] == {"a.py": [["CL102", 9, 4, CL102_FIXED]], "b.py": [list(f) for f in GOOD_FINDINGS]}
        assert sorted(os.listdir(directory)) == ["a.py", "b.py"]  # no temporary file left
    finally:
        import shutil

        shutil.rmtree(directory)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write any file: covered by the fork above")
def test_fix_leaves_a_read_only_file_as_its_user(tmp_path: Path, lint_tree) -> None:
    (tmp_path / "b.py").write_text(GOOD, encoding="utf-8")
    os.chmod(tmp_path / "b.py", 0o444)
    outcome = lint_tree("b.py", fix=True, unsafe_fixes=True)
    assert outcome.warnings == ["b.py: cannot write the fixed file: the file is read-only"]
    assert (tmp_path / "b.py").read_text(encoding="utf-8") == GOOD


# ---------------------------------------------------------------- symlinks out of the project (item 6)


def test_fix_does_not_write_through_a_symlink_out_of_the_project(tmp_path: Path, lint_tree) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(GOOD.replace("prompt}]", 'prompt + "TOP SECRET"}]'), encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "good.py").write_text(GOOD, encoding="utf-8")
    os.symlink(outside / "secret.py", project / "leak.py")
    (project / "inner").mkdir()
    (project / "inner" / "real.py").write_text(GOOD, encoding="utf-8")
    os.symlink(os.path.join("inner", "real.py"), project / "inside.py")
    os.chdir(project)
    outcome = lint_tree(".", fix=True, unsafe_fixes=True)
    assert outcome.warnings == [f"leak.py: a symlink to {outside / 'secret.py'}, outside the project; not checked"]
    assert (outside / "secret.py").read_text(encoding="utf-8") == GOOD.replace("prompt}]", 'prompt + "TOP SECRET"}]')
    assert "TOP SECRET" not in json.dumps(outcome.sources)
    assert sorted(outcome.checked) == ["good.py", "inner/real.py", "inside.py"]
    assert (project / "inner" / "real.py").read_text(encoding="utf-8") == FIXED  # a symlink inside: fixed


def test_a_symlink_named_on_the_command_line_is_fixed(tmp_path: Path, lint_tree) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "lib.py").write_text(GOOD, encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    os.symlink(outside / "lib.py", project / "lib.py")
    os.chdir(project)
    outcome = lint_tree("lib.py", fix=True, unsafe_fixes=True)  # asked for by name: the user means it
    assert outcome.warnings == []
    assert (outside / "lib.py").read_text(encoding="utf-8") == FIXED
