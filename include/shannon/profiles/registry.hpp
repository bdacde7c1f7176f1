// shannon/profiles/registry.hpp — the list of the frameworks' functions that shannon reproduces, once.
//
// The profiles' counterpart of core/registry.hpp. Each entry names a function of a framework's
// profile: shannon::profiles::<framework>::<name> in C++ (with <name>_unreduced where the framework
// has reduction='none', and <name>_grad where the entry says so), shannon.<framework>.<name> in
// Python (with <name>_grad), and the framework's own function it reproduces. The Python package's
// tests check that each framework module offers exactly the listed functions, and the site's table of
// profiles is built from this list. Adding a profile function: its C++ function(s), its binding and
// Python wrapper, and one line here (the package's test fails without it).
#pragma once

#include <array>
#include <string_view>

namespace shannon::profiles {

/// What the front ends need to know about a profile function.
struct profile_info {
    /// The framework's profile, which names the C++ namespace and the Python module (torch:
    /// shannon::profiles::torch and shannon.torch; torch.special: shannon::profiles::torch::special and
    /// shannon.torch.special; torch.distributions likewise).
    std::string_view framework;
    /// The function's name in both (the framework's own name).
    std::string_view name;
    /// The framework's function it reproduces, fully qualified.
    std::string_view reproduces;
    /// It has a gradient (the name followed by _grad) with respect to its input: the first argument
    /// (PyTorch's input, optax's logits, log_predictions or predictions; torch.distributions' parameters),
    /// Keras' y_pred (its second).
    bool gradient = false;
};

/// Every profile function, by framework, in the order of the site's table.
inline constexpr std::array profile_functions{
    profile_info{"torch", "cross_entropy", "torch.nn.functional.cross_entropy", true},
    profile_info{"torch", "nll_loss", "torch.nn.functional.nll_loss", true},
    profile_info{"torch", "binary_cross_entropy", "torch.nn.functional.binary_cross_entropy", true},
    profile_info{"torch", "binary_cross_entropy_with_logits", "torch.nn.functional.binary_cross_entropy_with_logits", true},
    profile_info{"torch", "kl_div", "torch.nn.functional.kl_div", true},
    profile_info{"torch", "gaussian_nll_loss", "torch.nn.functional.gaussian_nll_loss", true},
    profile_info{"torch", "poisson_nll_loss", "torch.nn.functional.poisson_nll_loss", true},
    profile_info{"torch", "mse_loss", "torch.nn.functional.mse_loss", true},
    profile_info{"torch", "multilabel_soft_margin_loss", "torch.nn.functional.multilabel_soft_margin_loss", true},
    profile_info{"torch", "l1_loss", "torch.nn.functional.l1_loss", true},
    profile_info{"torch", "smooth_l1_loss", "torch.nn.functional.smooth_l1_loss", true},
    profile_info{"torch", "huber_loss", "torch.nn.functional.huber_loss", true},
    profile_info{"torch", "soft_margin_loss", "torch.nn.functional.soft_margin_loss", true},
    profile_info{"torch", "softplus", "torch.nn.functional.softplus"},
    profile_info{"torch", "logsigmoid", "torch.nn.functional.logsigmoid"},
    profile_info{"torch.special", "entr", "torch.special.entr"},
    profile_info{"torch.special", "xlogy", "torch.special.xlogy"},
    profile_info{"torch.special", "xlog1py", "torch.special.xlog1py"},
    profile_info{"torch.special", "expit", "torch.special.expit"},
    profile_info{"torch.special", "logit", "torch.special.logit"},
    profile_info{"torch.special", "log1p", "torch.special.log1p"},
    profile_info{"torch.special", "expm1", "torch.special.expm1"},
    profile_info{"torch.special", "logsumexp", "torch.special.logsumexp"},
    profile_info{"torch.special", "softmax", "torch.special.softmax"},
    profile_info{"torch.special", "log_softmax", "torch.special.log_softmax"},
    profile_info{"torch.distributions", "kl_divergence", "torch.distributions.kl_divergence", true},
    profile_info{"jax.nn", "sigmoid", "jax.nn.sigmoid"},
    profile_info{"jax.nn", "softplus", "jax.nn.softplus"},
    profile_info{"jax.nn", "log_sigmoid", "jax.nn.log_sigmoid"},
    profile_info{"jax.nn", "softmax", "jax.nn.softmax"},
    profile_info{"jax.nn", "log_softmax", "jax.nn.log_softmax"},
    profile_info{"jax.nn", "logsumexp", "jax.nn.logsumexp"},
    profile_info{"jax.scipy.special", "logsumexp", "jax.scipy.special.logsumexp"},
    profile_info{"jax.scipy.special", "entr", "jax.scipy.special.entr"},
    profile_info{"jax.scipy.special", "xlogy", "jax.scipy.special.xlogy"},
    profile_info{"jax.scipy.special", "xlog1py", "jax.scipy.special.xlog1py"},
    profile_info{"keras", "binary_crossentropy", "keras.losses.binary_crossentropy", true},
    profile_info{"keras", "categorical_crossentropy", "keras.losses.categorical_crossentropy", true},
    profile_info{"keras", "sparse_categorical_crossentropy", "keras.losses.sparse_categorical_crossentropy", true},
    profile_info{"keras", "kl_divergence", "keras.losses.kl_divergence", true},
    profile_info{"keras", "binary_focal_crossentropy", "keras.losses.binary_focal_crossentropy", true},
    profile_info{"keras", "categorical_focal_crossentropy", "keras.losses.categorical_focal_crossentropy", true},
    profile_info{"keras", "huber", "keras.losses.huber", true},
    profile_info{"keras", "log_cosh", "keras.losses.log_cosh", true},
    profile_info{"keras", "poisson", "keras.losses.poisson", true},
    profile_info{"tf_keras2", "binary_crossentropy", "tf.keras.losses.binary_crossentropy", true},
    profile_info{"optax", "softmax_cross_entropy", "optax.losses.softmax_cross_entropy", true},
    profile_info{"optax", "softmax_cross_entropy_with_integer_labels", "optax.losses.softmax_cross_entropy_with_integer_labels", true},
    profile_info{"optax", "safe_softmax_cross_entropy", "optax.losses.safe_softmax_cross_entropy", true},
    profile_info{"optax", "sigmoid_binary_cross_entropy", "optax.losses.sigmoid_binary_cross_entropy", true},
    profile_info{"optax", "kl_divergence", "optax.losses.kl_divergence", true},
    profile_info{"optax", "kl_divergence_with_log_targets", "optax.losses.kl_divergence_with_log_targets", true},
    profile_info{"optax", "generalized_kl_divergence", "optax.losses.generalized_kl_divergence", true},
    profile_info{"optax", "convex_kl_divergence", "optax.losses.convex_kl_divergence", true},
    profile_info{"optax", "sigmoid_focal_loss", "optax.losses.sigmoid_focal_loss", true},
    profile_info{"optax", "poly_loss_cross_entropy", "optax.losses.poly_loss_cross_entropy", true},
    profile_info{"optax", "squared_error", "optax.losses.squared_error", true},
    profile_info{"optax", "l2_loss", "optax.losses.l2_loss", true},
    profile_info{"optax", "huber_loss", "optax.losses.huber_loss", true},
    profile_info{"optax", "log_cosh", "optax.losses.log_cosh", true},
    profile_info{"scipy", "entr", "scipy.special.entr"},
    profile_info{"scipy", "rel_entr", "scipy.special.rel_entr"},
    profile_info{"scipy", "kl_div", "scipy.special.kl_div"},
    profile_info{"scipy", "xlogy", "scipy.special.xlogy"},
    profile_info{"scipy", "xlog1py", "scipy.special.xlog1py"},
    profile_info{"scipy", "logsumexp", "scipy.special.logsumexp"},
    profile_info{"scipy", "log_softmax", "scipy.special.log_softmax"},
    profile_info{"scipy", "softmax", "scipy.special.softmax"},
    profile_info{"scipy", "entropy", "scipy.stats.entropy"},
    profile_info{"scipy", "jensenshannon", "scipy.spatial.distance.jensenshannon"},
};

}  // namespace shannon::profiles
