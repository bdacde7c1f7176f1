// shannon/detail/dd_kernels.hpp — table-driven double-double exp, log, log1p and expm1 of binary64
// double words, constexpr, with proven error bounds. Included by double_word.hpp after the double-word
// arithmetic they are built on; not a header to include on its own.
//
// They serve two callers with one implementation: the certified ball (ball.hpp), which adds their
// bounds to its radius, and the correctly rounded elementary functions of float and double
// (elementary.hpp), which apply a rounding test with the same bounds. They are constexpr, so a
// constant expression and a run-time call compute the same bits. (The series kernels of
// double_word.hpp, kept for long double and for the double-word working type, are ten times slower:
// about 1 us per exp against about 65 ns here.)
//
// Relative error bounds (u = 2^-53), each checked against MPFR on random and hard inputs in
// tests/numbers/ball.cpp, which prints the largest error measured:
//   exp        k = nearest(x 256/ln2), r = x - k ln2/256 with ln2/256 in three parts (k L1 exact,
//              x.hi - k L1 exact by Sterbenz): |r| <= 2^-9.5, errs < 2^-103 |r| + 2^-127;
//              e^x = 2^(k >> 8) T_(k & 255) (1 + p), T_j = 2^(j/256) in double-double (2^-106,
//              generators/gen_exp_table.py), p = r + r^2/2 + r^3/6 [double-double] + r^4 (1/24 + ... +
//              r^5/9!) [binary64]: the binary64 tail (< 2^-33 |r|) carries ~8u of itself, < 2^-83 |r|,
//              so < 2^-92.5 relative after 1 + p; truncation after r^9: < 2^-104; the double-double
//              operations and the table < 2^-101:  < 2^-92                         (used: 2^-88)
//   log        x = 2^e m, the table of exact/fast.hpp (detail/log_table.hpp: c_i near 1/m, L_i =
//              -log c_i, log 2 folded in above sqrt 2): r = m c_i - 1 exact for the high word (Dekker's
//              product, Sterbenz), plus the low word times c_i as an exact product; log1p(r) = r -
//              r^2/2 + r^3/3 [double-double] - r^4 (1/4 - ... + r^6/10) [binary64]: the tail (< 2^-32
//              |r|) carries ~4u of itself, < 2^-83 |r|; truncation after r^10 < 2^-100 |r|; |r| <=
//              2 |log x| when k = 0, and |log x| >= 0.34 otherwise:  < 2^-81           (used: 2^-78)
//   log1p      |x| < 2^-20: x - x^2/2 [double-double] + x^3 (1/3 - x/4 + x^2/5) [binary64],
//              < 2^-94; else log(1 + x) with 1 + x in double-double (2^-104 absolute in the log)
//              and |log1p x| >= 2^-21: < 2^-81 + 2^-83                             (used: 2^-78)
//   expm1      |x| <= ln2/512: exp's series with r = x (relative to p itself: < 2^-83); else
//              e^x - 1 in double-double, |e^x - 1| >= 2^-9.6 e^min(x,0): < 2^-82       (used: 2^-78)
// The bounds hold for the unscaled exp (exp_parts) in every case; the scaled results (exp, expm1)
// add an absolute error below 2^-1074 where their low word falls below the normal range.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include "exp_table.hpp"
#include "log_table.hpp"

