// shannon/detail/sum_exp.hpp — sum_i e^(z_i - m) over binary64 z_i, in double-double with a proven
// error bound: the inner loop of logsumexp, log-softmax and every cross-entropy from logits, at the
// speed of a vector exp. The certified ball (ball.hpp) takes it for a row of exact binary64 logits.
//
// Each term (d = z - m <= 0 formed exactly by TwoSum as d_hi + d_lo, -600 <= d_hi) is e^d within a
// bound relative to itself: rel_exp_lanes = 2^-79 in the vector lanes (exp_lanes, its own cheaper
// algorithm, argued next to it), ::shannon::dd::rel_exp = 2^-88 in the portable code (::shannon::dd::exp_parts,
// detail/dd_kernels.hpp). Either is far below what a rounding to binary64 needs (a row's log-sum
// within 2^-79 leaves about one element in 2^30 of an elementwise log-softmax undecided).
// Terms with d_hi < -600 are rare (logits 600+ nats below the maximum): below -745.2 (e^d <
// 2^-1075) they add at most 2^-1074 each to the bound and nothing to the sum; between, the scalar
// kernel ::shannon::dd::exp_dd computes them (its bound 2^-88 and 2^-1069 absolute). -inf contributes 0 exactly.
// Summation per lane: the high words by TwoSum (exact), every low word and TwoSum error into one
// binary64 accumulator per lane, each of whose roundings errs by at most 2^-53 of the accumulator's
// new value: the sum of those magnitudes is accumulated alongside and bounds that error at run time
// (tight where the low words cancel, which a worst-case n^2 bound would not be). The lanes are
// merged in double-double (3u^2 each).
//
// Vector lanes (eight with AVX-512 where the CPU has it, for rows of more than 8; else four with
// AVX2 + FMA), for every block: the block holding the skipped index and the last, partial block run
// with those lanes set to d = 0 and their terms multiplied by 0 (exact), so a row of 10 logits takes
// two or three vector blocks and no scalar exp.
// Elsewhere the same algorithm in portable scalar binary64 (::shannon::dd::exp_parts itself); a block with a
// rare term also goes there.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "../numbers/double_word.hpp"
#include "exp_table.hpp"
#include "helper_thread.hpp"
#include "simd.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact::fast::detail {

/// sum e^(z_i - m) as hi + lo, and a bound on its distance to the exact sum.
struct exp_sum {
    /// The leading part.
    double hi = 0;
    /// The trailing part.
    double lo = 0;
    /// |exact - (hi + lo)| <= err.
    double err = 0;
    /// false when some term was above m or NaN (sum_exp's precondition failed: hi, lo, err mean nothing).
    bool valid = true;
};

inline constexpr double exp_inv = 0x1.71547652b82fep+8;  // 256 / ln 2, only to pick k
inline constexpr double exp_shifter = 0x1.8p52;          // adding and subtracting it rounds to an integer

/// Adds the terms of [begin, end) (skipping `skip`) into acc in portable scalar code, the 2^-88
/// terms' sizes into rel_mag and the rare terms' absolute bounds into abs_err; a term above m or
/// NaN sets `bad`.
template <class Get>
inline void sum_exp_scalar(Get get, std::size_t begin, std::size_t end, std::size_t skip, double m,
                           running_words<double>& acc, double& abs_err, double& rel_mag, bool& bad) {
    for (std::size_t i = begin; i < end; ++i) {
        if (i == skip) {
            continue;
        }
        const double z = get(i);
        if (!(z <= m)) {  // also NaN
            bad = true;
            continue;
        }
        const double_word<double> d = double_word_arith::two_sum(z, -m);
        double e_hi = 0;
        double e_lo = 0;
        if (d.hi >= -600) {
            const ::shannon::dd::scaled_word e = ::shannon::dd::exp_parts(d);
            const double scale = ::shannon::dd::pow2(e.e);
            e_hi = e.m.hi * scale;
            e_lo = e.m.lo * scale;
            rel_mag += e_hi;
        } else if (d.hi >= -745.2) {
            const double_word<double> e = ::shannon::dd::exp_dd(d);
            e_hi = e.hi;
            e_lo = e.lo;
            abs_err += e.hi * ::shannon::dd::rel_exp + 0x1p-1069;
        } else if (z != -__builtin_inf()) {
            abs_err += 0x1p-1074;
        }
        add_word(acc, e_hi, e_lo);
    }
}

