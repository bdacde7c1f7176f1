// tests/exact/ball_profiles.cpp — the oracle's ball path (include/shannon/ball.hpp) against its MPFI path,
// bit for bit, on the framework profiles and their gradients: random inputs (normal logits of scale
// 1 to 30, probabilities, weights, label smoothing, ignore_index, pos_weight) and hard rows (a
// dominant logit, near-ties to 2^-40, +-1e300, -inf masks, one class). Each result the ball decides
// must equal the one MPFI decides with the fast paths off; the test also requires that the ball
// decided most of them (it is the fast path, not a formality) and prints the counts.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <shannon/exact.hpp>
#include <shannon/profiles/keras.hpp>
#include <shannon/profiles/tf_keras2.hpp>
#include <shannon/profiles/optax.hpp>
#include <shannon/profiles/scipy.hpp>
#include <shannon/profiles/torch.hpp>

namespace {

namespace ex = shannon::exact;
namespace pt = shannon::profiles::torch;
namespace pk = shannon::profiles::keras;
namespace po = shannon::profiles::optax;
namespace ps = shannon::profiles::scipy;

using rows_t = std::vector<std::vector<double>>;

struct tally {
    std::size_t results = 0;
    std::size_t ball = 0;
};

bool same(double a, double b) { return (a == b && std::signbit(a) == std::signbit(b)) || (std::isnan(a) && std::isnan(b)); }

/// Rounds quantity(args...) by both paths, in binary64 and binary32, and compares.
template <class Q, class... A>
void both(tally& t, const std::string& what, const Q& q, const A&... args) {
    ex::settings general;
    general.fast = false;
    for (const ex::format f : {ex::format::binary64, ex::format::binary32}) {
        using V = decltype(q(ex::detail::lift(args)...));
        if constexpr (std::ranges::range<V>) {
            const std::vector<ex::rounded> fast = ex::round_each(f, q, args...);
            const std::vector<ex::rounded> slow = ex::round_each(general, f, q, args...);
            ASSERT_EQ(fast.size(), slow.size()) << what;
            for (std::size_t i = 0; i < fast.size(); ++i) {
                ++t.results;
                t.ball += fast[i].ball ? 1 : 0;
                EXPECT_TRUE(same(fast[i].value, slow[i].value))
                    << what << " [" << i << "] in " << ex::name(f) << ": ball " << fast[i].value << " (ball "
                    << fast[i].ball << "), MPFI " << slow[i].value;
            }
        } else {
            const ex::rounded fast = ex::round(f, q, args...);
            const ex::rounded slow = ex::round(general, f, q, args...);
            ++t.results;
            t.ball += fast.ball ? 1 : 0;
            EXPECT_TRUE(same(fast.value, slow.value))
                << what << " in " << ex::name(f) << ": ball " << fast.value << ", MPFI " << slow.value;
        }
    }
}

rows_t logits(std::mt19937_64& g, std::size_t n, std::size_t c, double scale) {
    std::normal_distribution<double> z(0, scale);
    rows_t r(n, std::vector<double>(c));
    for (auto& row : r) {
        for (double& v : row) {
            v = z(g);
        }
    }
    return r;
}

rows_t probabilities(std::mt19937_64& g, std::size_t n, std::size_t c) {
    std::uniform_real_distribution<double> u(0.01, 1);
    rows_t r(n, std::vector<double>(c));
    for (auto& row : r) {
        double s = 0;
        for (double& v : row) {
            v = u(g);
            s += v;
        }
        for (double& v : row) {
            v /= s;
        }
    }
    return r;
}

std::vector<double> flat(const rows_t& r) {
    std::vector<double> out;
    for (const auto& row : r) {
        out.insert(out.end(), row.begin(), row.end());
    }
    return out;
}

/// Rows where logsumexp is hard: a dominant logit, near-ties, huge magnitudes, -inf masks.
rows_t hard_rows() {
    const double inf = std::numeric_limits<double>::infinity();
    return {{50, 0, -3, 1},
            {1, 1 + 0x1p-40, 1 - 0x1p-40, 1},
            {1e300, -1e300, 0, 1e300},
            {-inf, 2, -inf, 0.5},
            {700, -700, 699.5, 0},
            {0x1p-1074, -0x1p-1074, 0, 0}};
}

TEST(ball_profiles, torch_losses_and_gradients_agree_with_mpfi) {
    std::mt19937_64 g(11);
    tally t;
    for (const double scale : {1.0, 8.0, 30.0}) {
        const rows_t x = logits(g, 6, 5, scale);
        const std::vector<std::int64_t> y{0, 4, 2, -100, 1, 3};
        pt::cross_entropy_options o;
        both(t, "cross_entropy", [](const auto& a, const auto& b) { return pt::cross_entropy(a, b); }, x, y);
        o.weight = {0.5, 1, 2, 1.5, 0.25};
        o.label_smoothing = 0.1;
        both(t, "cross_entropy (weight, smoothing, ignore_index)",
             [o](const auto& a, const auto& b) { return pt::cross_entropy(a, b, o); }, x, y);
        both(t, "cross_entropy_grad", [o](const auto& a, const auto& b) { return pt::cross_entropy_grad(a, b, o); }, x, y);
        o.reduction = shannon::profiles::reduction::none;
        both(t, "cross_entropy none", [o](const auto& a, const auto& b) { return pt::cross_entropy_unreduced(a, b, o); }, x, y);
        const rows_t p = probabilities(g, 6, 5);
        both(t, "cross_entropy (probabilities)", [](const auto& a, const auto& b) { return pt::cross_entropy(a, b); }, x, p);
        const std::vector<double> z = flat(x);
        const std::vector<double> target = flat(probabilities(g, 6, 5));
        pt::binary_cross_entropy_with_logits_options b;
        for (std::size_t i = 0; i < z.size(); ++i) {  // the per-class weights, broadcast over the rows
            b.pos_weight.push_back(std::vector<double>{2, 0.5, 1, 3, 1}[i % 5]);
        }
        both(t, "binary_cross_entropy_with_logits",
             [b](const auto& a, const auto& c) { return pt::binary_cross_entropy_with_logits(a, c, b); }, z, target);
        both(t, "binary_cross_entropy_with_logits_grad",
             [b](const auto& a, const auto& c) { return pt::binary_cross_entropy_with_logits_grad(a, c, b); }, z, target);
        both(t, "poisson_nll_loss", [](const auto& a, const auto& c) { return pt::poisson_nll_loss(a, c); }, z, target);
        // without weights: the sum whole (detail/sum_softplus.hpp)
        both(t, "binary_cross_entropy_with_logits (no weights)",
             [](const auto& a, const auto& c) { return pt::binary_cross_entropy_with_logits(a, c); }, z, target);
    }
    {
        // confident and correct (every term tiny), +-700, tiny and exact labels, a zero logit; sum and mean
        const std::vector<double> z{30, -35.5, 44, -20, 16, -16.5, 700, -700, 0, 3, -0.25, 600.5};
        const std::vector<double> y{1, 0, 1, 0, 1, 0, 1, 0, 0x1p-1000, 1, 0.75, 1};
        const std::vector<double> zc(z.begin(), z.begin() + 6);
        const std::vector<double> yc(y.begin(), y.begin() + 6);
        pt::binary_cross_entropy_with_logits_options sum;
        sum.reduction = shannon::profiles::reduction::sum;
        for (const auto& [a, c] : {std::pair{z, y}, std::pair{zc, yc}}) {
            both(t, "binary_cross_entropy_with_logits (hard)",
                 [](const auto& u, const auto& v) { return pt::binary_cross_entropy_with_logits(u, v); }, a, c);
            both(t, "binary_cross_entropy_with_logits (hard, sum)",
                 [sum](const auto& u, const auto& v) { return pt::binary_cross_entropy_with_logits(u, v, sum); }, a, c);
        }
    }
    const rows_t h = hard_rows();
    const std::vector<std::int64_t> hy{0, 1, 3, 1, 2, 0};
    both(t, "cross_entropy (hard rows)", [](const auto& a, const auto& b) { return pt::cross_entropy(a, b); }, h, hy);
    pt::cross_entropy_options none;
    none.reduction = shannon::profiles::reduction::none;
    both(t, "cross_entropy none (hard rows)", [none](const auto& a, const auto& b) { return pt::cross_entropy_unreduced(a, b, none); }, h, hy);
    both(t, "cross_entropy_grad (hard rows)", [](const auto& a, const auto& b) { return pt::cross_entropy_grad(a, b); }, h, hy);
    pt::cross_entropy_options smooth;
    smooth.label_smoothing = 0.25;
    both(t, "cross_entropy, label smoothing (hard rows)",
         [smooth](const auto& a, const auto& b) { return pt::cross_entropy(a, b, smooth); }, h, hy);
    smooth.weight = {1, 0.5, 3, 0};
    both(t, "cross_entropy, label smoothing and weight (hard rows)",
         [smooth](const auto& a, const auto& b) { return pt::cross_entropy(a, b, smooth); }, h, hy);
    both(t, "cross_entropy (one class)", [](const auto& a, const auto& b) { return pt::cross_entropy(a, b); },
         rows_t{{3.5}, {-2}}, std::vector<std::int64_t>{0, 0});
    // The sum's log-normalizers as one logarithm (per target class with weights): confident rows
    // (every S_n tiny: the ball's log1p each), 700 rows of 3 (the product rescaled), mixed with +inf
    // rows and ignored ones.
    both(t, "cross_entropy (confident rows)", [](const auto& a, const auto& b) { return pt::cross_entropy(a, b); },
         rows_t{{30, -30, -31}, {-40, 35, 0}, {0, 1, 80}}, std::vector<std::int64_t>{0, 1, 2});
    {
        const rows_t many = logits(g, 700, 3, 1.0);
        std::vector<std::int64_t> my(700);
        for (std::size_t n = 0; n < my.size(); ++n) {
            my[n] = n % 97 == 5 ? -100 : static_cast<std::int64_t>(g() % 3);
        }
        pt::cross_entropy_options sum;
        sum.reduction = shannon::profiles::reduction::sum;
        both(t, "cross_entropy (700 rows)", [](const auto& a, const auto& b) { return pt::cross_entropy(a, b); }, many, my);
        both(t, "cross_entropy (700 rows, sum)", [sum](const auto& a, const auto& b) { return pt::cross_entropy(a, b, sum); },
             many, my);
        rows_t mixed = many;
        mixed[3][1] = std::numeric_limits<double>::infinity();
        mixed[9] = {-std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                    -std::numeric_limits<double>::infinity()};
        both(t, "cross_entropy (700 rows, +inf and all -inf rows)",
             [](const auto& a, const auto& b) { return pt::cross_entropy(a, b); }, mixed, my);
        // with weights the log-normalizers go by target class (one product per class)
        pt::cross_entropy_options weighted;
        weighted.weight = {0.5, 2, 1.25};
        both(t, "cross_entropy (700 rows, weight)",
             [weighted](const auto& a, const auto& b) { return pt::cross_entropy(a, b, weighted); }, mixed, my);
        weighted.label_smoothing = 0.1;
        weighted.reduction = shannon::profiles::reduction::sum;
        both(t, "cross_entropy (700 rows, weight, smoothing, sum)",
             [weighted](const auto& a, const auto& b) { return pt::cross_entropy(a, b, weighted); }, many, my);
    }
    {
        // 9,400 rows of 7 (65,800 logits, from 2^16: the batch's two halves on two threads), with
        // ignored rows, and in the second half a row with +inf at its target (a loss of its own, 0)
        // and a row with -inf masks
        rows_t many = logits(g, 9400, 7, 2.0);
        std::vector<std::int64_t> my(many.size());
        for (std::size_t n = 0; n < my.size(); ++n) {
            my[n] = n % 101 == 7 ? -100 : static_cast<std::int64_t>(g() % 7);
        }
        my[6000] = 2;
        many[6000][2] = std::numeric_limits<double>::infinity();
        my[8123] = 0;
        many[8123][3] = many[8123][5] = -std::numeric_limits<double>::infinity();
        both(t, "cross_entropy (9,400 rows of 7)", [](const auto& a, const auto& b) { return pt::cross_entropy(a, b); },
             many, my);
        pt::cross_entropy_options weighted;
        weighted.weight = {0.5, 2, 1.25, 1, 3, 0.75, 1.5};
        weighted.label_smoothing = 0.1;
        both(t, "cross_entropy (9,400 rows of 7, weight, smoothing)",
             [weighted](const auto& a, const auto& b) { return pt::cross_entropy(a, b, weighted); }, many, my);
    }
    std::cout << "torch: " << t.results << " results, " << t.ball << " decided by the ball\n";
    EXPECT_GT(t.ball, t.results * 3 / 4);
}

TEST(ball_profiles, keras_optax_scipy_agree_with_mpfi) {
    std::mt19937_64 g(12);
    tally t;
    for (const double scale : {1.0, 10.0}) {
        const rows_t x = logits(g, 5, 4, scale);
        const rows_t p = probabilities(g, 5, 4);
        pk::crossentropy_options k;
        k.from_logits = true;
        k.label_smoothing = 0.2;
        both(t, "keras.categorical_crossentropy",
             [k](const auto& a, const auto& b) { return pk::categorical_crossentropy(a, b, k); }, p, x);
        pk::crossentropy_options kb;
        kb.from_logits = true;  // no smoothing: each row's sum by the vector kernel
        both(t, "keras.binary_crossentropy (logits)",
             [kb](const auto& a, const auto& b) { return pk::binary_crossentropy(a, b, kb); }, p, x);
        both(t, "tf_keras2.binary_crossentropy (logits)",
             [kb](const auto& a, const auto& b) { return shannon::profiles::tf_keras2::binary_crossentropy(a, b, kb); }, p, x);
        pk::crossentropy_options kp;
        both(t, "keras.categorical_crossentropy (probabilities)",
             [kp](const auto& a, const auto& b) { return pk::categorical_crossentropy(a, b, kp); }, p, probabilities(g, 5, 4));
        both(t, "optax.softmax_cross_entropy", [](const auto& a, const auto& b) { return po::softmax_cross_entropy(a, b); },
             x, p);
        both(t, "optax.softmax_cross_entropy_with_integer_labels",
             [](const auto& a, const auto& b) { return po::softmax_cross_entropy_with_integer_labels(a, b); }, x,
             std::vector<std::int64_t>{0, 1, 2, 3, 0});
        const std::vector<double> v = flat(x);
        const std::vector<double> q = flat(p);
        both(t, "scipy.special.log_softmax", [](const auto& a) { return ps::log_softmax(a); }, v);
        both(t, "scipy.special.logsumexp", [](const auto& a) { return ps::logsumexp(a); }, v);
        both(t, "scipy.special.rel_entr", [](const auto& a, const auto& b) { return ps::rel_entr(a, b); }, q, flat(probabilities(g, 5, 4)));
        both(t, "scipy.spatial.distance.jensenshannon",
             [](const auto& a, const auto& b) { return ps::jensenshannon(a, b); }, p[0], p[1]);
    }
    std::cout << "keras, optax, scipy: " << t.results << " results, " << t.ball << " decided by the ball\n";
    EXPECT_GT(t.ball, t.results * 3 / 4);
}

/// The elementwise log-softmax rounded in the ball's one pass (exact::detail::round_log_softmax_row,
/// which the Python module runs first for each row): where it reports a row decided, every element
/// equals MPFI's with the fast paths off, bit for bit; where it does not, the row is left to
/// round_each. Random rows of 2..17, 64 and 1,000 logits at scales 1, 30 and 300 (the vector blocks
/// and their tails in eight and four lanes, and the portable code, under SHANNON_SIMD), and the
/// hard rows. It must decline rows with -inf, NaN or +inf and a lone logit, and decide every random
/// row at scales 1 and 30. At scale 300 half the rows hold an element it leaves, as the ball does
/// in round_each: the row's normalizer is e^-100 or less, so an element is its gap to the maximum
/// plus almost nothing, and a gap of two doubles whose exponents differ is often an exact midpoint
/// between two doubles (MPFI decides which way the tiny normalizer tips it).
TEST(ball_profiles, log_softmax_in_one_pass_agrees_with_mpfi) {
    ex::settings general;
    general.fast = false;
    const double inf = std::numeric_limits<double>::infinity();
    // -inf, NaN, +inf (conventions round_each owns) and a lone logit (log 1 = 0: not decided here)
    for (const std::vector<double>& z : rows_t{{-inf, 2, -inf, 0.5}, {0.5, std::nan(""), 1}, {0.5, inf, 1}, {3.0}}) {
        std::vector<double> out(z.size());
        EXPECT_FALSE(ex::detail::round_log_softmax_row(z, out.data())) << z.size() << " logits, " << z[1 % z.size()];
    }
    std::mt19937_64 g(31);
    rows_t rows;
    for (const double scale : {1.0, 30.0, 300.0}) {
        for (const std::size_t c : {2UL, 3UL, 5UL, 7UL, 8UL, 9UL, 15UL, 16UL, 17UL, 64UL, 1000UL}) {
            for (const auto& row : logits(g, 2, c, scale)) {
                rows.push_back(row);
            }
        }
    }
    const std::size_t random_rows = rows.size();
    for (const auto& row : hard_rows()) {
        rows.push_back(row);
    }
    std::size_t decided = 0;
    std::size_t decided_random = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const std::vector<double>& z = rows[r];
        std::vector<double> out(z.size(), -1.0);
        if (!ex::detail::round_log_softmax_row(z, out.data())) {
            continue;
        }
        ++decided;
        decided_random += r < random_rows * 2 / 3 ? 1 : 0;  // scales 1 and 30
        const std::vector<ex::rounded> slow = ex::round_each(general, ex::format::binary64, shannon::log_softmax, z);
        ASSERT_EQ(slow.size(), z.size());
        for (std::size_t i = 0; i < z.size(); ++i) {
            EXPECT_TRUE(same(out[i], slow[i].value))
                << "row " << r << " [" << i << "] of " << z.size() << ": one pass " << out[i] << ", MPFI " << slow[i].value;
        }
    }
    std::cout << "log_softmax in one pass: " << decided << " of " << rows.size() << " rows decided (" << decided_random
              << " of " << random_rows * 2 / 3 << " random rows at scales 1 and 30)\n";
    EXPECT_EQ(decided_random, random_rows * 2 / 3);
}

