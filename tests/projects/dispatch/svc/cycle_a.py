"""A worker base class whose module imports its subclass's module (an import cycle)."""

from svc import cycle_b


class Worker:
    def step(self):
        return None

    def run(self):
        while True:
            try:
                return self.step()
            except Exception as e:
                print(e)


def default_worker():
    return cycle_b.ClaudeWorker()
