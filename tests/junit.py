"""The JUnit XML report and summary line shared by the Python test drivers (compile_fail.py,
cli_test.py): scripts/count_tests.py reads the report from the path in GTEST_OUTPUT ('xml:PATH'), as
it does for the GoogleTest executables."""
import os
import xml.etree.ElementTree as ET


def report(suite_name, results):
    """results: (name, ok, message[, seconds]) tuples. Prints each case and 'N passed, N failed',
    writes the report, and returns the exit status (1 if any case failed)."""
    failed = sum(1 for r in results if not r[1])
    suite = ET.Element("testsuite", name=suite_name, tests=str(len(results)), failures=str(failed))
    for name, ok, message, *rest in results:
        attrs = {"name": name, "classname": suite_name}
        if rest:
            attrs["time"] = f"{rest[0]:.2f}"
        tc = ET.SubElement(suite, "testcase", **attrs)
        if not ok:
            ET.SubElement(tc, "failure", message=message[:200]).text = message
        print(("ok   " if ok else "FAIL ") + name + (f" ({rest[0]:.1f} s)" if rest else "") + ("" if ok else ": " + message))
    out = os.environ.get("GTEST_OUTPUT", "")
    if out.startswith("xml:"):
        root = ET.Element("testsuites")
        root.append(suite)
        ET.ElementTree(root).write(out[4:])
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0
