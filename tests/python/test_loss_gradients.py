"""The gradients of the pointwise losses (PyTorch's l1, smooth_l1, huber, soft_margin), and of optax's and
Keras' losses (issue 19, item 4), against their derivatives evaluated in mpmath at 300 bits (the
independent computation; JAX, optax and Keras are not in Debian), each expected value the correct
rounding of the exact derivative; PyTorch's autograd where it is installed, with its conventions at 0,
at the pieces' boundaries and at +-inf, and where it is off (soft_margin_loss's NaN)."""

import mpmath
import numpy as np
import pytest

import shannon.keras as K
import shannon.optax as O
import shannon.torch as T

mpmath.mp.prec = 300
rng = np.random.default_rng(1919)


def mp(x):
    return mpmath.mpf(float(x))


def rn(x, dtype=np.float64):
    if mpmath.isnan(x):
        return dtype(np.nan)
    if mpmath.isinf(x):
        return dtype(float(x))
    with mpmath.workprec(24 if dtype == np.float32 else 53):
        return dtype(float(+x))


def expect(actual, ref, dtype):
    want = np.array([rn(v, dtype) for v in ref], dtype=dtype)
    got = np.asarray(actual).ravel()
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, want)


def sgn(d):
    return mpmath.mpf(1) if d > 0 else mpmath.mpf(-1) if d < 0 else mpmath.mpf(0)


def tanh(d):
    return sgn(d) if mpmath.isinf(d) else mpmath.tanh(d)


def sigmoid(v):
    if mpmath.isinf(v):
        return mpmath.mpf(1 if v > 0 else 0)
    return 1 / (1 + mpmath.exp(-v))


DERIVATIVES = {  # d l / d x at d = x - y, as ATen's backward formulas
    "l1_loss": lambda x, y, p: sgn(x - y),
    # ATen tests d <= -beta first: with beta = 0 the derivative at d = 0 is -1
    "smooth_l1_loss": lambda x, y, p: (1 if x > y else -1) if p == 0 else sgn(x - y) if abs(x - y) >= p else (x - y) / p,
    "huber_loss": lambda x, y, p: (x - y) if abs(x - y) <= p else p * sgn(x - y),
    "soft_margin_loss": lambda x, y, p: -y * sigmoid(-y * x),
}


def pairs(dtype, hard):
    x = rng.normal(0, 3, 64).astype(dtype)
    y = rng.normal(0, 3, 64).astype(dtype)
    if hard:  # d = 0, |d| exactly at the threshold 1, one ulp either side, tiny and huge differences
        x[:8] = [1.0, 2.0, 2.0, 2.0, 1e-30, 0.5, 7.0, -3.0]
        y[:8] = [1.0, 1.0, 3.0, np.nextafter(dtype(1), dtype(0)), 0.0, 0.5 + 2.0 ** -20, -1e30 if dtype == np.float64 else -1e30,
                 -2.0]
    return x, y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_torch_pointwise_gradients_against_mpmath(name, hard, dtype):
    x, y = pairs(dtype, hard)
    if name == "soft_margin_loss":
        y = np.where(np.arange(64) % 2 == 0, 1.0, -1.0).astype(dtype)
    p = 1.0
    grad = getattr(T, name + "_grad")
    kwargs = {"beta": p} if name == "smooth_l1_loss" else {"delta": p} if name == "huber_loss" else {}
    ref = [DERIVATIVES[name](mp(a), mp(b), mpmath.mpf(p)) for a, b in zip(x, y)]
    expect(grad(x, y, reduction="none", **kwargs), ref, dtype)
    expect(grad(x, y, reduction="sum", **kwargs), ref, dtype)
    expect(grad(x, y, reduction="mean", **kwargs), [r / len(x) for r in ref], dtype)


