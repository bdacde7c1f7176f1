// proofs/worked_numbers.cpp — every worked number of the founding material, proved to the digits
// the material prints (decimal inputs such as 0.9 are the exact decimals, as rationals).
#include "proof.hpp"

namespace proof {
namespace {

constexpr bool shows(const I& x, long long lo, long long hi, long long scale = 10000) {
    return between(x, q(lo, scale), q(hi, scale));
}

// 1. Self-information, the cat example: -log 0.9 = 0.1054 (0.10536...), -log 0.1 = 2.3026; I(1/2) = 1 bit.
static_assert(shows(shannon::self_information(q(9, 10)), 1053, 1054));
static_assert(shows(shannon::self_information(q(1, 10)), 23025, 23026));
static_assert(vanishes(shannon::self_information(q(1, 2), shannon::unit::bits) - I(1)));
static_assert(infinite(shannon::self_information(I(0))));
// A rare event carries more information than a likely one.
static_assert(less(shannon::self_information(q(9, 10)), shannon::self_information(q(1, 10))));

// 2. One-hot P = [1, 0, 0, 0] against Q = [0.7, 0.1, 0.1, 0.1].
constexpr std::array p_onehot{q(1), q(0), q(0), q(0)};
constexpr std::array q_pred{q(7, 10), q(1, 10), q(1, 10), q(1, 10)};
static_assert(exactly(shannon::entropy(p_onehot), D(0)));
static_assert(shows(shannon::cross_entropy(p_onehot, q_pred), 3566, 3567));  // -log 0.7 = 0.35667
static_assert(shows(shannon::kl_divergence(p_onehot, q_pred), 3566, 3567));
static_assert(shows(shannon::entropy(q_pred), 9404, 9405));                  // 0.94045
static_assert(infinite(shannon::kl_divergence(q_pred, p_onehot)));
static_assert(shows(shannon::categorical_cross_entropy(0, q_pred), 3566, 3567));

// 3. P = [0.5, 0.5], Q = [0.9, 0.1]: KL(P||Q) = 0.5108, KL(Q||P) = 0.3681, JS = 0.1017, H(P) = 1 bit,
// binary entropy H(0.9) = 0.3251.
constexpr std::array p_half{q(1, 2), q(1, 2)};
constexpr std::array q_skew{q(9, 10), q(1, 10)};
static_assert(shows(shannon::kl_divergence(p_half, q_skew), 5108, 5109));
static_assert(shows(shannon::kl_divergence(q_skew, p_half), 3680, 3681));
static_assert(shows(shannon::js_divergence(p_half, q_skew), 1017, 1018));
static_assert(vanishes(shannon::entropy(p_half, {.base = shannon::unit::bits}) - I(1)));
static_assert(shows(shannon::binary_entropy(q(9, 10)), 3250, 3251));

// 4. The coin, 6 heads in 10 flips: NLL(0.6) = 6.7301, NLL(0.5) = 10 log 2 = 6.9315.
constexpr std::array flips{1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
static_assert(shows(shannon::bernoulli_nll(flips, q(6, 10)), 67301, 67302));
static_assert(shows(shannon::bernoulli_nll(flips, q(5, 10)), 69314, 69315));
static_assert(vanishes(shannon::bernoulli_log_likelihood(flips, q(6, 10)) + shannon::bernoulli_nll(flips, q(6, 10))));

// 5. Binary cross-entropy, the spam e-mails: y = 1, p = 0.8 gives -log 0.8 = 0.2231; y = 0, p = 0.3
// gives -log 0.7 = 0.3567; their mean 0.2899. From the logit x = log(0.8/0.2) = log 4 the loss is
// the same -log 0.8, since sigmoid(log 4) = 0.8.
static_assert(shows(shannon::binary_cross_entropy(I(1), q(8, 10)), 2231, 2232));
static_assert(shows(shannon::binary_cross_entropy(I(0), q(3, 10)), 3566, 3567));
static_assert(shows(shannon::binary_cross_entropy(std::array{I(1), I(0)}, std::array{q(8, 10), q(3, 10)}), 2899, 2900));
static_assert(vanishes(shannon::binary_cross_entropy_with_logits(I(1), log(I(4))) -
                       shannon::binary_cross_entropy(I(1), q(8, 10))));
static_assert(vanishes(shannon::sigmoid(log(I(4))) - q(8, 10)));

// 6. Logits z = [2, 1, 0.1]: softmax(z)_0 = 0.6590, CE for class 0 = 0.4170, multi-label BCE with
// n-hot [1, 0, 1] = 2.0846, sigmoid(2) = 0.8808; the softmax sums to 1.
constexpr std::array z{I(2), I(1), q(1, 10)};
static_assert(shows(shannon::categorical_cross_entropy_with_logits(0, z), 4170, 4171));
static_assert(vanishes(shannon::categorical_cross_entropy_with_logits(0, z) + log(q(1) / (I(1) + exp(I(-1)) + exp(q(1, 10) - I(2))))));
static_assert(shows(shannon::multilabel_binary_cross_entropy_with_logits(std::array{I(1), I(0), I(1)}, z), 20845, 20846));
static_assert(shows(shannon::sigmoid(I(2)), 8807, 8808));
static_assert(shows(shannon::logsumexp(z), 24170, 24171));  // log(e^2 + e + e^0.1) = 2.4170
constexpr bool softmax_checks() {
    const auto s = shannon::softmax(z);
    return shows(s[0], 6590, 6591) && vanishes(s[0] + s[1] + s[2] - I(1));
}
static_assert(softmax_checks());

// 7. Milk tea (gaussian.cpp proves the fit w = 2, b = 10): the fitted line reproduces the sales
// exactly, and the NLL at sigma^2 = 1 is 5/2 log 2 pi = 4.5947.
constexpr std::array sales{I(50), I(60), I(70), I(80), I(90)};
static_assert(shows(shannon::gaussian_nll(sales, sales, I(1)), 45946, 45947));

}  // namespace
}  // namespace proof
