// shannon/core/renyi.hpp — the Rényi and Tsallis families: Rényi entropy H_alpha, Rényi divergence
// D_alpha and Tsallis entropy S_q, for every order in [0, +inf], continuous through alpha = 1.
//
// Definitions (Rényi 1961, for a vector p of total mass S = sum p, which is 1 for a distribution):
//   H_alpha(P)    = log(sum p^alpha / S) / (1 - alpha)                 H_1 = -sum p log p / S,
//                                                                      H_0 = log(|supp P| / S), H_inf = -log max p
//   D_alpha(P||Q) = log(sum p^alpha q^(1-alpha) / S) / (alpha - 1)     D_1 = KL(P||Q) / S,
//                                                                      D_0 = -log(Q(supp P) / S), D_inf = log max p/q
//   S_q(P)        = sum p ln_q(1/p) = (S - sum p^q) / (q - 1)          S_1 = -sum p log p
// with 0^alpha = 0 (a zero cell contributes nothing, also at alpha = 0: H_0 counts the support). For a
// distribution (S = 1) they are the textbook ones; Rényi's division by S is what keeps a vector that
// sums to 1 only up to rounding continuous in alpha (log S / (1 - alpha) would blow up at alpha = 1).
// D_alpha is +inf where q_i = 0 < p_i and alpha >= 1 (support mismatch), finite below 1. A negative or
// NaN order is a domain_error.
//
// No cancellation as alpha -> 1. With beta = alpha - 1, l = log p (or log p/q) and x = beta l:
//   sum p^alpha / S - 1 = beta E,  E = sum p l exprel(x) / S,  exprel(x) = expm1(x)/x
// (every term p l exprel(x) is <= 0: no cancellation in the sum), and H_alpha = -E L(beta E) with
// L(y) = log1p(y)/y, L(0) = 1 (a series near 0): nothing is divided by beta, so the formula is
// continuous through beta = 0 and exact there (H_1 = -E). For the divergence,
//   sum p^alpha q^(1-alpha) / S - 1 = beta B,  B S = (S_p - S_q) + sum_i c_i,
//   c_i = bd0(p_i, q_i) + beta p_i l_i^2 phi(x_i),  phi(x) = (e^x - 1 - x)/x^2,
// where each c_i = q_i h_alpha(p_i/q_i), h_alpha(t) = (t^alpha - 1 - alpha (t - 1))/(alpha - 1) >= 0
// (Bernoulli's inequality), tends to bd0 as alpha -> 1, and D_alpha = B L(beta B). For alpha >= 1 both
// parts of c_i are >= 0; for alpha in [1/2, 1) the second is negative but at most a factor alpha of
// the first near t = 1 (at most ~10 bits lost far from it, over binary64's range); below 1/2 the sum is
// taken in the skew-symmetric form (1 - alpha) D_alpha(P||Q) = alpha D_(1-alpha)(Q||P), whose order is
// in (1/2, 1]. Where |x| > 1/2 the terms are formed from exp(log p + x) = p^alpha q^(1-alpha) (never an
// overflowing e^x); where sum p^alpha is far from S (the sum below S/2 for the entropy, a term above
// 2 S for the divergence: large alpha) the logarithm is taken as a logsumexp of alpha log p_i, with no
// cancellation left to avoid. For intervals every branch only selects between identical formulas
// (chosen on midpoints), and the series add their truncation bounds.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <ranges>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "error.hpp"
#include "math.hpp"
#include "measures.hpp"
#include "options.hpp"
#include "quantity.hpp"
#include "../numbers/traits.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon {
namespace detail {

/// The truncation bound of a series whose next terms shrink at least geometrically: |last| r / (1 - r)
/// for a ratio r < 1, added to an interval sum as [-bound, bound] (nothing for point types, whose series
/// stop below their own rounding).
template <class W, class S>
constexpr void add_series_tail(W& sum, const S& last, const S& ratio) {
    if constexpr (is_interval_v<W>) {
        const W r = W(ratio);
        const W bound = W(W(W(last) * r) / W(W(1) - r));
        sum += hull(W(-upper(bound)), W(upper(bound)));
    } else {
        (void)sum;
        (void)last;
        (void)ratio;
    }
}

/// phi(x) = (e^x - 1 - x) / x^2 > 0, phi(0) = 1/2: the series sum_k x^k / (k + 2)! for |x| <= 1/16
/// (a term per 4 bits or more: 830 terms for 1000 digits), the direct form otherwise (e^x - 1 - x is
/// then at least x^2/2.2, at most 5 bits lost to cancellation against |x|).
template <class W>
[[nodiscard]] constexpr W expm1_excess(const W& x) {
    const W ax = abs_(x);
    const auto amax = upper_of(ax);
    using S = std::remove_cvref_t<decltype(amax)>;
    if (representative(ax) <= 0.0625 && amax < 0.5) {
        const S eps = std::numeric_limits<S>::epsilon();
        W term = W(0.5);
        W sum = term;
        int k = 1;
        for (; k < 100000; ++k) {
            term = W(term * x) / W(k + 2);
            sum += term;
            if (upper_of(abs_(term)) <= eps / 8) {
                break;
            }
        }
        add_series_tail(sum, S(upper_of(abs_(term))), S(amax / S(k + 3)));
        return sum;
    }
    return W(W(expm1_(x) - x) / W(x * x));
}

/// exprel(x) = expm1(x) / x > 0, exprel(0) = 1: 1 + x phi(x) near 0 (|x phi(x)| <= 0.3), else direct
/// (expm1 then keeps its relative accuracy).
template <class W>
[[nodiscard]] constexpr W exprel(const W& x) {
    if (representative(abs_(x)) <= 0.5) {
        return W(W(1) + W(x * expm1_excess(x)));
    }
    return W(expm1_(x) / x);
}

/// L(y) = log1p(y) / y for y >= -1, L(0) = 1 (+inf at y = -1): the series sum_k (-y)^k / (k + 1) for
/// |y| <= 1/16 (a term per 4 bits or more), the direct form otherwise (no cancellation there).
template <class W>
[[nodiscard]] constexpr W log1p_ratio(const W& y) {
    const W ay = abs_(y);
    const auto amax = upper_of(ay);
    using S = std::remove_cvref_t<decltype(amax)>;
    if (representative(ay) <= 0.0625 && amax < 0.5) {
        const S eps = std::numeric_limits<S>::epsilon();
        W power = W(1);
        W sum = W(1);
        int k = 1;
        for (; k < 100000; ++k) {
            power = W(-power * y);
            const W term = W(power / W(k + 1));
            sum += term;
            if (upper_of(abs_(term)) <= eps / 8) {
                break;
            }
        }
        // The rest: |y|^(k+1) / (k + 2) + ... <= |power| amax / (k + 2) / (1 - amax).
        add_series_tail(sum, S(S(upper_of(abs_(power))) * amax / S(k + 2)), S(amax));
        return sum;
    }
    return W(log1p_(y) / y);
}

/// The order of a Rényi or Tsallis quantity, checked (NaN or negative: domain_error naming the
/// argument) and read into W; `infinite` when it is +inf.
template <class W>
struct order {
    W value;                ///< the order (meaningless when infinite)
    bool infinite = false;  ///< the order is +inf
};
template <class W, class A>
[[nodiscard]] constexpr order<W> read_order(const A& a, std::string_view function, std::string_view argument) {
    const auto v = static_cast<real_of<A>>(a);
    if (has_nan(v)) {
        fail_at<shannon::domain_error>(function, argument, std::nullopt, v, "an order cannot be NaN");
    }
    if (lower_of(v) < 0) {
        fail_at<shannon::domain_error>(function, argument, std::nullopt, v, "an order must be >= 0 (or +inf)");
    }
    order<W> o{to_working<W>(v)};
    o.infinite = is_pos_inf(lower_of(v));
    return o;
}

/// Rejects a vector of zeros (unnormalized): the orders' quantities divide by its mass.
template <class W>
constexpr void check_some_mass(const std::vector<W>& v, std::string_view function) {
    for (const W& x : v) {
        if (!is_exact_zero(x)) {
            return;
        }
    }
    fail<shannon::domain_error>(function, "argument 'p' has no positive entry (its mass is 0)");
}

/// The entry with the largest upper end: for intervals an enclosure of the exact maximum (every point
/// of the true maximum lies between the largest lower end and the largest upper end, and this entry's
/// enclosure spans them); for points the maximum.
template <class W, class Keep>
[[nodiscard]] constexpr std::optional<W> max_entry(const std::vector<W>& v, Keep keep) {
    std::optional<W> m;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (keep(i) && (!m || upper_of(v[i]) > upper_of(*m))) {
            m = v[i];
        }
    }
    return m;
}

