// shannon/numbers/ball.hpp — a certified double-double ball: the oracle's fast number type.
//
// A dd_ball is a midpoint in double-double (double_word<double>, 106 bits) and a radius in binary64
// such that the exact value lies in [mid - rad, mid + rad]. It satisfies the interval concept of the
// generic core (lower/upper/median/zero_in/hull, number_traits.hpp), so every quantity of shannon,
// every framework profile and every gradient can be evaluated in it by the same formula as in MPFI:
// the result is an enclosure about 2^-80 wide (relative) at the cost of double-double arithmetic,
// 5 to 20 times cheaper than MPFI at 128 bits. The oracle (exact.hpp) evaluates a quantity in
// dd_ball first, applies Ziv's rounding test to the enclosure, and goes to MPFI only when the ball
// cannot decide.
//
// Why a ball and not an interval of two double words: one double-double operation per operation
// instead of two with directed roundings (which binary64 arithmetic only emulates), and the radius
// is a binary64 that needs no more than "round up" bounds.
//
// Every operation returns the double-double result of the operation on the midpoints, and a radius
// that bounds (1) the propagated radii of the operands and (2) the rounding error of the
// double-double algorithm (its proven relative bound, below), plus (3) an absolute 2^-1069 for the
// underflow of the low word and of the error terms below 2^-969 (a handful of 2^-1075 per
// operation; the radius's own products underflow only in that absolute sense: it divides before it
// multiplies, and a product such as e^m r^2 lost below 2^-1074 is a 2^-537 share of e^m r, within
// the margin below). The radius is computed in binary64 to nearest and then multiplied by 1 + 2^-49,
// which covers the rounding errors of the at most 8 binary64 operations that form it.
//
// What a ball cannot enclose — a result that overflows binary64 (e^800), a division by a ball
// containing 0, a log of a ball reaching 0 or below, an infinity meeting a ball that straddles 0,
// inf - inf — *poisons* the thread's evaluation (ball_scope): the oracle then discards the ball's
// result and evaluates in MPFI, whose exponent range and conventions decide. A poisoned operation
// returns the whole line, so the generic code runs on without branching on a false value.
//
// Relative error bounds of the double-double algorithms (u = 2^-53; double_word.hpp):
//   add, sub   Joldes-Muller-Popescu AccurateDWPlusDW: 3u^2/(1 - 4u) < 2^-104.4    (used: 2^-103)
//   mul        DWTimesDW1 (two_prod + the cross terms): 7u^2 < 2^-103.1            (used: 2^-100)
//   div        q1 = x/y, two residual corrections, q1 + q2 + q3: the residuals carry the product
//              and subtraction errors (< 2^-100 |x| each), q3 its own rounding (< u|q3| < 2^-100|q|),
//              the final sum 3u^2: < 2^-98.5                                      (used: 2^-97)
//   sqrt       s0 = sqrt(hi) (error < u), one Newton step in double-double: < 2u^2 + the
//              residual's errors < 2^-102                                          (used: 2^-99)
// and of the elementary functions: the table-driven double-double kernels of detail/dd_kernels.hpp,
// whose bounds are argued there (exp 2^-88, log, log1p and expm1 2^-78, relative).
// Propagated radii (exact bounds of the change of f over [m - r, m + r]):
//   a +- b: ra + rb;  a b: |a| rb + |b| ra + ra rb;  a / b: (ra + |a/b| rb) / (|b| - rb);
//   exp: e^m (e^r - 1) <= e^m (r + r^2) (r <= 1);  expm1: the same;  log: r / (m - r);
//   log1p: r / (1 + m - r);  sqrt: r / sqrt(m - r).
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <ranges>
#include <span>
#include <vector>
#include <type_traits>

