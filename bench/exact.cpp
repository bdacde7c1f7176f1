// bench/exact.cpp — the oracle's correctly rounded entropy, cross-entropy and KL divergence on the
// data that bench/compare.py writes (raw little-endian float64 files named by SHANNON_BENCH_P and
// SHANNON_BENCH_Q), so that numpy and scipy are timed on the same numbers in the same run.
// Counter "fast" is the share of results decided by the double-double fast path. Also: 50 correct
// digits (exact::digits) and, as the anchor, MPFR at that working precision one term at a time; the
// accumulator of a sum seen in parts (KL with its exact input masses) and its exact input sums. And issue 20's
// quantities: the measures of a table (the p data viewed as 10^4 x 10^3 or 10 x 10^3 x 10^3 cells) per
// cell, beside kl's per term; the Rényi and Tsallis orders on the first 10^5 terms.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <span>
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

/// The counter ns_per_term: wall time per iteration divided by the n terms it covers.
void per_term(benchmark::State& state, std::size_t n) {
    state.counters["ns_per_term"] =
        benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
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
    per_term(state, p.size());
}

/// 50 correct digits (the 256-bit fixed-point path of exact::digits).
template <bool Two, class Quantity>
void run_digits(benchmark::State& state, const Quantity& quantity) {
    const std::vector<double>& p = p_data();
    const std::vector<double>& q = q_data();
    for (auto _ : state) {
        std::string d;
        if constexpr (Two) {
            d = shannon::exact::digits(50, quantity, p, q);
        } else {
            d = shannon::exact::digits(50, quantity, p);
        }
        benchmark::DoNotOptimize(d.data());
    }
    per_term(state, p.size());
}

/// The anchor: MPFR at 50 digits' working precision (192 bits), one term p log p at a time, on the
/// first 10^5 inputs (one core; one mpfr_log per term, no error analysis).
void mpfr_entropy_terms(benchmark::State& state) {
    const std::vector<double>& p = p_data();
    const std::size_t n = std::min<std::size_t>(p.size(), 100000);
    mpfr_t x;
    mpfr_t s;
    mpfr_inits2(192, x, s, static_cast<mpfr_ptr>(nullptr));
    for (auto _ : state) {
        mpfr_set_zero(s, 1);
        for (std::size_t i = 0; i < n; ++i) {
            mpfr_set_d(x, p[i], MPFR_RNDN);
            mpfr_log(x, x, MPFR_RNDN);
            mpfr_mul_d(x, x, p[i], MPFR_RNDN);
            mpfr_sub(s, s, x, MPFR_RNDN);
        }
        benchmark::DoNotOptimize(mpfr_get_d(s, MPFR_RNDN));
    }
    mpfr_clears(x, s, static_cast<mpfr_ptr>(nullptr));
    per_term(state, n);
}

/// Issue 20: a quantity of the p data viewed as a table (its first n cells, shape given), rounded to
/// binary64; ns_per_term is per cell, comparable with kl's.
template <class Quantity>
void run_table(benchmark::State& state, const Quantity& quantity, std::vector<std::size_t> shape,
               const shannon::options& opt = {}) {
    std::size_t n = 1;
    for (const std::size_t k : shape) {
        n *= k;
    }
    const std::vector<double>& p = p_data();
    if (n > p.size()) {
        state.SkipWithError("the data has fewer cells than the shape");
        return;
    }
    std::vector<double> cells(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(n));
    double sum = 0;
    for (const double c : cells) {
        sum += c;
    }
    for (double& c : cells) {
        c /= sum;  // a distribution of its own (the first n cells of p are not one)
    }
    double decided_fast = 0;
    double results = 0;
    for (auto _ : state) {
        const shannon::exact::rounded r = shannon::exact::round(
            shannon::exact::format::binary64, quantity, shannon::table_view{std::span<const double>(cells), shape}, opt);
        benchmark::DoNotOptimize(r.value);
        decided_fast += r.fast && !r.ball ? 1 : 0;
        results += 1;
    }
    state.counters["kernel"] = decided_fast / results;
    per_term(state, n);
}

/// Issue 20: an order's quantity of the p data (and q), rounded to binary64, as kl's on the same
/// terms; the counter kernel is the fraction of results the four-lane kernel decided.
template <bool Two, class Quantity>
void run_order(benchmark::State& state, const Quantity& quantity, double alpha) {
    const std::vector<double>& p = p_data();
    const std::vector<double>& q = q_data();
    double decided_fast = 0;
    double results = 0;
    for (auto _ : state) {
        shannon::exact::rounded r;
        if constexpr (Two) {
            r = shannon::exact::round(shannon::exact::format::binary64, quantity, p, q, alpha);
        } else {
            r = shannon::exact::round(shannon::exact::format::binary64, quantity, p, alpha);
        }
        benchmark::DoNotOptimize(r.value);
        decided_fast += r.fast && !r.ball ? 1 : 0;
        results += 1;
    }
    state.counters["kernel"] = decided_fast / results;
    per_term(state, p.size());
}

