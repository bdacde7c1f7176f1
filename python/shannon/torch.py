"""PyTorch's loss functions (torch.nn.functional), exactly: shannon.torch.cross_entropy(input, target, ...)
is the exact value of what torch.nn.functional.cross_entropy documents, with its conventions (the weighted
mean's divisor, label smoothing, ignore_index, the log clamp at -100 of binary_cross_entropy, eps clamps
in the tensor's dtype), argument names and defaults, correctly rounded to the inputs' dtype.

Inputs are NumPy arrays or CPU torch tensors. The formulas live once, in C++
(include/shannon/profiles/torch.hpp, torch_special.hpp); each docstring states the formula and its
source. PyTorch itself is not needed. torch.special's functions are in shannon.torch.special, the KL
divergences of torch.distributions in shannon.torch.distributions.
"""

import sys

import numpy as np

from . import _core
from . import _torch_distributions as distributions
from . import _torch_special as special
from ._api import Assembled, as_array, elementwise_call, finish, floats, indices, quantity

sys.modules[__name__ + ".special"] = special  # import shannon.torch.special, as torch.special
sys.modules[__name__ + ".distributions"] = distributions  # import shannon.torch.distributions


def _f64(*xs):
    """float64 copies for the profiles (float32 inputs are exact in float64), and the dtype inferred."""
    arrays = floats(*xs)
    return [a.astype(np.float64, copy=False) for a in arrays], arrays


def _class_last(x):
    """(N, C, d1, ...) -> (N * d1 * ..., C) with the class dimension last; (C,) stays one row."""
    if x.ndim <= 2:
        return np.ascontiguousarray(x)
    return np.ascontiguousarray(np.moveaxis(x, 1, -1).reshape(-1, x.shape[1]))


def _optional(w, shape=None):
    if w is None:
        return None
    a = as_array(w, np.float64)
    if shape is not None:
        a = np.ascontiguousarray(np.broadcast_to(a, shape), dtype=np.float64)
    return a.ravel()


def _none_shape(reduction, shape):
    return shape if reduction == "none" else None


def _out(raw, grad, reduction, none_shape, input_shape):
    """(raw, shape): a gradient has input's shape; a loss one value ('none': one per element)."""
    return raw, (input_shape if grad else _none_shape(reduction, none_shape))


def _empty(req, reduction, grad, none_shape, input_shape):
    """An empty batch, as PyTorch reduces it: 'mean' and 'batchmean' 0 / 0 = NaN, 'sum' 0, 'none' an empty
    array; the gradient an empty array of input's shape. (The extension reads no empty argument.)"""
    kind = np.float32 if req.core.dtype == "float32" else np.float64
    if grad:
        return Assembled(np.zeros(input_shape, dtype=kind))
    if reduction == "none":
        return Assembled(np.zeros(none_shape, dtype=kind))
    value = kind(np.nan) if reduction in ("mean", "batchmean") else kind(0.0)
    return Assembled(value if kind is np.float32 else float(value))


def _broadcast_target(x, y, function, grad):
    """input and target broadcast together, as PyTorch's pointwise losses do (a (C,) target against (N, C));
    the gradient only where the loss has input's shape."""
    shape = np.broadcast_shapes(x.shape, y.shape)
    if grad and shape != x.shape:
        raise ValueError(f"shannon.torch.{function}_grad: target of shape {y.shape} broadcasts input of shape {x.shape} "
                         f"to {shape}; the gradient is given where the loss has input's shape")
    return (np.ascontiguousarray(np.broadcast_to(x, shape)), np.ascontiguousarray(np.broadcast_to(y, shape)))


def _class_request(req, xin, shape, grad):
    """The request for a function over the class dimension (1 of N, C, d1, ...): the ulp candidates of
    a gradient are put in the class-last order the extension computes in."""
    r = req.infer(xin)
    if grad and len(shape) > 2 and r.mode == "ulp":
        r.candidates = np.moveaxis(np.asarray(r.candidates).reshape(shape), 1, -1).ravel().tolist()
    return r


def _class_out(raw, req, grad, reduction, none_shape, input_shape):
    if not grad or len(input_shape) <= 2 or req.core.mode == "enclose":
        return _out(raw, grad, reduction, none_shape, input_shape)
    moved = (input_shape[0],) + input_shape[2:] + (input_shape[1],)
    return Assembled(np.moveaxis(finish(raw, req, moved), -1, 1))


