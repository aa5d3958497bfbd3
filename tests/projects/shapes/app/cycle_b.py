"""The other half: calls back into cycle_a, whose pong() reaches Claude through ping()."""

from app import cycle_a
from app.clients import client


def ping(question):
    return client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=64,
        messages=[{"role": "user", "content": question}],
    )


def relay(question):
    try:
        return cycle_a.pong(question)
    except:
        return ""
