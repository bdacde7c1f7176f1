// shannon/exact/fast_calls.hpp — which quantities the double-double and fixed-point kernels compute
// (exact/fast.hpp, exact/fixed.hpp), the inputs they take, and Ziv's test on their enclosures.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <ranges>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <mpfr.h>

#include "../core/measures.hpp"
#include "../detail/fp_contract.hpp"
#include "fast.hpp"
#include "fixed.hpp"
#include "format.hpp"
#include "lift.hpp"
#include "print.hpp"
#include "settings.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact {

namespace detail {

/// The kernel of a sum a quantity declares (quantity_info::sum).
[[nodiscard]] constexpr fast::kind kernel_of(kernel_sum s) {
    switch (s) {
        case kernel_sum::cross_entropy: return fast::kind::cross_entropy;
        case kernel_sum::kl_divergence: return fast::kind::kl;
        case kernel_sum::generalized_kl_divergence: return fast::kind::generalized_kl;
        case kernel_sum::entropy:
        case kernel_sum::none: break;
    }
    return fast::kind::entropy;
}

/// Which of the fast path's sums (exact/fast.hpp) computes the quantity Q, if one does: the sum its
/// quantity_info declares (a lambda or a quantity without one takes the other paths).
template <class Q>
struct fast_kind_of {
    static constexpr bool supported = false;
};
template <class Q>
    requires requires { Q::info.sum; } && (Q::info.sum != kernel_sum::none)
struct fast_kind_of<Q> {
    static constexpr bool supported = true;
    static constexpr fast::kind value = kernel_of(Q::info.sum);
    /// The quantity is exp of the sum in nats (perplexity), whatever the unit.
    static constexpr bool exp_of_sum = Q::info.exp_of_sum;
};

template <class R>
concept fast_range = std::ranges::contiguous_range<const R> && std::ranges::sized_range<const R> &&
                     (std::is_same_v<std::ranges::range_value_t<R>, double> ||
                      std::is_same_v<std::ranges::range_value_t<R>, float>);

/// Accumulates p[0..n) (and q) into one mergeable state of type Acc (fast:: or fixed::accumulator),
/// split into equal parts over the cores when n >= from (from = 0: never).
template <class Acc, class T>
[[nodiscard]] Acc accumulate(std::size_t from, const T* p, const T* q, std::size_t n) {
    const unsigned hw = std::max(1U, std::thread::hardware_concurrency());
    const std::size_t parts = (from == 0 || n < from) ? 1 : std::min<std::size_t>(hw, 16);
    std::vector<Acc> acc(parts);
    const auto body = [&](std::size_t j) {
        const std::size_t a = n * j / parts;
        const std::size_t b = n * (j + 1) / parts;
        acc[j].add(p + a, q == nullptr ? nullptr : q + a, b - a);
    };
    std::vector<std::thread> workers;
    for (std::size_t j = 1; j < parts; ++j) {
        workers.emplace_back(body, j);
    }
    body(0);
    for (std::thread& w : workers) {
        w.join();
    }
    for (std::size_t j = 1; j < parts; ++j) {
        acc[0].merge(acc[j]);
    }
    return std::move(acc[0]);
}

template <fast::kind K, class T>
[[nodiscard]] fast::accumulator<K> fast_accumulate(const settings& s, const T* p, const T* q, std::size_t n) {
    return accumulate<fast::accumulator<K>>(s.parallel_from, p, q, n);
}

/// The normalization check of the core, decided on the naive binary64 sum when its error bound
/// leaves no doubt: true = within sum_tolerance; false = outside or too close to tell (the general
/// path then decides, and reports).
[[nodiscard]] inline bool clearly_normalized(double sum, std::size_t n, double tolerance) {
    const double bound = (static_cast<double>(n) + 2) * 0x1p-52 * sum;
    return std::abs(sum - 1) + bound < tolerance;
}

/// Divides [lo, hi] by log(base) (bits: log 2, bans: log 10), rounding outward.
inline void in_unit(mpfr_t lo, mpfr_t hi, unit base) {
    if (base == unit::nats) {
        return;
    }
    const mpfr_prec_t prec = std::max(mpfr_get_prec(lo), mpfr_get_prec(hi));
    mpfi_t x;
    mpfi_t l;
    mpfi_init2(x, prec);
    mpfi_init2(l, prec);
    mpfi_interv_fr(x, lo, hi);
    if (base == unit::bits) {
        mpfi_const_log2(l);
    } else {
        mpfi_set_ui(l, 10);
        mpfi_log(l, l);
    }
    mpfi_div(x, x, l);
    mpfi_get_left(lo, x);
    mpfi_get_right(hi, x);
    mpfi_clear(l);
    mpfi_clear(x);
}

/// [lo, hi] in the unit asked for, or exp of it (nats) for a quantity that is the sum's exponential;
/// outward rounding either way.
template <class Quantity>
void finish_enclosure(mpfr_t lo, mpfr_t hi, unit base) {
    if constexpr (fast_kind_of<Quantity>::exp_of_sum) {
        mpfr_exp(lo, lo, MPFR_RNDD);
        mpfr_exp(hi, hi, MPFR_RNDU);
    } else {
        in_unit(lo, hi, base);
    }
}

/// The fast path's enclosure [V - E, V + E] (+ the exact mass sum p - sum q for KL), in the unit
/// asked for or its exp, into lo and hi (initialized by the caller, 256 bits), rounded outward.
template <class Quantity, fast::kind K>
void fast_enclosure(const fast::accumulator<K>& acc, unit base, mpfr_t lo, mpfr_t hi,
                    const fast::exact_sum* exact_mass = nullptr) {
    const fast::dd v = acc.value();
    const double e = acc.error_bound();
    mpfr_t mass;
    mpfr_init2(mass, 256);
    mpfr_set_d(lo, v.hi, MPFR_RNDN);  // exact
    mpfr_set_d(hi, v.hi, MPFR_RNDN);
    mpfr_add_d(lo, lo, v.lo, MPFR_RNDD);
    mpfr_add_d(hi, hi, v.lo, MPFR_RNDU);
    mpfr_sub_d(lo, lo, e, MPFR_RNDD);
    mpfr_add_d(hi, hi, e, MPFR_RNDU);
    if constexpr (K == fast::kind::kl) {
        if (exact_mass != nullptr) {
            exact_mass->get(mass, MPFR_RNDD);
            mpfr_add(lo, lo, mass, MPFR_RNDD);
            exact_mass->get(mass, MPFR_RNDU);
            mpfr_add(hi, hi, mass, MPFR_RNDU);
        } else {
            const fast::dd m = acc.mass();
            const double me = acc.mass_error_bound();
            mpfr_add_d(lo, lo, m.hi, MPFR_RNDD);
            mpfr_add_d(lo, lo, m.lo, MPFR_RNDD);
            mpfr_sub_d(lo, lo, me, MPFR_RNDD);
            mpfr_add_d(hi, hi, m.hi, MPFR_RNDU);
            mpfr_add_d(hi, hi, m.lo, MPFR_RNDU);
            mpfr_add_d(hi, hi, me, MPFR_RNDU);
        }
    }
    mpfr_clear(mass);
    finish_enclosure<Quantity>(lo, hi, base);
}

/// Ziv's test on the fast path's enclosure: the rounded result when both ends of
/// [V - E, V + E] (+ the exact mass sum p - sum q for KL, / log(base), or its exp) round alike.
template <class Quantity, fast::kind K>
[[nodiscard]] std::optional<rounded> fast_decide(const fast::accumulator<K>& acc, format f, unit base,
                                                 const fast::exact_sum* exact_mass = nullptr) {
    if (acc.infinite()) {
        return rounded{std::numeric_limits<double>::infinity(), true, 0, 0, true};
    }
    mpfr_t lo;
    mpfr_t hi;
    mpfr_inits2(256, lo, hi, static_cast<mpfr_ptr>(nullptr));
    fast_enclosure<Quantity>(acc, base, lo, hi, exact_mass);
    const double a = round_to(lo, f);
    const double b = round_to(hi, f);
    mpfr_clears(lo, hi, static_cast<mpfr_ptr>(nullptr));
    if (a == b && std::signbit(a) == std::signbit(b)) {
        return rounded{a, true, 0, 0, true};
    }
    if (a == b) {
        return rounded{0.0, true, 0, 0, true};  // [-0, +0]
    }
    return std::nullopt;
}

/// Calls on(kind constant, p, q, n, options) when quantity(args...) is entropy(p[, opt]) or
/// cross_entropy / kl_divergence / generalized_kl_divergence(p, q[, opt]) on contiguous binary64 or
/// binary32 ranges of one type and equal non-zero length without normalization::normalize (q is null
/// for the entropy); otherwise nullopt (the general path then runs).
template <class Quantity, class R, class On, class... Args>
[[nodiscard]] std::optional<R> with_fast_inputs(const On& on, const Args&... args) {
    if constexpr (!fast_kind_of<Quantity>::supported) {
        return std::nullopt;
    } else {
        constexpr fast::kind K = fast_kind_of<Quantity>::value;
        constexpr std::size_t ranges = K == fast::kind::entropy ? 1 : 2;
        const auto tuple = std::forward_as_tuple(args...);
        using Tuple = std::tuple<std::remove_cvref_t<Args>...>;
        if constexpr (sizeof...(Args) < ranges || sizeof...(Args) > ranges + 1) {
            return std::nullopt;
        } else if constexpr (!fast_range<std::tuple_element_t<0, Tuple>> ||
                             !fast_range<std::tuple_element_t<ranges - 1, Tuple>>) {
            return std::nullopt;
        } else if constexpr (!std::is_same_v<std::ranges::range_value_t<std::tuple_element_t<0, Tuple>>,
                                             std::ranges::range_value_t<std::tuple_element_t<ranges - 1, Tuple>>>) {
            return std::nullopt;
        } else {
            options opt;
            if constexpr (sizeof...(Args) == ranges + 1) {
                if constexpr (!std::is_same_v<std::tuple_element_t<ranges, Tuple>, options>) {
                    return std::nullopt;
                } else {
                    opt = std::get<ranges>(tuple);
                }
            }
            if (opt.normalization == normalization::normalize || !(opt.sum_tolerance >= 0)) {
                return std::nullopt;  // the general path normalizes, or reports the bad tolerance
            }
            const auto& p = std::get<0>(tuple);
            const auto& q = std::get<ranges - 1>(tuple);
            const std::size_t n = std::ranges::size(p);
            if (n == 0 || std::ranges::size(q) != n) {
                return std::nullopt;
            }
            const auto* pp = std::ranges::data(p);
            const auto* qq = K == fast::kind::entropy ? nullptr : std::ranges::data(q);
            return on(std::integral_constant<fast::kind, K>{}, pp, qq, n, opt);
        }
    }
}

/// The normalization check on the naive binary64 sums of p and q (q null: p only).
template <class T>
[[nodiscard]] bool clearly_normalized(const T* p, const T* q, std::size_t n, double tolerance) {
    double sp = 0;
    double sq = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sp += static_cast<double>(p[i]);
        sq += q == nullptr ? 0.0 : static_cast<double>(q[i]);
    }
    return clearly_normalized(sp, n, tolerance) && (q == nullptr || clearly_normalized(sq, n, tolerance));
}

