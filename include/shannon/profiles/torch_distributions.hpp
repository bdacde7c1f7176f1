// shannon/profiles/torch_distributions.hpp — the closed-form KL divergences of torch.distributions
// (torch/distributions/kl.py), exactly.
//
// Each value is the exact value of the closed form PyTorch's kl_divergence(p, q) evaluates for the
// pair, at the distributions' parameters as given, with PyTorch's conventions:
//  * a distribution given by probabilities holds logits computed from them after clamp_probs (to
//    [eps, 1 - eps], eps the dtype's machine epsilon: utils.probs_to_logits), and those logits enter
//    the formulas; one given by logits holds probabilities sigmoid(logits) / softmax(logits), here
//    exact (PyTorch rounds them first, and its 1 - probs then loses digits where probs is near 1:
//    PyTorch's rounding error, which the exact value shows, not a convention);
//  * the masks kl.py writes: +inf where q gives zero probability to what p does not (Bernoulli,
//    Categorical, Uniform, Binomial with p.total_count > q.total_count), 0 where p's term has zero
//    weight; and IEEE's NaN and infinities where the formula meets them and kl.py does not mask them
//    (Poisson with p.rate = 0: 0 * log 0 is NaN; Binomial with probs 1: log1p(-1)).
// The formulas are the same algebra as kl.py's; the MPFI evaluation makes them exact, so kl.py's
// cancellations (the Normal's var_ratio - 1 - log var_ratio at var_ratio near 1, Beta's and Gamma's
// differences of lgamma) cost precision here, never correctness. Gamma, Beta and Dirichlet need
// log Gamma and digamma: MPFR numbers and MPFI intervals (numbers/mpfr.hpp, numbers/mpfi.hpp: MPFR's
// directed roundings) and the oracle's ball (numbers/ball.hpp: the recurrence and the asymptotic series
// with its remainder enclosed); the oracle evaluates them in the ball, MPFI where it cannot decide.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "common.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::profiles::torch::distributions {

/// The families whose pairs (p, q of one family) have a closed form here. HalfNormal(scale) is
/// Normal(0, scale) (kl.py: _kl_halfnormal_halfnormal), OneHotCategorical is Categorical.
enum class family { normal, bernoulli, binomial, geometric, poisson, exponential, uniform, laplace, gamma, beta };

/// How a Bernoulli, Binomial, Geometric or Categorical distribution was given.
enum class given : unsigned char { probs, logits };

/// One pair's settings: the family, how p and q were given, and the parameters' dtype (its machine
/// epsilon clamps probabilities before logits are formed).
struct kl_options {
    family f = family::normal;  ///< the family of p (and of q, unless q_family says otherwise)
    given p = given::probs;       ///< how p was given
    given q = given::probs;       ///< how q was given
    dtype d = dtype::binary64;    ///< the parameters' dtype (its machine epsilon clamps probabilities)
    /// q's family for the pairs of two families kl.py has a closed form for (here: Uniform p, Beta q)
    std::optional<family> q_family{};
};

/// q's family.
[[nodiscard]] inline family family_of_q(const kl_options& o) { return o.q_family ? *o.q_family : o.f; }

/// The parameter names of a family (torch's), in the order the flat arrays hold them.
[[nodiscard]] inline std::array<std::string_view, 2> parameter_names(family f, given g = given::probs) {
    const std::string_view pl = g == given::probs ? "probs" : "logits";
    switch (f) {
        case family::normal: return {"loc", "scale"};
        case family::bernoulli: return {pl, ""};
        case family::binomial: return {"total_count", pl};
        case family::geometric: return {pl, ""};
        case family::poisson: return {"rate", ""};
        case family::exponential: return {"rate", ""};
        case family::uniform: return {"low", "high"};
        case family::laplace: return {"loc", "scale"};
        case family::gamma: return {"concentration", "rate"};
        case family::beta: return {"concentration1", "concentration0"};
    }
    return {"", ""};
}

