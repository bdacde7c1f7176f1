"""Mixed precision (issue 19, item 5): the value at the bfloat16/float16 inputs as given, and the
value with log_softmax's output stored in a low dtype as PyTorch's cross_entropy stores it
(intermediates=). References in mpmath: log_softmax at 60 digits, rounded to the stored dtype by
mpmath at that dtype's precision (nearest, ties to even), the loss of those values at 60 digits,
rounded to the result dtype. Real PyTorch (bfloat16 on the CPU) is held to the figures measured by
bench/mixed_precision.py."""

import warnings

import mpmath
import numpy as np
import pytest

import shannon.torch as T

torch = pytest.importorskip("torch")

BITS = {"bfloat16": 8, "float16": 11, "float32": 24, "float64": 53}
EMIN = {"bfloat16": -126, "float16": -14, "float32": -126, "float64": -1022}


def to_dtype(v, name):
    """v (an mpf) rounded to nearest even in `name`, subnormals included (no overflow here), as a Python
    float."""
    if v == 0 or not mpmath.isfinite(v):
        return float(v)
    _, e = mpmath.frexp(v)  # |v| in [2^(e-1), 2^e)
    bits = BITS[name] - max(0, EMIN[name] - (e - 1))  # the subnormals' fewer bits
    if bits <= 0:  # below half the smallest subnormal, or between it and the smallest subnormal
        tiny = mpmath.mpf(2) ** (EMIN[name] - BITS[name] + 1)
        return float(mpmath.sign(v) * tiny) if abs(v) > tiny / 2 else 0.0 * float(mpmath.sign(v))
    with mpmath.workprec(bits):
        r = +v
    return float(r)


def reference(x, t, name, out, smoothing=0.0, weight=None):
    """cross_entropy's mean with log_softmax stored in `name` (None: exact), rounded to `out`."""
    with mpmath.workdps(60):
        total = 0
        divisor = 0
        for row, y in zip(x.tolist(), t.tolist()):
            z = [mpmath.mpf(v) for v in row]
            lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in z))
            ls = [v - lse for v in z]
            if name is not None:
                ls = [mpmath.mpf(to_dtype(v, name)) for v in ls]
            w = [mpmath.mpf(1)] * len(z) if weight is None else [mpmath.mpf(float(v)) for v in weight]
            smooth = -mpmath.fsum(wk * v for wk, v in zip(w, ls)) / len(z)
            total += (1 - mpmath.mpf(smoothing)) * -w[y] * ls[y] + mpmath.mpf(smoothing) * smooth
            divisor += w[y]
        return to_dtype(total / divisor, out)


def batch(seed, n, c, dtype):
    r = np.random.default_rng(seed)
    x = torch.from_numpy(r.standard_normal((n, c)) * 4).to(dtype)
    t = torch.from_numpy(r.integers(0, c, n))
    return x, t


@pytest.mark.parametrize("name", ["bfloat16", "float16"])
@pytest.mark.parametrize("seed", range(4))
def test_stored_log_softmax_against_mpmath(name, seed):
    dtype = getattr(torch, name)
    x, t = batch(seed, 24, 7, dtype)
    xd = x.double().numpy()
    for out in (name, "float32"):
        got = T.cross_entropy(x, t, intermediates="input", dtype=out)
        assert float(got) == reference(xd, t.numpy(), name, out)
        got = T.cross_entropy(x, t, intermediates=name, dtype=out, label_smoothing=0.2)
        assert float(got) == reference(xd, t.numpy(), name, out, smoothing=0.2)
    w = np.array([0.5, 1, 2, 1, 3, 0.25, 1])
    assert float(T.cross_entropy(x, t, weight=w, intermediates=name, dtype="float32")) == reference(
        xd, t.numpy(), name, "float32", weight=w)
    # the exact loss is not the stored one: the option changes the value it is asked to change
    exact = T.cross_entropy(x, t, dtype="float32")
    assert float(exact) == reference(xd, t.numpy(), None, "float32")


