// tests/numbers/ball.cpp — the certified double-double ball (include/shannon/ball.hpp) against MPFR.
//
// Every operation and elementary function of dd_ball is evaluated on random and hard double-word
// inputs, as points and as balls of random radius; MPFR computes the exact image of the ball's ends
// rounded outward at 300 bits (every function here is monotone on the ball, and the products and
// quotients are checked at the four corners), and the test fails unless the ball's [lower, upper]
// holds it. For point inputs it also measures the midpoint's error against the relative bound the
// header claims for the kernel, and prints the largest ratio (it must stay below 1). Then: the
// poisoning of what a ball cannot enclose, exact points staying exact, and the thread flag.
#include <gtest/gtest.h>

#include <mpfr.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <random>
#include <ranges>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <shannon/numbers/ball.hpp>
#include <shannon/numbers/ball_rows.hpp>
#include <shannon/core/math.hpp>
#include <shannon/detail/sum_exp.hpp>
#include <shannon/detail/map_row.hpp>
#include <shannon/detail/sum_softplus.hpp>

namespace {

using shannon::dd_ball;
using word = dd_ball::word;
namespace bd = shannon::numbers::ball_detail;

/// An MPFR number at p bits.
struct big {
    mpfr_t v;
    explicit big(mpfr_prec_t p = 2200) { mpfr_init2(v, p); }
    big(const big&) = delete;
    big& operator=(const big&) = delete;
    ~big() { mpfr_clear(v); }
};

/// The exact value of a double word (2200 bits hold any normalized one exactly).
void set_word(big& out, const word& w) {
    mpfr_set_d(out.v, w.hi, MPFR_RNDN);
    mpfr_add_d(out.v, out.v, w.lo, MPFR_RNDN);
}

/// The exact end mid - rad (dir < 0) or mid + rad of a ball: what the ball claims to hold.
void set_end(big& out, const dd_ball& b, int dir) {
    set_word(out, b.mid());
    mpfr_add_d(out.v, out.v, dir < 0 ? -b.rad() : b.rad(), MPFR_RNDN);  // exact at 2200 bits
}

/// True when lower(b) <= v <= upper(b).
bool holds(const dd_ball& b, const big& v) {
    big lo;
    big hi;
    set_word(lo, lower(b));
    set_word(hi, upper(b));
    return mpfr_lessequal_p(lo.v, v.v) && mpfr_lessequal_p(v.v, hi.v);
}

/// |mid - exact| / (rel |exact|): the midpoint's error in units of the claimed relative bound.
double ratio(const dd_ball& b, const big& exact, double rel) {
    if (mpfr_zero_p(exact.v) || !mpfr_number_p(exact.v) || mpfr_get_exp(exact.v) < -960) {
        return 0;  // below 2^-960 the absolute 2^-1069 of every radius covers the underflow instead
    }
    big m;
    set_word(m, b.mid());
    big d(300);
    mpfr_sub(d.v, m.v, exact.v, MPFR_RNDN);
    mpfr_div(d.v, d.v, exact.v, MPFR_RNDN);
    return std::abs(mpfr_get_d(d.v, MPFR_RNDN)) / rel;
}

/// A random double word: hi of random sign and exponent in [emin, emax], lo below ulp(hi)/2.
word random_word(std::mt19937_64& g, int emin, int emax, bool positive = false) {
    std::uniform_real_distribution<double> unit(1, 2);
    std::uniform_int_distribution<int> e(emin, emax);
    double hi = std::ldexp(unit(g), e(g));
    if (!positive && (g() & 1U) != 0U) {
        hi = -hi;
    }
    const double lo = (g() % 4 == 0) ? 0.0 : std::ldexp(unit(g) - 1.5, std::ilogb(hi) - 53);
    const double s = hi + lo;
    return {s, lo - (s - hi)};
}

/// A ball around w of radius |w| 2^-k (k random in [1, 100]) or a point.
dd_ball random_ball(std::mt19937_64& g, const word& w) {
    if (g() % 3 == 0) {
        return dd_ball(w);
    }
    std::uniform_int_distribution<int> k(1, 100);
    return {w, std::abs(w.hi) * std::ldexp(1.0, -k(g))};
}

using mpfr_fn = int (*)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t);

struct stats {
    std::size_t cases = 0;
    std::size_t poisoned = 0;
    double worst = 0;
};

/// Checks f(ball) against MPFR's f of the ball's exact ends (f monotone increasing on the ball).
void check_unary(const char* name, dd_ball (*f)(const dd_ball&), mpfr_fn g, double rel, const std::vector<word>& inputs,
                 std::mt19937_64& gen, stats& s) {
    for (const word& w : inputs) {
        for (int point = 0; point < 2; ++point) {
            const dd_ball x = point != 0 ? dd_ball(w) : random_ball(gen, w);
            const shannon::numbers::ball_scope scope;
            const dd_ball y = f(x);
            ++s.cases;
            if (shannon::numbers::ball_scope::poisoned()) {
                ++s.poisoned;
                continue;
            }
            big xl;
            big xh;
            set_end(xl, x, -1);
            set_end(xh, x, 1);
            big yl(300);
            big yh(300);
            g(yl.v, xl.v, MPFR_RNDD);
            g(yh.v, xh.v, MPFR_RNDU);
            EXPECT_TRUE(holds(y, yl) && holds(y, yh))
                << name << "(" << std::hexfloat << w.hi << " + " << w.lo << " +- " << x.rad() << ") = " << y.mid().hi
                << " + " << y.mid().lo << " +- " << y.rad();
            if (x.rad() == 0) {
                big exact(300);
                g(exact.v, xl.v, MPFR_RNDN);
                s.worst = std::max(s.worst, ratio(y, exact, rel));
            }
        }
    }
}

std::vector<word> inputs(std::mt19937_64& g, int n, int emin, int emax, bool positive,
                         const std::vector<double>& hard = {}) {
    std::vector<word> out;
    for (int i = 0; i < n; ++i) {
        out.push_back(random_word(g, emin, emax, positive));
    }
    for (double h : hard) {
        out.emplace_back(h, 0.0);
    }
    return out;
}

void report(const char* name, const stats& s) {
    std::cout << name << ": " << s.cases << " cases, " << s.poisoned
              << " left to MPFI, largest midpoint error " << s.worst << " of the claimed bound\n";
    EXPECT_LT(s.worst, 1.0) << name;
}

TEST(ball, log_encloses_and_meets_its_bound) {
    std::mt19937_64 g(1);
    auto in = inputs(g, 3000, -1074, 1023, true, {1.0, 2.0, 0.5, std::nextafter(1.0, 2.0), std::nextafter(1.0, 0.0),
                                                  0x1p-1074, 0x1p-1022, 0x1.fffffffffffffp+1023, 0.70710678118654752,
                                                  1.4142135623730951});
    for (int i = 0; i < 1000; ++i) {  // near 1, where log x is small
        in.push_back(random_word(g, -60, -1, false));
        in.back() = shannon::double_word_arith::add(word(1.0), in.back());
    }
    stats s;
    check_unary("log", [](const dd_ball& x) { return log(x); }, mpfr_log, bd::rel_log, in, g, s);
    report("log", s);
}

TEST(ball, exp_encloses_and_meets_its_bound) {
    std::mt19937_64 g(2);
    std::vector<word> in;
    std::uniform_real_distribution<double> x(-745.5, 709.7);
    for (int i = 0; i < 3000; ++i) {
        const double h = x(g);
        in.emplace_back(h, std::ldexp(std::uniform_real_distribution<double>(-0.5, 0.5)(g), std::ilogb(h) - 52));
    }
    for (int i = 0; i < 500; ++i) {
        in.push_back(random_word(g, -80, -1, false));  // near 0
    }
    std::uniform_real_distribution<double> sub(-745.2, -700);  // subnormal and near-subnormal results
    for (int i = 0; i < 500; ++i) {
        in.emplace_back(sub(g), 0.0);
    }
    for (int k = -1074; k <= 1023; k += 7) {  // multiples of ln 2, the reduction's boundaries
        const double h = k * 0.6931471805599453;
        in.emplace_back(h, 0.0);
        in.emplace_back(std::nextafter(h + 0.5 * 0.6931471805599453, 0.0), 0.0);
    }
    stats s;
    check_unary("exp", [](const dd_ball& v) { return exp(v); }, mpfr_exp, bd::rel_exp, in, g, s);
    report("exp", s);
}