#include "../detail/fp_contract.hpp"
#include "double_word.hpp"
#include "traits.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon {
namespace numbers {

// The double-word constants the ball's functions rest on, checked against their correctly rounded
// digits (mpmath): ln 2 and pi errs below 2^-107 and 2^-103 (relative) respectively.
static_assert(double_word_arith::ln2<double>.hi == 0x1.62e42fefa39efp-1 && double_word_arith::ln2<double>.lo == 0x1.abc9e3b39803ep-56);
static_assert(double_word_arith::pi<double>.hi == 0x1.921fb54442d18p+1 && double_word_arith::pi<double>.lo == 0x1.1a62633145c04p-53);

namespace ball_detail {

inline constexpr double inf = std::numeric_limits<double>::infinity();
/// The absolute term of every radius: the underflow of low words and error terms (see above).
inline constexpr double tiny = 0x1p-1069;
inline constexpr double rel_add = 0x1p-103;
inline constexpr double rel_mul = 0x1p-100;
inline constexpr double rel_div = 0x1p-97;
inline constexpr double rel_sqrt = 0x1p-99;

/// An upper bound of a nonnegative value computed to nearest in at most 8 binary64 operations.
inline constexpr double up_grow = 0x1p-49;
[[nodiscard]] inline double up(double x) { return x * (1 + up_grow) + tiny; }
/// A lower bound likewise (may be negative: then no positive lower bound is known).
[[nodiscard]] inline double down(double x) { return x * (1 - 0x1p-49) - tiny; }

/// Set when an operation of this thread could not enclose its result (see ball_scope).
[[nodiscard]] inline bool& poisoned() noexcept {
    thread_local bool flag = false;
    return flag;
}

using double_word_arith::finite;

using word = double_word<double>;

// The elementary functions' kernels and their bounds (detail/dd_kernels.hpp, via double_word.hpp).
using dd::exp_dd;
using dd::expm1_dd;
using dd::log1p_dd;
using dd::log_dd;
using dd::pow2;
using dd::rel_exp;
using dd::rel_expm1;
using dd::rel_log;
using dd::rel_log1p;
using dd::square;
using dd::times_pow2;

}  // namespace ball_detail

class dd_ball_sum;

/// A certified double-double ball: the exact value lies within rad of mid (see the header comment).
class dd_ball {
public:
    /// The midpoint's type: a double-double.
    using word = double_word<double>;

    /// Zero.
    dd_ball() = default;
    /// Exact from any float, double, long double of at most 106 bits, or integer of up to 64 bits.
    template <class A>
        requires std::is_arithmetic_v<A>
    dd_ball(A x) : mid_(x) {  // NOLINT: implicit, like the built-in conversions
        if constexpr (std::is_same_v<A, long double>) {
            if (std::isfinite(x) && static_cast<long double>(mid_.hi) + static_cast<long double>(mid_.lo) != x) {
                rad_ = ball_detail::up(std::abs(mid_.lo) * 0x1p-52);  // wider than 106 bits: not here
            }
        }
    }
    /// The point ball of a double word.
    dd_ball(const word& x) : mid_(x) {}  // NOLINT: implicit, an endpoint converts back to a ball
    /// The ball of midpoint m and radius r (r >= 0 bounds the distance of the exact value to m).
    dd_ball(const word& m, double r) : mid_(m), rad_(r) {}

    /// The midpoint.
    [[nodiscard]] const word& mid() const { return mid_; }
    /// The radius.
    [[nodiscard]] double rad() const { return rad_; }

    /// The ball that encloses anything, after poisoning the thread's evaluation.
    [[nodiscard]] static dd_ball poison() {
        ball_detail::poisoned() = true;
        return {word(0.0), ball_detail::inf};
    }
    /// Not a number (from a NaN operand).
    [[nodiscard]] static dd_ball nan() { return {word(std::numeric_limits<double>::quiet_NaN()), 0}; }
    /// pi, from the checked double-word constant (error below 2^-103 relative).
    [[nodiscard]] static dd_ball pi() { return {double_word_arith::pi<double>, 0x1p-100}; }

    /// True for NaN.
    [[nodiscard]] bool is_nan() const { return mid_.hi != mid_.hi; }  // NOLINT: NaN test
    /// An exact infinity (a finite ball's radius is finite).
    [[nodiscard]] bool is_inf() const { return !is_nan() && !ball_detail::finite(mid_.hi); }
    /// True when the ball is a single number (radius 0).
    [[nodiscard]] bool is_point() const { return rad_ == 0; }
    /// -1, 0 or 1 when every value of the ball has that sign (0: the point 0); 2 when it straddles 0.
    [[nodiscard]] int sign() const {
        if (rad_ == 0) {
            return mid_.hi > 0 ? 1 : mid_.hi < 0 ? -1 : 0;
        }
        if (std::abs(mid_.hi) * (1 - 0x1p-50) > rad_ + ball_detail::tiny) {
            return mid_.hi > 0 ? 1 : -1;
        }
        return 2;
    }
    /// |mid| rounded up (|mid| <= |hi| (1 + u); the (1 + u) is within up()'s margin).
    [[nodiscard]] double mag() const { return std::abs(mid_.hi); }

