// shannon/exact/fast.hpp — the oracle's fast path: correctly rounded entropy, cross-entropy, KL and
// generalized KL divergence of binary64/binary32 inputs at about numpy's speed.
//
// Each term is computed in double-double with a proven error bound, the terms are summed in
// double-double, and the total error bound E decides (Ziv's rounding test) whether the value
// V +- E rounds to a single result in the requested format. If it does, that result is the correctly
// rounded one; if not (about one result in 2^20 for random data, more for values very close to a
// rounding boundary or to 0), shannon::exact::round falls back to its multiprecision path. The
// result therefore never depends on the order of the inputs or on how they were split and merged:
// it is the correct rounding of the exact value. `accumulator` is mergeable, and exact::round splits
// large inputs across the machine's cores.
//
// Terms (all for p, q >= 0 taken as exact binary64 numbers):
//   entropy        -p log p
//   cross-entropy  -p log q                              (+inf where q = 0 < p)
//   generalized KL  p log(p/q) - p + q  >= 0             (+inf where q = 0 < p; q where p = 0)
//   KL             sum of the generalized-KL terms + (sum p - sum q), the last in double-double
//                  with a running error bound, and exactly (exact_sum, a second pass) when Ziv's
//                  test needs it: no cancellation between terms whatever P and Q.
// For |p - q| <= q/64 the generalized-KL term is q phi(r), r = (p - q)/q,
// phi(r) = (1+r) log(1+r) - r = r^2 sum_{k>=2} (-1)^k r^(k-2) / (k(k-1)), and q r = p - q exactly,
// so the term is (p - q) r S(r): correct to the last bits for P = Q (0 exactly), P ~ Q at 1e-15 and
// subnormal q alike. Elsewhere it is p u - (p - q) with u = log(p/q) in double-double (log p - log q
// when p/q leaves the normal range, which handles q = 5e-324).
//
// The double-double logarithm (log_dd): x = 2^k m; m in [1 + i/1024, 1 + (i+1)/1024) picks a table
// entry (c_i, L_i) (generators/gen_log_table.py: c_i a multiple of 2^-11 near 1/m, L_i = -log c_i, with
// log 2 folded in for m >= 1.414 so that x just below 1 never cancels); r = m c_i - 1 is exact in
// binary64 (|r| < 2^-10 and r is a multiple of 2^-63: 53 bits) and
// log x = k log 2 + L_i + log1p(r),
// log1p(r) = r - r^2/2 + r^3/3 [double-double] - r^4 (1/4 - r/5 + ... - r^5/9) [binary64].
// Error budget, relative to |log x| (u = 2^-53): the series truncated after r^9 errs by
// |r|^10/10 < 2^-93 |r|; the binary64 tail, of size |r|^4/4 < 2^-32 |r|, carries at most ~4u of
// it: < 2^-83 |r|; the double-double parts and the table
// (|L_i - hi - lo| <= 2^-106 |L_i|) add below 2^-100, and |r| <= 2 |log x| whenever k = 0 (for
// k != 0, |log x| >= 0.34). So |log_dd(x) - log x| < 2^-81 |log x|.
// Terms: the log-form term's error is at most 2^-81 (|p u| + |p - q|) + O(2^-104); the series
// term's is below 2^-79 of its value (the binary64 part r^4 (1/30 - ...) of S(r) is < 2^-28 of S,
// carried with ~3u; truncation after r^12: < 2^-84). The bound used, for every term, is
//   delta = 2^-76 times (|p u| + |p - q|) for log-form terms and times |t| for the others,
// accumulated at run time, plus 3u^2 per double-double addition and 2^-1073 per term rescaled out
// of the subnormal range. The tests check the bound against MPFR on every reference case.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include <mpfr.h>

#include "../detail/fp_contract.hpp"
#include "../detail/log_table.hpp"
#include "../detail/simd.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact::fast {

/// An unevaluated sum hi + lo of two binary64 numbers.
struct dd {
    /// The leading part.
    double hi = 0;
    /// The trailing part.
    double lo = 0;
};

/// The quantities of the fast path.
enum class kind { entropy, cross_entropy, kl, generalized_kl };

