// shannon/numbers/ball_rows.hpp — the double-double ball's kernels over whole rows: the oracle's vector loops.
//
// dd_ball (ball.hpp) is the oracle's number type; the generic formulas of math.hpp and losses.hpp
// ask a number type for its own loop over a row, or over many rows, where it has one: by
// argument-dependent lookup through the tag std::type_identity<W> (math.hpp's exp_rest,
// exp_rest_rows, argmax, sum_log1p, in_halves, ...), with the generic loop as the fallback. These
// are the ball's: each reads rows of binary64 values in place and runs the vector kernels of
// detail/sum_exp.hpp and detail/sum_softplus.hpp (AVX-512, AVX2 or portable lanes, a helper thread),
// returning balls with the kernels' bounds, or nothing where a row is outside what they enclose.
//
// They live apart from ball.hpp so that the core header, whose certified scalar functions use the
// ball, does not pay for the vector kernels, <immintrin.h> and <thread> (most of the cost of
// compiling <shannon/shannon.hpp> when they were one header). exact.hpp includes this header: every
// evaluation of the oracle finds them. Code that evaluates in dd_ball without it gets the generic
// loops: the same enclosures, slower. Include it before the first use of the ball in a translation
// unit.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "ball.hpp"
#include "../detail/fp_contract.hpp"
#include "../detail/sum_exp.hpp"
#include "../detail/sum_softplus.hpp"
#include "../detail/map_row.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::numbers {

/// Whether Z is a lazily lifted view of binary64 values in contiguous memory (the oracle's input
/// views: every element an exact point, readable in place).
template <class Z>
struct lifted_view : std::false_type {};
template <class V, class N>
struct lifted_view<std::ranges::transform_view<V, shannon::detail::exact_conversion<N>>>
    : std::bool_constant<std::ranges::contiguous_range<V> && std::is_same_v<std::ranges::range_value_t<V>, double>> {};

namespace ball_detail {

/// The softmax balls exp_shifted_row forms (Ball: dd_ball, a template only so that it can be
/// defined before the class): detail/sum_exp.hpp's exp_term with the ball's constants, for the
/// row's log-normalizer c (its radius r enters as r + r^2) and the ball `scale` points to (null:
/// none).
template <class Ball>
[[nodiscard]] exact::fast::detail::exp_term softmax_term(const Ball& c, const Ball* scale) {
    exact::fast::detail::exp_term t{c.rad() + c.rad() * c.rad(), scale != nullptr, 0, 0, 0, 0, rel_mul, up_grow, tiny};
    if (scale != nullptr) {
        t.s_hi = scale->mid().hi;
        t.s_lo = scale->mid().lo;
        t.s_mag = scale->mag();
        t.s_rad = scale->rad();
    }
    return t;
}

/// exp_row's put for exp_shifted_row: out[i] = the ball of softmax_term, per element, and per block
/// of four lanes where the CPU has AVX2 (exp_term_lanes: the same operations, so the same bits).
template <class Ball>
struct softmax_put {
    Ball* out;
    exact::fast::detail::exp_term t;

