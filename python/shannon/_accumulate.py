"""shannon.Accumulator: the exact value of a sum over data seen in parts (chunks, files, workers).

Each ``update(chunk...)`` encloses the chunk's exact value with the oracle and adds the ends of the
enclosure exactly (shannon::exact::accumulator, include/shannon/exact/accumulator.hpp); a mean also
adds its denominator exactly (the number of samples, or PyTorch's sum of the weights of the
targets). States merge in any order and any tree, travel as versioned bytes, and give the correctly
rounded value of the whole: the same bits for every split that decides it.

A quantity joins by one entry in SUMS below: how a chunk's part is computed (the quantity itself
with the options that make it the chunk's sum) and which exact sums it keeps.
"""

import fractions
import hashlib
import math

import numpy as np

from . import _core
from ._api import Request, as_array, base_name, dtype_name, indices, read_input

def _weights_digest(w):
    """How a state's name records a weight array: by a digest of its values and shape (None stays None)."""
    if w is None:
        return None
    a = np.ascontiguousarray(as_array(w, np.float64))
    return "sha256:" + hashlib.sha256(a.tobytes() + str(a.shape).encode()).hexdigest()[:16]


class _Spec:
    """How one quantity is accumulated.

    part_options(opts): the options of the call that gives a chunk's sum; sums(opts): how many
    exact sums are kept; add_sums(acc, opts, *chunk): adds the chunk's exact sums; mean(opts):
    whether the value is sum / (exact sum 0); check(acc, opts): raises when the whole is invalid
    (a distribution that does not sum to 1, or whose mass is 0)."""

    def __init__(self, part_options, sums=lambda o: 0, add_sums=None, mean=lambda o: False, check=None, defaults=None,
                 part=None, per_sample=(), empty_mean=None, form=None, arity=None, flatten=None):
        # the quantity of shannon that gives a chunk's part (a name, or a function of the options), when
        # not the accumulated one itself
        self.part = part
        # form(opts): how the core forms the value ("sum", "mean" or ("normalized", plus, minus, base));
        # by default "mean" when mean(opts), else "sum"
        self.form = form or (lambda o: "mean" if mean(o) else "sum")
        # arity: the option recording how many arrays a chunk has, when the first chunk decides it
        # (scipy.stats.entropy: pk, or pk and qk)
        self.arity = arity
        # flatten(opts): whether chunks are flattened (else a measure's chunk must be 1-D)
        self.flatten = flatten
        self.per_sample = per_sample  # keyword arrays given with each chunk (Keras' sample_weight)
        self.empty_mean = empty_mean  # the value of a mean over nothing, when not NaN (Keras: 0)
        self.part_options = part_options
        self.sums = sums
        self.add_sums = add_sums
        self.check = check
        self.defaults = defaults or {}


def _add_count(acc, n):
    """Adds the count n (an integer below 2^53, so exact as a double) to the denominator, sum 0."""
    acc.add_exact(0, np.array([float(n)]))


def _exact_fraction(acc, i):
    m, e = acc.exact_sum(i)
    return fractions.Fraction(m) * (fractions.Fraction(2) ** e)


_BASES = {"nats": 0.0, "bits": 2.0, "bans": 10.0}


def _masses(acc, o, *chunk):
    """Adds the exact masses of the chunk's distributions (p to sum 0, q to sum 1)."""
    for i, x in enumerate(chunk[:acc.sums]):
        acc.add_exact(i, np.ascontiguousarray(as_array(x, np.float64)).ravel())


def _positive_masses(name, names):
    """The normalized value's check: each mass > 0 (finite: a sum of finite doubles)."""
    def check(acc, o):
        for i, arg in enumerate(names[:acc.sums]):
            if _exact_fraction(acc, i) <= 0:
                raise ValueError(f"shannon.{name}: argument '{arg}' sums to 0 over all {acc.parts} parts: "
                                 "normalization needs a positive, finite sum")
    return check


