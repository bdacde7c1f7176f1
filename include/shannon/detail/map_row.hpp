// shannon/detail/map_row.hpp — elementwise functions of binary64 rows in double-double with proven
// bounds, four lanes at a time: the certified ball's (numbers/ball_rows.hpp's map_row) fast path for
// the frameworks' elementwise functions (torch.special.expit, jax.nn.sigmoid, softplus, logsigmoid,
// entr, xlogy), which the generic formula evaluated ball by ball computed at 250-400 ns an element.
//
// Each kernel takes an element x (and y) of a row where it is inside the kernel's domain and writes
// its value v as a double word with a radius r, |v - f(x)| <= r; every other element (NaN, +-inf, the
// ends of the range, the points where a framework's convention decides the value: x = 0 or 1 of
// entr, x = 0 of xlogy, softplus's linear region) goes to the caller's `rare(i)`, the generic
// formula with the profile's conventions. The radius is rel |v_hi| rounded up (ball.hpp's up():
// (1 + 2^-49) covers |v| <= |v_hi| (1 + 2^-52) and the product's rounding, plus 2^-1069), with rel
// from the bounds below (u = 2^-53; e = e^-|x| from sum_exp.hpp's exp_lanes, within 2^-79 of itself,
// or dd::exp_parts in the portable code, within 2^-88):
//
//   sigmoid(x) = N / S,  N = 1 (x >= 0) or e (x < 0),  S = 1 + e,  |x| <= 600.
//     S: TwoSum(1, e_hi), then e_lo into the low word (one rounding of a number below 2^-51:
//     < 2^-104 absolute, S >= 1), so S errs by < 2^-79 e + 2^-104 <= (2^-80 + 2^-104) S for e <= 1.
//     N / S by one correction: q1 = N_hi / S_hi, q1 S_hi = P_hi + P_lo exactly (TwoProd), N_hi - P_hi
//     exact (Sterbenz: P_hi within 2^-52 of N_hi), r = ((N_hi - P_hi) - P_lo + N_lo) - q1 S_lo with
//     four roundings of numbers below 2^-51 |N| (< 2^-102 |N|), q2 = r / S_hi (S_hi for S: 2^-104 of
//     the correction; the rounding: 2^-104 |q|), FastTwoSum(q1, q2) exact: < 2^-101.4 |N/S|.
//     In all: N's 2^-79 (x < 0), S's 2^-80, the division's 2^-101.4: < 2^-78.4.   (rel: 2^-77)
//   softplus(x) = max(x, 0) + L,  L = log1p(e),  |x| <= 600, x <= the caller's upper limit.
//     e >= 2^-20: S = 1 + e as above, L = log_dd(S_hi) + S_lo / S_hi (exact/fast.hpp's log_dd: 2^-81
//       of |log S_hi|; log(S_hi + S_lo) - log S_hi - S_lo/S_hi <= (S_lo/S_hi)^2 / 2 < 2^-105, and the
//       two roundings that add the correction, < 2^-104, against L >= 2^-20.5); e's own error moves
//       L by at most 2^-79 e / (1 + e) <= 2^-79 L. In all < 2^-78.6 L.
//     e < 2^-20: L = e - e^2/2 + e^3/3 - e^4/4 (sum_softplus.hpp's series: within 2^-87.9 e of
//       log1p(e_hi + e_lo), truncation included), e's error: < 2^-78.9 L (L >= e (1 - 2^-21)).
//     max(x, 0) + L: x exact and both >= 0 (TwoSum, the low words' one rounding < 2^-105 of the
//     sum): the relative bound of L holds for the sum.                              (rel: 2^-77)
//     log_sigmoid(x) = -softplus(-x): the same, negated.
//   entr(x) = -x log x, xlogy(x, y) = x log y: exact/fast.hpp's xlogy_term (log_dd's 2^-81 of |log y|,
//     the product x log y by TwoProd plus x log_lo: below 2^-80 of |x log y| in all), for x and y in
//     [2^-900, 2^900] (|x| for xlogy; y normal: no product over- or underflows) and y != 1 (log 1 = 0:
//     the sign of the zero is the profile's).                                       (rel: 2^-76)
//
// The four lanes (AVX2 + FMA) evaluate the formulas above. The portable scalar code (no target
// attribute: CPUs without AVX2, and elsewhere than x86-64) takes dd_kernels.hpp's functions instead:
// e from dd::exp_parts (2^-88), softplus's log1p(e) from dd::log1p_dd (2^-78 of itself: with e's error
// < 2^-77.99 in all), x log y from dd::log_dd (2^-78) and the same product (< 2^-77.9); sigmoid's
// division is the same. The bounds above hold for both. A block of four with an element outside the
// domain goes to the portable code element by element.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../exact/fast.hpp"
#include "../numbers/double_word.hpp"
#include "fp_contract.hpp"
#include "row_fn.hpp"
#include "simd.hpp"
#include "sum_exp.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact::fast::detail {

