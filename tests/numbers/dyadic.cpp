// tests/numbers/dyadic.cpp — the constexpr dyadic intervals (include/shannon/dyadic.hpp) against
// independent values: the elementary functions against mpmath (generators/gen_elementary.py, 50 digits),
// the four operations against MPFR at 600 bits. Every enclosure must contain the exact value and be
// narrow: at most 2^-(P - 8) relative for the functions, two ulps of P bits for the operations.
// The enclosures evaluated by the compiler are compared with the same calls at run time.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>
#include <boost/multiprecision/mpfr.hpp>

#include <shannon/numbers/dyadic.hpp>

#include "reference_file.hpp"

namespace {

constexpr unsigned P = 128;
using I = shannon::dyadic_interval<P>;
using D = shannon::dyadic<P>;
using M = boost::multiprecision::mpfr_float;  // 600 bits, set in main

/// The exact value of a finite dyadic number as an MPFR number (exact at 600 bits).
M exact(const D& d) {
    if (d.is_zero()) {
        return M(0);
    }
    M m(d.mantissa().str());
    m = ldexp(m, d.exponent());
    return d.negative() ? M(-m) : m;
}

struct function_case {
    std::string function;
    double x = 0;
    std::string reference;
};

std::vector<function_case> reference_table() {
    std::vector<function_case> out;
    for (const auto& entry : test_reference::lines("SHANNON_ELEMENTARY_REFERENCE")) {
        const std::string& line = entry.text;
        std::istringstream fields(line);
        std::string function;
        std::string flag;
        std::string input;
        std::string reference;
        std::getline(fields, function, '|');
        std::getline(fields, flag, '|');
        std::getline(fields, input, '|');
        std::getline(fields, reference, '|');
        if (flag == "d") {
            out.push_back({function, std::strtod(input.c_str(), nullptr), reference});
        }
    }
    return out;
}

I evaluate(const std::string& f, const I& x) {
    if (f == "log") {
        return log(x);
    }
    if (f == "log1p") {
        return log1p(x);
    }
    if (f == "exp") {
        return exp(x);
    }
    return expm1(x);
}

TEST(dyadic_functions, enclose_mpmath_and_are_narrow) {
    const auto table = reference_table();
    ASSERT_GT(table.size(), 1000u);
    int checked = 0;
    M worst_width = 0;
    for (const auto& c : table) {
        const I y = evaluate(c.function, I(c.x));
        const M ref(c.reference);
        ASSERT_TRUE(lower(y).is_finite() && upper(y).is_finite()) << c.function << "(" << c.x << ")";
        const M lo = exact(lower(y));
        const M hi = exact(upper(y));
        // The reference carries 50 digits: allow its own rounding, 1e-49 relative.
        const M slack = abs(ref) * M("1e-49");
        EXPECT_LE(lo, ref + slack) << c.function << "(" << c.x << ") = " << c.reference << ", enclosure " << y;
        EXPECT_GE(hi, ref - slack) << c.function << "(" << c.x << ") = " << c.reference << ", enclosure " << y;
        if (ref == 0) {
            EXPECT_TRUE(lo == 0 && hi == 0) << c.function << "(" << c.x << ") is exactly 0: " << y;
            continue;
        }
        const M rel = (hi - lo) / abs(ref);
        worst_width = rel > worst_width ? rel : worst_width;
        EXPECT_LE(rel, ldexp(M(1), -static_cast<int>(P) + 8)) << c.function << "(" << c.x << ")";
        ++checked;
    }
    std::cout << "checked " << checked << " enclosures; widest relative width 2^"
              << static_cast<double>(log2(worst_width)) << "\n";
}

TEST(dyadic_functions, intervals_enclose_the_range) {
    // A non-point argument: the image of both endpoints is inside.
    const I x(D(0.25), D(0.75));
    for (const char* f : {"log", "log1p", "exp", "expm1"}) {
        const I y = evaluate(f, x);
        const I a = evaluate(f, I(0.25));
        const I b = evaluate(f, I(0.75));
        EXPECT_TRUE(lower(y) <= lower(a) && upper(b) <= upper(y)) << f;
    }
}

TEST(dyadic_arithmetic, operations_enclose_the_exact_result) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> mant(-1.0, 1.0);
    std::uniform_int_distribution<int> expo(-300, 300);
    const M two_ulps_rel = ldexp(M(1), -static_cast<int>(P) + 2);
    int checked = 0;
    for (int i = 0; i < 3000; ++i) {
        const double a = std::ldexp(mant(rng), expo(rng));
        const double b = std::ldexp(mant(rng), i % 3 == 0 ? expo(rng) : expo(rng) / 10);
        if (a == 0 || b == 0) {
            continue;
        }
        const M ea(a);
        const M eb(b);
        const std::pair<I, M> results[] = {
            {I(a) + I(b), ea + eb}, {I(a) - I(b), ea - eb}, {I(a) * I(b), ea * eb}, {I(a) / I(b), ea / eb}};
        for (const auto& [y, e] : results) {
            const M lo = exact(lower(y));
            const M hi = exact(upper(y));
            EXPECT_LE(lo, e) << a << ", " << b;
            EXPECT_GE(hi, e) << a << ", " << b;
            if (e != 0) {
                EXPECT_LE((hi - lo) / abs(e), two_ulps_rel) << a << ", " << b;
            }
            ++checked;
        }
    }
    EXPECT_GT(checked, 10000);
}

