// shannon/profiles/optax.hpp — optax's classification, divergence and regression losses (optax.losses),
// exactly. The regression losses are PyTorch's pointwise family (profiles/torch.hpp) unreduced.
//
// The formulas are those of optax/losses/_classification.py with its conventions: predictions come
// first (logits, log_predictions), labels second; the products are plain IEEE products, so
// softmax_cross_entropy gives NaN where a label is 0 and its logit is -inf (0 * inf), which
// safe_softmax_cross_entropy turns into 0; kl_divergence takes 0 * (0 - log_prediction) where a target
// is 0 (NaN when that log-prediction is infinite). optax does not reduce: each function gives one value
// per row (per element for sigmoid_binary_cross_entropy); callers take the mean themselves.
//
// Shapes: an N x C batch as a range of rows, the class axis last (the Python layer moves `axis` there).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "common.hpp"
#include "torch.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::profiles::optax {

namespace detail {

using namespace profiles::detail;
using shannon::detail::log_;
using shannon::detail::exp_;


/// -sum_k labels_k log_softmax(logits)_k per row, with 0 * inf as `times` makes it.
template <class W, class Times, class L, class Y>
[[nodiscard]] std::vector<W> softmax_xent(L&& logits, Y&& labels, std::string_view f, const Times& times) {
    const auto batch = read_rows_pair<W>(std::forward<L>(logits), std::forward<Y>(labels), f, "logits", "labels");
    const auto& x = batch.first;  // references, not structured bindings: Clang 14 cannot capture those
    const auto& y = batch.second;
    std::vector<W> l;
    l.reserve(x.size());
    for (std::size_t n = 0; n < x.size(); ++n) {
        const auto term = [&](std::size_t k, const W& v) { return W(times(y[n][k], v)); };
        const auto coef = [&](std::size_t k) { return y[n][k]; };
        l.push_back(shannon::detail::sum_neg_log_softmax(shannon::detail::make_softmax_frame(x[n]), x[n], term, coef));
    }
    return l;
}

/// optax's sigmoid_binary_cross_entropy of one element: y softplus(-x) + (1 - y) softplus(x), plain
/// products (0 * inf = NaN).
template <class W>
[[nodiscard]] W sigmoid_bce(const W& x, const W& y) {
    const auto sp = shannon::detail::softplus_both(x);
    return W(ieee_times(y, sp.at_minus_x) + ieee_times(W(W(1) - y), sp.at_x));
}

/// sum_k targets_k (where(targets_k == 0, 0, log targets_k) - log_predictions_k) per row.
template <class LP, class TR, class W = shannon::detail::row_value_t<LP>>
[[nodiscard]] W kl_row(const LP& lp, const TR& t) {
    accumulator<W> acc;
    for (std::size_t k = 0; k < std::ranges::size(lp); ++k) {
        const W lt = shannon::detail::is_exact_zero(t[k]) ? W(0) : log_(t[k]);
        acc.add(ieee_times(t[k], W(lt - lp[k])));
    }
    return acc.value();
}

}  // namespace detail

/// optax.losses.softmax_cross_entropy(logits, labels): -sum_k labels_k log_softmax(logits)_k per row
/// (0 * -inf = NaN where a label is 0 and its logit -inf).
/// Source: optax/losses/_classification.py softmax_cross_entropy.
template <row_range L, row_range Y>
[[nodiscard]] auto softmax_cross_entropy(L&& logits, Y&& labels) {
    using T = detail::rows_t<L>;
    return evaluate_rounded<T>([&] {
        return detail::softmax_xent<working_t<T>>(std::forward<L>(logits), std::forward<Y>(labels),
                                                  "optax.softmax_cross_entropy",
                                                  [](const auto& a, const auto& b) { return detail::ieee_times(a, b); });
    });
}

/// optax.losses.safe_softmax_cross_entropy(logits, labels): as softmax_cross_entropy, with
/// labels_k log_softmax_k taken as 0 where labels_k = 0 (0 log 0 = 0 when a logit is -inf).
/// Source: optax/losses/_classification.py safe_softmax_cross_entropy, weighted_logsoftmax.
template <row_range L, row_range Y>
[[nodiscard]] auto safe_softmax_cross_entropy(L&& logits, Y&& labels) {
    using T = detail::rows_t<L>;
    return evaluate_rounded<T>([&] {
        return detail::softmax_xent<working_t<T>>(
            std::forward<L>(logits), std::forward<Y>(labels), "optax.safe_softmax_cross_entropy",
            [](const auto& a, const auto& b) { return shannon::detail::times_or_zero(a, b); });
    });
}

