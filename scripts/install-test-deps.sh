#!/usr/bin/env bash
# Install the tools the tests use, when they are missing:
#   poppler-utils (pdftotext: an independent check of PDF page numbers, and text exports of PDFs),
#   chromium and chromium-driver (the browser test of the Datasette site, and printing pages to PDF),
#   libreoffice-writer-nogui (Word files exported to PDF) and pandoc (markdown to Word and HTML) for
#   the rendering matrix (scripts/render_matrix.py), with the Liberation and Carlito fonts that stand
#   in for Arial and Calibri as they do on most machines that make councils' PDFs,
#   axe-core from npm (the accessibility check in the browser test; scripts/install-axe.sh).
set -euo pipefail

debian_tools() {
  local missing=()
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
  command -v pandoc >/dev/null 2>&1 || missing+=(pandoc)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if command -v fc-list >/dev/null 2>&1; then
    fc-list | grep -q "Liberation Sans" || missing+=(fonts-liberation2)
    fc-list | grep -q "Carlito" || missing+=(fonts-crosextra-carlito)
  fi
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
