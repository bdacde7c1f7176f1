// shannon/exact.hpp — the oracle: correctly rounded results, enclosures and ULP errors for any
// quantity of the core at floating-point inputs taken as exact numbers.
//
//   shannon::exact::round(format::binary64, shannon::kl_divergence, p, q)   -> the correctly rounded value
//   shannon::exact::digits(50, shannon::entropy, p)                         -> 50 correct significant digits
//   shannon::exact::enclose(256, shannon::kl_divergence, p, q)              -> [lo, hi] at 256 bits
//   shannon::exact::ulp_error(candidate, format::binary32, shannon::kl_divergence, p, q)
//
// The quantity is any function object of the core (or a lambda calling one); the inputs are scalars
// and ranges (and ranges of rows) of float or double, integers (labels, class indices) and options,
// exactly as the core takes them. Each floating-point input is lifted exactly into an MPFI interval
// (boost::multiprecision::mpfi_float) and the core's own generic code computes an enclosure of the
// exact value (Ziv's strategy): at 128 bits, then doubling the precision until both ends of the
// enclosure round to the same result. Rounding each end directly to the target (never through an
// intermediate format) makes the agreement of the two ends the proof that the result is the
// correctly rounded one. A result that is exactly 0 (the entropy of a one-hot, KL(P||P)) comes out
// as the point [0, 0]; a value too close to 0 (or to a rounding boundary) to decide within the
// precision cap is reported as undetermined with the bound |value| < 2^-k that was proved.
//
// This is the general path: a few microseconds per term and precision step. Entropy, perplexity,
// cross-entropy, KL and generalized KL of contiguous float/double ranges first try the
// double-double fast path of exact/fast.hpp (settings::fast), whose Ziv test either
// proves the same correctly rounded result or hands over to this path; every other quantity of
// binary inputs is first evaluated by its own generic formula in certified double-double balls
// (numbers/ball.hpp, exact/ball_path.hpp: rounded::ball), likewise decided by Ziv's test or handed
// over. For up to 60 digits of those five measures, exact::digits first tries the 256-bit fixed-point
// path of exact/fixed.hpp (up to 20 digits of the rest, the ball), which likewise hands over when
// its enclosure does not decide them; exact::enclose_fast gives those paths' enclosures.
//
// The oracle's parts (include/shannon/exact/): format.hpp (the formats and the rounded result),
// settings.hpp (the search's limits), lift.hpp (inputs lifted exactly into MPFI intervals or balls),
// print.hpp (decimal digits), fast.hpp and fixed.hpp (the double-double and fixed-point kernels) with
// fast_calls.hpp (which quantities they compute), ball_path.hpp (the ball path), general.hpp (the MPFI
// path), round.hpp (the entry points) and report.hpp (a summary of ulp errors). This header includes
// them all.
#pragma once

#include "exact/accumulator.hpp" // IWYU pragma: export
#include "exact/ball_path.hpp"   // IWYU pragma: export
#include "exact/fast_calls.hpp"  // IWYU pragma: export
#include "exact/format.hpp"      // IWYU pragma: export
#include "exact/general.hpp"     // IWYU pragma: export
#include "exact/lift.hpp"        // IWYU pragma: export
#include "exact/print.hpp"       // IWYU pragma: export
#include "exact/renyi_fast.hpp"  // IWYU pragma: export
#include "exact/report.hpp"      // IWYU pragma: export
#include "exact/round.hpp"       // IWYU pragma: export
#include "exact/settings.hpp"    // IWYU pragma: export
#include "exact/table_fast.hpp"  // IWYU pragma: export
