// tests/core/elementary_worst.cpp — the correctly rounded log, log1p, exp and expm1 of elementary.hpp on
// the inputs where rounding is hardest, against MPFR (each function evaluated by MPFR directly at the
// target format's precision and exponent range, subnormals emulated: MPFR's correct rounding, an
// independent implementation).
//
//   * binary64: every input of CORE-MATH's worst-case lists (../shared/testdata/core-math/*.wc, read
//     from there: SHANNON_CORE_MATH_DIR; skipped with a message if absent), and a near-boundary set
//     of our own: powers of two and their neighbours (the exact ties of a double word: exp(2^-53)),
//     results near and below the subnormal threshold, near overflow, log near 1, log1p near -1 and
//     above 2^53, the inputs of the bug reports;
//   * binary32: a sample of every 4093th bit pattern (1.05 million inputs per function; the
//     exhaustive sweep of all 2^32 is bench/sweep_binary32.cpp);
//   * long double: random inputs over the whole range and the same near-boundary shapes.
// Every result must be the correctly rounded one. The test also counts how many inputs the first
// step (the double-double kernel and its rounding test) left to the second (the dyadic enclosure).
#include <gtest/gtest.h>

#include <mpfr.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <shannon/core/elementary.hpp>
#include <shannon/shannon.hpp>

#include "mpfr_reference.hpp"

namespace {

using mpfr_reference::fn;
using mpfr_reference::names;
using mpfr_reference::shannon_of;

template <class F>
F reference(fn f, F x) {
    return mpfr_reference::elementary(f, x);
}

/// Whether the first step decides f(x) (inputs its special cases handle count as decided).
template <class F>
bool first_step_decides(fn f, F x) {
    namespace d = shannon::elementary_detail;
    using lim = std::numeric_limits<F>;
    if (!std::isfinite(x) || x == 0) {
        return true;
    }
    const F tiny = std::ldexp(F(1), -lim::digits - 2);
    switch (f) {
        case fn::log: return x <= 0 || x == 1 || d::first_log(x).ok;
        case fn::log1p: return x <= -1 || std::fabs(x) < tiny || d::first_log1p(x).ok;
        case fn::exp:
            return x > F(lim::max_exponent) * F(0.6931471805599453094172321214581766L) ||
                   x < F(lim::min_exponent - lim::digits - 1) * F(0.6931471805599453094172321214581766L) ||
                   d::first_exp(x).ok;
        case fn::expm1:
            return x < F(-2) * F(lim::digits) || std::fabs(x) < tiny ||
                   x > F(lim::max_exponent) * F(0.6931471805599453094172321214581766L) || d::first_expm1(x).ok;
    }
    return true;
}

bool same(long double a, long double b) {
    return (a == b && std::signbit(a) == std::signbit(b)) || (a != a && b != b);  // NOLINT: NaN tests
}

struct tally {
    std::size_t inputs = 0;
    std::size_t wrong = 0;
    std::size_t second_step = 0;
};

template <class F>
tally check_all(fn f, const std::vector<F>& xs, const std::string& set) {
    tally t;
    int shown = 0;
    for (const F x : xs) {
        ++t.inputs;
        const F want = reference(f, x);
        const F got = shannon_of(f, x);
        if (!same(got, want)) {
            ++t.wrong;
            if (shown++ < 10) {
                ADD_FAILURE() << set << ' ' << names[static_cast<int>(f)] << '(' << std::hexfloat
                              << static_cast<long double>(x) << ") = " << static_cast<long double>(got)
                              << ", correctly rounded " << static_cast<long double>(want) << std::defaultfloat;
            }
        }
        if (!first_step_decides(f, x)) {
            ++t.second_step;
        }
    }
    std::cout << "  " << set << ' ' << names[static_cast<int>(f)] << ": " << t.inputs << " inputs, " << t.wrong
              << " misrounded, " << t.second_step << " decided by the second step\n";
    return t;
}

std::filesystem::path core_math_dir() {
    const char* env = std::getenv("SHANNON_CORE_MATH_DIR");
    return env == nullptr ? std::filesystem::path() : std::filesystem::path(env);
}

TEST(worst_cases, binary64_core_math_lists) {
    const auto dir = core_math_dir();
    if (dir.empty() || !std::filesystem::exists(dir / "exp.wc")) {
        GTEST_SKIP() << "CORE-MATH's worst-case lists not found (SHANNON_CORE_MATH_DIR=" << dir << ")";
    }
    std::size_t total = 0;
    for (const fn f : {fn::log, fn::log1p, fn::exp, fn::expm1}) {
        std::ifstream in(dir / (std::string(names[static_cast<int>(f)]) + ".wc"));
        std::vector<double> xs;
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') {
                continue;
            }
            xs.push_back(std::strtod(line.c_str(), nullptr));
        }
        ASSERT_GT(xs.size(), 100000U) << names[static_cast<int>(f)];
        const auto t0 = std::chrono::steady_clock::now();
        const tally t = check_all(f, xs, "CORE-MATH binary64");
        std::cout << "    (" << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
                  << " s with the MPFR reference)\n";
        EXPECT_EQ(t.wrong, 0U);
        total += t.inputs;
    }
    EXPECT_GT(total, 540000U);
}

