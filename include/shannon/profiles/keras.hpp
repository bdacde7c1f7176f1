// shannon/profiles/keras.hpp — Keras 3's probabilistic losses (keras.losses), exactly (tf.keras 2's
// binary_crossentropy: profiles/tf_keras2.hpp).
//
// The formulas are those of keras/src/losses/losses.py with the TensorFlow backend's ops
// (keras/src/backend/tensorflow/nn.py): probabilities are clipped to [epsilon, 1 - epsilon] with
// epsilon = keras.config.epsilon() (1e-7) and 1.0 - epsilon computed as a Python float, both then
// rounded to y_pred's dtype (the clip bounds are tensors of that dtype); categorical_crossentropy
// renormalizes each row and then clips; sparse_categorical_crossentropy clips and then renormalizes
// (it applies a softmax to log of the clipped probabilities); label smoothing goes toward 0.5 for the
// binary losses and toward 1 / C for the categorical ones. from_logits uses the exact log-sigmoid /
// log-softmax (tf.nn.sigmoid_cross_entropy_with_logits, softmax_cross_entropy_with_logits), no clip.
//
// Shapes: each function takes an N x C batch as a range of rows (y_true, y_pred; the class or feature
// axis last) and gives one value per row (the *_unreduced form: what the function keras.losses.X
// returns) or the value of the Loss class keras.losses.X(reduction=...) (reduction mean =
// "sum_over_batch_size": the sum over rows of sample_weight * loss divided by the number of rows, or
// by the number of rows not ignored (ignore_class), 0 when there are none; sum: the weighted sum).
// The values are the exact values of these formulas: y_pred's dtype enters only through the clip
// bounds, never through rounded intermediate results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "common.hpp"
#include "torch.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::profiles::keras {

using profiles::reduction;

/// keras.config.epsilon()'s default.
inline constexpr double default_epsilon = 1e-7;

/// binary_crossentropy, categorical_crossentropy (and tf_keras2::binary_crossentropy, profiles/tf_keras2.hpp).
struct crossentropy_options {
    bool from_logits = false;                        ///< y_pred holds logits (no clipping)
    double label_smoothing = 0.0;                    ///< toward 1/2 (binary) or 1/C (categorical)
    profiles::reduction reduction = reduction::mean;  ///< the Loss class's (mean = "sum_over_batch_size")
    std::vector<double> sample_weight{};             ///< one per row; empty: 1
    profiles::dtype dtype = profiles::dtype::float64; ///< y_pred's: the clip bounds are rounded to it
    double epsilon = default_epsilon;                ///< keras.config.epsilon(): the clip bound
};

/// sparse_categorical_crossentropy.
struct sparse_categorical_crossentropy_options {
    bool from_logits = false;                        ///< y_pred holds logits (no clipping)
    std::optional<std::int64_t> ignore_class{};      ///< samples of this label count 0 and leave the mean
    profiles::reduction reduction = reduction::mean;  ///< the Loss class's (mean = "sum_over_batch_size")
    std::vector<double> sample_weight{};             ///< one per row; empty: 1
    profiles::dtype dtype = profiles::dtype::float64; ///< y_pred's: the clip bounds are rounded to it
    double epsilon = default_epsilon;                ///< keras.config.epsilon(): the clip bound
};

/// kl_divergence (y_true and y_pred both clipped to [epsilon, 1]).
struct kl_divergence_options {
    profiles::reduction reduction = reduction::mean;  ///< the Loss class's (mean = "sum_over_batch_size")
    std::vector<double> sample_weight{};             ///< one per row; empty: 1
    profiles::dtype dtype = profiles::dtype::float64; ///< y_pred's: the clip bounds are rounded to it
    double epsilon = default_epsilon;                ///< keras.config.epsilon(): the clip bound
};

/// The regression losses huber, log_cosh and poisson: mean over the last axis of PyTorch's pointwise
/// terms (profiles/torch.hpp) of d = y_pred - y_true.
enum class regression { huber, log_cosh, poisson };

/// huber (delta), log_cosh, poisson (epsilon inside the log).
struct regression_options {
    regression kind = regression::huber;             ///< which loss
    double delta = 1.0;                              ///< huber's threshold
    profiles::reduction reduction = reduction::mean;  ///< the Loss class's (mean = "sum_over_batch_size")
    std::vector<double> sample_weight{};             ///< one per row; empty: 1
    profiles::dtype dtype = profiles::dtype::float64; ///< y_pred's: log 2 and epsilon are rounded to it
    double epsilon = default_epsilon;                ///< keras.config.epsilon(): poisson's log(y_pred + epsilon)
};

/// binary_focal_crossentropy.
struct binary_focal_crossentropy_options {
    bool apply_class_balancing = false;              ///< weigh positives by alpha, negatives by 1 - alpha
    double alpha = 0.25;                             ///< the class-balancing weight of positives
    double gamma = 2.0;                              ///< the focusing exponent: (1 - p_t)^gamma
    bool from_logits = false;                        ///< y_pred holds logits (no clipping)
    double label_smoothing = 0.0;                    ///< toward 1/2 (binary) or 1/C (categorical)
    profiles::reduction reduction = reduction::mean;  ///< the Loss class's (mean = "sum_over_batch_size")
    std::vector<double> sample_weight{};             ///< one per row; empty: 1
    profiles::dtype dtype = profiles::dtype::float64; ///< y_pred's: the clip bounds are rounded to it
    double epsilon = default_epsilon;                ///< keras.config.epsilon(): the clip bound
};

/// categorical_focal_crossentropy.
struct categorical_focal_crossentropy_options {
    std::vector<double> alpha{0.25};  ///< one value, or one per class
    double gamma = 2.0;                              ///< the focusing exponent: (1 - p_t)^gamma
    bool from_logits = false;                        ///< y_pred holds logits (no clipping)
    double label_smoothing = 0.0;                    ///< toward 1/2 (binary) or 1/C (categorical)
    profiles::reduction reduction = reduction::mean;  ///< the Loss class's (mean = "sum_over_batch_size")
    std::vector<double> sample_weight{};             ///< one per row; empty: 1
    profiles::dtype dtype = profiles::dtype::float64; ///< y_pred's: the clip bounds are rounded to it
    double epsilon = default_epsilon;                ///< keras.config.epsilon(): the clip bound
};

