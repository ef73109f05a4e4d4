#!/usr/bin/python3
"""Makes float-cases.tsv: Python's repr and format() of awkward doubles.

Run from this folder with the system Python (3.11 was used):  /usr/bin/python3 make_float_cases.py
Each line: the double's 64 bits in hex, then repr(x), then format(x, spec) for each spec in SPECS.
The doubles are fixed (seeded): random bit patterns, subnormals, powers of two and ten and their
neighbours, halfway cases, and coordinates with 1 to 17 significant digits.
"""
import math
import random
import struct

SPECS = ["", ".0f", ".2f", ".3e", "e", "g", ".10g", ".17g", ".1", ".15", "%", ",.3f", "#.4g", "+012.4f"]


def bits(x):
    return struct.unpack(">Q", struct.pack(">d", x))[0]


def from_bits(b):
    return struct.unpack(">d", struct.pack(">Q", b))[0]


def values():
    rng = random.Random(20261121)
    out = [0.0, -0.0, 5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308,
           0.1, 0.2, 0.3, 1 / 3, 2 / 3, 2.675, 0.125, 0.375, 1e16, 1e15, 9007199254740993.0, 1e22, 1e23, 5e-5,
           0.0001, 0.00001, 123456789012345678.0, 4.35, 0.5, 1.5, 2.5, 1e-7, 1e300, math.pi, math.e]
    for e in range(-330, 310, 19):
        for m in (1, 2, 5, 9.999999999999999):
            x = m * 10.0 ** e if abs(e) < 300 else float(f"{m}e{e}")
            if math.isfinite(x):
                out += [x, math.nextafter(x, 0), math.nextafter(x, math.inf)]
    for e in range(-1074, 1024, 97):
        x = math.ldexp(1.0, e)
        out += [x, math.nextafter(x, 0), math.nextafter(x, math.inf)]
    for _ in range(500):
        b = rng.getrandbits(64)
        x = from_bits(b)
        if math.isfinite(x):
            out.append(x)
    for _ in range(500):
        digits = rng.randint(1, 17)
        x = float(f"{rng.uniform(-180, 180):.{digits}g}")
        out.append(x)
    for _ in range(200):
        out.append(rng.uniform(-1e6, 1e6))
    for _ in range(100):
        out.append(from_bits(rng.getrandbits(52)))  # subnormals
    return out


with open("float-cases.tsv", "w") as f:
    f.write("# bits\trepr\t" + "\t".join("format:" + s for s in SPECS) + "\n")
    for x in values():
        f.write("%016x\t%s\t%s\n" % (bits(x), repr(x), "\t".join(format(x, s) for s in SPECS)))
