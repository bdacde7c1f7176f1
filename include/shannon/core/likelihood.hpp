// shannon/core/likelihood.hpp — likelihood, maximum likelihood, and least squares.
//
//   Bernoulli   log L(p) = k log p + (n-k) log(1-p)     for n outcomes in {0, 1} with k ones
//               MLE      p^ = k/n
//   categorical log L(q) = sum_i log q_{x_i} = sum_c n_c log q_c
//               MLE      q^_c = n_c / n
//   Gaussian    log L    = -n/2 log(2 pi s2) - SSE/(2 s2),  SSE = sum (y_i - mu_i)^2
//               NLL      = n/2 log(2 pi s2) + SSE/(2 s2)
//   MSE = SSE/n; the least-squares line y = w x + b:  w = sum (x-xbar)(y-ybar) / sum (x-xbar)^2,
//   b = ybar - w xbar.
//
// The identities that tie these to the measures (proved on instances in proofs/, property-tested in
// tests/): NLL(q) = n * H(P_data, q) where P_data is the empirical distribution, so the MLE
// minimizes the cross-entropy and KL(P_data || q) = H(P_data, q) - H(P_data); the Gaussian NLL is an
// increasing affine function of SSE, so its minimizer over (w, b) is the least-squares fit.
#pragma once

#include <cstddef>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "error.hpp"
#include "losses.hpp"
#include "math.hpp"
#include "measures.hpp"
#include "quantity.hpp"
#include "../numbers/traits.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon {
namespace detail {

/// Reads binary outcomes (bool, integers or reals equal to 0 or 1) and counts the ones.
template <class R>
[[nodiscard]] constexpr std::pair<std::size_t, std::size_t> count_outcomes(R&& data, std::string_view function) {
    std::size_t n = 0;
    std::size_t k = 0;
    for (auto&& x : data) {
        const auto v = static_cast<real_of<std::remove_cvref_t<decltype(x)>>>(x);
        if (!(v == 0 || v == 1)) {
            fail_at<shannon::domain_error>(function, "data", n, v, "a Bernoulli outcome must be 0 or 1");
        }
        k += (v == 1) ? 1 : 0;
        ++n;
    }
    if (n == 0) {
        fail_empty(function, "data");
    }
    return {n, k};
}

/// A count as a real: exact in every working type (all hold 64-bit integers exactly, except double
/// on targets without extended long double, where counts above 2^53 round once).
template <class T>
[[nodiscard]] constexpr T as_real(std::size_t n) {
    return static_cast<T>(static_cast<unsigned long long>(n));
}

template <class W>
[[nodiscard]] constexpr W bernoulli_ll(std::size_t n, std::size_t k, const W& p) {
    const W a = xlogy(as_real<W>(k), p);
    const W b = xlog1py(as_real<W>(n - k), W(-p));
    return a + b;
}

template <class W>
[[nodiscard]] constexpr W sse(const std::vector<W>& y, const std::vector<W>& mu) {
    accumulator<W> acc;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const W d = y[i] - mu[i];
        acc.add(W(d * d));
    }
    return acc.value();
}

template <class W>
[[nodiscard]] constexpr W gaussian_nll(std::size_t n, const W& sse_value, const W& s2) {
    const W two_pi = W(2) * pi<W>();
    const W half_n = as_real<W>(n) / W(2);
    return half_n * log_(W(two_pi * s2)) + sse_value / W(W(2) * s2);
}

template <class T>
constexpr void check_variance(const T& s2, std::string_view function) {
    if (has_nan(s2) || !(lower_of(s2) > 0) || is_pos_inf(s2)) {
        fail_at<shannon::domain_error>(function, "sigma2", std::nullopt, s2, "a variance must be positive and finite");
    }
}

template <class W, class Y, class M>
[[nodiscard]] constexpr std::pair<std::vector<W>, std::vector<W>> read_observations(Y&& y, M&& mu, std::string_view function,
                                                                          std::string_view ny, std::string_view nmu) {
    std::vector<W> yv = collect_reals<W>(std::forward<Y>(y), function, ny);
    std::vector<W> mv = collect_reals<W>(std::forward<M>(mu), function, nmu);
    check_same_length(yv, mv, function, ny, nmu);
    for (std::size_t i = 0; i < yv.size(); ++i) {
        if (may_be_infinite(yv[i])) {
            fail_at<shannon::domain_error>(function, ny, i, yv[i], "an observation must be finite");
        }
        if (may_be_infinite(mv[i])) {
            fail_at<shannon::domain_error>(function, nmu, i, mv[i], "a prediction must be finite");
        }
    }
    return {std::move(yv), std::move(mv)};
}

