// cli/main.cpp — the `shannon` command: the exact value of a quantity at the given inputs,
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
//
// This translation unit reads the command line and prints; the evaluation of each kind of arguments
// is compiled in its own (cli/kind_*.cpp, see cli/evaluate.hpp), so that the command builds in
// parallel.

#include <cstdlib>
#include <iostream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <shannon/core/registry.hpp>

#include "command.hpp"
namespace shannon_cli {

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

number_list command::need(const char* arg) {
    const auto spec = specs.find(arg);
    if (spec == specs.end() || spec->second.empty()) {
        throw usage_error(fmt::format("{} needs --{}", r.quantity, arg));
    }
    auto v = read_list(spec->second, arg, npy_columns);
    round_inputs(v, round_mode);
    return v;
}

}  // namespace shannon_cli

namespace {

using namespace shannon_cli;  // the readers and usage_error (cli/input.hpp), the command (cli/command.hpp)

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
        case kinds::distribution_and_order: return "--p --alpha A (the order: alpha, or Tsallis' q; inf allowed)";
        case kinds::two_distributions_and_order: return "--p --q --alpha A (inf allowed)";
        case kinds::joint_table: return "--p (the cells, row-major) --shape N,M[,...] (or a .npy's) [--given K] [--average]";
    }
    return "";
}

/// Calls f(std::integral_constant<kinds, K>{}) for the kind K of the listed quantity named `name`;
/// false when no quantity has that name.
template <class F>
bool with_kind(const std::string& name, F&& f) {
    return shannon::with_quantity(name, [&](const auto& q) { f(std::integral_constant<kinds, kind_of<decltype(q)>>{}); });
}

