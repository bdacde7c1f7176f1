// shannon/profiles/jax.hpp — JAX's jax.nn and jax.scipy.special functions, exactly, as thin compositions
// of the profiles that have the same values (jax/_src/nn/functions.py; jax/_src/ops/special.py):
//   jax.nn.sigmoid(x) = lax.logistic(x)                        torch.special.expit
//   jax.nn.softplus(x) = logaddexp(x, 0)                       torch.nn.functional.softplus with no
//                                                              linear region (threshold: the largest double)
//   jax.nn.log_sigmoid(x) = -softplus(-x)                      torch.nn.functional.logsigmoid
//   jax.nn.log_softmax(x) = x - max - log sum e^(x - max)      one slice: scipy.special.log_softmax's value
//   jax.nn.logsumexp, jax.scipy.special.logsumexp(a, b)        scipy.special.logsumexp (b, the sign)
// jax.nn.softmax(x) is the core's shannon::softmax of one slice. The Python layer (shannon.jax) adds JAX's
// axes (an int or a tuple), `where` (masked elements leave the max and the sum; log_softmax gives them
// -inf and softmax 0) and its NaN for a slice whose maximum is +inf or that holds only -inf (x - max is
// inf - inf there), the same as PyTorch's.
#pragma once

#include <limits>
#include <utility>

#include "scipy.hpp"
#include "torch.hpp"
#include "torch_special.hpp"

namespace shannon::profiles::jax::nn {

/// jax.nn.sigmoid(x) = 1 / (1 + e^-x), elementwise.
template <real_range X>
[[nodiscard]] auto sigmoid(X&& x) {
    return torch::special::expit(std::forward<X>(x));
}

/// jax.nn.softplus(x) = log(1 + e^x), elementwise (no linear region: +inf at +inf).
template <real_range X>
[[nodiscard]] auto softplus(X&& x) {
    return torch::softplus(std::forward<X>(x), 1.0, std::numeric_limits<double>::max());
}

/// jax.nn.log_sigmoid(x) = -softplus(-x), elementwise.
template <real_range X>
[[nodiscard]] auto log_sigmoid(X&& x) {
    return torch::logsigmoid(std::forward<X>(x));
}

/// jax.nn.log_softmax over one slice of finite values: x - logsumexp(x).
template <real_range X>
[[nodiscard]] auto log_softmax(X&& x) {
    return profiles::scipy::log_softmax(std::forward<X>(x));
}

/// jax.nn.logsumexp over one slice: log sum e^a.
template <real_range A>
[[nodiscard]] auto logsumexp(A&& a) {
    return profiles::scipy::logsumexp(std::forward<A>(a));
}

}  // namespace shannon::profiles::jax::nn

namespace shannon::profiles::jax::scipy::special {

/// jax.scipy.special.logsumexp over one slice with weights b: log sum b e^a (NaN for a negative sum).
template <real_range A, real_range B>
[[nodiscard]] auto logsumexp(A&& a, B&& b) {
    return profiles::scipy::logsumexp(std::forward<A>(a), std::forward<B>(b));
}

}  // namespace shannon::profiles::jax::scipy::special