/// log L(p), negated when `negate`: the frame of bernoulli_log_likelihood and bernoulli_nll.
template <class D, class P>
[[nodiscard]] constexpr P bernoulli_ll_of(D&& data, const P& p, std::string_view function, bool negate) {
    using W = working_t<P>;
    return evaluate_rounded<P>([&]() -> working_t<P> {
        const auto [n, k] = count_outcomes(std::forward<D>(data), function);
        check_unit_interval(p, function, "p", std::nullopt);
        const W ll = bernoulli_ll(n, k, to_working<W>(p));
        return negate ? W(-ll) : ll;
    });
}

/// Class counts n_c of categorical outcomes, with the bad-input messages naming `function`.
template <std::ranges::input_range D>
[[nodiscard]] constexpr std::vector<std::size_t> count_classes(D&& data, std::size_t classes, std::string_view function) {
    const std::vector<std::size_t> idx = collect_indices(std::forward<D>(data), classes, function, "data");
    std::vector<std::size_t> counts(classes, 0);
    for (const std::size_t c : idx) {
        ++counts[c];
    }
    return counts;
}

}  // namespace detail

/// log L(p) = k log p + (n-k) log(1-p) of binary outcomes `data` (0/1, bool) under Bernoulli(p).
template <std::ranges::input_range D, class P>
[[nodiscard]] constexpr P bernoulli_log_likelihood(D&& data, const P& p) {
    return detail::bernoulli_ll_of(std::forward<D>(data), p, "bernoulli_log_likelihood", false);
}

/// NLL(p) = -log L(p) = n * BCE against the empirical distribution.
template <std::ranges::input_range D, class P>
[[nodiscard]] constexpr P bernoulli_nll(D&& data, const P& p) {
    return detail::bernoulli_ll_of(std::forward<D>(data), p, "bernoulli_nll", true);
}

/// The Bernoulli maximum-likelihood estimate k/n, correctly rounded to T.
template <class T = double, std::ranges::input_range D>
[[nodiscard]] constexpr T bernoulli_mle(D&& data) {
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> working_t<T> {
        const auto [n, k] = detail::count_outcomes(std::forward<D>(data), "bernoulli_mle");
        return W(detail::as_real<W>(k) / detail::as_real<W>(n));
    });
}

/// Class counts n_c of categorical outcomes (class indices in [0, classes)).
template <std::ranges::input_range D>
[[nodiscard]] constexpr std::vector<std::size_t> class_counts(D&& data, std::size_t classes) {
    return detail::count_classes(std::forward<D>(data), classes, "class_counts");
}

/// log L(q) = sum_i log q_{x_i} of class-index outcomes under the categorical distribution q.
template <std::ranges::input_range D, real_range Q>
[[nodiscard]] constexpr auto categorical_log_likelihood(D&& data, Q&& q, const options& opt = {}) -> detail::range_real_t<Q> {
    using T = detail::range_real_t<Q>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> working_t<T> {
        constexpr std::string_view fn = "categorical_log_likelihood";
        std::vector<W> qv = detail::collect_probabilities<W>(std::forward<Q>(q), fn, "q");
        detail::normalize_argument(qv, opt, fn, "q");
        const std::vector<std::size_t> counts = detail::count_classes(std::forward<D>(data), qv.size(), fn);
        detail::accumulator<W> acc;
        for (std::size_t c = 0; c < qv.size(); ++c) {
            acc.add(detail::xlogy(detail::as_real<W>(counts[c]), qv[c]));
        }
        return acc.value();
    });
}

/// NLL(q) = -log L(q) = n * H(P_data, q).
template <std::ranges::input_range D, real_range Q>
[[nodiscard]] constexpr auto categorical_nll(D&& data, Q&& q, const options& opt = {}) -> detail::range_real_t<Q> {
    return -categorical_log_likelihood(std::forward<D>(data), std::forward<Q>(q), opt);
}

/// The categorical maximum-likelihood estimate n_c/n for c in [0, classes), each correctly rounded.
template <class T = double, std::ranges::input_range D>
[[nodiscard]] constexpr std::vector<T> categorical_mle(D&& data, std::size_t classes) {
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const std::vector<std::size_t> counts = detail::count_classes(std::forward<D>(data), classes, "categorical_mle");
        std::size_t n = 0;
        for (const std::size_t c : counts) {
            n += c;
        }
        std::vector<W> out;
        out.reserve(classes);
        for (const std::size_t c : counts) {
            out.push_back(W(detail::as_real<W>(c) / detail::as_real<W>(n)));
        }
        return out;
    });
}

