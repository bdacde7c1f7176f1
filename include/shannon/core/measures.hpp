// shannon/core/measures.hpp — self-information, entropy, binary entropy, cross-entropy, KL divergence,
// generalized KL and Jensen–Shannon divergence.
//
// Conventions (the README's table is the same):
//   0 log 0 = 0; a term with p = 0 contributes 0 whatever q is (also q = 0).
//   H(P,Q) and D(P||Q) are +inf where some q_i = 0 < p_i.
//   A NaN, negative or infinite probability is a domain_error naming the argument, index and value.
//   Distributions must sum to 1 within options::sum_tolerance (default 1e-6) unless the caller
//   chooses normalization::normalize or normalization::unnormalized.
//   Mismatched lengths and empty ranges are invalid_argument.
//
// Accuracy: every quantity is evaluated in working_t<T> and rounded once; the terms of KL,
// generalized KL and JS are each >= 0 (the bd0 form below), so their sums suffer no cancellation.
#pragma once

#include <cmath>
#include <cstddef>
#include <iterator>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "error.hpp"
#include "math.hpp"
#include "../numbers/traits.hpp"
#include "options.hpp"
#include "quantity.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon {
namespace detail {

/// Rejects NaN, negative and infinite probabilities.
template <class T>
constexpr void check_probability(const T& v, std::string_view function, arg_name argument,
                       std::optional<std::size_t> index) {
    if (has_nan(v)) {
        fail_at<shannon::domain_error>(function, argument, index, v, "a probability cannot be NaN");
    }
    if (lower_of(v) < 0) {
        fail_at<shannon::domain_error>(function, argument, index, v, "a probability must be >= 0");
    }
    if (is_pos_inf(v)) {
        fail_at<shannon::domain_error>(function, argument, index, v, "a probability must be finite");
    }
}

/// Rejects anything outside [0, 1] (a probability of one event, or a soft label).
template <class T>
constexpr void check_unit_interval(const T& v, std::string_view function, arg_name argument,
                         std::optional<std::size_t> index, std::string_view what = "a probability") {
    if (has_nan(v) || lower_of(v) < 0 || upper_of(v) > 1) {
        fail_at<shannon::domain_error>(function, argument, index, v, what, " must lie in [0, 1]");
    }
}

/// Reads a range of probabilities (non-negative, finite) into working precision.
template <class W, class R>
[[nodiscard]] constexpr std::vector<W> collect_probabilities(R&& r, std::string_view function, std::string_view argument) {
    return collect<W>(std::forward<R>(r), function, argument,
                      [&](const auto& v, std::size_t i) { check_probability(v, function, argument, i); });
}

template <class W>
[[nodiscard]] constexpr W sum_of(const std::vector<W>& v) {
    accumulator<W> acc;
    for (const W& x : v) {
        acc.add(x);
    }
    return acc.value();
}

/// Applies the normalization option to a distribution argument (in place).
template <class W>
constexpr void normalize_argument(std::vector<W>& v, const options& opt, std::string_view function,
                                  arg_name argument) {
    if (!(opt.sum_tolerance >= 0)) {  // NaN included: a NaN tolerance would accept every sum
        fail<shannon::invalid_argument>(function, "option 'sum_tolerance' is ", shown_setting{opt.sum_tolerance},
                                        ": a tolerance must be a number >= 0");
    }
    if (opt.normalization == normalization::unnormalized) {
        return;
    }
    const W s = sum_of(v);
    if (opt.normalization == normalization::normalize) {
        if (!(lower_of(s) > 0) || is_pos_inf(s)) {
            fail_at<shannon::domain_error>(function, argument, std::nullopt, s,
                                           "normalization needs a positive, finite sum (this is the sum)");
        }
        for (W& x : v) {
            x = W(x / s);
        }
        return;
    }
    // normalization::check. For an interval sum the check fails only when the whole enclosure is
    // outside the tolerance band: the exact sum is then certainly outside it.
    const W tol = W(opt.sum_tolerance);
    const W one = W(1);
    if (lower_of(s) > upper_of(W(one + tol)) || upper_of(s) < lower_of(W(one - tol))) {
        const W off = abs_(W(s - one));
        fail<shannon::domain_error>(function, "argument '", argument, "' sums to ", shown_short<W>{s},
                                    " (|sum - 1| = ", shown_exact<W>{off}, "), not 1 within sum_tolerance ",
                                    shown_setting{opt.sum_tolerance},
                                    " (pass normalization::normalize to rescale, or normalization::unnormalized)");
    }
}

/// log(p/q) for p, q > 0. A ratio that overflows or underflows (subnormal q or p in a type without
/// a wider exponent range) is taken as log p - log q; intervals (MPFR's exponent range) never need it.
template <class W>
[[nodiscard]] constexpr W log_ratio(const W& p, const W& q) {
    const W ratio = p / q;
    if constexpr (!is_interval_v<W>) {
        if (!isfinite_(ratio) || ratio == 0) {
            return log_(p) - log_(q);
        }
    }
    return log_(ratio);
}

/// 2 (v^3/3 + v^5/5 + ...) = 2 atanh(v) - 2v for |v| < 1/2, summed until a term falls below
/// eps * vmax^3 / 3 (the size of the first term), which makes the truncation error at most
/// eps/3 * vmax^3 / (1 - vmax^2) relative to the first term's size. For intervals the truncated
/// tail, at most vmax^(k+2) / ((k+2)(1 - vmax^2)) after the term v^k/k, is added as an enclosure,
/// so the result is rigorous wherever the loop stops (also when v straddles 0).
template <class W>
[[nodiscard]] constexpr W atanh_tail_series(const W& v) {
    const auto vmax = upper_of(abs_(v));
    using S = std::remove_cvref_t<decltype(vmax)>;
    const S eps = std::numeric_limits<S>::epsilon();
    const S first = S(vmax * vmax * vmax) / 3;
    const W v2 = v * v;
    W power = v;
    W series = W(0);
    int k = 3;
    for (; k < 100000; k += 2) {
        power *= v2;
        const W term = power / W(k);
        series += term;
        if (upper_of(abs_(term)) <= eps * first) {
            break;
        }
    }
    if constexpr (is_interval_v<W>) {
        const W vm = W(vmax);
        const W tail_bound = pow(vm, k + 2) / W(W(k + 2) * W(W(1) - vm * vm));
        series += hull(W(-upper(tail_bound)), W(upper(tail_bound)));
    }
    return W(2) * series;
}

/// bd0(p, q) = p log(p/q) - p + q >= 0, the term of the generalized KL divergence, without
/// cancellation (Loader's "saddle point" deviance; also R's bd0 and scipy's kl_div).
///
/// With v = (p - q)/(p + q), log(p/q) = 2 atanh(v) = 2 (v + v^3/3 + v^5/5 + ...), and since
/// p - q = v (p + q):  bd0 = (p - q) v + p * 2 (v^3/3 + v^5/5 + ...).
/// For |v| < 1/4 (3/5 < p/q < 5/3) the first part (p - q) v >= 0 dominates (the rest is at most
/// 2|v|/3 of it) and p - q is exact (Sterbenz). Outside that band the direct form loses at most
/// ~3.3 bits to cancellation, which the guard digits of the working type absorb. For an interval
/// the band is chosen on the midpoint (both forms are exact identities) and must hold for the
/// whole interval's |v| < 1/2, where the series' tail bound is valid.
template <class W>
[[nodiscard]] constexpr W bd0(const W& p, const W& q) {
    if (is_exact_zero(p)) {
        return q;
    }
    if (is_exact_zero(q)) {
        return pos_infinity<W>();
    }
    const W d = p - q;
    const W v = d / W(p + q);
    const W av = abs_(v);
    if (representative(av) < 0.25 && upper_of(av) < 0.5) {
        return d * v + p * atanh_tail_series(v);
    }
    // Direct form; for intervals an enclosure for every point of p and q (q touching 0 gives an
    // upper bound of +inf, p touching 0 is handled by the hull in times_or_zero).
    return W(times_or_zero(p, log_ratio(p, q)) - p) + q;
}

/// Shared body of the two-distribution measures: read, validate, normalize.
template <class W, class P, class Q>
[[nodiscard]] constexpr std::pair<std::vector<W>, std::vector<W>> read_pair(P&& p, Q&& q, const options& opt,
                                                                  std::string_view function) {
    std::vector<W> pv = collect_probabilities<W>(std::forward<P>(p), function, "p");
    std::vector<W> qv = collect_probabilities<W>(std::forward<Q>(q), function, "q");
    check_same_length(pv, qv, function, "p", "q");
    normalize_argument(pv, opt, function, "p");
    normalize_argument(qv, opt, function, "q");
    return {std::move(pv), std::move(qv)};
}

template <class W>
[[nodiscard]] constexpr W entropy_nats(const std::vector<W>& p) {
    accumulator<W> acc;
    for (const W& x : p) {
        acc.add(W(-xlogy(x, x)));
    }
    return acc.value();
}

template <class W>
[[nodiscard]] constexpr W cross_entropy_nats(const std::vector<W>& p, const std::vector<W>& q) {
    accumulator<W> acc;
    for (std::size_t i = 0; i < p.size(); ++i) {
        acc.add(W(-xlogy(p[i], q[i])));
    }
    return acc.value();
}

/// sum bd0(p_i, q_i): the generalized KL divergence.
template <class W>
[[nodiscard]] constexpr W generalized_kl_nats(const std::vector<W>& p, const std::vector<W>& q) {
    accumulator<W> acc;
    for (std::size_t i = 0; i < p.size(); ++i) {
        acc.add(bd0(p[i], q[i]));
    }
    return acc.value();
}

/// D(P||Q) = sum bd0(p_i, q_i) + (sum p - sum q): non-negative terms plus an exactly accumulated
/// difference of the masses, which is 0 for normalized inputs up to their own rounding.
template <class W>
[[nodiscard]] constexpr W kl_nats(const std::vector<W>& p, const std::vector<W>& q) {
    const W g = generalized_kl_nats(p, q);
    if (is_pos_inf(lower_of(g))) {
        return g;
    }
    accumulator<W> mass;
    for (std::size_t i = 0; i < p.size(); ++i) {
        mass.add_difference(p[i], q[i]);
    }
    return g + mass.value();
}

/// JS(P,Q) = (KL(P||M) + KL(Q||M))/2 with M = (P+Q)/2 = (1/2) sum [bd0(p, m) + bd0(q, m)]: the mass
/// terms cancel exactly because sum p + sum q = 2 sum m. bd0 is homogeneous of degree 1, so this is
/// (1/4) sum [bd0(2p, p + q) + bd0(2q, p + q)], which never halves a subnormal (m = 2^-1075 would
/// round to 0 in a working type with double's exponent range, and make a finite JS infinite).
template <class W>
[[nodiscard]] constexpr W js_nats(const std::vector<W>& p, const std::vector<W>& q) {
    accumulator<W> acc;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const W s = p[i] + q[i];
        acc.add(bd0(W(W(2) * p[i]), s));
        acc.add(bd0(W(W(2) * q[i]), s));
    }
    return acc.value() / W(4);
}

}  // namespace detail