namespace detail {

using namespace profiles::detail;
using shannon::detail::log_;

/// The clip bounds [epsilon, 1 - epsilon] in y_pred's dtype, and the bounds [1 - hi, 1 - lo] they
/// give to 1 - p (1 - clip(p, lo, hi) = clip(1 - p, 1 - hi, 1 - lo), computed without cancellation).
template <class W>
struct clip_bounds {
    W lo, hi, q_lo, q_hi;
    clip_bounds(double epsilon, profiles::dtype d, double one_minus_epsilon)
        : lo(W(in_dtype(epsilon, d))),
          hi(W(in_dtype(one_minus_epsilon, d))),
          q_lo(W(W(1) - hi)),
          q_hi(W(W(1) - lo)) {}
    clip_bounds(double epsilon, profiles::dtype d) : clip_bounds(epsilon, d, 1.0 - epsilon) {}
    [[nodiscard]] W p(const W& x) const { return clip(x, lo, hi); }
    [[nodiscard]] W q(const W& x) const { return clip(x, q_lo, q_hi); }
    /// tf.clip_by_value's gradient at x: 1 on [lo, hi], 0 beyond (common.hpp's clip_slope).
    [[nodiscard]] W slope(const W& x) const { return clip_slope(x, lo, hi); }
};

/// A row's factor of a gradient: the reduction's scale, times the row's sample_weight when given.
template <class W>
[[nodiscard]] W row_scale(const std::vector<double>& sample_weight, std::size_t n, const W& scale) {
    return sample_weight.empty() ? scale : W(W(sample_weight[n]) * scale);
}

/// A probability and its complement: given (1 - p = q exactly), or from a logit (sigmoid(x), sigmoid(-x)).
template <class W>
struct two_sided {
    W p, q;
};

template <class W>
[[nodiscard]] two_sided<W> from_probability(const W& p) {
    return {p, W(W(1) - p)};
}

template <class W>
[[nodiscard]] two_sided<W> from_logit(const W& x) {
    return {shannon::detail::sigmoid(x), shannon::detail::sigmoid(W(-x))};
}

/// y (1 - e) + e / k: Keras' label smoothing (k = 2 for the binary losses, C for the categorical ones).
template <class W>
[[nodiscard]] W smoothed(const W& y, double e, double k) {
    if (e == 0) {
        return y;
    }
    return W(W(y * W(W(1) - W(e))) + W(W(e) / W(k)));
}

inline void check_smoothing(double e, std::string_view function) {
    if (!(e >= 0 && e <= 1)) {
        fail<shannon::invalid_argument>(function, "label_smoothing must lie in [0, 1], not ",
                                        shannon::detail::shown_setting{e});
    }
}

/// The focal losses' settings: label_smoothing in [0, 1], gamma >= 0.
template <class Options>
void check_focal(const Options& o, std::string_view function) {
    check_smoothing(o.label_smoothing, function);
    if (!(o.gamma >= 0)) {
        fail<shannon::invalid_argument>(function, "gamma must be >= 0, not ", shannon::detail::shown_setting{o.gamma});
    }
}


/// categorical_focal_crossentropy's alpha: one number, or one per class.
inline void check_alpha(const std::vector<double>& alpha, std::size_t classes, std::string_view function) {
    if (alpha.size() != 1 && alpha.size() != classes) {
        fail<shannon::invalid_argument>(function, "argument 'alpha' has ", alpha.size(),
                                        " elements: give one, or one per class (", classes, ")");
    }
}

/// binary_focal_crossentropy's class-balancing weight y alpha + (1 - y)(1 - alpha).
template <class W>
[[nodiscard]] W balancing_weight(const W& y, double alpha) {
    return W(W(y * W(alpha)) + W(W(W(1) - y) * W(W(1) - W(alpha))));
}

/// A row of categorical_focal_crossentropy's predictions as probabilities (softmax from logits, else as
/// given) and their sum S (Keras divides by it).
template <class W, class Row>
[[nodiscard]] std::pair<std::vector<W>, W> probabilities_and_sum(const Row& row, bool from_logits) {
    std::vector<W> prob;
    if (from_logits) {
        prob = shannon::detail::softmax_row(shannon::detail::make_softmax_frame(row), row);
    } else {
        prob.assign(std::ranges::begin(row), std::ranges::end(row));
    }
    accumulator<W> total;
    for (const W& x : prob) {
        total.add(x);
    }
    const W sum = total.value();
    return {std::move(prob), sum};
}

/// -(y log clip(p) + (1 - y) log clip(1 - p)): the clipped binary cross-entropy of one element.
template <class W>
[[nodiscard]] W clipped_bce(const W& y, const two_sided<W>& pq, const clip_bounds<W>& b) {
    const W a = log_(b.p(pq.p));
    const W c = log_(b.q(pq.q));
    return W(-W(W(y * a) + W(W(W(1) - y) * c)));
}

/// sample_weight: empty, or one weight per sample.
inline void check_sample_weight(const std::vector<double>& sample_weight, std::size_t samples, std::string_view function) {
    if (!sample_weight.empty() && sample_weight.size() != samples) {
        fail<shannon::invalid_argument>(function, "argument 'sample_weight' has ", sample_weight.size(),
                                        " elements, but there are ", samples, " samples");
    }
}

/// The value of the Loss class: reduction mean ("sum_over_batch_size") divides the weighted sum by
/// the number of rows counted (those not ignored), 0 when none is (Keras' divide_no_nan).
template <class W>
[[nodiscard]] W reduce_rows(const std::vector<W>& l, const std::vector<double>& sample_weight,
                            const std::vector<bool>& counted, profiles::reduction how, std::string_view function) {
    if (how == reduction::none) {
        fail<shannon::invalid_argument>(function,
                                        "reduction None gives one value per sample: call the *_unreduced form");
    }
    if (how == reduction::batchmean) {
        fail<shannon::invalid_argument>(function,
                                        "reduction must be 'sum_over_batch_size' (mean), 'sum' or None, not batchmean");
    }
    check_sample_weight(sample_weight, l.size(), function);
    accumulator<W> acc;
    std::size_t n = 0;
    for (std::size_t i = 0; i < l.size(); ++i) {
        if (!counted.empty() && !counted[i]) {
            continue;
        }
        ++n;
        acc.add(W(weight_at<W>(sample_weight, i) * l[i]));
    }
    if (how == reduction::sum) {
        return acc.value();
    }
    if (n == 0) {
        return W(0);
    }
    return W(acc.value() / W(static_cast<double>(n)));
}

/// Per-row losses (and which rows count toward the mean) -> the unreduced values rounded to T, or
/// the Loss class's value.
template <class T, class Make>
[[nodiscard]] std::vector<T> rows_unreduced(const Make& make) {
    return evaluate_rounded<T>([&] { return make().first; });
}

template <class T, class Make>
[[nodiscard]] T rows_reduced(const Make& make, const std::vector<double>& sample_weight, profiles::reduction how,
                             std::string_view function) {
    return evaluate_rounded<T>([&]() -> working_t<T> {
        const auto [l, counted] = make();
        return reduce_rows(l, sample_weight, counted, how, function);
    });
}

template <class W>
using row_losses = std::pair<std::vector<W>, std::vector<bool>>;

/// The rows of a binary cross-entropy, mean over each row's elements: from logits the exact sigmoid
/// cross-entropy, else term(y', p) of the smoothed label y' and the probability p (two-sided); the
/// frame of keras' and tf_keras2's binary_crossentropy, which differ in that term.
template <class W, class True, class Pred, class Term>
[[nodiscard]] row_losses<W> bce_rows(True&& y_true, Pred&& y_pred, const crossentropy_options& o, std::string_view f,
                                     const Term& term) {
    check_smoothing(o.label_smoothing, f);
    const auto [t, p] = read_rows_pair<W>(std::forward<True>(y_true), std::forward<Pred>(y_pred), f, "y_true", "y_pred");
    const std::size_t c = t.front().size();
    std::vector<W> l;
    l.reserve(t.size());
    for (std::size_t n = 0; n < t.size(); ++n) {
        if (o.from_logits && o.label_smoothing == 0) {  // the row's sum whole (the ball's vector kernel)
            l.push_back(W(shannon::detail::sum_bce_logits(t[n], p[n]) / W(static_cast<double>(c))));
            continue;
        }
        accumulator<W> acc;
        for (std::size_t k = 0; k < c; ++k) {
            const W y = smoothed(t[n][k], o.label_smoothing, 2);
            acc.add(o.from_logits ? shannon::detail::bce_logits(y, p[n][k]) : term(y, from_probability(p[n][k])));
        }
        l.push_back(W(acc.value() / W(static_cast<double>(c))));
    }
    return {std::move(l), {}};
}

template <class W, class True, class Pred>
[[nodiscard]] row_losses<W> binary_crossentropy_rows(True&& y_true, Pred&& y_pred, const crossentropy_options& o) {
    const clip_bounds<W> b(o.epsilon, o.dtype);
    return bce_rows<W>(std::forward<True>(y_true), std::forward<Pred>(y_pred), o, "keras.binary_crossentropy",
                       [&b](const W& y, const two_sided<W>& pq) { return clipped_bce(y, pq, b); });
}

template <class W, class True, class Pred>
[[nodiscard]] row_losses<W> categorical_crossentropy_rows(True&& y_true, Pred&& y_pred, const crossentropy_options& o) {
    constexpr std::string_view f = "keras.categorical_crossentropy";
    check_smoothing(o.label_smoothing, f);
    const auto batch = read_rows_pair<W>(std::forward<True>(y_true), std::forward<Pred>(y_pred), f, "y_true", "y_pred");
    const auto& t = batch.first;  // references, not structured bindings: Clang 14 cannot capture those
    const auto& p = batch.second;
    const clip_bounds<W> b(o.epsilon, o.dtype);
    const auto c = static_cast<double>(t.front().size());
    std::vector<W> l;
    l.reserve(t.size());
    std::vector<W> y;  // one row's smoothed labels, formed once for the terms and the coefficients
    for (std::size_t n = 0; n < t.size(); ++n) {
        y.clear();
        for (std::size_t k = 0; k < std::ranges::size(t[n]); ++k) {
            y.push_back(smoothed(t[n][k], o.label_smoothing, c));
        }
        const auto term = [&](std::size_t k, const W& x) { return shannon::detail::times_or_zero(y[k], x); };
        if (o.from_logits) {
            l.push_back(shannon::detail::sum_neg_log_softmax(shannon::detail::make_softmax_frame(p[n]), p[n], term,
                                                             [&](std::size_t k) { return y[k]; }));
            continue;
        }
        accumulator<W> s;  // the probabilities are renormalized, then clipped
        for (const W& x : p[n]) {
            s.add(x);
        }
        const W sum = s.value();
        accumulator<W> acc;
        for (std::size_t k = 0; k < std::ranges::size(p[n]); ++k) {
            acc.add(term(k, W(-log_(b.p(W(p[n][k] / sum))))));
        }
        l.push_back(acc.value());
    }
    return {std::move(l), {}};
}

/// sparse_categorical_crossentropy's labels, checked against the rows of y_pred: each a class index in
/// [0, C), or nothing where it equals ignore_class.
template <class True, class Rows>
[[nodiscard]] std::vector<std::optional<std::size_t>> sparse_labels(True&& y_true, const Rows& p,
                                                                    const sparse_categorical_crossentropy_options& o,
                                                                    std::string_view f) {
    std::vector<std::int64_t> t;
    for (auto&& y : y_true) {
        t.push_back(static_cast<std::int64_t>(y));
    }
    check_same_length(t, p, f, "y_true", "y_pred");
    const std::size_t c = std::ranges::size(p.front());
    std::vector<std::optional<std::size_t>> out;
    out.reserve(t.size());
    for (std::size_t n = 0; n < t.size(); ++n) {
        if (o.ignore_class && t[n] == *o.ignore_class) {
            out.emplace_back();
            continue;
        }
        if (t[n] < 0 || static_cast<std::size_t>(t[n]) >= c) {
            fail_at<shannon::invalid_argument>(f, "y_true", n, t[n], "a class index must lie in [0, ", c, ")",
                                               o.ignore_class ? " or equal ignore_class" : "");
        }
        out.emplace_back(static_cast<std::size_t>(t[n]));
    }
    return out;
}

template <class W, class True, class Pred>
[[nodiscard]] row_losses<W> sparse_categorical_crossentropy_rows(True&& y_true, Pred&& y_pred,
                                                                 const sparse_categorical_crossentropy_options& o) {
    constexpr std::string_view f = "keras.sparse_categorical_crossentropy";
    const auto p = read_rows<W>(std::forward<Pred>(y_pred), f, "y_pred");
    const auto labels = sparse_labels(std::forward<True>(y_true), p, o, f);
    const clip_bounds<W> b(o.epsilon, o.dtype);
    std::vector<W> l;
    std::vector<bool> counted;
    for (std::size_t n = 0; n < labels.size(); ++n) {
        if (!labels[n]) {
            l.push_back(W(0));
            counted.push_back(false);
            continue;
        }
        const std::size_t y = *labels[n];
        if (o.from_logits) {
            l.push_back(shannon::detail::neg_log_softmax_at(p[n], y));
        } else {
            // softmax(log clip(p))[y] = clip(p)[y] / sum_k clip(p)[k]
            accumulator<W> s;
            for (const W& x : p[n]) {
                s.add(b.p(x));
            }
            l.push_back(W(log_(s.value()) - log_(b.p(p[n][y]))));
        }
        counted.push_back(true);
    }
    if (!o.ignore_class) {
        counted.clear();
    }
    return {std::move(l), std::move(counted)};
}

template <class W, class True, class Pred>
[[nodiscard]] row_losses<W> kl_divergence_rows(True&& y_true, Pred&& y_pred, const kl_divergence_options& o) {
    constexpr std::string_view f = "keras.kl_divergence";
    const auto [t, p] = read_rows_pair<W>(std::forward<True>(y_true), std::forward<Pred>(y_pred), f, "y_true", "y_pred");
    const W lo = W(in_dtype(o.epsilon, o.dtype));
    std::vector<W> l;
    l.reserve(t.size());
    for (std::size_t n = 0; n < t.size(); ++n) {
        accumulator<W> acc;
        for (std::size_t k = 0; k < t[n].size(); ++k) {
            const W y = clip(t[n][k], lo, W(1));
            const W q = clip(p[n][k], lo, W(1));
            acc.add(W(y * W(log_(y) - log_(q))));
        }
        l.push_back(acc.value());
    }
    return {std::move(l), {}};
}

/// huber, log_cosh, poisson: mean_k of the pointwise term of (y_pred, y_true) per row.
template <class W, class True, class Pred>
[[nodiscard]] row_losses<W> regression_rows(True&& y_true, Pred&& y_pred, const regression_options& o) {
    const std::string_view f = o.kind == regression::huber      ? "keras.huber"
                               : o.kind == regression::log_cosh ? "keras.log_cosh"
                                                                : "keras.poisson";
    const auto [t, p] = read_rows_pair<W>(std::forward<True>(y_true), std::forward<Pred>(y_pred), f, "y_true", "y_pred");
    std::vector<W> l;
    l.reserve(t.size());
    for (std::size_t n = 0; n < t.size(); ++n) {
        std::vector<W> terms;
        if (o.kind == regression::poisson) {  // y_pred - y_true log(y_pred + eps): torch's poisson_nll_loss, log_input false
            torch::poisson_nll_loss_options po;
            po.log_input = false;
            po.eps = in_dtype(o.epsilon, o.dtype);
            terms = torch::detail::poisson_nll_loss_terms(p[n], t[n], po);
        } else {
            terms = torch::detail::pointwise_loss_terms(
                o.kind == regression::huber ? torch::pointwise_loss::huber : torch::pointwise_loss::log_cosh, p[n], t[n],
                o.kind == regression::huber ? o.delta : in_dtype(log2_double, o.dtype), f);
        }
        accumulator<W> acc;
        for (const W& v : terms) {
            acc.add(v);
        }
        l.push_back(W(acc.value() / W(static_cast<double>(terms.size()))));
    }
    return {std::move(l), {}};
}

template <class W, class True, class Pred>
[[nodiscard]] row_losses<W> binary_focal_crossentropy_rows(True&& y_true, Pred&& y_pred,
                                                           const binary_focal_crossentropy_options& o) {
    constexpr std::string_view f = "keras.binary_focal_crossentropy";
    check_focal(o, f);
    const auto [t, p] = read_rows_pair<W>(std::forward<True>(y_true), std::forward<Pred>(y_pred), f, "y_true", "y_pred");
    const clip_bounds<W> b(o.epsilon, o.dtype);
    const std::size_t c = t.front().size();
    std::vector<W> l;
    l.reserve(t.size());
    for (std::size_t n = 0; n < t.size(); ++n) {
        accumulator<W> acc;
        for (std::size_t k = 0; k < c; ++k) {
            const W y = smoothed(t[n][k], o.label_smoothing, 2);
            const two_sided<W> pq = o.from_logits ? from_logit(p[n][k]) : from_probability(p[n][k]);
            // 1 - p_t = 1 - (y p + (1 - y)(1 - p)) = y (1 - p) + (1 - y) p, from the unclipped p
            const W base = W(W(y * pq.q) + W(W(W(1) - y) * pq.p));
            W term = W(power(base, o.gamma) * clipped_bce(y, pq, b));
            if (o.apply_class_balancing) {
                term = W(term * balancing_weight(y, o.alpha));
            }
            acc.add(term);
        }
        l.push_back(W(acc.value() / W(static_cast<double>(c))));
    }
    return {std::move(l), {}};
}

template <class W, class True, class Pred>
[[nodiscard]] row_losses<W> categorical_focal_crossentropy_rows(True&& y_true, Pred&& y_pred,
                                                                const categorical_focal_crossentropy_options& o) {
    constexpr std::string_view f = "keras.categorical_focal_crossentropy";
    check_focal(o, f);
    const auto [t, p] = read_rows_pair<W>(std::forward<True>(y_true), std::forward<Pred>(y_pred), f, "y_true", "y_pred");
    const std::size_t c = t.front().size();
    check_alpha(o.alpha, c, f);
    const clip_bounds<W> b(o.epsilon, o.dtype);
    std::vector<W> l;
    l.reserve(t.size());
    for (std::size_t n = 0; n < t.size(); ++n) {
        const auto [prob, sum] = probabilities_and_sum<W>(p[n], o.from_logits);
        accumulator<W> acc;
        for (std::size_t k = 0; k < c; ++k) {
            const W out = b.p(W(prob[k] / sum));
            const W one_minus = b.q(W(W(sum - prob[k]) / sum));  // 1 - clip(p / S) = clip((S - p) / S, ...)
            const W y = smoothed(t[n][k], o.label_smoothing, static_cast<double>(c));
            const W alpha = W(o.alpha.size() == 1 ? o.alpha[0] : o.alpha[k]);
            acc.add(W(W(alpha * power(one_minus, o.gamma)) * W(-W(y * log_(out)))));
        }
        l.push_back(acc.value());
    }
    return {std::move(l), {}};
}

}  // namespace detail