/// round_each with the ball deciding all but one element: e^(2^-53) lies 2^-107 above the midpoint
/// 1 + 2^-53, far inside the ball's radius, so MPFI decides that element alone (round up) and the
/// ball's results stand for the others; a sink sees each element once.
TEST(ball_profiles, an_element_the_ball_leaves_is_decided_by_mpfi) {
    pt::kl_div_options o;
    o.log_target = true;
    o.reduction = shannon::profiles::reduction::none;
    // l = e^t (t - x) with t - x = 1 exactly: l = e^t.
    const std::vector<double> t{0.5, 0x1p-53, -3.0, 0.0};
    std::vector<double> x;
    for (const double v : t) {
        x.push_back(v - 1);  // exact for these t
    }
    const auto q = [o](const auto& a, const auto& b) { return pt::kl_div_unreduced(a, b, o); };
    const std::vector<ex::rounded> r = ex::round_each(ex::format::binary64, q, x, t);
    ASSERT_EQ(r.size(), t.size());
    EXPECT_EQ(r[1].value, 0x1.0000000000001p+0);
    EXPECT_FALSE(r[1].ball) << "the ball cannot decide e^(2^-53)";
    EXPECT_TRUE(r[1].determined);
    // e^0.5, e^-3 rounded to binary64 by mpmath at 300 bits; e^0 = 1.
    const std::vector<double> expected{0x1.a61298e1e069cp+0, 0x1.0000000000001p+0, 0x1.97db0ccceb0afp-5, 1.0};
    for (const std::size_t i : {0UL, 2UL, 3UL}) {
        EXPECT_TRUE(r[i].ball) << i;
        EXPECT_EQ(r[i].value, expected[i]) << i;
    }
    struct counting {
        std::vector<int> seen;
        void start(std::size_t n) { seen.assign(n, 0); }
        void put(std::size_t i, const ex::rounded&) { ++seen.at(i); }
    } sink;
    ex::detail::round_each_into(ex::settings{}, ex::format::binary64, sink, q, x, t);
    EXPECT_EQ(sink.seen, (std::vector<int>{1, 1, 1, 1}));
}

