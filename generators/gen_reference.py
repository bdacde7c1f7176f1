#!/usr/bin/env python3
"""Reference values for shannon's accuracy tests, computed independently with mpmath.

Every input is a binary64 number (and, for cases flagged 'f', also a binary32 number), taken as the
exact dyadic rational it denotes. Each quantity is evaluated from its textbook definition at
DPS decimal digits -- more than twice the precision of the widest type under test (a 1000-digit
mpfr_float) -- and printed with OUT_DIGITS significant digits. Nothing here calls shannon.

Output, one case per line:
    quantity|flags|arg|arg|...|reference|scale
  flags   'f' when every input is binary32-exact (float tests use only these), '-' otherwise
  arg     comma-separated numbers (Python repr, which round-trips binary64 exactly) or, for batches
          of rows, 'K:' followed by the row-major values
  scale   sum of |terms| of the defining formula: the size of the numbers the result cancels
          from (equal to |reference| when nothing cancels); tests bound errors by eps * scale there

Usage: gen_reference.py OUTPUT
"""

import math
import random
import struct
import sys

import mpmath
from mpmath import mp, mpf

import info_formulas as info

DPS = 2100
OUT_DIGITS = 2060
mp.dps = DPS

rng = random.Random(20261121)


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def is_f32(x):
    if math.isinf(x) or x == 0:
        return True
    try:
        return f32(x) == x
    except OverflowError:
        return False


def fmt_list(xs):
    return ",".join(repr(float(x)) if not isinstance(x, int) else str(x) for x in xs)


def fmt_rows(rows):
    k = len(rows[0])
    return f"{k}:" + ",".join(repr(float(v)) for r in rows for v in r)


def fmt_value(v):
    if v == mpmath.inf:
        return "inf"
    if v == -mpmath.inf:
        return "-inf"
    if v == 0:
        return "0"
    return mpmath.nstr(v, OUT_DIGITS, strip_zeros=False, min_fixed=1, max_fixed=0)


CASES = []


def add(name, args, value, scale=None, floats=None):
    """args: list of ('list', [...]) / ('rows', [[...]]) / ('int', n); floats: the numeric inputs."""
    assert floats, f"{name}: name the numeric inputs, so the float32 flag is right"
    if scale is None:
        scale = abs(value)
    flag = "f" if all(is_f32(x) for x in floats) else "-"
    parts = []
    for kind, a in args:
        if kind == "list":
            parts.append(fmt_list(a))
        elif kind == "rows":
            parts.append(fmt_rows(a))
        elif kind == "table":  # (shape, cells): 'AxBxC:' and the cells row-major
            shape, cells = a
            parts.append("x".join(map(str, shape)) + ":" + ",".join(repr(float(v)) for v in cells))
        else:
            parts.append(str(a))
    CASES.append("|".join([name, flag] + parts + [fmt_value(value), fmt_value(scale)]))


# ---- textbook definitions at DPS digits ---------------------------------------------------------

def xlogy(x, y):
    x, y = mpf(x), mpf(y)
    if x == 0:
        return mpf(0)
    if y == 0:
        return -mpmath.inf
    return x * mpmath.log(y)


def entropy(p):
    return -mpmath.fsum(xlogy(x, x) for x in p)


def cross_entropy(p, q):
    return -mpmath.fsum(xlogy(a, b) for a, b in zip(p, q))


def kl_terms(p, q):
    out = []
    for a, b in zip(p, q):
        a, b = mpf(a), mpf(b)
        if a == 0:
            out.append(mpf(0))
        elif b == 0:
            out.append(mpmath.inf)
        else:
            out.append(a * mpmath.log(a / b))
    return out


def kl(p, q):
    return mpmath.fsum(kl_terms(p, q))


def gkl(p, q):
    return mpmath.fsum(t - mpf(a) + mpf(b) for t, a, b in zip(kl_terms(p, q), p, q))


def js(p, q):
    m = [(mpf(a) + mpf(b)) / 2 for a, b in zip(p, q)]
    return (kl(p, m) + kl(q, m)) / 2


def log_sigmoid(x):
    # log(1/(1+e^-x)) = -log1p(e^-x), evaluated at DPS digits with mpmath's arbitrary exponent range
    return -mpmath.log1p(mpmath.exp(-mpf(x)))


def bce(y, p):
    y, p = mpf(y), mpf(p)
    return -(xlogy(y, p) + xlogy(1 - y, 1 - p))


