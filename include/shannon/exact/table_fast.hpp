// shannon/exact/table_fast.hpp — the oracle's fast path for the measures of a joint table (joint and
// conditional entropy, mutual information, total correlation, conditional mutual information, the
// variation of information and the normalized mutual information) of binary64 or binary32 cells.
//
// Each of them is a combination of entropies: of the whole table, and of a few of its marginals,
//   H(Y|X) = H(X,Y) - H(X)            I(X;Y) = H(X) + H(Y) - H(X,Y)      TC = sum_k H(X_k) - H(all)
//   I(X;Y|Z) = H(X,Z) + H(Y,Z) - H(Z) - H(X,Y,Z)                        VI = 2 H(X,Y) - H(X) - H(Y).
// The table's entropy, the only sum over every cell, is the double-double kernel's (exact/fast.hpp:
// nanoseconds per cell, an enclosure about 2^-100 of the sum wide). The marginals are summed in
// double-double with a proven bound (TwoSum cascades: marginal_entry; in four lanes, the rows split
// over two threads: table_marginals) and their entropies, over far fewer entries, in double-double
// with a bound (entropy_of; MPFI for an entry whose bound is wide). The combination is formed in
// MPFI, and Ziv's test on its two ends decides the rounding. These forms cancel where the quantity is small against the entropies (near
// independence for I, near determinism for H(Y|X)): the enclosure is then too wide to decide, and the
// call goes on to the general paths, which evaluate the cancellation-free forms of core/tables.hpp.
// So this path only ever returns a proved rounding; it makes the common case as fast as KL's kernel.
#pragma once

#include <cmath>
#include <algorithm>
#include <cstddef>
#include <optional>
#include <ranges>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#include <mpfi.h>
#include <mpfr.h>

#include "../core/tables.hpp"
#include "../detail/fp_contract.hpp"
#include "fast.hpp"
#include "fast_calls.hpp"
#include "format.hpp"
#include "lift.hpp"
#include "settings.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact::detail {

/// The table quantities this path computes.
template <class Q>
inline constexpr bool table_fast_quantity =
    std::is_same_v<Q, joint_entropy_fn> || std::is_same_v<Q, conditional_entropy_fn> ||
    std::is_same_v<Q, mutual_information_fn> || std::is_same_v<Q, total_correlation_fn> ||
    std::is_same_v<Q, conditional_mutual_information_fn> || std::is_same_v<Q, variation_of_information_fn> ||
    std::is_same_v<Q, normalized_mutual_information_fn>;

/// A table_view of contiguous binary64 or binary32 cells.
template <class A>
inline constexpr bool flat_table_v = false;
template <class R>
    requires fast_range<R>
inline constexpr bool flat_table_v<table_view<R>> = true;

/// An MPFI number at its own precision, freed on scope exit.
class mpfi_number {
public:
    explicit mpfi_number(mpfr_prec_t prec) { mpfi_init2(x_, prec); }
    mpfi_number(const mpfi_number&) = delete;
    mpfi_number& operator=(const mpfi_number&) = delete;
    ~mpfi_number() { mpfi_clear(x_); }
    [[nodiscard]] mpfi_ptr get() { return x_; }
    [[nodiscard]] mpfi_srcptr get() const { return x_; }

private:
    mpfi_t x_;
};

/// Ziv's test on an MPFI enclosure computed by a fast path: the rounded value when both ends round
/// alike in the format ([-0, +0] is 0), else nullopt.
[[nodiscard]] inline std::optional<rounded> decide_enclosure(mpfi_srcptr x, format f) {
    const double a = round_to(&x->left, f);
    const double b = round_to(&x->right, f);
    if (std::isnan(a) || std::isnan(b) || a != b) {
        return std::nullopt;
    }
    return rounded{std::signbit(a) == std::signbit(b) ? a : 0.0, true, 0, 0, true};
}

