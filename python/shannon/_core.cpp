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
        .def_readwrite("candidates", &request::candidates);
    // The list of core/registry.hpp (name, formula, command-line alias, argument kinds): the package
    // makes its measures' functions from it, and its tests check that it offers every entry by name.
    m.def("quantities", [] {
        py::list out;
        shannon::for_each_quantity([&](const auto& q) {
            const shannon::quantity_info& i = q.info;
            out.append(py::make_tuple(std::string(i.name), std::string(i.formula), std::string(i.alias),
                                      std::string(shannon::kind_name(i.arguments))));
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
}
