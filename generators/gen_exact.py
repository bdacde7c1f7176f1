#!/usr/bin/env python3
"""Correctly rounded references for the oracle (include/shannon/exact.hpp), computed independently
with mpmath at 100 digits from the exact binary64 inputs.

Output, one case per line:  quantity|args|binary64|binary32|bfloat16|binary16|digits40
  quantity  a name; the suffix ':f32' means the inputs are binary32 numbers (the test passes them as
            float), the same mathematics on other inputs
  args      ';'-separated arguments, each a ','-separated list of C99 hex floats (or one integer,
            a class index, prefixed by '#')
  results   the exact value rounded to nearest-even in each format, written as a binary64 hex float
            (every format is a subset of binary64), or 'inf', '-inf'
  digits40  the value to 40 significant digits, rounded to nearest ("d.ddd...e+X"), or '-' when the
            value is 0 or beyond 2^+-10000
A value within 2^-(precision - 100) (relative) of a rounding boundary of some format is recomputed at
1000 and then 6000 digits (a tie plus e^-745 needs ~1100 bits); a case still undecided is dropped
and counted on stderr.

Usage: gen_exact.py OUTPUT [N_RANDOM]
"""
import decimal
import random
import struct
import sys
from fractions import Fraction

import mpmath
from mpmath import mp, mpf

import info_formulas as info

mp.dps = 100
rng = random.Random(11)

FORMATS = [(53, -1022, 1023), (24, -126, 127), (8, -126, 127), (11, -14, 15)]


class Undecidable(Exception):
    pass


def round_format(v, prec, emin, emax):
    """Rounds the mpf v (taken as exact) to nearest-even in the format; returns a Python float."""
    if v == 0:
        return 0.0
    if mpmath.isinf(v):
        return float(v)
    # Far outside the format's range (e.g. e^-1e300 from a logit of 1e300): 0 or infinity, decided
    # without building the exact fraction (2^-1e300 would not fit in memory).
    mag = mpmath.mag(v)  # |v| < 2^mag, and |v| >= 2^(mag - 2) or so
    if mag < emin - prec - 4:
        return -0.0 if v < 0 else 0.0
    if mag > emax + 4:
        return float("-inf") if v < 0 else float("inf")
    man, exp = v.man_exp  # |v| = man * 2^exp exactly (mpmath's man_exp is unsigned)
    x = Fraction(int(man)) * Fraction(2) ** int(exp)  # int(): gmpy2 backends give mpz
    neg = v < 0
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** e > x:
        e -= 1
    # 2^e <= x < 2^(e+1)
    if e > emax:
        return float("-inf") if neg else float("inf")  # at least 2^(emax+1): overflows whatever the rounding
    q = max(e, emin) - prec + 1  # the quantum of the binade (subnormal spacing below emin)
    scaled = x / Fraction(2) ** q
    n = scaled.numerator // scaled.denominator
    rest = scaled - n
    if abs(rest - Fraction(1, 2)) < Fraction(2) ** (-(mp.prec - 100)) * scaled:
        raise Undecidable()
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n % 2 == 1):
        n += 1
    r = Fraction(n) * Fraction(2) ** q
    largest = (2 - Fraction(2) ** (1 - prec)) * Fraction(2) ** emax
    if r > largest:
        return float("-inf") if neg else float("inf")
    f = float(r)
    assert Fraction(f) == r
    return -f if neg else f


def xlogy(x, y):
    return mpf(0) if x == 0 else x * mpmath.log(y)


def entropy(p):
    return -sum(xlogy(mpf(a), mpf(a)) for a in p)


def cross_entropy(p, q):
    return -sum(xlogy(mpf(a), mpf(b)) for a, b in zip(p, q))


def kl(p, q):
    s = mpf(0)
    for a, b in zip(p, q):
        if a == 0:
            continue
        if b == 0:
            return mpf("inf")
        s += mpf(a) * mpmath.log(mpf(a) / mpf(b))
    return s


def generalized_kl(p, q):
    s = mpf(0)
    for a, b in zip(p, q):
        if a == 0:
            s += mpf(b)
        elif b == 0:
            return mpf("inf")
        else:
            s += mpf(a) * mpmath.log(mpf(a) / mpf(b)) - mpf(a) + mpf(b)
    return s


