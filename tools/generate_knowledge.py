"""Regenerate the SDK knowledge snapshots bundled in claude_lint/data/.

Each snapshot, `claude_lint/data/sdk-<version>.json`, is generated from an anthropic
SDK's source by `claude_lint.sdk.generate.generate_from_source` (read with `ast`, never
imported). Wheels are fetched with `pip download --no-deps`, so PyPI must be reachable.

Usage:
    python tools/generate_knowledge.py
        Regenerate every version in BUNDLED_VERSIONS.
    python tools/generate_knowledge.py --version 0.40.0 --version 2.14.0
        Regenerate (or add) only these versions.
    python tools/generate_knowledge.py --sdk-dir /path/to/site-packages/anthropic
        Generate from an unpacked package directory (the one holding __init__.py);
        the version comes from its _version.py. Repeatable.
    python tools/generate_knowledge.py --check
        Write nothing; exit 1 if any bundled snapshot differs from a fresh generation.
Options:
    --out-dir DIR     where snapshots go (default: claude_lint/data)
    --wheel-dir DIR   keep downloaded wheels here instead of a temporary directory
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claude_lint.sdk.generate import generate_from_source
from claude_lint.sdk.knowledge import Knowledge

# 0.40: no OverloadedError; 0.121: the release the rules cite (temperature, legacy
# completions, OverloadedError(APIStatusError)); 0.125: newest 0.x; 1.17: newest 1.x;
# 2.14: newest, pinned by the test extra.
BUNDLED_VERSIONS = ("0.40.0", "0.121.0", "0.125.0", "1.17.0", "2.14.0")
DEFAULT_OUT = ROOT / "claude_lint" / "data"


def download_sdk(version: str, wheel_dir: Path) -> Path:
    """Download and unpack the anthropic wheel for `version`; return its package dir."""
    target = wheel_dir / f"anthropic-{version}"
    package = target / "anthropic"
    if (package / "__init__.py").is_file():
        return package
    wheels = list(wheel_dir.glob(f"anthropic-{version}-*.whl"))
    if not wheels:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--quiet",
                f"anthropic=={version}",
                "-d",
                str(wheel_dir),
            ],
            check=True,
        )
        wheels = list(wheel_dir.glob(f"anthropic-{version}-*.whl"))
    with zipfile.ZipFile(wheels[0]) as wheel:
        members = [m for m in wheel.namelist() if m.startswith("anthropic/")]
        wheel.extractall(target, members)
    return package


def snapshot_text(known: Knowledge) -> str:
    data = replace(known, source="snapshot").to_json()
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="append", default=[], help="SDK version to bundle")
    parser.add_argument("--sdk-dir", action="append", type=Path, default=[], help="package dir")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--wheel-dir", type=Path)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)

    versions = args.version or ([] if args.sdk_dir else list(BUNDLED_VERSIONS))
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        wheel_dir = args.wheel_dir or Path(tmp)
        wheel_dir.mkdir(parents=True, exist_ok=True)
        dirs = list(args.sdk_dir) + [download_sdk(v, wheel_dir) for v in versions]
        for package_dir in dirs:
            known = generate_from_source(package_dir)
            path = args.out_dir / f"sdk-{known.sdk_version}.json"
            text = snapshot_text(known)
            current = path.read_text(encoding="utf-8") if path.is_file() else None
            if args.check:
                if current != text:
                    stale.append(path.name)
                continue
            args.out_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            state = "unchanged" if current == text else "written"
            print(
                f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {state} "
                f"({len(known.exceptions)} exceptions, {len(known.methods)} methods)"
            )
    if stale:
        print("stale snapshots: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
