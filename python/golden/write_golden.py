#!/usr/bin/env python3
"""Writes shannon's golden vectors: JSON files of framework loss functions' exact results, for other projects'
CI to import (the format is python/golden/FORMAT.md).

    write_golden.py OUTDIR [FRAMEWORK ...]      (frameworks: torch keras tf_keras2 optax scipy jax; all by default)

Every case is evaluated once per dtype (float64, float32, bfloat16, float16): its inputs are rounded to that
dtype first (so that a kernel running in the dtype sees exactly these inputs), and the results are the exact
values at those inputs, correctly rounded to the dtype, with 40 significant digits of the exact value beside.
Run from the build tree with PYTHONPATH=<build>/python (the Meson target `golden` does).
"""

import json
import math
import sys
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np

import shannon
from shannon import keras, optax, scipy, tf_keras2, torch
import shannon.torch.distributions  # noqa: F401 - torch.distributions below

DTYPES = ("float64", "float32", "bfloat16", "float16")
FORMAT = {  # significand bits, smallest normal exponent (frexp convention), largest finite
    "float64": (53, -1021, float(np.finfo(np.float64).max)),
    "float32": (24, -125, float(np.finfo(np.float32).max)),
    "bfloat16": (8, -125, float(Fraction(2**8 - 1, 2**8) * 2**128)),
    "float16": (11, -13, 65504.0),
}


def round_to(x, dtype):
    """x (a float64) rounded to nearest, ties to even, in the dtype (exactly, from the float64)."""
    if dtype == "float64" or not math.isfinite(x) or x == 0:
        return float(x)
    bits, emin, top = FORMAT[dtype]
    _, e = math.frexp(x)
    e = max(e, emin)
    q = round(Fraction(x) * Fraction(2) ** (bits - e))  # Python rounds a Fraction half to even
    r = float(q * Fraction(2) ** (e - bits))
    if abs(r) > top:
        return math.copysign(math.inf, x)
    return r