/// The fast path for binary64 results (see with_fast_inputs for the calls it takes); nullopt sends
/// the call to the general path (bad input, which it reports; an undecided rounding).
template <class Quantity, class... Args>
[[nodiscard]] std::optional<rounded> try_fast(const settings& s, format f, const Args&... args) {
    if (!fast::detail::cpu_supported()) {
        return std::nullopt;
    }
    const auto on = [&](auto kind, const auto* pp, const auto* qq, std::size_t n, const options& opt) -> std::optional<rounded> {
        constexpr fast::kind K = decltype(kind)::value;
        const fast::accumulator<K> acc = fast_accumulate<K>(s, pp, qq, n);
        if (acc.invalid()) {
            return std::nullopt;
        }
        if (K != fast::kind::generalized_kl && opt.normalization == normalization::check) {
            if (!clearly_normalized(acc.sum_p(), n, opt.sum_tolerance) ||
                (K != fast::kind::entropy && !clearly_normalized(acc.sum_q(), n, opt.sum_tolerance))) {
                return std::nullopt;
            }
        }
        std::optional<rounded> r = fast_decide<Quantity>(acc, f, opt.base);
        if constexpr (K == fast::kind::kl) {
            if (!r) {
                // Second pass: sum p - sum q exactly, then decide again.
                fast::exact_sum mass;
                for (std::size_t i = 0; i < n; ++i) {
                    const auto d = fast::detail::two_sum(static_cast<double>(pp[i]), -static_cast<double>(qq[i]));
                    mass.add(d.hi);
                    mass.add(d.lo);
                }
                r = fast_decide<Quantity>(acc, f, opt.base, &mass);
            }
        }
        return r;
    };
    return with_fast_inputs<Quantity, rounded>(on, args...);
}

