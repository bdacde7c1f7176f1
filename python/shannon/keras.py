"""Keras 3's probabilistic and regression losses (keras.losses), exactly: shannon.keras.binary_crossentropy(y_true, y_pred, ...)
is the exact value of what keras.losses.binary_crossentropy computes with the TensorFlow backend, with its
conventions (probabilities clipped to [epsilon, 1 - epsilon] with both bounds rounded to y_pred's dtype,
y_true cast to y_pred's dtype, label smoothing, renormalization, ignore_class, the mean over the last
axis), argument names and defaults, correctly rounded to y_pred's dtype.

Each function returns what the keras.losses function returns (one value per sample: the input's shape
without `axis`); ``reduction="sum_over_batch_size"`` (or "mean", "sum") gives the value of the Loss class
(keras.losses.BinaryCrossentropy(reduction=...)(y_true, y_pred, sample_weight)), with ``sample_weight``
one weight per sample. ``epsilon`` is keras.config.epsilon() (1e-7).

The formulas live once, in C++ (include/shannon/profiles/keras.hpp); each docstring states the formula and
its source. Keras itself is not needed.
"""

import numpy as np

from . import _core
from ._api import Assembled, as_array, floats, gradient_rows, indices, quantity, rows_last


def _pred(y_pred):
    (p,) = floats(y_pred)
    return p


def _true_like(y_true, p):
    """y_true cast to y_pred's dtype (as Keras does), held in float64."""
    return as_array(y_true).astype(p.dtype).astype(np.float64)


def _options(shape, reduction, sample_weight, **kw):
    kw["reduction"] = "none" if reduction in (None, "none") else reduction
    if sample_weight is not None:
        w = as_array(sample_weight, np.float64)
        try:
            w = np.broadcast_to(w, shape)
        except ValueError:
            raise ValueError(f"shannon.keras: sample_weight of shape {w.shape} does not broadcast to the losses' "
                             f"shape {shape}") from None
        kw["sample_weight"] = w.ravel().tolist()
    return kw


def _finish(raw, reduction, shape):
    return raw, (shape if reduction in (None, "none") else None)


def _dense(name):
    def call(req, y_true, y_pred, axis=-1, reduction=None, sample_weight=None, **kw):
        p = _pred(y_pred)
        t = np.broadcast_to(_true_like(y_true, p), p.shape)
        rows, shape = rows_last(p, axis)
        trows, _ = rows_last(t, axis)
        raw = getattr(_core, name)(req.infer(p), trows, rows, _options(shape, reduction, sample_weight, **kw))
        return _finish(raw, reduction, shape)

    return call


_bce = _dense("keras_binary_crossentropy")
_cce = _dense("keras_categorical_crossentropy")
_kld = _dense("keras_kl_divergence")
_bfocal = _dense("keras_binary_focal_crossentropy")
_cfocal = _dense("keras_categorical_focal_crossentropy")
_regression = _dense("keras_regression")


@quantity
def binary_crossentropy(req, y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1, *, reduction=None,
                        sample_weight=None, epsilon=1e-7):
    """keras.losses.binary_crossentropy: mean over `axis` of -(y' log p' + (1 - y') log(1 - p')),
    p' = clip(y_pred, eps, 1 - eps) (bounds in y_pred's dtype), y' = y_true (1 - s) + s / 2;
    from_logits: mean of y' softplus(-x) + (1 - y') softplus(x) (tf.nn.sigmoid_cross_entropy_with_logits).
    Source: keras/src/losses/losses.py binary_crossentropy; keras/src/backend/tensorflow/nn.py."""
    return _bce(req, y_true, y_pred, axis, reduction, sample_weight, from_logits=bool(from_logits),
                label_smoothing=float(label_smoothing), epsilon=float(epsilon))


