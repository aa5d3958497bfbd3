"""A reviewer whose model its user chooses."""

import anthropic

client = anthropic.Anthropic()


class Reviewer:
    def __init__(self, model):
        self.model = model

    def review(self, text):
        return client.messages.create(
            model=self.model,
            max_tokens=512,
            messages=[{"role": "user", "content": text}],
        )
