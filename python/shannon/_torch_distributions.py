"""shannon.torch.distributions: the closed-form KL divergences of torch.distributions, exactly.

    import shannon.torch.distributions as D          # for torch.distributions
    D.kl_divergence(D.Normal(loc, scale), D.Normal(loc2, scale2))     # one value per batch element
    D.kl_divergence(torch_p, torch_q)                 # torch.distributions objects are read as they are

Each value is the exact value of the closed form kl.py evaluates for the pair (torch/distributions/kl.py),
correctly rounded to the parameters' dtype (or ``dtype=``; ``digits=N`` for N correct digits;
``.enclose()`` and ``.ulp_error()`` as for every quantity), with PyTorch's conventions: a distribution
given by ``probs`` holds logits computed from probs clamped to [eps, 1 - eps] (eps = the dtype's machine
epsilon, torch's clamp_probs), and those enter the formula; one given by ``logits`` holds the exact
sigmoid/softmax of them (PyTorch rounds these first, and its 1 - probs then loses digits where probs is
near 1: 4,000 eps at logit 20, PyTorch's error, not a convention); kl.py's masks
(+inf where q gives probability 0 to what p does not, 0 where p's term has weight 0; Uniform's and
Binomial's +inf) and IEEE's NaN where the formula meets it unmasked (Poisson with p.rate = 0: 0 * log 0).
The formulas live once, in C++ (include/shannon/profiles/torch_distributions.hpp). Gamma, Beta and
Dirichlet need log Gamma and digamma: the double-double ball has them (the recurrence and Stirling's
series with its remainder enclosed, numbers/ball.hpp; a few microseconds per value), MPFI's (MPFR's
directed roundings, numbers/mpfi.hpp) decide what the ball cannot.

Classes take torch's names, positional order and keywords, and broadcast their parameters as torch's
(broadcast_all); parameters are NumPy arrays, CPU tensors or numbers. ``validate_args`` is accepted and
ignored: parameters are always checked (finite; positive scales, rates and concentrations; probabilities
in [0, 1]; integer total counts), and a bad one is a ValueError naming the distribution, the parameter,
the index and the value. Pairs: Normal, HalfNormal, Bernoulli, Binomial, Geometric, Poisson,
Exponential, Uniform, Laplace, Gamma, Beta, Categorical, OneHotCategorical, Dirichlet, MultivariateNormal
(full covariance, precision or scale_tril) with themselves;
Poisson against Bernoulli or Binomial (+inf, as kl.py); Uniform against Beta (kl.py's formula, with its
NaN where low = 0 or high = 1: pytorch/pytorch#144279). Any other pair is NotImplementedError (torch
has more cross-family pairs: not here yet).
"""

import numpy as np

from . import _core
from ._api import Assembled, _numpy_dtype, finish, floats, one_value, quantity, read_input

__all__ = ["Normal", "HalfNormal", "Bernoulli", "Binomial", "Geometric", "Poisson", "Exponential", "Uniform",
           "Laplace", "Gamma", "Beta", "Categorical", "OneHotCategorical", "Dirichlet", "MultivariateNormal",
           "kl_divergence", "kl_divergence_grad"]


class Distribution:
    """A distribution's parameters as given (NumPy arrays), torch's way: the class's `params` in order."""

    family = None
    params = ()
    rows = False

    def __init__(self, *values, validate_args=None):
        del validate_args  # parameters are always checked
        self._values = {}
        self._dtypes = []
        for name, v in zip(self.params, values):
            if v is None:
                continue
            a, dt = read_input(v)
            self._values[name] = a
            if dt is not None:
                self._dtypes.append(dt)

    @property
    def batch_shape(self):
        shapes = [np.shape(v) for v in self._values.values()]
        if self.rows:
            shapes = [s[:-1] for s in shapes]
        return np.broadcast_shapes(*shapes)

    def core_params(self):
        """The two flat-array slots of the C++ family, and how probabilities are given."""
        return [self._values[p] for p in self.params], "probs"

    def __repr__(self):
        return f"shannon.torch.distributions.{type(self).__name__}({', '.join(self._values)})"


