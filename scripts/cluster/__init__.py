"""`make cluster`: the production profile on one machine (scripts/cluster/__main__.py)."""
