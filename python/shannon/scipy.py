"""scipy's information-theory functions, exactly: shannon.scipy.special.rel_entr(x, y) and friends are the
exact values of what scipy documents, with its boundary values (entr(0) = 0, rel_entr(0, y) = 0,
kl_div(0, y) = y, inf outside the domain), its normalization (scipy.stats.entropy and
scipy.spatial.distance.jensenshannon divide pk, qk by their sums), argument names and defaults,
correctly rounded to float64 (float32 for float32 inputs).

The formulas live once, in C++ (include/shannon/profiles/scipy.hpp). scipy itself is not needed.
The functions are also importable flat: shannon.scipy.rel_entr is shannon.scipy.special.rel_entr.
"""

import types

import numpy as np

from . import _core
from ._api import Assembled, Request, as_array, axes_of, elementwise_call, floats, quantity, rows_over
from ._api import slices as _slices
from ._api import softmax_over


def _tuple_axis(arrays, axis):
    """For an `axis` that is a tuple (scipy's logsumexp and log_softmax take them, as NumPy's reductions): the arrays with
    those axes moved last and flattened into one, the axis to use then (-1), the shape of one value per
    slice, and how to put a per-element result back; None for an int or None axis."""
    if not isinstance(axis, tuple):
        return None
    axes = axes_of(axis, arrays[0].ndim)
    flat = [rows_over(a, axes) for a in arrays]
    rest = tuple(n for k, n in enumerate(arrays[0].shape) if k not in axes)
    return [f for f, _ in flat], -1, rest, flat[0][1], axes


def _elementwise(name, doc, zero_sign=None):
    """zero_sign(x, y): where the factor beside x is negative, for the IEEE sign of a zero product
    (xlogy(-2, 1) = -0.0 in scipy; the oracle's exact zero carries no sign)."""
    def impl(req, *xs):
        return elementwise_call(req, getattr(_core, "scipy_" + name), xs, zero_sign=zero_sign, empty=False)

    impl.__name__ = name
    impl.__qualname__ = name
    impl.__doc__ = doc
    return quantity(impl)


entr = _elementwise("entr", "scipy.special.entr(x) = -x log x for x > 0, 0 at 0, -inf for x < 0.")
rel_entr = _elementwise("rel_entr", "scipy.special.rel_entr(x, y) = x log(x/y) for x, y > 0; 0 for x = 0, y >= 0; "
                                    "+inf otherwise.")
kl_div = _elementwise("kl_div", "scipy.special.kl_div(x, y) = x log(x/y) - x + y for x, y > 0; y for x = 0, y >= 0; "
                                "+inf otherwise.")
xlogy = _elementwise("xlogy", "scipy.special.xlogy(x, y) = x log y, 0 where x = 0; a zero product signed as IEEE's "
                     "x * log(y).", zero_sign=lambda x, y: y < 1)
xlog1py = _elementwise("xlog1py", "scipy.special.xlog1py(x, y) = x log1p(y), 0 where x = 0; a zero product signed "
                       "as IEEE's x * log1p(y).", zero_sign=lambda x, y: np.signbit(y))


@quantity
def logsumexp(req, a, axis=None, b=None, keepdims=False, return_sign=False):
    """scipy.special.logsumexp: log sum b_i e^(a_i) along axis (an int, a tuple, None: all; a and b broadcast
    together, as scipy's np.broadcast_arrays); NaN where the sum is negative unless return_sign, which
    returns (log|sum|, sign). Terms with b_i = 0 are left out."""
    (aa,) = floats(a)
    req.infer(aa)
    bb = None
    if b is not None:
        aa, bb = np.broadcast_arrays(aa, as_array(b, np.float64))
        bb = np.where(bb == 0, 0.0, bb)
    tupled = _tuple_axis([aa] if bb is None else [aa, bb], axis)
    if tupled is not None:
        arrays, inner, rest, _, axes = tupled
        value = logsumexp.__wrapped__(req, arrays[0], axis=inner, b=None if bb is None else arrays[1],
                                      return_sign=return_sign).value

        def shaped(v):
            v = np.asarray(v).reshape(rest) if isinstance(v, np.ndarray) else v
            return np.expand_dims(v, axes) if keepdims else v
        return Assembled(tuple(shaped(v) for v in value) if return_sign else shaped(value))

    def call(fn):
        if bb is None:
            return _slices(req, [aa], axis, lambda r, x: getattr(_core, fn)(r, x, np.empty(0)))
        return _slices(req, [aa, bb], axis, lambda r, x, y: getattr(_core, fn)(r, x, y))

    def keep(v):
        if keepdims and isinstance(v, np.ndarray | float | np.floating):
            return np.expand_dims(v, tuple(range(aa.ndim)) if axis is None else axis)
        return v

    if not return_sign:
        return Assembled(keep(call("scipy_logsumexp")))
    value = keep(call("scipy_logsumexp_abs"))
    sign_req = Request("round", "float64")
    saved = req.core
    req.core = sign_req.core
    sign = keep(call("scipy_logsumexp_sign"))
    req.core = saved
    return Assembled((value, sign))


