// shannon/numbers/mpfi.hpp — MPFI interval types (boost::multiprecision::mpfi_float_backend) in shannon.
//
// Include this header (and link libmpfi, libmpfr, libgmp) to evaluate quantities over intervals:
// the result of every quantity then encloses the exact value for every point of the input
// intervals. mpfi_float_backend<D> is evaluated in mpfi_float_backend<D + 12>; the conversion back is
// outward (mpfi_set), so the enclosure is kept.
#pragma once

#include <boost/multiprecision/mpfi.hpp>

#include "mpfr.hpp"
#include "traits.hpp"

namespace shannon {

/// MPFI intervals of D digits are evaluated with 12 guard digits.
template <unsigned D, boost::multiprecision::expression_template_option ET>
    requires(D > 0)
struct number_traits<boost::multiprecision::number<boost::multiprecision::mpfi_float_backend<D>, ET>>
    : default_number_traits<boost::multiprecision::number<boost::multiprecision::mpfi_float_backend<D>, ET>> {
    /// mpfi_float_backend<D + 12>.
    using working = boost::multiprecision::number<
        boost::multiprecision::mpfi_float_backend<D + detail::guard_digits10>, ET>;
};

/// log Gamma and digamma of MPFI intervals (MPFI has neither): enclosures from MPFR's directed
/// roundings at the two ends, using where each function is monotone on (0, inf) —
///  * digamma is increasing: [psi_down(lo), psi_up(hi)];
///  * lgamma decreases on (0, x0] and increases on [x0, inf), x0 = 1.46163214496836234126...:
///    hi <= 1.4616: [lgamma_down(hi), lgamma_up(lo)]; lo >= 1.4617: [lgamma_down(lo), lgamma_up(hi)];
///    otherwise (the interval may hold x0) the upper end is max(lgamma_up(lo), lgamma_up(hi)) and the
///    lower min(lgamma_down(lo), lgamma_down(hi)) - (hi - lo) / 10 when [lo, hi] lies in [1.4, 1.5]
///    (lgamma is convex and |digamma| <= 0.062 there, so lgamma(x) >= lgamma(e) - 0.062 |x - e| from
///    either end e), else -0.1215, below the minimum lgamma(x0) = -0.12148629053584960809...
/// Each end is computed at the interval's precision and rounded outward, so the result holds the
/// exact value at every point of the argument. An argument reaching 0 or below gives NaN.
template <unsigned D, boost::multiprecision::expression_template_option ET>
struct gamma_functions<boost::multiprecision::number<boost::multiprecision::mpfi_float_backend<D>, ET>> {
    /// The interval type.
    using number = boost::multiprecision::number<boost::multiprecision::mpfi_float_backend<D>, ET>;

    /// An enclosure of digamma over x (NaN when x reaches 0 or below).
    [[nodiscard]] static number digamma(const number& x) {
        return by_ends(x, [](mpfr_ptr lo, mpfr_ptr hi, mpfr_srcptr a, mpfr_srcptr b, mpfr_ptr) {
            mpfr_digamma(lo, a, MPFR_RNDD);
            mpfr_digamma(hi, b, MPFR_RNDU);
        });
    }

    /// An enclosure of log Gamma over x (NaN when x reaches 0 or below).
    [[nodiscard]] static number lgamma(const number& x) {
        return by_ends(x, [](mpfr_ptr lo, mpfr_ptr hi, mpfr_srcptr a, mpfr_srcptr b, mpfr_ptr t) {
            if (mpfr_cmp_d(b, 1.4616) <= 0) {  // decreasing
                mpfr_lngamma(lo, b, MPFR_RNDD);
                mpfr_lngamma(hi, a, MPFR_RNDU);
                return;
            }
            if (mpfr_cmp_d(a, 1.4617) >= 0) {  // increasing
                mpfr_lngamma(lo, a, MPFR_RNDD);
                mpfr_lngamma(hi, b, MPFR_RNDU);
                return;
            }
            mpfr_lngamma(hi, a, MPFR_RNDU);
            mpfr_lngamma(t, b, MPFR_RNDU);
            mpfr_max(hi, hi, t, MPFR_RNDU);
            if (mpfr_cmp_d(a, 1.4) >= 0 && mpfr_cmp_d(b, 1.5) <= 0) {
                mpfr_lngamma(lo, a, MPFR_RNDD);
                mpfr_lngamma(t, b, MPFR_RNDD);
                mpfr_min(lo, lo, t, MPFR_RNDD);
                mpfr_sub(t, b, a, MPFR_RNDU);
                mpfr_div_ui(t, t, 10, MPFR_RNDU);
                mpfr_sub(lo, lo, t, MPFR_RNDD);
            } else {
                mpfr_set_d(lo, -0.1215, MPFR_RNDD);
            }
        });
    }

private:
    template <class F>
    [[nodiscard]] static number by_ends(const number& x, const F& f) {
        number r = x;
        mpfi_srcptr v = x.backend().data();
        if (mpfi_nan_p(v) != 0 || mpfr_sgn(&v->left) <= 0) {
            mpfr_set_nan(&r.backend().data()->left);
            mpfr_set_nan(&r.backend().data()->right);
            return r;
        }
        const mpfr_prec_t prec = mpfi_get_prec(v);
        mpfr_t lo;
        mpfr_t hi;
        mpfr_t t;
        mpfr_inits2(prec, lo, hi, t, static_cast<mpfr_ptr>(nullptr));
        f(lo, hi, &v->left, &v->right, t);
        mpfi_interv_fr(r.backend().data(), lo, hi);
        mpfr_clears(lo, hi, t, static_cast<mpfr_ptr>(nullptr));
        return r;
    }
};

}  // namespace shannon
