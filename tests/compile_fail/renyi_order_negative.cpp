// A negative order is a domain error, which at compile time is a non-constant expression naming the
// function, the argument and the value.
// twin: the order 1/2 compiles.
// expect: renyi_entropy
// expect: an order must be >= 0
#include "../../proofs/proof.hpp"
using namespace proof;
constexpr std::array p{q(1, 2), q(1, 4), q(1, 4)};
#ifdef SHANNON_TWIN
constexpr I h = shannon::renyi_entropy(p, q(1, 2));
#else
constexpr I h = shannon::renyi_entropy(p, q(-1, 2));
#endif
int main() { return lower(h) > 0 ? 0 : 1; }
