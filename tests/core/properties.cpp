// tests/core/properties.cpp — the identities of the founding material as RapidCheck properties.
//
// Inputs are generated as doubles and taken exactly (a double converts to a point interval of
// mpfi_float_50 without rounding). Each property is a mathematical truth checked so that it can
// never flake: an identity a = b is checked as "the enclosures of a and b overlap", an inequality
// a >= b as "the enclosures do not prove a < b". A wrong formula is caught as soon as its error
// exceeds the enclosure width (about 1e-50 here). Where a double result is checked, the bound is
// one that provably holds in floating point (its distance to the enclosure in ulps).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <random>
#include <vector>

#include <range/v3/view/chunk.hpp>
#include <range/v3/view/reverse.hpp>
#include <range/v3/view/transform.hpp>
#include <range/v3/view/zip.hpp>

#include <boost/multiprecision/mpfi.hpp>

#include <shannon/numbers/mpfi.hpp>
#include <shannon/shannon.hpp>

namespace {

namespace bmp = boost::multiprecision;
using I = bmp::mpfi_float_50;
using shannon::normalization;
using shannon::options;

constexpr options normalize{.normalization = normalization::normalize};
constexpr options unnormalized{.normalization = normalization::unnormalized};

std::vector<I> iv(const std::vector<double>& x) { return {x.begin(), x.end()}; }

/// a and b may be equal: their enclosures overlap.
bool may_equal(const I& a, const I& b) { return overlap(a, b); }

/// a < b is proved by the enclosures.
bool proved_less(const I& a, const I& b) { return upper(a) < lower(b); }

/// x (a double result) lies within k ulps of the enclosure e of the exact value.
bool within_ulps_of(double x, const I& e, double k) {
    if (std::isinf(x)) {
        return isinf(upper(e));
    }
    const double lo = static_cast<double>(lower(e));
    const double hi = static_cast<double>(upper(e));
    const double ulp = std::max(std::nextafter(std::abs(x), INFINITY) - std::abs(x), std::numeric_limits<double>::denorm_min());
    return x >= lo - k * ulp && x <= hi + k * ulp;
}

// ---------------------------------------------------------------------------------------------
// Generators

/// Positive weights of one of several shapes: gamma(1) draws, sparse gamma(0.05)-like draws (many
/// entries tiny or exactly 0), one-hot, equal weights, and weights with subnormal entries.
rc::Gen<std::vector<double>> weights(int min_n = 1, int max_n = 60) {
    return rc::gen::exec([min_n, max_n] {
        const int n = *rc::gen::inRange(min_n, max_n + 1);
        const int kind = *rc::gen::inRange(0, 5);
        std::vector<double> w(static_cast<std::size_t>(n));
        for (auto& x : w) {
            const double u = (static_cast<double>(*rc::gen::inRange<std::uint32_t>(1, 0xffffffffU)) + 0.5) / 4294967296.0;
            switch (kind) {
                case 0:
                    x = -std::log(u);  // gamma(1)
                    break;
                case 1:
                    x = -std::log(u) * std::pow(u, 20.0);  // gamma(1.05) * U^(1/0.05): sparse
                    break;
                case 2:
                    x = 0.0;
                    break;
                case 3:
                    x = 1.0;
                    break;
                default:
                    x = (u < 0.3) ? 5e-324 * std::ceil(u * 100) : -std::log(u);  // subnormal entries
                    break;
            }
        }
        if (kind == 2 || std::all_of(w.begin(), w.end(), [](double x) { return x == 0; })) {
            w[static_cast<std::size_t>(*rc::gen::inRange(0, n))] = 1.0;  // one-hot
        }
        return w;
    });
}

/// A distribution in double: weights divided by their sum (sums to 1 within a few ulps).
std::vector<double> normalized(std::vector<double> w) {
    const double s = std::accumulate(w.begin(), w.end(), 0.0);
    for (auto& x : w) {
        x /= s;
    }
    return w;
}

/// A pair of distributions of the same length: independent, or Q a relative perturbation of P
/// (P ~ Q at 1e-3 ... 1e-15), or Q = P.
rc::Gen<std::pair<std::vector<double>, std::vector<double>>> distribution_pair() {
    return rc::gen::exec([] {
        const auto p = normalized(*weights(2, 40));
        const int kind = *rc::gen::inRange(0, 3);
        std::vector<double> q;
        if (kind == 0) {
            q = normalized(*weights(static_cast<int>(p.size()), static_cast<int>(p.size())));
        } else if (kind == 1) {
            const double rel = std::pow(10.0, -*rc::gen::inRange(3, 16));
            q = p;
            for (auto& x : q) {
                x *= 1.0 + rel * (*rc::gen::inRange(-1000, 1001) / 1000.0);
            }
            q = normalized(q);
        } else {
            q = p;
        }
        return std::make_pair(p, q);
    });
}

// ---------------------------------------------------------------------------------------------
// Gibbs' inequality, the log-sum inequality, asymmetry

RC_GTEST_PROP(kl, nonnegative_for_distributions, ()) {
    const auto [p, q] = *distribution_pair();
    // normalize: the enclosure is of KL between exactly normalized P and Q, which is >= 0.
    const I d = shannon::kl_divergence(iv(p), iv(q), normalize);
    RC_ASSERT(!(upper(d) < 0));
}

RC_GTEST_PROP(kl, log_sum_inequality_for_measures, ()) {
    const auto p = *weights(1, 40);
    const auto w = *weights(static_cast<int>(p.size()), static_cast<int>(p.size()));
    std::vector<double> q = w;
    for (auto& x : q) {
        x += 1e-3;  // q > 0 everywhere, so both sides are finite
    }
    const I lhs = shannon::kl_divergence(iv(p), iv(q), unnormalized);
    I sp = 0;
    I sq = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        sp += I(p[i]);
        sq += I(q[i]);
    }
    const I rhs = I(sp * log(I(sp / sq)));
    RC_ASSERT(!proved_less(lhs, rhs));
}

