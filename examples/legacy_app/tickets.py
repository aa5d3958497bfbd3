"""Summarise and classify support tickets."""

import json
import logging

import anthropic
import httpx

from .llm import ask_claude, client

logger = logging.getLogger(__name__)


class TicketError(Exception):
    pass


def summarise_ticket(ticket: dict) -> str:
    try:
        response = client.messages.create(
            model="claude-haiku-4-5",
            max_tokens=300,
            messages=[{"role": "user", "content": f"Summarise this ticket:\n{ticket['body']}"}],
        )
        return response.content[0].text
    except:
        logger.error("summary failed for %s", ticket["id"])
        return "(no summary)"


def suggested_reply(ticket: dict) -> str:
    # ask_claude lives in another module; cross-module call sites are not tracked yet.
    return ask_claude(f"Draft a polite reply to:\n{ticket['body']}")


def classify_ticket(ticket: dict) -> dict:
    try:
        response = client.messages.create(
            model="claude-haiku-4-5",
            max_tokens=256,
            messages=[{"role": "user", "content": f"Classify as JSON: {ticket['body']}"}],
        )
        return json.loads(response.content[0].text)
    except anthropic.APIError as e:
        raise TicketError(f"classification failed: {e}")
    except anthropic.RateLimitError:
        logger.warning("rate limited, skipping ticket %s", ticket["id"])
        return {}


def triage(tickets: list[dict]) -> list[dict]:
    results = []
    for ticket in tickets:
        try:
            results.append(classify_ticket(ticket))
        except Exception:
            continue
    return results


def answer_with_timeout(question: str) -> str | None:
    try:
        response = client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=512,
            messages=[{"role": "user", "content": question}],
            timeout=20,
        )
        return response.content[0].text
    except httpx.TimeoutException:
        logger.warning("Claude timed out")
        return None
