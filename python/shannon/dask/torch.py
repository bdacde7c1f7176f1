"""shannon.dask.torch: shannon.torch's reduced losses over Dask arrays chunked along the batch (first)
dimension, exact, with PyTorch's conventions (weights, ignore_index, label_smoothing, the weighted
mean's exact denominator, NaN when every target is ignored), bit-identical whatever the chunking.

    shannon.dask.torch.cross_entropy(logits, target, weight=w, ignore_index=-100, label_smoothing=0.1).compute()

Reductions 'mean' and 'sum' (kl_div: also 'batchmean'); gaussian_nll_loss's var is split with the
batch when it has a row per sample, else goes whole to every block.
"""

from . import functions

globals().update(functions("shannon.torch"))
__all__ = sorted(functions("shannon.torch"))
