"""Issue 20's quantities from Python: joint tables (any number of axes, given=, average=), the Rényi
and Tsallis families (every order, continuity through 1), each against mpmath's textbook formulas
(generators/info_formulas.py) at 60 digits, rounded once to the dtype."""
import math
import os
import sys

import mpmath
import numpy as np
import pytest

import shannon

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "generators"))
import info_formulas as info  # noqa: E402

mpmath.mp.dps = 60
rng = np.random.default_rng(2026_12_07)  # the tables' cells (module level: the parametrized ids)


def f64(v):
    return float(mpmath.mpf(v)) if not mpmath.isinf(v) else float(v)


def f32(v):
    """The exact value rounded once to binary32 (normal range)."""
    with mpmath.workprec(24):
        return np.float32(float(+mpmath.mpf(v)))


def table(shape, alpha=1.0, zeros=0.0):
    g = rng.gamma(alpha, size=shape)
    g[rng.random(shape) < zeros] = 0.0
    if g.sum() == 0:
        g.flat[0] = 1.0
    return g / g.sum()


TABLES = [table((2, 2)), table((3, 5), 0.3, 0.3), table((20, 30)), table((1, 4)), table((2, 3, 4)),
          table((3, 3, 2), 0.3, 0.2)]


@pytest.mark.parametrize("t", TABLES, ids=lambda t: "x".join(map(str, t.shape)))
def test_table_quantities_are_correctly_rounded(t):
    cells, shape = t.ravel().tolist(), list(t.shape)
    expected = {"joint_entropy": info.joint_entropy(cells, shape),
                "conditional_entropy": info.conditional_entropy(cells, shape),
                "total_correlation": info.total_correlation(cells, shape)}
    if t.ndim == 2:
        expected["mutual_information"] = info.mutual_information(cells, shape)
        expected["variation_of_information"] = info.variation_of_information(cells, shape)
        for avg in ("arithmetic", "geometric", "min", "max", "joint"):
            got = shannon.normalized_mutual_information(t, average=avg)
            assert got == f64(info.normalized_mutual_information(cells, shape, avg)), avg
    else:
        for g in range(3):
            expected_g = info.conditional_mutual_information(cells, shape, g)
            assert shannon.conditional_mutual_information(t, given=g) == f64(expected_g), g
        expected["conditional_mutual_information"] = info.conditional_mutual_information(cells, shape)
    for name, value in expected.items():
        assert getattr(shannon, name)(t) == f64(value), name
    for g in range(t.ndim):
        assert shannon.conditional_entropy(t, given=g) == f64(info.conditional_entropy(cells, shape, g))
        assert shannon.conditional_entropy(t, given=g - t.ndim) == shannon.conditional_entropy(t, given=g)


def test_table_units_dtypes_digits_and_tensors():
    t = TABLES[2]
    cells, shape = t.ravel().tolist(), list(t.shape)
    i = info.mutual_information(cells, shape)
    assert shannon.mutual_information(t, base="bits") == f64(i / mpmath.log(2))
    assert shannon.mutual_information(t, dtype="float32") == f32(i)
    d = shannon.mutual_information(t, digits=40)
    assert abs(mpmath.mpf(str(d)) - i) <= mpmath.mpf(10) ** (mpmath.floor(mpmath.log10(i)) - 39)
    import torch

    t32 = torch.tensor(t, dtype=torch.float32)
    got = shannon.mutual_information(t32)
    assert isinstance(got, np.float32)
    c32 = t32.numpy().astype(np.float64)
    assert got == f32(info.mutual_information(c32.ravel().tolist(), shape))


def test_product_tables_are_exactly_independent_and_determinism_exact():
    a = np.array([0.25, 0.75])
    b = np.array([0.5, 0.125, 0.375])
    prod = np.outer(a, b)
    assert shannon.mutual_information(prod) == 0.0
    assert shannon.total_correlation(prod) == 0.0
    assert shannon.normalized_mutual_information(prod) == 0.0
    det = np.diag([0.25, 0.5, 0.25])
    assert shannon.conditional_entropy(det) == 0.0
    assert shannon.variation_of_information(det) == 0.0
    assert shannon.normalized_mutual_information(det) == 1.0
    assert shannon.normalized_mutual_information(np.array([[1.0]])) == 1.0  # two constants: one partition
    # near independence: I ~ 2^-89, where H(X) + H(Y) - H(X,Y) keeps no digit in binary64
    eps = 2.0**-45
    near = np.array([[0.25 + eps, 0.25 - eps], [0.25 - eps, 0.25 + eps]])
    exact = info.mutual_information(near.ravel().tolist(), [2, 2])
    assert shannon.mutual_information(near) == f64(exact)
    assert 1e-28 < f64(exact) < 1e-26


ORDERS = [0.0, 0.1, 0.5, 0.9, 1 - 1e-12, 1.0, 1 + 1e-12, 2.0, 7.5, 300.0, 1e6, math.inf]


