// shannon/numbers/dyadic.hpp — exact arithmetic for proofs: dyadic numbers and dyadic intervals that are
// literal types, so that the compiler itself can enclose the value of any quantity of shannon.
//
//   shannon::numbers::dyadic<P>           sign * m * 2^e with an integer m of at most P bits, or
//                                         +-inf, or NaN; every operation rounds once, in a direction
//                                         the caller chooses (down, up, nearest).
//   shannon::numbers::dyadic_interval<P>  [lo, hi] with dyadic endpoints and outward rounding: the
//                                         exact result of every operation lies in the interval.
//                                         Also log, log1p, exp, expm1, pow, abs, hull, pi.
//
// The mantissas are fixed-width unsigned integers (detail/wide_uint.hpp: the dozen constexpr
// operations needed, where Boost's cpp_int header cost every including translation unit two seconds);
// signs are kept apart from the magnitudes.
//
// Elementary functions (each a certified enclosure; the proofs check that every enclosure is narrower
// than 2^-(P - 8) relative to the value on their inputs):
//   log y     y = m 2^k with m in [2/3, 4/3): log y = k ln 2 + 2 atanh(t), t = (m - 1)/(m + 1)
//             (a ratio of two integers), atanh(t) = t G(t^2), G(u) = sum_j u^j / (2j + 1)
//   log1p x   for |x| < 1/4: 2 atanh(x / (2 + x)) (no cancellation); else log(1 + x)
//   exp x     x = k ln 2 + r with r in [0, ln 2): exp x = 2^k (e^(r/64))^64, e^(r/64) by Taylor
//   expm1 x   for |x| < 1/2: x H(x), H(x) = sum_j x^j / (j + 1)!  (x < 0 via -y/(1 + y), y = expm1|x|);
//             else exp x - 1
//   ln 2      2 atanh(1/3);  pi = 16 atan(1/5) - 4 atan(1/239) (Machin)
// The series run in fixed point with F = P + 48 fraction bits; every fixed-point value carries a
// count of units 2^-F that bounds its distance to the exact value (one unit per truncation, and
// the propagated counts of its operands), and the series' tails are bounded by the size of the last
// term: the returned interval contains the exact value by construction.
#pragma once

#include <bit>
#include <compare>
#include <cstdint>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "wide_uint.hpp"
#include "double_word.hpp"

namespace shannon::numbers {

/// The direction of one rounding: toward -inf, toward +inf, or to nearest (ties to even).
enum class rounding { down, up, nearest };

template <unsigned P>
class dyadic_interval;

/// A dyadic number sign * m * 2^e with m < 2^P (normalized: 2^(P-1) <= m unless the number is 0),
/// or +inf, -inf, NaN. A literal type: usable in constant expressions.
template <unsigned P = 128>
class dyadic {
    static_assert(P >= 64, "dyadic needs at least 64 mantissa bits (every double is exact)");

public:
    /// Wide enough for a product of two mantissas, an aligned sum and a shifted dividend, and for
    /// products of the fixed-point values of the elementary functions (F = P + 48 bits each).
    using wide = shannon::detail::wide_uint<2 * P + 128>;
    /// What a dyadic number is: finite (zero included), +inf, -inf or NaN.
    enum class kind : unsigned char { finite, pos_inf, neg_inf, nan };

    /// Zero.
    constexpr dyadic() noexcept = default;

    /// Exact conversions from the built-in numbers (every float, double, long double and 64-bit
    /// integer is a dyadic number of at most 64 bits).
    template <class A>
        requires std::is_arithmetic_v<A>
    constexpr dyadic(A x) {  // NOLINT: implicit, so that dyadic compares and mixes with literals
        if constexpr (std::is_floating_point_v<A>) {
            if (x != x) {
                k_ = kind::nan;
                return;
            }
            if (x == std::numeric_limits<A>::infinity() || x == -std::numeric_limits<A>::infinity()) {
                k_ = x > 0 ? kind::pos_inf : kind::neg_inf;
                return;
            }
            if (x == 0) {
                return;
            }
            const bool neg = x < 0;
            const auto [m, e] = double_word_arith::frexp(neg ? -x : x);  // m in [1/2, 1)
            constexpr int digits = std::numeric_limits<A>::digits;
            const auto integer = static_cast<unsigned long long>(double_word_arith::ldexp(m, digits));
            *this = make(neg, wide(integer), e - digits, false, rounding::nearest);
        } else if constexpr (std::is_signed_v<A>) {
            const bool neg = x < 0;
            const unsigned long long u =
                neg ? static_cast<unsigned long long>(-(x + 1)) + 1 : static_cast<unsigned long long>(x);
            *this = make(neg, wide(u), 0, false, rounding::nearest);
        } else {
            *this = make(false, wide(static_cast<unsigned long long>(x)), 0, false, rounding::nearest);
        }
    }

    /// +inf, or -inf when negative.
    [[nodiscard]] static constexpr dyadic infinity(bool negative = false) noexcept {
        dyadic d;
        d.k_ = negative ? kind::neg_inf : kind::pos_inf;
        return d;
    }
    /// Not a number.
    [[nodiscard]] static constexpr dyadic nan() noexcept {
        dyadic d;
        d.k_ = kind::nan;
        return d;
    }
    /// 2^e exactly.
    [[nodiscard]] static constexpr dyadic pow2(int e) { return make(false, wide(1), e, false, rounding::nearest); }

    /// sign * m * 2^e rounded to P bits in direction r. `sticky` says that the exact magnitude is
    /// m * 2^e plus a positive amount below one unit of m's last bit; m must then have at least
    /// P + 2 bits, so that the rounding of m + sticky is the rounding of the exact value.
    [[nodiscard]] static constexpr dyadic make(bool neg, wide m, int e, bool sticky, rounding r) {
        dyadic d;
        if (m == 0) {
            return d;
        }
        auto [q, qe] = round_bits(neg, std::move(m), e, sticky, r, P);
        d.neg_ = neg;
        d.mag_ = std::move(q);
        d.exp_ = qe;
        return d;
    }

