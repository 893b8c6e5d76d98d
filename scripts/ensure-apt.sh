#!/usr/bin/env bash
# Debian packages the documents need at run time and in the tests:
#   libpango-1.0-0, libpangoft2-1.0-0  text layout for WeasyPrint (PDF); it loads them with
#                                      cffi, so pip cannot bring them
#   fonts-dejavu-core                  a font that is always there (the PDF falls back to it
#                                      when Bootstrap Italia's Titillium Web is not copied yet,
#                                      and takes ≥, ≤, € from it)
#   poppler-utils                      pdftotext / pdftoppm / pdfinfo: the tests read the PDFs
#                                      back and draw their first page
#
# Idempotent: installs only what is missing, refreshing the package lists only when the first
# attempt fails (fresh CI machines).
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils)

log() { echo "ensure-apt: $*" >&2; }

missing=()
for package in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
log "installing ${missing[*]} (apt-get)"
"${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" || {
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}
