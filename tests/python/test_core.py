"""The Python module's core quantities and oracle interface, against mpmath (independent of shannon)."""

import decimal
import math
import warnings

import mpmath
import numpy as np
import pytest

import shannon
import shannon.testing

mpmath.mp.prec = 300


def mp(x):
    return mpmath.mpf(float(x))


def rn(x, dtype="float64"):
    """mpmath value -> the nearest float64 (or float32) with ties to even, rounding once."""
    if dtype == "float32":
        with mpmath.workprec(24):
            return np.float32(float(+x))
    with mpmath.workprec(53):
        return float(+x)


def kl_ref(p, q):
    return mpmath.fsum(mp(a) * mpmath.log(mp(a) / mp(b)) for a, b in zip(p, q) if a != 0)


def entropy_ref(p):
    return -mpmath.fsum(mp(a) * mpmath.log(mp(a)) for a in p if a != 0)


rng = np.random.default_rng(20261121)


def dirichlet(n, alpha=1.0, dtype=np.float64):
    return rng.dirichlet(np.full(n, alpha)).astype(dtype)


@pytest.mark.parametrize("n", [1, 2, 7, 100, 5000])
def test_kl_and_entropy_correctly_rounded(n):
    for _ in range(5):
        p, q = dirichlet(n), dirichlet(n)
        assert shannon.kl_divergence(p, q) == rn(kl_ref(p, q))
        assert shannon.entropy(p) == rn(entropy_ref(p))
        assert shannon.cross_entropy(p, q) == rn(entropy_ref(p) + kl_ref(p, q))


def test_near_equal_distributions():
    p = dirichlet(50)
    q = p * (1 + 1e-12 * rng.standard_normal(50))
    assert shannon.kl_divergence(p, q) == rn(kl_ref(p, q))
    gkl = kl_ref(p, q) + mpmath.fsum(mp(b) - mp(a) for a, b in zip(p, q))
    assert shannon.generalized_kl_divergence(p, q) == rn(gkl)


def test_float32_inputs_give_float32():
    p, q = dirichlet(64, dtype=np.float32), dirichlet(64, dtype=np.float32)
    r = shannon.kl_divergence(p, q)
    assert isinstance(r, np.float32)
    assert r == rn(kl_ref(p, q), "float32")
    assert isinstance(shannon.kl_divergence(p, q, dtype="float64"), float)
    assert shannon.kl_divergence(p, q, dtype="float64") == rn(kl_ref(p, q))


def test_bfloat16_and_float16():
    p = np.array([0.125, 0.375, 0.5])
    exact = entropy_ref(p)
    for name, bits in (("bfloat16", 8), ("float16", 11)):
        v = shannon.entropy(p, dtype=name)
        with mpmath.workprec(bits):
            assert float(v) == float(+exact)


def test_digits_are_correct_and_decimal():
    p, q = [0.5, 0.5], [0.9, 0.1]
    d = shannon.kl_divergence(p, q, digits=40)
    assert isinstance(d, decimal.Decimal)
    ref = mpmath.nstr(kl_ref(p, q), 40, strip_zeros=False)
    assert decimal.Decimal(ref) == d


def test_enclosure_contains_exact_value():
    p = dirichlet(10)
    lo, hi = shannon.enclose(shannon.entropy, p, bits=100)
    ref = entropy_ref(p)
    assert mpmath.mpf(str(lo)) <= ref <= mpmath.mpf(str(hi))
    assert hi - lo < decimal.Decimal("1e-25")


def test_ulp_error_and_assert_close():
    p, q = dirichlet(20), dirichlet(20)
    exact = shannon.kl_divergence(p, q)
    assert abs(shannon.ulp_error(exact, shannon.kl_divergence, p, q)) <= 0.5
    off = np.nextafter(np.nextafter(np.nextafter(exact, np.inf), np.inf), np.inf)  # up, whatever the draw
    e = shannon.ulp_error(off, shannon.kl_divergence, p, q)
    assert 2.5 <= e <= 3.5
    shannon.testing.assert_close(off, shannon.kl_divergence, p, q, max_ulps=4)
    with pytest.raises(AssertionError, match=r"Not within 1 ulp .*kl_divergence(.|\n)*Max ulp error: 2\.|Max ulp error: 3\."):
        shannon.testing.assert_close(off, shannon.kl_divergence, p, q, max_ulps=1)


