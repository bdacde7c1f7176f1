#!/usr/bin/env bash
# Installs the dependencies, builds and runs every test suite in the configurations the project
# promises to pass, and ends with one line 'N passed, N failed' over all of them.
#
#   gcc, clang              GCC 12 / Clang 14 with Boost 1.74 (Debian's libboost-dev); these also
#                           build proofs/ (a false statement fails the build)
#   gcc-1.81                the Boost-dependent suites (Boost, MPFR, MPFI number types, the oracle) with
#                           the Boost 1.81 headers (Debian's libboost1.81-dev, unpacked into .deps/
#                           because the package conflicts with 1.74); clang-1.81 the same with Clang, on
#                           demand (`scripts/test.sh clang-1.81`: not in the default run)
#   sanitize                GCC 12, Boost 1.74, AddressSanitizer + UndefinedBehaviorSanitizer (any report fails),
#                           for double, mpfi_float_50 (MPFR underneath) and the oracle
#   packaging               what a new user types, each in a fresh folder: 'meson install', then pkg-config
#                           (shannon, and shannon-multiprecision from a Makefile) and CMake's find_package;
#                           shannon as a Meson subproject; pip install . and pip wheel (scripts/check-packaging.sh)
#
# All with -Wall -Wextra -Wpedantic -Werror. `scripts/test.sh gcc` runs one configuration.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh --boost-1.81 || { echo "0 passed, 1 failed"; exit 1; }

configs=("$@")
if [ "${#configs[@]}" -eq 0 ]; then
    # clang-1.81 on demand (scripts/test.sh clang-1.81): GCC is tested with both Boost versions and Clang
    # with 1.74; the fourth combination is not in the default run, for the test command's time budget.
    configs=(gcc clang gcc-1.81 sanitize packaging)
fi

status=0
results=()

run_meson_config() {  # name, then meson setup arguments
    local name=$1
    shift
    local dir="build-test/$name"
    echo "=== $name: meson setup $*"
    rm -rf "$dir"
    if ! meson setup "$dir" "$@" >"build-test/$name.setup.log" 2>&1; then
        cat "build-test/$name.setup.log"
        results+=("$dir:setup-failed")
        status=1
        return
    fi
    if ! meson compile -C "$dir" >"build-test/$name.build.log" 2>&1; then
        grep -E "error|warning" -A5 "build-test/$name.build.log" | head -60
        results+=("$dir:build-failed")
        status=1
        return
    fi
    if ! meson test -C "$dir" --print-errorlogs --num-processes 3 >"build-test/$name.test.log" 2>&1; then
        status=1
    fi
    grep -E "^ *[0-9]+/[0-9]+ " "build-test/$name.test.log" | sed 's/^/  /'
    results+=("$dir")
}

mkdir -p build-test
# ccache, for one reuse: the packaging check's pip build (meson-python, scripts/check-packaging.sh) compiles
# the Python extension with the gcc configuration's commands, in a build folder as deep in the tree, so its
# compilations are the gcc build's cache hits (five translation units, about 150 s of a two-core machine).
# The cache lives in build-test/ (a fresh clone starts empty: no result comes from an earlier run).
gcc_cxx=g++
if command -v ccache >/dev/null; then
    export CCACHE_DIR="$root/build-test/ccache" CCACHE_BASEDIR="$root"
    gcc_cxx="ccache g++"