namespace detail {

inline constexpr double ln2_hi = 0x1.62e42fefa3800p-1;  // 42 bits: k ln2_hi is exact for |k| < 2^11
inline constexpr double ln2_lo = 0x1.ef35793c76730p-45;

SHANNON_FAST_INLINE inline void gather(std::uint64_t i, double& c, double& hi, double& lo, double& k) {
    const shannon::exact::detail::log_table_entry& e = shannon::exact::detail::log_table[i];
    c = e.c;
    hi = e.hi;
    lo = e.lo;
    k = e.k;
}
SHANNON_FAST_INLINE inline void gather(vu4 i, vd4& c, vd4& hi, vd4& lo, vd4& k) {
    const auto* t = shannon::exact::detail::log_table;
#if defined(SHANNON_FAST_X86)
    // Each entry is one aligned 32-byte row {c, hi, lo, k}: four row loads and a 4 x 4 transpose.
    const __m256d a = _mm256_load_pd(&t[i[0]].c);
    const __m256d b = _mm256_load_pd(&t[i[1]].c);
    const __m256d e = _mm256_load_pd(&t[i[2]].c);
    const __m256d f = _mm256_load_pd(&t[i[3]].c);
    const __m256d ab0 = _mm256_unpacklo_pd(a, b);  // a.c b.c a.lo b.lo
    const __m256d ab1 = _mm256_unpackhi_pd(a, b);  // a.hi b.hi a.k b.k
    const __m256d ef0 = _mm256_unpacklo_pd(e, f);
    const __m256d ef1 = _mm256_unpackhi_pd(e, f);
    c = _mm256_permute2f128_pd(ab0, ef0, 0x20);
    lo = _mm256_permute2f128_pd(ab0, ef0, 0x31);
    hi = _mm256_permute2f128_pd(ab1, ef1, 0x20);
    k = _mm256_permute2f128_pd(ab1, ef1, 0x31);
#else
    c = vd4{t[i[0]].c, t[i[1]].c, t[i[2]].c, t[i[3]].c};
    hi = vd4{t[i[0]].hi, t[i[1]].hi, t[i[2]].hi, t[i[3]].hi};
    lo = vd4{t[i[0]].lo, t[i[1]].lo, t[i[2]].lo, t[i[3]].lo};
    k = vd4{t[i[0]].k, t[i[1]].k, t[i[2]].k, t[i[3]].k};
#endif
}

/// log x in double-double for finite x > 0 (V = vd4: normal x only), with
/// |error| < 2^-81 |log x| (see the header comment).
template <class V>
SHANNON_FAST_INLINE inline ddv<V> log_dd(V x) {
    using U = typename bits_of<V>::type;
    U bits = as_bits(x);
    double shift = 0;
    if constexpr (std::is_same_v<V, double>) {
        if ((bits >> 52U) == 0) {  // subnormal: scale into the normal range (exact)
            bits = as_bits(x * 0x1p54);
            shift = 54;
        }
    }
    const U frac = bits & ((std::uint64_t{1} << 52U) - 1);
    // The biased exponent as a double: OR it into the mantissa of 2^52 (exact, no int conversion).
    const V biased = from_bits((bits >> 52U) | 0x4330000000000000ULL) - 0x1p52;
    const V m = from_bits(frac | 0x3ff0000000000000ULL);
    V c;
    V lhi;
    V llo;
    V kfold;
    gather(frac >> 42U, c, lhi, llo, kfold);
    const V k = (biased - (1023 + shift)) + kfold;
    const V r = fma_(m, c, V{} - 1.0);  // exact: |r| < 2^-10, a multiple of 2^-63
    const ddv<V> s = two_prod(r, r);    // r^2
    ddv<V> cube = two_prod(s.hi, r);    // r^3
    cube.lo += s.lo * r;
    const ddv<V> a = mul(cube, ddv<V>{V{} + 0x1.5555555555555p-2, V{} + 0x1.5555555555555p-56});  // r^3/3
    const V r4 = s.hi * s.hi;
    const V tail = r4 * (-0.25 + r * (0.2 + r * (-1.0 / 6 + r * (1.0 / 7 + r * (-0.125 + r * (1.0 / 9))))));
    const ddv<V> h = fast_two_sum(r, -0.5 * s.hi);
    const ddv<V> g = fast_two_sum(h.hi, a.hi);
    const V low = g.lo + h.lo + ((a.lo + tail) - 0.5 * s.lo);
    const ddv<V> e = two_sum(k * ln2_hi, lhi);
    const ddv<V> f = two_sum(e.hi, g.hi);
    const V lo = e.lo + f.lo + (llo + k * ln2_lo + low);
    return fast_two_sum(f.hi, lo);
}

/// A term: its value and the size its error bound is proportional to.
template <class V>
struct term {
    ddv<V> v;
    V scale;
};

/// p u - d for u = log(p/q) and d = p - q in double-double; the error scale |p u| + |d|.
template <class V>
SHANNON_FAST_INLINE inline term<V> p_log_minus_d(V p, const ddv<V>& u, const ddv<V>& d) {
    ddv<V> pu = two_prod(p, u.hi);
    pu.lo += p * u.lo;
    const ddv<V> s = two_sum(pu.hi, -d.hi);
    return {fast_two_sum(s.hi, (s.lo + pu.lo) - d.lo), abs_(pu.hi) + abs_(d.hi)};
}

/// The log form of the generalized-KL term, p log(p/q) - (p - q), for p, q in [2^-1000, 2^900]
/// with p/q in [2^-1000, 2^1000] (V = vd4: every lane so).
template <class V>
SHANNON_FAST_INLINE inline term<V> gkl_log_form(V p, V q, const ddv<V>& d) {
    const V rh = p / q;
    const V rem = fma_(rh, q, -p);  // exact remainder
    const ddv<V> l = log_dd(rh);
    // p/q = rh + rl with rl = -rem/q: log(p/q) = log rh + rl/rh + O(2^-107), and
    // rl/rh = -rem/(q rh) = -rem/p (1 + O(2^-53)), an error of O(2^-106) on the correction.
    return p_log_minus_d(p, fast_two_sum(l.hi, l.lo - rem / p), d);
}

/// The coefficients (-1)^k / (k(k-1)) of S(r) = phi(r)/r^2.
inline constexpr ddv<double> s3{-0x1.5555555555555p-3, -0x1.5555555555555p-57};  // -1/6
inline constexpr ddv<double> s4{0x1.5555555555555p-4, 0x1.5555555555555p-58};    // 1/12
inline constexpr ddv<double> s5{-0x1.999999999999ap-5, 0x1.999999999999ap-59};   // -1/20

template <class V>
SHANNON_FAST_INLINE inline ddv<V> broadcast(const ddv<double>& c) {
    return {V{} + c.hi, V{} + c.lo};
}

/// The series form of the generalized-KL term, q phi(r) = d r S(r) with r = d/q, for
/// d = p - q (exact: Sterbenz) and |d| <= q/64, p and q in [2^-900, 2^900].
template <class V>
SHANNON_FAST_INLINE inline term<V> gkl_series(V d, V q) {
    const V rh = d / q;
    const ddv<V> r{rh, -fma_(rh, q, -d) / q};
    const V q6 =
        1.0 / 30 + rh * (-1.0 / 42 + rh * (1.0 / 56 + rh * (-1.0 / 72 + rh * (1.0 / 90 + rh * (-1.0 / 110 + rh * (1.0 / 132 + rh * (-1.0 / 156 + rh * (1.0 / 182))))))));
    ddv<V> z = add(broadcast<V>(s5), two_prod(rh, q6));
    z = add(broadcast<V>(s4), mul(r, z));
    z = add(broadcast<V>(s3), mul(r, z));
    z = add(broadcast<V>(ddv<double>{0.5, 0}), mul(r, z));
    ddv<V> dr = two_prod(d, r.hi);
    dr.lo += d * r.lo;
    const ddv<V> v = mul(dr, z);
    return {v, abs_(v.hi)};
}

/// p log(p/q) - p + q for finite p, q > 0 with max(p, q) <= 2^900 (scalar; every case).
SHANNON_FAST_TARGET inline term<double> gkl_term(double p, double q, bool& rescaled) {
    bool scaled = false;
    if ((p < 0x1p-900 || q < 0x1p-900) && p < 0x1p400 && q < 0x1p400) {
        p *= 0x1p600;  // the term is homogeneous of degree 1: scale out of the subnormal range
        q *= 0x1p600;
        scaled = true;
    }
    const ddv<double> d = two_sum(p, -q);
    term<double> out{};
    if (abs_(d.hi) <= q * 0x1p-6) {
        out = gkl_series(d.hi, q);
    } else {
        const double rh = p / q;
        if (rh >= 0x1p-1000 && rh <= 0x1p1000) {
            out = gkl_log_form(p, q, d);
        } else {
            const ddv<double> lp = log_dd(p);
            const ddv<double> lq = log_dd(q);
            ddv<double> s = two_sum(lp.hi, -lq.hi);
            s.lo += lp.lo - lq.lo;
            out = p_log_minus_d(p, fast_two_sum(s.hi, s.lo), d);
        }
    }
    if (scaled) {
        out.v.hi *= 0x1p-600;
        out.v.lo *= 0x1p-600;
        out.scale *= 0x1p-600;
        rescaled = true;
    }
    return out;
}

/// -p log q for finite p > 0, q > 0 (V = vd4: normal q).
template <class V>
SHANNON_FAST_INLINE inline term<V> xlogy_term(V p, V q) {
    const ddv<V> l = log_dd(q);
    ddv<V> t = two_prod(p, l.hi);
    t.lo += p * l.lo;
    t = fast_two_sum(t.hi, t.lo);
    return {{-t.hi, -t.lo}, abs_(t.hi)};
}

}  // namespace detail

