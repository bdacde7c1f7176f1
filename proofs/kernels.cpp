// proofs/kernels.cpp — the constexpr floating-point code agrees with the exact values.
//
// shannon's own log, log1p, exp and expm1 for float, double and long double (double_word.hpp), and
// the core quantities evaluated in double by the compiler, each lie within one ulp of the exact
// value of the same floating-point inputs (the dyadic enclosure of the function at the input, which
// every built-in number is exactly). The run-time results are the same bits (tests/core/constexpr_identity.cpp).
#include "proof.hpp"

namespace proof {
namespace {

template <std::floating_point F, std::size_t N>
constexpr bool kernels_within_one_ulp(const std::array<F, N>& xs) {
    for (const F x : xs) {
        const I v(x);
        if (x > 0 && !within_one_ulp(shannon::correctly_rounded::log(x), log(v))) {
            return false;
        }
        if (x > -1 && !within_one_ulp(shannon::correctly_rounded::log1p(x), log1p(v))) {
            return false;
        }
        if (x < 80 && !within_one_ulp(shannon::correctly_rounded::exp(x), exp(v))) {
            return false;
        }
        if (x < 80 && !within_one_ulp(shannon::correctly_rounded::expm1(x), expm1(v))) {
            return false;
        }
    }
    return true;
}

// Inputs across the binades, near 1 (where log and log1p cancel), tiny (where log1p and expm1 are
// x), and large.
static_assert(kernels_within_one_ulp(std::array{0.1, 0.5, 0.75, 0.9, 0.999, 1.0, 1.0000001, 1.5, 2.0, 3.0, 10.0}));
static_assert(kernels_within_one_ulp(std::array{1e-300, 1e-20, 2.2250738585072014e-308, -1e-10, -0.3, -0.7, 1e10, 1e300}));
static_assert(kernels_within_one_ulp(std::array{0.6931471805599453, 1.0 / 3.0, 7.5, 33.0, -5.0, -40.0, 0.01, 5e-324}));
static_assert(kernels_within_one_ulp(std::array{0.1f, 0.5f, 0.9f, 1.5f, 3.0f, -0.3f, 1e-20f, 20.0f, -20.0f}));
static_assert(kernels_within_one_ulp(std::array{0.1L, 0.9L, 1.5L, 3.0L, -0.3L, 1e-20L, 20.0L, -20.0L, 1e300L}));

// The core in double at compile time: the user-facing API of the README.
constexpr double kl = shannon::kl_divergence(std::array{0.5, 0.5}, std::array{0.9, 0.1});
static_assert(within_one_ulp(kl, shannon::kl_divergence(std::array{I(0.5), I(0.5)}, std::array{I(0.9), I(0.1)})));
constexpr std::array p{0.7, 0.1, 0.1, 0.1};
constexpr std::array r{0.25, 0.25, 0.25, 0.25};
constexpr std::array<I, 4> pi_{I(0.7), I(0.1), I(0.1), I(0.1)};
constexpr std::array<I, 4> ri{I(0.25), I(0.25), I(0.25), I(0.25)};
static_assert(within_one_ulp(shannon::entropy(p), shannon::entropy(pi_)));
static_assert(within_one_ulp(shannon::entropy(p, {.base = shannon::unit::bits}),
                             shannon::entropy(pi_, {.base = shannon::unit::bits})));
static_assert(within_one_ulp(shannon::cross_entropy(p, r), shannon::cross_entropy(pi_, ri)));
static_assert(within_one_ulp(shannon::js_divergence(p, r), shannon::js_divergence(pi_, ri)));
static_assert(within_one_ulp(shannon::binary_entropy(0.9), shannon::binary_entropy(I(0.9))));
static_assert(within_one_ulp(shannon::self_information(0.9), shannon::self_information(I(0.9))));
static_assert(within_one_ulp(shannon::binary_cross_entropy(1.0, 0.8), shannon::binary_cross_entropy(I(1), I(0.8))));
static_assert(within_one_ulp(shannon::binary_cross_entropy_with_logits(0.3, -2.5),
                             shannon::binary_cross_entropy_with_logits(I(0.3), I(-2.5))));
static_assert(within_one_ulp(shannon::categorical_cross_entropy_with_logits(0, std::array{2.0, 1.0, 0.1}),
                             shannon::categorical_cross_entropy_with_logits(0, std::array{I(2), I(1), I(0.1)})));
static_assert(within_one_ulp(shannon::softplus(30.0), shannon::softplus(I(30))));
static_assert(within_one_ulp(shannon::logsumexp(std::array{-1.0, 3.0, 2.5}),
                             shannon::logsumexp(std::array{I(-1), I(3), I(2.5)})));
static_assert(within_one_ulp(shannon::gaussian_nll(std::array{1.0, 2.0}, std::array{1.5, 2.0}, 0.5),
                             shannon::gaussian_nll(std::array{I(1), I(2)}, std::array{I(1.5), I(2)}, I(0.5))));
// float and long double quantities.
static_assert(within_one_ulp(shannon::kl_divergence(std::array{0.5f, 0.5f}, std::array{0.9f, 0.1f}),
                             shannon::kl_divergence(std::array{I(0.5f), I(0.5f)}, std::array{I(0.9f), I(0.1f)})));
static_assert(within_one_ulp(shannon::entropy(std::array{0.7L, 0.3L}), shannon::entropy(std::array{I(0.7L), I(0.3L)})));

}  // namespace
}  // namespace proof