def _legacy_reduction(size_average, reduce, reduction):
    """torch's deprecated size_average= and reduce= (torch.nn._reduction.legacy_get_string): when either is
    given, they decide the reduction (None counting as True): both true 'mean', reduce alone 'sum', else
    'none'."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else bool(size_average)
    reduce = True if reduce is None else bool(reduce)
    return "mean" if size_average and reduce else "sum" if reduce else "none"


def _gradient(loss, doc):
    """The quantity 'gradient of loss with respect to input': loss's implementation with _grad=True."""
    impl = loss.__wrapped__

    def grad(req, *args, **kwargs):
        return impl(req, *args, _grad=True, **kwargs)

    grad.__name__ = loss.__name__ + "_grad"
    grad.__qualname__ = grad.__name__
    grad.__doc__ = doc
    return quantity(grad)


_STORED = ("float64", "float32", "bfloat16", "float16")


def _stored_dtype(intermediates, xin, req, grad):
    """The dtype log_softmax's output is stored in (cross_entropy's intermediates=), or None."""
    if intermediates is None:
        return None
    if grad:
        raise ValueError("shannon.torch.cross_entropy_grad: intermediates= is an option of the loss only "
                         "(the gradient of a rounded intermediate is not defined)")
    if intermediates == "input":
        return req.narrow if xin.dtype == np.float32 and req.narrow else xin.dtype.name
    if intermediates not in _STORED:
        raise ValueError(f"shannon.torch.cross_entropy: intermediates must be None, 'input', 'float64', 'float32', "
                         f"'bfloat16' or 'float16', not {intermediates!r}")
    return intermediates


def _stored_log_softmax(x, name):
    """log_softmax of x over the class dimension (1; 0 for one row), each element correctly rounded to
    `name` (torch.special.log_softmax's value: torch's NaN for a +inf logit), as float64."""
    from ._api import Request
    from ._torch_special import log_softmax

    return np.asarray(log_softmax.evaluate(Request("round", name), x, 1 if x.ndim > 1 else 0), dtype=np.float64)


@quantity
def cross_entropy(req, input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0, intermediates=None, _grad=False):
    """torch.nn.functional.cross_entropy: input = logits (N, C), (C,) or (N, C, d1, ...); target = class
    indices (N,) / () / (N, d1, ...) or class probabilities of input's shape.

    Class indices: l_n = w[y_n] * (-log softmax(x_n)[y_n]) (0 where y_n == ignore_index); with label
    smoothing e: l_n = (1 - e) w[y_n] (-log softmax(x_n)[y_n]) + (e / C) sum_c w[c] (-log softmax(x_n)[c]);
    'mean' = sum_n l_n / sum_{n not ignored} w[y_n] (NaN when all are ignored).
    Probabilities: l_n = -sum_c w[c] y'_nc log softmax(x_n)[c], y' = (1 - e) y + e / C; 'mean' = sum / N.
    Source: https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html;
    aten/src/ATen/native/LossNLL.cpp (cross_entropy_loss_label_smoothing, cross_entropy_loss_prob_target).
    Wider than PyTorch (1.13), where PyTorch raises: class indices of any integer dtype (PyTorch wants
    int64), ignore_index given with probability targets (it has no effect there), and a weight of another
    floating dtype than input (PyTorch wants the same).

    ``intermediates=`` (shannon's; not a gradient option): None, the exact loss of the logits; "input"
    or a dtype name ("bfloat16", "float16", "float32", "float64"): the loss of log_softmax's output
    stored in that dtype, as PyTorch computes cross_entropy = nll_loss(log_softmax(x)) with
    log_softmax's output a tensor of the input's dtype (aten/src/ATen/native/LossNLL.cpp:
    cross_entropy_loss calls log_softmax(self, class_dim, self.scalar_type())): each log-probability
    correctly rounded to that dtype, then the loss of those exactly, rounded once. "input" is the
    input's dtype as read (a bfloat16/float16 input with a float32 weight reads as float32: name it).
    Under torch.autocast the composite nll_loss(log_softmax(x)) stores log_softmax in the low dtype and
    runs nll_loss in float32 (autocast's float32 list): ``intermediates="bfloat16", dtype="float32"``.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    (x,), (xin,) = _f64(input)
    t = as_array(target)
    r = _class_request(req, xin, x.shape, _grad)
    if x.size == 0:
        return _empty(req, reduction, _grad, x.shape[:1] + x.shape[2:] if x.ndim > 1 else (), x.shape)
    stored = _stored_dtype(intermediates, xin, req, _grad)
    if stored is not None:
        x = _stored_log_softmax(x, stored)
    rows = _class_last(x)
    if t.dtype.kind in "iub":
        ti = indices(t)
        raw = _core.torch_cross_entropy(r, rows, np.ascontiguousarray(ti.ravel()), _optional(weight), int(ignore_index),
                                        reduction, float(label_smoothing), _grad, stored is not None)
        return _class_out(raw, req, _grad, reduction, ti.shape, x.shape)
    tf = _class_last(as_array(t, np.float64))
    raw = _core.torch_cross_entropy_prob(r, rows, tf, _optional(weight), reduction, float(label_smoothing), _grad,
                                         stored is not None)
    return _class_out(raw, req, _grad, reduction, x.shape[:1] + x.shape[2:] if x.ndim > 1 else (), x.shape)


@quantity
def nll_loss(req, input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
             _grad=False):
    """torch.nn.functional.nll_loss: input = log-probabilities (N, C); l_n = -w[y_n] input[n, y_n] (0 when
    ignored); 'mean' = sum_n l_n / sum_{n not ignored} w[y_n].
    Source: https://pytorch.org/docs/stable/generated/torch.nn.NLLLoss.html; aten/src/ATen/native/LossNLL.cpp.
    Wider than PyTorch: class indices of any integer dtype, and a weight of another floating dtype than input."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    (x,), (xin,) = _f64(input)
    ti = indices(target)
    if x.size == 0:
        req.infer(xin)
        return _empty(req, reduction, _grad, ti.shape, x.shape)
    raw = _core.torch_nll_loss(_class_request(req, xin, x.shape, _grad), _class_last(x), np.ascontiguousarray(ti.ravel()),
                               _optional(weight), int(ignore_index), reduction, _grad)
    return _class_out(raw, req, _grad, reduction, ti.shape, x.shape)