/// An exact sum of binary64 numbers: 32-bit digits in 64-bit words (carries deferred), covering
/// every binary64 from 2^-1074 up. Order-independent by construction.
class exact_sum {
public:
    /// Adds x exactly (finite x; any sign).
    void add(double x) {
        const auto b = std::bit_cast<std::uint64_t>(x);
        const auto ebits = static_cast<unsigned>((b >> 52U) & 0x7ffU);
        std::uint64_t m = b & ((std::uint64_t{1} << 52U) - 1);
        if (ebits != 0) {
            m |= std::uint64_t{1} << 52U;
        }
        const unsigned pos = ebits != 0 ? ebits - 1 : 0;  // x = m 2^(pos - 1074)
        const unsigned k = pos >> 5U;
        const unsigned sh = pos & 31U;
        const std::uint64_t lo = (m & 0xffffffffULL) << sh;
        const std::uint64_t hi = (m >> 32U) << sh;
        const auto a0 = static_cast<std::int64_t>(lo & 0xffffffffULL);
        const auto a1 = static_cast<std::int64_t>((lo >> 32U) + (hi & 0xffffffffULL));
        const auto a2 = static_cast<std::int64_t>(hi >> 32U);
        const std::int64_t neg = -static_cast<std::int64_t>(b >> 63U);  // 0 or -1
        digits_[k] += (a0 ^ neg) - neg;
        digits_[k + 1] += (a1 ^ neg) - neg;
        digits_[k + 2] += (a2 ^ neg) - neg;
        if (++adds_ == (1U << 28U)) {
            normalize();
        }
    }
    /// Adds another exact sum (the result does not depend on how the terms were split).
    void merge(exact_sum other) {
        normalize();
        other.normalize();
        for (std::size_t k = 0; k < size; ++k) {
            digits_[k] += other.digits_[k];
        }
        normalize();
    }
    /// Sets `out` (initialized by the caller, any precision) to the sum rounded with `mode`.
    void get(mpfr_t out, mpfr_rnd_t mode) const {
        exact_sum c = *this;
        c.normalize();
        mpfr_t acc;
        mpfr_t digit;
        mpfr_init2(acc, static_cast<mpfr_prec_t>(size * 32 + 64));
        mpfr_init2(digit, 64);
        mpfr_set_zero(acc, 1);
        for (std::size_t k = 0; k < size; ++k) {
            if (c.digits_[k] != 0) {
                mpfr_set_si_2exp(digit, static_cast<long>(c.digits_[k]), static_cast<mpfr_exp_t>(32 * k) - 1074, MPFR_RNDN);
                mpfr_add(acc, acc, digit, MPFR_RNDN);  // exact at this precision
            }
        }
        mpfr_set(out, acc, mode);
        mpfr_clear(digit);
        mpfr_clear(acc);
    }

private:
    static constexpr std::size_t size = 70;
    void normalize() {
        for (std::size_t k = 0; k + 1 < size; ++k) {
            const std::int64_t carry = digits_[k] >> 32;  // floor division by 2^32
            digits_[k] -= static_cast<std::int64_t>(static_cast<std::uint64_t>(carry) << 32U);
            digits_[k + 1] += carry;
        }
        adds_ = 0;
    }
    std::array<std::int64_t, size> digits_{};
    std::uint32_t adds_ = 0;
};