/// A sink that takes the ball's decisions as bare values (as the Python module's): round_each_into
/// then rounds a quantity that writes its values (into(out, ...)) as they come.
struct value_sink {
    std::vector<ex::rounded> out;
    std::vector<int> seen;
    std::size_t by_value = 0;
    void start(std::size_t n) {
        out.assign(n, ex::rounded{});
        seen.assign(n, 0);
    }
    void put(std::size_t i, const ex::rounded& r) {
        out.at(i) = r;
        ++seen.at(i);
    }
    void put_value(std::size_t i, double v) {
        out.at(i).value = v;
        out.at(i).ball = true;
        ++seen.at(i);
    }
    void ball_count(std::size_t k) { by_value += k; }
};

/// round_each_into with a value sink (in binary64 the values written and decided as they come: a
/// softmax row in one pass; in other formats the ball's values, then decided) against round_each by
/// MPFI alone; every index put at least once (an index the writer left undecided is put again by the
/// fallback). t.ball counts the values decided as written (binary64), or by the ball (otherwise).
template <class Q, class... A>
void written_and_mpfi(tally& t, const std::string& what, ex::format f, const Q& q, const A&... args) {
    ex::settings general;
    general.fast = false;
    value_sink sink;
    ex::detail::round_each_into(ex::settings{}, f, sink, q, args...);
    const std::vector<ex::rounded> slow = ex::round_each(general, f, q, args...);
    ASSERT_EQ(sink.out.size(), slow.size()) << what;
    for (std::size_t i = 0; i < slow.size(); ++i) {
        ++t.results;
        EXPECT_GE(sink.seen[i], 1) << what << " [" << i << "]";
        EXPECT_TRUE(same(sink.out[i].value, slow[i].value))
            << what << " [" << i << "] in " << ex::name(f) << ": written " << sink.out[i].value << ", MPFI "
            << slow[i].value;
        t.ball += f != ex::format::binary64 && sink.out[i].ball ? 1 : 0;
    }
    t.ball += sink.by_value;
}

