"""Hypothesis strategies for realistic Claude call sites, built from the pieces real code is made of.

A program is a module with imports, a client, and one or two functions that
call Claude: the call itself in many shapes (methods, aliases, options, good
and bad arguments), wrapped in try/except with handlers that pass, log,
raise, sleep or retry, inside retry loops, tenacity/backoff decorators or
recursion, sync or async. Every program generated is valid Python (checked
by the tests). `with_comments`, `with_blank_lines` and `ruff_format` give
the same program formatted differently.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

KEY = "sk-ant-api03-Fz9Qw7Lm2Xc8Vb4Nn6Hh1Jj3Kk5Pp0Rr-T7u8V9w0X1y2Z3a4B5c6D7e8F9g0"

MODELS = (
    '"claude-sonnet-4-6"',
    '"claude-opus-4-1-20250805"',
    '"claude-3-5-sonnet-20240620"',  # retired
    '"claude-3-7-sonnet-20250219"',
    '"claude-sonnet-9"',  # unknown
    '"claude-2.1"',
    "MODEL",  # a module constant
    "model",  # a parameter
)
MAX_TOKENS = ("1024", "0", "64000", "n_tokens", "100_000")
MESSAGES = (
    '[{"role": "user", "content": prompt}]',
    "[]",
    '[{"role": "system", "content": "be brief"}, {"role": "user", "content": prompt}]',
    "history",
    '[{"role": "user", "content": prompt}, {"role": "assistant", "content": "ok"}]',
)
EXTRAS = (
    'system="You are terse."',
    'tools=[{"name": "lookup", "input_schema": {"type": "object"}}]',
    'thinking={"type": "enabled", "budget_tokens": 2048}',
    "temperature=0.2",
    "foo=1",
    "timeout=600",
    "metadata={'user_id': 'u1'}",
)
CLIENT_ARGS = ("", "max_retries=0", "max_retries=5", "max_retries=50", "timeout=30.0", f'api_key="{KEY}"')
CALLS = (
    "messages.create",
    "beta.messages.create",
    "with_options(max_retries=0).messages.create",
    "messages.with_raw_response.create",
    "messages.count_tokens",
    "messages.stream",
)


@dataclass(frozen=True)
class Handler:
    kind: str  # the caught type, "" for a bare except
    name: bool  # `as e`
    body: tuple[str, ...]


def _handler_types(alias: str) -> tuple[str, ...]:
    return (
        "",
        "Exception",
        "BaseException",
        f"{alias}.APIError",
        f"{alias}.RateLimitError",
        f"{alias}.APIStatusError",
        f"{alias}.APIConnectionError",
        f"{alias}.RateLimitException",
        f"{alias}.OverloadedError",
        "httpx.TimeoutException",
        "TimeoutError",
        f"({alias}.RateLimitError, {alias}.APITimeoutError)",
    )


_BODIES = (
    ("pass",),
    ("...",),
    ("return None",),
    ('return ""',),
    ('log.exception("claude call failed")',),
    ("raise",),
    ('raise RuntimeError("claude call failed")',),
    ("SLEEP",),
    ('log.warning("retrying")', "SLEEP"),
    ("LOOP_EXIT",),
    ('log.error("failed: %s", ERR)', "raise"),
    ("result = None",),
    ('return {"error": True}',),
)


@st.composite
def handlers(draw: st.DrawFn, alias: str, in_loop: bool, is_async: bool) -> Handler:
    kind = draw(st.sampled_from(_handler_types(alias)))
    name = draw(st.booleans())
    body = list(draw(st.sampled_from(_BODIES)))
    if draw(st.booleans()) and name:
        body = ['raise RuntimeError("claude call failed") from e']
    out = []
    for line in body:
        if line == "SLEEP":
            line = "await asyncio.sleep(1)" if is_async and draw(st.booleans()) else "time.sleep(1)"
        elif line == "LOOP_EXIT":
            line = draw(st.sampled_from(("continue", "break"))) if in_loop else "pass"
        line = line.replace("ERR", "e" if name else '"?"')
        out.append(line)
    return Handler(kind, name, tuple(out))


def _indent(lines: list[str], level: int = 1) -> list[str]:
    return [("    " * level + line) if line else "" for line in lines]


@st.composite
def call_sites(draw: st.DrawFn, alias: str, client: str, is_async: bool, client_async: bool) -> list[str]:
    """The statements that make one call and use its result."""
    method = draw(st.sampled_from(CALLS))
    via = draw(st.sampled_from(("direct", "messages-alias", "method-alias")))
    args = [
        f"model={draw(st.sampled_from(MODELS))}",
        f"max_tokens={draw(st.sampled_from(MAX_TOKENS))}",
        f"messages={draw(st.sampled_from(MESSAGES))}",
    ]
    if method == "messages.count_tokens":
        args = [a for a in args if not a.startswith("max_tokens")]
    args += draw(st.lists(st.sampled_from(EXTRAS), max_size=2, unique=True))
    if draw(st.booleans()):
        args = draw(st.permutations(args))
    lines: list[str] = []
    target = f"{client}.{method}"
    if via == "messages-alias" and method == "messages.create":
        lines.append(f"messages = {client}.messages")
        target = "messages.create"
    elif via == "method-alias" and method == "messages.create":
        lines.append(f"create = {client}.messages.create")
        target = "create"
    multiline = draw(st.booleans())
    call = f"{target}(\n" + "".join(f"    {a},\n" for a in args) + ")" if multiline else f"{target}({', '.join(args)})"
    call_lines = call.split("\n")
    awaited = is_async and (client_async or draw(st.booleans())) and draw(st.integers(0, 4)) > 0
    prefix = "await " if awaited else ""
    if method == "messages.stream":
        style = draw(st.sampled_from(("with", "bare")))
        if style == "with":
            head = "async with " if is_async and client_async else "with "
            opened = [head + call_lines[0], *call_lines[1:]]
            opened[-1] += " as stream:"
            lines.extend(opened)
            loop = "async for" if is_async and client_async else "for"
            lines += [f"    {loop} text in stream.text_stream:", "        print(text)"]
            lines.append("    reply = stream.get_final_message()" if not (is_async and client_async) else "    reply = await stream.get_final_message()")
        else:
            lines.append("stream = " + call_lines[0])
            lines.extend(call_lines[1:])
            lines += ["for event in stream:", "    print(event)", "reply = None"]
        lines.append("return reply")
        return lines
    lines.append("reply = " + prefix + call_lines[0])
    lines.extend(call_lines[1:])
    use = draw(st.sampled_from(("return", "text", "json", "stop", "none")))
    if use == "return":
        lines.append("return reply")
    elif use == "text":
        lines += ["text = reply.content[0].text", "return text"]
    elif use == "json":
        lines.append("return json.loads(reply.content[0].text)")
    elif use == "stop":
        lines += ['if reply.stop_reason == "max_tokens":', '    log.warning("truncated")', "return reply.content[0].text"]
    else:
        lines.append("print(reply)")
    return lines


@st.composite
def wrapped(
    draw: st.DrawFn, body: list[str], alias: str, is_async: bool, depth: int = 0, in_loop: bool = False
) -> list[str]:
    """`body` inside zero or more try/except and retry-loop layers."""
    shape = draw(st.sampled_from(("plain", "try", "for", "while", "counter") if depth < 2 else ("plain",)))
    if shape == "plain":
        return body
    if shape == "try":
        caught = draw(st.lists(handlers(alias, in_loop, is_async), min_size=1, max_size=3))
        # Only the last handler may be bare (CPython: "default 'except:' must be last").
        caught = [h for h in caught[:-1] if h.kind] + caught[-1:]
        lines = ["try:", *_indent(draw(wrapped(body, alias, is_async, depth + 1, in_loop)))]
        for h in caught:
            head = "except" + (f" {h.kind}" if h.kind else "")
            if h.name and h.kind:
                head += " as e"
            lines += [head + ":", *_indent(list(h.body))]
        if draw(st.booleans()):
            lines += ["finally:", '    log.debug("done")']
        return lines
    inner = draw(wrapped(body, alias, is_async, depth + 1, True))
    if shape == "for":
        lines = ["for attempt in range(3):", *_indent(inner)]
        if draw(st.booleans()):
            lines.append('raise RuntimeError("gave up after 3 attempts")')
        return lines
    if shape == "while":
        return ["while True:", *_indent(inner)]
    return ["attempt = 0", "while attempt < 5:", "    attempt += 1", *_indent(inner)]


@st.composite
def decorators(draw: st.DrawFn, alias: str) -> list[str]:
    return draw(
        st.sampled_from(
            (
                [],
                ["@tenacity.retry"],
                ["@tenacity.retry(stop=tenacity.stop_after_attempt(3), wait=tenacity.wait_random_exponential(max=20), reraise=True)"],
                ["@tenacity.retry(wait=tenacity.wait_fixed(2))"],
                [f"@tenacity.retry(retry=tenacity.retry_if_exception_type({alias}.RateLimitError), stop=tenacity.stop_after_delay(30))"],
                [f"@backoff.on_exception(backoff.expo, {alias}.RateLimitError, max_tries=5)"],
                ["@backoff.on_exception(backoff.constant, Exception)"],
                ["@functools.lru_cache(maxsize=None)"],
            )
        )
    )


@st.composite
def programs(draw: st.DrawFn) -> str:
    alias = draw(st.sampled_from(("anthropic", "ant")))
    lines = [
        '"""Generated module."""',
        "import asyncio",
        "import functools",
        "import json",
        "import logging",
        "import time",
        "",
        "import backoff",
        "import httpx",
        "import tenacity",
        "import anthropic" if alias == "anthropic" else "import anthropic as ant",
        "",
        "log = logging.getLogger(__name__)",
        'MODEL = "claude-haiku-4-5"',
    ]
    client_async = draw(st.booleans())
    cls = f"{alias}.{'AsyncAnthropic' if client_async else 'Anthropic'}"
    client_args = draw(st.sampled_from(CLIENT_ARGS))
    placement = draw(st.sampled_from(("global", "local", "self", "param")))
    if placement == "global":
        lines.append(f"client = {cls}({client_args})")
    lines.append("")
    functions: list[list[str]] = []
    count = draw(st.integers(1, 2))
    names = []
    for index in range(count):
        is_async = draw(st.booleans())
        name = f"ask_{index}"
        names.append((name, is_async))
        client = {"global": "client", "local": "client", "self": "self.client", "param": "client"}[placement]
        body = draw(call_sites(alias, client, is_async, client_async))
        body = draw(wrapped(body, alias, is_async))
        if placement == "local":
            body = [f"client = {cls}({client_args})", *body]
        if draw(st.integers(0, 5)) == 0:  # recursion on failure
            body = ["try:", *_indent(body), f"except {alias}.APIError:", f"    return {'await ' if is_async else ''}{name}(prompt, model, n_tokens, history)"]
        params = "self, prompt, model=MODEL, n_tokens=1024, history=()" if placement == "self" else "prompt, model=MODEL, n_tokens=1024, history=()"
        if placement == "param":
            params = f"client: {cls}, " + params
        func = [*draw(decorators(alias)), f"{'async ' if is_async else ''}def {name}({params}):", *_indent(body)]
        functions.append(func)
    if placement == "self":
        lines += ["class Service:", "    def __init__(self):", f"        self.client = {cls}({client_args})", ""]
        for func in functions:
            lines += [*_indent(func), ""]
    else:
        for func in functions:
            lines += [*func, "", ""]
    if placement != "self" and draw(st.booleans()):
        name, is_async = names[0]
        arg = "client, " if placement == "param" else ""
        call = f"{'await ' if is_async else ''}{name}({arg}prompt)"
        lines += [
            f"{'async ' if is_async else ''}def caller(prompt{', client' if placement == 'param' else ''}):",
            "    try:",
            f"        return {call}",
            "    except:",
            "        return None",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------- character-level mutations

_INSERTS = (
    "(", ")", "[", "]", ":", "\n", "    ", "\t", "'", '"', '"""', "\\", "#", "except:", "try:", " and ", ".",
    ",", "\r", "\x0c", "é", "\ufeff", "lambda:", "await ", "yield", "\\\n", "async ", "*", "**", "=", ":=",
    "if x:", "else:", "raise", "from e", "del ", "global x\n", "return", "\u2028", "\x1b[2J", "# noqa",
    "# claude-lint: ignore[CL1]", "f'{", "}",
)


