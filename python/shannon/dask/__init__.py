"""shannon.dask: the exact values of sums over Dask arrays, on any Dask scheduler (threads, processes, a
distributed.LocalCluster or a cluster of many machines), bit-identical whatever the chunking.

    >>> import dask.array as da, shannon.dask
    >>> p = da.from_array(p_numpy, chunks=100_000)
    >>> shannon.dask.kl_divergence(p, q).compute()          # == shannon.kl_divergence(p_numpy, q_numpy)

Each block's part is a shannon.Accumulator state (bytes, built on the worker that holds the block:
dask.array.blockwise), and the states are merged by dask.array.reduction's tree (split_every) into
the whole's exact value, correctly rounded. Dask's own sums change with the chunking (floating-point
addition is not associative); these do not: every chunking that decides the rounding gives the same
bits, the bits of the single-process call. When a result is not decided by the fast paths'
enclosures (rare: a value within about 2^-100 of a rounding boundary, relative to its terms),
compute() raises ArithmeticError naming the bits= to pass.

Functions return a 0-d dask array (call .compute(), or dask.compute several at once); dtype= (default:
float32 when every floating input is float32, else float64) or digits=N choose the result as in
the package; bits= the parts' precision (0: the fast paths). The options are the package's.
"""

import numpy as np

from .._accumulate import Accumulator


def _state_of(quantity, options, bits, *blocks):
    acc = Accumulator(quantity, bits=bits, **options)
    acc.update(*blocks)
    out = np.empty((1,), dtype=object)
    out[0] = acc.to_bytes()
    return out


def _merged(states):
    acc = None
    for s in states:
        a = Accumulator.from_bytes(s)
        acc = a if acc is None else acc.merge(a)
    return acc


def _combine(x, axis=None, keepdims=True):
    out = np.empty((1,), dtype=object)
    out[0] = _merged(np.ravel(x)).to_bytes()
    return out


def _finish(dtype, digits):
    def aggregate(x, axis=None, keepdims=False):
        acc = _merged(np.ravel(x))
        value = acc.result(dtype=dtype, digits=digits)
        if digits is not None:
            out = np.empty((), dtype=object)
            out[()] = value
            return out
        return np.asarray(value, dtype=np.float32 if dtype == "float32" else np.float64)
    return aggregate


def _default_dtype(*arrays):
    floats = [a.dtype for a in arrays if np.dtype(a.dtype).kind == "f"]
    return "float32" if floats and all(d == np.float32 for d in floats) else "float64"


def reduce_blocks(quantity, rows, others=(), *, options, dtype=None, digits=None, bits=0, split_every=None):
    """The exact value of quantity over Dask arrays chunked along their first axis: `rows` (chunked
    along axis 0 as it is; its other axes are made single chunks) and `others` (rechunked to rows'
    first-axis chunks). Returns a 0-d dask array."""
    import dask.array as da

    rows = da.asarray(rows)
    if rows.ndim > 1:
        rows = rows.rechunk({k: -1 for k in range(1, rows.ndim)})
    aligned = []
    for o in others:
        o = da.asarray(o)
        if o.ndim == 0 or o.shape[0] != rows.shape[0]:
            raise ValueError(f"shannon.dask: the arrays' first dimensions differ ({rows.shape} and {o.shape})")
        aligned.append(o.rechunk({0: rows.chunks[0]} | {k: -1 for k in range(1, o.ndim)}))
    if dtype is None and digits is None:
        dtype = _default_dtype(rows, *aligned)
    arrays = [rows] + aligned
    pairs = []
    for a in arrays:
        pairs += [a, "i" + "abcdefgh"[: a.ndim - 1]]
    states = da.blockwise(lambda *blocks: _state_of(quantity, options, bits, *blocks), "i", *pairs,
                          dtype=object, adjust_chunks={"i": 1}, concatenate=True,
                          meta=np.empty((0,), dtype=object))
    return da.reduction(states, chunk=lambda x, axis, keepdims: x, combine=_combine, aggregate=_finish(dtype, digits),
                        axis=0, keepdims=False, dtype=np.float64 if digits is None else object,
                        split_every=split_every, concatenate=True,
                        meta=np.empty((), dtype=np.float64 if digits is None else object), name="shannon-" +
                        quantity.__name__)


def _measure(name, arity):
    import shannon

    quantity = getattr(shannon, name)

    def f(*arrays, dtype=None, digits=None, bits=0, split_every=None, **options):
        if len(arrays) != arity:
            raise TypeError(f"shannon.dask.{name} takes {arity} array(s), not {len(arrays)}")
        import dask.array as da

        flat = [da.asarray(a).ravel() for a in arrays]
        return reduce_blocks(quantity, flat[0], flat[1:], options=options, dtype=dtype, digits=digits, bits=bits,
                             split_every=split_every)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"shannon.{name} over Dask arrays (flattened, aligned to the first one's chunks), exact and "
                 f"bit-identical whatever the chunking: a 0-d dask array. Options as shannon.{name}; "
                 "dtype=, digits=, bits= (the parts' precision), split_every= (the merge tree's fan-in).")
    return f


entropy = _measure("entropy", 1)
cross_entropy = _measure("cross_entropy", 2)
kl_divergence = _measure("kl_divergence", 2)
generalized_kl_divergence = _measure("generalized_kl_divergence", 2)

__all__ = ["entropy", "cross_entropy", "kl_divergence", "generalized_kl_divergence", "reduce_blocks"]
