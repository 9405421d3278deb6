# Defaults for every variable the services read; an exported value wins. Sourced by the scripts
# behind `make run`, `make test` and `make bench`, which are demo commands: they run in demo mode
# (demo customers, the outbox, /demo routes) unless DEMO_MODE is exported, and on private secrets
# generated once into var/secrets.env. The services themselves default to production.
export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}$(pwd)"
export DEMO_MODE="${DEMO_MODE:-1}"
export RASA_HOST="${RASA_HOST:-127.0.0.1}"
export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_PORT="${ACTION_PORT:-5055}"
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://localhost:$ACTION_PORT/webhook}"
export TRACKER_DB="${TRACKER_DB:-var/tracker.db}"
export ACCOUNT_SERVICE_PORT="${ACCOUNT_SERVICE_PORT:-8081}"
export ACCOUNT_SERVICE_URL="${ACCOUNT_SERVICE_URL:-http://localhost:$ACCOUNT_SERVICE_PORT}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export RASA_TELEMETRY_ENABLED=false
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# The same reading of DEMO_MODE as every process's (1/true/yes/on, any case).
if [[ "${DEMO_MODE,,}" =~ ^(1|true|yes|on)$ ]]; then
  .venv/bin/python scripts/demo_secrets.py --out var/secrets.env
  # shellcheck disable=SC1091
  source var/secrets.env
fi
