#!/usr/bin/env bash
# The ways a user takes shannon into a project, each checked by building and running a program in a
# fresh folder with the commands the README gives:
#  1. `meson install` into a prefix, then the compiler flags from pkg-config: `shannon` (the core) and,
#     in a plain Makefile, `shannon-multiprecision` (the oracle: exact::round);
#  2. the same install from CMake: find_package(shannon 0.1 CONFIG REQUIRED), shannon::shannon and
#     shannon::multiprecision;
#  3. shannon as a Meson subproject, found through meson.override_dependency('shannon');
#  4. the Python package by pip (pyproject.toml, meson-python), offline: `pip wheel` (the wheel installed
#     into a new virtual environment) and `pip install --no-build-isolation .` into another, the
#     package's tests that reach every module run against that install from a folder outside the source tree.
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

cat >"$tmp/oracle.cpp" <<'CPP'
#include <cstdio>
#include <vector>
#include <shannon/exact.hpp>
int main() {
    namespace ex = shannon::exact;
    const std::vector<double> p{0.5, 0.5}, q{0.9, 0.1};
    const ex::rounded r = ex::round(ex::format::binary64, shannon::kl_divergence, p, q);
    std::printf("%.17g %s\n", r.value, ex::digits(30, shannon::kl_divergence, p, q).c_str());
    return r.determined && r.value == 0.5108256237659906 ? 0 : 1;  // the correctly rounded value (mpmath)
}
CPP
prefix=$(dirname "$(dirname "$pc_dir")")  # <prefix>/share/pkgconfig -> <prefix>
[ -n "${1:-}" ] && prefix="$tmp/prefix$(meson introspect "$1" --buildoptions | /usr/bin/python3 -c \
    "import json,sys; print(next(o['value'] for o in json.load(sys.stdin) if o['name'] == 'prefix'))")"

echo "--- 1b. a Makefile with pkg-config --cflags --libs shannon-multiprecision"
mkdir "$tmp/make" && cp "$tmp/oracle.cpp" "$tmp/make/"
cat >"$tmp/make/Makefile" <<'MAKE'
CXXFLAGS += -O2 -Wall -Wextra -Wpedantic -Werror $(shell pkg-config --define-prefix --cflags shannon-multiprecision)
LDLIBS += $(shell pkg-config --define-prefix --libs shannon-multiprecision)
oracle: oracle.cpp
MAKE
(cd "$tmp/make" && PKG_CONFIG_PATH="$pc_dir" make -s oracle && ./oracle)

echo "--- 2. CMake: find_package(shannon 0.1 CONFIG REQUIRED)"
mkdir "$tmp/cmake" && cp "$tmp/use.cpp" "$tmp/oracle.cpp" "$tmp/cmake/"
cat >"$tmp/cmake/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(consumer CXX)
find_package(shannon 0.1 CONFIG REQUIRED COMPONENTS multiprecision)
add_executable(use use.cpp)
target_link_libraries(use PRIVATE shannon::shannon)
add_executable(oracle oracle.cpp)
target_link_libraries(oracle PRIVATE shannon::multiprecision)
target_compile_options(use PRIVATE -Wall -Wextra -Wpedantic -Werror)
target_compile_options(oracle PRIVATE -Wall -Wextra -Wpedantic -Werror)
CMAKE
cmake -S "$tmp/cmake" -B "$tmp/cmake/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/cmake/build" -j2 >/dev/null
"$tmp/cmake/build/use" && "$tmp/cmake/build/oracle"
# A version the install does not satisfy is refused (0.x: a minor version may break the API).
cat >"$tmp/cmake/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(consumer CXX)
find_package(shannon 0.2 CONFIG REQUIRED)
CMAKE
if cmake -S "$tmp/cmake" -B "$tmp/cmake/build2" -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/cmake/v.log" 2>&1; then
    echo "find_package(shannon 0.2) accepted version 0.1"; exit 1
fi
grep -q "0.1.0" "$tmp/cmake/v.log" && echo "find_package(shannon 0.2): refused, as it should be"

echo "--- 3. Meson subproject"
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