/// The running state of one quantity over any number of terms. Mergeable: accumulating two parts
/// and merging gives a state whose result is the same correctly rounded value.
template <kind K>
class accumulator {
public:
    /// Adds the terms of p[0..n) (and q[0..n) for the two-argument quantities; q is ignored for
    /// the entropy). Requires detail::cpu_supported().
    template <class T>
    void add(const T* p, const T* q, std::size_t n) {
        static_assert(std::is_same_v<T, double> || std::is_same_v<T, float>, "binary64 or binary32 inputs");
        run<T>(p, q, n);
    }

    /// Adds the state of another part of the input; the result is the same whatever the split.
    void merge(const accumulator& o) {
        for (int j = 0; j < lanes; ++j) {
            const detail::ddv<double> s = detail::add(detail::ddv<double>{sum_[j].hi, sum_[j].lo},
                                                      detail::ddv<double>{o.sum_[j].hi, o.sum_[j].lo});
            sum_[j] = {s.hi, s.lo};
        }
        scale_ += o.scale_;
        sum_p_ += o.sum_p_;
        sum_q_ += o.sum_q_;
        n_ += o.n_;
        rescaled_ = rescaled_ || o.rescaled_;
        infinite_ = infinite_ || o.infinite_;
        invalid_ = invalid_ || o.invalid_;
        for (int j = 0; j < lanes; ++j) {
            const detail::ddv<double> m = detail::two_sum(mass_lanes_[j].hi, o.mass_lanes_[j].hi);
            mass_bound_ += std::abs(mass_lanes_[j].lo) + std::abs(o.mass_lanes_[j].lo) + std::abs(m.lo);
            const detail::ddv<double> r = detail::fast_two_sum(m.hi, (m.lo + mass_lanes_[j].lo) + o.mass_lanes_[j].lo);
            mass_lanes_[j] = {r.hi, r.lo};
        }
        mass_bound_ += o.mass_bound_;
    }

