"""The rule framework: the Rule class, what a rule sees (RuleContext), cases, the registry, shared fix edits."""
