#!/usr/bin/env python3
"""PyTorch's own test inputs fed to shannon.torch: the OpInfo sample inputs of Debian's python3-torch
(torch/testing/_internal/common_methods_invocations.py) for every function shannon.torch and
shannon.torch.special reproduce, in float64 and float32, each called as PyTorch's tests call it
(positional arguments and keywords as the sample gives them); and common_nn's criterion tests (the
loss modules' test cases of test_nn.py) for the losses shannon.torch reproduces, the module's options
(weight, ignore_index, label_smoothing, reduction, ...) passed to shannon's function.

For each sample: accepted or refused by shannon (and why), and, when accepted, compared with PyTorch's
own result on the same inputs: the same shape and dtype, NaN and +-inf where PyTorch has them, and the
values within 4 ulps of the dtype (or 4 eps absolute, for the functions whose formula cancels:
logit, log_softmax). PyTorch is not correctly rounded, so a larger difference is listed for a look,
not counted as shannon's error (tests/python/test_torch*.py check shannon against mpmath).

Usage: PYTHONPATH=BUILD/python python3 scripts/torch_opinfo.py [--verbose]
Prints one line per function and a total; exits 1 if any accepted sample differs in shape, dtype or
its NaN/inf pattern from PyTorch's result.
"""

import random
import sys
import types
import unittest
import warnings

import numpy as np


def load_op_db():
    # common_utils imports expecttest (not packaged in Debian) for its TestCase: a stand-in suffices
    # for the sample inputs. torch 1.13's cross_entropy samples call random.sample on a set, which
    # Python 3.11 refuses: given as a sorted list.
    sys.modules.setdefault("expecttest", types.SimpleNamespace(TestCase=unittest.TestCase, ACCEPT=False))
    sample = random.sample

    def sample_any(population, k, **kw):
        if isinstance(population, (set, frozenset)):
            population = sorted(population)
        return sample(population, k, **kw)

    random.sample = sample_any
    from torch.testing._internal.common_methods_invocations import op_db
    return op_db


def shannon_functions():
    import shannon.torch as st
    import shannon.torch.special as ss

    nn = {f"nn.functional.{n}": getattr(st, n) for n in (
        "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
        "gaussian_nll_loss", "poisson_nll_loss", "mse_loss", "multilabel_soft_margin_loss", "softplus", "logsigmoid",
        "l1_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss")}
    special = {"special.entr": ss.entr, "special.xlog1py": ss.xlog1py, "xlogy": ss.xlogy, "special.xlogy": ss.xlogy,
               "logit": ss.logit, "special.logit": ss.logit, "sigmoid": ss.expit, "special.expit": ss.expit,
               "log1p": ss.log1p, "special.log1p": ss.log1p, "expm1": ss.expm1, "special.expm1": ss.expm1,
               "logsumexp": ss.logsumexp, "special.logsumexp": ss.logsumexp, "softmax": ss.softmax,
               "special.softmax": ss.softmax, "log_softmax": ss.log_softmax, "special.log_softmax": ss.log_softmax}
    return nn | special


# where PyTorch's formula cancels (so its float64 evaluation is no 1-ulp reference either): logit and
# log_softmax near 0; soft_margin_loss's log(1 + exp(-y x)) at large y x (log, not log1p)
CANCELS = {"logit", "special.logit", "log_softmax", "special.log_softmax", "nn.functional.soft_margin_loss"}


def compare(name, got, want):
    """'agree', 'differs' (values beyond the budget) or 'mismatch: ...' (shape, dtype, NaN/inf pattern)."""
    got = np.asarray(got)
    want = want.detach().numpy() if hasattr(want, "detach") else np.asarray(want)
    if got.shape != want.shape:
        return f"mismatch: shape {got.shape} for torch's {want.shape}"
    if got.dtype != want.dtype:
        return f"mismatch: dtype {got.dtype} for torch's {want.dtype}"
    g, w = got.astype(np.float64), want.astype(np.float64)
    special = ~np.isfinite(w) | ~np.isfinite(g)
    if not np.array_equal(g[special], w[special], equal_nan=True):
        return "mismatch: NaN/inf pattern"
    err = np.abs(g[~special] - w[~special])
    budget = 4 * np.spacing(np.abs(w[~special]).astype(want.dtype)).astype(np.float64)
    if name in CANCELS:
        budget = np.maximum(budget, 4 * np.finfo(want.dtype).eps * np.maximum(1, np.abs(w[~special])))
    return "agree" if np.all(err <= budget) else "differs"


