// shannon/profiles/common.hpp — what the framework profiles share: the reductions and the
// dtype-rounded constants of the frameworks, the clamps they apply, and the readers of their tensors.
//
// A profile is the exact value of the formula a framework documents, with the framework's
// conventions (clamps, epsilons, divisors) and its argument names and defaults. Each is written once,
// generically, from the core's pieces (softplus, -log softmax, xlogy, ...), so the same code gives a
// double result, an MPFR value at any precision, and (in shannon::exact) an enclosure from which the
// correctly rounded truth follows.
//
// Tensors are passed as flat ranges (elementwise functions; the caller broadcasts weights to the
// input's shape) or as ranges of rows (functions over a class dimension: an N x C batch). Unreduced
// results (reduction "none") come from the *_unreduced form of a function, which returns one value
// per sample or element; the reduced form returns one value.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <ranges>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/format.hpp"
#include "../core/losses.hpp"
#include "../core/math.hpp"
#include "../numbers/traits.hpp"
#include "../detail/fp_contract.hpp"
#include "../detail/row_fn.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::profiles {

/// The reductions of the frameworks' loss functions ("none" selects the *_unreduced form).
enum class reduction {
    none,
    mean,
    sum,
    batchmean,  ///< torch.nn.functional.kl_div: the sum divided by the batch size (input.size(0))
};

/// The floating-point type of the framework's tensors (core/format.hpp's shannon::format, named as
/// NumPy and PyTorch name it: float64, float32, bfloat16, float16): the constants a framework stores
/// in the tensor's dtype (Keras' epsilon and 1 - epsilon, PyTorch's eps clamps) take its rounding.
using dtype = shannon::format;

/// The value of c in the dtype: round to nearest, ties to even (Python float -> tensor dtype).
[[nodiscard]] inline double in_dtype(double c, dtype d) { return round_to_format(c, d); }

/// log 2 as the frameworks take it from a Python float or jnp.log(2.0): the double nearest it, which
/// in_dtype then rounds to the tensor's dtype (optax's and Keras' log_cosh subtract it).
inline constexpr double log2_double = 0x1.62e42fefa39efp-1;

