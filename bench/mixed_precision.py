"""PyTorch's bfloat16/float16 results on the CPU against shannon: the exact value at the inputs as given
(rounded to the dtype), and cross_entropy's value with log_softmax stored in the dtype
(intermediates="input", the composition PyTorch runs). Also torch.autocast on the CPU: the float32
ops (autocast's float32 list) against the exact value rounded to float32.

    PYTHONPATH=build/python python3 bench/mixed_precision.py [--seeds 20]

Prints, per function and dtype, the largest |ulp error| over the seeds (random normal inputs, scale 4;
512 x 10 for the class losses). Used for the budgets of tests/python/test_mixed_precision.py."""

import argparse

import numpy as np
import torch
import torch.nn.functional as F

import shannon.torch as T
import shannon.torch.special as S


def data(seed, dtype):
    r = np.random.default_rng(seed)
    x = torch.from_numpy(r.standard_normal((512, 10)) * 4).to(dtype)
    y = torch.from_numpy(r.standard_normal((512, 10)) * 4).to(dtype)
    t = torch.from_numpy(r.integers(0, 10, 512))
    p = torch.from_numpy(r.random((512, 10))).to(dtype)
    q = torch.softmax(torch.from_numpy(r.standard_normal((512, 10))), 1).to(dtype)
    return x, y, t, p, q


CASES = {
    # name: (torch call, shannon quantity, shannon arguments)
    "cross_entropy": (lambda x, y, t, p, q: F.cross_entropy(x, t), T.cross_entropy, lambda x, y, t, p, q: (x, t), {}),
    "cross_entropy (stored log_softmax)": (lambda x, y, t, p, q: F.cross_entropy(x, t), T.cross_entropy,
                                           lambda x, y, t, p, q: (x, t), {"intermediates": "input"}),
    "cross_entropy, label_smoothing 0.1": (lambda x, y, t, p, q: F.cross_entropy(x, t, label_smoothing=0.1),
                                           T.cross_entropy, lambda x, y, t, p, q: (x, t), {"label_smoothing": 0.1}),
    "cross_entropy, label_smoothing 0.1 (stored)": (
        lambda x, y, t, p, q: F.cross_entropy(x, t, label_smoothing=0.1), T.cross_entropy,
        lambda x, y, t, p, q: (x, t), {"label_smoothing": 0.1, "intermediates": "input"}),
    "nll_loss": (lambda x, y, t, p, q: F.nll_loss(x, t), T.nll_loss, lambda x, y, t, p, q: (x, t), {}),
    "mse_loss": (lambda x, y, t, p, q: F.mse_loss(x, y), T.mse_loss, lambda x, y, t, p, q: (x, y), {}),
    "l1_loss": (lambda x, y, t, p, q: F.l1_loss(x, y), T.l1_loss, lambda x, y, t, p, q: (x, y), {}),
    "smooth_l1_loss": (lambda x, y, t, p, q: F.smooth_l1_loss(x, y), T.smooth_l1_loss, lambda x, y, t, p, q: (x, y), {}),
    "binary_cross_entropy_with_logits": (lambda x, y, t, p, q: F.binary_cross_entropy_with_logits(x, p),
                                         T.binary_cross_entropy_with_logits, lambda x, y, t, p, q: (x, p), {}),
    "kl_div (batchmean)": (lambda x, y, t, p, q: F.kl_div(torch.log_softmax(x.double(), 1).to(x.dtype), q,
                                                          reduction="batchmean"),
                           T.kl_div, lambda x, y, t, p, q: (torch.log_softmax(x.double(), 1).to(x.dtype), q),
                           {"reduction": "batchmean"}),
    "log_softmax (each element)": (lambda x, y, t, p, q: torch.log_softmax(x, 1), S.log_softmax,
                                   lambda x, y, t, p, q: (x, 1), {}),
    "softplus (each element)": (lambda x, y, t, p, q: F.softplus(x), T.softplus, lambda x, y, t, p, q: (x,), {}),
    "expit (each element)": (lambda x, y, t, p, q: torch.special.expit(x), S.expit, lambda x, y, t, p, q: (x,), {}),
}


def worst(f, q, args, kwargs, seeds, dtype):
    m = 0.0
    for seed in range(seeds):
        d = data(seed, dtype)
        try:
            got = f(*d)
        except RuntimeError as e:
            return f"not on the CPU ({str(e).splitlines()[0][:60]})"
        e = np.abs(np.asarray(q.ulp_error(got, *args(*d), **kwargs), dtype=np.float64))
        m = max(m, float(np.max(e)))
    return f"{m:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    a = ap.parse_args()
    print(f"PyTorch {torch.__version__}, CPU; max |ulp error| over {a.seeds} seeds (512 x 10, normal x 4)")
    print(f"{'function':46} {'bfloat16':>10} {'float16':>10}")
    for name, (f, q, args, kwargs) in CASES.items():
        cells = [worst(f, q, args, kwargs, a.seeds, dt) for dt in (torch.bfloat16, torch.float16)]
        print(f"{name:46} {cells[0]:>10} {cells[1]:>10}")
    print("\ntorch.autocast('cpu', bfloat16) on bfloat16 logits (float32 ulps):")
    whole = model = exact = 0.0
    for seed in range(a.seeds):
        x, y, t, p, q = data(seed, torch.bfloat16)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            c = F.cross_entropy(x, t)
            composite = F.nll_loss(torch.log_softmax(x, 1), t)
        whole = max(whole, abs(T.cross_entropy.ulp_error(c, x, t)))
        model = max(model, abs(T.cross_entropy.ulp_error(composite, x, t, intermediates="bfloat16")))
        exact = max(exact, abs(T.cross_entropy.ulp_error(composite, x, t)))
    print(f"  cross_entropy ({c.dtype}) vs exact: {whole:.2f}")
    print(f"  nll_loss(log_softmax(x)) vs log_softmax stored in bfloat16: {model:.2f}; vs exact: {exact:.2f}")


if __name__ == "__main__":
    main()
