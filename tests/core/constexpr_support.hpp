// tests/core/constexpr_support.hpp — shared by the compile-time/run-time identity tests: a constexpr
// generator of inputs and the bitwise comparison of results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace constexpr_support {

/// SplitMix64's finalizer: a constexpr hash of an index into 64 well-mixed bits.
constexpr std::uint64_t mix(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31U);
}

/// Bitwise equality; for x87 long double only the 80 significant bits (the rest is padding).
template <class F>
bool same_bits(F a, F b) {
    constexpr std::size_t n = std::is_same_v<F, long double> ? 10 : sizeof(F);
    return std::memcmp(&a, &b, n) == 0;
}

}  // namespace constexpr_support
