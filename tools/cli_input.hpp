// tools/cli_input.hpp — the `shannon` command's input readers: numbers as exact text, lists,
// .npy files, class indices and rows. Shared by the command (cli.cpp) and its fuzz target
// (fuzz_cli_input.cpp); every malformed input ends in a usage_error naming the argument, the
// index and the value.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <mpfr.h>

#include <shannon/error.hpp>

namespace shannon_cli {

/// A usage or input error: reported on stderr with exit status 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Input caps: a text list (inline or a file) of at most max_text_bytes, a .npy file of at most
/// max_npy_values numbers. Beyond them the command stops with an error naming the argument rather
/// than reading until memory runs out (`--p @/dev/zero`).
inline constexpr std::size_t max_text_bytes = std::size_t{1} << 28U;  // 256 MiB
inline constexpr std::size_t max_npy_values = std::size_t{1} << 28U;  // 268,435,456 numbers

using shannon::detail::shown_token;

/// One number as text, validated: a decimal (exact), a hex float (exact), or inf/-inf.
inline std::string checked_number(const std::string& token, const std::string& arg, std::size_t index) {
    std::string t = token;
    const auto b = t.find_first_not_of(" \t\r\n");
    const auto e = t.find_last_not_of(" \t\r\n");
    t = (b == std::string::npos) ? "" : t.substr(b, e - b + 1);
    if (t.empty()) {
        throw usage_error(fmt::format("argument '{}' at index {}: empty number", arg, index));
    }
    const char* s = t.c_str();
    char* end = nullptr;
    const double v = std::strtod(s, &end);
    if (end != s + t.size()) {
        throw usage_error(fmt::format("argument '{}' at index {} is '{}': not a number", arg, index, shown_token(t)));
    }
    if (std::isnan(v)) {
        throw usage_error(fmt::format("argument '{}' at index {} is {}: NaN is not a valid input", arg, index, shown_token(t)));
    }
    return t;
}

/// Parses the bytes of a .npy file (little-endian float64/float32/int64/int32, C order, 1-D or
/// 2-D) as exact numbers; `path` only names the file in messages.
inline std::vector<std::string> parse_npy(const std::string& data, const std::string& path, const std::string& arg,
                                          std::optional<std::size_t>& columns) {
    if (data.size() < 10 || data.compare(0, 6, "\x93NUMPY") != 0) {
        throw usage_error(fmt::format("argument '{}': '{}' is not a .npy file", arg, path));
    }
    const int major = static_cast<unsigned char>(data[6]);
    std::size_t header_len = 0;
    std::size_t offset = 0;
    if (major == 1) {
        header_len = static_cast<unsigned char>(data[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(data[9])) << 8);
        offset = 10;
    } else if (major == 2 || major == 3) {
        if (data.size() < 12) {
            throw usage_error(fmt::format("argument '{}': '{}' is truncated", arg, path));
        }
        for (int i = 0; i < 4; ++i) {
            header_len |= static_cast<std::size_t>(static_cast<unsigned char>(data[8 + static_cast<std::size_t>(i)])) << (8 * i);
        }
        offset = 12;
    } else {
        throw usage_error(fmt::format("argument '{}': '{}' has an unknown .npy version {}", arg, path, major));
    }
    if (data.size() < offset + header_len) {
        throw usage_error(fmt::format("argument '{}': '{}' is truncated (header)", arg, path));
    }
    const std::string header = data.substr(offset, header_len);
    const auto malformed = [&](const std::string& what) {
        return usage_error(fmt::format("argument '{}': '{}' has a malformed header ({})", arg, path, what));
    };
    // The header is a Python dict literal with exactly the keys descr (a quoted string),
    // fortran_order (True or False) and shape (a tuple of integers), padded with spaces and ended by
    // a newline: anything else is refused (numpy writes nothing else).
    std::size_t at = 0;
    const auto skip = [&] {
        while (at < header.size() && header[at] == ' ') {
            ++at;
        }
    };
    const auto expect = [&](char c) {
        skip();
        if (at >= header.size() || header[at] != c) {
            throw malformed(fmt::format("'{}' expected at offset {}", c, at));
        }
        ++at;
    };
    const auto quoted = [&] {
        expect('\'');
        const auto end = header.find('\'', at);
        if (end == std::string::npos) {
            throw malformed("an unterminated string");
        }
        std::string out = header.substr(at, end - at);
        at = end + 1;
        return out;
    };
    std::optional<std::string> descr_value;
    std::optional<bool> fortran_value;
    std::optional<std::vector<std::size_t>> shape_value;
    std::size_t count = 1;
    expect('{');
    for (;;) {
        skip();
        if (at < header.size() && header[at] == '}') {
            ++at;
            break;
        }
        const std::string key = quoted();
        expect(':');
        skip();
        if (key == "descr" && !descr_value) {
            descr_value = quoted();
        } else if (key == "fortran_order" && !fortran_value) {
            const auto word_end = header.find_first_of(",} ", at);
            const std::string word = header.substr(at, word_end == std::string::npos ? std::string::npos : word_end - at);
            if (word != "True" && word != "False") {
                throw malformed(fmt::format("fortran_order is '{}', not True or False", shown_token(word)));
            }
            fortran_value = word == "True";
            at += word.size();
        } else if (key == "shape" && !shape_value) {
            expect('(');
            std::vector<std::size_t> dims;
            for (;;) {
                skip();
                if (at < header.size() && header[at] == ')') {
                    ++at;
                    break;
                }
                std::size_t n = 0;
                const char* begin = header.data() + at;
                const auto [ptr, ec] = std::from_chars(begin, header.data() + header.size(), n);
                if (ec != std::errc{} || ptr == begin) {
                    throw malformed(fmt::format("shape entry at offset {}", at));
                }
                at += static_cast<std::size_t>(ptr - begin);
                if (n != 0 && count > std::numeric_limits<std::size_t>::max() / n) {
                    throw malformed("the shape's size overflows");
                }
                count *= n;
                dims.push_back(n);
                skip();
                if (at < header.size() && header[at] == ',') {
                    ++at;
                } else if (at >= header.size() || header[at] != ')') {
                    throw malformed("shape is not a tuple of integers");
                }
            }
            shape_value = std::move(dims);
        } else {
            throw malformed(fmt::format("key '{}' is unknown or repeated", shown_token(key)));
        }
        skip();
        if (at < header.size() && header[at] == ',') {
            ++at;
        } else if (at >= header.size() || header[at] != '}') {
            throw malformed(fmt::format("',' or '}}' expected at offset {}", at));
        }
    }
    if (header.find_first_not_of(' ', at) != header.size() - 1 || header.back() != '\n') {
        throw malformed("text after the dictionary");
    }
    if (!descr_value || !fortran_value || !shape_value) {
        throw usage_error(fmt::format("argument '{}': '{}' has no {} in its header", arg, path,
                                      !descr_value ? "descr" : !fortran_value ? "fortran_order" : "shape"));
    }
    if (*fortran_value) {
        throw usage_error(fmt::format("argument '{}': '{}' is in Fortran order (C order only)", arg, path));
    }
    const std::string& descr = *descr_value;
    const std::vector<std::size_t>& dims = *shape_value;
    if (count > max_npy_values) {
        throw usage_error(fmt::format("argument '{}': '{}' holds {} numbers, more than the cap of {}", arg, path, count,
                                      max_npy_values));
    }
    if (dims.size() == 2) {
        columns = dims[1];
    } else if (dims.size() > 2) {
        throw usage_error(fmt::format("argument '{}': '{}' has {} dimensions (1 or 2 expected)", arg, path, dims.size()));
    }
    std::size_t width = 0;
    if (descr == "<f8" || descr == "<i8") {
        width = 8;
    } else if (descr == "<f4" || descr == "<i4") {
        width = 4;
    } else {
        throw usage_error(fmt::format("argument '{}': '{}' holds '{}' (float64, float32, int64 or int32 expected)", arg,
                                      path, shown_token(descr)));
    }
    const std::size_t start = offset + header_len;
    if (count > (data.size() - start) / width) {
        throw usage_error(fmt::format("argument '{}': '{}' is truncated ({} values announced, {} present)", arg, path,
                                      count, (data.size() - start) / width));
    }
    std::vector<std::string> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const char* p = data.data() + start + i * width;
        if (descr == "<f8") {
            double v = 0;
            std::memcpy(&v, p, 8);
            if (std::isnan(v)) {
                throw usage_error(fmt::format("argument '{}' at index {} is nan: NaN is not a valid input", arg, i));
            }
            out.push_back(fmt::format("{:a}", v));
        } else if (descr == "<f4") {
            float v = 0;
            std::memcpy(&v, p, 4);
            if (std::isnan(v)) {
                throw usage_error(fmt::format("argument '{}' at index {} is nan: NaN is not a valid input", arg, i));
            }
            out.push_back(fmt::format("{:a}", static_cast<double>(v)));
        } else if (descr == "<i8") {
            std::int64_t v = 0;
            std::memcpy(&v, p, 8);
            out.push_back(std::to_string(v));
        } else {
            std::int32_t v = 0;
            std::memcpy(&v, p, 4);
            out.push_back(std::to_string(v));
        }
    }
    return out;
}

