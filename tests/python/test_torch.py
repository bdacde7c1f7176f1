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
                        lambda red=red, lo=logits, la=labels, w=weight: (st.cross_entropy, lo, la, w, None, -100, None, red)))
        out.append(("cross_entropy[label_smoothing]", kind,
                    lambda lo=logits, la=labels, w=weight: F.cross_entropy(t(lo), t(la), weight=t(w), label_smoothing=0.1),
                    lambda lo=logits, la=labels, w=weight: (st.cross_entropy, lo, la, w, None, -100, None, "mean", 0.1)))
        out.append(("cross_entropy[probabilities]", kind,
                    lambda lo=logits, p=probs: F.cross_entropy(t(lo), t(p), label_smoothing=0.05),
                    lambda lo=logits, p=probs: (st.cross_entropy, lo, p, None, None, -100, None, "mean", 0.05)))
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
                    lambda p=p, y=y: (st.binary_cross_entropy, p, y, None, None, None, "none")))
        x = rng.standard_normal((20, 10)) * (40 if hard else 3)
        yy = rng.uniform(0, 1, (20, 10)) if hard else rng.integers(0, 2, (20, 10)).astype(float)
        pw = rng.uniform(0.5, 4, 10)
        out.append(("binary_cross_entropy_with_logits", kind,
                    lambda x=x, y=yy, pw=pw: F.binary_cross_entropy_with_logits(t(x), t(y), pos_weight=t(pw)),
                    lambda x=x, y=yy, pw=pw: (st.binary_cross_entropy_with_logits, x, y, None, None, None, "mean", pw)))
        out.append(("binary_cross_entropy_with_logits[none]", kind,
                    lambda x=x, y=yy: F.binary_cross_entropy_with_logits(t(x), t(y), reduction="none"),
                    lambda x=x, y=yy: (st.binary_cross_entropy_with_logits, x, y, None, None, None, "none")))
        q = rng.dirichlet(np.full(10, 0.1 if hard else 1.0), 8)
        target = rng.dirichlet(np.full(10, 0.1 if hard else 1.0), 8)
        if hard:
            target[0] = q[0] * (1 + 1e-12 * rng.standard_normal(10))  # P ~ Q
        lq = np.log(q)
        for red in ("batchmean", "sum", "mean"):
            out.append((f"kl_div[{red}]", kind, lambda lq=lq, tg=target, red=red: F.kl_div(t(lq), t(tg), reduction=red),
                        lambda lq=lq, tg=target, red=red: (st.kl_div, lq, tg, None, None, red)))
        out.append(("kl_div[log_target]", kind,
                    lambda lq=lq, tg=target: F.kl_div(t(lq), t(np.log(tg)), reduction="batchmean", log_target=True),
                    lambda lq=lq, tg=target: (st.kl_div, lq, np.log(tg), None, None, "batchmean", True)))
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
    # 'batchmean' is kl_div's alone: torch's other losses raise ValueError for it, and so does the profile.
    with pytest.raises(ValueError, match=r"torch\.cross_entropy: reduction must be .* not 'batchmean'"):
        st.cross_entropy([[1.0, 2.0]], [0], reduction="batchmean")
    with pytest.raises(ValueError, match=r"not 'batchmean'"):
        st.binary_cross_entropy_with_logits([1.0], [1.0], reduction="batchmean")
    x, t = np.log([[0.5, 0.5], [0.25, 0.75]]), np.array([[0.5, 0.5], [0.5, 0.5]])
    assert st.kl_div(x, t, reduction="batchmean") == st.kl_div(x, t, reduction="sum") / 2  # exact: a halving


# ---- gradients: shannon.torch.*_grad against autograd (float64) -------------------------------------------