TEST(ball, expm1_encloses_and_meets_its_bound) {
    std::mt19937_64 g(3);
    std::vector<word> in;
    std::uniform_real_distribution<double> x(-60, 709.7);
    for (int i = 0; i < 2000; ++i) {
        in.emplace_back(x(g), 0.0);
    }
    for (int i = 0; i < 2000; ++i) {
        in.push_back(random_word(g, -1074, -1, false));
    }
    for (double h : {0.125, -0.125, std::nextafter(0.125, 0.0), std::nextafter(-0.125, 0.0), 1e-300, -1e-300}) {
        in.emplace_back(h, 0.0);
    }
    stats s;
    check_unary("expm1", [](const dd_ball& v) { return expm1(v); }, mpfr_expm1, bd::rel_expm1, in, g, s);
    report("expm1", s);
}

TEST(ball, log1p_encloses_and_meets_its_bound) {
    std::mt19937_64 g(4);
    std::vector<word> in = inputs(g, 2000, -1074, 1023, true);
    for (int i = 0; i < 1000; ++i) {
        in.push_back(random_word(g, -1074, -1, false));  // |x| < 1, both signs
    }
    for (int i = 0; i < 500; ++i) {  // near -1
        in.push_back(shannon::double_word_arith::add(word(-1.0), random_word(g, -100, -2, true)));
    }
    for (double h : {0x1p-20, -0x1p-20, std::nextafter(0x1p-20, 0.0), 0x1.0ba8b8a0617f5p+55, -0.5, 1.0}) {
        in.emplace_back(h, 0.0);
    }
    stats s;
    check_unary("log1p", [](const dd_ball& v) { return log1p(v); }, mpfr_log1p, bd::rel_log1p, in, g, s);
    report("log1p", s);
}

TEST(ball, sqrt_encloses_and_meets_its_bound) {
    std::mt19937_64 g(5);
    stats s;
    check_unary("sqrt", [](const dd_ball& v) { return sqrt(v); }, mpfr_sqrt, bd::rel_sqrt,
                inputs(g, 3000, -1074, 1023, true), g, s);
    report("sqrt", s);
}

/// +, -, *, / of random balls with wide exponents and cancellations, checked at the corners.
TEST(ball, arithmetic_encloses_and_meets_its_bounds) {
    std::mt19937_64 g(6);
    using op_fn = int (*)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t);
    struct op {
        const char* name;
        dd_ball (*f)(const dd_ball&, const dd_ball&);
        op_fn m;
        double rel;
        stats s;
    };
    op ops[] = {{"add", [](const dd_ball& a, const dd_ball& b) { return a + b; }, mpfr_add, bd::rel_add, {}},
                {"sub", [](const dd_ball& a, const dd_ball& b) { return a - b; }, mpfr_sub, bd::rel_add, {}},
                {"mul", [](const dd_ball& a, const dd_ball& b) { return a * b; }, mpfr_mul, bd::rel_mul, {}},
                {"div", [](const dd_ball& a, const dd_ball& b) { return a / b; }, mpfr_div, bd::rel_div, {}}};
    for (int i = 0; i < 6000; ++i) {
        const int range = i % 3 == 0 ? 1000 : 40;
        const word wa = random_word(g, -range, range);
        word wb = random_word(g, -range, range);
        if (i % 5 == 0) {  // near cancellation: b = -a (1 + tiny)
            wb = shannon::double_word_arith::mul(wa, word(-1.0 - std::ldexp(1.0, -static_cast<int>(g() % 100))));
        }
        dd_ball a = random_ball(g, wa);
        dd_ball b = random_ball(g, wb);
        if (i % 7 == 0) {  // near the underflow: tiny / tiny, tiny * huge, subnormal operands
            a = random_ball(g, random_word(g, -1074, -900));
            b = random_ball(g, random_word(g, i % 2 == 0 ? -1074 : 400, i % 2 == 0 ? -400 : 1000));
        }
        for (op& o : ops) {
            const shannon::numbers::ball_scope scope;
            const dd_ball r = o.f(a, b);
            ++o.s.cases;
            if (shannon::numbers::ball_scope::poisoned()) {
                ++o.s.poisoned;
                continue;
            }
            big ends[2][2];
            set_end(ends[0][0], a, -1);
            set_end(ends[0][1], a, 1);
            set_end(ends[1][0], b, -1);
            set_end(ends[1][1], b, 1);
            for (int x = 0; x < 2; ++x) {
                for (int y = 0; y < 2; ++y) {
                    big lo(4600);  // exact for sums and products of any two double words
                    big hi(4600);
                    o.m(lo.v, ends[0][x].v, ends[1][y].v, MPFR_RNDD);
                    o.m(hi.v, ends[0][x].v, ends[1][y].v, MPFR_RNDU);
                    EXPECT_TRUE(holds(r, lo) && holds(r, hi)) << o.name << " " << a << " " << b << " = " << r;
                }
            }
            if (a.rad() == 0 && b.rad() == 0) {
                big exact(300);
                o.m(exact.v, ends[0][0].v, ends[1][0].v, MPFR_RNDN);
                o.s.worst = std::max(o.s.worst, ratio(r, exact, o.rel));
            }
        }
    }
    for (const op& o : ops) {
        report(o.name, o.s);
    }
}

/// dd_ball_sum (the generic accumulator's running sum of balls) encloses every exact sum of its
/// terms' ends: rows of 1-300 terms over wide exponent ranges, with cancellations, subnormals and
/// radii; and it keeps the ball's conventions for infinities, NaN and overflow.
TEST(ball, running_sum_encloses_the_exact_sum) {
    std::mt19937_64 g(16);
    double worst = 0;  // radius / (2^-100 sum |terms|) on point terms
    for (int i = 0; i < 3000; ++i) {
        const int range = i % 4 == 0 ? 1000 : 30;
        const std::size_t n = 1 + g() % 300;
        std::vector<dd_ball> terms;
        for (std::size_t k = 0; k < n; ++k) {
            word w = random_word(g, -range, range);
            if (i % 5 == 0 && k > 0 && g() % 2 == 0) {  // cancel the previous term up to a tiny part
                w = shannon::double_word_arith::mul(terms.back().mid(), word(-1.0 - std::ldexp(1.0, -static_cast<int>(g() % 100))));
            }
            if (i % 7 == 0 && g() % 3 == 0) {
                w = random_word(g, -1074, -1000);  // subnormal and near-subnormal terms
            }
            terms.push_back(i % 2 == 0 ? dd_ball(w) : random_ball(g, w));
        }
        const shannon::numbers::ball_scope scope;
        shannon::numbers::dd_ball_sum sum;
        for (const dd_ball& t : terms) {
            sum.add(t);
        }
        const dd_ball r = sum.value();
        ASSERT_FALSE(shannon::numbers::ball_scope::poisoned()) << i;
        big lo(4600);
        big hi(4600);
        big mag(300);
        mpfr_set_zero(lo.v, 1);
        mpfr_set_zero(hi.v, 1);
        mpfr_set_zero(mag.v, 1);
        for (const dd_ball& t : terms) {
            big a;
            set_end(a, t, -1);
            mpfr_add(lo.v, lo.v, a.v, MPFR_RNDD);
            set_end(a, t, 1);
            mpfr_add(hi.v, hi.v, a.v, MPFR_RNDU);
            mpfr_add_d(mag.v, mag.v, std::abs(t.mid().hi), MPFR_RNDU);
        }
        EXPECT_TRUE(holds(r, lo) && holds(r, hi)) << "row " << i << " of " << n << " terms: " << r;
        if (i % 2 == 0 && !mpfr_zero_p(mag.v)) {
            worst = std::max(worst, r.rad() / (mpfr_get_d(mag.v, MPFR_RNDU) * 0x1p-100));
        }
    }
    std::cout << "  running sum: 3000 rows enclosed; radius at most " << worst
              << " of 2^-100 sum |terms| on exact terms\n";
    const auto sum_of = [](std::initializer_list<dd_ball> xs) {
        shannon::numbers::dd_ball_sum s;
        for (const dd_ball& x : xs) {
            s.add(x);
        }
        return s.value();
    };
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_TRUE(sum_of({dd_ball(1.5), dd_ball(inf), dd_ball(-2.0)}).is_inf());
    EXPECT_GT(sum_of({dd_ball(1.5), dd_ball(inf)}).mid().hi, 0);
    EXPECT_TRUE(sum_of({dd_ball(1.0), dd_ball(std::numeric_limits<double>::quiet_NaN())}).is_nan());
    EXPECT_EQ(sum_of({}).mid().hi, 0);
    EXPECT_EQ(sum_of({}).rad(), 0);
    EXPECT_EQ(sum_of({dd_ball(0.5), dd_ball(0.25)}).rad(), 0);  // exact additions stay points
    {
        const shannon::numbers::ball_scope scope;
        (void)sum_of({dd_ball(0x1p1023), dd_ball(0x1p1023)});
        EXPECT_TRUE(shannon::numbers::ball_scope::poisoned()) << "an overflowing sum";
    }
    {
        const shannon::numbers::ball_scope scope;
        (void)sum_of({dd_ball(inf), dd_ball(-inf)});
        EXPECT_TRUE(shannon::numbers::ball_scope::poisoned()) << "inf - inf";
    }
}

