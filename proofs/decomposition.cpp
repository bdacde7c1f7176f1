// proofs/decomposition.cpp — cross-entropy = entropy + KL: H(P,Q) = H(P) + KL(P||Q), so that
// KL(P||Q) = H(P,Q) - H(P) and minimizing the cross-entropy over Q minimizes the KL divergence.
// For each pair the enclosure of H(P,Q) - H(P) - KL(P||Q) contains 0 and is narrower than 2^-100.
#include "proof.hpp"

namespace proof {
namespace {

template <class P, class Q>
constexpr I decomposition_gap(const P& p, const Q& qq) {
    return shannon::cross_entropy(p, qq) - shannon::entropy(p) - shannon::kl_divergence(p, qq);
}

constexpr std::array p2{q(1, 2), q(1, 2)};
constexpr std::array q2{q(9, 10), q(1, 10)};
constexpr std::array p3{q(1, 3), q(1, 3), q(1, 3)};
constexpr std::array q3{q(1, 2), q(1, 4), q(1, 4)};
constexpr std::array p4{q(1), q(0), q(0), q(0)};
constexpr std::array q4{q(7, 10), q(1, 10), q(1, 10), q(1, 10)};
constexpr std::array p5{q(1, 10), q(2, 10), q(3, 10), q(4, 10), q(0)};
constexpr std::array q5{q(1, 5), q(1, 5), q(1, 5), q(1, 5), q(1, 5)};
constexpr std::array p_near{I(0.5), I(0.25), I(0.25)};
constexpr std::array q_near{I(0.5) + D::pow2(-30), I(0.25) - D::pow2(-31), I(0.25) - D::pow2(-31)};

static_assert(vanishes(decomposition_gap(p2, q2)));
static_assert(vanishes(decomposition_gap(q2, p2)));
static_assert(vanishes(decomposition_gap(p3, q3)));
static_assert(vanishes(decomposition_gap(q3, p3)));
static_assert(vanishes(decomposition_gap(p4, q4)));
static_assert(vanishes(decomposition_gap(p5, q5)));
static_assert(vanishes(decomposition_gap(p_near, q_near)));

// In bits too: the identity holds in every unit.
static_assert(vanishes(shannon::cross_entropy(p2, q2, {.base = shannon::unit::bits}) -
                       shannon::entropy(p2, {.base = shannon::unit::bits}) -
                       shannon::kl_divergence(p2, q2, {.base = shannon::unit::bits})));

// Cross-entropy is at least the entropy (Gibbs again), with equality at Q = P.
static_assert(less(shannon::entropy(p3), shannon::cross_entropy(p3, q3)));
static_assert(less(shannon::entropy(q2), shannon::cross_entropy(q2, p2)));
static_assert(vanishes(shannon::cross_entropy(p3, p3) - shannon::entropy(p3), 120));

// The one-hot case of the founding material: H(P) = 0, so H(P,Q) = KL(P||Q) = -log q_true.
static_assert(exactly(shannon::entropy(p4), D(0)));
static_assert(vanishes(shannon::cross_entropy(p4, q4) - shannon::kl_divergence(p4, q4)));
static_assert(vanishes(shannon::cross_entropy(p4, q4) + log(q(7, 10))));

// A categorical cross-entropy with a class index is the cross-entropy against the one-hot target.
static_assert(vanishes(shannon::categorical_cross_entropy(0, q4) - shannon::cross_entropy(p4, q4)));

}  // namespace
}  // namespace proof
