// log Gamma and digamma of MPFI intervals (numbers/mpfi.hpp: enclosures from MPFR's directed
// roundings, by monotonicity, and around lgamma's minimum by convexity) and of MPFR numbers: every
// enclosure holds MPFR's value at twice the precision at its ends and at points inside (lgamma's
// minimum among them when the interval holds it); the
// enclosures shrink with the argument (a point gives an interval of a few ulps), including around
// lgamma's minimum x0 = 1.4616...; arguments at or below 0 give NaN.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <shannon/exact.hpp>

namespace gamma_test {

namespace ex = shannon::exact;
using shannon::detail::digamma_;
using shannon::detail::lgamma_;

/// f(x) at `bits` bits, correctly rounded (MPFR), as a double-free mpfr_float at that precision.
ex::real reference(int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), const ex::real& x, unsigned bits) {
    ex::real r;
    r.precision(bits);
    f(r.backend().data(), x.backend().data(), MPFR_RNDN);
    return r;
}

/// [lo, hi] at `bits` bits.
ex::interval make(double lo, double hi, unsigned bits) {
    ex::interval x;
    x.precision(bits);
    mpfi_interv_d(x.backend().data(), lo, hi);
    return x;
}

bool holds(const ex::interval& r, const ex::real& v) {
    return mpfr_cmp(&r.backend().data()->left, v.backend().data()) <= 0 &&
           mpfr_cmp(v.backend().data(), &r.backend().data()->right) <= 0;
}

TEST(gamma, interval_enclosures_hold_mpfrs_values) {
    std::mt19937_64 rng(20261206);
    std::uniform_real_distribution<double> u(0, 1);
    const unsigned bits = 128;
    int checked = 0;
    for (int k = 0; k < 300; ++k) {
        // ends: log-uniform over [2^-20, 2^20], a third of them close to lgamma's minimum x0
        const double a = k % 3 == 0 ? 1.4616321449683622 + (u(rng) - 0.5) * std::ldexp(1.0, -static_cast<int>(u(rng) * 50))
                                    : std::exp2(u(rng) * 40 - 20);
        const double b = a * (1 + std::ldexp(u(rng), -static_cast<int>(u(rng) * 50)));
        const ex::interval x = make(a, b, bits);
        const ex::interval lg = lgamma_(x);
        const ex::interval dg = digamma_(x);
        const double x0 = 1.4616321449683623;  // lgamma's minimum, to 53 bits: a point inside when [a, b] holds it
        const double t0 = a <= x0 && x0 <= b && b > a ? (x0 - a) / (b - a) : 0.5;
        for (const double t : {0.0, 1.0, t0, u(rng)}) {
            ex::real p;
            p.precision(2 * bits);
            p = ex::real(a) + (ex::real(b) - ex::real(a)) * t;
            ASSERT_TRUE(holds(lg, reference(mpfr_lngamma, p, 2 * bits))) << a << " " << b << " " << t;
            ASSERT_TRUE(holds(dg, reference(mpfr_digamma, p, 2 * bits))) << a << " " << b << " " << t;
            ++checked;
        }
    }
    EXPECT_EQ(checked, 1200);
}

TEST(gamma, point_enclosures_are_tight_everywhere_including_the_minimum) {
    for (const double x : {1e-300, 1e-5, 0.5, 1.0, 1.4616321449683622, 1.4616321449683623, 1.46163214496836, 2.0, 1e6,
                           1e300}) {
        for (const unsigned bits : {64U, 128U, 1024U}) {
            const ex::interval v = make(x, x, bits);
            for (const ex::interval& r : {lgamma_(v), digamma_(v)}) {
                ASSERT_FALSE(mpfi_nan_p(r.backend().data())) << x;
                // the width is within a few ulps of the ends at this precision
                ex::real w;
                w.precision(bits);
                mpfi_diam_abs(w.backend().data(), r.backend().data());
                ex::real m;
                m.precision(bits);
                mpfi_mag(m.backend().data(), r.backend().data());
                EXPECT_TRUE(w <= m * ex::real(std::ldexp(1.0, 4 - static_cast<int>(bits)))) << x << " at " << bits;
            }
        }
    }
    // lgamma(1) = lgamma(2) = 0 and digamma(1) = -Euler's gamma, enclosed
    EXPECT_TRUE(holds(lgamma_(make(1, 1, 128)), ex::real(0)));
    EXPECT_TRUE(holds(lgamma_(make(2, 2, 128)), ex::real(0)));
}

