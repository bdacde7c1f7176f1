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
from shannon import sklearn as ssk
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
for _name, _formula, _alias, _kind, _reads in shannon._core.quantities():
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

# scikit-learn's clustering scores (docs/profiles.md): eight samples, three true classes, two clusters.
_LT = [0, 0, 0, 1, 1, 2, 2, 2]
_LP = [0, 0, 1, 1, 1, 1, 0, 0]
value("prof_sk_mi", "", lambda: ssk.mutual_info_score(_LT, _LP))
value("prof_sk_mi_core", "", lambda: shannon.mutual_information(ssk.contingency_matrix(_LT, _LP).astype(float),
                                                                normalization="normalize"))
for _m in ("arithmetic", "geometric", "min", "max"):
    value("prof_sk_nmi_" + _m, "", lambda m=_m: ssk.normalized_mutual_info_score(_LT, _LP, average_method=m))
value("prof_sk_nmi_joint", "", lambda: shannon.normalized_mutual_information(
    ssk.contingency_matrix(_LT, _LP).astype(float), normalization="normalize", average="joint"))
value("prof_sk_v", "", lambda: ssk.v_measure_score(_LT, _LP))
value("prof_sk_both_unsplit", "", lambda: ssk.normalized_mutual_info_score([1, 1, 1], [2, 2, 2]))
value("prof_sk_one_unsplit", "", lambda: ssk.normalized_mutual_info_score([1, 1, 1], [2, 3, 2]))
value("prof_sk_entropy_empty", "", lambda: ssk.entropy([]))
value("prof_sk_mi_empty", "", lambda: ssk.mutual_info_score([], []))

value("prof_ninf_optax", "", lambda: optax.softmax_cross_entropy([[-inf, 0.0, 1.0]], [[0.0, 0.5, 0.5]])[0])
value("prof_ninf_safe", "", lambda: optax.safe_softmax_cross_entropy([[-inf, 0.0, 1.0]], [[0.0, 0.5, 0.5]])[0])
value("prof_ninf_torch", "", lambda: storch.cross_entropy([[-inf, 0.0, 1.0]], [[0.0, 0.5, 0.5]]))
value("prof_ninf_core", "", lambda: shannon.categorical_cross_entropy_with_logits([[0.0, 0.5, 0.5]], [[-inf, 0.0, 1.0]]))

value("prof_sparse_keras", "", lambda: keras.sparse_categorical_crossentropy([0], [[0.6, 0.6, 0.0]])[0])
value("prof_sparse_cce_keras", "", lambda: keras.categorical_crossentropy([[1.0, 0.0, 0.0]], [[0.6, 0.6, 0.0]])[0])
value("prof_sparse_torch", "", lambda: storch.nll_loss(np.log([[0.6, 0.6, 1e-300]]), [0]))

value("conv_table_zero", "mutual_information([[0.5, 0], [0, 0.5]], base='bits')",
      lambda: shannon.mutual_information([[0.5, 0.0], [0.0, 0.5]], base="bits"))
value("conv_table_neg", "joint_entropy([[0.5, 0.6], [0.1, -0.2]])", lambda: shannon.joint_entropy([[0.5, 0.6], [0.1, -0.2]]))
value("conv_table_axes", "mutual_information(np.ones((2, 2, 2)) / 8)",
      lambda: shannon.mutual_information(np.ones((2, 2, 2)) / 8))
value("conv_renyi_q0", "renyi_divergence([0.5, 0.5], [1, 0], 2)", lambda: shannon.renyi_divergence([0.5, 0.5], [1.0, 0.0], 2.0))
value("conv_renyi_q0_half", "renyi_divergence([0.5, 0.5], [1, 0], 0.5)",
      lambda: shannon.renyi_divergence([0.5, 0.5], [1.0, 0.0], 0.5))
value("conv_renyi_h0", "renyi_entropy([0.5, 0.5, 0, 0], 0, base='bits')",
      lambda: shannon.renyi_entropy([0.5, 0.5, 0.0, 0.0], 0.0, base="bits"))
value("conv_renyi_neg", "renyi_entropy([0.5, 0.5], -1)", lambda: shannon.renyi_entropy([0.5, 0.5], -1.0))

# The information page (docs/information.md): a binary symmetric channel, near independence, the
# Rényi family through alpha = 1, the normalized mutual information.
def digits30(key, label, f):
    out[key] = {"label": label, "digits": str(f())}


