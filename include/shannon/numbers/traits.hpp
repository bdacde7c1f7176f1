// shannon/numbers/traits.hpp — what the library needs to know about a number type.
//
// Every quantity in shannon is one template over its number type T. Three facts about T drive the
// generic code:
//
//  * working_type<T>: the type a quantity is evaluated in before it is rounded once to T. It carries
//    guard digits (float -> double, double -> double_word<double>, long double ->
//    double_word<long double>, cpp_bin_float<D> ->
//    cpp_bin_float<D + 12> (no Boost header needed here); MPFR and MPFI types get theirs in <shannon/mpfr.hpp> and
//    <shannon/mpfi.hpp>). Rounding once from a wider evaluation is what makes double results land
//    within about half an ulp on well-conditioned inputs, whatever the number of terms. The built-in
//    types' working types use shannon's own constexpr log/exp kernels, never the C library, so
//    their results are the same on every platform and at compile time.
//  * is_interval<T>: interval types (Boost's mpfi_float) give enclosures. Interval code never
//    branches on an interval comparison (MPFI comparisons can terminate the process); it asks for
//    the endpoints, or for a selection key (see representative()) when a branch only chooses between two
//    algebraically identical formulas.
//  * precision_scope<T>: variable-precision types (mpfr_float with precision 0) get their guard digits
//    by raising the thread's default precision for the duration of one call.
#pragma once

#include <cfloat>
#include <cmath>
#include <concepts>
#include <limits>
#include <type_traits>

#include "double_word.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon {

/// True for the interval number types shannon knows about (an ADL-visible lower/upper/zero_in set,
/// as Boost.Multiprecision's mpfi_float provides).
template <class T>
concept interval_number = requires(const T& x) {
    lower(x);
    upper(x);
    { zero_in(x) } -> std::convertible_to<bool>;
};

template <class T>
inline constexpr bool is_interval_v = interval_number<T>;

/// The type in which a quantity over T is evaluated before one final rounding to T.
/// Specialize it for your own types; the primary template evaluates in T itself.
template <class T>
struct working_type {
    /// The working type.
    using type = T;
};

/// float is evaluated in double.
template <>
struct working_type<float> {
    /// double.
    using type = double;
};

// Double words (double_word.hpp): 106 bits for double, 128 for x87 long double, evaluated with
// the same constexpr code at compile time and at run time.
/// double is evaluated in a double word of 106 bits.
template <>
struct working_type<double> {
    /// double_word<double>.
    using type = double_word<double>;
};

/// long double is evaluated in a double word (128 bits for x87's 64-bit mantissa).
template <>
struct working_type<long double> {
    /// double_word<long double>.
    using type = double_word<long double>;
};

namespace detail {

/// Guard digits of Boost's cpp_bin_float: 12 decimal digits for a decimal precision, 40 bits for a
/// binary one.
inline constexpr unsigned guard_digits10 = 12;
inline constexpr unsigned guard_bits = 40;

/// Boost.Multiprecision's cpp_bin_float, number<cpp_bin_float<Digits, Base, Allocator, Exponent,
/// MinExponent, MaxExponent>, ET>, recognized by the shape of its two templates so that this header
/// needs no Boost header (they cost a double-only translation unit six times a bare one): the same
/// type with the guard digits added to Digits and every other argument kept. No other Boost type has
/// this shape; backend_type (Boost's number) and digit bases 2 and 10 are checked besides.
template <class T>
struct cpp_bin_float_guarded {};
template <template <class, auto> class Number, template <unsigned, auto, class, class, auto, auto> class Float,
          unsigned Digits, auto Base, class Allocator, class Exponent, auto MinExponent, auto MaxExponent, auto ET>
    requires requires { typename Number<Float<Digits, Base, Allocator, Exponent, MinExponent, MaxExponent>, ET>::backend_type; } &&
             (static_cast<int>(Base) == 2 || static_cast<int>(Base) == 10)
struct cpp_bin_float_guarded<Number<Float<Digits, Base, Allocator, Exponent, MinExponent, MaxExponent>, ET>> {
    using type = Number<Float<Digits + (static_cast<int>(Base) == 10 ? guard_digits10 : guard_bits), Base, Allocator,
                              Exponent, MinExponent, MaxExponent>,
                        ET>;
};

}  // namespace detail

/// cpp_bin_float types are evaluated with 12 guard decimal digits (a decimal precision) or 40 guard
/// bits (a binary one).
template <class T>
    requires requires { typename detail::cpp_bin_float_guarded<T>::type; }
struct working_type<T> {
    /// cpp_bin_float of Digits + 12 decimal digits or Digits + 40 bits.
    using type = typename detail::cpp_bin_float_guarded<T>::type;
};

template <class T>
using working_t = typename working_type<T>::type;

/// The evaluation context of one call: for most types it only rounds the working-precision result
/// to T. Variable-precision types specialize it to raise the thread's default precision by guard
/// digits while the call runs and to round the result back to the caller's precision.
template <class T>
struct precision_scope {
    /// Nothing to raise for a fixed-precision type.
    constexpr precision_scope() noexcept = default;
    precision_scope(const precision_scope&) = delete;
    precision_scope& operator=(const precision_scope&) = delete;
    /// Nothing to restore.
    constexpr ~precision_scope() = default;
    /// The precision is the type's own (variable-precision types' specializations lack this).
    static constexpr bool fixed_precision = true;

