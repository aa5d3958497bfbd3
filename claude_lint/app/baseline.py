"""Baselines: accept today's findings so CI fails only on new ones.

A finding is keyed by its file (relative to the project root), its code and
a fingerprint of the source line it starts on (whitespace-normalised), never
its line number, so edits elsewhere in the file do not invalidate it. A count
covers identical lines: a baseline that accepted two `except:` lines with
CL101 in one file accepts two, and reports a third.

The same line fingerprints give SARIF's `partialFingerprints` and GitLab's
`fingerprint`, so code-scanning alerts survive edits above them too.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from claude_lint.core.diagnostics import Diagnostic
from claude_lint.core.lines import split_lines
from claude_lint.core.paths import resolve

FORMAT_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or is not a baseline (exit 2)."""


def project_root(cwd: Path | None = None) -> Path:
    """The git work tree's top directory containing `cwd`, else `cwd` itself."""
    cwd = (cwd or Path.cwd()).resolve()
    if shutil.which("git") is not None:
        try:
            done = subprocess.run(
                ["git", "-C", str(cwd), "rev-parse", "--show-toplevel"],
                capture_output=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return cwd
        top = done.stdout.decode("utf-8", "surrogateescape").strip()
        if done.returncode == 0 and top:
            return Path(top).resolve()
    return cwd


def relative_key(path: str, root: Path) -> str:
    """`path` relative to `root` with `/` separators; absolute when outside `root`."""
    if path == "-":
        return path
    base = resolve(root)
    # The path as named (a symlink keys as itself), then resolved (a root reached through a symlink).
    named = Path(os.path.abspath(path))
    for candidate in (named, resolve(path)):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return named.as_posix()


def source_line(text: str | None, line: int) -> str:
    """Line `line` (1-based) of `text`, split on Python's own line breaks only."""
    if not text:
        return ""
    lines = split_lines(text)
    return lines[line - 1] if 1 <= line <= len(lines) else ""


def normalized_line(text: str | None, line: int) -> str:
    """The source line with runs of whitespace collapsed: re-indenting keeps it."""
    return " ".join(source_line(text, line).split())


def line_fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class Site:
    """What identifies a finding across edits: file, code, and its line's text."""

    path: str  # relative to the project root
    code: str
    fingerprint: str  # of the normalised source line


def sites(diagnostics: Iterable[Diagnostic], sources: Mapping[str, str], root: Path) -> Iterator[tuple[Site, int]]:
    """Each diagnostic's site and its occurrence number (1, 2, ...) among identical sites.

    Occurrences count in the order given, which callers keep sorted by position.
    """
    seen: Counter[Site] = Counter()
    for d in diagnostics:
        site = Site(
            relative_key(d.path, root),
            d.code,
            line_fingerprint(normalized_line(sources.get(d.path), d.start.line)),
        )
        seen[site] += 1
        yield site, seen[site]


@dataclass
class Baseline:
    """Accepted findings: how many of each site."""

    counts: Counter[Site] = field(default_factory=Counter)

    @classmethod
    def from_diagnostics(cls, diagnostics: Iterable[Diagnostic], sources: Mapping[str, str], root: Path) -> Baseline:
        return cls(Counter(site for site, _ in sites(diagnostics, sources, root)))

    def to_json(self) -> str:
        files: dict[str, list[dict[str, object]]] = {}
        for site, count in sorted(self.counts.items(), key=lambda item: (item[0].path, item[0].code, item[0].fingerprint)):
            files.setdefault(site.path, []).append({"code": site.code, "fingerprint": site.fingerprint, "count": count})
        return json.dumps({"claude-lint-baseline": FORMAT_VERSION, "findings": files}, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, origin: str) -> Baseline:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise BaselineError(f"baseline {origin} is not valid JSON: {e}") from None
        except RecursionError:
            raise BaselineError(f"baseline {origin} is not a claude-lint baseline: nested too deeply") from None
        if not isinstance(data, dict) or data.get("claude-lint-baseline") != FORMAT_VERSION:
            raise BaselineError(
                f"baseline {origin} is not a claude-lint baseline (version {FORMAT_VERSION}); "
                "write one with --write-baseline"
            )
        files = data.get("findings")
        if not isinstance(files, dict):
            raise BaselineError(f"baseline {origin}: `findings` must be an object of path: [entries]")
        counts: Counter[Site] = Counter()
        for path, entries in files.items():
            if not isinstance(entries, list):
                raise BaselineError(f"baseline {origin}: the entries of `{path}` must be a list")
            for entry in entries:
                if not (
                    isinstance(entry, dict)
                    and isinstance(entry.get("code"), str)
                    and isinstance(entry.get("fingerprint"), str)
                    and isinstance(entry.get("count"), int)
                    and not isinstance(entry.get("count"), bool)
                    and entry["count"] > 0
                ):
                    raise BaselineError(
                        f"baseline {origin}: bad entry for `{path}`: {json.dumps(entry)} "
                        "(want code, fingerprint and a positive count)"
                    )
                counts[Site(path, entry["code"], entry["fingerprint"])] += entry["count"]
        return cls(counts)

    def split(
        self, diagnostics: Sequence[Diagnostic], sources: Mapping[str, str], root: Path
    ) -> tuple[list[Diagnostic], list[Diagnostic]]:
        """(new findings, findings the baseline accepts); the first `count` of a site are accepted."""
        budget = Counter(self.counts)
        new: list[Diagnostic] = []
        accepted: list[Diagnostic] = []
        for d, (site, _) in zip(diagnostics, sites(diagnostics, sources, root), strict=True):
            if budget[site] > 0:
                budget[site] -= 1
                accepted.append(d)
            else:
                new.append(d)
        return new, accepted

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def files(self) -> int:
        return len({site.path for site in self.counts})


def read_baseline(path: Path) -> Baseline:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"cannot read baseline {path}: No such file or directory") from None
    except IsADirectoryError:
        raise BaselineError(f"cannot read baseline {path}: Is a directory") from None
    except UnicodeDecodeError:
        raise BaselineError(f"baseline {path} is not UTF-8 text") from None
    except OSError as e:
        raise BaselineError(f"cannot read baseline {path}: {e.strerror or e}") from None
    return Baseline.from_json(text, str(path))
