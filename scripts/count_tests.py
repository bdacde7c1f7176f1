#!/usr/bin/env python3
"""Counts test cases over the configurations scripts/test.sh ran and prints 'N passed, N failed'.

Arguments: build folders (their meson-logs/testlog.json and gtest-results/*.xml are read),
'DIR:setup-failed' / 'DIR:build-failed' (one failure each), or 'NAME:ok:N' / 'NAME:failed:N'
for checks run outside Meson.

A GoogleTest executable counts each of its test cases (from its JUnit XML). A Meson test without
such a report, or whose report is missing although Meson ran it (a crash, a sanitizer abort),
counts as one case, failed unless Meson says it passed.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
lines = []

for arg in sys.argv[1:]:
    parts = arg.split(":")
    if len(parts) == 3:
        name, state, n = parts[0], parts[1], int(parts[2])
        if state == "ok":
            passed += n
        else:
            failed += n
        lines.append(f"  {name}: {state} ({n} checks)")
        continue
    if len(parts) == 2:
        failed += 1
        lines.append(f"  {parts[0]}: {parts[1]}")
        continue
    folder = arg
    log = os.path.join(folder, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        failed += 1
        lines.append(f"  {folder}: no test log")
        continue
    p = f = s = 0
    details = []
    with open(log) as fh:
        for raw in fh:
            t = json.loads(raw)
            ok = t["result"] == "OK"
            xml_path = None
            env = t.get("env") or {}
            out = env.get("GTEST_OUTPUT", "")
            if out.startswith("xml:"):
                xml_path = out[4:]
            cases = None
            if xml_path and os.path.exists(xml_path):
                try:
                    root = ET.parse(xml_path).getroot()
                    cases = [0, 0, 0]
                    for tc in root.iter("testcase"):
                        if tc.find("failure") is not None or tc.find("error") is not None:
                            cases[1] += 1
                        elif tc.get("result") == "skipped" or tc.find("skipped") is not None:
                            cases[2] += 1
                        else:
                            cases[0] += 1
                except ET.ParseError:
                    cases = None
            if cases is None:
                if t["result"] == "SKIP":
                    s += 1
                elif ok:
                    p += 1
                else:
                    f += 1
                details.append(f"    {t['name']}: {'passed' if ok else 'FAILED (' + t['result'] + ')'}")
            else:
                details.append(f"    {t['name']}: {cases[0]} passed, {cases[1]} failed, {cases[2]} skipped"
                               + ("" if ok else f" (Meson: {t['result']})"))
                p += cases[0]
                f += cases[1]
                s += cases[2]
                if not ok and cases[1] == 0:
                    f += 1  # the executable failed (crash, sanitizer) beyond its reported cases
    passed += p
    failed += f
    skipped += s
    lines.append(f"  {folder}: {p} passed, {f} failed, {s} skipped")
    lines.extend(sorted(details))

print("\n".join(lines))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
