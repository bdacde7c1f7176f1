// cli/evaluate.cpp — the `shannon` command's evaluation of every kind of arguments (run_kind<K> and
// check_kind<K> of cli/evaluate.hpp), compiled apart from the command line's reading (main.cpp):
// the two translation units build in parallel. Measured (GCC 12 -O3): one TU 43 s; main.cpp 19 s
// beside this one; four TUs of two kinds each cost 82 CPU-s in all (each repeats the oracle's
// shared machinery), so the evaluation stays in one.
#include "evaluate.hpp"

namespace shannon_cli {

template void run_kind<kinds::distribution>(command&);
template void run_kind<kinds::two_distributions>(command&);
template void run_kind<kinds::labels_and_probabilities>(command&);
template void run_kind<kinds::labels_and_logits>(command&);
template void run_kind<kinds::classes_and_probabilities>(command&);
template void run_kind<kinds::classes_and_logits>(command&);
template void run_kind<kinds::observations_and_predictions>(command&);
template void run_kind<kinds::gaussian>(command&);
template void run_kind<kinds::distribution_and_order>(command&);
template void run_kind<kinds::two_distributions_and_order>(command&);
template void run_kind<kinds::joint_table>(command&);

template void check_kind<kinds::distribution>(command&, check_cases&);
template void check_kind<kinds::two_distributions>(command&, check_cases&);
template void check_kind<kinds::labels_and_probabilities>(command&, check_cases&);
template void check_kind<kinds::labels_and_logits>(command&, check_cases&);
template void check_kind<kinds::classes_and_probabilities>(command&, check_cases&);
template void check_kind<kinds::classes_and_logits>(command&, check_cases&);
template void check_kind<kinds::distribution_and_order>(command&, check_cases&);
template void check_kind<kinds::two_distributions_and_order>(command&, check_cases&);
template void check_kind<kinds::joint_table>(command&, check_cases&);

}  // namespace shannon_cli
