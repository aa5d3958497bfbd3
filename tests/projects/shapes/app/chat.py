"""Uses a client built in app/clients.py."""

from app.clients import fast_client, make_client


def reply(prompt):
    return fast_client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=256,
        messages=[{"role": "user", "content": prompt}],
    )


def reply_fresh(prompt):
    return make_client().messages.create(
        model="claude-sonnet-4-6",
        max_tokens=256,
        messages=[{"role": "user", "content": prompt}],
    )
