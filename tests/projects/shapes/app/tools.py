"""A wrapper whose request lets Claude answer with tool calls."""

from app.clients import client


def ask_with_tools(question, tools):
    return client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=512,
        tools=tools,
        messages=[{"role": "user", "content": question}],
    )