def compare_f32(name, got, wide):
    """1 when every float32 value is within 1 ulp of the float64 evaluation rounded to float32 (NaN and inf
    where it has them; 1 eps absolute where the formula cancels), else 0."""
    g = np.asarray(got, dtype=np.float64)
    w = wide.detach().numpy().astype(np.float64) if hasattr(wide, "detach") else np.asarray(wide, dtype=np.float64)
    if g.shape != w.shape:
        return 0
    special = ~np.isfinite(w) | ~np.isfinite(g)
    if not np.array_equal(g[special], w[special], equal_nan=True):
        return 0
    err = np.abs(g[~special] - w[~special])
    budget = np.spacing(np.abs(w[~special]).astype(np.float32)).astype(np.float64)
    if name in CANCELS:
        budget = np.maximum(budget, np.finfo(np.float32).eps * np.maximum(1, np.abs(w[~special])))
    return int(np.all(err <= budget))


CRITERIA = {  # the loss module -> shannon.torch's function and the module attributes it takes
    "CrossEntropyLoss": ("cross_entropy", ("weight", "ignore_index", "reduction", "label_smoothing")),
    "NLLLoss": ("nll_loss", ("weight", "ignore_index", "reduction")),
    "KLDivLoss": ("kl_div", ("reduction", "log_target")),
    "PoissonNLLLoss": ("poisson_nll_loss", ("log_input", "full", "eps", "reduction")),
    "MSELoss": ("mse_loss", ("reduction",)),
    "BCELoss": ("binary_cross_entropy", ("weight", "reduction")),
    "BCEWithLogitsLoss": ("binary_cross_entropy_with_logits", ("weight", "reduction", "pos_weight")),
    "MultiLabelSoftMarginLoss": ("multilabel_soft_margin_loss", ("weight", "reduction")),
    "GaussianNLLLoss": ("gaussian_nll_loss", ("full", "eps", "reduction")),
    "L1Loss": ("l1_loss", ("reduction",)),
    "SmoothL1Loss": ("smooth_l1_loss", ("reduction", "beta")),
    "HuberLoss": ("huber_loss", ("reduction", "delta")),
    "SoftMarginLoss": ("soft_margin_loss", ("reduction",)),
}


def criterion_tests():
    """common_nn's criterion tests for the losses shannon.torch reproduces: (name, module, input, target,
    shannon function, its keywords); and the number of tests of other losses."""
    import torch
    import shannon.torch as st
    from torch.testing._internal import common_nn

    out, others = [], 0
    for params in common_nn.criterion_tests:
        params = dict(params)
        name = params.get("module_name") or params.get("fullname", "?")
        if name not in CRITERIA:
            others += 1
            continue
        params.setdefault("constructor", getattr(torch.nn, name))
        test = common_nn.CriterionTest(**params)
        module = test.constructor(*test.constructor_args).double()  # as test_nn's float64 runs

        def wide(t):
            return t.double() if torch.is_tensor(t) and t.is_floating_point() else t
        function, attrs = CRITERIA[name]
        kwargs = {a: getattr(module, a) for a in attrs if getattr(module, a, None) is not None}
        out.append((params.get("fullname") or f"{name}_{params.get('desc', '')}", module, wide(test._get_input()),
                    wide(test._get_target()), getattr(st, function), kwargs))
    return out, others


def main(verbose=False):
    sample = random.sample
    try:
        return run(verbose)
    finally:
        random.sample = sample  # load_op_db's stand-in, for this run only