def hexf(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x.hex()


def tensor(a, dtype):
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        return {"dtype": "int64", "shape": list(a.shape), "data": [int(v) for v in a.ravel()]}
    return {"dtype": dtype, "shape": list(a.shape), "data": [hexf(v) for v in a.ravel()]}


def in_dtype(a, dtype):
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        return a
    return np.vectorize(lambda v: round_to(float(v), dtype), otypes=[np.float64])(a) if a.size else a.astype(np.float64)


def digits(q, args, kwargs, dtype):
    try:
        d = q(*args, digits=40, dtype=dtype, **kwargs)  # the dtype's constants (clip bounds, eps)
    except ArithmeticError:
        return None
    return [str(v) for v in np.asarray(d, dtype=object).ravel()]


def case(name, q, args, kwargs, grad=None):
    """One case: its inputs (names -> arrays), options, and per dtype the inputs' rounding and the results."""
    return {"id": name, "q": q, "args": args, "kwargs": kwargs, "grad": grad}


def evaluate(c, arg_names):
    out = {"id": c["id"], "kwargs": {}, "dtypes": {}}
    array_kwargs = {k: v for k, v in c["kwargs"].items() if isinstance(v, (list, np.ndarray))}
    for k, v in c["kwargs"].items():
        if k not in array_kwargs:
            out["kwargs"][k] = v
    for d in DTYPES:
        args = [in_dtype(a, d) for a in c["args"]]
        kwargs = dict(c["kwargs"])
        for k, v in array_kwargs.items():
            kwargs[k] = in_dtype(np.asarray(v, dtype=np.float64), d)
        entry = {"inputs": {n: tensor(a, d) for n, a in zip(arg_names, args)}}
        entry["inputs"].update({k: tensor(kwargs[k], d) for k in array_kwargs})
        for key, q in (("result", c["q"]), ("grad", c["grad"])):
            if q is None:
                continue
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", shannon.UndeterminedWarning)
                value = q(*args, dtype=d, **kwargs)
            entry[key] = tensor(np.asarray(value, dtype=np.float64), d)
            if caught:
                # Ties the oracle could not prove exact within its precision cap (FORMAT.md, "undecided").
                entry.setdefault("undecided", []).append(key)
                print(f"note: {c['id']} {key} ({d}): undecided at the precision cap; given as the tie rounded to even",
                      file=sys.stderr)
        entry["exact"] = digits(c["q"], args, kwargs, d)
        out["dtypes"][d] = entry
    return out


rng = np.random.default_rng(20261121)


def logits(n, c, hard=False):
    x = rng.normal(0, 3, (n, c))
    if hard:
        x[0] = [30.0] + [-30.0] * (c - 1)
        x[1] = 2.0
    return x


def probs(n, c, hard=False):
    p = rng.dirichlet(np.ones(c), n)
    if hard:
        p[0] = [1.0] + [0.0] * (c - 1)
        p[1, 0] = 1e-9
    return p


def torch_cases():
    x, xh = logits(4, 5), logits(4, 5, True)
    t = rng.integers(0, 5, 4)
    w = rng.uniform(0.5, 2.0, 5)
    p = rng.uniform(0.01, 0.99, 6)
    y = rng.integers(0, 2, 6).astype(np.float64)
    z = rng.normal(0, 4, 6)
    cases = {
        ("torch.nn.functional.cross_entropy", ("input", "target")): [
            case("logits-indices-mean", torch.cross_entropy, [x, t], {}, torch.cross_entropy_grad),
            case("logits-indices-weight-smoothing", torch.cross_entropy, [x, t],
                 {"weight": w, "label_smoothing": 0.1}, torch.cross_entropy_grad),
            case("confident-indices-none", torch.cross_entropy, [xh, t], {"reduction": "none"},
                 torch.cross_entropy_grad),
            case("logits-probabilities", torch.cross_entropy, [x, probs(4, 5)], {}, torch.cross_entropy_grad),
        ],
        ("torch.nn.functional.binary_cross_entropy", ("input", "target")): [
            case("mean", torch.binary_cross_entropy, [p, y], {}, torch.binary_cross_entropy_grad),
            case("clamped-none", torch.binary_cross_entropy, [np.array([0.0, 1e-50, 0.5, 1.0]), np.array([1.0, 1.0, 0.5, 0.0])],
                 {"reduction": "none"}, torch.binary_cross_entropy_grad),
        ],
        ("torch.nn.functional.binary_cross_entropy_with_logits", ("input", "target")): [
            case("pos_weight", torch.binary_cross_entropy_with_logits, [z, y], {"pos_weight": rng.uniform(0.5, 3, 6)},
                 torch.binary_cross_entropy_with_logits_grad),
        ],
        ("torch.nn.functional.kl_div", ("input", "target")): [
            case("batchmean", torch.kl_div, [np.log(probs(3, 4)), probs(3, 4)], {"reduction": "batchmean"},
                 torch.kl_div_grad),
        ],
        ("torch.nn.functional.nll_loss", ("input", "target")): [
            case("weight", torch.nll_loss, [np.log(probs(4, 5)), t], {"weight": w}, torch.nll_loss_grad),
        ],
        ("torch.nn.functional.gaussian_nll_loss", ("input", "target", "var")): [
            case("full", torch.gaussian_nll_loss, [z, z[::-1].copy(), rng.uniform(1e-7, 2, 6)], {"full": True},
                 torch.gaussian_nll_loss_grad),
        ],
        ("torch.nn.functional.poisson_nll_loss", ("input", "target")): [
            case("full", torch.poisson_nll_loss, [z / 4, rng.poisson(2.0, 6).astype(np.float64)], {"full": True},
                 torch.poisson_nll_loss_grad),
        ],
        ("torch.nn.functional.mse_loss", ("input", "target")): [
            case("mean", torch.mse_loss, [z, z[::-1].copy()], {}, torch.mse_loss_grad),
        ],
        ("torch.nn.functional.multilabel_soft_margin_loss", ("input", "target")): [
            case("weight", torch.multilabel_soft_margin_loss, [x, rng.integers(0, 2, (4, 5)).astype(np.float64)],
                 {"weight": w}, torch.multilabel_soft_margin_loss_grad),
        ],
        ("torch.nn.functional.l1_loss", ("input", "target")): [
            case("mean", torch.l1_loss, [z, z[::-1].copy()], {}, torch.l1_loss_grad),
        ],
        ("torch.nn.functional.smooth_l1_loss", ("input", "target")): [
            case("beta-none", torch.smooth_l1_loss, [z, z[::-1].copy()], {"beta": 0.5, "reduction": "none"},
                 torch.smooth_l1_loss_grad),
        ],
        ("torch.nn.functional.huber_loss", ("input", "target")): [
            case("delta", torch.huber_loss, [z, z[::-1].copy()], {"delta": 2.0}, torch.huber_loss_grad),
        ],
        ("torch.nn.functional.soft_margin_loss", ("input", "target")): [
            case("signs", torch.soft_margin_loss, [z, np.sign(z[::-1])], {}, torch.soft_margin_loss_grad),
        ],
        ("torch.nn.functional.softplus", ("input",)): [
            case("beta-threshold", torch.softplus, [np.array([-30.0, -1.0, 0.0, 4.9, 5.0, 5.1, 30.0])],
                 {"beta": 2.0, "threshold": 10.0}),
        ],
        ("torch.nn.functional.logsigmoid", ("input",)): [
            case("random", torch.logsigmoid, [z], {}),
        ],
    }
    sp = torch.special
    u = np.array([0.0, 1e-7, 0.25, 0.5, 0.75, 1.0 - 1e-7, 1.0])
    return cases | {
        ("torch.special.entr", ("input",)): [case("boundary", sp.entr, [np.array([-1.0, 0.0, 0.5, 1.0, 3.0])], {})],
        ("torch.special.xlogy", ("input", "other")): [
            case("zero-x", sp.xlogy, [np.array([0.0, 2.0, -2.0, 0.5]), np.array([0.0, 1.0, 1.0, 3.0])], {})],
        ("torch.special.xlog1py", ("input", "other")): [
            case("near-minus-one", sp.xlog1py, [np.array([0.0, 2.0, 1.0, 0.5]), np.array([-1.0, 1e-9, -0.999999, 3.0])],
                 {})],
        ("torch.special.expit", ("input",)): [case("random", sp.expit, [z * 10], {})],
        ("torch.special.logit", ("input",)): [case("clamped", sp.logit, [u], {"eps": 1e-6}),
                                              case("unclamped", sp.logit, [u], {})],
        ("torch.special.log1p", ("input",)): [case("small", sp.log1p, [np.array([-0.5, -1e-10, 1e-10, 3.0])], {})],
        ("torch.special.expm1", ("input",)): [case("small", sp.expm1, [np.array([-3.0, -1e-10, 1e-10, 3.0])], {})],
        ("torch.special.logsumexp", ("input",)): [case("dim1", sp.logsumexp, [x], {"dim": 1})],
        ("torch.special.softmax", ("input",)): [case("confident", sp.softmax, [xh], {"dim": 1})],
        ("torch.special.log_softmax", ("input",)): [case("confident", sp.log_softmax, [xh], {"dim": 1})],
    } | distribution_cases()


def _pair(family, keywords=None, grad=False):
    """shannon.torch.distributions.kl_divergence (or _grad) of two `family` distributions, as a function of
    their parameters' arrays (p's, then q's): the golden vectors' functions take arrays."""
    D = torch.distributions
    cls = getattr(D, family)

    def build(values):
        return cls(**dict(zip(keywords, values))) if keywords else cls(*values)

    def f(*arrays, **options):
        half = len(arrays) // 2
        fn = D.kl_divergence_grad if grad else D.kl_divergence
        out = fn(build(arrays[:half]), build(arrays[half:]), **options)
        return next(iter(out.values())) if grad else out  # a gradient: with respect to the first input, as the format's

    f.__module__ = "shannon.torch.distributions"
    f.__name__ = "kl_divergence_grad" if grad else "kl_divergence"
    return f


def distribution_cases():
    """torch.distributions.kl_divergence of one family's pair; its function field names the family, its
    arguments are p's parameters then q's (a gradient: with respect to the first, p's first parameter)."""
    pos = np.exp(rng.uniform(-2, 2, 5))
    near = pos * (1 + 2.0 ** -30)
    loc = rng.normal(0, 2, 5)
    conc = np.exp(rng.uniform(-1, 2, (3, 4)))
    cov = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 1.5]])
    prob = rng.dirichlet(np.ones(4), 3)
    kl = "torch.distributions.kl_divergence"
    return {
        (f"{kl}(Normal, Normal)", ("p.loc", "p.scale", "q.loc", "q.scale")): [
            case("random", _pair("Normal"), [loc, pos, loc[::-1].copy(), pos[::-1].copy()], {},
                 grad=_pair("Normal", grad=True)),
            case("near-equal", _pair("Normal"), [loc, pos, loc, near], {}, grad=_pair("Normal", grad=True))],
        (f"{kl}(Bernoulli, Bernoulli)", ("p.logits", "q.logits")): [
            case("logits", _pair("Bernoulli", ("logits",)), [loc * 5, loc[::-1] * 5], {},
                 grad=_pair("Bernoulli", ("logits",), grad=True))],
        (f"{kl}(Poisson, Poisson)", ("p.rate", "q.rate")): [case("near-equal", _pair("Poisson"), [pos, near], {})],
        (f"{kl}(Gamma, Gamma)", ("p.concentration", "p.rate", "q.concentration", "q.rate")): [
            case("random", _pair("Gamma"), [pos, pos[::-1].copy(), near, pos], {}, grad=_pair("Gamma", grad=True))],
        (f"{kl}(Beta, Beta)", ("p.concentration1", "p.concentration0", "q.concentration1", "q.concentration0")): [
            case("random", _pair("Beta"), [pos, pos[::-1].copy(), near, pos], {}, grad=_pair("Beta", grad=True))],
        (f"{kl}(Dirichlet, Dirichlet)", ("p.concentration", "q.concentration")): [
            case("random", _pair("Dirichlet"), [conc, conc[::-1].copy()], {}, grad=_pair("Dirichlet", grad=True))],
        (f"{kl}(Categorical, Categorical)", ("p.probs", "q.probs")): [
            case("random", _pair("Categorical"), [prob, prob[::-1].copy()], {}, grad=_pair("Categorical", grad=True))],
        (f"{kl}(MultivariateNormal, MultivariateNormal)",
         ("p.loc", "p.covariance_matrix", "q.loc", "q.covariance_matrix")): [
            case("covariance", _pair("MultivariateNormal"), [loc[:3], cov, loc[2:], np.eye(3) + 0.5 * cov], {},
                 grad=_pair("MultivariateNormal", grad=True))],
    }