def bce_logits(y, x):
    y, x = mpf(y), mpf(x)
    a = mpf(0) if y == 0 else -y * log_sigmoid(x)
    b = mpf(0) if y == 1 else -(1 - y) * log_sigmoid(-x)
    return a + b


def logsumexp(z):
    zs = [mpf(v) for v in z]
    m = max(zs)
    if m == -mpmath.inf or m == mpmath.inf:
        return m
    return m + mpmath.log(mpmath.fsum(mpmath.exp(v - m) for v in zs))


# ---- input generators ---------------------------------------------------------------------------

def simplex(n, alpha=1.0, single=False):
    g = [rng.gammavariate(alpha, 1.0) for _ in range(n)]
    s = sum(g)
    p = [x / s for x in g]
    if single:
        p = [f32(x) for x in p]
    return p


def near(p, rel, single=False):
    q = [x * (1 + rel * rng.uniform(-1, 1)) for x in p]
    s = sum(q)
    q = [x / s for x in q]
    if single:
        q = [f32(x) for x in q]
    return q


def sparse(n, single=False):
    p = simplex(n, 0.05)
    p = [0.0 if x < 1e-3 else x for x in p]
    s = sum(p)
    p = [x / s for x in p]
    if single:
        p = [f32(x) for x in p]
    return p


def distributions():
    """(P, Q) pairs covering the hard cases of the design notes."""
    pairs = []
    for single in (True, False):
        for n in (2, 3, 5, 10, 50, 200):
            pairs.append((simplex(n, 1.0, single), simplex(n, 1.0, single)))
        for n in (5, 40):
            pairs.append((sparse(n, single), simplex(n, 1.0, single)))
        for n in (4, 30):
            p = simplex(n, 1.0, single)
            for rel in (1e-3, 1e-6) if single else (1e-3, 1e-9, 1e-12, 1e-15):
                pairs.append((p, near(p, rel, single)))
        p = simplex(7, 1.0, single)
        pairs.append((p, p))
        pairs.append(([1.0, 0.0, 0.0, 0.0], [0.7, 0.1, 0.1, 0.1] if not single else [f32(0.7), f32(0.1), f32(0.1), f32(0.1)]))
    # subnormal and tiny entries (binary64 only)
    pairs.append(([0.5, 0.5 - 5e-324, 5e-324], [0.25, 0.75 - 1e-300, 1e-300]))
    pairs.append(([1e-300, 1.0 - 1e-300], [0.5, 0.5]))
    pairs.append(([0.5, 0.5], [5e-324, 1.0]))
    pairs.append(([0.3, 0.7, 0.0], [0.2, 0.3, 0.5]))
    return pairs


# ---- the cases ----------------------------------------------------------------------------------

def measures():
    for p, q in distributions():
        floats = p + q
        add("entropy", [("list", p)], entropy(p), floats=p)
        add("perplexity", [("list", p)], mpmath.exp(entropy(p)), floats=p)
        add("cross_entropy", [("list", p), ("list", q)], cross_entropy(p, q), floats=floats)
        d = kl(p, q)
        scale = mpmath.fsum(abs(t) for t in kl_terms(p, q))
        add("kl_divergence", [("list", p), ("list", q)], d, scale=max(abs(d), scale) if d != mpmath.inf else d,
            floats=floats)
        add("generalized_kl_divergence", [("list", p), ("list", q)], gkl(p, q), floats=floats)
        add("js_divergence", [("list", p), ("list", q)], js(p, q), floats=floats)
    for p, _ in distributions()[:6]:
        add("entropy_bits", [("list", p)], entropy(p) / mpmath.log(2), floats=p)
        add("entropy_bans", [("list", p)], entropy(p) / mpmath.log(10), floats=p)
    for x, y in [(0.0, 0.0), (0.5, 0.25), (3.0, 1e-300), (1e-300, 7.0), (2.5, 0.0)]:
        add("xlogy", [("list", [x]), ("list", [y])], xlogy(x, y), floats=[x, y])
    for x in [0.9, 0.1, 0.5, 1e-3, 0.999, 1.0, 2.0**-30, 1e-300, 5e-324, 1 - 2.0**-53]:
        add("self_information", [("list", [x])], -mpmath.log(mpf(x)), floats=[x])
        h = -(xlogy(x, x) + xlogy(1 - mpf(x), 1 - mpf(x)))
        add("binary_entropy", [("list", [x])], h, floats=[x])