class Normal(Distribution):
    """torch.distributions.Normal(loc, scale)."""
    family, params = "normal", ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        super().__init__(loc, scale, validate_args=validate_args)


class HalfNormal(Distribution):
    """torch.distributions.HalfNormal(scale): KL as Normal(0, scale)'s (kl.py)."""
    family, params = "normal", ("scale",)

    def __init__(self, scale, validate_args=None):
        super().__init__(scale, validate_args=validate_args)

    def core_params(self):
        s = np.asarray(self._values["scale"])
        return [np.zeros(s.shape, dtype=s.dtype if s.dtype.kind == "f" else np.float64), s], "probs"


class Laplace(Distribution):
    """torch.distributions.Laplace(loc, scale)."""
    family, params = "laplace", ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        super().__init__(loc, scale, validate_args=validate_args)


class Uniform(Distribution):
    """torch.distributions.Uniform(low, high)."""
    family, params = "uniform", ("low", "high")

    def __init__(self, low, high, validate_args=None):
        super().__init__(low, high, validate_args=validate_args)


class Gamma(Distribution):
    """torch.distributions.Gamma(concentration, rate)."""
    family, params = "gamma", ("concentration", "rate")

    def __init__(self, concentration, rate, validate_args=None):
        super().__init__(concentration, rate, validate_args=validate_args)


class Beta(Distribution):
    """torch.distributions.Beta(concentration1, concentration0)."""
    family, params = "beta", ("concentration1", "concentration0")

    def __init__(self, concentration1, concentration0, validate_args=None):
        super().__init__(concentration1, concentration0, validate_args=validate_args)


class Poisson(Distribution):
    """torch.distributions.Poisson(rate)."""
    family, params = "poisson", ("rate",)

    def __init__(self, rate, validate_args=None):
        super().__init__(rate, validate_args=validate_args)


class Exponential(Distribution):
    """torch.distributions.Exponential(rate)."""
    family, params = "exponential", ("rate",)

    def __init__(self, rate, validate_args=None):
        super().__init__(rate, validate_args=validate_args)


class _ProbsOrLogits(Distribution):
    """A distribution given by exactly one of probs and logits."""

    def _given(self, probs, logits, validate_args, *before):
        if (probs is None) == (logits is None):
            raise ValueError(f"shannon.torch.distributions.{type(self).__name__}: either `probs` or `logits` must be "
                             "specified, but not both")
        self.given = "probs" if probs is not None else "logits"
        self.params = tuple(p for p in type(self).params if p not in ("probs", "logits")) + (self.given,)
        Distribution.__init__(self, *before, probs if probs is not None else logits, validate_args=validate_args)

    def core_params(self):
        return [self._values[p] for p in self.params], self.given


class Bernoulli(_ProbsOrLogits):
    """torch.distributions.Bernoulli(probs=None, logits=None)."""
    family, params = "bernoulli", ("probs",)

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._given(probs, logits, validate_args)


class Geometric(_ProbsOrLogits):
    """torch.distributions.Geometric(probs=None, logits=None): failures before the first success."""
    family, params = "geometric", ("probs",)

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._given(probs, logits, validate_args)


class Binomial(_ProbsOrLogits):
    """torch.distributions.Binomial(total_count=1, probs=None, logits=None)."""
    family, params = "binomial", ("total_count", "probs")

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        self._given(probs, logits, validate_args, total_count)


class Categorical(_ProbsOrLogits):
    """torch.distributions.Categorical(probs=None, logits=None): the last dimension holds the classes."""
    family, params, rows = "categorical", ("probs",), True

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._given(probs, logits, validate_args)


class OneHotCategorical(Categorical):
    """torch.distributions.OneHotCategorical(probs=None, logits=None): KL as Categorical's (kl.py)."""