/// optax.losses.softmax_cross_entropy_with_integer_labels(logits, labels): logsumexp(logits_n) -
/// logits_n[labels_n] per row. A label outside [0, C) is an error here (JAX would read outside the row).
/// Source: optax/losses/_classification.py softmax_cross_entropy_with_integer_labels.
template <row_range L, index_range Y>
[[nodiscard]] auto softmax_cross_entropy_with_integer_labels(L&& logits, Y&& labels) {
    using T = detail::rows_t<L>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        constexpr std::string_view f = "optax.softmax_cross_entropy_with_integer_labels";
        const auto x = detail::read_rows<W>(std::forward<L>(logits), f, "logits");
        std::vector<std::int64_t> t;
        for (auto&& y : labels) {
            t.push_back(static_cast<std::int64_t>(y));
        }
        detail::check_same_length(t, x, f, "labels", "logits");
        std::vector<W> l;
        l.reserve(x.size());
        for (std::size_t n = 0; n < x.size(); ++n) {
            if (t[n] < 0 || static_cast<std::size_t>(t[n]) >= x[n].size()) {
                detail::fail_at<shannon::invalid_argument>(f, "labels", n, t[n], "a class index must lie in [0, ",
                                                           x[n].size(), ")");
            }
            l.push_back(shannon::detail::neg_log_softmax_at(x[n], static_cast<std::size_t>(t[n])));
        }
        return l;
    });
}

/// optax.losses.sigmoid_binary_cross_entropy(logits, labels), elementwise:
/// -labels log sigmoid(logits) - (1 - labels) log sigmoid(-logits)
/// = labels softplus(-logits) + (1 - labels) softplus(logits) (plain products: 0 * inf = NaN).
/// Source: optax/losses/_classification.py sigmoid_binary_cross_entropy.
template <real_range L, real_range Y>
[[nodiscard]] auto sigmoid_binary_cross_entropy(L&& logits, Y&& labels) {
    using T = detail::pair_t<L, Y>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        constexpr std::string_view f = "optax.sigmoid_binary_cross_entropy";
        const auto [x, y] = detail::read_pair<W>(std::forward<L>(logits), std::forward<Y>(labels), f, "logits", "labels");
        std::vector<W> l;
        l.reserve(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            l.push_back(detail::sigmoid_bce(x[i], y[i]));
        }
        return l;
    });
}

/// optax.losses.kl_divergence(log_predictions, targets): sum_k targets_k (log targets_k - log_predictions_k)
/// per row, with log targets_k replaced by 0 where targets_k = 0.
/// Source: optax/losses/_classification.py kl_divergence.
template <row_range L, row_range Y>
[[nodiscard]] auto kl_divergence(L&& log_predictions, Y&& targets) {
    using T = detail::rows_t<L>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const auto [lp, t] = detail::read_rows_pair<W>(std::forward<L>(log_predictions), std::forward<Y>(targets),
                                                  "optax.kl_divergence", "log_predictions", "targets");
        std::vector<W> l;
        l.reserve(lp.size());
        for (std::size_t n = 0; n < lp.size(); ++n) {
            l.push_back(detail::kl_row(lp[n], t[n]));
        }
        return l;
    });
}

/// optax.losses.kl_divergence_with_log_targets(log_predictions, log_targets):
/// sum_k exp(log_targets_k) (log_targets_k - log_predictions_k) per row.
/// Source: optax/losses/_classification.py kl_divergence_with_log_targets.
template <row_range L, row_range Y>
[[nodiscard]] auto kl_divergence_with_log_targets(L&& log_predictions, Y&& log_targets) {
    using T = detail::rows_t<L>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const auto [lp, lt] = detail::read_rows_pair<W>(std::forward<L>(log_predictions), std::forward<Y>(log_targets),
                                                   "optax.kl_divergence_with_log_targets", "log_predictions",
                                                   "log_targets");
        std::vector<W> l;
        l.reserve(lp.size());
        for (std::size_t n = 0; n < lp.size(); ++n) {
            detail::accumulator<W> acc;
            for (std::size_t k = 0; k < lp[n].size(); ++k) {
                acc.add(detail::ieee_times(detail::exp_(lt[n][k]), W(lt[n][k] - lp[n][k])));
            }
            l.push_back(acc.value());
        }
        return l;
    });
}

