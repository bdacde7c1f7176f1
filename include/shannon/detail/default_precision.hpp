// shannon/detail/default_precision.hpp — the default precision of Boost's variable-precision MPFR
// and MPFI numbers, owned by one computation in one thread.
//
// A new variable-precision number (mpfr_float, mpfi_float) takes Boost's *default* precision. Boost
// versions with thread_default_precision (1.81 here) keep that default per thread, so a computation
// that sets it, runs and restores it is private to its thread. Boost 1.74 (Debian 12's libboost-dev)
// keeps one process-wide value, which its own functions also change for the length of a call
// (detail::scoped_default_precision): two threads computing at different precisions change each
// other's mid-computation and get wrong enclosures, not a data race a sanitizer would see. There, a
// scope holds one process-wide recursive lock for its lifetime, so computations in shannon that
// depend on the default precision (the oracle's general path, the core's variable-precision
// mpfr_float calls) run one at a time and each sees the precision it set. Code outside shannon that
// computes with variable-precision Boost numbers in another thread at the same time is not covered
// by the lock: with Boost 1.74 it can still disturb them.
#pragma once

#include <mutex>

namespace shannon::detail {

/// True when Boost keeps N's default precision per thread (thread_default_precision).
template <class N>
concept per_thread_default_precision = requires(unsigned d) {
    N::thread_default_precision();
    N::thread_default_precision(d);
};

/// The lock that serializes computations at a default precision where Boost keeps it process-wide.
[[nodiscard]] inline std::recursive_mutex& default_precision_mutex() noexcept {
    static std::recursive_mutex m;
    return m;
}

/// Sets the default precision (decimal digits) of new numbers of type N in this thread for one
/// computation and restores it after; where Boost keeps it process-wide, holds
/// default_precision_mutex() meanwhile (see the file comment).
template <class N>
class default_precision_scope {
public:
    /// The current default precision of N in this thread (decimal digits).
    [[nodiscard]] static unsigned current() noexcept {
        if constexpr (per_thread_default_precision<N>) {
            return N::thread_default_precision();
        } else {
            return N::default_precision();
        }
    }

    /// Sets the default precision to digits10 decimal digits, or (raise) to the current one plus
    /// digits10, read under the lock.
    explicit default_precision_scope(unsigned digits10, bool raise = false) : lock_(acquire()), saved_(current()) {
        set(raise ? saved_ + digits10 : digits10);
    }
    default_precision_scope(const default_precision_scope&) = delete;
    default_precision_scope& operator=(const default_precision_scope&) = delete;
    /// Restores the default precision the thread had, then releases the lock.
    ~default_precision_scope() { set(saved_); }

    /// The default precision the thread had before this scope (decimal digits).
    [[nodiscard]] unsigned saved() const noexcept { return saved_; }

private:
    [[nodiscard]] static std::unique_lock<std::recursive_mutex> acquire() {
        if constexpr (per_thread_default_precision<N>) {
            return {};
        } else {
            return std::unique_lock<std::recursive_mutex>(default_precision_mutex());
        }
    }
    static void set(unsigned digits10) noexcept {
        if constexpr (per_thread_default_precision<N>) {
            N::thread_default_precision(digits10);
        } else {
            N::default_precision(digits10);
        }
    }

    std::unique_lock<std::recursive_mutex> lock_;
    unsigned saved_;
};

}  // namespace shannon::detail