def helpers():
    xs = [0.0, 1.0, -1.0, 2.5, -2.5, 30.0, -30.0, 700.0, -745.0, 1e-20, -1e-20, 1e300, -1e300,
          0.125, -0.625, 36.7, -36.7]
    xs += [rng.gauss(0, 5) for _ in range(10)]
    for x in xs:
        sp = mpmath.log1p(mpmath.exp(mpf(x)))
        add("softplus", [("list", [x])], sp, floats=[x])
        add("sigmoid", [("list", [x])], 1 / (1 + mpmath.exp(-mpf(x))), floats=[x])
        add("log_sigmoid", [("list", [x])], log_sigmoid(x), floats=[x])
    vectors = [[rng.gauss(0, 3) for _ in range(n)] for n in (1, 2, 5, 20, 100)]
    vectors += [[-math.inf, 3.0], [1e300, -1e300, 0.0], [-1000.0, -1000.5, -999.0], [0.0, 0.0, 0.0]]
    vectors += [[f32(rng.gauss(0, 2)) for _ in range(6)]]
    for z in vectors:
        lse = logsumexp(z)
        add("logsumexp", [("list", z)], lse, scale=max(abs(lse), max(abs(mpf(v)) for v in z if abs(v) != math.inf)),
            floats=z)
        k = rng.randrange(len(z))
        if z[k] != -math.inf:
            ls = mpf(z[k]) - lse
            add("log_softmax", [("list", z), ("int", k)], ls, scale=max(abs(ls), abs(mpf(z[k])), abs(lse)), floats=z)
            add("softmax", [("list", z), ("int", k)], mpmath.exp(ls), floats=z)


def losses():
    # binary cross-entropy, one sample
    samples = [(1.0, 0.8), (0.0, 0.3), (1.0, 0.9), (1.0, 0.1), (0.25, 0.6), (1.0, 1 - 2.0**-53),
               (0.0, 1 - 2.0**-53), (1.0, 1e-300), (0.7, 0.7), (0.0, 0.0), (1.0, 1.0), (1.0, 0.0)]
    for y, p in samples:
        add("binary_cross_entropy", [("list", [y]), ("list", [p])], bce(y, p), floats=[y, p])
    logit_samples = [(1.0, 2.0), (0.0, 2.0), (1.0, -30.0), (0.0, 40.0), (0.5, 1e300), (1.0, 1e300),
                     (0.0, -1e300), (0.3, -1e300), (0.25, 0.0), (1.0, -745.5), (0.9, 3.25)]
    for y, x in logit_samples:
        add("binary_cross_entropy_with_logits", [("list", [y]), ("list", [x])], bce_logits(y, x), floats=[y, x])
    # means over N samples
    for single in (True, False):
        for n in (3, 64):
            ys = [float(rng.random() < 0.5) for _ in range(n)]
            ys[0] = 0.35  # one soft label
            ps = [rng.random() for _ in range(n)]
            xs = [rng.gauss(0, 4) for _ in range(n)]
            if single:
                ps, xs, ys = [f32(v) for v in ps], [f32(v) for v in xs], [f32(v) for v in ys]
            add("binary_cross_entropy_mean", [("list", ys), ("list", ps)],
                mpmath.fsum(bce(y, p) for y, p in zip(ys, ps)) / n, floats=ys + ps)
            add("binary_cross_entropy_with_logits_mean", [("list", ys), ("list", xs)],
                mpmath.fsum(bce_logits(y, x) for y, x in zip(ys, xs)) / n, floats=ys + xs)
    # categorical, one sample and batches
    for single in (True, False):
        for k in (3, 10):
            q = simplex(k, 1.0, single)
            c = rng.randrange(k)
            add("categorical_cross_entropy_index", [("int", c), ("list", q)], -mpmath.log(mpf(q[c])), floats=q)
            t = simplex(k, 1.0, single)
            add("categorical_cross_entropy_soft", [("list", t), ("list", q)], cross_entropy(t, q), floats=t + q)
            z = [rng.gauss(0, 3) for _ in range(k)]
            if single:
                z = [f32(v) for v in z]
            lse = logsumexp(z)
            add("categorical_cross_entropy_with_logits_index", [("int", c), ("list", z)], lse - mpf(z[c]), floats=z)
            add("categorical_cross_entropy_with_logits_soft", [("list", t), ("list", z)],
                mpmath.fsum(mpf(tk) * (lse - mpf(zk)) for tk, zk in zip(t, z)), floats=t + z)
            rows = [[rng.gauss(0, 3) for _ in range(k)] for _ in range(8)]
            if single:
                rows = [[f32(v) for v in r] for r in rows]
            idx = [rng.randrange(k) for _ in rows]
            val = mpmath.fsum(logsumexp(r) - mpf(r[i]) for r, i in zip(rows, idx)) / len(rows)
            add("categorical_cross_entropy_with_logits_batch", [("list", idx), ("rows", rows)], val, floats=[v for r in rows for v in r])
            prow = [simplex(k, 1.0, single) for _ in range(8)]
            val = mpmath.fsum(-mpmath.log(mpf(r[i])) for r, i in zip(prow, idx)) / len(prow)
            add("categorical_cross_entropy_batch", [("list", idx), ("rows", prow)], val, floats=[v for r in prow for v in r])
    add("categorical_cross_entropy_index", [("int", 0), ("list", [0.7, 0.1, 0.1, 0.1])], -mpmath.log(mpf(0.7)), floats=[0.7, 0.1, 0.1, 0.1])
    big = [1e300, -1e300, 5.0]
    add("categorical_cross_entropy_with_logits_index", [("int", 1), ("list", big)], logsumexp(big) - mpf(-1e300), floats=big)
    add("categorical_cross_entropy_with_logits_index", [("int", 0), ("list", big)], logsumexp(big) - mpf(1e300), floats=big)
    # multi-label: sum over classes of BCE with logits
    for single in (True, False):
        k = 5
        y = [float(rng.random() < 0.4) for _ in range(k)]
        z = [rng.gauss(0, 3) for _ in range(k)]
        if single:
            z = [f32(v) for v in z]
        add("multilabel_binary_cross_entropy_with_logits", [("list", y), ("list", z)],
            mpmath.fsum(bce_logits(a, b) for a, b in zip(y, z)), floats=y + z)


