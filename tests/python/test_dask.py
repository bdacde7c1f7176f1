"""shannon.dask on a real distributed.LocalCluster (two worker processes on this machine): for many
chunkings (ragged, with 1-element chunks, one chunk), the result is bit-identical to the
single-process call and to mpmath's correctly rounded value (300 bits, rounded by mpmath).

The 10^7-element inputs are made on the workers from their indices (p_i = f(i) / S, f an integer
hash, S a constant computed once), so every chunking holds the same numbers without shipping 160 MB
per run."""

import mpmath
import numpy as np
import pytest

import shannon

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
import shannon.dask as sd  # noqa: E402
import shannon.dask.torch as sdt  # noqa: E402

mpmath.mp.prec = 300
rng = np.random.default_rng(2018)
N = 10**7


def rn(x):
    with mpmath.workprec(53):
        return float(+x)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def weights(i, a):
    """A multiplicative hash of the index, in [2^28, 2^28 + 2^32): integer arithmetic, the same value for
    an index whatever block holds it."""
    return ((i * a) & 0xFFFFFFFF).astype(np.float64) + 2.0**28


A, B = 2654435761, 2246822519
S_P = float(np.sum(weights(np.arange(N, dtype=np.int64), A)))
S_Q = float(np.sum(weights(np.arange(N, dtype=np.int64), B)))


def distributions(chunks):
    i = da.arange(N, chunks=chunks, dtype=np.int64)
    return weights(i, A) / S_P, weights(i, B) / S_Q


def random_chunks(n, k):
    """k chunkings of n elements: one chunk, 1-element chunks at both ends, and ragged random ones."""
    out = [(n,), (1, 1, n - 3, 1)]
    while len(out) < k:
        m = int(rng.integers(2, 40))
        cuts = np.sort(rng.choice(np.arange(1, n), m - 1, replace=False))
        sizes = np.diff(np.concatenate([[0], cuts, [n]]))
        if rng.random() < 0.5:
            sizes = np.concatenate([[1], sizes[:-1], [sizes[-1] - 1]]) if sizes[-1] > 1 else sizes
        out.append(tuple(int(s) for s in sizes if s > 0))
    return out


def test_kl_and_entropy_of_10_7_elements_are_bit_identical_over_22_chunkings(client):
    i = np.arange(N, dtype=np.int64)
    p, q = weights(i, A) / S_P, weights(i, B) / S_Q
    want_kl = shannon.kl_divergence(p, q)
    want_h = shannon.entropy(p)
    chunkings = random_chunks(N, 22)
    for chunks in chunkings:
        dp, dq = distributions(chunks)
        kl, h = client.compute([sd.kl_divergence(dp, dq), sd.entropy(dp)], sync=True)
        assert kl == want_kl and h == want_h, chunks
    # Dask's own float sum depends on the chunking; shannon's result does not.
    sums = {float(distributions(c)[0].sum().compute()) for c in chunkings[:6]}
    print(f"\ndask's sum of p over 6 chunkings: {len(sums)} different values")


def test_against_mpmath_on_the_cluster(client):
    n = 3000
    p = rng.dirichlet(np.ones(n))
    q = rng.dirichlet(np.ones(n))
    want = rn(mpmath.fsum(mpmath.mpf(a) * mpmath.log(mpmath.mpf(a) / mpmath.mpf(b)) for a, b in zip(p, q)))
    for chunks in random_chunks(n, 5):
        assert sd.kl_divergence(da.from_array(p, chunks=(chunks,)), da.from_array(q, chunks=(chunks,))).compute() == want


def test_torch_cross_entropy_on_the_cluster(client):
    n, c = 20000, 10
    x = rng.standard_normal((n, c)) * 3
    y = rng.integers(0, c, n)
    y[rng.random(n) < 0.1] = -100
    w = rng.random(c) + 0.5
    st = pytest.importorskip("shannon.torch")
    for opts in ({}, {"weight": w, "label_smoothing": 0.1}, {"reduction": "sum"}):
        want = st.cross_entropy(x, y, **opts)
        for chunks in random_chunks(n, 4):
            X = da.from_array(x, chunks=(chunks, 5))
            Y = da.from_array(y, chunks=1000)
            assert sdt.cross_entropy(X, Y, **opts).compute() == want, (opts, chunks[:5])


