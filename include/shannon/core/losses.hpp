// shannon/core/losses.hpp — the classification losses of the founding material.
//
//   binary cross-entropy        BCE(y, p) = -[y log p + (1-y) log(1-p)],        y, p in [0, 1]
//   BCE from a logit x          BCE(y, x) = y softplus(-x) + (1-y) softplus(x)   (= BCE(y, sigmoid x))
//   categorical cross-entropy   CE(t, q)  = -sum_k t_k log q_k   (t one-hot, soft, or a class index c:
//                                                                 CE(c, q) = -log q_c)
//   CE from logits z            CE(t, z)  = sum_k t_k (-log softmax(z)_k)
//   multi-label BCE             sum over classes of BCE(y_k, x_k): an independent sigmoid per class,
//                               n-hot targets (the founding material sums over classes)
//
// Every loss has a per-sample form and a batched form; the batched form reduces over the N samples
// by the mean (options::reduction = reduction::sum for the sum). A batch is a range of samples: a range of
// labels, of class indices, or of rows (each row a range of K values; a flat row-major buffer
// becomes rows with ranges::views::chunk(K)).
//
// Forms without cancellation: the logit forms are sums of non-negative softplus terms (so logits up
// to +-1e300, and +-inf, neither overflow nor cancel); -log softmax is (max - z_k) + log1p(S).
// A factor that is exactly 0 (a label y = 0, a target t_k = 0) contributes 0 even against an
// infinite log: BCE(0, 1) = 0 but BCE(1, 0) = +inf.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "error.hpp"
#include "math.hpp"
#include "measures.hpp"
#include "../numbers/traits.hpp"
#include "options.hpp"
#include "quantity.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon {

/// A class index (any integer type but bool).
template <class T>
concept class_index = std::integral<std::remove_cvref_t<T>> && !std::same_as<std::remove_cvref_t<T>, bool>;

/// A range of numbers (one sample's row, or one distribution).
template <class R>
concept real_range = std::ranges::input_range<R> && !std::ranges::range<std::ranges::range_value_t<R>>;

/// A range of class indices.
template <class R>
concept index_range = real_range<R> && class_index<std::ranges::range_value_t<R>>;

/// A range of rows.
template <class R>
concept row_range = std::ranges::input_range<R> && real_range<std::ranges::range_value_t<R>>;

