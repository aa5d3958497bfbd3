from app.settings import LLMConfig


class BaseClient:
    def __init__(self, config: LLMConfig):
        self.config = config