echo "--- 4. pip (pyproject.toml with meson-python), offline, into new virtual environments"
# --system-site-packages: numpy, meson-python, pybind11 (and pytest, mpmath, torch, scipy, dask for
# the tests) come from Debian's packages; no package index is reachable. The README's commands, with
# one build folder for both (--config-settings=builddir=): the extension compiles once, not twice.
/usr/bin/python3 -m venv --system-site-packages "$tmp/venv"
/usr/bin/python3 -m venv --system-site-packages "$tmp/venv2"
# With ccache (scripts/test.sh sets CCACHE_DIR and CCACHE_BASEDIR), the build folder is build-test/pip: as deep
# in the tree as the gcc configuration's build-test/gcc, so the extension's compile commands are the same
# text and ccache serves them from that build.
pip_build="$tmp/pip-build"
pip_env=()
if [ -n "${CCACHE_DIR:-}" ] && command -v ccache >/dev/null; then
    pip_build="$root/build-test/pip"
    rm -rf "$pip_build"
    pip_env=(env CXX="ccache g++")
    ccache -z >/dev/null
fi
reuse=--config-settings=builddir="$pip_build"
# meson-python 0.12 writes its native file into the source tree and reconfigures whenever it finds one:
# one left by an earlier run would make a new build folder fail ("not a valid build tree").
rm -f "$root/.mesonpy-native-file.ini"
(cd "$root" && "${pip_env[@]}" "$tmp/venv/bin/pip" wheel --no-build-isolation --no-deps --no-index "$reuse" . \
    -w "$tmp/dist" >"$tmp/pip-wheel.log" 2>&1) || { tail -40 "$tmp/pip-wheel.log"; exit 1; }
ls "$tmp"/dist
(cd "$root" && "${pip_env[@]}" "$tmp/venv/bin/pip" install --no-build-isolation --no-index "$reuse" . \
    >"$tmp/pip-install.log" 2>&1) || { tail -40 "$tmp/pip-install.log"; exit 1; }
if [ "${#pip_env[@]}" -gt 0 ]; then
    echo "pip's build, from ccache: $(ccache -s | grep -iE 'hits|misses' | tr -s ' ' | paste -sd ';')"
    rm -rf "$pip_build"
fi
rm -f "$root/.mesonpy-native-file.ini"
"$tmp/venv2/bin/pip" install --no-index "$tmp"/dist/shannon-*.whl >/dev/null
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
for env in venv venv2; do
    where=$("$tmp/$env/bin/python" -c "import shannon; print(shannon.__file__)")
    case "$where" in "$tmp/$env/"*) echo "$env: shannon imported from $where" ;;
        *) echo "$env imports shannon from $where, not from its own install"; exit 1 ;; esac
done
"$tmp/venv2/bin/python" -c "import shannon; v = shannon.kl_divergence([0.5, 0.5], [0.9, 0.1]); assert v == 0.5108256237659906, v"
# Every module of the source tree is in the install (a module left out of python/shannon/meson.build
# would import from a build folder and fail only here).
"$tmp/venv/bin/python" - "$root/python/shannon" <<'PY'
import pathlib, sys, shannon
src = pathlib.Path(sys.argv[1])
installed = pathlib.Path(shannon.__file__).parent
want = {p.relative_to(src).as_posix() for p in src.rglob("*.py")} | {"_version.py"}
missing = sorted(w for w in want if not (installed / w).is_file())
assert not missing, f"not installed: {missing}"
print(f"{len(want)} modules installed in {installed}")
PY
# The package's tests against the install of `pip install .` (from a folder outside the source tree):
# the ones that reach every module and the compiled extension through the installed layout (the golden
# vectors call all of the registry's functions; the command line; the core; Dask's workers importing
# the package). The whole suite runs against the build folder in the gcc configuration: running it a
# second time here cost a minute of CI for the same compiled code.
workers=()
if "$tmp/venv/bin/python" -c "import xdist" 2>/dev/null; then workers=(-n 2); fi  # python3-pytest-xdist
# -rf: a failure's test and message in the log (the summary line alone cannot be diagnosed).
"$tmp/venv/bin/python" -m pytest -q -rf -p no:cacheprovider "${workers[@]}" \
    "$root/tests/python/test_golden.py" "$root/tests/python/test_core.py" "$root/tests/python/test_cli_frameworks.py" \
    "$root/tests/python/test_dask.py" -k "not 10_7_elements" | grep -E "^(FAILED|ERROR)|passed|failed"
echo "packaging: ok"
