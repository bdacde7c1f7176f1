// The README's example, compiled and run by the test suite so that it cannot go stale.
#include <array>
#include <iomanip>
#include <iostream>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <shannon/shannon.hpp>

int main() {
    const std::array p{0.5, 0.5}, q{0.9, 0.1};
    std::cout << std::setprecision(17) << shannon::kl_divergence(p, q) << '\n';  // 0.51082562376599061
    std::cout << shannon::entropy(p, {.base = shannon::unit::bits}) << '\n';     // 1
    using big = boost::multiprecision::cpp_bin_float_50;                         // 50 digits
    const std::array<big, 2> pb{big("0.5"), big("0.5")}, qb{big("0.9"), big("0.1")};
    std::cout << std::setprecision(50) << shannon::kl_divergence(pb, qb) << '\n';
    std::cout << shannon::binary_cross_entropy_with_logits(1.0, -1e300) << '\n';  // 1e+300, no overflow
}