/// Self-information I(p) = -log p of an event of probability p, in options::base units.
/// I(0) = +inf. p must lie in [0, 1]. Correctly rounded for float, double and long double; < 1 ulp of
/// T otherwise.
template <class T>
[[nodiscard]] constexpr T self_information(const T& p, unit base = unit::nats) {
    detail::check_unit_interval(p, "self_information", "p", std::nullopt);
    if (detail::is_exact_zero(p)) {
        return detail::pos_infinity<T>();
    }
    if constexpr (std::is_floating_point_v<T>) {
        return detail::certified_round<T>(
            "self_information", [base](const auto& v) { return detail::in_unit(-detail::log_(v), base); }, p);
    } else {
        using W = working_t<T>;
        return evaluate_rounded<T>([&] { return detail::in_unit(W(-detail::log_(to_working<W>(p))), base); });
    }
}

/// Binary entropy H(p) = -p log p - (1-p) log(1-p) of a Bernoulli(p), in `base` units, with
/// H(0) = H(1) = 0. p must lie in [0, 1]. Correctly rounded for float, double and long double; < 1 ulp
/// of T otherwise.
template <class T>
[[nodiscard]] constexpr T binary_entropy(const T& p, unit base = unit::nats) {
    detail::check_unit_interval(p, "binary_entropy", "p", std::nullopt);
    const auto formula = [base](const auto& w) {
        using V = std::remove_cvref_t<decltype(w)>;
        return detail::in_unit(V(V(-detail::xlogy(w, w)) - detail::xlog1py(V(V(1) - w), V(-w))), base);
    };
    if constexpr (std::is_floating_point_v<T>) {
        return detail::certified_round<T>("binary_entropy", formula, p);
    } else {
        return evaluate_rounded<T>([&] { return formula(to_working<working_t<T>>(p)); });
    }
}

