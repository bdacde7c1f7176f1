"""JAX's jax.nn and jax.scipy.special functions, exactly: ``import shannon.jax.nn as nn`` stands for
``jax.nn`` (sigmoid, softplus, log_sigmoid, softmax, log_softmax, logsumexp) and
``shannon.jax.scipy.special`` for ``jax.scipy.special``'s logsumexp, entr, xlogy and xlog1py. Each element is correctly
rounded to the input's dtype. JAX is not needed; the formulas are JAX's (jax/_src/nn/functions.py,
jax/_src/ops/special.py) and their values those of profiles that share them (include/shannon/profiles/jax.hpp):

* sigmoid = lax.logistic; softplus = logaddexp(x, 0) (no linear region, unlike PyTorch's threshold);
  log_sigmoid = -softplus(-x);
* softmax and log_softmax over ``axis`` (an int, a tuple, or None for all), with ``where`` (elements left
  out of the max and the sum; log_softmax gives them -inf, softmax 0): NaN for a slice whose largest
  element is +inf or that holds only -inf (JAX's x - max is inf - inf there), as PyTorch's;
* logsumexp(a, axis, b, keepdims, return_sign, where): scipy.special.logsumexp's values (``where``
  multiplies b by the mask);
* entr, xlogy, xlog1py: scipy's values with JAX's zeros (entr(0) = -0.0; xlog1py(0, NaN) = +0.0).
"""

import decimal
import sys
import types

import numpy as np

from . import _core
from . import scipy as _scipy
from . import torch as _torch
from ._api import Assembled, as_array, axes_of, finish, floats, quantity, rows_over, softmax_over


def _elementwise(name, impl, doc):
    def f(req, x):
        return impl.__wrapped__(req, x)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return quantity(f)


nn = types.ModuleType(__name__ + ".nn", "jax.nn's functions, exactly (see shannon.jax).")
nn.sigmoid = _elementwise("sigmoid", _torch.special.expit,
                          "jax.nn.sigmoid(x) = lax.logistic(x) = 1 / (1 + e^-x), elementwise.")


@quantity
def _softplus(req, x):
    return _torch.softplus.__wrapped__(req, x, 1.0, float(np.finfo(np.float64).max))


_softplus.__name__ = _softplus.__qualname__ = "softplus"
_softplus.__doc__ = "jax.nn.softplus(x) = logaddexp(x, 0) = log(1 + e^x), elementwise: no linear region (+inf at +inf)."
nn.softplus = _softplus
nn.log_sigmoid = _elementwise("log_sigmoid", _torch.logsigmoid,
                              "jax.nn.log_sigmoid(x) = -softplus(-x), elementwise.")


@quantity
def _log_softmax(req, x, axis=-1, where=None):
    return softmax_over(req, x, axis, where, True)


@quantity
def _softmax(req, x, axis=-1, where=None):
    return softmax_over(req, x, axis, where, False)


_log_softmax.__name__ = _log_softmax.__qualname__ = "log_softmax"
_log_softmax.__doc__ = ("jax.nn.log_softmax(x, axis=-1, where=None): x - logsumexp(x) over axis (an int, a tuple, None), "
                        "over the elements `where` selects (the others -inf); NaN for a slice whose maximum is +inf or "
                        "that holds only -inf. Source: jax/_src/nn/functions.py log_softmax.")
_softmax.__name__ = _softmax.__qualname__ = "softmax"
_softmax.__doc__ = ("jax.nn.softmax(x, axis=-1, where=None): e^x / sum e^x over axis, over the elements `where` "
                    "selects (the others 0); NaN for a slice whose maximum is +inf or that holds only -inf. "
                    "Source: jax/_src/nn/functions.py softmax.")
nn.log_softmax = _log_softmax
nn.softmax = _softmax