    void operator()(std::size_t i, const word& e, const word& d) const {
        const auto [p, r] = t(e, d);
        out[i] = Ball(p, r);
    }

#if defined(SHANNON_FAST_X86)
    SHANNON_FAST_TARGET void operator()(std::size_t i, const exact::fast::detail::ddv<exact::fast::detail::vd4>& e,
                                        const exact::fast::detail::ddv<exact::fast::detail::vd4>& d) const {
        exact::fast::detail::ddv<exact::fast::detail::vd4> p;
        exact::fast::detail::vd4 r;
        exact::fast::detail::lanes4::exp_term_lanes(t, e, d, p, r);
        for (std::size_t l = 0; l < 4; ++l) {
            out[i + l] = Ball(word(p.hi[l], p.lo[l]), r[l]);
        }
    }
#endif
};

/// An element round_exp_shifted_row could not decide: its index and its ball.
template <class Ball>
using left_ball = std::pair<std::size_t, Ball>;

/// Calls f(get, n) with get(i) the binary64 value of z[i] where every element of the row is an
/// exact binary64 number (a point), and returns true; false otherwise. get is always an
/// exact::fast::detail::array_reader, so each kernel is compiled once whatever the row's type. A
/// lazily lifted view of binary64 input (shannon::detail::exact_conversion) is read straight from
/// memory; any other row (binary32 views, vectors of balls) is checked and copied first.
template <class Z, class F>
bool read_points(const Z& z, F&& f) {
    using reader = exact::fast::detail::array_reader;
    if constexpr (lifted_view<Z>::value) {
        f(reader{std::ranges::data(z.base())}, std::ranges::size(z));
        return true;
    } else {
        std::vector<double> v;
        v.reserve(std::ranges::size(z));
        for (const dd_ball x : z) {
            if (x.rad() != 0 || x.mid().lo != 0) {
                return false;
            }
            v.push_back(x.mid().hi);
        }
        f(reader{v.data()}, v.size());
        return true;
    }
}

/// Whether binary64 weights (empty: all 1) are c of them within +-2^20 (the gap kernels' bound).
inline bool weights_within(std::span<const double> w, std::size_t c) {
    if (!w.empty() && w.size() != c) {
        return false;
    }
    bool ok = true;
    for (const double v : w) {
        ok &= std::abs(v) <= 0x1p20;  // also excludes NaN
    }
    return ok;
}

/// e^(z - m - c) (times the scale) by the ball's own operations: the softmax rows' elements their
/// kernels leave (-inf, far below the maximum).
inline dd_ball softmax_element(double z, double m, const dd_ball& c, const dd_ball* scale) {
    const dd_ball e = exp(dd_ball(z) - dd_ball(m) - c);
    return scale == nullptr ? e : e * *scale;
}

/// exp_shifted_row's conditions on the row's log-normalizer c and the scale.
inline bool softmax_row_taken(const dd_ball& c, const dd_ball* scale) {
    return c.mid().hi >= 0 && c.mid().hi <= 40 && c.rad() <= 0x1p-20 &&
           (scale == nullptr || (std::abs(scale->mid().hi) >= 0x1p-100 && std::abs(scale->mid().hi) <= 0x1p100 &&
                                 scale->rad() <= 0x1p-20 * std::abs(scale->mid().hi)));
}

/// Whether a row's maximum get(imax) is finite and every element lies at or below it (no NaN);
/// with a limit, every element and the maximum also lie within +-limit (no -inf).
template <class Get>
bool below_max(Get get, std::size_t n, std::size_t imax, double limit = ball_detail::inf) {
    const double m = get(imax);
    if (!(std::abs(m) <= limit) || !ball_detail::finite(m)) {
        return false;
    }
    bool ok = true;  // no early exit: the loop vectorizes
    for (std::size_t i = 0; i < n; ++i) {
        ok &= get(i) <= m && get(i) >= -limit;  // also excludes NaN
    }
    return ok;
}

/// A row of balls, one per element of a row of exact binary64 numbers (points) with a finite
/// z_imax = m: fill(get, n, m, out) writes them to out[0..n) (stored by index: no capacity check
/// per element); nothing for any other row, or when `below` is set and some element lies above m
/// or is NaN.
template <class Z, class Fill>
std::optional<std::vector<dd_ball>> row_of_balls(const Z& z, std::size_t imax, bool below, Fill fill) {
    std::optional<std::vector<dd_ball>> out;
    read_points(z, [&](auto get, std::size_t n) {
        if (below ? !below_max(get, n, imax) : !ball_detail::finite(get(imax))) {
            return;
        }
        std::vector<dd_ball> v(n, dd_ball());  // copies of a trivially copyable zero: a plain fill (the default constructor, in the fp-contract region, is not inlined into the library's loop)
        fill(get, n, get(imax), v.data());
        out = std::move(v);
    });
    return out;
}

/// The rows rows[which[i]] of a batch read in place, as pointers to their binary64 values, when
/// each is a lazily lifted view of one length c with imax[i] < c and accept(p, c, imax) holds for
/// its values p; nothing otherwise. The batch kernels' shared preamble.
template <class Rows, class Accept>
std::optional<std::vector<const double*>> rows_in_place(const Rows& rows, std::span<const std::size_t> which,
                                                               std::span<const std::size_t> imax, std::size_t c,
                                                               Accept accept) {
    using Z = std::remove_cvref_t<std::ranges::range_value_t<const Rows>>;
    if constexpr (!lifted_view<Z>::value) {
        return std::nullopt;
    } else {
        std::vector<const double*> p(which.size());
        for (std::size_t i = 0; i < which.size(); ++i) {
            const auto& z = rows[which[i]];
            p[i] = std::ranges::data(z.base());
            if (std::ranges::size(z) != c || imax[i] >= c || !accept(p[i], c, imax[i])) {
                return std::nullopt;
            }
        }
        return p;
    }
}
}  // namespace ball_detail

