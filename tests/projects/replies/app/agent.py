"""Agent loops that send the model's answers back to it through the LLM layer."""

from app.llm import BaseLLM


class Agent:
    llm: BaseLLM

    async def run(self, task, tools):
        messages = [{"role": "user", "content": task}]
        while True:
            answer = await self.llm.chat(messages)
            messages.append({"role": "assistant", "content": answer})
            if "DONE" in answer:
                return answer
            messages.append({"role": "user", "content": tools.run(answer)})

    async def run_bounded(self, task, tools):
        messages = [{"role": "user", "content": task}]
        for _turn in range(10):
            answer = await self.llm.chat(messages)
            messages.append({"role": "assistant", "content": answer})
            if "DONE" in answer:
                return answer
            messages.append({"role": "user", "content": tools.run(answer)})
        raise RuntimeError("no answer in 10 turns")

    async def repl(self):
        history = []
        while True:
            history.append({"role": "user", "content": input("> ")})
            history.append({"role": "assistant", "content": await self.llm.chat(history)})