def test_assert_close_elementwise_reports_the_index():
    x = np.linspace(-5, 5, 11)
    good = np.array([float(rn(1 / (1 + mpmath.exp(-mp(v))))) for v in x])
    shannon.testing.assert_close(good, shannon.sigmoid, x, max_ulps=0.5)
    bad = good.copy()
    bad[7] = np.nextafter(np.nextafter(bad[7], 2), 2)
    with pytest.raises(AssertionError, match=r"Mismatched elements: 1 / 11(.|\n)*at index \(7,\)"):
        shannon.testing.assert_close(bad, shannon.sigmoid, x, max_ulps=1)


def test_elementwise_functions():
    x = np.array([0.0, 1e-300, 0.3, 0.5, 1.0])
    h = shannon.binary_entropy(x)
    for v, r in zip(x, h):
        ref = 0 if v in (0, 1) else -(mp(v) * mpmath.log(mp(v)) + (1 - mp(v)) * mpmath.log1p(-mp(v)))
        assert r == rn(ref)
    assert shannon.self_information(0.5, base="bits") == 1.0
    assert isinstance(shannon.sigmoid(0.0), float)
    assert shannon.softplus(np.array([1e300]))[0] == 1e300


def test_losses():
    y = np.array([1.0, 0.0, 1.0])
    x = np.array([2.5, -1.0, 1e300])
    ref = mpmath.fsum([mpmath.log1p(mpmath.exp(-mp(2.5))), mpmath.log1p(mpmath.exp(mp(-1.0))), 0]) / 3
    assert shannon.binary_cross_entropy_with_logits(y, x) == rn(ref)
    z = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    t = np.array([2, 0])
    ref = (mpmath.log(mpmath.fsum(mpmath.exp(mp(v)) for v in z[0])) - 3 +
           mpmath.log(mpmath.fsum(mpmath.exp(mp(v)) for v in z[1])) - mp(0.5)) / 2
    assert shannon.categorical_cross_entropy_with_logits(t, z) == rn(ref)
    assert shannon.categorical_cross_entropy_with_logits(t, z, reduction="sum") == rn(2 * ref)


def test_likelihood_identities():
    data = [1, 1, 0, 1, 0, 1, 1, 0, 1, 0]
    ll = shannon.bernoulli_log_likelihood(data, 0.6)
    assert ll == rn(6 * mpmath.log(mp(0.6)) + 4 * mpmath.log(1 - mp(0.6)))
    assert shannon.bernoulli_nll(data, 0.6) == -ll


def test_errors_name_function_argument_index_value():
    with pytest.raises(ValueError, match=r"shannon::kl_divergence: argument 'q' at index 1 is -0\.25"):
        shannon.kl_divergence([0.5, 0.5], [1.25, -0.25])
    with pytest.raises(ValueError, match=r"sums to"):
        shannon.entropy([0.5, 0.6])
    with pytest.raises(ValueError, match=r"same length"):
        shannon.kl_divergence([0.5, 0.5], [1.0])
    with pytest.raises(ValueError, match=r"class index"):
        shannon.categorical_cross_entropy([3], [[0.5, 0.5]])
    with pytest.raises(ValueError, match=r"dtype"):
        shannon.entropy([1.0], dtype="int8")
    with pytest.raises(TypeError):
        shannon.categorical_cross_entropy([0.5], [[0.5, 0.5]], reduction=3)


def test_large_input_fast_path():
    n = 10 ** 6
    p, q = dirichlet(n), dirichlet(n)
    r = shannon.kl_divergence(p, q)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = shannon.kl_divergence(p, q, digits=30)
    assert float(d) == pytest.approx(r, rel=1e-15)
    assert abs(shannon.ulp_error(r, shannon.kl_divergence, p, q)) <= 0.5


