// tests/core/accuracy.cpp — every quantity against the mpmath reference table (generators/gen_reference.py),
// for one number type per executable (see test_types.hpp; built with unit.cpp and typed_main.cpp as
// one translation unit per type).
//
// The error of a result x against the reference r is measured exactly (x converted to a
// 2100-digit MPFR number) in units of
//     unit = max(ulp_T(r), eps_T * scale)
// where scale is the sum of |terms| the generator reports: equal to |r| when the formula cancels
// nothing (then unit = ulp_T(r), a plain ULP error), larger where the quantity is computed from
// cancelling terms (a least-squares intercept, a logsumexp near 0), which is the error bound a
// backward-stable evaluation can promise there. Interval types must contain r, with a width of at
// most the same number of units.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

#include "reference_file.hpp"
#include "test_types.hpp"

namespace {

using test_types::T;
namespace bmp = boost::multiprecision;
using R = bmp::number<bmp::mpfr_float_backend<2100>>;

// ---------------------------------------------------------------------------------------------
// Exact conversion of a result to R.

template <class U>
R to_ref(const U& x) {
    if constexpr (std::is_floating_point_v<U>) {
        return R(x);  // mpfr_set_d / mpfr_set_ld: exact
    } else if constexpr (requires { mpfr_get_prec(x.backend().data()); }) {
        R r;
        mpfr_set(r.backend().data(), x.backend().data(), MPFR_RNDN);  // exact: R is wider
        return r;
    } else {
        // cpp_bin_float: x = m 2^e, m * 2^digits is an integer, which R holds exactly.
        using std::frexp;
        using std::ldexp;
        const int d = std::numeric_limits<U>::digits;
        int e = 0;
        const U m = frexp(x, &e);
        const bmp::cpp_int mant = static_cast<bmp::cpp_int>(U(ldexp(m, d)));
        const R r = R(mant.str());
        return R(ldexp(r, e - d));
    }
}

R ulp_of(const R& r) {
    using std::abs;
    using std::floor;
    using std::log2;
    using std::pow;
    const int digits = test_types::digits();
    R min_ulp = R(0);
    if constexpr (std::is_floating_point_v<T>) {
        min_ulp = R(std::numeric_limits<T>::denorm_min());
    }
    if (r == 0) {
        return min_ulp > 0 ? min_ulp : R(pow(R(2), -4000));
    }
    int e = 0;
    (void)frexp(r, &e);  // r = m 2^e, m in [0.5, 1)
    const R u = ldexp(R(1), e - digits);
    return u > min_ulp ? u : min_ulp;
}

R eps_of() { return ldexp(R(1), 1 - test_types::digits()); }

// ---------------------------------------------------------------------------------------------
// The reference table.

struct reference_case {
    std::string quantity;
    bool single = false;
    std::vector<std::string> args;
    std::string value;
    std::string scale;
    std::size_t line = 0;
};

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) {
        out.push_back(cur);
    }
    if (!s.empty() && s.back() == sep) {
        out.emplace_back();
    }
    return out;
}

const std::vector<reference_case>& table() {
    static const std::vector<reference_case> cases = [] {
        std::vector<reference_case> out;
        for (const auto& [number, line] : test_reference::lines("SHANNON_REFERENCE")) {
            auto parts = split(line, '|');
            reference_case c;
            c.line = number;
            c.quantity = parts[0];
            c.single = parts[1] == "f";
            c.scale = parts.back();
            parts.pop_back();
            c.value = parts.back();
            parts.pop_back();
            c.args.assign(parts.begin() + 2, parts.end());
            out.push_back(std::move(c));
        }
        return out;
    }();
    return cases;
}

T num(const std::string& s) {
    return static_cast<T>(std::strtod(s.c_str(), nullptr));  // binary64-exact text; float cases are binary32-exact
}

std::vector<T> list(const std::string& s) {
    std::vector<T> out;
    for (const auto& x : split(s, ',')) {
        out.push_back(num(x));
    }
    return out;
}

std::vector<int> ints(const std::string& s) {
    std::vector<int> out;
    for (const auto& x : split(s, ',')) {
        out.push_back(std::stoi(x));
    }
    return out;
}

std::vector<std::vector<T>> rows(const std::string& s) {
    const auto colon = s.find(':');
    const std::size_t k = std::stoul(s.substr(0, colon));
    const auto flat = list(s.substr(colon + 1));
    std::vector<std::vector<T>> out;
    for (std::size_t i = 0; i < flat.size(); i += k) {
        out.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(i), flat.begin() + static_cast<std::ptrdiff_t>(i + k));
    }
    return out;
}

