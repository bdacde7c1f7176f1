// A distribution that does not sum to 1, in a constant expression.
// twin: one that does.
// expect: entropy
// expect: sums to
#include <array>
#include <shannon/core/measures.hpp>
#ifdef SHANNON_TWIN
constexpr double v = shannon::entropy(std::array{0.5, 0.5});
#else
constexpr double v = shannon::entropy(std::array{0.5, 0.6});
#endif
int main() { return v > 0 ? 0 : 1; }
