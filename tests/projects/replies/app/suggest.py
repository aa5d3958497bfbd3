"""Asks Claude for a shell command and returns its text."""

import anthropic

client = anthropic.Anthropic()


def suggest_command(task: str) -> str:
    message = client.messages.create(
        model="claude-haiku-4-5",
        max_tokens=256,
        messages=[{"role": "user", "content": f"One shell command for: {task}"}],
    )
    return message.content[0].text.strip()