    /// -x (exact).
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball operator-(const dd_ball& x) { return {double_word_arith::neg(x.mid_), x.rad_}; }

    /// a + b.
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball operator+(const dd_ball& a, const dd_ball& b) {
        using namespace ball_detail;
        if (!finite(a.mid_.hi) || !finite(b.mid_.hi)) {
            return special(a, b, a.mid_.hi + b.mid_.hi);
        }
        if (a.rad_ == 0 && b.rad_ == 0 && a.mid_.lo == 0 && b.mid_.lo == 0) {
            const word s = double_word_arith::two_sum(a.mid_.hi, b.mid_.hi);  // two doubles: TwoSum is exact
            if (!finite(s.hi)) {
                return poison();
            }
            return {s, 0};
        }
        const word s = double_word_arith::add(a.mid_, b.mid_);
        if (!finite(s.hi)) {
            return poison();
        }
        if (a.rad_ == 0 && b.rad_ == 0 && (s.hi == 0 || (a.mid_.lo == 0 && b.mid_.lo == 0))) {
            return {s, 0};  // TwoSum of two doubles is exact, and a zero sum is exact (relative bound)
        }
        return {s, up(a.rad_ + b.rad_ + rel_add * std::abs(s.hi))};
    }
    /// a - b.
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball operator-(const dd_ball& a, const dd_ball& b) { return a + (-b); }

    /// a b.
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball operator*(const dd_ball& a, const dd_ball& b) {
        using namespace ball_detail;
        if (!finite(a.mid_.hi) || !finite(b.mid_.hi)) {
            // An infinity times a ball of one sign; 0 or a straddling ball leaves it to MPFI.
            if (a.sign() == 2 || b.sign() == 2 || a.sign() == 0 || b.sign() == 0) {
                return a.is_nan() || b.is_nan() ? nan() : poison();
            }
            return special(a, b, a.mid_.hi * b.mid_.hi);
        }
        const word p = scaled_mul(a.mid_, b.mid_);
        if (!finite(p.hi)) {
            return poison();
        }
        if ((a.rad_ == 0 && a.mid_.hi == 0) || (b.rad_ == 0 && b.mid_.hi == 0)) {
            return {p, 0};  // an exact 0 factor
        }
        if (a.rad_ == 0 && b.rad_ == 0 && a.mid_.lo == 0 && b.mid_.lo == 0 && std::abs(p.hi) >= 0x1p-968) {
            return {p, 0};  // Dekker's product of two doubles is exact above the underflow of its error
        }
        return {p, up(a.mag() * b.rad_ + b.mag() * a.rad_ + a.rad_ * b.rad_ + rel_mul * std::abs(p.hi))};
    }

    /// a / b (poisons when b holds 0).
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball operator/(const dd_ball& a, const dd_ball& b) {
        using namespace ball_detail;
        const int sb = b.sign();
        if (a.is_nan() || b.is_nan()) {
            return nan();
        }
        if (sb == 0 || sb == 2) {
            return poison();
        }
        if (!finite(a.mid_.hi) || !finite(b.mid_.hi)) {
            if (!finite(a.mid_.hi) && !finite(b.mid_.hi)) {
                return poison();
            }
            if (!finite(b.mid_.hi)) {
                return {word(0.0), 0};  // finite / inf
            }
            return special(a, b, a.mid_.hi / b.mid_.hi);  // inf / a finite ball of one sign
        }
        const word q = scaled_div(a.mid_, b.mid_);
        if (!finite(q.hi)) {
            return poison();
        }
        if (a.rad_ == 0 && b.rad_ == 0 && a.mid_.hi == 0) {
            return {q, 0};
        }
        const double den = down(b.mag() - b.rad_);
        if (!(den > 0)) {
            return poison();
        }
        // Divided before multiplied: an underflow of |q| rb would otherwise be amplified by 1 / den.
        return {q, up(a.rad_ / den + std::abs(q.hi) * (b.rad_ / den) + rel_div * std::abs(q.hi))};
    }

    /// *this = *this + b.
    dd_ball& operator+=(const dd_ball& b) { return *this = *this + b; }

    /// The running sum of balls the generic accumulator takes (see dd_ball_sum).
    using running_sum = dd_ball_sum;
    /// *this = *this - b.
    dd_ball& operator-=(const dd_ball& b) { return *this = *this - b; }
    /// *this = *this * b.
    dd_ball& operator*=(const dd_ball& b) { return *this = *this * b; }
    /// *this = *this / b.
    dd_ball& operator/=(const dd_ball& b) { return *this = *this / b; }