def _normalized_form(arrays, base):
    """The core's form of the normalized value: entropy S/P + log P, cross-entropy S/P + log Q, KL
    S/P + log(Q/P) (S in nats), divided by log(base) (0: e)."""
    return ("normalized", 0, -1, base) if arrays == 1 else ("normalized", 1, 0 if arrays == 3 else -1, base)


def _measure_spec(name, arrays):
    """entropy(p), cross_entropy(p, q), kl_divergence(p, q): the chunk's terms without the
    normalization, and the exact masses of p (and q) to check it on the whole ('check') or to
    normalize the whole ('normalize': the terms in nats, the value formed from the masses)."""
    kind = {"entropy": 1, "cross_entropy": 2, "kl_divergence": 3}[name]

    def part_options(o):
        if o["normalization"] == "normalize":
            base_name(o["base"])
            return {"base": "nats", "normalization": "unnormalized"}
        return {"base": o["base"], "normalization": "unnormalized"}

    def form(o):
        if o["normalization"] == "normalize":
            return _normalized_form(kind, _BASES[base_name(o["base"])])
        return "sum"

    positive = _positive_masses(name, "pq")

    def check(acc, o):
        if o["normalization"] == "normalize":
            positive(acc, o)
        if o["normalization"] != "check":
            return
        tol = fractions.Fraction(o["sum_tolerance"])
        for i, arg in enumerate("pq"[:arrays]):
            s = _exact_fraction(acc, i)
            if abs(s - 1) > tol:
                raise ValueError(f"shannon.{name}: argument '{arg}' sums to {float(s)!r} (|sum - 1| = {float(abs(s - 1))!r}) "
                                 f"over all {acc.parts} parts, not 1 within sum_tolerance {o['sum_tolerance']!r} "
                                 "(normalization='unnormalized' takes it as it is)")

    return _Spec(part_options, sums=lambda o: arrays if o["normalization"] in ("check", "normalize") else 0,
                 add_sums=lambda acc, o, *c: _masses(acc, o, *c) if o["normalization"] != "unnormalized" else None,
                 form=form, check=check, defaults={"base": "nats", "normalization": "check", "sum_tolerance": 1e-6})


def _scipy_entropy():
    """scipy.stats.entropy(pk[, qk], base): pk (and qk) normalized over the whole, in nats divided by
    log(base). Chunks are 1-D slices of the distribution (axis 0), or any shape with axis=None
    (flattened); the first chunk decides whether qk is given (the option qk=True/False records it)."""
    def base_of(o):
        b = o["base"]
        if b is None:
            return 0.0
        b = float(b)
        if not (math.isfinite(b) and b > 0 and b != 1):
            raise ValueError(f"shannon.Accumulator(shannon.scipy.stats.entropy): base must be a finite number > 0 other "
                             f"than 1, not {o['base']!r}")
        return b

    def part_options(o):
        base_of(o)
        if o["axis"] not in (0, -1, None):
            raise ValueError("shannon.Accumulator(shannon.scipy.stats.entropy): accumulates one distribution, chunked "
                             f"along it: axis 0 with 1-D chunks, or axis=None (flattened), not axis={o['axis']!r}")
        return {"base": "nats", "normalization": "unnormalized"}

    return _Spec(part_options, sums=lambda o: 2 if o["qk"] else 1, add_sums=_masses,
                 form=lambda o: _normalized_form(3 if o["qk"] else 1, base_of(o)),
                 check=_positive_masses("scipy.stats.entropy", ("pk", "qk")),
                 part=lambda o: "kl_divergence" if o["qk"] else "entropy", arity="qk",
                 flatten=lambda o: o["axis"] is None)


def _torch_class_denominator(acc, o, input, target):
    """PyTorch's mean over class indices: sum of w[y_n] over the targets not ignored (1 per target
    without weights); over probabilities: the number of samples."""
    x = as_array(input)
    t = as_array(target, real=False)
    if t.dtype.kind in "iub":
        t = indices(t).ravel()
        t = t[t != o["ignore_index"]]
        if o["weight"] is None:
            _add_count(acc, t.size)
        else:
            w = as_array(o["weight"], np.float64).ravel()
            if t.size and (t.min() < 0 or t.max() >= w.size):
                return  # the part's evaluation has already refused it, naming the index
            acc.add_exact(0, w[t])
    else:
        n = 1 if x.ndim <= 1 else x.shape[0] * int(np.prod(x.shape[2:], dtype=np.int64))
        _add_count(acc, n)


