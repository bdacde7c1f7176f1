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
// This is the general path: a few microseconds per term and precision step. A double-double fast
// path for the common quantities is the next step (issue 4).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <ranges>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/multiprecision/mpfi.hpp>
#include <boost/multiprecision/mpfr.hpp>

#include "error.hpp"
#include "mpfi.hpp"
#include "mpfr.hpp"

namespace shannon::exact {

/// The binary formats a result can be rounded to (round to nearest, ties to even).
enum class format { binary64, binary32, bfloat16, binary16 };

/// Precision (with the implicit bit), and the exponents of the smallest and largest normal numbers.
struct format_traits {
    int precision;
    int emin;
    int emax;
};

[[nodiscard]] constexpr format_traits traits(format f) noexcept {
    switch (f) {
        case format::binary32:
            return {24, -126, 127};
        case format::bfloat16:
            return {8, -126, 127};
        case format::binary16:
            return {11, -14, 15};
        case format::binary64:
            break;
    }
    return {53, -1022, 1023};
}

[[nodiscard]] constexpr const char* name(format f) noexcept {
    switch (f) {
        case format::binary32:
            return "binary32";
        case format::bfloat16:
            return "bfloat16";
        case format::binary16:
            return "binary16";
        case format::binary64:
            break;
    }
    return "binary64";
}

/// Limits of the search for a correctly rounded result.
struct settings {
    /// Precision of the first evaluation, in bits.
    unsigned start_bits = 128;
    /// The precision is doubled up to this cap (bits); beyond it the result is undetermined.
    unsigned max_bits = 1U << 16;
};

/// A correctly rounded result. Every supported format is a subset of binary64, so `value` holds
/// the result exactly whatever the format.
struct rounded {
    double value = 0;
    /// false when the cap was reached: the exact value lies in [-2^bound_log2, 2^bound_log2] (or
    /// within the final enclosure, which straddles a rounding boundary).
    bool determined = true;
    long bound_log2 = 0;
    /// The precision (bits) at which the two ends of the enclosure agreed.
    unsigned bits = 0;
};

using interval = boost::multiprecision::mpfi_float;
using real = boost::multiprecision::mpfr_float;

namespace detail {

/// The exact MPFI image of an input: floating-point scalars and ranges of them become intervals
/// (points: every float and double is exact at any precision >= 53 bits), numbers given as text
/// (std::string) exact decimals or hex floats; integers, options and ranges of integers pass
/// through unchanged.
template <class A>
[[nodiscard]] auto lift(const A& a) {
    if constexpr (std::is_floating_point_v<A>) {
        return interval(a);
    } else if constexpr (std::is_same_v<A, std::string>) {
        // A number as text: hex floats and infinities are binary numbers (exact as doubles); a
        // decimal such as "0.1" is enclosed by MPFI at the working precision (mpfi_set_str).
        if (a.find_first_of("xXnN") != std::string::npos) {
            return interval(std::strtod(a.c_str(), nullptr));
        }
        interval x;
        x.backend() = a.c_str();  // mpfi_set_str: both ends rounded outward
        return x;
    } else if constexpr (std::ranges::range<A>) {
        using E = std::remove_cvref_t<std::ranges::range_value_t<A>>;
        if constexpr (std::is_integral_v<E>) {
            return std::vector<E>(std::ranges::begin(a), std::ranges::end(a));
        } else {
            using L = decltype(lift(std::declval<const E&>()));
            std::vector<L> out;
            for (const auto& e : a) {
                out.push_back(lift(e));
            }
            return out;
        }
    } else {
        return a;
    }
}

/// Rounds the exact value of an MPFR number to the format, to nearest with ties to even, once.
[[nodiscard]] inline double round_to(const real& x, format f) {
    const mpfr_srcptr src = x.backend().data();
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

/// Sets the default precision of new MPFR/MPFI numbers for the duration of one evaluation.
class bits_scope {
public:
    explicit bits_scope(unsigned bits)
        : digits_(interval::default_precision()), real_digits_(real::default_precision()) {
        const unsigned d = static_cast<unsigned>(std::ceil(bits * 0.30102999566398120)) + 1;
        interval::default_precision(d);
        real::default_precision(d);
    }
    bits_scope(const bits_scope&) = delete;
    bits_scope& operator=(const bits_scope&) = delete;
    ~bits_scope() {
        interval::default_precision(digits_);
        real::default_precision(real_digits_);
    }

private:
    unsigned digits_;
    unsigned real_digits_;
};

template <class Quantity, class... Args>
[[nodiscard]] interval evaluate(unsigned bits, const Quantity& quantity, const Args&... args) {
    const bits_scope scope(bits);
    return interval(quantity(lift(args)...));
}

/// N significant decimal digits of x ("d.ddd...e+X"), rounded to nearest, or down/up for the ends of
/// a printed enclosure.
[[nodiscard]] inline std::string decimal(const real& x, unsigned n, mpfr_rnd_t mode = MPFR_RNDN) {
    const mpfr_srcptr src = x.backend().data();
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

}  // namespace detail

/// An enclosure [lo, hi] of the exact value, computed at `bits` bits of precision (MPFR numbers at
/// that precision; lo and hi are rounded outward).
template <class Quantity, class... Args>
[[nodiscard]] std::pair<real, real> enclose(unsigned bits, const Quantity& quantity, const Args&... args) {
    const detail::bits_scope scope(bits);
    const interval r = detail::evaluate(bits, quantity, args...);
    return {real(lower(r)), real(upper(r))};
}

/// The exact value of quantity(args...) rounded to nearest (ties to even) in the format.
template <class Quantity, class... Args>
[[nodiscard]] rounded round(format f, const Quantity& quantity, const Args&... args) {
    return round(settings{}, f, quantity, args...);
}

template <class Quantity, class... Args>
[[nodiscard]] rounded round(const settings& s, format f, const Quantity& quantity, const Args&... args) {
    unsigned bits = std::max(s.start_bits, 64U);
    for (;; bits *= 2) {
        const interval r = detail::evaluate(bits, quantity, args...);
        const detail::bits_scope scope(bits);
        const real lo(lower(r));
        const real hi(upper(r));
        const double a = detail::round_to(lo, f);
        const double b = detail::round_to(hi, f);
        if (std::isnan(a) || std::isnan(b)) {
            // A NaN end: the quantity is undefined here (e.g. softmax of all -inf).
            return {std::numeric_limits<double>::quiet_NaN(), true, 0, bits};
        }
        if (a == b && std::signbit(a) == std::signbit(b)) {
            return {a, true, 0, bits};
        }
        if (a == b) {
            return {0.0, true, 0, bits};  // [-0, +0]: the value is 0 (a point enclosure of 0)
        }
        if (bits * 2 > s.max_bits) {
            rounded out;
            out.value = detail::round_to(real((lo + hi) / 2), f);
            out.determined = false;
            const real m = abs(lo) > abs(hi) ? real(abs(lo)) : real(abs(hi));
            out.bound_log2 = mpfr_zero_p(m.backend().data()) ? 0 : static_cast<long>(mpfr_get_exp(m.backend().data()));
            out.bits = bits;
            return out;
        }
    }
}

/// The exact value to n significant decimal digits, correctly rounded (1 <= n <= 10000).
template <class Quantity, class... Args>
[[nodiscard]] std::string digits(unsigned n, const Quantity& quantity, const Args&... args) {
    if (n < 1 || n > 10000) {
        shannon::detail::fail<shannon::invalid_argument>("exact::digits", "the number of digits must lie in [1, 10000], not ",
                                                         n);
    }
    const settings s;
    unsigned bits = std::max(s.start_bits, static_cast<unsigned>(n * 3.33) + 64);
    const unsigned cap = std::max(s.max_bits, 16 * bits);
    for (;; bits *= 2) {
        const interval r = detail::evaluate(bits, quantity, args...);
        const detail::bits_scope scope(bits);
        const std::string a = detail::decimal(real(lower(r)), n);
        const std::string b = detail::decimal(real(upper(r)), n);
        if (a == b) {
            return a;
        }
        if (lower(r) == 0 && upper(r) == 0) {
            return detail::decimal(real(0), n);
        }
        if (bits * 2 > cap) {
            return "undetermined: [" + a + ", " + b + "]";
        }
    }
}

/// The error of a candidate result in ulps of the format at the exact value, with its sign
/// (candidate - exact) / ulp(exact): 0.5 or less for a correctly rounded candidate. The ulp is that
/// of the exact value's binade in the format (the subnormal spacing below the normal range).
template <class Quantity, class... Args>
[[nodiscard]] double ulp_error(double candidate, format f, const Quantity& quantity, const Args&... args) {
    const unsigned bits = 256;
    const interval r = detail::evaluate(bits, quantity, args...);
    const detail::bits_scope scope(bits);
    const real exact_mid = real((real(lower(r)) + real(upper(r))) / 2);
    if (std::isnan(candidate) || mpfr_nan_p(exact_mid.backend().data())) {
        return std::isnan(candidate) && mpfr_nan_p(exact_mid.backend().data()) ? 0.0
                                                                              : std::numeric_limits<double>::infinity();
    }
    if (std::isinf(candidate) || mpfr_inf_p(exact_mid.backend().data())) {
        return candidate == static_cast<double>(exact_mid) ? 0.0 : std::numeric_limits<double>::infinity();
    }
    const format_traits t = traits(f);
    long e = t.emin;
    if (!mpfr_zero_p(exact_mid.backend().data())) {
        e = std::max<long>(mpfr_get_exp(exact_mid.backend().data()) - 1, t.emin);
    }
    const real ulp = ldexp(real(1), static_cast<int>(e - t.precision + 1));
    return static_cast<double>(real((real(candidate) - exact_mid) / ulp));
}

/// A summary of the ulp errors of many cases.
struct ulp_report {
    std::size_t cases = 0;
    double max_abs = 0;
    double mean_abs = 0;
    std::size_t worst_index = 0;
    std::size_t over = 0;  ///< cases above the threshold given to add()

    void add(double err, double threshold = 0.5) {
        const double a = std::abs(err);
        if (cases == 0 || a > max_abs) {
            max_abs = a;
            worst_index = cases;
        }
        mean_abs += (a - mean_abs) / static_cast<double>(cases + 1);
        over += a > threshold ? 1 : 0;
        ++cases;
    }
};

}  // namespace shannon::exact
