// shannon/exact/fixed.hpp — the oracle's path for many digits of entropy, cross-entropy, KL and
// generalized KL of binary64/binary32 inputs: every logarithm in 256-bit fixed point with a proven
// error bound, every term added exactly into one wide fixed-point sum.
//
// log x, x = 2^e m with m in [1, 2) (53 bits), by three multiplicative reductions and a short series:
//   f1 = 1 + j1 2^-9,  j1 = round(2^9 (1/m - 1))   in [-256, 0]:  y1 = m f1,   |y1 - 1| <= 2^-9
//   f2 = 1 + j2 2^-19, j2 = round(2^19 (1/y1 - 1)) in [-1040, 1040]: y2 = y1 f2, |y2 - 1| <= 2^-19.9
//   f3 = 1 + j3 2^-29, j3 = round(2^29 (1/y2 - 1)) in [-540, 540]:   y3 = y2 f3, |y3 - 1| <= 2^-29.9
// (the j are chosen in binary64 arithmetic; any choice is exact, the bounds only need them close).
// Each y is an exact integer multiple of a power of two (53 + 10 + 20 + 30 bits < 2^112, so y3 is an
// exact unsigned __int128), and log x = e log 2 - log f1 - log f2 - log f3 + log1p(t), t = y3 - 1,
// |t| < 2^-29.9. The tables hold -log f at 2^-256 (rounded to nearest, computed at first use with
// MPFR at 400 bits), log 2 likewise; log1p(t) = t - t^2/2 + ... - t^8/8 by Horner in 256-bit fixed
// point (truncation after t^8: |t|^9/9 < 2^-271).
// Error of log x, absolute: tables 3 x 2^-257, |e| log 2 at most |e| 2^-257, seven truncated Horner
// products and the last two (each < 2^-256, damped by |t| < 2^-29 except the last) and the
// rounding of the 1/k (2^-257 each, damped likewise): below (|e| + 16) 2^-256. (Measured against MPFR
// on 2 x 10^5 inputs over the whole binary64 range: at most 0.13 of that bound.)
// Terms: p log p etc. are formed exactly from the fixed-point log and p's 53-bit significand and
// added exactly into a 512-bit two's complement sum with unit 2^-384; a term shifted below the unit
// is truncated (< 1 unit of error). The sum's error bound is therefore
//   sum over terms of p (|e_p| + |e_q| + 32) 2^-256  +  (number of terms) 2^-384,
// accumulated at run time. The sum does not depend on the order or the split of the terms.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <gmp.h>
#include <mpfr.h>

#include "fast.hpp"  // fast::kind
#include "../detail/fp_contract.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact::fixed {

using limb = mp_limb_t;
static_assert(sizeof(limb) == 8, "64-bit GMP limbs");

namespace detail {

constexpr int frac_limbs = 4;                // 256 fractional bits
constexpr int num_limbs = frac_limbs + 1;    // and one integer limb: two's complement, value N 2^-256
using num = std::array<limb, num_limbs>;

constexpr int s1 = 9, s2 = 19, s3 = 29;      // f_k = 1 + j 2^-s_k
constexpr int j1_max = 256, j2_max = 1040, j3_max = 540;

/// round(v 2^256) as a two's complement num (v is an MPFR number of any precision).
inline num to_num(mpfr_srcptr v) {
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(v) + 300);
    mpfr_mul_2ui(t, v, 256, MPFR_RNDN);  // exact
    mpz_t z;
    mpz_t m;
    mpz_init(z);
    mpz_init(m);
    mpfr_get_z(z, t, MPFR_RNDN);
    mpz_abs(m, z);
    num n{};
    std::size_t count = 0;
    mpz_export(n.data(), &count, -1, sizeof(limb), 0, 0, m);
    if (mpz_sgn(z) < 0) {
        mpn_neg(n.data(), n.data(), num_limbs);
    }
    mpz_clear(m);
    mpz_clear(z);
    mpfr_clear(t);
    return n;
}

