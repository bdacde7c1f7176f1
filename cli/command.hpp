// cli/command.hpp — what the `shannon` command's translation units share: the parsed command line
// (`command`), the state of `shannon check` (`check_cases`), and the evaluation of one kind of
// arguments, run_kind<K> and check_kind<K> (cli/evaluate.hpp), instantiated in cli/evaluate.cpp,
// a translation unit apart from the command line's (cli/main.cpp): the two compile in parallel.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <shannon/core/options.hpp>
#include <shannon/core/quantity.hpp>
#include <shannon/exact/format.hpp>
#include <shannon/exact/report.hpp>

#include "input.hpp"

namespace shannon_cli {

namespace ex = shannon::exact;
using kinds = shannon::argument_kinds;

/// The kinds of the arguments of a quantity of type Q (from the list of core/registry.hpp).
template <class Q>
constexpr kinds kind_of = std::remove_cvref_t<Q>::info.arguments;

/// What to print: the quantity's name, N digits or a format, JSON or text.
struct request {
    std::string quantity;
    std::optional<unsigned> digits;
    std::string format = "binary64";
    bool json = false;
};

/// The command line as read: the request, each input option's LIST as given, the options.
struct command {
    request r;
    std::map<std::string, std::string, std::less<>> specs;  ///< option name (p, q, logits, ...) -> LIST
    std::string round_mode;                                 ///< --round-inputs ("" for none)
    std::size_t classes = 0;                                ///< --classes (0: not given)
    std::optional<std::size_t> npy_columns;                 ///< set by a 2-D (or n-D: its last axis) .npy
    std::string alpha;                                      ///< --alpha: the order of renyi-*, tsallis-entropy
    std::vector<std::size_t> shape;                         ///< --shape: a joint table's (else the .npy's)
    shannon::options opt;
    bool none = false;  ///< --reduction none

    /// The numbers of input option `arg` (a usage error when it was not given).
    number_list need(const char* arg);
};

/// `shannon check`: the candidates and, case by case, the correctly rounded value and the error.
struct check_cases {
    std::vector<double> candidates;
    ex::format f = ex::format::binary64;
    double max_ulps = 1;
    ex::ulp_report report;
    std::vector<std::pair<ex::rounded, double>> per_case;  // exact, error
};

[[nodiscard]] inline ex::format parse_format(const std::string& f) {
    return ex::format_named(f).value_or(ex::format::binary64);  // CLI11 admits the four names only
}

/// The shortest decimal that reads back as v in format f.
[[nodiscard]] std::string shortest(double v, ex::format f);
/// Why a result is undetermined (the boundary its enclosure straddles).
[[nodiscard]] std::string undetermined_note(const ex::rounded& x, ex::format f);
/// Prints the results: one per sample for --reduction none, else one.
void print(const request& r, const std::vector<nlohmann::json>& results, bool per_sample);

/// Evaluates c.r.quantity, whose arguments are of kind K, and prints it (cli/evaluate.hpp).
template <kinds K>
void run_kind(command& c);
/// Adds one case per candidate of c.r.quantity (kind K) to `cases` (cli/evaluate.hpp).
template <kinds K>
void check_kind(command& c, check_cases& cases);

/// The kinds `shannon check` reads one case per candidate of.
[[nodiscard]] constexpr bool checkable(kinds k) {
    return k != kinds::gaussian && k != kinds::observations_and_predictions;
}

}  // namespace shannon_cli