namespace detail {
using namespace profiles::detail;
using shannon::detail::exp_;
using shannon::detail::log1p_;
using shannon::detail::log_;
using shannon::detail::softplus;

inline constexpr std::string_view kl_function = "torch.distributions.kl_divergence";

/// The machine epsilon of a dtype (torch.finfo(dtype).eps).
[[nodiscard]] inline double machine_epsilon(dtype d) {
    switch (d) {
        case dtype::binary32: return 0x1p-23;
        case dtype::bfloat16: return 0x1p-7;
        case dtype::binary16: return 0x1p-10;
        case dtype::binary64: break;
    }
    return 0x1p-52;
}

/// torch's clamp_probs bounds [eps, 1 - eps] in the dtype.
[[nodiscard]] inline std::pair<double, double> clamp_bounds(dtype d) {
    const double eps = machine_epsilon(d);
    return {in_dtype(eps, d), in_dtype(1 - eps, d)};
}

/// A two-outcome distribution as PyTorch holds it: its probability of 1, its logit (from clamped
/// probabilities when given by probabilities), and whether the probability is exactly 0 or 1
/// (kl.py's masks compare the probability tensor with 0 and 1).
template <class W>
struct binary_parameter {
    W probs;
    W logits;
    bool zero = false;
    bool one = false;
};

template <class W>
[[nodiscard]] binary_parameter<W> binary(const W& v, given g, dtype d) {
    if (g == given::logits) {
        return {shannon::detail::sigmoid(v), v, false, false};
    }
    const double x = input_value(v);
    const auto [lo, hi] = clamp_bounds(d);
    const W c = x < lo ? W(lo) : x > hi ? W(hi) : v;
    return {v, W(log_(c) - log1p_(W(-c))), x == 0, x == 1};
}

template <class W>
[[nodiscard]] W value_of(double x) {
    return std::isnan(x) ? nan<W>() : std::isinf(x) ? (x > 0 ? inf<W>() : W(-inf<W>())) : W(x);
}

/// kl.py's _kl_normal_normal: 0.5 (var_ratio + t1 - 1 - log var_ratio).
template <class W>
[[nodiscard]] W normal(const W& mp, const W& sp, const W& mq, const W& sq) {
    const W r = sp / sq;
    const W var_ratio = r * r;
    const W d = (mp - mq) / sq;
    return W(W(d * d + W(var_ratio - W(1) - log_(var_ratio))) / W(2));
}

/// kl.py's _kl_bernoulli_bernoulli with its masks.
template <class W>
[[nodiscard]] W bernoulli(const binary_parameter<W>& p, const binary_parameter<W>& q) {
    W t1 = p.probs * W(softplus(W(-q.logits)) - softplus(W(-p.logits)));
    if (q.zero) {
        t1 = inf<W>();
    }
    if (p.zero) {
        t1 = W(0);
    }
    W t2 = W(W(1) - p.probs) * W(softplus(q.logits) - softplus(p.logits));
    if (q.one) {
        t2 = inf<W>();
    }
    if (p.one) {
        t2 = W(0);
    }
    return W(t1 + t2);
}

/// kl.py's _kl_binomial_binomial (same total counts; p.total_count > q.total_count is +inf):
/// n (p (logit p - logit q) + log1p(-p) - log1p(-q)), IEEE's infinities where p or q is 1.
template <class W>
[[nodiscard]] W binomial(double np, const binary_parameter<W>& p, double nq, const binary_parameter<W>& q) {
    if (np > nq) {
        return inf<W>();
    }
    const double inner = p.one && q.one ? NAN : p.one ? -INFINITY : q.one ? INFINITY : 0.0;
    if (inner != 0) {
        return value_of<W>(np * inner);  // 0 * inf is NaN, as in PyTorch
    }
    return W(W(np) * W(p.probs * W(p.logits - q.logits) + W(log1p_(W(-p.probs)) - log1p_(W(-q.probs)))));
}

/// kl.py's _kl_geometric_geometric: -H(p) - log1p(-q) / p - logit q, H(p) = (softplus(logit p) - p
/// logit p) / p (the entropy as binary_cross_entropy_with_logits gives it).
template <class W>
[[nodiscard]] W geometric(const binary_parameter<W>& p, const binary_parameter<W>& q) {
    if (q.one) {
        return inf<W>();  // -log1p(-1) / p
    }
    const W h = W(softplus(p.logits) - p.probs * p.logits) / p.probs;
    return W(W(W(-h) - log1p_(W(-q.probs)) / p.probs) - q.logits);
}

/// kl.py's _kl_poisson_poisson: p (log p - log q) - (p - q); NaN where p = 0 (0 * -inf), +inf where
/// q = 0 < p.
template <class W>
[[nodiscard]] W poisson(const W& p, const W& q) {
    const double pv = input_value(p);
    const double qv = input_value(q);
    if (pv == 0) {
        return nan<W>();
    }
    if (qv == 0) {
        return inf<W>();
    }
    return W(p * W(log_(p) - log_(q)) - W(p - q));
}

/// kl.py's _kl_exponential_exponential: -log r + r - 1, r = q.rate / p.rate.
template <class W>
[[nodiscard]] W exponential(const W& p, const W& q) {
    const W r = q / p;
    return W(W(r - W(1)) - log_(r));
}

/// kl.py's _kl_uniform_uniform: log((q.high - q.low) / (p.high - p.low)); +inf where q's support
/// does not hold p's.
template <class W>
[[nodiscard]] W uniform(const W& pl, const W& ph, const W& ql, const W& qh) {
    if (input_value(ql) > input_value(pl) || input_value(qh) < input_value(ph)) {
        return inf<W>();
    }
    return log_(W(W(qh - ql) / W(ph - pl)));
}

/// kl.py's _kl_laplace_laplace: -log(sp / sq) + |mp - mq| / sq + (sp / sq) e^(-|mp - mq| / sp) - 1.
template <class W>
[[nodiscard]] W laplace(const W& mp, const W& sp, const W& mq, const W& sq) {
    const W ratio = sp / sq;
    const W d = shannon::detail::abs_(W(mp - mq));
    return W(W(W(d / sq - log_(ratio)) + ratio * exp_(W(-d / sp))) - W(1));
}

/// kl.py's _kl_gamma_gamma.
template <class W>
[[nodiscard]] W gamma(const W& cp, const W& rp, const W& cq, const W& rq) {
    using shannon::detail::digamma_;
    using shannon::detail::lgamma_;
    const W t1 = cq * log_(W(rp / rq));
    const W t2 = lgamma_(cq) - lgamma_(cp);
    const W t3 = W(cp - cq) * digamma_(cp);
    const W t4 = W(rq - rp) * W(cp / rp);
    return W(W(t1 + t2) + W(t3 + t4));
}

/// kl.py's _kl_beta_beta.
template <class W>
[[nodiscard]] W beta(const W& ap, const W& bp, const W& aq, const W& bq) {
    using shannon::detail::digamma_;
    using shannon::detail::lgamma_;
    const W sp = ap + bp;
    const W sq = aq + bq;
    const W t1 = W(lgamma_(aq) + lgamma_(bq)) + lgamma_(sp);
    const W t2 = W(lgamma_(ap) + lgamma_(bp)) + lgamma_(sq);
    const W t3 = W(ap - aq) * digamma_(ap);
    const W t4 = W(bp - bq) * digamma_(bp);
    const W t5 = W(sq - sp) * digamma_(sp);
    return W(W(t1 - t2) + W(W(t3 + t4) + t5));
}

/// p and q hold the same parameters, given alike (the KL is 0 but for kl.py's NaN and inf; an
/// interval evaluation of the formula could not tell that 0 from a tiny value: log p - log q of equal
/// points is an interval about 0, however precise).
template <class W>
[[nodiscard]] bool identical(const kl_options& o, const W& p0, const W& p1, const W& q0, const W& q1) {
    return o.p == o.q && input_value(p0) == input_value(q0) && input_value(p1) == input_value(q1);
}

/// torch's _x_log_x: x log x, with IEEE's 0 * -inf = NaN at 0 (kl.py uses it as it is).
template <class W>
[[nodiscard]] W x_log_x(const W& x) {
    return shannon::detail::is_exact_zero(x) ? nan<W>() : W(x * log_(x));
}

/// kl.py's _kl_uniform_beta: t3 + t4 - t1 - t2 with c = high - low, t1 = log c,
/// t2 = (a - 1)(xlogx(high) - xlogx(low) - c) / c, t3 = (b - 1)(xlogx(1 - high) - xlogx(1 - low) + c) / c,
/// t4 = lgamma(a) + lgamma(b) - lgamma(a + b); +inf where p's support leaves [0, 1]. At low = 0 or
/// high = 1 torch's xlogx(0) is 0 * -inf = NaN, so the value is NaN there (pytorch/pytorch#144279: the
/// limit is finite, e.g. 0 for Uniform(0, 1) and Beta(1, 1)); the profile keeps the formula's NaN.
template <class W>
[[nodiscard]] W uniform_beta(const W& low, const W& high, const W& a, const W& b) {
    using shannon::detail::lgamma_;
    if (input_value(high) > 1 || input_value(low) < 0) {
        return inf<W>();
    }
    const W c = W(high - low);
    const W t1 = log_(c);
    const W t2 = W(W(W(a - W(1)) * W(W(x_log_x(high) - x_log_x(low)) - c)) / c);
    const W t3 = W(W(W(b - W(1)) * W(W(x_log_x(W(W(1) - high)) - x_log_x(W(W(1) - low))) + c)) / c);
    const W t4 = W(W(lgamma_(a) + lgamma_(b)) - lgamma_(W(a + b)));
    return W(W(W(t3 + t4) - t1) - t2);
}

/// One pair's value from its four parameters (unused ones ignored).
template <class W>
[[nodiscard]] W kl_value(const kl_options& o, const W& p0, const W& p1, const W& q0, const W& q1) {
    if (o.q_family) {  // the pairs of two families
        if (o.f == family::uniform && *o.q_family == family::beta) {
            if constexpr (shannon::detail::has_gamma_functions<W>) {
                return uniform_beta(p0, p1, q0, q1);
            } else {
                fail<shannon::invalid_argument>(kl_function, "Uniform against Beta needs log Gamma: evaluate it in "
                                                "MPFR or MPFI numbers (shannon::exact does)");
            }
        }
        fail<shannon::invalid_argument>(kl_function, "no closed form here for this pair of families");
    }
    if (identical(o, p0, p1, q0, q1)) {
        const bool nan_case = (o.f == family::poisson && input_value(p0) == 0) ||
                              (o.f == family::binomial && o.p == given::probs && input_value(p1) == 1);
        const bool inf_case = o.f == family::geometric && o.q == given::probs && input_value(q0) == 1;
        return nan_case ? nan<W>() : inf_case ? inf<W>() : W(0);
    }
    switch (o.f) {
        case family::normal: return normal(p0, p1, q0, q1);
        case family::bernoulli: return bernoulli(binary(p0, o.p, o.d), binary(q0, o.q, o.d));
        case family::binomial:
            return binomial(input_value(p0), binary(p1, o.p, o.d), input_value(q0), binary(q1, o.q, o.d));
        case family::geometric: return geometric(binary(p0, o.p, o.d), binary(q0, o.q, o.d));
        case family::poisson: return poisson(p0, q0);
        case family::exponential: return exponential(p0, q0);
        case family::uniform: return uniform(p0, p1, q0, q1);
        case family::laplace: return laplace(p0, p1, q0, q1);
        case family::gamma:
        case family::beta:
            if constexpr (shannon::detail::has_gamma_functions<W>) {
                return o.f == family::gamma ? gamma(p0, p1, q0, q1) : beta(p0, p1, q0, q1);
            } else {
                fail<shannon::invalid_argument>(kl_function, "Gamma and Beta need log Gamma and digamma: evaluate them "
                                                "in MPFR or MPFI numbers (shannon::exact does)");
            }
    }
    return nan<W>();
}

/// Checks one parameter array of p or q against torch's constraints (torch validates them by
/// default): finite, and positive, in [0, 1], a non-negative integer, ... as the family requires.
inline void check_parameter(const kl_options& o, char which, int k, std::span<const double> v) {
    const given g = which == 'p' ? o.p : o.q;
    const family f = which == 'p' ? o.f : family_of_q(o);
    const std::array<std::string_view, 2> names = parameter_names(f, g);
    const std::string name = std::string(1, which) + "." + std::string(names[static_cast<std::size_t>(k)]);
    const bool probability = (f == family::bernoulli || f == family::geometric || f == family::binomial) &&
                             names[static_cast<std::size_t>(k)] == "probs";
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double x = v[i];
        const shannon::detail::arg_name a(name);
        if (!std::isfinite(x)) {
            fail_at<shannon::invalid_argument>(kl_function, a, i, x, "parameters must be finite");
        }
        if (probability) {
            if (x < 0 || x > 1) {
                fail_at<shannon::invalid_argument>(kl_function, a, i, x, "a probability must lie in [0, 1]");
            }
            if (f == family::geometric && x == 0) {
                fail_at<shannon::invalid_argument>(kl_function, a, i, x, "Geometric's probs must be positive (torch)");
            }
        } else if (names[static_cast<std::size_t>(k)] == "total_count") {
            if (x < 0 || x != std::floor(x)) {
                fail_at<shannon::invalid_argument>(kl_function, a, i, x, "total_count must be a non-negative integer");
            }
        } else if (names[static_cast<std::size_t>(k)] == "rate" && f == family::poisson) {
            if (x < 0) {
                fail_at<shannon::invalid_argument>(kl_function, a, i, x, "Poisson's rate must be non-negative");
            }
        } else if (names[static_cast<std::size_t>(k)] != "loc" && names[static_cast<std::size_t>(k)] != "logits" &&
                   names[static_cast<std::size_t>(k)] != "low" && names[static_cast<std::size_t>(k)] != "high") {
            if (!(x > 0)) {
                fail_at<shannon::invalid_argument>(kl_function, a, i, x, "must be positive");
            }
        }
    }
}

}  // namespace detail

