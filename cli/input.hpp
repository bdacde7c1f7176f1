// cli/input.hpp — the `shannon` command's input readers: numbers as exact text, lists,
// .npy files, class indices and rows. Shared by the command (cli/) and its fuzz target
// (fuzz/cli_input.cpp); every malformed input ends in a usage_error naming the argument, the
// index and the value.
#pragma once

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <limits>
#include <span>
#include <string_view>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <mpfr.h>

#if __has_include(<sys/mman.h>)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <shannon/core/error.hpp>

namespace shannon_cli {

/// The shape of the last .npy read (the command reads its inputs one after another): a joint table's
/// shape when --shape does not give one.
inline std::vector<std::size_t>& last_npy_shape() {
    static std::vector<std::size_t> shape;
    return shape;
}

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

/// A LIST as read: binary64 numbers (from a float64/float32 .npy: exact, no text on the way; a
/// float64 file is mapped into memory and read in place) or text (lists, text files, integer .npy).
/// The text of binary numbers (hex floats) is formed only when a caller needs it, once.
class number_list {
public:
    number_list() = default;
    /// Numbers as text.
    number_list(std::vector<std::string> text)  // NOLINT: implicit, a text list is a list
        : text_(std::move(text)) {}
    /// Binary64 numbers, owned.
    [[nodiscard]] static number_list binary(std::vector<double> v) {
        auto owned = std::make_shared<const std::vector<double>>(std::move(v));
        const std::span<const double> view(*owned);
        return binary(std::move(owned), view);
    }
    /// Binary64 numbers held by `owner` (a vector, a mapped file).
    [[nodiscard]] static number_list binary(std::shared_ptr<const void> owner, std::span<const double> view) {
        number_list l;
        l.owner_ = std::move(owner);
        l.view_ = view;
        l.typed_ = true;
        l.text_.reset();  // formed on demand
        return l;
    }
    [[nodiscard]] bool typed() const { return typed_; }
    /// The numbers, when typed().
    [[nodiscard]] std::span<const double> numbers() const { return view_; }
    [[nodiscard]] std::size_t size() const { return typed_ ? view_.size() : text_->size(); }
    [[nodiscard]] bool empty() const { return size() == 0; }
    /// Number i as text (a hex float when typed).
    [[nodiscard]] std::string operator[](std::size_t i) const {
        return typed_ ? fmt::format("{:a}", view_[i]) : (*text_)[i];
    }
    /// All numbers as text.
    [[nodiscard]] const std::vector<std::string>& text() const {
        if (!text_) {
            std::vector<std::string> t;
            t.reserve(view_.size());
            for (double d : view_) {
                t.push_back(fmt::format("{:a}", d));
            }
            text_ = std::move(t);
        }
        return *text_;
    }
    operator const std::vector<std::string>&() const { return text(); }  // NOLINT: the text API
    /// Rounds every number to binary32 (--round-inputs binary32).
    void round_to_binary32() {
        std::vector<double> v(view_.begin(), view_.end());
        for (double& d : v) {
            d = static_cast<double>(static_cast<float>(d));
        }
        *this = binary(std::move(v));
    }
    /// The text, for editing in place (a text list).
    [[nodiscard]] std::vector<std::string>& mutable_text() { return *text_; }

private:
    std::shared_ptr<const void> owner_;
    std::span<const double> view_;
    bool typed_ = false;
    mutable std::optional<std::vector<std::string>> text_ = std::vector<std::string>{};
};

/// Parses the bytes of a .npy file (little-endian float64/float32/int64/int32, C order, 1-D or
/// 2-D) as exact numbers; `path` only names the file in messages.
/// `owner`, when given, keeps `data` alive (a mapped file): float64 values aligned in it are then
/// read in place.
inline number_list parse_npy_list(std::string_view data, const std::string& path, const std::string& arg,
                                  std::optional<std::size_t>& columns, std::shared_ptr<const void> owner = nullptr) {
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
    const std::string header(data.substr(offset, header_len));
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
    if (dims.size() >= 2) {
        columns = dims.back();  // rows of the last axis' length (a table's shape: last_npy_shape)
    }
    last_npy_shape() = dims;
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
    const auto nan_at = [&](std::size_t i) {
        return usage_error(fmt::format("argument '{}' at index {} is nan: NaN is not a valid input", arg, i));
    };
    const char* const payload = data.data() + start;
    if (descr == "<f8" && owner && reinterpret_cast<std::uintptr_t>(payload) % alignof(double) == 0 &&
        std::endian::native == std::endian::little) {
        const std::span<const double> view(reinterpret_cast<const double*>(payload), count);  // in place
        for (std::size_t i = 0; i < count; ++i) {
            if (std::isnan(view[i])) {
                throw nan_at(i);
            }
        }
        return number_list::binary(std::move(owner), view);
    }
    if (descr == "<f8" || descr == "<f4") {  // binary numbers stay binary: exact, no text
        std::vector<double> values;
        values.reserve(count);
        const bool f8 = descr == "<f8";
        for (std::size_t i = 0; i < count; ++i) {
            const char* p = payload + i * width;
            double v = 0;
            if (f8) {
                std::memcpy(&v, p, 8);
            } else {
                float f = 0;
                std::memcpy(&f, p, 4);
                v = static_cast<double>(f);
            }
            if (std::isnan(v)) {
                throw nan_at(i);
            }
            values.push_back(v);
        }
        return number_list::binary(std::move(values));
    }
    std::vector<std::string> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const char* p = data.data() + start + i * width;
        if (descr == "<i8") {
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

/// parse_npy_list as text (hex floats for float arrays).
inline std::vector<std::string> parse_npy(const std::string& data, const std::string& path, const std::string& arg,
                                          std::optional<std::size_t>& columns) {
    return parse_npy_list(data, path, arg, columns).text();
}

/// The bytes of a file, at most `cap` of them (else an error naming the argument: a device such as
/// /dev/zero never ends).
inline std::string read_file(const std::string& path, const std::string& arg, std::size_t cap) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw usage_error(fmt::format("argument '{}': cannot open '{}'", arg, shown_token(path)));
    }
    std::string data;
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {  // one read of the known size: no regrowth
        const std::uintmax_t size = std::filesystem::file_size(path, ec);
        if (!ec && size <= cap) {
            data.resize(static_cast<std::size_t>(size));
            in.read(data.data(), static_cast<std::streamsize>(size));
            data.resize(static_cast<std::size_t>(in.gcount()));
            if (in.peek() == std::char_traits<char>::eof()) {
                return data;
            }
            in.clear();  // the file grew while read: read on in chunks
        }
    }
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

/// A regular file mapped read-only into memory (nothing when it cannot be: a device, a pipe, an
/// empty file); the mapping lasts as long as the returned owner.
inline std::optional<std::pair<std::shared_ptr<const void>, std::string_view>> map_file(const std::string& path) {
#if __has_include(<sys/mman.h>)
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return std::nullopt;
    }
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) {
        return std::nullopt;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
        ::close(fd);
        return std::nullopt;
    }
    const auto size = static_cast<std::size_t>(st.st_size);
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) {
        return std::nullopt;
    }
    std::shared_ptr<const void> owner(p, [size](const void* q) { ::munmap(const_cast<void*>(q), size); });
    return std::pair{std::move(owner), std::string_view(static_cast<const char*>(p), size)};
