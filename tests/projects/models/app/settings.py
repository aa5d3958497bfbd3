from pydantic import BaseModel, Field


class _Strict(BaseModel):
    pass


class AgentConfig(_Strict):
    model: str = Field(default="claude-sonnet-4-6")
    temperature: float = 0.5


class LLMConfig(_Strict):
    model: str
    temperature: float = 0.5

    @classmethod
    def from_agent(cls, agent: AgentConfig):
        return cls(model=agent.model, temperature=agent.temperature)


class Defaults(_Strict):
    agents: dict[str, AgentConfig] = Field(
        default={
            "writer": AgentConfig(model="claude-3-7-sonnet-20250219"),
            "reviewer": AgentConfig(model="claude-sonnet-4-6", temperature=0.0),
        }
    )