/// Checks the parameters of p and q (flat arrays of one length, in parameter_names order; a family
/// of one parameter leaves the second arrays empty) against torch's constraints, with the message
/// naming the parameter, the index and the value; Uniform also needs low < high.
inline void check_parameters(const kl_options& o, std::span<const double> p0, std::span<const double> p1,
                             std::span<const double> q0, std::span<const double> q1) {
    detail::check_parameter(o, 'p', 0, p0);
    detail::check_parameter(o, 'q', 0, q0);
    if (!parameter_names(o.f)[1].empty()) {
        detail::check_parameter(o, 'p', 1, p1);
    }
    if (!parameter_names(family_of_q(o))[1].empty()) {
        detail::check_parameter(o, 'q', 1, q1);
    }
    std::vector<std::tuple<std::span<const double>, std::span<const double>, const char*>> uniforms;
    if (o.f == family::uniform) {
        uniforms.emplace_back(p0, p1, "p.high");
    }
    if (family_of_q(o) == family::uniform) {
        uniforms.emplace_back(q0, q1, "q.high");
    }
    {
        for (const auto& [lo, hi, which] : uniforms) {
            for (std::size_t i = 0; i < hi.size() && i < lo.size(); ++i) {
                if (!(hi[i] > lo[i])) {
                    detail::fail_at<shannon::invalid_argument>(detail::kl_function, which, i, hi[i],
                                                               "high must exceed low");
                }
            }
        }
    }
}

