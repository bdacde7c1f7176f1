#!/usr/bin/env python3
"""Times shannon's correctly rounded framework losses against PyTorch's own float64 CPU kernels on the
same data, in one run (torch.set_num_threads(2)): the figures of issues 16 and 19. Where the framework
is not installed (optax, Keras), the anchor is its formula written in PyTorch's float64 ops.

Usage: PYTHONPATH=BUILD/python python3 bench/frameworks.py [REPEATS=3]
Prints, per case, the best time of each over the repeats, per element, and the ratio shannon / torch.
Build the module optimized (meson setup --buildtype=release) for meaningful numbers.
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

import shannon
import shannon.keras
import shannon.optax
import shannon.scipy
import shannon.torch
import shannon.torch.distributions
import shannon.torch.special
from compare import timed_pair  # bench/compare.py: the best times over the repeats


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
    out.append(("torch.nn.functional.logsigmoid 10^6", e.size, lambda: shannon.torch.logsigmoid(e),
                lambda: F.logsigmoid(et)))
    pe = rng.random(10**6)
    pet = torch.from_numpy(pe)
    qe = np.exp(rng.normal(0, 2, 10**6))
    qet = torch.from_numpy(qe)
    out.append(("torch.special.entr 10^6", pe.size, lambda: shannon.torch.special.entr(pe), lambda: torch.special.entr(pet)))
    out.append(("torch.special.xlogy 10^6", pe.size, lambda: shannon.torch.special.xlogy(pe, qe),
                lambda: torch.special.xlogy(pet, qet)))
    out.append(("scipy.special.entr 10^6 (anchor: torch.special.entr)", pe.size, lambda: shannon.scipy.entr(pe),
                lambda: torch.special.entr(pet)))
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
    out.append(("distributions.kl_divergence Gamma 2000 (ball: log Gamma, digamma)", m, lambda: S.kl_divergence(*tg),
                lambda: D.kl_divergence(*tg)))
    tbeta = [D.Beta(torch.from_numpy(conc[2 * i]), torch.from_numpy(conc[2 * i + 1])) for i in range(2)]
    out.append(("distributions.kl_divergence Beta 2000", m, lambda: S.kl_divergence(*tbeta),
                lambda: D.kl_divergence(*tbeta)))
    tdir = [D.Dirichlet(torch.from_numpy(np.exp(rng.normal(0, 1, (500, 4))))) for _ in range(2)]
    out.append(("distributions.kl_divergence Dirichlet 500 x 4", 500, lambda: S.kl_divergence(*tdir),
                lambda: D.kl_divergence(*tdir)))
    # issue 19, session 3: optax's and Keras' losses and gradients (anchor: the same formula in PyTorch's
    # float64 ops, as a kernel under test would compute it), the pointwise gradients, mixed precision
    lab = (rng.random(10**6) < 0.3).astype(np.float64)
    labt = torch.from_numpy(lab)

    def torch_focal():
        p = torch.sigmoid(et)
        ce = F.binary_cross_entropy_with_logits(et, labt, reduction="none")
        return ce * (1 - (p * labt + (1 - p) * (1 - labt))) ** 2

    out.append(("optax.sigmoid_focal_loss 10^6", e.size, lambda: shannon.optax.sigmoid_focal_loss(e, lab), torch_focal))
    px = rng.normal(0, 3, (8192, 10))
    onehot = np.eye(10)[rng.integers(0, 10, 8192)]
    pxt, ot = torch.from_numpy(px), torch.from_numpy(onehot)

    def torch_poly():
        p = torch.softmax(pxt, -1)
        return -(ot * torch.log_softmax(pxt, -1)).sum(-1) + 2.0 * (ot * (1 - p)).sum(-1)

    out.append(("optax.poly_loss_cross_entropy 8192 x 10", px.size, lambda: shannon.optax.poly_loss_cross_entropy(px, onehot),
                torch_poly))
    d = rng.normal(0, 2, 10**6)
    dt = torch.from_numpy(d)
    out.append(("optax.log_cosh_grad 10^6 (tanh)", d.size, lambda: shannon.optax.log_cosh_grad(d), lambda: torch.tanh(dt)))
    sign = np.where(rng.random(10**6) < 0.5, -1.0, 1.0)
    signt = torch.from_numpy(sign)

    def soft_margin_autograd():
        v = zt.clone().requires_grad_(True)
        F.soft_margin_loss(v, signt, reduction="sum").backward()
        return v.grad

    out.append(("torch.soft_margin_loss_grad 10^6", z.size,
                lambda: shannon.torch.soft_margin_loss_grad(z, sign, reduction="sum"), soft_margin_autograd))
    probs10 = rng.random((8192, 10))
    yb = (rng.random((8192, 10)) < 0.5).astype(np.float64)
    pt10, ybt = torch.from_numpy(probs10), torch.from_numpy(yb)

    def keras_bce_autograd():
        v = pt10.clone().requires_grad_(True)
        c = v.clamp(1e-7, 1 - 1e-7)
        (-(ybt * torch.log(c) + (1 - ybt) * torch.log(1 - c)).mean(-1)).sum().backward()
        return v.grad

    out.append(("keras.binary_crossentropy_grad 8192 x 10", probs10.size,
                lambda: shannon.keras.binary_crossentropy_grad(yb, probs10), keras_bce_autograd))
    # issue 19, session 5: the remaining gradients (anchors: autograd of the same formula in PyTorch's float64 ops)

    def focal_autograd():
        v = et.clone().requires_grad_(True)
        p = torch.sigmoid(v)
        ce = F.binary_cross_entropy_with_logits(v, labt, reduction="none")
        (ce * (1 - (p * labt + (1 - p) * (1 - labt))) ** 2).sum().backward()
        return v.grad

    out.append(("optax.sigmoid_focal_loss_grad 10^6", e.size, lambda: shannon.optax.sigmoid_focal_loss_grad(e, lab),
                focal_autograd))

    def poly_autograd():
        v = pxt.clone().requires_grad_(True)
        p = torch.softmax(v, -1)
        (-(ot * torch.log_softmax(v, -1)).sum(-1) + 2.0 * (ot * (1 - p)).sum(-1)).sum().backward()
        return v.grad

    out.append(("optax.poly_loss_cross_entropy_grad 8192 x 10", px.size,
                lambda: shannon.optax.poly_loss_cross_entropy_grad(px, onehot), poly_autograd))

    def keras_focal_autograd():
        v = pt10.clone().requires_grad_(True)
        c = v.clamp(1e-7, 1 - 1e-7)
        bce = -(ybt * torch.log(c) + (1 - ybt) * torch.log(1 - c))
        base = ybt * (1 - v) + (1 - ybt) * v
        (base ** 2 * bce).mean(-1).sum().backward()
        return v.grad

    out.append(("keras.binary_focal_crossentropy_grad 8192 x 10", probs10.size,
                lambda: shannon.keras.binary_focal_crossentropy_grad(yb, probs10, reduction="sum"), keras_focal_autograd))
    k, nm = 4, 1000
    a = rng.normal(size=(2, nm, k, k))
    covs = a @ np.swapaxes(a, -1, -2) + k * np.eye(k)
    locs = rng.normal(size=(2, nm, k))
    mvn_t = [torch.from_numpy(v).requires_grad_(True) for v in (locs[0], covs[0], locs[1], covs[1])]

    def mvn_autograd():
        for t in mvn_t:
            t.grad = None
        D.kl_divergence(D.MultivariateNormal(mvn_t[0], mvn_t[1]), D.MultivariateNormal(mvn_t[2], mvn_t[3])).sum().backward()
        return mvn_t[1].grad

    out.append(("distributions.kl_divergence_grad MultivariateNormal 1000 x (4, 4x4)", nm,
                lambda: S.kl_divergence_grad(S.MultivariateNormal(locs[0], covs[0]), S.MultivariateNormal(locs[1], covs[1])),
                mvn_autograd))
    xb = torch.from_numpy(rng.normal(0, 3, (8192, 10))).to(torch.bfloat16)
    yb16 = torch.from_numpy(rng.integers(0, 10, 8192))
    out.append(("cross_entropy bfloat16 8192 x 10, intermediates='input'", 8192 * 10,
                lambda: shannon.torch.cross_entropy(xb, yb16, intermediates="input"), lambda: F.cross_entropy(xb, yb16)))
    return out


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    torch.set_num_threads(2)
    print("| case | shannon (correctly rounded) | PyTorch float64 CPU | ratio | decided by |")
    print("|---|---|---|---|---|")
    for name, n, ours, theirs in cases():
        a, b, decided = timed_pair(ours, theirs, repeats)
        print(f"| {name} | {a * 1e3:.1f} ms ({a / n * 1e9:.1f} ns/element) | {b * 1e3:.2f} ms "
              f"({b / n * 1e9:.2f} ns/element) | {a / b:.1f}x | {decided} |", flush=True)


if __name__ == "__main__":
    main()
