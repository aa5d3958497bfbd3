"""Worker processes: the same output as one process, in check and fix mode."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claude_lint.app import runner
from claude_lint.app.runner import RunOptions, run
from claude_lint.config.settings import ConfigResolver

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 30 dense modules from the benchmark generator (every file calls Claude)."""
    out = tmp_path_factory.mktemp("corpus") / "tree"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate_corpus.py"), str(out), "--lines", "3000", "--lines-per-file", "100"],
        check=True,
        capture_output=True,
    )
    # A file without SDK use and an unreadable one keep the parent's share in the mix.
    (out / "plain.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    (out / "broken.py").write_bytes(b"import anthropic\nx = '\xff'\n")
    return out


class PoolSpy:
    """Wraps ProcessPoolExecutor to record that (and how) a pool was started."""

    def __init__(self) -> None:
        self.started: list[int] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import concurrent.futures

        real = concurrent.futures.ProcessPoolExecutor
        spy = self

        class Recording(real):  # type: ignore[misc, valid-type]
            def __init__(self, max_workers: int, **kwargs: object) -> None:
                spy.started.append(max_workers)
                super().__init__(max_workers, **kwargs)

        monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Recording)


def as_json(outcome: runner.Outcome) -> list[tuple[object, ...]]:
    return [
        (d.path, d.code, d.message, d.start, d.end, d.fix, d.noqa_line, d.suppressed)
        for d in [*outcome.diagnostics, *outcome.suppressed]
    ]


def test_corpus_is_big_enough_to_go_parallel(corpus: Path) -> None:
    files = sorted(corpus.rglob("*.py"))
    assert 28 <= len(files) <= 40
    assert sum(b"anthropic" in f.read_bytes() for f in files) > runner.PARALLEL_MIN_FILES


def test_parallel_and_serial_runs_give_the_same_outcome(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = PoolSpy()
    spy.install(monkeypatch)
    serial = run([str(corpus)], ConfigResolver(), RunOptions(jobs=1))
    assert spy.started == []
    parallel = run([str(corpus)], ConfigResolver(), RunOptions(jobs=2))
    assert spy.started == [2]
    assert as_json(parallel) == as_json(serial)
    assert parallel.checked == serial.checked
    assert parallel.sources == serial.sources
    assert parallel.errors == serial.errors == []
    assert len(serial.diagnostics) > 100
    assert any(d.code == "CL002" and d.path.endswith("broken.py") for d in serial.diagnostics)


def test_few_files_stay_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = PoolSpy()
    spy.install(monkeypatch)
    for n in range(runner.PARALLEL_MIN_FILES):
        (tmp_path / f"m{n}.py").write_text("import anthropic\ntry:\n    pass\nexcept:\n    pass\n", encoding="utf-8")
    outcome = run([str(tmp_path)], ConfigResolver(), RunOptions(jobs=4))
    assert spy.started == []
    assert outcome.files_checked == runner.PARALLEL_MIN_FILES


def test_cli_json_is_identical_with_one_and_two_jobs(corpus: Path, run_cli, tmp_path: Path) -> None:
    one = run_cli("check", "--no-cache", "-j", "1", "--output-format", "json", str(corpus))
    two = run_cli("check", "--no-cache", "-j", "2", "--output-format", "json", str(corpus))
    assert one.returncode == two.returncode == 1
    assert one.stderr == two.stderr == b""
    assert two.stdout == one.stdout
    assert len(json.loads(one.stdout)) > 100


def test_fix_in_workers_writes_the_same_files_as_fix_in_one_process(corpus: Path, run_cli, tmp_path: Path) -> None:
    serial_tree, parallel_tree = tmp_path / "serial", tmp_path / "parallel"
    shutil.copytree(corpus, serial_tree)
    shutil.copytree(corpus, parallel_tree)
    one = run_cli("check", "--no-cache", "--fix", "-j", "1", "--output-format", "concise", "serial")
    two = run_cli("check", "--no-cache", "--fix", "-j", "2", "--output-format", "concise", "parallel")
    assert one.returncode == two.returncode == 1
    assert two.stdout.replace(b"parallel/", b"serial/") == one.stdout
    assert b"fixed" in one.stdout
    changed = 0
    for original in sorted(corpus.rglob("*.py")):
        relative = original.relative_to(corpus)
        fixed = (serial_tree / relative).read_bytes()
        assert (parallel_tree / relative).read_bytes() == fixed, relative
        changed += fixed != original.read_bytes()
    assert changed >= 5  # the check exercises real fixes (10 files with this seed today)


@pytest.mark.skipif(sys.platform != "linux", reason="workers inherit the patch through fork")
def test_a_worker_that_dies_leaves_its_files_to_the_parent(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    serial = run([str(corpus)], ConfigResolver(), RunOptions(jobs=1))
    parent = os.getpid()
    real = runner.lint_file

    def dies_in_a_worker(task: runner.LintTask) -> runner.FileOutcome:
        if os.getpid() != parent:
            os._exit(3)
        return real(task)

    monkeypatch.setattr(runner, "lint_file", dies_in_a_worker)
    outcome = run([str(corpus)], ConfigResolver(), RunOptions(jobs=2))
    assert as_json(outcome) == as_json(serial)
    assert outcome.checked == serial.checked
    assert len(outcome.warnings) == 1
    assert outcome.warnings[0].startswith("a worker process stopped unexpectedly; linting the ")


def test_no_process_pool_on_this_system_means_one_process(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    serial = run([str(corpus)], ConfigResolver(), RunOptions(jobs=1))

    def unavailable(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")  # sem_open missing, as in some sandboxes

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", unavailable)
    outcome = run([str(corpus)], ConfigResolver(), RunOptions(jobs=2))
    assert as_json(outcome) == as_json(serial)
    assert outcome.warnings == []
