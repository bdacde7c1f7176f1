// fuzz/cli_input.cpp — a libFuzzer target for the `shannon` command's input readers
// (cli/input.hpp): .npy bytes, text lists, inline lists, then the conversions the command applies
// (exact binary64, --round-inputs, class indices, rows). Malformed input must end in a usage_error;
// any other exception, a crash, a sanitizer report, a leak or a hang is a bug. The first byte picks
// the reader and the row length. Run by fuzz/run_fuzz.py for a bounded time (clang builds).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../cli/input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::optional<std::size_t> columns;
    try {
        shannon_cli::number_list v;
        switch (data[0] % 3) {
            case 0:
                v = shannon_cli::parse_npy_list(bytes, "fuzz.npy", "p", columns);
                break;
            case 1:
                v = shannon_cli::parse_list(bytes, "p", true);
                break;
            default:
                v = shannon_cli::parse_list(bytes, "p", false);
                break;
        }
        (void)shannon_cli::exact_binary64(v);
        shannon_cli::number_list rounded = v;
        shannon_cli::round_inputs(rounded, (data[0] & 8U) != 0 ? "binary32" : "binary64");
        (void)shannon_cli::as_rows(v, columns.value_or(1U + (data[0] >> 4U)), "logits");
        (void)shannon_cli::as_indices(v, "labels");
    } catch (const shannon_cli::usage_error&) {
        // the expected outcome for malformed input
    }
    return 0;
}
