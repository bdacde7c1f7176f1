"""shannon.keras and shannon.tf_keras2 against the Keras formulas evaluated in mpmath at 300 bits.

The references below follow keras/src/losses/losses.py and keras/src/backend/tensorflow/nn.py (Keras 3)
and keras/backend.py (Keras 2) line by line, in exact arithmetic: the clip bounds are the dtype's
roundings of epsilon and 1 - epsilon, everything else is exact. Keras itself is not in Debian, so these
are the independent computation; the expected values are their correct roundings.
"""

import mpmath
import numpy as np
import pytest

from shannon import keras, tf_keras2

mpmath.mp.prec = 300
EPS = 1e-7


def mp(x):
    return mpmath.mpf(float(x))


def rn(x, dtype=np.float64):
    with mpmath.workprec(24 if dtype == np.float32 else 53):
        return dtype(float(+x)) if dtype == np.float32 else float(+x)


def bounds(dtype):
    return mp(dtype(EPS)), mp(dtype(1.0 - EPS))


def clip(x, lo, hi):
    return min(max(x, lo), hi)


def softplus(x):
    return mpmath.log1p(mpmath.exp(x)) if x < 0 else x + mpmath.log1p(mpmath.exp(-x))


def sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


def softmax(row):
    m = max(row)
    e = [mpmath.exp(v - m) for v in row]
    s = mpmath.fsum(e)
    return [v / s for v in e]


def bce_ref(yt, yp, from_logits=False, label_smoothing=0.0, dtype=np.float64, keras2=False):
    lo, hi = bounds(dtype)
    e = mp(dtype(EPS))
    if keras2:
        hi = mp(dtype(1 - float(e)))
    out = []
    for ty, py in zip(yt, yp):
        terms = []
        for y, x in zip(ty, py):
            y = mp(y) * (1 - mp(label_smoothing)) + mp(label_smoothing) / 2
            if from_logits:
                terms.append(y * softplus(-mp(x)) + (1 - y) * softplus(mp(x)))
            elif keras2:
                p = clip(mp(x), lo, hi)
                terms.append(-(y * mpmath.log(p + e) + (1 - y) * mpmath.log(1 - p + e)))
            else:
                p = clip(mp(x), lo, hi)
                terms.append(-(y * mpmath.log(p) + (1 - y) * mpmath.log(1 - p)))
        out.append(mpmath.fsum(terms) / len(terms))
    return out


def cce_ref(yt, yp, from_logits=False, label_smoothing=0.0, dtype=np.float64):
    lo, hi = bounds(dtype)
    out = []
    for ty, py in zip(yt, yp):
        c = len(ty)
        y = [mp(v) * (1 - mp(label_smoothing)) + mp(label_smoothing) / c for v in ty]
        if from_logits:
            lp = [mpmath.log(v) for v in softmax([mp(v) for v in py])]
        else:
            s = mpmath.fsum(mp(v) for v in py)
            lp = [mpmath.log(clip(mp(v) / s, lo, hi)) for v in py]
        out.append(-mpmath.fsum(a * b for a, b in zip(y, lp)))
    return out


def scce_ref(yt, yp, from_logits=False, ignore_class=None, dtype=np.float64):
    lo, hi = bounds(dtype)
    out = []
    for t, py in zip(yt, yp):
        if ignore_class is not None and t == ignore_class:
            out.append(mpmath.mpf(0))
            continue
        if from_logits:
            out.append(-mpmath.log(softmax([mp(v) for v in py])[t]))
        else:
            cl = [clip(mp(v), lo, hi) for v in py]
            out.append(mpmath.log(mpmath.fsum(cl)) - mpmath.log(cl[t]))
    return out


def kld_ref(yt, yp, dtype=np.float64):
    lo = mp(dtype(EPS))
    return [mpmath.fsum(clip(mp(a), lo, 1) * mpmath.log(clip(mp(a), lo, 1) / clip(mp(b), lo, 1)) for a, b in zip(ty, py))
            for ty, py in zip(yt, yp)]


