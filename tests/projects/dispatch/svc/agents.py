"""Agents hold an LLM: annotated with the base class, or built as the Claude provider."""

import time

import anthropic

from svc.llm import BaseLLM
from svc.llm.providers.claude import ClaudeLLM


class Agent:
    llm: BaseLLM

    def act(self, task):
        try:
            return self.llm.ask(task)
        except Exception:
            pass


class Reviewer:
    def __init__(self, llm: BaseLLM):
        self.llm = llm

    def review(self, text):
        try:
            return self.llm.complete(text)
        except:
            return None


class Writer:
    def __init__(self):
        self.llm = ClaudeLLM("claude-sonnet-4-6")

    def draft(self, topic):
        while True:
            try:
                return self.llm._send(topic)
            except anthropic.RateLimitError:
                time.sleep(2)
