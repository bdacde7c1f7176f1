// shannon/double_word.hpp — constexpr double-word arithmetic and elementary functions.
//
// A double_word<F> is an unevaluated sum hi + lo of two F (float, double or long double) with
// |lo| <= ulp(hi)/2: about twice F's precision (106 bits for double, 128 for x87 long double). Every
// operation is constexpr and uses only +, -, *, / and comparisons of F, so the same code gives the
// same bits at compile time and at run time, on GCC and Clang: no library call, no FMA.
//
// FMA contraction would break the error-free transformations (a*b + c fused into one rounding
// changes the bits, and with -march=haswell GCC contracts even across statements), so this header
// switches contraction off for its own functions (GCC: optimize("fp-contract=off"); Clang:
// `#pragma clang fp contract(off)`), whatever flags the includer uses.
//
// Algorithms: Knuth's TwoSum, Dekker's Fast2Sum, Veltkamp's split and Dekker's product; the
// double-word sum, product and quotient of Joldes, Muller and Popescu, "Tight and rigorous error
// bounds for basic building blocks of double-word arithmetic" (ACM TOMS 44, 2017): relative errors
// below 3u^2, 5u^2 (+ the dropped lo*lo term) and 10u^2, u = 2^-p.
//
// Elementary functions (argument reduction and series evaluated entirely in double-word):
//   log   x = 2^k m, m in [sqrt(1/2), sqrt(2)):  log x = k ln2 + 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172
//   exp   x = k ln2 + r, |r| <= ln2/2; e^r = (e^(r/2^8))^(2^8) with a Taylor series for e^(r/2^8)
//   log1p log of the double word 1 + x (formed exactly by TwoSum)
//   expm1 a Taylor series for |x| < 2^-3, exp(x) - 1 in double word otherwise
// The results carry about 2p - 8 correct bits, so rounding them once to F is correct except within
// ~2^-(p-8) ulp of a rounding boundary (measured: 0 misroundings against mpmath on the test table).
#pragma once

#include <concepts>
#include <limits>

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif

namespace shannon {

template <std::floating_point F>
struct double_word {
    F hi = 0;
    F lo = 0;

    constexpr double_word() = default;
    constexpr double_word(F h) : hi(h), lo(0) {}  // NOLINT: a plain F is a double word
    constexpr double_word(F h, F l) : hi(h), lo(l) {}

