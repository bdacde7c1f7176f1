// shannon/detail/fp_contract.hpp — switches FMA contraction off for a header's own code.
//
// Error-free transformations (TwoSum, Dekker's product, the remainder of a division) need every
// a*b + c rounded twice: a contracted FMA changes the bits, and with -march=haswell GCC contracts
// even across statements. A header that relies on them writes SHANNON_FP_CONTRACT_OFF after its
// includes and SHANNON_FP_CONTRACT_RESTORE at its end, whatever flags the includer uses (GCC:
// optimize("fp-contract=off") pushed and popped; Clang: `#pragma clang fp contract`, set back to
// `on`, Clang's default for C++).
#pragma once

#if defined(__clang__)
#define SHANNON_FP_CONTRACT_OFF _Pragma("clang fp contract(off)")
#define SHANNON_FP_CONTRACT_RESTORE _Pragma("clang fp contract(on)")
#elif defined(__GNUC__)
#define SHANNON_FP_CONTRACT_OFF _Pragma("GCC push_options") _Pragma("GCC optimize(\"fp-contract=off\")")
#define SHANNON_FP_CONTRACT_RESTORE _Pragma("GCC pop_options")
#else
#define SHANNON_FP_CONTRACT_OFF
#define SHANNON_FP_CONTRACT_RESTORE
#endif