namespace detail {


/// d clamp(x, lo, hi) / dx as autograd takes it: 1 inside [lo, hi] (ends included), 0 outside.
[[nodiscard]] inline bool clamp_passes(double x, double lo, double hi) { return lo <= x && x <= hi; }

/// The gradient with respect to a two-outcome distribution's given parameter from the partials with
/// respect to its probability (g_probs) and its logit (g_logits): by logits, probs = sigmoid(logits)
/// (d probs / d logits = p (1 - p)); by probs, logits = log(c) - log1p(-c), c = clamp(probs), whose
/// derivative 1 / (c (1 - c)) passes where the clamp does (autograd's clamp: inside [eps, 1 - eps]).
template <class W>
[[nodiscard]] W chain(given g, dtype d, const binary_parameter<W>& x, const W& g_probs, const W& g_logits) {
    if (g == given::logits) {
        return W(g_logits + W(g_probs * W(x.probs * W(W(1) - x.probs))));
    }
    const auto [lo, hi] = clamp_bounds(d);
    if (!clamp_passes(input_value(x.probs), lo, hi)) {
        return g_probs;
    }
    return W(g_probs + W(g_logits / W(x.probs * W(W(1) - x.probs))));
}

/// The gradient of kl.py's Bernoulli formula (with its clamp and masks, as autograd differentiates
/// it) with respect to p's and q's parameters as given (probs or logits).
template <class W>
[[nodiscard]] std::array<W, 2> bernoulli_gradient(const kl_options& o, const W& pv, const W& qv) {
    using shannon::detail::sigmoid;
    const binary_parameter<W> p = binary(pv, o.p, o.d);
    const binary_parameter<W> q = binary(qv, o.q, o.d);
    const bool m1 = !q.zero && !p.zero;  // t1 is the formula's, not a mask's constant
    const bool m2 = !q.one && !p.one;
    const W zero(0);
    const W a = W(softplus(W(-q.logits)) - softplus(W(-p.logits)));
    const W b = W(softplus(q.logits) - softplus(p.logits));
    const W one_p = W(W(1) - p.probs);
    const W g_pp = W((m1 ? a : zero) - (m2 ? b : zero));
    const W g_lp = W((m1 ? W(p.probs * sigmoid(W(-p.logits))) : zero) - (m2 ? W(one_p * sigmoid(p.logits)) : zero));
    const W g_lq = W((m2 ? W(one_p * sigmoid(q.logits)) : zero) - (m1 ? W(p.probs * sigmoid(W(-q.logits))) : zero));
    return {chain(o.p, o.d, p, g_pp, g_lp), chain(o.q, o.d, q, zero, g_lq)};
}

/// Geometric: d/d(probs, logits) of -(softplus(lp) - p lp) / p - log1p(-q) / p - lq.
template <class W>
[[nodiscard]] std::array<W, 2> geometric_gradient(const kl_options& o, const W& pv, const W& qv) {
    const binary_parameter<W> p = binary(pv, o.p, o.d);
    const binary_parameter<W> q = binary(qv, o.q, o.d);
    if (q.one) {  // -log1p(-1) / p in the value: autograd's IEEE infinities
        return {W(-inf<W>()), inf<W>()};
    }
    const W p2 = W(p.probs * p.probs);
    const W g_pp = W(W(softplus(p.logits) + log1p_(W(-q.probs))) / p2);
    const W g_lp = W(W(1) - W(shannon::detail::sigmoid(p.logits) / p.probs));
    const W g_qq = W(W(1) / W(W(W(1) - q.probs) * p.probs));
    return {chain(o.p, o.d, p, g_pp, g_lp), chain(o.q, o.d, q, g_qq, W(-1))};
}

/// Binomial (equal total counts): d/d(n, probs or logits) of n (p (lp - lq) + log1p(-p) - log1p(-q)).
template <class W>
[[nodiscard]] std::array<W, 3> binomial_gradient(const kl_options& o, const W& np, const W& pv, const W& nq,
                                                 const W& qv) {
    const binary_parameter<W> p = binary(pv, o.p, o.d);
    const binary_parameter<W> q = binary(qv, o.q, o.d);
    const W zero(0);
    if (input_value(np) > input_value(nq)) {
        return {zero, zero, zero};  // kl.py's masked +inf
    }
    // probs 1 (given as probs) puts log1p(-1) in the value and 1 / (1 - 1) in its partials: IEEE's
    // infinities as autograd's (0 * inf NaN for a total count of 0)
    const double nv = input_value(np);
    const W inner = p.one || q.one ? value_of<W>(p.one && q.one ? NAN : p.one ? -INFINITY : INFINITY)
                                   : W(W(p.probs * W(p.logits - q.logits)) + W(log1p_(W(-p.probs)) - log1p_(W(-q.probs))));
    const W g_pp = p.one ? value_of<W>(nv == 0 ? NAN : -INFINITY)
                         : W(np * W(W(p.logits - q.logits) - W(W(1) / W(W(1) - p.probs))));
    const W g_lp = W(np * p.probs);
    const W g_qq = q.one ? value_of<W>(nv == 0 ? NAN : INFINITY) : W(np / W(W(1) - q.probs));
    return {inner, chain(o.p, o.d, p, g_pp, g_lp), chain(o.q, o.d, q, g_qq, W(-g_lp))};
}

/// trigamma at the precision W carries (Boost's decimal digits, in bits; the ball's 106 bits).
template <class W>
[[nodiscard]] W trigamma_at(const W& x) {
    if constexpr (requires { x.precision(); }) {
        return shannon::detail::trigamma_(x, static_cast<long>(x.precision() * 3.33) + 8);
    } else {
        return shannon::detail::trigamma_(x, 106);
    }
}

/// Gamma and Beta: d/d(p0, p1, q0, q1) of kl.py's forms (trigamma from the digamma terms).
template <class W>
[[nodiscard]] std::array<W, 4> gamma_family_gradient(const kl_options& o, const W& p0, const W& p1, const W& q0,
                                                     const W& q1) {
    using shannon::detail::digamma_;
    const W one(1);
    if (o.f == family::gamma) {  // cp, rp, cq, rq
        return {W(W(W(p0 - q0) * trigamma_at(p0)) + W(W(q1 / p1) - one)),
                W(W(q0 / p1) - W(W(p0 * q1) / W(p1 * p1))),
                W(W(log_(W(p1 / q1)) + digamma_(q0)) - digamma_(p0)),
                W(W(p0 / p1) - W(q0 / q1))};
    }
    const W sp = W(p0 + p1);  // ap, bp, aq, bq
    const W sq = W(q0 + q1);
    const W common = W(W(sq - sp) * trigamma_at(sp));
    const W psi_sp = digamma_(sp);
    const W psi_sq = digamma_(sq);
    return {W(W(W(p0 - q0) * trigamma_at(p0)) + common), W(W(W(p1 - q1) * trigamma_at(p1)) + common),
            W(W(W(digamma_(q0) - psi_sq) - digamma_(p0)) + psi_sp), W(W(W(digamma_(q1) - psi_sq) - digamma_(p1)) + psi_sp)};
}

/// The gradient of kl.py's formula for one pair with respect to its four parameters (p0, p1, q0, q1;
/// a one-parameter family's second slots are 0), as autograd differentiates the formula: the masks'
/// constants (+inf, 0) have gradient 0, abs has gradient 0 at 0.
template <class W>
[[nodiscard]] std::array<W, 4> kl_gradient_value(const kl_options& o, const W& p0, const W& p1, const W& q0, const W& q1) {
    const W zero(0);
    const W one(1);
    const bool at_one = o.p == given::probs && ((o.f == family::binomial && input_value(p1) == 1) ||
                                                (o.f == family::geometric && input_value(q0) == 1));
    if (identical(o, p0, p1, q0, q1) && o.f != family::uniform && o.f != family::poisson && !at_one) {
        return {zero, zero, zero, zero};  // the KL's minimum over q, and over p: every partial is 0
    }
    switch (o.f) {
        case family::normal: {
            const W d = W(p0 - q0);
            const W sq2 = W(q1 * q1);
            const W dm = W(d / sq2);
            return {dm, W(W(p1 / sq2) - W(one / p1)), W(-dm), W(W(one / q1) - W(W(W(p1 * p1) + W(d * d)) / W(sq2 * q1)))};
        }
        case family::laplace: {
            const double dv = input_value(p0) - input_value(q0);  // the sign of mp - mq (exact: both are inputs)
            const W d = shannon::detail::abs_(W(p0 - q0));
            const W e = exp_(W(-d / p1));
            const W dm = dv == 0 ? zero : W(W(W(one - e) / q1) * W(dv > 0 ? 1 : -1));
            return {dm, W(W(W(e / q1) * W(one + W(d / p1))) - W(one / p1)), W(-dm),
                    W(W(W(one / q1) - W(d / W(q1 * q1))) - W(W(p1 / W(q1 * q1)) * e))};
        }
        case family::exponential:
            return {W(W(p0 - q0) / W(p0 * p0)), zero, W(W(one / p0) - W(one / q0)), zero};
        case family::poisson: {
            // IEEE's values of autograd's (log p - log q) + p / p - 1 and -p / q + 1 at the zeros
            if (input_value(p0) == 0) {
                return {nan<W>(), zero, input_value(q0) == 0 ? nan<W>() : one, zero};
            }
            if (input_value(q0) == 0) {
                return {inf<W>(), zero, W(-inf<W>()), zero};
            }
            return {log_(W(p0 / q0)), zero, W(one - W(p0 / q0)), zero};
        }
        case family::uniform: {
            if (input_value(q0) > input_value(p0) || input_value(q1) < input_value(p1)) {
                return {zero, zero, zero, zero};  // the mask's +inf
            }
            const W wp = W(one / W(p1 - p0));
            const W wq = W(one / W(q1 - q0));
            return {wp, W(-wp), W(-wq), wq};
        }
        case family::bernoulli: {
            const auto [dp, dq] = bernoulli_gradient(o, p0, q0);
            return {dp, zero, dq, zero};
        }
        case family::geometric: {
            const auto [dp, dq] = geometric_gradient(o, p0, q0);
            return {dp, zero, dq, zero};
        }
        case family::binomial: {
            const auto [dn, dp, dq] = binomial_gradient(o, p0, p1, q0, q1);
            return {dn, dp, zero, dq};
        }
        case family::gamma:
        case family::beta:
            if constexpr (shannon::detail::has_gamma_functions<W>) {
                return gamma_family_gradient(o, p0, p1, q0, q1);
            }
            break;
    }
    fail<shannon::invalid_argument>(kl_function, "Gamma's and Beta's gradients need log Gamma's derivatives: evaluate "
                                    "them in MPFR or MPFI numbers (shannon::exact does)");
}

}  // namespace detail

/// The gradient of KL(p || q) with respect to each parameter, one pair per element: the values for
/// p0, then p1, q0, q1 (4 n values; a one-parameter family's p1 and q1 slots are 0).
template <real_range P0, real_range P1, real_range Q0, real_range Q1>
[[nodiscard]] auto kl_divergence_gradient(const kl_options& o, P0&& p0, P1&& p1, Q0&& q0, Q1&& q1) {
    using T = std::common_type_t<shannon::detail::range_real_t<P0>, shannon::detail::range_real_t<Q0>>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const auto a = detail::read_copy<W>(std::forward<P0>(p0), detail::kl_function, "p0");
        const auto b = detail::read_copy<W>(std::forward<P1>(p1), detail::kl_function, "p1");
        const auto c = detail::read_copy<W>(std::forward<Q0>(q0), detail::kl_function, "q0");
        const auto d = detail::read_copy<W>(std::forward<Q1>(q1), detail::kl_function, "q1");
        const std::size_t n = a.size();
        std::vector<W> out(4 * n, W(0));
        for (std::size_t i = 0; i < n; ++i) {
            const std::array<W, 4> g = detail::kl_gradient_value(o, a[i], b[i], c[i], d[i]);
            for (std::size_t k = 0; k < 4; ++k) {
                out[k * n + i] = g[k];
            }
        }
        return out;
    });
}

