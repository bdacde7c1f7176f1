"""python3 -m shannon: the frameworks' functions from the command line. The values are the package's
(tested against mpmath in the other files); what is tested here is that the command reads its
arguments exactly (a float32 .npy stays float32, a hex float is exact), passes the options through,
prints the shortest decimal of the value in its dtype, and fails clearly."""

import json
import os
import subprocess
import sys

import mpmath
import numpy as np
import pytest

import shannon
import shannon.torch as T
import shannon.torch.distributions as D


def run(*args, expect=0):
    p = subprocess.run([sys.executable, "-m", "shannon", *args], capture_output=True, text=True, timeout=120)
    assert p.returncode == expect, (p.returncode, p.stdout, p.stderr)
    return p.stdout, p.stderr


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    logits = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [0.1, 0.2, -0.3]], dtype=np.float32)
    labels = np.array([0, 2, 1])
    np.save(d / "logits.npy", logits)
    np.save(d / "labels.npy", labels)
    np.save(d / "loc.npy", np.array([0.0, 1.5]))
    return d, logits, labels


def exact_cross_entropy(logits, labels, smoothing=0.0):
    """PyTorch's cross_entropy with label smoothing, mean over the batch, in mpmath at 200 bits."""
    with mpmath.workdps(60):
        total = 0
        for row, t in zip(logits, labels):
            x = [mpmath.mpf(float(v)) for v in row]
            lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in x))
            nll = lse - x[t]
            uniform = mpmath.fsum(lse - v for v in x) / len(x)
            total += (1 - smoothing) * nll + smoothing * uniform
        return total / len(logits)


def test_names_values_and_dtype(files):
    d, logits, labels = files
    a = str(d / "logits.npy")
    b = str(d / "labels.npy")
    for name in ("torch.nn.functional.cross_entropy", "torch.cross_entropy"):
        out, _ = run(name, "@" + a, "@" + b, "--label_smoothing", "0.1")
        # float32 inputs give the float32 nearest the exact value, printed as float32's shortest decimal
        want = np.float32(float(exact_cross_entropy(logits, labels, mpmath.mpf(0.1))))
        assert out.strip() == str(want)
    assert np.float32(out.strip()) == T.cross_entropy(logits, labels, label_smoothing=0.1)


def test_array_output_and_file(files, tmp_path):
    d, logits, labels = files
    out, _ = run("torch.cross_entropy", "@" + str(d / "logits.npy"), "@" + str(d / "labels.npy"), "--reduction", "none")
    lines = out.split()
    want = T.cross_entropy(logits, labels, reduction="none")
    assert [np.float32(x) for x in lines] == list(want)
    target = tmp_path / "out.npy"
    run("torch.cross_entropy", "@" + str(d / "logits.npy"), "@" + str(d / "labels.npy"), "--reduction=none",
        "--output", str(target))
    got = np.load(target)
    assert got.dtype == np.float32 and np.array_equal(got, want)


def test_gradient_and_distributions(files, tmp_path):
    d, logits, labels = files
    out, _ = run("torch.nn.functional.cross_entropy_grad", "@" + str(d / "logits.npy"), "@" + str(d / "labels.npy"))
    want = T.cross_entropy_grad(logits, labels)
    assert [np.float32(x) for x in out.split()] == list(want.ravel())
    p = f"Normal(@{d / 'loc.npy'}, 2.0)"
    out, _ = run("torch.distributions.kl_divergence", p, "Normal(0.0, scale=1.0)")
    want = D.kl_divergence(D.Normal(np.array([0.0, 1.5]), 2.0), D.Normal(0.0, 1.0))
    assert [float(x) for x in out.split()] == list(want)
    # log 2 + (4 + loc²)/2 − 1/2: independent of the library
    with mpmath.workdps(50):
        assert float(out.split()[1]) == float(-mpmath.log(2) + (4 + mpmath.mpf(1.5) ** 2) / 2 - mpmath.mpf(0.5))
    target = tmp_path / "grad.npz"
    run("torch.distributions.kl_divergence_grad", p, "Normal(0.0, 1.0)", "--output", str(target))
    g = np.load(target)
    assert sorted(g.files) == ["p.loc", "p.scale", "q.loc", "q.scale"]
    assert list(g["p.loc"]) == [0.0, 1.5]  # d/dloc_p of (loc_p − loc_q)²/2σq²


