// shannon/core/math.hpp — the elementary functions the measures and losses are built from.
//
// Each function here is one generic formula that serves float, double, long double, the
// Boost.Multiprecision types and MPFI intervals. Public functions take T, evaluate in working_t<T>
// (see number_traits.hpp) and round once. The detail:: kernels work in whatever type they are given
// and are what the measures and losses compose.
//
// Forms are chosen so that no result suffers cancellation or spurious overflow:
//   softplus(x)     = x + log1p(e^-x)              for x > 0,  log1p(e^x) otherwise
//   log_sigmoid(x)  = -softplus(-x)
//   sigmoid(x)      = 1 / (1 + e^-x)               for x >= 0, e^x / (1 + e^x) otherwise
//   log1mexp(a)     = log(-expm1(-a))              for a <= ln 2, log1p(-e^-a) otherwise (Maechler)
//   logsumexp(z)    = m + log1p(sum_{j != i*} e^(z_j - m)),  m = z_{i*} = max z
//   xlogy(x, y)     = x log y with 0 log y = 0 (also for y = 0)
// The branches only select between algebraically identical forms, so for intervals they are taken
// on the midpoint (detail::representative) and the enclosure stays valid.
#pragma once

#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <cstddef>
#include <iterator>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../numbers/ball.hpp"
#include "../detail/stop.hpp"
#include "../numbers/double_word.hpp"
#include "elementary.hpp"
#include "error.hpp"
#include "../numbers/traits.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon {
namespace detail {

template <class W>
inline constexpr bool is_double_word_v = false;
template <class F>
inline constexpr bool is_double_word_v<double_word<F>> = true;

/// The working types whose elementary functions poll the stop flag (detail/stop.hpp): not the
/// built-in types' constexpr kernels (float's double, the double words), which take nanoseconds.
template <class W>
inline constexpr bool polls_stop = !std::is_floating_point_v<W> && !is_double_word_v<W>;

/// Polls the stop flag (detail/stop.hpp) in a computation in W: never at compile time, never for the
/// built-in types' kernels.
template <class W>
constexpr void poll_stop_in() {
    if constexpr (polls_stop<W>) {
        if (!std::is_constant_evaluated()) {
            poll_stop();
        }
    }
}

/// Polls the stop flag at every 1024th element i of an input a computation in W reads: copying a
/// large batch into MPFI intervals takes seconds before the first log or exp.
template <class W>
constexpr void poll_stop_at(std::size_t i) {
    if (i % 1024 == 0) {
        poll_stop_in<W>();
    }
}

// The elementary functions of a working type: shannon's constexpr kernels for the built-in types
// (and, through ADL, for double_word), the type's own functions (found by ADL) otherwise.
#define SHANNON_DETAIL_ELEMENTARY(fn)                                                                  \
    template <class W>                                                                                 \
    [[nodiscard]] constexpr W fn##_(const W& x) {                                                      \
        if constexpr (std::is_floating_point_v<W>) {                                                   \
            return correctly_rounded::fn(x);                                                                          \
        } else {                                                                                       \
            poll_stop_in<W>(); /* a long interval or multiprecision computation can be stopped here */ \
            using std::fn;                                                                             \
            return fn(x);                                                                              \
        }                                                                                              \
    }
SHANNON_DETAIL_ELEMENTARY(log)
SHANNON_DETAIL_ELEMENTARY(log1p)
SHANNON_DETAIL_ELEMENTARY(exp)
SHANNON_DETAIL_ELEMENTARY(expm1)
#undef SHANNON_DETAIL_ELEMENTARY
template <class W>
[[nodiscard]] constexpr W abs_(const W& x) {
    if constexpr (std::is_floating_point_v<W>) {
        return x < 0 ? -x : x;
    } else {
        using std::abs;
        return abs(x);
    }
}

/// pi at W's precision: from the double-word constant for built-in and double-word types, as the
/// type's own acos(-1) otherwise (Boost.Multiprecision's: MPFR's and MPFI's correctly rounded or
/// enclosing acos, cpp_bin_float's pi constant), found by argument-dependent lookup so that no
/// Boost header is needed here.
template <class W>
[[nodiscard]] constexpr W pi() {
    if constexpr (std::is_floating_point_v<W>) {
        return double_word_arith::pi<W>.value();
    } else if constexpr (requires { double_word_arith::pi<decltype(W{}.hi)>; }) {
        return double_word_arith::pi<decltype(W{}.hi)>;
    } else if constexpr (requires { W::pi(); }) {
        return W::pi();  // an enclosure computed by the type (dyadic_interval)
    } else {
        using std::acos;
        return W(acos(W(-1)));
    }
}

/// ln 2 and ln 10 at W's own precision (an enclosure for intervals), never via a double constant.
template <class W>
[[nodiscard]] constexpr W ln2() {
    return log_(W(2));
}
template <class W>
[[nodiscard]] constexpr W ln10() {
    return log_(W(10));
}

