// shannon/exact/renyi_fast.hpp — the oracle's fast path for the Rényi and Tsallis quantities of
// binary64 or binary32 ranges at a finite binary64 order alpha != 1.
//
// Each is a function of one sum, A = sum_i p_i^alpha (entropies) or sum_i p_i^alpha q_i^(1-alpha)
// (the divergence), and of the inputs' exact masses S:
//   H_alpha = (log A - log S) / (1 - alpha)      D_alpha = (log A - log S_p) / (alpha - 1)
//   S_q     = (S - A) / (q - 1)
// (with normalization::normalize, log S becomes alpha log S for H and alpha log S_p + (1 - alpha) log S_q
// for D, and S_q = (1 - A / S^q) / (q - 1)). Each term is exp(z), z = alpha log p + (1 - alpha) log q,
// in double-double: log by dd::log_dd (relative error 2^-78), the products and the sum by double-word
// arithmetic (2^-100 each, generously), exp by dd::exp_parts (2^-88 relative, plus e^|dz| - 1 <=
// 1.0001 |dz| for the error dz of its argument). A is accumulated in double-double with the bound
// sum_i t_i (|dz_i| 1.0001 + 2^-88 + 2^-100) + n 2^-104 A (the additions of non-negative terms),
// terms below 2^-1060 being bounded rather than added. The final formula is evaluated in MPFI at 256
// bits from [A - E, A + E] and the exact masses, and Ziv's test decides. These forms cancel near
// alpha = 1 (A ~ S: their logarithm divided by alpha - 1 ~ 0) and, for the divergence, near P = Q: the
// enclosure is then too wide and the call goes on to the ball and MPFI paths, which evaluate the
// cancellation-free forms of core/renyi.hpp. So this path only ever returns a proved rounding.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <ranges>
#include <thread>
#include <tuple>
#include <type_traits>

#include <mpfi.h>
#include <mpfr.h>

#include "../core/renyi.hpp"
#include "../detail/fp_contract.hpp"
#include "../numbers/double_word.hpp"
#include "fast.hpp"
#include "fast_calls.hpp"
#include "format.hpp"
#include "lift.hpp"
#include "settings.hpp"
#include "table_fast.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact::detail {

/// The quantities this path computes.
template <class Q>
inline constexpr bool renyi_fast_quantity = std::is_same_v<Q, renyi_entropy_fn> || std::is_same_v<Q, renyi_divergence_fn> ||
                                            std::is_same_v<Q, tsallis_entropy_fn>;

/// sum p^alpha q^(1-alpha) (q null: sum p^alpha) over the terms with p, q > 0, in double-double, with
/// an absolute bound on its error; the exact masses of p and q alongside.
struct power_sum {
    dd::word value{0.0, 0.0};
    double bound = 0;
    std::size_t terms = 0;       ///< terms with p, q > 0
    bool support_mismatch = false;  ///< some q = 0 < p
    bool invalid = false;        ///< a NaN, negative or infinite input, or an exponent beyond exp's range
    fast::exact_sum mass_p;
    fast::exact_sum mass_q;

    void merge(const power_sum& o) {
        value = double_word_arith::add(value, o.value);
        bound += o.bound + 0x1p-104 * (std::abs(value.hi) + std::abs(o.value.hi));
        terms += o.terms;
        support_mismatch = support_mismatch || o.support_mismatch;
        invalid = invalid || o.invalid;
        mass_p.merge(o.mass_p);
        mass_q.merge(o.mass_q);
    }
};

