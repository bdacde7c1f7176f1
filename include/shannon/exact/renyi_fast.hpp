// shannon/exact/renyi_fast.hpp — the oracle's fast path for the Rényi and Tsallis quantities of
// binary64 or binary32 ranges at a finite binary64 order alpha != 1.
//
// Each is a function of one sum, A = sum_i p_i^alpha (entropies) or sum_i p_i^alpha q_i^(1-alpha)
// (the divergence), and of the inputs' exact masses S:
//   H_alpha = (log A - log S) / (1 - alpha)      D_alpha = (log A - log S_p) / (alpha - 1)
//   S_q     = (S - A) / (q - 1)
// (with normalization::normalize, log S becomes alpha log S for H and alpha log S_p + (1 - alpha) log S_q
// for D, and S_q = (1 - A / S^q) / (q - 1)). A is summed in double-double with a bound on its error
// (power_sum::bound), the masses likewise (inputs exact: TwoSum); where the CPU has AVX2 and FMA four
// lanes at a time (power_terms_lanes: one logarithm per term, log_dd of fast.hpp at 2^-81 and
// exp_lanes of detail/lanes.inc at 2^-79), elsewhere, and for the blocks holding a subnormal, a zero
// q or an extreme term, in portable scalar code (power_term_scalar: dd::log_dd at 2^-78 and
// dd::exp_parts at 2^-88). The final formula is evaluated in MPFI at 256 bits from [A - E, A + E]
// and the masses' enclosures, and Ziv's test decides. These forms cancel near alpha = 1 (A ~ S: their
// logarithm divided by alpha - 1 ~ 0) and, for the divergence, near P = Q: the enclosure is then too
// wide and the call goes on to the ball and MPFI paths, which evaluate the cancellation-free forms of
// core/renyi.hpp. So this path only ever returns a proved rounding.
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
#include "../detail/sum_exp.hpp"
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

/// sum p^alpha q^(1-alpha) (q null: sum p^alpha) over the terms with p, q > 0, as running double words
/// with what bounds their error, and the masses of p and q alongside (running double words of the
/// exact inputs: within 2^-53 of their low words' magnitudes).
struct power_sum {
    fast::detail::running_words<double> value;  ///< the terms' sum
    double err = 0;         ///< sum of t |dz|: each term's argument error, carried through exp
    double mag_lanes = 0;   ///< sum of the terms from the vector exp (rel_exp_lanes, 2^-79, each)
    double mag_scalar = 0;  ///< sum of the terms from dd::exp_parts (dd::rel_exp, 2^-88, each)
    double tiny = 0;        ///< absolute: the terms bounded rather than added
    std::size_t terms = 0;  ///< terms with p, q > 0
    std::size_t count = 0;  ///< elements read
    bool support_mismatch = false;  ///< some q = 0 < p
    bool invalid = false;  ///< a NaN, negative or infinite input, or an exponent beyond exp's range
    fast::detail::running_words<double> mass_p;
    fast::detail::running_words<double> mass_q;

    void merge(const power_sum& o) {
        fast::detail::add_word(value, o.value.hi, o.value.lo);
        value.lo_mag += o.value.lo_mag;
        err += o.err;
        mag_lanes += o.mag_lanes;
        mag_scalar += o.mag_scalar;
        tiny += o.tiny;
        terms += o.terms;
        count += o.count;
        support_mismatch = support_mismatch || o.support_mismatch;
        invalid = invalid || o.invalid;
        fast::detail::add_word(mass_p, o.mass_p.hi, o.mass_p.lo);
        mass_p.lo_mag += o.mass_p.lo_mag;
        fast::detail::add_word(mass_q, o.mass_q.hi, o.mass_q.lo);
        mass_q.lo_mag += o.mass_q.lo_mag;
    }

    /// The sums of non-negative numbers above (err, the magnitudes, lo_mag) are computed in binary64:
    /// each is at least its exact value times 1 - count 2^-53, so this factor makes them upper bounds.
    [[nodiscard]] double grow() const { return 1 + static_cast<double>(count + 8) * 0x1p-51; }

    /// |value.hi + value.lo - A|: each term's exp and argument errors (e^dz - 1 <= 1.0001 dz), its
    /// product by q and normalization (2^-100 generously), the additions (2^-53 of the low word's
    /// magnitudes), the terms not added.
    [[nodiscard]] double bound() const {
        const double per_term = 1.0001 * err + fast::detail::rel_exp_lanes * mag_lanes + dd::rel_exp * mag_scalar +
                                0x1p-100 * (mag_lanes + mag_scalar) + 0x1p-53 * value.lo_mag;
        return per_term * grow() * (1 + 0x1p-40) + tiny + static_cast<double>(count) * 0x1p-1072;
    }
    /// |w.hi + w.lo - the exact mass| for a mass's running words.
    [[nodiscard]] double mass_bound(const fast::detail::running_words<double>& w) const {
        return 0x1p-53 * w.lo_mag * grow() * (1 + 0x1p-40) + 0x1p-1074;
    }
};

