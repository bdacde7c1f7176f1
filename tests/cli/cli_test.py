#!/usr/bin/env python3
"""Tests of the `shannon` command (cli/main.cpp): values against mpmath, the input forms (inline,
text files, .npy of every accepted dtype and shape), the output forms, and bad input (exit status 2,
a message naming the argument, empty stdout).

Writes a JUnit XML report to the path in GTEST_OUTPUT ('xml:PATH') and exits 1 on any failure.
Usage: cli_test.py PATH_TO_SHANNON
"""
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tests/junit.py
import junit  # noqa: E402
import mpmath  # noqa: E402
from mpmath import mp, mpf  # noqa: E402

mp.dps = 60
exe = sys.argv[1]
results = []


def run(*args):
    p = subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


def expect_value(name, args, expected):
    rc, out, err = run(*args)
    check(name, rc == 0 and out == expected, f"rc={rc} out={out!r} err={err!r} expected {expected!r}")


def expect_error(name, args, *fragments):
    rc, out, err = run(*args)
    ok = rc == 2 and out == "" and all(f in err for f in fragments)
    check(name, ok, f"rc={rc} out={out!r} err={err!r} expected fragments {fragments}")


def npy(path, dtype, values, shape=None, truncate=0, fortran=False):
    fmt = {"<f8": "d", "<f4": "f", "<i8": "q", "<i4": "i"}[dtype]
    shape = shape or (len(values),)
    shape_txt = "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
    header = f"{{'descr': '{dtype}', 'fortran_order': {fortran}, 'shape': {shape_txt}, }}"
    header += " " * (63 - (len(header) + 10) % 64) + "\n"
    body = struct.pack("<" + fmt * len(values), *values)
    data = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + body
    with open(path, "wb") as f:
        f.write(data[: len(data) - truncate] if truncate else data)


def kl(p, q):
    return sum(mpf(a) * mpmath.log(mpf(a) / mpf(b)) for a, b in zip(p, q) if a)


def shortest(x):
    return repr(float(x))


