#!/usr/bin/env python3
"""Builds the API reference: empties Doxygen's output directory first (Doxygen never deletes a page, so an
entity removed or hidden since the last build would stay on the site), then runs Doxygen.

Usage: run_doxygen.py DOXYGEN DOXYFILE OUTPUT_DIR
"""

import shutil
import subprocess
import sys


def main():
    doxygen, doxyfile, out = sys.argv[1:4]
    shutil.rmtree(out, ignore_errors=True)
    sys.exit(subprocess.run([doxygen, doxyfile]).returncode)


if __name__ == "__main__":
    main()
