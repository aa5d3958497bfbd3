from pydantic import BaseModel

PRICES = {"claude-3-opus-20240229": 15.0, "claude-3-haiku-20240307": 0.25}


class PriceRow(BaseModel):
    model: str
    per_million: float


ROWS = [PriceRow(model="claude-3-opus-20240229", per_million=15.0)]


def cost(model, tokens):
    return PRICES.get(model, 0.0) * tokens
