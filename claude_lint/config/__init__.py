"""Configuration: settings from pyproject.toml or claude-lint.toml, and rule selection."""
