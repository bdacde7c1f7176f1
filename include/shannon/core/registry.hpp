// shannon/core/registry.hpp — the list of shannon's quantities, once, for every front end.
//
// Each entry is a function object whose type carries its quantity_info (core/quantity.hpp: name,
// formula, argument kinds). The command-line tool builds its help from this list, resolves the
// quantity a user names through it and dispatches on the argument kinds; the tests check that every
// front end knows every entry by the same name. Adding a quantity: its function object with its
// info, and one entry here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "likelihood.hpp"
#include "losses.hpp"
#include "measures.hpp"
#include "quantity.hpp"
#include "renyi.hpp"
#include "tables.hpp"

namespace shannon {

/// Every quantity of the core that the front ends offer, in the order of their help.
inline constexpr std::tuple quantities{entropy,
                                       perplexity,
                                       cross_entropy,
                                       kl_divergence,
                                       generalized_kl_divergence,
                                       js_divergence,
                                       binary_cross_entropy,
                                       binary_cross_entropy_with_logits,
                                       categorical_cross_entropy,
                                       categorical_cross_entropy_with_logits,
                                       gaussian_nll,
                                       mean_squared_error,
                                       renyi_entropy,
                                       renyi_divergence,
                                       tsallis_entropy,
                                       joint_entropy,
                                       conditional_entropy,
                                       mutual_information,
                                       conditional_mutual_information,
                                       total_correlation,
                                       normalized_mutual_information,
                                       variation_of_information};

/// f(q) for every quantity q of the list, in order.
template <class F>
constexpr void for_each_quantity(F&& f) {
    std::apply([&](const auto&... q) { (f(q), ...); }, quantities);
}

/// The quantity's name as the command line writes it: '-' for '_' (kl-divergence).
[[nodiscard]] inline std::string command_line_name(std::string_view name) {
    std::string out(name);
    for (char& c : out) {
        if (c == '_') {
            c = '-';
        }
    }
    return out;
}

/// Whether `given` names the quantity: its name with '_' or '-', or its alias.
[[nodiscard]] inline bool names(const quantity_info& info, std::string_view given) {
    return given == info.name || given == command_line_name(info.name) || (!info.alias.empty() && given == info.alias);
}

/// f(q) for the quantity q that `given` names (see names()); false when none does.
template <class F>
bool with_quantity(std::string_view given, F&& f) {
    bool found = false;
    for_each_quantity([&](const auto& q) {
        if (!found && names(std::remove_cvref_t<decltype(q)>::info, given)) {
            found = true;
            f(q);
        }
    });
    return found;
}

}  // namespace shannon