TEST(gamma, arguments_at_or_below_zero_and_mpfr_numbers) {
    EXPECT_TRUE(mpfi_nan_p(lgamma_(make(0, 1, 64)).backend().data()));
    EXPECT_TRUE(mpfi_nan_p(digamma_(make(-1, 1, 64)).backend().data()));
    ex::real x;
    x.precision(200);
    x = 3;
    EXPECT_TRUE(lgamma_(x) == reference(mpfr_lngamma, x, 200));  // log 2
    EXPECT_TRUE(digamma_(x) == reference(mpfr_digamma, x, 200));
    x = -2;
    EXPECT_TRUE(mpfr_nan_p(lgamma_(x).backend().data()));
}

}  // namespace gamma_test

namespace gamma_test {

// trigamma's enclosure (numbers/traits.hpp: recurrence and asymptotic series) against identities
// computed independently by MPFI: trigamma(1) = pi^2 / 6, trigamma(1/2) = pi^2 / 2, the reflection
// trigamma(x) + trigamma(1 - x) = pi^2 / sin^2(pi x) on 200 dyadic x in (0, 1), and the recurrence
// trigamma(x) - trigamma(x + 1) = 1 / x^2 for x up to 10^6; each enclosure a few ulps wide.
TEST(gamma, trigamma_encloses_its_identities) {
    const unsigned bits = 128;
    const ex::detail::bits_scope scope(bits);
    const auto pi2 = [] {
        ex::interval p = boost::multiprecision::acos(ex::interval(-1));
        return ex::interval(p * p);
    }();
    const auto meets = [](const ex::interval& a, const ex::interval& b) {
        return !(upper(a) < lower(b)) && !(upper(b) < lower(a));
    };
    const auto tight = [&](const ex::interval& r) {
        return upper(r) - lower(r) <= abs(upper(r)) * ex::real(std::ldexp(1.0, 8 - static_cast<int>(bits)));
    };
    const auto tg = [&](const ex::interval& x) { return shannon::detail::trigamma_(x, bits); };
    EXPECT_TRUE(meets(tg(ex::interval(1)), ex::interval(pi2 / 6)));
    EXPECT_TRUE(meets(tg(ex::interval(0.5)), ex::interval(pi2 / 2)));
    std::mt19937_64 rng(7);
    for (int k = 0; k < 200; ++k) {
        const double x = static_cast<double>(rng() % ((1U << 20U) - 1) + 1) / (1U << 20U);  // 1 - x exact
        const ex::interval a = tg(ex::interval(x));
        const ex::interval b = tg(ex::interval(1 - x));
        const ex::interval s = boost::multiprecision::sin(ex::interval(pi2 / boost::multiprecision::acos(ex::interval(-1)) * x));
        ASSERT_TRUE(meets(ex::interval(a + b), ex::interval(pi2 / (s * s)))) << x;
        ASSERT_TRUE(tight(a)) << x;
    }
    for (const double x : {1e-8, 0.3, 1.0, 7.5, 1e3, 1e6}) {
        const ex::interval d = ex::interval(tg(ex::interval(x)) - tg(ex::interval(ex::interval(x) + 1)));
        ASSERT_TRUE(meets(d, ex::interval(1 / (ex::interval(x) * ex::interval(x))))) << x;
    }
}

}  // namespace gamma_test
