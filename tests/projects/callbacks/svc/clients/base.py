"""Backends answer prompts; a store caches their answers."""


class Result:
    def __init__(self, text, ok=True):
        self.text = text
        self.ok = ok


class Backend:
    def answer(self, prompt: str) -> Result:
        raise NotImplementedError


class CachedBackend(Backend):
    def __init__(self, store):
        self.store = store

    def lookup(self, key, compute):
        if key not in self.store:
            self.store[key] = compute()
        return self.store[key]


class EchoBackend(CachedBackend):
    def answer(self, prompt: str) -> Result:
        return Result(self.lookup(prompt, lambda: prompt))
