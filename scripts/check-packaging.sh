#!/usr/bin/env bash
# Two ways a user takes shannon into a project, each checked by building and running a program:
#  1. `meson install` into a prefix, then the compiler flags from pkg-config;
#  2. shannon as a Meson subproject, found through meson.override_dependency('shannon').
# Usage: check-packaging.sh [BUILD_DIR]   (a configured and built folder to install; default: a new one)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/use.cpp" <<'CPP'
#include <array>
#include <cstdio>
#include <shannon/shannon.hpp>
int main() {
    const std::array p{0.5, 0.5};
    const std::array q{0.9, 0.1};
    const double d = shannon::kl_divergence(p, q);
    std::printf("%.17g\n", d);
    return d > 0.510825623765990 && d < 0.510825623765991 ? 0 : 1;  // a smoke test: the build works
}
CPP

echo "--- 1. meson install + pkg-config"
if [ -n "${1:-}" ]; then
    # A build folder the test run has already built (scripts/test.sh passes its gcc build): installed
    # as it is, staged under a DESTDIR, so nothing is compiled a second time. pkg-config relocates
    # the prefix to where the .pc file is (--define-prefix), as for a tree unpacked anywhere.
    echo "installing the build in $1"
    meson install -C "$1" --destdir "$tmp/prefix" >/dev/null
else
    meson setup "$tmp/build" --prefix="$tmp/prefix" -Dtests=false >/dev/null
    meson install -C "$tmp/build" >/dev/null
fi
pc_dir=$(dirname "$(find "$tmp/prefix" -name shannon.pc | head -1)")
flags=$(PKG_CONFIG_PATH="$pc_dir" pkg-config --define-prefix --cflags shannon)
echo "pkg-config --cflags shannon: $flags"
# shellcheck disable=SC2086
c++ $flags -Wall -Wextra -Wpedantic -Werror "$tmp/use.cpp" -o "$tmp/use-installed"
"$tmp/use-installed"
# The Python package installed with it: importable from the prefix's site-packages.
core=$(find "$tmp/prefix" -name '_core*.so' | head -1)
[ -n "$core" ] || { echo "meson install did not install the Python package"; exit 1; }
PYTHONPATH=$(dirname "$(dirname "$core")") /usr/bin/python3 -c \
    "import shannon; v = shannon.kl_divergence([0.5, 0.5], [0.9, 0.1]); assert 0.5108256237659 < v < 0.5108256237660, v"
echo "installed Python package: $core"

echo "--- 2. Meson subproject"
mkdir -p "$tmp/consumer/subprojects"
ln -s "$root" "$tmp/consumer/subprojects/shannon"
cp "$tmp/use.cpp" "$tmp/consumer/use.cpp"
cat >"$tmp/consumer/meson.build" <<'MESON'
project('consumer', 'cpp', default_options: ['cpp_std=c++20', 'warning_level=3', 'werror=true'])
subproject('shannon')
executable('use', 'use.cpp', dependencies: dependency('shannon'))
MESON
meson setup "$tmp/consumer/build" "$tmp/consumer" >/dev/null
meson compile -C "$tmp/consumer/build" >/dev/null
"$tmp/consumer/build/use"
echo "packaging: ok"
