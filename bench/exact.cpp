// bench/exact.cpp — the oracle's correctly rounded entropy, cross-entropy and KL divergence on the
// data that bench/compare.py writes (raw little-endian float64 files named by SHANNON_BENCH_P and
// SHANNON_BENCH_Q), so that numpy and scipy are timed on the same numbers in the same run.
// Counter "fast" is the share of results decided by the double-double fast path.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <shannon/exact.hpp>
#include <shannon/shannon.hpp>

namespace {

std::vector<double> load(const char* variable) {
    const char* path = std::getenv(variable);
    if (path == nullptr) {
        throw std::runtime_error(std::string(variable) + " is not set (run bench/compare.py)");
    }
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    const auto bytes = static_cast<std::size_t>(in.tellg());
    std::vector<double> v(bytes / sizeof(double));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(double)));
    return v;
}

const std::vector<double>& p_data() {
    static const std::vector<double> v = load("SHANNON_BENCH_P");
    return v;
}
const std::vector<double>& q_data() {
    static const std::vector<double> v = load("SHANNON_BENCH_Q");
    return v;
}

template <bool Two, class Quantity>
void run(benchmark::State& state, const Quantity& quantity, bool fast) {
    const std::vector<double>& p = p_data();
    const std::vector<double>& q = q_data();
    shannon::exact::settings s;
    s.fast = fast;
    double decided_fast = 0;
    double results = 0;
    for (auto _ : state) {
        shannon::exact::rounded r;
        if constexpr (Two) {
            r = shannon::exact::round(s, shannon::exact::format::binary64, quantity, p, q);
        } else {
            r = shannon::exact::round(s, shannon::exact::format::binary64, quantity, p);
        }
        benchmark::DoNotOptimize(r.value);
        decided_fast += r.fast ? 1 : 0;
        results += 1;
    }
    state.counters["fast"] = decided_fast / results;
    state.counters["ns_per_term"] =
        benchmark::Counter(static_cast<double>(p.size()), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void kl(benchmark::State& state) { run<true>(state, shannon::kl_divergence, true); }
void entropy(benchmark::State& state) { run<false>(state, shannon::entropy, true); }
void cross_entropy(benchmark::State& state) { run<true>(state, shannon::cross_entropy, true); }

}  // namespace

BENCHMARK(kl)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(entropy)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(cross_entropy)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
