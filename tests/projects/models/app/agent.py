from dataclasses import dataclass

import anthropic


@dataclass
class ModelConfig:
    model: str = "claude-sonnet-4-6"
    max_tokens: int = 1024


class Agent:
    def __init__(self, config: ModelConfig | None = None):
        self.config = config or ModelConfig()
        self.client = anthropic.Anthropic()

    def _payload(self, prompt):
        return {
            "model": self.config.model,
            "max_tokens": self.config.max_tokens,
            "messages": [{"role": "user", "content": prompt}],
        }

    def run(self, prompt):
        payload = self._payload(prompt)
        return self.client.messages.create(**payload)
