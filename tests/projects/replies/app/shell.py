"""A function of another module that returns the reply's text, run as a command."""

import os

from app.suggest import suggest_command


def run_suggestion(task):
    os.system(suggest_command(task))