template <class T>
[[nodiscard]] power_sum power_terms(const T* p, const T* q, std::size_t n, double alpha) {
    using namespace shannon::double_word_arith;
    constexpr double op = 0x1p-100;  // each double-word product or sum, generously
    const dd::word one_minus = two_sum(1.0, -alpha);  // 1 - alpha exactly
    const double a_abs = std::abs(alpha);
    const double b_abs = std::abs(one_minus.hi) * (1 + 0x1p-50);
    power_sum r;
    double magnitude = 0;  // sum of the terms (for the additions' bound)
    for (std::size_t i = 0; i < n; ++i) {
        const auto pi = static_cast<double>(p[i]);
        const double qi = q == nullptr ? 1.0 : static_cast<double>(q[i]);
        if (!(pi >= 0) || !(qi >= 0) || !std::isfinite(pi) || !std::isfinite(qi)) {
            r.invalid = true;
            return r;
        }
        r.mass_p.add(pi);
        if (q != nullptr) {
            r.mass_q.add(qi);
        }
        if (pi == 0) {
            continue;  // 0^alpha = 0, also at alpha = 0
        }
        if (qi == 0) {
            r.support_mismatch = true;  // the term is 0 below order 1, +inf from it on
            continue;
        }
        const dd::word lp = dd::log_dd(dd::word(pi));
        dd::word z = mul(lp, alpha);
        double dz = std::abs(lp.hi) * a_abs * (dd::rel_log + op);
        if (q != nullptr) {
            const dd::word lq = dd::log_dd(dd::word(qi));
            z = add(z, mul(lq, one_minus));
            dz += std::abs(lq.hi) * b_abs * (dd::rel_log + op) + std::abs(z.hi) * op;
        }
        if (!(z.hi < 709)) {
            r.invalid = true;  // a term beyond binary64's range: the general path
            return r;
        }
        ++r.terms;
        if (z.hi < -735) {
            r.bound += 0x1p-1060;  // e^(z + dz) < 2^-1060: bounded, not added
            continue;
        }
        const dd::scaled_word s = dd::exp_parts(z);
        const dd::word t = dd::times_pow2(s.m, s.e);
        r.value = add(r.value, t);
        r.bound += t.hi * (dz * 1.0001 + dd::rel_exp + op) + 0x1p-1073;
        magnitude += t.hi;
    }
    r.bound += static_cast<double>(n) * 0x1p-104 * magnitude * (1 + 0x1p-40) + 0x1p-1070;
    return r;
}

/// power_terms over [0, n), split in two halves on two threads from s.parallel_from terms.
template <class T>
[[nodiscard]] power_sum power_sum_of(const settings& s, const T* p, const T* q, std::size_t n, double alpha) {
    if (s.parallel_from == 0 || n < s.parallel_from || std::thread::hardware_concurrency() < 2) {
        return power_terms(p, q, n, alpha);
    }
    const std::size_t h = n / 2;
    power_sum second;
    std::thread worker([&] { second = power_terms(p + h, q == nullptr ? nullptr : q + h, n - h, alpha); });
    power_sum first = power_terms(p, q, h, alpha);
    worker.join();
    first.merge(second);
    return first;
}

/// An MPFI number holding the exact sum e (enclosed at x's precision).
inline void set_exact(mpfi_ptr x, const fast::exact_sum& e) {
    mpfr_t lo;
    mpfr_t hi;
    mpfr_inits2(mpfi_get_prec(x), lo, hi, static_cast<mpfr_ptr>(nullptr));
    e.get(lo, MPFR_RNDD);
    e.get(hi, MPFR_RNDU);
    mpfi_interv_fr(x, lo, hi);
    mpfr_clears(lo, hi, static_cast<mpfr_ptr>(nullptr));
}