/// KL(p || q) of each pair of distributions of one family, given by flat parameter arrays of equal
/// length (the batch, broadcast by the caller; a one-parameter family takes its first array twice).
template <real_range P0, real_range P1, real_range Q0, real_range Q1>
[[nodiscard]] auto kl_divergence(const kl_options& o, P0&& p0, P1&& p1, Q0&& q0, Q1&& q1) {
    using T = std::common_type_t<shannon::detail::range_real_t<P0>, shannon::detail::range_real_t<Q0>>;
    using W = working_t<T>;
    return detail::elementwise<T>(
        detail::kl_function,
        [&o](const W& a, const W& b, const W& c, const W& d) { return detail::kl_value(o, a, b, c, d); },
        std::forward<P0>(p0), std::forward<P1>(p1), std::forward<Q0>(q0), std::forward<Q1>(q1));
}

/// Checks the rows of one Categorical (given by probs: finite, non-negative, a positive sum; by
/// logits: finite) or Dirichlet (finite and positive concentrations) distribution, naming the
/// argument (e.g. "p.probs"), the row and the index in it; `length` is the class count both
/// distributions must share.
inline void check_rows(std::string_view argument, bool dirichlet, given g, std::span<const std::span<const double>> rows,
                       std::size_t length) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const shannon::detail::arg_name a(argument, r);
        if (rows[r].size() != length) {
            detail::fail<shannon::invalid_argument>(detail::kl_function, "argument '", a, "' has ", rows[r].size(),
                                                    " classes where the other distribution has ", length);
        }
        double total = 0;
        for (std::size_t i = 0; i < rows[r].size(); ++i) {
            const double x = rows[r][i];
            if (!std::isfinite(x)) {
                detail::fail_at<shannon::invalid_argument>(detail::kl_function, a, i, x, "parameters must be finite");
            }
            if (dirichlet ? !(x > 0) : g == given::probs && x < 0) {
                detail::fail_at<shannon::invalid_argument>(detail::kl_function, a, i, x,
                                                           dirichlet ? "a concentration must be positive"
                                                                     : "a probability must be non-negative");
            }
            total += x;
        }
        if (!dirichlet && g == given::probs && !(total > 0)) {
            detail::fail<shannon::invalid_argument>(detail::kl_function, "argument '", a,
                                                    "' sums to 0: probabilities need a positive sum");
        }
    }
}

namespace detail {

/// Two rows of exactly read inputs hold the same values (identical distributions: the KL is an exact 0).
template <class W, class A, class B>
[[nodiscard]] bool same_values(const A& a, const B& b) {
    return std::ranges::equal(a, b, [](const auto& x, const auto& y) { return input_value(W(x)) == input_value(W(y)); });
}

/// A Categorical row as PyTorch holds it: probabilities normalized to sum 1 and logits log(clamp(p))
/// when given by probabilities; logits - logsumexp(logits) and their softmax when given by logits.
template <class W>
struct categorical_row {
    std::vector<W> probs;
    std::vector<W> logits;
    std::vector<bool> zero;
};

template <class W, class Row>
[[nodiscard]] categorical_row<W> categorical(const Row& z, given g, dtype d) {
    categorical_row<W> out;
    const std::size_t n = std::ranges::size(z);
    if (g == given::logits) {
        std::vector<W> zv(std::ranges::begin(z), std::ranges::end(z));
        out.logits = shannon::detail::log_softmax_row(zv);
        for (const W& l : out.logits) {
            out.probs.push_back(exp_(l));
        }
        out.zero.assign(n, false);
        return out;
    }
    W total(0);
    for (const auto& v : z) {
        total += W(v);
    }
    const auto [lo, hi] = clamp_bounds(d);
    for (const auto& v : z) {
        const W p = W(v) / total;
        out.probs.push_back(p);
        out.logits.push_back(log_(clip(p, lo, hi)));
        out.zero.push_back(input_value(W(v)) == 0);
    }
    return out;
}

}  // namespace detail

/// KL(p || q) of Categorical (and OneHotCategorical) rows: kl.py's _kl_categorical_categorical,
/// sum p (logits_p - logits_q), +inf where q's probability is 0 and p's is not, 0 where p's is 0.
/// Rows of p and q pair up (the caller broadcasts the batch); every row has the same length.
template <class Rows>
[[nodiscard]] auto kl_categorical(given pg, given qg, dtype d, const Rows& p, const Rows& q) {
    using T = profiles::detail::rows_t<Rows>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const auto pr = detail::read_rows<W>(p, detail::kl_function, "p.probs");
        const auto qr = detail::read_rows<W>(q, detail::kl_function, "q.probs");
        std::vector<W> out;
        out.reserve(pr.size());
        for (std::size_t i = 0; i < pr.size() && i < qr.size(); ++i) {
            if (pg == qg && detail::same_values<W>(pr[i], qr[i])) {
                out.push_back(W(0));  // identical rows (their masked zeros included)
                continue;
            }
            const auto a = detail::categorical<W>(pr[i], pg, d);
            const auto b = detail::categorical<W>(qr[i], qg, d);
            W s(0);
            bool infinite = false;
            for (std::size_t k = 0; k < a.probs.size(); ++k) {
                if (a.zero[k]) {
                    continue;
                }
                if (b.zero[k]) {
                    infinite = true;
                    continue;
                }
                s += a.probs[k] * W(a.logits[k] - b.logits[k]);
            }
            out.push_back(infinite ? detail::inf<W>() : s);
        }
        return out;
    });
}

/// KL(p || q) of Dirichlet rows (concentrations): kl.py's _kl_dirichlet_dirichlet,
/// lgamma(sum a) - lgamma(sum b) - sum (lgamma a - lgamma b) + sum (a - b)(digamma a - digamma(sum a)).
template <class Rows>
    requires shannon::detail::has_gamma_functions<working_t<profiles::detail::rows_t<Rows>>>
[[nodiscard]] auto kl_dirichlet(const Rows& p, const Rows& q) {
    using T = profiles::detail::rows_t<Rows>;
    using W = working_t<T>;
    using shannon::detail::digamma_;
    using shannon::detail::lgamma_;
    return evaluate_rounded<T>([&] {
        const auto pr = detail::read_rows<W>(p, detail::kl_function, "p.concentration");
        const auto qr = detail::read_rows<W>(q, detail::kl_function, "q.concentration");
        std::vector<W> out;
        out.reserve(pr.size());
        for (std::size_t i = 0; i < pr.size() && i < qr.size(); ++i) {
            if (detail::same_values<W>(pr[i], qr[i])) {
                out.push_back(W(0));
                continue;
            }
            W sa(0);
            W sb(0);
            for (const auto& v : pr[i]) {
                sa += W(v);
            }
            for (const auto& v : qr[i]) {
                sb += W(v);
            }
            const W psi_sa = digamma_(sa);
            W r = lgamma_(sa) - lgamma_(sb);
            for (std::size_t k = 0; k < pr[i].size(); ++k) {
                const W a(pr[i][k]);
                const W b(qr[i][k]);
                r -= W(lgamma_(a) - lgamma_(b));
                r += W(a - b) * W(digamma_(a) - psi_sa);
            }
            out.push_back(r);
        }
        return out;
    });
}

