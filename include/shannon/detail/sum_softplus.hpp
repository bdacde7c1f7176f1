// shannon/detail/sum_softplus.hpp — sum_i [y_i softplus(-x_i) + (1 - y_i) softplus(x_i)] over binary64
// x_i, y_i in double-double with a proven error bound: the sum of binary cross-entropy from logits
// (torch's binary_cross_entropy_with_logits, optax's sigmoid_binary_cross_entropy, Keras' with
// from_logits) at the speed of a vector exp. The certified ball (ball.hpp) takes it for a row of
// exact binary64 logits and labels.
//
// With softplus(x) = max(x, 0) + log1p(e^-|x|) the sum splits into
//   A = sum_i (max(x_i, 0) - y_i x_i)      and      B = sum_i log1p(e^-|x_i|) = log prod_i (1 + e^-|x_i|).
// A: y_i x_i is an exact product (FMA, or Dekker's in the portable code) and max(x_i, 0) - p_hi an
//    exact TwoSum, whose high word goes to the running sum by TwoSum (exact) and whose low words go
//    into one binary64 accumulator; each rounding of that accumulator errs by at most 2^-53 of its
//    new value, and the sum of those magnitudes is kept alongside (sum_exp.hpp's technique). For y in
//    [0, 1] every term is >= 0, so nothing cancels. A product y_i x_i whose error term falls below
//    the normal range loses at most 2^-1074: n 2^-1073 covers it.
// B: no logarithm per element where log1p(e) is not small. With e = e^-|x| (sum_exp.hpp's exp_lanes in
//    the vector lanes, within rel_exp_lanes = 2^-79 of itself; ::shannon::dd::exp_parts in the portable code,
//    within ::shannon::dd::rel_exp = 2^-88; the figures below are the portable code's, and the lanes' terms
//    carry 0x1.02p-79 e for 0x1.12p-88 e):
//    - |x| <= 16 (e >= 2^-23.1): the factor 1 + e, formed as TwoSum(1, e_hi) plus e_lo (< 2^-104
//      absolute), is multiplied into a running double-double product (< 2^-100 relative each): each
//      factor moves log of the product by at most 2^-88 e + 2^-99.8, and those add up (N factors,
//      N 2^-99.8 < 2^-60 for N < 2^39). The product is brought back to [1, 2) by powers of two
//      (exact) every 64 steps (factors <= 2) and at the end: log(m) + E ln 2, with ::shannon::dd::log_dd (2^-78
//      of log m), ln 2 in two words (E 2^-104 with the product's rounding), one double-double
//      addition (2^-103).
//    - 16 < |x| <= 600: log1p(e) = e - e^2/2 + e^3/3 - e^4/4 (truncation < 2^-92 e), e_hi - e_hi^2/2
//      exactly (TwoProd, TwoSum) and the rest (e_lo (1 - e_hi), the low word of e_hi^2 / 2, the cubic
//      and quartic terms) in binary64 (< 2^-99 e), into A's running sum: within
//      2^-87.9 e, a bound relative to the term, so a row of confident predictions (every term tiny)
//      is still decided.
//    - |x| > 600: e < 2^-865 is left out, and added to the bound.
// The result is A + B by one double-double addition (2^-103 of it); the bound adds the parts' and
// is scaled by 1 + 2^-40 for its own roundings.
//
// Inputs: every x_i and y_i finite with magnitude at most 2^500 (so no product overflows); anything
// else returns nothing and the caller's generic loop decides. Vector lanes (AVX2 + FMA) where the CPU
// has them; elsewhere the same algorithm in portable scalar binary64.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "../numbers/double_word.hpp"
#include "simd.hpp"
#include "sum_exp.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact::fast::detail {

/// The state of the sum: A's running sum, B's product (p_hi, p_lo) 2^p_exp, the number of factors
/// multiplied and the absolute bound of the left-out terms.
struct softplus_state {
    running_words<double> a;
    double p_hi = 1;
    double p_lo = 0;
    std::int64_t p_exp = 0;
    std::size_t factors = 0;
    double abs_err = 0;
    double rel_mag = 0;  // sum of the e the 2^-87.9 bound applies to
    double lanes_mag = 0;  // sum of the e the vector lanes' 0x1.02p-79 applies to
};

inline constexpr double softplus_limit = 0x1p500;  // |x|, |y| at most this
inline constexpr double softplus_product = 16;      // |x| at most this: 1 + e^-|x| into the product
inline constexpr double ln2_word_hi = 0x1.62e42fefa39efp-1;
inline constexpr double ln2_word_lo = 0x1.abc9e3b39803fp-56;

/// Brings a double-double product (hi, lo) 2^exp back to [1, 2) times a power of two (exact: both
/// words stay normal or zero).
inline void renormalize(double& hi, double& lo, std::int64_t& exp) {
    const int e = std::ilogb(hi);
    hi = std::ldexp(hi, -e);
    lo = std::ldexp(lo, -e);
    exp += e;
}

inline void renormalize(softplus_state& s) { renormalize(s.p_hi, s.p_lo, s.p_exp); }

