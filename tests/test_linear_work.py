"""Work that grew with the square of a file's functions now grows with the file: asserted by
counting the work done, not by timing it (issue 17 item 11: 10 MB of dense call-site code)."""

from __future__ import annotations

import libcst as cst

from claude_lint.analysis import retries
from claude_lint.analysis.model import build_model
from claude_lint.analysis.summary import _DEF, _lines
from claude_lint.sdk.load import load_knowledge


class _CountingText(str):
    """A text that adds up how many characters `count` was asked to scan."""

    scanned = 0

    def count(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        low = 0 if start is None else start
        high = len(self) if end is None else end
        _CountingText.scanned += max(0, high - low)
        return str.count(self, sub, low, high)


def _calls(monkeypatch, owner: object, name: str) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    """Each call of `owner.name` from now on (its positional arguments), still made."""
    calls: list[tuple[object, ...]] = []
    original = getattr(owner, name)

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls


def test_def_lines_are_counted_in_one_pass_over_the_text() -> None:
    """The line of each of 2,000 defs: the text is scanned once, not once per def (it was
    0 to each def's offset, a quadratic scan of 1 MB files)."""
    text = "".join(f"def f{i}():\n    return {i}\n\n" for i in range(2000))
    counting = _CountingText(text)
    _CountingText.scanned = 0
    lines = _lines(counting, _DEF, [f"f{i}" for i in range(2000)])
    assert lines == [1 + 3 * i for i in range(2000)]
    assert _CountingText.scanned <= len(text)


def test_nested_functions_are_indexed_once_per_module(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each function's nested functions (a retry decorator's wrapper) come from one index of the
    module's functions, built once, not from a pass over every function for each function."""
    source = "import anthropic\n\n" + "".join(
        f"def retry{i}(limit):\n    def wrap(fn):\n        def inner(*a):\n            return fn(*a)\n"
        f"        return inner\n    return wrap\n\n" for i in range(300)
    )
    model = build_model(cst.parse_module(source), load_knowledge(None), ())
    built: list[int] = []
    original = retries._nested_functions

    def counting(m):  # type: ignore[no-untyped-def]
        built.append(len(m.functions))
        return original(m)

    monkeypatch.setattr(retries, "_nested_functions", counting)
    outer = [f for f in model.functions if f.name.startswith("retry")]
    assert len(outer) == 300
    for function in outer:
        retries.retry_template(model, function)
    assert built == [900]
    index = original(model)
    assert [f.name for f in index[id(outer[7].scope)]] == ["retry7", "wrap", "inner"]


def test_each_model_id_is_judged_once_however_many_call_sites_send_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 call sites send a module constant rebound to two ids: CL302, CL303 and CL304 each ask
    about every id at every site, and each (id, SDK knowledge, day) is judged once."""
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text
    from claude_lint.sdk import models

    source = 'import anthropic\n\nclient = anthropic.Anthropic()\nMODEL = "claude-sonnet-4-6"\nMODEL = "claude-2.1"\n' + "".join(
        f"\n\ndef ask{i}(q):\n    return client.messages.create(model=MODEL, max_tokens=8, "
        'messages=[{"role": "user", "content": q or "?"}])\n'
        for i in range(300)
    )
    judged: list[str] = []
    real = models._model_status

    def counting(model, knowledge, on):  # type: ignore[no-untyped-def]
        judged.append(model)
        return real(model, knowledge, on)

    monkeypatch.setattr(models, "_model_status", counting)
    models._STATUSES.clear()
    result = lint_text("many.py", source, Settings(select=("CL302",)))
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL302", 5)]
    assert sorted(judged) == ["claude-2.1", "claude-sonnet-4-6"]


def _chain(count: int) -> str:
    """`w0` calls Claude; `w1` calls `w0`, ... `w{count}` calls `w{count - 1}`, each also opening a file."""
    return (
        "import anthropic\n\nclient = anthropic.Anthropic(max_retries=2)\n\n\ndef w0(p):\n"
        "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=[])\n"
        + "".join(f"\n\ndef w{i + 1}(p):\n    open(p)\n    return w{i}(p)\n" for i in range(count))
    )


def test_library_roots_of_a_chain_of_wrappers_reads_each_call_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 wrappers each calling the one before: what each function's calls reach (CL106, the
    summary) is worked out once per function of the call graph, not walked again for each."""
    from claude_lint.analysis.model import ModuleModel

    model = build_model(cst.parse_module(_chain(300)), load_knowledge(None), ())
    read: list[int] = []
    original = ModuleModel._call_root

    def counting(self, record):  # type: ignore[no-untyped-def]
        read.append(id(record))
        return original(self, record)

    monkeypatch.setattr(ModuleModel, "_call_root", counting)
    reached = {f.name: sorted(model.library_roots(f.calls)) for f in reversed(model.functions)}
    assert reached == {f"w{i}": ["anthropic", "io"] if i else ["anthropic"] for i in range(301)}
    in_functions = sum(len(f.calls) for f in model.functions)
    assert len(read) == len(set(read)) == in_functions == 601


def test_the_summary_walks_a_chain_of_wrappers_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each function's summary holds the clients and references of every function it reaches: read
    from the components of the call graph, one pass (it was a walk of the chain below each of
    300 wrappers); a walk in a cycle keeps the order a depth-first walk meets the clients in."""
    from claude_lint.analysis import summary
    from claude_lint.core import graph

    asked: list[int] = []
    original = graph.components

    def counting(nodes, successors):  # type: ignore[no-untyped-def]
        def counted(node):  # type: ignore[no-untyped-def]
            asked.append(id(node))
            return successors(node)

        return original(nodes, counted)

    monkeypatch.setattr(summary, "components", counting)
    text = _chain(300)
    model = build_model(cst.parse_module(text), load_knowledge(None), ())
    functions = summary.summarize(model, text)["functions"]
    assert functions["w300"]["clients"] == [{"cls": "Anthropic", "async": False, "retries": 2, "line": 0}]
    assert functions["w300"]["roots"] == ["anthropic", "io"]
    assert len(asked) == len(set(asked)) == 301
    # A cycle: `a` meets `b`'s client before `c`'s (the last callee first), `c` meets its own first.
    text = (
        "import anthropic\n\nca = anthropic.Anthropic(max_retries=1)\ncb = anthropic.Anthropic(max_retries=3)\n\n\n"
        "def a(p):\n    c(p)\n    return b(p)\n\n\ndef b(p):\n    a(p)\n"
        "    return cb.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=[])\n\n\n"
        "def c(p):\n    b(p)\n    return ca.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=[])\n"
    )
    model = build_model(cst.parse_module(text), load_knowledge(None), ())
    functions = summary.summarize(model, text)["functions"]
    assert [[c["retries"] for c in functions[name]["clients"]] for name in "abc"] == [[3, 1], [3, 1], [1, 3]]


def test_unchecked_prompt_inputs_read_each_parameter_once_per_function(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One function of 300 calls sending its parameter: CL301 finds the first check of the
    parameter once, not each use of it again for each call."""
    from claude_lint.analysis import responses
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(p):\n" + "".join(
        f"    r{i} = client.messages.create(model='claude-sonnet-4-6', max_tokens=8, "
        "messages=[{'role': 'user', 'content': p}])\n"
        for i in range(300)
    ) + "    if not p:\n        return None\n"
    judged = _calls(monkeypatch, responses, "_is_load")
    result = lint_text("one.py", source, Settings(select=("CL301",)))
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL301", 7 + i) for i in range(300)]
    assert len(judged) <= 2 * 301


