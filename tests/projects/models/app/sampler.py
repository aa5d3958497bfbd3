import anthropic


class Sampler:
    def __init__(self, model, temperature=0.5):
        self.client = anthropic.Anthropic()
        self.model = model
        self.temperature = temperature

    def __call__(self, prompt):
        return self.client.messages.create(
            model=self.model,
            max_tokens=256,
            temperature=self.temperature,
            messages=[{"role": "user", "content": prompt}],
        )
