#!/usr/bin/env python3
"""Negative proofs: code that must not compile, each case with a twin that must.

Every tests/compile_fail/*.cpp is compiled twice with the build's own compiler and flags:
  with -DSHANNON_TWIN   it must compile (so a typo, a missing header or a wrong name cannot make the
                        negative case "pass" by failing for another reason);
  without it            it must fail, and the compiler's diagnostics must match every '// expect:'
                        line of the file (a regular expression: the library's message, the function).

Writes a JUnit XML report (two test cases per file) to the path in GTEST_OUTPUT ('xml:PATH'), as
the GoogleTest executables do, and exits 1 if any check failed.

Usage: compile_fail.py CASES_DIR -- COMPILER [ARGS...]
"""
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import junit


def compile_case(cmd, path, twin):
    with tempfile.TemporaryDirectory() as tmp:
        args = cmd + (["-DSHANNON_TWIN"] if twin else []) + ["-c", path, "-o", os.path.join(tmp, "case.o")]
        t0 = time.monotonic()
        proc = subprocess.run(args, capture_output=True, text=True)
        return proc.returncode, proc.stdout + proc.stderr, time.monotonic() - t0


def check_case(cmd, cases_dir, name):
    path = os.path.join(cases_dir, name)
    with open(path) as fh:
        expects = [m.group(1).strip() for m in re.finditer(r"^// expect: (.*)$", fh.read(), re.M)]
    if not expects:
        return [(name, False, "no '// expect:' line", 0.0)]
    results = []
    rc, out, secs = compile_case(cmd, path, twin=True)
    results.append((name + " (twin compiles)", rc == 0, "" if rc == 0 else "the twin does not compile:\n" + out[-3000:], secs))
    rc, out, secs = compile_case(cmd, path, twin=False)
    if rc == 0:
        results.append((name + " (does not compile)", False, "compiled, but must not", secs))
        return results
    missing = [e for e in expects if not re.search(e, out)]
    results.append((name + " (does not compile)", not missing,
                    "" if not missing else f"diagnostics lack {missing}:\n" + out[-3000:], secs))
    return results


def main():
    sep = sys.argv.index("--")
    cases_dir = sys.argv[1]
    cmd = sys.argv[sep + 1:]
    names = sorted(n for n in os.listdir(cases_dir) if n.endswith(".cpp"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        per_case = list(pool.map(lambda n: check_case(cmd, cases_dir, n), names))
    results = [r for rs in per_case for r in rs]  # (name, ok, message, seconds)

    return junit.report("compile_fail", results)

if __name__ == "__main__":
    sys.exit(main())