def test_torch_pointwise_gradients_against_autograd():
    torch = pytest.importorskip("torch")
    x, y = pairs(np.float64, True)
    ys = np.where(np.arange(64) % 2 == 0, 1.0, -1.0)
    for name, target, kwargs in (("l1_loss", y, {}), ("smooth_l1_loss", y, {"beta": 1.0}),
                                 ("smooth_l1_loss", y, {"beta": 0.0}), ("huber_loss", y, {"delta": 1.0}),
                                 ("huber_loss", y, {"delta": 0.25}), ("soft_margin_loss", ys, {})):
        for reduction in ("mean", "sum"):
            xt = torch.tensor(x, requires_grad=True)
            getattr(torch.nn.functional, name)(xt, torch.tensor(target), reduction=reduction, **kwargs).backward()
            ours = getattr(T, name + "_grad")(x, target, reduction=reduction, **kwargs)
            # ATen's formulas, one or two roundings: within 1 ulp of the exact value
            np.testing.assert_allclose(xt.grad.numpy(), ours, rtol=2.3e-16, atol=0, err_msg=f"{name} {kwargs}")


def test_soft_margin_gradient_where_torch_is_nan():
    """ATen's soft_margin_loss backward computes z / (1 + z) with z = exp(-y x): NaN once z overflows
    (-y x > 709.78 in float64), where the exact derivative is -y sigmoid(-y x), i.e. -y to the last bit."""
    torch = pytest.importorskip("torch")
    x = np.array([-800.0, -710.0, 800.0, -0.5])
    y = np.array([1.0, 1.0, -1.0, 1.0])
    xt = torch.tensor(x, requires_grad=True)
    torch.nn.functional.soft_margin_loss(xt, torch.tensor(y), reduction="sum").backward()
    assert np.isnan(xt.grad.numpy()[:3]).all()
    ours = T.soft_margin_loss_grad(x, y, reduction="sum")
    assert list(ours[:3]) == [-1.0, -1.0, 1.0]
    assert ours[3] == rn(-sigmoid(mpmath.mpf(0.5)))
    # at an infinite -y x, ATen's inf / inf: NaN, reproduced
    assert np.isnan(T.soft_margin_loss_grad(np.array([-np.inf]), np.array([1.0]), reduction="sum")[0])


def test_torch_pointwise_gradient_conventions():
    g = T.l1_loss_grad(np.array([np.inf, np.nan, 2.0]), np.array([np.inf, 0.0, 2.0]), reduction="sum")
    assert np.isnan(g[0]) and np.isnan(g[1]) and g[2] == 0.0
    with pytest.raises(ValueError, match="'delta'"):
        T.huber_loss_grad(np.array([1.0]), np.array([0.0]), delta=-1.0)


# ---- optax ------------------------------------------------------------------------------------------