/// The near-boundary shapes, in F.
template <class F>
std::vector<F> near_boundaries(fn f) {
    using lim = std::numeric_limits<F>;
    std::vector<F> xs;
    auto around = [&](F x) {
        xs.push_back(x);
        xs.push_back(std::nextafter(x, lim::infinity()));
        xs.push_back(std::nextafter(x, -lim::infinity()));
    };
    // Powers of two and their neighbours, both signs: exact ties of a double word (exp(2^-53),
    // expm1(2^-23) in float), tiny arguments, subnormal inputs.
    for (int k = lim::min_exponent - lim::digits; k <= lim::max_exponent - 1; ++k) {
        around(std::ldexp(F(1), k));
        around(-std::ldexp(F(1), k));
    }
    std::mt19937_64 rng(20261204);
    auto uniform = [&](F lo, F hi, int n) {
        std::uniform_real_distribution<long double> u(lo, hi);
        for (int i = 0; i < n; ++i) {
            xs.push_back(static_cast<F>(u(rng)));
        }
    };
    const F ln2 = F(0.6931471805599453094172321214581766L);
    const F sub = F(lim::min_exponent - 1) * ln2;                // e^x subnormal below
    const F zero = F(lim::min_exponent - lim::digits - 1) * ln2;  // e^x rounds to 0 below
    const F over = F(lim::max_exponent) * ln2;
    switch (f) {
        case fn::exp:
            uniform(zero - 1, sub + 1, 20000);  // subnormal results and the normal ones just above
            uniform(sub - F(0.01), sub + F(0.01), 5000);
            uniform(over - 1, over + F(0.01), 5000);
            for (int k = 1; k < 3 * lim::digits; ++k) {  // 1 + x + x^2/2 near a tie
                around(std::ldexp(F(1), -k) * 3);
            }
            xs.push_back(F(-0x1.61a53a77d5216p+9L));  // bug report: 0.747 ulp before
            xs.push_back(F(-0x1.5a235p+6L));
            break;
        case fn::expm1:
            uniform(-F(2.2) * lim::digits, -F(2) * lim::digits, 5000);  // near -1
            uniform(over - 1, over, 5000);
            uniform(F(-1e-3), F(1e-3), 5000);
            break;
        case fn::log:
            for (int k = 1; k <= 4000; ++k) {  // 1 + k ulp and 1 - k ulp/2: log near 0, relative
                xs.push_back(F(1) + F(k) * lim::epsilon());
                xs.push_back(F(1) - F(k) * lim::epsilon() / 2);
            }
            uniform(lim::denorm_min(), lim::min(), 5000);  // subnormal inputs
            uniform(lim::max() / 2, lim::max(), 2000);
            break;
        case fn::log1p:
            for (int k = 1; k <= 4000; ++k) {  // near -1
                xs.push_back(F(-1) + F(k) * lim::epsilon() / 2);
            }
            uniform(std::ldexp(F(1), lim::digits), std::ldexp(F(1), lim::digits + 8), 5000);  // 1/x decides
            xs.push_back(F(0x1.0ba8b8a0617f5p+55L));  // bug report: log x without 1/x
            xs.push_back(F(0x1.00ff8p+26L));
            break;
    }
    return xs;
}