/// x * f where a factor x that is exactly zero gives 0 whatever f is (0 * inf = 0 here). For an
/// interval x that touches 0 the product {x * f} over x in [0, a] is the hull of 0 and a * f.
template <class W>
[[nodiscard]] constexpr W times_or_zero(const W& x, const W& f) {
    if (is_exact_zero(x)) {
        return W(0);
    }
    if constexpr (is_interval_v<W>) {
        if (lower(x) == 0) {
            const W a = W(upper(x));
            const W af = a * f;
            return hull(W(0), af);
        }
    }
    return x * f;
}

/// x log y with 0 log y = 0 (including y = 0); x log 0 = -inf for x > 0.
template <class W>
[[nodiscard]] constexpr W xlogy(const W& x, const W& y) {
    if (is_exact_zero(x)) {
        return W(0);
    }
    return times_or_zero(x, log_(y));
}

/// x log1p(y) with 0 log1p(y) = 0.
template <class W>
[[nodiscard]] constexpr W xlog1py(const W& x, const W& y) {
    if (is_exact_zero(x)) {
        return W(0);
    }
    return times_or_zero(x, log1p_(y));
}

/// log1p(e^-|x|), the term softplus(x) and softplus(-x) share, and whether x > 0 (the one branch
/// both take): softplus(x) = max(x, 0) + log1p(e^-|x|).
template <class W>
struct softplus_tail {
    W l;
    bool positive;
};

template <class W>
[[nodiscard]] constexpr softplus_tail<W> softplus_split(const W& x) {
    if (representative(x) > 0) {
        return {log1p_(exp_(W(-x))), true};
    }
    return {log1p_(exp_(x)), false};
}

template <class W>
[[nodiscard]] constexpr W softplus(const W& x) {
    const softplus_tail<W> t = softplus_split(x);
    return t.positive ? W(x + t.l) : t.l;
}

/// softplus(x) and softplus(-x), the same values as two calls, from one exponential and one log1p.
template <class W>
struct softplus_pair {
    W at_x;        ///< softplus(x)
    W at_minus_x;  ///< softplus(-x)
};

template <class W>
[[nodiscard]] constexpr softplus_pair<W> softplus_both(const W& x) {
    const softplus_tail<W> t = softplus_split(x);
    if (t.positive) {
        return {W(x + t.l), t.l};
    }
    return {t.l, W(W(-x) + t.l)};
}

template <class W>
[[nodiscard]] constexpr W log_sigmoid(const W& x) {
    return -softplus(W(-x));
}

template <class W>
[[nodiscard]] constexpr W sigmoid(const W& x) {
    if (representative(x) >= 0) {
        const W e = exp_(W(-x));
        return W(1) / (W(1) + e);
    }
    const W e = exp_(x);
    return e / (W(1) + e);
}

template <class W>
[[nodiscard]] constexpr W log1mexp(const W& a) {
    if (representative(a) <= representative(ln2<W>())) {
        return log_(W(-expm1_(W(-a))));
    }
    return log1p_(W(-exp_(W(-a))));
}

/// 1 - e^-a for a >= 0, given e = e^-a (a probability's complement from its -log, which a() gives
/// when needed): 1 - e where e <= 0.36 (a >= 1.02: 1 - e >= 0.64 has no cancellation, relative error
/// within two roundings, for an enclosure as tight, and no second exponential); -expm1(-a) otherwise.
template <class W, class A>
[[nodiscard]] constexpr W one_minus_exp_neg(const W& e, const A& a) {
    if (representative(e) <= 0.36) {
        return W(W(1) - e);
    }
    return W(-expm1_(W(-a())));
}

/// Error-free transformation a + b = s + e (Knuth's TwoSum; no multiplications, so FMA contraction
/// cannot break it). Valid for any binary floating-point type rounding to nearest.
template <class W>
[[nodiscard]] constexpr std::pair<W, W> two_sum(const W& a, const W& b) {
    const W s = a + b;
    const W bb = s - a;
    const W e = (a - (s - bb)) + (b - bb);
    return {s, e};
}

/// Neumaier's compensated running sum of a floating-point type (error about one rounding of the
/// result plus n * eps^2 * sum|x|), with infinities kept aside so that an infinite term gives an
/// infinite sum rather than a NaN from the compensation.
template <class W>
class compensated_sum {
public:
    constexpr void add(const W& x) {
        if (!isfinite_(x)) {
            special_ += x;
            has_special_ = true;
            return;
        }
        const W t = sum_ + x;
        if (abs_(sum_) >= abs_(x)) {
            comp_ += (sum_ - t) + x;
        } else {
            comp_ += (x - t) + sum_;
        }
        sum_ = t;
    }
    [[nodiscard]] constexpr W value() const { return has_special_ ? special_ : W(sum_ + comp_); }

private:
    W sum_ = W(0);
    W comp_ = W(0);
    W special_ = W(0);
    bool has_special_ = false;
};

/// The plain interval sum: an enclosure by construction.
template <class W>
class interval_sum {
public:
    constexpr void add(const W& x) { sum_ += x; }
    [[nodiscard]] constexpr W value() const { return sum_; }

private:
    W sum_ = W(0);
};

