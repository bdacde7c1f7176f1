// python/shannon/_core_measures.cpp — the bindings of the core's quantities: measures, losses, likelihood, helpers (the shared runner: _core.hpp).
#include "_core.hpp"

namespace shannon_python {

// ---- the core -----------------------------------------------------------------------------------

template <class T>
void bind_core_typed(py::module_& m, const std::string& suffix) {
    const auto measure1 = [&](const std::string& name, auto fn) {
        m.def((name + suffix).c_str(),
              [fn](const request& r, const array<T>& p, const std::string& base, const std::string& norm, double tol,
                   const std::string& red) { return run(r, fn, flat(p), options_of(base, norm, tol, red)); },
              py::arg("request"), py::arg("p"), SHANNON_OPTS);
    };
    const auto measure2 = [&](const std::string& name, auto fn) {
        m.def((name + suffix).c_str(),
              [fn](const request& r, const array<T>& p, const array<T>& q, const std::string& base, const std::string& norm,
                   double tol, const std::string& red) { return run(r, fn, flat(p), flat(q), options_of(base, norm, tol, red)); },
              py::arg("request"), py::arg("p"), py::arg("q"), SHANNON_OPTS);
    };
    // (p, alpha) and (p, q, alpha): the order a float64 (+inf allowed).
    const auto ordered1 = [&](const std::string& name, auto fn) {
        m.def((name + suffix).c_str(),
              [fn](const request& r, const array<T>& p, double alpha, const std::string& base, const std::string& norm,
                   double tol, const std::string& red) { return run(r, fn, flat(p), alpha, options_of(base, norm, tol, red)); },
              py::arg("request"), py::arg("p"), py::arg("alpha"), SHANNON_OPTS);
    };
    const auto ordered2 = [&](const std::string& name, auto fn) {
        m.def((name + suffix).c_str(),
              [fn](const request& r, const array<T>& p, const array<T>& q, double alpha, const std::string& base,
                   const std::string& norm, double tol, const std::string& red) {
                  return run(r, fn, flat(p), flat(q), alpha, options_of(base, norm, tol, red));
              },
              py::arg("request"), py::arg("p"), py::arg("q"), py::arg("alpha"), SHANNON_OPTS);
    };
    // A joint table: an n-D array, read as a table_view (its cells row-major and its shape); `given` an
    // axis (-1: the quantity's default; the package turns NumPy's negative axes into these), `average` NMI's normalizer.
    const auto table = [&](const std::string& name, auto fn) {
        m.def((name + suffix).c_str(),
              [fn](const request& r, const array<T>& j, const std::string& base, const std::string& norm, double tol,
                   long given, const std::string& average) {
                  static constexpr std::pair<const char*, shannon::nmi_average> averages[] = {
                      {"arithmetic", shannon::nmi_average::arithmetic}, {"geometric", shannon::nmi_average::geometric},
                      {"min", shannon::nmi_average::min}, {"max", shannon::nmi_average::max},
                      {"joint", shannon::nmi_average::joint}};
                  shannon::options o = options_of(base, norm, tol, "mean");
                  o.average = named(average, averages, "", "average", "'arithmetic', 'geometric', 'min', 'max' or 'joint'");
                  if (given >= 0) {
                      o.given = static_cast<std::size_t>(given);  // the core checks it against the table
                  }
                  std::vector<std::size_t> shape(j.shape(), j.shape() + j.ndim());
                  return run(r, fn, shannon::table_view{flat(j), std::move(shape)}, o);
              },
              py::arg("request"), py::arg("J"), py::arg("base") = "nats", py::arg("normalization") = "check",
              py::arg("sum_tolerance") = 1e-6, py::arg("given") = -1, py::arg("average") = "arithmetic");
    };
    // The measures of the list (core/registry.hpp), by the kinds of their arguments, for float64 and
    // float32 arrays; the list's other kinds are bound in bind_core.
    shannon::for_each_quantity([&](const auto& q) {
        using Q = std::remove_cvref_t<decltype(q)>;
        using kinds = shannon::argument_kinds;
        const std::string name(Q::info.name);
        if constexpr (Q::info.arguments == kinds::distribution) {
            measure1(name, q);
        } else if constexpr (Q::info.arguments == kinds::two_distributions) {
            measure2(name, q);
        } else if constexpr (!std::is_same_v<T, double>) {
            // The orders' and the tables' quantities take float64 arrays only: the package converts
            // float32 ones (exactly) and rounds to the inputs' dtype all the same, so a float32
            // instantiation of each (the oracle's paths for every number of arguments) would only
            // cost this translation unit its compile time.
        } else if constexpr (Q::info.arguments == kinds::distribution_and_order) {
            ordered1(name, q);
        } else if constexpr (Q::info.arguments == kinds::two_distributions_and_order) {
            ordered2(name, q);
        } else if constexpr (Q::info.arguments == kinds::joint_table) {
            table(name, q);
        }
    });
}

void bind_core(py::module_& m) {
    bind_core_typed<double>(m, "");
    bind_core_typed<float>(m, "_f32");
    using A = array<double>;
    using I = array<std::int64_t>;

    // Elementwise scalar functions: one value per element.
    const auto elementwise = [&](const char* name, auto fn) {
        m.def(name, [fn](const request& r, const A& x, const std::string& base) {
            const shannon::unit u = unit_of(base);
            return run(r, [fn, u](const auto& v) {
                using E = std::remove_cvref_t<decltype(v[0])>;
                std::vector<E> out;
                for (const auto& e : v) {
                    out.push_back(fn(e, u));
                }
                return out;
            }, flat(x));
        }, py::arg("request"), py::arg("x"), py::arg("base") = "nats");
    };
    elementwise("self_information", [](const auto& p, shannon::unit u) { return shannon::self_information(p, u); });
    elementwise("binary_entropy", [](const auto& p, shannon::unit u) { return shannon::binary_entropy(p, u); });
    elementwise("sigmoid", [](const auto& x, shannon::unit) { return shannon::sigmoid(x); });
    elementwise("softplus", [](const auto& x, shannon::unit) { return shannon::softplus(x); });
    elementwise("log_sigmoid", [](const auto& x, shannon::unit) { return shannon::log_sigmoid(x); });

    m.def("logsumexp", [](const request& r, const A& z) { return run(r, shannon::logsumexp, flat(z)); },
          py::arg("request"), py::arg("z"));
    m.def("softmax", [](const request& r, const A& z) { return run(r, shannon::softmax, flat(z)); }, py::arg("request"),
          py::arg("z"));
    m.def("log_softmax",
          [](const request& r, const A& z) { return run_row(r, shannon::log_softmax, z, ex::detail::round_log_softmax_row); },
          py::arg("request"), py::arg("z"));

    const auto pair_loss = [&](const char* name, auto fn) {
        m.def(name,
              [fn](const request& r, const A& y, const A& x, const std::string& red) {
                  return run(r, fn, flat(y), flat(x), options_of("nats", "check", 1e-6, red));
              },
              py::arg("request"), py::arg("y"), py::arg("x"), py::arg("reduction") = "mean");
    };

    const auto categorical = [&](const char* name, auto fn) {
        m.def(name,
              [fn](const request& r, const I& target, const A& q, const std::string& base, const std::string& norm, double tol,
                   const std::string& red) {
                  const auto o = options_of(base, norm, tol, red);
                  if (q.ndim() == 1) {
                      if (target.size() != 1) {
                          throw std::invalid_argument("shannon: one row of predictions takes one class index");
                      }
                      return run(r, fn, static_cast<std::size_t>(*target.data()), flat(q), o);
                  }
                  return run(r, fn, flat(target), rows(q), o);
              },
              py::arg("request"), py::arg("target"), py::arg("q"), SHANNON_OPTS);
        m.def((std::string(name) + "_soft").c_str(),
              [fn](const request& r, const A& target, const A& q, const std::string& base, const std::string& norm, double tol,
                   const std::string& red) {
                  const auto o = options_of(base, norm, tol, red);
                  if (q.ndim() == 1) {
                      return run(r, fn, flat(target), flat(q), o);
                  }
                  return run(r, fn, rows(target), rows(q), o);
              },
              py::arg("request"), py::arg("target"), py::arg("q"), SHANNON_OPTS);
    };

    const auto multilabel = [&](const char* name, auto fn) {
        m.def(name,
              [fn](const request& r, const A& y, const A& x, const std::string& red) {
                  const auto o = options_of("nats", "check", 1e-6, red);
                  if (x.ndim() == 1) {
                      return run(r, fn, flat(y), flat(x), o);
                  }
                  return run(r, fn, rows(y), rows(x), o);
              },
              py::arg("request"), py::arg("y"), py::arg("x"), py::arg("reduction") = "mean");
    };
    multilabel("multilabel_binary_cross_entropy", shannon::multilabel_binary_cross_entropy);
    multilabel("multilabel_binary_cross_entropy_with_logits", shannon::multilabel_binary_cross_entropy_with_logits);

    // Likelihood: (data, p) and (data, q).
    const auto bernoulli = [&](const char* name, auto fn) {
        m.def(name, [fn](const request& r, const I& data, double p) { return run(r, fn, flat(data), p); },
              py::arg("request"), py::arg("data"), py::arg("p"));
    };
    bernoulli("bernoulli_log_likelihood", [](const auto& d, const auto& p) { return shannon::bernoulli_log_likelihood(d, p); });
    bernoulli("bernoulli_nll", [](const auto& d, const auto& p) { return shannon::bernoulli_nll(d, p); });
    const auto categorical_likelihood = [&](const char* name, auto fn) {
        m.def(name, [fn](const request& r, const I& data, const A& q) { return run(r, fn, flat(data), flat(q)); },
              py::arg("request"), py::arg("data"), py::arg("q"));
    };
    categorical_likelihood("categorical_log_likelihood",
                           [](const auto& d, const auto& q) { return shannon::categorical_log_likelihood(d, q); });
    categorical_likelihood("categorical_nll", [](const auto& d, const auto& q) { return shannon::categorical_nll(d, q); });
    // (y, mu, sigma2) and (y, mu).
    const auto gaussian = [&](const char* name, auto fn) {
        m.def(name, [fn](const request& r, const A& y, const A& mu, double s2) { return run(r, fn, flat(y), flat(mu), s2); },
              py::arg("request"), py::arg("y"), py::arg("mu"), py::arg("sigma2"));
    };
    gaussian("gaussian_log_likelihood",
             [](const auto& a, const auto& b, const auto& s) { return shannon::gaussian_log_likelihood(a, b, s); });
    const auto squared = [&](const char* name, auto fn) {
        m.def(name, [fn](const request& r, const A& y, const A& mu) { return run(r, fn, flat(y), flat(mu)); },
              py::arg("request"), py::arg("y"), py::arg("mu"));
    };
    squared("sum_squared_error", [](const auto& a, const auto& b) { return shannon::sum_squared_error(a, b); });

    // The losses of the list (core/registry.hpp), by the kinds of their arguments (the measures:
    // bind_core_typed); the functions bound above by name are not in the list.
    shannon::for_each_quantity([&](const auto& q) {
        using Q = std::remove_cvref_t<decltype(q)>;
        constexpr shannon::argument_kinds kind = Q::info.arguments;
        using kinds = shannon::argument_kinds;
        const char* name = Q::info.name.data();  // a string literal: NUL-terminated
        if constexpr (kind == kinds::labels_and_probabilities || kind == kinds::labels_and_logits) {
            pair_loss(name, q);
        } else if constexpr (kind == kinds::classes_and_probabilities || kind == kinds::classes_and_logits) {
            categorical(name, q);
        } else if constexpr (kind == kinds::gaussian) {
            gaussian(name, q);
        } else if constexpr (kind == kinds::observations_and_predictions) {
            squared(name, q);
        } else {
            static_assert(kind == kinds::distribution || kind == kinds::two_distributions ||
                              kind == kinds::distribution_and_order || kind == kinds::two_distributions_and_order ||
                              kind == kinds::joint_table,
                          "a kind of arguments the extension does not bind");
        }
    });
}

}  // namespace shannon_python
