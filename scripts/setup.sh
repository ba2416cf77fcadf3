#!/usr/bin/env bash
# Set up a fresh machine for the registry: system packages (when root), a virtualenv in .venv,
# and every Python dependency. Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qi dejavu || need_apt+=(fonts-dejavu-core)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing system packages: ${need_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages: ${need_apt[*]} (browser tests and PDF checks need them)" >&2
  fi
fi

# The portal's front-end packages (USWDS, htmx; axe-core for the browser tests), pinned by
# package-lock.json and served by the application itself. Reinstalled when the lock file changes.
if command -v npm >/dev/null 2>&1; then
  npm_stamp=node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)
  if [ ! -f "$npm_stamp" ]; then
    echo "setup: installing front-end packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    touch "$npm_stamp"
  fi
  # The test OpenID provider (oidc-provider) of the sign-in tests has its own package.json and lock, so the
  # portal's lock stays as it is; it is a test tool, never served.
  oidc_stamp=tests/oidc_provider/node_modules/.installed-$(sha256sum tests/oidc_provider/package-lock.json | cut -c1-16)
  if [ ! -f "$oidc_stamp" ]; then
    echo "setup: installing the test OpenID provider (npm ci in tests/oidc_provider)"
    npm ci --prefix tests/oidc_provider --no-audit --no-fund --loglevel=error
    touch "$oidc_stamp"
  fi
else
  echo "setup: npm is missing; the portal needs node_modules (install Debian's nodejs and npm)" >&2
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python dependencies"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[dev]'
  rm -f .venv/.installed-* && touch "$stamp"
fi
mkdir -p var
