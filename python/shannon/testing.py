"""Assertions against the exact value, for pytest suites that validate an implementation.

    shannon.testing.assert_close(torch_result, shannon.torch.cross_entropy, logits, labels, max_ulps=4)

passes when every element of `actual` is within max_ulps ulps (of its dtype, at the exact value) of
the exact value of the quantity at the same inputs, and otherwise raises AssertionError with a report
in the manner of numpy.testing: how many elements are off, the worst error and where, the actual and
the correctly rounded values there.
"""

import numpy as np

from ._api import Request, as_array


def assert_close(actual, quantity, *inputs, max_ulps=1.0, dtype=None, err_msg="", **options):
    """Asserts |actual - exact| <= max_ulps * ulp(exact) elementwise (ulps of float64, or of actual's
    float32/float16 dtype, or of dtype=). NaN must meet NaN, an infinity the same infinity."""
    a = as_array(actual)
    errors = np.atleast_1d(np.asarray(quantity.ulp_error(a, *inputs, dtype=dtype, **options), dtype=np.float64))
    bad = ~(np.abs(errors) <= max_ulps)
    if not bad.any():
        return
    flat_actual = np.atleast_1d(a).ravel()
    worst = int(np.nanargmax(np.where(np.isnan(errors), np.inf, np.abs(errors)).ravel()))
    exact = quantity(*inputs, dtype=dtype or (a.dtype.name if a.dtype in (np.float32, np.float16) else None), **options)
    flat_exact = np.atleast_1d(np.asarray(exact)).ravel()
    where = np.unravel_index(worst, a.shape) if a.ndim > 0 else ()
    lines = [
        "",
        f"Not within {max_ulps:g} ulp of the exact value of {quantity.__module__}.{quantity.__name__}",
        f"Mismatched elements: {int(bad.sum())} / {bad.size} ({100.0 * bad.sum() / bad.size:.3g}%)",
        f"Max ulp error: {np.abs(errors.ravel()[worst]):.6g} at index {tuple(int(i) for i in where)}",
        f" actual: {flat_actual[worst]!r}",
        f" exact (correctly rounded): {flat_exact[worst]!r}",
    ]
    if err_msg:
        lines.insert(1, err_msg)
    raise AssertionError("\n".join(lines))


def ulp_errors(actual, quantity, *inputs, dtype=None, **options):
    """The signed ulp errors of `actual` (an array of the quantity's shape, or a scalar)."""
    return quantity.ulp_error(actual, *inputs, dtype=dtype, **options)


__all__ = ["assert_close", "ulp_errors", "Request"]