def grad_cases():
    """(name, kind, input, loss of a requires_grad tensor, gradient quantity, its arguments after input, kwargs)."""
    out = []
    g = np.random.default_rng(17)
    for kind in ("random", "hard"):
        hard = kind == "hard"
        n, c = 12, 6
        logits = g.standard_normal((n, c)) * (25 if hard else 2)
        if hard:
            logits[0, :] = -30.0
            logits[0, 2] = 30.0  # confident: softmax - onehot is ~e^-60 at the target
            logits[1] = 3.0 + 1e-13 * g.standard_normal(c)
        labels = g.integers(0, c, n)
        labels[0] = 2
        if hard:
            labels[3:5] = -100
        w = g.uniform(0.2, 2.0, c)
        probs = g.dirichlet(np.full(c, 0.1 if hard else 1.0), n)
        for red in ("mean", "sum", "none"):
            out.append((f"cross_entropy[{red}]", kind, logits,
                        lambda x, red=red, la=labels, w=w: F.cross_entropy(x, t(la), weight=t(w), reduction=red),
                        st.cross_entropy_grad, (labels, w), {"reduction": red}))
        out.append(("cross_entropy[label_smoothing]", kind, logits,
                    lambda x, la=labels, w=w: F.cross_entropy(x, t(la), weight=t(w), label_smoothing=0.2),
                    st.cross_entropy_grad, (labels, w), {"label_smoothing": 0.2}))
        out.append(("cross_entropy[probabilities]", kind, logits,
                    lambda x, p=probs: F.cross_entropy(x, t(p), label_smoothing=0.05),
                    st.cross_entropy_grad, (probs,), {"label_smoothing": 0.05}))
        logp = np.log(g.dirichlet(np.ones(c), n))
        out.append(("nll_loss[mean]", kind, logp, lambda x, la=labels, w=w: F.nll_loss(x, t(la), weight=t(w)),
                    st.nll_loss_grad, (labels, w), {}))
        p = g.uniform(0, 1, 40)
        y = g.uniform(0, 1, 40)
        if hard:
            p[:4] = [1e-15, 1 - 1e-15, 1e-300, 0.5]
            y[:4] = [1.0, 0.0, 0.0, 0.5]
        out.append(("binary_cross_entropy", kind, p, lambda x, y=y: F.binary_cross_entropy(x, t(y)),
                    st.binary_cross_entropy_grad, (y,), {}))
        z = g.standard_normal(40) * (30 if hard else 3)
        yb = g.integers(0, 2, 40).astype(np.float64)
        pw = g.uniform(0.5, 4.0, 40)
        out.append(("binary_cross_entropy_with_logits[pos_weight]", kind, z,
                    lambda x, y=yb, pw=pw: F.binary_cross_entropy_with_logits(x, t(y), pos_weight=t(pw)),
                    st.binary_cross_entropy_with_logits_grad, (yb,), {"pos_weight": pw}))
        q = np.log(g.dirichlet(np.ones(c), n))
        out.append(("kl_div[batchmean]", kind, q, lambda x, p=probs: F.kl_div(x, t(p), reduction="batchmean"),
                    st.kl_div_grad, (probs,), {"reduction": "batchmean"}))
        target = g.standard_normal(40)
        out.append(("mse_loss", kind, z, lambda x, y=target: F.mse_loss(x, t(y)), st.mse_loss_grad, (target,), {}))
        var = g.uniform(1e-8 if hard else 0.1, 2.0, 40)
        out.append(("gaussian_nll_loss", kind, z, lambda x, y=target, v=var: F.gaussian_nll_loss(x, t(y), t(v)),
                    st.gaussian_nll_loss_grad, (target, var), {}))
        counts = g.poisson(3.0, 40).astype(np.float64)
        out.append(("poisson_nll_loss", kind, z / 10, lambda x, y=counts: F.poisson_nll_loss(x, t(y)),
                    st.poisson_nll_loss_grad, (counts,), {}))
        ym = g.integers(0, 2, (n, c)).astype(np.float64)
        out.append(("multilabel_soft_margin_loss", kind, logits,
                    lambda x, y=ym, w=w: F.multilabel_soft_margin_loss(x, t(y), weight=t(w)),
                    st.multilabel_soft_margin_loss_grad, (ym,), {"weight": w}))
    return out