// Each loss: X_unreduced(y_true, y_pred, o) = keras.losses.X(y_true, y_pred, ...) (one value per row);
// X(y_true, y_pred, o) = keras.losses.X-class(reduction=o.reduction)(y_true, y_pred, sample_weight).
#define SHANNON_KERAS_LOSS(prefix, name, True, options)                                                                  \
    template <True Y, row_range P>                                                                                 \
    [[nodiscard]] auto name##_unreduced(Y&& y_true, P&& y_pred, const options& o = {}) {                           \
        using T = detail::rows_t<P>;                                                                               \
        return detail::rows_unreduced<T>(                                                                          \
            [&] { return detail::name##_rows<working_t<T>>(std::forward<Y>(y_true), std::forward<P>(y_pred), o); }); \
    }                                                                                                              \
    template <True Y, row_range P>                                                                                 \
    [[nodiscard]] auto name(Y&& y_true, P&& y_pred, const options& o = {}) {                                       \
        using T = detail::rows_t<P>;                                                                               \
        return detail::rows_reduced<T>(                                                                            \
            [&] { return detail::name##_rows<working_t<T>>(std::forward<Y>(y_true), std::forward<P>(y_pred), o); }, \
            o.sample_weight, o.reduction, prefix #name);                                                               \
    }

/// keras.losses.binary_crossentropy(y_true, y_pred, from_logits, label_smoothing), axis -1:
/// l_n = mean_k -(y' log clip(p) + (1 - y') log(1 - clip(p))), y' = y (1 - s) + s / 2, clip to
/// [eps, 1 - eps] in y_pred's dtype; from_logits: mean_k y' softplus(-x) + (1 - y') softplus(x).
/// Source: keras/src/losses/losses.py binary_crossentropy; keras/src/backend/tensorflow/nn.py binary_crossentropy.
SHANNON_KERAS_LOSS("keras.", binary_crossentropy, row_range, crossentropy_options)

namespace detail {
/// The rows of a cross-entropy gradient: label smoothing checked, y_true and y_pred read as rows of one
/// shape, and sample_weight's length checked against the rows.
template <class W, class Y, class P, class O>
[[nodiscard]] auto gradient_rows(Y&& y_true, P&& y_pred, const O& o, std::string_view f) {
    if constexpr (requires { o.label_smoothing; }) {
        check_smoothing(o.label_smoothing, f);
    }
    auto rows = read_rows_pair<W>(std::forward<Y>(y_true), std::forward<P>(y_pred), f, "y_true", "y_pred");
    check_sample_weight(o.sample_weight, rows.first.size(), f);
    return rows;
}

/// The scale of a gradient of the per-sample losses: 1 (reduction None or "sum"), or 1 / the number of
/// samples counted for "sum_over_batch_size" (0 when none is: Keras' divide_no_nan), times 1 / `per_row`
/// (a mean over the last axis' length).
template <class W>
[[nodiscard]] W gradient_scale(profiles::reduction how, std::size_t counted, double per_row = 1) {
    const double d = per_row * (how == reduction::mean ? static_cast<double>(counted) : 1.0);  // exact integers
    return d == 0 ? W(0) : W(W(1) / W(d));
}

/// A gradient with one value per element of the rows: term(n, k) (d loss_n / d y_pred[n][k] before the
/// scale) times the row's scale (gradient_scale over `per_row`, times sample_weight[n] when given); or
/// term(n, k, scale) where the term applies the row's scale itself (where the order of IEEE products
/// matters: 0 * inf).
template <class W, class Rows, class O, class Term>
[[nodiscard]] std::vector<W> per_element_gradient(const Rows& rows, const O& o, double per_row, const Term& term) {
    const std::size_t c = std::ranges::size(rows.front());
    const W scale = gradient_scale<W>(o.reduction, rows.size(), per_row);
    std::vector<W> g;
    g.reserve(rows.size() * c);
    for (std::size_t n = 0; n < rows.size(); ++n) {
        const W rs = row_scale(o.sample_weight, n, scale);
        for (std::size_t k = 0; k < c; ++k) {
            if constexpr (std::is_invocable_v<const Term&, std::size_t, std::size_t, const W&>) {
                g.push_back(term(n, k, rs));
            } else {
                g.push_back(W(term(n, k) * rs));
            }
        }
    }
    return g;
}

/// The gradient of a binary cross-entropy over rows (binary_crossentropy's and tf.keras 2's), per element
/// over the row's C elements: from logits (sigmoid(x) - y') / C; from probabilities prob(y', p) / C where
/// the clip passes p (tf.clip_by_value's gradient: 1 on [eps, 1 - eps], ends included), 0 beyond.
template <class W, class Y, class P, class Prob>
[[nodiscard]] std::vector<W> bce_gradient(Y&& y_true, P&& y_pred, const crossentropy_options& o, std::string_view f,
                                          const clip_bounds<W>& b, const Prob& prob) {
    const auto rows = gradient_rows<W>(std::forward<Y>(y_true), std::forward<P>(y_pred), o, f);
    const auto& t = rows.first;  // named, not a structured binding: Clang 14 cannot capture one in a lambda
    const auto& p = rows.second;
    return per_element_gradient<W>(p, o, static_cast<double>(p.front().size()), [&](std::size_t n, std::size_t k) {
        const W y = smoothed(t[n][k], o.label_smoothing, 2);
        const W& x = p[n][k];
        if (shannon::detail::has_nan(x)) {
            return shannon::detail::quiet_nan<W>();
        }
        if (o.from_logits) {
            return W(shannon::detail::sigmoid(x) - y);
        }
        return sloped(b.slope(x), [&] { return prob(y, x); });
    });
}
}  // namespace detail

/// d / d y_pred of binary_crossentropy as tf.GradientTape takes it, one value per element of y_pred: of
/// the sum of the per-sample losses (reduction None or "sum"; times sample_weight when given), or of their
/// mean (reduction "sum_over_batch_size": / N). Per element, over the row's C elements: from logits
/// (sigmoid(x) - y') / C (tf.nn.sigmoid_cross_entropy_with_logits' derivative); from probabilities
/// (p - y') / (p (1 - p)) / C where eps <= p <= 1 - eps (the bounds in y_pred's dtype) and 0 outside:
/// tf.clip_by_value passes the gradient on its bounds and stops it beyond them.
template <row_range Y, row_range P>
[[nodiscard]] auto binary_crossentropy_grad(Y&& y_true, P&& y_pred, const crossentropy_options& o = {}) {
    using T = detail::rows_t<P>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const detail::clip_bounds<W> b(o.epsilon, o.dtype);
        return detail::bce_gradient<W>(std::forward<Y>(y_true), std::forward<P>(y_pred), o, "keras.binary_crossentropy", b,
                                       [](const W& y, const W& x) { return W(W(x - y) / W(x * W(W(1) - x))); });
    });
}

/// d / d y_pred of categorical_crossentropy as tf.GradientTape takes it, one value per element of y_pred
/// (the sum of the per-sample losses, weighted by sample_weight; / N for "sum_over_batch_size"), with
/// y' = y (1 - s) + s / C: from logits softmax(x) sum_k y'_k - y' (tf.nn.softmax_cross_entropy_with_logits);
/// from probabilities, o = p / sum p and c = clip(o, eps, 1 - eps): g_k = -y'_k / c_k where the clip passes
/// (eps <= o_k <= 1 - eps, its bounds in y_pred's dtype), else 0, and d / d p_j = (g_j - sum_k g_k o_k) / sum p.
/// A row with a non-finite entry gives NaN.
template <row_range Y, row_range P>
[[nodiscard]] auto categorical_crossentropy_grad(Y&& y_true, P&& y_pred, const crossentropy_options& o = {}) {
    using T = detail::rows_t<P>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        constexpr std::string_view f = "keras.categorical_crossentropy";
        const auto [t, p] = detail::gradient_rows<W>(std::forward<Y>(y_true), std::forward<P>(y_pred), o, f);
        const detail::clip_bounds<W> b(o.epsilon, o.dtype);
        const std::size_t c = t.front().size();
        const W scale = detail::gradient_scale<W>(o.reduction, t.size());
        std::vector<W> g;
        g.reserve(t.size() * c);
        std::vector<W> y(c);
        std::vector<W> share(c);  // p / sum p
        for (std::size_t n = 0; n < t.size(); ++n) {
            const W rs = detail::row_scale(o.sample_weight, n, scale);
            bool finite = true;
            for (std::size_t k = 0; k < c; ++k) {
                y[k] = detail::smoothed(t[n][k], o.label_smoothing, static_cast<double>(c));
                finite = finite && shannon::detail::isfinite_(shannon::detail::representative(p[n][k]));
            }
            if (!finite) {
                g.insert(g.end(), c, shannon::detail::quiet_nan<W>());
                continue;
            }
            if (o.from_logits) {  // softmax(x) sum_k y'_k - y'
                const std::vector<W> sm = shannon::detail::softmax_row(shannon::detail::make_softmax_frame(p[n]), p[n]);
                detail::accumulator<W> ys;
                for (std::size_t k = 0; k < c; ++k) {
                    ys.add(y[k]);
                }
                const W sum_y = ys.value();
                for (std::size_t k = 0; k < c; ++k) {
                    g.push_back(W(W(W(sm[k] * sum_y) - y[k]) * rs));
                }
                continue;
            }
            detail::accumulator<W> total;
            for (std::size_t k = 0; k < c; ++k) {
                total.add(p[n][k]);
            }
            const W s = total.value();
            for (std::size_t k = 0; k < c; ++k) {
                share[k] = W(p[n][k] / s);
            }
            std::vector<W> gk(c);
            detail::accumulator<W> dot;
            for (std::size_t k = 0; k < c; ++k) {
                gk[k] = detail::sloped(b.slope(share[k]), [&] { return W(W(-y[k]) / share[k]); });
                dot.add(W(gk[k] * share[k]));
            }
            const W d = dot.value();
            for (std::size_t k = 0; k < c; ++k) {
                g.push_back(W(W(W(gk[k] - d) / s) * rs));
            }
        }
        return g;
    });
}