    /// m * 2^e rounded to `bits` bits: the new mantissa (2^(bits-1) <= q < 2^bits) and exponent.
    /// The index of the highest set bit of m != 0.
    [[nodiscard]] static constexpr unsigned msb(const wide& m) { return m.msb(); }

    /// The index of the lowest set bit of m != 0.
    [[nodiscard]] static constexpr unsigned lsb(const wide& m) { return m.lsb(); }

    /// m 2^e (with a sticky bit for what was shifted out) rounded to `bits` bits in direction r: the
    /// rounded mantissa and its exponent. The building block of every rounded operation.
    [[nodiscard]] static constexpr std::pair<wide, int> round_bits(bool neg, wide m, int e, bool sticky, rounding r,
                                                                   unsigned bits) {
        const unsigned b = msb(m);
        if (b + 1 <= bits) {
            // Exact (sticky only ever comes with wide mantissas).
            const unsigned s = bits - 1 - b;
            return {wide(m << s), e - static_cast<int>(s)};
        }
        const unsigned shift = b + 1 - bits;
        wide q = m >> shift;
        e += static_cast<int>(shift);
        const wide kept = q << shift;
        const bool inexact = sticky || kept != m;
        bool bump = false;
        if (inexact) {
            if (r == rounding::nearest) {
                const wide low = m - kept;
                const wide half = wide(1) << (shift - 1);
                if (low > half || (low == half && (sticky || (q & 1) != 0))) {
                    bump = true;
                }
            } else {
                bump = (r == rounding::up) != neg;  // away from zero for up on +, down on -
            }
        }
        if (bump) {
            ++q;
            if (msb(q) >= bits) {
                q >>= 1;
                ++e;
            }
        }
        return {std::move(q), e};
    }

    // Observers.
    /// NaN.
    [[nodiscard]] constexpr bool is_nan() const noexcept { return k_ == kind::nan; }
    /// +inf or -inf.
    [[nodiscard]] constexpr bool is_inf() const noexcept { return k_ == kind::pos_inf || k_ == kind::neg_inf; }
    /// Neither infinite nor NaN.
    [[nodiscard]] constexpr bool is_finite() const noexcept { return k_ == kind::finite; }
    /// Zero (dyadic numbers have no signed zero).
    [[nodiscard]] constexpr bool is_zero() const noexcept { return k_ == kind::finite && mag_ == 0; }
    /// Below zero (-inf included).
    [[nodiscard]] constexpr bool negative() const noexcept {
        return k_ == kind::neg_inf || (k_ == kind::finite && neg_ && mag_ != 0);
    }
    /// The magnitude's P-bit mantissa: |x| = mantissa() 2^exponent() for a finite x.
    [[nodiscard]] constexpr const wide& mantissa() const noexcept { return mag_; }
    /// The exponent of the mantissa's last bit.
    [[nodiscard]] constexpr int exponent() const noexcept { return exp_; }
    /// floor(log2 |x|) of a finite non-zero x.
    [[nodiscard]] constexpr int ilogb() const noexcept { return exp_ + static_cast<int>(P) - 1; }

    // Rounded arithmetic.
    /// a + b rounded to P bits in direction r (nearest, down or up); inf - inf is NaN.
    [[nodiscard]] static constexpr dyadic add(const dyadic& a, const dyadic& b, rounding r) {
        if (a.is_nan() || b.is_nan()) {
            return nan();
        }
        if (a.is_inf() || b.is_inf()) {
            if (a.is_inf() && b.is_inf() && a.k_ != b.k_) {
                return nan();
            }
            return a.is_inf() ? a : b;
        }
        if (a.is_zero()) {
            return b;
        }
        if (b.is_zero()) {
            return a;
        }
        const bool swap = a.exp_ < b.exp_;
        const dyadic& x = swap ? b : a;  // the one with the larger exponent (and magnitude order)
        const dyadic& y = swap ? a : b;
        const int d = x.exp_ - y.exp_;
        wide big;
        wide small;
        int e = 0;
        bool sticky = false;
        if (d <= static_cast<int>(P) + 3) {
            big = x.mag_ << static_cast<unsigned>(d);
            small = y.mag_;
            e = y.exp_;
        } else {
            // y is below one unit of the shifted x: keep it as a sticky bit.
            big = x.mag_ << (P + 3);
            e = x.exp_ - static_cast<int>(P + 3);
            sticky = true;
        }
        if (x.neg_ == y.neg_) {
            return make(x.neg_, big + small, e, sticky, r);
        }
        if (sticky) {
            // |x| - (something in (0, 1) units) = (big - 1) + (something in (0, 1)).
            return make(x.neg_, wide(big - 1), e, true, r);
        }
        if (big == small) {
            return dyadic();
        }
        if (big > small) {
            return make(x.neg_, wide(big - small), e, false, r);
        }
        return make(y.neg_, wide(small - big), e, false, r);
    }

    /// Product; 0 * inf is 0 (the convention of interval endpoints: [0, 1] * [1, inf] = [0, inf]).
    [[nodiscard]] static constexpr dyadic mul(const dyadic& a, const dyadic& b, rounding r) {
        if (a.is_nan() || b.is_nan()) {
            return nan();
        }
        if (a.is_zero() || b.is_zero()) {
            return dyadic();
        }
        const bool neg = a.negative() != b.negative();
        if (a.is_inf() || b.is_inf()) {
            return infinity(neg);
        }
        return make(neg, a.mag_ * b.mag_, a.exp_ + b.exp_, false, r);
    }

