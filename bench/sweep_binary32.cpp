// bench/sweep_binary32.cpp — every binary32 input of shannon's correctly rounded log, log1p, exp and
// expm1 (include/shannon/elementary.hpp), checked; and the cost per call against the C library.
//
//   sweep_binary32 [FUNCTION...] [--threads N] [--step S]
//
// For each of the 2^32 bit patterns x (every S-th with --step), the correct rounding of f(x) to
// binary32 comes from an independent computation: the C library's binary64 function of the same
// input (error below 1 binary64 ulp in glibc), which determines the binary32 rounding unless it lies
// within 4 binary64 ulps of a binary32 rounding boundary; there (and near the overflow threshold)
// MPFR at binary32's precision and exponent range decides. The sweep counts misrounded results and
// the inputs whose first step (double-double kernel plus rounding test) left them to the second
// (the dyadic enclosure). It then times shannon's functions against the C library's on 10^7 random
// inputs (binary32 and binary64). The CI runs a sample of the same check (tests/core/elementary_worst.cpp);
// this full sweep takes about a quarter of an hour per function on two cores.
#include <mpfr.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <shannon/core/elementary.hpp>

#include "../tests/mpfr_reference.hpp"

namespace {

using mpfr_reference::fn;
using mpfr_reference::names;
using mpfr_reference::shannon_of;

double libm(fn f, double x) {
    switch (f) {
        case fn::log: return std::log(x);
        case fn::log1p: return std::log1p(x);
        case fn::exp: return std::exp(x);
        case fn::expm1: return std::expm1(x);
    }
    return 0;
}

/// The correctly rounded binary32 f(x): from the binary64 libm value when it is far from every
/// binary32 rounding boundary, from MPFR otherwise.
float reference(fn f, float x) {
    const double r = libm(f, static_cast<double>(x));
    if (!std::isfinite(r) || r == 0 || std::fabs(r) > 0x1.fffffcp127) {
        return mpfr_reference::elementary(f, x);
    }
    const auto y = static_cast<float>(r);
    const double below = (static_cast<double>(y) + static_cast<double>(std::nextafter(y, -INFINITY))) / 2;
    const double above = (static_cast<double>(y) + static_cast<double>(std::nextafter(y, INFINITY))) / 2;
    const double margin = 4 * (std::nextafter(std::fabs(r), INFINITY) - std::fabs(r));
    if (std::fabs(r - below) <= margin || std::fabs(r - above) <= margin) {
        return mpfr_reference::elementary(f, x);
    }
    return y;
}

bool second_step(fn f, float x) {
    namespace d = shannon::elementary_detail;
    if (!std::isfinite(x) || x == 0) {
        return false;
    }
    switch (f) {
        case fn::log: return x > 0 && x != 1 && !d::first_log(x).ok;
        case fn::log1p: return x > -1 && std::fabs(x) >= 0x1p-26f && !d::first_log1p(x).ok;
        case fn::exp: return x > -104 && x < 88.7f && !d::first_exp(x).ok;
        case fn::expm1: return x > -48 && x < 88.7f && std::fabs(x) >= 0x1p-26f && !d::first_expm1(x).ok;
    }
    return false;
}

bool same(float a, float b) {
    std::uint32_t ia;
    std::uint32_t ib;
    std::memcpy(&ia, &a, 4);
    std::memcpy(&ib, &b, 4);
    return ia == ib || (a != a && b != b);  // NOLINT: NaN test
}

template <class F>
double ns_per_call(F&& f, const std::vector<double>& xs) {
    const auto t0 = std::chrono::steady_clock::now();
    double s = 0;
    for (const double x : xs) {
        s += f(x);
    }
    const auto t1 = std::chrono::steady_clock::now();
    if (s == 0.123456789) {  // keeps the loop: the sum is used
        std::puts("");
    }
    return std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(xs.size());
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<fn> fns;
    unsigned threads = std::max(1U, std::thread::hardware_concurrency());
    std::uint64_t step = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc) {
            threads = static_cast<unsigned>(std::stoul(argv[++i]));
        } else if (a == "--step" && i + 1 < argc) {
            step = std::stoull(argv[++i]);
        } else {
            bool found = false;
            for (int k = 0; k < 4; ++k) {
                if (a == names[k]) {
                    fns.push_back(static_cast<fn>(k));
                    found = true;
                }
            }
            if (!found) {
                std::fprintf(stderr, "sweep_binary32: unknown argument %s\n", a.c_str());
                return 2;
            }
        }
    }
    if (fns.empty()) {
        fns = {fn::log, fn::log1p, fn::exp, fn::expm1};
    }
    int failures = 0;
    for (const fn f : fns) {
        std::atomic<std::uint64_t> wrong{0};
        std::atomic<std::uint64_t> second{0};
        std::atomic<std::uint64_t> checked{0};
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t) {
            pool.emplace_back([&, t] {
                std::uint64_t w = 0;
                std::uint64_t s = 0;
                std::uint64_t n = 0;
                std::uint64_t shown = 0;
                for (std::uint64_t b = t * step; b < (std::uint64_t{1} << 32U); b += threads * step) {
                    float x;
                    const auto bits = static_cast<std::uint32_t>(b);
                    std::memcpy(&x, &bits, 4);
                    const float want = reference(f, x);
                    const float got = shannon_of(f, x);
                    ++n;
                    if (!same(got, want)) {
                        ++w;
                        if (shown++ < 5) {
                            std::printf("  MISROUNDED %s(%a) = %a, correctly rounded %a\n", names[static_cast<int>(f)],
                                        static_cast<double>(x), static_cast<double>(got), static_cast<double>(want));
                        }
                    }
                    if (second_step(f, x)) {
                        ++s;
                    }
                }
                wrong += w;
                second += s;
                checked += n;
            });
        }
        for (auto& th : pool) {
            th.join();
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("%-6s binary32: %llu inputs, %llu misrounded, %llu decided by the second step (%.0f s, %u threads)\n",
                    names[static_cast<int>(f)], static_cast<unsigned long long>(checked.load()),
                    static_cast<unsigned long long>(wrong.load()), static_cast<unsigned long long>(second.load()), secs,
                    threads);
        std::fflush(stdout);
        failures += wrong.load() != 0 ? 1 : 0;
    }
    // The cost per call, shannon against the C library, on the same 10^7 random inputs.
    std::mt19937_64 rng(1);
    for (const fn f : fns) {
        std::vector<double> xs(10000000);
        std::uniform_real_distribution<double> u(f == fn::log ? 1e-3 : f == fn::log1p ? -0.9 : -20,
                                                 f == fn::log ? 1e3 : f == fn::log1p ? 1e3 : 20);
        for (auto& x : xs) {
            x = u(rng);
        }
        const double d_lib = ns_per_call([f](double x) { return libm(f, x); }, xs);
        const double d_sh = ns_per_call(
            [f](double x) {
                switch (f) {
                    case fn::log: return shannon::correctly_rounded::log(x);
                    case fn::log1p: return shannon::correctly_rounded::log1p(x);
                    case fn::exp: return shannon::correctly_rounded::exp(x);
                    case fn::expm1: return shannon::correctly_rounded::expm1(x);
                }
                return 0.0;
            },
            xs);
        const double f_lib = ns_per_call(
            [f](double x) {
                const auto v = static_cast<float>(x);
                switch (f) {
                    case fn::log: return static_cast<double>(logf(v));
                    case fn::log1p: return static_cast<double>(log1pf(v));
                    case fn::exp: return static_cast<double>(expf(v));
                    case fn::expm1: return static_cast<double>(expm1f(v));
                }
                return 0.0;
            },
            xs);
        const double f_sh =
            ns_per_call([f](double x) { return static_cast<double>(shannon_of(f, static_cast<float>(x))); }, xs);
        std::printf("%-6s ns per call: binary64 shannon %.1f, libm %.1f (%.1fx); binary32 shannon %.1f, libm %.1f (%.1fx)\n",
                    names[static_cast<int>(f)], d_sh, d_lib, d_sh / d_lib, f_sh, f_lib, f_sh / f_lib);
    }
    return failures == 0 ? 0 : 1;
}