/// d / d y_pred of sparse_categorical_crossentropy as tf.GradientTape takes it, one value per element of
/// y_pred (the per-sample losses summed, weighted by sample_weight; / the number of samples counted for
/// "sum_over_batch_size"): from logits softmax(x)_k - [k = y]; from probabilities, of log S - log c_y with
/// c = clip(p, eps, 1 - eps) and S = sum_k c_k: slope_k (1 / S - [k = y] / c_y), slope the clip's gradient
/// (1 on [eps, 1 - eps], ends included; 0 beyond); 0 for a sample whose label is ignore_class.
template <class Y, row_range P>
[[nodiscard]] auto sparse_categorical_crossentropy_grad(Y&& y_true, P&& y_pred,
                                                        const sparse_categorical_crossentropy_options& o = {}) {
    using T = detail::rows_t<P>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        constexpr std::string_view f = "keras.sparse_categorical_crossentropy";
        const auto p = detail::read_rows<W>(std::forward<P>(y_pred), f, "y_pred");
        const auto labels = detail::sparse_labels(std::forward<Y>(y_true), p, o, f);
        detail::check_sample_weight(o.sample_weight, labels.size(), f);
        const detail::clip_bounds<W> b(o.epsilon, o.dtype);
        const std::size_t c = std::ranges::size(p.front());
        const auto counted = static_cast<std::size_t>(std::ranges::count_if(labels, [](const auto& y) { return y.has_value(); }));
        const W scale = detail::gradient_scale<W>(o.reduction, counted);
        std::vector<W> g;
        g.reserve(labels.size() * c);
        for (std::size_t n = 0; n < labels.size(); ++n) {
            if (!labels[n]) {
                g.insert(g.end(), c, W(0));
                continue;
            }
            const std::size_t y = *labels[n];
            const W rs = detail::row_scale(o.sample_weight, n, scale);
            if (o.from_logits) {
                const std::vector<W> sm = shannon::detail::softmax_row(shannon::detail::make_softmax_frame(p[n]), p[n]);
                for (std::size_t k = 0; k < c; ++k) {
                    g.push_back(W(W(k == y ? W(sm[k] - W(1)) : sm[k]) * rs));
                }
                continue;
            }
            detail::accumulator<W> total;
            for (std::size_t k = 0; k < c; ++k) {
                total.add(b.p(p[n][k]));
            }
            const W inv_s = W(W(1) / total.value());
            const W cy = b.p(p[n][y]);
            for (std::size_t k = 0; k < c; ++k) {
                const W d = detail::sloped(b.slope(p[n][k]), [&] { return k == y ? W(inv_s - W(W(1) / cy)) : inv_s; });
                g.push_back(W(d * rs));
            }
        }
        return g;
    });
}