TEST(ball, what_a_ball_cannot_enclose_poisons_the_evaluation) {
    const auto poisons = [](const std::function<dd_ball()>& f) {
        const shannon::numbers::ball_scope scope;
        (void)f();
        return shannon::numbers::ball_scope::poisoned();
    };
    EXPECT_TRUE(poisons([] { return exp(dd_ball(800.0)); }));
    EXPECT_TRUE(poisons([] { return dd_ball(1e300) * dd_ball(1e300); }));
    EXPECT_TRUE(poisons([] { return dd_ball(1.0) / dd_ball(word(0.0), 1.0); }));
    EXPECT_TRUE(poisons([] { return dd_ball(1.0) / dd_ball(0.0); }));
    EXPECT_TRUE(poisons([] { return log(dd_ball(word(0.5), 1.0)); }));
    EXPECT_TRUE(poisons([] { return log1p(dd_ball(word(-0.5), 1.0)); }));
    EXPECT_TRUE(poisons([] { return dd_ball(HUGE_VAL) - dd_ball(HUGE_VAL); }));
    EXPECT_TRUE(poisons([] { return dd_ball(HUGE_VAL) * dd_ball(word(0.0), 1.0); }));
    // Asking whether a ball that holds 0 is exactly 0 (a convention's branch) cannot be answered.
    EXPECT_TRUE(poisons([] { return dd_ball(shannon::detail::is_exact_zero(dd_ball(word(0.0), 1e-300)) ? 1.0 : 0.0); }));
    EXPECT_FALSE(poisons([] { return dd_ball(shannon::detail::is_exact_zero(dd_ball(word(1.0), 1e-300)) ? 1.0 : 0.0); }));
    EXPECT_FALSE(poisons([] { return exp(dd_ball(700.0)) + log(dd_ball(1e-300)); }));
    EXPECT_FALSE(poisons([] { return dd_ball(HUGE_VAL) + dd_ball(1.0); }));
    // The flag belongs to the thread and to the scope.
    {
        const shannon::numbers::ball_scope outer;
        (void)exp(dd_ball(800.0));
        std::thread([] {
            const shannon::numbers::ball_scope inner;
            EXPECT_FALSE(shannon::numbers::ball_scope::poisoned());
        }).join();
        EXPECT_TRUE(shannon::numbers::ball_scope::poisoned());
    }
}

TEST(ball, exact_points_stay_exact) {
    const dd_ball a(0.1);
    const dd_ball b(-0.1);
    EXPECT_EQ((a + b).rad(), 0.0);                    // an exact zero sum
    EXPECT_EQ((dd_ball(3.0) + dd_ball(1e-30)).rad(), 0.0);  // TwoSum of two doubles
    EXPECT_EQ((dd_ball(3.0) * dd_ball(0.1)).rad(), 0.0);    // Dekker's product of two doubles
    EXPECT_EQ((dd_ball(0.0) * dd_ball(word(5.0), 1.0)).rad(), 0.0);
    EXPECT_EQ(log(dd_ball(0.0)).mid().hi, -HUGE_VAL);
    EXPECT_EQ(exp(dd_ball(-HUGE_VAL)).mid().hi, 0.0);
    EXPECT_EQ(lower(dd_ball(0.1)).hi, 0.1);
    EXPECT_EQ(upper(dd_ball(0.1)).hi, 0.1);
    EXPECT_EQ(log(dd_ball(1.0)).rad(), 0.0);  // the exact points MPFI has too
    EXPECT_EQ(exp(dd_ball(0.0)).rad(), 0.0);
    EXPECT_EQ(expm1(dd_ball(0.0)).rad(), 0.0);
    EXPECT_EQ(log1p(dd_ball(0.0)).rad(), 0.0);
    EXPECT_FALSE(zero_in(dd_ball(0x1p-1074)));
    EXPECT_TRUE(zero_in(dd_ball(0.0)));
}

/// The vector sum of exponentials (detail/sum_exp.hpp) that the ball takes for rows of exact logits:
/// its bound holds against MPFR on random rows of every length 1..40 and 1,000..33,000 (the vector
/// loop, the scalar tail and the rare-block path; every other row in the portable code), rows with
/// -inf masks, logits 650 and 800 below the maximum, and near-ties; the measured error per term
/// stays below the kernel's bound (2^-79 in the vector lanes, 2^-88 in the portable code). A NaN or a
/// value above the maximum makes the sum not valid.
TEST(ball, sum_of_exponentials_meets_its_bound) {
    std::mt19937_64 g(42);
    std::size_t rows = 0;
    double worst = 0;  // |error| / err over all rows
    double worst_rel = 0;  // |error| / (per-term bound S) for rows without rare terms
    auto check = [&](const std::vector<double>& z, bool plain) {
        std::size_t imax = 0;
        for (std::size_t i = 1; i < z.size(); ++i) {
            if (z[i] > z[imax]) {
                imax = i;
            }
        }
        const double m = z[imax];
        namespace fd = shannon::exact::fast::detail;
        const bool vector = z.size() >= 16384 || (rows & 1U) == 0;  // vector and portable code
        const auto r = z.size() >= 16384 ? fd::sum_exp_split(fd::array_reader{z.data()}, z.size(), imax, m)  // two threads
                                         : fd::sum_exp([&z](std::size_t i) { return z[i]; }, z.size(), imax, m, vector);
        const double per_term = vector && fd::cpu_supported() ? fd::rel_exp_lanes : 0x1p-88;
        big exact(400);
        mpfr_set_zero(exact.v, 1);
        big t(400);
        for (std::size_t i = 0; i < z.size(); ++i) {
            if (i == imax) {
                continue;
            }
            mpfr_set_d(t.v, z[i], MPFR_RNDN);
            mpfr_sub_d(t.v, t.v, m, MPFR_RNDN);
            mpfr_exp(t.v, t.v, MPFR_RNDN);
            mpfr_add(exact.v, exact.v, t.v, MPFR_RNDN);
        }
        big d(400);
        set_word(d, word(r.hi, r.lo));
        mpfr_sub(d.v, d.v, exact.v, MPFR_RNDN);
        const double e = std::abs(mpfr_get_d(d.v, MPFR_RNDU));
        ASSERT_LE(e, r.err) << "row of " << z.size() << " logits";
        worst = std::max(worst, r.err > 0 ? e / r.err : 0);
        if (plain && r.hi > 0) {
            worst_rel = std::max(worst_rel, e / (per_term * r.hi));
        }
        ++rows;
    };
    std::normal_distribution<double> normal(0, 1);
    std::vector<std::size_t> sizes;
    for (std::size_t n = 1; n <= 40; ++n) {
        sizes.push_back(n);
    }
    for (const std::size_t n : {1000, 4097, 32000, 33003}) {
        sizes.push_back(n);
    }
    for (const std::size_t n : sizes) {
        for (int rep = 0; rep < (n < 100 ? 20 : 1); ++rep) {
            std::vector<double> z(n);
            const double scale = std::ldexp(1.0, static_cast<int>(g() % 12) - 4);  // 1/16 .. 128
            for (double& x : z) {
                x = normal(g) * scale;
            }
            check(z, scale <= 64);
            // the same row with masks, rare terms and near-ties
            for (std::size_t i = 0; i < n; i += 7) {
                const auto pick = g() % 5;
                z[i] = pick == 0 ? -HUGE_VAL : pick == 1 ? z[0] - 650 : pick == 2 ? z[0] - 800 : z[0] + 0x1p-40;
            }
            check(z, false);
        }
    }
    // a NaN, or a value above the maximum given (+inf among them), anywhere: not valid, in the vector
    // lanes, the scalar tail, the second thread's half and the portable code
    namespace fd = shannon::exact::fast::detail;
    for (const std::size_t n : {std::size_t{9}, std::size_t{40000}}) {
        for (const double bad : {std::nan(""), 1.5, HUGE_VAL}) {
            for (const std::size_t at : {std::size_t{0}, std::size_t{5}, n - 1, n / 2 + 3}) {
                std::vector<double> z(n, -1.0);
                z[2] = 1.0;
                z[at] = bad;
                const auto split = fd::sum_exp_split(fd::array_reader{z.data()}, n, 2, 1.0);
                const auto portable = fd::sum_exp(fd::array_reader{z.data()}, n, 2, 1.0, false);
                EXPECT_FALSE(split.valid) << bad << " at " << at << " of " << n;
                EXPECT_FALSE(portable.valid) << bad << " at " << at << " of " << n;
            }
        }
    }
    std::cout << "  sum of exponentials: " << rows << " rows; largest error " << worst
              << " of the bound, " << worst_rel << " of the per-term bound per unit of the sum\n";
    EXPECT_LT(worst_rel, 0.25);
}

