#!/usr/bin/env bash
# Install axe-core (the accessibility engine the browser test runs in each page) from the npm
# registry into .cache/axe/ (gitignored), when it is not there yet. Needs npm; without it the
# browser test's accessibility check is skipped (and fails in CI).
set -euo pipefail
AXE_VERSION=4.14.1
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/.cache/axe"
installed="$target/node_modules/axe-core/package.json"
if [ -f "$installed" ] && grep -q "\"version\": \"$AXE_VERSION\"" "$installed"; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is not installed: the browser test will skip its accessibility check (apt-get install npm)." >&2
  exit 0
fi
echo "Installing axe-core $AXE_VERSION into .cache/axe for the browser test"
mkdir -p "$target"
npm install --prefix "$target" --no-save --no-package-lock --no-audit --no-fund --silent "axe-core@$AXE_VERSION"
