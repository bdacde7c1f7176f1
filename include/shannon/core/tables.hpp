// shannon/core/tables.hpp — the measures of a joint distribution given as a table: joint and
// conditional entropy, mutual information, conditional mutual information, total correlation, the
// normalized mutual information and the variation of information.
//
// A table is a nested range (a range of rows for two variables, a range of such for three: J[x][y][z])
// or a table_view (the cells in row-major order and the shape: an n-D array). Axis k is the k-th
// variable; J[x][y] = P(X = x, Y = y). Cells are probabilities (NaN, negative and infinite cells are a
// domain_error naming the table, the cell's index and its value; a ragged table or an empty axis an
// invalid_argument); options::normalization applies to the whole table as one distribution.
//
// Every quantity is a sum of non-negative terms (cancellation-free):
//   H(X,Y)     = sum -p log p
//   H(Y|X)     = sum -p_xy log(p_xy / p_x)                   (each term >= 0: p_xy <= p_x)
//   I(X;Y)     = KL(P_XY || P_X P_Y) = sum bd0(p_xy, p_x p_y) + (S - S^2)
//   TC(X_1..n) = KL(P || prod P_k)   = sum bd0(p, prod_k p_k) + (S - S^n)
//   I(X;Y|Z)   = sum bd0(p_xyz, p_xz p_yz / p_z)             (the masses cancel identically)
//   VI(X;Y)    = H(X|Y) + H(Y|X) = sum p_xy [log(p_x / p_xy) + log(p_y / p_xy)]
// with bd0(p, q) = p log(p/q) - p + q >= 0 (core/measures.hpp) and S = sum p (1 for a distribution).
// Never H(X) + H(Y) - H(X,Y): near independence that difference loses every digit, where bd0's terms
// are second order in p - q and so is their sensitivity to the rounding of the marginals' product.
// At face value (a table summing to S != 1 within sum_tolerance) the identities H(X,Y) = H(X) + H(Y|X)
// and I = H(X) - H(X|Y) still hold exactly; I >= 0 needs S = 1 (normalization::normalize rescales).
#pragma once