/// Sum of squared errors SSE = sum (y_i - mu_i)^2.
template <real_range Y, real_range M>
[[nodiscard]] constexpr auto sum_squared_error(Y&& y, M&& mu) -> pair_real_t<Y, M> {
    using T = pair_real_t<Y, M>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> working_t<T> {
        const auto [yv, mv] = detail::read_observations<W>(std::forward<Y>(y), std::forward<M>(mu),
                                                           "sum_squared_error", "y", "prediction");
        return detail::sse(yv, mv);
    });
}

/// The type of shannon::mean_squared_error (a function object: it can be passed to the oracle).
struct mean_squared_error_fn {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"mean_squared_error", "sum (y - mu)^2 / n",
                                        argument_kinds::observations_and_predictions, "mse"};
    /// MSE of observations y and predictions mu.
    template <real_range Y, real_range M>
    [[nodiscard]] constexpr auto operator()(Y&& y, M&& mu) const -> pair_real_t<Y, M> {
        using T = pair_real_t<Y, M>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> working_t<T> {
            const auto [yv, mv] = detail::read_observations<W>(std::forward<Y>(y), std::forward<M>(mu),
                                                               "mean_squared_error", "y", "prediction");
            return W(detail::sse(yv, mv) / detail::as_real<W>(yv.size()));
        });
    }
};
/// Mean squared error MSE = SSE / n.
inline constexpr mean_squared_error_fn mean_squared_error{};

/// The type of shannon::gaussian_nll (a function object: it can be passed to the oracle).
struct gaussian_nll_fn {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"gaussian_nll", "n/2 log(2 pi s2) + sum (y - mu)^2 / (2 s2)",
                                        argument_kinds::gaussian, "nll-gaussian"};
    /// The NLL of observations y with means mu and variance sigma2 > 0.
    template <real_range Y, real_range M, class S>
    [[nodiscard]] constexpr auto operator()(Y&& y, M&& mu, const S& sigma2) const {
        using T = std::common_type_t<pair_real_t<Y, M>, detail::real_of<S>>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> working_t<T> {
            constexpr std::string_view fn = "gaussian_nll";
            detail::check_variance(static_cast<T>(sigma2), fn);
            const auto [yv, mv] = detail::read_observations<W>(std::forward<Y>(y), std::forward<M>(mu), fn, "y", "mu");
            return detail::gaussian_nll(yv.size(), detail::sse(yv, mv), to_working<W>(static_cast<T>(sigma2)));
        });
    }
};
/// Gaussian negative log-likelihood n/2 log(2 pi sigma2) + SSE/(2 sigma2).
inline constexpr gaussian_nll_fn gaussian_nll{};

/// Gaussian log-likelihood of observations y with means mu and variance sigma2:
/// -n/2 log(2 pi sigma2) - SSE/(2 sigma2), the negative of gaussian_nll.
template <real_range Y, real_range M, class S>
[[nodiscard]] constexpr auto gaussian_log_likelihood(Y&& y, M&& mu, const S& sigma2)
    -> std::common_type_t<pair_real_t<Y, M>, detail::real_of<S>> {
    return -gaussian_nll(std::forward<Y>(y), std::forward<M>(mu), sigma2);
}

/// The least-squares line y = w x + b.
template <class T>
struct linear_fit {
    /// The slope.
    T w;
    /// The intercept.
    T b;
};

/// Least-squares fit of y = w x + b (the Gaussian maximum-likelihood line for any fixed variance).
/// Needs at least two distinct x values.
template <real_range X, real_range Y>
[[nodiscard]] constexpr auto least_squares(X&& x, Y&& y) -> linear_fit<pair_real_t<X, Y>> {
    using T = pair_real_t<X, Y>;
    using W = working_t<T>;
    const std::vector<T> wb = evaluate_rounded<T>([&] {
        constexpr std::string_view fn = "least_squares";
        const auto [xv, yv] = detail::read_observations<W>(std::forward<X>(x), std::forward<Y>(y), fn, "x", "y");
        const W n = detail::as_real<W>(xv.size());
        const W xbar = detail::sum_of(xv) / n;
        const W ybar = detail::sum_of(yv) / n;
        detail::accumulator<W> sxy;
        detail::accumulator<W> sxx;
        for (std::size_t i = 0; i < xv.size(); ++i) {
            const W dx = xv[i] - xbar;
            sxy.add(W(dx * W(yv[i] - ybar)));
            sxx.add(W(dx * dx));
        }
        const W den = sxx.value();
        if (detail::is_exact_zero(den)) {
            detail::fail<shannon::domain_error>(fn, "argument 'x' has no two distinct values: the slope is undetermined");
        }
        const W w = sxy.value() / den;
        const W b = ybar - w * xbar;
        return std::vector<W>{w, b};
    });
    return {wb[0], wb[1]};
}

}  // namespace shannon

SHANNON_FP_CONTRACT_RESTORE
