// shannon/profiles/scipy.hpp — scipy's information-theory functions, exactly.
//
// scipy.special: entr, rel_entr, kl_div, xlogy, xlog1py (elementwise, with scipy's values at the
// boundary of the domain), logsumexp (with the scale factors b and return_sign), log_softmax;
// scipy.stats.entropy (normalizes pk and qk; any base); scipy.spatial.distance.jensenshannon (the
// square root of the divergence of the normalized inputs). Source: the scipy reference
// (https://docs.scipy.org/doc/scipy/reference/special.html, scipy.stats.entropy,
// scipy.spatial.distance.jensenshannon) and scipy/special/_convex_analysis.pxd for the boundary values.
// Functions that scipy applies along an axis take one slice here (a range): the caller iterates.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <vector>

#include "../core/measures.hpp"
#include "common.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::profiles::scipy {

namespace detail {
using namespace profiles::detail;
using shannon::detail::has_nan;
using shannon::detail::is_exact_zero;
using shannon::detail::lower_of;
using shannon::detail::upper_of;

/// sqrt in W: Boost's (found by ADL) for multiprecision and interval types; for double words one
/// Newton step from the double square root (error ~ 2^-104 relative).
template <class W>
[[nodiscard]] W sqrt_(const W& x) {
    if constexpr (is_interval_v<W>) {
        return W(sqrt(at_least(x, 0.0)));  // the divergence is >= 0: drop an enclosure's negative part
    } else if constexpr (requires { sqrt(x); }) {
        return W(sqrt(x));
    } else if constexpr (std::is_floating_point_v<W>) {
        return std::sqrt(x);
    } else {
        const double h = static_cast<double>(x);
        if (!(h > 0) || !std::isfinite(h)) {
            return W(std::sqrt(h));
        }
        const W s = W(std::sqrt(h));
        return W(s + W(W(x - W(s * s)) / W(W(2) * s)));
    }
}

/// Reads one slice and normalizes it (divides by its sum), as scipy.stats.entropy and
/// jensenshannon do.
template <class W, class R>
[[nodiscard]] std::vector<W> normalized(R&& r, std::string_view function, std::string_view argument) {
    std::vector<W> v = shannon::detail::collect_probabilities<W>(std::forward<R>(r), function, argument);
    options o;
    o.normalization = normalization::normalize;
    shannon::detail::normalize_argument(v, o, function, argument);
    return v;
}

/// nats / log(base), as scipy divides: base must be positive (scipy.stats.entropy raises
/// ValueError otherwise; so does this, for jensenshannon too, where scipy returns NaN or -0.0);
/// base = 1 divides by log 1 = 0: +inf for a positive value, NaN for 0 (0/0), as in scipy.
template <class W>
[[nodiscard]] W divided_by_log(const W& nats, std::optional<double> base, std::string_view function) {
    if (!base) {
        return nats;
    }
    if (!(*base > 0)) {
        shannon::detail::fail<shannon::domain_error>(function, "argument 'base' is ", shannon::detail::shown_setting{*base},
                                                     ": base must be a positive number or None");
    }
    if (*base == 1) {
        return shannon::detail::is_exact_zero(nats) ? shannon::detail::quiet_nan<W>() : shannon::detail::pos_infinity<W>();
    }
    return W(nats / shannon::detail::log_(W(*base)));
}

}  // namespace detail

/// scipy.special.entr(x) = -x log x for x > 0, 0 at x = 0, -inf for x < 0 (NaN stays NaN).
template <real_range X>
[[nodiscard]] auto entr(X&& x) {
    using T = shannon::detail::range_real_t<X>;
    using W = working_t<T>;
    return detail::elementwise_with<T>("scipy.special.entr", shannon::detail::row_fn::entr, 0, detail::entr_value<W>,
                                       std::forward<X>(x));
}

/// scipy.special.rel_entr(x, y) = x log(x/y) for x, y > 0; 0 for x = 0, y >= 0; +inf otherwise.
template <real_range X, real_range Y>
[[nodiscard]] auto rel_entr(X&& x, Y&& y) {
    using T = detail::pair_t<X, Y>;
    using W = working_t<T>;
    return detail::elementwise<T>(
        "scipy.special.rel_entr",
        [](const W& a, const W& b) {
            if (detail::has_nan(a) || detail::has_nan(b)) {
                return detail::nan<W>();
            }
            if (detail::lower_of(a) > 0 && detail::lower_of(b) > 0) {
                return W(a * shannon::detail::log_ratio(a, b));
            }
            if (detail::is_exact_zero(a) && !(detail::upper_of(b) < 0)) {
                return W(0);
            }
            return detail::inf<W>();
        },
        std::forward<X>(x), std::forward<Y>(y));
}

