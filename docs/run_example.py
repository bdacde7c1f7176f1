#!/usr/bin/env python3
"""Runs one of the documentation's code examples (docs/examples/) and writes what it printed, for the page
that shows it; exits non-zero when the example fails, so that the same call serves as its test (suite doc).

Usage: run_example.py exe PROGRAM [OUT]           a compiled C++ example
       run_example.py py SCRIPT [OUT]             a Python example (PYTHONPATH from the environment)
       run_example.py sh SCRIPT [OUT]             a shell example: each command is run and echoed as "$ command"
                                                  (BIN_DIR from the environment is put first on PATH)
"""

import os
import subprocess
import sys


def main():
    kind, path = sys.argv[1], sys.argv[2]
    out_path = sys.argv[3] if len(sys.argv) > 3 else None
    env = dict(os.environ)
    if env.get("BIN_DIR"):
        env["PATH"] = env["BIN_DIR"] + os.pathsep + env.get("PATH", "")
    if kind == "exe":
        runs = [([path], None)]
    elif kind == "py":
        runs = [([sys.executable, path], None)]
    elif kind == "sh":
        lines = [l.strip() for l in open(path) if l.strip() and not l.lstrip().startswith("#")]
        runs = [(["bash", "-c", l], l) for l in lines]
    else:
        sys.exit(f"run_example: unknown kind {kind}")
    text = ""
    for argv, shown in runs:
        r = subprocess.run(argv, env=env, capture_output=True, text=True)
        if shown is not None:
            text += f"$ {shown}\n"
        text += r.stdout
        if r.returncode != 0:
            sys.stderr.write(text + r.stderr)
            sys.exit(f"run_example: {path} failed ({shown or argv[0]}: exit {r.returncode})")
    if out_path:
        with open(out_path, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
