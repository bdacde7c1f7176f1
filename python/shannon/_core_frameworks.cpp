// python/shannon/_core_frameworks.cpp — the bindings of the scipy, Keras 3, tf.keras 2 and optax profiles (the shared runner: _core.hpp).
#include "_core.hpp"

namespace shannon_python {

// ---- scipy --------------------------------------------------------------------------------------

void bind_scipy(py::module_& m) {
    namespace ps = pr::scipy;
    using A = array<double>;
    m.def("scipy_entr", [](const request& r, const A& x) {
        return run(r, ex::detail::elementwise_fn{[](const auto& v) { return ps::entr(v); }}, flat(x));
    });
    const auto binary = [&](const char* name, auto fn) {
        m.def(name, [fn](const request& r, const A& x, const A& y) {
            return run(r, ex::detail::elementwise_fn{fn}, flat(x), flat(y));  // value i: the elements i alone
        });
    };
    binary("scipy_rel_entr", [](const auto& a, const auto& b) { return ps::rel_entr(a, b); });
    binary("scipy_kl_div", [](const auto& a, const auto& b) { return ps::kl_div(a, b); });
    binary("scipy_xlogy", [](const auto& a, const auto& b) { return ps::xlogy(a, b); });
    binary("scipy_xlog1py", [](const auto& a, const auto& b) { return ps::xlog1py(a, b); });
    // One slice each (the Python layer iterates over the other axes).
    m.def("scipy_logsumexp", [](const request& r, const A& a, const A& b) {
        return run(r, [](const auto& x, const auto& y) { return ps::logsumexp(x, y); }, flat(a), flat(b));
    });
    m.def("scipy_logsumexp_abs", [](const request& r, const A& a, const A& b) {
        return run(r, [](const auto& x, const auto& y) { return ps::logsumexp_abs(x, y); }, flat(a), flat(b));
    });
    m.def("scipy_logsumexp_sign", [](const request& r, const A& a, const A& b) {
        return run(r, [](const auto& x, const auto& y) { return ps::logsumexp_sign(x, y); }, flat(a), flat(b));
    });
    m.def("scipy_log_softmax", [](const request& r, const A& x) {
        return run_row(r, [](const auto& v) { return ps::log_softmax(v); }, x, ex::detail::round_log_softmax_row);
    });
    m.def("scipy_log_softmax_rows", [](const request& r, const A& x) {
        return run_rows(r, [](const auto& v) { return ps::log_softmax(v); }, x, ex::detail::round_log_softmax_row);
    });
    m.def("scipy_entropy", [](const request& r, const A& pk, std::optional<double> base) {
        return run(r, [base](const auto& p) { return ps::entropy(p, base); }, flat(pk));
    });
    m.def("scipy_relative_entropy", [](const request& r, const A& pk, const A& qk, std::optional<double> base) {
        return run(r, [base](const auto& p, const auto& q) { return ps::entropy(p, q, base); }, flat(pk), flat(qk));
    });
    m.def("scipy_jensenshannon", [](const request& r, const A& p, const A& q, std::optional<double> base) {
        return run(r, [base](const auto& a, const auto& b) { return ps::jensenshannon(a, b, base); }, flat(p), flat(q));
    });
}


// ---- Keras 3, tf.keras 2 ------------------------------------------------------------------------

/// Keyword options given as a dict: each read once, and any the function does not take is an error.
class keywords {
public:
    keywords(const py::dict& d, std::string function) : d_(d), function_(std::move(function)) {}

    template <class V>
    V get(const char* key, V fallback) {
        used_.insert(key);
        if (d_.contains(key) && !d_[key].is_none()) {
            return d_[key].cast<V>();
        }
        return fallback;
    }

