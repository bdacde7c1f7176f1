// shannon/detail/fp_contract.hpp — switches FMA contraction off for a header's own code.
//
// Error-free transformations (TwoSum, Dekker's product, the remainder of a division) need every
// a*b + c rounded twice: a contracted FMA changes the bits, and with -march=haswell GCC contracts
// even across statements. A header that relies on them writes SHANNON_FP_CONTRACT_OFF after its
// includes and SHANNON_FP_CONTRACT_RESTORE at its end, whatever flags the includer uses (GCC:
// optimize("fp-contract=off") pushed and popped; Clang: `#pragma clang fp contract`, set back to
// `on`, Clang's default for C++).
//
// GCC gives a friend function defined inside a class none of the pragma's options (measured with GCC
// 12: such a friend then cannot inline the region's own functions, double_word's constructor
// among them, "optimization level attribute mismatch"); a header's in-class friends therefore say
// SHANNON_FP_CONTRACT_OFF_FRIEND after `friend`. Nesting one header's region inside another's
// (including a header between the two macros) makes a second, different set of options with the
// same effect, and calls between the two sets are not inlined either: includes go before the
// region.
#pragma once

#if defined(__clang__)
#define SHANNON_FP_CONTRACT_OFF _Pragma("clang fp contract(off)")
#define SHANNON_FP_CONTRACT_RESTORE _Pragma("clang fp contract(on)")
#define SHANNON_FP_CONTRACT_OFF_FRIEND
#elif defined(__GNUC__)
#define SHANNON_FP_CONTRACT_OFF _Pragma("GCC push_options") _Pragma("GCC optimize(\"fp-contract=off\")")
#define SHANNON_FP_CONTRACT_RESTORE _Pragma("GCC pop_options")
#define SHANNON_FP_CONTRACT_OFF_FRIEND __attribute__((optimize("fp-contract=off")))
#else
#define SHANNON_FP_CONTRACT_OFF
#define SHANNON_FP_CONTRACT_RESTORE
#define SHANNON_FP_CONTRACT_OFF_FRIEND
#endif
