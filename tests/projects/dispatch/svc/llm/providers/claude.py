"""The Claude provider: a subclass in a subpackage, its base imported relatively."""

import anthropic

from ..base import BaseLLM


class ClaudeLLM(BaseLLM):
    def __init__(self, model):
        super().__init__(model)
        self.client = anthropic.Anthropic()

    def _send(self, prompt):
        return self.client.messages.create(
            model=self.model,
            max_tokens=512,
            messages=[{"role": "user", "content": prompt}],
        )
