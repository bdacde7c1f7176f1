// shannon/exact.hpp — the oracle: correctly rounded results, enclosures and ULP errors for any
// quantity of the core at floating-point inputs taken as exact numbers.
//
//   shannon::exact::round(format::binary64, shannon::kl_divergence, p, q)   -> the correctly rounded value
//   shannon::exact::digits(50, shannon::entropy, p)                         -> 50 correct significant digits
//   shannon::exact::enclose(256, shannon::kl_divergence, p, q)              -> [lo, hi] at 256 bits
//   shannon::exact::ulp_error(candidate, format::binary32, shannon::kl_divergence, p, q)
//
// The quantity is any function object of the core (or a lambda calling one); the inputs are scalars
// and ranges (and ranges of rows) of float or double, integers (labels, class indices) and options,
// exactly as the core takes them. Each floating-point input is lifted exactly into an MPFI interval
// (boost::multiprecision::mpfi_float) and the core's own generic code computes an enclosure of the
// exact value (Ziv's strategy): at 128 bits, then doubling the precision until both ends of the
// enclosure round to the same result. Rounding each end directly to the target (never through an
// intermediate format) makes the agreement of the two ends the proof that the result is the
// correctly rounded one. A result that is exactly 0 (the entropy of a one-hot, KL(P||P)) comes out
// as the point [0, 0]; a value too close to 0 (or to a rounding boundary) to decide within the
// precision cap is reported as undetermined with the bound |value| < 2^-k that was proved.
//
// This is the general path: a few microseconds per term and precision step. Entropy,
// cross-entropy, KL and generalized KL of contiguous float/double ranges first try the
// double-double fast path of <shannon/exact_fast.hpp> (settings::fast), whose Ziv test either
// proves the same correctly rounded result or hands over to this path; every other quantity of
// binary inputs is first evaluated by its own generic formula in certified double-double balls
// (<shannon/ball.hpp>: rounded::ball), likewise decided by Ziv's test or handed over. For up to 60
// digits of the four measures, exact::digits first tries the 256-bit fixed-point path of
// <shannon/exact_fixed.hpp> (up to 20 digits of the rest, the ball), which likewise hands over
// when its enclosure does not decide them; exact::enclose_fast gives those paths' enclosures.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <tuple>
#include <ranges>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/multiprecision/mpfi.hpp>
#include <boost/multiprecision/mpfr.hpp>

#include "numbers/ball.hpp"
#include "numbers/ball_rows.hpp"
#include "detail/default_precision.hpp"
#include "core/error.hpp"
#include "exact/fast.hpp"
#include "exact/fixed.hpp"
#include "core/measures.hpp"
#include "numbers/mpfi.hpp"
#include "numbers/mpfr.hpp"
#include "detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact {

/// The binary formats a result can be rounded to (round to nearest, ties to even).
enum class format { binary64, binary32, bfloat16, binary16 };

/// The format a name gives: its IEEE name (binary64, binary32, binary16), its NumPy/PyTorch dtype
/// (float64, float32, float16) or bfloat16; nullopt for any other name (the command line and the
/// Python module turn that into their own message).
[[nodiscard]] inline std::optional<format> format_named(std::string_view name) {
    constexpr std::pair<std::string_view, format> names[] = {
        {"binary64", format::binary64}, {"float64", format::binary64}, {"binary32", format::binary32},
        {"float32", format::binary32},  {"bfloat16", format::bfloat16}, {"binary16", format::binary16},
        {"float16", format::binary16}};
    for (const auto& [n, f] : names) {
        if (n == name) {
            return f;
        }
    }
    return std::nullopt;
}

/// Precision (with the implicit bit), and the exponents of the smallest and largest normal numbers.
struct format_traits {
    /// Bits of precision, with the implicit bit (53, 24, 8, 11).
    int precision;
    /// Exponent of the smallest normal number (x = 2^emin).
    int emin;
    /// Exponent of the largest finite number's binade (x < 2^(emax + 1)).
    int emax;
};

[[nodiscard]] constexpr format_traits traits(format f) noexcept {
    switch (f) {
        case format::binary32:
            return {24, -126, 127};
        case format::bfloat16:
            return {8, -126, 127};
        case format::binary16:
            return {11, -14, 15};
        case format::binary64:
            break;
    }
    return {53, -1022, 1023};
}

[[nodiscard]] constexpr const char* name(format f) noexcept {
    switch (f) {
        case format::binary32:
            return "binary32";
        case format::bfloat16:
            return "bfloat16";
        case format::binary16:
            return "binary16";
        case format::binary64:
            break;
    }
    return "binary64";
}

/// Limits of the search for a correctly rounded result.
struct settings {
    /// Precision of the first evaluation, in bits.
    unsigned start_bits = 128;
    /// The precision is doubled up to this cap (bits); beyond it the result is undetermined.
    unsigned max_bits = 1U << 16;
    /// Try the double-double fast path first (entropy, cross-entropy, KL, generalized KL; round()
    /// only: digits() always tries its fixed-point path).
    bool fast = true;
    /// Inputs of at least this many terms are split across the machine's cores (0: never).
    std::size_t parallel_from = std::size_t{1} << 16U;
    /// The work budget of the general path: its precision (bits) times the count of input numbers.
    /// The precision is doubled while this product stays within it (and within max_bits), though
    /// always up to 1024 bits: a value so close to a rounding boundary that 10^4 inputs would need
    /// 65536 bits is then reported undetermined after about a second, not after minutes.
    std::size_t max_work = std::size_t{1} << 26U;
};

/// A correctly rounded result. Every supported format is a subset of binary64, so `value` holds
/// the result exactly whatever the format.
struct rounded {
    /// The result rounded to the format, held exactly in a double (NaN and ±inf included).
    double value = 0;
    /// false when the cap was reached: the exact value lies in [-2^bound_log2, 2^bound_log2] (or
    /// within the final enclosure, which straddles a rounding boundary).
    bool determined = true;
    /// When undetermined: the exact value's magnitude is below 2^bound_log2 (LONG_MAX: the
    /// enclosure is unbounded).
    long bound_log2 = 0;
    /// The precision (bits) at which the two ends of the enclosure agreed (0 for the fast path).
    unsigned bits = 0;
    /// Decided by a double-double fast path (Ziv's test passed there): a kernel of exact_fast.hpp or,
    /// when `ball` is also set, the generic evaluation in certified double-double balls.
    bool fast = false;
    /// When undetermined: the two neighbouring results the ends of the final enclosure round to;
    /// the exact value lies between them, near the rounding boundary (their midpoint) that the
    /// enclosure straddles.
    double below = 0;
    /// When undetermined: the upper of the two neighbouring results (see below).
    double above = 0;
    /// When undetermined: the final enclosure is narrower than 2^width_log2 (how close to the
    /// boundary the value was proved to be; LONG_MAX: unbounded).
    long width_log2 = 0;
    /// Decided by the generic evaluation in certified double-double balls (ball.hpp; `fast` is set too).
    bool ball = false;
};

using interval = boost::multiprecision::mpfi_float;
using real = boost::multiprecision::mpfr_float;

namespace detail {

/// Once in each thread that runs the oracle: MPFR's widest exponent range (about 2^(+-2^62); MPFR
/// keeps it per thread when built thread-safe, as Debian's is), so that an exact input such as
/// 1e-400000000, and what is computed from it, is a number rather than an underflow to 0; and, when
/// the thread ends, MPFR's caches of that thread freed (MPFR keeps constants such as log 2 per
/// thread, and a thread that ends without mpfr_free_cache2 leaks them).
inline void thread_setup() {
    struct mpfr_thread {
        mpfr_thread() {
            mpfr_set_emin(mpfr_get_emin_min());
            mpfr_set_emax(mpfr_get_emax_max());
        }
        mpfr_thread(const mpfr_thread&) = delete;
        mpfr_thread& operator=(const mpfr_thread&) = delete;
        ~mpfr_thread() { mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE); }
    };
    if (mpfr_buildopt_tls_p() != 0) {
        thread_local const mpfr_thread state;
        (void)state;
    } else {
        static const mpfr_thread state;  // one range and one cache for the process
        (void)state;
    }
}