namespace detail {

template <class R>
using row_real_t = range_real_t<std::ranges::range_value_t<R>>;

/// The number type of a batched loss: the prediction rows' type, joined with the target rows' type
/// when the targets are rows rather than class indices.
template <class Targets, class Rows>
struct batch_real {
    using type = row_real_t<Rows>;
};
template <row_range Targets, class Rows>
struct batch_real<Targets, Rows> {
    using type = std::common_type_t<row_real_t<Rows>, row_real_t<Targets>>;
};
template <class Targets, class Rows>
using batch_real_t = typename batch_real<Targets, Rows>::type;

template <class W, class V>
[[nodiscard]] constexpr W checked_label(const V& v, std::string_view function, arg_name argument,
                              std::optional<std::size_t> index) {
    check_unit_interval(v, function, argument, index, "a label");
    return to_working<W>(v);
}

template <class W, class V>
[[nodiscard]] constexpr W checked_unit_probability(const V& v, std::string_view function, arg_name argument,
                                         std::optional<std::size_t> index) {
    check_unit_interval(v, function, argument, index);
    return to_working<W>(v);
}

template <class W, class V>
[[nodiscard]] constexpr W checked_logit(const V& v, std::string_view function, arg_name argument,
                              std::optional<std::size_t> index) {
    if (has_nan(v)) {
        fail_at<shannon::domain_error>(function, argument, index, v, "a logit cannot be NaN");
    }
    return to_working<W>(v);
}

/// -[y log p + (1-y) log(1-p)], log(1-p) as log1p(-p).
template <class W>
[[nodiscard]] constexpr W bce(const W& y, const W& p) {
    const W a = xlogy(y, p);
    const W b = xlog1py(W(W(1) - y), W(-p));
    return -W(a + b);
}

/// y softplus(-x) + (1-y) softplus(x): two non-negative terms.
template <class W>
[[nodiscard]] constexpr W bce_logits(const W& y, const W& x) {
    const softplus_pair<W> sp = softplus_both(x);
    const W a = times_or_zero(y, sp.at_minus_x);
    const W b = times_or_zero(W(W(1) - y), sp.at_x);
    return a + b;
}

/// sum_i bce_logits(y_i, x_i) over two rows of the same length. A number type's own kernel for the
/// whole sum (the ball's vector loop over exact binary64 rows, detail/sum_softplus.hpp) where it
/// applies, found through the tag as sum_exp_rest is; otherwise the generic loop.
template <row_of_numbers Y, row_of_numbers X, class W = row_value_t<X>>
[[nodiscard]] constexpr W sum_bce_logits(const Y& y, const X& x) {
    if constexpr (requires { sum_bce_logits_rows(std::type_identity<W>{}, y, x); }) {
        if (!std::is_constant_evaluated()) {
            if (const auto s = sum_bce_logits_rows(std::type_identity<W>{}, y, x)) {
                return *s;
            }
        }
    }
    accumulator<W> acc;
    const std::size_t n = std::ranges::size(x);
    for (std::size_t i = 0; i < n; ++i) {
        acc.add(bce_logits(W(y[i]), W(x[i])));
    }
    return acc.value();
}

/// Reads a batch of rows, each formed by make(row, name) (a vector it fills, or the row itself when
/// it is read in place); every row must have the same length K >= 1.
template <class Rows, class Make>
[[nodiscard]] constexpr auto collect_batch(Rows&& rows, std::string_view function, std::string_view argument,
                                           Make make) {
    using R = std::remove_cvref_t<decltype(make(*std::ranges::begin(rows), std::declval<const arg_name&>()))>;
    std::vector<R> out;
    if constexpr (std::ranges::sized_range<Rows>) {
        out.reserve(std::ranges::size(rows));
    }
    std::size_t i = 0;
    for (auto&& row : rows) {
        const arg_name name(argument, i);
        R r = make(row, name);
        const std::size_t k = std::ranges::size(r);
        if (k == 0) {
            fail<shannon::invalid_argument>(function, "argument '", name, "' is an empty row");
        }
        if (!out.empty() && k != std::ranges::size(out.front())) {
            fail<shannon::invalid_argument>(function, "argument '", name, "' has length ", k,
                                            ", but row 0 has length ", std::ranges::size(out.front()));
        }
        out.push_back(std::move(r));
        ++i;
    }
    if (out.empty()) {
        fail_empty(function, argument);
    }
    return out;
}

/// Reads a batch of rows into W, passing each element (as its real type), the row's name and the
/// element's index to `check` first; every row must have the same length K >= 1.
template <class W, class Rows, class Check>
[[nodiscard]] constexpr std::vector<std::vector<W>> collect_rows(Rows&& rows, std::string_view function,
                                                                 std::string_view argument, Check check) {
    return collect_batch(std::forward<Rows>(rows), function, argument, [&check](auto&& row, const arg_name& name) {
        std::vector<W> r;
        if constexpr (std::ranges::sized_range<decltype(row)>) {
            r.reserve(std::ranges::size(row));
        }
        std::size_t k = 0;
        for (auto&& x : row) {
            poll_stop_at<W>(k);
            const auto v = static_cast<real_of<std::remove_cvref_t<decltype(x)>>>(x);
            r.push_back(check(v, name, k));
            ++k;
        }
        return r;
    });
}

template <class Indices>
[[nodiscard]] constexpr std::vector<std::size_t> collect_indices(Indices&& indices, std::size_t classes,
                                                       std::string_view function, std::string_view argument) {
    std::vector<std::size_t> out;
    std::size_t i = 0;
    for (auto&& c : indices) {
        if (c < 0 || static_cast<std::size_t>(c) >= classes) {
            fail_at<shannon::invalid_argument>(function, argument, i, c, "a class index must lie in [0, ", classes,
                                               ")");
        }
        out.push_back(static_cast<std::size_t>(c));
        ++i;
    }
    if (out.empty()) {
        fail_empty(function, argument);
    }
    return out;
}

/// Mean or sum of per-sample losses.
template <class W>
[[nodiscard]] constexpr W reduce(const W& sum, std::size_t n, reduction how) {
    if (how == reduction::sum) {
        return sum;
    }
    return sum / W(static_cast<double>(n));
}

template <class W>
[[nodiscard]] constexpr W reduce(const accumulator<W>& acc, std::size_t n, reduction how) {
    return reduce(acc.value(), n, how);
}

template <class W>
[[nodiscard]] constexpr auto probability_checker(std::string_view function) {
    return [function](const auto& v, const arg_name& name, std::size_t k) {
        check_probability(v, function, name, k);
        return to_working<W>(v);
    };
}

template <class W>
[[nodiscard]] constexpr auto logit_checker(std::string_view function) {
    return [function](const auto& v, const arg_name& name, std::size_t k) {
        return checked_logit<W>(v, function, name, k);
    };
}

template <class W>
[[nodiscard]] constexpr auto label_checker(std::string_view function) {
    return [function](const auto& v, const arg_name& name, std::size_t k) {
        return checked_label<W>(v, function, name, k);
    };
}

template <class W>
[[nodiscard]] constexpr auto unit_probability_checker(std::string_view function) {
    return [function](const auto& v, const arg_name& name, std::size_t k) {
        return checked_unit_probability<W>(v, function, name, k);
    };
}

template <class W>
constexpr void normalize_rows(std::vector<std::vector<W>>& rows, const options& opt, std::string_view function,
                    std::string_view argument) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
        normalize_argument(rows[i], opt, function, arg_name(argument, i));
    }
}