/// log(m 2^e) = log m + e ln 2 for a double word m in [1, 2): ::shannon::dd::log_dd (rel_log of |log m|), ln 2
/// in two words (|e| 2^-104 with the product's rounding), one double-double addition (2^-103); err
/// receives the sum of those bounds.
[[nodiscard]] inline double_word<double> log_scaled(const double_word<double>& m, std::int64_t e, double& err) {
    using word = double_word<double>;
    const word log_m = ::shannon::dd::log_dd(m);
    const auto ed = static_cast<double>(e);
    const word e_ln2 = double_word_arith::fast_two_sum(ed * ln2_word_hi, std::fma(ed, ln2_word_hi, -ed * ln2_word_hi) + ed * ln2_word_lo);
    const word b = double_word_arith::add(log_m, e_ln2);
    err = ::shannon::dd::rel_log * std::abs(log_m.hi) + std::abs(ed) * 0x1p-104 + 0x1p-103 * std::abs(b.hi);
    return b;
}

/// Adds the terms of [begin, end) in portable scalar code; false if one is out of the kernel's range.
template <class GetX, class GetY>
inline bool sum_softplus_scalar(GetX get_x, GetY get_y, std::size_t begin, std::size_t end, softplus_state& s) {
    using word = double_word<double>;
    for (std::size_t i = begin; i < end; ++i) {
        const double x = get_x(i);
        const double y = get_y(i);
        if (!(std::abs(x) <= softplus_limit && std::abs(y) <= softplus_limit)) {  // also NaN
            return false;
        }
        const word p = double_word_arith::two_prod(y, x);
        const word t = double_word_arith::two_sum(x > 0 ? x : 0.0, -p.hi);
        add_word(s.a, t.hi, t.lo);
        s.a.lo -= p.lo;
        s.a.lo_mag += std::abs(s.a.lo);
        const double a = std::abs(x);
        if (a > 600) {
            s.abs_err += 0x1p-865;
            continue;
        }
        const ::shannon::dd::scaled_word es = ::shannon::dd::exp_parts(word(-a));
        const double scale = ::shannon::dd::pow2(es.e);
        const word e{es.m.hi * scale, es.m.lo * scale};
        s.rel_mag += e.hi;
        if (a > softplus_product) {  // e - e^2/2 + e^3/3 - e^4/4 into the running sum
            const word sq = double_word_arith::two_prod(e.hi, e.hi);
            const word h = double_word_arith::two_sum(e.hi, -0.5 * sq.hi);
            const double tail = e.lo * (1 - e.hi) - 0.5 * sq.lo + sq.hi * (e.hi * (1.0 / 3) - sq.hi * 0.25);
            add_word(s.a, h.hi, h.lo + tail);
            continue;
        }
        const word f1 = double_word_arith::two_sum(1.0, e.hi);
        const word f = double_word_arith::fast_two_sum(f1.hi, f1.lo + e.lo);
        const word q = double_word_arith::mul(word(s.p_hi, s.p_lo), f);
        s.p_hi = q.hi;
        s.p_lo = q.lo;
        if (++s.factors % 64 == 0) {
            renormalize(s);
        }
    }
    return true;
}

