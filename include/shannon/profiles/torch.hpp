// shannon/profiles/torch.hpp — PyTorch's loss functions (torch.nn.functional), exactly.
//
// The formulas are those of the PyTorch documentation (https://pytorch.org/docs/stable/nn.functional.html
// and the loss modules' pages, torch.nn.CrossEntropyLoss etc.) with the conventions of ATen's
// implementation (aten/src/ATen/native/LossNLL.cpp, Loss.cpp): the log clamp at -100 of
// binary_cross_entropy, the weighted mean's divisor sum_n w[y_n] (ignored samples excluded), the
// label-smoothing mixture with the same divisor, eps clamps taken in the tensor's dtype. Names and
// defaults are PyTorch's (input, target, weight, ignore_index = -100, reduction = "mean", ...).
//
// Shapes: functions over a class dimension take an N x C batch as a range of rows (N = 1 for a
// single (C,) input); elementwise functions take flat ranges of equal length, with weight (and
// pos_weight, var) already broadcast to the input's shape by the caller.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <numbers>
#include <utility>
#include <vector>

#include "common.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::profiles::torch {

using profiles::reduction;

/// cross_entropy (and cross_entropy_grad).
struct cross_entropy_options {
    std::vector<double> weight{};  ///< per class (C), empty: 1
    std::int64_t ignore_index = -100;  ///< samples with this target count 0 and leave the mean's divisor
    /// mean divides by the sum of the targets' weights (class indices) or by N (probabilities)
    profiles::reduction reduction = reduction::mean;
    double label_smoothing = 0.0;  ///< mixes the target with the uniform distribution: (1 - s) y + s / C
    /// The input rows are log-probabilities (log_softmax's output as a framework stored it, e.g. rounded
    /// to a half-precision dtype), not logits: the loss takes them as they are (nll_loss's terms, with
    /// label smoothing and probability targets as cross_entropy's). No gradient.
    bool log_probabilities = false;
};

namespace detail {

using namespace profiles::detail;

/// binary_cross_entropy's domain: every input in [0, 1] (ATen's check and message).
template <class X>
void check_probabilities(const X& x, std::string_view function) {
    for (std::size_t i = 0; i < std::ranges::size(x); ++i) {
        if (shannon::detail::has_nan(x[i]) || shannon::detail::lower_of(x[i]) < 0 || shannon::detail::upper_of(x[i]) > 1) {
            fail_at<shannon::domain_error>(function, "input", i, x[i], "all elements of input should be between 0 and 1");
        }
    }
}

/// The class indices of a target range as int64, read once into reserved memory.
template <class Targets>
[[nodiscard]] std::vector<std::int64_t> class_indices(Targets&& target) {
    if constexpr (std::is_same_v<Targets, std::vector<std::int64_t>>) {  // an rvalue: taken, not copied
        return std::move(target);
    } else {
        std::vector<std::int64_t> t;
        if constexpr (std::ranges::sized_range<Targets>) {
            t.reserve(std::ranges::size(target));
        }
        for (auto&& y : target) {
            t.push_back(static_cast<std::int64_t>(y));
        }
        return t;
    }
}

/// What the loss of one row with a class index needs besides the row: l = keep w_y nl_y + share sum_k w_k nl_k
/// (label smoothing e: keep = 1 - e, share = e / C; weight_sum = sum_k w_k).
template <class W>
struct index_loss_terms {
    const cross_entropy_options& o;
    W keep;
    W share;
    W weight_sum;
    bool logits;

    index_loss_terms(const cross_entropy_options& opts, std::size_t c, bool from_logits)
        : o(opts), keep(W(1) - W(opts.label_smoothing)), share(W(opts.label_smoothing) / W(static_cast<double>(c))),
          weight_sum(W(static_cast<double>(c))), logits(from_logits) {
        if (!o.weight.empty()) {
            accumulator<W> ws;
            for (const double w : o.weight) {
                ws.add(W(w));
            }
            weight_sum = ws.value();
        }
    }

    /// The loss of row z with target y (checked) and weight wy = w[y].
    template <class Z>
    [[nodiscard]] W operator()(const Z& z, std::size_t y, const W& wy) const {
        if (o.label_smoothing == 0) {  // one element of -log softmax, not the whole row's
            return W(wy * (logits ? shannon::detail::neg_log_softmax_at(z, y) : W(-z[y])));
        }
        // sum_k w_k nl_k, without forming the row of nl (shannon::detail::sum_neg_log_softmax)
        const shannon::detail::binary64_weights weighted{o.weight};
        if (logits) {
            const auto frame = shannon::detail::make_softmax_frame(z);
            const W smooth = shannon::detail::sum_neg_log_softmax(frame, z, weighted, weight_sum);
            const W nl_y = shannon::detail::neg_log_softmax_element(frame, z, y);
            return W(W(keep * W(wy * nl_y)) + W(share * smooth));
        }
        accumulator<W> smooth;
        for (std::size_t k = 0; k < std::ranges::size(z); ++k) {
            smooth.add(weighted(k, W(-z[k])));
        }
        return W(W(keep * W(wy * W(-z[y]))) + W(share * smooth.value()));
    }
};

/// A batch's class-index targets read and checked once against its rows (the forward's checks and
/// messages), with the number of samples of each class: the weighted mean's divisor sum_n w[y_n] is
/// sum_k count_k w_k (class_divisor), one product per class and no operation per sample (the counts
/// are exact). A gradient computed in blocks keeps only the counts (checked_batch, made once by
/// cross_entropy_grad_of::for_blocks).
struct class_targets {
    std::vector<std::int64_t> index;  ///< the targets as int64
    std::vector<std::size_t> count;   ///< the samples of each class, ignored ones not counted (one total without weights)
};

template <class Rows, class Targets>
[[nodiscard]] class_targets read_class_targets(const Rows& rows, Targets&& target, const cross_entropy_options& o,
                                               std::string_view function) {
    const std::size_t c = rows.front().size();
    class_targets ct{class_indices(std::forward<Targets>(target)), std::vector<std::size_t>(o.weight.empty() ? 1 : c, 0)};
    check_same_length(ct.index, rows, function, "target", "input");
    detail::check_class_weights(o.weight, c, function);
    if (o.label_smoothing < 0 || o.label_smoothing > 1) {
        fail<shannon::invalid_argument>(function, "label_smoothing must lie in [0, 1], not ",
                                        shannon::detail::shown_setting{o.label_smoothing});
    }
    for (std::size_t n = 0; n < ct.index.size(); ++n) {
        const std::int64_t y = ct.index[n];
        if (y == o.ignore_index) {
            continue;
        }
        if (y < 0 || static_cast<std::size_t>(y) >= c) {
            fail_at<shannon::invalid_argument>(function, "target", n, y, "a class index must lie in [0, ", c,
                                               ") or equal ignore_index (", o.ignore_index, ")");
        }
        ++ct.count[o.weight.empty() ? 0 : static_cast<std::size_t>(y)];
    }
    return ct;
}

/// The divisor of the mean: sum_k count_k w_k (the number of samples not ignored without weights).
template <class W>
[[nodiscard]] W class_divisor(const std::vector<std::size_t>& count, const cross_entropy_options& o) {
    if (o.weight.empty()) {
        return W(static_cast<double>(count[0]));
    }
    accumulator<W> divisor;
    for (std::size_t k = 0; k < count.size(); ++k) {
        if (count[k] != 0) {
            divisor.add(W(W(static_cast<double>(count[k])) * W(o.weight[k])));
        }
    }
    return divisor.value();
}

/// What a batch's checks found, for the blocks of its gradient (cross_entropy_grad_of::for_blocks):
/// the number of rows (the mean's divisor with probability targets) and, with class indices, the
/// samples of each class (class_targets' counts).
struct checked_batch {
    std::size_t rows = 0;
    std::vector<std::size_t> count;
};

/// Per-sample losses and the divisor of the mean of cross_entropy / nll_loss with class indices
/// (checked targets: read_class_targets); `logits`: rows of logits (cross_entropy), else of
/// log-probabilities (nll_loss).
template <class W, class Rows>
[[nodiscard]] std::pair<std::vector<W>, W> index_losses(const Rows& rows, const class_targets& ct,
                                                        const cross_entropy_options& o, bool logits) {
    const index_loss_terms<W> loss(o, rows.front().size(), logits);
    std::vector<W> l;
    l.reserve(rows.size());
    for (std::size_t n = 0; n < rows.size(); ++n) {
        if (ct.index[n] == o.ignore_index) {
            l.push_back(W(0));
            continue;
        }
        const auto y = static_cast<std::size_t>(ct.index[n]);
        l.push_back(loss(rows[n], y, weight_at<W>(o.weight, y)));
    }
    return {std::move(l), class_divisor<W>(ct.count, o)};
}

/// Per-sample losses of cross_entropy with class-probability targets (divisor: N); without
/// `with_losses` the checks only.
template <class Rows, class Targets, class W = shannon::detail::row_value_t<std::ranges::range_value_t<Rows>>>
[[nodiscard]] std::vector<W> probability_losses(const Rows& rows, const Targets& target,
                                                const cross_entropy_options& o, std::string_view function,
                                                bool with_losses = true) {
    const std::size_t c = rows.front().size();
    check_same_length(target, rows, function, "target", "input");
    if (target.front().size() != c) {
        fail<shannon::invalid_argument>(function, "target rows have ", target.front().size(),
                                        " classes, input rows have ", c);
    }
    detail::check_class_weights(o.weight, c, function);
    const W eps = W(o.label_smoothing);
    const W keep = W(W(1) - eps);
    const W share = W(eps / W(static_cast<double>(c)));
    std::vector<W> l;
    if (!with_losses) {  // the checks only (the gradients')
        return l;
    }
    l.reserve(rows.size());
    std::vector<W> y;  // one row's smoothed targets, formed once for the terms and the coefficients
    y.reserve(c);
    for (std::size_t n = 0; n < rows.size(); ++n) {
        y.clear();
        for (std::size_t k = 0; k < c; ++k) {
            y.push_back(o.label_smoothing == 0 ? W(target[n][k]) : W(W(keep * target[n][k]) + share));
        }
        const auto term = [&](std::size_t k, const W& x) {
            return W(weight_at<W>(o.weight, k) * shannon::detail::times_or_zero(y[k], x));
        };
        const auto coef = [&](std::size_t k) { return W(weight_at<W>(o.weight, k) * y[k]); };
        if (o.log_probabilities) {  // -sum_k w_k y'_k z_k, the stored log-probabilities as they are
            accumulator<W> s;
            for (std::size_t k = 0; k < c; ++k) {
                s.add(term(k, W(-rows[n][k])));
            }
            l.push_back(s.value());
            continue;
        }
        l.push_back(shannon::detail::sum_neg_log_softmax(shannon::detail::make_softmax_frame(rows[n]), rows[n], term,
                                                         coef));
    }
    return l;
}

}  // namespace detail

