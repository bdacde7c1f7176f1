// shannon/shannon.hpp — the whole core: helpers, measures, losses, likelihood.
//
// For MPFR and MPFI number types also include <shannon/mpfr.hpp> / <shannon/mpfi.hpp> (they need
// libmpfr / libmpfi at link time; the core needs only Boost's headers).
#pragma once

#include "error.hpp"
#include "likelihood.hpp"
#include "losses.hpp"
#include "math.hpp"
#include "measures.hpp"
#include "number_traits.hpp"
#include "options.hpp"
