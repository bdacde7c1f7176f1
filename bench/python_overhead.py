#!/usr/bin/env python3
"""The Python module's overhead: the correctly rounded KL divergence of N terms through shannon.kl_divergence
against the same computation in C++ (bench/exact.cpp's `kl`, Google Benchmark), on the same data, in one run.

Usage: python3 bench/python_overhead.py BUILD_DIR [N=1000000] [REPEATS=15]
(BUILD_DIR built with the Python package and Google Benchmark; the module is imported from BUILD_DIR/python.)
Prints both times (minimum over the repeats) and their ratio; exits 1 when the ratio exceeds 1.2.
"""
import json
import os
import sys
import time

from compare import data, run_bench  # the same data and the same C++ benchmark as bench/compare.py


def main():
    build = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10**6
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    sys.path.insert(0, os.path.join(build, "python"))
    import shannon

    p, q = data(n)
    out = run_bench(build, p, q, "--benchmark_filter=^kl/", f"--benchmark_repetitions={repeats}")
    runs = [r for r in json.loads(out)["benchmarks"] if r.get("run_type") == "iteration"]
    t_cpp = min(r["real_time"] for r in runs) / 1e3  # ms -> s

    times = []
    value = None
    for _ in range(max(repeats, 50)):  # more runs than the C++ side: the minimum of a noisier timer
        t = time.perf_counter()
        value = shannon.kl_divergence(p, q)
        times.append(time.perf_counter() - t)
    t_py = min(times)
    ratio = t_py / t_cpp
    print(f"KL divergence, N = {n}, correctly rounded binary64 ({value!r}); minimum of {repeats} runs each")
    print(f"  C++ shannon::exact::round (bench_exact kl): {t_cpp * 1e3:8.3f} ms")
    print(f"  Python shannon.kl_divergence(p, q):          {t_py * 1e3:8.3f} ms")
    print(f"  Python / C++ = {ratio:.3f} (goal: <= 1.2)")
    return 0 if ratio <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
