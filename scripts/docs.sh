#!/usr/bin/env bash
# Installs the dependencies, builds the documentation site from a clean build directory (build-docs/),
# and prints where it is. Open build-docs/docs/site/index.html in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
rm -rf build-docs
meson setup build-docs -Ddocs=enabled >/dev/null
meson compile -C build-docs docs
echo "docs: $(pwd)/build-docs/docs/site/index.html"