def bfocal_ref(yt, yp, balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
               dtype=np.float64):
    lo, hi = bounds(dtype)
    out = []
    for ty, py in zip(yt, yp):
        terms = []
        for y, x in zip(ty, py):
            y = mp(y) * (1 - mp(label_smoothing)) + mp(label_smoothing) / 2
            p = sigmoid(mp(x)) if from_logits else mp(x)
            pc = clip(p, lo, hi)
            bce = -(y * mpmath.log(pc) + (1 - y) * mpmath.log(1 - pc))
            pt = y * p + (1 - y) * (1 - p)
            t = (1 - pt) ** mp(gamma) * bce
            if balancing:
                t *= y * mp(alpha) + (1 - y) * (1 - mp(alpha))
            terms.append(t)
        out.append(mpmath.fsum(terms) / len(terms))
    return out


def cfocal_ref(yt, yp, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, dtype=np.float64):
    lo, hi = bounds(dtype)
    out = []
    for ty, py in zip(yt, yp):
        c = len(ty)
        a = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (c,))
        y = [mp(v) * (1 - mp(label_smoothing)) + mp(label_smoothing) / c for v in ty]
        p = softmax([mp(v) for v in py]) if from_logits else [mp(v) for v in py]
        s = mpmath.fsum(p)
        o = [clip(v / s, lo, hi) for v in p]
        out.append(mpmath.fsum(mp(a[k]) * (1 - o[k]) ** mp(gamma) * (-y[k] * mpmath.log(o[k])) for k in range(c)))
    return out


rng = np.random.default_rng(511)


def probabilities(n, c, hard):
    p = rng.dirichlet(np.ones(c), size=n)
    if hard:  # entries at, below and above the clip bounds, exact 0 and 1
        p[0, 0], p[0, 1 % c] = 0.0, 1.0
        p[1 % n, 0] = 1e-300
        p[2 % n, :] = np.nextafter(1.0, 0.0)
        p[3 % n, 0] = 1 - 1e-7
        p[3 % n, 1 % c] = 1e-7
    return p


def labels01(n, c):
    return rng.integers(0, 2, size=(n, c)).astype(np.float64)


def onehot(n, c):
    return np.eye(c)[rng.integers(0, c, size=n)]


def logits(n, c, hard):
    x = rng.normal(0, 3, size=(n, c))
    if hard:
        x[0, 0], x[1 % n, :] = 40.0, -35.0
        x[2 % n, 0] = 1e-20
    return x


CASES = [(kind, dtype) for kind in ("random", "hard") for dtype in (np.float64, np.float32)]


def expect(actual, ref, dtype):
    want = np.array([rn(v, dtype) for v in ref], dtype=dtype)
    np.testing.assert_array_equal(np.asarray(actual), want)


@pytest.mark.parametrize("kind,dtype", CASES)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_binary_crossentropy(kind, dtype, smoothing):
    hard = kind == "hard"
    p, y = probabilities(6, 4, hard).astype(dtype), labels01(6, 4)
    expect(keras.binary_crossentropy(y, p, label_smoothing=smoothing), bce_ref(y, p, label_smoothing=smoothing, dtype=dtype), dtype)
    expect(tf_keras2.binary_crossentropy(y, p, label_smoothing=smoothing),
           bce_ref(y, p, label_smoothing=smoothing, dtype=dtype, keras2=True), dtype)
    x = logits(6, 4, hard).astype(dtype)
    expect(keras.binary_crossentropy(y, x, from_logits=True, label_smoothing=smoothing),
           bce_ref(y, x, True, smoothing, dtype), dtype)


@pytest.mark.parametrize("kind,dtype", CASES)
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_categorical_crossentropy(kind, dtype, smoothing):
    hard = kind == "hard"
    p, y = (probabilities(6, 5, hard) * 3).astype(dtype), onehot(6, 5)  # unnormalized: Keras renormalizes
    expect(keras.categorical_crossentropy(y, p, label_smoothing=smoothing), cce_ref(y, p, False, smoothing, dtype), dtype)
    x = logits(6, 5, hard).astype(dtype)
    expect(keras.categorical_crossentropy(y, x, from_logits=True, label_smoothing=smoothing),
           cce_ref(y, x, True, smoothing, dtype), dtype)