struct log_tables {
    std::vector<num> t1, t2, t3;                            // -log(1 + j 2^-s_k), j = -max..max
    std::array<limb, frac_limbs> ln2{};                     // log 2
    std::array<std::array<limb, frac_limbs>, 9> inv{};      // 1/k for k = 2..8
    log_tables() {
        mpfr_t v;
        mpfr_init2(v, 400);
        const auto level = [&](std::vector<num>& t, int s, int jmax) {
            t.resize(static_cast<std::size_t>(2 * jmax + 1));
            for (int j = -jmax; j <= jmax; ++j) {
                mpfr_set_si_2exp(v, j, -s, MPFR_RNDN);  // exact
                mpfr_add_ui(v, v, 1, MPFR_RNDN);         // exact at 400 bits
                mpfr_log(v, v, MPFR_RNDN);
                mpfr_neg(v, v, MPFR_RNDN);
                t[static_cast<std::size_t>(j + jmax)] = to_num(v);
            }
        };
        level(t1, s1, j1_max);
        level(t2, s2, j2_max);
        level(t3, s3, j3_max);
        mpfr_const_log2(v, MPFR_RNDN);
        const num l = to_num(v);
        std::memcpy(ln2.data(), l.data(), sizeof(limb) * frac_limbs);
        for (unsigned k = 2; k <= 8; ++k) {
            mpfr_set_ui(v, 1, MPFR_RNDN);
            mpfr_div_ui(v, v, k, MPFR_RNDN);
            const num a = to_num(v);
            std::memcpy(inv[k].data(), a.data(), sizeof(limb) * frac_limbs);
        }
        mpfr_clear(v);
    }
};

inline const log_tables& tables() {
    static const log_tables t;  // thread-safe initialization
    return t;
}

/// log x for finite x > 0 as a two's complement num (value N 2^-256), with
/// |error| < (|e| + 16) 2^-256 where e is returned (x = 2^e m, m in [1, 2)).
inline num log_fixed(double x, int& e) {
    const log_tables& tab = tables();
    double m = std::frexp(x, &e);  // x = m 2^e, m in [0.5, 1) (subnormals included)
    m *= 2;
    e -= 1;
    const auto mant = static_cast<std::uint64_t>(std::ldexp(m, 52));  // exact: 53 bits
    __extension__ typedef unsigned __int128 u128;  // GCC and Clang; __extension__ keeps -Wpedantic quiet
    const int j1 = static_cast<int>(std::lround((1 / m - 1) * (1 << s1)));
    const u128 y1 = static_cast<u128>(mant) * static_cast<std::uint64_t>((1 << s1) + j1);  // y1 2^-61
    const double d1 = std::ldexp(static_cast<double>(y1), -61);
    const int j2 = static_cast<int>(std::lround((1 / d1 - 1) * (1 << s2)));
    const u128 y2 = y1 * static_cast<std::uint64_t>((1 << s2) + j2);  // y2 2^-80, < 2^82
    const double d2 = std::ldexp(static_cast<double>(y2), -80);
    const int j3 = static_cast<int>(std::lround((1 / d2 - 1) * (1 << s3)));
    const u128 y3 = y2 * static_cast<std::uint64_t>((1 << s3) + j3);  // y3 2^-109, < 2^111
    const u128 one = static_cast<u128>(1) << 109U;
    const bool negative = y3 < one;
    const u128 big_u = negative ? one - y3 : y3 - one;  // |t| = U 2^-109, U < 2^80
    const limb u[2] = {static_cast<limb>(big_u), static_cast<limb>(big_u >> 64U)};
    // Horner: H_8 = 1/8, H_k = 1/k -+ |t| H_(k+1) (k = 7..2), all in (0, 1); then
    // log1p(t) = |t| - |t| (|t| H_2) for t >= 0 and -(|t| + |t| (|t| H_2)) for t < 0.
    limb h[frac_limbs];
    std::memcpy(h, tab.inv[8].data(), sizeof h);
    limb prod[frac_limbs + 2];
    limb sh[frac_limbs + 1];
    const auto times_u = [&](const limb* a) {  // sh[0..4) = |t| a, truncated (a < 1)
        mpn_mul(prod, a, frac_limbs, u, 2);   // a U 2^-(256 + 109)
        mpn_rshift(sh, prod + 1, frac_limbs + 1, 45);  // drop 64 + 45 = 109 bits
    };
    for (int k = 7; k >= 2; --k) {
        times_u(h);
        if (negative) {
            mpn_add_n(h, tab.inv[static_cast<std::size_t>(k)].data(), sh, frac_limbs);
        } else {
            mpn_sub_n(h, tab.inv[static_cast<std::size_t>(k)].data(), sh, frac_limbs);
        }
    }
    times_u(h);
    limb v[frac_limbs];
    std::memcpy(v, sh, sizeof v);
    times_u(v);  // |t| (|t| H_2)
    num r{};
    r[2] = static_cast<limb>(big_u) << 19U;  // |t| = U 2^147 in units of 2^-256
    r[3] = static_cast<limb>(big_u >> 45U);
    const limb w[num_limbs] = {sh[0], sh[1], sh[2], sh[3], 0};
    if (negative) {
        mpn_add_n(r.data(), r.data(), w, num_limbs);
        mpn_neg(r.data(), r.data(), num_limbs);
    } else {
        mpn_sub_n(r.data(), r.data(), w, num_limbs);
    }
    mpn_add_n(r.data(), r.data(), tab.t1[static_cast<std::size_t>(j1 + j1_max)].data(), num_limbs);
    mpn_add_n(r.data(), r.data(), tab.t2[static_cast<std::size_t>(j2 + j2_max)].data(), num_limbs);
    mpn_add_n(r.data(), r.data(), tab.t3[static_cast<std::size_t>(j3 + j3_max)].data(), num_limbs);
    if (e != 0) {
        num el{};
        el[frac_limbs] = mpn_mul_1(el.data(), tab.ln2.data(), frac_limbs, static_cast<limb>(std::abs(e)));
        if (e < 0) {
            mpn_sub_n(r.data(), r.data(), el.data(), num_limbs);
        } else {
            mpn_add_n(r.data(), r.data(), el.data(), num_limbs);
        }
    }
    return r;
}

}  // namespace detail

