// proofs/information.cpp — beyond the founding quantities: the chain rule, I >= 0, the
// data-processing inequality, the capacity of a binary symmetric channel, and the monotonicity of
// the Rényi family, proved on concrete tables and distributions (issue 20).
#include "proof.hpp"

namespace proof {
namespace {

using table2 = std::array<std::array<I, 2>, 2>;

/// The joint table of a binary input (P(X = 0) = pi) through a binary channel with P(Y = 1 | X = 0)
/// = e0 and P(Y = 0 | X = 1) = e1.
constexpr table2 binary_channel(const I& pi, const I& e0, const I& e1) {
    const I one = q(1);
    return {{{pi * (one - e0), pi * e0}, {(one - pi) * e1, (one - pi) * (one - e1)}}};
}

constexpr shannon::options bits{.base = shannon::unit::bits};

// A binary symmetric channel with crossover 1/10 and a uniform input; a Z-channel (a 1 becomes a 0
// with probability 1/4, a 0 stays); a product table (X and Y independent).
constexpr table2 bsc = binary_channel(q(1, 2), q(1, 10), q(1, 10));
constexpr table2 z_channel = binary_channel(q(1, 2), q(0), q(1, 4));
constexpr table2 product{{{q(1, 8), q(3, 8)}, {q(1, 8), q(3, 8)}}};

// The chain rule H(X,Y) = H(X) + H(Y|X) = H(Y) + H(X|Y), on each.
constexpr bool chain_rule(const table2& t) {
    const std::array x{t[0][0] + t[0][1], t[1][0] + t[1][1]};
    const std::array y{t[0][0] + t[1][0], t[0][1] + t[1][1]};
    const I h = shannon::joint_entropy(t);
    return equal(h, shannon::entropy(x) + shannon::conditional_entropy(t), 120) &&
           equal(h, shannon::entropy(y) + shannon::conditional_entropy(t, {.given = 1}), 120);
}
static_assert(chain_rule(bsc));
static_assert(chain_rule(z_channel));
static_assert(chain_rule(product));

// I(X;Y) > 0 through both channels, = 0 exactly for the product table; I = H(Y) - H(Y|X).
static_assert(positive(shannon::mutual_information(bsc)));
static_assert(positive(shannon::mutual_information(z_channel)));
static_assert(exactly(shannon::mutual_information(product), D(0)));
static_assert(exactly(shannon::total_correlation(product), D(0)));
static_assert(equal(shannon::mutual_information(z_channel),
                    shannon::entropy(std::array{q(5, 8), q(3, 8)}) - shannon::conditional_entropy(z_channel), 120));

// The binary symmetric channel carries 1 - H(1/10) bits with a uniform input: 0.5310 bits.
constexpr I bsc_bits = shannon::mutual_information(bsc, bits);
static_assert(equal(bsc_bits, q(1) - shannon::entropy(std::array{q(1, 10), q(9, 10)}, bits), 120));
static_assert(between(bsc_bits, q(5310, 10000), q(5311, 10000)));

// Its capacity: no input distribution on the grid pi = 1/20, 2/20, ..., 19/20 carries more than the
// uniform one, and every other carries strictly less (I(pi) is concave and symmetric about 1/2).
constexpr bool uniform_input_is_best() {
    for (int k = 1; k < 20; ++k) {
        if (k == 10) {
            continue;
        }
        const I other = shannon::mutual_information(binary_channel(q(k, 20), q(1, 10), q(1, 10)), bits);
        if (!less(other, bsc_bits)) {
            return false;
        }
    }
    return true;
}
static_assert(uniform_input_is_best());

// The data-processing inequality on the chain X -> Y -> Z: X uniform, Y through the BSC(1/10), Z from
// Y through a BSC(1/5): X to Z is a BSC(1/10 * 4/5 + 9/10 * 1/5 = 13/50), which carries less.
constexpr table2 x_to_z = binary_channel(q(1, 2), q(13, 50), q(13, 50));
static_assert(less(shannon::mutual_information(x_to_z), shannon::mutual_information(bsc)));
// ... and X, Z are independent given Y: I(X;Z|Y) = 0 on the three-variable table J[x][y][z].
using table3 = std::array<std::array<std::array<I, 2>, 2>, 2>;
constexpr I bsc5(int from, int to) { return from == to ? q(4, 5) : q(1, 5); }
constexpr table3 chain{{{{{bsc[0][0] * bsc5(0, 0), bsc[0][0] * bsc5(0, 1)}, {bsc[0][1] * bsc5(1, 0), bsc[0][1] * bsc5(1, 1)}}},
                        {{{bsc[1][0] * bsc5(0, 0), bsc[1][0] * bsc5(0, 1)}, {bsc[1][1] * bsc5(1, 0), bsc[1][1] * bsc5(1, 1)}}}}};
static_assert(vanishes(shannon::conditional_mutual_information(chain, {.given = 1}), 100));
static_assert(positive(shannon::conditional_mutual_information(chain, {.given = 2})));  // I(X;Y|Z) > 0

// The Rényi family of P = (1/2, 1/4, 1/8, 1/8) against the uniform Q: H_alpha strictly decreasing
// and D_alpha strictly increasing over alpha = 0, 1/2, 1, 2, 3; H_1 = H and D_1 = KL (exact dyadic
// inputs, so at order 1 the two formulas enclose the same number); H_0 = log 4.
constexpr std::array p4{q(1, 2), q(1, 4), q(1, 8), q(1, 8)};
constexpr std::array u4{q(1, 4), q(1, 4), q(1, 4), q(1, 4)};
constexpr std::array orders{q(0), q(1, 2), q(1), q(2), q(3)};
constexpr bool renyi_monotone() {
    for (std::size_t k = 0; k + 1 < orders.size(); ++k) {
        if (!less(shannon::renyi_entropy(p4, orders[k + 1]), shannon::renyi_entropy(p4, orders[k])) ||
            !less(shannon::renyi_divergence(p4, u4, orders[k]), shannon::renyi_divergence(p4, u4, orders[k + 1]))) {
            return false;
        }
    }
    return true;
}
static_assert(renyi_monotone());
static_assert(equal(shannon::renyi_entropy(p4, q(1)), shannon::entropy(p4), 120));
static_assert(equal(shannon::renyi_divergence(p4, u4, q(1)), shannon::kl_divergence(p4, u4), 120));
static_assert(equal(shannon::renyi_entropy(p4, q(0)), q(2) * shannon::detail::ln2<I>(), 120));
// D_alpha of P against itself is 0 at every order.
static_assert(exactly(shannon::renyi_divergence(p4, p4, q(2)), D(0)));

}  // namespace
}  // namespace proof