class MultivariateNormal(Distribution):
    """torch.distributions.MultivariateNormal(loc, covariance_matrix=None, precision_matrix=None,
    scale_tril=None): exactly one matrix, whose lower triangle is read (as torch's Cholesky reads it);
    it must be positive definite (checked in float64 by NumPy's Cholesky: a matrix within rounding of
    singular may pass, and then its exact value decides), a scale_tril lower triangular with a positive
    diagonal."""
    family, rows = "mvn", True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        given = [(k, v) for k, v in (("covariance_matrix", covariance_matrix), ("precision_matrix", precision_matrix),
                                     ("scale_tril", scale_tril)) if v is not None]
        if len(given) != 1:
            raise ValueError("shannon.torch.distributions.MultivariateNormal: exactly one of covariance_matrix or "
                             "precision_matrix or scale_tril may be specified")
        self.form = given[0][0]
        self.params = ("loc", self.form)
        super().__init__(loc, given[0][1], validate_args=validate_args)

    @property
    def batch_shape(self):
        loc, m = self._values["loc"], self._values[self.form]
        return np.broadcast_shapes(np.shape(loc)[:-1], np.shape(m)[:-2])

    def core_params(self):
        return [self._values["loc"], self._values[self.form]], self.form


class Dirichlet(Distribution):
    """torch.distributions.Dirichlet(concentration): the last dimension holds the classes."""
    family, params, rows = "dirichlet", ("concentration",), True

    def __init__(self, concentration, validate_args=None):
        super().__init__(concentration, validate_args=validate_args)


_CLASSES = {c.__name__: c for c in (Normal, HalfNormal, Laplace, Uniform, Gamma, Beta, Poisson, Exponential,
                                     Bernoulli, Geometric, Binomial, Categorical, OneHotCategorical, Dirichlet,
                                     MultivariateNormal)}


def _from_torch(d):
    """A torch.distributions object as the class of the same name here, read from the parameters torch
    holds (a Categorical's probs or logits as torch normalized them)."""
    name = type(d).__name__
    if name not in _CLASSES or not type(d).__module__.startswith("torch.distributions"):
        raise NotImplementedError(f"shannon.torch.distributions.kl_divergence: no closed form here for {name}")
    cls = _CLASSES[name]
    if name == "OneHotCategorical":
        d = d._categorical
    if cls is MultivariateNormal:
        form = next(f for f in ("scale_tril", "covariance_matrix", "precision_matrix") if f in d.__dict__)
        return cls(d.loc, **{form: d.__dict__[form]})
    if issubclass(cls, _ProbsOrLogits):
        given = _given_of(d)
        extra = [d.total_count] if name == "Binomial" else []
        return cls(*extra, **{given: d.__dict__[given]})
    return cls(*[getattr(d, p) for p in cls.params])


def _given_of(d):
    """Which of probs and logits a torch distribution was given: torch caches the other one in the object
    once it is computed (a lazy_property), so both may be there. Bernoulli, Binomial and Categorical keep
    the given one as _param; for Geometric, logits were given when probs is (still) exactly their sigmoid
    as torch computes it (given probs rarely survive the round trip through the clamped logits bit for
    bit; when they do, the two readings agree)."""
    has = [g for g in ("probs", "logits") if g in d.__dict__]
    if len(has) == 1:
        return has[0]
    param = d.__dict__.get("_param")
    if param is not None:
        return "probs" if param is d.__dict__["probs"] else "logits"
    import torch
    return "logits" if bool(torch.equal(torch.sigmoid(d.logits), d.probs)) else "probs"


def _as_ours(d):
    return d if isinstance(d, Distribution) else _from_torch(d)


def _pair_name(p, q):
    return f"p type {type(p).__name__} and q type {type(q).__name__}"


@quantity
def kl_divergence(req, p, q):
    """torch.distributions.kl_divergence(p, q): the exact KL divergence of each pair of the batch (kl.py's
    closed form with PyTorch's conventions; see the module's docstring), one value per element of the
    broadcast batch shape (a float for a scalar batch)."""
    return _kl(req, p, q, False)