BSC = np.array([[0.45, 0.05], [0.05, 0.45]])  # X uniform, crossover 0.1 (binary64 cells: 0.45 and 0.05 as given)
X_BSC = BSC.sum(axis=1)
digits30("info_hxy", "joint_entropy(J)", lambda: shannon.joint_entropy(BSC, digits=30))
digits30("info_hx", "entropy(J.sum(axis=1))", lambda: shannon.entropy(X_BSC, digits=30))
digits30("info_hy_x", "conditional_entropy(J)", lambda: shannon.conditional_entropy(BSC, digits=30))
digits30("info_hx_y", "conditional_entropy(J, given=1)", lambda: shannon.conditional_entropy(BSC, given=1, digits=30))
digits30("info_i", "mutual_information(J)", lambda: shannon.mutual_information(BSC, digits=30))
digits30("info_i_bits", "mutual_information(J, base='bits')", lambda: shannon.mutual_information(BSC, base="bits", digits=30))
def _one_minus(d):
    import decimal

    with decimal.localcontext() as c:
        c.prec = 30
        return 1 - d


digits30("info_cap_bits", "1 - binary_entropy(0.1, base='bits')",
         lambda: _one_minus(shannon.binary_entropy(0.1, base="bits", digits=40)))
digits30("info_vi", "variation_of_information(J)", lambda: shannon.variation_of_information(BSC, digits=30))
for _avg in ("arithmetic", "geometric", "min", "max", "joint"):
    value(f"info_nmi_{_avg}", f"normalized_mutual_information(J, average='{_avg}')",
          lambda _avg=_avg: shannon.normalized_mutual_information(BSC, average=_avg))
_T = np.outer([0.3, 0.7], [0.6, 0.4])
NEAR = _T / _T.sum()  # a product table, rounded to binary64 and normalized there


def _naive_mi(t):
    def h(v):
        v = v[v > 0]
        return -np.sum(v * np.log(v))
    return h(t.sum(axis=1)) + h(t.sum(axis=0)) - h(t.ravel())


def _mass_minus_one(t):
    import mpmath

    with mpmath.workdps(60):
        return float(mpmath.fsum(mpmath.mpf(x) for x in t.ravel()) - 1)


value("info_near_exact", "mutual_information(T, normalization='normalize')",
      lambda: shannon.mutual_information(NEAR, normalization="normalize"))
value("info_near_face", "mutual_information(T)", lambda: shannon.mutual_information(NEAR))
value("info_near_mass", "sum(T) - 1, exactly", lambda: _mass_minus_one(NEAR))
value("info_near_naive", "H(X) + H(Y) - H(X,Y) in numpy", lambda: _naive_mi(NEAR))
value("info_near_direct", "sum p log(p / (p_x p_y)) in numpy",
      lambda: np.sum(NEAR * np.log(NEAR / np.outer(NEAR.sum(axis=1), NEAR.sum(axis=0)))))
P4 = np.array([0.5, 0.25, 0.125, 0.125])
Q4 = np.array([0.4, 0.3, 0.2, 0.1])
for _k, _a in (("0", 0.0), ("half", 0.5), ("1", 1.0), ("2", 2.0), ("inf", inf)):
    value(f"renyi_h_{_k}", f"renyi_entropy(P, {_a}, base='bits')", lambda _a=_a: shannon.renyi_entropy(P4, _a, base="bits"))
value("renyi_kl", "kl_divergence(P, Q)", lambda: shannon.kl_divergence(P4, Q4))


def _naive_renyi(a):
    return np.log(np.sum(P4**a * Q4 ** (1 - a))) / (a - 1)


for _k, _d in (("6", 1e-6), ("9", 1e-9), ("12", 1e-12), ("15", 1e-15)):
    value(f"renyi_d_{_k}", f"renyi_divergence(P, Q, 1 + 1e-{_k})", lambda _d=_d: shannon.renyi_divergence(P4, Q4, 1 + _d))
    value(f"renyi_naive_{_k}", f"log(sum p^a q^(1-a)) / (a - 1) in numpy, a = 1 + 1e-{_k}",
          lambda _d=_d: _naive_renyi(1 + _d))
value("tsallis_2", "tsallis_entropy(P, 2)", lambda: shannon.tsallis_entropy(P4, 2.0))

with open(sys.argv[1], "w") as f:
    json.dump(out, f, indent=1)
