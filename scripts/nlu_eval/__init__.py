"""Held-out NLU measurement: load the sets, score them per language, tag the errors by cause, report.

Everything here reads predictions and writes reports; nothing changes the model or the data.
`scripts/evaluate_nlu.py` is the command that puts the pieces together.
"""