template <class F>
void near_boundary_test(const char* type) {
    for (const fn f : {fn::log, fn::log1p, fn::exp, fn::expm1}) {
        const tally t = check_all(f, near_boundaries<F>(f), std::string(type) + " near-boundary");
        EXPECT_EQ(t.wrong, 0U);
        EXPECT_GT(t.inputs, 1000U);
    }
}

TEST(worst_cases, binary64_near_boundaries) { near_boundary_test<double>("binary64"); }
TEST(worst_cases, binary32_near_boundaries) { near_boundary_test<float>("binary32"); }
TEST(worst_cases, long_double_near_boundaries) { near_boundary_test<long double>("long double"); }

TEST(worst_cases, binary32_every_4093th_pattern) {
    for (const fn f : {fn::log, fn::log1p, fn::exp, fn::expm1}) {
        std::vector<float> xs;
        for (std::uint64_t b = 0; b < (std::uint64_t{1} << 32U); b += 4093) {
            float x;
            const auto bits = static_cast<std::uint32_t>(b);
            std::memcpy(&x, &bits, sizeof x);
            xs.push_back(x);
        }
        const tally t = check_all(f, xs, "binary32 sample");
        EXPECT_EQ(t.wrong, 0U);
    }
}

TEST(worst_cases, long_double_random) {
    std::mt19937_64 rng(16);
    for (const fn f : {fn::log, fn::log1p, fn::exp, fn::expm1}) {
        std::vector<long double> xs;
        std::uniform_int_distribution<int> e(-80, 14);
        std::uniform_real_distribution<long double> m(-1, 1);
        for (int i = 0; i < 20000; ++i) {
            long double x = std::ldexp(m(rng), e(rng));
            if (f == fn::log) {
                x = std::fabs(x);
            }
            xs.push_back(x);
        }
        const tally t = check_all(f, xs, "long double random");
        EXPECT_EQ(t.wrong, 0U);
    }
}

// The scalar quantities of the core for the built-in types (math.hpp's certified_round: the ball,
// then a dyadic enclosure) against MPFR at 300 bits rounded once to the format: random inputs and
// the shapes where the double words erred (results below the normal range: x near -708..-745).
enum class quantity { softplus, sigmoid, log_sigmoid, self_information, binary_entropy, xlogy };
const char* const quantity_names[] = {"softplus", "sigmoid", "log_sigmoid", "self_information", "binary_entropy",
                                      "xlogy"};

template <class F>
F quantity_reference(quantity q, F x, F y) {
    mpfr_t v;
    mpfr_t a;
    mpfr_t b;
    mpfr_inits2(300, v, a, b, static_cast<mpfr_ptr>(nullptr));
    mpfr_set_ld(a, static_cast<long double>(x), MPFR_RNDN);
    mpfr_set_ld(b, static_cast<long double>(y), MPFR_RNDN);
    switch (q) {
        case quantity::softplus: mpfr_exp(v, a, MPFR_RNDN); mpfr_log1p(v, v, MPFR_RNDN); break;
        case quantity::sigmoid:
            mpfr_neg(v, a, MPFR_RNDN);
            mpfr_exp(v, v, MPFR_RNDN);
            mpfr_add_ui(v, v, 1, MPFR_RNDN);
            mpfr_ui_div(v, 1, v, MPFR_RNDN);
            break;
        case quantity::log_sigmoid:
            mpfr_neg(v, a, MPFR_RNDN);
            mpfr_exp(v, v, MPFR_RNDN);
            mpfr_log1p(v, v, MPFR_RNDN);
            mpfr_neg(v, v, MPFR_RNDN);
            break;
        case quantity::self_information: mpfr_log(v, a, MPFR_RNDN); mpfr_neg(v, v, MPFR_RNDN); break;
        case quantity::binary_entropy:
            if (x == 0 || x == 1) {
                mpfr_set_zero(v, 1);
                break;
            }
            mpfr_log(v, a, MPFR_RNDN);
            mpfr_mul(v, v, a, MPFR_RNDN);     // p log p
            mpfr_ui_sub(b, 1, a, MPFR_RNDN);  // 1 - p, exact at 300 bits
            mpfr_log(a, b, MPFR_RNDN);
            mpfr_mul(a, a, b, MPFR_RNDN);     // (1 - p) log(1 - p)
            mpfr_add(v, v, a, MPFR_RNDN);
            mpfr_neg(v, v, MPFR_RNDN);
            break;
        case quantity::xlogy:
            if (x == 0) {
                mpfr_set_zero(v, 1);
                break;
            }
            mpfr_log(v, b, MPFR_RNDN);
            mpfr_mul(v, v, a, MPFR_RNDN);
            break;
    }
    const F r = mpfr_reference::round_to<F>(v);
    mpfr_clears(v, a, b, static_cast<mpfr_ptr>(nullptr));
    return r;
}

