"""A mixin base class: the chart code comes from `submit()`, which only the Claude mixin implements."""


class Assistant:
    def submit(self, prompt):
        raise NotImplementedError

    def _clean(self, code: str) -> str:
        return code.replace("fig.show()", "")

    def chart_code(self, question):
        code = self.submit(f"Plot code for: {question}")
        return self._clean(code)

    def show(self, question, df):
        code = self.chart_code(question)
        return self.draw(code=code, df=df)

    def draw(self, code, df):
        scope = {"df": df}
        exec(code, scope)
        return scope.get("fig")