#else
    (void)path;
    return std::nullopt;
#endif
}

/// Reads a .npy file (see parse_npy_list): mapped when it is a regular file, read otherwise.
inline number_list read_npy(const std::string& path, const std::string& arg, std::optional<std::size_t>& columns) {
    if (auto mapped = map_file(path)) {
        return parse_npy_list(mapped->second, path, arg, columns, std::move(mapped->first));
    }
    // A header (at most 4 GiB by the format; numpy's are a few hundred bytes) and the values.
    return parse_npy_list(read_file(path, arg, max_npy_values * 8 + (std::size_t{1} << 20U)), path, arg, columns);
}

/// A LIST: comma-separated numbers, or @PATH (a .npy file, or text separated by commas, spaces or
/// newlines). `columns` is set from a 2-D .npy.
inline std::vector<std::string> parse_list(std::string text, const std::string& arg, bool file);

inline number_list read_list(const std::string& spec, const std::string& arg, std::optional<std::size_t>& columns) {
    if (spec.empty() || spec[0] != '@') {
        return parse_list(spec, arg, false);
    }
    const std::string path = spec.substr(1);
    if (path.size() > 4 && path.substr(path.size() - 4) == ".npy") {
        number_list out = read_npy(path, arg, columns);
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
inline void round_inputs(number_list& list, const std::string& mode) {
    if (mode.empty() || (list.typed() && mode == "binary64")) {
        return;
    }
    if (list.typed()) {
        list.round_to_binary32();
        return;
    }
    for (auto& s : list.mutable_text()) {
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