/// The running sum of W: W's own where it has one (the ball's: faster than a chain of its
/// additions), the interval sum for intervals, the compensated sum otherwise.
template <class W>
struct running_sum_of {
    using type = std::conditional_t<is_interval_v<W>, interval_sum<W>, compensated_sum<W>>;
};
template <class W>
    requires requires { typename W::running_sum; }
struct running_sum_of<W> {
    using type = typename W::running_sum;
};

/// A running sum of W (running_sum_of<W>), with differences added without losing the subtraction's
/// rounding error.
template <class W>
class accumulator {
public:
    constexpr void add(const W& x) { run_.add(x); }
    /// Adds a - b with the rounding error of the subtraction kept.
    constexpr void add_difference(const W& a, const W& b) {
        if constexpr (is_interval_v<W>) {
            run_.add(W(a - b));
        } else {
            const auto [s, e] = two_sum(a, W(-b));
            run_.add(s);
            run_.add(e);
        }
    }
    [[nodiscard]] constexpr W value() const { return run_.value(); }

private:
    typename running_sum_of<W>::type run_{};
};

/// A row the row functions below read: a std::vector<W>, or a random-access view whose elements are
/// W (the ball path reads its rows of binary64 logits in place, each element a ball formed on reading).
template <class Z>
concept row_of_numbers = std::ranges::random_access_range<const Z> && std::ranges::sized_range<const Z>;

/// The number type of a row.
template <class Z>
using row_value_t = std::remove_cvref_t<std::ranges::range_value_t<const Z>>;

/// The index of the largest entry, chosen on the selection key (any choice is an identity for the
/// formulas below; the largest keeps every exponent <= 0).
template <row_of_numbers Z>
[[nodiscard]] constexpr std::size_t argmax(const Z& z) {
    // A number type's own loop where it applies (the ball's, over binary64 values read in place),
    // found through the tag as sum_exp_rest is: the same index.
    if constexpr (requires { argmax_points(std::type_identity<row_value_t<Z>>{}, z); }) {
        if (!std::is_constant_evaluated()) {
            if (const auto i = argmax_points(std::type_identity<row_value_t<Z>>{}, z)) {
                return *i;
            }
        }
    }
    std::size_t imax = 0;
    const std::size_t n = std::ranges::size(z);
    for (std::size_t i = 1; i < n; ++i) {
        if (representative(z[i]) > representative(z[imax])) {
            imax = i;
        }
    }
    return imax;
}

/// sum_{j != imax} e^(z_j - z_imax) for a finite maximum: the normalizer of softmax relative to its
/// largest term.
template <row_of_numbers Z, class W = row_value_t<Z>>
[[nodiscard]] constexpr W exp_rest(const Z& z, std::size_t imax) {
    // A number type's own kernel for the whole sum (the ball's vector loop), where it applies: found
    // by argument-dependent lookup through the tag, whose template argument makes W's hidden friends
    // visible whatever the row's type.
    if constexpr (requires { sum_exp_rest(std::type_identity<W>{}, z, imax); }) {
        if (!std::is_constant_evaluated()) {
            if (const auto s = sum_exp_rest(std::type_identity<W>{}, z, imax)) {
                return *s;
            }
        }
    }
    const W m = z[imax];
    accumulator<W> rest;
    const std::size_t n = std::ranges::size(z);
    for (std::size_t i = 0; i < n; ++i) {
        if (i != imax) {
            rest.add(exp_(W(z[i] - m)));
        }
    }
    return rest.value();
}

/// exp_rest(rows[which[i]], imax[i]) for every i: a number type's own loop over many rows at once
/// where it applies (the ball's: short rows several to a vector), found through the tag as
/// sum_exp_rest is; otherwise row by row.
template <class Rows, class W = row_value_t<std::ranges::range_value_t<const Rows>>>
[[nodiscard]] std::vector<W> exp_rest_rows(const Rows& rows, std::span<const std::size_t> which,
                                           std::span<const std::size_t> imax) {
    if constexpr (requires { sum_exp_rest_rows(std::type_identity<W>{}, rows, which, imax); }) {
        if (auto s = sum_exp_rest_rows(std::type_identity<W>{}, rows, which, imax)) {
            return std::move(*s);
        }
    }
    std::vector<W> out;
    out.reserve(which.size());
    for (std::size_t i = 0; i < which.size(); ++i) {
        out.push_back(exp_rest(rows[which[i]], imax[i]));
    }
    return out;
}

/// f(0, n, 0), or f(0, h, 0) and f(h, n, 1) on two threads where the number type W allows it and
/// the work (a count of elementary terms) is worth a second thread: W's own split_work, found
/// through the tag (the ball's: its operations keep no per-thread state, where MPFR's precision
/// does). f's two calls must write to separate state (parts 0 and 1).
template <class W, class F>
void in_halves(std::size_t n, std::size_t work, const F& f) {
    if constexpr (requires { split_work(std::type_identity<W>{}, n, work, f); }) {
        split_work(std::type_identity<W>{}, n, work, f);
    } else {
        f(std::size_t{0}, n, std::size_t{0});
    }
}

