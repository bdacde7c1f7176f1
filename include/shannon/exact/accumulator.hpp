// shannon/exact/accumulator.hpp — the exact value of a sum over data seen in parts: each part's
// value enclosed by the oracle, the ends of the enclosures added exactly, mergeable in any order and
// any tree, serializable.
//
//   exact::accumulator a("kl_divergence");                 // or {name, accumulation::mean, sums, bits}
//   a.add(kl, p_part, q_part);                             // for each part, wherever it is
//   a.merge(b);                                            // b: another part's accumulator
//   std::string state = a.to_bytes();                      // to send; accumulator::from_bytes(state)
//   exact::rounded r = a.round(exact::format::binary64);   // the whole's value, correctly rounded
//
// Why the result does not depend on the split: the state holds exact sums (dyadic numbers m 2^e
// with GMP integers), of the lower ends and of the upper ends of the parts' enclosures, and of the
// exact input sums the caller adds (a mean's denominator, the masses of distributions). Integer
// addition is associative, so merging in any order or tree gives the same state for the same parts,
// and an enclosure of the whole's exact value; a correctly rounded value is unique, so whenever the
// enclosure decides the rounding, every split that decides it gives the same bits. Splits that
// differ give different part enclosures, so the width differs, and one split may leave undetermined
// what another decides: round() says so (`determined` false) and the caller accumulates again at
// a higher precision (bits), as shannon.dask does. It never guesses.
//
// Normalized distributions (accumulation::normalized): the parts are unnormalized sums, S = the
// sum over all parts of p log(p/q) (or -p log q, -p log p) in nats, and the caller adds the masses
// P = sum p, Q = sum q as exact sums; the value of the normalized distributions is then
// (S / P + log(Q / P)) / log(base) (or log Q, log P): exact P and Q, so exact whatever the split.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gmp.h>
#include <mpfi.h>
#include <mpfr.h>

#include "../detail/helper_thread.hpp"
#include "general.hpp"
#include "round.hpp"

namespace shannon::exact {

namespace detail {

/// An exact dyadic number m 2^e, m a GMP integer: odd, or zero with e = 0 (one representation per value).
class dyadic_sum {
public:
    dyadic_sum() { mpz_init(m_); }
    dyadic_sum(const dyadic_sum& o) : e_(o.e_) { mpz_init_set(m_, o.m_); }
    dyadic_sum& operator=(const dyadic_sum& o) {
        if (this != &o) {
            mpz_set(m_, o.m_);
            e_ = o.e_;
        }
        return *this;
    }
    ~dyadic_sum() { mpz_clear(m_); }

    /// Adds the finite MPFR number x exactly.
    void add(mpfr_srcptr x) {
        if (mpfr_zero_p(x)) {
            return;
        }
        dyadic_sum t;
        t.e_ = mpfr_get_z_2exp(t.m_, x);
        t.normalize();
        add(t);
    }
    void add(double x) {
        mpfr_t t;
        mpfr_init2(t, 53);
        mpfr_set_d(t, x, MPFR_RNDN);  // exact
        add(t);
        mpfr_clear(t);
    }
    void add(const dyadic_sum& o) {
        if (mpz_sgn(o.m_) == 0) {
            return;
        }
        if (mpz_sgn(m_) == 0) {
            *this = o;
            return;
        }
        check_span(e_, o.e_);
        const long e = std::min(e_, o.e_);
        mpz_t a;
        mpz_init(a);
        mpz_mul_2exp(m_, m_, static_cast<mp_bitcnt_t>(e_ - e));
        mpz_mul_2exp(a, o.m_, static_cast<mp_bitcnt_t>(o.e_ - e));
        mpz_add(m_, m_, a);
        mpz_clear(a);
        e_ = e;
        normalize();
    }
    [[nodiscard]] int sign() const { return mpz_sgn(m_); }
    /// Bits of the integer m (0 for zero).
    [[nodiscard]] std::size_t size_bits() const { return mpz_sgn(m_) == 0 ? 0 : mpz_sizeinbase(m_, 2); }
    /// The value, exactly when x has size_bits() bits or more, else rounded in `rnd`.
    void get(mpfr_ptr x, mpfr_rnd_t rnd) const { mpfr_set_z_2exp(x, m_, e_, rnd); }
    [[nodiscard]] int compare(const dyadic_sum& o) const {
        dyadic_sum d = o;
        mpz_neg(d.m_, d.m_);
        d.add(*this);
        return d.sign();
    }

