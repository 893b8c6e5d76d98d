#!/usr/bin/env bash
# Make Debian's `chromium` available at /usr/bin/chromium for the browser tests (Playwright
# drives it through executable_path; `playwright install` downloads are never used).
#
# Idempotent: does nothing when the binary is there; otherwise installs the apt package,
# refreshing the package lists only when the first attempt fails (fresh CI machines).
set -euo pipefail

CHROMIUM=/usr/bin/chromium

log() { echo "ensure-chromium: $*" >&2; }

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
log "installing chromium (apt-get)"
"${SUDO[@]}" apt-get install -y --no-install-recommends chromium || {
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" apt-get install -y --no-install-recommends chromium
}
[ -x "$CHROMIUM" ] || { log "$CHROMIUM is still missing after the install"; exit 1; }
