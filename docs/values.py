#!/usr/bin/env python3
"""Values for the documentation's pages computed through the Python module (the conventions' results and the
library's error messages, as a user sees them), written as JSON {key: {"digits": text, "label": ...}}.

Usage: values.py OUT.json    (with PYTHONPATH=<build>/python)
"""

import json
import sys

import numpy as np

import shannon
from shannon import keras, optax, tf_keras2
from shannon import scipy as sscipy
from shannon import torch as storch

inf = float("inf")
out = {}


def value(key, label, f):
    try:
        v = f()
        text = repr(float(v)) if np.ndim(v) == 0 else "[" + ", ".join(repr(float(x)) for x in np.ravel(v)) + "]"
    except (ValueError, TypeError) as e:
        text = f"{type(e).__name__}: {e}"
    out[key] = {"label": label, "digits": text}


# The list of core/registry.hpp, as docs/index.md shows it.
_rows = ["| C++ and Python | command line | formula | arguments |", "|---|---|---|---|"]
for _name, _formula, _alias, _kind in shannon._core.quantities():
    _cli = "`" + _name.replace("_", "-") + "`" + (f", `{_alias}`" if _alias else "")
    _cell = _formula.replace("|", "\\|")  # KL(P||Q): a table's cell escapes its bars
    _rows.append(f"| `{_name}` | {_cli} | {_cell} | {_kind.replace('_', ' ')} |")
out["quantities_table"] = {"text": "\n".join(_rows)}

# The list of profiles/registry.hpp, as docs/profiles.md shows it.
_rows = ["| Python | C++ (`shannon::profiles::`) | reproduces | gradient |", "|---|---|---|---|"]
for _fw, _name, _reproduces, _grad in shannon._core.profile_functions():
    _grad_cell = f"`{_name}_grad`" if _grad else ""
    _rows.append(f"| `shannon.{_fw}.{_name}` | `{_fw}::{_name}` | `{_reproduces}` | {_grad_cell} |")
out["profiles_table"] = {"text": "\n".join(_rows)}

value("conv_0log0", "entropy([1, 0])", lambda: shannon.entropy([1.0, 0.0]))
value("conv_q0", "cross_entropy([0.5, 0.5], [1, 0])", lambda: shannon.cross_entropy([0.5, 0.5], [1.0, 0.0]))
value("conv_kl_q0", "kl_divergence([0.5, 0.5], [1, 0])", lambda: shannon.kl_divergence([0.5, 0.5], [1.0, 0.0]))
value("conv_si0", "self_information(0)", lambda: shannon.self_information(0.0))
value("conv_bce_inf", "binary_cross_entropy([1], [0])", lambda: shannon.binary_cross_entropy([1.0], [0.0]))
value("conv_neg", "kl_divergence([0.5, 0.5], [1.5, -0.5])", lambda: shannon.kl_divergence([0.5, 0.5], [1.5, -0.5]))
value("conv_sum", "entropy([0.5, 0.6])", lambda: shannon.entropy([0.5, 0.6]))
value("conv_normalize", "entropy([1, 3], normalization='normalize')",
      lambda: shannon.entropy([1.0, 3.0], normalization="normalize"))
value("conv_length", "kl_divergence([0.5, 0.5], [1.0])", lambda: shannon.kl_divergence([0.5, 0.5], [1.0]))
value("conv_index", "categorical_cross_entropy(7, [0.5, 0.5])",
      lambda: shannon.categorical_cross_entropy(7, [0.5, 0.5]))
value("conv_nan_logit", "softplus(nan)", lambda: shannon.softplus(float("nan")))
value("conv_softplus_inf", "softplus(inf)", lambda: shannon.softplus(inf))
value("conv_sigmoid_minf", "sigmoid(-inf)", lambda: shannon.sigmoid(-inf))
value("conv_lse", "logsumexp([-inf, 3])", lambda: shannon.logsumexp([-inf, 3.0]))
value("conv_lse_all", "logsumexp([-inf, -inf])", lambda: shannon.logsumexp([-inf, -inf]))
value("conv_lse_pinf", "logsumexp([inf, 3])", lambda: shannon.logsumexp([inf, 3.0]))
value("conv_softmax_all", "softmax([-inf, -inf])", lambda: shannon.softmax([-inf, -inf]))
value("conv_softmax_pinf", "softmax([inf, inf, 0])", lambda: shannon.softmax([inf, inf, 0.0]))
value("conv_var", "gaussian_nll([1], [0], 0)", lambda: shannon.gaussian_nll([1.0], [0.0], 0.0))
value("conv_logits_big", "binary_cross_entropy_with_logits([1], [-1e300])",
      lambda: shannon.binary_cross_entropy_with_logits([1.0], [-1e300]))