    /// a / b rounded to P bits in direction r; x / 0 and inf / inf are NaN.
    [[nodiscard]] static constexpr dyadic div(const dyadic& a, const dyadic& b, rounding r) {
        if (a.is_nan() || b.is_nan() || b.is_zero() || (a.is_inf() && b.is_inf())) {
            return nan();
        }
        const bool neg = a.negative() != b.negative();
        if (a.is_inf()) {
            return infinity(neg);
        }
        if (a.is_zero() || b.is_inf()) {
            return dyadic();
        }
        // Divide by the odd part of b's mantissa: small integers (the 1/k of series) then take
        // the one-digit division instead of the general one.
        const unsigned tz = lsb(b.mag_);
        const wide den = b.mag_ >> tz;
        const wide num = a.mag_ << (P + 2);
        const wide q = num / den;
        const bool sticky = q * den != num;
        return make(neg, q, a.exp_ - b.exp_ - static_cast<int>(tz) - static_cast<int>(P + 2), sticky, r);
    }

    /// x * 2^n exactly.
    [[nodiscard]] constexpr dyadic scaled(int n) const {
        dyadic d = *this;
        if (d.is_finite() && !d.is_zero()) {
            d.exp_ += n;
        }
        return d;
    }

    /// Rounds to a floating-point type (to nearest, ties to even, or in a direction).
    template <std::floating_point F>
    [[nodiscard]] constexpr F to(rounding r = rounding::nearest) const {
        if (is_nan()) {
            return std::numeric_limits<F>::quiet_NaN();
        }
        if (is_inf()) {
            return k_ == kind::pos_inf ? std::numeric_limits<F>::infinity() : -std::numeric_limits<F>::infinity();
        }
        if (is_zero()) {
            return F(0);
        }
        constexpr int digits = std::numeric_limits<F>::digits;
        // Below the normal range the format has fewer bits: round to what is left of them.
        const int top = ilogb();
        int bits = digits;
        if (top < std::numeric_limits<F>::min_exponent - 1) {
            bits = digits - (std::numeric_limits<F>::min_exponent - 1 - top);
        }
        if (bits <= 0) {
            // Below half the smallest subnormal (or at most it): 0 or the smallest subnormal.
            const F tiny = std::numeric_limits<F>::denorm_min();
            const bool away = (r == rounding::up && !neg_) || (r == rounding::down && neg_) ||
                              (r == rounding::nearest && bits == 0 && mag_ > (wide(1) << (P - 1)));
            const F v = away ? tiny : F(0);
            return neg_ ? -v : v;
        }
        const auto [q, e] = round_bits(neg_, mag_, exp_, false, r, static_cast<unsigned>(bits));
        const F v = double_word_arith::ldexp(static_cast<F>(static_cast<unsigned long long>(q)), e);
        return neg_ ? -v : v;
    }
    /// to<F>(): rounded to nearest F.
    template <std::floating_point F>
    constexpr explicit operator F() const {
        return to<F>();
    }

    // Comparisons (NaN is unordered).
    /// Exact comparison; NaN is unordered.
    friend constexpr std::partial_ordering operator<=>(const dyadic& a, const dyadic& b) noexcept {
        if (a.is_nan() || b.is_nan()) {
            return std::partial_ordering::unordered;
        }
        const int ra = a.rank();
        const int rb = b.rank();
        if (ra != rb) {
            return ra <=> rb;
        }
        if (ra != 1 && ra != -1) {
            return std::partial_ordering::equivalent;  // both 0, both +inf or both -inf
        }
        // Same sign, both finite and non-zero.
        std::strong_ordering mag = a.exp_ <=> b.exp_;
        if (mag == 0) {
            mag = a.mag_ == b.mag_ ? std::strong_ordering::equal
                                   : (a.mag_ < b.mag_ ? std::strong_ordering::less : std::strong_ordering::greater);
        }
        return ra > 0 ? std::partial_ordering(mag) : std::partial_ordering(0 <=> mag);
    }
    /// Exact equality (NaN equals nothing).
    friend constexpr bool operator==(const dyadic& a, const dyadic& b) noexcept { return (a <=> b) == 0; }

    // Arithmetic rounded to nearest, for the scalar computations of generic code (bounds used only
    // to decide when to stop a loop, midpoints). Enclosures use dyadic_interval.
    /// a + b rounded to nearest.
    friend constexpr dyadic operator+(const dyadic& a, const dyadic& b) { return add(a, b, rounding::nearest); }
    /// a - b rounded to nearest.
    friend constexpr dyadic operator-(const dyadic& a, const dyadic& b) { return add(a, -b, rounding::nearest); }
    /// a b rounded to nearest.
    friend constexpr dyadic operator*(const dyadic& a, const dyadic& b) { return mul(a, b, rounding::nearest); }
    /// a / b rounded to nearest.
    friend constexpr dyadic operator/(const dyadic& a, const dyadic& b) { return div(a, b, rounding::nearest); }
    /// -x, exact.
    constexpr dyadic operator-() const {
        dyadic d = *this;
        if (k_ == kind::pos_inf) {
            d.k_ = kind::neg_inf;
        } else if (k_ == kind::neg_inf) {
            d.k_ = kind::pos_inf;
        } else if (k_ == kind::finite && mag_ != 0) {
            d.neg_ = !neg_;
        }
        return d;
    }

    /// x.is_nan().
    friend constexpr bool isnan(const dyadic& x) noexcept { return x.is_nan(); }
    /// x.is_inf().
    friend constexpr bool isinf(const dyadic& x) noexcept { return x.is_inf(); }
    /// x.is_finite().
    friend constexpr bool isfinite(const dyadic& x) noexcept { return x.is_finite(); }
    /// |x|, exact.
    friend constexpr dyadic abs(const dyadic& x) { return x.negative() ? -x : x; }

