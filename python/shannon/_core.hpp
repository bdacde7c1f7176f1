// python/shannon/_core.hpp — what the extension's translation units share: the request, the oracle's
// runner over NumPy arrays (run, run_rows, run_blocks), the readers of arrays and options, and the
// binders each translation unit defines (_core.cpp the module; _core_measures.cpp the core's
// quantities; _core_torch.cpp PyTorch; _core_frameworks.cpp scipy, Keras and optax;
// _core_distributions.cpp torch.distributions' KL divergences), compiled in
// parallel.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <signal.h>  // sigaction

#include <atomic>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <thread>
#include <vector>

#include <shannon/exact.hpp>
#include <shannon/profiles/keras.hpp>
#include <shannon/profiles/tf_keras2.hpp>
#include <shannon/profiles/optax.hpp>
#include <shannon/profiles/registry.hpp>
#include <shannon/profiles/scipy.hpp>
#include <shannon/profiles/torch.hpp>
#include <shannon/profiles/torch_special.hpp>
#include <shannon/shannon.hpp>

namespace py = pybind11;
namespace ex = shannon::exact;
namespace pr = shannon::profiles;

namespace shannon_python {

/// What the caller wants from the oracle.
struct request {
    std::string mode = "round";  // round | digits | enclose | ulp
    std::string dtype = "float64";
    unsigned digits = 17;
    unsigned bits = 256;
    std::vector<double> candidates{};
    /// mode "partial": the accumulator the value of the call (one part of a sum) is added to.
    std::shared_ptr<ex::accumulator> into{};
};

inline ex::format format_of(const std::string& dtype) {
    if (const auto f = ex::format_named(dtype)) {
        return *f;
    }
    throw py::value_error("shannon: dtype must be float64, float32, bfloat16 or float16, not " + dtype);
}

/// The exact value given as n correct digits -> its ulp error against a candidate: 40 digits fix
/// the error to ~1e-24 ulp, and for the fast quantities they come from the fixed-point path
/// (nanoseconds per term) rather than the 256-bit general one.
inline double ulp_from_digits(double candidate, const std::string& d, ex::format f) {
    mpfr_t x;
    mpfr_init2(x, 256);
    mpfr_set_str(x, d.c_str(), 10, MPFR_RNDN);
    const ex::detail::bits_scope scope(256);
    ex::interval r;
    mpfi_set_fr(r.backend().data(), x);
    mpfr_clear(x);
    return ex::detail::ulp_error_of(candidate, r, f);
}

/// Set by on_sigint while a call of the main thread computes: the computation's stop flag.
inline std::atomic<bool> interrupted{false};

extern "C" inline void on_sigint(int /*signal*/) { interrupted.store(true, std::memory_order_relaxed); }

/// Runs work() without the GIL. In the main thread (where Python handles signals, but only between
/// bytecodes, so not during a long C++ computation) SIGINT is caught for the call's duration by a
/// handler that sets the computation's stop flag: the computation stops at its next elementary
/// function or precision step (include/shannon/detail/stop.hpp), then the signal is handed to
/// Python as if it arrived now (PyErr_SetInterruptEx), whose handler raises KeyboardInterrupt (or
/// does what the user installed). Where SIGINT is ignored or default (not Python's), nothing is
/// replaced. Other threads run the work as is.
template <class F>
void without_gil(F&& work) {
    static const auto main_thread = py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
    struct sigaction previous {};
    sigaction(SIGINT, nullptr, &previous);
    const bool catch_sigint = PyThread_get_thread_ident() == main_thread && previous.sa_handler != SIG_IGN &&
                              previous.sa_handler != SIG_DFL && (previous.sa_flags & SA_SIGINFO) == 0;
    if (!catch_sigint) {
        py::gil_scoped_release release;
        work();
        return;
    }
    struct sigaction ours {};
    ours.sa_handler = on_sigint;
    sigemptyset(&ours.sa_mask);
    interrupted = false;
    sigaction(SIGINT, &ours, nullptr);
    std::exception_ptr error;
    {
        py::gil_scoped_release release;
        const shannon::detail::stop_scope scope(interrupted);
        try {
            work();
        } catch (...) {
            error = std::current_exception();
        }
    }
    sigaction(SIGINT, &previous, nullptr);
    if (interrupted) {
        PyErr_SetInterruptEx(SIGINT);
        if (PyErr_CheckSignals() != 0) {
            throw py::error_already_set();  // KeyboardInterrupt, or the user's handler's exception
        }
    }
    if (error) {
        std::rethrow_exception(error);  // shannon::cancelled (RuntimeError) when a handler did not raise
    }
}

/// How each result was decided: by a kernel of exact/fast.hpp, by the double-double ball, by MPFI,
/// or not at all (undetermined at the precision cap).
struct tally {
    std::size_t kernel = 0;
    std::size_t ball = 0;
    std::size_t mpfi = 0;
    std::size_t undetermined = 0;
    void operator()(const ex::rounded& x) {
        if (!x.determined) {
            ++undetermined;
        } else if (x.ball) {
            ++ball;
        } else if (x.fast) {
            ++kernel;
        } else {
            ++mpfi;
        }
    }
    void merge(const tally& o) {
        kernel += o.kernel;
        ball += o.ball;
        mpfi += o.mpfi;
        undetermined += o.undetermined;
    }
    [[nodiscard]] py::dict paths() const {
        py::dict d;
        d["kernel"] = kernel;
        d["ball"] = ball;
        d["mpfi"] = mpfi;
        d["undetermined"] = undetermined;
        return d;
    }
};

/// round_each_into()'s sink for a known number of results, written to out[0, expected); counts how
/// each was decided.
struct tally_sink {
    double* out;
    std::size_t expected;
    tally& count;
    void start(std::size_t n) const {
        if (n != expected) {
            throw std::logic_error("shannon: a quantity gave " + std::to_string(n) + " results for " +
                                   std::to_string(expected) + " elements");
        }
    }
    void put(std::size_t i, const ex::rounded& x) {
        count(x);
        out[i] = x.value;
    }
    void put_value(std::size_t i, double v) const { out[i] = v; }
    void ball_count(std::size_t k) const { count.ball += k; }
};

/// round_each_into()'s sink into a vector sized by the quantity; counts how each was decided.
struct vector_sink {
    std::vector<double>& values;
    tally& count;
    void start(std::size_t n) { values.resize(n); }
    void put(std::size_t i, const ex::rounded& x) {
        count(x);
        values[i] = x.value;
    }
    void put_value(std::size_t i, double v) { values[i] = v; }
    void ball_count(std::size_t k) { count.ball += k; }
};

/// A 1-D NumPy array that takes over the vector's buffer (no copy of the results).
inline py::array_t<double> owning_array(std::vector<double>&& v) {
    auto* held = new std::vector<double>(std::move(v));
    const py::capsule owner(held, [](void* p) { delete static_cast<std::vector<double>*>(p); });
    return py::array_t<double>(static_cast<py::ssize_t>(held->size()), held->data(), owner);
}

/// Runs the request on quantity(args...): a scalar quantity gives one result, a vector-valued one
/// (unreduced losses, elementwise functions) one per element. Results: round -> (values, determined);
/// digits -> strings; enclose -> (lo, hi) strings rounded outward; ulp -> errors.
template <class Q, class... A>
py::object run(const request& r, const Q& q, const A&... a) {
    using V = decltype(q(ex::detail::lift(a)...));
    constexpr bool each = std::ranges::range<V>;
    const ex::format f = format_of(r.dtype);
    if (r.mode == "round") {
        std::vector<double> values;
        tally count;
        without_gil([&] {
            if constexpr (each) {
                // Straight into the values: no per-element record of how each was decided.
                vector_sink into{values, count};
                ex::detail::round_each_into(ex::settings{}, f, into, q, a...);
            } else {
                const ex::rounded x = ex::round(f, q, a...);
                values.push_back(x.value);
                count(x);
            }
        });
        return py::make_tuple(owning_array(std::move(values)), count.undetermined == 0, count.paths(), each);
    }
    if (r.mode == "digits") {
        std::vector<std::string> out;
        without_gil([&] {
            if constexpr (each) {
                out = ex::digits_each(r.digits, q, a...);
            } else {
                out.push_back(ex::digits(r.digits, q, a...));
            }
        });
        return py::make_tuple(py::cast(out), each);
    }
    if (r.mode == "enclose") {
        std::vector<std::pair<std::string, std::string>> out;
        without_gil([&] {
            std::vector<std::pair<ex::real, ex::real>> e;
            if constexpr (each) {
                e = ex::enclose_each(r.bits, q, a...);
            } else {
                e.push_back(ex::enclose(r.bits, q, a...));
            }
            const auto n = static_cast<unsigned>(r.bits * 0.30103) + 3;
            for (const auto& [lo, hi] : e) {
                out.emplace_back(ex::detail::decimal(lo, n, MPFR_RNDD), ex::detail::decimal(hi, n, MPFR_RNDU));
            }
        });
        return py::make_tuple(py::cast(out), each);
    }
    if (r.mode == "partial") {
        if constexpr (each) {
            throw py::value_error("shannon: an accumulator takes quantities with one value (a sum), not one value per element");
        } else {
            if (!r.into) {
                throw py::value_error("shannon: a partial request without an accumulator");
            }
            without_gil([&] { r.into->add(q, a...); });
            return py::none();
        }
    }
    if (r.mode == "ulp") {
        std::vector<double> out;
        without_gil([&] {
            if constexpr (each) {
                out = ex::ulp_error_each(r.candidates, f, q, a...);
            } else {
                if (r.candidates.size() != 1) {
                    throw std::invalid_argument("shannon.ulp_error: the quantity has one value, but " +
                                                std::to_string(r.candidates.size()) + " candidates were given");
                }
                const std::string d = ex::digits(40, q, a...);
                out.push_back(d.rfind("undetermined", 0) == 0 ? ex::ulp_error(r.candidates[0], f, q, a...)
                                                               : ulp_from_digits(r.candidates[0], d, f));
            }
        });
        return py::make_tuple(py::cast(out), each);
    }
    throw py::value_error("shannon: unknown request mode " + r.mode);
}

// ---- NumPy inputs -------------------------------------------------------------------------------

template <class T>
using array = py::array_t<T, py::array::c_style>;

template <class T>
std::span<const T> flat(const array<T>& a) {
    return {a.data(), static_cast<std::size_t>(a.size())};
}

/// The rows of a C-contiguous N x C array (a 1-D array is one row), as spans into its buffer.
template <class T>
std::vector<std::span<const T>> rows(const array<T>& a) {
    if (a.ndim() == 1) {
        return {flat(a)};
    }
    if (a.ndim() != 2) {
        throw std::invalid_argument("shannon: expected a 1-D or 2-D array, got " + std::to_string(a.ndim()) + " dimensions");
    }
    std::vector<std::span<const T>> out;
    const auto n = static_cast<std::size_t>(a.shape(0));
    const auto c = static_cast<std::size_t>(a.shape(1));
    for (std::size_t i = 0; i < n; ++i) {
        out.emplace_back(a.data() + i * c, c);
    }
    return out;
}

/// Round mode for a quantity with one result per element of an N x C batch, evaluated in blocks of
/// whole rows: eval(f, first, count, sink) rounds rows [first, first + count) into the sink (count C
/// results). One output array; blocks of about 2^15 results, so that the ball's working memory stays
/// small and is reused from block to block (fresh memory from the system costs more here than the
/// arithmetic: measured 70 ns per element for a 64 x 32,000 gradient in one piece); from 2^16
/// results the blocks are shared by two threads. Each block's values are the oracle's whichever
/// thread computes them, and a block the ball leaves partly undecided takes MPFI for itself alone.
template <class Eval>
py::tuple run_blocks(const request& r, std::size_t n, std::size_t c, const Eval& eval) {
    const ex::format f = format_of(r.dtype);
    py::array_t<double> out(static_cast<py::ssize_t>(n * c));
    double* const base = out.mutable_data();
    const std::size_t per_block = std::max<std::size_t>(1, (std::size_t{1} << 15U) / std::max<std::size_t>(c, 1));
    const std::size_t blocks = (n + per_block - 1) / per_block;
    tally total;
    without_gil([&] {
        std::atomic<std::size_t> next{0};
        const std::atomic<bool>* const stop = shannon::detail::stop_flag();
        const auto work = [&, stop](tally& decided, bool shared) {
            std::optional<shannon::detail::stop_scope> scope;  // the caller's stop flag, in this thread too
            if (stop != nullptr) {
                scope.emplace(*stop);
            }
            std::optional<ex::fast::detail::sharing_scope> sharing;  // two threads already: the kernels do not split
            if (shared) {
                sharing.emplace();
            }
            for (std::size_t b = next++; b < blocks; b = next++) {
                const std::size_t first = b * per_block;
                const std::size_t count = std::min(per_block, n - first);
                eval(f, first, count, tally_sink{base + first * c, count * c, decided});
            }
        };
        if (blocks < 2 || n * c < (std::size_t{1} << 16U) || !ex::fast::detail::may_split()) {
            work(total, false);
            return;
        }
        tally second;
        std::exception_ptr error;
        {
            const std::jthread worker([&] {
                try {
                    work(second, true);
                } catch (...) {
                    error = std::current_exception();
                    next = blocks;  // the other thread stops at its next block
                }
            });
            try {
                work(total, true);
            } catch (...) {
                next = blocks;
                throw;
            }
        }
        if (error) {
            std::rethrow_exception(error);
        }
        total.merge(second);
    });
    return py::make_tuple(out, total.undetermined == 0, total.paths(), true);
}

/// run_blocks() for a quantity of one row with one result per element (an elementwise function along
/// an axis), over `rows` rows of c values from `in`. `fast`, where given, is the quantity's one-pass
/// kernel for binary64 (fast(row, out) -> whether it decided every element, as
/// exact::detail::round_log_softmax_row); a row it does not decide whole takes round_each.
template <class Q, class Fast = std::nullptr_t>
py::tuple run_rows(const request& r, const Q& q, const double* in, std::size_t rows, std::size_t c,
                   const Fast& fast = nullptr) {
    return run_blocks(r, rows, c, [&](ex::format f, std::size_t first, std::size_t count, const tally_sink& block) {
        for (std::size_t i = 0; i < count; ++i) {
            tally_sink row{block.out + i * c, c, block.count};
            const std::span<const double> z(in + (first + i) * c, c);
            if constexpr (!std::is_same_v<Fast, std::nullptr_t>) {
                if (f == ex::format::binary64 && fast(z, row.out)) {
                    row.ball_count(c);
                    continue;
                }
            }
            ex::detail::round_each_into(ex::settings{}, f, row, q, z);
        }
    });
}

/// run_rows() over every row of a C-contiguous N x C array.
template <class Q, class Fast = std::nullptr_t>
py::tuple run_rows(const request& r, const Q& q, const array<double>& x, const Fast& fast = nullptr) {
    if (x.ndim() != 2) {
        throw py::value_error("shannon: expected a 2-D array of rows, got " + std::to_string(x.ndim()) + " dimensions");
    }
    return run_rows(r, q, x.data(), static_cast<std::size_t>(x.shape(0)), static_cast<std::size_t>(x.shape(1)), fast);
}

/// A quantity of one row with one result per element, over a 1-D array: in round mode run_rows() on
/// that one row with the quantity's one-pass kernel `fast`; in the other modes run().
template <class Q, class Fast>
py::object run_row(const request& r, const Q& q, const array<double>& x, const Fast& fast) {
    if (r.mode == "round" && x.size() > 0) {
        return run_rows(r, q, x.data(), 1, static_cast<std::size_t>(x.size()), fast);
    }
    return run(r, q, flat(x));
}

/// The value `given` names in `table`; a ValueError "shannon<where>: <what> must be <expected>, not
/// '<given>'" otherwise (the one message of a bad name, whichever argument it is).
template <class E, std::size_t N>
E named(const std::string& given, const std::pair<const char*, E> (&table)[N], const std::string& where, const char* what,
        const std::string& expected) {
    for (const auto& [name, value] : table) {
        if (given == name) {
            return value;
        }
    }
    throw py::value_error("shannon" + where + ": " + what + " must be " + expected + ", not '" + given.substr(0, 80) + "'");
}

inline shannon::unit unit_of(const std::string& base) {
    static constexpr std::pair<const char*, shannon::unit> units[] = {
        {"nats", shannon::unit::nats}, {"bits", shannon::unit::bits}, {"bans", shannon::unit::bans}};
    return named(base, units, "", "base", "'nats', 'bits' or 'bans' (or e, 2, 10)");
}

inline shannon::options options_of(const std::string& base, const std::string& norm, double tol, const std::string& red) {
    static constexpr std::pair<const char*, shannon::normalization> normalizations[] = {
        {"check", shannon::normalization::check},
        {"normalize", shannon::normalization::normalize},
        {"unnormalized", shannon::normalization::unnormalized}};
    static constexpr std::pair<const char*, shannon::reduction> reductions[] = {{"mean", shannon::reduction::mean},
                                                                              {"sum", shannon::reduction::sum}};
    shannon::options o;
    o.base = unit_of(base);
    o.normalization = named(norm, normalizations, "", "normalization", "'check', 'normalize' or 'unnormalized'");
    o.sum_tolerance = tol;
    o.reduction = named(red, reductions, "", "reduction", "'mean' or 'sum'");
    return o;
}

/// PyTorch's reduction argument; 'batchmean' only where torch takes it (kl_div).
inline pr::reduction reduction_of(const std::string& red, const char* function, bool batchmean = false) {
    static constexpr std::pair<const char*, pr::reduction> reductions[] = {
        {"none", pr::reduction::none}, {"mean", pr::reduction::mean}, {"sum", pr::reduction::sum}};
    if (red == "batchmean" && batchmean) {
        return pr::reduction::batchmean;
    }
    return named(red, reductions, std::string(".") + function, "reduction",
                 std::string("'none', 'mean', 'sum'") + (batchmean ? " or 'batchmean'" : ""));
}

inline std::vector<double> vec(const std::optional<array<double>>& a) {
    if (!a) {
        return {};
    }
    return {a->data(), a->data() + a->size()};
}

#define SHANNON_OPTS py::arg("base") = "nats", py::arg("normalization") = "check", py::arg("sum_tolerance") = 1e-6, \
                     py::arg("reduction") = "mean"

void bind_core(py::module_& m);
void bind_torch(py::module_& m);
void bind_scipy(py::module_& m);
void bind_keras(py::module_& m);
void bind_optax(py::module_& m);
void bind_distributions(py::module_& m);

}  // namespace shannon_python