def test_a_loop_of_many_calls_is_read_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A `while` loop of 300 calls (and 300 handlers): whether it advances the request or retries
    it is read from one walk of its body, not a walk for each call and each handler."""
    from claude_lint.analysis import model as model_module
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(p):\n    while True:\n" + "".join(
        f"        try:\n            r{i} = client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p)\n"
        "        except anthropic.APIError:\n            pass\n"
        for i in range(300)
    ) + "        p = p + [r0]\n"
    walked: list[int] = []
    original = model_module.walk

    def counting(node, visitor):  # type: ignore[no-untyped-def]
        if isinstance(node, cst.IndentedBlock) and len(node.body) == 301:  # the loop's body
            walked.append(id(node))
        return original(node, visitor)

    monkeypatch.setattr(model_module, "walk", counting)
    result = lint_text("loop.py", source, Settings(select=("CL102",)))
    # Each iteration sends the history the last reply went into: a chat loop, so `pass` swallows the error.
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL102", 10 + 4 * i) for i in range(300)]
    assert len(walked) == 2  # its changes and calls, the names it reads input into


def test_helper_fixes_of_many_decorated_functions_look_up_their_sites(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 functions each retried by a decorator: the helper fix of each finds its function's calls
    and its callers' handlers through an index of the module's call sites, not a scan of all."""
    from claude_lint.analysis.records import CallSite
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = "import anthropic\nfrom tenacity import retry, stop_after_attempt\n\nclient = anthropic.Anthropic()\n" + "".join(
        f"\n\n@retry(stop=stop_after_attempt(3))\ndef ask{i}(p):\n    return client.messages.create("
        "model='claude-sonnet-4-6', max_tokens=8, messages=[{'role': 'user', 'content': p}])\n"
        for i in range(300)
    )
    read = [0]
    frame = CallSite.frame

    def counting(site):  # type: ignore[no-untyped-def]
        read[0] += 1
        return frame.fget(site)

    monkeypatch.setattr(CallSite, "frame", property(counting))
    result = lint_text("decorated.py", source, Settings(select=("ALL",)))
    codes = sorted({d.code for d in result.diagnostics})
    assert codes == ["CL202", "CL204", "CL207", "CL208", "CL301"]
    assert len(result.diagnostics) == 5 * 300
    assert read[0] <= 30 * 300  # 725,700 when each fix scanned every site