@quantity
def binary_cross_entropy(req, input, target, weight=None, size_average=None, reduce=None, reduction="mean", _grad=False):
    """torch.nn.functional.binary_cross_entropy: l_n = -w_n [y_n max(log x_n, -100) + (1 - y_n) max(log(1 - x_n), -100)];
    input in [0, 1]; weight broadcast to input's shape; 'mean' over all elements.
    Source: https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html (the clamp at -100)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    (x, y), (xin, yin) = _f64(input, target)
    if x.size == 0:
        req.infer(xin, yin)
        return _empty(req, reduction, _grad, x.shape, x.shape)
    raw = _core.torch_binary_cross_entropy(req.infer(xin, yin), x.ravel(), y.ravel(), _optional(weight, x.shape),
                                           reduction, _grad)
    return _out(raw, _grad, reduction, x.shape, x.shape)


@quantity
def binary_cross_entropy_with_logits(req, input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None, _grad=False):
    """torch.nn.functional.binary_cross_entropy_with_logits:
    l_n = -w_n [p y_n log sigmoid(x_n) + (1 - y_n) log(1 - sigmoid(x_n))] = w_n [p y_n softplus(-x_n) + (1 - y_n) softplus(x_n)],
    p = pos_weight broadcast along the last (class) dimension; 'mean' over all elements.
    Source: https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    (x, y), (xin, yin) = _f64(input, target)
    if x.size == 0:
        req.infer(xin, yin)
        return _empty(req, reduction, _grad, x.shape, x.shape)
    raw = _core.torch_binary_cross_entropy_with_logits(req.infer(xin, yin), x.ravel(), y.ravel(),
                                                       _optional(weight, x.shape), reduction,
                                                       _optional(pos_weight, x.shape), _grad)
    return _out(raw, _grad, reduction, x.shape, x.shape)


