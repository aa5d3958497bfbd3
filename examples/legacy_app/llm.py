"""Shared Anthropic client and the lowest-level call."""

import logging
import os

import anthropic

logger = logging.getLogger(__name__)

client = anthropic.Anthropic(api_key=os.environ.get("ANTHROPIC_API_KEY"))


def ask_claude(prompt: str, max_tokens: int = 1024) -> str:
    """One question, one answer."""
    try:
        response = client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=max_tokens,
            messages=[{"role": "user", "content": prompt}],
        )
    except anthropic.APIError:
        return ""
    return response.content[0].text


def ask_with_system(system: str, prompt: str) -> str:
    try:
        response = client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=1024,
            system=system,
            messages=[{"role": "user", "content": prompt}],
        )
    except anthropic.RateLimitException:
        logger.warning("rate limited")
        raise
    return response.content[0].text
