// python/shannon/_core_torch.cpp — the bindings of the PyTorch profile (losses, unreduced forms, gradients) (the shared runner: _core.hpp).
#include "_core.hpp"

namespace shannon_python {

// ---- PyTorch ------------------------------------------------------------------------------------

/// A reduced or unreduced call of a profile function, by the reduction asked for, or its gradient.
template <class Reduced, class Unreduced, class Gradient, class... Args>
py::object by_reduction(const request& r, pr::reduction red, bool grad, const Reduced& reduced, const Unreduced& unreduced,
                        const Gradient& gradient, const Args&... args) {
    if (grad) {
        return run(r, gradient, args...);
    }
    if (red == pr::reduction::none) {
        return run(r, unreduced, args...);
    }
    return run(r, reduced, args...);
}

/// Elements [first, first + count) of a row-major argument: rows (a vector of row spans) or a flat
/// span with one element per row (class indices).
template <class T>
std::span<const T> block_of(const std::vector<T>& v, std::size_t first, std::size_t count) {
    return std::span<const T>(v).subspan(first, count);
}
template <class T>
std::span<const T> block_of(std::span<const T> v, std::size_t first, std::size_t count) {
    return v.subspan(first, count);
}

/// by_reduction() for a loss over the rows of an N x C input whose gradient takes a row window
/// (torch's cross_entropy_grad_of): rounded in blocks of rows (run_blocks()), the batch checked once
/// (gradient.for_blocks) and each block's rows and targets passed alone.
template <class Reduced, class Unreduced, class Gradient, class... Args>
py::object by_reduction_rows(const request& r, pr::reduction red, bool grad, const Reduced& reduced,
                             const Unreduced& unreduced, const Gradient& gradient, const array<double>& input,
                             const Args&... args) {
    if (grad && r.mode == "round" && input.ndim() == 2) {
        // the batch's checks and divisor once; each block then reads only its rows and targets (and
        // an MPFI fallback lifts those only)
        const auto whole = gradient.for_blocks(args...);
        return run_blocks(r, static_cast<std::size_t>(input.shape(0)), static_cast<std::size_t>(input.shape(1)),
                          [&](ex::format f, std::size_t first, std::size_t count, tally_sink block) {
                              ex::detail::round_each_into(ex::settings{}, f, block, whole,
                                                          block_of(args, first, count)...);
                          });
    }
    return by_reduction(r, red, grad, reduced, unreduced, gradient, args...);
}

void bind_torch(py::module_& m) {
    namespace pt = pr::torch;
    using A = array<double>;
    using I = array<std::int64_t>;
    using OA = std::optional<A>;

    // Each binding: the reduced loss, its unreduced form (reduction 'none'), or with grad=True the
    // gradient with respect to input (of the reduced loss; of the sum for 'none').
    m.def("torch_cross_entropy",
          [](const request& r, const A& input, const I& target, const OA& weight, std::int64_t ignore_index,
             const std::string& reduction, double label_smoothing, bool grad, bool log_probabilities) {
              const pt::cross_entropy_options o{vec(weight), ignore_index, reduction_of(reduction, "torch.cross_entropy"),
                                                label_smoothing, log_probabilities};
              return by_reduction_rows(
                  r, o.reduction, grad, [o](const auto& x, const auto& t) { return pt::cross_entropy(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::cross_entropy_unreduced(x, t, o); },
                  pt::cross_entropy_grad_of{o, {}, {}}, input, rows(input), flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("ignore_index"),
          py::arg("reduction"), py::arg("label_smoothing"), py::arg("grad") = false, py::arg("log_probabilities") = false);
    m.def("torch_cross_entropy_prob",
          [](const request& r, const A& input, const A& target, const OA& weight, const std::string& reduction,
             double label_smoothing, bool grad, bool log_probabilities) {
              const pt::cross_entropy_options o{vec(weight), -100, reduction_of(reduction, "torch.cross_entropy"), label_smoothing,
                                                log_probabilities};
              return by_reduction_rows(
                  r, o.reduction, grad, [o](const auto& x, const auto& t) { return pt::cross_entropy(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::cross_entropy_unreduced(x, t, o); },
                  pt::cross_entropy_grad_of{o, {}, {}}, input, rows(input), rows(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("reduction"),
          py::arg("label_smoothing"), py::arg("grad") = false, py::arg("log_probabilities") = false);
    m.def("torch_nll_loss",
          [](const request& r, const A& input, const I& target, const OA& weight, std::int64_t ignore_index,
             const std::string& reduction, bool grad) {
              const pt::nll_loss_options o{vec(weight), ignore_index, reduction_of(reduction, "torch.nll_loss")};
              return by_reduction(
                  r, o.reduction, grad, [o](const auto& x, const auto& t) { return pt::nll_loss(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::nll_loss_unreduced(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::nll_loss_grad(x, t, o); }, rows(input), flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("ignore_index"),
          py::arg("reduction"), py::arg("grad") = false);
    m.def("torch_binary_cross_entropy",
          [](const request& r, const A& input, const A& target, const OA& weight, const std::string& reduction, bool grad) {
              const pt::binary_cross_entropy_options o{vec(weight), reduction_of(reduction, "torch.binary_cross_entropy")};
              const pr::dtype dt = format_of(r.dtype);
              return by_reduction(
                  r, o.reduction, grad, [o](const auto& x, const auto& t) { return pt::binary_cross_entropy(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::binary_cross_entropy_unreduced(x, t, o); },
                  [o, dt](const auto& x, const auto& t) { return pt::binary_cross_entropy_grad(x, t, o, dt); }, flat(input),
                  flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("reduction"),
          py::arg("grad") = false);
    m.def("torch_binary_cross_entropy_with_logits",
          [](const request& r, const A& input, const A& target, const OA& weight, const std::string& reduction,
             const OA& pos_weight, bool grad) {
              const pt::binary_cross_entropy_with_logits_options o{
                  vec(weight), reduction_of(reduction, "torch.binary_cross_entropy_with_logits"), vec(pos_weight)};
              return by_reduction(
                  r, o.reduction, grad,
                  [o](const auto& x, const auto& t) { return pt::binary_cross_entropy_with_logits(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::binary_cross_entropy_with_logits_unreduced(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::binary_cross_entropy_with_logits_grad(x, t, o); },
                  flat(input), flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("reduction"),
          py::arg("pos_weight"), py::arg("grad") = false);
    m.def("torch_kl_div",
          [](const request& r, const A& input, const A& target, const std::string& reduction, bool log_target, bool grad) {
              const pt::kl_div_options o{reduction_of(reduction, "torch.kl_div", true), log_target};
              const auto batch = static_cast<std::size_t>(input.ndim() == 0 ? 1 : input.shape(0));
              return by_reduction(
                  r, o.reduction, grad, [o, batch](const auto& x, const auto& t) { return pt::kl_div(x, t, batch, o); },
                  [o](const auto& x, const auto& t) { return pt::kl_div_unreduced(x, t, o); },
                  [o, batch](const auto& x, const auto& t) { return pt::kl_div_grad(x, t, batch, o); }, flat(input),
                  flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("reduction"), py::arg("log_target"),
          py::arg("grad") = false);
    m.def("torch_gaussian_nll_loss",
          [](const request& r, const A& input, const A& target, const A& var, bool full, double eps,
             const std::string& reduction, bool grad) {
              const pt::gaussian_nll_loss_options o{full, eps, reduction_of(reduction, "torch.gaussian_nll_loss"),
                                                    format_of(r.dtype)};
              return by_reduction(
                  r, o.reduction, grad,
                  [o](const auto& x, const auto& t, const auto& v) { return pt::gaussian_nll_loss(x, t, v, o); },
                  [o](const auto& x, const auto& t, const auto& v) { return pt::gaussian_nll_loss_unreduced(x, t, v, o); },
                  [o](const auto& x, const auto& t, const auto& v) { return pt::gaussian_nll_loss_grad(x, t, v, o); },
                  flat(input), flat(target), flat(var));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("var"), py::arg("full"), py::arg("eps"),
          py::arg("reduction"), py::arg("grad") = false);
    m.def("torch_poisson_nll_loss",
          [](const request& r, const A& input, const A& target, bool log_input, bool full, double eps,
             const std::string& reduction, bool grad) {
              const pt::poisson_nll_loss_options o{log_input, full, eps, reduction_of(reduction, "torch.poisson_nll_loss")};
              return by_reduction(
                  r, o.reduction, grad, [o](const auto& x, const auto& t) { return pt::poisson_nll_loss(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::poisson_nll_loss_unreduced(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::poisson_nll_loss_grad(x, t, o); }, flat(input),
                  flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("log_input"), py::arg("full"), py::arg("eps"),
          py::arg("reduction"), py::arg("grad") = false);
    m.def("torch_mse_loss",
          [](const request& r, const A& input, const A& target, const std::string& reduction, bool grad) {
              const pr::reduction red = reduction_of(reduction, "torch.mse_loss");
              return by_reduction(
                  r, red, grad, [red](const auto& x, const auto& t) { return pt::mse_loss(x, t, red); },
                  [](const auto& x, const auto& t) { return pt::mse_loss_unreduced(x, t); },
                  [red](const auto& x, const auto& t) { return pt::mse_loss_grad(x, t, red); }, flat(input), flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("reduction"), py::arg("grad") = false);
    m.def("torch_multilabel_soft_margin_loss",
          [](const request& r, const A& input, const A& target, const OA& weight, const std::string& reduction, bool grad) {
              const pt::multilabel_soft_margin_loss_options o{vec(weight),
                                                              reduction_of(reduction, "torch.multilabel_soft_margin_loss")};
              return by_reduction(
                  r, o.reduction, grad,
                  [o](const auto& x, const auto& t) { return pt::multilabel_soft_margin_loss(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::multilabel_soft_margin_loss_unreduced(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::multilabel_soft_margin_loss_grad(x, t, o); }, rows(input),
                  rows(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("reduction"),
          py::arg("grad") = false);
    // The pointwise losses (l1, smooth_l1, huber, soft_margin): one runner for the reduced forms and one
    // for reduction 'none', the loss chosen inside (each run() instantiates the whole oracle).
    m.def("torch_pointwise_loss",
          [](const request& r, const std::string& name, const A& input, const A& target, const std::string& reduction,
             double param, bool grad, double divisor) {
              const pt::pointwise_loss kind = name == "l1_loss"          ? pt::pointwise_loss::l1
                                              : name == "smooth_l1_loss" ? pt::pointwise_loss::smooth_l1
                                              : name == "huber_loss"     ? pt::pointwise_loss::huber
                                              : name == "soft_margin_loss" ? pt::pointwise_loss::soft_margin
                                              : name == "scaled_square"    ? pt::pointwise_loss::scaled_square
                                              : name == "log_cosh"
                                                  ? pt::pointwise_loss::log_cosh
                                                  : throw py::value_error("shannon._core.torch_pointwise_loss: no loss '" +
                                                                          name + "'");
              const std::string where = "torch." + name;
              const pr::reduction red = reduction_of(reduction, where.c_str());
              if (grad) {  // d / d input: of the sum for 'none', / divisor when given (Keras' row means)
                  // Elementwise: the mean's divisor fixed from the whole input, so that the oracle re-evaluates
                  // only the elements the ball leaves undecided (one hard element of 10^6 sent all of them to
                  // MPFI: 9.7 s where the ball takes 0.35).
                  const double d = divisor > 0 ? divisor : static_cast<double>(input.size());
                  return run(r, ex::detail::elementwise_fn{[kind, param, red, d](const auto& x, const auto& t) {
                      return pt::pointwise_loss_grad(kind, x, t, red, param, d);
                  }}, flat(input), flat(target));
              }
              if (red == pr::reduction::none) {
                  return run(r, [kind, param](const auto& x, const auto& t) {
                      return pt::pointwise_loss_unreduced(kind, x, t, param);
                  }, flat(input), flat(target));
              }
              return run(r, [kind, param, red](const auto& x, const auto& t) {
                  return pt::pointwise_loss_reduced(kind, x, t, red, param);
              }, flat(input), flat(target));
          },
          py::arg("request"), py::arg("name"), py::arg("input"), py::arg("target"), py::arg("reduction"),
          py::arg("param") = 1.0, py::arg("grad") = false, py::arg("divisor") = -1.0);

    // torch.special and torch.nn.functional's elementwise functions (profiles/torch_special.hpp): one
    // value per element of the broadcast, flattened inputs; `dtype` names the input's own dtype (the
    // one PyTorch rounds its constants and tests to), which may differ from the request's. One runner
    // for the one-argument functions and one for the two-argument ones, the function chosen inside:
    // each run() instantiates the whole oracle, and nine of them doubled this file's compile time.
    namespace ts = pt::special;
    m.def("torch_elementwise",
          [](const request& r, const std::string& name, const A& x, double beta, double threshold,
             std::optional<double> eps, const std::string& dtype) {
              enum class fn { entr, expit, logit, log1p, expm1, softplus, logsigmoid };
              const fn f = name == "entr"       ? fn::entr
                           : name == "expit"    ? fn::expit
                           : name == "logit"    ? fn::logit
                           : name == "log1p"    ? fn::log1p
                           : name == "expm1"    ? fn::expm1
                           : name == "softplus" ? fn::softplus
                           : name == "logsigmoid"
                               ? fn::logsigmoid
                               : throw py::value_error("shannon._core.torch_elementwise: no function '" + name + "'");
              const ex::format d = format_of(dtype);
              return run(r, ex::detail::elementwise_fn{[=](const auto& v) {
                  switch (f) {
                      case fn::entr: return ts::entr(v);
                      case fn::expit: return ts::expit(v);
                      case fn::logit: return ts::logit(v, eps, d);
                      case fn::log1p: return ts::log1p(v);
                      case fn::expm1: return ts::expm1(v);
                      case fn::softplus: return pt::softplus(v, beta, threshold, d);
                      case fn::logsigmoid: break;
                  }
                  return pt::logsigmoid(v);
              }}, flat(x));
          },
          py::arg("request"), py::arg("name"), py::arg("x"), py::arg("beta") = 1.0, py::arg("threshold") = 20.0,
          py::arg("eps") = std::nullopt, py::arg("dtype") = "float64");
    m.def("torch_elementwise2", [](const request& r, const std::string& name, const A& x, const A& y) {
        if (name != "xlogy" && name != "xlog1py") {
            throw py::value_error("shannon._core.torch_elementwise2: no function '" + name + "'");
        }
        const bool log1p = name == "xlog1py";
        return run(r, ex::detail::elementwise_fn{[log1p](const auto& a, const auto& b) {
                       return log1p ? ts::xlog1py(a, b) : ts::xlogy(a, b);
                   }}, flat(x), flat(y));
    });
}

}  // namespace shannon_python