/// The bytes of a file, at most `cap` of them (else an error naming the argument: a device such as
/// /dev/zero never ends).
inline std::string read_file(const std::string& path, const std::string& arg, std::size_t cap) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw usage_error(fmt::format("argument '{}': cannot open '{}'", arg, shown_token(path)));
    }
    std::string data;
    std::vector<char> chunk(std::size_t{1} << 20U);
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (data.size() + got > cap) {
            throw usage_error(fmt::format("argument '{}': '{}' is larger than the input cap of {} MiB", arg, shown_token(path),
                                          cap >> 20U));
        }
        data.append(chunk.data(), got);
    }
    return data;
}

/// Reads a .npy file (see parse_npy).
inline std::vector<std::string> read_npy(const std::string& path, const std::string& arg,
                                         std::optional<std::size_t>& columns) {
    // A header (at most 4 GiB by the format; numpy's are a few hundred bytes) and the values.
    return parse_npy(read_file(path, arg, max_npy_values * 8 + (std::size_t{1} << 20U)), path, arg, columns);
}

/// A LIST: comma-separated numbers, or @PATH (a .npy file, or text separated by commas, spaces or
/// newlines). `columns` is set from a 2-D .npy.
inline std::vector<std::string> parse_list(std::string text, const std::string& arg, bool file);