def likelihood():
    flips = [1] * 6 + [0] * 4
    for p in (0.6, 0.5, 0.9, 0.1):
        nll = -(6 * mpmath.log(mpf(p)) + 4 * mpmath.log(1 - mpf(p)))
        add("bernoulli_nll", [("list", flips), ("list", [p])], nll, floats=[p])
        add("bernoulli_log_likelihood", [("list", flips), ("list", [p])], -nll, floats=[p])
    data = [0, 1, 1, 2, 2, 2, 3, 0, 1, 2]
    for q in ([0.2, 0.3, 0.4, 0.1], simplex(4, 1.0, True)):
        val = -mpmath.fsum(mpmath.log(mpf(q[c])) for c in data)
        add("categorical_nll", [("list", data), ("list", q)], val, floats=q)
        add("categorical_log_likelihood", [("list", data), ("list", q)], -val, floats=q)
    for single in (True, False):
        for n in (5, 40):
            y = [rng.gauss(10, 3) for _ in range(n)]
            mu = [v + rng.gauss(0, 1) for v in y]
            s2 = rng.uniform(0.5, 3)
            if single:
                y, mu, s2 = [f32(v) for v in y], [f32(v) for v in mu], f32(s2)
            sse = mpmath.fsum((mpf(a) - mpf(b)) ** 2 for a, b in zip(y, mu))
            logterm = mpf(n) / 2 * mpmath.log(2 * mpmath.pi * mpf(s2))
            nll = logterm + sse / (2 * mpf(s2))
            add("gaussian_nll", [("list", y), ("list", mu), ("list", [s2])], nll,
                scale=abs(logterm) + sse / (2 * mpf(s2)), floats=y + mu + [s2])
            add("gaussian_log_likelihood", [("list", y), ("list", mu), ("list", [s2])], -nll,
                scale=abs(logterm) + sse / (2 * mpf(s2)), floats=y + mu + [s2])
            add("mean_squared_error", [("list", y), ("list", mu)], sse / n, floats=y + mu)
            add("sum_squared_error", [("list", y), ("list", mu)], sse, floats=y + mu)
            x = [rng.uniform(0, 10) for _ in range(n)]
            if single:
                x = [f32(v) for v in x]
            xs = [mpf(v) for v in x]
            ys = [mpf(v) for v in y]
            xbar = mpmath.fsum(xs) / n
            ybar = mpmath.fsum(ys) / n
            sxy = mpmath.fsum((a - xbar) * (b - ybar) for a, b in zip(xs, ys))
            sxx = mpmath.fsum((a - xbar) ** 2 for a in xs)
            w = sxy / sxx
            b = ybar - w * xbar
            add("least_squares_w", [("list", x), ("list", y)], w,
                scale=mpmath.fsum(abs((a - xbar) * (c - ybar)) for a, c in zip(xs, ys)) / sxx, floats=x + y)
            add("least_squares_b", [("list", x), ("list", y)], b, scale=abs(ybar) + abs(w * xbar), floats=x + y)
    milk_x = [20.0, 25.0, 30.0, 35.0, 40.0]
    milk_y = [50.0, 60.0, 70.0, 80.0, 90.0]
    add("least_squares_w", [("list", milk_x), ("list", milk_y)], mpf(2), floats=milk_x + milk_y)
    add("least_squares_b", [("list", milk_x), ("list", milk_y)], mpf(10), floats=milk_x + milk_y)