GRAD_CASES = grad_cases()
# Worst |ulp error| of autograd's float64 gradients, measured (PyTorch 1.13.1, Debian 12), rounded up to a
# power of two with at least 1.4x headroom; 2 ulp where nothing larger was measured.
GRAD_BUDGETS = {
    ("cross_entropy[mean]", "random"): 16,  # measured 6.35: softmax - onehot cancels at the target class
    ("cross_entropy[sum]", "random"): 16,  # measured 5.92
    ("cross_entropy[none]", "random"): 16,  # measured 5.92
    ("cross_entropy[label_smoothing]", "random"): 128,  # measured 67.9
    ("cross_entropy[label_smoothing]", "hard"): 32,  # measured 20.6
    ("cross_entropy[probabilities]", "random"): 32,  # measured 19.4
    ("cross_entropy[probabilities]", "hard"): 16,  # measured 8.57
    ("binary_cross_entropy_with_logits[pos_weight]", "random"): 256,  # measured 134: sigmoid(x) (p y + 1 - y) - p y
    ("poisson_nll_loss", "random"): 8,  # measured 4.86: exp(x) - y cancels
    ("poisson_nll_loss", "hard"): 16,  # measured 6.11
    ("multilabel_soft_margin_loss", "random"): 4,  # measured 2.75
}
GRAD_DEFAULT_BUDGET = 2
_CONFIDENT = ("measured {}: at a confident row (target logit 30, the others -30) the target's gradient "
              "softmax - 1 = -5e-26 comes out as 0 or a rounding error of 1 (1 - s cancels)")
GRAD_KNOWN = {
    ("cross_entropy[mean]", "hard"): _CONFIDENT.format("4.62e15 ulp"),
    ("cross_entropy[sum]", "hard"): _CONFIDENT.format("5.24e15 ulp"),
    ("cross_entropy[none]", "hard"): _CONFIDENT.format("5.24e15 ulp"),
    ("binary_cross_entropy_with_logits[pos_weight]", "hard"):
        "measured 2.95e19 ulp: sigmoid(x) (p y + 1 - y) - p y cancels to 0 (or to a rounding error of p) where "
        "the gradient is -p sigmoid(-x), tiny for a large logit with y = 1",
}


@pytest.mark.parametrize("name,kind,x,loss,grad,args,kw", GRAD_CASES, ids=[f"{c[0]}-{c[1]}" for c in GRAD_CASES])
def test_gradient_within_budget(name, kind, x, loss, grad, args, kw):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    loss(xt).sum().backward()
    actual = xt.grad.numpy()
    exact = grad(x, *args, **kw)
    assert exact.shape == x.shape
    err = worst_ulps(actual, grad, x, *args, **kw)
    print(f"\nMEASURED torch.{name} gradient {kind}: worst {err:.3g} ulp")
    if (name, kind) in GRAD_KNOWN:
        pytest.xfail(GRAD_KNOWN[(name, kind)])
    budget = GRAD_BUDGETS.get((name, kind), GRAD_DEFAULT_BUDGET)
    assert err <= budget, f"torch.{name} gradient ({kind}): {err:.3g} ulp > budget {budget}"


def nearest_double(v):
    """The binary64 nearest an mpmath number (ties to even), subnormals included: float() would round to 53
    bits first and then to the subnormal's fewer bits."""
    if abs(v) < mpmath.mpf(2) ** -1022:
        return float(mpmath.nint(v * mpmath.mpf(2) ** 1074)) * 2.0**-1074
    return float(v)


