"""shannon: the exact values of information theory and of the machine-learning losses.

Every function returns the exact value of its quantity at the given inputs (NumPy arrays, lists,
numbers, CPU torch tensors of any real dtype — float64, float32, float16, bfloat16, integers — and
any object with ``__array__`` or ``__dlpack__``; each float taken as the exact number it is, float64
and float32 tensors read without a copy), correctly rounded:

    >>> import numpy as np, shannon
    >>> shannon.kl_divergence(np.array([0.5, 0.5]), np.array([0.9, 0.1]))
    0.5108256237659906
    >>> shannon.kl_divergence([0.5, 0.5], [0.9, 0.1], digits=30)
    Decimal('0.510825623765990643114127095951')

The result has the inputs' format: float32 (a numpy.float32) when every floating-point input is
float32, float16 or bfloat16 when every one is that (bfloat16 is returned as the float64 holding it:
NumPy has no bfloat16), float32 for float16 or bfloat16 mixed with float32 (PyTorch's promotion),
else float64; ``dtype=`` asks for float64, float32, bfloat16 or float16. Tensors on a GPU or the
meta device, complex, quantized and sparse tensors are a TypeError saying what to do.
``digits=N`` gives N correct significant digits as a decimal.Decimal. ``shannon.enclose(f, *inputs)``
gives an enclosure of the exact value, ``shannon.ulp_error(actual, f, *inputs)`` the error of a
result computed elsewhere, and ``shannon.testing.assert_close`` asserts a bound on it.

Submodules: ``shannon.torch`` and ``shannon.scipy`` hold the exact values of what those libraries'
functions compute, with their conventions, argument names and defaults; ``shannon.testing`` the
assertions. ``shannon.Accumulator`` gives the exact value of a sum seen in parts (mergeable,
serializable, the same bits for every split), and ``shannon.dask`` (imported on its own) the same on
Dask arrays. Bad input raises ValueError (or TypeError) with the library's message, which names the
function, the argument, the index and the value.
"""

import numpy as np

from . import _core
from ._version import __version__
from ._api import UndeterminedWarning, Quantity, enclose, last_paths, ulp_error
from ._api import as_array as _as_array
from ._api import base_name as _base
from ._api import floats as _floats
from ._api import indices as _indices
from ._api import one_value as _one_value
from ._api import quantity as _quantity

# The measures (entropy, cross_entropy, kl_divergence, ...) join from core/registry.hpp's list below.
__all__ = [
    "self_information", "binary_entropy", "sigmoid", "softplus", "log_sigmoid", "logsumexp", "softmax",
    "log_softmax", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "categorical_cross_entropy", "categorical_cross_entropy_with_logits",
    "multilabel_binary_cross_entropy", "multilabel_binary_cross_entropy_with_logits",
    "bernoulli_log_likelihood", "bernoulli_nll", "categorical_log_likelihood", "categorical_nll",
    "gaussian_nll", "gaussian_log_likelihood", "mean_squared_error", "sum_squared_error",
    "enclose", "ulp_error", "last_paths", "Quantity", "UndeterminedWarning", "Accumulator",
]


def _suffix(a):
    return "_f32" if a.dtype == np.float32 else ""


def _f64(a):
    """A flat float64 array of a (float32 converted exactly; float64 as is)."""
    return a.astype(np.float64, copy=False).ravel()


def _named(impl, name, doc):
    """A function of the package made by a factory: its name, its docstring, the request/result frame."""
    impl.__name__ = name
    impl.__qualname__ = name
    impl.__doc__ = doc
    return _quantity(impl)


_NORM = (" Information in nats unless base= says otherwise (\"bits\": log 2, \"bans\": log 10; a perplexity, a "
         "number of outcomes, is the same in every base). normalization: \"check\" "
         "(|sum - 1| <= sum_tolerance, else ValueError), \"normalize\" (divide by the sum, as scipy.stats.entropy) "
         "or \"unnormalized\" (a measure of non-negative weights, as the generalized KL, ignores it). Correctly "
         "rounded, and as fast as numpy's naive formula for float64/float32 arrays of any length where the "
         "oracle has a fast path.")


