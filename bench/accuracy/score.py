"""Score claude-lint against hand labels of real repositories: per-rule precision and recall.

Usage: python bench/accuracy/score.py CHECKOUTS_DIR [--labels DIR] [--manifest FILE]
       [--with-sdk] [--json OUT]

CHECKOUTS_DIR holds one work tree per repository, named `<owner>+<name>`, at the
commit the manifest pins. The linter runs with every rule selected, from the
repository's root, over that repository's `files_reviewed` only. By default it
runs where `anthropic` is not importable (as under pre-commit), so the SDK
version comes from what the project declares; `--with-sdk` uses this interpreter
as it is. README.md beside this file defines the categories and the matching.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Label:
    repo: str
    file: str
    line: int
    code: str
    cross_module: bool
    note: str


@dataclass(frozen=True)
class Finding:
    repo: str
    file: str
    line: int
    code: str
    message: str


@dataclass
class Score:
    """Everything the report prints, computed by `score`."""

    true_positives: list[Finding] = field(default_factory=list)
    false_positives: list[tuple[Finding, str]] = field(default_factory=list)  # (finding, known-FP note or "")
    misses: list[Label] = field(default_factory=list)
    ignored: list[Finding] = field(default_factory=list)  # matched a doubtful label

    def per_rule(self) -> dict[str, tuple[int, int, int]]:
        """code -> (true positives, false positives, misses)."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for f in self.true_positives:
            counts[f.code][0] += 1
        for f, _ in self.false_positives:
            counts[f.code][1] += 1
        for label in self.misses:
            counts[label.code][2] += 1
        return {code: (c[0], c[1], c[2]) for code, c in sorted(counts.items())}


def read_manifest(path: Path) -> list[tuple[str, str, str]]:
    """(repo, commit, kind) rows of the tab-separated manifest (`#` lines are comments)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        repo, commit, kind = line.split("\t")[:3]
        rows.append((repo, commit, kind))
    return rows


def label_file(labels_dir: Path, repo: str) -> Path:
    return labels_dir / (repo.replace("/", "+") + ".json")


def score(labels: dict[str, dict], findings: list[Finding]) -> Score:
    """Match findings to labels by (repo, file, code, line)."""
    defects: dict[tuple[str, str, str, int], Label] = {}
    doubtful: set[tuple[str, str, str, int]] = set()
    known_fp: dict[tuple[str, str, str, int], str] = {}
    for repo, data in labels.items():
        for d in data["defects"]:
            key = (repo, d["file"], d["code"], int(d["line"]))
            if d.get("doubtful"):
                doubtful.add(key)
            else:
                defects[key] = Label(repo, d["file"], int(d["line"]), d["code"], bool(d.get("cross_module")), d.get("note", ""))
        for d in data.get("not_defects", ()):
            known_fp[(repo, d["file"], d["code"], int(d["line"]))] = d.get("note", "")
    result = Score()
    found: set[tuple[str, str, str, int]] = set()
    for f in sorted(set(findings), key=lambda f: (f.repo, f.file, f.line, f.code)):
        key = (f.repo, f.file, f.code, f.line)
        found.add(key)
        if key in defects:
            result.true_positives.append(f)
        elif key in doubtful:
            result.ignored.append(f)
        else:
            result.false_positives.append((f, known_fp.get(key, "")))
    result.misses = [label for key, label in sorted(defects.items()) if key not in found]
    return result


def _site_without_anthropic(tmp: Path) -> Path:
    """A site directory of links to this interpreter's packages, all but `anthropic`."""
    import site

    site_dir = tmp / "site"
    site_dir.mkdir()
    for base in site.getsitepackages():
        for entry in sorted(Path(base).iterdir()):
            if entry.name.lower().startswith("anthropic") or (site_dir / entry.name).exists():
                continue
            (site_dir / entry.name).symlink_to(entry)
    return site_dir


