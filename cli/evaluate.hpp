// cli/evaluate.hpp — the `shannon` command's evaluation of a quantity of one kind of arguments:
// run_kind<K> (print the value) and check_kind<K> (one case per candidate), with the conversions
// that give the oracle's fast paths binary64 inputs where every number is exactly one. Instantiated
// for every kind by cli/evaluate.cpp.
#pragma once

#include <cstdlib>
#include <functional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include <fmt/core.h>

#include <shannon/exact.hpp>
#include <shannon/shannon.hpp>

#include "command.hpp"

namespace shannon_cli {

/// Evaluates one quantity at its arguments as given: {"value": text} and, for --json, the enclosure.
template <class Quantity, class... Args>
nlohmann::json evaluate_as_given(const request& r, const Quantity& q, const Args&... args) {
    std::string value;
    if (r.digits) {
        value = ex::digits(*r.digits, q, args...);
    } else {
        const ex::format f = parse_format(r.format);
        const ex::rounded x = ex::round(f, q, args...);
        value = shortest(x.value, f);
        if (!x.determined) {
            value += " " + undetermined_note(x, f);
        }
    }
    nlohmann::json j;
    j["value"] = value;
    if (r.json) {
        // 40 digits, rounded outward: the exact value lies between the two printed numbers. From
        // the fast paths where they take the input (seconds on 10^7 terms), else MPFI at 192 bits.
        std::optional<std::pair<ex::real, ex::real>> e = ex::enclose_fast(q, args...);
        if (!e) {
            e = ex::enclose(192, q, args...);
        }
        const auto& [lo, hi] = *e;
        j["enclosure"] = {ex::detail::decimal(lo, 40, MPFR_RNDD), ex::detail::decimal(hi, 40, MPFR_RNDU)};
    }
    return j;
}

/// An argument as binary64 numbers when every number in it is exactly one (see exact_binary64);
/// other arguments (labels, options) as they are, by reference; nothing when some number is not a
/// double.
template <class A>
auto as_binary64(const A& a) {
    if constexpr (std::is_same_v<A, number_list>) {
        using numbers = std::variant<std::span<const double>, std::vector<double>>;
        if (a.typed()) {
            return std::optional<numbers>(a.numbers());
        }
        std::optional<std::vector<double>> d = exact_binary64(a.text());
        return d ? std::optional<numbers>(std::move(*d)) : std::nullopt;
    } else if constexpr (std::is_same_v<A, std::vector<std::string>>) {
        return exact_binary64(a);
    } else if constexpr (std::is_same_v<A, std::vector<std::vector<std::string>>>) {
        std::optional<std::vector<std::vector<double>>> out(std::in_place);
        out->reserve(a.size());
        for (const auto& row : a) {
            auto d = exact_binary64(row);
            if (!d) {
                return decltype(out){};
            }
            out->push_back(std::move(*d));
        }
        return out;
    } else {
        return std::optional<std::reference_wrapper<const A>>(a);
    }
}

template <class T>
const T& unwrapped(const T& x) {
    return x;
}
template <class T>
const T& unwrapped(const std::reference_wrapper<const T>& x) {
    return x.get();
}
inline std::span<const double> unwrapped(const std::variant<std::span<const double>, std::vector<double>>& x) {
    return x.index() == 0 ? std::get<0>(x) : std::span<const double>(std::get<1>(x));
}

/// An argument as the quantities take it as text: a LIST's numbers as text, others as they are.
template <class A>
const auto& as_given(const A& a) {
    if constexpr (std::is_same_v<A, number_list>) {
        return a.text();
    } else {
        return a;
    }
}

/// f(args...) with binary64 arguments when every number given is exactly a double (a float .npy,
/// hex floats, decimals such as 0.5), so that the oracle's fast paths (its kernels and the
/// double-double ball) take them; with the text otherwise (the general path, exact for any decimal).
template <class F, class... Args>
auto with_binary64(const F& f, const Args&... args) {
    auto converted = std::make_tuple(as_binary64(args)...);
    const bool all = std::apply([](const auto&... c) { return (c.has_value() && ...); }, converted);
    if (all) {
        return std::apply([&](const auto&... c) { return f(unwrapped(*c)...); }, converted);
    }
    return f(as_given(args)...);
}

/// Evaluates one quantity (with binary64 arguments where they are exact, see with_binary64).
template <class Quantity, class... Args>
nlohmann::json evaluate(const request& r, const Quantity& q, const Args&... args) {
    return with_binary64([&](const auto&... a) { return evaluate_as_given(r, q, a...); }, args...);
}

/// Evaluates one quantity and prints it.
template <class Quantity, class... Args>
void report(const request& r, const Quantity& q, const Args&... args) {
    print(r, {evaluate(r, q, args...)}, false);
}

template <kinds K>
void run_kind(command& c) {
    const request& r = c.r;
    const std::string& qn = r.quantity;
    const shannon::options& opt = c.opt;
    const bool none = c.none;
    // --reduction none: one result per sample, each the loss of that sample alone.
    const auto per_sample = [&](std::size_t n, const auto& one) {
        std::vector<nlohmann::json> out;
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(one(i));
        }
        print(r, out, true);
    };
    const auto same_count = [](const auto& v, const char* arg, std::size_t n, const char* other) {
        if (v.size() != n) {
            throw usage_error(fmt::format("argument '{}' has {} entries for {} in '{}'", arg, v.size(), n, other));
        }
    };
    shannon::with_quantity(qn, [&](const auto& quantity) {
        if constexpr (kind_of<decltype(quantity)> != K) {
            return;
        } else if constexpr (K == kinds::distribution || K == kinds::two_distributions) {
            if (none) {
                throw usage_error(fmt::format("--reduction none applies to the losses over samples, not to {}", qn));
            }
            if constexpr (K == kinds::distribution) {
                report(r, quantity, c.need("p"), opt);
            } else {
                const auto p = c.need("p");  // p first: its error comes first
                report(r, quantity, p, c.need("q"), opt);
            }
        } else if constexpr (K == kinds::distribution_and_order || K == kinds::two_distributions_and_order) {
            if (none) {
                throw usage_error(fmt::format("--reduction none applies to the losses over samples, not to {}", qn));
            }
            if (c.alpha.empty()) {
                throw usage_error(fmt::format("{} needs --alpha (its order: a number >= 0, or inf)", qn));
            }
            const number_list alpha(std::vector<std::string>{checked_number(c.alpha, "alpha", 0)});
            // An order that is a double (2, 0.5, inf, ...) is passed as one, so that the oracle recognizes
            // the quantity and its fast path takes binary64 inputs; another decimal (0.1) stays exact.
            const auto a64 = as_binary64(alpha);
            if constexpr (K == kinds::distribution_and_order) {
                if (a64) {
                    report(r, quantity, c.need("p"), unwrapped(*a64)[0], opt);
                } else {
                    const auto at = [&quantity, &opt](const auto& p, const auto& a) { return quantity(p, a[0], opt); };
                    report(r, at, c.need("p"), alpha);
                }
            } else {
                const auto p = c.need("p");
                if (a64) {
                    report(r, quantity, p, c.need("q"), unwrapped(*a64)[0], opt);
                } else {
                    const auto at = [&quantity, &opt](const auto& p, const auto& q, const auto& a) { return quantity(p, q, a[0], opt); };
                    report(r, at, p, c.need("q"), alpha);
                }
            }
        } else if constexpr (K == kinds::joint_table) {
            if (none) {
                throw usage_error(fmt::format("--reduction none applies to the losses over samples, not to {}", qn));
            }
            const auto cells = c.need("p");
            std::vector<std::size_t> shape = c.shape;
            if (shape.empty()) {
                shape = last_npy_shape();
            }
            if (shape.empty()) {
                throw usage_error(fmt::format("{} needs the table's shape: --shape N,M[,...] (or a .npy of that shape)", qn));
            }
            // The table as the quantity takes it (binary64 cells where every number is one, for the fast
            // paths; else the text), so that the oracle recognizes the quantity itself.
            if (const auto b = as_binary64(cells)) {
                print(r, {evaluate_as_given(r, quantity, shannon::table_view{unwrapped(*b), shape}, opt)}, false);
            } else {
                print(r, {evaluate_as_given(r, quantity, shannon::table_view{cells.text(), shape}, opt)}, false);
            }
        } else if constexpr (K == kinds::labels_and_probabilities || K == kinds::labels_and_logits) {
            constexpr bool logits = K == kinds::labels_and_logits;
            const auto y = c.need("labels");
            const auto x = c.need(logits ? "logits" : "p");
            if (none) {
                same_count(x, logits ? "logits" : "p", y.size(), "labels");
                per_sample(y.size(), [&](std::size_t i) { return evaluate(r, quantity, std::vector{y[i]}, std::vector{x[i]}, opt); });
            } else {
                print(r, {evaluate(r, quantity, y, x, opt)}, false);
            }
        } else if constexpr (K == kinds::classes_and_probabilities || K == kinds::classes_and_logits) {
            constexpr bool logits = K == kinds::classes_and_logits;
            const auto pred = c.need(logits ? "logits" : "p");
            const std::size_t k = c.classes != 0 ? c.classes : c.npy_columns.value_or(pred.size());
            const auto rows = as_rows(pred, k, logits ? "logits" : "p");
            const auto labels = c.need("labels");
            using rows_t = std::vector<std::vector<std::string>>;
            if (labels.size() == rows.size()) {  // class indices
                const auto idx = as_indices(labels, "labels");
                if (none) {
                    per_sample(rows.size(), [&](std::size_t i) { return evaluate(r, quantity, std::vector{idx[i]}, rows_t{rows[i]}, opt); });
                } else {
                    print(r, {evaluate(r, quantity, idx, rows, opt)}, false);
                }
            } else {
                const auto targets = as_rows(labels, k, "labels");
                if (none) {
                    same_count(targets, "labels", rows.size(), logits ? "logits" : "p");
                    per_sample(rows.size(), [&](std::size_t i) { return evaluate(r, quantity, rows_t{targets[i]}, rows_t{rows[i]}, opt); });
                } else {
                    print(r, {evaluate(r, quantity, targets, rows, opt)}, false);
                }
            }
        } else if constexpr (K == kinds::gaussian) {
            const auto s2 = c.need("sigma2");
            if (s2.size() != 1) {
                throw usage_error("--sigma2 takes one number");
            }
            const auto y = c.need("y");
            const auto mu = c.need("mu");
            const auto nll = [&quantity](const auto& yv, const auto& mv, const auto& s) { return quantity(yv, mv, s[0]); };
            if (none) {
                same_count(mu, "mu", y.size(), "y");
                per_sample(y.size(), [&](std::size_t i) { return evaluate(r, nll, std::vector{y[i]}, std::vector{mu[i]}, s2); });
            } else {
                print(r, {evaluate(r, nll, y, mu, s2)}, false);
            }
        } else {
            static_assert(K == kinds::observations_and_predictions, "a kind of arguments the command does not read");
            const auto y = c.need("y");
            const auto mu = c.need("mu");
            if (none) {
                same_count(mu, "mu", y.size(), "y");
                per_sample(y.size(), [&](std::size_t i) { return evaluate(r, quantity, std::vector{y[i]}, std::vector{mu[i]}); });
            } else {
                print(r, {evaluate(r, quantity, y, mu)}, false);
            }
        }
    });
}

