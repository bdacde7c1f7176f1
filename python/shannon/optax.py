"""optax's classification, divergence and regression losses (optax.losses), exactly: shannon.optax.softmax_cross_entropy(logits,
labels) is the exact value of what optax computes, with its conventions (predictions first; plain products,
so 0 * -inf is NaN in softmax_cross_entropy and 0 in safe_softmax_cross_entropy; no reduction: one value
per example), argument names and defaults, correctly rounded to the logits' dtype.

The formulas live once, in C++ (include/shannon/profiles/optax.hpp). optax and JAX are not needed.
"""

import re

import numpy as np

from . import _core
from ._api import Assembled, as_array, floats, gradient_rows, indices, one_value, quantity, round_to_dtype, rows_last


def _pairwise(name):
    def call(req, a, b, axis):
        (x,) = floats(a)
        y = np.broadcast_to(as_array(b, np.float64), x.shape)
        xr, shape = rows_last(x, axis)
        yr, _ = rows_last(y, axis)
        return getattr(_core, name)(req.infer(x), xr, yr), shape

    return call


_sce = _pairwise("optax_softmax_cross_entropy")
_safe = _pairwise("optax_safe_softmax_cross_entropy")
_kl = _pairwise("optax_kl_divergence")
_kl_log = _pairwise("optax_kl_divergence_with_log_targets")
_gkl = _pairwise("optax_generalized_kl_divergence")


@quantity
def softmax_cross_entropy(req, logits, labels, axis=-1):
    """optax.losses.softmax_cross_entropy: -sum_k labels_k log_softmax(logits)_k over `axis` (NaN where a
    label is 0 and its logit -inf). Source: optax/losses/_classification.py softmax_cross_entropy."""
    return _sce(req, logits, labels, axis)


@quantity
def safe_softmax_cross_entropy(req, logits, labels):
    """optax.losses.safe_softmax_cross_entropy: as softmax_cross_entropy over the last axis, with 0 where a
    label is 0 (0 log 0 = 0 for a -inf logit). Source: optax/losses/_classification.py."""
    return _safe(req, logits, labels, -1)


@quantity
def softmax_cross_entropy_with_integer_labels(req, logits, labels, axis=-1):
    """optax.losses.softmax_cross_entropy_with_integer_labels: logsumexp(logits) - logits[label] over `axis`
    (an int). A label outside [0, C) raises ValueError. Source: optax/losses/_classification.py."""
    (x,) = floats(logits)
    t = indices(labels)
    xr, shape = rows_last(x, axis)
    if t.shape != shape:
        raise ValueError(f"shannon.optax.softmax_cross_entropy_with_integer_labels: labels of shape {t.shape} do not "
                         f"match logits of shape {x.shape} (expected {shape})")
    return _core.optax_softmax_cross_entropy_with_integer_labels(req.infer(x), xr, np.ascontiguousarray(t.ravel())), shape


@quantity
def sigmoid_binary_cross_entropy(req, logits, labels):
    """optax.losses.sigmoid_binary_cross_entropy, elementwise: -labels log sigmoid(logits) - (1 - labels)
    log sigmoid(-logits) (plain products). Source: optax/losses/_classification.py."""
    (x,) = floats(logits)
    xb, yb = np.broadcast_arrays(x, as_array(labels, np.float64))
    raw = _core.optax_sigmoid_binary_cross_entropy(req.infer(x), np.ascontiguousarray(xb, dtype=np.float64).ravel(),
                                                   np.ascontiguousarray(yb, dtype=np.float64).ravel())
    if xb.shape == ():
        return one_value(raw), None
    return raw, xb.shape


def _weak(value, core):
    """A Python float as JAX's weak typing takes it into an operation with the logits: rounded to their
    dtype (float32 logits: the float32 nearest it)."""
    return float(round_to_dtype(np.array([float(value)]), core.dtype)[0])


