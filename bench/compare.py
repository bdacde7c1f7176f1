#!/usr/bin/env python3
"""Times the oracle's correctly rounded KL, entropy and cross-entropy (bench/exact.cpp, Google
Benchmark) against numpy's naive formulas and scipy.stats.entropy on the same data, in one run.

Usage: python3 bench/compare.py BUILD_DIR [N=10000000] [REPEATS=7]
Prints two tables (minimum over the repeats of each): the correctly rounded binary64 results against
numpy's naive formulas and scipy.stats.entropy, and 50 correct digits against MPFR at 192 bits (one
term at a time, one core; first 10^5 terms) and mpmath at 50 digits (first 2 x 10^4 terms).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import mpmath
import numpy as np
import scipy.stats


def best(f, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def timed_pair(ours, theirs, repeats):
    """shannon's call and the anchor's, each warmed up once, then their best times over the repeats, and
    how shannon's warm-up results were decided (shannon.last_paths(), as text)."""
    import shannon

    ours()  # warm up (and check it runs)
    paths = shannon.last_paths()
    theirs()
    decided = ", ".join(f"{k} {v}" for k, v in paths.items() if v)
    return best(ours, repeats), best(theirs, repeats), decided


def data(n):
    """Two random distributions of n terms (the same on every run)."""
    rng = np.random.default_rng(20261121)
    p = rng.random(n)
    p /= p.sum()
    q = rng.random(n)
    q /= q.sum()
    return p, q


def run_bench(build, p, q, *args):
    """bench_exact's JSON output on p and q (handed over as raw float64 files)."""
    build_bench(build)
    with tempfile.TemporaryDirectory() as d:
        pf, qf = os.path.join(d, "p.f64"), os.path.join(d, "q.f64")
        p.astype("<f8").tofile(pf)
        q.astype("<f8").tofile(qf)
        env = dict(os.environ, SHANNON_BENCH_P=pf, SHANNON_BENCH_Q=qf)
        return subprocess.run([os.path.join(build, "bench", "bench_exact"), "--benchmark_format=json", *args],
                              env=env, check=True, capture_output=True, text=True).stdout


def build_bench(build):
    """bench/bench_exact is not built by default: build it (nothing to do when it is up to date)."""
    subprocess.run(["meson", "compile", "-C", build, "bench/bench_exact"], check=True, capture_output=True)


def main():
    build = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10**7
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    p, q = data(n)
    out = run_bench(build, p, q, f"--benchmark_repetitions={repeats}", "--benchmark_report_aggregates_only=false")
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
    m = min(n, 20000)
    pm = [mpmath.mpf(float(x)) for x in p[:m]]

    def mpmath_entropy():
        with mpmath.workdps(50):
            return -mpmath.fsum(x * mpmath.log(x) for x in pm)

    t_mpmath = best(mpmath_entropy, max(1, repeats // 3)) / m
    print(f"N = {n}, {os.cpu_count()} cores, minimum of {repeats} runs each")
    print(f"{'quantity':<14} {'shannon (correctly rounded)':>28} {'fast share':>10}   reference")
    for name, t, refs in rows:
        key = {"KL": "kl", "entropy": "entropy", "cross-entropy": "cross_entropy"}[name]
        print(f"{name:<14} {t*1e3:>10.1f} ms {t/n*1e9:>6.2f} ns/term {fast[key]:>10.2f}")
        for label, r in refs:
            print(f"{'':<14} {'':>28} {'':>10}   {label}: {r*1e3:.1f} ms ({r/n*1e9:.2f} ns/term), "
                  f"shannon/this = {t/r:.2f}")
    print()
    print("50 correct digits (shannon: exact::digits over all N terms, both cores)")
    for name, key in (("KL", "kl_50_digits"), ("entropy", "entropy_50_digits"), ("cross-entropy", "cross_entropy_50_digits")):
        print(f"{name:<14} {shannon[key]/n*1e9:>8.0f} ns/term")
    print(f"{'anchor':<14} MPFR 192-bit p log p, one term at a time, one core: {shannon['mpfr_entropy_terms']/min(n, 100000)*1e9:.0f} ns/term; "
          f"mpmath 50 digits: {t_mpmath*1e9:.0f} ns/term")


if __name__ == "__main__":
    main()