def keras_cases(module, prefix):
    y01 = rng.integers(0, 2, (4, 5)).astype(np.float64)
    p, ph = probs(4, 5), probs(4, 5, True)
    bce_grad = module.binary_crossentropy_grad
    out = {
        (f"{prefix}.binary_crossentropy", ("y_true", "y_pred")): [
            case("probabilities", module.binary_crossentropy, [y01, p], {}, bce_grad),
            case("clipped-smoothing", module.binary_crossentropy, [y01, ph], {"label_smoothing": 0.1}, bce_grad),
            case("logits-sum_over_batch_size", module.binary_crossentropy, [y01, logits(4, 5, True)],
                 {"from_logits": True, "reduction": "sum_over_batch_size"}, bce_grad),
        ],
    }
    if module is keras:
        onehot = np.eye(5)[rng.integers(0, 5, 4)]
        out.update({
            ("keras.losses.categorical_crossentropy", ("y_true", "y_pred")): [
                case("unnormalized", keras.categorical_crossentropy, [onehot, ph * 3], {},
                     keras.categorical_crossentropy_grad),
                case("logits-smoothing", keras.categorical_crossentropy, [onehot, logits(4, 5, True)],
                     {"from_logits": True, "label_smoothing": 0.2}, keras.categorical_crossentropy_grad),
            ],
            ("keras.losses.sparse_categorical_crossentropy", ("y_true", "y_pred")): [
                case("ignore_class", keras.sparse_categorical_crossentropy, [np.array([0, 4, -1, 2]), ph],
                     {"ignore_class": -1, "reduction": "sum_over_batch_size"}, keras.sparse_categorical_crossentropy_grad),
            ],
            ("keras.losses.kl_divergence", ("y_true", "y_pred")): [
                case("clipped", keras.kl_divergence, [ph, p], {}, keras.kl_divergence_grad),
            ],
            ("keras.losses.binary_focal_crossentropy", ("y_true", "y_pred")): [
                case("balanced", keras.binary_focal_crossentropy, [y01, ph],
                     {"apply_class_balancing": True, "gamma": 2.0}, keras.binary_focal_crossentropy_grad),
            ],
            ("keras.losses.categorical_focal_crossentropy", ("y_true", "y_pred")): [
                case("logits", keras.categorical_focal_crossentropy, [onehot, logits(4, 5)], {"from_logits": True},
                     keras.categorical_focal_crossentropy_grad),
            ],
        })
        yt, yp = rng.normal(0, 2, (4, 5)), rng.normal(0, 2, (4, 5))
        yp[0] = yt[0]  # zero errors: log_cosh gives log 2 minus its rounding in the dtype
        out.update({
            ("keras.losses.huber", ("y_true", "y_pred")): [case("delta", keras.huber, [yt, yp], {"delta": 1.5}, keras.huber_grad)],
            ("keras.losses.log_cosh", ("y_true", "y_pred")): [case("errors", keras.log_cosh, [yt, yp], {}, keras.log_cosh_grad)],
            ("keras.losses.poisson", ("y_true", "y_pred")): [
                case("counts", keras.poisson, [np.abs(yt).round(), np.abs(yp)], {}, keras.poisson_grad)],
        })
    return out


