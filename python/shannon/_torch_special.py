"""shannon.torch.special: torch.special's functions, exactly - each element correctly rounded to the
input's dtype, with PyTorch's values at 0, +-inf and NaN and the constants it keeps in the tensor's
dtype (logit's eps and 1 - eps). Names and arguments as torch.special's, so one module can stand for
the other:

    import shannon.torch.special as special      # for torch.special
    special.logit(x, eps=1e-6); special.logsumexp(x, dim=1); special.log_softmax(x, 1, dtype=torch.float64)

The elementwise formulas live once, in C++ (include/shannon/profiles/torch_special.hpp); entr, xlogy
and xlog1py share scipy's (the same values). Arguments broadcast as torch's do. logsumexp, softmax and
log_softmax take torch's `dim` (an int or, for logsumexp, a tuple) and `keepdim`; softmax's and
log_softmax's `dtype=` casts the input first (a float64 input asked for float32 is rounded to float32,
as input.to(dtype) does), and the result is in that dtype. Where torch's formula meets inf - inf
(softmax and log_softmax of a slice whose largest element is +inf, or of a slice of -inf only), the
value is NaN, as torch's.
"""

import numpy as np

from . import _core
from ._api import DTYPES, Assembled, as_array, dtype_name, elementwise_call, floats, quantity, round_to_dtype, slices


def _call(name):
    """The extension's runner of torch.special's one- or two-argument function `name`."""
    def call(core, *flat):
        return (_core.torch_elementwise if len(flat) == 1 else _core.torch_elementwise2)(core, name, *flat)
    return call


def _elementwise(name, reproduces, doc, keeps_zero=False, zero_sign=None):
    """A function of torch.special over broadcast arrays (elementwise_call: keeps_zero, zero_sign)."""
    def impl(req, *xs):
        return elementwise_call(req, _call(name), xs, keeps_zero=keeps_zero, zero_sign=zero_sign)

    impl.__name__ = impl.__qualname__ = reproduces.rpartition(".")[2]
    impl.__doc__ = f"{reproduces}: {doc}"
    return quantity(impl)


entr = _elementwise("entr", "torch.special.entr", "-x log x for x > 0, 0 at 0, -inf for x < 0.")
xlogy = _elementwise("xlogy", "torch.special.xlogy", "x log y, 0 where x = 0 (NaN where y is NaN); "
                     "a zero product signed as IEEE's x * log(y).", zero_sign=lambda x, y: y < 1)
xlog1py = _elementwise("xlog1py", "torch.special.xlog1py",
                       "x log1p(y), 0 where x = 0 (NaN where y is NaN); a zero product signed as IEEE's "
                       "x * log1p(y).", zero_sign=lambda x, y: np.signbit(y))
expit = _elementwise("expit", "torch.special.expit", "1 / (1 + e^-x) (torch.sigmoid).")
log1p = _elementwise("log1p", "torch.special.log1p",
                     "log(1 + x): -inf at -1, NaN below -1, x itself at +-0.", keeps_zero=True)
expm1 = _elementwise("expm1", "torch.special.expm1", "e^x - 1: -1 at -inf, x itself at +-0.",
                     keeps_zero=True)


@quantity
def logit(req, input, eps=None):
    """torch.special.logit(input, eps=None): log(z / (1 - z)) with z = input clamped to [eps, 1 - eps] when
    eps is given (eps and 1 - eps rounded to the input's dtype, as PyTorch keeps them), else z = input:
    -inf at 0, +inf at 1, NaN outside [0, 1]."""
    eps = None if eps is None else float(eps)
    # the constants in the result's dtype: the tensor's, or the one dtype= names for wider inputs
    return elementwise_call(req, lambda core, x: _core.torch_elementwise(core, "logit", x, eps=eps, dtype=core.dtype),
                            (input,))


def _dims(dim, ndim, function):
    """torch's dim: an int or a tuple of ints (negative counting from the end), each in range, distinct."""
    dims = (dim,) if isinstance(dim, int | np.integer) else tuple(dim)
    out = []
    for d in dims:
        if not isinstance(d, int | np.integer):
            raise TypeError(f"shannon.torch.special.{function}: dim must be an int or a tuple of ints, not {d!r}")
        k = int(d) + (max(ndim, 1) if d < 0 else 0)
        if not 0 <= k < max(ndim, 1):
            raise IndexError(f"shannon.torch.special.{function}: dim {d} is out of range for a tensor of {ndim} "
                             f"dimension(s)")
        if k in out:
            raise ValueError(f"shannon.torch.special.{function}: dim {d} appears twice")
        out.append(k)
    return out


