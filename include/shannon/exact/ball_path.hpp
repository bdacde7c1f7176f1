// shannon/exact/ball_path.hpp — the oracle's ball path: any quantity of binary inputs evaluated by its
// own generic code in certified double-double balls (numbers/ball.hpp) and decided by Ziv's test,
// value by value or a whole vector in one pass; what the ball cannot decide goes to the general
// path.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <ranges>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../detail/fp_contract.hpp"
#include "../numbers/ball.hpp"
#include "../core/math.hpp"
#include "../numbers/ball_rows.hpp"
#include "format.hpp"
#include "lift.hpp"
#include "print.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact {

namespace detail {


/// True for the inputs the ball path takes: binary floating-point scalars and ranges, integers,
/// options; not numbers given as text (their exact value may need more than 106 bits).
template <class A>
inline constexpr bool ball_input = !std::is_same_v<A, std::string>;
template <class A>
    requires(std::ranges::range<A> && !std::is_same_v<A, std::string>)
inline constexpr bool ball_input<A> = ball_input<std::remove_cvref_t<std::ranges::range_value_t<A>>>;
template <class R>
inline constexpr bool ball_input<table_view<R>> = ball_input<R>;  // a table's cells

/// The exact dd_ball image of an input (see lift_into).
template <class A>
[[nodiscard]] auto lift_ball(const A& a) {
    return lift_into<dd_ball>(a);
}

/// quantity(args...) in balls, or nullopt when an operation could not enclose its result (the ball
/// was poisoned) or the evaluation threw: the general path then decides, and reports bad input.
template <class Quantity, class... Args>
[[nodiscard]] auto evaluate_ball(const Quantity& quantity, const Args&... args)
    -> std::optional<std::remove_cvref_t<decltype(quantity(lift_ball(args)...))>> {
    const numbers::ball_scope scope;
    try {
        auto v = quantity(lift_ball(args)...);
        if (numbers::ball_scope::poisoned()) {
            return std::nullopt;
        }
        return v;
    } catch (const shannon::cancelled&) {
        throw;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

/// A concept, so that the call is only formed for inputs the ball takes (a conjunction of
/// constraints stops at its first false operand).
template <class Quantity, class... Args>
concept ball_supported = (ball_input<Args> && ...) && requires(const Quantity& q, const Args&... a) {
    q(lift_ball(a)...);
};

/// The double nearest a double word's exact value (ties to even): one rounding of hi + lo.
[[nodiscard]] inline double nearest(const dd_ball::word& w) { return w.hi + w.lo; }

/// A double at or below (dir < 0) or above (dir > 0) a double word's exact value.
[[nodiscard]] inline double outward(const dd_ball::word& w, int dir) {
    const double d = w.hi + w.lo;
    if (!std::isfinite(d) || !std::isfinite(w.hi)) {
        return d;
    }
    const double err = (w.hi - d) + w.lo;  // exact value - d (Fast2Sum: |hi| >= |lo|)
    if (dir < 0 && err < 0) {
        return std::nextafter(d, -std::numeric_limits<double>::infinity());
    }
    if (dir > 0 && err > 0) {
        return std::nextafter(d, std::numeric_limits<double>::infinity());
    }
    return d;
}

/// The ball's binary64 decision in its common case, in a few operations and without forming the two
/// ends (detail/sum_exp.hpp's decides_nearest: hi normal, |lo| + rad below half the gap to either
/// neighbour of hi): true, and h = hi, when every value of the ball rounds to hi.
[[nodiscard]] inline bool ball_rounds_to(const dd_ball& x, double& h) {
    h = x.mid().hi;
    return fast::detail::decides_nearest(h, x.mid().lo, x.rad());
}

/// log_softmax(z) rounded to binary64 element by element in the ball's one pass over the row: the
/// row's frame (its maximum and log1p of its normalizer) by the core's make_softmax_frame in the
/// ball, as round_each's ball evaluation forms it, then each element decided where it is formed
/// (dd_ball's round_gaps_plus_row; no row of balls). true when every element was decided: out then
/// holds round_each's values, the correctly rounded log-softmax. false otherwise, with out of no
/// use: the caller evaluates the row by round_each, which decides the rest (by the ball's two ends,
/// then MPFI) and owns the conventions of non-finite rows.
[[nodiscard]] inline bool round_log_softmax_row(std::span<const double> z, double* out) {
    if (z.empty()) {
        return false;
    }
    const numbers::ball_scope scope;
    try {
        const auto row = lift_ball(z);
        const auto f = shannon::detail::make_softmax_frame(row);
        return !numbers::ball_scope::poisoned() && f.n_pos_inf == 0 && !f.all_neg_inf &&
               round_gaps_plus_row(std::type_identity<dd_ball>{}, row, f.imax, f.rest, true, out) &&
               !numbers::ball_scope::poisoned();
    } catch (const shannon::cancelled&) {
        throw;
    } catch (const std::exception&) {
        return false;
    }
}

/// math.hpp's writer (see values_writer) for the ball, rounding each value to binary64 as it comes:
/// values[i] = the nearest binary64 where ball_rounds_to decides the value's ball, and (i, ball) in
/// `left` where it does not (values[i] then means nothing; the caller decides it by other means).
/// A softmax row is decided in the pass that forms it (dd_ball's round_exp_shifted_row: the same
/// balls as softmax_row's, with no row of them written and read back); a row that kernel does not
/// take, value by value from softmax_row. Each index is in `left` at most once, with its last value.
struct ball_round_writer {
    /// A growing array of doubles left uninitialized until written (no fill before each row).
    struct buffer {
        std::unique_ptr<double[]> data;
        std::size_t size = 0;
        std::size_t capacity = 0;
        void reserve(std::size_t n) {
            if (n > capacity) {
                std::unique_ptr<double[]> more(new double[n]);  // default-initialized: no fill
                std::copy(data.get(), data.get() + size, more.get());
                data = std::move(more);
                capacity = n;
            }
        }
        double* grow(std::size_t n) {
            if (size + n > capacity) {
                reserve(std::max(size + n, 2 * capacity));
            }
            size += n;
            return data.get() + size - n;
        }
    };
    using left_ball = numbers::ball_detail::left_ball<dd_ball>;

    buffer& values;
    std::vector<left_ball>& left;

    /// ball_rounds_to, and a finite point decided as decide_ball_ends decides it (both ends are its
    /// midpoint, rounded once: a zero, an ignored sample's gradient, in a few operations).
    [[nodiscard]] static bool decide(const dd_ball& x, double& h) {
        if (ball_rounds_to(x, h)) {
            return true;
        }
        h = x.mid().hi + x.mid().lo;
        return x.rad() == 0 && std::isfinite(h);
    }

    [[nodiscard]] std::size_t size() const { return values.size; }
    void reserve(std::size_t n) { values.reserve(n); }
    void push(const dd_ball& x) { push(1, x); }
    void push(std::size_t n, const dd_ball& x) {
        double h = 0;
        const bool decided = decide(x, h);
        const std::size_t at = values.size;
        std::fill_n(values.grow(n), n, h);
        for (std::size_t k = 0; !decided && k < n; ++k) {
            left.emplace_back(at + k, x);
        }
    }
    template <class Z>
    void softmax(const shannon::detail::softmax_frame<dd_ball>& f, const Z& z, const dd_ball& scale) {
        const std::size_t at = values.size;
        const std::size_t n = std::ranges::size(z);
        double* const out = values.grow(n);
        if (f.n_pos_inf == 0 && !f.all_neg_inf &&
            round_exp_shifted_row(std::type_identity<dd_ball>{}, z, f.imax, f.rest, &scale, out, at, left)) {
            return;
        }
        values.size = at;
        for (const dd_ball& e : shannon::detail::softmax_row(f, z, &scale)) {
            push(e);
        }
    }
    void set(std::size_t i, const dd_ball& x) {
        if (!left.empty()) {
            std::erase_if(left, [i](const left_ball& e) { return e.first == i; });
        }
        double h = 0;
        if (!decide(x, h)) {
            left.emplace_back(i, x);
        }
        values.data[i] = h;
    }
};

/// A concept: the quantity writes its values to a writer (into(out, args...)) and takes the ball's
/// inputs there.
template <class Quantity, class... Args>
concept ball_writes = (ball_input<Args> && ...) && requires(const Quantity& q, ball_round_writer& w, const Args&... a) {
    q.into(w, lift_ball(a)...);
};

/// The quantity's values written to ball_round_writer w in balls (as evaluate_ball evaluates it):
/// true when it completed with every ball enclosing its value.
template <class Quantity, class... Args>
[[nodiscard]] bool evaluate_ball_into(const Quantity& quantity, ball_round_writer& w, const Args&... args) {
    const numbers::ball_scope scope;
    try {
        quantity.into(w, lift_ball(args)...);
        return !numbers::ball_scope::poisoned();
    } catch (const shannon::cancelled&) {
        throw;
    } catch (const std::exception&) {
        return false;
    }
}

/// A result decided by the ball.
[[nodiscard]] inline rounded ball_decided(double value) {
    rounded out;
    out.fast = true;
    out.ball = true;
    out.value = value;
    return out;
}

/// Ziv's test on a ball from its two ends (decide_ball's general case): the rounded result when both
/// ends round alike, nullopt otherwise (or for NaN, whose conventions the general path owns).
[[nodiscard]] inline std::optional<rounded> decide_ball_ends(const dd_ball& x, format f) {
    if (x.is_nan() || !std::isfinite(x.rad())) {
        return std::nullopt;
    }
    const dd_ball::word lo = lower(x);
    const dd_ball::word hi = upper(x);
    double a = 0;
    double b = 0;
    if (f == format::binary64) {
        a = nearest(lo);
        b = nearest(hi);
    } else {
        a = round_to_format(outward(lo, -1), f);
        b = round_to_format(outward(hi, 1), f);
    }
    if (a == b) {
        return ball_decided(std::signbit(a) == std::signbit(b) ? a : 0.0);  // [-0, +0] gives +0
    }
    return std::nullopt;
}

/// Ziv's test on a ball: the rounded result when every value of the ball rounds alike, nullopt
/// otherwise (or for NaN, whose conventions the general path owns).
[[nodiscard]] inline std::optional<rounded> decide_ball(const dd_ball& x, format f) {
    if (double h = 0; f == format::binary64 && ball_rounds_to(x, h)) {
        return ball_decided(h);
    }
    return decide_ball_ends(x, f);
}

/// A double word's exact value as an MPFR number (670 digits, 2226 bits: any double word).
[[nodiscard]] inline real exactly(const dd_ball::word& w) {
    real r(0, 670);
    mpfr_set_d(r.backend().data(), w.hi, MPFR_RNDN);
    mpfr_add_d(r.backend().data(), r.backend().data(), w.lo, MPFR_RNDN);
    return r;
}

/// The ball's n digits when both ends of its enclosure print alike, nullopt otherwise; exact 0
/// prints as the MPFI path prints it.
[[nodiscard]] inline std::optional<std::string> decide_ball_digits(const dd_ball& x, unsigned n) {
    if (x.is_nan() || !std::isfinite(x.rad()) || !std::isfinite(x.mid().hi)) {
        return std::nullopt;
    }
    if (x.rad() == 0 && x.mid().hi == 0) {
        return decimal(real(0), n);
    }
    const std::string a = decimal(exactly(lower(x)), n);
    const std::string b = decimal(exactly(upper(x)), n);
    if (a == b) {
        return a;
    }
    return std::nullopt;
}

/// The ball of a scalar quantity (one value) at binary inputs; nullopt for other inputs and
/// quantities, or when the ball could not enclose the value.
template <class Quantity, class... Args>
[[nodiscard]] std::optional<dd_ball> scalar_ball(const Quantity& quantity, const Args&... args) {
    if constexpr (!ball_supported<Quantity, Args...>) {
        return std::nullopt;
    } else if constexpr (!std::is_same_v<std::remove_cvref_t<decltype(quantity(lift_ball(args)...))>, dd_ball>) {
        return std::nullopt;
    } else {
        return evaluate_ball(quantity, args...);
    }
}

/// round() in balls: the result when the ball decides it.
template <class Quantity, class... Args>
[[nodiscard]] std::optional<rounded> try_ball(format f, const Quantity& quantity, const Args&... args) {
    const std::optional<dd_ball> r = scalar_ball(quantity, args...);
    return r ? decide_ball(*r, f) : std::nullopt;
}

/// digits() in balls (n <= 20: the ball holds about 24 correct digits).
template <class Quantity, class... Args>
[[nodiscard]] std::optional<std::string> try_ball_digits(unsigned n, const Quantity& quantity, const Args&... args) {
    if (n > 20) {
        return std::nullopt;
    }
    const std::optional<dd_ball> r = scalar_ball(quantity, args...);
    return r ? decide_ball_digits(*r, n) : std::nullopt;
}

}  // namespace detail

}  // namespace shannon::exact

SHANNON_FP_CONTRACT_RESTORE