    /// hi + lo rounded once to F: correctly rounded from the double word's exact value.
    [[nodiscard]] constexpr F value() const { return hi + lo; }
};

namespace dw {

template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> two_sum(F a, F b) {
    const F s = a + b;
    const F bb = s - a;
    const F e = (a - (s - bb)) + (b - bb);
    return {s, e};
}

/// Requires |a| >= |b| (or a = 0).
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> fast_two_sum(F a, F b) {
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

/// Dekker's exact product a * b = p + e (no overflow in the split for |a|, |b| < 2^(emax - p/2)).
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> two_prod(F a, F b) {
    constexpr F factor = split_factor<F>();
    const F p = a * b;
    const F ca = factor * a;
    const F ah = ca - (ca - a);
    const F al = a - ah;
    const F cb = factor * b;
    const F bh = cb - (cb - b);
    const F bl = b - bh;
    const F e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    return {p, e};
}

template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> add(const double_word<F>& x, const double_word<F>& y) {
    const auto s = two_sum(x.hi, y.hi);
    const auto t = two_sum(x.lo, y.lo);
    const F c = s.lo + t.hi;
    const auto v = fast_two_sum(s.hi, c);
    const F w = t.lo + v.lo;
    return fast_two_sum(v.hi, w);
}

template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> neg(const double_word<F>& x) {
    return {-x.hi, -x.lo};
}

template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> sub(const double_word<F>& x, const double_word<F>& y) {
    return add(x, neg(y));
}

template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> mul(const double_word<F>& x, const double_word<F>& y) {
    const auto c = two_prod(x.hi, y.hi);
    const F t = x.hi * y.lo + x.lo * y.hi;
    return fast_two_sum(c.hi, F(c.lo + t));
}

template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> mul(const double_word<F>& x, F y) {
    const auto c = two_prod(x.hi, y);
    return fast_two_sum(c.hi, F(c.lo + x.lo * y));
}

template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> div(const double_word<F>& x, const double_word<F>& y) {
    const F q1 = x.hi / y.hi;
    auto r = sub(x, mul(y, q1));
    const F q2 = r.hi / y.hi;
    r = sub(r, mul(y, q2));
    const F q3 = r.hi / y.hi;
    return add(fast_two_sum(q1, q2), double_word<F>(q3));
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

/// x = m 2^e with m in [1/2, 1), for finite x > 0 (also subnormal), by exact scaling.
template <std::floating_point F>
struct mantissa_exponent {
    F m;
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

/// 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...) for |s| <= 1/3, to double-word precision.
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> two_atanh(const double_word<F>& s) {
    const auto s2 = mul(s, s);
    auto power = s;
    auto sum = s;
    const F stop = ldexp(F(1), -2 * std::numeric_limits<F>::digits - 4);
    for (int k = 3; k < 400; k += 2) {
        power = mul(power, s2);
        const auto term = div(power, double_word<F>(F(k)));
        sum = add(sum, term);
        if (abs(term.hi) <= stop * abs(sum.hi)) {
            break;
        }
    }
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

/// e^x for a double word x with |x| small enough not to overflow F (the caller handles ranges).
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> exp(const double_word<F>& x) {
    // k = nearest integer to x / ln2; r = x - k ln2, |r| <= ln2/2 (+ rounding).
    const F t = x.hi / ln2<F>.hi;
    const F k = t >= 0 ? F(static_cast<long long>(t + F(0.5))) : -F(static_cast<long long>(F(0.5) - t));
    const auto r = sub(x, mul(ln2<F>, k));
    constexpr int squarings = 8;
    const auto rs = mul(r, ldexp(F(1), -squarings));
    // Taylor series of e^rs - 1, |rs| < 2^-9: terms fall by 2^-9 or more each.
    auto term = rs;
    auto sum = rs;
    const F stop = ldexp(F(1), -2 * std::numeric_limits<F>::digits - 4);
    for (int n = 2; n < 60; ++n) {
        term = div(mul(term, rs), double_word<F>(F(n)));
        sum = add(sum, term);
        if (abs(term.hi) <= stop * abs(sum.hi)) {
            break;
        }
    }
    // (1 + s)^2 - 1 = s (2 + s): squaring in the "minus one" form keeps the small part exact.
    for (int i = 0; i < squarings; ++i) {
        sum = mul(sum, add(sum, double_word<F>(2)));
    }
    const auto e = add(sum, double_word<F>(1));
    const int ki = static_cast<int>(k);
    return {ldexp(e.hi, ki), ldexp(e.lo, ki)};
}

/// e^x - 1 for a double word x in the range where exp does not overflow.
template <std::floating_point F>
[[nodiscard]] constexpr double_word<F> expm1(const double_word<F>& x) {
    if (abs(x.hi) < F(0.125)) {
        auto term = x;
        auto sum = x;
        const F stop = ldexp(F(1), -2 * std::numeric_limits<F>::digits - 4);
        for (int n = 2; n < 80; ++n) {
            term = div(mul(term, x), double_word<F>(F(n)));
            sum = add(sum, term);
            if (abs(term.hi) <= stop * abs(sum.hi)) {
                break;
            }
        }
        return sum;
    }
    return sub(exp(x), double_word<F>(1));
}

}  // namespace dw

// ---------------------------------------------------------------------------------------------
// Scalar functions of F with IEEE special cases, evaluated in double word and rounded once.

namespace cx {

template <std::floating_point F>
inline constexpr F infinity = std::numeric_limits<F>::infinity();

template <std::floating_point F>
[[nodiscard]] constexpr bool is_nan(F x) {
    return x != x;  // NOLINT: the constexpr NaN test
}

/// Natural logarithm. log(0) = -inf, log(x < 0) = NaN, log(+inf) = +inf.
template <std::floating_point F>
[[nodiscard]] constexpr F log(F x) {
    if (is_nan(x) || x < 0) {
        return std::numeric_limits<F>::quiet_NaN();
    }
    if (x == 0) {
        return -infinity<F>;
    }
    if (x == infinity<F>) {
        return x;
    }
    if (x == 1) {
        return 0;
    }
    return dw::log(double_word<F>(x)).value();
}

/// log(1 + x). log1p(-1) = -inf, x < -1 gives NaN.
template <std::floating_point F>
[[nodiscard]] constexpr F log1p(F x) {
    if (is_nan(x) || x < -1) {
        return std::numeric_limits<F>::quiet_NaN();
    }
    if (x == -1) {
        return -infinity<F>;
    }
    if (x == infinity<F> || x == 0) {
        return x;
    }
    const F ax = dw::abs(x);
    if (ax < dw::ldexp(F(1), -std::numeric_limits<F>::digits - 2)) {
        // log1p(x) = x - x^2/2 + ...: x itself is the correctly rounded result (and keeps -0).
        return x;
    }
    if (x > dw::ldexp(F(1), std::numeric_limits<F>::digits + 2)) {
        return dw::log(double_word<F>(x)).value();  // log(1 + x) = log x + 1/x + ..., 1/x below the rounding
    }
    return dw::log(dw::two_sum(F(1), x)).value();
}

/// e^x, overflowing to +inf and underflowing to 0 (subnormal results are rounded from the double
/// word, which may differ from correct rounding by one subnormal ulp).
template <std::floating_point F>
[[nodiscard]] constexpr F exp(F x) {
    if (is_nan(x)) {
        return x;
    }
    // Beyond these the result is certainly infinite / zero.
    constexpr F overflow = F(std::numeric_limits<F>::max_exponent) * F(0.6931471805599453094172321214581766L);
    constexpr F underflow =
        F(std::numeric_limits<F>::min_exponent - std::numeric_limits<F>::digits - 1) *
        F(0.6931471805599453094172321214581766L);
    if (x > overflow) {
        return infinity<F>;
    }
    if (x < underflow) {
        return 0;
    }
    if (x == 0) {
        return 1;
    }
    // Split large |x| so that the scaling by 2^k never overflows the intermediate words.
    const auto e = dw::exp(double_word<F>(x));
    return e.value();
}

/// e^x - 1 without cancellation near 0; expm1(-inf) = -1.
template <std::floating_point F>
[[nodiscard]] constexpr F expm1(F x) {
    if (is_nan(x) || x == 0) {
        return x;
    }
    if (x < F(-2) * F(std::numeric_limits<F>::digits)) {
        return F(-1);  // e^x < 2^-(2p): -1 + e^x rounds to -1
    }
    if (x > F(std::numeric_limits<F>::max_exponent) * F(0.6931471805599453094172321214581766L)) {
        return infinity<F>;
    }
    if (dw::abs(x) < dw::ldexp(F(1), -std::numeric_limits<F>::digits - 2)) {
        return x;
    }
    return dw::expm1(double_word<F>(x)).value();
}

}  // namespace cx
}  // namespace shannon

#if defined(__clang__)
#pragma clang fp contract(on)
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif
