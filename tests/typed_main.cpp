// tests/typed_main.cpp — main() of the per-type test executable: accuracy.cpp, unit.cpp and this file
// are compiled as one translation unit per number type (Meson's unity build, tests/meson.build), so the
// headers (GoogleTest, Boost.Multiprecision, shannon: about 5 s) are parsed once per type, not twice.
// scripts/test.sh runs it twice, as the accuracy and the unit suite (--gtest_filter).
#include <gtest/gtest.h>

#include "test_types.hpp"

int main(int argc, char** argv) {
    test_types::setup();
    ::testing::InitGoogleTest(&argc, argv);
    const int rc = RUN_ALL_TESTS();
    test_types::print_accuracy_report();
    return rc;
}