fi
for c in "${configs[@]}"; do
    case "$c" in
        gcc)
            # The ball's tests with the x86 kernels compiled out (the portable path): clang, and GCC in the
            # sanitized configuration.
            # The negative proofs (tests/compile_fail: 13 false statements and their true twins, 26
            # compilations of the dyadic proofs' header, two minutes of CPU under GCC) run in the clang
            # configuration; GCC compiles the true statements of proofs/ and the compile-time suites here.
            CXX=$gcc_cxx run_meson_config gcc -Dexpect_boost_version=1074 -Dlarge_reference=true -Dportable_test=false -Dcompile_fail=false ;;
        clang)
            # gcc builds and checks the docs, and compiles each header alone (whether a header includes
            # what it uses does not depend on the compiler: the same libstdc++ and Boost headers; clang
            # compiles every header inside the suites).
            # The Python package is built and its suite run by gcc (the compiler pip uses here): its
            # extension's instantiations of the oracle and the profiles are the suites' that clang builds,
            # and under clang its three large TUs were a third of this configuration's compile time.
            # cpp_bin_float_100 is cpp_bin_float_50's backend with other digits, mpfr_float_1000 (MPFR's variable
            # precision) mpfr_float_50's library with another allocation: gcc builds and runs all eight under
            # Boost 1.74 and the sanitizers, clang one of each backend.
            # The readers' fuzz run: 20 s here (the option's default is 60), the configuration's tests beside it
            # take about as long on two cores; each CI run fuzzes afresh.
            CXX=clang++ run_meson_config clang -Dexpect_boost_version=1074 -Ddocs=disabled -Dheader_checks=none -Dpython=disabled -Dfuzz_seconds=20 \
                -Dtest_types=float,double,long_double,cpp_bin_float_50,mpfr_float_50,mpfi_float_50 ;;
        gcc-1.81 | clang-1.81)
            compiler=g++
            [ "$c" = clang-1.81 ] && compiler=clang++
            # What depends on Boost's version: the Boost, MPFR and MPFI number types (the built-in
            # types use shannon's own kernels) and the oracle. proofs/ and the compile-time identity
            # tests include no Boost header (the core header does not; tests/core/light_core.cpp checks
            # it): gcc and clang build them.
            # One number type per Boost backend: cpp_bin_float (cpp_bin_float_100 is cpp_bin_float_50's backend
            # with other digits), MPFR (gcc-1.81 in both its allocations, fixed and variable precision; clang-1.81
            # the fixed one) and MPFI; gcc builds them all with Boost 1.74.
            # Nor the shannon command, the walkthrough and the README's example: they call the oracle
            # and the core, which tests/exact/exact.cpp and the typed suites check here.
            proofs=false
            types=cpp_bin_float_50,mpfr_float_50,mpfr_float_1000,mpfi_float_50
            headers=boost  # each header that includes Boost (exact, numbers/mpfr, numbers/mpfi) alone
            if [ "$c" = clang-1.81 ]; then
                headers=none  # gcc-1.81 (Boost's version) and clang (the compiler) check them
                types=cpp_bin_float_50,mpfr_float_50,mpfi_float_50
            fi
            # The x86 kernels compiled out (tests/numbers/ball.cpp as other CPUs build it): clang and sanitize.
            # Nor the tests of shannon's own kernels (elementary functions, dyadic intervals, the light
            # core): their library code includes no Boost header.
            CXX=$compiler run_meson_config "$c" -Dconstexpr_tests=false -Dkernel_tests=false -Dproofs=$proofs -Dheader_checks=$headers -Dcli=false -Ddemos=false -Dportable_test=false \
                -Dtest_types=$types \
                -Dboost_include="$root/.deps/boost-1.81/usr/include" -Dexpect_boost_version=1081 \
                -Dfuzz_seconds=0 -Dpython=disabled ;;  # the readers and the Python layer: gcc and clang test them
        sanitize)
            export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
            export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
            # The kernels' sweep of every 4093rd binary32 pattern (four million evaluations against MPFR: 40 s
            # sanitized) is left to the other configurations; the sanitizers see the same kernels on the
            # CORE-MATH worst cases and the near-boundary inputs of the same suite. (An --gtest_filter
            # argument, as the ball's tests give, takes precedence over GTEST_FILTER.)
            # -O1 without debug info, and the number types whose code paths differ (built-in with a
            # wider working type: double, whose double_word<double> is the same template as long
            # double's; MPFI, whose endpoints are MPFR numbers; MPFR's own fixed and variable precision,
            # the oracle's, runs in its suites here):
            # a sanitized build of all eight takes half an hour on two cores; these take a few minutes.
            # proofs/ are static_asserts (nothing runs): the gcc and clang configurations build them.
            # Nor the compile-time identity tests (compile-time evaluation is not sanitized).
            # Nor the headers compiled one by one (nothing of them runs), nor the walkthrough and the
            # README's example (the library paths they call are the typed suites', run here), nor the
            # shannon command (its sanitized build took two minutes of CPU; its readers, the part that
            # parses untrusted bytes, are fuzzed under AddressSanitizer by clang's libFuzzer run).
            GTEST_FILTER=-worst_cases.binary32_every_4093th_pattern CXX=g++ run_meson_config sanitize -Dpython=disabled -Dbuildtype=plain -Doptimization=1 -Dproofs=false -Dconstexpr_tests=false -Dheader_checks=none -Ddemos=false -Dcli=false \
                -Db_sanitize=address,undefined -Db_lundef=false \
                -Dtest_types=double,mpfi_float_50 ;;
        packaging)
            echo "=== packaging: meson install + pkg-config + CMake, a Meson subproject, pip install and pip wheel"
            # The gcc build, when this run made it, is what gets installed (no second compilation).
            built=""
            [ -f build-test/gcc/build.ninja ] && [[ " ${results[*]} " == *" build-test/gcc "* ]] && built=build-test/gcc
            if bash scripts/check-packaging.sh $built >build-test/packaging.log 2>&1; then
                results+=("packaging:ok:7")  # the seven checks of scripts/check-packaging.sh
            else
                tail -30 build-test/packaging.log
                results+=("packaging:failed:7")
                status=1
            fi ;;
        *)
            echo "unknown configuration $c"; status=1 ;;
    esac
done

python3 scripts/count_tests.py "${results[@]}"
exit $status
