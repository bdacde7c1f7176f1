#!/usr/bin/env python3
"""The API reference's coverage: fails when Doxygen warned while building it — an undocumented public
entity of include/shannon (WARN_IF_UNDOCUMENTED), a broken reference or a malformed comment.

Usage: api_coverage.py WARNINGS.txt        (Doxygen's WARN_LOGFILE, written by the docs_api target)
"""

import sys


def main():
    with open(sys.argv[1]) as f:
        warnings = [line.rstrip() for line in f if "warning:" in line or "error:" in line]
    for w in warnings:
        print(w)
    print(f"api_coverage: {len(warnings)} Doxygen warnings")
    sys.exit(1 if warnings else 0)


if __name__ == "__main__":
    main()
