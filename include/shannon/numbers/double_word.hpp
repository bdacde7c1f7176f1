// shannon/numbers/double_word.hpp — constexpr double-word arithmetic and elementary functions.
//
// A double_word<F> is an unevaluated sum hi + lo of two F (float, double or long double) with
// |lo| <= ulp(hi)/2: about twice F's precision (106 bits for double, 128 for x87 long double). Every
// operation is constexpr and uses only +, -, *, / and comparisons of F, so the same code gives the
// same bits at compile time and at run time, on GCC and Clang: no library call, no FMA.
//
// FMA contraction would break the error-free transformations (a*b + c fused into one rounding
// changes the bits, and with -march=haswell GCC contracts even across statements), so this header
// switches contraction off for its own functions, whatever flags the includer uses
// (detail/fp_contract.hpp).
//
// Algorithms: Knuth's TwoSum, Dekker's Fast2Sum, Veltkamp's split and Dekker's product; the
// double-word sum, product and quotient of Joldes, Muller and Popescu, "Tight and rigorous error
// bounds for basic building blocks of double-word arithmetic" (ACM TOMS 44, 2017): relative errors
// below 3u^2, 5u^2 (+ the dropped lo*lo term) and 10u^2, u = 2^-p.
//
// Elementary functions of double words (argument reduction and series evaluated entirely in
// double-word), the working type's log, log1p, exp and expm1:
//   log   x = 2^k m, m in [sqrt(1/2), sqrt(2)):  log x = k ln2 + 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172
//   exp   x = k ln2 + r, |r| <= ln2/2; e^r = (e^(r/2^8))^(2^8) with a Taylor series for e^(r/2^8)
//   log1p log of the double word 1 + x (formed exactly by TwoSum)
//   expm1 a Taylor series for |x| < 2^-3, exp(x) - 1 in double word otherwise
// They carry about 2p - 8 correct bits. The table-driven binary64 kernels (detail/dd_kernels.hpp)
// are included below; the correctly rounded functions of float, double and long double built on
// both are in elementary.hpp.
#pragma once

#include <concepts>
#include <limits>
#include <ostream>
#include <type_traits>

#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

// The error-free transformations and the double-word sum and product are a few operations each: a
// call boundary costs more than they do (the oracle's ball runs millions of them).
#if defined(__GNUC__) || defined(__clang__)
#define SHANNON_DW_INLINE [[gnu::always_inline]]
#else
#define SHANNON_DW_INLINE
#endif

namespace shannon {

// The type and its operators live in their own namespace, so that argument-dependent lookup on a
// double word finds its arithmetic and elementary functions, never shannon's quantities.
namespace numbers {

/// An unevaluated sum hi + lo of two F with |lo| <= ulp(hi)/2: twice F's precision (106 bits for double),
/// constexpr, with shannon's own log, log1p, exp and expm1. The working type of double and long double.
template <std::floating_point F>
struct double_word {
    /// The leading part: the value rounded to F.
    F hi = 0;
    /// The trailing part: the rounding error of hi.
    F lo = 0;

    /// Zero.
    constexpr double_word() = default;
    /// From a leading and a trailing part, taken as they are (no renormalization).
    constexpr double_word(F h, F l) : hi(h), lo(l) {}
    /// Exact from any floating type (a wider one keeps up to twice F's precision of it).
    template <std::floating_point G>
    constexpr double_word(G x)  // NOLINT: implicit, like the built-in conversions
        : hi(static_cast<F>(x)), lo(0) {
        if constexpr (sizeof(G) > sizeof(F)) {
            if (hi - hi == 0) {
                lo = static_cast<F>(x - static_cast<G>(hi));
            }
        }
    }
    /// Exact from any integer of up to 64 bits (the two 32-bit halves are each exact in F).
    template <std::integral I>
    constexpr double_word(I n)  // NOLINT: implicit, like the built-in conversions
        : hi(0), lo(0) {
        const bool negative = n < 0;
        const unsigned long long m =
            negative ? 0ULL - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
        const F high = static_cast<F>(m >> 32U) * F(4294967296.0);
        const F low = static_cast<F>(m & 0xffffffffULL);
        const F s = high + low;
        const F e = low - (s - high);
        hi = negative ? -s : s;
        lo = negative ? -e : e;
    }