RC_GTEST_PROP(kl, zero_against_itself, ()) {
    const auto p = normalized(*weights(1, 60));
    RC_ASSERT(shannon::kl_divergence(p, p) == 0.0);
    const I d = shannon::kl_divergence(iv(p), iv(p));
    RC_ASSERT(lower(d) == 0 && upper(d) == 0);
    RC_ASSERT(shannon::js_divergence(p, p) == 0.0);
}

RC_GTEST_PROP(kl, symmetric_on_a_two_point_distribution_and_its_mirror, ()) {
    const double a = *rc::gen::inRange(1, 1000) / 1000.0;
    const std::vector<double> p{a, 1 - a};
    const std::vector<double> q{1 - a, a};
    RC_ASSERT(may_equal(shannon::kl_divergence(iv(p), iv(q)), shannon::kl_divergence(iv(q), iv(p))));
}

TEST(kl, asymmetric_on_generated_pairs) {
    // Exhibit asymmetry: on random dense pairs the two directions' enclosures are disjoint.
    std::mt19937_64 rng(20261121);
    std::gamma_distribution<double> gamma(1.0);
    int asymmetric = 0;
    const int pairs = 200;
    for (int i = 0; i < pairs; ++i) {
        std::vector<double> p(3 + static_cast<std::size_t>(i % 7));
        std::vector<double> q(p.size());
        std::generate(p.begin(), p.end(), [&] { return gamma(rng); });
        std::generate(q.begin(), q.end(), [&] { return gamma(rng); });
        p = normalized(p);
        q = normalized(q);
        const I pq = shannon::kl_divergence(iv(p), iv(q));
        const I qp = shannon::kl_divergence(iv(q), iv(p));
        asymmetric += (proved_less(pq, qp) || proved_less(qp, pq)) ? 1 : 0;
    }
    EXPECT_EQ(asymmetric, pairs);
}

// ---------------------------------------------------------------------------------------------
// Entropy and cross-entropy

RC_GTEST_PROP(entropy, cross_entropy_is_entropy_plus_kl, ()) {
    const auto [p, q] = *distribution_pair();
    const I h = shannon::entropy(iv(p));
    const I ce = shannon::cross_entropy(iv(p), iv(q));
    const I d = shannon::kl_divergence(iv(p), iv(q));
    RC_ASSERT(may_equal(ce, I(h + d)));
}

RC_GTEST_PROP(entropy, is_cross_entropy_with_itself, ()) {
    const auto p = normalized(*weights(1, 60));
    RC_ASSERT(may_equal(shannon::entropy(iv(p)), shannon::cross_entropy(iv(p), iv(p))));
}

RC_GTEST_PROP(entropy, between_zero_and_log_n, ()) {
    const auto w = *weights(1, 60);
    const I h = shannon::entropy(iv(w), normalize);
    RC_ASSERT(!(upper(h) < 0));
    RC_ASSERT(!proved_less(I(log(I(static_cast<double>(w.size())))), h));
    // In double, with the rounding of the normalization: 0 <= H <= log n (1 + 4 eps).
    const double hd = shannon::entropy(w, normalize);
    RC_ASSERT(hd >= 0.0);
    RC_ASSERT(hd <= std::log(static_cast<double>(w.size())) * (1 + 4 * std::numeric_limits<double>::epsilon()));
}

