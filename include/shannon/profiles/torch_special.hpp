// shannon/profiles/torch_special.hpp — PyTorch's elementwise functions, exactly: torch.special's
// entr, xlogy, xlog1py, expit, logit, log1p, expm1, and torch.nn.functional's softplus and logsigmoid.
//
// Each value is the exact value of the formula PyTorch evaluates, with its values at 0, +-inf and NaN
// and the constants it stores in the tensor's dtype: logit's clamp to [eps, 1 - eps] with eps and
// 1 - eps rounded to the dtype (hi = dtype(1) - dtype(eps), as ATen's kernel computes it; float32
// measured), softplus's linear region where beta * x, rounded to the dtype, exceeds the threshold
// (beta and threshold also in the dtype, as ATen converts them). Sources: the torch.special and
// torch.nn.functional reference, and the values of Debian's python3-torch at the boundary (tested in
// tests/python/test_torch_special.py). entr, xlogy and xlog1py have the same values as scipy's
// (profiles/common.hpp holds them once).
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "common.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::profiles::torch {

namespace detail {
using namespace profiles::detail;
using shannon::detail::has_nan;
using shannon::detail::is_exact_zero;
using shannon::detail::is_neg_inf;
using shannon::detail::is_pos_inf;
using shannon::detail::lower_of;
using shannon::detail::upper_of;
}  // namespace detail

/// torch.nn.functional.softplus(x, beta, threshold) = log(1 + e^(beta x)) / beta, and x itself where
/// beta x > threshold (PyTorch's linear region; beta, threshold and the product beta x rounded to the
/// tensor's dtype d, as ATen computes the test). beta = 0: +inf for a finite x (log 2 / 0), as PyTorch.
template <real_range X>
[[nodiscard]] auto softplus(X&& x, double beta = 1, double threshold = 20, dtype d = dtype::binary64) {
    using T = shannon::detail::range_real_t<X>;
    using W = working_t<T>;
    const double b = in_dtype(beta, d);
    const double t = in_dtype(threshold, d);
    const auto f = [b, t, d](const W& v) {
        if (detail::has_nan(v)) {
            return detail::nan<W>();
        }
        const double xv = detail::input_value(v);
        if (in_dtype(xv * b, d) > t) {
            return v;
        }
        if (b == 0) {
            return shannon::detail::may_be_infinite(v) ? detail::nan<W>() : detail::inf<W>();
        }
        if (shannon::detail::may_be_infinite(v)) {  // beta x = -inf: log1p(0) / beta = 0
            return W(0);
        }
        return W(shannon::detail::softplus(W(W(b) * v)) / W(b));
    };
    if (b == 1) {  // log1p(e^x) where x <= t (x in the dtype: beta x rounded is x): the row kernel's softplus
        return detail::elementwise_with<T>("torch.nn.functional.softplus", shannon::detail::row_fn::softplus, t, f,
                                           std::forward<X>(x));
    }
    return detail::elementwise<T>("torch.nn.functional.softplus", f, std::forward<X>(x));
}

/// torch.nn.functional.logsigmoid(x) = log(1 / (1 + e^-x)) = -softplus(-x); -inf at -inf, 0 at +inf.
template <real_range X>
[[nodiscard]] auto logsigmoid(X&& x) {
    using T = shannon::detail::range_real_t<X>;
    using W = working_t<T>;
    return detail::elementwise_with<T>(
        "torch.nn.functional.logsigmoid", shannon::detail::row_fn::log_sigmoid, detail::inf<double>(),
        [](const W& v) {
            if (detail::has_nan(v)) {
                return detail::nan<W>();
            }
            if (detail::is_neg_inf(v)) {
                return W(-detail::inf<W>());
            }
            if (detail::is_pos_inf(v)) {
                return W(0);
            }
            return shannon::detail::log_sigmoid(v);
        },
        std::forward<X>(x));
}

