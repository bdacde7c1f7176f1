// shannon/error.hpp — moved to <shannon/core/error.hpp>; this header forwards to it, so that code including the
// old path keeps compiling (the layout: core/ the quantities, numbers/ the number types, exact/ the
// oracle, profiles/ the frameworks' conventions).
#pragma once

#include "core/error.hpp"  // IWYU pragma: export