    // ---- the interval concept (number_traits.hpp) ----

    /// A double word at or below every value of the ball (the midpoint itself for a point).
    friend SHANNON_FP_CONTRACT_OFF_FRIEND word lower(const dd_ball& x) { return x.end(-1); }
    /// A double word at or above every value of the ball.
    friend SHANNON_FP_CONTRACT_OFF_FRIEND word upper(const dd_ball& x) { return x.end(1); }
    /// The midpoint: the selection key of the generic code's branches.
    friend SHANNON_FP_CONTRACT_OFF_FRIEND word median(const dd_ball& x) { return x.mid_; }
    /// True for the point 0. A ball that holds 0 without being the point cannot tell whether its
    /// value is exactly 0, where MPFI's 128 bits may be exact and the generic code's conventions
    /// branch (0 log 0 = 0, 0 / log 1 = NaN): it poisons the evaluation, and MPFI decides.
    friend SHANNON_FP_CONTRACT_OFF_FRIEND bool is_exactly_zero(const dd_ball& x) {
        if (x.rad_ == 0) {
            return x.mid_.hi == 0;
        }
        if (x.sign() == 2) {
            (void)poison();
        }
        return false;
    }
    /// True when the ball may hold 0 (or is NaN).
    friend SHANNON_FP_CONTRACT_OFF_FRIEND bool zero_in(const dd_ball& x) { return x.is_nan() || x.sign() == 0 || x.sign() == 2; }
    /// True for NaN.
    friend SHANNON_FP_CONTRACT_OFF_FRIEND bool isnan(const dd_ball& x) { return x.is_nan(); }
    /// True for an exact infinity.
    friend SHANNON_FP_CONTRACT_OFF_FRIEND bool isinf(const dd_ball& x) { return x.is_inf(); }
    /// True for a ball with a finite midpoint.
    friend SHANNON_FP_CONTRACT_OFF_FRIEND bool isfinite(const dd_ball& x) { return ball_detail::finite(x.mid_.hi); }

    /// The smallest ball this type forms around two balls.
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball hull(const dd_ball& a, const dd_ball& b) {
        using namespace ball_detail;
        if (a.is_nan() || b.is_nan()) {
            return nan();
        }
        const word lo = lower(a) < lower(b) ? lower(a) : lower(b);
        const word hi = upper(a) < upper(b) ? upper(b) : upper(a);
        if (!finite(lo.hi) || !finite(hi.hi)) {
            if (lo == hi) {
                return {lo, 0};
            }
            return poison();
        }
        if (lo == hi) {
            return {lo, 0};
        }
        const word m = double_word_arith::mul(double_word_arith::add(lo, hi), 0.5);
        const word w = double_word_arith::sub(hi, lo);
        return {m, up(0.5 * w.hi + rel_add * std::abs(m.hi) + rel_add * w.hi)};
    }

    /// |x|: the ball (|mid|, rad) encloses |x| also when x straddles 0.
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball abs(const dd_ball& x) { return {x.mid_.hi < 0 ? double_word_arith::neg(x.mid_) : x.mid_, x.rad_}; }

    /// x^n by repeated squaring (1 / x^-n for n < 0).
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball pow(const dd_ball& x, int n) {
        if (n < 0) {
            return dd_ball(1) / pow(x, -n);
        }
        dd_ball r(1);
        dd_ball b = x;
        for (unsigned k = static_cast<unsigned>(n); k > 0; k >>= 1U) {
            if ((k & 1U) != 0U) {
                r = r * b;
            }
            if (k > 1) {
                b = b * b;
            }
        }
        return r;
    }