/// math.hpp's sum_log1p: sum_n log1p(s_n) for balls with 0 <= mid <= 2^400 and radius <= 2^-60 (the
/// log-normalizers of a batch of rows), as one logarithm, log prod_n (1 + s_n) = log m + E ln 2,
/// the product m 2^E in double-double (sum_softplus.hpp's technique); nothing for other balls.
/// An s_n below 2^-20 takes the ball's log1p instead (the product's absolute 2^-100 per factor
/// would not be small against it: a batch of confident rows is still decided).
/// Bound: each factor f_n = 1 + mid_n is TwoSum(1, hi) and one rounding of the low words (2^-105
/// f_n); the exact 1 + s_n lies within r_n / f_n <= r_n (f_n >= 1) of it, relatively; each
/// double-double product errs by at most 0x1.2p-100 relative (as in sum_softplus.hpp), and the
/// scalings by powers of two are exact but for a low word falling below 2^-1022 (2^-1070 of the
/// product at most). Every relative error eps is below 2^-40, where |log(1 + eps)| <= |eps| (1 +
/// 2^-38): the log of the product moves by at most their sum. Then dd::log_dd (rel_log of
/// |log m|), E ln 2 in two words (|E| 2^-104) and one addition (2^-103).
inline std::optional<dd_ball> log_of_product_1p(std::type_identity<dd_ball>, const std::vector<dd_ball>& s) {
    using namespace ball_detail;
    word p(1.0);
    std::int64_t scale = 0;
    double rel = 0;  // sum of the radii
    const auto renormalize = [&] { exact::fast::detail::renormalize(p.hi, p.lo, scale); };
    dd_ball small;  // the log1p of the s_n below 2^-20, each by the ball's log1p (relative to itself)
    std::size_t factors = 0;
    for (const dd_ball& x : s) {
        if (!(x.mid().hi >= 0 && x.mid().hi <= 0x1p400 && x.rad() <= 0x1p-60)) {  // also NaN
            return std::nullopt;
        }
        if (x.mid().hi < 0x1p-20) {
            small = small + log1p(x);
            continue;
        }
        const word f1 = double_word_arith::two_sum(1.0, x.mid().hi);
        p = double_word_arith::mul(p, double_word_arith::fast_two_sum(f1.hi, f1.lo + x.mid().lo));
        rel += x.rad();
        ++factors;
        if (p.hi > 0x1p500) {
            renormalize();
        }
    }
    if (factors == 0) {
        return small;
    }
    renormalize();
    double err_log = 0;
    const word b = exact::fast::detail::log_scaled(p, scale, err_log);
    const auto n = static_cast<double>(factors);
    const double err = (rel + n * (0x1p-104 + 0x1.2p-100 + 0x1p-1070)) * (1 + 0x1p-38) + err_log;
    return dd_ball(b, up(err * (1 + 0x1p-40))) + small;
}

/// math.hpp's argmax over a lazily lifted row of binary64 values, read in place: the first index
/// whose value exceeds every earlier one's, as the generic loop finds it on the points (whose key
/// is the value; a NaN is never chosen after index 0, and nothing is chosen over a NaN at 0).
template <class Z>
    requires lifted_view<Z>::value
std::optional<std::size_t> argmax_points(std::type_identity<dd_ball>, const Z& z) {
    using namespace ball_detail;
    const double* const p = std::ranges::data(z.base());
    const std::size_t n = std::ranges::size(z);
    if (n == 0 || p[0] != p[0]) {  // NOLINT: NaN test
        return 0;
    }
    // The largest value M (NaN skipped: it compares false) by detail/sum_exp.hpp's max_of (vector
    // lanes); then the first index holding M (== treats -0 and +0 alike, as > does).
    const double top = exact::fast::detail::max_of(p, n, p[0]);
    std::size_t imax = 0;
    while (!(p[imax] == top)) {
        ++imax;
    }
    return imax;
}