@quantity
def sigmoid_focal_loss(req, logits, labels, alpha=None, gamma=2.0):
    """optax.losses.sigmoid_focal_loss, elementwise: sigmoid_binary_cross_entropy(logits, labels) (1 - p_t)^gamma,
    1 - p_t = (1 - labels) sigmoid(logits) + labels sigmoid(-logits) and the power taken as exp(gamma log(1 - p_t))
    (0 where 1 - p_t = 0 < gamma; NaN where it is 0 with gamma = 0, or negative for labels outside [0, 1]);
    with alpha, times alpha labels + (1 - alpha)(1 - labels). labels are cast to the logits' dtype, and
    gamma, alpha and 1 - alpha (a Python float) rounded to it, as JAX's weak typing does.
    Source: optax/losses/_classification.py sigmoid_focal_loss (optax 0.2.5's log-space form)."""
    return _focal(_core.optax_sigmoid_focal_loss, req, logits, labels, alpha, gamma)


def _focal(fn, req, logits, labels, alpha, gamma):
    """sigmoid_focal_loss or its gradient: labels cast to the logits' dtype, the constants rounded to it."""
    (x,) = floats(logits)
    y = as_array(labels).astype(x.dtype).astype(np.float64)
    xb, yb = np.broadcast_arrays(x, y)
    core = req.infer(x)
    a = None if alpha is None else _weak(alpha, core)
    b = None if alpha is None else _weak(1.0 - float(alpha), core)
    raw = fn(core, np.ascontiguousarray(xb, dtype=np.float64).ravel(), np.ascontiguousarray(yb, dtype=np.float64).ravel(),
             _weak(gamma, core), a, b)
    if xb.shape == ():
        return one_value(raw), None
    return raw, xb.shape


@quantity
def poly_loss_cross_entropy(req, logits, labels, epsilon=2.0, axis=-1):
    """optax.losses.poly_loss_cross_entropy: softmax_cross_entropy(logits, labels) + epsilon sum_k labels_k (1 -
    softmax(logits)_k) over `axis` (an int), epsilon rounded to the logits' dtype as JAX's weak typing does;
    NaN for a row with a +inf logit or only -inf ones. `where` is not supported.
    Source: optax/losses/_classification.py poly_loss_cross_entropy."""
    (x,) = floats(logits)
    y = np.broadcast_to(as_array(labels, np.float64), x.shape)
    xr, shape = rows_last(x, axis)
    yr, _ = rows_last(y, axis)
    core = req.infer(x)
    return _core.optax_poly_loss_cross_entropy(core, xr, yr, _weak(epsilon, core)), shape


@quantity
def kl_divergence(req, log_predictions, targets, axis=-1):
    """optax.losses.kl_divergence: sum over `axis` of targets (log targets - log_predictions), with log targets
    taken as 0 where targets = 0. Source: optax/losses/_classification.py kl_divergence."""
    return _kl(req, log_predictions, targets, axis)


@quantity
def kl_divergence_with_log_targets(req, log_predictions, log_targets, axis=-1):
    """optax.losses.kl_divergence_with_log_targets: sum over `axis` of exp(log_targets) (log_targets - log_predictions).
    Source: optax/losses/_classification.py."""
    return _kl_log(req, log_predictions, log_targets, axis)


@quantity
def generalized_kl_divergence(req, log_predictions, targets, axis=-1):
    """optax.losses.generalized_kl_divergence: kl_divergence + sum over `axis` of (exp(log_predictions) - targets).
    Source: optax/losses/_classification.py generalized_kl_divergence."""
    return _gkl(req, log_predictions, targets, axis)


@quantity
def convex_kl_divergence(req, log_predictions, targets, axis=-1):
    """optax.losses.convex_kl_divergence (deprecated in optax for generalized_kl_divergence, the same function):
    kl_divergence + sum over `axis` of (exp(log_predictions) - targets)."""
    return _gkl(req, log_predictions, targets, axis)