/// Adds the exact binary64 x to running words (a mass).
inline void add_mass(fast::detail::running_words<double>& s, double x) {
    const double_word<double> t = double_word_arith::two_sum(s.hi, x);
    s.hi = t.hi;
    s.lo += t.lo;
    s.lo_mag += std::abs(s.lo);
}

/// One element in portable scalar code: every input (zeros, subnormals, NaN, the support mismatch).
/// The term is exp(alpha log p + (1 - alpha) log q) in double-double: log by dd::log_dd (relative
/// error 2^-78), the products and the sum by double-word arithmetic (2^-100 each, generously), exp by
/// dd::exp_parts (2^-88 relative); the argument's error dz goes into err as t |dz|.
inline void power_term_scalar(double pi, double qi, bool two, double alpha, power_sum& r) {
    using namespace shannon::double_word_arith;
    constexpr double op = 0x1p-100;
    ++r.count;
    if (!(pi >= 0) || !(qi >= 0) || !std::isfinite(pi) || !std::isfinite(qi)) {
        r.invalid = true;
        return;
    }
    add_mass(r.mass_p, pi);
    if (two) {
        add_mass(r.mass_q, qi);
    }
    if (pi == 0) {
        return;  // 0^alpha = 0, also at alpha = 0
    }
    if (qi == 0) {
        r.support_mismatch = true;  // the term is 0 below order 1, +inf from it on
        return;
    }
    const dd::word lp = dd::log_dd(dd::word(pi));
    dd::word z = mul(lp, alpha);
    double dz = std::abs(lp.hi) * std::abs(alpha) * (dd::rel_log + op);
    if (two) {
        const dd::word one_minus = two_sum(1.0, -alpha);  // 1 - alpha exactly
        const dd::word lq = dd::log_dd(dd::word(qi));
        z = add(z, mul(lq, one_minus));
        dz += std::abs(lq.hi) * std::abs(one_minus.hi) * (1 + 0x1p-50) * (dd::rel_log + op) + std::abs(z.hi) * op;
    }
    if (!(z.hi < 709)) {
        r.invalid = true;  // a term beyond binary64's range: the general path
        return;
    }
    ++r.terms;
    if (z.hi < -735) {
        r.tiny += 0x1p-1060;  // e^(z + dz) < 2^-1060: bounded, not added
        return;
    }
    const dd::scaled_word s = dd::exp_parts(z);
    const dd::word t = dd::times_pow2(s.m, s.e);
    fast::detail::add_word(r.value, t.hi, t.lo);
    r.err += t.hi * dz;
    r.mag_scalar += t.hi;
    r.tiny += 0x1p-1073;  // the scaling's rounding below the normal range
}

template <class T>
void power_terms_scalar(const T* p, const T* q, std::size_t n, double alpha, power_sum& r) {
    for (std::size_t i = 0; i < n && !r.invalid; ++i) {
        power_term_scalar(static_cast<double>(p[i]), q == nullptr ? 1.0 : static_cast<double>(q[i]), q != nullptr, alpha, r);
    }
}

