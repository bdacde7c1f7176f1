"""The machinery shared by every function of the package: requests to the oracle and their results.

A function of the package (``shannon.kl_divergence``, ``shannon.torch.cross_entropy``, ...) is a
:class:`Quantity`. Calling it returns the exact value of the quantity at the given inputs, correctly
rounded to the dtype (float64 by default, float32 when every floating-point input is float32, or the
``dtype=`` asked for: float64, float32, bfloat16, float16), or ``digits=N`` correct significant digits
as a :class:`decimal.Decimal`. ``shannon.enclose`` gives an enclosure and ``shannon.ulp_error`` the
error of a candidate in ulps of the dtype.
"""

import decimal
import inspect
import math
import numbers
import threading
import warnings

import numpy as np

from . import _core

DTYPES = ("float64", "float32", "bfloat16", "float16")

_PATHS = ("kernel", "ball", "mpfi", "undetermined")
_local = threading.local()


def _record(paths):
    counts = getattr(_local, "paths", None)
    if counts is None:
        counts = _local.paths = dict.fromkeys(_PATHS, 0)
    for k in _PATHS:
        counts[k] += paths[k]


def last_paths():
    """How the correctly rounded results of this thread's last call were decided, as counts:
    ``kernel`` (a double-double kernel of the oracle's fast path: entropy, cross-entropy, KL),
    ``ball`` (the generic evaluation in certified double-double balls), ``mpfi`` (the multiprecision
    interval path, for values too close to a rounding boundary for the others), ``undetermined``
    (not decided within the precision cap; a warning says so). Only calls that round count (not
    ``digits=``, enclosures or ulp errors)."""
    return dict(getattr(_local, "paths", None) or dict.fromkeys(_PATHS, 0))


class UndeterminedWarning(RuntimeWarning):
    """The oracle reached its precision cap without deciding the rounding (see shannon::exact)."""


_NARROW = ("bfloat16", "float16")


def _bfloat16_bits_to_float32(bits):
    """float32 values of bfloat16 bit patterns (uint16): a bfloat16 is the upper half of a float32, so
    this is exact (NaN payloads included)."""
    bits = np.asarray(bits)
    return (bits.reshape(-1).view(np.uint16).astype(np.uint32) << 16).view(np.float32).reshape(bits.shape)


def _read_torch(x):
    """A NumPy array of a torch tensor's values (a view when NumPy holds its dtype), and its dtype's name."""
    import torch

    name = str(x.dtype).replace("torch.", "")
    if x.device.type != "cpu":
        what = "a meta tensor holds no values" if x.device.type == "meta" else "shannon reads host memory"
        raise TypeError(f"shannon: a torch tensor of shape {tuple(x.shape)} on device '{x.device}': move it to "
                        f"the CPU first (x.cpu()); {what}")
    if x.is_complex():
        raise TypeError(f"shannon: complex input (dtype {x.dtype}): the quantities take real numbers "
                        "(pass x.real explicitly if that is what you mean)")
    if x.is_quantized:
        raise TypeError(f"shannon: a quantized tensor (dtype {x.dtype}): dequantize it first (x.dequantize()), "
                        "so that the values read are the ones meant")
    if x.layout != torch.strided:
        raise TypeError(f"shannon: a tensor of layout {x.layout}: pass x.to_dense()")
    x = x.detach()
    if x.is_neg():  # a lazily negated view: .numpy() refuses it
        x = x.resolve_neg()
    if name == "bfloat16":
        return _bfloat16_bits_to_float32(x.contiguous().view(torch.int16).numpy()), name
    return x.numpy(), name


