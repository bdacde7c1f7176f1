"""PyTorch's float64 losses against shannon.torch's exact values, random and hard inputs.

The ulp budget of each function (BUDGETS) was set from measurement: the worst error measured on these
inputs (printed by `pytest -s`), rounded up with some headroom. A function exceeding its budget is a
regression in PyTorch's numerics or in the profile. Where PyTorch's own formula loses most of the
digits (a known finding, not a bug in this suite), the test is an xfail carrying the measured figure.
The profiles themselves are checked against mpmath (independent of PyTorch) in test_profile_values.
"""

import mpmath
import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

import shannon  # noqa: E402
import shannon.torch as st  # noqa: E402

mpmath.mp.prec = 300
rng = np.random.default_rng(5)


def t(x):
    return torch.from_numpy(np.ascontiguousarray(x))


def worst_ulps(actual, quantity, *inputs, **kw):
    e = np.asarray(shannon.ulp_error(np.asarray(actual), quantity, *inputs, **kw), dtype=np.float64)
    return float(np.max(np.abs(e)))


def cases():
    """(name, kind, torch call, profile call) for random and hard inputs."""
    out = []
    for kind in ("random", "hard"):
        hard = kind == "hard"
        n, c = 16, 10
        logits = rng.standard_normal((n, c)) * (30 if hard else 2)
        if hard:
            logits[0] = 1e3 * rng.standard_normal(c)
            logits[1] = 5.0 + 1e-14 * rng.standard_normal(c)  # nearly equal logits
            logits[2, :] = -40.0
            logits[2, 3] = 40.0
        labels = rng.integers(0, c, n)
        if hard:
            labels[:4] = -100
        weight = rng.uniform(0.1, 3.0, c)
        probs = rng.dirichlet(np.full(c, 0.05 if hard else 1.0), n)
        for red in ("mean", "sum", "none"):
            out.append((f"cross_entropy[{red}]", kind,
                        lambda red=red, lo=logits, la=labels, w=weight: F.cross_entropy(t(lo), t(la), weight=t(w), reduction=red),
                        lambda red=red, lo=logits, la=labels, w=weight: (st.cross_entropy, lo, la, w, -100, red)))
        out.append(("cross_entropy[label_smoothing]", kind,
                    lambda lo=logits, la=labels, w=weight: F.cross_entropy(t(lo), t(la), weight=t(w), label_smoothing=0.1),
                    lambda lo=logits, la=labels, w=weight: (st.cross_entropy, lo, la, w, -100, "mean", 0.1)))
        out.append(("cross_entropy[probabilities]", kind,
                    lambda lo=logits, p=probs: F.cross_entropy(t(lo), t(p), label_smoothing=0.05),
                    lambda lo=logits, p=probs: (st.cross_entropy, lo, p, None, -100, "mean", 0.05)))
        logp = np.log(rng.dirichlet(np.ones(c), n))
        out.append(("nll_loss", kind, lambda lp=logp, la=labels, w=weight: F.nll_loss(t(lp), t(la), weight=t(w)),
                    lambda lp=logp, la=labels, w=weight: (st.nll_loss, lp, la, w)))
        p = rng.uniform(0, 1, 200)
        y = rng.uniform(0, 1, 200)
        if hard:
            p[:50] = 10.0 ** rng.uniform(-300, -5, 50)
            p[50:100] = 1 - 10.0 ** rng.uniform(-16, -5, 50)
            p[100:105] = [0.0, 1.0, 0.0, 1.0, 1e-45]
            y[:100] = rng.integers(0, 2, 100)
        w = rng.uniform(0.5, 2, 200)
        out.append(("binary_cross_entropy", kind, lambda p=p, y=y, w=w: F.binary_cross_entropy(t(p), t(y), weight=t(w)),
                    lambda p=p, y=y, w=w: (st.binary_cross_entropy, p, y, w)))
        out.append(("binary_cross_entropy[none]", kind,
                    lambda p=p, y=y: F.binary_cross_entropy(t(p), t(y), reduction="none"),
                    lambda p=p, y=y: (st.binary_cross_entropy, p, y, None, "none")))
        x = rng.standard_normal((20, 10)) * (40 if hard else 3)
        yy = rng.uniform(0, 1, (20, 10)) if hard else rng.integers(0, 2, (20, 10)).astype(float)
        pw = rng.uniform(0.5, 4, 10)
        out.append(("binary_cross_entropy_with_logits", kind,
                    lambda x=x, y=yy, pw=pw: F.binary_cross_entropy_with_logits(t(x), t(y), pos_weight=t(pw)),
                    lambda x=x, y=yy, pw=pw: (st.binary_cross_entropy_with_logits, x, y, None, "mean", pw)))
        out.append(("binary_cross_entropy_with_logits[none]", kind,
                    lambda x=x, y=yy: F.binary_cross_entropy_with_logits(t(x), t(y), reduction="none"),
                    lambda x=x, y=yy: (st.binary_cross_entropy_with_logits, x, y, None, "none")))
        q = rng.dirichlet(np.full(10, 0.1 if hard else 1.0), 8)
        target = rng.dirichlet(np.full(10, 0.1 if hard else 1.0), 8)
        if hard:
            target[0] = q[0] * (1 + 1e-12 * rng.standard_normal(10))  # P ~ Q
        lq = np.log(q)
        for red in ("batchmean", "sum", "mean"):
            out.append((f"kl_div[{red}]", kind, lambda lq=lq, tg=target, red=red: F.kl_div(t(lq), t(tg), reduction=red),
                        lambda lq=lq, tg=target, red=red: (st.kl_div, lq, tg, red)))
        out.append(("kl_div[log_target]", kind,
                    lambda lq=lq, tg=target: F.kl_div(t(lq), t(np.log(tg)), reduction="batchmean", log_target=True),
                    lambda lq=lq, tg=target: (st.kl_div, lq, np.log(tg), "batchmean", True)))
        mu = rng.standard_normal(100)
        obs = mu + rng.standard_normal(100)
        var = rng.uniform(0.1, 2, 100)
        if hard:
            var[:30] = 10.0 ** rng.uniform(-12, -5, 30)  # below and around eps = 1e-6: the clamp
            obs[30:40] = mu[30:40] + 1e8
        out.append(("gaussian_nll_loss[full]", kind,
                    lambda mu=mu, o=obs, v=var: F.gaussian_nll_loss(t(mu), t(o), t(v), full=True),
                    lambda mu=mu, o=obs, v=var: (st.gaussian_nll_loss, mu, o, v, True)))
        li = rng.standard_normal(100) * (5 if hard else 1)
        cnt = rng.poisson(3.0, 100).astype(float)
        out.append(("poisson_nll_loss[full]", kind, lambda li=li, c=cnt: F.poisson_nll_loss(t(li), t(c), full=True),
                    lambda li=li, c=cnt: (st.poisson_nll_loss, li, c, True, True)))
        rate = np.exp(li)
        out.append(("poisson_nll_loss[rates]", kind,
                    lambda r=rate, c=cnt: F.poisson_nll_loss(t(r), t(c), log_input=False),
                    lambda r=rate, c=cnt: (st.poisson_nll_loss, r, c, False)))
        out.append(("mse_loss", kind, lambda a=mu, b=obs: F.mse_loss(t(a), t(b)), lambda a=mu, b=obs: (st.mse_loss, a, b)))
        mx = rng.standard_normal((12, 6)) * (50 if hard else 2)
        my = rng.integers(0, 2, (12, 6)).astype(float)
        mw = rng.uniform(0.5, 2, 6)
        out.append(("multilabel_soft_margin_loss", kind,
                    lambda x=mx, y=my, w=mw: F.multilabel_soft_margin_loss(t(x), t(y), weight=t(w)),
                    lambda x=mx, y=my, w=mw: (st.multilabel_soft_margin_loss, x, y, w)))
    return out


