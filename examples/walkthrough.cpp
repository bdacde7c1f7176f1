// examples/walkthrough.cpp — the worked examples of the founding material, each computed by shannon
// at 50 significant digits (cpp_bin_float_50) and as a double.
#include <array>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/multiprecision/cpp_bin_float.hpp>

#include <shannon/shannon.hpp>

namespace {

using big = boost::multiprecision::cpp_bin_float_50;

// Decimal inputs such as 0.9 are read exactly at 50 digits ("0.9" as a string), and as the double
// nearest to them: the two columns differ by that rounding, not by the library.
big dec(const char* s) { return big(s); }

// The output: the table (default), or with --json one object {key: {"label", "section", "digits",
// "double"}} with 30 significant digits, which the documentation's pages take their numbers from.
bool json = false;
bool first_json_row = true;
std::string section;

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

template <class X>
std::string text(const X& x, int digits) {
    std::ostringstream o;
    o << std::setprecision(digits) << x;
    return o.str();
}

void row(const char* key, const std::string& what, const big& exact, double as_double) {
    if (json) {
        std::cout << (first_json_row ? "{\n" : ",\n") << "  " << quoted(key) << ": {\"label\": " << quoted(what)
                  << ", \"section\": " << quoted(section) << ", \"digits\": " << quoted(text(exact, 30))
                  << ", \"double\": " << quoted(text(as_double, 17)) << "}";
        first_json_row = false;
        return;
    }
    std::cout << "  " << std::left << std::setw(44) << what << std::right << std::setprecision(50)
              << std::setw(54) << exact << "   " << std::setprecision(17) << as_double << '\n';
}

void header(const std::string& title) {
    section = title;
    if (json) {
        return;
    }
    std::cout << '\n' << title << '\n'
              << "  " << std::left << std::setw(44) << "quantity" << std::right << std::setw(54)
              << "50 digits" << "   " << "double" << '\n';
}

template <class T>
std::vector<T> seq(std::initializer_list<const char*> xs) {
    std::vector<T> v;
    for (const char* x : xs) {
        if constexpr (std::is_same_v<T, double>) {
            v.push_back(std::stod(x));
        } else {
            v.push_back(T(x));
        }
    }
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    json = argc > 1 && std::string(argv[1]) == "--json";
    if (!json) {
        std::cout << "shannon walkthrough: the worked examples of the founding material\n"
                     "(nats unless a unit is given; every value computed by shannon)\n";
    }

    header("1. Self-information I(p) = -log p: the cat example");
    row("I_cat_09", "I(0.9)  (cat predicted with p = 0.9)", shannon::self_information(dec("0.9")), shannon::self_information(0.9));
    row("I_cat_01", "I(0.1)  (cat predicted with p = 0.1)", shannon::self_information(dec("0.1")), shannon::self_information(0.1));
    row("I_half_bits", "I(0.5) in bits", shannon::self_information(dec("0.5"), shannon::unit::bits),
        shannon::self_information(0.5, shannon::unit::bits));

    header("2. Entropy, cross-entropy, KL: one-hot P = [1,0,0,0], Q = [0.7,0.1,0.1,0.1]");
    {
        const auto pb = seq<big>({"1", "0", "0", "0"});
        const auto qb = seq<big>({"0.7", "0.1", "0.1", "0.1"});
        const auto pd = seq<double>({"1", "0", "0", "0"});
        const auto qd = seq<double>({"0.7", "0.1", "0.1", "0.1"});
        row("onehot_H_P", "H(P)", shannon::entropy(pb), shannon::entropy(pd));
        row("onehot_H_PQ", "H(P,Q) = -log 0.7", shannon::cross_entropy(pb, qb), shannon::cross_entropy(pd, qd));
        row("onehot_KL_PQ", "KL(P||Q) = H(P,Q) - H(P)", shannon::kl_divergence(pb, qb), shannon::kl_divergence(pd, qd));
        row("onehot_H_Q", "H(Q)", shannon::entropy(qb), shannon::entropy(qd));
        row("onehot_KL_QP", "KL(Q||P) (q > 0 = p somewhere: +inf)", shannon::kl_divergence(qb, pb), shannon::kl_divergence(qd, pd));
        row("onehot_CE_index", "categorical CE, class index 0", shannon::categorical_cross_entropy(0, qb),
            shannon::categorical_cross_entropy(0, qd));
    }

    header("3. KL is not symmetric: P = [0.5, 0.5], Q = [0.9, 0.1]");
    {
        const auto pb = seq<big>({"0.5", "0.5"});
        const auto qb = seq<big>({"0.9", "0.1"});
        const auto pd = seq<double>({"0.5", "0.5"});
        const auto qd = seq<double>({"0.9", "0.1"});
        row("asym_KL_PQ", "KL(P||Q)", shannon::kl_divergence(pb, qb), shannon::kl_divergence(pd, qd));
        row("asym_KL_QP", "KL(Q||P)", shannon::kl_divergence(qb, pb), shannon::kl_divergence(qd, pd));
        row("asym_JS", "JS(P,Q) (symmetric, <= log 2)", shannon::js_divergence(pb, qb), shannon::js_divergence(pd, qd));
        row("asym_H_P_bits", "H(P) in bits", shannon::entropy(pb, {.base = shannon::unit::bits}),
            shannon::entropy(pd, {.base = shannon::unit::bits}));
        row("binary_entropy_09", "binary entropy H(0.9)", shannon::binary_entropy(dec("0.9")), shannon::binary_entropy(0.9));
    }

    header("4. Maximum likelihood: a coin with 6 heads in 10 flips");
    {
        const std::array flips{1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
        row("coin_mle", "MLE p = k/n", shannon::bernoulli_mle<big>(flips), shannon::bernoulli_mle<double>(flips));
        row("coin_nll_06", "NLL(p = 0.6)", shannon::bernoulli_nll(flips, dec("0.6")), shannon::bernoulli_nll(flips, 0.6));
        row("coin_nll_05", "NLL(p = 0.5)  (larger: not the MLE)", shannon::bernoulli_nll(flips, dec("0.5")),
            shannon::bernoulli_nll(flips, 0.5));
        row("coin_n_cross_entropy", "n * H(P_data, Bernoulli(0.6))",
            big(10) * shannon::cross_entropy(seq<big>({"0.6", "0.4"}), seq<big>({"0.6", "0.4"})),
            10 * shannon::cross_entropy(seq<double>({"0.6", "0.4"}), seq<double>({"0.6", "0.4"})));
    }

    header("5. Binary cross-entropy: the spam e-mails");
    row("spam_free", "\"free\": y = 1, p = 0.8  -> -log 0.8", shannon::binary_cross_entropy(big(1), dec("0.8")),
        shannon::binary_cross_entropy(1.0, 0.8));
    row("spam_meeting", "\"meeting\": y = 0, p = 0.3 -> -log 0.7", shannon::binary_cross_entropy(big(0), dec("0.3")),
        shannon::binary_cross_entropy(0.0, 0.3));
    row("spam_mean", "mean over the two e-mails",
        shannon::binary_cross_entropy(seq<big>({"1", "0"}), seq<big>({"0.8", "0.3"})),
        shannon::binary_cross_entropy(seq<double>({"1", "0"}), seq<double>({"0.8", "0.3"})));
    row("spam_logit", "from the logit x = log(0.8/0.2), y = 1",
        shannon::binary_cross_entropy_with_logits(big(1), big(log(big(4)))),
        shannon::binary_cross_entropy_with_logits(1.0, std::log(4.0)));

    header("6. Single-label (softmax) and multi-label (sigmoid) cross-entropy, logits [2, 1, 0.1]");
    {
        const auto zb = seq<big>({"2", "1", "0.1"});
        const auto zd = seq<double>({"2", "1", "0.1"});
        row("logits_softmax_0", "softmax(z)_0", shannon::softmax(zb)[0], shannon::softmax(zd)[0]);
        row("logits_ce_0", "CE, true class 0", shannon::categorical_cross_entropy_with_logits(0, zb),
            shannon::categorical_cross_entropy_with_logits(0, zd));
        row("logits_multilabel", "multi-label BCE, n-hot [1, 0, 1]",
            shannon::multilabel_binary_cross_entropy_with_logits(seq<big>({"1", "0", "1"}), zb),
            shannon::multilabel_binary_cross_entropy_with_logits(seq<double>({"1", "0", "1"}), zd));
        row("sigmoid_2", "sigmoid(2)", shannon::sigmoid(big(2)), shannon::sigmoid(2.0));
    }

    header("7. Least squares = Gaussian maximum likelihood: milk tea (temperature -> sales)");
    {
        const auto xb = seq<big>({"20", "25", "30", "35", "40"});
        const auto yb = seq<big>({"50", "60", "70", "80", "90"});
        const auto xd = seq<double>({"20", "25", "30", "35", "40"});
        const auto yd = seq<double>({"50", "60", "70", "80", "90"});
        const auto fb = shannon::least_squares(xb, yb);
        const auto fd = shannon::least_squares(xd, yd);
        row("milk_slope", "slope w", fb.w, fd.w);
        row("milk_intercept", "intercept b", fb.b, fd.b);
        std::vector<big> predb;
        std::vector<double> predd;
        for (std::size_t i = 0; i < xb.size(); ++i) {
            predb.push_back(big(fb.w * xb[i] + fb.b));
            predd.push_back(fd.w * xd[i] + fd.b);
        }
        row("milk_mse", "MSE of the fit", shannon::mean_squared_error(yb, predb), shannon::mean_squared_error(yd, predd));
        row("milk_gaussian_nll", "Gaussian NLL, sigma^2 = 1 (= n/2 log 2pi)", shannon::gaussian_nll(yb, predb, big(1)),
            shannon::gaussian_nll(yd, predd, 1.0));
    }
    std::cout << (json ? "\n}\n" : "\n");
    return 0;
}
