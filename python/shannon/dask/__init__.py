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
the package; bits= the parts' precision (0: the fast paths). The options are the package's. Every
function shannon.Accumulator accumulates has its version here: the measures and the core's losses
and likelihoods in shannon.dask, the frameworks' in shannon.dask.torch, shannon.dask.keras (sample_weight=
split with the batch) and shannon.dask.scipy.stats.
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


def _batch_aligned(a, n):
    """Whether argument a is split with the batch: a Dask array (which must then be aligned), or an array of n
    rows; scalars and other arrays (a distribution over the classes, a weight per class) go whole."""
    import dask.array as da

    if isinstance(a, da.Array):
        return True
    shape = np.shape(a) if isinstance(a, np.ndarray | list | tuple) or hasattr(a, "__array__") else ()
    return len(shape) > 0 and shape[0] == n


def reduce_blocks(quantity, rows, others=(), *, options, per_sample=None, dtype=None, digits=None, bits=0,
                  split_every=None, default_dtype=None):
    """The exact value of quantity over data chunked along the first axis: `rows` (a Dask array, chunked
    along axis 0 as it is; its other axes are made single chunks), `others` (the quantity's further
    arguments: Dask arrays and arrays of as many rows are rechunked to rows' first-axis chunks, anything
    else - scalars, a per-class array - goes whole to every block) and `per_sample` (keyword arrays split
    with the rows: Keras' sample_weight). Returns a 0-d dask array."""
    import dask.array as da

    rows = da.asarray(rows)
    n = rows.shape[0] if rows.ndim else 1
    if rows.ndim > 1:
        rows = rows.rechunk({k: -1 for k in range(1, rows.ndim)})

    def aligned(o):
        o = da.asarray(o)
        if o.ndim == 0 or o.shape[0] != rows.shape[0]:
            raise ValueError(f"shannon.dask: the arrays' first dimensions differ ({rows.shape} and {o.shape})")
        return o.rechunk({0: rows.chunks[0]} | {k: -1 for k in range(1, o.ndim)})

    # each argument after rows: ("block", k), the k-th array given to blockwise after rows, or ("whole", value)
    layout, arrays = [], [rows]
    for o in others:
        if _batch_aligned(o, n):
            layout.append(("block", len(arrays)))
            arrays.append(aligned(o))
        else:
            layout.append(("whole", o))
    keywords = []
    for k, v in (per_sample or {}).items():
        if v is not None:
            keywords.append((k, len(arrays)))
            arrays.append(aligned(v))
    if dtype is None and digits is None:
        dtype = default_dtype(arrays) if default_dtype is not None else _default_dtype(
            *[arrays[i] for kind, i in layout if kind == "block"], rows)

    def state(*blocks):
        args = [blocks[0]] + [blocks[v] if kind == "block" else v for kind, v in layout]
        acc = Accumulator(quantity, bits=bits, **options)
        acc.update(*args, **{k: blocks[i] for k, i in keywords})
        out = np.empty((1,), dtype=object)
        out[0] = acc.to_bytes()
        return out

    pairs = []
    for a in arrays:
        pairs += [a, "i" + "abcdefgh"[: a.ndim - 1]]
    states = da.blockwise(state, "i", *pairs, dtype=object, adjust_chunks={"i": 1}, concatenate=True,
                          meta=np.empty((0,), dtype=object))
    return da.reduction(states, chunk=lambda x, axis, keepdims: x, combine=_combine, aggregate=_finish(dtype, digits),
                        axis=0, keepdims=False, dtype=np.float64 if digits is None else object,
                        split_every=split_every, concatenate=True,
                        meta=np.empty((), dtype=np.float64 if digits is None else object), name="shannon-" +
                        quantity.__name__)


def _function(qualified, flatten=False, default_dtype=None):
    """The Dask version of the accumulated function `qualified` ("shannon.torch.cross_entropy"): its array
    arguments, its options, and dtype=, digits=, bits=, split_every=."""
    from .._accumulate import SUMS, _quantity_named

    quantity, spec = _quantity_named(qualified), SUMS[qualified]
    public = qualified.replace("shannon.scipy.", "shannon.scipy.stats.")

    def f(*arrays, dtype=None, digits=None, bits=0, split_every=None, **options):
        if not arrays:
            raise TypeError(f"shannon.dask: {public} takes its arrays")
        import dask.array as da

        per = {k: options.pop(k) for k in spec.per_sample if k in options}
        if spec.arity is not None and options.get(spec.arity) is not None:  # scipy's qk= as a keyword
            arrays = arrays + (options.pop(spec.arity),)
        if flatten is True or (callable(flatten) and flatten(options)):
            arrays = [da.asarray(a).ravel() for a in arrays]
        return reduce_blocks(quantity, arrays[0], arrays[1:], options=options, per_sample=per, dtype=dtype,
                             digits=digits, bits=bits, split_every=split_every, default_dtype=default_dtype)

    f.__name__ = f.__qualname__ = qualified.rpartition(".")[2]
    f.__doc__ = (f"{public} over Dask arrays chunked along the first (batch) dimension, exact and bit-identical "
                 "whatever the chunking: a 0-d dask array. Arguments and options as the package's function (a Dask "
                 "array, or an array with a row per sample, is split with the batch; scalars and other arrays go "
                 "whole to every block); dtype=, digits=, bits= (the parts' precision), split_every= (the merge "
                 "tree's fan-in)." + (" The arrays are flattened (one distribution)." if flatten is True else ""))
    return f


def functions(prefix, **how):
    """The Dask versions of the accumulated functions of module `prefix` (shannon.Accumulator's list)."""
    from .._accumulate import SUMS

    out = {}
    for qualified in SUMS:
        module, _, name = qualified.rpartition(".")
        if module == prefix:
            out[name] = _function(qualified, **how.get(name, {}))
    return out


_MEASURES = ("entropy", "cross_entropy", "kl_divergence", "generalized_kl_divergence")
globals().update(functions("shannon", **{m: {"flatten": True} for m in _MEASURES}))
__all__ = sorted(functions("shannon")) + ["reduce_blocks", "functions"]