/// scipy.special.kl_div(x, y) = x log(x/y) - x + y for x, y > 0; y for x = 0, y >= 0; +inf otherwise.
template <real_range X, real_range Y>
[[nodiscard]] auto kl_div(X&& x, Y&& y) {
    using T = detail::pair_t<X, Y>;
    using W = working_t<T>;
    return detail::elementwise<T>(
        "scipy.special.kl_div",
        [](const W& a, const W& b) {
            if (detail::has_nan(a) || detail::has_nan(b)) {
                return detail::nan<W>();
            }
            if (detail::lower_of(a) > 0 && detail::lower_of(b) > 0) {
                return shannon::detail::bd0(a, b);
            }
            if (detail::is_exact_zero(a) && !(detail::upper_of(b) < 0)) {
                return b;
            }
            return detail::inf<W>();
        },
        std::forward<X>(x), std::forward<Y>(y));
}

/// scipy.special.xlogy(x, y) = x log y, 0 when x = 0 (and y is not NaN); NaN for y < 0, x != 0.
template <real_range X, real_range Y>
[[nodiscard]] auto xlogy(X&& x, Y&& y) {
    using T = detail::pair_t<X, Y>;
    using W = working_t<T>;
    return detail::elementwise_with<T>("scipy.special.xlogy", shannon::detail::row_fn::xlogy, 0, detail::xlogy_value<W>,
                                       std::forward<X>(x), std::forward<Y>(y));
}

/// scipy.special.xlog1py(x, y) = x log1p(y), 0 when x = 0 (and y is not NaN); NaN for y < -1, x != 0.
template <real_range X, real_range Y>
[[nodiscard]] auto xlog1py(X&& x, Y&& y) {
    using T = detail::pair_t<X, Y>;
    using W = working_t<T>;
    return detail::elementwise<T>("scipy.special.xlog1py", detail::xlog1py_value<W>, std::forward<X>(x),
                                  std::forward<Y>(y));
}

namespace detail {

/// log|sum_i b_i e^(a_i)| as m + log|S|, S = sum_i b_i e^(a_i - m) over the terms with b_i != 0,
/// m their largest a; and the sign of the sum (0 for an exact 0). Without b every b_i is 1.
template <class W>
struct signed_lse {
    W value;
    W sign;
};

template <class W>
[[nodiscard]] signed_lse<W> logsumexp(const std::vector<W>& a, const std::vector<W>& b) {
    std::vector<W> terms;
    std::vector<W> scale;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (b.empty() || !is_exact_zero(b[i])) {
            terms.push_back(a[i]);
            scale.push_back(b.empty() ? W(1) : b[i]);
        }
    }
    if (terms.empty()) {
        return {W(-inf<W>()), W(0)};
    }
    const std::size_t imax = shannon::detail::argmax(terms);
    const W m = terms[imax];
    if (shannon::detail::is_pos_inf(lower_of(m)) || shannon::detail::is_neg_inf(upper_of(m))) {
        // All -inf: log 0; any +inf: +inf (a sign from its scale factor).
        return {m, shannon::detail::is_neg_inf(upper_of(m)) ? W(0) : W(lower_of(scale[imax]) > 0 ? 1 : -1)};
    }
    accumulator<W> s;
    for (std::size_t i = 0; i < terms.size(); ++i) {
        s.add(W(scale[i] * shannon::detail::exp_(W(terms[i] - m))));
    }
    const W sum = s.value();
    W sign = W(0);
    if (lower_of(sum) > 0) {
        sign = W(1);
    } else if (upper_of(sum) < 0) {
        sign = W(-1);
    } else if (!is_exact_zero(sum)) {
        if constexpr (is_interval_v<W>) {
            sign = hull(W(-1), W(1));  // undecided at this precision: the caller's loop refines it
        }
    }
    return {W(m + shannon::detail::log_(W(shannon::detail::abs_(sum)))), sign};
}

/// Reads logsumexp's a and its optional scale factors b (empty: every b_i = 1) into W.
template <class W, class A, class B>
[[nodiscard]] signed_lse<W> logsumexp_of(A&& a, B&& b) {
    const auto av = read_copy<W>(std::forward<A>(a), "scipy.special.logsumexp", "a");
    std::vector<W> bv;
    for (auto&& x : b) {
        bv.push_back(to_working<W>(x));
    }
    if (!bv.empty()) {
        check_same_length(av, bv, "scipy.special.logsumexp", "a", "b");
    }
    return logsumexp(av, bv);
}

}  // namespace detail

