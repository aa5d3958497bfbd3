"""Formats for CI systems: SARIF (code scanning), GitHub annotations, GitLab Code Quality, JUnit.

Each is a pure function of a `Report` and the rules' metadata. Paths are
relative to `report.base`, which the command line sets to where the
consumer resolves them (repository root, `$GITHUB_WORKSPACE`,
`$CI_PROJECT_DIR`).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

from claude_lint import __version__
from claude_lint.app.baseline import normalized_line, relative_key, sites
from claude_lint.core.diagnostics import Diagnostic
from claude_lint.core.paths import uri_bytes
from claude_lint.core.secrets import redact
from claude_lint.lint.rule import DOCS_URL, Rule
from claude_lint.output.escape import printable
from claude_lint.output.report import Report, relative_path

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/claude-lint/claude-lint"
FINGERPRINT_KEY = "claudeLint/v1"


def _rules() -> dict[str, type[Rule]]:
    from claude_lint.engine.registry import rules_by_code

    return rules_by_code()


def _doc_section(rule: type[Rule], heading: str) -> str:
    """One section of a rule's docstring as a single paragraph of plain text."""
    doc = inspect.cleandoc(rule.__doc__ or "")
    match = re.search(re.escape(heading) + r"\n(.*?)(?=\n## |\nUse instead:|\Z)", doc, re.DOTALL)
    return " ".join(match.group(1).split()) if match else ""


def _site_hash(path_key: str, code: str, line_text: str, occurrence: int) -> str:
    data = f"{path_key}\0{code}\0{line_text}\0{occurrence}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


# What json.dumps leaves raw with ensure_ascii=False and a terminal acts on: DEL, C1 controls and
# the bidirectional overrides. They can only stand inside JSON strings, where `\uXXXX` is the same text.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _json(data: object) -> str:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


# ---------------------------------------------------------------- SARIF 2.1.0


def _sarif_rule(code: str, rule: type[Rule] | None) -> dict[str, object]:
    from claude_lint.output.docs import rule_markdown

    if rule is None:  # a code without a rule class: still a valid descriptor
        return {"id": code, "shortDescription": {"text": code}, "helpUri": DOCS_URL.format(code=code)}
    page = rule_markdown(rule)
    what = _doc_section(rule, "## What it does") or rule.summary
    why = _doc_section(rule, "## Why is this bad?")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what},
        "help": {"text": "\n\n".join(part for part in (what, why, rule.url()) if part), "markdown": page},
        "helpUri": rule.url(),
        "defaultConfiguration": {"level": "error", "enabled": rule.default},
    }


def _sarif_uri(path: str, base: Path) -> dict[str, str]:
    relative = relative_key(path, base)
    if relative.startswith("/"):
        return {"uri": Path(relative).as_uri()}
    return {"uri": quote(uri_bytes(relative), safe="/"), "uriBaseId": "%SRCROOT%"}


def format_sarif(report: Report) -> str:
    """SARIF 2.1.0 for GitHub code scanning: suppressed findings included and marked."""
    rules = _rules()
    everything = report.everything()
    codes = sorted({d.code for d, _ in everything})
    index = {code: i for i, code in enumerate(codes)}
    base = report.base_dir
    results = []
    all_sites = sites((d for d, _ in everything), report.sources, base)
    for (d, suppression), (site, occurrence) in zip(everything, all_sites, strict=True):
        line_text = normalized_line(report.sources.get(d.path), d.start.line)
        result: dict[str, object] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": "error",
            "message": {"text": redact(d.message)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _sarif_uri(d.path, base),
                        "region": {
                            "startLine": d.start.line,
                            "startColumn": d.start.column + 1,
                            "endLine": d.end.line,
                            "endColumn": d.end.column + 1,
                        },
                    }
                }
            ],
            "partialFingerprints": {
                FINGERPRINT_KEY: f"{_site_hash(site.path, d.code, line_text, 0)[:32]}:{occurrence}"
            },
        }
        if suppression is not None:
            result["suppressions"] = [{"kind": suppression}]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "claude-lint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_sarif_rule(code, rules.get(code)) for code in codes],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": base.as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return _json(log)