def main():
    tmp = tempfile.mkdtemp()
    # Values: exact decimals (mpmath on the decimals) and rounded inputs (mpmath on the doubles).
    expect_value("kl exact decimals", ["kl", "--p", "0.5,0.5", "--q", "0.9,0.1"],
                 shortest(kl([mpf("0.5")] * 2, [mpf("0.9"), mpf("0.1")])))
    expect_value("kl --round-inputs binary64", ["kl", "--p", "0.5,0.5", "--q", "0.9,0.1", "--round-inputs", "binary64"],
                 shortest(kl([0.5, 0.5], [0.9, 0.1])))
    d30 = mpmath.nstr(kl([mpf("0.5")] * 2, [mpf("0.9"), mpf("0.1")]), 30, min_fixed=1, max_fixed=0)
    rc, out, _ = run("kl", "--p", "0.5,0.5", "--q", "0.9,0.1", "--digits", "30")
    check("kl --digits 30", rc == 0 and mpf(out) == mpf(d30) and len(out.split("e")[0].replace(".", "")) == 30,
          f"{out} vs {d30}")
    expect_value("entropy in bits", ["entropy", "--p", "0.25,0.25,0.5", "--base", "2"], "1.5")
    expect_value("entropy one-hot is 0", ["entropy", "--p", "0,1,0"], "0")
    expect_value("kl P = P is 0", ["kl", "--p", "0.2,0.8", "--q", "0.2,0.8"], "0")
    expect_value("bce-logits 1e300", ["bce-logits", "--labels", "1", "--logits", "-1e300"], "1e+300")
    expect_value("hex floats", ["entropy", "--p", "0x1p-1,0x1p-1"], shortest(mpmath.log(2)))
    rc, out, _ = run("kl", "--p", "0.5,0.5", "--q", "0.9,0.1", "--format", "binary32")
    check("kl --format binary32", rc == 0 and out == repr(struct.unpack("f", struct.pack("f", float(kl([mpf("0.5")] * 2, [mpf("0.9"), mpf("0.1")]))))[0])[:len(out)], out)
    rc, out, _ = run("kl", "--p", "0.5,0.5", "--q", "0.9,0.1", "--json")
    try:
        j = json.loads(out)
        lo, hi = (mpf(x) for x in j["enclosure"])
        exact = kl([mpf("0.5")] * 2, [mpf("0.9"), mpf("0.1")])
        check("kl --json", rc == 0 and j["quantity"] == "kl" and j["format"] == "binary64" and lo <= exact <= hi
              and hi - lo < mpf("1e-38"), out)
    except (ValueError, KeyError) as e:
        check("kl --json", False, f"{e}: {out}")
    # Batched losses: class indices, target rows, logits, reduction.
    z = [[2, 1, 0.1], [0.5, 0.2, 3]]
    def cce(row, k):
        return mpmath.log(sum(mpmath.exp(mpf(str(a))) for a in row)) - mpf(str(row[k]))
    expect_value("cce-logits mean", ["cce-logits", "--labels", "0,2", "--logits", "2,1,0.1,0.5,0.2,3", "--classes", "3"],
                 shortest((cce(z[0], 0) + cce(z[1], 2)) / 2))
    expect_value("cce-logits sum", ["cce-logits", "--labels", "0,2", "--logits", "2,1,0.1,0.5,0.2,3", "--classes", "3",
                                    "--reduction", "sum"], shortest(cce(z[0], 0) + cce(z[1], 2)))
    expect_value("cce-logits one-hot rows", ["cce-logits", "--labels", "1,0,0,0,0,1", "--logits", "2,1,0.1,0.5,0.2,3",
                                             "--classes", "3"], shortest((cce(z[0], 0) + cce(z[1], 2)) / 2))
    expect_value("cce integral float labels", ["cce", "--labels", "1.0", "--p", "0.25,0.75", "--classes", "2"],
                 shortest(-mpmath.log(mpf("0.75"))))
    expect_value("cce-logits --reduction none", ["cce-logits", "--labels", "0,2", "--logits", "2,1,0.1,0.5,0.2,3",
                                                 "--classes", "3", "--reduction", "none"],
                 shortest(cce(z[0], 0)) + "\n" + shortest(cce(z[1], 2)))
    expect_value("cce rows --reduction none", ["cce", "--labels", "0,1,1,0", "--p", "0.25,0.75,0.5,0.5", "--classes", "2",
                                               "--reduction", "none", "--digits", "20"],
                 mpmath.nstr(-mpmath.log(mpf("0.75")), 20, min_fixed=1, max_fixed=0) + "\n"
                 + mpmath.nstr(mpmath.log(2), 20, min_fixed=1, max_fixed=0))
    def bce(y, p):
        y, p = mpf(y), mpf(p)
        return -(y * mpmath.log(p) + (1 - y) * mpmath.log(1 - p))
    expect_value("bce --reduction none", ["bce", "--labels", "1,0,0.25", "--p", "0.9,0.2,0.5", "--reduction", "none"],
                 "\n".join(shortest(bce(y, p)) for y, p in (("1", "0.9"), ("0", "0.2"), ("0.25", "0.5"))))
    expect_value("mse --reduction none", ["mse", "--y", "1,2,3", "--mu", "1,2,4.5", "--reduction", "none"], "0\n0\n2.25")
    rc, out, err = run("bce-logits", "--labels", "1,0", "--logits", "-1e300,3", "--reduction", "none", "--json")
    try:
        j = json.loads(out)
        v = j["values"]
        exact1 = mpmath.log1p(mpmath.exp(3))
        check("bce-logits --reduction none --json", rc == 0 and j["reduction"] == "none" and len(v) == 2
              and v[0]["value"] == "1e+300" and mpf(v[1]["enclosure"][0]) <= exact1 <= mpf(v[1]["enclosure"][1]), out)
    except (ValueError, KeyError) as e:
        check("bce-logits --reduction none --json", False, f"{e}: {out} {err}")
    expect_error("--reduction none on a measure", ["kl", "--p", "1", "--q", "1", "--reduction", "none"],
                 "--reduction none", "kl")
    expect_error("--reduction none, length mismatch", ["bce", "--labels", "1,0", "--p", "0.5", "--reduction", "none"],
                 "'p'", "1 entries for 2")
    expect_value("mse", ["mse", "--y", "1,2,3", "--mu", "1,2,4"], shortest(mpf(1) / 3))
    expect_value("nll-gaussian", ["nll-gaussian", "--y", "50,60", "--mu", "50,60", "--sigma2", "1"],
                 shortest(mpmath.log(2 * mpmath.pi)))
    # Files: text and .npy of every dtype, 2-D shapes.
    with open(os.path.join(tmp, "p.txt"), "w") as f:
        f.write("0.5\n0.25 0.25\n")
    expect_value("text file", ["entropy", "--p", "@" + os.path.join(tmp, "p.txt")], shortest(mpmath.log(2) * mpf("1.5")))
    npy(os.path.join(tmp, "p8.npy"), "<f8", [0.5, 0.5])
    npy(os.path.join(tmp, "q4.npy"), "<f4", [0.9, 0.1])
    q32 = [struct.unpack("f", struct.pack("f", x))[0] for x in (0.9, 0.1)]
    expect_value("npy float64 and float32 read exactly", ["kl", "--p", "@" + os.path.join(tmp, "p8.npy"), "--q",
                                                          "@" + os.path.join(tmp, "q4.npy")], shortest(kl([0.5, 0.5], q32)))
    # A larger .npy pair (the oracle's fast path: the doubles are exact inputs) against mpmath.
    rng = random.Random(5)
    w = [rng.random() for _ in range(20000)]
    pw = [x / sum(w) for x in w]
    v = [rng.random() for _ in range(20000)]
    qv = [x / sum(v) for x in v]
    npy(os.path.join(tmp, "pbig.npy"), "<f8", pw)
    npy(os.path.join(tmp, "qbig.npy"), "<f8", qv)
    with mp.workdps(40):
        expect_value("kl of 20,000 float64 from .npy", ["kl", "--p", "@" + os.path.join(tmp, "pbig.npy"), "--q",
                                                       "@" + os.path.join(tmp, "qbig.npy")], shortest(kl(pw, qv)))
        expect_value("entropy of 20,000 float64 from .npy", ["entropy", "--p", "@" + os.path.join(tmp, "pbig.npy")],
                     shortest(-sum(mpf(a) * mpmath.log(mpf(a)) for a in pw)))
    npy(os.path.join(tmp, "z.npy"), "<f8", [2, 1, 0.1, 0.5, 0.2, 3], shape=(2, 3))
    npy(os.path.join(tmp, "l8.npy"), "<i8", [0, 2])
    npy(os.path.join(tmp, "l4.npy"), "<i4", [0, 2])
    for lab in ("l8", "l4"):
        expect_value(f"npy 2-D logits, {lab} labels", ["cce-logits", "--labels", "@" + os.path.join(tmp, lab + ".npy"),
                                                     "--logits", "@" + os.path.join(tmp, "z.npy")],
                     shortest((cce(z[0], 0) + cce(z[1], 2)) / 2))
    # Bad input: exit status 2, a message naming the argument, nothing on stdout.
    expect_error("negative probability", ["kl", "--p", "0.5,0.5", "--q", "1.5,-0.5"], "'q'", "index 1", "-0.5", ">= 0")
    expect_error("malformed number", ["kl", "--p", "0.5,0.5x", "--q", "0.5,0.5"], "'p'", "index 1", "not a number")
    expect_error("empty list", ["entropy", "--p", ""], "entropy needs --p")
    expect_error("empty item", ["entropy", "--p", "0.5,,0.5"], "'p'", "index 1", "empty")
    expect_error("NaN", ["entropy", "--p", "nan,1"], "'p'", "index 0", "NaN")
    expect_error("length mismatch", ["kl", "--p", "0.5,0.5", "--q", "0.2,0.3,0.5"], "'p' (length 2)", "'q' (length 3)")
    expect_error("not normalized", ["entropy", "--p", "0.5,0.6"], "'p'", "sums to")
    expect_error("missing file", ["entropy", "--p", "@" + os.path.join(tmp, "nope.npy")], "'p'", "cannot open")
    npy(os.path.join(tmp, "trunc.npy"), "<f8", [0.5, 0.5], truncate=3)
    expect_error("truncated npy", ["entropy", "--p", "@" + os.path.join(tmp, "trunc.npy")], "'p'", "truncated")
    with open(os.path.join(tmp, "bad.npy"), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", 70) + b"{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }".ljust(69) + b"\n" + b"\0" * 16)
    expect_error("non-float npy", ["entropy", "--p", "@" + os.path.join(tmp, "bad.npy")], "'p'", "<c16")
    with open(os.path.join(tmp, "shape.npy"), "wb") as f:  # found by the fuzz run: a shape that is not numbers
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", 70) + b"{'descr': '<f8', 'fortran_order': False, 'shape': *3,), }".ljust(69) + b"\n" + b"\0" * 24)
    expect_error("npy with a malformed shape", ["entropy", "--p", "@" + os.path.join(tmp, "shape.npy")], "'p'", "malformed header")
    with open(os.path.join(tmp, "huge.npy"), "wb") as f:  # a shape whose size overflows
        h = b"{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }".ljust(117) + b"\n"
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + b"\0" * 8)
    expect_error("npy whose shape overflows", ["entropy", "--p", "@" + os.path.join(tmp, "huge.npy")], "'p'", "overflows")
    with open(os.path.join(tmp, "junk.npy"), "wb") as f:
        f.write(b"not a numpy file at all")
    expect_error("not an npy", ["entropy", "--p", "@" + os.path.join(tmp, "junk.npy")], "not a .npy file")
    expect_error("digits out of range", ["entropy", "--p", "1", "--digits", "1000000000"], "--digits")
    expect_error("unknown quantity", ["entropi", "--p", "1"], "unknown quantity 'entropi'")
    expect_error("a framework's function", ["torch.cross_entropy", "--p", "1"], "python3 -m shannon torch.cross_entropy")
    expect_error("the first missing argument is named first", ["kl"], "kl needs --p")
    expect_error("class index out of range", ["cce", "--labels", "2", "--p", "0.5,0.5", "--classes", "2"], "'target'",
                 "[0, 2)")
    expect_error("non-integral label", ["cce", "--labels", "0.5", "--p", "0.5,0.5", "--classes", "2"], "'labels'",
                 "integer")
    expect_error("rows not a multiple of K", ["cce-logits", "--labels", "0", "--logits", "1,2,3", "--classes", "2"],
                 "'logits'", "multiple")
    # Inputs documented as exact are exact (mpmath on the decimals and hex floats as written).
    pd = [mpf("0.50000000000000000001"), mpf("0.49999999999999999999")]
    expect_value("a decimal that rounds to a double stays a decimal", ["kl", "--p", "0.50000000000000000001,0.49999999999999999999",
                                                                      "--q", "0.5,0.5", "--digits", "3"],
                 mpmath.nstr(kl(pd, [mpf("0.5")] * 2), 3, strip_zeros=False, min_fixed=1, max_fixed=0))
    rc, out, err = run("kl", "--p", "0.50000000000000000001,0.49999999999999999999", "--q", "0.5,0.5", "--json")
    try:
        lo, hi = (mpf(x) for x in json.loads(out)["enclosure"])
        check("its enclosure holds the exact value, not [0, 0]", rc == 0 and 0 < lo <= kl(pd, [mpf("0.5")] * 2) <= hi, out)
    except (ValueError, KeyError) as e:
        check("its enclosure holds the exact value, not [0, 0]", False, f"{e}: {out} {err}")
    ph = [mpf(2) ** -1 + mpf(2) ** -57, mpf(2) ** -1 - mpf(2) ** -57]  # 0x1.00000000000001p-1, 0x1.fffffffffffffep-2
    expect_value("hex floats keep every bit", ["kl", "--p", "0x1.00000000000001p-1,0x1.fffffffffffffep-2", "--q", "0.4,0.6",
                                               "--digits", "25"],
                 mpmath.nstr(kl(ph, [mpf("0.4"), mpf("0.6")]), 25, strip_zeros=False, min_fixed=1, max_fixed=0))
    expect_value("an exponent beyond MPFR's default range", ["cross-entropy", "--p", "0.5,0.5", "--q", "1,1e-400000000",
                                                            "--digits", "12"],
                 mpmath.nstr(-mpf("0.5") * mpmath.log(mpf(10) ** -400000000), 12, strip_zeros=False, min_fixed=1,
                             max_fixed=0))
    # Bad options and oversized input: each a clear error (exit status 2, empty stdout).
    expect_error("--max-ulps nan", ["check", "kl", "--p", "0.5,0.5", "--q", "0.9,0.1", "--candidates", "7",
                                    "--max-ulps", "nan"], "--max-ulps", "nan")
    expect_error("a trailing comma", ["entropy", "--p", "0.5,0.5,"], "'p'", "index 2", "trailing comma")
    expect_error("--classes -1", ["cce", "--labels", "0", "--p", "0.5,0.5", "--classes", "-1"], "--classes is -1", ">= 1")
    expect_error("--classes 0", ["cce", "--labels", "0", "--p", "0.5,0.5", "--classes", "0"], "--classes is 0", ">= 1")
    expect_error("an endless input", ["entropy", "--p", "@/dev/zero"], "'p'", "/dev/zero", "input cap")
    rc, out, err = run("entropy", "--p", "0.5," + "x" * 100000)  # the kernel caps one argument at 128 KiB
    check("a huge bad token is quoted short", rc == 2 and out == "" and "100000 characters" in err and len(err) < 300,
          f"rc={rc} {len(err)} bytes: {err[:300]}")
    for name, header in (("fortran_order Falsey", "{'descr': '<f8', 'fortran_order': Falsey, 'shape': (2,), }"),
                         ("an unknown key", "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1, }"),
                         ("a repeated key", "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"),
                         ("text after the dictionary", "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), } x")):
        h = header.encode()
        h += b" " * (63 - (len(h) + 10) % 64) + b"\n"
        with open(os.path.join(tmp, "strict.npy"), "wb") as f:
            f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + struct.pack("<2d", 0.5, 0.5))
        expect_error(f"npy header with {name}", ["entropy", "--p", "@" + os.path.join(tmp, "strict.npy")], "'p'",
                     "malformed header")
    # check: validating another implementation, one case per candidate.
    good = shortest(kl([0.5, 0.5], [0.9, 0.1]))
    rc, out, err = run("check", "kl", "--p", "0.5,0.5,0.25,0.75", "--q", "0.9,0.1,0.5,0.5", "--round-inputs", "binary64",
                       "--candidates", f"{good},0.1308")
    lines = out.splitlines()
    check("check: per-case errors, summary, exit 1 over the bound",
          rc == 1 and len(lines) == 3 and lines[0].startswith("0 ") and "2 cases" in lines[2] and "1 over 1 ulp" in lines[2]
          and abs(float(lines[0].split()[3])) <= 0.5, out + err)
    rc, out, err = run("check", "kl", "--p", "0.5,0.5", "--q", "0.9,0.1", "--round-inputs", "binary64",
                       "--candidates", good, "--max-ulps", "0.5", "--json")
    try:
        j = json.loads(out)
        check("check --json within bound: exit 0", rc == 0 and j["over_max_ulps"] == 0 and j["max_abs_ulp"] <= 0.5, out)
    except ValueError as e:
        check("check --json within bound: exit 0", False, f"{e}: {out} {err}")
    npy(os.path.join(tmp, "cand.npy"), "<f8", [1e300, 3.0485873515737420])
    rc, out, err = run("check", "bce-logits", "--labels", "1,0", "--logits", "-0x1.7e43c8800759cp+996,3",
                       "--candidates", "@" + os.path.join(tmp, "cand.npy"))
    check("check bce-logits from .npy candidates", rc == 0 and "2 cases" in out, out + err)
    expect_error("check: candidates and cases disagree", ["check", "bce-logits", "--labels", "1,0", "--logits", "1,2",
                                                          "--candidates", "0.5"], "'labels'", "2 numbers for 1 candidates")
    expect_error("check without candidates", ["check", "kl", "--p", "1", "--q", "1"], "--candidates")
    # One name in C++, Python and here (core/registry.hpp), with '-' or '_', and the short aliases.
    rc_a, kl_alias, _ = run("kl", "--p", "0.5,0.5", "--q", "0.9,0.1")
    rc_b, kl_dash, _ = run("kl-divergence", "--p", "0.5,0.5", "--q", "0.9,0.1")
    rc_c, kl_snake, _ = run("kl_divergence", "--p", "0.5,0.5", "--q", "0.9,0.1")
    check("kl, kl-divergence and kl_divergence are one quantity",
          rc_a == rc_b == rc_c == 0 and kl_alias == kl_dash == kl_snake and kl_alias.strip() == "0.5108256237659907",
          kl_alias + kl_dash + kl_snake)
    rc, out, err = run("gaussian_nll", "--y", "1,2", "--mu", "1,2", "--sigma2", "1")
    check("gaussian_nll by its C++ name (log 2 pi, mpmath: 1.8378770664093454836)", rc == 0 and out == "1.8378770664093456", out + err)
    # Issue 20: joint tables (--shape, or a .npy's own shape), --given, --average; orders (--alpha).
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "generators"))
    import info_formulas as info  # noqa: E402

    r = random.Random(20)
    cells = info.random_table(r, [2, 3, 4], 1.0, 0.2)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t.npy")
        npy(path, "<f8", cells, shape=(2, 3, 4))
        for g in (0, 1, 2):
            expect_value(f"conditional-mutual-information of a 3-D .npy, --given {g}",
                         ["conditional-mutual-information", "--p", "@" + path, "--given", str(g)],
                         shortest(info.conditional_mutual_information(cells, [2, 3, 4], g)))
        expect_value("total-correlation of a 3-D .npy", ["total-correlation", "--p", "@" + path],
                     shortest(info.total_correlation(cells, [2, 3, 4])))
    # Binary64 cells (hex floats: the oracle's fast paths), and exact decimals (the general path).
    t2 = ",".join(x.hex() for x in [0.4, 0.1, 0.1, 0.4])
    tenths = [mpf("0.4"), mpf("0.1"), mpf("0.1"), mpf("0.4")]
    expect_value("mutual-information --shape 2,2 of binary64 cells",
                 ["mutual-information", "--p", t2, "--shape", "2,2"], shortest(info.mutual_information([0.4, 0.1, 0.1, 0.4], [2, 2])))
    expect_value("mutual-information of exact tenths (mpmath 0.192744757021757429884)",
                 ["mutual-information", "--p", "0.4,0.1,0.1,0.4", "--shape", "2,2"],
                 shortest(info.mutual_information(tenths, [2, 2])))
    expect_value("conditional-entropy --given 1 --base 2", ["conditional-entropy", "--p", t2, "--shape", "2,2", "--given", "1",
                                                            "--base", "2"],
                 shortest(info.conditional_entropy([0.4, 0.1, 0.1, 0.4], [2, 2], 1) / mpmath.log(2)))
    expect_value("normalized-mutual-information --average joint of exact tenths",
                 ["normalized-mutual-information", "--p", "0.4,0.1,0.1,0.4", "--shape", "2,2", "--average", "joint"],
                 shortest(info.normalized_mutual_information(tenths, [2, 2], "joint")))
    expect_error("a table without a shape", ["mutual-information", "--p", t2], "needs the table's shape")
    expect_error("a shape that does not fit", ["mutual-information", "--p", t2, "--shape", "3,2"], "has 4 cells",
                 "needs 6")
    expect_error("a negative --given", ["conditional-entropy", "--p", t2, "--shape", "2,2", "--given", "-1"], "--given")
    for a, name in (("0.5", "0.5"), ("inf", "inf"), ("1", "1"), ("1.000000000001", "1 + 1e-12")):
        alpha = mpf(a) if a != "inf" else mpmath.inf
        expect_value(f"renyi-divergence --alpha {name}",
                     ["renyi-divergence", "--p", "0.5,0.25,0.25", "--q", "0.25,0.5,0.25", "--alpha", a],
                     shortest(info.renyi_divergence([0.5, 0.25, 0.25], [0.25, 0.5, 0.25], alpha)))
    expect_value("tsallis-entropy --alpha 2", ["tsallis-entropy", "--p", "0.5,0.5", "--alpha", "2"], "0.5")
    expect_error("renyi-entropy without --alpha", ["renyi-entropy", "--p", "0.5,0.5"], "needs --alpha")
    expect_error("renyi-entropy --alpha -1", ["renyi-entropy", "--p", "0.5,0.5", "--alpha", "-1"], "'alpha' is -1",
                 "must be >= 0")
    # check for the orders and the tables: one case per candidate (a table per case: --shape, or a .npy
    # of shape (cases, ...)).
    h2 = shortest(info.renyi_entropy([0.25, 0.75], 2))
    rc, out, err = run("check", "renyi-entropy", "--p", "0.5,0.5,0.25,0.75", "--alpha", "2", "--candidates",
                       f"0x1.62e42fefa39efp-1,{h2}", "--json")
    try:
        j = json.loads(out)
        check("check renyi-entropy: two cases within 0.5 ulp", rc == 0 and j["over_max_ulps"] == 0 and j["max_abs_ulp"] <= 0.5,
              out + err)
    except ValueError as e:
        check("check renyi-entropy: two cases within 0.5 ulp", False, f"{e}: {out} {err}")
    rc, out, err = run("check", "renyi-divergence", "--p", "0.5,0.5", "--q", "0.9,0.1", "--alpha", "0.5", "--candidates", "0.2")
    check("check renyi-divergence: one case over the bound, exit 1", rc == 1 and "1 over 1 ulp" in out, out + err)
    expect_error("check with an order that is not a double", ["check", "renyi-entropy", "--p", "0.5,0.5", "--alpha", "0.1",
                                                              "--candidates", "0.6"], "binary64")
    mi = shortest(info.mutual_information([0.4, 0.1, 0.1, 0.4], [2, 2]))
    rc, out, err = run("check", "mutual-information", "--p", t2 + ",0x1p-2,0x1p-2,0x1p-2,0x1p-2", "--shape", "2,2",
                       "--candidates", f"{mi},0")
    check("check mutual-information: two 2x2 tables, both exact", rc == 0 and "2 cases" in out, out + err)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "tables.npy")
        npy(path, "<f8", [0.4, 0.1, 0.1, 0.4, 0.25, 0.25, 0.25, 0.25], shape=(2, 2, 2))
        rc, out, err = run("check", "mutual-information", "--p", "@" + path, "--candidates", f"{mi},1e-3", "--json")
        try:
            j = json.loads(out)
            check("check mutual-information of a (cases, 2, 2) .npy: the second over the bound",
                  rc == 1 and j["over_max_ulps"] == 1 and abs(j["cases"][0]["ulp_error"]) <= 0.5, out + err)
        except ValueError as e:
            check("check mutual-information of a (cases, 2, 2) .npy", False, f"{e}: {out} {err}")
    expect_error("check: tables and candidates disagree", ["check", "mutual-information", "--p", t2, "--shape", "2,2",
                                                           "--candidates", "0.1,0.2"], "'p'", "not 2 tables of 4 cells")
    rc, out, err = run("--help")
    check("--help lists every quantity with its formula",
          rc == 0 and all(q in out for q in ("entropy", "cross-entropy", "kl", "generalized-kl", "js", "bce", "bce-logits",
                                             "cce", "cce-logits", "nll-gaussian", "mse")) and "sum p log(p/q)" in out, out)

    return junit.report("cli", results)

if __name__ == "__main__":
    sys.exit(main())