/// The frame of a quantity of one distribution (entropy, perplexity): the derived function object
/// gives its `info` (core/quantity.hpp) and `kernel(v, opt)`, the value at the working type W of the
/// checked, normalized probabilities v; this base reads the range into W (every message names
/// Derived::info.name and the argument "p"), normalizes it as options::normalization says, and rounds
/// the kernel's value once to the range's number type.
template <class Derived>
struct distribution_quantity {
    /// The quantity of a range of probabilities.
    template <std::ranges::input_range P>
    [[nodiscard]] constexpr auto operator()(P&& p, const options& opt = {}) const -> detail::range_real_t<P> {
        using T = detail::range_real_t<P>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> working_t<T> {
            constexpr std::string_view name = Derived::info.name;
            std::vector<W> v = detail::collect_probabilities<W>(std::forward<P>(p), name, "p");
            detail::normalize_argument(v, opt, name, "p");
            return Derived::kernel(v, opt);
        });
    }
    /// The quantity of [first, last).
    template <std::input_iterator I, std::sentinel_for<I> S>
    [[nodiscard]] constexpr auto operator()(I first, S last, const options& opt = {}) const {
        return (*this)(std::ranges::subrange(std::move(first), std::move(last)), opt);
    }
};

template <class P, class Q>
using pair_real_t = std::common_type_t<detail::range_real_t<P>, detail::range_real_t<Q>>;