/// optax.losses.generalized_kl_divergence(log_predictions, targets): kl_divergence(log_predictions, targets)
/// + sum_k (exp(log_predictions_k) - targets_k) per row (the Bregman divergence of x log x - x).
/// Source: optax/losses/_classification.py generalized_kl_divergence.
template <row_range L, row_range Y>
[[nodiscard]] auto generalized_kl_divergence(L&& log_predictions, Y&& targets) {
    using T = detail::rows_t<L>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const auto [lp, t] = detail::read_rows_pair<W>(std::forward<L>(log_predictions), std::forward<Y>(targets),
                                                  "optax.generalized_kl_divergence", "log_predictions", "targets");
        std::vector<W> l;
        l.reserve(lp.size());
        for (std::size_t n = 0; n < lp.size(); ++n) {
            detail::accumulator<W> acc;
            acc.add(detail::kl_row(lp[n], t[n]));
            for (std::size_t k = 0; k < lp[n].size(); ++k) {
                acc.add(W(detail::exp_(lp[n][k]) - t[n][k]));
            }
            l.push_back(acc.value());
        }
        return l;
    });
}

/// optax.losses.convex_kl_divergence (deprecated): generalized_kl_divergence under its old name.
template <row_range L, row_range Y>
[[nodiscard]] auto convex_kl_divergence(L&& log_predictions, Y&& targets) {
    return generalized_kl_divergence(std::forward<L>(log_predictions), std::forward<Y>(targets));
}

/// optax.losses.sigmoid_focal_loss(logits, labels, alpha, gamma), elementwise: ce u^gamma, with ce =
/// sigmoid_binary_cross_entropy(logits, labels) and u = 1 - p_t = (1 - y) sigmoid(x) + y sigmoid(-x)
/// (optax's logsumexp of the two log-sigmoids weighted by 1 - y and y), u^gamma taken as exp(gamma log u):
/// 0 where u = 0 < gamma, NaN where u = 0 = gamma (0 * -inf) or u < 0 (labels outside [0, 1]: the
/// logsumexp of a negative sum); then, with alpha, times alpha y + (1 - alpha)(1 - y). Plain IEEE products
/// (ce NaN where a label of 0 or 1 meets an infinite logit on the wrong side). The constants as given:
/// JAX's weak typing rounds gamma, alpha and the Python float 1 - alpha to the logits' dtype first (the
/// Python layer does). Source: optax/losses/_classification.py sigmoid_focal_loss (0.2.5's log-space form).
struct sigmoid_focal_loss_options {
    double gamma = 2;  ///< the exponent of 1 - p_t
    std::optional<double> alpha{};            ///< none: no weighting
    std::optional<double> one_minus_alpha{};  ///< none: 1 - alpha exactly
};

namespace detail {
/// exp(gamma log u), optax's focal weight: 0 where u = 0 < gamma, +inf where u = 0 > gamma, NaN where
/// u = 0 = gamma (0 * -inf) or u < 0.
template <class W>
[[nodiscard]] W focal_weight(const W& u, double gamma) {
    if (shannon::detail::has_nan(u) || shannon::detail::upper_of(u) < 0) {
        return shannon::detail::quiet_nan<W>();
    }
    if (shannon::detail::is_exact_zero(u)) {  // exp(gamma * -inf)
        return gamma > 0 ? W(0) : gamma < 0 ? shannon::detail::pos_infinity<W>() : shannon::detail::quiet_nan<W>();
    }
    return gamma == 0 ? W(1) : exp_(W(W(gamma) * shannon::detail::log_(u)));
}

/// alpha y + (1 - alpha)(1 - y), 1 - alpha as given or exact.
template <class W>
[[nodiscard]] W alpha_weight(const W& y, const sigmoid_focal_loss_options& o) {
    const W a = W(*o.alpha);
    const W b = o.one_minus_alpha ? W(*o.one_minus_alpha) : W(W(1) - a);
    return W(W(a * y) + W(b * W(W(1) - y)));
}
}  // namespace detail

template <real_range L, real_range Y>
[[nodiscard]] auto sigmoid_focal_loss(L&& logits, Y&& labels, const sigmoid_focal_loss_options& o = {}) {
    using T = detail::pair_t<L, Y>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        constexpr std::string_view f = "optax.sigmoid_focal_loss";
        const auto [x, y] = detail::read_pair<W>(std::forward<L>(logits), std::forward<Y>(labels), f, "logits", "labels");
        std::vector<W> l;
        l.reserve(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            const W one_y = W(W(1) - y[i]);
            const W ce = detail::sigmoid_bce(x[i], y[i]);
            const W u = W(W(one_y * shannon::detail::sigmoid(x[i])) + W(y[i] * shannon::detail::sigmoid(W(-x[i]))));
            W v = detail::ieee_times(ce, detail::focal_weight(u, o.gamma));
            if (o.alpha) {
                v = detail::ieee_times(detail::alpha_weight(y[i], o), v);
            }
            l.push_back(v);
        }
        return l;
    });
}

