#!/usr/bin/env bash
# Installs the dependencies, builds shannon, and runs the walkthrough of the founding material.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if [ ! -f build/build.ninja ]; then
    meson setup build >/dev/null
fi
meson compile -C build walkthrough >/dev/null
./build/examples/walkthrough
