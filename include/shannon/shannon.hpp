// shannon/shannon.hpp — the whole core: helpers, measures, losses, likelihood.
//
// For MPFR and MPFI number types also include <shannon/mpfr.hpp> / <shannon/mpfi.hpp> (they need
// libmpfr / libmpfi at link time). The core itself includes no Boost header.
#pragma once

#include "core/error.hpp"
#include "core/likelihood.hpp"
#include "core/losses.hpp"
#include "core/math.hpp"
#include "core/measures.hpp"
#include "numbers/traits.hpp"
#include "core/options.hpp"
#include "core/registry.hpp"
#include "core/renyi.hpp"
#include "core/tables.hpp"
