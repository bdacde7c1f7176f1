// shannon/core/error.hpp — the exceptions shannon throws, and how their messages are built.
//
// Every message has the same shape, so that a user (or a test) can find what went wrong:
//   shannon::kl_divergence: argument 'q' at index 3 is -0.25: a probability must be >= 0
// i.e. the function, the argument, the index (when the problem is one element) and the value.
//
// In a constant expression the same checks stop the compilation instead: detail::fail and
// detail::fail_at then call a function that is not constexpr, passing it every part of the message,
// and the compiler's diagnostic shows that call (Clang prints the arguments' values, GCC the calls
// that led there, both with the library's text). This is the "poison function" technique of
// mp-units' contracts. Message parts are therefore passed as separate pieces (texts, integers,
// values), never as a std::string built at the call site: std::string is not usable in constant
// expressions on every supported compiler.
#pragma once

#include <concepts>
#include <cstddef>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

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

/// The name of an argument, or of one row of a batched argument ("prediction[3]").
struct arg_name {
    std::string_view name;
    std::optional<std::size_t> row{};

    constexpr arg_name(const char* n) noexcept : name(n) {}  // NOLINT: implicit by design
    constexpr arg_name(std::string_view n, std::optional<std::size_t> r = std::nullopt) noexcept
        : name(n), row(r) {}
};

/// A message part shown as a number in at most 15 significant digits (a magnitude, not an exact
/// value: a sum that is far from 1).
template <class T>
struct shown_short {
    const T& value;
};
/// A message part shown with enough digits to identify the value.
template <class T>
struct shown_exact {
    const T& value;
};
/// A setting shown the way a person typed it (1e-06, not 9.99...e-07).
struct shown_setting {
    double value;
};

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

template <class T>
[[nodiscard]] std::string format_short(const T& value) {
    std::ostringstream out;
    out.precision(15);
    out << value;
    return out.str();
}

/// A token of bad input as a message quotes it: whole up to 80 characters, else its first 80 and its
/// length (an error must not echo a megabyte of input).
[[nodiscard]] inline std::string shown_token(std::string_view token) {
    constexpr std::size_t most = 80;
    if (token.size() <= most) {
        return std::string(token);
    }
    return std::string(token.substr(0, most)) + "... (" + std::to_string(token.size()) + " characters)";
}

inline void append(std::string& msg, std::string_view part) { msg += part; }
inline void append(std::string& msg, const char* part) { msg += part; }
inline void append(std::string& msg, const arg_name& a) {
    msg += a.name;
    if (a.row) {
        msg += '[';
        msg += std::to_string(*a.row);
        msg += ']';
    }
}
template <std::integral I>
void append(std::string& msg, I part) {
    msg += std::to_string(part);
}
template <class T>
void append(std::string& msg, const shown_short<T>& part) {
    msg += format_short(part.value);
}
template <class T>
void append(std::string& msg, const shown_exact<T>& part) {
    msg += format_value(part.value);
}
inline void append(std::string& msg, shown_setting part) {
    std::ostringstream out;
    out << part.value;
    msg += out.str();
}

template <class Error, class... Parts>
[[noreturn]] void throw_error(std::string_view function, const Parts&... parts) {
    std::string msg = "shannon::";
    msg += function;
    msg += ": ";
    (append(msg, parts), ...);
    throw Error(msg);
}

/// Deliberately not constexpr: reaching it during constant evaluation makes the expression
/// non-constant, and the compiler's diagnostic shows this call with the message parts. It does
/// nothing at run time (it is only reached under std::is_constant_evaluated()).
template <class... Parts>
void shannon_invalid_input_in_constant_expression(const Parts&...) noexcept {}

/// "shannon::NAME: PARTS..." for problems that are not about one value.
template <class Error, class... Parts>
[[noreturn]] constexpr void fail(std::string_view function, const Parts&... parts) {
    if (std::is_constant_evaluated()) {
        shannon_invalid_input_in_constant_expression(function, parts...);
    }
    throw_error<Error>(function, parts...);
}

/// "shannon::NAME: argument 'ARG' at index I is VALUE: WHY..."
template <class Error, class T, class... Why>
[[noreturn]] constexpr void fail_at(std::string_view function, arg_name argument, std::optional<std::size_t> index,
                                    const T& value, const Why&... why) {
    if (std::is_constant_evaluated()) {
        shannon_invalid_input_in_constant_expression(function, argument, index, value, why...);
    }
    if (index) {
        throw_error<Error>(function, "argument '", argument, "' at index ", *index, " is ", shown_exact<T>{value},
                           ": ", why...);
    }
    throw_error<Error>(function, "argument '", argument, "' is ", shown_exact<T>{value}, ": ", why...);
}

/// The one message for an empty input: "shannon::NAME: argument 'ARG' is empty".
[[noreturn]] constexpr void fail_empty(std::string_view function, const arg_name& argument) {
    fail<shannon::invalid_argument>(function, "argument '", argument, "' is empty");
}

/// The one message for two inputs of different lengths: "shannon::NAME: arguments 'A' (length N)
/// and 'B' (length M) must have the same length".
template <class P, class Q>
constexpr void check_same_length(const P& p, const Q& q, std::string_view function, std::string_view a,
                                 std::string_view b) {
    if (p.size() != q.size()) {
        fail<shannon::invalid_argument>(function, "arguments '", a, "' (length ", p.size(), ") and '", b, "' (length ",
                                        q.size(), ") must have the same length");
    }
}

}  // namespace detail
}  // namespace shannon
