"""Benchmark claude-lint against ruff, fixit and libcst itself, on a sparse and a dense corpus.

    python bench/run.py [--repeat 3] [--jobs N] [--dense-lines 300000] [--fixit-lines 50000]
                        [--out bench/results.json] [--quick]

Builds, in a temporary directory:

- the sparse corpus: a copy of the running Python's standard library
  (`sysconfig`'s stdlib directory, without site-packages), where nothing calls
  Claude; copied so that no enclosing .gitignore hides it from either tool;
- the dense corpus: `bench/generate_corpus.py` modules, every one calling Claude.

Then measures, in one run, each figure the median of `--repeat` runs of a
whole process (start-up included): claude-lint cold (`--no-cache`) and warm
(cache filled, nothing changed); `ruff check --no-cache --isolated --select
E722,BLE001,S110`; fixit with one built-in rule (`AvoidOrInExcept`) on at most
`--fixit-lines` lines of each tree (its lines/s extrapolated to the whole
tree, and said so); libcst parse-only throughput with as many processes as
claude-lint's workers; single-file latency; peak memory of the parent and of
each worker. Prints every figure and ratio and writes them, with the machine,
to `--out`.

ruff and fixit are found next to this Python or on PATH (`pip install -e
'.[bench]'`; fixit pins click<8.2, so use a separate venv); a missing one is
skipped and reported. Subprocesses run with bytecode caching on (this
workplace sets PYTHONDONTWRITEBYTECODE, which no user has): a warm-up run of
each command precedes the timed ones.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXIT_RULE = "fixit.rules:AvoidOrInExcept"
RUFF_SELECT = "E722,BLE001,S110"
QUICK_STDLIB = ("json", "email", "logging", "http", "textwrap.py", "argparse.py", "csv.py")

# DESIGN.md, "Performance".
TARGETS = {
    "sparse_ratio_vs_ruff": "cold claude-lint wall < ruff wall on the standard library (ratio < 1)",
    "dense_lines_per_second": ">= 20,000 lines/s cold on 2 cores",
    "dense_vs_fixit": ">= 10x fixit's lines/s (one rule)",
    "dense_vs_libcst_parse": ">= 0.5 of libcst's parse-only lines/s on the same cores (issue 7)",
    "warm_seconds_per_million_lines": "< 0.5 s per 1M lines, warm cache, no change",
    "warm_real_seconds_per_million_lines": "< 0.5 s per 1M lines, warm cache, no change (real projects, `--real`)",
    "single_file_no_sdk_ms": "< 150 ms, whole process, a file with no SDK use",
    "single_file_dense_ms": "< 400 ms, whole process, a 1,000-line file with calls",
    "editor_relint_ms": "< 50 ms, the language server re-linting a 1,000-line file after an edit",
    "peak_worker_mb": "< 150 MB per worker",
}

# What the language server does on each change: its `DocumentLinter` (which re-parses
# only the statements an edit touched) in a process that has linted the file once; each
# run types one more character into a line in the middle of the file.
EDITOR_RELINT = r"""
import json, statistics, sys, time
from claude_lint.config.settings import Settings
from claude_lint.engine.incremental import DocumentLinter

path, repeat = sys.argv[1], int(sys.argv[2])
with open(path, encoding="utf-8") as f:
    text = f.read()