@quantity
def categorical_crossentropy(req, y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1, *, reduction=None,
                             sample_weight=None, epsilon=1e-7):
    """keras.losses.categorical_crossentropy: -sum_k y'_k log clip(p_k / sum_j p_j, eps, 1 - eps) over `axis`
    (renormalize, then clip), y' = y_true (1 - s) + s / C; from_logits: -sum_k y'_k log softmax(x)_k.
    Source: keras/src/losses/losses.py; keras/src/backend/tensorflow/nn.py categorical_crossentropy."""
    return _cce(req, y_true, y_pred, axis, reduction, sample_weight, from_logits=bool(from_logits),
                label_smoothing=float(label_smoothing), epsilon=float(epsilon))


def _sparse_labels(name, y_true, p, axis):
    """sparse_categorical_crossentropy's class indices (a trailing axis of 1 squeezed), checked against y_pred."""
    if axis not in (-1, p.ndim - 1):
        raise ValueError(f"shannon.keras.{name}: only axis=-1 is supported, not {axis}")
    t = indices(y_true)
    if t.ndim == p.ndim and t.ndim > 0 and t.shape[-1] == 1:
        t = t[..., 0]
    if t.shape != p.shape[:-1]:
        raise ValueError(f"shannon.keras.{name}: y_true of shape {t.shape} does not match y_pred of shape {p.shape} "
                         f"(expected {p.shape[:-1]})")
    return np.ascontiguousarray(t.ravel())


@quantity
def sparse_categorical_crossentropy(req, y_true, y_pred, from_logits=False, ignore_class=None, axis=-1, *,
                                    reduction=None, sample_weight=None, epsilon=1e-7):
    """keras.losses.sparse_categorical_crossentropy: log sum_k clip(p_k) - log clip(p_y) (clip, then
    renormalize: the TensorFlow backend applies a softmax to log clip(p)); from_logits: -log softmax(x)_y;
    0 where y_true == ignore_class, and those samples do not count toward the mean. y_true: class indices
    of y_pred's shape without the last axis (a trailing axis of 1 is squeezed). Only axis=-1, as in Keras.
    Source: keras/src/losses/losses.py; keras/src/backend/tensorflow/nn.py sparse_categorical_crossentropy;
    keras/src/losses/loss.py apply_mask."""
    p = _pred(y_pred)
    t = _sparse_labels("sparse_categorical_crossentropy", y_true, p, axis)
    rows, shape = rows_last(p, -1)
    kw = _options(shape, reduction, sample_weight, from_logits=bool(from_logits), epsilon=float(epsilon))
    if ignore_class is not None:
        kw["ignore_class"] = int(ignore_class)
    raw = _core.keras_sparse_categorical_crossentropy(req.infer(p), t, rows, kw)
    return _finish(raw, reduction, shape)


@quantity
def kl_divergence(req, y_true, y_pred, *, reduction=None, sample_weight=None, epsilon=1e-7):
    """keras.losses.kl_divergence: sum over the last axis of y' log(y' / p'), y' = clip(y_true, eps, 1),
    p' = clip(y_pred, eps, 1). Source: keras/src/losses/losses.py kl_divergence."""
    return _kld(req, y_true, y_pred, -1, reduction, sample_weight, epsilon=float(epsilon))


@quantity
def binary_focal_crossentropy(req, y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1, *, reduction=None, sample_weight=None,
                              epsilon=1e-7):
    """keras.losses.binary_focal_crossentropy: mean over `axis` of w (1 - p_t)^gamma bce(y', p), with
    p_t = y' p + (1 - y')(1 - p) from the unclipped p (sigmoid(x) from logits), bce the clipped binary
    cross-entropy, y' = y_true (1 - s) + s / 2, w = y' alpha + (1 - y')(1 - alpha) with class balancing, else 1.
    Source: keras/src/losses/losses.py binary_focal_crossentropy."""
    return _bfocal(req, y_true, y_pred, axis, reduction, sample_weight,
                   apply_class_balancing=bool(apply_class_balancing), alpha=float(alpha), gamma=float(gamma),
                   from_logits=bool(from_logits), label_smoothing=float(label_smoothing), epsilon=float(epsilon))