    void write(std::string& out) const;
    /// Reads what write() wrote at `at`, advancing it; throws std::invalid_argument for anything else.
    void read(std::string_view in, std::size_t& at);

private:
    void normalize() {
        if (mpz_sgn(m_) == 0) {
            e_ = 0;
            return;
        }
        const mp_bitcnt_t z = mpz_scan1(m_, 0);
        mpz_tdiv_q_2exp(m_, m_, z);
        e_ += static_cast<long>(z);
    }
    /// Parts whose values lie more than 2^20 binary orders of magnitude apart would make the exact
    /// sum that many bits long: refused (binary64 data gives spans of a few thousand).
    static void check_span(long a, long b) {
        if (std::max(a, b) - std::min(a, b) > (1L << 20)) {
            throw std::range_error("shannon::exact::accumulator: the parts' values lie more than 2^20 binary orders of "
                                   "magnitude apart; their exact sum would not fit in reasonable memory");
        }
    }
    mpz_t m_;
    long e_ = 0;
};

[[noreturn]] inline void bad_state(const std::string& why) {
    throw std::invalid_argument("shannon::exact::accumulator::from_bytes: " + why);
}

/// Little-endian unsigned integers (std::uint32_t, std::uint64_t) for the accumulator's bytes.
template <class U>
void put_le(std::string& out, U v) {
    for (std::size_t i = 0; i < sizeof(U); ++i) {
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xffU));
    }
}
template <class U>
U get_le(std::string_view in, std::size_t& at) {
    if (at > in.size() || in.size() - at < sizeof(U)) {
        bad_state("the state is truncated at byte " + std::to_string(in.size()));
    }
    U v = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i) {
        v |= static_cast<U>(static_cast<unsigned char>(in[at + i])) << (8 * i);
    }
    at += sizeof(U);
    return v;
}
inline void put_u64(std::string& out, std::uint64_t v) { put_le(out, v); }
inline void put_u32(std::string& out, std::uint32_t v) { put_le(out, v); }
inline std::uint64_t get_u64(std::string_view in, std::size_t& at) { return get_le<std::uint64_t>(in, at); }
inline std::uint32_t get_u32(std::string_view in, std::size_t& at) { return get_le<std::uint32_t>(in, at); }

/// FNV-1a, 64 bits: detects corruption (not tampering: the state is not signed).
inline std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

inline void dyadic_sum::write(std::string& out) const {
    put_u32(out, static_cast<std::uint32_t>(mpz_sgn(m_) + 1));  // 0 negative, 1 zero, 2 positive
    put_u64(out, static_cast<std::uint64_t>(e_));
    const std::size_t n = mpz_sgn(m_) == 0 ? 0 : (mpz_sizeinbase(m_, 2) + 7) / 8;
    put_u64(out, n);
    std::string bytes(n, '\0');
    std::size_t count = 0;
    if (n > 0) {
        mpz_export(bytes.data(), &count, -1, 1, -1, 0, m_);  // |m|, least significant byte first
    }
    out += bytes;
}

inline void dyadic_sum::read(std::string_view in, std::size_t& at) {
    const std::uint32_t s = get_u32(in, at);
    const auto e = static_cast<long>(get_u64(in, at));
    const std::uint64_t n = get_u64(in, at);
    if (s > 2 || n > in.size() - at) {
        bad_state("a malformed number at byte " + std::to_string(at));
    }
    mpz_import(m_, n, -1, 1, -1, 0, in.data() + at);
    at += n;
    if (s == 0) {
        mpz_neg(m_, m_);
    }
    e_ = e;
    dyadic_sum check = *this;
    check.normalize();
    if (mpz_sgn(m_) + 1 != static_cast<int>(s) || check.e_ != e_ || (n > 0 && mpz_sizeinbase(m_, 2) <= 8 * (n - 1))) {
        bad_state("a number not in its one representation at byte " + std::to_string(at));
    }
}

}  // namespace detail