/// log1p(sum_{j != imax} e^(z_j - z_imax)) for a finite maximum: the shared core of logsumexp and
/// log-softmax.
template <row_of_numbers Z, class W = row_value_t<Z>>
[[nodiscard]] constexpr W log1p_rest(const Z& z, std::size_t imax) {
    return log1p_(exp_rest(z, imax));
}

/// sum_n log1p(s_n) for s_n >= 0 (the log-normalizers of a batch of rows): where a number type has its
/// own loop (the ball's: one logarithm of the product of the 1 + s_n), found through the tag;
/// otherwise one log1p each.
template <class W>
[[nodiscard]] constexpr W sum_log1p(const std::vector<W>& s) {
    if constexpr (requires { log_of_product_1p(std::type_identity<W>{}, s); }) {
        if (!std::is_constant_evaluated()) {
            if (const auto r = log_of_product_1p(std::type_identity<W>{}, s)) {
                return *r;
            }
        }
    }
    accumulator<W> acc;
    for (const W& x : s) {
        acc.add(log1p_(x));
    }
    return acc.value();
}

/// logsumexp over a contiguous vector in W. Empty input is the caller's error to report.
template <class W>
[[nodiscard]] constexpr W logsumexp(const std::vector<W>& z) {
    const std::size_t imax = argmax(z);
    const W& m = z[imax];
    if (is_neg_inf(upper_of(m))) {
        return m;  // every entry is -inf: the sum of zeros, log 0
    }
    if (is_pos_inf(lower_of(m))) {
        return m;
    }
    return m + log1p_rest(z, imax);
}

/// What -log softmax(z)_k needs for any k: the maximum's index, the number of +inf logits, and
/// log1p(S) of the rest (computed once per row).
template <class W>
struct softmax_frame {
    /// The index of the largest logit.
    std::size_t imax = 0;
    /// How many logits are +inf (they share the mass equally).
    std::size_t n_pos_inf = 0;
    /// Every logit is -inf (softmax is 0/0).
    bool all_neg_inf = false;
    /// log1p(sum_{j != imax} e^(z_j - z_imax)) when neither of the above.
    W rest = W(0);
};

template <row_of_numbers Z, class W = row_value_t<Z>>
[[nodiscard]] constexpr softmax_frame<W> make_softmax_frame(const Z& z) {
    softmax_frame<W> f;
    f.imax = argmax(z);
    // A logit whose lower end is +inf has the key +inf (a key lies within the enclosure), and then so
    // has the maximum's: only then can there be any to count.
    if (is_pos_inf(representative(z[f.imax]))) {
        for (const W& zi : z) {
            f.n_pos_inf += is_pos_inf(lower_of(zi)) ? 1 : 0;
        }
    }
    if (f.n_pos_inf == 0) {
        f.all_neg_inf = is_neg_inf(upper_of(z[f.imax]));
        if (!f.all_neg_inf) {
            f.rest = log1p_rest(z, f.imax);
        }
    }
    return f;
}

/// -log softmax(z)_k as (m - z_k) + log1p(S): a sum of two non-negative terms, so no cancellation even
/// when z_k is the maximum. +inf logits share the mass equally; all -inf is NaN (0/0).
template <row_of_numbers Z, class W = row_value_t<Z>>
[[nodiscard]] constexpr W neg_log_softmax_element(const softmax_frame<W>& f, const Z& z, std::size_t k) {
    if (f.n_pos_inf > 0) {
        return is_pos_inf(lower_of(z[k])) ? log_(W(static_cast<double>(f.n_pos_inf))) : pos_infinity<W>();
    }
    if (f.all_neg_inf) {
        return quiet_nan<W>();  // softmax is undefined: report it as NaN rather than invent a value
    }
    return k == f.imax ? f.rest : W(W(z[f.imax] - z[k]) + f.rest);
}

/// Binary64 weights w_k (empty: all 1) as the terms of sum_neg_log_softmax: term(k, x) = w_k x, the
/// form a number type's kernel can take whole (sum_weighted_gaps).
struct binary64_weights {
    std::span<const double> w;
    template <class W>
    [[nodiscard]] constexpr W operator()(std::size_t k, const W& x) const {
        return w.empty() ? x : W(W(w[k]) * x);
    }
};

/// sum_k w_k (z_imax - z_k) for binary64 weights w (empty: all 1) and the index of a finite maximum:
/// a number type's own kernel where it has one (the ball's sum_weighted_gaps, found through the tag
/// as sum_exp_rest is), otherwise term by term.
template <row_of_numbers Z, class W = row_value_t<Z>>
[[nodiscard]] constexpr W sum_weighted_gaps_of(const Z& z, std::size_t imax, const binary64_weights& w) {
    if constexpr (requires { sum_weighted_gaps(std::type_identity<W>{}, z, imax, w.w); }) {
        if (!std::is_constant_evaluated()) {
            if (const auto g = sum_weighted_gaps(std::type_identity<W>{}, z, imax, w.w)) {
                return *g;
            }
        }
    }
    const W m = z[imax];
    accumulator<W> acc;
    for (std::size_t k = 0; k < std::ranges::size(z); ++k) {
        acc.add(w(k, k == imax ? W(0) : W(m - z[k])));
    }
    return acc.value();
}

