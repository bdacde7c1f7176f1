// The Python extension behind the `shannon` package: every quantity of the core and of the framework
// profiles, evaluated by the oracle (shannon::exact) on NumPy arrays.
//
// Each function takes a request (what to compute: the correctly rounded value in a dtype, N digits,
// an enclosure, or the ulp errors of candidates) followed by the quantity's inputs. float64 and
// float32 arrays are read in place (std::span over the array's buffer: no copy), which keeps the
// oracle's fast paths (entropy, cross-entropy, KL, generalized KL) at their C++ speed; the GIL is
// released while the oracle runs. The Python layer (shannon/_api.py) builds the requests and turns
// the raw results (doubles, decimal strings) into Python numbers.
#include "_core.hpp"

using namespace shannon_python;

PYBIND11_MODULE(_core, m) {
    m.doc() = "shannon's oracle on NumPy arrays (use the `shannon` package, not this module)";
    py::class_<request>(m, "Request")
        .def(py::init<>())
        .def_readwrite("mode", &request::mode)
        .def_readwrite("dtype", &request::dtype)
        .def_readwrite("digits", &request::digits)
        .def_readwrite("bits", &request::bits)
        .def_readwrite("candidates", &request::candidates)
        .def_readwrite("into", &request::into);
    // exact::accumulator: the state of a sum seen in parts (the Python class shannon.Accumulator wraps it).
    py::class_<ex::accumulator, std::shared_ptr<ex::accumulator>>(m, "Accumulator")
        .def(py::init([](const std::string& name, const std::string& how, std::size_t sums, unsigned bits, int plus, int minus,
                         double base) {
                 if (how != "sum" && how != "mean" && how != "normalized") {
                     throw py::value_error("shannon._core.Accumulator: how is 'sum', 'mean' or 'normalized', not '" + how + "'");
                 }
                 const ex::accumulation kind = how == "sum"    ? ex::accumulation::sum
                                               : how == "mean" ? ex::accumulation::mean
                                                               : ex::accumulation::normalized;
                 return std::make_shared<ex::accumulator>(name, kind, sums, bits, ex::normalized_form{plus, minus, base});
             }),
             py::arg("name"), py::arg("how"), py::arg("sums"), py::arg("bits"), py::arg("plus") = -1, py::arg("minus") = -1,
             py::arg("base") = 0.0)
        .def_property_readonly("name", &ex::accumulator::name)
        .def_property_readonly("mean", [](const ex::accumulator& a) { return a.how() == ex::accumulation::mean; })
        .def_property_readonly("bits", &ex::accumulator::bits)
        .def_property_readonly("parts", &ex::accumulator::parts)
        .def_property_readonly("sums", &ex::accumulator::sums)
        .def("add_exact",
             [](ex::accumulator& a, std::size_t i, const py::array_t<double, py::array::c_style | py::array::forcecast>& x) {
                 const double* d = x.data();
                 const auto n = static_cast<std::size_t>(x.size());
                 without_gil([&] { a.add_exact(i, d, n); });
             })
        .def("exact_sum",
             [](const ex::accumulator& a, std::size_t i) {  // (m, e): the sum is m 2^e exactly
                 const ex::real s = a.exact_sum(i);
                 mpz_t z;
                 mpz_init(z);
                 long e = 0;
                 if (!mpfr_zero_p(s.backend().data())) {
                     e = mpfr_get_z_2exp(z, s.backend().data());
                 }
                 char* text = mpz_get_str(nullptr, 16, z);
                 std::string hex(text);
                 void (*free_fn)(void*, std::size_t) = nullptr;
                 mp_get_memory_functions(nullptr, nullptr, &free_fn);
                 free_fn(text, hex.size() + 1);
                 mpz_clear(z);
                 return py::make_tuple(py::int_(py::reinterpret_steal<py::object>(PyLong_FromString(hex.c_str(), nullptr, 16))), e);
             })
        .def("merge", [](ex::accumulator& a, const ex::accumulator& o) { a.merge(o); })
        .def("to_bytes", [](const ex::accumulator& a) { return py::bytes(a.to_bytes()); })
        .def_static("from_bytes",
                    [](const py::bytes& b) { return std::make_shared<ex::accumulator>(ex::accumulator::from_bytes(std::string(b))); })
        .def("round",
             [](const ex::accumulator& a, const std::string& dtype) {
                 const ex::rounded r = a.round(format_of(dtype));
                 return py::make_tuple(r.value, r.determined);
             })
        .def("digits", &ex::accumulator::digits)
        .def("enclose", [](const ex::accumulator& a, unsigned n) {
            const auto [lo, hi] = a.enclose();
            return py::make_tuple(ex::detail::decimal(lo, n, MPFR_RNDD), ex::detail::decimal(hi, n, MPFR_RNDU));
        });
    // The list of core/registry.hpp (name, formula, command-line alias, argument kinds): the package
    // makes its measures' functions from it, and its tests check that it offers every entry by name.
    m.def("quantities", [] {
        py::list out;
        shannon::for_each_quantity([&](const auto& q) {
            const shannon::quantity_info& i = q.info;
            out.append(py::make_tuple(std::string(i.name), std::string(i.formula), std::string(i.alias),
                                      std::string(shannon::kind_name(i.arguments)), std::string(i.reads)));
        });
        return out;
    });
    // The list of profiles/registry.hpp (framework, name, the function it reproduces, has a gradient):
    // the package's tests check that each framework module offers exactly these, the site lists them.
    m.def("profile_functions", [] {
        py::list out;
        for (const shannon::profiles::profile_info& i : shannon::profiles::profile_functions) {
            out.append(py::make_tuple(std::string(i.framework), std::string(i.name), std::string(i.reproduces), i.gradient));
        }
        return out;
    });
    bind_core(m);
    bind_torch(m);
    bind_scipy(m);
    bind_keras(m);
    bind_optax(m);
    bind_distributions(m);
}
