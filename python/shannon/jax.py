"""JAX's jax.nn and jax.scipy.special functions, exactly: ``import shannon.jax.nn as nn`` stands for
``jax.nn`` (sigmoid, softplus, log_sigmoid, softmax, log_softmax, logsumexp) and
``shannon.jax.scipy.special.logsumexp`` for ``jax.scipy.special.logsumexp``. Each element is correctly
rounded to the input's dtype. JAX is not needed; the formulas are JAX's (jax/_src/nn/functions.py,
jax/_src/ops/special.py) and their values those of profiles that share them (include/shannon/profiles/jax.hpp):

* sigmoid = lax.logistic; softplus = logaddexp(x, 0) (no linear region, unlike PyTorch's threshold);
  log_sigmoid = -softplus(-x);
* softmax and log_softmax over ``axis`` (an int, a tuple, or None for all), with ``where`` (elements left
  out of the max and the sum; log_softmax gives them -inf, softmax 0): NaN for a slice whose largest
  element is +inf or that holds only -inf (JAX's x - max is inf - inf there), as PyTorch's;
* logsumexp(a, axis, b, keepdims, return_sign, where): scipy.special.logsumexp's values (``where``
  multiplies b by the mask).
"""

import sys
import types

import numpy as np

from . import _core
from . import scipy as _scipy
from . import torch as _torch
from ._api import Assembled, as_array, axes_of, floats, quantity, rows_over, softmax_over


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
special.logsumexp = _logsumexp
special.__all__ = ["logsumexp"]
scipy.special = special
for _m in (nn, scipy, special):
    sys.modules[_m.__name__] = _m