/// sum_{p_i > 0} [p_i^alpha - p_i] / beta = sum p l exprel(beta l) (l = log p): each term <= 0. The
/// sum Tsallis' entropy is minus of, and S (beta E) in the Rényi entropy.
template <class W>
[[nodiscard]] constexpr W power_deviation_sum(const std::vector<W>& p, const W& alpha, const W& beta) {
    accumulator<W> acc;
    for (const W& pi : p) {
        if (is_exact_zero(pi)) {
            continue;
        }
        const W l = log_(pi);
        const W x = W(beta * l);
        if (representative(abs_(x)) <= 0.5) {
            acc.add(W(W(pi * l) * exprel(x)));
        } else {
            acc.add(W(W(exp_(W(alpha * l)) - pi) / beta));  // p^alpha from its log: no overflowing e^x
        }
    }
    return acc.value();
}

/// H_alpha(P) in nats (see the file comment).
template <class W>
[[nodiscard]] constexpr W renyi_entropy_nats(const std::vector<W>& p, const order<W>& a) {
    if (a.infinite) {
        const auto m = max_entry(p, [](std::size_t) { return true; });
        return W(-log_(*m));  // the range is not empty and not all zero (the caller checked the sum)
    }
    const W& alpha = a.value;
    const W beta = W(alpha - W(1));
    accumulator<W> mass;
    for (const W& x : p) {
        mass.add(x);
    }
    const W s = mass.value();
    const W e = W(power_deviation_sum(p, alpha, beta) / s);
    const W y = W(beta * e);  // sum p^alpha / S - 1, in [-1, n - 1]
    if (representative(y) < -0.5) {
        // sum p^alpha < S/2 (a large order): log(sum p^alpha / S) is at least log 2 in magnitude.
        std::vector<W> z;
        for (const W& x : p) {
            if (!is_exact_zero(x)) {
                z.push_back(W(alpha * log_(x)));
            }
        }
        return W(W(log_(s) - logsumexp(z)) / beta);
    }
    return W(-e * log1p_ratio(y));
}