/// The number written in `text` (decimal or hex float, as strtod reads them, or inf) as an interval
/// at the current default precision, rounded outward: a point when it is a binary number of at most
/// that many bits. Anything else in the text is a shannon::invalid_argument.
[[nodiscard]] inline interval text_interval(const std::string& text) {
    thread_setup();
    interval x;
    const mpfr_prec_t prec = mpfi_get_prec(x.backend().data());
    mpfr_t lo;
    mpfr_t hi;
    mpfr_inits2(prec, lo, hi, static_cast<mpfr_ptr>(nullptr));
    char* end_lo = nullptr;
    char* end_hi = nullptr;
    mpfr_strtofr(lo, text.c_str(), &end_lo, 0, MPFR_RNDD);
    mpfr_strtofr(hi, text.c_str(), &end_hi, 0, MPFR_RNDU);
    const bool ok = !text.empty() && end_lo == text.c_str() + text.size() && end_hi == end_lo &&
                    !mpfr_nan_p(lo) && !mpfr_nan_p(hi);
    if (ok) {
        mpfi_interv_fr(x.backend().data(), lo, hi);
    }
    mpfr_clears(lo, hi, static_cast<mpfr_ptr>(nullptr));
    if (!ok) {
        shannon::detail::fail<shannon::invalid_argument>("exact", "the text '", shannon::detail::shown_token(text),
                                                         "' is not a number (a decimal, a hex float or inf)");
    }
    return x;
}

/// Whether lift_into may return std::views (Clang before 15 rejects libstdc++ 12's ref_view: there
/// the ball path copies its inputs, as the MPFI path does).
#if defined(__clang__) && __clang_major__ < 15
inline constexpr bool lazy_views = false;
#else
inline constexpr bool lazy_views = true;
#endif

/// The exact image of an input in N (MPFI intervals, or dd_ball for the ball path, which takes no
/// text): floating-point scalars and ranges of them become points of N (every float and double is
/// exact in both), numbers given as text (std::string) exact decimals or hex floats enclosed at the
/// working precision; integers, options and ranges of integers pass through unchanged. Ranges become
/// vectors of MPFI intervals, and lazy views of balls.
template <class N, class A>
[[nodiscard]] auto lift_into(const A& a) {
    if constexpr (std::is_floating_point_v<A>) {
        return N(a);
    } else if constexpr (std::is_same_v<A, std::string>) {
        static_assert(std::is_same_v<N, interval>, "numbers given as text are lifted into MPFI only");
        // A number as text (a decimal, a hex float, inf): enclosed by its roundings down and up at
        // the working precision, a point when it is a binary number of at most that many bits.
        return text_interval(a);
    } else if constexpr (std::ranges::range<A>) {
        using E = std::remove_cvref_t<std::ranges::range_value_t<A>>;
        if constexpr (std::is_integral_v<E>) {
            return std::vector<E>(std::ranges::begin(a), std::ranges::end(a));
        } else if constexpr (!std::is_same_v<N, interval> && lazy_views) {
            // A ball is as cheap to form as to read: a lazy view, converted where the quantity reads
            // it, rather than a copy of the whole batch (a 10^8-logit batch is 2.4 GB of balls).
            if constexpr (std::is_floating_point_v<E>) {
                return std::views::all(a) | std::views::transform(shannon::detail::exact_conversion<N>{});
            } else {
                return std::views::all(a) | std::views::transform([](const E& e) { return lift_into<N>(e); });
            }
        } else {
            using L = decltype(lift_into<N>(std::declval<const E&>()));
            std::vector<L> out;
            if constexpr (std::ranges::sized_range<A>) {
                out.reserve(std::ranges::size(a));
            }
            for (const auto& e : a) {
                shannon::detail::poll_stop_at<N>(out.size());  // lifting a large batch takes seconds
                out.push_back(lift_into<N>(e));
            }
            return out;
        }
    } else {
        return a;
    }
}

/// The exact MPFI image of an input (see lift_into).
template <class A>
[[nodiscard]] auto lift(const A& a) {
    return lift_into<interval>(a);
}