def _measure(name, formula, kind):
    """The package's function for a measure of core/registry.hpp (one or two distributions): its name,
    its docstring from the list's formula."""
    def one(req, p, *, base="nats", normalization="check", sum_tolerance=1e-6):
        (p,) = _floats(p)
        fn = getattr(_core, name + _suffix(p))
        return fn(req.infer(p), p.ravel(), _base(base), normalization, sum_tolerance, "mean"), None

    def two(req, p, q, *, base="nats", normalization="check", sum_tolerance=1e-6):
        p, q = _floats(p, q)
        fn = getattr(_core, name + _suffix(p))
        return fn(req.infer(p, q), p.ravel(), q.ravel(), _base(base), normalization, sum_tolerance, "mean"), None

    return _named(one if kind == "distribution" else two, name, formula + "." + _NORM)


def _ordered(name, formula, kind, order):
    """The package's function for a quantity of one or two distributions and an order (alpha, q): the
    order is the argument after the distributions, by position or by its name."""
    # float64 bindings only (float32 inputs converted exactly; the result still has their dtype).
    def one(req, p, *args, base="nats", normalization="check", sum_tolerance=1e-6, **kw):
        (a,) = _order(name, order, args, kw, 1)
        (p,) = _floats(p)
        r = req.infer(p)
        return getattr(_core, name)(r, _f64(p), a, _base(base), normalization, sum_tolerance, "mean"), None

    def two(req, p, q, *args, base="nats", normalization="check", sum_tolerance=1e-6, **kw):
        (a,) = _order(name, order, args, kw, 2)
        p, q = _floats(p, q)
        r = req.infer(p, q)
        return getattr(_core, name)(r, _f64(p), _f64(q), a, _base(base), normalization, sum_tolerance, "mean"), None

    doc = (formula + f". The order {order} is a number in [0, inf] (float('inf') allowed), continuous through 1 "
           "(no cancellation: the value at 1 + 1e-12 is within a few ulps of the limit)." + _NORM)
    return _named(one if kind == "distribution_and_order" else two, name, doc)


def _order(name, order, args, kw, n):
    if len(args) + (order in kw) != 1 or set(kw) - {order}:
        extra = sorted(set(kw) - {order})
        raise TypeError(f"shannon.{name}() takes {n} distribution{'s' if n > 1 else ''} and the order {order}"
                        + (f"; unexpected keyword {extra[0]!r}" if extra else ""))
    a = args[0] if args else kw[order]
    if isinstance(a, (str, bytes)) or np.ndim(a) != 0:
        raise TypeError(f"shannon.{name}: the order {order} must be one number, not {type(a).__name__}")
    return (float(a),)


def _table(name, formula, reads):
    """The package's function for a quantity of a joint table (an n-D array, axis k the k-th variable),
    with the keywords its entry of core/registry.hpp reads (given, average)."""
    def impl(req, J, *, base="nats", normalization="check", sum_tolerance=1e-6, **kw):
        unknown = set(kw) - set(reads.split())
        if unknown:
            raise TypeError(f"shannon.{name}() got an unexpected keyword argument {sorted(unknown)[0]!r}")
        (j,) = _floats(J)
        if j.ndim == 0:
            raise ValueError(f"shannon.{name}: argument 'J' is a number, not a table")
        given = kw.get("given")
        given = -1 if given is None else _axis(name, given, j.ndim)
        r = req.infer(j)
        return getattr(_core, name)(r, np.ascontiguousarray(j, dtype=np.float64), _base(base), normalization,
                                    sum_tolerance, given, kw.get("average", "arithmetic")), None

    extra = {"given": " given=k conditions on axis k (an int; negative counts from the end).",
             "average": " average= 'arithmetic' (default, as scikit-learn), 'geometric', 'min', 'max' or 'joint' "
                        "(divides by H(X,Y))."}
    doc = (formula + ". J: the joint distribution as an array, axis k the k-th variable (J[x, y] = P(X=x, Y=y))."
           + "".join(extra[r] for r in reads.split()) + _NORM)
    return _named(impl, name, doc)


