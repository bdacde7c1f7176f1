// shannon/detail/stop.hpp — a cooperative stop for long computations.
//
// A computation of an interval or multiprecision type can take seconds to minutes (the oracle's
// general path on a large batch, a high precision). A caller that must be able to stop it runs it
// with a stop_scope pointing at a flag and sets the flag from elsewhere (the Python module sets it
// from its SIGINT handler, another program from another thread); the computation polls it at every elementary function of a non-built-in type (one relaxed
// atomic load beside an MPFR/MPFI log or exp of a microsecond or more) and at each precision step of
// the oracle, and throws shannon::cancelled. The built-in types never poll: their calls are
// nanoseconds, and constexpr.
#pragma once

#include <atomic>
#include <stdexcept>

namespace shannon {

/// Thrown by a computation whose stop flag was set (see detail::stop_scope).
struct cancelled : std::runtime_error {
    using std::runtime_error::runtime_error;
};

namespace detail {

/// The stop flag of this thread's computation (null: none).
[[nodiscard]] inline const std::atomic<bool>*& stop_flag() noexcept {
    thread_local const std::atomic<bool>* flag = nullptr;
    return flag;
}

/// Points this thread's computations at `flag` for the scope's lifetime.
class stop_scope {
public:
    /// Computations in this thread poll `flag` until the scope ends.
    explicit stop_scope(const std::atomic<bool>& flag) noexcept : saved_(stop_flag()) { stop_flag() = &flag; }
    stop_scope(const stop_scope&) = delete;
    stop_scope& operator=(const stop_scope&) = delete;
    /// Restores the flag the thread had.
    ~stop_scope() { stop_flag() = saved_; }

private:
    const std::atomic<bool>* saved_;
};

/// Throws shannon::cancelled when this thread's stop flag is set.
inline void poll_stop() {
    const std::atomic<bool>* flag = stop_flag();
    if (flag != nullptr && flag->load(std::memory_order_relaxed)) {
        throw cancelled("shannon: the computation was stopped");
    }
}

}  // namespace detail
}  // namespace shannon
