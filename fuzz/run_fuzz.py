#!/usr/bin/env python3
"""Runs a libFuzzer target for a bounded time on a fresh corpus seeded with valid inputs of each
reader (fuzz/cli_input.cpp), so that the run is reproducible (-seed=1) and needs no files in
the repository. Exit status: the fuzzer's (0 when it found nothing).

Usage: run_fuzz.py FUZZER SECONDS
"""
import os
import struct
import subprocess
import sys
import tempfile


def npy(dtype, fmt, values, shape):
    shape_txt = "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
    header = f"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shape_txt}, }}"
    header += " " * (63 - (len(header) + 10) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + struct.pack("<" + fmt * len(values), *values)


def main():
    fuzzer, seconds = sys.argv[1], int(sys.argv[2])
    seeds = [
        b"\x00" + npy("<f8", "d", [0.5, 0.25, 0.25, 1e-300], (4,)),
        b"\x00" + npy("<f4", "f", [0.5, 0.5, 0.25, 0.75], (2, 2)),
        b"\x00" + npy("<i8", "q", [0, 2, 1], (3,)),
        b"\x00" + npy("<i4", "i", [1, 0], (2,)),
        b"\x01" + b"0.5\n0.25 0.25\r\n0x1p-2\t1e-300\n",
        b"\x02" + b"0.5,0.5,-0x1.8p+3,inf,1e400,12345678901234567890",
        b"\x1a" + b"0,1,2,3,4,5",
    ]
    with tempfile.TemporaryDirectory() as corpus:
        for i, s in enumerate(seeds):
            with open(os.path.join(corpus, f"seed{i}"), "wb") as f:
                f.write(s)
        r = subprocess.run([fuzzer, f"-max_total_time={seconds}", "-timeout=10", "-rss_limit_mb=2048", "-seed=1",
                            "-print_final_stats=1", f"-artifact_prefix={corpus}/", corpus])
    print(f"fuzzer exit status {r.returncode}")
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