@quantity
def log_softmax(req, x, axis=None):
    """scipy.special.log_softmax: x - logsumexp(x) along axis (an int, a tuple, None: over all elements)."""
    (xa,) = floats(x)
    req.infer(xa)
    tupled = _tuple_axis([xa], axis)
    if tupled is not None:
        arrays, inner, _, back, _ = tupled
        return Assembled(back(log_softmax.__wrapped__(req, arrays[0], axis=inner).value))
    if xa.size == 0 and (axis is None or xa.shape[axis] == 0):  # scipy: a ValueError from its np.amax
        where = "" if axis is None else f" along axis {axis}"
        raise ValueError(f"shannon.scipy.log_softmax: x has no elements{where} (shape {xa.shape}): the log-softmax "
                         "of an empty slice is undefined")
    return Assembled(_slices(req, [xa], axis, lambda r, v: _core.scipy_log_softmax(r, v), keep_shape=True,
                             batch=_core.scipy_log_softmax_rows))


@quantity
def entropy(req, pk, qk=None, base=None, axis=0):
    """scipy.stats.entropy: pk (and qk) divided by their sums along axis; -sum p log p, or with qk
    sum p log(p/q) (the KL divergence); divided by log(base) when base is given."""
    arrays = floats(pk) if qk is None else floats(pk, qk)
    req.infer(*arrays)
    if qk is not None:
        arrays = list(np.broadcast_arrays(*arrays))
    base = None if base is None else float(base)
    if qk is None:
        return Assembled(_slices(req, arrays, axis, lambda r, p: _core.scipy_entropy(r, p, base)))
    return Assembled(_slices(req, arrays, axis, lambda r, p, q: _core.scipy_relative_entropy(r, p, q, base)))


@quantity
def jensenshannon(req, p, q, base=None, axis=0, keepdims=False):
    """scipy.spatial.distance.jensenshannon: sqrt((D(p||m) + D(q||m)) / 2), m = (p + q) / 2, with p and q divided
    by their sums along axis; the divergence divided by log(base) when base is given."""
    arrays = list(np.broadcast_arrays(*floats(p, q)))
    req.infer(*arrays)
    base = None if base is None else float(base)
    out = _slices(req, arrays, axis, lambda r, a, b: _core.scipy_jensenshannon(r, a, b, base))
    if keepdims and isinstance(out, np.ndarray | float | np.floating):
        out = np.expand_dims(out, axis)
    return Assembled(out)


@quantity
def softmax(req, x, axis=None):
    """scipy.special.softmax: e^x / sum e^x along axis (an int, a tuple, None: over all elements); NaN for a
    slice whose largest element is +inf or that holds only -inf (scipy's x - max is inf - inf there)."""
    (xa,) = floats(x)
    if xa.size == 0:  # scipy: a ValueError from its np.amax
        raise ValueError(f"shannon.scipy.softmax: x has no elements (shape {xa.shape}): the softmax of an empty "
                         "slice is undefined")
    return softmax_over(req, xa, axis, None, False)


special = types.SimpleNamespace(entr=entr, rel_entr=rel_entr, kl_div=kl_div, xlogy=xlogy, xlog1py=xlog1py,
                                logsumexp=logsumexp, log_softmax=log_softmax, softmax=softmax)
stats = types.SimpleNamespace(entropy=entropy)
spatial = types.SimpleNamespace(distance=types.SimpleNamespace(jensenshannon=jensenshannon))
