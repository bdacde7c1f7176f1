"""tf.keras (Keras 2)'s binary_crossentropy, exactly, where it differs from Keras 3: after clipping to
[eps, 1 - eps] (eps and 1 - eps in y_pred's dtype) it adds eps again inside the logs,
-(y' log(p' + eps) + (1 - y') log(1 - p' + eps)). The other arguments as in shannon.keras.

The formula lives once, in C++ (include/shannon/profiles/tf_keras2.hpp).
"""

from . import keras as _keras
from ._api import quantity

_bce = _keras._dense("tf_keras2_binary_crossentropy")


@quantity
def binary_crossentropy(req, y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1, *, reduction=None,
                        sample_weight=None, epsilon=1e-7):
    """tf.keras.losses.binary_crossentropy (Keras 2): mean over `axis` of -(y' log(p' + eps) + (1 - y') log(1 - p' + eps)),
    p' = clip(y_pred, eps, 1 - eps), y' = y_true (1 - s) + s / 2; from_logits: the exact sigmoid cross-entropy.
    Source: keras 2.x keras/backend.py binary_crossentropy; keras/losses.py binary_crossentropy."""
    return _bce(req, y_true, y_pred, axis, reduction, sample_weight, from_logits=bool(from_logits),
                label_smoothing=float(label_smoothing), epsilon=float(epsilon))


@quantity
def binary_crossentropy_grad(req, y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1, *, reduction=None,
                             sample_weight=None, epsilon=1e-7):
    """d / d y_pred of tf.keras 2's binary_crossentropy as tf.GradientTape takes it, in y_pred's shape (the
    per-sample losses summed and weighted, or "sum_over_batch_size"). Per element, over the length C of `axis`:
    from logits (sigmoid(x) - y') / C; from probabilities (-y' / (p + eps) + (1 - y') / (1 - p + eps)) / C where
    eps <= p <= 1 - eps (the clip passes the gradient on its bounds), 0 beyond them."""
    return _keras._dense_grad("binary_crossentropy_grad", req, y_true, y_pred, axis, reduction, sample_weight,
                              module="tf_keras2", from_logits=bool(from_logits), label_smoothing=float(label_smoothing),
                              epsilon=float(epsilon))
