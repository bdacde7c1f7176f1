// One implementation of each formula, every number type: KL(P||Q) for P = [0.5, 0.5], Q = [0.9,
// 0.1] in float, double, 50 decimal digits, MPFR at 1000 bits, an MPFI interval that encloses the
// exact value, and evaluated by the compiler.
#include <array>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <iomanip>
#include <iostream>
#include <shannon/numbers/mpfi.hpp>
#include <shannon/numbers/mpfr.hpp>
#include <shannon/shannon.hpp>

namespace bmp = boost::multiprecision;

template <class T>
T kl_of_the_example() {
    const std::array<T, 2> p{T(1) / 2, T(1) / 2};
    const std::array<T, 2> q{T(9) / 10, T(1) / 10};  // 0.9 and 0.1 rounded to T
    return shannon::kl_divergence(p, q);
}

int main() {
    std::cout << std::setprecision(9) << "float:             " << kl_of_the_example<float>()
              << '\n';
    std::cout << std::setprecision(17) << "double:            " << kl_of_the_example<double>()
              << '\n';
    std::cout << std::setprecision(50)
              << "cpp_bin_float_50:  " << kl_of_the_example<bmp::cpp_bin_float_50>() << '\n';

    bmp::mpfr_float::default_precision(302);  // decimal digits: about 1000 bits
    std::cout << std::setprecision(60)
              << "mpfr_float:        " << kl_of_the_example<bmp::mpfr_float>()
              << " (first 60 of 302 digits)\n";

    const bmp::mpfi_float_50 enclosure = kl_of_the_example<bmp::mpfi_float_50>();
    std::cout << std::setprecision(50) << "mpfi_float_50:     [" << lower(enclosure) << ",\n"
              << "                    " << upper(enclosure) << "]\n";

    // The same code in a constant expression, with the same bits as at run time.
    constexpr double at_compile_time =
        shannon::kl_divergence(std::array{0.5, 0.5}, std::array{0.9, 0.1});
    static_assert(at_compile_time > 0.5108 && at_compile_time < 0.5109);
    std::cout << std::setprecision(17) << "compile time:      " << at_compile_time
              << (at_compile_time == kl_of_the_example<double>() ? " (the same double)"
                                                                 : " (differs!)")
              << '\n';
    return at_compile_time == kl_of_the_example<double>() ? 0 : 1;
}