namespace detail {

using shannon::detail::fail;
using shannon::detail::fail_at;
using shannon::detail::accumulator;

/// max(x, c): for intervals, [max(lo x, lo c), max(hi x, hi c)] (max is monotone in both).
template <class W>
[[nodiscard]] W at_least(const W& x, const W& c) {
    if constexpr (is_interval_v<W>) {
        using shannon::detail::lower_of;
        using shannon::detail::upper_of;
        if (!(lower_of(x) < upper_of(c))) {
            return x;  // x >= c everywhere
        }
        if (!(upper_of(x) > lower_of(c))) {
            return c;  // x <= c everywhere
        }
        const W lo = lower_of(x) < lower_of(c) ? W(lower_of(c)) : W(lower_of(x));
        const W hi = upper_of(x) < upper_of(c) ? W(upper_of(c)) : W(upper_of(x));
        return hull(lo, hi);
    } else {
        return x < c ? c : x;
    }
}

template <class W>
[[nodiscard]] W at_least(const W& x, double c) {
    return at_least(x, W(c));
}

/// min(x, c), the mirror of at_least.
template <class W>
[[nodiscard]] W at_most(const W& x, const W& c) {
    return W(-at_least(W(-x), W(-c)));
}

template <class W>
[[nodiscard]] W at_most(const W& x, double c) {
    return at_most(x, W(c));
}

/// clip(x, lo, hi) = min(max(x, lo), hi).
template <class W, class B>
[[nodiscard]] W clip(const W& x, const B& lo, const B& hi) {
    return at_most(at_least(x, lo), hi);
}

/// The slope autograd and tf.GradientTape give clip(x, lo, hi) (torch.clamp, tf.clip_by_value): 1
/// inside [lo, hi], ends included, 0 beyond. For a computed x (a normalized probability) whose
/// enclosure straddles an end, an interval type gets the hull [0, 1] (its caller's loop then refines
/// x; never a guess), a plain number its own side.
template <class W, class B>
[[nodiscard]] W clip_slope(const W& x, const B& lo, const B& hi) {
    using shannon::detail::lower_of;
    using shannon::detail::upper_of;
    if (!(lower_of(x) < upper_of(W(lo))) && !(upper_of(x) > lower_of(W(hi)))) {
        return W(1);
    }
    if (upper_of(x) < lower_of(W(lo)) || lower_of(x) > upper_of(W(hi))) {
        return W(0);
    }
    if constexpr (is_interval_v<W>) {
        return hull(W(0), W(1));
    } else {
        return W(lo <= x && x <= hi ? 1 : 0);
    }
}

/// slope * f(), with f() not evaluated where the slope is an exact 0 (f may divide by 0 there).
template <class W, class F>
[[nodiscard]] W sloped(const W& slope, const F& f) {
    return shannon::detail::is_exact_zero(slope) ? W(0) : W(slope * f());
}

/// x * f as IEEE arithmetic gives it: 0 * inf is NaN (the frameworks that multiply plainly, e.g.
/// optax's labels * log_softmax, propagate it; shannon's own measures use times_or_zero instead).
template <class W>
[[nodiscard]] W ieee_times(const W& x, const W& f) {
    if (shannon::detail::is_exact_zero(x) && (shannon::detail::is_pos_inf(shannon::detail::upper_of(f)) ||
                                              shannon::detail::is_neg_inf(shannon::detail::lower_of(f)))) {
        return shannon::detail::quiet_nan<W>();
    }
    return shannon::detail::times_or_zero(x, f);
}

/// x^g for x >= 0 and g >= 0 (the focal factor): 1 when g = 0, 0 when x = 0 < g, exp(g log x) otherwise.
template <class W>
[[nodiscard]] W power(const W& x, double g) {
    if (g == 0) {
        return W(1);
    }
    if (shannon::detail::is_exact_zero(x)) {
        return W(0);
    }
    if (g == 1) {
        return x;
    }
    if (g == 2) {
        return W(x * x);
    }
    return shannon::detail::exp_(W(W(g) * shannon::detail::log_(x)));
}

/// d x^g / dx = g x^(g - 1) for x >= 0 and g >= 0 as tf.pow's gradient forms it (g * pow(x, g - 1), no
/// special case): at x = 0 it is 0 for g > 1, 1 for g = 1, +inf for 0 < g < 1 and NaN for g = 0 (0 * inf).
template <class W>
[[nodiscard]] W power_slope(const W& x, double g) {
    if (shannon::detail::is_exact_zero(x)) {
        return g > 1 ? W(0) : g == 1 ? W(1) : g > 0 ? shannon::detail::pos_infinity<W>() : shannon::detail::quiet_nan<W>();
    }
    if (g == 0) {
        return W(0);
    }
    if (g == 1) {
        return W(1);
    }
    if (g == 2) {
        return W(W(2) * x);
    }
    return W(W(g) * shannon::detail::exp_(W(W(W(g) - W(1)) * shannon::detail::log_(x))));
}

/// A tensor whose elements already are W, readable in place: a random-access view (the ball path's
/// lazily lifted binary64 inputs).
template <class R, class W>
concept in_place = std::ranges::view<std::remove_cvref_t<R>> && shannon::detail::row_of_numbers<std::remove_cvref_t<R>> &&
                   std::is_same_v<shannon::detail::row_value_t<std::remove_cvref_t<R>>, W>;

/// read() into a vector.
template <class W, class R>
[[nodiscard]] std::vector<W> read_copy(R&& r, std::string_view function, std::string_view argument) {
    std::vector<W> out;
    if constexpr (std::ranges::sized_range<R>) {
        out.reserve(std::ranges::size(r));
    }
    for (auto&& x : r) {
        out.push_back(to_working<W>(static_cast<shannon::detail::real_of<std::remove_cvref_t<decltype(x)>>>(x)));
    }
    if (out.empty()) {
        shannon::detail::fail_empty(function, argument);
    }
    return out;
}

/// Reads a flat tensor into the working type (NaN passes through: the frameworks propagate it); a
/// tensor already of W is read in place (see in_place).
template <class W, class R>
[[nodiscard]] auto read(R&& r, std::string_view function, std::string_view argument) {
    if constexpr (in_place<R, W>) {
        if (std::ranges::empty(r)) {
            shannon::detail::fail_empty(function, argument);
        }
        return std::remove_cvref_t<R>(r);
    } else {
        return read_copy<W>(std::forward<R>(r), function, argument);
    }
}

/// Reads an N x C batch of rows (every row of the same length C >= 1): into vectors of W, or, when
/// the rows are random-access views whose elements already are W (the ball path's lazily lifted
/// binary64 rows), as those views, read in place rather than copied (a batch of 10^8 logits would be
/// 2.4 GB of balls).
template <class W, class Rows>
[[nodiscard]] auto read_rows(Rows&& rows, std::string_view function, std::string_view argument) {
    using Row = std::remove_cvref_t<std::ranges::range_reference_t<Rows>>;
    if constexpr (in_place<Row, W>) {
        return shannon::detail::collect_batch(std::forward<Rows>(rows), function, argument,
                                              [](auto&& row, const auto&) { return Row(row); });
    } else {
        return shannon::detail::collect_rows<W>(std::forward<Rows>(rows), function, argument,
                                                [](const auto& v, const auto&, std::size_t) { return to_working<W>(v); });
    }
}

using shannon::detail::check_same_length;

/// Applies f elementwise to equal-length flat inputs and rounds each value to T.
template <class T, class F, class... R>
[[nodiscard]] std::vector<T> elementwise(std::string_view function, const F& f, R&&... r) {
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const std::vector<std::vector<W>> in{read_copy<W>(std::forward<R>(r), function, "x")...};
        for (const auto& v : in) {
            check_same_length(in.front(), v, function, "x", "y");
        }
        std::vector<W> out;
        out.reserve(in.front().size());
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            for (std::size_t i = 0; i < in.front().size(); ++i) {
                out.push_back(f(in[K][i]...));
            }
        }(std::index_sequence_for<R...>{});
        return out;
    });
}

