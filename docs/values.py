#!/usr/bin/env python3
"""Values for the documentation's pages computed through the Python module (the conventions' results and the
library's error messages, as a user sees them), written as JSON {key: {"digits": text, "label": ...}}.

Usage: values.py OUT.json    (with PYTHONPATH=<build>/python)
"""

import json
import sys

import numpy as np

import shannon

inf = float("inf")
out = {}


def value(key, label, f):
    try:
        v = f()
        text = repr(float(v)) if np.ndim(v) == 0 else "[" + ", ".join(repr(float(x)) for x in np.ravel(v)) + "]"
    except (ValueError, TypeError) as e:
        text = f"{type(e).__name__}: {e}"
    out[key] = {"label": label, "digits": text}


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

with open(sys.argv[1], "w") as f:
    json.dump(out, f, indent=1)