/// d / d y_pred of kl_divergence as tf.GradientTape takes it, one value per element of y_pred (the
/// per-sample losses summed, weighted by sample_weight; / N for "sum_over_batch_size"): of sum_k y'_k
/// log(y'_k / p'_k), y' = clip(y_true, eps, 1), p' = clip(y_pred, eps, 1): -y'_k / p'_k where the clip
/// passes p (eps <= p_k <= 1, ends included), 0 beyond.
template <row_range Y, row_range P>
[[nodiscard]] auto kl_divergence_grad(Y&& y_true, P&& y_pred, const kl_divergence_options& o = {}) {
    using T = detail::rows_t<P>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        constexpr std::string_view f = "keras.kl_divergence";
        const auto rows = detail::gradient_rows<W>(std::forward<Y>(y_true), std::forward<P>(y_pred), o, f);
        const auto& t = rows.first;  // named, not a structured binding: Clang 14 cannot capture one in a lambda
        const auto& p = rows.second;
        const detail::clip_bounds<W> b(o.epsilon, o.dtype, 1.0);
        return detail::per_element_gradient<W>(p, o, 1.0, [&](std::size_t n, std::size_t k) {
            const W& x = p[n][k];
            if (shannon::detail::has_nan(x) || shannon::detail::has_nan(t[n][k])) {
                return shannon::detail::quiet_nan<W>();
            }
            return detail::sloped(b.slope(x), [&] { return W(W(-b.p(t[n][k])) / b.p(x)); });
        });
    });
}

