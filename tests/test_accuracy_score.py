"""The accuracy harness's scorer (bench/accuracy/score.py) on a synthetic labelled tree."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("accuracy_score", ROOT / "bench" / "accuracy" / "score.py")
assert SPEC is not None and SPEC.loader is not None
score = importlib.util.module_from_spec(SPEC)
sys.modules["accuracy_score"] = score
SPEC.loader.exec_module(score)

COMMIT = "0" * 40

# Line 6: CL101 (bare except, a real defect). Line 14: CL102 on a handler the labels call fine.
APP = textwrap.dedent(
    """\
    import anthropic
    client = anthropic.Anthropic()
    def ask(prompt):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=prompt)
        except:
            raise
    def probe():
        try:
            client.messages.create(
                model="claude-sonnet-4-6", max_tokens=1,
                messages=[{"role": "user", "content": "ping"}],
            )
        except anthropic.APIError:
            pass
    """
)


def _tree(tmp_path: Path) -> tuple[Path, Path, Path]:
    checkouts = tmp_path / "checkouts"
    repo = checkouts / "someone+demo"
    repo.mkdir(parents=True)
    (repo / "app.py").write_text(APP, encoding="utf-8")
    (repo / "unreviewed.py").write_text(APP, encoding="utf-8")  # not in files_reviewed: not linted
    labels = tmp_path / "labels"
    labels.mkdir()
    data = {
        "repo": "someone/demo",
        "commit": COMMIT,
        "kind": "app",
        "files_reviewed": ["app.py"],
        "call_sites": [],
        "defects": [
            {"file": "app.py", "line": 6, "code": "CL101", "note": "bare except"},
            {"file": "app.py", "line": 5, "code": "CL401", "note": "a defect the linter misses"},
            {"file": "other.py", "line": 3, "code": "CL207", "cross_module": True, "note": "elsewhere"},
            {"file": "app.py", "line": 10, "code": "CL403", "doubtful": True, "note": "unsure"},
        ],
        "not_defects": [{"file": "app.py", "line": 14, "code": "CL102", "note": "a health probe: fine"}],
    }
    (labels / "someone+demo.json").write_text(json.dumps(data), encoding="utf-8")
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text(f"# repo\tcommit\tkind\nsomeone/demo\t{COMMIT}\tapp\n", encoding="utf-8")
    return checkouts, labels, manifest


def test_scoring_rules() -> None:
    labels = {
        "a/b": {
            "defects": [
                {"file": "x.py", "line": 1, "code": "CL101"},
                {"file": "x.py", "line": 2, "code": "CL101"},
                {"file": "x.py", "line": 3, "code": "CL202", "doubtful": True},
            ],
            "not_defects": [{"file": "x.py", "line": 4, "code": "CL101", "note": "fine here"}],
        }
    }
    findings = [
        score.Finding("a/b", "x.py", 1, "CL101", "m"),
        score.Finding("a/b", "x.py", 1, "CL101", "m"),  # a duplicate counts once
        score.Finding("a/b", "x.py", 3, "CL202", "m"),  # on a doubtful label: not scored
        score.Finding("a/b", "x.py", 4, "CL101", "m"),  # a known false positive
        score.Finding("a/b", "x.py", 2, "CL102", "m"),  # right line, wrong code
    ]
    result = score.score(labels, findings)
    assert result.per_rule() == {"CL101": (1, 1, 1), "CL102": (0, 1, 0)}
    assert [(f.line, note) for f, note in result.false_positives] == [(2, ""), (4, "fine here")]
    assert [(m.line, m.code) for m in result.misses] == [(2, "CL101")]
    assert [f.code for f in result.ignored] == ["CL202"]


def test_script_on_a_synthetic_checkout(tmp_path: Path) -> None:
    checkouts, labels, manifest = _tree(tmp_path)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "accuracy" / "score.py"), str(checkouts),
         "--labels", str(labels), "--manifest", str(manifest), "--with-sdk"],
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:5] == [
        "rule    default   TP   FP  miss  precision  recall",
        "CL101         Y    1    0     0       1.00    1.00",
        "CL102         Y    0    1     0       0.00       -",
        "CL207         Y    0    0     1          -    0.00",
        "CL401         Y    0    0     1          -    0.00",
    ]
    assert "default            1    1     2       0.50    0.33" in lines
    assert "recall without cross-module labels: 0.50 (1 cross-module misses)" in lines
    fp = lines.index("False positives:")
    assert lines[fp + 1].startswith("  CL102 someone/demo app.py:14 ")
    assert lines[fp + 1].endswith("[known: a health probe: fine]")
    assert "  CL401 someone/demo app.py:5 a defect the linter misses" in lines
    assert "  CL207 someone/demo other.py:3 elsewhere" in lines
    assert "unreviewed.py" not in done.stdout


def test_labels_pinned_to_another_commit_are_refused(tmp_path: Path) -> None:
    _, labels, manifest = _tree(tmp_path)
    manifest.write_text(f"someone/demo\t{'1' * 40}\tapp\n", encoding="utf-8")
    try:
        score.load_labels(labels, manifest)
    except SystemExit as e:
        assert str(e) == f"someone/demo: labels are for {COMMIT}, the manifest pins {'1' * 40}"
    else:
        raise AssertionError("a label file for another commit was accepted")


def test_the_repository_harness_is_consistent() -> None:
    """Every manifest row has labels at its commit; every label names a reviewed file."""
    here = ROOT / "bench" / "accuracy"
    labels = score.load_labels(here / "labels", here / "manifest.tsv")
    assert len(labels) >= 20
    for repo, data in labels.items():
        reviewed = set(data["files_reviewed"])
        for entry in [*data["defects"], *data.get("not_defects", [])]:
            assert entry["code"].startswith("CL") and entry["line"] >= 1, (repo, entry)
            assert entry["file"] in reviewed or entry.get("cross_module"), (repo, entry)
