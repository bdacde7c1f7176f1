"""shannon.optax against optax's formulas (optax/losses/_classification.py) evaluated in mpmath at 300 bits.

optax and JAX are not in Debian, so these references are the independent computation; the expected values
are their correct roundings, and the IEEE conventions (0 * inf = NaN) are checked on their own.
"""

import mpmath
import numpy as np
import pytest

from shannon import optax

mpmath.mp.prec = 300
rng = np.random.default_rng(2026)


def mp(x):
    return mpmath.mpf(float(x))


def rn(x, dtype=np.float64):
    with mpmath.workprec(24 if dtype == np.float32 else 53):
        return dtype(float(+x)) if dtype == np.float32 else float(+x)


def log_softmax(row):
    row = [mp(v) for v in row]
    m = max(row)
    lse = m + mpmath.log(mpmath.fsum(mpmath.exp(v - m) for v in row))
    return [v - lse for v in row]


def expect(actual, ref, dtype):
    np.testing.assert_array_equal(np.asarray(actual), np.array([rn(v, dtype) for v in ref], dtype=dtype))


def logits(n, c, hard):
    x = rng.normal(0, 4, size=(n, c))
    if hard:
        x[0, :] = [50.0] + [-50.0] * (c - 1)  # a confident, correct row: the loss is ~e^-100
        x[1, 0] = 1e-30
        x[2, :] = 0.0
    return x


CASES = [(k, d) for k in ("random", "hard") for d in (np.float64, np.float32)]


@pytest.mark.parametrize("kind,dtype", CASES)
def test_softmax_cross_entropy(kind, dtype):
    x = logits(6, 5, kind == "hard").astype(dtype)
    t = rng.integers(0, 5, size=6)
    t[0] = 0
    y = np.eye(5)[t]
    soft = rng.dirichlet(np.ones(5), size=6)
    for labels in (y, soft):
        ref = [-mpmath.fsum(mp(a) * b for a, b in zip(ly, log_softmax(lx))) for lx, ly in zip(x, labels)]
        expect(optax.softmax_cross_entropy(x, labels), ref, dtype)
        expect(optax.safe_softmax_cross_entropy(x, labels), ref, dtype)
    ref = [-log_softmax(lx)[k] for lx, k in zip(x, t)]
    expect(optax.softmax_cross_entropy_with_integer_labels(x, t), ref, dtype)


@pytest.mark.parametrize("kind,dtype", CASES)
def test_sigmoid_binary_cross_entropy(kind, dtype):
    x = logits(4, 5, kind == "hard").astype(dtype)
    y = rng.random((4, 5))
    y[0, 0] = 1.0

    def ref(a, b):
        a = mp(a)
        log_p = -mpmath.log1p(mpmath.exp(-a))
        log_not_p = -mpmath.log1p(mpmath.exp(a))
        return -mp(b) * log_p - (1 - mp(b)) * log_not_p

    got = optax.sigmoid_binary_cross_entropy(x, y)
    assert got.shape == (4, 5)
    expect(got.ravel(), [ref(a, b) for a, b in zip(x.ravel(), y.ravel())], dtype)


@pytest.mark.parametrize("kind,dtype", CASES)
def test_kl_divergences(kind, dtype):
    p = rng.dirichlet(np.ones(5), size=6)
    q = rng.dirichlet(np.ones(5), size=6)
    if kind == "hard":
        q[0] = p[0] * (1 + 1e-9 * rng.standard_normal(5))  # nearly equal: the divergence is ~1e-19
        p[1, 0] = 0.0
    lq = np.log(q).astype(dtype)

    def kl(lp, t):
        return mpmath.fsum(mp(b) * ((mpmath.log(mp(b)) if b != 0 else 0) - mp(a)) for a, b in zip(lp, t))

    expect(optax.kl_divergence(lq, p), [kl(a, b) for a, b in zip(lq, p)], dtype)
    gen = [kl(a, b) + mpmath.fsum(mpmath.exp(mp(u)) - mp(v) for u, v in zip(a, b)) for a, b in zip(lq, p)]
    expect(optax.generalized_kl_divergence(lq, p), gen, dtype)
    lp = np.log(np.where(p == 0, 1e-300, p))
    ref = [mpmath.fsum(mpmath.exp(mp(b)) * (mp(b) - mp(a)) for a, b in zip(la, lb)) for la, lb in zip(lq, lp)]
    expect(optax.kl_divergence_with_log_targets(lq, lp), ref, dtype)


