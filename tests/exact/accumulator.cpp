// shannon::exact::accumulator: the exact value of a sum seen in parts. Every chunking and merge order
// gives the bits of the single call (itself checked against mpmath by the exact suite), the state
// survives bytes, and bad states are clear errors. Python's tests/python/test_accumulator.py checks
// the same class against mpmath through the package, with the frameworks' means.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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
    std::string v2 = b;
    v2[11] = 2;
    EXPECT_NE(message(v2).find("format version 2"), std::string::npos);
    ex::accumulator other("entropy");
    EXPECT_THROW(a.merge(other), std::invalid_argument);
    EXPECT_THROW(a.merge(ex::accumulator("kl", ex::accumulation::sum, 0, 256)), std::invalid_argument);
    EXPECT_THROW(ex::accumulator("kl", ex::accumulation::sum, 0, 7), std::invalid_argument);
    EXPECT_THROW(a.add_exact(0, 1.0), std::out_of_range);
}

}  // namespace accumulator_test
