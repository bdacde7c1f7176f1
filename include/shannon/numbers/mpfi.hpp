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

}  // namespace shannon