/// exp_lanes' bound, relative to each term (argued next to it).
inline constexpr double rel_exp_lanes = 0x1p-79;

/// Whether hi + lo, within rad of an exact value x, decides x's rounding to nearest binary64 as hi:
/// hi normal (2^-1000 <= |hi| < 2^1023) and |lo| + rad below half the gap to either neighbour of hi,
/// so that every value within that distance of hi rounds to hi. The half gap is 2^(e-53) for |hi|
/// in [2^e, 2^(e+1)), and 2^(e-54) at a power of two (taken on both sides: conservative).
/// fl(|lo| + rad) < g implies |lo| + rad < g (g is a double and rounding is monotonic). A NaN or
/// infinite hi or rad fails the tests. The ball's common-case decision (exact.hpp's ball_rounds_to)
/// and round_gaps_row's lanes test exactly this.
[[nodiscard]] inline bool decides_nearest(double hi, double lo, double rad) {
    const auto bits = std::bit_cast<std::uint64_t>(hi);
    const double mag = std::abs(hi);
    if (!(mag >= 0x1p-1000 && mag < 0x1p+1023)) {
        return false;
    }
    double g = std::bit_cast<double>(bits & 0x7ff0000000000000ULL) * 0x1p-53;
    if ((bits & 0x000fffffffffffffULL) == 0) {
        g *= 0.5;
    }
    return std::abs(lo) + rad < g;
}

/// The radius the ball gives a sum s of a point and a ball of radius r (ball.hpp's operator+, with
/// its constants): up(r + rel |s|) = (r + rel |s|)(1 + grow) + tiny.
struct sum_radius {
    double r;
    double rel;
    double grow;
    double tiny;
    [[nodiscard]] double operator()(double s_hi) const { return (r + rel * std::abs(s_hi)) * (1 + grow) + tiny; }
};

/// The ball of e^d times a scale that ball.hpp's softmax rows form (its operations, with its
/// constants: grow and tiny are its up()'s, rel_mul its product's): for e within rel_exp_lanes of
/// e^d (exp_lanes, or ::shannon::dd::exp_parts, closer) and d within 2^-104 |d| of the exact argument, which c's
/// radius r moves by at most r, e^d within r_e = up(e (rel_exp_lanes + 2^-102 |d| + rc) (1 + 2^-40))
/// of the exact e^(z - m - c) (rc = r + r^2 >= e^r - 1 on r <= 2^-20); times a scale ball (s_hi +
/// s_lo, radius s_rad, magnitude s_mag) where `scaled`, double_word_arith::mul's product p with the radius
/// up(e s_rad + s_mag r_e + r_e s_rad + rel_mul |p|) (|ab - AB| <= |A| rb + |B| ra + ra rb plus the
/// product's own error). operator() gives (p, radius); exp_term_lanes (lanes.inc) the same lane by lane.
struct exp_term {
    double rc;
    bool scaled;
    double s_hi;
    double s_lo;
    double s_mag;
    double s_rad;
    double rel_mul;
    double grow;
    double tiny;

    [[nodiscard]] std::pair<double_word<double>, double> operator()(const double_word<double>& e,
                                                                    const double_word<double>& d) const {
        const double re = e.hi * (rel_exp_lanes + std::abs(d.hi) * 0x1p-102 + rc) * (1 + 0x1p-40) * (1 + grow) + tiny;
        if (!scaled) {
            return {e, re};
        }
        const double_word<double> p = double_word_arith::mul(e, double_word<double>(s_hi, s_lo));
        return {p, (e.hi * s_rad + s_mag * re + re * s_rad + rel_mul * std::abs(p.hi)) * (1 + grow) + tiny};
    }
};

