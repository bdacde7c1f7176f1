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
import xml.etree.ElementTree as ET


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

    suite = ET.Element("testsuite", name="compile_fail", tests=str(len(results)),
                       failures=str(sum(1 for r in results if not r[1])))
    for name, ok, message, secs in results:
        tc = ET.SubElement(suite, "testcase", name=name, classname="compile_fail", time=f"{secs:.2f}")
        if not ok:
            ET.SubElement(tc, "failure", message=message[:200]).text = message
        print(f"{'ok  ' if ok else 'FAIL'} {name} ({secs:.1f} s)")
        if not ok:
            print(message)
    out = os.environ.get("GTEST_OUTPUT", "")
    if out.startswith("xml:"):
        root = ET.Element("testsuites")
        root.append(suite)
        ET.ElementTree(root).write(out[4:])
    failed = sum(1 for r in results if not r[1])
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
