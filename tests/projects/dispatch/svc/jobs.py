"""Batch jobs take any LLM."""

from svc.llm.base import BaseLLM
from svc.llm.providers.echo import EchoLLM


def run(llm: BaseLLM, prompts):
    out = []
    for prompt in prompts:
        try:
            out.append(llm.complete(prompt))
        except:
            out.append("")
    return out


def dry_run(prompts):
    llm = EchoLLM("none")
    try:
        return [llm.ask(p) for p in prompts]
    except Exception:
        return []
