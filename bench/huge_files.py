"""Write files of the shapes that stress the engine near the 10 MB size limit, and time check and fix on each.

    python bench/huge_files.py OUT_DIR [--bytes 1000000] [--shape NAME ...] [--time]

Shapes (each a valid Python file of about `--bytes` bytes with one fixable
Claude call in it, or many for the dense shapes):

- `names`: one line `x = [a, b, c, ...]` of names;
- `attributes`: one line of attribute accesses and subscripts (`a.b[i].c, ...`);
- `calls`: one line of calls `[f(a, k=b), g(c)(d), ...]`;
- `dense`: many lines of realistic call-site code (bench/generate_corpus.py's
  modules, one after another in one file: clients, calls, handlers, retries);
- `nested`: deeply nested but valid expressions, many lines of them
  (`((((a + b) * c) - d) ...)`, calls in calls, subscripts in subscripts), each
  under the nesting limit;
- `numbers`: the literal the last session stood in for (for comparison);
- `unparsable`: `calls` with a syntax error after the long line (a `)` missing
  in the fixable call), as the fuzz campaign's mutants: CL001, nothing to fix.

Shapes of call-site code that were slower per byte than `dense` (issue 17,
item 11: each took from 16 s to minutes at 520 KB before its mend), to be
run at or under the analysis budget (`--bytes 520000`):

- `wrappers`: a chain of wrappers, each calling the one before;
- `one_function`: one function of thousands of try/except call sites;
- `rebound`: a module-level model id rebound before each call;
- `local_rebound`: the same inside one function;
- `loop`: thousands of calls in one `while True` loop;
- `manual_retry`: a `for attempt in range(3)` retry loop per function;
- `decorators`: a tenacity `@retry` on every function;
- `responses`: one reply variable reassigned and read thousands of times in
  one function;
- `texts`: the same, with the reply's text kept in one name, parsed with
  `json.loads` and sent back in a `messages` list rebound before each call;
- `attributes_rebound`: one method setting `self.model` before each call that
  sends it, the reply kept in `self.reply` and its text read;
- `stand_ins`: one function of thousands of `if` branches, each a call whose
  handler returns `""` where the function returns the reply's text;
- `formatted`: one function rebinding `prompt` by `f"..." + prompt` and
  `prompt.strip().format(...)` before each call that sends it;
- `tool_loop`: one function of thousands of tool-use turns, each reading the
  reply's `tool_use` blocks in a comprehension and looping while
  `stop_reason == "tool_use"`;
- `elif_chain`: one function of hundreds of `elif` branches, each a try/except
  call (past about 490 `elif`s: CL001, the code too deep to analyse);
- `block_lists`: each turn's tool-use blocks appended to one list name
  (`calls = []`, then `calls.append(b)` in a loop over `r.content`) and read
  in a loop over it;
- `if_stop`: one function of thousands of reads of `r.content[0].text`, each
  after `if r is None or r.stop_reason == "max_tokens": r = <call>`, so every
  earlier reply may be the one a later read sees;
- `streams`: one function of thousands of `with client.messages.stream(...) as s:` blocks, each
  reading `s.text_stream` into one name and `s.get_final_message()`'s text;
- `handlers`: one `try` of thousands of `except` clauses, each of a type of the module's own;
- `unreachable`: one `try` of thousands of `except anthropic.RateLimitError` clauses after
  `except anthropic.APIError` (CL104, each with a fix moving it);
- `retry_handlers`: one `while attempts < 3` retry loop of thousands of try/except calls;
- `kwargs_rebound`: thousands of `create(messages=..., **kw)` calls, `kw = dict(kw, ...)` before each;
- `reach_chain`: a chain of thousands of methods, each calling the one before on `self`, a
  function of another module and a client of its own;
- `text_wrappers`: a chain of thousands of functions, each running the text the one before
  returns (CL405) and returning it stripped;
- `client_per_method`: a class of thousands of methods, each setting `self.client` to a new client
  and calling it;
- `client_param`: the same, each method setting `self.client = client`, a parameter of its own;
- `model_table`: a dict of thousands of model ids, one function per key sending `MODELS["k<i>"]`;
- `tools_shared`: a list of thousands of tools, sent as `tools=TOOLS` by thousands of functions;
- `config_fields`: a dataclass of thousands of fields, each the model id of its own call (`model=cfg.f<i>`);
- `call_chains`: one function of thousands of short lines `x = f(g(h(x)))`
  (little text per node: libcst's cost is per node, not per character);
- `deep_calls`: one function of lines of calls nested 100 deep (libcst's
  parse grows with the nesting of each node it builds);
- `params_shared`: a dict of thousands of keys the API does not take (`PARAMS`), splatted into
  each of thousands of calls (`**PARAMS`);
- `instances`: thousands of module-level instances of the module's own class, each calling its
  method (`bot<i> = Bot()`, then `bot<i>.ask(...)`).

`--time` runs `claude-lint check` and `check --fix` (on a copy) on each file
in this process's interpreter and prints CPU seconds and peak memory of each.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAD = "import anthropic\n\nclient = anthropic.Anthropic()\n"
# One fixable finding (CL105, `from e` added) far from the long line.
FIXABLE = """

