import os

from app import Sampler
from app.agent import Agent, ModelConfig
from app.fast import FastSampler
from app.loop import sampling_loop
from app.prices import cost

SAMPLERS = {
    "opus": Sampler(model="claude-3-opus-20240229"),
    "current": Sampler("claude-sonnet-4-6", temperature=0.0),
    "fast": FastSampler("claude-3-haiku-20240307"),
}
DEFAULT_MODELS = {
    "anthropic": "claude-3-5-sonnet-20241022",
    "bedrock": "anthropic.claude-3-5-sonnet-20241022-v2:0",
}
SUPPORTED = ["claude-3-opus-20240229", "claude-2.1"]
ALIASES = {"old": "claude-2.1"}


def main(provider, prompt):
    model = os.getenv("CLAUDE_MODEL", "claude-3-7-sonnet-20250219")
    Sampler(model)(prompt)
    sampling_loop(model=DEFAULT_MODELS[provider], prompt=prompt)
    Agent(ModelConfig(model="claude-opus-4-20250514")).run(prompt)
    print(cost("claude-3-opus-20240229", 10))