def read_input(x):
    """x as a NumPy array when it is an array-like object (a NumPy array, a torch tensor, an object with
    ``__array__`` or ``__dlpack__``), with the name of its element type; (x, None) for anything else
    (lists and numbers: as_array reads them). bfloat16 values become float32 (exact); nothing else
    is converted, so a float64 or float32 tensor on the CPU is read without a copy."""
    if isinstance(x, np.ndarray):
        a = x
    elif type(x).__module__.split(".")[0] == "torch" and hasattr(x, "detach") and hasattr(x, "device"):
        return _read_torch(x)
    elif hasattr(x, "__array__"):
        a = np.asarray(x)
    elif hasattr(x, "__dlpack__"):
        if hasattr(x, "__dlpack_device__") and x.__dlpack_device__()[0] != 1:  # DLPack's kDLCPU
            raise TypeError(f"shannon: a {type(x).__name__} on DLPack device {tuple(x.__dlpack_device__())}: "
                            "move it to the CPU first; shannon reads host memory")
        try:
            a = np.from_dlpack(x)
        except (TypeError, BufferError, RuntimeError) as e:  # e.g. bfloat16, which NumPy has no type for
            try:
                from torch.utils.dlpack import from_dlpack
            except ImportError:
                raise TypeError(f"shannon: cannot read a {type(x).__name__} through DLPack: {e}") from None
            return _read_torch(from_dlpack(x))
    else:
        return x, None
    name = a.dtype.name
    if name == "bfloat16" and a.dtype.itemsize == 2:  # ml_dtypes' bfloat16 (JAX's NumPy arrays)
        return _bfloat16_bits_to_float32(a), name
    return a, name


def read_inputs(args, kwargs):
    """The array-like arguments of a call read by read_input, and the result dtype their element types
    imply when it is not float64 or float32: "bfloat16" or "float16" when every floating-point array is
    of that type (as a framework computes in it), else None."""
    names = []

    def one(x):
        a, name = read_input(x)
        if name is not None and np.dtype(a.dtype).kind == "f":
            names.append(name)
        return a

    args = [one(x) for x in args]
    kwargs = {k: one(v) for k, v in kwargs.items()}
    narrow = names[0] if names and names[0] in _NARROW and all(n == names[0] for n in names) else None
    return args, kwargs, narrow


def as_array(x, dtype=None, real=True):
    """A NumPy view of x (an array, a list, a number, a CPU torch tensor, an object with __array__ or
    __dlpack__), C-contiguous.

    Inputs are read exactly or refused: with ``real`` (every input but class indices) an array must
    hold real numbers (complex, object, text and date arrays are a TypeError: text is not parsed,
    so "0.1" is never silently the double 0.1), and one that float64 cannot hold exactly
    (np.longdouble values with more than 53 bits, integers beyond 2^53) is a ValueError naming the
    first such element. np.longdouble arrays whose values are all doubles become float64; float16
    and bfloat16 arrays become float32 (exact). Tensors on a GPU or the meta device are a TypeError
    ("move it to the CPU")."""
    x, _ = read_input(x)
    if isinstance(x, (str, bytes)):
        raise TypeError(f"shannon: text input {x[:80]!r}: the Python functions take numbers (text is not parsed; "
                        "the shannon command reads exact decimals)")
    a = np.asarray(x, order="C")
    if real and dtype is None:
        a = _exactly_float64(a)
    return np.asarray(a, dtype=dtype, order="C")


def _exactly_float64(a):
    kind = a.dtype.kind
    if kind == "c":
        raise TypeError(f"shannon: complex input (dtype {a.dtype}): the quantities take real numbers "
                        "(pass x.real explicitly if that is what you mean)")
    if kind not in "fiub":
        raise TypeError(f"shannon: input of dtype {a.dtype} is not an array of real numbers (text is not parsed: "
                        "pass floats or integers)")
    if kind == "f" and a.dtype.itemsize > 8 or kind in "iu" and a.dtype.itemsize == 8:
        wide = a.astype(np.longdouble) if kind in "iu" else a
        back = a.astype(np.float64).astype(np.longdouble)
        bad = np.flatnonzero((back != wide) & ~np.isnan(wide))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"shannon: input at flat index {i} is {a.ravel()[i]!r}, which float64 cannot hold "
                             f"exactly (shannon reads inputs exactly; round them yourself if that is meant)")
        if kind == "f":
            return a.astype(np.float64)
    if a.dtype == np.float16:
        return a.astype(np.float32)
    return a