/// sum_{i != imax} e^(z_i - z_imax) for a row of exact binary64 numbers (points, finite or -inf)
/// with a finite maximum z_imax, by the vector kernel of detail/sum_exp.hpp; nothing for any
/// other row (the generic loop of math.hpp's log1p_rest then runs). The row is a vector of balls
/// or a random-access view forming them on reading (the lazily lifted rows of the ball path).
/// Found by argument-dependent lookup from math.hpp through the tag.
template <class Z>
    requires std::ranges::random_access_range<const Z> && std::ranges::sized_range<const Z>
std::optional<dd_ball> sum_exp_rest(std::type_identity<dd_ball>, const Z& z, std::size_t imax) {
    using namespace ball_detail;
    std::optional<dd_ball> out;
    read_points(z, [&](auto get, std::size_t n) {
        const double m = get(imax);
        if (!ball_detail::finite(m)) {
            return;
        }
        const auto s = exact::fast::detail::sum_exp_split(get, n, imax, m);  // checks z_i <= m
        if (s.valid) {
            out = dd_ball(word(s.hi, s.lo), up(s.err));
        }
    });
    return out;
}

/// math.hpp's in_halves: rows [0, n) in two halves on two threads (the second in the helper
/// thread) from 2^16 terms of work, else in this one.
template <class F>
void split_work(std::type_identity<dd_ball>, std::size_t n, std::size_t work,
                                                      const F& f) {
    using namespace ball_detail;
    if (n >= 2 && work >= (std::size_t{1} << 16U) && exact::fast::detail::may_split()) {
        const std::size_t h = n / 2;
        exact::fast::detail::on_two_threads([&] { f(h, n, std::size_t{1}); }, [&] { f(std::size_t{0}, h, std::size_t{0}); });
        return;
    }
    f(std::size_t{0}, n, std::size_t{0});
}

/// math.hpp's sum_weighted_gaps_rows_of: sum_i sum_k w_k (z_imax[i] - z_k) over the rows z =
/// rows[which[i]], when every such row is read in place (a lazily lifted view of binary64 values),
/// all have one length, lie within +-2^1000 at or below their maxima, and the weights (empty: all
/// 1) within +-2^20, by detail/sum_exp.hpp's sum_weighted_gaps_rows (a row per lane); nothing
/// otherwise (then row by row). The weights are checked once for the batch.
template <class Rows>
std::optional<dd_ball> sum_weighted_gaps_rows(
    std::type_identity<dd_ball>, const Rows& rows, std::span<const std::size_t> which, std::span<const std::size_t> imax,
    std::span<const double> w) {
    using namespace ball_detail;
    const std::size_t n = which.size();
    const std::size_t c = n == 0 ? 0 : std::ranges::size(rows[which[0]]);
    if (!weights_within(w, c)) {
        return std::nullopt;
    }
    const auto p = rows_in_place(rows, which, imax, c, [](const double* z, std::size_t len, std::size_t k) {
        return below_max(exact::fast::detail::array_reader{z}, len, k, 0x1p1000);
    });
    if (!p) {
        return std::nullopt;
    }
    const auto s = exact::fast::detail::sum_weighted_gaps_rows(p->data(), n, c, imax.data(), w.empty() ? nullptr : w.data());
    return dd_ball(word(s.hi, s.lo), ball_detail::up(s.err));
}

