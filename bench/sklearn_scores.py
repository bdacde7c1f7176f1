#!/usr/bin/env python3
"""Times shannon.sklearn's correctly rounded clustering scores against scikit-learn's own on the same
labels, in one run (the figure of issue 20's closing note).

Usage: PYTHONPATH=BUILD/python python3 bench/sklearn_scores.py [REPEATS=3]
Prints, per case, the best time of each over the repeats and the ratio shannon / scikit-learn.
"""
import sys

import numpy as np
import sklearn.metrics.cluster as skc

import shannon.sklearn as ss
from compare import timed_pair  # bench/compare.py: the best times over the repeats


def cases():
    rng = np.random.default_rng(20261207)
    out = []
    for n, k in ((10**6, 1000), (10**6, 10), (10**4, 10)):
        a = rng.integers(0, k, n)
        b = (a + rng.integers(0, max(2, k // 20), n)) % k  # dependent labels
        out.append((f"mutual_info_score, {n} labels, {k} x {k} classes",
                    lambda a=a, b=b: ss.mutual_info_score(a, b), lambda a=a, b=b: skc.mutual_info_score(a, b)))
        out.append((f"normalized_mutual_info_score, {n} labels, {k} x {k} classes",
                    lambda a=a, b=b: ss.normalized_mutual_info_score(a, b),
                    lambda a=a, b=b: skc.normalized_mutual_info_score(a, b)))
    return out


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print("| case | shannon.sklearn (correctly rounded) | scikit-learn | ratio | decided by |")
    print("|---|---|---|---|---|")
    for name, ours, theirs in cases():
        a, b, decided = timed_pair(ours, theirs, repeats)
        print(f"| {name} | {a * 1e3:.2f} ms | {b * 1e3:.2f} ms | {a / b:.2f}x | {decided} |", flush=True)


if __name__ == "__main__":
    main()