/// Tsallis' S_q(P) = sum p ln_q(1/p) = -sum p l exprel((q - 1) l) (see the file comment); 0 at q = +inf.
template <class W>
[[nodiscard]] constexpr W tsallis_nats(const std::vector<W>& p, const order<W>& a) {
    if (a.infinite) {
        return W(0);
    }
    return W(-power_deviation_sum(p, a.value, W(a.value - W(1))));
}

/// c = q h_alpha(p/q) for p, q > 0 with l = log(p/q), x = beta l: bd0(p, q) + beta p l^2 phi(x), the
/// second part from p^alpha q^(1-alpha) = exp(log p + x) where |x| > 1/2.
template <class W>
[[nodiscard]] constexpr W renyi_term(const W& p, const W& q, const W& l, const W& beta) {
    const W x = W(beta * l);
    const W d = bd0(p, q);
    if (representative(abs_(x)) <= 0.5) {
        return W(d + W(W(beta * W(p * W(l * l))) * expm1_excess(x)));
    }
    const W power = exp_(W(log_(p) + x));
    return W(d + W(W(W(power - p) - W(p * x)) / beta));
}

/// D_alpha(P||Q) in nats (see the file comment).
template <class W>
[[nodiscard]] constexpr W renyi_divergence_nats(const std::vector<W>& p, const std::vector<W>& q, const order<W>& a) {
    const std::size_t n = p.size();
    if (a.infinite) {
        std::vector<W> l(n, W(0));
        for (std::size_t i = 0; i < n; ++i) {
            if (!is_exact_zero(p[i])) {
                if (is_exact_zero(q[i])) {
                    return pos_infinity<W>();
                }
                l[i] = log_ratio(p[i], q[i]);
            }
        }
        return *max_entry(l, [&](std::size_t i) { return !is_exact_zero(p[i]); });
    }
    // Disjoint supports: sum p^alpha q^(1-alpha) is exactly 0 and D_alpha = +inf at every order (the
    // form below would reach it as log1p(-1) through a sum that is -1 only up to its rounding).
    bool overlap = false;
    for (std::size_t i = 0; i < n && !overlap; ++i) {
        overlap = !is_exact_zero(p[i]) && !is_exact_zero(q[i]);
    }
    if (!overlap) {
        return pos_infinity<W>();
    }
    const W& alpha = a.value;
    const W one = W(1);
    const W beta = W(alpha - one);
    const bool skew = representative(alpha) < 0.5;  // sum in the form of order 1 - alpha, Q and P swapped
    const W skew_factor = skew ? W(alpha / W(one - alpha)) : one;
    accumulator<W> acc;   // B S = (S_p - S_q) + sum c_i
    accumulator<W> mass;  // S_p
    double largest = -std::numeric_limits<double>::infinity();  // max log(p^alpha q^(1-alpha)) seen
    for (std::size_t i = 0; i < n; ++i) {
        const W& pi = p[i];
        const W& qi = q[i];
        mass.add(pi);
        acc.add_difference(pi, qi);
        if (is_exact_zero(pi)) {
            acc.add(qi);
            continue;
        }
        if (is_exact_zero(qi)) {
            if (upper_of(alpha) < 1) {
                acc.add(W(W(alpha * pi) / W(one - alpha)));
            } else if (lower_of(alpha) >= 1) {
                return pos_infinity<W>();
            } else if constexpr (is_interval_v<W>) {
                acc.add(hull(W(0), pos_infinity<W>()));  // an order straddling 1: [finite, +inf]
            }
            continue;
        }
        const W l = log_ratio(pi, qi);
        if (skew) {
            // c' = p h_(1-alpha)(q/p) with log(q/p) = -l and (1 - alpha) - 1 = -alpha.
            acc.add(W(skew_factor * renyi_term(qi, pi, W(-l), W(-alpha))));
        } else {
            acc.add(renyi_term(pi, qi, l, beta));
            const double x = static_cast<double>(representative(W(beta * l)));
            if (x > 0.5) {
                largest = std::max(largest, static_cast<double>(representative(W(log_(pi) + W(beta * l)))));
            }
        }
    }
    const W s = mass.value();
    const W bs = acc.value();
    const bool large = !skew && largest > 0.7 + static_cast<double>(representative(log_(s)));
    if (!large && is_pos_inf(lower_of(bs))) {
        return pos_infinity<W>();
    }
    const W b = W(bs / s);
    const W y = W(beta * b);  // sum p^alpha q^(1-alpha) / S - 1, in [-1, inf)
    if (large || representative(y) < -0.5) {
        // A term p^alpha q^(1-alpha) above 2 S (a large order), or the whole sum below S/2 (nearly
        // disjoint supports): the logsumexp form, whose logarithm is at least log 2 in magnitude, with
        // no e^x that could overflow and no sum of -1 plus a remainder below its rounding.
        std::vector<W> z;
        for (std::size_t i = 0; i < n; ++i) {
            if (!is_exact_zero(p[i]) && !is_exact_zero(q[i])) {
                z.push_back(W(W(alpha * log_(p[i])) - W(beta * log_(q[i]))));
            }
        }
        return W(W(logsumexp(z) - log_(s)) / beta);
    }
    return W(b * log1p_ratio(y));
}

}  // namespace detail