#include <cstddef>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "error.hpp"
#include "math.hpp"
#include "measures.hpp"
#include "options.hpp"
#include "quantity.hpp"
#include "../numbers/traits.hpp"
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon {

/// A table given flat: its cells in row-major order (the last axis varies fastest) and its shape, the
/// form of an n-dimensional array (a NumPy array's data and shape).
template <class R>
struct table_view {
    R cells;                          ///< the cells, row-major
    std::vector<std::size_t> shape;   ///< the length of each axis
};
template <class R>
table_view(R, std::vector<std::size_t>) -> table_view<R>;

namespace detail {

template <class T>
inline constexpr bool is_table_view_v = false;
template <class R>
inline constexpr bool is_table_view_v<table_view<R>> = true;

/// The number type of a table's cells (the innermost ranges' elements, or a table_view's cells').
template <class J>
struct table_real {
    using type = real_of<std::remove_cvref_t<J>>;
};
template <std::ranges::input_range J>
struct table_real<J> {
    using type = typename table_real<std::remove_cvref_t<std::ranges::range_reference_t<J>>>::type;
};
template <class R>
struct table_real<table_view<R>> {
    using type = range_real_t<R>;
};
template <class J>
using table_real_t = typename table_real<std::remove_cvref_t<J>>::type;

/// A table read into W: its cells row-major and its shape.
template <class W>
struct table {
    std::vector<W> cells;
    std::vector<std::size_t> shape;
};

/// "[i, j, k]": a cell's (or a row's) index, for messages.
[[nodiscard]] constexpr std::string index_text(const std::vector<std::size_t>& idx, std::size_t count) {
    std::string out = "[";
    for (std::size_t k = 0; k < count; ++k) {
        if (k != 0) {
            out += ", ";
        }
        std::size_t v = idx[k];
        std::string digits;
        do {
            digits.insert(digits.begin(), static_cast<char>('0' + v % 10));
            v /= 10;
        } while (v != 0);
        out += digits;
    }
    return out + "]";
}

/// A cell must be a probability: not NaN, >= 0, finite (as check_probability, with the cell's index).
template <class V>
constexpr void check_cell(const V& v, std::string_view function, std::string_view argument,
                          const std::vector<std::size_t>& idx, std::size_t depth) {
    const char* why = nullptr;
    if (has_nan(v)) {
        why = "a probability cannot be NaN";
    } else if (lower_of(v) < 0) {
        why = "a probability must be >= 0";
    } else if (is_pos_inf(v)) {
        why = "a probability must be finite";
    }
    if (why != nullptr) {
        const std::string at = index_text(idx, depth);
        fail<shannon::domain_error>(function, "argument '", argument, "' at index ", std::string_view(at), " is ",
                                    shown_exact<V>{v}, ": ", why);
    }
}

/// Reads the nested ranges of level `level` and below into t (depth-first), checking each cell and that
/// every range of one level has the length of the first.
template <class W, class R>
constexpr void read_level(R&& r, std::size_t level, std::size_t depth, table<W>& t, std::vector<std::size_t>& idx,
                          std::string_view function, std::string_view argument) {
    std::size_t n = 0;
    for (auto&& e : r) {
        idx[level] = n;
        using E = std::remove_cvref_t<decltype(e)>;
        if constexpr (std::ranges::input_range<E>) {
            read_level<W>(e, level + 1, depth, t, idx, function, argument);
        } else {
            poll_stop_at<W>(t.cells.size());
            const auto v = static_cast<real_of<E>>(e);
            check_cell(v, function, argument, idx, depth);
            t.cells.push_back(to_working<W>(v));
        }
        ++n;
    }
    if (n == 0) {
        if (level == 0) {
            fail_empty(function, argument);
        }
        const std::string at = index_text(idx, level);
        fail<shannon::invalid_argument>(function, "argument '", argument, "' has an empty axis at ",
                                        std::string_view(at));
    }
    if (t.shape[level] == 0) {
        t.shape[level] = n;
    } else if (t.shape[level] != n) {
        const std::string at = index_text(idx, level);
        fail<shannon::invalid_argument>(function, "argument '", argument, "' is not a table: ", argument,
                                        std::string_view(at), " has length ", n, " where the first has length ",
                                        t.shape[level]);
    }
}

/// The nesting depth of a range (0 for a number).
template <class R>
struct nesting : std::integral_constant<std::size_t, 0> {};
template <std::ranges::input_range R>
struct nesting<R> : std::integral_constant<std::size_t, 1 + nesting<std::remove_cvref_t<std::ranges::range_reference_t<R>>>::value> {};

/// Reads a table (nested ranges or a table_view) into W, checking its cells and its shape.
template <class W, class J>
[[nodiscard]] constexpr table<W> read_table(J&& j, std::string_view function, std::string_view argument) {
    table<W> t;
    if constexpr (is_table_view_v<std::remove_cvref_t<J>>) {
        t.shape = j.shape;
        std::size_t count = 1;
        for (const std::size_t n : t.shape) {
            count *= n;
        }
        if (t.shape.empty() || count == 0) {
            fail<shannon::invalid_argument>(function, "argument '", argument, "' is empty (shape ",
                                            std::string_view(index_text(t.shape, t.shape.size())), ")");
        }
        std::vector<std::size_t> idx(t.shape.size(), 0);
        t.cells.reserve(count);
        for (auto&& e : j.cells) {
            if (t.cells.size() == count) {
                break;
            }
            // The cell's multi-index, for a message.
            std::size_t f = t.cells.size();
            for (std::size_t k = t.shape.size(); k-- > 0;) {
                idx[k] = f % t.shape[k];
                f /= t.shape[k];
            }
            poll_stop_at<W>(t.cells.size());
            const auto v = static_cast<real_of<std::remove_cvref_t<decltype(e)>>>(e);
            check_cell(v, function, argument, idx, idx.size());
            t.cells.push_back(to_working<W>(v));
        }
        if (t.cells.size() != count || std::ranges::distance(j.cells) != static_cast<std::ptrdiff_t>(count)) {
            fail<shannon::invalid_argument>(function, "argument '", argument, "' has ",
                                            static_cast<std::size_t>(std::ranges::distance(j.cells)),
                                            " cells; its shape ", std::string_view(index_text(t.shape, t.shape.size())),
                                            " needs ", count);
        }
    } else {
        constexpr std::size_t depth = nesting<std::remove_cvref_t<J>>::value;
        t.shape.assign(depth, 0);
        std::vector<std::size_t> idx(depth, 0);
        read_level<W>(std::forward<J>(j), 0, depth, t, idx, function, argument);
    }
    return t;
}

/// The sums of the table's cells over every axis but `keep` (increasing axes): the marginal table of
/// the kept axes, row-major.
template <class W>
[[nodiscard]] constexpr std::vector<W> marginal(const table<W>& t, const std::vector<std::size_t>& keep) {
    const std::size_t d = t.shape.size();
    std::vector<std::size_t> stride(d, 0);  // each axis' stride in the marginal (0: summed over)
    std::size_t size = 1;
    for (std::size_t j = keep.size(); j-- > 0;) {
        stride[keep[j]] = size;
        size *= t.shape[keep[j]];
    }
    std::vector<accumulator<W>> acc(size);
    std::vector<std::size_t> idx(d, 0);
    std::size_t at = 0;  // the current cell's index in the marginal
    for (const W& c : t.cells) {
        acc[at].add(c);
        for (std::size_t k = d; k-- > 0;) {  // the next cell: an odometer over the axes
            at += stride[k];
            if (++idx[k] < t.shape[k]) {
                break;
            }
            at -= stride[k] * idx[k];
            idx[k] = 0;
        }
    }
    std::vector<W> out;
    out.reserve(size);
    for (const auto& a : acc) {
        out.push_back(a.value());
    }
    return out;
}

/// f(cell, index) for every cell, the multi-index kept by an odometer.
template <class W, class F>
constexpr void for_each_cell(const table<W>& t, F f) {
    const std::size_t d = t.shape.size();
    std::vector<std::size_t> idx(d, 0);
    for (const W& c : t.cells) {
        f(c, idx);
        for (std::size_t k = d; k-- > 0;) {
            if (++idx[k] < t.shape[k]) {
                break;
            }
            idx[k] = 0;
        }
    }
}

/// Requires a table of `dims` axes (or at least `dims` when `at_least`).
template <class W>
constexpr void check_axes(const table<W>& t, std::size_t dims, bool at_least, std::string_view function,
                          std::string_view what) {
    const std::size_t d = t.shape.size();
    if (at_least ? d < dims : d != dims) {
        fail<shannon::invalid_argument>(function, "argument 'J' has shape ",
                                        std::string_view(index_text(t.shape, d)), ": ", what);
    }
}

/// The axis options::given names (`fallback` when it names none), checked against the table.
template <class W>
[[nodiscard]] constexpr std::size_t given_axis(const table<W>& t, const options& opt, std::size_t fallback,
                                               std::string_view function) {
    const std::size_t g = opt.given.value_or(fallback);
    if (g >= t.shape.size()) {
        fail<shannon::invalid_argument>(function, "option 'given' is ", g, ": the table has ", t.shape.size(),
                                        " axes (0 to ", t.shape.size() - 1, ")");
    }
    return g;
}

/// H(rest | axis g) = sum -p log(p / p_g) in nats: each term >= 0.
template <class W>
[[nodiscard]] constexpr W conditional_entropy_nats(const table<W>& t, std::size_t g) {
    const std::vector<W> m = marginal(t, {g});
    accumulator<W> acc;
    for_each_cell(t, [&](const W& c, const std::vector<std::size_t>& idx) {
        if (!is_exact_zero(c)) {
            acc.add(W(c * log_ratio(m[idx[g]], c)));
        }
    });
    return acc.value();
}

/// KL(P || prod_k P_k) = sum bd0(p, prod_k p_k) + (S - S^d) in nats: I(X;Y) for two axes.
template <class W>
[[nodiscard]] constexpr W total_correlation_nats(const table<W>& t) {
    const std::size_t d = t.shape.size();
    std::vector<std::vector<W>> m;
    for (std::size_t k = 0; k < d; ++k) {
        m.push_back(marginal(t, {k}));
    }
    accumulator<W> acc;
    for_each_cell(t, [&](const W& c, const std::vector<std::size_t>& idx) {
        W q = m[0][idx[0]];
        for (std::size_t k = 1; k < d; ++k) {
            q = W(q * m[k][idx[k]]);
        }
        acc.add(bd0(c, q));
    });
    const W g = acc.value();
    if (is_pos_inf(lower_of(g))) {
        return g;
    }
    W s = W(0);
    for (const W& x : m[0]) {
        s += x;
    }
    W power = s;
    for (std::size_t k = 1; k < d; ++k) {
        power = W(power * s);
    }
    return W(g + W(s - power));  // S - S^d: exactly 0 for an exact distribution
}

/// I(X;Y|Z) = sum bd0(p_xyz, p_xz p_yz / p_z) in nats, Z the axis z of a 3-axis table.
template <class W>
[[nodiscard]] constexpr W conditional_mutual_information_nats(const table<W>& t, std::size_t z) {
    const std::size_t a = z == 0 ? 1 : 0;
    const std::size_t b = z == 2 ? 1 : 2;
    const std::vector<std::size_t> keep_az{a < z ? a : z, a < z ? z : a};
    const std::vector<std::size_t> keep_bz{b < z ? b : z, b < z ? z : b};
    const std::vector<W> maz = marginal(t, keep_az);
    const std::vector<W> mbz = marginal(t, keep_bz);
    const std::vector<W> mz = marginal(t, {z});
    const std::size_t nz = t.shape[z];
    // The index of (u, z) in the marginal of the pair {u, z}, row-major over the increasing axes.
    const auto at = [&](std::size_t u, const std::vector<std::size_t>& idx) {
        return u < z ? idx[u] * nz + idx[z] : idx[z] * t.shape[u] + idx[u];
    };
    accumulator<W> acc;
    for_each_cell(t, [&](const W& c, const std::vector<std::size_t>& idx) {
        const W& pz = mz[idx[z]];
        if (is_exact_zero(pz)) {
            return;  // an empty slice: every cell in it is 0
        }
        acc.add(bd0(c, W(W(maz[at(a, idx)] * mbz[at(b, idx)]) / pz)));
    });
    return acc.value();
}

/// VI(X;Y) = H(X|Y) + H(Y|X) = sum p [log(p_x / p) + log(p_y / p)] in nats, each term >= 0.
template <class W>
[[nodiscard]] constexpr W variation_of_information_nats(const table<W>& t) {
    const std::vector<W> mx = marginal(t, {0});
    const std::vector<W> my = marginal(t, {1});
    const std::size_t ny = t.shape[1];
    accumulator<W> acc;
    for (std::size_t f = 0; f < t.cells.size(); ++f) {
        const W& c = t.cells[f];
        if (!is_exact_zero(c)) {
            acc.add(W(c * log_ratio(mx[f / ny], c)));
            acc.add(W(c * log_ratio(my[f % ny], c)));
        }
    }
    return acc.value();
}

/// min(a, b) (or max): for intervals one of them where the two are ordered for certain, else their hull
/// (which holds the extremum: it lies between the smaller and the larger ends).
template <class W>
[[nodiscard]] constexpr W smaller_or_larger(const W& a, const W& b, bool smaller) {
    if (upper_of(a) < lower_of(b)) {
        return smaller ? a : b;
    }
    if (upper_of(b) < lower_of(a)) {
        return smaller ? b : a;
    }
    if constexpr (is_interval_v<W>) {
        return hull(a, b);
    } else {
        return a;  // equal
    }
}

/// The number of entries of a marginal that are not exactly 0 (a constant variable has one).
template <class W>
[[nodiscard]] constexpr std::size_t support_size(const std::vector<W>& m) {
    std::size_t n = 0;
    for (const W& x : m) {
        n += is_exact_zero(x) ? 0 : 1;
    }
    return n;
}

/// I(X;Y) / f(H(X), H(Y)) of the distribution J / S (a ratio of information quantities of a
/// distribution, whatever the table's mass) for the normalizer options::average names; 1 where both
/// variables are constant (the same one-block partition), 0 where one is (then I = 0). Constancy is
/// decided on the cells (a marginal with one non-zero entry), not on an entropy's enclosure.
template <class W>
[[nodiscard]] constexpr W normalized_mutual_information_value(table<W> t, nmi_average average) {
    const bool zx = support_size(marginal(t, {0})) <= 1;
    const bool zy = support_size(marginal(t, {1})) <= 1;
    if (zx || zy) {
        return W(zx && zy ? 1 : 0);
    }
    accumulator<W> mass;
    for (const W& c : t.cells) {
        mass.add(c);
    }
    const W s = mass.value();
    for (W& c : t.cells) {
        c = W(c / s);
    }
    const W i = total_correlation_nats(t);
    const W hx = entropy_nats(marginal(t, {0}));
    const W hy = entropy_nats(marginal(t, {1}));
    W den = W(0);
    switch (average) {
        case nmi_average::arithmetic:
            den = W(W(hx + hy) / W(2));
            break;
        case nmi_average::geometric:
            den = exp_(W(W(log_(hx) + log_(hy)) / W(2)));
            break;
        case nmi_average::min:
            den = smaller_or_larger(hx, hy, true);
            break;
        case nmi_average::max:
            den = smaller_or_larger(hx, hy, false);
            break;
        case nmi_average::joint:
            den = entropy_nats(t.cells);
            break;
    }
    return W(i / den);
}

}  // namespace detail

/// A joint table for the table quantities: nested ranges of numbers (any depth >= 1), or a table_view.
template <class J>
concept joint_table_input = detail::is_table_view_v<std::remove_cvref_t<J>> ||
                            (std::ranges::input_range<J> && detail::nesting<std::remove_cvref_t<J>>::value >= 1);

/// The frame of a quantity of a joint table: reads and checks the table (every message names
/// Derived::info.name and the argument "J"), applies options::normalization to it as one distribution,
/// and rounds Derived::kernel(t, opt) once to the cells' number type.
template <class Derived>
struct table_quantity {
    /// The quantity of a joint table (nested rows, or a table_view).
    template <joint_table_input J>
    [[nodiscard]] constexpr auto operator()(J&& j, const options& opt = {}) const -> detail::table_real_t<J> {
        using T = detail::table_real_t<J>;
        using W = working_t<T>;
        return evaluate_rounded<T>([&]() -> W {
            constexpr std::string_view name = Derived::info.name;
            detail::table<W> t = detail::read_table<W>(std::forward<J>(j), name, "J");
            detail::normalize_argument(t.cells, opt, name, "J");
            return Derived::kernel(t, opt);
        });
    }
};

/// Joint entropy H(X_1, ..., X_n) = -sum p log p over every cell of the table, in options::base units.
/// Accuracy: < 1 ulp of T.
struct joint_entropy_fn : table_quantity<joint_entropy_fn> {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"joint_entropy", "H(X,Y) = -sum p(x,y) log p(x,y) over the joint table",
                                        argument_kinds::joint_table};
    /// H of the checked table at the working type.
    template <class W>
    [[nodiscard]] static constexpr W kernel(const detail::table<W>& t, const options& opt) {
        return detail::in_unit(detail::entropy_nats(t.cells), opt.base);
    }
};
/// Joint entropy of a table. Accuracy: < 1 ulp of T.
inline constexpr joint_entropy_fn joint_entropy{};