    /// Writes x rounded to long double.
    friend std::ostream& operator<<(std::ostream& out, const dyadic& x) { return out << x.to<long double>(); }

private:
    // -2 -inf, -1 negative, 0 zero, 1 positive, 2 +inf
    [[nodiscard]] constexpr int rank() const noexcept {
        if (k_ == kind::pos_inf) {
            return 2;
        }
        if (k_ == kind::neg_inf) {
            return -2;
        }
        if (mag_ == 0) {
            return 0;
        }
        return neg_ ? -1 : 1;
    }

    kind k_ = kind::finite;
    bool neg_ = false;
    wide mag_ = 0;
    int exp_ = 0;
};

namespace dyadic_detail {

/// A non-negative fixed-point number v 2^-F with an error count: the exact quantity it stands for
/// lies within err units (2^-F) of v. F = P + 48 leaves 48 guard bits for the counts, which stay
/// far below 2^48 (they grow by a few units per operation, and 4-fold per squaring in exp).
template <unsigned P>
struct fixed {
    using wide = typename dyadic<P>::wide;
    static constexpr unsigned F = P + 48;
    wide v = 0;
    unsigned long long err = 0;

    [[nodiscard]] static constexpr wide unit_one() { return wide(1) << F; }
    [[nodiscard]] static constexpr fixed one() { return {unit_one(), 0}; }
};

/// Adds error counts, refusing to wrap around (which would make an enclosure wrong): the error
/// is a compile error in a constant expression.
[[nodiscard]] constexpr unsigned long long count_sum(unsigned long long a, unsigned long long b) {
    if (a > (1ULL << 62) || b > (1ULL << 62)) {
        throw std::overflow_error("shannon::dyadic: fixed-point error count overflow");
    }
    return a + b;
}

/// Product of two values of at most 2 (every use: series terms <= 1, exp of [0, 1/64] squared).
/// |ab - (a+da)(b+db)| <= |a| db + |b| da + da db <= 2 (da + db) + 1; the truncation adds one.
template <unsigned P>
[[nodiscard]] constexpr fixed<P> mul(const fixed<P>& a, const fixed<P>& b) {
    using W = typename fixed<P>::wide;
    const unsigned long long c = (a.v <= fixed<P>::unit_one() && b.v <= fixed<P>::unit_one()) ? 1 : 2;
    const unsigned long long e = count_sum(a.err, b.err);
    return {W((a.v * b.v) >> fixed<P>::F), count_sum(c * e, 2)};
}

template <unsigned P>
[[nodiscard]] constexpr fixed<P> div(const fixed<P>& a, unsigned long long k) {
    using W = typename fixed<P>::wide;
    return {W(a.v / k), a.err / k + 1};
}

template <unsigned P>
[[nodiscard]] constexpr fixed<P> add(const fixed<P>& a, const fixed<P>& b) {
    return {a.v + b.v, count_sum(a.err, b.err)};
}

/// |x| as a fixed-point number (truncated: error at most one unit). |x| < 2^(wide bits - F - P).
template <unsigned P>
[[nodiscard]] constexpr fixed<P> to_fixed(const dyadic<P>& x) {
    using W = typename fixed<P>::wide;
    if (x.is_zero()) {
        return {};
    }
    const int s = x.exponent() + static_cast<int>(fixed<P>::F);
    if (s >= 0) {
        return {W(x.mantissa() << static_cast<unsigned>(s)), 0};
    }
    if (-s >= static_cast<int>(2 * P + 128)) {
        return {W(0), 1};
    }
    const W v = x.mantissa() >> static_cast<unsigned>(-s);
    return {v, (v << static_cast<unsigned>(-s)) == x.mantissa() ? 0ULL : 1ULL};
}

/// The enclosure [(v - err) 2^(k-F), (v + err) 2^(k-F)] of a fixed-point value scaled by 2^k.
template <unsigned P>
[[nodiscard]] constexpr std::pair<dyadic<P>, dyadic<P>> enclose(const fixed<P>& x, int k = 0) {
    using D = dyadic<P>;
    const int e = k - static_cast<int>(fixed<P>::F);
    const D lo = x.v > x.err ? D::make(false, x.v - x.err, e, false, rounding::down) : D();
    const D hi = D::make(false, typename fixed<P>::wide(x.v + x.err), e, false, rounding::up);
    return {lo, hi};
}

/// G(u) = sum_{j >= 0} u^j / (2j + 1) for 0 <= u <= 1/8, so that atanh(t) = t G(t^2).
/// The loop stops when the computed power is 0; the exact power is then at most its error count,
/// and the tail sum_{i >= j} u^i/(2i+1) <= u^j / (1 - u) <= 8/7 of it is added to the count.
template <unsigned P>
[[nodiscard]] constexpr fixed<P> atanh_g(const fixed<P>& u) {
    fixed<P> sum = fixed<P>::one();
    fixed<P> power = fixed<P>::one();
    for (unsigned long long j = 1;; ++j) {
        power = mul(power, u);
        if (power.v == 0) {
            sum.err += 2 * power.err + 2;
            return sum;
        }
        sum = add(sum, div(power, 2 * j + 1));
    }
}

/// e^r for a fixed-point 0 <= r <= 1: Taylor at r/64, squared six times. Terms r^j/j! are all
/// positive; the tail after a computed term of 0 is at most twice that term's error count.
template <unsigned P>
[[nodiscard]] constexpr fixed<P> exp_fixed(const fixed<P>& r) {
    const fixed<P> s = div(r, 64);
    fixed<P> sum = fixed<P>::one();
    fixed<P> term = fixed<P>::one();
    for (unsigned long long j = 1;; ++j) {
        term = div(mul(term, s), j);
        if (term.v == 0) {
            sum.err += 2 * term.err + 2;
            break;
        }
        sum = add(sum, term);
    }
    for (int i = 0; i < 6; ++i) {
        sum = mul(sum, sum);
    }
    return sum;
}

/// H(x) = sum_{j >= 0} x^j / (j + 1)! for 0 <= x <= 1/2, so that expm1(x) = x H(x).
template <unsigned P>
[[nodiscard]] constexpr fixed<P> expm1_h(const fixed<P>& x) {
    fixed<P> sum = fixed<P>::one();
    fixed<P> term = fixed<P>::one();
    for (unsigned long long j = 2;; ++j) {
        term = div(mul(term, x), j);
        if (term.v == 0) {
            sum.err += 2 * term.err + 2;
            return sum;
        }
        sum = add(sum, term);
    }
}

/// atan(1/a) for an integer a >= 2 as two non-negative fixed-point sums (the terms of even and odd
/// index), so that the alternating series needs no signed arithmetic.
template <unsigned P>
[[nodiscard]] constexpr std::pair<fixed<P>, fixed<P>> atan_inverse(unsigned long long a) {
    using W = typename fixed<P>::wide;
    fixed<P> power{W(fixed<P>::unit_one() / a), 1};  // a^-(2j+1)
    fixed<P> pos{};
    fixed<P> neg{};
    for (unsigned long long j = 0;; ++j) {
        if (power.v == 0) {
            // Alternating series with decreasing terms: the tail is at most the first omitted term.
            pos.err += power.err + 1;
            return {pos, neg};
        }
        const fixed<P> term = div(power, 2 * j + 1);
        if (j % 2 == 0) {
            pos = add(pos, term);
        } else {
            neg = add(neg, term);
        }
        power = div(power, a * a);
    }
}

}  // namespace dyadic_detail

/// An interval [lo, hi] of dyadic numbers: the result of every operation contains every exact
/// result for operands in the operands' intervals (outward rounding). A literal type.
///
/// Like Boost's mpfi_float it has no comparison operators (an interval comparison has three
/// answers); ask for lower(x), upper(x), zero_in(x), or contains(x, v).
template <unsigned P = 128>
class dyadic_interval {
public:
    /// The endpoints' type.
    using endpoint = dyadic<P>;
    /// The endpoints' wide integer type.
    using wide = typename endpoint::wide;