#if defined(SHANNON_FAST_X86)
// The vector exp (exp_lanes, its bound argued there) and the loops of sum_exp and exp_row, in four
// lanes (AVX2 + FMA) and in eight (AVX-512): one source, detail/lanes.inc, compiled for each.
namespace lanes4 {
#define SHANNON_LANES 4
#include "lanes.inc"
}  // namespace lanes4
namespace lanes8 {
#define SHANNON_LANES 8
#include "lanes.inc"
}  // namespace lanes8
#endif

/// exp_row's element i in the portable code: put(i, e, d) with ::shannon::dd::exp_parts' e (closer than
/// rel_exp_lanes), or rare(i) for -inf and get(i) - m below -550.
template <class Get, class Put, class Rare>
inline void exp_element(Get get, std::size_t i, double m, const double_word<double>& neg_c, const Put& put,
                        const Rare& rare) {
    const double_word<double> d0 = double_word_arith::two_sum(get(i), -m);
    if (!(d0.hi >= -550)) {  // also -inf
        rare(i);
        return;
    }
    const double_word<double> d = double_word_arith::add(d0, neg_c);
    const ::shannon::dd::scaled_word e = ::shannon::dd::exp_parts(d);
    const double scale = ::shannon::dd::pow2(e.e);
    put(i, double_word<double>(e.m.hi * scale, e.m.lo * scale), d);
}

/// e^(get(i) - m - c) for every i in [0, n), element by element and in order of i (the softmax of a
/// row: c = log of its normalizer relative to the maximum m): put(i, e, d) receives e (and, where put
/// also takes simd.hpp's four lanes, put(i, e, d) receives the block from i), a double word within rel_exp_lanes
/// of e^d (exp_lanes; ::shannon::dd::rel_exp in the portable code, smaller), and d, the double word within 2^-104 |d| of get(i) - m - c it was computed from (TwoSum
/// then one double-double addition of two non-positive numbers: no cancellation). rare(i) receives
/// the elements this does not compute: -inf, and get(i) - m below -550 (e^d < 2^-793). Requires
/// get(i) <= m (finite) and c = c_hi + c_lo in [0, 40]. Vector lanes (eight or four, as sum_exp) for
/// the blocks with no rare element, the portable scalar code for the rest.
template <class Get, class Put, class Rare>
inline void exp_row(Get get, std::size_t n, double m, double c_hi, double c_lo, Put put, Rare rare,
                    [[maybe_unused]] bool vector = true) {
    const double_word<double> neg_c{-c_hi, -c_lo};
    auto scalar = [&](std::size_t i) { exp_element(get, i, m, neg_c, put, rare); };
    std::size_t i = 0;
#if defined(SHANNON_FAST_X86)
    if (vector && n > 8 && simd_level() >= 2) {  // as sum_exp
        lanes8::exp_row_blocks(get, n, m, neg_c, put, scalar, i);
    } else if (vector && simd_level() >= 1) {
        lanes4::exp_row_blocks(get, n, m, neg_c, put, scalar, i);
    }
#endif
    for (; i < n; ++i) {
        scalar(i);
    }
}

