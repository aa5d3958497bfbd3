"""A base class whose method makes the Claude call."""

from app.clients import client


class Assistant:
    def ask(self, question):
        return client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=64,
            messages=[{"role": "user", "content": question}],
        )