/// sum_k t_k nl_k, where nl is -log q (probabilities) or -log softmax (logits).
template <class W>
[[nodiscard]] constexpr W soft_target_loss(const std::vector<W>& t, const std::vector<W>& nl) {
    accumulator<W> acc;
    for (std::size_t k = 0; k < t.size(); ++k) {
        acc.add(times_or_zero(t[k], nl[k]));
    }
    return acc.value();
}

template <class W>
[[nodiscard]] constexpr std::vector<W> neg_log(const std::vector<W>& q) {
    std::vector<W> out;
    out.reserve(q.size());
    for (const W& x : q) {
        out.push_back(W(-log_(x)));
    }
    return out;
}

/// The shared body of the four categorical cross-entropy forms. `nl_of_row` maps a row of the
/// prediction (probabilities or logits, already read) to its -log probabilities.
template <class T, class Targets, class Rows, class RowCheck, class NegLog>
[[nodiscard]] constexpr T categorical_batch(Targets&& targets, Rows&& rows, const options& opt, std::string_view function,
                                  bool rows_are_distributions, RowCheck row_check, NegLog nl_of_row) {
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> working_t<T> {
        std::vector<std::vector<W>> pred = collect_rows<W>(std::forward<Rows>(rows), function, "prediction", row_check);
        if (rows_are_distributions) {
            normalize_rows(pred, opt, function, "prediction");
        }
        const std::size_t classes = pred.front().size();
        accumulator<W> acc;
        std::size_t n = 0;
        if constexpr (index_range<Targets>) {
            const std::vector<std::size_t> idx =
                collect_indices(std::forward<Targets>(targets), classes, function, "target");
            check_same_length(idx, pred, function, "target", "prediction");
            for (std::size_t i = 0; i < idx.size(); ++i) {
                acc.add(nl_of_row(pred[i])[idx[i]]);
            }
            n = idx.size();
        } else {
            std::vector<std::vector<W>> tgt =
                collect_rows<W>(std::forward<Targets>(targets), function, "target", probability_checker<W>(function));
            normalize_rows(tgt, opt, function, "target");
            check_same_length(tgt, pred, function, "target", "prediction");
            if (tgt.front().size() != classes) {
                fail<shannon::invalid_argument>(function, "target rows have ", tgt.front().size(),
                                                " classes, prediction rows have ", classes);
            }
            for (std::size_t i = 0; i < tgt.size(); ++i) {
                acc.add(soft_target_loss(tgt[i], nl_of_row(pred[i])));
            }
            n = tgt.size();
        }
        return in_unit(reduce(acc, n, opt.reduction), opt.base);
    });
}

/// One sample as a batch of one (the reduction of one sample is the sample's loss either way): a
/// range holding the caller's range, which is a named parameter alive for the whole call. (A plain
/// pointer range rather than std::ranges::single_view, which Clang 14 cannot compile with
/// libstdc++ 12.)
template <class R>
struct one_sample {
    R* row;
    [[nodiscard]] constexpr R* begin() const noexcept { return row; }
    [[nodiscard]] constexpr R* end() const noexcept { return row + 1; }
};

