"""shannon.dask.scipy: scipy.stats.entropy over Dask arrays of one distribution (pk, and qk for the
relative entropy), normalized over the whole, exact and bit-identical whatever the chunking.

    shannon.dask.scipy.stats.entropy(pk, qk, base=2).compute()

axis=0 (the default) takes 1-D arrays; axis=None flattens them.
"""

import types

from . import functions

stats = types.SimpleNamespace(**functions("shannon.scipy", entropy={"flatten": lambda o: o.get("axis", 0) is None}))
__all__ = ["stats"]