@pytest.mark.parametrize("kind,dtype", CASES)
def test_sparse_categorical_crossentropy(kind, dtype):
    hard = kind == "hard"
    p = (probabilities(7, 4, hard) * 2).astype(dtype)
    t = rng.integers(0, 4, size=7)
    expect(keras.sparse_categorical_crossentropy(t, p), scce_ref(t, p, dtype=dtype), dtype)
    x = logits(7, 4, hard).astype(dtype)
    expect(keras.sparse_categorical_crossentropy(t, x, from_logits=True), scce_ref(t, x, True, dtype=dtype), dtype)
    t[[1, 4]] = -1
    expect(keras.sparse_categorical_crossentropy(t, p, ignore_class=-1), scce_ref(t, p, ignore_class=-1, dtype=dtype), dtype)
    ref = scce_ref(t, p, ignore_class=-1, dtype=dtype)
    assert keras.sparse_categorical_crossentropy(t, p, ignore_class=-1, reduction="sum_over_batch_size") == \
        rn(mpmath.fsum(ref) / 5, dtype)
    assert keras.sparse_categorical_crossentropy([-1, -1], p[:2], ignore_class=-1, reduction="sum_over_batch_size") == 0


@pytest.mark.parametrize("kind,dtype", CASES)
def test_kl_divergence(kind, dtype):
    hard = kind == "hard"
    y, p = probabilities(6, 5, hard), probabilities(6, 5, hard).astype(dtype)
    expect(keras.kl_divergence(y, p), kld_ref(y.astype(dtype), p, dtype), dtype)


@pytest.mark.parametrize("kind,dtype", CASES)
@pytest.mark.parametrize("balancing,gamma,smoothing", [(False, 2.0, 0.0), (True, 1.5, 0.1), (True, 0.0, 0.0)])
def test_binary_focal_crossentropy(kind, dtype, balancing, gamma, smoothing):
    hard = kind == "hard"
    p, y = probabilities(5, 4, hard).astype(dtype), labels01(5, 4)
    got = keras.binary_focal_crossentropy(y, p, apply_class_balancing=balancing, gamma=gamma, label_smoothing=smoothing)
    expect(got, bfocal_ref(y, p, balancing, 0.25, gamma, False, smoothing, dtype), dtype)
    x = logits(5, 4, hard).astype(dtype)
    got = keras.binary_focal_crossentropy(y, x, apply_class_balancing=balancing, gamma=gamma, from_logits=True,
                                          label_smoothing=smoothing)
    expect(got, bfocal_ref(y, x, balancing, 0.25, gamma, True, smoothing, dtype), dtype)


@pytest.mark.parametrize("kind,dtype", CASES)
@pytest.mark.parametrize("alpha,gamma,smoothing", [(0.25, 2.0, 0.0), ([0.1, 0.2, 0.3, 0.4], 2.5, 0.1)])
def test_categorical_focal_crossentropy(kind, dtype, alpha, gamma, smoothing):
    hard = kind == "hard"
    p, y = probabilities(5, 4, hard).astype(dtype), onehot(5, 4)
    got = keras.categorical_focal_crossentropy(y, p, alpha=alpha, gamma=gamma, label_smoothing=smoothing)
    expect(got, cfocal_ref(y, p, alpha, gamma, False, smoothing, dtype), dtype)
    x = logits(5, 4, hard).astype(dtype)
    got = keras.categorical_focal_crossentropy(y, x, alpha=alpha, gamma=gamma, from_logits=True, label_smoothing=smoothing)
    expect(got, cfocal_ref(y, x, alpha, gamma, True, smoothing, dtype), dtype)