def floats(*xs):
    """Arrays of one floating-point type: float32 when every input is float32, else float64
    (float32 values are exact in float64, so nothing is rounded)."""
    arrays = [as_array(x) for x in xs]
    kind = np.float32 if all(a.dtype == np.float32 for a in arrays) else np.float64
    return [np.asarray(a, dtype=kind, order="C") for a in arrays]


def indices(x):
    a = as_array(x, real=False)
    if a.dtype.kind not in "iub":
        raise TypeError(f"class indices must be integers, not {a.dtype}")
    return np.asarray(a, dtype=np.int64, order="C")


def gradient_rows(req, x, axis, function, argument):
    """For a gradient computed over rows with `axis` moved last (the C++ profiles' layout): those rows (in
    x's dtype), the axis normalized, and back(raw) -> the result in x's layout. The request's ulp
    candidates are reordered to the rows' order; enclose() over an axis other than the last is an error
    (its pairs would come in the rows' order)."""
    if x.ndim == 0:
        raise ValueError(f"shannon.{function}: {argument} must have at least one dimension")
    axis = axis + x.ndim if axis < 0 else axis
    moved = np.moveaxis(x, axis, -1)
    rows = np.ascontiguousarray(moved.reshape(-1, moved.shape[-1]))
    core = req.infer(x)
    last = axis == x.ndim - 1
    if not last and core.mode == "enclose":
        raise ValueError(f"shannon.{function}: enclose() of a gradient over an axis other than the last: move the "
                         "axis last first")
    if not last and core.mode == "ulp":
        core.candidates = np.moveaxis(np.asarray(core.candidates).reshape(x.shape), axis, -1).ravel().tolist()

    def back(raw):
        if last:
            return raw, x.shape
        return Assembled(np.moveaxis(np.asarray(finish(raw, req, moved.shape)), -1, axis))
    return rows, axis, back


def rows_last(x, axis):
    """x with `axis` moved last, as a C-contiguous float64 (rows, C) array, and the shape of one value per row."""
    if x.ndim == 0:
        x = x.reshape(1)
    x = np.moveaxis(x, axis, -1)
    return np.ascontiguousarray(x.reshape(-1, x.shape[-1]), dtype=np.float64), x.shape[:-1]


def base_name(base):
    if base is None or base in ("nats", "e") or (isinstance(base, float) and base == math.e):
        return "nats"
    if base in ("bits", 2):
        return "bits"
    if base in ("bans", "hartleys", 10):
        return "bans"
    raise ValueError(f"shannon: base must be 'nats', 'bits', 'bans' (or e, 2, 10), not {base!r}")


