#!/usr/bin/env bash
# Run the registry on http://127.0.0.1:8000 with the demo data: the web server and a Celery
# worker (with the beat scheduler), on SQLite and the filesystem broker unless the environment
# names PostgreSQL and Redis. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DEBUG="${DEBUG:-true}"
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py seed_onegov --demo
.venv/bin/celery -A config worker --beat --loglevel=INFO --concurrency=2 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
$PY manage.py runserver 127.0.0.1:8000
