// shannon/exact/print.hpp — significant decimal digits of an MPFR number, rounded as asked.
#pragma once

#include <string>

#include <mpfr.h>

#include "../detail/fp_contract.hpp"
#include "lift.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact {

namespace detail {

/// N significant decimal digits of x ("d.ddd...e+X"), rounded to nearest, or down/up for the ends of
/// a printed enclosure.
[[nodiscard]] inline std::string decimal(mpfr_srcptr src, unsigned n, mpfr_rnd_t mode = MPFR_RNDN) {
    if (mpfr_nan_p(src)) {
        return "nan";
    }
    if (mpfr_inf_p(src)) {
        return mpfr_sgn(src) > 0 ? "inf" : "-inf";
    }
    if (mpfr_zero_p(src)) {
        return n <= 1 ? "0" : "0." + std::string(n - 1, '0');
    }
    mpfr_exp_t exp10 = 0;
    char* s = mpfr_get_str(nullptr, &exp10, 10, n, src, mode);
    std::string mant(s);
    mpfr_free_str(s);
    std::string sign;
    if (!mant.empty() && mant[0] == '-') {
        sign = "-";
        mant.erase(0, 1);
    }
    std::string out = sign + mant.substr(0, 1);
    if (mant.size() > 1) {
        out += "." + mant.substr(1);
    }
    out += "e" + std::string(exp10 - 1 >= 0 ? "+" : "") + std::to_string(exp10 - 1);
    return out;
}

[[nodiscard]] inline std::string decimal(const real& x, unsigned n, mpfr_rnd_t mode = MPFR_RNDN) {
    return decimal(x.backend().data(), n, mode);
}

}  // namespace detail

}  // namespace shannon::exact

SHANNON_FP_CONTRACT_RESTORE