RC_GTEST_PROP(entropy, of_uniform_is_log_n, ()) {
    const int n = *rc::gen::inRange(1, 500);
    const std::vector<double> ones(static_cast<std::size_t>(n), 1.0);
    const I h = shannon::entropy(iv(ones), normalize);
    RC_ASSERT(may_equal(h, I(log(I(n)))));
}

RC_GTEST_PROP(entropy, invariant_under_permutation, ()) {
    const auto [p, q] = *distribution_pair();
    std::vector<std::size_t> perm(p.size());
    std::iota(perm.begin(), perm.end(), 0);
    std::mt19937 shuffle_rng(*rc::gen::arbitrary<std::uint32_t>());
    std::vector<std::size_t> shuffled = perm;
    std::shuffle(shuffled.begin(), shuffled.end(), shuffle_rng);
    std::vector<double> ps;
    std::vector<double> qs;
    for (const std::size_t i : shuffled) {
        ps.push_back(p[i]);
        qs.push_back(q[i]);
    }
    RC_ASSERT(may_equal(shannon::entropy(iv(p)), shannon::entropy(iv(ps))));
    RC_ASSERT(may_equal(shannon::kl_divergence(iv(p), iv(q)), shannon::kl_divergence(iv(ps), iv(qs))));
    // range-v3 views are input ranges like any other: the reversed order gives the same enclosure.
    const auto pi = iv(p);
    const auto qi = iv(q);
    RC_ASSERT(may_equal(shannon::cross_entropy(pi, qi),
                        shannon::cross_entropy(pi | ranges::views::reverse, qi | ranges::views::reverse)));
}

RC_GTEST_PROP(entropy, double_results_within_one_ulp_of_the_enclosure, ()) {
    const auto [p, q] = *distribution_pair();
    // A result below binary64's normal range (the entropy of a one-hot plus subnormal masses: n
    // terms of about 744 * 2^-1074) is held to n ulps: the double-word working type forms each such
    // term on the subnormal grid, one rounding each (measured: 3,720 for 3,722.2 ulps of 2^-1074 with
    // five terms). The oracle rounds such values correctly (tests/exact).
    const double h = shannon::entropy(p);  // (no lambda: Clang 14 cannot capture a structured binding)
    const double k = h != 0 && std::abs(h) < 0x1p-1022 ? static_cast<double>(p.size()) : 1.0;
    RC_ASSERT(within_ulps_of(shannon::entropy(p), shannon::entropy(iv(p)), k));
    RC_ASSERT(within_ulps_of(shannon::cross_entropy(p, q), shannon::cross_entropy(iv(p), iv(q)), 1));
    RC_ASSERT(within_ulps_of(shannon::kl_divergence(p, q), shannon::kl_divergence(iv(p), iv(q)), 1));
    RC_ASSERT(within_ulps_of(shannon::js_divergence(p, q), shannon::js_divergence(iv(p), iv(q)), 1));
    RC_ASSERT(within_ulps_of(shannon::generalized_kl_divergence(p, q),
                             shannon::generalized_kl_divergence(iv(p), iv(q)), 1));
}

RC_GTEST_PROP(js, symmetric_and_at_most_log_2, ()) {
    const auto [p, q] = *distribution_pair();
    const I a = shannon::js_divergence(iv(p), iv(q), normalize);
    RC_ASSERT(may_equal(a, shannon::js_divergence(iv(q), iv(p), normalize)));
    RC_ASSERT(!proved_less(I(log(I(2))), a));
    RC_ASSERT(!(upper(a) < 0));
}

// ---------------------------------------------------------------------------------------------
// Maximum likelihood = minimum cross-entropy = minimum KL(P_data || P_theta)

RC_GTEST_PROP(likelihood, bernoulli_nll_is_n_times_cross_entropy_and_mle_minimizes_it, ()) {
    const auto data = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 2));
    RC_PRE(!data.empty());
    const auto n = static_cast<double>(data.size());
    const double k = std::accumulate(data.begin(), data.end(), 0.0);
    const std::vector<I> empirical{I(k) / I(n), I(n - k) / I(n)};
    const auto ce = [&](const I& theta) {
        return shannon::cross_entropy(empirical, std::vector<I>{theta, I(1 - theta)}, unnormalized);
    };
    const auto kl = [&](const I& theta) {
        return shannon::kl_divergence(empirical, std::vector<I>{theta, I(1 - theta)}, unnormalized);
    };
    const I h_data = shannon::entropy(empirical, unnormalized);
    const I mle = shannon::bernoulli_mle<I>(data);
    const I best = ce(mle);
    for (int g = 1; g < 20; ++g) {
        const I theta = I(g) / I(20);
        // NLL = N * H(P_data, P_theta)
        RC_ASSERT(may_equal(shannon::bernoulli_nll(data, theta), I(n * ce(theta))));
        // the MLE's cross-entropy is not above any alternative's, and neither is its KL
        RC_ASSERT(!proved_less(ce(theta), best));
        RC_ASSERT(!proved_less(kl(theta), kl(mle)));
        // KL(P_data || P_theta) = H(P_data, P_theta) - H(P_data)
        RC_ASSERT(may_equal(kl(theta), I(ce(theta) - h_data)));
    }
}

