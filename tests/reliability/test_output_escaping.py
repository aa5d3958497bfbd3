"""What reaches a terminal or a CI log: no API key in `--diff`, no raw control character in any format."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from claude_lint.cli import main

KEYS = [f"sk-ant-api03-{i}Qw3rTy8UiOp2AsDf6GhJk1LzXc9VbNm4-Ab5Cd7Ef9Gh1Ij3Kl5Mn7Op9Qr1St3Uv5Wx7Yz9AaBb-FfG{i}" for i in range(3)]
OTHER_KEY = "zk-live-77a1f0c9e2b84d55"

KEYED = f"""\
import anthropic

client = anthropic.Anthropic(api_key="{KEYS[1]}")
other = anthropic.Anthropic(api_key="{OTHER_KEY}")
try:
    client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system="{KEYS[2]}", messages=[{{"role": "user", "content": "hi"}}])
except anthropic.APIError as e:
    raise RuntimeError("{KEYS[0]}")
"""

# ESC (a colour and a screen clear), BEL, BS, DEL, C1 CSI, RIGHT-TO-LEFT OVERRIDE (a lone CR would end
# the line in source text: it is in the file name).
CONTROLS = "\x1b[31m\x1b[2J\x07\x08\x7f\x9b\u202e"
RAW = ["\x1b", "\x07", "\x08", "\x7f", "\x9b", "\u202e"]


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--no-cache", "-j", "1", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe-fixes"])
def test_diff_masks_api_keys_on_every_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unsafe: bool) -> None:
    (tmp_path / "app.py").write_text(KEYED, encoding="utf-8")
    code, out, err = _run(tmp_path, monkeypatch, "--diff", "--extend-select", "ALL", *(["--unsafe-fixes"] if unsafe else []), "app.py")
    assert code == 1
    for secret in [*KEYS, OTHER_KEY, KEYS[0][20:50]]:
        assert secret not in out and secret not in err
    key = {i: f"sk-ant-{'*' * (len(k) - 7)}" for i, k in enumerate(KEYS)}
    call = f'client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system="{key[2]}", messages=[{{"role": "user", "content": "hi"}}])'
    note = " for reading only (API keys masked); `--fix` applies the real change"
    tail = [f"     {call}", " except anthropic.APIError as e:", f'-    raise RuntimeError("{key[0]}")', f'+    raise RuntimeError("{key[0]}") from e']
    if not unsafe:  # a safe fix next to a key: the context line is masked too
        assert out.splitlines() == ["--- app.py", "+++ app.py", "@@ -5,4 +5,4 @@" + note, " try:", *tail]
        return
    assert out.splitlines() == [
        "--- app.py",
        "+++ app.py",
        "@@ -1,8 +1,9 @@" + note,
        " import anthropic",
        "+import os",
        " ",
        f'-client = anthropic.Anthropic(api_key="{key[1]}")',
        '-other = anthropic.Anthropic(api_key="zk-live*****************")',  # gone from the fixed file, masked all the same
        '+client = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])',
        '+other = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])',
        " try:",
        *tail,
    ]


def test_diff_applies_unchanged_when_nothing_is_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = KEYED.replace(KEYS[0], "failed").replace(KEYS[2], "s")
    source = source.replace(f'api_key="{KEYS[1]}"', "").replace(f'api_key="{OTHER_KEY}"', "")
    (tmp_path / "app.py").write_text(source, encoding="utf-8")
    code, out, _ = _run(tmp_path, monkeypatch, "--diff", "app.py")
    assert code == 1
    assert out.splitlines() == [
        "--- app.py",
        "+++ app.py",
        "@@ -5,4 +5,4 @@",
        " try:",
        '     client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system="s", messages=[{"role": "user", "content": "hi"}])',
        " except anthropic.APIError as e:",
        '-    raise RuntimeError("failed")',
        '+    raise RuntimeError("failed") from e',
    ]
    patched = subprocess.run(["patch", "-p0", "--dry-run"], input=out, text=True, cwd=tmp_path, capture_output=True, check=False)
    assert patched.returncode == 0 or shutil.which("patch") is None, patched.stdout


def test_diff_shows_control_characters_as_symbols(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = KEYED.replace(KEYS[0], f"a{CONTROLS}b").replace(KEYS[2], "s")
    source = source.replace(f'api_key="{KEYS[1]}"', "").replace(f'api_key="{OTHER_KEY}"', "")
    (tmp_path / "app.py").write_text(source, encoding="utf-8")
    code, out, _ = _run(tmp_path, monkeypatch, "--diff", "app.py")
    assert code == 1
    for raw in RAW:
        assert raw not in out, repr(raw)
    lines = out.splitlines()
    assert lines[2] == "@@ -5,4 +5,4 @@ for reading only (control characters shown as symbols); `--fix` applies the real change"
    assert lines[-1] == '+    raise RuntimeError("a\u241b[31m\u241b[2J\u2407\u2408\u2421\ufffd\ufffdb") from e'


def _hostile_tree(tmp_path: Path) -> str:
    """A file whose name and source carry control characters, each quoted in a finding's message."""
    name = "evil\x1b]0;pwned\x07\u202eyp\r.py" if sys.platform == "linux" else "evil.py"
    model = f"claude-x{CONTROLS}"
    (tmp_path / name).write_text(
        "import anthropic\n\nclient = anthropic.Anthropic()\n"
        f'client.messages.create(model="{model}", max_tokens=10, messages=[{{"role": "user", "content": "hi"}}])\n',
        encoding="utf-8",
        newline="",
    )
    return name


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit"])
def test_no_format_passes_control_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str) -> None:
    _hostile_tree(tmp_path)
    code, out, err = _run(tmp_path, monkeypatch, "--output-format", output_format, ".")
    assert code == 1
    assert "CL304" in out
    for raw in [*RAW, "\r"]:  # a CR in the name: ␍ in text, %0D (the runner's escape) in github
        assert raw not in out, (output_format, repr(raw))
        assert raw not in err, (output_format, repr(raw))


def test_github_annotation_shows_what_the_text_format_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = _hostile_tree(tmp_path)
    _, out, _ = _run(tmp_path, monkeypatch, "--output-format", "github", ".")
    shown_name = name.replace("\x1b", "\u241b").replace("\x07", "\u2407").replace("\u202e", "\ufffd").replace("\r", "%0D")
    model = "claude-x\u241b[31m\u241b[2J\u2407\u2408\u2421\ufffd\ufffd"
    assert out.splitlines()[0] == (
        f"::error file={shown_name},line=4,endLine=4,col=30,endColumn={30 + len(model) + 2},title=CL304"
        f"::`{model}` is not a Claude model id: the API answers 404 for it."
    )


def test_junit_keeps_no_raw_carriage_return(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _hostile_tree(tmp_path)
    _, out, _ = _run(tmp_path, monkeypatch, "--output-format", "junit", ".")
    import xml.etree.ElementTree as ET

    failure = ET.fromstring(out).find("testsuite/testcase/failure")
    assert failure is not None
    assert "\r" not in out
    assert failure.get("message") == "CL304 `claude-x\u241b[31m\u241b[2J\u2407\u2408\u2421\ufffd\ufffd` is not a Claude model id: the API answers 404 for it."
    assert "yp\u240d.py" in (failure.text or "")