    /// The working-precision result w rounded (once) to T.
    template <class W>
    [[nodiscard]] constexpr T round(const W& w) const {
        if constexpr (std::is_same_v<W, T>) {
            return w;
        } else {
            return static_cast<T>(w);
        }
    }
};

/// Converts an input element to the working type exactly (every working type is at least as wide).
/// Variable-precision types specialize it so that the copy takes the raised working precision
/// (Boost keeps the precision of the source otherwise, and every later operation would inherit it).
template <class W>
struct convert_to_working {
    /// x converted exactly to the working type W.
    template <class T>
    [[nodiscard]] static constexpr W from(const T& x) {
        if constexpr (std::is_same_v<W, T>) {
            return x;
        } else {
            return static_cast<W>(x);
        }
    }
};

template <class W, class T>
[[nodiscard]] constexpr W to_working(const T& x) {
    return convert_to_working<W>::from(x);
}

namespace detail {

/// Integral inputs (counts, class indices) are promoted to double, everything else is kept.
template <class T>
using real_of = std::conditional_t<std::is_integral_v<T> || std::is_same_v<T, bool>, double, T>;

template <class T>
[[nodiscard]] constexpr auto lower_of(const T& x) {
    if constexpr (is_interval_v<T>) {
        return lower(x);
    } else {
        return x;
    }
}

template <class T>
[[nodiscard]] constexpr auto upper_of(const T& x) {
    if constexpr (is_interval_v<T>) {
        return upper(x);
    } else {
        return x;
    }
}

/// A scalar that stands for x when a branch only selects between algebraically identical formulas
/// (so the choice affects accuracy, never correctness): the value itself, or an interval's midpoint.
template <class T>
[[nodiscard]] constexpr auto representative(const T& x) {
    if constexpr (is_interval_v<T>) {
        return median(x);
    } else {
        return x;
    }
}

/// True when x is exactly zero (for an interval: the point interval [0, 0]; a type may answer
/// itself through an ADL-visible is_exactly_zero, as the double-double ball does).
template <class T>
[[nodiscard]] constexpr bool is_exact_zero(const T& x) {
    if constexpr (requires { is_exactly_zero(x); }) {
        return is_exactly_zero(x);
    } else if constexpr (is_interval_v<T>) {
        return lower(x) == 0 && upper(x) == 0;
    } else {
        return x == 0;
    }
}

// Classification that is constexpr for the built-in types (std::isnan and friends are not on
// every compiler) and found by ADL for the others (double_word, Boost.Multiprecision).
template <class T>
[[nodiscard]] constexpr bool isnan_(const T& x) {
    if constexpr (std::is_floating_point_v<T>) {
        return x != x;
    } else if constexpr (std::is_integral_v<T>) {
        return false;
    } else {
        using std::isnan;
        return isnan(x);
    }
}
template <class T>
[[nodiscard]] constexpr bool isfinite_(const T& x) {
    if constexpr (std::is_floating_point_v<T>) {
        // Comparisons only: GCC rejects inf - inf (a NaN) in a constant expression.
        return x == x && x != std::numeric_limits<T>::infinity() && x != -std::numeric_limits<T>::infinity();
    } else if constexpr (std::is_integral_v<T>) {
        return true;
    } else {
        using std::isfinite;
        return isfinite(x);
    }
}
template <class T>
[[nodiscard]] constexpr bool isinf_(const T& x) {
    return !isnan_(x) && !isfinite_(x);
}

template <class T>
[[nodiscard]] constexpr bool has_nan(const T& x) {
    if constexpr (is_interval_v<T>) {
        return isnan_(lower(x)) || isnan_(upper(x));
    } else {
        return isnan_(x);
    }
}

template <class T>
[[nodiscard]] constexpr bool is_pos_inf(const T& x) {
    const auto u = upper_of(x);
    return isinf_(u) && u > 0;
}

template <class T>
[[nodiscard]] constexpr bool is_neg_inf(const T& x) {
    const auto l = lower_of(x);
    return isinf_(l) && l < 0;
}

/// True when no value of x is finite in magnitude at the top end (+inf possible).
template <class T>
[[nodiscard]] constexpr bool may_be_infinite(const T& x) {
    return is_pos_inf(x) || is_neg_inf(x);
}

template <class T>
[[nodiscard]] constexpr T pos_infinity() {
    return static_cast<T>(std::numeric_limits<double>::infinity());
}

template <class T>
[[nodiscard]] constexpr T quiet_nan() {
    return static_cast<T>(std::numeric_limits<double>::quiet_NaN());
}

/// Converts an element to N exactly (a float or double to a point of N): the function of the oracle's
/// lazily lifted input views, named so that a number type can recognize such a view and read the
/// binary64 or binary32 values behind it straight from memory (the ball's vector kernels do).
template <class N>
struct exact_conversion {
    template <class E>
    [[nodiscard]] N operator()(const E& e) const {
        return N(e);
    }
};

}  // namespace detail
}  // namespace shannon

SHANNON_FP_CONTRACT_RESTORE