/// A front end's blocks of rows: the batch checked once (cross_entropy_grad_of::for_blocks), then each
/// block's rows and targets passed alone give the whole batch's values at those rows (both by MPFI),
/// and, written and rounded as they come, agree with MPFI.
template <class Target>
void blocks_agree(tally& t, const std::string& what, const pt::cross_entropy_grad_of& q, const rows_t& x,
                  const Target& y) {
    constexpr ex::format b64 = ex::format::binary64;
    ex::settings general;
    general.fast = false;
    const std::vector<ex::rounded> whole = ex::round_each(general, b64, q, x, y);
    const std::size_t c = x.front().size();
    const pt::cross_entropy_grad_of checked = q.for_blocks(x, y);
    for (const auto& [first, count] : {std::pair{0UL, 2UL}, std::pair{2UL, 1UL}, std::pair{3UL, 2UL}}) {
        const rows_t xb(x.begin() + static_cast<std::ptrdiff_t>(first), x.begin() + static_cast<std::ptrdiff_t>(first + count));
        const Target yb(y.begin() + static_cast<std::ptrdiff_t>(first), y.begin() + static_cast<std::ptrdiff_t>(first + count));
        written_and_mpfi(t, what + " (a block of a checked batch)", b64, checked, xb, yb);
        const std::vector<ex::rounded> part = ex::round_each(general, b64, checked, xb, yb);
        ASSERT_EQ(part.size(), count * c) << what;
        for (std::size_t i = 0; i < part.size(); ++i) {
            EXPECT_TRUE(same(part[i].value, whole[first * c + i].value))
                << what << ": block from row " << first << ", value " << i << ": " << part[i].value << ", whole batch "
                << whole[first * c + i].value;
        }
    }
}