// ---- cross_entropy ----------------------------------------------------------------------------

/// torch.nn.functional.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)
/// with class indices: l_n = w[y_n] (-log softmax(x_n)[y_n]) for y_n != ignore_index (else 0);
/// with label_smoothing e: l_n = (1-e) w[y_n] (-log softmax(x_n)[y_n]) + (e/C) sum_c w[c] (-log softmax(x_n)[c]);
/// mean = sum_n l_n / sum_{n not ignored} w[y_n] (NaN when every sample is ignored).
/// With class probabilities (rows of C): l_n = -sum_c w[c] y'_nc log softmax(x_n)[c], y' = (1-e) y + e/C;
/// mean = sum_n l_n / N. Source: torch.nn.CrossEntropyLoss docs; ATen LossNLL.cpp
/// (cross_entropy_loss_label_smoothing, cross_entropy_loss_prob_target).
template <row_range Input, class Target>
[[nodiscard]] auto cross_entropy_unreduced(Input&& input, Target&& target, const cross_entropy_options& o = {}) {
    using T = detail::rows_t<Input>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        constexpr std::string_view f = "torch.cross_entropy";
        const auto rows = detail::read_rows<W>(std::forward<Input>(input), f, "input");
        if constexpr (index_range<Target>) {
            const auto ct = detail::read_class_targets(rows, std::forward<Target>(target), o, f);
            return detail::index_losses<W>(rows, ct, o, !o.log_probabilities).first;
        } else {
            const auto t = detail::read_rows<W>(std::forward<Target>(target), f, "target");
            return detail::probability_losses(rows, t, o, f);
        }
    });
}

namespace detail {

/// The reduced cross_entropy of rows of logits with checked class-index targets (read_class_targets).
/// sum_n l_n = keep sum_n w_y (m_n - z_n[y]) + share sum_n G_n + sum_n a_(y_n) log1p(S_n), with
/// G_n = sum_k w_k (m_n - z_nk) and a_c = keep w_c + share sum_k w_k: the gaps summed (each
/// sum multiplied once), the rows' log-normalizers grouped by target class and each group's
/// taken by sum_log1p (for the ball: one logarithm of a product per group, not one per row).
/// Groups hold at most 1,024 rows, so the working memory stays small (at most 64 x 1,024
/// balls, 1.5 MB: a large fresh allocation costs more in page faults than the logarithms it
/// saves): one bucket without weights, one per class for up to 64 classes, else (class, S_n)
/// pairs sorted by class per 1,024 rows. Rows with a +inf or no finite logit take their own
/// loss.
template <class W, class Rows>
[[nodiscard]] W index_cross_entropy(const Rows& rows, const class_targets& ct, const cross_entropy_options& o,
                                    std::string_view f) {
    const std::vector<std::int64_t>& t = ct.index;
    const W d = detail::class_divisor<W>(ct.count, o);
    const std::size_t c = rows.front().size();
    const detail::index_loss_terms<W> loss(o, c, true);
    const shannon::detail::binary64_weights weighted{o.weight};
    const bool plain = o.weight.empty() && o.label_smoothing == 0;
    // The sums of rows [from, to) into their own accumulators (the batch's two halves may run on
    // two threads: shannon::detail::in_halves).
    struct partial {
        shannon::detail::accumulator<W> own;          // the rows that take their own loss
        shannon::detail::accumulator<W> target_gaps;  // sum_n w_y (m_n - z_n[y])
        shannon::detail::accumulator<W> all_gaps;     // sum_n G_n
        shannon::detail::accumulator<W> logs;         // sum_n a_(y_n) log1p(S_n)
    };
    std::vector<partial> parts(2);
    const bool sorted = !o.weight.empty() && c > 64;
    const auto rows_from = [&](std::size_t from, std::size_t to, std::size_t part) {
        partial& acc = parts[part];
        constexpr std::size_t group = 1024;
        const auto take = [&](std::size_t cls, std::vector<W>& s) {
            if (!s.empty()) {
                const W sum = shannon::detail::sum_log1p(s);
                acc.logs.add(o.weight.empty() ? sum
                                              : W(W(W(loss.keep * detail::weight_at<W>(o.weight, cls)) +
                                                    W(loss.share * loss.weight_sum)) *
                                                  sum));
                s.clear();
            }
        };
        std::vector<std::vector<W>> buckets(o.weight.empty() || sorted ? 1 : c);
        std::vector<std::pair<std::size_t, W>> pairs;  // (class, S_n) when sorted
        std::vector<W> run;
        const auto take_pairs = [&] {
            std::sort(pairs.begin(), pairs.end(), [](const auto& u, const auto& v) { return u.first < v.first; });
            for (std::size_t i = 0; i < pairs.size();) {
                const std::size_t cls = pairs[i].first;
                for (; i < pairs.size() && pairs[i].first == cls; ++i) {
                    run.push_back(pairs[i].second);
                }
                take(cls, run);
            }
            pairs.clear();
        };
        // The normalizers S_n of up to `group` rows at once (exp_rest_rows: short rows several to
        // a vector), then into their groups; those rows' target gaps w_y (m_n - z_n[y]) as one sum,
        // and with label smoothing their gaps G_n.
        std::vector<std::size_t> which;
        std::vector<std::size_t> maxima;
        std::vector<std::size_t> targets;
        which.reserve(std::min(group, to - from));
        maxima.reserve(std::min(group, to - from));
        targets.reserve(std::min(group, to - from));
        const auto sort_sums = [&] {
            acc.target_gaps.add(shannon::detail::sum_target_gaps_rows_of(rows, which, maxima, targets, weighted));
            if (o.label_smoothing != 0) {
                acc.all_gaps.add(shannon::detail::sum_weighted_gaps_rows_of(rows, which, maxima, weighted));
            }
            std::vector<W> sums = shannon::detail::exp_rest_rows(rows, which, maxima);
            for (std::size_t i = 0; i < which.size(); ++i) {
                const auto y = static_cast<std::size_t>(t[which[i]]);
                if (sorted) {
                    pairs.emplace_back(y, std::move(sums[i]));
                    if (pairs.size() == group) {
                        take_pairs();
                    }
                } else {
                    const std::size_t cls = o.weight.empty() ? 0 : y;
                    buckets[cls].push_back(std::move(sums[i]));
                    if (buckets[cls].size() == group) {
                        take(cls, buckets[cls]);
                    }
                }
            }
            which.clear();
            maxima.clear();
            targets.clear();
        };
        for (std::size_t n = from; n < to; ++n) {
            if (t[n] == o.ignore_index) {
                continue;
            }
            const auto& z = rows[n];
            const auto y = static_cast<std::size_t>(t[n]);
            const std::size_t imax = shannon::detail::argmax(z);
            const W m = z[imax];
            if (shannon::detail::is_pos_inf(shannon::detail::representative(m)) || shannon::detail::is_neg_inf(shannon::detail::upper_of(m))) {
                acc.own.add(loss(z, y, detail::weight_at<W>(o.weight, y)));
                continue;
            }
            which.push_back(n);
            maxima.push_back(imax);
            targets.push_back(y);
            if (which.size() == group) {
                sort_sums();
            }
        }
        sort_sums();
        take_pairs();
        for (std::size_t cls = 0; cls < buckets.size(); ++cls) {
            take(cls, buckets[cls]);
        }
    };
    // Short rows in two halves where the number type allows threads (long rows split their own
    // sums: shannon::detail::exp_rest_rows).
    shannon::detail::in_halves<W>(rows.size(), c <= 64 ? rows.size() * c : 0, rows_from);
    const auto both = [&](shannon::detail::accumulator<W> partial::*a) {
        return W((parts[0].*a).value() + (parts[1].*a).value());
    };
    const W target_gaps = both(&partial::target_gaps);
    const W gaps = plain ? target_gaps : W(W(loss.keep * target_gaps) + W(loss.share * both(&partial::all_gaps)));
    return detail::reduce_sum(W(W(both(&partial::own) + gaps) + both(&partial::logs)), o.reduction, d, f);
}

}  // namespace detail