/// The gradient of kl.py's Categorical formula (sum p.probs (p.logits - q.logits), +inf where q's
/// probability is 0, 0 where p's is) as autograd differentiates it through torch's parametrization:
/// by probs x, P = x / sum x and logits log(clamp(P)) (the clamp's gradient passes inside [eps, 1 - eps]
/// only); by logits z, logits z - logsumexp z and P = softmax z. For each pair of rows, with T_k =
/// L_k - M_k (p's and q's logits) and m_k = 0 where a mask overwrote the term (its gradient is 0):
///   d/dx_j = (m_j (T_j + c_j) - sum_k m_k P_k (T_k + c_k)) / sum x      (c: p's clamp slope)
///   d/dz_j = P_j (m_j (T_j + 1) - sum_k m_k P_k (T_k + 1))
///   d/dy_j = (sum_k m_k P_k c'_k - m_j c'_j P_j / Q_j) / sum y           (c': q's clamp slope)
///   d/dw_j = Q_j sum_k m_k P_k - m_j P_j
/// with sum_k m_k P_k c_k written 1 - sum_k P_k (1 - m_k c_k) (the P_k sum to 1 exactly), and identical
/// rows given alike taking T = 0 and P / Q = 1 exactly: their gradient is then an exact 0 where every
/// term passes, never an enclosure of 0 that no precision decides. The result: every row's d/dp values,
/// then every row's d/dq values (2 N C).
template <class Rows>
[[nodiscard]] auto kl_categorical_gradient(given pg, given qg, dtype d, const Rows& p, const Rows& q) {
    using T = profiles::detail::rows_t<Rows>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const auto pr = detail::read_rows<W>(p, detail::kl_function, "p.probs");
        const auto qr = detail::read_rows<W>(q, detail::kl_function, "q.probs");
        const std::size_t n = std::min(pr.size(), qr.size());
        const std::size_t c = n == 0 ? 0 : std::ranges::size(pr.front());
        const auto [lo, hi] = detail::clamp_bounds(d);
        std::vector<W> out(2 * n * c, W(0));
        for (std::size_t i = 0; i < n; ++i) {
            const bool same = pg == qg && detail::same_values<W>(pr[i], qr[i]);
            const auto a = detail::categorical<W>(pr[i], pg, d);
            const auto b = detail::categorical<W>(qr[i], qg, d);
            std::vector<W> t(c, W(0));   // m_k T_k
            std::vector<W> mk(c, W(0));  // m_k
            W spt(0);                    // sum_k m_k P_k T_k
            W unmasked(1);               // sum_k m_k P_k = 1 - sum of the masked P_k
            for (std::size_t k = 0; k < c; ++k) {
                if (a.zero[k] || b.zero[k]) {
                    unmasked -= a.probs[k];
                    continue;
                }
                mk[k] = W(1);
                if (!same) {
                    t[k] = W(a.logits[k] - b.logits[k]);
                    spt += W(a.probs[k] * t[k]);
                }
            }
            W* gp = out.data() + i * c;
            W* gq = out.data() + (n + i) * c;
            if (pg == given::probs) {
                W sum(0);
                W passed(1);  // sum_k m_k P_k c_k
                std::vector<W> slope(c);
                for (std::size_t k = 0; k < c; ++k) {
                    sum += W(pr[i][k]);
                    slope[k] = W(mk[k] * detail::clip_slope(a.probs[k], lo, hi));
                    passed -= W(a.probs[k] * W(W(1) - slope[k]));
                }
                const W total = W(spt + passed);
                for (std::size_t j = 0; j < c; ++j) {
                    gp[j] = W(W(W(t[j] + slope[j]) - total) / sum);
                }
            } else {
                const W total = W(spt + unmasked);
                for (std::size_t j = 0; j < c; ++j) {
                    gp[j] = W(a.probs[j] * W(W(t[j] + mk[j]) - total));
                }
            }
            if (qg == given::probs) {
                W sum(0);
                W passed(1);  // sum_k m_k P_k c'_k
                for (std::size_t k = 0; k < c; ++k) {
                    sum += W(qr[i][k]);
                    passed -= W(a.probs[k] * W(W(1) - W(mk[k] * detail::clip_slope(b.probs[k], lo, hi))));
                }
                for (std::size_t j = 0; j < c; ++j) {
                    const W slope = W(mk[j] * detail::clip_slope(b.probs[j], lo, hi));
                    const W ratio = same ? slope : detail::sloped(slope, [&] { return W(a.probs[j] / b.probs[j]); });
                    gq[j] = W(W(passed - ratio) / sum);
                }
            } else {
                for (std::size_t j = 0; j < c; ++j) {
                    gq[j] = same ? W(a.probs[j] * W(unmasked - mk[j])) : W(W(b.probs[j] * unmasked) - W(mk[j] * a.probs[j]));
                }
            }
        }
        return out;
    });
}

/// The gradient of kl.py's Dirichlet formula with respect to both rows of concentrations a (p) and
/// b (q), as autograd differentiates it:
///   d/da_j = (a_j - b_j) trigamma(a_j) - (sum a - sum b) trigamma(sum a)
///   d/db_j = digamma(b_j) - digamma(sum b) - digamma(a_j) + digamma(sum a)
/// (an exact 0 for identical rows); every row's d/da values, then every row's d/db values (2 N C).
template <class Rows>
    requires shannon::detail::has_gamma_functions<working_t<profiles::detail::rows_t<Rows>>>
[[nodiscard]] auto kl_dirichlet_gradient(const Rows& p, const Rows& q) {
    using T = profiles::detail::rows_t<Rows>;
    using W = working_t<T>;
    using shannon::detail::digamma_;
    return evaluate_rounded<T>([&] {
        const auto pr = detail::read_rows<W>(p, detail::kl_function, "p.concentration");
        const auto qr = detail::read_rows<W>(q, detail::kl_function, "q.concentration");
        const std::size_t n = std::min(pr.size(), qr.size());
        const std::size_t c = n == 0 ? 0 : std::ranges::size(pr.front());
        std::vector<W> out(2 * n * c, W(0));
        for (std::size_t i = 0; i < n; ++i) {
            if (detail::same_values<W>(pr[i], qr[i])) {
                continue;  // identical rows: an exact 0
            }
            W sa(0);
            W sb(0);
            for (std::size_t k = 0; k < c; ++k) {
                sa += W(pr[i][k]);
                sb += W(qr[i][k]);
            }
            const W shift = W(W(sa - sb) * detail::trigamma_at(sa));
            const W psi = W(digamma_(sa) - digamma_(sb));
            for (std::size_t k = 0; k < c; ++k) {
                const W a(pr[i][k]);
                const W b(qr[i][k]);
                out[i * c + k] = W(W(W(a - b) * detail::trigamma_at(a)) - shift);
                out[(n + i) * c + k] = W(W(digamma_(b) - digamma_(a)) + psi);
            }
        }
        return out;
    });
}

/// How a MultivariateNormal was given (torch's three keywords).
enum class matrix_form : unsigned char { covariance_matrix, precision_matrix, scale_tril };

