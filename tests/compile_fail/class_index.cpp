// A class index outside [0, K) in a constant expression.
// twin: an index in range.
// expect: categorical_cross_entropy
// expect: a class index must lie in
#include <array>
#include <shannon/core/losses.hpp>
#ifdef SHANNON_TWIN
constexpr double v = shannon::categorical_cross_entropy(1, std::array{0.25, 0.75});
#else
constexpr double v = shannon::categorical_cross_entropy(2, std::array{0.25, 0.75});
#endif
int main() { return v > 0 ? 0 : 1; }