RC_GTEST_PROP(likelihood, categorical_nll_is_n_times_cross_entropy_and_mle_minimizes_it, ()) {
    const int classes = *rc::gen::inRange(2, 6);
    const auto data = *rc::gen::nonEmpty(rc::gen::container<std::vector<int>>(rc::gen::inRange(0, classes)));
    const auto n = static_cast<double>(data.size());
    const std::vector<I> mle = shannon::categorical_mle<I>(data, static_cast<std::size_t>(classes));
    const I h_data = shannon::entropy(mle, unnormalized);
    const I best = shannon::cross_entropy(mle, mle, unnormalized);
    for (int trial = 0; trial < 10; ++trial) {
        // Gibbs' inequality needs sum q = 1 exactly, which a double vector only meets within its
        // rounding: normalize it in interval arithmetic (mle is exactly normalized already).
        const auto q = *weights(classes, classes);
        const I ce = shannon::cross_entropy(mle, iv(q), normalize);
        RC_ASSERT(may_equal(shannon::categorical_nll(data, iv(q), normalize), I(n * ce)));
        RC_ASSERT(!proved_less(ce, best));
        RC_ASSERT(may_equal(shannon::kl_divergence(mle, iv(q), normalize), I(ce - h_data)));
    }
}

RC_GTEST_PROP(likelihood, gaussian_nll_is_minimized_by_the_least_squares_line, ()) {
    const int n = *rc::gen::inRange(3, 30);
    std::vector<double> x;
    std::vector<double> y;
    for (int i = 0; i < n; ++i) {
        x.push_back(*rc::gen::inRange(-1000, 1001) / 10.0);
        y.push_back(*rc::gen::inRange(-1000, 1001) / 10.0);
    }
    RC_PRE(std::any_of(x.begin(), x.end(), [&](double v) { return v != x[0]; }));
    const double s2 = *rc::gen::inRange(1, 100) / 10.0;
    const auto fit = shannon::least_squares(iv(x), iv(y));
    const I w = I(median(fit.w));
    const I b = I(median(fit.b));
    const auto nll = [&](const I& ww, const I& bb) {
        std::vector<I> mu;
        for (const double xi : x) {
            mu.push_back(I(ww * xi + bb));
        }
        return shannon::gaussian_nll(iv(y), mu, I(s2));
    };
    const I at_fit = nll(w, b);
    const I delta = I(1e-6);
    for (const auto& [dw, db] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, 1}}) {
        RC_ASSERT(proved_less(at_fit, nll(I(w + dw * delta), I(b + db * delta))));
    }
}

// ---------------------------------------------------------------------------------------------
// Sigmoid, softmax, logsumexp

RC_GTEST_PROP(losses, bce_from_logits_is_bce_of_the_sigmoid, ()) {
    const double x = *rc::gen::inRange(-30000, 30001) / 1000.0;
    const double y = *rc::gen::inRange(0, 101) / 100.0;
    const I direct = shannon::binary_cross_entropy_with_logits(I(y), I(x));
    const I via_sigmoid = shannon::binary_cross_entropy(I(y), shannon::sigmoid(I(x)));
    RC_ASSERT(may_equal(direct, via_sigmoid));
    const double d = shannon::binary_cross_entropy_with_logits(y, x);
    RC_ASSERT(within_ulps_of(d, direct, 1));
}

RC_GTEST_PROP(losses, softmax_sums_to_one, ()) {
    const auto z = *rc::gen::nonEmpty(rc::gen::container<std::vector<int>>(rc::gen::inRange(-50000, 50001)));
    std::vector<double> zd;
    for (const int v : z) {
        zd.push_back(v / 100.0);
    }
    const auto s = shannon::softmax(iv(zd));
    I total = 0;
    for (const I& v : s) {
        total += v;
    }
    RC_ASSERT(may_equal(total, I(1)));
    const auto sd = shannon::softmax(zd);
    const double sum = std::accumulate(sd.begin(), sd.end(), 0.0);
    RC_ASSERT(std::abs(sum - 1) <= static_cast<double>(zd.size()) * std::numeric_limits<double>::epsilon());
}