/// exp_row's exponentials rounded to binary64 in the pass that forms them (a softmax row, times a
/// scale, with no row of balls written and read back): for every i, t's ball of e^(get(i) - m - c)
/// (exp_row's e and d, so the same balls as a put forming them), and out[i] = its high word where
/// decides_nearest decides it; left(i, p, r) receives the ball of each element it does not decide
/// (out[i] then means nothing), rare(i) the elements exp_row leaves to the caller. The same
/// requirements as exp_row; eight or four lanes where the CPU has them, the same bits.
template <class Get, class Left, class Rare>
inline void round_exp_row(Get get, std::size_t n, double m, double c_hi, double c_lo, const exp_term& t, double* out,
                          Left left, Rare rare) {
    const double_word<double> neg_c{-c_hi, -c_lo};
    const auto put = [&](std::size_t i, const double_word<double>& e, const double_word<double>& d) {
        const auto [p, r] = t(e, d);
        out[i] = p.hi;
        if (!decides_nearest(p.hi, p.lo, r)) {
            left(i, p, r);
        }
    };
    auto scalar = [&](std::size_t i) { exp_element(get, i, m, neg_c, put, rare); };
    std::size_t i = 0;
#if defined(SHANNON_FAST_X86)
    if (n > 8 && simd_level() >= 2) {  // as exp_row
        lanes8::round_exp_blocks(get, n, m, neg_c, t, out, left, scalar, i);
    } else if (simd_level() >= 1) {
        lanes4::round_exp_blocks(get, n, m, neg_c, t, out, left, scalar, i);
    }
#endif
    for (; i < n; ++i) {
        scalar(i);
    }
}

#if defined(SHANNON_FAST_X86)
/// gaps_row's vector loop over the blocks of four from 0 (double_word_arith::add lane by lane: TwoSum, TwoSum,
/// FastTwoSum, FastTwoSum); a block with a sum that is not finite goes to `scalar`; i is left at the
/// first element not done.
template <class Get, class Put, class Scalar>
SHANNON_FAST_TARGET inline void gaps_row_avx2(Get get, std::size_t n, double m, const double_word<double>& c, Put put,
                                              Scalar scalar, std::size_t& i) {
    const vd4 mv = vd4{} + m;
    const vd4 ch = vd4{} + c.hi;
    const vd4 cl = vd4{} + c.lo;
    for (; i + 4 <= n; i += 4) {
        const ddv<vd4> g = two_sum(mv, -vd4{get(i), get(i + 1), get(i + 2), get(i + 3)});
        const ddv<vd4> s = two_sum(g.hi, ch);
        const ddv<vd4> t = two_sum(g.lo, cl);
        const ddv<vd4> v = fast_two_sum(s.hi, s.lo + t.hi);
        const ddv<vd4> w = fast_two_sum(v.hi, t.lo + v.lo);
        if (!all_(abs_(w.hi) <= 0x1.fffffffffffffp+1023)) {  // also NaN
            for (std::size_t l = 0; l < 4; ++l) {
                scalar(i + l);
            }
            continue;
        }
        for (std::size_t l = 0; l < 4; ++l) {
            put(i + l, double_word<double>(w.hi[l], w.lo[l]));
        }
    }
}
#endif

/// (m - get(i)) + c for every i in [0, n) by double_word_arith::add (the gap m - get(i) exact by TwoSum), in order
/// of i: put(i, s) receives the sum, rare(i) the elements whose sum is not finite (-inf, or an
/// overflowing gap). Requires c finite. Vector lanes (AVX2) for the blocks of four, the portable code
/// for the rest: the same operations, so the same bits.
template <class Get, class Put, class Rare>
inline void gaps_row(Get get, std::size_t n, double m, const double_word<double>& c, Put put, Rare rare) {
    auto scalar = [&](std::size_t i) {
        const double_word<double> g = double_word_arith::two_sum(m, -get(i));
        const double_word<double> s = double_word_arith::add(g, c);
        if (std::abs(s.hi) <= 0x1.fffffffffffffp+1023) {
            put(i, s);
        } else {
            rare(i);
        }
    };
    std::size_t i = 0;
#if defined(SHANNON_FAST_X86)
    if (cpu_supported()) {
        gaps_row_avx2(get, n, m, c, put, scalar, i);
    }
#endif
    for (; i < n; ++i) {
        scalar(i);
    }
}

