"""A service whose Claude calls sit in one module and whose retries sit in its callers."""

from .llm import ask_claude

__all__ = ["ask_claude"]