/// math.hpp's sum_target_gaps_rows_of: sum_i w_(y[i]) (z_imax[i] - z_y[i]) over the rows z =
/// rows[which[i]], when every such row is read in place, all have one length, their maxima and
/// target logits lie within +-2^1000 (the target at or below the maximum) and the weights (empty:
/// all 1) within +-2^20, by detail/sum_exp.hpp's sum_target_gaps; nothing otherwise (then row by
/// row).
template <class Rows>
std::optional<dd_ball> sum_target_gaps_rows(
    std::type_identity<dd_ball>, const Rows& rows, std::span<const std::size_t> which, std::span<const std::size_t> imax,
    std::span<const std::size_t> y, std::span<const double> w) {
    using namespace ball_detail;
    const std::size_t n = which.size();
    const std::size_t c = n == 0 ? 0 : std::ranges::size(rows[which[0]]);
    if (y.size() != n || !weights_within(w, c)) {
        return std::nullopt;
    }
    std::size_t i = 0;  // the row rows_in_place checks (it goes through which in order)
    const auto p = rows_in_place(rows, which, imax, c, [&](const double* z, std::size_t len, std::size_t k) {
        const std::size_t t = y[i++];
        return t < len && std::abs(z[k]) <= 0x1p1000 && z[t] >= -0x1p1000 && z[t] <= z[k];
    });
    if (!p) {
        return std::nullopt;
    }
    const auto s = exact::fast::detail::sum_target_gaps(p->data(), n, imax.data(), y.data(), w.empty() ? nullptr : w.data());
    return dd_ball(word(s.hi, s.lo), ball_detail::up(s.err));
}

/// math.hpp's exp_rest_rows: sum_{j != imax[i]} e^(z_j - z_imax[i]) for each row z = rows[which[i]],
/// when every such row is read in place (a lazily lifted view of binary64 values), all have one
/// length and finite maxima, by detail/sum_exp.hpp's sum_exp_rows (short rows several to a vector,
/// a row per lane); nothing otherwise (then row by row). The same bound as sum_exp_rest's.
template <class Rows>
std::optional<std::vector<dd_ball>> sum_exp_rest_rows(
    std::type_identity<dd_ball>, const Rows& rows, std::span<const std::size_t> which, std::span<const std::size_t> imax) {
    using namespace ball_detail;
    const std::size_t n = which.size();
    const std::size_t c = n == 0 ? 0 : std::ranges::size(rows[which[0]]);
    const auto p = rows_in_place(rows, which, imax, c, [](const double* z, std::size_t, std::size_t k) {
        return ball_detail::finite(z[k]);
    });
    if (!p) {
        return std::nullopt;
    }
    std::vector<exact::fast::detail::exp_sum> s(n);
    exact::fast::detail::sum_exp_rows(p->data(), n, c, imax.data(), s.data());
    std::vector<dd_ball> out(n, dd_ball());
    for (std::size_t i = 0; i < n; ++i) {
        if (!s[i].valid) {
            return std::nullopt;
        }
        out[i] = dd_ball(word(s[i].hi, s[i].lo), ball_detail::up(s[i].err));
    }
    return out;
}

/// e^(z_k - z_imax - c) for every k of a row of exact binary64 numbers (points, finite or -inf)
/// with a finite maximum z_imax and 0 <= c <= 40 (c = log1p of the row's normalizer: the row's
/// softmax), times the ball `scale` points to, where one is given (2^-100 <= |scale| <= 2^100), by the vector
/// kernel of detail/sum_exp.hpp (exp_row); nothing for any other row. Each element's ball: e
/// within r_e = e (rel_exp_lanes + 2^-102 |d| + r + r^2) (1 + 2^-40), with d the argument the
/// kernel computed (within 2^-104 |d|) and r c's radius (e^-c moves by at most e^r - 1 <= r + r^2
/// within it); times a scale, operator*'s product and radius for the balls (e, r_e) and that
/// (the product of magnitudes at least 2^-951: double_word_arith::mul's bound holds). Elements the kernel leaves
/// (-inf, 550 below the maximum) take the ball's own operations.
template <class Z>
    requires std::ranges::random_access_range<const Z> && std::ranges::sized_range<const Z>
std::optional<std::vector<dd_ball>> exp_shifted_row(
    std::type_identity<dd_ball>, const Z& z, std::size_t imax, const dd_ball& c, const dd_ball* scale = nullptr) {
    using namespace ball_detail;
    if (!softmax_row_taken(c, scale)) {
        return std::nullopt;
    }
    return row_of_balls(z, imax, true, [&](auto get, std::size_t n, double m, dd_ball* out) {
        exact::fast::detail::exp_row(get, n, m, c.mid().hi, c.mid().lo, softmax_put<dd_ball>{out, softmax_term(c, scale)},
                                     [&](std::size_t i) { out[i] = softmax_element(get(i), m, c, scale); });
    });
}