def test_gradient_in_blocks():
    """A batch large enough to be rounded in blocks of rows shared by two threads (37 x 1,800: blocks of
    18 rows), with an ignored row, class weights, a dominant logit and a near-tie row, without and with
    label smoothing: every element against mpmath (160 bits), so that a block's rows, offset or scale
    cannot go astray."""
    r = np.random.default_rng(16)
    n, c = 37, 1800
    x = r.normal(0, 3, (n, c))
    x[0, 7] = 700.0  # dominant: the others' gradients subnormal or 0
    x[1, :] = 1.0
    x[1, 3] = 1.0 + 2.0**-40  # near-tie
    y = r.integers(0, c, n)
    y[5] = -100  # ignored
    w = r.random(c) + 0.5
    grads = {e: st.cross_entropy_grad(x, y, weight=w, label_smoothing=e) for e in (0.0, 0.1)}
    for g in grads.values():
        assert g.shape == (n, c)
    with mpmath.workprec(160):
        scale = 1 / mpmath.fsum(mpmath.mpf(w[y[k]]) for k in range(n) if y[k] != -100)
        for k in range(n):
            if y[k] == -100:
                assert not any(g[k].any() for g in grads.values())
                continue
            m = max(x[k])
            e = [mpmath.exp(mpmath.mpf(v) - mpmath.mpf(m)) for v in x[k]]
            s = mpmath.fsum(e)
            for smoothing, g in grads.items():
                eps = mpmath.mpf(smoothing)
                a = [eps / c * mpmath.mpf(w[j]) for j in range(c)]
                a[y[k]] += (1 - eps) * mpmath.mpf(w[y[k]])
                total = mpmath.fsum(a)
                ref = [nearest_double((e[j] / s * total - a[j]) * scale) for j in range(c)]
                assert np.array_equal(g[k], np.array(ref)), f"row {k}, label_smoothing {smoothing}"


def test_gradient_values():
    """The gradients against mpmath, independently of PyTorch: softmax - onehot, and the clamped BCE backward."""
    x = np.array([[40.0, -40.0, 0.0], [1.0, 2.0, 3.0]])
    y = [0, 2]
    g = st.cross_entropy_grad(x, y, reduction="sum")
    for row, k, got in zip(x, y, g):
        e = [mpmath.exp(mpmath.mpf(v)) for v in row]
        s = mpmath.fsum(e)
        for j in range(3):
            ref = e[j] / s - (1 if j == k else 0)  # at 300 bits
            with mpmath.workprec(53):
                assert got[j] == float(+ref)
    # x (1 - x) below 1e-12: ATen divides by its EPSILON, 1e-12 as a float32, for float64 input too
    eps = mpmath.mpf(float(np.float32(1e-12)))
    with mpmath.workprec(53):
        assert st.binary_cross_entropy_grad([1e-14], [1.0], reduction="sum")[0] == float(+((mpmath.mpf(1e-14) - 1) / eps))
    g32 = st.binary_cross_entropy_grad(np.float32([1e-14]), np.float32([1.0]), reduction="sum")
    with mpmath.workprec(24):
        assert g32[0] == np.float32(float(+((mpmath.mpf(float(np.float32(1e-14))) - 1) / eps)))


def reference_cross_entropy(x, y, weight, eps):
    """torch's cross-entropy with class indices, per row in mpmath (the current precision): the sum of
    the losses and the divisor of the mean (sum of the targets' weights)."""
    c = x.shape[1]
    ws = [mpmath.mpf(1)] * c if weight is None else [mpmath.mpf(v) for v in weight]
    total, d = mpmath.mpf(0), mpmath.mpf(0)
    for i in range(x.shape[0]):
        if y[i] == -100:
            continue
        row = x[i]
        if np.isinf(row).any():  # +inf logits share the mass: -log softmax is log(#inf) there, inf elsewhere
            k = int(np.isinf(row).sum())
            nl = [mpmath.log(k) if np.isinf(v) else mpmath.inf for v in row]
        else:
            top = mpmath.mpf(max(row))
            lse = top + mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(v) - top) for v in row))
            nl = [lse - mpmath.mpf(v) for v in row]
        li = (1 - mpmath.mpf(eps)) * ws[y[i]] * nl[y[i]]
        if eps:
            li += mpmath.mpf(eps) / c * mpmath.fsum(ws[k] * nl[k] for k in range(c))
        total += li
        d += ws[y[i]]
    return total, d