def softmax(row):
    row = [mp(v) for v in row]
    m = max(row)
    e = [mpmath.exp(v - m) for v in row]
    s = mpmath.fsum(e)
    return [v / s for v in e]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_optax_softmax_cross_entropy_grads(dtype):
    x = rng.normal(0, 4, (6, 5)).astype(dtype)
    x[0] = [50, -50, -50, -50, -50]
    labels = rng.dirichlet(np.ones(5), 6)
    labels[1] = [0, 0, 2.0, 0, -0.5]  # not a distribution: optax does not care, nor does its gradient
    ref = []
    for row, lab in zip(x, labels):
        s = softmax(row)
        total = mpmath.fsum(mp(v) for v in lab)
        ref += [sk * total - mp(v) for sk, v in zip(s, lab)]
    expect(O.softmax_cross_entropy_grad(x, labels), ref, dtype)
    expect(O.safe_softmax_cross_entropy_grad(x, labels), ref, dtype)
    # over axis 0: the transposed problem
    got = O.softmax_cross_entropy_grad(x.T.copy(), labels.T.copy(), axis=0)
    assert got.shape == (5, 6)
    expect(got.T, ref, dtype)
    t = rng.integers(0, 5, 6)
    ref = []
    for row, k in zip(x, t):
        ref += [sk - (1 if j == k else 0) for j, sk in enumerate(softmax(row))]
    expect(O.softmax_cross_entropy_with_integer_labels_grad(x, t), ref, dtype)
    with pytest.raises(ValueError, match=r"softmax_cross_entropy_with_integer_labels_grad: argument 'labels' at index 2 is 5"):
        O.softmax_cross_entropy_with_integer_labels_grad(x[:3], np.array([0, 1, 5]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_optax_elementwise_grads(dtype):
    x = rng.normal(0, 4, 40).astype(dtype)
    x[:4] = [np.inf, -np.inf, 0.0, 40.0]
    y = rng.random(40)
    y[:4] = [1.0, 0.0, 0.5, 1.0]
    expect(O.sigmoid_binary_cross_entropy_grad(x, y), [sigmoid(mp(a)) - mp(b) for a, b in zip(x, y)], dtype)
    lp = rng.normal(-2, 1, 40).astype(dtype)
    expect(O.kl_divergence_grad(lp, y), [-mp(b) for b in y], dtype)
    expect(O.kl_divergence_with_log_targets_grad(lp, np.log(y)), [-mpmath.exp(mp(b)) for b in np.log(y)], dtype)
    expect(O.generalized_kl_divergence_grad(lp, y), [mpmath.exp(mp(a)) - mp(b) for a, b in zip(lp, y)], dtype)
    p = rng.normal(0, 2, 40).astype(dtype)
    q = rng.normal(0, 2, 40).astype(dtype)
    p[:3] = [1.0, 1.5, np.inf]
    q[:3] = [1.0, 0.5, 0.0]  # d = 0, |d| = delta exactly, d = inf
    d = [mp(a) - mp(b) for a, b in zip(p, q)]
    expect(O.squared_error_grad(p, q), [2 * v for v in d], dtype)
    expect(O.l2_loss_grad(p, q), d, dtype)
    expect(O.huber_loss_grad(p, q, delta=1.0), [v if abs(v) <= 1 else sgn(v) for v in d], dtype)
    expect(O.log_cosh_grad(p, q), [tanh(v) for v in d], dtype)
    expect(O.log_cosh_grad(p), [tanh(mp(v)) for v in p], dtype)  # targets None: the predictions are the errors
    tiny = np.array([1e-300, 3e-8], dtype=np.float64)  # tanh(d) = d (1 - d^2 / 3): no cancellation
    expect(O.log_cosh_grad(tiny), [mpmath.tanh(mp(v)) for v in tiny], np.float64)


# ---- Keras ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.filterwarnings("ignore::shannon.UndeterminedWarning")  # d / 6 is often an exact tie of two floats
def test_keras_regression_grads(dtype):
    y_true = rng.normal(0, 2, (4, 6))
    y_pred = rng.normal(0, 2, (4, 6)).astype(dtype)
    yt = y_true.astype(dtype)  # Keras casts y_true to y_pred's dtype
    d = [mp(a) - mp(b) for a, b in zip(y_pred.ravel(), yt.ravel())]
    expect(K.huber_grad(y_true, y_pred, delta=1.5), [(v if abs(v) <= 1.5 else 1.5 * sgn(v)) / 6 for v in d], dtype)
    expect(K.log_cosh_grad(y_true, y_pred), [tanh(v) / 6 for v in d], dtype)
    expect(K.log_cosh_grad(y_true, y_pred, reduction="sum_over_batch_size"), [tanh(v) / 24 for v in d], dtype)
    with pytest.raises(ValueError, match="sample_weight"):
        K.huber_grad(y_true, y_pred, sample_weight=np.ones(4))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("from_logits,smoothing", [(False, 0.0), (False, 0.1), (True, 0.0), (True, 0.2)])
def test_keras_binary_crossentropy_grad(dtype, from_logits, smoothing):
    eps = 1e-7
    lo, hi = mp(dtype(eps)), mp(dtype(1.0 - eps))  # Keras' clip bounds, rounded to y_pred's dtype
    y_true = rng.integers(0, 2, (4, 5)).astype(np.float64)
    if from_logits:
        y_pred = rng.normal(0, 4, (4, 5)).astype(dtype)
        y_pred[0, :3] = [0.0, 40.0, -np.inf]
    else:
        y_pred = rng.random((4, 5)).astype(dtype)
        # on the bounds (the gradient passes), beyond them (stopped), and the ends
        y_pred[0] = [dtype(eps), dtype(1.0 - eps), 0.0, 1.0, np.nextafter(dtype(eps), dtype(0))]
    ref = []
    for yt_row, yp_row in zip(y_true, y_pred):
        for yt, yp in zip(yt_row, yp_row):
            y = mp(yt) * (1 - mp(smoothing)) + mp(smoothing) / 2
            v = mp(yp)
            if from_logits:
                ref.append((sigmoid(v) - y) / 5)
            elif lo <= v <= hi:
                ref.append((v - y) / (v * (1 - v)) / 5)
            else:
                ref.append(mpmath.mpf(0))
    got = K.binary_crossentropy_grad(y_true, y_pred, from_logits=from_logits, label_smoothing=smoothing)
    assert got.shape == y_pred.shape
    expect(got, ref, dtype)
    w = np.array([1.0, 0.5, 2.0, 0.0])
    expect(K.binary_crossentropy_grad(y_true, y_pred, from_logits=from_logits, label_smoothing=smoothing,
                                      reduction="sum_over_batch_size", sample_weight=w),
           [r * mp(w[i // 5]) / 4 for i, r in enumerate(ref)], dtype)
    # over axis 0: the transposed problem
    expect(K.binary_crossentropy_grad(y_true.T.copy(), y_pred.T.copy(), from_logits=from_logits,
                                      label_smoothing=smoothing, axis=0).T, ref, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("from_logits,smoothing", [(False, 0.0), (False, 0.1), (True, 0.0), (True, 0.2)])
def test_keras_categorical_crossentropy_grad(dtype, from_logits, smoothing):
    eps = 1e-7
    lo, hi = mp(dtype(eps)), mp(dtype(1.0 - eps))
    c = 5
    y_true = np.eye(c)[rng.integers(0, c, 6)]
    y_true[1] = [0.2, 0.3, 0.5, 0.0, 0.0]
    if from_logits:
        y_pred = rng.normal(0, 4, (6, c)).astype(dtype)
        y_pred[0] = [60.0, -60.0, 0.0, 1.0, -1.0]
    else:
        y_pred = (rng.random((6, c)) * 3).astype(dtype)  # unnormalized: Keras divides by the sum
        y_pred[0] = [1.0, 0.0, 0.0, 1e-12, 2.0]  # clipped below (0, 1e-12 / 3) and the others inside
    ref = []
    for yt_row, yp_row in zip(y_true.astype(dtype), y_pred):  # Keras casts y_true to y_pred's dtype
        y = [mp(v) * (1 - mp(smoothing)) + mp(smoothing) / c for v in yt_row]
        v = [mp(a) for a in yp_row]
        if from_logits:
            m = max(v)
            e = [mpmath.exp(a - m) for a in v]
            s = mpmath.fsum(e)
            ref += [ek / s * mpmath.fsum(y) - yk for ek, yk in zip(e, y)]
        else:
            s = mpmath.fsum(v)
            o = [a / s for a in v]
            g = [-yk / ok if lo <= ok <= hi else mpmath.mpf(0) for yk, ok in zip(y, o)]
            d = mpmath.fsum(gk * ok for gk, ok in zip(g, o))
            ref += [(gk - d) / s for gk in g]
    got = K.categorical_crossentropy_grad(y_true, y_pred, from_logits=from_logits, label_smoothing=smoothing)
    assert got.shape == y_pred.shape
    expect(got, ref, dtype)
    expect(K.categorical_crossentropy_grad(y_true, y_pred, from_logits=from_logits, label_smoothing=smoothing,
                                           reduction="sum_over_batch_size"), [r / 6 for r in ref], dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("from_logits", [False, True])
def test_keras_sparse_categorical_crossentropy_grad(dtype, from_logits):
    """Of log sum_k clip(p_k) - log clip(p_y) (clip, then renormalize; the clip's gradient 1 on its bounds, 0
    beyond) or -log softmax(x)_y; ignored samples 0 and out of the mean's count."""
    eps = 1e-7
    lo, hi = mp(dtype(eps)), mp(dtype(1.0 - eps))
    c = 5
    labels = np.array([0, 4, -1, 2, 3, 1])
    if from_logits:
        y_pred = rng.normal(0, 4, (6, c)).astype(dtype)
        y_pred[0] = [60.0, -60.0, 0.0, 1.0, -1.0]
    else:
        y_pred = (rng.random((6, c)) * 1.5).astype(dtype)  # unnormalized, some above 1 - eps (clipped: no gradient)
        y_pred[0] = [dtype(eps), 0.0, 1e-12, 1.0, dtype(1.0 - eps)]  # on the bounds, beyond, and the ends
    ref = []
    for y, row in zip(labels, y_pred):
        v = [mp(a) for a in row]
        if y == -1:
            ref += [mpmath.mpf(0)] * c
            continue
        if from_logits:
            m = max(v)
            e = [mpmath.exp(a - m) for a in v]
            s = mpmath.fsum(e)
            ref += [ek / s - (1 if k == y else 0) for k, ek in enumerate(e)]
        else:
            clipped = [min(max(a, lo), hi) for a in v]
            s = mpmath.fsum(clipped)
            ref += [(1 / s - (1 / clipped[y] if k == y else 0)) if lo <= a <= hi else mpmath.mpf(0)
                    for k, a in enumerate(v)]
    got = K.sparse_categorical_crossentropy_grad(labels, y_pred, from_logits=from_logits, ignore_class=-1)
    assert got.shape == y_pred.shape
    expect(got, ref, dtype)
    w = np.array([1.0, 0.5, 3.0, 2.0, 0.0, 1.5])
    expect(K.sparse_categorical_crossentropy_grad(labels, y_pred, from_logits=from_logits, ignore_class=-1,
                                                  reduction="sum_over_batch_size", sample_weight=w),
           [r * mp(w[i // c]) / 5 for i, r in enumerate(ref)], dtype)  # 5 samples counted, the ignored one not
    with pytest.raises(ValueError, match="class index"):
        K.sparse_categorical_crossentropy_grad(np.array([0, 5]), y_pred[:2])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_keras_kl_divergence_and_poisson_grads(dtype):
    eps = 1e-7
    lo = mp(dtype(eps))
    y_true = rng.random((4, 5))
    y_true[0, :2] = [0.0, 1.0]
    y_pred = rng.random((4, 5)).astype(dtype)
    y_pred[0] = [dtype(eps), 0.0, 1.0, 1e-12, 0.5]  # on the lower bound, beyond it, on the upper
    yt = y_true.astype(dtype)
    ref = []
    for a, b in zip(yt.ravel(), y_pred.ravel()):
        y, p = min(max(mp(a), lo), 1), mp(b)
        ref.append(-y / p if lo <= p <= 1 else mpmath.mpf(0))
    got = K.kl_divergence_grad(y_true, y_pred)
    assert got.shape == y_pred.shape
    expect(got, ref, dtype)
    expect(K.kl_divergence_grad(y_true, y_pred, reduction="sum_over_batch_size"), [r / 4 for r in ref], dtype)
    counts = rng.poisson(3, (4, 6)).astype(np.float64)
    rates = (rng.random((4, 6)) * 5).astype(dtype)
    e = mp(dtype(eps))
    ref = [(1 - mp(y) / (mp(x) + e)) / 6 for y, x in zip(counts.astype(dtype).ravel(), rates.ravel())]
    expect(K.poisson_grad(counts, rates), ref, dtype)
    w = np.array([2.0, 1.0, 0.5, 1.0])
    expect(K.poisson_grad(counts, rates, reduction="sum_over_batch_size", sample_weight=w),
           [r * mp(w[i // 6]) / 4 for i, r in enumerate(ref)], dtype)


# ---- the focal losses, poly loss and tf.keras 2's binary cross-entropy: each gradient is mpmath's numerical
# derivative (mpmath.diff at 300 bits) of the loss written out in mpmath, not a second copy of the derivative.

def clip(v, lo, hi):
    return min(max(v, lo), hi)


def derivative(f, v, lo=None, hi=None):
    """f'(v); on a clip bound, from the side where the clip passes (tf.clip_by_value's gradient there)."""
    direction = 1 if lo is not None and v == lo else -1 if hi is not None and v == hi else 0
    return mpmath.diff(f, v, direction=direction)


def keras_binary_focal(y, v, from_logits, gamma, balance, alpha, lo, hi):
    p = sigmoid(v) if from_logits else v
    base = y * (1 - p) + (1 - y) * p
    c = clip(p, lo, hi)
    bce = -(y * mpmath.log(c) + (1 - y) * mpmath.log(1 - c))
    w = y * alpha + (1 - y) * (1 - alpha) if balance else 1
    return w * (base ** gamma if gamma else 1) * bce


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("from_logits,gamma,smoothing,balance", [(False, 2.0, 0.0, False), (False, 0.5, 0.1, True),
                                                                 (True, 2.0, 0.0, True), (True, 1.5, 0.2, False)])
def test_keras_binary_focal_crossentropy_grad(dtype, from_logits, gamma, smoothing, balance):
    eps = 1e-7
    lo, hi = mp(dtype(eps)), mp(dtype(1.0 - eps))
    y_true = rng.integers(0, 2, (4, 5)).astype(np.float64)
    if from_logits:
        y_pred = rng.normal(0, 4, (4, 5)).astype(dtype)
        y_pred[0, :2] = [0.0, 30.0]
    else:
        y_pred = rng.random((4, 5)).astype(dtype)
        y_pred[0] = [dtype(eps), dtype(1.0 - eps), 1e-9, 1.0 - 2 ** -23, 0.5]  # on the bounds, beyond them
    ref = []
    for yt, yp in zip(y_true.astype(dtype).ravel(), y_pred.ravel()):
        y = mp(yt) * (1 - mp(smoothing)) + mp(smoothing) / 2
        f = lambda v: keras_binary_focal(y, v, from_logits, mp(gamma), balance, mp(0.25), lo, hi)  # noqa: E731
        ref.append(derivative(f, mp(yp), None if from_logits else lo, None if from_logits else hi) / 5)
    kw = dict(apply_class_balancing=balance, gamma=gamma, from_logits=from_logits, label_smoothing=smoothing)
    got = K.binary_focal_crossentropy_grad(y_true, y_pred, **kw)
    assert got.shape == y_pred.shape
    expect(got, ref, dtype)
    w = np.array([1.0, 0.5, 2.0, 0.0])
    expect(K.binary_focal_crossentropy_grad(y_true, y_pred, reduction="sum_over_batch_size", sample_weight=w, **kw),
           [r * mp(w[i // 5]) / 4 for i, r in enumerate(ref)], dtype)


def test_keras_binary_focal_gradient_where_the_focal_base_is_zero():
    """1 - p_t = 0 (a probability of exactly 0 or 1 on its label): tf.pow's gradient gamma pow(0, gamma - 1)
    is 0 for gamma > 1, 1 for gamma = 1, inf for 0 < gamma < 1 and NaN (0 * inf) for gamma = 0."""
    y_true = np.array([[0.0, 1.0]])
    y_pred = np.array([[0.0, 1.0]])
    # the clipped cross-entropies, over C = 2: -log(1 - clip(0)) = -log(1 - eps), -log(clip(1)) = -log(1 - eps as a double)
    bce0, bce1 = -mpmath.log(1 - mp(1e-7)) / 2, -mpmath.log(mp(1.0 - 1e-7)) / 2
    assert np.array_equal(K.binary_focal_crossentropy_grad(y_true, y_pred, gamma=2.0), [[0.0, 0.0]])
    expect(K.binary_focal_crossentropy_grad(y_true, y_pred, gamma=1.0), [bce0, -bce1], np.float64)  # (1 - 2 y) bce
    assert np.array_equal(K.binary_focal_crossentropy_grad(y_true, y_pred, gamma=0.5), [[np.inf, -np.inf]])
    assert np.isnan(K.binary_focal_crossentropy_grad(y_true, y_pred, gamma=0.0)).all()
    # from logits at +-inf: sigmoid's gradient is 0 there, times tf.pow's infinity is NaN
    assert np.isnan(K.binary_focal_crossentropy_grad(y_true, np.array([[-np.inf, np.inf]]), gamma=0.5,
                                                     from_logits=True)).all()
    assert np.array_equal(K.binary_focal_crossentropy_grad(y_true, np.array([[-np.inf, np.inf]]), from_logits=True),
                          [[0.0, 0.0]])


def keras_categorical_focal(y, row, from_logits, gamma, alpha, lo, hi):
    if from_logits:
        m = max(row)
        row = [mpmath.exp(v - m) for v in row]
    s = mpmath.fsum(row)
    total = 0
    for yk, pk, ak in zip(y, row, alpha):
        c = clip(pk / s, lo, hi)
        total += ak * (1 - c) ** gamma * -(yk * mpmath.log(c))
    return total


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("from_logits,gamma,smoothing", [(False, 2.0, 0.0), (False, 0.5, 0.1), (True, 2.0, 0.0),
                                                         (True, 3.0, 0.2)])
def test_keras_categorical_focal_crossentropy_grad(dtype, from_logits, gamma, smoothing):
    eps = 1e-7
    lo, hi = mp(dtype(eps)), mp(dtype(1.0 - eps))
    c = 4
    y_true = np.eye(c)[rng.integers(0, c, 5)]
    y_true[1] = [0.2, 0.3, 0.5, 0.0]
    alpha = [0.25, 0.5, 1.0, 2.0]
    if from_logits:
        y_pred = rng.normal(0, 3, (5, c)).astype(dtype)
    else:
        y_pred = (rng.random((5, c)) * 3).astype(dtype)
        y_pred[0] = [1.0, 0.0, 1e-12, 2.0]  # clipped below (0, 1e-12 / 3) and the others inside
    ref = []
    for yt_row, yp_row in zip(y_true.astype(dtype), y_pred):
        y = [mp(v) * (1 - mp(smoothing)) + mp(smoothing) / c for v in yt_row]
        row = [mp(v) for v in yp_row]
        f = lambda *r: keras_categorical_focal(y, list(r), from_logits, mp(gamma), [mp(a) for a in alpha], lo, hi)  # noqa: E731
        ref += [mpmath.diff(f, row, [1 if j == k else 0 for j in range(c)]) for k in range(c)]
    kw = dict(alpha=alpha, gamma=gamma, from_logits=from_logits, label_smoothing=smoothing)
    got = K.categorical_focal_crossentropy_grad(y_true, y_pred, **kw)
    assert got.shape == y_pred.shape
    expect(got, ref, dtype)
    expect(K.categorical_focal_crossentropy_grad(y_true, y_pred, reduction="sum_over_batch_size", **kw),
           [r / 5 for r in ref], dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("from_logits", [False, True])
def test_tf_keras2_binary_crossentropy_grad(dtype, from_logits):
    import shannon.tf_keras2 as K2
    e = mp(dtype(1e-7))
    lo, hi = e, mp(dtype(1.0 - float(dtype(1e-7))))
    y_true = rng.random((3, 4))
    y_pred = rng.normal(0, 3, (3, 4)).astype(dtype) if from_logits else rng.random((3, 4)).astype(dtype)
    if not from_logits:
        y_pred[0] = [dtype(1e-7), dtype(1.0 - float(dtype(1e-7))), 0.0, 1.0]
    ref = []
    for yt, yp in zip(y_true.astype(dtype).ravel(), y_pred.ravel()):
        y = mp(yt)
        if from_logits:
            ref.append((sigmoid(mp(yp)) - y) / 4)
            continue
        def f(v):
            c = clip(v, lo, hi)
            return -(y * mpmath.log(c + e) + (1 - y) * mpmath.log(1 - c + e))
        ref.append(derivative(f, mp(yp), lo, hi) / 4)
    got = K2.binary_crossentropy_grad(y_true, y_pred, from_logits=from_logits)
    assert got.shape == y_pred.shape
    expect(got, ref, dtype)


def optax_focal(x, y, gamma, alpha):
    ce = -y * mpmath.log(sigmoid(x)) - (1 - y) * mpmath.log(sigmoid(-x))
    u = (1 - y) * sigmoid(x) + y * sigmoid(-x)
    v = ce * mpmath.exp(gamma * mpmath.log(u))
    return v if alpha is None else (alpha * y + (1 - alpha) * (1 - y)) * v


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("gamma,alpha", [(2.0, None), (0.5, 0.25), (0.0, None), (3.0, 0.75)])
def test_optax_sigmoid_focal_loss_grad(dtype, gamma, alpha):
    x = rng.normal(0, 4, 24).astype(dtype)
    x[:3] = [0.0, 30.0, -30.0]
    y = rng.random(24)
    y[:6] = [1.0, 1.0, 1.0, 0.0, 0.5, 0.0]
    yd = y.astype(dtype)
    # JAX's weak typing: gamma, alpha and the Python float 1 - alpha rounded to the logits' dtype
    g = mp(dtype(gamma))
    ref = []
    for a, b in zip(x, yd):
        if alpha is None:
            f = lambda v: optax_focal(v, mp(b), g, None)  # noqa: E731
        else:
            al, one_minus = mp(dtype(alpha)), mp(dtype(1.0 - alpha))
            f = lambda v: (al * mp(b) + one_minus * (1 - mp(b))) * optax_focal(v, mp(b), g, None)  # noqa: E731
        ref.append(mpmath.diff(f, mp(a)))
    expect(O.sigmoid_focal_loss_grad(x, y, alpha=alpha, gamma=gamma), ref, dtype)
    assert np.isnan(O.sigmoid_focal_loss_grad(np.array([np.inf, 1.0]), np.array([1.0, 2.0]))).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_optax_poly_loss_cross_entropy_grad(dtype):
    c = 5
    x = rng.normal(0, 3, (4, c)).astype(dtype)
    x[0] = [40.0, -40.0, 0.0, 1.0, -np.inf]
    labels = rng.dirichlet(np.ones(c), 4)
    labels[0] = [1.0, 0.0, 0.0, 0.0, 0.0]
    eps = mp(dtype(2.0))
    ref = []
    for row, lab in zip(x, labels):
        y = [mp(v) for v in lab]
        finite = [k for k in range(c) if np.isfinite(row[k])]

        def f(*r):
            m = max(r)
            e = [mpmath.exp(v - m) for v in r]
            s = mpmath.fsum(e)
            return mpmath.fsum(-y[k] * ((r[i] - m) - mpmath.log(s)) + eps * y[k] * (1 - e[i] / s)
                               for i, k in enumerate(finite))
        point = [mp(row[k]) for k in finite]
        d = {k: mpmath.diff(f, point, [1 if j == i else 0 for j in range(len(finite))]) for i, k in enumerate(finite)}
        ref += [d.get(k, mpmath.mpf(0)) for k in range(c)]  # a -inf logit: softmax 0, gradient 0
    got = O.poly_loss_cross_entropy_grad(x, labels)
    assert got.shape == x.shape
    expect(got, ref, dtype)
    expect(O.poly_loss_cross_entropy_grad(x.T.copy(), labels.T.copy(), axis=0).T, ref, dtype)