CASES = cases()

# Worst |ulp error| allowed per function and kind: the measured worst (PyTorch 1.13.1, Debian 12),
# rounded up to a power of two with at least 1.4x headroom; 2 ulp where nothing larger was measured.
BUDGETS = {
    ("cross_entropy[none]", "random"): 16,  # measured 6.79: per-sample -log softmax by lse - x_y
    ("binary_cross_entropy_with_logits[none]", "hard"): 32,  # measured 19.9
}
DEFAULT_BUDGET = 2  # every reduced loss measured at most 1.48 ulp, random and hard
# Known findings: per-element values where PyTorch's formula cancels, far beyond any sane budget.
# The figure is the measured worst error on these inputs.
KNOWN = {
    ("cross_entropy[none]", "hard"):
        "measured 2.53e10 ulp: a sample whose loss is 8.8e-12 (its target's logit 98.4 dominates) comes out as "
        "logsumexp(x) - x_y, which cancels to the rounding of the logsumexp (8.80400e-12 for 8.80404e-12)",
    ("binary_cross_entropy[none]", "hard"):
        "measured 9.01e15 ulp: x = 6.05e-123, y = 0 gives 0 for -log(1 - x) = 6.05e-123 "
        "(log of the rounded 1 - x rather than log1p(-x))",
    ("binary_cross_entropy_with_logits[none]", "random"):
        "measured 1.31e3 ulp: a per-element loss evaluated as (1 - y) x + log(1 + exp(-x)) style cancels where "
        "the loss is small",
}


