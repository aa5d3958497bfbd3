"""The rule framework: the Rule class, what a rule sees (RuleContext), cases, and the fix edits and wording rules share."""
