// shannon/detail/helper_thread.hpp — one long-lived second thread for the kernels that split a row
// in two halves (sum_exp.hpp's on_two_halves).
//
// A language model's batch is many rows of 32,000 logits: starting and joining a thread per row cost
// a fifth of the time of the whole cross-entropy (clone, the new stack's page faults, exit). The
// helper is started once and kept for the process's lifetime (deliberately never destroyed: a
// detached thread waiting on its condition variable ends with the process). It takes one job at a
// time: a caller that finds it busy (another thread's row, or a job that splits again) starts a
// thread of its own as before, so nothing ever waits for the helper but its own job's caller.
// After fork() the child has no helper thread: the helper records the process it was started in, and
// a child starts its own (the parent's object, whose mutex may have been held at the fork, is left
// untouched).
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#if __has_include(<unistd.h>)
#include <unistd.h>
#define SHANNON_HAS_GETPID 1
#endif

namespace shannon::exact::fast::detail {

/// std::thread::hardware_concurrency(), read once (glibc reads /sys on every call).
[[nodiscard]] inline unsigned hardware_threads() {
    static const unsigned n = std::thread::hardware_concurrency();
    return n;
}

/// Whether this thread is one of two already sharing a piece of work (a sharing_scope is open): a
/// kernel then does not split its own part again. Two threads per core only add hand-overs (the
/// Python module's row blocks on two threads, each row's sum split once more, started a thread per
/// row: a fifth of an elementwise log-softmax's time went to thread wake-ups).
[[nodiscard]] inline bool& sharing_work() noexcept {
    thread_local bool flag = false;
    return flag;
}

/// Marks this thread as sharing work for its lifetime (see sharing_work()).
class sharing_scope {
public:
    sharing_scope() noexcept : saved_(std::exchange(sharing_work(), true)) {}
    sharing_scope(const sharing_scope&) = delete;
    sharing_scope& operator=(const sharing_scope&) = delete;
    ~sharing_scope() { sharing_work() = saved_; }

private:
    bool saved_;
};

/// Whether a kernel may give half of its work to a second thread: there is a second core, and this
/// thread is not already one of two sharing work.
[[nodiscard]] inline bool may_split() { return !sharing_work() && hardware_threads() >= 2; }

/// The process's helper thread: try_start(job), then wait() for it.
class helper_thread {
public:
    helper_thread() = default;
    helper_thread(const helper_thread&) = delete;
    helper_thread& operator=(const helper_thread&) = delete;

    /// The helper of this process, started on first use; null where none can be had (another
    /// thread is starting one at this moment: the caller starts a thread of its own).
    [[nodiscard]] static helper_thread* get() {
        static std::atomic<helper_thread*> current{nullptr};
        helper_thread* h = current.load(std::memory_order_acquire);
        const long me = process();
        if (h != nullptr && h->pid_ == me) {
            return h;
        }
        auto* fresh = new helper_thread();  // never deleted: see the header comment
        fresh->pid_ = me;
        if (!current.compare_exchange_strong(h, fresh, std::memory_order_acq_rel)) {
            delete fresh;  // another thread installed one first (no thread was started)
            return h != nullptr && h->pid_ == me ? h : nullptr;
        }
        std::thread([fresh] { fresh->loop(); }).detach();
        return fresh;
    }

    /// Hands job to the helper and returns true if it was free; false (and nothing done) if busy.
    [[nodiscard]] bool try_start(std::function<void()> job) {
        if (busy_.test_and_set(std::memory_order_acquire)) {
            return false;
        }
        {
            const std::lock_guard<std::mutex> lock(mu_);
            job_ = std::move(job);
            done_ = false;
        }
        cv_.notify_all();
        return true;
    }

    /// Waits for the job try_start handed over, frees the helper, and rethrows what the job threw.
    void wait() {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return done_; });
        const std::exception_ptr error = std::exchange(error_, nullptr);
        lock.unlock();
        busy_.clear(std::memory_order_release);
        if (error) {
            std::rethrow_exception(error);
        }
    }

private:
    [[nodiscard]] static long process() {
#if defined(SHANNON_HAS_GETPID)
        return static_cast<long>(::getpid());
#else
        return 0;
#endif
    }

    void loop() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock<std::mutex> lock(mu_);
                cv_.wait(lock, [this] { return static_cast<bool>(job_); });
                job = std::exchange(job_, nullptr);
            }
            std::exception_ptr error;
            try {
                job();
            } catch (...) {
                error = std::current_exception();
            }
            {
                const std::lock_guard<std::mutex> lock(mu_);
                error_ = error;
                done_ = true;
            }
            cv_.notify_all();
        }
    }

    std::mutex mu_;
    std::condition_variable cv_;
    std::function<void()> job_;
    std::exception_ptr error_;
    bool done_ = false;
    std::atomic_flag busy_;
    long pid_ = 0;
};

/// f() on the helper thread, or on a thread of its own when the helper is busy, while g() runs in
/// this one, each in a sharing_scope (neither splits again); returns when both are done (rethrowing
/// what either threw, f's first).
template <class F0, class G0>
void on_two_threads(F0&& f0, G0&& g0) {
    auto f = [&f0] {
        const sharing_scope sharing;
        f0();
    };
    auto g = [&g0] {
        const sharing_scope sharing;
        g0();
    };
    helper_thread* h = helper_thread::get();
    if (h != nullptr && h->try_start(std::function<void()>(std::ref(f)))) {
        std::exception_ptr mine;
        try {
            g();
        } catch (...) {
            mine = std::current_exception();
        }
        h->wait();
        if (mine) {
            std::rethrow_exception(mine);
        }
        return;
    }
    std::exception_ptr theirs;
    std::thread worker([&] {
        try {
            f();
        } catch (...) {
            theirs = std::current_exception();
        }
    });
    std::exception_ptr mine;
    try {
        g();
    } catch (...) {
        mine = std::current_exception();
    }
    worker.join();
    if (theirs) {
        std::rethrow_exception(theirs);
    }
    if (mine) {
        std::rethrow_exception(mine);
    }
}

}  // namespace shannon::exact::fast::detail