def _reduction_of(o):
    """The reduction the options ask for (PyTorch's legacy size_average= and reduce= included)."""
    if o.get("size_average") is None and o.get("reduce") is None:
        return o["reduction"]
    from .torch import _legacy_reduction

    return _legacy_reduction(o.get("size_average"), o.get("reduce"), o["reduction"])


def _reduced(denominator, means=("mean",), sums=("sum",), **spec):
    """A reduced loss: the chunk's part is its 'sum'; a mean divides by the exact denominator."""
    def part_options(o):
        r = _reduction_of(o)
        if r not in means + sums:
            raise ValueError(f"shannon.Accumulator: reduction must be one of {', '.join(means + sums)} (a sum over the "
                             f"samples), not {r!r}")
        return {k: v for k, v in o.items() if k not in ("reduction", "size_average", "reduce")} | {"reduction": "sum"}

    return _Spec(part_options, sums=lambda o: 1 if _reduction_of(o) in means else 0,
                 add_sums=lambda acc, o, *c: denominator(acc, o, *c) if _reduction_of(o) in means else None,
                 mean=lambda o: _reduction_of(o) in means, **spec)


def _keras_rows(acc, o, y_true, y_pred):
    """Keras' sum_over_batch_size: the number of samples (y_pred without its class axis), those whose
    class is ignore_class left out (sparse_categorical_crossentropy)."""
    p = as_array(y_pred)
    n = p.size // p.shape[o.get("axis", -1)] if p.ndim else 1
    if o.get("ignore_class") is not None:
        t = indices(y_true)
        n = int(np.count_nonzero(t != o["ignore_class"]))
    _add_count(acc, n)


def _keras():
    return _reduced(_keras_rows, means=("sum_over_batch_size", "mean"), per_sample=("sample_weight",), empty_mean=0.0,
                    defaults={"reduction": "sum_over_batch_size"})


def _numel(acc, o, input, *rest):
    _add_count(acc, as_array(input).size)


def _rows_of(which):
    """The number of rows (samples) of argument `which`: its first dimension (1 for a single row)."""
    def count(acc, o, *chunk):
        x = as_array(chunk[which], real=False)
        _add_count(acc, x.shape[0] if x.ndim > 1 else 1)
    return count


def _plain():
    return _Spec(lambda o: dict(o))


def _batch(acc, o, input, *rest):
    x = as_array(input)
    n = x.shape[0] if x.ndim else 1
    _add_count(acc, n if _reduction_of(o) == "batchmean" else x.size)