/// How the whole's value is formed from the exact sums: the sum of the parts' values, or that sum
/// divided by the exact sum number 0 (a mean: the number of samples, or the sum of their weights),
/// or a value of normalized distributions (normalized_form).
enum class accumulation : std::uint32_t { sum = 0, mean = 1, normalized = 2 };

/// For accumulation::normalized: the whole's value is (S / M0 + log(M[plus] / M[minus])) / log(base),
/// S the sum of the parts' values (in nats), M[i] the exact sum number i (M0: the mass of p; -1 for
/// plus or minus: the factor 1). Entropy: plus 0; cross-entropy: plus 1 (Q); KL: plus 1, minus 0.
struct normalized_form {
    std::int32_t plus = -1;   ///< the exact sum whose logarithm is added (-1: none)
    std::int32_t minus = -1;  ///< the exact sum whose logarithm is subtracted (-1: none)
    double base = 0;          ///< the logarithm's base: 0 for e (nats), else a finite base > 0, != 1
};

/// The exact value of a quantity that is a sum over data seen in parts (see the file's comment).
/// Not synchronized: one accumulator per thread, merged at the end.
class accumulator {
public:
    /// The version of to_bytes()'s format; from_bytes() reads this one and refuses the others.
    /// (Version 2 added accumulation::normalized; version 1 states are read as they were written.)
    static constexpr std::uint32_t format_version = 2;

    /// `name` identifies the quantity and its options (merge and from_bytes check it); `sums`: how
    /// many exact input sums the caller keeps (at least one for a mean); `bits`: the precision of the
    /// parts' enclosures, 0 for the fast paths (the fixed-point and double-double ones, about 75 and
    /// 24 digits, else 128 bits).
    explicit accumulator(std::string name, accumulation how = accumulation::sum, std::size_t sums = 0, unsigned bits = 0,
                         normalized_form form = {})
        : name_(std::move(name)), how_(how), sums_(std::max<std::size_t>(sums, how == accumulation::sum ? 0 : 1)),
          bits_(bits), form_(form) {
        if (bits != 0 && (bits < 64 || bits > (1U << 20))) {
            throw std::invalid_argument("shannon::exact::accumulator: bits must be 0 (the fast paths) or in [64, 2^20], not " +
                                        std::to_string(bits));
        }
        if (sums_.size() > 64) {
            throw std::invalid_argument("shannon::exact::accumulator: at most 64 exact sums, not " + std::to_string(sums));
        }
        if (how == accumulation::normalized) {
            const auto n = static_cast<std::int32_t>(sums_.size());
            if (form.plus < -1 || form.plus >= n || form.minus < -1 || form.minus >= n) {
                throw std::invalid_argument("shannon::exact::accumulator: normalized_form's plus and minus must be -1 or the "
                                            "number of an exact sum (0 to " + std::to_string(n - 1) + "), not " +
                                            std::to_string(form.plus) + " and " + std::to_string(form.minus));
            }
            if (!(form.base == 0 || (std::isfinite(form.base) && form.base > 0 && form.base != 1))) {
                throw std::invalid_argument("shannon::exact::accumulator: normalized_form's base must be 0 (e) or a finite "
                                            "number > 0 other than 1, not " + std::to_string(form.base));
            }
        } else {
            form_ = {};
        }
    }

    /// The quantity and its options, as given to the constructor.
    [[nodiscard]] const std::string& name() const { return name_; }
    /// A sum, a mean over the exact sum number 0, or a value of normalized distributions.
    [[nodiscard]] accumulation how() const { return how_; }
    /// For accumulation::normalized, how the value is formed from the exact sums.
    [[nodiscard]] normalized_form form() const { return form_; }
    /// The precision of the parts' enclosures (0: the fast paths).
    [[nodiscard]] unsigned bits() const { return bits_; }
    /// The number of parts added (merged states included).
    [[nodiscard]] std::uint64_t parts() const { return parts_; }