def js(p, q):
    s = mpf(0)
    for a, b in zip(p, q):
        m = (mpf(a) + mpf(b)) / 2
        if a:
            s += mpf(a) * mpmath.log(mpf(a) / m)
        if b:
            s += mpf(b) * mpmath.log(mpf(b) / m)
    return s / 2


def softplus(x):
    return mpmath.log1p(mpmath.exp(mpf(x)))


def bce_logits(y, x):
    y = mpf(y)
    return (0 if y == 0 else y * softplus(-x)) + (0 if y == 1 else (1 - y) * softplus(x))


def cce_logits(k, z):
    # max + log1p(sum of the others' e^(z - max)) - z_k: log(e^710 + 1 + ...) - 710 would lose
    # everything below 10^-100 relative (e^-710) at 100 digits.
    # A term below the largest one by more than the working precision (plus 20 bits) cannot change
    # the rounded sum: it is skipped (e^-2e300 at 1000 digits costs milliseconds, and a row of
    # logits of 1e300 has dozens of them). n such terms add at most n 2^-(prec + 20) relative, well
    # inside the 100 bits of margin the rounding check keeps.
    i = max(range(len(z)), key=lambda j: z[j])
    m = mpf(z[i])
    gaps = [mpf(a) - m for j, a in enumerate(z) if j != i]
    if not gaps:
        return m - mpf(z[k])
    cut = max(gaps) - (mp.prec + 20) * mpmath.ln2
    rest = sum(mpmath.exp(x) for x in gaps if x >= cut)
    return (m - mpf(z[k])) + mpmath.log1p(rest)


def binary_entropy(p):
    # (1 - p) log1p(-p): 1 - p itself would round to 1 at 100 digits for p ~ 1e-300.
    p = mpf(p)
    return -xlogy(p, p) - (0 if p == 1 else (1 - p) * mpmath.log1p(-p))


