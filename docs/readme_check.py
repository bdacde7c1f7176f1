#!/usr/bin/env python3
"""Checks the figures the README states against the ones measured when the documentation is built: the
accuracy table (worst error per number type, in ulps, to the digits the README prints), the number of
reference cases and quantities, and the count of compile-time proofs. The README is read on GitHub
without a build, so its figures are typed; this test (suite doc) fails when they go stale.

Usage: readme_check.py README.md ACCURACY.json PROOFS.json       (docs/accuracy.py, docs/proofs.py)
"""

import json
import re
import sys
from decimal import ROUND_HALF_EVEN, Decimal

# README row label (the backticked type names) -> the accuracy suites it summarizes
ROWS = {
    ("float",): ["float"],
    ("double",): ["double"],
    ("long double",): ["long_double"],
    ("cpp_bin_float_50", "cpp_bin_float_100", "mpfr_float_50"): ["cpp_bin_float_50", "cpp_bin_float_100",
                                                                 "mpfr_float_50"],
    ("mpfr_float",): ["mpfr_float_1000"],
    ("mpfi_float_50",): ["mpfi_float_50"],
}
NUMBERS = {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "six": 6, "five": 5}


def main():
    readme = open(sys.argv[1]).read()
    measured = json.load(open(sys.argv[2]))["accuracy_measured"]
    proofs = json.load(open(sys.argv[3]))
    problems, checked = [], 0

    def expect(what, stated, actual):
        nonlocal checked
        checked += 1
        if stated != actual:
            problems.append(f"{what}: the README says {stated}, measured {actual}")

    section = readme[readme.index("## Number types and accuracy"):readme.index("## At compile time")]
    seen = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].startswith("`"):
            continue
        names = tuple(re.findall(r"`([^`]+)`", cells[0]))
        if names not in ROWS:
            problems.append(f"accuracy table: unknown row {cells[0]!r}")
            continue
        seen.add(names)
        m = re.fullmatch(r"([0-9.]+) ulp", cells[1])
        if not m:
            continue  # the interval row states a property (contains the value; width <= 1 ulp)
        stated = Decimal(m.group(1))
        worst = max(measured[t]["ulp"] for t in ROWS[names])
        rounded = Decimal(repr(worst)).quantize(stated, rounding=ROUND_HALF_EVEN)
        expect(f"worst error of {', '.join(names)}", str(stated), str(rounded))
    for names in ROWS:
        if names not in seen:
            problems.append(f"accuracy table: no row for {', '.join(names)}")

    m = re.search(r"(\d+) cases of (\d+) quantities", section)
    if not m:
        problems.append("the sentence 'N cases of M quantities' is missing")
    else:
        expect("reference cases (double)", int(m.group(1)), measured["double"]["cases"])
        expect("quantities", int(m.group(2)), measured["double"]["quantities"])
    m = re.search(r"the (\d+) cases whose inputs are binary32", section)
    if not m:
        problems.append("the sentence 'the N cases whose inputs are binary32' is missing")
    else:
        expect("reference cases (float)", int(m.group(1)), measured["float"]["cases"])

    m = re.search(r"`proofs/` holds (\w+) translation units of `static_assert`s \((\d+) of them", readme)
    if not m:
        problems.append("the sentence on proofs/ ('holds N translation units ... (M of them') is missing")
    else:
        expect("proof files", NUMBERS.get(m.group(1), m.group(1)), int(proofs["proofs_files"]["text"]))
        expect("static_asserts", int(m.group(2)), int(proofs["proofs_total"]["text"]))

    for p in problems:
        print("readme_check:", p)
    print(f"readme_check: {checked} figures checked, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