/// The frame of a quantity of two distributions of one length (cross-entropy, KL, JS, ...): as
/// distribution_quantity, with `kernel(p, q, opt)`; Derived::checks_normalization false reads p and q
/// as measures whatever options::normalization says (the generalized KL).
template <class Derived>
struct two_distribution_quantity {
    /// The quantity of two ranges of probabilities.
    template <std::ranges::input_range P, std::ranges::input_range Q>
    [[nodiscard]] constexpr auto operator()(P&& p, Q&& q, const options& opt = {}) const -> pair_real_t<P, Q> {
        using T = pair_real_t<P, Q>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> working_t<T> {
            options o = opt;
            if constexpr (!Derived::checks_normalization) {
                o.normalization = normalization::unnormalized;
            }
            auto [pv, qv] = detail::read_pair<W>(std::forward<P>(p), std::forward<Q>(q), o, Derived::info.name);
            return Derived::kernel(pv, qv, o);
        });
    }
};

/// Entropy H(P) = -sum p_i log p_i of a distribution, in options::base units.
struct entropy_fn : distribution_quantity<entropy_fn> {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"entropy", "H(P) = -sum p log p (0 log 0 = 0)", argument_kinds::distribution, "",
                                        kernel_sum::entropy};
    /// H(P) of checked probabilities at the working type.
    template <class W>
    [[nodiscard]] static constexpr W kernel(const std::vector<W>& v, const options& opt) {
        return detail::in_unit(detail::entropy_nats(v), opt.base);
    }
};
/// Entropy H(P) = -sum p log p (0 log 0 = 0). Accuracy: < 1 ulp of T.
inline constexpr entropy_fn entropy{};

