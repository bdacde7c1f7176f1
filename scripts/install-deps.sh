#!/usr/bin/env bash
# Installs what shannon needs to build, demo and test on Debian 12 (Debian packages only).
#   scripts/install-deps.sh                 compilers, Meson, Boost 1.74, MPFR/MPFI, GoogleTest, RapidCheck,
#                                         CLI11, fmt, nlohmann-json (the shannon command),
#                                         range-v3, python3-mpmath with python3-gmpy2 (mpmath's GMP backend: the
#                                         test references compute 5-10 times faster), clang's libFuzzer (the readers' fuzz run),
#                                         the Python package's pybind11, numpy, pytest, pip, venv and meson-python
#                                         (pip install .), Dask with distributed (shannon.dask), and the frameworks its
#                                         tests run against (python3-scipy, python3-torch, python3-sklearn), and the
#                                         documentation's tools (doxygen, python3-markdown, python3-matplotlib;
#                                         chromium and python3-websocket for its render check), and ccache
#                                         (scripts/test.sh: the packaging check's pip build reuses the gcc build's
#                                         compilations of the Python extension)
#   scripts/install-deps.sh --bench         also Google Benchmark, numpy and scipy (bench/compare.py)
#   scripts/install-deps.sh --boost-1.81    also unpacks Debian's libboost1.81-dev headers into .deps/
#                                         (not installed: it conflicts with libboost-dev 1.74)
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi

packages=(g++ clang meson ninja-build pkg-config cmake
          libboost-dev libgmp-dev libmpfr-dev libmpfi-dev
          libgtest-dev librapidcheck-dev librange-v3-dev
          libcli11-dev libfmt-dev nlohmann-json3-dev
          libclang-rt-14-dev python3 python3-mpmath python3-gmpy2
          python3-dev pybind11-dev python3-numpy python3-pytest python3-pytest-xdist python3-scipy python3-torch
          python3-pip python3-venv python3-mesonpy python3-dask python3-distributed python3-sklearn
          doxygen python3-markdown python3-matplotlib chromium python3-websocket fonts-dejavu-core
          ccache)

if [ "${1:-}" = "--bench" ]; then
    packages+=(libbenchmark-dev)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    $sudo apt-get update -qq
    # In CI (a fresh machine, thrown away after the run) dpkg skips its fsync after each file: unpacking
    # chromium's and torch's tens of thousands of files is most of the install's time.
    unsafe=()
    [ -n "${CI:-}" ] && unsafe=(-o Dpkg::Options::=--force-unsafe-io)
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${unsafe[@]}" "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--boost-1.81" ] && [ ! -f .deps/boost-1.81/usr/include/boost/version.hpp ]; then
    echo "install-deps: unpacking libboost1.81-dev headers into .deps/boost-1.81"
    tmp=$(mktemp -d)
    chmod 777 "$tmp"
    (cd "$tmp" && apt-get download libboost1.81-dev >/dev/null 2>&1 || { $sudo apt-get update -qq && apt-get download libboost1.81-dev >/dev/null; })
    mkdir -p .deps/boost-1.81
    dpkg -x "$tmp"/libboost1.81-dev_*.deb .deps/boost-1.81
    rm -rf "$tmp"
fi
