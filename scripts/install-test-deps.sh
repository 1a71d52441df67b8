#!/usr/bin/env bash
# Install the Debian tools the tests use, when they are missing:
#   poppler-utils (pdftotext: an independent check of PDF page numbers, and text exports of PDFs),
#   chromium and chromium-driver (the browser test of the Datasette site, and printing pages to PDF),
#   libreoffice-writer-nogui (Word files exported to PDF) and pandoc (markdown to Word and HTML) for
#   the rendering matrix (scripts/render_matrix.py), with the Liberation and Carlito fonts that stand
#   in for Arial and Calibri as they do on most machines that make councils' PDFs.
set -euo pipefail
missing=()
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
command -v pandoc >/dev/null 2>&1 || missing+=(pandoc)
if command -v fc-list >/dev/null 2>&1; then
  fc-list | grep -q "Liberation Sans" || missing+=(fonts-liberation2)
  fc-list | grep -q "Carlito" || missing+=(fonts-crosextra-carlito)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages for the tests: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Cannot install ${missing[*]} (not root, no sudo): the tests that need them will be skipped." >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null || true
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