def test_helper_fixes_of_many_retry_loops_find_callers_by_an_index(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 functions each retrying in a loop: the fix of each asks who calls it (does a caller
    check for None?) of the module's call graph, built once, not resolving every call again."""
    from claude_lint.analysis.resolution import Resolver
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = "import anthropic\n\nclient = anthropic.Anthropic()\n" + "".join(
        f"\n\ndef ask{i}(p):\n    for attempt in range(3):\n        try:\n            return client.messages.create("
        "model='claude-sonnet-4-6', max_tokens=8, messages=[{'role': 'user', 'content': p}])\n"
        "        except anthropic.APIError:\n            continue\n"
        for i in range(300)
    )
    resolved = [0]
    function_for = Resolver.function_for

    def counting(self, func, scope):  # type: ignore[no-untyped-def]
        resolved[0] += 1
        return function_for(self, func, scope)

    monkeypatch.setattr(Resolver, "function_for", counting)
    result = lint_text("loops.py", source, Settings(select=("ALL",)))
    assert sorted({d.code for d in result.diagnostics}) == ["CL202", "CL204", "CL210", "CL301"]
    assert len(result.diagnostics) == 4 * 300
    assert resolved[0] <= 20 * 300  # 364,203 when each fix resolved every call of the module


def _count_collects_and_traces(monkeypatch) -> dict[str, list[tuple[object, ...]]]:  # type: ignore[no-untyped-def]
    """How often a lint collects a name's bindings (`Values._collect`) and traces a model id (`ModelFlow.trace`)."""
    from claude_lint.analysis.model_flow import ModelFlow
    from claude_lint.analysis.values import Values

    collects, traces = _calls(monkeypatch, Values, "_collect"), _calls(monkeypatch, ModelFlow, "trace")
    return {"collect": collects, "trace": traces}


def test_a_constant_rebound_at_every_call_is_collected_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`MODEL` rebound to a literal before each of 300 calls that send it: every call can send any
    of the 300 ids (bindings are flow-insensitive); the ids are collected once for all the calls
    (one `Possible`), traced once to the first call, and CL302/CL304 judge each once."""
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = "import anthropic\n\nclient = anthropic.Anthropic()\n" + "".join(
        f"MODEL = 'claude-sonnet-4-{i % 3}'\n\n\ndef ask{i}(p):\n    return client.messages.create(model=MODEL, "
        "max_tokens=8, messages=[{'role': 'user', 'content': p or '?'}])\n"
        for i in range(300)
    )
    counts = _count_collects_and_traces(monkeypatch)
    result = lint_text("rebound.py", source, Settings(select=("CL302", "CL303", "CL304")))
    found = [(d.code, d.start.line) for d in result.diagnostics]
    assert found == [(code, 4 + 5 * i) for i in range(300) for code in {0: ["CL302"], 1: ["CL304"], 2: ["CL304"]}[i % 3]]
    assert len(counts["collect"]) <= 3 * 300  # 90,000 and more when each call collected every binding again
    assert len(counts["trace"]) <= 3 * 300


def test_a_local_rebound_from_a_constant_at_every_call_is_collected_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One function: `m = MODEL`, then `m` rebound to a literal before each of 300 calls sending
    it. Not all literals, so the bindings are collected (once, noting the nodes met: no read of
    `m` is among them) and traced (no name of another module among what they reach) once."""
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = "import anthropic\n\nclient = anthropic.Anthropic()\nMODEL = 'claude-sonnet-4-6'\n\n\ndef ask(p):\n    m = MODEL\n" + "".join(
        f"    m = 'claude-sonnet-4-{i % 3}'\n    r{i} = client.messages.create(model=m, max_tokens=8, messages=[])\n"
        for i in range(300)
    )
    counts = _count_collects_and_traces(monkeypatch)
    result = lint_text("local.py", source, Settings(select=("CL302", "CL304")))
    found = [(d.code, d.start.line) for d in result.diagnostics]
    assert found == [(code, 9 + 2 * i) for i in range(300) for code in {0: ["CL302"], 1: ["CL304"], 2: ["CL304"]}[i % 3]]
    assert len(counts["collect"]) <= 3 * 300  # each call collected all 301 bindings again
    assert len(counts["trace"]) <= 3 * 300


def test_the_model_ids_of_a_rebound_name_are_read_once_for_every_call(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """CL307 asks each call which models it may send: a model id rebound before each of 300 calls in
    one function is one group of 301 values for all of them, turned into strings once (each call
    read all 301 again: 90,300 values)."""
    from claude_lint.analysis.values import Values
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = "import anthropic\n\nclient = anthropic.Anthropic()\nMODEL = 'claude-sonnet-4-6'\n\n\ndef ask(p):\n    m = MODEL\n" + "".join(
        f"    m = 'claude-sonnet-4-{i % 3}'\n    r{i} = client.messages.create(model=m, max_tokens=100000, messages=[])\n"
        for i in range(300)
    )
    counts = {"read": 0}
    real = Values.request_model_groups
    wrapped: dict[int, tuple[tuple, tuple]] = {}

    class Counting(tuple):  # type: ignore[type-arg]
        def __iter__(self):  # type: ignore[no-untyped-def]
            counts["read"] += len(self)
            return super().__iter__()

    def groups(self, site):  # type: ignore[no-untyped-def]
        out = []
        for group in real(self, site):
            known = wrapped.get(id(group))
            if known is None or known[0] is not group:
                known = wrapped[id(group)] = (group, Counting(group))
            out.append(known[1])
        return out

    monkeypatch.setattr(Values, "request_model_groups", groups)
    result = lint_text("local.py", source, Settings(select=("CL307",)))
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL307", 10 + 2 * i) for i in range(300)]
    assert counts["read"] <= 2 * 301


def test_a_reply_name_rebound_at_every_call_reaches_only_its_own_reads(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 replies in one name, each read once before the next call rebinds it: each read is
    traced from the one reply it holds, not from every earlier one (45,150 traces before)."""
    from claude_lint.analysis import responses
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    call = "client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p)"
    source = f"import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(p):\n    r = {call}\n" + "".join(
        f"    t{i} = r.content[0].text\n    r = {call}\n" for i in range(300)
    )
    indexes = _calls(monkeypatch, responses, "ContentIndex")
    result = lint_text("rebound.py", source, Settings(select=("CL402",)))
    assert [(d.code, d.start.line, d.start.column) for d in result.diagnostics] == [
        ("CL402", 8 + 2 * i, 8 + len(str(i))) for i in range(300)
    ]
    assert result.diagnostics[0].message == (
        "`r.content[0]` assumes the reply has content: a reply with no blocks raises IndexError here. "
        "Check `r.content` first"
    )
    assert len(indexes) == len({id(node) for node, in indexes}) == 300


def test_a_reply_text_name_rebound_at_every_call_is_read_once_per_binding(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 calls in one function, each reply's text kept in `text`, parsed and sent back in a
    rebound `messages`: which binding each read of `text` reads is found once (each binding
    compared every read with every binding: 27 million checks), and whether `text` can hold a
    literal is asked once for all the `json.loads(text)` calls (each traced all 300 bindings)."""
    from claude_lint.analysis import model_flow, responses
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    call = "client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=msgs)"
    source = "import json\nimport anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(p):\n    msgs = p\n" + "".join(
        f"    r = {call}\n    text = r.content[0].text\n    out{i} = json.loads(text)\n"
        "    msgs = [{'role': 'user', 'content': text}]\n"
        for i in range(300)
    )
    same, traces = _calls(monkeypatch, responses.Frame, "same_statement"), _calls(monkeypatch, model_flow.ModelFlow, "trace")
    result = lint_text("texts.py", source, Settings(select=("CL302", "CL404", "CL405")))
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL404", 11 + 4 * i) for i in range(300)]
    assert len(same) <= 2 * 900  # each load of `text` and `msgs` once, and each `text = ...` it follows
    assert len(traces) <= 4 * 300


def test_an_attribute_rebound_at_every_call_is_collected_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One method: `self.model` rebound to a literal before each of 300 calls sending it. What
    `self.model` can hold is every `self.model = ...` of the class, the same for every read: collected
    once for all the calls (each call collected all 300 bindings again), and which method each
    binding is written in is found by one walk of the class's methods (a walk of the method for
    each binding at each call: 40 s for 40,000 characters)."""
    from claude_lint.analysis import values
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = "import anthropic\n\n\nclass Bot:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n    def run(self, p):\n" + "".join(
        f"        self.model = 'claude-sonnet-4-{i % 3}'\n"
        "        self.reply = self.client.messages.create(model=self.model, max_tokens=8, messages=p)\n"
        f"        self.text{i} = self.reply.content[0].text\n"
        for i in range(300)
    )
    counts = _count_collects_and_traces(monkeypatch)
    walked: list[str] = []
    original = values.walk

    def counting(node, visitor):  # type: ignore[no-untyped-def]
        if isinstance(node, cst.FunctionDef):
            walked.append(node.name.value)
        return original(node, visitor)

    monkeypatch.setattr(values, "walk", counting)
    result = lint_text("bot.py", source, Settings(select=("CL302", "CL304")))
    found = [(d.code, d.start.line, d.start.column) for d in result.diagnostics]
    assert found == [(code, 9 + 3 * i, 21) for i in range(300) for code in {0: ["CL302"], 1: ["CL304"], 2: ["CL304"]}[i % 3]]
    assert len(counts["collect"]) <= 3 * 300  # 90,000 and more when each call collected every binding again
    assert walked.count("run") <= 3


def test_an_elif_chain_too_deep_for_positions_is_cl001_at_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """600 `elif`s of calls in one function: within the nesting bound, but generating the code to find
    positions recurses once per `elif` and gives up. The file is CL001 after one try, not an internal
    error per rule, each retrying the pass and chaining a KeyError per level (60-200 s). (The
    retired model id gives the rules something to report: a file with no finding needs no position.)"""
    from claude_lint.analysis import positions
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(kind, p):\n    if kind == -1:\n        r = None\n" + "".join(
        f"    elif kind == {i}:\n        r = client.messages.create(model='claude-3-opus-20240229', max_tokens=8, messages=p)\n"
        for i in range(600)
    ) + "    return r\n"
    passes = [0]
    original = positions.ChosenOffsets.__init__

    def counting(self, module, nodes):  # type: ignore[no-untyped-def]
        passes[0] += 1
        return original(self, module, nodes)

    monkeypatch.setattr(positions.ChosenOffsets, "__init__", counting)
    result = lint_text("chain.py", source, Settings(select=("ALL",)))
    assert [(d.code, d.start.line, d.start.column, d.message) for d in result.diagnostics] == [
        ("CL001", 1, 0, "Cannot analyse: the code is nested too deeply")
    ]
    assert result.errors == []
    assert passes[0] == 1


def test_handlers_returning_a_stand_in_read_their_function_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One function of 300 calls, each handler returning `''` where the function returns the
    reply's text: whether the success path returns the reply is followed from each try's calls
    through one index of the function's assignments and returns, not a walk of the whole function
    and a fixed point over all its assignments for each handler (160K characters: 52 -> 1.3 s)."""
    from claude_lint.rules import cl103_error_hidden_in_reply as cl103

    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    call = "client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p)"
    source = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(k, p):\n    r = None\n" + "".join(
        f"    if k == {i}:\n        try:\n            r = {call}\n        except anthropic.APIError:\n            return ''\n"
        for i in range(300)
    ) + "    return r.content[0].text\n"
    read = _calls(monkeypatch, cl103, "names_in")
    result = lint_text("stand_ins.py", source, Settings(select=("CL103",)))
    assert [(d.code, d.start.line, d.start.column) for d in result.diagnostics] == [("CL103", 11 + 5 * i, 8) for i in range(300)]
    assert result.diagnostics[0].message == (
        "`except anthropic.APIError` returns an empty value where the function returns Claude's reply: "
        "callers take the failure for an answer; raise, or return a failure they must check"
    )
    assert len(read) <= 3 * 302  # each assignment's targets and value, once (180,000 and more, each handler again)


def test_a_prompt_rebound_and_formatted_at_every_call_has_its_class_read_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One function: `prompt` rebound twice before each of 300 calls, once by `prompt.strip().format(...)`.
    Which class `prompt` is an instance of (does `.format` reach a method of the project?) is read
    from its 601 bindings once, not again at each call on it (160K characters: 11 -> 1.1 s)."""
    from claude_lint.analysis.resolution import Resolver
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    call = "client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=[{'role': 'user', 'content': prompt}])"
    source = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(x):\n    prompt = ''\n" + "".join(
        f"    prompt = f'Step {i}: {{x}}' + prompt\n    prompt = prompt.strip().format(x=x)\n    r{i} = {call}\n"
        for i in range(300)
    )
    read = _calls(monkeypatch, Resolver, "class_of")
    result = lint_text("prompts.py", source, Settings(select=("ALL",)))
    assert result.diagnostics == [] and result.errors == []
    assert len(read) <= 6 * 601  # each read of `prompt` read all its bindings again: 181,200


def test_a_tool_use_comprehension_at_every_call_reads_its_own_blocks(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One function of 300 tool-use turns, each `[run(b) for b in r.content if b.type == 'tool_use']`:
    the blocks each comprehension reads are the loads of `b` inside it, found next to it in the
    walk's order, not by asking every load of `b` in the function whether it is inside (180,600 walks
    up the tree)."""
    from claude_lint.analysis import responses
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    call = "client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=messages, tools=tools)"
    source = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(messages, tools, run):\n" + "".join(
        f"    r = {call}\n    results = [run(b) for b in r.content if b.type == 'tool_use']\n"
        "    messages.append({'role': 'user', 'content': results})\n"
        for _ in range(300)
    )
    walked = _calls(monkeypatch, responses.Frame, "ancestors")
    result = lint_text("tools.py", source, Settings(select=("ALL",)))
    assert result.diagnostics == [] and result.errors == []
    assert len(walked) <= 6 * 300