/// scipy.special.logsumexp(a, b=None) over one slice: log sum_i b_i e^(a_i); NaN when the sum is
/// negative (without return_sign); terms with b_i = 0 are left out.
template <real_range A, real_range B>
[[nodiscard]] auto logsumexp(A&& a, B&& b) {
    using T = detail::pair_t<A, B>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const auto r = detail::logsumexp_of<W>(std::forward<A>(a), std::forward<B>(b));
        return detail::upper_of(r.sign) < 0 ? detail::nan<W>() : r.value;
    });
}

template <real_range A>
[[nodiscard]] auto logsumexp(A&& a) {
    return logsumexp(std::forward<A>(a), std::vector<double>{});
}

/// The sign that scipy.special.logsumexp(a, b, return_sign=True) returns with log|sum|: 1, -1, or 0.
template <real_range A, real_range B>
[[nodiscard]] auto logsumexp_sign(A&& a, B&& b) {
    using T = detail::pair_t<A, B>;
    return evaluate_rounded<T>([&]() -> working_t<T> {
        return detail::logsumexp_of<working_t<T>>(std::forward<A>(a), std::forward<B>(b)).sign;
    });
}

/// log|sum_i b_i e^(a_i)| (scipy.special.logsumexp with return_sign=True gives it with the sign).
template <real_range A, real_range B>
[[nodiscard]] auto logsumexp_abs(A&& a, B&& b) {
    using T = detail::pair_t<A, B>;
    return evaluate_rounded<T>([&]() -> working_t<T> {
        return detail::logsumexp_of<working_t<T>>(std::forward<A>(a), std::forward<B>(b)).value;
    });
}

/// scipy.special.log_softmax(x) over one slice: x_k - logsumexp(x).
template <real_range X>
[[nodiscard]] auto log_softmax(X&& x) {
    using T = shannon::detail::range_real_t<X>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        return shannon::detail::log_softmax_row(detail::read<W>(std::forward<X>(x), "scipy.special.log_softmax", "x"));
    });
}

/// scipy.stats.entropy(pk, base=None) over one slice: -sum p log p with p = pk / sum pk, / log(base).
template <real_range P>
[[nodiscard]] auto entropy(P&& pk, std::optional<double> base = std::nullopt) {
    using T = shannon::detail::range_real_t<P>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> working_t<T> {
        const auto p = detail::normalized<W>(std::forward<P>(pk), "scipy.stats.entropy", "pk");
        return detail::divided_by_log(shannon::detail::entropy_nats(p), base, "scipy.stats.entropy");
    });
}

/// scipy.stats.entropy(pk, qk, base=None) over one slice: sum rel_entr(p, q) = KL(p || q) with p and q
/// normalized, / log(base).
template <real_range P, real_range Q>
[[nodiscard]] auto entropy(P&& pk, Q&& qk, std::optional<double> base = std::nullopt) {
    using T = detail::pair_t<P, Q>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> working_t<T> {
        const auto p = detail::normalized<W>(std::forward<P>(pk), "scipy.stats.entropy", "pk");
        const auto q = detail::normalized<W>(std::forward<Q>(qk), "scipy.stats.entropy", "qk");
        detail::check_same_length(p, q, "scipy.stats.entropy", "pk", "qk");
        return detail::divided_by_log(shannon::detail::kl_nats(p, q), base, "scipy.stats.entropy");
    });
}

/// scipy.spatial.distance.jensenshannon(p, q, base=None) over one slice: sqrt(JS(p, q)) with p and q
/// normalized, JS in nats divided by log(base).
template <real_range P, real_range Q>
[[nodiscard]] auto jensenshannon(P&& p, Q&& q, std::optional<double> base = std::nullopt) {
    using T = detail::pair_t<P, Q>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> working_t<T> {
        const auto pv = detail::normalized<W>(std::forward<P>(p), "scipy.spatial.distance.jensenshannon", "p");
        const auto qv = detail::normalized<W>(std::forward<Q>(q), "scipy.spatial.distance.jensenshannon", "q");
        detail::check_same_length(pv, qv, "scipy.spatial.distance.jensenshannon", "p", "q");
        return detail::sqrt_(detail::divided_by_log(shannon::detail::js_nats(pv, qv), base, "scipy.spatial.distance.jensenshannon"));
    });
}

}  // namespace shannon::profiles::scipy

SHANNON_FP_CONTRACT_RESTORE