/// sum_i sum_weighted_gaps_of(rows[which[i]], imax[i], w): a number type's own loop over many rows
/// at once where it applies (the ball's: a row per vector lane), found through the tag; otherwise
/// row by row.
template <class Rows, class W = row_value_t<std::ranges::range_value_t<const Rows>>>
[[nodiscard]] W sum_weighted_gaps_rows_of(const Rows& rows, std::span<const std::size_t> which,
                                          std::span<const std::size_t> imax, const binary64_weights& w) {
    if constexpr (requires { sum_weighted_gaps_rows(std::type_identity<W>{}, rows, which, imax, w.w); }) {
        if (auto s = sum_weighted_gaps_rows(std::type_identity<W>{}, rows, which, imax, w.w)) {
            return std::move(*s);
        }
    }
    accumulator<W> acc;
    for (std::size_t i = 0; i < which.size(); ++i) {
        acc.add(sum_weighted_gaps_of(rows[which[i]], imax[i], w));
    }
    return acc.value();
}

/// sum_i w_(y[i]) (z_imax[i] - z_y[i]) over the rows z = rows[which[i]] with targets y[i] and the
/// indices of their finite maxima (the target logits' gaps of a batch's cross-entropy; weights
/// empty: all 1): a number type's own loop over many rows at once where it applies (the ball's:
/// exact gaps and products into one running sum), found through the tag; otherwise row by row.
template <class Rows, class W = row_value_t<std::ranges::range_value_t<const Rows>>>
[[nodiscard]] W sum_target_gaps_rows_of(const Rows& rows, std::span<const std::size_t> which, std::span<const std::size_t> imax,
                                        std::span<const std::size_t> y, const binary64_weights& w) {
    if constexpr (requires { sum_target_gaps_rows(std::type_identity<W>{}, rows, which, imax, y, w.w); }) {
        if (auto s = sum_target_gaps_rows(std::type_identity<W>{}, rows, which, imax, y, w.w)) {
            return std::move(*s);
        }
    }
    accumulator<W> acc;
    for (std::size_t i = 0; i < which.size(); ++i) {
        if (y[i] != imax[i]) {
            const auto& z = rows[which[i]];
            acc.add(w(y[i], W(W(z[imax[i]]) - W(z[y[i]]))));
        }
    }
    return acc.value();
}

/// sum_k term(k, -log softmax(z)_k) where term(k, x) = t_k(x) is affine in x with slope coef(k) (as a_k x,
/// or a_k x with a convention for 0 * inf): the dot product of a row of coefficients with -log softmax,
/// the core of every soft-label cross-entropy. With a finite maximum m it is computed as
/// sum_k term(k, m - z_k) + log1p(S) sum_k coef(k): non-negative gaps, one log1p, no row of -log softmax
/// formed. A gap is +inf only where z_k = -inf, and there term sees +inf as it would the element, so the
/// conventions for 0 * inf carry over. Otherwise (+inf logits, all -inf) it sums term(k, element).
/// `coef` is a function of k, or the sum of the coefficients when the caller has it.
template <row_of_numbers Z, class Term, class Coef, class W = row_value_t<Z>>
[[nodiscard]] constexpr W sum_neg_log_softmax(const softmax_frame<W>& f, const Z& z, const Term& term,
                                              const Coef& coef) {
    const std::size_t n = std::ranges::size(z);
    accumulator<W> acc;
    if (f.n_pos_inf > 0 || f.all_neg_inf) {
        for (std::size_t k = 0; k < n; ++k) {
            acc.add(term(k, neg_log_softmax_element(f, z, k)));
        }
        return acc.value();
    }
    // sum_k w_k (m - z_k) whole (sum_weighted_gaps_of) for binary64 weights; otherwise term by term below
    bool whole = false;
    if constexpr (std::is_same_v<Term, binary64_weights>) {
        acc.add(sum_weighted_gaps_of(z, f.imax, term));
        whole = true;
    }
    const W m = z[f.imax];
    accumulator<W> total;
    for (std::size_t k = 0; k < n; ++k) {
        if (!whole) {
            acc.add(term(k, k == f.imax ? W(0) : W(m - z[k])));
        }
        if constexpr (std::is_invocable_v<const Coef&, std::size_t>) {
            total.add(W(coef(k)));
        }
    }
    if constexpr (std::is_invocable_v<const Coef&, std::size_t>) {
        return W(acc.value() + W(f.rest * total.value()));
    } else {
        return W(acc.value() + W(f.rest * coef));
    }
}