template <class R>
[[nodiscard]] constexpr one_sample<R> single(R& r) {
    return {&r};
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Binary cross-entropy

/// The type of shannon::binary_cross_entropy (a function object: it can be passed to the oracle).
struct binary_cross_entropy_fn {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"binary_cross_entropy", "-[y log p + (1-y) log(1-p)], mean over samples",
                                        argument_kinds::labels_and_probabilities, "bce"};
    /// BCE(y, p) = -[y log p + (1-y) log(1-p)] of one sample; y (soft labels allowed) and p in [0, 1].
    template <class Y, class P>
        requires(!std::ranges::range<Y> && !std::ranges::range<P>)
    [[nodiscard]] constexpr auto operator()(const Y& y, const P& p) const {
        using T = std::common_type_t<detail::real_of<Y>, detail::real_of<P>>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> working_t<T> {
            const W yw = detail::checked_label<W>(static_cast<T>(y), "binary_cross_entropy", "y", std::nullopt);
            const W pw = detail::checked_unit_probability<W>(static_cast<T>(p), "binary_cross_entropy", "p", std::nullopt);
            return detail::bce(yw, pw);
        });
    }
    /// The mean (or sum) over N samples.
    template <real_range Y, real_range P>
    [[nodiscard]] constexpr auto operator()(Y&& y, P&& p, const options& opt = {}) const -> pair_real_t<Y, P> {
        using T = pair_real_t<Y, P>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> working_t<T> {
            constexpr std::string_view fn = "binary_cross_entropy";
            const std::vector<W> yv = detail::collect_reals<W>(std::forward<Y>(y), fn, "y");
            const std::vector<W> pv = detail::collect_reals<W>(std::forward<P>(p), fn, "p");
            detail::check_same_length(yv, pv, fn, "y", "p");
            detail::accumulator<W> acc;
            for (std::size_t i = 0; i < yv.size(); ++i) {
                detail::check_unit_interval(yv[i], fn, "y", i, "a label");
                detail::check_unit_interval(pv[i], fn, "p", i);
                acc.add(detail::bce(yv[i], pv[i]));
            }
            return detail::in_unit(detail::reduce(acc, yv.size(), opt.reduction), opt.base);
        });
    }
};
/// Binary cross-entropy from probabilities. Accuracy: < 1 ulp of T per sample.
inline constexpr binary_cross_entropy_fn binary_cross_entropy{};

/// The type of shannon::binary_cross_entropy_with_logits.
struct binary_cross_entropy_with_logits_fn {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"binary_cross_entropy_with_logits",
                                        "y softplus(-x) + (1-y) softplus(x), mean over samples",
                                        argument_kinds::labels_and_logits, "bce-logits"};
    /// BCE(y, sigmoid(x)) = y softplus(-x) + (1-y) softplus(x) of one sample; y in [0, 1], any x.
    template <class Y, class X>
        requires(!std::ranges::range<Y> && !std::ranges::range<X>)
    [[nodiscard]] constexpr auto operator()(const Y& y, const X& x) const {
        using T = std::common_type_t<detail::real_of<Y>, detail::real_of<X>>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> working_t<T> {
            const W yw = detail::checked_label<W>(static_cast<T>(y), "binary_cross_entropy_with_logits", "y", std::nullopt);
            const W xw = detail::checked_logit<W>(static_cast<T>(x), "binary_cross_entropy_with_logits", "x", std::nullopt);
            return detail::bce_logits(yw, xw);
        });
    }
    /// The mean (or sum) over N samples.
    template <real_range Y, real_range X>
    [[nodiscard]] constexpr auto operator()(Y&& y, X&& x, const options& opt = {}) const -> pair_real_t<Y, X> {
        using T = pair_real_t<Y, X>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> working_t<T> {
            constexpr std::string_view fn = "binary_cross_entropy_with_logits";
            const std::vector<W> yv = detail::collect_reals<W>(std::forward<Y>(y), fn, "y");
            const std::vector<W> xv = detail::collect_reals<W>(std::forward<X>(x), fn, "x");
            detail::check_same_length(yv, xv, fn, "y", "x");
            for (std::size_t i = 0; i < yv.size(); ++i) {
                detail::check_unit_interval(yv[i], fn, "y", i, "a label");
            }
            return detail::in_unit(detail::reduce(detail::sum_bce_logits(yv, xv), yv.size(), opt.reduction), opt.base);
        });
    }
};
/// Binary cross-entropy from logits (numerically stable for |x| up to 1e300 and at +-inf).
inline constexpr binary_cross_entropy_with_logits_fn binary_cross_entropy_with_logits{};

