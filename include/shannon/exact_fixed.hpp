// shannon/exact_fixed.hpp — moved to <shannon/exact/fixed.hpp>; this header forwards to it, so that code including the
// old path keeps compiling (the layout: core/ the quantities, numbers/ the number types, exact/ the
// oracle, profiles/ the frameworks' conventions).
#pragma once

#include "exact/fixed.hpp"  // IWYU pragma: export
