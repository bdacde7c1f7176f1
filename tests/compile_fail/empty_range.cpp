// An empty distribution in a constant expression.
// twin: a one-element distribution.
// expect: entropy
// expect: is empty
#include <array>
#include <shannon/core/measures.hpp>
#ifdef SHANNON_TWIN
constexpr double v = shannon::entropy(std::array{1.0});
#else
constexpr double v = shannon::entropy(std::array<double, 0>{});
#endif
int main() { return v == 0 ? 0 : 1; }
