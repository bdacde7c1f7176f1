// tests/reference_file.hpp — the lines of a reference table that a generator script wrote (generators/gen_*.py)
// and the test's environment names (meson test sets the variable): every line but the empty ones and
// the '#' comments, with its line number for the failure messages.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace test_reference {

/// One line of a reference table, and its number in the file (from 1).
struct line {
    std::size_t number;
    std::string text;
};

/// The table named by the environment variable `variable`; a clear error when it is not set or
/// cannot be read.
inline std::vector<line> lines(const char* variable) {
    const char* path = std::getenv(variable);
    if (path == nullptr) {
        throw std::runtime_error(std::string(variable) + " is not set (meson test sets it)");
    }
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error(std::string("cannot read ") + path + " (" + variable + ")");
    }
    std::vector<line> out;
    std::string text;
    for (std::size_t n = 1; std::getline(in, text); ++n) {
        if (!text.empty() && text[0] != '#') {
            out.push_back({n, text});
        }
    }
    return out;
}

}  // namespace test_reference