/// Rounds the exact value of an MPFR number to the format, to nearest with ties to even, once.
[[nodiscard]] inline double round_to(mpfr_srcptr src, format f) {
    if (mpfr_nan_p(src)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (mpfr_inf_p(src) || mpfr_zero_p(src)) {
        return mpfr_get_d(src, MPFR_RNDN);
    }
    const format_traits t = traits(f);
    // x = m 2^e with m in [1/2, 1): the unbiased exponent of its leading bit is e - 1.
    const long e = mpfr_get_exp(src) - 1;
    long p = t.precision;
    if (e < t.emin) {
        p -= t.emin - e;  // a subnormal result keeps the bits above 2^(emin - precision + 1)
    }
    const bool negative = mpfr_sgn(src) < 0;
    if (p <= 0) {
        // Below the smallest subnormal s = 2^(emin - precision + 1): 0 or s. Ties go to 0 (even).
        const double s = std::ldexp(1.0, t.emin - t.precision + 1);
        mpfr_t half_s;
        mpfr_init2(half_s, 8);
        mpfr_set_ui_2exp(half_s, 1, t.emin - t.precision, MPFR_RNDN);  // s/2, exact
        const int c = mpfr_cmpabs(src, half_s);
        mpfr_clear(half_s);
        const double v = c > 0 ? s : 0.0;
        return negative ? -v : v;
    }
    mpfr_t y;
    mpfr_init2(y, static_cast<mpfr_prec_t>(p));
    mpfr_set(y, src, MPFR_RNDN);
    double v = mpfr_get_d(y, MPFR_RNDN);  // exact: y has at most 53 bits in binary64's range
    mpfr_clear(y);
    // Overflow: anything that rounds above the largest finite number is infinite.
    const double largest = std::ldexp(2.0 - std::ldexp(1.0, 1 - t.precision), t.emax);
    if (std::abs(v) > largest) {
        v = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    }
    return v;
}

[[nodiscard]] inline double round_to(const real& x, format f) { return round_to(x.backend().data(), f); }

/// The largest precision an oracle call takes (bits): 2^20 bits is about 315,000 digits; beyond it
/// one number takes more than a megabyte and one operation seconds.
inline constexpr unsigned max_precision_bits = 1U << 20U;

/// Checks a precision given by the caller (bits) against [2, max_precision_bits].
inline void check_bits(const char* function, unsigned bits) {
    if (bits < 2 || bits > max_precision_bits) {
        shannon::detail::fail<shannon::invalid_argument>(function, "argument 'bits' is ", bits,
                                                         ": the precision must lie in [2, ", max_precision_bits, "] bits");
    }
}

/// The default precision of new MPFR/MPFI numbers for one evaluation at `bits`, owned by this thread
/// (see detail/default_precision.hpp: per thread, or under a process-wide lock with Boost 1.74).
class bits_scope {
public:
    explicit bits_scope(unsigned bits) : interval_(digits10(bits)), real_(digits10(bits)) { thread_setup(); }

private:
    [[nodiscard]] static unsigned digits10(unsigned bits) {
        return static_cast<unsigned>(std::ceil(bits * 0.30102999566398120)) + 1;
    }
    shannon::detail::default_precision_scope<interval> interval_;
    shannon::detail::default_precision_scope<real> real_;
};

template <class Quantity, class... Args>
[[nodiscard]] interval evaluate(unsigned bits, const Quantity& quantity, const Args&... args) {
    shannon::detail::poll_stop();  // each precision step of a stoppable computation (detail/stop.hpp)
    const bits_scope scope(bits);
    return interval(quantity(lift(args)...));
}

/// N significant decimal digits of x ("d.ddd...e+X"), rounded to nearest, or down/up for the ends of
/// a printed enclosure.
[[nodiscard]] inline std::string decimal(mpfr_srcptr src, unsigned n, mpfr_rnd_t mode = MPFR_RNDN) {
    if (mpfr_nan_p(src)) {
        return "nan";
    }
    if (mpfr_inf_p(src)) {
        return mpfr_sgn(src) > 0 ? "inf" : "-inf";
    }
    if (mpfr_zero_p(src)) {
        return n <= 1 ? "0" : "0." + std::string(n - 1, '0');
    }
    mpfr_exp_t exp10 = 0;
    char* s = mpfr_get_str(nullptr, &exp10, 10, n, src, mode);
    std::string mant(s);
    mpfr_free_str(s);
    std::string sign;
    if (!mant.empty() && mant[0] == '-') {
        sign = "-";
        mant.erase(0, 1);
    }
    std::string out = sign + mant.substr(0, 1);
    if (mant.size() > 1) {
        out += "." + mant.substr(1);
    }
    out += "e" + std::string(exp10 - 1 >= 0 ? "+" : "") + std::to_string(exp10 - 1);
    return out;
}

[[nodiscard]] inline std::string decimal(const real& x, unsigned n, mpfr_rnd_t mode = MPFR_RNDN) {
    return decimal(x.backend().data(), n, mode);
}

/// Which of the fast path's sums (exact/fast.hpp) computes the quantity Q, if one does.
template <class Q>
struct fast_kind_of {
    static constexpr bool supported = false;
};
/// A quantity the fast path's sum K computes.
template <fast::kind K>
struct fast_kind_is {
    static constexpr bool supported = true;
    static constexpr fast::kind value = K;
};
template <>
struct fast_kind_of<shannon::entropy_fn> : fast_kind_is<fast::kind::entropy> {};
template <>
struct fast_kind_of<shannon::cross_entropy_fn> : fast_kind_is<fast::kind::cross_entropy> {};
template <>
struct fast_kind_of<shannon::kl_divergence_fn> : fast_kind_is<fast::kind::kl> {};
template <>
struct fast_kind_of<shannon::generalized_kl_divergence_fn> : fast_kind_is<fast::kind::generalized_kl> {};

template <class R>
concept fast_range = std::ranges::contiguous_range<const R> && std::ranges::sized_range<const R> &&
                     (std::is_same_v<std::ranges::range_value_t<R>, double> ||
                      std::is_same_v<std::ranges::range_value_t<R>, float>);

/// Accumulates p[0..n) (and q) into one mergeable state of type Acc (fast:: or fixed::accumulator),
/// split into equal parts over the cores when n >= from (from = 0: never).
template <class Acc, class T>
[[nodiscard]] Acc accumulate(std::size_t from, const T* p, const T* q, std::size_t n) {
    const unsigned hw = std::max(1U, std::thread::hardware_concurrency());
    const std::size_t parts = (from == 0 || n < from) ? 1 : std::min<std::size_t>(hw, 16);
    std::vector<Acc> acc(parts);
    const auto body = [&](std::size_t j) {
        const std::size_t a = n * j / parts;
        const std::size_t b = n * (j + 1) / parts;
        acc[j].add(p + a, q == nullptr ? nullptr : q + a, b - a);
    };
    std::vector<std::thread> workers;
    for (std::size_t j = 1; j < parts; ++j) {
        workers.emplace_back(body, j);
    }
    body(0);
    for (std::thread& w : workers) {
        w.join();
    }
    for (std::size_t j = 1; j < parts; ++j) {
        acc[0].merge(acc[j]);
    }
    return std::move(acc[0]);
}

template <fast::kind K, class T>
[[nodiscard]] fast::accumulator<K> fast_accumulate(const settings& s, const T* p, const T* q, std::size_t n) {
    return accumulate<fast::accumulator<K>>(s.parallel_from, p, q, n);
}

/// The normalization check of the core, decided on the naive binary64 sum when its error bound
/// leaves no doubt: true = within sum_tolerance; false = outside or too close to tell (the general
/// path then decides, and reports).
[[nodiscard]] inline bool clearly_normalized(double sum, std::size_t n, double tolerance) {
    const double bound = (static_cast<double>(n) + 2) * 0x1p-52 * sum;
    return std::abs(sum - 1) + bound < tolerance;
}

/// Divides [lo, hi] by log(base) (bits: log 2, bans: log 10), rounding outward.
inline void in_unit(mpfr_t lo, mpfr_t hi, unit base) {
    if (base == unit::nats) {
        return;
    }
    const mpfr_prec_t prec = std::max(mpfr_get_prec(lo), mpfr_get_prec(hi));
    mpfi_t x;
    mpfi_t l;
    mpfi_init2(x, prec);
    mpfi_init2(l, prec);
    mpfi_interv_fr(x, lo, hi);
    if (base == unit::bits) {
        mpfi_const_log2(l);
    } else {
        mpfi_set_ui(l, 10);
        mpfi_log(l, l);
    }
    mpfi_div(x, x, l);
    mpfi_get_left(lo, x);
    mpfi_get_right(hi, x);
    mpfi_clear(l);
    mpfi_clear(x);
}

/// Ziv's test on the fast path's enclosure: the rounded result when both ends of
/// [V - E, V + E] (+ the exact mass sum p - sum q for KL, / log(base)) round alike.
template <fast::kind K>
[[nodiscard]] std::optional<rounded> fast_decide(const fast::accumulator<K>& acc, format f, unit base,
                                                 const fast::exact_sum* exact_mass = nullptr) {
    if (acc.infinite()) {
        return rounded{std::numeric_limits<double>::infinity(), true, 0, 0, true};
    }
    const fast::dd v = acc.value();
    const double e = acc.error_bound();
    constexpr mpfr_prec_t prec = 256;
    mpfr_t lo;
    mpfr_t hi;
    mpfr_t mass;
    mpfr_inits2(prec, lo, hi, mass, static_cast<mpfr_ptr>(nullptr));
    mpfr_set_d(lo, v.hi, MPFR_RNDN);  // exact
    mpfr_set_d(hi, v.hi, MPFR_RNDN);
    mpfr_add_d(lo, lo, v.lo, MPFR_RNDD);
    mpfr_add_d(hi, hi, v.lo, MPFR_RNDU);
    mpfr_sub_d(lo, lo, e, MPFR_RNDD);
    mpfr_add_d(hi, hi, e, MPFR_RNDU);
    if constexpr (K == fast::kind::kl) {
        if (exact_mass != nullptr) {
            exact_mass->get(mass, MPFR_RNDD);
            mpfr_add(lo, lo, mass, MPFR_RNDD);
            exact_mass->get(mass, MPFR_RNDU);
            mpfr_add(hi, hi, mass, MPFR_RNDU);
        } else {
            const fast::dd m = acc.mass();
            const double me = acc.mass_error_bound();
            mpfr_add_d(lo, lo, m.hi, MPFR_RNDD);
            mpfr_add_d(lo, lo, m.lo, MPFR_RNDD);
            mpfr_sub_d(lo, lo, me, MPFR_RNDD);
            mpfr_add_d(hi, hi, m.hi, MPFR_RNDU);
            mpfr_add_d(hi, hi, m.lo, MPFR_RNDU);
            mpfr_add_d(hi, hi, me, MPFR_RNDU);
        }
    }
    in_unit(lo, hi, base);
    const double a = round_to(lo, f);
    const double b = round_to(hi, f);
    mpfr_clears(lo, hi, mass, static_cast<mpfr_ptr>(nullptr));
    if (a == b && std::signbit(a) == std::signbit(b)) {
        return rounded{a, true, 0, 0, true};
    }
    if (a == b) {
        return rounded{0.0, true, 0, 0, true};  // [-0, +0]
    }
    return std::nullopt;
}

/// Calls on(kind constant, p, q, n, options) when quantity(args...) is entropy(p[, opt]) or
/// cross_entropy / kl_divergence / generalized_kl_divergence(p, q[, opt]) on contiguous binary64 or
/// binary32 ranges of one type and equal non-zero length without normalization::normalize (q is null
/// for the entropy); otherwise nullopt (the general path then runs).
template <class Quantity, class R, class On, class... Args>
[[nodiscard]] std::optional<R> with_fast_inputs(const On& on, const Args&... args) {
    if constexpr (!fast_kind_of<Quantity>::supported) {
        return std::nullopt;
    } else {
        constexpr fast::kind K = fast_kind_of<Quantity>::value;
        constexpr std::size_t ranges = K == fast::kind::entropy ? 1 : 2;
        const auto tuple = std::forward_as_tuple(args...);
        using Tuple = std::tuple<std::remove_cvref_t<Args>...>;
        if constexpr (sizeof...(Args) < ranges || sizeof...(Args) > ranges + 1) {
            return std::nullopt;
        } else if constexpr (!fast_range<std::tuple_element_t<0, Tuple>> ||
                             !fast_range<std::tuple_element_t<ranges - 1, Tuple>>) {
            return std::nullopt;
        } else if constexpr (!std::is_same_v<std::ranges::range_value_t<std::tuple_element_t<0, Tuple>>,
                                             std::ranges::range_value_t<std::tuple_element_t<ranges - 1, Tuple>>>) {
            return std::nullopt;
        } else {
            options opt;
            if constexpr (sizeof...(Args) == ranges + 1) {
                if constexpr (!std::is_same_v<std::tuple_element_t<ranges, Tuple>, options>) {
                    return std::nullopt;
                } else {
                    opt = std::get<ranges>(tuple);
                }
            }
            if (opt.normalization == normalization::normalize || !(opt.sum_tolerance >= 0)) {
                return std::nullopt;  // the general path normalizes, or reports the bad tolerance
            }
            const auto& p = std::get<0>(tuple);
            const auto& q = std::get<ranges - 1>(tuple);
            const std::size_t n = std::ranges::size(p);
            if (n == 0 || std::ranges::size(q) != n) {
                return std::nullopt;
            }
            const auto* pp = std::ranges::data(p);
            const auto* qq = K == fast::kind::entropy ? nullptr : std::ranges::data(q);
            return on(std::integral_constant<fast::kind, K>{}, pp, qq, n, opt);
        }
    }
}

/// The normalization check on the naive binary64 sums of p and q (q null: p only).
template <class T>
[[nodiscard]] bool clearly_normalized(const T* p, const T* q, std::size_t n, double tolerance) {
    double sp = 0;
    double sq = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sp += static_cast<double>(p[i]);
        sq += q == nullptr ? 0.0 : static_cast<double>(q[i]);
    }
    return clearly_normalized(sp, n, tolerance) && (q == nullptr || clearly_normalized(sq, n, tolerance));
}

