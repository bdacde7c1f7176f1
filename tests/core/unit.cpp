// tests/core/unit.cpp — the worked examples of the founding material, the conventions, and every kind of
// bad input, for one number type per executable (see test_types.hpp; built with accuracy.cpp and
// typed_main.cpp as one translation unit per type).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "test_types.hpp"

namespace {

using test_types::T;
using shannon::detail::lower_of;
using shannon::detail::upper_of;

/// A decimal string as T: correctly rounded for every type (strtold, then one more rounding for
/// float and double, is fine for the short decimals used here).
template <class U = T>
U t(const char* s) {
    if constexpr (std::is_floating_point_v<U>) {
        return static_cast<U>(std::strtold(s, nullptr));
    } else {
        return U(s);
    }
}

std::vector<T> v(std::initializer_list<const char*> xs) {
    std::vector<T> out;
    for (const char* x : xs) {
        out.push_back(t(x));
    }
    return out;
}

/// The whole of x (every point of an interval) lies in [lo, hi].
::testing::AssertionResult within(const T& x, double lo, double hi) {
    if (lower_of(x) >= lo && upper_of(x) <= hi) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << x << " is not within [" << lo << ", " << hi << "]";
}

/// x is exactly v (an interval: the point [v, v]).
::testing::AssertionResult exactly(const T& x, const T& v) {
    if (lower_of(x) == lower_of(v) && upper_of(x) == upper_of(v)) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << x << " is not exactly " << v;
}

/// |x - y| <= k ulps of T around y, on the endpoints for intervals (both computed by shannon from
/// inputs that make them mathematically equal).
::testing::AssertionResult close(const T& x, const T& y, double k = 2) {
    using std::abs;
    using std::ldexp;
    using S = std::decay_t<decltype(lower_of(y))>;  // a named type: never hold a Boost expression in auto
    const S tol = S(ldexp(S(abs(upper_of(y)) + abs(lower_of(y))), 1 - test_types::digits()) * k);
    if (abs(lower_of(x) - lower_of(y)) <= tol && abs(upper_of(x) - upper_of(y)) <= tol) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << x << " and " << y << " differ by more than " << k << " ulps";
}

bool is_pos_inf(const T& x) { return shannon::detail::is_pos_inf(lower_of(x)); }

// ---------------------------------------------------------------------------------------------
// Worked examples of the founding material.

TEST(worked_examples, cat_self_information) {
    EXPECT_TRUE(within(shannon::self_information(t("0.9")), 0.1053, 0.1054));  // ~0.105
    EXPECT_TRUE(within(shannon::self_information(t("0.1")), 2.3025, 2.3026));  // ~2.303
}

TEST(worked_examples, coin_six_heads_in_ten_flips) {
    const std::array flips{1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    EXPECT_TRUE(close(shannon::bernoulli_mle<T>(flips), T(T(6) / T(10)), 0.5));
    // p = 0.6 has the smallest NLL on a grid of alternatives.
    const T best = shannon::bernoulli_nll(flips, t("0.6"));
    for (const char* alt : {"0.1", "0.3", "0.5", "0.55", "0.59", "0.61", "0.65", "0.7", "0.9"}) {
        EXPECT_LT(upper_of(best), lower_of(shannon::bernoulli_nll(flips, t(alt)))) << alt;
    }
}

TEST(worked_examples, spam_emails) {
    // "free": y = 1, p = 0.8 -> -log 0.8 ~ 0.223; "meeting": y = 0, p = 0.3 -> -log 0.7 ~ 0.357
    EXPECT_TRUE(within(shannon::binary_cross_entropy(T(1), t("0.8")), 0.2231, 0.2232));
    EXPECT_TRUE(within(shannon::binary_cross_entropy(T(0), t("0.3")), 0.3566, 0.3567));
    EXPECT_TRUE(close(shannon::binary_cross_entropy(T(1), t("0.8")), shannon::self_information(t("0.8"))));
}

TEST(worked_examples, milk_tea_least_squares) {
    const auto x = v({"20", "25", "30", "35", "40"});
    const auto y = v({"50", "60", "70", "80", "90"});
    const auto fit = shannon::least_squares(x, y);
    EXPECT_TRUE(exactly(fit.w, T(2)));
    EXPECT_TRUE(exactly(fit.b, T(10)));
    std::vector<T> pred;
    for (const T& xi : x) {
        pred.push_back(T(fit.w * xi + fit.b));
    }
    EXPECT_TRUE(exactly(shannon::mean_squared_error(y, pred), T(0)));
}

TEST(worked_examples, one_hot_against_seventy_percent) {
    const auto p = v({"1", "0", "0", "0"});
    const auto q = v({"0.7", "0.1", "0.1", "0.1"});
    const T ref = shannon::self_information(t("0.7"));  // -log 0.7
    EXPECT_TRUE(close(shannon::cross_entropy(p, q), ref));
    EXPECT_TRUE(close(shannon::kl_divergence(p, q), ref));
    EXPECT_TRUE(close(shannon::categorical_cross_entropy(0, q), ref));
    EXPECT_TRUE(exactly(shannon::entropy(p), T(0)));
}

// ---------------------------------------------------------------------------------------------
// Conventions.

TEST(conventions, zero_log_zero_is_zero) {
    EXPECT_TRUE(exactly(shannon::xlogy(T(0), T(0)), T(0)));
    EXPECT_TRUE(exactly(shannon::entropy(v({"1", "0"})), T(0)));
    EXPECT_TRUE(exactly(shannon::kl_divergence(v({"1", "0"}), v({"1", "0"})), T(0)));
    EXPECT_TRUE(exactly(shannon::binary_entropy(T(0)), T(0)));
    EXPECT_TRUE(exactly(shannon::binary_entropy(T(1)), T(0)));
    EXPECT_TRUE(exactly(shannon::binary_cross_entropy(T(0), T(0)), T(0)));
    EXPECT_TRUE(exactly(shannon::binary_cross_entropy(T(1), T(1)), T(0)));
}

TEST(conventions, infinite_where_q_is_zero_below_p) {
    EXPECT_TRUE(is_pos_inf(shannon::kl_divergence(v({"0.5", "0.5"}), v({"1", "0"}))));
    EXPECT_TRUE(is_pos_inf(shannon::cross_entropy(v({"0.5", "0.5"}), v({"1", "0"}))));
    EXPECT_TRUE(is_pos_inf(shannon::self_information(T(0))));
    EXPECT_TRUE(is_pos_inf(shannon::binary_cross_entropy(T(1), T(0))));
    EXPECT_TRUE(is_pos_inf(shannon::categorical_cross_entropy(1, v({"1", "0"}))));
}

TEST(conventions, logsumexp_at_infinities) {
    const T inf = T(std::numeric_limits<double>::infinity());
    EXPECT_TRUE(exactly(shannon::logsumexp(std::vector<T>{T(-inf), T(3)}), T(3)));
    const T all = shannon::logsumexp(std::vector<T>{T(-inf), T(-inf)});
    EXPECT_TRUE(shannon::detail::is_neg_inf(upper_of(all)));
    EXPECT_TRUE(is_pos_inf(shannon::logsumexp(std::vector<T>{inf, T(3)})));
}

TEST(conventions, units_bits_and_bans) {
    const auto uniform8 = v({"0.125", "0.125", "0.125", "0.125", "0.125", "0.125", "0.125", "0.125"});
    EXPECT_TRUE(close(shannon::entropy(uniform8, {.base = shannon::unit::bits}), T(3), 1));
    const auto uniform10 = v({"0.1", "0.1", "0.1", "0.1", "0.1", "0.1", "0.1", "0.1", "0.1", "0.1"});
    // The decimal 0.1 is not exactly a binary number, so the sum is 1 only within the type's rounding.
    EXPECT_TRUE(within(shannon::entropy(uniform10, {.base = shannon::unit::bans}), 0.9999, 1.0001));
}

TEST(conventions, normalization_options) {
    const auto counts = v({"1", "1", "2"});
    EXPECT_THROW((void)shannon::entropy(counts), shannon::domain_error);
    const T h = shannon::entropy(counts, {.normalization = shannon::normalization::normalize});
    EXPECT_TRUE(close(h, shannon::entropy(v({"0.25", "0.25", "0.5"}))));
    const T raw = shannon::entropy(counts, {.normalization = shannon::normalization::unnormalized});
    EXPECT_TRUE(close(raw, T(-shannon::xlogy(T(2), T(2)))));  // -(1 log 1 + 1 log 1 + 2 log 2)
    // Within the default tolerance (1e-6) a distribution is accepted as it is.
    EXPECT_NO_THROW((void)shannon::entropy(v({"0.5", "0.5000001"})));
    EXPECT_THROW((void)shannon::entropy(v({"0.5", "0.5000001"}), {.sum_tolerance = 0}), shannon::domain_error);
}

TEST(conventions, logits_up_to_1e300) {
    if constexpr (std::is_same_v<T, float>) {
        GTEST_SKIP() << "1e300 is not a float";
    } else {
        const T big = t("1e300");
        // softplus(1e300) = 1e300 + log1p(e^-1e300): exactly 1e300 once rounded; an interval must
        // still enclose the tiny excess, so it is held to one ulp instead.
        const auto exact_or_tight = [](const T& x, const T& v) { return test_types::interval ? close(x, v, 1) : exactly(x, v); };
        EXPECT_TRUE(exact_or_tight(shannon::binary_cross_entropy_with_logits(T(0), big), big));
        EXPECT_TRUE(exact_or_tight(shannon::binary_cross_entropy_with_logits(T(1), T(-big)), big));
        EXPECT_TRUE(exactly(shannon::binary_cross_entropy_with_logits(T(1), big), T(0)) ||
                    within(shannon::binary_cross_entropy_with_logits(T(1), big), 0, 1e-300));
        EXPECT_TRUE(close(shannon::binary_cross_entropy_with_logits(t("0.5"), big), T(big / 2)));
        EXPECT_TRUE(close(shannon::categorical_cross_entropy_with_logits(1, std::vector<T>{big, T(-big)}), T(2 * big)));
    }
}

// ---------------------------------------------------------------------------------------------
// Bad input: the exception type, and a message naming the function, argument, index and value.

template <class E, class F>
void expect_error(F f, std::initializer_list<const char*> fragments) {
    try {
        f();
        ADD_FAILURE() << "no exception";
    } catch (const E& e) {
        const std::string msg = e.what();
        for (const char* frag : fragments) {
            EXPECT_NE(msg.find(frag), std::string::npos) << "message \"" << msg << "\" lacks \"" << frag << "\"";
        }
    } catch (const std::exception& e) {
        ADD_FAILURE() << "wrong exception type: " << e.what();
    }
}

TEST(bad_input, nan_probability) {
    auto p = v({"0.5", "0.5", "0"});
    p[2] = T(std::numeric_limits<double>::quiet_NaN());
    expect_error<std::domain_error>([&] { (void)shannon::entropy(p); }, {"shannon::entropy", "'p'", "index 2", "nan"});
}

TEST(bad_input, negative_probability) {
    expect_error<std::domain_error>([&] { (void)shannon::kl_divergence(v({"0.5", "0.5"}), v({"1.5", "-0.5"})); },
                                    {"shannon::kl_divergence", "'q'", "index 1", "-0.5", ">= 0"});
}

TEST(bad_input, infinite_probability) {
    auto q = v({"0.5", "0.5"});
    q[0] = T(std::numeric_limits<double>::infinity());
    expect_error<std::domain_error>([&] { (void)shannon::cross_entropy(v({"0.5", "0.5"}), q); },
                                    {"shannon::cross_entropy", "'q'", "index 0", "inf"});
}

TEST(bad_input, not_normalized) {
    expect_error<std::domain_error>([&] { (void)shannon::js_divergence(v({"0.5", "0.6"}), v({"0.5", "0.5"})); },
                                    {"shannon::js_divergence", "'p'", "sums to", "1.1", "sum_tolerance 1e-06"});
}

TEST(bad_input, mismatched_lengths) {
    expect_error<std::invalid_argument>(
        [&] { (void)shannon::kl_divergence(v({"0.5", "0.5"}), v({"0.25", "0.25", "0.5"})); },
        {"shannon::kl_divergence", "'p' (length 2)", "'q' (length 3)"});
    expect_error<std::invalid_argument>([&] { (void)shannon::mean_squared_error(v({"1"}), v({"1", "2"})); },
                                        {"shannon::mean_squared_error", "length 1", "length 2"});
}

TEST(bad_input, empty_range) {
    expect_error<std::invalid_argument>([&] { (void)shannon::entropy(std::vector<T>{}); },
                                        {"shannon::entropy", "'p' is empty"});
    expect_error<std::invalid_argument>([&] { (void)shannon::logsumexp(std::vector<T>{}); },
                                        {"shannon::logsumexp", "'z' is empty"});
}

TEST(bad_input, class_index_out_of_range) {
    const auto q = v({"0.2", "0.8"});
    expect_error<std::invalid_argument>([&] { (void)shannon::categorical_cross_entropy(7, q); },
                                        {"categorical_cross_entropy", "'target'", "index 0", "is 7", "[0, 2)"});
    const std::vector<std::vector<T>> rows{v({"1", "2"}), v({"0", "0"})};
    expect_error<std::invalid_argument>(
        [&] { (void)shannon::categorical_cross_entropy_with_logits(std::vector<int>{0, -1}, rows); },
        {"categorical_cross_entropy_with_logits", "'target'", "index 1", "is -1"});
    expect_error<std::invalid_argument>([&] { (void)shannon::categorical_mle(std::vector<int>{0, 3}, 3); },
                                        {"categorical_mle", "'data'", "index 1", "is 3"});
}

TEST(bad_input, label_outside_unit_interval) {
    expect_error<std::domain_error>([&] { (void)shannon::binary_cross_entropy(t("1.5"), t("0.5")); },
                                    {"binary_cross_entropy", "'y'", "1.5", "[0, 1]"});
    expect_error<std::domain_error>(
        [&] { (void)shannon::binary_cross_entropy_with_logits(v({"1", "0", "-1"}), v({"0", "0", "0"})); },
        {"binary_cross_entropy_with_logits", "'y'", "index 2", "-1"});
    expect_error<std::domain_error>([&] { (void)shannon::binary_cross_entropy(v({"1", "0"}), v({"0.5", "2"})); },
                                    {"binary_cross_entropy", "'p'", "index 1", "2"});
}

TEST(bad_input, nan_logit) {
    std::vector<T> z = v({"0", "1"});
    z[1] = T(std::numeric_limits<double>::quiet_NaN());
    expect_error<std::domain_error>([&] { (void)shannon::categorical_cross_entropy_with_logits(0, z); },
                                    {"categorical_cross_entropy_with_logits", "'prediction[0]'", "index 1", "nan"});
    expect_error<std::domain_error>([&] { (void)shannon::softplus(z[1]); }, {"softplus", "nan"});
}

TEST(bad_input, ragged_rows) {
    const std::vector<std::vector<T>> rows{v({"0.5", "0.5"}), v({"1"})};
    expect_error<std::invalid_argument>(
        [&] { (void)shannon::categorical_cross_entropy(std::vector<int>{0, 0}, rows); },
        {"categorical_cross_entropy", "'prediction[1]' has length 1", "row 0 has length 2"});
}

TEST(bad_input, bernoulli_outcome) {
    expect_error<std::domain_error>([&] { (void)shannon::bernoulli_nll(std::vector<int>{1, 0, 2}, t("0.5")); },
                                    {"bernoulli_nll", "'data'", "index 2", "is 2"});
}

TEST(bad_input, variance) {
    expect_error<std::domain_error>([&] { (void)shannon::gaussian_nll(v({"1"}), v({"1"}), T(0)); },
                                    {"gaussian_nll", "'sigma2'", "is 0", "positive"});
}

TEST(bad_input, least_squares_needs_two_x) {
    expect_error<std::domain_error>([&] { (void)shannon::least_squares(v({"3", "3"}), v({"1", "2"})); },
                                    {"least_squares", "'x'", "distinct"});
}

}  // namespace
