"""The Claude mixin: it implements `submit()` with a Claude call and returns the reply's text."""

import anthropic

from app.charts import Assistant


class ClaudeAssistant(Assistant):
    def __init__(self):
        self.client = anthropic.Anthropic()

    def submit(self, prompt):
        response = self.client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=2048,
            messages=[{"role": "user", "content": prompt}],
        )
        return response.content[0].text