def f32(x):
    """x rounded to the nearest binary32 (as a Python float, exactly)."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def simplex(n, alpha=1.0):
    w = [rng.gammavariate(alpha, 1.0) for _ in range(n)]
    s = sum(w)
    p = [x / s for x in w]
    return p


def perturb(p, noise):
    q = [x * (1 + noise * rng.uniform(-1, 1)) for x in p]
    s = sum(q)
    return [x / s for x in q]


def cases(n_random):
    out = []
    for _ in range(n_random):
        n = rng.randint(2, 8)
        p = simplex(n, rng.choice([0.05, 0.3, 1.0, 5.0]))
        q = simplex(n, rng.choice([0.3, 1.0, 5.0]))
        kind = rng.randrange(6)
        if kind == 0:
            out.append(("entropy", [p]))
        elif kind == 1:
            out.append(("cross_entropy", [p, q]))
        elif kind == 2:
            out.append(("kl_divergence", [p, q]))
        elif kind == 3:
            out.append(("js_divergence", [p, q]))
        elif kind == 4:
            out.append(("binary_cross_entropy_with_logits", [[rng.random()], [rng.uniform(-40, 40)]]))
        else:
            z = [rng.uniform(-30, 30) for _ in range(n)]
            out.append(("categorical_cross_entropy_with_logits", [f"#{rng.randrange(n)}", z]))
    # Hard families.
    for noise in (1e-9, 1e-12, 1e-15):
        for _ in range(40):
            p = simplex(rng.randint(2, 6))
            out.append(("kl_divergence", [p, perturb(p, noise)]))
            out.append(("js_divergence", [p, perturb(p, noise)]))
    for _ in range(20):
        p = simplex(4)
        out.append(("kl_divergence", [p, p]))  # exactly 0
        out.append(("js_divergence", [p, p]))
        out.append(("entropy", [[0.0, 1.0, 0.0, 0.0]]))  # one-hot: exactly 0
    for sub in (5e-324, 1e-310, 2.2250738585072014e-308):
        out.append(("kl_divergence", [[0.5, 0.5], [1.0, sub]]))
        out.append(("cross_entropy", [[0.5, 0.5], [1.0, sub]]))
        out.append(("kl_divergence", [[1.0, sub], [0.5, 0.5]]))
    for tiny in (1e-300, 1e-200, 5e-324):
        out.append(("entropy", [[1.0, tiny]]))
        out.append(("kl_divergence", [[1.0, tiny], [0.5, 0.5]]))
        out.append(("kl_divergence", [[1.0 - 1e-16, tiny], [1.0, tiny * 0.5]]))
    for big in (1e300, -1e300, 1e5, -745.0, 710.0):
        out.append(("binary_cross_entropy_with_logits", [[1.0], [big]]))
        out.append(("binary_cross_entropy_with_logits", [[0.0], [big]]))
        out.append(("binary_cross_entropy_with_logits", [[0.25], [big]]))
        out.append(("categorical_cross_entropy_with_logits", ["#0", [big, 0.0, -big]]))
        out.append(("categorical_cross_entropy_with_logits", ["#1", [big, 0.0, 1.0]]))
    for p in (0.5, 0.1, 1e-300, 1 - 2**-53, 0.0, 1.0):
        out.append(("binary_entropy", [[p]]))
        if p > 0:
            out.append(("self_information", [[p]]))
    out += random_f32_cases(300)
    out += listed_cases(random.Random(12), 40)
    out += information_cases(random.Random(20), 12)
    return out


ORDERS = [0.0, 0.25, 0.5, 1 - 2**-40, 1.0, 1 + 2**-40, 2.0, 3.5, 100.0, float("inf")]


def information_cases(r, count):
    """Issue 20's quantities: Rényi and Tsallis at every kind of order (0, near and at 1, 2, large,
    +inf), the measures of random joint tables of two and three axes (sparse ones too) and their
    edges: product tables (I = 0 exactly), a deterministic channel (H(Y|X) = 0), near independence.
    A table is passed as its cells and '#AxB' (its shape)."""
    out = []
    for k in range(count):
        n = r.randint(2, 7)
        p = simplex(n, r.choice([0.05, 0.3, 1.0, 5.0]))
        q = simplex(n, r.choice([0.3, 1.0, 5.0]))
        a = ORDERS[k % len(ORDERS)] if k < len(ORDERS) else r.choice([r.uniform(0, 3), r.uniform(0.99, 1.01)])
        out.append(("renyi_entropy", [p, [a]]))
        out.append(("tsallis_entropy", [p, [a]]))
        out.append(("renyi_divergence", [p, q, [a]]))
        shape = [r.randint(2, 4), r.randint(2, 4)]
        cells = info.random_table(r, shape, r.choice([0.3, 1.0]), r.choice([0.0, 0.3]))
        tag = "#" + "x".join(map(str, shape))
        for name in ("joint_entropy", "conditional_entropy", "mutual_information", "total_correlation",
                     "normalized_mutual_information", "variation_of_information"):
            out.append((name, [cells, tag]))
        shape3 = [r.randint(2, 3), r.randint(2, 3), r.randint(2, 3)]
        cells3 = info.random_table(r, shape3, 1.0, r.choice([0.0, 0.2]))
        tag3 = "#" + "x".join(map(str, shape3))
        out.append(("conditional_mutual_information", [cells3, tag3]))
        out.append(("total_correlation", [cells3, tag3]))
    # Edges: near-equal P and Q at orders near 1; support mismatch; a product table; a deterministic
    # channel; a near-independent table (I ~ 1e-24).
    p = simplex(5)
    for a in (1 - 2**-30, 1.0, 1 + 2**-30, 0.5, 2.0):
        out.append(("renyi_divergence", [p, perturb(p, 1e-12), [a]]))
    for a in (0.5, 1.0, 2.0, float("inf")):
        out.append(("renyi_divergence", [[0.5, 0.5, 0.0], [0.5, 0.0, 0.5], [a]]))
    out.append(("renyi_entropy", [[1.0, 0.0, 0.0], [2.0]]))  # one-hot: exactly 0
    prod = info.product_table([0.25, 0.75], [0.5, 0.125, 0.375])
    for name in ("mutual_information", "total_correlation", "normalized_mutual_information"):
        out.append((name, [prod, "#2x3"]))  # independent: exactly 0
    det = [0.25, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.25]
    for name in ("conditional_entropy", "mutual_information", "variation_of_information",
                 "normalized_mutual_information"):
        out.append((name, [det, "#3x3"]))  # Y = X: H(Y|X) = 0, VI = 0, NMI = 1
    near = [0.25 + 2**-45, 0.25 - 2**-45, 0.25 - 2**-45, 0.25 + 2**-45]
    out.append(("mutual_information", [near, "#2x2"]))
    out.append(("conditional_entropy", [near, "#2x2"]))
    # X and Y independent given Z: p(x, y, z) = p(z) p(x|z) p(y|z), dyadic, so I(X;Y|Z) = 0 exactly.
    a = [[0.5, 0.5], [0.75, 0.25]]
    b = [[0.25, 0.75], [0.5, 0.5]]
    ci = [0.5 * a[z][x] * b[z][y] for x in range(2) for y in range(2) for z in range(2)]
    out.append(("conditional_mutual_information", [ci, "#2x2x2"]))
    return out


def listed_cases(r, count):
    """The rest of the list of quantities (include/shannon/core/registry.hpp), `count` random cases
    each and their edges, from their own generator (the cases above keep their inputs)."""
    out = []
    for _ in range(count):
        n = r.randint(1, 6)
        p = simplex(r.randint(2, 8), r.choice([0.05, 0.3, 1.0, 5.0]))
        out.append(("perplexity", [p]))
        y = [r.choice([0.0, 1.0, r.random()]) for _ in range(n)]
        out.append(("binary_cross_entropy", [y, [r.uniform(1e-6, 1 - 1e-6) for _ in range(n)]]))
        out.append(("categorical_cross_entropy", [f"#{r.randrange(len(p))}", p]))
        ys = [r.uniform(-10, 10) for _ in range(n)]
        mus = [r.uniform(-10, 10) for _ in range(n)]
        out.append(("gaussian_nll", [ys, mus, [r.choice([r.uniform(0.01, 100), 1.0, 1e-300, 1e300])]]))
        out.append(("mean_squared_error", [ys, mus]))
    out.append(("perplexity", [[0.0, 1.0, 0.0]]))  # one-hot: exactly 1
    out.append(("perplexity", [[0.5, 0.5, 5e-324]]))  # 2 + 7e-321, within 2^-10 ulp of 2
    out.append(("binary_cross_entropy", [[1.0], [1e-300]]))
    out.append(("binary_cross_entropy", [[0.0], [1 - 2**-53]]))
    out.append(("categorical_cross_entropy", ["#1", [1.0 - 2**-53, 2**-53]]))
    out.append(("gaussian_nll", [[1.0], [1.0], [1.0]]))  # log(2 pi) / 2
    out.append(("mean_squared_error", [[0.1, 0.2, 0.3], [0.1, 0.2, 0.3]]))  # exactly 0
    return out


def random_f32_cases(count):
    """Cases whose inputs are binary32 numbers (sums within binary32 rounding of 1)."""
    out = []
    for _ in range(count):
        n = rng.randint(2, 8)
        p = [f32(x) for x in simplex(n, rng.choice([0.05, 0.3, 1.0, 5.0]))]
        q = [f32(x) for x in simplex(n, rng.choice([0.3, 1.0, 5.0]))]
        name = rng.choice(["entropy", "cross_entropy", "kl_divergence", "generalized_kl_divergence", "js_divergence",
                           "binary_cross_entropy_with_logits"])
        if name == "entropy":
            out.append(("entropy:f32", [p]))
        elif name == "binary_cross_entropy_with_logits":
            out.append(("binary_cross_entropy_with_logits:f32", [[f32(rng.random())], [f32(rng.uniform(-40, 40))]]))
        else:
            out.append((name + ":f32", [p, q]))
    return out


def value(name, args):
    name = name.removesuffix(":f32")  # binary32 inputs: the same mathematics on other numbers
    if name == "generalized_kl_divergence":
        return generalized_kl(args[0], args[1])
    if name == "entropy":
        return entropy(args[0])
    if name == "cross_entropy":
        return cross_entropy(args[0], args[1])
    if name == "kl_divergence":
        return kl(args[0], args[1])
    if name == "js_divergence":
        return js(args[0], args[1])
    if name == "binary_cross_entropy_with_logits":
        return bce_logits(args[0][0], args[1][0])
    if name == "categorical_cross_entropy_with_logits":
        return cce_logits(int(args[0][1:]), args[1])
    if name == "binary_entropy":
        return binary_entropy(args[0][0])
    if name == "self_information":
        return -mpmath.log(mpf(args[0][0]))
    if name == "perplexity":
        return mpmath.exp(entropy(args[0]))
    if name == "binary_cross_entropy":  # mean over the samples of -(y log p + (1 - y) log(1 - p))
        t = [-xlogy(mpf(y), mpf(x)) - (1 - mpf(y)) * mpmath.log1p(-mpf(x)) for y, x in zip(args[0], args[1])]
        return mpmath.fsum(t) / len(t)
    if name == "categorical_cross_entropy":
        return -mpmath.log(mpf(args[1][int(args[0][1:])]))
    if name == "gaussian_nll":  # n/2 log(2 pi sigma2) + SSE / (2 sigma2)
        y, mu, s2 = args[0], args[1], mpf(args[2][0])
        sse = mpmath.fsum((mpf(a) - mpf(b)) ** 2 for a, b in zip(y, mu))
        return len(y) * mpmath.log(2 * mpmath.pi * s2) / 2 + sse / (2 * s2)
    if name == "mean_squared_error":
        return mpmath.fsum((mpf(a) - mpf(b)) ** 2 for a, b in zip(args[0], args[1])) / len(args[0])
    if name == "renyi_entropy":
        return info.renyi_entropy(args[0], args[1][0])
    if name == "tsallis_entropy":
        return info.tsallis_entropy(args[0], args[1][0])
    if name == "renyi_divergence":
        return info.renyi_divergence(args[0], args[1], args[2][0])
    if name in info.TABLE_QUANTITIES:
        return info.TABLE_QUANTITIES[name](args[0], [int(n) for n in args[1][1:].split("x")])
    raise ValueError(name)


def digits40(v):
    if v == 0 or mpmath.isinf(v) or abs(mpmath.mag(v)) > 10000:
        return "-"
    man, exp = v.man_exp  # unsigned
    x = Fraction(int(man)) * Fraction(2) ** int(exp) * (-1 if v < 0 else 1)
    with decimal.localcontext() as ctx:
        ctx.prec = 40
        ctx.rounding = decimal.ROUND_HALF_EVEN
        d = decimal.Decimal(x.numerator) / decimal.Decimal(x.denominator)
    sign, digs, e = d.as_tuple()
    digs = "".join(map(str, digs)).ljust(40, "0")[:40]
    e10 = e + len(d.as_tuple().digits) - 1
    # A value within the working precision of a 40-digit decimal midpoint (an exact binary number
    # plus e^-922, say) must be recomputed with more digits, as for the binary formats.
    with decimal.localcontext() as ctx:
        ctx.prec = 80
        exact_e10 = (decimal.Decimal(abs(x.numerator)) / decimal.Decimal(x.denominator)).adjusted()
    scaled = abs(x) / Fraction(10) ** (exact_e10 - 39)  # 40 digits before the point
    frac = scaled - (scaled.numerator // scaled.denominator)
    if abs(frac - Fraction(1, 2)) < Fraction(2) ** (-(mp.prec - 100)) * scaled:
        raise Undecidable()
    return ("-" if sign else "") + digs[0] + "." + digs[1:] + "e" + ("+" if e10 >= 0 else "") + str(e10)


def fmt(x):
    return repr(x) if x in (float("inf"), float("-inf")) else float(x).hex()


def reference_line(name, args, levels=(100, 1000, 6000)):
    """The reference line of one case, or None when it stays undecidable at every level of digits.
    A value within 2^-(precision - 100) of a rounding boundary (a tie plus e^-745, say) is
    recomputed with more digits until it is decided."""
    for dps in levels:
        with mp.workdps(dps):
            v = value(name, args)
            try:
                rs = [round_format(v, *f) for f in FORMATS]
                d40 = digits40(v)
            except Undecidable:
                continue
        a = ";".join(x if isinstance(x, str) else ",".join(float(e).hex() for e in x) for x in args)
        return f"{name}|{a}|{'|'.join(fmt(r) for r in rs)}|{d40}\n"
    return None


def main():
    n_random = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    dropped = 0
    with open(sys.argv[1], "w") as out:
        out.write(f"# generated by generators/gen_exact.py with mpmath {mpmath.__version__} at {mp.dps} digits\n")
        for name, args in cases(n_random):
            line = reference_line(name, args)
            if line is None:
                dropped += 1
            else:
                out.write(line)
    if dropped:
        print(f"gen_exact.py: dropped {dropped} undecidable cases", file=sys.stderr)


if __name__ == "__main__":
    main()
