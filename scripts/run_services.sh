#!/usr/bin/env bash
# Starts every service on localhost, prints the URLs, and stops them all on Ctrl-C.
# `--shell` chats in the terminal instead of serving the REST and socket channels.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

mkdir -p var
pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

wait_healthy() {  # name url seconds
  for _ in $(seq 1 "$3"); do
    if curl -fsS -m 2 "$2" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "$1 did not become healthy at $2 within $3 s" >&2
  return 1
}

.venv/bin/python -m account_service >var/account-service.log 2>&1 &
pids+=($!)
wait_healthy "account service" "http://localhost:$ACCOUNT_SERVICE_PORT/health" 60

# Rasa presents ACTION_SERVER_TOKEN to the action server (endpoints.yml); in demo mode it comes
# from var/secrets.env (scripts/env.sh).
.venv/bin/python -m actions.server --port "$ACTION_PORT" >var/actions.log 2>&1 &
pids+=($!)
wait_healthy "action server" "http://localhost:$ACTION_PORT/health" 60

if [ "${1:-}" = "--shell" ]; then
  .venv/bin/rasa shell --model models --endpoints endpoints.yml
  exit 0
fi

# The Rasa server with our settings checks; its HTTP API needs a JWT (var/rasa-api-token).
.venv/bin/python -m rasa_server >var/rasa.log 2>&1 &
pids+=($!)
wait_healthy "Rasa server" "http://localhost:$RASA_PORT/" 180
if [ -n "${RASA_JWT_SECRET:-}" ]; then
  (umask 077 && .venv/bin/python -m rasa_server.api_token --days 7 >var/rasa-api-token)
fi

# The analytics consumer: reads the tracker store's table (no broker in `make run`) into the
# analytics tables (var/analytics.db) that the console's insights page and `make report` read.
export ANALYTICS_HEALTH_PORT="${ANALYTICS_HEALTH_PORT:-8090}"
.venv/bin/python -m analytics >var/analytics.log 2>&1 &
pids+=($!)
wait_healthy "analytics consumer" "http://localhost:$ANALYTICS_HEALTH_PORT/health" 60

# The website demo with the chat widget (web/); the widget connects to Rasa at RASA_URL.
export WEB_PORT="${WEB_PORT:-8080}"
export RASA_URL="${RASA_URL:-http://localhost:$RASA_PORT}"
.venv/bin/python -m web.server >var/web.log 2>&1 &
pids+=($!)
wait_healthy "website" "http://localhost:$WEB_PORT/health" 30

cat <<TXT

The assistant is running (logs in var/):
  website          http://localhost:$WEB_PORT   (the support page with the chat widget; demo phone in demo mode)
  agent console    http://localhost:$WEB_PORT/agent   (demo mode: agent / demo-agent-password; AGENT_USERS otherwise)
                   operators: demo mode: operator / demo-operator-password (OPERATOR_USERS otherwise); insights: /agent/insights
  analytics        var/analytics.log   (python -m analytics: tracker table -> var/analytics.db; health :$ANALYTICS_HEALTH_PORT)
  Rasa server      http://localhost:$RASA_PORT   (REST: POST /webhooks/rest/webhook; HTTP API: Authorization: Bearer \$(cat var/rasa-api-token))
  action server    http://localhost:$ACTION_PORT/health
  account service  http://localhost:$ACCOUNT_SERVICE_PORT   (API: /openapi.json; demo outbox: /demo/outbox?user_id=alex.morgan)
Press Ctrl-C to stop everything.
TXT
wait -n "${pids[@]}"
echo "A service stopped; see var/*.log. Stopping the rest." >&2