/// The fast path for binary64 results (see with_fast_inputs for the calls it takes); nullopt sends
/// the call to the general path (bad input, which it reports; an undecided rounding).
template <class Quantity, class... Args>
[[nodiscard]] std::optional<rounded> try_fast(const settings& s, format f, const Args&... args) {
    if (!fast::detail::cpu_supported()) {
        return std::nullopt;
    }
    const auto on = [&](auto kind, const auto* pp, const auto* qq, std::size_t n, const options& opt) -> std::optional<rounded> {
        constexpr fast::kind K = decltype(kind)::value;
        const fast::accumulator<K> acc = fast_accumulate<K>(s, pp, qq, n);
        if (acc.invalid()) {
            return std::nullopt;
        }
        if (K != fast::kind::generalized_kl && opt.normalization == normalization::check) {
            if (!clearly_normalized(acc.sum_p(), n, opt.sum_tolerance) ||
                (K != fast::kind::entropy && !clearly_normalized(acc.sum_q(), n, opt.sum_tolerance))) {
                return std::nullopt;
            }
        }
        std::optional<rounded> r = fast_decide(acc, f, opt.base);
        if constexpr (K == fast::kind::kl) {
            if (!r) {
                // Second pass: sum p - sum q exactly, then decide again.
                fast::exact_sum mass;
                for (std::size_t i = 0; i < n; ++i) {
                    const auto d = fast::detail::two_sum(static_cast<double>(pp[i]), -static_cast<double>(qq[i]));
                    mass.add(d.hi);
                    mass.add(d.lo);
                }
                r = fast_decide(acc, f, opt.base, &mass);
            }
        }
        return r;
    };
    return with_fast_inputs<Quantity, rounded>(on, args...);
}

/// The 256-bit fixed-point enclosure (exact_fixed.hpp) of the same quantities, in the unit asked
/// for (MPFR numbers of about 665 bits), split across the cores from s.parallel_from / 64 terms;
/// nullopt on input the path does not take.
template <class Quantity, class... Args>
[[nodiscard]] std::optional<std::pair<real, real>> try_fixed_enclosure(const settings& s, const Args&... args) {
    const auto on = [&](auto kind, const auto* pp, const auto* qq, std::size_t n,
                        const options& opt) -> std::optional<std::pair<real, real>> {
        constexpr fast::kind K = decltype(kind)::value;
        if (K != fast::kind::generalized_kl && opt.normalization == normalization::check &&
            !clearly_normalized(pp, qq, n, opt.sum_tolerance)) {
            return std::nullopt;
        }
        (void)fixed::detail::tables();  // built once, before the threads
        // About 64 times the fast path's work per term: split from 64 times fewer terms.
        const std::size_t from = s.parallel_from == 0 ? 0 : std::max<std::size_t>(1, s.parallel_from / 64);
        const fixed::accumulator<K> acc = accumulate<fixed::accumulator<K>>(from, pp, qq, n);
        if (acc.invalid() || acc.infinite()) {
            return std::nullopt;  // the general path reports, or gives inf
        }
        std::pair<real, real> e{real(0, 200), real(0, 200)};  // 200 digits: above the 640 bits it fills
        acc.enclose(e.first.backend().data(), e.second.backend().data());
        in_unit(e.first.backend().data(), e.second.backend().data(), opt.base);
        return e;
    };
    return with_fast_inputs<Quantity, std::pair<real, real>>(on, args...);
}

/// n digits (n <= 60) from the fixed-point enclosure; nullopt when it does not decide them (or on
/// input the path does not take).
template <class Quantity, class... Args>
[[nodiscard]] std::optional<std::string> try_fixed_digits(const settings& s, unsigned n_digits, const Args&... args) {
    const std::optional<std::pair<real, real>> e = try_fixed_enclosure<Quantity>(s, args...);
    if (!e) {
        return std::nullopt;
    }
    mpfr_srcptr lo = e->first.backend().data();
    mpfr_srcptr hi = e->second.backend().data();
    if (mpfr_zero_p(lo) && mpfr_zero_p(hi)) {
        return decimal(lo, n_digits);
    }
    if (mpfr_sgn(lo) == mpfr_sgn(hi)) {
        std::string a = decimal(lo, n_digits);
        if (a == decimal(hi, n_digits)) {
            return a;
        }
    }
    return std::nullopt;
}

}  // namespace detail

/// An enclosure [lo, hi] of the exact value, computed at `bits` bits of precision (MPFR numbers at
/// that precision; lo and hi are rounded outward).
template <class Quantity, class... Args>
[[nodiscard]] std::pair<real, real> enclose(unsigned bits, const Quantity& quantity, const Args&... args) {
    detail::check_bits("exact::enclose", bits);
    detail::thread_setup();
    const detail::bits_scope scope(bits);
    const interval r = detail::evaluate(bits, quantity, args...);
    return {real(lower(r)), real(upper(r))};
}

