# Shared setup for scripts/run and scripts/test: a venv with the pinned dependencies,
# Reflex's environment, the migrated database and (when empty) the demo data.
# Sourced, not run. Usage: TPD_EXTRA_REQUIREMENTS=requirements-dev.txt . scripts/_env.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON_BIN="${PYTHON:-python3}"
if ! "$PYTHON_BIN" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "TPD needs Python 3.11 or newer (found: $("$PYTHON_BIN" --version 2>&1))." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON_BIN" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      echo "Installing Debian's python3-venv ..."
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      "$PYTHON_BIN" -m venv .venv
    else
      echo "Cannot create a virtual environment. Install it first: sudo apt-get install python3-venv" >&2
      exit 1
    fi
  fi
fi

# Reinstall only when the requirement files change (a stamp holds their checksum).
REQ_FILES=(constraints.txt requirements.txt ${TPD_EXTRA_REQUIREMENTS:-})
STAMP=".venv/.tpd-requirements"
WANT="$(cat "${REQ_FILES[@]}" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "Installing pinned dependencies ..."
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  args=(-r requirements.txt)
  for extra in ${TPD_EXTRA_REQUIREMENTS:-}; do args+=(-r "$extra"); done
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt "${args[@]}"
  echo "$WANT" > "$STAMP"
fi

export PATH="$ROOT/.venv/bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_TELEMETRY_ENABLED=false
export REFLEX_CHECK_LATEST_VERSION=false
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