@st.composite
def mutated_programs(draw: st.DrawFn) -> str:
    """A program with a few random edits: deletions, duplications, insertions of
    syntax-significant text, moved chunks. Mostly no longer valid Python."""
    text = draw(programs())
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(("delete", "duplicate", "insert", "move")))
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 40)))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "insert":
            text = text[:i] + draw(st.sampled_from(_INSERTS)) + text[i:]
        else:
            chunk, rest = text[i:j], text[:i] + text[j:]
            k = draw(st.integers(0, len(rest)))
            text = rest[:k] + chunk + rest[k:]
    return text


# ---------------------------------------------------------------- huge literals and very long lines

DIGIT_LIMIT = sys.get_int_max_str_digits() or 4300


def _digits(n: int) -> str:
    return "1" + "0" * (n - 1)


@st.composite
def huge_integers(draw: st.DrawFn) -> str:
    """An integer literal around the digits CPython converts (one more is a SyntaxError)."""
    n = draw(st.integers(DIGIT_LIMIT - 3, DIGIT_LIMIT + 3))
    form = draw(st.sampled_from(("plain", "negative", "underscores", "hex")))
    if form == "negative":
        return "-" + _digits(n)
    if form == "underscores":
        return "1_" + "000_" * (n // 3) + "0"
    if form == "hex":
        return "0x" + "f" * n  # no limit on hexadecimal: CPython takes it
    return _digits(n)


@st.composite
def programs_with_huge_integers(draw: st.DrawFn) -> str:
    """A program whose retry counts, token limits and loop bounds are replaced by huge literals."""
    text = draw(programs())
    huge = draw(huge_integers())
    targets = [m for m in re.finditer(r"(?<=max_retries=)\d+|(?<=max_tokens=)\d[\d_]*|(?<=range\()\d+|(?<=stop_after_attempt\()\d+|(?<=max_tries=)\d+", text)]
    if not targets:
        return text + f"LIMIT = {huge}\nfor _ in range({huge}):\n    pass\n"
    match = draw(st.sampled_from(targets))
    return text[: match.start()] + huge + text[match.end() :]


def _elements(kind: str, count: int) -> str:
    if kind == "numbers":
        return ", ".join(str(i % 97) for i in range(count))
    if kind == "floats":
        return ", ".join(f"{i * 0.37:.3f}e-3" for i in range(count))
    if kind == "strings":
        return ", ".join(f"'w{i}'" for i in range(count))
    if kind == "dict":
        return ", ".join(f'"k{i}": [{i}, {-i}, None]' for i in range(count))
    if kind == "rows":
        return ",\n    ".join(f"({i}, 'r{i}', {i}.5, True)" for i in range(count))
    if kind == "attributes":
        return ", ".join(f"obj{i % 7}.attr[{i % 13}].value" for i in range(count))
    if kind == "calls":
        return ", ".join(f"f{i % 5}(a, k=g(b))" for i in range(count))
    if kind == "client-names":  # reads the program's client: parsed node by node
        return ", ".join("client" if i % 100 == 0 else "x" for i in range(count))
    return ", ".join("x" for _ in range(count))  # names: code, not data; stood in for as a statement


LONG_KINDS = (
    "numbers", "floats", "strings", "dict", "rows", "string", "comment", "names", "attributes", "calls",
    "nested", "client-names",
)


def _nested_lines(size: int, depth: int) -> str:
    """Lines of expressions `depth` deep (arithmetic, calls in calls, subscripts), `size` bytes in all."""
    lines, total, i = [], 0, 0
    while total < size:
        expression = "a"
        for level in range(depth):
            expression = (f"({expression} + v{level})", f"f{level % 3}({expression}, k={level})", f"{expression}[{level}]")[i % 3]
        lines.append(f"NESTED_{i} = {expression}")
        total += len(lines[-1]) + 1
        i += 1
    return "\n".join(lines)


@st.composite
def programs_with_long_lines(draw: st.DrawFn, max_bytes: int, code_share: int = 1) -> str:
    """A program with a very long line: a data literal (up to `max_bytes`), a long string or comment,
    a list of names, attribute reads or calls (code: stood in for as a statement that cannot
    matter), lines of deep expressions, or a list of names that reads the client (an 8th of it:
    libcst parses each). `code_share`: the code kinds are that part of `max_bytes` (a long
    statement that does not compile alone is parsed whole: see the README's bound)."""
    text = draw(programs())
    kind = draw(st.sampled_from(LONG_KINDS))
    size = draw(st.integers(max_bytes // 8, max_bytes))
    if kind in ("names", "attributes", "calls", "nested", "client-names"):
        size //= code_share
    if kind == "string":
        line = "BANNER = '" + "=" * size + "'"
    elif kind == "comment":
        line = "# " + "-" * size
    elif kind == "nested":
        line = _nested_lines(size, draw(st.integers(10, 90)))
    else:
        per_element = {"numbers": 4, "floats": 11, "strings": 8, "dict": 20, "rows": 26, "names": 3, "attributes": 22,
                       "calls": 16, "client-names": 3}[kind]
        count = max(1, (size // 8 if kind == "client-names" else size) // per_element)
        opening, closing = ("{", "}") if kind == "dict" else ("[", "]")
        line = f"DATA = {opening}{_elements(kind, count)}{closing}"
    lines = text.split("\n")
    at = draw(st.sampled_from(_statement_starts(text, len(lines))))  # between top-level statements
    return "\n".join([*lines[:at], LONG_START, line, LONG_END, *lines[at:]])


def _statement_starts(text: str, line_count: int) -> list[int]:
    """Line indexes a block can go before and stay between top-level statements: the first line
    of each (its first decorator's, for a decorated one), and the end."""
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [line_count]
    starts = [min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))]) - 1 for node in body]
    return sorted({*starts, line_count})


@st.composite
def dense_programs(draw: st.DrawFn, max_bytes: int) -> str:
    """Many lines of realistic call sites: a few programs, repeated under new names until the file
    is between an 8th of `max_bytes` and `max_bytes` long."""
    size = draw(st.integers(max_bytes // 8, max_bytes))
    variants = [draw(programs()) for _ in range(draw(st.integers(1, 3)))]
    parts, total, copy = [], 0, 0
    while total < size:
        program = variants[copy % len(variants)]
        renamed = re.sub(r"\b(ask_\d|caller|Service)\b", rf"\g<1>_{copy}", program)
        parts.append(renamed)
        total += len(renamed)
        copy += 1
    return "\n\n".join(parts)


# Comment lines around the long one (which may span lines: rows), for tests that mutate the rest.
LONG_START = "# long line:"
LONG_END = "# end of the long line"


# ---------------------------------------------------------------- formatting-only changes

_OPENS_STRING = re.compile(r"(\"\"\"|''')")


def with_comments(text: str) -> str:
    """A comment at the end of every line and on its own line before each statement-starting line."""
    out = []
    for line in text.splitlines():
        if not line.strip() or _OPENS_STRING.search(line):
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        if not line.lstrip().startswith((")", "]", "}", "else", "except", "finally", "elif")):
            out.append(f"{indent}# a note about the next line")
        out.append(f"{line}  # trailing note")
    return "\n".join(out) + "\n"


def with_blank_lines(text: str) -> str:
    """A blank line after every line (blank lines are free anywhere outside strings)."""
    return "".join(line + "\n\n" for line in text.splitlines())


def ruff_format(text: str) -> str | None:
    """`ruff format` of the text, or None when ruff is not installed."""
    ruff = shutil.which("ruff")
    if ruff is None:
        return None
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "snippet.py"
        path.write_text(text, encoding="utf-8")
        subprocess.run(
            [ruff, "format", "--isolated", "--line-length", "60", "--quiet", str(path)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return path.read_text(encoding="utf-8")
