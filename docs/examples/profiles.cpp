// Checking a kernel against a framework's convention from C++: the exact value of PyTorch's
// cross_entropy with label smoothing, correctly rounded to float32, and the ulp error of a float32
// result computed elsewhere (here a naive float32 formula stands in for the kernel under test).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <shannon/exact.hpp>
#include <shannon/profiles/torch.hpp>
#include <vector>

namespace ex = shannon::exact;
namespace pt = shannon::profiles::torch;

// The kernel under test: float32 throughout, log-sum-exp without the max shift.
float my_cross_entropy(const std::vector<std::vector<float>>& logits,
                       const std::vector<std::int64_t>& labels, float smoothing) {
    float total = 0.0F;
    for (std::size_t n = 0; n < logits.size(); ++n) {
        const auto& row = logits[n];
        float lse = 0.0F;
        for (float x : row) {
            lse += std::exp(x);
        }
        lse = std::log(lse);
        const auto classes = static_cast<float>(row.size());
        for (std::size_t c = 0; c < row.size(); ++c) {
            const float target =
                (static_cast<std::int64_t>(c) == labels[n] ? 1.0F - smoothing : 0.0F) +
                smoothing / classes;
            total += target * (lse - row[c]);
        }
    }
    return total / static_cast<float>(logits.size());
}

int main() {
    const std::vector<std::vector<float>> logits{
        {2.0F, 1.0F, 0.1F}, {0.5F, 2.5F, -1.0F}, {-3.0F, 0.25F, 4.0F}};
    const std::vector<std::int64_t> labels{0, 1, 0};
    const pt::cross_entropy_options options{.label_smoothing = 0.1};

    // The profile as the quantity: the oracle evaluates it on the exact values of the float inputs.
    const auto torch_cross_entropy = [&options](const auto& x, const auto& y) {
        return pt::cross_entropy(x, y, options);
    };

    const ex::rounded truth = ex::round(ex::format::binary32, torch_cross_entropy, logits, labels);
    std::printf("PyTorch's convention, exact, rounded to float32: %.9g (%s)\n",
                static_cast<double>(truth.value), truth.determined ? "determined" : "undetermined");
    std::printf("the same to 30 digits:                           %s\n",
                ex::digits(30, torch_cross_entropy, logits, labels).c_str());

    const float mine = my_cross_entropy(logits, labels, 0.1F);
    std::printf("the kernel under test:                           %.9g (%+.2f ulp)\n",
                static_cast<double>(mine),
                ex::ulp_error(static_cast<double>(mine), ex::format::binary32, torch_cross_entropy,
                              logits, labels));
    return truth.determined ? 0 : 1;
}