/// gaps_row's sums rounded to binary64 in the pass that forms them (the elementwise log-softmax
/// with no row of balls written and read back): for every i, s_i = (m - get(i)) + c by gaps_row's
/// operations, within rad(s_i) of the exact value when c is within rad.r of its own, and out[i] =
/// s_i's high word (negated with `negate`: exact) where decides_nearest decides it. true when every
/// element was decided; false when some element was not (out then holds nothing of use, and the
/// caller evaluates the row again; -inf and NaN elements fail the test). Eight or four lanes where
/// the CPU has them, the portable code for the rest: the same operations, so the same bits.
template <class Get>
[[nodiscard]] inline bool round_gaps_row(Get get, std::size_t n, double m, const double_word<double>& c,
                                         const sum_radius& rad, bool negate, double* out) {
    std::size_t i = 0;
    bool ok = true;
#if defined(SHANNON_FAST_X86)
    if (n > 8 && simd_level() >= 2) {
        ok = lanes8::round_gaps_blocks(get, n, m, c, rad, negate, out, i);
    } else if (simd_level() >= 1) {
        ok = lanes4::round_gaps_blocks(get, n, m, c, rad, negate, out, i);
    }
#endif
    for (; ok && i < n; ++i) {
        const double_word<double> s = double_word_arith::add(double_word_arith::two_sum(m, -get(i)), c);
        ok = decides_nearest(s.hi, s.lo, rad(s.hi));
        out[i] = negate ? -s.hi : s.hi;
    }
    return ok;
}

#if defined(SHANNON_FAST_X86)
/// sum_weighted_gaps' loop over the blocks of four from i, lane by lane (the same operations: the
/// product by FMA is the same exact product); i is left at the first element not done.
template <class GetZ, class GetW>
SHANNON_FAST_TARGET inline void sum_weighted_gaps_avx2(GetZ get_z, GetW get_w, bool weighted, std::size_t n, double m,
                                                       running_words<vd4>& lanes, vd4& prod_mag, std::size_t& i) {
    const vd4 mv = vd4{} + m;
    for (; i + 4 <= n; i += 4) {
        const ddv<vd4> d = two_sum(mv, -vd4{get_z(i), get_z(i + 1), get_z(i + 2), get_z(i + 3)});
        const vd4 w = weighted ? vd4{get_w(i), get_w(i + 1), get_w(i + 2), get_w(i + 3)} : vd4{} + 1.0;
        const ddv<vd4> p = two_prod(w, d.hi);
        add_word(lanes, p.hi, p.lo + w * d.lo);
        prod_mag += abs_(p.hi);
    }
}
#endif

/// f(0, half) in this thread and f(half, n - half) in a second one (the process's helper thread,
/// detail/helper_thread.hpp), half a multiple of four (the vector blocks keep their alignment): both
/// results, in order.
template <class F>
[[nodiscard]] auto on_two_halves(std::size_t n, F f) {
    const std::size_t half = n / 8 * 4;
    decltype(f(0, 0)) first;
    decltype(f(0, 0)) second;
    on_two_threads([&] { second = f(half, n - half); }, [&] { first = f(0, half); });
    return std::pair{std::move(first), std::move(second)};
}

/// Two halves' sums added in double-double, their bounds with the addition's (2^-103).
[[nodiscard]] inline exp_sum add_halves(const exp_sum& a, const exp_sum& b) {
    const double_word<double> t = double_word_arith::add(double_word<double>(a.hi, a.lo), double_word<double>(b.hi, b.lo));
    return {t.hi, t.lo, (a.err + b.err + 0x1p-103 * std::abs(t.hi)) * (1 + 0x1p-40), a.valid && b.valid};
}

/// One term w (m - z) of sum_weighted_gaps into the running sum (portable code).
inline void add_weighted_gap(running_words<double>& acc, double& prod_mag, double m, double z, double w) {
    const double_word<double> d = double_word_arith::two_sum(m, -z);
    const double_word<double> p = double_word_arith::two_prod(w, d.hi);
    add_word(acc, p.hi, p.lo + w * d.lo);
    prod_mag += std::abs(p.hi);
}