RC_GTEST_PROP(losses, logsumexp_shifts_by_a_constant, ()) {
    const auto z = *rc::gen::nonEmpty(rc::gen::container<std::vector<int>>(rc::gen::inRange(-50000, 50001)));
    const double c = *rc::gen::inRange(-100000, 100001) / 7.0;
    std::vector<double> zd;
    for (const int v : z) {
        zd.push_back(v / 100.0);
    }
    const auto zi = iv(zd);
    const auto shifted = zi | ranges::views::transform([&](const I& v) { return I(v + c); });
    RC_ASSERT(may_equal(shannon::logsumexp(shifted), I(shannon::logsumexp(iv(zd)) + c)));
}

RC_GTEST_PROP(losses, batched_logit_cross_entropy_accepts_flat_rows_via_chunk, ()) {
    const int classes = *rc::gen::inRange(2, 6);
    const int samples = *rc::gen::inRange(1, 10);
    std::vector<double> flat;
    std::vector<int> target;
    for (int i = 0; i < samples; ++i) {
        target.push_back(*rc::gen::inRange(0, classes));
        for (int k = 0; k < classes; ++k) {
            flat.push_back(*rc::gen::inRange(-2000, 2001) / 100.0);
        }
    }
    // The mean of the per-sample losses equals the batched loss on chunked rows.
    I sum = 0;
    for (int i = 0; i < samples; ++i) {
        std::vector<I> row(flat.begin() + i * classes, flat.begin() + (i + 1) * classes);
        sum += shannon::categorical_cross_entropy_with_logits(target[static_cast<std::size_t>(i)], row);
    }
    const auto flat_i = iv(flat);
    const auto rows = flat_i | ranges::views::chunk(classes);
    RC_ASSERT(may_equal(shannon::categorical_cross_entropy_with_logits(target, rows), I(sum / samples)));
    // and a one-hot target row gives the index loss
    for (int i = 0; i < samples; ++i) {
        std::vector<double> one_hot(static_cast<std::size_t>(classes), 0.0);
        one_hot[static_cast<std::size_t>(target[static_cast<std::size_t>(i)])] = 1.0;
        std::vector<I> row(flat.begin() + i * classes, flat.begin() + (i + 1) * classes);
        RC_ASSERT(may_equal(shannon::categorical_cross_entropy_with_logits(iv(one_hot), row),
                            shannon::categorical_cross_entropy_with_logits(target[static_cast<std::size_t>(i)], row)));
    }
}

// ---------------------------------------------------------------------------------------------
// Joint tables and the Rényi family (issue 20)

using table_i = std::vector<std::vector<I>>;

/// A random joint distribution of `rows` x `cols` cells (the shapes of weights(): dense, sparse,
/// one-hot, equal, subnormal), normalized in binary64.
rc::Gen<std::vector<std::vector<double>>> joint_table(int max_rows = 6, int max_cols = 6) {
    return rc::gen::exec([max_rows, max_cols] {
        const int rows = *rc::gen::inRange(1, max_rows + 1);
        const int cols = *rc::gen::inRange(1, max_cols + 1);
        const auto flat = normalized(*weights(rows * cols, rows * cols));
        std::vector<std::vector<double>> t;
        for (int i = 0; i < rows; ++i) {
            t.emplace_back(flat.begin() + i * cols, flat.begin() + (i + 1) * cols);
        }
        return t;
    });
}

table_i it(const std::vector<std::vector<double>>& t) {
    table_i out;
    for (const auto& row : t) {
        out.push_back(iv(row));
    }
    return out;
}

/// The marginals of a table of intervals: the row sums (X) and the column sums (Y).
std::pair<std::vector<I>, std::vector<I>> marginals(const table_i& t) {
    std::vector<I> x(t.size(), I(0));
    std::vector<I> y(t.at(0).size(), I(0));
    for (std::size_t i = 0; i < t.size(); ++i) {
        for (std::size_t j = 0; j < t[i].size(); ++j) {
            x[i] += t[i][j];
            y[j] += t[i][j];
        }
    }
    return {x, y};
}

constexpr options given_rows{.given = 0};
constexpr options given_columns{.given = 1};
constexpr options loose{.normalization = normalization::unnormalized};