    /// An input outside the fast path's domain (NaN, negative, infinite, beyond 2^900): the caller
    /// must use the general path, which reports it.
    [[nodiscard]] bool invalid() const { return invalid_; }
    /// A term was +inf (q = 0 < p for KL and cross-entropy): the quantity is +inf.
    [[nodiscard]] bool infinite() const { return infinite_; }
    /// The number of terms added.
    [[nodiscard]] std::size_t size() const { return n_; }
    /// Naive binary64 sums of p and q, for the normalization check: |error| <= (n + 2) u sum.
    [[nodiscard]] double sum_p() const { return sum_p_; }
    /// The naive binary64 sum of q (see sum_p()).
    [[nodiscard]] double sum_q() const { return sum_q_; }

    /// The sum of the terms in double-double.
    [[nodiscard]] dd value() const {
        detail::ddv<double> s{sum_[0].hi, sum_[0].lo};
        for (int j = 1; j < lanes; ++j) {
            s = detail::add(s, detail::ddv<double>{sum_[j].hi, sum_[j].lo});
        }
        return {s.hi, s.lo};
    }
    /// A bound on |value() - exact sum of the terms|.
    [[nodiscard]] double error_bound() const {
        const auto n = static_cast<double>(n_ + lanes);
        const double grow = 1 + (n + 4) * 0x1p-52;  // rounding of the running sums of scales
        double e = scale_ * (0x1p-76 + 3 * n * 0x1p-106) * grow;
        if (rescaled_) {
            e += n * 0x1p-1072;
        }
        return e * (1 + 0x1p-50);
    }
    /// sum p - sum q in double-double (KL only), and a bound on its error. When that bound is too
    /// wide for Ziv's test, the caller sums p - q exactly (exact_sum) in a second pass.
    [[nodiscard]] dd mass() const {
        detail::ddv<double> s{0, 0};
        for (int j = 0; j < lanes; ++j) {
            const detail::ddv<double> m = detail::two_sum(s.hi, mass_lanes_[j].hi);
            s = detail::fast_two_sum(m.hi, (m.lo + s.lo) + mass_lanes_[j].lo);
        }
        return {s.hi, s.lo};
    }
    /// A bound on the error of mass() (sum p - sum q in double-double).
    [[nodiscard]] double mass_error_bound() const {
        // 2u per step on the absorbed low words; the final lane sum adds its own (covered by the
        // 2^-100 relative term, its partial sums being below sum |lanes|).
        double lanes_abs = 0;
        for (int j = 0; j < lanes; ++j) {
            lanes_abs += std::abs(mass_lanes_[j].hi) + std::abs(mass_lanes_[j].lo);
        }
        return (mass_bound_ * 0x1p-52 + lanes_abs * 0x1p-100) * (1 + (static_cast<double>(n_) + 8) * 0x1p-52);
    }

private:
    static constexpr int lanes = 4;