template <class F>
void check_quantities(const char* type) {
    std::mt19937_64 rng(7);
    for (int k = 0; k < 6; ++k) {
        const auto q = static_cast<quantity>(k);
        std::size_t n = 0;
        std::size_t wrong = 0;
        auto check = [&](F x, F y) {
            F got = 0;
            switch (q) {
                case quantity::softplus: got = shannon::softplus(x); break;
                case quantity::sigmoid: got = shannon::sigmoid(x); break;
                case quantity::log_sigmoid: got = shannon::log_sigmoid(x); break;
                case quantity::self_information: got = shannon::self_information(x); break;
                case quantity::binary_entropy: got = shannon::binary_entropy(x); break;
                case quantity::xlogy: got = shannon::xlogy(x, y); break;
            }
            const F want = quantity_reference(q, x, y);
            ++n;
            if (!same(got, want) && !(got == 0 && want == 0)) {
                if (++wrong <= 5) {
                    ADD_FAILURE() << type << ' ' << quantity_names[k] << '(' << std::hexfloat
                                  << static_cast<long double>(x) << ", " << static_cast<long double>(y)
                                  << ") = " << static_cast<long double>(got) << ", correctly rounded "
                                  << static_cast<long double>(want) << std::defaultfloat;
                }
            }
        };
        std::uniform_real_distribution<long double> unit(0, 1);
        std::uniform_real_distribution<long double> wide(-40, 40);
        using lim = std::numeric_limits<F>;
        const F ln2 = F(0.6931471805599453094172321214581766L);
        const F sub = F(lim::min_exponent - 1) * ln2;
        const F zero = F(lim::min_exponent - lim::digits - 1) * ln2;
        std::uniform_real_distribution<long double> low(zero - 2, sub + 2);
        for (int i = 0; i < 4000; ++i) {
            const auto u = static_cast<F>(unit(rng));
            const auto w = static_cast<F>(wide(rng));
            const auto l = static_cast<F>(low(rng));
            switch (q) {
                case quantity::softplus:
                case quantity::sigmoid:
                case quantity::log_sigmoid:
                    check(w, 0);
                    check(l, 0);  // results below the normal range (softplus, sigmoid), -x (log_sigmoid)
                    check(-l, 0);
                    break;
                case quantity::self_information:
                case quantity::binary_entropy:
                    check(u, 0);
                    check(std::ldexp(u, -static_cast<int>(rng() % 60)), 0);
                    break;
                case quantity::xlogy: check(w, u); check(u, std::ldexp(u, static_cast<int>(rng() % 200) - 100)); break;
            }
        }
        std::cout << "  " << type << ' ' << quantity_names[k] << ": " << n << " inputs, " << wrong << " misrounded\n";
        EXPECT_EQ(wrong, 0U);
    }
}

TEST(scalar_quantities, binary64_correctly_rounded) { check_quantities<double>("binary64"); }
TEST(scalar_quantities, binary32_correctly_rounded) { check_quantities<float>("binary32"); }
TEST(scalar_quantities, long_double_correctly_rounded) { check_quantities<long double>("long double"); }

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
