"""Model calls wrapped in the home-made retry decorator."""

import anthropic

from app.retrying import retry_handler, retry_on_specific_exceptions

client = anthropic.Anthropic()


@retry_on_specific_exceptions(
    on_exceptions=[anthropic.RateLimitError, anthropic.APIStatusError],
    max_retries=None,
)
def complete(prompt):
    return client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=256,
        messages=[{"role": "user", "content": prompt}],
    )


def anthropic_chat_request(**kwargs):
    return client.messages.create(**kwargs)


def chat(**kwargs):
    return retry_handler(retry_limit=3)(anthropic_chat_request)(**kwargs)