/// The running sum of n weighted gaps as hi + lo with its bound (sum_weighted_gaps' argument).
[[nodiscard]] inline exp_sum weighted_gaps_total(const running_words<double>& acc, double prod_mag, std::size_t n) {
    const double_word<double> s = double_word_arith::fast_two_sum(acc.hi, acc.lo);
    const double err = (0x1p-104 * prod_mag + 0x1p-53 * acc.lo_mag + 0x1p-104 * std::abs(s.hi) +
                        static_cast<double>(n) * 0x1p-1073) *
                       (1 + 0x1p-40);
    return {s.hi, s.lo, err};
}

/// sum_i w_i (m - z_i) over binary64 z_i = get_z(i) and w_i = get_w(i) (1 when `weighted` is false):
/// the gaps of a weighted sum of -log softmax (cross-entropy with label smoothing). Each gap is exact
/// (TwoSum: m - z_i = d_hi + d_lo), w_i d_hi an exact product (plus at most 2^-1074 where its error
/// term underflows) and w_i d_lo one rounding (2^-53 of it, < 2^-105 |w_i d_i|); the high words go
/// to the running sum by TwoSum, the rest into one binary64 accumulator whose roundings are bounded
/// by the magnitudes after each addition (sum_exp's technique). Requires every |z_i|, |m| <= 2^1000
/// and |w_i| <= 2^20 finite (the caller checks). Four lanes (AVX2 + FMA) where the CPU has them, each
/// lane its own running sum (merged at the end, 2^-53 of the magnitudes as every addition); the
/// portable scalar code for the rest.
template <class GetZ, class GetW>
[[nodiscard]] inline exp_sum sum_weighted_gaps(GetZ get_z, GetW get_w, bool weighted, std::size_t n, double m,
                                               [[maybe_unused]] bool vector = true) {
    running_words<double> acc;
    double prod_mag = 0;  // sum |w_i d_hi|: the low products' roundings
    std::size_t i = 0;
#if defined(SHANNON_FAST_X86)
    if (vector && cpu_supported() && n >= 4) {
        running_words<vd4> lanes;
        vd4 mag{};
        sum_weighted_gaps_avx2(get_z, get_w, weighted, n, m, lanes, mag, i);
        merge_lanes(acc, lanes);
        for (int l = 0; l < 4; ++l) {
            prod_mag += mag[l];
        }
    }
#endif
    for (; i < n; ++i) {
        add_weighted_gap(acc, prod_mag, m, get_z(i), weighted ? get_w(i) : 1.0);
    }
    return weighted_gaps_total(acc, prod_mag, n);
}

/// sum_r w_(y[r]) (m_r - z_r) over `rows` pairs of binary64 values, m_r = p[r][imax[r]] and z_r =
/// p[r][y[r]] (the target logits' gaps of a batch's cross-entropy; w null: all 1): one term per row
/// by add_weighted_gap, so sum_weighted_gaps' bound with n = rows terms (each term's bound does not
/// depend on its row's maximum). The same requirements on the values and weights.
[[nodiscard]] inline exp_sum sum_target_gaps(const double* const* p, std::size_t rows, const std::size_t* imax,
                                             const std::size_t* y, const double* w) {
    running_words<double> acc;
    double prod_mag = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        add_weighted_gap(acc, prod_mag, p[r][imax[r]], p[r][y[r]], w == nullptr ? 1.0 : w[y[r]]);
    }
    return weighted_gaps_total(acc, prod_mag, rows);
}