/// softmax(z)_k = e^-(-log softmax(z)_k) for every k of a row, from its frame, times `scale` where one
/// is given (a gradient's weight over the divisor, folded into the row's one pass). A number type's
/// own kernel for the whole row where it applies (the ball's vector loop, e^(z_k - m - log1p S) lane
/// by lane, each times the scale), found through the tag as sum_exp_rest is; otherwise one
/// exponential (and one product) per element.
template <row_of_numbers Z, class W = row_value_t<Z>>
[[nodiscard]] constexpr std::vector<W> softmax_row(const softmax_frame<W>& f, const Z& z, const W* scale = nullptr) {
    if constexpr (requires { exp_shifted_row(std::type_identity<W>{}, z, f.imax, f.rest, scale); }) {
        if (!std::is_constant_evaluated() && f.n_pos_inf == 0 && !f.all_neg_inf) {
            if (auto s = exp_shifted_row(std::type_identity<W>{}, z, f.imax, f.rest, scale)) {
                return std::move(*s);
            }
        }
    }
    const std::size_t n = std::ranges::size(z);
    std::vector<W> out;
    out.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
        const W e = exp_(W(-neg_log_softmax_element(f, z, k)));
        out.push_back(scale == nullptr ? e : W(e * *scale));
    }
    return out;
}

/// Where a quantity with one value per element puts its values, in order, so that its formula is
/// written once whatever is done with them: values_writer appends them to a std::vector<W>;
/// exact.hpp's ball_round_writer rounds each to binary64 as it comes (a softmax row decided in the
/// pass that forms it, with no row of balls). push(x); push(n, x): n copies; softmax(f, z, scale):
/// softmax_row(f, z, &scale)'s values; set(i, x): the i-th value replaced; size(); reserve(n).
template <class W>
struct values_writer {
    std::vector<W>& values;
    [[nodiscard]] constexpr std::size_t size() const { return values.size(); }
    constexpr void reserve(std::size_t n) { values.reserve(n); }
    constexpr void push(const W& x) { values.push_back(x); }
    constexpr void push(std::size_t n, const W& x) { values.insert(values.end(), n, x); }
    template <row_of_numbers Z>
    constexpr void softmax(const softmax_frame<W>& f, const Z& z, const W& scale) {
        std::vector<W> s = softmax_row(f, z, &scale);
        if (values.empty()) {
            values = std::move(s);  // the first row: no copy
        } else {
            values.insert(values.end(), s.begin(), s.end());
        }
    }
    constexpr void set(std::size_t i, const W& x) { values[i] = x; }
};

/// 1 - softmax(z)_k given s = softmax(z)_k (one_minus_exp_neg, -log softmax from the frame if needed).
template <row_of_numbers Z, class W = row_value_t<Z>>
[[nodiscard]] constexpr W one_minus_softmax(const softmax_frame<W>& f, const Z& z, std::size_t k, const W& s) {
    return one_minus_exp_neg(s, [&] { return neg_log_softmax_element(f, z, k); });
}

/// -log softmax(z)_k for every k of a row, from its frame (see neg_log_softmax_element), or log
/// softmax(z)_k with `negate` (the same values negated, exactly). A number type's own loop for the
/// whole row where it applies (the ball's: exact gaps z_imax - z_k plus log1p(S) in one pass, the
/// sign flipped there), found through the tag as softmax_row's; otherwise element by element.
template <row_of_numbers Z, class W = row_value_t<Z>>
[[nodiscard]] constexpr std::vector<W> neg_log_softmax_row(const softmax_frame<W>& f, const Z& z, bool negate = false) {
    if constexpr (requires { gaps_plus_row(std::type_identity<W>{}, z, f.imax, f.rest, negate); }) {
        if (!std::is_constant_evaluated() && f.n_pos_inf == 0 && !f.all_neg_inf) {
            if (auto g = gaps_plus_row(std::type_identity<W>{}, z, f.imax, f.rest, negate)) {
                return std::move(*g);
            }
        }
    }
    const std::size_t n = std::ranges::size(z);
    std::vector<W> out;
    out.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
        const W nl = neg_log_softmax_element(f, z, k);
        out.push_back(negate ? W(-nl) : nl);
    }
    return out;
}

/// -log softmax(z)_k for every k (see neg_log_softmax_element).
template <row_of_numbers Z, class W = row_value_t<Z>>
[[nodiscard]] constexpr std::vector<W> neg_log_softmax(const Z& z) {
    return neg_log_softmax_row(make_softmax_frame(z), z);
}

/// log softmax(z)_k for every k of a row: neg_log_softmax's values negated in the same pass.
template <row_of_numbers Z, class W = row_value_t<Z>>
[[nodiscard]] constexpr std::vector<W> log_softmax_row(const Z& z) {
    return neg_log_softmax_row(make_softmax_frame(z), z, true);
}

/// -log softmax(z)_k for one k: the same value as neg_log_softmax(z)[k], without the other C - 1.
template <row_of_numbers Z>
[[nodiscard]] constexpr row_value_t<Z> neg_log_softmax_at(const Z& z, std::size_t k) {
    return neg_log_softmax_element(make_softmax_frame(z), z, k);
}

