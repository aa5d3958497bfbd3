"""A service whose base classes retry and whose subclasses call Claude."""
