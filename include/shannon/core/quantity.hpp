// shannon/core/quantity.hpp — what a quantity says about itself, for every front end.
//
// Each quantity of the core is a function object (shannon::kl_divergence is a kl_divergence_fn) whose
// type carries `static constexpr quantity_info info`: its name, a one-line formula, and the kinds of
// its arguments. core/registry.hpp lists the function objects once; the command-line tool's help,
// parsing and dispatch, the Python module's bindings and the tests iterate that list, so that adding
// a quantity is its formula, its info and one line in the list.
//
// Names: the C++ and Python names are the same snake_case identifier (kl_divergence); the command
// line accepts it with '-' or '_' (kl-divergence, kl_divergence) and a short alias where one existed
// before the list (kl).
#pragma once

#include <string_view>

namespace shannon {

/// The inputs of a quantity, which decide how a front end reads them.
enum class argument_kinds {
    distribution,                 ///< (p): one distribution
    two_distributions,            ///< (p, q): two distributions of one length
    labels_and_probabilities,     ///< (y, p): binary labels in [0, 1] and probabilities, one per sample
    labels_and_logits,            ///< (y, x): binary labels in [0, 1] and logits, one per sample
    classes_and_probabilities,    ///< (targets, rows): class indices or target rows, rows of probabilities
    classes_and_logits,           ///< (targets, rows): class indices or target rows, rows of logits
    observations_and_predictions, ///< (y, mu): observations and predictions, one per sample
    gaussian,                     ///< (y, mu, sigma2): observations, means and one variance
    distribution_and_order,       ///< (p, alpha): one distribution and an order in [0, +inf]
    two_distributions_and_order,  ///< (p, q, alpha): two distributions of one length and an order
    joint_table,                  ///< (J): a joint distribution as a table (nested rows, or table_view)
};

/// The snake_case name of an argument kind (as the Python module's quantities() gives it).
[[nodiscard]] constexpr std::string_view kind_name(argument_kinds k) {
    switch (k) {
        case argument_kinds::distribution: return "distribution";
        case argument_kinds::two_distributions: return "two_distributions";
        case argument_kinds::labels_and_probabilities: return "labels_and_probabilities";
        case argument_kinds::labels_and_logits: return "labels_and_logits";
        case argument_kinds::classes_and_probabilities: return "classes_and_probabilities";
        case argument_kinds::classes_and_logits: return "classes_and_logits";
        case argument_kinds::observations_and_predictions: return "observations_and_predictions";
        case argument_kinds::gaussian: return "gaussian";
        case argument_kinds::distribution_and_order: return "distribution_and_order";
        case argument_kinds::two_distributions_and_order: return "two_distributions_and_order";
        case argument_kinds::joint_table: return "joint_table";
    }
    return "unknown";
}

/// The sums the oracle's kernels compute fast (exact/fast.hpp, exact/fixed.hpp, in nats): the sum a
/// quantity is, or the sum it is the exponential of (perplexity = exp H), for the oracle to choose
/// its fast path by; none for the others.
enum class kernel_sum { none, entropy, cross_entropy, kl_divergence, generalized_kl_divergence };

/// What every front end needs to know about a quantity besides its code.
struct quantity_info {
    /// The C++ and Python name (snake_case); the command line's with '-' or '_'.
    std::string_view name;
    /// One line: the formula, for --help and docstrings.
    std::string_view formula;
    /// The kinds of its arguments.
    argument_kinds arguments;
    /// A short command-line name kept from before the list (empty: none).
    std::string_view alias = {};
    /// The kernels' sum the quantity is (in the unit options::base asks for), or its exponential.
    kernel_sum sum = kernel_sum::none;
    /// The quantity is exp(sum in nats), whatever options::base says (perplexity).
    bool exp_of_sum = false;
    /// What the quantity reads beyond its inputs, base and normalization: the name of its order (alpha,
    /// q) for the kinds with one, else the options it reads, space-separated (given, average); the
    /// front ends offer them as arguments and keywords (Python) and options (the command line).
    std::string_view reads = {};
};

}  // namespace shannon
