"""shannon.torch.distributions: the closed-form KL divergences of torch.distributions, exactly.

    import shannon.torch.distributions as D          # for torch.distributions
    D.kl_divergence(D.Normal(loc, scale), D.Normal(loc2, scale2))     # one value per batch element
    D.kl_divergence(torch_p, torch_q)                 # torch.distributions objects are read as they are

Each value is the exact value of the closed form kl.py evaluates for the pair (torch/distributions/kl.py),
correctly rounded to the parameters' dtype (or ``dtype=``; ``digits=N`` for N correct digits;
``.enclose()`` and ``.ulp_error()`` as for every quantity), with PyTorch's conventions: a distribution
given by ``probs`` holds logits computed from probs clamped to [eps, 1 - eps] (eps = the dtype's machine
epsilon, torch's clamp_probs), and those enter the formula; one given by ``logits`` holds the exact
sigmoid/softmax of them (PyTorch rounds these, which matters only where they underflow); kl.py's masks
(+inf where q gives probability 0 to what p does not, 0 where p's term has weight 0; Uniform's and
Binomial's +inf) and IEEE's NaN where the formula meets it unmasked (Poisson with p.rate = 0: 0 * log 0).
The formulas live once, in C++ (include/shannon/profiles/torch_distributions.hpp). Gamma, Beta and
Dirichlet need log Gamma and digamma: enclosed by MPFR's directed roundings (numbers/mpfi.hpp), so those
families take the MPFI path (tens of microseconds per value) rather than the double-double one.

Classes take torch's names, positional order and keywords, and broadcast their parameters as torch's
(broadcast_all); parameters are NumPy arrays, CPU tensors or numbers. ``validate_args`` is accepted and
ignored: parameters are always checked (finite; positive scales, rates and concentrations; probabilities
in [0, 1]; integer total counts), and a bad one is a ValueError naming the distribution, the parameter,
the index and the value. Pairs: Normal, HalfNormal, Bernoulli, Binomial, Geometric, Poisson,
Exponential, Uniform, Laplace, Gamma, Beta, Categorical, OneHotCategorical, Dirichlet with themselves;
Poisson against Bernoulli or Binomial (+inf, as kl.py). Any other pair is NotImplementedError, as in
torch.
"""

import numpy as np

from . import _core
from ._api import Assembled, _numpy_dtype, floats, one_value, quantity, read_input

__all__ = ["Normal", "HalfNormal", "Bernoulli", "Binomial", "Geometric", "Poisson", "Exponential", "Uniform",
           "Laplace", "Gamma", "Beta", "Categorical", "OneHotCategorical", "Dirichlet", "kl_divergence"]


def _param(x):
    a, name = read_input(x)
    return a, name


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
            a, dt = _param(v)
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


class Dirichlet(Distribution):
    """torch.distributions.Dirichlet(concentration): the last dimension holds the classes."""
    family, params, rows = "dirichlet", ("concentration",), True

    def __init__(self, concentration, validate_args=None):
        super().__init__(concentration, validate_args=validate_args)


_CLASSES = {c.__name__: c for c in (Normal, HalfNormal, Laplace, Uniform, Gamma, Beta, Poisson, Exponential,
                                     Bernoulli, Geometric, Binomial, Categorical, OneHotCategorical, Dirichlet)}


def _from_torch(d):
    """A torch.distributions object as the class of the same name here, read from the parameters torch
    holds (a Categorical's probs or logits as torch normalized them)."""
    name = type(d).__name__
    if name not in _CLASSES or not type(d).__module__.startswith("torch.distributions"):
        raise NotImplementedError(f"shannon.torch.distributions.kl_divergence: no closed form here for {name}")
    cls = _CLASSES[name]
    if name == "OneHotCategorical":
        d = d._categorical
    if issubclass(cls, _ProbsOrLogits):
        given = "probs" if "probs" in d.__dict__ else "logits"
        extra = [d.total_count] if name == "Binomial" else []
        return cls(*extra, **{given: d.__dict__[given]})
    return cls(*[getattr(d, p) for p in cls.params])


def _as_ours(d):
    return d if isinstance(d, Distribution) else _from_torch(d)


def _pair_name(p, q):
    return f"p type {type(p).__name__} and q type {type(q).__name__}"


@quantity
def kl_divergence(req, p, q):
    """torch.distributions.kl_divergence(p, q): the exact KL divergence of each pair of the batch (kl.py's
    closed form with PyTorch's conventions; see the module's docstring), one value per element of the
    broadcast batch shape (a float for a scalar batch)."""
    p, q = _as_ours(p), _as_ours(q)
    fp, fq = type(p), type(q)
    if fp is Poisson and fq in (Bernoulli, Binomial):
        shape = np.broadcast_shapes(p.batch_shape, q.batch_shape)
        core = req.infer(*floats(*p.core_params()[0]))
        if core.mode != "round":
            raise NotImplementedError("shannon.torch.distributions.kl_divergence: Poisson against Bernoulli or "
                                      "Binomial is +inf by definition (kl.py); only its value is given")
        inf = np.full(shape, np.inf, dtype=_numpy_dtype(core.dtype))
        return Assembled(inf if shape != () else inf[()])
    if fp is not fq and not {fp, fq} <= {Categorical, OneHotCategorical}:
        raise NotImplementedError(f"shannon.torch.distributions.kl_divergence: no KL(p || q) for {_pair_name(p, q)} "
                                  "(torch has none either, or one that is not a closed form)")
    (pv, pg), (qv, qg) = p.core_params(), q.core_params()
    arrays = floats(*pv, *qv)
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
        return Assembled(np.zeros(shape))
    raw = _core.torch_distribution_kl(core, p.family, *flat, pg, qg, eps_dtype)
    return (one_value(raw), None) if shape == () else (raw, shape)
