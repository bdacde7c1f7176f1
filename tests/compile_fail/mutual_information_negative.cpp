// A false identity does not compile: I(X;Y) < 0 for a binary symmetric channel.
// twin: the true statement I(X;Y) > 0 compiles.
// expect: static.assert(ion)? failed
#include "../../proofs/proof.hpp"
using namespace proof;
constexpr std::array<std::array<I, 2>, 2> bsc{{{q(9, 20), q(1, 20)}, {q(1, 20), q(9, 20)}}};
constexpr I mi = shannon::mutual_information(bsc);
#ifdef SHANNON_TWIN
static_assert(lower(mi) > 0);
#else
static_assert(upper(mi) < 0);
#endif
int main() {}