RC_GTEST_PROP(tables, chain_rule, ()) {
    const table_i t = it(*joint_table());
    const auto [x, y] = marginals(t);
    // H(X,Y) = H(X) + H(Y|X) = H(Y) + H(X|Y), at face value (exact identities for any mass).
    const I h = shannon::joint_entropy(t);
    RC_ASSERT(may_equal(h, I(shannon::entropy(x, loose) + shannon::conditional_entropy(t, given_rows))));
    RC_ASSERT(may_equal(h, I(shannon::entropy(y, loose) + shannon::conditional_entropy(t, given_columns))));
}

RC_GTEST_PROP(tables, mutual_information_identities, ()) {
    const table_i t = it(*joint_table());
    const auto [x, y] = marginals(t);
    const I i = shannon::mutual_information(t);
    // I = H(X) - H(X|Y) = H(Y) - H(Y|X) = H(X) + H(Y) - H(X,Y) = KL(P_XY || P_X P_Y)
    RC_ASSERT(may_equal(i, I(shannon::entropy(x, loose) - shannon::conditional_entropy(t, given_columns))));
    RC_ASSERT(may_equal(i, I(shannon::entropy(y, loose) - shannon::conditional_entropy(t, given_rows))));
    RC_ASSERT(may_equal(i, I(shannon::entropy(x, loose) + shannon::entropy(y, loose) - shannon::joint_entropy(t))));
    std::vector<I> cells;
    std::vector<I> product;
    for (std::size_t a = 0; a < t.size(); ++a) {
        for (std::size_t b = 0; b < t[a].size(); ++b) {
            cells.push_back(t[a][b]);
            product.push_back(I(x[a] * y[b]));
        }
    }
    RC_ASSERT(may_equal(i, shannon::kl_divergence(cells, product, loose)));
    // VI = H(X|Y) + H(Y|X) = H(X,Y) - I; total correlation of two axes is I.
    RC_ASSERT(may_equal(shannon::variation_of_information(t), I(shannon::joint_entropy(t) - i)));
    RC_ASSERT(may_equal(shannon::total_correlation(t), i));
}

/// The table divided by its mass (in MPFI): a distribution, for the inequalities that need one.
table_i normalized_table(table_i t) {
    I s = 0;
    for (const auto& row : t) {
        for (const I& c : row) {
            s += c;
        }
    }
    for (auto& row : t) {
        for (I& c : row) {
            c /= s;
        }
    }
    return t;
}

RC_GTEST_PROP(tables, mutual_information_nonnegative_and_conditioning_reduces_entropy, ()) {
    const table_i t = normalized_table(it(*joint_table()));
    const auto [x, y] = marginals(t);
    RC_ASSERT(!proved_less(shannon::mutual_information(t, normalize), I(0)));
    RC_ASSERT(!proved_less(shannon::entropy(x, loose), shannon::conditional_entropy(t, given_columns)));
    RC_ASSERT(!proved_less(shannon::entropy(y, loose), shannon::conditional_entropy(t, given_rows)));
    const I nmi = shannon::normalized_mutual_information(t, normalize);
    RC_ASSERT(!proved_less(nmi, I(0)) && !proved_less(I(1), nmi));
}

RC_GTEST_PROP(tables, zero_mutual_information_exactly_for_product_tables, ()) {
    // Dyadic marginals (counts over 2^10): their products are exact, so I(X;Y) = 0 exactly.
    const auto dyadic = [](int n) {
        std::vector<double> counts(static_cast<std::size_t>(n), 0.0);
        for (int k = 0; k < 1024; ++k) {
            counts[static_cast<std::size_t>(*rc::gen::inRange(0, n))] += 1;
        }
        for (auto& c : counts) {
            c /= 1024;
        }
        return counts;
    };
    const auto a = dyadic(*rc::gen::inRange(1, 7));
    const auto b = dyadic(*rc::gen::inRange(1, 7));
    std::vector<std::vector<double>> t;
    for (const double u : a) {
        std::vector<double> row;
        for (const double v : b) {
            row.push_back(u * v);
        }
        t.push_back(row);
    }
    const I i = shannon::mutual_information(it(t));
    RC_ASSERT(lower(i) == 0 && upper(i) == 0);
    RC_ASSERT(shannon::mutual_information(t) == 0.0);  // and in binary64
}