namespace detail {
/// Whether a row holds a NaN.
template <class Row>
[[nodiscard]] bool any_nan(const Row& row) {
    return std::ranges::any_of(row, [](const auto& v) { return shannon::detail::has_nan(v); });
}

/// JAX's softmax of a row is NaN throughout for a +inf or NaN logit or only -inf ones (x - max: inf - inf).
template <class Frame, class Row>
[[nodiscard]] bool nan_softmax(const Frame& frame, const Row& row) {
    return frame.n_pos_inf > 0 || frame.all_neg_inf || any_nan(row);
}
}  // namespace detail

/// optax.losses.poly_loss_cross_entropy(logits, labels, epsilon) per row: softmax_cross_entropy +
/// epsilon sum_k labels_k (1 - softmax(logits)_k), 1 - p_k formed without cancellation (R / (1 + R) at the
/// largest logit, R = sum of the others' e^(z_j - max)); NaN for a row with a +inf logit or only -inf ones
/// (JAX's softmax: x - max is inf - inf). epsilon as given (JAX rounds it to the logits' dtype: the Python
/// layer does). Source: optax/losses/_classification.py poly_loss_cross_entropy.
template <row_range L, row_range Y>
[[nodiscard]] auto poly_loss_cross_entropy(L&& logits, Y&& labels, double epsilon = 2) {
    using T = detail::rows_t<L>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        constexpr std::string_view f = "optax.poly_loss_cross_entropy";
        const auto batch = detail::read_rows_pair<W>(std::forward<L>(logits), std::forward<Y>(labels), f, "logits", "labels");
        const auto& x = batch.first;
        const auto& y = batch.second;
        std::vector<W> l;
        l.reserve(x.size());
        for (std::size_t n = 0; n < x.size(); ++n) {
            const auto frame = shannon::detail::make_softmax_frame(x[n]);
            if (detail::nan_softmax(frame, x[n])) {
                l.push_back(shannon::detail::quiet_nan<W>());
                continue;
            }
            const auto term = [&](std::size_t k, const W& v) { return W(detail::ieee_times(y[n][k], v)); };
            const auto coef = [&](std::size_t k) { return y[n][k]; };
            const W ce = shannon::detail::sum_neg_log_softmax(frame, x[n], term, coef);
            const W r = shannon::detail::expm1_(frame.rest);  // sum_{j != max} e^(z_j - z_max)
            const W s = W(W(1) + r);
            const W& m = x[n][frame.imax];
            detail::accumulator<W> acc;
            for (std::size_t k = 0; k < x[n].size(); ++k) {
                const W one_minus = k == frame.imax ? W(r / s) : W(W(1) - W(detail::exp_(W(x[n][k] - m)) / s));
                acc.add(detail::ieee_times(y[n][k], one_minus));
            }
            l.push_back(W(ce + W(W(epsilon) * acc.value())));
        }
        return l;
    });
}

/// d sum(sigmoid_focal_loss) / d logits as jax.grad takes it, one value per element: with s = sigmoid(x),
/// u = 1 - p_t = (1 - y) s + y (1 - s) and ce the cross-entropy, w [(s - y) u^gamma + gamma ce u^(gamma - 1)
/// s (1 - s) (1 - 2 y)] (the log-space form's derivative: d log u / dx = s (1 - s)(1 - 2 y) / u), w the alpha
/// weight (else 1). NaN for a NaN or infinite logit or label, and where u <= 0 (labels outside [0, 1]).
template <real_range L, real_range Y>
[[nodiscard]] auto sigmoid_focal_loss_grad(L&& logits, Y&& labels, const sigmoid_focal_loss_options& o = {}) {
    using T = detail::pair_t<L, Y>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        constexpr std::string_view f = "optax.sigmoid_focal_loss";
        const auto [x, y] = detail::read_pair<W>(std::forward<L>(logits), std::forward<Y>(labels), f, "logits", "labels");
        std::vector<W> g;
        g.reserve(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            using shannon::detail::isfinite_;
            using shannon::detail::representative;
            if (shannon::detail::has_nan(x[i]) || shannon::detail::has_nan(y[i]) || !isfinite_(representative(x[i])) ||
                !isfinite_(representative(y[i]))) {
                g.push_back(shannon::detail::quiet_nan<W>());
                continue;
            }
            const W s = shannon::detail::sigmoid(x[i]);
            const W r = shannon::detail::sigmoid(W(-x[i]));  // 1 - s
            const W u = W(W(W(W(1) - y[i]) * s) + W(y[i] * r));
            if (!(shannon::detail::lower_of(u) > 0)) {
                g.push_back(shannon::detail::quiet_nan<W>());
                continue;
            }
            const W fw = detail::focal_weight(u, o.gamma);
            W d = W(W(s - y[i]) * fw);
            if (o.gamma != 0) {
                const W dlog_u = W(W(W(s * r) * W(W(1) - W(W(2) * y[i]))) / u);
                d = W(d + W(W(W(W(o.gamma) * detail::sigmoid_bce(x[i], y[i])) * fw) * dlog_u));
            }
            g.push_back(o.alpha ? W(detail::alpha_weight(y[i], o) * d) : d);
        }
        return g;
    });
}

