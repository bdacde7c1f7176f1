// The Python extension behind the `shannon` package: every quantity of the core and of the framework
// profiles, evaluated by the oracle (shannon::exact) on NumPy arrays.
//
// Each function takes a request (what to compute: the correctly rounded value in a dtype, N digits,
// an enclosure, or the ulp errors of candidates) followed by the quantity's inputs. float64 and
// float32 arrays are read in place (std::span over the array's buffer: no copy), which keeps the
// oracle's fast paths (entropy, cross-entropy, KL, generalized KL) at their C++ speed; the GIL is
// released while the oracle runs. The Python layer (shannon/_api.py) builds the requests and turns
// the raw results (doubles, decimal strings) into Python numbers.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <signal.h>  // sigaction

#include <atomic>
#include <cstdint>
#include <exception>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <shannon/exact.hpp>
#include <shannon/profiles/keras.hpp>
#include <shannon/profiles/optax.hpp>
#include <shannon/profiles/scipy.hpp>
#include <shannon/profiles/torch.hpp>
#include <shannon/shannon.hpp>

namespace py = pybind11;
namespace ex = shannon::exact;
namespace pr = shannon::profiles;

namespace {

/// What the caller wants from the oracle.
struct request {
    std::string mode = "round";  // round | digits | enclose | ulp
    std::string dtype = "float64";
    unsigned digits = 17;
    unsigned bits = 256;
    std::vector<double> candidates{};
};

ex::format format_of(const std::string& dtype) {
    if (dtype == "float64") {
        return ex::format::binary64;
    }
    if (dtype == "float32") {
        return ex::format::binary32;
    }
    if (dtype == "bfloat16") {
        return ex::format::bfloat16;
    }
    if (dtype == "float16") {
        return ex::format::binary16;
    }
    throw py::value_error("shannon: dtype must be float64, float32, bfloat16 or float16, not " + dtype);
}

pr::dtype profile_dtype(const std::string& dtype) {
    switch (format_of(dtype)) {
        case ex::format::binary32:
            return pr::dtype::float32;
        case ex::format::bfloat16:
            return pr::dtype::bfloat16;
        case ex::format::binary16:
            return pr::dtype::float16;
        case ex::format::binary64:
            break;
    }
    return pr::dtype::float64;
}

/// The exact value given as n correct digits -> its ulp error against a candidate: 40 digits fix
/// the error to ~1e-24 ulp, and for the fast quantities they come from the fixed-point path
/// (nanoseconds per term) rather than the 256-bit general one.
double ulp_from_digits(double candidate, const std::string& d, ex::format f) {
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
std::atomic<bool> interrupted{false};

extern "C" void on_sigint(int /*signal*/) { interrupted.store(true, std::memory_order_relaxed); }

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

/// How each result was decided: by a kernel of exact_fast.hpp, by the double-double ball, by MPFI,
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
py::array_t<double> owning_array(std::vector<double>&& v) {
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

shannon::unit unit_of(const std::string& base) {
    if (base == "nats") {
        return shannon::unit::nats;
    }
    if (base == "bits") {
        return shannon::unit::bits;
    }
    if (base == "bans") {
        return shannon::unit::bans;
    }
    throw py::value_error("shannon: base must be 'nats', 'bits' or 'bans' (or e, 2, 10), not '" + base + "'");
}

shannon::options options_of(const std::string& base, const std::string& norm, double tol, const std::string& red) {
    shannon::options o;
    o.base = unit_of(base);
    if (norm == "check") {
        o.norm = shannon::normalization::check;
    } else if (norm == "normalize") {
        o.norm = shannon::normalization::normalize;
    } else if (norm == "unnormalized") {
        o.norm = shannon::normalization::unnormalized;
    } else {
        throw py::value_error("shannon: normalization must be 'check', 'normalize' or 'unnormalized', not '" + norm + "'");
    }
    o.sum_tolerance = tol;
    if (red == "mean") {
        o.red = shannon::reduction::mean;
    } else if (red == "sum") {
        o.red = shannon::reduction::sum;
    } else {
        throw py::value_error("shannon: reduction must be 'mean' or 'sum', not '" + red + "'");
    }
    return o;
}

/// PyTorch's reduction argument; 'batchmean' only where torch takes it (kl_div).
pr::reduction reduction_of(const std::string& red, const char* function, bool batchmean = false) {
    if (red == "none") {
        return pr::reduction::none;
    }
    if (red == "mean") {
        return pr::reduction::mean;
    }
    if (red == "sum") {
        return pr::reduction::sum;
    }
    if (red == "batchmean" && batchmean) {
        return pr::reduction::batchmean;
    }
    throw py::value_error(std::string("shannon.") + function + ": reduction must be 'none', 'mean', 'sum'" +
                          (batchmean ? " or 'batchmean'" : "") + ", not '" + red.substr(0, 80) + "'");
}

std::vector<double> vec(const std::optional<array<double>>& a) {
    if (!a) {
        return {};
    }
    return {a->data(), a->data() + a->size()};
}

#define SHANNON_OPTS py::arg("base") = "nats", py::arg("normalization") = "check", py::arg("sum_tolerance") = 1e-6, \
                     py::arg("reduction") = "mean"

// ---- the core -----------------------------------------------------------------------------------

template <class T>
void bind_core_typed(py::module_& m, const std::string& suffix) {
    const auto measure1 = [&](const char* name, auto fn) {
        m.def((name + suffix).c_str(),
              [fn](const request& r, const array<T>& p, const std::string& base, const std::string& norm, double tol,
                   const std::string& red) { return run(r, fn, flat(p), options_of(base, norm, tol, red)); },
              py::arg("request"), py::arg("p"), SHANNON_OPTS);
    };
    const auto measure2 = [&](const char* name, auto fn) {
        m.def((name + suffix).c_str(),
              [fn](const request& r, const array<T>& p, const array<T>& q, const std::string& base, const std::string& norm,
                   double tol, const std::string& red) { return run(r, fn, flat(p), flat(q), options_of(base, norm, tol, red)); },
              py::arg("request"), py::arg("p"), py::arg("q"), SHANNON_OPTS);
    };
    measure1("entropy", shannon::entropy);
    measure2("cross_entropy", shannon::cross_entropy);
    measure2("kl_divergence", shannon::kl_divergence);
    measure2("generalized_kl_divergence", shannon::generalized_kl_divergence);
    measure2("js_divergence", shannon::js_divergence);
}

void bind_core(py::module_& m) {
    bind_core_typed<double>(m, "");
    bind_core_typed<float>(m, "_f32");
    using A = array<double>;
    using I = array<std::int64_t>;

    // Elementwise scalar functions: one value per element.
    const auto elementwise = [&](const char* name, auto fn) {
        m.def(name, [fn](const request& r, const A& x, const std::string& base) {
            const shannon::unit u = unit_of(base);
            return run(r, [fn, u](const auto& v) {
                using E = std::remove_cvref_t<decltype(v[0])>;
                std::vector<E> out;
                for (const auto& e : v) {
                    out.push_back(fn(e, u));
                }
                return out;
            }, flat(x));
        }, py::arg("request"), py::arg("x"), py::arg("base") = "nats");
    };
    elementwise("self_information", [](const auto& p, shannon::unit u) { return shannon::self_information(p, u); });
    elementwise("binary_entropy", [](const auto& p, shannon::unit u) { return shannon::binary_entropy(p, u); });
    elementwise("sigmoid", [](const auto& x, shannon::unit) { return shannon::sigmoid(x); });
    elementwise("softplus", [](const auto& x, shannon::unit) { return shannon::softplus(x); });
    elementwise("log_sigmoid", [](const auto& x, shannon::unit) { return shannon::log_sigmoid(x); });

    m.def("logsumexp", [](const request& r, const A& z) { return run(r, shannon::logsumexp, flat(z)); },
          py::arg("request"), py::arg("z"));
    m.def("softmax", [](const request& r, const A& z) { return run(r, shannon::softmax, flat(z)); }, py::arg("request"),
          py::arg("z"));
    m.def("log_softmax",
          [](const request& r, const A& z) { return run_row(r, shannon::log_softmax, z, ex::detail::round_log_softmax_row); },
          py::arg("request"), py::arg("z"));

    const auto pair_loss = [&](const char* name, auto fn) {
        m.def(name,
              [fn](const request& r, const A& y, const A& x, const std::string& red) {
                  return run(r, fn, flat(y), flat(x), options_of("nats", "check", 1e-6, red));
              },
              py::arg("request"), py::arg("y"), py::arg("x"), py::arg("reduction") = "mean");
    };
    pair_loss("binary_cross_entropy", shannon::binary_cross_entropy);
    pair_loss("binary_cross_entropy_with_logits", shannon::binary_cross_entropy_with_logits);

    const auto categorical = [&](const char* name, auto fn) {
        m.def(name,
              [fn](const request& r, const I& target, const A& q, const std::string& base, const std::string& norm, double tol,
                   const std::string& red) {
                  const auto o = options_of(base, norm, tol, red);
                  if (q.ndim() == 1) {
                      if (target.size() != 1) {
                          throw std::invalid_argument("shannon: one row of predictions takes one class index");
                      }
                      return run(r, fn, static_cast<std::size_t>(*target.data()), flat(q), o);
                  }
                  return run(r, fn, flat(target), rows(q), o);
              },
              py::arg("request"), py::arg("target"), py::arg("q"), SHANNON_OPTS);
        m.def((std::string(name) + "_soft").c_str(),
              [fn](const request& r, const A& target, const A& q, const std::string& base, const std::string& norm, double tol,
                   const std::string& red) {
                  const auto o = options_of(base, norm, tol, red);
                  if (q.ndim() == 1) {
                      return run(r, fn, flat(target), flat(q), o);
                  }
                  return run(r, fn, rows(target), rows(q), o);
              },
              py::arg("request"), py::arg("target"), py::arg("q"), SHANNON_OPTS);
    };
    categorical("categorical_cross_entropy", shannon::categorical_cross_entropy);
    categorical("categorical_cross_entropy_with_logits", shannon::categorical_cross_entropy_with_logits);

    const auto multilabel = [&](const char* name, auto fn) {
        m.def(name,
              [fn](const request& r, const A& y, const A& x, const std::string& red) {
                  const auto o = options_of("nats", "check", 1e-6, red);
                  if (x.ndim() == 1) {
                      return run(r, fn, flat(y), flat(x), o);
                  }
                  return run(r, fn, rows(y), rows(x), o);
              },
              py::arg("request"), py::arg("y"), py::arg("x"), py::arg("reduction") = "mean");
    };
    multilabel("multilabel_binary_cross_entropy", shannon::multilabel_binary_cross_entropy);
    multilabel("multilabel_binary_cross_entropy_with_logits", shannon::multilabel_binary_cross_entropy_with_logits);

    // Likelihood.
    m.def("bernoulli_log_likelihood",
          [](const request& r, const I& data, double p) {
              return run(r, [](const auto& d, const auto& pp) { return shannon::bernoulli_log_likelihood(d, pp); }, flat(data), p);
          },
          py::arg("request"), py::arg("data"), py::arg("p"));
    m.def("bernoulli_nll",
          [](const request& r, const I& data, double p) {
              return run(r, [](const auto& d, const auto& pp) { return shannon::bernoulli_nll(d, pp); }, flat(data), p);
          },
          py::arg("request"), py::arg("data"), py::arg("p"));
    m.def("categorical_log_likelihood",
          [](const request& r, const I& data, const A& q) {
              return run(r, [](const auto& d, const auto& qq) { return shannon::categorical_log_likelihood(d, qq); }, flat(data), flat(q));
          },
          py::arg("request"), py::arg("data"), py::arg("q"));
    m.def("categorical_nll",
          [](const request& r, const I& data, const A& q) {
              return run(r, [](const auto& d, const auto& qq) { return shannon::categorical_nll(d, qq); }, flat(data), flat(q));
          },
          py::arg("request"), py::arg("data"), py::arg("q"));
    m.def("gaussian_nll",
          [](const request& r, const A& y, const A& mu, double s2) {
              return run(r, [](const auto& a, const auto& b, const auto& s) { return shannon::gaussian_nll(a, b, s); }, flat(y), flat(mu), s2);
          },
          py::arg("request"), py::arg("y"), py::arg("mu"), py::arg("sigma2"));
    m.def("gaussian_log_likelihood",
          [](const request& r, const A& y, const A& mu, double s2) {
              return run(r, [](const auto& a, const auto& b, const auto& s) { return shannon::gaussian_log_likelihood(a, b, s); },
                         flat(y), flat(mu), s2);
          },
          py::arg("request"), py::arg("y"), py::arg("mu"), py::arg("sigma2"));
    m.def("mean_squared_error",
          [](const request& r, const A& y, const A& mu) {
              return run(r, [](const auto& a, const auto& b) { return shannon::mean_squared_error(a, b); }, flat(y), flat(mu));
          },
          py::arg("request"), py::arg("y"), py::arg("mu"));
    m.def("sum_squared_error",
          [](const request& r, const A& y, const A& mu) {
              return run(r, [](const auto& a, const auto& b) { return shannon::sum_squared_error(a, b); }, flat(y), flat(mu));
          },
          py::arg("request"), py::arg("y"), py::arg("mu"));
}

// ---- PyTorch ------------------------------------------------------------------------------------

/// A reduced or unreduced call of a profile function, by the reduction asked for, or its gradient.
template <class Reduced, class Unreduced, class Gradient, class... Args>
py::object by_reduction(const request& r, pr::reduction red, bool grad, const Reduced& reduced, const Unreduced& unreduced,
                        const Gradient& gradient, const Args&... args) {
    if (grad) {
        return run(r, gradient, args...);
    }
    if (red == pr::reduction::none) {
        return run(r, unreduced, args...);
    }
    return run(r, reduced, args...);
}

/// Elements [first, first + count) of a row-major argument: rows (a vector of row spans) or a flat
/// span with one element per row (class indices).
template <class T>
std::span<const T> block_of(const std::vector<T>& v, std::size_t first, std::size_t count) {
    return std::span<const T>(v).subspan(first, count);
}
template <class T>
std::span<const T> block_of(std::span<const T> v, std::size_t first, std::size_t count) {
    return v.subspan(first, count);
}

/// by_reduction() for a loss over the rows of an N x C input whose gradient takes a row window
/// (torch's cross_entropy_grad_of): rounded in blocks of rows (run_blocks()), the batch checked once
/// (gradient.for_blocks) and each block's rows and targets passed alone.
template <class Reduced, class Unreduced, class Gradient, class... Args>
py::object by_reduction_rows(const request& r, pr::reduction red, bool grad, const Reduced& reduced,
                             const Unreduced& unreduced, const Gradient& gradient, const array<double>& input,
                             const Args&... args) {
    if (grad && r.mode == "round" && input.ndim() == 2) {
        // the batch's checks and divisor once; each block then reads only its rows and targets (and
        // an MPFI fallback lifts those only)
        const auto whole = gradient.for_blocks(args...);
        return run_blocks(r, static_cast<std::size_t>(input.shape(0)), static_cast<std::size_t>(input.shape(1)),
                          [&](ex::format f, std::size_t first, std::size_t count, tally_sink block) {
                              ex::detail::round_each_into(ex::settings{}, f, block, whole,
                                                          block_of(args, first, count)...);
                          });
    }
    return by_reduction(r, red, grad, reduced, unreduced, gradient, args...);
}

void bind_torch(py::module_& m) {
    namespace pt = pr::torch;
    using A = array<double>;
    using I = array<std::int64_t>;
    using OA = std::optional<A>;

    // Each binding: the reduced loss, its unreduced form (reduction 'none'), or with grad=True the
    // gradient with respect to input (of the reduced loss; of the sum for 'none').
    m.def("torch_cross_entropy",
          [](const request& r, const A& input, const I& target, const OA& weight, std::int64_t ignore_index,
             const std::string& reduction, double label_smoothing, bool grad) {
              const pt::cross_entropy_options o{vec(weight), ignore_index, reduction_of(reduction, "torch.cross_entropy"),
                                                label_smoothing};
              return by_reduction_rows(
                  r, o.reduction, grad, [o](const auto& x, const auto& t) { return pt::cross_entropy(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::cross_entropy_unreduced(x, t, o); },
                  pt::cross_entropy_grad_of{o, {}, {}}, input, rows(input), flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("ignore_index"),
          py::arg("reduction"), py::arg("label_smoothing"), py::arg("grad") = false);
    m.def("torch_cross_entropy_prob",
          [](const request& r, const A& input, const A& target, const OA& weight, const std::string& reduction,
             double label_smoothing, bool grad) {
              const pt::cross_entropy_options o{vec(weight), -100, reduction_of(reduction, "torch.cross_entropy"), label_smoothing};
              return by_reduction_rows(
                  r, o.reduction, grad, [o](const auto& x, const auto& t) { return pt::cross_entropy(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::cross_entropy_unreduced(x, t, o); },
                  pt::cross_entropy_grad_of{o, {}, {}}, input, rows(input), rows(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("reduction"),
          py::arg("label_smoothing"), py::arg("grad") = false);
    m.def("torch_nll_loss",
          [](const request& r, const A& input, const I& target, const OA& weight, std::int64_t ignore_index,
             const std::string& reduction, bool grad) {
              const pt::nll_loss_options o{vec(weight), ignore_index, reduction_of(reduction, "torch.nll_loss")};
              return by_reduction(
                  r, o.reduction, grad, [o](const auto& x, const auto& t) { return pt::nll_loss(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::nll_loss_unreduced(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::nll_loss_grad(x, t, o); }, rows(input), flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("ignore_index"),
          py::arg("reduction"), py::arg("grad") = false);
    m.def("torch_binary_cross_entropy",
          [](const request& r, const A& input, const A& target, const OA& weight, const std::string& reduction, bool grad) {
              const pt::binary_cross_entropy_options o{vec(weight), reduction_of(reduction, "torch.binary_cross_entropy")};
              const pr::dtype dt = profile_dtype(r.dtype);
              return by_reduction(
                  r, o.reduction, grad, [o](const auto& x, const auto& t) { return pt::binary_cross_entropy(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::binary_cross_entropy_unreduced(x, t, o); },
                  [o, dt](const auto& x, const auto& t) { return pt::binary_cross_entropy_grad(x, t, o, dt); }, flat(input),
                  flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("reduction"),
          py::arg("grad") = false);
    m.def("torch_binary_cross_entropy_with_logits",
          [](const request& r, const A& input, const A& target, const OA& weight, const std::string& reduction,
             const OA& pos_weight, bool grad) {
              const pt::binary_cross_entropy_with_logits_options o{
                  vec(weight), reduction_of(reduction, "torch.binary_cross_entropy_with_logits"), vec(pos_weight)};
              return by_reduction(
                  r, o.reduction, grad,
                  [o](const auto& x, const auto& t) { return pt::binary_cross_entropy_with_logits(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::binary_cross_entropy_with_logits_unreduced(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::binary_cross_entropy_with_logits_grad(x, t, o); },
                  flat(input), flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("reduction"),
          py::arg("pos_weight"), py::arg("grad") = false);
    m.def("torch_kl_div",
          [](const request& r, const A& input, const A& target, const std::string& reduction, bool log_target, bool grad) {
              const pt::kl_div_options o{reduction_of(reduction, "torch.kl_div", true), log_target};
              const auto batch = static_cast<std::size_t>(input.ndim() == 0 ? 1 : input.shape(0));
              return by_reduction(
                  r, o.reduction, grad, [o, batch](const auto& x, const auto& t) { return pt::kl_div(x, t, batch, o); },
                  [o](const auto& x, const auto& t) { return pt::kl_div_unreduced(x, t, o); },
                  [o, batch](const auto& x, const auto& t) { return pt::kl_div_grad(x, t, batch, o); }, flat(input),
                  flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("reduction"), py::arg("log_target"),
          py::arg("grad") = false);
    m.def("torch_gaussian_nll_loss",
          [](const request& r, const A& input, const A& target, const A& var, bool full, double eps,
             const std::string& reduction, bool grad) {
              const pt::gaussian_nll_loss_options o{full, eps, reduction_of(reduction, "torch.gaussian_nll_loss"),
                                                    profile_dtype(r.dtype)};
              return by_reduction(
                  r, o.reduction, grad,
                  [o](const auto& x, const auto& t, const auto& v) { return pt::gaussian_nll_loss(x, t, v, o); },
                  [o](const auto& x, const auto& t, const auto& v) { return pt::gaussian_nll_loss_unreduced(x, t, v, o); },
                  [o](const auto& x, const auto& t, const auto& v) { return pt::gaussian_nll_loss_grad(x, t, v, o); },
                  flat(input), flat(target), flat(var));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("var"), py::arg("full"), py::arg("eps"),
          py::arg("reduction"), py::arg("grad") = false);
    m.def("torch_poisson_nll_loss",
          [](const request& r, const A& input, const A& target, bool log_input, bool full, double eps,
             const std::string& reduction, bool grad) {
              const pt::poisson_nll_loss_options o{log_input, full, eps, reduction_of(reduction, "torch.poisson_nll_loss")};
              return by_reduction(
                  r, o.reduction, grad, [o](const auto& x, const auto& t) { return pt::poisson_nll_loss(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::poisson_nll_loss_unreduced(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::poisson_nll_loss_grad(x, t, o); }, flat(input),
                  flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("log_input"), py::arg("full"), py::arg("eps"),
          py::arg("reduction"), py::arg("grad") = false);
    m.def("torch_mse_loss",
          [](const request& r, const A& input, const A& target, const std::string& reduction, bool grad) {
              const pr::reduction red = reduction_of(reduction, "torch.mse_loss");
              return by_reduction(
                  r, red, grad, [red](const auto& x, const auto& t) { return pt::mse_loss(x, t, red); },
                  [](const auto& x, const auto& t) { return pt::mse_loss_unreduced(x, t); },
                  [red](const auto& x, const auto& t) { return pt::mse_loss_grad(x, t, red); }, flat(input), flat(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("reduction"), py::arg("grad") = false);
    m.def("torch_multilabel_soft_margin_loss",
          [](const request& r, const A& input, const A& target, const OA& weight, const std::string& reduction, bool grad) {
              const pt::multilabel_soft_margin_loss_options o{vec(weight),
                                                              reduction_of(reduction, "torch.multilabel_soft_margin_loss")};
              return by_reduction(
                  r, o.reduction, grad,
                  [o](const auto& x, const auto& t) { return pt::multilabel_soft_margin_loss(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::multilabel_soft_margin_loss_unreduced(x, t, o); },
                  [o](const auto& x, const auto& t) { return pt::multilabel_soft_margin_loss_grad(x, t, o); }, rows(input),
                  rows(target));
          },
          py::arg("request"), py::arg("input"), py::arg("target"), py::arg("weight"), py::arg("reduction"),
          py::arg("grad") = false);
}

// ---- scipy --------------------------------------------------------------------------------------

void bind_scipy(py::module_& m) {
    namespace ps = pr::scipy;
    using A = array<double>;
    m.def("scipy_entr", [](const request& r, const A& x) {
        return run(r, [](const auto& v) { return ps::entr(v); }, flat(x));
    });
    const auto binary = [&](const char* name, auto fn) {
        m.def(name, [fn](const request& r, const A& x, const A& y) { return run(r, fn, flat(x), flat(y)); });
    };
    binary("scipy_rel_entr", [](const auto& a, const auto& b) { return ps::rel_entr(a, b); });
    binary("scipy_kl_div", [](const auto& a, const auto& b) { return ps::kl_div(a, b); });
    binary("scipy_xlogy", [](const auto& a, const auto& b) { return ps::xlogy(a, b); });
    binary("scipy_xlog1py", [](const auto& a, const auto& b) { return ps::xlog1py(a, b); });
    // One slice each (the Python layer iterates over the other axes).
    m.def("scipy_logsumexp", [](const request& r, const A& a, const A& b) {
        return run(r, [](const auto& x, const auto& y) { return ps::logsumexp(x, y); }, flat(a), flat(b));
    });
    m.def("scipy_logsumexp_abs", [](const request& r, const A& a, const A& b) {
        return run(r, [](const auto& x, const auto& y) { return ps::logsumexp_abs(x, y); }, flat(a), flat(b));
    });
    m.def("scipy_logsumexp_sign", [](const request& r, const A& a, const A& b) {
        return run(r, [](const auto& x, const auto& y) { return ps::logsumexp_sign(x, y); }, flat(a), flat(b));
    });
    m.def("scipy_log_softmax", [](const request& r, const A& x) {
        return run_row(r, [](const auto& v) { return ps::log_softmax(v); }, x, ex::detail::round_log_softmax_row);
    });
    m.def("scipy_log_softmax_rows", [](const request& r, const A& x) {
        return run_rows(r, [](const auto& v) { return ps::log_softmax(v); }, x, ex::detail::round_log_softmax_row);
    });
    m.def("scipy_entropy", [](const request& r, const A& pk, std::optional<double> base) {
        return run(r, [base](const auto& p) { return ps::entropy(p, base); }, flat(pk));
    });
    m.def("scipy_relative_entropy", [](const request& r, const A& pk, const A& qk, std::optional<double> base) {
        return run(r, [base](const auto& p, const auto& q) { return ps::entropy(p, q, base); }, flat(pk), flat(qk));
    });
    m.def("scipy_jensenshannon", [](const request& r, const A& p, const A& q, std::optional<double> base) {
        return run(r, [base](const auto& a, const auto& b) { return ps::jensenshannon(a, b, base); }, flat(p), flat(q));
    });
}


// ---- Keras 3, tf.keras 2 ------------------------------------------------------------------------

/// Keyword options given as a dict: each read once, and any the function does not take is an error.
class keywords {
public:
    keywords(const py::dict& d, std::string function) : d_(d), function_(std::move(function)) {}

    template <class V>
    V get(const char* key, V fallback) {
        used_.insert(key);
        if (d_.contains(key) && !d_[key].is_none()) {
            return d_[key].cast<V>();
        }
        return fallback;
    }

    void done() const {
        for (const auto& item : d_) {
            const auto key = item.first.cast<std::string>();
            if (!used_.contains(key)) {
                throw py::type_error("shannon." + function_ + "() got an unexpected keyword argument '" + key + "'");
            }
        }
    }

private:
    py::dict d_;
    std::string function_;
    std::set<std::string> used_;
};

pr::reduction keras_reduction_of(const std::string& red, const std::string& function) {
    if (red == "none") {
        return pr::reduction::none;
    }
    if (red == "sum_over_batch_size" || red == "mean") {
        return pr::reduction::mean;
    }
    if (red == "sum") {
        return pr::reduction::sum;
    }
    throw py::value_error("shannon." + function + ": reduction must be 'sum_over_batch_size', 'mean', 'sum' or None, not '" +
                          red + "'");
}

/// The options of a Keras loss from the keywords (each field the options type has).
template <class O>
O keras_options(keywords& k, const request& r, const std::string& function) {
    O o;
    o.reduction = keras_reduction_of(k.get<std::string>("reduction", "none"), function);
    o.sample_weight = k.get<std::vector<double>>("sample_weight", {});
    o.dtype = profile_dtype(r.dtype);
    o.epsilon = k.get<double>("epsilon", o.epsilon);
    if constexpr (requires { o.from_logits; }) {
        o.from_logits = k.get<bool>("from_logits", o.from_logits);
    }
    if constexpr (requires { o.label_smoothing; }) {
        o.label_smoothing = k.get<double>("label_smoothing", o.label_smoothing);
    }
    if constexpr (requires { o.ignore_class; }) {
        o.ignore_class = k.get<std::optional<std::int64_t>>("ignore_class", std::nullopt);
    }
    if constexpr (requires { o.gamma; }) {
        o.gamma = k.get<double>("gamma", o.gamma);
        o.alpha = k.get<decltype(o.alpha)>("alpha", o.alpha);
    }
    if constexpr (requires { o.apply_class_balancing; }) {
        o.apply_class_balancing = k.get<bool>("apply_class_balancing", o.apply_class_balancing);
    }
    k.done();
    return o;
}

/// Binds a Keras loss: (request, y_true, y_pred, options dict); reduction 'none' gives one value per row.
template <class O, class Y, class Reduced, class Unreduced>
void def_keras(py::module_& m, const char* name, std::string function, const Reduced& reduced, const Unreduced& unreduced) {
    m.def(name, [function, reduced, unreduced](const request& r, const Y& y_true, const array<double>& y_pred, const py::dict& d) {
        keywords k(d, function);
        const O o = keras_options<O>(k, r, function);
        const auto truth = [&] {
            if constexpr (std::is_same_v<Y, array<double>>) {
                return rows(y_true);
            } else {
                return flat(y_true);
            }
        }();
        if (o.reduction == pr::reduction::none) {
            return run(r, [o, unreduced](const auto& a, const auto& b) { return unreduced(a, b, o); }, truth, rows(y_pred));
        }
        return run(r, [o, reduced](const auto& a, const auto& b) { return reduced(a, b, o); }, truth, rows(y_pred));
    });
}

#define SHANNON_DEF_KERAS(ns, name, O, Y)                                                                        \
    def_keras<O, Y>(                                                                                           \
        m, #ns "_" #name, #ns "." #name, [](const auto& a, const auto& b, const auto& o) { return ns::name(a, b, o); }, \
        [](const auto& a, const auto& b, const auto& o) { return ns::name##_unreduced(a, b, o); })

void bind_keras(py::module_& m) {
    namespace keras = pr::keras;
    namespace tf_keras2 = pr::tf_keras2;
    using A = array<double>;
    using I = array<std::int64_t>;
    SHANNON_DEF_KERAS(keras, binary_crossentropy, keras::crossentropy_options, A);
    SHANNON_DEF_KERAS(keras, categorical_crossentropy, keras::crossentropy_options, A);
    SHANNON_DEF_KERAS(keras, sparse_categorical_crossentropy, keras::sparse_categorical_crossentropy_options, I);
    SHANNON_DEF_KERAS(keras, kl_divergence, keras::kl_divergence_options, A);
    SHANNON_DEF_KERAS(keras, binary_focal_crossentropy, keras::binary_focal_crossentropy_options, A);
    SHANNON_DEF_KERAS(keras, categorical_focal_crossentropy, keras::categorical_focal_crossentropy_options, A);
    SHANNON_DEF_KERAS(tf_keras2, binary_crossentropy, keras::crossentropy_options, A);
}

#undef SHANNON_DEF_KERAS

// ---- optax --------------------------------------------------------------------------------------

void bind_optax(py::module_& m) {
    namespace po = pr::optax;
    using A = array<double>;
    using I = array<std::int64_t>;
    const auto by_rows = [&](const char* name, auto fn) {
        m.def(name, [fn](const request& r, const A& x, const A& y) { return run(r, fn, rows(x), rows(y)); });
    };
    by_rows("optax_softmax_cross_entropy", [](const auto& x, const auto& y) { return po::softmax_cross_entropy(x, y); });
    by_rows("optax_safe_softmax_cross_entropy",
            [](const auto& x, const auto& y) { return po::safe_softmax_cross_entropy(x, y); });
    by_rows("optax_kl_divergence", [](const auto& x, const auto& y) { return po::kl_divergence(x, y); });
    by_rows("optax_kl_divergence_with_log_targets",
            [](const auto& x, const auto& y) { return po::kl_divergence_with_log_targets(x, y); });
    by_rows("optax_generalized_kl_divergence", [](const auto& x, const auto& y) { return po::generalized_kl_divergence(x, y); });
    m.def("optax_softmax_cross_entropy_with_integer_labels", [](const request& r, const A& x, const I& y) {
        return run(r, [](const auto& a, const auto& b) { return po::softmax_cross_entropy_with_integer_labels(a, b); },
                   rows(x), flat(y));
    });
    m.def("optax_sigmoid_binary_cross_entropy", [](const request& r, const A& x, const A& y) {
        return run(r, [](const auto& a, const auto& b) { return po::sigmoid_binary_cross_entropy(a, b); }, flat(x), flat(y));
    });
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "shannon's oracle on NumPy arrays (use the `shannon` package, not this module)";
    py::class_<request>(m, "Request")
        .def(py::init<>())
        .def_readwrite("mode", &request::mode)
        .def_readwrite("dtype", &request::dtype)
        .def_readwrite("digits", &request::digits)
        .def_readwrite("bits", &request::bits)
        .def_readwrite("candidates", &request::candidates);
    bind_core(m);
    bind_torch(m);
    bind_scipy(m);
    bind_keras(m);
    bind_optax(m);
}
