"""What the linter knows about the Anthropic SDK: facts, generation from SDK source, loading."""