/// exp_shifted_row's balls rounded to binary64 where they are formed (detail/sum_exp.hpp's
/// round_exp_row), with no row of balls:
/// out[k] = the binary64 nearest e^(z_k - z_imax - c) (times the scale) where decides_nearest
/// decides the ball exp_shifted_row forms for it (the same operations: the same balls), and (base
/// + k, that ball) appended to `left` where it does not (out[k] then means nothing). false, with
/// nothing written, for any row exp_shifted_row would not take.
template <class Z>
    requires std::ranges::random_access_range<const Z> && std::ranges::sized_range<const Z>
bool round_exp_shifted_row(std::type_identity<dd_ball>, const Z& z, std::size_t imax,
                                                                const dd_ball& c, const dd_ball* scale, double* out,
                                                                std::size_t base,
                                                                std::vector<ball_detail::left_ball<dd_ball>>& left) {
    using namespace ball_detail;
    if (!softmax_row_taken(c, scale)) {
        return false;
    }
    bool taken = false;
    read_points(z, [&](auto get, std::size_t n) {
        if (!below_max(get, n, imax)) {
            return;
        }
        taken = true;
        const double m = get(imax);
        exact::fast::detail::round_exp_row(
            get, n, m, c.mid().hi, c.mid().lo, softmax_term(c, scale), out,
            [&](std::size_t i, const word& p, double r) { left.emplace_back(base + i, dd_ball(p, r)); },
            [&](std::size_t i) {
                const dd_ball v = softmax_element(get(i), m, c, scale);
                out[i] = v.mid().hi;
                if (!exact::fast::detail::decides_nearest(v.mid().hi, v.mid().lo, v.rad())) {
                    left.emplace_back(base + i, v);
                }
            });
    });
    return taken;
}

/// (z_imax - z_k) + c for every k of a row of exact binary64 numbers (points, finite or -inf) with
/// a finite maximum z_imax, and c a finite ball (c = log1p of the row's normalizer: the row's
/// -log softmax), in one pass; nothing for any other row. Each gap is exact as a double word
/// (TwoSum of two doubles, when finite) and each sum is double_word_arith::add's (detail/sum_exp.hpp's gaps_row,
/// four lanes at a time where the CPU has AVX2: the same operations, the same bits) with the
/// ball's bound for it (the radius of c plus rel_add |sum|, as operator+ gives it for a point and
/// c); an element whose sum is not finite (z_k = -inf, or an overflowing difference) takes the
/// ball's own operations. With `negate`, each ball negated (exactly): the row's log-softmax.
template <class Z>
    requires std::ranges::random_access_range<const Z> && std::ranges::sized_range<const Z>
std::optional<std::vector<dd_ball>> gaps_plus_row(std::type_identity<dd_ball>, const Z& z,
                                                         std::size_t imax, const dd_ball& c, bool negate = false) {
    using namespace ball_detail;
    if (!finite(c.mid().hi) || !finite(c.rad())) {
        return std::nullopt;
    }
    // (m - z_k) + c is enclosed whatever z_k is (NaN and -inf take the ball's operations): no check
    return row_of_balls(z, imax, false, [&](auto get, std::size_t n, double m, dd_ball* out) {
        const double r = c.rad();
        exact::fast::detail::gaps_row(
            get, n, m, c.mid(), [out, r, negate](std::size_t k, const word& s) {
                out[k] = dd_ball(negate ? double_word_arith::neg(s) : s, up(r + rel_add * std::abs(s.hi)));
            },
            [&](std::size_t k) {
                const dd_ball g = dd_ball(m) - dd_ball(get(k)) + c;
                out[k] = negate ? -g : g;
            });
    });
}

/// gaps_plus_row's balls rounded to binary64 where they are formed, with no row of balls: out[k]
/// = the binary64 nearest (z_imax - z_k) + c (negated with `negate`) for every k, by
/// detail/sum_exp.hpp's round_gaps_row (the same sums and radii as gaps_plus_row, each decided
/// as exact.hpp's ball_rounds_to decides the ball). true when it decided every element; false
/// otherwise (out then means nothing), and for any row gaps_plus_row would not take.
template <class Z>
    requires std::ranges::random_access_range<const Z> && std::ranges::sized_range<const Z>
