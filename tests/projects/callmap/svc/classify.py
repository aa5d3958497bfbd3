"""The reference helper: it validates the request and retries by itself."""

import anthropic
from claude_lint.helper import RetryPolicy, create_message

client = anthropic.Anthropic()


def classify(text):
    return create_message(
        client,
        retry=RetryPolicy(max_attempts=5),
        model="claude-3-opus-20240229",
        max_tokens=16,
        messages=[{"role": "user", "content": text}],
    )
