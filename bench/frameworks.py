#!/usr/bin/env python3
"""Times shannon's correctly rounded framework losses against PyTorch's own float64 CPU kernels on the
same data, in one run (torch.set_num_threads(2)): the figures of issues 16 and 19.

Usage: PYTHONPATH=BUILD/python python3 bench/frameworks.py [REPEATS=3]
Prints, per case, the best time of each over the repeats, per element, and the ratio shannon / torch.
Build the module optimized (meson setup --buildtype=release) for meaningful numbers.
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

import shannon
import shannon.scipy
import shannon.torch
import shannon.torch.distributions
import shannon.torch.special
from compare import best  # bench/compare.py: the minimum time over the repeats


def cases():
    rng = np.random.default_rng(20261204)
    out = []
    for rows, classes in ((64, 32000), (8192, 10)):
        x = rng.normal(0, 3, (rows, classes))
        y = rng.integers(0, classes, rows)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        w = rng.random(classes) + 0.5
        wt = torch.from_numpy(w)
        out.append((f"cross_entropy {rows} x {classes}", rows * classes,
                    lambda x=x, y=y: shannon.torch.cross_entropy(x, y),
                    lambda xt=xt, yt=yt: F.cross_entropy(xt, yt)))
        out.append((f"cross_entropy {rows} x {classes}, label_smoothing 0.1, weight", rows * classes,
                    lambda x=x, y=y, w=w: shannon.torch.cross_entropy(x, y, weight=w, label_smoothing=0.1),
                    lambda xt=xt, yt=yt, wt=wt: F.cross_entropy(xt, yt, weight=wt, label_smoothing=0.1)))
    x = rng.normal(0, 3, (64, 32000))
    y = rng.integers(0, 32000, 64)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def autograd():
        v = xt.clone().requires_grad_(True)
        F.cross_entropy(v, yt).backward()
        return v.grad

    out.append(("cross_entropy gradient 64 x 32000", x.size, lambda: shannon.torch.cross_entropy_grad(x, y), autograd))
    z = rng.normal(0, 3, 10**6)
    t = rng.random(10**6)
    zt, tt = torch.from_numpy(z), torch.from_numpy(t)
    out.append(("binary_cross_entropy_with_logits 10^6", z.size,
                lambda: shannon.torch.binary_cross_entropy_with_logits(z, t),
                lambda: F.binary_cross_entropy_with_logits(zt, tt)))
    s = rng.normal(0, 3, (16, 32000))
    st = torch.from_numpy(s)
    out.append(("log_softmax 16 x 32000, every element", s.size, lambda: shannon.scipy.log_softmax(s, axis=1),
                lambda: torch.log_softmax(st, dim=1)))
    # torch.special and torch.distributions (issue 19): elementwise, the ball deciding nearly all
    e = rng.normal(0, 8, 10**6)
    et = torch.from_numpy(e)
    out.append(("torch.special.expit 10^6", e.size, lambda: shannon.torch.special.expit(e), lambda: torch.special.expit(et)))
    out.append(("torch.nn.functional.softplus 10^6", e.size, lambda: shannon.torch.softplus(e),
                lambda: F.softplus(et)))
    D = torch.distributions
    S = shannon.torch.distributions
    n = 10**5
    loc, scale = rng.normal(0, 1, (2, n)), np.exp(rng.normal(0, 1, (2, n)))
    tn = [D.Normal(torch.from_numpy(loc[i]), torch.from_numpy(scale[i])) for i in range(2)]
    out.append(("distributions.kl_divergence Normal 10^5", n, lambda: S.kl_divergence(*tn), lambda: D.kl_divergence(*tn)))
    probs = rng.random((2, n))
    tb = [D.Bernoulli(torch.from_numpy(probs[i])) for i in range(2)]
    out.append(("distributions.kl_divergence Bernoulli 10^5", n, lambda: S.kl_divergence(*tb),
                lambda: D.kl_divergence(*tb)))
    m = 2000
    conc = np.exp(rng.normal(0, 1, (4, m)))
    tg = [D.Gamma(torch.from_numpy(conc[2 * i]), torch.from_numpy(conc[2 * i + 1])) for i in range(2)]
    out.append(("distributions.kl_divergence Gamma 2000 (MPFI: log Gamma, digamma)", m, lambda: S.kl_divergence(*tg),
                lambda: D.kl_divergence(*tg)))
    return out


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    torch.set_num_threads(2)
    print("| case | shannon (correctly rounded) | PyTorch float64 CPU | ratio | decided by |")
    print("|---|---|---|---|---|")
    for name, n, ours, theirs in cases():
        ours()  # warm up (and check it runs)
        paths = shannon.last_paths()
        theirs()
        a = best(ours, repeats)
        b = best(theirs, repeats)
        decided = ", ".join(f"{k} {v}" for k, v in paths.items() if v)
        print(f"| {name} | {a * 1e3:.1f} ms ({a / n * 1e9:.1f} ns/element) | {b * 1e3:.2f} ms "
              f"({b / n * 1e9:.2f} ns/element) | {a / b:.1f}x | {decided} |", flush=True)


if __name__ == "__main__":
    main()