    /// hi + lo rounded once to F: correctly rounded from the double word's exact value.
    [[nodiscard]] constexpr F value() const { return hi + lo; }

    /// Rounded to G: hi + lo rounded once when G is not wider than F, exact otherwise.
    template <std::floating_point G>
    constexpr explicit operator G() const {
        if constexpr (sizeof(G) > sizeof(F)) {
            return static_cast<G>(hi) + static_cast<G>(lo);
        } else {
            return static_cast<G>(hi + lo);
        }
    }
};

}  // namespace numbers

using numbers::double_word;

namespace double_word_arith {

template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr double_word<F> two_sum(F a, F b) {
    const F s = a + b;
    const F bb = s - a;
    const F e = (a - (s - bb)) + (b - bb);
    return {s, e};
}

/// Requires |a| >= |b| (or a = 0).
template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr double_word<F> fast_two_sum(F a, F b) {
    const F s = a + b;
    const F e = b - (s - a);
    return {s, e};
}

/// Veltkamp's splitting constant 2^ceil(p/2) + 1.
template <std::floating_point F>
[[nodiscard]] constexpr F split_factor() {
    constexpr int s = (std::numeric_limits<F>::digits + 1) / 2;
    F f = 1;
    for (int i = 0; i < s; ++i) {
        f *= 2;
    }
    return f + 1;
}

/// 2^e for |e| <= max_exponent/2 - 1, by repeated squaring (every intermediate power is finite).
template <std::floating_point F>
[[nodiscard]] constexpr F pow2(int e) {
    F b = e >= 0 ? F(2) : F(0.5);
    unsigned n = e >= 0 ? static_cast<unsigned>(e) : static_cast<unsigned>(-e);
    F r = 1;
    while (n > 0) {
        if ((n & 1U) != 0U) {
            r *= b;
        }
        n >>= 1U;
        if (n > 0) {
            b *= b;
        }
    }
    return r;
}

/// x * 2^e, exact unless the result overflows or is subnormal, in steps of 2^(max_exponent/2 - 1).
template <std::floating_point F>
[[nodiscard]] constexpr F ldexp(F x, int e) {
    constexpr int chunk = std::numeric_limits<F>::max_exponent / 2 - 1;
    while (e > chunk) {
        x *= pow2<F>(chunk);
        e -= chunk;
    }
    while (e < -chunk) {
        x *= pow2<F>(-chunk);
        e += chunk;
    }
    return x * pow2<F>(e);
}

/// Veltkamp's split a = hi + lo, hi with the upper half of the bits.
template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr double_word<F> split(F a) {
    constexpr F factor = split_factor<F>();
    const F ca = factor * a;
    const F hi = ca - (ca - a);
    return {hi, a - hi};
}

/// Dekker's exact product a * b = p + e, for finite a, b whose product neither overflows nor
/// underflows (below that the error term is itself rounded). An operand too large to split
/// without overflow is split at a smaller scale, which is exact.
template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr double_word<F> two_prod(F a, F b) {
    const F p = a * b;
    constexpr int guard = (std::numeric_limits<F>::digits + 1) / 2 + 2;
    constexpr F limit = ldexp(F(1), std::numeric_limits<F>::max_exponent - guard);
    int shift = 0;
    if (a > limit || a < -limit) {
        a *= F(1) / limit;
        shift += 1;
    }
    if (b > limit || b < -limit) {
        b *= F(1) / limit;
        shift += 1;
    }
    const auto [ah, al] = split(a);
    const auto [bh, bl] = split(b);
    const F ps = shift == 0 ? p : a * b;
    F e = ((ah * bh - ps) + ah * bl + al * bh) + al * bl;
    for (int i = 0; i < shift; ++i) {
        e *= limit;
    }
    return {p, e};
}

/// False for infinities and NaN, in a form every compiler evaluates at compile time (comparisons
/// only: GCC rejects inf - inf, a NaN, in a constant expression).
template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr bool finite(F x) {
    return x == x && x != std::numeric_limits<F>::infinity() && x != -std::numeric_limits<F>::infinity();
}

template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr double_word<F> add(const double_word<F>& x, const double_word<F>& y) {
    if (!finite(x.hi) || !finite(y.hi) || !finite(x.hi + y.hi)) {
        return {x.hi + y.hi, 0};  // infinities and NaN follow F's rules; lo would be NaN
    }
    const auto s = two_sum(x.hi, y.hi);
    const auto t = two_sum(x.lo, y.lo);
    const F c = s.lo + t.hi;
    const auto v = fast_two_sum(s.hi, c);
    const F w = t.lo + v.lo;
    return fast_two_sum(v.hi, w);
}

template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr double_word<F> neg(const double_word<F>& x) {
    return {-x.hi, -x.lo};
}

template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr double_word<F> sub(const double_word<F>& x, const double_word<F>& y) {
    return add(x, neg(y));
}

template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr double_word<F> mul(const double_word<F>& x, const double_word<F>& y) {
    if (!finite(x.hi * y.hi) || x.hi == 0 || y.hi == 0) {
        return {x.hi * y.hi, 0};
    }
    const auto c = two_prod(x.hi, y.hi);
    const F t = x.hi * y.lo + x.lo * y.hi;
    return fast_two_sum(c.hi, F(c.lo + t));
}

template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr double_word<F> mul(const double_word<F>& x, F y) {
    if (!finite(x.hi * y) || x.hi == 0 || y == 0) {
        return {x.hi * y, 0};
    }
    const auto c = two_prod(x.hi, y);
    return fast_two_sum(c.hi, F(c.lo + x.lo * y));
}

template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> div(const double_word<F>& x, const double_word<F>& y) {
    const F q1 = x.hi / y.hi;
    if (!finite(q1) || q1 == 0 || !finite(y.hi)) {
        return {q1, 0};
    }
    auto r = sub(x, mul(y, q1));
    const F q2 = r.hi / y.hi;
    r = sub(r, mul(y, q2));
    const F q3 = r.hi / y.hi;
    return add(fast_two_sum(q1, q2), double_word<F>(q3));
}

/// x = m 2^e with m in [1/2, 1), for finite x > 0 (also subnormal), by exact scaling.
template <std::floating_point F>
struct mantissa_exponent {
    /// The mantissa, in [1/2, 1).
    F m;
    /// The exponent.
    int e;
};

template <std::floating_point F>
[[nodiscard]] constexpr mantissa_exponent<F> frexp(F x) {
    constexpr F big = ldexp(F(1), 64);
    constexpr F small = ldexp(F(1), -64);
    int e = 0;
    while (x >= big) {
        x *= small;
        e += 64;
    }
    while (x < small) {
        x *= big;
        e -= 64;
    }
    while (x >= 1) {
        x *= F(0.5);
        e += 1;
    }
    while (x < F(0.5)) {
        x *= 2;
        e -= 1;
    }
    return {x, e};
}

template <std::floating_point F>
[[nodiscard]] constexpr F abs(F x) {
    return x < 0 ? -x : x;
}

/// first + t(n0) + t(n0 + step) + ..., stopping after the first term below 2^-(2p+4) of the sum
/// (the double word's own precision) or at n = last. `term` keeps whatever state it needs.
template <std::floating_point F, class Term>
[[nodiscard]] constexpr double_word<F> series(double_word<F> sum, int n0, int step, int last, Term term) {
    const F stop = ldexp(F(1), -2 * std::numeric_limits<F>::digits - 4);
    for (int n = n0; n < last; n += step) {
        const double_word<F> t = term(n);
        sum = add(sum, t);
        if (abs(t.hi) <= stop * abs(sum.hi)) {
            break;
        }
    }
    return sum;
}

/// e^x - 1 = x + x^2/2! + x^3/3! + ... for small |x| (each term at least |x| times the last).
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> expm1_taylor(const double_word<F>& x) {
    double_word<F> power = x;
    return series(x, 2, 1, 80, [&](int n) { return power = div(mul(power, x), double_word<F>(F(n))); });
}

/// 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...) for |s| <= 1/3, to double-word precision.
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> two_atanh(const double_word<F>& s) {
    const auto s2 = mul(s, s);
    double_word<F> power = s;
    const auto sum = series(s, 3, 2, 400, [&](int k) {
        power = mul(power, s2);
        return div(power, double_word<F>(F(k)));
    });
    return add(sum, sum);
}

/// ln 2 = 2 atanh(1/3), computed once per type.
template <std::floating_point F>
inline constexpr double_word<F> ln2 = two_atanh(div(double_word<F>(1), double_word<F>(3)));

/// log of a positive double word (finite; x.hi normal or subnormal).
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> log(const double_word<F>& x) {
    auto [m, e] = frexp(x.hi);
    // x = 2^e (m + lo 2^-e); move m into [sqrt(1/2), sqrt(2)).
    constexpr F sqrt_half = F(0.70710678118654752440084436210484903928483593768847L);
    if (m < sqrt_half) {
        m *= 2;
        e -= 1;
    }
    const double_word<F> mw = fast_two_sum(m, ldexp(x.lo, -e));
    const auto num = sub(mw, double_word<F>(1));
    const auto den = add(mw, double_word<F>(1));
    const auto log_m = two_atanh(div(num, den));
    return add(mul(ln2<F>, F(e)), log_m);
}

/// e^x as a double word m near [1/sqrt 2, sqrt 2] and a power of two k: e^x = m 2^k.
template <std::floating_point F>
struct exp_scaled {
    /// e^r, r = x - k ln 2.
    double_word<F> m;
    /// The power of two.
    int k;
};

/// e^x unscaled (see exp), for a double word x with |x| small enough not to overflow F.
template <std::floating_point F>
[[nodiscard]] constexpr exp_scaled<F> exp_parts(const double_word<F>& x) {
    // k = nearest integer to x / ln2; r = x - k ln2, |r| <= ln2/2 (+ rounding).
    const F t = x.hi / ln2<F>.hi;
    const F k = t >= 0 ? F(static_cast<long long>(t + F(0.5))) : -F(static_cast<long long>(F(0.5) - t));
    const auto r = sub(x, mul(ln2<F>, k));
    constexpr int squarings = 8;
    const auto rs = mul(r, ldexp(F(1), -squarings));
    // Taylor series of e^rs - 1, |rs| < 2^-9: terms fall by 2^-9 or more each.
    auto sum = expm1_taylor(rs);
    // (1 + s)^2 - 1 = s (2 + s): squaring in the "minus one" form keeps the small part exact.
    for (int i = 0; i < squarings; ++i) {
        sum = mul(sum, add(sum, double_word<F>(2)));
    }
    return {add(sum, double_word<F>(1)), static_cast<int>(k)};
}

/// e^x for a double word x with |x| small enough not to overflow F (the caller handles ranges).
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> exp(const double_word<F>& x) {
    const auto [e, k] = exp_parts(x);
    return {ldexp(e.hi, k), ldexp(e.lo, k)};
}

/// e^x - 1 for a double word x in the range where exp does not overflow.
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> expm1(const double_word<F>& x) {
    if (abs(x.hi) < F(0.125)) {
        return expm1_taylor(x);
    }
    return sub(double_word_arith::exp(x), double_word<F>(1));
}

}  // namespace double_word_arith

}  // namespace shannon

