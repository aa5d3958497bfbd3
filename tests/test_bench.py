"""bench/run.py --quick: tiny corpora, one repetition, so the benchmark script does not rot."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "run.py"


def _bench_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_run", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_quick_benchmark_runs_and_reports_every_figure(tmp_path: Path) -> None:
    bench = _bench_module()
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--jobs", "2", "--out", str(out), "--real", str(BENCH.parent.parent / "tests" / "projects")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "CLAUDE_LINT_TODAY"},
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    has_ruff, has_fixit = bench.find_tool("ruff") is not None, bench.find_tool("fixit") is not None
    expected = {
        "sparse_claude_lint_cold",
        "sparse_claude_lint_warm",
        "dense_claude_lint_cold",
        "dense_claude_lint_warm",
        "dense_libcst_parse_only",
        "single_dense_1000_cold",
        "single_dense_1000_warm",
        "single_no_sdk",
        "real_claude_lint_warm",
    }
    if has_ruff:
        expected |= {"sparse_ruff", "dense_ruff"}
    if has_fixit:
        expected |= {"sparse_fixit", "dense_fixit"}
    assert set(results["figures"]) == expected | {"editor_relint"}
    assert all(figure["seconds"] > 0 for key, figure in results["figures"].items() if key != "editor_relint")
    relint = results["figures"]["editor_relint"]
    assert relint["median_ms"] > 0 and len(relint["all_ms"]) >= 3
    assert results["skipped"] == [*([] if has_ruff else ["ruff (not installed)"]), *([] if has_fixit else ["fixit (not installed)"])]
    assert set(results["targets"]) == set(bench.TARGETS)
    assert results["corpora"]["dense"]["lines"] >= 3000
    assert results["ratios"]["jobs"] == 2
    assert results["ratios"]["dense_lines_per_second"] == pytest.approx(
        results["corpora"]["dense"]["lines"] / results["figures"]["dense_claude_lint_cold"]["seconds"]
    )
    real = results["figures"]["real_claude_lint_warm"]
    assert results["ratios"]["warm_real_seconds_per_million_lines"] == pytest.approx(real["seconds"] / real["lines"] * 1e6)
    assert real["lines"] == results["corpora"]["real"]["lines"] > 0
    for line in ("sparse (standard library)", "dense (generated, every file calls Claude)", "targets (DESIGN.md)"):
        assert line in done.stdout