    /// The point interval [0, 0].
    constexpr dyadic_interval() = default;
    /// The point interval of an exact number (built-in numbers are exact dyadic numbers).
    template <class A>
        requires std::is_arithmetic_v<A>
    constexpr dyadic_interval(A x) : lo_(x), hi_(x) {}  // NOLINT: implicit like the numbers it holds
    /// The point interval [x, x].
    constexpr dyadic_interval(const endpoint& x) : lo_(x), hi_(x) {}  // NOLINT
    /// [lo, hi]; the NaN interval if an end is NaN or lo > hi.
    constexpr dyadic_interval(const endpoint& lo, const endpoint& hi) : lo_(lo), hi_(hi) {
        if (lo.is_nan() || hi.is_nan() || lo > hi) {
            lo_ = hi_ = endpoint::nan();
        }
    }

    /// The enclosure of the rational num/den (den != 0): e.g. ratio(9, 10) for the decimal 0.9.
    [[nodiscard]] static constexpr dyadic_interval ratio(long long num, long long den) {
        return dyadic_interval(num) / dyadic_interval(den);
    }
    /// An enclosure of pi, computed once per precision (Machin's formula).
    [[nodiscard]] static constexpr dyadic_interval pi();
    /// An enclosure of ln 2, computed once per precision.
    [[nodiscard]] static constexpr dyadic_interval ln2();

    /// The lower end.
    friend constexpr endpoint lower(const dyadic_interval& x) { return x.lo_; }
    /// The upper end.
    friend constexpr endpoint upper(const dyadic_interval& x) { return x.hi_; }
    /// The midpoint, rounded to nearest (a finite endpoint when the other one is infinite).
    friend constexpr endpoint median(const dyadic_interval& x) {
        if (x.lo_.is_inf() && x.hi_.is_inf()) {
            return x.lo_ == x.hi_ ? x.lo_ : endpoint();
        }
        if (x.lo_.is_inf()) {
            return x.hi_;
        }
        if (x.hi_.is_inf()) {
            return x.lo_;
        }
        return endpoint::add(x.lo_, x.hi_, rounding::nearest).scaled(-1);
    }
    /// hi - lo rounded up.
    friend constexpr endpoint width(const dyadic_interval& x) { return endpoint::add(x.hi_, -x.lo_, rounding::up); }
    /// True when 0 lies in the interval.
    friend constexpr bool zero_in(const dyadic_interval& x) { return x.lo_ <= 0 && x.hi_ >= 0; }
    /// True when v lies in the interval.
    friend constexpr bool contains(const dyadic_interval& x, const endpoint& v) { return x.lo_ <= v && v <= x.hi_; }
    /// True when lower and upper ends are equal: the value is known exactly.
    friend constexpr bool is_point(const dyadic_interval& x) { return x.lo_ == x.hi_; }
    /// True for the NaN interval (the result of an operation outside its domain).
    friend constexpr bool isnan(const dyadic_interval& x) { return x.lo_.is_nan(); }
    /// The smallest interval holding both.
    friend constexpr dyadic_interval hull(const dyadic_interval& a, const dyadic_interval& b) {
        if (isnan(a) || isnan(b)) {
            return nan_interval();
        }
        return {a.lo_ < b.lo_ ? a.lo_ : b.lo_, a.hi_ > b.hi_ ? a.hi_ : b.hi_};
    }
    /// True when the two enclosures share no point (so the exact values differ).
    friend constexpr bool disjoint(const dyadic_interval& a, const dyadic_interval& b) {
        return a.hi_ < b.lo_ || b.hi_ < a.lo_;
    }