using shannon::detail::row_fn;

/// Each function's relative bound (the header comment).
[[nodiscard]] constexpr double row_fn_rel(row_fn f) {
    return f == row_fn::entr || f == row_fn::xlogy ? 0x1p-76 : 0x1p-77;
}

inline constexpr double map_exp_limit = 600;       // |x| at most this for sigmoid and softplus
inline constexpr double map_log_lo = 0x1p-900;     // entr's and xlogy's range
inline constexpr double map_log_hi = 0x1p900;
inline constexpr double map_series_below = 0x1p-20;  // log1p(e) by its series below this e

// ---- the portable scalar code: double_word_arith and dd_kernels.hpp (no target attribute) ----

/// N / S for a double word N and S >= 1 (the header comment's one-correction division).
[[nodiscard]] inline double_word<double> div_by_sum(const double_word<double>& num, const double_word<double>& s) {
    const double q1 = num.hi / s.hi;
    const double_word<double> p = double_word_arith::two_prod(q1, s.hi);
    const double r = (((num.hi - p.hi) - p.lo) + num.lo) - q1 * s.lo;
    return double_word_arith::fast_two_sum(q1, r / s.hi);
}

/// 1 + e for 0 <= e <= 1 as a normalized double word.
[[nodiscard]] inline double_word<double> one_plus(const double_word<double>& e) {
    const double_word<double> s = double_word_arith::two_sum(1.0, e.hi);
    return double_word_arith::fast_two_sum(s.hi, s.lo + e.lo);
}

/// e^-|x| for |x| <= 600 (dd::exp_parts, 2^-88; the scaling exact but for a low word below 2^-1022).
[[nodiscard]] inline double_word<double> exp_neg_abs(double x) {
    const ::shannon::dd::scaled_word es = ::shannon::dd::exp_parts(double_word<double>(-std::abs(x)));
    const double scale = ::shannon::dd::pow2(es.e);
    return {es.m.hi * scale, es.m.lo * scale};
}

/// max(x, 0) + log1p(e) for e = e^-|x|: dd::log1p_dd (2^-78) in the portable code.
[[nodiscard]] inline double_word<double> softplus_scalar(double x) {
    const double_word<double> l = ::shannon::dd::log1p_dd(exp_neg_abs(x));
    const double_word<double> t = double_word_arith::two_sum(x > 0 ? x : 0.0, l.hi);
    return double_word_arith::fast_two_sum(t.hi, t.lo + l.lo);
}

/// x log y: dd::log_dd (2^-78), the product by TwoProd plus x log_lo.
[[nodiscard]] inline double_word<double> x_log_y_scalar(double x, double y) {
    const double_word<double> l = ::shannon::dd::log_dd(double_word<double>(y));
    const double_word<double> t = double_word_arith::two_prod(x, l.hi);
    return double_word_arith::fast_two_sum(t.hi, t.lo + x * l.lo);
}

/// Whether the kernels take the element (the header comment's domains).
[[nodiscard]] inline bool map_takes(row_fn f, double x, double y, double upper) {
    switch (f) {
        case row_fn::sigmoid: return std::abs(x) <= map_exp_limit;
        case row_fn::softplus: return std::abs(x) <= map_exp_limit && x <= upper;
        case row_fn::log_sigmoid: return std::abs(x) <= map_exp_limit && -x <= upper;
        case row_fn::entr: return x >= map_log_lo && x <= map_log_hi && x != 1;
        case row_fn::xlogy:
            return std::abs(x) >= map_log_lo && std::abs(x) <= map_log_hi && y >= map_log_lo && y <= map_log_hi && y != 1;
    }
    return false;
}

