"""shannon.jax against JAX's formulas (jax/_src/nn/functions.py, jax/_src/ops/special.py) evaluated in mpmath
at 300 bits: JAX is not in Debian, so these are the independent computation. Every element must equal
mpmath's value rounded to the dtype; JAX's conventions (softplus without a linear region, `where`, NaN for
a slice whose maximum is +inf or that holds only -inf, axis tuples) are checked on their own."""

import mpmath
import numpy as np
import pytest

import shannon.jax.nn as nn
import shannon.jax.scipy.special as special
from test_torch_special import BITS, rn  # noqa: E402 - mpmath's rounding to the dtype

mpmath.mp.prec = 300
M = mpmath.mpf
rng = np.random.default_rng(4242)


def lse(row):
    return mpmath.log(mpmath.fsum(mpmath.exp(M(float(v))) for v in row))


@pytest.mark.parametrize("kind", [np.float64, np.float32])
def test_elementwise_against_jax_formulas(kind):
    x = np.concatenate([rng.normal(0, 8, 200), [0.0, -0.0, 1e-300, -745.5, 750.0, 36.0, 37.0, -36.0]]).astype(kind)
    cases = {
        "sigmoid": (nn.sigmoid, lambda v: 1 / (1 + mpmath.exp(-v))),
        "softplus": (nn.softplus, lambda v: mpmath.log1p(mpmath.exp(v))),  # logaddexp(x, 0): no linear region
        "log_sigmoid": (nn.log_sigmoid, lambda v: -mpmath.log1p(mpmath.exp(-v))),
    }
    for name, (f, ref) in cases.items():
        got = f(x)
        assert got.dtype == kind, name
        want = np.array([rn(ref(M(float(v))), kind) for v in x], dtype=kind)
        assert np.array_equal(got, want), (name, x[got != want], got[got != want], want[got != want])
    assert nn.softplus(np.array([np.inf, -np.inf]))[0] == np.inf and nn.softplus(np.array([-np.inf]))[0] == 0


@pytest.mark.parametrize("kind", [np.float64, np.float32])
def test_softmax_log_softmax_logsumexp_axes_and_where(kind):
    x = rng.normal(0, 5, (3, 4, 5)).astype(kind)
    where = rng.random((3, 4, 5)) < 0.7
    where[0, 0] = False  # a slice with nothing selected
    for axis in (-1, 1, (0, 2), None):
        axes = (axis,) if isinstance(axis, int) else tuple(range(3)) if axis is None else axis
        axes = tuple(a % 3 for a in axes)
        rest = [k for k in range(3) if k not in axes]
        got_ls = nn.log_softmax(x, axis=axis, where=where)
        got_sm = nn.softmax(x, axis=axis, where=where)
        got_lse = nn.logsumexp(x, axis=axis, where=where)
        assert got_ls.dtype == kind and got_ls.shape == x.shape and got_lse.shape == tuple(x.shape[k] for k in rest)
        for idx in np.ndindex(*[x.shape[k] for k in rest]):
            sel = [slice(None)] * 3
            for k, i in zip(rest, idx):
                sel[k] = i
            row, mask = x[tuple(sel)].ravel(), where[tuple(sel)].ravel()
            ls, sm = got_ls[tuple(sel)].ravel(), got_sm[tuple(sel)].ravel()
            if not mask.any():
                assert np.all(ls == -np.inf) and np.all(sm == 0) and got_lse[idx] == -np.inf
                continue
            total = lse(row[mask])
            assert got_lse[idx] == rn(total, kind)
            for v, m, a, b in zip(row, mask, ls, sm):
                if not m:
                    assert a == -np.inf and b == 0
                else:
                    assert a == rn(M(float(v)) - total, kind) and b == rn(mpmath.exp(M(float(v)) - total), kind)
    # JAX's NaN: a +inf in the slice, or only -inf
    y = np.array([[np.inf, 0.0, 1.0], [-np.inf, -np.inf, -np.inf], [0.0, 1.0, 2.0]])
    assert np.isnan(nn.log_softmax(y)[:2]).all() and np.isnan(nn.softmax(y)[:2]).all()
    assert not np.isnan(nn.log_softmax(y)[2]).any()


def test_scipy_special_logsumexp_b_and_sign():
    a = rng.normal(0, 3, 6)
    b = np.array([1.0, -2.0, 0.5, 3.0, -1.0, 0.0])
    val, sign = special.logsumexp(a, b=b, return_sign=True)
    s = mpmath.fsum(M(float(w)) * mpmath.exp(M(float(v))) for v, w in zip(a, b))
    assert val == rn(mpmath.log(abs(s)), np.float64) and sign == (1 if s > 0 else -1)
    assert nn.logsumexp(a, where=b != 0) == rn(lse(a[b != 0]), np.float64)


def test_scipy_special_zero_conventions():
    """jax.scipy.special's entr, xlogy and xlog1py: scipy's values except JAX's zeros (jax/_src/scipy/special.py):
    entr(0) = -xlogy(0, 0) = -0.0, xlogy(0, y) = +0.0 unless y is NaN, xlog1py(0, y) = +0.0 even for NaN."""
    import scipy.special as ss  # noqa: F401 - the reference for the rest
    x = np.array([0.0, 1.0, 0.25, -1.0, np.inf, np.nan, 1e-300])
    got = special.entr(x)
    assert np.signbit(got[0]) and got[0] == 0 and np.signbit(got[1]) and got[1] == 0  # -(1 * log 1) = -0.0
    with mpmath.workprec(300):
        assert got[2] == float(-mpmath.mpf(0.25) * mpmath.log(mpmath.mpf(0.25)))
        assert got[6] == float(-mpmath.mpf(1e-300) * mpmath.log(mpmath.mpf(1e-300)))
    assert got[3] == -np.inf and got[4] == -np.inf and np.isnan(got[5])
    assert not np.signbit(ss.entr(0.0))  # scipy's +0.0: the convention differs
    xy = special.xlogy(np.array([0.0, 0.0, -0.0, 2.0, -2.0, 0.0]), np.array([0.0, np.nan, 0.5, 3.0, 1.0, -1.0]))
    assert xy[0] == 0 and not np.signbit(xy[0]) and np.isnan(xy[1]) and not np.signbit(xy[2])
    with mpmath.workprec(300):
        assert xy[3] == float(2 * mpmath.log(3))
    assert xy[4] == 0 and np.signbit(xy[4])  # -2 * log(1) = -0.0, IEEE's product
    assert xy[5] == 0 and not np.signbit(xy[5])
    x1 = special.xlog1py(np.array([0.0, 0.0, 2.0]), np.array([-1.0, np.nan, 1e-10]))
    assert x1[0] == 0 and x1[1] == 0 and not np.signbit(x1[1])  # scipy: xlog1py(0, nan) is NaN
    assert np.isnan(ss.xlog1py(0.0, np.nan))
    with mpmath.workprec(300):
        assert x1[2] == float(2 * mpmath.log1p(mpmath.mpf(1e-10)))
    assert np.signbit(special.entr(0.0)) and isinstance(special.entr(0.5), float)
