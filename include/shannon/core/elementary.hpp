// shannon/core/elementary.hpp — correctly rounded log, log1p, exp and expm1 of float, double and long
// double, constexpr: the elementary functions every quantity of the built-in types is built from.
//
// Each function takes two steps (Ziv's strategy):
//   1. A fast evaluation with a proven relative error bound: the table-driven double-double kernels
//      of detail/dd_kernels.hpp for float and double (bounds 2^-88 for exp, 2^-78 for the others),
//      the series kernels of double_word.hpp for long double (about 2p - 8 correct bits; the bound
//      used, 2^-(2p - 28), leaves a factor 2^20 over what tests/core/elementary_worst.cpp measures).
//      A rounding test (round_scaled) decides whether every value within the bound rounds to the
//      same F. The exponent is applied only after the rounding, on F's own grid, so results below
//      F's normal range are rounded once, from the whole double word (a double word whose low part
//      is subnormal has lost bits, and rounding hi + lo then differs from the correct rounding).
//   2. When the test fails (within about 2^-(bound - p) of a rounding boundary: 2^-35 ulp for
//      double, for a random input once in 2^30 calls), an enclosure in dyadic_interval<256>
//      (dyadic.hpp: certified, about 248 correct bits) decides; its two ends are rounded to F and
//      must agree. exp, log, log1p and expm1 of a float other than the trivial 0 and 1 are
//      transcendental (Lindemann-Weierstrass), so no result is exactly a rounding boundary; the hardest
//      known binary64 cases are within 2^-(53+65) of one, far inside 248 bits. An input the second
//      step cannot decide would throw std::runtime_error rather than return a guess; none is known.
// Both steps are constexpr and both give the correctly rounded result, so a constant expression and
// a run-time call agree bit for bit, on GCC and Clang, whatever the path taken.
//
// float is rounded from the double kernels (so its fast step decides all but once in 2^60 calls).
#pragma once

#include <bit>
#include <concepts>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "../numbers/double_word.hpp"
#include "../numbers/dyadic.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon {
namespace detail {

/// formula(args...) correctly rounded to F from its enclosure in dyadic_interval<256> (dyadic.hpp:
/// certified, about 248 correct bits): the second step of every certified rounding, correctly_rounded's elementary
/// functions here and math.hpp's certified_round. The two ends must round alike, a zero's sign
/// included (ends -0 and +0 straddle 0); a NaN enclosure gives NaN. An exact value on a rounding
/// boundary of F is decided by neither end: that raises std::runtime_error naming `function` rather
/// than return a guess (none is known for the functions using this).
template <std::floating_point F, class Formula, class... A>
[[nodiscard]] constexpr F round_enclosure(const char* function, Formula formula, const A&... args) {
    using D = numbers::dyadic_interval<256>;
    const D r = formula(D(args)...);
    if (isnan(r)) {
        return std::numeric_limits<F>::quiet_NaN();
    }
    const F lo = lower(r).template to<F>();
    const F hi = upper(r).template to<F>();
    if (lo == hi && (lo != 0 || lower(r) >= 0 || upper(r) <= 0)) {
        return lo;
    }
    throw std::runtime_error(std::string("shannon::") + function +
                             ": the correct rounding was not decided at 256 bits (please report the input)");
}

}  // namespace detail

