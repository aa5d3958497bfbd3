"""Which provider answers: chosen by name from a dict, or by a function that returns one."""

import time

import openai

from .claude import ask_claude
from .gpt import ask_gpt

PROVIDERS = {"claude": ask_claude, "gpt": ask_gpt}


def ask(name, question):
    provider = PROVIDERS.get(name)
    for attempt in range(3):
        try:
            return provider(question)
        except Exception:
            time.sleep(2**attempt)
    raise RuntimeError("no answer")


def pick(model):
    if model.startswith("claude"):
        return ask_claude
    return ask_gpt


def ask_once(model, question):
    try:
        return pick(model)(question)
    except openai.APIError:
        return None
