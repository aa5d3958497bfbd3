"""OpenAI's provider."""

import openai

client = openai.OpenAI()


def ask_gpt(question):
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
