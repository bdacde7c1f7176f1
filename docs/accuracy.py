#!/usr/bin/env python3
"""The accuracy page's figures: runs the accuracy suites (tests/core/accuracy.cpp, one executable per number type)
against the mpmath reference table and collects the worst error each reports, per type.

Usage: accuracy.py OUT.json TYPE=EXECUTABLE ...     (SHANNON_REFERENCE: the reference table, generators/gen_reference.py)
Writes {"accuracy_table": {"text": markdown table}, "accuracy_cases": ..., "accuracy_quantities": ...,
"accuracy_measured": {type: {"cases", "quantities", "ulp", "units"}}} (the last for docs/readme_check.py).
"""

import json
import os
import re
import subprocess
import sys

ROW = re.compile(r"^\s+(\S+)\s+cases\s+(\d+)\s+max\s+(\S+)\s+ulp,\s+(\S+)\s+units")
NAMES = {
    "float": "`float`", "double": "`double`", "long_double": "`long double`",
    "cpp_bin_float_50": "`cpp_bin_float_50`", "cpp_bin_float_100": "`cpp_bin_float_100`",
    "mpfr_float_50": "`mpfr_float_50`", "mpfr_float_1000": "`mpfr_float` at 1000 digits",
    "mpfi_float_50": "`mpfi_float_50` (interval: the enclosure's width)",
}


def main():
    out = sys.argv[1]
    rows = ["| type | cases | quantities | worst error (ulp) | worst error (units) | asserted |", "|---|---|---|---|---|---|"]
    all_cases = 0
    quantities = set()
    measured = {}
    for arg in sys.argv[2:]:
        t, exe = arg.split("=", 1)
        r = subprocess.run([exe, "--gtest_filter=reference/accuracy.*"], capture_output=True, text=True, env=dict(os.environ, GTEST_OUTPUT=""))
        if r.returncode != 0:
            sys.exit(f"accuracy.py: {exe} failed:\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
        cases = worst_ulp = worst_units = 0
        n = 0
        for line in r.stdout.splitlines():
            m = ROW.match(line)
            if m:
                n += 1
                quantities.add(m.group(1))
                cases += int(m.group(2))
                worst_ulp = max(worst_ulp, float(m.group(3)))
                worst_units = max(worst_units, float(m.group(4)))
        if n == 0:
            sys.exit(f"accuracy.py: {exe} printed no report")
        all_cases = max(all_cases, cases)
        bound = "contains the exact value; width ≤ 1 unit" if t.startswith("mpfi") else "≤ 1 unit"
        measured[t] = {"cases": cases, "quantities": n, "ulp": worst_ulp, "units": worst_units}
        rows.append(f"| {NAMES.get(t, t)} | {cases} | {n} | {worst_ulp:.4g} | {worst_units:.4g} | {bound} |")
    with open(out, "w") as f:
        json.dump({"accuracy_table": {"text": "\n".join(rows)},
                   "accuracy_cases": {"text": str(all_cases)},
                   "accuracy_quantities": {"text": str(len(quantities))},
                   "accuracy_measured": measured}, f, indent=1)


if __name__ == "__main__":
    main()