@quantity
def categorical_focal_crossentropy(req, y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                                   axis=-1, *, reduction=None, sample_weight=None, epsilon=1e-7):
    """keras.losses.categorical_focal_crossentropy: sum over `axis` of alpha_k (1 - o_k)^gamma (-y'_k log o_k),
    o = clip(p / sum p, eps, 1 - eps) (p = softmax(x) from logits), y' = y_true (1 - s) + s / C; alpha a
    number or one per class. Source: keras/src/losses/losses.py categorical_focal_crossentropy."""
    return _cfocal(req, y_true, y_pred, axis, reduction, sample_weight,
                   alpha=[float(a) for a in np.atleast_1d(np.asarray(alpha, dtype=np.float64))], gamma=float(gamma),
                   from_logits=bool(from_logits), label_smoothing=float(label_smoothing), epsilon=float(epsilon))


@quantity
def huber(req, y_true, y_pred, delta=1.0, *, reduction=None, sample_weight=None):
    """keras.losses.huber: mean over the last axis of 0.5 d^2 where |d| <= delta, else delta |d| - 0.5 delta^2,
    d = y_pred - y_true (PyTorch's huber_loss terms). Source: keras/src/losses/losses.py huber."""
    return _regression(req, y_true, y_pred, -1, reduction, sample_weight, kind="huber", delta=float(delta))


@quantity
def log_cosh(req, y_true, y_pred, *, reduction=None, sample_weight=None):
    """keras.losses.log_cosh: mean over the last axis of d + softplus(-2 d) - log(2), d = y_pred - y_true, log(2)
    in y_pred's dtype (so a row of zero errors gives log 2 minus its rounding). Source: keras/src/losses/losses.py."""
    return _regression(req, y_true, y_pred, -1, reduction, sample_weight, kind="log_cosh")


@quantity
def poisson(req, y_true, y_pred, *, reduction=None, sample_weight=None, epsilon=1e-7):
    """keras.losses.poisson: mean over the last axis of y_pred - y_true log(y_pred + epsilon), epsilon in y_pred's
    dtype (PyTorch's poisson_nll_loss terms with log_input=False). Source: keras/src/losses/losses.py poisson."""
    return _regression(req, y_true, y_pred, -1, reduction, sample_weight, kind="poisson", epsilon=float(epsilon))


# ---- gradients ---------------------------------------------------------------------------------------
# d / d y_pred of the sum of the per-sample losses (tf.GradientTape on the function's result, or on the
# Loss class's value with reduction="sum" / "sum_over_batch_size"), exactly, in y_pred's shape: the
# derivative of each term (PyTorch's pointwise family: profiles/torch.hpp pointwise_loss_grad) divided by
# the length of the last axis (and by the number of samples for "sum_over_batch_size").