/// The gradient of cross_entropy written and rounded as it comes (torch's cross_entropy_grad_of:
/// the softmax rows decided in the pass that forms them, by dd_ball's round_exp_shifted_row),
/// against MPFI: class indices with and without weight, ignore_index, label smoothing (the dense
/// coefficients), probability targets, windows of rows, short and long rows, and the hard rows.
TEST(ball_profiles, gradient_written_in_one_pass_agrees_with_mpfi) {
    constexpr ex::format b64 = ex::format::binary64;
    std::mt19937_64 g(41);
    tally t;
    for (const double scale : {1.0, 30.0}) {
        for (const std::size_t c : {1UL, 2UL, 3UL, 8UL, 9UL, 17UL, 1000UL}) {
            const rows_t x = logits(g, 5, c, scale);
            std::vector<std::int64_t> y;
            for (std::size_t n = 0; n < x.size(); ++n) {
                y.push_back(n == 3 ? -100 : static_cast<std::int64_t>(g() % c));
            }
            pt::cross_entropy_options o;
            written_and_mpfi(t, "cross_entropy_grad", b64, pt::cross_entropy_grad_of{o, {}}, x, y);
            written_and_mpfi(t, "cross_entropy_grad (rows 1 to 3)", b64, pt::cross_entropy_grad_of{o, {1, 3}}, x, y);
            for (std::size_t k = 0; k < c; ++k) {
                o.weight.push_back(0.25 + static_cast<double>(k % 4));
            }
            o.reduction = shannon::profiles::reduction::sum;
            written_and_mpfi(t, "cross_entropy_grad (weight, sum)", b64, pt::cross_entropy_grad_of{o, {}}, x, y);
            o.label_smoothing = 0.1;
            written_and_mpfi(t, "cross_entropy_grad (weight, smoothing)", b64, pt::cross_entropy_grad_of{o, {}}, x, y);
            written_and_mpfi(t, "cross_entropy_grad (probabilities)", b64, pt::cross_entropy_grad_of{o, {}}, x,
                             probabilities(g, 5, c));
            if (c == 3 || c == 17) {  // blocks: the mean's divisor is the whole batch's
                o.reduction = shannon::profiles::reduction::mean;
                blocks_agree(t, "cross_entropy_grad (weight, smoothing)", pt::cross_entropy_grad_of{o, {}}, x, y);
                blocks_agree(t, "cross_entropy_grad (probabilities)", pt::cross_entropy_grad_of{o, {}}, x,
                             probabilities(g, 5, c));
                blocks_agree(t, "cross_entropy_grad", pt::cross_entropy_grad_of{}, x, y);
            }
        }
    }
    // for_blocks makes the forward's checks, with its message (the argument, the index, the value)
    try {
        (void)pt::cross_entropy_grad_of{}.for_blocks(logits(g, 4, 3, 1.0), std::vector<std::int64_t>{0, 1, 40, 2});
        ADD_FAILURE() << "for_blocks accepted a class index of 40 for 3 classes";
    } catch (const shannon::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("'target' at index 2 is 40: a class index must lie in [0, 3)"),
                  std::string::npos)
            << e.what();
    }
    const std::size_t random = t.results;
    const std::size_t random_ball = t.ball;
    written_and_mpfi(t, "cross_entropy_grad (hard rows)", b64, pt::cross_entropy_grad_of{{}, {}}, hard_rows(),
                     std::vector<std::int64_t>{0, 1, 3, 1, 2, 0});
    std::cout << "gradient written in one pass: " << t.ball << " of " << t.results << " decided as written ("
              << random_ball << " of " << random << " random)\n";
    EXPECT_GT(random_ball, random * 99 / 100);
    // binary32 (dtype=float32): not written in one pass, but still decided by the ball
    tally single;
    const rows_t x = logits(g, 6, 40, 8.0);
    written_and_mpfi(single, "cross_entropy_grad in binary32", ex::format::binary32, pt::cross_entropy_grad_of{{}, {}}, x,
                     std::vector<std::int64_t>{0, 39, 7, -100, 20, 3});
    std::cout << "  in binary32: " << single.ball << " of " << single.results << " decided by the ball\n";
    EXPECT_GT(single.ball, single.results * 9 / 10);
}

