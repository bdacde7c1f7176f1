"""shannon.dask.torch: shannon.torch's reduced losses over Dask arrays chunked along the batch (first)
dimension, exact, with PyTorch's conventions (weights, ignore_index, label_smoothing, the weighted
mean's exact denominator, NaN when every target is ignored), bit-identical whatever the chunking.

    shannon.dask.torch.cross_entropy(logits, target, weight=w, ignore_index=-100, label_smoothing=0.1).compute()
"""

from .. import torch as _st
from . import reduce_blocks


def _loss(name):
    quantity = getattr(_st, name)

    def f(input, target, *more, dtype=None, digits=None, bits=0, split_every=None, **options):
        return reduce_blocks(quantity, input, (target,) + more, options=options, dtype=dtype, digits=digits, bits=bits,
                             split_every=split_every)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"shannon.torch.{name} over Dask arrays chunked along the batch dimension (the other dimensions "
                 "are gathered per block), reduction 'mean' or 'sum' (kl_div: also 'batchmean'): a 0-d dask array. "
                 f"Options as shannon.torch.{name}.")
    return f


cross_entropy = _loss("cross_entropy")
nll_loss = _loss("nll_loss")
binary_cross_entropy = _loss("binary_cross_entropy")
binary_cross_entropy_with_logits = _loss("binary_cross_entropy_with_logits")
mse_loss = _loss("mse_loss")
kl_div = _loss("kl_div")
gaussian_nll_loss = _loss("gaussian_nll_loss")  # var chunked with input: pass it with input's shape
poisson_nll_loss = _loss("poisson_nll_loss")
multilabel_soft_margin_loss = _loss("multilabel_soft_margin_loss")

__all__ = ["cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "mse_loss", "kl_div",
           "gaussian_nll_loss", "poisson_nll_loss", "multilabel_soft_margin_loss"]