# ---------------------------------------------------------------- GitHub workflow commands


def _escape_data(text: str) -> str:
    """A workflow command's value: `%`, CR and LF in the runner's own escapes (it reads them back),
    any other control character (ESC, BEL, U+202E...) made visible as in the text format."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report) -> str:
    """`::error` workflow commands: GitHub shows them as annotations on the changed lines."""
    lines = []
    for d in report.diagnostics:
        props = [
            f"file={_escape_property(relative_path(d.path, report.base_dir))}",
            f"line={d.start.line}",
            f"endLine={d.end.line}",
        ]
        if d.start.line == d.end.line:  # GitHub ignores columns on multi-line annotations
            props += [f"col={d.start.column + 1}", f"endColumn={d.end.column + 1}"]
        props.append(f"title={_escape_property(d.code)}")
        lines.append(f"::error {','.join(props)}::{_escape_data(redact(d.message))}\n")
    return "".join(lines)


# ---------------------------------------------------------------- GitLab Code Quality


def gitlab_severity(code: str, rule: type[Rule] | None) -> str:
    """CL0xx (the file could not be checked) critical; default rules major; opt-in rules minor."""
    if code.startswith("CL0"):
        return "critical"
    if rule is not None and not rule.default:
        return "minor"
    return "major"


def format_gitlab(report: Report) -> str:
    """A Code Quality report: a JSON array of issues with stable fingerprints."""
    rules = _rules()
    base = report.base_dir
    everything = report.everything()
    issues = []
    for (d, suppression), (site, occurrence) in zip(
        everything, sites((d for d, _ in everything), report.sources, base), strict=True
    ):
        if suppression is not None:
            continue
        line_text = normalized_line(report.sources.get(d.path), d.start.line)
        issues.append(
            {
                "description": redact(d.message),
                "check_name": d.code,
                "fingerprint": _site_hash(site.path, d.code, line_text, occurrence)[:32],
                "severity": gitlab_severity(d.code, rules.get(d.code)),
                "location": {
                    "path": relative_path(d.path, base),
                    "lines": {"begin": d.start.line, "end": d.end.line},
                },
            }
        )
    return _json(issues)


# ---------------------------------------------------------------- JUnit XML

# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """Visible characters only (a raw CR would be read back as a line break, ESC reach a terminal)."""
    return _NOT_XML.sub("\ufffd", printable(text))


def format_junit(report: Report) -> str:
    """One test suite: a failed test case per finding, a passed one per file checked without findings.

    So `failures` counts findings, as the `<failure>` elements do (ruff's JUnit also
    gives each finding its own test case).
    """
    base = report.base_dir
    by_file: dict[str, list[Diagnostic]] = {relative_path(p, base): [] for p in report.checked}
    for d in report.diagnostics:
        by_file.setdefault(relative_path(d.path, base), []).append(d)
    failed = sum(len(found) for found in by_file.values())
    tests = failed + sum(1 for found in by_file.values() if not found)
    counts = {"tests": str(tests), "failures": str(failed), "errors": "0"}
    suites = ET.Element("testsuites", {"name": "claude-lint", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "claude-lint", **counts, "skipped": "0"})
    for name in sorted(by_file):
        path = _xml_text(name)
        if not by_file[name]:
            ET.SubElement(suite, "testcase", {"name": path, "classname": path, "file": path})
        for d in by_file[name]:
            where = f"{path}:{d.start.line}:{d.start.column + 1}"
            case = ET.SubElement(
                suite, "testcase", {"name": f"{d.code} {where}", "classname": path, "file": path, "line": str(d.start.line)}
            )
            failure = ET.SubElement(case, "failure", {"type": d.code, "message": _xml_text(f"{d.code} {redact(d.message)}")})
            failure.text = _xml_text(f"{where}: {d.code} {redact(d.message)}")
    ET.indent(suites, "  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