/// The exact sum of the terms of one quantity in 512-bit fixed point (unit 2^-384) with a bound on
/// the error of its logarithms. Mergeable and order-independent.
template <fast::kind K>
class accumulator {
public:
    /// Limbs of 64 bits in the sum.
    static constexpr int limbs = 8;
    /// The sum's unit: the value of its least significant bit is 2^unit_log2.
    static constexpr int unit_log2 = -384;

    /// Adds the terms of p[0..n) (and q[0..n); q is ignored for the entropy).
    template <class T>
    void add(const T* p, const T* q, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            term(static_cast<double>(p[i]), K == fast::kind::entropy ? 0.0 : static_cast<double>(q[i]));
        }
    }
    /// Adds the state of another part of the input; the result is the same whatever the split.
    void merge(const accumulator& o) {
        mpn_add_n(sum_.data(), sum_.data(), o.sum_.data(), limbs);
        bound_ += o.bound_;
        mass_ += o.mass_;
        terms_ += o.terms_;
        invalid_ = invalid_ || o.invalid_;
        infinite_ = infinite_ || o.infinite_;
    }
    /// An input the path does not take (NaN, negative, infinite, above 2^100), or a sum that could
    /// leave the fixed-point range (|sum| < 2^127; checked for the whole sum, not term by term): the
    /// caller uses the general path, which reports or handles it.
    [[nodiscard]] bool invalid() const { return invalid_ || !(bound_ + mass_ < max_magnitude); }
    /// A term was +inf (q = 0 < p for KL and cross-entropy): the quantity is +inf.
    [[nodiscard]] bool infinite() const { return infinite_; }

    /// Sets lo <= exact sum <= hi (MPFR numbers of any precision, rounded outward).
    void enclose(mpfr_t lo, mpfr_t hi) const {
        std::array<limb, limbs> a = sum_;
        const bool negative = (a[limbs - 1] >> 63U) != 0;
        if (negative) {
            mpn_neg(a.data(), a.data(), limbs);
        }
        mpz_t z;
        mpz_init(z);
        mpz_import(z, limbs, -1, sizeof(limb), 0, 0, a.data());
        if (negative) {
            mpz_neg(z, z);
        }
        mpfr_t s;
        mpfr_t e;
        mpfr_init2(s, limbs * 64 + 8);
        mpfr_init2(e, 64);
        mpfr_set_z_2exp(s, z, unit_log2, MPFR_RNDN);  // exact
        // bound_ (units of 2^-256, rounded to nearest as it was summed) + one unit per term.
        const double b = bound_ * (1 + 0x1p-40) + static_cast<double>(terms_) * 0x1p-128 * (1 + 0x1p-40);
        mpfr_set_d(e, b, MPFR_RNDU);
        mpfr_mul_2si(e, e, -256, MPFR_RNDU);
        mpfr_sub(lo, s, e, MPFR_RNDD);
        mpfr_add(hi, s, e, MPFR_RNDU);
        mpfr_clear(e);
        mpfr_clear(s);
        mpz_clear(z);
    }

