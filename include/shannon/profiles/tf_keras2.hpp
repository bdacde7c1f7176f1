// shannon/profiles/tf_keras2.hpp — tf.keras (Keras 2)'s binary_crossentropy where it differs from
// Keras 3 (profiles/keras.hpp): after clipping to [eps, 1 - eps] it adds eps again inside the logs.
// The clip bounds, the smoothing, the readers and the reductions are keras.hpp's.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "../detail/fp_contract.hpp"
#include "keras.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::profiles::tf_keras2 {

using keras::crossentropy_options;

namespace detail {

using namespace keras::detail;

/// Keras 2's clip bounds and the epsilon it adds inside the logs: epsilon_ is a tensor of y_pred's dtype,
/// and 1 - epsilon_ is computed (rounded) in that dtype; the epsilon added inside the logs is the Python
/// float, converted to the dtype as well.
template <class W>
struct keras2_epsilon {
    double eps;
    clip_bounds<W> b;
    W e;
    explicit keras2_epsilon(const crossentropy_options& o)
        : eps(in_dtype(o.epsilon, o.dtype)), b(o.epsilon, o.dtype, 1.0 - eps), e(W(eps)) {}
};

template <class W, class True, class Pred>
[[nodiscard]] row_losses<W> binary_crossentropy_rows(True&& y_true, Pred&& y_pred, const crossentropy_options& o) {
    const keras2_epsilon<W> k(o);
    const clip_bounds<W>& b = k.b;
    const W& e = k.e;
    return bce_rows<W>(std::forward<True>(y_true), std::forward<Pred>(y_pred), o, "tf_keras2.binary_crossentropy",
                       [&b, &e](const W& y, const two_sided<W>& pq) {
                           const W a = log_(W(b.p(pq.p) + e));
                           const W d = log_(W(b.q(pq.q) + e));
                           return W(-W(W(y * a) + W(W(W(1) - y) * d)));
                       });
}

}  // namespace detail

/// tf.keras (Keras 2) losses.binary_crossentropy(y_true, y_pred, from_logits, label_smoothing), axis -1:
/// l_n = mean_k -(y' log(p' + eps) + (1 - y') log(1 - p' + eps)), p' = clip(p, eps, 1 - eps) with eps and
/// 1 - eps in y_pred's dtype, y' = y (1 - s) + s / 2; from_logits: the exact sigmoid cross-entropy.
/// Source: keras 2.x keras/backend.py binary_crossentropy (tf.keras.backend.binary_crossentropy); keras/losses.py.
/// The unreduced form: one loss per row of y_pred.
template <row_range Y, row_range P>
[[nodiscard]] auto binary_crossentropy_unreduced(Y&& y_true, P&& y_pred, const crossentropy_options& o = {}) {
    using T = keras::detail::rows_t<P>;
    return keras::detail::rows_unreduced<T>(
        [&] { return detail::binary_crossentropy_rows<working_t<T>>(std::forward<Y>(y_true), std::forward<P>(y_pred), o); });
}
/// The reduced form (o.reduction, o.sample_weight).
template <row_range Y, row_range P>
[[nodiscard]] auto binary_crossentropy(Y&& y_true, P&& y_pred, const crossentropy_options& o = {}) {
    using T = keras::detail::rows_t<P>;
    return keras::detail::rows_reduced<T>(
        [&] { return detail::binary_crossentropy_rows<working_t<T>>(std::forward<Y>(y_true), std::forward<P>(y_pred), o); },
        o.sample_weight, o.reduction, "tf_keras2.binary_crossentropy");
}

/// d / d y_pred of binary_crossentropy as tf.GradientTape takes it, one value per element of y_pred (the
/// per-sample losses summed, weighted by sample_weight; / N for "sum_over_batch_size"). Per element, over
/// the row's C elements: from logits (sigmoid(x) - y') / C; from probabilities
/// (-y' / (p + eps) + (1 - y') / (1 - p + eps)) / C where eps <= p <= 1 - eps (the clip passes the gradient
/// on its bounds), 0 beyond them.
template <row_range Y, row_range P>
[[nodiscard]] auto binary_crossentropy_grad(Y&& y_true, P&& y_pred, const crossentropy_options& o = {}) {
    using T = keras::detail::rows_t<P>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const detail::keras2_epsilon<W> k(o);
        return keras::detail::bce_gradient<W>(std::forward<Y>(y_true), std::forward<P>(y_pred), o,
                                              "tf_keras2.binary_crossentropy", k.b, [&k](const W& y, const W& x) {
                                                  const W a = W(W(-y) / W(x + k.e));
                                                  return W(a + W(W(W(1) - y) / W(k.b.q(W(W(1) - x)) + k.e)));
                                              });
    });
}

}  // namespace shannon::profiles::tf_keras2

SHANNON_FP_CONTRACT_RESTORE
