#!/usr/bin/env python3
"""Debian's OpenSBI finds the same interrupt controllers on stepvisor as on QEMU.

    aia_opensbi_test.py STEPVISOR FW_JUMP [QEMU]

For --aia none, aplic and aplic-imsic (QEMU: -M virt,aia=...,aia-guests=7,
-cpu rv64,h=true -smp 2 -m 256M), OpenSBI's banner lines that name what it
found in the device tree and probed at the harts must be QEMU's, line for line:
"Platform IPI Device" (aclint-mswi, or aia-imsic with IMSICs), "Platform Timer
Device", "Platform Console Device", the "Domain0 Region" lines (the M-level
IMSIC pages and the APLIC's M domain protected from S-mode), "Boot HART ISA
Extensions" (aia: OpenSBI read mtopi) and "Boot HART MIDELEG".

stepvisor runs with QEMU 7.2's extension set (--isa rv64gch_zba_zbb_zbc_zbs_sstc;
the AIA's Smaia/Ssaia come with --aia aplic-imsic as QEMU's come with
aia=aplic-imsic), and once more with its default ISA, where OpenSBI also finds
Sscofpmf (QEMU 7.2 has it with sscofpmf=true) and Smstateen, which QEMU 7.2
lacks: the one expected difference.
Without QEMU, stepvisor's lines are checked against the expected values alone.
Exit status 77 (meson's "skipped") without Debian's OpenSBI.
"""
import os
import re
import subprocess
import sys

KEYS = ["Platform HART Count", "Platform IPI Device", "Platform Timer Device", "Platform Console Device",
        "Domain0 Region", "Boot HART ISA Extensions", "Boot HART MIDELEG"]
QEMU_ISA = "rv64gch_zba_zbb_zbc_zbs_sstc"
LAST = "Boot HART MEDELEG"   # the banner's last line
# What the lines must say without QEMU to compare with (QEMU 7.2 printed these).
EXPECTED = {
    "none": {"Platform IPI Device": "aclint-mswi", "Boot HART ISA Extensions": "time,sstc"},
    "aplic": {"Platform IPI Device": "aclint-mswi", "Boot HART ISA Extensions": "time,sstc"},
    "aplic-imsic": {"Platform IPI Device": "aia-imsic", "Boot HART ISA Extensions": "time,aia,sstc"},
}

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def banner(cmd, timeout=60):
    """The banner lines of KEYS (in order), read until LAST; the process is then stopped."""
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = []
    try:
        import selectors
        sel = selectors.DefaultSelector()
        sel.register(p.stdout, selectors.EVENT_READ)
        buf = b""
        import time
        end = time.time() + timeout
        while time.time() < end:
            if not sel.select(timeout=1):
                if p.poll() is not None:
                    break
                continue
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            if LAST.encode() in buf and buf.rstrip(b"\r").endswith(b"\n"):
                break
        text = buf.decode(errors="replace").replace("\r", "")
        for line in text.split("\n"):
            if any(line.startswith(k) for k in KEYS):
                lines.append(re.sub(r"\s+", " ", line.strip()))
    finally:
        p.kill()
        p.wait()
    return lines


def value(lines, key):
    for l in lines:
        if l.startswith(key):
            return l.split(":", 1)[1].strip()
    return None


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    stepvisor, fw = sys.argv[1], sys.argv[2]
    qemu = sys.argv[3] if len(sys.argv) > 3 else ""
    if not os.path.exists(fw):
        print(f"skipped: {fw} not found (Debian package opensbi)")
        return 77
    for aia in ["none", "aplic", "aplic-imsic"]:
        ours = banner([stepvisor, "run", "--harts", "2", "--mem", "256M", "--aia", aia, "--isa", QEMU_ISA,
                       "--max-insns", "40000000", "--bios", fw])
        print(f"aia={aia}: stepvisor")
        for l in ours:
            print("  " + l)
        if len(ours) < len(KEYS):
            fail(f"aia={aia}: stepvisor printed only {len(ours)} of the banner's lines")
        for key, want in EXPECTED[aia].items():
            if value(ours, key) != want:
                fail(f"aia={aia}: {key} is {value(ours, key)!r}, expected {want!r}")
        if qemu:
            theirs = banner([qemu, "-M", f"virt,aia={aia},aia-guests=7", "-cpu", "rv64,h=true", "-smp", "2",
                             "-m", "256M", "-display", "none", "-serial", "stdio", "-monitor", "none",
                             "-bios", fw])
            if not theirs:
                fail(f"aia={aia}: QEMU printed no banner")
            elif ours != theirs:
                fail(f"aia={aia}: the lines differ from QEMU's:\n    "
                     + "\n    ".join(f"{a!r:60} | QEMU {b!r}" for a, b in zip(ours, theirs) if a != b)
                     + (f"\n    (stepvisor {len(ours)} lines, QEMU {len(theirs)})" if len(ours) != len(theirs) else ""))
            else:
                print(f"aia={aia}: {len(ours)} lines as QEMU's")
    # The default ISA: the same but for Smstateen (QEMU 7.2 has no Smstateen).
    ours = banner([stepvisor, "run", "--harts", "2", "--aia", "aplic-imsic", "--max-insns", "40000000", "--bios", fw])
    ext = value(ours, "Boot HART ISA Extensions")
    want = "sscofpmf,time,aia,smstateen,sstc"
    if ext != want:
        fail(f"default ISA with aia=aplic-imsic: ISA extensions {ext!r}, expected {want!r} "
             "(QEMU 7.2's 'sscofpmf,time,aia,sstc' with sscofpmf=true, and the Smstateen it lacks)")
    else:
        print(f"default ISA, aia=aplic-imsic: ISA extensions {ext} (expected difference from QEMU 7.2: smstateen)")
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
