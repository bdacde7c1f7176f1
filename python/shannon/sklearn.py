"""scikit-learn's information measures of two clusterings (sklearn.metrics.cluster), exactly.

shannon.sklearn.mutual_info_score(labels_true, labels_pred) and friends take what scikit-learn's take (two
label arrays of one dimension and the same length, or a contingency matrix of counts) and return the
exact value of what it defines, correctly rounded to float64 (or digits=, dtype=, as every function of
the package), with its conventions: natural logarithms; the labels' joint distribution is the
contingency matrix divided by the number of samples; a labelling with one class has no entropy and no
information with the other (mutual information 0); the normalized mutual information is 1 when both
labellings have a single class (or there are no samples), 0 when the mutual information is 0, else
I / average(H(true), H(pred)) with average_method "arithmetic" (its default), "geometric", "min" or
"max"; entropy([]) is 1.0, as scikit-learn's, and the mutual information of no samples a ValueError.

The formulas are the core's (shannon.mutual_information, shannon.normalized_mutual_information,
shannon.entropy with normalization="normalize": the counts divided by their sum exactly). scikit-learn
itself is not needed.

One difference, by design: scikit-learn sets each term p log(p / (p_x p_y)) of the mutual information
whose computed magnitude is below 2^-52 to 0 (a filter of rounding noise) before clipping the sum at 0.
For fewer than 2^17 samples an exact term is 0 or at least 2^-52 in magnitude (|c N - a b| >= 1 for
the counts, so |term| >= 1 / (2 N^3)), so the quantity filtered is the exact one given here; for more,
terms of magnitude below 2^-52 (at most one per cell) are dropped there and kept here.
"""

import numpy as np

from . import _core
from ._api import quantity

__all__ = ["contingency_matrix", "entropy", "mutual_info_score", "normalized_mutual_info_score", "v_measure_score"]

_AVERAGES = ("min", "geometric", "arithmetic", "max")


def _labels(name, labels_true, labels_pred):
    """The two labellings as 1-D arrays of the same length (scikit-learn's check_clusterings)."""
    t = np.asarray(labels_true)
    p = np.asarray(labels_pred)
    if t.ndim != 1:
        raise ValueError(f"shannon.sklearn.{name}: labels_true must be 1D: shape is {t.shape}")
    if p.ndim != 1:
        raise ValueError(f"shannon.sklearn.{name}: labels_pred must be 1D: shape is {p.shape}")
    if len(t) != len(p):
        raise ValueError(f"shannon.sklearn.{name}: labels_true and labels_pred have {len(t)} and {len(p)} samples")
    return t, p


def _counts(name, labels_true, labels_pred):
    t, p = _labels(name, labels_true, labels_pred)
    classes, ci = np.unique(t, return_inverse=True)
    clusters, kj = np.unique(p, return_inverse=True)
    n_k = len(clusters)
    c = np.bincount(ci.ravel() * n_k + kj.ravel(), minlength=len(classes) * n_k)
    return c.reshape(len(classes), n_k).astype(np.int64, copy=False)


def contingency_matrix(labels_true, labels_pred):
    """scikit-learn's contingency_matrix (dense): C[i, j] the number of samples in class i of labels_true
    and class j of labels_pred, the classes in sorted order (np.unique's); int64."""
    return _counts("contingency_matrix", labels_true, labels_pred)


def _table_of(name, contingency):
    """A contingency matrix as scikit-learn reads it (check_array with integer dtypes: float counts are
    converted to integers) and as the oracle takes it (float64: exact below 2^53)."""
    c = np.asarray(contingency.toarray() if hasattr(contingency, "toarray") else contingency)
    if c.ndim != 2:
        raise ValueError(f"shannon.sklearn.{name}: contingency must be a 2-D matrix, not of shape {c.shape}")
    if c.dtype.kind == "f" and not np.all(np.isfinite(c)):
        bad = np.argwhere(~np.isfinite(c))[0]
        raise ValueError(f"shannon.sklearn.{name}: contingency at index {list(map(int, bad))} is {c[tuple(bad)]}")
    c = c.astype(np.int64)
    if np.any(c < 0):
        bad = np.argwhere(c < 0)[0]
        raise ValueError(f"shannon.sklearn.{name}: contingency at index {list(map(int, bad))} is {c[tuple(bad)]}: "
                         "a count must be >= 0")
    if c.size and int(c.sum()) >= 2 ** 53:
        raise ValueError(f"shannon.sklearn.{name}: {int(c.sum())} samples: counts above 2^53 are not exact in float64")
    return c


