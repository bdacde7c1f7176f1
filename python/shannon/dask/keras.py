"""shannon.dask.keras: Keras 3's losses over Dask arrays chunked along the batch (first) dimension, exact,
with Keras' conventions (the clip to [epsilon, 1 - epsilon] in y_pred's dtype, label smoothing,
ignore_class, sample_weight split with the batch, sum_over_batch_size's exact count, 0 for a mean
over no sample), correctly rounded to y_pred's dtype by default, bit-identical whatever the chunking.

    shannon.dask.keras.categorical_crossentropy(y_true, y_pred, sample_weight=w, label_smoothing=0.1).compute()
"""

import numpy as np

from . import functions


def _y_pred_dtype(arrays):
    return "float32" if np.dtype(arrays[1].dtype) == np.float32 else "float64"


_NAMES = functions("shannon.keras")
globals().update(functions("shannon.keras", **{k: {"default_dtype": _y_pred_dtype} for k in _NAMES}))
__all__ = sorted(_NAMES)
