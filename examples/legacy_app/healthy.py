"""Code that handles Claude's errors well: claude-lint has nothing to say here."""

import logging

import anthropic

logger = logging.getLogger(__name__)
client = anthropic.Anthropic()


class ReportError(Exception):
    pass


def weekly_report(notes: str) -> str:
    try:
        response = client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=2048,
            messages=[{"role": "user", "content": f"Write a weekly report from:\n{notes}"}],
        )
    except anthropic.RateLimitError:
        logger.warning("rate limited; the caller will retry later")
        raise
    except anthropic.APIError as exc:
        raise ReportError("the report could not be written") from exc
    return "".join(block.text for block in response.content if block.type == "text")