/// Conditional entropy H(Y|X) = -sum p(x,y) log(p(x,y) / p(x)) of a table whose rows are X (axis 0);
/// options::given chooses the axis conditioned on (H(X|Y): given = 1; for n axes, H(the rest | that
/// one)). In options::base units, >= 0. Accuracy: < 1 ulp of T.
struct conditional_entropy_fn : table_quantity<conditional_entropy_fn> {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"conditional_entropy",
                                        "H(Y|X) = -sum p(x,y) log(p(x,y)/p(x)); rows X (given = 0), or given = 1: H(X|Y)",
                                        argument_kinds::joint_table, "", kernel_sum::none, false, "given"};
    /// H(rest | given) of the checked table at the working type.
    template <class W>
    [[nodiscard]] static constexpr W kernel(const detail::table<W>& t, const options& opt) {
        detail::check_axes(t, 2, true, info.name, "a conditional entropy needs at least two axes");
        return detail::in_unit(detail::conditional_entropy_nats(t, detail::given_axis(t, opt, 0, info.name)), opt.base);
    }
};
/// Conditional entropy H(Y|X) of a table. Accuracy: < 1 ulp of T.
inline constexpr conditional_entropy_fn conditional_entropy{};

/// Mutual information I(X;Y) = KL(P_XY || P_X P_Y) of a two-axis table, in options::base units: >= 0,
/// 0 exactly for a product table. Computed as non-negative bd0 terms (no cancellation near
/// independence). Accuracy: < 1 ulp of T.
struct mutual_information_fn : table_quantity<mutual_information_fn> {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"mutual_information",
                                        "I(X;Y) = KL(P_XY || P_X P_Y) = sum p(x,y) log(p(x,y)/(p(x)p(y))); >= 0",
                                        argument_kinds::joint_table};
    /// I(X;Y) of the checked table at the working type.
    template <class W>
    [[nodiscard]] static constexpr W kernel(const detail::table<W>& t, const options& opt) {
        detail::check_axes(t, 2, false, info.name,
                           "mutual information takes a table of two axes (conditional_mutual_information or "
                           "total_correlation take three or more)");
        return detail::in_unit(detail::total_correlation_nats(t), opt.base);
    }
};
/// Mutual information I(X;Y) of a two-axis table. Accuracy: < 1 ulp of T.
inline constexpr mutual_information_fn mutual_information{};

