// shannon/error.hpp — the exceptions shannon throws, and how their messages are built.
//
// Every message has the same shape, so that a user (or a test) can find what went wrong:
//   shannon::kl_divergence: argument 'q' at index 3 is -0.25: a probability must be >= 0
// i.e. the function, the argument, the index (when the problem is one element) and the value.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace shannon {

/// A value outside the domain of the quantity (a negative or NaN probability, a label outside
/// [0, 1], a distribution that does not sum to 1).
class domain_error : public std::domain_error {
public:
    using std::domain_error::domain_error;
};

/// Arguments that do not fit together (mismatched lengths, an empty range, a class index out of
/// range, a ragged batch).
class invalid_argument : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

namespace detail {

template <class T>
[[nodiscard]] std::string format_value(const T& value) {
    std::ostringstream out;
    if constexpr (std::numeric_limits<T>::is_specialized) {
        // Enough digits to identify the value, but bounded for 1000-digit types.
        const int digits = std::numeric_limits<T>::max_digits10;
        out.precision(digits > 0 && digits < 40 ? digits : 40);
    }
    out << value;
    return out.str();
}

/// A value in at most 15 significant digits, for a message that shows a magnitude (a sum that is far
/// from 1) rather than the exact value.
template <class T>
[[nodiscard]] std::string format_short(const T& value) {
    std::ostringstream out;
    out.precision(15);
    out << value;
    return out.str();
}

/// A tolerance or other setting, in the short form a person typed it (1e-06, not 9.99...e-07).
[[nodiscard]] inline std::string format_tolerance(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

/// "shannon::NAME: argument 'ARG' at index I is VALUE: WHY"
template <class Error, class T>
[[noreturn]] void fail_at(std::string_view function, std::string_view argument, std::optional<std::size_t> index,
                          const T& value, std::string_view why) {
    std::string msg = "shannon::";
    msg += function;
    msg += ": argument '";
    msg += argument;
    msg += '\'';
    if (index) {
        msg += " at index ";
        msg += std::to_string(*index);
    }
    msg += " is ";
    msg += format_value(value);
    msg += ": ";
    msg += why;
    throw Error(msg);
}

/// "shannon::NAME: WHY" for problems that are not about one value.
template <class Error>
[[noreturn]] void fail(std::string_view function, std::string_view why) {
    std::string msg = "shannon::";
    msg += function;
    msg += ": ";
    msg += why;
    throw Error(msg);
}

}  // namespace detail
}  // namespace shannon