def information():
    """Issue 20's quantities: Rényi and Tsallis at every kind of order (0, near and at 1, 2, large,
    +inf) on dense, sparse and near-equal distributions; the measures of joint tables of two and three
    axes (random, sparse, a product table where I = 0, a deterministic channel, near independence).
    Their forms cancel nothing, so the scale is |value|."""
    inf = float("inf")
    for single in (True, False):
        orders = [0.0, 0.25, 0.5, 0.9, 1.0, 2.0, 3.5, 50.0, inf]
        orders += [1 - 2**-20, 1 + 2**-20] if single else [1 - 2**-40, 1 + 2**-40, 1 - 1e-9]
        for n in (2, 5, 30):
            p = simplex(n, 1.0, single)
            q = simplex(n, 1.0, single)
            for a in orders:
                add("renyi_entropy", [("list", p), ("list", [a])], info.renyi_entropy(p, a), floats=p + [a])
                add("tsallis_entropy", [("list", p), ("list", [a])], info.tsallis_entropy(p, a), floats=p + [a])
                add("renyi_divergence", [("list", p), ("list", q), ("list", [a])], info.renyi_divergence(p, q, a),
                    floats=p + q + [a])
        p = simplex(6, 1.0, single)
        for rel in (1e-3, 1e-6) if single else (1e-6, 1e-12):
            q = near(p, rel, single)
            for a in (0.3, 0.5, 1.0, orders[-1], 2.0, 7.0):
                add("renyi_divergence", [("list", p), ("list", q), ("list", [a])], info.renyi_divergence(p, q, a),
                    floats=p + q + [a])
        s = sparse(12, single)
        full = simplex(12, 1.0, single)
        for a in (0.0, 0.5, 1.0, 2.0, inf):
            add("renyi_entropy", [("list", s), ("list", [a])], info.renyi_entropy(s, a), floats=s + [a])
            # zeros of P (finite), and of Q under P's mass (+inf from order 1 on)
            add("renyi_divergence", [("list", s), ("list", full), ("list", [a])], info.renyi_divergence(s, full, a),
                floats=s + full + [a])
            add("renyi_divergence", [("list", full), ("list", s), ("list", [a])], info.renyi_divergence(full, s, a),
                floats=s + full + [a])
        tables = [([2, 2], 1.0, 0.0), ([3, 4], 0.3, 0.2), ([10, 10], 1.0, 0.0), ([2, 3, 4], 1.0, 0.2), ([4, 4, 3], 0.3, 0.0)]
        for shape, alpha, zeros in tables:
            cells = info.random_table(rng, shape, alpha, zeros)
            if single:
                cells = [f32(c) for c in cells]
            for name, fn in info.TABLE_QUANTITIES.items():
                if len(shape) == 3 and name not in ("joint_entropy", "conditional_entropy", "total_correlation",
                                                    "conditional_mutual_information"):
                    continue
                if len(shape) == 2 and name == "conditional_mutual_information":
                    continue
                add(name, [("table", (shape, cells))], fn(cells, shape), floats=cells)
    prod = info.product_table([0.25, 0.75], [0.5, 0.125, 0.375])
    det = [0.25, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.25]
    near_indep = [0.25 + 2**-45, 0.25 - 2**-45, 0.25 - 2**-45, 0.25 + 2**-45]
    for name, fn in info.TABLE_QUANTITIES.items():
        if name == "conditional_mutual_information":
            continue
        for shape, cells in (([2, 3], prod), ([3, 3], det), ([2, 2], near_indep)):
            add(name, [("table", (shape, cells))], fn(cells, shape), floats=cells)


def main():
    measures()
    information()
    helpers()
    losses()
    likelihood()
    with open(sys.argv[1], "w") as out:
        out.write(f"# generated by generators/gen_reference.py with mpmath {mpmath.__version__} at {DPS} digits\n")
        for line in CASES:
            out.write(line + "\n")


if __name__ == "__main__":
    main()
