// shannon/exact/format.hpp — the formats a result is rounded to (core/format.hpp's shannon::format),
// and the rounded result (no Boost, no MPFR: what a front end needs to name a format and print a
// result).
#pragma once

#include "../core/format.hpp"

namespace shannon::exact {

using shannon::format;
using shannon::format_named;
using shannon::format_traits;
using shannon::traits;

/// The format's IEEE name (binary64, binary32, bfloat16, binary16).
[[nodiscard]] constexpr const char* name(format f) noexcept { return format_name(f); }

/// A correctly rounded result. Every supported format is a subset of binary64, so `value` holds
/// the result exactly whatever the format.
struct rounded {
    /// The result rounded to the format, held exactly in a double (NaN and ±inf included).
    double value = 0;
    /// false when the cap was reached: the exact value lies in [-2^bound_log2, 2^bound_log2] (or
    /// within the final enclosure, which straddles a rounding boundary).
    bool determined = true;
    /// When undetermined: the exact value's magnitude is below 2^bound_log2 (LONG_MAX: the
    /// enclosure is unbounded).
    long bound_log2 = 0;
    /// The precision (bits) at which the two ends of the enclosure agreed (0 for the fast path).
    unsigned bits = 0;
    /// Decided by a double-double fast path (Ziv's test passed there): a kernel of exact/fast.hpp or,
    /// when `ball` is also set, the generic evaluation in certified double-double balls.
    bool fast = false;
    /// When undetermined: the two neighbouring results the ends of the final enclosure round to;
    /// the exact value lies between them, near the rounding boundary (their midpoint) that the
    /// enclosure straddles.
    double below = 0;
    /// When undetermined: the upper of the two neighbouring results (see below).
    double above = 0;
    /// When undetermined: the final enclosure is narrower than 2^width_log2 (how close to the
    /// boundary the value was proved to be; LONG_MAX: unbounded).
    long width_log2 = 0;
    /// Decided by the generic evaluation in certified double-double balls (ball.hpp; `fast` is set too).
    bool ball = false;
};

}  // namespace shannon::exact