/// sum_exp_rows (detail/sum_exp.hpp: short rows several to a vector, a row per lane) against MPFR:
/// batches of 1..70 rows (whole groups of eight and four and the rows left over) of every length
/// 1..20 and 33, 64, 65, logits scaled 1/16..128, and the same batches with -inf masks, logits 650
/// and 800 below the maximum and near-ties at 2^-40 in some rows (those groups go row by row); each
/// row's error within its bound, and a NaN or a value above its maximum makes that row not valid;
/// and long rows: one of 20,000 (its own two halves) and 3 of 22,000 (the batch shared by rows).
/// A batch of `rows` rows of c values stored one after another in z: a pointer to each row and the
/// index of its maximum (the batch kernels' arguments).
struct row_batch {
    std::vector<const double*> p;
    std::vector<std::size_t> imax;
};

row_batch batch_of(const std::vector<double>& z, std::size_t rows, std::size_t c) {
    row_batch b{std::vector<const double*>(rows), std::vector<std::size_t>(rows)};
    for (std::size_t r = 0; r < rows; ++r) {
        b.p[r] = &z[r * c];
        b.imax[r] = static_cast<std::size_t>(std::max_element(b.p[r], b.p[r] + c) - b.p[r]);
    }
    return b;
}

/// |(hi + lo) - sum_{k != imax} e^(z_k - z_imax)| for a row z of c values, the sum by MPFR at 400
/// bits (rounded up).
double sum_exp_error(const double* z, std::size_t c, std::size_t imax, double hi, double lo) {
    big exact(400);
    big t(400);
    mpfr_set_zero(exact.v, 1);
    for (std::size_t k = 0; k < c; ++k) {
        if (k != imax) {
            mpfr_set_d(t.v, z[k], MPFR_RNDN);
            mpfr_sub_d(t.v, t.v, z[imax], MPFR_RNDN);
            mpfr_exp(t.v, t.v, MPFR_RNDN);
            mpfr_add(exact.v, exact.v, t.v, MPFR_RNDN);
        }
    }
    set_word(t, word(hi, lo));
    mpfr_sub(t.v, t.v, exact.v, MPFR_RNDN);
    return std::abs(mpfr_get_d(t.v, MPFR_RNDU));
}

TEST(ball, sum_of_exponentials_of_many_rows_meets_its_bound) {
    namespace fd = shannon::exact::fast::detail;
    std::mt19937_64 g(7);
    std::normal_distribution<double> normal(0, 1);
    std::size_t checked = 0;
    double worst = 0;
    for (const std::size_t c : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 33, 64, 65}) {
        for (const std::size_t rows : {1, 3, 4, 8, 13, 70}) {
            for (int variant = 0; variant < 3; ++variant) {
                std::vector<double> z(rows * c);
                const double scale = std::ldexp(1.0, static_cast<int>(g() % 12) - 4);
                for (double& x : z) {
                    x = normal(g) * scale;
                }
                const auto [p, imax] = batch_of(z, rows, c);
                for (std::size_t r = 0; r < rows; ++r) {
                    if (variant == 1 && g() % 3 == 0) {  // rare terms in some rows (below the maximum: imax stands)
                        for (std::size_t k = 0; k < c; ++k) {
                            if (k != imax[r] && g() % 3 == 0) {
                                const auto pick = g() % 4;
                                const double m = z[r * c + imax[r]];
                                z[r * c + k] = pick == 0 ? -HUGE_VAL : pick == 1 ? m - 650 : pick == 2 ? m - 800 : m - 0x1p-40;
                            }
                        }
                    }
                }
                std::vector<std::size_t> bad_rows;
                if (variant == 2 && c > 1) {  // a NaN or a value above the maximum in some rows
                    for (std::size_t r = 0; r < rows; r += 5) {
                        const std::size_t k = (imax[r] + 1) % c;
                        z[r * c + k] = r % 2 == 0 ? std::nan("") : z[r * c + imax[r]] + 1;
                        bad_rows.push_back(r);
                    }
                }
                std::vector<fd::exp_sum> out(rows);
                fd::sum_exp_rows(p.data(), rows, c, imax.data(), out.data());
                for (std::size_t r = 0; r < rows; ++r) {
                    if (std::find(bad_rows.begin(), bad_rows.end(), r) != bad_rows.end()) {
                        EXPECT_FALSE(out[r].valid) << "row " << r << " of " << rows << " x " << c;
                        continue;
                    }
                    ASSERT_TRUE(out[r].valid) << "row " << r << " of " << rows << " x " << c;
                    const double e = sum_exp_error(p[r], c, imax[r], out[r].hi, out[r].lo);
                    ASSERT_LE(e, out[r].err) << "row " << r << " of " << rows << " x " << c;
                    worst = std::max(worst, out[r].err > 0 ? e / out[r].err : 0);
                    ++checked;
                }
            }
        }
    }
    // long rows: one row (its own two halves, sum_exp_split) and a batch shared by two threads by rows
    for (const auto& [rows, c] : {std::pair<std::size_t, std::size_t>{1, 20000}, {3, 22000}}) {
        std::vector<double> z(rows * c);
        for (double& x : z) {
            x = normal(g) * 4;
        }
        const auto [p, imax] = batch_of(z, rows, c);
        std::vector<fd::exp_sum> out(rows);
        fd::sum_exp_rows(p.data(), rows, c, imax.data(), out.data());
        for (std::size_t r = 0; r < rows; ++r) {
            ASSERT_TRUE(out[r].valid) << "long row " << r << " of " << rows << " x " << c;
            const double e = sum_exp_error(p[r], c, imax[r], out[r].hi, out[r].lo);
            ASSERT_LE(e, out[r].err) << "long row " << r << " of " << rows << " x " << c;
            worst = std::max(worst, out[r].err > 0 ? e / out[r].err : 0);
            ++checked;
        }
    }
    std::cout << "  sums of many rows: " << checked << " rows; largest error " << worst << " of the bound\n";
}

#if defined(SHANNON_FAST_X86)
/// The vector exp of detail/lanes.inc (exp_lanes), in four lanes and (where the CPU has AVX-512) in
/// eight, within its bound, rel_exp_lanes = 2^-79, of MPFR's e^(d_hi + d_lo) on 2^18 random arguments
/// in [-600, 700] (a sixth of them positive) with low words up to 2^-43, and on the hard ones: the
/// reduced argument at +-ln2/512 (d_hi at a midpoint k ln2/256 + ln2/512, and a few ulps either
/// side, over the whole range), d_hi = 0, -600, 700 and tiny; a normalized double word every time,
/// and the same bits in both widths.
// One wrapper per width, written once: a target attribute cannot depend on a template argument (see
// lanes.inc), so a macro stamps out the two.
#define SHANNON_TEST_VECTOR_EXP(name, lanes, target)                                   \
    target void name(const double* hi, const double* lo, double* e_hi, double* e_lo) { \
        shannon::exact::fast::detail::ddv<lanes::V> d{};                                 \
        __builtin_memcpy(&d.hi, hi, sizeof d.hi);                                        \
        __builtin_memcpy(&d.lo, lo, sizeof d.lo);                                        \
        const auto e = lanes::exp_lanes(d);                                              \
        __builtin_memcpy(e_hi, &e.hi, sizeof e.hi);                                      \
        __builtin_memcpy(e_lo, &e.lo, sizeof e.lo);                                      \
    }
SHANNON_TEST_VECTOR_EXP(vector_exp4, shannon::exact::fast::detail::lanes4, SHANNON_FAST_TARGET)
SHANNON_TEST_VECTOR_EXP(vector_exp8, shannon::exact::fast::detail::lanes8,
                        __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))))
#undef SHANNON_TEST_VECTOR_EXP