    /// Adds the exact value of quantity(args...), one part's value (its sum, for a mean).
    template <class Quantity, class... Args>
    void add(const Quantity& quantity, const Args&... args) {
        if (bits_ == 0) {
            // The double-double kernels of entropy, cross-entropy and KL (nanoseconds per term), then
            // the fixed-point and ball paths (exact::enclose_fast), then 128-bit intervals.
            detail::thread_setup();
            std::optional<std::pair<real, real>> e = detail::try_fast_enclosure<Quantity>(settings{}, args...);
            if (!e) {
                e = exact::enclose_fast(quantity, args...);
            }
            if (e) {
                add_enclosure(e->first, e->second);
                return;
            }
        }
        const std::pair<real, real> e = exact::enclose(bits_ == 0 ? 128U : bits_, quantity, args...);
        add_enclosure(e.first, e.second);
    }

    /// Adds a part whose exact value lies in [lo, hi] (NaN ends: the part's value is NaN).
    void add_enclosure(const real& lo, const real& hi) { add_enclosure(lo.backend().data(), hi.backend().data()); }
    /// add_enclosure() on MPFR numbers.
    void add_enclosure(mpfr_srcptr lo, mpfr_srcptr hi) {
        ++parts_;
        if (mpfr_nan_p(lo) || mpfr_nan_p(hi)) {
            flags_ |= nan_flag;
        } else if (mpfr_inf_p(lo) && mpfr_sgn(lo) > 0) {
            flags_ |= plus_inf_flag;  // [+inf, +inf]: the part is +inf
        } else if (mpfr_inf_p(hi) && mpfr_sgn(hi) < 0) {
            flags_ |= minus_inf_flag;
        } else {
            if (mpfr_inf_p(lo)) {
                flags_ |= lo_unbounded_flag;
            } else {
                lo_.add(lo);
            }
            if (mpfr_inf_p(hi)) {
                flags_ |= hi_unbounded_flag;
            } else {
                hi_.add(hi);
            }
        }
    }

    /// Adds x exactly to the exact sum number i (for a mean, sum 0 is the denominator).
    void add_exact(std::size_t i, double x) {
        if (std::isnan(x) || std::isinf(x)) {
            throw std::invalid_argument("shannon::exact::accumulator::add_exact: sum " + std::to_string(i) +
                                        " takes finite numbers, not " + std::to_string(x));
        }
        at(i).add(x);
    }
    /// Adds x[0..n) exactly to the exact sum number i: each x = M 2^e (|M| < 2^53, e >= -1074, read
    /// from its bits) is added into a 128-bit bin of its exponent (2^74 additions before one could
    /// overflow), and the bins into the sum at the end: under a nanosecond per number. Four lanes of
    /// bins take the numbers in turn, so that neighbours of one binade (the usual case: a probability
    /// vector) do not wait for each other's store; from 2^18 numbers, two threads take a half each.
    void add_exact(std::size_t i, const double* x, std::size_t n) {
        detail::dyadic_sum& s = at(i);
        std::vector<i128> bins(lanes * bin_count, 0);
        std::size_t bad = n;
        if (n >= (std::size_t{1} << 18U) && fast::detail::may_split()) {
            std::vector<i128> other(lanes * bin_count, 0);
            std::size_t bad_other = n;
            const std::size_t half = n / 2;
            fast::detail::on_two_threads([&] { bad_other = bin_doubles(x + half, n - half, other.data()); },
                                         [&] { bad = bin_doubles(x, half, bins.data()); });
            if (bad == half) {  // the first half is finite: the first bad number, if any, is in the second
                bad = half + bad_other;
            }
            for (std::size_t b = 0; b < bins.size(); ++b) {
                bins[b] += other[b];  // each lane bin of a half holds under 2^73 in magnitude: no overflow
            }
        } else {
            bad = bin_doubles(x, n, bins.data());
        }
        if (bad < n) {
            add_exact(i, x[bad]);  // NaN or an infinity: throws, naming the value (nothing was added)
        }
        mpfr_t t;
        mpfr_init2(t, 128);
        mpz_t z;
        mpz_init(z);
        for (std::size_t b = 0; b < bin_count; ++b) {
            i128 v = 0;
            for (std::size_t l = 0; l < lanes; ++l) {
                v += bins[l * bin_count + b];  // under 2^74 in magnitude in all: no overflow
            }
            if (v != 0) {
                const bool negative = v < 0;
                const auto mag = static_cast<u128>(negative ? -v : v);
                mpz_set_ui(z, static_cast<unsigned long>(mag >> 64U));
                mpz_mul_2exp(z, z, 64);
                mpz_add_ui(z, z, static_cast<unsigned long>(mag & 0xffffffffffffffffULL));
                if (negative) {
                    mpz_neg(z, z);
                }
                mpfr_set_z_2exp(t, z, static_cast<long>(b) - 1074, MPFR_RNDN);  // exact: 128 bits
                s.add(t);
            }
        }
        mpz_clear(z);
        mpfr_clear(t);
    }
    /// The exact sum number i, as an MPFR number of the precision it needs.
    [[nodiscard]] real exact_sum(std::size_t i) const {
        const detail::dyadic_sum& s = sums_.at(i);
        const auto p = static_cast<mpfr_prec_t>(std::max<std::size_t>(s.size_bits(), 64));
        const detail::bits_scope scope(static_cast<unsigned>(p));
        real out;
        mpfr_set_prec(out.backend().data(), p);
        s.get(out.backend().data(), MPFR_RNDN);  // exact
        return out;
    }
    /// How many exact sums the accumulator keeps.
    [[nodiscard]] std::size_t sums() const { return sums_.size(); }

