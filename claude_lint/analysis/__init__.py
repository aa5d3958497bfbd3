"""Analysis of one module: the CST walk, positions, the module model, values, responses, retries."""
