// Invalid input in a constant expression is a compile error with the library's message.
// twin: a valid q.
// expect: kl_divergence
// expect: a probability must be >= 0
#include <array>
#include <shannon/core/measures.hpp>
#ifdef SHANNON_TWIN
constexpr double v = shannon::kl_divergence(std::array{0.5, 0.5}, std::array{0.75, 0.25});
#else
constexpr double v = shannon::kl_divergence(std::array{0.5, 0.5}, std::array{1.25, -0.25});
#endif
int main() { return v > 0 ? 0 : 1; }
