"""Worker processes that stop, without writing anything more, as soon as the run they work for is gone.

A worker is told its parent's pid when it starts. It stops when the parent
dies however it dies (`kill -9` included), by three means: on Linux the
kernel sends it SIGTERM when the parent exits (`prctl(PR_SET_PDEATHSIG)`); a
watcher thread notices a new parent (re-parented to PID 1 or a subreaper)
within `WATCH_SECONDS` on any system; and before writing a fixed file or a
cache entry it checks its parent once more. SIGTERM in a worker raises
`ParentGone` inside the task, so an atomic write under way removes its
temporary file, and the worker exits; outside a task it exits at once.
Without this, workers re-parented to PID 1 went on fixing files and then
hung forever on a pipe nobody read.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

WATCH_SECONDS = 0.2
PR_SET_PDEATHSIG = 1

_parent: int | None = None  # set in worker processes only
_in_task = False


class ParentGone(BaseException):
    """The run this worker works for has ended: stop, write nothing more."""


def init_worker(parent: int) -> None:
    """ProcessPoolExecutor's initializer: tie this worker's life to `parent`'s."""
    global _parent
    _parent = parent
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt stops
    _die_with_parent()
    if os.getppid() != parent:  # gone before the line above took effect
        os._exit(1)
    threading.Thread(target=_watch, name="claude-lint-parent-watch", daemon=True).start()


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _watch() -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if not parent_alive():
            os.kill(os.getpid(), signal.SIGTERM)
            return


def _on_sigterm(signum: int, frame: Any) -> None:
    if _in_task:
        raise ParentGone
    os._exit(1)


def parent_alive() -> bool:
    """False in a worker whose parent is gone; True everywhere else."""
    return _parent is None or os.getppid() == _parent


def check_parent() -> None:
    """Before a write: raise ParentGone if the run is over."""
    if not parent_alive():
        raise ParentGone


@contextlib.contextmanager
def task() -> Iterator[None]:
    """A unit of work in a worker: a stop inside it unwinds (cleaning up), then the worker exits."""
    global _in_task
    _in_task = True
    try:
        yield
    except ParentGone:
        os._exit(1)
    finally:
        _in_task = False


_stopped = 0  # pools stopped on an interrupt in this process


def pools_stopped() -> int:
    """How many pools this process stopped on an interrupt: after one, it should end with `os._exit`.

    The pool's manager thread may be blocked for good reading a result a stopped
    worker was half-way through sending (the parent holds the pipe's write end
    too, so no end of file comes), and the interpreter joins that thread at exit:
    the run hung after "Aborted!" now and then.
    """
    return _stopped


def stop_workers(pool: Any) -> None:
    """End a pool's workers now (the run was interrupted): SIGTERM, then SIGKILL after a grace time.

    `ProcessPoolExecutor.shutdown` would wait for every queued task, fixing files
    after the user asked the run to stop.
    """
    global _stopped
    _stopped += 1
    processes = list(getattr(pool, "_processes", {}).values())
    # The pool's task queue: its feeder thread may be writing a chunk of tasks into a pipe that
    # no stopped worker will read, and the exit would wait for it (the parent hung after
    # "Aborted!" now and then). Not joined at exit: the feeder is a daemon thread.
    queue = getattr(pool, "_call_queue", None)
    with contextlib.suppress(Exception):
        queue.cancel_join_thread()
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + 5
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1)