@quantity
def kl_divergence_grad(req, p, q):
    """The exact gradient of kl_divergence(p, q) with respect to each parameter, as autograd differentiates
    kl.py's formula (the clamp of probabilities passes the gradient inside [eps, 1 - eps] only, kl.py's
    masked +inf and 0 have gradient 0, |x| has gradient 0 at 0): a dict {"p.loc": ..., "p.scale": ...,
    "q.loc": ..., "q.scale": ...} keyed by the parameters as given (probs or logits), each value d KL[i] /
    d parameter[i] at the broadcast batch shape, correctly rounded. Where a parameter is broadcast (a
    scalar q against a batch p), torch's .grad is the sum of these over the broadcast elements (a sum
    this function does not round for you). Families: Normal, HalfNormal, Laplace, Exponential, Poisson,
    Uniform, Bernoulli, Geometric, Binomial, Gamma and Beta (trigamma enclosed by its recurrence and
    asymptotic series, include/shannon/numbers/traits.hpp); Categorical and OneHotCategorical ({"p.probs" or
    "p.logits": ..., "q.probs" or "q.logits": ...}, each of shape (batch..., C), through torch's normalization,
    clamp_probs and log, or its logsumexp), Dirichlet ({"p.concentration": ..., "q.concentration": ...}), and
    MultivariateNormal ({"p.loc": (batch..., k), "p.<matrix as given>": (batch..., k, k), "q.loc", "q.<matrix>"}:
    a covariance_matrix's or precision_matrix's gradient symmetric, as torch's Cholesky backward makes it; a
    scale_tril's through kl.py's triangular solves, whose right-hand side p.scale_tril is read whole, so
    its upper triangle has a gradient, and q.scale_tril's only in its lower triangle)."""
    if req.core.mode not in ("round", "digits"):
        raise ValueError("shannon.torch.distributions.kl_divergence_grad: values (dtype=) or digits (digits=) only")
    p, q = _as_ours(p), _as_ours(q)
    raw, shape = _kl(req, p, q, True)
    if type(p) is MultivariateNormal:  # p.loc, p.<matrix>, q.loc, q.<matrix>: (batch..., k) and (batch..., k, k)
        k = np.shape(p.core_params()[0][0])[-1]
        n = int(np.prod(shape))
        sizes = [n * k, n * k * k, n * k, n * k * k]
        values = np.asarray(finish(raw, req, (sum(sizes),)))
        cuts = np.cumsum(sizes)[:-1]
        blocks = np.split(values, cuts)
        names = ["p.loc", f"p.{p.core_params()[1]}", "q.loc", f"q.{q.core_params()[1]}"]
        tails = [(k,), (k, k), (k,), (k, k)]
        return Assembled({name: b.reshape(shape + t) for name, b, t in zip(names, blocks, tails)})
    if p.rows:  # Categorical (probs or logits) and Dirichlet: (batch..., C) for each of p's and q's parameter
        out = finish(raw, req, (2,) + shape)
        return Assembled({f"p.{p.params[-1]}": out[0], f"q.{q.params[-1]}": out[1]})
    batch = () if shape is None else shape
    out = finish(raw, req, (4,) + batch)
    names = [f"p.{n}" for n in p.params] + [f"q.{n}" for n in q.params]
    slots = [1] if type(p) is HalfNormal else [0, 1][:len(p.params)]
    picked = {}
    for k, name in zip([s for s in slots] + [2 + s for s in slots], names):
        picked[name] = out[k] if batch else out[k][()]
    return Assembled(picked)


# The raw result of a core call over an empty batch: no values, all determined, no path taken.
_NO_VALUES = (np.zeros(0), True, dict.fromkeys(("kernel", "ball", "mpfi", "undetermined"), 0), True)