private:
    /// Adds (or subtracts) m[0..len) 2^shift units.
    void add_shifted(const limb* m, int len, int shift, bool subtract) {
        std::array<limb, limbs> t{};
        if (shift >= 0) {
            const int o = shift / 64;
            const auto b = static_cast<unsigned>(shift % 64);
            if (o + len + 1 > limbs) {
                invalid_ = true;  // beyond the sum's range (inputs above about 2^100)
                return;
            }
            if (b == 0) {
                std::memcpy(t.data() + o, m, sizeof(limb) * static_cast<std::size_t>(len));
            } else {
                t[static_cast<std::size_t>(o + len)] = mpn_lshift(t.data() + o, m, len, b);
            }
        } else {
            const int o = -shift / 64;
            const auto b = static_cast<unsigned>(-shift % 64);
            if (o >= len) {
                return;  // below the unit: truncated (counted in the bound)
            }
            if (b == 0) {
                std::memcpy(t.data(), m + o, sizeof(limb) * static_cast<std::size_t>(len - o));
            } else {
                mpn_rshift(t.data(), m + o, len - o, b);
            }
        }
        if (subtract) {
            mpn_sub_n(sum_.data(), sum_.data(), t.data(), limbs);
        } else {
            mpn_add_n(sum_.data(), sum_.data(), t.data(), limbs);
        }
    }

    /// x = M 2^ex with M < 2^53 an integer (x finite, >= 0).
    static void split(double x, std::uint64_t& mant, int& ex) {
        int e = 0;
        const double m = std::frexp(x, &e);
        mant = static_cast<std::uint64_t>(std::ldexp(m, 53));
        ex = e - 53;
    }

    /// Adds sign * p * L, L a num (value 2^-256 N), exactly (up to the truncation below the unit).
    void add_product(double p, const detail::num& l, bool subtract) {
        detail::num a = l;
        bool negative = (a[detail::num_limbs - 1] >> 63U) != 0;
        if (negative) {
            mpn_neg(a.data(), a.data(), detail::num_limbs);
        }
        std::uint64_t mant = 0;
        int ex = 0;
        split(p, mant, ex);
        limb prod[detail::num_limbs + 1];
        prod[detail::num_limbs] = mpn_mul_1(prod, a.data(), detail::num_limbs, mant);
        // p L = prod 2^(ex - 256) = prod 2^(ex + 128) units.
        add_shifted(prod, detail::num_limbs + 1, ex + 128, subtract != negative);
    }

    void add_double(double x, bool subtract) {
        std::uint64_t mant = 0;
        int ex = 0;
        split(x, mant, ex);
        const limb m[1] = {mant};
        add_shifted(m, 1, ex + 384, subtract);
    }

    void term(double p, double q) {
        const bool p_ok = p >= 0 && p <= 0x1p100;  // false for NaN
        const bool q_ok = K == fast::kind::entropy || (q >= 0 && q <= 0x1p100);
        if (!p_ok || !q_ok) {
            invalid_ = true;
            return;
        }
        ++terms_;
        if constexpr (K == fast::kind::entropy) {
            if (p > 0) {
                int e = 0;
                add_product(p, detail::log_fixed(p, e), true);
                bound_ += p * (std::abs(e) + 16);
            }
        } else if constexpr (K == fast::kind::cross_entropy) {
            if (p > 0) {
                if (q == 0) {
                    infinite_ = true;
                    return;
                }
                int e = 0;
                add_product(p, detail::log_fixed(q, e), true);
                bound_ += p * (std::abs(e) + 16);
            }
        } else {
            if (p > 0) {
                if (q == 0) {
                    infinite_ = true;
                    return;
                }
                int ep = 0;
                int eq = 0;
                detail::num d = detail::log_fixed(p, ep);
                const detail::num lq = detail::log_fixed(q, eq);
                mpn_sub_n(d.data(), d.data(), lq.data(), detail::num_limbs);
                add_product(p, d, false);
                bound_ += p * (std::abs(ep) + std::abs(eq) + 32);
            }
            if constexpr (K == fast::kind::generalized_kl) {
                add_double(p, true);
                add_double(q, false);
                mass_ += p + q;
                terms_ += 2;
            }
        }
    }

    // |p log x| <= p (|e| + 1) for x = 2^e m, so each increment of bound_ (p (|e| + 16), or with both
    // exponents for KL) also bounds its term's size, and mass_ bounds generalized KL's -p + q: every
    // partial sum is at most bound_ + mass_ in magnitude (summed in binary64: within a factor
    // 1 + n 2^-53 of exact). Below 2^125 that leaves a factor 4 to the two's complement range, 2^127.
    static constexpr double max_magnitude = 0x1p125;

    std::array<limb, limbs> sum_{};
    double bound_ = 0;  // units of 2^-256
    double mass_ = 0;  // sum of p + q (generalized KL's mass terms)
    std::size_t terms_ = 0;
    bool invalid_ = false;
    bool infinite_ = false;
};

}  // namespace shannon::exact::fixed

SHANNON_FP_CONTRACT_RESTORE
