"""The one place the app talks to Claude."""

from app.clients import client


def ask_claude(question):
    return client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=512,
        messages=[{"role": "user", "content": question}],
    )


def summarise(text):
    reply = ask_claude(f"Summarise: {text}")
    return reply.content[0].text