    /// One term, any input (validation and every special case).
    SHANNON_FAST_TARGET detail::term<double> scalar_term(double x, double y, bool& bad, bool& inf, bool& rescaled) {
        detail::term<double> t{{0, 0}, 0};
        bad = bad || !(x >= 0 && x <= 0x1p900);
        if constexpr (K == kind::entropy) {
            if (x > 0 && !bad) {
                t = detail::xlogy_term(x, x);
            }
        } else {
            bad = bad || !(y >= 0 && y <= 0x1p900);
            if (bad) {
                return t;
            }
            if constexpr (K == kind::cross_entropy) {
                if (x > 0) {
                    if (y > 0) {
                        t = detail::xlogy_term(x, y);
                    } else {
                        inf = true;
                    }
                }
            } else {
                if (x > 0) {
                    if (y > 0) {
                        t = detail::gkl_term(x, y, rescaled);
                    } else {
                        inf = true;
                    }
                } else {
                    t = {{y, 0}, y};
                }
            }
        }
        return t;
    }

    template <class T>
    SHANNON_FAST_TARGET void run(const T* p, const T* q, std::size_t n) {
        using detail::vd4;
        using detail::vi4;
        vd4 ahi{sum_[0].hi, sum_[1].hi, sum_[2].hi, sum_[3].hi};
        vd4 alo{sum_[0].lo, sum_[1].lo, sum_[2].lo, sum_[3].lo};
        vd4 scale{};
        vd4 mhi{mass_lanes_[0].hi, mass_lanes_[1].hi, mass_lanes_[2].hi, mass_lanes_[3].hi};
        vd4 mlo{mass_lanes_[0].lo, mass_lanes_[1].lo, mass_lanes_[2].lo, mass_lanes_[3].lo};
        vd4 mbound{};
        vd4 sp{};
        vd4 sq{};
        bool bad = false;
        bool inf = false;
        bool rescaled = false;
        for (std::size_t i = 0; i < n; i += 4) {
            vd4 x{};
            vd4 y{};
            const bool whole = i + 4 <= n;
            if (whole) {
                x = detail::load4(p + i);
                if constexpr (K != kind::entropy) {
                    y = detail::load4(q + i);
                }
            } else {
                for (std::size_t j = 0; i + j < n; ++j) {
                    x[j] = static_cast<double>(p[i + j]);
                    if constexpr (K != kind::entropy) {
                        y[j] = static_cast<double>(q[i + j]);
                    }
                }
            }
            detail::term<vd4> t;  // set on every path below
            bool ordinary = whole;
            if constexpr (K == kind::entropy) {
                ordinary = ordinary && detail::all_((x == 0.0 || x >= 0x1p-1022) && x <= 0x1p900);
                if (ordinary) {
                    const vi4 zero = x == 0.0;
                    const vd4 arg = reinterpret_cast<vd4>((reinterpret_cast<vi4>(x) & ~zero) |
                                                          (reinterpret_cast<vi4>(vd4{} + 1.0) & zero));
                    t = detail::xlogy_term(x, arg);
                }
            } else if constexpr (K == kind::cross_entropy) {
                ordinary = ordinary && detail::all_(x >= 0.0 && x <= 0x1p900 && y >= 0x1p-1022 && y <= 0x1p900);
                if (ordinary) {
                    t = detail::xlogy_term(x, y);
                }
            } else {
                const detail::ddv<vd4> d = detail::two_sum(x, -y);
                if constexpr (K == kind::kl) {
                    // sum p - sum q: d = p - q is exact as d.hi + d.lo; both go into a double-double
                    // with a running bound (2u per step on what the low word absorbed).
                    const detail::ddv<vd4> m = detail::two_sum(mhi, d.hi);
                    const vd4 low = (mlo + m.lo) + d.lo;
                    mbound += detail::abs_(mlo) + detail::abs_(m.lo) + detail::abs_(d.lo);
                    const detail::ddv<vd4> r = detail::fast_two_sum(m.hi, low);
                    mhi = r.hi;
                    mlo = r.lo;
                }
                ordinary = ordinary && detail::all_(x >= 0x1p-900 && x <= 0x1p900 && y >= 0x1p-900 && y <= 0x1p900 &&
                                                    x <= y * 0x1p1000 && y <= x * 0x1p1000);
                if (ordinary) {
                    // Lanes with |p - q| <= q/64 take the series form, the others the log form.
                    const vi4 near = detail::abs_(d.hi) <= y * 0x1p-6;
                    if (detail::none_(near)) {
                        t = detail::gkl_log_form(x, y, d);
                    } else if (detail::all_(near)) {
                        t = detail::gkl_series(d.hi, y);
                    } else {
                        const detail::term<vd4> a = detail::gkl_series(d.hi, y);
                        const detail::term<vd4> b = detail::gkl_log_form(x, y, d);
                        t = {{detail::select_(near, a.v.hi, b.v.hi), detail::select_(near, a.v.lo, b.v.lo)},
                             detail::select_(near, a.scale, b.scale)};
                    }
                }
            }
            if (!ordinary) {
                alignas(32) std::array<double, 4> hi{};
                alignas(32) std::array<double, 4> lo{};
                alignas(32) std::array<double, 4> sc{};
                for (std::size_t j = 0; j < 4 && i + j < n; ++j) {
                    const detail::term<double> s = scalar_term(x[j], y[j], bad, inf, rescaled);
                    hi[j] = s.v.hi;
                    lo[j] = s.v.lo;
                    sc[j] = s.scale;
                }
                t = {{detail::load4(hi.data()), detail::load4(lo.data())}, detail::load4(sc.data())};
            }
            detail::ddv<vd4> s = detail::two_sum(ahi, t.v.hi);
            s.lo += alo + t.v.lo;
            s = detail::fast_two_sum(s.hi, s.lo);
            ahi = s.hi;
            alo = s.lo;
            scale += t.scale;
            sp += x;
            sq += y;
        }
        for (int j = 0; j < lanes; ++j) {
            sum_[j] = {ahi[j], alo[j]};
            mass_lanes_[j] = {mhi[j], mlo[j]};
            mass_bound_ += mbound[j];
            scale_ += scale[j];
            sum_p_ += sp[j];
            sum_q_ += sq[j];
        }
        n_ += n;
        invalid_ = invalid_ || bad;
        infinite_ = infinite_ || inf;
        rescaled_ = rescaled_ || rescaled;
    }

    std::array<dd, lanes> sum_{};
    double scale_ = 0;
    double sum_p_ = 0;
    double sum_q_ = 0;
    std::size_t n_ = 0;
    bool rescaled_ = false;
    bool infinite_ = false;
    bool invalid_ = false;
    std::array<dd, lanes> mass_lanes_{};
    double mass_bound_ = 0;
};

}  // namespace shannon::exact::fast

SHANNON_FP_CONTRACT_RESTORE