/// `shannon check`: the ulp error of each candidate against the correctly rounded value of its case.
int check(command& c, const std::string& candidates_spec, double max_ulps) {
    if (candidates_spec.empty()) {
        throw usage_error("check needs --candidates");
    }
    const request& r = c.r;
    const std::string& qn = r.quantity;
    std::optional<std::size_t> ignored;
    const number_list cand = read_list(candidates_spec, "candidates", ignored);
    check_cases cases;
    cases.candidates.assign(cand.numbers().begin(), cand.numbers().end());
    if (!cand.typed()) {
        for (const auto& t : cand.text()) {
            cases.candidates.push_back(std::strtod(t.c_str(), nullptr));
        }
    }
    cases.f = parse_format(r.format);
    cases.max_ulps = max_ulps;
    bool supported = true;
    const bool found = with_kind(qn, [&](auto kind) {
        if constexpr (checkable(kind)) {
            check_kind<kind>(c, cases);
        } else {
            supported = false;
        }
    });
    if (!found || !supported) {
        throw usage_error(fmt::format("check does not support '{}' (see --help)", qn));
    }
    const std::size_t n = cases.candidates.size();
    const ex::format f = cases.f;
    const ex::ulp_report& report = cases.report;
    if (r.json) {
        nlohmann::json j;
        j["quantity"] = qn;
        j["format"] = r.format;
        j["cases"] = nlohmann::json::array();
        for (std::size_t i = 0; i < n; ++i) {
            const auto& [exact, err] = cases.per_case[i];
            nlohmann::json row = {{"candidate", cases.candidates[i]}, {"exact", exact.value}, {"ulp_error", err}};
            if (!exact.determined) {
                row["determined"] = false;
                row["note"] = undetermined_note(exact, f);
            }
            j["cases"].push_back(row);
        }
        j["max_abs_ulp"] = report.max_abs;
        j["mean_abs_ulp"] = report.mean_abs;
        j["worst_case"] = report.worst_index;
        j["over_max_ulps"] = report.over;
        fmt::print("{}\n", j.dump());
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            const auto& [exact, err] = cases.per_case[i];
            fmt::print("{} {} {} {:+.3f}{}\n", i, shortest(cases.candidates[i], f), shortest(exact.value, f), err,
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
              "bce-logits; cce/cce-logits: one label and one row per case; the orders: one --alpha for every\n"
              "case; the tables: one table of --shape per case, or a .npy of shape (cases, ...)). Prints each case's ulp error\n"
              "in --format (binary64 by default) and a summary; exit status 1 if a case exceeds K (default 1).\n"
              "\nThe frameworks' functions (torch.nn.functional, torch.special, torch.distributions, jax.nn,\n"
              "keras, optax, scipy) with their conventions: python3 -m shannon --list (the Python package).";
    app.footer(footer);
    command c;
    request& r = c.r;
    std::string base = "e", reduction = "mean";
    long long classes_arg = 0;  // signed, so that -1 is refused rather than wrapped
    unsigned digits = 0;
    app.add_option("quantity", r.quantity, "the quantity (see below)")->required();
    app.add_option("--p", c.specs["p"], "probabilities P (LIST)");
    app.add_option("--q", c.specs["q"], "probabilities Q (LIST)");
    app.add_option("--logits", c.specs["logits"], "logits (LIST; rows of --classes K for cce-logits)");
    app.add_option("--labels", c.specs["labels"], "labels: y in [0,1] (bce), class indices or target rows (cce)");
    app.add_option("--y", c.specs["y"], "observations (nll-gaussian, mse)");
    app.add_option("--mu", c.specs["mu"], "predictions (nll-gaussian, mse)");
    app.add_option("--sigma2", c.specs["sigma2"], "variance (nll-gaussian)");
    auto* classes_opt = app.add_option("--classes", classes_arg, "K: the row length of batched inputs (>= 1)");
    app.add_option("--alpha", c.alpha, "the order of renyi-entropy, renyi-divergence, tsallis-entropy (a number or inf)");
    app.add_option("--shape", c.shape, "a joint table's shape (comma-separated; a .npy gives its own)")->delimiter(',');
    long long given = -1;
    auto* given_opt = app.add_option("--given", given, "the axis conditional-entropy (default 0) or "
                                                       "conditional-mutual-information (default: the last) conditions on");
    std::string average = "arithmetic";
    app.add_option("--average", average, "normalized-mutual-information's normalizer")
        ->check(CLI::IsMember({"arithmetic", "geometric", "min", "max", "joint"}));
    app.add_option("--base", base, "unit of the information measures: e (nats), 2 (bits), 10 (bans)")
        ->check(CLI::IsMember({"e", "2", "10"}));
    app.add_option("--reduction", reduction, "mean (default), sum, or none (one result per sample) for the losses")
        ->check(CLI::IsMember({"mean", "sum", "none"}));
    auto* digits_opt = app.add_option("--digits", digits, "print N correct significant digits (1..10000)")
                           ->check(CLI::Range(1U, 10000U));
    app.add_option("--format", r.format, "round to binary64 (default), binary32, bfloat16 or binary16")
        ->check(CLI::IsMember({"binary64", "binary32", "bfloat16", "binary16"}))
        ->excludes(digits_opt);
    app.add_option("--round-inputs", c.round_mode, "round each text number to the nearest binary64 or binary32 first")
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
    c.classes = static_cast<std::size_t>(classes_arg);  // 0: not given
    if (!(max_ulps >= 0)) {  // CLI11's NonNegativeNumber lets NaN through
        throw usage_error(fmt::format("--max-ulps is {}: it must be a number >= 0", max_ulps));
    }
    if (digits_opt->count() > 0) {
        r.digits = digits;
    }
    c.opt.base = base == "2" ? shannon::unit::bits : base == "10" ? shannon::unit::bans : shannon::unit::nats;
    c.opt.reduction = reduction == "sum" ? shannon::reduction::sum : shannon::reduction::mean;
    if (given_opt->count() > 0) {
        if (given < 0) {
            throw usage_error(fmt::format("--given is {}: an axis is >= 0", given));
        }
        c.opt.given = static_cast<std::size_t>(given);
    }
    c.opt.average = average == "geometric" ? shannon::nmi_average::geometric
                    : average == "min"     ? shannon::nmi_average::min
                    : average == "max"     ? shannon::nmi_average::max
                    : average == "joint"   ? shannon::nmi_average::joint
                                           : shannon::nmi_average::arithmetic;


    if (check_mode) {
        return check(c, candidates_spec, max_ulps);
    }
    if (!candidates_spec.empty()) {
        throw usage_error("--candidates belongs to 'shannon check QUANTITY ...'");
    }
    c.none = reduction == "none";
    const bool found = with_kind(r.quantity, [&](auto kind) { run_kind<kind>(c); });
    if (!found && r.quantity.find('.') != std::string::npos) {
        throw usage_error(fmt::format("unknown quantity '{0}': the frameworks' functions (torch, keras, optax, jax, "
                                      "scipy) are in the Python package's command, python3 -m shannon {0} ... "
                                      "(python3 -m shannon --list)",
                                      r.quantity));
    }
    if (!found) {
        throw usage_error(fmt::format("unknown quantity '{}' (see --help)", r.quantity));
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