def test_float32_digits_and_bad_dtypes(client):
    p = rng.dirichlet(np.ones(1000)).astype(np.float32)
    P = da.from_array(p, chunks=77)
    got = sd.entropy(P, normalization="unnormalized").compute()
    assert type(got) is np.float32 or got.dtype == np.float32
    assert got == shannon.entropy(p, normalization="unnormalized")
    assert sd.entropy(P, normalization="unnormalized", digits=20).compute() == \
        shannon.entropy(p, normalization="unnormalized", digits=20)
    with pytest.raises(TypeError, match="complex input"):
        sd.entropy(da.from_array(p.astype(np.complex64), chunks=100)).compute()
    with pytest.raises(ValueError, match="first dimensions differ"):
        sd.kl_divergence(P, da.from_array(p[:10], chunks=5))


def test_core_losses_keras_with_sample_weights_scipy_and_normalize_on_the_cluster(client):
    """Every module of shannon.dask on the cluster: the core's losses (scalar and per-class arguments go
    whole to every block), Keras' losses with sample_weight split with the batch (float32 results, as
    Keras'), scipy.stats.entropy and normalization='normalize' (the whole's exact masses)."""
    import shannon.dask.keras as sdk
    import shannon.dask.scipy as sds
    import shannon.keras as sk

    n, c = 3000, 5
    y = rng.random(n)
    x = rng.standard_normal(n) * 3
    labels = rng.integers(0, c, n)
    rows = rng.dirichlet(np.ones(c), n)
    q = rng.dirichlet(np.ones(c))
    p_un, q_un = rng.gamma(1.0, size=n) * 5, rng.gamma(1.0, size=n)
    y_pred = rng.dirichlet(np.ones(c), n).astype(np.float32)
    w = rng.random(n)
    cases = [(shannon.binary_cross_entropy_with_logits, sd.binary_cross_entropy_with_logits, (y, x), {}),
             (shannon.categorical_cross_entropy, sd.categorical_cross_entropy, (labels, rows), {"reduction": "sum"}),
             (shannon.categorical_nll, sd.categorical_nll, (labels, q), {}),
             (shannon.gaussian_nll, sd.gaussian_nll, (y, x, 2.5), {}),
             (shannon.kl_divergence, sd.kl_divergence, (p_un, q_un), {"normalization": "normalize", "base": "bits"}),
             (shannon.scipy.stats.entropy, sds.stats.entropy, (p_un, q_un), {"base": 3.0}),
             (shannon.scipy.stats.entropy, sds.stats.entropy, (p_un,), {}),
             (lambda *a, **o: sk.categorical_crossentropy(*a, reduction="sum_over_batch_size", **o),
              sdk.categorical_crossentropy, (np.eye(c)[labels], y_pred), {"sample_weight": w, "label_smoothing": 0.1}),
             (lambda *a, **o: sk.sparse_categorical_crossentropy(*a, reduction="sum_over_batch_size", **o),
              sdk.sparse_categorical_crossentropy, (labels, y_pred), {"sample_weight": w, "ignore_class": 1})]
    for single, dask_version, arrays, opts in cases:
        want = single(*arrays, **opts)
        for chunks in random_chunks(n, 3):
            darrays = [da.from_array(a, chunks=(chunks,) + a.shape[1:]) if np.ndim(a) and len(a) == n else a for a in arrays]
            dopts = {k: da.from_array(v, chunks=(chunks,)) if k == "sample_weight" else v for k, v in opts.items()}
            got = dask_version(*darrays, **dopts).compute()
            assert got == want and np.asarray(got).dtype == np.asarray(want).dtype, (dask_version.__name__, opts, chunks[:4])
    # the normalized KL against mpmath directly
    P, Q = mpmath.fsum(map(mpmath.mpf, p_un)), mpmath.fsum(map(mpmath.mpf, q_un))
    ref = mpmath.fsum(mpmath.mpf(a) / P * mpmath.log((mpmath.mpf(a) / P) / (mpmath.mpf(b) / Q)) for a, b in zip(p_un, q_un))
    assert sds.stats.entropy(da.from_array(p_un, chunks=101), da.from_array(q_un, chunks=333)).compute() == rn(ref)
