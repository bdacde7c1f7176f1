// shannon/numbers/traits.hpp — what the library needs to know about a number type.
//
// Every quantity in shannon is one template over its number type T. One traits class says what
// the generic code needs to know about T, and a number type specializes it once
// (number_traits<T>, deriving from default_number_traits<T> and replacing what differs):
//
//  * working (working_t<T>): the type a quantity is evaluated in before it is rounded once to T. It
//    carries guard digits (float -> double, double -> double_word<double>, long double ->
//    double_word<long double>, cpp_bin_float<D> -> cpp_bin_float<D + 12> (no Boost header needed
//    here); MPFR and MPFI types get theirs in <shannon/numbers/mpfr.hpp> and
//    <shannon/numbers/mpfi.hpp>). Rounding once from a wider evaluation is what makes double results
//    land within about half an ulp on well-conditioned inputs, whatever the number of terms. The
//    built-in types' working types use shannon's own constexpr log/exp kernels, never the C library,
//    so their results are the same on every platform and at compile time.
//  * scope (precision_scope<T>) and convert (to_working<W>): variable-precision types (mpfr_float
//    with precision 0) get their guard digits by raising the thread's default precision for the
//    duration of one call, and read their inputs at that precision.
//
// Interval types are recognized by what they offer, not by a trait: an ADL-visible lower/upper/zero_in
// (interval_number). Interval code never branches on an interval comparison (MPFI comparisons can
// terminate the process); it asks for the endpoints, or for a selection key (see representative())
// when a branch only chooses between two algebraically identical formulas.
#pragma once

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <concepts>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

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