def run(verbose):
    import torch

    torch.manual_seed(1919)  # the samples are random tensors: the same ones every run
    random.seed(1919)
    np.random.seed(1919)
    op_db = load_op_db()
    ours = shannon_functions()
    totals = {"samples": 0, "accepted": 0, "agree": 0, "differs": 0, "mismatch": 0, "refused": 0, "f32": 0,
              "f32_agree": 0}
    refusals = {}
    lines = []
    for op in op_db:
        key = op.name
        if key not in ours:
            continue
        f = ours[key]
        row = {"samples": 0, "accepted": 0, "agree": 0, "differs": 0, "mismatch": 0, "refused": 0, "f32": 0,
               "f32_agree": 0}
        for dtype in (torch.float64, torch.float32):
            for s in op.sample_inputs("cpu", dtype, requires_grad=False):
                row["samples"] += 1
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    try:
                        want = op(s.input, *s.args, **s.kwargs)
                    except Exception:  # noqa: BLE001 - a sample torch itself refuses (error_inputs-like)
                        row["samples"] -= 1
                        continue
                    try:
                        got = f(s.input, *s.args, **s.kwargs)
                    except Exception as e:  # noqa: BLE001 - counted and shown
                        row["refused"] += 1
                        msg = f"{type(e).__name__}: {str(e)[:160]}"
                        refusals.setdefault((key, msg), 0)
                        refusals[(key, msg)] += 1
                        continue
                row["accepted"] += 1
                if dtype == torch.float32:
                    # an independent reference: PyTorch's float64 evaluation of the float32 inputs, rounded
                    # to float32 (within 1 ulp of the correct rounding unless the float64 formula cancels)
                    row["f32"] += 1
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        try:
                            wide = op(*[a.double() if torch.is_tensor(a) and a.is_floating_point() else a
                                        for a in (s.input, *s.args)],
                                      **{k: (v.double() if torch.is_tensor(v) and v.is_floating_point() else v)
                                         for k, v in s.kwargs.items()})
                            if torch.is_tensor(wide) and wide.dtype == torch.float64:
                                wide = wide.float()
                            row["f32_agree"] += compare_f32(key, got, wide)
                        except Exception:  # noqa: BLE001 - a dtype= sample or a float32-only argument
                            row["f32"] -= 1
                verdict = compare(key, got, want)
                if verdict.startswith("mismatch"):
                    row["mismatch"] += 1
                    refusals.setdefault((key, verdict), 0)
                    refusals[(key, verdict)] += 1
                else:
                    row[verdict] += 1
        name = key + (f" ({op.variant_test_name})" if op.variant_test_name else "")
        lines.append(f"  {name:52s} {row['samples']:4d} samples, {row['accepted']:4d} accepted "
                     f"({row['agree']} agree, {row['differs']} beyond 4 ulps, {row['mismatch']} mismatch), "
                     f"{row['refused']} refused; float32 within 1 ulp of torch's float64: {row['f32_agree']}/{row['f32']}")
        for k in totals:
            totals[k] += row[k]
    nn_tests, others = criterion_tests()
    nn_row = {"tests": len(nn_tests), "agree": 0, "differs": 0, "mismatch": 0, "refused": 0}
    for name, module, inp, target, f, kwargs in nn_tests:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = module(inp, target)
            try:
                got = f(inp, target, **kwargs)
            except Exception as e:  # noqa: BLE001 - counted and shown
                nn_row["refused"] += 1
                refusals[(name, f"{type(e).__name__}: {str(e)[:160]}")] = 1
                continue
        verdict = compare(name, got, want)
        nn_row["mismatch" if verdict.startswith("mismatch") else verdict] += 1
        if verdict.startswith("mismatch"):
            refusals[(name, verdict)] = 1
    totals["nn_tests"], totals["nn_refused"], totals["nn_mismatch"] = nn_row["tests"], nn_row["refused"], nn_row["mismatch"]
    print(f"PyTorch {torch.__version__} OpInfo samples (float64 and float32) fed to shannon.torch:")
    print("\n".join(sorted(lines)))
    print(f"total: {totals['samples']} samples, {totals['accepted']} accepted ({totals['agree']} agree with PyTorch, "
          f"{totals['differs']} beyond 4 ulps of it, {totals['mismatch']} mismatch), {totals['refused']} refused; "
          f"float32 samples within 1 ulp of PyTorch's float64 evaluation rounded to float32: "
          f"{totals['f32_agree']} of {totals['f32']}")
    print(f"common_nn criterion tests of the losses shannon.torch reproduces: {nn_row['tests']} tests, "
          f"{nn_row['agree']} agree with PyTorch within 4 ulps, {nn_row['differs']} beyond, {nn_row['mismatch']} "
          f"mismatch, {nn_row['refused']} refused ({others} tests of losses shannon does not reproduce)")
    if refusals and (verbose or totals["mismatch"] or totals["nn_mismatch"] or totals["nn_refused"]):
        print("refusals and mismatches:")
        for (key, msg), n in sorted(refusals.items(), key=lambda kv: -kv[1]):
            print(f"  {n:4d} {key}: {msg}")
    return totals


if __name__ == "__main__":
    t = main("--verbose" in sys.argv)
    sys.exit(1 if t["mismatch"] or t["nn_mismatch"] else 0)
