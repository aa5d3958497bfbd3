"""An offline provider for tests: it never calls a model."""

from ..base import BaseLLM


class EchoLLM(BaseLLM):
    async def _complete(self, prompt):
        return {"text": prompt}
