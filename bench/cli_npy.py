#!/usr/bin/env python3
"""The shannon command on large .npy inputs against numpy's naive formula, whole processes, same files.

Usage: python3 bench/cli_npy.py SHANNON_EXECUTABLE [N=10000000] [REPEATS=5]
Writes two random distributions of N float64 values to .npy files in a temporary folder, then times
(minimum over the repeats, with the peak resident memory of that run, from /usr/bin/time):
  shannon kl --p @P.npy --q @Q.npy            the correctly rounded KL
  shannon kl --p @P.npy --q @Q.npy --json     the same with the enclosure
  python3 -c 'np.sum(p * np.log(p / q))'      numpy's naive formula, loading the same files
Each is a new process, started cold as a user would start it.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np


def timed(cmd):
    """(seconds, peak RSS in MB, stdout) of one run, measured by /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r") as t:
        out = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", t.name] + cmd, check=True, capture_output=True,
                             text=True).stdout
        seconds, kb = t.read().split()
    return float(seconds), int(kb) / 1024, out.strip()


def main():
    exe = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10**7
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    rng = np.random.default_rng(20261205)
    with tempfile.TemporaryDirectory() as d:
        p_file = os.path.join(d, "P.npy")
        q_file = os.path.join(d, "Q.npy")
        for name in (p_file, q_file):
            v = rng.random(n)
            np.save(name, v / v.sum())
        naive = ("import numpy as np; p = np.load('%s'); q = np.load('%s'); print(repr(float(np.sum(p * np.log(p / q)))))"
                 % (p_file, q_file))
        cases = [("shannon kl (correctly rounded)", [exe, "kl", "--p", "@" + p_file, "--q", "@" + q_file]),
                 ("shannon kl --json (with the enclosure)", [exe, "kl", "--p", "@" + p_file, "--q", "@" + q_file, "--json"]),
                 ("numpy naive np.sum(p*np.log(p/q))", ["/usr/bin/python3", "-c", naive])]
        print(f"N = {n:,} float64 per file ({2 * n * 8 / 2**20:.0f} MB of inputs), minimum of {repeats} runs")
        for what, cmd in cases:
            runs = [timed(cmd) for _ in range(repeats)]
            s, mb, out = min(runs)
            shown = out if len(out) < 60 else out[:57] + "..."
            print(f"  {what:42s} {s:6.2f} s  {mb:7.0f} MB peak   {shown}")


if __name__ == "__main__":
    main()