#if defined(SHANNON_FAST_X86)
/// The vector loop over the blocks of four in [0, n): per lane A's sum (sh, sl, sl_mag), B's product
/// (ph, pl) 2^pe and the count of left-out terms; false if a term is out of the kernel's range.
template <class GetX, class GetY>
SHANNON_FAST_TARGET inline bool sum_softplus_avx2(GetX get_x, GetY get_y, std::size_t n, softplus_state& s) {
    running_words<vd4> lanes;
    ddv<vd4> prod{vd4{} + 1.0, vd4{}};
    vi4 pe{};
    vd4 far{};
    vd4 nprod{};
    vd4 mag{};
    const vd4 one = vd4{} + 1.0;
    const std::size_t blocks = n / 4;
    for (std::size_t b = 0; b < blocks; ++b) {
        const std::size_t i = 4 * b;
        const vd4 x{get_x(i), get_x(i + 1), get_x(i + 2), get_x(i + 3)};
        const vd4 y{get_y(i), get_y(i + 1), get_y(i + 2), get_y(i + 3)};
        const vd4 a = abs_(x);
        if (!all_(a <= softplus_limit) || !all_(abs_(y) <= softplus_limit)) {
            return false;
        }
        const ddv<vd4> p = two_prod(y, x);
        const ddv<vd4> t = two_sum(select_(x > 0.0, x, vd4{}), -p.hi);
        add_word(lanes, t.hi, t.lo);
        lanes.lo -= p.lo;
        lanes.lo_mag += abs_(lanes.lo);
        const vi4 in_range = a <= 600.0;
        const vi4 near = a <= softplus_product;
        far += select_(in_range, vd4{}, one);
        nprod += select_(near, one, vd4{});
        const ddv<vd4> e0 = lanes4::exp_lanes(ddv<vd4>{-select_(in_range, a, vd4{}), vd4{}});
        const vd4 e_hi = select_(in_range, e0.hi, vd4{});
        const vd4 e_lo = select_(in_range, e0.lo, vd4{});
        mag += e_hi;
        // 16 < |x| <= 600: e - e^2/2 + e^3/3 - e^4/4 into the running sum; the product's lanes take 1
        const vd4 s_hi = select_(near, vd4{}, e_hi);
        const ddv<vd4> sq = two_prod(s_hi, s_hi);
        const ddv<vd4> h = two_sum(s_hi, -0.5 * sq.hi);
        const vd4 tail = select_(near, vd4{}, e_lo) * (1.0 - s_hi) - 0.5 * sq.lo + sq.hi * (s_hi * (1.0 / 3) - sq.hi * 0.25);
        add_word(lanes, h.hi, h.lo + tail);
        // |x| <= 16: 1 + e into the product; the series' lanes multiply by 1
        const ddv<vd4> f1 = two_sum(one, select_(near, e_hi, vd4{}));
        const ddv<vd4> f = fast_two_sum(f1.hi, f1.lo + select_(near, e_lo, vd4{}));
        prod = mul(prod, f);
        if (b % 64 == 63) {
            const vi4 ex = reinterpret_cast<vi4>((as_bits(prod.hi) >> 52U) & 0x7ffU) - 1023;
            const vd4 scale = from_bits(reinterpret_cast<vu4>(1023 - ex) << 52U);
            prod.hi *= scale;
            prod.lo *= scale;
            pe += ex;
        }
    }
    merge_lanes(s.a, lanes);
    for (int l = 0; l < 4; ++l) {  // the lanes' products into the scalar state
        const double_word<double> q = double_word_arith::mul(double_word<double>(s.p_hi, s.p_lo), double_word<double>(prod.hi[l], prod.lo[l]));
        s.p_hi = q.hi;
        s.p_lo = q.lo;
        s.p_exp += pe[l];
        renormalize(s);
        s.abs_err += far[l] * 0x1p-865;
        s.lanes_mag += mag[l];
        s.factors += static_cast<std::size_t>(nprod[l]) + (nprod[l] > 0 ? 1 : 0);  // a lane without factors holds 1 exactly
    }
    return true;
}
#endif

/// sum_{i < n} [y_i softplus(-x_i) + (1 - y_i) softplus(x_i)] for binary64 get_x(i), get_y(i), with
/// the bound of the header comment; nothing if an input is out of range. `vector` = false forces
/// the portable code (for tests).
template <class GetX, class GetY>
[[nodiscard]] inline std::optional<exp_sum> sum_softplus(GetX get_x, GetY get_y, std::size_t n, [[maybe_unused]] bool vector = true) {
    using word = double_word<double>;
    softplus_state s;
    std::size_t begin = 0;
#if defined(SHANNON_FAST_X86)
    if (vector && cpu_supported() && n >= 4) {
        if (!sum_softplus_avx2(get_x, get_y, n, s)) {
            return std::nullopt;
        }
        begin = n - n % 4;
    }
#endif
    if (!sum_softplus_scalar(get_x, get_y, begin, n, s)) {
        return std::nullopt;
    }
    renormalize(s);
    const auto factors = static_cast<double>(s.factors);  // the merges counted among them
    double err_log = 0;
    const word b = log_scaled(word(s.p_hi, s.p_lo), s.p_exp, err_log);
    const double err_b =
        (0x1.02p-79 * s.lanes_mag + 0x1.12p-88 * s.rel_mag + factors * 0x1.2p-100) * (1 + 0x1p-40) + err_log;
    const word a = double_word_arith::fast_two_sum(s.a.hi, s.a.lo);
    const double err_a = 0x1p-53 * s.a.lo_mag + 0x1p-104 * std::abs(a.hi) + static_cast<double>(n) * 0x1p-1073;
    const word total = double_word_arith::add(a, b);
    const double err = (err_a + err_b + s.abs_err + 0x1p-103 * std::abs(total.hi)) * (1 + 0x1p-40);
    if (!std::isfinite(total.hi) || !std::isfinite(err)) {  // a sum beyond binary64's range
        return std::nullopt;
    }
    return exp_sum{total.hi, total.lo, err};
}

/// sum_softplus over both halves at once for large inputs (from 2^17 terms, where a thread costs
/// well under 1% of the work), the halves' sums added by add_halves: the same enclosure property,
/// and the rounding it decides is unique. The readers are array_readers (offset() gives the second
/// half's).
[[nodiscard]] inline std::optional<exp_sum> sum_softplus_split(array_reader get_x, array_reader get_y, std::size_t n) {
    if (n < (std::size_t{1} << 17U) || !may_split()) {
        return sum_softplus(get_x, get_y, n);
    }
    const auto [first, second] = on_two_halves(
        n, [&](std::size_t from, std::size_t count) { return sum_softplus(get_x.offset(from), get_y.offset(from), count); });
    if (!first || !second) {
        return std::nullopt;
    }
    const exp_sum t = add_halves(*first, *second);
    if (!std::isfinite(t.hi) || !std::isfinite(t.err)) {
        return std::nullopt;
    }
    return t;
}

}  // namespace shannon::exact::fast::detail

SHANNON_FP_CONTRACT_RESTORE