namespace special {

/// torch.special.entr(x) = -x log x for x > 0, 0 at 0, -inf for x < 0 (NaN stays NaN).
template <real_range X>
[[nodiscard]] auto entr(X&& x) {
    using T = shannon::detail::range_real_t<X>;
    return detail::elementwise_with<T>("torch.special.entr", shannon::detail::row_fn::entr, 0,
                                       detail::entr_value<working_t<T>>, std::forward<X>(x));
}

/// torch.special.xlogy(x, y) = x log y, 0 where x = 0 (unless y is NaN).
template <real_range X, real_range Y>
[[nodiscard]] auto xlogy(X&& x, Y&& y) {
    using T = detail::pair_t<X, Y>;
    return detail::elementwise_with<T>("torch.special.xlogy", shannon::detail::row_fn::xlogy, 0,
                                       detail::xlogy_value<working_t<T>>, std::forward<X>(x),
                                  std::forward<Y>(y));
}

/// torch.special.xlog1py(x, y) = x log1p(y), 0 where x = 0 (unless y is NaN).
template <real_range X, real_range Y>
[[nodiscard]] auto xlog1py(X&& x, Y&& y) {
    using T = detail::pair_t<X, Y>;
    return detail::elementwise<T>("torch.special.xlog1py", detail::xlog1py_value<working_t<T>>, std::forward<X>(x),
                                  std::forward<Y>(y));
}

/// torch.special.expit(x) = 1 / (1 + e^-x) (torch.sigmoid): 0 at -inf, 1 at +inf.
template <real_range X>
[[nodiscard]] auto expit(X&& x) {
    using T = shannon::detail::range_real_t<X>;
    using W = working_t<T>;
    return detail::elementwise_with<T>(
        "torch.special.expit", shannon::detail::row_fn::sigmoid, 0,
        [](const W& v) {
            if (detail::has_nan(v)) {
                return detail::nan<W>();
            }
            if (detail::is_neg_inf(v)) {
                return W(0);
            }
            if (detail::is_pos_inf(v)) {
                return W(1);
            }
            return shannon::detail::sigmoid(v);
        },
        std::forward<X>(x));
}

/// torch.special.logit(x, eps) = log(z / (1 - z)), z = x clamped to [lo, hi] when eps is given
/// (lo = eps and hi = 1 - lo in the dtype d), else z = x: -inf at 0, +inf at 1, NaN outside [0, 1].
template <real_range X>
[[nodiscard]] auto logit(X&& x, std::optional<double> eps = std::nullopt, dtype d = dtype::binary64) {
    using T = shannon::detail::range_real_t<X>;
    using W = working_t<T>;
    std::optional<std::pair<double, double>> clamp;
    if (eps) {
        const double lo = in_dtype(*eps, d);
        clamp.emplace(lo, in_dtype(1 - lo, d));  // 1 - lo exact in binary64 for every dtype-rounded lo in [2^-53, 1]
    }
    return detail::elementwise<T>(
        "torch.special.logit",
        [clamp](const W& v) {
            if (detail::has_nan(v)) {
                return detail::nan<W>();
            }
            W z = v;
            if (clamp) {
                const double xv = detail::input_value(v);
                if (xv < clamp->first) {
                    z = W(clamp->first);
                } else if (xv > clamp->second) {
                    z = W(clamp->second);
                }
            }
            const double zv = detail::input_value(z);
            if (zv < 0 || zv > 1) {
                return detail::nan<W>();
            }
            if (zv == 0) {
                return W(-detail::inf<W>());
            }
            if (zv == 1) {
                return detail::inf<W>();
            }
            return shannon::detail::log_(W(z / W(W(1) - z)));
        },
        std::forward<X>(x));
}

/// torch.special.log1p(x) = log(1 + x): -inf at -1, NaN below, x itself at +-0 (its sign kept).
template <real_range X>
[[nodiscard]] auto log1p(X&& x) {
    using T = shannon::detail::range_real_t<X>;
    using W = working_t<T>;
    return detail::elementwise<T>(
        "torch.special.log1p",
        [](const W& v) {
            if (detail::has_nan(v) || detail::upper_of(v) < -1) {
                return detail::nan<W>();
            }
            if (detail::is_exact_zero(v) || detail::is_pos_inf(v)) {
                return v;
            }
            if (detail::input_value(v) == -1) {
                return W(-detail::inf<W>());
            }
            return shannon::detail::log1p_(v);
        },
        std::forward<X>(x));
}

/// torch.special.expm1(x) = e^x - 1: -1 at -inf, +inf at +inf, x itself at +-0 (its sign kept).
template <real_range X>
[[nodiscard]] auto expm1(X&& x) {
    using T = shannon::detail::range_real_t<X>;
    using W = working_t<T>;
    return detail::elementwise<T>(
        "torch.special.expm1",
        [](const W& v) {
            if (detail::has_nan(v)) {
                return detail::nan<W>();
            }
            if (detail::is_exact_zero(v) || detail::is_pos_inf(v)) {
                return v;
            }
            if (detail::is_neg_inf(v)) {
                return W(-1);
            }
            return shannon::detail::expm1_(v);
        },
        std::forward<X>(x));
}

}  // namespace special

}  // namespace shannon::profiles::torch
