// shannon/detail/simd.hpp — four binary64 lanes and the double-double building blocks of the
// oracle's vector kernels (exact/fast.hpp, sum_exp.hpp).
//
// The kernels are written once for a scalar V = double and for V = vd4 (GCC/Clang vector extensions).
// On x86-64 they are compiled for AVX2 + FMA (SHANNON_FAST_TARGET) and used only when the CPU has
// both (cpu_supported()); elsewhere the callers take their portable paths. The hottest ones (the
// exponentials of sum_exp.hpp) also run in eight lanes where the CPU has AVX-512 (simd_level(),
// detail/lanes.inc).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "../numbers/double_word.hpp"
#include "fp_contract.hpp"

// SHANNON_NO_X86_KERNELS compiles what a CPU other than x86-64 compiles (the tests build it so).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(SHANNON_NO_X86_KERNELS)
#include <immintrin.h>
#define SHANNON_FAST_X86 1
#define SHANNON_FAST_TARGET __attribute__((target("avx2,fma")))
#else
#define SHANNON_FAST_TARGET
#endif
// The kernels' building blocks are forced inline: a call boundary in the vector loop costs more
// than the arithmetic it wraps.
#define SHANNON_FAST_INLINE SHANNON_FAST_TARGET __attribute__((always_inline))

SHANNON_FP_CONTRACT_OFF

// Without x86's target attributes the four-lane types below are GCC vector types of 32 bytes, whose
// passing by value GCC notes may differ from code built with AVX (-Wpsabi). These functions are inline
// and every user of a build is compiled alike, so the note is not a hazard here.
#if !defined(SHANNON_FAST_X86) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
#define SHANNON_PSABI_POP 1
#endif

