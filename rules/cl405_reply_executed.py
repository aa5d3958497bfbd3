"""CL405 reply-executed: Text Claude wrote reaches `eval`, a shell, SQL or a deserialiser."""

from typing import ClassVar

from claude_lint.analysis.reply_text import SinkKind, reply_text
from claude_lint.lint.cases import Invalid, Valid
from claude_lint.lint.context import RuleContext
from claude_lint.lint.rule import Rule

_RUNS_AS: dict[SinkKind, str] = {
    "code": "runs as Python code",
    "command": "runs as a command",
    "sql": "runs as SQL",
    "deserialise": "is deserialised into objects (which can run code)",
}
_THEN: dict[SinkKind, str] = {
    "code": "any code",
    "command": "any command",
    "sql": "any SQL (read, change or drop any table the connection can reach)",
    "deserialise": "any code",
}
_INSTEAD: dict[SinkKind, str] = {
    "code": "parse it (`ast.literal_eval`, `json.loads`) or check it against an allow-list",
    "command": "check it against an allow-list of commands, or run it in a sandbox",
    "sql": "pass the model's values as bound parameters, or check the query against an allow-list",
    "deserialise": "use `json.loads` or `yaml.safe_load`",
}


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


class ReplyExecuted(Rule):
    """## What it does
    Finds text the model wrote reaching a call that runs it: `eval`, `exec`,
    `compile`; `os.system`, `os.popen` and `subprocess.*` as the command (or
    anywhere in it with `shell=True`); a DB-API `execute`/`executemany`
    (or SQLAlchemy `text()`, `pandas.read_sql`, DuckDB's and Spark's `.sql()`)
    as the SQL string;
    `pickle.loads`, and `yaml.load` without a safe loader. Model text is a
    reply's text blocks (also streamed: `stream.text_stream`,
    `get_final_text()`), a `tool_use` block's `input`, and what is derived
    from them in the function: names, string methods, slices, `+`, f-strings,
    `.format`, `"".join`, `re` matches and `json.loads`. It is followed into
    functions of the same module that are handed it (also through a dict of
    handler functions, `TOOLS[block.name](block.input)`), and out of functions
    that return it, also functions of other modules and methods reached through
    an object's class (`self.llm.ask()` when a subclass of the `llm`'s class in
    another module makes the Claude call and hands back the text), and through
    functions of other modules that return the text they are given (a
    code-block extractor). A parameter annotated as the SDK's `Message` holds
    a reply. A value the code compares with an allow-list (`if sql in
    KNOWN_QUERIES`) or hands to a `validate*`/`check*` function first is not
    reported, nor is `ast.literal_eval`, nor SQL where the text is a bound
    parameter.

    ## Why is this bad?
    Whatever the model reads can steer what it writes: a web page, a document,
    a database row or a user message can carry a prompt injection. Once its
    output runs as code, a shell command or SQL, that injection runs with the
    program's rights, and a confused model does the same damage by accident.

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()

    def ask_database(question, conn):
        response = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=1024,
            messages=[{"role": "user", "content": f"Write SQL for: {question}"}],
        )
        sql = response.content[0].text.strip()
        return conn.execute(sql).fetchall()
    ```

    Use instead:
    ```python
    import anthropic

    client = anthropic.Anthropic()

    REPORTS = {"sales": "SELECT region, SUM(total) FROM orders GROUP BY region"}

    def ask_database(question, conn):
        response = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=1024,
            messages=[{"role": "user", "content": f"Which report answers: {question}"}],
        )
        choice = response.content[0].text.strip()
        if choice not in REPORTS:
            raise ValueError(f"no such report: {choice!r}")
        return conn.execute(REPORTS[choice]).fetchall()
    ```

    ## Fix safety
    There is no fix: how far to trust, check or sandbox the model's output is
    the author's call. When running it is the point (a coding agent's shell
    tool), run it in a sandbox and suppress the finding on that line.
    """

    code = "CL405"
    name = "reply-executed"
    summary = "Text Claude wrote reaches `eval`, a shell, SQL or a deserialiser"

    VALID: ClassVar[list[Valid]] = [
        # Parsed as a literal, never run.
        Valid(
            """
            import ast
            import anthropic
            client = anthropic.Anthropic()
            def numbers(text):
                response = client.messages.create(model="claude-haiku-4-5", max_tokens=256, messages=[{"role": "user", "content": text}])
                return ast.literal_eval(response.content[0].text.strip())
            """
        ),
        # SQL with the model's text as a bound parameter.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def tag(conn, doc_id, body):
                response = client.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=[{"role": "user", "content": body}])
                label = response.content[0].text.strip().lower()
                conn.execute("UPDATE docs SET label = ? WHERE id = ?", (label, doc_id))
            """
        ),
        # Compared with an allow-list before it runs.
        Valid(
            """
            import subprocess
            import anthropic
            client = anthropic.Anthropic()
            SAFE_COMMANDS = {"git status", "git diff", "ls"}
            def next_command(goal, tools):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, tools=tools, messages=[{"role": "user", "content": goal}])
                for block in response.content:
                    if block.type == "tool_use":
                        command = block.input["command"]
                        if command not in SAFE_COMMANDS:
                            raise PermissionError(command)
                        subprocess.run(command, shell=True, check=True)
            """
        ),
        # The model's text is an argument of the command, not the command.
        Valid(
            """
            import subprocess
            import anthropic
            client = anthropic.Anthropic()
            def commit(diff):
                response = client.messages.create(model="claude-haiku-4-5", max_tokens=128, messages=[{"role": "user", "content": diff}])
                subprocess.run(["git", "commit", "-m", response.content[0].text], check=True)
            """
        ),
        # `execute` of something that is not a database.
        Valid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def act(tool, goal):
                response = client.messages.create(model="claude-haiku-4-5", max_tokens=128, messages=[{"role": "user", "content": goal}])
                return tool.execute(response.content[0].text)
            """
        ),
        Valid(
            """
            import yaml
            import anthropic
            client = anthropic.Anthropic()
            def config(spec):
                response = client.messages.create(model="claude-haiku-4-5", max_tokens=512, messages=[{"role": "user", "content": spec}])
                return yaml.load(response.content[0].text, Loader=yaml.SafeLoader)
            """
        ),
        # The name is rebound to the reply's last block after the checked command ran: the check still holds.
        Valid(
            """
            import subprocess
            import anthropic
            client = anthropic.Anthropic()
            SAFE_COMMANDS = {"git status", "git diff", "ls"}
            def plan(goal):
                response = client.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=[{"role": "user", "content": goal}])
                command = response.content[0].text
                if command in SAFE_COMMANDS:
                    subprocess.run(command, shell=True, check=True)
                command = response.content[-1].text
                return command
            """
        ),
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
            import anthropic

            client = anthropic.Anthropic()

            def ask_database(question, conn):
                response = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=1024,
                    messages=[{"role": "user", "content": f"Write SQL for: {question}"}],
                )
                sql = response.content[0].text.strip()
                return conn.execute(sql).fetchall()
            """,
            line=11,
            column=12,
            message=(
                "Claude's reply text reaches `conn.execute()` and runs as SQL: a prompt injection in "
                "anything the model reads (or a confused model) runs any SQL (read, change or drop any "
                "table the connection can reach) here. Pass the model's values as bound parameters, or "
                "check the query against an allow-list"
            ),
        ),
        # A line of the reply, sliced and stripped, evaluated.
        # A parameter annotated as the SDK's Message holds a reply, whoever made the call.
        Invalid(
            """
            from anthropic.types import Message

            def run_step(reply: Message):
                code = reply.content[0].text.removeprefix("```python").removesuffix("```")
                exec(code)
            """,
            line=5,
            column=5,
            message=(
                "Claude's reply text reaches `exec()` and runs as Python code: a prompt injection in "
                "anything the model reads (or a confused model) runs any code here. Parse it "
                "(`ast.literal_eval`, `json.loads`) or check it against an allow-list"
            ),
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def solve(problem):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=2048, messages=[{"role": "user", "content": problem}])
                for line in response.content[0].text.splitlines():
                    if line.startswith("ANSWER:"):
                        return eval(line[len("ANSWER:"):].strip())
                return None
            """,
            line=7,
            column=20,
            message=(
                "Claude's reply text reaches `eval()` and runs as Python code: a prompt injection in "
                "anything the model reads (or a confused model) runs any code here. Parse it "
                "(`ast.literal_eval`, `json.loads`) or check it against an allow-list"
            ),
        ),
        # A tool_use block's input as a shell command.
        Invalid(
            """
            import subprocess
            import anthropic
            client = anthropic.Anthropic()
            def step(goal, tools):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, tools=tools, messages=[{"role": "user", "content": goal}])
                for block in response.content:
                    if block.type == "tool_use" and block.name == "shell":
                        return subprocess.run(block.input["command"], shell=True, capture_output=True)
                return None
            """,
            line=8,
            column=20,
            message=(
                "A `tool_use` block's `input` reaches `subprocess.run()` and runs as a command: a prompt "
                "injection in anything the model reads (or a confused model) runs any command here. "
                "Check it against an allow-list of commands, or run it in a sandbox"
            ),
        ),
        # Through a function of the module that returns the text, a regex and a code fence.
        Invalid(
            """
            import re
            import anthropic
            client = anthropic.Anthropic()
            def ask(prompt):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, messages=[{"role": "user", "content": prompt}])
                return response.content[0].text
            def generate_and_run(task):
                reply = ask(f"Write Python that does: {task}")
                match = re.search(r"```python\\n(.*?)```", reply, re.S)
                namespace = {}
                exec(match.group(1) if match else reply, namespace)
                return namespace
            """,
            line=11,
            column=5,
            message=(
                "The text `ask()` returns (Claude's reply) reaches `exec()` and runs as Python code: a "
                "prompt injection in anything the model reads (or a confused model) runs any code here. "
                "Parse it (`ast.literal_eval`, `json.loads`) or check it against an allow-list"
            ),
        ),
        # Handed to a function of the module that runs it; a cursor from `.cursor()`.
        Invalid(
            """
            import json
            import anthropic
            client = anthropic.AsyncAnthropic()
            def run_query(db, query):
                c = db.cursor()
                c.execute(query)
                return c.fetchall()
            async def answer(db, question):
                response = await client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=[{"role": "user", "content": question}])
                plan = json.loads(response.content[0].text)
                return run_query(db, f"SELECT {plan['columns']} FROM {plan['table']}")
            """,
            line=6,
            column=5,
        ),
        # Tool calls collected in a list, dispatched through a table of handlers.
        Invalid(
            """
            import subprocess
            import anthropic
            client = anthropic.Anthropic()
            def run_shell(args):
                return subprocess.run(args["command"], shell=True, capture_output=True, text=True).stdout
            def read_file(args):
                with open(args["path"]) as f:
                    return f.read()
            HANDLERS = {"shell": run_shell, "read_file": read_file}
            def step(messages, tools):
                response = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, tools=tools, messages=messages)
                calls = [block for block in response.content if block.type == "tool_use"]
                results = []
                for call in calls:
                    handler = HANDLERS.get(call.name)
                    results.append({"type": "tool_result", "tool_use_id": call.id, "content": handler(call.input)})
                return results
            """,
            line=5,
            column=12,
        ),
        # A function of the module returns the whole reply; its caller runs the text.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(question):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": question}])
            def report(conn, question):
                reply = ask(f"One SQLite query answering: {question}")
                return conn.execute(reply.content[0].text).fetchall()
            """,
            line=7,
            column=12,
        ),
        # DuckDB's `.sql()` on a connection.
        Invalid(
            """
            import duckdb
            import anthropic
            client = anthropic.Anthropic()
            con = duckdb.connect("sales.duckdb")
            def answer(question):
                reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": question}])
                return con.sql(reply.content[0].text).fetchall()
            """,
            line=7,
            column=12,
        ),
        # Checking that the SQL is not empty is not checking what it does.
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def query(conn, question):
                reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": question}])
                sql = reply.content[0].text.strip().removeprefix("```sql").removesuffix("```")
                if sql == "":
                    return None
                return conn.cursor().execute(sql).fetchall()
            """,
            line=8,
            column=12,
        ),
        # Streamed: the chunks of `text_stream` gathered into a command.
        Invalid(
            """
            import os
            import anthropic
            client = anthropic.Anthropic()
            def suggest_and_run(goal):
                command = ""
                with client.messages.stream(model="claude-sonnet-4-6", max_tokens=256, messages=[{"role": "user", "content": goal}]) as stream:
                    for chunk in stream.text_stream:
                        command += chunk
                return os.system(command.strip())
            """,
            line=9,
            column=12,
            message=(
                "Claude's reply text reaches `os.system()` and runs as a command: a prompt injection in "
                "anything the model reads (or a confused model) runs any command here. Check it against "
                "an allow-list of commands, or run it in a sandbox"
            ),
        ),
        Invalid(
            """
            import pickle
            import base64
            import anthropic
            client = anthropic.Anthropic()
            def restore(state):
                response = client.messages.create(model="claude-haiku-4-5", max_tokens=512, messages=[{"role": "user", "content": state}])
                return pickle.loads(response.content[0].text.encode())
            """,
            line=7,
            column=12,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for hit in reply_text(ctx.model).hits:
            ctx.report(
                hit.call,
                f"{_sentence(hit.origin)} reaches `{hit.sink}` and {_RUNS_AS[hit.kind]}: a prompt injection in "
                f"anything the model reads (or a confused model) runs {_THEN[hit.kind]} here. "
                f"{_sentence(_INSTEAD[hit.kind])}{ctx.remote_note([hit.source]) if hit.source is not None else ''}",
            )