TEST(ball, vector_exp_meets_its_bound) {
    namespace fd = shannon::exact::fast::detail;
    if (!fd::cpu_supported()) {
        GTEST_SKIP() << "no AVX2 + FMA";
    }
    std::mt19937_64 g(17);
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<std::pair<double, double>> args;
    for (int i = 0; i < (1 << 18); ++i) {
        const double hi = i % 6 == 0   ? 700 * unit(g)
                          : i % 3 == 0 ? -600.01 * unit(g) + 0.01
                                       : -std::ldexp(unit(g), -static_cast<int>(g() % 40));
        const double lo = i % 2 == 0 ? 0.0 : (unit(g) - 0.5) * std::ldexp(std::abs(hi), -53);
        args.emplace_back(hi, std::abs(lo) <= 0x1p-43 ? lo : 0.0);
    }
    const double step = std::log(2.0) / 256;
    for (int k = -221000; k <= 258600; k += 97) {
        const double mid = (k + 0.5) * step;
        for (int ulps = -3; ulps <= 3; ++ulps) {
            double x = mid;
            for (int u = 0; u < std::abs(ulps); ++u) {
                x = std::nextafter(x, ulps < 0 ? -HUGE_VAL : HUGE_VAL);
            }
            if (x >= -600 && x <= 700) {
                args.emplace_back(x, 0.0);
                args.emplace_back(x, std::ldexp(std::abs(x), -54));
            }
        }
    }
    for (const double x : {0.0, -600.0, 0.01, 700.0, 0x1p-60, -0x1p-1074, -0x1p-60, -1e-300}) {
        args.emplace_back(x, 0.0);
    }
    while (args.size() % 8 != 0) {
        args.emplace_back(0.0, 0.0);
    }
    const std::size_t n = args.size();
    std::vector<double> hi(n);
    std::vector<double> lo(n);
    for (std::size_t i = 0; i < n; ++i) {
        hi[i] = args[i].first;
        lo[i] = args[i].second;
    }
    std::vector<double> e_hi(n);
    std::vector<double> e_lo(n);
    for (std::size_t i = 0; i < n; i += 4) {
        vector_exp4(&hi[i], &lo[i], &e_hi[i], &e_lo[i]);
    }
    const bool wide = fd::simd_level() >= 2;
    if (wide) {
        for (std::size_t i = 0; i < n; i += 8) {
            double h8[8];
            double l8[8];
            vector_exp8(&hi[i], &lo[i], h8, l8);
            for (std::size_t l = 0; l < 8; ++l) {
                ASSERT_EQ(h8[l], e_hi[i + l]) << "eight lanes: exp(" << hi[i + l] << " + " << lo[i + l] << ")";
                ASSERT_EQ(l8[l], e_lo[i + l]) << "eight lanes: exp(" << hi[i + l] << " + " << lo[i + l] << ")";
            }
        }
    }
    double worst = 0;
    big exact(300);
    big t(300);
    for (std::size_t i = 0; i < n; ++i) {
        mpfr_set_d(exact.v, hi[i], MPFR_RNDN);
        mpfr_add_d(exact.v, exact.v, lo[i], MPFR_RNDN);  // exact at 300 bits
        mpfr_exp(exact.v, exact.v, MPFR_RNDN);
        set_word(t, word(e_hi[i], e_lo[i]));
        mpfr_sub(t.v, t.v, exact.v, MPFR_RNDN);
        mpfr_div(t.v, t.v, exact.v, MPFR_RNDN);
        const double rel = std::abs(mpfr_get_d(t.v, MPFR_RNDU));
        ASSERT_LE(rel, fd::rel_exp_lanes) << "exp(" << hi[i] << " + " << lo[i] << ")";
        ASSERT_LE(std::abs(e_lo[i]), std::ldexp(std::abs(e_hi[i]), -53)) << "not normalized";
        worst = std::max(worst, rel);
    }
    std::cout << "  vector exp: " << n << " arguments; largest error " << worst / fd::rel_exp_lanes
              << " of the bound (2^" << std::log2(worst) << ")" << (wide ? "; eight lanes: the same bits" : "") << "\n";
}
#endif

/// The row of softmax values the ball computes by detail/sum_exp.hpp's exp_row (e^(z_k - m - c)):
/// every element's ball holds MPFR's e^(z_k - m - c') at both ends c' = c -+ r of c's ball, on random
/// rows of lengths 1..13 and 4,099 (vector lanes and the scalar tail), with -inf masks and logits 560 and 800 below the maximum (the elements left to the ball's
/// own operations), for c a point and a ball; and times a scale (2^-20..2^20, a point or a ball), the
/// product's ball holding MPFR's at the ends of both.
TEST(ball, softmax_row_encloses_every_element) {
    std::mt19937_64 g(5);
    std::normal_distribution<double> normal(0, 1);
    std::uniform_real_distribution<double> unit(0, 1);
    std::size_t elements = 0;
    for (const std::size_t n : {1, 2, 3, 4, 5, 7, 8, 9, 13, 4099}) {
        for (int rep = 0; rep < 6; ++rep) {
            std::vector<dd_ball> z(n);
            for (auto& v : z) {
                v = dd_ball(normal(g) * std::ldexp(1.0, static_cast<int>(g() % 10) - 3));
            }
            if (rep >= 3) {
                for (std::size_t i = 1; i < n; i += 3) {
                    const auto pick = g() % 3;
                    z[i] = pick == 0 ? dd_ball(-HUGE_VAL) : pick == 1 ? dd_ball(z[0].mid().hi - 560) : dd_ball(z[0].mid().hi - 800);
                }
            }
            std::size_t imax = 0;
            for (std::size_t i = 1; i < n; ++i) {
                if (z[i].mid().hi > z[imax].mid().hi) {
                    imax = i;
                }
            }
            const double cm = 40 * unit(g);
            const dd_ball c = rep % 2 == 0 ? dd_ball(cm) : dd_ball(word(cm, cm * 0x1p-60), std::ldexp(1.0, -30 - static_cast<int>(g() % 40)));
            // times a positive scale: none, a point (a weight over a batch size), a ball
            const double sm = std::ldexp(0.5 + unit(g), static_cast<int>(g() % 40) - 20);
            const dd_ball scale = rep % 3 == 0 ? dd_ball(sm) : dd_ball(word(sm, sm * 0x1p-58), sm * std::ldexp(1.0, -25 - static_cast<int>(g() % 60)));
            const bool scaled = rep % 3 != 2;
            const auto v = exp_shifted_row(std::type_identity<dd_ball>{}, z, imax, c, scaled ? &scale : nullptr);
            ASSERT_TRUE(v.has_value());
            ASSERT_EQ(v->size(), n);
            for (std::size_t i = 0; i < n; ++i) {
                for (const int dir : {-1, 1}) {
                    big e(300);
                    big ce;
                    set_end(ce, c, -dir);  // the larger c gives the smaller value
                    big t;
                    mpfr_set_d(t.v, z[i].mid().hi, MPFR_RNDN);
                    mpfr_sub_d(t.v, t.v, z[imax].mid().hi, MPFR_RNDN);
                    mpfr_sub(t.v, t.v, ce.v, MPFR_RNDN);
                    mpfr_exp(e.v, t.v, dir < 0 ? MPFR_RNDD : MPFR_RNDU);
                    if (scaled) {  // times the scale's end in the same direction, exactly (1000 bits)
                        big se;
                        set_end(se, scale, dir);
                        big prod(1000);
                        mpfr_mul(prod.v, e.v, se.v, MPFR_RNDN);
                        EXPECT_TRUE(holds((*v)[i], prod)) << "element " << i << " of " << n << " (scaled): " << (*v)[i];
                    } else {
                        EXPECT_TRUE(holds((*v)[i], e)) << "element " << i << " of " << n << ": " << (*v)[i];
                    }
                }
                ++elements;
            }
        }
    }
    std::cout << "  softmax rows: " << elements << " elements enclosed\n";
}

/// The weighted gaps of label smoothing (detail/sum_exp.hpp's sum_weighted_gaps): sum w_i (m - z_i)
/// within its bound of MPFR's on random rows of lengths 1..20 and 32,000, weighted and not, in the
/// vector lanes and the portable code, logits of scale 2^-20..2^40, weights 0..2^20 and of both
/// signs.
TEST(ball, weighted_gaps_meet_their_bound) {
    std::mt19937_64 g(9);
    std::normal_distribution<double> normal(0, 1);
    std::size_t rows = 0;
    double worst = 0;
    for (const std::size_t n : {1, 2, 3, 5, 8, 13, 20, 32000}) {
        for (int rep = 0; rep < 8; ++rep) {
            std::vector<double> z(n);
            std::vector<double> w(n);
            const double scale = std::ldexp(1.0, static_cast<int>(g() % 61) - 20);
            for (std::size_t i = 0; i < n; ++i) {
                z[i] = normal(g) * scale;
                w[i] = rep % 4 == 3 ? normal(g) : std::ldexp(std::abs(normal(g)), static_cast<int>(g() % 21) - 10);
            }
            const double m = *std::max_element(z.begin(), z.end());
            const bool weighted = rep % 2 == 0;
            const bool vector = (rep / 2) % 2 == 0;
            const auto r = shannon::exact::fast::detail::sum_weighted_gaps([&z](std::size_t i) { return z[i]; },
                                                                           [&w](std::size_t i) { return w[i]; },
                                                                           weighted, n, m, vector);
            big exact(2200);
            mpfr_set_zero(exact.v, 1);
            big t(2200);
            for (std::size_t i = 0; i < n; ++i) {
                mpfr_set_d(t.v, m, MPFR_RNDN);
                mpfr_sub_d(t.v, t.v, z[i], MPFR_RNDN);  // exact at 2200 bits
                mpfr_mul_d(t.v, t.v, weighted ? w[i] : 1.0, MPFR_RNDN);
                mpfr_add(exact.v, exact.v, t.v, MPFR_RNDN);
            }
            big d(2200);
            set_word(d, word(r.hi, r.lo));
            mpfr_sub(d.v, d.v, exact.v, MPFR_RNDN);
            const double e = std::abs(mpfr_get_d(d.v, MPFR_RNDU));
            ASSERT_LE(e, r.err) << "row of " << n;
            worst = std::max(worst, r.err > 0 ? e / r.err : 0);
            ++rows;
        }
    }
    std::cout << "  weighted gaps: " << rows << " rows; largest error " << worst << " of the bound\n";
}

