"""shannon.sklearn against scikit-learn's clustering measures (sklearn.metrics.cluster) and against mpmath.

The conventions (the special values, the averages, the contingency input) must agree exactly; the values
within budgets measured on scikit-learn 1.2.1 (Debian 12) with headroom: its mutual information errs by
at most 2.05 eps (H(true) + H(pred)) in absolute terms (its terms cancel where the labels are nearly
independent: thousands of ulps of a small value there), and by at most 10 ulps where I > (H(true) +
H(pred)) / 10; its entropy by at most 6.3 ulps.
"""

import math

import mpmath
import numpy as np
import pytest

cluster = pytest.importorskip("sklearn.metrics.cluster")

import shannon  # noqa: E402
import shannon.sklearn as ss  # noqa: E402

EPS = float(np.finfo(np.float64).eps)
AVERAGES = ("arithmetic", "geometric", "min", "max")


def labellings(seed, count):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        n = int(rng.integers(2, 3000))
        a = rng.integers(0, int(rng.integers(1, 12)), n)
        # from independent to a function of a
        b = (a * int(rng.integers(0, 3)) + rng.integers(0, int(rng.integers(1, 9)), n)) % 7
        out.append((a, b))
    return out


def ulps(actual, q, *args, **kw):
    return abs(float(shannon.ulp_error(np.float64(actual), q, *args, **kw)))


def exact_mi(c):
    """I of a contingency matrix of counts, in mpmath at 60 digits: sum c/N log(c N / (a b))."""
    with mpmath.workdps(60):
        c = [[mpmath.mpf(int(x)) for x in row] for row in c]
        n = sum(sum(row) for row in c)
        a = [sum(row) for row in c]
        b = [sum(c[i][j] for i in range(len(c))) for j in range(len(c[0]))]
        return sum(c[i][j] / n * mpmath.log(c[i][j] * n / (a[i] * b[j]))
                   for i in range(len(c)) for j in range(len(c[0])) if c[i][j] > 0)


def exact_entropy(counts):
    with mpmath.workdps(60):
        n = mpmath.mpf(int(sum(counts)))
        return -sum(mpmath.mpf(int(k)) / n * mpmath.log(mpmath.mpf(int(k)) / n) for k in counts if k > 0)


def test_values_against_mpmath():
    """The profile's composition (labels -> counts -> the exact distribution) against mpmath: correctly rounded."""
    for a, b in labellings(11, 25):
        c = cluster.contingency_matrix(a, b)
        assert np.array_equal(ss.contingency_matrix(a, b), c)
        mi = exact_mi(c)
        assert ss.mutual_info_score(a, b) == float(mi) or (c.shape[0] == 1 or c.shape[1] == 1)
        ha = exact_entropy(np.unique(a, return_counts=True)[1])
        hb = exact_entropy(np.unique(b, return_counts=True)[1])
        assert ss.entropy(a) == float(ha)
        if c.shape[0] > 1 and c.shape[1] > 1:
            with mpmath.workdps(60):
                expected = {"arithmetic": mi / ((ha + hb) / 2), "geometric": mi / mpmath.sqrt(ha * hb),
                            "min": mi / min(ha, hb), "max": mi / max(ha, hb)}
            for m in AVERAGES:
                assert ss.normalized_mutual_info_score(a, b, average_method=m) == float(expected[m]), m


def test_scikit_learn_within_its_budget():
    worst = {"mi_abs": 0.0, "mi_dependent": 0.0, "entropy": 0.0, "nmi_abs": 0.0}
    for a, b in labellings(3, 120):
        hx = ss.entropy(a)
        hy = ss.entropy(b)
        scale = hx + hy
        exact = ss.mutual_info_score(a, b)
        theirs = cluster.mutual_info_score(a, b)
        worst["mi_abs"] = max(worst["mi_abs"], abs(theirs - exact) / (EPS * max(scale, 1e-300)))
        if exact > 0.1 * scale:
            worst["mi_dependent"] = max(worst["mi_dependent"], ulps(theirs, ss.mutual_info_score, a, b))
        worst["entropy"] = max(worst["entropy"], ulps(cluster.entropy(a), ss.entropy, a))
        for m in AVERAGES:
            t = cluster.normalized_mutual_info_score(a, b, average_method=m)
            e = ss.normalized_mutual_info_score(a, b, average_method=m)
            # I / avg: the numerator's absolute error over the normalizer (at least min(H) > 0 here)
            worst["nmi_abs"] = max(worst["nmi_abs"], abs(t - e) * min(hx, hy) / (EPS * max(scale, 1e-300))
                                   if min(hx, hy) > 0 else abs(t - e) / EPS)
        assert cluster.v_measure_score(a, b) == pytest.approx(ss.v_measure_score(a, b), rel=1e-12, abs=1e-13)
    print("scikit-learn's worst:", worst)
    assert worst["mi_abs"] <= 8
    assert worst["mi_dependent"] <= 40
    assert worst["entropy"] <= 24
    assert worst["nmi_abs"] <= 16