def _axis(name, given, ndim):
    """An axis of a table as the extension takes it (>= 0; NumPy's negative axes count from the end)."""
    if isinstance(given, (bool, np.bool_)) or not isinstance(given, (int, np.integer)):
        raise TypeError(f"shannon.{name}: given= must be an axis (an int), not {given!r}")
    g = int(given) + (ndim if given < 0 else 0)
    if g < 0:
        raise ValueError(f"shannon.{name}: given={given} is not an axis of a {ndim}-D table")
    return g


# The measures, made from the list of core/registry.hpp: a measure added there is a function here.
for _name, _formula, _alias, _kind, _reads in _core.quantities():
    if _kind in ("distribution", "two_distributions"):
        globals()[_name] = _measure(_name, _formula, _kind)
    elif _kind in ("distribution_and_order", "two_distributions_and_order"):
        globals()[_name] = _ordered(_name, _formula, _kind, _reads)
    elif _kind == "joint_table":
        globals()[_name] = _table(_name, _formula, _reads)
    else:
        continue
    if _name not in __all__:
        __all__.append(_name)
del _name, _formula, _alias, _kind, _reads


def _elementwise(name, doc, has_base):
    def impl(req, x, *, base="nats"):
        (a,) = _floats(x)
        a64 = a.astype(np.float64, copy=False)
        raw = getattr(_core, name)(req.infer(a), a64.ravel(), _base(base) if has_base else "nats")
        if a.ndim == 0:
            # A scalar in, a scalar out.
            return _one_value(raw), None
        return raw, a.shape

    return _named(impl, name, doc)


self_information = _elementwise("self_information", "Self-information I(p) = -log p (I(0) = +inf), elementwise.", True)
binary_entropy = _elementwise(
    "binary_entropy", "Binary entropy H(p) = -p log p - (1-p) log(1-p) of a Bernoulli(p), elementwise.", True)
sigmoid = _elementwise("sigmoid", "sigmoid(x) = 1 / (1 + e^-x), elementwise.", False)
softplus = _elementwise("softplus", "softplus(x) = log(1 + e^x), elementwise (exact up to |x| = 1e300 and at inf).", False)
log_sigmoid = _elementwise("log_sigmoid", "log sigmoid(x) = -softplus(-x), elementwise.", False)


@_quantity
def logsumexp(req, z):
    """logsumexp(z) = log sum e^z_i over a 1-D array (no overflow; correct at +-inf)."""
    (z,) = _floats(z)
    return _core.logsumexp(req.infer(z), z.astype(np.float64).ravel()), None


@_quantity
def softmax(req, z):
    """softmax(z)_k = e^(z_k - logsumexp(z)) of a 1-D array."""
    (z,) = _floats(z)
    return _core.softmax(req.infer(z), z.astype(np.float64).ravel()), z.shape


@_quantity
def log_softmax(req, z):
    """log softmax(z)_k = z_k - logsumexp(z) of a 1-D array."""
    (z,) = _floats(z)
    return _core.log_softmax(req.infer(z), z.astype(np.float64).ravel()), z.shape


def _pair_loss(name, doc):
    def impl(req, y, x, *, reduction="mean"):
        y, x = _floats(y, x)
        r = req.infer(x, y)
        return getattr(_core, name)(r, y.astype(np.float64).ravel(), x.astype(np.float64).ravel(), reduction), None

    return _named(impl, name, doc)




def _categorical(name, doc):
    def impl(req, target, q, *, base="nats", normalization="check", sum_tolerance=1e-6, reduction="mean"):
        (qa,) = _floats(q)
        t = _as_array(target)
        r = req.infer(qa)
        q64 = qa.astype(np.float64)
        if t.dtype.kind in "iub":
            ti = _indices(t)
            return getattr(_core, name)(r, ti.ravel(), q64, _base(base), normalization, sum_tolerance, reduction), None
        (tf,) = _floats(t)
        return getattr(_core, name + "_soft")(r, tf.astype(np.float64), q64, _base(base), normalization, sum_tolerance,
                                              reduction), None

    return _named(impl, name, doc)




def _gaussian(name, doc):
    def impl(req, y, mu, sigma2):
        y, mu = _floats(y, mu)
        return getattr(_core, name)(req.infer(y, mu), y.astype(np.float64).ravel(), mu.astype(np.float64).ravel(),
                                    float(sigma2)), None

    return _named(impl, name, doc)


