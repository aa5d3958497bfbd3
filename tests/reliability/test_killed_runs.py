"""A run killed from outside: its workers stop at once and write nothing more; SIGTERM ends a run as
Ctrl-C does. Real processes and real signals, sent to the main process only (as `kill PID` does)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import GOOD

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads worker pids from /proc")

ORIGINAL = GOOD * 120  # big enough that the workers are busy when the signal comes
FIXED = ORIGINAL.replace("    except:", "    except Exception:")
FILES = 24  # more than PARALLEL_MIN_FILES: the run uses workers


def _children(pid: int) -> set[int]:
    """The worker processes of a run (forked: they share its command line; `git ls-files` does not)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return {child for child in found if b"claude_lint" in _cmdline(child)}


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _running(pid: int) -> bool:
    """Alive and not a zombie (a dead worker waits for PID 1 to reap it in some containers)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status and "\nState:\tX" not in status


def _running_worker(pid: int) -> bool:
    """Still a running claude-lint process (not a child that has since become `git`)."""
    return _running(pid) and b"claude_lint" in _cmdline(pid)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["kill-9", "term", "int"])
def test_workers_stop_when_the_run_is_killed(tmp_path: Path, sig: signal.Signals) -> None:
    for i in range(FILES):
        (tmp_path / f"app{i:02}.py").write_text(ORIGINAL, encoding="utf-8")
    command = [sys.executable, "-m", "claude_lint", "check", "--fix", "--unsafe-fixes", "--no-cache", "-j", "2", "."]
    # The run's SIGINT as a terminal's foreground job has it: a suite started in the background
    # (`pytest &` in a script) ignores SIGINT, a child inherits an ignored signal (a handled one is
    # reset on exec), and Python leaves it ignored: the run finished, exit 1 with no "Aborted!".
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        main = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and main.poll() is None:
            workers |= _children(main.pid)
            time.sleep(0.02)
        # Two pool workers; a child forked to exec `git` can be caught before its exec too.
        assert len(workers) >= 2, "the run ended before its workers could be seen"
        # Signal once the run is under way (a file fixed) and before it can end: waiting a
        # fixed time instead let a fast run finish first now and then.
        while main.poll() is None and time.monotonic() < deadline and not any(
            p.read_text(encoding="utf-8") != ORIGINAL for p in tmp_path.glob("app*.py")
        ):
            time.sleep(0.01)
        assert main.poll() is None, "the run ended before the signal could be sent"
        os.kill(main.pid, sig)
        deadline = time.monotonic() + 10
        while any(_running_worker(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [w for w in workers if _running_worker(w)]
        assert left == [], f"workers {left} outlived the run killed with {sig.name}"
        _, err = main.communicate(timeout=30)
    finally:
        with_group = [main.pid, *workers]
        for pid in with_group:  # never leave a process behind, whatever failed above
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        main.wait(timeout=30)
    if sig == signal.SIGKILL:
        assert main.returncode == -signal.SIGKILL
    else:  # SIGTERM as SIGINT: click's "Aborted!", exit 1, no traceback
        assert (main.returncode, err.decode().strip().splitlines()[-1:]) == (1, ["Aborted!"]), err.decode()
        assert b"Traceback" not in err
    snapshot = {p.name: p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("app*.py"))}
    assert all(text in (ORIGINAL, FIXED) for text in snapshot.values())
    assert sorted(n for n in os.listdir(tmp_path) if n.endswith(".tmp")) == []  # no temporary file left
    time.sleep(1)  # nothing goes on writing after the run is over
    assert {p.name: p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("app*.py"))} == snapshot
    assert sum(text == FIXED for text in snapshot.values()) < FILES  # the run was stopped, not finished


def test_a_worker_whose_parent_is_gone_writes_nothing(tmp_path: Path) -> None:
    """The check before each write, alone: a worker told of a parent that is not its own stops
    before writing the fixed file (as after `kill -9` of the parent, without the signal)."""
    from claude_lint.app import workers
    from claude_lint.app.runner import LintTask, RunOptions, lint_files
    from claude_lint.config.settings import Settings

    (tmp_path / "app.py").write_text(GOOD, encoding="utf-8")
    pid = os.fork()
    if pid == 0:  # the child plays a worker whose parent has gone
        try:
            workers._parent = os.getppid() + 1_000_000  # not its parent: "re-parented"
            lint_files([LintTask(str(tmp_path / "app.py"), Settings(root=tmp_path), RunOptions(fix=True, unsafe_fixes=True))])
        finally:
            os._exit(0)  # reached only if the worker did not stop
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == GOOD
    assert sorted(os.listdir(tmp_path)) == ["app.py"]


def test_a_pool_stopped_by_an_earlier_invocation_does_not_end_a_later_one(tmp_path: Path) -> None:
    """The CLI ends with `os._exit` after it stopped workers on an interrupt (their threads may never
    be joined); a process that invokes it again (a test suite, a program embedding it) must not be
    ended by the earlier invocation's stop."""
    (tmp_path / "ok.py").write_text("X = 1\n", encoding="utf-8")
    script = (
        "import concurrent.futures, sys\n"
        "from claude_lint.app.workers import stop_workers\n"
        "from claude_lint.cli import main\n"
        "pool = concurrent.futures.ProcessPoolExecutor(max_workers=1)\n"
        "pool.submit(abs, -1).result()\n"
        "stop_workers(pool)\n"
        "try:\n"
        "    main(['check', '--no-cache', 'ok.py'])\n"
        "except SystemExit as e:\n"
        "    print('exit', e.code, flush=True)\n"
        "print('still here', flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-2:] == ["exit 0", "still here"], done.stdout + done.stderr
    assert done.returncode == 0
