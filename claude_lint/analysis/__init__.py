"""Analysis of one module: the CST walk, node questions (syntax), positions, the module model
(records, imports, collector, resolution), values, responses, retries."""