namespace shannon::exact::fast::detail {

/// Four binary64 lanes, and the same as 64-bit integers.
using vd4 = double __attribute__((vector_size(32)));
using vu4 = std::uint64_t __attribute__((vector_size(32)));

template <class V>
struct ddv {
    V hi;
    V lo;
};

template <class V>
struct bits_of {
    using type = std::uint64_t;
};
template <>
struct bits_of<vd4> {
    using type = vu4;
};

SHANNON_FAST_TARGET inline std::uint64_t as_bits(double x) { return std::bit_cast<std::uint64_t>(x); }
SHANNON_FAST_TARGET inline vu4 as_bits(vd4 x) { return reinterpret_cast<vu4>(x); }
SHANNON_FAST_TARGET inline double from_bits(std::uint64_t b) { return std::bit_cast<double>(b); }
SHANNON_FAST_TARGET inline vd4 from_bits(vu4 b) { return reinterpret_cast<vd4>(b); }

SHANNON_FAST_TARGET inline double fma_(double a, double b, double c) { return __builtin_fma(a, b, c); }
SHANNON_FAST_TARGET inline vd4 fma_(vd4 a, vd4 b, vd4 c) {
#if defined(SHANNON_FAST_X86)
    return _mm256_fmadd_pd(a, b, c);
#else
    vd4 r;
    for (int j = 0; j < 4; ++j) {
        r[j] = __builtin_fma(a[j], b[j], c[j]);
    }
    return r;
#endif
}
SHANNON_FAST_TARGET inline double abs_(double x) { return from_bits(as_bits(x) & 0x7fffffffffffffffULL); }
SHANNON_FAST_TARGET inline vd4 abs_(vd4 x) { return from_bits(as_bits(x) & 0x7fffffffffffffffULL); }

template <class V>
SHANNON_FAST_TARGET inline ddv<V> two_sum(V a, V b) {
    const V s = a + b;
    const V bb = s - a;
    return {s, (a - (s - bb)) + (b - bb)};
}

/// |a| >= |b| or a = 0.
template <class V>
SHANNON_FAST_TARGET inline ddv<V> fast_two_sum(V a, V b) {
    const V s = a + b;
    return {s, b - (s - a)};
}

/// a b = hi + lo exactly (the callers' operands neither overflow nor underflow).
template <class V>
SHANNON_FAST_TARGET inline ddv<V> two_prod(V a, V b) {
    const V p = a * b;
    return {p, fma_(a, b, -p)};
}

template <class V>
SHANNON_FAST_TARGET inline ddv<V> mul(const ddv<V>& x, const ddv<V>& y) {
    ddv<V> p = two_prod(x.hi, y.hi);
    p.lo += x.hi * y.lo + x.lo * y.hi;
    return fast_two_sum(p.hi, p.lo);
}

/// x + y for operands that do not cancel (|x + y| >= max(|x|, |y|)/2).
template <class V>
SHANNON_FAST_TARGET inline ddv<V> add(const ddv<V>& x, const ddv<V>& y) {
    ddv<V> s = two_sum(x.hi, y.hi);
    s.lo += x.lo + y.lo;
    return fast_two_sum(s.hi, s.lo);
}

using vi4 = std::int64_t __attribute__((vector_size(32)));

SHANNON_FAST_INLINE inline bool all_(vi4 m) {
#if defined(SHANNON_FAST_X86)
    return _mm256_movemask_pd(reinterpret_cast<__m256d>(m)) == 0xF;
#else
    return m[0] != 0 && m[1] != 0 && m[2] != 0 && m[3] != 0;
#endif
}

SHANNON_FAST_INLINE inline bool none_(vi4 m) {
#if defined(SHANNON_FAST_X86)
    return _mm256_movemask_pd(reinterpret_cast<__m256d>(m)) == 0;
#else
    return m[0] == 0 && m[1] == 0 && m[2] == 0 && m[3] == 0;
#endif
}

/// Lane-wise m ? a : b (m from a vector comparison: all ones or all zeros per lane).
SHANNON_FAST_INLINE inline vd4 select_(vi4 m, vd4 a, vd4 b) {
    return reinterpret_cast<vd4>((reinterpret_cast<vi4>(a) & m) | (reinterpret_cast<vi4>(b) & ~m));
}

template <class T>
SHANNON_FAST_TARGET inline vd4 load4(const T* p) {
    return vd4{static_cast<double>(p[0]), static_cast<double>(p[1]), static_cast<double>(p[2]), static_cast<double>(p[3])};
}

/// The kernels' reader of binary64 input: get(i) = p[i]. One named type, so that a kernel is
/// compiled once for every caller that reads an array.
struct array_reader {
    const double* p;
    [[nodiscard]] double operator()(std::size_t i) const { return p[i]; }
    /// The reader of the elements from k on.
    [[nodiscard]] array_reader offset(std::size_t k) const { return {p + k}; }
};

/// A running sum of double words (the kernels' technique): the high words by TwoSum (exact), the low
/// words and the TwoSum errors into one accumulator, and the sum of that accumulator's magnitudes
/// after each addition, which bounds its roundings (2^-53 of it). V is double, or vd4 for four lanes.
template <class V>
struct running_words {
    V hi{};
    V lo{};
    V lo_mag{};
};

/// Adds h + l (portable scalar code).
inline void add_word(running_words<double>& s, double h, double l) {
    const double_word<double> t = double_word_arith::two_sum(s.hi, h);
    s.hi = t.hi;
    s.lo += t.lo;
    s.lo_mag += std::abs(s.lo);
    s.lo += l;
    s.lo_mag += std::abs(s.lo);
}

#if defined(SHANNON_FAST_X86)
/// Adds h + l lane by lane.
SHANNON_FAST_INLINE inline void add_word(running_words<vd4>& s, vd4 h, vd4 l) {
    const ddv<vd4> t = two_sum(s.hi, h);
    s.hi = t.hi;
    s.lo += t.lo;
    s.lo_mag += abs_(s.lo);
    s.lo += l;
    s.lo_mag += abs_(s.lo);
}
#endif

/// Adds the four lanes' sums into a scalar one.
inline void merge_lanes(running_words<double>& s, const running_words<vd4>& v) {
    for (int l = 0; l < 4; ++l) {
        add_word(s, v.hi[l], v.lo[l]);
        s.lo_mag += v.lo_mag[l];
    }
}

/// The widest vector code the oracle's kernels run on this CPU: 0 the portable scalar code, 1 four
/// lanes (x86-64 with AVX2 and FMA), 2 eight lanes (also AVX-512 F, DQ and VL: sum_exp.hpp's
/// exponentials). The environment variable SHANNON_SIMD, read once, lowers it (portable, avx2 or
/// avx512; any other value is ignored): for tests of the narrower paths on a wide CPU, and for
/// benchmarks. Every level gives the same correctly rounded results; only the time and the
/// enclosures' widths differ. Elsewhere than x86-64: 1 (the kernels' generic vector code).
[[nodiscard]] inline int simd_level() {
#if defined(SHANNON_FAST_X86)
    static const int level = [] {
        int l = 0;
        if (__builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0) {
            l = 1;
            if (__builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512dq") != 0 &&
                __builtin_cpu_supports("avx512vl") != 0) {
                l = 2;
            }
        }
        if (const char* cap = std::getenv("SHANNON_SIMD")) {  // NOLINT(concurrency-mt-unsafe): read once
            const std::string_view c(cap);
            const int most = c == "portable" ? 0 : c == "avx2" ? 1 : c == "avx512" ? 2 : l;
            l = std::min(l, most);
        }
        return l;
    }();
    return level;
#else
    return 1;
#endif
}

/// Whether this CPU runs the four-lane kernels (x86-64: AVX2 and FMA, unless SHANNON_SIMD says
/// portable; elsewhere always).
[[nodiscard]] inline bool cpu_supported() { return simd_level() >= 1; }

}  // namespace shannon::exact::fast::detail

#if defined(SHANNON_PSABI_POP)
#pragma GCC diagnostic pop
#undef SHANNON_PSABI_POP
#endif

SHANNON_FP_CONTRACT_RESTORE