void mutual_information(benchmark::State& state) { run_table(state, shannon::mutual_information, {10000, 1000}); }
void conditional_entropy(benchmark::State& state) { run_table(state, shannon::conditional_entropy, {10000, 1000}); }
void joint_entropy(benchmark::State& state) { run_table(state, shannon::joint_entropy, {10000, 1000}); }
void mutual_information_normalize(benchmark::State& state) {
    run_table(state, shannon::mutual_information, {10000, 1000}, {.normalization = shannon::normalization::normalize});
}
void total_correlation_3(benchmark::State& state) { run_table(state, shannon::total_correlation, {10, 1000, 1000}); }
void conditional_mutual_information(benchmark::State& state) {
    run_table(state, shannon::conditional_mutual_information, {10, 1000, 1000}, {.given = 0});
}
void renyi_divergence_2(benchmark::State& state) { run_order<true>(state, shannon::renyi_divergence, 2.0); }
void renyi_divergence_half(benchmark::State& state) { run_order<true>(state, shannon::renyi_divergence, 0.5); }
void renyi_entropy_2(benchmark::State& state) { run_order<false>(state, shannon::renyi_entropy, 2.0); }
void tsallis_entropy_half(benchmark::State& state) { run_order<false>(state, shannon::tsallis_entropy, 0.5); }

void kl(benchmark::State& state) { run<true>(state, shannon::kl_divergence, true); }
void entropy(benchmark::State& state) { run<false>(state, shannon::entropy, true); }
void cross_entropy(benchmark::State& state) { run<true>(state, shannon::cross_entropy, true); }

}  // namespace

BENCHMARK(kl)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(mutual_information)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(mutual_information_normalize)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(conditional_entropy)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(joint_entropy)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(total_correlation_3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(conditional_mutual_information)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(renyi_divergence_2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(renyi_divergence_half)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(renyi_entropy_2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(tsallis_entropy_half)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(entropy)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(cross_entropy)->Unit(benchmark::kMillisecond)->UseRealTime();

void kl_50_digits(benchmark::State& state) { run_digits<true>(state, shannon::kl_divergence); }
void entropy_50_digits(benchmark::State& state) { run_digits<false>(state, shannon::entropy); }
void cross_entropy_50_digits(benchmark::State& state) { run_digits<true>(state, shannon::cross_entropy); }
BENCHMARK(kl_50_digits)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(entropy_50_digits)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(cross_entropy_50_digits)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(mpfr_entropy_terms)->Unit(benchmark::kMillisecond)->UseRealTime();

/// shannon::exact::accumulator on the same data: KL as one part with the exact masses of p and q that
/// the normalization check of the whole needs (what shannon.Accumulator does per chunk), then rounded.
void accumulator_kl(benchmark::State& state) {
    const std::vector<double>& p = p_data();
    const std::vector<double>& q = q_data();
    const shannon::options unnormalized{.normalization = shannon::normalization::unnormalized};
    for (auto _ : state) {
        shannon::exact::accumulator a("kl", shannon::exact::accumulation::sum, 2);
        a.add(shannon::kl_divergence, p, q, unnormalized);
        a.add_exact(0, p.data(), p.size());
        a.add_exact(1, q.data(), q.size());
        benchmark::DoNotOptimize(a.round(shannon::exact::format::binary64).value);
    }
    per_term(state, p.size());
}

/// The exact sum of p alone (accumulator::add_exact), and the anchor: the naive double sum.
void exact_input_sum(benchmark::State& state) {
    const std::vector<double>& p = p_data();
    for (auto _ : state) {
        shannon::exact::accumulator a("sum", shannon::exact::accumulation::sum, 1);
        a.add_exact(0, p.data(), p.size());
        benchmark::DoNotOptimize(a.sums());
    }
    per_term(state, p.size());
}
void naive_double_sum(benchmark::State& state) {
    const std::vector<double>& p = p_data();
    for (auto _ : state) {
        double s = 0;
        for (const double x : p) {
            s += x;
        }
        benchmark::DoNotOptimize(s);
    }
    per_term(state, p.size());
}
BENCHMARK(accumulator_kl)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(exact_input_sum)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(naive_double_sum)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