def _regression(name, predictions, targets, param, req, grad=False):
    """optax's regression losses: PyTorch's pointwise family unreduced (one value per element of the
    broadcast; targets None: the predictions are the errors); with grad, d / d predictions per element."""
    if targets is None:
        (x,) = floats(predictions)
        y = np.zeros_like(x)
    else:
        x, y = floats(predictions, targets)
    x, y = (np.ascontiguousarray(a, dtype=np.float64) for a in np.broadcast_arrays(x, y))
    core = req.infer(*floats(predictions, *(() if targets is None else (targets,))))
    if x.size == 0:
        return Assembled(np.zeros(x.shape, dtype=np.float32 if core.dtype == "float32" else np.float64))
    if callable(param):
        param = param(core.dtype)
    raw = _core.torch_pointwise_loss(core, name, x.ravel(), y.ravel(), "none", float(param), grad)
    return (one_value(raw), None) if x.shape == () else (raw, x.shape)


@quantity
def squared_error(req, predictions, targets=None):
    """optax.losses.squared_error: (predictions - targets)^2 elementwise (predictions^2 without targets).
    Source: optax/losses/_regression.py squared_error."""
    return _regression("scaled_square", predictions, targets, 1.0, req)


@quantity
def l2_loss(req, predictions, targets=None):
    """optax.losses.l2_loss: (predictions - targets)^2 / 2 elementwise. Source: optax/losses/_regression.py."""
    return _regression("scaled_square", predictions, targets, 0.5, req)


@quantity
def huber_loss(req, predictions, targets=None, delta=1.0):
    """optax.losses.huber_loss: 0.5 min(|d|, delta)^2 + delta (|d| - min(|d|, delta)) elementwise, d =
    predictions - targets (PyTorch's huber_loss, unreduced). Source: optax/losses/_regression.py."""
    return _regression("huber_loss", predictions, targets, float(delta), req)


def _log2_in(dtype):
    """log(2) in the dtype, as optax's jnp.log(2.0).astype(errors.dtype) holds it (the double nearest
    log 2, profiles/common.hpp's log2_double, rounded to the dtype)."""
    return float(round_to_dtype(np.array([np.log(2.0)]), dtype)[0])


@quantity
def log_cosh(req, predictions, targets=None):
    """optax.losses.log_cosh: logaddexp(d, -d) - log(2) elementwise, d = predictions - targets, with log(2)
    rounded to the errors' dtype as optax takes it (so log_cosh(0) is log 2 minus that rounding: 2.3e-17 in
    float64, not 0). Source: optax/losses/_regression.py log_cosh."""
    return _regression("log_cosh", predictions, targets, _log2_in, req)


# ---- gradients ---------------------------------------------------------------------------------------
# jax.grad of the sum of a loss's values with respect to its first argument (logits, log_predictions or
# predictions), exactly, in that argument's (broadcast) shape: jax.grad(lambda x: loss(x, y).sum())(x).
# Each is the gradient of the PyTorch profile whose loss is the same function (reduction "sum"), so no
# formula is written twice; JAX's rules give the same values at the limits (logaddexp's derivative at
# +-inf, the where of safe_softmax_cross_entropy passing 0 to the masked labels). The result dtype is
# the first argument's, as the loss's.

def _via_torch(name, req, x, call):
    """call() (a PyTorch profile's implementation) in the dtype of x and with messages naming this
    optax function."""
    req.explicit_dtype = req.infer(x).dtype
    try:
        return call()
    except ValueError as e:
        raise ValueError(re.sub(r"shannon\.torch\.\w+", f"shannon.optax.{name}", str(e))) from None