inline std::vector<std::string> read_list(const std::string& spec, const std::string& arg, std::optional<std::size_t>& columns) {
    if (spec.empty() || spec[0] != '@') {
        return parse_list(spec, arg, false);
    }
    const std::string path = spec.substr(1);
    if (path.size() > 4 && path.substr(path.size() - 4) == ".npy") {
        std::vector<std::string> out = read_npy(path, arg, columns);
        if (out.empty()) {
            throw usage_error(fmt::format("argument '{}' is empty ('{}')", arg, path));
        }
        return out;
    }
    return parse_list(read_file(path, arg, max_text_bytes), arg, true);
}

/// Numbers separated by commas (inline), or by commas, spaces and newlines (`file`: a text file's
/// contents, where empty items are skipped).
inline std::vector<std::string> parse_list(std::string text, const std::string& arg, bool file) {
    if (text.size() > max_text_bytes) {
        throw usage_error(fmt::format("argument '{}' is {} bytes long, more than the input cap of {} MiB", arg,
                                      text.size(), max_text_bytes >> 20U));
    }
    if (!file && !text.empty() && text.back() == ',') {  // getline would drop the empty last item
        throw usage_error(fmt::format("argument '{}' at index {}: empty number (a trailing comma)", arg,
                                      std::count(text.begin(), text.end(), ',')));
    }
    if (file) {
        for (char& c : text) {
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
                c = ',';
            }
        }
    }
    std::vector<std::string> out;
    std::string token;
    std::istringstream ss(text);
    std::size_t i = 0;
    while (std::getline(ss, token, ',')) {
        if (!file || !token.empty()) {
            out.push_back(checked_number(token, arg, i++));
        }
    }
    if (out.empty()) {
        throw usage_error(fmt::format("argument '{}' is empty", arg));
    }
    return out;
}

