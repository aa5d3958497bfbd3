import anthropic

client = anthropic.Anthropic()


def sampling_loop(*, model, prompt):
    return client.messages.create(model=model, max_tokens=256, messages=[{"role": "user", "content": prompt}])