def _rows_gradient(req, name, logits, labels, axis, call):
    """call(rows, label_rows) -> the gradient over rows with `axis` last, returned in the logits' layout
    (labels: an array broadcast to the logits' shape, or integer labels of the other axes' shape)."""
    (x,) = floats(logits)
    rows, axis, back = gradient_rows(req, x, axis, f"optax.{name}", "logits")
    if labels.dtype.kind in "iu":
        label_rows = np.ascontiguousarray(labels.reshape(-1))
    else:
        label_rows = np.ascontiguousarray(np.moveaxis(np.broadcast_to(labels, x.shape), axis, -1).reshape(rows.shape))
    raw, _ = _via_torch(name, req, x, lambda: call(rows, label_rows))
    return back(raw)


def _torch():
    from . import torch as T
    return T


@quantity
def softmax_cross_entropy_grad(req, logits, labels, axis=-1):
    """d sum(softmax_cross_entropy) / d logits: softmax(logits) sum_k labels_k - labels, per row over `axis`."""
    T = _torch()
    return _rows_gradient(req, "softmax_cross_entropy_grad", logits, as_array(labels, np.float64), axis,
                          lambda x, y: T.cross_entropy.__wrapped__(req, x, y, reduction="sum", _grad=True))


@quantity
def safe_softmax_cross_entropy_grad(req, logits, labels):
    """d sum(safe_softmax_cross_entropy) / d logits: softmax(logits) sum_k labels_k - labels (the where that
    masks 0 labels passes them a zero cotangent: the same gradient as softmax_cross_entropy's)."""
    T = _torch()
    return _rows_gradient(req, "safe_softmax_cross_entropy_grad", logits, as_array(labels, np.float64), -1,
                          lambda x, y: T.cross_entropy.__wrapped__(req, x, y, reduction="sum", _grad=True))


@quantity
def softmax_cross_entropy_with_integer_labels_grad(req, logits, labels, axis=-1):
    """d sum(softmax_cross_entropy_with_integer_labels) / d logits: softmax(logits) - onehot(labels) over `axis`."""
    T = _torch()
    (x,) = floats(logits)
    t = indices(labels)
    c = x.shape[axis] if x.ndim else 0
    if x.ndim == 0 or t.shape != np.moveaxis(x, axis, -1).shape[:-1]:
        raise ValueError(f"shannon.optax.softmax_cross_entropy_with_integer_labels_grad: labels of shape {t.shape} do "
                         f"not match logits of shape {x.shape} over axis {axis}")
    bad = (t < 0) | (t >= c)
    if np.any(bad):
        i = int(np.flatnonzero(bad.ravel())[0])
        raise ValueError(f"shannon.optax.softmax_cross_entropy_with_integer_labels_grad: argument 'labels' at index {i} "
                         f"is {int(t.ravel()[i])}: a label must be in [0, {c})")
    return _rows_gradient(req, "softmax_cross_entropy_with_integer_labels_grad", x, t, axis,
                          lambda x, y: T.cross_entropy.__wrapped__(req, x, y, ignore_index=-1, reduction="sum",
                                                                   _grad=True))


@quantity
def sigmoid_binary_cross_entropy_grad(req, logits, labels):
    """d sum(sigmoid_binary_cross_entropy) / d logits: sigmoid(logits) - labels elementwise (1 - labels at +inf,
    -labels at -inf, as JAX's logaddexp rule gives)."""
    T = _torch()
    (x,) = floats(logits)
    y = np.broadcast_to(as_array(labels, np.float64), np.broadcast_shapes(x.shape, np.shape(as_array(labels))))
    xb = np.broadcast_to(x, y.shape)
    return _via_torch("sigmoid_binary_cross_entropy_grad", req, x, lambda: T.binary_cross_entropy_with_logits.__wrapped__(
        req, xb, y, reduction="sum", _grad=True))


def _elementwise_gradient(name, torch_loss, **options):
    @quantity
    def grad(req, log_predictions, targets, axis=-1):
        del axis  # elementwise: the sum over any axis has the same gradient
        T = _torch()
        (x,) = floats(log_predictions)
        y = as_array(targets, np.float64)
        xb, yb = np.broadcast_arrays(x, y)
        return _via_torch(name, req, x, lambda: getattr(T, torch_loss).__wrapped__(req, xb, yb, reduction="sum",
                                                                                  _grad=True, **options))
    grad.__name__ = grad.__qualname__ = name
    return grad


