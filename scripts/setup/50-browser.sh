#!/usr/bin/env bash
# The real browser the page's end-to-end test drives: Debian's Chromium and its matching
# ChromeDriver (apt), and Selenium (PyPI). Idempotent, quiet and non-interactive; does nothing
# when everything is present.
set -euo pipefail
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
# Without a colour emoji font the unicode file names in the screenshots show as boxes.
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need_apt+=(fonts-noto-color-emoji)
if [ ${#need_apt[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
python3 -c 'import selenium' 2>/dev/null || python3 -m pip install -q selenium
