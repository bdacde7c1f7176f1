// shannon/exact/settings.hpp — the limits of the oracle's search for a correctly rounded result, the
// checks of the precisions a caller gives, and the precision cap of one call (no Boost).
#pragma once

#include <algorithm>
#include <cstddef>
#include <ranges>
#include <string>
#include <type_traits>

#include "../core/error.hpp"

namespace shannon::exact {

/// Limits of the search for a correctly rounded result.
struct settings {
    /// Precision of the first evaluation, in bits.
    unsigned start_bits = 128;
    /// The precision is doubled up to this cap (bits); beyond it the result is undetermined.
    unsigned max_bits = 1U << 16;
    /// Try the double-double fast path first (entropy, cross-entropy, KL, generalized KL; round()
    /// only: digits() always tries its fixed-point path).
    bool fast = true;
    /// Inputs of at least this many terms are split across the machine's cores (0: never).
    std::size_t parallel_from = std::size_t{1} << 16U;
    /// The work budget of the general path: its precision (bits) times the count of input numbers.
    /// The precision is doubled while this product stays within it (and within max_bits), though
    /// always up to 1024 bits: a value so close to a rounding boundary that 10^4 inputs would need
    /// 65536 bits is then reported undetermined after about a second, not after minutes.
    std::size_t max_work = std::size_t{1} << 26U;
};


namespace detail {

/// The largest precision an oracle call takes (bits): 2^20 bits is about 315,000 digits; beyond it
/// one number takes more than a megabyte and one operation seconds.
inline constexpr unsigned max_precision_bits = 1U << 20U;

/// Checks a precision given by the caller (bits) against [2, max_precision_bits].
inline void check_bits(const char* function, unsigned bits) {
    if (bits < 2 || bits > max_precision_bits) {
        shannon::detail::fail<shannon::invalid_argument>(function, "argument 'bits' is ", bits,
                                                         ": the precision must lie in [2, ", max_precision_bits, "] bits");
    }
}

/// The count of numbers in an input (a scalar or a text number: 1; a range: those of its elements;
/// integers, labels and options: 0).
template <class A>
[[nodiscard]] std::size_t numbers_in(const A& a) {
    if constexpr (std::is_floating_point_v<A> || std::is_same_v<A, std::string>) {
        return 1;
    } else if constexpr (std::ranges::range<A>) {
        std::size_t n = 0;
        for (const auto& e : a) {
            n += numbers_in(e);
        }
        return n;
    } else {
        return 0;
    }
}

/// The precision cap of one call: `cap` within settings::max_work for inputs of n numbers, though
/// at least 1024 bits (and at least `floor`).
[[nodiscard]] inline unsigned capped_bits(const settings& s, unsigned cap, std::size_t n, unsigned floor = 0) {
    const std::size_t by_work = std::max<std::size_t>(n == 0 ? cap : s.max_work / n, 1024);
    return std::max(static_cast<unsigned>(std::min<std::size_t>(cap, by_work)), floor);
}

template <class... Args>
[[nodiscard]] std::size_t numbers_in_all(const Args&... args) {
    return (std::size_t{0} + ... + numbers_in(args));
}

inline void check_settings(const settings& s) {
    if (s.max_bits > max_precision_bits || s.start_bits > max_precision_bits) {
        shannon::detail::fail<shannon::invalid_argument>("exact::settings", "start_bits ", s.start_bits, " and max_bits ",
                                                         s.max_bits, " must be at most ", max_precision_bits);
    }
}
}  // namespace detail

}  // namespace shannon::exact