template <row_range Input, class Target>
[[nodiscard]] auto cross_entropy(Input&& input, Target&& target, const cross_entropy_options& o = {}) {
    using T = detail::rows_t<Input>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> W {
        constexpr std::string_view f = "torch.cross_entropy";
        const auto rows = detail::read_rows<W>(std::forward<Input>(input), f, "input");
        if constexpr (index_range<Target>) {
            const auto ct = detail::read_class_targets(rows, std::forward<Target>(target), o, f);
            if (o.log_probabilities) {
                const auto [l, d] = detail::index_losses<W>(rows, ct, o, false);
                return detail::reduce(l, o.reduction, d, f);
            }
            return detail::index_cross_entropy<W>(rows, ct, o, f);
        } else {
            const auto t = detail::read_rows<W>(std::forward<Target>(target), f, "target");
            const auto l = detail::probability_losses(rows, t, o, f);
            return detail::reduce(l, o.reduction, W(static_cast<double>(l.size())), f);
        }
    });
}

// ---- nll_loss ---------------------------------------------------------------------------------

/// nll_loss (and nll_loss_grad).
struct nll_loss_options {
    std::vector<double> weight{};  ///< per class (C), empty: 1
    std::int64_t ignore_index = -100;  ///< samples with this target count 0 and leave the mean's divisor
    profiles::reduction reduction = reduction::mean;  ///< mean divides by the sum of the targets' weights
};

/// torch.nn.functional.nll_loss(input, target, weight, ignore_index, reduction): input holds
/// log-probabilities; l_n = -w[y_n] input[n][y_n] (0 when ignored); mean divides by sum_{n not ignored} w[y_n].
/// Source: torch.nn.NLLLoss docs; ATen LossNLL.cpp.
template <row_range Input, index_range Target>
[[nodiscard]] auto nll_loss_unreduced(Input&& input, Target&& target, const nll_loss_options& o = {}) {
    using T = detail::rows_t<Input>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        const auto rows = detail::read_rows<W>(std::forward<Input>(input), "torch.nll_loss", "input");
        const cross_entropy_options ce{o.weight, o.ignore_index, o.reduction, 0.0};
        const auto ct = detail::read_class_targets(rows, std::forward<Target>(target), ce, "torch.nll_loss");
        return detail::index_losses<W>(rows, ct, ce, false).first;
    });
}

template <row_range Input, index_range Target>
[[nodiscard]] auto nll_loss(Input&& input, Target&& target, const nll_loss_options& o = {}) {
    using T = detail::rows_t<Input>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> working_t<T> {
        const auto rows = detail::read_rows<W>(std::forward<Input>(input), "torch.nll_loss", "input");
        const cross_entropy_options ce{o.weight, o.ignore_index, o.reduction, 0.0};
        const auto ct = detail::read_class_targets(rows, std::forward<Target>(target), ce, "torch.nll_loss");
        const auto [l, d] = detail::index_losses<W>(rows, ct, ce, false);
        return detail::reduce(l, o.reduction, d, "torch.nll_loss");
    });
}

// ---- elementwise losses -----------------------------------------------------------------------


/// binary_cross_entropy (and binary_cross_entropy_grad).
struct binary_cross_entropy_options {
    std::vector<double> weight{};  ///< broadcast to the input's shape (empty: 1)
    profiles::reduction reduction = reduction::mean;  ///< mean, sum or none
};

/// torch.nn.functional.binary_cross_entropy(input, target, weight, reduction):
/// l_n = -w_n [y_n max(log x_n, -100) + (1 - y_n) max(log(1 - x_n), -100)], x_n in [0, 1].
/// Source: torch.nn.BCELoss docs ("clamps its log function outputs to be greater than or equal to -100").
namespace detail {
template <real_range Input, real_range Target>
[[nodiscard]] auto binary_cross_entropy_terms(Input&& input, Target&& target, const binary_cross_entropy_options& o = {}) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    constexpr std::string_view f = "torch.binary_cross_entropy";
    const auto xy = detail::read_pair<W>(std::forward<Input>(input), std::forward<Target>(target), f);
    const auto& x = xy.first;
    const auto& y = xy.second;
    const auto w = detail::broadcast_weight<W>(o.weight, x.size(), f, "weight");
    detail::check_probabilities(x, f);
    std::vector<W> l;
    l.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const W a = detail::at_least(shannon::detail::log_(x[i]), -100);
        const W b = detail::at_least(shannon::detail::log1p_(W(-x[i])), -100);
        l.push_back(W(-w[i] * W(W(y[i] * a) + W(W(W(1) - y[i]) * b))));
    }
    return l;
}
}  // namespace detail

template <real_range Input, real_range Target>
[[nodiscard]] auto binary_cross_entropy_unreduced(Input&& input, Target&& target, const binary_cross_entropy_options& o = {}) {
    return evaluate_rounded<detail::pair_t<Input, Target>>([&] { return detail::binary_cross_entropy_terms(std::forward<Input>(input), std::forward<Target>(target), o); });
}

template <real_range Input, real_range Target>
[[nodiscard]] auto binary_cross_entropy(Input&& input, Target&& target, const binary_cross_entropy_options& o = {}) {
    return detail::reduced<detail::pair_t<Input, Target>>([&] { return detail::binary_cross_entropy_terms(std::forward<Input>(input), std::forward<Target>(target), o); }, o.reduction, "torch.binary_cross_entropy");
}

/// binary_cross_entropy_with_logits (and its _grad).
struct binary_cross_entropy_with_logits_options {
    std::vector<double> weight{};      ///< broadcast to the input's shape (empty: 1)
    profiles::reduction reduction = reduction::mean;  ///< mean, sum or none
    std::vector<double> pos_weight{};  ///< broadcast to the input's shape (a per-class vector along the last dim)
};

/// torch.nn.functional.binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight):
/// l_n = -w_n [p_n y_n log sigmoid(x_n) + (1 - y_n) log(1 - sigmoid(x_n))]
///     =  w_n [p_n y_n softplus(-x_n) + (1 - y_n) softplus(x_n)]     (p_n = pos_weight, 1 by default);
/// at an infinite logit PyTorch's formula's IEEE values (detail::infinite_logit_term: NaN at -inf and
/// at +inf with y = 1, pytorch/pytorch#102894). Source: torch.nn.BCEWithLogitsLoss docs.
namespace detail {
/// The inputs of binary_cross_entropy_with_logits and its gradient, read and checked once: logits
/// xy.first, targets xy.second (read_pair's), weight w and pos_weight p broadcast to the elements.
template <class W, class Pair>
struct bce_logits_inputs {
    Pair xy;
    broadcast_weights<W> w;
    broadcast_weights<W> p;
};
template <class W, real_range Input, real_range Target>
[[nodiscard]] auto read_bce_logits(Input&& input, Target&& target, const binary_cross_entropy_with_logits_options& o) {
    constexpr std::string_view f = "torch.binary_cross_entropy_with_logits";
    auto xy = detail::read_pair<W>(std::forward<Input>(input), std::forward<Target>(target), f);
    const std::size_t n = xy.first.size();
    return bce_logits_inputs<W, decltype(xy)>{std::move(xy), detail::broadcast_weight<W>(o.weight, n, f, "weight"),
                                              detail::broadcast_weight<W>(o.pos_weight, n, f, "pos_weight")};
}

/// The loss at an infinite logit as PyTorch's formula (1 - y) x + max(-x, 0) + log(e^-max(-x, 0) +
/// e^(-x - max(-x, 0))) gives it in IEEE arithmetic: at x = +inf, (1 - y) inf (NaN for y = 1: 0 inf);
/// at x = -inf, NaN (its -inf + inf); then times the weight (NaN for a weight of 0). shannon's own
/// binary_cross_entropy_with_logits keeps the limits (0 or inf).
template <class W>
[[nodiscard]] W infinite_logit_term(const W& x, const W& y, const W& w) {
    const auto value = [](const W& v) { return static_cast<double>(shannon::detail::representative(v)); };
    if (shannon::detail::is_neg_inf(x) || value(y) == 1 || value(w) == 0) {
        return shannon::detail::quiet_nan<W>();
    }
    const bool positive = (value(y) < 1) == (value(w) > 0);
    return positive ? shannon::detail::pos_infinity<W>() : W(-shannon::detail::pos_infinity<W>());
}

template <real_range Input, real_range Target>
[[nodiscard]] auto binary_cross_entropy_with_logits_terms(Input&& input, Target&& target,
                                                              const binary_cross_entropy_with_logits_options& o = {}) {
    using W = working_t<detail::pair_t<Input, Target>>;
    const auto in = read_bce_logits<W>(std::forward<Input>(input), std::forward<Target>(target), o);
    const auto& x = in.xy.first;
    const auto& y = in.xy.second;
    const auto& w = in.w;
    const auto& p = in.p;
    std::vector<W> l;
    l.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (shannon::detail::may_be_infinite(x[i])) {
            l.push_back(infinite_logit_term(x[i], y[i], w[i]));
            continue;
        }
        const auto sp = shannon::detail::softplus_both(x[i]);
        const W a = shannon::detail::times_or_zero(W(p[i] * y[i]), sp.at_minus_x);
        const W b = shannon::detail::times_or_zero(W(W(1) - y[i]), sp.at_x);
        l.push_back(W(w[i] * W(a + b)));
    }
    return l;
}
}  // namespace detail

template <real_range Input, real_range Target>
[[nodiscard]] auto binary_cross_entropy_with_logits_unreduced(Input&& input, Target&& target,
                                                              const binary_cross_entropy_with_logits_options& o = {}) {
    return evaluate_rounded<detail::pair_t<Input, Target>>([&] { return detail::binary_cross_entropy_with_logits_terms(std::forward<Input>(input), std::forward<Target>(target), o); });
}

