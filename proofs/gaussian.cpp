// proofs/gaussian.cpp — least squares is Gaussian maximum likelihood.
//
// NLL = n/2 log(2 pi sigma^2) + SSE / (2 sigma^2): for a fixed variance the NLL is an increasing
// affine function of the sum of squared errors, so the line that minimizes the SSE (least squares)
// maximizes the Gaussian likelihood. The milk-tea data of the founding material lie exactly on
// y = 2x + 10.
#include "proof.hpp"

namespace proof {
namespace {

constexpr std::array x{I(20), I(25), I(30), I(35), I(40)};
constexpr std::array y{I(50), I(60), I(70), I(80), I(90)};

constexpr std::array<I, 5> line(const I& w, const I& b, const std::array<I, 5>& xs) {
    std::array<I, 5> out{};
    for (std::size_t i = 0; i < xs.size(); ++i) {
        out[i] = w * xs[i] + b;
    }
    return out;
}

// The fit is exactly w = 2, b = 10 (no rounding anywhere: a point enclosure), with MSE 0.
static_assert(exactly(shannon::least_squares(x, y).w, D(2)));
static_assert(exactly(shannon::least_squares(x, y).b, D(10)));
static_assert(exactly(shannon::mean_squared_error(y, line(I(2), I(10), x)), D(0)));
// Its Gaussian NLL at sigma^2 = 1 is n/2 log(2 pi) = 5/2 log(2 pi).
static_assert(vanishes(shannon::gaussian_nll(y, line(I(2), I(10), x), I(1)) - q(5, 2) * log(I(2) * I::pi())));

// The NLL formula, for other data and variances.
constexpr std::array y_noisy{I(52), I(59), I(71), I(79), I(91)};
template <std::size_t N>
constexpr I nll_formula(const std::array<I, N>& ys, const std::array<I, N>& mu, const I& s2) {
    I sse(0);
    for (std::size_t i = 0; i < N; ++i) {
        sse += (ys[i] - mu[i]) * (ys[i] - mu[i]);
    }
    return q(static_cast<long long>(N), 2) * log(I(2) * I::pi() * s2) + sse / (I(2) * s2);
}
static_assert(vanishes(shannon::gaussian_nll(y_noisy, y, I(1)) - nll_formula(y_noisy, y, I(1))));
static_assert(vanishes(shannon::gaussian_nll(y_noisy, y, q(5, 2)) - nll_formula(y_noisy, y, q(5, 2))));
static_assert(vanishes(shannon::gaussian_nll(y_noisy, y, q(1, 4)) - nll_formula(y_noisy, y, q(1, 4))));
static_assert(vanishes(shannon::gaussian_log_likelihood(y_noisy, y, I(3)) + shannon::gaussian_nll(y_noisy, y, I(3))));
// SSE/n is the MSE.
static_assert(vanishes(shannon::sum_squared_error(y_noisy, y) - I(5) * shannon::mean_squared_error(y_noisy, y)));

// Least squares on the noisy data maximizes the likelihood: every perturbed line has a certainly
// larger NLL (sigma^2 = 4), and so a larger SSE.
constexpr bool least_squares_is_the_gaussian_mle() {
    const auto fit = shannon::least_squares(x, y_noisy);
    const I best = shannon::gaussian_nll(y_noisy, line(fit.w, fit.b, x), I(4));
    const I dw = q(1, 20);
    const I db = q(1, 2);
    const std::array<std::array<I, 2>, 4> others{{{fit.w + dw, fit.b}, {fit.w - dw, fit.b}, {fit.w, fit.b + db},
                                                  {fit.w + dw, fit.b - I(30) * dw}}};
    for (const auto& [w, b] : others) {
        if (!less(best, shannon::gaussian_nll(y_noisy, line(w, b, x), I(4)))) {
            return false;
        }
    }
    return true;
}
static_assert(least_squares_is_the_gaussian_mle());
// The noisy fit: w = 1.96, b = 11.6 (exact rationals: 49/25 and 58/5).
static_assert(vanishes(shannon::least_squares(x, y_noisy).w - q(49, 25)));
static_assert(vanishes(shannon::least_squares(x, y_noisy).b - q(58, 5)));

}  // namespace
}  // namespace proof
