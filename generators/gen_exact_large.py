#!/usr/bin/env python3
"""The oracle's large reference run, computed independently with mpmath: N_RANDOM random cases
(default 100,000) of every quantity the oracle's test knows, and families of N_BIG terms (default
10^6) for the fast path: random P and Q in binary64, P ~ Q with relative noise 1e-12, and binary32
inputs.

Usage: gen_exact_large.py OUTDIR [N_RANDOM] [N_BIG]
Writes OUTDIR/exact_large_random.txt and OUTDIR/exact_large_big.txt in generators/gen_exact.py's format.
An argument '@NAME' in the latter names a raw little-endian file OUTDIR/NAME (.f64: binary64, .f32:
binary32), also written here (exact_large_*.f64, *.f32). The random
cases are computed at 80 digits (more near a rounding boundary, as gen_exact.py does: 80 digits
leave the 100-bit margin of the 40-digit decimal check, which 64 did not, so that nine cases in ten
were computed again at 1,000 digits); the sums of
N_BIG terms at 80 digits, where the terms' rounding errors (10^6 x 10^-80) and the cancellation of
P ~ Q (12 digits) leave far more than the 2^-100 relative margin the rounding check asks for.
Both cores work: the random cases and the terms of the big sums are split across processes.
"""
import array
import multiprocessing
import os
import random
import sys

import mpmath
from mpmath import mp, mpf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_exact as g  # noqa: E402  (the rounding, the quantities and the line format)

rng = random.Random(20261121)


def maybe_zeros(p):
    """Sometimes sets a few entries to 0 and renormalizes: 0 log 0 = 0 and q-only mass."""
    if len(p) > 2 and rng.random() < 0.15:
        for _ in range(rng.randint(1, len(p) - 1)):
            p[rng.randrange(len(p))] = 0.0
        s = sum(p)
        if s == 0:
            p[0] = 1.0
            s = 1.0
        p = [x / s for x in p]
    return p


def random_case():
    name = rng.choice(["entropy", "cross_entropy", "kl_divergence", "generalized_kl_divergence", "js_divergence",
                       "binary_cross_entropy_with_logits", "categorical_cross_entropy_with_logits", "binary_entropy", "self_information"])
    n = rng.choice([1, 2, 2, 3, 4, 5, 8, 16, 64])
    alpha_p = rng.choice([0.05, 0.3, 1.0, 5.0])
    p = maybe_zeros(g.simplex(n, alpha_p))
    q = g.simplex(n, rng.choice([0.3, 1.0, 5.0]))
    single = rng.random() < 0.2 and name in ("entropy", "cross_entropy", "kl_divergence", "generalized_kl_divergence",
                                                 "js_divergence")
    if single:
        p = [g.f32(x) for x in p]
        q = [g.f32(x) for x in q]
        name += ":f32"
    if name.startswith("entropy"):
        return (name, [p])
    if name == "binary_cross_entropy_with_logits":
        scale = rng.choice([1.0, 40.0, 1e3, 1e300])
        return (name, [[rng.choice([0.0, 1.0, rng.random()])], [rng.uniform(-scale, scale)]])
    if name == "categorical_cross_entropy_with_logits":
        m = max(n, 2)
        scale = rng.choice([1.0, 30.0, 1e3, 1e300])
        return (name, [f"#{rng.randrange(m)}", [rng.uniform(-scale, scale) for _ in range(m)]])
    if name == "binary_entropy":
        return (name, [[rng.choice([rng.random(), 10 ** -rng.uniform(0, 300), 1 - 10 ** -rng.uniform(1, 15)])]])
    if name == "self_information":
        return (name, [[10 ** -rng.uniform(0, 300)]])
    return (name, [p, q])


def random_line(case):
    return g.reference_line(case[0], case[1], levels=(80, 1000, 6000))


# The big families: the inputs live in these globals, set before the pool forks.
BIG = {}