def test_conventions_exactly():
    cases = [([1, 1, 1], [2, 2, 2]), ([1, 1, 1], [2, 3, 2]), ([], []), ([0, 0, 1, 1], [0, 1, 0, 1]),
             ([0, 0, 1, 2], [0, 0, 1, 1]), (["a", "b", "a"], ["x", "x", "y"]), ([5], [7])]
    for a, b in cases:
        for m in AVERAGES:
            theirs = cluster.normalized_mutual_info_score(a, b, average_method=m)
            mine = ss.normalized_mutual_info_score(a, b, average_method=m)
            if theirs in (0.0, 1.0):
                assert mine == theirs, (a, b, m)
            else:
                assert mine == pytest.approx(theirs, rel=1e-14), (a, b, m)
        if len(a) == 0:
            with pytest.raises(ValueError):
                cluster.mutual_info_score(a, b)
            with pytest.raises(ValueError, match="no samples"):
                ss.mutual_info_score(a, b)
        else:
            assert ss.mutual_info_score(a, b) == pytest.approx(cluster.mutual_info_score(a, b), rel=1e-14, abs=0)
    assert ss.entropy([]) == cluster.entropy([]) == 1.0
    assert ss.entropy([3, 3, 3]) == 0.0
    assert ss.mutual_info_score([0, 0, 1, 1], [0, 1, 0, 1]) == 0.0  # independent: exactly 0
    assert ss.v_measure_score([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0  # a relabelling


def test_contingency_input():
    c = np.array([[3, 1, 0], [2, 5, 4]])
    theirs = cluster.mutual_info_score(None, None, contingency=c)
    assert ss.mutual_info_score(None, None, contingency=c) == float(exact_mi(c))
    assert abs(theirs - ss.mutual_info_score(None, None, contingency=c)) <= 4 * EPS
    # float counts are read as integers, as scikit-learn's check_array with integer dtypes does
    assert ss.mutual_info_score(None, None, contingency=c.astype(np.float64)) == ss.mutual_info_score(
        None, None, contingency=c)
    assert ss.mutual_info_score(None, None, contingency=[[4, 2]]) == 0.0  # one class of labels_true


def test_digits_and_dtype():
    a, b = [0, 0, 1, 1, 2], [0, 1, 1, 1, 0]
    d = ss.mutual_info_score(a, b, digits=40)
    with mpmath.workdps(50):
        assert abs(mpmath.mpf(str(d)) - exact_mi(ss.contingency_matrix(a, b))) < mpmath.mpf(10) ** -39
    assert isinstance(ss.normalized_mutual_info_score(a, b, dtype=np.float32), np.float32)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"labels_true must be 1D"):
        ss.mutual_info_score([[0, 1]], [0, 1])
    with pytest.raises(ValueError, match=r"3 and 2 samples"):
        ss.normalized_mutual_info_score([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match=r"average_method"):
        ss.normalized_mutual_info_score([0, 1], [0, 1], average_method="harmonic")
    with pytest.raises(ValueError, match=r"index \[0, 1\] is -1"):
        ss.mutual_info_score(None, None, contingency=[[1, -1], [2, 3]])
    with pytest.raises(ValueError, match=r"beta"):
        ss.v_measure_score([0, 1], [0, 1], beta=2.0)
    assert math.isfinite(ss.v_measure_score([0, 1], [0, 1]))
