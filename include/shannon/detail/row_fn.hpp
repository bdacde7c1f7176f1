// shannon/detail/row_fn.hpp — the names of the elementwise functions a number type may compute over a
// whole row with its own kernel (the certified ball's detail/map_row.hpp), which the profiles'
// generic elementwise loop asks for by argument-dependent lookup (profiles/common.hpp's
// elementwise_with, numbers/ball_rows.hpp's map_row).
#pragma once

namespace shannon::detail {

/// sigmoid(x) = 1 / (1 + e^-x); softplus(x) = log(1 + e^x); log_sigmoid(x) = -softplus(-x);
/// entr(x) = -x log x; xlogy(x, y) = x log y.
enum class row_fn { sigmoid, softplus, log_sigmoid, entr, xlogy };

}  // namespace shannon::detail
