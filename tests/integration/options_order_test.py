#!/usr/bin/env python3
"""Machine options mean the same in any order: the generated device tree
(the configuration a guest sees) is compared for both orders of each pair.

usage: options_order_test.py STEPVISOR
"""
import os
import struct
import subprocess
import sys
import tempfile

stepvisor = sys.argv[1]
failures = []


def check(cond, what, detail=""):
    if cond:
        print(f"ok   {what}")
    else:
        failures.append(what)
        print(f"FAIL {what}\n  {detail}")


def fdt_props(blob):
    """{node path: {property: bytes}} from a flattened device tree (devicetree spec 5.4)."""
    magic, _, off_struct, off_strings = struct.unpack_from(">IIII", blob, 0)
    assert magic == 0xd00dfeed
    nodes, path, pos = {}, [], off_struct
    while True:
        tok, = struct.unpack_from(">I", blob, pos)
        pos += 4
        if tok == 1:  # BEGIN_NODE
            end = blob.index(b"\0", pos)
            path.append(blob[pos:end].decode())
            nodes["/" + "/".join(p for p in path if p)] = {}
            pos = (end + 4) & ~3
        elif tok == 2:  # END_NODE
            path.pop()
        elif tok == 3:  # PROP
            size, name_off = struct.unpack_from(">II", blob, pos)
            pos += 8
            name = blob[off_strings + name_off:blob.index(b"\0", off_strings + name_off)].decode()
            nodes["/" + "/".join(p for p in path if p)][name] = blob[pos:pos + size]
            pos = (pos + size + 3) & ~3
        elif tok == 4:  # NOP
            pass
        elif tok == 9:  # END
            return nodes


def tree(*args):
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "t.dtb")
        p = subprocess.run([stepvisor, "run", *args, "--dump-dtb", f], capture_output=True, text=True, timeout=30)
        if p.returncode != 0:
            return None, p.stderr
        return fdt_props(open(f, "rb").read()), ""


def isa_of(t):
    return t["/cpus/cpu@0"]["riscv,isa"].rstrip(b"\0").decode()


def cpus(t):
    return sorted(n for n in t if n.startswith("/cpus/cpu@") and n.count("/") == 2)


def memory(t):
    return [v["reg"] for n, v in t.items() if n.startswith("/memory@")]


def both_orders(a, b, what, expect):
    ta, ea = tree(*a, *b)
    tb, eb = tree(*b, *a)
    if ta is None or tb is None:
        check(False, what, ea + eb)
        return
    check(ta == tb and expect(ta), f"{what}: {' '.join(a)} and {' '.join(b)} in either order",
          f"{isa_of(ta)} vs {isa_of(tb)}")


both_orders(["--no-sstc"], ["--isa", "rv64gch_sstc"], "no Sstc, with H",
            lambda t: "sstc" not in isa_of(t) and isa_of(t).startswith("rv64imafdch"))
both_orders(["--no-sstc"], ["--isa", "rv64imac_sstc"], "no Sstc, no F/D",
            lambda t: "sstc" not in isa_of(t) and isa_of(t).startswith("rv64imac_"))
both_orders(["--harts", "3"], ["--isa", "rv64gch"], "three harts with H",
            lambda t: len(cpus(t)) == 3 and all(t[c]["riscv,isa"].startswith(b"rv64imafdch") for c in cpus(t)))
both_orders(["--mem", "64M"], ["--isa", "rv64gch"], "64M of RAM with H",
            lambda t: memory(t) == [struct.pack(">QQ", 0x80000000, 64 << 20)])
both_orders(["--demo-devices"], ["--isa", "rv64gch"], "the demo devices with H",
            lambda t: "/soc/serial@10001000" in t)
both_orders(["--harts", "2", "--no-sstc"], ["--isa", "rv64gch_sstc", "--mem", "128M"], "four options",
            lambda t: len(cpus(t)) == 2 and "sstc" not in isa_of(t) and
            memory(t) == [struct.pack(">QQ", 0x80000000, 128 << 20)])
t, _ = tree()
check(t is not None and "sstc" in isa_of(t).split("_"), "Sstc is on by default", t and isa_of(t))
both_orders(["--no-sstc"], [], "no Sstc in the default ISA", lambda t: "sstc" not in isa_of(t) and "h_" in isa_of(t))
t, _ = tree("--isa", "rv64gc", "--isa", "rv64gch")
check(t is not None and isa_of(t).startswith("rv64imafdch"), "the last --isa counts", t and isa_of(t))

if failures:
    print(f"{len(failures)} failed")
    sys.exit(1)
print("all passed")
