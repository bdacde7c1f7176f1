#!/usr/bin/env python3
"""The documentation's plots, as SVG, every value computed by shannon (the Python module built from this tree).

Usage: plots.py OUTDIR    (with PYTHONPATH=<build>/python)
Writes binary_entropy.svg, bce.svg, kl_asymmetry.svg, coin_loglik.svg, ulp_errors.svg (the last runs
PyTorch and scipy on the hard cases of tests/python and measures their errors against the oracle),
bsc_information.svg and renyi_orders.svg (the information page).
"""

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import shannon  # noqa: E402

plt.rcParams.update({"svg.hashsalt": "shannon", "font.size": 10, "figure.dpi": 100})  # same bytes every build
OUT = Path(sys.argv[1])
OUT.mkdir(parents=True, exist_ok=True)


def save(fig, name):
    fig.tight_layout()
    fig.savefig(OUT / name, format="svg", metadata={"Date": None})
    plt.close(fig)


def binary_entropy():
    p = np.linspace(0, 1, 401)
    h = shannon.binary_entropy(p, base="bits")
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    ax.plot(p, h, color="C0")
    ax.axvline(0.5, color="0.7", lw=0.8, ls="--")
    ax.set_xlabel("p")
    ax.set_ylabel("H(p)  [bits]")
    ax.set_title("Binary entropy: 1 bit at p = 0.5, 0 at p = 0 and 1")
    save(fig, "binary_entropy.svg")


def bce():
    p = np.linspace(0.001, 0.999, 400)
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    for y, label in ((1.0, "y = 1:  -log p"), (0.0, "y = 0:  -log(1 - p)")):
        ax.plot(p, [shannon.binary_cross_entropy([y], [v]) for v in p], label=label)
    ax.set_xlabel("predicted probability p")
    ax.set_ylabel("binary cross-entropy  [nats]")
    ax.set_ylim(0, 7)
    ax.legend()
    ax.set_title("A confident wrong prediction costs without bound")
    save(fig, "bce.svg")


def kl_asymmetry():
    q = np.linspace(0.005, 0.995, 300)
    p = 0.3
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    ax.plot(q, [shannon.kl_divergence([p, 1 - p], [v, 1 - v]) for v in q], label="KL(P‖Q), P = Bernoulli(0.3)")
    ax.plot(q, [shannon.kl_divergence([v, 1 - v], [p, 1 - p]) for v in q], label="KL(Q‖P)")
    ax.axvline(p, color="0.7", lw=0.8, ls="--")
    ax.set_xlabel("q  (Q = Bernoulli(q))")
    ax.set_ylabel("divergence  [nats]")
    ax.set_ylim(0, 2)
    ax.legend()
    ax.set_title("KL is not symmetric; both vanish only at Q = P")
    save(fig, "kl_asymmetry.svg")


def coin_loglik():
    flips = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    p = np.linspace(0.02, 0.98, 400)
    ll = [shannon.bernoulli_log_likelihood(flips, v) for v in p]
    best = shannon.bernoulli_log_likelihood(flips, 0.6)
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    ax.plot(p, ll)
    ax.plot([0.6], [best], "o", color="C3")
    ax.annotate(f"maximum at p = 0.6: {best:.6f}", (0.6, best), xytext=(0.05, best - 3), arrowprops={"arrowstyle": "->"})
    ax.set_xlabel("p")
    ax.set_ylabel("log-likelihood  [nats]")
    ax.set_ylim(-20, 0)
    ax.set_title("The coin: 6 heads in 10 flips")
    save(fig, "coin_loglik.svg")