/// The type of elementwise_with's fallback for the elements a row kernel does not take (for the
/// lookup of map_row).
template <class W>
struct rare_element {
    W operator()(std::size_t) const { return W(); }
};

/// elementwise(function, f, r...) with a number type's own kernel for the whole row where it has one
/// (the ball's vector loop, detail/map_row.hpp), found through the tag as math.hpp's softmax_row
/// finds exp_shifted_row: `kernel` names the function f computes wherever that kernel takes an
/// element (a finite x in the kernel's range; for softplus x <= upper, for log_sigmoid -x <= upper),
/// and f itself gives the others, with its conventions (NaN, infinities, exact zeros, the linear
/// region). The same enclosures either way; the kernel's are computed four elements at a time.
template <class T, class F, class... R>
[[nodiscard]] std::vector<T> elementwise_with(std::string_view function, shannon::detail::row_fn kernel, double upper,
                                              const F& f, R&&... r) {
    using W = working_t<T>;
    if constexpr (std::is_same_v<T, W> &&
                  requires(W* out, const rare_element<W>& rare) {
                      map_row(std::type_identity<W>{}, kernel, upper, out, rare, r...);
                  }) {
        const std::size_t n = std::ranges::size(std::get<0>(std::forward_as_tuple(r...)));
        if (n > 0 && ((std::ranges::size(r) == n) && ...)) {
            std::vector<W> out(n, W());
            const auto rare = [&](std::size_t i) -> W { return f(std::ranges::begin(r)[i]...); };
            if (map_row(std::type_identity<W>{}, kernel, upper, out.data(), rare, r...)) {
                return out;
            }
        }
    }
    return elementwise<T>(function, f, std::forward<R>(r)...);
}