def test_reduced_cross_entropy_grouped_by_class():
    """The reduced cross-entropy with class indices sums the rows' gaps and takes the log-normalizers by
    target class (one logarithm of a product per class for the ball): 400 rows of 7 classes (a bucket
    per class) and 24 rows of 1,100 classes (sorted by class), with and without class weights and label
    smoothing, mean and sum, ignored rows, a row with a +inf logit (its own loss), a dominant logit and
    near-ties, against mpmath's per-row definition (torch's formula) at 300 bits."""
    r = np.random.default_rng(23)
    for n, c in ((400, 7), (24, 1100)):
        x = r.normal(0, 3, (n, c))
        y = r.integers(0, c, n)
        y[::37] = -100
        x[6, :3] = [700.0, -700.0, 699.0]
        x[7, :4] = 1.0 + np.array([0, 2.0**-40, -(2.0**-40), 2.0**-39])
        with_inf = x.copy()  # without smoothing only: with it, the row's other classes make the loss +inf
        with_inf[5, 2] = np.inf
        y[5] = 2
        w = r.random(c) + 0.25
        for weight in (None, w):
            for eps in (0.0, 0.1):
                data = with_inf if eps == 0 else x
                total, d = reference_cross_entropy(data, y, weight, eps)
                for reduction, exact in (("sum", total), ("mean", total / d)):
                    got = st.cross_entropy(data, y, weight, label_smoothing=eps, reduction=reduction)
                    with mpmath.workprec(53):
                        assert got == float(+exact), (n, c, weight is None, eps, reduction, got, float(+exact))


def test_legacy_size_average_reduce_and_torchs_positional_order():
    """torch's deprecated size_average= and reduce= (both true: mean; reduce alone: sum; else none) and its
    positional argument order (cross_entropy(x, t, w, None, 1): ignore_index = 1), as PyTorch's OpInfo and
    common_nn tests call them: each call equals shannon's call with the reduction they stand for, and
    PyTorch's own result within 4 ulps."""
    import warnings

    rng = np.random.default_rng(73)
    x = rng.standard_normal((6, 4)) * 3
    t = rng.integers(0, 4, 6)
    w = rng.uniform(0.5, 2, 4)
    lp = np.log(rng.dirichlet(np.ones(4), 6))
    q = rng.dirichlet(np.ones(4), 6)
    p = rng.uniform(0.05, 0.95, (6, 4))
    y = rng.integers(0, 2, (6, 4)).astype(np.float64)
    T = torch.from_numpy
    calls = [  # (shannon's call, torch's call, the reduction it stands for, shannon's call with it)
        (lambda: st.cross_entropy(x, t, w, None, 1), lambda: F.cross_entropy(T(x), T(t), T(w), None, 1), "mean",
         lambda: st.cross_entropy(x, t, w, ignore_index=1)),
        (lambda: st.cross_entropy(x, t, None, False), lambda: F.cross_entropy(T(x), T(t), None, False), "sum",
         lambda: st.cross_entropy(x, t, reduction="sum")),
        (lambda: st.nll_loss(lp, t, w, None, -100, False), lambda: F.nll_loss(T(lp), T(t), T(w), None, -100, False),
         "none", lambda: st.nll_loss(lp, t, w, reduction="none")),
        (lambda: st.kl_div(lp, q, None, None, "sum"), lambda: F.kl_div(T(lp), T(q), None, None, "sum"), "sum",
         lambda: st.kl_div(lp, q, reduction="sum")),
        (lambda: st.mse_loss(x, lp, None, None, "sum"), lambda: F.mse_loss(T(x), T(lp), None, None, "sum"), "sum",
         lambda: st.mse_loss(x, lp, reduction="sum")),
        (lambda: st.mse_loss(x, lp, size_average=False), lambda: F.mse_loss(T(x), T(lp), size_average=False), "sum",
         lambda: st.mse_loss(x, lp, reduction="sum")),
        (lambda: st.binary_cross_entropy(p, y, None, True, False), lambda: F.binary_cross_entropy(T(p), T(y), None, True, False),
         "none", lambda: st.binary_cross_entropy(p, y, reduction="none")),
        (lambda: st.binary_cross_entropy_with_logits(x, y, None, None, True, "sum"),
         lambda: F.binary_cross_entropy_with_logits(T(x), T(y), None, None, True, "sum"), "mean",
         lambda: st.binary_cross_entropy_with_logits(x, y)),
        (lambda: st.poisson_nll_loss(x / 3, y, True, False, False), lambda: F.poisson_nll_loss(T(x / 3), T(y), True, False, False),
         "sum", lambda: st.poisson_nll_loss(x / 3, y, reduction="sum")),
        (lambda: st.multilabel_soft_margin_loss(x, y, w, None, False),
         lambda: F.multilabel_soft_margin_loss(T(x), T(y), T(w), None, False), "none",
         lambda: st.multilabel_soft_margin_loss(x, y, w, reduction="none")),
    ]
    for ours, theirs, _, plain in calls:
        got = np.asarray(ours())
        assert np.array_equal(got, np.asarray(plain())), (ours, got)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's deprecation warnings for size_average/reduce
            want = theirs().numpy()
        assert got.shape == want.shape
        assert np.all(np.abs(got - want) <= 4 * np.spacing(np.abs(got)) + 1e-300), (theirs, got, want)
    # the Accumulator takes them too
    acc = shannon.Accumulator(st.cross_entropy, size_average=False)
    acc.update(x[:3], t[:3]).update(x[3:], t[3:])
    assert acc.result() == st.cross_entropy(x, t, reduction="sum")