def test_documented_examples():
    """The values printed in the Keras docstrings (float32)."""
    yt, yp = [[0, 1], [0, 0]], np.float32([[0.6, 0.4], [0.4, 0.6]])
    np.testing.assert_allclose(keras.binary_crossentropy(yt, yp), [0.916, 0.714], atol=5e-4)
    np.testing.assert_allclose(keras.binary_focal_crossentropy(yt, yp, gamma=2), [0.330, 0.206], atol=5e-4)
    c = np.float32([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    np.testing.assert_allclose(keras.categorical_crossentropy([[0, 1, 0], [0, 0, 1]], c), [0.0513, 2.303], atol=5e-4)
    assert keras.categorical_crossentropy([[0, 1, 0], [0, 0, 1]], c, reduction="sum_over_batch_size") == np.float32(1.1769392)
    np.testing.assert_allclose(keras.sparse_categorical_crossentropy([1, 2], c), [0.0513, 2.303], atol=5e-4)
    f = np.float32([[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]])
    np.testing.assert_allclose(keras.categorical_focal_crossentropy([[0, 1, 0], [0, 0, 1]], f),
                               [2.63401289e-04, 6.75912094e-01], rtol=1e-6)


def test_reductions_and_shapes():
    y, p = labels01(6, 3).reshape(2, 3, 3), probabilities(6, 3, False).reshape(2, 3, 3)
    per = keras.binary_crossentropy(y, p)
    assert per.shape == (2, 3)
    ref = bce_ref(y.reshape(6, 3), p.reshape(6, 3))
    assert keras.binary_crossentropy(y, p, reduction="sum") == rn(mpmath.fsum(ref))
    assert keras.binary_crossentropy(y, p, reduction="sum_over_batch_size") == rn(mpmath.fsum(ref) / 6)
    w = np.arange(1.0, 7.0)
    assert keras.binary_crossentropy(y, p, reduction="sum_over_batch_size", sample_weight=w.reshape(2, 3)) == \
        rn(mpmath.fsum(mp(a) * b for a, b in zip(w, ref)) / 6)
    assert keras.binary_crossentropy(y, p, axis=1).shape == (2, 3)


def test_errors():
    with pytest.raises(ValueError, match="label_smoothing"):
        keras.binary_crossentropy([[0, 1]], [[0.5, 0.5]], label_smoothing=2)
    with pytest.raises(ValueError, match="class index"):
        keras.sparse_categorical_crossentropy([3], [[0.5, 0.5]])
    with pytest.raises(ValueError, match="alpha"):
        keras.categorical_focal_crossentropy([[0, 1, 0]], [[0.2, 0.3, 0.5]], alpha=[0.1, 0.2])
    with pytest.raises(ValueError, match="sample_weight"):
        keras.binary_crossentropy([[0, 1]], [[0.5, 0.5]], reduction="sum", sample_weight=[[1, 2, 3]])
    with pytest.raises(ValueError, match="reduction"):
        keras.kl_divergence([[0, 1]], [[0.5, 0.5]], reduction="batchmean")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_regression_losses_against_keras_formulas(dtype):
    """keras/src/losses/losses.py's huber (where |d| <= delta), log_cosh (d + softplus(-2 d) - log 2, log 2 in
    y_pred's dtype) and poisson (y_pred - y_true log(y_pred + eps), eps in y_pred's dtype) in mpmath: the mean
    over the last axis of each row, every row equal to the rounded reference; the Loss class's mean and
    sample weights likewise."""
    r = np.random.default_rng(88)
    n, c = 12, 5
    t = r.normal(0, 2, (n, c)).astype(dtype)
    p = r.normal(0, 2, (n, c)).astype(dtype)
    p[0] = t[0]  # zero errors: log_cosh's row is log 2 minus its rounding
    p[1] = t[1] + dtype(1.5)  # |d| = delta exactly
    rate_t = np.abs(t).round()  # counts
    rate_p = np.abs(p)
    rate_p[2, :2] = 0  # log(0 + eps)
    delta = 1.5
    log2 = mp(dtype(np.log(2.0)))
    eps = mp(dtype(1e-7))

    def d(i, k):
        return mp(p[i, k]) - mp(t[i, k])

    def huber(x):
        return x * x / 2 if abs(x) <= delta else delta * abs(x) - mp(delta) ** 2 / 2

    def mean(f, i):
        return mpmath.fsum(f(i, k) for k in range(c)) / c
    cases = {
        "huber": (keras.huber(t, p, delta=delta), lambda i, k: huber(d(i, k))),
        "log_cosh": (keras.log_cosh(t, p), lambda i, k: d(i, k) + softplus(-2 * d(i, k)) - log2),
        "poisson": (keras.poisson(rate_t, rate_p),
                    lambda i, k: mp(rate_p[i, k]) - mp(rate_t[i, k]) * mpmath.log(mp(rate_p[i, k]) + eps)),
    }
    for name, (got, term) in cases.items():
        assert got.dtype == dtype and got.shape == (n,), name
        want = np.array([rn(mean(term, i), dtype) for i in range(n)], dtype=dtype)
        np.testing.assert_array_equal(got, want, err_msg=name)
    w = r.uniform(0.5, 2, n)
    got = keras.huber(t, p, delta=delta, reduction="sum_over_batch_size", sample_weight=w)
    want = mpmath.fsum(mp(w[i]) * mean(lambda i, k: huber(d(i, k)), i) for i in range(n)) / n
    assert got == rn(want, dtype)