/// The portable code's value at a taken element.
[[nodiscard]] inline double_word<double> map_scalar(row_fn f, double x, double y) {
    switch (f) {
        case row_fn::sigmoid: {
            const double_word<double> e = exp_neg_abs(x);
            return div_by_sum(x >= 0 ? double_word<double>(1.0) : e, one_plus(e));
        }
        case row_fn::softplus: return softplus_scalar(x);
        case row_fn::log_sigmoid: return double_word_arith::neg(softplus_scalar(-x));
        case row_fn::entr: return x_log_y_scalar(-x, x);
        case row_fn::xlogy: return x_log_y_scalar(x, y);
    }
    return {};
}

#if defined(SHANNON_FAST_X86)
// ---- four lanes (AVX2 + FMA): the same formulas, exp_lanes (2^-79) and exact/fast.hpp's log_dd (2^-81) ----

/// div_by_sum lane by lane.
SHANNON_FAST_INLINE inline ddv<vd4> div_by_sum(const ddv<vd4>& num, const ddv<vd4>& s) {
    const vd4 q1 = num.hi / s.hi;
    const ddv<vd4> p = two_prod(q1, s.hi);
    const vd4 r = (((num.hi - p.hi) - p.lo) + num.lo) - q1 * s.lo;
    return fast_two_sum(q1, r / s.hi);
}

/// one_plus lane by lane.
SHANNON_FAST_INLINE inline ddv<vd4> one_plus(const ddv<vd4>& e) {
    const ddv<vd4> s = two_sum(vd4{} + 1.0, e.hi);
    return fast_two_sum(s.hi, s.lo + e.lo);
}

/// sigmoid(x) from e = e^-|x|.
SHANNON_FAST_INLINE inline ddv<vd4> sigmoid_of(vd4 x, const ddv<vd4>& e) {
    const auto neg = x < 0.0;
    return div_by_sum(ddv<vd4>{select_(neg, e.hi, vd4{} + 1.0), select_(neg, e.lo, vd4{})}, one_plus(e));
}

/// softplus(x) = max(x, 0) + log1p(e) from e = e^-|x|: log(S_hi) + S_lo / S_hi for e >= 2^-20, the
/// series below.
SHANNON_FAST_INLINE inline ddv<vd4> softplus_of(vd4 x, const ddv<vd4>& e) {
    const ddv<vd4> s = one_plus(e);
    const ddv<vd4> l = log_dd(s.hi);
    const ddv<vd4> by_log = fast_two_sum(l.hi, l.lo + s.lo / s.hi);
    const ddv<vd4> sq = two_prod(e.hi, e.hi);
    const ddv<vd4> h = two_sum(e.hi, -0.5 * sq.hi);
    const vd4 tail = e.lo * (1.0 - e.hi) - 0.5 * sq.lo + sq.hi * (e.hi * (1.0 / 3) - sq.hi * 0.25);
    const ddv<vd4> by_series = fast_two_sum(h.hi, h.lo + tail);
    const auto big = e.hi >= map_series_below;
    const ddv<vd4> lg{select_(big, by_log.hi, by_series.hi), select_(big, by_log.lo, by_series.lo)};
    const ddv<vd4> t = two_sum(select_(x > 0.0, x, vd4{}), lg.hi);
    return fast_two_sum(t.hi, t.lo + lg.lo);
}

/// x log y (xlogy_term's -x log y, negated: exact).
SHANNON_FAST_INLINE inline ddv<vd4> x_log_y(vd4 x, vd4 y) {
    const term<vd4> t = xlogy_term(x, y);
    return {-t.v.hi, -t.v.lo};
}