@pytest.mark.parametrize("name,kind,run_torch,profile", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_torch_within_budget(name, kind, run_torch, profile):
    actual = run_torch().numpy()
    q, *args = profile()
    err = worst_ulps(actual, q, *args)
    print(f"\nMEASURED torch.{name} {kind}: worst {err:.3g} ulp")
    if (name, kind) in KNOWN:
        pytest.xfail(KNOWN[(name, kind)])
    budget = BUDGETS.get((name, kind), DEFAULT_BUDGET)
    assert err <= budget, f"torch.{name} ({kind}): {err:.3g} ulp > budget {budget}"


def test_profile_values():
    """The profiles' formulas against mpmath, independently of PyTorch."""
    lo = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])
    la = np.array([2, 0, -100])
    w = [mpmath.mpf(1), mpmath.mpf(2), mpmath.mpf(3)]
    nls = [[mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(v)) for v in row)) - mpmath.mpf(v) for v in row] for row in lo]
    nll = w[2] * nls[0][2] + w[0] * nls[1][0]
    smooth = mpmath.fsum(w[k] * nls[0][k] for k in range(3)) + mpmath.fsum(w[k] * nls[1][k] for k in range(3))
    d = w[2] + w[0]
    e = mpmath.mpf(0.1)
    exact = ((1 - e) * nll + e / 3 * smooth) / d
    with mpmath.workprec(53):
        assert st.cross_entropy(lo, la, [1.0, 2.0, 3.0], label_smoothing=0.1) == float(+exact)
    assert np.isnan(st.cross_entropy(lo[2:], la[2:]))  # every sample ignored: 0/0
    p = np.array([0.0, 1e-50, 0.5])
    y = np.array([1.0, 1.0, 0.0])
    ref = (100 + 100 - mpmath.log1p(-mpmath.mpf(0.5))) / 3  # log 0 and log 1e-50 clamped at -100
    with mpmath.workprec(53):
        assert st.binary_cross_entropy(p, y) == float(+ref)


def test_errors():
    with pytest.raises(ValueError, match=r"torch\.binary_cross_entropy: argument 'input' at index 1 is 1\.5"):
        st.binary_cross_entropy([0.5, 1.5], [1.0, 0.0])
    with pytest.raises(ValueError, match=r"torch\.cross_entropy: argument 'target' at index 0 is 7"):
        st.cross_entropy([[1.0, 2.0]], [7])
    with pytest.raises(ValueError, match=r"reduction"):
        st.mse_loss([1.0], [2.0], reduction="avg")