namespace elementary_detail {

/// The result of a rounding test: decided, and the correctly rounded value if so.
template <std::floating_point F>
struct decided {
    /// True when every value within the bound rounds to `value`.
    bool ok = false;
    /// The correctly rounded result (when ok).
    F value = 0;
};

/// x 2^k, exact when the result is representable (a multiple of G's smallest subnormal, below the
/// overflow threshold): the power-of-two scalings of round_scaled.
template <std::floating_point G>
[[nodiscard]] constexpr G scale2(G x, long long k) {
    if constexpr (std::is_same_v<G, double>) {
        if (k >= -1022 && k <= 1023) {
            return x * dd::pow2(k);
        }
        if (k < -1022 && k >= -2044) {
            return (x * dd::pow2(k + 1000)) * dd::pow2(-1000);  // the first product stays normal
        }
    }
    return double_word_arith::ldexp(x, static_cast<int>(k));
}

/// The exponent of a positive normal G, x in [2^t, 2^(t+1)), and whether x is a power of two.
template <std::floating_point G>
struct binade {
    /// t.
    long long t;
    /// x = 2^t.
    bool power_of_two;
};

template <std::floating_point G>
[[nodiscard]] constexpr binade<G> binade_of(G x) {
    if constexpr (std::is_same_v<G, double>) {
        const auto bits = std::bit_cast<std::uint64_t>(x);
        if ((bits >> 52U) != 0) {
            return {static_cast<long long>(bits >> 52U) - 1023, (bits & ((std::uint64_t{1} << 52U) - 1)) == 0};
        }
    }
    const auto me = double_word_arith::frexp(x);
    return {me.e - 1, me.m == G(0.5)};
}

/// The integer nearest to x (ties to even), in G: x + 1.5 2^(p-1) has ulp 1 for 0 <= x < 2^(p-1), and
/// every G from 2^(p-1) up is an integer.
template <std::floating_point G>
[[nodiscard]] constexpr G nearest_integer(G x) {
    constexpr int p = std::numeric_limits<G>::digits;
    constexpr G integral = double_word_arith::ldexp(G(1), p - 1);
    constexpr G shifter = G(1.5) * integral;
    if (x < 0) {
        return -nearest_integer(-x);
    }
    return x >= integral ? x : (x + shifter) - shifter;
}

/// The correct rounding to F of v = (m.hi + m.lo) 2^e (1 + t), for every |t| <= rel, when they all
/// round alike; not ok otherwise. m is a double word of G (G at least as wide as F) with m.hi normal.
///
/// Works on F's grid in the unscaled domain: g = 2^(q - e) with 2^q F's spacing at v (the normal
/// ulp, or the subnormal spacing below the normal range). a = m.hi / g and b = m.lo / g are exact
/// scalings; n = the integer nearest a, f = a - n exact; d = f + b carries one rounding (2^-p_G
/// |d|); v / g lies within rel (a + |b|) of n + d. The result is N 2^q with N = n + the integer
/// nearest d, decided when d lies farther than the total bound from the half-integers.
template <std::floating_point F, std::floating_point G>
[[nodiscard]] constexpr decided<F> round_scaled(const double_word<G>& w, long long e, G rel) {
    static_assert(std::numeric_limits<G>::digits >= std::numeric_limits<F>::digits);
    if (w.hi == 0) {
        return {true, F(0)};
    }
    const bool negative = w.hi < 0;
    const G h = negative ? -w.hi : w.hi;
    const G l = negative ? -w.lo : w.lo;
    constexpr int p = std::numeric_limits<F>::digits;
    constexpr long long emin = std::numeric_limits<F>::min_exponent - 1;  // F's smallest normal: 2^emin
    constexpr long long emax = std::numeric_limits<F>::max_exponent;      // v >= 2^emax overflows
    // t: v's exponent (a power of two with a negative low word lies in the binade below).
    const binade<G> bh = binade_of(h);
    long long t = bh.t + e;
    if (l < 0 && bh.power_of_two) {
        t -= 1;
    }
    if (t >= emax) {
        return {true, negative ? -std::numeric_limits<F>::infinity() : std::numeric_limits<F>::infinity()};
    }
    const long long q = (t > emin ? t : emin) - (p - 1);
    const G a = scale2(h, e - q);
    const G b = scale2(l, e - q);
    const G n = nearest_integer(a);
    const G f = a - n;
    const G d = f + b;
    const G j = nearest_integer(d);
    const G r = d - j;  // exact: |d| < 4 and j within 1/2 of it
    constexpr G u = double_word_arith::ldexp(G(1), 1 - std::numeric_limits<G>::digits);
    const G bound = (rel * (a + double_word_arith::abs(b)) + u * (double_word_arith::abs(f) + double_word_arith::abs(b))) * (1 + 4 * u);
    if (!(G(0.5) - double_word_arith::abs(r) > bound)) {
        return {};
    }
    // N 2^q is exact in G and F (N <= 2^p), or overflows to infinity as the correct rounding does.
    const F v = static_cast<F>(scale2(n + j, q));
    return {true, negative ? -v : v};
}

/// The relative bound of the long double series kernels (see the header comment).
template <std::floating_point F>
inline constexpr F series_bound = double_word_arith::ldexp(F(1), 28 - 2 * std::numeric_limits<F>::digits);

/// True when F is rounded from the binary64 kernels.
template <std::floating_point F>
inline constexpr bool by_dd = std::numeric_limits<F>::digits <= 53 && std::numeric_limits<double>::digits == 53;

/// The first step of correctly_rounded::log: log x for a finite x > 0, x != 1: the rounding test decides or not.
template <std::floating_point F>
[[nodiscard]] constexpr decided<F> first_log(F x) {
    decided<F> r;
    if constexpr (by_dd<F>) {
        r = round_scaled<F>(dd::log_dd(double_word<double>(static_cast<double>(x))), 0, dd::rel_log);
    } else {
        r = round_scaled<F>(double_word_arith::log(double_word<F>(x)), 0, series_bound<F>);
    }
    return r;
}

/// The first step of correctly_rounded::log1p: log(1 + x) for a finite x > -1 with |x| >= 2^-(p+2): the rounding
/// test decides or not.
template <std::floating_point F>
[[nodiscard]] constexpr decided<F> first_log1p(F x) {
    decided<F> r;
    if constexpr (by_dd<F>) {
        r = round_scaled<F>(dd::log1p_dd(double_word<double>(static_cast<double>(x))), 0, dd::rel_log1p);
    } else {
        // 1 + x as an exact double word, also above 2^(p+2): there log(1 + x) = log x + 1/x - ..., and
        // the 1/x term, though far below an ulp, decides the rounding when log x lies near a midpoint.
        r = round_scaled<F>(double_word_arith::log(double_word_arith::two_sum(F(1), x)), 0, series_bound<F>);
    }
    return r;
}

/// The first step of correctly_rounded::exp: e^x for x between the underflow and overflow thresholds, x != 0: the
/// rounding test decides or not.
template <std::floating_point F>
[[nodiscard]] constexpr decided<F> first_exp(F x) {
    decided<F> r;
    if constexpr (by_dd<F>) {
        const dd::scaled_word s = dd::exp_parts(double_word<double>(static_cast<double>(x)));
        r = round_scaled<F>(s.m, s.e, dd::rel_exp);
    } else {
        const auto s = double_word_arith::exp_parts(double_word<F>(x));
        r = round_scaled<F>(s.m, s.k, series_bound<F>);
    }
    return r;
}

/// The first step of correctly_rounded::expm1: e^x - 1 for x in [-2p, the overflow threshold], |x| >= 2^-(p+2): the
/// rounding test decides or not.
template <std::floating_point F>
[[nodiscard]] constexpr decided<F> first_expm1(F x) {
    decided<F> r;
    if constexpr (by_dd<F>) {
        r = round_scaled<F>(dd::expm1_dd(double_word<double>(static_cast<double>(x))), 0, dd::rel_expm1);
    } else {
        r = round_scaled<F>(double_word_arith::expm1(double_word<F>(x)), 0, series_bound<F>);
    }
    return r;
}

/// The rounding test's result, or the second step's (detail::round_enclosure) when it failed.
template <std::floating_point F, class Formula>
[[nodiscard]] constexpr F finish(const decided<F>& r, const char* function, Formula formula, F x) {
    return r.ok ? r.value : detail::round_enclosure<F>(function, formula, x);
}

}  // namespace elementary_detail

