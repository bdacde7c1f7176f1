// A false identity does not compile: KL is symmetric.
// twin: the two directions are disjoint.
// expect: static.assert(ion)? failed
#include "../../proofs/proof.hpp"
using namespace proof;
constexpr std::array p{q(1, 2), q(1, 2)};
constexpr std::array r{q(9, 10), q(1, 10)};
#ifdef SHANNON_TWIN
static_assert(disjoint(shannon::kl_divergence(p, r), shannon::kl_divergence(r, p)));
#else
static_assert(vanishes(shannon::kl_divergence(p, r) - shannon::kl_divergence(r, p)));
#endif
int main() {}
