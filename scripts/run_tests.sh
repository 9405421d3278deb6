#!/usr/bin/env bash
# The whole test suite, in the order a failure is cheapest to read. Called by `make test`
# after set-up and training. Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
mkdir -p results

step() { printf '\n=== %s\n' "$*"; }

step "lint (ruff)"
.venv/bin/ruff check account_service analytics actions channels common localization nlu_components privacy rasa_server scripts storage tests web

step "type check (mypy)"
.venv/bin/mypy

step "rasa data validate (no warnings allowed)"
# The responses that task actions utter look unused to the validator (it reads only rules and
# stories); tests/unit/test_responses.py checks those instead. Any other warning fails.
if ! .venv/bin/rasa data validate --domain domain --data data --config config.yml --fail-on-warnings \
  >results/validate.log 2>&1; then
  cat results/validate.log; exit 1
fi
grep -v "is not used in any story or rule" results/validate.log | tail -3
if grep "UserWarning" results/validate.log | grep -v "is not used in any story or rule"; then
  echo "rasa data validate warned (see above)"; exit 1
fi

step "test stories (rasa test core --fail-on-prediction-errors)"
.venv/bin/rasa test core --model models --stories tests/stories --out results/core \
  --fail-on-prediction-errors

step "held-out NLU sets through the full pipeline: per set, language and topic; errors by cause"
# One model load for every set under tests/nlu/; fails when a language misses 90% in scope or
# 90% out-of-scope rejection. Details: results/nlu/summary.md and error_analysis.md.
.venv/bin/python scripts/evaluate_nlu.py --root tests/nlu --out results/nlu --min-accuracy 0.90 \
  --min-rejection 0.90

step "pytest: units, and conversations against real servers"
.venv/bin/pytest