kl_divergence_grad = _elementwise_gradient("kl_divergence_grad", "kl_div")
kl_divergence_grad.__doc__ = """d sum(kl_divergence) / d log_predictions: -targets."""
kl_divergence_with_log_targets_grad = _elementwise_gradient("kl_divergence_with_log_targets_grad", "kl_div",
                                                            log_target=True)
kl_divergence_with_log_targets_grad.__doc__ = """d sum(kl_divergence_with_log_targets) / d log_predictions: -exp(log_targets)."""
generalized_kl_divergence_grad = _elementwise_gradient("generalized_kl_divergence_grad", "poisson_nll_loss",
                                                       log_input=True)
generalized_kl_divergence_grad.__doc__ = """d sum(generalized_kl_divergence) / d log_predictions: exp(log_predictions) -
targets."""


@quantity
def squared_error_grad(req, predictions, targets=None):
    """d sum(squared_error) / d predictions: 2 (predictions - targets)."""
    return _regression("scaled_square", predictions, targets, 1.0, req, grad=True)


@quantity
def l2_loss_grad(req, predictions, targets=None):
    """d sum(l2_loss) / d predictions: predictions - targets."""
    return _regression("scaled_square", predictions, targets, 0.5, req, grad=True)


@quantity
def huber_loss_grad(req, predictions, targets=None, delta=1.0):
    """d sum(huber_loss) / d predictions: d inside [-delta, delta], else delta sgn(d), d = predictions - targets."""
    return _regression("huber_loss", predictions, targets, float(delta), req, grad=True)


@quantity
def log_cosh_grad(req, predictions, targets=None):
    """d sum(log_cosh) / d predictions: tanh(predictions - targets) (+-1 at +-inf: JAX's logaddexp rule)."""
    return _regression("log_cosh", predictions, targets, 0.0, req, grad=True)


convex_kl_divergence_grad = _elementwise_gradient("convex_kl_divergence_grad", "poisson_nll_loss", log_input=True)
convex_kl_divergence_grad.__doc__ = """d sum(convex_kl_divergence) / d log_predictions: exp(log_predictions) - targets."""


@quantity
def sigmoid_focal_loss_grad(req, logits, labels, alpha=None, gamma=2.0):
    """d sum(sigmoid_focal_loss) / d logits as jax.grad takes it, elementwise: with s = sigmoid(logits) and
    u = 1 - p_t, w [(s - labels) u^gamma + gamma ce u^(gamma - 1) s (1 - s) (1 - 2 labels)], w the alpha weight
    (else 1); NaN for a non-finite logit or label and for labels outside [0, 1] (u <= 0)."""
    return _focal(_core.optax_sigmoid_focal_loss_grad, req, logits, labels, alpha, gamma)


@quantity
def poly_loss_cross_entropy_grad(req, logits, labels, epsilon=2.0, axis=-1):
    """d sum(poly_loss_cross_entropy) / d logits as jax.grad takes it, per row over `axis`: with p = softmax(logits),
    p_j sum_k labels_k - labels_j + epsilon p_j (sum_k labels_k p_k - labels_j); NaN for a row with a +inf logit or
    only -inf ones."""
    (x,) = floats(logits)
    rows, axis, back = gradient_rows(req, x, axis, "optax.poly_loss_cross_entropy_grad", "logits")
    y = np.broadcast_to(as_array(labels, np.float64), x.shape)
    yr, _ = rows_last(y, axis)
    core = req.core
    return back(_core.optax_poly_loss_cross_entropy_grad(core, np.ascontiguousarray(rows, dtype=np.float64), yr,
                                                         _weak(epsilon, core)))