/// Converts a nats value to the requested unit at W's precision.
template <class W, class Unit>
[[nodiscard]] constexpr W in_unit(const W& nats, Unit base) {
    switch (base) {
        case Unit::bits:
            return nats / ln2<W>();
        case Unit::bans:
            return nats / ln10<W>();
        case Unit::nats:
            break;
    }
    return nats;
}

template <class R>
using range_real_t = real_of<std::remove_cvref_t<std::ranges::range_value_t<R>>>;

/// Reads a range into working precision, passing each element (as its real type) and its index to
/// `check` first; an empty range is an invalid_argument.
template <class W, class R, class Check>
[[nodiscard]] constexpr std::vector<W> collect(R&& r, std::string_view function, std::string_view argument, Check check) {
    std::vector<W> out;
    if constexpr (std::ranges::sized_range<R>) {
        out.reserve(std::ranges::size(r));
    }
    std::size_t i = 0;
    for (auto&& x : r) {
        poll_stop_at<W>(i);
        const auto v = static_cast<real_of<std::remove_cvref_t<decltype(x)>>>(x);
        check(v, i);
        out.push_back(to_working<W>(v));
        ++i;
    }
    if (out.empty()) {
        fail_empty(function, argument);
    }
    return out;
}

/// Reads a range of reals into working precision, rejecting NaN (the one value no quantity accepts).
template <class W, class R>
[[nodiscard]] constexpr std::vector<W> collect_reals(R&& r, std::string_view function, std::string_view argument) {
    return collect<W>(std::forward<R>(r), function, argument, [&](const auto& v, std::size_t i) {
        if (has_nan(v)) {
            fail_at<shannon::domain_error>(function, argument, i, v, "NaN is not a valid input");
        }
    });
}

/// The end of an enclosure (a double word) rounded to nearest in F, or nothing when the double
/// word's rounding to binary64 landed on a binary32 midpoint (the one case where rounding twice errs).
template <std::floating_point F>
[[nodiscard]] constexpr std::optional<F> round_end(const double_word<double>& w) {
    if constexpr (std::is_same_v<F, double>) {
        return w.hi + w.lo;  // one rounding of the exact sum
    } else if constexpr (sizeof(F) > sizeof(double)) {
        return static_cast<F>(w.hi) + static_cast<F>(w.lo);  // likewise, in the wider format
    } else {
        static_assert(std::numeric_limits<F>::digits == 24 && sizeof(F) == 4, "binary32");
        const double d = w.hi + w.lo;
        const auto f = static_cast<F>(d);
        if (static_cast<double>(f) == d || d != d) {  // NOLINT: NaN test
            return f;
        }
        if (f - f != 0) {  // overflow: d at exactly the threshold may be a rounding up of a smaller value
            return d == 0x1.ffffff0p127 || d == -0x1.ffffff0p127 ? std::nullopt : std::optional<F>(f);
        }
        // g: f's neighbour on d's side (the binary32 midpoint between them is a double).
        F g = 0;
        if (f == 0) {
            g = d > 0 ? std::numeric_limits<F>::denorm_min() : -std::numeric_limits<F>::denorm_min();
        } else {
            const auto bits = std::bit_cast<std::uint32_t>(f);
            g = std::bit_cast<F>((d > static_cast<double>(f)) == (f > 0) ? bits + 1U : bits - 1U);
        }
        if (d == (static_cast<double>(f) + static_cast<double>(g)) / 2) {
            return std::nullopt;
        }
        return f;
    }
}

/// formula(args...) correctly rounded to T by the ball, or nothing (see certified_round).
template <std::floating_point T, class Formula, class... A>
[[nodiscard]] std::optional<T> ball_round(Formula formula, const A&... args) {
    const numbers::ball_scope scope;
    const dd_ball b = formula(dd_ball(args)...);
    if (numbers::ball_scope::poisoned()) {
        return std::nullopt;
    }
    if (b.is_nan()) {
        return std::numeric_limits<T>::quiet_NaN();
    }
    const auto lo = round_end<T>(lower(b));
    const auto hi = round_end<T>(upper(b));
    if (lo && hi && *lo == *hi && std::signbit(*lo) == std::signbit(*hi)) {  // -0 and +0: straddles 0
        return lo;
    }
    return std::nullopt;
}

