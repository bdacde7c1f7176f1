// tools/cli.cpp — the `shannon` command: the exact value of a quantity at the given inputs,
// correctly rounded (shannon::exact), from the command line.
//
//   shannon kl --p 0.5,0.5 --q 0.9,0.1                  0.5108256237659907
//   shannon entropy --p @probs.npy --digits 50
//   shannon cce-logits --labels 0,2 --logits 2,1,0.1,0.5,0.2,3 --classes 3 --json
//
// Inputs are exact: a decimal such as 0.1 is the decimal number one tenth (enclosed at the working
// precision, never rounded to a double first) unless --round-inputs rounds each to the nearest
// binary64 or binary32 number; hex floats and .npy files are exact binary numbers. Errors go to
// stderr with exit status 2 (stdout stays empty).
#include <cstdlib>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <span>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <shannon/exact.hpp>
#include <shannon/shannon.hpp>

#include "cli_input.hpp"

namespace {

namespace ex = shannon::exact;
using namespace shannon_cli;  // the readers and usage_error (cli_input.hpp)

using kinds = shannon::argument_kinds;

/// The options a quantity's arguments are read from.
constexpr std::string_view options_of(kinds k) {
    switch (k) {
        case kinds::distribution: return "--p";
        case kinds::two_distributions: return "--p --q";
        case kinds::labels_and_probabilities: return "--labels (y in [0,1]) --p";
        case kinds::labels_and_logits: return "--labels --logits";
        case kinds::classes_and_probabilities: return "--labels --p --classes K";
        case kinds::classes_and_logits: return "--labels --logits --classes K";
        case kinds::gaussian: return "--y --mu --sigma2";
        case kinds::observations_and_predictions: return "--y --mu";
    }
    return "";
}

/// The kinds of the arguments of a quantity of type Q (from the list of core/registry.hpp).
template <class Q>
constexpr kinds kind_of = std::remove_cvref_t<Q>::info.arguments;

// ---- output ------------------------------------------------------------------------------------

struct request {
    std::string quantity;
    std::optional<unsigned> digits;
    std::string format = "binary64";
    bool json = false;
};

ex::format parse_format(const std::string& f) {
    return ex::format_named(f).value_or(ex::format::binary64);  // CLI11 admits the four names only
}

std::string shortest(double v, ex::format f) {
    if (f == ex::format::binary32) {
        return fmt::format("{}", static_cast<float>(v));
    }
    return fmt::format("{}", v);
}

/// Why a result is undetermined: the boundary its enclosure straddles and how close to it the value
/// was proved to be (the value printed is the boundary rounded to even: the exact value when it is
/// that tie, the usual reason).
std::string undetermined_note(const ex::rounded& x, ex::format f) {
    const auto log2_text = [](long e) {
        return e == std::numeric_limits<long>::max() ? std::string("unbounded") : fmt::format("< 2^{}", e);
    };
    return fmt::format("(undetermined at the precision cap of {} bits: the exact value lies between {} and {}, within "
                       "an enclosure of width {} around their midpoint)",
                       x.bits, shortest(x.below, f), shortest(x.above, f), log2_text(x.width_log2));
}

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

/// Prints the results: one per sample for --reduction none, else one.
void print(const request& r, const std::vector<nlohmann::json>& results, bool per_sample) {
    if (!r.json) {
        for (const auto& j : results) {
            fmt::print("{}\n", j["value"].get<std::string>());
        }
        return;
    }
    nlohmann::json out;
    out["quantity"] = r.quantity;
    if (per_sample) {
        out["reduction"] = "none";
        out["values"] = results;
    } else {
        out["value"] = results.at(0)["value"];
        out["enclosure"] = results.at(0)["enclosure"];
    }
    if (r.digits) {
        out["digits"] = *r.digits;
    } else {
        out["format"] = r.format;
    }
    fmt::print("{}\n", out.dump());
}

/// Evaluates one quantity and prints it.
template <class Quantity, class... Args>
void report(const request& r, const Quantity& q, const Args&... args) {
    print(r, {evaluate(r, q, args...)}, false);
}

/// `shannon check`: the ulp error of each candidate against the correctly rounded value of its case.
template <class Need>
int check(const request& r, const std::string& qn, const Need& need, const std::string& candidates_spec,
          std::size_t classes, std::optional<std::size_t>& npy_columns, double max_ulps, const shannon::options& opt) {
    if (candidates_spec.empty()) {
        throw usage_error("check needs --candidates");
    }
    std::optional<std::size_t> ignored;
    const number_list cand = read_list(candidates_spec, "candidates", ignored);
    std::vector<double> candidates(cand.numbers().begin(), cand.numbers().end());
    if (!cand.typed()) {
        for (const auto& c : cand.text()) {
            candidates.push_back(std::strtod(c.c_str(), nullptr));
        }
    }
    const std::size_t n = candidates.size();
    const ex::format f = parse_format(r.format);
    // Splits a LIST into n rows (K from --classes, a 2-D .npy, or the length / n).
    const auto rows_of = [&](const std::vector<std::string>& v, const char* arg) {
        const std::size_t k = classes != 0 ? classes : npy_columns.value_or(v.size() / n);
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
    ex::ulp_report report;
    std::vector<std::pair<ex::rounded, double>> per_case;  // exact, error
    const auto record = [&](std::size_t i, const auto& q, const auto&... args) {
        with_binary64(
            [&](const auto&... a) {
                const ex::rounded exact = ex::round(f, q, a...);
                const double err = ex::ulp_error(candidates[i], f, q, a...);
                per_case.emplace_back(exact, err);
                report.add(err, max_ulps);
            },
            args...);
    };
    bool supported = true;
    const bool found = shannon::with_quantity(qn, [&](const auto& quantity) {
        constexpr kinds kind = kind_of<decltype(quantity)>;
        if constexpr (kind == kinds::distribution) {
            const auto p = rows_of(need("p"), "p");
            for (std::size_t i = 0; i < n; ++i) {
                record(i, quantity, p[i], opt);
            }
        } else if constexpr (kind == kinds::two_distributions) {
            const auto p = rows_of(need("p"), "p");
            const auto q = rows_of(need("q"), "q");
            for (std::size_t i = 0; i < n; ++i) {
                record(i, quantity, p[i], q[i], opt);
            }
        } else if constexpr (kind == kinds::labels_and_probabilities || kind == kinds::labels_and_logits) {
            const char* x_name = kind == kinds::labels_and_logits ? "logits" : "p";
            const auto y = scalars(need("labels"), "labels");
            const auto x = scalars(need(x_name), x_name);
            for (std::size_t i = 0; i < n; ++i) {
                record(i, quantity, std::vector<std::string>{y[i]}, std::vector<std::string>{x[i]}, opt);
            }
        } else if constexpr (kind == kinds::classes_and_probabilities || kind == kinds::classes_and_logits) {
            const char* x_name = kind == kinds::classes_and_logits ? "logits" : "p";
            const auto rows = rows_of(need(x_name), x_name);
            const auto labels = as_indices(scalars(need("labels"), "labels"), "labels");
            for (std::size_t i = 0; i < n; ++i) {
                record(i, quantity, labels[i], rows[i], opt);
            }
        } else {
            supported = false;
        }
    });
    if (!found || !supported) {
        throw usage_error(fmt::format("check does not support '{}' (see --help)", qn));
    }
    if (r.json) {
        nlohmann::json j;
        j["quantity"] = qn;
        j["format"] = r.format;
        j["cases"] = nlohmann::json::array();
        for (std::size_t i = 0; i < n; ++i) {
            const auto& [exact, err] = per_case[i];
            nlohmann::json c = {{"candidate", candidates[i]}, {"exact", exact.value}, {"ulp_error", err}};
            if (!exact.determined) {
                c["determined"] = false;
                c["note"] = undetermined_note(exact, f);
            }
            j["cases"].push_back(c);
        }
        j["max_abs_ulp"] = report.max_abs;
        j["mean_abs_ulp"] = report.mean_abs;
        j["worst_case"] = report.worst_index;
        j["over_max_ulps"] = report.over;
        fmt::print("{}\n", j.dump());
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            const auto& [exact, err] = per_case[i];
            fmt::print("{} {} {} {:+.3f}{}\n", i, shortest(candidates[i], f), shortest(exact.value, f), err,
                       exact.determined ? "" : " " + undetermined_note(exact, f));
        }
        fmt::print("{} cases: max |error| {:.3f} ulp (case {}), mean {:.3f} ulp, {} over {} ulp\n", n, report.max_abs,
                   report.worst_index, report.mean_abs, report.over, max_ulps);
    }
    return report.over > 0 ? 1 : 0;
}

int run(int argc, char** argv) {
    CLI::App app{"shannon: exact information-theory quantities and losses, correctly rounded"};
    std::string footer = "\nQUANTITY (inputs are exact; mean over samples for the batched losses):\n";
    shannon::for_each_quantity([&](const auto& q) {
        const shannon::quantity_info& i = q.info;
        const std::string name = shannon::command_line_name(i.name) + (i.alias.empty() ? "" : fmt::format(" ({})", i.alias));
        footer += fmt::format("  {:<38} {}\n  {:<38} {}\n", name, i.formula, "", options_of(i.arguments));
    });
    footer += "  (a name may also be written with '_', as in C++ and Python: kl_divergence)\n";
    footer += "\nA LIST is comma-separated numbers (decimals are exact; hex floats allowed) or @PATH: a .npy\n"
              "(float64/float32/int64/int32, read exactly; at most 2^28 numbers) or a text file of numbers\n"
              "separated by commas, spaces or newlines (at most 256 MiB). Errors: a message on stderr and\n"
              "exit status 2. A result the precision cap cannot decide is marked undetermined, with the\n"
              "rounding boundary its enclosure straddles.\n"
              "\nshannon check QUANTITY [inputs] --candidates LIST [--max-ulps K]: validates another\n"
              "implementation, one case per candidate (rows of --classes K, or one sample each for bce,\n"
              "bce-logits; cce/cce-logits: one label and one row per case). Prints each case's ulp error\n"
              "in --format (binary64 by default) and a summary; exit status 1 if a case exceeds K (default 1).";
    app.footer(footer);
    request r;
    std::string p_spec, q_spec, logits_spec, labels_spec, y_spec, mu_spec, sigma2_spec, base = "e", reduction = "mean",
                round_mode;
    long long classes_arg = 0;  // signed, so that -1 is refused rather than wrapped
    unsigned digits = 0;
    app.add_option("quantity", r.quantity, "the quantity (see below)")->required();
    app.add_option("--p", p_spec, "probabilities P (LIST)");
    app.add_option("--q", q_spec, "probabilities Q (LIST)");
    app.add_option("--logits", logits_spec, "logits (LIST; rows of --classes K for cce-logits)");
    app.add_option("--labels", labels_spec, "labels: y in [0,1] (bce), class indices or target rows (cce)");
    app.add_option("--y", y_spec, "observations (nll-gaussian, mse)");
    app.add_option("--mu", mu_spec, "predictions (nll-gaussian, mse)");
    app.add_option("--sigma2", sigma2_spec, "variance (nll-gaussian)");
    auto* classes_opt = app.add_option("--classes", classes_arg, "K: the row length of batched inputs (>= 1)");
    app.add_option("--base", base, "unit of the information measures: e (nats), 2 (bits), 10 (bans)")
        ->check(CLI::IsMember({"e", "2", "10"}));
    app.add_option("--reduction", reduction, "mean (default), sum, or none (one result per sample) for the losses")
        ->check(CLI::IsMember({"mean", "sum", "none"}));
    auto* digits_opt = app.add_option("--digits", digits, "print N correct significant digits (1..10000)")
                           ->check(CLI::Range(1U, 10000U));
    app.add_option("--format", r.format, "round to binary64 (default), binary32, bfloat16 or binary16")
        ->check(CLI::IsMember({"binary64", "binary32", "bfloat16", "binary16"}))
        ->excludes(digits_opt);
    app.add_option("--round-inputs", round_mode, "round each text number to the nearest binary64 or binary32 first")
        ->check(CLI::IsMember({"binary64", "binary32"}));
    app.add_flag("--json", r.json, "print a JSON object with the value and an enclosure");
    std::string candidates_spec;
    double max_ulps = 1.0;
    app.add_option("--candidates", candidates_spec, "check: another implementation's results, one per case (LIST)");
    app.add_option("--max-ulps", max_ulps, "check: the largest accepted |ulp error| (default 1)")->check(CLI::NonNegativeNumber);
    // `shannon check QUANTITY ...`: the same options, one case per candidate.
    std::vector<char*> args(argv, argv + argc);
    const bool check_mode = argc > 1 && std::string(argv[1]) == "check";
    if (check_mode) {
        args.erase(args.begin() + 1);
    }
    try {
        app.parse(static_cast<int>(args.size()), args.data());
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        throw usage_error(e.what());
    }
    if (classes_opt->count() > 0 && classes_arg < 1) {
        throw usage_error(fmt::format("--classes is {}: the number of classes must be >= 1", classes_arg));
    }
    const auto classes = static_cast<std::size_t>(classes_arg);  // 0: not given
    if (!(max_ulps >= 0)) {  // CLI11's NonNegativeNumber lets NaN through
        throw usage_error(fmt::format("--max-ulps is {}: it must be a number >= 0", max_ulps));
    }
    if (digits_opt->count() > 0) {
        r.digits = digits;
    }
    shannon::options opt;
    opt.base = base == "2" ? shannon::unit::bits : base == "10" ? shannon::unit::bans : shannon::unit::nats;
    opt.reduction = reduction == "sum" ? shannon::reduction::sum : shannon::reduction::mean;

    std::optional<std::size_t> npy_columns;
    const auto need = [&](const std::string& spec, const char* arg) {
        if (spec.empty()) {
            throw usage_error(fmt::format("{} needs --{}", r.quantity, arg));
        }
        auto v = read_list(spec, arg, npy_columns);
        round_inputs(v, round_mode);
        return v;
    };
    const std::string& qn = r.quantity;
    if (check_mode) {
        const std::map<std::string, const std::string*> specs{{"p", &p_spec},           {"q", &q_spec},
                                                              {"logits", &logits_spec}, {"labels", &labels_spec},
                                                              {"y", &y_spec},           {"mu", &mu_spec}};
        const auto need_named = [&](const char* arg) { return need(*specs.at(arg), arg); };
        return check(r, qn, need_named, candidates_spec, classes, npy_columns, max_ulps, opt);
    }
    if (!candidates_spec.empty()) {
        throw usage_error("--candidates belongs to 'shannon check QUANTITY ...'");
    }
    const bool none = reduction == "none";
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
    const bool found = shannon::with_quantity(qn, [&](const auto& quantity) {
        constexpr kinds kind = kind_of<decltype(quantity)>;
        if constexpr (kind == kinds::distribution || kind == kinds::two_distributions) {
            if (none) {
                throw usage_error(fmt::format("--reduction none applies to the losses over samples, not to {}", qn));
            }
            if constexpr (kind == kinds::distribution) {
                report(r, quantity, need(p_spec, "p"), opt);
            } else {
                const auto p = need(p_spec, "p");  // p first: its error comes first, as before
                report(r, quantity, p, need(q_spec, "q"), opt);
            }
        } else if constexpr (kind == kinds::labels_and_probabilities || kind == kinds::labels_and_logits) {
            constexpr bool logits = kind == kinds::labels_and_logits;
            const auto y = need(labels_spec, "labels");
            const auto x = logits ? need(logits_spec, "logits") : need(p_spec, "p");
            if (none) {
                same_count(x, logits ? "logits" : "p", y.size(), "labels");
                per_sample(y.size(), [&](std::size_t i) { return evaluate(r, quantity, std::vector{y[i]}, std::vector{x[i]}, opt); });
            } else {
                print(r, {evaluate(r, quantity, y, x, opt)}, false);
            }
        } else if constexpr (kind == kinds::classes_and_probabilities || kind == kinds::classes_and_logits) {
            constexpr bool logits = kind == kinds::classes_and_logits;
            const auto pred = logits ? need(logits_spec, "logits") : need(p_spec, "p");
            const std::size_t k = classes != 0 ? classes : npy_columns.value_or(pred.size());
            const auto rows = as_rows(pred, k, logits ? "logits" : "p");
            const auto labels = need(labels_spec, "labels");
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
        } else if constexpr (kind == kinds::gaussian) {
            const auto s2 = need(sigma2_spec, "sigma2");
            if (s2.size() != 1) {
                throw usage_error("--sigma2 takes one number");
            }
            const auto y = need(y_spec, "y");
            const auto mu = need(mu_spec, "mu");
            const auto nll = [&quantity](const auto& yv, const auto& mv, const auto& s) { return quantity(yv, mv, s[0]); };
            if (none) {
                same_count(mu, "mu", y.size(), "y");
                per_sample(y.size(), [&](std::size_t i) { return evaluate(r, nll, std::vector{y[i]}, std::vector{mu[i]}, s2); });
            } else {
                print(r, {evaluate(r, nll, y, mu, s2)}, false);
            }
        } else {
            static_assert(kind == kinds::observations_and_predictions, "a kind of arguments the command does not read");
            const auto y = need(y_spec, "y");
            const auto mu = need(mu_spec, "mu");
            if (none) {
                same_count(mu, "mu", y.size(), "y");
                per_sample(y.size(), [&](std::size_t i) { return evaluate(r, quantity, std::vector{y[i]}, std::vector{mu[i]}); });
            } else {
                print(r, {evaluate(r, quantity, y, mu)}, false);
            }
        }
    });
    if (!found) {
        throw usage_error(fmt::format("unknown quantity '{}' (see --help)", qn));
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const usage_error& e) {
        std::cerr << "shannon: error: " << e.what() << '\n';
    } catch (const std::exception& e) {  // the library's domain_error / invalid_argument
        std::cerr << "shannon: error: " << e.what() << '\n';
    }
    return 2;
}