SUMS = {
    "shannon.entropy": _measure_spec("entropy", 1),
    "shannon.cross_entropy": _measure_spec("cross_entropy", 2),
    "shannon.kl_divergence": _measure_spec("kl_divergence", 2),
    "shannon.scipy.entropy": _scipy_entropy(),
    "shannon.generalized_kl_divergence": _Spec(lambda o: dict(o), defaults={"base": "nats"}),
    "shannon.binary_cross_entropy": _reduced(_numel),
    "shannon.binary_cross_entropy_with_logits": _reduced(_numel),
    "shannon.categorical_cross_entropy": _reduced(_rows_of(1)),
    "shannon.categorical_cross_entropy_with_logits": _reduced(_rows_of(1)),
    "shannon.multilabel_binary_cross_entropy": _reduced(_rows_of(0)),
    "shannon.multilabel_binary_cross_entropy_with_logits": _reduced(_rows_of(0)),
    "shannon.bernoulli_log_likelihood": _plain(),
    "shannon.bernoulli_nll": _plain(),
    "shannon.categorical_log_likelihood": _plain(),
    "shannon.categorical_nll": _plain(),
    "shannon.gaussian_nll": _plain(),
    "shannon.gaussian_log_likelihood": _plain(),
    "shannon.sum_squared_error": _plain(),
    "shannon.mean_squared_error": _Spec(lambda o: dict(o), sums=lambda o: 1, add_sums=_numel, mean=lambda o: True,
                                        part="sum_squared_error"),
    "shannon.torch.cross_entropy": _reduced(_torch_class_denominator),
    "shannon.torch.nll_loss": _reduced(_torch_class_denominator),
    "shannon.torch.binary_cross_entropy": _reduced(_numel),
    "shannon.torch.binary_cross_entropy_with_logits": _reduced(_numel),
    "shannon.torch.mse_loss": _reduced(_numel),
    "shannon.torch.kl_div": _reduced(_batch, means=("mean", "batchmean")),
    "shannon.keras.binary_crossentropy": _keras(),
    "shannon.keras.categorical_crossentropy": _keras(),
    "shannon.keras.sparse_categorical_crossentropy": _keras(),
    "shannon.keras.kl_divergence": _keras(),
    "shannon.keras.binary_focal_crossentropy": _keras(),
    "shannon.keras.categorical_focal_crossentropy": _keras(),
    "shannon.torch.gaussian_nll_loss": _reduced(_numel),
    "shannon.torch.poisson_nll_loss": _reduced(_numel),
    "shannon.torch.multilabel_soft_margin_loss": _reduced(_rows_of(0)),
}


def _qualified(q):
    return f"{q.__module__}.{q.__name__}"


def _defaults(q):
    import inspect

    sig = inspect.signature(q.__wrapped__)
    return {k: p.default for k, p in sig.parameters.items()
            if p.default is not inspect.Parameter.empty and not k.startswith("_")}