/// d / d y_pred of poisson as tf.GradientTape takes it, one value per element of y_pred (the per-sample
/// losses summed, weighted by sample_weight; / N for "sum_over_batch_size"): the derivative of PyTorch's
/// poisson_nll_loss term with log_input false, 1 - y_true / (y_pred + eps) (eps in y_pred's dtype), over
/// the last axis' length C. Only o.kind == regression::poisson.
template <row_range Y, row_range P>
[[nodiscard]] auto poisson_grad(Y&& y_true, P&& y_pred, const regression_options& o = {}) {
    using T = detail::rows_t<P>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        constexpr std::string_view f = "keras.poisson";
        const auto rows = detail::gradient_rows<W>(std::forward<Y>(y_true), std::forward<P>(y_pred), o, f);
        const auto& t = rows.first;
        const auto& p = rows.second;
        torch::poisson_nll_loss_options po;
        po.log_input = false;
        po.eps = in_dtype(o.epsilon, o.dtype);
        return detail::per_element_gradient<W>(p, o, static_cast<double>(p.front().size()), [&](std::size_t n, std::size_t k) {
            return torch::detail::poisson_nll_derivative(p[n][k], t[n][k], po);
        });
    });
}

/// keras.losses.categorical_crossentropy(y_true, y_pred, from_logits, label_smoothing), axis -1:
/// l_n = -sum_k y'_k log clip(p_k / sum_j p_j), y' = y (1 - s) + s / C; from_logits: -sum_k y'_k log softmax(x)_k.
/// Source: keras/src/losses/losses.py; keras/src/backend/tensorflow/nn.py categorical_crossentropy.
SHANNON_KERAS_LOSS("keras.", categorical_crossentropy, row_range, crossentropy_options)

/// keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits, ignore_class), axis -1:
/// l_n = log sum_k clip(p_k) - log clip(p_{y_n}) (clip, then renormalize); from_logits: -log softmax(x)_{y_n};
/// 0 where y_n = ignore_class, and those rows do not count toward the mean.
/// Source: keras/src/losses/losses.py; keras/src/backend/tensorflow/nn.py sparse_categorical_crossentropy;
/// keras/src/losses/loss.py (apply_mask).
SHANNON_KERAS_LOSS("keras.", sparse_categorical_crossentropy, index_range, sparse_categorical_crossentropy_options)

/// keras.losses.kl_divergence(y_true, y_pred), axis -1: l_n = sum_k y' log(y' / p'), y' = clip(y, eps, 1),
/// p' = clip(p, eps, 1). Source: keras/src/losses/losses.py kl_divergence.
SHANNON_KERAS_LOSS("keras.", kl_divergence, row_range, kl_divergence_options)

/// keras.losses.binary_focal_crossentropy(y_true, y_pred, apply_class_balancing, alpha, gamma, from_logits,
/// label_smoothing), axis -1: l_n = mean_k w (1 - p_t)^gamma bce(y', p), p_t = y' p + (1 - y')(1 - p) with the
/// unclipped p (sigmoid(x) from logits), bce the clipped binary cross-entropy, w = y' alpha + (1 - y')(1 - alpha)
/// with class balancing (else 1). Source: keras/src/losses/losses.py binary_focal_crossentropy.
SHANNON_KERAS_LOSS("keras.", binary_focal_crossentropy, row_range, binary_focal_crossentropy_options)

/// keras.losses.categorical_focal_crossentropy(y_true, y_pred, alpha, gamma, from_logits, label_smoothing),
/// axis -1: l_n = sum_k alpha_k (1 - o_k)^gamma (-y'_k log o_k), o = clip(p / sum p) (p = softmax(x) from
/// logits), y' = y (1 - s) + s / C. Source: keras/src/losses/losses.py categorical_focal_crossentropy.
SHANNON_KERAS_LOSS("keras.", categorical_focal_crossentropy, row_range, categorical_focal_crossentropy_options)

