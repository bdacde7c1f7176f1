// Mismatched lengths in a constant expression: a compile error with the library's message.
// twin: equal lengths.
// expect: kl_divergence
// expect: must have the same length
#include <array>
#include <shannon/core/measures.hpp>
#ifdef SHANNON_TWIN
constexpr double v = shannon::kl_divergence(std::array{0.5, 0.5}, std::array{0.25, 0.75});
#else
constexpr double v = shannon::kl_divergence(std::array{0.5, 0.5}, std::array{0.25, 0.25, 0.5});
#endif
int main() { return v > 0 ? 0 : 1; }
