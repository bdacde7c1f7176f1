"""How the package reads its inputs: torch tensors of every dtype PyTorch trains in (float64, float32,
float16, bfloat16), objects with __array__ or __dlpack__, NumPy float16; the default result dtype
(the inputs' own); and the clear errors for what cannot be read exactly (GPU and meta tensors,
complex, quantized, sparse, object arrays).

The expected values are mpmath's (300 bits) on the exact input values, rounded by mpmath to the
format: to nearest even at 53, 24, 11 or 8 significant bits, never through the implementation."""

import math

import mpmath
import numpy as np
import pytest

import shannon

torch = pytest.importorskip("torch")
import shannon.torch as st  # noqa: E402

mpmath.mp.prec = 300
BITS = {"float64": 53, "float32": 24, "float16": 11, "bfloat16": 8}
TORCH = {"float64": torch.float64, "float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
rng = np.random.default_rng(18)


def rn(x, name):
    """x rounded to nearest even at the format's precision (the values here are in its normal range)."""
    with mpmath.workprec(BITS[name]):
        return float(+x)


def kl_ref(p, q):
    return mpmath.fsum(mpmath.mpf(a) * mpmath.log(mpmath.mpf(a) / mpmath.mpf(b)) for a, b in zip(p, q) if a != 0)


def ce_ref(x, y):
    """torch's mean cross-entropy of class indices, exactly."""
    out = []
    for row, k in zip(x, y):
        m = [mpmath.mpf(v) for v in row]
        out.append(mpmath.log(mpmath.fsum(mpmath.exp(v) for v in m)) - m[k])
    return mpmath.fsum(out) / len(out)


def exact_values(t):
    """The exact values of a tensor of any dtype (torch converts bfloat16 and float16 to float64 exactly)."""
    return t.to(torch.float64).numpy()


@pytest.mark.parametrize("name", list(TORCH))
def test_torch_tensors_of_every_dtype_are_read_exactly_and_rounded_to_their_dtype(name):
    dt = TORCH[name]
    for _ in range(20):
        x = torch.from_numpy(rng.standard_normal((6, 5)) * 3).to(dt)
        y = torch.from_numpy(rng.integers(0, 5, 6))
        p = torch.from_numpy(rng.dirichlet(np.ones(7))).to(dt)
        q = torch.from_numpy(rng.dirichlet(np.ones(7))).to(dt)
        pv, qv = exact_values(p), exact_values(q)
        # Rounded to a short format the weights no longer sum to 1: taken as they are (sum p log(p/q)).
        got = shannon.kl_divergence(p, q, normalization="unnormalized")
        assert float(got) == rn(kl_ref(pv, qv), name)
        got = st.cross_entropy(x, y)
        assert float(got) == rn(ce_ref(exact_values(x), y.numpy()), name)
        # The default result type: the input's (bfloat16 is returned as the float64 holding it: NumPy has no bfloat16).
        kind = {"float64": float, "float32": np.float32, "float16": np.float16, "bfloat16": float}[name]
        assert type(got) is kind
        # dtype= still chooses.
        assert st.cross_entropy(x, y, dtype="float64") == rn(ce_ref(exact_values(x), y.numpy()), "float64")


def test_elementwise_results_and_gradients_keep_the_inputs_dtype():
    x = torch.from_numpy(rng.standard_normal(50) * 4).bfloat16()
    s = shannon.sigmoid(x)
    for got, v in zip(s, exact_values(x)):
        assert got == rn(1 / (1 + mpmath.exp(-mpmath.mpf(v))), "bfloat16")
    h = torch.from_numpy(rng.standard_normal(50)).half()
    s = shannon.sigmoid(h)
    assert s.dtype == np.float16
    for got, v in zip(s, exact_values(h)):
        assert float(got) == rn(1 / (1 + mpmath.exp(-mpmath.mpf(v))), "float16")
    x2 = torch.from_numpy(rng.standard_normal((4, 3))).bfloat16()
    g = st.cross_entropy_grad(x2, torch.tensor([0, 1, 2, 0]))
    assert g.shape == (4, 3)
    for (i, j), got in np.ndenumerate(g):  # softmax - one-hot, over the batch of 4
        row = [mpmath.exp(mpmath.mpf(v)) for v in exact_values(x2)[i]]
        want = (row[j] / mpmath.fsum(row) - (1 if j == [0, 1, 2, 0][i] else 0)) / 4
        assert got == rn(want, "bfloat16")


def test_numpy_float16_and_mixed_dtypes():
    p = np.array([0.25, 0.75], np.float16)
    q = np.array([0.5, 0.5], np.float16)
    assert type(shannon.kl_divergence(p, q)) is np.float16
    # Mixed formats promote as PyTorch does: float16 with float32, or bfloat16 with float16, give
    # float32; anything with float64 (or a list) gives float64.
    assert type(shannon.kl_divergence(p, q.astype(np.float32))) is np.float32
    assert type(shannon.kl_divergence(torch.tensor(p).bfloat16(), torch.tensor(q))) is np.float32
    assert type(shannon.kl_divergence(torch.tensor(p).bfloat16(), q.astype(np.float64))) is float
    assert type(shannon.kl_divergence(torch.tensor(p).bfloat16(), [0.5, 0.5])) is float
    assert shannon.kl_divergence(p, q, dtype="float64") == rn(kl_ref([0.25, 0.75], [0.5, 0.5]), "float64")


def test_bfloat16_bit_patterns_are_read_as_torch_converts_them():
    bits = np.arange(0, 1 << 16, dtype=np.uint32).astype(np.uint16)  # every bfloat16, NaNs included
    t = torch.from_numpy(bits.view(np.int16)).view(torch.bfloat16)
    from shannon._api import read_input

    got, name = read_input(t)
    assert name == "bfloat16" and got.dtype == np.float32
    want = t.float().numpy()
    assert np.array_equal(got.view(np.uint32), want.view(np.uint32))


def test_tensors_are_read_without_a_copy_where_the_layout_allows():
    from shannon._api import read_input

    for dt in (torch.float64, torch.float32, torch.float16):
        t = torch.ones(8, dtype=dt)
        a, _ = read_input(t)
        assert np.shares_memory(a, t.numpy())
    # Strided views, negated views and tensors that require grad are read too.
    base = torch.arange(1.0, 13.0, dtype=torch.float64).reshape(3, 4)
    col = base.t()[0]
    assert shannon.entropy(col / col.sum()) == shannon.entropy(np.array([1.0, 5.0, 9.0]) / 15.0)
    w = torch.tensor([0.2, 0.8], requires_grad=True)
    assert shannon.entropy(w) == shannon.entropy(np.array([0.2, 0.8], np.float32))
    neg = (-torch.tensor([-0.25, -0.75], dtype=torch.float64)).conj()
    assert shannon.entropy(neg) == shannon.entropy([0.25, 0.75])


class ArrayLike:
    """An object with only __array__ (as many array libraries provide)."""

    def __init__(self, a):
        self.a = a

    def __array__(self, dtype=None):
        return np.asarray(self.a, dtype=dtype)


class DLPackOnly:
    """An object with only the DLPack protocol (as JAX and CuPy arrays provide)."""

    def __init__(self, t, device=(1, 0)):
        self.t, self.device = t, device

    def __dlpack__(self, stream=None):
        return self.t.__dlpack__()

    def __dlpack_device__(self):
        return self.device


def test_array_and_dlpack_protocols():
    p = rng.dirichlet(np.ones(9))
    q = rng.dirichlet(np.ones(9))
    want = rn(kl_ref(p, q), "float64")
    assert shannon.kl_divergence(ArrayLike(p), ArrayLike(q)) == want
    assert shannon.kl_divergence(DLPackOnly(torch.from_numpy(p)), DLPackOnly(torch.from_numpy(q))) == want
    pb, qb = torch.from_numpy(p).bfloat16(), torch.from_numpy(q).bfloat16()
    got = shannon.kl_divergence(DLPackOnly(pb), DLPackOnly(qb), normalization="unnormalized")
    pv, qv = exact_values(pb), exact_values(qb)
    assert got == rn(kl_ref(pv, qv), "bfloat16")


@pytest.mark.parametrize("bad, error, fragment", [
    (lambda: torch.zeros(3, device="meta"), TypeError, "device 'meta': move it to the CPU"),
    (lambda: DLPackOnly(torch.zeros(3), device=(2, 0)), TypeError, "DLPack device (2, 0): move it to the CPU"),
    (lambda: torch.zeros(3, dtype=torch.complex64), TypeError, "complex input"),
    (lambda: torch.zeros(3).to_sparse(), TypeError, "pass x.to_dense()"),
    (lambda: torch.quantize_per_tensor(torch.ones(3), 0.1, 0, torch.quint8), TypeError, "dequantize it first"),
    (lambda: np.array([object(), object()]), TypeError, "not an array of real numbers"),
    (lambda: ArrayLike(np.array([1 + 2j])), TypeError, "complex input"),
])
def test_what_cannot_be_read_exactly_is_a_clear_error(bad, error, fragment):
    with pytest.raises(error, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        shannon.entropy(bad())
    with pytest.raises(error, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        st.cross_entropy(bad(), torch.zeros(3, dtype=torch.int64))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_a_gpu_tensor_is_a_clear_error():
    with pytest.raises(TypeError, match="move it to the CPU"):
        shannon.entropy(torch.ones(2, device="cuda") / 2)


def test_bfloat16_candidates_are_judged_in_bfloat16():
    p = torch.tensor([0.25, 0.75]).bfloat16()
    q = torch.tensor([0.5, 0.5]).bfloat16()
    exact = kl_ref(exact_values(p), exact_values(q))
    cand = torch.tensor(0.125).bfloat16()
    ulp = 2.0 ** (math.floor(math.log2(float(exact))) - 7)
    assert shannon.ulp_error(cand, shannon.kl_divergence, p, q) == pytest.approx(float((0.125 - exact) / ulp), abs=1e-12)