template <real_range Input, real_range Target>
[[nodiscard]] auto binary_cross_entropy_with_logits(Input&& input, Target&& target,
                                                    const binary_cross_entropy_with_logits_options& o = {}) {
    using T = detail::pair_t<Input, Target>;
    constexpr std::string_view f = "torch.binary_cross_entropy_with_logits";
    // the sum whole (shannon::detail::sum_bce_logits: the ball's vector kernel), no terms stored; the
    // terms (below) where weights are given or a logit is infinite (detail::infinite_logit_term)
    if (o.weight.empty() && o.pos_weight.empty() && o.reduction != reduction::none &&
        !std::ranges::any_of(input, [](const auto& v) { return shannon::detail::may_be_infinite(v); })) {
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> working_t<T> {
            const auto xy = detail::read_pair<W>(std::forward<Input>(input), std::forward<Target>(target), f);
            const W n = W(static_cast<double>(std::ranges::size(xy.first)));
            return detail::reduce_sum(shannon::detail::sum_bce_logits(xy.second, xy.first), o.reduction, n, f);
        });
    }
    return detail::reduced<T>([&] { return detail::binary_cross_entropy_with_logits_terms(std::forward<Input>(input), std::forward<Target>(target), o); }, o.reduction, f);
}

/// kl_div (and kl_div_grad); batchmean is kl_div's batch argument.
struct kl_div_options {
    profiles::reduction reduction = reduction::mean;  ///< mean divides by the number of elements
    bool log_target = false;  ///< target holds log p
};

/// torch.nn.functional.kl_div(input, target, reduction, log_target): input holds log q;
/// l = target (log target - input) with 0 where target = 0 (xlogy(target, target) - target input), or
/// with log_target: exp(target) (target - input). mean divides by the number of elements,
/// batchmean by the batch size `batch` (input.size(0)). Source: torch.nn.KLDivLoss docs.
namespace detail {
template <real_range Input, real_range Target>
[[nodiscard]] auto kl_div_terms(Input&& input, Target&& target, const kl_div_options& o = {}) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    constexpr std::string_view f = "torch.kl_div";
    const auto xy = detail::read_pair<W>(std::forward<Input>(input), std::forward<Target>(target), f);
    const auto& x = xy.first;
    const auto& y = xy.second;
    std::vector<W> l;
    l.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (o.log_target) {
            l.push_back(W(shannon::detail::exp_(y[i]) * W(y[i] - x[i])));
        } else {
            // xlogy(t, t) - t x; a negative target gives NaN (log of a negative number), as in PyTorch.
            const W a = shannon::detail::is_exact_zero(y[i]) ? W(0) : W(y[i] * shannon::detail::log_(y[i]));
            l.push_back(W(a - shannon::detail::times_or_zero(y[i], x[i])));
        }
    }
    return l;
}
}  // namespace detail

template <real_range Input, real_range Target>
[[nodiscard]] auto kl_div_unreduced(Input&& input, Target&& target, const kl_div_options& o = {}) {
    return evaluate_rounded<detail::pair_t<Input, Target>>([&] { return detail::kl_div_terms(std::forward<Input>(input), std::forward<Target>(target), o); });
}

template <real_range Input, real_range Target>
[[nodiscard]] auto kl_div(Input&& input, Target&& target, std::size_t batch, const kl_div_options& o = {}) {
    const bool batchmean = o.reduction == reduction::batchmean;
    return detail::reduced<detail::pair_t<Input, Target>>(
        [&] { return detail::kl_div_terms(std::forward<Input>(input), std::forward<Target>(target), o); },
        batchmean ? reduction::mean : o.reduction, "torch.kl_div", batchmean ? static_cast<double>(batch) : -1.0);
}

/// gaussian_nll_loss (and its _grad).
struct gaussian_nll_loss_options {
    bool full = false;  ///< add the constant log(2 pi) / 2
    double eps = 1e-6;  ///< var is clamped to at least eps (in var's dtype)
    profiles::reduction reduction = reduction::mean;  ///< mean, sum or none
    profiles::dtype dtype = profiles::dtype::float64;  ///< var's dtype: eps is clamped in it
};

/// torch.nn.functional.gaussian_nll_loss(input, target, var, full, eps, reduction):
/// l = (log max(var, eps) + (input - target)^2 / max(var, eps)) / 2 [+ log(2 pi) / 2 if full], with eps
/// in var's dtype; var broadcast to the input's shape by the caller. Source: torch.nn.GaussianNLLLoss docs.
namespace detail {
template <real_range Input, real_range Target, real_range Var>
[[nodiscard]] auto gaussian_nll_loss_terms(Input&& input, Target&& target, Var&& var, const gaussian_nll_loss_options& o = {}) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    constexpr std::string_view f = "torch.gaussian_nll_loss";
    const auto x = detail::read<W>(std::forward<Input>(input), f, "input");
    const auto y = detail::read<W>(std::forward<Target>(target), f, "target");
    const auto v = detail::read<W>(std::forward<Var>(var), f, "var");
    detail::check_same_length(x, y, f, "input", "target");
    detail::check_same_length(x, v, f, "input", "var");
    const double eps = in_dtype(o.eps, o.dtype);
    std::vector<W> l;
    l.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (shannon::detail::lower_of(v[i]) < 0) {
            detail::fail_at<shannon::domain_error>(f, "var", i, v[i], "var has negative entry/entries");
        }
        const W s = detail::at_least(v[i], eps);
        const W d = W(x[i] - y[i]);
        W t = W(W(shannon::detail::log_(s) + W(W(d * d) / s)) / W(2));
        if (o.full) {
            t += W(shannon::detail::log_(W(W(2) * shannon::detail::pi<W>())) / W(2));
        }
        l.push_back(t);
    }
    return l;
}
}  // namespace detail

template <real_range Input, real_range Target, real_range Var>
[[nodiscard]] auto gaussian_nll_loss_unreduced(Input&& input, Target&& target, Var&& var, const gaussian_nll_loss_options& o = {}) {
    return evaluate_rounded<detail::pair_t<Input, Target>>([&] { return detail::gaussian_nll_loss_terms(std::forward<Input>(input), std::forward<Target>(target), std::forward<Var>(var), o); });
}

template <real_range Input, real_range Target, real_range Var>
[[nodiscard]] auto gaussian_nll_loss(Input&& input, Target&& target, Var&& var, const gaussian_nll_loss_options& o = {}) {
    return detail::reduced<detail::pair_t<Input, Target>>([&] { return detail::gaussian_nll_loss_terms(std::forward<Input>(input), std::forward<Target>(target), std::forward<Var>(var), o); }, o.reduction, "torch.gaussian_nll_loss");
}

/// poisson_nll_loss (and its _grad).
struct poisson_nll_loss_options {
    bool log_input = true;  ///< input holds log rates: exp(x) - y x; else rates: x - y log(x + eps)
    bool full = false;  ///< add Stirling's approximation of log(y!) where y > 1
    double eps = 1e-8;  ///< added to the rate inside the log when log_input is false
    profiles::reduction reduction = reduction::mean;  ///< mean, sum or none
};

/// torch.nn.functional.poisson_nll_loss(input, target, log_input, full, eps, reduction):
/// l = exp(input) - target input (log_input) or input - target log(input + eps); full adds Stirling's
/// target log target - target + log(2 pi target) / 2 where target > 1. Source: torch.nn.PoissonNLLLoss docs.
namespace detail {
template <real_range Input, real_range Target>
[[nodiscard]] auto poisson_nll_loss_terms(Input&& input, Target&& target, const poisson_nll_loss_options& o = {}) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    constexpr std::string_view f = "torch.poisson_nll_loss";
    const auto xy = detail::read_pair<W>(std::forward<Input>(input), std::forward<Target>(target), f);
    const auto& x = xy.first;
    const auto& y = xy.second;
    std::vector<W> l;
    l.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        W t = o.log_input ? W(shannon::detail::exp_(x[i]) - shannon::detail::times_or_zero(y[i], x[i]))
                          : W(x[i] - shannon::detail::times_or_zero(y[i], shannon::detail::log_(W(x[i] + W(o.eps)))));
        if (o.full && shannon::detail::lower_of(y[i]) > 1) {
            t += W(W(y[i] * shannon::detail::log_(y[i])) - y[i]) +
                 W(shannon::detail::log_(W(W(2) * shannon::detail::pi<W>() * y[i])) / W(2));
        }
        l.push_back(t);
    }
    return l;
}
/// d poisson_nll_loss's term / d input: exp(x) - y (log_input), else 1 - y / (x + eps) (full's Stirling
/// term does not depend on the input).
template <class W>
[[nodiscard]] W poisson_nll_derivative(const W& x, const W& y, const poisson_nll_loss_options& o) {
    return o.log_input ? W(shannon::detail::exp_(x) - y) : W(W(1) - W(y / W(x + W(o.eps))));
}
}  // namespace detail

template <real_range Input, real_range Target>
[[nodiscard]] auto poisson_nll_loss_unreduced(Input&& input, Target&& target, const poisson_nll_loss_options& o = {}) {
    return evaluate_rounded<detail::pair_t<Input, Target>>([&] { return detail::poisson_nll_loss_terms(std::forward<Input>(input), std::forward<Target>(target), o); });
}

template <real_range Input, real_range Target>
[[nodiscard]] auto poisson_nll_loss(Input&& input, Target&& target, const poisson_nll_loss_options& o = {}) {
    return detail::reduced<detail::pair_t<Input, Target>>([&] { return detail::poisson_nll_loss_terms(std::forward<Input>(input), std::forward<Target>(target), o); }, o.reduction, "torch.poisson_nll_loss");
}