/// sum_weighted_gaps_rows (a row per vector lane, the rows left over in the portable code) against
/// MPFR: batches of 1..70 rows of lengths 1..12, 33 and 64, and the two-thread paths (3 rows of
/// 22,000, one of 70,000), logits scaled 2^-20..2^40, weights of both signs or none; the batch's one
/// total within its bound. Likewise sum_target_gaps, one random target per row of the same batches.
TEST(ball, weighted_gaps_of_many_rows_meet_their_bound) {
    namespace fd = shannon::exact::fast::detail;
    std::mt19937_64 g(19);
    std::normal_distribution<double> normal(0, 1);
    std::size_t batches = 0;
    double worst = 0;
    double worst_target = 0;
    big exact(2200);
    big t(2200);
    std::vector<std::pair<std::size_t, std::size_t>> shapes;  // (c, rows)
    for (const std::size_t c : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 33, 64}) {
        for (const std::size_t rows : {1, 4, 7, 8, 9, 16, 70}) {
            shapes.emplace_back(c, rows);
        }
    }
    shapes.emplace_back(22000, 3);  // long rows: two halves of the rows on two threads
    shapes.emplace_back(70000, 1);  // a lone long row: two halves of its terms on two threads
    for (const auto& [c, rows] : shapes) {
        const double scale = std::ldexp(1.0, static_cast<int>(g() % 61) - 20);
        std::vector<double> z(rows * c);
        for (double& x : z) {
            x = normal(g) * scale;
        }
        std::vector<double> w(c);
        for (double& x : w) {
            x = g() % 2 == 0 ? normal(g) : std::ldexp(std::abs(normal(g)), static_cast<int>(g() % 21) - 10);
        }
        const bool weighted = c > 64 || (batches % 3) != 0;  // the long rows weighted (the halves' offsets into w)
        const auto [p, imax] = batch_of(z, rows, c);
        const auto s = fd::sum_weighted_gaps_rows(p.data(), rows, c, imax.data(), weighted ? w.data() : nullptr);
        mpfr_set_zero(exact.v, 1);
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t k = 0; k < c; ++k) {
                mpfr_set_d(t.v, p[r][imax[r]], MPFR_RNDN);
                mpfr_sub_d(t.v, t.v, p[r][k], MPFR_RNDN);  // exact at 2200 bits
                mpfr_mul_d(t.v, t.v, weighted ? w[k] : 1.0, MPFR_RNDN);
                mpfr_add(exact.v, exact.v, t.v, MPFR_RNDN);
            }
        }
        set_word(t, word(s.hi, s.lo));
        mpfr_sub(t.v, t.v, exact.v, MPFR_RNDN);
        const double e = std::abs(mpfr_get_d(t.v, MPFR_RNDU));
        ASSERT_LE(e, s.err) << rows << " rows of " << c;
        worst = std::max(worst, s.err > 0 ? e / s.err : 0);
        // the target logits' gaps of the same rows (one term per row)
        std::vector<std::size_t> y(rows);
        for (std::size_t& v : y) {
            v = g() % c;
        }
        const auto tg = fd::sum_target_gaps(p.data(), rows, imax.data(), y.data(), weighted ? w.data() : nullptr);
        mpfr_set_zero(exact.v, 1);
        for (std::size_t r = 0; r < rows; ++r) {
            mpfr_set_d(t.v, p[r][imax[r]], MPFR_RNDN);
            mpfr_sub_d(t.v, t.v, p[r][y[r]], MPFR_RNDN);
            mpfr_mul_d(t.v, t.v, weighted ? w[y[r]] : 1.0, MPFR_RNDN);
            mpfr_add(exact.v, exact.v, t.v, MPFR_RNDN);
        }
        set_word(t, word(tg.hi, tg.lo));
        mpfr_sub(t.v, t.v, exact.v, MPFR_RNDN);
        const double et = std::abs(mpfr_get_d(t.v, MPFR_RNDU));
        ASSERT_LE(et, tg.err) << rows << " rows of " << c << " (target gaps)";
        worst_target = std::max(worst_target, tg.err > 0 ? et / tg.err : 0);
        ++batches;
    }
    std::cout << "  weighted gaps of many rows: " << batches << " batches; largest error " << worst
              << " of the bound (target gaps: " << worst_target << ")\n";
}

/// The vector sum of binary cross-entropies from logits (detail/sum_softplus.hpp) that the ball takes
/// for rows of exact logits and labels: its bound holds against MPFR (400 bits) on random rows of
/// every length 1..40, 1,000, 4,097 and 140,001 (vector loop, scalar tail, renormalizations, lane merges;
/// every other row in the portable code, the longest in two threads), with logits of scale 2^-30..2^12, labels in [0, 1], 0 and
/// 1 exactly, tiny (2^-1000) and outside [0, 1], logits beyond +-600 and at 0; and it declines
/// inputs out of its range (inf, NaN, 2^600).
/// math.hpp's argmax on a row of binary64 values read in place (the ball's argmax_points) picks the index
/// the generic loop picks on the same row as balls: rows of lengths 1..40 and 1,001 with ties, -0 and
/// +0, -inf, +inf and NaN (first or elsewhere).
#if !defined(__clang__) || __clang_major__ >= 15  // clang 14 cannot form libstdc++'s views (see exact.hpp's lazy_views)
TEST(ball, argmax_of_a_row_read_in_place_is_the_generic_one) {
    std::mt19937_64 g(3);
    const double specials[] = {0.0, -0.0, -HUGE_VAL, HUGE_VAL, std::numeric_limits<double>::quiet_NaN(), 1.0, -1.0};
    std::size_t rows = 0;
    for (std::size_t n = 1; n <= 1001; n += (n < 40 ? 1 : 961)) {
        for (int rep = 0; rep < 200; ++rep) {
            std::vector<double> z(n);
            for (double& x : z) {
                x = g() % 3 == 0 ? specials[g() % 7] : static_cast<double>(static_cast<int>(g() % 9) - 4);
            }
            const auto view = std::span<const double>(z) | std::views::transform(shannon::detail::exact_conversion<dd_ball>{});
            static_assert(shannon::numbers::lifted_view<std::remove_cvref_t<decltype(view)>>::value);
            const std::vector<dd_ball> balls(z.begin(), z.end());
            ASSERT_EQ(shannon::detail::argmax(view), shannon::detail::argmax(balls)) << "row of " << n;
            ++rows;
        }
    }
    std::cout << "  argmax: " << rows << " rows\n";
}
#endif

