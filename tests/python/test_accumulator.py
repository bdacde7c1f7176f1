"""shannon.Accumulator (shannon::exact::accumulator): sums seen in parts, merged in any order and any
tree, serialized, and rounded correctly at the end.

Expected values: mpmath at 300 bits on the exact inputs, rounded by mpmath to 53 bits, and the
single-call oracle on the concatenated data; every split must give the same bits as both."""

import random

import mpmath
import numpy as np
import pytest

import shannon

mpmath.mp.prec = 300
rng = np.random.default_rng(1818)


def rn(x):
    with mpmath.workprec(53):
        return float(+x)


def kl_ref(p, q):
    return mpmath.fsum(mpmath.mpf(a) * mpmath.log(mpmath.mpf(a) / mpmath.mpf(b)) for a, b in zip(p, q) if a != 0)


def random_splits(n, k):
    """k chunkings of range(n): ragged, with 1-element chunks, and one chunk."""
    out = [[], [1], list(range(1, n))]  # one chunk, a 1-element head, all 1-element chunks
    while len(out) < k:
        cuts = sorted(set(rng.integers(1, n, int(rng.integers(1, max(2, n // 3)))).tolist()))
        out.append(cuts)
    return out


def accumulate(quantity, arrays, cuts, options, shuffle=True, tree=False, via_bytes=True):
    """Accumulators of the chunks, merged in a random order (or pairwise, as a tree), through bytes."""
    idx = np.split(np.arange(len(arrays[0])), cuts)
    parts = []
    for ix in idx:
        a = shannon.Accumulator(quantity, **options)
        a.update(*[x[ix] for x in arrays])
        parts.append(shannon.Accumulator.from_bytes(a.to_bytes()) if via_bytes else a)
    if shuffle:
        random.Random(len(parts)).shuffle(parts)
    if tree:
        while len(parts) > 1:
            parts = [parts[i].merge(parts[i + 1]) if i + 1 < len(parts) else parts[i] for i in range(0, len(parts), 2)]
        return parts[0]
    total = shannon.Accumulator(quantity, **options)
    for a in parts:
        total.merge(a)
    return total


def test_measures_are_bit_identical_over_25_chunkings_and_equal_to_mpmath():
    n = 200
    p = rng.dirichlet(np.ones(n))
    q = rng.dirichlet(np.ones(n))
    p[::17] = 0.0
    p /= p.sum()
    cases = [(shannon.kl_divergence, (p, q), {"normalization": "unnormalized"}, rn(kl_ref(p, q))),
             (shannon.entropy, (p,), {"normalization": "unnormalized"}, rn(-kl_ref(p, np.ones(n)))),
             (shannon.cross_entropy, (p, q), {"normalization": "unnormalized"},
              rn(-mpmath.fsum(mpmath.mpf(a) * mpmath.log(mpmath.mpf(b)) for a, b in zip(p, q))))]
    for quantity, arrays, options, want in cases:
        assert quantity(*arrays, **options) == want
        for k, cuts in enumerate(random_splits(n, 25)):
            acc = accumulate(quantity, arrays, cuts, options, tree=k % 2 == 1)
            assert acc.result() == want, (quantity, cuts)
        # digits: 20 from the fast paths; 60 at 256 bits
        acc = accumulate(quantity, arrays, random_splits(n, 4)[3], dict(options, bits=256))
        assert acc.result(digits=60) == quantity(*arrays, **options, digits=60)


def test_the_core_losses_and_likelihoods_over_random_chunkings():
    n, c = 90, 6
    y = rng.random(n)
    x = rng.standard_normal(n) * 4
    prob = 1 / (1 + np.exp(-x))
    labels = rng.integers(0, c, n)
    rows = rng.dirichlet(np.ones(c), n)
    logits = rng.standard_normal((n, c))
    hot = (rng.random((n, c)) < 0.3).astype(float)
    outcomes = rng.integers(0, 2, n)
    q = rng.dirichlet(np.ones(c))
    cases = [(shannon.binary_cross_entropy, (y, prob), {}),
             (shannon.binary_cross_entropy_with_logits, (y, x), {"reduction": "sum"}),
             (shannon.categorical_cross_entropy, (labels, rows), {}),
             (shannon.categorical_cross_entropy, (rows, rows[::-1].copy()), {"base": "bits"}),
             (shannon.categorical_cross_entropy_with_logits, (labels, logits), {}),
             (shannon.multilabel_binary_cross_entropy_with_logits, (hot, logits), {}),
             (shannon.bernoulli_nll, (outcomes, 0.3), {}),
             (shannon.categorical_log_likelihood, (labels, q), {}),
             (shannon.gaussian_nll, (y, x, 2.5), {}),
             (shannon.mean_squared_error, (y, x), {}),
             (shannon.sum_squared_error, (y, x), {})]
    for quantity, arrays, opts in cases:
        want = quantity(*arrays, **opts)
        chunked = [a for a in arrays if isinstance(a, np.ndarray) and a.shape[:1] == (n,)]
        for cuts in random_splits(n, 20):
            acc = shannon.Accumulator(quantity, **opts)
            for ix in np.split(np.arange(n), cuts):
                part = [a[ix] if isinstance(a, np.ndarray) and a.shape[:1] == (n,) else a for a in arrays]
                acc.merge(shannon.Accumulator(quantity, **opts).update(*part))
            assert acc.result() == want, (quantity.__name__, opts, cuts)
        assert chunked


def test_the_normalization_check_is_made_on_the_whole():
    p = rng.dirichlet(np.ones(100))
    q = rng.dirichlet(np.ones(100))
    acc = accumulate(shannon.kl_divergence, (p, q), [10, 50], {})  # normalization="check" (the default)
    assert acc.result() == shannon.kl_divergence(p, q)
    acc = accumulate(shannon.kl_divergence, (p * 1.01, q), [10, 50], {})
    with pytest.raises(ValueError, match=r"argument 'p' sums to 1\.0.*over all 3 parts"):
        acc.result()


def normalized_ref(p, q=None, base=None):
    """mpmath: entropy of p / sum(p) (q None) or KL of p / sum(p) and q / sum(q), divided by log(base)."""
    P = mpmath.fsum(mpmath.mpf(a) for a in p)
    if q is None:
        v = -mpmath.fsum(mpmath.mpf(a) / P * mpmath.log(mpmath.mpf(a) / P) for a in p if a != 0)
    else:
        Q = mpmath.fsum(mpmath.mpf(b) for b in q)
        v = mpmath.fsum(mpmath.mpf(a) / P * mpmath.log((mpmath.mpf(a) / P) / (mpmath.mpf(b) / Q))
                        for a, b in zip(p, q) if a != 0)
    return v if base is None else v / mpmath.log(mpmath.mpf(base))


def test_normalize_and_scipy_stats_entropy_normalize_the_whole():
    """normalization='normalize' and scipy.stats.entropy: each part's unnormalized terms, the exact
    masses, and the value (S/P + log(Q/P)) / log(base) formed once from them - the value of the
    whole normalized, equal to mpmath's for every chunking."""
    n = 150
    p = rng.gamma(1.0, size=n) * 3.0
    q = rng.gamma(1.0, size=n) / 7.0
    p[::13] = 0.0
    ce_ref = -mpmath.fsum(mpmath.mpf(a) / mpmath.fsum(map(mpmath.mpf, p)) * mpmath.log(mpmath.mpf(b) / mpmath.fsum(
        map(mpmath.mpf, q))) for a, b in zip(p, q))
    cases = [(shannon.kl_divergence, (p, q), {}, normalized_ref(p, q)),
             (shannon.kl_divergence, (p, q), {"base": "bits"}, normalized_ref(p, q, 2)),
             (shannon.entropy, (p,), {"base": "bans"}, normalized_ref(p, None, 10)),
             (shannon.cross_entropy, (p, q), {}, ce_ref),
             (shannon.scipy.stats.entropy, (p,), {}, normalized_ref(p)),
             (shannon.scipy.stats.entropy, (p, q), {"base": 3.7}, normalized_ref(p, q, 3.7))]
    for quantity, arrays, options, ref in cases:
        if quantity is not shannon.scipy.stats.entropy:
            options = dict(options, normalization="normalize")
        want = rn(ref)
        assert quantity(*arrays, **options) == want
        for k, cuts in enumerate(random_splits(n, 20)):
            acc = accumulate(quantity, arrays, cuts, options, tree=k % 2 == 1)
            assert acc.result() == want, (quantity.__name__, options, cuts)
    # the same value for p scaled by 2^-40 (the masses are exact, whatever their size); the fast paths'
    # enclosures of terms that small are absolute (fixed point), too wide once divided by the mass:
    # undetermined, never wrong, and decided at 256 bits
    acc = accumulate(shannon.kl_divergence, (p * 2.0**-40, q), [7, 70], {"normalization": "normalize"})
    try:
        assert acc.result() == rn(normalized_ref(p, q))
    except ArithmeticError as e:
        assert "bits=256" in str(e)
    acc = accumulate(shannon.kl_divergence, (p * 2.0**-40, q), [7, 70], {"normalization": "normalize", "bits": 256})
    assert acc.result() == rn(normalized_ref(p, q))
    # a distribution that sums to 0 over the whole; scipy's chunks that change arity; a bad base
    acc = accumulate(shannon.kl_divergence, (p, q * 0), [7], {"normalization": "normalize"})
    with pytest.raises(ValueError, match="argument 'q' sums to 0 over all 2 parts"):
        acc.result()
    acc = shannon.Accumulator(shannon.scipy.stats.entropy).update(p[:5])
    with pytest.raises(ValueError, match="pk alone, not 2 array"):
        acc.update(p[5:], q[5:])
    with pytest.raises(ValueError, match="base must be a finite number > 0 other than 1"):
        shannon.Accumulator(shannon.scipy.stats.entropy, base=1)
    with pytest.raises(ValueError, match="1-D chunks"):
        shannon.Accumulator(shannon.scipy.stats.entropy).update(np.ones((2, 3)))
    assert shannon.Accumulator(shannon.scipy.stats.entropy, axis=None).update(np.ones((2, 3))).result() == rn(
        mpmath.log(6))
    # an empty scipy accumulator takes the first chunk's form, in a merge too, and pickles
    import pickle

    empty = pickle.loads(pickle.dumps(shannon.Accumulator(shannon.scipy.stats.entropy)))
    assert empty.merge(shannon.Accumulator(shannon.scipy.stats.entropy).update(p, q)).result() == rn(normalized_ref(p, q))
    with pytest.raises(ValueError, match="first chunk decides"):
        shannon.Accumulator(shannon.scipy.stats.entropy).to_bytes()


torch = pytest.importorskip("torch")
import shannon.torch as st  # noqa: E402


def ce_ref(x, y, w, ignore, smoothing):
    """PyTorch's weighted mean cross-entropy of class indices with label smoothing, exactly."""
    num, den = [], []
    c = x.shape[1]
    for row, k in zip(x, y):
        if k == ignore:
            continue
        m = [mpmath.mpf(v) for v in row]
        lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in m))
        nll = [lse - v for v in m]
        num.append((1 - mpmath.mpf(smoothing)) * mpmath.mpf(w[k]) * nll[k]
                   + mpmath.mpf(smoothing) / c * mpmath.fsum(mpmath.mpf(w[j]) * nll[j] for j in range(c)))
        den.append(mpmath.mpf(w[k]))
    return mpmath.fsum(num) / mpmath.fsum(den)


def test_torch_cross_entropy_weighted_mean_with_ignore_index_and_label_smoothing():
    n, c = 120, 7
    x = rng.standard_normal((n, c)) * 3
    y = rng.integers(0, c, n)
    y[rng.random(n) < 0.2] = -100
    w = rng.random(c) + 0.1
    for smoothing in (0.0, 0.1):
        opts = {"weight": w, "label_smoothing": smoothing}
        want = rn(ce_ref(x, y, w, -100, smoothing))
        assert st.cross_entropy(x, y, **opts) == want
        for k, cuts in enumerate(random_splits(n, 21)):
            assert accumulate(st.cross_entropy, (x, y), cuts, opts, tree=k % 2 == 0).result() == want, cuts


def test_other_torch_losses_and_reductions_over_random_chunkings():
    n = 64
    x = rng.standard_normal((n, 5))
    t = rng.random((n, 5))
    logp = np.log(rng.dirichlet(np.ones(5), n))
    p = rng.dirichlet(np.ones(5), n)
    y = rng.integers(0, 5, n)
    cases = [(st.binary_cross_entropy_with_logits, (x, t), {"reduction": "mean", "pos_weight": np.arange(1.0, 6.0)}),
             (st.binary_cross_entropy, (t, (t > 0.5).astype(float)), {"reduction": "sum"}),
             (st.mse_loss, (x, t), {}),
             (st.kl_div, (logp, p), {"reduction": "batchmean"}),
             (st.kl_div, (logp, p), {"reduction": "mean"}),
             (st.nll_loss, (logp, y), {"weight": np.arange(1.0, 6.0)}),
             (st.cross_entropy, (x, p), {"label_smoothing": 0.05}),  # probability targets: mean over samples
             (st.gaussian_nll_loss, (x, t, t + 0.5), {"full": True}),
             (st.poisson_nll_loss, (x, t * 3), {}),
             (st.multilabel_soft_margin_loss, (x, (t > 0.5).astype(float)), {"weight": np.arange(1.0, 6.0)})]
    for quantity, arrays, opts in cases:
        want = quantity(*arrays, **opts)
        for cuts in random_splits(n, 20):
            assert accumulate(quantity, arrays, cuts, opts).result() == want, (quantity, opts, cuts)


def test_keras_loss_classes_with_sample_weights_over_random_chunkings():
    import shannon.keras as sk

    n, c = 60, 4
    y_pred = rng.dirichlet(np.ones(c), n).astype(np.float32)
    y_hot = np.eye(c)[rng.integers(0, c, n)]
    labels = rng.integers(0, c, n)
    w = rng.random(n)
    cases = [(sk.categorical_crossentropy, (y_hot, y_pred), {"label_smoothing": 0.1}),
             (sk.sparse_categorical_crossentropy, (labels, y_pred), {"ignore_class": 2}),
             (sk.binary_crossentropy, ((y_hot > 0).astype(np.float32), y_pred), {"reduction": "sum"}),
             (sk.kl_divergence, (y_hot, y_pred), {}),
             (sk.binary_focal_crossentropy, ((y_hot > 0).astype(np.float32), y_pred), {"apply_class_balancing": True}),
             (sk.categorical_focal_crossentropy, (y_hot, y_pred), {"gamma": 1.5})]
    for quantity, arrays, opts in cases:
        whole = {"reduction": "sum_over_batch_size"} | opts
        want = quantity(*arrays, **whole, sample_weight=w)
        for cuts in random_splits(n, 20):
            acc = shannon.Accumulator(quantity, **opts)
            for ix in np.split(np.arange(n), cuts):
                acc.merge(shannon.Accumulator(quantity, **opts).update(*[a[ix] for a in arrays], sample_weight=w[ix]))
            assert acc.result(dtype="float32") == want, (quantity.__name__, opts, cuts)
    # Keras' divide_no_nan: a mean over no counted sample is 0.
    acc = shannon.Accumulator(sk.sparse_categorical_crossentropy, ignore_class=2)
    acc.update(np.array([2, 2]), y_pred[:2])
    assert acc.result() == 0.0 == sk.sparse_categorical_crossentropy(np.array([2, 2]), y_pred[:2], ignore_class=2,
                                                                     reduction="sum_over_batch_size")
    with pytest.raises(TypeError, match="sample_weight goes with each chunk"):
        shannon.Accumulator(sk.kl_divergence, sample_weight=w)


def test_every_target_ignored_gives_nan_as_pytorch_and_infinities_propagate():
    x = rng.standard_normal((4, 3))
    acc = shannon.Accumulator(st.cross_entropy)
    acc.update(x[:2], np.array([-100, -100]))
    acc.merge(shannon.Accumulator(st.cross_entropy).update(x[2:], np.array([-100, -100])))
    assert np.isnan(acc.result()) and np.isnan(st.cross_entropy(x, np.full(4, -100)))
    acc = shannon.Accumulator(shannon.kl_divergence, normalization="unnormalized")
    acc.update(np.array([0.5]), np.array([0.0]))  # p > 0 = q: +inf
    acc.update(np.array([0.5]), np.array([1.0]))
    assert acc.result() == np.inf


def test_results_in_other_formats_and_digits():
    p = rng.dirichlet(np.ones(50))
    q = rng.dirichlet(np.ones(50))
    acc = accumulate(shannon.kl_divergence, (p, q), [3, 20], {})
    for dtype in ("float32", "bfloat16", "float16"):
        assert acc.result(dtype=dtype) == shannon.kl_divergence(p, q, dtype=dtype)
    assert type(acc.result(dtype="float32")) is np.float32
    with pytest.raises(ArithmeticError, match=r"accumulate again with Accumulator\(\.\.\., bits="):
        acc.result(digits=60)  # the fast paths' enclosures hold about 25 digits


def test_a_state_that_is_not_decided_says_so_and_more_bits_decide_it():
    # KL(P || P') with P' one ulp above P: a tiny value; 80 digits need more than the fast paths' width.
    p = rng.dirichlet(np.ones(30))
    q = np.nextafter(p, 1.0)
    with mpmath.workprec(700):  # log(p/q) cancels 53 bits
        want = kl_ref(p, q)
    fast = accumulate(shannon.kl_divergence, (p, q), [7], {"normalization": "unnormalized"})
    with pytest.raises(ArithmeticError, match="bits="):
        fast.result(digits=80)
    acc = accumulate(shannon.kl_divergence, (p, q), [7], {"normalization": "unnormalized", "bits": 1024})
    got = mpmath.mpf(str(acc.result(digits=80)))
    assert abs(got - want) <= mpmath.mpf(10) ** (mpmath.floor(mpmath.log10(abs(want))) - 79) / 2
    assert acc.result() == rn(want)


def test_accumulators_pickle_and_keep_updating():
    import pickle

    p = rng.dirichlet(np.ones(40))
    q = rng.dirichlet(np.ones(40))
    a = shannon.Accumulator(shannon.kl_divergence)
    a.update(p[:10], q[:10])
    b = pickle.loads(pickle.dumps(a))
    b.update(p[10:], q[10:])
    assert b.result() == shannon.kl_divergence(p, q) and b.parts == 2
    x = rng.standard_normal((8, 3))
    y = rng.integers(0, 3, 8)
    c = pickle.loads(pickle.dumps(shannon.Accumulator(st_torch().cross_entropy).update(x[:3], y[:3])))
    c.update(x[3:], y[3:])
    assert c.result() == st_torch().cross_entropy(x, y)
    w = pickle.loads(pickle.dumps(shannon.Accumulator(st_torch().cross_entropy, weight=np.ones(3))))
    with pytest.raises(ValueError, match="records its weights by digest only"):
        w.update(x, y)


def st_torch():
    import shannon.torch

    return shannon.torch


def corrupt(b, at, value):
    return b[:at] + bytes([value]) + b[at + 1:]


def test_bad_states_are_clear_errors():
    acc = shannon.Accumulator(shannon.kl_divergence)
    acc.update(*[rng.dirichlet(np.ones(10)) for _ in range(2)])
    b = acc.to_bytes()
    assert shannon.Accumulator.from_bytes(b).to_bytes() == b
    with pytest.raises(ValueError, match="not a shannon accumulator state"):
        shannon.Accumulator.from_bytes(b"PK\x03\x04" + b[4:])
    with pytest.raises(ValueError, match="corrupted"):
        shannon.Accumulator.from_bytes(corrupt(b, len(b) // 2, b[len(b) // 2] ^ 0x10))
    with pytest.raises(ValueError, match="corrupted|truncated"):
        shannon.Accumulator.from_bytes(b[:-5])
    with pytest.raises(ValueError, match="format version 3; this shannon reads versions 1 and 2"):
        shannon.Accumulator.from_bytes(corrupt(b, 11, 3))
    with pytest.raises(TypeError, match="takes bytes"):
        shannon.Accumulator.from_bytes("SHANNON-ACC")
    other = shannon.Accumulator(shannon.entropy)
    with pytest.raises(ValueError, match="states are of different quantities"):
        acc.merge(other)
    with pytest.raises(ValueError, match="states are of different quantities"):
        acc.merge(shannon.Accumulator(shannon.kl_divergence, base="bits"))
    with pytest.raises(ValueError, match="not a sum over its data"):
        shannon.Accumulator(shannon.softmax)
    with pytest.raises(ValueError, match="reduction must be one of"):
        shannon.Accumulator(st.cross_entropy, reduction="none")
    with pytest.raises(TypeError, match="unknown option"):
        shannon.Accumulator(st.cross_entropy, weights=[1.0])
