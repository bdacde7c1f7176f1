// proofs/proof.hpp — the vocabulary of the proofs: exact inputs and certain comparisons.
//
// Every file of proofs/ is a translation unit of static_asserts that the build compiles and never
// runs: the compiler evaluates shannon's own code on dyadic intervals (include/shannon/dyadic.hpp),
// whose results provably contain the exact values. A statement below holds for the exact real
// numbers, not for a floating-point approximation of them; if one were false the build would stop.
#pragma once

#include <array>
#include <cstddef>

#include <shannon/numbers/dyadic.hpp>
#include <shannon/shannon.hpp>

namespace proof {

using I = shannon::dyadic_interval<128>;
using D = shannon::dyadic<128>;

/// The exact rational n/d (an enclosure of it when it is not dyadic, e.g. 9/10 for the decimal 0.9).
[[nodiscard]] constexpr I q(long long n, long long d = 1) { return I::ratio(n, d); }

/// Certainly a < b: every point of a's enclosure lies below every point of b's.
[[nodiscard]] constexpr bool less(const I& a, const I& b) { return upper(a) < lower(b); }
/// Certainly x > 0.
[[nodiscard]] constexpr bool positive(const I& x) { return lower(x) > 0; }
/// Certainly 0 <= x.
[[nodiscard]] constexpr bool non_negative(const I& x) { return lower(x) >= 0; }
/// The enclosure of a difference that must vanish: it contains 0 and is narrower than 2^-bits.
[[nodiscard]] constexpr bool vanishes(const I& x, int bits = 100) {
    return zero_in(x) && width(x) < D::pow2(-bits);
}
/// a = b up to 2^-bits: the enclosure of a - b contains 0 and is narrower than 2^-bits.
[[nodiscard]] constexpr bool equal(const I& a, const I& b, int bits = 100) { return vanishes(a - b, bits); }
/// The value is exactly v (a point enclosure).
[[nodiscard]] constexpr bool exactly(const I& x, const D& v) { return lower(x) == v && upper(x) == v; }
/// lo <= x <= hi for the exact values, whatever the bounds' own enclosures (decimal bounds are
/// rationals: between(x, q(1053, 10000), q(1054, 10000))).
[[nodiscard]] constexpr bool between(const I& x, const I& lo, const I& hi) {
    return upper(lo) <= lower(x) && upper(x) <= lower(hi);
}
/// +inf exactly.
[[nodiscard]] constexpr bool infinite(const I& x) { return isinf(lower(x)) && lower(x) > 0; }

/// The floating-point number d is within one ulp of the exact value enclosed by x: every point of
/// x lies in [d - ulp(d), d + ulp(d)] (ulp of d's binade, the subnormal spacing below the normal range).
template <std::floating_point F>
[[nodiscard]] constexpr bool within_one_ulp(F d, const I& x) {
    constexpr int digits = std::numeric_limits<F>::digits;
    constexpr int min_normal = std::numeric_limits<F>::min_exponent - 1;
    const D v(d);
    const int e = v.is_zero() || v.ilogb() < min_normal ? min_normal - digits + 1 : v.ilogb() - digits + 1;
    const D ulp = D::pow2(e);
    return D::add(v, -ulp, shannon::numbers::rounding::down) <= lower(x) &&
           upper(x) <= D::add(v, ulp, shannon::numbers::rounding::up);
}

}  // namespace proof
