"""Textbook definitions of the quantities of issue 20 in mpmath, shared by gen_reference.py (the
accuracy tables) and gen_exact.py (the oracle's references): Rényi entropy and divergence, Tsallis
entropy, and the measures of a joint table. Nothing here calls shannon; each is the plain formula
(sums of p^alpha, entropies of marginals), evaluated at the caller's mpmath precision, which absorbs
the cancellations the library's own forms avoid.

A table is (cells, shape): the cells row-major (the last axis fastest), a list of Python floats.
"""
import itertools
import math

import mpmath
from mpmath import mpf


def _plogp(x):
    x = mpf(x)
    return 0 if x == 0 else x * mpmath.log(x)


def entropy(p):
    return -mpmath.fsum(_plogp(x) for x in p)


def renyi_entropy(p, a):
    """log(sum p^a / S) / (1 - a), Rényi's definition for a mass S = sum p (the textbook one at S = 1)."""
    p = [mpf(x) for x in p]
    s = mpmath.fsum(p)
    pos = [x for x in p if x > 0]
    if a == math.inf:
        return -mpmath.log(max(pos))
    a = mpf(a)
    if a == 1:
        return entropy(p) / s
    if a == 0:
        return mpmath.log(len(pos) / s)
    return mpmath.log(mpmath.fsum(x**a for x in pos) / s) / (1 - a)


def renyi_divergence(p, q, a):
    """log(sum p^a q^(1-a) / S_p) / (a - 1); +inf where q = 0 < p for a >= 1."""
    p = [mpf(x) for x in p]
    q = [mpf(x) for x in q]
    s = mpmath.fsum(p)
    pairs = [(x, y) for x, y in zip(p, q) if x > 0]
    if a == math.inf:
        if any(y == 0 for _, y in pairs):
            return mpmath.inf
        return max(mpmath.log(x / y) for x, y in pairs)
    a = mpf(a)
    if a >= 1 and any(y == 0 for _, y in pairs):
        return mpmath.inf
    if a == 1:
        return mpmath.fsum(x * mpmath.log(x / y) for x, y in pairs) / s
    total = mpmath.fsum(x**a * y ** (1 - a) for x, y in pairs if y > 0)
    if total == 0:
        return mpmath.inf
    return mpmath.log(total / s) / (a - 1)


def tsallis_entropy(p, q):
    """(S - sum p^q) / (q - 1) = sum p ln_q(1/p); 0 at q = inf, the Shannon entropy at q = 1."""
    p = [mpf(x) for x in p]
    if q == math.inf:
        return mpf(0)
    q = mpf(q)
    if q == 1:
        return entropy(p)
    pos = [x for x in p if x > 0]
    return (mpmath.fsum(p) - mpmath.fsum(x**q for x in pos)) / (q - 1)


def marginal(cells, shape, keep):
    """The marginal of the axes `keep` (increasing), as a dict index tuple -> exact mpf sum."""
    out = {}
    for idx, c in zip(itertools.product(*[range(n) for n in shape]), cells):
        key = tuple(idx[k] for k in keep)
        out[key] = out.get(key, mpf(0)) + mpf(c)
    return out


def _h(m):
    return entropy(list(m.values()))


def joint_entropy(cells, shape):
    return entropy(cells)


def conditional_entropy(cells, shape, given=0):
    return entropy(cells) - _h(marginal(cells, shape, [given]))


def mutual_information(cells, shape):
    """sum p log(p / (p_x p_y)): the textbook formula."""
    mx = marginal(cells, shape, [0])
    my = marginal(cells, shape, [1])
    terms = []
    for idx, c in zip(itertools.product(*[range(n) for n in shape]), cells):
        if c > 0:
            terms.append(mpf(c) * mpmath.log(mpf(c) / (mx[(idx[0],)] * my[(idx[1],)])))
    return mpmath.fsum(terms)


def total_correlation(cells, shape):
    return mpmath.fsum(_h(marginal(cells, shape, [k])) for k in range(len(shape))) - entropy(cells)


def conditional_mutual_information(cells, shape, given=2):
    """sum p log(p_z p / (p_xz p_yz))."""
    a, b = [k for k in range(3) if k != given]
    maz = marginal(cells, shape, sorted([a, given]))
    mbz = marginal(cells, shape, sorted([b, given]))
    mz = marginal(cells, shape, [given])
    terms = []
    for idx, c in zip(itertools.product(*[range(n) for n in shape]), cells):
        if c > 0:
            kaz = tuple(idx[k] for k in sorted([a, given]))
            kbz = tuple(idx[k] for k in sorted([b, given]))
            terms.append(mpf(c) * mpmath.log(mz[(idx[given],)] * mpf(c) / (maz[kaz] * mbz[kbz])))
    return mpmath.fsum(terms)


def variation_of_information(cells, shape):
    return 2 * entropy(cells) - _h(marginal(cells, shape, [0])) - _h(marginal(cells, shape, [1]))


def normalized_mutual_information(cells, shape, average="arithmetic"):
    """Of the distribution J / S (a ratio of information quantities of a distribution); 1 for two
    constant variables, 0 for one."""
    s = mpmath.fsum(mpf(c) for c in cells)
    cells = [mpf(c) / s for c in cells]
    const_x = sum(1 for v in marginal(cells, shape, [0]).values() if v != 0) <= 1
    const_y = sum(1 for v in marginal(cells, shape, [1]).values() if v != 0) <= 1
    if const_x or const_y:
        return mpf(1) if const_x and const_y else mpf(0)
    i = mutual_information(cells, shape)
    hx = _h(marginal(cells, shape, [0]))
    hy = _h(marginal(cells, shape, [1]))
    den = {"arithmetic": (hx + hy) / 2, "geometric": mpmath.sqrt(hx * hy), "min": min(hx, hy), "max": max(hx, hy),
           "joint": entropy(cells)}[average]
    return mpf(0) if den == 0 else i / den


TABLE_QUANTITIES = {
    "joint_entropy": joint_entropy,
    "conditional_entropy": conditional_entropy,
    "mutual_information": mutual_information,
    "conditional_mutual_information": conditional_mutual_information,
    "total_correlation": total_correlation,
    "normalized_mutual_information": normalized_mutual_information,
    "variation_of_information": variation_of_information,
}


def random_table(rng, shape, alpha=1.0, zeros=0.0):
    """A random joint distribution of the shape (Dirichlet(alpha) cells, a fraction `zeros` of them 0),
    as binary64 numbers summing to 1 within a few ulps."""
    n = math.prod(shape)
    g = [0.0 if rng.random() < zeros else rng.gammavariate(alpha, 1.0) for _ in range(n)]
    if sum(g) == 0:
        g[0] = 1.0
    s = sum(g)
    return [x / s for x in g]


def product_table(a, b):
    """The outer product of two dyadic distributions (exact in binary64: I = 0 exactly)."""
    return [x * y for x in a for y in b]