def ulp_errors():
    """Worst |ulp error| of PyTorch and scipy against the oracle on the hard cases of tests/python."""
    tests = Path(__file__).resolve().parents[1] / "tests" / "python"
    sys.path.insert(0, str(tests))
    import test_scipy  # noqa: E402  (the cases and the measurement of the test suite)
    import test_torch  # noqa: E402

    rows = []
    for name, kind, run, profile in test_torch.CASES:
        if kind == "hard":
            q, *args = profile()
            rows.append((f"torch.{name}", test_torch.worst_ulps(run().numpy(), q, *args)))
    for case in test_scipy.CASES:
        name, kind = case[0], case[1]
        if kind == "hard":
            rows.append((f"scipy.{name}", test_scipy.measure(case)))
    rows.sort(key=lambda r: r[1])
    fig, ax = plt.subplots(figsize=(7.5, 0.24 * len(rows) + 1.2))
    values = [max(v, 1e-3) if np.isfinite(v) else 1e22 for _, v in rows]
    colors = ["C3" if v > 100 else "C0" for v in values]
    ax.barh([n for n, _ in rows], values, color=colors)
    ax.set_xscale("log")
    ax.axvline(1, color="0.4", lw=0.8, ls="--")
    ax.set_xlabel("worst |error| in ulps of float64 (inf drawn at 1e22)")
    ax.set_title("PyTorch and scipy against the oracle, hard cases")
    ax.tick_params(axis="y", labelsize=7)
    save(fig, "ulp_errors.svg")


def bsc_table(eps, pi=0.5):
    """The joint table of an input Bernoulli(1 - pi) through a binary symmetric channel with crossover eps."""
    return np.array([[pi * (1 - eps), pi * eps], [(1 - pi) * eps, (1 - pi) * (1 - eps)]])


def bsc_information():
    eps = np.linspace(0, 1, 201)
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    for pi, style in ((0.5, "-"), (0.2, "--"), (0.05, ":")):
        i = [shannon.mutual_information(bsc_table(e, pi), base="bits") for e in eps]
        ax.plot(eps, i, style, label=f"P(X = 0) = {pi}")
    c = shannon.mutual_information(bsc_table(0.1), base="bits")
    ax.plot([0.1], [c], "o", color="C3")
    ax.annotate(f"capacity of BSC(0.1): 1 - H(0.1) = {c:.6f} bits", (0.1, c), xytext=(0.18, 0.66),
                arrowprops={"arrowstyle": "->"}, fontsize=8)
    ax.set_xlabel("crossover probability")
    ax.set_ylabel("I(X;Y)  [bits]")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=8)
    ax.set_title("Binary symmetric channel: the uniform input carries most")
    save(fig, "bsc_information.svg")


def renyi_orders():
    p = np.array([0.5, 0.25, 0.125, 0.125])
    q = np.full(4, 0.25)
    a = np.concatenate([np.linspace(0, 0.98, 50), 1 + np.linspace(-0.02, 0.02, 41) ** 3, np.linspace(1.02, 8, 60)])
    a = np.sort(a)
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    ax.plot(a, [shannon.renyi_entropy(p, v, base="bits") for v in a], label="H_α(P), P = (1/2, 1/4, 1/8, 1/8)")
    ax.plot(a, [shannon.renyi_divergence(p, q, v, base="bits") for v in a], label="D_α(P‖U), U uniform")
    for v, name in ((0.0, "H_0 = log 4"), (1.0, "H_1 = H = 1.75"), (2.0, "H_2 (collision)")):
        ax.plot([v], [shannon.renyi_entropy(p, v, base="bits")], "o", color="C3", ms=4)
    ax.axhline(shannon.renyi_entropy(p, float("inf"), base="bits"), color="0.6", lw=0.8, ls="--")
    ax.text(5.2, 1.05, "H_∞ = -log max p = 1", fontsize=8, color="0.4")
    ax.set_xlabel("order α")
    ax.set_ylabel("bits")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("H_α falls and D_α rises with α, smoothly through α = 1")
    save(fig, "renyi_orders.svg")


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    bsc_information()
    renyi_orders()
    binary_entropy()
    bce()
    kl_asymmetry()
    coin_loglik()
    ulp_errors()
