"""Clients shared by the app."""

import anthropic

client = anthropic.Anthropic()
fast_client = anthropic.Anthropic(max_retries=0)


def make_client() -> anthropic.Anthropic:
    return anthropic.Anthropic(max_retries=0)
