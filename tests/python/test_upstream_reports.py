"""The numerical bugs users reported upstream, each as a test with its exact value: the profile's value is
the exact value of the framework's formula on the inputs as the framework held them (mpmath at 300 bits,
rounded by mpmath), whatever the framework itself returned; where the framework is installed (Debian's
PyTorch 1.13, scipy), its own figure is printed beside it. The reports: pytorch/pytorch#32520 and #80488,
#73205 and #69339, #70348, #40560, #102894, #158310, the gaussian_nll_loss clamp; scipy/scipy#20710;
tensorflow/tensorflow#62204; keras-team/keras#19520; google-deepmind/optax#1020."""

import math

import mpmath
import numpy as np
import pytest

import shannon
import shannon.keras as sk
import shannon.optax as so
import shannon.scipy as ssc
import shannon.tf_keras2 as stk

mpmath.mp.prec = 300
M = mpmath.mpf


def rn(v, bits=53):
    with mpmath.workprec(bits):
        return float(+v)


def lse(row):
    return mpmath.log(mpmath.fsum(mpmath.exp(M(float(v))) for v in row))


def test_scipy_20710_rel_entr_of_a_tiny_y_is_finite():
    """rel_entr([2, 3, 4], DBL_MIN) = x log(x / y): 1418.179..., 2128.485..., 2839.130... (scipy took x / y
    first and gave inf for the third)."""
    y = np.finfo(np.float64).tiny
    want = [rn(M(x) * mpmath.log(M(x) / M(y))) for x in (2.0, 3.0, 4.0)]
    got = ssc.special.rel_entr([2.0, 3.0, 4.0], y)
    assert got.tolist() == want and want[2] == pytest.approx(2839.13085157, rel=1e-11)
    sp = pytest.importorskip("scipy.special")
    print(f"\nscipy {__import__('scipy').__version__}: rel_entr(4, DBL_MIN) = {sp.rel_entr(4.0, y)}; exact {want[2]!r}")


torch = pytest.importorskip("torch")
import shannon.torch as st  # noqa: E402
import shannon.torch.special as ss  # noqa: E402

F = torch.nn.functional


def test_pytorch_32520_kl_div_of_identical_rows():
    """kl_div(log_softmax(a), softmax(a)) for identical distributions: the exact KL is 0, but the formula
    sum t (log t - input) on the float32-rounded softmax and log_softmax is not, and PyTorch's float32 sum
    of it came out negative (-1.98e-8 in the report). shannon.torch.kl_div is that formula's exact value on
    those inputs (mpmath); the KL of the exact distributions is 0 (shannon.kl_divergence of p with itself)."""
    g = torch.Generator().manual_seed(32520)
    a = torch.randn(64, 10, generator=g) * 4
    lp, p = torch.log_softmax(a, 1), torch.softmax(a, 1)
    got = st.kl_div(lp, p, reduction="sum")
    terms = [M(float(t)) * (mpmath.log(M(float(t))) - M(float(x))) for t, x in zip(p.numpy().ravel(), lp.numpy().ravel())
             if t != 0]
    want = rn(mpmath.fsum(terms), 24)
    assert got == np.float32(want)
    theirs = F.kl_div(lp, p, reduction="sum").item()
    assert shannon.kl_divergence(p[0].double().numpy(), p[0].double().numpy(), normalization="normalize") == 0.0
    print(f"\nkl_div(log_softmax(a), softmax(a)), 64 x 10 float32: exact {want!r}, PyTorch {theirs!r}")


def test_pytorch_73205_69339_label_smoothing_with_ignore_index_and_weight():
    """cross_entropy with label smoothing, ignore_index and class weights: the ignored samples contribute
    nothing to the sum nor to the divisor (sum of w[y] over the others), as the reports asked."""
    rng = np.random.default_rng(73205)
    x = rng.standard_normal((8, 5)) * 2
    y = rng.integers(0, 5, 8)
    y[[1, 4]] = -100
    w = rng.uniform(0.5, 2, 5)
    e = M("0.1")
    num, den = [], []
    for row, t in zip(x, y):
        if t == -100:
            continue
        z = lse(row)
        nll = [z - M(float(v)) for v in row]
        num.append((1 - e) * M(float(w[t])) * nll[t] + e / 5 * mpmath.fsum(M(float(w[c])) * nll[c] for c in range(5)))
        den.append(M(float(w[t])))
    want = rn(mpmath.fsum(num) / mpmath.fsum(den))
    got = st.cross_entropy(x, y, weight=w, label_smoothing=0.1)
    assert got == want
    theirs = F.cross_entropy(torch.tensor(x), torch.tensor(y), weight=torch.tensor(w), label_smoothing=0.1).item()
    print(f"\nlabel smoothing + ignore_index + weight: exact {want!r}, PyTorch {torch.__version__} {theirs!r}")


def test_pytorch_70348_all_targets_ignored_is_nan_and_40560_weighted_mean_divisor():
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    assert math.isnan(st.cross_entropy(x, np.array([-100, -100])))
    assert math.isnan(F.cross_entropy(torch.tensor(x), torch.tensor([-100, -100])).item())
    acc = shannon.Accumulator(st.cross_entropy)
    acc.update(x, np.array([-100, -100]))
    assert math.isnan(acc.result())
    # the weighted mean divides by the sum of w[y_n], not by N (#40560)
    w = np.array([0.2, 3.0, 1.0])
    y = np.array([1, 2])
    nll = [lse(r) - M(float(r[t])) for r, t in zip(x, y)]
    want = rn((M(3.0) * nll[0] + M(1.0) * nll[1]) / M(4.0))
    assert st.cross_entropy(x, y, weight=w) == want
    assert st.nll_loss(np.log(np.array([[0.2, 0.3, 0.5]])), np.array([2]), weight=w) == rn(-mpmath.log(M(0.5)) * 1 / 1)