// The table-driven binary64 kernels (exp, log, log1p, expm1 of double_word<double>), built on the
// arithmetic above: shared by the ball and the correctly rounded functions of elementary.hpp.
#include "../detail/dd_kernels.hpp"  // IWYU pragma: export

namespace shannon {

// ---------------------------------------------------------------------------------------------
// double_word<F> as a number type: what the generic core needs of a working type.

namespace double_word_arith {

/// Atan(x) = x - x^3/3 + x^5/5 - ... for |x| <= 1/5.
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> atan_small(const double_word<F>& x) {
    const auto x2 = mul(x, x);
    double_word<F> power = x;
    return series(x, 3, 2, 400, [&](int k) {
        power = neg(mul(power, x2));
        return div(power, double_word<F>(F(k)));
    });
}

/// pi = 16 atan(1/5) - 4 atan(1/239) (Machin), computed once per type.
template <std::floating_point F>
inline constexpr double_word<F> pi =
    sub(mul(atan_small(div(double_word<F>(F(1)), double_word<F>(F(5)))), F(16)),
        mul(atan_small(div(double_word<F>(F(1)), double_word<F>(F(239)))), F(4)));

}  // namespace double_word_arith

namespace numbers {

template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> operator+(const double_word<F>& x, const double_word<F>& y) {
    return double_word_arith::add(x, y);
}
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> operator-(const double_word<F>& x, const double_word<F>& y) {
    return double_word_arith::sub(x, y);
}
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> operator*(const double_word<F>& x, const double_word<F>& y) {
    return double_word_arith::mul(x, y);
}
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> operator/(const double_word<F>& x, const double_word<F>& y) {
    return double_word_arith::div(x, y);
}
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> operator-(const double_word<F>& x) {
    return double_word_arith::neg(x);
}
template <std::floating_point F>
constexpr double_word<F>& operator+=(double_word<F>& x, const double_word<F>& y) {
    return x = x + y;
}
template <std::floating_point F>
constexpr double_word<F>& operator-=(double_word<F>& x, const double_word<F>& y) {
    return x = x - y;
}
template <std::floating_point F>
constexpr double_word<F>& operator*=(double_word<F>& x, const double_word<F>& y) {
    return x = x * y;
}
template <std::floating_point F>
constexpr double_word<F>& operator/=(double_word<F>& x, const double_word<F>& y) {
    return x = x / y;
}
/// Double words are normalized (|lo| <= ulp(hi)/2), so they compare as (hi, lo) pairs.
template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr bool operator==(const double_word<F>& x, const double_word<F>& y) {
    return x.hi == y.hi && x.lo == y.lo;
}
template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr bool operator<(const double_word<F>& x, const double_word<F>& y) {
    return x.hi < y.hi || (x.hi == y.hi && x.lo < y.lo);
}
template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr bool operator>(const double_word<F>& x, const double_word<F>& y) {
    return y < x;
}
template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr bool operator<=(const double_word<F>& x, const double_word<F>& y) {
    return x < y || x == y;
}
template <std::floating_point F>
SHANNON_DW_INLINE [[nodiscard]] constexpr bool operator>=(const double_word<F>& x, const double_word<F>& y) {
    return y <= x;
}

// Mixed operations with plain numbers (int, double, ...): the number is converted exactly first.
#define SHANNON_DW_MIXED(op)                                                                          \
    template <std::floating_point F, class A>                                                        \
        requires std::is_arithmetic_v<A>                                                             \
    [[nodiscard]] constexpr auto operator op(const double_word<F>& x, A a) {                         \
        return x op double_word<F>(a);                                                               \
    }                                                                                                \
    template <std::floating_point F, class A>                                                        \
        requires std::is_arithmetic_v<A>                                                             \
    [[nodiscard]] constexpr auto operator op(A a, const double_word<F>& x) {                         \
        return double_word<F>(a) op x;                                                               \
    }
SHANNON_DW_MIXED(+)
SHANNON_DW_MIXED(-)
SHANNON_DW_MIXED(*)
SHANNON_DW_MIXED(/)
SHANNON_DW_MIXED(==)
SHANNON_DW_MIXED(<)
SHANNON_DW_MIXED(>)
SHANNON_DW_MIXED(<=)
SHANNON_DW_MIXED(>=)
#undef SHANNON_DW_MIXED

template <std::floating_point F>
[[nodiscard]] constexpr bool isnan(const double_word<F>& x) {
    return x.hi != x.hi;  // NOLINT: the constexpr NaN test
}
template <std::floating_point F>
[[nodiscard]] constexpr bool isfinite(const double_word<F>& x) {
    return double_word_arith::finite(x.hi);
}
template <std::floating_point F>
[[nodiscard]] constexpr bool isinf(const double_word<F>& x) {
    return !isnan(x) && !isfinite(x);
}
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> abs(const double_word<F>& x) {
    return x.hi < 0 ? -x : x;
}

/// log of a double word: -inf at 0, NaN below, +inf at +inf.
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> log(const double_word<F>& x) {
    if (isnan(x) || x.hi < 0) {
        return {std::numeric_limits<F>::quiet_NaN(), 0};
    }
    if (x.hi == 0) {
        return {-std::numeric_limits<F>::infinity(), 0};
    }
    if (!isfinite(x)) {
        return x;
    }
    return double_word_arith::log(x);
}
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> log1p(const double_word<F>& x) {
    if (isnan(x) || x.hi < -1) {
        return {std::numeric_limits<F>::quiet_NaN(), 0};
    }
    if (!isfinite(x)) {
        return x;
    }
    const auto u = double_word_arith::add(double_word<F>(F(1)), x);
    if (u.hi == 0) {
        return {-std::numeric_limits<F>::infinity(), 0};
    }
    // For tiny x, 1 + x loses x's low bits even in double word: sum the series instead.
    if (double_word_arith::abs(x.hi) < F(0x1p-20)) {
        // log1p(x) = x - x^2/2 + x^3/3 - ..., |x| < 2^-20: terms fall by 2^-20 or more each.
        double_word<F> power = x;
        return double_word_arith::series(x, 2, 1, 40, [&](int k) {
            power = double_word_arith::neg(double_word_arith::mul(power, x));
            return double_word_arith::div(power, double_word<F>(F(k)));
        });
    }
    return double_word_arith::log(u);
}
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> exp(const double_word<F>& x) {
    if (isnan(x)) {
        return x;
    }
    constexpr F ln2_f = F(0.6931471805599453094172321214581766L);
    if (x.hi > F(std::numeric_limits<F>::max_exponent) * ln2_f) {
        return {std::numeric_limits<F>::infinity(), 0};
    }
    if (x.hi < F(std::numeric_limits<F>::min_exponent - std::numeric_limits<F>::digits - 1) * ln2_f) {
        return {F(0), F(0)};
    }
    return double_word_arith::exp(x);
}
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> expm1(const double_word<F>& x) {
    if (isnan(x)) {
        return x;
    }
    if (x.hi < F(-3) * F(std::numeric_limits<F>::digits)) {
        return {F(-1), F(0)};
    }
    if (x.hi > F(std::numeric_limits<F>::max_exponent) * F(0.6931471805599453094172321214581766L)) {
        return {std::numeric_limits<F>::infinity(), 0};
    }
    return double_word_arith::expm1(x);
}

template <class CharT, class Traits, std::floating_point F>
std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& out, const double_word<F>& x) {
    return out << static_cast<long double>(x.hi) + static_cast<long double>(x.lo);
}

}  // namespace numbers

}  // namespace shannon