#if defined(SHANNON_FAST_X86)
/// The four-lane kernel (AVX2 + FMA) over blocks of four elements whose p (and q) are normal or, for
/// p, zero: the entropies' term is e^z with z = alpha log p; the divergence's is q e^z with
/// z = alpha log(p/q), one logarithm: p/q = rh + rl with rh = p/q rounded and rl = -rem/q (rem =
/// rh q - p exact by an FMA), log(p/q) = log_dd(rh) - rem/p within 2^-81 |log rh| + 2^-103, so
/// within dl = 2^-80 |l| + 2^-102 of the word l formed; z = alpha l (a double word times a binary64,
/// 2^-104 relative) within dz = |alpha| dl + 2^-100 |z|; e^z by exp_lanes (detail/lanes.inc: 2^-79
/// relative for -600 <= z <= 700; e^(z + dz) - 1 <= 1.0001 dz), times q exactly but for the low
/// word's rounding (2^-104) and an absolute 2^-1074 below the normal range (count 2^-1072 in
/// bound()). A block with another input (a subnormal, a NaN, q = 0 < p, a ratio p/q beyond
/// [2^-1000, 2^1000]) or a z outside [-600, 700] goes to the scalar code, which handles all of them.
/// The p = 0 lanes compute the term of p = q = 1 and multiply it by 0 (exact).
template <class T>
SHANNON_FAST_TARGET void power_terms_lanes(const T* p, const T* q, std::size_t n, double alpha, power_sum& r) {
    using fast::detail::vd4;
    using fast::detail::vi4;
    namespace fd = fast::detail;
    const bool two = q != nullptr;
    const vd4 one = vd4{} + 1.0;
    const vd4 a_abs = vd4{} + std::abs(alpha);
    const fd::ddv<vd4> a{vd4{} + alpha, vd4{}};
    fd::running_words<vd4> acc;
    fd::running_words<vd4> mp;
    fd::running_words<vd4> mq;
    vd4 err{};
    vd4 mag{};
    std::size_t i = 0;
    std::size_t terms = 0;
    for (; i + 4 <= n; i += 4) {
        const vd4 x = fd::load4(p + i);
        const vd4 y = two ? fd::load4(q + i) : one;
        const vi4 zero = x == 0.0;
        // Normal and finite (NaN fails both comparisons); a zero p takes any finite q >= 0.
        const vi4 normal_x = (x >= 0x1p-1022) & (x <= 0x1.fffffffffffffp1023);
        const vi4 normal_y = (y >= 0x1p-1022) & (y <= 0x1.fffffffffffffp1023);
        const vi4 finite_y = (y >= 0.0) & (y <= 0x1.fffffffffffffp1023);
        if (!fd::all_((normal_x & normal_y) | (zero & finite_y))) {
            power_terms_scalar(p + i, two ? q + i : nullptr, 4, alpha, r);
            if (r.invalid) {
                return;
            }
            continue;
        }
        const vd4 xs = fd::select_(zero, one, x);
        const vd4 ys = fd::select_(zero, one, y);
        fd::ddv<vd4> l;
        if (two) {
            const vd4 rh = xs / ys;
            if (!fd::all_((rh >= 0x1p-1000) & (rh <= 0x1p1000))) {
                power_terms_scalar(p + i, q + i, 4, alpha, r);
                if (r.invalid) {
                    return;
                }
                continue;
            }
            const vd4 rem = fd::fma_(rh, ys, -xs);  // exact
            const fd::ddv<vd4> lr = fd::log_dd(rh);
            l = fd::fast_two_sum(lr.hi, lr.lo - rem / xs);
        } else {
            l = fd::log_dd(xs);
        }
        const fd::ddv<vd4> z = fd::mul(l, a);
        if (!fd::all_((z.hi >= -600.0) & (z.hi <= 700.0))) {
            power_terms_scalar(p + i, two ? q + i : nullptr, 4, alpha, r);
            if (r.invalid) {
                return;
            }
            continue;
        }
        const fd::ddv<vd4> e = fd::lanes4::exp_lanes(z);
        fd::ddv<vd4> t = e;
        if (two) {
            t = fd::two_prod(ys, e.hi);
            t.lo += ys * e.lo;
            t = fd::fast_two_sum(t.hi, t.lo);
        }
        const vd4 keep = fd::select_(zero, vd4{}, one);
        const vd4 th = t.hi * keep;  // exact
        fd::add_word(acc, th, t.lo * keep);
        const vd4 dz = a_abs * (fd::abs_(l.hi) * 0x1p-80 + 0x1p-102) + fd::abs_(z.hi) * 0x1p-100;
        err += th * dz;
        mag += th;
        // The masses: the inputs are exact binary64 numbers (TwoSum of the high words, the errors
        // into the low word).
        const fd::ddv<vd4> sp = fd::two_sum(mp.hi, x);
        mp.hi = sp.hi;
        mp.lo += sp.lo;
        mp.lo_mag += fd::abs_(mp.lo);
        if (two) {
            const fd::ddv<vd4> sq = fd::two_sum(mq.hi, y);
            mq.hi = sq.hi;
            mq.lo += sq.lo;
            mq.lo_mag += fd::abs_(mq.lo);
        }
        for (int j = 0; j < 4; ++j) {
            terms += zero[j] == 0 ? 1 : 0;
        }
        r.count += 4;
    }
    fd::merge_lanes(r.value, acc);
    fd::merge_lanes(r.mass_p, mp);
    fd::merge_lanes(r.mass_q, mq);
    for (int j = 0; j < 4; ++j) {
        r.err += err[j];
        r.mag_lanes += mag[j];
    }
    r.terms += terms;
    power_terms_scalar(p + i, two ? q + i : nullptr, n - i, alpha, r);
}
#endif

/// The terms of [0, n): four lanes where the CPU has AVX2 and FMA, else the portable scalar code.
template <class T>
[[nodiscard]] power_sum power_terms(const T* p, const T* q, std::size_t n, double alpha) {
    power_sum r;
#if defined(SHANNON_FAST_X86)
    if (fast::detail::cpu_supported()) {
        power_terms_lanes(p, q, n, alpha, r);
        return r;
    }
#endif
    power_terms_scalar(p, q, n, alpha, r);
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
            if (!(alpha >= 0) || !std::isfinite(alpha) || alpha == 1 ||
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
            set_words(sp.get(), a.mass_p.hi, a.mass_p.lo, a.mass_bound(a.mass_p));
            set_words(sq.get(), a.mass_q.hi, a.mass_q.lo, a.mass_bound(a.mass_q));
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
            set_words(sum.get(), a.value.hi, a.value.lo, a.bound());
            if (!(mpfr_sgn(&sum.get()->left) > 0)) {
                return std::nullopt;
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