def test_probability_targets_and_float32_storage():
    r = np.random.default_rng(7)
    x = r.standard_normal((16, 5)).astype(np.float32) * 3
    p = r.dirichlet(np.ones(5), 16)
    got = T.cross_entropy(x, p, intermediates="input", reduction="none", dtype="float64")
    with mpmath.workdps(60):
        for row, target, g in zip(x.tolist(), p.tolist(), got):
            z = [mpmath.mpf(v) for v in row]
            lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in z))
            ls = [mpmath.mpf(to_dtype(v - lse, "float32")) for v in z]
            assert float(g) == float(-mpmath.fsum(mpmath.mpf(y) * v for y, v in zip(target, ls)))


def test_errors():
    x, t = batch(0, 4, 3, torch.bfloat16)
    with pytest.raises(ValueError, match="intermediates must be None, 'input'"):
        T.cross_entropy(x, t, intermediates="half")
    with pytest.raises(ValueError, match="option of the loss only"):
        T.cross_entropy_grad(x, t, intermediates="input")


# PyTorch 1.13 on the CPU, measured by bench/mixed_precision.py (20 seeds of 512 x 10 normal x 4,
# 2026-12-06): bfloat16 cross_entropy within 2.25 ulps of the exact loss and 2.26 of the loss of
# log-probabilities stored in bfloat16 (so the storage is not what it is off by: its own bfloat16
# log_softmax is, within 1.85 eps (1 + |logsumexp|) per element, i.e. up to 256 ulps on elements near 0,
# and nll_loss's sum in bfloat16: 63 ulps on its own); float16 log_softmax and nll_loss are not
# implemented on the CPU in 1.13.
@pytest.mark.parametrize("seed", range(6))
def test_torch_bfloat16_within_the_measured_budget(seed):
    import shannon.torch.special as S

    x, t = batch(100 + seed, 512, 10, torch.bfloat16)
    got = torch.nn.functional.cross_entropy(x, t)
    assert got.dtype == torch.bfloat16
    assert abs(T.cross_entropy.ulp_error(got, x, t)) <= 3
    assert abs(T.cross_entropy.ulp_error(got, x, t, intermediates="input")) <= 3
    ls = torch.log_softmax(x, 1)
    exact = np.asarray(S.log_softmax(x, 1, dtype="float64"), dtype=np.float64)
    lse = torch.logsumexp(x.double(), 1, keepdim=True).numpy()
    assert np.max(np.abs(ls.double().numpy() - exact) / (2.0 ** -7 * (1 + np.abs(lse)))) <= 2.5
    assert abs(T.nll_loss.ulp_error(torch.nn.functional.nll_loss(x, t), x, t)) <= 80  # its bfloat16 sum


def test_torch_float16_mse_overflows_where_the_mean_is_finite():
    """PyTorch 1.13's CPU mse_loss on float16 sums the squares in float16: 5,120 squares of order 32
    pass 65,504 and the mean is inf, where the exact mean (about 32) is a float16 number."""
    r = np.random.default_rng(0)
    x = torch.from_numpy(r.standard_normal((512, 10)) * 4).to(torch.float16)
    y = torch.from_numpy(r.standard_normal((512, 10)) * 4).to(torch.float16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Applying the CPU mse kernel on half-type tensors"
        got = torch.nn.functional.mse_loss(x, y)
    exact = T.mse_loss(x, y)
    assert np.isfinite(exact) and 20 < float(exact) < 50
    assert float(got) == float("inf")


@pytest.mark.parametrize("seed", range(4))
def test_torch_autocast(seed):
    """Under torch.autocast on the CPU, cross_entropy runs in float32 (autocast's float32 list): its
    result is the exact loss rounded to float32 (measured within 1.55 ulps); nll_loss(log_softmax(x))
    stores log_softmax in bfloat16 and runs nll_loss in float32: within 0.05 bfloat16 ulps (3,082
    float32 ulps) of the stored-bfloat16 loss, the distance being torch's bfloat16 log_softmax."""
    x, t = batch(200 + seed, 512, 10, torch.bfloat16)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        whole = torch.nn.functional.cross_entropy(x, t)
        ls = torch.log_softmax(x, 1)
        composite = torch.nn.functional.nll_loss(ls, t)
    assert whole.dtype == torch.float32 and ls.dtype == torch.bfloat16 and composite.dtype == torch.float32
    assert abs(T.cross_entropy.ulp_error(whole, x, t)) <= 2
    assert abs(T.cross_entropy.ulp_error(composite, x, t, intermediates="bfloat16")) <= 0.1 * 2 ** 16