@pytest.mark.parametrize("a", ORDERS)
def test_renyi_and_tsallis_at_every_order(a):
    r = np.random.default_rng(7)
    p = r.dirichlet(np.ones(7))
    q = r.dirichlet(np.ones(7) * 0.5)
    near = p * (1 + 1e-9 * r.uniform(-1, 1, 7))
    near /= near.sum()
    assert shannon.renyi_entropy(p, a) == f64(info.renyi_entropy(p.tolist(), a))
    assert shannon.renyi_entropy(p, alpha=a, base="bits") == f64(info.renyi_entropy(p.tolist(), a) / mpmath.log(2))
    assert shannon.tsallis_entropy(p, a) == f64(info.tsallis_entropy(p.tolist(), a))
    assert shannon.tsallis_entropy(p, q=a) == shannon.tsallis_entropy(p, a)
    assert shannon.renyi_divergence(p, q, a) == f64(info.renyi_divergence(p.tolist(), q.tolist(), a))
    assert shannon.renyi_divergence(p, near, a) == f64(info.renyi_divergence(p.tolist(), near.tolist(), a))


def test_renyi_is_continuous_through_one_and_handles_support():
    r = np.random.default_rng(5)
    p = r.dirichlet(np.ones(5))
    q = r.dirichlet(np.ones(5))
    for a in (1 - 2.0**-50, 1.0, 1 + 2.0**-50, 1 + 2.0**-30):
        # mpmath at 60 digits keeps 45 of them through the formula's cancellation at 2^-50
        assert shannon.renyi_divergence(p, q, a) == f64(info.renyi_divergence(p.tolist(), q.tolist(), a))
        assert shannon.renyi_entropy(p, a) == f64(info.renyi_entropy(p.tolist(), a))
    p0 = np.array([0.5, 0.5, 0.0])
    q0 = np.array([0.5, 0.0, 0.5])
    assert shannon.renyi_divergence(p0, q0, 2.0) == math.inf
    assert shannon.renyi_divergence(p0, q0, 1.0) == math.inf
    assert shannon.renyi_divergence(p0, q0, 0.5) == f64(info.renyi_divergence(p0.tolist(), q0.tolist(), 0.5))
    assert shannon.renyi_divergence(p0, q0, 0.0) == f64(mpmath.log(2))  # -log Q(supp P)
    assert shannon.renyi_entropy([0.0, 1.0, 0.0], 2.0) == 0.0
    assert shannon.renyi_entropy(np.full(8, 0.125), 0.0, base="bits") == 3.0


def test_bad_input_names_function_argument_index_value():
    t = np.array([[0.5, -0.1], [0.3, 0.3]])
    with pytest.raises(ValueError, match=r"mutual_information: argument 'J' at index \[0, 1\] is -0.1"):
        shannon.mutual_information(t)
    with pytest.raises(ValueError, match="shape \\[2, 3, 4\\]: mutual information takes a table of two axes"):
        shannon.mutual_information(TABLES[4])
    with pytest.raises(ValueError, match="option 'given' is 2: the table has 2 axes"):
        shannon.conditional_entropy(TABLES[0], given=2)
    with pytest.raises(ValueError, match="given=-3 is not an axis"):
        shannon.conditional_entropy(TABLES[0], given=-3)
    with pytest.raises(TypeError, match="given= must be an axis"):
        shannon.conditional_entropy(TABLES[0], given=1.0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'given'"):
        shannon.mutual_information(TABLES[0], given=0)
    with pytest.raises(ValueError, match="average must be"):
        shannon.normalized_mutual_information(TABLES[0], average="mean")
    with pytest.raises(ValueError, match="renyi_divergence: argument 'alpha' is -0.5: an order must be >= 0"):
        shannon.renyi_divergence([0.5, 0.5], [0.5, 0.5], -0.5)
    with pytest.raises(ValueError, match="argument 'q' is nan: an order cannot be NaN"):
        shannon.tsallis_entropy([0.5, 0.5], math.nan)
    with pytest.raises(TypeError, match="takes 1 distribution and the order alpha"):
        shannon.renyi_entropy([0.5, 0.5])
    with pytest.raises(ValueError, match="sums to"):
        shannon.joint_entropy(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert shannon.joint_entropy(np.array([[1.0, 2.0], [3.0, 4.0]]), normalization="normalize") == \
        f64(info.entropy([0.1, 0.2, 0.3, 0.4]))


def test_the_oracle_decides_tables_fast_and_falls_back_on_cancellation():
    t = np.random.default_rng(9).dirichlet(np.ones(10000)).reshape(100, 100)
    shannon.mutual_information(t)
    assert shannon.last_paths()["kernel"] == 1  # the entropy kernel and exact marginals decided it
    eps = 2.0**-45
    near = np.array([[0.25 + eps, 0.25 - eps], [0.25 - eps, 0.25 + eps]])
    shannon.mutual_information(near)
    assert shannon.last_paths()["kernel"] == 0  # H(X) + H(Y) - H(X,Y) cancels: the ball's bd0 form decided