def test_conventions():
    # 0 * -inf: NaN in softmax_cross_entropy, 0 in safe_softmax_cross_entropy
    assert np.isnan(optax.softmax_cross_entropy([[-np.inf, 0.0]], [[0.0, 1.0]])[0])
    assert optax.safe_softmax_cross_entropy([[-np.inf, 0.0]], [[0.0, 1.0]])[0] == 0.0
    # a zero target next to a -inf log-prediction: 0 * inf
    assert np.isnan(optax.kl_divergence([[-np.inf, 0.0]], [[0.0, 1.0]])[0])
    assert optax.kl_divergence([[np.log(0.5), np.log(0.5)]], [[0.0, 1.0]])[0] == rn(mpmath.log(2))
    # axis and shapes
    x = logits(6, 4, False).reshape(2, 3, 4)
    assert optax.softmax_cross_entropy(x, np.eye(4)[[0, 1, 2]]).shape == (2, 3)
    assert optax.softmax_cross_entropy(x, np.eye(3)[[0, 1, 2, 0]].T[None, :, :], axis=1).shape == (2, 4)
    assert optax.softmax_cross_entropy_with_integer_labels(x, [[0, 1, 2], [3, 0, 1]]).shape == (2, 3)


def test_errors():
    with pytest.raises(ValueError, match="class index"):
        optax.softmax_cross_entropy_with_integer_labels([[0.0, 1.0]], [2])
    with pytest.raises(ValueError, match="same length|broadcast"):
        optax.softmax_cross_entropy([[0.0, 1.0]], [[1.0, 0.0, 0.0]])
    with pytest.raises(TypeError):
        optax.softmax_cross_entropy_with_integer_labels([[0.0, 1.0]], [0.5])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_regression_losses_against_optax_formulas(dtype):
    """optax/losses/_regression.py's squared_error, l2_loss, huber_loss (jnp.minimum's split) and log_cosh
    (logaddexp(d, -d) - log(2) with log(2) in the errors' dtype) in mpmath, elementwise, on random and
    hard errors: 0, +-delta and one ulp either side, large |d| where cosh overflows a double."""
    n = 60
    p = (rng.normal(0, 3, n)).astype(dtype)
    t = (rng.normal(0, 3, n)).astype(dtype)
    delta = 1.5
    t[:6] = p[:6]  # d = 0
    t[6:9] = p[6:9] - dtype(delta)
    t[9] = np.nextafter(t[8], dtype(np.inf))
    p[10:13] = dtype(800.0) * np.array([1, -1, 1], dtype=dtype)
    t[10:13] = 0
    log2 = mp(dtype(np.log(2.0)))

    def d(i):
        return mp(p[i]) - mp(t[i])

    def huber(x):
        a = abs(x)
        quad = min(a, mp(delta))
        return quad ** 2 / 2 + mp(delta) * (a - quad)

    refs = {
        "squared_error": (optax.squared_error(p, t), [d(i) ** 2 for i in range(n)]),
        "l2_loss": (optax.l2_loss(p, t), [d(i) ** 2 / 2 for i in range(n)]),
        "huber_loss": (optax.huber_loss(p, t, delta=delta), [huber(d(i)) for i in range(n)]),
        "log_cosh": (optax.log_cosh(p, t), [mpmath.log(mpmath.exp(d(i)) + mpmath.exp(-d(i))) - log2 for i in range(n)]),
        "log_cosh (no targets)": (optax.log_cosh(p), [mpmath.log(mpmath.exp(mp(v)) + mpmath.exp(-mp(v))) - log2 for v in p]),
    }
    for name, (got, ref) in refs.items():
        assert np.asarray(got).dtype == dtype, name
        expect(got, ref, dtype)
    # log_cosh(0) is log 2 minus its rounding in the dtype, as optax computes it
    assert optax.log_cosh(np.zeros(1, dtype))[0] == rn(mpmath.log(2) - log2, dtype)


# ---- sigmoid_focal_loss, poly_loss_cross_entropy, convex_kl_divergence -------------------------------

def sigmoid_mp(v):
    if mpmath.isinf(v):
        return mpmath.mpf(1 if v > 0 else 0)
    return 1 / (1 + mpmath.exp(-v))


def softplus_mp(v):
    if mpmath.isinf(v):
        return v if v > 0 else mpmath.mpf(0)
    return mpmath.log1p(mpmath.exp(v))


def ieee(a, b):
    """a * b with IEEE's 0 * inf = NaN."""
    if (a == 0 and mpmath.isinf(b)) or (b == 0 and mpmath.isinf(a)):
        return mpmath.nan
    return a * b


