# Validating PyTorch against its own conventions: binary cross-entropy in float32 with a
# prediction of exactly 0 (PyTorch clamps the log at -100), the loss and its gradient from
# autograd, each against the exact value of what PyTorch documents; then the same inputs under
# Keras' and optax's conventions.
import numpy as np
import torch

import shannon
import shannon.keras
import shannon.optax
import shannon.torch

p = np.array([0.0, 0.3, 0.999, 1e-8], dtype=np.float32)  # predicted probabilities
y = np.array([1.0, 0.0, 1.0, 1.0], dtype=np.float32)     # labels

x = torch.tensor(p, requires_grad=True)
loss = torch.nn.functional.binary_cross_entropy(x, torch.tensor(y))
loss.backward()

exact = shannon.torch.binary_cross_entropy(p, y)  # float32 inputs: rounded to float32
print("PyTorch's loss:    ", loss.item())
print("exact, float32:    ", exact)
print("error:             ",
      shannon.ulp_error(loss.item(), shannon.torch.binary_cross_entropy, p, y), "ulp")

# autograd divides by max(p (1 - p), 1e-12): at p = 0 the gradient is -1 / (4 * 1e-12), not -inf
exact_grad = shannon.torch.binary_cross_entropy_grad(p, y)
print("PyTorch's gradient:", x.grad.numpy())
print("exact gradient:    ", exact_grad)
print("errors (ulp):      ",
      shannon.ulp_error(x.grad.numpy(), shannon.torch.binary_cross_entropy_grad, p, y))

# The same predictions under other conventions (per-sample values, as those functions return them).
print("Keras 3:           ", shannon.keras.binary_crossentropy(y[:, None], p[:, None]))
with np.errstate(divide="ignore"):
    logits = np.log(p[:, None]) - np.log1p(-p[:, None])  # the logits of p (-inf for p = 0)
print("optax, from logits:", shannon.optax.sigmoid_binary_cross_entropy(logits, y[:, None]).ravel())