namespace shannon::dd {

using word = double_word<double>;

/// The relative error bounds used (see the header comment).
inline constexpr double rel_log = 0x1p-78;
/// exp's bound, relative to the unscaled result as to the scaled one.
inline constexpr double rel_exp = 0x1p-88;
/// expm1's bound.
inline constexpr double rel_expm1 = 0x1p-78;
/// log1p's bound.
inline constexpr double rel_log1p = 0x1p-78;

/// 2^m for m in binary64's normal exponent range, from its bits.
[[nodiscard]] constexpr double pow2(long long m) {
    return std::bit_cast<double>(static_cast<std::uint64_t>(m + 1023) << 52U);
}

/// w 2^m: exact unless the result leaves the normal range (then one rounding of each part, an
/// absolute error below 2^-1074).
[[nodiscard]] constexpr word times_pow2(const word& w, long long m) {
    if (m >= -1022 && m <= 1023) {
        const double f = pow2(m);
        return {w.hi * f, w.lo * f};
    }
    return {double_word_arith::ldexp(w.hi, static_cast<int>(m)), double_word_arith::ldexp(w.lo, static_cast<int>(m))};
}

/// r^2 of a double word, to about 2^-104 relative (the dropped lo^2 and one rounding of 2 hi lo).
SHANNON_DW_INLINE [[nodiscard]] constexpr word square(const word& r) {
    const word s = double_word_arith::two_prod(r.hi, r.hi);
    return double_word_arith::fast_two_sum(s.hi, s.lo + 2 * r.hi * r.lo);
}

/// e^r - 1 for a reduced argument |r| <= 2^-9.5: r + r^2/2 + r^3/6 [double-double] + r^4 (1/24 +
/// ... + r^5/9!) [binary64] (bound in the header comment).
[[nodiscard]] constexpr word expm1_reduced(const word& r) {
    const word r2 = square(r);
    const double rh = r.hi;
    const double tail =
        (r2.hi * r2.hi) *
        (1.0 / 24 + rh * (1.0 / 120 + rh * (1.0 / 720 + rh * (1.0 / 5040 + rh * (1.0 / 40320 + rh * (1.0 / 362880))))));
    constexpr word sixth{0x1.5555555555555p-3, 0x1.5555555555555p-57};
    const word p = double_word_arith::add(r, word(0.5 * r2.hi, 0.5 * r2.lo));
    return double_word_arith::add(p, double_word_arith::add(double_word_arith::mul(double_word_arith::mul(r2, r), sixth), word(tail)));
}

/// e^x as m 2^e with m a double word in [0.99, 2.01] (normal, whatever x): what a correct rounding
/// of a result near or below binary64's normal range needs, before the scaling rounds the low word.
struct scaled_word {
    /// The significand, within rel_exp of e^x 2^-e.
    word m;
    /// The power of two.
    long long e;
};

/// e^x unscaled, for a double word with -746 < x.hi < 709.8 (bound in the header comment).
[[nodiscard]] constexpr scaled_word exp_parts(const word& x) {
    constexpr double inv = 0x1.71547652b82fep+8;  // 256 / ln 2, only to pick k
    constexpr double shifter = 0x1.8p52;          // adding and subtracting it rounds to an integer
    const double kd = (x.hi * inv + shifter) - shifter;
    const auto k = static_cast<long long>(kd);
    // r = x - k ln2/256: k L1 is exact (33 + 20 bits) and x.hi - k L1 exact (Sterbenz), then the
    // two lower parts of ln2/256, the middle one by an exact product.
    word r = double_word_arith::two_sum(x.hi - kd * ln2_256_1, x.lo);
    r = double_word_arith::add(r, double_word_arith::neg(double_word_arith::two_prod(kd, ln2_256_2)));
    r = double_word_arith::add(r, word(-kd * ln2_256_3));
    const word p = expm1_reduced(r);
    // e^x = 2^(k >> 8) T_(k & 255) (1 + p).
    const exp_table_entry& t = exp2_table[static_cast<std::size_t>(k & 255)];
    const word tw{t.hi, t.lo};
    return {double_word_arith::add(tw, double_word_arith::mul(tw, p)), k >> 8};
}

/// e^x for a double word with -746 < x.hi < 709.8 (bound in the header comment).
[[nodiscard]] constexpr word exp_dd(const word& x) {
    const scaled_word s = exp_parts(x);
    return times_pow2(s.m, s.e);
}

/// log x for a positive finite double word (bound in the header comment).
[[nodiscard]] constexpr word log_dd(const word& x) {
    word v = x;
    double shift = 0;
    if (v.hi < 0x1p-1000) {  // below the normal range's top: scale up (exact)
        v = {v.hi * 0x1p200, v.lo * 0x1p200};
        shift = 200;
    }
    const auto bits = std::bit_cast<std::uint64_t>(v.hi);
    const auto e = static_cast<long long>(bits >> 52U) - 1023;
    const std::uint64_t frac = bits & ((std::uint64_t{1} << 52U) - 1);
    const double mh = std::bit_cast<double>(frac | 0x3ff0000000000000ULL);  // in [1, 2)
    const double ml = e <= 1022 ? v.lo * pow2(-e) : double_word_arith::ldexp(v.lo, -1023);  // exact
    const exact::detail::log_table_entry& t = exact::detail::log_table[frac >> 42U];
    // r = m c - 1: mh c - 1 is exact in binary64 (|r| < 2^-10, a multiple of 2^-63), and so is
    // (p - 1) + e for Dekker's exact product p + e = mh c; ml c is added as an exact product.
    const word pc = double_word_arith::two_prod(mh, t.c);
    const double rh = (pc.hi - 1) + pc.lo;
    const word r = double_word_arith::add(word(rh), double_word_arith::two_prod(ml, t.c));
    // log1p(r) = r - r^2/2 + r^3/3 [double-double] - r^4 (1/4 - r/5 + ... - r^6/10) [binary64].
    const word r2 = square(r);
    const word r3 = double_word_arith::mul(r2, r);
    const double h = r.hi;
    const double tail =
        (r2.hi * r2.hi) * (0.25 - h * (0.2 - h * (1.0 / 6 - h * (1.0 / 7 - h * (0.125 - h * (1.0 / 9 - h * 0.1))))));
    constexpr word third{0x1.5555555555555p-2, 0x1.5555555555555p-56};
    word l = double_word_arith::add(r, word(-0.5 * r2.hi, -0.5 * r2.lo));
    l = double_word_arith::add(l, double_word_arith::add(double_word_arith::mul(r3, third), word(-tail)));
    // + L_i + k ln 2, k = e + the table's fold - shift.
    const double k = static_cast<double>(e) + t.k - shift;
    l = double_word_arith::add(l, word(t.hi, t.lo));
    const word kl = double_word_arith::add(double_word_arith::two_prod(k, double_word_arith::ln2<double>.hi), word(k * double_word_arith::ln2<double>.lo));
    return double_word_arith::add(kl, l);
}

/// log(1 + x) for a double word x > -1 (finite): the series below 2^-20, else log_dd(1 + x).
[[nodiscard]] constexpr word log1p_dd(const word& x) {
    if (double_word_arith::abs(x.hi) < 0x1p-20) {
        // x - x^2/2 [double-double] + x^3 (1/3 - x/4 + x^2/5) [binary64]: x^6/6 < 2^-100 |x|.
        const word x2 = square(x);
        const double h = x.hi;
        const double tail = x2.hi * h * (1.0 / 3 - h * (0.25 - h * 0.2));
        return double_word_arith::add(double_word_arith::add(x, word(-0.5 * x2.hi, -0.5 * x2.lo)), word(tail));
    }
    return log_dd(double_word_arith::add(word(1.0), x));
}

/// e^x - 1 for a double word with x.hi < 709.8: from exp_dd's own reduction where k = 0 (|x| <=
/// ln2/512), e^x - 1 in double-double elsewhere (|e^x - 1| >= 2^-9.6 e^min(x,0) there), -1 below
/// -746 (e^x < 2^-1076, then exp_dd - 1 keeps it).
[[nodiscard]] constexpr word expm1_dd(const word& x) {
    if (double_word_arith::abs(x.hi) < 0x1.62e42fefa39efp-10) {  // ln2/512 rounded: k = 0, x = r
        return expm1_reduced(x);
    }
    if (x.hi < -746) {
        return word(-1.0);
    }
    return double_word_arith::add(exp_dd(x), word(-1.0));
}

}  // namespace shannon::dd