    /// Adds another accumulator's state: of the same quantity, options and precision.
    void merge(const accumulator& o) {
        if (o.name_ != name_ || o.how_ != how_ || o.sums_.size() != sums_.size() || o.bits_ != bits_ ||
            o.form_.plus != form_.plus || o.form_.minus != form_.minus ||
            std::bit_cast<std::uint64_t>(o.form_.base) != std::bit_cast<std::uint64_t>(form_.base)) {
            throw std::invalid_argument("shannon::exact::accumulator::merge: the states are of different quantities or "
                                        "precisions ('" + name_ + "', " + std::to_string(bits_) + " bits and '" + o.name_ +
                                        "', " + std::to_string(o.bits_) + " bits)");
        }
        lo_.add(o.lo_);
        hi_.add(o.hi_);
        for (std::size_t i = 0; i < sums_.size(); ++i) {
            sums_[i].add(o.sums_[i]);
        }
        flags_ |= o.flags_;
        parts_ += o.parts_;
    }

    /// The state as bytes: a magic, the format version, the name, the exact sums and a checksum.
    [[nodiscard]] std::string to_bytes() const {
        std::string out(magic);
        detail::put_u32(out, format_version);
        detail::put_u64(out, name_.size());
        out += name_;
        detail::put_u32(out, static_cast<std::uint32_t>(how_));
        detail::put_u32(out, bits_);
        detail::put_u32(out, flags_);
        detail::put_u64(out, parts_);
        detail::put_u64(out, sums_.size());
        if (how_ == accumulation::normalized) {  // format version 2
            detail::put_u32(out, static_cast<std::uint32_t>(form_.plus));
            detail::put_u32(out, static_cast<std::uint32_t>(form_.minus));
            detail::put_u64(out, std::bit_cast<std::uint64_t>(form_.base));
        }
        lo_.write(out);
        hi_.write(out);
        for (const detail::dyadic_sum& s : sums_) {
            s.write(out);
        }
        detail::put_u64(out, detail::fnv1a(out));
        return out;
    }

