"""Providers that answer a question, chosen by name."""
