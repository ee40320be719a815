#!/usr/bin/env bash
# Create .venv with Python 3.10 and the pinned packages. Idempotent: when
# requirements.txt and constraints.txt have not changed since the last
# successful install, it returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP="$VENV/.requirements.sha256"
want=$(cat requirements.txt constraints.txt | sha256sum | cut -d' ' -f1)

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi

is_py310() { [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

find_python310() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  candidates+=(python3.10)
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root 2>/dev/null || true)
    [ -n "$root" ] && candidates+=("$root"/versions/3.10.*/bin/python)
  fi
  candidates+=("$HOME"/.pyenv/versions/3.10.*/bin/python /usr/local/bin/python3.10 /usr/bin/python3.10)
  local c
  for c in "${candidates[@]}"; do
    if is_py310 "$c"; then command -v "$c" 2>/dev/null || echo "$c"; return 0; fi
  done
  # A pyenv shim answers only when the version is selected.
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10\.' || true); do
      c=$(PYENV_VERSION=$v pyenv which python 2>/dev/null || true)
      if is_py310 "$c"; then echo "$c"; return 0; fi
    done
  fi
  return 1
}

if [ -x "$VENV/bin/python" ] && ! is_py310 "$VENV/bin/python"; then
  echo "setup: $VENV is not a Python 3.10 environment; recreating it."
  rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
  if ! PY=$(find_python310); then
    cat >&2 <<'MSG'
setup: Python 3.10 was not found.
Rasa Open Source 3.6 runs only on Python 3.8 to 3.10; this project uses 3.10.
Install it, then run the command again, for example:
  - with pyenv:   pyenv install 3.10.13
  - on Debian/Ubuntu (deadsnakes or a recent release):  apt install python3.10 python3.10-venv
Or point to an existing interpreter:  make run PYTHON=/path/to/python3.10
MSG
    exit 1
  fi
  echo "setup: creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi

echo "setup: installing pinned Python packages (first time: about 2-3 minutes)"
start=$(date +%s)
pipq() { "$VENV/bin/python" -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
pipq install --quiet --upgrade pip
pipq install --quiet -r requirements.txt -c constraints.txt
"$VENV/bin/python" -m pip check
echo "$want" > "$STAMP"
echo "setup: Python packages ready in $(( $(date +%s) - start ))s"