/// The double an exactly read input holds (its enclosure is a point).
template <class W>
[[nodiscard]] double input_value(const W& v) {
    return static_cast<double>(shannon::detail::representative(v));
}

template <class W>
[[nodiscard]] W nan() {
    return shannon::detail::quiet_nan<W>();
}
template <class W>
[[nodiscard]] W inf() {
    return shannon::detail::pos_infinity<W>();
}

// The elementwise values that scipy.special and torch.special share (the same boundary values in
// both, checked against both): entr, xlogy, xlog1py.

/// -x log x for x > 0, +0 at x = 0, -inf for x < 0, NaN for NaN.
template <class W>
[[nodiscard]] W entr_value(const W& v) {
    if (shannon::detail::has_nan(v)) {
        return nan<W>();
    }
    if (shannon::detail::upper_of(v) < 0) {
        return W(-inf<W>());
    }
    if (shannon::detail::is_exact_zero(v)) {
        return W(0);  // +0, as scipy and torch
    }
    return W(-shannon::detail::xlogy(v, v));
}

/// x log y, 0 when x = 0 (and y is not NaN); NaN for y < 0, x != 0, for a NaN, and for +-inf log 1
/// (IEEE's inf * 0, as scipy and torch compute it).
template <class W>
[[nodiscard]] W xlogy_value(const W& a, const W& b) {
    if (shannon::detail::has_nan(a) || shannon::detail::has_nan(b) ||
        (!shannon::detail::is_exact_zero(a) && shannon::detail::upper_of(b) < 0) ||
        (shannon::detail::may_be_infinite(a) && shannon::detail::lower_of(b) == 1 && shannon::detail::upper_of(b) == 1)) {
        return nan<W>();
    }
    return shannon::detail::xlogy(a, b);
}

/// x log1p(y), 0 when x = 0 (and y is not NaN); NaN for y < -1, x != 0, for a NaN, and for
/// +-inf log1p(0) (IEEE's inf * 0).
template <class W>
[[nodiscard]] W xlog1py_value(const W& a, const W& b) {
    if (shannon::detail::has_nan(a) || shannon::detail::has_nan(b) ||
        (!shannon::detail::is_exact_zero(a) && shannon::detail::upper_of(b) < -1) ||
        (shannon::detail::may_be_infinite(a) && shannon::detail::is_exact_zero(b))) {
        return nan<W>();
    }
    return shannon::detail::xlog1py(a, b);
}

/// A per-class weight (torch's `weight`): none, or one per class.
inline void check_class_weights(const std::vector<double>& weight, std::size_t classes, std::string_view function) {
    if (!weight.empty() && weight.size() != classes) {
        fail<shannon::invalid_argument>(function, "argument 'weight' has ", weight.size(), " elements, but input has ",
                                        classes, " classes");
    }
}

/// Reads two flat tensors of the same shape (input and target).
template <class W, class A, class B>
[[nodiscard]] auto read_pair(A&& a, B&& b, std::string_view function, std::string_view an = "input",
                             std::string_view bn = "target") {
    auto x = read<W>(std::forward<A>(a), function, an);
    auto y = read<W>(std::forward<B>(b), function, bn);
    check_same_length(x, y, function, an, bn);
    return std::pair{std::move(x), std::move(y)};
}