/// The double-double kernel's enclosure of the same quantities (about 100 bits relative to the sum of
/// the terms' magnitudes and, for KL, the masses), in the unit asked for; nullopt on input the
/// path does not take, and for +inf values (the general path gives them).
template <class Quantity, class... Args>
[[nodiscard]] std::optional<std::pair<real, real>> try_fast_enclosure(const settings& s, const Args&... args) {
    if (!fast::detail::cpu_supported()) {
        return std::nullopt;
    }
    const auto on = [&](auto kind, const auto* pp, const auto* qq, std::size_t n,
                        const options& opt) -> std::optional<std::pair<real, real>> {
        constexpr fast::kind K = decltype(kind)::value;
        if (K != fast::kind::generalized_kl && opt.normalization == normalization::check) {
            return std::nullopt;  // the check is the general path's (and its message)
        }
        const fast::accumulator<K> acc = fast_accumulate<K>(s, pp, qq, n);
        if (acc.invalid() || acc.infinite()) {
            return std::nullopt;
        }
        std::pair<real, real> e{real(0, 100), real(0, 100)};  // 100 digits: above the 256 bits it fills
        mpfr_set_prec(e.first.backend().data(), 256);
        mpfr_set_prec(e.second.backend().data(), 256);
        // KL's mass sum p - sum q in double-double with its bound (the exact second pass of try_fast
        // would double the time for a width that is already about 2^-100 of the masses).
        fast_enclosure<Quantity>(acc, opt.base, e.first.backend().data(), e.second.backend().data());
        return e;
    };
    return with_fast_inputs<Quantity, std::pair<real, real>>(on, args...);
}