/// The fast path for the Rényi and Tsallis quantities (see the file comment): the correctly rounded
/// value, or nullopt (input it does not take, bad input the general path reports, an undecided rounding).
template <class Quantity, class... Args>
[[nodiscard]] std::optional<rounded> try_renyi_fast(const settings& s, format f, const Args&... args) {
    if constexpr (!renyi_fast_quantity<Quantity>) {
        return std::nullopt;
    } else {
        constexpr bool two = std::is_same_v<Quantity, renyi_divergence_fn>;
        constexpr std::size_t ranges = two ? 2 : 1;
        using Tuple = std::tuple<std::remove_cvref_t<Args>...>;
        if constexpr (sizeof...(Args) < ranges + 1 || sizeof...(Args) > ranges + 2) {
            return std::nullopt;
        } else if constexpr (!fast_range<std::tuple_element_t<0, Tuple>> ||
                             !fast_range<std::tuple_element_t<ranges - 1, Tuple>> ||
                             !std::is_same_v<std::ranges::range_value_t<std::tuple_element_t<0, Tuple>>,
                                             std::ranges::range_value_t<std::tuple_element_t<ranges - 1, Tuple>>> ||
                             !std::is_floating_point_v<std::tuple_element_t<ranges, Tuple>>) {
            return std::nullopt;
        } else {
            const auto tuple = std::forward_as_tuple(args...);
            options opt;
            if constexpr (sizeof...(Args) == ranges + 2) {
                if constexpr (!std::is_same_v<std::tuple_element_t<ranges + 1, Tuple>, options>) {
                    return std::nullopt;
                } else {
                    opt = std::get<ranges + 1>(tuple);
                }
            }
            const auto alpha = static_cast<double>(std::get<ranges>(tuple));
            if (!fast::detail::cpu_supported() || !(alpha >= 0) || !std::isfinite(alpha) || alpha == 1 ||
                !(opt.sum_tolerance >= 0)) {
                return std::nullopt;  // the general path: order 1 (KL, H), +inf, bad orders and options
            }
            const auto& p = std::get<0>(tuple);
            const auto& q = std::get<ranges - 1>(tuple);
            const std::size_t n = std::ranges::size(p);
            if (n == 0 || std::ranges::size(q) != n) {
                return std::nullopt;
            }
            const power_sum a = power_sum_of(s, std::ranges::data(p), two ? std::ranges::data(q) : nullptr, n, alpha);
            if (a.invalid || a.terms == 0) {
                return std::nullopt;  // bad input, a term beyond range, disjoint supports, no mass
            }
            if (two && a.support_mismatch && alpha >= 1) {
                return rounded{std::numeric_limits<double>::infinity(), true, 0, 0, true};
            }
            constexpr mpfr_prec_t prec = 256;
            mpfi_number sp(prec);
            mpfi_number sq(prec);
            set_exact(sp.get(), a.mass_p);
            set_exact(sq.get(), a.mass_q);
            if (opt.normalization == normalization::check) {
                const double tol = opt.sum_tolerance;
                const auto near_one = [tol](mpfi_srcptr x) {
                    return mpfr_cmp_d(&x->left, 1 - tol) >= 0 && mpfr_cmp_d(&x->right, 1 + tol) <= 0;
                };
                if (!near_one(sp.get()) || (two && !near_one(sq.get()))) {
                    return std::nullopt;  // the general path decides (and reports)
                }
            }
            // A in [value - bound, value + bound], outward.
            mpfi_number sum(prec);
            {
                mpfr_t lo;
                mpfr_t hi;
                mpfr_inits2(prec, lo, hi, static_cast<mpfr_ptr>(nullptr));
                mpfr_set_d(lo, a.value.hi, MPFR_RNDN);
                mpfr_set_d(hi, a.value.hi, MPFR_RNDN);
                mpfr_add_d(lo, lo, a.value.lo, MPFR_RNDD);
                mpfr_add_d(hi, hi, a.value.lo, MPFR_RNDU);
                mpfr_sub_d(lo, lo, a.bound, MPFR_RNDD);
                mpfr_add_d(hi, hi, a.bound, MPFR_RNDU);
                const bool positive = mpfr_sgn(lo) > 0;
                mpfi_interv_fr(sum.get(), lo, hi);
                mpfr_clears(lo, hi, static_cast<mpfr_ptr>(nullptr));
                if (!positive) {
                    return std::nullopt;
                }
            }
            mpfi_number r(prec);
            mpfi_number t(prec);
            mpfi_number b(prec);  // alpha - 1, exactly (at most 1077 bits: 256 hold it for orders of
            mpfi_set_d(b.get(), alpha);  // binary64 within 2^200 of 1; else an enclosure)
            mpfi_sub_ui(b.get(), b.get(), 1);
            const bool normalize = opt.normalization == normalization::normalize;
            if constexpr (std::is_same_v<Quantity, tsallis_entropy_fn>) {
                if (normalize) {  // (1 - A / S^q) / (q - 1)
                    mpfi_log(t.get(), sp.get());
                    mpfi_mul_d(t.get(), t.get(), alpha);
                    mpfi_exp(t.get(), t.get());
                    mpfi_div(r.get(), sum.get(), t.get());
                    mpfi_ui_sub(r.get(), 1, r.get());
                } else {  // (S - A) / (q - 1)
                    mpfi_sub(r.get(), sp.get(), sum.get());
                }
                mpfi_div(r.get(), r.get(), b.get());
            } else {
                mpfi_log(r.get(), sum.get());
                mpfi_log(t.get(), sp.get());
                if (normalize) {
                    mpfi_mul_d(t.get(), t.get(), alpha);
                    if constexpr (two) {
                        mpfi_number u(prec);
                        mpfi_log(u.get(), sq.get());
                        mpfi_mul(u.get(), u.get(), b.get());  // -(1 - alpha) log S_q
                        mpfi_sub(t.get(), t.get(), u.get());
                    }
                }
                mpfi_sub(r.get(), r.get(), t.get());
                mpfi_div(r.get(), r.get(), b.get());
                if constexpr (!two) {
                    mpfi_neg(r.get(), r.get());  // H: / (1 - alpha)
                }
                in_unit(&r.get()->left, &r.get()->right, opt.base);
            }
            return decide_enclosure(r.get(), f);
        }
    }
}

}  // namespace shannon::exact::detail

SHANNON_FP_CONTRACT_RESTORE