@quantity
def _logsumexp(req, a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    (x,) = floats(a)
    if where is not None:
        w = np.broadcast_to(as_array(where, bool), x.shape).astype(np.float64)
        b = w if b is None else np.broadcast_to(as_array(b, np.float64), x.shape) * w
    if x.ndim == 0:
        return _scipy.special.logsumexp.__wrapped__(req, x, None, b, keepdims, return_sign)
    axes = axes_of(axis, x.ndim)
    rows, _ = rows_over(x, axes)  # the reduced axes last, as one: one slice per row
    brows = None if b is None else rows_over(np.broadcast_to(as_array(b, np.float64), x.shape), axes)[0]
    out = _scipy.special.logsumexp.__wrapped__(req, rows, -1, brows, False, return_sign).value
    shape = tuple(x.shape[k] for k in range(x.ndim) if k not in axes)
    kept = tuple(1 if k in axes else x.shape[k] for k in range(x.ndim))

    def fit(v):
        v = np.asarray(v).reshape(shape)
        return v.reshape(kept) if keepdims else (v[()] if v.ndim == 0 else v)
    return Assembled((fit(out[0]), fit(out[1])) if return_sign else fit(out))


_logsumexp.__name__ = _logsumexp.__qualname__ = "logsumexp"
_logsumexp.__doc__ = ("jax.nn.logsumexp = jax.scipy.special.logsumexp(a, axis=None, b=None, keepdims=False, "
                      "return_sign=False, where=None): log sum b e^a over axis (scipy.special.logsumexp's values; "
                      "`where` multiplies b by the mask). Source: jax/_src/ops/special.py logsumexp.")
nn.logsumexp = _logsumexp
nn.__all__ = ["sigmoid", "softplus", "log_sigmoid", "softmax", "log_softmax", "logsumexp"]

scipy = types.ModuleType(__name__ + ".scipy", "jax.scipy, exactly (see shannon.jax).")
special = types.ModuleType(__name__ + ".scipy.special", "jax.scipy.special's functions, exactly (see shannon.jax).")
def _zeros_where(name, doc, zero):
    """jax.scipy.special's entr/xlogy/xlog1py: scipy's exact values (shannon.scipy), with JAX's zeros where
    x == 0: zero(x, y) gives the mask of elements JAX sets to its zero, and the zero's sign."""
    base = getattr(_scipy.special, name)

    def f(req, *xs):
        out = base.__wrapped__(req, *xs)
        value = out.value if isinstance(out, Assembled) else finish(out[0], req, out[1])
        arrays = np.broadcast_arrays(*[as_array(v, np.float64) for v in xs])
        mask, signed = zero(*arrays)
        if req.core.mode == "ulp" or not np.any(mask):
            return Assembled(value)
        if req.core.mode == "digits":
            zero_digits = decimal.Decimal("-0" if signed else "0")
            if np.ndim(value) == 0:
                return Assembled(zero_digits if mask else value)
            fixed = np.array(value, dtype=object)
            fixed[np.broadcast_to(mask, fixed.shape)] = zero_digits
            return Assembled(fixed)
        if req.core.mode == "enclose":
            if isinstance(value, list):
                flat = np.ravel(mask)
                return Assembled([(decimal.Decimal(0), decimal.Decimal(0)) if m else v for v, m in zip(value, flat)])
            return Assembled((decimal.Decimal(0), decimal.Decimal(0)) if mask else value)
        if np.any(mask):
            fixed = np.where(mask, np.copysign(0.0, -1.0 if signed else 1.0), value).astype(np.asarray(value).dtype)
            value = fixed[()] if np.ndim(value) == 0 else fixed
        return Assembled(value)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return quantity(f)


special.entr = _zeros_where(
    "entr", """jax.scipy.special.entr: -x log x for x > 0, -inf for x < 0, NaN for NaN; at x = 0 JAX's -xlogy(x, x)
    gives -0.0 (scipy's entr(0) is +0.0). Source: jax/_src/scipy/special.py entr.""",
    lambda x: (x == 0, True))
special.xlogy = _zeros_where(
    "xlogy", """jax.scipy.special.xlogy: x log y, +0.0 where x == 0 (jnp.zeros_like) unless y is NaN (propagated,
    as scipy's, in current JAX). Source: jax/_src/scipy/special.py xlogy.""",
    lambda x, y: ((x == 0) & ~np.isnan(y), False))
special.xlog1py = _zeros_where(
    "xlog1py", """jax.scipy.special.xlog1py: x log1p(y), +0.0 where x == 0 whatever y (NaN included: scipy gives
    NaN there). Source: jax/_src/scipy/special.py xlog1py.""",
    lambda x, y: (x == 0, False))
special.logsumexp = _logsumexp
special.__all__ = ["logsumexp", "entr", "xlogy", "xlog1py"]
scipy.special = special
for _m in (nn, scipy, special):
    sys.modules[_m.__name__] = _m