def ask(prompt):
    try:
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": prompt}])
    except anthropic.APIError as e:
        raise RuntimeError("failed")
"""

SHAPES = ("names", "attributes", "calls", "dense", "nested", "numbers", "unparsable")
CALL_SITE_SHAPES = (
    "wrappers", "one_function", "rebound", "local_rebound", "loop", "manual_retry", "decorators", "responses", "texts",
    "attributes_rebound", "stand_ins", "formatted", "tool_loop", "elif_chain", "block_lists",
    "if_stop", "streams", "handlers", "unreachable", "retry_handlers", "kwargs_rebound",
    "reach_chain", "text_wrappers", "client_per_method", "client_param", "model_table", "call_chains",
    "deep_calls", "tools_shared", "config_fields", "params_shared", "instances",
)


def _one_line(items: list[str], size: int) -> str:
    """`x = [item, item, ...]` cycling through `items` until the line is `size` bytes."""
    out = ["x = ["]
    total = 5
    i = 0
    while total < size:
        piece = items[i % len(items)] + ", "
        out.append(piece)
        total += len(piece)
        i += 1
    out.append("]\n")
    return "".join(out)


def names(size: int) -> str:
    return HEAD + _one_line([f"name{i}" for i in range(50)], size) + FIXABLE


def attributes(size: int) -> str:
    items = [f"obj{i}.attr.value[{i}].item" for i in range(30)] + ["self.x.y", "cfg.messages[0].content"]
    return HEAD + _one_line(items, size) + FIXABLE


def calls(size: int) -> str:
    items = [f"f{i}(a, k=b)" for i in range(20)] + ["g(c)(d)", "h(*args, **kw)", "str(v).strip()"]
    return HEAD + _one_line(items, size) + FIXABLE


def dense(size: int, seed: int = 7) -> str:
    """bench/generate_corpus.py's modules, one after another, without their second and later headers' `from __future__`."""
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        import generate_corpus
    finally:
        sys.path.pop(0)
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        index = 0
        while total < size:
            path = Path(tmp) / f"m{index}.py"
            generate_corpus.write_module(path, rng, 600)
            text = path.read_text(encoding="utf-8")
            if index:
                text = text.replace("from __future__ import annotations\n", "")
            parts.append(text)
            total += len(text.encode("utf-8"))
            index += 1
    return "".join(parts) + FIXABLE


def nested(size: int, depth: int = 60) -> str:
    """Lines of deep but valid nesting: arithmetic, calls in calls, subscripts, each `depth` deep."""
    rng = random.Random(3)
    lines = [HEAD]
    total = len(HEAD)
    i = 0
    while total < size:
        kind = i % 3
        if kind == 0:
            expression = "a"
            for level in range(depth):
                expression = f"({expression} {rng.choice('+-*')} v{level})"
        elif kind == 1:
            expression = "x"
            for level in range(depth):
                expression = f"f{level % 7}({expression}, k={level})"
        else:
            expression = "d"
            for level in range(depth):
                expression = f"{expression}[{level}]" if level % 2 else f"{expression}.m{level}"
        line = f"r{i} = {expression}\n"
        lines.append(line)
        total += len(line)
        i += 1
    return "".join(lines) + FIXABLE


def numbers(size: int) -> str:
    return HEAD + "x = [" + ", ".join(["1"] * (size // 3)) + "]\n" + FIXABLE


def unparsable(size: int) -> str:
    return calls(size).replace('"failed")', '"failed"')


SITES_HEAD = (
    "import anthropic\nimport tenacity\nfrom tenacity import retry, stop_after_attempt\n\n"
    'client = anthropic.Anthropic()\nMODEL = "claude-sonnet-4-6"\n'
)
CALL = 'client.messages.create(model=MODEL, max_tokens=100, messages=[{"role": "user", "content": p}])'


def _repeated(head: str, piece, size: int) -> str:
    """`head`, then `piece(0)`, `piece(1)`, ... while the text stays within `size` characters."""
    out, total, i = [head], len(head), 0
    while total + len(text := piece(i)) <= size:
        out.append(text)
        total += len(text)
        i += 1
    return "".join(out)


CALL_SITE_GENERATORS = {
    "wrappers": lambda n: _repeated(
        SITES_HEAD + f"\n\ndef w0(p):\n    return {CALL}\n", lambda i: f"def w{i + 1}(p):\n    return w{i}(p)\n", n
    ),
    "one_function": lambda n: _repeated(
        SITES_HEAD + "\n\ndef big(p):\n",
        lambda i: f"    try:\n        r{i} = {CALL}\n    except anthropic.APIError as e:\n        raise RuntimeError('x{i}')\n",
        n,
    ),
    "rebound": lambda n: _repeated(
        SITES_HEAD, lambda i: f"MODEL = 'claude-sonnet-4-{i % 7}'\ndef ask{i}(p):\n    return {CALL}\n", n
    ),
    "local_rebound": lambda n: _repeated(
        SITES_HEAD + "\n\ndef big(p):\n    m = MODEL\n",
        lambda i: f"    m = 'claude-sonnet-4-{i % 7}'\n    r{i} = {CALL.replace('model=MODEL', 'model=m')}\n",
        n,
    ),
    "loop": lambda n: _repeated(
        SITES_HEAD + "\n\ndef big(p):\n    while True:\n",
        lambda i: f"        r{i} = {CALL}\n        if r{i}.stop_reason == 'end_turn':\n            break\n",
        n,
    ),
    "manual_retry": lambda n: _repeated(
        SITES_HEAD,
        lambda i: f"def a{i}(p):\n    for attempt in range(3):\n        try:\n            return {CALL}\n"
        "        except anthropic.APIError:\n            continue\n",
        n,
    ),
    "decorators": lambda n: _repeated(
        SITES_HEAD,
        lambda i: f"@retry(stop=stop_after_attempt({i % 9 + 1}), retry=tenacity.retry_if_exception_type(anthropic.APIError))\n"
        f"def ask{i}(p):\n    return {CALL}\n",
        n,
    ),
    "responses": lambda n: _repeated(
        SITES_HEAD + f"\n\ndef big(p):\n    r = {CALL}\n", lambda i: f"    t{i} = r.content[0].text\n    r = {CALL}\n", n
    ),
    "block_lists": lambda n: _repeated(
        SITES_HEAD + "\n\ndef big(p):\n",
        lambda i: f"    r = {CALL}\n    calls = []\n    for b in r.content:\n        if b.type == 'tool_use':\n"
        f"            calls.append(b)\n    for c in calls:\n        run{i}(c.name, c.input)\n",
        n,
    ),
    "texts": lambda n: _repeated(
        "import json\n" + SITES_HEAD + '\n\ndef big(p):\n    msgs = [{"role": "user", "content": p}]\n',
        lambda i: f"    r = {CALL.split('messages=')[0]}messages=msgs)\n    text = r.content[0].text\n"
        f'    out{i} = json.loads(text)\n    msgs = [{{"role": "user", "content": text}}]\n',
        n,
    ),
    "attributes_rebound": lambda n: _repeated(
        SITES_HEAD + "\n\nclass Bot:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n    def run(self, p):\n",
        lambda i: f"        self.model = 'claude-sonnet-4-{i % 7}'\n"
        f"        self.reply = {CALL.replace('client.', 'self.client.').replace('model=MODEL', 'model=self.model')}\n"
        f"        self.text{i} = self.reply.content[0].text\n",
        n,
    ),
    "stand_ins": lambda n: _repeated(
        SITES_HEAD + "\n\ndef big(kind, p):\n    r = None\n",
        lambda i: f"    if kind == {i}:\n        try:\n            r = {CALL}\n        except anthropic.APIError:\n            return ''\n",
        n - 30,
    ) + "    return r.content[0].text\n",
    "formatted": lambda n: _repeated(
        SITES_HEAD + "\n\ndef big(p, x):\n    prompt = ''\n",
        lambda i: f"    prompt = f'Step {i}: {{x}}' + prompt\n    prompt = prompt.strip().format(x=x)\n"
        f"    r{i} = {CALL[:-4]}prompt}}])\n",
        n,
    ),
    "tool_loop": lambda n: _repeated(
        SITES_HEAD + "\n\ndef big(p, tools, run):\n    messages = [{'role': 'user', 'content': p}]\n",
        lambda i: f"    r = {CALL[:CALL.index('messages=')]}messages=messages, tools=tools)\n"
        "    while r.stop_reason == 'tool_use':\n        messages.append({'role': 'assistant', 'content': r.content})\n"
        "        results = [{'type': 'tool_result', 'tool_use_id': b.id, 'content': run(b)} for b in r.content if b.type == 'tool_use']\n"
        f"        messages.append({{'role': 'user', 'content': results}})\n        r = {CALL[:CALL.index('messages=')]}messages=messages, tools=tools)\n",
        n,
    ),
    "if_stop": lambda n: _repeated(
        SITES_HEAD + "\n\ndef big(p):\n    r = None\n",
        lambda i: f"    if r is None or r.stop_reason == 'max_tokens':\n        r = {CALL}\n    t{i} = r.content[0].text\n",
        n,
    ),
    "streams": lambda n: _repeated(
        SITES_HEAD + "\n\ndef big(p):\n    text = ''\n",
        lambda i: f"    with {CALL.replace('.create(', '.stream(')} as s:\n        for chunk in s.text_stream:\n"
        f"            text += chunk\n        m = s.get_final_message()\n    t{i} = m.content[0].text\n",
        n,
    ),
    "handlers": lambda n: _repeated(
        SITES_HEAD + f"\n\ndef big(p):\n    try:\n        r = {CALL}\n",
        lambda i: f"    except E{i} as e:\n        log(e)\n        raise\n",
        n - 15,
    ) + "    return r\n",
    "unreachable": lambda n: _repeated(
        SITES_HEAD + f"\n\ndef big(p):\n    try:\n        r = {CALL}\n    except anthropic.APIError:\n        raise\n",
        lambda i: f"    except anthropic.RateLimitError:\n        log({i})\n        raise\n",
        n - 15,
    ) + "    return r\n",
    "retry_handlers": lambda n: _repeated(
        "import time\n" + SITES_HEAD + "\n\ndef big(p):\n    attempts = 0\n    while attempts < 3:\n",
        lambda i: f"        try:\n            r{i} = {CALL}\n            break\n        except anthropic.RateLimitError:\n"
        "            attempts += 1\n            time.sleep(2 ** attempts)\n",
        n,
    ),
    "kwargs_rebound": lambda n: _repeated(
        SITES_HEAD + "\n\ndef big(p):\n    kw = {'model': MODEL, 'max_tokens': 100}\n",
        lambda i: f"    kw = dict(kw, temperature={i % 10}/10)\n"
        f"    r{i} = client.messages.create(messages=[{{'role': 'user', 'content': p}}], **kw)\n",
        n,
    ),
    "reach_chain": lambda n: _repeated(
        "import helpers\n" + SITES_HEAD + f"\n\nclass Bot:\n    def m0(self, p):\n        return {CALL}\n",
        lambda i: f"\n    def m{i + 1}(self, p):\n        helpers.step{i}(p)\n"
        f"        c{i} = anthropic.Anthropic(max_retries={i})\n        c{i}.{CALL[len('client.'):]}\n"
        f"        return self.m{i}(p)\n",
        n,
    ),
    "text_wrappers": lambda n: _repeated(
        "import subprocess\n" + SITES_HEAD + f"\n\ndef f0(p):\n    return {CALL}.content[0].text\n",
        lambda i: f"def f{i + 1}(p):\n    t = f{i}(p)\n    subprocess.run(t, shell=True)\n    return t.strip()\n",
        n,
    ),
    "client_per_method": lambda n: _repeated(
        SITES_HEAD + "\n\nclass Bot:\n",
        lambda i: f"    def ask{i}(self, p):\n        self.client = anthropic.Anthropic(max_retries={i % 5})\n"
        f"        return self.{CALL}\n\n",
        n,
    ),
    "client_param": lambda n: _repeated(
        SITES_HEAD + "\n\nclass Bot:\n",
        lambda i: f"    def ask{i}(self, client, p):\n        self.client = client\n        return self.{CALL}\n\n",
        n,
    ),
    "model_table": lambda n: _repeated(
        _repeated(SITES_HEAD + "MODELS = {\n", lambda i: f"    'k{i}': 'claude-sonnet-4-{i % 7}',\n", n // 4) + "}\n",
        lambda i: f"def ask{i}(p):\n    return {CALL.replace('model=MODEL', f'model=MODELS[{chr(39)}k{i}{chr(39)}]')}\n",
        n,
    ),
    "tools_shared": lambda n: _repeated(
        _repeated(
            SITES_HEAD + "TOOLS = [\n",
            lambda i: f"    {{'name': 't{i}', 'description': 'Tool {i}', 'input_schema': {{'type': 'object'}}}},\n",
            n // 4,
        ) + "]\n",
        lambda i: f"def ask{i}(p):\n    return {CALL[:-1]}, tools=TOOLS)\n",
        n,
    ),
    "config_fields": lambda n: _repeated(
        _repeated(
            "from dataclasses import dataclass\n" + SITES_HEAD + "\n\n@dataclass\nclass Config:\n",
            lambda i: f"    f{i}: str = 'claude-sonnet-4-{i % 7}'\n",
            n // 4,
        ) + "\ncfg = Config()\n",
        lambda i: f"def ask{i}(p):\n    return {CALL.replace('model=MODEL', f'model=cfg.f{i}')}\n",
        n,
    ),
    "params_shared": lambda n: _repeated(
        _repeated(
            SITES_HEAD + "PARAMS = {'model': MODEL, 'max_tokens': 100,\n", lambda i: f"    'k{i}': {i},\n", n // 4
        ) + "}\n",
        lambda i: f"def ask{i}(p):\n    return client.messages.create(messages=p, **PARAMS)\n",
        n,
    ),
    "instances": lambda n: _repeated(
        SITES_HEAD + f"\n\nclass Bot:\n    def ask(self, p):\n        return {CALL}\n\n\n",
        lambda i: f"bot{i} = Bot()\nt{i} = bot{i}.ask('q{i}').content[0].text\n",
        n,
    ),
    "call_chains": lambda n: _repeated(
        "import anthropic\n\n\ndef big(f, g, h, x):\n", lambda i: "    x = f(g(h(x)))\n", n
    ),
    "deep_calls": lambda n: _repeated(
        "import anthropic\n\n\ndef big(f, x):\n", lambda i: "    x = " + "f(" * 100 + "x" + ")" * 100 + "\n", n
    ),
    "elif_chain": lambda n: _repeated(
        SITES_HEAD + "\n\ndef big(kind, p):\n    if kind == -1:\n        r = None\n",
        lambda i: f"    elif kind == {i}:\n        try:\n            r = {CALL}\n        except anthropic.APIError:\n            r = None\n",
        n - 15,
    ) + "    return r\n",
}


GENERATORS = {"names": names, "attributes": attributes, "calls": calls, "dense": dense, "nested": nested, "numbers": numbers,
              "unparsable": unparsable, **CALL_SITE_GENERATORS}


def _timed(arguments: list[str], cwd: Path) -> tuple[float, float, int]:
    """CPU seconds (user + system of the child), wall seconds, peak RSS in MB of one claude-lint run."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "claude_lint", *arguments], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--bytes", type=int, default=1_000_000)
    parser.add_argument("--shape", action="append", choices=SHAPES + CALL_SITE_SHAPES)
    parser.add_argument("--time", action="store_true", help="time check and fix on each file (CPU s, peak MB)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for shape in args.shape or SHAPES:
        text = GENERATORS[shape](args.bytes)
        path = args.out / f"{shape}.py"
        path.write_text(text, encoding="utf-8")
        line = f"{shape:<11} {len(text.encode('utf-8')):>10,} bytes {text.count(chr(10)):>8,} lines"
        if args.time:
            options = ["--no-cache", "-j", "1", "--select", "ALL", "--output-format", "concise"]
            # Each run alone in a directory: a check reads the modules of its project, and the
            # other shapes written to OUT_DIR would be timed with it (26 s instead of 3.7 s).
            with tempfile.TemporaryDirectory() as tmp:
                shutil.copy(path, Path(tmp) / path.name)
                check = _timed(["check", *options, path.name], Path(tmp))
                fix = _timed(["check", *options, "--fix", path.name], Path(tmp))
            line += f"  check {check[0]:6.2f} s CPU {check[2]:5d} MB   fix {fix[0]:6.2f} s CPU {fix[2]:5d} MB"
        print(line, flush=True)


if __name__ == "__main__":
    main()