def _squared(name, doc):
    def impl(req, y, mu):
        y, mu = _floats(y, mu)
        return getattr(_core, name)(req.infer(y, mu), y.astype(np.float64).ravel(), mu.astype(np.float64).ravel()), None

    return _named(impl, name, doc)


# The losses of the list (core/registry.hpp), by the kinds of their arguments: the list's formula and
# what the kind's inputs are make the docstring.
_LOSS_KINDS = {
    "labels_and_probabilities": (_pair_loss, "y: labels in [0, 1] (soft labels allowed), x: the probabilities p, one per "
                                             "sample; reduction 'mean' (default) or 'sum'."),
    "labels_and_logits": (_pair_loss, "y: labels in [0, 1], x: the logits, one per sample (exact for |x| up to 1e300 "
                                      "and at +-inf); reduction 'mean' (default) or 'sum'."),
    "classes_and_probabilities": (_categorical, "target: class indices (int array, one per row of q) or "
                                                "one-hot/soft rows; q: probability rows (N x K, or one row); "
                                                "reduction 'mean' or 'sum' over rows."),
    "classes_and_logits": (_categorical, "target: as for categorical_cross_entropy; q: rows of logits; "
                                         "reduction 'mean' or 'sum' over rows."),
    "gaussian": (_gaussian, "y: observations, mu: means, one per sample; sigma2 > 0: one variance (the minimum "
                            "over mu is least squares)."),
    "observations_and_predictions": (_squared, "y: observations, mu: predictions, one per sample."),
}
for _name, _formula, _alias, _kind, _reads in _core.quantities():
    if _kind in _LOSS_KINDS:
        _make, _inputs = _LOSS_KINDS[_kind]
        globals()[_name] = _make(_name, _formula + ". " + _inputs)
        if _name not in __all__:
            __all__.append(_name)
del _name, _formula, _alias, _kind, _reads, _make, _inputs


def _multilabel(name, doc):
    def impl(req, y, x, *, reduction="mean"):
        y, x = _floats(y, x)
        r = req.infer(x, y)
        return getattr(_core, name)(r, y.astype(np.float64), x.astype(np.float64), reduction), None

    return _named(impl, name, doc)


multilabel_binary_cross_entropy = _multilabel(
    "multilabel_binary_cross_entropy",
    "Multi-label BCE: the sum over classes of BCE(y_k, p_k) per row (n-hot y), reduced over rows.")
multilabel_binary_cross_entropy_with_logits = _multilabel(
    "multilabel_binary_cross_entropy_with_logits",
    "Multi-label BCE from logits: the sum over classes of y softplus(-x) + (1-y) softplus(x), reduced over rows.")


@_quantity
def bernoulli_log_likelihood(req, data, p):
    """log L(p) = k log p + (n - k) log(1 - p) of binary outcomes (k ones among n)."""
    return _core.bernoulli_log_likelihood(req.infer(), _indices(data).ravel(), float(p)), None


@_quantity
def bernoulli_nll(req, data, p):
    """-log L(p) of binary outcomes: n times the cross-entropy between the data's frequencies and Bernoulli(p)."""
    return _core.bernoulli_nll(req.infer(), _indices(data).ravel(), float(p)), None


@_quantity
def categorical_log_likelihood(req, data, q):
    """sum_i log q[x_i] of categorical outcomes (class indices)."""
    (q,) = _floats(q)
    return _core.categorical_log_likelihood(req.infer(q), _indices(data).ravel(), q.astype(np.float64).ravel()), None


@_quantity
def categorical_nll(req, data, q):
    """-sum_i log q[x_i] of categorical outcomes."""
    (q,) = _floats(q)
    return _core.categorical_nll(req.infer(q), _indices(data).ravel(), q.astype(np.float64).ravel()), None


gaussian_log_likelihood = _gaussian("gaussian_log_likelihood", "Gaussian log-likelihood -gaussian_nll(y, mu, sigma2).")


sum_squared_error = _squared("sum_squared_error", "sum (y - mu)^2.")


from . import keras, optax, scipy, testing, tf_keras2, torch  # noqa: E402
from ._accumulate import Accumulator  # noqa: E402  (the submodules use the names above)