    /// Sum, each end rounded outward.
    friend constexpr dyadic_interval operator+(const dyadic_interval& a, const dyadic_interval& b) {
        return {endpoint::add(a.lo_, b.lo_, rounding::down), endpoint::add(a.hi_, b.hi_, rounding::up)};
    }
    /// Difference, each end rounded outward.
    friend constexpr dyadic_interval operator-(const dyadic_interval& a, const dyadic_interval& b) {
        return {endpoint::add(a.lo_, -b.hi_, rounding::down), endpoint::add(a.hi_, -b.lo_, rounding::up)};
    }
    /// Negation, exact.
    constexpr dyadic_interval operator-() const { return {-hi_, -lo_}; }
    /// Product: the sign cases of interval multiplication, two rounded products each except when
    /// both factors contain 0 (four).
    friend constexpr dyadic_interval operator*(const dyadic_interval& a, const dyadic_interval& b) {
        if (isnan(a) || isnan(b)) {
            return nan_interval();
        }
        const endpoint& al = a.lo_;
        const endpoint& ah = a.hi_;
        const endpoint& bl = b.lo_;
        const endpoint& bh = b.hi_;
        const auto pick = [](const endpoint& x1, const endpoint& y1, const endpoint& x2, const endpoint& y2) {
            return dyadic_interval(endpoint::mul(x1, y1, rounding::down), endpoint::mul(x2, y2, rounding::up));
        };
        if (al >= 0) {
            if (bl >= 0) {
                return pick(al, bl, ah, bh);
            }
            if (bh <= 0) {
                return pick(ah, bl, al, bh);
            }
            return pick(ah, bl, ah, bh);
        }
        if (ah <= 0) {
            if (bl >= 0) {
                return pick(al, bh, ah, bl);
            }
            if (bh <= 0) {
                return pick(ah, bh, al, bl);
            }
            return pick(al, bh, al, bl);
        }
        if (bl >= 0) {
            return pick(al, bh, ah, bh);
        }
        if (bh <= 0) {
            return pick(ah, bl, al, bl);
        }
        const endpoint l1 = endpoint::mul(al, bh, rounding::down);
        const endpoint l2 = endpoint::mul(ah, bl, rounding::down);
        const endpoint h1 = endpoint::mul(al, bl, rounding::up);
        const endpoint h2 = endpoint::mul(ah, bh, rounding::up);
        return {l1 < l2 ? l1 : l2, h1 > h2 ? h1 : h2};
    }
    /// Quotient: the sign cases, two rounded quotients each; a divisor that contains 0 gives the
    /// whole line [-inf, inf].
    friend constexpr dyadic_interval operator/(const dyadic_interval& a, const dyadic_interval& b) {
        if (isnan(a) || isnan(b)) {
            return nan_interval();
        }
        if (zero_in(b)) {
            return {endpoint::infinity(true), endpoint::infinity(false)};
        }
        const endpoint& al = a.lo_;
        const endpoint& ah = a.hi_;
        const endpoint& bl = b.lo_;
        const endpoint& bh = b.hi_;
        const auto pick = [](const endpoint& x1, const endpoint& y1, const endpoint& x2, const endpoint& y2) {
            return dyadic_interval(endpoint::div(x1, y1, rounding::down), endpoint::div(x2, y2, rounding::up));
        };
        if (bl > 0) {
            if (al >= 0) {
                return pick(al, bh, ah, bl);
            }
            if (ah <= 0) {
                return pick(al, bl, ah, bh);
            }
            return pick(al, bl, ah, bl);
        }
        if (al >= 0) {
            return pick(ah, bh, al, bl);
        }
        if (ah <= 0) {
            return pick(ah, bl, al, bh);
        }
        return pick(ah, bh, al, bh);
    }
    /// *this = *this + b.
    constexpr dyadic_interval& operator+=(const dyadic_interval& b) { return *this = *this + b; }
    /// *this = *this - b.
    constexpr dyadic_interval& operator-=(const dyadic_interval& b) { return *this = *this - b; }
    /// *this = *this b.
    constexpr dyadic_interval& operator*=(const dyadic_interval& b) { return *this = *this * b; }
    /// *this = *this / b.
    constexpr dyadic_interval& operator/=(const dyadic_interval& b) { return *this = *this / b; }

    /// {|t| : t in x}.
    friend constexpr dyadic_interval abs(const dyadic_interval& x) {
        if (x.lo_ >= 0) {
            return x;
        }
        if (x.hi_ <= 0) {
            return -x;
        }
        const endpoint m = -x.lo_ > x.hi_ ? -x.lo_ : x.hi_;
        return {endpoint(), m};
    }
    /// x^n for any integer n (even powers of |x|, so they never reach below 0).
    friend constexpr dyadic_interval pow(const dyadic_interval& x, int n) {
        if (n < 0) {
            return dyadic_interval(1) / pow(x, -n);
        }
        dyadic_interval result(1);
        dyadic_interval base = n % 2 == 0 ? abs(x) : x;  // even powers are of |x|
        for (; n > 0; n /= 2) {
            if (n % 2 == 1) {
                result *= base;
            }
            if (n > 1) {
                base = base * base;
            }
        }
        return result;
    }