def _kl(req, p, q, grad):
    p, q = _as_ours(p), _as_ours(q)
    fp, fq = type(p), type(q)
    rows_pair = {fp, fq} <= {Categorical, OneHotCategorical} or fp is fq is Dirichlet
    if grad and fp is not fq and not rows_pair:
        raise NotImplementedError(f"shannon.torch.distributions.kl_divergence_grad: no gradient here for "
                                  f"{_pair_name(p, q)} (these families have one: Normal, HalfNormal, Laplace, "
                                  "Exponential, Poisson, Uniform, Bernoulli, Geometric, Binomial, Gamma, Beta, "
                                  "Categorical, OneHotCategorical, Dirichlet, MultivariateNormal)")
    if fp is Poisson and fq in (Bernoulli, Binomial):
        shape = np.broadcast_shapes(p.batch_shape, q.batch_shape)
        core = req.infer(*floats(*p.core_params()[0]))
        if core.mode != "round":
            raise NotImplementedError("shannon.torch.distributions.kl_divergence: Poisson against Bernoulli or "
                                      "Binomial is +inf by definition (kl.py); only its value is given")
        inf = np.full(shape, np.inf, dtype=_numpy_dtype(core.dtype))
        return Assembled(inf if shape != () else inf[()])
    if fp is Uniform and fq is Beta:
        return _uniform_beta(req, p, q)
    if fp is not fq and not {fp, fq} <= {Categorical, OneHotCategorical}:
        raise NotImplementedError(f"shannon.torch.distributions.kl_divergence: no KL(p || q) for {_pair_name(p, q)} "
                                  "(torch has none either, or one that is not a closed form)")
    (pv, pg), (qv, qg) = p.core_params(), q.core_params()
    arrays = floats(*pv, *qv)
    if fp is MultivariateNormal:
        return _mvn(req, arrays, pg, qg, grad)
    core = req.infer(*arrays)
    eps_dtype = "float32" if all(a.dtype == np.float32 for a in arrays) else "float64"
    if p.rows:
        (pa,), (qa,) = arrays[:1], arrays[1:]
        if pa.ndim == 0 or qa.ndim == 0:
            raise ValueError(f"shannon.torch.distributions.kl_divergence: {fp.__name__} needs at least one dimension "
                             "(the classes)")
        if pa.shape[-1] != qa.shape[-1]:
            raise ValueError(f"shannon.torch.distributions.kl_divergence: p has {pa.shape[-1]} classes, q "
                             f"{qa.shape[-1]}")
        shape = np.broadcast_shapes(pa.shape[:-1], qa.shape[:-1])
        c = pa.shape[-1]
        pr, qr = (np.ascontiguousarray(np.broadcast_to(a, shape + (c,)), dtype=np.float64).reshape(-1, c)
                  for a in (pa, qa))
        if grad:
            if pr.shape[0] == 0:
                return _NO_VALUES, shape + (c,)
            return _core.torch_distribution_kl_rows(core, p.family, pr, qr, pg, qg, eps_dtype, True), shape + (c,)
        if pr.shape[0] == 0:
            return Assembled(np.zeros(shape))
        raw = _core.torch_distribution_kl_rows(core, p.family, pr, qr, pg, qg, eps_dtype)
        return (one_value(raw), None) if shape == () else (raw, shape)
    if fp is Binomial:
        n_p, n_q = (np.asarray(a, dtype=np.float64) for a in (arrays[0], arrays[len(pv)]))
        if np.any(np.broadcast_to(n_p, np.broadcast_shapes(n_p.shape, n_q.shape)) < n_q):
            raise NotImplementedError("shannon.torch.distributions.kl_divergence: KL between Binomials where "
                                      "q.total_count > p.total_count is not implemented (as in torch)")
    b = np.broadcast_arrays(*arrays)
    shape = b[0].shape
    flat = [np.ascontiguousarray(a, dtype=np.float64).ravel() for a in b]
    if len(pv) == 1:
        flat = [flat[0], flat[0], flat[1], flat[1]]
    if flat[0].size == 0:
        if grad:
            return _NO_VALUES, shape
        return Assembled(np.zeros(shape))
    raw = _core.torch_distribution_kl(core, p.family, *flat, pg, qg, eps_dtype, grad)
    if grad:
        return raw, shape
    return (one_value(raw), None) if shape == () else (raw, shape)


