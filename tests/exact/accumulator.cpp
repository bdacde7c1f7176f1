// shannon::exact::accumulator: the exact value of a sum seen in parts. Every chunking and merge order
// gives the bits of the single call (itself checked against mpmath by the exact suite), the state
// survives bytes, and bad states are clear errors. Python's tests/python/test_accumulator.py checks
// the same class against mpmath through the package, with the frameworks' means.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <shannon/exact.hpp>
#include <shannon/shannon.hpp>

namespace accumulator_test {

namespace ex = shannon::exact;

// One argument list (two vectors of doubles and the options) for every call: each new one instantiates
// the whole oracle again (the fast, fixed, ball and interval paths), and this file is compiled with
// the others of tests/oracle/ in every configuration.
const shannon::options unnormalized{.normalization = shannon::normalization::unnormalized};
const auto& kl = shannon::kl_divergence;

std::vector<double> slice(const std::vector<double>& v, std::size_t from, std::size_t to) {
    return {v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to)};
}

/// The accumulator of p, q split at `cuts`, the parts merged in a shuffled order through bytes.
ex::accumulator split(const std::vector<double>& p, const std::vector<double>& q, std::vector<std::size_t> cuts,
                      std::mt19937_64& rng, unsigned bits = 0) {
    cuts.push_back(p.size());
    std::vector<std::string> states;
    std::size_t from = 0;
    for (const std::size_t to : cuts) {
        ex::accumulator a("kl", ex::accumulation::sum, 0, bits);
        a.add(kl, slice(p, from, to), slice(q, from, to), unnormalized);
        states.push_back(a.to_bytes());
        from = to;
    }
    std::shuffle(states.begin(), states.end(), rng);
    ex::accumulator total("kl", ex::accumulation::sum, 0, bits);
    for (const std::string& s : states) {
        total.merge(ex::accumulator::from_bytes(s));
    }
    return total;
}

TEST(accumulator, every_chunking_gives_the_bits_of_the_single_call) {
    std::mt19937_64 rng(18);
    std::gamma_distribution<double> g(1.0);
    for (const std::size_t n : {1UL, 2UL, 17UL, 1000UL}) {
        std::vector<double> p(n);
        std::vector<double> q(n);
        for (std::size_t i = 0; i < n; ++i) {
            p[i] = g(rng);
            q[i] = g(rng);
        }
        const ex::rounded whole = ex::round(ex::format::binary64, kl, p, q, unnormalized);
        ASSERT_TRUE(whole.determined);
        for (int k = 0; k < 25; ++k) {
            std::vector<std::size_t> cuts;
            if (n > 1) {
                std::uniform_int_distribution<std::size_t> at(1, n - 1);
                const int m = k == 0 ? static_cast<int>(n - 1) : k % 7;  // k = 0: every chunk of one element
                for (int j = 0; j < m; ++j) {
                    cuts.push_back(k == 0 ? static_cast<std::size_t>(j + 1) : at(rng));
                }
                std::sort(cuts.begin(), cuts.end());
                cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
            }
            for (const unsigned bits : {0U, 128U}) {
                const ex::rounded r = split(p, q, cuts, rng, bits).round(ex::format::binary64);
                ASSERT_TRUE(r.determined);
                EXPECT_EQ(r.value, whole.value) << "n " << n << ", chunking " << k << ", bits " << bits;
            }
        }
    }
}

TEST(accumulator, known_value_digits_and_other_formats) {
    // KL((1/2, 1/2) || (9/10, 1/10)) = 0.51082562376599064... (mpmath), in two parts.
    ex::accumulator a("kl");
    const std::vector<double> p{0.5, 0.5};
    const std::vector<double> q{0.9, 0.1};
    a.add(kl, slice(p, 0, 1), slice(q, 0, 1), unnormalized);
    a.add(kl, slice(p, 1, 2), slice(q, 1, 2), unnormalized);
    EXPECT_EQ(a.round(ex::format::binary64).value, 0.5108256237659906);
    EXPECT_EQ(a.round(ex::format::binary32).value, static_cast<double>(0.51082563F));
    EXPECT_EQ(a.digits(15), "5.10825623765991e-1");
    EXPECT_EQ(a.parts(), 2U);
}