/// torch.nn.functional.mse_loss(input, target, reduction): l = (input - target)^2. Source: torch.nn.MSELoss docs.
namespace detail {
template <real_range Input, real_range Target>
[[nodiscard]] auto mse_loss_terms(Input&& input, Target&& target) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    const auto xy = detail::read_pair<W>(std::forward<Input>(input), std::forward<Target>(target), "torch.mse_loss");
    const auto& x = xy.first;
    const auto& y = xy.second;
    std::vector<W> l;
    l.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const W d = W(x[i] - y[i]);
        l.push_back(W(d * d));
    }
    return l;
}
}  // namespace detail

template <real_range Input, real_range Target>
[[nodiscard]] auto mse_loss_unreduced(Input&& input, Target&& target) {
    return evaluate_rounded<detail::pair_t<Input, Target>>([&] { return detail::mse_loss_terms(std::forward<Input>(input), std::forward<Target>(target)); });
}

template <real_range Input, real_range Target>
[[nodiscard]] auto mse_loss(Input&& input, Target&& target, profiles::reduction how = reduction::mean) {
    return detail::reduced<detail::pair_t<Input, Target>>([&] { return detail::mse_loss_terms(std::forward<Input>(input), std::forward<Target>(target)); }, how, "torch.mse_loss");
}

/// The pointwise losses of two tensors: l1_loss, smooth_l1_loss (beta), huber_loss (delta),
/// soft_margin_loss (sources: torch.nn.L1Loss, SmoothL1Loss, HuberLoss, SoftMarginLoss docs); and the
/// two other frameworks share (profiles/optax.hpp): scaled_square, param d^2 (squared_error: param 1,
/// l2_loss: 1/2), and log_cosh, log(e^d + e^-d) - param (param: log 2 in the tensor's dtype).
enum class pointwise_loss { l1, smooth_l1, huber, soft_margin, scaled_square, log_cosh };

namespace detail {
/// The quadratic piece a z^2 / 2 below the threshold t and the linear piece b (z - t / 2) above it,
/// z = |d| (smooth L1: a = 1/t, b = 1; Huber: a = 1, b = t). The pieces meet at z = t, so an
/// enclosure of z that straddles t takes the hull of both (either is within the other's rounding
/// elsewhere).
template <class W>
[[nodiscard]] W quadratic_then_linear(const W& z, double t, const W& a, const W& b) {
    const auto quadratic = [&] { return W(W(a * W(z * z)) / W(2)); };
    const auto linear = [&] { return W(b * W(z - W(t / 2))); };  // t / 2: exact
    if (shannon::detail::upper_of(z) < t) {
        return quadratic();
    }
    if (!(shannon::detail::lower_of(z) < t)) {
        return linear();
    }
    if constexpr (shannon::is_interval_v<W>) {
        return hull(quadratic(), linear());
    } else {
        return shannon::detail::representative(z) < t ? quadratic() : linear();
    }
}

/// smooth L1's beta and Huber's delta: >= 0 (ATen's check).
inline void check_pointwise_param(pointwise_loss kind, double param, std::string_view f) {
    if ((kind == pointwise_loss::smooth_l1 || kind == pointwise_loss::huber) && !(param >= 0)) {
        fail<shannon::invalid_argument>(f, "argument '", kind == pointwise_loss::huber ? "delta" : "beta", "' is ",
                                        shannon::detail::shown_setting{param}, ": it must be >= 0");
    }
}

template <real_range Input, real_range Target>
[[nodiscard]] auto pointwise_loss_terms(pointwise_loss kind, Input&& input, Target&& target, double param,
                                        std::string_view f) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    check_pointwise_param(kind, param, f);
    const auto xy = detail::read_pair<W>(std::forward<Input>(input), std::forward<Target>(target), f);
    const auto& x = xy.first;
    const auto& y = xy.second;
    std::vector<W> l;
    l.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (shannon::detail::has_nan(x[i]) || shannon::detail::has_nan(y[i])) {
            l.push_back(nan<W>());
            continue;
        }
        if (kind == pointwise_loss::soft_margin) {  // log(1 + e^(-y x)) = softplus(-y x)
            l.push_back(shannon::detail::softplus(W(W(-y[i]) * x[i])));
            continue;
        }
        const W z = shannon::detail::abs_(W(x[i] - y[i]));
        if (kind == pointwise_loss::scaled_square) {
            l.push_back(W(W(param) * W(z * z)));
            continue;
        }
        if (kind == pointwise_loss::log_cosh) {  // log(e^z + e^-z) = z + log1p(e^-2z), z = |d|
            if (shannon::detail::is_pos_inf(z)) {
                l.push_back(z);
                continue;
            }
            l.push_back(W(W(z + shannon::detail::log1p_(shannon::detail::exp_(W(W(-2) * z)))) - W(param)));
            continue;
        }
        if (kind == pointwise_loss::l1 || (kind == pointwise_loss::smooth_l1 && param == 0)) {
            l.push_back(z);
        } else if (kind == pointwise_loss::smooth_l1) {
            l.push_back(quadratic_then_linear(z, param, W(W(1) / W(param)), W(1)));
        } else {
            l.push_back(quadratic_then_linear(z, param, W(1), W(param)));
        }
    }
    return l;
}

[[nodiscard]] inline std::string_view pointwise_loss_name(pointwise_loss kind) {
    switch (kind) {
        case pointwise_loss::l1: return "torch.l1_loss";
        case pointwise_loss::smooth_l1: return "torch.smooth_l1_loss";
        case pointwise_loss::huber: return "torch.huber_loss";
        case pointwise_loss::scaled_square: return "optax.squared_error";
        case pointwise_loss::log_cosh: return "optax.log_cosh";
        case pointwise_loss::soft_margin: break;
    }
    return "torch.soft_margin_loss";
}
}  // namespace detail

/// One value per element of a pointwise loss (reduction 'none'): |d|; smooth L1 0.5 d^2 / beta below
/// beta, else |d| - beta / 2 (|d| for beta = 0); Huber 0.5 d^2 below delta, else delta (|d| - delta / 2);
/// soft margin log(1 + e^(-y x)); d = input - target, param = beta or delta.
template <real_range Input, real_range Target>
[[nodiscard]] auto pointwise_loss_unreduced(pointwise_loss kind, Input&& input, Target&& target, double param = 1) {
    return evaluate_rounded<detail::pair_t<Input, Target>>([&] {
        return detail::pointwise_loss_terms(kind, std::forward<Input>(input), std::forward<Target>(target), param,
                                            detail::pointwise_loss_name(kind));
    });
}

/// A pointwise loss reduced: 'mean' over all elements, or 'sum'.
template <real_range Input, real_range Target>
[[nodiscard]] auto pointwise_loss_reduced(pointwise_loss kind, Input&& input, Target&& target, profiles::reduction how,
                                          double param = 1) {
    return detail::reduced<detail::pair_t<Input, Target>>([&] {
        return detail::pointwise_loss_terms(kind, std::forward<Input>(input), std::forward<Target>(target), param,
                                            detail::pointwise_loss_name(kind));
    }, how, detail::pointwise_loss_name(kind));
}

/// torch.nn.functional.l1_loss(input, target, reduction): |input - target|.
template <real_range Input, real_range Target>
[[nodiscard]] auto l1_loss(Input&& input, Target&& target, profiles::reduction how = reduction::mean) {
    return pointwise_loss_reduced(pointwise_loss::l1, std::forward<Input>(input), std::forward<Target>(target), how);
}

/// torch.nn.functional.smooth_l1_loss(input, target, reduction, beta).
template <real_range Input, real_range Target>
[[nodiscard]] auto smooth_l1_loss(Input&& input, Target&& target, profiles::reduction how = reduction::mean,
                                  double beta = 1) {
    return pointwise_loss_reduced(pointwise_loss::smooth_l1, std::forward<Input>(input), std::forward<Target>(target), how,
                                  beta);
}

/// torch.nn.functional.huber_loss(input, target, reduction, delta).
template <real_range Input, real_range Target>
[[nodiscard]] auto huber_loss(Input&& input, Target&& target, profiles::reduction how = reduction::mean,
                              double delta = 1) {
    return pointwise_loss_reduced(pointwise_loss::huber, std::forward<Input>(input), std::forward<Target>(target), how,
                                  delta);
}

/// torch.nn.functional.soft_margin_loss(input, target, reduction): log(1 + e^(-target input)).
template <real_range Input, real_range Target>
[[nodiscard]] auto soft_margin_loss(Input&& input, Target&& target, profiles::reduction how = reduction::mean) {
    return pointwise_loss_reduced(pointwise_loss::soft_margin, std::forward<Input>(input), std::forward<Target>(target),
                                  how);
}

/// multilabel_soft_margin_loss (and its _grad).
struct multilabel_soft_margin_loss_options {
    std::vector<double> weight{};  ///< per class (C) or per element (N x C, row-major), empty: 1
    profiles::reduction reduction = reduction::mean;  ///< mean, sum or none
};

namespace detail {
/// multilabel_soft_margin_loss's weight: none, one per class, or one per element (torch broadcasts it
/// to the loss's shape).
inline void check_multilabel_weights(const std::vector<double>& weight, std::size_t rows, std::size_t classes,
                                     std::string_view function) {
    if (!weight.empty() && weight.size() != classes && weight.size() != rows * classes) {
        fail<shannon::invalid_argument>(function, "argument 'weight' has ", weight.size(), " elements: it must have one ",
                                        "per class (", classes, ") or one per element (", rows * classes, ")");
    }
}

/// The weight of element (n, k).
template <class W>
[[nodiscard]] W multilabel_weight(const std::vector<double>& w, std::size_t n, std::size_t k, std::size_t classes) {
    return w.size() == classes ? weight_at<W>(w, k) : weight_at<W>(w, w.empty() ? 0 : n * classes + k);
}
}  // namespace detail