    /// An enclosure of log t for t in x (the NaN interval when x reaches below 0; -inf at 0).
    friend constexpr dyadic_interval log(const dyadic_interval& x) {
        if (isnan(x) || x.lo_ < 0) {
            return nan_interval();
        }
        // log' = 1/t <= 1/lo on [lo, hi].
        return monotone(
            x, [](const endpoint& v) { return log_point(v); },
            [](const endpoint& lo, const dyadic_interval&) {
                return lo > 0 ? dyadic_interval(1) / dyadic_interval(lo) : nan_interval();
            });
    }
    /// An enclosure of log(1 + t) for t in x (the NaN interval when x reaches below -1).
    friend constexpr dyadic_interval log1p(const dyadic_interval& x) {
        if (isnan(x) || x.lo_ < -1) {
            return nan_interval();
        }
        // log1p' = 1/(1 + t) <= 1/(1 + lo).
        return monotone(
            x, [](const endpoint& v) { return log1p_point(v); },
            [](const endpoint& lo, const dyadic_interval&) {
                return lo > -1 ? dyadic_interval(1) / (dyadic_interval(1) + dyadic_interval(lo)) : nan_interval();
            });
    }
    /// An enclosure of e^t for t in x.
    friend constexpr dyadic_interval exp(const dyadic_interval& x) {
        if (isnan(x)) {
            return x;
        }
        // exp' = e^t <= e^lo e^w <= 2 e^lo for w <= 1/2.
        return monotone(
            x, [](const endpoint& v) { return exp_point(v); },
            [](const endpoint&, const dyadic_interval& at_lo) { return dyadic_interval(2) * at_lo; });
    }
    /// An enclosure of e^t - 1 for t in x.
    friend constexpr dyadic_interval expm1(const dyadic_interval& x) {
        if (isnan(x)) {
            return x;
        }
        // expm1' = e^t <= 2 e^lo = 2 (1 + expm1(lo)).
        return monotone(
            x, [](const endpoint& v) { return expm1_point(v); },
            [](const endpoint&, const dyadic_interval& at_lo) {
                return dyadic_interval(2) * (dyadic_interval(1) + at_lo);
            });
    }

    /// Writes [lower, upper], each end rounded to long double.
    friend std::ostream& operator<<(std::ostream& out, const dyadic_interval& x) {
        return out << '[' << x.lo_ << ", " << x.hi_ << ']';
    }

    /// The NaN interval.
    [[nodiscard]] static constexpr dyadic_interval nan_interval() {
        dyadic_interval x;
        x.lo_ = x.hi_ = endpoint::nan();
        return x;
    }

private:
    using fixed = dyadic_detail::fixed<P>;

    static constexpr dyadic_interval from(const std::pair<endpoint, endpoint>& e) { return {e.first, e.second}; }

    /// f(x) for an increasing f, from enclosures of f at points. A narrow x (the enclosure of a
    /// rational input, or a result) costs one evaluation: f(hi) <= f(lo) + w * slope, where
    /// slope(lo, f(lo)) bounds f' on [lo, lo + w] for the width w <= 2^-32 (mean value theorem).
    template <class Point, class Slope>
    static constexpr dyadic_interval monotone(const dyadic_interval& x, Point f, Slope slope) {
        if (is_point(x)) {
            return f(x.lo_);
        }
        const endpoint w = width(x);
        if (x.lo_.is_finite() && x.hi_.is_finite() && w <= endpoint::pow2(-32)) {
            const dyadic_interval at_lo = f(x.lo_);
            const dyadic_interval s = slope(x.lo_, at_lo);
            if (upper(s).is_finite()) {
                return {at_lo.lo_, upper(dyadic_interval(at_lo.hi_) + dyadic_interval(w) * s)};
            }
        }
        return {lower(f(x.lo_)), upper(f(x.hi_))};
    }

    /// log of a point v >= 0.
    static constexpr dyadic_interval log_point(const endpoint& v) {
        if (v.is_zero()) {
            return endpoint::infinity(true);
        }
        if (v.is_inf()) {
            return endpoint::infinity(false);
        }
        // v = N 2^(k - P + 1) with N in [2^(P-1), 2^P): m = N / D in [2/3, 4/3) with D = 2^(P-1)
        // (or 2^P, adding 1 to k, when N >= 4/3 2^(P-1)).
        const wide& n = v.mantissa();
        int k = v.ilogb();
        wide d = wide(1) << (P - 1);
        if (3 * n >= (d << 2)) {
            d <<= 1;
            ++k;
        }
        dyadic_interval result = k == 0 ? dyadic_interval(0) : dyadic_interval(k) * ln2();
        if (n != d) {
            // t = (N - D)/(N + D), |t| <= 1/5; log m = 2 t G(t^2).
            const bool neg = n < d;
            const wide num = neg ? wide(d - n) : wide(n - d);
            // N - D < 2^P is exact; N + D may need P + 1 bits: enclose it.
            const wide sum = n + d;
            const dyadic_interval den(endpoint::make(false, sum, 0, false, rounding::down),
                                      endpoint::make(false, sum, 0, false, rounding::up));
            const dyadic_interval t = dyadic_interval(endpoint::make(neg, num, 0, false, rounding::nearest)) / den;
            result += t.scaled(1) * atanh_factor(t);
        }
        return result;
    }

    /// G(t^2) for |t| <= 1/5, as an enclosure (G is increasing in t^2).
    static constexpr dyadic_interval atanh_factor(const dyadic_interval& t) {
        const dyadic_interval a = abs(t);
        const dyadic_interval u = a * a;
        fixed uf = dyadic_detail::to_fixed(u.hi_);
        // The error count also covers every u in the interval (G' <= 1/2 there).
        const fixed ulo = dyadic_detail::to_fixed(u.lo_);
        uf.err = dyadic_detail::count_sum(uf.err, static_cast<unsigned long long>(wide(uf.v - ulo.v)) + 1);
        return from(dyadic_detail::enclose(dyadic_detail::atanh_g(uf)));
    }

    static constexpr dyadic_interval log1p_point(const endpoint& v) {
        if (v == -1) {
            return endpoint::infinity(true);
        }
        if (v.is_inf()) {
            return endpoint::infinity(false);
        }
        if (abs(v) < endpoint(0.25)) {
            if (v.is_zero()) {
                return dyadic_interval(0);
            }
            // 2 atanh(v / (2 + v)): relative accuracy for every tiny v.
            const dyadic_interval x(v);
            const dyadic_interval t = x / (dyadic_interval(2) + x);
            return t.scaled(1) * atanh_factor(t);
        }
        const dyadic_interval y = dyadic_interval(1) + dyadic_interval(v);
        return log(y);
    }