// ---------------------------------------------------------------------------------------------
// Scalar functions of F with IEEE special cases, correctly rounded.

namespace correctly_rounded {

template <std::floating_point F>
inline constexpr F infinity = std::numeric_limits<F>::infinity();

template <std::floating_point F>
[[nodiscard]] constexpr bool is_nan(F x) {
    return x != x;  // NOLINT: the constexpr NaN test
}

/// Natural logarithm, correctly rounded. log(0) = -inf, log(x < 0) = NaN, log(+inf) = +inf.
template <std::floating_point F>
[[nodiscard]] constexpr F log(F x) {
    using namespace elementary_detail;
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
    return finish(first_log(x), "correctly_rounded::log", [](const auto& v) { return log(v); }, x);
}

/// log(1 + x), correctly rounded. log1p(-1) = -inf, x < -1 gives NaN.
template <std::floating_point F>
[[nodiscard]] constexpr F log1p(F x) {
    using namespace elementary_detail;
    if (is_nan(x) || x < -1) {
        return std::numeric_limits<F>::quiet_NaN();
    }
    if (x == -1) {
        return -infinity<F>;
    }
    if (x == infinity<F> || x == 0) {
        return x;
    }
    if (double_word_arith::abs(x) < double_word_arith::ldexp(F(1), -std::numeric_limits<F>::digits - 2)) {
        // log1p(x) = x - x^2/2 + ...: x itself is the correctly rounded result (and keeps -0).
        return x;
    }
    return finish(first_log1p(x), "correctly_rounded::log1p", [](const auto& v) { return log1p(v); }, x);
}

/// e^x, correctly rounded, also where the result is subnormal; +inf above the overflow threshold, 0
/// far below the underflow one.
template <std::floating_point F>
[[nodiscard]] constexpr F exp(F x) {
    using namespace elementary_detail;
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
    return finish(first_exp(x), "correctly_rounded::exp", [](const auto& v) { return exp(v); }, x);
}

/// e^x - 1 without cancellation near 0, correctly rounded; expm1(-inf) = -1.
template <std::floating_point F>
[[nodiscard]] constexpr F expm1(F x) {
    using namespace elementary_detail;
    if (is_nan(x) || x == 0) {
        return x;
    }
    if (x < F(-2) * F(std::numeric_limits<F>::digits)) {
        return F(-1);  // e^x < 2^-(2p): -1 + e^x rounds to -1
    }
    if (x > F(std::numeric_limits<F>::max_exponent) * F(0.6931471805599453094172321214581766L)) {
        return infinity<F>;
    }
    if (double_word_arith::abs(x) < double_word_arith::ldexp(F(1), -std::numeric_limits<F>::digits - 2)) {
        return x;
    }
    return finish(first_expm1(x), "correctly_rounded::expm1", [](const auto& v) { return expm1(v); }, x);
}

}  // namespace correctly_rounded
}  // namespace shannon

SHANNON_FP_CONTRACT_RESTORE
