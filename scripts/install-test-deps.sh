#!/usr/bin/env bash
# Install the tools the tests use, when they are missing:
#   poppler-utils (pdftotext: an independent check of PDF page numbers),
#   chromium and chromium-driver (the browser test of the Datasette site),
#   axe-core from npm (the accessibility check in the browser test; scripts/install-axe.sh).
set -euo pipefail

debian_tools() {
  local missing=()
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages for the tests: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo="sudo"
    else
      echo "Cannot install ${missing[*]} (not root, no sudo): the tests that need them will be skipped." >&2
      return 0
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null || true
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

debian_tools
"$(dirname "$0")/install-axe.sh"