/// The evaluation context of one call of a fixed-precision type: nothing to raise; it only rounds
/// the working-precision result to T (number_traits' default scope).
template <class T>
struct fixed_precision_scope {
    /// Nothing to raise for a fixed-precision type.
    constexpr fixed_precision_scope() noexcept = default;
    fixed_precision_scope(const fixed_precision_scope&) = delete;
    fixed_precision_scope& operator=(const fixed_precision_scope&) = delete;
    /// Nothing to restore.
    constexpr ~fixed_precision_scope() = default;
    /// The precision is the type's own (variable-precision types' scopes lack this).
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

/// What the generic code needs to know about a number type T, as the defaults every type starts
/// from (a specialization of number_traits derives from it and replaces what differs).
template <class T>
struct default_number_traits {
    /// The type a quantity over T is evaluated in before one final rounding to T: T itself.
    using working = T;
    /// The context of one call (constructed first, it rounds the result): nothing to raise.
    using scope = fixed_precision_scope<T>;
    /// x converted exactly to T, when T is a working type (every working type is at least as wide as
    /// its inputs).
    template <class X>
    [[nodiscard]] static constexpr T convert(const X& x) {
        if constexpr (std::is_same_v<X, T>) {
            return x;
        } else {
            return static_cast<T>(x);
        }
    }
};

/// The one customization point of a number type: its working type, its evaluation scope and the
/// conversion of inputs into it (see default_number_traits). Specialize it for your own types
/// (deriving from default_number_traits<T>); the primary template evaluates in T itself.
template <class T>
struct number_traits : default_number_traits<T> {};

/// float is evaluated in double.
template <>
struct number_traits<float> : default_number_traits<float> {
    /// double.
    using working = double;
};

// Double words (double_word.hpp): 106 bits for double, 128 for x87 long double, evaluated with
// the same constexpr code at compile time and at run time.
/// double is evaluated in a double word of 106 bits.
template <>
struct number_traits<double> : default_number_traits<double> {
    /// double_word<double>.
    using working = double_word<double>;
};

/// long double is evaluated in a double word (128 bits for x87's 64-bit mantissa).
template <>
struct number_traits<long double> : default_number_traits<long double> {
    /// double_word<long double>.
    using working = double_word<long double>;
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
struct number_traits<T> : default_number_traits<T> {
    /// cpp_bin_float of Digits + 12 decimal digits or Digits + 40 bits.
    using working = typename detail::cpp_bin_float_guarded<T>::type;
};

/// The working type of T (number_traits<T>::working).
template <class T>
using working_t = typename number_traits<T>::working;

/// The evaluation context of one call over T (number_traits<T>::scope): for most types it only
/// rounds the working-precision result to T; variable-precision types raise the thread's default
/// precision by guard digits while the call runs and round the result back to the caller's precision.
template <class T>
using precision_scope = typename number_traits<T>::scope;

/// x converted exactly to the working type W (number_traits<W>::convert): variable-precision types
/// make the copy at the raised working precision (Boost keeps the precision of the source otherwise,
/// and every later operation would inherit it).
template <class W, class T>
[[nodiscard]] constexpr W to_working(const T& x) {
    return number_traits<W>::convert(x);
}

namespace detail {

template <class V>
inline constexpr bool is_vector_v = false;
template <class E, class A>
inline constexpr bool is_vector_v<std::vector<E, A>> = true;

}  // namespace detail

/// The evaluation frame of every quantity over T, written once: the call's scope is entered first
/// (a variable-precision type raises its precision, so that the inputs are read at the working
/// precision), `body()` reads and checks the inputs and evaluates in working_t<T>, and what it
/// returns is rounded once to T: a value, or each element of a std::vector of values.
template <class T, class Body>
[[nodiscard]] constexpr auto evaluate_rounded(Body&& body) {
    const precision_scope<T> scope;
    auto w = std::forward<Body>(body)();
    using R = decltype(w);
    if constexpr (!detail::is_vector_v<R>) {
        return scope.round(w);
    } else if constexpr (std::is_same_v<R, std::vector<T>> && requires { requires precision_scope<T>::fixed_precision; }) {
        return w;  // T is its own working type: rounding is the identity (the ball, for one)
    } else {
        std::vector<T> out;
        out.reserve(w.size());
        for (const auto& x : w) {
            out.push_back(scope.round(x));
        }
        return out;
    }
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
/// log Gamma and digamma of W, for the closed forms that need them (the KL divergences of Gamma, Beta
/// and Dirichlet distributions): specialized with static lgamma(x) and digamma(x) for MPFR numbers
/// (numbers/mpfr.hpp: MPFR's, correctly rounded) and MPFI intervals (numbers/mpfi.hpp: enclosures).
template <class W>
struct gamma_functions;

namespace detail {

/// The number types that have lgamma_ and digamma_ (a specialization of gamma_functions).
template <class W>
concept has_gamma_functions = requires(const W& x) {
    gamma_functions<W>::lgamma(x);
    gamma_functions<W>::digamma(x);
};

/// log Gamma(x) for x > 0 (NaN at or below 0).
template <has_gamma_functions W>
[[nodiscard]] W lgamma_(const W& x) {
    return gamma_functions<W>::lgamma(x);
}

/// digamma(x) = Gamma'(x) / Gamma(x) for x > 0 (NaN at or below 0).
template <has_gamma_functions W>
[[nodiscard]] W digamma_(const W& x) {
    return gamma_functions<W>::digamma(x);
}

/// trigamma(x) = digamma'(x) = sum_k 1 / (x + k)^2 for x > 0: the recurrence up to y = x + N, then the
/// asymptotic series 1/y + 1/(2y^2) + sum_{k=1}^{14} B_2k / y^(2k+1), its remainder enclosed by twice the
/// first omitted term (the series envelops trigamma: the remainder lies between 0 and that term), N
/// chosen so that the remainder is below 2^-(bits + 40) of the value (y <= 2^13: beyond about 330 bits
/// the enclosure stops narrowing, and a value that needs more stays undecided rather than wrong).
/// Interval arithmetic throughout for intervals, so the result encloses trigamma over all of x.
template <class W>
    requires requires(const W& x) { gamma_functions<W>::digamma(x); }
[[nodiscard]] W trigamma_(const W& x, long bits) {
    // B_2k = num / den for k = 1..15
    static constexpr double bernoulli[15][2] = {
        {1, 6},         {-1, 30},          {1, 42},      {-1, 30},           {5, 66},
        {-691, 2730},   {7, 6},            {-3617, 510}, {43867, 798},       {-174611, 330},
        {854513, 138},  {-236364091, 2730}, {8553103, 6}, {-23749461029, 870}, {8615841276005, 14322}};
    double target = std::exp2(static_cast<double>(bits + 40 + 30) / 30.0);  // y^30 > |B_30| 2^(bits + 40)
    target = std::min(target, 8192.0);
    const double lo = static_cast<double>(representative(x));
    const long n = lo >= target ? 0 : static_cast<long>(std::ceil(target - lo));
    W s(0);
    for (long k = 0; k < n; ++k) {
        const W t = W(x + W(static_cast<double>(k)));
        s += W(W(1) / W(t * t));
    }
    const W y = W(x + W(static_cast<double>(n)));
    const W inv = W(W(1) / y);
    const W inv2 = W(inv * inv);
    W term = W(inv * inv2);  // 1 / y^3
    W series = W(inv + W(inv2 / W(2)));
    for (int k = 0; k < 14; ++k) {
        series += W(W(W(bernoulli[k][0]) / W(bernoulli[k][1])) * term);
        term = W(term * inv2);
    }
    // term is 1 / y^31: the remainder is within [-2 |B_30| term, 2 |B_30| term]
    const W bound = W(W(W(2 * bernoulli[14][0]) / W(bernoulli[14][1])) * term);
    if constexpr (is_interval_v<W>) {
        series += hull(W(-bound), bound);
    }
    return W(s + series);
}

}  // namespace detail
}  // namespace shannon

SHANNON_FP_CONTRACT_RESTORE