// ---------------------------------------------------------------------------------------------
// Categorical cross-entropy

/// The type of shannon::categorical_cross_entropy.
struct categorical_cross_entropy_fn {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"categorical_cross_entropy",
                                        "-log q[label] (or -sum t log q for rows of targets), mean over rows",
                                        argument_kinds::classes_and_probabilities, "cce"};
    /// One sample, class-index target: -log q_c. The row q must be a distribution (options::normalization).
    template <class_index C, real_range Q>
    [[nodiscard]] constexpr auto operator()(C c, Q&& q, const options& opt = {}) const -> detail::range_real_t<Q> {
        return (*this)(std::array<C, 1>{c}, detail::single(q), opt);
    }
    /// One sample, one-hot or soft target row t: -sum t_k log q_k (= cross_entropy(t, q)).
    template <real_range Tg, real_range Q>
    [[nodiscard]] constexpr auto operator()(Tg&& t, Q&& q, const options& opt = {}) const -> pair_real_t<Tg, Q> {
        return (*this)(detail::single(t), detail::single(q), opt);
    }
    /// A batch: class indices (or target rows) and rows of probabilities; mean (or sum) over samples.
    template <std::ranges::input_range Tg, row_range Q>
        requires(index_range<Tg> || row_range<Tg>)
    [[nodiscard]] constexpr auto operator()(Tg&& targets, Q&& rows, const options& opt = {}) const {
        using T = detail::batch_real_t<Tg, Q>;
        using W = working_t<T>;
        constexpr std::string_view fn = "categorical_cross_entropy";
        return detail::categorical_batch<T>(std::forward<Tg>(targets), std::forward<Q>(rows), opt, fn, true,
                                            detail::probability_checker<W>(fn),
                                            [](const std::vector<W>& q) { return detail::neg_log(q); });
    }
};
/// Categorical cross-entropy from probabilities (index, one-hot or soft targets). Accuracy: < 1 ulp.
inline constexpr categorical_cross_entropy_fn categorical_cross_entropy{};

/// The type of shannon::categorical_cross_entropy_with_logits.
struct categorical_cross_entropy_with_logits_fn {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"categorical_cross_entropy_with_logits", "logsumexp(z) - z[label], mean over rows",
                                        argument_kinds::classes_and_logits, "cce-logits"};
    /// One sample, class-index target: logsumexp(z) - z_c.
    template <class_index C, real_range Z>
    [[nodiscard]] constexpr auto operator()(C c, Z&& z, const options& opt = {}) const -> detail::range_real_t<Z> {
        return (*this)(std::array<C, 1>{c}, detail::single(z), opt);
    }
    /// One sample, one-hot or soft target row t: sum t_k (logsumexp(z) - z_k).
    template <real_range Tg, real_range Z>
    [[nodiscard]] constexpr auto operator()(Tg&& t, Z&& z, const options& opt = {}) const -> pair_real_t<Tg, Z> {
        return (*this)(detail::single(t), detail::single(z), opt);
    }
    /// A batch of logit rows; mean (or sum) over samples.
    template <std::ranges::input_range Tg, row_range Z>
        requires(index_range<Tg> || row_range<Tg>)
    [[nodiscard]] constexpr auto operator()(Tg&& targets, Z&& rows, const options& opt = {}) const {
        using T = detail::batch_real_t<Tg, Z>;
        using W = working_t<T>;
        constexpr std::string_view fn = "categorical_cross_entropy_with_logits";
        return detail::categorical_batch<T>(std::forward<Tg>(targets), std::forward<Z>(rows), opt, fn, false,
                                            detail::logit_checker<W>(fn),
                                            [](const std::vector<W>& z) { return detail::neg_log_softmax(z); });
    }
};
/// Categorical cross-entropy from logits, through log-softmax (no overflow, no cancellation).
inline constexpr categorical_cross_entropy_with_logits_fn categorical_cross_entropy_with_logits{};

