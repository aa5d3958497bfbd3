"""A provider built on the package's wrapper, through relative imports."""

import time

from .. import llm
from ..llm import ask_claude as ask


def run(question):
    for _ in range(5):
        try:
            return ask(question)
        except Exception:
            continue


def run_module(question):
    while True:
        try:
            return llm.ask_claude(question)
        except Exception as e:
            print(e)
            time.sleep(1)