settings = Settings()
linter = DocumentLinter(path)
linter.lint(text, settings)
middle = text.index("\n", len(text) // 2)
times = []
for i in range(repeat):
    text = text[:middle] + "#" + text[middle:]
    start = time.perf_counter()
    linter.lint(text, settings)
    times.append(time.perf_counter() - start)
print(json.dumps({"median_ms": statistics.median(times) * 1000, "all_ms": [round(t * 1000, 1) for t in times]}))
"""

PARSE_ONLY = r"""
import sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

def parse(paths):
    import libcst
    lines = 0
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        libcst.parse_module(text)
        lines += text.count("\n")
    return lines

if __name__ == "__main__":
    jobs = int(sys.argv[1])
    files = sorted(str(p) for p in Path(sys.argv[2]).rglob("*.py"))
    files.sort(key=lambda p: -Path(p).stat().st_size)
    chunks = [files[i:i + 8] for i in range(0, len(files), 8)]
    if jobs == 1:
        total = sum(parse(chunk) for chunk in chunks)
    else:
        import multiprocessing
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            total = sum(pool.map(parse, chunks))
    print(total)
"""


# -- measuring ------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        found: list[int] = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                found.extend(int(p) for p in f.read().split())
        return found
    except (OSError, ValueError):
        return []


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as f:
            return f.read().strip()
    except OSError:
        return ""


def _hwm_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


class TreeMemory(threading.Thread):
    """Samples the peak resident set (VmHWM) of a process and of each of its children."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.parent_kb = 0
        self.workers_kb: dict[int, int] = {}
        self._done = threading.Event()

    def run(self) -> None:
        name = ""
        while not self._done.is_set():
            own = _hwm_kb(self.pid)
            if own is not None:
                self.parent_kb = max(self.parent_kb, own)
                name = name or _comm(self.pid)
            for child in _children(self.pid):
                if _comm(child) != name:  # `git ls-files`, not a worker
                    continue
                hwm = _hwm_kb(child)
                if hwm is not None:
                    self.workers_kb[child] = max(self.workers_kb.get(child, 0), hwm)
            self._done.wait(0.01)

    def stop(self) -> None:
        self._done.set()
        self.join()


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system of the whole tree: what contention for the CPUs does not inflate
    returncode: int
    max_rss_kb: int  # the largest process of the tree (rusage)
    parent_kb: int = 0
    worker_kb: list[int] = field(default_factory=list)
    stdout: bytes = b""


def run_once(command: list[str], cwd: Path, env: dict[str, str], sample_memory: bool = False) -> Run:
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    sampler = TreeMemory(proc.pid) if sample_memory and sys.platform == "linux" else None
    if sampler is not None:
        sampler.start()
    assert proc.stdout is not None
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if sampler is not None:
        sampler.stop()
    rss = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024
    return Run(
        seconds,
        usage.ru_utime + usage.ru_stime,
        proc.returncode,
        rss,
        sampler.parent_kb if sampler else 0,
        sorted(sampler.workers_kb.values()) if sampler else [],
        stdout,
    )


def measure(
    name: str, command: list[str], cwd: Path, env: dict[str, str], repeat: int, ok: tuple[int, ...] = (0, 1),
    warmup: bool = True, sample_memory: bool = False,
) -> dict[str, Any]:
    if warmup:
        run_once(command, cwd, env)
    runs = [run_once(command, cwd, env, sample_memory) for _ in range(repeat)]
    bad = [r.returncode for r in runs if r.returncode not in ok]
    if bad:
        raise SystemExit(f"{name}: exit code {bad[0]} from {' '.join(command)}")
    result: dict[str, Any] = {
        "command": " ".join(command),
        "seconds": statistics.median(r.seconds for r in runs),
        "all_seconds": [round(r.seconds, 4) for r in runs],
        "cpu_seconds": statistics.median(r.cpu_seconds for r in runs),
        "max_rss_mb": max(r.max_rss_kb for r in runs) / 1024,
    }
    if sample_memory:
        result["parent_peak_mb"] = max(r.parent_kb for r in runs) / 1024
        workers = [kb for r in runs for kb in r.worker_kb]
        result["worker_peak_mb"] = max(workers) / 1024 if workers else None
        result["workers_seen"] = max(len(r.worker_kb) for r in runs)
    print(
        f"  {name:<44} {result['seconds']:8.3f} s  cpu {result['cpu_seconds']:8.3f} s"
        f"   (runs: {', '.join(f'{s:.3f}' for s in result['all_seconds'])})"
    )
    return result


# -- corpora --------------------------------------------------------------------------


def count_lines(tree: Path) -> tuple[int, int]:
    files = lines = 0
    for path in tree.rglob("*.py"):
        files += 1
        with path.open("rb") as f:
            lines += f.read().count(b"\n")
    return files, lines


def build_sparse(out: Path, quick: bool) -> Path:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    ignore = shutil.ignore_patterns("site-packages", "dist-packages", "__pycache__", "*.pyc")
    if quick:
        out.mkdir(parents=True)
        for name in QUICK_STDLIB:
            source = stdlib / name
            if source.is_dir():
                shutil.copytree(source, out / name, ignore=ignore, symlinks=True)
            elif source.exists():
                shutil.copy2(source, out / name)
    else:
        shutil.copytree(stdlib, out, ignore=ignore, symlinks=True)
    return out


def build_real(source: Path, out: Path) -> Path:
    """The Python files of a tree of real projects, each project still its own (an empty `.git` where
    the source has one; configuration files kept), as old as an unchanged checkout: a run's record
    is written only for files that did not change in the two seconds before it (app/run_record.py)."""
    for directory, subdirectories, files in os.walk(source):
        subdirectories[:] = sorted(d for d in subdirectories if d != ".git")
        relative = Path(directory).relative_to(source)
        target = out / relative
        if os.path.exists(os.path.join(directory, ".git")):
            (target / ".git").mkdir(parents=True, exist_ok=True)
        for name in files:
            if name.endswith(".py") or name in ("pyproject.toml", "claude-lint.toml"):
                target.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(os.path.join(directory, name), target / name)
    time.sleep(2.1)
    return out


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate_corpus", HERE / "generate_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def subset(tree: Path, out: Path, max_lines: int) -> tuple[Path, int]:
    """The first files of a tree (sorted) up to `max_lines`, copied; the tree itself if it is smaller."""
    files = sorted(tree.rglob("*.py"))
    total = 0
    chosen: list[tuple[Path, int]] = []
    for path in files:
        lines = path.read_bytes().count(b"\n")
        if total + lines > max_lines and chosen:
            break
        chosen.append((path, lines))
        total += lines
    if len(chosen) == len(files):
        return tree, total
    for path, _ in chosen:
        target = out / path.relative_to(tree)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return out, total


# -- tools ----------------------------------------------------------------------------


def find_tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    return shutil.which(name)


def version_of(command: list[str], env: dict[str, str]) -> str:
    try:
        done = subprocess.run([*command, "--version"], capture_output=True, text=True, env=env, timeout=60, check=False)
        return (done.stdout or done.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown"


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    from claude_lint.app.runner import default_jobs

    return {
        "cpu": cpu,
        "cpus_usable": default_jobs(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# -- the benchmark ----------------------------------------------------------------------


def benchmark(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    claude = [sys.executable, "-m", "claude_lint", "check", "--output-format", "concise", "--quiet"]
    ruff = find_tool("ruff")
    fixit = find_tool("fixit")
    results: dict[str, Any] = {
        "machine": machine(),
        "settings": {"repeat": args.repeat, "jobs": args.jobs, "quick": args.quick},
        "versions": {
            "claude-lint": version_of([sys.executable, "-m", "claude_lint"], env),
            "ruff": version_of([ruff], env) if ruff else None,
            "fixit": version_of([fixit], env) if fixit else None,
            "libcst": _libcst_version(),
        },
        "skipped": [],
    }
    print(f"machine: {json.dumps(results['machine'])}")
    print(f"versions: {json.dumps(results['versions'])}")
    print("(subprocesses run with bytecode caching on; one warm-up run before the timed ones)")

    sparse = build_sparse(work / "sparse", args.quick)
    dense = work / "dense"
    _generator().generate(dense, args.dense_lines, seed=7)
    sparse_files, sparse_lines = count_lines(sparse)
    dense_files, dense_lines = count_lines(dense)
    results["corpora"] = {
        "sparse": {"path": "copy of " + sysconfig.get_paths()["stdlib"], "files": sparse_files, "lines": sparse_lines},
        "dense": {"generator": "bench/generate_corpus.py --seed 7", "files": dense_files, "lines": dense_lines},
    }
    print(f"sparse corpus: {sparse_files} files, {sparse_lines:,} lines; dense corpus: {dense_files} files, {dense_lines:,} lines")
    jobs = ["-j", str(args.jobs)]
    figures: dict[str, Any] = {}

    print("\nsparse (standard library)")
    cache_dir = work / ".claude_lint_cache"
    figures["sparse_claude_lint_cold"] = measure(
        "claude-lint cold (--no-cache)", [*claude, *jobs, "--no-cache", str(sparse)], work, env, args.repeat,
        sample_memory=True,
    )
    shutil.rmtree(cache_dir, ignore_errors=True)
    figures["sparse_claude_lint_warm"] = measure(
        "claude-lint warm (cache, no change)", [*claude, *jobs, str(sparse)], work, env, args.repeat
    )
    if ruff:
        figures["sparse_ruff"] = measure(
            f"ruff --select {RUFF_SELECT}",
            [ruff, "check", "--no-cache", "--isolated", "--exit-zero", "--select", RUFF_SELECT, str(sparse)],
            work, env, args.repeat, ok=(0,),
        )
    else:
        results["skipped"].append("ruff (not installed)")

    print("\ndense (generated, every file calls Claude)")
    # No warm-up run for the long commands: the sparse runs compiled claude-lint's
    # bytecode already, and the warm figure's own warm-up fills the cache.
    figures["dense_claude_lint_cold"] = measure(
        f"claude-lint cold (--no-cache, -j {args.jobs})", [*claude, *jobs, "--no-cache", str(dense)], work, env,
        args.repeat, ok=(1,), warmup=args.quick, sample_memory=True,
    )
    shutil.rmtree(cache_dir, ignore_errors=True)
    figures["dense_claude_lint_warm"] = measure(
        "claude-lint warm (cache, no change)", [*claude, *jobs, str(dense)], work, env, args.repeat, ok=(1,)
    )
    figures["dense_libcst_parse_only"] = measure(
        f"libcst parse only ({args.jobs} processes)", [sys.executable, "-c", PARSE_ONLY, str(args.jobs), str(dense)],
        work, env, args.repeat, ok=(0,),
    )
    if ruff:
        figures["dense_ruff"] = measure(
            f"ruff --select {RUFF_SELECT}",
            [ruff, "check", "--no-cache", "--isolated", "--exit-zero", "--select", RUFF_SELECT, str(dense)],
            work, env, args.repeat, ok=(0,),
        )
    if fixit:
        print(f"\nfixit, one rule ({FIXIT_RULE}), on at most {args.fixit_lines:,} lines of each tree")
        for label, tree, total in (("sparse", sparse, sparse_lines), ("dense", dense, dense_lines)):
            part, lines = subset(tree, work / f"{label}-fixit", args.fixit_lines)
            name = f"{label}: {lines:,} lines"
            figure = measure(
                name, [fixit, "--rules", FIXIT_RULE, "lint", str(part)], work, env, args.repeat, ok=(0, 1), warmup=False
            )
            figure["lines"] = lines
            figure["lines_per_second"] = lines / figure["seconds"]
            figure["extrapolated_seconds_for_tree"] = total / figure["lines_per_second"]
            figure["extrapolated"] = lines < total
            if lines < total:
                print(f"    (a subset of {lines:,} of {total:,} lines; whole tree extrapolated: "
                      f"{figure['extrapolated_seconds_for_tree']:.1f} s)")
            figures[f"{label}_fixit"] = figure
    else:
        results["skipped"].append("fixit (not installed)")

    if args.real is not None:
        real = build_real(args.real, work / "real")
        real_files, real_lines = count_lines(real)
        results["corpora"]["real"] = {"path": str(args.real), "files": real_files, "lines": real_lines}
        print(f"\nreal projects ({args.real}: {real_files} files, {real_lines:,} lines), warm")
        figures["real_claude_lint_warm"] = measure(
            "claude-lint warm (cache, no change)", [*claude, *jobs, str(real)], real, env, args.repeat, ok=(0, 1)
        )
        figures["real_claude_lint_warm"]["lines"] = real_lines

    print("\nsingle file, whole process")
    single = work / "single"
    single.mkdir()
    generator = _generator()
    import random

    dense_file = single / "dense_1000.py"
    generator.write_module(dense_file, random.Random(11), 1000)
    plain_file = single / "no_sdk.py"
    shutil.copy2(Path(sysconfig.get_paths()["stdlib"]) / "argparse.py", plain_file)
    latency_repeat = max(args.repeat * 3, 1)
    dense_file_lines = dense_file.read_bytes().count(b"\n")
    plain_file_lines = plain_file.read_bytes().count(b"\n")
    figures["single_dense_1000_cold"] = measure(
        f"{dense_file_lines}-line file with calls (--no-cache)",
        [*claude, "--no-cache", str(dense_file)], single, env, latency_repeat, ok=(1,),
    )
    figures["single_dense_1000_warm"] = measure(
        "same file, warm cache", [*claude, str(dense_file)], single, env, latency_repeat, ok=(1,)
    )
    figures["single_no_sdk"] = measure(
        f"{plain_file_lines}-line file, no SDK use (argparse.py)",
        [*claude, "--no-cache", str(plain_file)], single, env, latency_repeat, ok=(0,),
    )
    done = subprocess.run(
        [sys.executable, "-c", EDITOR_RELINT, str(dense_file), str(max(latency_repeat, 5))],
        cwd=single, env=env, capture_output=True, text=True, check=True,
    )
    figures["editor_relint"] = json.loads(done.stdout)
    print(f"  {'editor re-lint of that file (in process)':<44} {figures['editor_relint']['median_ms']:8.1f} ms"
          f"   (runs: {', '.join(str(t) for t in figures['editor_relint']['all_ms'])})")
    results["figures"] = figures
    results["ratios"] = ratios(figures, sparse_lines, dense_lines, args.jobs)
    results["targets"] = verdicts(results["ratios"])
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def _libcst_version() -> str:
    try:
        from importlib.metadata import version

        return version("libcst")
    except Exception:  # noqa: BLE001 - only informative
        return "unknown"


def ratios(figures: dict[str, Any], sparse_lines: int, dense_lines: int, jobs: int) -> dict[str, Any]:
    def seconds(key: str) -> float | None:
        figure = figures.get(key)
        return figure["seconds"] if figure else None

    cold = seconds("dense_claude_lint_cold")
    parse = seconds("dense_libcst_parse_only")
    out: dict[str, Any] = {"jobs": jobs}
    if seconds("sparse_ruff"):
        out["sparse_ratio_vs_ruff"] = seconds("sparse_claude_lint_cold") / seconds("sparse_ruff")  # type: ignore[operator]
    out["sparse_lines_per_second"] = sparse_lines / seconds("sparse_claude_lint_cold")  # type: ignore[operator]
    out["dense_lines_per_second"] = dense_lines / cold  # type: ignore[operator]
    out["dense_libcst_parse_lines_per_second"] = dense_lines / parse  # type: ignore[operator]
    out["dense_vs_libcst_parse"] = out["dense_lines_per_second"] / out["dense_libcst_parse_lines_per_second"]
    out["dense_vs_libcst_parse_per_cpu_second"] = (
        figures["dense_libcst_parse_only"]["cpu_seconds"] / figures["dense_claude_lint_cold"]["cpu_seconds"]
    )
    # Per CPU-second: what the tools cost, whatever else the machine was running.
    out["dense_lines_per_cpu_second"] = dense_lines / figures["dense_claude_lint_cold"]["cpu_seconds"]
    out["dense_libcst_parse_lines_per_cpu_second"] = dense_lines / figures["dense_libcst_parse_only"]["cpu_seconds"]
    if "dense_fixit" in figures:
        out["dense_fixit_lines_per_second"] = figures["dense_fixit"]["lines_per_second"]
        out["dense_vs_fixit"] = out["dense_lines_per_second"] / out["dense_fixit_lines_per_second"]
        fixit_cpu = figures["dense_fixit"]["lines"] / figures["dense_fixit"]["cpu_seconds"]
        out["dense_fixit_lines_per_cpu_second"] = fixit_cpu
        out["dense_vs_fixit_per_cpu_second"] = out["dense_lines_per_cpu_second"] / fixit_cpu
    if "sparse_fixit" in figures:
        out["sparse_fixit_lines_per_second"] = figures["sparse_fixit"]["lines_per_second"]
    if seconds("dense_ruff"):
        out["dense_ratio_vs_ruff"] = cold / seconds("dense_ruff")  # type: ignore[operator]
    out["warm_seconds_per_million_lines"] = seconds("dense_claude_lint_warm") / dense_lines * 1e6  # type: ignore[operator]
    if "real_claude_lint_warm" in figures:
        real = figures["real_claude_lint_warm"]
        out["warm_real_seconds_per_million_lines"] = real["seconds"] / real["lines"] * 1e6
    out["warm_sparse_seconds_per_million_lines"] = seconds("sparse_claude_lint_warm") / sparse_lines * 1e6  # type: ignore[operator]
    out["single_file_no_sdk_ms"] = seconds("single_no_sdk") * 1000  # type: ignore[operator]
    out["single_file_dense_ms"] = seconds("single_dense_1000_cold") * 1000  # type: ignore[operator]
    out["single_file_dense_warm_ms"] = seconds("single_dense_1000_warm") * 1000  # type: ignore[operator]
    out["editor_relint_ms"] = figures["editor_relint"]["median_ms"]
    workers = [figures[k].get("worker_peak_mb") for k in ("dense_claude_lint_cold", "sparse_claude_lint_cold")]
    out["peak_worker_mb"] = max((w for w in workers if w is not None), default=None)
    out["peak_parent_mb"] = max(figures[k]["parent_peak_mb"] for k in ("dense_claude_lint_cold", "sparse_claude_lint_cold"))
    return out


def verdicts(r: dict[str, Any]) -> dict[str, Any]:
    checks = {
        "sparse_ratio_vs_ruff": (r.get("sparse_ratio_vs_ruff"), lambda v: v < 1),
        "dense_lines_per_second": (r["dense_lines_per_second"], lambda v: v >= 20_000),
        "dense_vs_fixit": (r.get("dense_vs_fixit"), lambda v: v >= 10),
        "dense_vs_libcst_parse": (r["dense_vs_libcst_parse"], lambda v: v >= 0.5),
        "warm_seconds_per_million_lines": (r["warm_seconds_per_million_lines"], lambda v: v < 0.5),
        "warm_real_seconds_per_million_lines": (r.get("warm_real_seconds_per_million_lines"), lambda v: v < 0.5),
        "single_file_no_sdk_ms": (r["single_file_no_sdk_ms"], lambda v: v < 150),
        "single_file_dense_ms": (r["single_file_dense_ms"], lambda v: v < 400),
        "editor_relint_ms": (r["editor_relint_ms"], lambda v: v < 50),
        "peak_worker_mb": (r.get("peak_worker_mb") or r["peak_parent_mb"], lambda v: v < 150),
    }
    out: dict[str, Any] = {}
    for key, (value, ok) in checks.items():
        out[key] = {"target": TARGETS[key], "value": value, "met": None if value is None else bool(ok(value))}
    return out


def print_summary(results: dict[str, Any]) -> None:
    r = results["ratios"]
    print("\nratios")
    for key, value in r.items():
        print(f"  {key:<42} {value:,.3f}" if isinstance(value, float) else f"  {key:<42} {value}")
    print("\ntargets (DESIGN.md)")
    for key, verdict in results["targets"].items():
        state = {True: "met", False: "NOT met", None: "not measured"}[verdict["met"]]
        value = verdict["value"]
        shown = f"{value:,.3f}" if isinstance(value, float) else str(value)
        print(f"  {state:<13} {key:<34} {shown:>12}   target: {verdict['target']}")
    if results["skipped"]:
        print(f"\nskipped: {', '.join(results['skipped'])}")


def main() -> None:
    from claude_lint.app.runner import default_jobs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure (the median is reported)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="claude-lint -j and parse-only processes")
    parser.add_argument("--dense-lines", type=int, default=300_000)
    parser.add_argument("--fixit-lines", type=int, default=50_000, help="run fixit on at most this many lines of each tree")
    parser.add_argument("--out", type=Path, default=None, help="results JSON (default: bench/results.json; none with --quick)")
    parser.add_argument("--quick", action="store_true", help="tiny corpora and one repetition: a smoke test")
    parser.add_argument("--keep", type=Path, default=None, help="build the corpora here and keep them")
    parser.add_argument("--real", type=Path, default=None, help="also time a warm rerun over the Python files of this tree of real projects")
    args = parser.parse_args()
    if args.quick:
        args.repeat = 1
        args.dense_lines = min(args.dense_lines, 3_000)
        args.fixit_lines = min(args.fixit_lines, 3_000)
    out = args.out if args.out is not None else (None if args.quick else HERE / "results.json")
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=False)
        results = benchmark(args, args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="claude-lint-bench-") as temp:
            results = benchmark(args, Path(temp).resolve())
    print_summary(results)
    if out is not None:
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
