"""The golden vectors (python/golden/write_golden.py, format in python/golden/FORMAT.md): the files follow the
documented format, their inputs are values of their dtype, each result is the rounding of the exact digits
written beside it, and the float64 results agree with independent computations (mpmath's Keras formulas,
PyTorch's own float64 losses)."""

import importlib.util
import json
import math
from decimal import Decimal, localcontext
from pathlib import Path

import mpmath
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("write_golden", ROOT / "python" / "golden" / "write_golden.py")
write_golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(write_golden)


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    out = tmp_path_factory.mktemp("golden")
    import sys
    argv = sys.argv
    sys.argv = ["write_golden.py", str(out)]
    try:
        write_golden.main()
    finally:
        sys.argv = argv
    return {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}


def values(t):
    return np.array([float.fromhex(v) if isinstance(v, str) else float(v) for v in t["data"]]).reshape(t["shape"])


def test_files_and_schema(golden):
    assert set(golden) == {"torch", "keras", "tf_keras2", "optax", "scipy", "jax"}
    for fw, doc in golden.items():
        assert doc["format"] == "shannon-golden-vectors" and doc["version"] == 1 and doc["framework"] == fw
        assert doc["dtypes"] == ["float64", "float32", "bfloat16", "float16"]
        assert doc["functions"]
        for fn in doc["functions"]:
            assert set(fn) == {"function", "profile", "arguments", "has_grad", "cases"}
            for case in fn["cases"]:
                assert set(case["dtypes"]) == set(doc["dtypes"])
                for d, e in case["dtypes"].items():
                    assert set(fn["arguments"]) <= set(e["inputs"])
                    assert e["result"]["dtype"] == d
                    assert ("grad" in e) == fn["has_grad"]
                    if fn["has_grad"]:  # with respect to the first argument (Keras: y_pred, the second)
                        wrt = fn["arguments"][1 if fn["function"].startswith(("keras.", "tf.keras.")) else 0]
                        assert e["grad"]["shape"] == e["inputs"][wrt]["shape"]


def test_inputs_are_values_of_their_dtype(golden):
    for doc in golden.values():
        for fn in doc["functions"]:
            for case in fn["cases"]:
                for d, e in case["dtypes"].items():
                    for t in e["inputs"].values():
                        if t["dtype"] != "int64":
                            for v in values(t).ravel():
                                assert write_golden.round_to(v, d) == v or math.isnan(v)


def test_results_are_the_rounded_exact_digits(golden):
    checked = 0
    for doc in golden.values():
        for fn in doc["functions"]:
            for case in fn["cases"]:
                for d, e in case["dtypes"].items():
                    if e["exact"] is None or "result" in e.get("undecided", []):
                        continue
                    for got, digits in zip(values(e["result"]).ravel(), e["exact"]):
                        want = write_golden.round_to(float(Decimal(digits)), "float64")
                        # 40 digits fix the rounding to float64 (then to the narrower dtype) unless the value
                        # lies within 1e-39 relative of a tie: an exact tie (|a - b| - 1/4 of two doubles
                        # is a dyadic number of a few more bits than a double) rounds to even, and its
                        # 40 digits, rounded, may fall on either side of it
                        if got != write_golden.round_to(want, d) and not (math.isnan(got) and digits == "NaN"):
                            with localcontext() as ctx:
                                ctx.prec = 120  # the midpoint of two doubles exactly
                                mid = (Decimal(got) + Decimal(write_golden.round_to(want, d))) / 2
                                tie = abs(Decimal(digits) - mid) <= abs(mid) * Decimal("1e-39")
                            assert tie, (fn["function"], got, digits)
                        checked += 1
    assert checked > 400


def test_float64_against_independent_computations(golden):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    doc = golden["torch"]
    fn = next(f for f in doc["functions"] if f["function"] == "torch.nn.functional.cross_entropy")
    case = next(c for c in fn["cases"] if c["id"] == "logits-indices-weight-smoothing")
    e = case["dtypes"]["float64"]
    x, t, w = (values(e["inputs"][k]) for k in ("input", "target", "weight"))
    got = F.cross_entropy(torch.tensor(x), torch.tensor(t.astype(np.int64)), weight=torch.tensor(w), label_smoothing=0.1)
    want = values(e["result"])[()]
    assert abs(got.item() - want) <= 2 * math.ulp(want)
    xt = torch.tensor(x, requires_grad=True)
    F.cross_entropy(xt, torch.tensor(t.astype(np.int64)), weight=torch.tensor(w), label_smoothing=0.1).backward()
    np.testing.assert_allclose(xt.grad.numpy(), values(e["grad"]), rtol=1e-13, atol=0)

    from test_keras import bce_ref  # the Keras formulas in mpmath
    doc = golden["keras"]
    fn = next(f for f in doc["functions"] if f["function"] == "keras.losses.binary_crossentropy")
    for case in fn["cases"]:
        for d in ("float64", "float32"):
            e = case["dtypes"][d]
            y, p = values(e["inputs"]["y_true"]), values(e["inputs"]["y_pred"])
            kw = case["kwargs"]
            ref = bce_ref(y, p, kw.get("from_logits", False), kw.get("label_smoothing", 0.0),
                          np.float32 if d == "float32" else np.float64)
            if kw.get("reduction") == "sum_over_batch_size":
                ref = [mpmath.fsum(ref) / len(ref)]
            with mpmath.workprec(24 if d == "float32" else 53):
                want = [float(+v) for v in ref]
            np.testing.assert_array_equal(values(e["result"]).ravel(), want)


