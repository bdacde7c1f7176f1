// proofs/likelihood.cpp — maximum likelihood = minimum cross-entropy = minimum KL.
//
// For data with empirical distribution P_data, NLL(theta) = N * H(P_data, P_theta) and
// KL(P_data || P_theta) = H(P_data, P_theta) - H(P_data): the three objectives differ by a positive
// factor and a constant, so they share their minimizer, the MLE. Proved on the coin of the founding
// material (6 heads in 10 flips) and on a categorical dataset.
#include "proof.hpp"

namespace proof {
namespace {

constexpr std::array flips{1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
constexpr std::array p_data{q(6, 10), q(4, 10)};

constexpr std::array<I, 2> bernoulli(const I& theta) { return {theta, I(1) - theta}; }

// The MLE is k/n = 0.6.
static_assert(vanishes(shannon::bernoulli_mle<I>(flips) - q(6, 10), 120));

// NLL(theta) = N * H(P_data, Bernoulli(theta)), and KL = CE - H(P_data), for several theta.
constexpr bool nll_is_n_times_cross_entropy() {
    for (long long k : {1, 5, 6, 8}) {
        const I theta = q(k, 10);
        const I nll = shannon::bernoulli_nll(flips, theta);
        const I ce = shannon::cross_entropy(p_data, bernoulli(theta));
        const I kl = shannon::kl_divergence(p_data, bernoulli(theta));
        if (!vanishes(nll - I(10) * ce) || !vanishes(kl - (ce - shannon::entropy(p_data)))) {
            return false;
        }
    }
    return true;
}
static_assert(nll_is_n_times_cross_entropy());

// theta = 0.6 minimizes the cross-entropy (and so the NLL and the KL) over the grid, the nearest
// alternatives 0.59 and 0.61 included; at 0.6 the KL is 0.
constexpr bool mle_minimizes_cross_entropy() {
    const I best = shannon::cross_entropy(p_data, bernoulli(q(6, 10)));
    for (long long k = 1; k < 10; ++k) {
        if (k != 6 && !less(best, shannon::cross_entropy(p_data, bernoulli(q(k, 10))))) {
            return false;
        }
    }
    return less(best, shannon::cross_entropy(p_data, bernoulli(q(59, 100)))) &&
           less(best, shannon::cross_entropy(p_data, bernoulli(q(61, 100))));
}
static_assert(mle_minimizes_cross_entropy());
static_assert(vanishes(shannon::kl_divergence(p_data, bernoulli(q(6, 10))), 120));
static_assert(less(shannon::bernoulli_nll(flips, q(6, 10)), shannon::bernoulli_nll(flips, q(5, 10))));

// A categorical dataset: classes 0, 0, 1, 2, 2, 2 (counts 2, 1, 3; MLE 1/3, 1/6, 1/2).
constexpr std::array labels{0, 0, 1, 2, 2, 2};
constexpr std::array cat_data{q(2, 6), q(1, 6), q(3, 6)};
constexpr std::array mle{q(1, 3), q(1, 6), q(1, 2)};
static_assert(vanishes(shannon::categorical_mle<I>(labels, 3)[0] - q(1, 3), 120) &&
              vanishes(shannon::categorical_mle<I>(labels, 3)[2] - q(1, 2), 120));
static_assert(vanishes(shannon::categorical_nll(labels, mle) - I(6) * shannon::cross_entropy(cat_data, mle)));

constexpr bool categorical_mle_is_the_minimum() {
    const std::array<std::array<I, 3>, 4> alternatives{{{q(1, 3), q(1, 3), q(1, 3)},
                                                        {q(1, 2), q(1, 6), q(1, 3)},
                                                        {q(3, 10), q(2, 10), q(5, 10)},
                                                        {q(1, 3), q(1, 5), q(7, 15)}}};
    const I best = shannon::categorical_nll(labels, mle);
    for (const auto& alt : alternatives) {
        const I nll = shannon::categorical_nll(labels, alt);
        const I ce = shannon::cross_entropy(cat_data, alt);
        const I kl = shannon::kl_divergence(cat_data, alt);
        if (!less(best, nll) || !vanishes(nll - I(6) * ce) || !vanishes(kl - (ce - shannon::entropy(cat_data)))) {
            return false;
        }
    }
    return true;
}
static_assert(categorical_mle_is_the_minimum());

}  // namespace
}  // namespace proof