def optax_cases():
    x, xh = logits(4, 5), logits(4, 5, True)
    onehot = np.eye(5)[rng.integers(0, 5, 4)]
    lp, t = np.log(probs(4, 5)), probs(4, 5, True)
    pred = rng.normal(0, 3, 8)
    targ = np.concatenate([pred[:2], pred[2:4] - 1.5, rng.normal(0, 3, 4)])  # d = 0, d = delta
    return {
        ("optax.losses.softmax_cross_entropy", ("logits", "labels")): [case("confident", optax.softmax_cross_entropy, [xh, onehot], {},
                                                                                   optax.softmax_cross_entropy_grad)],
        ("optax.losses.safe_softmax_cross_entropy", ("logits", "labels")): [
            case("neg-inf-logit", optax.safe_softmax_cross_entropy, [np.array([[-np.inf, 0.0, 1.0]]), np.array([[0.0, 0.5, 0.5]])], {},
                 optax.safe_softmax_cross_entropy_grad)],
        ("optax.losses.softmax_cross_entropy_with_integer_labels", ("logits", "labels")): [
            case("random", optax.softmax_cross_entropy_with_integer_labels, [x, rng.integers(0, 5, 4)], {},
                 optax.softmax_cross_entropy_with_integer_labels_grad)],
        ("optax.losses.sigmoid_binary_cross_entropy", ("logits", "labels")): [
            case("random", optax.sigmoid_binary_cross_entropy, [x, rng.integers(0, 2, (4, 5)).astype(np.float64)], {},
                 optax.sigmoid_binary_cross_entropy_grad)],
        ("optax.losses.kl_divergence", ("log_predictions", "targets")): [case("zero-targets", optax.kl_divergence, [lp, t], {}, optax.kl_divergence_grad)],
        ("optax.losses.generalized_kl_divergence", ("log_predictions", "targets")): [
            case("unnormalized", optax.generalized_kl_divergence, [lp, t * 2], {}, optax.generalized_kl_divergence_grad)],
        ("optax.losses.convex_kl_divergence", ("log_predictions", "targets")): [
            case("unnormalized", optax.convex_kl_divergence, [lp, t * 2], {}, optax.convex_kl_divergence_grad)],
        ("optax.losses.sigmoid_focal_loss", ("logits", "labels")): [
            case("alpha-gamma", optax.sigmoid_focal_loss, [xh, np.eye(5)[[0, 1, 2, 3]]], {"alpha": 0.25, "gamma": 2.0},
                 optax.sigmoid_focal_loss_grad)],
        ("optax.losses.poly_loss_cross_entropy", ("logits", "labels")): [
            case("confident", optax.poly_loss_cross_entropy, [xh, onehot], {"epsilon": -1.0},
                 optax.poly_loss_cross_entropy_grad)],
    } | {
        (f"optax.losses.{name}", ("predictions", "targets")): [case("errors", getattr(optax, name), [pred, targ], kw, getattr(optax, name + "_grad"))]
        for name, kw in (("squared_error", {}), ("l2_loss", {}), ("huber_loss", {"delta": 1.5}), ("log_cosh", {}))
    }