/// sum_weighted_gaps summed over `rows` rows of c binary64 values each (row r at p[r], its maximum at
/// imax[r]; w null: all 1): one total, with the same bound over all n = rows c terms. Eight (AVX-512)
/// or four (AVX2) rows at a time, a row per lane (lanes.inc's weighted_gaps_rows); the rows left
/// over in the portable code. The same requirements as sum_weighted_gaps. From 2^16 terms, where a
/// second thread may be had (may_split()), two halves of the rows (or of a lone row's terms) on two
/// threads, their totals added by add_halves (each half's bound holds, and so does the sum's).
[[nodiscard]] inline exp_sum sum_weighted_gaps_rows(const double* const* p, std::size_t rows, std::size_t c,
                                                    const std::size_t* imax, const double* w) {
    if (rows * c >= (std::size_t{1} << 16U) && may_split()) {
        if (rows == 1) {
            const double m = p[0][imax[0]];
            const auto [first, second] = on_two_halves(c, [&](std::size_t from, std::size_t count) {
                return sum_weighted_gaps(array_reader{p[0] + from},
                                         [w, from](std::size_t i) { return w[from + i]; }, w != nullptr, count, m);
            });
            return add_halves(first, second);
        }
        const std::size_t half = rows / 2;
        exp_sum first;
        exp_sum second;
        on_two_threads([&] { second = sum_weighted_gaps_rows(p + half, rows - half, c, imax + half, w); },
                       [&] { first = sum_weighted_gaps_rows(p, half, c, imax, w); });  // neither splits again
        return add_halves(first, second);
    }
    running_words<double> acc;
    double prod_mag = 0;
    std::size_t r = 0;
#if defined(SHANNON_FAST_X86)
    if (simd_level() >= 2) {
        lanes8::weighted_gaps_groups(p, rows, c, imax, w, acc, prod_mag, r);
    } else if (simd_level() >= 1) {
        lanes4::weighted_gaps_groups(p, rows, c, imax, w, acc, prod_mag, r);
    }
#endif
    for (; r < rows; ++r) {
        for (std::size_t k = 0; k < c; ++k) {
            add_weighted_gap(acc, prod_mag, p[r][imax[r]], p[r][k], w == nullptr ? 1.0 : w[k]);
        }
    }
    return weighted_gaps_total(acc, prod_mag, rows * c);
}

/// sum_{i in [0, n), i != skip} e^(get(i) - m) for binary64 values get(i) <= m (or -inf) and a
/// finite m; a value above m (+inf among them) or NaN makes the result not valid (so that the
/// caller needs no pass of its own over the row). `vector` = false forces the portable code (for
/// tests).
template <class Get>
[[nodiscard]] inline exp_sum sum_exp(Get get, std::size_t n, std::size_t skip, double m, [[maybe_unused]] bool vector = true) {
    running_words<double> acc;
    double abs_err = 0;  // the rare terms' absolute bounds
    double rel_mag = 0;  // sum of the terms ::shannon::dd::exp_parts' 2^-88 applies to
    double lanes_mag = 0;  // sum of the terms exp_lanes' 2^-79 applies to
    bool bad = false;
    std::size_t begin = 0;
#if defined(SHANNON_FAST_X86)
    if (vector && n > 8 && simd_level() >= 2) {  // eight lanes from 9 terms (measured: 8 or fewer run faster in four)
        lanes8::sum_exp_lanes(get, n, skip, m, acc, abs_err, rel_mag, lanes_mag, bad);
        begin = n;
    } else if (vector && n >= 2 && simd_level() >= 1) {
        lanes4::sum_exp_lanes(get, n, skip, m, acc, abs_err, rel_mag, lanes_mag, bad);
        begin = n;
    }
#endif
    sum_exp_scalar(get, begin, n, skip, m, acc, abs_err, rel_mag, bad);
    const double_word<double> s = double_word_arith::fast_two_sum(acc.hi, acc.lo);
    const double lo_mag = acc.lo_mag;
    // exp's bound per term, 2^-53 per unit of the low accumulators' magnitudes after each addition,
    // the final normalization (2^-105 of the sum), the rare terms; 1 + 2^-40 covers this
    // expression's own roundings.
    const double err = (rel_exp_lanes * lanes_mag + ::shannon::dd::rel_exp * rel_mag + 0x1p-53 * lo_mag + 0x1p-104 * s.hi + abs_err) *
                       (1 + 0x1p-40);
    return {s.hi, s.lo, err, !bad};
}