@quantity
def kl_div(req, input, target, size_average=None, reduce=None, reduction="mean", log_target=False, _grad=False):
    """torch.nn.functional.kl_div: input = log q; pointwise target (log target - input) with 0 where target = 0,
    or exp(target) (target - input) with log_target; 'mean' divides by the number of elements, 'batchmean' by
    input.size(0), 'sum', 'none'. Source: https://pytorch.org/docs/stable/generated/torch.nn.KLDivLoss.html."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    (x, y), (xin, yin) = _f64(input, target)
    batch = x.shape[0] if x.ndim else 1
    x, y = _broadcast_target(x, y, "kl_div", _grad)
    if reduction == "batchmean" and (x.shape[0] if x.ndim else 1) != batch:
        raise ValueError(f"shannon.torch.kl_div: 'batchmean' divides by input.size(0) = {batch}, and target broadcasts "
                         f"input to shape {x.shape}: use 'sum' (and divide) or give input its full shape")
    req.infer(xin, yin)
    if x.size == 0:
        return _empty(req, reduction, _grad, x.shape, x.shape)
    raw = _core.torch_kl_div(req.core, np.ascontiguousarray(x), y.ravel(), reduction, bool(log_target), _grad)
    return _out(raw, _grad, reduction, x.shape, x.shape)


@quantity
def gaussian_nll_loss(req, input, target, var, full=False, eps=1e-6, reduction="mean", _grad=False):
    """torch.nn.functional.gaussian_nll_loss: l = (log max(var, eps) + (input - target)^2 / max(var, eps)) / 2,
    + log(2 pi) / 2 with full; eps in var's dtype; var of input's shape, or one dimension fewer / a last
    dimension of 1 (one variance per sample), or a scalar (wider than PyTorch 1.13, which refuses a scalar var);
    target may broadcast input, as in PyTorch. 'mean' over all elements of the loss.
    Source: https://pytorch.org/docs/stable/generated/torch.nn.GaussianNLLLoss.html."""
    (x, y, v), (xin, yin, vin) = _f64(input, target, var)
    if v.shape != x.shape:
        if x.ndim > 0 and v.shape == x.shape[:-1]:
            v = v[..., None]
        elif not (x.ndim > 0 and v.shape[:-1] == x.shape[:-1] and v.shape[-1:] == (1,)) and v.ndim != 0:
            raise ValueError(f"shannon.torch.gaussian_nll_loss: var of shape {v.shape} does not fit input of shape {x.shape}")
    shape = np.broadcast_shapes(x.shape, y.shape, v.shape)  # the loss's shape: target may broadcast input
    if _grad and shape != x.shape:
        raise ValueError(f"shannon.torch.gaussian_nll_loss_grad: target of shape {y.shape} broadcasts input of shape "
                         f"{x.shape} to {shape}; the gradient is given where the loss has input's shape")
    x, y, v = (np.ascontiguousarray(np.broadcast_to(a, shape), dtype=np.float64) for a in (x, y, v))
    r = req.infer(xin, yin, vin)
    if x.size == 0:
        return _empty(req, reduction, _grad, shape, shape)
    raw = _core.torch_gaussian_nll_loss(r, x.ravel(), y.ravel(), v.ravel(), bool(full), float(eps), reduction, _grad)
    return _out(raw, _grad, reduction, shape, shape)