def test_torch_special_golden_vectors_against_pytorch(golden):
    """The torch.special and softplus/logsigmoid vectors against PyTorch's own float64 results: equal at
    the conventions (NaN, +-inf, 0), within 4 ulps elsewhere, or 4 eps absolute where torch's formula
    cancels (logit near 1/2, log_softmax near 0)."""
    torch = pytest.importorskip("torch")
    checked = 0
    for fn in golden["torch"]["functions"]:
        name = fn["function"]
        if not (name.startswith("torch.special.") or name in (
                "torch.nn.functional.softplus", "torch.nn.functional.logsigmoid", "torch.nn.functional.l1_loss",
                "torch.nn.functional.smooth_l1_loss", "torch.nn.functional.huber_loss",
                "torch.nn.functional.soft_margin_loss")):
            continue
        theirs = eval(name, {"torch": torch})  # noqa: S307 - a name from the file, resolved in torch
        for case in fn["cases"]:
            e = case["dtypes"]["float64"]
            args = [torch.tensor(values(e["inputs"][a])) for a in fn["arguments"]]
            kw = {k: v for k, v in case["kwargs"].items()}
            if kw:
                want = theirs(*args, **kw).numpy()
            else:
                want = theirs(*args).numpy()
            got = values(e["result"])
            conv = ~np.isfinite(want) | ~np.isfinite(got)
            assert np.array_equal(got[conv], want[conv], equal_nan=True), (name, case["id"], got, want)
            assert np.array_equal(np.signbit(got[(got == 0) & (want == 0)]), np.signbit(want[(got == 0) & (want == 0)]))
            err = np.abs(got[~conv] - want[~conv])
            ok = (err <= 4 * np.spacing(np.abs(got[~conv]))) | (err <= 4 * np.finfo(np.float64).eps)
            assert ok.all(), (name, case["id"], got, want)
            checked += got.size
    assert checked >= 60


def test_torch_distributions_golden_vectors_against_pytorch(golden):
    """The torch.distributions.kl_divergence vectors against kl.py's own float64 results, within the budgets
    of tests/python/test_torch_distributions.py (in eps times the value's scale: kl.py adds terms larger
    than the result), and the gradients against autograd."""
    torch = pytest.importorskip("torch")
    D = torch.distributions
    checked = 0
    for fn in golden["torch"]["functions"]:
        name = fn["function"]
        if not name.startswith("torch.distributions.kl_divergence("):
            continue
        family = name[name.index("(") + 1:name.index(",")]
        for case in fn["cases"]:
            e = case["dtypes"]["float64"]
            args = [torch.tensor(values(e["inputs"][a])) for a in fn["arguments"]]
            half = len(args) // 2
            keys = [a.split(".", 1)[1] for a in fn["arguments"][:half]]
            p = getattr(D, family)(**dict(zip(keys, args[:half])))
            q = getattr(D, family)(**dict(zip(keys, args[half:])))
            want = D.kl_divergence(p, q).numpy()
            got = values(e["result"])
            err = np.abs(got - want) / (np.finfo(np.float64).eps * (1 + np.abs(got)))
            # Bernoulli by logits: torch rounds probs = sigmoid(logits), then 1 - probs loses digits
            # when probs is near 1 (measured 4,075 eps here); the other families stay within 256
            assert np.all(err <= (8192 if family == "Bernoulli" else 256)), (name, case["id"], got, want, err)
            checked += got.size
            if "grad" in e:
                first = torch.tensor(values(e["inputs"][fn["arguments"][0]]), requires_grad=True)
                pg = getattr(D, family)(**dict(zip(keys, [first] + args[1:half])))
                D.kl_divergence(pg, q).sum().backward()
                g = values(e["grad"])
                # torch differentiates through its rounded sigmoid: absolute errors of eps order (8e-17 where the
                # exact gradient is 0, a relative 4e-6 at 1.1e-9), so the budget is on max(1, |g|)
                # Gamma, Beta, Dirichlet: autograd's trigamma is torch's polygamma(1, .), off by up to a relative
                # 5e-10 (tests/python/test_torch_distributions.py: test_pytorch_trigamma_loses_nine_digits)
                tol = (2 ** 26 if family in ("Gamma", "Beta", "Dirichlet") else 64) * np.finfo(np.float64).eps
                assert np.allclose(g, first.grad.numpy(), rtol=tol, atol=tol), (name, g)
    assert checked >= 20
