// shannon/exact/general.hpp — the oracle's general path: the quantity's own generic code evaluated in MPFI
// intervals at a precision doubled until Ziv's test decides the rounding, for one value or a vector
// of them, and the report of a value the precision cap leaves undetermined.
#pragma once

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <ranges>
#include <type_traits>
#include <utility>
#include <vector>

#include "../detail/fp_contract.hpp"
#include "format.hpp"
#include "lift.hpp"
#include "print.hpp"
#include "settings.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact {

/// An enclosure [lo, hi] of the exact value, computed at `bits` bits of precision (MPFR numbers at
/// that precision; lo and hi are rounded outward).
template <class Quantity, class... Args>
[[nodiscard]] std::pair<real, real> enclose(unsigned bits, const Quantity& quantity, const Args&... args) {
    detail::check_bits("exact::enclose", bits);
    detail::thread_setup();
    const detail::bits_scope scope(bits);
    const interval r = detail::evaluate(bits, quantity, args...);
    return {real(lower(r)), real(upper(r))};
}

namespace detail {


/// Ziv's test on one enclosure computed at `bits`: the rounded result when both ends round alike.
[[nodiscard]] inline std::optional<rounded> decide(const interval& r, format f, unsigned bits) {
    const bits_scope scope(bits);
    const real lo(lower(r));
    const real hi(upper(r));
    const double a = round_to(lo, f);
    const double b = round_to(hi, f);
    if (std::isnan(a) || std::isnan(b)) {
        // A NaN end: the quantity is undefined here (e.g. softmax of all -inf, 0/0).
        return rounded{std::numeric_limits<double>::quiet_NaN(), true, 0, bits};
    }
    if (a == b && std::signbit(a) == std::signbit(b)) {
        return rounded{a, true, 0, bits};
    }
    if (a == b) {
        return rounded{0.0, true, 0, bits};  // [-0, +0]: the value is 0 (a point enclosure of 0)
    }
    return std::nullopt;
}

/// The report when the precision cap is reached, marked undetermined, with the bound |value| <=
/// 2^bound_log2: the rounding (to even) of the tie point between two neighbouring floats when the
/// enclosure still holds one — the usual reason a value cannot be decided is that it is exactly such a
/// tie (a rational quantity such as 2 (x - y) / N), and then this is its correct rounding — else the
/// rounding of the enclosure's midpoint.
[[nodiscard]] inline rounded undetermined(const interval& r, format f, unsigned bits) {
    const bits_scope scope(bits);
    const real lo(lower(r));
    const real hi(upper(r));
    rounded out;
    out.value = round_to(real((lo + hi) / 2), f);
    const double a = round_to(lo, f);
    const double b = round_to(hi, f);
    if (a != b && std::isfinite(a) && std::isfinite(b)) {
        const real tie = real((real(a) + real(b)) / 2);
        if (lo <= tie && tie <= hi) {
            out.value = round_to(tie, f);
        }
    }
    out.determined = false;
    out.below = std::min(a, b);
    out.above = std::max(a, b);
    const real m = abs(lo) > abs(hi) ? real(abs(lo)) : real(abs(hi));
    const real w = real(hi - lo);
    const auto log2_of = [](const real& x) {
        if (!mpfr_number_p(x.backend().data())) {
            return std::numeric_limits<long>::max();
        }
        return mpfr_zero_p(x.backend().data()) ? 0L : static_cast<long>(mpfr_get_exp(x.backend().data()));
    };
    out.bound_log2 = log2_of(m);
    out.width_log2 = log2_of(w);
    out.bits = bits;
    return out;
}

/// n correct digits from one enclosure, when both ends print alike.
[[nodiscard]] inline std::optional<std::string> decide_digits(const interval& r, unsigned n, unsigned bits) {
    const bits_scope scope(bits);
    const std::string a = decimal(real(lower(r)), n);
    const std::string b = decimal(real(upper(r)), n);
    if (a == b) {
        return a;
    }
    if (lower(r) == 0 && upper(r) == 0) {
        return decimal(real(0), n);
    }
    return std::nullopt;
}

[[nodiscard]] inline std::string undetermined_digits(const interval& r, unsigned n, unsigned bits) {
    const bits_scope scope(bits);
    return "undetermined: [" + decimal(real(lower(r)), n) + ", " + decimal(real(upper(r)), n) + "]";
}

/// (candidate - exact) / ulp(exact) in the format, the exact value taken as the midpoint of a
/// 256-bit enclosure.
[[nodiscard]] inline double ulp_error_of(double candidate, const interval& r, format f) {
    const real exact_mid = real((real(lower(r)) + real(upper(r))) / 2);
    if (std::isnan(candidate) || mpfr_nan_p(exact_mid.backend().data())) {
        return std::isnan(candidate) && mpfr_nan_p(exact_mid.backend().data()) ? 0.0
                                                                              : std::numeric_limits<double>::infinity();
    }
    if (std::isinf(candidate) || mpfr_inf_p(exact_mid.backend().data())) {
        return candidate == static_cast<double>(exact_mid) ? 0.0 : std::numeric_limits<double>::infinity();
    }
    const format_traits t = traits(f);
    long e = t.emin;
    if (!mpfr_zero_p(exact_mid.backend().data())) {
        e = std::max<long>(mpfr_get_exp(exact_mid.backend().data()) - 1, t.emin);
    }
    const real ulp = ldexp(real(1), static_cast<int>(e - t.precision + 1));
    return static_cast<double>(real((real(candidate) - exact_mid) / ulp));
}

/// The values of a vector-valued quantity (an unreduced loss, an elementwise function) at `bits`.
template <class Quantity, class... Args>
[[nodiscard]] std::vector<interval> evaluate_each(unsigned bits, const Quantity& quantity, const Args&... args) {
    shannon::detail::poll_stop();
    const bits_scope scope(bits);
    const auto values = quantity(lift(args)...);
    std::vector<interval> out;
    out.reserve(std::ranges::size(values));
    for (const auto& v : values) {
        out.emplace_back(v);
    }
    return out;
}

/// A flat input of numbers an elementwise quantity reads element by element (a span of doubles).
template <class A>
concept flat_numbers = std::ranges::contiguous_range<A> && std::ranges::sized_range<A> &&
                       std::is_floating_point_v<std::ranges::range_value_t<A>>;

/// A quantity whose i-th value depends only on the i-th elements of its flat inputs (it says so with
/// `static constexpr bool elementwise = true`): its undecided elements can be evaluated again alone,
/// rather than with the whole vector.
template <class Quantity, class... Args>
concept elementwise_quantity = requires { requires Quantity::elementwise; } && (flat_numbers<Args> && ...);

/// A function of flat inputs marked elementwise (see elementwise_quantity): elementwise_fn{f}.
template <class F>
struct elementwise_fn {
    F f;  ///< the function, value i of which reads the inputs' elements i only
    static constexpr bool elementwise = true;
    template <class... A>
    auto operator()(const A&... a) const -> decltype(f(a...)) {
        return f(a...);
    }
};
template <class F>
elementwise_fn(F) -> elementwise_fn<F>;

/// The elements of a flat input at `which`.
template <class A>
[[nodiscard]] std::vector<std::ranges::range_value_t<A>> gather(const A& a, const std::vector<std::size_t>& which) {
    std::vector<std::ranges::range_value_t<A>> out;
    out.reserve(which.size());
    for (const std::size_t i : which) {
        out.push_back(std::ranges::data(a)[i]);
    }
    return out;
}

/// Ziv's loop over every element of a vector-valued quantity: the whole vector is evaluated again at
/// twice the precision while some element is undecided (rare: a value on a rounding boundary) — or,
/// for an elementwise quantity, only the undecided elements.
template <class Out, class Decide, class Give_up, class Quantity, class... Args>
[[nodiscard]] std::vector<Out> each(unsigned bits, unsigned cap, const Decide& decide_one, const Give_up& give_up,
                                    const Quantity& quantity, const Args&... args) {
    std::vector<std::optional<Out>> done;
    std::vector<std::size_t> open;  // an elementwise quantity's undecided elements
    for (bool first = true;; bits *= 2, first = false) {
        std::vector<interval> r;
        if constexpr (elementwise_quantity<Quantity, Args...>) {
            if (!first) {
                const std::vector<interval> some = evaluate_each(bits, quantity, gather(args, open)...);
                r.resize(done.size());
                for (std::size_t k = 0; k < open.size(); ++k) {
                    r[open[k]] = some[k];
                }
            }
        }
        if (r.empty()) {
            r = evaluate_each(bits, quantity, args...);
        }
        done.resize(r.size());
        bool all = true;
        open.clear();
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (!done[i]) {
                done[i] = decide_one(r[i], bits);
                if (!done[i] && bits * 2 > cap) {
                    done[i] = give_up(r[i], bits);
                }
                all = all && done[i].has_value();
                if (!done[i]) {
                    open.push_back(i);
                }
            }
        }
        if (all) {
            std::vector<Out> out;
            out.reserve(done.size());
            for (auto& d : done) {
                out.push_back(std::move(*d));
            }
            return out;
        }
    }
}


}  // namespace detail

}  // namespace shannon::exact

SHANNON_FP_CONTRACT_RESTORE
