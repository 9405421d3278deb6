"""NLU pipeline components of our own, named in config.yml by module path."""
