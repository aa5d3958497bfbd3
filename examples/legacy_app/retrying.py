"""Hand-rolled retries around Claude, the way they pile up in legacy code."""

import logging
import time

import anthropic
from tenacity import retry, stop_after_attempt, wait_exponential

logger = logging.getLogger(__name__)

client = anthropic.Anthropic()
no_retry_client = anthropic.Anthropic(max_retries=0)


@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=1, max=30))
def draft_reply(ticket_text: str) -> str:
    response = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=800,
        messages=[{"role": "user", "content": f"Draft a reply to:\n{ticket_text}"}],
    )
    return response.content[0].text


def extract_order_number(email_body: str) -> str | None:
    for attempt in range(3):
        try:
            response = no_retry_client.messages.create(
                model="claude-haiku-4-5",
                max_tokens=50,
                messages=[{"role": "user", "content": f"Order number in:\n{email_body}"}],
            )
            return response.content[0].text.strip()
        except Exception as exc:
            logger.warning("attempt %d failed: %s", attempt, exc)
            time.sleep(2 ** attempt)
    return None


def sentiment(text: str) -> str:
    try:
        response = client.messages.create(
            model="claude-haiku-4-5",
            max_tokens=5,
            messages=[{"role": "user", "content": f"positive/negative/neutral: {text}"}],
        )
    except anthropic.RateLimitError as e:
        logger.warning(f"Rate limited: {e}")
        time.sleep(1)
    return response.content[0].text
