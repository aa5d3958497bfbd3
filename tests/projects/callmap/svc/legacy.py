"""A retry left from an OpenAI version: it retries only OpenAI's errors."""

import backoff
import openai

from svc.llm import ask_claude


@backoff.on_exception(backoff.expo, openai.RateLimitError)
def legacy_answer(question):
    return ask_claude(question)