def run_linter(checkout: Path, files: list[str], site_dir: Path | None) -> list[dict]:
    """The linter's JSON findings for `files`, run from the checkout's root."""
    existing = [f for f in files if (checkout / f).is_file()]
    if not existing:
        return []
    args = ["check", "--select", "ALL", "--output-format", "json", "--no-cache", "--exit-zero", *existing]
    # -P: the checkout is the working directory, and its own modules (a `types.py`, say)
    # must not shadow the standard library's in the linter's process.
    if site_dir is None:
        command = [sys.executable, "-P", "-m", "claude_lint", *args]
    else:
        # -S: no site-packages, then only our links (and their .pth files, such as an editable install).
        boot = "import site, sys; site.addsitedir(sys.argv.pop(1)); from claude_lint.cli import main; main()"
        command = [sys.executable, "-S", "-P", "-c", boot, str(site_dir), *args]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(command, cwd=checkout, capture_output=True, text=True, env=env, check=False)
    try:
        findings = json.loads(done.stdout)
    except ValueError:
        findings = None
    if done.returncode not in (0, 1) or not isinstance(findings, list):
        raise SystemExit(f"claude-lint failed on {checkout} (exit {done.returncode}):\n{done.stderr}")
    return findings


def collect(checkouts: Path, labels: dict[str, dict], with_sdk: bool) -> list[Finding]:
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory() as tmp:
        site_dir = None if with_sdk else _site_without_anthropic(Path(tmp))
        for repo, data in labels.items():
            checkout = checkouts / repo.replace("/", "+")
            if not checkout.is_dir():
                print(f"warning: no checkout of {repo} under {checkouts}", file=sys.stderr)
                continue
            root = checkout.resolve()
            for item in run_linter(checkout, data["files_reviewed"], site_dir):
                rel = Path(item["filename"]).resolve().relative_to(root).as_posix()
                findings.append(Finding(repo, rel, item["location"]["row"], item["code"], item["message"]))
    return findings


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.2f}" if den else "-"


def report(result: Score, default_codes: set[str]) -> str:
    lines = ["rule    default   TP   FP  miss  precision  recall"]
    total = [0, 0, 0]
    default_total = [0, 0, 0]
    for code, (tp, fp, fn) in result.per_rule().items():
        is_default = code in default_codes
        lines.append(
            f"{code:7} {'Y' if is_default else 'N':>7} {tp:4} {fp:4} {fn:5}  {_ratio(tp, tp + fp):>9}  {_ratio(tp, tp + fn):>6}"
        )
        for i, n in enumerate((tp, fp, fn)):
            total[i] += n
            if is_default:
                default_total[i] += n
    for name, (tp, fp, fn) in (("all", total), ("default", default_total)):
        lines.append(f"{name:15} {tp:4} {fp:4} {fn:5}  {_ratio(tp, tp + fp):>9}  {_ratio(tp, tp + fn):>6}")
    in_module = [m for m in result.misses if not m.cross_module]
    cross = [m for m in result.misses if m.cross_module]
    tp = len(result.true_positives)
    lines.append(
        f"recall without cross-module labels: {_ratio(tp, tp + len(in_module))} "
        f"({len(cross)} cross-module misses)"
    )
    lines.append(f"findings on doubtful labels (not scored): {len(result.ignored)}")
    lines.append("")
    lines.append("False positives:")
    for f, note in result.false_positives:
        known = f"  [known: {note}]" if note else ""
        lines.append(f"  {f.code} {f.repo} {f.file}:{f.line} {f.message}{known}")
    for title, misses in (("Misses (in one module):", in_module), ("Misses (cross-module):", cross)):
        lines.append("")
        lines.append(title)
        for m in misses:
            lines.append(f"  {m.code} {m.repo} {m.file}:{m.line} {m.note}")
    return "\n".join(lines)


def load_labels(labels_dir: Path, manifest: Path) -> dict[str, dict]:
    labels = {}
    for repo, commit, _kind in read_manifest(manifest):
        data = json.loads(label_file(labels_dir, repo).read_text(encoding="utf-8"))
        if data["commit"] != commit:
            raise SystemExit(f"{repo}: labels are for {data['commit']}, the manifest pins {commit}")
        labels[repo] = data
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", type=Path)
    parser.add_argument("--labels", type=Path, default=HERE / "labels")
    parser.add_argument("--manifest", type=Path, default=HERE / "manifest.tsv")
    parser.add_argument("--with-sdk", action="store_true", help="run where this interpreter's anthropic is importable")
    parser.add_argument("--json", type=Path, help="also write the scored findings here")
    args = parser.parse_args(argv)
    from claude_lint.engine.registry import all_rules

    labels = load_labels(args.labels, args.manifest)
    result = score(labels, collect(args.checkouts, labels, args.with_sdk))
    print(report(result, {rule.code for rule in all_rules() if rule.default}))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "per_rule": result.per_rule(),
                    "false_positives": [[f.__dict__, note] for f, note in result.false_positives],
                    "misses": [m.__dict__ for m in result.misses],
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
