// shannon/exact/report.hpp — a summary of the ulp errors of many cases (no Boost).
#pragma once

#include <cmath>
#include <cstddef>

namespace shannon::exact {

/// A summary of the ulp errors of many cases.
struct ulp_report {
    /// Cases added.
    std::size_t cases = 0;
    /// The largest |error| (ulps).
    double max_abs = 0;
    /// The mean |error| (ulps).
    double mean_abs = 0;
    /// The index (in the order of add()) of the case with the largest |error|.
    std::size_t worst_index = 0;
    std::size_t over = 0;  ///< cases above the threshold given to add()

    /// Adds one case's error (in ulps); a case with |err| > threshold counts in `over`.
    void add(double err, double threshold = 0.5) {
        const double a = std::abs(err);
        if (cases == 0 || a > max_abs) {
            max_abs = a;
            worst_index = cases;
        }
        mean_abs += (a - mean_abs) / static_cast<double>(cases + 1);
        over += a > threshold ? 1 : 0;
        ++cases;
    }
};

}  // namespace shannon::exact