/// Conditional mutual information I(X;Y|Z) = sum p(x,y,z) log(p(z) p(x,y,z) / (p(x,z) p(y,z))) of a
/// three-axis table J[x][y][z] (Z the last axis; options::given names another), in options::base
/// units, >= 0. Accuracy: < 1 ulp of T.
struct conditional_mutual_information_fn : table_quantity<conditional_mutual_information_fn> {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"conditional_mutual_information",
                                        "I(X;Y|Z) = sum p(x,y,z) log(p(z)p(x,y,z)/(p(x,z)p(y,z))); J[x][y][z], Z last",
                                        argument_kinds::joint_table, "", kernel_sum::none, false, "given"};
    /// I(X;Y|Z) of the checked table at the working type.
    template <class W>
    [[nodiscard]] static constexpr W kernel(const detail::table<W>& t, const options& opt) {
        detail::check_axes(t, 3, false, info.name, "conditional mutual information takes a table of three axes");
        return detail::in_unit(detail::conditional_mutual_information_nats(t, detail::given_axis(t, opt, 2, info.name)),
                               opt.base);
    }
};
/// Conditional mutual information I(X;Y|Z) of a three-axis table. Accuracy: < 1 ulp of T.
inline constexpr conditional_mutual_information_fn conditional_mutual_information{};