TEST(accumulator, means_carry_their_denominator_exactly) {
    ex::accumulator a("mean", ex::accumulation::mean);
    const std::vector<double> w{0.1, 0.2};
    // Parts whose values are exactly 1 and 2 (point enclosures): the mean is 3 / (0.1 + 0.2 summed
    // exactly), MPFR's quotient at 200 bits rounded once (10; the double sum 0.30000000000000004
    // would give 9.999999999999998).
    a.add_enclosure(ex::real(1), ex::real(1));
    a.add_enclosure(ex::real(2), ex::real(2));
    a.add_exact(0, w.data(), w.size());
    mpfr_t s;
    mpfr_t t;
    mpfr_inits2(200, s, t, static_cast<mpfr_ptr>(nullptr));
    mpfr_set_d(s, 0.1, MPFR_RNDN);
    mpfr_add_d(s, s, 0.2, MPFR_RNDN);  // exact at 200 bits
    mpfr_ui_div(t, 3, s, MPFR_RNDN);
    const double want = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clears(s, t, static_cast<mpfr_ptr>(nullptr));
    EXPECT_EQ(a.round(ex::format::binary64).value, want);
    EXPECT_NE(want, 3 / (0.1 + 0.2));
    ex::accumulator empty("mean", ex::accumulation::mean);
    empty.add_enclosure(ex::real(0), ex::real(0));
    EXPECT_TRUE(std::isnan(empty.round(ex::format::binary64).value));  // 0 / 0, as PyTorch's all-ignored mean
}

/// KL of p/P and q/Q from unnormalized parts and the exact masses, p, q split at `cuts`.
ex::accumulator normalized_kl(const std::vector<double>& p, const std::vector<double>& q, std::vector<std::size_t> cuts,
                              double base = 0) {
    cuts.push_back(p.size());
    ex::accumulator total("kl", ex::accumulation::normalized, 2, 0, {.plus = 1, .minus = 0, .base = base});
    std::size_t from = 0;
    for (const std::size_t to : cuts) {
        ex::accumulator a("kl", ex::accumulation::normalized, 2, 0, {.plus = 1, .minus = 0, .base = base});
        a.add(kl, slice(p, from, to), slice(q, from, to), unnormalized);
        a.add_exact(0, p.data() + from, to - from);
        a.add_exact(1, q.data() + from, to - from);
        total.merge(ex::accumulator::from_bytes(a.to_bytes()));
        from = to;
    }
    return total;
}

TEST(accumulator, normalized_distributions_from_their_exact_masses) {
    // p = (1, 3), q = (2, 2) normalized: KL = 0.25 log(1/2) + 0.75 log(3/2) (mpmath at 300 bits).
    const std::vector<double> p{1, 3};
    const std::vector<double> q{2, 2};
    EXPECT_EQ(normalized_kl(p, q, {1}).round(ex::format::binary64).value, 0.13081203594113697);
    EXPECT_EQ(normalized_kl(p, q, {}, 2).round(ex::format::binary64).value, 0.18872187554086714);
    EXPECT_EQ(normalized_kl(p, p, {1}).round(ex::format::binary64).value, 0.0);  // log(1) is an exact 0
    // Random unnormalized p, q: every chunking gives the bits of the single normalizing call.
    std::mt19937_64 rng(20);
    std::gamma_distribution<double> g(1.0);
    std::vector<double> a(500);
    std::vector<double> b(500);
    for (std::size_t i = 0; i < a.size(); ++i) {
        a[i] = 3 * g(rng);
        b[i] = g(rng) / 7;
    }
    const shannon::options normalize{.normalization = shannon::normalization::normalize};
    const ex::rounded whole = ex::round(ex::format::binary64, kl, a, b, normalize);
    ASSERT_TRUE(whole.determined);
    std::uniform_int_distribution<std::size_t> at(1, a.size() - 1);
    for (int k = 0; k < 10; ++k) {
        std::vector<std::size_t> cuts{at(rng), at(rng), at(rng)};
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        const ex::rounded r = normalized_kl(a, b, cuts).round(ex::format::binary64);
        ASSERT_TRUE(r.determined);
        EXPECT_EQ(r.value, whole.value) << "chunking " << k;
    }
    // Entropy (plus 0) and cross-entropy (plus 1) forms, parts whose value is exactly 0: p = q = (1, 1)
    // give log 2 (mpmath), in base 10 log10(2).
    ex::accumulator h("entropy", ex::accumulation::normalized, 1, 0, {.plus = 0, .minus = -1, .base = 10});
    h.add_enclosure(ex::real(0), ex::real(0));
    h.add_exact(0, 2.0);
    EXPECT_EQ(h.round(ex::format::binary64).value, 0.3010299956639812);
    ex::accumulator ce("cross_entropy", ex::accumulation::normalized, 2, 0, {.plus = 1, .minus = -1, .base = 0});
    ce.add_enclosure(ex::real(0), ex::real(0));
    ce.add_exact(0, 2.0);
    ce.add_exact(1, 2.0);
    EXPECT_EQ(ce.round(ex::format::binary64).value, 0.6931471805599453);
    EXPECT_EQ(ex::accumulator::from_bytes(ce.to_bytes()).round(ex::format::binary64).value, 0.6931471805599453);
    // A mass that is not positive is a clear error; so are forms that name no exact sum or a bad base.
    ex::accumulator zero("entropy", ex::accumulation::normalized, 1, 0, {.plus = 0});
    zero.add_enclosure(ex::real(0), ex::real(0));
    EXPECT_THROW((void)zero.round(ex::format::binary64), std::domain_error);
    EXPECT_THROW(ex::accumulator("e", ex::accumulation::normalized, 1, 0, {.plus = 1}), std::invalid_argument);
    EXPECT_THROW(ex::accumulator("e", ex::accumulation::normalized, 1, 0, {.plus = 0, .base = 1}), std::invalid_argument);
    EXPECT_THROW(ce.merge(h), std::invalid_argument);
}