/// torch.nn.functional.multilabel_soft_margin_loss(input, target, weight, reduction) on N x C (w_c, or
/// w_nc for a per-element weight):
/// l_n = -(1/C) sum_c w_c [y_nc log sigmoid(x_nc) + (1 - y_nc) log sigmoid(-x_nc)]
///     =  (1/C) sum_c w_c [y_nc softplus(-x_nc) + (1 - y_nc) softplus(x_nc)]; mean over N.
/// Source: torch.nn.MultiLabelSoftMarginLoss docs.
namespace detail {
template <row_range Input, row_range Target>
[[nodiscard]] auto multilabel_soft_margin_loss_terms(Input&& input, Target&& target,
                                                         const multilabel_soft_margin_loss_options& o = {}) {
    using T = detail::rows_t<Input>;
    using W = working_t<T>;
    constexpr std::string_view f = "torch.multilabel_soft_margin_loss";
    const auto x = detail::read_rows<W>(std::forward<Input>(input), f, "input");
    const auto y = detail::read_rows<W>(std::forward<Target>(target), f, "target");
    detail::check_same_length(x, y, f, "input", "target");
    const std::size_t c = x.front().size();
    detail::check_same_length(x.front(), y.front(), f, "input[0]", "target[0]");
    detail::check_multilabel_weights(o.weight, x.size(), c, f);
    std::vector<W> l;
    l.reserve(x.size());
    for (std::size_t n = 0; n < x.size(); ++n) {
        accumulator<W> acc;
        for (std::size_t k = 0; k < c; ++k) {
            acc.add(W(detail::multilabel_weight<W>(o.weight, n, k, c) * shannon::detail::bce_logits(y[n][k], x[n][k])));
        }
        l.push_back(W(acc.value() / W(static_cast<double>(c))));
    }
    return l;
}
}  // namespace detail

template <row_range Input, row_range Target>
[[nodiscard]] auto multilabel_soft_margin_loss_unreduced(Input&& input, Target&& target,
                                                         const multilabel_soft_margin_loss_options& o = {}) {
    return evaluate_rounded<detail::rows_t<Input>>([&] { return detail::multilabel_soft_margin_loss_terms(std::forward<Input>(input), std::forward<Target>(target), o); });
}

template <row_range Input, row_range Target>
[[nodiscard]] auto multilabel_soft_margin_loss(Input&& input, Target&& target, const multilabel_soft_margin_loss_options& o = {}) {
    return detail::reduced<detail::rows_t<Input>>([&] { return detail::multilabel_soft_margin_loss_terms(std::forward<Input>(input), std::forward<Target>(target), o); }, o.reduction, "torch.multilabel_soft_margin_loss");
}

}  // namespace shannon::profiles::torch

// ---- gradients ----------------------------------------------------------------------------------
//
// The exact gradient of each loss with respect to its input (logits, probabilities, log-probabilities),
// as PyTorch's autograd computes it: of the reduced loss, or for reduction "none" of the sum of the
// per-element losses (a grad_output of ones). One value per element of input, in input's layout.
// Where ATen's backward is not the derivative of the forward formula, the backward's formula is the
// profile: binary_cross_entropy's backward divides by max(x (1 - x), 1e-12) (1e-12 a float constant)
// rather than differentiating the clamped logs. The gradients are written so that they suffer no
// cancellation the true value does not have: 1 - softmax_j = -expm1(log softmax_j), 1 - sigmoid(x) = sigmoid(-x).

namespace shannon::profiles::torch {
namespace detail {

/// sum_c a_c d(-log softmax(x)_c)/dx_j = s_j sum_c a_c - a_j = s_j sum_{c != j} a_c - a_j (1 - s_j).
/// sum_{c != j} a_c is the sum of a before j and of a after j (suffix sums, one pass each way): no
/// cancellation, and linear in the row's length.
template <class W, class Z, class Out>
void add_softmax_grad(Out& out, const Z& z, const std::vector<W>& a, const W& scale) {
    const auto f = shannon::detail::make_softmax_frame(z);
    const std::vector<W> s = shannon::detail::softmax_row(f, z);
    const std::size_t c = s.size();
    // others[j] = sum_{k != j} a_k, from prefix and suffix sums (no cancellation).
    std::vector<W> others;
    others.reserve(c);
    if constexpr (shannon::is_interval_v<W>) {
        // An enclosure needs no compensation to carry over: suffix sums as values.
        std::vector<W> after(c + 1, W(0));  // after[k] = a_k + ... + a_(c-1)
        accumulator<W> suffix;
        for (std::size_t k = c; k-- > 0;) {
            suffix.add(a[k]);
            after[k] = suffix.value();
        }
        accumulator<W> before;
        for (std::size_t j = 0; j < c; ++j) {
            others.push_back(W(before.value() + after[j + 1]));
            before.add(a[j]);
        }
    } else {
        std::vector<accumulator<W>> after(c + 1);
        for (std::size_t k = c; k-- > 0;) {
            after[k] = after[k + 1];
            after[k].add(a[k]);
        }
        accumulator<W> before;
        for (std::size_t j = 0; j < c; ++j) {
            accumulator<W> sum = before;
            sum.add(after[j + 1].value());
            others.push_back(sum.value());
            before.add(a[j]);
        }
    }
    for (std::size_t j = 0; j < c; ++j) {
        const W one_minus_s = shannon::detail::one_minus_softmax(f, z, j, s[j]);
        out.push(W(W(W(s[j] * others[j]) - W(a[j] * one_minus_s)) * scale));
    }
}

/// The coefficients of a class-index target without label smoothing: a_c = w [c = y].
template <class W>
struct one_hot {
    std::size_t y;
    W w;
};

/// add_softmax_grad for one-hot coefficients: softmax_j w scale (the row times w scale in one pass:
/// the writer's softmax), and -(1 - softmax_y) w scale at y.
template <class W, class Z, class Out>
void add_softmax_grad(Out& out, const Z& z, const one_hot<W>& a, const W& scale) {
    const auto f = shannon::detail::make_softmax_frame(z);
    const W ws = W(a.w * scale);
    const std::size_t at = out.size();
    out.softmax(f, z, ws);
    const W s_y = shannon::detail::exp_(W(-shannon::detail::neg_log_softmax_element(f, z, a.y)));
    out.set(at + a.y, W(-W(ws * shannon::detail::one_minus_softmax(f, z, a.y, s_y))));
}

/// 1 / divisor for the mean reductions, 1 for sum and none (0 / 0: NaN, as the forward).
template <class W>
[[nodiscard]] W grad_scale(profiles::reduction how, const W& divisor) {
    if (how == reduction::mean || how == reduction::batchmean) {
        if (shannon::detail::is_exact_zero(divisor)) {
            return shannon::detail::quiet_nan<W>();
        }
        return W(W(1) / divisor);
    }
    return W(1);
}

}  // namespace detail

/// Rows [first, first + count) of a batch (the default: all of them).
struct row_window {
    std::size_t first = 0;                              ///< the first row
    std::size_t count = static_cast<std::size_t>(-1);  ///< how many rows (at most to the batch's end)
};

namespace detail {

/// The cross-entropy gradient's rows [first, last) of `rows`, with class indices t.
template <class W, class Out, class Rows>
void cross_entropy_grad_rows(Out& out, const Rows& rows, std::size_t first, std::size_t last,
                             const std::vector<std::int64_t>& t, const W& scale, const cross_entropy_options& o) {
    const std::size_t c = rows.front().size();
    const W e = W(o.label_smoothing);
    const W share = W(e / W(static_cast<double>(c)));
    std::vector<W> coeff;  // one row's a_c (label smoothing)
    for (std::size_t n = first; n < last; ++n) {
        if (t[n] == o.ignore_index) {  // a = 0: 0 scale (NaN where every row is ignored, as the forward)
            out.push(c, W(W(0) * scale));
            continue;
        }
        const auto y = static_cast<std::size_t>(t[n]);
        if (o.label_smoothing == 0) {
            add_softmax_grad(out, rows[n], one_hot<W>{y, weight_at<W>(o.weight, y)}, scale);
            continue;
        }
        coeff.clear();
        for (std::size_t k = 0; k < c; ++k) {
            coeff.push_back(W(share * weight_at<W>(o.weight, k)));
        }
        coeff[y] += W(W(W(1) - e) * weight_at<W>(o.weight, y));
        add_softmax_grad(out, rows[n], coeff, scale);
    }
}

/// The same with probability targets (the target rows tg).
template <class W, class Out, class Rows, class TargetRows>
void cross_entropy_grad_rows(Out& out, const Rows& rows, const TargetRows& tg, std::size_t first, std::size_t last,
                             const W& scale, const cross_entropy_options& o) {
    const std::size_t c = rows.front().size();
    const W e = W(o.label_smoothing);
    const W share = W(e / W(static_cast<double>(c)));
    std::vector<W> coeff;  // one row's a_c
    coeff.reserve(c);
    for (std::size_t n = first; n < last; ++n) {
        coeff.clear();
        for (std::size_t k = 0; k < c; ++k) {
            const W y = o.label_smoothing == 0 ? W(tg[n][k]) : W(W(W(W(1) - e) * tg[n][k]) + share);
            coeff.push_back(W(weight_at<W>(o.weight, k) * y));
        }
        add_softmax_grad(out, rows[n], coeff, scale);
    }
}

}  // namespace detail

/// d cross_entropy / d input (N x C, row-major): class indices or probabilities, with weight,
/// ignore_index (zero rows) and label_smoothing; a_c = (1 - e) w_y [c = y] + (e / C) w_c for indices,
/// a_c = w_c ((1 - e) y_c + e / C) for probabilities, and d l_n / d x_nj = softmax_j sum_c a_c - a_j.
/// `window` limits the result to some rows (see row_window). `batch`, when given, is what a whole
/// batch's checks found (cross_entropy_grad_of::for_blocks): input and target may then be any block of
/// that batch's rows, whose gradient is the whole batch's at those rows, read and checked no further
/// (a front end's blocks then cost what their rows do, the MPFI fallback included).
/// cross_entropy_grad_into writes the values to a writer (see math.hpp's values_writer), in order;
/// cross_entropy_grad returns them.
template <class Out, row_range Input, class Target>
void cross_entropy_grad_into(Out& out, Input&& input, Target&& target, const cross_entropy_options& o = {},
                             row_window window = {}, const detail::checked_batch* batch = nullptr) {
    using W = working_t<detail::rows_t<Input>>;
    constexpr std::string_view f = "torch.cross_entropy";
    const auto rows = detail::read_rows<W>(std::forward<Input>(input), f, "input");
    const std::size_t first = std::min(window.first, rows.size());
    const std::size_t last = first + std::min(window.count, rows.size() - first);
    out.reserve((last - first) * rows.front().size());
    if constexpr (index_range<Target>) {
        if (batch != nullptr) {  // a block of a checked batch: its targets and the batch's divisor
            const std::vector<std::int64_t> t = detail::class_indices(std::forward<Target>(target));
            detail::check_same_length(t, rows, f, "target", "input");
            const W scale = detail::grad_scale(o.reduction, detail::class_divisor<W>(batch->count, o));
            detail::cross_entropy_grad_rows(out, rows, first, last, t, scale, o);
            return;
        }
        // the forward pass checks the targets and gives the divisor
        const auto ct = detail::read_class_targets(rows, std::forward<Target>(target), o, f);
        const W scale = detail::grad_scale(o.reduction, detail::class_divisor<W>(ct.count, o));
        detail::cross_entropy_grad_rows(out, rows, first, last, ct.index, scale, o);
    } else {
        const auto tg = detail::read_rows<W>(std::forward<Target>(target), f, "target");
        if (batch == nullptr) {
            (void)detail::probability_losses(rows, tg, o, f, false);  // the forward's checks
        } else {
            detail::check_same_length(tg, rows, f, "target", "input");
        }
        const W scale =
            detail::grad_scale(o.reduction, W(static_cast<double>(batch != nullptr ? batch->rows : rows.size())));
        detail::cross_entropy_grad_rows(out, rows, tg, first, last, scale, o);
    }
}

template <row_range Input, class Target>
[[nodiscard]] auto cross_entropy_grad(Input&& input, Target&& target, const cross_entropy_options& o = {},
                                      row_window window = {}, const detail::checked_batch* batch = nullptr) {
    using T = detail::rows_t<Input>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        std::vector<W> g;
        shannon::detail::values_writer<W> out{g};
        cross_entropy_grad_into(out, std::forward<Input>(input), std::forward<Target>(target), o, window, batch);
        return g;
    });
}

