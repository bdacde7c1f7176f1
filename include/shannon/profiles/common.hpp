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
#include <string_view>
#include <utility>
#include <vector>

#include "../error.hpp"
#include "../losses.hpp"
#include "../math.hpp"
#include "../number_traits.hpp"

namespace shannon::profiles {

/// The reductions of the frameworks' loss functions ("none" selects the *_unreduced form).
enum class reduction {
    none,
    mean,
    sum,
    batchmean,  ///< torch.nn.functional.kl_div: the sum divided by the batch size (input.size(0))
};

/// The floating-point type of the framework's tensors: the constants a framework stores in the
/// tensor's dtype (Keras' epsilon and 1 - epsilon, PyTorch's eps clamps) take its rounding.
enum class dtype { float64, float32, bfloat16, float16 };

/// The value of c in the dtype: round to nearest, ties to even (Python float -> tensor dtype).
[[nodiscard]] inline double in_dtype(double c, dtype d) {
    int precision = 53;
    int emin = -1022;
    switch (d) {
        case dtype::float32:
            return static_cast<double>(static_cast<float>(c));
        case dtype::bfloat16:
            precision = 8;
            emin = -126;
            break;
        case dtype::float16:
            precision = 11;
            emin = -14;
            break;
        case dtype::float64:
            return c;
    }
    if (c == 0 || !std::isfinite(c)) {
        return c;
    }
    // Round the significand to `precision` bits (fewer below the normal range) by adding and
    // subtracting a power of two that leaves exactly those bits (rounds to nearest even).
    const int e = std::max(std::ilogb(c), emin);
    const double big = std::ldexp(1.0, e - precision + 1 + 52);
    const double r = (c + std::copysign(big, c)) - std::copysign(big, c);
    return r;
}

namespace detail {

using shannon::detail::fail;
using shannon::detail::fail_at;
using shannon::detail::accumulator;

/// max(x, c): for an interval, [max(lo, c), max(hi, c)] (max is monotone).
template <class W>
[[nodiscard]] W at_least(const W& x, double c) {
    const W cw = W(c);
    if constexpr (is_interval_v<W>) {
        if (!(shannon::detail::lower_of(x) < c)) {
            return x;
        }
        if (!(shannon::detail::upper_of(x) > c)) {
            return cw;
        }
        return hull(cw, W(shannon::detail::upper_of(x)));
    } else {
        return x < cw ? cw : x;
    }
}

/// min(x, c), the mirror of at_least.
template <class W>
[[nodiscard]] W at_most(const W& x, double c) {
    return W(-at_least(W(-x), -c));
}

/// clip(x, lo, hi) = min(max(x, lo), hi).
template <class W>
[[nodiscard]] W clip(const W& x, double lo, double hi) {
    return at_most(at_least(x, lo), hi);
}

/// Reads a flat tensor into the working type (NaN passes through: the frameworks propagate it).
template <class W, class R>
[[nodiscard]] std::vector<W> read(R&& r, std::string_view function, std::string_view argument) {
    std::vector<W> out;
    for (auto&& x : r) {
        out.push_back(to_working<W>(static_cast<shannon::detail::real_of<std::remove_cvref_t<decltype(x)>>>(x)));
    }
    if (out.empty()) {
        fail<shannon::invalid_argument>(function, "argument '", shannon::detail::arg_name(argument), "' is empty");
    }
    return out;
}

/// Reads an N x C batch of rows (every row of the same length C >= 1).
template <class W, class Rows>
[[nodiscard]] std::vector<std::vector<W>> read_rows(Rows&& rows, std::string_view function, std::string_view argument) {
    return shannon::detail::collect_rows<W>(std::forward<Rows>(rows), function, argument,
                                            [](const auto& v, const auto&, std::size_t) { return to_working<W>(v); });
}

/// The number type of a profile over two flat inputs.
template <class X, class Y>
using pair_t = std::common_type_t<shannon::detail::range_real_t<X>, shannon::detail::range_real_t<Y>>;

template <class A, class B>
void same_size(const A& a, const B& b, std::string_view function, std::string_view an, std::string_view bn) {
    if (a.size() != b.size()) {
        fail<shannon::invalid_argument>(function, "arguments '", an, "' (", a.size(), " elements) and '", bn, "' (",
                                        b.size(), " elements) must have the same shape");
    }
}

/// An optional per-element (or per-class) weight: empty means 1 everywhere.
template <class W>
[[nodiscard]] W weight_at(const std::vector<double>& w, std::size_t i) {
    return w.empty() ? W(1) : W(w[i]);
}

/// The reduced value of per-sample values l with the divisor of the mean (a weighted mean's sum of
/// weights, the number of elements, or the batch size): 0/0 (every sample ignored) is NaN.
template <class W>
[[nodiscard]] W reduce(const std::vector<W>& l, reduction red, const W& divisor, std::string_view function) {
    if (red == reduction::none) {
        fail<shannon::invalid_argument>(function,
                                        "reduction 'none' gives one value per element: call the *_unreduced form");
    }
    accumulator<W> acc;
    for (const W& x : l) {
        acc.add(x);
    }
    if (red == reduction::sum) {
        return acc.value();
    }
    if (shannon::detail::is_exact_zero(divisor)) {
        return shannon::detail::quiet_nan<W>();
    }
    return W(acc.value() / divisor);
}

template <class T, class W>
[[nodiscard]] std::vector<T> round_all(const precision_scope<T>& scope, const std::vector<W>& v) {
    std::vector<T> out;
    out.reserve(v.size());
    for (const W& x : v) {
        out.push_back(scope.round(x));
    }
    return out;
}

}  // namespace detail
}  // namespace shannon::profiles