RC_GTEST_PROP(tables, data_processing_inequality, ()) {
    // X -> Y -> Z: P_X, then the channels A (X to Y) and B (Y to Z), rows of each a distribution.
    const int nx = *rc::gen::inRange(1, 6);
    const int ny = *rc::gen::inRange(1, 6);
    const int nz = *rc::gen::inRange(1, 6);
    const auto px = iv(normalized(*weights(nx, nx)));
    const auto channel = [](int from, int to) {
        std::vector<std::vector<I>> m;
        for (int i = 0; i < from; ++i) {
            auto w = *weights(to, to);
            if (std::accumulate(w.begin(), w.end(), 0.0) == 0) {
                w[0] = 1;
            }
            // Normalized in MPFI: the rows enclose exact distributions (a row normalized in binary64
            // sums to 1 only within its rounding, and the inequality is tight where Y is a function of Z).
            std::vector<I> row = iv(w);
            I sum = 0;
            for (const I& v : row) {
                sum += v;
            }
            for (I& v : row) {
                v /= sum;
            }
            m.push_back(row);
        }
        return m;
    };
    const auto a = channel(nx, ny);
    const auto b = channel(ny, nz);
    table_i xy(static_cast<std::size_t>(nx), std::vector<I>(static_cast<std::size_t>(ny), I(0)));
    table_i xz(static_cast<std::size_t>(nx), std::vector<I>(static_cast<std::size_t>(nz), I(0)));
    for (int i = 0; i < nx; ++i) {
        for (int j = 0; j < ny; ++j) {
            xy[i][j] = px[i] * a[i][j];
            for (int k = 0; k < nz; ++k) {
                xz[i][k] += I(xy[i][j] * b[j][k]);
            }
        }
    }
    xy = normalized_table(xy);  // distributions: I >= 0 and the inequality need a mass of exactly 1
    xz = normalized_table(xz);
    RC_ASSERT(!proved_less(shannon::mutual_information(xy, loose), shannon::mutual_information(xz, loose)));
    // and the conditional mutual information I(X;Z|Y) of the chain is 0
    std::vector<std::vector<std::vector<I>>> xyz(static_cast<std::size_t>(nx));
    for (int i = 0; i < nx; ++i) {
        for (int j = 0; j < ny; ++j) {
            std::vector<I> zs;
            for (int k = 0; k < nz; ++k) {
                zs.push_back(I(xy[i][j] * b[j][k]));
            }
            xyz[i].push_back(zs);
        }
    }
    const I cmi = shannon::conditional_mutual_information(xyz, options{.normalization = normalization::unnormalized, .given = 1});
    RC_ASSERT(may_equal(cmi, I(0)));
}

/// An order on the grid the monotonicity properties walk: 0, 1/4, 1/2, 1 - 2^-30, 1, 1 + 2^-30,
/// 2, 3.5, 20, +inf, or a random one.
rc::Gen<double> order() {
    return rc::gen::exec([] {
        constexpr double grid[] = {0.0, 0.25, 0.5, 1 - 0x1p-30, 1.0, 1 + 0x1p-30, 2.0, 3.5, 20.0,
                                   std::numeric_limits<double>::infinity()};
        const int k = *rc::gen::inRange(0, 11);
        return k < 10 ? grid[k] : *rc::gen::inRange(0, 4000) / 1000.0;
    });
}

RC_GTEST_PROP(renyi, monotone_in_the_order, ()) {
    const auto [pd, qd] = *distribution_pair();
    const auto p = iv(pd);
    const auto q = iv(qd);
    double a = *order();
    double b = *order();
    if (b < a) {
        std::swap(a, b);
    }
    // H_alpha non-increasing, D_alpha non-decreasing (for the normalized distributions).
    RC_ASSERT(!proved_less(shannon::renyi_entropy(p, a, normalize), shannon::renyi_entropy(p, b, normalize)));
    RC_ASSERT(!proved_less(shannon::renyi_divergence(p, q, b, normalize), shannon::renyi_divergence(p, q, a, normalize)));
    RC_ASSERT(!proved_less(shannon::renyi_divergence(p, q, a, normalize), I(0)));
}