def jax_cases():
    from shannon import jax
    x, xh = logits(4, 5), logits(4, 5, True)
    where = rng.random((4, 5)) < 0.7
    where[:, 0] = True
    z = rng.normal(0, 8, 8)
    return {
        ("jax.nn.sigmoid", ("x",)): [case("random", jax.nn.sigmoid, [z], {})],
        ("jax.nn.softplus", ("x",)): [case("no-threshold", jax.nn.softplus, [np.append(z, [30.0, 40.0])], {})],
        ("jax.nn.log_sigmoid", ("x",)): [case("random", jax.nn.log_sigmoid, [z], {})],
        ("jax.nn.softmax", ("x",)): [case("where", jax.nn.softmax, [xh], {"where": where})],
        ("jax.nn.log_softmax", ("x",)): [case("where", jax.nn.log_softmax, [xh], {"where": where}),
                                         case("axis-tuple", jax.nn.log_softmax, [x], {"axis": (0, 1)})],
        ("jax.nn.logsumexp", ("a",)): [case("axis1", jax.nn.logsumexp, [x], {"axis": 1})],
        ("jax.scipy.special.logsumexp", ("a",)): [
            case("weights", jax.scipy.special.logsumexp, [x[0]], {"b": np.abs(x[1])})],
        ("jax.scipy.special.entr", ("x",)): [
            case("zero-sign", jax.scipy.special.entr, [np.array([0.0, 1.0, 0.25, -1.0, np.inf])], {})],
        ("jax.scipy.special.xlogy", ("x", "y")): [
            case("zeros", jax.scipy.special.xlogy, [np.array([0.0, 0.0, 2.0, -2.0]), np.array([0.0, np.nan, 3.0, 1.0])], {})],
        ("jax.scipy.special.xlog1py", ("x", "y")): [
            case("zeros", jax.scipy.special.xlog1py, [np.array([0.0, 0.0, 2.0]), np.array([-1.0, np.nan, 1e-10])], {})],
    }


