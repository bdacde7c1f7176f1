// proofs/gibbs.cpp — Gibbs' inequality: KL(P||Q) >= 0, with equality only at P = Q; KL is not
// symmetric.
#include "proof.hpp"

namespace proof {
namespace {

// A set of pairs: dense, sparse (zeros in P, in both), near-equal (Q = P perturbed by 2^-40 and
// by 10^-12), skewed (one mass near 1), and many-class.
constexpr std::array p_half{q(1, 2), q(1, 2)};
constexpr std::array q_skew{q(9, 10), q(1, 10)};
constexpr std::array p3{q(1, 3), q(1, 3), q(1, 3)};
constexpr std::array q3{q(1, 2), q(1, 4), q(1, 4)};
constexpr std::array p_sparse{q(0), q(1, 2), q(1, 2), q(0)};
constexpr std::array q_sparse{q(1, 10), q(2, 5), q(2, 5), q(1, 10)};
constexpr std::array p_onehot{q(1), q(0), q(0)};
constexpr std::array q_onehot{q(98, 100), q(1, 100), q(1, 100)};
constexpr std::array p_near{I(0.5), I(0.25), I(0.25)};
constexpr std::array q_near{I(0.5) + D::pow2(-40), I(0.25) - D::pow2(-41), I(0.25) - D::pow2(-41)};
constexpr std::array q_near12{q(1, 2) + q(1, 1000000000000), q(1, 2) - q(1, 1000000000000)};
constexpr std::array p_tiny{q(999999, 1000000), q(1, 1000000)};
constexpr std::array q_tiny{q(1, 1000), q(999, 1000)};
constexpr std::array p6{q(1, 21), q(2, 21), q(3, 21), q(4, 21), q(5, 21), q(6, 21)};
constexpr std::array q6{q(1, 6), q(1, 6), q(1, 6), q(1, 6), q(1, 6), q(1, 6)};

// Gibbs: KL > 0 for every pair with P != Q (the whole enclosure is above 0).
static_assert(positive(shannon::kl_divergence(p_half, q_skew)));
static_assert(positive(shannon::kl_divergence(q_skew, p_half)));
static_assert(positive(shannon::kl_divergence(p3, q3)));
static_assert(positive(shannon::kl_divergence(q3, p3)));
static_assert(positive(shannon::kl_divergence(p_sparse, q_sparse)));
static_assert(positive(shannon::kl_divergence(p_onehot, q_onehot)));
static_assert(positive(shannon::kl_divergence(p_near, q_near)));
static_assert(positive(shannon::kl_divergence(q_near, p_near)));
static_assert(positive(shannon::kl_divergence(p_half, q_near12)));
static_assert(positive(shannon::kl_divergence(p_tiny, q_tiny)));
static_assert(positive(shannon::kl_divergence(q_tiny, p_tiny)));
static_assert(positive(shannon::kl_divergence(p6, q6)));
static_assert(positive(shannon::kl_divergence(q6, p6)));

// Near-equal pairs are second order: KL ~ sum (p - q)^2 / (2p). For the 2^-40 perturbation,
// (2^-40)^2 / 2 * (2/1 + 2 * 1/4 * 4 ... ) lies between 2^-80 and 2^-78.
static_assert(between(shannon::kl_divergence(p_near, q_near), I(D::pow2(-80)), I(D::pow2(-78))));

// The generalized KL of measures (not normalized) is >= 0 too.
constexpr std::array m1{q(3), q(1, 2), q(0)};
constexpr std::array m2{q(1), q(2), q(5)};
static_assert(positive(shannon::generalized_kl_divergence(m1, m2)));
static_assert(positive(shannon::generalized_kl_divergence(m2, m1)) || infinite(shannon::generalized_kl_divergence(m2, m1)));

// KL(P||P) = 0: exactly for dyadic P; for rationals such as 1/3, whose inputs are themselves
// enclosures 2^-129 wide, the enclosure of KL(P||P) contains 0 and is narrower than 2^-120.
static_assert(exactly(shannon::kl_divergence(p_half, p_half), D(0)));
static_assert(exactly(shannon::kl_divergence(p_near, p_near), D(0)));
static_assert(exactly(shannon::kl_divergence(p_sparse, p_sparse), D(0)));
static_assert(vanishes(shannon::kl_divergence(p3, p3), 120));
static_assert(vanishes(shannon::kl_divergence(p6, p6), 120));
static_assert(vanishes(shannon::kl_divergence(q_skew, q_skew), 120));

// Asymmetry: the two directions' enclosures are disjoint.
static_assert(disjoint(shannon::kl_divergence(p_half, q_skew), shannon::kl_divergence(q_skew, p_half)));
static_assert(disjoint(shannon::kl_divergence(p3, q3), shannon::kl_divergence(q3, p3)));
static_assert(disjoint(shannon::kl_divergence(p_tiny, q_tiny), shannon::kl_divergence(q_tiny, p_tiny)));
// and the one-hot direction is infinite the other way (q > 0 = p somewhere is fine, p > 0 = q is not).
static_assert(infinite(shannon::kl_divergence(q_onehot, p_onehot)));
static_assert(!infinite(shannon::kl_divergence(p_onehot, q_onehot)));

}  // namespace
}  // namespace proof