/// A quantity that writes e^x for each x (a test of the writer's bookkeeping): the value at 2^-53
/// lies 2^-107 above a midpoint, so the writer leaves it and MPFI decides it; with `redo`, the value
/// at index 1 is then replaced (set) by e^0 = 1, which the writer decides: the left entry goes.
struct exps {
    bool redo = false;
    template <class Out, class X>
    void into(Out& out, const X& x) const {
        using W = std::remove_cvref_t<std::ranges::range_value_t<X>>;
        for (auto&& v : x) {
            out.push(shannon::detail::exp_(W(v)));
        }
        if (redo) {
            out.set(1, shannon::detail::exp_(W(0)));
        }
    }
    template <class X>
    auto operator()(const X& x) const {
        using W = std::remove_cvref_t<std::ranges::range_value_t<X>>;
        std::vector<W> v;
        shannon::detail::values_writer<W> out{v};
        into(out, x);
        return v;
    }
};

TEST(ball_profiles, a_value_the_writer_leaves_is_decided_by_mpfi) {
    const std::vector<double> x{0.5, 0x1p-53, -3.0};
    value_sink sink;
    ex::detail::round_each_into(ex::settings{}, ex::format::binary64, sink, exps{}, x);
    ASSERT_EQ(sink.out.size(), 3U);
    EXPECT_EQ(sink.by_value, 2U) << "the ball cannot decide e^(2^-53)";
    EXPECT_EQ(sink.out[1].value, 0x1.0000000000001p+0);
    EXPECT_FALSE(sink.out[1].ball);
    EXPECT_EQ(sink.out[0].value, 0x1.a61298e1e069cp+0);  // mpmath at 300 bits
    EXPECT_EQ(sink.out[2].value, 0x1.97db0ccceb0afp-5);
    EXPECT_EQ(sink.seen, (std::vector<int>{1, 2, 1}));
    value_sink redone;
    ex::detail::round_each_into(ex::settings{}, ex::format::binary64, redone, exps{true}, x);
    EXPECT_EQ(redone.by_value, 3U);
    EXPECT_EQ(redone.out[1].value, 1.0);
    EXPECT_EQ(redone.seen, (std::vector<int>{1, 1, 1}));
}

}  // namespace
