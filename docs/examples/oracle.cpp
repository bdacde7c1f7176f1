// The oracle from C++: the correctly rounded KL divergence of two doubles' distributions, 50
// correct digits of it, and the ulp error of a naive implementation measured against it.
#include <cmath>
#include <cstdio>
#include <shannon/exact.hpp>
#include <shannon/shannon.hpp>
#include <vector>

int main() {
    namespace ex = shannon::exact;
    const std::vector<double> p{0.9, 0.1};
    const std::vector<double> q{0.5, 0.5};

    const ex::rounded r = ex::round(ex::format::binary64, shannon::kl_divergence, p, q);
    std::printf("KL(P||Q), correctly rounded: %.17g\n", r.value);
    std::printf("KL(P||Q), 50 digits:         %s\n",
                ex::digits(50, shannon::kl_divergence, p, q).c_str());

    const double naive = p[0] * std::log(p[0] / q[0]) + p[1] * std::log(p[1] / q[1]);
    std::printf("a naive formula:             %.17g (%+.3f ulp)\n", naive,
                ex::ulp_error(naive, ex::format::binary64, shannon::kl_divergence, p, q));
    return 0;
}
