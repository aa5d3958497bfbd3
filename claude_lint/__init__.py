"""claude-lint: a linter for error handling around Claude API calls."""

__version__ = "0.1.0"