template <kinds K>
void check_kind(command& c, check_cases& cases) {
    const std::size_t n = cases.candidates.size();
    // Splits a LIST into n rows (K from --classes, a 2-D .npy, or the length / n).
    const auto rows_of = [&](const std::vector<std::string>& v, const char* arg) {
        const std::size_t k = c.classes != 0 ? c.classes : c.npy_columns.value_or(v.size() / n);
        if (k * n != v.size()) {
            throw usage_error(fmt::format("argument '{}' has {} numbers: not {} cases of {} (--classes)", arg, v.size(), n, k));
        }
        return as_rows(v, k, arg);
    };
    const auto scalars = [&](const std::vector<std::string>& v, const char* arg) {
        if (v.size() != n) {
            throw usage_error(fmt::format("argument '{}' has {} numbers for {} candidates", arg, v.size(), n));
        }
        return v;
    };
    // Case i: the exact value of q at args as given, and the candidate's ulp error.
    const auto record_as_given = [&](std::size_t i, const auto& q, const auto&... args) {
        const ex::rounded exact = ex::round(cases.f, q, args...);
        const double err = ex::ulp_error(cases.candidates[i], cases.f, q, args...);
        cases.per_case.emplace_back(exact, err);
        cases.report.add(err, cases.max_ulps);
    };
    const auto record = [&](std::size_t i, const auto& q, const auto&... args) {
        with_binary64([&](const auto&... a) { record_as_given(i, q, a...); }, args...);
    };
    const shannon::options& opt = c.opt;
    shannon::with_quantity(c.r.quantity, [&](const auto& quantity) {
        if constexpr (kind_of<decltype(quantity)> != K) {
            return;
        } else if constexpr (K == kinds::distribution) {
            const auto p = rows_of(c.need("p"), "p");
            for (std::size_t i = 0; i < n; ++i) {
                record(i, quantity, p[i], opt);
            }
        } else if constexpr (K == kinds::two_distributions) {
            const auto p = rows_of(c.need("p"), "p");
            const auto q = rows_of(c.need("q"), "q");
            for (std::size_t i = 0; i < n; ++i) {
                record(i, quantity, p[i], q[i], opt);
            }
        } else if constexpr (K == kinds::labels_and_probabilities || K == kinds::labels_and_logits) {
            const char* x_name = K == kinds::labels_and_logits ? "logits" : "p";
            const auto y = scalars(c.need("labels"), "labels");
            const auto x = scalars(c.need(x_name), x_name);
            for (std::size_t i = 0; i < n; ++i) {
                record(i, quantity, std::vector<std::string>{y[i]}, std::vector<std::string>{x[i]}, opt);
            }
        } else if constexpr (K == kinds::classes_and_probabilities || K == kinds::classes_and_logits) {
            const char* x_name = K == kinds::classes_and_logits ? "logits" : "p";
            const auto rows = rows_of(c.need(x_name), x_name);
            const auto labels = as_indices(scalars(c.need("labels"), "labels"), "labels");
            for (std::size_t i = 0; i < n; ++i) {
                record(i, quantity, labels[i], rows[i], opt);
            }
        } else if constexpr (K == kinds::distribution_and_order || K == kinds::two_distributions_and_order) {
            if (c.alpha.empty()) {
                throw usage_error(fmt::format("{} needs --alpha (its order: a number >= 0, or inf)", c.r.quantity));
            }
            const number_list alpha(std::vector<std::string>{checked_number(c.alpha, "alpha", 0)});
            const auto a64 = as_binary64(alpha);
            if (!a64) {
                throw usage_error(fmt::format("check needs an order that is a binary64 number (--alpha {} is not one)", c.alpha));
            }
            const double a = unwrapped(*a64)[0];
            const auto p = rows_of(c.need("p"), "p");
            if constexpr (K == kinds::distribution_and_order) {
                for (std::size_t i = 0; i < n; ++i) {
                    record(i, quantity, p[i], a, opt);
                }
            } else {
                const auto q = rows_of(c.need("q"), "q");
                for (std::size_t i = 0; i < n; ++i) {
                    record(i, quantity, p[i], q[i], a, opt);
                }
            }
        } else if constexpr (K == kinds::joint_table) {
            // One table per candidate: --shape is a table's (or the .npy's shape without its first axis,
            // the candidates').
            const std::vector<std::string> cells = c.need("p");  // first: a .npy's shape is read with it
            std::vector<std::size_t> shape = c.shape;
            if (shape.empty() && last_npy_shape().size() >= 2 && last_npy_shape()[0] == n) {
                shape.assign(last_npy_shape().begin() + 1, last_npy_shape().end());
            }
            if (shape.empty()) {
                throw usage_error(fmt::format("{} needs a table's shape: --shape N,M[,...] (or a .npy of shape (cases, N, M, ...))",
                                              c.r.quantity));
            }
            std::size_t k = 1;
            for (const std::size_t v : shape) {
                k *= v;
            }
            if (k * n != cells.size()) {
                throw usage_error(fmt::format("argument 'p' has {} numbers: not {} tables of {} cells (--shape)", cells.size(), n, k));
            }
            const auto tables = as_rows(cells, k, "p");
            for (std::size_t i = 0; i < n; ++i) {
                // The table's cells as binary64 numbers where each is one (the fast path), else as text.
                with_binary64([&](const auto& row) { record_as_given(i, quantity, shannon::table_view{std::span(row), shape}, opt); },
                              tables[i]);
            }
        } else {
            static_assert(!checkable(K), "a kind check reads without a branch here");
        }
    });
}

}  // namespace shannon_cli