/// An MPFI number holding hi + lo +- rad (outward).
inline void set_words(mpfi_ptr x, double hi, double lo, double rad) {
    mpfr_t a;
    mpfr_t b;
    mpfr_inits2(mpfi_get_prec(x), a, b, static_cast<mpfr_ptr>(nullptr));
    mpfr_set_d(a, hi, MPFR_RNDN);  // exact
    mpfr_set_d(b, hi, MPFR_RNDN);
    mpfr_add_d(a, a, lo, MPFR_RNDD);
    mpfr_add_d(b, b, lo, MPFR_RNDU);
    mpfr_sub_d(a, a, rad, MPFR_RNDD);
    mpfr_add_d(b, b, rad, MPFR_RNDU);
    mpfi_interv_fr(x, a, b);
    mpfr_clears(a, b, static_cast<mpfr_ptr>(nullptr));
}

/// One entry of a marginal: the sum of its n non-negative cells in double-double (TwoSum into hi, the
/// errors added into lo). With Ogita, Rump and Oishi's bound for this cascade (Sum2, before its final
/// rounding), |hi + lo - sum| <= gamma_(n-1)^2 sum, gamma_k = k u / (1 - k u), u = 2^-53: about
/// (n 2^-53)^2 of the entry, 2^-80 relative at 10^4 cells an entry.
struct marginal_entry {
    double hi = 0;
    double lo = 0;
    double n = 0;
    double extra = 0;  ///< the bounds of the parts merged in (merge)
    void add(double x) {
        const double s = hi + x;
        const double bb = s - hi;
        lo += (hi - (s - bb)) + (x - bb);
        hi = s;
        n += 1;
    }
    /// Adds a part summed apart (its hi as one more term, its lo into lo, its bound kept aside).
    void merge(const marginal_entry& o) {
        add(o.hi);
        const double l = lo + o.lo;
        extra += o.bound() + 0x1p-53 * (std::abs(lo) + std::abs(o.lo));  // the rounding of l
        lo = l;
    }
    /// Every cell was 0.
    [[nodiscard]] bool is_zero() const { return hi == 0 && lo == 0; }
    /// The bound on |hi + lo - sum| (rounded up).
    [[nodiscard]] double bound() const {
        const double ku = n * 0x1p-53;
        const double g = ku / (1 - ku) * (1 + 0x1p-50);
        return (g * g * (hi + std::abs(lo)) + extra) * (1 + 0x1p-50) + 0x1p-1074;
    }
    /// An enclosure of the sum into x (MPFI at x's precision, at least 107 bits: hi + lo is exact there,
    /// the bound added outward; a sum of non-negative cells, so never below 0).
    void enclose(mpfi_ptr x) const {
        set_words(x, hi, lo, bound());
        if (mpfr_sgn(&x->left) < 0) {
            mpfr_set_zero(&x->left, 1);
        }
    }
};

/// One marginal while its rows are summed: where it keeps the last axis, its entries as two arrays
/// (hi, lo: each row added entry by entry, a TwoSum cascade per entry of at most `rows` additions);
/// elsewhere one marginal_entry per index, into which each row's sum is merged.
struct marginal_parts {
    bool along = false;  ///< keeps the last axis
    std::vector<double> hi;
    std::vector<double> lo;
    std::vector<marginal_entry> merged;
    double rows = 0;  ///< rows added (at least each entry's count of additions, for along's bound)

    /// The entries as marginal_entry objects (along: the bound of `rows` additions).
    [[nodiscard]] std::vector<marginal_entry> entries() && {
        if (!along) {
            return std::move(merged);
        }
        std::vector<marginal_entry> out(hi.size());
        for (std::size_t i = 0; i < hi.size(); ++i) {
            out[i].hi = hi[i];
            out[i].lo = lo[i];
            out[i].n = rows;
        }
        return out;
    }
};

