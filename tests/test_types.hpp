// tests/test_types.hpp — the number type a test executable is built for, chosen by a macro so that
// each type is its own executable (own counts, parallel builds):
//   -DSHANNON_TEST_TYPE_float / _double / _long_double / _cpp_bin_float_50 / _cpp_bin_float_100 /
//    _mpfr_float_50 / _mpfr_float_1000 / _mpfi_float_50
#pragma once

// shannon's core header first: it includes no Boost header, and must still give Boost's types their
// guard digits (checked below).
#include <shannon/shannon.hpp>

#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/mpfi.hpp>
#include <boost/multiprecision/mpfr.hpp>

#include <shannon/numbers/mpfi.hpp>
#include <shannon/numbers/mpfr.hpp>

#include <boost/version.hpp>

#ifdef SHANNON_EXPECT_BOOST_VERSION
static_assert(BOOST_VERSION / 100 == SHANNON_EXPECT_BOOST_VERSION, "the tests were built with another Boost than asked for");
#endif

namespace test_types {
namespace bmp = boost::multiprecision;

#if defined(SHANNON_TEST_TYPE_float)
using T = float;
inline constexpr const char* name = "float";
#elif defined(SHANNON_TEST_TYPE_double)
using T = double;
inline constexpr const char* name = "double";
#elif defined(SHANNON_TEST_TYPE_long_double)
using T = long double;
inline constexpr const char* name = "long double";
#elif defined(SHANNON_TEST_TYPE_cpp_bin_float_50)
using T = bmp::cpp_bin_float_50;
inline constexpr const char* name = "cpp_bin_float_50";
#elif defined(SHANNON_TEST_TYPE_cpp_bin_float_100)
using T = bmp::cpp_bin_float_100;
inline constexpr const char* name = "cpp_bin_float_100";
#elif defined(SHANNON_TEST_TYPE_mpfr_float_50)
using T = bmp::mpfr_float_50;
inline constexpr const char* name = "mpfr_float_50";
#elif defined(SHANNON_TEST_TYPE_mpfr_float_1000)
using T = bmp::mpfr_float;  // variable precision, set to 1000 digits by setup()
inline constexpr const char* name = "mpfr_float (1000 digits)";
#define SHANNON_TEST_VARIABLE_PRECISION 1000
#elif defined(SHANNON_TEST_TYPE_mpfi_float_50)
using T = bmp::mpfi_float_50;
inline constexpr const char* name = "mpfi_float_50";
#else
#error "define one SHANNON_TEST_TYPE_xxx"
#endif

inline constexpr bool interval = shannon::is_interval_v<T>;

#ifndef SHANNON_TEST_VARIABLE_PRECISION
// Every fixed-precision type is evaluated with guard digits (12 decimal digits for Boost's decimal
// types; a double word for double; double for float).
static_assert(!std::is_same_v<shannon::working_t<T>, T>);
static_assert(std::is_floating_point_v<T> || std::numeric_limits<shannon::working_t<T>>::digits10 >=
                                                 std::numeric_limits<T>::digits10 + 12);
#endif

/// Sets the default precision of a variable-precision type (once, before any value is made).
inline void setup() {
#ifdef SHANNON_TEST_VARIABLE_PRECISION
    T::default_precision(SHANNON_TEST_VARIABLE_PRECISION);
#endif
}

/// Binary digits of T (for variable precision: at the current default precision).
inline int digits() {
#ifdef SHANNON_TEST_VARIABLE_PRECISION
    return static_cast<int>(bmp::detail::digits10_2_2(T::default_precision()));
#else
    if constexpr (interval) {
        return std::numeric_limits<bmp::number<bmp::mpfr_float_backend<50>>>::digits;
    } else {
        return std::numeric_limits<T>::digits;
    }
#endif
}

// tests/core/accuracy.cpp: the worst error per quantity after a run that ran its suite (else nothing).
void print_accuracy_report();

}  // namespace test_types