def _regression_grad(name, kind, param, req, y_true, y_pred, reduction, sample_weight):
    if sample_weight is not None:
        raise ValueError(f"shannon.keras.{name}: sample_weight is not an option of the gradient here")
    if reduction not in (None, "none", "sum", "sum_over_batch_size", "mean"):
        raise ValueError(f"shannon.keras.{name}: reduction must be None, 'sum' or 'sum_over_batch_size', not {reduction!r}")
    p = _pred(y_pred)
    if p.ndim == 0:
        raise ValueError(f"shannon.keras.{name}: y_pred must have at least one dimension (the mean is over the last)")
    t = np.broadcast_to(_true_like(y_true, p), p.shape)
    core = req.infer(p)
    if p.size == 0:
        return Assembled(np.zeros(p.shape, dtype=np.float32 if core.dtype == "float32" else np.float64))
    divisor = p.shape[-1] * (p.size // p.shape[-1] if reduction in ("sum_over_batch_size", "mean") else 1)
    raw = _core.torch_pointwise_loss(core, kind, np.ascontiguousarray(p, dtype=np.float64).ravel(),
                                     np.ascontiguousarray(t, dtype=np.float64).ravel(), "mean", float(param), True,
                                     float(divisor))
    return raw, p.shape


@quantity
def huber_grad(req, y_true, y_pred, delta=1.0, *, reduction=None, sample_weight=None):
    """d / d y_pred of huber's per-sample losses summed: d inside [-delta, delta], else delta sgn(d), over the
    last axis' length; d = y_pred - y_true."""
    return _regression_grad("huber_grad", "huber_loss", float(delta), req, y_true, y_pred, reduction, sample_weight)


@quantity
def log_cosh_grad(req, y_true, y_pred, *, reduction=None, sample_weight=None):
    """d / d y_pred of log_cosh's per-sample losses summed: tanh(d) over the last axis' length, d = y_pred - y_true
    (+-1 at d = +-inf, 1 - 2 sigmoid(-2 d) as TensorFlow differentiates Keras' d + softplus(-2 d))."""
    return _regression_grad("log_cosh_grad", "log_cosh", 0.0, req, y_true, y_pred, reduction, sample_weight)


def _dense_grad(name, req, y_true, y_pred, axis, reduction, sample_weight, module="keras", **kw):
    """A gradient with respect to y_pred over rows (axis moved last), in y_pred's layout."""
    p = _pred(y_pred)
    rows, axis, back = gradient_rows(req, p, axis, f"{module}.{name}", "y_pred")
    t = np.broadcast_to(_true_like(y_true, p), p.shape)
    trows, shape = rows_last(t, axis)
    raw = getattr(_core, f"{module}_{name}")(req.core, trows, np.ascontiguousarray(rows, dtype=np.float64),
                                            _options(shape, reduction, sample_weight, **kw))
    return back(raw)


@quantity
def binary_crossentropy_grad(req, y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1, *, reduction=None,
                             sample_weight=None, epsilon=1e-7):
    """d / d y_pred of binary_crossentropy as tf.GradientTape takes it, in y_pred's shape: of the per-sample losses
    summed (reduction None or "sum", weighted by sample_weight), or of the Loss class's "sum_over_batch_size".
    Per element, over the length C of `axis`: from logits (sigmoid(x) - y') / C; from probabilities
    (p - y') / (p (1 - p)) / C where epsilon <= p <= 1 - epsilon (bounds in y_pred's dtype), 0 beyond them
    (tf.clip_by_value stops the gradient outside the bounds and passes it on them); y' = y (1 - s) + s / 2."""
    return _dense_grad("binary_crossentropy_grad", req, y_true, y_pred, axis, reduction, sample_weight,
                       from_logits=bool(from_logits), label_smoothing=float(label_smoothing), epsilon=float(epsilon))


@quantity
def categorical_crossentropy_grad(req, y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1, *,
                                  reduction=None, sample_weight=None, epsilon=1e-7):
    """d / d y_pred of categorical_crossentropy as tf.GradientTape takes it, in y_pred's shape (per-sample losses
    summed and weighted, or "sum_over_batch_size"), y' = y (1 - s) + s / C: from logits softmax(x) sum_k y'_k - y';
    from probabilities, through Keras' o = p / sum p and c = clip(o, epsilon, 1 - epsilon): g_k = -y'_k / c_k where
    the clip passes (on its bounds too), 0 beyond, and d / d p_j = (g_j - sum_k g_k o_k) / sum p."""
    return _dense_grad("categorical_crossentropy_grad", req, y_true, y_pred, axis, reduction, sample_weight,
                       from_logits=bool(from_logits), label_smoothing=float(label_smoothing), epsilon=float(epsilon))


@quantity
def sparse_categorical_crossentropy_grad(req, y_true, y_pred, from_logits=False, ignore_class=None, axis=-1, *,
                                         reduction=None, sample_weight=None, epsilon=1e-7):
    """d / d y_pred of sparse_categorical_crossentropy as tf.GradientTape takes it, in y_pred's shape (the per-sample
    losses summed and weighted, or "sum_over_batch_size" over the samples not ignored): from logits
    softmax(x)_k - [k = y]; from probabilities, of log sum_k c_k - log c_y with c = clip(p, epsilon, 1 - epsilon),
    (1 / sum_k c_k - [k = y] / c_y) where the clip passes (on its bounds too), 0 beyond; 0 for an ignored sample."""
    p = _pred(y_pred)
    t = _sparse_labels("sparse_categorical_crossentropy_grad", y_true, p, axis)
    rows, _, back = gradient_rows(req, p, -1, "keras.sparse_categorical_crossentropy_grad", "y_pred")
    kw = _options(p.shape[:-1], reduction, sample_weight, from_logits=bool(from_logits), epsilon=float(epsilon))
    if ignore_class is not None:
        kw["ignore_class"] = int(ignore_class)
    return back(_core.keras_sparse_categorical_crossentropy_grad(req.core, t, np.ascontiguousarray(rows, dtype=np.float64),
                                                                 kw))


@quantity
def kl_divergence_grad(req, y_true, y_pred, *, reduction=None, sample_weight=None, epsilon=1e-7):
    """d / d y_pred of kl_divergence as tf.GradientTape takes it, in y_pred's shape (the per-sample losses summed and
    weighted, or "sum_over_batch_size"): -y'_k / p'_k with y' = clip(y_true, epsilon, 1), p' = clip(y_pred, epsilon,
    1), where the clip passes y_pred (on its bounds too), 0 beyond."""
    return _dense_grad("kl_divergence_grad", req, y_true, y_pred, -1, reduction, sample_weight, epsilon=float(epsilon))


@quantity
def poisson_grad(req, y_true, y_pred, *, reduction=None, sample_weight=None, epsilon=1e-7):
    """d / d y_pred of poisson as tf.GradientTape takes it, in y_pred's shape (the per-sample losses summed and
    weighted, or "sum_over_batch_size"): (1 - y_true / (y_pred + epsilon)) over the last axis' length, epsilon in
    y_pred's dtype."""
    return _dense_grad("poisson_grad", req, y_true, y_pred, -1, reduction, sample_weight, kind="poisson",
                       epsilon=float(epsilon))


@quantity
def binary_focal_crossentropy_grad(req, y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                                   from_logits=False, label_smoothing=0.0, axis=-1, *, reduction=None,
                                   sample_weight=None, epsilon=1e-7):
    """d / d y_pred of binary_focal_crossentropy as tf.GradientTape takes it, in y_pred's shape (the per-sample
    losses summed and weighted, or "sum_over_batch_size"). Per element, over the length C of `axis`, with
    b = 1 - p_t from the unclipped p (sigmoid(x) from logits) and c = clip(p, epsilon, 1 - epsilon):
    w [gamma b^(gamma - 1) (1 - 2 y') bce + b^gamma (c - y') / (c (1 - c))] / C, the second term 0 beyond the clip
    (the gradient passes on its bounds), times sigmoid(x) (1 - sigmoid(x)) from logits. At b = 0, tf.pow's
    gradient gamma pow(b, gamma - 1): 0 for gamma > 1, 1 for gamma = 1, an infinity for 0 < gamma < 1, NaN for
    gamma = 0."""
    return _dense_grad("binary_focal_crossentropy_grad", req, y_true, y_pred, axis, reduction, sample_weight,
                       apply_class_balancing=bool(apply_class_balancing), alpha=float(alpha), gamma=float(gamma),
                       from_logits=bool(from_logits), label_smoothing=float(label_smoothing), epsilon=float(epsilon))


@quantity
def categorical_focal_crossentropy_grad(req, y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                        label_smoothing=0.0, axis=-1, *, reduction=None, sample_weight=None,
                                        epsilon=1e-7):
    """d / d y_pred of categorical_focal_crossentropy as tf.GradientTape takes it, in y_pred's shape. Per row, with
    S = sum p (p = softmax(x) from logits), o = p / S, c = clip(o, epsilon, 1 - epsilon), m = 1 - c:
    g_k = alpha_k y'_k (gamma m_k^(gamma - 1) log c_k - m_k^gamma / c_k) where the clip passes (on its bounds too),
    0 beyond; d / d p_j = (g_j - sum_k g_k o_k) / S, and from logits p_j times that."""
    return _dense_grad("categorical_focal_crossentropy_grad", req, y_true, y_pred, axis, reduction, sample_weight,
                       alpha=[float(a) for a in np.atleast_1d(np.asarray(alpha, dtype=np.float64))], gamma=float(gamma),
                       from_logits=bool(from_logits), label_smoothing=float(label_smoothing), epsilon=float(epsilon))