TEST(dyadic_arithmetic, sums_far_apart_keep_their_direction) {
    // 1 + 2^-400: the small term is a sticky bit, the enclosure still excludes 1 from one side.
    const I y = I(1.0) + I(std::ldexp(1.0, -400));
    EXPECT_EQ(lower(y), D(1.0));
    EXPECT_GT(upper(y), D(1.0));
    const I z = I(1.0) - I(std::ldexp(1.0, -400));
    EXPECT_LT(lower(z), D(1.0));
    EXPECT_EQ(upper(z), D(1.0));
}

// The compiler's enclosures are the run-time enclosures, bit for bit.
constexpr I ct_log = log(I::ratio(9, 10));
constexpr I ct_exp = exp(I(-3.5));
constexpr I ct_pi = I::pi();

TEST(dyadic_constexpr, same_bits_as_at_run_time) {
    const I rt_log = log(I::ratio(9, 10));
    const I rt_exp = exp(I(-3.5));
    const I rt_pi = I::pi();
    EXPECT_TRUE(lower(ct_log) == lower(rt_log) && upper(ct_log) == upper(rt_log));
    EXPECT_TRUE(lower(ct_exp) == lower(rt_exp) && upper(ct_exp) == upper(rt_exp));
    EXPECT_TRUE(lower(ct_pi) == lower(rt_pi) && upper(ct_pi) == upper(rt_pi));
    // pi against MPFR's.
    const M pi_ref = 4 * atan(M(1));
    EXPECT_LE(exact(lower(ct_pi)), pi_ref);
    EXPECT_GE(exact(upper(ct_pi)), pi_ref);
}

TEST(dyadic_conversions, doubles_round_trip_and_round_in_direction) {
    for (double x : {0.1, -0.1, 1.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -3.0}) {
        EXPECT_EQ(D(x).to<double>(), x);
    }
    const D third = D::div(D(1), D(3), shannon::numbers::rounding::nearest);
    EXPECT_EQ(third.to<double>(), 1.0 / 3.0);
    EXPECT_LT(third.to<double>(shannon::numbers::rounding::down), third.to<double>(shannon::numbers::rounding::up));
}

}  // namespace

