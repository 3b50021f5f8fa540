#!/bin/bash
# t60-serve-browser.sh — the registrar's workspace in a real browser: headless Chromium from
# Debian driven by python3-selenium (tests/web/browser_test.py).  Skips (77) when Chromium, its
# driver or Selenium is missing, and fails then when CI=true.  Screenshots: build/screenshots/.
set -euo pipefail
PY=/usr/bin/python3
if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ] || ! $PY -c "import selenium" 2>/dev/null; then
    echo "chromium, chromium-driver or python3-selenium missing (tools/install-deps.sh)"
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
source "$CRTK_SOURCE/tests/web/serve_fixture.sh"
start_server "$DB" --idle-timeout 0.05
SHORT=$URL
start_server "$DB"
SHOTS=$(dirname "$CRTK")/screenshots
$PY "$CRTK_SOURCE/tests/web/browser_test.py" "$URL" "$SHORT" "$SHOTS" "$DB"