/// Total correlation (multi-information) TC = sum_k H(X_k) - H(X_1..X_n) = KL(P || prod_k P_k) of a
/// table of n >= 2 axes, in options::base units, >= 0 (I(X;Y) for two). Accuracy: < 1 ulp of T.
struct total_correlation_fn : table_quantity<total_correlation_fn> {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"total_correlation",
                                        "TC = sum_k H(X_k) - H(X_1..X_n) = KL(P || prod_k P_k); I(X;Y) for two axes",
                                        argument_kinds::joint_table};
    /// TC of the checked table at the working type.
    template <class W>
    [[nodiscard]] static constexpr W kernel(const detail::table<W>& t, const options& opt) {
        detail::check_axes(t, 2, true, info.name, "total correlation needs at least two axes");
        return detail::in_unit(detail::total_correlation_nats(t), opt.base);
    }
};
/// Total correlation of a table. Accuracy: < 1 ulp of T.
inline constexpr total_correlation_fn total_correlation{};

/// Normalized mutual information I(X;Y) / f(H(X), H(Y)) of a two-axis table, in [0, 1], with f as
/// options::average says (arithmetic mean by default; geometric, min, max, or H(X,Y)); of the
/// distribution J / S whatever the table's mass S; 1 when both variables are constant, 0 when one
/// is. A ratio: options::base is not used. Accuracy: < 1 ulp of T.
struct normalized_mutual_information_fn : table_quantity<normalized_mutual_information_fn> {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"normalized_mutual_information",
                                        "NMI = I(X;Y) / f(H(X), H(Y)), f = arithmetic (default), geometric, min, max "
                                        "mean or H(X,Y); in [0, 1]",
                                        argument_kinds::joint_table, "", kernel_sum::none, false, "average"};
    /// NMI of the checked table at the working type.
    template <class W>
    [[nodiscard]] static constexpr W kernel(const detail::table<W>& t, const options& opt) {
        detail::check_axes(t, 2, false, info.name, "normalized mutual information takes a table of two axes");
        return detail::normalized_mutual_information_value(t, opt.average);
    }
};
/// Normalized mutual information of a two-axis table. Accuracy: < 1 ulp of T.
inline constexpr normalized_mutual_information_fn normalized_mutual_information{};

/// Variation of information VI(X;Y) = H(X|Y) + H(Y|X) = H(X,Y) - I(X;Y) of a two-axis table, in
/// options::base units: a metric on partitions (Meila). Accuracy: < 1 ulp of T.
struct variation_of_information_fn : table_quantity<variation_of_information_fn> {
    /// The name, formula and arguments every front end shows (core/registry.hpp).
    static constexpr quantity_info info{"variation_of_information",
                                        "VI(X;Y) = H(X|Y) + H(Y|X) = H(X,Y) - I(X;Y); a metric",
                                        argument_kinds::joint_table};
    /// VI of the checked table at the working type.
    template <class W>
    [[nodiscard]] static constexpr W kernel(const detail::table<W>& t, const options& opt) {
        detail::check_axes(t, 2, false, info.name, "variation of information takes a table of two axes");
        return detail::in_unit(detail::variation_of_information_nats(t), opt.base);
    }
};
/// Variation of information of a two-axis table. Accuracy: < 1 ulp of T.
inline constexpr variation_of_information_fn variation_of_information{};

}  // namespace shannon

SHANNON_FP_CONTRACT_RESTORE