/// sum_log1p's one logarithm of a product (the batch's log-normalizers): the ball holds MPFR's
/// sum_n log1p(s_n) at both ends of every s_n's ball (log1p is increasing), on batches of 1..40, 1,000
/// and 3,000 balls with magnitudes 2^-80 .. 2^40 (below 2^-20 the ball's log1p) and some up to 2^399
/// (the product's scaling), points and radii up to 2^-60; with points the bound stays under 2^-60 of
/// the sum.
TEST(ball, sum_of_log1p_meets_its_bound) {
    std::mt19937_64 g(11);
    std::size_t batches = 0;
    double worst = 0;
    std::vector<std::size_t> sizes;
    for (std::size_t n = 1; n <= 40; ++n) {
        sizes.push_back(n);
    }
    sizes.push_back(1000);
    sizes.push_back(3000);
    std::uniform_int_distribution<int> radius(60, 120);
    for (const std::size_t n : sizes) {
        for (int rep = 0; rep < (n < 100 ? 10 : 2); ++rep) {
            const bool points = rep % 2 == 0;
            std::vector<dd_ball> s;
            for (std::size_t i = 0; i < n; ++i) {
                const word w = g() % 50 == 0 ? random_word(g, 200, 399, true) : random_word(g, -80, 40, true);
                s.push_back(points ? dd_ball(w) : dd_ball(w, std::ldexp(1.0, -radius(g))));
            }
            const auto r = log_of_product_1p(std::type_identity<dd_ball>{}, s);
            ASSERT_TRUE(r.has_value()) << "batch of " << n;
            big lo(400);
            big hi(400);
            mpfr_set_zero(lo.v, 1);
            mpfr_set_zero(hi.v, 1);
            big t(700);  // exact for these ends: words within 2^-134 .. 2^400, radius 0 or at least 2^-120
            for (const dd_ball& x : s) {
                for (const int dir : {-1, 1}) {
                    set_end(t, x, dir);
                    mpfr_log1p(t.v, t.v, dir < 0 ? MPFR_RNDD : MPFR_RNDU);
                    mpfr_add(dir < 0 ? lo.v : hi.v, dir < 0 ? lo.v : hi.v, t.v, dir < 0 ? MPFR_RNDD : MPFR_RNDU);
                }
            }
            ASSERT_TRUE(holds(*r, lo) && holds(*r, hi)) << "batch of " << n;
            if (points) {
                big d(400);
                set_word(d, r->mid());
                mpfr_sub(d.v, d.v, lo.v, MPFR_RNDN);
                worst = std::max(worst, std::abs(mpfr_get_d(d.v, MPFR_RNDU)) / r->rad());
                EXPECT_LT(r->rad(), 0x1p-60 * std::abs(r->mid().hi)) << "batch of " << n;
            }
            ++batches;
        }
    }
    // what the product cannot take: a negative midpoint, a wide ball, NaN
    EXPECT_FALSE(log_of_product_1p(std::type_identity<dd_ball>{}, {dd_ball(-1.0)}).has_value());
    EXPECT_FALSE(log_of_product_1p(std::type_identity<dd_ball>{}, {dd_ball(word(1.0), 0x1p-50)}).has_value());
    EXPECT_FALSE(log_of_product_1p(std::type_identity<dd_ball>{}, {dd_ball::nan()}).has_value());
    std::cout << "  sum of log1p: " << batches << " batches; the midpoint's largest error " << worst << " of the radius (points)\n";
}

TEST(ball, sum_of_softplus_meets_its_bound) {
    std::mt19937_64 g(7);
    std::size_t rows = 0;
    double worst = 0;
    auto check = [&](const std::vector<double>& x, const std::vector<double>& y) {
        const auto gx = [&x](std::size_t i) { return x[i]; };
        const auto gy = [&y](std::size_t i) { return y[i]; };
        namespace fd = shannon::exact::fast::detail;
        const auto r = x.size() > 131072 ? fd::sum_softplus_split(fd::array_reader{x.data()}, fd::array_reader{y.data()}, x.size())  // two threads
                                         : fd::sum_softplus(gx, gy, x.size(), (rows & 1U) == 0);
        ASSERT_TRUE(r.has_value()) << "row of " << x.size();
        big exact(400);
        mpfr_set_zero(exact.v, 1);
        big t(400);
        big u(400);
        for (std::size_t i = 0; i < x.size(); ++i) {
            // y softplus(-x) + (1 - y) softplus(x) = softplus(x) - y x, softplus(x) = log1p(e^x)
            mpfr_set_d(t.v, x[i], MPFR_RNDN);
            mpfr_exp(t.v, t.v, MPFR_RNDN);
            mpfr_log1p(t.v, t.v, MPFR_RNDN);
            mpfr_set_d(u.v, x[i], MPFR_RNDN);
            mpfr_mul_d(u.v, u.v, y[i], MPFR_RNDN);
            mpfr_sub(t.v, t.v, u.v, MPFR_RNDN);
            mpfr_add(exact.v, exact.v, t.v, MPFR_RNDN);
        }
        big d(400);
        set_word(d, word(r->hi, r->lo));
        mpfr_sub(d.v, d.v, exact.v, MPFR_RNDN);
        const double e = std::abs(mpfr_get_d(d.v, MPFR_RNDU));
        ASSERT_LE(e, r->err) << "row of " << x.size() << std::hexfloat << " x0 " << x[0] << " y0 " << y[0] << " sum " << r->hi << std::defaultfloat;
        // the bound is tight enough to decide a binary64 rounding
        if (r->hi > 0x1p-800) {  // below, the left-out terms' 2^-865 each may dominate
            EXPECT_LT(r->err, 0x1p-60 * std::abs(r->hi)) << "row of " << x.size();
        }
        worst = std::max(worst, r->err > 0 ? e / r->err : 0);
        ++rows;
    };
    std::normal_distribution<double> normal(0, 1);
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<std::size_t> sizes;
    for (std::size_t n = 1; n <= 40; ++n) {
        sizes.push_back(n);
    }
    for (const std::size_t n : {1000, 4097, 140001}) {
        sizes.push_back(n);
    }
    for (const std::size_t n : sizes) {
        for (int rep = 0; rep < (n < 100 ? 10 : 1); ++rep) {
            std::vector<double> x(n);
            std::vector<double> y(n);
            const double scale = std::ldexp(1.0, static_cast<int>(g() % 43) - 30);
            for (std::size_t i = 0; i < n; ++i) {
                x[i] = normal(g) * scale;
                y[i] = unit(g);
            }
            check(x, y);
            if (n > 10000) {
                continue;  // the long row: the split and the threads; the hard rows are short
            }
            std::vector<double> xc(n);
            std::vector<double> yc(n);
            for (std::size_t i = 0; i < n; ++i) {  // confident, correct predictions: every term tiny
                xc[i] = (g() & 1U) != 0U ? 20 + 30 * unit(g) : -20 - 30 * unit(g);
                yc[i] = xc[i] > 0 ? 1.0 : 0.0;
            }
            check(xc, yc);
            for (std::size_t i = 0; i < n; i += 5) {
                const auto pick = g() % 8;
                x[i] = pick == 0 ? 650.0 : pick == 1 ? -700.5 : pick == 2 ? 0.0 : x[i];
                y[i] = pick == 3 ? 0.0 : pick == 4 ? 1.0 : pick == 5 ? 0x1p-1000 : pick == 6 ? 1.5 : y[i];
            }
            check(x, y);
        }
    }
    std::cout << "  sum of softplus: " << rows << " rows; largest error " << worst << " of the bound\n";
    for (const double bad : {HUGE_VAL, -HUGE_VAL, std::nan(""), 0x1p600}) {
        std::vector<double> x(9, 1.0);
        std::vector<double> y(9, 0.5);
        x[5] = bad;
        for (const bool vec : {true, false}) {
            EXPECT_FALSE(shannon::exact::fast::detail::sum_softplus([&x](std::size_t i) { return x[i]; },
                                                                    [&y](std::size_t i) { return y[i]; }, 9, vec));
        }
        x[5] = 1.0;
        y[2] = bad;
        EXPECT_FALSE(shannon::exact::fast::detail::sum_softplus([&x](std::size_t i) { return x[i]; },
                                                                [&y](std::size_t i) { return y[i]; }, 9));
    }
}