def test_normalize_option():
    counts = np.array([1.0, 2.0, 3.0])
    ref = -mpmath.fsum(c / mpmath.mpf(6) * mpmath.log(c / mpmath.mpf(6)) for c in (1, 2, 3))
    assert shannon.entropy(counts, normalization="normalize") == rn(ref)
    assert math.isclose(shannon.entropy([0.5, 0.5], base="bits"), 1.0)


def test_concurrent_calls_get_single_threaded_results():
    """Threads calling the oracle at once (the GIL is released while it runs) get the single-threaded
    results: JS (the general path), enclosures at 8 and 1000 bits, 100 digits. Before the oracle owned
    its precision, two threads at different precisions changed each other's mid-computation."""
    import threading
    import time

    p = np.array([0.1, 0.2, 0.3, 0.15, 0.25])
    q = np.array([0.3, 0.1, 0.2, 0.25, 0.15])
    calls = [lambda: shannon.js_divergence(p, q),
             lambda: shannon.enclose(shannon.kl_divergence, p, q, bits=8),
             lambda: shannon.enclose(shannon.js_divergence, p, q, bits=1000),
             lambda: shannon.js_divergence(p, q, digits=100),
             lambda: shannon.js_divergence(p, q, dtype="float32")]
    expected = [c() for c in calls]
    wrong, done = [], [0]
    deadline = time.monotonic() + 2.0

    def worker(offset):
        i = offset
        while time.monotonic() < deadline:
            got = calls[i % len(calls)]()
            if got != expected[i % len(calls)]:
                wrong.append((i % len(calls), got))
            done[0] += 1
            i += 1

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert done[0] > len(calls)
    assert wrong == []


@pytest.mark.parametrize("bad, error, fragment", [
    (lambda: shannon.kl_divergence(np.array([0.5, 0.5], dtype=np.longdouble)
                                   + np.array([2.0**-60, -2.0**-60], dtype=np.longdouble), [0.5, 0.5]),
     ValueError, "flat index 0"),
    (lambda: shannon.kl_divergence(np.array([0.5 + 0j, 0.5]), [0.5, 0.5]), TypeError, "complex"),
    (lambda: shannon.kl_divergence(np.array([0.5, 0.5], dtype=object), [0.5, 0.5]), TypeError, "object"),
    (lambda: shannon.kl_divergence(["0.5", "0.5"], [0.5, 0.5]), TypeError, "text is not parsed"),
    (lambda: shannon.entropy(np.array([2**60, 2**60 + 1]), normalization="normalize"), ValueError, "1152921504606846977"),
    (lambda: shannon.entropy([0.5, 0.6], sum_tolerance=float("nan")), ValueError, "sum_tolerance"),
    (lambda: shannon.entropy([0.5, 0.5], sum_tolerance=-1.0), ValueError, "sum_tolerance"),
    (lambda: shannon.entropy([0.5, 0.5], digits=1.5), TypeError, "digits"),
    (lambda: shannon.entropy([0.5, 0.5], digits=0), ValueError, "digits"),
    (lambda: shannon.enclose(shannon.entropy, [0.5, 0.5], bits=0), ValueError, "bits"),
    (lambda: shannon.enclose(shannon.entropy, [0.5, 0.5], bits=10**9), ValueError, "bits"),
])
def test_inputs_and_options_are_exact_or_refused(bad, error, fragment):
    """What cannot be read exactly (np.longdouble beyond 53 bits, integers beyond 2^53, complex,
    object and text arrays) and options out of range are errors, never a silently different value."""
    with pytest.raises(error, match=fragment.replace("[", r"\[")):
        bad()


def test_longdouble_inputs_that_are_doubles_are_read():
    p = np.array([0.25, 0.75], dtype=np.longdouble)
    assert shannon.entropy(p) == rn(entropy_ref([0.25, 0.75]))