def _zero(req):
    """The exact 0 as the request's result (every mode)."""
    r = req.infer()
    return _core.entropy(r, np.array([1.0]), "nats", "check", 0.0, "mean"), None


def _one(req):
    """The exact 1 as the request's result: the perplexity of a single outcome."""
    r = req.infer()
    return _core.perplexity(r, np.array([1.0]), "nats", "check", 0.0, "mean"), None


@quantity
def entropy(req, labels):
    """scikit-learn's entropy(labels): -sum p log p (nats) of the labels' frequencies; 0 for one class, 1.0
    for no labels (scikit-learn's value)."""
    a = np.asarray(labels)
    if a.ndim != 1:
        raise ValueError(f"shannon.sklearn.entropy: labels must be 1D: shape is {a.shape}")
    if len(a) == 0:
        return _one(req)
    counts = np.unique(a, return_counts=True)[1].astype(np.float64)
    return _core.entropy(req.infer(), counts, "nats", "normalize", 0.0, "mean"), None


def _mi(req, c):
    if c.shape[0] == 1 or c.shape[1] == 1:
        return _zero(req)  # one class on a side: no information (scikit-learn's 0.0)
    if c.sum() == 0:
        raise ValueError("shannon.sklearn.mutual_info_score: no samples (scikit-learn raises a ValueError too)")
    return _core.mutual_information(req.infer(), np.ascontiguousarray(c, dtype=np.float64), "nats", "normalize",
                                    0.0, -1, "arithmetic"), None


@quantity
def mutual_info_score(req, labels_true, labels_pred, *, contingency=None):
    """scikit-learn's mutual_info_score: I(true; pred) in nats of the labels' joint frequencies, or of
    `contingency` (a matrix of counts; the labels are then not read, as scikit-learn's); 0 where a side
    has one class."""
    if contingency is None:
        c = _counts("mutual_info_score", labels_true, labels_pred)
    else:
        c = _table_of("mutual_info_score", contingency)
    return _mi(req, c)


def _nmi(name, req, labels_true, labels_pred, average_method):
    if average_method not in _AVERAGES:
        raise ValueError(f"shannon.sklearn.{name}: average_method must be 'min', 'geometric', 'arithmetic' or 'max', "
                         f"not {average_method!r}")
    c = _counts(name, labels_true, labels_pred)
    if (c.shape[0] == c.shape[1] == 1) or (c.shape[0] == c.shape[1] == 0):
        return _one(req)  # both unsplit (or no samples): a perfect match
    if c.shape[0] <= 1 or c.shape[1] <= 1:
        return _zero(req)  # one side unsplit: I = 0
    return _core.normalized_mutual_information(req.infer(), np.ascontiguousarray(c, dtype=np.float64), "nats",
                                               "normalize", 0.0, -1, average_method), None


@quantity
def normalized_mutual_info_score(req, labels_true, labels_pred, *, average_method="arithmetic"):
    """scikit-learn's normalized_mutual_info_score: I / average(H(true), H(pred)), average_method
    "arithmetic" (default), "geometric", "min" or "max"; 1 when neither labelling is split, 0 when the
    mutual information is 0 (one of them unsplit, or independent labels)."""
    return _nmi("normalized_mutual_info_score", req, labels_true, labels_pred, average_method)


@quantity
def v_measure_score(req, labels_true, labels_pred, *, beta=1.0):
    """scikit-learn's v_measure_score for beta = 1 (the harmonic mean of homogeneity and completeness:
    the arithmetic normalized mutual information, as scikit-learn documents). Other betas weight the two
    entropies unequally, a normalization the core does not have: they raise."""
    if beta != 1.0:
        raise ValueError(f"shannon.sklearn.v_measure_score: beta={beta!r}: only beta=1 (the arithmetic normalized "
                         "mutual information) is computed exactly")
    return _nmi("v_measure_score", req, labels_true, labels_pred, "arithmetic")