/// cross_entropy_grad as a function object with a window: the values, or into(out, input, target)
/// writing them to a writer (math.hpp's values_writer; exact.hpp's round_each decides them there).
/// A front end that evaluates a large batch in blocks of rows calls for_blocks(input, target) once:
/// the copy it returns carries the batch's checks and divisor, and takes any block of the batch's rows
/// (and their targets) as its input.
struct cross_entropy_grad_of {
    cross_entropy_options o;                                      ///< the loss's options
    row_window window;                                            ///< the rows whose gradient is wanted
    std::shared_ptr<const detail::checked_batch> batch = nullptr;  ///< the whole batch's checks (for_blocks), or none
    /// The gradient's values (cross_entropy_grad).
    template <row_range Input, class Target>
    [[nodiscard]] auto operator()(Input&& input, Target&& target) const {
        return cross_entropy_grad(std::forward<Input>(input), std::forward<Target>(target), o, window, batch.get());
    }
    /// The gradient's values written to `out` (cross_entropy_grad_into).
    template <class Out, row_range Input, class Target>
    void into(Out& out, Input&& input, Target&& target) const {
        cross_entropy_grad_into(out, std::forward<Input>(input), std::forward<Target>(target), o, window, batch.get());
    }
    /// This function object with the whole batch's checks made once (the forward's, with its
    /// messages): the class-index targets counted by class, or the probability targets' shapes.
    template <row_range Input, class Target>
    [[nodiscard]] cross_entropy_grad_of for_blocks(const Input& input, const Target& target) const {
        constexpr std::string_view f = "torch.cross_entropy";
        using T = detail::rows_t<Input>;  // read as they are (views: nothing copied)
        const auto rows = detail::read_rows<T>(input, f, "input");
        detail::checked_batch b{rows.size(), {}};
        if constexpr (index_range<Target>) {
            b.count = detail::read_class_targets(rows, target, o, f).count;
        } else {
            const auto tg = detail::read_rows<T>(target, f, "target");
            (void)detail::probability_losses(rows, tg, o, f, false);
        }
        cross_entropy_grad_of copy = *this;
        copy.batch = std::make_shared<const detail::checked_batch>(std::move(b));
        return copy;
    }
};

/// d nll_loss / d input: -w[y_n] / divisor at (n, y_n), 0 elsewhere (and on ignored rows).
template <row_range Input, index_range Target>
[[nodiscard]] auto nll_loss_grad(Input&& input, Target&& target, const nll_loss_options& o = {}) {
    using T = detail::rows_t<Input>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const auto rows = detail::read_rows<W>(std::forward<Input>(input), "torch.nll_loss", "input");
        const cross_entropy_options ce{o.weight, o.ignore_index, o.reduction, 0.0};
        const auto ct = detail::read_class_targets(rows, std::forward<Target>(target), ce, "torch.nll_loss");
        const std::vector<std::int64_t>& t = ct.index;
        const W scale = detail::grad_scale(o.reduction, detail::class_divisor<W>(ct.count, ce));
        std::vector<W> g;
        for (std::size_t n = 0; n < rows.size(); ++n) {
            for (std::size_t k = 0; k < rows[n].size(); ++k) {
                const bool hit = t[n] != o.ignore_index && static_cast<std::size_t>(t[n]) == k;
                g.push_back(hit ? W(W(-detail::weight_at<W>(o.weight, k)) * scale) : W(0));
            }
        }
        return g;
    });
}

namespace detail {
/// Elementwise gradients in W: term(i) for each of the n elements, times 1/divisor for the mean (the
/// divisor: n unless given).
template <class W, class Term>
[[nodiscard]] std::vector<W> elementwise_grad(std::size_t n, profiles::reduction how, const Term& term, double divisor = -1) {
    const W scale = grad_scale(how, W(divisor < 0 ? static_cast<double>(n) : divisor));
    std::vector<W> g;
    g.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        g.push_back(W(term(i) * scale));
    }
    return g;
}
}  // namespace detail

/// d binary_cross_entropy / d input as ATen's backward computes it: w (x - y) / max(x (1 - x), eps), where
/// eps is ATen's EPSILON = 1e-12 as a float (9.9999999600e-13, also for float64 tensors: measured with
/// PyTorch 1.13.1), then in `dtype` (input's). Source: aten/src/ATen/native/Loss.cpp binary_cross_entropy_backward.
template <real_range Input, real_range Target>
[[nodiscard]] auto binary_cross_entropy_grad(Input&& input, Target&& target, const binary_cross_entropy_options& o = {},
                                             profiles::dtype dt = profiles::dtype::float64) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        constexpr std::string_view f = "torch.binary_cross_entropy";
        const auto xy = detail::read_pair<W>(std::forward<Input>(input), std::forward<Target>(target), f);
        const auto& x = xy.first;
        const auto& y = xy.second;
        detail::check_probabilities(x, f);
        const auto w = detail::broadcast_weight<W>(o.weight, x.size(), f, "weight");
        const double eps = in_dtype(static_cast<double>(1e-12F), dt);
        return detail::elementwise_grad<W>(x.size(), o.reduction, [&](std::size_t i) {
            const W d = detail::at_least(W(x[i] * W(W(1) - x[i])), eps);
            const W num = W(w[i] * W(x[i] - y[i]));
            if (shannon::detail::is_exact_zero(d)) {
                // eps is 0 in float16 (1e-12 underflows): ATen divides by 0, giving +-inf (NaN for 0 / 0)
                if (shannon::detail::is_exact_zero(num)) {
                    return shannon::detail::quiet_nan<W>();
                }
                return shannon::detail::lower_of(num) > 0 ? shannon::detail::pos_infinity<W>()
                                                          : W(-shannon::detail::pos_infinity<W>());
            }
            return W(num / d);
        });
    });
}

/// d binary_cross_entropy_with_logits / d input: w [(1 - y) sigmoid(x) - p y sigmoid(-x)].
template <real_range Input, real_range Target>
[[nodiscard]] auto binary_cross_entropy_with_logits_grad(Input&& input, Target&& target,
                                                         const binary_cross_entropy_with_logits_options& o = {}) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        const auto in = detail::read_bce_logits<W>(std::forward<Input>(input), std::forward<Target>(target), o);
        const auto& x = in.xy.first;
        const auto& y = in.xy.second;
        const auto& w = in.w;
        const auto& p = in.p;
        return detail::elementwise_grad<W>(x.size(), o.reduction, [&](std::size_t i) {
            const W a = W(W(W(1) - y[i]) * shannon::detail::sigmoid(x[i]));
            const W b = W(W(p[i] * y[i]) * shannon::detail::sigmoid(W(-x[i])));
            return W(w[i] * W(a - b));
        });
    });
}

