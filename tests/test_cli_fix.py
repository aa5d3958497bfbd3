"""`--fix`, `--unsafe-fixes`, `--diff`, `--fix-only`, `--show-fixes`, `--exit-non-zero-on-fix`, stdin, `helper --write`."""

from __future__ import annotations

import importlib.util
import os
import stat
import sys
import textwrap
import uuid
from pathlib import Path

CODE = textwrap.dedent(
    """\
    import anthropic

    client = anthropic.Anthropic()


    def ask(prompt):
        try:
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": prompt}])
        except anthropic.APIError as e:
            raise RuntimeError("failed")
        except:
            raise
    """
)
SAFE_FIXED = CODE.replace('raise RuntimeError("failed")', 'raise RuntimeError("failed") from e')
ALL_FIXED = SAFE_FIXED.replace("    except:\n", "    except Exception:\n")


def _write(tmp_path: Path, text: str = CODE) -> Path:
    path = tmp_path / "app.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_fix_applies_safe_fixes_and_reports_the_rest(run_cli, tmp_path: Path) -> None:
    path = _write(tmp_path)
    path.chmod(0o640)
    done = run_cli("check", "app.py", "--fix", "--select", "CL1", "--output-format", "concise")
    assert done.returncode == 1
    assert path.read_text(encoding="utf-8") == SAFE_FIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert done.stdout.decode().splitlines() == [
        "app.py:11:5: CL101 [-] Bare `except:` around a Claude call catches KeyboardInterrupt and SystemExit and hides which API error happened",
        "Found 2 errors (1 fixed, 1 remaining).",
        "[-] 1 fixable with the `--fix --unsafe-fixes` options.",
    ]


def test_unsafe_fixes_fix_everything_and_exit_0(run_cli, tmp_path: Path) -> None:
    path = _write(tmp_path)
    done = run_cli("check", "app.py", "--fix", "--unsafe-fixes", "--select", "CL1")
    assert (done.returncode, done.stdout.decode()) == (0, "Found 2 errors (2 fixed, 0 remaining).\n")
    assert path.read_text(encoding="utf-8") == ALL_FIXED
    again = run_cli("check", "app.py", "--fix", "--unsafe-fixes", "--select", "CL1")
    assert (again.returncode, again.stdout.decode()) == (0, "All checks passed!\n")
    assert path.read_text(encoding="utf-8") == ALL_FIXED


def test_exit_non_zero_on_fix(run_cli, tmp_path: Path) -> None:
    _write(tmp_path)
    done = run_cli("check", "app.py", "--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", "--select", "CL1")
    assert done.returncode == 1


def test_diff_writes_nothing_and_exits_1(run_cli, tmp_path: Path) -> None:
    path = _write(tmp_path)
    done = run_cli("check", "app.py", "--diff", "--select", "CL1")
    assert done.returncode == 1
    assert done.stdout.decode() == textwrap.dedent(
        """\
        --- app.py
        +++ app.py
        @@ -7,6 +7,6 @@
             try:
                 return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": prompt}])
             except anthropic.APIError as e:
        -        raise RuntimeError("failed")
        +        raise RuntimeError("failed") from e
             except:
                 raise
        """
    )
    assert done.stderr.decode() == "Would fix 1 error.\n"
    assert path.read_text(encoding="utf-8") == CODE
    _write(tmp_path, SAFE_FIXED)
    clean = run_cli("check", "app.py", "--diff", "--select", "CL1")
    assert (clean.returncode, clean.stdout) == (0, b"")


def test_fix_only_and_show_fixes(run_cli, tmp_path: Path) -> None:
    path = _write(tmp_path)
    done = run_cli("check", "app.py", "--fix-only", "--show-fixes", "--select", "CL1")
    assert done.returncode == 0
    assert done.stdout.decode() == "Fixed 1 error:\n- app.py:\n    1 x CL105\n"
    assert path.read_text(encoding="utf-8") == SAFE_FIXED


def test_stdin_fix_writes_fixed_code_to_stdout(run_cli) -> None:
    done = run_cli("check", "-", "--fix", "--stdin-filename", "app.py", "--select", "CL1", stdin=CODE.encode())
    assert done.returncode == 1
    assert done.stdout.decode() == SAFE_FIXED
    assert "CL101" in done.stderr.decode()


def test_crlf_and_bom_survive_a_fix(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_bytes(b"\xef\xbb\xbf" + CODE.replace("\n", "\r\n").encode())
    run_cli("check", "app.py", "--fix", "--unsafe-fixes", "--select", "CL1")
    assert path.read_bytes() == b"\xef\xbb\xbf" + ALL_FIXED.replace("\n", "\r\n").encode()


def test_helper_write_vendors_a_standalone_copy(run_cli, tmp_path: Path) -> None:
    done = run_cli("helper", "--write", "vendored_helper.py")
    assert done.returncode == 0
    path = tmp_path / "vendored_helper.py"
    assert done.stdout.decode() == (
        "Wrote the reference helper to vendored_helper.py.\n"
        "Not recorded as `helper-module`: there is no claude-lint.toml or pyproject.toml above it. Set "
        "`helper-module` in [tool.claude-lint] to its import name (or rerun with --module NAME); until then "
        "helper fixes are shown, not applied.\n"
    )
    name = f"vendored_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        assert callable(module.create_message) and callable(module.validate_request)
    finally:
        sys.modules.pop(name, None)
    again = run_cli("helper", "--write", "vendored_helper.py")
    assert again.returncode == 2
    assert again.stderr.decode() == "claude-lint: error: vendored_helper.py already exists; pass --force to overwrite it\n"
    assert run_cli("helper", "--write", "vendored_helper.py", "--force").returncode == 0
    assert os.path.getsize(path) > 1000