def partial(job):
    """Partial sums over one chunk of a family, at 80 digits."""
    family, lo, hi = job
    with mp.workdps(80):
        p, q = BIG[family]
        sums = {"plogp": mpf(0), "plogq": mpf(0), "plogpq": mpf(0), "p": mpf(0), "q": mpf(0)}
        for i in range(lo, hi):
            a = mpf(p[i])
            b = mpf(q[i])
            sums["p"] += a
            sums["q"] += b
            if family == "near":
                if a != 0:
                    sums["plogpq"] += a * mpmath.log(a / b)
                continue
            lb = mpmath.log(b)
            if a != 0:
                la = mpmath.log(a)
                sums["plogp"] += a * la
                sums["plogq"] += a * lb
                sums["plogpq"] += a * (la - lb)
        return family, sums


def main():
    out_dir = sys.argv[1]
    n_random = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    n_big = int(sys.argv[3]) if len(sys.argv) > 3 else 10**6
    os.makedirs(out_dir, exist_ok=True)

    p = g.simplex(n_big)
    q = g.simplex(n_big)
    BIG["rand"] = (p, q)
    BIG["near"] = (p, g.perturb(p, 1e-12))
    BIG["f32"] = ([g.f32(x) for x in g.simplex(n_big, 0.5)], [g.f32(x) for x in g.simplex(n_big, 2.0)])
    files = {"rand": ("exact_large_p.f64", "exact_large_q.f64", "d"),
             "near": ("exact_large_p.f64", "exact_large_q_near.f64", "d"),
             "f32": ("exact_large_p32.f32", "exact_large_q32.f32", "f")}
    for family, (pf, qf, code) in files.items():
        for name, values in ((pf, BIG[family][0]), (qf, BIG[family][1])):
            with open(os.path.join(out_dir, name), "wb") as f:
                a = array.array(code, values)
                if sys.byteorder != "little":
                    a.byteswap()
                a.tofile(f)

    cases = [random_case() for _ in range(n_random)]
    chunk = 20000
    jobs = [(family, lo, min(lo + chunk, n_big)) for family in files for lo in range(0, n_big, chunk)]
    with multiprocessing.Pool(os.cpu_count() or 1) as pool:
        lines = pool.map(random_line, cases, chunksize=500)
        parts = pool.map(partial, jobs)

    dropped = sum(1 for line in lines if line is None)
    with open(os.path.join(out_dir, "exact_large_random.txt"), "w") as f:
        f.write(f"# generated by generators/gen_exact_large.py with mpmath {mpmath.__version__}\n")
        f.writelines(line for line in lines if line is not None)

    totals = {}
    with mp.workdps(80):
        for family, sums in parts:
            t = totals.setdefault(family, {k: mpf(0) for k in sums})
            for k, v in sums.items():
                t[k] += v
        with open(os.path.join(out_dir, "exact_large_big.txt"), "w") as f:
            f.write(f"# generated by generators/gen_exact_large.py with mpmath {mpmath.__version__}, N = {n_big}\n")
            for family, (pf, qf, code) in files.items():
                t = totals[family]
                suffix = ":f32" if code == "f" else ""
                values = {"kl_divergence": t["plogpq"], "generalized_kl_divergence": t["plogpq"] - t["p"] + t["q"]}
                if family != "near":
                    values["entropy"] = -t["plogp"]
                    values["cross_entropy"] = -t["plogq"]
                for name, v in values.items():
                    try:
                        rs = [g.round_format(v, *fmt) for fmt in g.FORMATS]
                        d40 = g.digits40(v)
                    except g.Undecidable:
                        sys.exit(f"gen_exact_large.py: {family} {name} is within 2^-100 of a rounding boundary")
                    args = f"@{pf}" if name == "entropy" else f"@{pf};@{qf}"
                    f.write(f"{name}{suffix}|{args}|{'|'.join(g.fmt(r) for r in rs)}|{d40}\n")
    if dropped:
        print(f"gen_exact_large.py: dropped {dropped} undecidable cases", file=sys.stderr)


if __name__ == "__main__":
    main()