namespace detail {

/// Ziv's test on one enclosure computed at `bits`: the rounded result when both ends round alike.
[[nodiscard]] inline std::optional<rounded> decide(const interval& r, format f, unsigned bits) {
    const bits_scope scope(bits);
    const real lo(lower(r));
    const real hi(upper(r));
    const double a = round_to(lo, f);
    const double b = round_to(hi, f);
    if (std::isnan(a) || std::isnan(b)) {
        // A NaN end: the quantity is undefined here (e.g. softmax of all -inf, 0/0).
        return rounded{std::numeric_limits<double>::quiet_NaN(), true, 0, bits};
    }
    if (a == b && std::signbit(a) == std::signbit(b)) {
        return rounded{a, true, 0, bits};
    }
    if (a == b) {
        return rounded{0.0, true, 0, bits};  // [-0, +0]: the value is 0 (a point enclosure of 0)
    }
    return std::nullopt;
}

/// The report when the precision cap is reached, marked undetermined, with the bound |value| <=
/// 2^bound_log2: the rounding (to even) of the tie point between two neighbouring floats when the
/// enclosure still holds one — the usual reason a value cannot be decided is that it is exactly such a
/// tie (a rational quantity such as 2 (x - y) / N), and then this is its correct rounding — else the
/// rounding of the enclosure's midpoint.
[[nodiscard]] inline rounded undetermined(const interval& r, format f, unsigned bits) {
    const bits_scope scope(bits);
    const real lo(lower(r));
    const real hi(upper(r));
    rounded out;
    out.value = round_to(real((lo + hi) / 2), f);
    const double a = round_to(lo, f);
    const double b = round_to(hi, f);
    if (a != b && std::isfinite(a) && std::isfinite(b)) {
        const real tie = real((real(a) + real(b)) / 2);
        if (lo <= tie && tie <= hi) {
            out.value = round_to(tie, f);
        }
    }
    out.determined = false;
    out.below = std::min(a, b);
    out.above = std::max(a, b);
    const real m = abs(lo) > abs(hi) ? real(abs(lo)) : real(abs(hi));
    const real w = real(hi - lo);
    const auto log2_of = [](const real& x) {
        if (!mpfr_number_p(x.backend().data())) {
            return std::numeric_limits<long>::max();
        }
        return mpfr_zero_p(x.backend().data()) ? 0L : static_cast<long>(mpfr_get_exp(x.backend().data()));
    };
    out.bound_log2 = log2_of(m);
    out.width_log2 = log2_of(w);
    out.bits = bits;
    return out;
}

/// n correct digits from one enclosure, when both ends print alike.
[[nodiscard]] inline std::optional<std::string> decide_digits(const interval& r, unsigned n, unsigned bits) {
    const bits_scope scope(bits);
    const std::string a = decimal(real(lower(r)), n);
    const std::string b = decimal(real(upper(r)), n);
    if (a == b) {
        return a;
    }
    if (lower(r) == 0 && upper(r) == 0) {
        return decimal(real(0), n);
    }
    return std::nullopt;
}

[[nodiscard]] inline std::string undetermined_digits(const interval& r, unsigned n, unsigned bits) {
    const bits_scope scope(bits);
    return "undetermined: [" + decimal(real(lower(r)), n) + ", " + decimal(real(upper(r)), n) + "]";
}

/// (candidate - exact) / ulp(exact) in the format, the exact value taken as the midpoint of a
/// 256-bit enclosure.
[[nodiscard]] inline double ulp_error_of(double candidate, const interval& r, format f) {
    const real exact_mid = real((real(lower(r)) + real(upper(r))) / 2);
    if (std::isnan(candidate) || mpfr_nan_p(exact_mid.backend().data())) {
        return std::isnan(candidate) && mpfr_nan_p(exact_mid.backend().data()) ? 0.0
                                                                              : std::numeric_limits<double>::infinity();
    }
    if (std::isinf(candidate) || mpfr_inf_p(exact_mid.backend().data())) {
        return candidate == static_cast<double>(exact_mid) ? 0.0 : std::numeric_limits<double>::infinity();
    }
    const format_traits t = traits(f);
    long e = t.emin;
    if (!mpfr_zero_p(exact_mid.backend().data())) {
        e = std::max<long>(mpfr_get_exp(exact_mid.backend().data()) - 1, t.emin);
    }
    const real ulp = ldexp(real(1), static_cast<int>(e - t.precision + 1));
    return static_cast<double>(real((real(candidate) - exact_mid) / ulp));
}

/// The values of a vector-valued quantity (an unreduced loss, an elementwise function) at `bits`.
template <class Quantity, class... Args>
[[nodiscard]] std::vector<interval> evaluate_each(unsigned bits, const Quantity& quantity, const Args&... args) {
    shannon::detail::poll_stop();
    const bits_scope scope(bits);
    const auto values = quantity(lift(args)...);
    std::vector<interval> out;
    out.reserve(std::ranges::size(values));
    for (const auto& v : values) {
        out.emplace_back(v);
    }
    return out;
}

/// Ziv's loop over every element of a vector-valued quantity: the whole vector is evaluated again at
/// twice the precision while some element is undecided (rare: a value on a rounding boundary).
template <class Out, class Decide, class Give_up, class Quantity, class... Args>
[[nodiscard]] std::vector<Out> each(unsigned bits, unsigned cap, const Decide& decide_one, const Give_up& give_up,
                                    const Quantity& quantity, const Args&... args) {
    std::vector<std::optional<Out>> done;
    for (;; bits *= 2) {
        const std::vector<interval> r = evaluate_each(bits, quantity, args...);
        done.resize(r.size());
        bool all = true;
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (!done[i]) {
                done[i] = decide_one(r[i], bits);
                if (!done[i] && bits * 2 > cap) {
                    done[i] = give_up(r[i], bits);
                }
                all = all && done[i].has_value();
            }
        }
        if (all) {
            std::vector<Out> out;
            out.reserve(done.size());
            for (auto& d : done) {
                out.push_back(std::move(*d));
            }
            return out;
        }
    }
}

// ---- The ball path: any quantity evaluated in certified double-double balls (ball.hpp) ----

/// True for the inputs the ball path takes: binary floating-point scalars and ranges, integers,
/// options; not numbers given as text (their exact value may need more than 106 bits).
template <class A>
inline constexpr bool ball_input = !std::is_same_v<A, std::string>;
template <class A>
    requires(std::ranges::range<A> && !std::is_same_v<A, std::string>)
inline constexpr bool ball_input<A> = ball_input<std::remove_cvref_t<std::ranges::range_value_t<A>>>;

/// The exact dd_ball image of an input (see lift_into).
template <class A>
[[nodiscard]] auto lift_ball(const A& a) {
    return lift_into<dd_ball>(a);
}