def scipy_cases():
    p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    near = p * (1 + 1e-9 * rng.standard_normal(6))
    return {
        ("scipy.special.rel_entr", ("x", "y")): [case("random", scipy.special.rel_entr, [p, q], {})],
        ("scipy.special.kl_div", ("x", "y")): [case("near-equal", scipy.special.kl_div, [p, near], {})],
        ("scipy.special.entr", ("x",)): [case("random", scipy.special.entr, [np.append(p, 0.0)], {})],
        ("scipy.special.logsumexp", ("a",)): [case("random", scipy.special.logsumexp, [logits(1, 6)[0]], {})],
        ("scipy.special.log_softmax", ("x",)): [case("confident", scipy.special.log_softmax, [logits(2, 5, True)[0]], {})],
        ("scipy.special.softmax", ("x",)): [case("axis-tuple", scipy.special.softmax, [logits(2, 5)], {"axis": (0, 1)})],
        ("scipy.stats.entropy", ("pk", "qk")): [case("near-equal-base2", scipy.stats.entropy, [p, near], {"base": 2})],
        ("scipy.spatial.distance.jensenshannon", ("p", "q")): [case("random", scipy.spatial.distance.jensenshannon, [p, q], {})],
    }


FRAMEWORKS = {
    "torch": ("PyTorch (torch.nn.functional, torch.special, torch.distributions)", torch_cases),
    "keras": ("Keras 3 (keras.losses, TensorFlow backend)", lambda: keras_cases(keras, "keras.losses")),
    "tf_keras2": ("tf.keras 2 (Keras 2 losses)", lambda: keras_cases(tf_keras2, "tf.keras.losses")),
    "optax": ("optax (optax.losses)", optax_cases),
    "jax": ("JAX (jax.nn, jax.scipy.special)", jax_cases),
    "scipy": ("scipy (special, stats, spatial.distance)", scipy_cases),
}


def profile_name(q):
    """The public name of a profile function: shannon.torch.cross_entropy, shannon.torch.special.logit."""
    module = {"shannon._torch_special": "shannon.torch.special", "shannon.jax": "shannon.jax.nn",
              "shannon._torch_distributions": "shannon.torch.distributions"}.get(q.__module__, q.__module__)
    return f"{module}.{q.__name__}"


def main():
    outdir = Path(sys.argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    names = sys.argv[2:] or list(FRAMEWORKS)
    for fw in names:
        title, make = FRAMEWORKS[fw]
        functions = []
        for (fname, arg_names), cases in make().items():
            functions.append({
                "function": fname,
                "profile": profile_name(cases[0]["q"]),
                "arguments": list(arg_names),
                "has_grad": cases[0]["grad"] is not None,
                "cases": [evaluate(c, arg_names) for c in cases],
            })
        doc = {
            "format": "shannon-golden-vectors",
            "version": 1,
            "generator": f"shannon {shannon.__version__}",
            "framework": fw,
            "title": title,
            "dtypes": list(DTYPES),
            "functions": functions,
        }
        path = outdir / f"{fw}.json"
        path.write_text(json.dumps(doc, indent=1) + "\n")
        n = sum(len(f["cases"]) for f in functions)
        print(f"{path}: {len(functions)} functions, {n} cases x {len(DTYPES)} dtypes")


if __name__ == "__main__":
    main()