def test_a_list_of_blocks_refilled_each_turn_is_read_from_its_own_turn(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 turns, each appending the reply's tool-use blocks to `calls = []` and looping over it:
    each reply's blocks are followed to its own turn's loop (the next `calls = []` holds others),
    and the loop's reads of its target are found next to it, not among every read of the name
    (each reply followed every later turn's loop: 90,000 block reads at 300 turns)."""
    from claude_lint.analysis import responses
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    call = "client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p)"
    source = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(p):\n" + "".join(
        f"    r = {call}\n    calls = []\n    for b in r.content:\n        if b.type == 'tool_use':\n"
        f"            calls.append(b)\n    for c in calls:\n        run(c.name, c.input)\n"
        for _ in range(300)
    )
    blocks = _calls(monkeypatch, responses._MessageTracer, "block")
    result = lint_text("turns.py", source, Settings(select=("CL401", "CL402", "CL403")))
    assert result.diagnostics == []  # each loop checks the block's type; no text is read
    assert len(blocks) == 4 * 300  # `b.type`, `b` appended, `c.name`, `c.input`


def test_a_reply_rebound_only_in_branches_reaches_the_reads_through_16_more_assignments(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 reads, each after `if r is None or r.stop_reason == "max_tokens": r = <call>`: a reply
    in a branch does not replace the earlier ones, so each may be the one every later read sees.
    A reply is followed up to its name's 16th assignment after it (45,150 content reads before)."""
    from claude_lint.analysis import responses
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    call = "client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p)"
    source = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(p):\n    r = None\n" + "".join(
        f"    if r is None or r.stop_reason == 'max_tokens':\n        r = {call}\n    t{i} = r.content[0].text\n"
        for i in range(300)
    )
    indexes = _calls(monkeypatch, responses, "ContentIndex")
    result = lint_text("branches.py", source, Settings(select=("CL402", "CL403")))
    lines = [(d.code, d.start.line) for d in result.diagnostics]
    assert lines == [(code, 10 + 3 * i) for i in range(300) for code in ("CL402", "CL403")]
    assert result.diagnostics[1].message == (
        "The reply text `r.content[0].text` is used, but `r.stop_reason` is compared only with \"max_tokens\", "
        "never with \"refusal\": a refusal passes as a complete answer"
    )
    assert result.diagnostics[-1].message == (
        "The reply text `r.content[0].text` is used without checking `r.stop_reason`: a reply cut off at "
        "`max_tokens`, or a refusal, passes as a complete answer"
    )
    # Reply i reaches reads i .. i + 16 (the 17th assignment after it comes before read i + 17).
    assert len(indexes) == sum(min(17, 300 - i) for i in range(300))


def test_a_reply_is_taken_as_replaced_after_16_more_assignments_of_its_name_in_branches() -> None:
    """The bound's edge: a reply of a call with `tools=` reaches a read of its text past 16 more
    assignments of its name in `elif` branches (CL401), not past 17."""
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    def source(branches: int) -> str:
        call = "client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p{})"
        return (
            "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(kind, p, tools):\n"
            f"    r = {call.format(', tools=tools')}\n"
            + "".join(f"    {'el' if i else ''}if kind == {i}:\n        r = {call.format('')}\n" for i in range(branches))
            + "    return r.content[0].text\n"
        )

    reached = lint_text("dispatch.py", source(16), Settings(select=("CL401",)))
    assert [(d.code, d.start.line, d.start.column) for d in reached.diagnostics] == [("CL401", 40, 11)]
    assert lint_text("dispatch.py", source(17), Settings(select=("CL401",))).diagnostics == []


def test_a_stream_block_in_each_of_many_reads_its_own_stream(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 `with client.messages.stream(...) as s:` blocks in one function, each reading
    `s.text_stream` and `s.get_final_message()`: each block's stream is the loads of `s` up to the
    next `with ... as s`, not every load of `s` in the function (each block followed every other
    block's chunks and final message: 90,000 chunk stores at 300 blocks, and the first final
    message's read stood for every block's in CL403)."""
    from claude_lint.analysis import reply_text
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    call = "client.messages.stream(model='claude-sonnet-4-6', max_tokens=8, messages=p)"
    source = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(p):\n    text = ''\n" + "".join(
        f"    with {call} as s:\n        for chunk in s.text_stream:\n            text += chunk\n"
        f"        m = s.get_final_message()\n    t{i} = m.content[0].text\n"
        for i in range(300)
    )
    stores = _calls(monkeypatch, reply_text._Tracer, "store")
    result = lint_text("streams.py", source, Settings(select=("CL403", "CL405")))
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL403", 12 + 5 * i) for i in range(300)]
    assert len(stores) == 3 * 300  # `chunk` in its own loop, `text`, and the `t` each final text is kept in


def test_many_handlers_of_one_try_are_each_compared_with_the_distinct_ones_before(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One `try` of 300 handlers after `except anthropic.RateLimitError`, each of a type of this
    module's own: each is compared with the one earlier handler that can catch another type, not
    with all 300 (44,850 comparisons before), and each pair of types is judged once."""
    import importlib

    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    cl104 = importlib.import_module("claude_lint.rules.cl104_unreachable_handler")
    source = (
        "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(p):\n    try:\n"
        "        return client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p)\n"
        "    except anthropic.RateLimitError:\n        raise\n"
        + "".join(f"    except E{i}:\n        raise\n" for i in range(300))
        + "    except anthropic.APIError:\n        raise\n    except anthropic.RateLimitError:\n        raise\n"
    )
    judged = _calls(monkeypatch, cl104, "covers")
    result = lint_text("handlers.py", source, Settings(select=("CL104",)))
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL104", 613)]
    assert len(judged) == 300 + 4  # each E with RateLimitError; APIError, RateLimitError with both


def test_unreachable_handlers_after_one_that_covers_them_move_without_the_ones_between() -> None:
    """300 `except anthropic.RateLimitError` handlers after `except anthropic.APIError`: each fix
    moves its handler (two edits: inserted above, taken out below), not the text of every handler
    in between (the 300 fixes held 45,000 handlers' text: gigabytes at 520 KB)."""
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    handler = "    except anthropic.RateLimitError:\n        raise\n"
    source = (
        "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(p):\n    try:\n"
        "        return client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p)\n"
        "    except anthropic.APIError:\n        raise\n" + handler * 300
    )
    result = lint_text("handlers.py", source, Settings(select=("CL104",)))
    assert [d.start.line for d in result.diagnostics] == [11 + 2 * i for i in range(300)]
    fix = result.diagnostics[-1].fix
    assert fix is not None
    assert [(e.start.line, e.start.column, e.end.line, e.end.column, e.content) for e in fix.edits] == [
        (9, 4, 9, 4, handler[4:] + "    "),
        (608, 13, 610, 13, ""),
    ]
    assert sum(len(e.content) for d in result.diagnostics for e in d.fix.edits) == 300 * (len(handler))  # type: ignore[union-attr]


def test_a_retry_loop_of_many_handlers_finds_its_attempt_counters_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One `while attempts < 3` retry loop of 300 try/except calls, each handler counting
    `attempts += 1`: CL210 reads the loop's counters once, not once per handler (a walk of the
    whole loop for each: 300 walks)."""
    import importlib

    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    cl210 = importlib.import_module("claude_lint.rules.cl210_retry_exhausted_silently")
    call = "client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p)"
    source = (
        "import time\n\nimport anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(p):\n"
        "    attempts = 0\n    while attempts < 3:\n"
        + "".join(
            f"        try:\n            r{i} = {call}\n            break\n        except anthropic.RateLimitError:\n"
            "            attempts += 1\n            time.sleep(2 ** attempts)\n"
            for i in range(300)
        )
        + "    return r0\n"
    )
    counted = _calls(monkeypatch, cl210, "attempt_counters")
    result = lint_text("retry.py", source, Settings(select=("CL210",)))
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL210", 10)]
    assert len(counted) == 1


def test_the_model_entries_of_a_kwargs_name_rebound_at_every_call_are_found_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 calls `create(messages=..., **kw)`, `kw = dict(kw, temperature=...)` before each: the
    `model` entries of what `kw` holds depend on its bindings alone, found once (each call went
    through all 300 bindings: 90,300 lookups)."""
    from claude_lint.analysis.model_flow import ModelFlow
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = (
        "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef params():\n"
        "    return {'model': 'claude-3-opus-20240229', 'max_tokens': 8}\n\n\ndef ask(p):\n    kw = params()\n"
        + "".join(
            f"    kw = dict(kw, temperature={i % 10}/10)\n    r{i} = client.messages.create(messages=p, **kw)\n"
            for i in range(300)
        )
    )
    entries = _calls(monkeypatch, ModelFlow, "_returned_entry")
    result = lint_text("kwargs.py", source, Settings(select=("CL302",)))
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL302", 7)]
    assert len(entries) == 300 + 301  # each call's `kw`, then each binding's call once


def test_what_a_chain_of_functions_reaches_is_listed_up_to_256_beyond_their_own() -> None:
    """A chain of 400 functions, each calling the one before, a function of another module and a
    method on its object, with a client of its own: each lists what it reaches through the chain up
    to 256 of each beyond its own (every one listed every link before it: 80,000 references, and
    each client compared with all those before it, cubic), the first in sorted order."""
    from claude_lint.analysis.summary import summarize

    source = (
        "import anthropic\nimport helpers\n\n\nclass Bot:\n    def m0(self, p):\n"
        "        return anthropic.Anthropic().messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p)\n"
        + "".join(
            f"\n    def m{i + 1}(self, p):\n        helpers.step{i:03}(p)\n"
            f"        c{i} = anthropic.Anthropic(max_retries={i})\n"
            f"        c{i}.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p)\n"
            f"        return self.m{i}(p)\n"
            for i in range(400)
        )
    )
    summary = summarize(build_model(cst.parse_module(source), load_knowledge(None), ()), source)
    last, short = summary["functions"]["Bot.m400"], summary["functions"]["Bot.m200"]
    steps = [f"helpers.step{i:03}" for i in range(400)]
    assert last["calls"] == ["anthropic.Anthropic", *steps[:256], "helpers.step399"]
    assert short["calls"] == ["anthropic.Anthropic", *steps[:200]]
    assert last["self"] == sorted(["m399", *sorted(f"m{i}" for i in range(399))[:256]])
    assert short["self"] == sorted(f"m{i}" for i in range(200))
    assert [c.get("retries") for c in last["clients"]] == list(range(399, 399 - 257, -1))
    assert [c.get("retries") for c in short["clients"]] == [*range(199, -1, -1), None]


class _CountingList(list):  # type: ignore[type-arg]
    """A list that adds up how many items were read by iterating it."""

    read = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        for item in list.__iter__(self):
            _CountingList.read += 1
            yield item


def test_the_callers_of_a_chain_of_functions_returning_reply_text_are_found_by_an_index() -> None:
    """300 functions, each returning the stripped text of the one before (the first returns a
    reply's text): the calls of each are looked up by their target, not found among all the
    module's calls for each function (90,000 calls read)."""
    from claude_lint.analysis.reply_text import _trace_reply_text

    source = (
        "import subprocess\n\nimport anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef f0(p):\n"
        "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p).content[0].text\n"
        + "".join(f"\n\ndef f{i + 1}(p):\n    t = f{i}(p)\n    subprocess.run(t, shell=True)\n    return t.strip()\n" for i in range(300))
    )
    model = build_model(cst.parse_module(source), load_knowledge(None), ())
    model.call_sites = _CountingList(model.call_sites)
    _CountingList.read = 0
    result = _trace_reply_text(model)
    assert len(result.hits) == 300 and len(result.returning) == 301
    assert _CountingList.read <= 4 * 301


def test_an_attribute_set_in_each_of_many_methods_has_its_class_read_once_per_value(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A class of 300 methods, each setting `self.client = anthropic.Anthropic(...)` and calling
    it, and one setting `self.helper = Helper()` last: a value no method reads differently is read
    once, not in the scope of each of the 300 methods (90,000 reads of `self.client`)."""
    from claude_lint.analysis.resolution import Resolver

    source = "import anthropic\n\n\nclass Helper:\n    pass\n\n\nclass Bot:\n" + "".join(
        f"    def ask{i}(self, p):\n        self.client = anthropic.Anthropic(max_retries={i % 5})\n"
        "        return self.client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p)\n\n"
        for i in range(300)
    ) + "    def last(self, helper):\n        self.helper = helper\n        self.helper = Helper()\n"
    model = build_model(cst.parse_module(source), load_knowledge(None), ())
    bot = next(s for s in model.classes if s.name == "Bot")
    read = _calls(monkeypatch, Resolver, "class_of")
    assert model.resolver.class_attributes(bot) == {"helper": "~Helper"}
    assert len(read) <= 2 * 300 + 10


def test_a_client_passed_to_each_of_many_methods_is_read_once_per_method(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A class of 60 methods, each `self.client = client` (an annotated parameter) and a
    call on `self.client`: what `self.client` holds is found once, not at each call, and a name is
    read once in each method, not once for each of the 60 values that are that name (216,000
    reads: cubic, 376 s for 1,000 such methods); the methods annotating a name are looked up, not
    asked about every value."""
    from claude_lint.analysis import model_flow
    from claude_lint.analysis.resolution import Resolver
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = "from lib import Client\n\n\nclass Bot:\n" + "".join(
        f"    def ask{i}(self, client: Client, p):\n        self.client = client\n"
        "        return self.client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p)\n\n"
        for i in range(60)
    )
    read, names = _calls(monkeypatch, Resolver, "client_of"), _calls(monkeypatch, model_flow, "names_in")
    result = lint_text("bot.py", source, Settings(select=("ALL",)), summarize=True)
    assert [(d.code, d.start.line) for d in result.diagnostics] == []
    assert len(read) <= 10 * 60
    assert len(names) <= 2 * 60


def _askers(count: int, call: str) -> str:
    """`count` functions `ask<i>(p)`, each returning `call` with `{i}` filled in."""
    return "".join(f"\n\ndef ask{i}(p):\n    return {call.format(i=i)}\n" for i in range(count))


def test_a_dict_of_model_ids_read_by_key_at_every_call_is_read_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 functions, each sending `MODELS["k<i>"]` of a 300-entry dict: the dict `MODELS` holds is
    read once, not at each call (each read its 300 keys: 90,000 key reads)."""
    from claude_lint.analysis.values import Values
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = (
        "import anthropic\n\nclient = anthropic.Anthropic()\nMODELS = {\n"
        + "".join(f"    'k{i}': 'claude-{'3-opus-20240229' if i == 7 else 'sonnet-4-6'}',\n" for i in range(300))
        + "}\n"
        + _askers(300, "client.messages.create(model=MODELS['k{i}'], max_tokens=8, messages=p)")
    )
    keys = _calls(monkeypatch, Values, "single")
    result = lint_text("models.py", source, Settings(select=("CL302",)))
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL302", 12)]
    assert len(keys) <= 4 * 300


def test_a_list_of_tools_sent_at_every_call_is_read_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """300 functions, each sending `tools=TOOLS`, a 300-entry list: the list `TOOLS` holds is read
    once, not at each call (each read its 300 elements: 90,000 element reads)."""
    from claude_lint.analysis import values
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = (
        "import anthropic\n\nclient = anthropic.Anthropic()\nTOOLS = [\n"
        + "".join(f"    {{'name': 't{i}', 'input_schema': {{'type': 'object'}}}},\n" for i in range(300))
        + "]\n"
        + _askers(300, "client.messages.create(model='claude-sonnet-4-6', max_tokens=8, messages=p, tools=TOOLS)")
    )
    items = _calls(monkeypatch, values, "Item")
    result = lint_text("tools.py", source, Settings(select=("ALL",)))
    assert [(d.code, d.start.line) for d in result.diagnostics] == []
    assert len(items) == 300 * 76 + 300  # each call's own keywords, read by each rule asking; TOOLS once


def test_the_fields_of_a_dataclass_sent_as_models_find_its_constructions_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A dataclass of 300 fields, each sent as the model of its own call (`model=cfg.f<i>`): the
    calls constructing the class (`Config(f7=...)`) are found in one pass over the module's calls,
    not one for each field (each of the 300 fields read all 600 calls)."""
    from claude_lint.analysis.model_flow import ModelFlow
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    source = (
        "from dataclasses import dataclass\n\nimport anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
        "@dataclass\nclass Config:\n"
        + "".join(f"    f{i}: str = 'claude-sonnet-4-6'\n" for i in range(300))
        + "\n\ncfg = Config(f7='claude-3-opus-20240229')\n"
        + _askers(300, "client.messages.create(model=cfg.f{i}, max_tokens=8, messages=p)")
    )
    named = _calls(monkeypatch, ModelFlow, "_class_named")
    result = lint_text("config.py", source, Settings(select=("CL302",)))
    assert [(d.code, d.start.line) for d in result.diagnostics] == [("CL302", 312)]
    assert len(named) <= 4 * 600


def _splatted(keys: int, calls: int) -> str:
    """A dict of `keys` unknown keys (and the model and max_tokens) splatted into each of `calls` calls."""
    return (
        "import anthropic\n\nclient = anthropic.Anthropic()\nPARAMS = {'model': 'claude-sonnet-4-6', 'max_tokens': 8, "
        + "".join(f"'k{i}': {i}, " for i in range(keys))
        + "}\n"
        + _askers(calls, "client.messages.create(messages=p, **PARAMS)")
    )


def test_unknown_keys_splatted_into_many_calls_are_one_finding_each_and_judged_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """28 unknown keys of one dict splatted into 300 calls: one CL305 per call naming them, each key's
    close match looked for once (8,400 findings and as many difflib searches before)."""
    import difflib

    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    searched = _calls(monkeypatch, difflib, "get_close_matches")
    result = lint_text("splat.py", _splatted(28, 300), Settings(select=("CL305",), sdk_version="2.14.0"))
    assert [(d.code, d.start.line, d.start.column) for d in result.diagnostics] == [
        ("CL305", 8 + 4 * i, 46) for i in range(300)
    ]
    assert result.diagnostics[0].message == (
        "28 keys of `PARAMS` are not parameters of `messages.create` in anthropic 2.14.0: `k0=`, `k1=`, `k2=`, "
        "`k3=`, `k4=` and 23 more; the SDK raises TypeError before sending the request"
    )
    assert len(searched) <= 28


def test_a_splatted_dict_of_more_than_32_keys_is_unknown_content() -> None:
    """30 unknown keys with the model and max_tokens are 32, read; one more is 33: taken as unknown."""
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text

    settings = Settings(select=("CL305",), sdk_version="2.14.0")
    read = lint_text("splat.py", _splatted(30, 1), settings).diagnostics
    assert [(d.code, d.start.line, d.message.split(":")[0]) for d in read] == [
        ("CL305", 8, "30 keys of `PARAMS` are not parameters of `messages.create` in anthropic 2.14.0")
    ]
    assert lint_text("splat.py", _splatted(31, 1), settings).diagnostics == []


def test_a_model_id_sent_by_calls_costs_no_positions_unless_it_is_reported(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """CL302 follows each model id to the calls that send it; the call's line goes into a report
    only, so a file with nothing to report computes no position (one was a pass over the
    whole file: 0.7 s of 5 for 520 KB of wrappers)."""
    from claude_lint.config.settings import Settings
    from claude_lint.engine.lint import lint_text
    from claude_lint.lint.context import RuleContext

    source = "import anthropic\n\nclient = anthropic.Anthropic()\nMODEL = '{model}'\n" + _askers(
        30, "client.messages.create(model=MODEL, max_tokens=8, messages=p)"
    )
    positions = _calls(monkeypatch, RuleContext, "range_of")
    result = lint_text("ask.py", source.format(model="claude-sonnet-4-6"), Settings(select=("CL302",)))
    assert result.diagnostics == [] and positions == []
    sampler = (
        "import anthropic\n\n\nclass Sampler:\n    def __init__(self, model):\n        self.client = anthropic.Anthropic()\n"
        "        self.model = model\n\n    def __call__(self, p):\n        return self.client.messages.create("
        "model=self.model, max_tokens=8, messages=p)\n\n\nSAMPLER = Sampler(model='claude-3-opus-20240229')\n"
    )
    result = lint_text("sampler.py", sampler, Settings(select=("CL302",)))
    assert [(d.code, d.start.line, d.message[-51:]) for d in result.diagnostics] == [
        ("CL302", 13, "It becomes the model of the Claude call on line 10.")
    ]
