// The same for the exact type of the proofs.
// twin: a valid q.
// expect: cross_entropy
// expect: a probability must be >= 0
#include "../../proofs/proof.hpp"
using namespace proof;
#ifdef SHANNON_TWIN
constexpr I v = shannon::cross_entropy(std::array{q(1, 2), q(1, 2)}, std::array{q(3, 4), q(1, 4)});
#else
constexpr I v = shannon::cross_entropy(std::array{q(1, 2), q(1, 2)}, std::array{q(5, 4), q(-1, 4)});
#endif
int main() { return lower(v) > 0 ? 0 : 1; }
