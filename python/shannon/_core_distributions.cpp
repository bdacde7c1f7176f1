// python/shannon/_core_distributions.cpp — the bindings of torch.distributions' closed-form KL
// divergences and their gradients (include/shannon/profiles/torch_distributions.hpp): seven runners, one per kind of
// formula, the family chosen at run time inside (each run() instantiation costs seconds of compile
// time). Gamma, Beta and Dirichlet need log Gamma and digamma, which the double-double ball lacks:
// their functors are constrained to the number types that have them, so the oracle evaluates them
// in MPFI.
#include <shannon/profiles/torch_distributions.hpp>

#include "_core.hpp"

namespace shannon_python {

namespace {

namespace td = shannon::profiles::torch::distributions;

td::family family_named(const std::string& name) {
    static const std::map<std::string, td::family> families{
        {"normal", td::family::normal},       {"bernoulli", td::family::bernoulli}, {"binomial", td::family::binomial},
        {"geometric", td::family::geometric}, {"poisson", td::family::poisson},     {"exponential", td::family::exponential},
        {"uniform", td::family::uniform},     {"laplace", td::family::laplace},     {"gamma", td::family::gamma},
        {"beta", td::family::beta}};
    const auto it = families.find(name);
    if (it == families.end()) {
        throw py::value_error("shannon._core.torch_distribution_kl: no family '" + name + "'");
    }
    return it->second;
}

td::given given_named(const std::string& g) {
    if (g != "probs" && g != "logits") {
        throw py::value_error("shannon._core: a distribution is given by 'probs' or 'logits', not '" + g + "'");
    }
    return g == "probs" ? td::given::probs : td::given::logits;
}

/// The scalar families without log Gamma (the ball takes them).
struct elementary_kl {
    static constexpr bool elementwise = true;  // value i reads element i of each array only
    td::kl_options o;
    template <class A, class B, class C, class D>
    auto operator()(const A& p0, const B& p1, const C& q0, const D& q1) const {
        return td::kl_divergence(o, p0, p1, q0, q1);
    }
};

/// The gradients (families without log Gamma).
struct elementary_kl_gradient {
    td::kl_options o;
    template <class A, class B, class C, class D>
    auto operator()(const A& p0, const B& p1, const C& q0, const D& q1) const {
        return td::kl_divergence_gradient(o, p0, p1, q0, q1);
    }
};

/// Gamma's and Beta's gradients (trigamma): only for the number types with log Gamma and its derivatives.
struct gamma_kl_gradient {
    td::kl_options o;
    template <class A, class B, class C, class D>
        requires shannon::detail::has_gamma_functions<shannon::working_t<shannon::detail::range_real_t<A>>>
    auto operator()(const A& p0, const B& p1, const C& q0, const D& q1) const {
        return td::kl_divergence_gradient(o, p0, p1, q0, q1);
    }
};

/// Gamma and Beta: only for the number types with log Gamma and digamma.
struct gamma_kl {
    static constexpr bool elementwise = true;
    td::kl_options o;
    template <class A, class B, class C, class D>
        requires shannon::detail::has_gamma_functions<shannon::working_t<shannon::detail::range_real_t<A>>>
    auto operator()(const A& p0, const B& p1, const C& q0, const D& q1) const {
        return td::kl_divergence(o, p0, p1, q0, q1);
    }
};

struct categorical_kl {
    td::given p;
    td::given q;
    pr::dtype d;
    template <class Rows>
    auto operator()(const Rows& a, const Rows& b) const {
        return td::kl_categorical(p, q, d, a, b);
    }
};

struct categorical_kl_gradient {
    td::given p;
    td::given q;
    pr::dtype d;
    template <class Rows>
    auto operator()(const Rows& a, const Rows& b) const {
        return td::kl_categorical_gradient(p, q, d, a, b);
    }
};

struct multivariate_normal_kl {
    td::matrix_form p;
    td::matrix_form q;
    bool grad;
    template <class Rows>
    auto operator()(const Rows& pl, const Rows& pm, const Rows& ql, const Rows& qm) const {
        return grad ? td::kl_multivariate_normal_gradient(p, q, pl, pm, ql, qm) : td::kl_multivariate_normal(p, q, pl, pm, ql, qm);
    }
};

td::matrix_form form_named(const std::string& f) {
    if (f == "covariance_matrix") {
        return td::matrix_form::covariance_matrix;
    }
    if (f == "precision_matrix") {
        return td::matrix_form::precision_matrix;
    }
    if (f == "scale_tril") {
        return td::matrix_form::scale_tril;
    }
    throw py::value_error("shannon._core: a MultivariateNormal is given by covariance_matrix, precision_matrix or "
                          "scale_tril, not '" + f + "'");
}

struct dirichlet_kl {
    bool grad = false;
    template <class Rows>
        requires shannon::detail::has_gamma_functions<shannon::working_t<shannon::profiles::detail::rows_t<Rows>>>
    auto operator()(const Rows& a, const Rows& b) const {
        return grad ? td::kl_dirichlet_gradient(a, b) : td::kl_dirichlet(a, b);
    }
};

}  // namespace

void bind_distributions(py::module_& m) {
    using A = array<double>;
    m.def(
        "torch_distribution_kl",
        [](const request& r, const std::string& family, const A& p0, const A& p1, const A& q0, const A& q1,
           const std::string& p_given, const std::string& q_given, const std::string& dtype, bool grad,
           const std::string& q_family) {
            td::kl_options o;
            o.f = family_named(family);
            o.p = given_named(p_given);
            o.q = given_named(q_given);
            o.d = format_of(dtype);
            if (!q_family.empty()) {  // a pair of two families: Uniform against Beta (log Gamma: the MPFR/MPFI path)
                o.q_family = family_named(q_family);
                if (grad) {
                    throw py::value_error("shannon._core.torch_distribution_kl: no gradient for a pair of two families");
                }
                td::check_parameters(o, flat(p0), flat(p1), flat(q0), flat(q1));
                return run(r, gamma_kl{o}, flat(p0), flat(p1), flat(q0), flat(q1));
            }
            td::check_parameters(o, flat(p0), flat(p1), flat(q0), flat(q1));
            if (grad) {
                if (o.f == td::family::gamma || o.f == td::family::beta) {
                    return run(r, gamma_kl_gradient{o}, flat(p0), flat(p1), flat(q0), flat(q1));
                }
                return run(r, elementary_kl_gradient{o}, flat(p0), flat(p1), flat(q0), flat(q1));
            }
            if (o.f == td::family::gamma || o.f == td::family::beta) {
                return run(r, gamma_kl{o}, flat(p0), flat(p1), flat(q0), flat(q1));
            }
            return run(r, elementary_kl{o}, flat(p0), flat(p1), flat(q0), flat(q1));
        },
        py::arg("request"), py::arg("family"), py::arg("p0"), py::arg("p1"), py::arg("q0"), py::arg("q1"),
        py::arg("p_given") = "probs", py::arg("q_given") = "probs", py::arg("dtype") = "float64",
        py::arg("grad") = false, py::arg("q_family") = "");
    m.def(
        "torch_distribution_kl_rows",
        [](const request& r, const std::string& family, const A& p, const A& q, const std::string& p_given,
           const std::string& q_given, const std::string& dtype, bool grad) {
            const auto pr = rows(p);
            const auto qr = rows(q);
            const bool dirichlet = family == "dirichlet";
            const std::size_t c = pr.empty() ? 0 : pr.front().size();
            td::check_rows(dirichlet ? "p.concentration" : "p." + p_given, dirichlet, given_named(p_given), pr, c);
            td::check_rows(dirichlet ? "q.concentration" : "q." + q_given, dirichlet, given_named(q_given), qr, c);
            if (pr.size() != qr.size()) {
                throw py::value_error("shannon._core.torch_distribution_kl_rows: p has " + std::to_string(pr.size()) +
                                      " rows, q " + std::to_string(qr.size()) + " (broadcast them first)");
            }
            if (dirichlet) {  // with grad: every row's d/dp, then every row's d/dq (2 N C values)
                return run(r, dirichlet_kl{grad}, pr, qr);
            }
            if (family != "categorical") {
                throw py::value_error("shannon._core.torch_distribution_kl_rows: no family '" + family + "'");
            }
            if (grad) {
                return run(r, categorical_kl_gradient{given_named(p_given), given_named(q_given), format_of(dtype)}, pr,
                           qr);
            }
            return run(r, categorical_kl{given_named(p_given), given_named(q_given), format_of(dtype)}, pr, qr);
        },
        py::arg("request"), py::arg("family"), py::arg("p"), py::arg("q"), py::arg("p_given") = "probs",
        py::arg("q_given") = "probs", py::arg("dtype") = "float64", py::arg("grad") = false);
    // MultivariateNormal: (N, k) locations and (N, k * k) matrices, checked by the caller (finite,
    // positive definite, scale_tril lower triangular with a positive diagonal).
    m.def(
        "torch_distribution_kl_mvn",
        [](const request& r, const std::string& p_form, const std::string& q_form, const A& p_loc, const A& p_matrix,
           const A& q_loc, const A& q_matrix, bool grad) {
            return run(r, multivariate_normal_kl{form_named(p_form), form_named(q_form), grad}, rows(p_loc), rows(p_matrix),
                       rows(q_loc), rows(q_matrix));
        },
        py::arg("request"), py::arg("p_form"), py::arg("q_form"), py::arg("p_loc"), py::arg("p_matrix"), py::arg("q_loc"),
        py::arg("q_matrix"), py::arg("grad") = false);
}

}  // namespace shannon_python
