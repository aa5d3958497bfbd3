"""Agents that run what the model writes: the LLM is typed with the base class."""

import ast
import subprocess

from app.llm import BaseLLM
from app.llm.providers.echo import EchoLLM
from app.parsing import Blocks, code_block

ALLOWED = {"git status", "ls"}


class Planner:
    llm: BaseLLM

    async def plan(self, goal):
        reply = await self.llm.ask(goal)
        steps = eval(code_block(reply))
        return steps

    async def settings(self, goal):
        reply = await self.llm.ask(goal)
        return eval(Blocks.first_json(text=reply))

    async def safe_plan(self, goal):
        reply = await self.llm.ask(goal)
        return ast.literal_eval(code_block(reply))

    async def run_checked(self, goal):
        command = await self.llm.ask(goal)
        if command not in ALLOWED:
            raise PermissionError(command)
        subprocess.run(command, shell=True, check=True)

    async def blocks(self, goal):
        reply = await self.llm.ask(goal)
        return eval(str(Blocks.count(reply)))

    def report(self):
        return eval(repr(self.llm.usage()))


class Rehearsal:
    llm: EchoLLM

    async def plan(self, goal):
        return eval(await self.llm.ask(goal))