/// Applies --round-inputs: each number becomes the nearest binary64 (or binary32) number.
inline void round_inputs(std::vector<std::string>& v, const std::string& mode) {
    if (mode.empty()) {
        return;
    }
    for (auto& s : v) {
        if (mode == "binary64") {
            s = fmt::format("{:a}", std::strtod(s.c_str(), nullptr));
        } else {
            s = fmt::format("{:a}", static_cast<double>(std::strtof(s.c_str(), nullptr)));
        }
    }
}

/// The list as binary64 numbers, when every entry is one exactly (a float64/float32 .npy,
/// --round-inputs, hex floats, decimals such as 0.5 that a double holds exactly): the oracle then
/// takes its double-double fast path. Otherwise nothing, and the exact text is used. The test is
/// exact: MPFR reads the text at 53 bits and reports (its ternary value) whether that rounded it;
/// the double must then equal it (which also excludes numbers below binary64's normal range that
/// a subnormal cannot hold).
inline std::optional<std::vector<double>> exact_binary64(const std::vector<std::string>& v) {
    std::vector<double> out;
    out.reserve(v.size());
    mpfr_t x;
    mpfr_init2(x, 53);
    const mpfr_exp_t emin = mpfr_get_emin();
    const mpfr_exp_t emax = mpfr_get_emax();
    mpfr_set_emin(mpfr_get_emin_min());  // 1e-400000000 is not 0
    mpfr_set_emax(mpfr_get_emax_max());
    bool exact = true;
    for (const auto& s : v) {
        const double d = std::strtod(s.c_str(), nullptr);
        if (!std::isfinite(d)) {  // the general path reports or handles it
            exact = false;
            break;
        }
        if (s == fmt::format("{:a}", d)) {  // the form .npy and --round-inputs write: exact
            out.push_back(d);
            continue;
        }
        if (mpfr_strtofr(x, s.c_str(), nullptr, 0, MPFR_RNDN) != 0 || mpfr_cmp_d(x, d) != 0) {
            exact = false;
            break;
        }
        out.push_back(d);
    }
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
    mpfr_clear(x);
    if (!exact) {
        return std::nullopt;
    }
    return out;
}

inline std::vector<long long> as_indices(const std::vector<std::string>& v, const std::string& arg) {
    std::vector<long long> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double d = std::strtod(v[i].c_str(), nullptr);
        if (!(d == std::floor(d)) || std::abs(d) > 9e15) {
            throw usage_error(fmt::format("argument '{}' at index {} is {}: a class index must be an integer", arg, i, v[i]));
        }
        out.push_back(static_cast<long long>(d));
    }
    return out;
}

inline std::vector<std::vector<std::string>> as_rows(const std::vector<std::string>& v, std::size_t k, const std::string& arg) {
    if (k == 0 || v.size() % k != 0) {
        throw usage_error(fmt::format("argument '{}' has {} numbers, not a multiple of --classes {}", arg, v.size(), k));
    }
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < v.size(); i += k) {
        rows.emplace_back(v.begin() + static_cast<std::ptrdiff_t>(i), v.begin() + static_cast<std::ptrdiff_t>(i + k));
    }
    return rows;
}

}  // namespace shannon_cli