/// The rows [first, last) of the cells (a row: the last axis, `len` cells) into each marginal's parts:
/// four lanes (AVX2 + FMA; the table path runs only where the CPU has them), each row's sum in two
/// interleaved vectors of partial sums (eight chains) merged into its entry, and the rows of a
/// marginal that keeps the last axis added entry by entry. `at` holds each marginal's entry index of
/// the row `first`'s first cell.
template <class T>
SHANNON_FAST_TARGET void marginal_rows(const T* cells, std::size_t first, std::size_t last, std::size_t len,
                                       const std::vector<std::size_t>& shape, const std::vector<std::vector<std::size_t>>& stride,
                                       std::vector<std::size_t> at, std::vector<marginal_parts>& parts) {
    using fast::detail::ddv;
    using fast::detail::vd4;
    namespace fd = fast::detail;
    const std::size_t d = shape.size();
    const std::size_t m = parts.size();
    std::vector<std::size_t> idx(d, 0);  // the row's index in the outer axes
    {
        std::size_t r = first;
        for (std::size_t a = d - 1; a-- > 0;) {
            idx[a] = r % shape[a];
            r /= shape[a];
        }
    }
    for (std::size_t row = first; row < last; ++row) {
        const T* c = cells + row * len;
        for (std::size_t k = 0; k < m; ++k) {
            marginal_parts& p = parts[k];
            if (p.along) {
                double* hi = p.hi.data() + at[k];
                double* lo = p.lo.data() + at[k];
                std::size_t j = 0;
                for (; j + 4 <= len; j += 4) {
                    vd4 h;
                    vd4 l;
                    __builtin_memcpy(&h, hi + j, sizeof h);
                    __builtin_memcpy(&l, lo + j, sizeof l);
                    const ddv<vd4> t = fd::two_sum(h, fd::load4(c + j));
                    l += t.lo;
                    __builtin_memcpy(hi + j, &t.hi, sizeof h);
                    __builtin_memcpy(lo + j, &l, sizeof l);
                }
                for (; j < len; ++j) {
                    const ddv<double> t = fd::two_sum(hi[j], static_cast<double>(c[j]));
                    hi[j] = t.hi;
                    lo[j] += t.lo;
                }
            } else {
                vd4 h0{};
                vd4 l0{};
                vd4 h1{};
                vd4 l1{};
                std::size_t j = 0;
                for (; j + 8 <= len; j += 8) {
                    const ddv<vd4> t0 = fd::two_sum(h0, fd::load4(c + j));
                    const ddv<vd4> t1 = fd::two_sum(h1, fd::load4(c + j + 4));
                    h0 = t0.hi;
                    l0 += t0.lo;
                    h1 = t1.hi;
                    l1 += t1.lo;
                }
                const double chain = static_cast<double>(j / 8);  // additions per chain
                marginal_entry sum;
                for (; j < len; ++j) {
                    sum.add(static_cast<double>(c[j]));
                }
                if (chain > 0) {
                    for (int l = 0; l < 4; ++l) {
                        sum.merge(marginal_entry{h0[l], l0[l], chain, 0});
                        sum.merge(marginal_entry{h1[l], l1[l], chain, 0});
                    }
                }
                p.merged[at[k]].merge(sum);
            }
        }
        for (std::size_t k = 0; k < m; ++k) {
            parts[k].rows += 1;
        }
        // The next row: an odometer over the outer axes.
        for (std::size_t a = d - 1; a-- > 0;) {
            const bool carry = ++idx[a] == shape[a];
            for (std::size_t k = 0; k < m; ++k) {
                at[k] += stride[k][a];
                if (carry) {
                    at[k] -= stride[k][a] * shape[a];
                }
            }
            if (!carry) {
                break;
            }
            idx[a] = 0;
        }
    }
}

