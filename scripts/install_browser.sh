#!/usr/bin/env bash
# The browser tests drive Debian's Chromium with Playwright. Playwright never
# downloads a browser here: this installs the distribution package when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "setup: /usr/bin/chromium is missing and cannot be installed automatically (needs root and apt-get)." >&2
echo "       Install it (Debian/Ubuntu: sudo apt-get install chromium), then run the command again." >&2
exit 1
