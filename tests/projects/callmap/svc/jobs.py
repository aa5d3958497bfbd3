"""Jobs: tenacity around the wrapper, and a handler around the jobs."""

from anthropic import RateLimitError
from tenacity import retry, stop_after_attempt, wait_random_exponential

from svc.llm import ask_claude


@retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=30))
def run_job(prompt):
    return ask_claude(prompt)


def run_all(prompts):
    results = []
    for prompt in prompts:
        try:
            results.append(run_job(prompt))
        except RateLimitError:
            results.append(None)
    return results