    /// The square root (poisons below 0).
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball sqrt(const dd_ball& x) {
        using namespace ball_detail;
        if (x.is_nan()) {
            return nan();
        }
        if (x.is_inf()) {
            return x.mid_.hi > 0 ? x : poison();
        }
        const word lo = lower(x);
        if (lo.hi < 0) {
            return poison();
        }
        if (lo.hi == 0 && lo.lo == 0) {
            if (x.rad_ == 0) {
                return {word(0.0), 0};
            }
            // [0, hi]: the ball around [0, sqrt(hi)].
            const dd_ball s = sqrt(dd_ball(upper(x)));
            const double top = up(s.mid_.hi + std::abs(s.mid_.lo) + s.rad_);
            return {word(0.5 * top), up(0.5 * top)};
        }
        // One Newton step in double-double, s = s0 + (m - s0^2) / (2 s0), on m 2^(2k) in [1, 4) (the
        // residual's error terms would underflow below 2^-969), scaled back exactly.
        const int k = std::ilogb(x.mid_.hi) / 2;
        const word m = scale(x.mid_, -2 * k);
        const double s0 = std::sqrt(m.hi);
        const word residual = double_word_arith::sub(m, double_word_arith::two_prod(s0, s0));
        const word s = scale(double_word_arith::add(word(s0), word(residual.hi / (2 * s0))), k);
        double prop = 0;
        if (x.rad_ > 0) {
            const double slow = std::sqrt(down(lo.hi - std::abs(lo.lo)));
            if (!(slow > 0)) {
                return poison();
            }
            prop = x.rad_ / (slow * (1 - 0x1p-50));
        }
        return {s, up(prop + rel_sqrt * std::abs(s.hi))};
    }

    /// The natural logarithm (-inf at the point 0; poisons when the ball reaches 0 or below).
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball log(const dd_ball& x) {
        using namespace ball_detail;
        if (x.is_nan()) {
            return nan();
        }
        if (x.rad_ == 0 && x.mid_.hi == 0) {
            return {word(-inf), 0};
        }
        if (x.is_inf()) {
            return x.mid_.hi > 0 ? x : poison();
        }
        if (!(x.mid_.hi > 0)) {
            return poison();
        }
        if (x.rad_ == 0 && x.mid_.hi == 1 && x.mid_.lo == 0) {
            return {word(0.0), 0};  // log 1 = 0 exactly, as MPFI has it
        }
        double prop = 0;
        if (x.rad_ > 0) {
            const word lx = lower(x);
            const double low = down(lx.hi - std::abs(lx.lo));  // one subtraction: errs < u |result|
            if (!(low > 0)) {
                return poison();
            }
            prop = x.rad_ / low;
        }
        const word l = log_dd(x.mid_);
        return {l, up(prop + rel_log * std::abs(l.hi))};
    }

    /// log(1 + x) (poisons when 1 + x reaches 0 or below).
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball log1p(const dd_ball& x) {
        using namespace ball_detail;
        if (x.is_nan()) {
            return nan();
        }
        if (x.is_inf()) {
            return x.mid_.hi > 0 ? x : poison();
        }
        if (x.rad_ == 0 && x.mid_.hi == 0) {
            return x;  // log1p(+-0) = +-0
        }
        const word one_plus = double_word_arith::add(word(1.0), x.mid_);  // zero only when exactly zero
        if (x.rad_ == 0 && one_plus.hi == 0) {
            return {word(-inf), 0};
        }
        if (!(one_plus.hi > 0)) {
            return poison();
        }
        double prop = 0;
        if (x.rad_ > 0) {
            const word lx = double_word_arith::add(word(1.0), lower(x));
            const double low = down(lx.hi - std::abs(lx.lo) - rel_add * std::abs(lx.hi));
            if (!(low > 0)) {
                return poison();
            }
            prop = x.rad_ / low;
        }
        const word l = log1p_dd(x.mid_);
        return {l, up(prop + rel_log1p * std::abs(l.hi))};
    }

    /// e^x (poisons beyond binary64's range or for a radius above 1).
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball exp(const dd_ball& x) {
        using namespace ball_detail;
        if (x.is_nan()) {
            return nan();
        }
        if (x.is_inf()) {
            return x.mid_.hi > 0 ? x : dd_ball(0);
        }
        if (x.rad_ > 1 || x.mid_.hi + x.rad_ > 709.7) {
            return poison();  // too wide to bound here, or beyond binary64's range: MPFI decides
        }
        if (x.rad_ == 0 && x.mid_.hi == 0) {
            return dd_ball(1);  // e^0 = 1 exactly
        }
        if (x.mid_.hi + x.rad_ < -746) {
            return {word(0.0), 0x1p-1074};  // e^x < 2^-1076
        }
        const word e = x.mid_.hi < -746 ? word(0.0) : exp_dd(x.mid_);
        const double em = std::abs(e.hi) * (1 + 0x1p-50);  // >= e^mid
        return {e, up(em * (x.rad_ + x.rad_ * x.rad_) + rel_exp * em)};
    }

