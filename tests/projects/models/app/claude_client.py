import anthropic

from app.base_client import BaseClient


class ClaudeClient(BaseClient):
    def complete(self, prompt):
        client = anthropic.Anthropic()
        kwargs = {"model": self.config.model, "max_tokens": 512, "messages": [{"role": "user", "content": prompt}]}
        return client.messages.create(**kwargs)
