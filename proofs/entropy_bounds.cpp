// proofs/entropy_bounds.cpp — 0 <= H(P) <= log n with H(uniform n) = log n; the binary entropy is
// largest at p = 1/2, where it is log 2; 0 <= JS(P, Q) <= log 2, with log 2 reached by disjoint
// supports.
#include "proof.hpp"

namespace proof {
namespace {

constexpr I ln2 = log(I(2));

// Uniform distributions: H = log n (within 2^-100), for n = 2, 3, 4, 5, 8.
static_assert(vanishes(shannon::entropy(std::array{q(1, 2), q(1, 2)}) - ln2));
static_assert(vanishes(shannon::entropy(std::array{q(1, 3), q(1, 3), q(1, 3)}) - log(I(3))));
static_assert(vanishes(shannon::entropy(std::array{q(1, 4), q(1, 4), q(1, 4), q(1, 4)}) - log(I(4))));
static_assert(vanishes(shannon::entropy(std::array{q(1, 5), q(1, 5), q(1, 5), q(1, 5), q(1, 5)}) - log(I(5))));
static_assert(vanishes(shannon::entropy(std::array{I(0.125), I(0.125), I(0.125), I(0.125), I(0.125), I(0.125),
                                                   I(0.125), I(0.125)}) -
                       I(3) * ln2));
// ... and 1, 2, 3 bits exactly in bits.
static_assert(vanishes(shannon::entropy(std::array{I(0.5), I(0.5)}, {.base = shannon::unit::bits}) - I(1)));
static_assert(vanishes(shannon::entropy(std::array{I(0.25), I(0.25), I(0.25), I(0.25)},
                                        {.base = shannon::unit::bits}) -
                       I(2)));

// Non-uniform distributions lie strictly between 0 and log n.
template <std::size_t N>
constexpr bool strictly_inside(const std::array<I, N>& p) {
    const I h = shannon::entropy(p);
    return positive(h) && less(h, log(I(static_cast<long long>(N))));
}
static_assert(strictly_inside(std::array{q(9, 10), q(1, 10)}));
static_assert(strictly_inside(std::array{q(1, 2), q(1, 4), q(1, 4)}));
static_assert(strictly_inside(std::array{q(7, 10), q(1, 10), q(1, 10), q(1, 10)}));
static_assert(strictly_inside(std::array{q(1, 10), q(2, 10), q(3, 10), q(4, 10)}));
static_assert(strictly_inside(std::array{q(999, 1000), q(1, 1000)}));
// A point mass has H = 0 exactly (0 log 0 = 0 and 1 log 1 = 0).
static_assert(exactly(shannon::entropy(std::array{q(0), q(1), q(0)}), D(0)));

// Binary entropy: H(1/2) = log 2, and every other p on a grid gives certainly less.
static_assert(vanishes(shannon::binary_entropy(I(0.5)) - ln2));
static_assert(exactly(shannon::binary_entropy(I(0)), D(0)));
static_assert(exactly(shannon::binary_entropy(I(1)), D(0)));
constexpr bool half_is_the_maximum() {
    const I top = shannon::binary_entropy(I(0.5));
    for (long long k = 1; k < 10; ++k) {
        if (k != 5 && !less(shannon::binary_entropy(q(k, 10)), top)) {
            return false;
        }
    }
    // Close to 1/2 on both sides too.
    return less(shannon::binary_entropy(q(499, 1000)), top) && less(shannon::binary_entropy(q(501, 1000)), top);
}
static_assert(half_is_the_maximum());
// Symmetry H(p) = H(1 - p).
static_assert(vanishes(shannon::binary_entropy(q(1, 10)) - shannon::binary_entropy(q(9, 10))));

// Jensen-Shannon: 0 < JS < log 2 for overlapping supports, JS = log 2 for disjoint ones, JS = 0 at P = Q.
constexpr std::array a{q(1, 2), q(1, 2), q(0)};
constexpr std::array b{q(9, 10), q(1, 10), q(0)};
constexpr std::array c{q(0), q(0), q(1)};
static_assert(positive(shannon::js_divergence(a, b)) && less(shannon::js_divergence(a, b), ln2));
static_assert(vanishes(shannon::js_divergence(a, b) - shannon::js_divergence(b, a)));  // symmetric
static_assert(vanishes(shannon::js_divergence(a, c) - ln2));
static_assert(exactly(shannon::js_divergence(a, a), D(0)));

}  // namespace
}  // namespace proof