    /// A state from to_bytes(); std::invalid_argument naming what is wrong for anything else (another
    /// format, another version, a truncated or corrupted state).
    [[nodiscard]] static accumulator from_bytes(std::string_view in) {
        if (in.size() < magic.size() || in.substr(0, magic.size()) != magic) {
            detail::bad_state("not a shannon accumulator state (it does not begin with \"SHANNON-ACC\")");
        }
        std::size_t at = magic.size();
        const std::uint32_t version = detail::get_u32(in, at);
        if (version != 1 && version != format_version) {
            detail::bad_state("a state of format version " + std::to_string(version) + "; this shannon reads versions 1 and " +
                              std::to_string(format_version));
        }
        if (in.size() < at + 8 || detail::fnv1a(in.substr(0, in.size() - 8)) != [&] {
                std::size_t end = in.size() - 8;
                return detail::get_u64(in, end);
            }()) {
            detail::bad_state("the state is corrupted (its checksum does not match its " + std::to_string(in.size()) +
                              " bytes)");
        }
        const std::string_view body = in.substr(0, in.size() - 8);
        const std::uint64_t name_size = detail::get_u64(body, at);
        if (name_size > body.size() - at) {
            detail::bad_state("the state is truncated (a name of " + std::to_string(name_size) + " bytes)");
        }
        std::string name(body.substr(at, name_size));
        at += name_size;
        const std::uint32_t how = detail::get_u32(body, at);
        const std::uint32_t bits = detail::get_u32(body, at);
        const std::uint32_t flags = detail::get_u32(body, at);
        const std::uint64_t parts = detail::get_u64(body, at);
        const std::uint64_t sums = detail::get_u64(body, at);
        if (how > (version == 1 ? 1U : 2U) || sums > 64 || (how != 0 && sums == 0) || (flags & ~all_flags) != 0) {
            detail::bad_state("malformed header fields");
        }
        normalized_form form;
        if (how == 2) {
            form.plus = static_cast<std::int32_t>(detail::get_u32(body, at));
            form.minus = static_cast<std::int32_t>(detail::get_u32(body, at));
            form.base = std::bit_cast<double>(detail::get_u64(body, at));
        }
        std::optional<accumulator> made;
        try {
            made.emplace(std::move(name), static_cast<accumulation>(how), sums, bits, form);
        } catch (const std::invalid_argument&) {
            detail::bad_state("malformed header fields");
        }
        accumulator& a = *made;
        a.flags_ = flags;
        a.parts_ = parts;
        a.lo_.read(body, at);
        a.hi_.read(body, at);
        for (detail::dyadic_sum& s : a.sums_) {
            s.read(body, at);
        }
        if (at != body.size()) {
            detail::bad_state(std::to_string(body.size() - at) + " bytes after the state");
        }
        if (a.lo_.compare(a.hi_) > 0) {
            detail::bad_state("the sum of the lower ends exceeds that of the upper ends");
        }
        return std::move(a);
    }

    /// An enclosure of the whole's exact value (NaN for an empty mean, or 0/0). For a normalized
    /// form, std::domain_error when a mass it divides by or takes the logarithm of is not > 0.
    [[nodiscard]] std::pair<real, real> enclose() const {
        check_masses();
        const mpfr_prec_t p = precision();
        const detail::bits_scope scope(static_cast<unsigned>(p));  // copies of `real` keep every bit
        mpfr_t l;
        mpfr_t h;
        mpfr_init2(l, p);
        mpfr_init2(h, p);
        const bool nan = (flags_ & nan_flag) != 0 || ((flags_ & plus_inf_flag) != 0 && (flags_ & minus_inf_flag) != 0);
        if (nan) {
            mpfr_set_nan(l);
            mpfr_set_nan(h);
        } else if ((flags_ & (plus_inf_flag | minus_inf_flag)) != 0) {
            const int s = (flags_ & plus_inf_flag) != 0 ? 1 : -1;
            mpfr_set_inf(l, s);
            mpfr_set_inf(h, s);
        } else {
            lo_.get(l, MPFR_RNDD);  // exact: p holds every bit
            hi_.get(h, MPFR_RNDU);
            if ((flags_ & lo_unbounded_flag) != 0) {
                mpfr_set_inf(l, -1);
            }
            if ((flags_ & hi_unbounded_flag) != 0) {
                mpfr_set_inf(h, 1);
            }
        }
        if (how_ == accumulation::mean && !nan) {
            mpfr_t d;
            mpfr_init2(d, p);
            sums_[0].get(d, MPFR_RNDN);  // exact
            if (mpfr_zero_p(d)) {  // an empty mean (every sample ignored): 0/0, NaN as in PyTorch
                mpfr_set_nan(l);
                mpfr_set_nan(h);
            } else if (mpfr_sgn(d) > 0) {
                mpfr_div(l, l, d, MPFR_RNDD);
                mpfr_div(h, h, d, MPFR_RNDU);
            } else {  // a negative total weight swaps the ends
                mpfr_swap(l, h);
                mpfr_div(l, l, d, MPFR_RNDD);
                mpfr_div(h, h, d, MPFR_RNDU);
            }
            mpfr_clear(d);
        }
        if (how_ == accumulation::normalized && !nan) {
            normalize(l, h, p);
        }
        std::pair<real, real> out;
        mpfr_set_prec(out.first.backend().data(), p);
        mpfr_set_prec(out.second.backend().data(), p);
        mpfr_set(out.first.backend().data(), l, MPFR_RNDD);  // exact: same precision
        mpfr_set(out.second.backend().data(), h, MPFR_RNDU);
        mpfr_clear(l);
        mpfr_clear(h);
        return out;
    }