# Where the frameworks differ: the same inputs through each framework's profile (the exact value of what
# that framework computes), beside shannon's own quantity.
value("prof_bce0_core", "", lambda: shannon.binary_cross_entropy([1.0], [0.0]))
value("prof_bce0_torch", "", lambda: storch.binary_cross_entropy([0.0], [1.0]))
value("prof_bce0_keras", "", lambda: keras.binary_crossentropy([[1.0]], [[0.0]])[0])
value("prof_bce0_tfk2", "", lambda: tf_keras2.binary_crossentropy([[1.0]], [[0.0]])[0])
value("prof_bce0_keras32", "", lambda: keras.binary_crossentropy([[1.0]], np.float32([[0.0]]))[0])

value("prof_bcesmall_core", "", lambda: shannon.binary_cross_entropy([1.0], [1e-10]))
value("prof_bcesmall_torch", "", lambda: storch.binary_cross_entropy([1e-10], [1.0]))
value("prof_bcesmall_keras", "", lambda: keras.binary_crossentropy([[1.0]], [[1e-10]])[0])
value("prof_bcesmall_tfk2", "", lambda: tf_keras2.binary_crossentropy([[1.0]], [[1e-10]])[0])

logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
labels = np.array([0, 1])
onehot = np.eye(3)[labels]
w = np.array([1.0, 2.0, 0.5])
value("prof_ce_core", "", lambda: shannon.categorical_cross_entropy_with_logits(labels, logits))
value("prof_ce_torch", "", lambda: storch.cross_entropy(logits, labels))
value("prof_ce_keras", "", lambda: keras.categorical_crossentropy(onehot, logits, from_logits=True,
                                                                   reduction="sum_over_batch_size"))
value("prof_ce_optax", "", lambda: optax.softmax_cross_entropy_with_integer_labels(logits, labels))
value("prof_cew_torch", "", lambda: storch.cross_entropy(logits, labels, weight=w))
value("prof_cew_keras", "", lambda: keras.categorical_crossentropy(onehot, logits, from_logits=True,
                                                                    reduction="sum_over_batch_size",
                                                                    sample_weight=w[labels]))
value("prof_cels_torch", "", lambda: storch.cross_entropy(logits, labels, label_smoothing=0.1))
value("prof_cels_keras", "", lambda: keras.categorical_crossentropy(onehot, logits, from_logits=True, label_smoothing=0.1,
                                                                     reduction="sum_over_batch_size"))

P = np.array([[0.5, 0.5, 0.0]])
Q = np.array([[0.25, 0.25, 0.5]])
# torch.distributions (docs/profiles.md): kl.py's closed forms, exactly.
_D = storch.distributions
value("dist_geometric", "", lambda: _D.kl_divergence(_D.Geometric(0.0005239564687562472), _D.Geometric(0.000523956468756247)))
value("dist_bernoulli_clamp", "", lambda: _D.kl_divergence(_D.Bernoulli(1e-30), _D.Bernoulli(0.5)))
value("dist_bernoulli_true", "", lambda: shannon.kl_divergence([1e-30, 1 - 1e-30], [0.5, 0.5]))
value("dist_poisson0", "", lambda: _D.kl_divergence(_D.Poisson(0.0), _D.Poisson(1.0)))
value("dist_gamma_digits", "", lambda: float(_D.kl_divergence(_D.Gamma(2.0, 3.0), _D.Gamma(2.5, 1.0))))
out["dist_gamma_30"] = {"label": "", "digits": str(_D.kl_divergence(_D.Gamma(2.0, 3.0), _D.Gamma(2.5, 1.0), digits=30))}
value("dist_mvn", "", lambda: _D.kl_divergence(
    _D.MultivariateNormal([0.0, 0.0], [[2.0, 0.5], [0.5, 1.0]]),
    _D.MultivariateNormal([1.0, 0.0], precision_matrix=[[1.0, 0.2], [0.2, 3.0]])))
