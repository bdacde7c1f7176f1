// shannon/numbers/mpfr.hpp — MPFR number types (boost::multiprecision::mpfr_float_backend) in shannon.
//
// Include this header (and link libmpfr, libgmp) to give MPFR types their guard digits: a fixed
// precision mpfr_float_backend<D> is evaluated in mpfr_float_backend<D + 12>; the variable-precision
// mpfr_float evaluates each call at the thread's default precision plus 12 digits and rounds the
// result to the default precision the caller had set.
#pragma once

#include <boost/multiprecision/mpfr.hpp>

#include "../detail/default_precision.hpp"
#include "traits.hpp"

namespace shannon {

/// MPFR numbers of D digits are evaluated with 12 guard digits.
template <unsigned D, boost::multiprecision::mpfr_allocation_type A,
          boost::multiprecision::expression_template_option ET>
    requires(D > 0)
struct number_traits<boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<D, A>, ET>>
    : default_number_traits<boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<D, A>, ET>> {
    /// mpfr_float_backend<D + 12>.
    using working = boost::multiprecision::number<
        boost::multiprecision::mpfr_float_backend<D + detail::guard_digits10, A>, ET>;
};

namespace detail {

/// The evaluation scope of the variable-precision MPFR type: raises the thread's default precision
/// by 12 digits for the call and rounds the result back to the caller's precision.
template <class Number>
struct mpfr_precision_scope {
    /// Raises the thread's default precision by 12 digits (see detail/default_precision.hpp).
    mpfr_precision_scope() : scope_(guard_digits10, true) {}

    // Boost's assignment keeps the source's precision, so the rounding is done by MPFR itself.
    /// The working-precision result rounded (by MPFR, to nearest) to the caller's precision.
    [[nodiscard]] Number round(const Number& w) const {
        Number r;
        r.precision(scope_.saved());
        mpfr_set(r.backend().data(), w.backend().data(), MPFR_RNDN);
        return r;
    }

private:
    default_precision_scope<Number> scope_;
};

}  // namespace detail

/// Variable-precision MPFR (mpfr_float): evaluated in itself at the thread's default precision
/// raised by 12 digits for the call, its inputs copied at that precision, the result rounded back
/// to the caller's precision.
template <boost::multiprecision::expression_template_option ET>
struct number_traits<boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<0>, ET>>
    : default_number_traits<boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<0>, ET>> {
    /// The variable-precision MPFR number.
    using number = boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<0>, ET>;
    /// Raises the precision for the call (see detail::mpfr_precision_scope).
    using scope = detail::mpfr_precision_scope<number>;

    /// x at the working precision (exact for every input narrower than it): Boost's copy would keep
    /// the source's precision, and every later operation would inherit it.
    template <class T>
    [[nodiscard]] static number convert(const T& x) {
        number w;  // at the (raised) default precision
        if constexpr (std::is_same_v<T, number>) {
            mpfr_set(w.backend().data(), x.backend().data(), MPFR_RNDN);
        } else {
            w = x;
        }
        return w;
    }
};

/// log Gamma and digamma of MPFR numbers: mpfr_lngamma and mpfr_digamma, correctly rounded to
/// nearest at the argument's precision; NaN at or below 0.
template <unsigned D, boost::multiprecision::mpfr_allocation_type A, boost::multiprecision::expression_template_option ET>
struct gamma_functions<boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<D, A>, ET>> {
    /// The MPFR number type.
    using number = boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<D, A>, ET>;
    /// log Gamma(x), correctly rounded at x's precision.
    [[nodiscard]] static number lgamma(const number& x) { return apply(x, mpfr_lngamma); }
    /// digamma(x), correctly rounded at x's precision.
    [[nodiscard]] static number digamma(const number& x) { return apply(x, mpfr_digamma); }

private:
    [[nodiscard]] static number apply(const number& x, int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t)) {
        number r = x;
        if (mpfr_sgn(x.backend().data()) <= 0 && !mpfr_nan_p(x.backend().data())) {
            mpfr_set_nan(r.backend().data());
        } else {
            f(r.backend().data(), x.backend().data(), MPFR_RNDN);
        }
        return r;
    }
};

}  // namespace shannon