RC_GTEST_PROP(renyi, order_one_is_shannon_and_the_chain_of_bounds, ()) {
    const auto [pd, qd] = *distribution_pair();
    const auto p = iv(pd);
    const auto q = iv(qd);
    const double inf = std::numeric_limits<double>::infinity();
    const I h = shannon::entropy(p, normalize);
    RC_ASSERT(may_equal(shannon::renyi_entropy(p, 1.0, normalize), h));
    RC_ASSERT(may_equal(shannon::renyi_divergence(p, q, 1.0, normalize), shannon::kl_divergence(p, q, normalize)));
    RC_ASSERT(may_equal(shannon::tsallis_entropy(p, 1.0, normalize), h));
    // H_inf <= H_2 <= H <= H_0 = log |support|
    const I h2 = shannon::renyi_entropy(p, 2.0, normalize);
    RC_ASSERT(!proved_less(h2, shannon::renyi_entropy(p, inf, normalize)));
    RC_ASSERT(!proved_less(h, h2));
    const auto support = std::count_if(pd.begin(), pd.end(), [](double v) { return v > 0; });
    const I h0 = shannon::renyi_entropy(p, 0.0, normalize);
    RC_ASSERT(may_equal(h0, I(log(I(static_cast<double>(support))))));
    RC_ASSERT(!proved_less(h0, h));
    // Skew symmetry: (1 - a) D_a(P||Q) = a D_(1-a)(Q||P) for a in (0, 1) (with Rényi's division by
    // the mass, exactly so where the masses are equal: normalized)
    const double a = *rc::gen::inRange(1, 1024) / 1024.0;  // dyadic: 1 - a is exact too
    RC_ASSERT(may_equal(I(I(1 - a) * shannon::renyi_divergence(p, q, a, normalize)),
                        I(I(a) * shannon::renyi_divergence(q, p, 1 - a, normalize))));
}

/// The message of what f throws (as Error), or "" when it throws nothing.
template <class Error, class F>
std::string message_of(F f) {
    try {
        (void)f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(tables, input_forms_and_bad_input) {
    const std::vector<std::vector<double>> j{{0.4, 0.1}, {0.1, 0.4}};
    const std::vector<double> flat{0.4, 0.1, 0.1, 0.4};
    // nested rows, a table_view, a range of std::arrays and ranges::views::chunk give the same bits
    const double i = shannon::mutual_information(j);
    EXPECT_EQ(shannon::mutual_information(shannon::table_view{flat, {2, 2}}), i);
    EXPECT_EQ(shannon::mutual_information(std::array{std::array{0.4, 0.1}, std::array{0.1, 0.4}}), i);
    EXPECT_EQ(shannon::mutual_information(flat | ranges::views::chunk(2)), i);
    EXPECT_EQ(message_of<shannon::invalid_argument>([] {
                  return shannon::mutual_information(std::vector<std::vector<double>>{{0.5, 0.25}, {0.25}});
              }),
              "shannon::mutual_information: argument 'J' is not a table: J[1] has length 1 where the first has length 2");
    EXPECT_EQ(message_of<shannon::invalid_argument>([] {
                  return shannon::joint_entropy(std::vector<std::vector<double>>{{1.0}, {}});
              }),
              "shannon::joint_entropy: argument 'J' has an empty axis at [1]");
    EXPECT_EQ(message_of<shannon::invalid_argument>([] { return shannon::joint_entropy(std::vector<std::vector<double>>{}); }),
              "shannon::joint_entropy: argument 'J' is empty");
    EXPECT_EQ(message_of<shannon::invalid_argument>([&] { return shannon::joint_entropy(shannon::table_view{flat, {3, 2}}); }),
              "shannon::joint_entropy: argument 'J' has 4 cells; its shape [3, 2] needs 6");
    const std::vector<std::vector<std::vector<double>>> bad3{{{0.25, 0.25}, {0.25, 0.25}}, {{0.0, 0.0}, {0.0, -0.0625}}};
    EXPECT_EQ(message_of<shannon::domain_error>([&] { return shannon::conditional_mutual_information(bad3); }),
              "shannon::conditional_mutual_information: argument 'J' at index [1, 1, 1] is -0.0625: a probability must "
              "be >= 0");
    EXPECT_EQ(message_of<shannon::invalid_argument>([&] { return shannon::conditional_entropy(j, {.given = 2}); }),
              "shannon::conditional_entropy: option 'given' is 2: the table has 2 axes (0 to 1)");
    EXPECT_EQ(message_of<shannon::invalid_argument>([&] { return shannon::conditional_mutual_information(j); }),
              "shannon::conditional_mutual_information: argument 'J' has shape [2, 2]: conditional mutual information "
              "takes a table of three axes");
    const std::vector<double> p{0.5, 0.5};
    EXPECT_EQ(message_of<shannon::domain_error>([&] { return shannon::renyi_entropy(p, std::nan("")); }),
              "shannon::renyi_entropy: argument 'alpha' is nan: an order cannot be NaN");
    EXPECT_EQ(message_of<shannon::domain_error>([&] { return shannon::tsallis_entropy(p, -2.0); }),
              "shannon::tsallis_entropy: argument 'q' is -2: an order must be >= 0 (or +inf)");
    EXPECT_EQ(message_of<shannon::domain_error>([] {
                  return shannon::renyi_entropy(std::vector<double>{0.0, 0.0}, 2.0, unnormalized);
              }),
              "shannon::renyi_entropy: argument 'p' has no positive entry (its mass is 0)");
}

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
