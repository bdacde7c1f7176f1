// The README's compile-time examples, compiled by the test suite (at the default constexpr limits)
// so that they cannot go stale: compiling this file is the test.
#include <array>

#include <shannon/numbers/dyadic.hpp>
#include <shannon/shannon.hpp>

constexpr double v = shannon::kl_divergence(std::array{0.5, 0.5}, std::array{0.9, 0.1});
static_assert(v > 0.5108 && v < 0.5109);

using I = shannon::dyadic_interval<>;
constexpr std::array p{I::ratio(1, 2), I::ratio(1, 2)}, q{I::ratio(9, 10), I::ratio(1, 10)};
constexpr I kl = shannon::kl_divergence(p, q);
static_assert(lower(kl) > 0);                                       // Gibbs, for this pair
static_assert(disjoint(kl, shannon::kl_divergence(q, p)));          // KL is not symmetric
constexpr I gap = shannon::cross_entropy(p, q) - shannon::entropy(p) - kl;
static_assert(zero_in(gap) && width(gap) < shannon::dyadic<>::pow2(-100));  // H(P,Q) = H(P) + KL

int main() { return 0; }