@quantity
def poisson_nll_loss(req, input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean", _grad=False):
    """torch.nn.functional.poisson_nll_loss: l = exp(input) - target input (log_input), else
    input - target log(input + eps); full adds target log target - target + log(2 pi target) / 2 where target > 1.
    Source: https://pytorch.org/docs/stable/generated/torch.nn.PoissonNLLLoss.html."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    (x, y), (xin, yin) = _f64(input, target)
    x, y = _broadcast_target(x, y, "poisson_nll_loss", _grad)
    req.infer(xin, yin)
    if x.size == 0:
        return _empty(req, reduction, _grad, x.shape, x.shape)
    raw = _core.torch_poisson_nll_loss(req.core, x.ravel(), y.ravel(), bool(log_input), bool(full),
                                       float(eps), reduction, _grad)
    return _out(raw, _grad, reduction, x.shape, x.shape)


@quantity
def mse_loss(req, input, target, size_average=None, reduce=None, reduction="mean", _grad=False):
    """torch.nn.functional.mse_loss: l = (input - target)^2 (broadcast), 'mean' over all elements.
    Source: https://pytorch.org/docs/stable/generated/torch.nn.MSELoss.html."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    (x, y), (xin, yin) = _f64(input, target)
    x, y = (np.ascontiguousarray(a) for a in np.broadcast_arrays(x, y))
    req.infer(xin, yin)
    if x.size == 0:
        return _empty(req, reduction, _grad, x.shape, x.shape)
    raw = _core.torch_mse_loss(req.core, x.ravel(), y.ravel(), reduction, _grad)
    return _out(raw, _grad, reduction, x.shape, x.shape)


@quantity
def multilabel_soft_margin_loss(req, input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                _grad=False):
    """torch.nn.functional.multilabel_soft_margin_loss on (N, C) (or (N, ..., C): the class dimension last):
    l_n = -(1/C) sum_c w_c [y log sigmoid(x) + (1 - y) log sigmoid(-x)]; 'mean' over all the values l (N, ...).
    weight broadcasts to input's shape as torch's does: one per class, or one per element.
    Source: https://pytorch.org/docs/stable/generated/torch.nn.MultiLabelSoftMarginLoss.html."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    (x, y), (xin, yin) = _f64(input, target)
    req.infer(xin, yin)
    if x.size == 0:
        return _empty(req, reduction, _grad, x.shape[:-1], x.shape)
    c = x.shape[-1] if x.ndim else 1
    rows = np.ascontiguousarray(x.reshape(-1, c))
    w = None
    if weight is not None:
        wa = as_array(weight, np.float64)
        w = wa.ravel() if wa.shape in ((c,), (1, c)) else np.ascontiguousarray(np.broadcast_to(wa, x.shape)).ravel()
    raw = _core.torch_multilabel_soft_margin_loss(req.core, rows, np.ascontiguousarray(np.broadcast_to(y, x.shape)).reshape(-1, c),
                                                  w, reduction, _grad)
    return _out(raw, _grad, reduction, x.shape[:-1] if x.ndim > 1 else (), x.shape)


def _pointwise(name, x_in, y_in, reduction, param, req, grad=False):
    (x, y), (xin, yin) = _f64(x_in, y_in)
    x, y = (np.ascontiguousarray(a) for a in np.broadcast_arrays(x, y))
    req.infer(xin, yin)
    if x.size == 0:
        return _empty(req, reduction, grad, x.shape, x.shape)
    raw = _core.torch_pointwise_loss(req.core, name, x.ravel(), y.ravel(), reduction, float(param), grad)
    return _out(raw, grad, reduction, x.shape, x.shape)


@quantity
def l1_loss(req, input, target, size_average=None, reduce=None, reduction="mean", _grad=False):
    """torch.nn.functional.l1_loss: l = |input - target| (broadcast), 'mean' over all elements.
    Source: https://pytorch.org/docs/stable/generated/torch.nn.L1Loss.html."""
    return _pointwise("l1_loss", input, target, _legacy_reduction(size_average, reduce, reduction), 1.0, req, _grad)


@quantity
def smooth_l1_loss(req, input, target, size_average=None, reduce=None, reduction="mean", beta=1.0, _grad=False):
    """torch.nn.functional.smooth_l1_loss: l = 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (|d| for
    beta = 0), d = input - target; 'mean' over all elements.
    Source: https://pytorch.org/docs/stable/generated/torch.nn.SmoothL1Loss.html."""
    return _pointwise("smooth_l1_loss", input, target, _legacy_reduction(size_average, reduce, reduction), beta, req,
                      _grad)


@quantity
def huber_loss(req, input, target, reduction="mean", delta=1.0, _grad=False):
    """torch.nn.functional.huber_loss: l = 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), d = input -
    target; 'mean' over all elements. Source: https://pytorch.org/docs/stable/generated/torch.nn.HuberLoss.html."""
    return _pointwise("huber_loss", input, target, reduction, delta, req, _grad)


@quantity
def soft_margin_loss(req, input, target, size_average=None, reduce=None, reduction="mean", _grad=False):
    """torch.nn.functional.soft_margin_loss: l = log(1 + exp(-target input)) (= softplus(-target input)), 'mean'
    over all elements. Source: https://pytorch.org/docs/stable/generated/torch.nn.SoftMarginLoss.html."""
    return _pointwise("soft_margin_loss", input, target, _legacy_reduction(size_average, reduce, reduction), 1.0, req,
                      _grad)


@quantity
def softplus(req, input, beta=1.0, threshold=20.0):
    """torch.nn.functional.softplus(input, beta=1, threshold=20): log(1 + e^(beta x)) / beta, and x itself
    where beta x > threshold (PyTorch's linear region: beta, threshold and the product beta x rounded to
    the input's dtype, as ATen tests it)."""
    return elementwise_call(req, lambda core, x: _core.torch_elementwise(core, "softplus", x, float(beta), float(threshold),
                                                                          dtype=core.dtype), (input,))


@quantity
def logsigmoid(req, input):
    """torch.nn.functional.logsigmoid(input) = log(1 / (1 + e^-x)) = -softplus(-x): -inf at -inf, 0 at +inf.
    A value that underflows is -0.0, the correct rounding of the negative exact value (PyTorch gives +0.0
    where its e^-x underflows: logsigmoid(1e300))."""
    return elementwise_call(req, lambda core, x: _core.torch_elementwise(core, "logsigmoid", x), (input,))


# ---- gradients ---------------------------------------------------------------------------------------
# The exact gradient with respect to input, as autograd computes it (of the reduced loss; of the sum of
# the per-element losses for reduction="none"), with the same arguments as the loss; input's shape.

cross_entropy_grad = _gradient(cross_entropy, """d cross_entropy / d input: per row softmax(x) sum_c a_c - a, with
a_c = (1 - e) w[y] [c = y] + (e / C) w[c] (class indices; 0 for ignored rows) or a_c = w[c] ((1 - e) y_c + e / C)
(probabilities), divided by the mean's divisor (sum of w[y_n], or N). Plain softmax(x) - onehot(y) by default.""")
nll_loss_grad = _gradient(nll_loss, """d nll_loss / d input: -w[y_n] / divisor at (n, y_n), 0 elsewhere.""")
binary_cross_entropy_grad = _gradient(binary_cross_entropy, """d binary_cross_entropy / d input as ATen's backward
computes it: w (x - y) / max(x (1 - x), eps), eps = ATen's EPSILON 1e-12 as a float32 (9.9999999600e-13, also
for float64 input), / N for the mean (not the derivative of the clamped logs). Source: aten/src/ATen/native/Loss.cpp binary_cross_entropy_backward.""")
binary_cross_entropy_with_logits_grad = _gradient(binary_cross_entropy_with_logits, """d binary_cross_entropy_with_logits
/ d input: w [(1 - y) sigmoid(x) - p y sigmoid(-x)] (p = pos_weight), / N for the mean.""")
kl_div_grad = _gradient(kl_div, """d kl_div / d input: -target (-exp(target) with log_target), / numel (mean) or
/ input.size(0) (batchmean).""")
gaussian_nll_loss_grad = _gradient(gaussian_nll_loss, """d gaussian_nll_loss / d input: (input - target) / max(var, eps).""")
poisson_nll_loss_grad = _gradient(poisson_nll_loss, """d poisson_nll_loss / d input: exp(input) - target (log_input),
else 1 - target / (input + eps).""")
mse_loss_grad = _gradient(mse_loss, """d mse_loss / d input: 2 (input - target), / N for the mean.""")
l1_loss_grad = _gradient(l1_loss, """d l1_loss / d input: sgn(input - target) (0 where they are equal), / N for the
mean (ATen's l1_loss backward).""")
smooth_l1_loss_grad = _gradient(smooth_l1_loss, """d smooth_l1_loss / d input: d / beta inside (-beta, beta), else sgn(d)
(beta = 0: 1 for d > 0, else -1, as ATen tests d <= -beta first), d = input - target; / N for the mean (ATen's smooth_l1_loss_backward).""")
huber_loss_grad = _gradient(huber_loss, """d huber_loss / d input: d inside [-delta, delta], else delta sgn(d), d = input -
target; / N for the mean (ATen's huber_backward).""")
soft_margin_loss_grad = _gradient(soft_margin_loss, """d soft_margin_loss / d input: -y z / (1 + z), z = exp(-y x), i.e.
-y sigmoid(-y x) exactly, and NaN where -y x is +inf (inf / inf, as ATen's soft_margin_loss_backward gives;
for finite inputs whose z overflows in the dtype ATen gives NaN too, the exact value is finite); / N for the
mean.""")
multilabel_soft_margin_loss_grad = _gradient(multilabel_soft_margin_loss, """d multilabel_soft_margin_loss / d input:
w_c ((1 - y) sigmoid(x) - y sigmoid(-x)) / C, / N for the mean.""")