def _uniform_beta(req, p, q):
    """kl.py's _kl_uniform_beta, exactly: NaN where low = 0 or high = 1 (its x log x at 0 is 0 * -inf; the
    limit is finite: pytorch/pytorch#144279), +inf where p's support leaves [0, 1]."""
    (pv, _), (qv, _) = p.core_params(), q.core_params()
    arrays = floats(*pv, *qv)
    core = req.infer(*arrays)
    b = np.broadcast_arrays(*arrays)
    shape = b[0].shape
    flat = [np.ascontiguousarray(a, dtype=np.float64).ravel() for a in b]
    if flat[0].size == 0:
        return Assembled(np.zeros(shape))
    raw = _core.torch_distribution_kl(core, "uniform", *flat, "probs", "probs", "float64", False, "beta")
    return (one_value(raw), None) if shape == () else (raw, shape)


def _check_matrices(which, form, m):
    """torch's constraints on a MultivariateNormal's matrices (..., k, k): finite; positive definite
    (NumPy's Cholesky of the lower triangle, symmetrized); a scale_tril lower triangular with a positive
    diagonal. The message names the batch index and the matrix."""
    fn = "shannon.torch.distributions.kl_divergence"
    flat = m.reshape(-1, m.shape[-2], m.shape[-1])
    for i, a in enumerate(flat):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{fn}: argument '{which}.{form}' at batch index {i} has a non-finite entry: {a.tolist()}")
        if form == "scale_tril":
            if np.any(np.triu(a, 1) != 0) or np.any(np.diag(a) <= 0):
                raise ValueError(f"{fn}: argument '{which}.scale_tril' at batch index {i} is {a.tolist()}: it must be "
                                 "lower triangular with a positive diagonal")
            continue
        low = np.tril(a)
        try:
            np.linalg.cholesky(low + np.tril(a, -1).T)
        except np.linalg.LinAlgError:
            raise ValueError(f"{fn}: argument '{which}.{form}' at batch index {i} is {a.tolist()}: it must be "
                             "positive definite") from None


def _mvn(req, arrays, pg, qg, grad=False):
    pl, pm, ql, qm = arrays
    fn = "shannon.torch.distributions.kl_divergence"
    if pl.ndim == 0 or ql.ndim == 0 or pm.ndim < 2 or qm.ndim < 2:
        raise ValueError(f"{fn}: a MultivariateNormal needs loc (..., k) and a matrix (..., k, k)")
    k = pl.shape[-1]
    if ql.shape[-1] != k or pm.shape[-2:] != (k, k) or qm.shape[-2:] != (k, k):
        raise ValueError(f"{fn}: KL-divergence between two Multivariate Normals with different event shapes: "
                         f"loc {pl.shape} and {ql.shape}, matrices {pm.shape} and {qm.shape}")
    _check_matrices("p", pg, pm)
    _check_matrices("q", qg, qm)
    for which, loc in (("p", pl), ("q", ql)):
        if not np.all(np.isfinite(loc)):
            raise ValueError(f"{fn}: argument '{which}.loc' has a non-finite entry")
    shape = np.broadcast_shapes(pl.shape[:-1], pm.shape[:-2], ql.shape[:-1], qm.shape[:-2])
    core = req.infer(*arrays)

    def flat(a, tail):
        return np.ascontiguousarray(np.broadcast_to(a, shape + tail), dtype=np.float64).reshape(-1, int(np.prod(tail)))
    if int(np.prod(shape)) == 0:
        if grad:
            return _NO_VALUES, shape
        return Assembled(np.zeros(shape))
    raw = _core.torch_distribution_kl_mvn(core, pg, qg, flat(pl, (k,)), flat(pm, (k, k)), flat(ql, (k,)),
                                          flat(qm, (k, k)), grad)
    if grad:
        return raw, shape
    return (one_value(raw), None) if shape == () else (raw, shape)
