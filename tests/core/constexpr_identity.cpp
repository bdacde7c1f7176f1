// tests/core/constexpr_identity.cpp — the double-word kernels give the same bits at compile time and at
// run time. Inputs come from a constexpr generator; each block of results is a constant
// (static constexpr, evaluated by the compiler) and is compared bit for bit with the same calls
// made at run time (through a volatile, so the optimizer cannot fold them).
#include <gtest/gtest.h>

#include "constexpr_support.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

#include <shannon/core/elementary.hpp>

namespace {

enum class fn { log, log1p, exp, expm1 };

using constexpr_support::mix;
using constexpr_support::same_bits;

/// The i-th input for function f in type F: spread over the function's domain, exactly
/// representable (a 24-bit fraction scaled by a power of two).
template <class F>
constexpr F input(fn f, int i) {
    const std::uint64_t r = mix(static_cast<std::uint64_t>(i) * 4 + static_cast<std::uint64_t>(f));
    const F u = F(static_cast<double>(r >> 40U)) / F(16777216.0);  // [0, 1), 24 bits
    const int spread = static_cast<int>((r >> 8U) % 61U) - 30;         // -30 .. 30
    switch (f) {
        case fn::log:
            return shannon::double_word_arith::ldexp(F(0.5) + u, spread * 3);
        case fn::log1p:
            return (i % 2 == 0) ? F(-0.9375) + u * F(4) : shannon::double_word_arith::ldexp(u - F(0.5), spread - 30);
        case fn::exp:
            return (i % 2 == 0) ? (u - F(0.5)) * F(160) : shannon::double_word_arith::ldexp(u - F(0.5), spread - 30);
        case fn::expm1:
            return (i % 2 == 0) ? (u - F(0.5)) * F(80) : shannon::double_word_arith::ldexp(u - F(0.5), spread - 30);
    }
    return F(0);
}

template <class F>
constexpr F apply(fn f, F x) {
    switch (f) {
        case fn::log:
            return shannon::correctly_rounded::log(x);
        case fn::log1p:
            return shannon::correctly_rounded::log1p(x);
        case fn::exp:
            return shannon::correctly_rounded::exp(x);
        case fn::expm1:
            return shannon::correctly_rounded::expm1(x);
    }
    return F(0);
}

constexpr int block_size = 16;
constexpr int blocks = 16;  // 256 inputs per function and type: 3072 in all

template <class F, fn f, int b>
struct block {
    static constexpr std::array<F, block_size> values = [] {
        std::array<F, block_size> out{};
        for (int i = 0; i < block_size; ++i) {
            out[static_cast<std::size_t>(i)] = apply(f, input<F>(f, b * block_size + i));
        }
        return out;
    }();
};

template <class F, fn f, int... b>
int mismatches(std::integer_sequence<int, b...>) {
    int bad = 0;
    const auto check = [&](const std::array<F, block_size>& compile_time, int base) {
        for (int i = 0; i < block_size; ++i) {
            volatile F x = input<F>(f, base + i);
            const F run_time = apply(f, static_cast<F>(x));
            if (!same_bits(compile_time[static_cast<std::size_t>(i)], run_time)) {
                ++bad;
                ADD_FAILURE() << "input " << static_cast<long double>(x) << ": compile time "
                              << static_cast<long double>(compile_time[static_cast<std::size_t>(i)]) << ", run time "
                              << static_cast<long double>(run_time);
            }
        }
    };
    (check(block<F, f, b>::values, b * block_size), ...);
    return bad;
}

template <class F>
void all_functions() {
    constexpr auto seq = std::make_integer_sequence<int, blocks>{};
    EXPECT_EQ((mismatches<F, fn::log>(seq)), 0);
    EXPECT_EQ((mismatches<F, fn::log1p>(seq)), 0);
    EXPECT_EQ((mismatches<F, fn::exp>(seq)), 0);
    EXPECT_EQ((mismatches<F, fn::expm1>(seq)), 0);
}

TEST(constexpr_identity, float_bits_equal_at_compile_and_run_time) { all_functions<float>(); }
TEST(constexpr_identity, double_bits_equal_at_compile_and_run_time) { all_functions<double>(); }
TEST(constexpr_identity, long_double_bits_equal_at_compile_and_run_time) { all_functions<long double>(); }

}  // namespace

int main(int argc, char** argv) {
#ifdef SHANNON_TEST_FMA
    // Built with -mfma: the compiler may contract a*b + c into an FMA anywhere it is not told
    // otherwise, which is what this variant checks double_word.hpp against. 77: Meson's "skipped".
    if (!__builtin_cpu_supports("fma")) {
        std::puts("this CPU has no FMA: skipped");
        return 77;
    }
#endif
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