/// The largest of p[0..n) that compares greater than `start` (NaN never does), or start: in eight or
/// four lanes where the CPU has them (lanes.inc's max_of), from 64 values. One thread: splitting a
/// row of 32,000 over the helper thread was measured slower (the hand-over costs about what it saves).
[[nodiscard]] inline double max_of(const double* p, std::size_t n, double start) {
#if defined(SHANNON_FAST_X86)
    if (n >= 64 && simd_level() >= 2) {
        return lanes8::max_of(p, n, start);
    }
    if (n >= 64 && simd_level() >= 1) {
        return lanes4::max_of(p, n, start);
    }
#endif
    double top = start;
    for (std::size_t i = 0; i < n; ++i) {
        top = p[i] > top ? p[i] : top;
    }
    return top;
}

/// sum_exp over both halves of a long row at once (from 2^14 terms, about 0.1 ms of work, where a
/// thread's start costs a small fraction of it: the long rows of a language model's vocabulary), the
/// halves' sums added by add_halves: the same enclosure property, and the rounding it decides is
/// unique.
[[nodiscard]] inline exp_sum sum_exp_split(array_reader get, std::size_t n, std::size_t skip, double m) {
    if (n < (std::size_t{1} << 14U) || !may_split()) {
        return sum_exp(get, n, skip, m);
    }
    const auto [first, second] = on_two_halves(n, [&](std::size_t from, std::size_t count) {
        // the skipped index, where it falls in this half
        return sum_exp(get.offset(from), count, skip >= from ? skip - from : static_cast<std::size_t>(-1), m);
    });
    return add_halves(first, second);
}

/// sum_exp for `rows` rows of c binary64 values each, row r at p[r] with its maximum at imax[r]
/// (finite): out[r] = sum_exp(p[r], c, imax[r], p[r][imax[r]]) in value and bound, not in bits. Rows
/// of at most 64 are summed eight (AVX-512) or four (AVX2) at a time, a row per lane (lanes.inc's
/// sum_exp_rows; from about 100 a row's own blocks are as fast); a group with a rare term, the rows
/// left over and longer rows one by one. Longer rows, from 2^16 values in all, are shared by two
/// threads (the second half in the helper thread: one hand-over for the batch, not one per row); a
/// single longer row is sum_exp_split's (its own two halves from 2^14). A batch of short rows is the
/// caller's to split, as torch's cross_entropy does.
inline void sum_exp_rows(const double* const* p, std::size_t rows, std::size_t c, const std::size_t* imax,
                         exp_sum* out) {
    if (c > 64 && rows == 1) {
        out[0] = sum_exp_split(array_reader{p[0]}, c, imax[0], p[0][imax[0]]);
        return;
    }
    if (c > 64 && rows >= 2 && rows * c >= (std::size_t{1} << 16U) && may_split()) {
        const std::size_t half = rows / 2;
        on_two_threads([&] { sum_exp_rows(p + half, rows - half, c, imax + half, out + half); },
                       [&] { sum_exp_rows(p, half, c, imax, out); });  // the halves do not split again (sharing_scope)
        return;
    }
    std::size_t r = 0;
    const auto one_by_one = [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
            out[i] = sum_exp(array_reader{p[i]}, c, imax[i], p[i][imax[i]]);
        }
    };
#if defined(SHANNON_FAST_X86)
    if (c <= 64 && simd_level() >= 2) {
        for (; r + 8 <= rows; r += 8) {
            if (!lanes8::sum_exp_rows(p + r, c, imax + r, out + r)) {
                one_by_one(r, r + 8);
            }
        }
    } else if (c <= 64 && simd_level() >= 1) {
        for (; r + 4 <= rows; r += 4) {
            if (!lanes4::sum_exp_rows(p + r, c, imax + r, out + r)) {
                one_by_one(r, r + 4);
            }
        }
    }
#endif
    one_by_one(r, rows);
}

}  // namespace shannon::exact::fast::detail

SHANNON_FP_CONTRACT_RESTORE