/// double_word<F> has twice F's digits and F's exponent range.
template <std::floating_point F>
class std::numeric_limits<shannon::double_word<F>> {
    using base = std::numeric_limits<F>;
    using W = shannon::double_word<F>;

public:
    static constexpr bool is_specialized = true;
    static constexpr bool is_signed = true;
    static constexpr bool is_integer = false;
    static constexpr bool is_exact = false;
    static constexpr bool has_infinity = true;
    static constexpr bool has_quiet_NaN = true;
    static constexpr int radix = 2;
    static constexpr int digits = 2 * base::digits;
    static constexpr int digits10 = 2 * base::digits10;
    static constexpr int max_digits10 = 2 * base::max_digits10;
    static constexpr int min_exponent = base::min_exponent + base::digits;
    static constexpr int max_exponent = base::max_exponent;
    static constexpr W epsilon() noexcept { return W(shannon::double_word_arith::ldexp(F(1), 1 - digits), F(0)); }
    static constexpr W infinity() noexcept { return W(base::infinity(), F(0)); }
    static constexpr W quiet_NaN() noexcept { return W(base::quiet_NaN(), F(0)); }
    static constexpr W max() noexcept { return W(base::max(), F(0)); }
    static constexpr W min() noexcept { return W(shannon::double_word_arith::ldexp(base::min(), base::digits), F(0)); }
    static constexpr W lowest() noexcept { return W(base::lowest(), F(0)); }
    static constexpr W denorm_min() noexcept { return W(base::denorm_min(), F(0)); }
};

SHANNON_FP_CONTRACT_RESTORE