/// The elementwise kernels of detail/map_row.hpp (the ball's map_row: expit, softplus, logsigmoid,
/// entr, xlogy) against MPFR at 300 bits: every element the kernel takes is within its claimed
/// relative bound (the largest error printed, in units of the bound), every other element goes to
/// rare() and none twice; in four lanes and in the portable code, on random inputs over the whole
/// range and on the hard ones (the domain's ends, the series' switch at e = 2^-20, x = 1 of entr, zeros,
/// subnormals, infinities, NaN, blocks mixing them).
/// log Gamma and digamma of the ball (gamma_functions<dd_ball>: the recurrence and the asymptotic
/// series with its remainder enclosed) against MPFR at 300 bits: points and balls of random radius over
/// (2^-60, 2^40), and the hard points (tiny x, 1 and 2 where log Gamma is 0, digamma's root near
/// 1.4616, the switch to the series at 12); every enclosure holds MPFR's value at the ball's ends
/// (log Gamma is monotone on each side of its minimum near 1.4616, digamma increasing), and a point's
/// enclosure is narrow enough to decide a binary64 result: below 2^-64 + 2^-70 of the value (the
/// ball's logarithm is good to 2^-78 of itself, and log Gamma(12) is 17.5).
TEST(ball, log_gamma_and_digamma_enclose_mpfr) {
    using gf = shannon::gamma_functions<dd_ball>;
    std::mt19937_64 g(13);
    std::vector<word> xs;
    for (int i = 0; i < 3000; ++i) {
        xs.push_back(random_word(g, -60, 40, true));
    }
    for (const double h : {0x1p-1000, 1e-300, 0x1p-60, 0.5, 1.0, 2.0, 1.4616321449683622, 1.4616321449683625, 1.4616321449683623,
                           11.0, 11.999999999999998, 12.0, 12.000000000000002, 3.0, 1e15, 0x1p52, 1 + 0x1p-52, 2 - 0x1p-52}) {
        xs.emplace_back(h, 0.0);
    }
    double worst_abs = 0;
    std::size_t cases = 0;
    std::size_t left = 0;
    for (const word& w : xs) {
        for (int point = 0; point < 2; ++point) {
            const dd_ball x = point != 0 ? dd_ball(w) : random_ball(g, w);
            if (x.sign() != 1) {
                continue;
            }
            for (int fn = 0; fn < 2; ++fn) {
                const shannon::numbers::ball_scope scope;
                const dd_ball y = fn == 0 ? gf::lgamma(x) : gf::digamma(x);
                if (shannon::numbers::ball_scope::poisoned()) {  // a wide ball may be left to MPFI; a point may not
                    ASSERT_NE(x.rad(), 0.0) << std::hexfloat << w.hi;
                    ++left;
                    continue;
                }
                ++cases;
                big xl;
                big xh;
                set_end(xl, x, -1);
                set_end(xh, x, 1);
                for (const big* e : {&xl, &xh}) {
                    big v(300);
                    if (fn == 0) {
                        mpfr_lngamma(v.v, e->v, MPFR_RNDN);
                    } else {
                        mpfr_digamma(v.v, e->v, MPFR_RNDN);
                    }
                    EXPECT_TRUE(holds(y, v)) << (fn == 0 ? "lgamma(" : "digamma(") << std::hexfloat << w.hi << " + " << w.lo
                                             << " +- " << x.rad() << ") = " << y.mid().hi << " +- " << y.rad();
                }
                if (x.rad() == 0) {
                    worst_abs = std::max(worst_abs, y.rad());
                    EXPECT_LT(y.rad(), 0x1p-64 + 0x1p-70 * std::abs(y.mid().hi)) << std::hexfloat << w.hi;
                }
            }
        }
    }
    std::cout << "  log Gamma and digamma: " << cases << " balls enclosed, " << left
              << " wide balls left to MPFI; widest point radius " << worst_abs << "\n";
    EXPECT_LT(left, cases / 20);
    const shannon::numbers::ball_scope scope;
    (void)gf::lgamma(dd_ball(word(1.0), 2.0));  // a ball reaching 0: MPFI decides
    EXPECT_TRUE(shannon::numbers::ball_scope::poisoned());
}

TEST(ball, elementwise_row_kernels_meet_their_bounds) {
    namespace fd = shannon::exact::fast::detail;
    using shannon::detail::row_fn;
    std::mt19937_64 g(11);
    std::uniform_real_distribution<double> unit(-1, 1);
    const double inf = HUGE_VAL;
    const double switch_x = 20 * std::log(2.0);  // e^-x = 2^-20
    const std::vector<double> hard = {0.0, -0.0, 1.0, -1.0, 0x1p-1074, -0x1p-1074, 0x1p-1022, 0x1p-900, 0x1.0000000000001p-900,
                                      0x1p900, 0x1.fffffffffffffp899, 600.0, -600.0, std::nextafter(600.0, 0.0), 600.5, -600.5,
                                      switch_x, std::nextafter(switch_x, 0.0), std::nextafter(switch_x, 99.0), -switch_x,
                                      20.0, 20.5, -20.0, 1e-300, 1 + 0x1p-52, 1 - 0x1p-53, 0.5, 2.0, 36.7, -36.7, 709.0,
                                      -745.0, inf, -inf, std::nan("")};
    std::vector<double> x;
    std::vector<double> y;
    for (int i = 0; i < 3000; ++i) {
        x.push_back(std::ldexp(unit(g), static_cast<int>(g() % 24) - 12) * 60);  // |x| up to 600 and beyond
        y.push_back(std::ldexp(std::abs(unit(g)), static_cast<int>(g() % 200) - 100));
    }
    for (int i = 0; i < 2000; ++i) {  // entr's and xlogy's whole range
        x.push_back(std::ldexp(0.5 + std::abs(unit(g)), static_cast<int>(g() % 1900) - 950) * ((g() & 1U) != 0U ? 1 : -1));
        y.push_back(std::ldexp(0.5 + std::abs(unit(g)), static_cast<int>(g() % 1900) - 950));
    }
    for (const double h : hard) {  // each hard value alone in a block of taken ones, and in pairs
        for (const double other : {0.75, h, -2.5}) {
            x.insert(x.end(), {h, other, 0.3, other});
            y.insert(y.end(), {0.5, h, h, 3.0});
        }
    }
    const auto exact = [](row_fn f, double xv, double yv, big& out) {
        big t(400);
        mpfr_set_d(t.v, xv, MPFR_RNDN);
        switch (f) {
            case row_fn::sigmoid:  // 1 / (1 + e^-x)
                mpfr_neg(t.v, t.v, MPFR_RNDN);
                mpfr_exp(t.v, t.v, MPFR_RNDN);
                mpfr_add_ui(t.v, t.v, 1, MPFR_RNDN);
                mpfr_ui_div(out.v, 1, t.v, MPFR_RNDN);
                break;
            case row_fn::softplus:  // log1p(e^x)
                mpfr_exp(t.v, t.v, MPFR_RNDN);
                mpfr_log1p(out.v, t.v, MPFR_RNDN);
                break;
            case row_fn::log_sigmoid:  // -log1p(e^-x)
                mpfr_neg(t.v, t.v, MPFR_RNDN);
                mpfr_exp(t.v, t.v, MPFR_RNDN);
                mpfr_log1p(t.v, t.v, MPFR_RNDN);
                mpfr_neg(out.v, t.v, MPFR_RNDN);
                break;
            case row_fn::entr:  // -x log x
                mpfr_log(out.v, t.v, MPFR_RNDN);
                mpfr_mul(out.v, out.v, t.v, MPFR_RNDN);
                mpfr_neg(out.v, out.v, MPFR_RNDN);
                break;
            case row_fn::xlogy: {
                big u(400);
                mpfr_set_d(u.v, yv, MPFR_RNDN);
                mpfr_log(u.v, u.v, MPFR_RNDN);
                mpfr_mul(out.v, u.v, t.v, MPFR_RNDN);
                break;
            }
        }
    };
    const char* names[] = {"sigmoid", "softplus", "log_sigmoid", "entr", "xlogy"};
    for (const row_fn f : {row_fn::sigmoid, row_fn::softplus, row_fn::log_sigmoid, row_fn::entr, row_fn::xlogy}) {
        for (const bool vec : {true, false}) {
            for (const double upper : {inf, 20.0}) {
                if (upper != inf && f != row_fn::softplus && f != row_fn::log_sigmoid) {
                    continue;
                }
                std::vector<int> seen(x.size(), 0);
                std::size_t taken = 0;
                double worst = 0;
                const double rel = fd::row_fn_rel(f);
                fd::map_row(
                    f, fd::array_reader{x.data()}, fd::array_reader{y.data()}, x.size(), upper,
                    [&](std::size_t i, double hi, double lo) {
                        ++seen[i];
                        ++taken;
                        ASSERT_TRUE(fd::map_takes(f, x[i], y[i], upper)) << names[static_cast<int>(f)] << " took " << x[i];
                        big e(400);
                        exact(f, x[i], y[i], e);
                        big d(400);
                        set_word(d, word(hi, lo));
                        mpfr_sub(d.v, d.v, e.v, MPFR_RNDN);
                        const double err = std::abs(mpfr_get_d(d.v, MPFR_RNDU));
                        const double bound = rel * std::abs(hi) * (1 + 0x1p-52);
                        EXPECT_LE(err, bound) << names[static_cast<int>(f)] << (vec ? " lanes" : " portable") << std::hexfloat
                                              << " x = " << x[i] << " y = " << y[i] << ": " << hi << " + " << lo;
                        worst = std::max(worst, err / bound);
                    },
                    [&](std::size_t i) {
                        ++seen[i];
                        EXPECT_FALSE(fd::map_takes(f, x[i], y[i], upper)) << names[static_cast<int>(f)] << " left " << x[i];
                    },
                    vec);
                for (std::size_t i = 0; i < x.size(); ++i) {
                    ASSERT_EQ(seen[i], 1) << names[static_cast<int>(f)] << " element " << i;
                }
                EXPECT_GT(taken, x.size() / 3) << names[static_cast<int>(f)];
                std::cout << "  " << names[static_cast<int>(f)] << (vec ? " (lanes)" : " (portable)") << ", upper " << upper
                          << ": " << taken << " of " << x.size() << " elements taken, largest error " << worst
                          << " of the bound\n";
            }
        }
    }
}

}  // namespace
