"""`python -m claude_lint`: the command line."""

from claude_lint.cli import main

if __name__ == "__main__":
    main()