def test_exact_inputs_digits_enclosure_json():
    # 0x1.8p-3 = 0.1875 exactly; scipy's entr(x) = −x log x
    out, _ = run("scipy.special.entr", "0x1.8p-3", "--digits", "30")
    with mpmath.workdps(60):
        want = -mpmath.mpf(0.1875) * mpmath.log(mpmath.mpf(0.1875))
    assert out.strip() == mpmath.nstr(want, 30, strip_zeros=False)
    out, _ = run("torch.special.entr", "0.5", "--enclose", "--bits", "64")
    with mpmath.workdps(40):
        lo, hi = (mpmath.mpf(x) for x in out.strip()[1:-1].split(","))
        assert lo <= mpmath.log(2) / 2 <= hi and hi - lo < mpmath.mpf(2) ** -60
    out, _ = run("keras.losses.huber", "[1.0, 2.0]", "[1.5, 0.0]", "--json")
    j = json.loads(out)
    assert j == {"function": "keras.huber", "value": "0.8125"}  # mean(0.5·0.5², 1·(2 − 0.5))


def test_check(files):
    d, logits, labels = files
    args = ["torch.cross_entropy", "@" + str(d / "logits.npy"), "@" + str(d / "labels.npy")]
    exact = T.cross_entropy(logits, labels)
    out, _ = run(*args, "--check", repr(float(exact)), "--json")
    j = json.loads(out)
    assert j["over_max_ulps"] == 0 and abs(j["ulp_errors"][0]) <= 0.5  # the float32 result, correctly rounded
    out, _ = run(*args, "--check", repr(float(exact)))
    assert out.endswith("1 value: max |error| %.3f ulp (index 0), mean %.3f ulp, 0 over 1 ulp\n"
                        % (abs(j["ulp_errors"][0]), abs(j["ulp_errors"][0])))
    off = np.nextafter(np.nextafter(exact, np.float32(10)), np.float32(10))
    out, _ = run(*args, "--check", repr(float(off)), "--json", expect=1)
    j = json.loads(out)
    assert j["over_max_ulps"] == 1 and 1.5 < j["ulp_errors"][0] <= 2.5
    out, _ = run(*args, "--check", repr(float(off)), "--max-ulps", "3")
    assert "0 over 3 ulp" in out


def test_list_names_every_registered_function():
    out, _ = run("--list")
    rows = out.strip().splitlines()
    registry = shannon._core.profile_functions()
    assert len(rows) == len(registry)
    for (framework, name, reproduces, _gradient), row in zip(registry, rows):
        assert row.split()[0] == reproduces and row.split()[1] == f"shannon.{framework}.{name}"
    out, _ = run("jax.nn.softmax", "--doc")
    assert "jax.nn.softmax" in out


@pytest.mark.parametrize("args,message", [
    (["foo.bar"], "unknown function 'foo.bar'"),
    (["torch.softplus_grad", "1.0"], "has no gradient"),
    (["torch.cross_entropy", "@/nonexistent/x.npy", "1"], "cannot read '/nonexistent/x.npy'"),
    (["torch.cross_entropy", "[[1.0, 2.0]]", "[0]", "--reduction", "avg"], "reduction"),
    (["torch.distributions.kl_divergence", "Normal(0.0, -1.0)", "Normal(0.0, 1.0)"], "'p.scale'"),
    (["torch.distributions.kl_divergence", "Nope(1.0)", "Normal(0.0, 1.0)"], "'Nope' is not a distribution"),
    (["torch.cross_entropy", "[[1.0, 2.0]]", "--reduction"], "--reduction needs a value"),
    ([], "a function is needed"),
])
def test_errors(args, message):
    out, err = run(*args, expect=2)
    assert out == "" and message in err, err


def test_not_a_npy(tmp_path):
    bad = tmp_path / "junk.npy"
    bad.write_bytes(b"not a numpy file")
    _, err = run("torch.special.entr", "@" + str(bad), expect=2)
    assert "junk.npy" in err and os.path.basename(str(bad)) in err
