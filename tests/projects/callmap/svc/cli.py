"""The entry point: a handler two calls above the Claude call."""

import logging

from svc.jobs import run_all


def main(prompts):
    try:
        return run_all(prompts)
    except Exception:
        logging.exception("the jobs failed")
        raise
