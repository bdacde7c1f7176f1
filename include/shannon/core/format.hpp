// shannon/core/format.hpp — the binary floating-point formats (binary64, binary32, bfloat16,
// binary16): their names, precisions and exponent ranges, and the rounding of a double to each. One
// type for the oracle's target formats and the frameworks' tensor dtypes (no Boost, no MPFR).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon {

/// The binary floating-point formats: what the oracle rounds a result to (shannon::exact) and the
/// dtype of a framework's tensors (shannon::profiles::dtype, the same type), by their IEEE names or
/// their NumPy/PyTorch names (float64 is binary64, float32 binary32, float16 binary16).
enum class format {
    binary64,
    binary32,
    bfloat16,
    binary16,
    float64 = binary64,
    float32 = binary32,
    float16 = binary16,
};

/// The format a name gives: its IEEE name (binary64, binary32, binary16), its NumPy/PyTorch dtype
/// (float64, float32, float16) or bfloat16; nullopt for any other name (the command line and the
/// Python module turn that into their own message).
[[nodiscard]] inline std::optional<format> format_named(std::string_view name) {
    constexpr std::pair<std::string_view, format> names[] = {
        {"binary64", format::binary64}, {"float64", format::binary64}, {"binary32", format::binary32},
        {"float32", format::binary32},  {"bfloat16", format::bfloat16}, {"binary16", format::binary16},
        {"float16", format::binary16}};
    for (const auto& [n, f] : names) {
        if (n == name) {
            return f;
        }
    }
    return std::nullopt;
}

/// Precision (with the implicit bit), and the exponents of the smallest and largest normal numbers.
struct format_traits {
    /// Bits of precision, with the implicit bit (53, 24, 8, 11).
    int precision;
    /// Exponent of the smallest normal number (x = 2^emin).
    int emin;
    /// Exponent of the largest finite number's binade (x < 2^(emax + 1)).
    int emax;
};

/// The format's precision and exponent range.
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

/// The format's IEEE name (bfloat16 for bfloat16).
[[nodiscard]] constexpr const char* format_name(format f) noexcept {
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

/// x rounded to the format, to nearest with ties to even (once: x is exact as a double); values
/// beyond the format's largest finite number round to infinity. NaN, infinities and zeros stay.
[[nodiscard]] inline double round_to_format(double x, format f) {
    if (f == format::binary64 || x == 0 || !std::isfinite(x)) {
        return x;
    }
    if (f == format::binary32) {
        return static_cast<double>(static_cast<float>(x));
    }
    const format_traits t = traits(f);
    // Round the significand to t.precision bits (fewer below the normal range) by adding and
    // subtracting a power of two whose ulp is the format's ulp at x: the sum is rounded to nearest
    // even by the addition itself, and the subtraction is exact (its zero is +0: the sign is x's).
    const int e = std::max(std::ilogb(x), t.emin);
    if (e > t.emax) {
        return std::copysign(std::numeric_limits<double>::infinity(), x);  // |x| >= 2^(emax + 1)
    }
    const double big = std::copysign(std::ldexp(1.0, e - t.precision + 1 + 52), x);
    const double r = std::copysign((x + big) - big, x);
    const double largest = std::ldexp(2.0 - std::ldexp(1.0, 1 - t.precision), t.emax);
    if (std::abs(r) > largest) {
        return std::copysign(std::numeric_limits<double>::infinity(), x);
    }
    return r;
}

}  // namespace shannon

SHANNON_FP_CONTRACT_RESTORE
