"""Write a dense benchmark corpus: realistic modules where every file calls Claude.

Each module mixes what real applications do: a sync or async client (built,
injected, or on `self`), plain calls, try/except handlers of every kind,
tenacity/backoff/stamina decorators, manual retry loops, recursion, helper
functions that call other helpers, response handling and plain business
logic in between. The mix is seeded, so the same arguments give the same
corpus.

    python bench/generate_corpus.py OUT_DIR [--lines 300000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

HEADER = '''"""{title} service: generated for claude-lint benchmarks."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from dataclasses import dataclass, field

import anthropic
import backoff
import httpx
import stamina
from anthropic import AsyncAnthropic
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

logger = logging.getLogger(__name__)
client = anthropic.Anthropic(max_retries={retries})
aclient = AsyncAnthropic()
MODEL = "{model}"


@dataclass
class {title}Record:
    """A unit of work."""

    ident: int
    text: str
    tags: list[str] = field(default_factory=list)
    score: float = 0.0

    def normalised(self) -> str:
        return " ".join(self.text.split()).strip()

    def weight(self) -> float:
        total = 0.0
        for tag in self.tags:
            total += len(tag) * 0.5
        return total + self.score
'''

TEMPLATES = [
    # Plain call with a good handler.
    '''

def summarise_{n}(record: {title}Record) -> str:
    """Summarise one record."""
    prompt = f"Summarise: {{record.normalised()}}"
    try:
        response = client.messages.create(
            model=MODEL,
            max_tokens=512,
            messages=[{{"role": "user", "content": prompt}}],
        )
    except anthropic.RateLimitError:
        logger.warning("rate limited on %s", record.ident)
        raise
    except anthropic.APIError as exc:
        raise RuntimeError("summary failed") from exc
    return "".join(block.text for block in response.content if block.type == "text")
''',
    # Bare except that swallows.
    '''

def classify_{n}(record: {title}Record) -> dict:
    try:
        response = client.messages.create(
            model=MODEL,
            max_tokens=256,
            messages=[{{"role": "user", "content": "Classify: " + record.text}}],
        )
        return json.loads(response.content[0].text)
    except:
        return {{}}
''',
    # tenacity decorator.
    '''

@retry(
    retry=retry_if_exception_type((anthropic.RateLimitError, anthropic.InternalServerError)),
    stop=stop_after_attempt(5),
    wait=wait_random_exponential(multiplier=1, max=30),
)
def tag_{n}(record: {title}Record) -> list[str]:
    response = client.messages.create(
        model=MODEL,
        max_tokens=128,
        messages=[{{"role": "user", "content": "Tags for: " + record.text}}],
    )
    return [line.strip() for line in response.content[0].text.splitlines() if line.strip()]
''',
    # Manual retry loop.
    '''

def translate_{n}(text: str, language: str = "fr") -> str | None:
    for attempt in range(4):
        try:
            response = client.messages.create(
                model=MODEL,
                max_tokens=1024,
                system=f"Translate into {{language}}.",
                messages=[{{"role": "user", "content": text}}],
            )
            return response.content[0].text
        except Exception as exc:
            logger.info("attempt %d failed: %s", attempt, exc)
            time.sleep(2 ** attempt)
    return None
''',
    # Async call with an indirect caller.
    '''

async def draft_{n}(topic: str) -> str:
    message = await aclient.messages.create(
        model=MODEL,
        max_tokens=800,
        messages=[{{"role": "user", "content": f"Draft a note about {{topic}}"}}],
    )
    return message.content[0].text


async def draft_many_{n}(topics: list[str]) -> list[str]:
    results = []
    for topic in topics:
        try:
            results.append(await draft_{n}(topic))
        except anthropic.APIConnectionError:
            time.sleep(1)
    return results
''',
    # backoff and stamina.
    '''

@backoff.on_exception(backoff.expo, anthropic.APIError)
def extract_{n}(record: {title}Record) -> str:
    return client.messages.create(
        model=MODEL,
        max_tokens=300,
        messages=[{{"role": "user", "content": "Extract entities: " + record.text}}],
    ).content[0].text


@stamina.retry(on=anthropic.RateLimitError, attempts=3)
def score_{n}(record: {title}Record) -> float:
    reply = client.messages.create(
        model=MODEL,
        max_tokens=16,
        messages=[{{"role": "user", "content": "Score 0-1: " + record.text}}],
    )
    try:
        return float(reply.content[0].text)
    except ValueError:
        return 0.0
''',
    # A class holding the client, with a recursive retry.
    '''

class {title}Assistant{n}:
    def __init__(self, api: anthropic.Anthropic | None = None) -> None:
        self.client = api or anthropic.Anthropic()
        self.history: list[dict] = []

    def ask(self, question: str, retries: int = 3) -> str:
        self.history.append({{"role": "user", "content": question}})
        try:
            reply = self.client.messages.create(
                model=MODEL,
                max_tokens=1000,
                messages=self.history,
            )
        except anthropic.InternalServerError:
            if retries <= 0:
                raise
            time.sleep(random.uniform(0, 2))
            return self.ask(question, retries - 1)
        except httpx.TimeoutException:
            return ""
        self.history.append({{"role": "assistant", "content": reply.content}})
        return reply.content[0].text
''',
    # Business logic without calls.
    '''

def rank_{n}(records: list[{title}Record]) -> list[{title}Record]:
    buckets: dict[int, list[{title}Record]] = {{}}
    for record in records:
        bucket = int(record.weight()) % 7
        buckets.setdefault(bucket, []).append(record)
    ordered = []
    for key in sorted(buckets):
        group = sorted(buckets[key], key=lambda r: (-r.score, r.ident))
        ordered.extend(group)
    return ordered


def merge_{n}(left: dict, right: dict) -> dict:
    merged = dict(left)
    for key, value in right.items():
        if key in merged and isinstance(merged[key], list):
            merged[key] = [*merged[key], *value]
        else:
            merged[key] = value
    return merged
''',
]

TITLES = ["Ticket", "Invoice", "Review", "Document", "Message", "Report", "Order", "Lead"]
MODELS = ["claude-sonnet-4-6", "claude-haiku-4-5", "claude-opus-4-7"]


def write_module(path: Path, rng: random.Random, target_lines: int) -> int:
    title = rng.choice(TITLES)
    parts = [HEADER.format(title=title, retries=rng.choice([0, 2, 3]), model=rng.choice(MODELS))]
    lines = parts[0].count("\n")
    n = 0
    while lines < target_lines:
        block = rng.choice(TEMPLATES).format(n=n, title=title)
        parts.append(block)
        lines += block.count("\n")
        n += 1
    text = "".join(parts)
    path.write_text(text, encoding="utf-8")
    return text.count("\n")


def generate(out: Path, total_lines: int, seed: int, lines_per_file: int = 600) -> tuple[int, int]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    written = files = 0
    package = 0
    while written < total_lines:
        directory = out / f"pkg{package:03d}"
        directory.mkdir(exist_ok=True)
        for index in range(20):
            if written >= total_lines:
                break
            size = rng.randint(lines_per_file // 2, lines_per_file * 3 // 2)
            written += write_module(directory / f"module{index:02d}.py", rng, size)
            files += 1
        package += 1
    return files, written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lines", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lines-per-file", type=int, default=600)
    args = parser.parse_args()
    files, lines = generate(args.out, args.lines, args.seed, args.lines_per_file)
    print(f"wrote {files} files, {lines} lines to {args.out}")


if __name__ == "__main__":
    main()