def test_pytorch_102894_bce_with_logits_at_infinite_logits():
    """PyTorch's formula gives NaN at x = +inf with y = 1 (0 * inf) and at x = -inf (-inf + inf), where
    binary_cross_entropy of the sigmoid is finite: shannon.torch reproduces PyTorch's values (its formula's
    IEEE arithmetic), shannon's own binary_cross_entropy_with_logits gives the limits."""
    inf = math.inf
    x, y = [inf, inf, -inf, -inf], [1.0, 0.0, 1.0, 0.0]
    ours = st.binary_cross_entropy_with_logits(x, y, reduction="none")
    theirs = F.binary_cross_entropy_with_logits(torch.tensor(x), torch.tensor(y), reduction="none").numpy()
    assert np.array_equal(ours, theirs, equal_nan=True)
    assert np.isnan(ours).tolist() == [True, False, True, True] and ours[1] == inf
    limits = [shannon.binary_cross_entropy_with_logits([yy], [xx], reduction="sum") for xx, yy in zip(x, y)]
    assert limits == [0.0, inf, inf, 0.0]
    print(f"\nBCE with logits at (+inf, 1), (+inf, 0), (-inf, 1), (-inf, 0): PyTorch {theirs.tolist()}, limits {limits}")


def test_pytorch_158310_log_softmax_in_float16():
    """log_softmax of a float16 row [0, -65504, -10]: the exact values rounded to float16 are finite
    (-4.54e-05, -65504, -10); the report had CPU -inf and CUDA 0 (PyTorch 1.13 has no CPU kernel for half)."""
    x = np.array([0.0, -65504.0, -10.0], dtype=np.float16)
    z = lse(x)
    want = np.array([mpmath.mpf(float(v)) - z for v in x])
    got = ss.log_softmax(torch.tensor(x), 0)
    assert got.dtype == np.float16
    assert got.tolist() == [float(np.float16(rn(v, 11))) for v in want]
    assert np.all(np.isfinite(got))


def test_gaussian_nll_loss_clamps_var_with_max_not_plus():
    """gaussian_nll_loss's documented formula adds eps to var; its code clamps var to max(var, eps). The
    profile is the code's: var = 1e-8, eps = 1e-6, d = 1e-3 gives (log 1e-6 + 1e-6 / 1e-6) / 2."""
    got = st.gaussian_nll_loss([1e-3], [0.0], [1e-8], reduction="sum")
    want = rn((mpmath.log(M(1e-6)) + M(1e-3) ** 2 / M(1e-6)) / 2)
    assert got == want
    assert st.gaussian_nll_loss([1e-3], [0.0], [1e-8], reduction="sum") != rn(
        (mpmath.log(M(1e-8) + M(1e-6)) + M(1e-3) ** 2 / (M(1e-8) + M(1e-6))) / 2)
    theirs = F.gaussian_nll_loss(torch.tensor([1e-3], dtype=torch.float64), torch.tensor([0.0], dtype=torch.float64),
                                 torch.tensor([1e-8], dtype=torch.float64), reduction="sum").item()
    assert abs(theirs - want) <= 4 * math.ulp(want)


def test_tensorflow_62204_keras2_bce_clips_then_adds_epsilon():
    """tf.keras 2's binary_crossentropy clips p to [eps, 1 - eps] and then takes log(p + eps) (eps = 1e-7):
    at p = 0, y = 1 the value is -log(2 eps), not -log(eps)."""
    eps = np.float32(1e-7)
    got = stk.binary_crossentropy(np.array([[1.0]], dtype=np.float32), np.array([[0.0]], dtype=np.float32))
    want = rn(-mpmath.log(M(float(eps)) + M(float(eps))), 24)
    assert float(np.asarray(got).ravel()[0]) == want


def test_keras_19520_kl_divergence_clips_negative_inputs():
    """keras.losses.kl_divergence clips y_true and y_pred to [eps, 1] (eps = 1e-7): a negative y_true becomes
    eps silently. The profile's value is that of the clipped inputs."""
    y_true = np.array([[-0.5, 1.5]], dtype=np.float32)
    y_pred = np.array([[0.25, 0.75]], dtype=np.float32)
    eps = M(float(np.float32(1e-7)))
    yt = [eps, M(1)]
    yp = [M(0.25), M(0.75)]
    want = rn(mpmath.fsum(a * mpmath.log(a / b) for a, b in zip(yt, yp)), 24)
    assert float(np.asarray(sk.kl_divergence(y_true, y_pred)).ravel()[0]) == want


def test_optax_1020_integer_label_cross_entropy_in_bfloat16():
    """softmax_cross_entropy_with_integer_labels on bfloat16 logits: optax kept the log-normalizer in bfloat16
    (an error of up to 2^-8 relative); the profile's value is the exact logsumexp(x) - x[label] of the bfloat16
    inputs, rounded once to bfloat16."""
    x = np.array([[10.0, 9.9375, 9.875, 0.0]], dtype=np.float32)  # bfloat16 values
    got = so.softmax_cross_entropy_with_integer_labels(x, np.array([3]), dtype="bfloat16")
    want = rn(lse(x[0]) - M(0.0), 8)
    assert float(np.asarray(got).ravel()[0]) == want