bool round_gaps_plus_row(std::type_identity<dd_ball>, const Z& z, std::size_t imax,
                                                              const dd_ball& c, bool negate, double* out) {
    using namespace ball_detail;
    if (!finite(c.mid().hi) || !finite(c.rad())) {
        return false;
    }
    bool ok = false;
    read_points(z, [&](auto get, std::size_t n) {
        const double m = get(imax);
        ok = finite(m) && exact::fast::detail::round_gaps_row(get, n, m, c.mid(),
                                                              {c.rad(), rel_add, up_grow, tiny}, negate, out);
    });
    return ok;
}

/// sum_k w_k (z_imax - z_k) for a row of exact binary64 numbers (points) within +-2^1000 whose
/// maximum is z_imax, and binary64 weights w (empty: all 1) within +-2^20, by detail/sum_exp.hpp's
/// sum_weighted_gaps; nothing for any other row (then the generic loop runs).
template <class Z>
    requires std::ranges::random_access_range<const Z> && std::ranges::sized_range<const Z>
std::optional<dd_ball> sum_weighted_gaps(std::type_identity<dd_ball>, const Z& z, std::size_t imax,
                                                std::span<const double> w) {
    using namespace ball_detail;
    for (const double v : w) {
        if (!(std::abs(v) <= 0x1p20)) {
            return std::nullopt;
        }
    }
    std::optional<dd_ball> out;
    read_points(z, [&](auto get, std::size_t n) {
        if (!below_max(get, n, imax, 0x1p1000) || (!w.empty() && w.size() != n)) {
            return;
        }
        const double m = get(imax);
        const auto s = exact::fast::detail::sum_weighted_gaps(get, [&w](std::size_t i) { return w[i]; }, !w.empty(),
                                                              n, m);
        out = dd_ball(word(s.hi, s.lo), up(s.err));
    });
    return out;
}

/// sum_i [y_i softplus(-x_i) + (1 - y_i) softplus(x_i)] for rows of exact binary64 numbers
/// (points) by the vector kernel of detail/sum_softplus.hpp; nothing for any other rows or where
/// the kernel declines (then the generic loop of losses.hpp's sum_bce_logits runs).
template <class Y, class X>
    requires std::ranges::random_access_range<const Y> && std::ranges::random_access_range<const X>
std::optional<dd_ball> sum_bce_logits_rows(std::type_identity<dd_ball>, const Y& y, const X& x) {
    using namespace ball_detail;
    std::optional<dd_ball> out;
    read_points(x, [&](auto get_x, std::size_t n) {
        read_points(y, [&](auto get_y, std::size_t) {
            if (const auto s = exact::fast::detail::sum_softplus_split(get_x, get_y, n)) {
                out = dd_ball(word(s->hi, s->lo), up(s->err));
            }
        });
    });
    return out;
}

/// f at every element of a flat row of exact binary64 numbers (points), or of two rows of one length
/// (xlogy), by detail/map_row.hpp's kernel: out[i] the ball of the kernel's double word and bound
/// for every element the kernel takes, rare(i) (the profile's formula, in the ball) for the others.
/// false, with nothing written, for rows that are not points (then the generic loop runs).
template <class Rare, class Z, class... Y>
    requires(sizeof...(Y) <= 1)
bool map_row(std::type_identity<dd_ball>, shannon::detail::row_fn f, double upper, dd_ball* out, const Rare& rare,
             const Z& z, const Y&... y) {
    using namespace ball_detail;
    const double rel = exact::fast::detail::row_fn_rel(f);
    bool done = false;
    read_points(z, [&](auto get_x, std::size_t n) {
        const auto run = [&](auto get_y) {
            exact::fast::detail::map_row(
                f, get_x, get_y, n, upper,
                [out, rel](std::size_t i, double hi, double lo) { out[i] = dd_ball(word(hi, lo), up(rel * std::abs(hi))); },
                [&](std::size_t i) { out[i] = rare(i); });
            done = true;
        };
        if constexpr (sizeof...(Y) == 0) {
            run(get_x);
        } else {
            (read_points(y, [&](auto get_y, std::size_t) { run(get_y); }), ...);
        }
    });
    return done;
}

}  // namespace shannon::numbers

SHANNON_FP_CONTRACT_RESTORE
