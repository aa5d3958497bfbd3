"""A whole run: discovery, workers, the results cache, baselines, progress, noqa writing."""