/// formula(args...) correctly rounded to the built-in floating type T, for a formula generic over
/// number types (the same one the other types evaluate in working precision). At run time for
/// float, double and long double of at most 64 bits: the certified double-double ball
/// (ball.hpp), whose two ends must round alike; otherwise, and at compile time, an enclosure in
/// dyadic_interval<256> (dyadic.hpp), likewise. Both give the correct rounding, so a constant
/// expression and a run-time call agree bit for bit. An exact value on a rounding boundary of T is
/// decided by neither: it raises std::runtime_error (none is known for the functions using this).
template <std::floating_point T, class Formula, class... A>
[[nodiscard]] constexpr T certified_round(const char* function, Formula formula, const A&... args) {
    if (!std::is_constant_evaluated() && std::numeric_limits<T>::digits <= 64) {
        if (const auto r = ball_round<T>(formula, args...)) {
            return *r;
        }
    }
    return round_enclosure<T>(function, formula, args...);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public scalar helpers: evaluate in working precision, round once.

#define SHANNON_DETAIL_SCALAR(name)                                                    \
    template <class T>                                                                 \
    [[nodiscard]] constexpr T name(const T& x) {                                                 \
        if (detail::has_nan(x)) {                                                      \
            detail::fail_at<shannon::domain_error>(#name, "x", std::nullopt, x, "NaN"); \
        }                                                                              \
        if constexpr (std::is_floating_point_v<T>) {                                   \
            return detail::certified_round<T>(#name, [](const auto& v) { return detail::name(v); }, x); \
        } else {                                                                       \
            return evaluate_rounded<T>([&] { return detail::name(to_working<working_t<T>>(x)); }); \
        }                                                                              \
    }

/// softplus(x) = log(1 + e^x), exact for x up to +-1e300 and at +-inf. Correctly rounded for float,
/// double and long double (detail::certified_round); < 1 ulp of T otherwise.
SHANNON_DETAIL_SCALAR(softplus)
/// sigmoid(x) = 1 / (1 + e^-x). Correctly rounded for the built-in types; < 1 ulp of T otherwise.
SHANNON_DETAIL_SCALAR(sigmoid)
/// log sigmoid(x) = -softplus(-x). Correctly rounded for the built-in types; < 1 ulp of T otherwise.
SHANNON_DETAIL_SCALAR(log_sigmoid)
#undef SHANNON_DETAIL_SCALAR

/// xlogy(x, y) = x log y, with 0 log y = 0 for every y >= 0 (the 0 log 0 = 0 convention).
/// Requires y >= 0 (domain_error otherwise). Correctly rounded for the built-in types.
template <class T>
[[nodiscard]] constexpr T xlogy(const T& x, const T& y) {
    if (detail::has_nan(x)) {
        detail::fail_at<shannon::domain_error>("xlogy", "x", std::nullopt, x, "NaN");
    }
    if (detail::has_nan(y) || detail::lower_of(y) < 0) {
        detail::fail_at<shannon::domain_error>("xlogy", "y", std::nullopt, y, "log y needs y >= 0");
    }
    if constexpr (std::is_floating_point_v<T>) {
        return detail::certified_round<T>(
            "xlogy", [](const auto& a, const auto& b) { return detail::xlogy(a, b); }, x, y);
    } else {
        using W = working_t<T>;
        return evaluate_rounded<T>([&] { return detail::xlogy(to_working<W>(x), to_working<W>(y)); });
    }
}

/// logsumexp(z) = log sum_i e^(z_i), without overflow; logsumexp{-inf, 3} = 3, all -inf gives -inf,
/// any +inf gives +inf. Empty input is an error. Accuracy: < 1 ulp of T.
struct logsumexp_fn {
    /// logsumexp of a range.
    template <std::ranges::input_range R>
    [[nodiscard]] constexpr auto operator()(R&& z) const -> detail::range_real_t<R> {
        using T = detail::range_real_t<R>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> working_t<T> {
            const std::vector<W> v = detail::collect_reals<W>(std::forward<R>(z), "logsumexp", "z");
            return detail::logsumexp(v);
        });
    }
    /// logsumexp of [first, last).
    template <std::input_iterator I, std::sentinel_for<I> S>
    [[nodiscard]] constexpr auto operator()(I first, S last) const {
        return (*this)(std::ranges::subrange(std::move(first), std::move(last)));
    }
};
inline constexpr logsumexp_fn logsumexp{};

/// log softmax(z)_k = z_k - logsumexp(z), for every k. An all -inf input gives NaN (0/0).
struct log_softmax_fn {
    /// log softmax of a range: one value per element.
    template <std::ranges::input_range R>
    [[nodiscard]] constexpr auto operator()(R&& z) const -> std::vector<detail::range_real_t<R>> {
        using T = detail::range_real_t<R>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&] {
            const std::vector<W> v = detail::collect_reals<W>(std::forward<R>(z), "log_softmax", "z");
            return detail::log_softmax_row(v);
        });
    }
};
inline constexpr log_softmax_fn log_softmax{};

/// softmax(z)_k = e^(z_k - logsumexp(z)); the components sum to 1 within the rounding of each.
struct softmax_fn {
    /// softmax of a range: one value per element.
    template <std::ranges::input_range R>
    [[nodiscard]] constexpr auto operator()(R&& z) const -> std::vector<detail::range_real_t<R>> {
        using T = detail::range_real_t<R>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&] {
            const std::vector<W> v = detail::collect_reals<W>(std::forward<R>(z), "softmax", "z");
            return detail::softmax_row(detail::make_softmax_frame(v), v);
        });
    }
};
inline constexpr softmax_fn softmax{};

}  // namespace shannon

SHANNON_FP_CONTRACT_RESTORE