def test_ctrl_c_stops_a_long_call_within_a_second():
    """A long call (the general path over 64 x 32,000 logits to 30 digits: seconds) stops within a second of SIGINT
    with KeyboardInterrupt: during the call SIGINT sets the computation's stop flag, which it polls
    (include/shannon/detail/stop.hpp), and is then handed to Python's handler."""
    import os
    import signal
    import threading
    import time

    import shannon.torch

    x = rng.standard_normal((64, 32000))
    y = rng.integers(0, 32000, 64)
    # Python's own SIGINT handler, as an interactive session has it: a process started in the background
    # by a non-interactive shell inherits SIGINT ignored, and Python then leaves it so.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            shannon.torch.cross_entropy(x, y, digits=30)  # beyond the ball's 20 digits: MPFI
    finally:
        latency = time.monotonic() - start - 0.5
        timer.join()
        signal.signal(signal.SIGINT, previous)
    print(f"\nMEASURED Ctrl-C latency: {latency:.3f} s")
    assert latency < 1.0
    assert shannon.torch.cross_entropy(x[:2, :3], y[:2] % 3) > 0  # the module still works after it


def test_last_paths_counts_how_each_result_was_decided():
    """Every rounded result is counted once, under the path that decided it."""
    shannon.entropy([0.2, 0.8])
    assert shannon.last_paths() == {"kernel": 1, "ball": 0, "mpfi": 0, "undetermined": 0}
    z = np.linspace(-3, 3, 7)
    shannon.softmax(z)
    paths = shannon.last_paths()
    assert sum(paths.values()) == 7 and paths["ball"] == 7
    # e^t (t - x) with t - x = 1: e^(2^-53) lies 2^-107 above a rounding boundary, inside the ball's
    # radius, so MPFI decides that element alone; the ball decides the other three.
    t = np.array([0.5, 2.0**-53, -3.0, 0.0])
    out = shannon.torch.kl_div(t - 1, t, reduction="none", log_target=True)
    assert out[1] == 1 + 2.0**-52
    assert shannon.last_paths() == {"kernel": 0, "ball": 3, "mpfi": 1, "undetermined": 0}
    # digits= does not round: the counts start again at zero
    shannon.entropy([0.2, 0.8], digits=30)
    assert sum(shannon.last_paths().values()) == 0


def test_every_registered_quantity_is_in_the_package_by_its_name():
    """core/registry.hpp lists each quantity once; the package must offer every entry by that name."""
    entries = shannon._core.quantities()
    names = [name for name, _, _, _, _ in entries]
    assert len(names) == len(set(names)) >= 22
    for name, formula, alias, kind, reads in entries:
        assert kind in ("distribution", "two_distributions", "labels_and_probabilities", "labels_and_logits",
                        "classes_and_probabilities", "classes_and_logits", "observations_and_predictions",
                        "gaussian", "distribution_and_order", "two_distributions_and_order", "joint_table"), kind
        assert set(reads.split()) <= {"alpha", "q", "given", "average"}, (name, reads)
        if kind in ("distribution", "two_distributions", "distribution_and_order", "two_distributions_and_order",
                    "joint_table"):
            assert getattr(shannon, name).__doc__.startswith(formula), name
        assert name in shannon.__all__, name
        assert callable(getattr(shannon, name)), name
        assert formula and name.replace("_", "").isalnum(), (name, formula)
        assert alias == "" or alias not in names, alias


def test_every_listed_profile_function_is_in_its_module_and_no_other():
    """profiles/registry.hpp lists each framework function once: each framework module offers exactly the
    listed functions (and <name>_grad where listed), each documented as what it reproduces."""
    import importlib

    from shannon._api import Quantity

    entries = shannon._core.profile_functions()
    assert len({(fw, name) for fw, name, _, _ in entries}) == len(entries) >= 30
    for fw in sorted({fw for fw, _, _, _ in entries}):
        module = importlib.import_module("shannon." + fw)
        offered = {n for n in dir(module) if not n.startswith("_") and isinstance(getattr(module, n), Quantity)}
        listed = set()
        for f, name, reproduces, gradient in entries:
            if f == fw:
                listed |= {name, name + "_grad"} if gradient else {name}
                doc = getattr(module, name).__doc__
                assert reproduces in doc, (fw, name, reproduces)
        assert offered == listed, (fw, sorted(offered - listed), sorted(listed - offered))