/// The marginals of the cells over every axis but each `keep` (increasing axes) in one pass: one
/// double-double entry per index of each; the rows split in two halves on two threads from
/// `parallel_from` cells (0: never), the halves' entries merged. nullopt when one has more than
/// `cap` entries (their entropies are taken in MPFI, microseconds each: the general path then runs).
template <class T>
[[nodiscard]] std::optional<std::vector<std::vector<marginal_entry>>> table_marginals(
    const T* cells, const std::vector<std::size_t>& shape, const std::vector<std::vector<std::size_t>>& keeps,
    std::size_t parallel_from = 0, std::size_t cap = std::size_t{1} << 20U) {
    const std::size_t d = shape.size();
    const std::size_t m = keeps.size();
    std::vector<std::vector<std::size_t>> stride(m, std::vector<std::size_t>(d, 0));
    std::vector<marginal_parts> parts(m);
    for (std::size_t k = 0; k < m; ++k) {
        std::size_t size = 1;
        for (std::size_t j = keeps[k].size(); j-- > 0;) {
            stride[k][keeps[k][j]] = size;
            size *= shape[keeps[k][j]];
        }
        if (size > cap) {
            return std::nullopt;
        }
        parts[k].along = keeps[k].back() == d - 1;
        if (parts[k].along) {
            parts[k].hi.assign(size, 0.0);
            parts[k].lo.assign(size, 0.0);
        } else {
            parts[k].merged.resize(size);
        }
    }
    const std::size_t len = shape[d - 1];
    std::size_t rows = 1;
    for (std::size_t a = 0; a + 1 < d; ++a) {
        rows *= shape[a];
    }
    // Each marginal's entry index of a row's first cell.
    const auto start = [&](std::size_t row) {
        std::vector<std::size_t> at(m, 0);
        for (std::size_t a = d - 1; a-- > 0;) {
            const std::size_t i = row % shape[a];
            row /= shape[a];
            for (std::size_t k = 0; k < m; ++k) {
                at[k] += i * stride[k][a];
            }
        }
        return at;
    };
    if (parallel_from == 0 || rows < 2 || rows * len < parallel_from || std::thread::hardware_concurrency() < 2) {
        marginal_rows(cells, 0, rows, len, shape, stride, start(0), parts);
    } else {
        const std::size_t h = rows / 2;
        std::vector<marginal_parts> second = parts;
        std::thread worker([&] { marginal_rows(cells, h, rows, len, shape, stride, start(h), second); });
        marginal_rows(cells, 0, h, len, shape, stride, start(0), parts);
        worker.join();
        std::vector<std::vector<marginal_entry>> out(m);
        for (std::size_t k = 0; k < m; ++k) {
            out[k] = std::move(parts[k]).entries();
            const std::vector<marginal_entry> other = std::move(second[k]).entries();
            for (std::size_t i = 0; i < out[k].size(); ++i) {
                if (other[i].n > 0) {
                    out[k][i].merge(other[i]);
                }
            }
        }
        return out;
    }
    std::vector<std::vector<marginal_entry>> out(m);
    for (std::size_t k = 0; k < m; ++k) {
        out[k] = std::move(parts[k]).entries();
    }
    return out;
}

/// -sum m log m over the entries m of a marginal, enclosed in h (MPFI at h's precision); false when
/// an entry's enclosure reaches 0 (a sum too small for its bound: the general path decides). Each
/// term in double-double: the entry normalized (hi + lo, |lo| <= 2^-53 hi: FastTwoSum, exact), log m
/// = log_dd(hi) + lo/hi within 2^-80 |l| + 2^-104 (log_dd's 2^-81, the correction's second order
/// and roundings), the product by m within 2^-104 of it; the entry's own bound b (<= 2^-40 m here)
/// moves the term by at most b (|log m| + 1.001). The terms are summed as running double words
/// (2^-53 of the low word's magnitudes). An entry with a wider bound, or below 2^-1000, is enclosed
/// in MPFI instead.
SHANNON_FAST_TARGET inline bool entropy_of(const std::vector<marginal_entry>& m, mpfi_ptr h) {
    namespace fd = fast::detail;
    const mpfr_prec_t prec = mpfi_get_prec(h);
    mpfi_number x(prec);
    mpfi_number t(prec);
    mpfi_set_ui(h, 0);
    fd::running_words<double> sum;
    double err = 0;
    double count = 0;
    for (const marginal_entry& e : m) {
        if (e.is_zero()) {
            continue;  // 0 log 0 = 0
        }
        const double b = e.bound();
        if (e.hi >= 0x1p-1000 && b <= e.hi * 0x1p-40) {
            const fd::ddv<double> v = fd::fast_two_sum(e.hi, e.lo);
            const fd::ddv<double> lh = fd::log_dd(v.hi);
            const fd::ddv<double> l = fd::fast_two_sum(lh.hi, lh.lo + v.lo / v.hi);
            fd::ddv<double> p = fd::two_prod(v.hi, l.hi);
            p.lo += v.hi * l.lo + v.lo * l.hi;
            fd::add_word(sum, -p.hi, -p.lo);
            err += std::abs(p.hi) * 0x1p-79 + v.hi * 0x1p-102 + b * (std::abs(l.hi) + 1.001) * (1 + 0x1p-30);
            count += 1;
            continue;
        }
        e.enclose(x.get());
        if (mpfr_sgn(&x.get()->left) <= 0) {
            return false;
        }
        mpfi_log(t.get(), x.get());
        mpfi_mul(t.get(), t.get(), x.get());
        mpfi_sub(h, h, t.get());
    }
    if (count > 0) {
        // The bound's own sums (of count non-negative numbers) rounded up by the factor.
        const double bound = (err + 0x1p-53 * sum.lo_mag) * (1 + (count + 8) * 0x1p-51) * (1 + 0x1p-40) + count * 0x1p-1074;
        set_words(x.get(), sum.hi, sum.lo, bound);
        mpfi_add(h, h, x.get());
    }
    return true;
}