/// d kl_div / d input: -target, or -exp(target) with log_target; / numel (mean) or / batch (batchmean).
template <real_range Input, real_range Target>
[[nodiscard]] auto kl_div_grad(Input&& input, Target&& target, std::size_t batch, const kl_div_options& o = {}) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        const auto xy = detail::read_pair<W>(std::forward<Input>(input), std::forward<Target>(target), "torch.kl_div");
        const auto& x = xy.first;
        const auto& y = xy.second;
        const auto term = [&](std::size_t i) { return o.log_target ? W(-shannon::detail::exp_(y[i])) : W(-y[i]); };
        if (o.reduction == reduction::batchmean) {
            return detail::elementwise_grad<W>(x.size(), reduction::mean, term, static_cast<double>(batch));
        }
        return detail::elementwise_grad<W>(x.size(), o.reduction, term);
    });
}

namespace detail {
/// d l / d input of one element of a pointwise loss, d = input - target, as autograd computes it (ATen's
/// backward formulas; jax.grad of optax's, Keras' formulas likewise): l1 sgn(d) (0 at d = 0); smooth L1
/// d / beta inside (-beta, beta), else sgn(d) (beta = 0: -1 for d <= 0, ATen's d <= -beta test); Huber d inside [-delta, delta], else delta sgn(d); soft
/// margin -y z / (1 + z), z = e^(-y x), i.e. -y sigmoid(-y x), NaN where -y x is +inf (inf / inf, as
/// ATen's); scaled square 2 param d; log cosh tanh(d) (+-1 at d = +-inf). NaN for a NaN input or an
/// undefined d (inf - inf).
template <class W>
[[nodiscard]] W pointwise_derivative(pointwise_loss kind, const W& x, const W& y, double param) {
    namespace sd = shannon::detail;
    if (sd::has_nan(x) || sd::has_nan(y)) {
        return nan<W>();
    }
    const auto infinite = [](const W& v) { return sd::is_pos_inf(v) || sd::is_neg_inf(v); };
    if (kind == pointwise_loss::soft_margin) {
        if ((infinite(x) && sd::is_exact_zero(y)) || (infinite(y) && sd::is_exact_zero(x))) {
            return nan<W>();  // 0 * inf in -y x
        }
        const W m = W(W(-y) * x);
        if (sd::is_pos_inf(m)) {
            return nan<W>();  // z / (1 + z) at z = inf
        }
        return W(W(-y) * sd::sigmoid(m));
    }
    if ((sd::is_pos_inf(x) && sd::is_pos_inf(y)) || (sd::is_neg_inf(x) && sd::is_neg_inf(y))) {
        return nan<W>();  // d = inf - inf
    }
    // the inputs are exact points: their order is their representatives'
    const auto rx = sd::representative(x);
    const auto ry = sd::representative(y);
    const W d = W(x - y);
    const W sgn = W(rx > ry ? 1.0 : ry > rx ? -1.0 : 0.0);
    switch (kind) {
        case pointwise_loss::scaled_square: return W(W(2 * param) * d);  // 2 param: exact (param 1 or 1/2)
        case pointwise_loss::log_cosh: {
            if (infinite(x) || infinite(y)) {
                return sgn;
            }
            const W t = shannon::detail::expm1_(W(W(-2) * shannon::detail::abs_(d)));  // tanh |d| = -t / (2 + t)
            return W(sgn * W(W(-t) / W(W(2) + t)));
        }
        case pointwise_loss::l1: return sgn;
        case pointwise_loss::smooth_l1:
        case pointwise_loss::huber: {
            if (kind == pointwise_loss::smooth_l1 && param == 0) {  // ATen: d <= -beta gives -1, so -1 at d = 0
                return W(rx > ry ? 1.0 : -1.0);
            }
            const W z = shannon::detail::abs_(d);
            const auto inside = [&] { return kind == pointwise_loss::huber ? d : W(d / W(param)); };
            const auto outside = [&] { return kind == pointwise_loss::huber ? W(W(param) * sgn) : sgn; };
            if (shannon::detail::upper_of(z) < param) {
                return inside();
            }
            if (!(shannon::detail::lower_of(z) < param)) {
                return outside();
            }
            if constexpr (shannon::is_interval_v<W>) {  // the pieces meet at |d| = param
                return hull(inside(), outside());
            } else {
                return shannon::detail::representative(z) < param ? inside() : outside();
            }
        }
        case pointwise_loss::soft_margin: break;
    }
    return nan<W>();
}
}  // namespace detail

/// d mse_loss / d input: 2 (input - target), the scaled square's derivative (pointwise_derivative).
template <real_range Input, real_range Target>
[[nodiscard]] auto mse_loss_grad(Input&& input, Target&& target, profiles::reduction how = reduction::mean) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        const auto xy = detail::read_pair<W>(std::forward<Input>(input), std::forward<Target>(target), "torch.mse_loss");
        const auto& x = xy.first;
        const auto& y = xy.second;
        return detail::elementwise_grad<W>(x.size(), how, [&](std::size_t i) {
            return detail::pointwise_derivative(pointwise_loss::scaled_square, x[i], y[i], 1.0);
        });
    });
}

/// d (pointwise loss) / d input per element, times the reduction's scale: 1 ('none': the gradient of
/// the sum; 'sum'), 1 / N ('mean'), or 1 / divisor when divisor > 0 (Keras' mean over the last axis).
template <real_range Input, real_range Target>
[[nodiscard]] auto pointwise_loss_grad(pointwise_loss kind, Input&& input, Target&& target, profiles::reduction how,
                                       double param = 1, double divisor = -1) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        const std::string_view f = detail::pointwise_loss_name(kind);
        detail::check_pointwise_param(kind, param, f);
        const auto xy = detail::read_pair<W>(std::forward<Input>(input), std::forward<Target>(target), f);
        const auto& x = xy.first;
        const auto& y = xy.second;
        return detail::elementwise_grad<W>(
            x.size(), how, [&](std::size_t i) { return detail::pointwise_derivative(kind, x[i], y[i], param); },
            divisor > 0 ? divisor : -1);
    });
}

/// d gaussian_nll_loss / d input: (input - target) / max(var, eps).
template <real_range Input, real_range Target, real_range Var>
[[nodiscard]] auto gaussian_nll_loss_grad(Input&& input, Target&& target, Var&& var, const gaussian_nll_loss_options& o = {}) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        const auto x = detail::read<W>(std::forward<Input>(input), "torch.gaussian_nll_loss", "input");
        const auto y = detail::read<W>(std::forward<Target>(target), "torch.gaussian_nll_loss", "target");
        const auto v = detail::read<W>(std::forward<Var>(var), "torch.gaussian_nll_loss", "var");
        detail::check_same_length(x, y, "torch.gaussian_nll_loss", "input", "target");
        detail::check_same_length(x, v, "torch.gaussian_nll_loss", "input", "var");
        const double eps = in_dtype(o.eps, o.dtype);
        return detail::elementwise_grad<W>(x.size(), o.reduction,
                                           [&](std::size_t i) { return W(W(x[i] - y[i]) / detail::at_least(v[i], eps)); });
    });
}

/// d poisson_nll_loss / d input: exp(input) - target (log_input), else 1 - target / (input + eps).
template <real_range Input, real_range Target>
[[nodiscard]] auto poisson_nll_loss_grad(Input&& input, Target&& target, const poisson_nll_loss_options& o = {}) {
    using T = detail::pair_t<Input, Target>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        const auto xy = detail::read_pair<W>(std::forward<Input>(input), std::forward<Target>(target), "torch.poisson_nll_loss");
        const auto& x = xy.first;
        const auto& y = xy.second;
        return detail::elementwise_grad<W>(x.size(), o.reduction,
                                           [&](std::size_t i) { return detail::poisson_nll_derivative(x[i], y[i], o); });
    });
}

/// d multilabel_soft_margin_loss / d input (N x C): w_c ((1 - y) sigmoid(x) - y sigmoid(-x)) / C, / N for the mean.
template <row_range Input, row_range Target>
[[nodiscard]] auto multilabel_soft_margin_loss_grad(Input&& input, Target&& target,
                                                    const multilabel_soft_margin_loss_options& o = {}) {
    using T = detail::rows_t<Input>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> std::vector<W> {
        constexpr std::string_view f = "torch.multilabel_soft_margin_loss";
        const auto x = detail::read_rows<W>(std::forward<Input>(input), f, "input");
        const auto y = detail::read_rows<W>(std::forward<Target>(target), f, "target");
        detail::check_same_length(x, y, f, "input", "target");
        detail::check_same_length(x.front(), y.front(), f, "input[0]", "target[0]");
        const std::size_t c = x.front().size();
        detail::check_multilabel_weights(o.weight, x.size(), c, f);
        const W scale = W(detail::grad_scale(o.reduction, W(static_cast<double>(x.size()))) / W(static_cast<double>(c)));
        std::vector<W> g;
        for (std::size_t n = 0; n < x.size(); ++n) {
            for (std::size_t k = 0; k < c; ++k) {
                const W a = W(W(W(1) - y[n][k]) * shannon::detail::sigmoid(x[n][k]));
                const W b = W(y[n][k] * shannon::detail::sigmoid(W(-x[n][k])));
                g.push_back(W(W(detail::multilabel_weight<W>(o.weight, n, k, c) * W(a - b)) * scale));
            }
        }
        return g;
    });
}

}  // namespace shannon::profiles::torch

SHANNON_FP_CONTRACT_RESTORE