/// The 256-bit fixed-point enclosure (exact/fixed.hpp) of the same quantities, in the unit asked
/// for (MPFR numbers of about 665 bits), split across the cores from s.parallel_from / 64 terms;
/// nullopt on input the path does not take.
template <class Quantity, class... Args>
[[nodiscard]] std::optional<std::pair<real, real>> try_fixed_enclosure(const settings& s, const Args&... args) {
    const auto on = [&](auto kind, const auto* pp, const auto* qq, std::size_t n,
                        const options& opt) -> std::optional<std::pair<real, real>> {
        constexpr fast::kind K = decltype(kind)::value;
        if (K != fast::kind::generalized_kl && opt.normalization == normalization::check &&
            !clearly_normalized(pp, qq, n, opt.sum_tolerance)) {
            return std::nullopt;
        }
        (void)fixed::detail::tables();  // built once, before the threads
        // About 64 times the fast path's work per term: split from 64 times fewer terms.
        const std::size_t from = s.parallel_from == 0 ? 0 : std::max<std::size_t>(1, s.parallel_from / 64);
        const fixed::accumulator<K> acc = accumulate<fixed::accumulator<K>>(from, pp, qq, n);
        if (acc.invalid() || acc.infinite()) {
            return std::nullopt;  // the general path reports, or gives inf
        }
        std::pair<real, real> e{real(0, 200), real(0, 200)};  // 200 digits: above the 640 bits it fills
        acc.enclose(e.first.backend().data(), e.second.backend().data());
        finish_enclosure<Quantity>(e.first.backend().data(), e.second.backend().data(), opt.base);
        return e;
    };
    return with_fast_inputs<Quantity, std::pair<real, real>>(on, args...);
}

/// n digits (n <= 60) from the fixed-point enclosure; nullopt when it does not decide them (or on
/// input the path does not take).
template <class Quantity, class... Args>
[[nodiscard]] std::optional<std::string> try_fixed_digits(const settings& s, unsigned n_digits, const Args&... args) {
    const std::optional<std::pair<real, real>> e = try_fixed_enclosure<Quantity>(s, args...);
    if (!e) {
        return std::nullopt;
    }
    mpfr_srcptr lo = e->first.backend().data();
    mpfr_srcptr hi = e->second.backend().data();
    if (mpfr_zero_p(lo) && mpfr_zero_p(hi)) {
        return decimal(lo, n_digits);
    }
    if (mpfr_sgn(lo) == mpfr_sgn(hi)) {
        std::string a = decimal(lo, n_digits);
        if (a == decimal(hi, n_digits)) {
            return a;
        }
    }
    return std::nullopt;
}

}  // namespace detail

}  // namespace shannon::exact

SHANNON_FP_CONTRACT_RESTORE
