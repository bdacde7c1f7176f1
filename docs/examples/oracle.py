# The oracle from Python: correctly rounded values, digits, and checking a framework against
# its profile.
import numpy as np
import torch

import shannon
import shannon.testing
import shannon.torch

p, q = np.array([0.9, 0.1]), np.array([0.5, 0.5])
print("KL(P||Q), correctly rounded:", shannon.kl_divergence(p, q))
print("KL(P||Q), 30 digits:        ", shannon.kl_divergence(p, q, digits=30))
print("KL(P||Q) in bfloat16:       ", shannon.kl_divergence(p, q, dtype="bfloat16"))

logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
labels = np.array([0, 1])
ours = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(labels),
                                         label_smoothing=0.1)
exact = shannon.torch.cross_entropy  # PyTorch's conventions, exact
print("PyTorch's cross_entropy:    ", ours.item())
print("its profile, exact:         ", exact(logits, labels, label_smoothing=0.1))
print("PyTorch's error:            ",
      shannon.ulp_error(ours.item(), exact, logits, labels, label_smoothing=0.1), "ulp")
shannon.testing.assert_close(ours.numpy(), exact, logits, labels, label_smoothing=0.1, max_ulps=2)
print("assert_close: within 2 ulp")
