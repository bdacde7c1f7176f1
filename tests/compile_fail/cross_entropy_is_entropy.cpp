// A false identity does not compile: H(P,Q) = H(P) when KL(P||Q) > 0.
// twin: H(P,Q) = H(P) + KL(P||Q) compiles.
// expect: static.assert(ion)? failed
#include "../../proofs/proof.hpp"
using namespace proof;
constexpr std::array p{q(1, 3), q(1, 3), q(1, 3)};
constexpr std::array r{q(1, 2), q(1, 4), q(1, 4)};
#ifdef SHANNON_TWIN
static_assert(vanishes(shannon::cross_entropy(p, r) - shannon::entropy(p) - shannon::kl_divergence(p, r)));
#else
static_assert(vanishes(shannon::cross_entropy(p, r) - shannon::entropy(p)));
#endif
int main() {}
