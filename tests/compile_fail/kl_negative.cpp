// A false identity does not compile: KL(P||Q) < 0 for a concrete pair.
// twin: the true statement KL(P||Q) > 0 compiles.
// expect: static.assert(ion)? failed
#include "../../proofs/proof.hpp"
using namespace proof;
constexpr I kl = shannon::kl_divergence(std::array{q(1, 2), q(1, 2)}, std::array{q(9, 10), q(1, 10)});
#ifdef SHANNON_TWIN
static_assert(lower(kl) > 0);
#else
static_assert(upper(kl) < 0);
#endif
int main() {}
