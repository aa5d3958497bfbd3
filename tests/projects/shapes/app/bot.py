"""A subclass in another module calls the inherited method."""

from app.base import Assistant


class Bot(Assistant):
    def reply(self, question):
        try:
            return self.ask(question)
        except:
            return ""