/// The mass S of a table, the sum of one of its marginals' entries, enclosed in s; false when the
/// enclosure is not positive (a table of zeros: the general path reports it).
[[nodiscard]] inline bool mass_of(const std::vector<marginal_entry>& m, mpfi_ptr s) {
    mpfi_number x(mpfi_get_prec(s));
    mpfi_set_ui(s, 0);
    for (const marginal_entry& e : m) {
        e.enclose(x.get());
        mpfi_add(s, s, x.get());
    }
    return mpfr_sgn(&s->left) > 0;
}

/// x = x / S + c log S: a combination x of entropies of the cells as given (coefficients summing to
/// c) as the same combination of the distribution J / S's, since H(J/S) = H(J)/S + log S.
inline void of_distribution(mpfi_ptr x, mpfi_srcptr s, long c) {
    mpfi_div(x, x, s);
    if (c != 0) {
        mpfi_number l(mpfi_get_prec(x));
        mpfi_log(l.get(), s);
        mpfi_mul_si(l.get(), l.get(), c);
        mpfi_add(x, x, l.get());
    }
}

/// The fast path for the table quantities (see the file comment): the correctly rounded value, or
/// nullopt (input it does not take, bad input the general path reports, an undecided rounding).
template <class Quantity, class... Args>
[[nodiscard]] std::optional<rounded> try_table_fast(const settings& s, format f, const Args&... args) {
    if constexpr (!table_fast_quantity<Quantity> || sizeof...(Args) < 1 || sizeof...(Args) > 2) {
        return std::nullopt;
    } else {
        using Tuple = std::tuple<std::remove_cvref_t<Args>...>;
        const auto tuple = std::forward_as_tuple(args...);
        using J = std::tuple_element_t<0, Tuple>;
        if constexpr (!flat_table_v<J>) {
            // Nested rows of binary64 or binary32 numbers: read into one row-major table (the cells
            // checked with the quantity's own messages), then as a table_view.
            if constexpr (std::ranges::input_range<J> && shannon::detail::nesting<J>::value >= 2) {
                using T = shannon::detail::table_real_t<J>;
                if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
                    const shannon::detail::table<T> t = shannon::detail::read_table<T>(std::get<0>(tuple), Quantity::info.name, "J");
                    const table_view<std::vector<T>> view{t.cells, t.shape};
                    if constexpr (sizeof...(Args) == 2) {
                        return try_table_fast<Quantity>(s, f, view, std::get<1>(tuple));
                    } else {
                        return try_table_fast<Quantity>(s, f, view);
                    }
                }
            }
            return std::nullopt;
        } else {
            options opt;
            if constexpr (sizeof...(Args) == 2) {
                if constexpr (!std::is_same_v<std::tuple_element_t<1, Tuple>, options>) {
                    return std::nullopt;
                } else {
                    opt = std::get<1>(tuple);
                }
            }
            if (!fast::detail::cpu_supported() || !(opt.sum_tolerance >= 0)) {
                return std::nullopt;
            }
            const auto& j = std::get<0>(tuple);
            const std::vector<std::size_t>& shape = j.shape;
            const std::size_t d = shape.size();
            std::size_t n = d == 0 ? 0 : 1;
            for (const std::size_t k : shape) {
                n *= k;
            }
            if (n == 0 || std::ranges::size(j.cells) != n) {
                return std::nullopt;
            }
            // The shapes each quantity takes (the general path reports the others).
            constexpr bool two_axes = std::is_same_v<Quantity, mutual_information_fn> ||
                                      std::is_same_v<Quantity, variation_of_information_fn> ||
                                      std::is_same_v<Quantity, normalized_mutual_information_fn>;
            if ((two_axes && d != 2) || (std::is_same_v<Quantity, conditional_mutual_information_fn> && d != 3) ||
                ((std::is_same_v<Quantity, conditional_entropy_fn> || std::is_same_v<Quantity, total_correlation_fn>) &&
                 d < 2)) {
                return std::nullopt;
            }
            std::size_t given = 0;
            if constexpr (std::is_same_v<Quantity, conditional_entropy_fn> ||
                          std::is_same_v<Quantity, conditional_mutual_information_fn>) {
                given = opt.given.value_or(std::is_same_v<Quantity, conditional_entropy_fn> ? 0 : 2);
                if (given >= d) {
                    return std::nullopt;
                }
            }
            const auto* cells = std::ranges::data(j.cells);
            const fast::accumulator<fast::kind::entropy> acc = fast_accumulate<fast::kind::entropy>(s, cells, static_cast<decltype(cells)>(nullptr), n);
            if (acc.invalid() || acc.infinite()) {
                return std::nullopt;
            }
            if (opt.normalization == normalization::check && !clearly_normalized(acc.sum_p(), n, opt.sum_tolerance)) {
                return std::nullopt;
            }
            const bool normalize = opt.normalization == normalization::normalize;
            constexpr mpfr_prec_t prec = 128;
            mpfi_number joint(256);  // H of every cell, from the kernel's enclosure
            {
                mpfr_t lo;
                mpfr_t hi;
                mpfr_inits2(256, lo, hi, static_cast<mpfr_ptr>(nullptr));
                fast_enclosure<entropy_fn>(acc, unit::nats, lo, hi);
                mpfi_interv_fr(joint.get(), lo, hi);
                mpfr_clears(lo, hi, static_cast<mpfr_ptr>(nullptr));
            }
            // The marginals each quantity needs, in one pass over the cells.
            std::vector<std::vector<std::size_t>> keeps;
            if constexpr (std::is_same_v<Quantity, conditional_entropy_fn>) {
                keeps = {{given}};
            } else if constexpr (std::is_same_v<Quantity, conditional_mutual_information_fn>) {
                const std::size_t a = given == 0 ? 1 : 0;
                const std::size_t b = given == 2 ? 1 : 2;
                keeps = {{std::min(a, given), std::max(a, given)}, {std::min(b, given), std::max(b, given)}, {given}};
            } else if constexpr (!std::is_same_v<Quantity, joint_entropy_fn>) {
                for (std::size_t k = 0; k < d; ++k) {
                    keeps.push_back({k});
                }
            } else if (normalize) {
                keeps = {{0}};  // for the mass S only
            }
            std::vector<std::vector<marginal_entry>> marginals;
            if (!keeps.empty()) {
                auto m = table_marginals(cells, shape, keeps, s.parallel_from);
                if (!m) {
                    return std::nullopt;
                }
                marginals = std::move(*m);
            }
            // H of the k-th marginal, into h.
            const auto marginal_entropy = [&](std::size_t k, mpfi_ptr h) { return entropy_of(marginals[k], h); };
            mpfi_number r(256);
            mpfi_number h(prec);
            if constexpr (std::is_same_v<Quantity, joint_entropy_fn>) {
                mpfi_set(r.get(), joint.get());
            } else if constexpr (std::is_same_v<Quantity, conditional_entropy_fn>) {
                if (!marginal_entropy(0, h.get())) {
                    return std::nullopt;
                }
                mpfi_sub(r.get(), joint.get(), h.get());
            } else if constexpr (std::is_same_v<Quantity, conditional_mutual_information_fn>) {
                // H(X,Z) + H(Y,Z) - H(Z) - H(X,Y,Z)
                mpfi_neg(r.get(), joint.get());
                for (std::size_t k = 0; k < 3; ++k) {
                    if (!marginal_entropy(k, h.get())) {
                        return std::nullopt;
                    }
                    if (k < 2) {
                        mpfi_add(r.get(), r.get(), h.get());
                    } else {
                        mpfi_sub(r.get(), r.get(), h.get());
                    }
                }
            } else {
                // The sum of the single axes' entropies (two for I, VI and NMI).
                mpfi_number sum(prec);
                mpfi_set_ui(sum.get(), 0);
                mpfi_number hx(prec);
                mpfi_number hy(prec);
                std::size_t constant_axes = 0;  // axes whose marginal has one non-zero entry (NMI)
                for (std::size_t k = 0; k < d; ++k) {
                    if (!marginal_entropy(k, h.get())) {
                        return std::nullopt;
                    }
                    mpfi_add(sum.get(), sum.get(), h.get());
                    mpfi_set(k == 0 ? hx.get() : hy.get(), h.get());
                    if constexpr (std::is_same_v<Quantity, normalized_mutual_information_fn>) {
                        const auto nonzero = std::ranges::count_if(marginals[k], [](const marginal_entry& e) { return !e.is_zero(); });
                        constant_axes += nonzero <= 1 ? 1 : 0;
                    }
                }
                if constexpr (std::is_same_v<Quantity, variation_of_information_fn>) {
                    mpfi_mul_ui(r.get(), joint.get(), 2);
                    mpfi_sub(r.get(), r.get(), sum.get());
                } else {
                    mpfi_sub(r.get(), sum.get(), joint.get());
                }
                if constexpr (std::is_same_v<Quantity, normalized_mutual_information_fn>) {
                    if (constant_axes > 0) {
                        // 1 for two constant variables, 0 for one (core/tables.hpp's convention)
                        return rounded{constant_axes == 2 ? 1.0 : 0.0, true, 0, 0, true};
                    }
                    // Of the distribution J / S: H(J/S) = H(J)/S + log S for the table and each marginal,
                    // so I(J/S) = I(J)/S + log S.
                    mpfi_number s_(256);
                    if (!mass_of(marginals[0], s_.get())) {
                        return std::nullopt;
                    }
                    for (mpfi_ptr x : {hx.get(), hy.get(), joint.get(), r.get()}) {
                        of_distribution(x, s_.get(), 1);
                    }
                    mpfi_add(sum.get(), hx.get(), hy.get());
                    mpfi_number den(prec);
                    switch (opt.average) {
                        case nmi_average::arithmetic:
                            mpfi_div_ui(den.get(), sum.get(), 2);
                            break;
                        case nmi_average::geometric:
                            mpfi_mul(den.get(), hx.get(), hy.get());
                            mpfi_sqrt(den.get(), den.get());
                            break;
                        case nmi_average::min:
                        case nmi_average::max: {
                            // Ordered for certain, else the general path.
                            const bool x_below = mpfr_cmp(&hx.get()->right, &hy.get()->left) < 0;
                            const bool y_below = mpfr_cmp(&hy.get()->right, &hx.get()->left) < 0;
                            if (!x_below && !y_below) {
                                return std::nullopt;
                            }
                            const bool take_x = (opt.average == nmi_average::min) == x_below;
                            mpfi_set(den.get(), take_x ? hx.get() : hy.get());
                            break;
                        }
                        case nmi_average::joint:
                            mpfi_set(den.get(), joint.get());
                            break;
                    }
                    if (mpfi_has_zero(den.get()) != 0) {
                        return std::nullopt;
                    }
                    mpfi_div(r.get(), r.get(), den.get());
                }
            }
            if constexpr (!std::is_same_v<Quantity, normalized_mutual_information_fn>) {
                if (normalize) {
                    // Of J / S: each entropy H(J/S) = H(J)/S + log S, so the combination r/S plus log S
                    // times the sum of its coefficients (1 for H(X,Y) and I, d - 1 for TC, 0 for the
                    // conditional quantities and VI).
                    mpfi_number s_(256);
                    if (!mass_of(marginals[0], s_.get())) {
                        return std::nullopt;
                    }
                    long coefficients = 0;
                    if constexpr (std::is_same_v<Quantity, joint_entropy_fn> || std::is_same_v<Quantity, mutual_information_fn>) {
                        coefficients = 1;
                    } else if constexpr (std::is_same_v<Quantity, total_correlation_fn>) {
                        coefficients = static_cast<long>(d) - 1;
                    }
                    of_distribution(r.get(), s_.get(), coefficients);
                }
                in_unit(&r.get()->left, &r.get()->right, opt.base);
            }
            return decide_enclosure(r.get(), f);
        }
    }
}

}  // namespace shannon::exact::detail

SHANNON_FP_CONTRACT_RESTORE
