#!/usr/bin/env bash
# Load test: a fresh PostgreSQL database, the OneGov seed, gunicorn, then locust headless.
# Prints requests per second, p50 and p99 latency and the error count, and stops everything it started.
#
#   bench/load/run.sh                          # 50 clients, 60 s, on the routes that exist
#   LOAD_EXPECT_API=1 bench/load/run.sh        # after the API is merged: a missing API route is an error
#   RESTART_POSTGRES_AT=20 bench/load/run.sh   # restart PostgreSQL (pg_ctlcluster -m immediate) 20 s in;
#                                              # it disturbs everything on that server: never on a shared one
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PY:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
BIN=$(dirname "$PY")
PG=${LOAD_PG:-postgres://postgres@127.0.0.1:5432}
DB=${LOAD_DB:-registry_load}
PORT=${LOAD_PORT:-8765}
USERS=${LOAD_USERS:-50}
DURATION=${LOAD_DURATION:-60s}
WORKERS=${LOAD_GUNICORN_WORKERS:-4}
RESTART_POSTGRES_AT=${RESTART_POSTGRES_AT:-0}
WORK=$(mktemp -d -t registry-load-XXXXXX)

export DATABASE_URL="$PG/$DB" REGISTRY_VAR_DIR="$WORK/var" DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost
export SECRET_KEY="load-test-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0
export LOG_LEVEL=WARNING

gunicorn_pid=""
restart_pid=""
cleanup() {
  [ -n "$restart_pid" ] && kill "$restart_pid" 2>/dev/null || true
  [ -n "$gunicorn_pid" ] && kill "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== fresh database $DB"
"$PY" - "$PG" "$DB" <<'PYEOF'
import sys, psycopg
url, name = sys.argv[1], sys.argv[2]
with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
PYEOF
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py seed_onegov --demo >/dev/null
"$PY" manage.py collectstatic --noinput -v0

echo "== gunicorn ($WORKERS workers) on 127.0.0.1:$PORT"
"$BIN/gunicorn" config.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" --log-level warning &
gunicorn_pid=$!
for _ in $(seq 60); do
  "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/accounts/login/', timeout=2)" \
    2>/dev/null && break
  sleep 0.5
done

if [ "$RESTART_POSTGRES_AT" -gt 0 ]; then
  echo "== PostgreSQL will be restarted (immediate) after $RESTART_POSTGRES_AT s"
  ( sleep "$RESTART_POSTGRES_AT"
    cluster=$(ls /etc/postgresql | head -n1)
    date +"%T restarting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$cluster" main restart -m immediate
    date +"%T PostgreSQL is back" ) &
  restart_pid=$!
fi

echo "== locust: $USERS clients for $DURATION"
status=0
"$BIN/locust" -f bench/load/locustfile.py --headless --users "$USERS" --spawn-rate "$USERS" \
  --run-time "$DURATION" --host "http://127.0.0.1:$PORT" --only-summary --loglevel WARNING \
  >"$WORK/locust.log" 2>&1 || status=$?
grep -E "LOAD RESULT|^  |API routes|ERROR" "$WORK/locust.log" | grep -v Aggregated || tail -n 30 "$WORK/locust.log"
exit "$status"
