// A compile-time proof of your own: the coin with 6 heads in 10 flips. Compiling this file proves
// the static_asserts for the exact real numbers (dyadic interval arithmetic, rounded outward);
// running it prints the enclosures the compiler worked with.
#include <array>
#include <iomanip>
#include <iostream>
#include <shannon/numbers/dyadic.hpp>
#include <shannon/shannon.hpp>

using I = shannon::dyadic_interval<>;  // 128-bit dyadic endpoints
using D = shannon::dyadic<>;

constexpr std::array data{I::ratio(6, 10), I::ratio(4, 10)};  // the data's frequencies, exactly

constexpr I cross_entropy_at(long long num, long long den) {
    const std::array model{I::ratio(num, den), I(1) - I::ratio(num, den)};  // Bernoulli(num/den)
    return shannon::cross_entropy(data, model);
}

constexpr I at_mle = cross_entropy_at(6, 10);
constexpr I left = cross_entropy_at(59, 100);
constexpr I right = cross_entropy_at(61, 100);

// p = 0.6 gives a smaller cross-entropy than its neighbours: the enclosures do not even touch.
static_assert(upper(at_mle) < lower(left) && upper(at_mle) < lower(right));
// At the maximum-likelihood estimate the model is the data: the cross-entropy is the data's entropy
// ...
static_assert(zero_in(at_mle - shannon::entropy(data)));
// ... so KL(P_data || Bernoulli(0.6)) = 0, and KL(P_data || Bernoulli(0.59)) > 0 (Gibbs).
constexpr I kl_left =
    shannon::kl_divergence(data, std::array{I::ratio(59, 100), I::ratio(41, 100)});
static_assert(lower(kl_left) > 0 && width(kl_left) < D::pow2(-100));

int main() {
    const auto show = [](const char* what, const I& x) {
        std::cout << what << std::setprecision(19) << lower(x) << " (enclosure width "
                  << std::setprecision(3) << width(x) << ")\n";
    };
    show("H(P_data, Bernoulli(0.60))    = ", at_mle);
    show("H(P_data, Bernoulli(0.59))    = ", left);
    show("H(P_data, Bernoulli(0.61))    = ", right);
    show("KL(P_data || Bernoulli(0.59)) = ", kl_left);
    return 0;
}
