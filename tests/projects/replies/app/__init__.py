"""A small assistant app whose model replies are run as code, through classes in other modules."""