/// Calls the library for one case.
T evaluate(const reference_case& c) {
    const auto& q = c.quantity;
    const auto& a = c.args;
    using shannon::options;
    // The measures of core/registry.hpp's list, by the kinds of their arguments.
    std::optional<T> measured;
    shannon::with_quantity(q, [&](const auto& fn) {
        using Q = std::remove_cvref_t<decltype(fn)>;
        using kinds = shannon::argument_kinds;
        if constexpr (Q::info.arguments == kinds::distribution) {
            measured = fn(list(a[0]));
        } else if constexpr (Q::info.arguments == kinds::two_distributions) {
            measured = fn(list(a[0]), list(a[1]));
        } else if constexpr (Q::info.arguments == kinds::distribution_and_order) {
            measured = fn(list(a[0]), num(a[1]));
        } else if constexpr (Q::info.arguments == kinds::two_distributions_and_order) {
            measured = fn(list(a[0]), list(a[1]), num(a[2]));
        } else if constexpr (Q::info.arguments == kinds::joint_table) {
            // "AxBxC:" and the cells row-major
            const auto colon = a[0].find(':');
            std::vector<std::size_t> shape;
            for (const auto& d : split(a[0].substr(0, colon), 'x')) {
                shape.push_back(std::stoul(d));
            }
            measured = fn(shannon::table_view{list(a[0].substr(colon + 1)), shape});
        }
    });
    if (measured) return *measured;
    if (q == "entropy_bits") return shannon::entropy(list(a[0]), options{.base = shannon::unit::bits});
    if (q == "entropy_bans") return shannon::entropy(list(a[0]), options{.base = shannon::unit::bans});
    if (q == "self_information") return shannon::self_information(num(a[0]));
    if (q == "binary_entropy") return shannon::binary_entropy(num(a[0]));
    if (q == "softplus") return shannon::softplus(num(a[0]));
    if (q == "sigmoid") return shannon::sigmoid(num(a[0]));
    if (q == "log_sigmoid") return shannon::log_sigmoid(num(a[0]));
    if (q == "logsumexp") return shannon::logsumexp(list(a[0]));
    if (q == "log_softmax") return shannon::log_softmax(list(a[0])).at(std::stoul(a[1]));
    if (q == "softmax") return shannon::softmax(list(a[0])).at(std::stoul(a[1]));
    if (q == "binary_cross_entropy") return shannon::binary_cross_entropy(num(a[0]), num(a[1]));
    if (q == "binary_cross_entropy_with_logits") return shannon::binary_cross_entropy_with_logits(num(a[0]), num(a[1]));
    if (q == "binary_cross_entropy_mean") return shannon::binary_cross_entropy(list(a[0]), list(a[1]));
    if (q == "binary_cross_entropy_with_logits_mean")
        return shannon::binary_cross_entropy_with_logits(list(a[0]), list(a[1]));
    if (q == "categorical_cross_entropy_index") return shannon::categorical_cross_entropy(std::stoi(a[0]), list(a[1]));
    if (q == "categorical_cross_entropy_soft") return shannon::categorical_cross_entropy(list(a[0]), list(a[1]));
    if (q == "categorical_cross_entropy_batch") return shannon::categorical_cross_entropy(ints(a[0]), rows(a[1]));
    if (q == "categorical_cross_entropy_with_logits_index") return shannon::categorical_cross_entropy_with_logits(std::stoi(a[0]), list(a[1]));
    if (q == "categorical_cross_entropy_with_logits_soft") return shannon::categorical_cross_entropy_with_logits(list(a[0]), list(a[1]));
    if (q == "categorical_cross_entropy_with_logits_batch") return shannon::categorical_cross_entropy_with_logits(ints(a[0]), rows(a[1]));
    if (q == "multilabel_binary_cross_entropy_with_logits") return shannon::multilabel_binary_cross_entropy_with_logits(list(a[0]), list(a[1]));
    if (q == "bernoulli_nll") return shannon::bernoulli_nll(ints(a[0]), num(a[1]));
    if (q == "bernoulli_log_likelihood") return shannon::bernoulli_log_likelihood(ints(a[0]), num(a[1]));
    if (q == "categorical_log_likelihood") return shannon::categorical_log_likelihood(ints(a[0]), list(a[1]));
    if (q == "gaussian_log_likelihood") return shannon::gaussian_log_likelihood(list(a[0]), list(a[1]), num(a[2]));
    if (q == "sum_squared_error") return shannon::sum_squared_error(list(a[0]), list(a[1]));
    if (q == "xlogy") return shannon::xlogy(num(a[0]), num(a[1]));
    if (q == "categorical_nll") return shannon::categorical_nll(ints(a[0]), list(a[1]));
    if (q == "gaussian_nll") return shannon::gaussian_nll(list(a[0]), list(a[1]), num(a[2]));
    if (q == "mean_squared_error") return shannon::mean_squared_error(list(a[0]), list(a[1]));
    if (q == "least_squares_w") return shannon::least_squares(list(a[0]), list(a[1])).w;
    if (q == "least_squares_b") return shannon::least_squares(list(a[0]), list(a[1])).b;
    throw std::runtime_error("no evaluator for quantity " + q);
}

/// The accepted error, in units (see the file comment). Every type is evaluated with guard digits
/// (long double in double_word<long double>), so every type is held to 1 unit.
double tolerance_units() { return 1.0; }

struct worst {
    double units = 0;
    double ulps = 0;
    std::size_t line = 0;
    std::size_t cases = 0;
};
std::map<std::string, worst>& report() {
    static std::map<std::string, worst> r;
    return r;
}