    /// The whole's exact value rounded to nearest (ties to even) in the format, when the enclosure
    /// decides it; else `determined` is false (accumulate again with more bits).
    [[nodiscard]] rounded round(format f) const {
        const interval r = as_interval();
        if (const std::optional<rounded> out = detail::decide(r, f, static_cast<unsigned>(precision()))) {
            return *out;
        }
        return detail::undetermined(r, f, static_cast<unsigned>(precision()));
    }

    /// n correct significant digits, or a string beginning "undetermined" when the enclosure is too
    /// wide for them.
    [[nodiscard]] std::string digits(unsigned n) const {
        detail::check_digits(n);
        const interval r = as_interval();
        if (std::optional<std::string> out = detail::decide_digits(r, n, static_cast<unsigned>(precision()))) {
            return *out;
        }
        return detail::undetermined_digits(r, n, static_cast<unsigned>(precision()));
    }

private:
    __extension__ typedef __int128 i128;  // GCC and Clang; __extension__ keeps -Wpedantic quiet
    __extension__ typedef unsigned __int128 u128;
    static constexpr std::size_t lanes = 4;
    static constexpr std::size_t bin_count = 2046;  // exponents -1074 .. 971 of the integer significand's unit

    /// Adds x[0..n) into the lanes of bins (lanes * bin_count); returns the index of the first NaN or
    /// infinity (the numbers before it added), or n.
    static std::size_t bin_doubles(const double* x, std::size_t n, i128* bins) {
        const auto put = [bins](double v, std::size_t lane) {
            const auto b = std::bit_cast<std::uint64_t>(v);
            const auto field = static_cast<unsigned>((b >> 52U) & 0x7ffU);
            const std::uint64_t m = (b & 0xfffffffffffffULL) | (field != 0 ? 0x10000000000000ULL : 0);
            const auto mant = static_cast<std::int64_t>(m);
            // field 0: subnormal (or zero), unit 2^-1074; else unit 2^(field - 1075). (A NaN or an
            // infinity, field 0x7ff, goes to bin 0: the caller throws and discards the bins.)
            const unsigned bin = field == 0 || field == 0x7ffU ? 0 : field - 1;
            bins[lane * bin_count + bin] += (b >> 63U) != 0 ? -mant : mant;
            return field != 0x7ffU;
        };
        std::size_t k = 0;
        for (; k + lanes <= n; k += lanes) {
            const unsigned ok = static_cast<unsigned>(put(x[k], 0)) & static_cast<unsigned>(put(x[k + 1], 1)) &
                                static_cast<unsigned>(put(x[k + 2], 2)) & static_cast<unsigned>(put(x[k + 3], 3));
            if (ok == 0) {
                break;
            }
        }
        for (; k < n; ++k) {
            if (!put(x[k], 0)) {
                return k;
            }
        }
        return n;
    }

