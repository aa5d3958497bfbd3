PRICES = {"claude-3-opus-20240229": 15.0, "claude-3-haiku-20240307": 0.25}


def cost(model, tokens):
    return PRICES.get(model, 0.0) * tokens