def dtype_name(dtype):
    if dtype is None:
        return None
    name = str(dtype).replace("torch.", "").replace("jnp.", "")
    if name not in DTYPES:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            pass
    if name == "double":
        name = "float64"
    if name in ("float", "single"):
        name = "float32"
    if name == "half":
        name = "float16"
    if name not in DTYPES:
        raise ValueError(f"shannon: dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
    return name


def _whole(name, value, lo, hi):
    """A count the caller gave: an integer in [lo, hi] (1.5 is not truncated, True is not 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"shannon: {name} must be an integer, not {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"shannon: {name} must lie in [{lo}, {hi}], not {value}")
    return int(value)


class Request:
    """What one call asks of the oracle (wraps shannon._core.Request)."""

    def __init__(self, mode="round", dtype=None, digits=17, bits=256, candidates=()):
        self.narrow = None  # "bfloat16" / "float16" when every floating-point input array is of that type
        self.core = _core.Request()
        self.core.mode = mode
        self.core.digits = _whole("digits", digits, 1, 10000)
        self.core.bits = _whole("bits", bits, 2, 1 << 20)
        self.core.candidates = [float(c) for c in candidates]
        self.explicit_dtype = dtype_name(dtype)
        self.core.dtype = self.explicit_dtype or "float64"

    def infer(self, *arrays):
        """The result dtype: the one asked for; else float32 when every input is float32 after reading
        (float16 and bfloat16 arrays are read as float32), narrowed to bfloat16 or float16 when every
        floating-point input array was of that type; else float64. Mixed formats thus promote as
        PyTorch's do (float16 with bfloat16 or float32: float32)."""
        if self.explicit_dtype is None:
            narrowest = arrays and all(a.dtype == np.float32 for a in arrays)
            self.core.dtype = (self.narrow or "float32") if narrowest else "float64"
        return self.core


def _numpy_dtype(name):
    return {"float64": np.float64, "float32": np.float32, "float16": np.float16}.get(name, np.float64)


def finish(raw, request, shape=None):
    """Python values from the extension's raw results."""
    mode = request.core.mode
    if mode == "partial":  # added to request.core.into (shannon.Accumulator)
        return None
    if mode == "round":
        values, determined, paths, each = raw
        _record(paths)
        if not determined:
            warnings.warn("shannon: the rounding of some results could not be decided within the precision cap; "
                          "where the enclosure still holds a tie between two floats (the usual cause: the exact "
                          "value is that tie) the value given is the tie rounded to even, else the rounding of "
                          "the enclosure's midpoint", UndeterminedWarning, 2)
        kind = _numpy_dtype(request.core.dtype)
        if each:
            a = values.astype(kind, copy=False)  # exact: each value is already rounded to the dtype
            return a.reshape(shape) if shape is not None else a
        return float(values[0]) if kind is np.float64 else kind(values[0])
    if mode == "digits":
        strings, each = raw
        out = [_decimal(s) for s in strings]
        if each:
            a = np.empty(len(out), dtype=object)
            a[:] = out
            return a.reshape(shape) if shape is not None else a
        return out[0]
    if mode == "enclose":
        pairs, each = raw
        out = [(decimal.Decimal(lo), decimal.Decimal(hi)) for lo, hi in pairs]
        if each:
            return out
        return out[0]
    if mode == "ulp":
        errors, each = raw
        if each:
            a = np.array(errors, dtype=np.float64)
            return a.reshape(shape) if shape is not None else a
        return float(errors[0])
    raise ValueError(mode)


def _decimal(s):
    if s.startswith("undetermined"):
        raise ArithmeticError(f"shannon: the digits could not be decided within the precision cap: {s}")
    return decimal.Decimal(s)


class Quantity:
    """A quantity of shannon: call it for the correctly rounded value (``dtype=``) or N correct digits
    (``digits=N``); ``.enclose(...)`` and ``.ulp_error(actual, ...)`` as shannon.enclose / ulp_error."""

    def __init__(self, impl, name=None):
        self._impl = impl
        self.__name__ = name or impl.__name__
        self.__qualname__ = self.__name__
        self.__doc__ = impl.__doc__
        self.__module__ = impl.__module__
        self.__wrapped__ = impl

    def __repr__(self):
        return f"<shannon quantity {self.__module__}.{self.__name__}>"

    def __call__(self, *args, dtype=None, digits=None, **kwargs):
        if digits is not None:
            return self.evaluate(Request("digits", dtype, digits=digits), *args, **kwargs)
        return self.evaluate(Request("round", dtype), *args, **kwargs)

    def _where(self):
        return f"{self.__module__}.{self.__name__}"

    def _refuse_complex(self, args, kwargs):
        """A complex argument is a TypeError naming the function and the argument (before any work)."""
        try:
            params = [p for p in inspect.signature(self._impl).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][1:]  # after the request
        except (TypeError, ValueError):
            params = []
        named = [(f"argument '{params[i].name}'" if i < len(params) and params[i].kind != params[i].VAR_POSITIONAL
                  else f"positional argument {i + 1}", v) for i, v in enumerate(args)]
        for what, v in named + [(f"argument '{k}'", v) for k, v in kwargs.items()]:
            if isinstance(v, complex) or (isinstance(v, np.ndarray) and v.dtype.kind == "c"):
                dtype = v.dtype if isinstance(v, np.ndarray) else "complex"
                raise TypeError(f"{self._where()}: complex input in {what} (dtype {dtype}): the quantities take "
                                "real numbers (pass x.real explicitly if that is what you mean)")

    def evaluate(self, request, *args, **kwargs):
        _local.paths = dict.fromkeys(_PATHS, 0)
        try:
            args, kwargs, request.narrow = read_inputs(args, kwargs)
            self._refuse_complex(args, kwargs)
            out = self._impl(request, *args, **kwargs)
        except (TypeError, ValueError) as e:
            # the Python layer's own input errors ("shannon: ...") name the function they were raised in
            msg = str(e)
            if not msg.startswith("shannon: ") or type(e) not in (TypeError, ValueError):
                raise
            raise type(e)(f"{self._where()}: {msg[len('shannon: '):]}") from e
        if isinstance(out, Assembled):
            return out.value
        raw, shape = out
        return finish(raw, request, shape)

    def enclose(self, *args, bits=256, **kwargs):
        return self.evaluate(Request("enclose", None, bits=bits), *args, **kwargs)

    def ulp_error(self, actual, *args, dtype=None, **kwargs):
        a, name = read_input(actual)
        a = as_array(a)
        if dtype is None and name in ("float32", "float16", "bfloat16"):
            dtype = name
        req = Request("ulp", dtype, candidates=np.asarray(a, dtype=np.float64).ravel())
        out = self.evaluate(req, *args, **kwargs)
        if isinstance(out, np.ndarray) and a.ndim > 0:
            return out.reshape(a.shape)
        return out


class Assembled:
    """A result a wrapper assembled itself from several calls (e.g. one per slice of an axis)."""

    def __init__(self, value):
        self.value = value


def one_value(raw):
    """The raw result of an elementwise call on a scalar, marked as one value (a scalar out)."""
    return tuple(raw[:-1]) + (False,)


def assemble(values, shape, request):
    """One array (or nested list for enclosures) of per-slice results."""
    if request.core.mode == "enclose":
        return Assembled(values)
    if request.core.mode == "digits":
        a = np.empty(len(values), dtype=object)
        a[:] = values
        return Assembled(a.reshape(shape))
    kind = np.float64 if request.core.mode == "ulp" else _numpy_dtype(request.core.dtype)
    return Assembled(np.array(values, dtype=kind).reshape(shape))


def quantity(impl):
    """Decorator: impl(request, *inputs, **options) -> (raw, shape) or Assembled."""
    return Quantity(impl)


def enclose(q, *args, bits=256, **kwargs):
    """An enclosure (lo, hi) of the exact value of q(*args), as decimal.Decimal ends rounded outward,
    computed at `bits` bits, an integer in [2, 2^20] (a list of pairs for a quantity with one value per
    element)."""
    return q.enclose(*args, bits=bits, **kwargs)


def ulp_error(actual, q, *args, dtype=None, **kwargs):
    """(actual - exact) / ulp(exact) in the dtype (float64, or the candidate's float32/float16): 0.5 or
    less for a correctly rounded result. An array of errors for a quantity with one value per element."""
    return q.ulp_error(actual, *args, dtype=dtype, **kwargs)


def slices(req, arrays, axis, call, keep_shape=False, batch=None):
    """Applies call(request, *slices) to every 1-D slice along `axis` (None: the whole flattened array) and
    returns the results assembled (one value per slice, or one per element when keep_shape). `batch`, for
    an elementwise call of one array, takes every slice at once as the rows of a 2-D array when rounding
    (one extension call, the rows split over the cores, one output array)."""
    if axis is None:
        flat = [np.ascontiguousarray(a.ravel(), dtype=np.float64) for a in arrays]
        out = finish(call(req.core, *flat), req)
        if keep_shape and isinstance(out, np.ndarray):
            return out.reshape(arrays[0].shape)
        return out
    moved = [np.moveaxis(a, axis, -1) for a in arrays]
    outer = moved[0].shape[:-1]
    n = moved[0].shape[-1]
    rows = [np.ascontiguousarray(m, dtype=np.float64).reshape(-1, n) for m in moved]
    if batch is not None and keep_shape and req.core.mode == "round" and len(rows) == 1:
        out = finish(batch(req.core, rows[0]), req).reshape(moved[0].shape)
        return np.moveaxis(out, -1, axis)
    results = []
    candidates = list(req.core.candidates)
    per = n if keep_shape else 1
    for i in range(rows[0].shape[0]):
        sub = Request(req.core.mode, req.explicit_dtype or req.core.dtype, digits=req.core.digits, bits=req.core.bits,
                      candidates=candidates[i * per:(i + 1) * per] if req.core.mode == "ulp" else ())
        results.append(finish(call(sub.core, *[r[i] for r in rows]), sub))
    if keep_shape:
        if req.core.mode in ("round", "ulp") and all(isinstance(r, np.ndarray) for r in results):
            # one concatenation of the slices' arrays (not a Python list of every element)
            stacked = assemble(np.concatenate([r.ravel() for r in results]), moved[0].shape, req).value
        else:
            stacked = assemble([v for row in results for v in row], moved[0].shape, req).value
        return np.moveaxis(stacked, -1, axis) if not isinstance(stacked, list) else stacked
    value = assemble(results, outer, req).value
    if outer == () and isinstance(value, np.ndarray):
        return value[()]  # one slice: a scalar, as NumPy's and scipy's reductions give
    return value


def product_zero_signs(out, x, other_negative):
    """The sign of a zero result of x * g(y) as IEEE arithmetic gives it (scipy's and PyTorch's xlogy
    and xlog1py): -0.0 where the exact product is 0 or underflows, x != 0, and exactly one factor is
    negative (other_negative: where g(y) is negative or -0); +0 where x = 0. The oracle's exact zero
    carries no sign. out: the rounded results (an array, or a scalar); returns them with those signs."""
    a = np.asarray(out)
    zero = (a == 0) & (np.asarray(x) != 0)
    if not np.any(zero):
        return out
    signs = np.signbit(np.asarray(x)) ^ np.asarray(other_negative)
    fixed = np.where(zero, np.where(signs, -0.0, 0.0).astype(a.dtype), a)
    return fixed if a.ndim else fixed[()]


# the narrow formats round_to_dtype rounds to by hand: significand bits, least normal exponent, largest value
_FORMATS = {"bfloat16": (8, -126, 3.3895313892515355e38), "float16": (11, -14, 65504.0)}


def round_to_dtype(x, name):
    """Float64 values rounded to nearest, ties to even, in the format `name` (float64, float32, bfloat16,
    float16), exactly (no double rounding: the significand is rounded once, from the float64), returned
    as float64 (float32 as float32). Subnormals and overflow to +-inf as the format has them."""
    x = np.asarray(x, dtype=np.float64)
    if name == "float64":
        return x
    if name == "float32":
        return x.astype(np.float32)  # NumPy's conversion rounds once, to nearest even
    bits, emin, top = _FORMATS[name]
    m, e = np.frexp(x)
    e = np.maximum(e, emin + 1)  # the subnormals' fixed spacing 2^(emin - bits + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        q = np.rint(np.ldexp(x, bits - e))  # exact scaling, one rounding (half to even)
        r = np.ldexp(q, e - bits)
        r = np.where(np.abs(r) > top, np.copysign(np.inf, x), r)
    return np.where(np.isfinite(x), r, x)


def elementwise_call(req, call, xs, keeps_zero=False, zero_sign=None, empty=True):
    """The body of an elementwise quantity (scipy's and PyTorch's special functions): the inputs xs
    broadcast together, flattened to float64, and call(core_request, *flat) evaluated on them, one value
    per element. The oracle's exact zero carries no sign, so when rounding: keeps_zero, f(-0) is -0 (the
    input itself: log1p, expm1); zero_sign(*flat), where the factor beside the first input is negative,
    signs a zero product as IEEE's (product_zero_signs: xlogy, xlog1py). empty: an empty input gives an
    empty result (else the extension's error for an empty argument)."""
    arrays = floats(*xs)
    b = np.broadcast_arrays(*arrays)
    shape = b[0].shape
    f64 = [np.ascontiguousarray(a, dtype=np.float64).ravel() for a in b]
    core = req.infer(*arrays)
    if empty and b[0].size == 0:
        return Assembled(np.zeros(shape, dtype=_numpy_dtype(core.dtype)))
    negative_zero = (f64[0] == 0) & np.signbit(f64[0]) if keeps_zero else None
    if core.mode == "round" and b[0].size and (zero_sign is not None or (keeps_zero and np.any(negative_zero))):
        out = np.asarray(finish(call(core, *f64), req))
        if keeps_zero:
            out = np.where(negative_zero, f64[0], out).astype(out.dtype)
        if zero_sign is not None:
            out = product_zero_signs(out, f64[0], zero_sign(*f64))
        return Assembled(out.reshape(shape) if shape != () else out[0])
    raw = call(core, *f64)
    return (one_value(raw), None) if shape == () else (raw, shape)


def axes_of(axis, ndim):
    """The axes an `axis` argument names (an int, a tuple, None for all), normalized."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = tuple(int(a) % ndim if -ndim <= int(a) < ndim else None for a in axes) if ndim else ()
    if None in out or len(set(out)) != len(out):
        raise ValueError(f"shannon: axis {axis!r} is out of range or repeated for an array of {ndim} dimensions")
    return out


def rows_over(x, axes):
    """x with `axes` moved last and flattened into one: (rows, n), and how to put values back."""
    rest = tuple(k for k in range(x.ndim) if k not in axes)
    moved = np.transpose(x, rest + axes)
    shape = moved.shape
    flat = moved.reshape(-1, int(np.prod([x.shape[k] for k in axes], dtype=np.int64)))

    def back(values):
        return np.transpose(np.asarray(values).reshape(shape), np.argsort(rest + axes))
    return flat, back


def softmax_over(req, x, axis, where, log):
    """softmax (or log_softmax) of x over `axis` (an int, a tuple, None), over the elements `where` selects
    (the others 0, or -inf), each value correctly rounded; NaN for a slice whose maximum is +inf or that
    holds only -inf (x - max is inf - inf there: JAX's, scipy's and PyTorch's value)."""
    (x,) = floats(x)
    core = req.infer(x)
    if x.ndim == 0:
        x = x.reshape(1)
    axes = axes_of(axis, x.ndim)
    rows, back = rows_over(x, axes)
    mask = None if where is None else rows_over(np.broadcast_to(as_array(where, bool), x.shape), axes)[0]
    kind = np.float32 if core.dtype == "float32" else np.float64
    out = np.full(rows.shape, -np.inf if log else 0.0, dtype=kind if core.mode == "round" else object)
    call = _core.log_softmax if log else _core.softmax
    for i in range(rows.shape[0]):
        keep = slice(None) if mask is None else mask[i]
        row = np.ascontiguousarray(rows[i][keep], dtype=np.float64)
        if not row.size:
            continue
        top = np.max(row)
        if np.isnan(top) or np.isinf(top):  # JAX's x - max is inf - inf (or NaN) in the slice
            out[i][keep] = np.nan
        else:
            out[i][keep] = finish(call(core, row), req, (row.size,))
    return Assembled(back(out))