// ---------------------------------------------------------------------------------------------
// Multi-label binary cross-entropy

namespace detail {
template <class T, class Targets, class Rows, class PredCheck, class Loss>
[[nodiscard]] constexpr T multilabel_batch(Targets&& targets, Rows&& rows, const options& opt, std::string_view function,
                                 PredCheck pred_check, Loss loss) {
    using W = working_t<T>;
    return evaluate_rounded<T>([&]() -> working_t<T> {
        const auto tgt = collect_rows<W>(std::forward<Targets>(targets), function, "target", label_checker<W>(function));
        const auto pred = collect_rows<W>(std::forward<Rows>(rows), function, "prediction", pred_check);
        check_same_length(tgt, pred, function, "target", "prediction");
        if (tgt.front().size() != pred.front().size()) {
            fail<shannon::invalid_argument>(function, "target rows have ", tgt.front().size(),
                                            " classes, prediction rows have ", pred.front().size());
        }
        accumulator<W> acc;
        for (std::size_t i = 0; i < tgt.size(); ++i) {
            for (std::size_t k = 0; k < tgt[i].size(); ++k) {
                acc.add(loss(tgt[i][k], pred[i][k]));
            }
        }
        return in_unit(reduce(acc, tgt.size(), opt.reduction), opt.base);
    });
}
}  // namespace detail

/// The type of shannon::multilabel_binary_cross_entropy_with_logits.
struct multilabel_binary_cross_entropy_with_logits_fn {
    /// One sample: sum over classes k of BCE(y_k, sigmoid(z_k)), y an n-hot (or soft) label row.
    template <real_range Y, real_range Z>
    [[nodiscard]] constexpr auto operator()(Y&& y, Z&& z, const options& opt = {}) const -> pair_real_t<Y, Z> {
        return (*this)(detail::single(y), detail::single(z), opt);
    }
    /// A batch of rows: the per-sample sums, reduced over samples by the mean (or sum).
    template <row_range Y, row_range Z>
    [[nodiscard]] constexpr auto operator()(Y&& y, Z&& z, const options& opt = {}) const {
        using T = std::common_type_t<detail::row_real_t<Y>, detail::row_real_t<Z>>;
        using W = working_t<T>;
        constexpr std::string_view fn = "multilabel_binary_cross_entropy_with_logits";
        return detail::multilabel_batch<T>(std::forward<Y>(y), std::forward<Z>(z), opt, fn, detail::logit_checker<W>(fn),
                                           [](const W& yk, const W& zk) { return detail::bce_logits(yk, zk); });
    }
};
/// Multi-label BCE from logits: an independent sigmoid per class.
inline constexpr multilabel_binary_cross_entropy_with_logits_fn multilabel_binary_cross_entropy_with_logits{};

/// The type of shannon::multilabel_binary_cross_entropy.
struct multilabel_binary_cross_entropy_fn {
    /// One sample: sum over classes k of BCE(y_k, p_k), p_k = sigmoid outputs in [0, 1].
    template <real_range Y, real_range P>
    [[nodiscard]] constexpr auto operator()(Y&& y, P&& p, const options& opt = {}) const -> pair_real_t<Y, P> {
        return (*this)(detail::single(y), detail::single(p), opt);
    }
    /// A batch of rows: the per-sample sums, reduced over samples by the mean (or sum).
    template <row_range Y, row_range P>
    [[nodiscard]] constexpr auto operator()(Y&& y, P&& p, const options& opt = {}) const {
        using T = std::common_type_t<detail::row_real_t<Y>, detail::row_real_t<P>>;
        using W = working_t<T>;
        constexpr std::string_view fn = "multilabel_binary_cross_entropy";
        return detail::multilabel_batch<T>(std::forward<Y>(y), std::forward<P>(p), opt, fn,
                                           detail::unit_probability_checker<W>(fn),
                                           [](const W& yk, const W& pk) { return detail::bce(yk, pk); });
    }
};
/// Multi-label BCE from per-class probabilities.
inline constexpr multilabel_binary_cross_entropy_fn multilabel_binary_cross_entropy{};

}  // namespace shannon

SHANNON_FP_CONTRACT_RESTORE