namespace detail {

/// The lower Cholesky factor of the symmetric matrix whose lower triangle `a` holds (k x k, row
/// major), as torch.linalg.cholesky reads it; NaN entries where a pivot is not positive.
template <class W>
[[nodiscard]] std::vector<W> cholesky(const std::vector<W>& a, std::size_t k) {
    using std::sqrt;
    std::vector<W> l(k * k, W(0));
    for (std::size_t j = 0; j < k; ++j) {
        W d = a[j * k + j];
        for (std::size_t m = 0; m < j; ++m) {
            d -= l[j * k + m] * l[j * k + m];
        }
        if (!(shannon::detail::lower_of(d) > 0)) {
            if (shannon::detail::upper_of(d) <= 0) {
                std::fill(l.begin(), l.end(), nan<W>());  // not positive definite
                return l;
            }
            if constexpr (shannon::is_interval_v<W>) {
                d = hull(W(0), d);  // a pivot the enclosure cannot yet tell from 0: its positive part
            }
        }
        const W djj = W(sqrt(d));
        l[j * k + j] = djj;
        for (std::size_t i = j + 1; i < k; ++i) {
            W s = a[i * k + j];
            for (std::size_t m = 0; m < j; ++m) {
                s -= l[i * k + m] * l[j * k + m];
            }
            l[i * k + j] = s / djj;
        }
    }
    return l;
}

/// L^-1 B for lower-triangular L (k x k) and B (k x c), by forward substitution.
template <class W>
[[nodiscard]] std::vector<W> solve_lower(const std::vector<W>& l, const std::vector<W>& b, std::size_t k, std::size_t c) {
    std::vector<W> x(b);
    for (std::size_t col = 0; col < c; ++col) {
        for (std::size_t i = 0; i < k; ++i) {
            W s = x[i * c + col];
            for (std::size_t m = 0; m < i; ++m) {
                s -= l[i * k + m] * x[m * c + col];
            }
            x[i * c + col] = s / l[i * k + i];
        }
    }
    return x;
}

/// The k x k identity, row major.
template <class W>
[[nodiscard]] std::vector<W> identity(std::size_t k) {
    std::vector<W> id(k * k, W(0));
    for (std::size_t i = 0; i < k; ++i) {
        id[i * k + i] = W(1);
    }
    return id;
}

/// A^T for a k x k row-major matrix.
template <class W>
[[nodiscard]] std::vector<W> transposed(const std::vector<W>& a, std::size_t k) {
    std::vector<W> t(k * k);
    for (std::size_t i = 0; i < k; ++i) {
        for (std::size_t j = 0; j < k; ++j) {
            t[i * k + j] = a[j * k + i];
        }
    }
    return t;
}

/// The lower Cholesky factor of a MultivariateNormal's covariance, from the matrix as given: the
/// given scale_tril itself (its lower triangle), the Cholesky factor of the covariance, or, for a
/// precision P = M M^T, that of P^-1 = M^-T M^-1.
template <class W, class Row>
[[nodiscard]] std::vector<W> scale_tril_of(matrix_form f, const Row& m, std::size_t k) {
    std::vector<W> a(k * k, W(0));
    for (std::size_t i = 0; i < k; ++i) {
        for (std::size_t j = 0; j <= i; ++j) {
            a[i * k + j] = W(m[i * k + j]);
        }
    }
    if (f == matrix_form::scale_tril) {
        return a;
    }
    if (f == matrix_form::covariance_matrix) {
        return cholesky(a, k);
    }
    const std::vector<W> minv = solve_lower(cholesky(a, k), identity<W>(k), k, k);  // M^-1, lower triangular
    std::vector<W> cov(k * k, W(0));                                     // M^-T M^-1, lower triangle
    for (std::size_t i = 0; i < k; ++i) {
        for (std::size_t j = 0; j <= i; ++j) {
            W s(0);
            for (std::size_t r = i; r < k; ++r) {
                s += minv[r * k + i] * minv[r * k + j];
            }
            cov[i * k + j] = s;
        }
    }
    return cholesky(cov, k);
}

}  // namespace detail

namespace detail {

/// Row i of a pair of MultivariateNormal batches, as both the KL divergence and its gradient read it: the
/// lower Cholesky factors of the covariances, delta = mu_q - mu_p, and whether the two are given alike
/// (the same form, loc and matrix: the divergence and most of its gradient are exact zeros).
template <class W>
struct mvn_pair {
    std::size_t k;
    bool same_matrix;  ///< the same form and matrix: Sp = Sq exactly
    bool same;         ///< and the same loc
    std::vector<W> lp, lq, delta;
};

template <class W, class Rows>
[[nodiscard]] mvn_pair<W> mvn_row(matrix_form pf, matrix_form qf, const Rows& pl, const Rows& pm, const Rows& ql,
                                  const Rows& qm, std::size_t i) {
    const std::size_t k = std::ranges::size(pl[i]);
    bool same_matrix = pf == qf;
    for (std::size_t j = 0; same_matrix && j < k * k; ++j) {
        same_matrix = input_value(W(pm[i][j])) == input_value(W(qm[i][j]));
    }
    bool same = same_matrix;
    for (std::size_t j = 0; same && j < k; ++j) {
        same = input_value(W(pl[i][j])) == input_value(W(ql[i][j]));
    }
    std::vector<W> delta(k);
    for (std::size_t j = 0; j < k; ++j) {
        delta[j] = W(W(ql[i][j]) - W(pl[i][j]));
    }
    return {k, same_matrix, same, scale_tril_of<W>(pf, pm[i], k), scale_tril_of<W>(qf, qm[i], k), std::move(delta)};
}

/// The four parameter rows of a MultivariateNormal pair (p.loc, p.matrix, q.loc, q.matrix), read.
template <class W, class LocRows, class MatrixRows>
[[nodiscard]] auto mvn_batches(const LocRows& p_loc, const MatrixRows& p_matrix, const LocRows& q_loc,
                               const MatrixRows& q_matrix) {
    return std::array{read_rows<W>(p_loc, kl_function, "p.loc"), read_rows<W>(p_matrix, kl_function, "p.matrix"),
                      read_rows<W>(q_loc, kl_function, "q.loc"), read_rows<W>(q_matrix, kl_function, "q.matrix")};
}

/// A B for k x k row-major matrices.
template <class W>
[[nodiscard]] std::vector<W> times(const std::vector<W>& a, const std::vector<W>& b, std::size_t k) {
    std::vector<W> c(k * k, W(0));
    for (std::size_t i = 0; i < k; ++i) {
        for (std::size_t j = 0; j < k; ++j) {
            W s(0);
            for (std::size_t r = 0; r < k; ++r) {
                s += a[i * k + r] * b[r * k + j];
            }
            c[i * k + j] = s;
        }
    }
    return c;
}

/// The inverse of L L^T for lower-triangular L: L^-T L^-1.
template <class W>
[[nodiscard]] std::vector<W> gram_inverse(const std::vector<W>& l, std::size_t k) {
    const std::vector<W> inv = solve_lower(l, identity<W>(k), k, k);
    return times(transposed(inv, k), inv, k);
}

}  // namespace detail

/// KL(p || q) of MultivariateNormal rows: kl.py's _kl_multivariatenormal_multivariatenormal,
/// sum log diag(Lq) - sum log diag(Lp) + (|Lq^-1 Lp|_F^2 + |Lq^-1 (mu_q - mu_p)|^2 - k) / 2 with Lp, Lq
/// the lower Cholesky factors of the covariances (from the matrices as given: scale_tril,
/// covariance_matrix or precision_matrix, of which the lower triangle is read, as torch's Cholesky
/// does). Row i of p_loc (k values) and p_matrix (k x k, row major) is p's i-th distribution, likewise
/// q's. Identical parameters give an exact 0 (the interval evaluation could not tell it from a tiny
/// value otherwise).
template <class LocRows, class MatrixRows>
[[nodiscard]] auto kl_multivariate_normal(matrix_form pf, matrix_form qf, const LocRows& p_loc, const MatrixRows& p_matrix,
                                          const LocRows& q_loc, const MatrixRows& q_matrix) {
    using T = profiles::detail::rows_t<LocRows>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const auto [pl, pm, ql, qm] = detail::mvn_batches<W>(p_loc, p_matrix, q_loc, q_matrix);
        std::vector<W> out;
        out.reserve(pl.size());
        for (std::size_t i = 0; i < pl.size(); ++i) {
            const auto r = detail::mvn_row<W>(pf, qf, pl, pm, ql, qm, i);
            const std::size_t k = r.k;
            if (r.same) {
                out.push_back(W(0));
                continue;
            }
            W half_term1(0);
            for (std::size_t j = 0; j < k; ++j) {
                half_term1 += detail::log_(r.lq[j * k + j]) - detail::log_(r.lp[j * k + j]);
            }
            W term2(0);
            for (const W& v : detail::solve_lower(r.lq, r.lp, k, k)) {
                term2 += v * v;
            }
            W term3(0);
            for (const W& v : detail::solve_lower(r.lq, r.delta, k, 1)) {
                term3 += v * v;
            }
            out.push_back(W(half_term1 + W(W(W(term2 + term3) - W(static_cast<double>(k))) / W(2))));
        }
        return out;
    });
}