/// Perplexity PP(P) = exp(H(P)) = prod p_i^-p_i of a distribution: its effective number of outcomes,
/// in [1, n] (the same number in every unit: 2^H in bits; options::base is not used).
struct perplexity_fn : distribution_quantity<perplexity_fn> {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"perplexity", "PP(P) = exp(H(P)) = 2^H in bits; in [1, n]",
                                        argument_kinds::distribution, "", kernel_sum::entropy, true};
    /// exp(H(P)) of checked probabilities at the working type.
    template <class W>
    [[nodiscard]] static constexpr W kernel(const std::vector<W>& v, const options&) {
        return detail::exp_(detail::entropy_nats(v));
    }
};
/// Perplexity exp(H(P)). Accuracy: < 1 ulp of T.
inline constexpr perplexity_fn perplexity{};

// A two-distribution measure: its function object, with the kernel (in nats) of detail::.
#define SHANNON_DETAIL_PAIR_MEASURE(fn_name, nats_kernel, checks_norm, formula, alias, sum)                  \
    struct fn_name##_fn : two_distribution_quantity<fn_name##_fn> {                                          \
        /** The name, formula and arguments every front end shows (core/registry.hpp). */                    \
        static constexpr quantity_info info{#fn_name, formula, argument_kinds::two_distributions, alias, sum}; \
        /** Whether p and q must be distributions (else: non-negative measures). */                           \
        static constexpr bool checks_normalization = checks_norm;                                             \
        /** The value at the working type of checked p and q. */                                              \
        template <class W>                                                                                     \
        [[nodiscard]] static constexpr W kernel(const std::vector<W>& p, const std::vector<W>& q,              \
                                                const options& opt) {                                          \
            return detail::in_unit(detail::nats_kernel(p, q), opt.base);                                      \
        }                                                                                                      \
    };                                                                                                         \
    inline constexpr fn_name##_fn fn_name {}

/// Cross-entropy H(P,Q) = -sum p_i log q_i (+inf where q_i = 0 < p_i). Accuracy: < 1 ulp of T.
SHANNON_DETAIL_PAIR_MEASURE(cross_entropy, cross_entropy_nats, true, "H(P,Q) = -sum p log q (+inf where q = 0 < p)", "",
                            kernel_sum::cross_entropy);
/// KL divergence D(P||Q) = sum p_i log(p_i/q_i) (+inf where q_i = 0 < p_i), >= 0 for distributions,
/// asymmetric. Computed as sum bd0 + (sum p - sum q). Accuracy: < 1 ulp of T when D is not tiny
/// against the rounding of the inputs' sums.
SHANNON_DETAIL_PAIR_MEASURE(kl_divergence, kl_nats, true,
                            "KL(P||Q) = sum p log(p/q) (+inf where q = 0 < p; >= 0; asymmetric)", "kl",
                            kernel_sum::kl_divergence);
/// Generalized KL divergence sum [p_i log(p_i/q_i) - p_i + q_i] of two non-negative measures (no
/// normalization is asked for, whatever options::normalization says). Every term is >= 0.
SHANNON_DETAIL_PAIR_MEASURE(generalized_kl_divergence, generalized_kl_nats, false,
                            "sum p log(p/q) - p + q of two non-negative measures (not normalized)", "generalized-kl",
                            kernel_sum::generalized_kl_divergence);
/// Jensen–Shannon divergence JS(P,Q) = (D(P||M) + D(Q||M))/2, M = (P+Q)/2; symmetric, 0 <= JS <= log 2.
SHANNON_DETAIL_PAIR_MEASURE(js_divergence, js_nats, true,
                            "JS(P,Q) = (KL(P||M) + KL(Q||M))/2, M = (P+Q)/2; in [0, log 2]", "js", kernel_sum::none);

#undef SHANNON_DETAIL_PAIR_MEASURE

}  // namespace shannon

SHANNON_FP_CONTRACT_RESTORE