class Accumulator:
    """The exact value of a sum seen in parts: ``Accumulator(shannon.kl_divergence)``,
    ``Accumulator(shannon.torch.cross_entropy, weight=w, ignore_index=0, label_smoothing=0.1)``, ...
    (the quantity's options as keywords; ``bits=0`` encloses each part on the oracle's fast paths,
    ``bits=N`` at N bits).

    ``update(*chunk)`` adds a chunk (the quantity's array arguments for some of the samples: rows of
    a batch, a slice of a distribution), ``merge(other)`` another accumulator's, ``to_bytes()`` /
    ``Accumulator.from_bytes(b)`` serialize it (versioned and checked: a corrupted or foreign state
    is a ValueError), ``result(dtype=..., digits=...)`` gives the whole's value correctly rounded (or
    N correct digits), as the quantity would on the concatenated data. When the parts' enclosures
    are too wide to decide it, result() raises ArithmeticError: accumulate again with more bits.
    """

    def __init__(self, quantity, *, bits=0, **options):
        name = _qualified(quantity)
        if name not in SUMS:
            raise ValueError(f"shannon.Accumulator: {name} is not a sum over its data (accumulated: {', '.join(SUMS)})")
        spec = SUMS[name]
        opts = {k: v for k, v in (_defaults(quantity) | spec.defaults).items() if k not in spec.per_sample}
        given = set(options) & set(spec.per_sample)
        if given:
            raise TypeError(f"shannon.Accumulator({name}): {', '.join(sorted(given))} goes with each chunk: "
                            "pass it to update()")
        unknown = set(options) - set(opts)
        if unknown:
            raise TypeError(f"shannon.Accumulator({name}): unknown option(s) {', '.join(sorted(unknown))}")
        opts.update(options)
        spec.part_options(opts)  # refuses what cannot be accumulated, now rather than at the first chunk
        self._name, self._quantity, self._spec, self._opts, self._bits = name, quantity, spec, opts, int(bits)
        self._core = None
        if spec.arity is None or opts.get(spec.arity) is not None:
            self._start()

    def _start(self):
        """Makes the state, once the options are all known. The options define the value: they are part of
        the state's name, so states of different options do not merge (and a state says what it is the
        sum of)."""
        opts, spec = self._opts, self._spec
        shown = ", ".join(f"{k}={_weights_digest(v) if k in ('weight', 'pos_weight') else v!r}" for k, v in sorted(opts.items()))
        form = spec.form(opts)
        how, plus, minus, base = (form, -1, -1, 0.0) if isinstance(form, str) else form
        self._core = _core.Accumulator(f"{self._name}({shown})", how, spec.sums(opts), self._bits, plus, minus, base)

    def _started(self, what):
        if self._core is None:
            raise ValueError(f"shannon.Accumulator.{what}: nothing added yet, and the first chunk decides the state's form "
                             f"(pass {self._spec.arity}=True or False to decide it now)")
        return self._core

    @property
    def name(self):
        """The quantity and its options, as the state records them."""
        return self._started("name").name

    @property
    def parts(self):
        """The number of chunks added (merged states included)."""
        return 0 if self._core is None else self._core.parts

    def update(self, *chunk, **per_sample):
        """Adds one chunk of the data: the quantity's array arguments for some of the samples (and, for
        Keras' losses, their sample_weight=)."""
        if any(isinstance(v, str) and v.startswith("sha256:") for v in self._opts.values()):
            raise ValueError("shannon.Accumulator.update: a state read from bytes records its weights by digest only; "
                             "update the accumulator made with them, then merge")
        unknown = set(per_sample) - set(self._spec.per_sample)
        if unknown:
            raise TypeError(f"shannon.Accumulator.update: unknown per-sample argument(s) {', '.join(sorted(unknown))} "
                            f"(this quantity takes {', '.join(self._spec.per_sample) or 'none'})")
        chunk = [read_input(x)[0] for x in chunk]
        spec = self._spec
        if spec.arity is not None:
            given = len(chunk) == 2
            if len(chunk) not in (1, 2):
                raise TypeError(f"shannon.Accumulator.update: {self._name} takes pk or pk and qk, not {len(chunk)} arrays")
            if self._core is None:
                self._opts[spec.arity] = given
                self._start()
            elif self._opts[spec.arity] != given:
                raise ValueError(f"shannon.Accumulator.update: this state's chunks are {'pk and qk' if not given else 'pk alone'}"
                                 f", not {len(chunk)} array(s)")
        if spec.flatten is not None:
            flat = spec.flatten(self._opts)
            chunk = [np.ravel(x) if flat else x for x in chunk]
            if not flat and any(np.ndim(x) != 1 for x in chunk):
                raise ValueError(f"shannon.Accumulator.update: {self._name} with axis={self._opts['axis']!r} takes 1-D chunks "
                                 f"of one distribution, not shapes {[np.shape(x) for x in chunk]} (axis=None flattens them)")
        req = Request("partial")
        req.core.into = self._core
        part = self._quantity
        if spec.part is not None:
            import shannon

            part = getattr(shannon, spec.part(self._opts) if callable(spec.part) else spec.part)
        part.evaluate(req, *chunk, **spec.part_options(self._opts), **per_sample)
        if spec.add_sums is not None:
            spec.add_sums(self._core, self._opts, *chunk)
        return self

    def merge(self, other):
        """Adds another accumulator's state (of the same quantity and options); returns self."""
        if not isinstance(other, Accumulator):
            raise TypeError(f"shannon.Accumulator.merge: takes an Accumulator, not {type(other).__name__}")
        if other._core is None:
            return self
        if self._core is None:  # the other's form: adopt its options, then merge as usual
            if other._name != self._name or {k: v for k, v in other._opts.items() if k != self._spec.arity} != {
                    k: v for k, v in self._opts.items() if k != self._spec.arity}:
                raise ValueError("shannon.Accumulator.merge: the states are of different quantities or options "
                                 f"({self._name} and {other.name})")
            self._opts = dict(other._opts)
            self._start()
        try:
            self._core.merge(other._core)
        except ValueError as e:
            raise ValueError(str(e).replace("shannon::exact::accumulator::merge", "shannon.Accumulator.merge")) from None
        return self

    def to_bytes(self):
        """The state as bytes (shannon::exact::accumulator's format, version 2)."""
        return self._started("to_bytes").to_bytes()

    @classmethod
    def from_bytes(cls, data):
        """An accumulator from to_bytes(): ValueError for anything else (another format or version, a
        truncated or corrupted state, a quantity this shannon does not accumulate)."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"shannon.Accumulator.from_bytes: takes bytes, not {type(data).__name__}")
        try:
            core = _core.Accumulator.from_bytes(bytes(data))
        except ValueError as e:
            raise ValueError(str(e).replace("shannon::exact::accumulator::from_bytes", "shannon.Accumulator.from_bytes")) from None
        name = core.name.split("(", 1)[0]
        if name not in SUMS:
            raise ValueError(f"shannon.Accumulator.from_bytes: a state of {name!r}, which this shannon does not accumulate")
        self = cls.__new__(cls)
        self._core = core
        self._name = name
        self._bits = core.bits
        self._spec = SUMS[name]
        self._quantity = _quantity_named(name)
        self._opts = _options_of(core.name)
        return self

    def result(self, dtype=None, digits=None):
        """The whole's exact value: correctly rounded to dtype (float64 by default; float32, bfloat16 -
        returned as the float64 holding it -, float16), or ``digits=N`` correct significant digits as
        a decimal.Decimal."""
        self._started("result")
        if self._spec.check is not None:
            self._spec.check(self._core, self._opts)
        def undecided(what):
            more = max(256, 2 * self._core.bits, int(3.33 * (digits or 0)) + 64)
            return ArithmeticError(f"shannon.Accumulator.result: the parts' enclosures ({self._core.bits or 'fast-path'} "
                                   f"bits) do not decide {what} of {self._core.name}; accumulate again with "
                                   f"Accumulator(..., bits={more})")

        if digits is not None:
            import decimal

            from ._api import _whole

            s = self._core.digits(_whole("digits", digits, 1, 10000))
            if s.startswith("undetermined"):
                raise undecided(f"{digits} digits")
            return decimal.Decimal(s)
        name = dtype_name(dtype) or "float64"
        kind = {"float32": np.float32, "float16": np.float16}.get(name, float)
        if self._spec.empty_mean is not None and self._core.mean and self._core.exact_sum(0)[0] == 0:
            return kind(self._spec.empty_mean)  # Keras' divide_no_nan
        value, determined = self._core.round(name)
        if not determined:
            raise undecided(f"the rounding to {name}")
        return kind(value)

    def enclose(self, digits=40):
        """An enclosure (lo, hi) of the whole's exact value, as decimal.Decimal ends rounded outward."""
        import decimal

        lo, hi = self._started("enclose").enclose(int(digits))
        return decimal.Decimal(lo), decimal.Decimal(hi)

    def __reduce__(self):
        """Pickled as its bytes (Dask, multiprocessing): the copy merges, and updates unless weights were given."""
        if self._core is None:
            return (_unstarted, (self._name, self._bits, self._opts))
        return (Accumulator.from_bytes, (self.to_bytes(),))

    def __repr__(self):
        if self._core is None:
            return f"<shannon.Accumulator {self._name}: 0 parts>"
        return f"<shannon.Accumulator {self._core.name}: {self._core.parts} parts>"


def _quantity_named(name):
    """The function of this name ("module.function"), as a state records it."""
    import importlib

    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(module), function)


def _unstarted(name, bits, opts):
    """An accumulator to which nothing was added, whose first chunk decides its form (unpickling)."""
    return Accumulator(_quantity_named(name), bits=bits, **opts)


def _options_of(name):
    """The options recorded in a state's name, "module.function(k=v, ...)" with each v a Python literal
    (weights by their digest)."""
    import ast

    try:
        call = ast.parse(name, mode="eval").body
        return {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    except (SyntaxError, ValueError, AttributeError):
        raise ValueError(f"shannon.Accumulator.from_bytes: a state whose name {name!r} is not one shannon writes") from None
