import anthropic

from app.config import ENV, FAST_MODEL, Settings

client = anthropic.Anthropic()


def answer(question):
    return client.messages.create(
        model=Settings.MODEL,
        max_tokens=Settings.MAX_TOKENS,
        messages=[{"role": "user", "content": question}],
    )


def classify(text):
    return client.messages.create(model=FAST_MODEL, max_tokens=8, messages=[{"role": "user", "content": text}])


def chat(text):
    return client.messages.create(model=ENV["claude_model"], max_tokens=512, messages=[{"role": "user", "content": text}])