TEST(accumulator, exact_input_sums_hold_every_bit) {
    // 300,000 doubles (two threads' halves, four lanes each) of random signs and exponents from the
    // subnormals to 2^1000, summed exactly: equal to MPFR's sum at 2,200 bits (each addition exact).
    std::mt19937_64 rng(2018);
    std::uniform_int_distribution<int> e(-1074, 1000);
    std::uniform_real_distribution<double> m(0.5, 1.0);
    std::vector<double> x(300000);
    for (std::size_t k = 0; k < x.size(); ++k) {
        x[k] = std::ldexp(k % 3 == 0 ? -m(rng) : m(rng), k % 5 == 0 ? -1 : e(rng));  // a fifth in one binade
    }
    x[7] = std::numeric_limits<double>::denorm_min();
    x[8] = -0.0;
    x[9] = std::numeric_limits<double>::max();
    ex::accumulator a("sums", ex::accumulation::sum, 1);
    a.add_exact(0, x.data(), x.size());
    mpfr_t want;
    mpfr_init2(want, 2200);
    mpfr_set_zero(want, 1);
    for (const double v : x) {
        ASSERT_EQ(mpfr_add_d(want, want, v, MPFR_RNDN), 0);  // exact
    }
    EXPECT_EQ(mpfr_cmp(a.exact_sum(0).backend().data(), want), 0);
    // A NaN in the second half: the error names it, and nothing of the array is added.
    x[200000] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_THROW(a.add_exact(0, x.data(), x.size()), std::invalid_argument);
    EXPECT_EQ(mpfr_cmp(a.exact_sum(0).backend().data(), want), 0);
    mpfr_clear(want);
}

TEST(accumulator, bad_states_and_merges_are_clear_errors) {
    ex::accumulator a("kl");
    const std::vector<double> p{0.25, 0.75};
    a.add(kl, p, p, unnormalized);
    const std::string b = a.to_bytes();
    EXPECT_EQ(ex::accumulator::from_bytes(b).to_bytes(), b);
    const auto message = [](const std::string& state) {
        try {
            (void)ex::accumulator::from_bytes(state);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(message("hello").find("not a shannon accumulator state"), std::string::npos);
    std::string flipped = b;
    flipped[b.size() / 2] = static_cast<char>(flipped[b.size() / 2] ^ 1);
    EXPECT_NE(message(flipped).find("corrupted"), std::string::npos);
    EXPECT_NE(message(b.substr(0, b.size() - 3)).find("corrupted"), std::string::npos);
    std::string v3 = b;
    v3[11] = 3;
    EXPECT_NE(message(v3).find("format version 3"), std::string::npos);
    ex::accumulator other("entropy");
    EXPECT_THROW(a.merge(other), std::invalid_argument);
    EXPECT_THROW(a.merge(ex::accumulator("kl", ex::accumulation::sum, 0, 256)), std::invalid_argument);
    EXPECT_THROW(ex::accumulator("kl", ex::accumulation::sum, 0, 7), std::invalid_argument);
    EXPECT_THROW(a.add_exact(0, 1.0), std::out_of_range);
}

}  // namespace accumulator_test
