// shannon/exact/lift.hpp — the oracle's multiple-precision numbers: MPFR's per-thread setup, the exact
// lifting of an input (float, double, integer or decimal text, and ranges and rows of them) into MPFI
// intervals or double-double balls, the precision of one evaluation, and the rounding of an MPFR
// number to a format.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <ranges>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/multiprecision/mpfi.hpp>
#include <boost/multiprecision/mpfr.hpp>

#include "../core/error.hpp"
#include "../detail/default_precision.hpp"
#include "../detail/fp_contract.hpp"
#include "../core/math.hpp"
#include "../core/tables.hpp"
#include "../detail/stop.hpp"
#include "../numbers/mpfi.hpp"
#include "../numbers/mpfr.hpp"
#include "format.hpp"
#include "settings.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact {

using interval = boost::multiprecision::mpfi_float;
using real = boost::multiprecision::mpfr_float;

namespace detail {

/// Once in each thread that runs the oracle: MPFR's widest exponent range (about 2^(+-2^62); MPFR
/// keeps it per thread when built thread-safe, as Debian's is), so that an exact input such as
/// 1e-400000000, and what is computed from it, is a number rather than an underflow to 0; and, when
/// the thread ends, MPFR's caches of that thread freed (MPFR keeps constants such as log 2 per
/// thread, and a thread that ends without mpfr_free_cache2 leaks them).
inline void thread_setup() {
    struct mpfr_thread {
        mpfr_thread() {
            mpfr_set_emin(mpfr_get_emin_min());
            mpfr_set_emax(mpfr_get_emax_max());
        }
        mpfr_thread(const mpfr_thread&) = delete;
        mpfr_thread& operator=(const mpfr_thread&) = delete;
        ~mpfr_thread() { mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE); }
    };
    if (mpfr_buildopt_tls_p() != 0) {
        thread_local const mpfr_thread state;
        (void)state;
    } else {
        static const mpfr_thread state;  // one range and one cache for the process
        (void)state;
    }
}

/// The number written in `text` (decimal or hex float, as strtod reads them, or inf) as an interval
/// at the current default precision, rounded outward: a point when it is a binary number of at most
/// that many bits. Anything else in the text is a shannon::invalid_argument.
[[nodiscard]] inline interval text_interval(const std::string& text) {
    thread_setup();
    interval x;
    const mpfr_prec_t prec = mpfi_get_prec(x.backend().data());
    mpfr_t lo;
    mpfr_t hi;
    mpfr_inits2(prec, lo, hi, static_cast<mpfr_ptr>(nullptr));
    char* end_lo = nullptr;
    char* end_hi = nullptr;
    mpfr_strtofr(lo, text.c_str(), &end_lo, 0, MPFR_RNDD);
    mpfr_strtofr(hi, text.c_str(), &end_hi, 0, MPFR_RNDU);
    const bool ok = !text.empty() && end_lo == text.c_str() + text.size() && end_hi == end_lo &&
                    !mpfr_nan_p(lo) && !mpfr_nan_p(hi);
    if (ok) {
        mpfi_interv_fr(x.backend().data(), lo, hi);
    }
    mpfr_clears(lo, hi, static_cast<mpfr_ptr>(nullptr));
    if (!ok) {
        shannon::detail::fail<shannon::invalid_argument>("exact", "the text '", shannon::detail::shown_token(text),
                                                         "' is not a number (a decimal, a hex float or inf)");
    }
    return x;
}

/// Whether lift_into may return std::views (Clang before 15 rejects libstdc++ 12's ref_view: there
/// the ball path copies its inputs, as the MPFI path does).
#if defined(__clang__) && __clang_major__ < 15
inline constexpr bool lazy_views = false;
#else
inline constexpr bool lazy_views = true;
#endif

