"""Pulling code out of a model's markdown answer."""

import re


def code_block(text: str, lang: str = "python") -> str:
    match = re.search(rf"```{lang}\n(.*?)```", text, re.DOTALL)
    return match.group(1) if match else text


class Blocks:
    @classmethod
    def first_json(cls, text: str) -> str:
        return text.split("```json", 1)[-1].split("```", 1)[0]

    @staticmethod
    def count(text: str) -> int:
        return text.count("```")
