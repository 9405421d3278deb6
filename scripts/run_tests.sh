#!/usr/bin/env bash
# The whole test suite, in the order a failure is cheapest to read. Called by `make test`
# after set-up and training. Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
mkdir -p results

step() { printf '\n=== %s\n' "$*"; }

step "lint (ruff)"
.venv/bin/ruff check actions channels nlu_components scripts tests

step "rasa data validate (no warnings allowed)"
.venv/bin/rasa data validate --domain domain --data data --config config.yml --fail-on-warnings

step "test stories (rasa test core --fail-on-prediction-errors)"
.venv/bin/rasa test core --model models --stories tests/stories --out results/core \
  --fail-on-prediction-errors

step "held-out NLU test set through the full pipeline, per topic"
.venv/bin/python scripts/evaluate_nlu.py --examples tests/nlu --out results/nlu

step "pytest: units, and conversations against real servers"
.venv/bin/pytest