    static constexpr dyadic_interval exp_point(const endpoint& v) {
        if (v.is_zero()) {
            return dyadic_interval(1);
        }
        const endpoint limit = endpoint::pow2(16);
        if (v > limit) {
            return {lower(exp_point(limit)), endpoint::infinity(false)};
        }
        if (v < -limit) {
            return {endpoint(), upper(exp_point(-limit))};
        }
        // v = k ln2 + r with r in [0, ln 2) (computed on fixed-point numbers; the errors of x and of
        // ln 2 times |k| go into r's count).
        const fixed x = dyadic_detail::to_fixed(v);
        const fixed l2 = ln2_fixed();
        long long k = 0;
        fixed r;
        if (!v.negative()) {
            const wide q = x.v / l2.v;
            k = static_cast<long long>(q);
            r.v = x.v - q * l2.v;
            r.err = dyadic_detail::count_sum(x.err, static_cast<unsigned long long>(q) * l2.err);
        } else {
            const wide q = (x.v + l2.v - 1) / l2.v;
            k = -static_cast<long long>(q);
            r.v = q * l2.v - x.v;
            r.err = dyadic_detail::count_sum(x.err, static_cast<unsigned long long>(q) * l2.err);
        }
        const fixed e = dyadic_detail::exp_fixed(r);
        return from(dyadic_detail::enclose(e, static_cast<int>(k)));
    }

    static constexpr dyadic_interval expm1_point(const endpoint& v) {
        if (v.is_zero()) {
            return dyadic_interval(0);
        }
        if (v.is_inf()) {
            return v.negative() ? dyadic_interval(-1) : dyadic_interval(v);
        }
        if (abs(v) < endpoint(0.5)) {
            const endpoint a = abs(v);
            const fixed af = dyadic_detail::to_fixed(a);
            const dyadic_interval y = dyadic_interval(a) * from(dyadic_detail::enclose(dyadic_detail::expm1_h(af)));
            if (!v.negative()) {
                return y;
            }
            // expm1(-a) = -y/(1 + y), increasing in y: [-yhi/(1+yhi), -ylo/(1+ylo)].
            const dyadic_interval lo = dyadic_interval(y.hi_) / (dyadic_interval(1) + dyadic_interval(y.hi_));
            const dyadic_interval hi = dyadic_interval(y.lo_) / (dyadic_interval(1) + dyadic_interval(y.lo_));
            return {-upper(lo), -lower(hi)};
        }
        return exp_point(v) - dyadic_interval(1);
    }


    constexpr dyadic_interval scaled(int n) const { return {lo_.scaled(n), hi_.scaled(n)}; }

    static constexpr fixed ln2_fixed();

    endpoint lo_{};
    endpoint hi_{};
};

namespace dyadic_detail {

/// ln 2 = 2 atanh(1/3) = (2/3) G(1/9), as a fixed-point value with its error count.
template <unsigned P>
[[nodiscard]] constexpr fixed<P> compute_ln2_fixed() {
    using W = typename fixed<P>::wide;
    const fixed<P> u{W(fixed<P>::unit_one() / 9), 1};
    const fixed<P> g = atanh_g(u);
    return {W(2 * g.v / 3), 2 * g.err / 3 + 2};
}
template <unsigned P>
inline constexpr fixed<P> ln2_fixed_v = compute_ln2_fixed<P>();

template <unsigned P>
[[nodiscard]] constexpr dyadic_interval<P> compute_pi() {
    // pi = 16 atan(1/5) - 4 atan(1/239).
    using W = typename fixed<P>::wide;
    const auto [p5, n5] = atan_inverse<P>(5);
    const auto [p239, n239] = atan_inverse<P>(239);
    const fixed<P> plus{W(16 * p5.v + 4 * n239.v), 16 * p5.err + 4 * n239.err};
    const fixed<P> minus{W(16 * n5.v + 4 * p239.v), 16 * n5.err + 4 * p239.err};
    const auto [plo, phi] = enclose(plus);
    const auto [mlo, mhi] = enclose(minus);
    return dyadic_interval<P>(plo, phi) - dyadic_interval<P>(mlo, mhi);
}
template <unsigned P>
inline constexpr dyadic_interval<P> pi_v = compute_pi<P>();

template <unsigned P>
inline constexpr dyadic_interval<P> ln2_v =
    dyadic_interval<P>(enclose(ln2_fixed_v<P>).first, enclose(ln2_fixed_v<P>).second);

}  // namespace dyadic_detail

template <unsigned P>
constexpr dyadic_interval<P> dyadic_interval<P>::pi() {
    return dyadic_detail::pi_v<P>;
}
template <unsigned P>
constexpr dyadic_interval<P> dyadic_interval<P>::ln2() {
    return dyadic_detail::ln2_v<P>;
}
template <unsigned P>
constexpr typename dyadic_interval<P>::fixed dyadic_interval<P>::ln2_fixed() {
    return dyadic_detail::ln2_fixed_v<P>;
}

}  // namespace shannon::numbers

namespace shannon {
using numbers::dyadic;
using numbers::dyadic_interval;
}  // namespace shannon

namespace std {
template <unsigned P>
class numeric_limits<shannon::numbers::dyadic<P>> {
    using D = shannon::numbers::dyadic<P>;

public:
    static constexpr bool is_specialized = true;
    static constexpr bool is_signed = true;
    static constexpr bool is_integer = false;
    static constexpr bool is_exact = false;
    static constexpr bool has_infinity = true;
    static constexpr bool has_quiet_NaN = true;
    static constexpr int radix = 2;
    static constexpr int digits = static_cast<int>(P);
    static constexpr int digits10 = static_cast<int>(P * 30103UL / 100000UL);
    static constexpr int max_digits10 = digits10 + 2;
    [[nodiscard]] static constexpr D epsilon() { return D::pow2(1 - static_cast<int>(P)); }
    [[nodiscard]] static constexpr D infinity() { return D::infinity(); }
    [[nodiscard]] static constexpr D quiet_NaN() { return D::nan(); }
};
}  // namespace std