/// quantity(args...) in balls, or nullopt when an operation could not enclose its result (the ball
/// was poisoned) or the evaluation threw: the general path then decides, and reports bad input.
template <class Quantity, class... Args>
[[nodiscard]] auto evaluate_ball(const Quantity& quantity, const Args&... args)
    -> std::optional<std::remove_cvref_t<decltype(quantity(lift_ball(args)...))>> {
    const numbers::ball_scope scope;
    try {
        auto v = quantity(lift_ball(args)...);
        if (numbers::ball_scope::poisoned()) {
            return std::nullopt;
        }
        return v;
    } catch (const shannon::cancelled&) {
        throw;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

/// A concept, so that the call is only formed for inputs the ball takes (a conjunction of
/// constraints stops at its first false operand).
template <class Quantity, class... Args>
concept ball_supported = (ball_input<Args> && ...) && requires(const Quantity& q, const Args&... a) {
    q(lift_ball(a)...);
};

/// The double nearest a double word's exact value (ties to even): one rounding of hi + lo.
[[nodiscard]] inline double nearest(const dd_ball::word& w) { return w.hi + w.lo; }

/// A double at or below (dir < 0) or above (dir > 0) a double word's exact value.
[[nodiscard]] inline double outward(const dd_ball::word& w, int dir) {
    const double d = w.hi + w.lo;
    if (!std::isfinite(d) || !std::isfinite(w.hi)) {
        return d;
    }
    const double err = (w.hi - d) + w.lo;  // exact value - d (Fast2Sum: |hi| >= |lo|)
    if (dir < 0 && err < 0) {
        return std::nextafter(d, -std::numeric_limits<double>::infinity());
    }
    if (dir > 0 && err > 0) {
        return std::nextafter(d, std::numeric_limits<double>::infinity());
    }
    return d;
}

/// The format's rounding of a double.
[[nodiscard]] inline double round_double(double x, format f) {
    if (f == format::binary64 || !std::isfinite(x)) {
        return x;
    }
    mpfr_t m;
    mpfr_init2(m, 53);
    mpfr_set_d(m, x, MPFR_RNDN);
    const double r = round_to(m, f);
    mpfr_clear(m);
    return r;
}

/// The ball's binary64 decision in its common case, in a few operations and without forming the two
/// ends (detail/sum_exp.hpp's decides_nearest: hi normal, |lo| + rad below half the gap to either
/// neighbour of hi): true, and h = hi, when every value of the ball rounds to hi.
[[nodiscard]] inline bool ball_rounds_to(const dd_ball& x, double& h) {
    h = x.mid().hi;
    return fast::detail::decides_nearest(h, x.mid().lo, x.rad());
}

/// log_softmax(z) rounded to binary64 element by element in the ball's one pass over the row: the
/// row's frame (its maximum and log1p of its normalizer) by the core's make_softmax_frame in the
/// ball, as round_each's ball evaluation forms it, then each element decided where it is formed
/// (dd_ball's round_gaps_plus_row; no row of balls). true when every element was decided: out then
/// holds round_each's values, the correctly rounded log-softmax. false otherwise, with out of no
/// use: the caller evaluates the row by round_each, which decides the rest (by the ball's two ends,
/// then MPFI) and owns the conventions of non-finite rows.
[[nodiscard]] inline bool round_log_softmax_row(std::span<const double> z, double* out) {
    if (z.empty()) {
        return false;
    }
    const numbers::ball_scope scope;
    try {
        const auto row = lift_ball(z);
        const auto f = shannon::detail::make_softmax_frame(row);
        return !numbers::ball_scope::poisoned() && f.n_pos_inf == 0 && !f.all_neg_inf &&
               round_gaps_plus_row(std::type_identity<dd_ball>{}, row, f.imax, f.rest, true, out) &&
               !numbers::ball_scope::poisoned();
    } catch (const shannon::cancelled&) {
        throw;
    } catch (const std::exception&) {
        return false;
    }
}

/// math.hpp's writer (see values_writer) for the ball, rounding each value to binary64 as it comes:
/// values[i] = the nearest binary64 where ball_rounds_to decides the value's ball, and (i, ball) in
/// `left` where it does not (values[i] then means nothing; the caller decides it by other means).
/// A softmax row is decided in the pass that forms it (dd_ball's round_exp_shifted_row: the same
/// balls as softmax_row's, with no row of them written and read back); a row that kernel does not
/// take, value by value from softmax_row. Each index is in `left` at most once, with its last value.
struct ball_round_writer {
    /// A growing array of doubles left uninitialized until written (no fill before each row).
    struct buffer {
        std::unique_ptr<double[]> data;
        std::size_t size = 0;
        std::size_t capacity = 0;
        void reserve(std::size_t n) {
            if (n > capacity) {
                std::unique_ptr<double[]> more(new double[n]);  // default-initialized: no fill
                std::copy(data.get(), data.get() + size, more.get());
                data = std::move(more);
                capacity = n;
            }
        }
        double* grow(std::size_t n) {
            if (size + n > capacity) {
                reserve(std::max(size + n, 2 * capacity));
            }
            size += n;
            return data.get() + size - n;
        }
    };
    using left_ball = numbers::ball_detail::left_ball<dd_ball>;

    buffer& values;
    std::vector<left_ball>& left;

    /// ball_rounds_to, and a finite point decided as decide_ball_ends decides it (both ends are its
    /// midpoint, rounded once: a zero, an ignored sample's gradient, in a few operations).
    [[nodiscard]] static bool decide(const dd_ball& x, double& h) {
        if (ball_rounds_to(x, h)) {
            return true;
        }
        h = x.mid().hi + x.mid().lo;
        return x.rad() == 0 && std::isfinite(h);
    }

    [[nodiscard]] std::size_t size() const { return values.size; }
    void reserve(std::size_t n) { values.reserve(n); }
    void push(const dd_ball& x) { push(1, x); }
    void push(std::size_t n, const dd_ball& x) {
        double h = 0;
        const bool decided = decide(x, h);
        const std::size_t at = values.size;
        std::fill_n(values.grow(n), n, h);
        for (std::size_t k = 0; !decided && k < n; ++k) {
            left.emplace_back(at + k, x);
        }
    }
    template <class Z>
    void softmax(const shannon::detail::softmax_frame<dd_ball>& f, const Z& z, const dd_ball& scale) {
        const std::size_t at = values.size;
        const std::size_t n = std::ranges::size(z);
        double* const out = values.grow(n);
        if (f.n_pos_inf == 0 && !f.all_neg_inf &&
            round_exp_shifted_row(std::type_identity<dd_ball>{}, z, f.imax, f.rest, &scale, out, at, left)) {
            return;
        }
        values.size = at;
        for (const dd_ball& e : shannon::detail::softmax_row(f, z, &scale)) {
            push(e);
        }
    }
    void set(std::size_t i, const dd_ball& x) {
        if (!left.empty()) {
            std::erase_if(left, [i](const left_ball& e) { return e.first == i; });
        }
        double h = 0;
        if (!decide(x, h)) {
            left.emplace_back(i, x);
        }
        values.data[i] = h;
    }
};

/// A concept: the quantity writes its values to a writer (into(out, args...)) and takes the ball's
/// inputs there.
template <class Quantity, class... Args>
concept ball_writes = (ball_input<Args> && ...) && requires(const Quantity& q, ball_round_writer& w, const Args&... a) {
    q.into(w, lift_ball(a)...);
};

/// The quantity's values written to ball_round_writer w in balls (as evaluate_ball evaluates it):
/// true when it completed with every ball enclosing its value.
template <class Quantity, class... Args>
[[nodiscard]] bool evaluate_ball_into(const Quantity& quantity, ball_round_writer& w, const Args&... args) {
    const numbers::ball_scope scope;
    try {
        quantity.into(w, lift_ball(args)...);
        return !numbers::ball_scope::poisoned();
    } catch (const shannon::cancelled&) {
        throw;
    } catch (const std::exception&) {
        return false;
    }
}

/// A result decided by the ball.
[[nodiscard]] inline rounded ball_decided(double value) {
    rounded out;
    out.fast = true;
    out.ball = true;
    out.value = value;
    return out;
}

/// Ziv's test on a ball from its two ends (decide_ball's general case): the rounded result when both
/// ends round alike, nullopt otherwise (or for NaN, whose conventions the general path owns).
[[nodiscard]] inline std::optional<rounded> decide_ball_ends(const dd_ball& x, format f) {
    if (x.is_nan() || !std::isfinite(x.rad())) {
        return std::nullopt;
    }
    const dd_ball::word lo = lower(x);
    const dd_ball::word hi = upper(x);
    double a = 0;
    double b = 0;
    if (f == format::binary64) {
        a = nearest(lo);
        b = nearest(hi);
    } else {
        a = round_double(outward(lo, -1), f);
        b = round_double(outward(hi, 1), f);
    }
    if (a == b) {
        return ball_decided(std::signbit(a) == std::signbit(b) ? a : 0.0);  // [-0, +0] gives +0
    }
    return std::nullopt;
}

/// Ziv's test on a ball: the rounded result when every value of the ball rounds alike, nullopt
/// otherwise (or for NaN, whose conventions the general path owns).
[[nodiscard]] inline std::optional<rounded> decide_ball(const dd_ball& x, format f) {
    if (double h = 0; f == format::binary64 && ball_rounds_to(x, h)) {
        return ball_decided(h);
    }
    return decide_ball_ends(x, f);
}

/// A double word's exact value as an MPFR number (670 digits, 2226 bits: any double word).
[[nodiscard]] inline real exactly(const dd_ball::word& w) {
    real r(0, 670);
    mpfr_set_d(r.backend().data(), w.hi, MPFR_RNDN);
    mpfr_add_d(r.backend().data(), r.backend().data(), w.lo, MPFR_RNDN);
    return r;
}

/// The ball's n digits when both ends of its enclosure print alike, nullopt otherwise; exact 0
/// prints as the MPFI path prints it.
[[nodiscard]] inline std::optional<std::string> decide_ball_digits(const dd_ball& x, unsigned n) {
    if (x.is_nan() || !std::isfinite(x.rad()) || !std::isfinite(x.mid().hi)) {
        return std::nullopt;
    }
    if (x.rad() == 0 && x.mid().hi == 0) {
        return decimal(real(0), n);
    }
    const std::string a = decimal(exactly(lower(x)), n);
    const std::string b = decimal(exactly(upper(x)), n);
    if (a == b) {
        return a;
    }
    return std::nullopt;
}

/// The ball of a scalar quantity (one value) at binary inputs; nullopt for other inputs and
/// quantities, or when the ball could not enclose the value.
template <class Quantity, class... Args>
[[nodiscard]] std::optional<dd_ball> scalar_ball(const Quantity& quantity, const Args&... args) {
    if constexpr (!ball_supported<Quantity, Args...>) {
        return std::nullopt;
    } else if constexpr (!std::is_same_v<std::remove_cvref_t<decltype(quantity(lift_ball(args)...))>, dd_ball>) {
        return std::nullopt;
    } else {
        return evaluate_ball(quantity, args...);
    }
}

/// round() in balls: the result when the ball decides it.
template <class Quantity, class... Args>
[[nodiscard]] std::optional<rounded> try_ball(format f, const Quantity& quantity, const Args&... args) {
    const std::optional<dd_ball> r = scalar_ball(quantity, args...);
    return r ? decide_ball(*r, f) : std::nullopt;
}

/// digits() in balls (n <= 20: the ball holds about 24 correct digits).
template <class Quantity, class... Args>
[[nodiscard]] std::optional<std::string> try_ball_digits(unsigned n, const Quantity& quantity, const Args&... args) {
    if (n > 20) {
        return std::nullopt;
    }
    const std::optional<dd_ball> r = scalar_ball(quantity, args...);
    return r ? decide_ball_digits(*r, n) : std::nullopt;
}

}  // namespace detail

/// An enclosure of the exact value from the fast paths, when they take the input: 256-bit fixed point
/// for entropy, cross-entropy, KL and generalized KL of binary64/binary32 ranges (about 75 digits),
/// the double-double ball for any other quantity of binary inputs (about 24 digits); nullopt when
/// neither does (text inputs, a ball that could not enclose its value). On 10^7 terms it takes
/// seconds where enclose() takes minutes and gigabytes.
template <class Quantity, class... Args>
[[nodiscard]] std::optional<std::pair<real, real>> enclose_fast(const Quantity& quantity, const Args&... args) {
    detail::thread_setup();
    if (auto e = detail::try_fixed_enclosure<Quantity>(settings{}, args...)) {
        return e;
    }
    const std::optional<dd_ball> r = detail::scalar_ball(quantity, args...);
    if (r && !r->is_nan() && std::isfinite(r->rad())) {
        return std::pair{detail::exactly(lower(*r)), detail::exactly(upper(*r))};
    }
    return std::nullopt;
}

/// The exact value of quantity(args...) rounded to nearest (ties to even) in the format.
template <class Quantity, class... Args>
[[nodiscard]] rounded round(format f, const Quantity& quantity, const Args&... args) {
    return round(settings{}, f, quantity, args...);
}

namespace detail {
/// The count of numbers in an input (a scalar or a text number: 1; a range: those of its elements;
/// integers, labels and options: 0).
template <class A>
[[nodiscard]] std::size_t numbers_in(const A& a) {
    if constexpr (std::is_floating_point_v<A> || std::is_same_v<A, std::string>) {
        return 1;
    } else if constexpr (std::ranges::range<A>) {
        std::size_t n = 0;
        for (const auto& e : a) {
            n += numbers_in(e);
        }
        return n;
    } else {
        return 0;
    }
}

/// The precision cap of one call: `cap` within settings::max_work for inputs of n numbers, though
/// at least 1024 bits (and at least `floor`).
[[nodiscard]] inline unsigned capped_bits(const settings& s, unsigned cap, std::size_t n, unsigned floor = 0) {
    const std::size_t by_work = std::max<std::size_t>(n == 0 ? cap : s.max_work / n, 1024);
    return std::max(static_cast<unsigned>(std::min<std::size_t>(cap, by_work)), floor);
}

template <class... Args>
[[nodiscard]] std::size_t numbers_in_all(const Args&... args) {
    return (std::size_t{0} + ... + numbers_in(args));
}

inline void check_settings(const settings& s) {
    if (s.max_bits > max_precision_bits || s.start_bits > max_precision_bits) {
        shannon::detail::fail<shannon::invalid_argument>("exact::settings", "start_bits ", s.start_bits, " and max_bits ",
                                                         s.max_bits, " must be at most ", max_precision_bits);
    }
}
}  // namespace detail

template <class Quantity, class... Args>
[[nodiscard]] rounded round(const settings& s, format f, const Quantity& quantity, const Args&... args) {
    detail::check_settings(s);
    detail::thread_setup();
    if (s.fast) {
        if (const std::optional<rounded> r = detail::try_fast<Quantity>(s, f, args...)) {
            return *r;
        }
        if (const std::optional<rounded> r = detail::try_ball(f, quantity, args...)) {
            return *r;
        }
    }
    unsigned bits = std::max(s.start_bits, 64U);
    const unsigned cap = detail::capped_bits(s, s.max_bits, detail::numbers_in_all(args...));
    for (;; bits *= 2) {
        const interval r = detail::evaluate(bits, quantity, args...);
        if (const std::optional<rounded> out = detail::decide(r, f, bits)) {
            return *out;
        }
        if (bits * 2 > cap) {
            return detail::undetermined(r, f, bits);
        }
    }
}

namespace detail {

/// Receives round_each()'s results: start(n) once, then put(i, result) once for each i < n, in no
/// fixed order.
template <class S>
concept rounded_sink = requires(S& s, std::size_t i, const rounded& r) {
    s.start(i);
    s.put(i, r);
};

/// A sink that also takes the ball's binary64 decisions as bare values: put_value(i, v) in place of
/// put(i, ball_decided(v)), then ball_count(k) once with the number of them (no per-element record
/// or count through memory in the common case: it was half of the decision loop's time).
template <class S>
concept value_sink = rounded_sink<S> && requires(S& s, std::size_t i, double v) {
    s.put_value(i, v);
    s.ball_count(i);
};

/// round_each()'s evaluation into a sink: the ball decides what it can, element by element, straight
/// into the sink (no per-element record of the undecided); MPFI then evaluates the input again for
/// the elements it left, and only when there are any.
template <rounded_sink Sink, class Quantity, class... Args>
void round_each_into(const settings& s, format f, Sink& sink, const Quantity& quantity, const Args&... args) {
    check_settings(s);
    thread_setup();
    std::vector<std::size_t> undecided;
    bool started = false;
    // a ball its common case did not decide: by its two ends, or left for MPFI
    const auto by_ends = [&](std::size_t i, const dd_ball& v) {
        if (const std::optional<rounded> d = decide_ball_ends(v, f)) {
            sink.put(i, *d);
        } else {
            undecided.push_back(i);
        }
    };
    if constexpr (ball_writes<Quantity, Args...> && value_sink<Sink>) {
        // the values rounded as they are written (thread-local memory, reused from call to call)
        thread_local ball_round_writer::buffer values;
        thread_local std::vector<ball_round_writer::left_ball> left;
        values.size = 0;
        left.clear();
        ball_round_writer w{values, left};
        if (s.fast && f == format::binary64 && evaluate_ball_into(quantity, w, args...)) {
            const std::size_t n = values.size;
            sink.start(n);
            started = true;
            for (std::size_t i = 0; i < n; ++i) {
                sink.put_value(i, values.data[i]);
            }
            sink.ball_count(n - left.size());
            for (const auto& [i, v] : left) {
                by_ends(i, v);
            }
            if (values.capacity > (std::size_t{1} << 21U)) {
                values = {};  // a large call's memory goes back
            }
            if (undecided.empty()) {
                return;
            }
        }
    }
    if constexpr (ball_supported<Quantity, Args...>) {
        if (s.fast && !started) {  // not written and rounded above (another format, or not taken)
            if (const auto r = evaluate_ball(quantity, args...)) {
                sink.start(std::ranges::size(*r));
                started = true;
                std::size_t i = 0;
                std::size_t by_value = 0;  // put_value's count
                for (const auto& v : *r) {
                    if (double h = 0; f == format::binary64 && ball_rounds_to(v, h)) {  // inline: the common case
                        if constexpr (value_sink<Sink>) {
                            sink.put_value(i, h);
                            ++by_value;
                        } else {
                            sink.put(i, ball_decided(h));
                        }
                    } else {
                        by_ends(i, dd_ball(v));
                    }
                    ++i;
                }
                if constexpr (value_sink<Sink>) {
                    sink.ball_count(by_value);
                }
                if (undecided.empty()) {
                    return;
                }
            }
        }
    }
    const std::vector<rounded> out =
        each<rounded>(std::max(s.start_bits, 64U), capped_bits(s, s.max_bits, numbers_in_all(args...)),
                      [&](const interval& r, unsigned bits) { return decide(r, f, bits); },
                      [&](const interval& r, unsigned bits) { return undetermined(r, f, bits); }, quantity, args...);
    if (!started) {
        sink.start(out.size());
        for (std::size_t i = 0; i < out.size(); ++i) {
            sink.put(i, out[i]);
        }
        return;
    }
    // The ball's decisions stand where it made them (the same correctly rounded values, found faster).
    for (const std::size_t i : undecided) {
        sink.put(i, out.at(i));
    }
}

}  // namespace detail

/// round() for a quantity whose value is a range (an unreduced loss, an elementwise function): one
/// correctly rounded result per element.
template <class Quantity, class... Args>
[[nodiscard]] std::vector<rounded> round_each(const settings& s, format f, const Quantity& quantity, const Args&... args) {
    struct to_vector {
        std::vector<rounded> out;
        void start(std::size_t n) { out.resize(n); }
        void put(std::size_t i, const rounded& r) { out[i] = r; }
    } sink;
    detail::round_each_into(s, f, sink, quantity, args...);
    return std::move(sink.out);
}

template <class Quantity, class... Args>
[[nodiscard]] std::vector<rounded> round_each(format f, const Quantity& quantity, const Args&... args) {
    return round_each(settings{}, f, quantity, args...);
}

namespace detail {
inline void check_digits(unsigned n) {
    thread_setup();  // every digits call starts here
    if (n < 1 || n > 10000) {
        shannon::detail::fail<shannon::invalid_argument>("exact::digits", "the number of digits must lie in [1, 10000], not ",
                                                         n);
    }
}
[[nodiscard]] inline unsigned digits_start_bits(const settings& s, unsigned n) {
    return std::max(s.start_bits, static_cast<unsigned>(n * 3.33) + 64);
}
}  // namespace detail

/// The exact value to n significant decimal digits, correctly rounded (1 <= n <= 10000).
template <class Quantity, class... Args>
[[nodiscard]] std::string digits(unsigned n, const Quantity& quantity, const Args&... args) {
    detail::check_digits(n);
    const settings s;
    if (s.fast && n <= 60) {
        if (const std::optional<std::string> r = detail::try_fixed_digits<Quantity>(s, n, args...)) {
            return *r;
        }
        if (const std::optional<std::string> r = detail::try_ball_digits(n, quantity, args...)) {
            return *r;
        }
    }
    unsigned bits = detail::digits_start_bits(s, n);
    const unsigned cap = detail::capped_bits(s, std::max(s.max_bits, 16 * bits), detail::numbers_in_all(args...), 2 * bits);
    for (;; bits *= 2) {
        const interval r = detail::evaluate(bits, quantity, args...);
        if (std::optional<std::string> out = detail::decide_digits(r, n, bits)) {
            return *out;
        }
        if (bits * 2 > cap) {
            return detail::undetermined_digits(r, n, bits);
        }
    }
}

/// digits() for a vector-valued quantity: n correct digits of every element.
template <class Quantity, class... Args>
[[nodiscard]] std::vector<std::string> digits_each(unsigned n, const Quantity& quantity, const Args&... args) {
    detail::check_digits(n);
    const settings s;
    const unsigned bits = detail::digits_start_bits(s, n);
    return detail::each<std::string>(
        bits, detail::capped_bits(s, std::max(s.max_bits, 16 * bits), detail::numbers_in_all(args...), 2 * bits),
        [&](const interval& r, unsigned b) { return detail::decide_digits(r, n, b); },
        [&](const interval& r, unsigned b) { return detail::undetermined_digits(r, n, b); }, quantity, args...);
}

/// enclose() for a vector-valued quantity.
template <class Quantity, class... Args>
[[nodiscard]] std::vector<std::pair<real, real>> enclose_each(unsigned bits, const Quantity& quantity, const Args&... args) {
    detail::check_bits("exact::enclose", bits);
    detail::thread_setup();
    const std::vector<interval> r = detail::evaluate_each(bits, quantity, args...);
    const detail::bits_scope scope(bits);
    std::vector<std::pair<real, real>> out;
    out.reserve(r.size());
    for (const interval& x : r) {
        out.emplace_back(real(lower(x)), real(upper(x)));
    }
    return out;
}

/// The error of a candidate result in ulps of the format at the exact value, with its sign
/// (candidate - exact) / ulp(exact): 0.5 or less for a correctly rounded candidate. The ulp is that
/// of the exact value's binade in the format (the subnormal spacing below the normal range).
template <class Quantity, class... Args>
[[nodiscard]] double ulp_error(double candidate, format f, const Quantity& quantity, const Args&... args) {
    const unsigned bits = 256;
    const interval r = detail::evaluate(bits, quantity, args...);
    const detail::bits_scope scope(bits);
    return detail::ulp_error_of(candidate, r, f);
}

/// ulp_error() of each element of a vector-valued quantity against candidates[i].
template <class Quantity, class... Args>
[[nodiscard]] std::vector<double> ulp_error_each(const std::vector<double>& candidates, format f, const Quantity& quantity,
                                                 const Args&... args) {
    const unsigned bits = 256;
    const std::vector<interval> r = detail::evaluate_each(bits, quantity, args...);
    if (r.size() != candidates.size()) {
        shannon::detail::fail<shannon::invalid_argument>("exact::ulp_error", "the quantity has ", r.size(),
                                                         " values but ", candidates.size(), " candidates were given");
    }
    const detail::bits_scope scope(bits);
    std::vector<double> out;
    out.reserve(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) {
        out.push_back(detail::ulp_error_of(candidates[i], r[i], f));
    }
    return out;
}

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

SHANNON_FP_CONTRACT_RESTORE
