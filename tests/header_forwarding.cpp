// tests/header_forwarding.cpp — the include paths of the layout before issue 17 still compile: each
// forwards to its header's place in core/, numbers/ or exact/.
#include <shannon/ball.hpp>
#include <shannon/double_word.hpp>
#include <shannon/dyadic.hpp>
#include <shannon/elementary.hpp>
#include <shannon/error.hpp>
#include <shannon/exact_fast.hpp>
#include <shannon/exact_fixed.hpp>
#include <shannon/likelihood.hpp>
#include <shannon/losses.hpp>
#include <shannon/math.hpp>
#include <shannon/measures.hpp>
#include <shannon/mpfi.hpp>
#include <shannon/mpfr.hpp>
#include <shannon/number_traits.hpp>
#include <shannon/options.hpp>

// Names from each: a forwarding header that lost its target would not declare them.
static_assert(sizeof(shannon::numbers::dd_ball) > 0 && sizeof(shannon::numbers::dyadic_interval<>) > 0);
using forwarded_mpfr = shannon::working_t<boost::multiprecision::mpfr_float_50>;