value("dist_grad_bernoulli", "", lambda: _D.kl_divergence_grad(_D.Bernoulli(logits=40.0), _D.Bernoulli(logits=0.0))["p.logits"])
value("dist_grad_mvn_same", "", lambda: _D.kl_divergence_grad(
    _D.MultivariateNormal([0.0, 0.0], scale_tril=[[2.0, 0.0], [1.0, 0.5]]),
    _D.MultivariateNormal([0.0, 0.0], scale_tril=[[2.0, 0.0], [1.0, 0.5]]))["p.scale_tril"])
# Mixed precision: logits that are bfloat16 numbers, log_softmax stored in bfloat16 or not.
_MPX = np.array([[8.0, 0.0, -3.5], [0.125, 0.25, 0.375]], dtype=np.float32)
_MPT = np.array([1, 2])
value("mp_exact32", "", lambda: storch.cross_entropy(_MPX, _MPT, dtype="float32"))
value("mp_stored32", "", lambda: storch.cross_entropy(_MPX, _MPT, intermediates="bfloat16", dtype="float32"))
value("mp_exact16", "", lambda: storch.cross_entropy(_MPX, _MPT, dtype="bfloat16"))
value("mp_stored16", "", lambda: storch.cross_entropy(_MPX, _MPT, intermediates="bfloat16", dtype="bfloat16"))
value("grad_log_cosh", "", lambda: optax.log_cosh_grad(np.array([1e-8, 3.0, inf])))
value("grad_sigmoid_bce", "", lambda: optax.sigmoid_binary_cross_entropy_grad(np.array([40.0, -inf]), np.array([1.0, 1.0])))
value("grad_focal_base0", "", lambda: keras.binary_focal_crossentropy_grad([[0.0, 1.0]], [[0.0, 1.0]], gamma=0.5))
value("grad_soft_margin", "", lambda: storch.soft_margin_loss_grad(np.array([-800.0]), np.array([1.0]), reduction="sum"))
value("prof_kl_core", "", lambda: shannon.kl_divergence(P[0], Q[0]))
value("prof_kl_torch_mean", "", lambda: storch.kl_div(np.log(Q), P, reduction="mean"))
value("prof_kl_torch_batchmean", "", lambda: storch.kl_div(np.log(Q), P, reduction="batchmean"))
value("prof_kl_keras", "", lambda: keras.kl_divergence(P, Q)[0])
value("prof_kl_optax", "", lambda: optax.kl_divergence(np.log(Q), P)[0])
value("prof_kl_scipy", "", lambda: sscipy.stats.entropy(P[0], Q[0]))
value("prof_kl_scipy_unnorm", "", lambda: sscipy.stats.entropy(2 * P[0], Q[0]))
value("prof_kl_core_unnorm", "", lambda: shannon.kl_divergence(2 * P[0], Q[0]))

value("prof_ninf_optax", "", lambda: optax.softmax_cross_entropy([[-inf, 0.0, 1.0]], [[0.0, 0.5, 0.5]])[0])
value("prof_ninf_safe", "", lambda: optax.safe_softmax_cross_entropy([[-inf, 0.0, 1.0]], [[0.0, 0.5, 0.5]])[0])
value("prof_ninf_torch", "", lambda: storch.cross_entropy([[-inf, 0.0, 1.0]], [[0.0, 0.5, 0.5]]))
value("prof_ninf_core", "", lambda: shannon.categorical_cross_entropy_with_logits([[0.0, 0.5, 0.5]], [[-inf, 0.0, 1.0]]))

value("prof_sparse_keras", "", lambda: keras.sparse_categorical_crossentropy([0], [[0.6, 0.6, 0.0]])[0])
value("prof_sparse_cce_keras", "", lambda: keras.categorical_crossentropy([[1.0, 0.0, 0.0]], [[0.6, 0.6, 0.0]])[0])
value("prof_sparse_torch", "", lambda: storch.nll_loss(np.log([[0.6, 0.6, 1e-300]]), [0]))

with open(sys.argv[1], "w") as f:
    json.dump(out, f, indent=1)
