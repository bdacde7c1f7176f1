// tests/core/constexpr_quantities.cpp — the core quantities give the same bits at compile time and at
// run time: entropy, cross-entropy, KL, JS, BCE from logits, categorical CE from logits, logsumexp
// and the Gaussian NLL, for float, double and long double, on inputs from a constexpr generator.
// Each block of results is a constant evaluated by the compiler, compared bit for bit with the same
// calls at run time (through a volatile index, so the optimizer cannot fold them).
#include <gtest/gtest.h>

#include "constexpr_support.hpp"

#include <array>
#include <cstdint>
#include <utility>

#include <shannon/shannon.hpp>

namespace {

using constexpr_support::mix;
using constexpr_support::same_bits;

/// A uniform number in [0, 1) with 20 bits, exact in every type.
template <class F>
constexpr F unit(int i, int k) {
    const std::uint64_t r = mix(static_cast<std::uint64_t>(i) * 64 + static_cast<std::uint64_t>(k));
    return F(static_cast<double>(r >> 44U)) / F(1048576.0);
}

/// A distribution of 4 dyadic masses that sums to 1 exactly (some entries may be 0).
template <class F>
constexpr std::array<F, 4> distribution(int i, int k) {
    std::array<F, 4> p{};
    F rest = F(1);
    for (int j = 0; j < 3; ++j) {
        const F u = unit<F>(i, k + j);
        p[static_cast<std::size_t>(j)] = (u < F(0.1)) ? F(0) : rest * u * F(0.5);
        rest -= p[static_cast<std::size_t>(j)];
    }
    p[3] = rest;
    return p;
}

constexpr int quantities = 8;

template <class F>
constexpr F quantity(int which, int i) {
    const auto p = distribution<F>(i, 0);
    const auto q = distribution<F>(i, 8);
    const std::array<F, 4> z{(unit<F>(i, 20) - F(0.5)) * F(40), (unit<F>(i, 21) - F(0.5)) * F(40),
                             (unit<F>(i, 22) - F(0.5)) * F(4), F(0)};
    switch (which) {
        case 0:
            return shannon::entropy(p);
        case 1:
            return shannon::cross_entropy(p, q, {.base = shannon::unit::bits});
        case 2:
            return q[0] == 0 || q[1] == 0 || q[2] == 0 ? shannon::kl_divergence(q, p) : shannon::kl_divergence(p, q);
        case 3:
            return shannon::js_divergence(p, q);
        case 4:
            return shannon::binary_cross_entropy_with_logits(unit<F>(i, 30), z[0]);
        case 5:
            return shannon::categorical_cross_entropy_with_logits(i % 4, z);
        case 6:
            return shannon::logsumexp(z);
        default:
            return shannon::gaussian_nll(std::array{z[0], z[1], z[2]}, std::array{z[1], z[2], z[3]},
                                         F(0.25) + unit<F>(i, 31));
    }
}

constexpr int block_size = 1;  // one quantity per constant expression: within Clang's default step limit
constexpr int blocks = 16;     // 16 inputs per quantity and type: 384 in all

template <class F, int which, int b>
struct block {
    static constexpr std::array<F, block_size> values = [] {
        std::array<F, block_size> out{};
        for (int i = 0; i < block_size; ++i) {
            out[static_cast<std::size_t>(i)] = quantity<F>(which, b * block_size + i);
        }
        return out;
    }();
};

template <class F, int which, int... b>
int mismatches(std::integer_sequence<int, b...>) {
    int bad = 0;
    const auto check = [&](const std::array<F, block_size>& compile_time, int base) {
        for (int i = 0; i < block_size; ++i) {
            volatile int index = base + i;
            const F run_time = quantity<F>(which, index);
            if (!same_bits(compile_time[static_cast<std::size_t>(i)], run_time)) {
                ++bad;
                ADD_FAILURE() << "quantity " << which << ", input " << base + i << ": compile time "
                              << static_cast<long double>(compile_time[static_cast<std::size_t>(i)])
                              << ", run time " << static_cast<long double>(run_time);
            }
        }
    };
    (check(block<F, which, b>::values, b * block_size), ...);
    return bad;
}

template <class F, int... which>
void all_quantities(std::integer_sequence<int, which...>) {
    constexpr auto seq = std::make_integer_sequence<int, blocks>{};
    const std::array<int, sizeof...(which)> bad{mismatches<F, which>(seq)...};
    for (std::size_t w = 0; w < bad.size(); ++w) {
        EXPECT_EQ(bad[w], 0) << "quantity " << w;
    }
}

TEST(constexpr_quantities, float_bits_equal_at_compile_and_run_time) {
    all_quantities<float>(std::make_integer_sequence<int, quantities>{});
}
TEST(constexpr_quantities, double_bits_equal_at_compile_and_run_time) {
    all_quantities<double>(std::make_integer_sequence<int, quantities>{});
}
TEST(constexpr_quantities, long_double_bits_equal_at_compile_and_run_time) {
    all_quantities<long double>(std::make_integer_sequence<int, quantities>{});
}

}  // namespace

int main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