    static constexpr std::string_view magic = "SHANNON-ACC";
    static constexpr std::uint32_t nan_flag = 1, plus_inf_flag = 2, minus_inf_flag = 4, lo_unbounded_flag = 8,
                                   hi_unbounded_flag = 16, all_flags = 31;

    detail::dyadic_sum& at(std::size_t i) {
        if (i >= sums_.size()) {
            throw std::out_of_range("shannon::exact::accumulator: no exact sum number " + std::to_string(i) + " (it keeps " +
                                    std::to_string(sums_.size()) + ")");
        }
        return sums_[i];
    }

    /// For a normalized form: std::domain_error unless every mass it uses is > 0.
    void check_masses() const {
        if (how_ != accumulation::normalized) {
            return;
        }
        for (const std::int32_t i : {0, form_.plus, form_.minus}) {
            if (i >= 0 && sums_[static_cast<std::size_t>(i)].sign() <= 0) {
                const real v = exact_sum(static_cast<std::size_t>(i));
                throw std::domain_error("shannon::exact::accumulator: normalization needs a positive mass, and exact sum " +
                                        std::to_string(i) + " of '" + name_ + "' is " + detail::decimal(v, 17));
            }
        }
    }

    /// [l, h] := (l / M0 + log(M[plus] / M[minus])) / log(base), outward, at precision p (which holds
    /// every exact sum); the logarithm of an exact 1 is an exact 0. The masses are checked (check_masses).
    void normalize(mpfr_ptr l, mpfr_ptr h, mpfr_prec_t p) const {
        const auto mass = [&](std::int32_t i, mpfr_ptr out) {
            sums_[static_cast<std::size_t>(i)].get(out, MPFR_RNDN);  // exact
        };
        mpfr_t m;
        mpfr_init2(m, p);
        mpfi_t x;
        mpfi_t t;
        mpfi_init2(x, p);
        mpfi_init2(t, p);
        mass(0, m);
        mpfi_interv_fr(x, l, h);
        mpfi_div_fr(x, x, m);
        if (form_.plus >= 0 || form_.minus >= 0) {
            mpfi_set_ui(t, 1);
            if (form_.plus >= 0) {
                mass(form_.plus, m);
                mpfi_mul_fr(t, t, m);
            }
            if (form_.minus >= 0) {
                mass(form_.minus, m);
                mpfi_div_fr(t, t, m);
            }
            mpfi_log(t, t);
            mpfi_add(x, x, t);
        }
        if (form_.base != 0) {
            mpfi_set_d(t, form_.base);
            mpfi_log(t, t);
            mpfi_div(x, x, t);
        }
        mpfi_get_left(l, x);
        mpfi_get_right(h, x);
        mpfi_clear(t);
        mpfi_clear(x);
        mpfr_clear(m);
    }

    /// Enough bits for every exact sum, and for a quotient as wide as the ends' spacing.
    [[nodiscard]] mpfr_prec_t precision() const {
        std::size_t b = std::max(lo_.size_bits(), hi_.size_bits());
        if (how_ != accumulation::sum) {
            for (const detail::dyadic_sum& s : sums_) {
                b = std::max(b, s.size_bits());
            }
        }
        return static_cast<mpfr_prec_t>(std::max<std::size_t>(b + 64, 128));
    }

    [[nodiscard]] interval as_interval() const {
        const std::pair<real, real> e = enclose();
        const detail::bits_scope scope(static_cast<unsigned>(precision()));
        interval r;
        mpfi_set_prec(r.backend().data(), precision());
        mpfi_interv_fr(r.backend().data(), e.first.backend().data(), e.second.backend().data());
        return r;
    }

    std::string name_;
    accumulation how_;
    std::vector<detail::dyadic_sum> sums_;
    unsigned bits_;
    normalized_form form_;
    detail::dyadic_sum lo_;
    detail::dyadic_sum hi_;
    std::uint32_t flags_ = 0;
    std::uint64_t parts_ = 0;
};

}  // namespace shannon::exact