    /// e^x - 1 without cancellation near 0.
    friend SHANNON_FP_CONTRACT_OFF_FRIEND dd_ball expm1(const dd_ball& x) {
        using namespace ball_detail;
        if (x.is_nan()) {
            return nan();
        }
        if (x.is_inf()) {
            return x.mid_.hi > 0 ? x : dd_ball(-1);
        }
        if (x.rad_ > 1 || x.mid_.hi + x.rad_ > 709.7) {
            return poison();
        }
        if (x.rad_ == 0 && x.mid_.hi == 0) {
            return x;  // expm1(+-0) = +-0
        }
        const word e = expm1_dd(x.mid_);
        const double em1 = std::abs(e.hi) * (1 + 0x1p-50);  // >= |e^mid - 1|
        return {e, up((1 + em1) * (x.rad_ + x.rad_ * x.rad_) + rel_expm1 * em1)};
    }

    /// Prints [mid +- rad].
    friend SHANNON_FP_CONTRACT_OFF_FRIEND std::ostream& operator<<(std::ostream& out, const dd_ball& x) {
        return out << "[" << x.mid_ << " +- " << x.rad_ << "]";
    }

private:
    /// w 2^e (exact unless the result leaves the normal range).
    static word scale(const word& w, int e) { return {std::ldexp(w.hi, e), std::ldexp(w.lo, e)}; }

    /// a b, on operands scaled to [1, 2) when one lies outside [2^-900, 2^900]: Veltkamp's split of
    /// an operand below 2^-969 loses bits to underflow, and Dekker's product is then inexact even
    /// when the product itself is normal.
    static word scaled_mul(const word& a, const word& b) {
        const double x = std::abs(a.hi);
        const double y = std::abs(b.hi);
        if ((x >= 0x1p-900 && x <= 0x1p900 && y >= 0x1p-900 && y <= 0x1p900) || x == 0 || y == 0) {
            return double_word_arith::mul(a, b);
        }
        const int ea = std::ilogb(a.hi);
        const int eb = std::ilogb(b.hi);
        return scale(double_word_arith::mul(scale(a, -ea), scale(b, -eb)), ea + eb);
    }

    /// a / b computed on operands scaled to [1, 2): the residuals' error terms never underflow (they
    /// would below 2^-969, and a residual error then grows by 1 / |b| in the quotient).
    static word scaled_div(const word& a, const word& b) {
        if (a.hi == 0) {
            return double_word_arith::div(a, b);
        }
        const int ea = std::ilogb(a.hi);
        const int eb = std::ilogb(b.hi);
        return scale(double_word_arith::div(scale(a, -ea), scale(b, -eb)), ea - eb);
    }

    /// An operation with an infinite operand, by binary64's rules on the midpoints (`r`): exact
    /// infinities stay exact; a NaN from infinities of opposite signs is left to MPFI.
    static dd_ball special(const dd_ball& a, const dd_ball& b, double r) {
        if (a.is_nan() || b.is_nan()) {
            return nan();
        }
        if (r != r) {  // NOLINT: NaN test
            return poison();
        }
        return {word(r), 0};
    }

    /// The lower (dir < 0) or upper end as a double word, rounded outward.
    [[nodiscard]] word end(int dir) const {
        using namespace ball_detail;
        if (rad_ == 0 || is_nan()) {
            return mid_;
        }
        if (!finite(rad_)) {
            return word(dir < 0 ? -inf : inf);
        }
        const word e = double_word_arith::add(mid_, word(dir < 0 ? -rad_ : rad_));
        // The sum errs by at most 2^-104 |e|: step outward by twice that.
        const double step = up(0x1p-102 * std::abs(e.hi));
        return double_word_arith::add(e, word(dir < 0 ? -step : step));
    }