/// Reads two N x C batches of the same shape (y_true and y_pred, logits and labels, ...).
template <class W, class A, class B>
[[nodiscard]] auto read_rows_pair(
    A&& a, B&& b, std::string_view function, std::string_view an, std::string_view bn) {
    auto x = read_rows<W>(std::forward<A>(a), function, an);
    auto y = read_rows<W>(std::forward<B>(b), function, bn);
    check_same_length(x, y, function, an, bn);
    if (x.front().size() != y.front().size()) {
        fail<shannon::invalid_argument>(function, "the rows of '", an, "' (length ", x.front().size(), ") and '", bn,
                                        "' (length ", y.front().size(), ") must have the same length");
    }
    return std::pair{std::move(x), std::move(y)};
}

/// The number type of a profile over two flat inputs.
template <class X, class Y>
using pair_t = std::common_type_t<shannon::detail::range_real_t<X>, shannon::detail::range_real_t<Y>>;

/// The number type of a profile over an N x C batch of rows.
template <class Rows>
using rows_t = std::common_type_t<shannon::detail::row_real_t<Rows>>;

/// An optional per-element (or per-class) weight: empty means 1 everywhere.
template <class W>
[[nodiscard]] W weight_at(const std::vector<double>& w, std::size_t i) {
    return w.empty() ? W(1) : W(w[i]);
}

/// The reduced value of per-sample values l with the divisor of the mean (a weighted mean's sum of
/// weights, the number of elements, or the batch size): 0/0 (every sample ignored) is NaN.
/// A sum reduced: itself, or divided by the divisor (0: NaN, as the frameworks' 0 / 0).
template <class W>
[[nodiscard]] W reduce_sum(const W& sum, reduction how, const W& divisor, std::string_view function) {
    if (how == reduction::none) {
        fail<shannon::invalid_argument>(function,
                                        "reduction 'none' gives one value per element: call the *_unreduced form");
    }
    if (how == reduction::sum) {
        return sum;
    }
    if (shannon::detail::is_exact_zero(divisor)) {
        return shannon::detail::quiet_nan<W>();
    }
    return W(sum / divisor);
}

template <class W>
[[nodiscard]] W reduce(const std::vector<W>& l, reduction how, const W& divisor, std::string_view function) {
    accumulator<W> acc;
    for (const W& x : l) {
        acc.add(x);
    }
    return reduce_sum(acc.value(), how, divisor, function);
}

/// Weights broadcast to n elements: w[i] is the i-th given weight, or 1 when none were given (the
/// ones are not stored).
template <class W>
class broadcast_weights {
public:
    explicit broadcast_weights(std::vector<W> w) : w_(std::move(w)) {}
    [[nodiscard]] W operator[](std::size_t i) const { return w_.empty() ? W(1) : w_[i]; }

private:
    std::vector<W> w_;
};

/// Reads an optional per-element weight (empty: every weight is 1); given, it must have n elements.
template <class W>
[[nodiscard]] broadcast_weights<W> broadcast_weight(const std::vector<double>& w, std::size_t n,
                                                    std::string_view function, std::string_view name) {
    if (!w.empty() && w.size() != n) {
        fail<shannon::invalid_argument>(function, "argument '", name, "' has ", w.size(),
                                        " elements; broadcast it to the input's ", n, " elements");
    }
    std::vector<W> out;
    out.reserve(w.size());
    for (double x : w) {
        out.push_back(W(x));
    }
    return broadcast_weights<W>(std::move(out));
}

/// The reduced value, rounded to T, of the terms make() computes in W (the mean divides by the number
/// of terms unless `divisor` is given); the unreduced values are evaluate_rounded<T>(make).
template <class T, class Make>
[[nodiscard]] T reduced(const Make& make, profiles::reduction how, std::string_view function, double divisor = -1) {
    return evaluate_rounded<T>([&]() -> working_t<T> {
        const auto l = make();
        return reduce(l, how, working_t<T>(divisor < 0 ? static_cast<double>(l.size()) : divisor), function);
    });
}


}  // namespace detail
}  // namespace shannon::profiles

SHANNON_FP_CONTRACT_RESTORE