// The mantissas' integers (detail/wide_uint.hpp) against Boost's cpp_int, an independent
// implementation: 20,000 random pairs of every length from one bit to the full width (single-digit
// divisors, divisors of one limb, quotients of one digit and with the add-back step of algorithm D
// included), every operation dyadic uses, modulo 2^640 as dyadic<256>'s wide type.
TEST(wide_uint, agrees_with_cpp_int) {
    constexpr unsigned bits = 640;
    using U = shannon::detail::wide_uint<bits>;
    using C = boost::multiprecision::number<
        boost::multiprecision::cpp_int_backend<bits, bits, boost::multiprecision::unsigned_magnitude,
                                               boost::multiprecision::unchecked, void>>;
    std::mt19937_64 gen(2026);
    const auto random_pair = [&](unsigned length) {
        U u;
        C c;
        for (unsigned i = 0; i * 64 < length; ++i) {
            std::uint64_t limb = gen();
            // Runs of ones and zeros: the carries and the quotient estimates' corrections.
            switch (gen() % 4) {
                case 0: limb = ~std::uint64_t{0}; break;
                case 1: limb &= 0xffffffff00000000ULL; break;
                default: break;
            }
            u = (u << 64) + U(limb);
            c = (c << 64) + C(limb);
        }
        const unsigned drop = (64 - length % 64) % 64;
        return std::pair{U(u >> drop), C(c >> drop)};
    };
    const auto same = [](const U& u, const C& c) { return u.str() == c.str(); };
    int checked = 0;
    for (int k = 0; k < 20000; ++k) {
        const auto [a, ca] = random_pair(1 + static_cast<unsigned>(gen() % bits));
        auto [b, cb] = random_pair(1 + static_cast<unsigned>(gen() % (k % 3 == 0 ? 64 : bits)));
        const unsigned s = static_cast<unsigned>(gen() % (bits + 8));
        ASSERT_TRUE(same(a + b, C(ca + cb))) << a.str() << " + " << b.str();
        ASSERT_TRUE(same(a - b, C(ca - cb))) << a.str() << " - " << b.str();
        ASSERT_TRUE(same(a * b, C(ca * cb))) << a.str() << " * " << b.str();
        ASSERT_TRUE(same(a << s, C(s >= bits ? C(0) : C(ca << s)))) << a.str() << " << " << s;
        ASSERT_TRUE(same(a >> s, C(s >= bits ? C(0) : C(ca >> s)))) << a.str() << " >> " << s;
        ASSERT_EQ(a == b, ca == cb);
        ASSERT_EQ(a < b, ca < cb);
        if (a != U(0)) {
            ASSERT_EQ(a.msb(), boost::multiprecision::msb(ca));
            ASSERT_EQ(a.lsb(), boost::multiprecision::lsb(ca));
        }
        if (b == U(0)) {
            continue;
        }
        ASSERT_TRUE(same(a / b, C(ca / cb))) << a.str() << " / " << b.str();
        ASSERT_TRUE(same(a % b, C(ca % cb))) << a.str() << " % " << b.str();
        U inc = a;
        ASSERT_TRUE(same(++inc, C(ca + 1)));
        ++checked;
    }
    EXPECT_GT(checked, 19000);
    // Quotient digits that need the add-back step (Knuth's example shape: b^2 - 1 over b + 1 with
    // v's top digits making the estimate two too large), and divisors with every high bit.
    for (unsigned n = 1; n < 20; ++n) {
        const U top = (U(1) << (32 * n)) - U(1);
        const C ctop = (C(1) << (32 * n)) - 1;
        for (const std::uint64_t d : {std::uint64_t{0x80000000}, std::uint64_t{0xffffffff}, std::uint64_t{0x800000000001},
                                      std::uint64_t{0xffffffff00000001}}) {
            const U v = (U(d) << 64) + U(1);
            const C cv = (C(d) << 64) + 1;
            EXPECT_TRUE(same(top / v, C(ctop / cv))) << n << " " << d;
            EXPECT_TRUE(same(top % v, C(ctop % cv))) << n << " " << d;
        }
    }
    static_assert(U(3) * U(5) == U(15) && (U(1) << 600) / U(3) * U(3) + U(1) == U(1) << 600);
}

int main(int argc, char** argv) {
    M::default_precision(200);  // decimal digits: above 600 bits
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