/// The frame of a quantity of one distribution and an order (Rényi entropy, Tsallis entropy): reads,
/// checks and normalizes p as distribution_quantity does, reads the order (+inf allowed; NaN or
/// negative is a domain_error naming it), and rounds Derived::kernel(v, order, opt) once.
template <class Derived>
struct ordered_distribution_quantity {
    /// The quantity of a range of probabilities at order `alpha` (a number, or +inf).
    template <std::ranges::input_range P, class A>
        requires(!std::ranges::range<A>)
    [[nodiscard]] constexpr auto operator()(P&& p, const A& alpha, const options& opt = {}) const -> detail::range_real_t<P> {
        using T = detail::range_real_t<P>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> W {
            constexpr std::string_view name = Derived::info.name;
            std::vector<W> v = detail::collect_probabilities<W>(std::forward<P>(p), name, "p");
            const auto a = detail::read_order<W>(alpha, name, Derived::info.reads);
            detail::normalize_argument(v, opt, name, "p");
            detail::check_some_mass(v, name);
            return Derived::kernel(v, a, opt);
        });
    }
};

/// The frame of a quantity of two distributions and an order (Rényi divergence): as
/// two_distribution_quantity, with the order read as ordered_distribution_quantity reads it.
template <class Derived>
struct ordered_two_distribution_quantity {
    /// The quantity of two ranges of probabilities at order `alpha` (a number, or +inf).
    template <std::ranges::input_range P, std::ranges::input_range Q, class A>
        requires(!std::ranges::range<A>)
    [[nodiscard]] constexpr auto operator()(P&& p, Q&& q, const A& alpha, const options& opt = {}) const
        -> pair_real_t<P, Q> {
        using T = pair_real_t<P, Q>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> W {
            constexpr std::string_view name = Derived::info.name;
            auto [pv, qv] = detail::read_pair<W>(std::forward<P>(p), std::forward<Q>(q), opt, name);
            const auto a = detail::read_order<W>(alpha, name, Derived::info.reads);
            detail::check_some_mass(pv, name);
            return Derived::kernel(pv, qv, a, opt);
        });
    }
};

