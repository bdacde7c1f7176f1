// shannon/exact/round.hpp — the oracle's entry points: round, round_each (into a sink or a vector),
// digits, enclose_fast and ulp_error, each trying the fast paths (fast_calls.hpp, ball_path.hpp) before
// the general path (general.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../detail/fp_contract.hpp"
#include "../detail/helper_thread.hpp"
#include "ball_path.hpp"
#include "fast_calls.hpp"
#include "format.hpp"
#include "general.hpp"
#include "lift.hpp"
#include "print.hpp"
#include "settings.hpp"
#include "renyi_fast.hpp"
#include "table_fast.hpp"

SHANNON_FP_CONTRACT_OFF

namespace shannon::exact {

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

template <class Quantity, class... Args>
[[nodiscard]] rounded round(const settings& s, format f, const Quantity& quantity, const Args&... args) {
    detail::check_settings(s);
    detail::thread_setup();
    if (s.fast) {
        if (const std::optional<rounded> r = detail::try_fast<Quantity>(s, f, args...)) {
            return *r;
        }
        if (const std::optional<rounded> r = detail::try_table_fast<Quantity>(s, f, args...)) {
            return *r;
        }
        if (const std::optional<rounded> r = detail::try_renyi_fast<Quantity>(s, f, args...)) {
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
    const auto general = [&](const auto&... a) {
        return each<rounded>(std::max(s.start_bits, 64U), capped_bits(s, s.max_bits, numbers_in_all(a...)),
                             [&](const interval& r, unsigned bits) { return decide(r, f, bits); },
                             [&](const interval& r, unsigned bits) { return undetermined(r, f, bits); }, quantity, a...);
    };
    if constexpr (elementwise_quantity<Quantity, Args...>) {
        if (started) {  // the ball's undecided elements alone, in MPFI
            const std::vector<rounded> some = general(gather(args, undecided)...);
            for (std::size_t k = 0; k < undecided.size(); ++k) {
                sink.put(undecided[k], some[k]);
            }
            return;
        }
    }
    const std::vector<rounded> out = general(args...);
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

}  // namespace shannon::exact

SHANNON_FP_CONTRACT_RESTORE