def test_broadcast_targets_per_element_weights_and_empty_batches_as_pytorch():
    """The argument shapes PyTorch's OpInfo samples use and shannon used to refuse: gaussian_nll_loss with a
    broadcast target and var one dimension fewer or with a last dimension of 1; kl_div and poisson_nll_loss
    with a (C,) target against (N, C); multilabel_soft_margin_loss with a per-element weight and a 3-D
    input; and empty batches (mean: NaN, sum: 0, none: empty), each against PyTorch (within 4 ulps; the
    conventions exactly)."""
    import warnings

    rng = np.random.default_rng(74)
    T = torch.from_numpy
    x = rng.standard_normal((5, 4))
    calls = [
        (lambda: st.gaussian_nll_loss(x, x[0], rng_var), lambda: F.gaussian_nll_loss(T(x), T(x[0]), T(rng_var)))
        for rng_var in [rng.uniform(0.1, 2, (5, 4))]
    ] + [
        (lambda: st.gaussian_nll_loss(x, x[:, :1] * 2, v), lambda: F.gaussian_nll_loss(T(x), T(x[:, :1] * 2), T(v)))
        for v in [rng.uniform(0.1, 2, 5), rng.uniform(0.1, 2, (5, 1))]
    ] + [
        (lambda: st.kl_div(np.log(rng_q), rng_p, reduction="sum"), lambda: F.kl_div(T(np.log(rng_q)), T(rng_p), reduction="sum"))
        for rng_q, rng_p in [(rng.dirichlet(np.ones(4), 5), rng.dirichlet(np.ones(4)))]
    ] + [
        (lambda: st.poisson_nll_loss(x, np.arange(4.0)), lambda: F.poisson_nll_loss(T(x), T(np.arange(4.0)))),
        (lambda: st.multilabel_soft_margin_loss(x, (x > 0).astype(float), weight=np.abs(x[::-1]).copy()),
         lambda: F.multilabel_soft_margin_loss(T(x), T((x > 0).astype(float)), weight=T(np.abs(x[::-1]).copy()))),
        (lambda: st.multilabel_soft_margin_loss(x.reshape(5, 2, 2), (x > 0).astype(float).reshape(5, 2, 2), reduction="none"),
         lambda: F.multilabel_soft_margin_loss(T(x.reshape(5, 2, 2)), T((x > 0).astype(float).reshape(5, 2, 2)),
                                               reduction="none")),
    ]
    empty, labels = np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
    for red in ("mean", "sum", "none"):
        calls += [(lambda red=red: st.cross_entropy(empty, labels, reduction=red),
                   lambda red=red: F.cross_entropy(T(empty), T(labels), reduction=red)),
                  (lambda red=red: st.nll_loss(empty, labels, reduction=red), lambda red=red: F.nll_loss(T(empty), T(labels), reduction=red)),
                  (lambda red=red: st.mse_loss(empty, empty, reduction=red), lambda red=red: F.mse_loss(T(empty), T(empty), reduction=red)),
                  (lambda red=red: st.binary_cross_entropy(empty, empty, reduction=red),
                   lambda red=red: F.binary_cross_entropy(T(empty), T(empty), reduction=red))]
    calls.append((lambda: st.kl_div(empty, empty, reduction="batchmean"), lambda: F.kl_div(T(empty), T(empty), reduction="batchmean")))
    for ours, theirs in calls:
        got = np.asarray(ours())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = theirs().numpy()
        assert got.shape == want.shape, (theirs, got.shape, want.shape)
        assert np.array_equal(np.isnan(got), np.isnan(want))
        ok = ~np.isnan(want)
        assert np.all(np.abs(got[ok] - want[ok]) <= 4 * np.spacing(np.abs(want[ok])) + 1e-300), (theirs, got, want)
    with pytest.raises(ValueError, match="the gradient is given where the loss has input's shape"):
        st.poisson_nll_loss_grad(x[0], x)