std::string brief(const reference_case& c) {
    std::string s = c.quantity + " (reference line " + std::to_string(c.line) + "):";
    for (const auto& a : c.args) {
        s += " [" + (a.size() > 120 ? a.substr(0, 120) + "..." : a) + "]";
    }
    return s;
}

class accuracy : public ::testing::TestWithParam<std::string> {};

TEST_P(accuracy, within_tolerance_of_mpmath_reference) {
    const std::string quantity = GetParam();
    std::size_t n = 0;
    for (const auto& c : table()) {
        if (c.quantity != quantity) {
            continue;
        }
        if (std::is_same_v<T, float> && !c.single) {
            continue;  // the inputs are not binary32 numbers
        }
        ++n;
        auto& w = report()[quantity];
        ++w.cases;  // the infinite cases too: they are checked (for the exact infinity) below
        const bool infinite = c.value == "inf" || c.value == "-inf";
        const R ref = infinite ? R(0) : R(c.value);
        const R scale = infinite ? R(0) : R(c.scale);
        T got;
        try {
            got = evaluate(c);
        } catch (const std::exception& e) {
            ADD_FAILURE() << brief(c) << " threw " << e.what();
            continue;
        }
        if (c.value == "inf") {
            EXPECT_TRUE(shannon::detail::is_pos_inf(got)) << brief(c) << " expected +inf, got " << got;
            continue;
        }
        if (c.value == "-inf") {
            EXPECT_TRUE(shannon::detail::is_neg_inf(got)) << brief(c) << " expected -inf, got " << got;
            continue;
        }
        const R unit = std::max(ulp_of(ref), R(eps_of() * abs(scale)));
        R err;
        R ulps;
        if constexpr (test_types::interval) {
            const R lo = to_ref(shannon::detail::lower_of(got));
            const R hi = to_ref(shannon::detail::upper_of(got));
            EXPECT_TRUE(lo <= ref && ref <= hi) << brief(c) << " enclosure " << got << " misses the reference";
            err = R(hi - lo);
            ulps = R(err / ulp_of(ref));
        } else {
            err = abs(R(to_ref(got) - ref));
            ulps = R(err / ulp_of(ref));
        }
        const double units = static_cast<double>(R(err / unit));
        // An enclosure computed at the working precision around a value within 2^-10 ulp of a number
        // of T (the perplexity of a uniform distribution is n; of (1/2, 1/2, 5e-324) 2 + 7e-321) holds
        // that number inside, so rounded outward it reaches both its neighbours: up to 2 units wide.
        const R in_ulps = R(ref / ulp_of(ref));
        const bool near_representable = test_types::interval && abs(R(in_ulps - round(in_ulps))) <= ldexp(R(1), -10);
        EXPECT_LE(units, near_representable ? 2 * tolerance_units() : tolerance_units())
            << brief(c) << "\n  got " << std::setprecision(std::numeric_limits<T>::max_digits10 > 0 ? 40 : 40) << got
            << "\n  reference " << std::setprecision(45) << ref << "\n  error " << units << " units, "
            << static_cast<double>(ulps) << " ulps";
        if (units > w.units) {
            w.units = units;
            w.line = c.line;
        }
        w.ulps = std::max(w.ulps, static_cast<double>(ulps));
    }
    EXPECT_GT(n, 0U) << "no reference cases for " << quantity;
}

std::vector<std::string> quantities() {
    std::vector<std::string> out;
    test_types::setup();
    for (const auto& c : table()) {
        if (std::find(out.begin(), out.end(), c.quantity) == out.end()) {
            out.push_back(c.quantity);
        }
    }
    return out;
}

// Every quantity of core/registry.hpp's list has reference cases: named by it, or by it and a
// variant ("categorical_cross_entropy_index").
TEST(registry, every_quantity_has_reference_cases) {
    shannon::for_each_quantity([&](const auto& fn) {
        const std::string name(std::remove_cvref_t<decltype(fn)>::info.name);
        const bool found = std::any_of(table().begin(), table().end(), [&](const reference_case& c) {
            return c.quantity == name || c.quantity.rfind(name + "_", 0) == 0;
        });
        EXPECT_TRUE(found) << name << " has no case in the reference table (generators/gen_reference.py)";
    });
}

INSTANTIATE_TEST_SUITE_P(reference, accuracy, ::testing::ValuesIn(quantities()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace

// The worst error per quantity, printed after the run (docs/accuracy.py reads it).
void test_types::print_accuracy_report() {
    if (report().empty()) {
        return;
    }
    std::cout << "\nworst error per quantity for " << test_types::name
              << (test_types::interval ? " (enclosure width)" : "") << ":\n";
    for (const auto& [q, w] : report()) {
        std::cout << "  " << std::left << std::setw(40) << q << " cases " << std::setw(4) << w.cases << " max "
                  << std::setw(10) << w.ulps << " ulp, " << std::setw(10) << w.units << " units (line " << w.line
                  << ")\n";
    }
}