/// Four elements from i (all taken: the caller checked) into put(i + l, value) lane by lane.
template <class Put>
SHANNON_FAST_TARGET inline void map_block(row_fn f, vd4 x, vd4 y, std::size_t i, const Put& put) {
    ddv<vd4> v{};
    switch (f) {
        case row_fn::sigmoid: v = sigmoid_of(x, lanes4::exp_lanes(ddv<vd4>{-abs_(x), vd4{}})); break;
        case row_fn::softplus: v = softplus_of(x, lanes4::exp_lanes(ddv<vd4>{-abs_(x), vd4{}})); break;
        case row_fn::log_sigmoid: {
            const ddv<vd4> s = softplus_of(-x, lanes4::exp_lanes(ddv<vd4>{-abs_(x), vd4{}}));
            v = {-s.hi, -s.lo};
            break;
        }
        case row_fn::entr: v = x_log_y(-x, x); break;
        case row_fn::xlogy: v = x_log_y(x, y); break;
    }
    for (std::size_t l = 0; l < 4; ++l) {
        put(i + l, v.hi[l], v.lo[l]);
    }
}

/// Whether the four lanes take every element of the block.
SHANNON_FAST_TARGET inline bool map_block_takes(row_fn f, vd4 x, vd4 y, double upper) {
    const vd4 a = abs_(x);
    switch (f) {
        case row_fn::sigmoid: return all_(a <= map_exp_limit);
        case row_fn::softplus: return all_((a <= map_exp_limit) & (x <= upper));
        case row_fn::log_sigmoid: return all_((a <= map_exp_limit) & (-x <= upper));
        case row_fn::entr: return all_((x >= map_log_lo) & (x <= map_log_hi) & (x != 1.0));
        case row_fn::xlogy:
            return all_((a >= map_log_lo) & (a <= map_log_hi) & (y >= map_log_lo) & (y <= map_log_hi) & (y != 1.0));
    }
    return false;
}

template <class GetX, class GetY, class Put, class Rare>
SHANNON_FAST_TARGET inline std::size_t map_row_avx2(row_fn f, GetX get_x, GetY get_y, std::size_t n, double upper,
                                                    const Put& put, const Rare& rare) {
    const std::size_t blocks = n / 4;
    for (std::size_t b = 0; b < blocks; ++b) {
        const std::size_t i = 4 * b;
        const vd4 x{get_x(i), get_x(i + 1), get_x(i + 2), get_x(i + 3)};
        const vd4 y{get_y(i), get_y(i + 1), get_y(i + 2), get_y(i + 3)};
        if (map_block_takes(f, x, y, upper)) {
            map_block(f, x, y, i, put);
            continue;
        }
        for (std::size_t k = i; k < i + 4; ++k) {
            if (map_takes(f, get_x(k), get_y(k), upper)) {
                const double_word<double> v = map_scalar(f, get_x(k), get_y(k));
                put(k, v.hi, v.lo);
            } else {
                rare(k);
            }
        }
    }
    return 4 * blocks;
}
#endif

/// f(get_x(i), get_y(i)) for every i < n (get_y is read by xlogy only): put(i, hi, lo) with hi + lo
/// within row_fn_rel(f) |hi| (1 + 2^-52) of the exact value for every element the kernel takes (see
/// the header comment), rare(i) for the others, each element once, in blocks of four where the CPU
/// has AVX2 (the same formulas: the portable code's bounds). `upper`: softplus takes x <= upper
/// only (log_sigmoid -x <= upper). `vector` = false forces the portable code (for tests).
template <class GetX, class GetY, class Put, class Rare>
inline void map_row(row_fn f, GetX get_x, GetY get_y, std::size_t n, double upper, const Put& put, const Rare& rare,
                    [[maybe_unused]] bool vector = true) {
    std::size_t begin = 0;
#if defined(SHANNON_FAST_X86)
    if (vector && cpu_supported()) {
        begin = map_row_avx2(f, get_x, get_y, n, upper, put, rare);
    }
#endif
    for (std::size_t k = begin; k < n; ++k) {
        if (map_takes(f, get_x(k), get_y(k), upper)) {
            const double_word<double> v = map_scalar(f, get_x(k), get_y(k));
            put(k, v.hi, v.lo);
        } else {
            rare(k);
        }
    }
}

}  // namespace shannon::exact::fast::detail

SHANNON_FP_CONTRACT_RESTORE
