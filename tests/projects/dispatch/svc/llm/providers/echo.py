"""A provider for tests: no Claude call."""

from svc.llm.base import BaseLLM


class EchoLLM(BaseLLM):
    def _send(self, prompt):
        return prompt