    word mid_{};
    double rad_ = 0;
};

/// A running sum of balls with one binary64 addition on its critical path (a chain of ball
/// additions waits on a whole double-double addition for each term): the high words are added
/// by TwoSum, whose errors are exact; those errors and the low words go into one binary64
/// accumulator, each of whose roundings errs by at most 2^-53 of its new value (and not at all
/// below the normal range, where addition is exact): the sum of those magnitudes bounds them
/// (sum_exp's technique). The radii are summed alongside. value() = (hi + lo as an exact double
/// word) +- (radii + 2^-53 magnitudes), both sums of n non-negative numbers scaled by
/// 1 + (2n + 4) 2^-52 against their own roundings (>= 1 / (1 - (2n + 2) 2^-53)), then rounded up.
/// Infinite or NaN terms take the ball's own addition (the same conventions as a chain of +);
/// finite terms whose sum overflows poison the evaluation (MPFI decides).
class dd_ball_sum {
public:
    /// Adds x.
    void add(const dd_ball& x) {
        using namespace ball_detail;
        if (!finite(x.mid().hi) || !finite(x.rad())) {
            special_ += x;
            has_special_ = true;
            return;
        }
        const double s = hi_ + x.mid().hi;
        const double bb = s - hi_;
        const double e = (hi_ - (s - bb)) + (x.mid().hi - bb);
        hi_ = s;
        lo_ += e;
        mag_ += std::abs(lo_);
        lo_ += x.mid().lo;
        mag_ += std::abs(lo_);
        rad_ += x.rad();
        ++n_;
    }
    /// The sum as a ball.
    [[nodiscard]] dd_ball value() const {
        using namespace ball_detail;
        if (!finite(hi_) || !finite(lo_) || !finite(mag_) || !finite(rad_)) {
            return dd_ball::poison();  // the finite terms' sum left the range: MPFI decides
        }
        const dd_ball::word m = double_word_arith::two_sum(hi_, lo_);  // exact, normalized
        const double scale = 1 + (2 * static_cast<double>(n_) + 4) * 0x1p-52;
        // No radius and no low-word rounding: every addition was exact, and the sum is a point.
        const double r = rad_ == 0 && mag_ == 0 ? 0 : up((rad_ + 0x1p-53 * mag_) * scale);
        const dd_ball finite_part(m, r);
        return has_special_ ? finite_part + special_ : finite_part;
    }

private:
    double hi_ = 0;
    double lo_ = 0;
    double mag_ = 0;
    double rad_ = 0;
    std::size_t n_ = 0;
    dd_ball special_{};
    bool has_special_ = false;
};

/// Resets the poison flag of this thread's ball evaluations for its lifetime; poisoned() says
/// whether an operation since then could not enclose its result.
class ball_scope {
public:
    ball_scope() noexcept : saved_(ball_detail::poisoned()) { ball_detail::poisoned() = false; }
    ball_scope(const ball_scope&) = delete;
    ball_scope& operator=(const ball_scope&) = delete;
    ~ball_scope() { ball_detail::poisoned() = saved_; }
    /// True when the balls computed in this scope may not enclose their values.
    [[nodiscard]] static bool poisoned() noexcept { return ball_detail::poisoned(); }

private:
    bool saved_;
};

}  // namespace numbers

using numbers::dd_ball;

/// log Gamma and digamma of a ball (the closed-form KL divergences of Gamma, Beta and Dirichlet
/// distributions in the oracle's fast number type, MPFI only where the ball cannot decide): the
/// recurrence up to y = x + N >= 12 (log Gamma(x) = log Gamma(y) - log(x (x + 1) ... (x + N - 1)),
/// digamma(x) = digamma(y) - 1/x - sum_{k>0} 1 / (x + k), that sum as one fraction: identities, in ball
/// arithmetic), then the asymptotic series (DLMF 5.11.1 and 5.11.2) to B_28, whose remainder for real
/// y > 0 is bounded in magnitude by the first omitted term (DLMF 5.11(ii)): a ball about 0 of that
/// term's size is added (at y = 12: 2^-84 for log Gamma, 2^-83 for digamma, below the ball's
/// logarithm's 2^-78 of log y). Every operation is the ball's, so the result encloses the function over
/// the whole ball x; x must lie in (0, +inf) (else the evaluation is poisoned and MPFI decides). Near 1
/// and 2 (log Gamma) and 1.4616 (digamma) the value is a difference of numbers near 18 and 2.5: an
/// absolute error about 2^-73 there.
template <>
struct gamma_functions<numbers::dd_ball> {
    /// The ball type.
    using ball = numbers::dd_ball;
    /// B_2k = num / den for k = 1..15.
    static constexpr double bernoulli[15][2] = {
        {1, 6},         {-1, 30},          {1, 42},      {-1, 30},           {5, 66},
        {-691, 2730},   {7, 6},            {-3617, 510}, {43867, 798},       {-174611, 330},
        {854513, 138},  {-236364091, 2730}, {8553103, 6}, {-23749461029, 870}, {8615841276005, 14322}};
    /// The recurrence's target: the series is summed at y >= 12.
    static constexpr double start = 12;