def focal_ref(x, y, gamma, alpha, dtype):
    """optax 0.2.5's sigmoid_focal_loss in mpmath; gamma and alpha (and the Python float 1 - alpha) rounded
    to the logits' dtype as JAX's weak typing does."""
    g = mp(rn(mp(gamma), dtype))
    out = []
    for a, b in zip(x, y):
        a, b = mp(a), mp(b)
        ce = ieee(b, softplus_mp(-a)) + ieee(1 - b, softplus_mp(a))
        u = (1 - b) * sigmoid_mp(a) + b * sigmoid_mp(-a)
        if u < 0:
            w = mpmath.nan
        elif u == 0:
            w = mpmath.mpf(0) if g > 0 else mpmath.nan if g == 0 else mpmath.inf
        else:
            w = mpmath.exp(g * mpmath.log(u))
        v = ieee(ce, w)
        if alpha is not None:
            al = mp(rn(mp(alpha), dtype))
            bl = mp(rn(mp(1.0 - alpha), dtype))
            v = ieee(al * b + bl * (1 - b), v)
        out.append(v)
    return out


def expect_nan(actual, ref, dtype):
    got = np.asarray(actual).ravel()
    want = np.array([np.nan if mpmath.isnan(v) else rn(v, dtype) for v in ref], dtype=dtype)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("gamma,alpha", [(2.0, None), (0.5, 0.25), (0.0, 0.1), (3.3, None)])
def test_sigmoid_focal_loss(dtype, gamma, alpha):
    x = rng.normal(0, 5, 40).astype(dtype)
    y = rng.random(40)
    x[:6] = [np.inf, -np.inf, np.inf, 0.0, 60.0, -60.0]
    y[:6] = [0.0, 0.0, 1.0, 0.5, 1.0, 0.0]  # wrong-side infinities (inf), a NaN (0 * inf), confident rows
    yd = y.astype(dtype)  # labels cast to the logits' dtype
    got = optax.sigmoid_focal_loss(x, y, alpha=alpha, gamma=gamma)
    assert got.dtype == dtype
    expect_nan(got, focal_ref(x, yd, gamma, alpha, dtype), dtype)


def test_sigmoid_focal_loss_conventions():
    # a label outside [0, 1] can make 1 - p_t negative: optax's logsumexp of a negative sum is NaN
    assert np.isnan(optax.sigmoid_focal_loss(np.array([5.0]), np.array([2.0]))[0])  # -sigmoid(5) + 2 sigmoid(-5)
    # gamma = 0 at 1 - p_t = 0: exp(0 * -inf) is NaN in JAX, and so here
    assert np.isnan(optax.sigmoid_focal_loss(np.array([np.inf]), np.array([1.0]), gamma=0.0)[0])
    # the focal weight of a confident, correct logit: ce e^(-2 * 40) ~ e^-120, far below optax's float64
    # cancellation-free value? optax's log-space form is accurate here too; the exact value:
    v = optax.sigmoid_focal_loss(np.array([40.0]), np.array([1.0]))[0]
    with mpmath.workprec(300):
        want = softplus_mp(mp(-40)) * sigmoid_mp(mp(-40)) ** 2
    assert v == rn(want)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_poly_loss_cross_entropy(dtype):
    x = logits(8, 5, True).astype(dtype)
    y = rng.dirichlet(np.ones(5), 8)
    y[0] = [1, 0, 0, 0, 0]  # the confident row: 1 - p is ~e^-100, formed without cancellation
    for eps in (2.0, -1.0, 0.1):
        ref = []
        # epsilon = -1 cancels the confident row's first order: its value is R^2 / 2 ~ 1e-86 with
        # ce ~ 50 - logsumexp, so the reference needs ~600 bits more than the value's 53
        ctx = mpmath.workprec(1200)
        ctx.__enter__()
        e = mp(rn(mp(eps), dtype))
        for row, lab in zip(x, y):
            ls = log_softmax(row)
            ce = -mpmath.fsum(mp(b) * v for b, v in zip(lab, ls))
            # 1 - p_k as the sum of the other probabilities
            p = [mpmath.exp(v) for v in ls]
            one_minus = [mpmath.fsum(p[:k] + p[k + 1:]) for k in range(len(p))]
            ref.append(ce + e * mpmath.fsum(mp(b) * v for b, v in zip(lab, one_minus)))
        ctx.__exit__(None, None, None)
        expect(optax.poly_loss_cross_entropy(x, y, epsilon=eps), ref, dtype)
    got = optax.poly_loss_cross_entropy(x.T.copy(), y.T.copy(), epsilon=0.1, axis=0)
    expect(got, [r for r in ref], dtype)
    # a +inf logit: JAX's softmax is NaN (inf - inf)
    assert np.isnan(optax.poly_loss_cross_entropy(np.array([[np.inf, 0.0]]), np.array([[1.0, 0.0]]))[0])


def test_convex_kl_divergence_is_generalized():
    lp = np.log(rng.dirichlet(np.ones(4), 3))
    t = rng.random((3, 4))
    np.testing.assert_array_equal(optax.convex_kl_divergence(lp, t), optax.generalized_kl_divergence(lp, t))
    np.testing.assert_array_equal(optax.convex_kl_divergence_grad(lp, t), optax.generalized_kl_divergence_grad(lp, t))