/// Rényi entropy H_alpha(P) = log(sum p^alpha / sum p) / (1 - alpha), alpha in [0, +inf], in
/// options::base units: H_0 = log |supp P| (Hartley), H_1 = H (Shannon), H_2 = -log sum p^2
/// (collision), H_inf = -log max p (min-entropy); non-increasing in alpha. Continuous through
/// alpha = 1 (no cancellation, see the file comment). Accuracy: < 1 ulp of T.
struct renyi_entropy_fn : ordered_distribution_quantity<renyi_entropy_fn> {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"renyi_entropy",
                                        "H_a(P) = log(sum p^a) / (1 - a), a in [0, inf]; H_1 = H, H_inf = -log max p",
                                        argument_kinds::distribution_and_order, "", kernel_sum::none, false, "alpha"};
    /// H_alpha of checked probabilities at the working type.
    template <class W>
    [[nodiscard]] static constexpr W kernel(const std::vector<W>& v, const detail::order<W>& a, const options& opt) {
        return detail::in_unit(detail::renyi_entropy_nats(v, a), opt.base);
    }
};
/// Rényi entropy H_alpha(P). Accuracy: < 1 ulp of T.
inline constexpr renyi_entropy_fn renyi_entropy{};

/// Tsallis entropy S_q(P) = (1 - sum p^q) / (q - 1) = sum p ln_q(1/p), q in [0, +inf] (S_1 = H in nats,
/// S_inf = 0): a number, not a logarithm, so options::base is not used. Continuous through q = 1.
/// Accuracy: < 1 ulp of T.
struct tsallis_entropy_fn : ordered_distribution_quantity<tsallis_entropy_fn> {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"tsallis_entropy", "S_q(P) = (1 - sum p^q) / (q - 1), q in [0, inf]; S_1 = H in nats",
                                        argument_kinds::distribution_and_order, "", kernel_sum::none, false, "q"};
    /// S_q of checked probabilities at the working type.
    template <class W>
    [[nodiscard]] static constexpr W kernel(const std::vector<W>& v, const detail::order<W>& a, const options&) {
        return detail::tsallis_nats(v, a);
    }
};
/// Tsallis entropy S_q(P). Accuracy: < 1 ulp of T.
inline constexpr tsallis_entropy_fn tsallis_entropy{};

/// Rényi divergence D_alpha(P||Q) = log(sum p^alpha q^(1-alpha) / sum p) / (alpha - 1), alpha in
/// [0, +inf], in options::base units: D_0 = -log Q(supp P), D_1 = KL, D_inf = log max p/q; +inf where
/// q_i = 0 < p_i for alpha >= 1; non-decreasing in alpha, >= 0 for distributions. Continuous through
/// alpha = 1 (no cancellation, see the file comment). Accuracy: < 1 ulp of T.
struct renyi_divergence_fn : ordered_two_distribution_quantity<renyi_divergence_fn> {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{
        "renyi_divergence", "D_a(P||Q) = log(sum p^a q^(1-a)) / (a - 1), a in [0, inf]; D_1 = KL, D_inf = log max p/q",
        argument_kinds::two_distributions_and_order, "", kernel_sum::none, false, "alpha"};
    /// D_alpha of checked p and q at the working type.
    template <class W>
    [[nodiscard]] static constexpr W kernel(const std::vector<W>& p, const std::vector<W>& q,
                                            const detail::order<W>& a, const options& opt) {
        return detail::in_unit(detail::renyi_divergence_nats(p, q, a), opt.base);
    }
};
/// Rényi divergence D_alpha(P||Q). Accuracy: < 1 ulp of T.
inline constexpr renyi_divergence_fn renyi_divergence{};

}  // namespace shannon

SHANNON_FP_CONTRACT_RESTORE