    /// The series' coefficients as balls, formed once: B_2k / (2k (2k - 1)) (log Gamma) and B_2k / 2k
    /// (digamma) for k = 1..15.
    struct coefficients {
        std::array<ball, 15> lgamma;   ///< B_2k / (2k (2k - 1)), k = 1..15
        std::array<ball, 15> digamma;  ///< B_2k / 2k, k = 1..15
        ball half_log_2pi;             ///< log(2 pi) / 2
    };
    /// The coefficients, formed on first use (thread-safe: a function-local static).
    [[nodiscard]] static const coefficients& coef() {
        static const coefficients c = [] {
            coefficients out;
            for (int k = 0; k < 15; ++k) {
                const double two_k = 2.0 * (k + 1);
                out.lgamma[k] = ball(bernoulli[k][0]) / ball(bernoulli[k][1] * two_k * (two_k - 1));
                out.digamma[k] = ball(bernoulli[k][0]) / ball(bernoulli[k][1] * two_k);
            }
            out.half_log_2pi = log(ball(2.0) * ball::pi()) * ball(0.5);
            return out;
        }();
        return c;
    }
    /// The number of recurrence steps that bring the ball's midpoint to 12 or above.
    [[nodiscard]] static long shift(const ball& x) {
        const double m = x.mid().hi;
        return m >= start ? 0 : static_cast<long>(std::ceil(start - m));
    }
    /// The ball [-|b|, |b|] for the bound b of a remainder.
    [[nodiscard]] static ball about_zero(const ball& b) {
        return {ball::word(0.0), numbers::ball_detail::up(b.mag() + b.rad())};
    }
    /// y^-k for k >= 1.
    [[nodiscard]] static ball inverse_power(const ball& inv, int k) {
        ball r = inv;
        for (int i = 1; i < k; ++i) {
            r = r * inv;
        }
        return r;
    }
    /// Whether x is a ball inside (0, +inf) (NaN: false).
    [[nodiscard]] static bool inside(const ball& x) { return !x.is_nan() && !x.is_inf() && x.sign() == 1; }
    /// The value for an x not inside: NaN for NaN, else the poisoned evaluation (MPFI decides).
    [[nodiscard]] static ball outside(const ball& x) { return x.is_nan() ? ball::nan() : ball::poison(); }

    /// log Gamma(x).
    [[nodiscard]] static ball lgamma(const ball& x) {
        if (!inside(x)) {
            return outside(x);
        }
        const coefficients& c = coef();
        const long n = shift(x);
        ball p(1.0);
        for (long k = 0; k < n; ++k) {
            p = p * (x + ball(static_cast<double>(k)));
        }
        const ball y = x + ball(static_cast<double>(n));
        const ball inv = ball(1.0) / y;
        const ball inv2 = inv * inv;
        ball acc = c.lgamma[13];  // sum_{k=1}^{14} B_2k / (2k (2k - 1)) inv2^(k-1), by Horner
        for (int k = 12; k >= 0; --k) {
            acc = acc * inv2 + c.lgamma[k];
        }
        const ball omitted = c.lgamma[14] * inverse_power(inv, 29);
        const ball main = (y - ball(0.5)) * log(y) - y + c.half_log_2pi + acc * inv + about_zero(omitted);
        return n == 0 ? main : main - log(p);
    }

    /// digamma(x) = Gamma'(x) / Gamma(x).
    [[nodiscard]] static ball digamma(const ball& x) {
        if (!inside(x)) {
            return outside(x);
        }
        const coefficients& c = coef();
        const long n = shift(x);
        ball num(0.0);  // sum_{0 < k < n} 1 / (x + k) = num / den (den >= 1; 1 / x apart: x may be tiny)
        ball den(1.0);
        for (long k = 1; k < n; ++k) {
            const ball t = x + ball(static_cast<double>(k));
            num = num * t + den;
            den = den * t;
        }
        const ball y = x + ball(static_cast<double>(n));
        const ball inv = ball(1.0) / y;
        const ball inv2 = inv * inv;
        ball acc = c.digamma[13];  // sum_{k=1}^{14} B_2k / (2k) inv2^(k-1), by Horner
        for (int k = 12; k >= 0; --k) {
            acc = acc * inv2 + c.digamma[k];
        }
        const ball omitted = c.digamma[14] * inverse_power(inv2, 15);
        const ball main = log(y) - inv * ball(0.5) - acc * inv2 + about_zero(omitted);
        return n == 0 ? main : main - (ball(1.0) / x + num / den);
    }
};

}  // namespace shannon

SHANNON_FP_CONTRACT_RESTORE