def _last(a, dims):
    """a with the axes dims moved to the end and merged into one (the slices along them as its last axis)."""
    a = a.reshape(1) if a.ndim == 0 else a
    rest = [k for k in range(a.ndim) if k not in dims]
    n = int(np.prod([a.shape[k] for k in dims], dtype=np.int64))
    return np.transpose(a, rest + dims).reshape(tuple(a.shape[k] for k in rest) + (n,))


@quantity
def logsumexp(req, input, dim, keepdim=False):
    """torch.special.logsumexp(input, dim, keepdim=False): log sum e^x over dim (an int or a tuple of
    ints): +inf where a slice holds +inf, -inf for a slice of -inf only or an empty one, NaN for a NaN."""
    (x,) = floats(input)
    req.infer(x)
    dims = _dims(dim, x.ndim, "logsumexp")
    a = _last(x, dims)
    if a.shape[-1] == 0:
        out = np.full(a.shape[:-1], -np.inf, dtype=np.float32 if req.core.dtype == "float32" else np.float64)
    else:
        nan_rows = np.isnan(a).any(axis=-1)  # torch: NaN (the core refuses a NaN)
        out = slices(req, [np.where(nan_rows[..., None], 0.0, a)], a.ndim - 1, lambda r, v: _core.logsumexp(r, v))
        if np.any(nan_rows):
            out = np.array(out, dtype=object if req.core.mode in ("digits", "enclose") else None)
            out[nan_rows] = np.nan
    if keepdim and x.ndim:
        out = np.expand_dims(np.asarray(out), tuple(sorted(dims)))
    return Assembled(out)


def _softmax_like(req, input, dim, dtype, log, function):
    x = as_array(input)
    if dtype is None and req.core.mode in ("round", "ulp"):
        # dtype= as a keyword is the package's result dtype (Quantity takes it): for these functions it
        # also casts the input first, as torch's dtype argument does
        dtype = req.explicit_dtype
    if dtype is not None:
        name = dtype_name(dtype)
        if name not in DTYPES:
            raise TypeError(f"shannon.torch.special.{function}: dtype must be a floating-point dtype "
                            f"({', '.join(DTYPES)}), not {dtype!r}")
        x = round_to_dtype(x, name)  # input.to(dtype): rounded to nearest, once
        req.explicit_dtype = name
        req.core.dtype = name
    (x,) = floats(x)
    req.infer(x)
    (k,) = _dims(dim, x.ndim, function)
    moved = np.moveaxis(x.reshape(1) if x.ndim == 0 else x, k, -1)
    if moved.size == 0:
        return Assembled(np.asarray(x, dtype=np.float32 if req.core.dtype == "float32" else np.float64))
    top = np.max(moved, axis=-1, keepdims=True)
    undefined = np.isnan(top) | np.isinf(top)  # torch: x - max is inf - inf (or NaN) in the slice
    safe = np.where(undefined, 0.0, moved)
    call = (lambda r, v: _core.log_softmax(r, v)) if log else (lambda r, v: _core.softmax(r, v))
    out = slices(req, [safe], safe.ndim - 1, call, keep_shape=True)
    if np.any(undefined):
        out = np.array(out, dtype=object if req.core.mode in ("digits", "enclose") else None)
        out[np.broadcast_to(undefined, out.shape)] = np.nan
    out = np.moveaxis(np.asarray(out), -1, k) if x.ndim else np.asarray(out).reshape(())
    return Assembled(out)


@quantity
def softmax(req, input, dim, dtype=None):
    """torch.special.softmax(input, dim, dtype=None): e^x / sum e^x along dim (dtype: the input cast to it
    first, the result in it); NaN for a slice whose largest element is +inf or that holds only -inf, as
    torch's x - max gives."""
    return _softmax_like(req, input, dim, dtype, False, "softmax")


@quantity
def log_softmax(req, input, dim, dtype=None):
    """torch.special.log_softmax(input, dim, dtype=None): x - logsumexp(x) along dim (dtype: the input cast to
    it first, the result in it); NaN for a slice whose largest element is +inf or that holds only -inf,
    as torch's x - max gives."""
    return _softmax_like(req, input, dim, dtype, True, "log_softmax")


__all__ = ["entr", "xlogy", "xlog1py", "expit", "logit", "log1p", "expm1", "logsumexp", "softmax", "log_softmax"]
