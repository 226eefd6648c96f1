#!/usr/bin/env bash
# Run the whole suite on SQLite, then on PostgreSQL. An unreachable PostgreSQL is a failure
# (exit 1): a green run must mean both databases passed. Only HUB_TEST_ALLOW_NO_POSTGRES=1 (never
# set in CI) turns it into a loud warning, for a laptop without PostgreSQL; the run then says so.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
which_dbs=${1:-all}
PG_URL=${HUB_TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/hub}
PYTEST_ARGS=${PYTEST_ARGS:--n 2 -q}

# The browser tests need Debian's chromium; install it when we can.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing chromium and CJK fonts (apt-get)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) >/dev/null
fi

# axe-core for the accessibility check, from the npm registry (pinned by package-lock.json).
if [ ! -f tests/e2e/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null; then
  echo "== installing axe-core (npm ci)"
  npm ci --prefix tests/e2e --no-audit --no-fund >/dev/null
fi

status=0
if [ "$which_dbs" != postgres ]; then
  echo "== test suite on SQLite"
  $PY -m pytest $PYTEST_ARGS || status=$?
fi
if [ "$which_dbs" != sqlite ]; then
  if $PY - "$PG_URL" <<'PYEOF'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres", connect_timeout=5).close()
except Exception as exc:
    print(f"PostgreSQL unreachable: {exc}", file=sys.stderr)
    sys.exit(1)
PYEOF
  then
    echo "== test suite on PostgreSQL ($PG_URL)"
    HUB_TEST_DATABASE_URL=$PG_URL $PY -m pytest $PYTEST_ARGS || status=$?
  elif [ "${HUB_TEST_ALLOW_NO_POSTGRES:-}" = 1 ] && [ "${CI:-}" != true ]; then
    echo "!! WARNING: PostgreSQL unreachable at $PG_URL: the PostgreSQL run was SKIPPED" >&2
    echo "!! (HUB_TEST_ALLOW_NO_POSTGRES=1). This run does not show the suite passes on PostgreSQL." >&2
  else
    echo "!! FAIL: PostgreSQL is unreachable at $PG_URL: the suite must also run on it." >&2
    echo "!! Start PostgreSQL or set HUB_TEST_PG_URL (or, knowingly, HUB_TEST_ALLOW_NO_POSTGRES=1)." >&2
    status=1
  fi
fi
exit $status