/// The gradient of kl_multivariate_normal as autograd differentiates kl.py's formula, for n rows of
/// dimension k: n k values d KL / d p.loc, then n k^2 d KL / d p.matrix (row major), n k d KL / d q.loc and
/// n k^2 d KL / d q.matrix. With Sp = Lp Lp^T, Sq = Lq Lq^T, delta = mu_q - mu_p and v = Sq^-1 delta:
/// d / d mu_p = -v, d / d mu_q = v; covariance_matrix (torch's Cholesky backward symmetrizes):
/// (Sq^-1 - Sp^-1) / 2 and (Sq^-1 - Sq^-1 Sp Sq^-1 - v v^T) / 2; precision_matrix (through the inverse):
/// (Sp - Sp Sq^-1 Sp) / 2 and (Sp + delta delta^T - Sq) / 2; scale_tril: Sq^-1 Lp - diag(1 / Lp_jj) over the
/// whole matrix (kl.py solves against p's scale_tril as a full right-hand side, so its upper triangle has
/// a gradient), and the lower triangle of diag(1 / Lq_jj) - Sq^-1 (Sp + delta delta^T) Lq^-T (the triangular
/// solve reads only q's lower triangle). Where p and q have the same form and matrix (Sp = Sq), the forms
/// whose zeros are exact: 0 for p's covariance or precision, the strict upper triangle of Lp^-T for p's
/// scale_tril; -v v^T / 2, delta delta^T / 2 and the lower triangle of -v (Lq^-1 delta)^T for q's.
template <class LocRows, class MatrixRows>
[[nodiscard]] auto kl_multivariate_normal_gradient(matrix_form pf, matrix_form qf, const LocRows& p_loc,
                                                   const MatrixRows& p_matrix, const LocRows& q_loc,
                                                   const MatrixRows& q_matrix) {
    using T = profiles::detail::rows_t<LocRows>;
    using W = working_t<T>;
    return evaluate_rounded<T>([&] {
        const auto [pl, pm, ql, qm] = detail::mvn_batches<W>(p_loc, p_matrix, q_loc, q_matrix);
        const std::size_t n = pl.size();
        const std::size_t k = n == 0 ? 0 : std::ranges::size(pl[0]);
        const std::size_t kk = k * k;
        std::vector<W> out(2 * n * (k + kk), W(0));
        for (std::size_t i = 0; i < n; ++i) {
            // where row i's values start in the four blocks: p.loc, p.matrix, q.loc, q.matrix
            W* const dp_loc = out.data() + i * k;
            W* const gp = out.data() + n * k + i * kk;
            W* const dq_loc = out.data() + n * (k + kk) + i * k;
            W* const gq = out.data() + n * (2 * k + kk) + i * kk;
            const auto r = detail::mvn_row<W>(pf, qf, pl, pm, ql, qm, i);
            const std::vector<W> lq_inv = detail::solve_lower(r.lq, detail::identity<W>(k), k, k);
            const std::vector<W> sq_inv = detail::times(detail::transposed(lq_inv, k), lq_inv, k);
            std::vector<W> v(k, W(0));  // Sq^-1 delta
            for (std::size_t a = 0; a < k; ++a) {
                W sum(0);
                for (std::size_t b = 0; b < k; ++b) {
                    sum += sq_inv[a * k + b] * r.delta[b];
                }
                v[a] = sum;
            }
            for (std::size_t a = 0; a < k; ++a) {
                dp_loc[a] = W(-v[a]);
                dq_loc[a] = v[a];
            }
            if (pf == matrix_form::scale_tril) {
                const std::vector<W> g = detail::times(sq_inv, r.lp, k);  // Sq^-1 Lp (= Lp^-T when Sp = Sq)
                for (std::size_t a = 0; a < k; ++a) {
                    for (std::size_t b = 0; b < k; ++b) {
                        if (r.same_matrix && b <= a) {
                            continue;  // Lp^-T is upper triangular with diagonal 1 / Lp_jj: exact zeros here
                        }
                        gp[a * k + b] = a == b ? W(g[a * k + b] - W(W(1) / r.lp[a * k + a])) : g[a * k + b];
                    }
                }
            }
            if (r.same_matrix) {  // Sp = Sq exactly: the formulas below in the forms whose zeros are exact
                // p's covariance or precision: 0; q's covariance -v v^T / 2, precision delta delta^T / 2; q's
                // scale_tril the lower triangle of -v w^T, w = Lq^-1 delta (all 0 when the locs agree too)
                const std::vector<W> w = detail::solve_lower(r.lq, r.delta, k, 1);
                for (std::size_t a = 0; a < k; ++a) {
                    for (std::size_t b = 0; b < k; ++b) {
                        if (qf == matrix_form::covariance_matrix) {
                            gq[a * k + b] = W(W(-W(v[a] * v[b])) / W(2));
                        } else if (qf == matrix_form::precision_matrix) {
                            gq[a * k + b] = W(W(r.delta[a] * r.delta[b]) / W(2));
                        } else if (b <= a) {
                            gq[a * k + b] = W(-W(v[a] * w[b]));
                        }
                    }
                }
                continue;
            }
            // Sp, and Sp + delta delta^T (q's blocks use it)
            const std::vector<W> sigma_p = detail::times(r.lp, detail::transposed(r.lp, k), k);
            std::vector<W> spd(sigma_p);
            for (std::size_t a = 0; a < k; ++a) {
                for (std::size_t b = 0; b < k; ++b) {
                    spd[a * k + b] = W(spd[a * k + b] + W(r.delta[a] * r.delta[b]));
                }
            }
            if (pf == matrix_form::covariance_matrix) {
                const std::vector<W> sp_inv = detail::gram_inverse(r.lp, k);
                for (std::size_t j = 0; j < kk; ++j) {
                    gp[j] = W(W(sq_inv[j] - sp_inv[j]) / W(2));
                }
            } else if (pf == matrix_form::precision_matrix) {
                const std::vector<W> sps = detail::times(detail::times(sigma_p, sq_inv, k), sigma_p, k);
                for (std::size_t j = 0; j < kk; ++j) {
                    gp[j] = W(W(sigma_p[j] - sps[j]) / W(2));
                }
            }
            if (qf == matrix_form::covariance_matrix) {
                const std::vector<W> m = detail::times(detail::times(sq_inv, spd, k), sq_inv, k);
                for (std::size_t j = 0; j < kk; ++j) {
                    gq[j] = W(W(sq_inv[j] - m[j]) / W(2));
                }
            } else if (qf == matrix_form::precision_matrix) {
                const std::vector<W> sigma_q = detail::times(r.lq, detail::transposed(r.lq, k), k);
                for (std::size_t j = 0; j < kk; ++j) {
                    gq[j] = W(W(spd[j] - sigma_q[j]) / W(2));
                }
            } else {
                // Sq^-1 (Sp + delta delta^T) Lq^-T: (Sq^-1 spd) times the transpose of Lq^-1
                const std::vector<W> m = detail::times(sq_inv, spd, k);
                for (std::size_t a = 0; a < k; ++a) {
                    for (std::size_t b = 0; b <= a; ++b) {
                        W s(0);
                        for (std::size_t c = 0; c < k; ++c) {
                            s += m[a * k + c] * lq_inv[b * k + c];
                        }
                        gq[a * k + b] = a == b ? W(W(W(1) / r.lq[a * k + a]) - s) : W(-s);
                    }
                }
            }
        }
        return out;
    });
}

}  // namespace shannon::profiles::torch::distributions
