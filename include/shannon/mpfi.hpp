// shannon/mpfi.hpp — moved to <shannon/numbers/mpfi.hpp>; this header forwards to it, so that code including the
// old path keeps compiling (the layout: core/ the quantities, numbers/ the number types, exact/ the
// oracle, profiles/ the frameworks' conventions).
#pragma once

#include "numbers/mpfi.hpp"  // IWYU pragma: export
