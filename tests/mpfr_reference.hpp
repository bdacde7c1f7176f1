// tests/mpfr_reference.hpp — the correct rounding of log, log1p, exp, expm1 (and of any MPFR value)
// to float, double and long double, by MPFR at the format's own precision and exponent range with
// subnormals emulated: the independent reference of tests/core/elementary_worst.cpp and
// bench/sweep_binary32.cpp; and shannon's functions under the same names, to check against it.
#pragma once

#include <mpfr.h>

#include <limits>
#include <type_traits>

#include <shannon/core/elementary.hpp>

namespace mpfr_reference {

enum class fn { log, log1p, exp, expm1 };
inline const char* const names[] = {"log", "log1p", "exp", "expm1"};

/// Runs `compute(out)` (which returns MPFR's ternary value) at F's precision within F's exponent range,
/// then subnormalizes: out holds the correct rounding of the exact value in F, which it returns.
template <class F, class Compute>
F in_format(Compute compute) {
    using lim = std::numeric_limits<F>;
    const mpfr_exp_t old_min = mpfr_get_emin();
    const mpfr_exp_t old_max = mpfr_get_emax();
    mpfr_set_emin(lim::min_exponent - lim::digits + 1);
    mpfr_set_emax(lim::max_exponent);
    mpfr_t out;
    mpfr_init2(out, lim::digits);
    int t = compute(out);
    t = mpfr_check_range(out, t, MPFR_RNDN);
    mpfr_subnormalize(out, t, MPFR_RNDN);
    F r;
    if constexpr (std::is_same_v<F, float>) {
        r = mpfr_get_flt(out, MPFR_RNDN);
    } else if constexpr (std::is_same_v<F, double>) {
        r = mpfr_get_d(out, MPFR_RNDN);
    } else {
        r = mpfr_get_ld(out, MPFR_RNDN);
    }
    mpfr_clear(out);
    mpfr_set_emin(old_min);
    mpfr_set_emax(old_max);
    return r;
}

/// v rounded once to F (v computed at a much higher precision: the double rounding is then below
/// anything a test distinguishes).
template <class F>
F round_to(mpfr_srcptr v) {
    return in_format<F>([v](mpfr_ptr out) { return mpfr_set(out, v, MPFR_RNDN); });
}

/// f(x) correctly rounded to F.
template <class F>
F elementary(fn f, F x) {
    mpfr_t in;
    mpfr_init2(in, std::numeric_limits<F>::digits);
    mpfr_set_ld(in, static_cast<long double>(x), MPFR_RNDN);  // exact
    const F r = in_format<F>([&](mpfr_ptr out) {
        switch (f) {
            case fn::log: return mpfr_log(out, in, MPFR_RNDN);
            case fn::log1p: return mpfr_log1p(out, in, MPFR_RNDN);
            case fn::exp: return mpfr_exp(out, in, MPFR_RNDN);
            case fn::expm1: return mpfr_expm1(out, in, MPFR_RNDN);
        }
        return 0;
    });
    mpfr_clear(in);
    return r;
}

/// shannon's correctly rounded f(x) (elementary.hpp).
template <class F>
F shannon_of(fn f, F x) {
    switch (f) {
        case fn::log: return shannon::correctly_rounded::log(x);
        case fn::log1p: return shannon::correctly_rounded::log1p(x);
        case fn::exp: return shannon::correctly_rounded::exp(x);
        case fn::expm1: return shannon::correctly_rounded::expm1(x);
    }
    return 0;
}

}  // namespace mpfr_reference
