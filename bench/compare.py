#!/usr/bin/env python3
"""Times the oracle's correctly rounded KL, entropy and cross-entropy (bench/exact.cpp, Google
Benchmark) against numpy's naive formulas and scipy.stats.entropy on the same data, in one run.

Usage: python3 bench/compare.py BUILD_DIR [N=10000000] [REPEATS=7]
Prints one table (minimum over the repeats of each, milliseconds and ns per term).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.stats


def best(f, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    build = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10**7
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    rng = np.random.default_rng(20261121)
    p = rng.random(n)
    p /= p.sum()
    q = rng.random(n)
    q /= q.sum()
    with tempfile.TemporaryDirectory() as d:
        pf, qf = os.path.join(d, "p.f64"), os.path.join(d, "q.f64")
        p.astype("<f8").tofile(pf)
        q.astype("<f8").tofile(qf)
        env = dict(os.environ, SHANNON_BENCH_P=pf, SHANNON_BENCH_Q=qf)
        out = subprocess.run([os.path.join(build, "bench", "bench_exact"), "--benchmark_format=json",
                              f"--benchmark_repetitions={repeats}", "--benchmark_report_aggregates_only=false"],
                             env=env, check=True, capture_output=True, text=True).stdout
    runs = json.loads(out)["benchmarks"]
    shannon = {}
    fast = {}
    for r in runs:
        if r.get("run_type") != "iteration":
            continue
        name = r["run_name"].split("/")[0]
        t = r["real_time"] / 1e3  # ms -> s
        shannon[name] = min(shannon.get(name, t), t)
        fast[name] = r.get("fast", 0)
    rows = [
        ("KL", shannon["kl"], [("numpy sum(p*log(p/q))", best(lambda: np.sum(p * np.log(p / q)), repeats)),
                               ("scipy.stats.entropy(p, q)", best(lambda: scipy.stats.entropy(p, q), repeats))]),
        ("entropy", shannon["entropy"], [("numpy -sum(p*log(p))", best(lambda: -np.sum(p * np.log(p)), repeats)),
                                         ("scipy.stats.entropy(p)", best(lambda: scipy.stats.entropy(p), repeats))]),
        ("cross-entropy", shannon["cross_entropy"], [("numpy -sum(p*log(q))", best(lambda: -np.sum(p * np.log(q)), repeats)),
                                                     ("scipy.stats.entropy(p)+entropy(p,q)",
                                                      best(lambda: scipy.stats.entropy(p) + scipy.stats.entropy(p, q), repeats))]),
    ]
    print(f"N = {n}, {os.cpu_count()} cores, minimum of {repeats} runs each")
    print(f"{'quantity':<14} {'shannon (correctly rounded)':>28} {'fast share':>10}   reference")
    for name, t, refs in rows:
        key = {"KL": "kl", "entropy": "entropy", "cross-entropy": "cross_entropy"}[name]
        print(f"{name:<14} {t*1e3:>10.1f} ms {t/n*1e9:>6.2f} ns/term {fast[key]:>10.2f}")
        for label, r in refs:
            print(f"{'':<14} {'':>28} {'':>10}   {label}: {r*1e3:.1f} ms ({r/n*1e9:.2f} ns/term), "
                  f"shannon/this = {t/r:.2f}")


if __name__ == "__main__":
    main()
