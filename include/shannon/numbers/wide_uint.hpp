// shannon/numbers/wide_uint.hpp — a fixed-width unsigned integer for the mantissas of dyadic numbers.
//
// dyadic<P> (dyadic.hpp) needs the products, aligned sums and shifted quotients of P-bit mantissas,
// exactly and in constant expressions. Boost's cpp_int does that, but its header costs every
// translation unit that includes <shannon/shannon.hpp> about two seconds of compilation (four times
// a bare <vector> + <cmath> one) for a dozen operations; this is those operations and nothing else.
// Arithmetic is modulo 2^Bits (as cpp_int's unchecked backend is): dyadic sizes the type so that no
// operation it performs wraps.
//
// Limbs are 64 bits, least significant first. Products use the compiler's 128-bit integer where it
// has one (GCC and Clang on 64-bit targets) and 32-bit halves otherwise; division is Knuth's
// algorithm D on 32-bit digits (TAOCP vol. 2, 4.3.1), with a one-digit path for the small divisors
// of the series in dyadic.hpp. Every loop stops at the highest non-zero limb, so small values cost
// little whatever Bits is.
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <concepts>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace shannon::detail {

#if defined(__SIZEOF_INT128__)
__extension__ using uint128_t = unsigned __int128;
#endif

/// The 128-bit product a * b as {high, low} limbs.
struct limb_product {
    std::uint64_t hi;
    std::uint64_t lo;
};
[[nodiscard]] constexpr limb_product multiply_limbs(std::uint64_t a, std::uint64_t b) noexcept {
#if defined(__SIZEOF_INT128__)
    const uint128_t p = static_cast<uint128_t>(a) * b;
    return {static_cast<std::uint64_t>(p >> 64U), static_cast<std::uint64_t>(p)};
#else
    constexpr std::uint64_t low32 = 0xffffffffULL;
    const std::uint64_t a0 = a & low32;
    const std::uint64_t a1 = a >> 32U;
    const std::uint64_t b0 = b & low32;
    const std::uint64_t b1 = b >> 32U;
    const std::uint64_t p00 = a0 * b0;
    const std::uint64_t p01 = a0 * b1;
    const std::uint64_t p10 = a1 * b0;
    const std::uint64_t mid = (p00 >> 32U) + (p01 & low32) + (p10 & low32);
    return {a1 * b1 + (p01 >> 32U) + (p10 >> 32U) + (mid >> 32U), (mid << 32U) | (p00 & low32)};
#endif
}

/// An unsigned integer of Bits bits, arithmetic modulo 2^Bits. A literal type.
template <unsigned Bits>
class wide_uint {
    static_assert(Bits >= 64, "wide_uint holds at least one limb");

public:
    /// The number of 64-bit limbs.
    static constexpr unsigned limbs = (Bits + 63) / 64;

    /// Zero.
    constexpr wide_uint() noexcept = default;
    /// The value of a non-negative built-in integer (implicit: wide_uint mixes with literals).
    template <std::integral I>
    constexpr wide_uint(I v) noexcept {  // NOLINT(google-explicit-constructor)
        w_[0] = static_cast<std::uint64_t>(v);
    }

    /// The lowest 64 bits, converted to I (the value must fit I).
    template <std::integral I>
    constexpr explicit operator I() const noexcept {
        return static_cast<I>(w_[0]);
    }
    /// The limb at index i (least significant first).
    [[nodiscard]] constexpr std::uint64_t limb(unsigned i) const noexcept { return w_[i]; }

    /// The number of limbs up to the highest non-zero one (0 for zero).
    [[nodiscard]] constexpr unsigned used() const noexcept {
        unsigned n = limbs;
        while (n > 0 && w_[n - 1] == 0) {
            --n;
        }
        return n;
    }
    /// The index of the highest set bit of a non-zero value.
    [[nodiscard]] constexpr unsigned msb() const noexcept {
        const unsigned n = used();
        return (n - 1) * 64 + 63 - static_cast<unsigned>(std::countl_zero(w_[n - 1]));
    }
    /// The index of the lowest set bit of a non-zero value.
    [[nodiscard]] constexpr unsigned lsb() const noexcept {
        unsigned i = 0;
        while (w_[i] == 0) {
            ++i;
        }
        return i * 64 + static_cast<unsigned>(std::countr_zero(w_[i]));
    }

    friend constexpr bool operator==(const wide_uint& a, const wide_uint& b) noexcept { return a.w_ == b.w_; }
    friend constexpr std::strong_ordering operator<=>(const wide_uint& a, const wide_uint& b) noexcept {
        for (unsigned i = limbs; i-- > 0;) {
            if (a.w_[i] != b.w_[i]) {
                return a.w_[i] <=> b.w_[i];
            }
        }
        return std::strong_ordering::equal;
    }

    friend constexpr wide_uint operator+(const wide_uint& a, const wide_uint& b) noexcept {
        wide_uint r;
        std::uint64_t carry = 0;
        for (unsigned i = 0; i < limbs; ++i) {
            const std::uint64_t s = a.w_[i] + carry;
            carry = s < carry ? 1 : 0;
            r.w_[i] = s + b.w_[i];
            carry += r.w_[i] < s ? 1 : 0;
        }
        r.mask();
        return r;
    }
    friend constexpr wide_uint operator-(const wide_uint& a, const wide_uint& b) noexcept {
        wide_uint r;
        std::uint64_t borrow = 0;
        for (unsigned i = 0; i < limbs; ++i) {
            const std::uint64_t d = a.w_[i] - b.w_[i];
            const std::uint64_t out = (a.w_[i] < b.w_[i] ? 1 : 0) + (d < borrow ? 1 : 0);
            r.w_[i] = d - borrow;
            borrow = out;
        }
        r.mask();
        return r;
    }
    constexpr wide_uint& operator++() noexcept {
        for (unsigned i = 0; i < limbs && ++w_[i] == 0; ++i) {
        }
        mask();
        return *this;
    }

    /// The product modulo 2^Bits.
    friend constexpr wide_uint operator*(const wide_uint& a, const wide_uint& b) noexcept {
        wide_uint r;
        const unsigned na = a.used();
        const unsigned nb = b.used();
        for (unsigned i = 0; i < na; ++i) {
            std::uint64_t carry = 0;
            unsigned j = 0;
            for (; j < nb && i + j < limbs; ++j) {
                // r + a b + carry < 2^128: the new carry fits a limb.
                const limb_product p = multiply_limbs(a.w_[i], b.w_[j]);
                std::uint64_t t = r.w_[i + j] + p.lo;
                std::uint64_t c = t < p.lo ? 1 : 0;
                t += carry;
                c += t < carry ? 1 : 0;
                r.w_[i + j] = t;
                carry = p.hi + c;
            }
            if (i + j < limbs) {
                r.w_[i + j] = carry;
            }
        }
        r.mask();
        return r;
    }

    /// The quotient rounded toward zero; b must not be zero.
    friend constexpr wide_uint operator/(const wide_uint& a, const wide_uint& b) { return divide(a, b, nullptr); }
    /// The remainder; b must not be zero.
    friend constexpr wide_uint operator%(const wide_uint& a, const wide_uint& b) {
        wide_uint rem;
        divide(a, b, &rem);
        return rem;
    }

    friend constexpr wide_uint operator&(const wide_uint& a, const wide_uint& b) noexcept {
        wide_uint r;
        for (unsigned i = 0; i < limbs; ++i) {
            r.w_[i] = a.w_[i] & b.w_[i];
        }
        return r;
    }

    friend constexpr wide_uint operator<<(const wide_uint& a, unsigned s) noexcept {
        wide_uint r;
        if (s >= limbs * 64) {
            return r;
        }
        const unsigned whole = s / 64;
        const unsigned bits = s % 64;
        for (unsigned i = limbs; i-- > whole;) {
            std::uint64_t v = a.w_[i - whole] << bits;
            if (bits != 0 && i > whole) {
                v |= a.w_[i - whole - 1] >> (64 - bits);
            }
            r.w_[i] = v;
        }
        r.mask();
        return r;
    }
    friend constexpr wide_uint operator>>(const wide_uint& a, unsigned s) noexcept {
        wide_uint r;
        if (s >= limbs * 64) {
            return r;
        }
        const unsigned whole = s / 64;
        const unsigned bits = s % 64;
        for (unsigned i = 0; i + whole < limbs; ++i) {
            std::uint64_t v = a.w_[i + whole] >> bits;
            if (bits != 0 && i + whole + 1 < limbs) {
                v |= a.w_[i + whole + 1] << (64 - bits);
            }
            r.w_[i] = v;
        }
        return r;
    }
    constexpr wide_uint& operator<<=(unsigned s) noexcept { return *this = *this << s; }
    constexpr wide_uint& operator>>=(unsigned s) noexcept { return *this = *this >> s; }

    /// The decimal digits.
    [[nodiscard]] std::string str() const {
        if (used() == 0) {
            return "0";
        }
        std::string out;
        wide_uint v = *this;
        constexpr std::uint64_t chunk = 1000000000ULL;  // nine digits per division
        while (v.used() != 0) {
            wide_uint rem;
            v = divide(v, wide_uint(chunk), &rem);
            auto r = rem.w_[0];
            for (int k = 0; k < 9 && (v.used() != 0 || r != 0); ++k) {
                out.insert(out.begin(), static_cast<char>('0' + r % 10));
                r /= 10;
            }
        }
        return out;
    }

private:
    /// Clears the bits above Bits.
    constexpr void mask() noexcept {
        if constexpr (Bits % 64 != 0) {
            w_[limbs - 1] &= (std::uint64_t{1} << (Bits % 64)) - 1;
        }
    }

    /// a / b, and a % b in *rem when rem is not null.
    static constexpr wide_uint divide(const wide_uint& a, const wide_uint& b, wide_uint* rem) {
        constexpr unsigned digits = 2 * limbs;  // 32-bit digits
        constexpr std::uint64_t base = std::uint64_t{1} << 32U;
        std::array<std::uint32_t, digits> u{};
        std::array<std::uint32_t, digits> v{};
        for (unsigned i = 0; i < limbs; ++i) {
            u[2 * i] = static_cast<std::uint32_t>(a.w_[i]);
            u[2 * i + 1] = static_cast<std::uint32_t>(a.w_[i] >> 32U);
            v[2 * i] = static_cast<std::uint32_t>(b.w_[i]);
            v[2 * i + 1] = static_cast<std::uint32_t>(b.w_[i] >> 32U);
        }
        unsigned m = digits;
        while (m > 0 && u[m - 1] == 0) {
            --m;
        }
        unsigned n = digits;
        while (n > 0 && v[n - 1] == 0) {
            --n;
        }
        std::array<std::uint32_t, digits> q{};
        std::array<std::uint32_t, digits> r{};
        if (n == 0) {
            throw std::domain_error("shannon::wide_uint: division by zero");
        }
        if (m < n) {
            r = u;
        } else if (n == 1) {
            // One digit: the long division of school.
            std::uint64_t k = 0;
            for (unsigned i = m; i-- > 0;) {
                const std::uint64_t cur = (k << 32U) | u[i];
                q[i] = static_cast<std::uint32_t>(cur / v[0]);
                k = cur % v[0];
            }
            r[0] = static_cast<std::uint32_t>(k);
        } else {
            // Algorithm D: normalize so that v's top digit has its high bit set.
            const auto s = static_cast<unsigned>(std::countl_zero(v[n - 1]));
            std::array<std::uint32_t, digits> vn{};
            std::array<std::uint32_t, digits + 1> un{};
            for (unsigned i = n - 1; i > 0; --i) {
                vn[i] = static_cast<std::uint32_t>((v[i] << s) | (s != 0 ? (static_cast<std::uint64_t>(v[i - 1]) >> (32 - s)) : 0));
            }
            vn[0] = v[0] << s;
            un[m] = s != 0 ? static_cast<std::uint32_t>(static_cast<std::uint64_t>(u[m - 1]) >> (32 - s)) : 0;
            for (unsigned i = m - 1; i > 0; --i) {
                un[i] = static_cast<std::uint32_t>((u[i] << s) | (s != 0 ? (static_cast<std::uint64_t>(u[i - 1]) >> (32 - s)) : 0));
            }
            un[0] = u[0] << s;
            for (unsigned j = m - n + 1; j-- > 0;) {
                // Estimate the quotient digit from the top two digits, correct it at most twice.
                const std::uint64_t top = (static_cast<std::uint64_t>(un[j + n]) << 32U) | un[j + n - 1];
                std::uint64_t qhat = top / vn[n - 1];
                std::uint64_t rhat = top % vn[n - 1];
                while (qhat >= base || qhat * vn[n - 2] > ((rhat << 32U) | un[j + n - 2])) {
                    --qhat;
                    rhat += vn[n - 1];
                    if (rhat >= base) {
                        break;
                    }
                }
                // Multiply and subtract.
                std::uint64_t borrow = 0;
                std::uint64_t carry = 0;
                for (unsigned i = 0; i < n; ++i) {
                    const std::uint64_t p = qhat * vn[i] + carry;
                    carry = p >> 32U;
                    const std::uint64_t sub = static_cast<std::uint64_t>(un[i + j]) - (p & 0xffffffffULL) - borrow;
                    un[i + j] = static_cast<std::uint32_t>(sub);
                    borrow = (sub >> 32U) != 0 ? 1 : 0;
                }
                const std::uint64_t sub = static_cast<std::uint64_t>(un[j + n]) - carry - borrow;
                un[j + n] = static_cast<std::uint32_t>(sub);
                if ((sub >> 32U) != 0) {
                    // Subtracted once too often: add v back.
                    --qhat;
                    std::uint64_t c = 0;
                    for (unsigned i = 0; i < n; ++i) {
                        const std::uint64_t t = static_cast<std::uint64_t>(un[i + j]) + vn[i] + c;
                        un[i + j] = static_cast<std::uint32_t>(t);
                        c = t >> 32U;
                    }
                    un[j + n] = static_cast<std::uint32_t>(un[j + n] + c);
                }
                q[j] = static_cast<std::uint32_t>(qhat);
            }
            if (rem != nullptr) {
                for (unsigned i = 0; i < n; ++i) {
                    r[i] = static_cast<std::uint32_t>((un[i] >> s) | (s != 0 ? (static_cast<std::uint64_t>(un[i + 1]) << (32 - s)) : 0));
                }
            }
        }
        if (rem != nullptr) {
            *rem = from_digits(r);
        }
        return from_digits(q);
    }

    static constexpr wide_uint from_digits(const std::array<std::uint32_t, 2 * limbs>& d) noexcept {
        wide_uint r;
        for (unsigned i = 0; i < limbs; ++i) {
            r.w_[i] = d[2 * i] | (static_cast<std::uint64_t>(d[2 * i + 1]) << 32U);
        }
        return r;
    }

    std::array<std::uint64_t, limbs> w_{};
};

}  // namespace shannon::detail
