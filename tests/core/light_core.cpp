// tests/core/light_core.cpp — <shannon/shannon.hpp> stays light: no Boost header, no <thread>, no
// <immintrin.h> (the oracle's vector kernels are in numbers/ball_rows.hpp, included by exact.hpp).
// Those headers cost a translation unit that uses double several times its own compilation
// (bench/compile_time.sh measures it); a core header that pulls one in again fails to build here.
// A double computation of each family runs so that the instantiations are the ones users get.
#include <shannon/shannon.hpp>

#if defined(BOOST_VERSION) || defined(BOOST_CONFIG_HPP)
#error "<shannon/shannon.hpp> includes a Boost header"
#endif
#if defined(_GLIBCXX_THREAD) || defined(_LIBCPP_THREAD)
#error "<shannon/shannon.hpp> includes <thread>"
#endif
#if defined(_IMMINTRIN_H_INCLUDED) || defined(__IMMINTRIN_H)
#error "<shannon/shannon.hpp> includes <immintrin.h>"
#endif

#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

int main() {
    const std::vector<double> p{0.5, 0.25, 0.25};
    const std::vector<double> q{0.25, 0.5, 0.25};
    // KL(p || q) = 0.5 ln 2 + 0.25 ln(1/2) = 0.25 ln 2 (mpmath: 0.173286795139986327354...): within
    // one ulp, the accuracy the accuracy suites assert for double.
    const double kl = shannon::kl_divergence(p, q);
    const double expected = 0.17328679513998632735;
    if (!(kl >= std::nextafter(expected, 0.0) && kl <= std::nextafter(expected, 1.0))) {
        std::printf("kl_divergence = %.17g, expected %.17g\n", kl, expected);
        return 1;
    }
    // And at compile time (the built-in types' own kernels).
    static_assert(shannon::kl_divergence(std::array{0.5, 0.5}, std::array{0.5, 0.5}) == 0);
    return 0;
}
