"""Claude's provider retried with tenacity where it is used: in a dict of providers, and at a call."""

import tenacity

from .claude import ask_claude
from .gpt import ask_gpt

PROVIDERS = {"claude": tenacity.retry(stop=tenacity.stop_after_attempt(3))(ask_claude), "gpt": ask_gpt}


def ask(name, question):
    return PROVIDERS[name](question)


def ask_until_answered(question):
    retried = tenacity.retry(retry=tenacity.retry_if_exception_type(Exception), reraise=True)(ask_claude)
    try:
        return retried(question)
    except Exception:
        return None
