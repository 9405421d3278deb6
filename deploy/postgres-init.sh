#!/bin/sh
# Runs once, when the PostgreSQL volume is new (docker-compose.yml): one role and one database
# each for the account service, Rasa's tracker store and the analytics tables, so none can read
# another's (the analytics consumer and the websites' insights pages share the last).
# Passwords arrive as psql variables, quoted by psql itself.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v account_password="$ACCOUNT_DB_PASSWORD" -v tracker_password="$TRACKER_DB_PASSWORD" \
  -v analytics_password="$ANALYTICS_DB_PASSWORD" <<'SQL'
CREATE ROLE account LOGIN PASSWORD :'account_password';
CREATE DATABASE account OWNER account;
REVOKE ALL ON DATABASE account FROM PUBLIC;
CREATE ROLE tracker LOGIN PASSWORD :'tracker_password';
CREATE DATABASE tracker OWNER tracker;
REVOKE ALL ON DATABASE tracker FROM PUBLIC;
CREATE ROLE analytics LOGIN PASSWORD :'analytics_password';
CREATE DATABASE analytics OWNER analytics;
REVOKE ALL ON DATABASE analytics FROM PUBLIC;
SQL