/// d sum(poly_loss_cross_entropy) / d logits as jax.grad takes it, one value per element of each row: with
/// p = softmax(x), Y = sum_k labels_k and Q = sum_k labels_k p_k, p_j Y - labels_j + epsilon p_j (Q - labels_j).
/// NaN for a row with a NaN or +inf logit or only -inf ones (as the value).
template <row_range L, row_range Y>
[[nodiscard]] auto poly_loss_cross_entropy_grad(L&& logits, Y&& labels, double epsilon = 2) {
    using T = detail::rows_t<L>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        constexpr std::string_view f = "optax.poly_loss_cross_entropy";
        const auto batch = detail::read_rows_pair<W>(std::forward<L>(logits), std::forward<Y>(labels), f, "logits", "labels");
        const auto& x = batch.first;
        const auto& y = batch.second;
        std::vector<W> g;
        g.reserve(x.size() * (x.empty() ? 0 : std::ranges::size(x.front())));
        for (std::size_t n = 0; n < x.size(); ++n) {
            const std::size_t c = std::ranges::size(x[n]);
            const auto frame = shannon::detail::make_softmax_frame(x[n]);
            if (detail::nan_softmax(frame, x[n]) || detail::any_nan(y[n])) {
                g.insert(g.end(), c, shannon::detail::quiet_nan<W>());
                continue;
            }
            const std::vector<W> p = shannon::detail::softmax_row(frame, x[n]);
            detail::accumulator<W> total;
            detail::accumulator<W> dot;
            for (std::size_t k = 0; k < c; ++k) {
                total.add(y[n][k]);
                dot.add(W(y[n][k] * p[k]));
            }
            const W sum_y = total.value();
            const W q = dot.value();
            for (std::size_t k = 0; k < c; ++k) {
                const W ce = W(W(p[k] * sum_y) - y[n][k]);
                g.push_back(W(ce + W(W(W(epsilon) * p[k]) * W(q - y[n][k]))));
            }
        }
        return g;
    });
}

/// optax.losses.squared_error(predictions, targets): (predictions - targets)^2 per element (targets
/// absent: predictions^2, pass zeros). Source: optax/losses/_regression.py.
template <real_range P, real_range T>
[[nodiscard]] auto squared_error(P&& predictions, T&& targets) {
    return torch::pointwise_loss_unreduced(torch::pointwise_loss::scaled_square, std::forward<P>(predictions),
                                           std::forward<T>(targets), 1.0);
}

/// optax.losses.l2_loss(predictions, targets): (predictions - targets)^2 / 2 per element.
template <real_range P, real_range T>
[[nodiscard]] auto l2_loss(P&& predictions, T&& targets) {
    return torch::pointwise_loss_unreduced(torch::pointwise_loss::scaled_square, std::forward<P>(predictions),
                                           std::forward<T>(targets), 0.5);
}

/// optax.losses.huber_loss(predictions, targets, delta): 0.5 min(|d|, delta)^2 + delta (|d| - min(|d|,
/// delta)) per element, d = predictions - targets: PyTorch's huber_loss, unreduced (the same values).
template <real_range P, real_range T>
[[nodiscard]] auto huber_loss(P&& predictions, T&& targets, double delta = 1) {
    return torch::pointwise_loss_unreduced(torch::pointwise_loss::huber, std::forward<P>(predictions),
                                           std::forward<T>(targets), delta);
}

/// optax.losses.log_cosh(predictions, targets): logaddexp(d, -d) - log(2) per element, log(2) as optax
/// takes it, in the errors' dtype d (so the value at d = 0 is log 2 minus its rounding, not 0).
template <real_range P, real_range T>
[[nodiscard]] auto log_cosh(P&& predictions, T&& targets, dtype d = dtype::binary64) {
    return torch::pointwise_loss_unreduced(torch::pointwise_loss::log_cosh, std::forward<P>(predictions),
                                           std::forward<T>(targets), in_dtype(log2_double, d));
}

}  // namespace shannon::profiles::optax

SHANNON_FP_CONTRACT_RESTORE
