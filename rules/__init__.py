"""The claude-lint rules, one module per rule (`clNNN_name.py`), packaged as `claude_lint.rules`."""