    void done() const {
        for (const auto& item : d_) {
            const auto key = item.first.cast<std::string>();
            if (!used_.contains(key)) {
                throw py::type_error("shannon." + function_ + "() got an unexpected keyword argument '" + key + "'");
            }
        }
    }

private:
    py::dict d_;
    std::string function_;
    std::set<std::string> used_;
};

pr::reduction keras_reduction_of(const std::string& red, const std::string& function) {
    if (red == "none") {
        return pr::reduction::none;
    }
    if (red == "sum_over_batch_size" || red == "mean") {
        return pr::reduction::mean;
    }
    if (red == "sum") {
        return pr::reduction::sum;
    }
    throw py::value_error("shannon." + function + ": reduction must be 'sum_over_batch_size', 'mean', 'sum' or None, not '" +
                          red + "'");
}

/// The options of a Keras loss from the keywords (each field the options type has).
template <class O>
O keras_options(keywords& k, const request& r, const std::string& function) {
    O o;
    o.reduction = keras_reduction_of(k.get<std::string>("reduction", "none"), function);
    o.sample_weight = k.get<std::vector<double>>("sample_weight", {});
    o.dtype = format_of(r.dtype);
    o.epsilon = k.get<double>("epsilon", o.epsilon);
    if constexpr (requires { o.from_logits; }) {
        o.from_logits = k.get<bool>("from_logits", o.from_logits);
    }
    if constexpr (requires { o.label_smoothing; }) {
        o.label_smoothing = k.get<double>("label_smoothing", o.label_smoothing);
    }
    if constexpr (requires { o.ignore_class; }) {
        o.ignore_class = k.get<std::optional<std::int64_t>>("ignore_class", std::nullopt);
    }
    if constexpr (requires { o.gamma; }) {
        o.gamma = k.get<double>("gamma", o.gamma);
        o.alpha = k.get<decltype(o.alpha)>("alpha", o.alpha);
    }
    if constexpr (requires { o.kind; }) {
        const auto kind = k.get<std::string>("kind", "huber");
        o.kind = kind == "huber"      ? pr::keras::regression::huber
                 : kind == "log_cosh" ? pr::keras::regression::log_cosh
                 : kind == "poisson"  ? pr::keras::regression::poisson
                                      : throw py::value_error(function + ": no regression loss '" + kind + "'");
        o.delta = k.get<double>("delta", o.delta);
    }
    if constexpr (requires { o.apply_class_balancing; }) {
        o.apply_class_balancing = k.get<bool>("apply_class_balancing", o.apply_class_balancing);
    }
    k.done();
    return o;
}

/// Binds a Keras loss: (request, y_true, y_pred, options dict); reduction 'none' gives one value per row.
template <class O, class Y, class Reduced, class Unreduced>
void def_keras(py::module_& m, const char* name, std::string function, const Reduced& reduced, const Unreduced& unreduced) {
    m.def(name, [function, reduced, unreduced](const request& r, const Y& y_true, const array<double>& y_pred, const py::dict& d) {
        keywords k(d, function);
        const O o = keras_options<O>(k, r, function);
        const auto truth = [&] {
            if constexpr (std::is_same_v<Y, array<double>>) {
                return rows(y_true);
            } else {
                return flat(y_true);
            }
        }();
        if (o.reduction == pr::reduction::none) {
            return run(r, [o, unreduced](const auto& a, const auto& b) { return unreduced(a, b, o); }, truth, rows(y_pred));
        }
        return run(r, [o, reduced](const auto& a, const auto& b) { return reduced(a, b, o); }, truth, rows(y_pred));
    });
}

#define SHANNON_DEF_KERAS(ns, name, O, Y)                                                                        \
    def_keras<O, Y>(                                                                                           \
        m, #ns "_" #name, #ns "." #name, [](const auto& a, const auto& b, const auto& o) { return ns::name(a, b, o); }, \
        [](const auto& a, const auto& b, const auto& o) { return ns::name##_unreduced(a, b, o); })

/// Binds a Keras gradient: (request, y_true, y_pred, options dict), one value per element of y_pred.
template <class O, class Y, class Grad>
void def_keras_grad(py::module_& m, const char* name, std::string function, const Grad& grad) {
    m.def(name, [function, grad](const request& r, const Y& y_true, const array<double>& y_pred, const py::dict& d) {
        keywords k(d, function + "_grad");
        const O o = keras_options<O>(k, r, function + "_grad");
        if constexpr (std::is_same_v<Y, array<double>>) {
            return run(r, [o, grad](const auto& a, const auto& b) { return grad(a, b, o); }, rows(y_true), rows(y_pred));
        } else {
            return run(r, [o, grad](const auto& a, const auto& b) { return grad(a, b, o); }, flat(y_true), rows(y_pred));
        }
    });
}

#define SHANNON_DEF_KERAS_GRAD(ns, name, O, Y) \
    def_keras_grad<O, Y>(m, #ns "_" #name "_grad", #ns "." #name, \
                         [](const auto& a, const auto& b, const auto& o) { return ns::name##_grad(a, b, o); })

void bind_keras(py::module_& m) {
    namespace keras = pr::keras;
    namespace tf_keras2 = pr::tf_keras2;
    using A = array<double>;
    using I = array<std::int64_t>;
    SHANNON_DEF_KERAS(keras, binary_crossentropy, keras::crossentropy_options, A);
    SHANNON_DEF_KERAS(keras, categorical_crossentropy, keras::crossentropy_options, A);
    SHANNON_DEF_KERAS(keras, sparse_categorical_crossentropy, keras::sparse_categorical_crossentropy_options, I);
    SHANNON_DEF_KERAS(keras, kl_divergence, keras::kl_divergence_options, A);
    SHANNON_DEF_KERAS(keras, binary_focal_crossentropy, keras::binary_focal_crossentropy_options, A);
    SHANNON_DEF_KERAS(keras, categorical_focal_crossentropy, keras::categorical_focal_crossentropy_options, A);
    SHANNON_DEF_KERAS(keras, regression, keras::regression_options, A);  // huber, log_cosh, poisson
    SHANNON_DEF_KERAS(tf_keras2, binary_crossentropy, keras::crossentropy_options, A);
    SHANNON_DEF_KERAS_GRAD(keras, binary_crossentropy, keras::crossentropy_options, A);
    SHANNON_DEF_KERAS_GRAD(keras, categorical_crossentropy, keras::crossentropy_options, A);
    SHANNON_DEF_KERAS_GRAD(keras, sparse_categorical_crossentropy, keras::sparse_categorical_crossentropy_options, I);
    SHANNON_DEF_KERAS_GRAD(keras, kl_divergence, keras::kl_divergence_options, A);
    SHANNON_DEF_KERAS_GRAD(keras, poisson, keras::regression_options, A);
    SHANNON_DEF_KERAS_GRAD(keras, binary_focal_crossentropy, keras::binary_focal_crossentropy_options, A);
    SHANNON_DEF_KERAS_GRAD(keras, categorical_focal_crossentropy, keras::categorical_focal_crossentropy_options, A);
    SHANNON_DEF_KERAS_GRAD(tf_keras2, binary_crossentropy, keras::crossentropy_options, A);
}

#undef SHANNON_DEF_KERAS
#undef SHANNON_DEF_KERAS_GRAD

// ---- optax --------------------------------------------------------------------------------------

void bind_optax(py::module_& m) {
    namespace po = pr::optax;
    using A = array<double>;
    using I = array<std::int64_t>;
    const auto by_rows = [&](const char* name, auto fn) {
        m.def(name, [fn](const request& r, const A& x, const A& y) { return run(r, fn, rows(x), rows(y)); });
    };
    by_rows("optax_softmax_cross_entropy", [](const auto& x, const auto& y) { return po::softmax_cross_entropy(x, y); });
    by_rows("optax_safe_softmax_cross_entropy",
            [](const auto& x, const auto& y) { return po::safe_softmax_cross_entropy(x, y); });
    by_rows("optax_kl_divergence", [](const auto& x, const auto& y) { return po::kl_divergence(x, y); });
    by_rows("optax_kl_divergence_with_log_targets",
            [](const auto& x, const auto& y) { return po::kl_divergence_with_log_targets(x, y); });
    by_rows("optax_generalized_kl_divergence", [](const auto& x, const auto& y) { return po::generalized_kl_divergence(x, y); });
    m.def("optax_softmax_cross_entropy_with_integer_labels", [](const request& r, const A& x, const I& y) {
        return run(r, [](const auto& a, const auto& b) { return po::softmax_cross_entropy_with_integer_labels(a, b); },
                   rows(x), flat(y));
    });
    m.def("optax_sigmoid_binary_cross_entropy", [](const request& r, const A& x, const A& y) {
        return run(r, [](const auto& a, const auto& b) { return po::sigmoid_binary_cross_entropy(a, b); }, flat(x), flat(y));
    });
    // sigmoid_focal_loss and poly_loss_cross_entropy, each with its gradient: (request, logits, labels, settings)
    const auto focal = [&](const char* name, auto fn) {
        m.def(name, [fn](const request& r, const A& x, const A& y, double gamma, std::optional<double> alpha,
                         std::optional<double> one_minus_alpha) {
            const po::sigmoid_focal_loss_options o{gamma, alpha, one_minus_alpha};
            return run(r, ex::detail::elementwise_fn{[o, fn](const auto& a, const auto& b) { return fn(a, b, o); }}, flat(x),
                       flat(y));
        });
    };
    focal("optax_sigmoid_focal_loss", [](const auto& a, const auto& b, const auto& o) { return po::sigmoid_focal_loss(a, b, o); });
    focal("optax_sigmoid_focal_loss_grad",
          [](const auto& a, const auto& b, const auto& o) { return po::sigmoid_focal_loss_grad(a, b, o); });
    const auto poly = [&](const char* name, auto fn) {
        m.def(name, [fn](const request& r, const A& x, const A& y, double epsilon) {
            return run(r, [epsilon, fn](const auto& a, const auto& b) { return fn(a, b, epsilon); }, rows(x), rows(y));
        });
    };
    poly("optax_poly_loss_cross_entropy",
         [](const auto& a, const auto& b, double e) { return po::poly_loss_cross_entropy(a, b, e); });
    poly("optax_poly_loss_cross_entropy_grad",
         [](const auto& a, const auto& b, double e) { return po::poly_loss_cross_entropy_grad(a, b, e); });
}

}  // namespace shannon_python