def test_pytorchs_own_opinfo_samples(capsys):
    """scripts/torch_opinfo.py: every OpInfo sample input of Debian's PyTorch for the functions shannon.torch
    and shannon.torch.special reproduce (float64 and float32), called as PyTorch's tests call them: none
    refused, the shapes, dtypes and NaN/inf patterns PyTorch's, and every float32 result within 1 ulp of
    PyTorch's float64 evaluation of the same inputs rounded to float32 (an independent reference)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "torch_opinfo.py"
    spec = importlib.util.spec_from_file_location("torch_opinfo", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    t = module.main()
    print(capsys.readouterr().out.splitlines()[-1])
    assert t["samples"] >= 1200
    assert t["refused"] == 0 and t["mismatch"] == 0
    assert t["f32_agree"] == t["f32"] >= 600


@pytest.mark.parametrize("kind", [np.float64, np.float32])
def test_pointwise_losses_against_mpmath(kind):
    """l1_loss, smooth_l1_loss (beta), huber_loss (delta) and soft_margin_loss: every element ('none') and the
    mean equal to mpmath's value rounded to the dtype, on random inputs and at the threshold (|d| = beta one
    ulp either side, where the two pieces meet)."""
    rng = np.random.default_rng(75)
    x = (rng.standard_normal(200) * 3).astype(kind)
    y = (rng.standard_normal(200) * 3).astype(kind)
    beta = kind(0.75)
    x[:6] = [beta, np.nextafter(beta, kind(0)), np.nextafter(beta, kind(2)), -beta, kind(0), kind(40)]
    y[:6] = 0
    ys = np.sign(y).astype(kind)
    ys[ys == 0] = 1
    bits = 53 if kind is np.float64 else 24

    def rnd(v):
        with mpmath.workprec(bits):
            return kind(float(+v))

    M = mpmath.mpf
    b = M(float(beta))

    def smooth(d):
        z = abs(d)
        return z * z / (2 * b) if z < b else z - b / 2

    def huber(d):
        z = abs(d)
        return z * z / 2 if z < b else b * (z - b / 2)

    cases = [(st.l1_loss, {}, lambda a, c: abs(a - c), y), (st.smooth_l1_loss, {"beta": float(beta)}, lambda a, c: smooth(a - c), y),
             (st.huber_loss, {"delta": float(beta)}, lambda a, c: huber(a - c), y),
             (st.soft_margin_loss, {}, lambda a, c: mpmath.log1p(mpmath.exp(-c * a)), ys)]
    with mpmath.workprec(300):
        for f, kw, formula, target in cases:
            terms = [formula(M(float(a)), M(float(c))) for a, c in zip(x, target)]
            got = f(x, target, reduction="none", **kw)
            assert got.dtype == kind
            assert np.array_equal(got, np.array([rnd(v) for v in terms], dtype=kind)), f.__name__
            assert f(x, target, **kw) == rnd(mpmath.fsum(terms) / len(terms)), f.__name__
            assert f(x, target, reduction="sum", **kw) == rnd(mpmath.fsum(terms)), f.__name__
    with pytest.raises(ValueError, match="'beta' is -1"):
        st.smooth_l1_loss(x, y, beta=-1.0)