/// d / d y_pred of binary_focal_crossentropy as tf.GradientTape takes it, one value per element of y_pred
/// (the per-sample losses summed, weighted by sample_weight; / N for "sum_over_batch_size"). Per element,
/// over the row's C elements, with b = 1 - p_t = y' (1 - p) + (1 - y') p from the unclipped p (sigmoid(x)
/// from logits), c = clip(p, eps, 1 - eps) and w the class-balancing weight (else 1):
/// w [gamma b^(gamma - 1) (1 - 2 y') bce + b^gamma s (c - y') / (c (1 - c))] / C, s the clip's gradient (1 on
/// [eps, 1 - eps], ends included; 0 beyond), times sigmoid(x) sigmoid(-x) from logits. At b = 0 the factor
/// gamma b^(gamma - 1) is tf.pow's gradient as TF forms it (upstream * gamma * pow(b, gamma - 1)): 0 for
/// gamma > 1, 1 for gamma = 1, an infinity of the upstream's sign for 0 < gamma < 1 (NaN where the upstream
/// is 0), NaN for gamma = 0. A NaN or infinite probability gives NaN.
template <row_range Y, row_range P>
[[nodiscard]] auto binary_focal_crossentropy_grad(Y&& y_true, P&& y_pred, const binary_focal_crossentropy_options& o = {}) {
    using T = detail::rows_t<P>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        constexpr std::string_view f = "keras.binary_focal_crossentropy";
        detail::check_focal(o, f);
        const auto rows = detail::gradient_rows<W>(std::forward<Y>(y_true), std::forward<P>(y_pred), o, f);
        const auto& t = rows.first;  // named, not a structured binding: Clang 14 cannot capture one in a lambda
        const auto& p = rows.second;
        const detail::clip_bounds<W> b(o.epsilon, o.dtype);
        return detail::per_element_gradient<W>(
            p, o, static_cast<double>(p.front().size()), [&](std::size_t n, std::size_t k, const W& rs) {
                const W y = detail::smoothed(t[n][k], o.label_smoothing, 2);
                const W& x = p[n][k];
                if (shannon::detail::has_nan(x) || shannon::detail::has_nan(y) ||
                    (!o.from_logits && !shannon::detail::isfinite_(shannon::detail::representative(x)))) {
                    return shannon::detail::quiet_nan<W>();
                }
                const detail::two_sided<W> pq = o.from_logits ? detail::from_logit(x) : detail::from_probability(x);
                const W base = W(W(y * pq.q) + W(W(W(1) - y) * pq.p));
                W up = rs;  // the upstream gradient of the focal term: the row's scale times the class weight
                if (o.apply_class_balancing) {
                    up = W(up * detail::balancing_weight(y, o.alpha));
                }
                // through the focal factor: TF's (upstream * bce) * gamma * pow(b, gamma - 1), then d b / d p = 1 - 2 y'
                const W slope = detail::power_slope(base, o.gamma);
                if (shannon::detail::has_nan(slope)) {  // gamma = 0 at b = 0: upstream * 0 * inf
                    return shannon::detail::quiet_nan<W>();
                }
                const W focal = detail::ieee_times(W(up * detail::clipped_bce(y, pq, b)), slope);
                W d = detail::ieee_times(W(W(1) - W(W(2) * y)), focal);
                // through the clipped cross-entropy (the clip's gradient is 0 beyond its bounds)
                d = W(d + W(detail::power(base, o.gamma) * detail::sloped(b.slope(pq.p), [&] {
                              const W c = b.p(pq.p);
                              return W(W(W(c - y) / W(c * b.q(pq.q))) * up);
                          })));
                return o.from_logits ? detail::ieee_times(W(pq.p * pq.q), d) : d;
            });
    });
}

/// d / d y_pred of categorical_focal_crossentropy as tf.GradientTape takes it, one value per element of
/// y_pred (the per-sample losses summed, weighted by sample_weight; / N for "sum_over_batch_size"). Per row,
/// with S = sum p (p = softmax(x) from logits), o = p / S, c = clip(o, eps, 1 - eps) and m = 1 - c >= eps:
/// g_k = s_k alpha_k y'_k (gamma m_k^(gamma - 1) log c_k - m_k^gamma / c_k), s_k the clip's gradient (1 on
/// its bounds, 0 beyond); d / d p_j = (g_j - sum_k g_k o_k) / S, and from logits d / d x_j = p_j (that)
/// (the softmax's Jacobian: the weighted sum it subtracts is exactly 0). A row with a non-finite entry
/// gives NaN.
template <row_range Y, row_range P>
[[nodiscard]] auto categorical_focal_crossentropy_grad(Y&& y_true, P&& y_pred,
                                                       const categorical_focal_crossentropy_options& o = {}) {
    using T = detail::rows_t<P>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        constexpr std::string_view f = "keras.categorical_focal_crossentropy";
        detail::check_focal(o, f);
        const auto [t, p] = detail::gradient_rows<W>(std::forward<Y>(y_true), std::forward<P>(y_pred), o, f);
        const std::size_t c = t.front().size();
        detail::check_alpha(o.alpha, c, f);
        const detail::clip_bounds<W> b(o.epsilon, o.dtype);
        const W scale = detail::gradient_scale<W>(o.reduction, t.size());
        std::vector<W> g;
        g.reserve(t.size() * c);
        std::vector<W> share(c);
        std::vector<W> gk(c);
        for (std::size_t n = 0; n < t.size(); ++n) {
            const W rs = detail::row_scale(o.sample_weight, n, scale);
            bool finite = true;
            for (std::size_t k = 0; k < c; ++k) {
                finite = finite && shannon::detail::isfinite_(shannon::detail::representative(p[n][k]));
            }
            if (!finite) {
                g.insert(g.end(), c, shannon::detail::quiet_nan<W>());
                continue;
            }
            const auto row = detail::probabilities_and_sum<W>(p[n], o.from_logits);
            const std::vector<W>& prob = row.first;  // named, not a structured binding: captured below (Clang 14)
            const W& s = row.second;
            detail::accumulator<W> dot;
            for (std::size_t k = 0; k < c; ++k) {
                share[k] = W(prob[k] / s);
                const W y = detail::smoothed(t[n][k], o.label_smoothing, static_cast<double>(c));
                const W alpha = W(o.alpha.size() == 1 ? o.alpha[0] : o.alpha[k]);
                gk[k] = detail::sloped(b.slope(share[k]), [&] {
                    const W ck = b.p(share[k]);
                    const W m = b.q(W(W(s - prob[k]) / s));  // 1 - clip(o) = clip((S - p) / S, ...)
                    const W inner = W(W(detail::power_slope(m, o.gamma) * detail::log_(ck)) - W(detail::power(m, o.gamma) / ck));
                    return W(W(alpha * y) * inner);
                });
                dot.add(W(gk[k] * share[k]));
            }
            const W d = dot.value();
            for (std::size_t k = 0; k < c; ++k) {
                const W dp = W(W(gk[k] - d) / s);
                g.push_back(W(W(o.from_logits ? W(prob[k] * dp) : dp) * rs));
            }
        }
        return g;
    });
}

/// keras.losses.huber / log_cosh / poisson by o.kind, axis -1: l_n = mean_k of Huber's 0.5 d^2 (|d| <=
/// delta) else delta |d| - 0.5 delta^2; of log_cosh's d + softplus(-2 d) - log 2 (log 2 in y_pred's dtype);
/// of poisson's y_pred - y_true log(y_pred + epsilon); d = y_pred - y_true. Source: keras/src/losses/losses.py.
SHANNON_KERAS_LOSS("keras.", regression, row_range, regression_options)

}  // namespace shannon::profiles::keras

#undef SHANNON_KERAS_LOSS

SHANNON_FP_CONTRACT_RESTORE