/// The exact image of an input in N (MPFI intervals, or dd_ball for the ball path, which takes no
/// text): floating-point scalars and ranges of them become points of N (every float and double is
/// exact in both), numbers given as text (std::string) exact decimals or hex floats enclosed at the
/// working precision; integers, options and ranges of integers pass through unchanged. Ranges become
/// vectors of MPFI intervals, and lazy views of balls.
template <class N, class A>
[[nodiscard]] auto lift_into(const A& a) {
    if constexpr (std::is_floating_point_v<A>) {
        return N(a);
    } else if constexpr (std::is_same_v<A, std::string>) {
        static_assert(std::is_same_v<N, interval>, "numbers given as text are lifted into MPFI only");
        // A number as text (a decimal, a hex float, inf): enclosed by its roundings down and up at
        // the working precision, a point when it is a binary number of at most that many bits.
        return text_interval(a);
    } else if constexpr (shannon::detail::is_table_view_v<A>) {
        // A table given flat: its cells lifted, its shape as it is.
        return shannon::table_view{lift_into<N>(a.cells), a.shape};
    } else if constexpr (std::ranges::range<A>) {
        using E = std::remove_cvref_t<std::ranges::range_value_t<A>>;
        if constexpr (std::is_integral_v<E>) {
            return std::vector<E>(std::ranges::begin(a), std::ranges::end(a));
        } else if constexpr (!std::is_same_v<N, interval> && lazy_views) {
            // A ball is as cheap to form as to read: a lazy view, converted where the quantity reads
            // it, rather than a copy of the whole batch (a 10^8-logit batch is 2.4 GB of balls).
            if constexpr (std::is_floating_point_v<E>) {
                return std::views::all(a) | std::views::transform(shannon::detail::exact_conversion<N>{});
            } else {
                return std::views::all(a) | std::views::transform([](const E& e) { return lift_into<N>(e); });
            }
        } else {
            using L = decltype(lift_into<N>(std::declval<const E&>()));
            std::vector<L> out;
            if constexpr (std::ranges::sized_range<A>) {
                out.reserve(std::ranges::size(a));
            }
            for (const auto& e : a) {
                shannon::detail::poll_stop_at<N>(out.size());  // lifting a large batch takes seconds
                out.push_back(lift_into<N>(e));
            }
            return out;
        }
    } else {
        return a;
    }
}

/// The exact MPFI image of an input (see lift_into).
template <class A>
[[nodiscard]] auto lift(const A& a) {
    return lift_into<interval>(a);
}

/// Rounds the exact value of an MPFR number to the format, to nearest with ties to even, once.
[[nodiscard]] inline double round_to(mpfr_srcptr src, format f) {
    if (mpfr_nan_p(src)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (mpfr_inf_p(src) || mpfr_zero_p(src)) {
        return mpfr_get_d(src, MPFR_RNDN);
    }
    const format_traits t = traits(f);
    // x = m 2^e with m in [1/2, 1): the unbiased exponent of its leading bit is e - 1.
    const long e = mpfr_get_exp(src) - 1;
    long p = t.precision;
    if (e < t.emin) {
        p -= t.emin - e;  // a subnormal result keeps the bits above 2^(emin - precision + 1)
    }
    const bool negative = mpfr_sgn(src) < 0;
    if (p <= 0) {
        // Below the smallest subnormal s = 2^(emin - precision + 1): 0 or s. Ties go to 0 (even).
        const double s = std::ldexp(1.0, t.emin - t.precision + 1);
        mpfr_t half_s;
        mpfr_init2(half_s, 8);
        mpfr_set_ui_2exp(half_s, 1, t.emin - t.precision, MPFR_RNDN);  // s/2, exact
        const int c = mpfr_cmpabs(src, half_s);
        mpfr_clear(half_s);
        const double v = c > 0 ? s : 0.0;
        return negative ? -v : v;
    }
    mpfr_t y;
    mpfr_init2(y, static_cast<mpfr_prec_t>(p));
    mpfr_set(y, src, MPFR_RNDN);
    double v = mpfr_get_d(y, MPFR_RNDN);  // exact: y has at most 53 bits in binary64's range
    mpfr_clear(y);
    // Overflow: anything that rounds above the largest finite number is infinite.
    const double largest = std::ldexp(2.0 - std::ldexp(1.0, 1 - t.precision), t.emax);
    if (std::abs(v) > largest) {
        v = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    }
    return v;
}

[[nodiscard]] inline double round_to(const real& x, format f) { return round_to(x.backend().data(), f); }

/// The default precision of new MPFR/MPFI numbers for one evaluation at `bits`, owned by this thread
/// (see detail/default_precision.hpp: per thread, or under a process-wide lock with Boost 1.74).
class bits_scope {
public:
    explicit bits_scope(unsigned bits) : interval_(digits10(bits)), real_(digits10(bits)) { thread_setup(); }

private:
    [[nodiscard]] static unsigned digits10(unsigned bits) {
        return static_cast<unsigned>(std::ceil(bits * 0.30102999566398120)) + 1;
    }
    shannon::detail::default_precision_scope<interval> interval_;
    shannon::detail::default_precision_scope<real> real_;
};

template <class Quantity, class... Args>
[[nodiscard]] interval evaluate(unsigned bits, const Quantity& quantity, const Args&... args) {
    shannon::detail::poll_stop();  // each precision step of a stoppable computation (detail/stop.hpp)
    const bits_scope scope(bits);
    return interval(quantity(lift(args)...));
}

}  // namespace detail

}  // namespace shannon::exact

SHANNON_FP_CONTRACT_RESTORE
