// shannon/core/options.hpp — the choices a caller can make: unit, normalization, reduction.
#pragma once

#include <cstddef>
#include <optional>

namespace shannon {

/// The unit of an information quantity: the base of its logarithm.
enum class unit {
    nats,  ///< natural logarithm (the default)
    bits,  ///< log base 2 (shannons)
    bans,  ///< log base 10 (hartleys)
};

/// What a measure does with a distribution argument whose sum is not 1 (options::normalization).
enum class normalization {
    /// The default: |sum - 1| must be at most options::sum_tolerance, else shannon::domain_error.
    /// The quantity is then computed for the values exactly as given (they are not rescaled).
    check,
    /// Divide by the sum first (as scipy.stats.entropy does). The sum must be positive and finite.
    normalize,
    /// Take the values as an unnormalized measure: no check, no rescaling.
    unnormalized,
};

/// How a loss over N samples is reduced.
enum class reduction {
    mean,  ///< the mean over samples (the default, as in the founding material and the frameworks)
    sum,   ///< the sum over samples
};

/// The normalizer of the normalized mutual information I(X;Y) / f(H(X), H(Y)) (options::average),
/// named as scikit-learn's average_method: f = (H(X) + H(Y))/2, sqrt(H(X) H(Y)), min, max; joint divides
/// by H(X,Y).
enum class nmi_average {
    arithmetic,  ///< (H(X) + H(Y)) / 2 (the default, as scikit-learn's since 0.22)
    geometric,   ///< sqrt(H(X) H(Y)) (Strehl and Ghosh)
    min,         ///< min(H(X), H(Y))
    max,         ///< max(H(X), H(Y))
    joint,       ///< H(X, Y)
};

/// Options shared by the measures and losses. Aggregate: `shannon::options{.base = shannon::unit::bits}`.
struct options {
    /// The unit of the logarithm: nats (the default), bits or bans.
    unit base = unit::nats;
    /// What to do with a distribution that does not sum to 1 (check, the default; normalize; unnormalized).
    shannon::normalization normalization = shannon::normalization::check;
    /// Largest accepted |sum - 1| under normalization::check. The default, 1e-6, accepts any
    /// distribution produced in float32 or wider (a softmax output sums to 1 within a few float
    /// ulps) and rejects counts, logits and unnormalized weights. Set it to 0 to demand an exact sum.
    double sum_tolerance = 1e-6;
    /// How the batched losses reduce over samples.
    shannon::reduction reduction = shannon::reduction::mean;
    /// The axis of a joint table a conditional quantity conditions on: H(rest | axis) for
    /// conditional_entropy (default 0: the rows, H(Y|X)), the Z of I(X;Y|Z) for
    /// conditional_mutual_information (default: the last axis).
    std::optional<std::size_t> given = std::nullopt;
    /// The normalizer of normalized_mutual_information.
    nmi_average average = nmi_average::arithmetic;
};

}  // namespace shannon
